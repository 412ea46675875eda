//! The Spark listener events replay needs, decoded from their JSON lines.
//!
//! Field names are exactly Spark's (`"Task Info"`, `"Executor Run Time"`, …). Every field is
//! optional on input, because Spark 1.x–4.x logs differ in which fields they write; missing
//! values take the defaults of Spark 3.5's own reader (`Stage Attempt ID` 0, `Attempt` 1,
//! `Speculative`/`Killed` false, metrics 0) or stay `None` where "absent" means something.
//! Sub-objects replay does not need (`Accumulables`, `RDD Info`, `Task Executor Metrics`,
//! stack traces, log URLs, …) are skipped by the parser without being built.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::de::{null_default, properties};

/// A decoded event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    LogStart(LogStart),
    ApplicationStart(ApplicationStart),
    ApplicationEnd(ApplicationEnd),
    EnvironmentUpdate(EnvironmentUpdate),
    ResourceProfileAdded(ResourceProfileAdded),
    ExecutorAdded(ExecutorAdded),
    ExecutorRemoved(ExecutorRemoved),
    BlockManagerAdded(BlockManagerAdded),
    BlockManagerRemoved(BlockManagerRemoved),
    JobStart(JobStart),
    JobEnd(JobEnd),
    StageSubmitted(StageSubmitted),
    StageCompleted(StageCompleted),
    TaskStart(TaskStart),
    /// Boxed: by far the largest event.
    TaskEnd(Box<TaskEnd>),
    SpeculativeTaskSubmitted(SpeculativeTaskSubmitted),
    /// An executor/node exclusion ("blacklist") event; only its kind is kept.
    Exclusion(ExclusionKind),
}

/// `SparkListenerLogStart`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct LogStart {
    #[serde(rename = "Spark Version", deserialize_with = "null_default")]
    pub spark_version: String,
}

/// `SparkListenerApplicationStart`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ApplicationStart {
    #[serde(rename = "App Name", deserialize_with = "null_default")]
    pub app_name: String,
    #[serde(rename = "App ID")]
    pub app_id: Option<String>,
    #[serde(rename = "App Attempt ID")]
    pub attempt_id: Option<String>,
    #[serde(rename = "Timestamp")]
    pub timestamp: Option<i64>,
    #[serde(rename = "User")]
    pub user: Option<String>,
}

/// `SparkListenerApplicationEnd`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ApplicationEnd {
    #[serde(rename = "Timestamp")]
    pub timestamp: Option<i64>,
    /// Spark 4.x.
    #[serde(rename = "ExitCode")]
    pub exit_code: Option<i64>,
}

/// `SparkListenerEnvironmentUpdate`: only the Spark properties are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EnvironmentUpdate {
    #[serde(rename = "Spark Properties", deserialize_with = "properties")]
    pub spark_properties: BTreeMap<String, String>,
}

/// `SparkListenerResourceProfileAdded` (3.1+).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ResourceProfileAdded {
    #[serde(rename = "Resource Profile Id", deserialize_with = "null_default")]
    pub id: i64,
    /// Resource name (`cores`, `memory` in MiB, `gpu`, …) → amount.
    #[serde(
        rename = "Executor Resource Requests",
        deserialize_with = "null_default"
    )]
    pub executor_resources: BTreeMap<String, ResourceRequest>,
    /// Resource name (`cpus`, …) → amount per task.
    #[serde(rename = "Task Resource Requests", deserialize_with = "null_default")]
    pub task_resources: BTreeMap<String, ResourceRequest>,
}

/// One resource request of a resource profile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ResourceRequest {
    #[serde(rename = "Amount", deserialize_with = "null_default")]
    pub amount: f64,
}

impl ResourceProfileAdded {
    /// Cores per executor, if the profile requests them.
    pub fn executor_cores(&self) -> Option<i64> {
        self.executor_resources
            .get("cores")
            .map(|r| r.amount as i64)
    }

    /// CPUs per task, if the profile requests them.
    pub fn task_cpus(&self) -> Option<f64> {
        self.task_resources.get("cpus").map(|r| r.amount)
    }
}

