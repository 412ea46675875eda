//! Spark's `TaskSetManagerSuite` (spec §10.2), restated: locality levels, delay scheduling,
//! retries and executor loss. Offers are direct `resourceOffer` calls, which under the new
//! reset rule never reset the delay timer.

mod common;

use common::{Fake, Loc::*, W, none};
use policies::locality::TaskLocality::{self, *};
use policies::task_set_manager::{TaskFailedReason, TsmSettings};

fn legacy() -> TsmSettings {
    TsmSettings {
        legacy_locality_reset: true,
        ..TsmSettings::default()
    }
}

#[test]
fn task_set_manager_suite_taskset_with_no_preferences() {
    let mut f = Fake::new(&[("exec1", "host1")]);
    let mut tsm = f.tsm(&none(1), TsmSettings::default());
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", NoPref), Some(0));
    let out = tsm.handle_successful_task(0, f.last_tid(), &mut f.ctx);
    assert!(out.first_success);
    assert!(tsm.maybe_finish());
}

#[test]
fn task_set_manager_suite_multiple_offers_with_no_preferences() {
    let mut f = Fake::new(&[("exec1", "host1")]);
    let mut tsm = f.tsm(&none(3), TsmSettings::default());
    let launched: Vec<_> = (0..3)
        .map(|_| f.offer(&mut tsm, 0, "exec1", "host1", NoPref))
        .collect();
    assert_eq!(launched, vec![Some(0), Some(1), Some(2)]);
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", NoPref), None);
    for tid in 0..2 {
        tsm.handle_successful_task(0, tid, &mut f.ctx);
        assert!(!tsm.maybe_finish());
    }
    tsm.handle_successful_task(0, 2, &mut f.ctx);
    assert!(tsm.maybe_finish());
}

#[test]
fn task_set_manager_suite_skip_unsatisfiable_locality_levels() {
    let mut f = Fake::new(&[("execA", "host1"), ("execC", "host2")]);
    let mut tsm = f.tsm(&[&[E("host1", "execB")]], TsmSettings::default());
    assert_eq!(tsm.locality_levels(), &[NodeLocal, Any]);
    assert_eq!(f.offer(&mut tsm, 0, "execC", "host2", Any), None);
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", Any), Some(0));
}

#[test]
fn task_set_manager_suite_basic_delay_scheduling() {
    let mut f = Fake::new(&[("exec1", "host1"), ("exec2", "host2")]);
    let prefs: [&[_]; 4] = [
        &[E("host1", "exec1")],
        &[E("host2", "exec2")],
        &[H("host1"), E("host2", "exec2")],
        &[],
    ];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(
        tsm.locality_levels(),
        &[ProcessLocal, NodeLocal, NoPref, Any]
    );
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), Some(0));
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", ProcessLocal), None);
    assert_eq!(f.offer(&mut tsm, W, "exec1", "host1", NodeLocal), Some(2));
    assert_eq!(f.offer(&mut tsm, W, "exec2", "host2", NodeLocal), Some(1));
    assert_eq!(f.offer(&mut tsm, W, "exec2", "host2", NodeLocal), None);
    assert_eq!(f.offer(&mut tsm, 2 * W, "exec2", "host2", NoPref), Some(3));
}

#[test]
fn task_set_manager_suite_we_do_not_need_to_delay_scheduling_when_we_only_have_nopref_tasks_in_the_queue()
 {
    let mut f = Fake::new(&[("exec1", "host1"), ("exec3", "host2")]);
    let prefs: [&[_]; 3] = [&[E("host1", "exec1")], &[E("host2", "exec3")], &[]];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(
        f.offer(&mut tsm, 0, "exec1", "host1", ProcessLocal),
        Some(0)
    );
    assert_eq!(
        f.offer(&mut tsm, 0, "exec3", "host2", ProcessLocal),
        Some(1)
    );
    assert_eq!(f.offer(&mut tsm, 0, "exec3", "host2", NodeLocal), None);
    assert_eq!(f.offer(&mut tsm, 0, "exec3", "host2", NoPref), Some(2));
}

