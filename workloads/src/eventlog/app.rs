//! Everything replay needs from one event log, extracted in a single pass.
//!
//! [`read_application`] folds the events of a log into a [`LoggedApplication`]: the
//! application, its configuration, executors, jobs, stages (with attempts) and task
//! attempts (with the metrics of a duration model). Memory is bounded by this model, not by
//! the file. Inconsistencies (a task that ends without starting, a job that never ends, an
//! executor that never registered, …) are counted warnings in the returned [`ReadStats`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::error::EventLogError;
use super::events::{
    JobResult, Locality, ResourceProfileAdded, TaskEndReasonKind, TaskMetrics, TaskType,
};
use super::fold::AppBuilder;
use super::open::open;
use super::reader::EventLogReader;
use super::stats::ReadStats;

/// Pool name Spark uses for jobs without `spark.scheduler.pool`.
pub const DEFAULT_POOL: &str = "default";

/// `spark.scheduler.mode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchedulingMode {
    /// The default, also when the property is absent.
    #[default]
    Fifo,
    Fair,
    /// `NONE` (no scheduling between task sets; not used by applications).
    None,
}

/// One application, as its event log shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoggedApplication {
    /// The path read.
    pub source: String,
    pub app_id: Option<String>,
    pub app_name: Option<String>,
    pub attempt_id: Option<String>,
    pub user: Option<String>,
    /// From `SparkListenerLogStart`, or `"unknown"`.
    pub spark_version: String,
    /// `ApplicationStart.Timestamp` (ms since the epoch).
    pub start_time: Option<i64>,
    /// `ApplicationEnd.Timestamp`.
    pub end_time: Option<i64>,
    /// `ApplicationEnd.ExitCode` (Spark 4.x).
    pub exit_code: Option<i64>,
    /// The log has an `ApplicationEnd`.
    pub completed: bool,
    /// The log is marked in progress.
    pub in_progress: bool,
    /// `EnvironmentUpdate` Spark properties (values may be `*********(redacted)`).
    pub spark_properties: BTreeMap<String, String>,
    /// `spark.master`, if logged.
    pub master: Option<String>,
    pub scheduling_mode: SchedulingMode,
    /// Pools named by job properties (`spark.scheduler.pool`), `default` for jobs without.
    pub pools: BTreeSet<String>,
    /// Resource profiles by id (3.1+).
    pub resource_profiles: BTreeMap<i64, ResourceProfileAdded>,
    /// Executors in order of first appearance.
    pub executors: Vec<LoggedExecutor>,
    /// Jobs by increasing id.
    pub jobs: Vec<LoggedJob>,
    /// Stages by increasing id.
    pub stages: Vec<LoggedStage>,
    /// Task attempts in the order they started (attempts seen only at their end come in
    /// the order they ended).
    pub tasks: Vec<LoggedTask>,
    /// `TaskEnd` events, including `Resubmitted` ones that repeat a finished task.
    pub task_end_events: u64,
    /// `SpeculativeTaskSubmitted` events (Spark's event logger does not write them).
    pub speculative_task_submissions: u64,
    /// Exclusion ("blacklist") events by their 3.1+ short name.
    pub exclusion_events: BTreeMap<String, u64>,
}

/// Where an executor's record comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExecutorOrigin {
    /// A `SparkListenerExecutorAdded` event.
    #[default]
    ExecutorAdded,
    /// Only a `SparkListenerBlockManagerAdded` (e.g. local mode in Spark 1.x).
    BlockManager,
    /// Neither: tasks ran on an executor the log never registered.
    TasksOnly,
}

/// One executor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoggedExecutor {
    pub id: String,
    pub host: String,
    /// `Total Cores`; for block-manager-only executors, N of `local[N]` if that is the master.
    pub cores: Option<i64>,
    pub resource_profile_id: i64,
    pub added_time: Option<i64>,
    pub removed_time: Option<i64>,
    pub removed_reason: Option<String>,
    /// `Executor Info.Request Time` (3.4+, dynamic allocation).
    pub request_time: Option<i64>,
    /// `Executor Info.Registration Time` (3.4+).
    pub registration_time: Option<i64>,
    pub origin: ExecutorOrigin,
}

/// One job.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoggedJob {
    pub id: i64,
    pub submission_time: Option<i64>,
    pub completion_time: Option<i64>,
    /// `None` if the job never ended in the log.
    pub result: Option<JobResult>,
    /// `spark.scheduler.pool`, if set.
    pub pool: Option<String>,
    /// `spark.job.description`, if set.
    pub description: Option<String>,
    pub properties: BTreeMap<String, String>,
    /// `Stage IDs`, skipped stages included.
    pub stage_ids: Vec<i64>,
    /// Stages listed in the job but never submitted while it ran (shuffle output reused).
    /// Only computed for jobs that ended.
    pub skipped_stage_ids: Vec<i64>,
}

impl LoggedJob {
    /// The pool the job ran in (`default` when no pool was set).
    pub fn pool_or_default(&self) -> &str {
        self.pool.as_deref().unwrap_or(DEFAULT_POOL)
    }

    /// `Completion Time − Submission Time`, when both are known.
    pub fn turnaround(&self) -> Option<i64> {
        self.completion_time?.checked_sub(self.submission_time?)
    }
}

