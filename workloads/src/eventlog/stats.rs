//! What a read saw: byte, line and event counts, and the warnings about every oddity.
//!
//! Warnings are counted by kind without limit, but only the first few examples of each kind
//! are kept as text (each naming the file and line), so a log with a million bad lines
//! still produces a short report.

use std::collections::BTreeMap;
use std::fmt;

/// Warning kinds: the keys of [`ReadStats::warning_counts`].
pub mod warning {
    /// A line that is not JSON, has no `"Event"`, or does not fit its event type.
    pub const MALFORMED_LINE: &str = "malformed line";
    /// The unterminated last line of a log could not be used.
    pub const TRUNCATED_LINE: &str = "truncated last line";
    /// A compressed file stops in the middle of a block or frame.
    pub const TRUNCATED_STREAM: &str = "truncated compressed stream";
    /// Recoverable damage reported by a decoder (e.g. an lz4 checksum mismatch).
    pub const DAMAGED_BLOCK: &str = "damaged compressed block";
    /// A line with invalid UTF-8, decoded lossily.
    pub const INVALID_UTF8: &str = "invalid UTF-8";
    /// A line longer than the reader's limit.
    pub const OVERLONG_LINE: &str = "overlong line";
}

/// Examples kept per warning kind.
pub const MAX_EXAMPLES_PER_KIND: usize = 5;
/// Examples kept over all kinds.
pub const MAX_WARNING_EXAMPLES: usize = 100;

/// Distinct event names counted one by one; further names share [`OTHER_EVENT_NAMES`].
pub const MAX_EVENT_NAMES: usize = 1024;
/// The `events_by_type` key of names beyond [`MAX_EVENT_NAMES`].
pub const OTHER_EVENT_NAMES: &str = "<other event names>";

/// Counters and warnings of one read of one event log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Files read (1 for a single-file log; the number of `events_N` parts for a rolling log).
    pub files: u64,
    /// Size on disk of the files read.
    pub bytes_on_disk: u64,
    /// Bytes of JSON lines after decompression, newlines included.
    pub bytes_decompressed: u64,
    /// Lines seen, empty and malformed ones included.
    pub lines: u64,
    /// Lines with only whitespace (skipped).
    pub empty_lines: u64,
    /// Lines that carried a recognisable `"Event"` name.
    pub events: u64,
    /// Events per name, exactly as written (fully-qualified names stay fully-qualified).
    pub events_by_type: BTreeMap<String, u64>,
    /// Events the reader decoded and handed out.
    pub parsed_events: u64,
    /// Events skipped without parsing because replay does not need them (SQL, metrics, block
    /// updates, vendor events, …). Their names are in `events_by_type`.
    pub skipped_unknown: u64,
    /// Lines that were not JSON, had no `"Event"` field, or did not match the expected shape
    /// of their event type. The truncated last line of a log is not counted here.
    pub malformed_lines: u64,
    /// Lines with invalid UTF-8. Spark before 3.0 wrote the JVM's default charset, so such
    /// lines are decoded lossily (U+FFFD) rather than dropped.
    pub invalid_utf8_lines: u64,
    /// The log ends in an incomplete line or an incomplete compressed block.
    pub truncated_tail: bool,
    /// The log is marked in progress (`.inprogress` suffix or rolling `appstatus_*.inprogress`).
    pub in_progress: bool,
    /// Number of warnings per kind.
    pub warning_counts: BTreeMap<String, u64>,
    /// The first warnings of each kind, as text naming the file and line.
    pub warnings: Vec<String>,
}

impl ReadStats {
    /// Records one warning of `kind`. `detail` is only formatted while examples are kept.
    pub fn warn(&mut self, kind: &str, detail: impl FnOnce() -> String) {
        let count = match self.warning_counts.get_mut(kind) {
            Some(count) => count,
            None => self.warning_counts.entry(kind.to_owned()).or_insert(0),
        };
        *count += 1;
        if *count as usize <= MAX_EXAMPLES_PER_KIND && self.warnings.len() < MAX_WARNING_EXAMPLES {
            self.warnings.push(format!("{kind}: {}", detail()));
        }
    }

    /// Total number of warnings, including those whose text was not kept.
    pub fn warning_total(&self) -> u64 {
        self.warning_counts.values().sum()
    }

    /// Number of warnings of one kind.
    pub fn warnings_of(&self, kind: &str) -> u64 {
        self.warning_counts.get(kind).copied().unwrap_or(0)
    }

    /// Adds the warnings of `other` (counts in full, examples up to the caps).
    pub fn absorb_warnings(&mut self, other: ReadStats) {
        for (kind, count) in other.warning_counts {
            *self.warning_counts.entry(kind).or_insert(0) += count;
        }
        let room = MAX_WARNING_EXAMPLES.saturating_sub(self.warnings.len());
        self.warnings.extend(other.warnings.into_iter().take(room));
    }

    /// Counts one event of the given name.
    pub(crate) fn count_event(&mut self, name: &str) {
        self.events += 1;
        if let Some(count) = self.events_by_type.get_mut(name) {
            *count += 1;
            return;
        }
        let key = if self.events_by_type.len() < MAX_EVENT_NAMES {
            name
        } else {
            OTHER_EVENT_NAMES
        };
        *self.events_by_type.entry(key.to_owned()).or_insert(0) += 1;
    }
}

impl fmt::Display for ReadStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} file(s), {} bytes on disk, {} bytes decompressed, {} lines, {} events \
             ({} parsed, {} skipped), {} malformed, {} invalid UTF-8{}{}",
            self.files,
            self.bytes_on_disk,
            self.bytes_decompressed,
            self.lines,
            self.events,
            self.parsed_events,
            self.skipped_unknown,
            self.malformed_lines,
            self.invalid_utf8_lines,
            if self.truncated_tail {
                ", truncated tail"
            } else {
                ""
            },
            if self.in_progress {
                ", in progress"
            } else {
                ""
            },
        )?;
        for (kind, count) in &self.warning_counts {
            writeln!(f, "  warning x{count}: {kind}")?;
        }
        for warning in &self.warnings {
            writeln!(f, "    {warning}")?;
        }
        Ok(())
    }
}
