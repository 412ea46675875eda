//! What a simulation run produced: one record per job and per task attempt, plus the
//! executors. `reports` turns these into tables, CSV, JSON and charts.

use serde::Serialize;

/// How a job ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Succeeded,
    Failed,
    /// Never submitted (a chained predecessor failed) or never finished.
    NotRun,
}

impl JobStatus {
    /// The CSV spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::NotRun => "not_run",
        }
    }
}

/// One job.
#[derive(Clone, Debug, Serialize)]
pub struct JobRecord {
    /// Spark's job id (submission order), or None if never submitted.
    pub job_id: Option<u64>,
    pub name: String,
    /// The pool the job asked for (`spark.scheduler.pool`), `default` when unset.
    pub pool: String,
    pub submit_ms: Option<u64>,
    pub first_launch_ms: Option<u64>,
    pub end_ms: Option<u64>,
    /// Number of tasks over all stages.
    pub tasks: usize,
    pub status: JobStatus,
    /// Why it failed.
    pub failure: Option<String>,
    pub stage_ids: Vec<u32>,
}

impl JobRecord {
    /// `end − submit`.
    pub fn turnaround_ms(&self) -> Option<u64> {
        Some(self.end_ms? - self.submit_ms?)
    }

    /// `first launch − submit`.
    pub fn wait_ms(&self) -> Option<u64> {
        Some(self.first_launch_ms? - self.submit_ms?)
    }
}

/// How a task attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AttemptStatus {
    Success,
    Failed,
    Killed,
    /// Still running when the simulation ended.
    Running,
}

impl AttemptStatus {
    /// The CSV spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Success => "SUCCESS",
            AttemptStatus::Failed => "FAILED",
            AttemptStatus::Killed => "KILLED",
            AttemptStatus::Running => "RUNNING",
        }
    }
}

/// One task attempt.
#[derive(Clone, Debug, Serialize)]
pub struct TaskRecord {
    /// Index into [`SimOutput::jobs`].
    pub job: u32,
    pub stage_id: u32,
    pub stage_attempt: u32,
    pub task_index: u32,
    pub attempt: u32,
    /// Index into [`SimOutput::executors`].
    pub executor: u32,
    pub launch_ms: u64,
    pub finish_ms: u64,
    pub status: AttemptStatus,
    pub speculative: bool,
}

/// One executor.
#[derive(Clone, Debug, Serialize)]
pub struct ExecutorRecord {
    pub executor_id: String,
    pub host: String,
    pub cores: u32,
    pub added_ms: u64,
    pub removed_ms: Option<u64>,
}

/// Everything a run produced.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SimOutput {
    pub jobs: Vec<JobRecord>,
    pub tasks: Vec<TaskRecord>,
    pub executors: Vec<ExecutorRecord>,
    /// Pools as the scheduler ended up with them: (name, mode, weight, minShare).
    pub pools: Vec<(String, String, i32, i32)>,
    pub warnings: Vec<String>,
    /// Time of the last event.
    pub end_ms: u64,
    /// Total task slots at the start.
    pub slots: u32,
    pub stats: RunStats,
}

/// Engine counters.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunStats {
    pub events: u64,
    pub offer_rounds: u64,
    pub launches: u64,
}
