//! What one run is measured by: per-pool turnaround and wait, the makespan, executor time and
//! slot utilisation. Names are the vocabulary of `--minimize`, `--subject-to`, `--target` and
//! the CSV columns.
//!
//! | metric | unit | meaning |
//! |---|---|---|
//! | `pool.<name>.{mean,p50,p95}_turnaround` | ms | submit to end of the pool's jobs that ended |
//! | `pool.<name>.{mean,p50,p95}_wait` | ms | submit to first task launch, jobs that launched |
//! | `all.…` (same six) | ms | the same over every job |
//! | `makespan` | ms | the last job end (from time 0; the last event when no job ended) |
//! | `executor_seconds` | s | Σ over executors of (removal, or the makespan) − registration |
//! | `core_seconds` | s | the same weighted by each executor's cores |
//! | `slot_utilisation` | 0–1 | busy core time of task attempts ÷ core time (`core_seconds`) |
//! | `failed_jobs` | count | jobs that failed or never ran |
//!
//! Quantiles are nearest-rank (the value at rank ⌈q·n⌉), as in every sparksim output. A value
//! that cannot be computed (a pool with no job that ended) is NaN here and empty in CSV.

use crate::records::{JobStatus, SimOutput};

/// The unit of a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Ms,
    Seconds,
    Ratio,
    Count,
}

const POOL_STATS: [&str; 6] = [
    "mean_turnaround",
    "p50_turnaround",
    "p95_turnaround",
    "mean_wait",
    "p50_wait",
    "p95_wait",
];

const GLOBAL: [(&str, Unit); 5] = [
    ("makespan", Unit::Ms),
    ("executor_seconds", Unit::Seconds),
    ("core_seconds", Unit::Seconds),
    ("slot_utilisation", Unit::Ratio),
    ("failed_jobs", Unit::Count),
];

/// The metrics of a sweep, in column order: every pool's six, `all`'s six, then the globals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricSet {
    pools: Vec<String>,
    names: Vec<String>,
    units: Vec<Unit>,
}

impl MetricSet {
    /// The metrics for these pools (in this order).
    pub fn new(pools: Vec<String>) -> MetricSet {
        let mut names = Vec::new();
        let mut units = Vec::new();
        for prefix in pools
            .iter()
            .map(|p| format!("pool.{p}"))
            .chain(std::iter::once("all".to_string()))
        {
            for s in POOL_STATS {
                names.push(format!("{prefix}.{s}"));
                units.push(Unit::Ms);
            }
        }
        for (n, u) in GLOBAL {
            names.push(n.to_string());
            units.push(u);
        }
        MetricSet {
            pools,
            names,
            units,
        }
    }

    /// The pools, in column order.
    pub fn pools(&self) -> &[String] {
        &self.pools
    }

    /// Every metric name, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How many metrics.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there are none (never: the globals are always there).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The unit of metric `i`.
    pub fn unit(&self, i: usize) -> Unit {
        self.units[i]
    }

    /// The position of `name` (`slot_utilization` is accepted for `slot_utilisation`).
    pub fn index(&self, name: &str) -> Option<usize> {
        let name = if name == "slot_utilization" {
            "slot_utilisation"
        } else {
            name
        };
        self.names.iter().position(|n| n == name)
    }

    /// Position of `pool.<pool>.<stat>`.
    pub fn pool_index(&self, pool: &str, stat: &str) -> Option<usize> {
        self.index(&format!("pool.{pool}.{stat}"))
    }

    /// Why `name` is not a metric, with the closest names and the list of forms.
    pub fn unknown(&self, name: &str) -> String {
        let mut near: Vec<&str> = self
            .names
            .iter()
            .filter(|n| {
                let (a, b) = (n.rsplit('.').next(), name.rsplit('.').next());
                a == b
                    || n.starts_with(
                        name.split('.')
                            .take(2)
                            .collect::<Vec<_>>()
                            .join(".")
                            .as_str(),
                    )
            })
            .map(String::as_str)
            .take(3)
            .collect();
        near.dedup();
        let pools = if self.pools.is_empty() {
            "none".to_string()
        } else {
            self.pools.join(", ")
        };
        let mut msg = format!(
            "unknown metric {name:?}: expected pool.<pool>.<stat> or all.<stat> with stat one of \
             {}, or one of {} (pools: {pools})",
            POOL_STATS.join(", "),
            GLOBAL.map(|g| g.0).join(", ")
        );
        if !near.is_empty() {
            msg.push_str(&format!("; did you mean {}?", near.join(" or ")));
        }
        msg
    }

