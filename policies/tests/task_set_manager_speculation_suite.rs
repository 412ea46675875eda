//! Spark's `TaskSetManagerSuite` speculation tests (spec §10.3, cases S1–S15), restated, plus
//! the version presets and the scheduler-level speculation tick (§7.1).
//!
//! Common set-up unless stated: `spark.speculation=true`, multiplier 0 (threshold
//! `max(0 × median, minTime)`), `checkSpeculatableTasks(0)`, efficiency at its defaults
//! (on). Offers are direct `resourceOffer` calls; the manual clock starts at 0 and task ids
//! at 0. Expected values are the spec's.

mod common;

use common::{Fake, Loc::*, none, speculative};
use policies::conf::{ConfSource, MasterUrl, SparkConf};
use policies::executors::ExecId;
use policies::locality::TaskLocality::*;
use policies::offer_shuffle::OfferShuffle;
use policies::scheduling_mode::SchedulingMode;
use policies::spark_version::SparkVersion::{self, V3_3, V3_5, V4_0};
use policies::speculation::{
    DecommissionStates, ExecutorDecommissionState, SpeculationSettings, TaskRecordMetrics,
    slots_per_executor,
};
use policies::task_scheduler_impl::{
    SchedulerSettings, SpeculativeTaskSubmitted, TaskSchedulerImpl, WorkerOffer,
};
use policies::task_set_manager::{TaskFailedReason, TaskSet, TaskSetManager, TsmSettings};
use std::collections::BTreeSet;

const SECOND: u64 = 1000;
const MINUTE: u64 = 60 * SECOND;
/// `RUNTIME` of the efficiency tests: every task has run 20 s when checked.
const RUNTIME: u64 = 20_000;
/// `RECORDS_NUM`: input records and shuffle-read records of an efficient task (each).
const RECORDS_NUM: u64 = 10_000;

fn two_hosts() -> Fake {
    Fake::new(&[("exec1", "host1"), ("exec2", "host2")])
}

/// Multiplier 0 (3.5 preset), the rest as given.
fn multiplier_zero(edit: impl FnOnce(&mut SpeculationSettings)) -> TsmSettings {
    speculative(V3_5, |s| {
        s.multiplier = 0.0;
        edit(s);
    })
}

fn exception() -> TaskFailedReason {
    TaskFailedReason::ExceptionFailure("a".into())
}

/// The one running attempt of `index` (`runningTaskForIndex`).
fn running_tid(tsm: &TaskSetManager, index: u32) -> u64 {
    let running: Vec<u64> = tsm
        .attempts_of(index)
        .filter(|a| a.running())
        .map(|a| a.task_id)
        .collect();
    assert_eq!(running.len(), 1, "index {index}: {running:?}");
    running[0]
}

fn exec_name(f: &Fake, exec: ExecId) -> &str {
    f.ctx.executors.executor_name(exec)
}

/// Metrics of an efficiency-test task with multiplier `m`: input and shuffle records of
/// `RECORDS_NUM × m` each, run time `RUNTIME` (`updateAndGetTaskMetrics`).
fn metrics(m: f64) -> TaskRecordMetrics {
    let each = (m * RECORDS_NUM as f64) as u64;
    TaskRecordMetrics {
        records_read: 2 * each,
        executor_run_time_ms: RUNTIME,
    }
}

// ---------------------------------------------------------------------------------------
// S1
// ---------------------------------------------------------------------------------------

#[test]
fn task_set_manager_suite_kill_other_task_attempts_when_one_attempt_belonging_to_the_same_task_succeeds()
 {
    // minFinished is floor(0.75·4) = 3 in 3.5 and floor(0.9·4) = 3 in 4.0.
    for version in [V3_5, V4_0] {
        let mut f = two_hosts();
        let mut tsm = f.tsm(&none(4), speculative(version, |s| s.multiplier = 0.0));
        for (i, (e, h)) in [
            ("exec1", "host1"),
            ("exec1", "host1"),
            ("exec2", "host2"),
            ("exec2", "host2"),
        ]
        .into_iter()
        .enumerate()
        {
            let t = f.offer_task(&mut tsm, 0, e, h, NoPref).unwrap();
            assert_eq!((t.index, t.task_id), (i as u32, Some(i as u64)));
        }
        for tid in 0..3 {
            assert!(tsm.handle_successful_task(1, tid, &mut f.ctx).first_success);
        }
        assert_eq!(tsm.speculation().unwrap().min_finished_for_speculation(), 3);
        assert_eq!(f.check(&mut tsm, 2, 0), vec![3], "{version}");
        let copy = f.offer_task(&mut tsm, 2, "exec1", "host1", NoPref).unwrap();
        assert_eq!(
            (copy.index, copy.task_id, copy.speculative),
            (3, Some(4), true)
        );
        let info = tsm.info(4).unwrap();
        assert_eq!(exec_name(&f, info.executor), "exec1");
        assert_eq!(info.attempt_number, 1);
        // The copy succeeds: the original (tid 3 on exec2) is killed, task 3 is a success.
        let out = tsm.handle_successful_task(3, 4, &mut f.ctx);
        assert!(out.first_success);
        assert_eq!(out.kills, vec![3]);
        assert_eq!(exec_name(&f, tsm.info(3).unwrap().executor), "exec2");
        assert!(tsm.is_successful(3));
    }
}

