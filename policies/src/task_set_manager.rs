//! `TaskSetManager`: one stage attempt's tasks — pending stacks, locality levels and delay
//! scheduling, attempts, success, failure and retries, zombie state (spec §6).
//!
//! A TSM makes decisions for one offer at a time ([`TaskSetManager::resource_offer`]) and
//! records task-attempt outcomes. Running-task counts of its ancestor pools are kept in step
//! through the [`SchedulerContext`] it is handed; it never reads a clock (`now` is passed in).
//!
//! Speculation (spec §7): with [`TsmSettings::speculation`] set, successes record their
//! durations (and record metrics) and [`TaskSetManager::check_speculatable_tasks`] marks slow
//! running attempts speculatable; see [`crate::speculation`].

use crate::executors::{ExecId, ExecutorRegistry, HostId};
use crate::locality::{TaskLocality, TaskLocation};
use crate::pending_tasks::{PendingTasksByLocality, TaskStates, more_tasks_to_run_in};
use crate::pool::{PoolId, PoolTree};
use crate::speculation::{
    Candidate, DecommissionStates, SpeculationSettings, TaskRecordMetrics, TaskSetSpeculation,
};
use std::collections::{BTreeMap, BTreeSet};

/// Index of a task-set manager in the task scheduler's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TsmId(pub u32);

/// A global task id (`TaskSchedulerImpl.nextTaskId`, from 0).
pub type TaskId = u64;

/// What the DAG scheduler submits for one stage attempt (Spark's `TaskSet`).
#[derive(Clone, Debug, Default)]
pub struct TaskSet {
    pub stage_id: u32,
    pub stage_attempt: u32,
    /// The job id the stage was submitted for (§8.3).
    pub priority: u64,
    /// Preferred locations per task index; empty for no preference.
    pub preferred_locations: Vec<Vec<TaskLocation>>,
    /// Partition id per task index; `None` means index == partition.
    pub partitions: Option<Vec<u32>>,
    pub is_barrier: bool,
}

impl TaskSet {
    /// A task set of `n` tasks with no locality preferences.
    pub fn no_prefs(stage_id: u32, stage_attempt: u32, priority: u64, n: usize) -> Self {
        TaskSet {
            stage_id,
            stage_attempt,
            priority,
            preferred_locations: vec![Vec::new(); n],
            ..TaskSet::default()
        }
    }

    /// Number of tasks.
    pub fn num_tasks(&self) -> usize {
        self.preferred_locations.len()
    }
}

/// How an attempt ended, as `TaskState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptState {
    Running,
    Finished,
    Failed,
    Killed,
}

/// `TaskInfo`: one attempt of one task.
#[derive(Clone, Debug)]
pub struct TaskInfo {
    pub task_id: TaskId,
    pub index: u32,
    pub attempt_number: u32,
    pub launch_time: u64,
    pub finish_time: Option<u64>,
    pub executor: ExecId,
    pub host: HostId,
    pub locality: TaskLocality,
    pub speculative: bool,
    pub state: AttemptState,
    /// True until the executor reports the task RUNNING (`launchSucceeded`).
    pub launching: bool,
}

impl TaskInfo {
    /// `info.running`: not yet finished in any way.
    pub fn running(&self) -> bool {
        self.state == AttemptState::Running
    }
}

/// `TaskEndReason` for failed attempts, with whether it counts toward `maxTaskFailures`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskFailedReason {
    /// An exception in the task: counts.
    ExceptionFailure(String),
    /// The result was lost: counts.
    TaskResultLost,
    /// Killed (e.g. "another attempt succeeded"): does not count, not re-queued if successful.
    TaskKilled(String),
    /// The executor was lost; counts only if the exit was caused by the app.
    ExecutorLostFailure { exit_caused_by_app: bool },
    /// A shuffle fetch failed: marks the index successful and the TSM zombie; the DAG re-runs
    /// the parent stage.
    FetchFailed,
    /// Output commit denied: does not count.
    TaskCommitDenied,
    /// Unknown: counts.
    UnknownReason,
}

impl TaskFailedReason {
    /// `countTowardsTaskFailures`.
    pub fn counts_towards_task_failures(&self) -> bool {
        match self {
            TaskFailedReason::ExceptionFailure(_)
            | TaskFailedReason::TaskResultLost
            | TaskFailedReason::UnknownReason => true,
            TaskFailedReason::ExecutorLostFailure { exit_caused_by_app } => *exit_caused_by_app,
            TaskFailedReason::TaskKilled(_)
            | TaskFailedReason::FetchFailed
            | TaskFailedReason::TaskCommitDenied => false,
        }
    }

    fn terminal_state(&self) -> AttemptState {
        match self {
            TaskFailedReason::TaskKilled(_) => AttemptState::Killed,
            _ => AttemptState::Failed,
        }
    }
}