    /// Measures `out` (values in [`MetricSet::names`] order; NaN when undefined).
    pub fn compute(&self, out: &SimOutput) -> Vec<f64> {
        let mut values = Vec::with_capacity(self.names.len());
        let mut turnaround: Vec<Vec<u64>> = vec![Vec::new(); self.pools.len() + 1];
        let mut wait: Vec<Vec<u64>> = vec![Vec::new(); self.pools.len() + 1];
        let all = self.pools.len();
        for job in &out.jobs {
            let pool = self.pools.iter().position(|p| *p == job.pool);
            let t = job
                .end_ms
                .zip(job.submit_ms)
                .and_then(|(e, s)| e.checked_sub(s));
            let w = job
                .first_launch_ms
                .zip(job.submit_ms)
                .and_then(|(l, s)| l.checked_sub(s));
            for slot in pool.into_iter().chain(std::iter::once(all)) {
                if let Some(t) = t {
                    turnaround[slot].push(t);
                }
                if let Some(w) = w {
                    wait[slot].push(w);
                }
            }
        }
        for k in 0..=all {
            for sample in [&mut turnaround[k], &mut wait[k]] {
                sample.sort_unstable();
            }
            for sample in [&turnaround[k], &wait[k]] {
                values.push(mean(sample));
                values.push(quantile(sample, 0.5));
                values.push(quantile(sample, 0.95));
            }
        }
        let makespan = out
            .jobs
            .iter()
            .filter_map(|j| j.end_ms)
            .max()
            .unwrap_or(out.end_ms);
        let mut executor_ms = 0u128;
        let mut core_ms = 0u128;
        for e in &out.executors {
            let end = e.removed_ms.unwrap_or(makespan.max(e.added_ms));
            let life = u128::from(end.saturating_sub(e.added_ms));
            executor_ms += life;
            core_ms += life * u128::from(e.cores);
        }
        let cpus = u128::from(cores_per_slot(out));
        let busy: u128 = out
            .tasks
            .iter()
            .map(|t| u128::from(t.finish_ms.saturating_sub(t.launch_ms)) * cpus)
            .sum();
        values.push(makespan as f64);
        values.push(executor_ms as f64 / 1000.0);
        values.push(core_ms as f64 / 1000.0);
        values.push(if core_ms == 0 {
            f64::NAN
        } else {
            busy as f64 / core_ms as f64
        });
        values.push(
            out.jobs
                .iter()
                .filter(|j| j.status != JobStatus::Succeeded)
                .count() as f64,
        );
        values
    }
}

/// Task slots per core at the start (`spark.task.cpus`), 1 when unknown.
fn cores_per_slot(out: &SimOutput) -> u32 {
    let Some(first) = out.executors.iter().map(|e| e.added_ms).min() else {
        return 1;
    };
    let cores: u32 = out
        .executors
        .iter()
        .filter(|e| e.added_ms == first)
        .map(|e| e.cores)
        .sum();
    if out.slots == 0 || cores == 0 {
        1
    } else {
        (cores / out.slots).max(1)
    }
}

fn mean(sorted: &[u64]) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let sum: u128 = sorted.iter().map(|&v| u128::from(v)).sum();
    sum as f64 / sorted.len() as f64
}

/// Nearest rank: the value at 1-based rank ⌈q·n⌉ (q rounded to millionths), as
/// `reports::stats::quantile`.
fn quantile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    const SCALE: u128 = 1_000_000;
    let parts = (q.clamp(0.0, 1.0) * SCALE as f64).round() as u128;
    let rank = ((parts * sorted.len() as u128).div_ceil(SCALE) as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{ExecutorRecord, JobRecord, TaskRecord};

    fn job(pool: &str, submit: u64, launch: u64, end: u64) -> JobRecord {
        JobRecord {
            job_id: Some(0),
            name: "j".into(),
            pool: pool.into(),
            submit_ms: Some(submit),
            first_launch_ms: Some(launch),
            end_ms: Some(end),
            tasks: 1,
            status: JobStatus::Succeeded,
            failure: None,
            stage_ids: vec![],
        }
    }

    #[test]
    fn names_and_values() {
        let m = MetricSet::new(vec!["a".into(), "b".into()]);
        assert_eq!(m.names()[0], "pool.a.mean_turnaround");
        assert_eq!(m.names()[5], "pool.a.p95_wait");
        assert_eq!(m.index("all.p95_turnaround"), Some(14));
        assert_eq!(m.index("slot_utilization"), m.index("slot_utilisation"));
        let out = SimOutput {
            jobs: vec![
                job("a", 0, 10, 100),
                job("a", 0, 30, 300),
                job("b", 50, 50, 150),
            ],
            tasks: vec![TaskRecord {
                job: 0,
                stage_id: 0,
                stage_attempt: 0,
                task_index: 0,
                attempt: 0,
                executor: 0,
                launch_ms: 0,
                finish_ms: 200,
                status: crate::records::AttemptStatus::Success,
                speculative: false,
            }],
            executors: vec![ExecutorRecord {
                executor_id: "1".into(),
                host: "h".into(),
                cores: 2,
                added_ms: 0,
                removed_ms: None,
            }],
            end_ms: 310,
            slots: 2,
            ..SimOutput::default()
        };
        let v = m.compute(&out);
        let get = |n: &str| v[m.index(n).unwrap()];
        assert_eq!(get("pool.a.mean_turnaround"), 200.0);
        assert_eq!(get("pool.a.p50_turnaround"), 100.0);
        assert_eq!(get("pool.a.p95_turnaround"), 300.0);
        assert_eq!(get("pool.a.mean_wait"), 20.0);
        assert_eq!(get("pool.b.p95_wait"), 0.0);
        assert_eq!(get("all.p50_turnaround"), 100.0);
        assert_eq!(get("makespan"), 300.0);
        assert_eq!(get("executor_seconds"), 0.3);
        assert_eq!(get("core_seconds"), 0.6);
        assert!((get("slot_utilisation") - 200.0 / 600.0).abs() < 1e-12);
        assert_eq!(get("failed_jobs"), 0.0);
    }

    #[test]
    fn unknown_metrics_are_explained() {
        let m = MetricSet::new(vec!["interactive".into()]);
        let e = m.unknown("pool.interactive.p99_turnaround");
        assert!(
            e.contains("unknown metric") && e.contains("pools: interactive"),
            "{e}"
        );
        assert!(e.contains("did you mean"), "{e}");
    }
}
