//! Finding the files of an event log and their codecs, without reading them yet.
//!
//! Three layouts are recognised:
//! - a single file `<appId>[_<attempt>][.<codec>][.inprogress]`;
//! - a rolling directory `eventlog_v2_<appId>[_<attempt>]/` holding
//!   `events_<N>_<appId>[.<codec>][.compact]` parts (read in numeric order of `N`, from the
//!   last compacted part on) and a zero-byte `appstatus_<appId>[.inprogress]` marker;
//! - the Spark 1.0–1.2 directory with `EVENT_LOG_<N>` parts and `SPARK_VERSION_*`,
//!   `COMPRESSION_CODEC_*` and `APPLICATION_COMPLETE` markers (best effort).
//!
//! Anything surprising about the layout (gaps in `N`, stray files, an extension that
//! contradicts the content) becomes a warning of the read, not an error.

use std::fs;
use std::path::{Path, PathBuf};

use super::codec::{self, Codec};
use super::error::EventLogError;

/// Suffix Spark appends while a log is being written.
pub const IN_PROGRESS_SUFFIX: &str = ".inprogress";
/// Suffix of History Server compacted rolling-log parts.
pub const COMPACT_SUFFIX: &str = ".compact";
/// Directory-name prefix of rolling logs.
pub const ROLLING_DIR_PREFIX: &str = "eventlog_v2_";
const EVENTS_PREFIX: &str = "events_";
const APPSTATUS_PREFIX: &str = "appstatus_";
const LEGACY_LOG_PREFIX: &str = "EVENT_LOG_";

/// How the files of a log are laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogLayout {
    /// One file.
    SingleFile,
    /// A rolling `eventlog_v2_*` directory.
    Rolling {
        /// The application id (and attempt) from the directory name.
        app_id: String,
        /// The `appstatus_*` marker, if present.
        status_file: Option<PathBuf>,
    },
    /// A Spark 1.0–1.2 log directory.
    Legacy {
        /// From the `SPARK_VERSION_<v>` marker.
        spark_version: Option<String>,
    },
}

/// One file of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPart {
    pub path: PathBuf,
    pub codec: Codec,
    /// `N` of `events_N_*` / `EVENT_LOG_N`; `None` for a single-file log.
    pub index: Option<u64>,
    /// A History Server compacted part (a lossy summary of earlier parts).
    pub compacted: bool,
    /// Size on disk.
    pub size: u64,
}

/// An opened (resolved, not yet read) event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLogSource {
    /// The path given to [`open`].
    pub path: PathBuf,
    pub layout: LogLayout,
    /// The files to read, in order.
    pub parts: Vec<LogPart>,
    /// The log is marked as still being written (or the application crashed).
    pub in_progress: bool,
    /// Warnings found while resolving the layout, as (kind, text).
    pub notes: Vec<(&'static str, String)>,
}

impl EventLogSource {
    fn new(path: &Path, layout: LogLayout) -> Self {
        Self {
            path: path.to_path_buf(),
            layout,
            parts: Vec::new(),
            in_progress: false,
            notes: Vec::new(),
        }
    }

    fn note(&mut self, kind: &'static str, text: String) {
        self.notes.push((kind, text));
    }

    /// A reader over this log's events.
    pub fn into_reader(self) -> super::EventLogReader {
        super::EventLogReader::new(self)
    }
}