/// `SparkListenerExecutorAdded`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ExecutorAdded {
    #[serde(rename = "Timestamp")]
    pub timestamp: Option<i64>,
    #[serde(rename = "Executor ID", deserialize_with = "null_default")]
    pub executor_id: String,
    #[serde(rename = "Executor Info", deserialize_with = "null_default")]
    pub executor_info: ExecutorInfo,
}

/// The `Executor Info` object of `ExecutorAdded`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ExecutorInfo {
    #[serde(rename = "Host", deserialize_with = "null_default")]
    pub host: String,
    #[serde(rename = "Total Cores")]
    pub total_cores: Option<i64>,
    #[serde(rename = "Resource Profile Id")]
    pub resource_profile_id: Option<i64>,
    /// 3.4+, with dynamic allocation.
    #[serde(rename = "Request Time")]
    pub request_time: Option<i64>,
    /// 3.4+.
    #[serde(rename = "Registration Time")]
    pub registration_time: Option<i64>,
}

/// `SparkListenerExecutorRemoved`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ExecutorRemoved {
    #[serde(rename = "Timestamp")]
    pub timestamp: Option<i64>,
    #[serde(rename = "Executor ID", deserialize_with = "null_default")]
    pub executor_id: String,
    #[serde(rename = "Removed Reason")]
    pub reason: Option<String>,
}

/// `Block Manager ID` of the block-manager events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct BlockManagerId {
    #[serde(rename = "Executor ID", deserialize_with = "null_default")]
    pub executor_id: String,
    #[serde(rename = "Host", deserialize_with = "null_default")]
    pub host: String,
    #[serde(rename = "Port")]
    pub port: Option<i64>,
}

/// `SparkListenerBlockManagerAdded`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct BlockManagerAdded {
    #[serde(rename = "Block Manager ID", deserialize_with = "null_default")]
    pub block_manager_id: BlockManagerId,
    #[serde(rename = "Timestamp")]
    pub timestamp: Option<i64>,
    #[serde(rename = "Maximum Memory")]
    pub max_memory: Option<i64>,
}

/// `SparkListenerBlockManagerRemoved`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct BlockManagerRemoved {
    #[serde(rename = "Block Manager ID", deserialize_with = "null_default")]
    pub block_manager_id: BlockManagerId,
    #[serde(rename = "Timestamp")]
    pub timestamp: Option<i64>,
}

/// `SparkListenerJobStart`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct JobStart {
    #[serde(rename = "Job ID", deserialize_with = "null_default")]
    pub job_id: i64,
    #[serde(rename = "Submission Time")]
    pub submission_time: Option<i64>,
    /// Absent before Spark 1.2 (then only `stage_ids` is known).
    #[serde(rename = "Stage Infos", deserialize_with = "null_default")]
    pub stage_infos: Vec<StageInfo>,
    /// Includes stages that will be skipped.
    #[serde(rename = "Stage IDs", deserialize_with = "null_default")]
    pub stage_ids: Vec<i64>,
    /// Local properties (`spark.scheduler.pool`, `spark.job.description`, …).
    #[serde(rename = "Properties", deserialize_with = "properties")]
    pub properties: BTreeMap<String, String>,
}

/// `SparkListenerJobEnd`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct JobEnd {
    #[serde(rename = "Job ID", deserialize_with = "null_default")]
    pub job_id: i64,
    /// Absent in Spark 1.x logs.
    #[serde(rename = "Completion Time")]
    pub completion_time: Option<i64>,
    #[serde(rename = "Job Result", deserialize_with = "null_default")]
    pub result: JobResult,
}

