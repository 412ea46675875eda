//! Replay extraction (`workloads::replay`) on the real fidelity runs and on hand-built logs:
//! ids, durations, chains, cluster, decisions, and robustness to broken logs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use workloads::eventlog::{
    JobResult, LoggedApplication, LoggedExecutor, LoggedJob, LoggedStage, LoggedStageAttempt,
    LoggedTask, TaskEndReasonKind, read_application,
};
use workloads::model::ClusterKind;
use workloads::replay::{
    Arrivals, ChainRule, ChainRules, DurationModel, ErrorStats, JobAccuracy, LaunchOverhead,
    LogDecisions, ReplayOptions, build_replay, read_replay,
};

fn dev() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fidelity/dev")
}

fn runs() -> Vec<PathBuf> {
    let mut runs = Vec::new();
    for scenario in std::fs::read_dir(dev()).expect("shared/fidelity/dev is beside the checkout") {
        for run in std::fs::read_dir(scenario.unwrap().path()).unwrap() {
            runs.push(run.unwrap().path());
        }
    }
    runs.sort();
    runs
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn exact() -> ReplayOptions {
    ReplayOptions {
        overhead: LaunchOverhead::zero(),
        ..ReplayOptions::default()
    }
}

/// Designed chains of a run: (follower, predecessor) job names.
fn designed_chains(run: &Path) -> BTreeSet<(String, String)> {
    let s = json(&run.join("scenario.json"));
    let jobs = s["jobs"].as_array().unwrap();
    jobs.iter()
        .filter(|j| !j["after"].is_null())
        .map(|j| {
            let after = &j["after"];
            let pred = match after.as_u64() {
                Some(i) => jobs[i as usize]["name"].as_str().unwrap().to_string(),
                None => after["job"].as_str().unwrap().to_string(),
            };
            (j["name"].as_str().unwrap().to_string(), pred)
        })
        .collect()
}

fn scenario_names(run: &Path) -> BTreeSet<String> {
    json(&run.join("scenario.json"))["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["name"].as_str().unwrap().to_string())
        .collect()
}

/// Inferred chains among scenario jobs (warm-up jobs left out), as names.
fn inferred_chains(run: &Path, rules: ChainRules) -> BTreeSet<(String, String)> {
    let options = ReplayOptions {
        chains: rules,
        ..exact()
    };
    let (_, _, r) = read_replay(run.join("eventlog.json"), &options).unwrap();
    let names = scenario_names(run);
    r.chains
        .iter()
        .map(|c| {
            (
                r.workload.jobs[c.job].name.clone(),
                r.workload.jobs[c.after].name.clone(),
            )
        })
        .filter(|(a, b)| names.contains(a) && names.contains(b))
        .collect()
}

#[test]
fn default_chain_rules_reproduce_every_designed_chain() {
    let (mut designed, mut found, mut extra) = (0, 0, Vec::new());
    for run in runs() {
        let want = designed_chains(&run);
        let got = inferred_chains(&run, ChainRules::default());
        designed += want.len();
        found += want.intersection(&got).count();
        for c in got.difference(&want) {
            extra.push(format!("{}: {c:?}", run.display()));
        }
        let missing: Vec<_> = want.difference(&got).collect();
        assert!(missing.is_empty(), "{}: missed {missing:?}", run.display());
    }
    assert_eq!(found, designed);
    assert_eq!(designed, 14, "d1 x4 (2 chains), d5 x4, d6 x2");
    // The only chains beyond the design: d2's last dash job, submitted while the
    // application was idle (rule 3 cannot tell an arrival into an idle application apart).
    assert!(
        extra
            .iter()
            .all(|e| e.contains("d2_minshare") && e.contains("\"dash-4\", \"dash-3\"")),
        "{extra:#?}"
    );
    assert_eq!(extra.len(), 4, "{extra:#?}");
}

#[test]
fn back_to_back_rule_alone_has_no_false_chain() {
    let rules = ChainRules {
        after_idle: false,
        ..ChainRules::default()
    };
    for run in runs() {
        let want = designed_chains(&run);
        let got = inferred_chains(&run, rules);
        assert!(
            got.is_subset(&want),
            "{}: {got:?} vs {want:?}",
            run.display()
        );
        let d1 = run.to_string_lossy().contains("d1_fair_vs_fifo");
        // Back-to-back chains (gap 0) are found; 1 s and 12 s think times need rule 3.
        assert_eq!(got == want, d1 || want.is_empty(), "{}", run.display());
    }
}

#[test]
fn chained_arrivals_follow_the_predecessor_with_the_observed_gap() {
    let run = dev().join("d1_fair_vs_fifo/FIFO_r1");
    let (_, _, open) = read_replay(
        run.join("eventlog.json"),
        &ReplayOptions {
            arrivals: Arrivals::Open,
            ..exact()
        },
    )
    .unwrap();
    let (_, _, chained) = read_replay(run.join("eventlog.json"), &exact()).unwrap();
    assert!(open.workload.jobs.iter().all(|j| j.after.is_none()));
    let i2 = chained
        .workload
        .jobs
        .iter()
        .position(|j| j.name == "interactive-2")
        .unwrap();
    let job = &chained.workload.jobs[i2];
    let after = job.after.expect("interactive-2 follows interactive-1");
    assert_eq!(chained.workload.jobs[after.job].name, "interactive-1");
    let c = chained.chains.iter().find(|c| c.job == i2).unwrap();
    assert_eq!(c.rule, ChainRule::BackToBack);
    assert_eq!(after.gap_ms, c.gap_ms);
    // The gap is JobStart(interactive-2) − JobEnd(interactive-1), 11–30 ms in the runs.
    let o1 = &chained.observed[after.job];
    let o2 = &chained.observed[i2];
    assert_eq!(o2.submit_ms - o1.end_ms.unwrap(), after.gap_ms);
    assert!((5..=40).contains(&after.gap_ms), "{}", after.gap_ms);
    // Open arrivals keep the logged submission time.
    assert_eq!(open.workload.jobs[i2].submit_ms, o2.submit_ms);
    // The replay does not add the simulator's submit and chain latencies on top.
    for key in ["sparksim.job.submitLatency", "sparksim.job.chainLatency"] {
        assert_eq!(chained.workload.conf_value(key), Some("0"), "{key}");
    }
}

#[test]
fn ids_names_and_order_are_the_logs() {
    let run = dev().join("d2_minshare/FIFO_r1");
    let (app, _, r) = read_replay(run.join("eventlog.json"), &exact()).unwrap();
    // Workload order is submission order; ids are Spark's (here job 2 was submitted
    // before job 1: the job-id race of two threads).
    assert_eq!(r.ids.jobs, vec![0, 2, 1, 3, 4, 5, 6]);
    let names: Vec<&str> = r.workload.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "warmup-1", "etl-2", "etl-1", "dash-1", "dash-2", "dash-3", "dash-4"
        ]
    );
    for (j, job) in r.workload.jobs.iter().enumerate() {
        let logged = app.job(r.ids.jobs[j]).unwrap();
        assert_eq!(Some(job.name.as_str()), logged.description.as_deref());
        assert_eq!(job.pool, logged.pool);
        let stages: Vec<i64> = r.ids.stages[j].clone();
        assert_eq!(stages, logged.stage_ids, "{}", job.name);
        assert_eq!(r.observed[j].job_id, logged.id);
        assert_eq!(
            r.observed[j].turnaround_ms,
            logged.turnaround().map(|t| t as u64)
        );
    }
    assert_eq!(
        r.workload.jobs[0].submit_ms, 0,
        "t0 is the first submission"
    );
    assert_eq!(
        r.t0_epoch_ms,
        app.jobs.iter().filter_map(|j| j.submission_time).min()
    );
    assert_eq!(r.workload.scheduler_mode.as_deref(), Some("FIFO"));
    assert_eq!(r.workload.validate(), Ok(()));
}

