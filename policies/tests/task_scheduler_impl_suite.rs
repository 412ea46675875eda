//! Spark's `TaskSchedulerImplSuite` (spec §10.4), restated: whole offer rounds through
//! `resourceOffers` — shuffling, CPUs per task, the SPARK-18886 delay-timer reset rule,
//! zombie attempts, barrier task sets.

mod common;

use common::{
    Fake,
    Loc::{self, *},
};
use policies::executors::{ExecId, HostId};
use policies::locality::TaskLocality;
use policies::offer_shuffle::OfferShuffle;
use policies::scheduling_mode::{SchedulingMode, SchedulingModeError};
use policies::task_scheduler_impl::{
    SchedulerSettings, TaskLaunch, TaskSchedulerImpl, WorkerOffer,
};
use policies::task_set_manager::{TaskFailedReason, TaskSet, TsmId, TsmSettings};

struct Harness {
    s: TaskSchedulerImpl,
}

impl Harness {
    fn new(settings: SchedulerSettings, shuffle: OfferShuffle) -> Self {
        Harness {
            s: TaskSchedulerImpl::new(settings, SchedulingMode::Fifo, &[], shuffle),
        }
    }

    fn identity() -> Self {
        Self::new(SchedulerSettings::default(), OfferShuffle::Identity)
    }

    fn ids(&mut self, exec: &str, host: &str) -> (ExecId, HostId) {
        let r = &mut self.s.ctx.executors;
        (r.executor(exec), r.host(host))
    }

    fn offers(&mut self, offers: &[(&str, &str, u32)]) -> Vec<WorkerOffer> {
        offers
            .iter()
            .map(|&(e, h, cores)| {
                let (executor, host) = self.ids(e, h);
                WorkerOffer {
                    executor,
                    host,
                    cores,
                }
            })
            .collect()
    }

    fn round(&mut self, now: u64, offers: &[(&str, &str, u32)], all_free: bool) -> Vec<TaskLaunch> {
        let offers = self.offers(offers);
        self.s.resource_offers(now, &offers, all_free)
    }

    fn task_set(&mut self, stage: u32, attempt: u32, priority: u64, prefs: &[&[Loc]]) -> TaskSet {
        let mut fake = Fake {
            ctx: self.s.ctx.clone(),
        };
        let mut ts = fake.task_set(prefs);
        self.s.ctx.executors = fake.ctx.executors;
        ts.stage_id = stage;
        ts.stage_attempt = attempt;
        ts.priority = priority;
        ts
    }

    fn submit(&mut self, stage: u32, attempt: u32, prefs: &[&[Loc]]) -> TsmId {
        let ts = self.task_set(stage, attempt, 0, prefs);
        self.s.submit_tasks(0, ts, None).0
    }
}

fn stage_of(launches: &[TaskLaunch]) -> Vec<(u32, u32)> {
    launches
        .iter()
        .map(|l| (l.stage_id, l.stage_attempt))
        .collect()
}

#[test]
fn task_scheduler_impl_suite_scheduler_does_not_always_schedule_tasks_on_the_same_workers() {
    let mut h = Harness::new(SchedulerSettings::default(), OfferShuffle::seeded(42));
    let mut on_first = 0;
    for stage in 0..1000 {
        h.submit(stage, 0, &[&[]]);
        let launches = h.round(
            0,
            &[("executor0", "host0", 1), ("executor1", "host1", 1)],
            true,
        );
        assert_eq!(launches.len(), 1);
        if h.s.ctx.executors.executor_name(launches[0].executor) == "executor0" {
            on_first += 1;
        }
    }
    assert!(
        on_first > 0 && on_first < 1000,
        "always the same executor: {on_first}/1000"
    );
}

#[test]
fn task_scheduler_impl_suite_scheduler_correctly_accounts_for_multiple_cpus_per_task() {
    let settings = SchedulerSettings {
        task_cpus: 2,
        ..SchedulerSettings::default()
    };
    let mut h = Harness::new(settings, OfferShuffle::Identity);
    h.submit(0, 0, &[&[], &[]]);
    assert!(
        h.round(
            0,
            &[("executor0", "host0", 0), ("executor1", "host1", 0)],
            true
        )
        .is_empty()
    );
    assert!(
        h.round(
            0,
            &[("executor0", "host0", 1), ("executor1", "host1", 1)],
            true
        )
        .is_empty()
    );
    let launches = h.round(
        0,
        &[("executor0", "host0", 2), ("executor1", "host1", 1)],
        true,
    );
    assert_eq!(launches.len(), 1);
    assert_eq!(
        h.s.ctx.executors.executor_name(launches[0].executor),
        "executor0"
    );
}

