//! `sparksim run` with dynamic allocation and with several applications sharing a cluster,
//! through the binary: per-application results, the executor timeline, and the
//! `executors.csv` contract (`app_id,executor_id,host,cores,requested_ms,added_ms,removed_ms,reason`).

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::sparksim;

const EXECUTORS_HEADER: &str =
    "app_id,executor_id,host,cores,requested_ms,added_ms,removed_ms,reason";

fn example() -> String {
    format!(
        "{}/workloads/examples/two-apps.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn fidelity(rel: &str) -> String {
    format!(
        "{}/../shared/fidelity/dev/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sparksim-dynalloc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&dir.join("summary.json"))).unwrap()
}

#[test]
fn two_applications_print_per_application_results_and_the_executor_timeline() {
    let dir = scratch("two-apps");
    let out = ok(&sparksim(&[
        "run",
        "--workload",
        &example(),
        "--out",
        dir.to_str().unwrap(),
    ]));
    assert!(out.contains("2 applications sharing 8 cores"), "{out}");
    assert!(
        out.contains("application etl (submitted at 0.000 s"),
        "{out}"
    );
    assert!(
        out.contains("application adhoc (submitted at 12.000 s"),
        "{out}"
    );
    assert!(out.contains("waited for executors"), "{out}");
    assert!(out.contains("executor timeline"), "{out}");
    let executors = read(&dir.join("executors.csv"));
    let mut lines = executors.lines();
    assert_eq!(lines.next(), Some(EXECUTORS_HEADER));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|r| r.len() == 8));
    // etl's four executors are up at t0; adhoc's four were requested at its submission.
    assert!(
        rows[..4]
            .iter()
            .all(|r| r[0] == "etl" && r[4].is_empty() && r[5] == "0")
    );
    assert!(rows[4..].iter().all(|r| r[0] == "adhoc" && r[4] == "12000"));
    assert!(rows.iter().all(|r| r[7] == "application finished"));
    // jobs.csv keeps its columns and gains app_id at the end.
    let jobs = read(&dir.join("jobs.csv"));
    assert!(jobs.starts_with(
        "job_id,name,pool,submit_ms,first_launch_ms,end_ms,turnaround_ms,wait_ms,tasks,status,app_id\n"
    ));
    let s = summary(&dir);
    let apps = s["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 2);
    assert_eq!(apps[1]["app_id"], "adhoc");
    assert!(apps[1]["executor_wait_ms"].as_u64().unwrap() > 40_000);
    // The saved run reads back for the report.
    let report = ok(&sparksim(&["report", dir.to_str().unwrap(), "--no-png"]));
    assert!(report.contains("report.html"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dynamic_allocation_shortens_the_second_applications_wait_and_the_idle_executor_time() {
    let (fixed, dynamic) = (scratch("static"), scratch("dynamic"));
    ok(&sparksim(&[
        "run",
        "--workload",
        &example(),
        "--out",
        fixed.to_str().unwrap(),
    ]));
    let out = ok(&sparksim(&[
        "run",
        "--workload",
        &example(),
        "--conf",
        "spark.dynamicAllocation.enabled=true",
        "--out",
        dynamic.to_str().unwrap(),
    ]));
    assert!(out.contains("dynamic allocation on"), "{out}");
    assert!(out.contains("registered/target"), "{out}");
    let (a, b) = (summary(&fixed), summary(&dynamic));
    let wait = |s: &serde_json::Value| s["applications"][1]["executor_wait_ms"].as_u64().unwrap();
    let idle = |s: &serde_json::Value| s["executor_usage"]["idle_executor_ms"].as_u64().unwrap();
    assert!(wait(&b) < wait(&a), "{} vs {}", wait(&b), wait(&a));
    assert!(idle(&b) < idle(&a), "{} vs {}", idle(&b), idle(&a));
    let executors = read(&dynamic.join("executors.csv"));
    assert!(executors.contains(",idle timeout"), "{executors}");
    for d in [fixed, dynamic] {
        let _ = std::fs::remove_dir_all(&d);
    }
}

#[test]
fn a_single_application_writes_the_executors_contract() {
    let dir = scratch("single");
    ok(&sparksim(&[
        "run",
        "--workload",
        &fidelity("d1_fair_vs_fifo/FAIR_r1/scenario.json"),
        "--out",
        dir.to_str().unwrap(),
    ]));
    assert_eq!(
        read(&dir.join("executors.csv")),
        format!("{EXECUTORS_HEADER}\nd1_fair_vs_fifo,driver,localhost,4,,0,,\n")
    );
    // A single application's jobs.csv keeps exactly its columns.
    assert!(
        read(&dir.join("jobs.csv"))
            .lines()
            .next()
            .unwrap()
            .ends_with(",tasks,status")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_dynamic_allocation_fidelity_run_prints_its_timeline() {
    let dir = scratch("d6");
    let out = ok(&sparksim(&[
        "run",
        "--workload",
        &fidelity("d6_dynalloc/dynalloc_r1/scenario.json"),
        "--out",
        dir.to_str().unwrap(),
    ]));
    assert!(
        out.contains("dynamic allocation: 8 executors over the run"),
        "{out}"
    );
    assert!(out.contains("executor timeline"), "{out}");
    let executors = read(&dir.join("executors.csv"));
    let rows: Vec<&str> = executors.lines().skip(1).collect();
    assert_eq!(rows.len(), 8, "{executors}");
    assert!(
        rows.iter().all(|r| r.ends_with(",idle timeout")),
        "{executors}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn replay_writes_the_executors_contract() {
    let dir = scratch("replay");
    ok(&sparksim(&[
        "replay",
        &fidelity("d6_dynalloc/dynalloc_r1/eventlog.json"),
        "--out",
        dir.to_str().unwrap(),
    ]));
    let executors = read(&dir.join("executors.csv"));
    assert_eq!(executors.lines().next(), Some(EXECUTORS_HEADER));
    let _ = std::fs::remove_dir_all(&dir);
}
