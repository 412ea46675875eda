//! What `sparksim inspect` reports about a log: the application, its configuration, pools,
//! jobs, stages, tasks, executors over time, inferred chains and every warning.
//!
//! Times are milliseconds relative to t0 (the first job's submission, as in a replay);
//! negative values are before it. Without jobs, t0 is the application start.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::eventlog::{JobResult, LoggedApplication, ReadStats, SchedulingMode, TaskEndReasonKind};

use super::{Chain, DurationNotes, Latencies, LogReplay};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogSummary {
    pub source: String,
    pub application: AppInfo,
    pub spark_version: String,
    /// `spark.master` as logged (`None`: absent or redacted).
    pub master: Option<String>,
    /// The master a replay uses.
    pub replay_master: Option<String>,
    pub scheduler_mode: String,
    /// `spark.scheduler.allocation.file` as logged.
    pub allocation_file: Option<String>,
    pub t0_epoch_ms: Option<i64>,
    pub pools: Vec<PoolUsage>,
    pub counts: Counts,
    pub executors: Vec<ExecutorRow>,
    /// Live executors and cores after every executor change.
    pub executor_timeline: Vec<TimelinePoint>,
    pub jobs: Vec<JobRow>,
    pub chains: Vec<Chain>,
    /// Driver latencies measured on the log (the replay's `sparksim.dag.*` knobs).
    pub latencies: Latencies,
    /// What the duration model approximated.
    pub durations: DurationNotes,
    pub read: ReadInfo,
    /// Reader and replay warnings: counts by kind and the first examples.
    pub warnings: WarningsOut,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppInfo {
    pub id: Option<String>,
    pub name: Option<String>,
    pub attempt_id: Option<String>,
    pub user: Option<String>,
    pub start_epoch_ms: Option<i64>,
    pub end_epoch_ms: Option<i64>,
    pub duration_ms: Option<i64>,
    pub completed: bool,
    pub in_progress: bool,
    pub exit_code: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolUsage {
    pub name: String,
    pub jobs: usize,
    pub tasks: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub jobs: usize,
    pub jobs_succeeded: usize,
    pub jobs_failed: usize,
    pub jobs_unfinished: usize,
    pub jobs_replayed: usize,
    pub stages: usize,
    pub stages_run: usize,
    pub stages_skipped: usize,
    pub stage_attempts_failed: usize,
    pub stages_retried: usize,
    pub task_attempts: usize,
    pub tasks_succeeded: usize,
    pub tasks_failed: usize,
    pub tasks_killed: usize,
    pub tasks_speculative: usize,
    pub tasks_unfinished: usize,
    pub tasks_replayed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExecutorRow {
    pub id: String,
    pub host: String,
    pub cores: Option<i64>,
    pub resource_profile_id: i64,
    pub added_ms: Option<i64>,
    pub removed_ms: Option<i64>,
    pub removed_reason: Option<String>,
    pub task_attempts: usize,
    /// The replay runs this executor.
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelinePoint {
    pub time_ms: i64,
    pub executors: usize,
    pub cores: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRow {
    pub job_id: i64,
    pub name: String,
    pub pool: String,
    pub submit_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub turnaround_ms: Option<i64>,
    /// `succeeded`, `failed`, `unknown` or `unfinished`.
    pub result: String,
    pub stage_ids: Vec<i64>,
    pub skipped_stage_ids: Vec<i64>,
    pub task_attempts: usize,
    /// The job it is chained after (inferred), and the gap.
    pub after_job_id: Option<i64>,
    pub gap_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadInfo {
    pub files: u64,
    pub bytes_on_disk: u64,
    pub bytes_decompressed: u64,
    pub lines: u64,
    pub events: u64,
    pub skipped_events: u64,
    pub malformed_lines: u64,
    pub truncated_tail: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarningsOut {
    pub total: u64,
    pub counts: BTreeMap<String, u64>,
    pub examples: Vec<String>,
}

fn mode_name(mode: SchedulingMode) -> &'static str {
    match mode {
        SchedulingMode::Fifo => "FIFO",
        SchedulingMode::Fair => "FAIR",
        SchedulingMode::None => "NONE",
    }
}

/// Summarises a log and its replay.
pub fn summarize(app: &LoggedApplication, stats: &ReadStats, replay: &LogReplay) -> LogSummary {
    let t0 = replay.t0_epoch_ms.or(app.start_time).unwrap_or(0);
    let rel = |t: Option<i64>| t.map(|t| t.saturating_sub(t0));
    let mut tasks_per_stage: BTreeMap<i64, usize> = BTreeMap::new();
    let mut tasks_per_executor: BTreeMap<&str, usize> = BTreeMap::new();
    let mut counts = Counts {
        task_attempts: app.tasks.len(),
        ..Counts::default()
    };
    for t in &app.tasks {
        *tasks_per_stage.entry(t.stage_id).or_insert(0) += 1;
        *tasks_per_executor
            .entry(t.executor_id.as_str())
            .or_insert(0) += 1;
        match &t.end_reason {
            None => counts.tasks_unfinished += 1,
            Some(TaskEndReasonKind::Success) => counts.tasks_succeeded += 1,
            Some(TaskEndReasonKind::TaskKilled) => counts.tasks_killed += 1,
            Some(_) => counts.tasks_failed += 1,
        }
        if t.speculative {
            counts.tasks_speculative += 1;
        }
    }
    counts.jobs = app.jobs.len();
    for j in &app.jobs {
        match &j.result {
            None => counts.jobs_unfinished += 1,
            Some(JobResult::Succeeded) => counts.jobs_succeeded += 1,
            Some(_) => counts.jobs_failed += 1,
        }
    }
    counts.jobs_replayed = replay.workload.jobs.len();
    counts.tasks_replayed = replay.workload.total_tasks();
    counts.stages = app.stages.len();
    for s in &app.stages {
        if s.skipped() {
            counts.stages_skipped += 1;
        } else {
            counts.stages_run += 1;
        }
        counts.stage_attempts_failed += s
            .attempts
            .iter()
            .filter(|a| a.failure_reason.is_some())
            .count();
        if s.attempts.len() > 1 {
            counts.stages_retried += 1;
        }
    }

    let mut pools: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for j in &app.jobs {
        let entry = pools
            .entry(j.pool_or_default().to_string())
            .or_insert((0, 0));
        entry.0 += 1;
        entry.1 += j
            .stage_ids
            .iter()
            .map(|s| tasks_per_stage.get(s).copied().unwrap_or(0))
            .sum::<usize>();
    }
    let pools = pools
        .into_iter()
        .map(|(name, (jobs, tasks))| PoolUsage { name, jobs, tasks })
        .collect();

    let replayed: Vec<&str> = replay
        .workload
        .cluster
        .as_ref()
        .map(|c| c.executors.iter().map(|e| e.id.as_str()).collect())
        .unwrap_or_default();
    let executors = app
        .executors
        .iter()
        .map(|e| ExecutorRow {
            id: e.id.clone(),
            host: e.host.clone(),
            cores: e.cores,
            resource_profile_id: e.resource_profile_id,
            added_ms: rel(e.added_time),
            removed_ms: rel(e.removed_time),
            removed_reason: e.removed_reason.clone(),
            task_attempts: tasks_per_executor.get(e.id.as_str()).copied().unwrap_or(0),
            replayed: replayed.contains(&e.id.as_str()),
        })
        .collect();
    let executor_timeline = timeline(app, t0);

    let chain_of: BTreeMap<i64, &Chain> = replay.chains.iter().map(|c| (c.job_id, c)).collect();
    let jobs = app
        .jobs
        .iter()
        .map(|j| {
            let chain = chain_of.get(&j.id);
            JobRow {
                job_id: j.id,
                name: j
                    .description
                    .clone()
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| format!("job-{}", j.id)),
                pool: j.pool_or_default().to_string(),
                submit_ms: rel(j.submission_time),
                end_ms: rel(j.completion_time),
                turnaround_ms: j.turnaround(),
                result: match &j.result {
                    None => "unfinished",
                    Some(JobResult::Succeeded) => "succeeded",
                    Some(JobResult::Failed { .. }) => "failed",
                    Some(JobResult::Unknown) => "unknown",
                }
                .to_string(),
                stage_ids: j.stage_ids.clone(),
                skipped_stage_ids: j.skipped_stage_ids.clone(),
                task_attempts: j
                    .stage_ids
                    .iter()
                    .map(|s| tasks_per_stage.get(s).copied().unwrap_or(0))
                    .sum(),
                after_job_id: chain.map(|c| c.after_job_id),
                gap_ms: chain.map(|c| c.gap_ms),
            }
        })
        .collect();

    let mut counts_w = stats.warning_counts.clone();
    for (k, v) in &replay.warnings.counts {
        *counts_w.entry(k.clone()).or_insert(0) += v;
    }
    let mut examples = stats.warnings.clone();
    examples.extend(replay.warnings.lines());
    let warnings = WarningsOut {
        total: counts_w.values().sum(),
        counts: counts_w,
        examples,
    };

    LogSummary {
        source: app.source.clone(),
        application: AppInfo {
            id: app.app_id.clone(),
            name: app.app_name.clone(),
            attempt_id: app.attempt_id.clone(),
            user: app.user.clone(),
            start_epoch_ms: app.start_time,
            end_epoch_ms: app.end_time,
            duration_ms: match (app.start_time, app.end_time) {
                (Some(s), Some(e)) => Some(e.saturating_sub(s)),
                _ => None,
            },
            completed: app.completed,
            in_progress: app.in_progress,
            exit_code: app.exit_code,
        },
        spark_version: app.spark_version.clone(),
        master: super::cluster::property(app, "spark.master").map(str::to_string),
        replay_master: replay
            .workload
            .cluster
            .as_ref()
            .and_then(|c| c.master.clone()),
        scheduler_mode: mode_name(app.scheduling_mode).to_string(),
        allocation_file: replay.allocation_file.clone(),
        t0_epoch_ms: replay.t0_epoch_ms,
        pools,
        counts,
        executors,
        executor_timeline,
        jobs,
        chains: replay.chains.clone(),
        latencies: replay.latencies,
        durations: replay.duration_notes.clone(),
        read: ReadInfo {
            files: stats.files,
            bytes_on_disk: stats.bytes_on_disk,
            bytes_decompressed: stats.bytes_decompressed,
            lines: stats.lines,
            events: stats.events,
            skipped_events: stats.skipped_unknown,
            malformed_lines: stats.malformed_lines,
            truncated_tail: stats.truncated_tail,
        },
        warnings,
    }
}

/// Live executors (the driver excluded unless it is the only one) after each change.
fn timeline(app: &LoggedApplication, t0: i64) -> Vec<TimelinePoint> {
    let only_driver = app.executors.iter().all(|e| e.id == "driver");
    let mut changes: Vec<(i64, i32, i64)> = Vec::new();
    for e in app
        .executors
        .iter()
        .filter(|e| only_driver || e.id != "driver")
    {
        let cores = e.cores.unwrap_or(0);
        changes.push((e.added_time.unwrap_or(i64::MIN), 1, cores));
        if let Some(r) = e.removed_time {
            changes.push((r, -1, -cores));
        }
    }
    changes.sort();
    let mut points: Vec<TimelinePoint> = Vec::new();
    let (mut n, mut c) = (0i64, 0i64);
    for (t, dn, dc) in changes {
        n += i64::from(dn);
        c += dc;
        let time = if t == i64::MIN {
            i64::MIN
        } else {
            t.saturating_sub(t0)
        };
        match points.last_mut() {
            Some(p) if p.time_ms == time => {
                p.executors = n.max(0) as usize;
                p.cores = c;
            }
            _ => points.push(TimelinePoint {
                time_ms: time,
                executors: n.max(0) as usize,
                cores: c,
            }),
        }
    }
    for p in &mut points {
        if p.time_ms == i64::MIN {
            p.time_ms = 0;
        }
    }
    points
}
