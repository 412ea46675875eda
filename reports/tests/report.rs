//! The charts and the HTML report, from the outside: files, SVG structure, PNG headers, the
//! aggregated Gantt of a large run, no network references, determinism.

use std::path::{Path, PathBuf};

use reports::charts::gantt::{GanttOptions, gantt};
use reports::charts::style::{hex, run_colour};
use reports::charts::{Plot, PoolColours, to_svg, write_png};
use reports::html::{ReportOptions, ReportRun, build_report};
use reports::{RunInfo, write_report, write_report_runs};
use sim::records::{
    AttemptStatus, ExecutorRecord, JobRecord, JobStatus, RunStats, SimOutput, TaskRecord,
};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "sparksim-report-test-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small deterministic generator (no dependency on `rand`'s stream stability).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

const POOLS: [&str; 3] = ["batch", "interactive", "reports"];

/// A run with `jobs` jobs over [`POOLS`] and about `attempts` attempts packed onto
/// `executors` × `cores` slots, some speculative, failed and killed. `skew` shifts the
/// interactive jobs so two runs differ.
fn synthetic(jobs: usize, attempts: usize, executors: u32, cores: u32, skew: u64) -> SimOutput {
    let mut rng = Lcg(42 + skew);
    let mut out = SimOutput {
        slots: executors * cores,
        ..SimOutput::default()
    };
    for e in 0..executors {
        out.executors.push(ExecutorRecord {
            executor_id: (e + 1).to_string(),
            host: format!("host-{}", e / 2),
            cores,
            added_ms: 0,
            removed_ms: None,
        });
    }
    for j in 0..jobs {
        let pool = POOLS[j % POOLS.len()];
        out.jobs.push(JobRecord {
            job_id: Some(j as u64),
            name: format!("job-{j}"),
            pool: pool.to_string(),
            submit_ms: Some(j as u64 * 500),
            first_launch_ms: None,
            end_ms: None,
            tasks: 0,
            status: JobStatus::Succeeded,
            failure: None,
            stage_ids: vec![j as u32],
        });
    }
    // Fill every slot back to back with attempts of random jobs.
    let slots = (executors * cores) as usize;
    let per_slot = attempts.div_ceil(slots);
    for s in 0..slots {
        let mut t = rng.next(200);
        for k in 0..per_slot {
            if out.tasks.len() == attempts {
                break;
            }
            let job = rng.next(jobs as u64) as usize;
            let pool = job % POOLS.len();
            let dur = 50 + rng.next(if pool == 1 { 300 + skew } else { 2_000 });
            let launch = t.max(out.jobs[job].submit_ms.unwrap_or(0));
            let status = match rng.next(100) {
                0 => AttemptStatus::Failed,
                1 | 2 => AttemptStatus::Killed,
                _ => AttemptStatus::Success,
            };
            out.tasks.push(TaskRecord {
                job: job as u32,
                stage_id: job as u32,
                stage_attempt: 0,
                task_index: k as u32,
                attempt: 0,
                executor: (s as u32) / cores,
                launch_ms: launch,
                finish_ms: launch + dur,
                status,
                speculative: status == AttemptStatus::Killed || rng.next(50) == 0,
            });
            t = launch + dur + rng.next(30);
        }
    }
    out.tasks.sort_by_key(|t| (t.launch_ms, t.executor));
    for (i, job) in out.jobs.iter_mut().enumerate() {
        let mine = out.tasks.iter().filter(|t| t.job as usize == i);
        let (first, last, n) = mine.fold((u64::MAX, 0, 0), |(f, l, n), t| {
            (f.min(t.launch_ms), l.max(t.finish_ms), n + 1)
        });
        if n > 0 {
            job.first_launch_ms = Some(first);
            job.end_ms = Some(last);
            job.tasks = n;
        } else {
            job.status = JobStatus::NotRun;
            job.submit_ms = None;
        }
    }
    out.end_ms = out.tasks.iter().map(|t| t.finish_ms).max().unwrap_or(0);
    out.pools = POOLS
        .iter()
        .map(|p| (p.to_string(), "FAIR".to_string(), 1, 0))
        .collect();
    out.warnings = vec!["pool \"reports\": no weight given, using 1".into()];
    out.stats = RunStats {
        events: 1,
        offer_rounds: 1,
        launches: out.tasks.len() as u64,
    };
    out
}

fn info(mode: &str) -> RunInfo {
    RunInfo {
        workload: Some("synthetic <three pools>".into()),
        master: "spark://master:7077".into(),
        scheduler_mode: mode.into(),
        spark_version: Some("3.5".into()),
        seed: Some(1),
        conf_overrides: [("spark.scheduler.mode".to_string(), mode.to_string())]
            .into_iter()
            .collect(),
    }
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}"))
}