#[test]
fn task_set_manager_suite_delay_scheduling_with_fallback() {
    let mut f = Fake::new(&[("exec1", "host1"), ("exec2", "host2"), ("exec3", "host3")]);
    let prefs: [&[_]; 5] = [
        &[H("host1")],
        &[H("host2")],
        &[H("host2")],
        &[H("host3")],
        &[H("host2")],
    ];
    let mut tsm = f.tsm(&prefs, legacy());
    assert_eq!(tsm.locality_levels(), &[NodeLocal, Any]);
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), Some(0));
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), None);
    assert_eq!(f.offer(&mut tsm, W, "exec1", "host1", Any), Some(1));
    assert_eq!(f.offer(&mut tsm, W, "exec1", "host1", Any), Some(2));
    assert_eq!(f.offer(&mut tsm, W, "exec2", "host2", Any), Some(4));
    assert_eq!(
        tsm.current_locality_level(),
        NodeLocal,
        "the legacy reset sends the level back"
    );
    assert_eq!(f.offer(&mut tsm, W, "exec2", "host2", Any), None);

    let (e2, h2) = f.ids("exec2", "host2");
    let mut zombie = tsm.clone();
    zombie.is_zombie = true;
    let r = zombie.resource_offer(2 * W, e2, h2, Any, &mut f.ctx.clone());
    assert_eq!((r.task, r.rejected), (None, false));
    let mut excluded = tsm.clone();
    excluded.exclude_node(h2);
    let r = excluded.resource_offer(2 * W, e2, h2, Any, &mut f.ctx.clone());
    assert_eq!((r.task, r.rejected), (None, false));

    assert_eq!(f.offer(&mut tsm, 2 * W, "exec2", "host2", Any), Some(3));
    let r = tsm.resource_offer(2 * W, e2, h2, Any, &mut f.ctx);
    assert_eq!(
        (r.task, r.rejected),
        (None, false),
        "no pending tasks: not a reject"
    );
}

#[test]
fn task_set_manager_suite_delay_scheduling_with_failed_hosts() {
    let mut f = Fake::new(&[("exec1", "host1"), ("exec2", "host2"), ("exec3", "host3")]);
    let prefs: [&[_]; 3] = [&[H("host1")], &[H("host2")], &[H("host3")]];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), Some(0));
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), None);
    f.remove_executor("exec2");
    let (e2, _) = f.ids("exec2", "host2");
    tsm.executor_lost(0, e2, true, &mut f.ctx);
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), None);
    assert_eq!(f.offer(&mut tsm, 2 * W, "exec1", "host1", Any), Some(1));
    assert_eq!(f.offer(&mut tsm, 2 * W, "exec1", "host1", Any), Some(2));
    assert_eq!(f.offer(&mut tsm, 2 * W, "exec1", "host1", Any), None);
    assert_eq!(f.offer(&mut tsm, 2 * W, "exec2", "host2", Any), None);
}

#[test]
fn task_set_manager_suite_task_result_lost() {
    let mut f = Fake::new(&[("exec1", "host1")]);
    let mut tsm = f.tsm(&none(1), TsmSettings::default());
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), Some(0));
    let out = tsm.handle_failed_task(
        0,
        f.last_tid(),
        TaskFailedReason::TaskResultLost,
        &mut f.ctx,
    );
    assert!(out.requeued);
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), Some(0));
}

#[test]
fn task_set_manager_suite_repeated_failures_lead_to_task_set_abortion() {
    let mut f = Fake::new(&[("exec1", "host1")]);
    let mut tsm = f.tsm(&none(1), TsmSettings::default());
    for attempt in 1..=4 {
        assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), Some(0));
        let out = tsm.handle_failed_task(
            0,
            f.last_tid(),
            TaskFailedReason::TaskResultLost,
            &mut f.ctx,
        );
        assert_eq!(out.aborted.is_some(), attempt == 4, "attempt {attempt}");
        assert_eq!(tsm.is_zombie, attempt == 4);
    }
}

#[test]
fn task_set_manager_suite_new_executors_get_added_and_lost() {
    let mut f = Fake::new(&[]);
    f.set_rack("host2", "rack2");
    let prefs: [&[_]; 4] = [
        &[E("host1", "execA")],
        &[E("host1", "execB")],
        &[E("host2", "execC")],
        &[],
    ];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(tsm.locality_levels(), &[NoPref, Any]);
    f.add_executor("execD", "host1");
    tsm.executor_added(&f.ctx.executors);
    assert_eq!(tsm.locality_levels(), &[NodeLocal, NoPref, Any]);
    f.add_executor("execC", "host2");
    tsm.executor_added(&f.ctx.executors);
    assert_eq!(
        tsm.locality_levels(),
        &[ProcessLocal, NodeLocal, NoPref, RackLocal, Any]
    );
    for (exec, levels) in [
        ("execC", &[NodeLocal, NoPref, Any][..]),
        ("execD", &[NoPref, Any][..]),
    ] {
        f.remove_executor(exec);
        let (e, _) = f.ids(exec, "host1");
        tsm.executor_lost(0, e, false, &mut f.ctx);
        assert_eq!(tsm.locality_levels(), levels);
    }
}