/// Resolves `path` (a log file or a log directory) into the files to read and their codecs.
pub fn open(path: impl AsRef<Path>) -> Result<EventLogSource, EventLogError> {
    let path = path.as_ref();
    let meta = fs::metadata(path).map_err(|e| EventLogError::open(path, e))?;
    if meta.is_dir() {
        open_dir(path)
    } else {
        open_file(path, meta.len())
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn open_file(path: &Path, size: u64) -> Result<EventLogSource, EventLogError> {
    let mut source = EventLogSource::new(path, LogLayout::SingleFile);
    let name = file_name(path);
    let (name, in_progress) = strip_suffix(&name, IN_PROGRESS_SUFFIX);
    let (name, compacted) = strip_suffix(name, COMPACT_SUFFIX);
    source.in_progress = in_progress;
    let extension = name.rsplit_once('.').map(|(_, ext)| ext);
    let codec = resolve_codec(path, extension, &mut source)?;
    source.parts.push(LogPart {
        path: path.to_path_buf(),
        codec,
        index: None,
        compacted,
        size,
    });
    Ok(source)
}

fn strip_suffix<'a>(name: &'a str, suffix: &str) -> (&'a str, bool) {
    match name.strip_suffix(suffix) {
        Some(stripped) => (stripped, true),
        None => (name, false),
    }
}

/// The codec of one file: the extension's, unless the content clearly says otherwise.
fn resolve_codec(
    path: &Path,
    extension: Option<&str>,
    source: &mut EventLogSource,
) -> Result<Codec, EventLogError> {
    let head = codec::read_head(path, 16).map_err(|e| EventLogError::open(path, e))?;
    let sniffed = Codec::sniff(&head);
    let by_extension = extension.and_then(Codec::from_extension);
    let codec = match by_extension {
        Some(c) if c.matches_head(&head) => c,
        Some(c) if sniffed != Codec::Plain || looks_like_json(&head) => {
            source.note(
                "codec differs from extension",
                format!(
                    "{}: extension says {c} but the content is {sniffed}; reading it as {sniffed}",
                    path.display()
                ),
            );
            sniffed
        }
        Some(c) => c,
        None => sniffed,
    };
    if codec == Codec::Lzf {
        return Err(EventLogError::UnsupportedCodec {
            path: path.to_path_buf(),
            codec: "lzf".to_owned(),
            hint: "recompress the log with zstd, lz4 or snappy, or decompress it first",
        });
    }
    Ok(codec)
}

fn looks_like_json(head: &[u8]) -> bool {
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

fn open_dir(path: &Path) -> Result<EventLogSource, EventLogError> {
    let name = file_name(path);
    let entries = list_dir(path)?;
    if let Some(app_id) = name.strip_prefix(ROLLING_DIR_PREFIX) {
        return open_rolling(path, app_id, &entries);
    }
    if entries
        .iter()
        .any(|(n, _)| n.starts_with(LEGACY_LOG_PREFIX))
    {
        return open_legacy(path, &entries);
    }
    Err(EventLogError::not_a_log(
        path,
        "a directory must be a rolling log (eventlog_v2_*) or a Spark 1.x log directory \
         (with EVENT_LOG_* files)",
    ))
}

/// Regular files of a directory as (name, size), sorted by name; subdirectories are dropped.
fn list_dir(path: &Path) -> Result<Vec<(String, u64)>, EventLogError> {
    let read = fs::read_dir(path).map_err(|e| EventLogError::open(path, e))?;
    let mut entries = Vec::new();
    for entry in read {
        let entry = entry.map_err(|e| EventLogError::open(path, e))?;
        let meta = entry
            .metadata()
            .map_err(|e| EventLogError::open(entry.path(), e))?;
        if meta.is_file() {
            entries.push((entry.file_name().to_string_lossy().into_owned(), meta.len()));
        }
    }
    entries.sort();
    Ok(entries)
}

fn open_rolling(
    path: &Path,
    app_id: &str,
    entries: &[(String, u64)],
) -> Result<EventLogSource, EventLogError> {
    let layout = LogLayout::Rolling {
        app_id: app_id.to_owned(),
        status_file: None,
    };
    let mut source = EventLogSource::new(path, layout);
    for (name, size) in entries {
        if let Some(status) = name.strip_prefix(APPSTATUS_PREFIX) {
            note_app_status(&mut source, path, name, status, app_id);
        } else if let Some(rest) = name.strip_prefix(EVENTS_PREFIX) {
            add_rolling_part(&mut source, path, rest, app_id, *size)?;
        } else {
            let text = format!("{}: ignored file {name}", path.display());
            source.note("unexpected file in log directory", text);
        }
    }
    finish_rolling(&mut source)?;
    Ok(source)
}

fn note_app_status(source: &mut EventLogSource, dir: &Path, name: &str, status: &str, app: &str) {
    let (status_app, in_progress) = strip_suffix(status, IN_PROGRESS_SUFFIX);
    if status_app != app {
        let text = format!("{}: {name} names another application", dir.display());
        source.note("rolling log file names another application", text);
    }
    if let LogLayout::Rolling { status_file, .. } = &mut source.layout {
        let previous = status_file.replace(dir.join(name));
        if previous.is_some() {
            let text = format!("{}: more than one appstatus file", dir.display());
            source.note("several appstatus files", text);
        }
    }
    source.in_progress |= in_progress;
}

fn add_rolling_part(
    source: &mut EventLogSource,
    dir: &Path,
    rest: &str,
    app_id: &str,
    size: u64,
) -> Result<(), EventLogError> {
    let file = dir.join(format!("{EVENTS_PREFIX}{rest}"));
    let parsed = rest
        .split_once('_')
        .and_then(|(n, tail)| Some((n.parse::<u64>().ok()?, tail)));
    let Some((index, tail)) = parsed else {
        let text = format!("{}: ignored file {EVENTS_PREFIX}{rest}", dir.display());
        source.note("unexpected file in log directory", text);
        return Ok(());
    };
    let (tail, compacted) = strip_suffix(tail, COMPACT_SUFFIX);
    let extension = match tail.strip_prefix(app_id) {
        Some(ext) => ext.strip_prefix('.'),
        None => {
            let text = format!("{}: does not name application {app_id}", file.display());
            source.note("rolling log file names another application", text);
            tail.rsplit_once('.').map(|(_, ext)| ext)
        }
    };
    let codec = resolve_codec(&file, extension, source)?;
    source.parts.push(LogPart {
        path: file,
        codec,
        index: Some(index),
        compacted,
        size,
    });
    Ok(())
}

/// Orders the parts, starts from the last compacted one, and notes duplicates and gaps.
fn finish_rolling(source: &mut EventLogSource) -> Result<(), EventLogError> {
    if source.parts.is_empty() {
        return Err(EventLogError::not_a_log(
            &source.path,
            "the rolling log directory has no events_* files",
        ));
    }
    source
        .parts
        .sort_by(|a, b| (a.index, a.compacted, &a.path).cmp(&(b.index, b.compacted, &b.path)));
    drop_duplicates(source);
    start_from_last_compact(source);
    note_gaps(source);
    if matches!(
        source.layout,
        LogLayout::Rolling {
            status_file: None,
            ..
        }
    ) {
        let text = format!(
            "{}: no appstatus file; treating the log as in progress",
            source.path.display()
        );
        source.note("rolling log without appstatus", text);
        source.in_progress = true;
    }
    Ok(())
}

fn drop_duplicates(source: &mut EventLogSource) {
    let mut kept: Vec<LogPart> = Vec::with_capacity(source.parts.len());
    for part in std::mem::take(&mut source.parts) {
        let duplicate = kept
            .last()
            .is_some_and(|last| (last.index, last.compacted) == (part.index, part.compacted));
        if duplicate {
            let text = format!(
                "{}: same index as a previous part; ignored",
                part.path.display()
            );
            source.note("duplicate rolling log part", text);
        } else {
            kept.push(part);
        }
    }
    source.parts = kept;
}

fn start_from_last_compact(source: &mut EventLogSource) {
    let Some(last_compact) = source.parts.iter().rposition(|p| p.compacted) else {
        return;
    };
    if last_compact > 0 {
        let text = format!(
            "{}: starting from compacted part {}; {} earlier part(s) skipped and finished \
             jobs before it are summarised away",
            source.path.display(),
            source.parts[last_compact].path.display(),
            last_compact
        );
        source.note("compacted rolling log", text);
    }
    source.parts.drain(..last_compact);
}

fn note_gaps(source: &mut EventLogSource) {
    let indices: Vec<u64> = source.parts.iter().filter_map(|p| p.index).collect();
    let mut gaps = Vec::new();
    let starts_late = source.parts.first().is_some_and(|p| !p.compacted);
    if let Some(&first) = indices.first().filter(|&&i| starts_late && i > 1) {
        gaps.push((1, first - 1));
    }
    for pair in indices.windows(2) {
        if pair[1].saturating_sub(pair[0]) > 1 {
            gaps.push((pair[0] + 1, pair[1] - 1));
        }
    }
    for (from, to) in gaps {
        let text = format!(
            "{}: events_{from}..events_{to} missing; events in them are lost",
            source.path.display()
        );
        source.note("gap in rolling log parts", text);
    }
}

fn open_legacy(path: &Path, entries: &[(String, u64)]) -> Result<EventLogSource, EventLogError> {
    let marker = |prefix: &str| {
        entries
            .iter()
            .find_map(|(n, _)| n.strip_prefix(prefix).map(str::to_owned))
    };
    let spark_version = marker("SPARK_VERSION_");
    let codec = marker("COMPRESSION_CODEC_").map(|c| legacy_codec(&c));
    let mut source = EventLogSource::new(path, LogLayout::Legacy { spark_version });
    source.in_progress = marker("APPLICATION_COMPLETE").is_none();
    for (name, size) in entries {
        let Some(index) = name.strip_prefix(LEGACY_LOG_PREFIX) else {
            continue;
        };
        let Ok(index) = index.parse::<u64>() else {
            let text = format!("{}: ignored file {name}", path.display());
            source.note("unexpected file in log directory", text);
            continue;
        };
        let file = path.join(name);
        let extension = codec.map(Codec::name);
        let codec = resolve_codec(&file, extension, &mut source)?;
        source.parts.push(LogPart {
            path: file,
            codec,
            index: Some(index),
            compacted: false,
            size: *size,
        });
    }
    source.parts.sort_by_key(|p| p.index);
    note_gaps(&mut source);
    Ok(source)
}

/// Maps a Spark 1.x codec marker (a short name or a class name) to a codec.
fn legacy_codec(name: &str) -> Codec {
    let lower = name.to_ascii_lowercase();
    [
        ("lzf", Codec::Lzf),
        ("snappy", Codec::Snappy),
        ("lz4", Codec::Lz4),
        ("zstd", Codec::Zstd),
    ]
    .into_iter()
    .find(|(key, _)| lower.contains(key))
    .map_or(Codec::Plain, |(_, codec)| codec)
}
