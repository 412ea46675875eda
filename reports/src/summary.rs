//! `summary.json`: one document per run with the configuration it ran under, per-pool job
//! statistics, totals (jobs, attempts, makespan, slot utilisation), the engine's counters and
//! the warnings.
//!
//! The caller describes what only it knows (master, scheduler mode, seed, `--conf` overrides) in
//! a [`RunInfo`]; the rest comes from the [`SimOutput`]. Keys come out in a fixed order (struct
//! field order, maps sorted by key), so the same inputs give byte-identical files. A statistic
//! that is undefined (no jobs ended, zero makespan) is `null`.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;
use sim::records::{AttemptStatus, JobRecord, JobStatus, SimOutput, TaskRecord};

use crate::per_pool::{PoolSummary, per_pool};

/// The value of the `format` key, bumped when the document changes incompatibly.
pub const SUMMARY_FORMAT: &str = "sparksim.summary.v1";

/// What the caller knows about how the run was configured.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    /// The workload's name or file.
    pub workload: Option<String>,
    /// `spark.master`, e.g. `local[4]` or `spark://host:7077`.
    pub master: String,
    /// `spark.scheduler.mode`: `FIFO` or `FAIR`.
    pub scheduler_mode: String,
    /// The Spark version whose defaults were used.
    pub spark_version: Option<String>,
    /// The random seed.
    pub seed: Option<u64>,
    /// `--conf` / properties-file settings that differ from the defaults, sorted by key.
    pub conf_overrides: BTreeMap<String, String>,
}

/// One pool as the scheduler ended up with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PoolConf {
    pub name: String,
    pub mode: String,
    pub weight: i32,
    pub min_share: i32,
}

/// The configuration section of the summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Config {
    #[serde(flatten)]
    pub info: RunInfo,
    /// Task slots at the start.
    pub slots: u32,
    pub executors: usize,
    pub pools: Vec<PoolConf>,
}

/// Attempts by how they ended.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AttemptCounts {
    pub total: usize,
    pub success: usize,
    pub failed: usize,
    pub killed: usize,
    pub running: usize,
    /// Attempts launched speculatively (whatever their status).
    pub speculative: usize,
}

/// Whole-run totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Totals {
    pub jobs: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub not_run: usize,
    /// Tasks over all jobs' stages (not attempts).
    pub tasks: usize,
    pub attempts: AttemptCounts,
    /// The earliest job submission.
    pub first_submit_ms: Option<u64>,
    /// The latest job end.
    pub last_end_ms: Option<u64>,
    /// `last_end_ms − first_submit_ms`.
    pub makespan_ms: Option<u64>,
    /// Σ over attempts of the slot time they held inside the makespan window (each attempt holds
    /// one task slot from launch to finish).
    pub task_slot_ms: u64,
    /// `task_slot_ms / (slots × makespan_ms)`, with `slots` the task slots at the start.
    pub slot_utilisation: Option<f64>,
    /// Σ over executors of their lifetime (`removed_ms`, or the run's end, minus `added_ms`).
    pub executor_ms: u64,
}

/// The engine's counters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Engine {
    pub events: u64,
    pub offer_rounds: u64,
    pub launches: u64,
    /// Time of the last event.
    pub end_ms: u64,
}

/// The whole `summary.json` document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub format: &'static str,
    pub config: Config,
    pub totals: Totals,
    pub per_pool: PoolSummary,
    /// Speculative execution per pool (empty when no copy was launched).
    pub speculation: Vec<crate::speculation::SpeculationStats>,
    pub engine: Engine,
    pub warnings: Vec<String>,
}

/// Builds the summary of `run`.
pub fn summarize(run: &SimOutput, info: &RunInfo) -> Summary {
    Summary {
        format: SUMMARY_FORMAT,
        config: config(run, info),
        totals: totals(run),
        per_pool: per_pool(&run.jobs),
        speculation: crate::speculation::speculation_by_pool(run),
        engine: Engine {
            events: run.stats.events,
            offer_rounds: run.stats.offer_rounds,
            launches: run.stats.launches,
            end_ms: run.end_ms,
        },
        warnings: run.warnings.clone(),
    }
}