/// The `Job Result` of `JobEnd`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "RawJobResult")]
pub enum JobResult {
    Succeeded,
    Failed {
        message: Option<String>,
    },
    /// A result name this reader does not know, or none.
    #[default]
    Unknown,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawJobResult {
    #[serde(rename = "Result")]
    result: Option<String>,
    #[serde(rename = "Exception")]
    exception: Option<RawException>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawException {
    #[serde(rename = "Message")]
    message: Option<String>,
}

impl From<RawJobResult> for JobResult {
    fn from(raw: RawJobResult) -> Self {
        match raw.result.as_deref() {
            Some("JobSucceeded") => JobResult::Succeeded,
            Some("JobFailed") => JobResult::Failed {
                message: raw.exception.and_then(|e| e.message),
            },
            _ => JobResult::Unknown,
        }
    }
}

/// A `Stage Info` object (in `JobStart`, `StageSubmitted` and `StageCompleted`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct StageInfo {
    #[serde(rename = "Stage ID", deserialize_with = "null_default")]
    pub stage_id: i64,
    #[serde(rename = "Stage Attempt ID", deserialize_with = "null_default")]
    pub attempt_id: i64,
    #[serde(rename = "Stage Name", deserialize_with = "null_default")]
    pub name: String,
    /// For a retry attempt, only the partitions being recomputed.
    #[serde(rename = "Number of Tasks", deserialize_with = "null_default")]
    pub num_tasks: i64,
    #[serde(rename = "Parent IDs", deserialize_with = "null_default")]
    pub parent_ids: Vec<i64>,
    #[serde(rename = "Submission Time")]
    pub submission_time: Option<i64>,
    #[serde(rename = "Completion Time")]
    pub completion_time: Option<i64>,
    /// Present if and only if the attempt failed.
    #[serde(rename = "Failure Reason")]
    pub failure_reason: Option<String>,
    #[serde(rename = "Resource Profile Id")]
    pub resource_profile_id: Option<i64>,
}

/// `SparkListenerStageSubmitted`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct StageSubmitted {
    #[serde(rename = "Stage Info", deserialize_with = "null_default")]
    pub stage_info: StageInfo,
    #[serde(rename = "Properties", deserialize_with = "properties")]
    pub properties: BTreeMap<String, String>,
}

/// `SparkListenerStageCompleted`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct StageCompleted {
    #[serde(rename = "Stage Info", deserialize_with = "null_default")]
    pub stage_info: StageInfo,
}

/// `SparkListenerTaskStart`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct TaskStart {
    #[serde(rename = "Stage ID", deserialize_with = "null_default")]
    pub stage_id: i64,
    #[serde(rename = "Stage Attempt ID", deserialize_with = "null_default")]
    pub stage_attempt_id: i64,
    #[serde(rename = "Task Info", deserialize_with = "null_default")]
    pub task_info: TaskInfo,
}

fn one() -> i64 {
    1
}

/// A `Task Info` object.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct TaskInfo {
    #[serde(rename = "Task ID", deserialize_with = "null_default")]
    pub task_id: i64,
    /// Index of the task within its stage attempt.
    #[serde(rename = "Index", deserialize_with = "null_default")]
    pub index: i64,
    /// Attempt number of this index (Spark's reader defaults a missing value to 1).
    #[serde(rename = "Attempt", deserialize_with = "attempt_number")]
    pub attempt: i64,
    /// 3.3+; use [`TaskInfo::partition`] for a value that is always set.
    #[serde(rename = "Partition ID")]
    pub partition_id: Option<i64>,
    #[serde(rename = "Launch Time", deserialize_with = "null_default")]
    pub launch_time: i64,
    #[serde(rename = "Executor ID", deserialize_with = "null_default")]
    pub executor_id: String,
    #[serde(rename = "Host", deserialize_with = "null_default")]
    pub host: String,
    #[serde(rename = "Locality", deserialize_with = "null_default")]
    pub locality: Locality,
    #[serde(rename = "Speculative", deserialize_with = "null_default")]
    pub speculative: bool,
    /// 0 unless the result was fetched remotely.
    #[serde(rename = "Getting Result Time", deserialize_with = "null_default")]
    pub getting_result_time: i64,
    /// 0 in `TaskStart`.
    #[serde(rename = "Finish Time", deserialize_with = "null_default")]
    pub finish_time: i64,
    #[serde(rename = "Failed", deserialize_with = "null_default")]
    pub failed: bool,
    #[serde(rename = "Killed", deserialize_with = "null_default")]
    pub killed: bool,
}

fn attempt_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    Ok(Option::<i64>::deserialize(deserializer)?.unwrap_or_else(one))
}

