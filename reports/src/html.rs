//! The HTML report: one self-contained file (`report.html`: inline SVG charts and inline CSS,
//! no scripts, nothing fetched from the network) with the configuration of each run, the
//! per-pool tables, the charts and the warnings; next to it each chart as `NAME.svg` and (by
//! default) `NAME.png`.
//!
//! For one run or several labelled runs of the same workload (e.g. FIFO vs FAIR); the first
//! run is the baseline of the ratios. Same inputs ⇒ byte-identical `report.html` and SVG files.
//!
//! Charts, in order: turnaround CDF per pool, per-pool turnaround and wait bars, then per run
//! the running tasks, the Gantt chart of attempts on slots, and the executors over time (only
//! when the cluster changes size; the report says when it was skipped).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use sim::records::SimOutput;

use crate::charts::bars::{Bars, pool_bars};
use crate::charts::cdf::{Cdf, cdf};
use crate::charts::executors::{ExecutorsChart, executors_chart};
use crate::charts::gantt::{Gantt, GanttOptions, gantt};
use crate::charts::running::{Running, running};
use crate::charts::style::{duration, hex, run_colour, thousands};
use crate::charts::{DrawResult, Plot, PoolColours, time_span_ms, to_svg, write_png};
use crate::compare::{Comparison, PoolComparison, compare};
use crate::per_pool::PoolStats;
use crate::summary::{RunInfo, Summary, summarize};
use crate::table::{ratio, secs, secs_mean};

/// One run to report on.
#[derive(Clone, Debug)]
pub struct ReportRun<'a> {
    /// Its name in the report, e.g. `FIFO`.
    pub label: &'a str,
    pub output: &'a SimOutput,
    pub info: &'a RunInfo,
    /// What dynamic allocation aimed for: `(from_ms, executors)` steps, if known.
    pub executor_target: Option<Vec<(u64, u32)>>,
    /// False when the executors' registration times are unknown (read back without
    /// `executors.csv`): no shading, and the slot line is the initial slots.
    pub executor_lifetimes: bool,
}

impl<'a> ReportRun<'a> {
    /// A run with known executor lifetimes and dynamic allocation's target, if it had one.
    pub fn new(label: &'a str, output: &'a SimOutput, info: &'a RunInfo) -> ReportRun<'a> {
        ReportRun {
            label,
            output,
            info,
            executor_target: output.executor_target(),
            executor_lifetimes: true,
        }
    }
}

/// How to build the report.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Also write each chart as PNG.
    pub png: bool,
    /// The page title; by default from the workload.
    pub title: Option<String>,
    pub gantt: GanttOptions,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions {
            png: true,
            title: None,
            gantt: GanttOptions::default(),
        }
    }
}

/// The files a report wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFiles {
    pub html: PathBuf,
    /// One per chart, in report order.
    pub svg: Vec<PathBuf>,
    /// One per chart when PNGs were asked for, in report order.
    pub png: Vec<PathBuf>,
}

/// Any of the charts.
#[derive(Clone, Debug)]
pub enum AnyChart {
    Cdf(Cdf),
    Bars(Bars),
    Running(Running),
    Gantt(Gantt),
    Executors(ExecutorsChart),
}

