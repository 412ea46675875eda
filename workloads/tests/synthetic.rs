//! The synthetic generator: determinism, distribution means, spec errors, the example specs,
//! and that generated workloads validate and round-trip through scenario files.

use std::path::{Path, PathBuf};

use workloads::model::Workload;
use workloads::rng::stream;
use workloads::scenario::{parse_scenario, scenario_to_string};
use workloads::synthetic::{
    DistSpec, Sampler, SyntheticError, SyntheticSpec, generate, generate_replication,
    load_synthetic_spec, parse_synthetic_spec,
};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn spec(text: &str) -> SyntheticSpec {
    parse_synthetic_spec(text, Path::new("spec.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn spec_err(text: &str) -> String {
    match parse_synthetic_spec(text, Path::new("spec.toml")) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("spec.toml: "),
                "does not name the file: {msg}"
            );
            msg
        }
    }
}

const SMALL: &str = r#"
scheduler_mode = "FAIR"
horizon_ms = 60_000
[[pools]]
name = "a"
schedulingMode = "FAIR"
weight = 2
[[pools.classes]]
name = "q"
arrivals = { process = "poisson", rate_per_s = 1.0 }
stages = { dist = "uniform", min = 1, max = 3 }
tasks = { dist = "exponential", mean = 5 }
task_duration_ms = { dist = "lognormal", mean = 300, sigma = 0.5 }
skew = { fraction = 0.1, factor = 5.0, kind = "straggler" }
[[pools]]
name = "b"
[[pools.classes]]
name = "s"
arrivals = { process = "fixed", every_ms = 0, offset_ms = 2000 }
count = 5
sequential = true
gap_ms = { dist = "exponential", mean = 100 }
tasks = 4
task_duration_ms = 300
"#;

fn text_of(w: &Workload) -> String {
    scenario_to_string(w).unwrap()
}

#[test]
fn same_seed_same_bytes_different_seed_different() {
    let s = spec(SMALL);
    let a = text_of(&generate(&s, 7));
    assert_eq!(a, text_of(&generate(&s, 7)));
    assert_eq!(
        a,
        text_of(&generate(&spec(SMALL), 7)),
        "reloading the spec changes nothing"
    );
    assert_ne!(a, text_of(&generate(&s, 8)));
    assert_ne!(a, text_of(&generate_replication(&s, 7, 1)));
}

#[test]
fn generated_workload_validates_and_round_trips() {
    let w = generate(&spec(SMALL), 42);
    w.validate().unwrap();
    assert_eq!(w.seed, Some(42));
    assert_eq!(w.name, "spec");
    let text = text_of(&w);
    let back = parse_scenario(&text, Path::new("gen.json")).unwrap();
    assert!(back.warnings.is_empty());
    assert_eq!(back.workload, w);
}

#[test]
fn generated_structure_follows_the_spec() {
    let w = generate(&spec(SMALL), 1);
    // arrival order, chains, names and pools
    assert!(w.jobs.windows(2).all(|p| p[0].submit_ms <= p[1].submit_ms));
    assert!(w.jobs.iter().all(|j| j.submit_ms < 60_000));
    let seq: Vec<usize> = (0..w.jobs.len())
        .filter(|&i| w.jobs[i].pool.as_deref() == Some("b"))
        .collect();
    assert_eq!(seq.len(), 5);
    assert_eq!(w.jobs[seq[0]].name, "b/s-1");
    assert!(w.jobs[seq[0]].after.is_none());
    for k in 1..5 {
        let j = &w.jobs[seq[k]];
        assert_eq!(j.submit_ms, 2000);
        assert_eq!(j.after.map(|a| a.job), Some(seq[k - 1]));
        assert_eq!(j.stages[0].task_durations_ms, [300; 4]);
    }
    let q: Vec<_> = w
        .jobs
        .iter()
        .filter(|j| j.pool.as_deref() == Some("a"))
        .collect();
    assert!(
        (30..=100).contains(&q.len()),
        "poisson 1/s over 60 s gave {}",
        q.len()
    );
    for j in &q {
        assert!((1..=3).contains(&j.stages.len()));
        for (s, st) in j.stages.iter().enumerate() {
            assert_eq!(st.parents, if s == 0 { vec![] } else { vec![s - 1] });
            assert!(st.num_tasks() >= 1);
            if let Some(r) = &st.retry_task_durations_ms {
                assert!(
                    st.task_durations_ms.iter().zip(r).any(|(a, b)| a > b),
                    "a straggler is slower first"
                );
            }
        }
    }
    assert!(
        q.iter()
            .any(|j| j.stages.iter().any(|s| s.retry_task_durations_ms.is_some()))
    );
    assert_eq!(w.pools.len(), 2);
    assert_eq!(
        (w.pools[0].scheduling_mode.as_str(), w.pools[0].weight),
        ("FAIR", 2)
    );
    assert_eq!(w.pools[1].scheduling_mode, "FIFO");
}

