//! Spark's `PoolSuite` (spec §10.1), restated: FIFO and FAIR ordering, nested pools, and the
//! pool a task set goes to. Cases about parsing `fairscheduler.xml` are in
//! `pool_building.rs`.

use policies::offer_shuffle::OfferShuffle;
use policies::pool::{PoolTree, Schedulable};
use policies::schedulable_builder::PoolDef;
use policies::scheduling_mode::{SchedulingMode, SchedulingModeError};
use policies::task_scheduler_impl::{SchedulerSettings, TaskSchedulerImpl};
use policies::task_set_manager::TaskSet;

fn scheduler(mode: SchedulingMode, pools: &[PoolDef<'_>]) -> TaskSchedulerImpl {
    TaskSchedulerImpl::new(
        SchedulerSettings::default(),
        mode,
        pools,
        OfferShuffle::Identity,
    )
}

fn submit(s: &mut TaskSchedulerImpl, stage: u32, tasks: usize, pool: Option<&str>) {
    s.submit_tasks(0, TaskSet::no_prefs(stage, 0, 0, tasks), pool);
}

/// PoolSuite's `step`: the first TSM of the sorted queue with room gets a running task.
fn step(s: &mut TaskSchedulerImpl, tid: u64) -> u32 {
    let queue = s.sorted_task_set_queue();
    let next = queue
        .into_iter()
        .find(|&t| {
            let tsm = s.tsm(t);
            tsm.running_tasks() + tsm.tasks_successful < tsm.num_tasks()
        })
        .expect("some task set has room");
    s.add_running_task(next, tid);
    s.tsm(next).task_set.stage_id
}

fn steps(s: &mut TaskSchedulerImpl, n: u64) -> Vec<u32> {
    (0..n).map(|tid| step(s, tid)).collect()
}

/// The pools of the test resource `fairscheduler.xml` (spec §4.5).
const TEST_RESOURCE_POOLS: [PoolDef<'static>; 4] = [
    ("1", SchedulingMode::Fifo, 2, 1),
    ("2", SchedulingMode::Fifo, 3, 1),
    ("3", SchedulingMode::Fifo, 0, 1),
    ("default", SchedulingMode::Fifo, 0, 1),
];

#[test]
fn pool_suite_fifo_scheduler_test() {
    let mut s = scheduler(SchedulingMode::Fifo, &[]);
    for stage in 0..3 {
        submit(&mut s, stage, 2, None);
    }
    assert_eq!(steps(&mut s, 6), vec![0, 0, 1, 1, 2, 2]);
}

#[test]
fn pool_suite_fair_scheduler_test() {
    let mut s = scheduler(SchedulingMode::Fair, &TEST_RESOURCE_POOLS);
    submit(&mut s, 0, 1, Some("1"));
    submit(&mut s, 1, 1, Some("1"));
    submit(&mut s, 2, 2, Some("1"));
    submit(&mut s, 3, 2, Some("2"));
    submit(&mut s, 4, 2, Some("2"));
    assert_eq!(steps(&mut s, 8), vec![0, 3, 3, 1, 4, 2, 2, 4]);
}

#[test]
fn pool_suite_nested_pool_test() {
    let mut s = scheduler(SchedulingMode::Fair, &[]);
    let pools = &mut s.ctx.pools;
    let p0 = pools.add_pool(PoolTree::ROOT, "0", SchedulingMode::Fair, 3, 1);
    let p1 = pools.add_pool(PoolTree::ROOT, "1", SchedulingMode::Fair, 4, 1);
    pools.add_pool(p0, "00", SchedulingMode::Fair, 2, 2);
    pools.add_pool(p0, "01", SchedulingMode::Fair, 1, 1);
    pools.add_pool(p1, "10", SchedulingMode::Fair, 2, 2);
    pools.add_pool(p1, "11", SchedulingMode::Fair, 2, 1);
    for (stage, pool) in [
        (0, "00"),
        (1, "00"),
        (2, "01"),
        (3, "01"),
        (4, "10"),
        (5, "10"),
        (6, "11"),
        (7, "11"),
    ] {
        submit(&mut s, stage, 5, Some(pool));
    }
    assert_eq!(steps(&mut s, 4), vec![0, 4, 6, 2]);
}

#[test]
fn pool_suite_fifo_scheduler_uses_root_pool_and_not_spark_scheduler_pool_property() {
    let mut s = scheduler(SchedulingMode::Fifo, &[]);
    submit(&mut s, 0, 1, Some("testPool"));
    submit(&mut s, 1, 1, Some("testPool"));
    assert!(s.pools().pool_by_name("testPool").is_none());
    let root = s.pools().pool(PoolTree::ROOT);
    assert_eq!(root.children().len(), 2);
    assert!(
        root.children()
            .iter()
            .all(|c| matches!(c, Schedulable::TaskSet(_)))
    );
}

#[test]
fn pool_suite_fair_scheduler_uses_default_pool_when_spark_scheduler_pool_property_is_not_set() {
    let mut s = scheduler(SchedulingMode::Fair, &TEST_RESOURCE_POOLS);
    let default = s.pools().pool_by_name("default").unwrap();
    submit(&mut s, 0, 1, None);
    assert_eq!(s.pools().pool(default).children().len(), 1);
    submit(&mut s, 1, 1, None);
    assert_eq!(s.pools().pool(default).children().len(), 2);
}

#[test]
fn pool_suite_fair_scheduler_creates_a_new_pool_when_spark_scheduler_pool_property_points_to_a_non_existent_pool()
 {
    let mut s = scheduler(SchedulingMode::Fair, &TEST_RESOURCE_POOLS);
    assert!(s.pools().pool_by_name("testPool").is_none());
    let (tsm, placement) = s.submit_tasks(0, TaskSet::no_prefs(0, 0, 0, 1), Some("testPool"));
    assert_eq!(placement.created_pool.as_deref(), Some("testPool"));
    let id = s.pools().pool_by_name("testPool").unwrap();
    let pool = s.pools().pool(id);
    assert_eq!(
        (pool.min_share, pool.weight, pool.mode),
        (0, 1, SchedulingMode::Fifo)
    );
    assert_eq!(pool.children(), &[Schedulable::TaskSet(tsm)]);
}

#[test]
fn pool_suite_pool_should_throw_illegal_argument_exception_when_scheduling_mode_is_not_supported() {
    assert_eq!(
        SchedulingMode::parse_conf_value("NONE"),
        Err(SchedulingModeError::NoneNotSupported)
    );
}

#[test]
fn duplicate_pool_names_send_jobs_to_the_later_pool() {
    let mut s = scheduler(
        SchedulingMode::Fair,
        &[
            ("dup", SchedulingMode::Fifo, 0, 1),
            ("dup", SchedulingMode::Fair, 0, 2),
            ("default", SchedulingMode::Fifo, 0, 1),
        ],
    );
    let (tsm, _) = s.submit_tasks(0, TaskSet::no_prefs(0, 0, 0, 1), Some("dup"));
    let id = s.pools().pool_by_name("dup").unwrap();
    assert_eq!(s.pools().pool(id).weight, 2);
    assert_eq!(s.pools().pool(id).children(), &[Schedulable::TaskSet(tsm)]);
}