impl Default for TaskInfo {
    fn default() -> Self {
        Self {
            task_id: 0,
            index: 0,
            attempt: one(),
            partition_id: None,
            launch_time: 0,
            executor_id: String::new(),
            host: String::new(),
            locality: Locality::default(),
            speculative: false,
            getting_result_time: 0,
            finish_time: 0,
            failed: false,
            killed: false,
        }
    }
}

impl TaskInfo {
    /// The partition: `Partition ID` when written (3.3+, and not −1), else `Index`.
    pub fn partition(&self) -> i64 {
        self.partition_id.filter(|&p| p >= 0).unwrap_or(self.index)
    }
}

/// Task locality level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Locality {
    ProcessLocal,
    NodeLocal,
    NoPref,
    RackLocal,
    Any,
    /// Missing or not one of Spark's names.
    #[default]
    Unknown,
}

impl Locality {
    /// Spark's name of the level.
    pub fn as_str(self) -> &'static str {
        match self {
            Locality::ProcessLocal => "PROCESS_LOCAL",
            Locality::NodeLocal => "NODE_LOCAL",
            Locality::NoPref => "NO_PREF",
            Locality::RackLocal => "RACK_LOCAL",
            Locality::Any => "ANY",
            Locality::Unknown => "UNKNOWN",
        }
    }

    fn from_name(name: &str) -> Self {
        match name {
            "PROCESS_LOCAL" => Locality::ProcessLocal,
            "NODE_LOCAL" => Locality::NodeLocal,
            "NO_PREF" => Locality::NoPref,
            "RACK_LOCAL" => Locality::RackLocal,
            "ANY" => Locality::Any,
            _ => Locality::Unknown,
        }
    }
}

impl fmt::Display for Locality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Locality {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor(Locality::from_name))
    }
}

/// Visits a string and maps it without allocating.
struct NameVisitor<T>(fn(&str) -> T);

impl<T> Visitor<'_> for NameVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// `Task Type` of `TaskEnd`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskType {
    ResultTask,
    ShuffleMapTask,
    #[default]
    Unknown,
}

impl TaskType {
    fn from_name(name: &str) -> Self {
        match name {
            "ResultTask" => TaskType::ResultTask,
            "ShuffleMapTask" => TaskType::ShuffleMapTask,
            _ => TaskType::Unknown,
        }
    }
}

impl<'de> Deserialize<'de> for TaskType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor(TaskType::from_name))
    }
}

/// `SparkListenerTaskEnd`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct TaskEnd {
    #[serde(rename = "Stage ID", deserialize_with = "null_default")]
    pub stage_id: i64,
    #[serde(rename = "Stage Attempt ID", deserialize_with = "null_default")]
    pub stage_attempt_id: i64,
    #[serde(rename = "Task Type", deserialize_with = "null_default")]
    pub task_type: TaskType,
    /// Absent only in damaged logs; see [`TaskEnd::reason_kind`].
    #[serde(rename = "Task End Reason")]
    pub reason: Option<TaskEndReason>,
    #[serde(rename = "Task Info", deserialize_with = "null_default")]
    pub task_info: TaskInfo,
    /// Absent or null for some failures.
    #[serde(rename = "Task Metrics")]
    pub metrics: Option<TaskMetrics>,
}

impl TaskEnd {
    /// The end reason, inferred from `Failed`/`Killed` when `Task End Reason` is missing.
    pub fn reason_kind(&self) -> TaskEndReasonKind {
        match &self.reason {
            Some(reason) => reason.kind.clone(),
            None if self.task_info.killed => TaskEndReasonKind::TaskKilled,
            None if self.task_info.failed => TaskEndReasonKind::UnknownReason,
            None => TaskEndReasonKind::Success,
        }
    }
}

/// `Reason` of a `Task End Reason`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskEndReasonKind {
    #[default]
    Success,
    /// Shuffle output lost after success; the index runs again.
    Resubmitted,
    FetchFailed,
    ExceptionFailure,
    TaskResultLost,
    TaskKilled,
    TaskCommitDenied,
    ExecutorLostFailure,
    UnknownReason,
    /// A reason name this reader does not know.
    Other(String),
}

