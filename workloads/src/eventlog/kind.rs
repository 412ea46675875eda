//! Deciding an event's type cheaply, and parsing only the types replay needs.
//!
//! Spark writes `"Event"` as the first field, so the name is normally read straight from
//! the line prefix `{"Event":"…"` without parsing. Lines that do not start that way fall
//! back to a full parse of the top-level object. Names may be fully qualified
//! (`org.apache.spark.scheduler.SparkListenerExecutorBlacklisted`): the part after the last
//! dot decides the type.

use std::borrow::Cow;

use serde::Deserialize;

use super::events::{Event, ExclusionKind};

/// The event types the reader parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    LogStart,
    ApplicationStart,
    ApplicationEnd,
    EnvironmentUpdate,
    ResourceProfileAdded,
    ExecutorAdded,
    ExecutorRemoved,
    BlockManagerAdded,
    BlockManagerRemoved,
    JobStart,
    JobEnd,
    StageSubmitted,
    StageCompleted,
    TaskStart,
    TaskEnd,
    SpeculativeTaskSubmitted,
    Exclusion(ExclusionKind),
}

impl EventKind {
    /// The kind of a (short or fully-qualified) event name; `None` for events replay skips.
    pub fn from_name(name: &str) -> Option<EventKind> {
        let short = name.rsplit('.').next().unwrap_or(name);
        let suffix = short.strip_prefix("SparkListener")?;
        Some(match suffix {
            "LogStart" => EventKind::LogStart,
            "ApplicationStart" => EventKind::ApplicationStart,
            "ApplicationEnd" => EventKind::ApplicationEnd,
            "EnvironmentUpdate" => EventKind::EnvironmentUpdate,
            "ResourceProfileAdded" => EventKind::ResourceProfileAdded,
            "ExecutorAdded" => EventKind::ExecutorAdded,
            "ExecutorRemoved" => EventKind::ExecutorRemoved,
            "BlockManagerAdded" => EventKind::BlockManagerAdded,
            "BlockManagerRemoved" => EventKind::BlockManagerRemoved,
            "JobStart" => EventKind::JobStart,
            "JobEnd" => EventKind::JobEnd,
            "StageSubmitted" => EventKind::StageSubmitted,
            "StageCompleted" => EventKind::StageCompleted,
            "TaskStart" => EventKind::TaskStart,
            "TaskEnd" => EventKind::TaskEnd,
            "SpeculativeTaskSubmitted" => EventKind::SpeculativeTaskSubmitted,
            other => EventKind::Exclusion(exclusion_kind(other)?),
        })
    }

    /// Parses a line already known to hold an event of this kind.
    pub fn parse(self, line: &[u8]) -> serde_json::Result<Event> {
        use serde_json::from_slice as p;
        Ok(match self {
            EventKind::LogStart => Event::LogStart(p(line)?),
            EventKind::ApplicationStart => Event::ApplicationStart(p(line)?),
            EventKind::ApplicationEnd => Event::ApplicationEnd(p(line)?),
            EventKind::EnvironmentUpdate => Event::EnvironmentUpdate(p(line)?),
            EventKind::ResourceProfileAdded => Event::ResourceProfileAdded(p(line)?),
            EventKind::ExecutorAdded => Event::ExecutorAdded(p(line)?),
            EventKind::ExecutorRemoved => Event::ExecutorRemoved(p(line)?),
            EventKind::BlockManagerAdded => Event::BlockManagerAdded(p(line)?),
            EventKind::BlockManagerRemoved => Event::BlockManagerRemoved(p(line)?),
            EventKind::JobStart => Event::JobStart(p(line)?),
            EventKind::JobEnd => Event::JobEnd(p(line)?),
            EventKind::StageSubmitted => Event::StageSubmitted(p(line)?),
            EventKind::StageCompleted => Event::StageCompleted(p(line)?),
            EventKind::TaskStart => Event::TaskStart(p(line)?),
            EventKind::TaskEnd => Event::TaskEnd(p(line)?),
            EventKind::SpeculativeTaskSubmitted => Event::SpeculativeTaskSubmitted(p(line)?),
            EventKind::Exclusion(kind) => {
                serde_json::from_slice::<serde::de::IgnoredAny>(line)?;
                Event::Exclusion(kind)
            }
        })
    }
}

/// Exclusion events, by their 3.1+ ("Excluded") and older ("Blacklisted") names.
fn exclusion_kind(suffix: &str) -> Option<ExclusionKind> {
    Some(match suffix {
        "ExecutorExcluded" | "ExecutorBlacklisted" => ExclusionKind::ExecutorExcluded,
        "ExecutorUnexcluded" | "ExecutorUnblacklisted" => ExclusionKind::ExecutorUnexcluded,
        "ExecutorExcludedForStage" | "ExecutorBlacklistedForStage" => {
            ExclusionKind::ExecutorExcludedForStage
        }
        "NodeExcluded" | "NodeBlacklisted" => ExclusionKind::NodeExcluded,
        "NodeUnexcluded" | "NodeUnblacklisted" => ExclusionKind::NodeUnexcluded,
        "NodeExcludedForStage" | "NodeBlacklistedForStage" => ExclusionKind::NodeExcludedForStage,
        _ => return None,
    })
}

/// Why no event name could be read from a line.
#[derive(Debug)]
pub(crate) enum NameError {
    /// The line is not a JSON object.
    NotJson(serde_json::Error),
    /// The object has no string `"Event"` field.
    NoEventField,
}

const FAST_PREFIX: &[u8] = br#"{"Event":""#;

/// The `"Event"` value of a line: from the prefix when possible, else by parsing.
pub(crate) fn event_name(line: &[u8]) -> Result<Cow<'_, str>, NameError> {
    if let Some(name) = fast_event_name(line) {
        return Ok(Cow::Borrowed(name));
    }
    slow_event_name(line)
}

fn fast_event_name(line: &[u8]) -> Option<&str> {
    let rest = line.strip_prefix(FAST_PREFIX)?;
    let end = memchr::memchr2(b'"', b'\\', rest)?;
    if rest[end] != b'"' {
        return None;
    }
    std::str::from_utf8(&rest[..end]).ok()
}

#[derive(Deserialize)]
struct EventTag {
    #[serde(rename = "Event")]
    event: Option<serde_json::Value>,
}

fn slow_event_name(line: &[u8]) -> Result<Cow<'_, str>, NameError> {
    let tag: EventTag = serde_json::from_slice(line).map_err(NameError::NotJson)?;
    match tag.event {
        Some(serde_json::Value::String(name)) => Ok(Cow::Owned(name)),
        _ => Err(NameError::NoEventField),
    }
}

impl ExclusionKind {
    /// Spark 3.1+ short name of the event.
    pub fn name(self) -> &'static str {
        match self {
            ExclusionKind::ExecutorExcluded => "SparkListenerExecutorExcluded",
            ExclusionKind::ExecutorUnexcluded => "SparkListenerExecutorUnexcluded",
            ExclusionKind::ExecutorExcludedForStage => "SparkListenerExecutorExcludedForStage",
            ExclusionKind::NodeExcluded => "SparkListenerNodeExcluded",
            ExclusionKind::NodeUnexcluded => "SparkListenerNodeUnexcluded",
            ExclusionKind::NodeExcludedForStage => "SparkListenerNodeExcludedForStage",
        }
    }
}