/// Writes `summary` as pretty-printed JSON with a final newline, then flushes.
pub fn write_summary_json<W: io::Write>(mut out: W, summary: &Summary) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, summary)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn config(run: &SimOutput, info: &RunInfo) -> Config {
    let pools = run
        .pools
        .iter()
        .map(|(name, mode, weight, min_share)| PoolConf {
            name: name.clone(),
            mode: mode.clone(),
            weight: *weight,
            min_share: *min_share,
        })
        .collect();
    Config {
        info: info.clone(),
        slots: run.slots,
        executors: run.executors.len(),
        pools,
    }
}

fn totals(run: &SimOutput) -> Totals {
    let count = |s: JobStatus| run.jobs.iter().filter(|j| j.status == s).count();
    let (first_submit_ms, last_end_ms) = job_window(&run.jobs);
    let makespan_ms = last_end_ms
        .zip(first_submit_ms)
        .and_then(|(end, start)| end.checked_sub(start));
    let task_slot_ms = first_submit_ms
        .zip(last_end_ms)
        .map_or(0, |w| slot_time_within(&run.tasks, w));
    Totals {
        jobs: run.jobs.len(),
        succeeded: count(JobStatus::Succeeded),
        failed: count(JobStatus::Failed),
        not_run: count(JobStatus::NotRun),
        tasks: run.jobs.iter().map(|j| j.tasks).sum(),
        attempts: attempt_counts(&run.tasks),
        first_submit_ms,
        last_end_ms,
        makespan_ms,
        task_slot_ms,
        slot_utilisation: utilisation(task_slot_ms, run.slots, makespan_ms),
        executor_ms: executor_ms(run),
    }
}

/// The earliest submission and the latest end over all jobs.
fn job_window(jobs: &[JobRecord]) -> (Option<u64>, Option<u64>) {
    let first = jobs.iter().filter_map(|j| j.submit_ms).min();
    let last = jobs.iter().filter_map(|j| j.end_ms).max();
    (first, last)
}

fn attempt_counts(tasks: &[TaskRecord]) -> AttemptCounts {
    let mut c = AttemptCounts {
        total: tasks.len(),
        ..AttemptCounts::default()
    };
    for t in tasks {
        match t.status {
            AttemptStatus::Success => c.success += 1,
            AttemptStatus::Failed => c.failed += 1,
            AttemptStatus::Killed => c.killed += 1,
            AttemptStatus::Running => c.running += 1,
        }
        c.speculative += usize::from(t.speculative);
    }
    c
}

/// Σ of each attempt's `[launch, finish]` overlap with `[start, end]`.
fn slot_time_within(tasks: &[TaskRecord], (start, end): (u64, u64)) -> u64 {
    tasks
        .iter()
        .map(|t| t.finish_ms.min(end).saturating_sub(t.launch_ms.max(start)))
        .fold(0u64, u64::saturating_add)
}

fn utilisation(task_slot_ms: u64, slots: u32, makespan_ms: Option<u64>) -> Option<f64> {
    let capacity = u128::from(slots) * u128::from(makespan_ms?);
    (capacity > 0).then(|| task_slot_ms as f64 / capacity as f64)
}

