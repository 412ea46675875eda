//! End-to-end tests of `sparksim report`, through the binary: rebuilding the HTML report from
//! what `run --out` and `compare --out` saved.

use std::path::{Path, PathBuf};

mod common;
use common::{sparksim, stderr, stdout};

fn fidelity(rel: &str) -> String {
    format!(
        "{}/../shared/fidelity/dev/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A fresh directory under the system temp dir, removed first if it exists.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sparksim-report-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `compare --out DIR` on the FIFO-vs-FAIR development scenario.
fn compare_into(dir: &Path) {
    let o = sparksim(&[
        "compare",
        "--workload",
        &fidelity("d1_fair_vs_fifo/FAIR_r1/scenario.json"),
        "--out",
        path(dir),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn report_of_a_compare_directory_has_every_run() {
    let dir = scratch("compare");
    compare_into(&dir);
    let out = dir.join("html");
    let o = sparksim(&["report", path(&dir), "--out", path(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("2 runs: FIFO, FAIR"), "{}", stdout(&o));
    for name in [
        "report.html",
        "cdf-turnaround.svg",
        "cdf-turnaround.png",
        "pool-stats.svg",
        "running-FIFO.svg",
        "running-FAIR.png",
        "gantt-FIFO.svg",
        "gantt-FAIR.png",
    ] {
        assert!(out.join(name).exists(), "{name}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("interactive") && html.contains("batch"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    // The same saved outputs give the same bytes.
    let again = dir.join("html-again");
    let o = sparksim(&["report", path(&dir), "--out", path(&again), "--no-png"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!again.join("gantt-FIFO.png").exists());
    for name in ["report.html", "gantt-FAIR.svg", "cdf-turnaround.svg"] {
        assert_eq!(
            std::fs::read(out.join(name)).unwrap(),
            std::fs::read(again.join(name)).unwrap(),
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_of_one_run_defaults_to_run_dir_report() {
    let dir = scratch("run");
    let o = sparksim(&[
        "run",
        "--workload",
        &fidelity("d1_fair_vs_fifo/FAIR_r1/scenario.json"),
        "--out",
        path(&dir),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = sparksim(&["report", path(&dir)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.join("report").join("report.html")).unwrap();
    assert!(html.contains("<svg "));
    assert!(dir.join("report").join("gantt-FAIR.svg").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_saved_outputs_are_named_with_their_line() {
    let dir = scratch("bad");
    compare_into(&dir);
    let tasks = dir.join("FAIR").join("tasks.csv");
    let text = std::fs::read_to_string(&tasks).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[3] = lines[3].replace("SUCCESS", "DONE");
    std::fs::write(&tasks, lines.join("\n") + "\n").unwrap();
    let o = sparksim(&["report", path(&dir)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("tasks.csv:4:") && err.contains("DONE"),
        "{err}"
    );

    let o = sparksim(&["report", path(&dir.join("missing"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
