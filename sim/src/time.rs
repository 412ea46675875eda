//! Simulated time: [`SimTime`], an instant in whole milliseconds since the start of a run.
//!
//! Milliseconds are Spark's own resolution (event logs, `System.currentTimeMillis`, every
//! `*.interval` and timeout key), so nothing finer is needed and every instant is exact.
//! Durations are plain `u64` milliseconds; arithmetic saturates instead of wrapping or
//! panicking, so a huge user-supplied delay cannot crash a run.
//!
//! This module must not read a wall clock and must not know about events or scheduling.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};

/// An instant of simulated time, in milliseconds since the start of the run.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The latest representable instant; saturating arithmetic stops here.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// The instant `ms` milliseconds after the start.
    pub const fn from_ms(ms: u64) -> SimTime {
        SimTime(ms)
    }

    /// The instant `secs` seconds after the start (saturating).
    pub const fn from_secs(secs: u64) -> SimTime {
        SimTime(secs.saturating_mul(1000))
    }

    /// Milliseconds since the start.
    pub const fn as_ms(self) -> u64 {
        self.0
    }

    /// Milliseconds elapsed from `earlier` to `self`, or 0 if `earlier` is later.
    pub const fn saturating_since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// `time + delay_ms`, saturating at [`SimTime::MAX`].
impl Add<u64> for SimTime {
    type Output = SimTime;

    fn add(self, delay_ms: u64) -> SimTime {
        SimTime(self.0.saturating_add(delay_ms))
    }
}

impl AddAssign<u64> for SimTime {
    fn add_assign(&mut self, delay_ms: u64) {
        *self = *self + delay_ms;
    }
}

/// `later - earlier` in milliseconds, 0 if `earlier` is actually later.
impl Sub for SimTime {
    type Output = u64;

    fn sub(self, earlier: SimTime) -> u64 {
        self.saturating_since(earlier)
    }
}

/// `time - ms`, saturating at [`SimTime::ZERO`].
impl Sub<u64> for SimTime {
    type Output = SimTime;

    fn sub(self, ms: u64) -> SimTime {
        SimTime(self.0.saturating_sub(ms))
    }
}

/// Seconds with millisecond precision, e.g. `12.345s`.
impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::SimTime;

    #[test]
    fn display_is_seconds_with_three_decimals() {
        assert_eq!(SimTime::from_ms(12_345).to_string(), "12.345s");
        assert_eq!(SimTime::from_ms(7).to_string(), "0.007s");
        assert_eq!(SimTime::ZERO.to_string(), "0.000s");
    }

    #[test]
    fn arithmetic_saturates() {
        assert_eq!(SimTime::MAX + 1, SimTime::MAX);
        assert_eq!(SimTime::from_ms(5) - 10, SimTime::ZERO);
        assert_eq!(SimTime::from_ms(5) - SimTime::from_ms(10), 0);
        assert_eq!(SimTime::from_ms(10) - SimTime::from_ms(4), 6);
        assert_eq!(SimTime::from_secs(u64::MAX), SimTime::MAX);
    }

    #[test]
    fn add_assign_moves_forward() {
        let mut t = SimTime::from_secs(1);
        t += 250;
        assert_eq!(t.as_ms(), 1250);
        assert!(t > SimTime::from_secs(1));
    }
}
