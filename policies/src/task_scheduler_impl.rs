//! `TaskSchedulerImpl`: task sets in, offers in, launches out (spec §5).
//!
//! It owns the pool tree, every task-set manager, and the executors it has learned from
//! offers. [`TaskSchedulerImpl::resource_offers`] is one offer round exactly as Spark runs it:
//! register new executors, shuffle the offers, sort the task-set queue once, and for each
//! task set sweep the offers round-robin at each of its locality levels while it launches,
//! then apply the delay-timer reset rule (§5.4) and barrier all-or-nothing (§5.5).
//!
//! Speculation (spec §7.1): [`TaskSchedulerImpl::check_speculatable_tasks`] is one tick of
//! Spark's speculation thread. The caller runs it every `spark.speculation.interval` with a
//! *fixed delay* (first tick one interval after start), never in local mode (Spark starts no
//! speculation thread there; that rule is the caller's), and makes a full offer round
//! (`reviveOffers`) when it returns true.
//!
//! What it does not model (documented deviations): application-level exclusion
//! (`HealthTracker`) and automatic task-set exclusion on failures (task sets can be excluded
//! from executors/nodes explicitly), custom resources (GPUs), resource profiles other than
//! the default, and the "completely excluded task set" abort timer.

use crate::executors::ExecutorRegistry;
use crate::executors::{ExecId, HostId};
use crate::locality::TaskLocality;
use crate::offer_shuffle::OfferShuffle;
use crate::pool::{PoolId, PoolTree, Schedulable, TaskSetLeaves};
use crate::schedulable_builder::{Placement, PoolDef, SchedulableBuilder};
use crate::scheduling_algorithm::SchedulableKey;
use crate::scheduling_mode::SchedulingMode;
use crate::speculation::{
    DecommissionStates, ExecutorDecommissionState, SpeculationSettings, TaskRecordMetrics,
};
use crate::task_set_manager::{
    FailureOutcome, SchedulerContext, SuccessOutcome, TaskFailedReason, TaskId, TaskSet,
    TaskSetManager, TsmId, TsmSettings,
};
use std::collections::BTreeMap;

/// Scheduler-wide settings (from the typed SparkConf).
#[derive(Clone, Debug)]
pub struct SchedulerSettings {
    /// `spark.task.cpus`.
    pub task_cpus: u32,
    /// Per-task-set settings (max failures, locality waits, legacy reset, speculation).
    pub tsm: TsmSettings,
}

/// A task index newly marked speculatable by a speculation tick (Spark's
/// `dagScheduler.speculativeTaskSubmitted`, which posts `SparkListenerSpeculativeTaskSubmitted`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpeculativeTaskSubmitted {
    pub tsm: TsmId,
    pub stage_id: u32,
    pub stage_attempt: u32,
    pub index: u32,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        SchedulerSettings {
            task_cpus: 1,
            tsm: TsmSettings::default(),
        }
    }
}

/// A `WorkerOffer`: an executor and its currently free cores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkerOffer {
    pub executor: ExecId,
    pub host: HostId,
    pub cores: u32,
}

/// A task attempt launched by an offer round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskLaunch {
    pub task_id: TaskId,
    pub tsm: TsmId,
    pub stage_id: u32,
    pub stage_attempt: u32,
    pub index: u32,
    pub attempt_number: u32,
    pub executor: ExecId,
    pub host: HostId,
    pub locality: TaskLocality,
    pub speculative: bool,
    pub cpus: u32,
}

struct Leaves<'a>(&'a [TaskSetManager]);

impl TaskSetLeaves for Leaves<'_> {
    fn key(&self, tsm: TsmId) -> SchedulableKey<'_> {
        let t = &self.0[tsm.0 as usize];
        SchedulableKey {
            running_tasks: t.running_tasks() as i64,
            min_share: 0,
            weight: 1,
            priority: t.task_set.priority as i64,
            stage_id: i64::from(t.task_set.stage_id),
            name: &t.name,
        }
    }

    fn is_schedulable(&self, tsm: TsmId) -> bool {
        self.0[tsm.0 as usize].is_schedulable()
    }
}

/// Per-sweep accumulator for one task set's turn.
#[derive(Default)]
struct Turn {
    launched_any: bool,
    no_rejects: bool,
    global_min: Option<TaskLocality>,
}

