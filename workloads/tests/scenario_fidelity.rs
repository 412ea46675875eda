//! Every fidelity scenario file (`shared/fidelity/dev/*/*/scenario*.json`) loads as is, means
//! what the fidelity README says, and round-trips through `write_scenario`.

use std::path::{Path, PathBuf};

use workloads::model::{After, ClusterKind, Workload};
use workloads::scenario::{LoadedScenario, load_scenario, parse_scenario, scenario_to_string};

fn fidelity_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fidelity/dev")
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let dir = fidelity_dir();
    let scenarios = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for scenario in scenarios {
        let runs = std::fs::read_dir(scenario.unwrap().path()).unwrap();
        for run in runs {
            let run = run.unwrap().path();
            for name in ["scenario.json", "scenario_observed.json"] {
                if run.join(name).is_file() {
                    files.push(run.join(name));
                }
            }
        }
    }
    files.sort();
    files
}

fn load(rel: &str) -> LoadedScenario {
    let path = fidelity_dir().join(rel);
    load_scenario(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn round_trip(w: &Workload) -> Workload {
    let text = scenario_to_string(w).unwrap();
    let back = parse_scenario(&text, Path::new("round-trip.json"))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    back.workload
}

#[test]
fn all_fidelity_files_load_without_warnings_and_round_trip() {
    let files = scenario_files();
    assert!(
        files.len() >= 40,
        "found only {} scenario files",
        files.len()
    );
    for path in files {
        let loaded = load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            loaded.warnings.is_empty(),
            "{}: {:?}",
            path.display(),
            loaded.warnings
        );
        let w = loaded.workload;
        assert!(!w.jobs.is_empty(), "{}", path.display());
        assert!(w.warmup.is_some(), "{}", path.display());
        assert_eq!(round_trip(&w), w, "{}", path.display());
        let text = scenario_to_string(&w).unwrap();
        assert_eq!(
            scenario_to_string(&round_trip(&w)).unwrap(),
            text,
            "{}",
            path.display()
        );
    }
}

#[test]
fn d1_fair_has_pools_chains_and_local_cluster() {
    let w = load("d1_fair_vs_fifo/FAIR_r1/scenario.json").workload;
    assert_eq!(w.name, "d1_fair_vs_fifo");
    assert_eq!(w.scheduler_mode.as_deref(), Some("FAIR"));
    assert_eq!(w.spark_version.as_deref(), Some("3.5.9"));
    assert_eq!(w.tail_ms, Some(500));
    let pools: Vec<(&str, &str, i32, i32)> = w
        .pools
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.scheduling_mode.as_str(),
                p.weight,
                p.min_share,
            )
        })
        .collect();
    assert_eq!(
        pools,
        [("batch", "FAIR", 1, 0), ("interactive", "FAIR", 3, 2)]
    );
    let c = w.cluster.as_ref().unwrap();
    assert_eq!(c.kind, ClusterKind::Local);
    assert_eq!(c.local_cores(), Some(4));
    assert_eq!(c.executors.len(), 1);
    assert_eq!(
        (c.executors[0].id.as_str(), c.executors[0].cores),
        ("driver", 4)
    );
    assert_eq!(c.task_cpus, Some(1));
    let names: Vec<&str> = w.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(
        names,
        ["batch-1", "interactive-1", "interactive-2", "interactive-3"]
    );
    assert_eq!(w.jobs[0].pool.as_deref(), Some("batch"));
    assert_eq!(w.jobs[0].num_tasks(), 40);
    assert!(
        w.jobs[0].stages[0]
            .task_durations_ms
            .iter()
            .all(|&d| d == 500)
    );
    assert_eq!(w.jobs[1].submit_ms, 2000);
    assert_eq!(w.jobs[1].after, None);
    assert_eq!(w.jobs[2].after, Some(After { job: 1, gap_ms: 0 }));
    assert_eq!(w.jobs[3].after, Some(After { job: 2, gap_ms: 0 }));
    assert_eq!(w.total_tasks(), 52);
    // warm-up is kept apart from the measured jobs
    let warm = w.warmup.as_ref().unwrap();
    assert_eq!(warm.jobs.len(), 1);
    assert_eq!(warm.jobs[0].name, "warmup-1");
    assert_eq!(warm.settle_ms, 500);
    assert!(w.conf.is_empty());
}

