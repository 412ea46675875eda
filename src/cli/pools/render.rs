//! Rendering a pools `Report` as text (stdout, warnings included) or JSON (stdout) plus
//! warnings (stderr). Nothing here decides anything; it only formats.

use std::fmt::Write as _;

use policies::fair_schedulable_builder::{PoolOrigin, PoolSpec, ValueOrigin};
use policies::scheduling_mode::SchedulingMode;

use super::Report;

/// Longest name or value shown in full in the table.
const MAX_SHOWN_CHARS: usize = 60;
/// Widest the pool column grows; longer names overflow their own row only.
const MAX_NAME_COLUMN: usize = 40;

/// One pool in `--format json`: exactly these keys, in this order.
#[derive(serde::Serialize)]
struct JsonPool<'a> {
    name: &'a str,
    mode: &'static str,
    weight: i32,
    #[serde(rename = "minShare")]
    min_share: i32,
}

/// The JSON array of the effective tree (empty in FIFO mode), one pool per line.
pub(super) fn json(report: &Report) -> anyhow::Result<String> {
    if !report.pools_active() || report.pools.is_empty() {
        return Ok("[]\n".to_string());
    }
    let mut out = String::from("[\n");
    for (i, p) in report.pools.iter().enumerate() {
        let item = JsonPool {
            name: &p.name,
            mode: p.mode.as_str(),
            weight: p.weight,
            min_share: p.min_share,
        };
        let sep = if i + 1 < report.pools.len() { "," } else { "" };
        let _ = writeln!(out, "  {}{sep}", serde_json::to_string(&item)?);
    }
    out.push_str("]\n");
    Ok(out)
}

/// Warnings for stderr (JSON mode), one `warning: …` line each.
pub(super) fn stderr_warnings(report: &Report) -> String {
    let mut out = String::new();
    if !report.pools_active() {
        let _ = writeln!(
            out,
            "warning: spark.scheduler.mode is FIFO: Spark builds no pools, so the JSON array is \
             empty{}",
            if report.file.is_some() {
                " (run with --conf spark.scheduler.mode=FAIR to list the file's pools)"
            } else {
                ""
            }
        );
    }
    for w in &report.warnings {
        let _ = writeln!(out, "warning: {}", one_line(w));
    }
    out
}

/// The text report: header, table, warnings.
pub(super) fn text(report: &Report) -> String {
    let mut out = String::new();
    let file = match &report.file {
        Some((file, origin)) => format!("{} ({origin})", one_line(file)),
        None => "none".to_string(),
    };
    let _ = writeln!(
        out,
        "mode: {} ({})   allocation file: {file}   Spark version preset: {} ({})",
        report.mode, report.mode_origin, report.version, report.version_origin
    );
    out.push('\n');
    if report.pools_active() {
        out.push_str("Pools under the root (FAIR between pools), in Spark's child order:\n");
    } else {
        out.push_str(
            "FIFO mode: Spark builds no pools and ignores spark.scheduler.pool; every task set \
             goes directly under the root, ordered by job id, then stage id.\n",
        );
        if report.file.is_some() {
            out.push_str(
                "With --conf spark.scheduler.mode=FAIR, the allocation file would build:\n",
            );
        }
    }
    if !report.pools.is_empty() {
        table(report, &mut out);
    }
    if !report.warnings.is_empty() {
        out.push_str("\nwarnings:\n");
        for w in &report.warnings {
            let _ = writeln!(out, "  {}", one_line(w));
        }
    }
    out
}

fn table(report: &Report, out: &mut String) {
    let label = report
        .file
        .as_ref()
        .map_or_else(String::new, |(file, _)| file_label(file));
    let rows: Vec<[String; 5]> = report
        .pools
        .iter()
        .map(|p| {
            [
                shown_name(&p.name),
                p.mode.to_string(),
                p.weight.to_string(),
                p.min_share.to_string(),
                source(p, &label, report.file.is_some()),
            ]
        })
        .collect();
    let header = ["pool", "mode", "weight", "minShare", "source"].map(str::to_string);
    let width = |col: usize| {
        std::iter::once(&header)
            .chain(&rows)
            .map(|r| r[col].chars().count())
            .max()
            .unwrap_or(0)
    };
    let name_width = width(0).min(MAX_NAME_COLUMN);
    let (weight_width, min_share_width) = (width(2), width(3));
    for r in std::iter::once(&header).chain(&rows) {
        let _ = writeln!(
            out,
            "{:<name_width$}  {:<4}  {:>weight_width$}  {:>min_share_width$}  {}",
            r[0], r[1], r[2], r[3], r[4]
        );
    }
}

/// Where a pool and its values came from.
fn source(p: &PoolSpec, label: &str, have_file: bool) -> String {
    match p.origin {
        PoolOrigin::AllocationFile { line } => {
            let mut text = format!("{label}:{line}");
            for (element, origin) in [
                ("schedulingMode", &p.mode_from),
                ("weight", &p.weight_from),
                ("minShare", &p.min_share_from),
            ] {
                if let Some(note) = value_note(origin) {
                    let _ = write!(text, "; {element}: {note}");
                }
            }
            text
        }
        PoolOrigin::DefaultAdded if have_file => {
            "added by Spark (no \"default\" pool in the file)".to_string()
        }
        PoolOrigin::DefaultAdded => {
            "added by Spark (no allocation file; FIFO before Spark 3.4)".to_string()
        }
        PoolOrigin::DefaultNoFile => format!(
            "added by Spark (no allocation file; mode = spark.scheduler.mode since Spark 3.4, \
             here {})",
            SchedulingMode::Fair
        ),
        PoolOrigin::CreatedOnDemand => {
            "created by Spark when a job names it (--job-pool; not configured)".to_string()
        }
    }
}

/// Why a value is not the file's, if it is not.
fn value_note(origin: &ValueOrigin) -> Option<String> {
    match origin {
        ValueOrigin::File { .. } | ValueOrigin::Builtin | ValueOrigin::RootMode => None,
        ValueOrigin::DefaultMissing => Some("default (element missing)".to_string()),
        ValueOrigin::DefaultInvalid { raw, line } if raw.is_empty() => {
            Some(format!("default (blank at line {line})"))
        }
        ValueOrigin::DefaultInvalid { raw, line } => {
            Some(format!("default (invalid {} at line {line})", quoted(raw)))
        }
    }
}

/// `"text"`, escaped, shortened to `MAX_SHOWN_CHARS`.
fn quoted(raw: &str) -> String {
    let shown: String = raw.chars().take(MAX_SHOWN_CHARS).collect();
    let more = if shown.len() < raw.len() { "…" } else { "" };
    format!("{shown:?}{more}")
}

/// A pool name for the table: as is when plain, quoted when empty or with whitespace,
/// control characters or a leading quote (so the row stays one readable line).
fn shown_name(name: &str) -> String {
    let plain = !name.is_empty()
        && !name.starts_with('"')
        && !name.chars().any(|c| c.is_whitespace() || c.is_control());
    if plain && name.chars().count() <= MAX_SHOWN_CHARS {
        name.to_string()
    } else {
        quoted(name)
    }
}

/// The file's last path segment (`fairscheduler.xml` for a path or URL).
fn file_label(file: &str) -> String {
    let last = file
        .split(['?', '#'])
        .next()
        .unwrap_or(file)
        .rsplit(['/', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or(file);
    one_line(last)
}

/// Control characters escaped, so one message stays one line.
fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
