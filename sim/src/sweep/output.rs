//! Text out of a sweep: CSV rows (the column contract), `fairscheduler.xml` and
//! `spark-defaults.conf` snippets.
//!
//! * `runs.csv`: `point,seed,<param keys…>,<metrics…>` — one row per point × seed.
//! * `points.csv`: `point,<param keys…>,seeds,<metric>.mean,<metric>.ci95,…` — one row per
//!   point; `ci95` is the half-width of the Student-t 95% interval of the mean over the seeds
//!   (empty with one seed).
//!
//! `point` is the point's number in the sweep (grid order, or sample order), so shards of a
//! sweep concatenated and sorted by it give the unsharded files byte for byte. Numbers have at
//! most 3 decimals (6 below 1), trailing zeros dropped; a value that cannot be computed is
//! empty.

use std::fmt::Write as _;

use super::eval::{PointRuns, Summary};
use super::metrics::MetricSet;
use super::space::{Point, Space};
use policies::scheduling_mode::SchedulingMode;

/// A number as the CSV files write it (empty for NaN).
pub fn fmt_value(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let mut s = if v.abs() >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.6}")
    };
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".to_string() } else { s }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn keys(space: &Space) -> String {
    space
        .params
        .iter()
        .map(|p| format!(",{}", csv_field(&p.key)))
        .collect()
}

fn values(space: &Space, point: &Point) -> String {
    space
        .assignment(point)
        .iter()
        .map(|(_, v)| format!(",{}", csv_field(v)))
        .collect()
}

/// The header of `runs.csv`.
pub fn runs_header(space: &Space, metrics: &MetricSet) -> String {
    let mut h = format!("point,seed{}", keys(space));
    for m in metrics.names() {
        let _ = write!(h, ",{}", csv_field(m));
    }
    h
}

/// The rows of one point in `runs.csv`; `seed(r)` gives seed index `r`'s seed.
pub fn run_rows(
    id: u64,
    space: &Space,
    point: &Point,
    runs: &PointRuns,
    seed: impl Fn(u32) -> u64,
) -> Vec<String> {
    let vals = values(space, point);
    runs.runs
        .iter()
        .enumerate()
        .map(|(r, metrics)| {
            let mut row = format!("{id},{}{vals}", seed(r as u32));
            for v in metrics {
                row.push(',');
                row.push_str(&fmt_value(*v));
            }
            row
        })
        .collect()
}

/// The header of `points.csv`.
pub fn points_header(space: &Space, metrics: &MetricSet) -> String {
    let mut h = format!("point{},seeds", keys(space));
    for m in metrics.names() {
        let m = csv_field(m);
        let _ = write!(h, ",{m}.mean,{m}.ci95");
    }
    h
}

/// The row of one point in `points.csv`.
pub fn point_row(id: u64, space: &Space, point: &Point, summary: &Summary) -> String {
    let mut row = format!("{id}{},{}", values(space, point), summary.seeds);
    for (m, h) in summary.mean.iter().zip(&summary.half_width) {
        let _ = write!(row, ",{},{}", fmt_value(*m), fmt_value(*h));
    }
    row
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A `fairscheduler.xml` with these pools `(name, mode, minShare, weight)`; `comments` go in
/// an XML comment at the top.
pub fn fairscheduler_xml(
    pools: &[(String, SchedulingMode, i32, i32)],
    comments: &[String],
) -> String {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n");
    if !comments.is_empty() {
        xml.push_str("<!--\n");
        for c in comments {
            let _ = writeln!(xml, "  {}", c.replace("--", "- -"));
        }
        xml.push_str("-->\n");
    }
    xml.push_str("<allocations>\n");
    for (name, mode, min_share, weight) in pools {
        let _ = writeln!(
            xml,
            "  <pool name=\"{}\">\n    <schedulingMode>{mode}</schedulingMode>\n    <weight>{weight}</weight>\n    <minShare>{min_share}</minShare>\n  </pool>",
            escape_xml(name)
        );
    }
    xml.push_str("</allocations>\n");
    xml
}

/// `spark-defaults.conf` lines (`key value`) with `#` comments first.
pub fn spark_defaults(entries: &[(String, String)], comments: &[String]) -> String {
    let mut out = String::new();
    for c in comments {
        let _ = writeln!(out, "# {c}");
    }
    let width = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in entries {
        let _ = writeln!(out, "{k:width$}  {v}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_fields() {
        assert_eq!(fmt_value(1234.5), "1234.5");
        assert_eq!(fmt_value(2.0 / 3.0), "0.666667");
        assert_eq!(fmt_value(1000.0 / 3.0), "333.333");
        assert_eq!(fmt_value(f64::NAN), "");
        assert_eq!(fmt_value(-0.0), "0");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn rows_line_up_with_headers() {
        let space = Space::parse(&["pool.a.weight=1,2".into()]).unwrap();
        let m = MetricSet::new(vec!["a".into()]);
        let runs = PointRuns {
            runs: vec![vec![1.0; m.len()], vec![3.0; m.len()]],
            attempts: 0,
        };
        let rows = run_rows(1, &space, &Point(vec![1]), &runs, |r| 10 + u64::from(r));
        assert_eq!(rows.len(), 2);
        assert!(rows[1].starts_with("1,11,2,3,"), "{}", rows[1]);
        let cols = runs_header(&space, &m).split(',').count();
        assert!(rows.iter().all(|r| r.split(',').count() == cols));
        let s = Summary::of(&runs.runs);
        let row = point_row(1, &space, &Point(vec![1]), &s);
        assert_eq!(
            row.split(',').count(),
            points_header(&space, &m).split(',').count()
        );
        assert!(row.starts_with("1,2,2,2,12.706"), "{row}");
    }

    #[test]
    fn allocation_file_and_defaults() {
        let xml = fairscheduler_xml(
            &[("a&b".into(), SchedulingMode::Fair, 2, 3)],
            &["best -- found".into()],
        );
        assert!(xml.contains("<pool name=\"a&amp;b\">"), "{xml}");
        assert!(xml.contains("<minShare>2</minShare>") && xml.contains("<weight>3</weight>"));
        assert!(xml.contains("best - - found"));
        let d = spark_defaults(
            &[
                ("spark.scheduler.mode".into(), "FAIR".into()),
                ("a".into(), "1".into()),
            ],
            &["tuned".into()],
        );
        assert_eq!(
            d,
            "# tuned\nspark.scheduler.mode  FAIR\na                     1\n"
        );
    }
}
