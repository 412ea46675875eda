//! Conformance tests of the standalone Master's placement (`sim::cluster::standalone`):
//! every row of the worked-examples table of
//! `shared/spec/spark-dynamic-allocation-and-event-logs.md` A.12, then the scheduling cases of
//! Spark's `MasterSuite`, then the worker ordering, launch rule and re-scheduling.

use sim::cluster::{
    AppRequest, ExecutorConf, ExecutorLayout, Launch, Master, StandaloneMaster, WorkerFree,
    WorkerSpec, executors_for_cores, schedule_executors_on_workers, usable_worker_order,
};

const AMPLE_MB: u64 = 1 << 40;

/// A.12's cluster: 4 workers with 16 free cores each and ample memory.
fn a12_workers() -> Vec<WorkerSpec> {
    WorkerSpec::uniform(4, 16, AMPLE_MB)
}

/// (executor id, host, cores) of the executors one `schedule()` launches on A.12's cluster.
fn a12_launch(
    cores_max: Option<u32>,
    executor_cores: Option<u32>,
    spread_out: bool,
) -> Vec<(String, String, u32)> {
    let conf = ExecutorConf {
        cores_max,
        executor_cores,
        executor_memory_mb: 1024,
        spread_out,
        executor_instances: None,
    };
    let master: Master = "spark://master:7077".parse().unwrap();
    let layout = ExecutorLayout::build(&master, &a12_workers(), &conf).unwrap();
    layout
        .executors
        .into_iter()
        .map(|e| (e.id, e.host, e.cores))
        .collect()
}

fn execs(rows: &[(&str, &str, u32)]) -> Vec<(String, String, u32)> {
    rows.iter()
        .map(|&(id, host, cores)| (id.to_string(), host.to_string(), cores))
        .collect()
}

// ---- A.12 worked examples. Workers tie on free cores, so Spark 3.5's reversed stable sort
// ---- visits worker-4 first, then worker-3, worker-2, worker-1.

#[test]
fn standalone_placement_cores_max_unset_executor_cores_unset_spread_out() {
    let expected = execs(&[
        ("0", "worker-4", 16),
        ("1", "worker-3", 16),
        ("2", "worker-2", 16),
        ("3", "worker-1", 16),
    ]);
    assert_eq!(a12_launch(None, None, true), expected);
}

#[test]
fn standalone_placement_cores_max_10_executor_cores_unset_spread_out() {
    let expected = execs(&[
        ("0", "worker-4", 3),
        ("1", "worker-3", 3),
        ("2", "worker-2", 2),
        ("3", "worker-1", 2),
    ]);
    assert_eq!(a12_launch(Some(10), None, true), expected);
}

#[test]
fn standalone_placement_cores_max_10_executor_cores_unset_no_spread_out() {
    assert_eq!(
        a12_launch(Some(10), None, false),
        execs(&[("0", "worker-4", 10)])
    );
}

#[test]
fn standalone_placement_cores_max_10_executor_cores_4_spread_out() {
    let expected = execs(&[("0", "worker-4", 4), ("1", "worker-3", 4)]);
    assert_eq!(a12_launch(Some(10), Some(4), true), expected);
}

#[test]
fn standalone_placement_cores_max_48_executor_cores_16_spread_out() {
    let expected = execs(&[
        ("0", "worker-4", 16),
        ("1", "worker-3", 16),
        ("2", "worker-2", 16),
    ]);
    assert_eq!(a12_launch(Some(48), Some(16), true), expected);
}

#[test]
fn standalone_placement_cores_max_unset_executor_cores_4_spread_out() {
    let launched = a12_launch(None, Some(4), true);
    assert_eq!(launched.len(), 16);
    assert!(launched.iter().all(|(_, _, cores)| *cores == 4));
    let ids: Vec<String> = (0..16).map(|i| i.to_string()).collect();
    assert_eq!(
        launched
            .iter()
            .map(|(id, _, _)| id.clone())
            .collect::<Vec<_>>(),
        ids
    );
    for (k, host) in ["worker-4", "worker-3", "worker-2", "worker-1"]
        .iter()
        .enumerate()
    {
        let on_host: Vec<_> = launched[4 * k..4 * k + 4]
            .iter()
            .map(|(_, h, _)| h)
            .collect();
        assert!(
            on_host.iter().all(|h| h == host),
            "{on_host:?} should all be on {host}"
        );
    }
}

#[test]
fn a12_core_assignment_round_robins_one_core_at_a_time() {
    let usable = [(16, AMPLE_MB); 4];
    let assigned = schedule_executors_on_workers(&usable, Some(10), None, 1024, true, None, 0);
    assert_eq!(assigned, [3, 3, 2, 2]);
    let assigned = schedule_executors_on_workers(&usable, None, Some(4), 1024, true, None, 0);
    assert_eq!(assigned, [16, 16, 16, 16]);
}

