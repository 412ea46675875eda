//! Spark's `ExecutorAllocationManagerSuite` and `ExecutorMonitorSuite` (3.5), restated: every
//! fact of DA spec A.10, each test named after the Spark test it restates, plus A.1 (when
//! dynamic allocation is active and what fails at start-up), A.5 (tasks per executor) and
//! A.11 (replay of `application_1628109047826_1317105`).
//!
//! Suite constants: `schedulerBacklogTimeout` 1 s, `sustainedSchedulerBacklogTimeout` 2 s,
//! `executorIdleTimeout` 3 s; `createConf(min, max, initial)` also enables the external
//! shuffle service (so shuffle tracking is off) and the testing flag; `client.isExecutorActive`
//! is mocked true (here: `executor_active: Some(true)`). "add" is one
//! `addExecutorsToTarget` + `doUpdateRequest` round (`add_executors_to_target`), "adjust" is
//! `updateAndSyncNumExecutorsTarget(0)`. Times are ms of Spark's `ManualClock`. Expected values
//! are the spec's and the Spark suite's, not outputs of this code.

use std::collections::BTreeSet;

use policies::conf::{ConfSource, DynamicAllocationConf, MasterUrl, SparkConf};
use policies::executor_allocation_manager::{
    AllocationDecision, AllocationSettings, BlockStorageLevel, CustomResourceRequest,
    DEFAULT_RESOURCE_PROFILE_ID, ExecutorAllocationManager, ExecutorMonitor, KillReason,
    MonitorSettings, RequestCause, SCHEDULE_INTERVAL_MS, StageSubmitted, TaskEnd, TaskEndReason,
    TaskStart, UNKNOWN_RESOURCE_PROFILE_ID, check_initial_executors_in_bounds,
    default_profile_max_tasks_per_executor, is_dynamic_allocation_active, max_tasks_per_executor,
};

const RP0: i32 = DEFAULT_RESOURCE_PROFILE_ID;

// ------------------------------------------------------------------------------------------
// Helpers (the suite's `createConf`, `post(...)`, private-method accessors).
// ------------------------------------------------------------------------------------------

/// `createConf(min, max, initial)`.
fn da(min: i32, max: i32, initial: i32) -> DynamicAllocationConf {
    DynamicAllocationConf {
        enabled: true,
        testing: true,
        min_executors: min,
        max_executors: max,
        initial_executors: initial,
        executor_instances: None,
        executor_allocation_ratio: 1.0,
        scheduler_backlog_timeout_s: 1,
        sustained_scheduler_backlog_timeout_s: 2,
        executor_idle_timeout_s: 3,
        cached_executor_idle_timeout_s: i64::from(i32::MAX),
        shuffle_tracking_enabled: true,
        shuffle_tracking_timeout_ms: i64::MAX,
        shuffle_service_enabled: true,
        decommission_enabled: false,
        decommission_shuffle_blocks_enabled: true,
    }
}

/// `createManager(conf)` with `maxTasksPerExecutor` `tpe`, started.
fn manager_with(conf: DynamicAllocationConf, tpe: u32) -> ExecutorAllocationManager {
    let mut m = ExecutorAllocationManager::new(AllocationSettings::new(conf, tpe)).unwrap();
    let start = m.start(0);
    assert_eq!(start.len(), 1);
    m
}

fn manager(min: i32, max: i32, initial: i32) -> ExecutorAllocationManager {
    manager_with(da(min, max, initial), 1)
}

fn submit(m: &mut ExecutorAllocationManager, now: u64, stage: u32, num_tasks: u32) {
    m.on_stage_submitted(now, &StageSubmitted::new(stage, 0, num_tasks));
}

fn submit_attempt(
    m: &mut ExecutorAllocationManager,
    now: u64,
    stage: u32,
    attempt: u32,
    num_tasks: u32,
) {
    m.on_stage_submitted(now, &StageSubmitted::new(stage, attempt, num_tasks));
}

fn start_task(
    m: &mut ExecutorAllocationManager,
    now: u64,
    (stage, attempt): (u32, u32),
    index: u32,
    exec: &str,
    speculative: bool,
) {
    m.on_task_start(
        now,
        &TaskStart {
            stage_id: stage,
            stage_attempt: attempt,
            index,
            executor_id: exec,
            speculative,
            executor_active: Some(true),
        },
    );
}

fn end_task(
    m: &mut ExecutorAllocationManager,
    now: u64,
    (stage, attempt): (u32, u32),
    index: u32,
    exec: &str,
    speculative: bool,
    reason: TaskEndReason,
) {
    m.on_task_end(
        now,
        &TaskEnd {
            stage_id: stage,
            stage_attempt: attempt,
            index,
            executor_id: exec,
            speculative,
            reason,
        },
    );
}

/// One suite "add" round for the default profile.
fn add(m: &mut ExecutorAllocationManager) -> i32 {
    m.add_executors_to_target(0, RP0)
}

/// `adjustRequestedExecutors`: `updateAndSyncNumExecutorsTarget(0L)`.
fn adjust(m: &mut ExecutorAllocationManager) -> i32 {
    m.update_and_sync_num_executors_target(0)
}

fn target(m: &ExecutorAllocationManager) -> i32 {
    m.num_executors_target(RP0).unwrap()
}

fn to_add(m: &ExecutorAllocationManager) -> i32 {
    m.num_executors_to_add(RP0).unwrap()
}

fn need(m: &ExecutorAllocationManager) -> i32 {
    m.max_num_executors_needed(RP0)
}

fn added(m: &mut ExecutorAllocationManager, now: u64, id: &str) {
    m.on_executor_added(now, id, RP0);
}

fn removed(m: &mut ExecutorAllocationManager, id: &str) {
    m.on_executor_removed(id, false);
}

/// `removeExecutorDefaultProfile`: true iff the executor was the first one removed.
fn remove(m: &mut ExecutorAllocationManager, id: &str) -> bool {
    remove_rp(m, id, RP0)
}

fn remove_rp(m: &mut ExecutorAllocationManager, id: &str, rp: i32) -> bool {
    let out = m.remove_executors(&[(id.to_string(), rp)]);
    out.first().map(String::as_str) == Some(id)
}