/// Shared set-up of the SPARK-18886 tests: exec1/host1 registered by a first offer, then
/// TS(8) for stage 1 attempt 1, every task `E(host1, exec1)`.
fn spark_18886() -> Harness {
    let mut h = Harness::identity();
    h.round(0, &[("exec1", "host1", 1)], true);
    let prefs: Vec<&[Loc]> = vec![&[E("host1", "exec1")]; 8];
    h.submit(1, 1, &prefs);
    h
}

#[test]
fn task_scheduler_impl_suite_spark_18886_partial_offers_reset_timer_before_any_resources_have_been_rejected()
 {
    let mut h = spark_18886();
    assert_eq!(h.round(3000, &[("exec1", "host1", 1)], false).len(), 1);
    assert_eq!(h.round(3000, &[("exec2", "host1", 1)], false).len(), 0);
}

#[test]
fn task_scheduler_impl_suite_spark_18886_delay_scheduling_timer_is_reset_when_it_accepts_all_resources_offered_when_is_all_free_resources()
 {
    let mut h = spark_18886();
    assert_eq!(h.round(3000, &[("exec1", "host1", 1)], true).len(), 1);
    assert_eq!(h.round(3000, &[("exec2", "host1", 1)], false).len(), 0);
}

#[test]
fn task_scheduler_impl_suite_spark_18886_task_set_with_no_locality_requirements_should_not_starve_one_with_them()
 {
    let mut h = spark_18886();
    h.submit(2, 0, &common::none(8));
    assert_eq!(
        stage_of(&h.round(0, &[("exec2", "host1", 1)], false)),
        vec![(2, 0)]
    );
    assert_eq!(
        stage_of(&h.round(2000, &[("exec2", "host1", 1)], false)),
        vec![(2, 0)]
    );
    assert!(h.round(2000, &[("exec2", "host1", 0)], true).is_empty());
    let launches = h.round(4000, &[("exec2", "host1", 1)], false);
    assert_eq!(stage_of(&launches), vec![(1, 1)]);
    assert_eq!(launches[0].locality, TaskLocality::NodeLocal);
}

#[test]
fn task_scheduler_impl_suite_spark_18886_partial_resource_offers_reset_time_if_last_full_resource_offer_was_accepted_as_well_as_any_following_partial_resource_offers()
 {
    let mut h = spark_18886();
    assert!(h.round(0, &[("exec1", "host1", 0)], true).is_empty());
    assert_eq!(h.round(3000, &[("exec1", "host1", 1)], false).len(), 1);
    assert_eq!(h.round(6000, &[("exec1", "host1", 1)], false).len(), 1);
    assert_eq!(h.round(6000, &[("exec2", "host1", 1)], false).len(), 0);
}

#[test]
fn task_scheduler_impl_suite_spark_18886_partial_resource_offers_do_not_reset_time_if_any_offer_was_rejected_since_last_full_offer_was_fully_accepted()
 {
    let mut h = spark_18886();
    assert!(h.round(0, &[("exec2", "host1", 1)], true).is_empty());
    assert_eq!(h.round(3000, &[("exec1", "host1", 1)], false).len(), 1);
    let launches = h.round(3000, &[("exec2", "host1", 1)], false);
    assert_eq!(launches[0].locality, TaskLocality::NodeLocal);
    assert_eq!(h.round(3000, &[("exec1", "host1", 1)], true).len(), 1);
    assert_eq!(
        h.round(3000, &[("exec2", "host1", 1), ("exec1", "host1", 1)], false)
            .len(),
        1
    );
    assert_eq!(h.round(6000, &[("exec1", "host1", 1)], false).len(), 1);
    let launches = h.round(6000, &[("exec2", "host1", 1)], false);
    assert_eq!(launches.len(), 1);
    assert_eq!(launches[0].locality, TaskLocality::NodeLocal);
}

#[test]
fn task_scheduler_impl_suite_concurrent_attempts_for_the_same_stage_only_have_one_active_taskset() {
    let mut h = Harness::identity();
    let first = h.submit(0, 0, &common::none(4));
    assert!(!h.s.tsm(first).is_zombie);
    let second = h.submit(0, 1, &common::none(4));
    assert!(h.s.tsm(first).is_zombie);
    assert!(!h.s.tsm(second).is_zombie);
}

#[test]
fn task_scheduler_impl_suite_dont_schedule_more_tasks_after_a_taskset_is_zombie() {
    let mut h = Harness::identity();
    let attempt0 = h.submit(0, 0, &common::none(10));
    assert_eq!(h.round(0, &[("executor0", "host0", 1)], true).len(), 1);
    h.s.tsm_mut(attempt0).is_zombie = true;
    assert!(h.round(0, &[("executor0", "host0", 1)], true).is_empty());
    h.submit(0, 1, &common::none(10));
    let launches = h.round(0, &[("executor0", "host0", 1)], true);
    assert_eq!(stage_of(&launches), vec![(0, 1)]);
}