// ---------------------------------------------------------------------------------------
// S2
// ---------------------------------------------------------------------------------------

#[test]
fn task_set_manager_suite_killing_speculative_tasks_does_not_count_towards_aborting_the_taskset() {
    let mut f = two_hosts();
    let mut tsm = f.tsm(&none(5), multiplier_zero(|s| s.quantile = 0.6));
    for (i, (e, h)) in [
        ("exec1", "host1"),
        ("exec1", "host1"),
        ("exec1", "host1"),
        ("exec2", "host2"),
        ("exec2", "host2"),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(f.offer(&mut tsm, 0, e, h, NoPref), Some(i as u32));
    }
    for tid in 0..3 {
        tsm.handle_successful_task(1, tid, &mut f.ctx);
    }
    // Indices 3 and 4 each fail 3 times, each time relaunched on exec2 (tids 5..=10).
    for _ in 0..3 {
        for index in [3, 4] {
            let tid = running_tid(&tsm, index);
            let out = tsm.handle_failed_task(1, tid, exception(), &mut f.ctx);
            assert!(out.requeued && out.aborted.is_none());
            assert!(!tsm.is_zombie);
            assert_eq!(f.offer(&mut tsm, 1, "exec2", "host2", NoPref), Some(index));
        }
    }
    assert_eq!(f.last_tid(), 10);
    let originals = [(3, running_tid(&tsm, 3)), (4, running_tid(&tsm, 4))];
    let marked: BTreeSet<u32> = f.check(&mut tsm, 2, 0).into_iter().collect();
    assert_eq!(marked, BTreeSet::from([3, 4]));

    // Which index gets the first copy depends on the set order (ours: 4, pushed last).
    let first = f.offer_task(&mut tsm, 2, "exec1", "host1", NoPref).unwrap();
    assert!(first.index == 3 || first.index == 4);
    assert_eq!((first.task_id, first.speculative), (Some(11), true));
    let info = tsm.info(11).unwrap();
    assert_eq!(exec_name(&f, info.executor), "exec1");
    assert_eq!(info.attempt_number, 4);
    let orig = originals.iter().find(|o| o.0 == first.index).unwrap().1;
    let out = tsm.handle_successful_task(3, 11, &mut f.ctx);
    assert_eq!(out.kills, vec![orig]);
    assert_eq!(exec_name(&f, tsm.info(orig).unwrap().executor), "exec2");
    // The kill is reported: not a failure.
    let killed = TaskFailedReason::TaskKilled("test".into());
    let out = tsm.handle_failed_task(3, orig, killed, &mut f.ctx);
    assert!(out.aborted.is_none() && !out.requeued);
    assert_eq!(tsm.tasks_successful, 4);
    assert!(!tsm.is_zombie);

    let second = f.offer_task(&mut tsm, 3, "exec1", "host1", NoPref).unwrap();
    assert!(second.index == 3 || second.index == 4);
    assert_ne!(second.index, first.index);
    assert!(second.speculative);
    let tid2 = second.task_id.unwrap();
    assert_eq!(tsm.info(tid2).unwrap().attempt_number, 4);
    let orig2 = originals.iter().find(|o| o.0 == second.index).unwrap().1;
    let out = tsm.handle_successful_task(4, tid2, &mut f.ctx);
    assert_eq!(out.kills, vec![orig2]);
    assert_eq!(tsm.tasks_successful, 5);
    assert!(tsm.is_zombie);
}

// ---------------------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------------------

#[test]
fn task_set_manager_suite_spark_24677_avoid_no_such_element_exception_from_median_heap() {
    let settings = SchedulerSettings {
        task_cpus: 1,
        tsm: multiplier_zero(|s| s.quantile = 0.1),
    };
    let mut s = TaskSchedulerImpl::new(settings, SchedulingMode::Fifo, &[], OfferShuffle::Identity);
    let (t, _) = s.submit_tasks(0, TaskSet::no_prefs(0, 0, 0, 10), None);
    let offers: Vec<WorkerOffer> = (0..8)
        .map(|i| {
            let r = &mut s.ctx.executors;
            WorkerOffer {
                executor: r.executor(&format!("exec-{i}")),
                host: r.host(&format!("host-{i}")),
                cores: 1,
            }
        })
        .collect();
    assert_eq!(s.resource_offers(0, &offers, true).len(), 8);
    assert_eq!(s.tsm(t).running_tasks(), 8);
    // Another attempt finished partition 8: successful, but no duration sample.
    assert!(s.tsm_mut(t).mark_partition_completed(8));
    assert!(s.tsm(t).is_successful(8));
    let spec = s.tsm(t).speculation().unwrap();
    assert!(spec.successful_task_durations().is_empty());
    assert_eq!(spec.min_finished_for_speculation(), 1);
    // nDone = 0 < minFinished = 1: no median is taken, nothing is speculated.
    let executors = s.ctx.executors.clone();
    let none = DecommissionStates::new();
    assert!(
        !s.tsm_mut(t)
            .check_speculatable_tasks(0, 0, &executors, &none)
    );
    assert!(!s.check_speculatable_tasks(0));
}

// ---------------------------------------------------------------------------------------
// S4, S5
// ---------------------------------------------------------------------------------------

