//! `ExecutorAllocationManager` (Spark 3.5 / 4.x, identical algorithms): dynamic allocation's
//! target and idle removal, driven by listener events and a 100 ms tick (DA spec, Part A).
//!
//! **What it decides.** [`ExecutorAllocationManager::schedule`] is one run of Spark's
//! `schedule()`: find idle executors past their deadline ([`ExecutorMonitor`]), update every
//! resource profile's target (lower it at once to what running + pending tasks need, or raise
//! it by the exponential ramp when the backlog timer has expired), then pick which timed-out
//! executors to kill. It returns [`AllocationDecision`]s: `RequestTotalExecutors` (a *level*:
//! "hold this many executors, running and pending"), `KillExecutors`. Killing idle executors
//! never changes the target, and lowering the target never kills anything (A.6, A.7).
//!
//! **Exactly as Spark**: initial target `max(minExecutors, initialExecutors,
//! spark.executor.instances)`; `initializing` freezes the target until the first stage or the
//! first idle timeout; `schedulerBacklogTimeout` then `sustainedSchedulerBacklogTimeout`;
//! `numExecutorsToAdd` doubling while a round adds exactly that many, reset to 1 when a round
//! is cut short, when the target is lowered and when the backlog clears; `need =
//! ceil((pending + pendingSpeculative + running) × executorAllocationRatio /
//! maxTasksPerExecutor)`, +1 for a lone pending speculative copy, raised for unschedulable
//! task sets, capped by `maxExecutors`, floored at `minExecutors`; never ramping below the
//! registered executors; removal order by executor-id *string* with the floor
//! `max(minExecutors, target)` counted against registered − pending removal −
//! decommissioning; `cachedExecutorIdleTimeout`, shuffle tracking and its timeout, the
//! external shuffle service; decommissioning instead of killing when `spark.decommission.
//! enabled`. Where Spark iterates hash maps the result does not depend on the order (sums, one
//! shared timer); every map here is a `BTreeMap`, so iteration is ascending anyway.
//!
//! **When it exists.** Only when [`is_dynamic_allocation_active`]: enabled and the master is
//! not local (local mode's backend is no `ExecutorAllocationClient`, so Spark builds no
//! manager there even with `spark.dynamicAllocation.testing`). That rule is the caller's.
//!
//! # Driving it (the engine's side)
//!
//! Times are integer milliseconds. Deliver listener events with the time Spark's listener
//! would process them (in replay: the logged time), **before** a tick at the same instant.
//!
//! 1. At application start: [`ExecutorAllocationManager::start`]; apply its
//!    `RequestTotalExecutors(initial)`.
//! 2. Ticks: [`schedule`](ExecutorAllocationManager::schedule) at `t0`, `t0 + 100`, `t0 +
//!    200`, … ([`SCHEDULE_INTERVAL_MS`], fixed delay with a zero-cost body). Apply the
//!    decisions in order.
//! 3. Events: `on_job_start`/`on_job_end` (shuffle tracking), `on_stage_submitted` (apply the
//!    returned request, sent when a new profile's first stage arrives), `on_stage_completed`,
//!    `on_task_start`, `on_task_end`, `on_speculative_task_submitted` (from
//!    `TaskSchedulerImpl::find_speculatable_tasks`), `on_unschedulable_task_set_added` /
//!    `_removed`, `on_executor_added` (at *registration*), `on_executor_removed`, the block and
//!    shuffle events.
//! 4. Cluster manager (the engine's, not modelled here):
//!    * `RequestTotalExecutors { target }` is the total wanted, running + pending. YARN/K8s:
//!      request `target − running − pending` more if positive, cancel not-yet-granted
//!      requests if negative, never kill running executors. Standalone: the app's executor
//!      limit (A.12). Each newly granted executor calls `on_executor_added` after the
//!      engine's **startup latency** (request → registration: YARN observed 4–11 s, K8s
//!      ~64 s; Spark has no setting for it).
//!    * `KillExecutors { ids }`: stop offering those executors to the task scheduler at once
//!      (they are pending removal; the EAM has already marked them), then deliver
//!      `on_executor_removed` after the engine's **kill latency** (kill → `ExecutorRemoved`:
//!      0.7–3.6 s on YARN in A.11, 11–24 s on another cluster). Until then they still count
//!      as registered. If the engine refuses some kills (Spark's backend skips executors that
//!      became busy), report them with [`on_kill_refused`](ExecutorAllocationManager::on_kill_refused).
//!      With `KillReason::DecommissionScaleDown` the engine decommissions instead (and should
//!      call `TaskSchedulerImpl::executor_decommission`); `on_executor_removed` then says
//!      whether the decommission finished.
//!    * A request that follows a kill (`RequestCause::ResyncAfterKill`) re-sends the same
//!      targets (SPARK-21834); applying it is idempotent.
//!
//! Not modelled: a cluster manager refusing `requestTotalExecutors` (Spark then rolls the
//! changed targets back; here every request is acknowledged, as in Spark's own tests), a
//! ShuffleDataIO plugin with reliable storage, the race between the listener thread and the
//! allocation thread (events are applied in the order delivered), executor *placement* (the
//! locality hints are reported in each request but acted on by the cluster manager only).

mod executor_monitor;
mod listener;
mod resource_profile;

use std::collections::{BTreeMap, BTreeSet};

use crate::conf::{ConfError, DynamicAllocationConf, SparkConf};
use crate::task_set_manager::TaskFailedReason;