#[test]
fn changing_one_class_leaves_the_other_untouched() {
    let base = generate(&spec(SMALL), 3);
    let changed = generate(
        &spec(&SMALL.replace("mean = 300, sigma = 0.5", "mean = 900, sigma = 1.5")),
        3,
    );
    // pool b's jobs (apart from `after` indices, which depend on the merge) are identical
    let durations = |w: &Workload, p: &str| -> Vec<(u64, Vec<Vec<u64>>)> {
        w.jobs
            .iter()
            .filter(|j| j.pool.as_deref() == Some(p))
            .map(|j| {
                let d = j.stages.iter().map(|s| s.task_durations_ms.clone());
                (j.submit_ms, d.collect())
            })
            .collect()
    };
    assert_eq!(durations(&base, "b"), durations(&changed, "b"));
    // pool a keeps its arrivals and task counts, only durations change
    let shape = |w: &Workload| -> Vec<(u64, Vec<usize>)> {
        w.jobs
            .iter()
            .filter(|j| j.pool.as_deref() == Some("a"))
            .map(|j| {
                (
                    j.submit_ms,
                    j.stages.iter().map(|s| s.num_tasks()).collect(),
                )
            })
            .collect()
    };
    assert_eq!(shape(&base), shape(&changed));
    assert_ne!(durations(&base, "a"), durations(&changed, "a"));
}

/// Mean of `n` draws from the stream `label`.
fn sample_mean(spec: &DistSpec, n: usize, label: &str) -> f64 {
    let sampler = Sampler::new(spec).unwrap();
    let mut rng = stream(2024, 0, label);
    (0..n).map(|_| sampler.sample(&mut rng)).sum::<f64>() / n as f64
}

#[test]
fn distribution_sample_means_match() {
    let n = 200_000;
    let cases = [
        (DistSpec::Constant(42.0), 42.0, 1e-12),
        (DistSpec::Exponential { mean: 500.0 }, 500.0, 0.01),
        (
            DistSpec::LogNormal {
                mean: Some(300.0),
                mu: None,
                sigma: 0.5,
            },
            300.0,
            0.01,
        ),
        (
            DistSpec::LogNormal {
                mean: None,
                mu: Some(5.0),
                sigma: 0.8,
            },
            (5.0f64 + 0.32).exp(),
            0.015,
        ),
        (
            DistSpec::Pareto {
                scale: 500.0,
                shape: 3.0,
            },
            750.0,
            0.02,
        ),
        (
            DistSpec::Uniform {
                min: 100.0,
                max: 800.0,
            },
            450.0,
            0.01,
        ),
        (DistSpec::Uniform { min: 0.5, max: 1.5 }, 1.0, 0.01),
    ];
    for (spec, mean, rel) in cases {
        let got = sample_mean(&spec, n, &format!("{spec:?}"));
        assert!(
            (got - mean).abs() <= rel * mean,
            "{spec:?}: sample mean {got}, expected {mean}"
        );
        let declared = Sampler::new(&spec).unwrap().mean().unwrap();
        assert!(
            (declared - mean).abs() < 1e-9 * mean,
            "{spec:?}: mean() {declared}"
        );
    }
    assert_eq!(
        Sampler::new(&DistSpec::Pareto {
            scale: 1.0,
            shape: 1.0
        })
        .unwrap()
        .mean(),
        None
    );
}

#[test]
fn integer_uniform_hits_every_value_equally() {
    let s = Sampler::new(&DistSpec::Uniform { min: 2.0, max: 8.0 }).unwrap();
    let mut rng = stream(1, 0, "uniform-int");
    let mut counts = [0u32; 10];
    for _ in 0..70_000 {
        counts[s.sample_int(&mut rng, 0, 100) as usize] += 1;
    }
    assert_eq!((counts[0], counts[1], counts[9]), (0, 0, 0));
    assert!(
        counts[2..=8].iter().all(|&c| (9_000..11_000).contains(&c)),
        "{counts:?}"
    );
}

