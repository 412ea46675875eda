//! The pull reader: events out of the lines of a log, with every oddity counted.
//!
//! For each line the event name is read from its prefix; lines of types replay does not need
//! are counted and skipped without parsing, the others are parsed into [`Event`]s. A line
//! that cannot be used is counted as malformed (with its file and line in the warnings),
//! except the unterminated last line of a log, which is the usual sign of a log still being
//! written and is reported as a truncated tail instead.

use std::path::Path;

use super::error::EventLogError;
use super::events::Event;
use super::kind::{self, EventKind, NameError};
use super::lines::{Line, LineReader};
use super::open::{EventLogSource, LogLayout, open};
use super::stats::{ReadStats, warning};

/// Streams the events of one event log (a file or a rolling directory).
///
/// ```no_run
/// use workloads::eventlog::{Event, EventLogReader};
/// let mut reader = EventLogReader::open("app-123.zstd")?;
/// while let Some(event) = reader.next_event() {
///     if let Event::TaskEnd(end) = event? {
///         println!("task {} took {} ms", end.task_info.task_id,
///                  end.task_info.finish_time - end.task_info.launch_time);
///     }
/// }
/// println!("{}", reader.stats());
/// # Ok::<(), workloads::eventlog::EventLogError>(())
/// ```
pub struct EventLogReader {
    lines: LineReader,
    stats: ReadStats,
    layout: LogLayout,
}

impl EventLogReader {
    /// Opens a log file or rolling-log directory.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, EventLogError> {
        Ok(Self::new(open(path)?))
    }

    /// A reader over an already resolved source.
    pub fn new(source: EventLogSource) -> Self {
        let mut stats = ReadStats {
            in_progress: source.in_progress,
            ..ReadStats::default()
        };
        for (kind, text) in source.notes {
            stats.warn(kind, || text);
        }
        Self {
            lines: LineReader::new(source.parts),
            stats,
            layout: source.layout,
        }
    }

    /// Limits the bytes kept of one line (default 256 MiB); longer lines are skipped.
    pub fn with_max_line_bytes(mut self, max: usize) -> Self {
        self.lines.set_max_line_bytes(max);
        self
    }

    /// How the log's files are laid out.
    pub fn layout(&self) -> &LogLayout {
        &self.layout
    }

    /// The file and 1-based line number of the line read last.
    pub fn position(&self) -> Option<(&Path, u64)> {
        self.lines.position()
    }

    /// The next event; `None` at the end of the log. After an `Err`, always `None`.
    pub fn next_event(&mut self) -> Option<Result<Event, EventLogError>> {
        loop {
            let line = match self.lines.next_line(&mut self.stats) {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
            if let Some(event) = decode_line(&line, &mut self.stats) {
                return Some(Ok(event));
            }
        }
    }

    /// Counters and warnings so far.
    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }

    /// Counters and warnings so far, for callers that add their own warnings.
    pub fn stats_mut(&mut self) -> &mut ReadStats {
        &mut self.stats
    }

    /// Ends the read, returning its counters and warnings.
    pub fn into_stats(self) -> ReadStats {
        self.stats
    }
}

impl Iterator for EventLogReader {
    type Item = Result<Event, EventLogError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_event()
    }
}

/// The event of one line, or `None` if the line is skipped (counted in `stats`).
fn decode_line(line: &Line<'_>, stats: &mut ReadStats) -> Option<Event> {
    stats.lines += 1;
    let bytes = line.bytes.trim_ascii();
    if bytes.is_empty() && !line.overlong {
        stats.empty_lines += 1;
        return None;
    }
    if line.overlong {
        skip_overlong(line, bytes, stats);
        return None;
    }
    let name = match kind::event_name(bytes) {
        Ok(name) => name,
        Err(e) => {
            reject(line, stats, || describe_name_error(&e));
            return None;
        }
    };
    let Some(kind) = EventKind::from_name(&name) else {
        skip_unneeded(line, bytes, &name, stats);
        return None;
    };
    let event = parse_event(kind, line, bytes, &name, stats)?;
    stats.count_event(&name);
    stats.parsed_events += 1;
    Some(event)
}

fn describe_name_error(error: &NameError) -> String {
    match error {
        NameError::NotJson(e) => format!("not JSON ({e})"),
        NameError::NoEventField => "JSON without a string \"Event\" field".to_owned(),
    }
}

/// Parses a needed event; invalid UTF-8 is replaced and parsing retried.
fn parse_event(
    kind: EventKind,
    line: &Line<'_>,
    bytes: &[u8],
    name: &str,
    stats: &mut ReadStats,
) -> Option<Event> {
    let error = match kind.parse(bytes) {
        Ok(event) => return Some(event),
        Err(error) => error,
    };
    if std::str::from_utf8(bytes).is_err() {
        stats.invalid_utf8_lines += 1;
        let repaired = String::from_utf8_lossy(bytes);
        if let Ok(event) = kind.parse(repaired.as_bytes()) {
            stats.warn(warning::INVALID_UTF8, || {
                format!("{}: decoded with U+FFFD replacements", at(line))
            });
            return Some(event);
        }
    }
    reject(line, stats, || format!("{name}: {error}"));
    None
}

/// Counts an event replay does not need; an unterminated last line must still be JSON.
fn skip_unneeded(line: &Line<'_>, bytes: &[u8], name: &str, stats: &mut ReadStats) {
    if is_tail(line)
        && let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
    {
        reject(line, stats, || format!("{name}: {e}"));
        return;
    }
    stats.count_event(name);
    stats.skipped_unknown += 1;
}

/// A line longer than the limit: skipped; an unneeded event type is not an error.
fn skip_overlong(line: &Line<'_>, bytes: &[u8], stats: &mut ReadStats) {
    let name = kind::event_name(bytes).ok();
    let needed = name.as_deref().and_then(EventKind::from_name);
    match (name, needed) {
        (Some(name), None) => {
            stats.warn(warning::OVERLONG_LINE, || {
                format!("{}: {name} line longer than the limit, skipped", at(line))
            });
            stats.count_event(&name);
            stats.skipped_unknown += 1;
        }
        (name, _) => {
            let name = name.unwrap_or_default();
            stats.malformed_lines += 1;
            stats.warn(warning::OVERLONG_LINE, || {
                format!("{}: line longer than the limit ({name}), dropped", at(line))
            });
        }
    }
}

/// The last line of the last file, without newline: possibly cut short by the writer.
fn is_tail(line: &Line<'_>) -> bool {
    !line.terminated && line.in_last_part
}

/// Counts an unusable line: as the truncated tail if it is one, else as malformed.
fn reject(line: &Line<'_>, stats: &mut ReadStats, why: impl FnOnce() -> String) {
    if is_tail(line) {
        stats.truncated_tail = true;
        let state = if stats.in_progress {
            "the log is marked in progress"
        } else {
            "the log is not marked in progress"
        };
        stats.warn(warning::TRUNCATED_LINE, || {
            format!(
                "{}: last line has no newline and cannot be used ({state}): {}",
                at(line),
                why()
            )
        });
    } else {
        stats.malformed_lines += 1;
        stats.warn(warning::MALFORMED_LINE, || {
            format!("{}: {}", at(line), why())
        });
    }
}

fn at(line: &Line<'_>) -> String {
    format!("{}:{}", line.path.display(), line.number)
}