pub use executor_monitor::{
    BlockStorageLevel, ExecutorMonitor, MonitorSettings, RemovalCounters,
    UNKNOWN_RESOURCE_PROFILE_ID,
};
pub use listener::StageAttempt;
pub use resource_profile::{
    CustomResourceRequest, cores_limit_known, default_profile_max_tasks_per_executor,
    max_tasks_per_executor,
};

use executor_monitor::to_ms;
use listener::{AllocationListener, PlacementHint};

/// `ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID`.
pub const DEFAULT_RESOURCE_PROFILE_ID: i32 = 0;

/// The period of `schedule()` (`intervalMillis`), scheduled with a fixed delay from start.
pub const SCHEDULE_INTERVAL_MS: u64 = 100;

/// Spark's `NOT_SET` for the add timer.
const NOT_SET: i64 = i64::MAX;

/// Whether Spark builds an `ExecutorAllocationManager` (A.1): `spark.dynamicAllocation.enabled`
/// and a non-local master (`local`, `local[…]`; `local-cluster[…]` is not local). In local
/// mode the backend is no `ExecutorAllocationClient`, so there is no manager even with
/// `spark.dynamicAllocation.testing` (which only changes `Utils.isDynamicAllocationEnabled`).
/// When active, the settings Spark checks at start-up are checked: an error here is Spark
/// failing to start (`validateSettings`, including "no shuffle service, no shuffle tracking,
/// no shuffle-block decommissioning").
pub fn is_dynamic_allocation_active(
    conf: &DynamicAllocationConf,
    master_is_local: bool,
) -> Result<bool, ConfError> {
    if !conf.enabled || master_is_local {
        return Ok(false);
    }
    conf.check_settings()?;
    Ok(true)
}

/// YARN's and Kubernetes' extra start-up check (`SchedulerBackendUtils.
/// getInitialTargetExecutorNumber`): `minExecutors <= initial <= maxExecutors`, where initial
/// is `max(min, initialExecutors, spark.executor.instances)`.
pub fn check_initial_executors_in_bounds(conf: &DynamicAllocationConf) -> Result<(), ConfError> {
    let initial = conf.initial_target();
    if initial < conf.min_executors || initial > conf.max_executors {
        return Err(ConfError::InvalidSettings {
            keys: vec![
                "spark.dynamicAllocation.initialExecutors".to_string(),
                "spark.executor.instances".to_string(),
                "spark.dynamicAllocation.maxExecutors".to_string(),
            ],
            message: format!(
                "initial executor number {initial} must be between min executor number {} \
                 and max executor number {}",
                conf.min_executors, conf.max_executors
            ),
        });
    }
    Ok(())
}

/// Everything the manager reads at construction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AllocationSettings {
    /// The `spark.dynamicAllocation.*` group (and the shuffle/decommission keys).
    pub conf: DynamicAllocationConf,
    /// `maxTasksPerExecutor` of the default profile, see
    /// [`default_profile_max_tasks_per_executor`].
    pub default_profile_max_tasks_per_executor: u32,
    /// `spark.shuffle.service.fetch.rdd.enabled` (default false).
    pub shuffle_service_fetch_rdd_enabled: bool,
}

impl AllocationSettings {
    /// Settings with the default profile's tasks per executor given directly.
    pub fn new(conf: DynamicAllocationConf, default_profile_max_tasks_per_executor: u32) -> Self {
        AllocationSettings {
            conf,
            default_profile_max_tasks_per_executor,
            shuffle_service_fetch_rdd_enabled: false,
        }
    }

    /// Reads the group, `spark.executor.cores`, `spark.task.cpus`, `spark.master` and
    /// `spark.shuffle.service.fetch.rdd.enabled` from a `SparkConf`.
    pub fn from_conf(conf: &SparkConf) -> Result<Self, ConfError> {
        let da = conf.dynamic_allocation()?;
        let master = conf.master_url()?;
        let tpe = default_profile_max_tasks_per_executor(
            conf.executor_cores()?,
            conf.task_cpus()?,
            master.as_ref(),
        )?;
        Ok(AllocationSettings {
            conf: da,
            default_profile_max_tasks_per_executor: tpe,
            shuffle_service_fetch_rdd_enabled: conf
                .get_bool("spark.shuffle.service.fetch.rdd.enabled")?
                .unwrap_or(false),
        })
    }
}

/// Why a `RequestTotalExecutors` was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestCause {
    /// `start()`: the initial target.
    Start,
    /// The first stage of a new resource profile (its target starts at the initial number).
    NewResourceProfile,
    /// `updateAndSyncNumExecutorsTarget` changed at least one target.
    TargetChanged,
    /// After a kill, the same targets are re-sent (SPARK-21834 / SPARK-23365).
    ResyncAfterKill,
}

/// `client.requestTotalExecutors(targets, localityAwareTasks, hostToLocalTaskCount)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestTotalExecutors {
    /// The default profile's total target (running + pending executors wanted).
    pub target: i32,
    /// Every profile's target (the default profile included).
    pub targets_per_profile: BTreeMap<i32, i32>,
    /// Tasks with a locality preference, per profile.
    pub locality_aware_tasks: BTreeMap<i32, i32>,
    /// Host → tasks preferring it, per profile.
    pub host_to_local_task_count: BTreeMap<i32, BTreeMap<String, i32>>,
    pub cause: RequestCause,
}

/// How the chosen executors are to be removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KillReason {
    /// `killExecutors(ids, adjustTargetNumExecutors = false, countFailures = false,
    /// force = false)` after the idle timeout.
    IdleTimeout,
    /// `decommissionExecutors(ids, ExecutorDecommissionInfo("spark scale down"),
    /// adjustTargetNumExecutors = false)` when `spark.decommission.enabled`.
    DecommissionScaleDown,
}

