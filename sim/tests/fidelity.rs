//! Fidelity against real Spark 3.5.9: every local-mode run in `shared/fidelity/dev/` is
//! simulated under its recorded configuration (the scenario's cluster, scheduler mode and
//! pools; default knobs) and each job's turnaround compared with the real one.
//!
//! Bounds from the issue: over all jobs of those runs, the median absolute relative error is
//! at most 5% and the 90th percentile at most 15%, both for the real arrivals
//! (`scenario_observed.json`) and for the designed arrivals with `after` chains
//! (`scenario.json`). Real Spark's own run-to-run spread is a median 1.7%, p90 9%.

use policies::conf::SparkConf;
use sim::setup::{apply_workload_conf, prepare};
use sim::simulation::Simulation;
use std::path::{Path, PathBuf};

fn dev_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fidelity/dev")
}

/// Run folders whose scenario is a local-mode cluster.
fn local_runs() -> Vec<PathBuf> {
    let mut runs = Vec::new();
    for scenario in
        std::fs::read_dir(dev_root()).expect("shared/fidelity/dev is beside the checkout")
    {
        for run in std::fs::read_dir(scenario.unwrap().path()).unwrap() {
            let run = run.unwrap().path();
            let text = std::fs::read_to_string(run.join("scenario.json")).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            if json["cluster"]["type"] == "local" {
                runs.push(run);
            }
        }
    }
    runs.sort();
    runs
}

/// (job name → real turnaround) from `observed.json`.
fn observed(run: &Path) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(run.join("observed.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| {
            (
                j["name"].as_str().unwrap().to_string(),
                j["turnaround_ms"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn simulate(path: &Path) -> Vec<(String, u64)> {
    let workload = workloads::scenario::load_scenario(path).unwrap().workload;
    let mut conf = SparkConf::new();
    apply_workload_conf(&mut conf, &workload);
    let prepared = prepare(&conf, &workload, 0).unwrap();
    let out = Simulation::new(&workload, prepared.setup).run();
    out.jobs
        .iter()
        .map(|j| (j.name.clone(), j.turnaround_ms().expect("every job ends")))
        .collect()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn check(file: &str) -> (f64, f64) {
    let mut errors = Vec::new();
    println!(
        "\n{file}\n{:<34} {:<16} {:>7} {:>7} {:>7}",
        "run", "job", "real", "sim", "error"
    );
    for run in local_runs() {
        let sim = simulate(&run.join(file));
        let label = run.strip_prefix(dev_root()).unwrap().display().to_string();
        for (name, real) in observed(&run) {
            let (_, s) = sim
                .iter()
                .find(|(n, _)| *n == name)
                .expect("the simulation has every job");
            let err = (*s as f64 - real as f64) / real as f64;
            errors.push(err.abs());
            println!(
                "{label:<34} {name:<16} {real:>7} {s:>7} {:>+6.1}%",
                err * 100.0
            );
        }
    }
    errors.sort_by(f64::total_cmp);
    let (median, p90) = (percentile(&errors, 0.5), percentile(&errors, 0.9));
    println!(
        "{file}: {} jobs, median |error| {:.1}%, p90 {:.1}%",
        errors.len(),
        median * 100.0,
        p90 * 100.0
    );
    (median, p90)
}

#[test]
fn fidelity_local_runs_real_arrivals() {
    let (median, p90) = check("scenario_observed.json");
    assert!(median <= 0.05, "median {median}");
    assert!(p90 <= 0.15, "p90 {p90}");
}

#[test]
fn fidelity_local_runs_designed_arrivals_with_chains() {
    let (median, p90) = check("scenario.json");
    assert!(median <= 0.05, "median {median}");
    assert!(p90 <= 0.15, "p90 {p90}");
}

/// (job name, stage position in the job, task index) of every speculative copy in the real run.
fn real_speculative_copies(run: &Path) -> Vec<(String, usize, u64)> {
    let text = std::fs::read_to_string(run.join("observed.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let jobs = json["jobs"].as_array().unwrap();
    let mut copies: Vec<_> = json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["speculative"] == true)
        .map(|t| {
            let job = jobs
                .iter()
                .find(|j| j["spark_job_id"] == t["spark_job_id"])
                .unwrap();
            let mut stages: Vec<u64> = job["stage_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_u64().unwrap())
                .collect();
            stages.sort_unstable();
            let position = stages
                .iter()
                .position(|&s| s == t["stage_id"].as_u64().unwrap())
                .unwrap();
            (
                job["name"].as_str().unwrap().to_string(),
                position,
                t["task_index"].as_u64().unwrap(),
            )
        })
        .collect();
    copies.sort();
    copies
}

/// Spark's speculation on a real 2-host standalone cluster (d5): the simulator must launch
/// copies for the same task indices as the real run and predict each job's turnaround within
/// 10%, with speculation on and off, for real and designed arrivals.
#[test]
fn fidelity_standalone_speculation_runs() {
    let mut worst: f64 = 0.0;
    for run in std::fs::read_dir(dev_root().join("d5_speculation")).unwrap() {
        let run = run.unwrap().path();
        let real = observed(&run);
        let expected_copies = real_speculative_copies(&run);
        for file in ["scenario_observed.json", "scenario.json"] {
            let workload = workloads::scenario::load_scenario(run.join(file))
                .unwrap()
                .workload;
            let mut conf = SparkConf::new();
            apply_workload_conf(&mut conf, &workload);
            let out = Simulation::new(&workload, prepare(&conf, &workload, 0).unwrap().setup).run();
            let mut copies: Vec<_> = out
                .tasks
                .iter()
                .filter(|t| t.speculative)
                .map(|t| {
                    let job = &out.jobs[t.job as usize];
                    let position = job.stage_ids.iter().position(|&s| s == t.stage_id).unwrap();
                    (job.name.clone(), position, u64::from(t.task_index))
                })
                .collect();
            copies.sort();
            let label = format!("{}/{file}", run.file_name().unwrap().to_string_lossy());
            println!("{label}: speculative copies real {expected_copies:?} sim {copies:?}");
            assert_eq!(copies, expected_copies, "{label}");
            for (name, real_ms) in &real {
                let sim_ms = out
                    .jobs
                    .iter()
                    .find(|j| &j.name == name)
                    .unwrap()
                    .turnaround_ms()
                    .unwrap();
                let err = (sim_ms as f64 - *real_ms as f64) / *real_ms as f64;
                println!(
                    "{label:<40} {name:<8} real {real_ms:>6} sim {sim_ms:>6} {:+.1}%",
                    err * 100.0
                );
                worst = worst.max(err.abs());
            }
        }
    }
    assert!(worst <= 0.10, "worst job error {worst}");
}
