//! End-to-end tests of `sparksim inspect`, `replay` and `validate` through the binary: the
//! accuracy targets on the local-mode fidelity runs, the FIFO↔FAIR counterfactual, every
//! shared event log, the outputs' ids, and errors.
//!
//! Targets (over the scenario jobs of every local-mode run in `shared/fidelity/dev/`; the
//! warm-up jobs run before the runs' t0 and are not part of the measurement, see the fidelity
//! README): `validate` median |error| ≤ 2%, 90th percentile ≤ 10%, decision agreement ≥ 99%;
//! replaying each run's log under the other scheduler mode (FAIR with that scenario's
//! `fairscheduler.xml`) against the real runs of that mode: median |error| ≤ 10%.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{sparksim, stderr, stdout};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn dev() -> PathBuf {
    shared().join("fidelity/dev")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sparksim-replay-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

/// Local-mode runs, by scenario: (run dir, scheduler mode).
fn local_runs() -> BTreeMap<String, Vec<(PathBuf, String)>> {
    let mut by = BTreeMap::new();
    for scenario in std::fs::read_dir(dev()).unwrap() {
        let scenario = scenario.unwrap().path();
        for run in std::fs::read_dir(&scenario).unwrap() {
            let run = run.unwrap().path();
            let s = json(&run.join("scenario.json"));
            if s["cluster"]["type"] != "local" {
                continue;
            }
            let mode = s["scheduler_mode"].as_str().unwrap().to_string();
            by.entry(scenario.file_name().unwrap().to_string_lossy().into_owned())
                .or_insert_with(Vec::new)
                .push((run, mode));
        }
    }
    for runs in by.values_mut() {
        runs.sort();
    }
    by
}