/// Executors to remove (already marked pending removal / decommissioning here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KillExecutors {
    /// In Spark's order (executor-id string order).
    pub ids: Vec<String>,
    pub reason: KillReason,
}

/// A decision for the cluster manager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocationDecision {
    RequestTotalExecutors(RequestTotalExecutors),
    KillExecutors(KillExecutors),
}

/// `SparkListenerStageSubmitted`, the parts the manager reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageSubmitted {
    pub stage_id: u32,
    pub attempt: u32,
    /// `stageInfo.numTasks` (for a retry: the partitions resubmitted).
    pub num_tasks: u32,
    pub resource_profile_id: i32,
    /// Per task, the preferred hosts (empty: no preference). May be empty altogether.
    pub task_locality_preferences: Vec<Vec<String>>,
}

impl StageSubmitted {
    /// A stage attempt of the default profile without locality preferences.
    pub fn new(stage_id: u32, attempt: u32, num_tasks: u32) -> Self {
        StageSubmitted {
            stage_id,
            attempt,
            num_tasks,
            resource_profile_id: DEFAULT_RESOURCE_PROFILE_ID,
            task_locality_preferences: Vec::new(),
        }
    }
}

/// `SparkListenerTaskStart`, the parts the manager and the monitor read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskStart<'a> {
    pub stage_id: u32,
    pub stage_attempt: u32,
    /// `taskInfo.index`.
    pub index: u32,
    pub executor_id: &'a str,
    pub speculative: bool,
    /// Spark's `client.isExecutorActive(executorId)` at processing time; `None` derives it
    /// ([`ExecutorMonitor::is_executor_active`]).
    pub executor_active: Option<bool>,
}

/// How a task attempt ended, as the manager distinguishes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskEndReason {
    Success,
    /// `TaskKilled` (e.g. the other copy won): the index stays started (SPARK-30511).
    TaskKilled,
    /// `Resubmitted` (map output lost): a failure, the index becomes pending again.
    Resubmitted,
    /// Any other failure (`ExceptionFailure`, `FetchFailed`, `ExecutorLostFailure`,
    /// `TaskResultLost`, `TaskCommitDenied`, `UnknownReason`).
    Failed,
}

impl From<&TaskFailedReason> for TaskEndReason {
    fn from(reason: &TaskFailedReason) -> Self {
        match reason {
            TaskFailedReason::TaskKilled(_) => TaskEndReason::TaskKilled,
            _ => TaskEndReason::Failed,
        }
    }
}

/// `SparkListenerTaskEnd`, the parts the manager and the monitor read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskEnd<'a> {
    pub stage_id: u32,
    pub stage_attempt: u32,
    pub index: u32,
    pub executor_id: &'a str,
    pub speculative: bool,
    pub reason: TaskEndReason,
}

/// The `ExecutorAllocationManagerSource` gauges and counters, plus the add timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocationMetrics {
    /// `numberExecutorsToAdd` (sum over profiles).
    pub number_executors_to_add: i64,
    /// `numberExecutorsPendingToRemove`.
    pub number_executors_pending_to_remove: usize,
    /// `numberAllExecutors`.
    pub number_all_executors: usize,
    /// `numberTargetExecutors` (sum over profiles).
    pub number_target_executors: i64,
    /// `numberMaxNeededExecutors` (sum over profiles).
    pub number_max_needed_executors: i64,
    /// `numberDecommissioningExecutors`.
    pub number_decommissioning_executors: usize,
    /// Sim-side gauge, not a Spark metric: per profile `max(0, target − (registered −
    /// pending removal − decommissioning))`, summed; what a YARN-like cluster manager still
    /// has to start (requested, not yet registered).
    pub number_executors_pending_to_add: i64,
    /// The add timer's deadline (`addTime`), `None` when not set.
    pub add_time: Option<u64>,
    /// Whether the target is still frozen at its initial value.
    pub initializing: bool,
    pub removal_counters: RemovalCounters,
}

/// Spark's `ExecutorAllocationManager` with its `ExecutorAllocationListener` and
/// `ExecutorMonitor`.
#[derive(Clone, Debug)]
pub struct ExecutorAllocationManager {
    settings: AllocationSettings,
    min_num_executors: i32,
    max_num_executors: i32,
    initial_num_executors: i32,
    scheduler_backlog_timeout_ms: i64,
    sustained_scheduler_backlog_timeout_ms: i64,
    executor_allocation_ratio: f64,
    decommission_enabled: bool,
    /// `maxTasksPerExecutor` per profile.
    tasks_per_executor: BTreeMap<i32, u32>,
    /// `numExecutorsToAddPerResourceProfileId`.
    num_executors_to_add: BTreeMap<i32, i32>,
    /// `numExecutorsTargetPerResourceProfileId`.
    num_executors_target: BTreeMap<i32, i32>,
    /// `addTime` (ms), `NOT_SET` when no backlog.
    add_time: i64,
    initializing: bool,
    /// `numLocalityAwareTasksPerResourceProfileId`.
    num_locality_aware_tasks: BTreeMap<i32, i32>,
    /// `rpIdToHostToLocalTaskCount`.
    host_to_local_task_count: BTreeMap<i32, BTreeMap<String, i32>>,
    listener: AllocationListener,
    monitor: ExecutorMonitor,
    /// Decisions made and not yet handed to the caller.
    outbox: Vec<AllocationDecision>,
}

