//! Executor lifecycles in the engine: dynamic allocation driven as
//! `policies::executor_allocation_manager` says (start, 100 ms ticks, listener events,
//! `RequestTotalExecutors` as the Master's limit, kills with latency, registration after the
//! start-up latency), executors lost, shuffle and cache tracking, and several applications on
//! one standalone Master.

use policies::conf::{ConfSource, SparkConf};
use sim::applications::prepare_applications;
use sim::records::{RemovalReason, SimOutput};
use sim::setup::{apply_workload_conf, prepare};
use sim::simulation::Simulation;
use workloads::model::{After, Application, ClusterSpec, Job, Stage, WorkerSpec, Workload};

fn stage(n: usize, ms: u64) -> Stage {
    Stage {
        task_durations_ms: vec![ms; n],
        ..Stage::default()
    }
}

fn job(name: &str, at: u64, stages: Vec<Stage>) -> Job {
    Job {
        name: name.into(),
        submit_ms: at,
        stages,
        ..Job::default()
    }
}

/// A standalone cluster of `workers` × `cores`.
fn cluster(workers: u32, cores: u32) -> ClusterSpec {
    ClusterSpec {
        master: Some("spark://master:7077".into()),
        workers: (0..workers)
            .map(|i| WorkerSpec {
                host: format!("w{i}"),
                cores,
                memory_mb: Some(16 * 1024),
            })
            .collect(),
        ..ClusterSpec::default()
    }
}

/// Dynamic allocation with 1-core executors, zero knobs-free defaults otherwise.
fn dynamic(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut conf: Vec<(String, String)> = [
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.dynamicAllocation.minExecutors", "0"),
        ("spark.dynamicAllocation.maxExecutors", "8"),
        ("spark.dynamicAllocation.schedulerBacklogTimeout", "1s"),
        ("spark.dynamicAllocation.executorIdleTimeout", "5s"),
        ("spark.executor.cores", "1"),
        ("sparksim.executor.startupLatency", "2s"),
        ("sparksim.executor.removalLatency", "1s"),
        ("sparksim.executor.readyLatency", "0"),
        ("sparksim.executor.coldStartOverhead", "0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        match conf.iter_mut().find(|(c, _)| c == k) {
            Some(slot) => slot.1 = v.to_string(),
            None => conf.push((k.to_string(), v.to_string())),
        }
    }
    conf
}

fn run(workload: &Workload) -> SimOutput {
    let mut conf = SparkConf::new();
    apply_workload_conf(&mut conf, workload);
    let prepared = prepare(&conf, workload, 0).unwrap();
    Simulation::new(workload, prepared.setup).run()
}

fn app(jobs: Vec<Job>, conf: Vec<(String, String)>, tail_ms: u64) -> Workload {
    Workload {
        name: "app".into(),
        cluster: Some(cluster(2, 4)),
        conf,
        jobs,
        tail_ms: Some(tail_ms),
        ..Workload::default()
    }
}

/// Registration times of the executors, in registration order.
fn added(out: &SimOutput) -> Vec<u64> {
    out.executors.iter().map(|e| e.added_ms).collect()
}

