//! End-to-end tests of `sparksim sweep`, `tune`, `capacity` and `sweep-merge`, through the
//! binary, on the built-in example `workloads/examples/tune-interactive.json` (and its
//! synthetic twin).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{sparksim, stderr, stdout};

fn example(name: &str) -> String {
    format!("{}/workloads/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A fresh directory under the system temp dir, removed first if it exists.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sparksim-test-{}-sweep-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn p(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

const SYNTH_SWEEP: &[&str] = &[
    "sweep",
    "--synthetic",
    "", // filled in
    "--param",
    "pool.interactive.weight=1,4",
    "--param",
    "spark.executor.instances=7..8",
    "--seeds",
    "2",
    "--no-progress",
];

fn synth_sweep(extra: &[&str]) -> Output {
    let spec = example("tune-interactive.toml");
    let mut args: Vec<&str> = SYNTH_SWEEP.to_vec();
    args[2] = &spec;
    args.extend_from_slice(extra);
    sparksim(&args)
}

#[test]
fn sweep_files_do_not_depend_on_the_thread_count_and_shards_merge_to_them() {
    let (one, two) = (scratch("jobs1"), scratch("jobs2"));
    let o = synth_sweep(&["--jobs", "1", "--out", p(&one)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = synth_sweep(&["--jobs", "2", "--out", p(&two)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("task attempts/s"),
        "throughput on stderr: {}",
        stderr(&o)
    );
    for f in ["runs.csv", "points.csv", "sweep.json"] {
        assert_eq!(read(&one.join(f)), read(&two.join(f)), "{f}");
    }
    let runs = read(&one.join("runs.csv"));
    assert!(runs.starts_with(
        "point,seed,pool.interactive.weight,spark.executor.instances,pool.batch.mean_turnaround,"
    ));
    assert_eq!(runs.lines().count(), 1 + 4 * 2, "4 points × 2 seeds");
    let points = read(&one.join("points.csv"));
    assert!(
        points
            .lines()
            .next()
            .unwrap()
            .contains("pool.interactive.p95_turnaround.mean,pool.interactive.p95_turnaround.ci95")
    );
    assert_eq!(points.lines().count(), 1 + 4);

    let shards: Vec<PathBuf> = (0..3).map(|k| scratch(&format!("shard{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        let o = synth_sweep(&["--shard", &format!("{k}/3"), "--out", p(dir)]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let merged = scratch("merged");
    let report = scratch("merged-report");
    let o = sparksim(&[
        "sweep-merge",
        p(&shards[2]),
        p(&shards[0]),
        p(&shards[1]),
        "--out",
        p(&merged),
        "--report",
        p(&report),
        "--objective",
        "pool.interactive.p95_turnaround",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["runs.csv", "points.csv", "sweep.json"] {
        assert_eq!(read(&one.join(f)), read(&merged.join(f)), "merged {f}");
    }
    for f in [
        "sweep.html",
        "heatmap.svg",
        "heatmap.png",
        "pareto.svg",
        "pareto.png",
    ] {
        assert!(report.join(f).is_file(), "{f}");
    }

    // A missing shard is refused, naming what is missing.
    let o = sparksim(&[
        "sweep-merge",
        p(&shards[0]),
        p(&shards[1]),
        "--out",
        p(&scratch("incomplete")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("all 3 are needed"), "{}", stderr(&o));
}

#[test]
fn sweep_prints_the_best_points_and_writes_the_report() {
    let out = scratch("report-out");
    let report = scratch("report");
    let workload = example("tune-interactive.json");
    let o = sparksim(&[
        "sweep",
        "--workload",
        &workload,
        "--param",
        "pool.interactive.minShare=0,24",
        "--param",
        "pool.interactive.weight=1,8",
        "--param",
        "spark.executor.instances=6,8",
        "--seeds",
        "1",
        "--objective",
        "pool.interactive.p95_turnaround",
        "--out",
        p(&out),
        "--report",
        p(&report),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("8 points × 1 seed"), "{text}");
    assert!(text.contains("pool.interactive.p95_turnaround"), "{text}");
    let html = read(&report.join("sweep.html"));
    assert!(
        html.contains("<svg") && html.contains("Pareto front"),
        "report"
    );
    assert!(
        html.contains("best over the 1 other swept parameter"),
        "the heatmap says it projects the third parameter"
    );
}

#[test]
fn tune_finds_the_grid_best_with_fewer_points_and_writes_the_snippets() {
    let workload = example("tune-interactive.json");
    let args = |method: &'static str, out: &Path| -> Vec<String> {
        [
            "tune",
            "--workload",
            &workload,
            "--param",
            "spark.executor.instances=4..12",
            "--param",
            "pool.interactive.minShare=0..24:8",
            "--param",
            "pool.interactive.weight=1,2,4,8",
            "--minimize",
            "executor_seconds",
            "--subject-to",
            "pool.interactive.p95_turnaround <= 6s",
            "--seeds",
            "1",
            "--method",
            method,
            "--out",
            p(out),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let best = |dir: &Path| -> (f64, usize) {
        let csv = read(&dir.join("tune.csv"));
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let (f, obj) = (
            header.iter().position(|c| *c == "feasible").unwrap(),
            header.iter().position(|c| *c == "objective").unwrap(),
        );
        let rows: Vec<Vec<String>> = lines
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        let best = rows
            .iter()
            .filter(|r| r[f] == "true")
            .map(|r| r[obj].parse::<f64>().unwrap())
            .fold(f64::INFINITY, f64::min);
        (best, rows.len())
    };
    let (d, g) = (scratch("tune-descent"), scratch("tune-grid"));
    let o = Command::new(env!("CARGO_BIN_EXE_sparksim"))
        .args(args("descent", &d))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("coordinate descent"), "{text}");
    let o = Command::new(env!("CARGO_BIN_EXE_sparksim"))
        .args(args("grid", &g))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let ((db, dn), (gb, gn)) = (best(&d), best(&g));
    assert!(db <= gb, "tuner {db} vs grid {gb}");
    assert_eq!(gn, 9 * 4 * 4);
    assert!(dn < gn, "tuner evaluated {dn} of {gn}");

    let xml = read(&d.join("fairscheduler.xml"));
    assert!(xml.contains("<pool name=\"interactive\">"), "{xml}");
    assert!(xml.contains("<minShare>"), "{xml}");
    let defaults = read(&d.join("spark-defaults.conf"));
    assert!(defaults.contains("spark.scheduler.mode"), "{defaults}");
    assert!(defaults.contains("spark.executor.instances"), "{defaults}");
    assert!(
        defaults.contains("spark.scheduler.allocation.file"),
        "{defaults}"
    );
}

#[test]
fn capacity_marks_the_smallest_size_meeting_the_target() {
    let report = scratch("capacity");
    let o = sparksim(&[
        "capacity",
        "--workload",
        &example("tune-interactive.json"),
        "--sizes",
        "4..10:2",
        "--target",
        "pool.interactive.p95_turnaround <= 6s",
        "--seeds",
        "1",
        "--report",
        p(&report),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("spark.executor.instances"), "{text}");
    assert!(
        text.contains("smallest size meeting the target: 8"),
        "{text}"
    );
    for f in ["capacity.html", "capacity.svg", "capacity.png"] {
        assert!(report.join(f).is_file(), "{f}");
    }
}

#[test]
fn bad_input_is_a_clear_error_never_a_panic() {
    let workload = example("tune-interactive.json");
    let cases: &[(&[&str], &str)] = &[
        (
            &["sweep", "--param", "pool.interactive.minShare"],
            "--param pool.interactive.minShare: expected KEY=VALUES",
        ),
        (
            &["sweep", "--param", "pool.interactive.minShare=0..x"],
            "is not a number",
        ),
        (
            &["sweep", "--param", "pool.interactive.maxShare=1"],
            "unknown pool field",
        ),
        (
            &[
                "sweep",
                "--param",
                "pool.interactive.weight=1,2",
                "--objective",
                "pool.interactive.p99_turnaround",
            ],
            "--objective 'pool.interactive.p99_turnaround': unknown metric",
        ),
        (
            &["sweep", "--param", "spark.executor.instances=0,1"],
            "spark.executor.instances",
        ),
        (
            &["sweep", "--param", "a.b=1", "--shard", "3/3"],
            "--shard 3/3: expected K/N",
        ),
        (
            &[
                "tune",
                "--param",
                "pool.interactive.weight=1,2",
                "--minimize",
                "makespan",
                "--subject-to",
                "makespan = 3",
            ],
            "--subject-to 'makespan = 3'",
        ),
        (
            &[
                "tune",
                "--param",
                "pool.interactive.weight=1,2",
                "--minimize",
                "makespan +",
            ],
            "--minimize 'makespan +': expected a number",
        ),
        (
            &["capacity", "--sizes", "0..3"],
            "--sizes 0..3: \"0\" is not a positive whole number",
        ),
        (
            &["capacity", "--target", "pool.nope.p95_turnaround <= 1"],
            "unknown metric",
        ),
    ];
    for (args, needle) in cases {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--workload", &workload, "--seeds", "1", "--no-progress"]);
        all.extend(["--out", "/nonexistent-sparksim-never-written"]);
        let o = sparksim(&all);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn tune_takes_an_event_log_and_improves_the_interactive_pool() {
    let log = format!(
        "{}/../shared/fidelity/dev/d1_fair_vs_fifo/FIFO_r1/eventlog.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let dir = scratch("tune-log");
    let o = sparksim(&[
        "tune",
        "--log",
        &log,
        "--conf",
        "spark.scheduler.mode=FAIR",
        "--param",
        "pool.interactive.minShare=0..4",
        "--param",
        "pool.interactive.weight=1,2,4",
        "--minimize",
        "pool.interactive.p95_turnaround",
        "--subject-to",
        "pool.batch.mean_turnaround <= 1.2 * baseline",
        "--seeds",
        "1",
        "--no-progress",
        "--out",
        p(&dir),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("objective: -"),
        "the tuner improves on the log's setup: {}",
        stdout(&o)
    );
    assert!(read(&dir.join("fairscheduler.xml")).contains("<pool name=\"interactive\">"));
    let _ = std::fs::remove_dir_all(&dir);
}