impl ExecutorAllocationManager {
    /// Builds the manager (Spark's constructor with `validateSettings`). Errors are Spark's
    /// start-up failures.
    pub fn new(settings: AllocationSettings) -> Result<Self, ConfError> {
        let da = settings.conf;
        da.check_settings()?;
        if settings.default_profile_max_tasks_per_executor == 0 {
            return Err(ConfError::InvalidSettings {
                keys: vec![
                    "spark.executor.cores".to_string(),
                    "spark.task.cpus".to_string(),
                ],
                message: "an executor must fit at least one task".to_string(),
            });
        }
        let initial = da.initial_target();
        let monitor = ExecutorMonitor::new(MonitorSettings::from_conf(
            &da,
            settings.shuffle_service_fetch_rdd_enabled,
        ));
        Ok(ExecutorAllocationManager {
            settings,
            min_num_executors: da.min_executors,
            max_num_executors: da.max_executors,
            initial_num_executors: initial,
            scheduler_backlog_timeout_ms: da.scheduler_backlog_timeout_ms(),
            sustained_scheduler_backlog_timeout_ms: da.sustained_scheduler_backlog_timeout_ms(),
            executor_allocation_ratio: da.executor_allocation_ratio,
            decommission_enabled: da.decommission_enabled,
            tasks_per_executor: BTreeMap::from([(
                DEFAULT_RESOURCE_PROFILE_ID,
                settings.default_profile_max_tasks_per_executor,
            )]),
            num_executors_to_add: BTreeMap::from([(DEFAULT_RESOURCE_PROFILE_ID, 1)]),
            num_executors_target: BTreeMap::from([(DEFAULT_RESOURCE_PROFILE_ID, initial)]),
            add_time: NOT_SET,
            initializing: true,
            num_locality_aware_tasks: BTreeMap::from([(DEFAULT_RESOURCE_PROFILE_ID, 0)]),
            host_to_local_task_count: BTreeMap::new(),
            listener: AllocationListener::default(),
            monitor,
            outbox: Vec::new(),
        })
    }

    /// [`AllocationSettings::from_conf`] then [`new`](Self::new).
    pub fn from_conf(conf: &SparkConf) -> Result<Self, ConfError> {
        Self::new(AllocationSettings::from_conf(conf)?)
    }

    /// The settings this manager was built with.
    pub fn settings(&self) -> &AllocationSettings {
        &self.settings
    }

    /// Registers a non-default resource profile's `maxTasksPerExecutor` (Spark's
    /// `ResourceProfileManager`). A profile never registered counts 1 task per executor.
    pub fn add_resource_profile(&mut self, resource_profile_id: i32, max_tasks_per_executor: u32) {
        self.tasks_per_executor
            .insert(resource_profile_id, max_tasks_per_executor.max(1));
    }

    /// `start()`: the first `requestTotalExecutors(initial)`. Ticks start now (delay 0).
    pub fn start(&mut self, _now: u64) -> Vec<AllocationDecision> {
        self.push_request(RequestCause::Start);
        self.take_decisions()
    }

    /// `schedule()`: one tick. Timed-out executors end `initializing`; targets are updated and
    /// synced; then idle executors are removed within the floor.
    pub fn schedule(&mut self, now: u64) -> Vec<AllocationDecision> {
        let to_remove = self.monitor.timed_out_executors(now);
        if !to_remove.is_empty() {
            self.initializing = false;
        }
        self.update_and_sync_num_executors_target(now);
        if !to_remove.is_empty() {
            self.remove_executors(&to_remove);
        }
        self.take_decisions()
    }

    /// `reset()` (YARN client mode, AM restarted): targets back to initial, ramp steps to 1,
    /// the add timer to 0 (the next tick may add at once), the monitor forgets every
    /// executor. `initializing` and the listener's stage bookkeeping are kept.
    pub fn reset(&mut self) {
        self.add_time = 0;
        let initial = self.initial_num_executors;
        for target in self.num_executors_target.values_mut() {
            *target = initial;
        }
        for to_add in self.num_executors_to_add.values_mut() {
            *to_add = 1;
        }
        self.monitor.reset();
    }

    /// Decisions queued by the conformance entry points below and not yet returned.
    pub fn take_decisions(&mut self) -> Vec<AllocationDecision> {
        std::mem::take(&mut self.outbox)
    }

    // ---------------------------------------------------------------------------------
    // Listener events.
    // ---------------------------------------------------------------------------------

    /// `onStageSubmitted`: ends `initializing`, starts the backlog timer, records the
    /// attempt's tasks and locality hints. A profile's first stage gives it the initial
    /// target and, if that is positive, an immediate `requestTotalExecutors`.
    pub fn on_stage_submitted(
        &mut self,
        now: u64,
        stage: &StageSubmitted,
    ) -> Vec<AllocationDecision> {
        self.initializing = false;
        let sa = StageAttempt {
            stage_id: stage.stage_id,
            attempt: stage.attempt,
        };
        let rp = stage.resource_profile_id;
        self.listener
            .num_tasks
            .insert(sa, i64::from(stage.num_tasks));
        self.on_scheduler_backlogged(now);
        self.listener
            .resource_profile_to_attempts
            .entry(rp)
            .or_default()
            .insert(sa);
        self.num_executors_to_add.entry(rp).or_insert(1);

        let mut hint = PlacementHint {
            resource_profile_id: rp,
            ..PlacementHint::default()
        };
        for prefs in &stage.task_locality_preferences {
            if !prefs.is_empty() {
                hint.locality_aware_tasks += 1;
                for host in prefs {
                    *hint.host_to_count.entry(host.clone()).or_insert(0) += 1;
                }
            }
        }
        self.listener.placement_hints.insert(sa, hint);
        self.update_executor_placement_hints();

        if !self.num_executors_target.contains_key(&rp) {
            self.num_executors_target
                .insert(rp, self.initial_num_executors);
            if self.initial_num_executors > 0 {
                self.push_request(RequestCause::NewResourceProfile);
            }
        }
        self.take_decisions()
    }

