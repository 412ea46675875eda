//! Spark-version presets: the few scheduling rules and defaults that changed between releases.
//!
//! The simulator follows one Spark version at a time, chosen with the sim-only key
//! `sparksim.spark.version` (default `3.5`). Only the differences that change a scheduling
//! decision are modelled (spec §0.1):
//!
//! * FAIR mode with no allocation file: since 3.4 the auto-created `default` pool takes the
//!   root's mode (SPARK-42157); before, it was FIFO and Spark logged a warning (§4.2 step 3).
//! * Speculation defaults: multiplier 1.5 / quantile 0.75 up to 3.5, 3 / 0.9 in 4.0 (SPARK-47720).
//! * The "median" of successful task durations used by speculation (§7.5).
//! * Efficiency-based speculation exists since 3.4; `shuffleTracking.enabled` defaults to true
//!   since 3.4 (DA spec A.1).
//!
//! This module decides nothing else; it never reads configuration itself.

use std::fmt;
use std::str::FromStr;

use crate::scheduling_mode::SchedulingMode;

/// A Spark release line whose rules the simulator follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SparkVersion {
    /// Spark 3.3 and earlier: the pre-3.4 rules (FIFO `default` pool without a file,
    /// mean-of-middle median, no efficiency speculation, shuffle tracking off by default).
    ///
    /// Caveat: rules older than 3.1 (legacy-only delay-timer reset, no `isSchedulable` filter)
    /// are *not* modelled; "3.0" and "2.4" map here too.
    V3_3,
    /// Spark 3.4.x.
    V3_4,
    /// Spark 3.5.x (the default).
    #[default]
    V3_5,
    /// Spark 4.0 and later.
    V4_0,
}

/// How the speculation "median" of successful durations is taken (spec §7.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MedianRule {
    /// ≤ 3.3 `MedianHeap`: the middle value for odd n, the mean of the two middle values for
    /// even n.
    MeanOfMiddle,
    /// 3.4 `PercentileHeap` (SPARK-41530): averages the two heap tops when the halves are
    /// balanced (in effect, even n), otherwise one heap top. Not verified against a 3.4 tree.
    PercentileHeap34,
    /// 3.5+ (SPARK-42528): `sorted[floor(n * 0.5)]`, the upper median, no averaging.
    Upper,
}

/// A version string that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid Spark version {value:?}: expected MAJOR.MINOR[.PATCH] such as \"3.5\", \"3.5.1\" \
     or \"4.0.0\""
)]
pub struct SparkVersionError {
    /// The rejected text.
    pub value: String,
}

impl SparkVersion {
    /// Every preset, oldest first.
    pub const ALL: [SparkVersion; 4] = [
        SparkVersion::V3_3,
        SparkVersion::V3_4,
        SparkVersion::V3_5,
        SparkVersion::V4_0,
    ];

    /// Reads "3.5", "3.5.9", "4.0.0", "3.2", "4.1", "3.5.0-SNAPSHOT" (an optional leading `v`
    /// is accepted). ≤ 3.3 → `V3_3`, 3.4 → `V3_4`, 3.5 → `V3_5`, ≥ 4.0 → `V4_0`.
    pub fn parse(value: &str) -> Result<Self, SparkVersionError> {
        let err = || SparkVersionError {
            value: value.to_string(),
        };
        let text = value.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let core = text.split(['-', '+']).next().unwrap_or("");
        let mut parts = core.split('.');
        let major = parse_component(parts.next()).ok_or_else(err)?;
        let minor = parse_component(parts.next()).ok_or_else(err)?;
        if let Some(patch) = parts.next() {
            parse_component(Some(patch)).ok_or_else(err)?;
        }
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(Self::from_major_minor(major, minor))
    }

    fn from_major_minor(major: u32, minor: u32) -> Self {
        match (major, minor) {
            (0..=2, _) | (3, 0..=3) => SparkVersion::V3_3,
            (3, 4) => SparkVersion::V3_4,
            (3, _) => SparkVersion::V3_5,
            _ => SparkVersion::V4_0,
        }
    }

