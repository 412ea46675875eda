//! Lines of an event log across all its files, through one reusable buffer.
//!
//! Memory is bounded by the longest line, and never by a file: a line longer than the
//! configured limit keeps only its first bytes (enough to see the event name) and the rest
//! is skipped as it streams by. A compressed stream that stops in the middle of a block or
//! frame ends its file with a "truncated" warning; other decoding failures are errors that
//! name the file, the line and the compressed byte offset.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::codec::{self, Decode};
use super::error::EventLogError;
use super::open::LogPart;
use super::stats::{ReadStats, warning};

/// Default limit on the bytes kept of one line (longer lines are skipped).
pub const DEFAULT_MAX_LINE_BYTES: usize = 256 << 20;
const READ_BUFFER_BYTES: usize = 256 << 10;

/// One line, without its newline.
#[derive(Debug)]
pub(crate) struct Line<'a> {
    pub bytes: &'a [u8],
    pub path: &'a Path,
    /// 1-based line number within its file.
    pub number: u64,
    /// The line ended with `\n` (false for the last line of a file without one).
    pub terminated: bool,
    /// The line was longer than the limit; `bytes` holds only its start.
    pub overlong: bool,
    /// The line belongs to the last file of the log.
    pub in_last_part: bool,
}

struct OpenPart {
    path: PathBuf,
    input: BufReader<Box<dyn Decode>>,
    line: u64,
    exhausted: bool,
    is_last: bool,
}

/// How reading one line ended.
enum LineEnd {
    Newline,
    Eof,
}

/// Streams the lines of all parts of a log, in order.
pub(crate) struct LineReader {
    parts: VecDeque<LogPart>,
    current: Option<OpenPart>,
    buf: Vec<u8>,
    overlong: bool,
    terminated: bool,
    max_line: usize,
    failed: bool,
}

impl LineReader {
    pub fn new(parts: Vec<LogPart>) -> Self {
        Self {
            parts: parts.into(),
            current: None,
            buf: Vec::new(),
            overlong: false,
            terminated: false,
            max_line: DEFAULT_MAX_LINE_BYTES,
            failed: false,
        }
    }

    pub fn set_max_line_bytes(&mut self, max: usize) {
        self.max_line = max.max(64);
    }

    /// The next line, `None` after the last one. After an error, always `None`.
    pub fn next_line(&mut self, stats: &mut ReadStats) -> Result<Option<Line<'_>>, EventLogError> {
        if self.failed {
            return Ok(None);
        }
        loop {
            if self.current.is_none() && !self.open_next_part(stats)? {
                return Ok(None);
            }
            if self.read_into_buffer(stats)? {
                break;
            }
            self.current = None;
        }
        Ok(self.current.as_ref().map(|part| Line {
            bytes: &self.buf,
            path: &part.path,
            number: part.line,
            terminated: self.terminated,
            overlong: self.overlong,
            in_last_part: part.is_last,
        }))
    }

    /// The file and line number of the line returned last.
    pub fn position(&self) -> Option<(&Path, u64)> {
        self.current
            .as_ref()
            .map(|part| (part.path.as_path(), part.line))
    }

    /// Opens the next part; `false` when there is none.
    fn open_next_part(&mut self, stats: &mut ReadStats) -> Result<bool, EventLogError> {
        let Some(part) = self.parts.pop_front() else {
            return Ok(false);
        };
        let decoder = codec::open_decoder(&part.path, part.codec).map_err(|e| {
            self.failed = true;
            EventLogError::open(&part.path, e)
        })?;
        stats.files += 1;
        stats.bytes_on_disk += part.size;
        self.current = Some(OpenPart {
            path: part.path,
            input: BufReader::with_capacity(READ_BUFFER_BYTES, decoder),
            line: 0,
            exhausted: false,
            is_last: self.parts.is_empty(),
        });
        Ok(true)
    }

    /// Reads the next line of the current part into the buffer; `false` when the part has
    /// no more lines.
    fn read_into_buffer(&mut self, stats: &mut ReadStats) -> Result<bool, EventLogError> {
        self.buf.clear();
        self.overlong = false;
        let Some(part) = self.current.as_mut() else {
            return Ok(false);
        };
        if part.exhausted {
            return Ok(false);
        }
        let mut line_len = 0;
        let result = read_line(
            &mut part.input,
            &mut self.buf,
            self.max_line,
            (&mut self.overlong, &mut line_len),
        );
        drain_decoder_warnings(part, stats);
        let end = match result {
            Ok(end) => end,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                note_truncated_stream(part, &e, stats);
                LineEnd::Eof
            }
            Err(e) => {
                self.failed = true;
                return Err(read_error(part, &e));
            }
        };
        self.terminated = matches!(end, LineEnd::Newline);
        part.exhausted = !self.terminated;
        if !self.terminated && self.buf.is_empty() && !self.overlong {
            return Ok(false);
        }
        part.line += 1;
        stats.bytes_decompressed += line_len + u64::from(self.terminated);
        Ok(true)
    }
}

/// Reads up to and excluding the next `\n`, keeping at most `max` bytes in `buf`. Sets
/// `overlong` if more were skipped and adds the line's full length to `len`.
fn read_line<R: BufRead>(
    input: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
    (overlong, len): (&mut bool, &mut u64),
) -> io::Result<LineEnd> {
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(LineEnd::Eof);
        }
        let (chunk, used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        let room = max.saturating_sub(buf.len());
        if chunk.len() > room {
            *overlong = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        *len += chunk.len() as u64;
        input.consume(used);
        if done {
            return Ok(LineEnd::Newline);
        }
    }
}

fn drain_decoder_warnings(part: &mut OpenPart, stats: &mut ReadStats) {
    while let Some(text) = part.input.get_mut().take_warning() {
        stats.warn(warning::DAMAGED_BLOCK, || {
            format!("{}: {text}", part.path.display())
        });
    }
}

fn note_truncated_stream(part: &OpenPart, error: &io::Error, stats: &mut ReadStats) {
    let line = part.line + 1;
    let where_ = format!("{}:{line}", part.path.display());
    if part.is_last {
        stats.truncated_tail = true;
        stats.warn(warning::TRUNCATED_STREAM, || {
            format!("{where_}: {error}; the log ends here")
        });
    } else {
        stats.warn(warning::TRUNCATED_STREAM, || {
            format!("{where_}: {error}; continuing with the next part")
        });
    }
}

fn read_error(part: &OpenPart, error: &io::Error) -> EventLogError {
    let offset = part.input.get_ref().compressed_position();
    let message = if error.to_string().contains("compressed byte") {
        error.to_string()
    } else {
        format!("{error} (near compressed byte {offset})")
    };
    EventLogError::Read {
        path: part.path.clone(),
        line: part.line + 1,
        message,
    }
}