#[test]
fn task_set_manager_suite_spark_26755_ensure_that_a_speculative_task_is_submitted_only_once_for_execution()
 {
    let mut f = two_hosts();
    let mut tsm = f.tsm(&none(4), multiplier_zero(|s| s.quantile = 0.5));
    for (e, h) in [("exec1", "host1"), ("exec2", "host2")] {
        for _ in 0..2 {
            let t = f.offer_task(&mut tsm, 0, e, h, NoPref).unwrap();
            let info = tsm.info(t.task_id.unwrap()).unwrap();
            assert_eq!(exec_name(&f, info.executor), e);
        }
    }
    for tid in [0, 2] {
        assert!(tsm.handle_successful_task(1, tid, &mut f.ctx).first_success);
    }
    let marked: BTreeSet<u32> = f.check(&mut tsm, 2, 0).into_iter().collect();
    assert_eq!(marked, BTreeSet::from([1, 3]));
    assert_eq!((tsm.copies_running(1), tsm.copies_running(3)), (1, 1));

    let a = f.offer_task(&mut tsm, 2, "exec1", "host1", NoPref).unwrap();
    assert_eq!((a.index, a.task_id, a.speculative), (3, Some(4), true));
    assert_eq!(exec_name(&f, tsm.info(4).unwrap().executor), "exec1");
    assert_eq!(tsm.info(4).unwrap().attempt_number, 1);
    let b = f.offer_task(&mut tsm, 2, "exec2", "host2", NoPref).unwrap();
    assert_eq!((b.index, b.task_id, b.speculative), (1, Some(5), true));
    assert_eq!(exec_name(&f, tsm.info(5).unwrap().executor), "exec2");
    assert_eq!(tsm.info(5).unwrap().attempt_number, 1);

    assert!(f.check(&mut tsm, 3, 0).is_empty());
    assert_eq!((tsm.copies_running(1), tsm.copies_running(3)), (2, 2));
    for (e, h) in [("exec1", "host1"), ("exec2", "host2"), ("exec3", "host3")] {
        assert_eq!(f.offer(&mut tsm, 3, e, h, Any), None);
    }
}

#[test]
fn task_set_manager_suite_spark_26755_ensure_that_a_speculative_task_obeys_original_locality_preferences()
 {
    let mut f = Fake::new(&[
        ("exec1", "host1"),
        ("exec2", "host2"),
        ("exec3", "host3"),
        ("exec4", "host4"),
    ]);
    let prefs: [&[_]; 3] = [&[H("host1"), H("host3")], &[H("host2")], &[H("host3")]];
    let mut tsm = f.tsm(&prefs, multiplier_zero(|s| s.quantile = 0.5));
    for (i, (e, h)) in [("exec1", "host1"), ("exec2", "host2"), ("exec3", "host3")]
        .into_iter()
        .enumerate()
    {
        assert_eq!(f.offer(&mut tsm, 0, e, h, NoPref), Some(i as u32));
    }
    tsm.handle_successful_task(1, 2, &mut f.ctx);
    let marked: BTreeSet<u32> = f.check(&mut tsm, 2, 0).into_iter().collect();
    assert_eq!(marked, BTreeSet::from([0, 1]));
    // host4 is not preferred.
    assert_eq!(f.offer(&mut tsm, 2, "exec4", "host4", NodeLocal), None);
    // Task 1 prefers host2, but it already ran there.
    assert_eq!(f.offer(&mut tsm, 2, "exec2", "host2", NodeLocal), None);
    let copy = f
        .offer_task(&mut tsm, 2, "exec3", "host3", NodeLocal)
        .unwrap();
    assert_eq!((copy.index, copy.speculative), (0, true));
    let copy = f.offer_task(&mut tsm, 2, "exec4", "host4", Any).unwrap();
    assert_eq!((copy.index, copy.speculative), (1, true));
    assert_eq!(f.offer(&mut tsm, 2, "exec1", "host1", Any), None);
    assert!(f.check(&mut tsm, 2, 0).is_empty());
    assert_eq!(f.offer(&mut tsm, 2, "exec1", "host1", Any), None);
}

// ---------------------------------------------------------------------------------------
// S6–S9: `testSpeculationDurationSetup` (local master, `spark.executor.cores` set)
// ---------------------------------------------------------------------------------------

/// `testSpeculationDurationSetup`: multiplier at its 3.5 default (1.5), the given threshold,
/// quantile, slots (executor cores / task cpus), minTaskRuntime; one NO_PREF offer on
/// `exec<i>/host<i>` per task at t = 0.
fn duration_setup(
    threshold_ms: Option<u64>,
    quantile: f64,
    num_tasks: usize,
    executor_cores: u32,
    cores_per_task: u32,
    min_task_runtime_ms: Option<u64>,
) -> (Fake, TaskSetManager) {
    let local = MasterUrl::parse("local").unwrap();
    let slots = slots_per_executor(Some(executor_cores), cores_per_task, Some(&local));
    let settings = speculative(V3_5, |s| {
        s.task_duration_threshold_ms = threshold_ms;
        s.quantile = quantile;
        s.slots_per_executor = slots;
        if let Some(m) = min_task_runtime_ms {
            s.min_task_runtime_ms = m;
        }
    });
    let mut f = two_hosts();
    let mut tsm = f.tsm(&none(num_tasks), settings);
    for i in 1..=num_tasks {
        let (e, h) = (format!("exec{i}"), format!("host{i}"));
        assert!(f.offer(&mut tsm, 0, &e, &h, NoPref).is_some());
    }
    (f, tsm)
}