/// Every text node of the SVG.
fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Lines (`polyline`) drawn in `colour`.
fn lines_in(doc: &roxmltree::Document, colour: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(colour))
        .count()
}

/// Width and height from a PNG's IHDR, after checking the signature.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn writes_the_report_and_every_chart_as_svg_and_png() {
    let tmp = TempDir::new("files");
    let (fifo, fair) = (synthetic(12, 400, 2, 4, 0), synthetic(12, 400, 2, 4, 700));
    let (fi, fa) = (info("FIFO"), info("FAIR"));
    let files = write_report(&tmp.0, &[("FIFO", &fifo, &fi), ("FAIR", &fair, &fa)]).unwrap();
    assert_eq!(files.html, tmp.0.join("report.html"));
    let names: Vec<String> = files
        .svg
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "cdf-turnaround.svg",
            "pool-stats.svg",
            "running-FIFO.svg",
            "running-FAIR.svg",
            "gantt-FIFO.svg",
            "gantt-FAIR.svg"
        ]
    );
    assert_eq!(files.png.len(), files.svg.len());
    for (svg_path, png_path) in files.svg.iter().zip(&files.png) {
        let svg = std::fs::read_to_string(svg_path).unwrap();
        let doc = parse(&svg);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let dim = |a: &str| root.attribute(a).unwrap().parse::<u32>().unwrap();
        assert_eq!(
            png_size(png_path),
            (dim("width"), dim("height")),
            "{}",
            png_path.display()
        );
        assert!(svg_path.exists() && png_path.exists());
    }
}

#[test]
fn the_cdf_has_one_line_per_configuration_in_each_pool_panel() {
    let (fifo, fair) = (synthetic(12, 400, 2, 4, 0), synthetic(12, 400, 2, 4, 700));
    let (fi, fa) = (info("FIFO"), info("FAIR"));
    let runs = [
        ReportRun::new("FIFO", &fifo, &fi),
        ReportRun::new("FAIR", &fair, &fa),
    ];
    let report = build_report(&runs, &ReportOptions::default()).unwrap();
    let cdf = &report.charts[0];
    assert_eq!(cdf.name, "cdf-turnaround");
    let doc = parse(&cdf.svg);
    let t = texts(&doc);
    for label in ["FIFO", "FAIR"] {
        assert!(t.iter().any(|s| s == label), "legend lacks {label}: {t:?}");
    }
    for pool in POOLS {
        assert!(
            t.iter().any(|s| s.starts_with(&format!("{pool} ("))),
            "no panel for {pool}: {t:?}"
        );
    }
    for i in 0..2 {
        assert_eq!(lines_in(&doc, &hex(run_colour(i))), POOLS.len(), "run {i}");
    }

    // Pools in the legends of the time charts.
    for c in &report.charts[2..] {
        let t = texts(&parse(&c.svg));
        for pool in POOLS {
            assert!(t.iter().any(|s| s == pool), "{}: {t:?}", c.name);
        }
    }
    // Bars: every pool and "all" named under the axis, one bar colour per configuration.
    let bars = &report.charts[1];
    let doc = parse(&bars.svg);
    let t = texts(&doc);
    for pool in POOLS.iter().chain(&["all"]) {
        assert!(t.iter().any(|s| s == pool), "{t:?}");
    }
    for i in 0..2 {
        let filled = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(&hex(run_colour(i))))
            .count();
        // 4 panels × 4 categories, plus the legend swatch.
        assert_eq!(filled, 4 * 4 + 1, "run {i}");
    }
}

#[test]
fn a_200k_attempt_gantt_is_aggregated_and_says_so() {
    let run = synthetic(60, 200_000, 50, 8, 0);
    assert_eq!(run.tasks.len(), 200_000);
    let colours = PoolColours::for_runs(&[&run]);
    let g = gantt(
        "FAIR",
        &run,
        &colours,
        run.end_ms,
        true,
        &GanttOptions::default(),
    );
    assert!(g.aggregated);
    let svg = to_svg(&g).unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    assert!(
        t.iter()
            .any(|s| s.starts_with("AGGREGATED (200,000 attempts")),
        "{t:?}"
    );
    let rects = doc.descendants().filter(|n| n.has_tag_name("rect")).count();
    assert!(rects < 60_000, "{rects} rects");
    assert!(svg.len() < 6_000_000, "{} bytes", svg.len());
    // And as PNG.
    let tmp = TempDir::new("gantt-png");
    std::fs::create_dir_all(&tmp.0).unwrap();
    let png = tmp.0.join("gantt.png");
    write_png(&g, &png).unwrap();
    assert_eq!(png_size(&png), g.size());
}