impl TaskEndReasonKind {
    /// Spark's name of the reason.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Success => "Success",
            Self::Resubmitted => "Resubmitted",
            Self::FetchFailed => "FetchFailed",
            Self::ExceptionFailure => "ExceptionFailure",
            Self::TaskResultLost => "TaskResultLost",
            Self::TaskKilled => "TaskKilled",
            Self::TaskCommitDenied => "TaskCommitDenied",
            Self::ExecutorLostFailure => "ExecutorLostFailure",
            Self::UnknownReason => "UnknownReason",
            Self::Other(name) => name,
        }
    }

    fn from_name(name: &str) -> Self {
        match name {
            "Success" => Self::Success,
            "Resubmitted" => Self::Resubmitted,
            "FetchFailed" => Self::FetchFailed,
            "ExceptionFailure" => Self::ExceptionFailure,
            "TaskResultLost" => Self::TaskResultLost,
            "TaskKilled" => Self::TaskKilled,
            "TaskCommitDenied" => Self::TaskCommitDenied,
            "ExecutorLostFailure" => Self::ExecutorLostFailure,
            "UnknownReason" => Self::UnknownReason,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for TaskEndReasonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `Task End Reason`: its kind, a one-line text, and the fields replay can use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "RawTaskEndReason")]
pub struct TaskEndReason {
    pub kind: TaskEndReasonKind,
    /// `Class Name: Description` (ExceptionFailure), `Kill Reason` (TaskKilled), `Message`
    /// (FetchFailed), `Loss Reason` (ExecutorLostFailure), or a summary (TaskCommitDenied).
    pub text: Option<String>,
    /// The lost executor (ExecutorLostFailure) or the one whose shuffle output could not be
    /// fetched (FetchFailed).
    pub executor_id: Option<String>,
    /// ExecutorLostFailure: whether the application caused the loss (default true).
    pub exit_caused_by_app: Option<bool>,
    /// FetchFailed: the shuffle whose output was lost.
    pub shuffle_id: Option<i64>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawTaskEndReason {
    #[serde(rename = "Reason")]
    reason: Option<String>,
    #[serde(rename = "Class Name")]
    class_name: Option<String>,
    #[serde(rename = "Description")]
    description: Option<String>,
    #[serde(rename = "Kill Reason")]
    kill_reason: Option<String>,
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "Loss Reason")]
    loss_reason: Option<String>,
    #[serde(rename = "Executor ID")]
    executor_id: Option<String>,
    #[serde(rename = "Exit Caused By App")]
    exit_caused_by_app: Option<bool>,
    #[serde(rename = "Block Manager Address")]
    block_manager: Option<BlockManagerId>,
    #[serde(rename = "Shuffle ID")]
    shuffle_id: Option<i64>,
    #[serde(rename = "Job ID")]
    job_id: Option<i64>,
    #[serde(rename = "Partition ID")]
    partition_id: Option<i64>,
    #[serde(rename = "Attempt Number")]
    attempt_number: Option<i64>,
}

impl From<RawTaskEndReason> for TaskEndReason {
    fn from(raw: RawTaskEndReason) -> Self {
        let kind = raw.reason.as_deref().map_or(
            TaskEndReasonKind::UnknownReason,
            TaskEndReasonKind::from_name,
        );
        let text = reason_text(&kind, &raw);
        let executor_id = match kind {
            TaskEndReasonKind::FetchFailed => raw.block_manager.map(|b| b.executor_id),
            _ => raw.executor_id,
        };
        let exit_caused_by_app = match kind {
            TaskEndReasonKind::ExecutorLostFailure => Some(raw.exit_caused_by_app.unwrap_or(true)),
            _ => raw.exit_caused_by_app,
        };
        Self {
            kind,
            text,
            executor_id,
            exit_caused_by_app,
            shuffle_id: raw.shuffle_id,
        }
    }
}