impl Plot for AnyChart {
    fn size(&self) -> (u32, u32) {
        match self {
            AnyChart::Cdf(c) => c.size(),
            AnyChart::Bars(c) => c.size(),
            AnyChart::Running(c) => c.size(),
            AnyChart::Gantt(c) => c.size(),
            AnyChart::Executors(c) => c.size(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        match self {
            AnyChart::Cdf(c) => c.draw(root),
            AnyChart::Bars(c) => c.draw(root),
            AnyChart::Running(c) => c.draw(root),
            AnyChart::Gantt(c) => c.draw(root),
            AnyChart::Executors(c) => c.draw(root),
        }
    }
}

/// A chart of the report.
#[derive(Clone, Debug)]
pub struct ReportChart {
    /// The file stem (`gantt-FAIR`).
    pub name: String,
    /// The section heading.
    pub title: String,
    /// What to know when reading it (shown under the chart).
    pub caption: String,
    pub chart: AnyChart,
    /// The SVG document.
    pub svg: String,
}

/// A report built in memory.
#[derive(Clone, Debug)]
pub struct Report {
    pub html: String,
    pub charts: Vec<ReportChart>,
}

/// Writes the report of `runs`, given as `(label, output, info)`, into `dir` (created if
/// missing) with the default options: `report.html`, and each chart as SVG and PNG.
pub fn write_report(dir: &Path, runs: &[(&str, &SimOutput, &RunInfo)]) -> io::Result<ReportFiles> {
    let runs: Vec<ReportRun> = runs
        .iter()
        .map(|(l, o, i)| ReportRun::new(l, o, i))
        .collect();
    write_report_runs(dir, &runs, &ReportOptions::default())
}

/// Writes the report of `runs` into `dir` (created if missing): `report.html`, `NAME.svg` per
/// chart and, if `opts.png`, `NAME.png`. Other files in `dir` are left alone. An error names
/// the file.
pub fn write_report_runs(
    dir: &Path,
    runs: &[ReportRun],
    opts: &ReportOptions,
) -> io::Result<ReportFiles> {
    let report = build_report(runs, opts)?;
    fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
    let mut files = ReportFiles {
        html: dir.join("report.html"),
        svg: Vec::new(),
        png: Vec::new(),
    };
    for c in &report.charts {
        let svg = dir.join(format!("{}.svg", c.name));
        fs::write(&svg, &c.svg).map_err(|e| with_path(e, &svg))?;
        files.svg.push(svg);
        if opts.png {
            let png = dir.join(format!("{}.png", c.name));
            write_png(&c.chart, &png)?;
            files.png.push(png);
        }
    }
    fs::write(&files.html, &report.html).map_err(|e| with_path(e, &files.html))?;
    Ok(files)
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Builds the report of `runs` in memory (charts rendered to SVG, HTML assembled).
pub fn build_report(runs: &[ReportRun], opts: &ReportOptions) -> io::Result<Report> {
    let outputs: Vec<&SimOutput> = runs.iter().map(|r| r.output).collect();
    let labelled: Vec<(&str, &SimOutput)> = runs.iter().map(|r| (r.label, r.output)).collect();
    let colours = PoolColours::for_runs(&outputs);
    let span = time_span_ms(&outputs);
    let names = file_names(runs);
    let mut charts: Vec<(String, String, String, AnyChart)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();

    let any_ended = runs
        .iter()
        .any(|r| r.output.jobs.iter().any(|j| j.end_ms.is_some()));
    if any_ended {
        charts.push((
            "cdf-turnaround".into(),
            "Turnaround CDF per pool".into(),
            "The further left and the steeper a line, the sooner that configuration finished the pool's jobs. One panel per pool, each with its own x axis."
                .into(),
            AnyChart::Cdf(cdf(&labelled)),
        ));
        charts.push((
            "pool-stats".into(),
            "Turnaround and wait per pool".into(),
            "Mean and p95 per pool, configurations side by side; lower is better.".into(),
            AnyChart::Bars(pool_bars(&labelled)),
        ));
    } else {
        skipped.push("No job ended in any run: no turnaround charts.".into());
    }

    let mut running_charts: Vec<Running> = runs
        .iter()
        .map(|r| running(r.label, r.output, &colours, span, r.executor_lifetimes))
        .collect();
    let y_max = running_charts
        .iter()
        .map(Running::y_max)
        .fold(0.0, f64::max);
    for (i, c) in running_charts.iter_mut().enumerate() {
        c.share_y_max(y_max);
        charts.push((
            format!("running-{}", names[i]),
            format!("Running tasks per pool — {}", runs[i].label),
            "Where the stack stays below the slot line, slots were idle; where one pool's band widens, it got the cluster.".into(),
            AnyChart::Running(c.clone()),
        ));
    }
    for (i, r) in runs.iter().enumerate() {
        let g = gantt(
            r.label,
            r.output,
            &colours,
            span,
            r.executor_lifetimes,
            &opts.gantt,
        );
        let caption = if g.aggregated {
            format!(
                "Aggregated: {} attempts are too many to draw one by one; see the note on the chart.",
                thousands(g.attempts as u64)
            )
        } else {
            "Each bar is one task attempt on one executor slot.".to_string()
        };
        charts.push((
            format!("gantt-{}", names[i]),
            format!("Task attempts on executor slots — {}", r.label),
            caption,
            AnyChart::Gantt(g),
        ));
    }
    // Why a run has no executors chart, with the runs it applies to.
    let mut no_chart: Vec<(String, Vec<&str>)> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let why = match executors_chart(r.label, r.output, r.executor_target.as_deref(), span) {
            Some(c) => {
                charts.push((
                    format!("executors-{}", names[i]),
                    format!("Executors over time — {}", r.label),
                    "Registered executors (and the target, when known) over the run.".into(),
                    AnyChart::Executors(c),
                ));
                continue;
            }
            None if !r.executor_lifetimes => {
                "executor lifetimes were not saved (no executors.csv)".to_string()
            }
            None => format!(
                "the cluster did not change size ({}, {} throughout)",
                plural(r.output.executors.len() as u64, "executor"),
                plural(u64::from(r.output.slots), "task slot")
            ),
        };
        match no_chart.iter_mut().find(|(w, _)| *w == why) {
            Some((_, labels)) => labels.push(r.label),
            None => no_chart.push((why, vec![r.label])),
        }
    }
    for (why, labels) in no_chart {
        let whom = if labels.len() == runs.len() && runs.len() > 1 {
            "Every run".to_string()
        } else {
            labels.join(", ")
        };
        skipped.push(format!("No executors-over-time chart — {whom}: {why}."));
    }

    let mut rendered = Vec::with_capacity(charts.len());
    for (name, title, caption, chart) in charts {
        let svg = to_svg(&chart)?;
        rendered.push(ReportChart {
            name,
            title,
            caption,
            chart,
            svg,
        });
    }
    let html = page(runs, opts, &rendered, &skipped);
    Ok(Report {
        html,
        charts: rendered,
    })
}

/// A file-name-safe, unique slug per run label.
fn file_names(runs: &[ReportRun]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(runs.len());
    for (i, r) in runs.iter().enumerate() {
        let mut slug: String = r
            .label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if slug.trim_matches('-').is_empty() {
            slug = format!("run{}", i + 1);
        }
        let mut unique = slug.clone();
        let mut n = 2;
        while names.contains(&unique) {
            unique = format!("{slug}-{n}");
            n += 1;
        }
        names.push(unique);
    }
    names
}

/// `n thing` or `n things`, with thousands separators.
fn plural(n: u64, thing: &str) -> String {
    format!("{} {thing}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `s` with HTML's special characters escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #222; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #dde1e6; }
h3 { font-size: 16px; margin: 20px 0 6px; }
p.sub { color: #555; margin: 0 0 14px; }
nav { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 8px 14px; margin: 16px 0; }
nav a { margin-right: 16px; color: #0b5cad; text-decoration: none; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
.card { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 12px 16px; margin: 12px 0; overflow-x: auto; }
ul.highlights { margin: 0; padding-left: 20px; }
ul.highlights li { margin: 3px 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px; border-bottom: 1px solid #e6e8eb; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.all td { font-weight: 600; border-top: 2px solid #c9ced6; }
td.better { color: #136b2f; font-weight: 600; }
td.worse { color: #a4161a; font-weight: 600; }
code { font-size: 13px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
figure { margin: 14px 0 26px; background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 8px; }
figure svg { display: block; width: 100%; height: auto; max-width: 1200px; margin: 0 auto; }
figcaption { color: #555; font-size: 14px; padding: 6px 8px 2px; }
.note { color: #555; font-size: 14px; }
ul.warnings li { margin: 2px 0; }
footer { color: #777; font-size: 13px; margin-top: 40px; }
"#;

fn page(
    runs: &[ReportRun],
    opts: &ReportOptions,
    charts: &[ReportChart],
    skipped: &[String],
) -> String {
    let summaries: Vec<Summary> = runs.iter().map(|r| summarize(r.output, r.info)).collect();
    let workload = runs
        .iter()
        .find_map(|r| r.info.workload.clone())
        .unwrap_or_else(|| "workload".to_string());
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| format!("sparksim report — {workload}"));
    let labels: Vec<&str> = runs.iter().map(|r| r.label).collect();
    let mut h = String::with_capacity(1 << 16);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", escape(&title));
    let _ = writeln!(h, "<style>{CSS}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(h, "<h1>{}</h1>", escape(&title));
    let (jobs, tasks) = runs.first().map_or((0, 0), |r| {
        (
            r.output.jobs.len(),
            r.output.jobs.iter().map(|j| j.tasks).sum::<usize>(),
        )
    });
    let run_list: Vec<String> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "<span class=\"swatch\" style=\"background:{}\"></span>{}",
                hex(run_colour(i)),
                escape(r.label)
            )
        })
        .collect();
    let _ = writeln!(
        h,
        "<p class=\"sub\">{} jobs, {} tasks · {} {}: {}</p>",
        thousands(jobs as u64),
        thousands(tasks as u64),
        runs.len(),
        if runs.len() == 1 { "run" } else { "runs" },
        run_list.join(" &nbsp; ")
    );

    h.push_str("<nav>");
    let mut toc = vec![
        ("config", "Configuration"),
        ("totals", "Totals"),
        ("pools", "Per-pool statistics"),
    ];
    if !charts.is_empty() {
        toc.push(("charts", "Charts"));
    }
    toc.push(("warnings", "Warnings"));
    for (id, name) in &toc {
        let _ = write!(h, "<a href=\"#{id}\">{name}</a>");
    }
    h.push_str("</nav>\n");

    let comparison = (runs.len() > 1).then(|| {
        let labelled: Vec<(&str, &SimOutput)> = runs.iter().map(|r| (r.label, r.output)).collect();
        compare(&labelled)
    });
    if let Some(c) = &comparison {
        highlights(&mut h, c);
    }

    h.push_str("<h2 id=\"config\">Configuration</h2>\n<div class=\"card\">\n");
    config_table(&mut h, &labels, &summaries);
    h.push_str("</div>\n");

    h.push_str("<h2 id=\"totals\">Totals</h2>\n<div class=\"card\">\n");
    totals_table(&mut h, &labels, &summaries);
    h.push_str("</div>\n");

    h.push_str("<h2 id=\"pools\">Per-pool statistics</h2>\n");
    if let Some(c) = &comparison {
        let _ = writeln!(h, "<h3>Turnaround side by side</h3>\n<div class=\"card\">");
        comparison_table(&mut h, c);
        let _ = writeln!(
            h,
            "<p class=\"note\">Seconds; turnaround (submit to end) of the jobs that ended. Ratios are to {}: below 1 (green) is faster.</p></div>",
            escape(labels[0])
        );
    }
    for (r, s) in runs.iter().zip(&summaries) {
        let _ = writeln!(h, "<h3>{}</h3>\n<div class=\"card\">", escape(r.label));
        pool_table(&mut h, &s.per_pool.pools, &s.per_pool.all);
        h.push_str("<p class=\"note\">Seconds. Turnaround: submit to end, over the jobs that ended (failed ones until they failed); wait: submit to first task launch. Percentiles are nearest-rank.</p></div>\n");
    }

    if !charts.is_empty() {
        h.push_str("<h2 id=\"charts\">Charts</h2>\n");
        for c in charts {
            let _ = writeln!(
                h,
                "<figure id=\"{}\">\n{}<figcaption>{}</figcaption>\n</figure>",
                escape(&c.name),
                inline_svg(&c.svg, &c.title),
                escape(&c.caption)
            );
        }
    }
    for s in skipped {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(s));
    }

    h.push_str("<h2 id=\"warnings\">Warnings</h2>\n");
    let mut any = false;
    for (r, s) in runs.iter().zip(&summaries) {
        let mut w = s.warnings.clone();
        w.sort();
        w.dedup();
        if w.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(h, "<h3>{}</h3>\n<ul class=\"warnings\">", escape(r.label));
        for line in w {
            let _ = writeln!(h, "<li>{}</li>", escape(&line));
        }
        h.push_str("</ul>\n");
    }
    if !any {
        h.push_str("<p class=\"note\">None.</p>\n");
    }
    let _ = writeln!(
        h,
        "<footer>Generated by sparksim {} from simulated records; times are simulated. This file is self-contained: no scripts, nothing loaded from the network.</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

/// The SVG document as an inline `<svg>` element: no XML namespace (HTML puts it there),
/// scaling to the page width.
fn inline_svg(svg: &str, title: &str) -> String {
    match (svg.find("<svg"), svg.find('>')) {
        (Some(0), Some(end)) => {
            let open = &svg[..end];
            let view_box = open
                .split("viewBox=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("0 0 1200 800");
            format!(
                "<svg viewBox=\"{view_box}\" role=\"img\" aria-label=\"{}\">{}",
                escape(title),
                &svg[end + 1..]
            )
        }
        _ => svg.to_string(),
    }
}

/// One line per pool on how the later runs compare with the first.
fn highlights(h: &mut String, c: &Comparison) {
    let first = c.labels.first().map_or("", String::as_str);
    let mut items = Vec::new();
    for pool in c.pools.iter().chain(std::iter::once(&c.all)) {
        let Some(base) = pool.runs.first() else {
            continue;
        };
        for r in pool.runs.iter().skip(1) {
            let (Some(ratio), Some(a), Some(b)) = (r.mean_ratio, base.mean_ms, r.mean_ms) else {
                continue;
            };
            let verdict = if ratio < 0.95 {
                "faster"
            } else if ratio > 1.05 {
                "slower"
            } else {
                "about the same"
            };
            items.push(format!(
                "<li><b>{}</b>: mean turnaround {} s under {} vs {} s under {} ({:.2}×, {})</li>",
                escape(&pool.pool),
                secs_mean(Some(b)),
                escape(&r.label),
                secs_mean(Some(a)),
                escape(first),
                ratio,
                verdict
            ));
        }
    }
    if !items.is_empty() {
        h.push_str("<div class=\"card\"><ul class=\"highlights\">\n");
        for i in items {
            h.push_str(&i);
            h.push('\n');
        }
        h.push_str("</ul></div>\n");
    }
}

fn header_row(h: &mut String, first: &str, labels: &[&str]) {
    let _ = write!(h, "<tr><th>{}</th>", escape(first));
    for (i, l) in labels.iter().enumerate() {
        let _ = write!(
            h,
            "<th><span class=\"swatch\" style=\"background:{}\"></span>{}</th>",
            hex(run_colour(i)),
            escape(l)
        );
    }
    h.push_str("</tr>\n");
}

fn row(h: &mut String, name: &str, cells: impl IntoIterator<Item = String>, numeric: bool) {
    let _ = write!(h, "<tr><th>{}</th>", escape(name));
    let class = if numeric { " class=\"n\"" } else { "" };
    for c in cells {
        let _ = write!(h, "<td{class}>{c}</td>");
    }
    h.push_str("</tr>\n");
}

fn config_table(h: &mut String, labels: &[&str], s: &[Summary]) {
    h.push_str("<table>\n");
    header_row(h, "", labels);
    let text = |f: &dyn Fn(&Summary) -> String| s.iter().map(|x| escape(&f(x))).collect::<Vec<_>>();
    row(
        h,
        "workload",
        text(&|x| x.config.info.workload.clone().unwrap_or_default()),
        false,
    );
    row(
        h,
        "spark.master",
        text(&|x| x.config.info.master.clone()),
        false,
    );
    row(
        h,
        "spark.scheduler.mode",
        text(&|x| x.config.info.scheduler_mode.clone()),
        false,
    );
    row(
        h,
        "Spark defaults",
        text(&|x| x.config.info.spark_version.clone().unwrap_or_default()),
        false,
    );
    row(
        h,
        "seed",
        text(&|x| x.config.info.seed.map_or(String::new(), |v| v.to_string())),
        false,
    );
    row(
        h,
        "executors",
        text(&|x| x.config.executors.to_string()),
        false,
    );
    row(
        h,
        "task slots",
        text(&|x| x.config.slots.to_string()),
        false,
    );
    let pools: Vec<String> = s
        .iter()
        .map(|x| {
            x.config
                .pools
                .iter()
                .map(|p| {
                    format!(
                        "<code>{}</code> {} weight {} minShare {}",
                        escape(&p.name),
                        escape(&p.mode),
                        p.weight,
                        p.min_share
                    )
                })
                .collect::<Vec<_>>()
                .join("<br>")
        })
        .collect();
    let pools: Vec<String> = pools
        .into_iter()
        .zip(s)
        .map(|(p, x)| {
            if !p.is_empty() {
                p
            } else if x.config.info.scheduler_mode == "FIFO" {
                "none (FIFO: one queue)".to_string()
            } else {
                "none".to_string()
            }
        })
        .collect();
    row(h, "pools", pools, false);
    let overrides: Vec<String> = s
        .iter()
        .map(|x| {
            let lines: Vec<String> = x
                .config
                .info
                .conf_overrides
                .iter()
                .map(|(k, v)| format!("<code>{}={}</code>", escape(k), escape(v)))
                .collect();
            if lines.is_empty() {
                "none".to_string()
            } else {
                lines.join("<br>")
            }
        })
        .collect();
    row(h, "settings given", overrides, false);
    h.push_str("</table>\n");
}

fn totals_table(h: &mut String, labels: &[&str], s: &[Summary]) {
    h.push_str("<table>\n");
    header_row(h, "", labels);
    let n = |f: &dyn Fn(&Summary) -> String| s.iter().map(f).collect::<Vec<_>>();
    row(h, "jobs", n(&|x| thousands(x.totals.jobs as u64)), true);
    row(
        h,
        "succeeded / failed / not run",
        n(&|x| {
            let t = &x.totals;
            format!(
                "{} / {} / {}",
                thousands(t.succeeded as u64),
                thousands(t.failed as u64),
                thousands(t.not_run as u64)
            )
        }),
        true,
    );
    row(
        h,
        "task attempts",
        n(&|x| thousands(x.totals.attempts.total as u64)),
        true,
    );
    row(
        h,
        "speculative / failed / killed",
        n(&|x| {
            let a = &x.totals.attempts;
            format!(
                "{} / {} / {}",
                thousands(a.speculative as u64),
                thousands(a.failed as u64),
                thousands(a.killed as u64)
            )
        }),
        true,
    );
    row(h, "makespan (s)", n(&|x| secs(x.totals.makespan_ms)), true);
    row(
        h,
        "slot utilisation",
        n(&|x| {
            x.totals
                .slot_utilisation
                .map_or("-".to_string(), |u| format!("{:.1}%", u * 100.0))
        }),
        true,
    );
    row(
        h,
        "executor time",
        n(&|x| duration(x.totals.executor_ms)),
        true,
    );
    h.push_str("</table>\n");
}

fn comparison_table(h: &mut String, c: &Comparison) {
    let later: Vec<&String> = c.labels.iter().skip(1).collect();
    let first = c.labels.first().map_or("", String::as_str);
    h.push_str("<table>\n<tr><th>pool</th><th class=\"n\">jobs</th>");
    for stat in ["mean", "p95"] {
        for l in &c.labels {
            let _ = write!(h, "<th class=\"n\">{} {stat}</th>", escape(l));
        }
        for l in &later {
            let _ = write!(h, "<th class=\"n\">{}/{}</th>", escape(l), escape(first));
        }
    }
    h.push_str("</tr>\n");
    for p in &c.pools {
        comparison_row(h, p, false);
    }
    comparison_row(h, &c.all, true);
    h.push_str("</table>\n");
}

fn comparison_row(h: &mut String, p: &PoolComparison, all: bool) {
    let _ = write!(
        h,
        "<tr{}><td>{}</td>",
        if all { " class=\"all\"" } else { "" },
        escape(&p.pool)
    );
    let counts: Vec<usize> = p.runs.iter().map(|r| r.jobs).collect();
    let jobs = if counts.windows(2).all(|w| w[0] == w[1]) {
        counts.first().map_or(String::new(), |c| c.to_string())
    } else {
        counts
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("/")
    };
    let _ = write!(h, "<td class=\"n\">{jobs}</td>");
    for r in &p.runs {
        let _ = write!(h, "<td class=\"n\">{}</td>", secs_mean(r.mean_ms));
    }
    for r in p.runs.iter().skip(1) {
        ratio_cell(h, r.mean_ratio);
    }
    for r in &p.runs {
        let _ = write!(h, "<td class=\"n\">{}</td>", secs(r.p95_ms));
    }
    for r in p.runs.iter().skip(1) {
        ratio_cell(h, r.p95_ratio);
    }
    h.push_str("</tr>\n");
}

fn ratio_cell(h: &mut String, r: Option<f64>) {
    let class = match r {
        Some(v) if v < 0.95 => "n better",
        Some(v) if v > 1.05 => "n worse",
        _ => "n",
    };
    let _ = write!(h, "<td class=\"{class}\">{}</td>", ratio(r));
}

fn pool_table(h: &mut String, pools: &[PoolStats], all: &PoolStats) {
    h.push_str("<table>\n<tr><th>pool</th>");
    for c in [
        "jobs",
        "succeeded",
        "failed",
        "not run",
        "turnaround mean",
        "p50",
        "p95",
        "p99",
        "max",
        "wait mean",
        "wait p95",
    ] {
        let _ = write!(h, "<th class=\"n\">{c}</th>");
    }
    h.push_str("</tr>\n");
    for p in pools {
        pool_row(h, p, false);
    }
    pool_row(h, all, true);
    h.push_str("</table>\n");
}

fn pool_row(h: &mut String, p: &PoolStats, all: bool) {
    let _ = write!(
        h,
        "<tr{}><td>{}</td>",
        if all { " class=\"all\"" } else { "" },
        escape(&p.pool)
    );
    let t = &p.turnaround;
    let cells = [
        thousands(p.jobs as u64),
        thousands(p.succeeded as u64),
        thousands(p.failed as u64),
        thousands(p.not_run as u64),
        secs_mean(t.mean_ms),
        secs(t.p50_ms),
        secs(t.p95_ms),
        secs(t.p99_ms),
        secs(t.max_ms),
        secs_mean(p.wait.mean_ms),
        secs(p.wait.p95_ms),
    ];
    for c in cells {
        let _ = write!(h, "<td class=\"n\">{c}</td>");
    }
    h.push_str("</tr>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_durations() {
        assert_eq!(plural(1, "executor"), "1 executor");
        assert_eq!(plural(1200, "task slot"), "1,200 task slots");
        assert_eq!(duration(26_100), "26.1 s");
        assert_eq!(duration(600_000), "10.0 min");
        assert_eq!(duration(742_000_000), "206.11 h");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn inline_svg_drops_the_namespace() {
        let s = inline_svg(
            "<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n",
            "t",
        );
        assert_eq!(
            s,
            "<svg viewBox=\"0 0 10 5\" role=\"img\" aria-label=\"t\">\n<rect/>\n</svg>\n"
        );
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let out = SimOutput::default();
        let info = RunInfo::default();
        let runs: Vec<ReportRun> = ["FAIR", "a/b", "a-b", "", "FAIR"]
            .iter()
            .map(|l| ReportRun::new(l, &out, &info))
            .collect();
        assert_eq!(
            file_names(&runs),
            ["FAIR", "a-b", "a-b-2", "run4", "FAIR-2"]
        );
    }
}