#[test]
fn two_stage_jobs_keep_their_dag_and_partitions() {
    let run = dev().join("d4_two_stage/FAIR_r1");
    let (_, _, r) = read_replay(run.join("eventlog.json"), &exact()).unwrap();
    let s = json(&run.join("scenario.json"));
    for designed in s["jobs"].as_array().unwrap() {
        let name = designed["name"].as_str().unwrap();
        let j = r.workload.jobs.iter().position(|j| j.name == name).unwrap();
        let job = &r.workload.jobs[j];
        let stages = designed["stages"].as_array().unwrap();
        assert_eq!(job.stages.len(), stages.len(), "{name}");
        for (k, st) in stages.iter().enumerate() {
            let n = st["num_tasks"].as_u64().unwrap() as usize;
            assert_eq!(job.stages[k].num_tasks(), n, "{name} stage {k}");
            let parents: Vec<usize> = st["parents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(job.stages[k].parents, parents, "{name} stage {k}");
            for i in 0..n {
                assert_eq!(r.ids.partition(j, k, i), i as i64);
            }
        }
    }
}

#[test]
fn observed_durations_are_the_designed_sleeps_plus_sparks_overhead() {
    // With no simulator overhead, a task's duration is its slot occupancy: the designed sleep
    // plus Spark's own overhead (README: median 24 ms, p95 65 ms in local mode).
    let mut excess = Vec::new();
    for run in runs() {
        let s = json(&run.join("scenario.json"));
        if s["cluster"]["type"] != "local" {
            continue;
        }
        let (_, _, r) = read_replay(run.join("eventlog.json"), &exact()).unwrap();
        for designed in s["jobs"].as_array().unwrap() {
            let name = designed["name"].as_str().unwrap();
            let job = r.workload.jobs.iter().find(|j| j.name == name).unwrap();
            for (k, st) in designed["stages"].as_array().unwrap().iter().enumerate() {
                for (i, d) in st["task_durations_ms"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .enumerate()
                {
                    let sleep = d.as_u64().unwrap() as i64;
                    excess.push(job.stages[k].task_durations_ms[i] as i64 - sleep);
                }
            }
        }
    }
    excess.sort_unstable();
    let median = excess[excess.len() / 2];
    let p5 = excess[excess.len() / 20];
    let p95 = excess[excess.len() * 19 / 20];
    assert!((10..=40).contains(&median), "median excess {median} ms");
    assert!(p5 >= 0, "p5 excess {p5} ms");
    assert!(p95 <= 80, "p95 excess {p95} ms");
}

#[test]
fn subtracting_the_simulators_overhead_and_metrics_model() {
    let run = dev().join("d3_fair_within_pool/FIFO_r1/eventlog.json");
    let (_, _, zero) = read_replay(&run, &exact()).unwrap();
    let overhead = LaunchOverhead {
        base_ms: 20,
        per_concurrent_ms: 0,
        window_ms: 0,
        cluster_ms: 0,
        first_on_executor_ms: 0,
    };
    let (_, _, less) = read_replay(
        &run,
        &ReplayOptions {
            overhead,
            ..exact()
        },
    )
    .unwrap();
    let a = &zero.workload.jobs[1].stages[0].task_durations_ms;
    let b = &less.workload.jobs[1].stages[0].task_durations_ms;
    for (x, y) in a.iter().zip(b) {
        assert_eq!(*y, x.saturating_sub(20));
    }
    assert_eq!(
        less.workload.conf_value("sparksim.task.launchOverhead"),
        Some("20")
    );
    // Metrics: executor-side time only, at most the slot occupancy.
    let (_, _, m) = read_replay(
        &run,
        &ReplayOptions {
            durations: DurationModel::Metrics,
            ..exact()
        },
    )
    .unwrap();
    let c = &m.workload.jobs[1].stages[0].task_durations_ms;
    for (x, y) in a.iter().zip(c) {
        assert!(y <= x && *y >= 290, "{y} vs occupancy {x} (300 ms sleeps)");
    }
}

#[test]
fn local_and_standalone_clusters() {
    let (_, _, local) = read_replay(
        dev().join("d1_fair_vs_fifo/FAIR_r1/eventlog.json"),
        &exact(),
    )
    .unwrap();
    let c = local.workload.cluster.as_ref().unwrap();
    assert_eq!(c.master.as_deref(), Some("local[4]"));
    assert_eq!(c.kind, ClusterKind::Local);
    assert_eq!(c.executors.len(), 1);
    assert_eq!(
        (c.executors[0].id.as_str(), c.executors[0].cores),
        ("driver", 4)
    );
    assert_eq!(local.workload.scheduler_mode.as_deref(), Some("FAIR"));
    // The logged allocation file path, and the jobs' pools for when it is not here.
    assert!(
        local
            .allocation_file
            .as_deref()
            .unwrap()
            .ends_with("fairscheduler.xml")
    );
    let pools: Vec<&str> = local
        .pools_from_jobs
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(pools, ["batch", "interactive"]);
    assert!(
        local
            .pools_from_jobs
            .iter()
            .all(|p| p.weight == 1 && p.min_share == 0 && p.scheduling_mode == "FIFO")
    );

    let (_, _, sa) = read_replay(
        dev().join("d5_speculation/spec_on_r1/eventlog.json"),
        &exact(),
    )
    .unwrap();
    let c = sa.workload.cluster.as_ref().unwrap();
    assert_eq!(c.kind, ClusterKind::Standalone);
    assert!(c.master.as_deref().unwrap().starts_with("spark://"));
    let mut execs: Vec<(String, String, u32)> = c
        .executors
        .iter()
        .map(|e| (e.id.clone(), e.host.clone(), e.cores))
        .collect();
    execs.sort();
    assert_eq!(
        execs,
        [
            ("0".into(), "127.0.0.2".into(), 2),
            ("1".into(), "127.0.0.3".into(), 2)
        ]
        .map(|(a, b, c): (String, String, u32)| (a, b, c))
    );
    assert_eq!(c.workers.len(), 2);
    // Speculative copies are retry durations; killed originals are lower bounds (warned).
    assert!(
        sa.warnings
            .count(workloads::replay::warning::KILLED_LOWER_BOUND)
            >= 3
    );
    let spec1 = sa
        .workload
        .jobs
        .iter()
        .find(|j| j.name == "spec-1")
        .unwrap();
    let retry = spec1.stages[0].retry_task_durations_ms.as_ref().unwrap();
    assert!(
        retry[0] < 1500,
        "the copy of task 0 ran ~500 ms: {}",
        retry[0]
    );
}

#[test]
fn decisions_of_a_log_agree_with_themselves() {
    let run = dev().join("d3_fair_within_pool/FAIR_r1/eventlog.json");
    let (app, _, r) = read_replay(&run, &exact()).unwrap();
    let d = LogDecisions::from_log(&app, &r.replayed_stages);
    assert_eq!(d.stages.len(), r.workload.total_tasks());
    assert!(d.contested_count() > 30, "{}", d.contested_count());
    let same = d.agreement(&d.stages, 0);
    assert_eq!(same.share, Some(1.0));
    assert_eq!(same.exact_agreed, same.contested);
    // Swapping two adjacent decisions of different stages costs them at tolerance 0 only.
    let k = (1..d.stages.len())
        .find(|&k| d.contested[k] && d.contested[k - 1] && d.stages[k] != d.stages[k - 1])
        .unwrap();
    let mut swapped = d.stages.clone();
    swapped.swap(k - 1, k);
    let strict = d.agreement(&swapped, 0);
    assert_eq!(strict.agreed, strict.contested - 2);
    assert_eq!(d.agreement(&swapped, 1).share, Some(1.0));
    // A replay that serves the stages in another order disagrees.
    let mut sorted = d.stages.clone();
    sorted.sort_unstable();
    assert!(d.agreement(&sorted, 4).share.unwrap() < 0.8);
}

#[test]
fn error_statistics() {
    let rows = vec![
        JobAccuracy::new(0, "a".into(), "p".into(), Some(100), Some(101)),
        JobAccuracy::new(1, "b".into(), "p".into(), Some(100), Some(90)),
        JobAccuracy::new(2, "c".into(), "p".into(), Some(200), Some(300)),
        JobAccuracy::new(3, "d".into(), "p".into(), None, Some(5)),
        JobAccuracy::new(4, "e".into(), "p".into(), Some(0), Some(5)),
    ];
    assert_eq!(rows[1].rel_error, Some(-0.1));
    let s = ErrorStats::of(&rows);
    assert_eq!(s.jobs, 3);
    assert_eq!(s.median_abs_rel_error, Some(0.1));
    assert_eq!(s.max_abs_rel_error, Some(0.5));
    assert_eq!(ErrorStats::of(&[]).median_abs_rel_error, None);
}

fn task(
    id: i64,
    stage: i64,
    index: i64,
    launch: i64,
    finish: Option<i64>,
    reason: Option<TaskEndReasonKind>,
) -> LoggedTask {
    LoggedTask {
        task_id: id,
        stage_id: stage,
        index,
        partition: index,
        launch_time: launch,
        finish_time: finish,
        executor_id: "driver".into(),
        host: "localhost".into(),
        end_reason: reason,
        ..LoggedTask::default()
    }
}

/// A small hand-built local application: job 0 (stage 0, 2 tasks), job 1 listing stage 0
/// (skipped) and running stage 1 (3 tasks, one never launched, one failed once).
fn app() -> LoggedApplication {
    let ok = Some(TaskEndReasonKind::Success);
    LoggedApplication {
        source: "hand-built".into(),
        spark_version: "3.5.1".into(),
        master: Some("local[2]".into()),
        spark_properties: [("spark.master".to_string(), "local[2]".to_string())].into(),
        executors: vec![LoggedExecutor {
            id: "driver".into(),
            host: "localhost".into(),
            cores: Some(2),
            added_time: Some(900),
            ..LoggedExecutor::default()
        }],
        jobs: vec![
            LoggedJob {
                id: 0,
                submission_time: Some(1000),
                completion_time: Some(1300),
                result: Some(JobResult::Succeeded),
                stage_ids: vec![0],
                ..LoggedJob::default()
            },
            LoggedJob {
                id: 1,
                submission_time: Some(1450),
                completion_time: Some(2000),
                result: Some(JobResult::Failed { message: None }),
                description: Some("second".into()),
                stage_ids: vec![0, 1],
                skipped_stage_ids: vec![0],
                ..LoggedJob::default()
            },
        ],
        stages: vec![
            LoggedStage {
                id: 0,
                num_tasks: 2,
                job_ids: vec![0, 1],
                attempts: vec![LoggedStageAttempt {
                    num_tasks: 2,
                    submission_time: Some(1010),
                    completed: true,
                    ..LoggedStageAttempt::default()
                }],
                ..LoggedStage::default()
            },
            LoggedStage {
                id: 1,
                num_tasks: 3,
                parent_ids: vec![0],
                job_ids: vec![1],
                attempts: vec![LoggedStageAttempt {
                    num_tasks: 3,
                    submission_time: Some(1455),
                    completed: true,
                    failure_reason: Some("boom".into()),
                    ..LoggedStageAttempt::default()
                }],
                ..LoggedStage::default()
            },
        ],
        tasks: vec![
            task(0, 0, 0, 1020, Some(1200), ok.clone()),
            task(1, 0, 1, 1020, Some(1250), ok.clone()),
            task(
                2,
                1,
                0,
                1460,
                Some(1540),
                Some(TaskEndReasonKind::ExceptionFailure),
            ),
            LoggedTask {
                attempt: 1,
                ..task(3, 1, 0, 1540, Some(1640), ok.clone())
            },
            task(4, 1, 1, 1460, None, None),
        ],
        ..LoggedApplication::default()
    }
}

#[test]
fn hand_built_log_skipped_stages_failures_and_gaps() {
    let r = build_replay(&app(), &exact());
    assert_eq!(r.workload.validate(), Ok(()));
    assert_eq!(r.workload.jobs.len(), 2);
    let j1 = &r.workload.jobs[1];
    assert_eq!(j1.name, "second");
    assert_eq!(r.workload.jobs[0].name, "job-0");
    // The skipped stage 0 is not part of job 1; its edge is dropped.
    assert_eq!(r.ids.stages[1], vec![1]);
    assert!(j1.stages[0].parents.is_empty());
    let st = &j1.stages[0];
    assert_eq!(st.num_tasks(), 3);
    assert_eq!(st.task_failures.as_deref(), Some(&[1, 0, 0][..]));
    assert_eq!(st.task_durations_ms[0], 80);
    assert_eq!(st.retry_task_durations_ms.as_ref().unwrap()[0], 100);
    // Task 1 never ended and task 2 never launched: the stage median fills in.
    assert_eq!(st.task_durations_ms[1], 80);
    assert_eq!(st.task_durations_ms[2], 80);
    assert!(
        r.warnings
            .count(workloads::replay::warning::TASK_NOT_LAUNCHED)
            >= 2
    );
    assert_eq!(r.observed[1].succeeded, Some(false));
    assert_eq!(r.observed[1].turnaround_ms, Some(550));
    // Job 1 came while nothing ran, 150 ms after job 0: an idle-application chain (more
    // than the 100 ms of a back-to-back chain).
    assert_eq!(r.chains.len(), 1);
    assert_eq!(r.chains[0].rule, ChainRule::IdleApplication);
    assert_eq!(r.chains[0].gap_ms, 150);
    let c = r.workload.cluster.as_ref().unwrap();
    assert_eq!(c.master.as_deref(), Some("local[2]"));
    assert_eq!(
        r.workload.conf_value("sparksim.spark.version"),
        Some("3.5.1")
    );
}

#[test]
fn late_finish_stamps_give_the_slot_to_the_next_launch() {
    // Two slots; a third task launches at 1100 while both earlier ones have Finish Times
    // after it (stamped late). The one whose executor-side work ended first freed the slot.
    let mut a = app();
    a.jobs.truncate(1);
    a.stages.truncate(1);
    a.stages[0].num_tasks = 3;
    a.stages[0].attempts[0].num_tasks = 3;
    let ok = Some(TaskEndReasonKind::Success);
    a.tasks = vec![
        task(0, 0, 0, 1000, Some(1130), ok.clone()),
        task(1, 0, 1, 1000, Some(1120), ok.clone()),
        task(2, 0, 2, 1100, Some(1200), ok),
    ];
    let m = |run: i64| workloads::eventlog::TaskMetrics {
        executor_run_time: run,
        ..Default::default()
    };
    a.tasks[0].metrics = Some(m(90));
    a.tasks[1].metrics = Some(m(95));
    let r = build_replay(&a, &exact());
    let d = &r.workload.jobs[0].stages[0].task_durations_ms;
    // Task 0 (work ended at 1090) freed the slot at 1100; task 1 kept its Finish Time.
    assert_eq!(d, &vec![100, 120, 100]);
    assert_eq!(r.duration_notes.clipped_late_finish, 1);
}

#[test]
fn broken_logs_still_replay_with_counted_warnings() {
    let src = dev().join("d1_fair_vs_fifo/FAIR_r1/eventlog.json");
    let text = std::fs::read_to_string(&src).unwrap();
    let dir = std::env::temp_dir().join(format!("sparksim-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Cut in the middle of the run (and of a line), plus garbage lines.
    let cut = text.len() * 3 / 5;
    let mut broken = String::new();
    for (i, line) in text[..cut].lines().enumerate() {
        broken.push_str(line);
        broken.push('\n');
        if i % 40 == 7 {
            broken.push_str("{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":\n");
            broken.push_str("not json at all\n");
        }
    }
    broken.truncate(broken.len() - 30);
    let path = dir.join("broken.json");
    std::fs::write(&path, &broken).unwrap();
    let (app, stats, r) = read_replay(&path, &ReplayOptions::default()).unwrap();
    assert!(stats.malformed_lines > 0);
    assert!(stats.truncated_tail);
    assert!(stats.warning_total() > 0);
    assert_eq!(r.workload.validate(), Ok(()));
    assert!(!r.workload.jobs.is_empty());
    assert!(
        r.observed.iter().any(|o| o.turnaround_ms.is_none()),
        "a job never ended"
    );
    // Decisions still work on the partial log.
    let d = LogDecisions::from_log(&app, &r.replayed_stages);
    assert!(!d.stages.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_shared_event_log_replays() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/eventlogs");
    let mut logs = Vec::new();
    for origin in std::fs::read_dir(&root).unwrap() {
        let origin = origin.unwrap().path();
        if !origin.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&origin).unwrap() {
            logs.push(entry.unwrap().path());
        }
    }
    logs.sort();
    assert!(logs.len() >= 14, "{logs:?}");
    for log in logs {
        let (app, _) = read_application(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let r = build_replay(&app, &ReplayOptions::default());
        assert_eq!(r.workload.validate(), Ok(()), "{}", log.display());
        assert_eq!(r.ids.jobs.len(), r.workload.jobs.len());
        assert_eq!(r.observed.len(), r.workload.jobs.len());
        let summary = workloads::replay::summary::summarize(&app, &Default::default(), &r);
        serde_json::to_string(&summary).unwrap();
    }
}