    /// `onStageCompleted`: forget the attempt's tasks (not its running count: a zombie
    /// attempt's tasks still run). When no attempt has tasks or speculative copies left, the
    /// backlog clears.
    pub fn on_stage_completed(&mut self, stage_id: u32, attempt: u32) {
        let sa = StageAttempt { stage_id, attempt };
        let l = &mut self.listener;
        l.num_tasks.remove(&sa);
        l.pending_speculative_tasks.remove(&sa);
        l.task_indices.remove(&sa);
        l.speculative_task_indices.remove(&sa);
        l.placement_hints.remove(&sa);
        l.remove_stage_from_resource_profile_if_unused(sa);
        self.update_executor_placement_hints();
        let l = &self.listener;
        if l.num_tasks.is_empty()
            && l.pending_speculative_tasks.is_empty()
            && l.speculative_task_indices.is_empty()
        {
            self.on_scheduler_queue_empty();
        }
    }

    /// `onTaskStart` (manager and monitor).
    pub fn on_task_start(&mut self, now: u64, task: &TaskStart<'_>) {
        let sa = StageAttempt {
            stage_id: task.stage_id,
            attempt: task.stage_attempt,
        };
        let l = &mut self.listener;
        *l.num_running.entry(sa).or_insert(0) += 1;
        if task.speculative {
            l.speculative_task_indices
                .entry(sa)
                .or_default()
                .insert(task.index);
            if let Some(pending) = l.pending_speculative_tasks.get_mut(&sa) {
                pending.remove(&task.index);
            }
        } else {
            l.task_indices.entry(sa).or_default().insert(task.index);
        }
        if !self.listener.has_pending_tasks() {
            self.on_scheduler_queue_empty();
        }
        let active = task
            .executor_active
            .unwrap_or_else(|| self.monitor.is_executor_active(task.executor_id));
        self.monitor.on_task_start(now, task.executor_id, active);
    }

    /// `onTaskEnd` (manager and monitor). A failure other than `TaskKilled` re-pends a
    /// non-speculative index and restarts the backlog timer if nothing was pending
    /// (SPARK-8366); a success cancels a pending speculative copy (SPARK-41192).
    pub fn on_task_end(&mut self, now: u64, task: &TaskEnd<'_>) {
        let sa = StageAttempt {
            stage_id: task.stage_id,
            attempt: task.stage_attempt,
        };
        if let Some(running) = self.listener.num_running.get_mut(&sa) {
            *running -= 1;
            if *running == 0 {
                self.listener.num_running.remove(&sa);
                self.listener
                    .remove_stage_from_resource_profile_if_unused(sa);
            }
        }
        if task.speculative
            && let Some(indices) = self.listener.speculative_task_indices.get_mut(&sa)
        {
            indices.remove(&task.index);
        }
        match task.reason {
            TaskEndReason::Success => {
                if let Some(pending) = self.listener.pending_speculative_tasks.get_mut(&sa) {
                    pending.remove(&task.index);
                }
            }
            TaskEndReason::TaskKilled => {}
            TaskEndReason::Resubmitted | TaskEndReason::Failed => {
                if !self.listener.has_pending_tasks() {
                    self.on_scheduler_backlogged(now);
                }
                if !task.speculative
                    && let Some(indices) = self.listener.task_indices.get_mut(&sa)
                {
                    indices.remove(&task.index);
                }
            }
        }
        self.monitor.on_task_end(
            now,
            task.executor_id,
            task.stage_id,
            task.reason == TaskEndReason::Success,
        );
    }

    /// `onSpeculativeTaskSubmitted`: a speculative copy of `index` is wanted.
    pub fn on_speculative_task_submitted(
        &mut self,
        now: u64,
        stage_id: u32,
        stage_attempt: u32,
        index: u32,
    ) {
        let sa = StageAttempt {
            stage_id,
            attempt: stage_attempt,
        };
        self.listener
            .pending_speculative_tasks
            .entry(sa)
            .or_default()
            .insert(index);
        self.on_scheduler_backlogged(now);
    }

    /// `onUnschedulableTaskSetAdded` (excludeOnFailure left no eligible executor).
    pub fn on_unschedulable_task_set_added(&mut self, now: u64, stage_id: u32, stage_attempt: u32) {
        self.listener.unschedulable_task_sets.insert(StageAttempt {
            stage_id,
            attempt: stage_attempt,
        });
        self.on_scheduler_backlogged(now);
    }

    /// `onUnschedulableTaskSetRemoved`.
    pub fn on_unschedulable_task_set_removed(&mut self, stage_id: u32, stage_attempt: u32) {
        let sa = StageAttempt {
            stage_id,
            attempt: stage_attempt,
        };
        self.listener.unschedulable_task_sets.remove(&sa);
        self.listener
            .remove_stage_from_resource_profile_if_unused(sa);
    }

    /// `onExecutorAdded` (monitor): the executor registered; idle from `now`.
    pub fn on_executor_added(&mut self, now: u64, executor_id: &str, resource_profile_id: i32) {
        self.monitor
            .on_executor_added(now, executor_id, resource_profile_id);
    }

    /// `onExecutorRemoved` (monitor). `decommission_finished`: the removal reason was a
    /// finished decommission (only matters for the counters).
    pub fn on_executor_removed(&mut self, executor_id: &str, decommission_finished: bool) {
        self.monitor
            .on_executor_removed(executor_id, decommission_finished);
    }

