//! Every shared real event log reads without error, and hand-checkable counts match the
//! logs' README (`shared/eventlogs/README.md`) and the fidelity runs' per-run summaries.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use workloads::eventlog::{
    Codec, EventLogReader, ExecutorOrigin, JobResult, LogLayout, LoggedApplication, ReadStats,
    SchedulingMode, TaskEndReasonKind, open, read_application,
};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

fn eventlog(rel: &str) -> PathBuf {
    shared().join("eventlogs").join(rel)
}

fn read(rel: &str) -> (LoggedApplication, ReadStats) {
    let path = eventlog(rel);
    read_application(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// All logs of `shared/eventlogs`: files and rolling directories below the origin folders.
fn all_shared_logs() -> Vec<PathBuf> {
    let mut logs = Vec::new();
    for origin in sorted_entries(&shared().join("eventlogs")) {
        if origin.is_dir() {
            logs.extend(sorted_entries(&origin));
        }
    }
    logs
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

fn fidelity_logs() -> Vec<PathBuf> {
    let mut logs = Vec::new();
    for scenario in sorted_entries(&shared().join("fidelity/dev")) {
        for run in sorted_entries(&scenario) {
            let log = run.join("eventlog.json");
            if log.is_file() {
                logs.push(log);
            }
        }
    }
    logs
}

fn task_ends(app: &LoggedApplication, kind: TaskEndReasonKind) -> usize {
    app.tasks
        .iter()
        .filter(|t| t.end_reason.as_ref() == Some(&kind))
        .count()
}

/// Stages that were submitted at least once (README counts distinct StageSubmitted ids).
fn submitted(app: &LoggedApplication) -> usize {
    app.stages.iter().filter(|s| !s.skipped()).count()
}

#[test]
fn every_shared_log_reads_without_error() {
    let logs = all_shared_logs();
    assert_eq!(logs.len(), 14, "{logs:?}");
    for path in logs {
        let (app, stats) = read_application(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stats.malformed_lines, 0, "{}: {stats}", path.display());
        assert!(!stats.truncated_tail, "{}: {stats}", path.display());
        assert!(!app.tasks.is_empty(), "{}", path.display());
        // The Databricks log has no ApplicationEnd.
        let databricks = path.ends_with("db_subExecution_id.zstd");
        assert_eq!(app.completed, !databricks, "{}", path.display());
        assert_eq!(
            app.task_end_events as usize,
            app.tasks.len() + app.tasks.iter().filter(|t| t.resubmitted).count(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn every_fidelity_log_reads_cleanly() {
    let logs = fidelity_logs();
    assert_eq!(logs.len(), 21);
    for path in logs {
        let (app, stats) = read_application(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stats.warning_total(), 0, "{}: {stats}", path.display());
        assert_eq!(app.spark_version, "3.5.9");
        assert!(app.tasks.iter().all(|t| t.end_reason.is_some()));
    }
}

/// Per-run summary of `shared/fidelity/README.md`: scenario jobs, scenario task attempts,
/// speculative and killed attempts, executors added/removed.
#[test]
fn fidelity_counts_match_the_readme_summary() {
    let expected = [
        ("d1_fair_vs_fifo/FAIR_r1", 4, 52, 0, 0),
        ("d1_fair_vs_fifo/FIFO_r2", 4, 52, 0, 0),
        ("d2_minshare/FAIR_r1", 6, 84, 0, 0),
        ("d3_fair_within_pool/FIFO_r1", 4, 80, 0, 0),
        ("d4_two_stage/FAIR_r2", 4, 70, 0, 0),
        ("d5_speculation/spec_off_r1", 2, 16, 0, 0),
        ("d5_speculation/spec_on_r1", 2, 19, 3, 3),
        ("d5_speculation/spec_on_r2", 2, 19, 3, 3),
        ("d6_dynalloc/dynalloc_r1", 2, 48, 0, 0),
    ];
    for (run, jobs, tasks, speculative, killed) in expected {
        let path = shared()
            .join("fidelity/dev")
            .join(run)
            .join("eventlog.json");
        let (app, _) = read_application(&path).unwrap();
        let scenario_jobs: Vec<_> = app
            .jobs
            .iter()
            .filter(|j| {
                !j.description
                    .as_deref()
                    .unwrap_or("")
                    .starts_with("warmup-")
            })
            .collect();
        let stages: BTreeSet<i64> = scenario_jobs
            .iter()
            .flat_map(|j| j.stage_ids.iter().copied())
            .collect();
        let scenario_tasks: Vec<_> = app
            .tasks
            .iter()
            .filter(|t| stages.contains(&t.stage_id))
            .collect();
        assert_eq!(scenario_jobs.len(), jobs, "{run}");
        assert_eq!(scenario_tasks.len(), tasks, "{run}");
        let spec = scenario_tasks.iter().filter(|t| t.speculative).count();
        let kill = scenario_tasks.iter().filter(|t| t.killed).count();
        assert_eq!((spec, kill), (speculative, killed), "{run}");
    }
}

#[test]
fn fidelity_turnarounds_and_executors_match_the_readme() {
    let path = shared().join("fidelity/dev/d1_fair_vs_fifo/FAIR_r1/eventlog.json");
    let (app, _) = read_application(&path).unwrap();
    let turnaround = |name: &str| {
        let job = app
            .jobs
            .iter()
            .find(|j| j.description.as_deref() == Some(name));
        job.and_then(|j| j.turnaround()).unwrap()
    };
    assert_eq!(turnaround("batch-1"), 6514);
    assert_eq!(turnaround("interactive-1"), 892);
    assert_eq!(turnaround("interactive-3"), 822);
    assert_eq!(app.scheduling_mode, SchedulingMode::Fair);
    assert!(app.pools.contains("batch") && app.pools.contains("interactive"));
    let batch = app
        .jobs
        .iter()
        .find(|j| j.description.as_deref() == Some("batch-1"));
    assert_eq!(batch.unwrap().pool.as_deref(), Some("batch"));

    let path = shared().join("fidelity/dev/d6_dynalloc/dynalloc_r1/eventlog.json");
    let (app, _) = read_application(&path).unwrap();
    let cluster: Vec<_> = app.executors.iter().filter(|e| e.id != "driver").collect();
    assert_eq!(cluster.len(), 8);
    assert_eq!(
        cluster.iter().filter(|e| e.removed_time.is_some()).count(),
        8
    );
    assert!(
        cluster
            .iter()
            .all(|e| e.request_time.is_some() && e.cores == Some(1))
    );
}

#[test]
fn yarn_dynamic_allocation_log() {
    let (app, _) = read("apache-spark/application_1628109047826_1317105");
    assert_eq!(app.spark_version, "3.1.1.119");
    assert_eq!(
        app.app_id.as_deref(),
        Some("application_1628109047826_1317105")
    );
    assert_eq!(app.executors.len(), 10);
    let removed: Vec<_> = app
        .executors
        .iter()
        .filter(|e| e.removed_time.is_some())
        .collect();
    assert_eq!(removed.len(), 6);
    assert!(
        removed[0]
            .removed_reason
            .as_deref()
            .unwrap()
            .contains("explicit termination request")
    );
    assert_eq!(
        app.property("spark.dynamicAllocation.maxExecutors"),
        Some("900")
    );
    assert_eq!(
        (app.jobs.len(), app.stages.len(), app.tasks.len()),
        (1, 1, 5)
    );
    let spec: Vec<_> = app.tasks.iter().filter(|t| t.speculative).collect();
    assert_eq!(spec.len(), 1);
    assert_eq!((spec[0].index, spec[0].attempt), (3, 1));
    assert_eq!(spec[0].end_reason, Some(TaskEndReasonKind::TaskKilled));
    assert_eq!(
        spec[0].end_reason_text.as_deref(),
        Some("another attempt succeeded")
    );
    let run = app.end_time.unwrap() - app.start_time.unwrap();
    assert!((270_000..=276_000).contains(&run), "{run}");
}

#[test]
fn legacy_log_without_log_start() {
    let (app, stats) = read("apache-spark/local-1422981780767");
    assert_eq!(app.spark_version, "unknown");
    assert_eq!(app.executors.len(), 1);
    let driver = &app.executors[0];
    assert_eq!(
        (driver.id.as_str(), driver.origin),
        ("driver", ExecutorOrigin::BlockManager)
    );
    assert_eq!((app.jobs.len(), app.stages.len()), (3, 4));
    assert_eq!(app.tasks.len(), 32);
    let failed_jobs = app
        .jobs
        .iter()
        .filter(|j| matches!(j.result, Some(JobResult::Failed { .. })))
        .count();
    assert_eq!(failed_jobs, 1);
    let failed_stages: usize = app
        .stages
        .iter()
        .flat_map(|s| &s.attempts)
        .filter(|a| a.failure_reason.is_some())
        .count();
    assert_eq!(failed_stages, 1);
    assert!(task_ends(&app, TaskEndReasonKind::ExceptionFailure) >= 1);
    assert!(app.jobs.iter().all(|j| j.completion_time.is_none()));
    // Spark 1.x tasks have no Partition ID: the index stands in.
    assert!(app.tasks.iter().all(|t| t.partition == t.index));
    assert!(app.tasks.iter().all(|t| t.metrics.is_some()));
    assert_eq!(stats.events_by_type.get("SparkListenerLogStart"), None);
}

#[test]
fn blacklist_events_with_fully_qualified_names() {
    let (app, stats) = read("apache-spark/app-20161115172038-0000");
    assert_eq!(app.executors.len(), 4);
    assert!(app.executors.iter().all(|e| e.cores == Some(4)));
    assert_eq!(app.tasks.len(), 26);
    assert_eq!(task_ends(&app, TaskEndReasonKind::Success), 16);
    assert_eq!(task_ends(&app, TaskEndReasonKind::ExceptionFailure), 10);
    assert_eq!(app.exclusion_events.values().sum::<u64>(), 6);
    assert_eq!(
        app.exclusion_events.get("SparkListenerExecutorExcluded"),
        Some(&2)
    );
    let fq = "org.apache.spark.scheduler.SparkListenerNodeBlacklisted";
    assert_eq!(stats.events_by_type.get(fq), Some(&1));
}

#[test]
fn failures_log_counts() {
    let (app, stats) = read("spark-rapids-tools/tasks_executors_fail_compressed_eventlog.zstd");
    assert_eq!(app.jobs.len(), 75);
    assert_eq!(app.task_end_events, 8630);
    assert_eq!(task_ends(&app, TaskEndReasonKind::FetchFailed), 2);
    assert_eq!(task_ends(&app, TaskEndReasonKind::ExecutorLostFailure), 1);
    assert_eq!(app.tasks.iter().filter(|t| t.resubmitted).count(), 50);
    assert_eq!(app.executors.len(), 8);
    let lost: Vec<_> = app
        .executors
        .iter()
        .filter_map(|e| e.removed_reason.as_deref())
        .collect();
    assert_eq!(lost, ["Executor Process Lost", "Executor Process Lost"]);
    assert_eq!(submitted(&app), 135);
    // 5 JobEnd events name jobs that never started (their JobStart is not in the log).
    assert_eq!(stats.warnings_of("JobEnd without JobStart"), 5);
}

#[test]
fn dynamic_allocation_churn_and_skipped_stages() {
    let (app, _) = read("spark-rapids-tools/eventlog_4nodes_8cores_dynamic_alloc.zstd");
    assert_eq!(app.spark_version, "3.2.1");
    assert_eq!(app.executors.len(), 15);
    let removed = app.executors.iter().filter(|e| e.removed_time.is_some());
    assert!(
        removed
            .clone()
            .all(|e| e.removed_reason.as_deref() == Some("Executor killed by driver."))
    );
    assert_eq!(removed.count(), 14);
    assert_eq!((app.jobs.len(), app.tasks.len()), (20, 235));
    let skipped: usize = app.jobs.iter().map(|j| j.skipped_stage_ids.len()).sum();
    assert!(skipped > 0);
    for job in &app.jobs {
        for id in &job.skipped_stage_ids {
            assert!(job.stage_ids.contains(id));
        }
    }
}

#[test]
fn fair_pools_and_large_log() {
    let (app, _) = read("spark-rapids-tools/db_subExecution_id.zstd");
    assert_eq!(app.scheduling_mode, SchedulingMode::Fair);
    assert_eq!(app.spark_version, "unknown");
    assert_eq!((app.jobs.len(), app.tasks.len()), (11, 137));
    assert!(app.jobs.iter().all(|j| j.pool.is_some()));
    assert!(
        app.pools
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_digit()))
    );

    let (app, stats) = read("spark-rapids-tools/nds_q72_dataproc_2_2.zstd");
    assert_eq!(app.scheduling_mode, SchedulingMode::Fair);
    assert_eq!(app.pools, BTreeSet::from(["default".to_owned()]));
    assert_eq!(
        (app.jobs.len(), submitted(&app), app.tasks.len()),
        (49, 49, 13_504)
    );
    assert_eq!(
        app.stages.len(),
        62,
        "13 stages are listed by jobs but skipped"
    );
    assert_eq!(app.executors.len(), 8);
    assert!(
        app.executors
            .iter()
            .all(|e| e.cores == Some(16) && e.registration_time.is_some())
    );
    assert_eq!(stats.bytes_decompressed, 48_279_502);
}

#[test]
fn resource_profiles() {
    let (app, _) = read("spark-rapids-tools/rp_sql_eventlog.zstd");
    assert_eq!(app.resource_profiles.len(), 2);
    let cores: BTreeSet<_> = app
        .executors
        .iter()
        .map(|e| (e.resource_profile_id, e.cores))
        .collect();
    assert_eq!(cores, BTreeSet::from([(0, Some(4)), (1, Some(2))]));
    assert_eq!(
        (app.jobs.len(), app.stages.len(), app.tasks.len()),
        (2, 5, 217)
    );

    let (app, _) = read("apache-spark/application_1578436911597_0052");
    assert!(app.spark_properties.is_empty());
    assert_eq!(app.stages[0].resource_profile_id, 3);
}

#[test]
fn multi_frame_zstd_spark_4() {
    let path = eventlog("kubeflow-mcp-spark-history-server/local-1776286786993.zstd");
    assert_eq!(open(&path).unwrap().parts[0].codec, Codec::Zstd);
    let (app, stats) = read_application(&path).unwrap();
    assert_eq!(stats.bytes_decompressed, 1_454_388);
    assert_eq!(app.spark_version, "4.1.0");
    assert_eq!(app.exit_code, Some(0));
    assert_eq!(
        (app.jobs.len(), submitted(&app), app.tasks.len()),
        (23, 23, 52)
    );
    assert_eq!(task_ends(&app, TaskEndReasonKind::Success), 40);
    assert_eq!(task_ends(&app, TaskEndReasonKind::ExceptionFailure), 11);
    assert_eq!(task_ends(&app, TaskEndReasonKind::TaskKilled), 1);
    assert!(app.tasks.iter().all(|t| t.partition >= 0));
}

#[test]
fn rolling_directories_merge_in_order() {
    let dir = eventlog("spark-rapids-tools/eventlog_v2_local-1623876083964");
    let source = open(&dir).unwrap();
    assert!(matches!(source.layout, LogLayout::Rolling { .. }));
    assert!(!source.in_progress);
    let indices: Vec<_> = source.parts.iter().map(|p| p.index).collect();
    assert_eq!(indices, [Some(1), Some(2)]);
    let (app, stats) = read_application(&dir).unwrap();
    assert_eq!(stats.files, 2);
    assert_eq!(stats.bytes_decompressed, 10_480_446 + 951_074);
    assert_eq!(
        (app.jobs.len(), app.stages.len(), app.tasks.len()),
        (1, 4, 2801)
    );
    assert_eq!(stats.warning_total(), 0, "{stats}");
    assert!(app.completed);
    assert_eq!(app.executors[0].cores, Some(12));

    let dir = eventlog(
        "kubeflow-mcp-spark-history-server/eventlog_v2_spark-bcec39f6201b42b9925124595baad260",
    );
    let (app, _) = read_application(&dir).unwrap();
    assert_eq!(app.spark_version, "3.5.3");
    assert!(app.master.as_deref().unwrap().starts_with("k8s://"));
    assert_eq!((app.jobs.len(), app.tasks.len()), (1, 2));
}

#[test]
fn reader_counts_every_line() {
    let path = eventlog("apache-spark/app-20200706201101-0003");
    let mut reader = EventLogReader::open(&path).unwrap();
    let mut parsed = 0;
    while let Some(event) = reader.next_event() {
        event.unwrap();
        parsed += 1;
    }
    let stats = reader.into_stats();
    assert_eq!(stats.parsed_events, parsed);
    assert_eq!(stats.events, stats.parsed_events + stats.skipped_unknown);
    assert_eq!(
        stats.lines,
        stats.events + stats.empty_lines + stats.malformed_lines
    );
    assert_eq!(stats.skipped_unknown, 4 + 2 + 1 + 1);
    assert_eq!(stats.bytes_decompressed, 266_506);
}
