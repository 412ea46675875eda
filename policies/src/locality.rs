//! `TaskLocality` levels and task location preferences (`TaskLocation`).
//!
//! Order matters: PROCESS_LOCAL < NODE_LOCAL < NO_PREF < RACK_LOCAL < ANY (spec §6.3), and
//! `is_allowed(constraint, level)` means `level <= constraint`.

use crate::executors::{ExecId, HostId};
use std::fmt;

/// Spark's `TaskLocality`, ordered from most to least local.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskLocality {
    ProcessLocal = 0,
    NodeLocal = 1,
    NoPref = 2,
    RackLocal = 3,
    Any = 4,
}

impl TaskLocality {
    /// Spark's spelling, as in event logs (`"Locality":"PROCESS_LOCAL"`).
    pub fn as_str(self) -> &'static str {
        match self {
            TaskLocality::ProcessLocal => "PROCESS_LOCAL",
            TaskLocality::NodeLocal => "NODE_LOCAL",
            TaskLocality::NoPref => "NO_PREF",
            TaskLocality::RackLocal => "RACK_LOCAL",
            TaskLocality::Any => "ANY",
        }
    }

    /// `TaskLocality.isAllowed(constraint, condition)`: `condition <= constraint`.
    pub fn is_allowed(constraint: TaskLocality, level: TaskLocality) -> bool {
        level <= constraint
    }
}

impl fmt::Display for TaskLocality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A task's preferred location (`TaskLocation`), with hosts and executors interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskLocation {
    /// `HostTaskLocation(host)`: node-local only.
    Host(HostId),
    /// `ExecutorCacheTaskLocation(host, exec)`, written `executor_<host>_<exec>`.
    ExecutorCache { host: HostId, executor: ExecId },
    /// `HDFSCacheTaskLocation(host)`, written `hdfs_cache_<host>`: process-local on every live
    /// executor of the host at the time the task is added to the pending lists.
    HdfsCache(HostId),
}

impl TaskLocation {
    /// The host of any kind of location.
    pub fn host(self) -> HostId {
        match self {
            TaskLocation::Host(h) | TaskLocation::HdfsCache(h) => h,
            TaskLocation::ExecutorCache { host, .. } => host,
        }
    }
}
