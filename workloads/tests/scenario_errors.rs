//! Bad scenario files give errors that name the file, place and expectation — never a panic —
//! and the lighter hand-written form loads.

use std::path::Path;

use proptest::prelude::*;
use workloads::model::{After, Job, PoolDecl, Stage, Workload};
use workloads::scenario::{
    LoadedScenario, ScenarioError, load_scenario, parse_scenario, scenario_to_string,
    write_scenario,
};

const FILE: &str = "my-scenario.json";

fn parse(text: &str) -> Result<LoadedScenario, ScenarioError> {
    parse_scenario(text, Path::new(FILE))
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(s) => panic!("accepted: {:?}", s.workload),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with(FILE),
                "message does not name the file: {msg}"
            );
            msg
        }
    }
}

/// A file with the given jobs JSON.
fn with_jobs(jobs: &str) -> String {
    format!(r#"{{"format_version": 1, "scenario": "t", "jobs": {jobs}}}"#)
}

const GOOD: &str = r#"{
 "format_version": 1,
 "scenario": "t",
 "jobs": [
  {"name": "a", "pool": null, "submit_offset_ms": 0,
   "stages": [{"num_tasks": 2, "task_durations_ms": [10, 20], "parents": []}]},
  {"name": "b", "pool": "p", "submit_offset_ms": 5, "after": {"job": "a", "gap_ms": 3},
   "stages": [{"num_tasks": 1, "task_durations_ms": [7], "parents": []}]}
 ]
}"#;

#[test]
fn good_file_loads() {
    let w = parse(GOOD).unwrap().workload;
    assert_eq!(w.jobs[1].after, Some(After { job: 0, gap_ms: 3 }));
}

#[test]
fn bad_json_names_line_and_column() {
    let e = err("{\n \"jobs\": [\n  {\"name\": \"a\",,}\n ]\n}");
    assert!(e.starts_with("my-scenario.json:3:"), "{e}");
    assert!(e.contains("invalid JSON"), "{e}");
}

#[test]
fn every_truncation_of_a_good_file_is_an_error_not_a_panic() {
    for cut in 0..GOOD.len() - 1 {
        let e = err(&GOOD[..cut]);
        if cut > 1 {
            assert!(e.contains("invalid JSON"), "cut at {cut}: {e}");
        }
    }
    assert!(err(&GOOD[..GOOD.len() - 1]).contains("truncated"));
}

