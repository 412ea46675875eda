//! How close a replay came to what the log recorded: per-job turnaround errors and their
//! median, 90th percentile and maximum.

use serde::Serialize;

/// One job, real against simulated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobAccuracy {
    /// Spark's job id in the log.
    pub job_id: i64,
    pub name: String,
    pub pool: String,
    /// `JobEnd.Completion Time − JobStart.Submission Time`; `None` if the job never ended.
    pub real_turnaround_ms: Option<u64>,
    /// The replay's turnaround; `None` if the job did not finish in the replay.
    pub sim_turnaround_ms: Option<u64>,
    /// `(sim − real) / real`; `None` when either is missing or real is 0.
    pub rel_error: Option<f64>,
}

impl JobAccuracy {
    /// Builds the row and its relative error.
    pub fn new(
        job_id: i64,
        name: String,
        pool: String,
        real: Option<u64>,
        sim: Option<u64>,
    ) -> Self {
        let rel_error = match (real, sim) {
            (Some(r), Some(s)) if r > 0 => Some((s as f64 - r as f64) / r as f64),
            _ => None,
        };
        JobAccuracy {
            job_id,
            name,
            pool,
            real_turnaround_ms: real,
            sim_turnaround_ms: sim,
            rel_error,
        }
    }
}

/// Summary statistics of the absolute relative errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ErrorStats {
    /// Jobs with an error (both turnarounds known, real > 0).
    pub jobs: usize,
    pub median_abs_rel_error: Option<f64>,
    pub p90_abs_rel_error: Option<f64>,
    pub max_abs_rel_error: Option<f64>,
}

impl ErrorStats {
    /// Statistics of `|rel_error|` over `jobs`.
    pub fn of(jobs: &[JobAccuracy]) -> ErrorStats {
        let errors: Vec<f64> = jobs
            .iter()
            .filter_map(|j| j.rel_error.map(f64::abs))
            .collect();
        ErrorStats::of_errors(errors)
    }

    /// Statistics of absolute errors given directly.
    pub fn of_errors(mut errors: Vec<f64>) -> ErrorStats {
        errors.retain(|e| e.is_finite());
        errors.sort_by(f64::total_cmp);
        ErrorStats {
            jobs: errors.len(),
            median_abs_rel_error: percentile(&errors, 0.5),
            p90_abs_rel_error: percentile(&errors, 0.9),
            max_abs_rel_error: errors.last().copied(),
        }
    }
}

/// Nearest-rank percentile of sorted values (`q` in 0..=1); the median of an even count is the
/// lower middle value.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}