/// Settings a TSM reads at creation (from the typed SparkConf).
#[derive(Clone, Debug)]
pub struct TsmSettings {
    /// `maxTaskFailures`: `spark.task.maxFailures`, 1 in local mode.
    pub max_task_failures: u32,
    /// `spark.locality.wait.process` / `.node` / `.rack` in ms.
    pub locality_wait_process_ms: u64,
    pub locality_wait_node_ms: u64,
    pub locality_wait_rack_ms: u64,
    /// `spark.locality.wait.legacyResetOnTaskLaunch`.
    pub legacy_locality_reset: bool,
    /// `Some` iff `spark.speculation` is on (default: off).
    pub speculation: Option<SpeculationSettings>,
}

impl Default for TsmSettings {
    fn default() -> Self {
        TsmSettings {
            max_task_failures: 4,
            locality_wait_process_ms: 3000,
            locality_wait_node_ms: 3000,
            locality_wait_rack_ms: 3000,
            legacy_locality_reset: false,
            speculation: None,
        }
    }
}

/// The scheduler-wide state a TSM reads and updates: known executors, the pool tree (for
/// running-task counts) and the global task-id counter.
#[derive(Clone, Debug)]
pub struct SchedulerContext {
    pub executors: ExecutorRegistry,
    pub pools: PoolTree,
    pub next_task_id: TaskId,
}

/// A task chosen for an offer by [`TaskSetManager::resource_offer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DequeuedTask {
    pub index: u32,
    pub locality: TaskLocality,
    pub speculative: bool,
    /// The launched attempt's task id, or `None` for a barrier task recorded as pending.
    pub task_id: Option<TaskId>,
}

/// The answer to one offer: maybe a task, and whether it was a delay-scheduling reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfferResponse {
    pub task: Option<DequeuedTask>,
    pub rejected: bool,
}

/// What `handleSuccessfulTask` decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuccessOutcome {
    /// The event was ignored (the attempt had already finished).
    pub ignored: bool,
    /// This success arrived after another attempt succeeded and was turned into a kill.
    pub converted_to_kill: bool,
    /// First success for this index: the DAG scheduler counts the partition.
    pub first_success: bool,
    /// Other running attempts of the index to kill ("another attempt succeeded").
    pub kills: Vec<TaskId>,
}

/// What `handleFailedTask` decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailureOutcome {
    pub ignored: bool,
    /// The index went back on top of its pending stacks.
    pub requeued: bool,
    /// The task set was aborted (e.g. "Task 0 in stage 1.0 failed 4 times").
    pub aborted: Option<String>,
}

#[derive(Clone, Copy, Debug)]
struct BarrierPendingLaunch {
    executor: ExecId,
    host: HostId,
    locality: TaskLocality,
    offer_index: usize,
    cores: u32,
}

/// Spark's `TaskSetManager`.
#[derive(Clone, Debug)]
pub struct TaskSetManager {
    pub task_set: TaskSet,
    /// `TaskSet_<stage>.<attempt>`.
    pub name: String,
    /// The pool this TSM was added to.
    pub pool: PoolId,
    settings: TsmSettings,
    num_tasks: usize,
    successful: Vec<bool>,
    copies_running: Vec<u32>,
    num_failures: Vec<u32>,
    /// Attempts per index, oldest first (positions in `infos`).
    task_attempts: Vec<Vec<u32>>,
    /// Every attempt, in launch order (so sorted by task id).
    infos: Vec<TaskInfo>,
    running: BTreeSet<TaskId>,
    killed_by_other_attempt: BTreeSet<TaskId>,
    pub tasks_successful: usize,
    pub is_zombie: bool,
    finished: bool,
    pending: PendingTasksByLocality,
    pending_speculatable: PendingTasksByLocality,
    speculatable: BTreeSet<u32>,
    levels: Vec<TaskLocality>,
    waits: Vec<u64>,
    current_locality_index: usize,
    last_locality_wait_reset_time: u64,
    /// `noRejectsSinceLastReset` of TaskSchedulerImpl, kept with its task set.
    pub(crate) no_rejects_since_last_reset: bool,
    barrier_pending: BTreeMap<u32, BarrierPendingLaunch>,
    excluded_executors: BTreeSet<ExecId>,
    excluded_nodes: BTreeSet<HostId>,
    /// Speculation state, iff speculation is on.
    speculation: Option<TaskSetSpeculation>,
}

impl TaskSetManager {
    /// Creates the TSM at `now`: pending stacks (lowest index on top), locality levels, waits,
    /// and `lastLocalityWaitResetTime = now`.
    pub fn new(
        task_set: TaskSet,
        pool: PoolId,
        settings: TsmSettings,
        executors: &ExecutorRegistry,
        now: u64,
    ) -> Self {
        let n = task_set.num_tasks();
        let name = format!("TaskSet_{}.{}", task_set.stage_id, task_set.stage_attempt);
        let mut tsm = TaskSetManager {
            task_set,
            name,
            pool,
            settings,
            num_tasks: n,
            successful: vec![false; n],
            copies_running: vec![0; n],
            num_failures: vec![0; n],
            task_attempts: vec![Vec::new(); n],
            infos: Vec::new(),
            running: BTreeSet::new(),
            killed_by_other_attempt: BTreeSet::new(),
            tasks_successful: 0,
            is_zombie: false,
            finished: false,
            pending: PendingTasksByLocality::default(),
            pending_speculatable: PendingTasksByLocality::default(),
            speculatable: BTreeSet::new(),
            levels: Vec::new(),
            waits: Vec::new(),
            current_locality_index: 0,
            last_locality_wait_reset_time: now,
            no_rejects_since_last_reset: true,
            barrier_pending: BTreeMap::new(),
            excluded_executors: BTreeSet::new(),
            excluded_nodes: BTreeSet::new(),
            speculation: None,
        };
        tsm.speculation = tsm
            .settings
            .speculation
            .clone()
            .map(|s| TaskSetSpeculation::new(s, n));
        for i in (0..n as u32).rev() {
            tsm.add_pending_task(i, false, false, executors);
        }
        tsm.resolve_racks_in_batch(executors);
        tsm.levels = tsm.compute_valid_locality_levels(executors);
        tsm.waits = tsm.levels.iter().map(|&l| tsm.locality_wait(l)).collect();
        tsm
    }