#[test]
fn task_set_manager_suite_executors_exit_for_reason_unrelated_to_currently_running_tasks() {
    let mut f = Fake::new(&[("exec0", "host0"), ("exec1", "host1")]);
    let settings = TsmSettings {
        max_task_failures: 1,
        ..TsmSettings::default()
    };
    let mut tsm = f.tsm(&none(4), settings);
    assert_eq!(f.offer(&mut tsm, 0, "exec0", "host0", Any), Some(0));
    let (e0, _) = f.ids("exec0", "host0");
    // Still launching: even a loss "caused by the app" does not count.
    tsm.executor_lost(0, e0, true, &mut f.ctx);
    assert!(!tsm.is_zombie);
    assert_eq!(tsm.num_failures(0), 0);
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), Some(0));
    let (e1, _) = f.ids("exec1", "host1");
    tsm.launch_succeeded(f.last_tid());
    let out = tsm.executor_lost(0, e1, false, &mut f.ctx);
    assert!(
        out[0].1.aborted.is_none() && !tsm.is_zombie,
        "exit not caused by the app"
    );
    assert_eq!(f.offer(&mut tsm, 0, "exec1", "host1", Any), Some(0));
    tsm.launch_succeeded(f.last_tid());
    let out = tsm.executor_lost(0, e1, true, &mut f.ctx);
    assert!(
        out[0].1.aborted.is_some() && tsm.is_zombie,
        "caused by the app: counts, maxTaskFailures 1"
    );
}

#[test]
fn task_set_manager_suite_spark_31837_shift_to_the_new_highest_locality_level_if_there_is_when_recompute_locality()
 {
    let mut f = Fake::new(&[]);
    let prefs: [&[_]; 2] = [&[E("host1", "execA")], &[E("host1", "execA")]];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(tsm.locality_levels(), &[Any]);
    assert!(f.offer(&mut tsm, 0, "execB", "host2", Any).is_some());
    f.add_executor("execA", "host1");
    tsm.executor_added(&f.ctx.executors);
    assert_eq!(tsm.locality_levels(), &[ProcessLocal, NodeLocal, Any]);
    assert_eq!(tsm.current_locality_level(), ProcessLocal);
    assert_eq!(f.offer(&mut tsm, 0, "execC", "host3", Any), None);
    assert!(f.offer(&mut tsm, 0, "execA", "host1", Any).is_some());
}

#[test]
fn task_set_manager_suite_test_rack_local_tasks() {
    let mut f = Fake::new(&[]);
    f.set_rack("host1", "rack1");
    f.set_rack("host2", "rack1");
    f.set_rack("host3", "rack2");
    for (e, h) in [("execA", "host1"), ("execB", "host2"), ("execC", "host3")] {
        f.add_executor(e, h);
    }
    let prefs: [&[_]; 2] = [&[E("host1", "execA")], &[E("host1", "execA")]];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(
        tsm.locality_levels(),
        &[ProcessLocal, NodeLocal, RackLocal, Any]
    );
    assert_eq!(f.offer(&mut tsm, 3 * W, "execC", "host3", RackLocal), None);
    assert_eq!(f.offer(&mut tsm, 3 * W, "execC", "host3", Any), Some(0));
    assert_eq!(
        f.offer(&mut tsm, 3 * W, "execB", "host2", RackLocal),
        Some(1)
    );
}

#[test]
fn task_set_manager_suite_speculative_and_nopref_task_should_be_scheduled_after_node_local() {
    let mut f = Fake::new(&[("execA", "host1"), ("execB", "host2"), ("execC", "host3")]);
    let prefs: [&[_]; 4] = [
        &[E("host1", "execA")],
        &[H("host2"), H("host1")],
        &[],
        &[E("host3", "execC")],
    ];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(
        f.offer(&mut tsm, 0, "execA", "host1", ProcessLocal),
        Some(0)
    );
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", NodeLocal), None);
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", NoPref), Some(1));
    assert!(tsm.mark_speculatable(1, &f.ctx.executors));
    assert_eq!(f.offer(&mut tsm, W, "execA", "host1", NoPref), Some(2));
    let (eb, hb) = f.ids("execB", "host2");
    let copy = tsm
        .resource_offer(W, eb, hb, NoPref, &mut f.ctx)
        .task
        .unwrap();
    assert_eq!((copy.index, copy.speculative), (1, true));
    assert_eq!(f.offer(&mut tsm, 4 * W, "execB", "host2", Any), Some(3));
}

