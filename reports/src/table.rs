//! Plain-text tables for the terminal: an aligned-column renderer ([`TextTable`]), the cell
//! formats every table shares (seconds with 3 decimals, ratios like `0.21×`, `-` for missing)
//! and the per-pool table users read first ([`pool_table`]).
//!
//! Output is plain text: no colour, no terminal-width detection, no trailing spaces, `\n` line
//! ends, so it is the same everywhere and can be compared in tests. Widths count `char`s, which
//! is right for the ASCII and `×` this crate prints (not for double-width user labels).

use crate::per_pool::{PoolStats, PoolSummary};

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

enum Line {
    Cells(Vec<String>),
    Rule,
}

/// A table of text cells with a header, rendered with aligned columns two spaces apart.
pub struct TextTable {
    headers: Vec<String>,
    align: Vec<Align>,
    lines: Vec<Line>,
}

impl TextTable {
    /// A table with these columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = (S, Align)>) -> TextTable {
        let (headers, align) = columns.into_iter().map(|(h, a)| (h.into(), a)).unzip();
        TextTable {
            headers,
            align,
            lines: Vec::new(),
        }
    }

    /// Adds a row. Missing cells are blank; cells beyond the columns are dropped.
    pub fn row(&mut self, cells: Vec<String>) {
        self.lines.push(Line::Cells(cells));
    }

    /// Adds a rule (dashes under each column), e.g. before a total row.
    pub fn rule(&mut self) {
        self.lines.push(Line::Rule);
    }

    /// The table: header, a rule, then the rows and rules; every line ends with `\n`.
    pub fn render(&self) -> String {
        let widths = self.widths();
        let mut out = String::new();
        self.push_cells(&mut out, &self.headers, &widths);
        Self::push_rule(&mut out, &widths);
        for line in &self.lines {
            match line {
                Line::Cells(cells) => self.push_cells(&mut out, cells, &widths),
                Line::Rule => Self::push_rule(&mut out, &widths),
            }
        }
        out
    }

    fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for line in &self.lines {
            if let Line::Cells(cells) = line {
                for (w, c) in widths.iter_mut().zip(cells) {
                    *w = (*w).max(c.chars().count());
                }
            }
        }
        widths
    }

    fn push_cells(&self, out: &mut String, cells: &[String], widths: &[usize]) {
        let mut line = String::new();
        for (i, (&width, &align)) in widths.iter().zip(&self.align).enumerate() {
            let cell = cells.get(i).map_or("", String::as_str);
            let pad = " ".repeat(width.saturating_sub(cell.chars().count()));
            if i > 0 {
                line.push_str("  ");
            }
            match align {
                Align::Left => line.extend([cell, &pad]),
                Align::Right => line.extend([&pad, cell]),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }

    fn push_rule(out: &mut String, widths: &[usize]) {
        let dashes: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        out.push_str(&dashes.join("  "));
        out.push('\n');
    }
}

/// Milliseconds as seconds with 3 decimals (`6514` → `6.514`), `-` when missing. Exact.
pub fn secs(ms: Option<u64>) -> String {
    ms.map_or_else(
        || "-".to_string(),
        |ms| format!("{}.{:03}", ms / 1000, ms % 1000),
    )
}

/// A mean in milliseconds as seconds with 3 decimals, `-` when missing.
pub fn secs_mean(ms: Option<f64>) -> String {
    ms.map_or_else(|| "-".to_string(), |ms| format!("{:.3}", ms / 1000.0))
}

/// A ratio with 2 decimals and `×` (`0.21×`), `-` when missing.
pub fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_string(), |r| format!("{r:.2}×"))
}

/// The per-pool table: job count, turnaround mean/p50/p95 and wait mean/p95 in seconds, one row
/// per pool and an `all` row, then a line saying what the numbers are and which jobs they leave
/// out.
pub fn pool_table(summary: &PoolSummary) -> String {
    let mut t = TextTable::new([
        ("pool", Align::Left),
        ("jobs", Align::Right),
        ("mean", Align::Right),
        ("p50", Align::Right),
        ("p95", Align::Right),
        ("wait(mean)", Align::Right),
        ("wait(p95)", Align::Right),
    ]);
    for pool in &summary.pools {
        t.row(pool_cells(pool));
    }
    if !summary.pools.is_empty() {
        t.rule();
    }
    t.row(pool_cells(&summary.all));
    let mut out = t.render();
    out.push_str(
        "seconds; mean/p50/p95: turnaround (submit to end); wait: submit to first task launch\n",
    );
    out.push_str(&untimed_note(&summary.all));
    out
}

fn pool_cells(p: &PoolStats) -> Vec<String> {
    vec![
        p.pool.clone(),
        p.jobs.to_string(),
        secs_mean(p.turnaround.mean_ms),
        secs(p.turnaround.p50_ms),
        secs(p.turnaround.p95_ms),
        secs_mean(p.wait.mean_ms),
        secs(p.wait.p95_ms),
    ]
}

/// A line on jobs that did not succeed, empty when all did.
fn untimed_note(all: &PoolStats) -> String {
    if all.succeeded == all.jobs {
        return String::new();
    }
    let failed_note = if all.failed > 0 {
        " (failed ones until they failed)"
    } else {
        ""
    };
    format!(
        "{} jobs: {} succeeded, {} failed, {} not run; turnaround covers the {} that ended{failed_note}\n",
        all.jobs, all.succeeded, all.failed, all.not_run, all.turnaround.count,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{fixtures, per_pool::per_pool};

    #[test]
    fn pool_table_golden() {
        let got = pool_table(&per_pool(&fixtures::run().jobs));
        let want = "\
pool   jobs   mean    p50    p95  wait(mean)  wait(p95)
-----  ----  -----  -----  -----  ----------  ---------
etl       3  4.807  3.000  6.614       0.075      0.100
adhoc     1  3.000  3.000  3.000       0.200      0.200
-----  ----  -----  -----  -----  ----------  ---------
all       4  4.205  3.000  6.614       0.117      0.200
seconds; mean/p50/p95: turnaround (submit to end); wait: submit to first task launch
4 jobs: 2 succeeded, 1 failed, 1 not run; turnaround covers the 3 that ended (failed ones until they failed)
";
        assert_eq!(got, want, "\n{got}");
    }

    #[test]
    fn all_succeeded_has_no_note_and_empty_stats_show_dashes() {
        let got = pool_table(&per_pool(&[]));
        let want = "\
pool  jobs  mean  p50  p95  wait(mean)  wait(p95)
----  ----  ----  ---  ---  ----------  ---------
all      0     -    -    -           -          -
seconds; mean/p50/p95: turnaround (submit to end); wait: submit to first task launch
";
        assert_eq!(got, want, "\n{got}");
    }

    #[test]
    fn cells_format() {
        assert_eq!(secs(Some(6514)), "6.514");
        assert_eq!(secs(Some(5)), "0.005");
        assert_eq!(secs(Some(120_000)), "120.000");
        assert_eq!(secs(None), "-");
        assert_eq!(secs_mean(Some(4204.666)), "4.205");
        assert_eq!(ratio(Some(0.2134)), "0.21×");
        assert_eq!(ratio(None), "-");
    }

    #[test]
    fn left_aligned_last_column_has_no_trailing_spaces_and_width_counts_chars() {
        let mut t = TextTable::new([("n", Align::Right), ("label", Align::Left)]);
        t.row(vec!["1".into(), "×".into()]);
        t.row(vec!["22".into()]);
        assert_eq!(t.render(), " n  label\n--  -----\n 1  ×\n22\n");
    }
}