#[test]
fn skew_fraction_and_factor() {
    let text = r#"
max_jobs = 1
[[classes]]
name = "c"
arrivals = { process = "fixed", every_ms = 1 }
tasks = 100_000
task_duration_ms = 100
skew = { fraction = 0.05, factor = 10.0 }
"#;
    let w = generate(&spec(text), 9);
    let d = &w.jobs[0].stages[0].task_durations_ms;
    let slow = d.iter().filter(|&&x| x == 1000).count();
    assert_eq!(slow + d.iter().filter(|&&x| x == 100).count(), 100_000);
    assert!((4_500..5_500).contains(&slow), "{slow} slow tasks");
    assert!(
        w.jobs[0].stages[0].retry_task_durations_ms.is_none(),
        "data skew slows every attempt"
    );
    assert_eq!(w.jobs[0].pool, None);
    assert_eq!(w.jobs[0].name, "c-1");
}

#[test]
fn max_jobs_keeps_the_earliest() {
    let text = r#"
max_jobs = 3
[[classes]]
name = "late"
arrivals = { process = "fixed", every_ms = 10, offset_ms = 5 }
tasks = 1
task_duration_ms = 1
[[classes]]
name = "early"
arrivals = { process = "fixed", every_ms = 10 }
tasks = 1
task_duration_ms = 1
"#;
    let w = generate(&spec(text), 0);
    let names: Vec<&str> = w.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["early-1", "late-1", "early-2"]);
}

#[test]
fn toml_errors_name_file_key_and_expectation() {
    let base = "horizon_ms = 1000\n[[classes]]\nname = \"c\"\narrivals = { process = \"poisson\", rate_per_s = 1 }\ntasks = 1\ntask_duration_ms = 1\n";
    spec(base);
    let cases: Vec<(String, &str)> = vec![
        (format!("colour = 1\n{base}"), "unknown field `colour`"),
        (
            base.replace("tasks = 1", "tasks = \"many\""),
            "expected a number or a table",
        ),
        (
            base.replace("tasks = 1", "tasks = { dist = \"normal\", mean = 1 }"),
            "unknown variant `normal`",
        ),
        (
            base.replace("tasks = 1", "tasks = { dist = \"lognormal\", mean = 1 }"),
            "missing field `sigma`",
        ),
        (
            base.replace("process = \"poisson\"", "process = \"poison\""),
            "unknown variant `poison`",
        ),
        (
            base.replace("horizon_ms = 1000", "horizon_ms = -5"),
            "horizon_ms",
        ),
        (base.replace("tasks = 1\n", ""), "missing field `tasks`"),
        (
            base.replace("name = \"c\"", "name = \"c\"\n[x"),
            "TOML parse error",
        ),
        (
            base.replace("tasks = 1", "tasks = { dist = \"exponential\", mean = -2 }"),
            "classes[0] (\"c\").tasks: `mean` must be a positive number, found -2",
        ),
        (
            base.replace(
                "tasks = 1",
                "tasks = { dist = \"lognormal\", mean = 3, mu = 1, sigma = 1 }",
            ),
            "exactly one of `mean` or `mu`",
        ),
        (
            base.replace("rate_per_s = 1", "rate_per_s = 0"),
            "classes[0] (\"c\").arrivals: the rate and mean inter-arrival time must be positive",
        ),
        (
            base.replace("rate_per_s = 1", "rate_per_s = 1, mean_interarrival_ms = 3"),
            "exactly one of `rate_per_s` or `mean_interarrival_ms`",
        ),
        (base.replace("horizon_ms = 1000\n", ""), "unbounded"),
        (
            base.replace("rate_per_s = 1", "rate_per_s = 1e9"),
            "above the limit of 10000000",
        ),
        (
            base.replace(
                "process = \"poisson\", rate_per_s = 1",
                "process = \"fixed\", every_ms = 0",
            ),
            "every_ms = 0",
        ),
        (
            format!("{base}skew = {{ fraction = 1.5, factor = 2 }}\n"),
            "skew.fraction: expected a number in [0, 1]",
        ),
        (
            format!("{base}gap_ms = 5\n"),
            "`gap_ms` only applies with `sequential = true`",
        ),
        (
            format!("scheduler_mode = \"LIFO\"\n{base}"),
            "scheduler_mode: expected \"FAIR\" or \"FIFO\"",
        ),
        (
            format!(
                "{base}[[classes]]\nname = \"c\"\narrivals = {{ process = \"fixed\", every_ms = 5 }}\ntasks = 1\ntask_duration_ms = 1\n"
            ),
            "two job classes",
        ),
        ("horizon_ms = 5\n".to_string(), "no job classes"),
        (
            format!("{base}[cluster]\nexecutor_memory = \"huge\"\n"),
            "cluster.executor_memory: expected a size",
        ),
        (
            format!("{base}[cluster]\ntask_cpus = 0\n"),
            "task_cpus must be at least 1",
        ),
        (
            format!("{base}[conf]\n\"spark.x\" = [1]\n"),
            "conf.\"spark.x\": expected a string, number or boolean",
        ),
        (
            format!("{base}[[pools]]\nname = \"p\"\ncount = 0\n"),
            "`count` must be at least 1",
        ),
        (
            format!("{base}[[pools]]\nname = \"p\"\nschedulingMode = \"RR\"\n"),
            "pools[0] (\"p\").schedulingMode",
        ),
    ];
    for (text, want) in cases {
        let e = spec_err(&text);
        assert!(e.contains(want), "want {want:?} in:\n{e}\nfor:\n{text}");
    }
}