    /// The canonical text: "3.3", "3.4", "3.5", "4.0".
    pub fn as_str(self) -> &'static str {
        match self {
            SparkVersion::V3_3 => "3.3",
            SparkVersion::V3_4 => "3.4",
            SparkVersion::V3_5 => "3.5",
            SparkVersion::V4_0 => "4.0",
        }
    }

    /// True when, in FAIR mode with no allocation file, Spark creates `default` with the
    /// root's mode (3.4+, SPARK-42157). Before 3.4 it created a FIFO `default` plus a warning.
    pub fn default_pool_follows_root_mode(self) -> bool {
        self >= SparkVersion::V3_4
    }

    /// The mode of the auto-created `default` pool when FAIR mode has no allocation file
    /// (§4.2 step 3 and 5).
    pub fn default_pool_mode_without_file(self, root_mode: SchedulingMode) -> SchedulingMode {
        if self.default_pool_follows_root_mode() {
            root_mode
        } else {
            SchedulingMode::Fifo
        }
    }

    /// Default of `spark.speculation.multiplier`: 1.5, or 3 in 4.0.
    pub fn speculation_multiplier_default(self) -> f64 {
        if self >= SparkVersion::V4_0 { 3.0 } else { 1.5 }
    }

    /// Default of `spark.speculation.quantile`: 0.75, or 0.9 in 4.0.
    pub fn speculation_quantile_default(self) -> f64 {
        if self >= SparkVersion::V4_0 {
            0.9
        } else {
            0.75
        }
    }

    /// Which "median" speculation uses (§7.5).
    pub fn median_rule(self) -> MedianRule {
        match self {
            SparkVersion::V3_3 => MedianRule::MeanOfMiddle,
            SparkVersion::V3_4 => MedianRule::PercentileHeap34,
            SparkVersion::V3_5 | SparkVersion::V4_0 => MedianRule::Upper,
        }
    }

    /// Whether efficiency-based speculation (`spark.speculation.efficiency.*`) exists (3.4+).
    pub fn has_speculation_efficiency(self) -> bool {
        self >= SparkVersion::V3_4
    }

    /// Default of `spark.dynamicAllocation.shuffleTracking.enabled`: true since 3.4.
    pub fn shuffle_tracking_default(self) -> bool {
        self >= SparkVersion::V3_4
    }
}

fn parse_component(part: Option<&str>) -> Option<u32> {
    let part = part?;
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

impl FromStr for SparkVersion {
    type Err = SparkVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SparkVersion::parse(s)
    }
}

impl fmt::Display for SparkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_release_strings() {
        let cases = [
            ("3.5", SparkVersion::V3_5),
            ("3.5.9", SparkVersion::V3_5),
            ("4.0.0", SparkVersion::V4_0),
            ("3.2", SparkVersion::V3_3),
            ("3.3.1", SparkVersion::V3_3),
            ("2.4.8", SparkVersion::V3_3),
            ("3.4.0", SparkVersion::V3_4),
            ("4.1", SparkVersion::V4_0),
            ("3.5.0-SNAPSHOT", SparkVersion::V3_5),
            ("v3.5.1", SparkVersion::V3_5),
            (" 3.5 ", SparkVersion::V3_5),
        ];
        for (text, want) in cases {
            assert_eq!(SparkVersion::parse(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_garbage_naming_the_value() {
        for bad in [
            "",
            "3",
            "three.five",
            "3.x",
            "3.5.1.2",
            "3..5",
            "-3.5",
            "3.5.",
        ] {
            let err = SparkVersion::parse(bad).unwrap_err();
            assert_eq!(err.value, bad);
            assert!(err.to_string().contains(&format!("{bad:?}")));
        }
    }

    #[test]
    fn default_is_3_5_and_display_round_trips() {
        assert_eq!(SparkVersion::default(), SparkVersion::V3_5);
        for v in SparkVersion::ALL {
            assert_eq!(SparkVersion::parse(&v.to_string()), Ok(v));
        }
    }

    #[test]
    fn version_rules() {
        use SchedulingMode::*;
        assert_eq!(
            SparkVersion::V3_3.default_pool_mode_without_file(Fair),
            Fifo
        );
        assert_eq!(
            SparkVersion::V3_4.default_pool_mode_without_file(Fair),
            Fair
        );
        assert_eq!(SparkVersion::V3_5.speculation_multiplier_default(), 1.5);
        assert_eq!(SparkVersion::V3_5.speculation_quantile_default(), 0.75);
        assert_eq!(SparkVersion::V4_0.speculation_multiplier_default(), 3.0);
        assert_eq!(SparkVersion::V4_0.speculation_quantile_default(), 0.9);
        assert_eq!(SparkVersion::V3_3.median_rule(), MedianRule::MeanOfMiddle);
        assert_eq!(
            SparkVersion::V3_4.median_rule(),
            MedianRule::PercentileHeap34
        );
        assert_eq!(SparkVersion::V3_5.median_rule(), MedianRule::Upper);
        assert_eq!(SparkVersion::V4_0.median_rule(), MedianRule::Upper);
        assert!(!SparkVersion::V3_3.has_speculation_efficiency());
        assert!(SparkVersion::V3_4.has_speculation_efficiency());
        assert!(!SparkVersion::V3_3.shuffle_tracking_default());
        assert!(SparkVersion::V3_5.shuffle_tracking_default());
    }
}