#[test]
fn wrong_types_name_job_stage_and_key() {
    let e = err(&with_jobs(
        r#"[{"name": "etl-1", "stages": [{"num_tasks": "4", "duration_ms": 5}]}]"#,
    ));
    assert!(
        e.contains(r#"jobs[0] ("etl-1").stages[0].num_tasks"#),
        "{e}"
    );
    assert!(
        e.contains(r#"expected a non-negative integer, found the string "4""#),
        "{e}"
    );

    let e = err(&with_jobs(
        r#"[{"name": "x", "submit_offset_ms": true, "stages": []}]"#,
    ));
    assert!(
        e.contains(
            r#"jobs[0] ("x").submit_offset_ms: expected a non-negative integer, found true"#
        ),
        "{e}"
    );

    let e = err(&with_jobs(r#"{"name": "x"}"#));
    assert!(
        e.contains("jobs: expected an array, found an object"),
        "{e}"
    );

    let e = err(r#"{"jobs": [], "pools": [{"name": "p", "weight": "heavy"}]}"#);
    assert!(e.contains("pools[0].weight: expected an integer"), "{e}");

    let e = err(
        r#"{"jobs": [], "cluster": {"workers": [{"host": "h", "cores": 2, "memory": "lots"}]}}"#,
    );
    assert!(e.contains("cluster.workers[0].memory"), "{e}");

    let e = err(r#"{"jobs": [], "scheduler_mode": "FAIRR"}"#);
    assert!(
        e.contains(r#"scheduler_mode: expected "FAIR" or "FIFO""#),
        "{e}"
    );

    let e = err("[1, 2]");
    assert!(e.contains("top level: expected an object"), "{e}");

    let e = err(r#"{"scenario": "t"}"#);
    assert!(e.contains("missing `jobs`"), "{e}");
}

#[test]
fn negative_durations_name_job_stage_and_task() {
    let e = err(&with_jobs(
        r#"[{"name": "j", "stages": [{"task_durations_ms": [5, -3]}]}]"#,
    ));
    assert!(e.contains(r#"jobs[0] ("j").stages[0].task_durations_ms[1]: expected a non-negative integer, found the number -3"#), "{e}");
    let e = err(&with_jobs(
        r#"[{"name": "j", "stages": [{"num_tasks": 2, "duration_ms": -1}]}]"#,
    ));
    assert!(e.contains("duration_ms"), "{e}");
    let e = err(&with_jobs(
        r#"[{"name": "j", "stages": [{"task_durations_ms": [1.5]}]}]"#,
    ));
    assert!(e.contains("found the number 1.5"), "{e}");
}

#[test]
fn stage_cycles_and_missing_parents_are_errors() {
    let self_parent = r#"[{"name": "j", "stages": [{"task_durations_ms": [1], "parents": [0]}]}]"#;
    let e = err(&with_jobs(self_parent));
    assert!(
        e.contains(r#"job 0 ("j") stage 0: parent 0 is not an earlier stage"#),
        "{e}"
    );
    let cycle = r#"[{"name": "j", "stages": [
        {"task_durations_ms": [1], "parents": [1]},
        {"task_durations_ms": [1], "parents": [0]}]}]"#;
    let e = err(&with_jobs(cycle));
    assert!(
        e.contains("stage 0: parent 1 is not an earlier stage"),
        "{e}"
    );
    let missing = r#"[{"name": "j", "stages": [{"task_durations_ms": [1]}, {"task_durations_ms": [1], "parents": [7]}]}]"#;
    let e = err(&with_jobs(missing));
    assert!(
        e.contains("stage 1: parent 7 is not an earlier stage"),
        "{e}"
    );
    let negative = r#"[{"name": "j", "stages": [{"task_durations_ms": [1], "parents": [-1]}]}]"#;
    let e = err(&with_jobs(negative));
    assert!(e.contains("parents[0]"), "{e}");
}

#[test]
fn after_must_name_an_earlier_job() {
    let later =
        r#"[{"name": "a", "after": {"job": "b"}, "stages": []}, {"name": "b", "stages": []}]"#;
    let e = err(&with_jobs(later));
    assert!(
        e.contains(r#"jobs[0] ("a").after.job: "b" is a later job (index 1)"#),
        "{e}"
    );
    let itself = r#"[{"name": "a", "after": {"job": "a"}, "stages": []}]"#;
    let e = err(&with_jobs(itself));
    assert!(e.contains("is this job itself"), "{e}");
    let unknown =
        r#"[{"name": "a", "stages": []}, {"name": "b", "after": {"job": "zz"}, "stages": []}]"#;
    let e = err(&with_jobs(unknown));
    assert!(
        e.contains(r#"jobs[1] ("b").after.job: no job is named "zz""#),
        "{e}"
    );
    let no_job =
        r#"[{"name": "a", "stages": []}, {"name": "b", "after": {"gap_ms": 1}, "stages": []}]"#;
    assert!(err(&with_jobs(no_job)).contains("missing `job`"));
}

#[test]
fn after_resolves_to_the_nearest_earlier_job_of_that_name() {
    let jobs = r#"[{"name": "x", "stages": []}, {"name": "x", "stages": []}, {"name": "y", "after": {"job": "x"}, "stages": []}]"#;
    let w = parse(&with_jobs(jobs)).unwrap().workload;
    assert_eq!(w.jobs[2].after, Some(After { job: 1, gap_ms: 0 }));
}

#[test]
fn inconsistent_stage_fields_are_errors() {
    let cases = [
        (
            r#"{"num_tasks": 3, "task_durations_ms": [1, 2]}"#,
            "`num_tasks` is 3 but `task_durations_ms` has 2 entries",
        ),
        (
            r#"{"task_durations_ms": [1], "duration_ms": 1}"#,
            "not both",
        ),
        (r#"{"duration_ms": 1}"#, "`duration_ms` needs `num_tasks`"),
        (r#"{"parents": []}"#, "missing `task_durations_ms`"),
        (r#"{"task_durations_ms": []}"#, "has no tasks"),
        (
            r#"{"task_durations_ms": [1, 2], "retry_task_durations_ms": [1]}"#,
            "`retry_task_durations_ms` has 1 entries but the stage has 2 tasks",
        ),
        (
            r#"{"task_durations_ms": [1], "task_failures": [1, 1]}"#,
            "`task_failures` has 2 entries",
        ),
        (
            r#"{"num_tasks": 100000000000, "duration_ms": 1}"#,
            "above the limit",
        ),
        (
            r#"{"task_durations_ms": [1], "task_preferred_hosts": [["h", 3]]}"#,
            "task_preferred_hosts[0]",
        ),
    ];
    for (stage, want) in cases {
        let e = err(&with_jobs(&format!(
            r#"[{{"name": "j", "stages": [{stage}]}}]"#
        )));
        assert!(e.contains(want), "{stage}: {e}");
    }
}

#[test]
fn duplicate_keys_and_conf_set_twice_are_errors() {
    let e = err(r#"{"jobs": [], "jobs": []}"#);
    assert!(e.contains("\"jobs\" appears twice"), "{e}");
    let e = err(
        r#"{"jobs": [], "speculation": {"spark.speculation": "true"}, "conf": {"spark.speculation": "false"}}"#,
    );
    assert!(e.contains("already set in `speculation`"), "{e}");
    let e = err(r#"{"jobs": [], "conf": {"spark.x": [1]}}"#);
    assert!(e.contains("expected a string, number or boolean"), "{e}");
}

#[test]
fn unsupported_format_version_is_an_error() {
    let e = err(r#"{"format_version": 2, "jobs": []}"#);
    assert!(e.contains("unsupported format_version 2"), "{e}");
}

#[test]
fn unknown_keys_are_warnings() {
    let text = r#"{"jobs": [{"name": "a", "submit_ofset_ms": 5, "stages": [{"duration_ms": 1, "num_tasks": 1, "colour": 1}]}],
                  "applications": [], "set": "dev", "implicit_pools": []}"#;
    let loaded = parse(text).unwrap();
    let at: Vec<&str> = loaded.warnings.iter().map(|w| w.at.as_str()).collect();
    assert_eq!(
        at,
        [
            "applications",
            r#"jobs[0] ("a").submit_ofset_ms"#,
            r#"jobs[0] ("a").stages[0].colour"#
        ]
    );
    assert!(
        loaded.warnings[0]
            .to_string()
            .starts_with("my-scenario.json: applications: an empty list, ignored")
    );
    assert_eq!(loaded.workload.jobs[0].submit_ms, 0);
}

#[test]
fn lighter_hand_written_form() {
    let text = r#"{
      "scheduler_mode": "fair",
      "cluster": {"master": "local[2]"},
      "pools": [{"name": "p"}],
      "speculation": {"spark.speculation": true, "spark.speculation.multiplier": 1.5},
      "conf": {"spark.task.maxFailures": 4},
      "jobs": [
        {"name": "a", "stages": [{"num_tasks": 3, "duration_ms": 100},
                                  {"num_tasks": 1, "duration_ms": 50, "retry_duration_ms": 5, "parents": [0]}]},
        {"pool": "p", "stages": [{"task_durations_ms": [1, 2], "task_failures": [0, 1],
                                  "task_preferred_hosts": [["h1"], []]}]}
      ]}"#;
    let w = parse(text).unwrap().workload;
    assert_eq!(w.name, "my-scenario");
    assert_eq!(w.scheduler_mode.as_deref(), Some("FAIR"));
    assert_eq!(w.cluster.as_ref().unwrap().local_cores(), Some(2));
    assert_eq!(
        w.pools,
        [PoolDecl {
            name: "p".into(),
            ..PoolDecl::default()
        }]
    );
    assert_eq!(w.conf_value("spark.speculation"), Some("true"));
    assert_eq!(w.conf_value("spark.speculation.multiplier"), Some("1.5"));
    assert_eq!(w.conf_value("spark.task.maxFailures"), Some("4"));
    assert_eq!(w.jobs[0].stages[0].task_durations_ms, [100, 100, 100]);
    assert_eq!(w.jobs[0].stages[1].retry_task_durations_ms, Some(vec![5]));
    assert_eq!(w.jobs[1].name, "job-1");
    assert_eq!(w.jobs[1].submit_ms, 0);
    assert_eq!(w.jobs[1].stages[0].failures_of(1), 1);
    assert_eq!(w.total_tasks(), 6);
    // and it round-trips in the full form
    let text = scenario_to_string(&w).unwrap();
    assert_eq!(parse(&text).unwrap().workload, w);
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let e = load_scenario("/nonexistent/dir/s.json").unwrap_err();
    assert!(matches!(e, ScenarioError::Io { .. }));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/dir/s.json: cannot read"),
        "{e}"
    );
}

#[test]
fn writing_refuses_invalid_or_ambiguous_workloads() {
    let stage = Stage {
        task_durations_ms: vec![1],
        ..Default::default()
    };
    let job = |name: &str| Job {
        name: name.into(),
        stages: vec![stage.clone()],
        ..Default::default()
    };
    let mut w = Workload {
        jobs: vec![job("x"), job("x"), job("y")],
        ..Default::default()
    };
    w.jobs[2].after = Some(After { job: 0, gap_ms: 0 });
    let e = scenario_to_string(&w).unwrap_err();
    assert!(matches!(e, ScenarioError::Unwritable(_)), "{e}");
    w.jobs[2].after = Some(After { job: 5, gap_ms: 0 });
    assert!(matches!(
        scenario_to_string(&w),
        Err(ScenarioError::InvalidWorkload(_))
    ));
    w.jobs[2].after = Some(After { job: 1, gap_ms: 0 });
    let mut out = Vec::new();
    write_scenario(&w, &mut out).unwrap();
    assert_eq!(
        parse(std::str::from_utf8(&out).unwrap())
            .unwrap()
            .workload
            .jobs[2]
            .after,
        w.jobs[2].after
    );
}

fn arb_stage(index: usize) -> impl Strategy<Value = Stage> {
    (1usize..6).prop_flat_map(move |n| {
        (
            proptest::collection::vec(0u64..100_000, n),
            proptest::option::of(proptest::collection::vec(0u64..1000, n)),
            proptest::option::of(proptest::collection::vec(0u32..3, n)),
            proptest::option::of(proptest::collection::vec(
                proptest::collection::vec("[a-z\"\\\\ é]{0,4}", 0..3),
                n,
            )),
            proptest::sample::subsequence((0..index).collect::<Vec<_>>(), 0..=index),
        )
            .prop_map(|(d, r, f, h, parents)| Stage {
                parents,
                task_durations_ms: d,
                retry_task_durations_ms: r,
                task_failures: f,
                task_preferred_hosts: h,
                cached: false,
            })
    })
}

fn arb_job(index: usize) -> impl Strategy<Value = Job> {
    let stages = (0usize..4).prop_flat_map(|n| (0..n).map(arb_stage).collect::<Vec<_>>());
    (
        proptest::option::of("[a-z]{1,3}"),
        0u64..10_000,
        proptest::option::of((0..index.max(1), 0u64..1000)),
        stages,
    )
        .prop_map(move |(pool, submit_ms, after, stages)| Job {
            name: format!("job \"{index}\""),
            pool,
            submit_ms,
            after: after
                .filter(|_| index > 0)
                .map(|(job, gap_ms)| After { job, gap_ms }),
            stages,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_valid_workload_round_trips(
        jobs in (0usize..5).prop_flat_map(|n| (0..n).map(arb_job).collect::<Vec<_>>()),
        seed in proptest::option::of(any::<u64>()),
        conf in proptest::collection::vec(("spark\\.(speculation|dynamicAllocation|task)\\.[a-z]{1,3}", "[a-z0-9]{0,3}"), 0..4),
    ) {
        let mut conf = workloads::model::group_conf(conf);
        conf.dedup_by(|a, b| a.0 == b.0);
        let mut seen = std::collections::HashSet::new();
        conf.retain(|(k, _)| seen.insert(k.clone()));
        let w = Workload { name: "p".into(), seed, conf, jobs, ..Default::default() };
        prop_assert!(w.validate().is_ok());
        let text = scenario_to_string(&w).unwrap();
        let back = parse(&text).unwrap();
        prop_assert_eq!(back.workload, w);
    }
}