// ---- Spark's MasterSuite: three workers with 10 cores and 4096 MiB each.

const SUITE_WORKERS: [(u32, u64); 3] = [(10, 4096); 3];

/// `MasterSuite.scheduleExecutorsOnWorkers` with `makeAppInfo(memory, coresPerExecutor,
/// maxCores)` and an executor limit.
fn suite(
    memory_mb: u64,
    executor_cores: Option<u32>,
    cores_max: Option<u32>,
    limit: Option<u32>,
    spread_out: bool,
) -> Vec<u32> {
    schedule_executors_on_workers(
        &SUITE_WORKERS,
        cores_max,
        executor_cores,
        memory_mb,
        spread_out,
        limit,
        0,
    )
}

#[test]
fn master_suite_basic_scheduling() {
    for spread_out in [true, false] {
        assert_eq!(suite(1024, None, None, None, spread_out), [10, 10, 10]);
        assert_eq!(suite(3072, None, None, None, spread_out), [10, 10, 10]);
    }
}

#[test]
fn master_suite_scheduling_with_max_cores_spread_out() {
    assert_eq!(suite(1024, None, Some(8), None, true), [3, 3, 2]);
    assert_eq!(suite(1024, None, Some(16), None, true), [6, 5, 5]);
}

#[test]
fn master_suite_scheduling_with_max_cores_no_spread_out() {
    assert_eq!(suite(1024, None, Some(8), None, false), [8, 0, 0]);
    assert_eq!(suite(1024, None, Some(16), None, false), [10, 6, 0]);
}

#[test]
fn master_suite_scheduling_with_cores_per_executor() {
    for spread_out in [true, false] {
        assert_eq!(suite(1024, Some(2), None, None, spread_out), [8, 8, 8]); // memory-bound
        assert_eq!(suite(256, Some(2), None, None, spread_out), [10, 10, 10]);
        assert_eq!(suite(256, Some(3), None, None, spread_out), [9, 9, 9]);
    }
}

#[test]
fn master_suite_scheduling_with_cores_per_executor_and_max_cores_spread_out() {
    assert_eq!(suite(256, Some(2), Some(4), None, true), [2, 2, 0]);
    assert_eq!(suite(256, Some(2), Some(20), None, true), [8, 6, 6]);
    assert_eq!(suite(256, Some(3), Some(20), None, true), [6, 6, 6]);
}

#[test]
fn master_suite_scheduling_with_cores_per_executor_and_max_cores_no_spread_out() {
    assert_eq!(suite(256, Some(2), Some(4), None, false), [4, 0, 0]);
    assert_eq!(suite(256, Some(2), Some(20), None, false), [10, 10, 0]);
    assert_eq!(suite(256, Some(3), Some(20), None, false), [9, 9, 0]);
}

#[test]
fn master_suite_scheduling_with_executor_limit() {
    for spread_out in [true, false] {
        assert_eq!(suite(256, None, None, Some(0), spread_out), [0, 0, 0]);
        assert_eq!(suite(256, None, None, Some(2), spread_out), [10, 10, 0]);
        assert_eq!(suite(256, None, None, Some(5), spread_out), [10, 10, 10]);
    }
}

#[test]
fn master_suite_scheduling_with_executor_limit_and_max_cores() {
    assert_eq!(suite(256, None, Some(16), Some(0), true), [0, 0, 0]);
    assert_eq!(suite(256, None, Some(16), Some(2), true), [8, 8, 0]);
    assert_eq!(suite(256, None, Some(16), Some(5), true), [6, 5, 5]);
    assert_eq!(suite(256, None, Some(16), Some(2), false), [10, 6, 0]);
    assert_eq!(suite(256, None, Some(16), Some(5), false), [10, 6, 0]);
}

#[test]
fn master_suite_scheduling_with_executor_limit_and_cores_per_executor() {
    assert_eq!(suite(256, Some(4), None, Some(0), true), [0, 0, 0]);
    assert_eq!(suite(256, Some(4), None, Some(2), true), [4, 4, 0]);
    assert_eq!(suite(256, Some(4), None, Some(2), false), [8, 0, 0]);
    for spread_out in [true, false] {
        assert_eq!(suite(256, Some(4), None, Some(5), spread_out), [8, 8, 4]);
    }
}

#[test]
fn master_suite_scheduling_with_everything() {
    for spread_out in [true, false] {
        assert_eq!(
            suite(256, Some(4), Some(18), Some(0), spread_out),
            [0, 0, 0]
        );
    }
    assert_eq!(suite(256, Some(4), Some(18), Some(2), true), [4, 4, 0]);
    assert_eq!(suite(256, Some(4), Some(18), Some(5), true), [8, 4, 4]);
    assert_eq!(suite(256, Some(4), Some(18), Some(2), false), [8, 0, 0]);
    assert_eq!(suite(256, Some(4), Some(18), Some(5), false), [8, 8, 0]);
}