#[test]
fn observed_variant_is_open_loop() {
    let w = load("d1_fair_vs_fifo/FAIR_r1/scenario_observed.json").workload;
    assert!(w.jobs.iter().all(|j| j.after.is_none()));
    assert!(w.jobs[2].submit_ms > w.jobs[1].submit_ms);
}

#[test]
fn d4_has_two_stage_jobs_and_seed() {
    let w = load("d4_two_stage/FAIR_r1/scenario.json").workload;
    assert_eq!(w.seed, Some(4004));
    let etl1 = &w.jobs[0];
    assert_eq!(etl1.stages.len(), 2);
    assert_eq!(etl1.stages[0].num_tasks(), 16);
    assert_eq!(etl1.stages[1].parents, [0]);
    assert_eq!(
        etl1.stages[1].task_durations_ms,
        [120, 190, 800, 350, 250, 340, 770, 380]
    );
    assert_eq!(w.pools[0].scheduling_mode, "FIFO");
    assert_eq!(w.total_tasks(), 70);
}

#[test]
fn d5_has_speculation_conf_retries_and_standalone_cluster() {
    let w = load("d5_speculation/spec_on_r1/scenario.json").workload;
    assert_eq!(w.conf_value("spark.speculation"), Some("true"));
    assert_eq!(w.conf_value("spark.speculation.quantile"), Some("0.75"));
    assert_eq!(w.conf_value("spark.speculation.interval"), Some("100ms"));
    let keys: Vec<&str> = w.conf.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "spark.speculation",
            "spark.speculation.interval",
            "spark.speculation.multiplier",
            "spark.speculation.quantile"
        ],
        "file order"
    );
    let c = w.cluster.as_ref().unwrap();
    assert_eq!(c.kind, ClusterKind::Standalone);
    assert_eq!(c.master.as_deref(), Some("spark://127.0.0.1:7077"));
    assert_eq!(c.workers.len(), 2);
    assert_eq!(
        (c.workers[0].host.as_str(), c.workers[0].cores),
        ("127.0.0.2", 2)
    );
    assert_eq!(c.workers[0].memory_mb, Some(1024));
    assert_eq!(c.executor_memory_mb, Some(512));
    assert_eq!(
        (c.executor_cores, c.cores_max, c.static_executors),
        (Some(2), Some(4), Some(2))
    );
    assert!(!c.dynamic_allocation);
    let s = &w.jobs[0].stages[0];
    assert_eq!(s.task_durations_ms[0], 5000);
    assert_eq!(s.attempt_duration_ms(0, 1), 500);
    assert_eq!(
        w.jobs[1].after,
        Some(After {
            job: 0,
            gap_ms: 1000
        })
    );
    assert!(w.jobs[0].pool.is_none());
    assert!(w.pools.is_empty());

    let off = load("d5_speculation/spec_off_r1/scenario.json").workload;
    assert_eq!(off.conf_value("spark.speculation"), Some("false"));
}

#[test]
fn d6_has_dynamic_allocation() {
    let w = load("d6_dynalloc/dynalloc_r1/scenario.json").workload;
    let c = w.cluster.as_ref().unwrap();
    assert!(c.dynamic_allocation);
    assert_eq!(c.cores_max, None);
    assert_eq!(c.static_executors, None);
    assert_eq!(c.executor_cores, Some(1));
    assert_eq!(
        w.conf_value("spark.dynamicAllocation.maxExecutors"),
        Some("4")
    );
    assert_eq!(
        w.conf_value("spark.dynamicAllocation.executorIdleTimeout"),
        Some("5s")
    );
    assert_eq!(w.conf.len(), 8);
    assert_eq!(w.conf[0].0, "spark.dynamicAllocation.enabled");
    assert_eq!(w.tail_ms, Some(12000));
    assert_eq!(w.warmup.as_ref().unwrap().wait_executors, 1);
    assert_eq!(
        w.jobs[1].after,
        Some(After {
            job: 0,
            gap_ms: 12000
        })
    );
}