#[test]
fn dynamic_allocation_is_off_in_local_mode() {
    let w = Workload {
        name: "local".into(),
        cluster: Some(ClusterSpec {
            master: Some("local[4]".into()),
            ..ClusterSpec::default()
        }),
        conf: dynamic(&[]),
        jobs: vec![job("a", 0, vec![stage(8, 100)])],
        ..Workload::default()
    };
    let out = run(&w);
    assert!(!out.dynamic_allocation());
    assert_eq!(out.executors.len(), 1);
    assert_eq!(out.executors[0].executor_id, "driver");
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("ignored in local mode")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn the_ramp_up_doubles_per_round_and_registers_after_the_startup_latency() {
    // No initial executors: a 20-task stage at t=0 waits for the backlog timeout (1 s, then
    // each tick of the sustained timeout), adds 1, 2, 4 (capped by max 8 → 1 more).
    let w = app(
        vec![job("burst", 0, vec![stage(20, 10_000)])],
        dynamic(&[]),
        0,
    );
    let out = run(&w);
    let target = &out.applications[0].executor_target;
    let steps: Vec<(u64, u32)> = target.iter().copied().take(4).collect();
    // JobStart 20 ms, stage 43 ms → add timer 1043 ms → first tick at 1100.
    assert_eq!(
        steps,
        [(0, 0), (1100, 1), (2100, 3), (3100, 7)],
        "{target:?}"
    );
    assert!(target.iter().any(|&(_, t)| t == 8), "{target:?}");
    // Each registers 2 s after its launch, which is when the target rose.
    let regs = added(&out);
    assert_eq!(&regs[..4], [3100, 4100, 4100, 5100]);
    assert_eq!(out.slots, 0, "nothing at the start");
    let d = &out.executor_details;
    assert_eq!(d[0].requested_ms, Some(1100));
    assert_eq!(d[2].requested_ms, Some(2100));
    // The job waited for its first executor.
    assert!(out.jobs[0].wait_ms().unwrap() >= 3000);
    assert!(out.applications[0].executor_wait_ms >= 3000);
}

#[test]
fn idle_executors_are_killed_and_removed_with_latency_and_the_target_never_kills() {
    let w = app(
        vec![job("short", 0, vec![stage(4, 500)])],
        dynamic(&[("spark.dynamicAllocation.initialExecutors", "4")]),
        20_000,
    );
    let out = run(&w);
    // Four executors up at t0 (initial), busy until about 0.6 s, idle 5 s, then killed at the
    // next tick and removed 1 s later.
    assert_eq!(out.executors.len(), 4);
    for (i, e) in out.executors.iter().enumerate() {
        assert_eq!(e.added_ms, 0);
        let removed = e.removed_ms.expect("idle executors go");
        assert!((6500..=6800).contains(&removed), "{removed}");
        assert_eq!(
            out.executor_details[i].reason.as_deref(),
            Some(RemovalReason::IDLE)
        );
    }
    // The target dropped to 0 as soon as nothing was pending or running — well before the
    // executors went.
    let target = &out.applications[0].executor_target;
    let zero_at = target.iter().find(|p| p.1 == 0 && p.0 > 0).unwrap().0;
    assert!(zero_at < 1000, "{target:?}");
}

#[test]
fn a_killed_executor_gets_no_offer() {
    // A job at 0 on 2 initial executors; a second job arrives after the kill decision (idle
    // 5 s after ~0.6 s → killed at 5.7 s) but before the removal (1 s later, 6.7 s): it must
    // wait for new executors (registered 2 s after the request) instead of using the
    // executors pending removal.
    let w = app(
        vec![
            job("first", 0, vec![stage(2, 500)]),
            job("second", 6_000, vec![stage(2, 500)]),
        ],
        dynamic(&[("spark.dynamicAllocation.initialExecutors", "2")]),
        10_000,
    );
    let out = run(&w);
    let second = &out.jobs[1];
    let first_launch = second.first_launch_ms.unwrap();
    let killed: Vec<&str> = out
        .executors
        .iter()
        .filter(|e| e.removed_ms.is_some_and(|r| r < 7_000))
        .map(|e| e.executor_id.as_str())
        .collect();
    assert_eq!(killed, ["0", "1"]);
    for t in out.tasks.iter().filter(|t| t.job == 1) {
        let e = &out.executors[t.executor as usize];
        assert!(
            !killed.contains(&e.executor_id.as_str()),
            "{t:?} ran on {e:?}"
        );
    }
    assert!(first_launch >= 8_000, "{second:?}");
}

#[test]
fn shuffle_data_keeps_executors_until_the_shuffle_is_cleaned() {
    let map_reduce = || {
        vec![
            stage(4, 500),
            Stage {
                parents: vec![0],
                ..stage(1, 500)
            },
        ]
    };
    let init = ("spark.dynamicAllocation.initialExecutors", "4");
    // Shuffle tracking (the default since 3.4), infinite shuffle timeout: the executors that
    // wrote map output stay while the shuffle lives.
    let w = app(vec![job("mr", 0, map_reduce())], dynamic(&[init]), 30_000);
    let out = run(&w);
    let kept = out
        .executors
        .iter()
        .filter(|e| e.removed_ms.is_none())
        .count();
    assert!(kept >= 3, "{:?}", out.executors);
    // With the ContextCleaner cleaning the shuffle 2 s after the job, they go after their idle
    // timeout.
    let w = app(
        vec![job("mr", 0, map_reduce())],
        dynamic(&[init, ("sparksim.shuffle.cleanupDelay", "2s")]),
        30_000,
    );
    let out = run(&w);
    assert!(out.executors.iter().all(|e| e.removed_ms.is_some()));
    // With an external shuffle service, shuffle data does not matter at all.
    let w = app(
        vec![job("mr", 0, map_reduce())],
        dynamic(&[init, ("spark.shuffle.service.enabled", "true")]),
        30_000,
    );
    let out = run(&w);
    assert!(out.executors.iter().all(|e| e.removed_ms.is_some()));
}

#[test]
fn cached_blocks_use_the_cached_idle_timeout() {
    let cached = |flag: bool| {
        vec![job(
            "cache",
            0,
            vec![Stage {
                cached: flag,
                ..stage(2, 500)
            }],
        )]
    };
    let conf = dynamic(&[
        ("spark.dynamicAllocation.initialExecutors", "2"),
        ("spark.dynamicAllocation.cachedExecutorIdleTimeout", "20s"),
    ]);
    let plain = run(&app(cached(false), conf.clone(), 40_000));
    let with_cache = run(&app(cached(true), conf, 40_000));
    let removed = |o: &SimOutput| {
        o.executors
            .iter()
            .map(|e| e.removed_ms.unwrap())
            .max()
            .unwrap()
    };
    assert!(removed(&plain) < 8_000, "{:?}", plain.executors);
    assert!(removed(&with_cache) > 20_000, "{:?}", with_cache.executors);
}

#[test]
fn a_lost_executor_fails_its_tasks_and_the_master_replaces_it() {
    let w = Workload {
        name: "lost".into(),
        cluster: Some(ClusterSpec {
            executor_cores: Some(2),
            ..cluster(2, 2)
        }),
        conf: vec![
            ("sparksim.executor.lost".into(), "0@1s".into()),
            ("sparksim.executor.startupLatency".into(), "3s".into()),
        ],
        jobs: vec![job("a", 0, vec![stage(4, 2_000)])],
        ..Workload::default()
    };
    let out = run(&w);
    assert!(!out.dynamic_allocation());
    let lost = out
        .executors
        .iter()
        .position(|e| e.executor_id == "0")
        .unwrap();
    assert_eq!(out.executors[lost].removed_ms, Some(1_000));
    assert_eq!(
        out.executor_details[lost].reason.as_deref(),
        Some(RemovalReason::LOST)
    );
    // The two attempts running there failed and ran again; the job succeeded.
    let failed = out
        .tasks
        .iter()
        .filter(|t| t.status == sim::records::AttemptStatus::Failed)
        .count();
    assert_eq!(failed, 2);
    assert_eq!(out.jobs[0].status, sim::records::JobStatus::Succeeded);
    // The Master started a replacement (id 2) on the freed worker, registered 3 s later.
    let replacement = out.executors.iter().find(|e| e.executor_id == "2").unwrap();
    assert_eq!(replacement.added_ms, 4_000);
}

#[test]
fn static_executors_stay_as_before() {
    let w = Workload {
        name: "static".into(),
        cluster: Some(cluster(2, 4)),
        jobs: vec![job("a", 0, vec![stage(8, 100)])],
        ..Workload::default()
    };
    let out = run(&w);
    assert!(!out.dynamic_allocation());
    assert_eq!(out.executors.len(), 2);
    assert!(
        out.executors
            .iter()
            .all(|e| e.added_ms == 0 && e.removed_ms.is_none())
    );
    assert!(
        out.executor_details
            .iter()
            .all(|d| d.requested_ms.is_none() && d.reason.is_none())
    );
    assert!(out.job_executor_wait_ms.is_empty());
    assert_eq!(out.applications.len(), 1);
    assert_eq!(out.applications[0].end_ms, None);
}

fn two_apps(first_conf: Vec<(String, String)>, second_at: u64) -> Workload {
    Workload {
        name: "shared".into(),
        cluster: Some(ClusterSpec {
            executor_cores: Some(2),
            ..cluster(2, 4)
        }),
        conf: vec![
            ("sparksim.executor.startupLatency".into(), "2s".into()),
            ("sparksim.executor.readyLatency".into(), "0".into()),
        ],
        applications: vec![
            Application {
                name: "first".into(),
                conf: first_conf,
                tail_ms: Some(1_000),
                jobs: vec![
                    job("f1", 0, vec![stage(8, 1_000)]),
                    Job {
                        after: Some(After {
                            job: 0,
                            gap_ms: 20_000,
                        }),
                        ..job("f2", 0, vec![stage(8, 1_000)])
                    },
                ],
                ..Application::default()
            },
            Application {
                name: "second".into(),
                submit_ms: second_at,
                jobs: vec![job("s1", 0, vec![stage(8, 1_000)])],
                ..Application::default()
            },
        ],
        ..Workload::default()
    }
}

fn run_apps(w: &Workload, flags: &[(&str, &str)]) -> SimOutput {
    let mut base = SparkConf::new();
    for (k, v) in flags {
        base.set(*k, *v, ConfSource::CommandLine);
    }
    prepare_applications(&base, w, 0).unwrap().run()
}

#[test]
fn applications_are_served_in_submission_order_and_free_cores_when_they_stop() {
    let w = two_apps(Vec::new(), 2_000);
    let out = run_apps(&w, &[]);
    assert_eq!(out.applications.len(), 2);
    let first = out.application_view(0);
    let second = out.application_view(1);
    // The first takes the whole cluster at t0 (4 executors of 2 cores); the second gets its
    // executors only when the first stops, then 2 s to start.
    assert_eq!(first.executors.len(), 4);
    assert!(first.executors.iter().all(|e| e.added_ms == 0));
    let stop = out.applications[0].end_ms.unwrap();
    assert!(first.executors.iter().all(|e| e.removed_ms == Some(stop)));
    assert!(second.executors.iter().all(|e| e.added_ms == stop + 2_000));
    assert_eq!(
        second.executors[0].executor_id, "0",
        "ids are per application"
    );
    let waited_alone = out.applications[1].executor_wait_ms;
    assert!(waited_alone >= stop - 2_000);
    assert_eq!(out.job_apps, [0, 0, 1]);
    // spark.cores.max leaves room for the second application from the start.
    let w = two_apps(vec![("spark.cores.max".into(), "4".into())], 2_000);
    let out = run_apps(&w, &[]);
    let second = out.application_view(1);
    assert_eq!(second.executors.len(), 2);
    assert!(second.executors.iter().all(|e| e.added_ms == 4_000));
    // It waited 2 s for its first executors, then ran on half the cluster while it would have
    // had all of it alone (fewer executors than asked: still counted).
    let waited = out.applications[1].executor_wait_ms;
    assert!((2_000..waited_alone).contains(&waited), "{waited}");
}

#[test]
fn dynamic_allocation_gives_an_idle_applications_executors_to_the_next() {
    let da = [
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.dynamicAllocation.initialExecutors", "4"),
        ("spark.dynamicAllocation.maxExecutors", "4"),
        ("spark.dynamicAllocation.executorIdleTimeout", "5s"),
    ];
    let w = two_apps(Vec::new(), 5_000);
    let fixed = run_apps(&w, &[]);
    let dynamic = run_apps(&w, &da);
    let wait = |o: &SimOutput| o.applications[1].executor_wait_ms;
    let idle = |o: &SimOutput| o.executor_usage(None).idle_executor_ms;
    assert!(
        wait(&dynamic) < wait(&fixed),
        "{} vs {}",
        wait(&dynamic),
        wait(&fixed)
    );
    assert!(
        idle(&dynamic) < idle(&fixed),
        "{} vs {}",
        idle(&dynamic),
        idle(&fixed)
    );
    // Every executor of the second application came from cores the first gave back.
    let first_removed = dynamic
        .application_view(0)
        .executors
        .iter()
        .filter_map(|e| e.removed_ms)
        .min()
        .unwrap();
    assert!(
        dynamic
            .application_view(1)
            .executors
            .iter()
            .all(|e| e.added_ms >= first_removed + 2_000)
    );
}

#[test]
fn the_two_apps_example_favours_dynamic_allocation() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workloads/examples/two-apps.json"
    );
    let w = workloads::scenario::load_scenario(path).unwrap().workload;
    let fixed = run_apps(&w, &[]);
    let dynamic = run_apps(&w, &[("spark.dynamicAllocation.enabled", "true")]);
    let adhoc = |o: &SimOutput| o.applications[1].executor_wait_ms;
    let idle = |o: &SimOutput| o.executor_usage(None).idle_executor_ms;
    println!(
        "adhoc waited {} ms (static) vs {} ms (dynamic); idle executor-ms {} vs {}",
        adhoc(&fixed),
        adhoc(&dynamic),
        idle(&fixed),
        idle(&dynamic)
    );
    assert!(adhoc(&dynamic) < adhoc(&fixed) / 2);
    assert!(idle(&dynamic) < idle(&fixed));
}

#[test]
fn runs_are_deterministic() {
    let w = two_apps(Vec::new(), 2_000);
    let a = run_apps(&w, &[("spark.dynamicAllocation.enabled", "true")]);
    let b = run_apps(&w, &[("spark.dynamicAllocation.enabled", "true")]);
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}