#[test]
fn missing_spec_file_names_it() {
    let e = load_synthetic_spec("/nonexistent/x.toml").unwrap_err();
    assert!(matches!(e, SyntheticError::Io { .. }));
    assert!(e.to_string().starts_with("/nonexistent/x.toml"), "{e}");
}

#[test]
fn conf_table_accepts_quoted_and_dotted_keys() {
    let text = "max_jobs = 1\n[conf]\n\"spark.task.maxFailures\" = 4\n\"spark.speculation\" = true\nspark.dynamicAllocation.enabled = false\n[[classes]]\nname = \"c\"\narrivals = { process = \"fixed\", every_ms = 1 }\ntasks = 1\ntask_duration_ms = 1\n";
    let w = generate(&spec(text), 0);
    let conf: Vec<(&str, &str)> = w
        .conf
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        conf,
        [
            ("spark.speculation", "true"),
            ("spark.dynamicAllocation.enabled", "false"),
            ("spark.task.maxFailures", "4")
        ]
    );
}

#[test]
fn fair_example_generates_a_fair_mix() {
    let s = load_synthetic_spec(example("synthetic-fair.toml")).unwrap_or_else(|e| panic!("{e}"));
    let w = generate(&s, 1);
    w.validate().unwrap();
    assert_eq!(w.name, "synthetic-fair");
    assert_eq!(w.scheduler_mode.as_deref(), Some("FAIR"));
    let pools: Vec<&str> = w.pools.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(pools, ["interactive", "batch"]);
    assert_eq!(w.cluster.as_ref().unwrap().local_cores(), Some(8));
    assert!(w.jobs.iter().any(|j| j.after.is_some()));
    assert_eq!(
        w.jobs
            .iter()
            .filter(|j| j.pool.as_deref() == Some("batch"))
            .count(),
        30
    );
    let text = text_of(&w);
    assert_eq!(
        parse_scenario(&text, Path::new("x.json")).unwrap().workload,
        w
    );
}

#[test]
fn reference_example_has_about_a_million_tasks() {
    let s = load_synthetic_spec(example("reference-1m.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.pools().len(), 20);
    let c = s.cluster().unwrap();
    assert_eq!(c.workers.len(), 50);
    assert_eq!(c.workers[0].host, "worker-01");
    let slots: u32 = c.workers.iter().map(|w| w.cores).sum();
    assert_eq!(slots / c.executor_cores.unwrap(), 200);
    let start = std::time::Instant::now();
    let w = generate(&s, 1);
    eprintln!("reference-1m: generated in {:?}", start.elapsed());
    w.validate().unwrap();
    let tasks = w.total_tasks();
    eprintln!("reference-1m: {} jobs, {tasks} tasks", w.jobs.len());
    assert!((900_000..1_100_000).contains(&tasks), "{tasks} tasks");
    let pools: std::collections::BTreeSet<&str> =
        w.jobs.iter().filter_map(|j| j.pool.as_deref()).collect();
    assert_eq!(pools.len(), 20);
    assert!(pools.contains("dash-01") && pools.contains("dash-10") && pools.contains("etl-8"));
    let start = std::time::Instant::now();
    let text = text_of(&w);
    let back = parse_scenario(&text, Path::new("reference-1m.json")).unwrap();
    eprintln!(
        "reference-1m: {} bytes written and read back in {:?}",
        text.len(),
        start.elapsed()
    );
    assert!(back.workload == w);
}