    /// The engine did not kill (or decommission) these executors after all.
    pub fn on_kill_refused(&mut self, executor_ids: &[String]) {
        self.monitor.executors_kill_refused(executor_ids);
    }

    /// `onJobStart` (monitor, shuffle tracking): the job's stages and their shuffle ids.
    pub fn on_job_start(&mut self, job_id: u32, stages: &[(u32, Option<u32>)]) {
        self.monitor.on_job_start(job_id, stages);
    }

    /// `onJobEnd` (monitor, shuffle tracking).
    pub fn on_job_end(&mut self, job_id: u32) {
        self.monitor.on_job_end(job_id);
    }

    /// `onBlockUpdated` for an RDD block (monitor, `cachedExecutorIdleTimeout`).
    pub fn on_rdd_block_updated(
        &mut self,
        executor_id: &str,
        rdd_id: u32,
        split_index: u32,
        level: BlockStorageLevel,
    ) {
        self.monitor
            .on_rdd_block_updated(executor_id, rdd_id, split_index, level);
    }

    /// `onBlockUpdated` for a shuffle data block (monitor, shuffle tracking).
    pub fn on_shuffle_data_block_updated(&mut self, executor_id: &str, shuffle_id: u32) {
        self.monitor
            .on_shuffle_data_block_updated(executor_id, shuffle_id);
    }

    /// `onUnpersistRDD` (monitor).
    pub fn on_unpersist_rdd(&mut self, rdd_id: u32) {
        self.monitor.on_unpersist_rdd(rdd_id);
    }

    /// `shuffleCleaned` from the ContextCleaner (monitor, shuffle tracking).
    pub fn on_shuffle_cleaned(&mut self, shuffle_id: u32) {
        self.monitor.shuffle_cleaned(shuffle_id);
    }

    // ---------------------------------------------------------------------------------
    // Observable state.
    // ---------------------------------------------------------------------------------

    /// `numExecutorsTargetPerResourceProfileId(rp)`.
    pub fn num_executors_target(&self, resource_profile_id: i32) -> Option<i32> {
        self.num_executors_target.get(&resource_profile_id).copied()
    }

    /// The default profile's target.
    pub fn target(&self) -> i32 {
        self.num_executors_target(DEFAULT_RESOURCE_PROFILE_ID)
            .unwrap_or(self.initial_num_executors)
    }

    /// Every profile's target.
    pub fn targets(&self) -> &BTreeMap<i32, i32> {
        &self.num_executors_target
    }

    /// `numExecutorsToAddPerResourceProfileId(rp)`: the next ramp step.
    pub fn num_executors_to_add(&self, resource_profile_id: i32) -> Option<i32> {
        self.num_executors_to_add.get(&resource_profile_id).copied()
    }

    /// `addTime` in ms; `None` is `NOT_SET`.
    pub fn add_time(&self) -> Option<u64> {
        (self.add_time != NOT_SET).then(|| self.add_time.max(0) as u64)
    }

    /// Whether the target is frozen (no stage submitted and no idle timeout yet).
    pub fn is_initializing(&self) -> bool {
        self.initializing
    }

    /// The initial target, `max(minExecutors, initialExecutors, spark.executor.instances)`.
    pub fn initial_num_executors(&self) -> i32 {
        self.initial_num_executors
    }

    /// `maxNumExecutorsNeededPerResourceProfile(rp)` (A.5).
    pub fn max_num_executors_needed(&self, resource_profile_id: i32) -> i32 {
        let rp = resource_profile_id;
        let pending = self.listener.pending_tasks(rp);
        let pending_speculative = self.listener.pending_speculative_tasks(rp);
        let unschedulable = self.listener.pending_unschedulable_task_sets(rp);
        let running = self.listener.total_running_tasks(rp);
        let total = pending + pending_speculative + running;
        let tpe = self.tasks_per_executor.get(&rp).copied().unwrap_or(1);
        let ratio = self.executor_allocation_ratio;
        // Scala's `math.ceil(n * ratio / tpe).toInt` (double arithmetic, saturating).
        let max_needed = (total as f64 * ratio / f64::from(tpe)).ceil() as i32;
        let with_speculation_locality = if tpe > 1 && max_needed == 1 && pending_speculative > 0 {
            max_needed + 1
        } else {
            max_needed
        };
        if unschedulable > 0 {
            let for_unschedulables = (unschedulable as f64 * ratio / f64::from(tpe)).ceil() as i32;
            let registered = self.registered_executors(rp);
            with_speculation_locality.max(registered.saturating_add(for_unschedulables))
        } else {
            with_speculation_locality
        }
    }

    /// `pendingTasksPerResourceProfile(rp)`.
    pub fn pending_tasks(&self, resource_profile_id: i32) -> i64 {
        self.listener.pending_tasks(resource_profile_id)
    }

    /// `pendingSpeculativeTasksPerResourceProfile(rp)`.
    pub fn pending_speculative_tasks(&self, resource_profile_id: i32) -> i64 {
        self.listener.pending_speculative_tasks(resource_profile_id)
    }

    /// `totalRunningTasksPerResourceProfile(rp)`.
    pub fn total_running_tasks(&self, resource_profile_id: i32) -> i64 {
        self.listener.total_running_tasks(resource_profile_id)
    }

    /// `hasPendingTasks`.
    pub fn has_pending_tasks(&self) -> bool {
        self.listener.has_pending_tasks()
    }

    /// Locality-aware tasks of a profile (`None` if the profile has no hint entry).
    pub fn locality_aware_tasks(&self, resource_profile_id: i32) -> Option<i32> {
        self.num_locality_aware_tasks
            .get(&resource_profile_id)
            .copied()
    }