#[test]
fn existing_executors_count_against_the_limit() {
    let assigned = schedule_executors_on_workers(&SUITE_WORKERS, None, None, 256, true, Some(3), 2);
    assert_eq!(assigned, [10, 0, 0]);
}

#[test]
fn zero_executor_cores_assigns_nothing() {
    let assigned = schedule_executors_on_workers(&SUITE_WORKERS, None, Some(0), 256, true, None, 0);
    assert_eq!(assigned, [0, 0, 0]);
}

// ---- Usable workers and their order.

fn free(cores_free: u32, memory_free_mb: u64) -> WorkerFree {
    WorkerFree {
        cores_free,
        memory_free_mb,
    }
}

#[test]
fn usable_workers_sorted_by_free_cores_descending_ties_reversed() {
    let workers = [
        free(8, 4096),
        free(16, 4096),
        free(8, 4096),
        free(16, 4096),
        free(4, 4096),
    ];
    assert_eq!(usable_worker_order(&workers, None, 1024), [3, 1, 2, 0, 4]);
}

#[test]
fn usable_workers_need_one_executor_worth_of_cores_and_memory() {
    let workers = [free(8, 512), free(3, 4096), free(4, 4096), free(0, 4096)];
    assert_eq!(usable_worker_order(&workers, Some(4), 1024), [2]);
    assert_eq!(usable_worker_order(&workers, None, 1024), [2, 1]);
}

#[test]
fn launch_rule_splits_or_keeps_one_executor() {
    assert_eq!(executors_for_cores(10, Some(4)), (2, 4));
    assert_eq!(executors_for_cores(10, None), (1, 10));
    assert_eq!(executors_for_cores(0, None), (0, 0));
    assert_eq!(executors_for_cores(3, Some(4)), (0, 4));
}

// ---- The stateful Master.

fn app(cores_max: Option<u32>, executor_cores: Option<u32>) -> AppRequest {
    AppRequest {
        cores_max,
        executor_cores,
        executor_memory_mb: 1024,
    }
}

fn launch(executor_id: u32, worker: usize, cores: u32) -> Launch {
    Launch {
        executor_id,
        worker,
        cores,
        memory_mb: 1024,
    }
}

#[test]
fn master_ids_continue_after_an_executor_exits() {
    let workers = WorkerSpec::uniform(2, 4, 8192);
    let mut master = StandaloneMaster::new(&workers, true, app(None, None));
    assert_eq!(master.schedule(), [launch(0, 1, 4), launch(1, 0, 4)]);
    assert_eq!(master.schedule(), []);
    assert!(master.remove_executor(0));
    assert!(!master.remove_executor(0));
    // The freed worker gets a new executor with the next id.
    assert_eq!(master.schedule(), [launch(2, 1, 4)]);
    let ids: Vec<u32> = master
        .live_executors()
        .iter()
        .map(|l| l.executor_id)
        .collect();
    assert_eq!(ids, [1, 2]);
}

#[test]
fn master_respects_cores_max_across_schedules() {
    let workers = WorkerSpec::uniform(2, 8, 8192);
    let mut master = StandaloneMaster::new(&workers, true, app(Some(6), Some(2)));
    let first = master.schedule();
    assert_eq!(first.iter().map(|l| l.cores).sum::<u32>(), 6);
    assert_eq!(master.schedule(), []);
    master.remove_executor(first[0].executor_id);
    let again = master.schedule();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].cores, 2);
}

#[test]
fn master_skips_app_when_cores_left_below_executor_cores() {
    let workers = WorkerSpec::uniform(2, 8, 8192);
    let mut master = StandaloneMaster::new(&workers, true, app(Some(3), Some(4)));
    assert_eq!(master.schedule(), []);
}

#[test]
fn master_executor_limit_is_a_level_not_a_delta() {
    let workers = WorkerSpec::uniform(3, 4, 8192);
    let mut master = StandaloneMaster::new(&workers, true, app(None, Some(2)));
    master.set_executor_limit(Some(0));
    assert_eq!(master.schedule(), []);
    master.set_executor_limit(Some(2));
    assert_eq!(master.schedule().len(), 2);
    master.set_executor_limit(Some(3));
    assert_eq!(master.schedule().len(), 1);
    // Lowering the limit never stops running executors.
    master.set_executor_limit(Some(1));
    assert_eq!(master.schedule(), []);
    assert_eq!(master.live_executors().len(), 3);
}