/// One stage and its attempts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoggedStage {
    pub id: i64,
    pub name: String,
    /// `Number of Tasks` of the first attempt known.
    pub num_tasks: i64,
    pub parent_ids: Vec<i64>,
    /// Jobs that list this stage.
    pub job_ids: Vec<i64>,
    /// `spark.scheduler.pool` of its submission, if set.
    pub pool: Option<String>,
    pub resource_profile_id: i64,
    /// Submitted or completed attempts, by attempt id; empty for a stage that was skipped.
    pub attempts: Vec<LoggedStageAttempt>,
}

impl LoggedStage {
    /// Never submitted: listed by a job whose shuffle input already existed.
    pub fn skipped(&self) -> bool {
        self.attempts.is_empty()
    }
}

/// One stage attempt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoggedStageAttempt {
    pub attempt_id: i64,
    /// For a retry, only the partitions being recomputed.
    pub num_tasks: i64,
    pub submission_time: Option<i64>,
    pub completion_time: Option<i64>,
    /// Present if and only if the attempt failed.
    pub failure_reason: Option<String>,
    /// A `StageCompleted` was seen.
    pub completed: bool,
}

/// One task attempt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoggedTask {
    pub task_id: i64,
    pub stage_id: i64,
    pub stage_attempt_id: i64,
    pub index: i64,
    /// `Partition ID`, or `Index` when the log has none.
    pub partition: i64,
    pub attempt: i64,
    pub launch_time: i64,
    /// `None` until the task ended.
    pub finish_time: Option<i64>,
    /// When the driver started fetching the result remotely (0 = not fetched remotely).
    pub getting_result_time: i64,
    pub executor_id: String,
    pub host: String,
    pub locality: Locality,
    pub speculative: bool,
    pub task_type: TaskType,
    /// `None` if the task never ended in the log.
    pub end_reason: Option<TaskEndReasonKind>,
    /// Text of the end reason (exception, kill reason, loss reason, fetch failure message).
    pub end_reason_text: Option<String>,
    pub failed: bool,
    pub killed: bool,
    /// A later `Resubmitted` TaskEnd said this successful task's output was lost.
    pub resubmitted: bool,
    pub metrics: Option<TaskMetrics>,
}

impl LoggedTask {
    /// `Finish Time − Launch Time`.
    pub fn duration(&self) -> Option<i64> {
        self.finish_time?.checked_sub(self.launch_time)
    }

    /// Time fetching the result remotely (0 when not fetched remotely).
    pub fn getting_result_duration(&self) -> i64 {
        match self.finish_time {
            Some(finish) if self.getting_result_time > 0 => {
                finish.saturating_sub(self.getting_result_time).max(0)
            }
            _ => 0,
        }
    }

    /// Spark UI's scheduler delay: duration minus deserialize, run, result serialization
    /// and getting-result time, floored at 0. `None` without an end or metrics.
    pub fn scheduler_delay(&self) -> Option<i64> {
        let m = self.metrics.as_ref()?;
        let busy = [
            m.executor_deserialize_time,
            m.executor_run_time,
            m.result_serialization_time,
            self.getting_result_duration(),
        ]
        .into_iter()
        .fold(0i64, i64::saturating_add);
        Some(self.duration()?.saturating_sub(busy).max(0))
    }

    /// The attempt ended successfully.
    pub fn succeeded(&self) -> bool {
        self.end_reason == Some(TaskEndReasonKind::Success)
    }
}

impl LoggedApplication {
    /// The job with this id.
    pub fn job(&self, id: i64) -> Option<&LoggedJob> {
        let i = self.jobs.binary_search_by_key(&id, |j| j.id).ok()?;
        self.jobs.get(i)
    }

    /// The stage with this id.
    pub fn stage(&self, id: i64) -> Option<&LoggedStage> {
        let i = self.stages.binary_search_by_key(&id, |s| s.id).ok()?;
        self.stages.get(i)
    }

    /// The executor with this id.
    pub fn executor(&self, id: &str) -> Option<&LoggedExecutor> {
        self.executors.iter().find(|e| e.id == id)
    }

    /// A Spark property, if logged.
    pub fn property(&self, key: &str) -> Option<&str> {
        self.spark_properties.get(key).map(String::as_str)
    }
}

/// Reads a whole event log (file or rolling directory) into a [`LoggedApplication`].
///
/// Fails if the log cannot be opened or decompressed, or holds no Spark event at all
/// (empty, or not an event log); every other oddity is a warning in the [`ReadStats`].
pub fn read_application(
    path: impl AsRef<Path>,
) -> Result<(LoggedApplication, ReadStats), EventLogError> {
    let path = path.as_ref();
    let source = open(path)?;
    let mut builder = AppBuilder::new(&source);
    let mut reader = EventLogReader::new(source);
    while let Some(event) = reader.next_event() {
        let event = event?;
        builder.apply(event, reader.position());
    }
    let mut stats = reader.into_stats();
    if stats.events == 0 {
        return Err(EventLogError::not_a_log(path, no_events_reason(&stats)));
    }
    let (app, warnings) = builder.finish();
    stats.absorb_warnings(warnings);
    Ok((app, stats))
}

fn no_events_reason(stats: &ReadStats) -> String {
    if stats.lines == stats.empty_lines {
        "the log is empty".to_owned()
    } else {
        format!(
            "no Spark event in {} line(s) ({} malformed)",
            stats.lines, stats.malformed_lines
        )
    }
}