    /// Host → preferring tasks of a profile (`None` if no host is preferred).
    pub fn host_to_local_task_count(
        &self,
        resource_profile_id: i32,
    ) -> Option<&BTreeMap<String, i32>> {
        self.host_to_local_task_count.get(&resource_profile_id)
    }

    /// Sim-side: `max(0, target − (registered − pending removal − decommissioning))` for a
    /// profile, the executors requested and not yet registered as a YARN-like cluster
    /// manager counts them (Spark itself keeps no such number).
    pub fn executors_pending_to_add(&self, resource_profile_id: i32) -> i32 {
        let rp = resource_profile_id;
        let Some(&target) = self.num_executors_target.get(&rp) else {
            return 0;
        };
        let alive = self.monitor.executor_count_with_resource_profile(rp)
            - self.monitor.pending_removal_count_per_resource_profile(rp)
            - self.monitor.decommissioning_per_resource_profile(rp);
        let missing = (i64::from(target) - alive).max(0);
        i32::try_from(missing).unwrap_or(i32::MAX)
    }

    /// The executor monitor.
    pub fn monitor(&self) -> &ExecutorMonitor {
        &self.monitor
    }

    /// The executor monitor, mutably (Spark's tests call `timedOutExecutors()` directly).
    pub fn monitor_mut(&mut self) -> &mut ExecutorMonitor {
        &mut self.monitor
    }

    /// `executorMonitor.executorsPendingToRemove()`.
    pub fn executors_pending_to_remove(&self) -> BTreeSet<String> {
        self.monitor.executors_pending_to_remove()
    }

    /// `executorMonitor.executorsDecommissioning()`.
    pub fn executors_decommissioning(&self) -> BTreeSet<String> {
        self.monitor.executors_decommissioning()
    }

    /// `executorMonitor.executorCount`.
    pub fn executor_count(&self) -> usize {
        self.monitor.executor_count()
    }

    /// The `ExecutorAllocationManagerSource` metrics.
    pub fn metrics(&self) -> AllocationMetrics {
        AllocationMetrics {
            number_executors_to_add: self
                .num_executors_to_add
                .values()
                .map(|&v| i64::from(v))
                .sum(),
            number_executors_pending_to_remove: self.monitor.pending_removal_count(),
            number_all_executors: self.monitor.executor_count(),
            number_target_executors: self
                .num_executors_target
                .values()
                .map(|&v| i64::from(v))
                .sum(),
            number_max_needed_executors: self
                .num_executors_target
                .keys()
                .map(|&rp| i64::from(self.max_num_executors_needed(rp)))
                .sum(),
            number_decommissioning_executors: self.monitor.decommissioning_count(),
            number_executors_pending_to_add: self
                .num_executors_target
                .keys()
                .map(|&rp| i64::from(self.executors_pending_to_add(rp)))
                .sum(),
            add_time: self.add_time(),
            initializing: self.initializing,
            removal_counters: self.monitor.removal_counters(),
        }
    }

    // ---------------------------------------------------------------------------------
    // Spark's private steps, public for conformance tests (PrivateMethodTester). The
    // engine needs only `schedule`. Decisions they make are queued: see `take_decisions`.
    // ---------------------------------------------------------------------------------

    /// `onSchedulerBacklogged`: start the add timer if it is not running.
    pub fn on_scheduler_backlogged(&mut self, now: u64) {
        if self.add_time == NOT_SET {
            self.add_time = to_ms(now).saturating_add(self.scheduler_backlog_timeout_ms);
        }
    }

    /// `onSchedulerQueueEmpty`: clear the add timer and reset every ramp step to 1.
    pub fn on_scheduler_queue_empty(&mut self) {
        self.add_time = NOT_SET;
        for to_add in self.num_executors_to_add.values_mut() {
            *to_add = 1;
        }
    }

    /// `updateAndSyncNumExecutorsTarget(now)`: lower every target above what is needed, or
    /// ramp up where the add timer has expired; one request for all changes. Returns the
    /// total delta.
    pub fn update_and_sync_num_executors_target(&mut self, now: u64) -> i32 {
        if self.initializing {
            return 0;
        }
        let now_ms = to_ms(now);
        let mut updates: BTreeMap<i32, i32> = BTreeMap::new();
        let profiles: Vec<(i32, i32)> = self
            .num_executors_target
            .iter()
            .map(|(&rp, &t)| (rp, t))
            .collect();
        for (rp, target) in profiles {
            let max_needed = self.max_num_executors_needed(rp);
            let delta = if max_needed < target {
                self.decrement_executors(max_needed, rp)
            } else if self.add_time != NOT_SET && now_ms >= self.add_time {
                self.add_executors(max_needed, rp)
            } else {
                0
            };
            if delta != 0 {
                updates.insert(rp, delta);
            }
        }
        self.do_update_request(&updates, now_ms)
    }

    /// One ramp round for one profile, as Spark's suite runs it: `addExecutorsToTarget(
    /// maxNumExecutorsNeeded)` then `doUpdateRequest` (with a fresh updates map; the suite
    /// reuses its map, which only matters after rounds adding 0). Ignores the add timer.
    /// Returns the delta of the round.
    pub fn add_executors_to_target(&mut self, now: u64, resource_profile_id: i32) -> i32 {
        if !self.num_executors_target.contains_key(&resource_profile_id) {
            return 0;
        }
        let max_needed = self.max_num_executors_needed(resource_profile_id);
        let delta = self.add_executors(max_needed, resource_profile_id);
        let mut updates = BTreeMap::new();
        if delta != 0 {
            updates.insert(resource_profile_id, delta);
        }
        self.do_update_request(&updates, to_ms(now));
        delta
    }