/// `testSpeculationDurationThreshold`: quantile 1.0 (the quantile path never fires while a
/// task runs), threshold 60 min if provided.
fn duration_threshold(provided: bool, num_tasks: usize, num_slots: u32) {
    let threshold = provided.then_some(60 * MINUTE);
    let (f, mut tsm) = duration_setup(threshold, 1.0, num_tasks, num_slots, 1, None);
    let mut submitted = Vec::new();
    submitted.extend(f.check(&mut tsm, 60 * MINUTE, 0));
    assert!(submitted.is_empty());
    let marked = f.check(&mut tsm, 60 * MINUTE + SECOND, 0);
    submitted.extend(marked.iter().copied());
    if provided && num_slots as usize >= num_tasks {
        assert_eq!(marked.len(), num_tasks);
        // No duplicates on an immediate re-check.
        assert!(f.check(&mut tsm, 60 * MINUTE + SECOND, 0).is_empty());
        assert_eq!(tsm.speculatable_tasks().count(), num_tasks);
    } else {
        assert!(marked.is_empty());
    }
    let distinct: BTreeSet<u32> = submitted.iter().copied().collect();
    assert_eq!(distinct.len(), submitted.len());
}

#[test]
fn task_set_manager_suite_spark_29976_when_a_speculation_time_threshold_is_provided_should_speculative_run_the_task_even_if_there_are_not_enough_successful_runs_total_tasks_1()
 {
    duration_threshold(true, 1, 1);
}

#[test]
fn task_set_manager_suite_spark_29976_when_a_speculation_time_threshold_is_provided_should_speculative_run_the_task_even_if_there_are_not_enough_successful_runs_total_tasks_2()
 {
    duration_threshold(true, 2, 2);
}

#[test]
fn task_set_manager_suite_spark_29976_when_the_speculation_time_threshold_is_not_provided_dont_speculative_run_if_there_are_not_enough_successful_runs_total_tasks_1()
 {
    duration_threshold(false, 1, 1);
}

#[test]
fn task_set_manager_suite_spark_29976_when_the_speculation_time_threshold_is_not_provided_dont_speculative_run_if_there_are_not_enough_successful_runs_total_tasks_2()
 {
    duration_threshold(false, 2, 2);
}

#[test]
fn task_set_manager_suite_spark_29976_when_a_speculation_time_threshold_is_provided_should_not_speculative_if_there_are_too_many_tasks_in_the_stage_even_though_time_threshold_is_provided()
 {
    duration_threshold(true, 2, 1);
}

#[test]
fn task_set_manager_suite_spark_29976_regular_speculation_configs_should_still_take_effect_even_when_a_threshold_is_provided()
 {
    let (mut f, mut tsm) = duration_setup(Some(60 * MINUTE), 0.5, 2, 2, 1, None);
    tsm.handle_successful_task(SECOND, 0, &mut f.ctx);
    // Median 1000, threshold 1.5 × 1000 = 1500 < 2000 (and far below 60 min).
    assert_eq!(tsm.speculation_threshold(0), Some(1500.0));
    assert_eq!(f.check(&mut tsm, 2 * SECOND, 0), vec![1]);
}

#[test]
fn task_set_manager_suite_spark_30417_when_spark_task_cpus_is_greater_than_spark_executor_cores_due_to_standalone_settings_speculate_if_there_is_only_one_task_in_the_stage()
 {
    // `spark.executor.cores` unset and a local master: the core limit is unknown, 1 slot.
    let local = MasterUrl::parse("local").unwrap();
    let slots = slots_per_executor(None, 2, Some(&local));
    assert_eq!(slots, 1);
    let settings = speculative(V3_5, |s| {
        s.quantile = 1.0;
        s.task_duration_threshold_ms = Some(60 * MINUTE);
        s.slots_per_executor = slots;
    });
    let mut f = two_hosts();
    let mut tsm = f.tsm(&none(1), settings);
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", NoPref), Some(0));
    assert!(f.check(&mut tsm, 60 * MINUTE, 0).is_empty());
    assert_eq!(f.check(&mut tsm, 60 * MINUTE + SECOND, 0), vec![0]);
}

#[test]
fn task_set_manager_suite_spark_33741_test_minimum_amount_of_time_a_task_runs_before_being_considered_for_speculation()
 {
    let (mut f, mut tsm) = duration_setup(None, 0.5, 2, 2, 1, Some(3000));
    let min_time = tsm.speculation().unwrap().settings().min_task_runtime_ms;
    assert_eq!(min_time, 3000);
    tsm.handle_successful_task(SECOND, 0, &mut f.ctx);
    // threshold = max(1.5 × 1000, 3000) = 3000; runtime 2000.
    assert_eq!(tsm.speculation_threshold(min_time), Some(3000.0));
    assert!(f.check(&mut tsm, 2 * SECOND, min_time).is_empty());
    assert_eq!(f.check(&mut tsm, 4 * SECOND, min_time), vec![1]);
}

// ---------------------------------------------------------------------------------------
// S10–S13
// ---------------------------------------------------------------------------------------