fn executor_ms(run: &SimOutput) -> u64 {
    run.executors
        .iter()
        .map(|e| {
            e.removed_ms
                .unwrap_or(run.end_ms)
                .saturating_sub(e.added_ms)
        })
        .fold(0u64, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn info() -> RunInfo {
        RunInfo {
            workload: Some("two-pools.json".into()),
            master: "local[4]".into(),
            scheduler_mode: "FAIR".into(),
            spark_version: Some("3.5".into()),
            seed: Some(7),
            conf_overrides: [("spark.speculation", "true"), ("spark.locality.wait", "0")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn totals_of_the_fixture() {
        let t = summarize(&fixtures::run(), &info()).totals;
        assert_eq!(
            (t.jobs, t.succeeded, t.failed, t.not_run, t.tasks),
            (4, 2, 1, 1, 8)
        );
        let a = &t.attempts;
        assert_eq!(
            (
                a.total,
                a.success,
                a.failed,
                a.killed,
                a.running,
                a.speculative
            ),
            (7, 4, 2, 1, 0, 1)
        );
        assert_eq!(
            (t.first_submit_ms, t.last_end_ms, t.makespan_ms),
            (Some(0), Some(6614), Some(6614))
        );
        assert_eq!(t.task_slot_ms, 3000 + 6500 + 300 + 2400 + 950 + 1850 + 950);
        assert_eq!(t.slot_utilisation, Some(15950.0 / (4.0 * 6614.0)));
        assert_eq!(t.executor_ms, 2 * 6614);
    }

    #[test]
    fn slot_time_is_clipped_to_the_makespan() {
        let mut run = fixtures::run();
        run.tasks[1].finish_ms = 10_000; // past the last job end (6614)
        let t = summarize(&run, &info()).totals;
        assert_eq!(t.task_slot_ms, 15950 + 14);
    }

    #[test]
    fn empty_run_has_null_makespan_and_utilisation() {
        let t = summarize(&SimOutput::default(), &RunInfo::default()).totals;
        assert_eq!(
            (t.makespan_ms, t.slot_utilisation, t.task_slot_ms),
            (None, None, 0)
        );
    }

    #[test]
    fn json_has_fixed_key_order() {
        let mut out = Vec::new();
        write_summary_json(&mut out, &summarize(&fixtures::run(), &info())).unwrap();
        let text = String::from_utf8(out).unwrap();
        let top: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("  \""))
            .map(|l| l.trim())
            .collect();
        let keys: Vec<&str> = top.iter().map(|l| l.split('"').nth(1).unwrap()).collect();
        assert_eq!(
            keys,
            [
                "format",
                "config",
                "totals",
                "per_pool",
                "speculation",
                "engine",
                "warnings"
            ]
        );
        let config = text.find("\"config\"").unwrap();
        let order = [
            "\"workload\"",
            "\"master\"",
            "\"scheduler_mode\"",
            "\"spark_version\"",
            "\"seed\"",
            "\"conf_overrides\"",
            "\"slots\"",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|k| config + text[config..].find(k).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(
            text.find("spark.locality.wait").unwrap() < text.find("spark.speculation").unwrap()
        );
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn json_round_trips_the_numbers() {
        let mut out = Vec::new();
        write_summary_json(&mut out, &summarize(&fixtures::run(), &info())).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["format"], SUMMARY_FORMAT);
        assert_eq!(v["config"]["master"], "local[4]");
        assert_eq!(v["config"]["pools"][0]["min_share"], 1);
        assert_eq!(v["totals"]["makespan_ms"], 6614);
        assert_eq!(v["per_pool"]["pools"][0]["pool"], "etl");
        assert_eq!(v["per_pool"]["all"]["turnaround"]["p95_ms"], 6614);
        assert_eq!(v["per_pool"]["pools"][1]["wait"]["mean_ms"], 200.0);
        assert_eq!(v["engine"]["launches"], 7);
        assert_eq!(v["warnings"][0], "pool \"adhoc\": no weight given, using 1");
    }

    /// The whole document, byte for byte. Regenerate after an intended change with
    /// `UPDATE_GOLDEN=1 cargo test -p reports summary_json_golden` and review the diff.
    #[test]
    fn summary_json_golden() {
        let mut out = Vec::new();
        write_summary_json(&mut out, &summarize(&fixtures::run(), &info())).unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/summary.golden.json");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &out).unwrap();
        }
        let want = std::fs::read_to_string(path).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