    /// `removeExecutors(executors)`: kill, in the order given, each executor whose removal
    /// keeps `registered − pendingRemoval − decommissioning` of its profile at or above both
    /// `minExecutors` and the profile's target. Returns the executors killed (or
    /// decommissioned); queues `KillExecutors` and the re-sent request.
    pub fn remove_executors(&mut self, executors: &[(String, i32)]) -> Vec<String> {
        let mut to_remove: Vec<String> = Vec::new();
        let mut remaining: BTreeMap<i32, i64> = BTreeMap::new();
        for (id, rp) in executors {
            let rp = *rp;
            if rp == UNKNOWN_RESOURCE_PROFILE_ID {
                // Spark: "Not removing executor … because the ResourceProfile was UNKNOWN".
                continue;
            }
            let monitor = &self.monitor;
            let total = remaining.entry(rp).or_insert_with(|| {
                monitor.executor_count_with_resource_profile(rp)
                    - monitor.pending_removal_count_per_resource_profile(rp)
                    - monitor.decommissioning_per_resource_profile(rp)
            });
            if *total - 1 < i64::from(self.min_num_executors) {
                continue;
            }
            let Some(&target) = self.num_executors_target.get(&rp) else {
                // Spark reads `numExecutorsTargetPerResourceProfileId(rpId)` here, which
                // throws for a profile without a target: the whole removal is lost.
                return Vec::new();
            };
            if *total - 1 < i64::from(target) {
                continue;
            }
            to_remove.push(id.clone());
            *total -= 1;
        }
        if to_remove.is_empty() {
            return to_remove;
        }
        let reason = if self.decommission_enabled {
            KillReason::DecommissionScaleDown
        } else {
            KillReason::IdleTimeout
        };
        self.outbox
            .push(AllocationDecision::KillExecutors(KillExecutors {
                ids: to_remove.clone(),
                reason,
            }));
        self.push_request(RequestCause::ResyncAfterKill);
        if self.decommission_enabled {
            self.monitor.executors_decommissioned(&to_remove);
        } else {
            self.monitor.executors_killed(&to_remove);
        }
        to_remove
    }

    // ---------------------------------------------------------------------------------
    // Internals.
    // ---------------------------------------------------------------------------------

    fn registered_executors(&self, rp: i32) -> i32 {
        let n = self.monitor.executor_count_with_resource_profile(rp);
        i32::try_from(n).unwrap_or(i32::MAX)
    }

    /// `decrementExecutors`: target down to `max(maxNeeded, minExecutors)`, step to 1.
    fn decrement_executors(&mut self, max_needed: i32, rp: i32) -> i32 {
        let old = self.num_executors_target.get(&rp).copied().unwrap_or(0);
        let new = max_needed.max(self.min_num_executors);
        self.num_executors_target.insert(rp, new);
        self.num_executors_to_add.insert(rp, 1);
        new - old
    }

    /// `addExecutors`: one ramp step, from at least the registered executors, capped by what
    /// is needed and by the bounds. A round that changes nothing resets the step.
    fn add_executors(&mut self, max_needed: i32, rp: i32) -> i32 {
        let old = self.num_executors_target.get(&rp).copied().unwrap_or(0);
        if old >= self.max_num_executors {
            self.num_executors_to_add.insert(rp, 1);
            return 0;
        }
        let to_add = self.num_executors_to_add.get(&rp).copied().unwrap_or(1);
        let mut target = old.max(self.registered_executors(rp));
        target = target.saturating_add(to_add);
        target = target.min(max_needed);
        target = target
            .min(self.max_num_executors)
            .max(self.min_num_executors);
        let delta = target - old;
        self.num_executors_target.insert(rp, target);
        if delta == 0 {
            self.num_executors_to_add.insert(rp, 1);
        }
        delta
    }

    /// `doUpdateRequest`: one request for all changed profiles (always acknowledged here);
    /// every profile that grew doubles its step if it grew by exactly the step (else 1) and
    /// re-arms the add timer with the sustained timeout.
    fn do_update_request(&mut self, updates: &BTreeMap<i32, i32>, now_ms: i64) -> i32 {
        if updates.is_empty() {
            return 0;
        }
        self.push_request(RequestCause::TargetChanged);
        let mut total_delta = 0;
        for (&rp, &delta) in updates {
            total_delta += delta;
            if delta > 0 {
                let step = self.num_executors_to_add.get(&rp).copied().unwrap_or(1);
                let next = if delta == step {
                    step.saturating_mul(2)
                } else {
                    1
                };
                self.num_executors_to_add.insert(rp, next);
                self.add_time = now_ms.saturating_add(self.sustained_scheduler_backlog_timeout_ms);
            }
        }
        total_delta
    }

    /// `updateExecutorPlacementHints`.
    fn update_executor_placement_hints(&mut self) {
        let (aware, hosts) = self.listener.executor_placement_hints();
        self.num_locality_aware_tasks = aware;
        self.host_to_local_task_count = hosts;
    }

    fn push_request(&mut self, cause: RequestCause) {
        self.outbox.push(AllocationDecision::RequestTotalExecutors(
            RequestTotalExecutors {
                target: self.target(),
                targets_per_profile: self.num_executors_target.clone(),
                locality_aware_tasks: self.num_locality_aware_tasks.clone(),
                host_to_local_task_count: self.host_to_local_task_count.clone(),
                cause,
            },
        ));
    }
}
