//! Reading real Spark event logs for replay: robust, streaming, and fast.
//!
//! An event log is one JSON object per line, written by Spark's `EventLoggingListener`,
//! possibly compressed (zstd, lz4-java blocks, snappy-java chunks) and possibly split into a
//! rolling `eventlog_v2_*` directory. This module reads any of them, from Spark 1.x to 4.x:
//!
//! - [`open`] resolves a path (file or directory) into its parts and codecs;
//! - [`EventLogReader`] streams [`Event`]s, parsing only the event types replay needs and
//!   skipping the rest by name, with memory bounded by the longest line;
//! - [`read_application`] folds a whole log into a [`LoggedApplication`] (application,
//!   configuration, executors, jobs, stages, task attempts with metrics) in one pass.
//!
//! Nothing in a log's content makes the reader panic or fail: malformed lines, truncated
//! tails, unknown events and inconsistent event sequences are counted in [`ReadStats`],
//! with the first examples of each kind naming file and line. Errors
//! ([`EventLogError`]) are reserved for unreadable paths, unsupported codecs, corrupt
//! compressed data in the middle of a file, and inputs with no Spark event at all.

mod app;
pub mod codec;
mod de;
mod error;
mod events;
mod fold;
mod kind;
mod lines;
mod open;
mod reader;
mod stats;

pub use app::{
    DEFAULT_POOL, ExecutorOrigin, LoggedApplication, LoggedExecutor, LoggedJob, LoggedStage,
    LoggedStageAttempt, LoggedTask, SchedulingMode, read_application,
};
pub use codec::Codec;
pub use error::EventLogError;
pub use events::{
    ApplicationEnd, ApplicationStart, BlockManagerAdded, BlockManagerId, BlockManagerRemoved,
    EnvironmentUpdate, Event, ExclusionKind, ExecutorAdded, ExecutorInfo, ExecutorRemoved, JobEnd,
    JobResult, JobStart, Locality, LogStart, ResourceProfileAdded, ResourceRequest,
    SpeculativeTaskSubmitted, StageCompleted, StageInfo, StageSubmitted, TaskEnd, TaskEndReason,
    TaskEndReasonKind, TaskInfo, TaskMetrics, TaskStart, TaskType,
};
pub use lines::DEFAULT_MAX_LINE_BYTES;
pub use open::{EventLogSource, LogLayout, LogPart, open};
pub use reader::EventLogReader;
pub use stats::{
    MAX_EVENT_NAMES, MAX_EXAMPLES_PER_KIND, MAX_WARNING_EXAMPLES, OTHER_EVENT_NAMES, ReadStats,
};

/// Warning kinds, the keys of [`ReadStats::warning_counts`].
pub mod warning {
    pub use super::fold::warning::*;
    pub use super::stats::warning::*;
}