#[test]
fn task_set_manager_suite_spark_32170_test_speculation_for_task_set_with_single_task() {
    for threshold in [0, 15] {
        // Local master, cores unset: 1 slot, so one task fits.
        let settings = speculative(V3_5, |s| s.task_duration_threshold_ms = Some(threshold));
        let mut f = two_hosts();
        let mut tsm = f.tsm(&none(1), settings);
        assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", NoPref), Some(0));
        let marked = f.check(&mut tsm, RUNTIME, 0);
        if threshold == 0 {
            // A threshold of 0 is "not specified": a single task is never speculated.
            assert!(marked.is_empty());
        } else {
            assert_eq!(marked, vec![0]);
        }
    }
}

/// The efficiency tests' set-up: `n` tasks on exec1/exec2 at t = 0, heartbeats for the
/// running ones at `RUNTIME`, then tasks 0–2 succeed at `RUNTIME` with efficient metrics
/// (20000 records, 20 s: avgRate = 60000 / 60 s = 1000 /s).
fn efficiency_setup(
    settings: TsmSettings,
    offers: &[(&str, &str)],
    heartbeats: &[(u64, TaskRecordMetrics)],
) -> (Fake, TaskSetManager) {
    let mut f = two_hosts();
    let mut tsm = f.tsm(&none(offers.len()), settings);
    for &(e, h) in offers {
        assert!(f.offer(&mut tsm, 0, e, h, NoPref).is_some());
    }
    for &(tid, m) in heartbeats {
        tsm.report_heartbeat(tid, m);
    }
    for tid in 0..3 {
        let out =
            tsm.handle_successful_task_with_metrics(RUNTIME, tid, Some(metrics(1.0)), &mut f.ctx);
        assert!(out.first_success);
    }
    let calc = tsm.speculation().unwrap().rate_calculator().unwrap();
    assert_eq!(calc.avg_task_process_rate(), 1000.0);
    (f, tsm)
}

#[test]
fn task_set_manager_suite_spark_32170_test_speculation_min_threshold_for_speculating_inefficient_tasks()
 {
    for min_duration in [0, 10_000, 50_000] {
        let settings = multiplier_zero(|s| s.quantile = 0.75);
        let offers = [
            ("exec1", "host1"),
            ("exec1", "host1"),
            ("exec1", "host1"),
            ("exec2", "host2"),
            ("exec2", "host2"),
        ];
        // Task 3: m = 0.4, 8000 records / 20 s = 400 /s; task 4: m = 5, 5000 /s.
        let (f, mut tsm) =
            efficiency_setup(settings, &offers, &[(3, metrics(0.4)), (4, metrics(5.0))]);
        let calc = tsm.speculation().unwrap().rate_calculator().unwrap();
        assert_eq!(calc.running_task_process_rate(3), 400.0);
        assert_eq!(calc.running_task_process_rate(4), 5000.0);
        let marked: BTreeSet<u32> = f
            .check(&mut tsm, RUNTIME, min_duration)
            .into_iter()
            .collect();
        let want: BTreeSet<u32> = match min_duration {
            // 20000 > 2 × 0: both are long-running.
            0 => BTreeSet::from([3, 4]),
            // 20000 is not > 2 × 10000: the rate decides, 400 < 750 but 5000 is not.
            10_000 => BTreeSet::from([3]),
            // runtime 20000 < threshold 50000.
            _ => BTreeSet::new(),
        };
        assert_eq!(marked, want, "minTime {min_duration}");
    }
}

const EFFICIENCY_OFFERS: [(&str, &str); 4] = [
    ("exec1", "host1"),
    ("exec1", "host1"),
    ("exec2", "host2"),
    ("exec2", "host2"),
];

#[test]
fn task_set_manager_suite_spark_32170_test_speculation_efficiency_task_process_rate_multiplier_for_speculating_inefficient_tasks()
 {
    for process_multiplier in [0.5, 0.8] {
        let settings = multiplier_zero(|s| {
            s.efficiency.as_mut().unwrap().process_rate_multiplier = process_multiplier;
        });
        // Task 3 runs at 0.6 × the average rate (600 /s).
        let (f, mut tsm) = efficiency_setup(settings, &EFFICIENCY_OFFERS, &[(3, metrics(0.6))]);
        let marked = f.check(&mut tsm, RUNTIME, 15_000);
        if process_multiplier == 0.8 {
            assert_eq!(marked, vec![3]);
        } else {
            assert!(marked.is_empty());
        }
    }
}