#[test]
fn a_small_gantt_draws_each_attempt_and_marks_the_odd_ones() {
    let mut run = synthetic(6, 60, 2, 2, 0);
    run.tasks[5].status = AttemptStatus::Failed;
    let colours = PoolColours::for_runs(&[&run]);
    let g = gantt(
        "FIFO",
        &run,
        &colours,
        run.end_ms,
        true,
        &GanttOptions::default(),
    );
    assert!(!g.aggregated);
    let t = texts(&parse(&to_svg(&g).unwrap()));
    assert!(
        t.iter().any(|s| s == "exec 1") && t.iter().any(|s| s == "exec 2"),
        "{t:?}"
    );
    assert!(t.iter().any(|s| s.starts_with("speculative copy")), "{t:?}");
    assert!(t.iter().any(|s| s.starts_with("failed")), "{t:?}");
    assert!(!t.iter().any(|s| s.contains("AGGREGATED")));
}

#[test]
fn the_html_is_self_contained() {
    let (fifo, fair) = (synthetic(12, 400, 2, 4, 0), synthetic(12, 400, 2, 4, 700));
    let (fi, fa) = (info("FIFO"), info("FAIR"));
    let runs = [
        ReportRun::new("FIFO", &fifo, &fi),
        ReportRun::new("FAIR", &fair, &fa),
    ];
    let html = build_report(&runs, &ReportOptions::default()).unwrap().html;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="));
    assert!(!html.contains("@import") && !html.contains("url("));
    for href in html.split("href=\"").skip(1) {
        assert!(
            href.starts_with('#'),
            "non-local link: {}",
            &href[..href.len().min(40)]
        );
    }
    assert_eq!(html.matches("<svg ").count(), 6);
    assert!(
        html.contains("synthetic &lt;three pools&gt;"),
        "escaped workload name"
    );
    for pool in POOLS {
        assert!(html.contains(&format!("<td>{pool}</td>")), "{pool}");
    }
    assert!(html.contains("no weight given"), "warnings listed");
    assert!(
        html.contains("No executors-over-time chart — Every run: the cluster did not change size (2 executors, 8 task slots throughout)."),
        "skipped executors chart is explained"
    );
}

#[test]
fn same_input_gives_identical_bytes() {
    let (fifo, fair) = (synthetic(12, 400, 2, 4, 0), synthetic(12, 400, 2, 4, 700));
    let (fi, fa) = (info("FIFO"), info("FAIR"));
    let (a, b) = (TempDir::new("det-a"), TempDir::new("det-b"));
    let runs = [("FIFO", &fifo, &fi), ("FAIR", &fair, &fa)];
    let fa_ = write_report(&a.0, &runs).unwrap();
    let fb_ = write_report(&b.0, &runs).unwrap();
    assert_eq!(
        std::fs::read(&fa_.html).unwrap(),
        std::fs::read(&fb_.html).unwrap()
    );
    for (x, y) in fa_.svg.iter().zip(&fb_.svg) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
}

#[test]
fn a_changing_cluster_gets_an_executors_chart() {
    let mut run = synthetic(6, 200, 4, 2, 0);
    run.executors[2].added_ms = 2_000;
    run.executors[3].added_ms = 2_000;
    run.executors[3].removed_ms = Some(run.end_ms / 2);
    let i = info("FAIR");
    let tmp = TempDir::new("executors");
    let target = vec![(0, 2), (1_500, 4), (run.end_ms / 2, 3)];
    let runs = [ReportRun {
        executor_target: Some(target),
        ..ReportRun::new("dynamic", &run, &i)
    }];
    let opts = ReportOptions {
        png: false,
        ..ReportOptions::default()
    };
    let files = write_report_runs(&tmp.0, &runs, &opts).unwrap();
    assert!(files.png.is_empty());
    let chart = tmp.0.join("executors-dynamic.svg");
    assert!(files.svg.contains(&chart));
    let svg = std::fs::read_to_string(&chart).unwrap();
    let t = texts(&parse(&svg));
    assert!(t.iter().any(|s| s == "registered"), "{t:?}");
    assert!(t.iter().any(|s| s.starts_with("target")), "{t:?}");
    // The Gantt shades the time an executor was not registered.
    let gantt = std::fs::read_to_string(tmp.0.join("gantt-dynamic.svg")).unwrap();
    assert!(
        texts(&parse(&gantt))
            .iter()
            .any(|s| s == "executor not registered")
    );
}

#[test]
fn an_empty_run_still_gives_a_report() {
    let run = SimOutput::default();
    let i = RunInfo::default();
    let report = build_report(
        &[ReportRun::new("FIFO", &run, &i)],
        &ReportOptions::default(),
    )
    .unwrap();
    assert!(report.html.contains("No job ended"));
    for c in &report.charts {
        parse(&c.svg);
    }
}