#[test]
fn task_scheduler_impl_suite_if_a_zombie_attempt_finishes_continue_scheduling_tasks_for_non_zombie_attempts()
 {
    let mut h = Harness::identity();
    let attempt0 = h.submit(0, 0, &common::none(10));
    let first = h.round(0, &[("executor0", "host0", 10)], true);
    assert_eq!(first.len(), 10);
    h.submit(0, 1, &common::none(10));
    assert!(h.round(0, &[("executor0", "host0", 0)], true).is_empty());
    for l in &first {
        h.s.status_update_terminal(l.task_id);
        h.s.handle_successful_task(1, l.task_id);
    }
    assert!(h.s.tsm(attempt0).is_finished());
    let launches = h.round(1, &[("executor0", "host0", 10)], true);
    assert_eq!(launches.len(), 10);
    assert!(stage_of(&launches).iter().all(|&s| s == (0, 1)));
}

#[test]
fn task_scheduler_impl_suite_tasks_are_not_re_scheduled_while_executor_loss_reason_is_pending() {
    let mut h = Harness::identity();
    h.submit(0, 0, &[&[]]);
    let launched = h.round(
        0,
        &[("executor0", "host0", 1), ("executor1", "host1", 1)],
        true,
    );
    assert_eq!(
        h.s.ctx.executors.executor_name(launched[0].executor),
        "executor0"
    );
    // executor0 is pending loss: no longer offered, but its task still counts as running.
    assert!(h.round(0, &[("executor1", "host1", 1)], true).is_empty());
    let (e0, _) = h.ids("executor0", "host0");
    let failed = h.s.executor_lost(0, e0, false);
    assert_eq!(failed.len(), 1);
    let relaunched = h.round(0, &[("executor1", "host1", 1)], true);
    assert_eq!(relaunched.len(), 1);
    assert_eq!(
        h.s.ctx.executors.executor_name(relaunched[0].executor),
        "executor1"
    );
    assert_eq!(relaunched[0].attempt_number, 1);
}

#[test]
fn task_scheduler_impl_suite_spark_16106_locality_levels_updated_if_executor_added_to_existing_host()
 {
    use TaskLocality::*;
    let mut h = Harness::identity();
    let t = h.submit(
        0,
        0,
        &[&[E("host0", "executor2")], &[E("host0", "executor2")]],
    );
    let launches = h.round(
        0,
        &[("executor0", "host0", 1), ("executor1", "host1", 1)],
        true,
    );
    assert_eq!(launches.len(), 1);
    assert_eq!(launches[0].locality, NodeLocal);
    assert_eq!(h.s.tsm(t).locality_levels(), &[NodeLocal, Any]);
    assert_eq!(h.round(0, &[("executor2", "host0", 1)], true).len(), 1);
    assert_eq!(
        h.s.tsm(t).locality_levels(),
        &[ProcessLocal, NodeLocal, Any]
    );
    assert!(h.round(0, &[("executor3", "host1", 1)], true).is_empty());
    let (e3, _) = h.ids("executor3", "host1");
    assert!(h.s.ctx.executors.is_executor_alive(e3));
}

fn no_wait() -> SchedulerSettings {
    let tsm = TsmSettings {
        locality_wait_process_ms: 0,
        locality_wait_node_ms: 0,
        locality_wait_rack_ms: 0,
        ..TsmSettings::default()
    };
    SchedulerSettings {
        tsm,
        ..SchedulerSettings::default()
    }
}

#[test]
fn task_scheduler_impl_suite_locality_should_be_used_for_bulk_offers_even_with_delay_scheduling_off()
 {
    for order in [
        [("exec1", "host1", 1), ("exec2", "host2", 1)],
        [("exec2", "host2", 1), ("exec1", "host1", 1)],
    ] {
        let mut h = Harness::new(no_wait(), OfferShuffle::Identity);
        h.submit(0, 0, &[&[E("host1", "exec1")]]);
        let launches = h.round(0, &order, true);
        assert_eq!(launches.len(), 1);
        assert_eq!(
            h.s.ctx.executors.executor_name(launches[0].executor),
            "exec1"
        );
    }
}

#[test]
fn task_scheduler_impl_suite_with_delay_scheduling_off_tasks_can_be_run_at_any_locality_level_immediately()
 {
    let mut h = Harness::new(no_wait(), OfferShuffle::Identity);
    h.round(0, &[("exec1", "host1", 0)], true);
    h.submit(0, 0, &[&[E("host1", "exec1")]]);
    let launches = h.round(0, &[("exec2", "host2", 1)], true);
    assert_eq!(launches.len(), 1);
    assert_eq!(
        h.s.ctx.executors.executor_name(launches[0].executor),
        "exec2"
    );
}