fn reason_text(kind: &TaskEndReasonKind, raw: &RawTaskEndReason) -> Option<String> {
    match kind {
        TaskEndReasonKind::ExceptionFailure => {
            let class = raw.class_name.as_deref().unwrap_or("");
            let description = raw.description.as_deref().unwrap_or("");
            Some(format!("{class}: {description}"))
        }
        TaskEndReasonKind::TaskKilled => Some(
            raw.kill_reason
                .clone()
                .unwrap_or_else(|| "unknown reason".to_owned()),
        ),
        TaskEndReasonKind::FetchFailed => raw.message.clone(),
        TaskEndReasonKind::ExecutorLostFailure => raw.loss_reason.clone(),
        TaskEndReasonKind::TaskCommitDenied => Some(format!(
            "job {}, partition {}, attempt {}",
            opt(raw.job_id),
            opt(raw.partition_id),
            opt(raw.attempt_number)
        )),
        _ => raw.message.clone(),
    }
}

fn opt(value: Option<i64>) -> String {
    value.map_or_else(|| "?".to_owned(), |v| v.to_string())
}

/// The `Task Metrics` a duration model needs, flattened. Times in ms unless noted; a
/// metric missing from the log is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "RawTaskMetrics")]
pub struct TaskMetrics {
    pub executor_deserialize_time: i64,
    /// Nanoseconds.
    pub executor_deserialize_cpu_time: i64,
    pub executor_run_time: i64,
    /// Nanoseconds.
    pub executor_cpu_time: i64,
    pub result_serialization_time: i64,
    pub jvm_gc_time: i64,
    pub result_size: i64,
    pub peak_execution_memory: i64,
    pub memory_bytes_spilled: i64,
    pub disk_bytes_spilled: i64,
    pub input_bytes: i64,
    pub input_records: i64,
    pub output_bytes: i64,
    pub output_records: i64,
    pub shuffle_read_records: i64,
    pub shuffle_remote_bytes_read: i64,
    pub shuffle_local_bytes_read: i64,
    pub shuffle_fetch_wait_time: i64,
    pub shuffle_write_bytes: i64,
    pub shuffle_write_records: i64,
    /// Nanoseconds.
    pub shuffle_write_time: i64,
}

macro_rules! raw_metrics {
    ($name:ident { $($field:ident : $json:literal),* $(,)? }) => {
        #[derive(Default, Deserialize)]
        #[serde(default)]
        struct $name {
            $(
                #[serde(rename = $json, deserialize_with = "null_default")]
                $field: i64,
            )*
        }
    };
}

raw_metrics!(RawShuffleRead {
    records: "Total Records Read",
    remote_bytes: "Remote Bytes Read",
    local_bytes: "Local Bytes Read",
    fetch_wait_time: "Fetch Wait Time",
});

raw_metrics!(RawShuffleWrite {
    bytes: "Shuffle Bytes Written",
    records: "Shuffle Records Written",
    time: "Shuffle Write Time",
});

raw_metrics!(RawInput {
    bytes: "Bytes Read",
    records: "Records Read",
});

raw_metrics!(RawOutput {
    bytes: "Bytes Written",
    records: "Records Written",
});

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawTaskMetrics {
    #[serde(
        rename = "Executor Deserialize Time",
        deserialize_with = "null_default"
    )]
    executor_deserialize_time: i64,
    #[serde(
        rename = "Executor Deserialize CPU Time",
        deserialize_with = "null_default"
    )]
    executor_deserialize_cpu_time: i64,
    #[serde(rename = "Executor Run Time", deserialize_with = "null_default")]
    executor_run_time: i64,
    #[serde(rename = "Executor CPU Time", deserialize_with = "null_default")]
    executor_cpu_time: i64,
    #[serde(
        rename = "Result Serialization Time",
        deserialize_with = "null_default"
    )]
    result_serialization_time: i64,
    #[serde(rename = "JVM GC Time", deserialize_with = "null_default")]
    jvm_gc_time: i64,
    #[serde(rename = "Result Size", deserialize_with = "null_default")]
    result_size: i64,
    #[serde(rename = "Peak Execution Memory", deserialize_with = "null_default")]
    peak_execution_memory: i64,
    #[serde(rename = "Memory Bytes Spilled", deserialize_with = "null_default")]
    memory_bytes_spilled: i64,
    #[serde(rename = "Disk Bytes Spilled", deserialize_with = "null_default")]
    disk_bytes_spilled: i64,
    #[serde(rename = "Shuffle Read Metrics", deserialize_with = "null_default")]
    shuffle_read: RawShuffleRead,
    #[serde(rename = "Shuffle Write Metrics", deserialize_with = "null_default")]
    shuffle_write: RawShuffleWrite,
    #[serde(rename = "Input Metrics", deserialize_with = "null_default")]
    input: RawInput,
    #[serde(rename = "Output Metrics", deserialize_with = "null_default")]
    output: RawOutput,
}