#[test]
fn task_set_manager_suite_node_local_tasks_should_be_scheduled_right_away_when_there_are_only_node_local_and_no_preference_tasks()
 {
    let mut f = Fake::new(&[("execA", "host1"), ("execB", "host2"), ("execC", "host3")]);
    let prefs: [&[_]; 4] = [&[H("host1")], &[H("host2")], &[], &[H("host3")]];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(tsm.locality_levels(), &[NodeLocal, NoPref, Any]);
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", NodeLocal), Some(0));
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host2", NodeLocal), Some(1));
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host3", NodeLocal), Some(3));
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host3", NodeLocal), None);
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host3", NoPref), Some(2));
}

#[test]
fn task_set_manager_suite_spark_4939_node_local_tasks_should_be_scheduled_right_after_process_local_tasks_finished()
 {
    let mut f = Fake::new(&[("execA", "host1"), ("execB", "host2")]);
    let prefs: [&[_]; 4] = [
        &[H("host1")],
        &[H("host2")],
        &[E("host1", "execA")],
        &[E("host2", "execB")],
    ];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", NodeLocal), Some(2));
    assert_eq!(f.offer(&mut tsm, 0, "execB", "host2", NodeLocal), Some(3));
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", NodeLocal), Some(0));
    assert_eq!(f.offer(&mut tsm, 0, "execB", "host2", NodeLocal), Some(1));
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", NodeLocal), None);
    assert_eq!(f.offer(&mut tsm, 0, "execB", "host2", NodeLocal), None);
}

#[test]
fn task_set_manager_suite_spark_4939_no_pref_tasks_should_be_scheduled_after_process_local_tasks_finished()
 {
    let mut f = Fake::new(&[("execA", "host1"), ("execB", "host2")]);
    let prefs: [&[_]; 3] = [&[], &[E("host1", "execA")], &[E("host2", "execB")]];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(
        f.offer(&mut tsm, 0, "execA", "host1", ProcessLocal),
        Some(1)
    );
    assert_eq!(
        f.offer(&mut tsm, 0, "execB", "host2", ProcessLocal),
        Some(2)
    );
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", ProcessLocal), None);
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", NodeLocal), None);
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", NoPref), Some(0));
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", Any), None);
}

#[test]
fn task_set_manager_suite_ensure_task_set_manager_is_usable_after_addition_of_levels() {
    let mut f = Fake::new(&[]);
    let prefs: [&[_]; 2] = [&[E("host1", "execA")], &[E("host2", "execB.1")]];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    assert_eq!(tsm.locality_levels(), &[Any]);
    f.add_executor("execA", "host1");
    f.add_executor("execB.2", "host2");
    tsm.executor_added(&f.ctx.executors);
    assert_eq!(tsm.locality_levels(), &[ProcessLocal, NodeLocal, Any]);
    assert_eq!(f.offer(&mut tsm, 0, "execA", "host1", Any), Some(0));
    assert_eq!(
        f.offer(&mut tsm, 0, "execB.2", "host2", Any),
        None,
        "waiting at PROCESS_LOCAL"
    );
    assert_eq!(
        f.offer(&mut tsm, W, "execB.2", "host2", Any),
        Some(1),
        "node-local after one wait"
    );
    for exec in ["execA", "execB.2"] {
        f.remove_executor(exec);
        let (e, _) = f.ids(exec, "host1");
        tsm.executor_lost(W, e, false, &mut f.ctx);
    }
    assert_eq!(tsm.locality_levels(), &[Any]);
    f.add_executor("execA", "host1");
    tsm.executor_added(&f.ctx.executors);
    assert_eq!(
        f.offer(&mut tsm, 2 * W, "execA", "host1", Any),
        Some(0),
        "lost attempts run again, process-local first"
    );
}

#[test]
fn task_set_manager_suite_test_that_locations_with_hdfs_cache_task_location_are_treated_as_process_local()
 {
    let mut f = Fake::new(&[("execA", "host1"), ("execB", "host2"), ("execC", "host3")]);
    let prefs: [&[_]; 3] = [&[H("host1")], &[H("host2")], &[C("host3")]];
    let mut tsm = f.tsm(&prefs, TsmSettings::default());
    let expected: &[TaskLocality] = &[ProcessLocal, NodeLocal, Any];
    assert_eq!(tsm.locality_levels(), expected);
    for exec in ["execA", "execB"] {
        f.remove_executor(exec);
        let (e, _) = f.ids(exec, "host1");
        tsm.executor_lost(0, e, false, &mut f.ctx);
        assert_eq!(tsm.locality_levels(), expected);
    }
    f.remove_executor("execC");
    let (e, _) = f.ids("execC", "host3");
    tsm.executor_lost(0, e, false, &mut f.ctx);
    assert_eq!(tsm.locality_levels(), &[Any]);
}