#[test]
fn task_scheduler_impl_suite_task_scheduler_should_throw_illegal_argument_exception_when_scheduling_mode_is_not_supported()
 {
    assert_eq!(
        SchedulingMode::parse_conf_value("NONE"),
        Err(SchedulingModeError::NoneNotSupported)
    );
}

fn barrier_harness() -> Harness {
    let settings = SchedulerSettings {
        task_cpus: 2,
        ..SchedulerSettings::default()
    };
    Harness::new(settings, OfferShuffle::Identity)
}

fn submit_barrier(h: &mut Harness, stage: u32, priority: u64, prefs: &[&[Loc]]) -> TsmId {
    let mut ts = h.task_set(stage, 0, priority, prefs);
    ts.is_barrier = true;
    h.s.submit_tasks(0, ts, None).0
}

#[test]
fn task_scheduler_impl_suite_dont_schedule_for_a_barrier_task_set_if_available_slots_are_less_than_pending_tasks()
 {
    let mut h = barrier_harness();
    submit_barrier(&mut h, 0, 0, &common::none(3));
    assert!(
        h.round(
            0,
            &[("executor0", "host0", 3), ("executor1", "host1", 3)],
            true
        )
        .is_empty()
    );
}

#[test]
fn task_scheduler_impl_suite_schedule_tasks_for_a_barrier_task_set_if_all_tasks_can_be_launched_together()
 {
    let mut h = barrier_harness();
    submit_barrier(&mut h, 0, 0, &common::none(3));
    let offers = [
        ("executor0", "host0", 3),
        ("executor1", "host1", 3),
        ("executor2", "host2", 3),
    ];
    assert_eq!(h.round(0, &offers, true).len(), 3);
}

#[test]
fn task_scheduler_impl_suite_spark_29263_barrier_task_set_cant_schedule_when_higher_prio_taskset_takes_the_slots()
 {
    let mut h = barrier_harness();
    let ts = h.task_set(0, 0, 0, &[&[]]);
    h.s.submit_tasks(0, ts, None);
    submit_barrier(&mut h, 1, 1, &common::none(3));
    let offers = [
        ("executor0", "host0", 3),
        ("executor1", "host1", 3),
        ("executor2", "host2", 3),
    ];
    let launches = h.round(0, &offers, true);
    assert_eq!(stage_of(&launches), vec![(0, 0)]);
}

#[test]
fn task_scheduler_impl_suite_spark_24818_test_delay_scheduling_for_barrier_task_set_manager() {
    let mut h = Harness::identity();
    h.round(0, &[("executor-0", "host1", 0)], true);
    submit_barrier(&mut h, 0, 0, &[&[E("host1", "executor-0")]]);
    assert!(h.round(0, &[("executor-1", "host1", 1)], true).is_empty());
    let launches = h.round(4000, &[("executor-1", "host1", 1)], true);
    assert_eq!(launches.len(), 1);
    assert_eq!(launches[0].locality, TaskLocality::NodeLocal);
}

#[test]
fn task_scheduler_impl_suite_spark_24818_test_resource_revert_of_barrier_task_set_manager() {
    let mut h = Harness::identity();
    submit_barrier(
        &mut h,
        0,
        0,
        &[&[E("host1", "executor-0")], &[E("host1", "executor-1")]],
    );
    let ts = h.task_set(1, 0, 0, &[&[], &[]]);
    h.s.submit_tasks(0, ts, None);
    let offers = [("executor-0", "host1", 1), ("executor-2", "host1", 1)];
    let first = h.round(0, &offers, true);
    assert_eq!(
        stage_of(&first),
        vec![(1, 0), (1, 0)],
        "the barrier set reverts; the normal one takes both"
    );
    let second = h.round(4000, &offers, true);
    assert_eq!(stage_of(&second), vec![(0, 0), (0, 0)]);
}

#[test]
fn failed_task_is_retried_first_and_revives() {
    let mut h = Harness::identity();
    h.submit(0, 0, &common::none(3));
    let launches = h.round(0, &[("executor0", "host0", 2)], true);
    assert_eq!(
        launches.iter().map(|l| l.index).collect::<Vec<_>>(),
        vec![0, 1]
    );
    h.s.status_update_terminal(launches[1].task_id);
    let (outcome, revive) = h.s.handle_failed_task(
        5,
        launches[1].task_id,
        TaskFailedReason::ExceptionFailure("boom".into()),
    );
    assert!(outcome.requeued && revive);
    let retry = h.round(5, &[("executor0", "host0", 1)], true);
    assert_eq!((retry[0].index, retry[0].attempt_number), (1, 1));
}
