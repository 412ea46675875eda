//! End-to-end tests of `sparksim run`, `compare` and `demo`, through the binary.

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
    let dir = std::env::temp_dir().join(format!("sparksim-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn first_line(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn demo_prints_fifo_vs_fair_and_what_happened_and_writes_its_report() {
    let dir = scratch("demo");
    let o = sparksim(&["demo", "--out", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("FAIR/FIFO"), "{out}");
    assert!(
        out.contains("interactive") && out.contains("batch"),
        "{out}"
    );
    assert!(
        out.contains("Under FIFO") && out.contains("Under FAIR"),
        "{out}"
    );
    let report = dir.join("report").join("report.html");
    assert!(
        out.contains(&format!("report: {}", report.display())),
        "{out}"
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("interactive") && html.contains("<svg"),
        "the report has the pools and inline charts"
    );
    for mode in ["FIFO", "FAIR"] {
        assert!(dir.join(mode).join("jobs.csv").exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_and_compare_write_an_html_report_on_request() {
    let wl = fidelity("d1_fair_vs_fifo/FAIR_r1/scenario.json");
    let (a, b) = (scratch("report-run"), scratch("report-compare"));
    let o = sparksim(&["run", "--workload", &wl, "--report", a.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = sparksim(&[
        "compare",
        "--workload",
        &wl,
        "--report",
        b.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for dir in [&a, &b] {
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        assert!(
            html.contains("<svg") && !html.contains("https://"),
            "{}",
            dir.display()
        );
        let has_png = std::fs::read_dir(dir)
            .unwrap()
            .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "png"));
        assert!(has_png, "{}", dir.display());
    }
    let _ = (std::fs::remove_dir_all(&a), std::fs::remove_dir_all(&b));
}

#[test]
fn run_writes_the_contracted_files() {
    let dir = scratch("run");
    let o = sparksim(&[
        "run",
        "--workload",
        &fidelity("d1_fair_vs_fifo/FAIR_r1/scenario.json"),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("interactive"));
    assert_eq!(
        first_line(&dir.join("jobs.csv")),
        "job_id,name,pool,submit_ms,first_launch_ms,end_ms,turnaround_ms,wait_ms,tasks,status"
    );
    assert_eq!(
        first_line(&dir.join("tasks.csv")),
        "job_id,stage_id,stage_attempt,task_index,attempt,executor_id,host,launch_ms,finish_ms,status,speculative"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["config"]["scheduler_mode"], "FAIR");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn same_seed_gives_byte_identical_outputs() {
    let (a, b) = (scratch("seed-a"), scratch("seed-b"));
    for dir in [&a, &b] {
        let o = sparksim(&[
            "run",
            "--workload",
            &fidelity("d4_two_stage/FAIR_r1/scenario.json"),
            "--master",
            "local-cluster[2,2,1024]",
            "--seed",
            "7",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for file in ["jobs.csv", "tasks.csv", "summary.json"] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
    let _ = (std::fs::remove_dir_all(&a), std::fs::remove_dir_all(&b));
}

#[test]
fn compare_runs_each_mode_into_its_own_directory() {
    let dir = scratch("compare");
    let o = sparksim(&[
        "compare",
        "--workload",
        &fidelity("d2_minshare/FAIR_r1/scenario.json"),
        "--modes",
        "FIFO,FAIR",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("FAIR/FIFO"));
    for mode in ["FIFO", "FAIR"] {
        assert!(dir.join(mode).join("jobs.csv").exists());
    }
    assert!(dir.join("comparison.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn flags_override_the_workload_and_unknown_keys_are_warned() {
    let o = sparksim(&[
        "run",
        "--workload",
        &fidelity("d1_fair_vs_fifo/FAIR_r1/scenario.json"),
        "--conf",
        "spark.scheduler.mode=fifo",
        "--conf",
        "spark.sheduler.mode=FAIR",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("spark.scheduler.mode=FIFO"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("spark.sheduler.mode"), "{}", stderr(&o));
}

#[test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let wl = fidelity("d1_fair_vs_fifo/FAIR_r1/scenario.json");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["run", "--workload", "no/such/file.json"],
            "no/such/file.json",
        ),
        (
            vec!["run", "--workload", &wl, "--conf", "spark.task.cpus=two"],
            "spark.task.cpus",
        ),
        (
            vec!["run", "--workload", &wl, "--conf", "novalue"],
            "novalue",
        ),
        (
            vec!["run", "--workload", &wl, "--master", "local[0]"],
            "local[0]",
        ),
        (
            vec![
                "run",
                "--workload",
                &wl,
                "--conf",
                "spark.scheduler.mode=RANDOM",
            ],
            "RANDOM",
        ),
        (
            vec!["compare", "--workload", &wl, "--modes", "FIFO,NONE"],
            "NONE",
        ),
        (
            vec!["run", "--workload", &wl, "--allocation-file", "missing.xml"],
            "missing.xml",
        ),
    ];
    for (args, needle) in cases {
        let o = sparksim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
    }
}

#[test]
fn bad_workload_files_name_the_file_and_the_job() {
    let dir = scratch("bad-workload");
    std::fs::create_dir_all(&dir).unwrap();
    let cycle = dir.join("cycle.json");
    std::fs::write(
        &cycle,
        r#"{"cluster":{"type":"local","master":"local[2]"},"jobs":[{"name":"j1","stages":[{"num_tasks":1,"duration_ms":5,"parents":[1]},{"num_tasks":1,"duration_ms":5,"parents":[0]}]}]}"#,
    )
    .unwrap();
    let truncated = dir.join("truncated.json");
    std::fs::write(&truncated, r#"{"jobs":[{"name":"j1","#).unwrap();
    for (file, needle) in [(&cycle, "j1"), (&truncated, "truncated.json")] {
        let o = sparksim(&["run", "--workload", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{}", stderr(&o));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compare_vs_conf_shows_what_speculation_buys_on_a_straggler() {
    let workload = format!(
        "{}/workloads/examples/speculation.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let dir = scratch("speculation");
    let o = sparksim(&[
        "compare",
        "--workload",
        &workload,
        "--conf",
        "spark.speculation=false",
        "--vs-conf",
        "spark.speculation=true",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("wasted slot-s"), "{}", stdout(&o));
    let summary = |label: &str| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(dir.join(label).join("summary.json")).unwrap(),
        )
        .unwrap()
    };
    let (base, variant) = (summary("baseline"), summary("variant"));
    assert_eq!(base["speculation"].as_array().unwrap().len(), 0);
    let all = variant["speculation"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        all["copies"].as_u64().unwrap() > 0 && all["copies_won"].as_u64().unwrap() > 0,
        "{all}"
    );
    assert!(all["wasted_slot_ms"].as_u64().unwrap() > 0, "{all}");
    let mean = |s: &serde_json::Value| {
        s["per_pool"]["all"]["turnaround"]["mean_ms"]
            .as_f64()
            .unwrap()
    };
    assert!(
        mean(&variant) < mean(&base),
        "speculation should help a straggler"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