/// Spark's `TaskSchedulerImpl`.
pub struct TaskSchedulerImpl {
    settings: SchedulerSettings,
    /// Executors, pools and the task-id counter.
    pub ctx: SchedulerContext,
    builder: SchedulableBuilder,
    tsms: Vec<TaskSetManager>,
    owner: Vec<TsmId>,
    attempts_by_stage: BTreeMap<u32, Vec<TsmId>>,
    shuffle: OfferShuffle,
    sorted: Vec<TsmId>,
    /// `executorsPendingDecommission` (entries are kept after the executor is lost, like
    /// Spark's `executorsRemovedByDecom` cache).
    decommissions: DecommissionStates,
}

impl TaskSchedulerImpl {
    /// `initialize`: the root pool in `root_mode`, and (FAIR) the pools built from the
    /// allocation file.
    pub fn new(
        settings: SchedulerSettings,
        root_mode: SchedulingMode,
        pools: &[PoolDef<'_>],
        shuffle: OfferShuffle,
    ) -> Self {
        let (builder, tree) = SchedulableBuilder::build_tree(root_mode, pools.iter().copied());
        TaskSchedulerImpl {
            settings,
            ctx: SchedulerContext {
                executors: ExecutorRegistry::new(),
                pools: tree,
                next_task_id: 0,
            },
            builder,
            tsms: Vec::new(),
            owner: Vec::new(),
            attempts_by_stage: BTreeMap::new(),
            shuffle,
            sorted: Vec::new(),
            decommissions: DecommissionStates::new(),
        }
    }

    /// The pool tree.
    pub fn pools(&self) -> &PoolTree {
        &self.ctx.pools
    }

    /// A task-set manager.
    pub fn tsm(&self, id: TsmId) -> &TaskSetManager {
        &self.tsms[id.0 as usize]
    }

    /// A task-set manager, mutably (tests and speculation).
    pub fn tsm_mut(&mut self, id: TsmId) -> &mut TaskSetManager {
        &mut self.tsms[id.0 as usize]
    }

    /// Every task-set manager ever submitted, in submission order.
    pub fn task_set_managers(&self) -> &[TaskSetManager] {
        &self.tsms
    }

    /// The task-set manager that launched `tid`.
    pub fn tsm_of_task(&self, tid: TaskId) -> Option<TsmId> {
        self.owner.get(tid as usize).copied()
    }

    /// `submitTasks`: creates the TSM at `now`, makes earlier attempts of the same stage
    /// zombies, and adds it to its pool. The caller then makes a full offer round
    /// (`reviveOffers`).
    pub fn submit_tasks(
        &mut self,
        now: u64,
        task_set: TaskSet,
        pool_property: Option<&str>,
    ) -> (TsmId, Placement) {
        let placement = self.builder.pool_for(&mut self.ctx.pools, pool_property);
        let id = TsmId(self.tsms.len() as u32);
        let stage = task_set.stage_id;
        let tsm = TaskSetManager::new(
            task_set,
            placement.pool,
            self.settings.tsm.clone(),
            &self.ctx.executors,
            now,
        );
        for &earlier in self.attempts_by_stage.get(&stage).into_iter().flatten() {
            self.tsms[earlier.0 as usize].is_zombie = true;
        }
        self.attempts_by_stage.entry(stage).or_default().push(id);
        self.tsms.push(tsm);
        self.ctx.pools.add_task_set(placement.pool, id);
        (id, placement)
    }

    /// `rootPool.getSortedTaskSetQueue`.
    pub fn sorted_task_set_queue(&self) -> Vec<TsmId> {
        let mut out = Vec::new();
        self.ctx
            .pools
            .sorted_task_set_queue(&Leaves(&self.tsms), &mut out);
        out
    }

    /// `addRunningTask` on a TSM (PoolSuite's `step` helper counts attempts this way).
    pub fn add_running_task(&mut self, tsm: TsmId, tid: TaskId) {
        self.tsms[tsm.0 as usize].add_running_task(tid, &mut self.ctx.pools);
    }

    /// Registers an executor seen for the first time without an offer round; returns true if
    /// it is new (then every schedulable TSM recomputes its locality levels).
    fn register_offers(&mut self, offers: &[WorkerOffer]) -> bool {
        let mut new_exec = false;
        for o in offers {
            new_exec |= self.ctx.executors.add_executor(o.executor, o.host);
        }
        new_exec
    }

    /// `resourceOffers(offers, isAllFreeResources)`: one offer round at `now`.
    pub fn resource_offers(
        &mut self,
        now: u64,
        offers: &[WorkerOffer],
        is_all_free_resources: bool,
    ) -> Vec<TaskLaunch> {
        let new_exec_avail = self.register_offers(offers);
        let mut shuffled = offers.to_vec();
        self.shuffle.shuffle(&mut shuffled);
        let mut available: Vec<u32> = shuffled.iter().map(|o| o.cores).collect();
        let mut sorted = std::mem::take(&mut self.sorted);
        self.ctx
            .pools
            .sorted_task_set_queue(&Leaves(&self.tsms), &mut sorted);
        if new_exec_avail {
            for &t in &sorted {
                self.tsms[t.0 as usize].executor_added(&self.ctx.executors);
            }
        }
        let mut launches = Vec::new();
        for &t in &sorted {
            self.offer_task_set(
                now,
                t,
                &shuffled,
                &mut available,
                is_all_free_resources,
                &mut launches,
            );
        }
        self.sorted = sorted;
        launches
    }

    fn available_slots(&self, available: &[u32]) -> usize {
        let cpus = self.settings.task_cpus.max(1);
        available.iter().map(|&c| (c / cpus) as usize).sum()
    }

    /// One task set's turn in a round: every locality level, sweeping while it launches.
    fn offer_task_set(
        &mut self,
        now: u64,
        t: TsmId,
        offers: &[WorkerOffer],
        available: &mut [u32],
        is_all_free_resources: bool,
        launches: &mut Vec<TaskLaunch>,
    ) {
        let tsm = &self.tsms[t.0 as usize];
        let is_barrier = tsm.task_set.is_barrier;
        if is_barrier && self.available_slots(available) < tsm.num_tasks() {
            return;
        }
        let levels = tsm.locality_levels().to_vec();
        let mut turn = Turn {
            no_rejects: true,
            ..Turn::default()
        };
        for max_locality in levels {
            loop {
                let (no_rejects, min) =
                    self.offer_single_task_set(now, t, max_locality, offers, available, launches);
                turn.launched_any |= min.is_some();
                turn.no_rejects &= no_rejects;
                turn.global_min = min_locality(turn.global_min, min);
                if min.is_none() {
                    break;
                }
            }
        }
        if !self.settings.tsm.legacy_locality_reset {
            self.apply_delay_reset_rule(now, t, &turn, is_all_free_resources);
        }
        if turn.launched_any && is_barrier {
            self.finish_barrier_turn(now, t, available, launches);
        }
    }

    /// The new delay-timer reset rule (SPARK-18886, §5.4).
    fn apply_delay_reset_rule(
        &mut self,
        now: u64,
        t: TsmId,
        turn: &Turn,
        is_all_free_resources: bool,
    ) {
        let tsm = &mut self.tsms[t.0 as usize];
        if turn.no_rejects {
            if turn.launched_any && (is_all_free_resources || tsm.no_rejects_since_last_reset) {
                tsm.reset_delay_schedule_timer(now, turn.global_min);
                tsm.no_rejects_since_last_reset = true;
            }
        } else {
            tsm.no_rejects_since_last_reset = false;
        }
    }

    /// `resourceOfferSingleTaskSet`: one round-robin sweep, at most one task per offer.
    fn offer_single_task_set(
        &mut self,
        now: u64,
        t: TsmId,
        max_locality: TaskLocality,
        offers: &[WorkerOffer],
        available: &mut [u32],
        launches: &mut Vec<TaskLaunch>,
    ) -> (bool, Option<TaskLocality>) {
        let task_cpus = self.settings.task_cpus;
        let mut no_rejects = true;
        let mut min_launched = None;
        for (i, offer) in offers.iter().enumerate() {
            if available[i] < task_cpus {
                continue;
            }
            let tsm = &mut self.tsms[t.0 as usize];
            let response =
                tsm.resource_offer(now, offer.executor, offer.host, max_locality, &mut self.ctx);
            no_rejects &= !response.rejected;
            let Some(task) = response.task else { continue };
            match task.task_id {
                Some(tid) => {
                    self.owner.push(t);
                    debug_assert_eq!(self.owner.len() as u64, tid + 1);
                    launches.push(self.launch_record(t, tid, task_cpus));
                }
                None => tsm.record_barrier_pending(
                    task.index,
                    offer.executor,
                    offer.host,
                    task.locality,
                    i,
                    task_cpus,
                ),
            }
            min_launched = min_locality(min_launched, Some(task.locality));
            available[i] -= task_cpus;
        }
        (no_rejects, min_launched)
    }

    fn launch_record(&self, t: TsmId, tid: TaskId, cpus: u32) -> TaskLaunch {
        let tsm = &self.tsms[t.0 as usize];
        let info = tsm
            .info(tid)
            .expect("a task id just launched by this TSM has an info");
        TaskLaunch {
            task_id: tid,
            tsm: t,
            stage_id: tsm.task_set.stage_id,
            stage_attempt: tsm.task_set.stage_attempt,
            index: info.index,
            attempt_number: info.attempt_number,
            executor: info.executor,
            host: info.host,
            locality: info.locality,
            speculative: info.speculative,
            cpus,
        }
    }

    /// Barrier all-or-nothing: launch every recorded task together, or give the cores back
    /// and re-queue them (new delay rule; the legacy rule's abort is not modelled).
    fn finish_barrier_turn(
        &mut self,
        now: u64,
        t: TsmId,
        available: &mut [u32],
        launches: &mut Vec<TaskLaunch>,
    ) {
        let tsm = &mut self.tsms[t.0 as usize];
        let pending = tsm.barrier_pending();
        if pending.len() != tsm.num_tasks() {
            for (_, offer_index, cores) in pending {
                available[offer_index] += cores;
            }
            tsm.revert_barrier_pending(&self.ctx.executors);
            return;
        }
        let launched = tsm.launch_barrier_pending(now, &mut self.ctx);
        for (_, tid, _, _) in launched {
            self.owner.push(t);
            launches.push(self.launch_record(t, tid, self.settings.task_cpus));
        }
    }

    /// `statusUpdate` for a terminal state: the attempt stops counting as running (in its TSM
    /// and every ancestor pool) before its result is handled.
    pub fn status_update_terminal(&mut self, tid: TaskId) {
        if let Some(t) = self.tsm_of_task(tid) {
            self.tsms[t.0 as usize].remove_running_task(tid, &mut self.ctx.pools);
        }
    }

    /// `handleSuccessfulTask` plus `taskSetFinished` when the TSM is done.
    pub fn handle_successful_task(&mut self, now: u64, tid: TaskId) -> SuccessOutcome {
        self.handle_successful_task_with_metrics(now, tid, None)
    }

    /// `handleSuccessfulTask` for a result carrying record metrics (efficiency speculation's
    /// average rate), plus `taskSetFinished` when the TSM is done.
    pub fn handle_successful_task_with_metrics(
        &mut self,
        now: u64,
        tid: TaskId,
        metrics: Option<TaskRecordMetrics>,
    ) -> SuccessOutcome {
        let Some(t) = self.tsm_of_task(tid) else {
            return SuccessOutcome {
                ignored: true,
                ..SuccessOutcome::default()
            };
        };
        let outcome = self.tsms[t.0 as usize].handle_successful_task_with_metrics(
            now,
            tid,
            metrics,
            &mut self.ctx,
        );
        self.maybe_finish_task_set(t);
        outcome
    }

    /// `handlePartitionCompleted(stageId, partitionId)`: every attempt of the stage marks the
    /// partition successful (no duration sample) and may finish.
    pub fn handle_partition_completed(&mut self, stage_id: u32, partition: u32) {
        let attempts = self
            .attempts_by_stage
            .get(&stage_id)
            .cloned()
            .unwrap_or_default();
        for t in attempts {
            if self.tsms[t.0 as usize].mark_partition_completed(partition) {
                self.maybe_finish_task_set(t);
            }
        }
    }

    /// The speculation settings every new TSM gets (`None`: speculation off).
    pub fn speculation_settings(&self) -> Option<&SpeculationSettings> {
        self.settings.tsm.speculation.as_ref()
    }

    /// One tick of the speculation thread: `rootPool.checkSpeculatableTasks(minTimeToSpeculation)`
    /// at `now`, with `minTimeToSpeculation = spark.speculation.minTaskRuntime`. Every pool and
    /// task set is visited in *insertion* order (not sorted), each TSM is checked (no
    /// short-circuit) and the results are ORed. True means Spark calls `reviveOffers`: the
    /// caller makes a full offer round. False when speculation is off. Local mode has no
    /// speculation thread; not calling this there is the caller's rule.
    pub fn check_speculatable_tasks(&mut self, now: u64) -> bool {
        !self.find_speculatable_tasks(now).is_empty()
    }

    /// [`Self::check_speculatable_tasks`], returning every index it marked, in visiting order.
    pub fn find_speculatable_tasks(&mut self, now: u64) -> Vec<SpeculativeTaskSubmitted> {
        let Some(min_time) = self.speculation_settings().map(|s| s.min_task_runtime_ms) else {
            return Vec::new();
        };
        let mut order = Vec::new();
        self.task_sets_in_insertion_order(PoolTree::ROOT, &mut order);
        let mut submitted = Vec::new();
        for t in order {
            let tsm = &mut self.tsms[t.0 as usize];
            let marked = tsm.find_speculatable_tasks(
                now,
                min_time,
                &self.ctx.executors,
                &self.decommissions,
            );
            submitted.extend(marked.into_iter().map(|index| SpeculativeTaskSubmitted {
                tsm: t,
                stage_id: tsm.task_set.stage_id,
                stage_attempt: tsm.task_set.stage_attempt,
                index,
            }));
        }
        submitted
    }

    /// The task sets below `pool`, depth first, each pool's children in insertion order.
    fn task_sets_in_insertion_order(&self, pool: PoolId, out: &mut Vec<TsmId>) {
        for &child in self.ctx.pools.pool(pool).children() {
            match child {
                Schedulable::TaskSet(t) => out.push(t),
                Schedulable::Pool(p) => self.task_sets_in_insertion_order(p, out),
            }
        }
    }

    /// `executorHeartbeatReceived` for one running attempt: its records read (input +
    /// shuffle) and executor run time so far. Only efficiency speculation reads it.
    pub fn report_task_heartbeat(&mut self, tid: TaskId, metrics: TaskRecordMetrics) {
        if let Some(t) = self.tsm_of_task(tid) {
            self.tsms[t.0 as usize].report_heartbeat(tid, metrics);
        }
    }

    /// `executorDecommission`: records the notice time of a live executor (used by
    /// decommission-driven speculation). Spark then recomputes every TSM's locality and calls
    /// `reviveOffers`; here decommissioned executors still count as live for locality (not
    /// modelled), so the caller only makes the full offer round, without offering this
    /// executor.
    pub fn executor_decommission(&mut self, now: u64, exec: ExecId) {
        if self.ctx.executors.is_executor_alive(exec) {
            self.decommissions
                .insert(exec, ExecutorDecommissionState { start_time: now });
        }
    }

    /// `getExecutorDecommissionState`.
    pub fn executor_decommission_state(&self, exec: ExecId) -> Option<ExecutorDecommissionState> {
        self.decommissions.get(&exec).copied()
    }

    /// `handleFailedTask`; the bool says whether Spark would `reviveOffers` (TSM not zombie and
    /// the task not yet successful).
    pub fn handle_failed_task(
        &mut self,
        now: u64,
        tid: TaskId,
        reason: TaskFailedReason,
    ) -> (FailureOutcome, bool) {
        let Some(t) = self.tsm_of_task(tid) else {
            return (
                FailureOutcome {
                    ignored: true,
                    ..FailureOutcome::default()
                },
                false,
            );
        };
        let outcome = self.tsms[t.0 as usize].handle_failed_task(now, tid, reason, &mut self.ctx);
        let tsm = &self.tsms[t.0 as usize];
        let revive = !tsm.is_zombie && !tsm.some_attempt_succeeded(tid);
        self.maybe_finish_task_set(t);
        (outcome, revive)
    }

    /// Aborts a task set (its stage failed or its job was cancelled).
    pub fn abort_task_set(&mut self, t: TsmId) {
        self.tsms[t.0 as usize].abort();
        self.maybe_finish_task_set(t);
    }

    /// `maybeFinishTaskSet` → `taskSetFinished`: a zombie TSM with no running attempts leaves
    /// its pool. Returns true when that happened now.
    pub fn maybe_finish_task_set(&mut self, t: TsmId) -> bool {
        let tsm = &mut self.tsms[t.0 as usize];
        if tsm.maybe_finish() {
            let pool = tsm.pool;
            self.ctx.pools.remove_task_set(pool, t);
            return true;
        }
        false
    }

    /// `executorLost`: forget the executor, fail its running attempts in every TSM and
    /// recompute locality. Returns the failed attempts with their outcomes.
    pub fn executor_lost(
        &mut self,
        now: u64,
        exec: ExecId,
        exit_caused_by_app: bool,
    ) -> Vec<(TaskId, FailureOutcome)> {
        self.ctx.executors.remove_executor(exec);
        let mut all = Vec::new();
        for i in 0..self.tsms.len() {
            if self.tsms[i].is_finished() {
                continue;
            }
            let outcomes = self.tsms[i].executor_lost(now, exec, exit_caused_by_app, &mut self.ctx);
            all.extend(outcomes);
            self.maybe_finish_task_set(TsmId(i as u32));
        }
        all
    }
}

fn min_locality(a: Option<TaskLocality>, b: Option<TaskLocality>) -> Option<TaskLocality> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}