#[test]
fn task_set_manager_suite_spark_32170_test_speculation_efficiency_task_duration_factor_for_speculating_tasks()
 {
    for factor in [1.0, 2.0] {
        let settings = multiplier_zero(|s| {
            let e = s.efficiency.as_mut().unwrap();
            e.process_rate_multiplier = 0.5;
            e.long_run_task_factor = factor;
        });
        let (f, mut tsm) = efficiency_setup(settings, &EFFICIENCY_OFFERS, &[(3, metrics(0.6))]);
        let marked = f.check(&mut tsm, RUNTIME, 15_000);
        if factor == 1.0 {
            // runtime 20 s > 1 × 15 s.
            assert_eq!(marked, vec![3]);
        } else {
            // 20 s < 2 × 15 s, and 600 /s is not below 0.5 × 1000 /s.
            assert!(marked.is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------
// S14
// ---------------------------------------------------------------------------------------

#[test]
fn task_set_manager_suite_spark_21040_check_speculative_tasks_are_launched_when_an_executor_is_decommissioned_and_the_tasks_running_on_it_cannot_finish_within_executor_decommission_kill_interval()
 {
    let mut f = Fake::new(&[("exec1", "host1"), ("exec2", "host2"), ("exec3", "host3")]);
    let settings = speculative(V3_5, |s| {
        s.multiplier = 1.5;
        s.quantile = 0.5;
        s.decommission_kill_interval_ms = Some(5 * SECOND);
    });
    let mut tsm = f.tsm(&none(4), settings);
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", NoPref), Some(0));
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", NoPref), Some(1));
    assert_eq!(f.offer(&mut tsm, 0, "exec2", "host2", NoPref), Some(2));
    assert_eq!(
        f.offer(&mut tsm, 6 * SECOND, "exec2", "host2", NoPref),
        Some(3)
    );
    for tid in [0, 1] {
        tsm.handle_successful_task(10 * SECOND, tid, &mut f.ctx);
    }
    // Median 10 s, threshold 15 s.
    assert_eq!(tsm.speculation_threshold(0), Some(15_000.0));
    let mut decommissions = DecommissionStates::new();
    assert!(
        f.check_with(&mut tsm, 10 * SECOND, 0, &decommissions)
            .is_empty()
    );
    // exec2 is decommissioned at 10 s: it may be gone at 15 s. Task 2 ends at about
    // 0 + 10 < 15 (kept); task 3 at about 6 + 10 = 16 > 15 (speculated).
    let exec2 = f.ctx.executors.find_executor("exec2").unwrap();
    decommissions.insert(
        exec2,
        ExecutorDecommissionState {
            start_time: 10 * SECOND,
        },
    );
    assert_eq!(
        f.check_with(&mut tsm, 10 * SECOND, 0, &decommissions),
        vec![3]
    );
    assert_eq!(tsm.copies_running(3), 1);
    let copy = f
        .offer_task(&mut tsm, 10 * SECOND, "exec3", "host3", NoPref)
        .unwrap();
    assert_eq!(
        f.offer(&mut tsm, 10 * SECOND, "exec3", "host3", NoPref),
        None
    );
    assert_eq!(
        (copy.index, copy.task_id, copy.speculative),
        (3, Some(4), true)
    );
    assert_eq!(exec_name(&f, tsm.info(4).unwrap().executor), "exec3");
    assert_eq!(tsm.info(4).unwrap().attempt_number, 1);

    assert!(
        f.check_with(&mut tsm, 11 * SECOND, 0, &decommissions)
            .is_empty()
    );
    assert_eq!((tsm.copies_running(2), tsm.copies_running(3)), (1, 2));
    // At 16 s task 2 has run 16 s > 15 s: regular speculation still applies.
    assert_eq!(
        f.check_with(&mut tsm, 16 * SECOND, 0, &decommissions),
        vec![2]
    );
    assert_eq!((tsm.copies_running(2), tsm.copies_running(3)), (1, 2));
    let copy = f
        .offer_task(&mut tsm, 16 * SECOND, "exec3", "host3", NoPref)
        .unwrap();
    assert_eq!(
        (copy.index, copy.task_id, copy.speculative),
        (2, Some(5), true)
    );
    assert_eq!(exec_name(&f, tsm.info(5).unwrap().executor), "exec3");
    assert_eq!(tsm.info(5).unwrap().attempt_number, 1);
    assert_eq!((tsm.copies_running(2), tsm.copies_running(3)), (2, 2));
    assert_eq!(f.offer(&mut tsm, 16 * SECOND, "exec1", "host1", Any), None);
}

// ---------------------------------------------------------------------------------------
// S15
// ---------------------------------------------------------------------------------------

#[test]
fn task_set_manager_suite_spark_37580_reset_num_failures_when_one_of_task_attempts_succeeds() {
    let mut f = Fake::new(&[("exec1", "host1"), ("exec2", "host2"), ("exec3", "host3")]);
    let mut tsm = f.tsm(&none(3), multiplier_zero(|s| s.quantile = 0.6));
    for (i, (e, h)) in [("exec1", "host1"), ("exec2", "host2"), ("exec3", "host3")]
        .into_iter()
        .enumerate()
    {
        let t = f.offer_task(&mut tsm, 0, e, h, NoPref).unwrap();
        assert_eq!(t.task_id, Some(i as u64));
        assert_eq!(exec_name(&f, tsm.info(i as u64).unwrap().executor), e);
    }
    // Index 1 fails 3 times (not enough to abort), relaunched on exec2 each time.
    for _ in 0..3 {
        let tid = running_tid(&tsm, 1);
        tsm.handle_failed_task(1, tid, exception(), &mut f.ctx);
        assert!(!tsm.is_zombie);
        assert_eq!(f.offer(&mut tsm, 1, "exec2", "host2", NoPref), Some(1));
    }
    assert_eq!(tsm.num_failures(1), 3);
    tsm.handle_successful_task(1, 2, &mut f.ctx);
    let original = running_tid(&tsm, 1);
    let marked: BTreeSet<u32> = f.check(&mut tsm, 2, 0).into_iter().collect();
    assert_eq!(marked, BTreeSet::from([0, 1]));
    // Index 0 ran on host1, so exec1 gets the copy of index 1.
    let copy = f.offer_task(&mut tsm, 2, "exec1", "host1", NoPref).unwrap();
    assert_eq!((copy.index, copy.speculative), (1, true));
    tsm.handle_successful_task(2, copy.task_id.unwrap(), &mut f.ctx);
    assert_eq!(tsm.num_failures(1), 0);
    let out = tsm.handle_failed_task(2, original, exception(), &mut f.ctx);
    assert!(out.aborted.is_none());
    assert!(!tsm.is_zombie);
}

// ---------------------------------------------------------------------------------------
// Version presets (§0.1, §7.5)
// ---------------------------------------------------------------------------------------

/// TS(10) on one executor from t = 0; `successes` tasks succeed at t = 1 s.
fn preset_tsm(version: SparkVersion, successes: u64) -> (Fake, TaskSetManager) {
    let mut f = two_hosts();
    let mut tsm = f.tsm(&none(10), speculative(version, |_| {}));
    for _ in 0..10 {
        assert!(f.offer(&mut tsm, 0, "exec1", "host1", NoPref).is_some());
    }
    for tid in 0..successes {
        tsm.handle_successful_task(SECOND, tid, &mut f.ctx);
    }
    (f, tsm)
}

#[test]
fn speculation_presets_3_5_and_4_0_give_different_thresholds() {
    // 3.5: multiplier 1.5, quantile 0.75 → minFinished 7; 4.0: 3 and 0.9 → minFinished 9.
    let (f, mut tsm) = preset_tsm(V3_5, 8);
    assert_eq!(tsm.speculation().unwrap().min_finished_for_speculation(), 7);
    assert_eq!(tsm.speculation_threshold(0), Some(1500.0));
    assert!(f.check(&mut tsm, 1500, 0).is_empty());
    assert_eq!(f.check(&mut tsm, 1501, 0), vec![8, 9]);

    let (f, mut tsm) = preset_tsm(V4_0, 8);
    assert_eq!(tsm.speculation().unwrap().min_finished_for_speculation(), 9);
    assert_eq!(tsm.speculation_threshold(0), None);
    assert!(f.check(&mut tsm, 10 * MINUTE, 0).is_empty());

    let (f, mut tsm) = preset_tsm(V4_0, 9);
    assert_eq!(tsm.speculation_threshold(0), Some(3000.0));
    assert!(f.check(&mut tsm, 3000, 0).is_empty());
    assert_eq!(f.check(&mut tsm, 3001, 0), vec![9]);

    // The same presets read from a SparkConf.
    for (version, want) in [(V3_5, (1.5, 0.75)), (V4_0, (3.0, 0.9))] {
        let mut conf = SparkConf::for_version(version);
        conf.set("spark.speculation", "true", ConfSource::Api);
        let s = SpeculationSettings::from_spark_conf(&conf)
            .unwrap()
            .unwrap();
        assert_eq!((s.multiplier, s.quantile), want);
        assert_eq!(s, SpeculationSettings::for_version(version));
    }
    assert_eq!(
        SpeculationSettings::from_spark_conf(&SparkConf::new()).unwrap(),
        None
    );
}

#[test]
fn speculation_median_rule_follows_the_version() {
    // Durations 1000 and 3000: 3.5+ upper median 3000, ≤ 3.3 mean 2000 (multiplier 1.5).
    for (version, want) in [(V3_5, 4500.0), (V4_0, 4500.0), (V3_3, 3000.0)] {
        let mut f = two_hosts();
        let settings = speculative(version, |s| {
            s.multiplier = 1.5;
            s.quantile = 0.5;
        });
        let mut tsm = f.tsm(&none(4), settings);
        for _ in 0..4 {
            f.offer(&mut tsm, 0, "exec1", "host1", NoPref);
        }
        tsm.handle_successful_task(1000, 0, &mut f.ctx);
        tsm.handle_successful_task(3000, 1, &mut f.ctx);
        assert_eq!(tsm.speculation_threshold(0), Some(want), "{version}");
    }
}

#[test]
fn speculation_off_records_nothing_and_never_marks() {
    let mut f = two_hosts();
    let mut tsm = f.tsm(&none(2), TsmSettings::default());
    f.offer(&mut tsm, 0, "exec1", "host1", NoPref);
    f.offer(&mut tsm, 0, "exec1", "host1", NoPref);
    tsm.handle_successful_task(10, 0, &mut f.ctx);
    assert!(tsm.speculation().is_none());
    assert!(f.check(&mut tsm, MINUTE, 0).is_empty());
}

// ---------------------------------------------------------------------------------------
// TaskSchedulerImpl: the speculation tick (§7.1)
// ---------------------------------------------------------------------------------------

fn scheduler(tsm: TsmSettings) -> TaskSchedulerImpl {
    let settings = SchedulerSettings { task_cpus: 1, tsm };
    TaskSchedulerImpl::new(settings, SchedulingMode::Fifo, &[], OfferShuffle::Identity)
}

fn offers(s: &mut TaskSchedulerImpl, list: &[(&str, &str, u32)]) -> Vec<WorkerOffer> {
    list.iter()
        .map(|&(e, h, cores)| WorkerOffer {
            executor: s.ctx.executors.executor(e),
            host: s.ctx.executors.host(h),
            cores,
        })
        .collect()
}

#[test]
fn task_scheduler_impl_speculation_tick_visits_every_task_set_in_insertion_order() {
    // minTaskRuntime stays 100 ms: threshold max(0 × median, 100) = 100.
    let mut s = scheduler(multiplier_zero(|_| {}));
    // A (job 5) is inserted first but sorts after B (job 1) under FIFO.
    let (a, _) = s.submit_tasks(0, TaskSet::no_prefs(0, 0, 5, 2), None);
    let (b, _) = s.submit_tasks(0, TaskSet::no_prefs(1, 0, 1, 2), None);
    assert_eq!(s.sorted_task_set_queue(), vec![b, a]);
    let round = offers(&mut s, &[("exec1", "host1", 2), ("exec2", "host2", 2)]);
    let launched = s.resource_offers(0, &round, true);
    let placed: Vec<_> = launched
        .iter()
        .map(|l| {
            (
                l.tsm,
                l.index,
                s.ctx.executors.executor_name(l.executor).to_string(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        vec![
            (b, 0, "exec1".into()),
            (b, 1, "exec2".into()),
            (a, 0, "exec1".into()),
            (a, 1, "exec2".into()),
        ]
    );
    // Index 0 of each succeeds (tids 0 and 2).
    for tid in [0, 2] {
        s.status_update_terminal(tid);
        assert!(s.handle_successful_task(1, tid).first_success);
    }
    assert!(!s.check_speculatable_tasks(100));
    let submitted = s.find_speculatable_tasks(200);
    assert_eq!(
        submitted,
        vec![
            SpeculativeTaskSubmitted {
                tsm: a,
                stage_id: 0,
                stage_attempt: 0,
                index: 1
            },
            SpeculativeTaskSubmitted {
                tsm: b,
                stage_id: 1,
                stage_attempt: 0,
                index: 1
            },
        ]
    );
    assert!(!s.check_speculatable_tasks(300));
    // The caller's full offer round launches the copies on exec1 (index 1 ran on host2).
    let round = offers(&mut s, &[("exec1", "host1", 2), ("exec2", "host2", 0)]);
    let copies = s.resource_offers(200, &round, true);
    let placed: Vec<_> = copies
        .iter()
        .map(|l| (l.tsm, l.index, l.speculative, l.attempt_number))
        .collect();
    assert_eq!(placed, vec![(b, 1, true, 1), (a, 1, true, 1)]);
}

#[test]
fn task_scheduler_impl_speculation_tick_is_off_without_speculation() {
    let mut s = scheduler(TsmSettings::default());
    let (t, _) = s.submit_tasks(0, TaskSet::no_prefs(0, 0, 0, 2), None);
    let round = offers(&mut s, &[("exec1", "host1", 2)]);
    assert_eq!(s.resource_offers(0, &round, true).len(), 2);
    s.status_update_terminal(0);
    s.handle_successful_task(1, 0);
    assert!(s.speculation_settings().is_none());
    assert!(!s.check_speculatable_tasks(HOUR));
    assert!(s.tsm(t).speculation().is_none());
}

const HOUR: u64 = 60 * MINUTE;

#[test]
fn task_scheduler_impl_executor_decommission_and_heartbeats() {
    let mut s = scheduler(speculative(V3_5, |s| {
        s.multiplier = 1.5;
        s.quantile = 0.5;
        s.decommission_kill_interval_ms = Some(5 * SECOND);
    }));
    let (t, _) = s.submit_tasks(0, TaskSet::no_prefs(0, 0, 0, 4), None);
    let round = offers(&mut s, &[("exec1", "host1", 2), ("exec2", "host2", 2)]);
    assert_eq!(s.resource_offers(0, &round, true).len(), 4);
    // tids 0, 1 on exec1; 2, 3 on exec2 (identity order, one task per offer per sweep:
    // exec1 → 0, exec2 → 1, exec1 → 2, exec2 → 3).
    let exec1 = s.ctx.executors.find_executor("exec1").unwrap();
    let exec2 = s.ctx.executors.find_executor("exec2").unwrap();
    let on_exec2: Vec<u32> = s
        .tsm(t)
        .infos()
        .iter()
        .filter(|i| i.executor == exec2)
        .map(|i| i.index)
        .collect();
    assert_eq!(on_exec2, vec![1, 3]);
    s.report_task_heartbeat(
        1,
        TaskRecordMetrics {
            records_read: 100,
            executor_run_time_ms: 1000,
        },
    );
    let calc = s.tsm(t).speculation().unwrap().rate_calculator().unwrap();
    assert_eq!(calc.running_task_process_rate(1), 100.0);
    for tid in [0, 2] {
        s.status_update_terminal(tid);
        s.handle_successful_task_with_metrics(10 * SECOND, tid, None);
    }
    // Unknown executors get no state; exec2 is decommissioned at 10 s.
    let ghost = s.ctx.executors.executor("ghost");
    s.executor_decommission(10 * SECOND, ghost);
    assert_eq!(s.executor_decommission_state(ghost), None);
    s.executor_decommission(10 * SECOND, exec2);
    assert_eq!(
        s.executor_decommission_state(exec2),
        Some(ExecutorDecommissionState {
            start_time: 10 * SECOND
        })
    );
    assert_eq!(s.executor_decommission_state(exec1), None);
    // Both running tasks (indices 1, 3) started at 0 on exec2: 15 s < 0 + 10 s is false, so
    // neither is speculated for the decommission; at 15 s + 1 ms both pass the threshold.
    assert!(!s.check_speculatable_tasks(10 * SECOND));
    let marked: Vec<u32> = s
        .find_speculatable_tasks(15_001)
        .iter()
        .map(|m| m.index)
        .collect();
    assert_eq!(marked, vec![1, 3]);
}
