//! The driver's own latencies, measured on the log, for the simulator's `sparksim.dag.*` knobs.
//!
//! The simulator has three fixed delays between scheduling events; their defaults were
//! calibrated on local-mode PySpark runs, and a replayed application can be much faster or
//! slower (a warm JVM cluster with 5 ms jobs, a loaded YARN driver). Each is measured as the
//! lower quartile ([`QUANTILE`]) over the log's occurrences where it is visible, i.e. where no
//! slot shortage hid it:
//!
//! * `sparksim.dag.jobStartLatency`, JobStart → the job's first task launch, over jobs that
//!   found a free slot when they started;
//! * `sparksim.dag.stageSubmitLatency`, the slot of a stage's last parent task freed → the
//!   stage's first launch, over child stages that found a free slot then;
//! * `sparksim.dag.jobEndLatency`, the slot of a job's last task freed → JobEnd, over jobs
//!   that succeeded.
//!
//! A latency needs at least [`MIN_SAMPLES`] occurrences; otherwise the knob keeps its default.

use serde::Serialize;

/// Occurrences a latency needs to be measured.
pub const MIN_SAMPLES: usize = 5;

/// The quantile taken: the lower quartile. A latency is a floor plus occasional delays, and
/// its first occurrences in a cold JVM are many times longer (the first job's first launch
/// takes 200–300 ms in the local dev runs, against about 20 ms later), so the median of a
/// few occurrences overstates it.
pub const QUANTILE: f64 = 0.25;

/// The largest latency taken from a log (longer ones are not scheduling latency).
pub const MAX_LATENCY_MS: u64 = 10_000;

/// Measured latencies (ms) and their sample counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Latencies {
    pub job_start_ms: Option<u64>,
    pub stage_submit_ms: Option<u64>,
    pub job_end_ms: Option<u64>,
    pub job_start_samples: usize,
    pub stage_submit_samples: usize,
    pub job_end_samples: usize,
}

impl Latencies {
    /// `(knob, value)` for every measured latency.
    pub fn knobs(&self) -> Vec<(&'static str, u64)> {
        [
            ("sparksim.dag.jobStartLatency", self.job_start_ms),
            ("sparksim.dag.stageSubmitLatency", self.stage_submit_ms),
            ("sparksim.dag.jobEndLatency", self.job_end_ms),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
    }
}

/// Busy slots over time: attempt intervals `[launch, slot free)`.
pub(crate) struct Occupancy {
    launches: Vec<i64>,
    frees: Vec<i64>,
    slots: u64,
}

impl Occupancy {
    pub fn new(intervals: impl Iterator<Item = (i64, Option<i64>)>, slots: u64) -> Self {
        let mut launches = Vec::new();
        let mut frees = Vec::new();
        for (launch, free) in intervals {
            launches.push(launch);
            frees.push(free.unwrap_or(i64::MAX));
        }
        launches.sort_unstable();
        frees.sort_unstable();
        Occupancy {
            launches,
            frees,
            slots,
        }
    }

    /// Whether a slot was free just after `t` (attempts launched at `t` excluded).
    pub fn idle_at(&self, t: i64) -> bool {
        let started = self.launches.partition_point(|&l| l < t) as u64;
        let ended = self.frees.partition_point(|&f| f <= t) as u64;
        started.saturating_sub(ended) < self.slots
    }
}

/// The [`QUANTILE`] of samples (nearest rank), if there are enough.
pub(crate) fn measured(samples: &mut [i64]) -> Option<u64> {
    if samples.len() < MIN_SAMPLES {
        return None;
    }
    samples.sort_unstable();
    let rank = ((QUANTILE * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
    let m = samples[rank - 1];
    Some((m.max(0) as u64).min(MAX_LATENCY_MS))
}