impl From<RawTaskMetrics> for TaskMetrics {
    fn from(raw: RawTaskMetrics) -> Self {
        Self {
            executor_deserialize_time: raw.executor_deserialize_time,
            executor_deserialize_cpu_time: raw.executor_deserialize_cpu_time,
            executor_run_time: raw.executor_run_time,
            executor_cpu_time: raw.executor_cpu_time,
            result_serialization_time: raw.result_serialization_time,
            jvm_gc_time: raw.jvm_gc_time,
            result_size: raw.result_size,
            peak_execution_memory: raw.peak_execution_memory,
            memory_bytes_spilled: raw.memory_bytes_spilled,
            disk_bytes_spilled: raw.disk_bytes_spilled,
            input_bytes: raw.input.bytes,
            input_records: raw.input.records,
            output_bytes: raw.output.bytes,
            output_records: raw.output.records,
            shuffle_read_records: raw.shuffle_read.records,
            shuffle_remote_bytes_read: raw.shuffle_read.remote_bytes,
            shuffle_local_bytes_read: raw.shuffle_read.local_bytes,
            shuffle_fetch_wait_time: raw.shuffle_read.fetch_wait_time,
            shuffle_write_bytes: raw.shuffle_write.bytes,
            shuffle_write_records: raw.shuffle_write.records,
            shuffle_write_time: raw.shuffle_write.time,
        }
    }
}

/// `SparkListenerSpeculativeTaskSubmitted` (Jackson-serialized, camelCase). Spark's event
/// logger does not write it, but other tools may.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SpeculativeTaskSubmitted {
    #[serde(rename = "stageId", deserialize_with = "null_default")]
    pub stage_id: i64,
    #[serde(rename = "stageAttemptId", deserialize_with = "null_default")]
    pub stage_attempt_id: i64,
    #[serde(rename = "taskIndex")]
    pub task_index: Option<i64>,
    #[serde(rename = "partitionId")]
    pub partition_id: Option<i64>,
}

/// Which exclusion ("blacklist", before 3.1) event was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExclusionKind {
    ExecutorExcluded,
    ExecutorUnexcluded,
    ExecutorExcludedForStage,
    NodeExcluded,
    NodeUnexcluded,
    NodeExcludedForStage,
}

impl Event {
    /// Spark's short name of the event.
    pub fn name(&self) -> &'static str {
        match self {
            Event::LogStart(_) => "SparkListenerLogStart",
            Event::ApplicationStart(_) => "SparkListenerApplicationStart",
            Event::ApplicationEnd(_) => "SparkListenerApplicationEnd",
            Event::EnvironmentUpdate(_) => "SparkListenerEnvironmentUpdate",
            Event::ResourceProfileAdded(_) => "SparkListenerResourceProfileAdded",
            Event::ExecutorAdded(_) => "SparkListenerExecutorAdded",
            Event::ExecutorRemoved(_) => "SparkListenerExecutorRemoved",
            Event::BlockManagerAdded(_) => "SparkListenerBlockManagerAdded",
            Event::BlockManagerRemoved(_) => "SparkListenerBlockManagerRemoved",
            Event::JobStart(_) => "SparkListenerJobStart",
            Event::JobEnd(_) => "SparkListenerJobEnd",
            Event::StageSubmitted(_) => "SparkListenerStageSubmitted",
            Event::StageCompleted(_) => "SparkListenerStageCompleted",
            Event::TaskStart(_) => "SparkListenerTaskStart",
            Event::TaskEnd(_) => "SparkListenerTaskEnd",
            Event::SpeculativeTaskSubmitted(_) => "SparkListenerSpeculativeTaskSubmitted",
            Event::Exclusion(kind) => kind.name(),
        }
    }
}
