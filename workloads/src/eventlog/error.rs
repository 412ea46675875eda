//! The one error type of the event-log reader.
//!
//! Errors are reserved for conditions that stop reading: a path that cannot be opened, a
//! codec Spark uses but this reader does not decode, compressed data that is corrupt in the
//! middle of a file, or an input with no Spark event in it at all. Every other oddity
//! (malformed lines, truncated tails, inconsistent events) is a counted warning in
//! [`ReadStats`](super::ReadStats). Every variant names the file, and the line where one
//! applies.

use std::path::PathBuf;

/// Why an event log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EventLogError {
    /// The path (file or directory) could not be opened or listed.
    #[error("{}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The path exists but is not something this reader recognises as a Spark event log.
    #[error("{}: not a Spark event log: {reason}", path.display())]
    NotAnEventLog { path: PathBuf, reason: String },
    /// The file uses a compression codec that this reader does not decode.
    #[error("{}: compression codec `{codec}` is not supported ({hint})", path.display())]
    UnsupportedCodec {
        path: PathBuf,
        codec: String,
        hint: &'static str,
    },
    /// Reading or decompressing failed in the middle of a file. `line` is the number of the
    /// line being assembled when the failure happened (1-based, within this file).
    #[error("{}:{line}: {message}", path.display())]
    Read {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

impl EventLogError {
    pub(crate) fn open(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Open {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn not_a_log(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self::NotAnEventLog {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