fn fair_xml(runs: &[(PathBuf, String)]) -> PathBuf {
    runs.iter()
        .find(|(_, m)| m == "FAIR")
        .map(|(r, _)| r.join("fairscheduler.xml"))
        .unwrap()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn is_warmup(name: &str) -> bool {
    name.starts_with("warmup-")
}

#[test]
fn validate_meets_the_targets_on_the_local_runs() {
    let mut errors = Vec::new();
    let (mut agreed, mut contested) = (0u64, 0u64);
    println!(
        "{:<32} {:<14} {:>6} {:>6} {:>7}",
        "run", "job", "real", "sim", "error"
    );
    for runs in local_runs().values() {
        for (run, _) in runs {
            let log = run.join("eventlog.json");
            let mut args = vec!["validate", log.to_str().unwrap(), "--format", "json"];
            let own = run.join("fairscheduler.xml");
            if own.exists() {
                args.extend(["--allocation-file", own.to_str().unwrap()]);
            }
            let o = sparksim(&args);
            ok(&o);
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            let label = run.strip_prefix(dev()).unwrap().display().to_string();
            for j in v["jobs"].as_array().unwrap() {
                let name = j["name"].as_str().unwrap();
                if is_warmup(name) {
                    continue;
                }
                let (real, sim) = (
                    j["real_turnaround_ms"].as_u64().unwrap(),
                    j["sim_turnaround_ms"].as_u64().unwrap(),
                );
                let e = (sim as f64 - real as f64) / real as f64;
                errors.push(e.abs());
                println!(
                    "{label:<32} {name:<14} {real:>6} {sim:>6} {:>+6.1}%",
                    e * 100.0
                );
            }
            agreed += v["decisions"]["agreed"].as_u64().unwrap();
            contested += v["decisions"]["contested"].as_u64().unwrap();
        }
    }
    errors.sort_by(f64::total_cmp);
    let (median, p90) = (percentile(&errors, 0.5), percentile(&errors, 0.9));
    let agreement = agreed as f64 / contested as f64;
    println!(
        "{} jobs: median {:.2}%, p90 {:.2}%, max {:.2}%; decision agreement {agreed}/{contested} = {:.2}%",
        errors.len(),
        median * 100.0,
        p90 * 100.0,
        errors.last().unwrap() * 100.0,
        agreement * 100.0
    );
    assert_eq!(
        errors.len(),
        68,
        "15 local runs: 4 scenario jobs each, 6 in d2"
    );
    assert!(median <= 0.02, "median {median}");
    assert!(p90 <= 0.10, "p90 {p90}");
    assert!(agreement >= 0.99, "agreement {agreement}");
}

#[test]
fn counterfactual_other_mode_matches_the_real_runs_of_that_mode() {
    let mut errors = Vec::new();
    for runs in local_runs().values() {
        let xml = fair_xml(runs);
        for (run, mode) in runs {
            let other = if mode == "FAIR" { "FIFO" } else { "FAIR" };
            let out = scratch(&format!(
                "cf-{}",
                run.strip_prefix(dev())
                    .unwrap()
                    .display()
                    .to_string()
                    .replace('/', "-")
            ));
            let log = run.join("eventlog.json");
            let conf = format!("spark.scheduler.mode={other}");
            let mut args = vec![
                "replay",
                log.to_str().unwrap(),
                "--conf",
                &conf,
                "--out",
                out.to_str().unwrap(),
            ];
            if other == "FAIR" {
                args.extend(["--allocation-file", xml.to_str().unwrap()]);
            }
            let o = sparksim(&args);
            ok(&o);
            let jobs = std::fs::read_to_string(out.join("jobs.csv")).unwrap();
            let sim: BTreeMap<String, f64> = jobs
                .lines()
                .skip(1)
                .map(|l| {
                    let f: Vec<&str> = l.split(',').collect();
                    (f[1].to_string(), f[6].parse().unwrap())
                })
                .collect();
            for (real_run, real_mode) in runs {
                if real_mode != other {
                    continue;
                }
                let observed = json(&real_run.join("observed.json"));
                for j in observed["jobs"].as_array().unwrap() {
                    let name = j["name"].as_str().unwrap();
                    let real = j["turnaround_ms"].as_f64().unwrap();
                    errors.push(((sim[name] - real) / real).abs());
                }
            }
            std::fs::remove_dir_all(&out).unwrap();
        }
    }
    errors.sort_by(f64::total_cmp);
    let median = percentile(&errors, 0.5);
    println!(
        "{} job comparisons: median {:.2}%, p90 {:.2}%, max {:.2}%",
        errors.len(),
        median * 100.0,
        percentile(&errors, 0.9) * 100.0,
        errors.last().unwrap() * 100.0
    );
    assert!(errors.len() >= 100);
    assert!(median <= 0.10, "median {median}");
}

/// Every event log under `shared/eventlogs/` (files and rolling directories).
fn shared_logs() -> Vec<PathBuf> {
    let mut logs = Vec::new();
    for origin in std::fs::read_dir(shared().join("eventlogs")).unwrap() {
        let origin = origin.unwrap().path();
        if origin.is_dir() {
            for entry in std::fs::read_dir(&origin).unwrap() {
                logs.push(entry.unwrap().path());
            }
        }
    }
    logs.sort();
    logs
}

#[test]
fn every_shared_log_inspects_replays_and_validates() {
    let logs = shared_logs();
    assert!(logs.len() >= 14);
    for log in logs {
        let path = log.to_str().unwrap();
        let o = sparksim(&["inspect", path]);
        ok(&o);
        assert!(stdout(&o).contains("Spark"), "{path}");
        let o = sparksim(&["inspect", path, "--format", "json"]);
        ok(&o);
        let s: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(
            s["jobs"].is_array() && s["warnings"]["counts"].is_object(),
            "{path}"
        );
        let out = scratch("shared");
        let o = sparksim(&["replay", path, "--out", out.to_str().unwrap()]);
        ok(&o);
        assert!(
            out.join("jobs.csv").exists() && out.join("tasks.csv").exists(),
            "{path}"
        );
        let o = sparksim(&["validate", path, "--format", "json"]);
        ok(&o);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(
            v["jobs"].as_array().unwrap().len() as u64,
            s["counts"]["jobs_replayed"].as_u64().unwrap(),
            "{path}"
        );
        std::fs::remove_dir_all(&out).unwrap();
    }
}

#[test]
fn replay_writes_the_logs_ids_and_run_columns() {
    let run = dev().join("d2_minshare/FIFO_r1");
    let out = scratch("ids");
    let o = sparksim(&[
        "replay",
        run.join("eventlog.json").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let text = stdout(&o);
    assert!(text.contains("pool") && text.contains("dash"), "{text}");
    let jobs = std::fs::read_to_string(out.join("jobs.csv")).unwrap();
    let mut lines = jobs.lines();
    assert_eq!(
        lines.next().unwrap(),
        "job_id,name,pool,submit_ms,first_launch_ms,end_ms,turnaround_ms,wait_ms,tasks,status"
    );
    let ids: Vec<(String, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect();
    // Spark's ids (job 2 was submitted before job 1 in this run) and descriptions as names.
    let want = [
        ("0", "warmup-1"),
        ("2", "etl-2"),
        ("1", "etl-1"),
        ("3", "dash-1"),
        ("4", "dash-2"),
        ("5", "dash-3"),
        ("6", "dash-4"),
    ];
    assert_eq!(ids, want.map(|(a, b)| (a.to_string(), b.to_string())));
    // Stage ids and partitions are the log's: job 2 (etl-2) ran stage 1, 30 partitions.
    let tasks = std::fs::read_to_string(out.join("tasks.csv")).unwrap();
    assert!(
        tasks.starts_with("job_id,stage_id,stage_attempt,task_index,attempt,executor_id,host,")
    );
    let mut etl2: Vec<u32> = tasks
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("2,"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f[1], "1", "{l}");
            f[3].parse().unwrap()
        })
        .collect();
    etl2.sort_unstable();
    assert_eq!(etl2, (0..30).collect::<Vec<u32>>());
    let summary = json(&out.join("summary.json"));
    assert!(summary.to_string().contains("local[6]"), "{summary}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn validate_reports_jobs_errors_and_decisions() {
    let run = dev().join("d1_fair_vs_fifo/FAIR_r1");
    let log = run.join("eventlog.json");
    let xml = run.join("fairscheduler.xml");
    let o = sparksim(&[
        "validate",
        log.to_str().unwrap(),
        "--allocation-file",
        xml.to_str().unwrap(),
        "--format",
        "json",
    ]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let jobs = v["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 5);
    for j in jobs {
        assert!(
            j["job_id"].is_i64()
                && j["real_turnaround_ms"].is_u64()
                && j["sim_turnaround_ms"].is_u64(),
            "{j}"
        );
    }
    for key in [
        "median_abs_rel_error",
        "max_abs_rel_error",
        "decision_agreement",
    ] {
        assert!(v[key].is_f64(), "{key}: {v}");
    }
    assert!(v["decision_agreement"].as_f64().unwrap() >= 0.99);
    assert_eq!(v["chains"], 2);
    // Text: the table and the summary lines.
    let o = sparksim(&[
        "validate",
        log.to_str().unwrap(),
        "--allocation-file",
        xml.to_str().unwrap(),
    ]);
    ok(&o);
    let text = stdout(&o);
    assert!(
        text.contains("interactive-3")
            && text.contains("median")
            && text.contains("decision agreement"),
        "{text}"
    );
}

#[test]
fn allocation_file_from_the_user_beside_the_log_or_defaults() {
    let run = dev().join("d1_fair_vs_fifo/FAIR_r1");
    let log = run.join("eventlog.json");
    // The logged path does not exist here; the run folder has a file of the same name.
    let o = sparksim(&["replay", log.to_str().unwrap()]);
    ok(&o);
    assert!(
        stderr(&o).contains("found beside the log"),
        "{}",
        stderr(&o)
    );
    let o = sparksim(&["inspect", log.to_str().unwrap()]);
    ok(&o);
    assert!(stdout(&o).contains("beside the log"), "{}", stdout(&o));
    // Alone, the log's pools get Spark's defaults for unknown pools, with a warning.
    let dir = scratch("alone");
    std::fs::create_dir_all(&dir).unwrap();
    let alone = dir.join("eventlog.json");
    std::fs::copy(&log, &alone).unwrap();
    let o = sparksim(&["replay", alone.to_str().unwrap()]);
    ok(&o);
    let err = stderr(&o);
    assert!(
        err.contains("not here")
            && err.contains("batch, interactive")
            && err.contains("--allocation-file"),
        "{err}"
    );
    // The user's file wins, silently.
    let xml = run.join("fairscheduler.xml");
    let o = sparksim(&[
        "replay",
        alone.to_str().unwrap(),
        "--allocation-file",
        xml.to_str().unwrap(),
    ]);
    ok(&o);
    assert!(!stderr(&o).contains("not here"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cluster_logs_run_on_their_executors_unless_the_cluster_changes() {
    let log = dev().join("d5_speculation/spec_on_r1/eventlog.json");
    let o = sparksim(&["replay", log.to_str().unwrap()]);
    ok(&o);
    assert!(
        stdout(&o).contains("(2 executors, 4 slots)"),
        "{}",
        stdout(&o)
    );
    let o = sparksim(&["replay", log.to_str().unwrap(), "--master", "local[8]"]);
    ok(&o);
    assert!(
        stdout(&o).contains("local[8] (1 executors, 8 slots)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn chained_arrivals_move_with_the_predecessor_in_a_what_if() {
    let log = dev().join("d1_fair_vs_fifo/FIFO_r1/eventlog.json");
    let xml = dev().join("d1_fair_vs_fifo/FAIR_r1/fairscheduler.xml");
    let submit = |arrivals: &str| -> BTreeMap<String, u64> {
        let out = scratch(&format!("arrivals-{arrivals}"));
        let o = sparksim(&[
            "replay",
            log.to_str().unwrap(),
            "--conf",
            "spark.scheduler.mode=FAIR",
            "--allocation-file",
            xml.to_str().unwrap(),
            "--arrivals",
            arrivals,
            "--out",
            out.to_str().unwrap(),
        ]);
        ok(&o);
        let jobs = std::fs::read_to_string(out.join("jobs.csv")).unwrap();
        std::fs::remove_dir_all(&out).unwrap();
        jobs.lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[1].to_string(), f[3].parse().unwrap())
            })
            .collect()
    };
    let (open, chained) = (submit("open"), submit("chained"));
    // Under FIFO, interactive-1 waited ~3.5 s behind the batch job, so interactive-2 came
    // late; under FAIR it finishes early and its thread submits interactive-2 early.
    assert!(
        chained["interactive-2"] + 2000 < open["interactive-2"],
        "{chained:?} {open:?}"
    );
    assert_eq!(chained["interactive-1"], open["interactive-1"]);
}

#[test]
fn metrics_durations_and_default_latencies_work() {
    let log = dev().join("d3_fair_within_pool/FIFO_r1/eventlog.json");
    for extra in [["--durations", "metrics"], ["--latencies", "defaults"]] {
        let mut args = vec!["validate", log.to_str().unwrap(), "--format", "json"];
        args.extend(extra);
        let o = sparksim(&args);
        ok(&o);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(
            v["median_abs_rel_error"].as_f64().unwrap() < 0.15,
            "{extra:?}: {v}"
        );
    }
}

#[test]
fn broken_inputs_are_errors_or_warnings_never_panics() {
    let dir = scratch("broken");
    std::fs::create_dir_all(&dir).unwrap();
    // No such file, an empty file, garbage: errors with a message and exit status 2.
    let empty = dir.join("empty");
    std::fs::write(&empty, "").unwrap();
    let garbage = dir.join("garbage");
    std::fs::write(&garbage, "this is not\nan event log\n").unwrap();
    for path in [dir.join("missing"), empty, garbage] {
        for cmd in ["inspect", "replay", "validate"] {
            let o = sparksim(&[cmd, path.to_str().unwrap()]);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{cmd} {}: {}",
                path.display(),
                stderr(&o)
            );
            assert!(stderr(&o).starts_with("error:"), "{}", stderr(&o));
            assert!(!stderr(&o).contains("panicked"));
        }
    }
    // A log cut in the middle: a result, and warnings with counts.
    let text = std::fs::read_to_string(dev().join("d2_minshare/FAIR_r1/eventlog.json")).unwrap();
    let cut = dir.join("cut.json");
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let o = sparksim(&["replay", cut.to_str().unwrap()]);
    ok(&o);
    let err = stderr(&o);
    assert!(
        err.contains("job never ended x") || err.contains("task never ended x"),
        "{err}"
    );
    let o = sparksim(&["validate", cut.to_str().unwrap(), "--format", "json"]);
    ok(&o);
    let o = sparksim(&["inspect", cut.to_str().unwrap()]);
    ok(&o);
    assert!(
        stdout(&o).contains("truncated tail") || stdout(&o).contains("unfinished"),
        "{}",
        stdout(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compare_log_replays_a_fifo_log_under_fair_with_the_logs_ids() {
    let run = dev().join("d1_fair_vs_fifo/FIFO_r1");
    let xml = dev().join("d1_fair_vs_fifo/FAIR_r1/fairscheduler.xml");
    let out = scratch("compare-log");
    let o = sparksim(&[
        "compare",
        "--log",
        run.join("eventlog.json").to_str().unwrap(),
        "--allocation-file",
        xml.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    assert!(stdout(&o).contains("FAIR/FIFO"), "{}", stdout(&o));
    let real: serde_json::Value = json(&run.join("observed.json"));
    let logged_ids: std::collections::BTreeSet<String> = real["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["spark_job_id"].to_string())
        .collect();
    let jobs = std::fs::read_to_string(out.join("FAIR").join("jobs.csv")).unwrap();
    for line in jobs.lines().skip(1).filter(|l| !l.contains("warmup")) {
        let id = line.split(',').next().unwrap().to_string();
        assert!(logged_ids.contains(&id), "job id {id} is the log's: {line}");
    }
    let _ = std::fs::remove_dir_all(&out);
}