/// `removeExecutorsDefaultProfile`.
fn remove_all(m: &mut ExecutorAllocationManager, ids: &[&str]) -> Vec<String> {
    let v: Vec<(String, i32)> = ids.iter().map(|id| (id.to_string(), RP0)).collect();
    m.remove_executors(&v)
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn pending(m: &ExecutorAllocationManager) -> BTreeSet<String> {
    m.executors_pending_to_remove()
}

fn kills(decisions: &[AllocationDecision]) -> Vec<String> {
    decisions
        .iter()
        .filter_map(|d| match d {
            AllocationDecision::KillExecutors(k) => Some(k.ids.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn requests(decisions: &[AllocationDecision]) -> Vec<(RequestCause, i32)> {
    decisions
        .iter()
        .filter_map(|d| match d {
            AllocationDecision::RequestTotalExecutors(r) => Some((r.cause, r.target)),
            _ => None,
        })
        .collect()
}

const OK: TaskEndReason = TaskEndReason::Success;

// ------------------------------------------------------------------------------------------
// A.10 #2, #1: validation and starting state.
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_verify_min_max_executors() {
    let build =
        |c: DynamicAllocationConf| ExecutorAllocationManager::new(AllocationSettings::new(c, 1));
    let mut c = da(1, 5, 1);
    c.min_executors = -1;
    assert!(build(c).is_err(), "min < 0");
    let mut c = da(1, 5, 1);
    c.max_executors = -1;
    assert!(build(c).is_err(), "max < 0");
    assert!(build(da(2, 1, 1)).is_err(), "min > max");
    assert!(build(da(1, 1, 1)).is_ok(), "min == max");
    assert!(build(da(1, 2, 1)).is_ok(), "min < max");
}

#[test]
fn executor_allocation_manager_suite_starting_state() {
    let m = manager(1, 5, 1);
    assert_eq!(target(&m), 1);
    assert!(pending(&m).is_empty());
    assert_eq!(m.add_time(), None);
    assert!(m.is_initializing());
}

// ------------------------------------------------------------------------------------------
// A.10 #3, #4: the exponential ramp, one and several resource profiles.
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_add_executors_default_profile() {
    let mut m = manager(1, 10, 1);
    submit(&mut m, 0, 0, 1000);
    assert_eq!((target(&m), to_add(&m)), (1, 1));
    for (delta, t, step) in [(1, 2, 2), (2, 4, 4), (4, 8, 8), (2, 10, 1), (0, 10, 1)] {
        assert_eq!(add(&mut m), delta);
        assert_eq!((target(&m), to_add(&m)), (t, step));
    }
    // Registering the requested executors (duplicates do not count) changes nothing.
    for id in ["first", "second", "third", "fourth", "first", "second"] {
        added(&mut m, 0, id);
        assert_eq!(target(&m), 10);
    }
    assert_eq!(m.executor_count(), 4);
    for _ in 0..2 {
        assert_eq!(add(&mut m), 0);
        assert_eq!((target(&m), to_add(&m)), (10, 1));
    }
}

#[test]
fn executor_allocation_manager_suite_add_executors_multiple_profiles() {
    let mut m = manager(1, 10, 1);
    // RP1: 4 cores and 4 GPUs per executor, 1 cpu and 1 GPU per task: 4 tasks per executor.
    let tpe1 = max_tasks_per_executor(
        4,
        1,
        true,
        &[CustomResourceRequest {
            executor_amount: 4.0,
            task_amount: 1.0,
        }],
    )
    .unwrap();
    assert_eq!(tpe1, 4);
    m.add_resource_profile(1, tpe1);
    submit(&mut m, 0, 0, 1000);
    let mut s1 = StageSubmitted::new(1, 0, 1000);
    s1.resource_profile_id = 1;
    let sent = m.on_stage_submitted(0, &s1);
    assert_eq!(requests(&sent), vec![(RequestCause::NewResourceProfile, 1)]);
    assert_eq!(m.max_num_executors_needed(1), 250);

    for (delta, t_after, step_after) in [(1, 2, 2), (2, 4, 4), (4, 8, 8), (2, 10, 1), (0, 10, 1)] {
        assert_eq!(m.add_executors_to_target(0, RP0), delta);
        assert_eq!(m.add_executors_to_target(0, 1), delta);
        for rp in [RP0, 1] {
            assert_eq!(m.num_executors_target(rp), Some(t_after), "rp {rp}");
            assert_eq!(m.num_executors_to_add(rp), Some(step_after), "rp {rp}");
        }
    }
    for id in ["first", "second", "third", "fourth", "first", "second"] {
        m.on_executor_added(0, id, RP0);
    }
    for id in ["firstrp1", "secondrp1", "thirdrp1", "fourthrp1", "firstrp1"] {
        m.on_executor_added(0, id, 1);
    }
    assert_eq!(m.monitor().executor_count_with_resource_profile(RP0), 4);
    assert_eq!(m.monitor().executor_count_with_resource_profile(1), 4);
    for _ in 0..2 {
        assert_eq!(m.add_executors_to_target(0, RP0), 0);
        assert_eq!(m.add_executors_to_target(0, 1), 0);
        for rp in [RP0, 1] {
            assert_eq!(m.num_executors_target(rp), Some(10));
            assert_eq!(m.num_executors_to_add(rp), Some(1));
        }
    }
}

#[test]
fn executor_allocation_manager_suite_add_executors_multiple_profiles_initial_num_same_as_needed() {
    let mut m = ExecutorAllocationManager::new(AllocationSettings::new(da(0, 10, 2), 1)).unwrap();
    // RP1: 2 cores and 2 GPUs, 1 GPU per task: 2 tasks per executor.
    let tpe1 = max_tasks_per_executor(
        2,
        1,
        true,
        &[CustomResourceRequest {
            executor_amount: 2.0,
            task_amount: 1.0,
        }],
    )
    .unwrap();
    m.add_resource_profile(1, tpe1);
    let mut calls = m.start(8888).len();
    let mut s = StageSubmitted::new(1, 0, 4);
    s.resource_profile_id = 1;
    calls += requests(&m.on_stage_submitted(8888, &s)).len();
    // Once at start, once for the new profile's initial number.
    assert_eq!(calls, 2);
    assert_eq!(m.num_executors_target(1), Some(2));
}

#[test]
fn executor_allocation_manager_suite_remove_executors_multiple_profiles() {
    let mut m = manager(5, 10, 5);
    m.add_resource_profile(1, 4);
    m.add_resource_profile(2, 1);
    for (stage, rp) in [(1, 1), (2, 2)] {
        let mut s = StageSubmitted::new(stage, 0, 10);
        s.resource_profile_id = rp;
        m.on_stage_submitted(0, &s);
    }
    for i in 1..=10 {
        m.on_executor_added(0, &i.to_string(), 1);
    }
    for i in 11..=20 {
        m.on_executor_added(0, &i.to_string(), 2);
    }
    for i in 21..=30 {
        m.on_executor_added(0, &i.to_string(), RP0);
    }
    assert!(remove_rp(&mut m, "1", 1));
    assert!(remove_rp(&mut m, "11", 2));
    assert!(remove_rp(&mut m, "2", 1));
    assert_eq!(pending(&m), set(&["1", "11", "2"]));
    assert!(remove_rp(&mut m, "21", RP0));
    assert!(remove_rp(&mut m, "3", 1));
    assert!(remove_rp(&mut m, "4", 1));
    assert!(remove_rp(&mut m, "5", 1));
    assert!(!remove_rp(&mut m, "6", 1), "reached the limit of 5");
    assert_eq!(pending(&m).len(), 7);
    for id in ["1", "2", "3", "2", "3", "4", "5"] {
        removed(&mut m, id);
    }
    assert_eq!(pending(&m), set(&["11", "21"]));
    assert!(!remove_rp(&mut m, "7", 1));
    assert!(!remove_rp(&mut m, "8", 1));
    for id in ["12", "13", "14", "15"] {
        assert!(remove_rp(&mut m, id, 2));
    }
    assert!(!remove_rp(&mut m, "16", 2), "same min of 5 for rp2");
    assert_eq!(pending(&m).len(), 6);
    for id in ["11", "12", "13", "14", "15"] {
        removed(&mut m, id);
    }
    assert_eq!(pending(&m), set(&["21"]));
}

// ------------------------------------------------------------------------------------------
// A.10 #5: executorAllocationRatio.
// ------------------------------------------------------------------------------------------

fn allocation_ratio_target(cores: u32, ratio: f64) -> i32 {
    let mut conf = SparkConf::new();
    for (k, v) in [
        ("spark.master", "yarn".to_string()),
        ("spark.dynamicAllocation.enabled", "true".to_string()),
        ("spark.dynamicAllocation.testing", "true".to_string()),
        ("spark.dynamicAllocation.minExecutors", "3".to_string()),
        ("spark.dynamicAllocation.maxExecutors", "15".to_string()),
        ("spark.dynamicAllocation.initialExecutors", "1".to_string()),
        (
            "spark.dynamicAllocation.schedulerBacklogTimeout",
            "1s".to_string(),
        ),
        (
            "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout",
            "2s".to_string(),
        ),
        (
            "spark.dynamicAllocation.executorIdleTimeout",
            "3s".to_string(),
        ),
        ("spark.shuffle.service.enabled", "true".to_string()),
        (
            "spark.dynamicAllocation.executorAllocationRatio",
            ratio.to_string(),
        ),
        ("spark.executor.cores", cores.to_string()),
    ] {
        conf.set(k, v, ConfSource::Api);
    }
    let mut m = ExecutorAllocationManager::from_conf(&conf).unwrap();
    m.start(0);
    submit(&mut m, 0, 0, 20);
    for _ in 0..=5 {
        add(&mut m);
    }
    target(&m)
}

#[test]
fn executor_allocation_manager_suite_execution_allocation_ratio_is_correctly_handled() {
    assert_eq!(allocation_ratio_target(1, 0.5), 10);
    assert_eq!(allocation_ratio_target(1, 1.0 / 3.0), 7);
    assert_eq!(allocation_ratio_target(2, 1.0 / 3.0), 4);
    assert_eq!(allocation_ratio_target(1, 0.385), 8);
    // Capped by max (20 needed) and raised to min (2 needed).
    assert_eq!(allocation_ratio_target(1, 1.0), 15);
    assert_eq!(allocation_ratio_target(4, 1.0 / 3.0), 3);
}

// ------------------------------------------------------------------------------------------
// A.10 #6, #7: capped by pending tasks; speculative tasks.
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_add_executors_capped_by_num_pending_tasks() {
    let mut m = manager(0, 10, 0);
    submit(&mut m, 0, 0, 5);
    assert_eq!((target(&m), to_add(&m)), (0, 1));
    for (delta, t, step) in [(1, 1, 2), (2, 3, 4), (2, 5, 1)] {
        assert_eq!(add(&mut m), delta);
        assert_eq!((target(&m), to_add(&m)), (t, step));
    }
    // Running a task does not affect the target.
    submit(&mut m, 0, 1, 3);
    added(&mut m, 0, "executor-1");
    start_task(&mut m, 0, (1, 0), 0, "executor-1", false);
    assert_eq!(target(&m), 5);
    for (delta, t, step) in [(1, 6, 2), (2, 8, 4), (0, 8, 1)] {
        assert_eq!(add(&mut m), delta);
        assert_eq!((target(&m), to_add(&m)), (t, step));
    }
    // Re-running a task (two attempts of index 0) does not blow things up.
    submit(&mut m, 0, 2, 3);
    start_task(&mut m, 0, (2, 0), 0, "executor-1", false);
    start_task(&mut m, 0, (2, 0), 0, "executor-1", false);
    for (delta, t, step) in [(1, 9, 2), (1, 10, 1)] {
        assert_eq!(add(&mut m), delta);
        assert_eq!((target(&m), to_add(&m)), (t, step));
    }
    // A task starting once at the limit.
    start_task(&mut m, 0, (2, 0), 1, "executor-1", false);
    assert_eq!(add(&mut m), 0);
    assert_eq!(target(&m), 10);
}

#[test]
fn executor_allocation_manager_suite_add_executors_when_speculative_tasks_added() {
    let mut m = manager(0, 10, 0);
    submit(&mut m, 0, 1, 2);
    m.on_speculative_task_submitted(0, 1, 0, 0);
    assert_eq!((target(&m), to_add(&m)), (0, 1));
    assert_eq!(add(&mut m), 1);
    m.on_speculative_task_submitted(0, 1, 0, 1);
    m.on_speculative_task_submitted(0, 1, 0, 2);
    assert_eq!((target(&m), to_add(&m)), (1, 2));
    assert_eq!(add(&mut m), 2);
    assert_eq!((target(&m), to_add(&m)), (3, 4));
    assert_eq!(add(&mut m), 2);
    assert_eq!((target(&m), to_add(&m)), (5, 1));
    // A normal task start, then a speculative one: target stays, adds return 0.
    start_task(&mut m, 0, (1, 0), 0, "executor-1", false);
    assert_eq!(target(&m), 5);
    assert_eq!(add(&mut m), 0);
    assert_eq!(to_add(&m), 1);
    start_task(&mut m, 0, (1, 0), 0, "executor-2", true);
    assert_eq!(target(&m), 5);
    assert_eq!(add(&mut m), 0);
    assert_eq!(to_add(&m), 1);
}

// ------------------------------------------------------------------------------------------
// A.10 #8: SPARK-31418 unschedulable task sets (executor.cores 2).
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_spark_31418_one_stage_being_unschedulable() {
    let mut m = manager_with(da(0, 5, 0), 2);
    submit(&mut m, 0, 0, 2);
    assert_eq!(add(&mut m), 1);
    assert_eq!(add(&mut m), 0);
    added(&mut m, 0, "0");
    start_task(&mut m, 0, (0, 0), 0, "0", false);
    start_task(&mut m, 0, (0, 0), 1, "0", false);
    assert_eq!((target(&m), need(&m)), (1, 1));

    m.on_unschedulable_task_set_added(0, 0, 0);
    m.update_and_sync_num_executors_target(1000);
    // 1 executor + ceil(1 / 2).
    assert_eq!((target(&m), need(&m)), (2, 2));

    added(&mut m, 1000, "1");
    m.on_unschedulable_task_set_removed(0, 0);
    m.update_and_sync_num_executors_target(2000);
    assert_eq!((target(&m), need(&m)), (1, 1));
}

#[test]
fn executor_allocation_manager_suite_spark_31418_multiple_stages_being_unschedulable() {
    let mut m = manager_with(da(0, 10, 0), 2);
    for stage in 0..3 {
        submit(&mut m, 0, stage, 2);
    }
    assert_eq!(add(&mut m), 1);
    assert_eq!(add(&mut m), 2);
    assert_eq!(add(&mut m), 0);
    for e in ["0", "1", "2"] {
        added(&mut m, 0, e);
    }
    for i in 0..3u32 {
        let exec = (i / 2).to_string();
        start_task(&mut m, 0, (i, 0), i * 2 + 1, &exec, false);
        start_task(&mut m, 0, (i, 0), i * 2 + 2, &exec, false);
    }
    assert_eq!((target(&m), need(&m)), (3, 3));

    end_task(&mut m, 0, (0, 0), 0, "0", false, OK);
    end_task(&mut m, 0, (0, 0), 1, "0", false, OK);
    m.on_stage_completed(0, 0);
    m.on_unschedulable_task_set_added(0, 1, 0);
    m.on_unschedulable_task_set_added(0, 2, 0);
    m.update_and_sync_num_executors_target(1000);
    assert_eq!((target(&m), need(&m)), (4, 4));

    added(&mut m, 1000, "3");
    m.on_unschedulable_task_set_removed(1, 0);
    m.update_and_sync_num_executors_target(2000);
    // Need 5, but the sustained timer (2 s after the add at 1 s) has not expired.
    assert_eq!((target(&m), need(&m)), (4, 5));
}

#[test]
fn executor_allocation_manager_suite_spark_31418_remove_executors_after_unschedulable_tasks_end() {
    let mut m = manager_with(da(0, 6, 0), 2);
    submit(&mut m, 0, 0, 10);
    for delta in [1, 2, 2, 0] {
        assert_eq!(add(&mut m), delta);
    }
    for e in 0..5 {
        added(&mut m, 0, &e.to_string());
    }
    for i in 0..10u32 {
        start_task(&mut m, 0, (0, 0), i, &(i / 2).to_string(), false);
    }
    assert_eq!((target(&m), need(&m)), (5, 5));
    for i in 0..8u32 {
        end_task(&mut m, 0, (0, 0), i, &(i / 2).to_string(), false, OK);
    }
    m.update_and_sync_num_executors_target(1000);
    assert_eq!((target(&m), need(&m)), (1, 1));
    for e in ["0", "1", "2", "3"] {
        assert!(remove(&mut m, e));
    }
    for e in ["0", "1", "2", "3"] {
        removed(&mut m, e);
    }
    m.on_unschedulable_task_set_added(1000, 0, 0);
    m.update_and_sync_num_executors_target(2000);
    assert_eq!((target(&m), need(&m)), (2, 2));
    added(&mut m, 2000, "5");
    m.on_unschedulable_task_set_removed(0, 0);
    m.update_and_sync_num_executors_target(3000);
    assert_eq!((target(&m), need(&m)), (1, 1));
    end_task(&mut m, 3000, (0, 0), 9, "4", false, OK);
    end_task(&mut m, 3000, (0, 0), 8, "5", false, OK);
    m.update_and_sync_num_executors_target(4000);
    m.on_stage_completed(0, 0);
    m.update_and_sync_num_executors_target(5000);
    assert_eq!((target(&m), need(&m)), (0, 0));
    assert!(remove(&mut m, "4"));
    removed(&mut m, "4");
    assert!(remove(&mut m, "5"));
    removed(&mut m, "5");
}

// ------------------------------------------------------------------------------------------
// A.10 #9: speculation with 4 cores per executor (SPARK-41192, SPARK-30511).
// ------------------------------------------------------------------------------------------

/// Stage 0 of 40 tasks on 10 executors of 4 cores, all started (target 10).
fn forty_tasks_on_ten_executors() -> ExecutorAllocationManager {
    let mut m = manager_with(da(0, 10, 0), 4);
    submit(&mut m, 0, 0, 40);
    for delta in [1, 2, 4, 3] {
        assert_eq!(add(&mut m), delta);
    }
    for e in 0..10 {
        added(&mut m, 0, &e.to_string());
    }
    for i in 0..40u32 {
        start_task(&mut m, 0, (0, 0), i, &(i / 4).to_string(), false);
    }
    assert_eq!((target(&m), need(&m)), (10, 10));
    m
}

#[test]
fn executor_allocation_manager_suite_spark_41192_remove_executors_when_task_finished_before_speculative_task_scheduled()
 {
    let mut m = forty_tasks_on_ten_executors();
    for i in 0..30u32 {
        end_task(&mut m, 0, (0, 0), i, &(i / 4).to_string(), false, OK);
    }
    for index in 30..40 {
        m.on_speculative_task_submitted(0, 0, 0, index);
    }
    m.update_and_sync_num_executors_target(1000);
    // ceil((10 running + 10 pending speculative) / 4).
    assert_eq!((target(&m), need(&m)), (5, 5));
    for e in 0..5 {
        assert!(remove(&mut m, &e.to_string()));
    }
    for e in 0..5 {
        removed(&mut m, &e.to_string());
    }
    // Originals 30..34 finish first: their pending speculative copies are dropped.
    for i in 30..35u32 {
        end_task(&mut m, 1000, (0, 0), i, &(i / 4).to_string(), false, OK);
    }
    m.update_and_sync_num_executors_target(2000);
    assert_eq!((target(&m), need(&m)), (3, 3));
    for tid in 40..45u32 {
        start_task(&mut m, 2000, (0, 0), tid - 5, &(tid / 4).to_string(), true);
    }
    m.update_and_sync_num_executors_target(3000);
    assert_eq!((target(&m), need(&m)), (3, 3));
    for i in 35..39u32 {
        end_task(&mut m, 3000, (0, 0), i, &(i / 4).to_string(), false, OK);
    }
    for i in 35..39u32 {
        let exec = ((i + 5) / 4).to_string();
        end_task(
            &mut m,
            3000,
            (0, 0),
            i,
            &exec,
            true,
            TaskEndReason::TaskKilled,
        );
    }
    m.update_and_sync_num_executors_target(4000);
    assert_eq!((target(&m), need(&m)), (1, 1));
}

#[test]
fn executor_allocation_manager_suite_spark_30511_remove_executors_when_speculative_tasks_end() {
    let mut m = forty_tasks_on_ten_executors();
    for i in 0..30u32 {
        end_task(&mut m, 0, (0, 0), i, &(i / 4).to_string(), false, OK);
    }
    m.update_and_sync_num_executors_target(1000);
    assert_eq!((target(&m), need(&m)), (3, 3));
    for e in 0..7 {
        assert!(remove(&mut m, &e.to_string()));
    }
    for e in 0..7 {
        removed(&mut m, &e.to_string());
    }
    // 10 speculative copies (indices 30..39) are submitted.
    for index in 30..40 {
        m.on_speculative_task_submitted(1000, 0, 0, index);
    }
    assert_eq!(m.add_executors_to_target(1000, RP0), 1);
    assert_eq!(m.add_executors_to_target(1000, RP0), 1);
    assert_eq!((target(&m), need(&m)), (5, 5));
    for e in ["10", "11", "12"] {
        added(&mut m, 1000, e);
    }
    for tid in 40..50u32 {
        start_task(&mut m, 1000, (0, 0), tid - 10, &(tid / 4).to_string(), true);
    }
    m.update_and_sync_num_executors_target(2000);
    assert_eq!((target(&m), need(&m)), (5, 5));
    // 6 speculative copies (40..45) win.
    for tid in 40..46u32 {
        end_task(
            &mut m,
            2000,
            (0, 0),
            tid - 10,
            &(tid / 4).to_string(),
            true,
            OK,
        );
    }
    m.update_and_sync_num_executors_target(3000);
    assert_eq!((target(&m), need(&m)), (4, 4));
    assert!(remove(&mut m, "10"));
    removed(&mut m, "10");
    // Their originals (30..35) are killed: the indices stay started (SPARK-30511).
    for i in 30..36u32 {
        end_task(
            &mut m,
            3000,
            (0, 0),
            i,
            &(i / 4).to_string(),
            false,
            TaskEndReason::TaskKilled,
        );
    }
    m.update_and_sync_num_executors_target(4000);
    assert_eq!((target(&m), need(&m)), (2, 2));
    for e in ["7", "8"] {
        assert!(remove(&mut m, e));
    }
    for e in ["7", "8"] {
        removed(&mut m, e);
    }
    // Original 36 wins, its copy 46 is killed.
    end_task(&mut m, 4000, (0, 0), 36, "9", false, OK);
    end_task(
        &mut m,
        4000,
        (0, 0),
        36,
        "11",
        true,
        TaskEndReason::TaskKilled,
    );
    m.update_and_sync_num_executors_target(5000);
    assert_eq!((target(&m), need(&m)), (2, 2));
    // 37 and its copy 47 both succeed.
    end_task(&mut m, 5000, (0, 0), 37, "9", false, OK);
    end_task(&mut m, 5000, (0, 0), 37, "11", true, OK);
    m.update_and_sync_num_executors_target(6000);
    assert_eq!((target(&m), need(&m)), (1, 1));
    assert!(remove(&mut m, "11"));
    removed(&mut m, "11");
    // 38 fails, copy 49 (of 39) fails, a new copy of 39 is submitted: need 1 → 2 (locality).
    end_task(&mut m, 6000, (0, 0), 38, "9", false, TaskEndReason::Failed);
    end_task(&mut m, 6000, (0, 0), 39, "12", true, TaskEndReason::Failed);
    m.on_speculative_task_submitted(6000, 0, 0, 39);
    m.update_and_sync_num_executors_target(7000);
    assert_eq!((target(&m), need(&m)), (2, 2));
    start_task(&mut m, 7000, (0, 0), 39, "12", true);
    m.update_and_sync_num_executors_target(8000);
    assert_eq!((target(&m), need(&m)), (1, 1));
    // 39 and 48 succeed, 50 is killed, the stage completes.
    end_task(&mut m, 8000, (0, 0), 39, "9", false, OK);
    end_task(&mut m, 8000, (0, 0), 38, "12", true, OK);
    end_task(
        &mut m,
        8000,
        (0, 0),
        39,
        "12",
        true,
        TaskEndReason::TaskKilled,
    );
    m.on_stage_completed(0, 0);
    m.update_and_sync_num_executors_target(9000);
    assert_eq!((target(&m), need(&m)), (0, 0));
    assert!(remove(&mut m, "9"));
    removed(&mut m, "9");
    assert!(remove(&mut m, "12"));
    removed(&mut m, "12");
}

// ------------------------------------------------------------------------------------------
// A.10 #10, #11: zombie attempts; cancelling pending executors.
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_properly_handle_task_end_events_from_completed_stages() {
    let mut m = manager(0, 10, 0);
    submit(&mut m, 0, 0, 5);
    start_task(&mut m, 0, (0, 0), 0, "executor-1", false);
    start_task(&mut m, 0, (0, 0), 1, "executor-1", false);
    m.on_stage_completed(0, 0);
    // The zombie attempt's two tasks still count.
    assert_eq!(m.total_running_tasks(RP0), 2);
    submit_attempt(&mut m, 0, 0, 1, 5);
    end_task(&mut m, 0, (0, 0), 0, "executor-1", false, OK);
    assert_eq!(m.total_running_tasks(RP0), 1);
    start_task(&mut m, 0, (0, 1), 0, "executor-1", false);
    start_task(&mut m, 0, (0, 1), 1, "executor-1", false);
    assert_eq!(m.total_running_tasks(RP0), 3);
    end_task(&mut m, 0, (0, 1), 0, "executor-1", false, OK);
    assert_eq!(m.total_running_tasks(RP0), 2);
    end_task(&mut m, 0, (0, 0), 1, "executor-1", false, OK);
    assert_eq!(m.total_running_tasks(RP0), 1);
    end_task(&mut m, 0, (0, 1), 1, "executor-1", false, OK);
    assert_eq!(m.total_running_tasks(RP0), 0);
}

#[test]
fn executor_allocation_manager_suite_cancel_pending_executors_when_no_longer_needed() {
    let mut m = manager(0, 10, 0);
    submit(&mut m, 0, 2, 5);
    assert_eq!((target(&m), to_add(&m)), (0, 1));
    assert_eq!(add(&mut m), 1);
    assert_eq!((target(&m), to_add(&m)), (1, 2));
    assert_eq!(add(&mut m), 2);
    assert_eq!(target(&m), 3);
    start_task(&mut m, 0, (2, 0), 0, "executor-1", false);
    assert_eq!(to_add(&m), 4);
    assert_eq!(add(&mut m), 2);
    assert_eq!(target(&m), 5);
    // A second attempt of index 0; both attempts succeed: pending 4, need 4.
    start_task(&mut m, 0, (2, 0), 0, "executor-1", false);
    end_task(&mut m, 0, (2, 0), 0, "executor-1", false, OK);
    end_task(&mut m, 0, (2, 0), 0, "executor-1", false, OK);
    assert_eq!(need(&m), 4);
    assert_eq!(adjust(&mut m), -1);
    assert_eq!(target(&m), 4);
}

// ------------------------------------------------------------------------------------------
// A.10 #12–#14: removal and its floor.
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_remove_executors() {
    let mut m = manager(5, 10, 5);
    for i in 1..=10 {
        added(&mut m, 0, &i.to_string());
    }
    assert!(pending(&m).is_empty());
    assert!(remove(&mut m, "1"));
    assert_eq!(pending(&m), set(&["1"]));
    assert!(remove(&mut m, "2"));
    assert!(remove(&mut m, "3"));
    assert_eq!(pending(&m), set(&["1", "2", "3"]));
    assert!(remove(&mut m, "4"));
    assert!(remove(&mut m, "5"));
    assert!(!remove(&mut m, "6"), "reached the limit of 5");
    assert_eq!(pending(&m), set(&["1", "2", "3", "4", "5"]));

    removed(&mut m, "1");
    assert_eq!(pending(&m).len(), 4);
    removed(&mut m, "2");
    removed(&mut m, "3");
    assert_eq!(pending(&m), set(&["4", "5"]));
    removed(&mut m, "2"); // duplicates are harmless
    removed(&mut m, "3");
    assert_eq!(pending(&m).len(), 2);
    removed(&mut m, "4");
    removed(&mut m, "5");
    assert!(pending(&m).is_empty());
    // Still at the floor: 5 executors left.
    assert!(!remove(&mut m, "7"));
    assert!(!remove(&mut m, "8"));
    assert!(pending(&m).is_empty());
}

#[test]
fn executor_allocation_manager_suite_remove_multiple_executors() {
    let mut m = manager(5, 10, 5);
    for i in 1..=10 {
        added(&mut m, 0, &i.to_string());
    }
    assert_eq!(remove_all(&mut m, &["1"]), strings(&["1"]));
    assert_eq!(remove_all(&mut m, &["2", "3"]), strings(&["2", "3"]));
    assert_eq!(pending(&m), set(&["1", "2", "3"]));
    assert!(remove(&mut m, "4"));
    assert_eq!(remove_all(&mut m, &["5"]), strings(&["5"]));
    assert!(!remove(&mut m, "6"));
    assert_eq!(pending(&m).len(), 5);
    for id in ["1", "2", "3", "2", "3", "4", "5"] {
        removed(&mut m, id);
    }
    assert!(pending(&m).is_empty());
    assert!(!remove(&mut m, "7"));
    assert_eq!(remove_all(&mut m, &["8"]), Vec::<String>::new());
    assert!(pending(&m).is_empty());
}

#[test]
fn executor_allocation_manager_suite_removing_with_various_num_executors_target_condition() {
    let mut m = manager(5, 12, 5);
    submit(&mut m, 0, 0, 8);
    assert_eq!(add(&mut m), 1);
    assert_eq!(add(&mut m), 2);
    for i in 1..=8u32 {
        added(&mut m, 0, &i.to_string());
    }
    for i in 1..=8u32 {
        start_task(&mut m, 0, (0, 0), i, &i.to_string(), false);
    }
    assert_eq!(m.executor_count(), 8);
    assert_eq!((target(&m), need(&m)), (8, 8));
    // The target equals the executors: no removal.
    assert!(!remove(&mut m, "1"));

    for i in 1..=3u32 {
        end_task(&mut m, 0, (0, 0), i, &i.to_string(), false, OK);
    }
    adjust(&mut m);
    assert_eq!(m.executor_count(), 8);
    assert_eq!((target(&m), need(&m)), (5, 5));
    assert!(remove(&mut m, "1"));
    assert_eq!(remove_all(&mut m, &["2", "3"]), strings(&["2", "3"]));
    for id in ["1", "2", "3"] {
        removed(&mut m, id);
    }

    // The target (5) is held up by min 5 while 4 are needed.
    end_task(&mut m, 0, (0, 0), 4, "4", false, OK);
    assert_eq!(m.executor_count(), 5);
    assert_eq!((target(&m), need(&m)), (5, 4));
    assert!(!remove(&mut m, "4"), "lower limit");
    assert_eq!(add(&mut m), 0, "upper limit");
}

#[test]
fn executor_allocation_manager_suite_interleaving_add_and_remove() {
    let mut m = manager(5, 12, 5);
    submit(&mut m, 0, 0, 1000);
    assert_eq!(add(&mut m), 1);
    assert_eq!(add(&mut m), 2);
    for i in 1..=8 {
        added(&mut m, 0, &i.to_string());
    }
    assert_eq!((m.executor_count(), target(&m)), (8, 8));
    // The target equals the executors.
    assert!(!remove(&mut m, "1"));
    assert_eq!(remove_all(&mut m, &["2", "3"]), Vec::<String>::new());

    for i in 9..=12 {
        added(&mut m, 0, &i.to_string());
    }
    assert_eq!((m.executor_count(), target(&m)), (12, 8));
    // The floor is max(min 5, target 8) against registered − pending removal.
    assert!(remove(&mut m, "1"));
    assert_eq!(
        remove_all(&mut m, &["2", "3", "4"]),
        strings(&["2", "3", "4"])
    );
    assert!(!remove(&mut m, "5"), "lower limit reached");
    assert!(!remove(&mut m, "6"));
    for id in ["1", "2", "3", "4"] {
        removed(&mut m, id);
    }
    assert_eq!(m.executor_count(), 8);
    assert!(!remove(&mut m, "7"), "still at the lower limit");
    assert_eq!(remove_all(&mut m, &["8"]), Vec::<String>::new());

    for i in 13..=16 {
        added(&mut m, 0, &i.to_string());
    }
    assert_eq!(m.executor_count(), 12);
    assert_eq!(
        remove_all(&mut m, &["5", "6", "7"]),
        strings(&["5", "6", "7"])
    );
    assert!(remove(&mut m, "8"));
    assert_eq!(m.executor_count(), 12);
    removed(&mut m, "5");
    removed(&mut m, "6");
    assert_eq!(m.executor_count(), 10);
    assert_eq!(to_add(&m), 4);
    removed(&mut m, "9");
    removed(&mut m, "10");
    assert_eq!(add(&mut m), 4, "up to the upper limit");
    added(&mut m, 0, "17");
    added(&mut m, 0, "18");
    assert_eq!(m.executor_count(), 10);
    assert_eq!(add(&mut m), 0, "still at the upper limit");
    added(&mut m, 0, "19");
    added(&mut m, 0, "20");
    assert_eq!((m.executor_count(), target(&m)), (12, 12));
}

#[test]
fn executor_allocation_manager_suite_spark_33763_metrics_to_track_dynamic_allocation() {
    for decommission in [false, true] {
        let mut c = da(3, 5, 3);
        c.decommission_enabled = decommission;
        let mut m = manager_with(c, 1);
        for i in 1..=5 {
            added(&mut m, 0, &i.to_string());
        }
        assert_eq!(remove_all(&mut m, &["1", "2"]), strings(&["1", "2"]));
        if decommission {
            assert_eq!(m.executors_decommissioning(), set(&["1", "2"]));
            assert!(pending(&m).is_empty());
            m.on_executor_removed("1", true);
            m.on_executor_removed("2", false);
        } else {
            assert_eq!(pending(&m), set(&["1", "2"]));
            m.on_executor_removed("1", false);
            m.on_executor_removed("2", false);
        }
        m.on_executor_removed("3", false);
        let c = m.metrics().removal_counters;
        if decommission {
            assert_eq!(
                (
                    c.gracefully_decommissioned,
                    c.decommission_unfinished,
                    c.driver_killed
                ),
                (1, 1, 0)
            );
        } else {
            assert_eq!((c.gracefully_decommissioned, c.driver_killed), (0, 2));
        }
        assert_eq!(c.exited_unexpectedly, 1);
    }
}

// ------------------------------------------------------------------------------------------
// A.10 #15–#18: the add timer and the polling loop.
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_starting_canceling_add_timer() {
    let mut m = manager(2, 10, 2);
    assert_eq!(m.add_time(), None);
    m.on_scheduler_backlogged(8888);
    let first = m.add_time();
    assert_eq!(first, Some(8888 + 1000));
    m.on_scheduler_backlogged(8988);
    assert_eq!(m.add_time(), first, "already started");
    m.on_scheduler_backlogged(9188);
    assert_eq!(m.add_time(), first);
    m.on_scheduler_queue_empty();
    assert_eq!(m.add_time(), None);
    m.on_scheduler_backlogged(10188);
    let second = m.add_time();
    assert_eq!(second, Some(10188 + 1000));
    m.on_scheduler_backlogged(10288);
    assert_eq!(m.add_time(), second);
    assert_ne!(first, second);
}

#[test]
fn executor_allocation_manager_suite_mock_polling_loop_with_no_events() {
    let mut m = manager(0, 20, 0);
    for now in [2020, 2120, 3120, 13120] {
        assert!(m.schedule(now).is_empty());
        assert_eq!(target(&m), 0);
        assert!(pending(&m).is_empty());
    }
}

fn tick(m: &mut ExecutorAllocationManager, now: &mut u64, advance: u64) -> i32 {
    *now += advance;
    m.schedule(*now);
    target(m)
}

#[test]
fn executor_allocation_manager_suite_mock_polling_loop_add_behavior() {
    let mut m = manager(0, 20, 0);
    let mut now = 2020;
    submit(&mut m, now, 0, 1000);
    m.on_scheduler_backlogged(now);
    let n = &mut now;
    assert_eq!(tick(&mut m, n, 500), 0, "timer not exceeded yet");
    assert_eq!(tick(&mut m, n, 1000), 1, "first timer exceeded");
    assert_eq!(tick(&mut m, n, 1000), 1, "second timer not exceeded yet");
    assert_eq!(tick(&mut m, n, 2000), 1 + 2, "second timer exceeded");
    assert_eq!(tick(&mut m, n, 2000), 1 + 2 + 4, "third timer exceeded");
    // Queue drained: the timer is cancelled.
    m.on_scheduler_queue_empty();
    assert_eq!(tick(&mut m, n, 2000), 7);
    assert_eq!(tick(&mut m, n, 2000), 7);
    // Backlogged again: the ramp restarts at +1.
    m.on_scheduler_backlogged(*n);
    assert_eq!(tick(&mut m, n, 1000), 7 + 1);
    assert_eq!(tick(&mut m, n, 2000), 7 + 1 + 2);
    assert_eq!(tick(&mut m, n, 2000), 7 + 1 + 2 + 4);
    assert_eq!(tick(&mut m, n, 2000), 20, "limit reached");
}

fn mock_polling_loop_remove(decommission: bool) {
    let mut c = da(1, 20, 1);
    c.decommission_enabled = decommission;
    let mut m = manager_with(c, 1);
    let removing = |m: &ExecutorAllocationManager| {
        if decommission {
            assert!(pending(m).is_empty());
            m.executors_decommissioning()
        } else {
            assert!(m.executors_decommissioning().is_empty());
            pending(m)
        }
    };
    let t0 = 2020;
    for e in ["executor-1", "executor-2", "executor-3"] {
        added(&mut m, t0, e);
    }
    // Idle threshold (3 s) not reached.
    let now = t0 + 1500;
    m.schedule(now);
    assert!(m.monitor_mut().timed_out_executors(now).is_empty());
    assert!(removing(&m).is_empty());
    // Exceeded: all three timed out, two removed (floor 1).
    let now = now + 3000;
    assert_eq!(m.monitor_mut().timed_out_executors(now).len(), 3);
    let decisions = m.schedule(now);
    assert_eq!(kills(&decisions), strings(&["executor-1", "executor-2"]));
    assert_eq!(removing(&m).len(), 2);
    // Four more executors, three of them busy.
    for e in ["executor-4", "executor-5", "executor-6", "executor-7"] {
        added(&mut m, now, e);
    }
    assert_eq!(m.executor_count(), 7);
    for e in ["executor-4", "executor-5", "executor-6"] {
        start_task(&mut m, now, (1, 1), 1, e, false);
    }
    // The third old executor may go now.
    m.schedule(now);
    assert_eq!(removing(&m).len(), 3);
    // The idle new one times out.
    let now = now + 3000;
    m.schedule(now);
    let r = removing(&m);
    assert_eq!(r.len(), 4);
    for e in ["executor-4", "executor-5", "executor-6"] {
        assert!(!r.contains(e));
    }
    // The busy ones go idle and time out: two more, floor 1.
    for e in ["executor-4", "executor-5", "executor-6"] {
        end_task(&mut m, now, (1, 1), 1, e, false, OK);
    }
    m.schedule(now);
    assert_eq!(removing(&m).len(), 4);
    let now = now + 3000;
    let decisions = m.schedule(now);
    assert_eq!(removing(&m).len(), 6);
    let expected = if decommission {
        KillReason::DecommissionScaleDown
    } else {
        KillReason::IdleTimeout
    };
    assert!(decisions.iter().any(|d| matches!(
        d,
        AllocationDecision::KillExecutors(k) if k.reason == expected
    )));
}

#[test]
fn executor_allocation_manager_suite_mock_polling_loop_remove_behavior() {
    mock_polling_loop_remove(false);
}

#[test]
fn executor_allocation_manager_suite_mock_polling_loop_remove_with_decommissioning() {
    mock_polling_loop_remove(true);
}

#[test]
fn executor_allocation_manager_suite_listeners_trigger_add_executors_correctly() {
    let mut m = manager(1, 20, 1);
    assert_eq!(m.add_time(), None);
    submit(&mut m, 0, 0, 10);
    assert!(m.add_time().is_some());
    for i in 1..10 {
        start_task(&mut m, 0, (0, 0), i, "executor-1", false);
    }
    assert!(m.add_time().is_some(), "one task still pending");
    start_task(&mut m, 0, (0, 0), 0, "executor-1", false);
    assert_eq!(m.add_time(), None);
    submit(&mut m, 0, 1, 10);
    submit(&mut m, 0, 2, 10);
    assert!(m.add_time().is_some());
    for i in 0..10 {
        start_task(&mut m, 0, (1, 0), i, "executor-1", false);
    }
    assert!(m.add_time().is_some(), "stage 2 still pending");
    for i in 0..10 {
        start_task(&mut m, 0, (2, 0), i, "executor-1", false);
    }
    assert_eq!(m.add_time(), None);
}

// ------------------------------------------------------------------------------------------
// A.10 #19–#21: no ramp below running executors; `initializing`.
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_avoid_ramp_up_when_target_lt_running_executors() {
    let mut m = manager(0, 100_000, 0);
    submit(&mut m, 0, 0, 1000);
    for delta in [1, 2, 4, 8] {
        assert_eq!(add(&mut m), delta);
    }
    assert_eq!(target(&m), 15);
    for i in 0..15 {
        added(&mut m, 0, &format!("executor-{i}"));
    }
    assert_eq!(m.executor_count(), 15);
    m.on_stage_completed(0, 0);
    adjust(&mut m);
    assert_eq!(target(&m), 0);
    submit(&mut m, 0, 1, 1000);
    add(&mut m);
    // 15 registered + 1, not 0 + 1.
    assert_eq!(target(&m), 16);
}

#[test]
fn executor_allocation_manager_suite_avoid_ramp_down_initial_executors_until_first_job_is_submitted()
 {
    let mut m = manager(2, 5, 3);
    assert_eq!(target(&m), 3);
    m.schedule(10_000);
    assert_eq!(target(&m), 3, "kept with no pending tasks");
    submit(&mut m, 10_000, 1, 2);
    assert_eq!(need(&m), 2);
    m.schedule(10_100);
    assert_eq!(target(&m), 2);
}

#[test]
fn executor_allocation_manager_suite_avoid_ramp_down_initial_executors_until_idle_executor_is_timeout()
 {
    let mut m = manager(2, 5, 3);
    assert_eq!(target(&m), 3);
    m.schedule(10_000);
    assert_eq!(target(&m), 3);
    for i in 0..3 {
        added(&mut m, 10_000, &format!("executor-{i}"));
    }
    assert_eq!(need(&m), 0);
    let decisions = m.schedule(13_000);
    assert_eq!(target(&m), 2);
    assert_eq!(kills(&decisions), strings(&["executor-0"]));
}

// ------------------------------------------------------------------------------------------
// A.10 #22–#26.
// ------------------------------------------------------------------------------------------

#[test]
fn executor_allocation_manager_suite_get_pending_task_number_and_related_locality_preference() {
    let mut m = manager(2, 5, 3);
    let hosts = |hs: &[&str]| hs.iter().map(|h| h.to_string()).collect::<Vec<String>>();
    let mut a = StageSubmitted::new(1, 0, 5);
    a.task_locality_preferences = vec![
        hosts(&["host1", "host2", "host3"]),
        hosts(&["host1", "host2", "host4"]),
        hosts(&["host2", "host3", "host4"]),
        vec![],
        vec![],
    ];
    m.on_stage_submitted(0, &a);
    assert_eq!(m.locality_aware_tasks(RP0), Some(3));
    let map = |pairs: &[(&str, i32)]| {
        pairs
            .iter()
            .map(|&(h, c)| (h.to_string(), c))
            .collect::<std::collections::BTreeMap<String, i32>>()
    };
    assert_eq!(
        m.host_to_local_task_count(RP0),
        Some(&map(&[
            ("host1", 2),
            ("host2", 3),
            ("host3", 2),
            ("host4", 2)
        ]))
    );
    let mut b = StageSubmitted::new(2, 0, 3);
    b.task_locality_preferences = vec![
        hosts(&["host2", "host3", "host5"]),
        hosts(&["host3", "host4", "host5"]),
        vec![],
    ];
    m.on_stage_submitted(0, &b);
    assert_eq!(m.locality_aware_tasks(RP0), Some(5));
    assert_eq!(
        m.host_to_local_task_count(RP0),
        Some(&map(&[
            ("host1", 2),
            ("host2", 4),
            ("host3", 4),
            ("host4", 3),
            ("host5", 2)
        ]))
    );
    m.on_stage_completed(1, 0);
    assert_eq!(m.locality_aware_tasks(RP0), Some(2));
    assert_eq!(
        m.host_to_local_task_count(RP0),
        Some(&map(&[
            ("host2", 1),
            ("host3", 2),
            ("host4", 1),
            ("host5", 2)
        ]))
    );
}

#[test]
fn executor_allocation_manager_suite_spark_8366_max_num_executors_needed_per_resource_profile_should_properly_handle_failed_tasks()
 {
    let mut m = manager(1, 5, 1);
    assert_eq!(need(&m), 0);
    submit(&mut m, 0, 0, 1);
    assert_eq!(need(&m), 1);
    start_task(&mut m, 0, (0, 0), 1, "executor-1", false);
    assert_eq!(need(&m), 1);
    // Failed: expected to be resubmitted.
    end_task(
        &mut m,
        0,
        (0, 0),
        1,
        "executor-1",
        false,
        TaskEndReason::Failed,
    );
    assert_eq!(need(&m), 1);
}

#[test]
fn executor_allocation_manager_suite_reset_the_state_of_allocation_manager() {
    let mut m = manager(1, 5, 1);
    assert_eq!((target(&m), to_add(&m)), (1, 1));
    // Reset while requests are outstanding.
    submit(&mut m, 0, 0, 10);
    assert_eq!(add(&mut m), 1);
    assert_eq!(target(&m), 2);
    assert_eq!(add(&mut m), 2);
    assert_eq!(target(&m), 4);
    assert_eq!(add(&mut m), 1);
    assert_eq!(target(&m), 5);
    m.reset();
    assert_eq!((target(&m), to_add(&m), m.executor_count()), (1, 1, 0));
    assert_eq!(m.add_time(), Some(0), "the next tick may add at once");

    // Reset after executors were added (and lost with the cluster manager).
    submit(&mut m, 0, 0, 10);
    for _ in 0..3 {
        add(&mut m);
    }
    assert_eq!(target(&m), 5);
    let five = ["first", "second", "third", "fourth", "fifth"];
    for e in five {
        added(&mut m, 0, e);
    }
    assert_eq!(m.executor_count(), 5);
    for e in five {
        removed(&mut m, e);
    }
    m.reset();
    assert_eq!((target(&m), to_add(&m), m.executor_count()), (1, 1, 0));

    // Reset while executors are pending removal.
    for _ in 0..3 {
        add(&mut m);
    }
    assert_eq!(target(&m), 5);
    for e in [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
    ] {
        added(&mut m, 0, e);
    }
    assert_eq!(m.executor_count(), 8);
    remove(&mut m, "first");
    remove_all(&mut m, &["second", "third"]);
    assert_eq!(pending(&m), set(&["first", "second", "third"]));
    assert_eq!(m.executor_count(), 8);
    for e in five {
        removed(&mut m, e);
    }
    m.reset();
    assert_eq!((target(&m), to_add(&m)), (1, 1));
    assert!(pending(&m).is_empty());
    assert_eq!(m.executor_count(), 0);
}

#[test]
fn executor_allocation_manager_suite_spark_23365_dont_update_target_num_executors_when_killing_idle_executors()
 {
    let mut m = manager(1, 2, 1);
    assert_eq!(target(&m), 1);
    added(&mut m, 0, "executor-1");
    submit(&mut m, 0, 0, 2);
    m.update_and_sync_num_executors_target(1000);
    assert_eq!(target(&m), 2);
    start_task(&mut m, 1000, (0, 0), 0, "executor-1", false);
    added(&mut m, 1000, "executor-2");
    start_task(&mut m, 1000, (0, 0), 1, "executor-2", false);
    assert_eq!(target(&m), 2);
    // One task finishes: the target drops to 1, nothing is killed.
    end_task(&mut m, 1000, (0, 0), 0, "executor-1", false, OK);
    assert_eq!((need(&m), target(&m)), (1, 2));
    m.update_and_sync_num_executors_target(2000);
    assert_eq!(target(&m), 1);
    assert!(pending(&m).is_empty());
    m.take_decisions();
    // executor-1's idle timeout: it is killed and the target stays 1.
    let decisions = m.schedule(5000);
    assert_eq!((need(&m), target(&m)), (1, 1));
    assert_eq!(pending(&m), set(&["executor-1"]));
    assert_eq!(kills(&decisions), strings(&["executor-1"]));
    // The only request re-sends the unchanged target.
    assert_eq!(
        requests(&decisions),
        vec![(RequestCause::ResyncAfterKill, 1)]
    );
}

#[test]
fn executor_allocation_manager_suite_spark_26758_check_executor_target_number_after_idle_time_out()
{
    let mut m = manager(1, 5, 3);
    assert_eq!(target(&m), 3);
    for e in ["executor-1", "executor-2", "executor-3"] {
        added(&mut m, 10_000, e);
    }
    let decisions = m.schedule(13_000);
    assert_eq!(target(&m), 1);
    assert_eq!(kills(&decisions), strings(&["executor-1", "executor-2"]));
}

// ------------------------------------------------------------------------------------------
// A.10, `ExecutorMonitorSuite` (idle 60 s, cached 120 s, shuffle 240 s).
// ------------------------------------------------------------------------------------------

const IDLE: u64 = 60_000;
const STORAGE: u64 = 120_000;
const SHUFFLE: u64 = 240_000;

fn monitor_settings(shuffle_tracking: bool) -> MonitorSettings {
    MonitorSettings {
        idle_timeout_ms: IDLE as i64,
        storage_timeout_ms: STORAGE as i64,
        shuffle_timeout_ms: SHUFFLE as i64,
        shuffle_tracking_enabled: shuffle_tracking,
        fetch_from_shuffle_svc_enabled: false,
    }
}

fn monitor() -> ExecutorMonitor {
    ExecutorMonitor::new(monitor_settings(false))
}

fn rdd(m: &mut ExecutorMonitor, rdd_id: u32, split: u32, exec: &str, level: BlockStorageLevel) {
    m.on_rdd_block_updated(exec, rdd_id, split, level);
}

const MEM: BlockStorageLevel = BlockStorageLevel::MEMORY_ONLY;
const NONE: BlockStorageLevel = BlockStorageLevel::NONE;

#[test]
fn executor_monitor_suite_basic_executor_timeout() {
    let mut m = monitor();
    m.on_executor_added(0, "1", RP0);
    assert_eq!(m.executor_count(), 1);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
    // Exactly when deadline <= now.
    assert_eq!(m.timed_out_executors_at(IDLE), strings(&["1"]));
    assert!(m.timed_out_executors_at(IDLE - 1).is_empty());
    assert_eq!(m.executor_count_with_resource_profile(RP0), 1);
    assert_eq!(m.resource_profile_id("1"), RP0);
}

#[test]
fn executor_monitor_suite_spark_4951_spark_26927_handle_out_of_order_task_start_events() {
    let mut m = monitor();
    m.on_task_start(0, "1", true);
    assert_eq!(m.executor_count(), 1);
    assert_eq!(
        m.executor_count_with_resource_profile(UNKNOWN_RESOURCE_PROFILE_ID),
        1
    );
    m.on_executor_added(0, "1", RP0);
    assert_eq!(m.executor_count(), 1);
    assert_eq!(
        m.executor_count_with_resource_profile(UNKNOWN_RESOURCE_PROFILE_ID),
        0
    );
    assert_eq!(m.executor_count_with_resource_profile(RP0), 1);
    assert_eq!(m.resource_profile_id("1"), RP0);
    m.on_executor_added(0, "2", RP0);
    assert_eq!(m.executor_count(), 2);
    assert_eq!(m.executor_count_with_resource_profile(RP0), 2);
    m.on_executor_removed("2", false);
    assert_eq!(m.executor_count(), 1);
    assert_eq!(m.executor_count_with_resource_profile(RP0), 1);
    // A late task start on an executor that is no longer active is ignored.
    assert!(!m.is_executor_active("2"));
    m.on_task_start(0, "2", false);
    assert_eq!(m.executor_count(), 1);
    assert_eq!(m.executor_count_with_resource_profile(RP0), 1);
    m.on_executor_removed("1", false);
    assert_eq!(m.executor_count(), 0);
    assert_eq!(m.executor_count_with_resource_profile(RP0), 0);
}

#[test]
fn executor_monitor_suite_track_tasks_running_on_executor() {
    let mut m = monitor();
    m.on_executor_added(0, "1", RP0);
    m.on_task_start(0, "1", true);
    assert_eq!(m.is_executor_idle("1"), Some(false));
    for _ in 2..=10 {
        m.on_task_start(0, "1", true);
        assert_eq!(m.is_executor_idle("1"), Some(false));
        m.on_task_end(0, "1", 1, true);
        assert_eq!(m.is_executor_idle("1"), Some(false));
    }
    m.on_task_end(0, "1", 1, true);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    assert!(m.timed_out_executors_at(0).is_empty());
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
}

#[test]
fn executor_monitor_suite_use_appropriate_time_out_depending_on_whether_blocks_are_stored() {
    let mut m = monitor();
    m.on_executor_added(0, "1", RP0);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
    // A cached block moves the deadline to 120 s.
    rdd(&mut m, 1, 0, "1", MEM);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    assert_eq!(m.timed_out_executors_at(STORAGE + 1), strings(&["1"]));
    // Dropping it restores the 60 s deadline from the original idle start.
    rdd(&mut m, 1, 0, "1", NONE);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
    m.on_task_start(0, "1", true);
    assert_eq!(m.is_executor_idle("1"), Some(false));
    rdd(&mut m, 1, 0, "1", MEM);
    assert_eq!(m.is_executor_idle("1"), Some(false));
    rdd(&mut m, 1, 0, "1", NONE);
    assert_eq!(m.is_executor_idle("1"), Some(false));
}

#[test]
fn executor_monitor_suite_keeps_track_of_stored_blocks_for_each_rdd_and_split() {
    let mut m = monitor();
    m.on_executor_added(0, "1", RP0);
    for (rdd_id, split, level) in [(1, 0, MEM), (1, 1, MEM), (2, 0, MEM), (1, 1, NONE)] {
        rdd(&mut m, rdd_id, split, "1", level);
        assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
        assert_eq!(m.timed_out_executors_at(STORAGE + 1), strings(&["1"]));
    }
    m.on_unpersist_rdd(1);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    assert_eq!(m.timed_out_executors_at(STORAGE + 1), strings(&["1"]));
    // An unpersist much later times the executor out from when it originally went idle.
    m.on_unpersist_rdd(2);
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
}

#[test]
fn executor_monitor_suite_handle_timeouts_correctly_with_multiple_executors() {
    let mut m = monitor();
    m.on_executor_added(0, "1", RP0);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    // Exec 2 at 30 s with a block: times out at 150 s.
    m.on_executor_added(30_000, "2", RP0);
    rdd(&mut m, 1, 0, "2", MEM);
    assert_eq!(m.is_executor_idle("2"), Some(true));
    assert!(
        !m.timed_out_executors_at(30_000 + IDLE + 1)
            .contains(&"2".to_string())
    );
    // Exec 3 at 60 s: exec 1 has timed out.
    m.on_executor_added(60_000, "3", RP0);
    assert_eq!(m.timed_out_executors_at(60_000), strings(&["1"]));
    rdd(&mut m, 1, 0, "3", MEM);
    assert_eq!(m.is_executor_idle("3"), Some(true));
    assert!(
        !m.timed_out_executors_at(60_000 + IDLE + 1)
            .contains(&"3".to_string())
    );
    // At 140 s the block leaves exec 3: it times out at once.
    rdd(&mut m, 1, 0, "3", NONE);
    assert_eq!(m.timed_out_executors_at(140_000), strings(&["1", "3"]));
    assert_eq!(m.timed_out_executors_at(150_000), strings(&["1", "2", "3"]));
}

#[test]
fn executor_monitor_suite_spark_27677_dont_track_blocks_stored_on_disk_when_using_shuffle_service()
{
    // Without the shuffle service serving RDD blocks, disk blocks count.
    let mut m = monitor();
    m.on_executor_added(0, "1", RP0);
    rdd(&mut m, 1, 0, "1", BlockStorageLevel::DISK_ONLY);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    assert_eq!(m.timed_out_executors_at(STORAGE + 1), strings(&["1"]));

    let mut s = monitor_settings(false);
    s.fetch_from_shuffle_svc_enabled = true;
    let mut m = ExecutorMonitor::new(s);
    m.on_executor_added(0, "1", RP0);
    rdd(&mut m, 1, 0, "1", MEM);
    rdd(&mut m, 1, 1, "1", MEM);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    assert_eq!(m.timed_out_executors_at(STORAGE + 1), strings(&["1"]));
    rdd(&mut m, 1, 0, "1", BlockStorageLevel::DISK_ONLY);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    assert_eq!(m.timed_out_executors_at(STORAGE + 1), strings(&["1"]));
    rdd(&mut m, 1, 1, "1", BlockStorageLevel::DISK_ONLY);
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
    // Memory and disk: still on disk, still removable.
    rdd(&mut m, 1, 1, "1", BlockStorageLevel::MEMORY_AND_DISK);
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
}

#[test]
fn executor_monitor_suite_track_executors_pending_for_removal() {
    let mut m = monitor();
    m.on_executor_added(0, "1", RP0);
    m.on_executor_added(0, "2", RP0);
    m.on_executor_added(0, "3", 1);
    let mut now = IDLE + 1;
    let pairs = |v: &[(&str, i32)]| {
        v.iter()
            .map(|&(id, rp)| (id.to_string(), rp))
            .collect::<Vec<(String, i32)>>()
    };
    assert_eq!(
        m.timed_out_executors(now),
        pairs(&[("1", 0), ("2", 0), ("3", 1)])
    );
    assert_eq!(m.pending_removal_count(), 0);
    // Only a subset was killed: the others stay timed out.
    m.executors_killed(&strings(&["1"]));
    assert_eq!(m.timed_out_executors(now), pairs(&[("2", 0), ("3", 1)]));
    assert_eq!(m.pending_removal_count(), 1);
    assert_eq!(m.timed_out_executors(now), pairs(&[("2", 0), ("3", 1)]));
    m.on_task_start(now, "2", true);
    assert_eq!(m.timed_out_executors(now), pairs(&[("3", 1)]));
    m.executors_killed(&strings(&["3"]));
    assert_eq!(m.pending_removal_count(), 2);
    m.on_task_end(now, "2", 1, true);
    assert!(m.timed_out_executors(now).is_empty());
    now += now + IDLE + 1;
    assert_eq!(m.timed_out_executors(now), pairs(&[("2", 0)]));
}

#[test]
fn executor_monitor_suite_timed_out_executors_are_sorted_by_id_string() {
    let mut m = monitor();
    for id in ["2", "10", "1", "executor-3"] {
        m.on_executor_added(0, id, RP0);
    }
    let ids: Vec<String> = m
        .timed_out_executors(IDLE)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, strings(&["1", "10", "2", "executor-3"]));
}

#[test]
fn executor_monitor_suite_shuffle_block_tracking() {
    let mut m = ExecutorMonitor::new(monitor_settings(true));
    // Jobs 2 and 3 share shuffle 1; job 1 has shuffle 0.
    m.on_job_start(1, &[(1, Some(0)), (2, None)]);
    m.on_job_start(2, &[(3, Some(1)), (4, None)]);
    m.on_executor_added(0, "1", RP0);
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
    // A failed task does not register shuffle data.
    m.on_task_start(0, "1", true);
    m.on_task_end(0, "1", 1, false);
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
    m.on_task_start(0, "1", true);
    m.on_task_end(0, "1", 1, true);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    m.on_task_start(0, "1", true);
    m.on_task_end(0, "1", 3, true);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    // Job 1 ends: shuffle 1 is still in use by job 2.
    m.on_job_end(1);
    assert_eq!(m.is_executor_idle("1"), Some(false));
    // Job 2 ends: idle, with the shuffle timeout.
    m.on_job_end(2);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    assert!(m.timed_out_executors_at(STORAGE + 1).is_empty());
    assert_eq!(m.timed_out_executors_at(SHUFFLE + 1), strings(&["1"]));
    // Job 3 reuses shuffle 1: not idle even without tasks.
    m.on_job_start(3, &[(5, Some(1)), (6, None)]);
    assert_eq!(m.is_executor_idle("1"), Some(false));
    assert!(m.timed_out_executors_at(SHUFFLE + 1).is_empty());
    m.on_job_end(3);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    assert_eq!(m.timed_out_executors_at(SHUFFLE + 1), strings(&["1"]));
    // Cleaning the shuffles brings back the plain idle deadline.
    m.shuffle_cleaned(0);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    m.shuffle_cleaned(1);
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1"]));
}

#[test]
fn executor_monitor_suite_shuffle_tracking_with_multiple_executors_and_concurrent_jobs() {
    let mut m = ExecutorMonitor::new(monitor_settings(true));
    m.on_executor_added(0, "1", RP0);
    m.on_executor_added(0, "2", RP0);
    m.on_job_start(1, &[(1, Some(0)), (2, None)]);
    m.on_job_start(2, &[(3, Some(1)), (4, None)]);
    m.on_task_start(0, "1", true);
    m.on_task_end(0, "1", 1, true);
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["2"]));
    m.on_task_start(0, "2", true);
    m.on_task_end(0, "2", 3, true);
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    m.on_job_end(1);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    assert_eq!(m.is_executor_idle("2"), Some(false));
    m.on_job_end(2);
    assert_eq!(m.is_executor_idle("2"), Some(true));
    assert!(m.timed_out_executors_at(IDLE + 1).is_empty());
    m.shuffle_cleaned(0);
    m.shuffle_cleaned(1);
    assert_eq!(m.timed_out_executors_at(IDLE + 1), strings(&["1", "2"]));
}

#[test]
fn executor_monitor_suite_spark_28455_avoid_overflow_in_timeout_calculation() {
    let mut s = monitor_settings(true);
    s.shuffle_timeout_ms = i64::MAX;
    let mut m = ExecutorMonitor::new(s);
    m.on_job_start(1, &[(1, Some(0))]);
    m.on_executor_added(1000, "1", RP0);
    m.on_task_start(1000, "1", true);
    m.on_task_end(1000, "1", 1, true);
    m.on_job_end(1);
    assert_eq!(m.is_executor_idle("1"), Some(true));
    assert!(m.timed_out_executors_at(1000 + IDLE + 1).is_empty());
    assert_eq!(m.timeout_at("1"), None, "never");
    assert!(m.timed_out_executors(u64::MAX / 4).is_empty());
}

#[test]
fn executor_monitor_suite_spark_43398_executor_timeout_should_be_max_of_shuffle_and_rdd_timeout() {
    let mut m = ExecutorMonitor::new(monitor_settings(true));
    m.on_job_start(1, &[(1, Some(0))]);
    m.on_executor_added(0, "1", RP0);
    m.on_task_start(0, "1", true);
    m.on_task_end(0, "1", 1, true);
    rdd(&mut m, 1, 0, "1", MEM);
    m.on_job_end(1);
    // Cached (120 s) and shuffle (240 s) data: the later deadline applies.
    assert!(m.timed_out_executors_at(STORAGE + 1).is_empty());
    assert_eq!(m.timed_out_executors_at(SHUFFLE), strings(&["1"]));
}

// ------------------------------------------------------------------------------------------
// A.1, A.2, A.5: activity, start-up checks, initial target, tasks per executor.
// ------------------------------------------------------------------------------------------

#[test]
fn dynamic_allocation_is_active_only_when_enabled_outside_local_mode() {
    let mut c = da(0, 10, 0);
    c.testing = false;
    assert_eq!(is_dynamic_allocation_active(&c, false), Ok(true));
    // Local mode: no allocation client, no manager, even with the testing flag.
    assert_eq!(is_dynamic_allocation_active(&c, true), Ok(false));
    c.testing = true;
    assert_eq!(is_dynamic_allocation_active(&c, true), Ok(false));
    c.enabled = false;
    assert_eq!(is_dynamic_allocation_active(&c, false), Ok(false));
    // `local-cluster[…]` is not local.
    let lc = MasterUrl::parse("local-cluster[2,1,1024]").unwrap();
    assert!(!lc.is_local());
}

#[test]
fn dynamic_allocation_start_up_failures() {
    let mut c = da(0, 10, 0);
    c.testing = false;
    // No shuffle service and no shuffle tracking: Spark fails at start-up.
    c.shuffle_service_enabled = false;
    c.shuffle_tracking_enabled = false;
    assert!(is_dynamic_allocation_active(&c, false).is_err());
    assert!(ExecutorAllocationManager::new(AllocationSettings::new(c, 1)).is_err());
    // Shuffle-block decommissioning is enough, so is shuffle tracking, so is the testing flag.
    let mut d = c;
    d.decommission_enabled = true;
    d.decommission_shuffle_blocks_enabled = true;
    assert_eq!(is_dynamic_allocation_active(&d, false), Ok(true));
    let mut t = c;
    t.shuffle_tracking_enabled = true;
    assert_eq!(is_dynamic_allocation_active(&t, false), Ok(true));
    let mut t = c;
    t.testing = true;
    assert_eq!(is_dynamic_allocation_active(&t, false), Ok(true));
    // Other checks of validateSettings.
    for edit in [
        (|c: &mut DynamicAllocationConf| c.max_executors = 0) as fn(&mut DynamicAllocationConf),
        |c| c.scheduler_backlog_timeout_s = 0,
        |c| c.sustained_scheduler_backlog_timeout_s = 0,
        |c| c.executor_allocation_ratio = 0.0,
        |c| c.executor_allocation_ratio = 1.01,
    ] {
        let mut bad = da(0, 10, 0);
        edit(&mut bad);
        assert!(
            is_dynamic_allocation_active(&bad, false).is_err(),
            "{bad:?}"
        );
    }
    // YARN/K8s: the initial number must lie within [min, max].
    let mut y = da(1, 5, 3);
    y.executor_instances = Some(10);
    assert!(check_initial_executors_in_bounds(&y).is_err());
    assert!(check_initial_executors_in_bounds(&da(1, 5, 3)).is_ok());
}

#[test]
fn initial_target_is_max_of_min_initial_and_executor_instances() {
    // A.2: min 1, initialExecutors 3, executor.instances 10 → 10.
    let mut c = da(1, 900, 3);
    c.executor_instances = Some(10);
    let mut m = ExecutorAllocationManager::new(AllocationSettings::new(c, 1)).unwrap();
    assert_eq!(requests(&m.start(0)), vec![(RequestCause::Start, 10)]);
    assert_eq!(m.target(), 10);
    assert_eq!(m.metrics().number_executors_pending_to_add, 10);
    for e in ["1", "2", "3", "4"] {
        added(&mut m, 0, e);
    }
    assert_eq!(m.executors_pending_to_add(RP0), 6);
    // Still initializing: no timeout yet, the target is frozen.
    assert!(m.schedule(2900).is_empty());
    assert!(m.metrics().initializing);
}

#[test]
fn max_tasks_per_executor_standalone_unset_cores_over_allocates() {
    let standalone = MasterUrl::parse("spark://host:7077").unwrap();
    let yarn = MasterUrl::parse("yarn").unwrap();
    let k8s = MasterUrl::parse("k8s://https://api:6443").unwrap();
    // Standalone without spark.executor.cores: cores unknown, 1 task per executor.
    assert_eq!(
        default_profile_max_tasks_per_executor(None, 1, Some(&standalone)),
        Ok(1)
    );
    assert_eq!(
        default_profile_max_tasks_per_executor(None, 2, Some(&standalone)),
        Ok(1)
    );
    assert_eq!(
        default_profile_max_tasks_per_executor(Some(8), 2, Some(&standalone)),
        Ok(4)
    );
    // YARN and K8s use the default of 1 core.
    assert_eq!(
        default_profile_max_tasks_per_executor(None, 1, Some(&yarn)),
        Ok(1)
    );
    assert!(default_profile_max_tasks_per_executor(None, 2, Some(&yarn)).is_err());
    assert_eq!(
        default_profile_max_tasks_per_executor(Some(4), 2, Some(&k8s)),
        Ok(2)
    );
    // The most limiting resource wins: 4 cpus and 2 GPUs, 1 of each per task → 2.
    let gpu = |e: f64, t: f64| CustomResourceRequest {
        executor_amount: e,
        task_amount: t,
    };
    assert_eq!(max_tasks_per_executor(4, 1, true, &[gpu(2.0, 1.0)]), Ok(2));
    // Fractional GPUs: 0.25 per task shares one GPU among 4 tasks.
    assert_eq!(max_tasks_per_executor(8, 1, true, &[gpu(1.0, 0.25)]), Ok(4));
    // Standalone without cores but with a GPU limit.
    assert_eq!(max_tasks_per_executor(1, 1, false, &[gpu(2.0, 1.0)]), Ok(2));

    // Consequence: on standalone without executor.cores, 100 pending tasks ask for 100
    // executors (each of which will take a whole worker).
    let mut conf = SparkConf::new();
    for (k, v) in [
        ("spark.master", "spark://host:7077"),
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.dynamicAllocation.shuffleTracking.enabled", "true"),
    ] {
        conf.set(k, v, ConfSource::Api);
    }
    let mut m = ExecutorAllocationManager::from_conf(&conf).unwrap();
    m.start(0);
    submit(&mut m, 0, 0, 100);
    assert_eq!(need(&m), 100);
    conf.set("spark.executor.cores", "4", ConfSource::Api);
    let mut m = ExecutorAllocationManager::from_conf(&conf).unwrap();
    m.start(0);
    submit(&mut m, 0, 0, 100);
    assert_eq!(need(&m), 25);
}

// ------------------------------------------------------------------------------------------
// A.6 / A.7 through the tick: decisions, timing, shuffle tracking, cached blocks.
// ------------------------------------------------------------------------------------------

#[test]
fn schedule_ramps_on_tick_boundaries_and_serves_new_demand_on_the_next_tick() {
    // Backlog 1 s, sustained 1 s; ticks every 100 ms from 0; events before the tick.
    let mut c = da(0, 100, 0);
    c.sustained_scheduler_backlog_timeout_s = 1;
    let mut m = manager_with(c, 1);
    let mut stages = vec![(50, 0, 3), (3950, 1, 10)].into_iter().peekable();
    let mut changes = Vec::new();
    let mut now = 0;
    while now <= 7500 {
        while let Some(&(at, stage, n)) = stages.peek() {
            if at > now {
                break;
            }
            submit(&mut m, at, stage, n);
            stages.next();
        }
        for (cause, t) in requests(&m.schedule(now)) {
            assert_eq!(cause, RequestCause::TargetChanged);
            changes.push((now, t));
        }
        now += SCHEDULE_INTERVAL_MS;
    }
    // First add at backlog start + 1 s rounded up to a tick, then +2 one sustained timeout
    // later. From 3.1 s every tick runs a zero-delta round (need 3 reached) without re-arming
    // the timer, so the stage submitted at 3.95 s is served at the 4.0 s tick, and the ramp
    // restarts at +1 (the step was reset by the zero-delta round).
    assert_eq!(
        changes,
        vec![
            (1100, 1),
            (2100, 3),
            (4000, 4),
            (5000, 6),
            (6000, 10),
            (7000, 13)
        ]
    );
    assert_eq!(m.metrics().number_target_executors, 13);
}

fn shuffle_tracking_manager(timeout_ms: i64) -> ExecutorAllocationManager {
    let mut c = da(0, 10, 0);
    c.shuffle_service_enabled = false;
    c.shuffle_tracking_enabled = true;
    c.shuffle_tracking_timeout_ms = timeout_ms;
    let mut m = manager_with(c, 1);
    m.on_job_start(0, &[(0, Some(7)), (1, None)]);
    submit(&mut m, 0, 0, 1);
    added(&mut m, 0, "1");
    added(&mut m, 0, "2");
    start_task(&mut m, 0, (0, 0), 0, "1", false);
    end_task(&mut m, 100, (0, 0), 0, "1", false, OK);
    m.on_stage_completed(0, 0);
    // Executor 2 (no shuffle data) times out after 3 s.
    assert_eq!(kills(&m.schedule(3000)), strings(&["2"]));
    // Executor 1 holds output of a shuffle job 0 still uses: kept, however long idle.
    assert!(kills(&m.schedule(20_000)).is_empty());
    m.on_job_end(0);
    m
}

#[test]
fn shuffle_tracking_keeps_executors_with_live_shuffle_output() {
    // After the job, the deadline is idle start (0.1 s) + max(3 s, 10 s): already past.
    let mut m = shuffle_tracking_manager(10_000);
    assert_eq!(kills(&m.schedule(20_100)), strings(&["1"]));
    // With the default infinite timeout the executor is never released, until the shuffle
    // is cleaned; then the plain idle deadline applies.
    let mut m = shuffle_tracking_manager(i64::MAX);
    assert!(kills(&m.schedule(20_100)).is_empty());
    assert!(kills(&m.schedule(1_000_000_000)).is_empty());
    m.on_shuffle_cleaned(7);
    assert_eq!(kills(&m.schedule(1_000_000_100)), strings(&["1"]));
}

#[test]
fn cached_executor_idle_timeout_applies_to_executors_with_cached_blocks() {
    let mut c = da(0, 10, 0);
    c.cached_executor_idle_timeout_s = 10;
    let mut m = manager_with(c, 1);
    added(&mut m, 0, "1");
    added(&mut m, 0, "2");
    m.on_rdd_block_updated("2", 3, 0, BlockStorageLevel::MEMORY_ONLY);
    assert_eq!(kills(&m.schedule(3000)), strings(&["1"]));
    assert!(kills(&m.schedule(9900)).is_empty());
    assert_eq!(kills(&m.schedule(10_000)), strings(&["2"]));
}

#[test]
fn refused_kills_are_not_pending_removal() {
    let mut m = manager(0, 10, 0);
    added(&mut m, 0, "1");
    let d = m.schedule(3000);
    assert_eq!(kills(&d), strings(&["1"]));
    assert_eq!(
        requests(&d),
        vec![(RequestCause::ResyncAfterKill, 0)],
        "kill, then the same targets re-sent"
    );
    assert!(matches!(d[0], AllocationDecision::KillExecutors(_)));
    m.on_kill_refused(&strings(&["1"]));
    assert!(pending(&m).is_empty());
    // Still idle past its deadline: chosen again on the next tick.
    assert_eq!(kills(&m.schedule(3100)), strings(&["1"]));
}

// ------------------------------------------------------------------------------------------
// A.11: replay of apache-spark/application_1628109047826_1317105 (3.1.1, YARN).
// ------------------------------------------------------------------------------------------

/// Events of the log the manager reads (times: the logged ms).
enum Logged {
    Added(&'static str),
    Removed(&'static str),
    Submitted(u32),
    Start(u32, &'static str, bool),
    End(u32, &'static str, bool, TaskEndReason),
    SpeculativeSubmitted(u32),
    Completed,
}

#[test]
fn validation_replay_application_1628109047826_1317105() {
    use Logged::*;
    const APP_START: u64 = 1_628_637_895_333;
    const APP_END: u64 = 1_628_638_170_208;
    let events: Vec<(u64, Logged)> = vec![
        (1_628_637_966_675, Added("1")),
        (1_628_637_968_142, Added("10")),
        (1_628_637_974_303, Added("9")),
        (1_628_637_975_085, Added("7")),
        (1_628_637_975_767, Added("8")),
        (1_628_637_976_791, Added("2")),
        (1_628_637_977_242, Added("3")),
        (1_628_637_980_554, Added("6")),
        (1_628_637_980_871, Added("5")),
        (1_628_637_985_360, Added("4")),
        (1_628_638_073_488, Submitted(4)),
        (1_628_638_073_885, Start(0, "7", false)),
        (1_628_638_073_903, Start(1, "5", false)),
        (1_628_638_073_904, Start(2, "8", false)),
        (1_628_638_073_904, Start(3, "10", false)),
        (1_628_638_076_119, End(0, "7", false, OK)),
        (1_628_638_076_550, End(1, "5", false, OK)),
        (1_628_638_079_028, End(2, "8", false, OK)),
        // Not logged: assumed 1 ms before the speculative start (A.11).
        (1_628_638_084_498, SpeculativeSubmitted(3)),
        (1_628_638_084_499, Start(3, "7", true)),
        (1_628_638_118_895, Removed("1")),
        (1_628_638_124_991, Removed("9")),
        (1_628_638_129_514, Removed("2")),
        (1_628_638_130_980, Removed("3")),
        (1_628_638_133_274, Removed("6")),
        (1_628_638_137_677, End(3, "10", false, OK)),
        (1_628_638_137_679, Completed),
        (
            1_628_638_137_700,
            End(3, "7", true, TaskEndReason::TaskKilled),
        ),
        (1_628_638_139_048, Removed("4")),
    ];
    let mut conf = SparkConf::new();
    for (k, v) in [
        ("spark.master", "yarn"),
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.dynamicAllocation.minExecutors", "1"),
        ("spark.dynamicAllocation.maxExecutors", "900"),
        ("spark.dynamicAllocation.initialExecutors", "3"),
        ("spark.executor.instances", "10"),
        ("spark.dynamicAllocation.executorIdleTimeout", "150"),
        ("spark.dynamicAllocation.cachedExecutorIdleTimeout", "1200"),
        ("spark.dynamicAllocation.schedulerBacklogTimeout", "5"),
        (
            "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout",
            "5",
        ),
        ("spark.executor.cores", "1"),
        ("spark.shuffle.service.enabled", "true"),
    ] {
        conf.set(k, v, ConfSource::EventLog);
    }
    let mut m = ExecutorAllocationManager::from_conf(&conf).unwrap();
    let mut targets: Vec<(u64, i32)> = requests(&m.start(APP_START))
        .into_iter()
        .map(|(_, t)| (0, t))
        .collect();
    let mut kill_log: Vec<(u64, String)> = Vec::new();
    let mut next = 0;
    let mut tick = APP_START;
    while tick <= APP_END {
        while next < events.len() && events[next].0 <= tick {
            let (at, ev) = &events[next];
            let task = |index, exec, speculative| TaskStart {
                stage_id: 0,
                stage_attempt: 0,
                index,
                executor_id: exec,
                speculative,
                executor_active: None,
            };
            match ev {
                Added(id) => m.on_executor_added(*at, id, RP0),
                Removed(id) => m.on_executor_removed(id, false),
                Submitted(n) => {
                    m.on_stage_submitted(*at, &StageSubmitted::new(0, 0, *n));
                }
                Start(i, e, s) => m.on_task_start(*at, &task(*i, e, *s)),
                End(i, e, s, r) => m.on_task_end(
                    *at,
                    &TaskEnd {
                        stage_id: 0,
                        stage_attempt: 0,
                        index: *i,
                        executor_id: e,
                        speculative: *s,
                        reason: *r,
                    },
                ),
                SpeculativeSubmitted(i) => m.on_speculative_task_submitted(*at, 0, 0, *i),
                Completed => m.on_stage_completed(0, 0),
            }
            next += 1;
        }
        for d in m.schedule(tick) {
            match d {
                AllocationDecision::KillExecutors(k) => {
                    assert_eq!(k.reason, KillReason::IdleTimeout);
                    kill_log.extend(k.ids.into_iter().map(|id| (tick - APP_START, id)));
                }
                AllocationDecision::RequestTotalExecutors(r) => {
                    if r.cause == RequestCause::TargetChanged {
                        targets.push((tick - APP_START, r.target));
                    }
                }
            }
        }
        tick += SCHEDULE_INTERVAL_MS;
    }
    // Kills of 1, 9, 2, 3, 6, 4 at 221.4, 229.0, 231.5, 232.0, 235.3 and 240.1 s: each idle
    // executor's registration + 150 s, on the next tick. The busy 5, 7, 8, 10 survive.
    let expected: Vec<(u64, String)> = [
        (221_400, "1"),
        (229_000, "9"),
        (231_500, "2"),
        (232_000, "3"),
        (235_300, "6"),
        (240_100, "4"),
    ]
    .iter()
    .map(|&(t, id)| (t, id.to_string()))
    .collect();
    assert_eq!(kill_log, expected);
    // Target: 10 (max of min 1, initial 3, instances 10), 4 on the tick after the 4-task stage
    // is submitted (178.155 s), then 3, 2, 1 on the ticks after the first three tasks end.
    assert_eq!(
        targets,
        vec![
            (0, 10),
            (178_200, 4),
            (180_800, 3),
            (181_300, 2),
            (183_700, 1)
        ]
    );
    assert_eq!(m.target(), 1);
    assert_eq!(m.executor_count(), 4);
}