    /// Number of tasks in the set.
    pub fn num_tasks(&self) -> usize {
        self.num_tasks
    }

    /// `runningTasks`: running attempts, speculative and killed-not-yet-reported included.
    pub fn running_tasks(&self) -> usize {
        self.running.len()
    }

    /// The running attempts' task ids, ascending.
    pub fn running_task_ids(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.running.iter().copied()
    }

    /// `isSchedulable`: not zombie and something listed in the pending or speculatable stacks.
    pub fn is_schedulable(&self) -> bool {
        !self.is_zombie
            && (!self.pending.all.is_empty() || !self.pending_speculatable.all.is_empty())
    }

    /// `myLocalityLevels`.
    pub fn locality_levels(&self) -> &[TaskLocality] {
        &self.levels
    }

    /// The current delay-scheduling level (`myLocalityLevels(currentLocalityIndex)`).
    pub fn current_locality_level(&self) -> TaskLocality {
        self.levels[self.current_locality_index]
    }

    /// Whether index `i` has succeeded.
    pub fn is_successful(&self, index: u32) -> bool {
        self.successful[index as usize]
    }

    /// `copiesRunning(i)`.
    pub fn copies_running(&self, index: u32) -> u32 {
        self.copies_running[index as usize]
    }

    /// `numFailures(i)`.
    pub fn num_failures(&self, index: u32) -> u32 {
        self.num_failures[index as usize]
    }

    /// `someAttemptSucceeded(tid)`.
    pub fn some_attempt_succeeded(&self, tid: TaskId) -> bool {
        self.info(tid)
            .is_some_and(|i| self.successful[i.index as usize])
    }

    /// The attempt with task id `tid`, if it belongs to this TSM.
    pub fn info(&self, tid: TaskId) -> Option<&TaskInfo> {
        self.position(tid).map(|p| &self.infos[p])
    }

    /// Every attempt, in launch order.
    pub fn infos(&self) -> &[TaskInfo] {
        &self.infos
    }

    /// The attempts of task `index`, oldest first.
    pub fn attempts_of(&self, index: u32) -> impl Iterator<Item = &TaskInfo> + '_ {
        self.task_attempts[index as usize]
            .iter()
            .map(|&p| &self.infos[p as usize])
    }

    /// The task indices currently marked speculatable and not yet launched.
    pub fn speculatable_tasks(&self) -> impl Iterator<Item = u32> + '_ {
        self.speculatable.iter().copied()
    }

    /// True once the TSM is zombie with no running attempts and was reported finished.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    fn position(&self, tid: TaskId) -> Option<usize> {
        self.infos.binary_search_by_key(&tid, |i| i.task_id).ok()
    }

    fn locality_wait(&self, level: TaskLocality) -> u64 {
        if self.settings.legacy_locality_reset && self.task_set.is_barrier {
            return 0;
        }
        match level {
            TaskLocality::ProcessLocal => self.settings.locality_wait_process_ms,
            TaskLocality::NodeLocal => self.settings.locality_wait_node_ms,
            TaskLocality::RackLocal => self.settings.locality_wait_rack_ms,
            TaskLocality::NoPref | TaskLocality::Any => 0,
        }
    }

    /// `addPendingTask(index, resolveRacks, speculatable)`; failed tasks come back on top.
    fn add_pending_task(
        &mut self,
        index: u32,
        resolve_racks: bool,
        speculatable: bool,
        executors: &ExecutorRegistry,
    ) {
        let prefs = &self.task_set.preferred_locations[index as usize];
        let lists = if speculatable {
            &mut self.pending_speculatable
        } else {
            &mut self.pending
        };
        for loc in prefs {
            match *loc {
                TaskLocation::ExecutorCache { executor, .. } => {
                    lists.for_executor.entry(executor).or_default().push(index)
                }
                TaskLocation::HdfsCache(host) => {
                    for &e in executors.executors_alive_on_host(host) {
                        lists.for_executor.entry(e).or_default().push(index);
                    }
                }
                TaskLocation::Host(_) => {}
            }
            lists.for_host.entry(loc.host()).or_default().push(index);
            if resolve_racks && let Some(rack) = executors.rack_of(loc.host()) {
                lists.for_rack.entry(rack).or_default().push(index);
            }
        }
        if prefs.is_empty() {
            lists.no_prefs.push(index);
        }
        lists.all.push(index);
    }

    /// At construction, racks are resolved once for all hosts: each host's whole stack is
    /// appended to its rack's stack (hosts visited in id order).
    fn resolve_racks_in_batch(&mut self, executors: &ExecutorRegistry) {
        for (host, stack) in &self.pending.for_host {
            if let Some(rack) = executors.rack_of(*host) {
                self.pending
                    .for_rack
                    .entry(rack)
                    .or_default()
                    .extend_from_slice(stack);
            }
        }
    }

    /// `computeValidLocalityLevels` (regular pending lists only).
    fn compute_valid_locality_levels(&self, executors: &ExecutorRegistry) -> Vec<TaskLocality> {
        let p = &self.pending;
        let mut levels = Vec::with_capacity(5);
        if p.for_executor
            .keys()
            .any(|&e| executors.is_executor_alive(e))
        {
            levels.push(TaskLocality::ProcessLocal);
        }
        if p.for_host
            .keys()
            .any(|&h| executors.has_executors_alive_on_host(h))
        {
            levels.push(TaskLocality::NodeLocal);
        }
        if !p.no_prefs.is_empty() {
            levels.push(TaskLocality::NoPref);
        }
        if p.for_rack
            .keys()
            .any(|&r| executors.has_host_alive_on_rack(r))
        {
            levels.push(TaskLocality::RackLocal);
        }
        levels.push(TaskLocality::Any);
        levels
    }

    /// `getLocalityIndex`: the first level `>= locality`.
    fn locality_index(&self, locality: TaskLocality) -> usize {
        self.levels
            .iter()
            .position(|&l| l >= locality)
            .unwrap_or(self.levels.len() - 1)
    }

    /// `recomputeLocality` (SPARK-31837: jump to the first newly added level below the
    /// current one).
    pub fn recompute_locality(&mut self, executors: &ExecutorRegistry) {
        if self.is_zombie {
            return;
        }
        let previous_index = self.current_locality_index;
        let previous_level = self.levels[previous_index];
        let previous_levels = std::mem::take(&mut self.levels);
        self.levels = self.compute_valid_locality_levels(executors);
        self.waits = self.levels.iter().map(|&l| self.locality_wait(l)).collect();
        self.current_locality_index = self.locality_index(previous_level);
        if self.current_locality_index > previous_index
            && let Some(&new_level) = self.levels.iter().find(|l| !previous_levels.contains(l))
        {
            self.current_locality_index = self.locality_index(new_level);
        }
    }

    /// `executorAdded`.
    pub fn executor_added(&mut self, executors: &ExecutorRegistry) {
        self.recompute_locality(executors);
    }

    /// `getAllowedLocalityLevel(now)`: delay scheduling proper (spec §6.4).
    pub fn allowed_locality_level(&mut self, now: u64) -> TaskLocality {
        while self.current_locality_index < self.levels.len() - 1 {
            let level = self.levels[self.current_locality_index];
            let more = self.more_tasks_at(level);
            let wait = self.waits[self.current_locality_index];
            if !more {
                self.last_locality_wait_reset_time = now;
                self.current_locality_index += 1;
            } else if now.saturating_sub(self.last_locality_wait_reset_time) >= wait {
                self.last_locality_wait_reset_time += wait;
                self.current_locality_index += 1;
            } else {
                return level;
            }
        }
        self.levels[self.current_locality_index]
    }

    fn more_tasks_at(&mut self, level: TaskLocality) -> bool {
        let states = TaskStates {
            copies_running: &self.copies_running,
            successful: &self.successful,
        };
        let p = &mut self.pending;
        match level {
            TaskLocality::ProcessLocal => more_tasks_to_run_in(&mut p.for_executor, &states),
            TaskLocality::NodeLocal => more_tasks_to_run_in(&mut p.for_host, &states),
            TaskLocality::NoPref => !p.no_prefs.is_empty(),
            TaskLocality::RackLocal => more_tasks_to_run_in(&mut p.for_rack, &states),
            TaskLocality::Any => false,
        }
    }

    /// `resetDelayScheduleTimer(minLocality)`.
    pub fn reset_delay_schedule_timer(&mut self, now: u64, min_locality: Option<TaskLocality>) {
        self.last_locality_wait_reset_time = now;
        if let Some(l) = min_locality {
            self.current_locality_index = self.locality_index(l);
        }
    }

    /// Marks the task set excluded on an executor (task-set-level exclusion).
    pub fn exclude_executor(&mut self, exec: ExecId) {
        self.excluded_executors.insert(exec);
    }

    /// Marks the task set excluded on a node.
    pub fn exclude_node(&mut self, host: HostId) {
        self.excluded_nodes.insert(host);
    }

    fn offer_excluded(&self, exec: ExecId, host: HostId) -> bool {
        self.excluded_executors.contains(&exec) || self.excluded_nodes.contains(&host)
    }

    /// `resourceOffer(execId, host, maxLocality)`: maybe launch one task on this offer.
    pub fn resource_offer(
        &mut self,
        now: u64,
        exec: ExecId,
        host: HostId,
        max_locality: TaskLocality,
        ctx: &mut SchedulerContext,
    ) -> OfferResponse {
        if self.is_zombie || self.offer_excluded(exec, host) {
            return OfferResponse {
                task: None,
                rejected: false,
            };
        }
        let mut allowed = max_locality;
        if max_locality != TaskLocality::NoPref {
            allowed = self.allowed_locality_level(now).min(max_locality);
        }
        let task = self.dequeue_task(exec, host, allowed, &ctx.executors).map(
            |(index, locality, speculative)| {
                if self.settings.legacy_locality_reset && max_locality != TaskLocality::NoPref {
                    self.reset_delay_schedule_timer(now, Some(locality));
                }
                let task_id = if self.task_set.is_barrier {
                    None
                } else {
                    Some(self.prepare_launching_task(
                        now,
                        exec,
                        host,
                        index,
                        locality,
                        speculative,
                        ctx,
                    ))
                };
                DequeuedTask {
                    index,
                    locality,
                    speculative,
                    task_id,
                }
            },
        );
        let has_pending = !self.pending.all.is_empty() || !self.pending_speculatable.all.is_empty();
        let rejected = task.is_none() && max_locality == TaskLocality::Any && has_pending;
        OfferResponse { task, rejected }
    }

    /// `dequeueTask`: regular tasks first, then speculative copies (spec §6.6).
    fn dequeue_task(
        &mut self,
        exec: ExecId,
        host: HostId,
        allowed: TaskLocality,
        executors: &ExecutorRegistry,
    ) -> Option<(u32, TaskLocality, bool)> {
        self.dequeue_helper(exec, host, allowed, false, executors)
            .map(|(i, l)| (i, l, false))
            .or_else(|| {
                self.dequeue_helper(exec, host, allowed, true, executors)
                    .map(|(i, l)| (i, l, true))
            })
    }

    fn dequeue_helper(
        &mut self,
        exec: ExecId,
        host: HostId,
        allowed: TaskLocality,
        speculative: bool,
        executors: &ExecutorRegistry,
    ) -> Option<(u32, TaskLocality)> {
        if speculative && self.speculatable.is_empty() {
            return None;
        }
        let found = self.dequeue_by_locality(exec, host, allowed, speculative, executors);
        if speculative && let Some((index, _)) = found {
            self.speculatable.remove(&index);
        }
        found
    }

    fn dequeue_by_locality(
        &mut self,
        exec: ExecId,
        host: HostId,
        allowed: TaskLocality,
        speculative: bool,
        executors: &ExecutorRegistry,
    ) -> Option<(u32, TaskLocality)> {
        use TaskLocality::*;
        if let Some(i) =
            self.dequeue_from(exec, host, speculative, |p| p.for_executor.get_mut(&exec))
        {
            return Some((i, ProcessLocal));
        }
        if TaskLocality::is_allowed(allowed, NodeLocal)
            && let Some(i) =
                self.dequeue_from(exec, host, speculative, |p| p.for_host.get_mut(&host))
        {
            return Some((i, NodeLocal));
        }
        if TaskLocality::is_allowed(allowed, NoPref)
            && let Some(i) = self.dequeue_from(exec, host, speculative, |p| Some(&mut p.no_prefs))
        {
            return Some((i, ProcessLocal));
        }
        if TaskLocality::is_allowed(allowed, RackLocal)
            && let Some(rack) = executors.rack_of(host)
            && let Some(i) =
                self.dequeue_from(exec, host, speculative, |p| p.for_rack.get_mut(&rack))
        {
            return Some((i, RackLocal));
        }
        if TaskLocality::is_allowed(allowed, Any)
            && let Some(i) = self.dequeue_from(exec, host, speculative, |p| Some(&mut p.all))
        {
            return Some((i, Any));
        }
        None
    }

    /// `dequeueTaskFromList`: search from the top; skip (and keep) entries that may not run
    /// here; remove the rest, returning the first that still needs an attempt.
    fn dequeue_from(
        &mut self,
        _exec: ExecId,
        host: HostId,
        speculative: bool,
        pick: impl FnOnce(&mut PendingTasksByLocality) -> Option<&mut Vec<u32>>,
    ) -> Option<u32> {
        let lists = if speculative {
            &mut self.pending_speculatable
        } else {
            &mut self.pending
        };
        let stack = pick(lists)?;
        let mut pos = stack.len();
        while pos > 0 {
            pos -= 1;
            let index = stack[pos];
            let i = index as usize;
            if speculative
                && self.task_attempts[i]
                    .iter()
                    .any(|&a| self.infos[a as usize].host == host)
            {
                continue;
            }
            stack.remove(pos);
            if self.successful[i] {
                continue;
            }
            if self.copies_running[i] == 0 && !self.barrier_pending.contains_key(&index) {
                return Some(index);
            }
            if speculative && self.copies_running[i] == 1 {
                return Some(index);
            }
        }
        None
    }

    /// `prepareLaunchingTask`: a new attempt with the next global task id.
    #[allow(clippy::too_many_arguments)]
    fn prepare_launching_task(
        &mut self,
        now: u64,
        exec: ExecId,
        host: HostId,
        index: u32,
        locality: TaskLocality,
        speculative: bool,
        ctx: &mut SchedulerContext,
    ) -> TaskId {
        let tid = ctx.next_task_id;
        ctx.next_task_id += 1;
        let i = index as usize;
        self.copies_running[i] += 1;
        let attempt_number = self.task_attempts[i].len() as u32;
        self.task_attempts[i].push(self.infos.len() as u32);
        self.infos.push(TaskInfo {
            task_id: tid,
            index,
            attempt_number,
            launch_time: now,
            finish_time: None,
            executor: exec,
            host,
            locality,
            speculative,
            state: AttemptState::Running,
            launching: true,
        });
        self.add_running_task(tid, &mut ctx.pools);
        tid
    }

    /// `addRunningTask`: counts the attempt here and in every ancestor pool.
    pub fn add_running_task(&mut self, tid: TaskId, pools: &mut PoolTree) {
        if self.running.insert(tid) {
            pools.add_running_tasks(self.pool, 1);
        }
    }

    /// `removeRunningTask` (from `statusUpdate`, before the result is handled).
    pub fn remove_running_task(&mut self, tid: TaskId, pools: &mut PoolTree) {
        if self.running.remove(&tid) {
            pools.add_running_tasks(self.pool, -1);
        }
    }

    /// `launchSucceeded`: the executor reported the attempt RUNNING.
    pub fn launch_succeeded(&mut self, tid: TaskId) {
        if let Some(p) = self.position(tid) {
            self.infos[p].launching = false;
        }
    }

    /// `handleSuccessfulTask` (spec §6.8) for a result without record metrics.
    pub fn handle_successful_task(
        &mut self,
        now: u64,
        tid: TaskId,
        ctx: &mut SchedulerContext,
    ) -> SuccessOutcome {
        self.handle_successful_task_with_metrics(now, tid, None, ctx)
    }

    /// `handleSuccessfulTask` (spec §6.8). With speculation on, the attempt's duration
    /// (`finish - launch`) goes into `successfulTaskDurations` and, with efficiency
    /// speculation, its record metrics into the average process rate.
    pub fn handle_successful_task_with_metrics(
        &mut self,
        now: u64,
        tid: TaskId,
        metrics: Option<TaskRecordMetrics>,
        ctx: &mut SchedulerContext,
    ) -> SuccessOutcome {
        let Some(pos) = self.position(tid) else {
            return SuccessOutcome {
                ignored: true,
                ..SuccessOutcome::default()
            };
        };
        if !self.infos[pos].running() {
            return SuccessOutcome {
                ignored: true,
                ..SuccessOutcome::default()
            };
        }
        let index = self.infos[pos].index as usize;
        if self.successful[index] && self.killed_by_other_attempt.contains(&tid) {
            let reason = TaskFailedReason::TaskKilled(
                "Finish but did not commit due to another attempt succeeded".to_string(),
            );
            self.handle_failed_task(now, tid, reason, ctx);
            return SuccessOutcome {
                converted_to_kill: true,
                ..SuccessOutcome::default()
            };
        }
        self.infos[pos].state = AttemptState::Finished;
        self.infos[pos].finish_time = Some(now);
        if let Some(spec) = &mut self.speculation {
            let duration = now.saturating_sub(self.infos[pos].launch_time);
            spec.record_success(tid, duration, metrics);
        }
        self.remove_running_task(tid, &mut ctx.pools);
        let kills = self.kill_other_attempts(index, tid);
        let first_success = !self.successful[index];
        if first_success {
            self.tasks_successful += 1;
            self.successful[index] = true;
            self.num_failures[index] = 0;
            if self.tasks_successful == self.num_tasks {
                self.is_zombie = true;
            }
        }
        SuccessOutcome {
            ignored: false,
            converted_to_kill: false,
            first_success,
            kills,
        }
    }

    fn kill_other_attempts(&mut self, index: usize, winner: TaskId) -> Vec<TaskId> {
        if self.task_attempts[index].len() < 2 {
            return Vec::new();
        }
        let others: Vec<TaskId> = self.task_attempts[index]
            .iter()
            .map(|&a| &self.infos[a as usize])
            .filter(|info| info.running() && info.task_id != winner)
            .map(|info| info.task_id)
            .collect();
        self.killed_by_other_attempt.extend(others.iter().copied());
        others
    }

    /// `handleFailedTask` (spec §6.8): failed, killed or lost attempts.
    pub fn handle_failed_task(
        &mut self,
        now: u64,
        tid: TaskId,
        reason: TaskFailedReason,
        ctx: &mut SchedulerContext,
    ) -> FailureOutcome {
        let Some(pos) = self.position(tid) else {
            return FailureOutcome {
                ignored: true,
                ..FailureOutcome::default()
            };
        };
        if !self.infos[pos].running() {
            return FailureOutcome {
                ignored: true,
                ..FailureOutcome::default()
            };
        }
        self.remove_running_task(tid, &mut ctx.pools);
        self.infos[pos].state = reason.terminal_state();
        self.infos[pos].finish_time = Some(now);
        let index = self.infos[pos].index;
        let i = index as usize;
        self.copies_running[i] -= 1;
        if reason == TaskFailedReason::FetchFailed {
            if !self.successful[i] {
                self.successful[i] = true;
                self.tasks_successful += 1;
            }
            self.is_zombie = true;
        }
        if self.task_set.is_barrier {
            self.is_zombie = true;
        }
        if !self.is_zombie && reason.counts_towards_task_failures() {
            self.num_failures[i] += 1;
            if self.num_failures[i] >= self.settings.max_task_failures {
                let message = format!(
                    "Task {index} in stage {}.{} failed {} times, most recent failure: {reason:?}",
                    self.task_set.stage_id,
                    self.task_set.stage_attempt,
                    self.settings.max_task_failures
                );
                self.abort();
                return FailureOutcome {
                    aborted: Some(message),
                    ..FailureOutcome::default()
                };
            }
        }
        let requeued = !self.successful[i];
        if requeued {
            self.add_pending_task(index, true, false, &ctx.executors);
        }
        FailureOutcome {
            ignored: false,
            requeued,
            aborted: None,
        }
    }

    /// `markPartitionCompleted(partitionId)`: another attempt of the stage finished this
    /// partition. The index becomes successful *without* a duration sample, so it does not
    /// count towards speculation's `minFinished`. Returns true if the index was not yet
    /// successful. The caller then runs `maybe_finish` (Spark's `maybeFinishTaskSet`).
    pub fn mark_partition_completed(&mut self, partition: u32) -> bool {
        let index = match &self.task_set.partitions {
            Some(parts) => parts.iter().position(|&p| p == partition),
            None => Some(partition as usize).filter(|&i| i < self.num_tasks),
        };
        let Some(i) = index else { return false };
        if self.successful[i] {
            return false;
        }
        self.tasks_successful += 1;
        self.successful[i] = true;
        self.num_failures[i] = 0;
        if self.tasks_successful == self.num_tasks {
            self.is_zombie = true;
        }
        true
    }

    /// The speculation state (`None` when speculation is off).
    pub fn speculation(&self) -> Option<&TaskSetSpeculation> {
        self.speculation.as_ref()
    }

    /// The threshold a check at this moment would scan with (see
    /// [`TaskSetSpeculation::scan_threshold`]), in ms; `None` if it would not scan.
    pub fn speculation_threshold(&self, min_time_to_speculation_ms: u64) -> Option<f64> {
        if self.is_zombie || self.is_barrier() {
            return None;
        }
        self.speculation
            .as_ref()?
            .scan_threshold(min_time_to_speculation_ms)
            .map(|s| s.threshold_ms)
    }

    fn is_barrier(&self) -> bool {
        self.num_tasks > 0 && self.task_set.is_barrier
    }

    /// An executor heartbeat's metrics for running attempt `tid` (`executorHeartbeatReceived`):
    /// with efficiency speculation on, a positive rate becomes the attempt's running rate.
    /// Ignored for attempts that are not running or not this TSM's.
    pub fn report_heartbeat(&mut self, tid: TaskId, metrics: TaskRecordMetrics) {
        let running = self.info(tid).is_some_and(TaskInfo::running);
        if let (true, Some(spec)) = (running, &mut self.speculation) {
            spec.record_heartbeat(tid, metrics);
        }
    }

    /// `checkSpeculatableTasks(minTimeToSpeculation)` at `now` (spec §7.2–§7.4): true if some
    /// running attempt was newly marked speculatable.
    pub fn check_speculatable_tasks(
        &mut self,
        now: u64,
        min_time_to_speculation_ms: u64,
        executors: &ExecutorRegistry,
        decommissions: &DecommissionStates,
    ) -> bool {
        !self
            .find_speculatable_tasks(now, min_time_to_speculation_ms, executors, decommissions)
            .is_empty()
    }

    /// `checkSpeculatableTasks`, returning the task indices it marked, in marking order (each
    /// is what Spark reports with `dagScheduler.speculativeTaskSubmitted`).
    ///
    /// Nothing for a zombie or barrier TSM, with speculation off, or for a single task without
    /// `spark.speculation.task.duration.threshold`. Otherwise, with the threshold of
    /// [`TaskSetSpeculation::scan_threshold`], every running attempt whose index is not
    /// successful, has exactly one copy running and is not yet speculatable is marked when
    /// `runtime > threshold` (and, on the quantile path with efficiency on, it is inefficient)
    /// or when its executor's decommission comes before its median-based end. Marking pushes
    /// the index onto the speculatable stacks ([`Self::mark_speculatable`]).
    ///
    /// Running attempts are visited in ascending task id; Spark iterates a `HashSet`, whose
    /// order (Scala 2.13: ascending for small ids; 2.12: scrambled) its tests do not depend on.
    pub fn find_speculatable_tasks(
        &mut self,
        now: u64,
        min_time_to_speculation_ms: u64,
        executors: &ExecutorRegistry,
        decommissions: &DecommissionStates,
    ) -> Vec<u32> {
        let mut marked = Vec::new();
        if self.is_zombie || self.is_barrier() {
            return marked;
        }
        let Some(spec) = &self.speculation else {
            return marked;
        };
        let Some(scan) = spec.scan_threshold(min_time_to_speculation_ms) else {
            return marked;
        };
        let running: Vec<TaskId> = self.running.iter().copied().collect();
        for tid in running {
            let Some(info) = self.info(tid) else { continue };
            let index = info.index;
            let i = index as usize;
            if self.successful[i]
                || self.copies_running[i] != 1
                || self.speculatable.contains(&index)
            {
                continue;
            }
            let candidate = Candidate {
                task_id: tid,
                launch_time: info.launch_time,
                decommission: decommissions.get(&info.executor).copied(),
            };
            let speculate = self
                .speculation
                .as_ref()
                .is_some_and(|s| s.may_speculate(now, scan, candidate));
            if speculate && self.mark_speculatable(index, executors) {
                marked.push(index);
            }
        }
        marked
    }

    /// `abort`: the stage fails; the TSM becomes a zombie.
    pub fn abort(&mut self) {
        self.is_zombie = true;
    }

    /// `maybeFinishTaskSet`: true exactly once, when the TSM is a zombie with no running
    /// attempts — the scheduler then removes it from its pool (`taskSetFinished`).
    pub fn maybe_finish(&mut self) -> bool {
        if self.is_zombie && self.running.is_empty() && !self.finished {
            self.finished = true;
            return true;
        }
        false
    }

    /// Running attempts on `exec` (ascending task id — Spark iterates a HashMap here).
    pub fn running_attempts_on(&self, exec: ExecId) -> Vec<TaskId> {
        self.running
            .iter()
            .filter(|&&tid| self.info(tid).is_some_and(|i| i.executor == exec))
            .copied()
            .collect()
    }

    /// `executorLost`: fail every attempt running there with `ExecutorLostFailure`, then
    /// recompute locality. `exit_caused_by_app` is the loss reason's; an attempt still
    /// launching never counts. Re-running lost shuffle output is the DAG scheduler's job.
    pub fn executor_lost(
        &mut self,
        now: u64,
        exec: ExecId,
        exit_caused_by_app: bool,
        ctx: &mut SchedulerContext,
    ) -> Vec<(TaskId, FailureOutcome)> {
        let mut outcomes = Vec::new();
        for tid in self.running_attempts_on(exec) {
            let launching = self.info(tid).is_some_and(|i| i.launching);
            let reason = TaskFailedReason::ExecutorLostFailure {
                exit_caused_by_app: exit_caused_by_app && !launching,
            };
            outcomes.push((tid, self.handle_failed_task(now, tid, reason, ctx)));
        }
        self.recompute_locality(&ctx.executors);
        outcomes
    }

    /// Marks task `index` speculatable: pushes it on the speculatable stacks (same preference
    /// rules as regular tasks). Returns false if it was already marked.
    pub fn mark_speculatable(&mut self, index: u32, executors: &ExecutorRegistry) -> bool {
        if !self.speculatable.insert(index) {
            return false;
        }
        self.add_pending_task(index, true, true, executors);
        true
    }

    /// Records a barrier task chosen for an offer; it launches only if all tasks find a slot
    /// in the same round.
    pub(crate) fn record_barrier_pending(
        &mut self,
        index: u32,
        exec: ExecId,
        host: HostId,
        locality: TaskLocality,
        offer_index: usize,
        cores: u32,
    ) {
        self.barrier_pending.insert(
            index,
            BarrierPendingLaunch {
                executor: exec,
                host,
                locality,
                offer_index,
                cores,
            },
        );
    }

    /// The barrier tasks recorded this round, by index: (index, offer index, cores).
    pub(crate) fn barrier_pending(&self) -> Vec<(u32, usize, u32)> {
        self.barrier_pending
            .iter()
            .map(|(&i, b)| (i, b.offer_index, b.cores))
            .collect()
    }

    /// Reverts a partial barrier placement: every recorded task goes back on the stacks.
    pub(crate) fn revert_barrier_pending(&mut self, executors: &ExecutorRegistry) {
        let indices: Vec<u32> = self.barrier_pending.keys().copied().collect();
        self.barrier_pending.clear();
        for index in indices {
            self.add_pending_task(index, true, false, executors);
        }
    }

    /// Launches every recorded barrier task at one launch time; returns (offer index, task id).
    pub(crate) fn launch_barrier_pending(
        &mut self,
        now: u64,
        ctx: &mut SchedulerContext,
    ) -> Vec<(usize, TaskId, u32, TaskLocality)> {
        let pending = std::mem::take(&mut self.barrier_pending);
        pending
            .into_iter()
            .map(|(index, b)| {
                let tid = self
                    .prepare_launching_task(now, b.executor, b.host, index, b.locality, false, ctx);
                (b.offer_index, tid, index, b.locality)
            })
            .collect()
    }
}
