//! `ExecutorMonitor` (Spark 3.5, `org.apache.spark.scheduler.dynalloc`): which executors are
//! idle, since when, and which of them have timed out (DA spec A.7).
//!
//! One [`Tracker`](ExecutorMonitor) per executor: resource profile, running tasks, idle start,
//! cached RDD blocks, shuffle ids held (shuffle tracking), `pendingRemoval`, `decommissioning`.
//! While idle its deadline is `idleStart + max(executorIdleTimeout, cached ? cachedExecutorIdle
//! Timeout : 0, shuffle data ? shuffleTracking.timeout : 0)`, saturating to "never"
//! (SPARK-28455, SPARK-43398). [`ExecutorMonitor::timed_out_executors`] returns the executors
//! past their deadline that are neither pending removal, decommissioning, nor holding shuffle
//! data of an active job, **sorted by executor-id string** (`"10" < "2"`), as Spark sorts them.
//!
//! Spark caches the timed-out list and rescans only when `now >= nextTimeout` or when an event
//! invalidates it (`nextTimeout = Long.MinValue`); that cache is reproduced exactly, flag for
//! flag (`timedOut`), so the list returned is Spark's even in the corner where the cache is
//! stale (a migrated shuffle block arriving on an executor already listed as timed out).
//!
//! Times are integer milliseconds (`now`), Spark's `nanoTime` readings; every DA timeout is a
//! whole number of seconds or milliseconds, so nothing is lost. Nothing here reads a clock.
//!
//! Not modelled: `SparkListenerBlockUpdated` for block kinds other than RDD blocks and
//! shuffle *data* blocks (Spark ignores them too); the listener-bus thread race between a
//! task start and the allocation thread (events are applied when the caller delivers them).

use std::collections::{BTreeMap, BTreeSet};

use crate::conf::DynamicAllocationConf;

/// `ResourceProfile.UNKNOWN_RESOURCE_PROFILE_ID`: an executor first seen through a task or
/// block event, before its `ExecutorAdded`.
pub const UNKNOWN_RESOURCE_PROFILE_ID: i32 = -1;

/// "Never" for deadlines (Spark's `Long.MaxValue`).
const NEVER: i64 = i64::MAX;
/// "Rescan now" (Spark's `nextTimeout.set(Long.MinValue)`).
const RESCAN: i64 = i64::MIN;

/// What the monitor reads from the configuration (`ExecutorMonitor`'s constructor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonitorSettings {
    /// `spark.dynamicAllocation.executorIdleTimeout`, ms.
    pub idle_timeout_ms: i64,
    /// `spark.dynamicAllocation.cachedExecutorIdleTimeout`, ms.
    pub storage_timeout_ms: i64,
    /// `spark.dynamicAllocation.shuffleTracking.timeout`, ms.
    pub shuffle_timeout_ms: i64,
    /// `!spark.shuffle.service.enabled && spark.dynamicAllocation.shuffleTracking.enabled`.
    pub shuffle_tracking_enabled: bool,
    /// `spark.shuffle.service.enabled && spark.shuffle.service.fetch.rdd.enabled`: cached
    /// blocks on disk are served by the shuffle service, so they do not keep an executor.
    pub fetch_from_shuffle_svc_enabled: bool,
}

impl MonitorSettings {
    /// Spark's derivation from the dynamic-allocation keys plus
    /// `spark.shuffle.service.fetch.rdd.enabled`.
    pub fn from_conf(da: &DynamicAllocationConf, shuffle_service_fetch_rdd_enabled: bool) -> Self {
        MonitorSettings {
            idle_timeout_ms: da.executor_idle_timeout_ms(),
            storage_timeout_ms: da.cached_executor_idle_timeout_ms(),
            shuffle_timeout_ms: da.shuffle_tracking_timeout_ms,
            shuffle_tracking_enabled: !da.shuffle_service_enabled && da.shuffle_tracking_enabled,
            fetch_from_shuffle_svc_enabled: da.shuffle_service_enabled
                && shuffle_service_fetch_rdd_enabled,
        }
    }
}

/// The parts of a `StorageLevel` the monitor reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockStorageLevel {
    pub use_disk: bool,
    pub use_memory: bool,
    pub use_off_heap: bool,
    pub replication: u32,
}

impl BlockStorageLevel {
    /// `StorageLevel.NONE`: the block was dropped.
    pub const NONE: BlockStorageLevel = BlockStorageLevel {
        use_disk: false,
        use_memory: false,
        use_off_heap: false,
        replication: 1,
    };
    /// `StorageLevel.MEMORY_ONLY`.
    pub const MEMORY_ONLY: BlockStorageLevel = BlockStorageLevel {
        use_disk: false,
        use_memory: true,
        use_off_heap: false,
        replication: 1,
    };
    /// `StorageLevel.DISK_ONLY`.
    pub const DISK_ONLY: BlockStorageLevel = BlockStorageLevel {
        use_disk: true,
        use_memory: false,
        use_off_heap: false,
        replication: 1,
    };
    /// `StorageLevel.MEMORY_AND_DISK`.
    pub const MEMORY_AND_DISK: BlockStorageLevel = BlockStorageLevel {
        use_disk: true,
        use_memory: true,
        use_off_heap: false,
        replication: 1,
    };

    /// `StorageLevel.isValid`: replicated somewhere, in memory, on disk or off heap.
    pub fn is_valid(&self) -> bool {
        self.replication > 0 && (self.use_memory || self.use_disk || self.use_off_heap)
    }
}

/// The `ExecutorAllocationManagerSource` removal counters the monitor bumps on
/// `ExecutorRemoved` (SPARK-33763).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RemovalCounters {
    /// `numberExecutorsGracefullyDecommissioned`.
    pub gracefully_decommissioned: u64,
    /// `numberExecutorsDecommissionUnfinished`.
    pub decommission_unfinished: u64,
    /// `numberExecutorsKilledByDriver`.
    pub driver_killed: u64,
    /// `numberExecutorsExitedUnexpectedly`.
    pub exited_unexpectedly: u64,
}

#[derive(Clone, Debug)]
struct Tracker {
    resource_profile_id: i32,
    /// Sim-side: an `ExecutorAdded` was seen (the default answer to `isExecutorActive`).
    registered: bool,
    timeout_at: i64,
    timed_out: bool,
    pending_removal: bool,
    decommissioning: bool,
    has_active_shuffle: bool,
    idle_start: i64,
    running_tasks: i64,
    /// RDD id → partitions cached on this executor.
    cached_blocks: BTreeMap<u32, BTreeSet<u32>>,
    /// Shuffle ids whose output this executor holds; `None` without shuffle tracking.
    shuffle_ids: Option<BTreeSet<u32>>,
}

impl Tracker {
    fn new(resource_profile_id: i32, shuffle_tracking: bool) -> Self {
        Tracker {
            resource_profile_id,
            registered: false,
            timeout_at: NEVER,
            timed_out: false,
            pending_removal: false,
            decommissioning: false,
            has_active_shuffle: false,
            idle_start: -1,
            running_tasks: 0,
            cached_blocks: BTreeMap::new(),
            shuffle_ids: shuffle_tracking.then(BTreeSet::new),
        }
    }

    fn is_idle(&self) -> bool {
        self.idle_start >= 0 && !self.has_active_shuffle
    }

    fn holds_shuffle_data(&self) -> bool {
        self.shuffle_ids.as_ref().is_some_and(|s| !s.is_empty())
    }
}

/// `updateNextTimeout`: lower the cached next timeout.
fn lower_next_timeout(next_timeout: &mut i64, value: i64) {
    if value < *next_timeout {
        *next_timeout = value;
    }
}

/// `Tracker.updateTimeout`.
fn update_timeout(t: &mut Tracker, next_timeout: &mut i64, s: &MonitorSettings) {
    let old_deadline = t.timeout_at;
    let new_deadline = if t.idle_start >= 0 {
        let cache = if t.cached_blocks.is_empty() {
            0
        } else {
            s.storage_timeout_ms
        };
        let shuffle = if t.holds_shuffle_data() {
            s.shuffle_timeout_ms
        } else {
            0
        };
        let timeout = cache.max(shuffle).max(s.idle_timeout_ms);
        // Spark: `if (deadline >= 0) deadline else Long.MaxValue` after an overflowing add.
        t.idle_start.saturating_add(timeout)
    } else {
        NEVER
    };
    t.timeout_at = new_deadline;
    if new_deadline > old_deadline && t.timed_out {
        *next_timeout = RESCAN;
    } else {
        lower_next_timeout(next_timeout, new_deadline);
    }
}

/// `Tracker.updateRunningTasks`.
fn update_running_tasks(
    t: &mut Tracker,
    delta: i64,
    now: i64,
    next_timeout: &mut i64,
    s: &MonitorSettings,
) {
    t.running_tasks = (t.running_tasks + delta).max(0);
    t.idle_start = if t.running_tasks == 0 { now } else { -1 };
    update_timeout(t, next_timeout, s);
}

/// `Tracker.updateActiveShuffles`.
fn update_active_shuffles(
    t: &mut Tracker,
    ids: &[u32],
    next_timeout: &mut i64,
    s: &MonitorSettings,
) {
    let had_active_shuffle = t.has_active_shuffle;
    t.has_active_shuffle = match &t.shuffle_ids {
        Some(held) => ids.iter().any(|id| held.contains(id)),
        None => false,
    };
    if had_active_shuffle && t.is_idle() {
        update_timeout(t, next_timeout, s);
    }
}

/// `Tracker.addShuffle`.
fn add_shuffle(t: &mut Tracker, shuffle_id: u32) {
    if let Some(held) = &mut t.shuffle_ids
        && held.insert(shuffle_id)
    {
        t.has_active_shuffle = true;
    }
}

pub(crate) fn to_ms(now: u64) -> i64 {
    i64::try_from(now).unwrap_or(i64::MAX)
}

/// Spark's `ExecutorMonitor`: the idle bookkeeping behind dynamic allocation's removals.
#[derive(Clone, Debug)]
pub struct ExecutorMonitor {
    settings: MonitorSettings,
    /// Executor id → tracker; a `BTreeMap` so every scan is in executor-id string order.
    executors: BTreeMap<String, Tracker>,
    /// `execResourceProfileCount`.
    exec_resource_profile_count: BTreeMap<i32, i64>,
    /// `nextTimeout`: the scan runs only when `now >= next_timeout`.
    next_timeout: i64,
    /// `timedOutExecs`, kept sorted by executor id.
    timed_out_execs: Vec<(String, i32)>,
    /// `shuffleToActiveJobs`.
    shuffle_to_active_jobs: BTreeMap<u32, Vec<u32>>,
    /// `stageToShuffleID`.
    stage_to_shuffle_id: BTreeMap<u32, u32>,
    /// `jobToStageIDs`.
    job_to_stage_ids: BTreeMap<u32, Vec<u32>>,
    counters: RemovalCounters,
}

impl ExecutorMonitor {
    /// An empty monitor.
    pub fn new(settings: MonitorSettings) -> Self {
        ExecutorMonitor {
            settings,
            executors: BTreeMap::new(),
            exec_resource_profile_count: BTreeMap::new(),
            next_timeout: NEVER,
            timed_out_execs: Vec::new(),
            shuffle_to_active_jobs: BTreeMap::new(),
            stage_to_shuffle_id: BTreeMap::new(),
            job_to_stage_ids: BTreeMap::new(),
            counters: RemovalCounters::default(),
        }
    }

    /// The settings this monitor was built with.
    pub fn settings(&self) -> &MonitorSettings {
        &self.settings
    }

    /// `reset()` (YARN AM restart): forget every executor. Shuffle/job bookkeeping stays.
    pub fn reset(&mut self) {
        self.executors.clear();
        self.exec_resource_profile_count.clear();
        self.next_timeout = NEVER;
        self.timed_out_execs.clear();
    }

    /// `timedOutExecutors()`: executors (with their resource profile) whose idle deadline is
    /// `<= now`, excluding those pending removal, decommissioning or holding active shuffle
    /// data; sorted by executor-id string. Rescans only when the cached list may be stale.
    pub fn timed_out_executors(&mut self, now: u64) -> Vec<(String, i32)> {
        let now = to_ms(now);
        if now >= self.next_timeout {
            self.next_timeout = NEVER;
            let mut new_next_timeout = NEVER;
            let mut timed_out = Vec::new();
            for (id, exec) in self.executors.iter_mut() {
                if exec.pending_removal || exec.has_active_shuffle || exec.decommissioning {
                    continue;
                }
                if exec.timeout_at > now {
                    new_next_timeout = new_next_timeout.min(exec.timeout_at);
                    exec.timed_out = false;
                } else {
                    exec.timed_out = true;
                    timed_out.push((id.clone(), exec.resource_profile_id));
                }
            }
            self.timed_out_execs = timed_out;
            lower_next_timeout(&mut self.next_timeout, new_next_timeout);
        }
        self.timed_out_execs.clone()
    }

    /// `executorsKilled`: mark executors pending removal (unknown ids are ignored).
    pub fn executors_killed(&mut self, ids: &[String]) {
        for id in ids {
            if let Some(t) = self.executors.get_mut(id) {
                t.pending_removal = true;
            }
        }
        self.next_timeout = RESCAN;
    }

    /// `executorsDecommissioned`: mark executors decommissioning (unknown ids are ignored).
    pub fn executors_decommissioned(&mut self, ids: &[String]) {
        for id in ids {
            if let Some(t) = self.executors.get_mut(id) {
                t.decommissioning = true;
            }
        }
        self.next_timeout = RESCAN;
    }

    /// Sim-side correction: the backend refused to kill (or decommission) these executors
    /// (Spark's `killExecutors(force = false)` skips busy ones), so they are not pending
    /// removal after all. Equivalent to Spark never having marked them.
    pub fn executors_kill_refused(&mut self, ids: &[String]) {
        for id in ids {
            if let Some(t) = self.executors.get_mut(id) {
                t.pending_removal = false;
                t.decommissioning = false;
            }
        }
        self.next_timeout = RESCAN;
    }

    /// `executorCount`: every tracked executor, pending removal included.
    pub fn executor_count(&self) -> usize {
        self.executors.len()
    }

    /// `executorCountWithResourceProfile`.
    pub fn executor_count_with_resource_profile(&self, rp: i32) -> i64 {
        self.exec_resource_profile_count
            .get(&rp)
            .copied()
            .unwrap_or(0)
    }

    /// `getResourceProfileId` (`UNKNOWN_RESOURCE_PROFILE_ID` if not tracked).
    pub fn resource_profile_id(&self, executor_id: &str) -> i32 {
        self.executors
            .get(executor_id)
            .map_or(UNKNOWN_RESOURCE_PROFILE_ID, |t| t.resource_profile_id)
    }

    /// `pendingRemovalCount`.
    pub fn pending_removal_count(&self) -> usize {
        self.executors
            .values()
            .filter(|t| t.pending_removal)
            .count()
    }

    /// `pendingRemovalCountPerResourceProfileId`.
    pub fn pending_removal_count_per_resource_profile(&self, rp: i32) -> i64 {
        self.executors
            .values()
            .filter(|t| t.resource_profile_id == rp && t.pending_removal)
            .count() as i64
    }

    /// `decommissioningCount`.
    pub fn decommissioning_count(&self) -> usize {
        self.executors
            .values()
            .filter(|t| t.decommissioning)
            .count()
    }

    /// `decommissioningPerResourceProfileId`.
    pub fn decommissioning_per_resource_profile(&self, rp: i32) -> i64 {
        self.executors
            .values()
            .filter(|t| t.resource_profile_id == rp && t.decommissioning)
            .count() as i64
    }

    /// `executorsPendingToRemove()`.
    pub fn executors_pending_to_remove(&self) -> BTreeSet<String> {
        self.executors
            .iter()
            .filter(|(_, t)| t.pending_removal)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// `executorsDecommissioning()`.
    pub fn executors_decommissioning(&self) -> BTreeSet<String> {
        self.executors
            .iter()
            .filter(|(_, t)| t.decommissioning)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// `isExecutorIdle` (`None` for an untracked executor, where Spark throws).
    pub fn is_executor_idle(&self, executor_id: &str) -> Option<bool> {
        self.executors.get(executor_id).map(Tracker::is_idle)
    }

    /// The idle deadline (`timeoutAt`, ms) of a tracked executor; `None` if untracked or never.
    pub fn timeout_at(&self, executor_id: &str) -> Option<u64> {
        self.executors
            .get(executor_id)
            .and_then(|t| (t.timeout_at != NEVER).then(|| t.timeout_at.max(0) as u64))
    }

    /// The testing variant `timedOutExecutors(when)`: idle executors with `timeoutAt <= when`,
    /// whatever their removal state, sorted by id.
    pub fn timed_out_executors_at(&self, when: u64) -> Vec<String> {
        let when = to_ms(when);
        self.executors
            .iter()
            .filter(|(_, t)| t.is_idle() && t.timeout_at <= when)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The default answer to Spark's `client.isExecutorActive`: registered (an
    /// `ExecutorAdded` was seen and no `ExecutorRemoved` since) and neither pending removal
    /// nor decommissioning. Executors the engine knows to be lost should be reported inactive
    /// by the caller instead.
    pub fn is_executor_active(&self, executor_id: &str) -> bool {
        self.executors
            .get(executor_id)
            .is_some_and(|t| t.registered && !t.pending_removal && !t.decommissioning)
    }

    /// The SPARK-33763 removal counters.
    pub fn removal_counters(&self) -> RemovalCounters {
        self.counters
    }

    fn decrement_exec_resource_profile_count(&mut self, rp: i32) {
        if let Some(count) = self.exec_resource_profile_count.get_mut(&rp) {
            *count -= 1;
            if *count == 0 {
                self.exec_resource_profile_count.remove(&rp);
            }
        }
    }

    /// `ensureExecutorIsTracked`: track `id` under `rp`, or fix up an UNKNOWN profile.
    fn ensure_executor_is_tracked(&mut self, id: &str, rp: i32) {
        let num_execs_with_rp = self.executor_count_with_resource_profile(rp);
        if !self.executors.contains_key(id) {
            self.exec_resource_profile_count
                .insert(rp, num_execs_with_rp + 1);
            self.executors.insert(
                id.to_string(),
                Tracker::new(rp, self.settings.shuffle_tracking_enabled),
            );
            return;
        }
        let needs_fixup = self
            .executors
            .get(id)
            .is_some_and(|t| t.resource_profile_id == UNKNOWN_RESOURCE_PROFILE_ID)
            && rp != UNKNOWN_RESOURCE_PROFILE_ID;
        if needs_fixup {
            if let Some(t) = self.executors.get_mut(id) {
                t.resource_profile_id = rp;
            }
            self.exec_resource_profile_count
                .insert(rp, num_execs_with_rp + 1);
            self.decrement_exec_resource_profile_count(UNKNOWN_RESOURCE_PROFILE_ID);
        }
    }

    /// `onJobStart` (shuffle tracking only): `stages` are the job's stages with their shuffle
    /// dependency id, if any. A shuffle reused by a new job makes the executors holding it
    /// active again.
    pub fn on_job_start(&mut self, job_id: u32, stages: &[(u32, Option<u32>)]) {
        if !self.settings.shuffle_tracking_enabled {
            return;
        }
        let shuffle_stages: Vec<(u32, u32)> = stages
            .iter()
            .filter_map(|&(stage, shuffle)| shuffle.map(|s| (stage, s)))
            .collect();
        let mut update_executors = false;
        for &(_, shuffle) in &shuffle_stages {
            match self.shuffle_to_active_jobs.get_mut(&shuffle) {
                Some(jobs) => {
                    update_executors = true;
                    jobs.push(job_id);
                }
                None => {
                    self.shuffle_to_active_jobs.insert(shuffle, vec![job_id]);
                }
            }
        }
        if update_executors {
            let active_shuffle_ids: Vec<u32> = shuffle_stages.iter().map(|&(_, s)| s).collect();
            let mut need_timeout_update = false;
            for exec in self.executors.values_mut() {
                if !exec.has_active_shuffle {
                    update_active_shuffles(
                        exec,
                        &active_shuffle_ids,
                        &mut self.next_timeout,
                        &self.settings,
                    );
                    if exec.has_active_shuffle {
                        need_timeout_update = true;
                    }
                }
            }
            if need_timeout_update {
                self.next_timeout = RESCAN;
            }
        }
        for &(stage, shuffle) in &shuffle_stages {
            self.stage_to_shuffle_id.insert(stage, shuffle);
        }
        self.job_to_stage_ids
            .insert(job_id, shuffle_stages.iter().map(|&(st, _)| st).collect());
    }

    /// `onJobEnd` (shuffle tracking only): shuffles no job uses any more stop keeping their
    /// executors active; those executors then time out after the shuffle timeout.
    pub fn on_job_end(&mut self, job_id: u32) {
        if !self.settings.shuffle_tracking_enabled {
            return;
        }
        let mut update_executors = false;
        let mut active_shuffles = Vec::new();
        for (&shuffle, jobs) in self.shuffle_to_active_jobs.iter_mut() {
            if let Some(pos) = jobs.iter().position(|&j| j == job_id) {
                jobs.remove(pos);
            }
            if jobs.is_empty() {
                update_executors = true;
            } else {
                active_shuffles.push(shuffle);
            }
        }
        if update_executors {
            for exec in self.executors.values_mut() {
                if exec.has_active_shuffle {
                    update_active_shuffles(
                        exec,
                        &active_shuffles,
                        &mut self.next_timeout,
                        &self.settings,
                    );
                }
            }
        }
        if let Some(stages) = self.job_to_stage_ids.remove(&job_id) {
            for stage in stages {
                self.stage_to_shuffle_id.remove(&stage);
            }
        }
    }

    /// `onTaskStart`: counted only if the executor is active (`executor_active`, Spark's
    /// `client.isExecutorActive`; guards against late events, SPARK-26927). An executor not
    /// yet registered is tracked under the UNKNOWN profile (SPARK-4951).
    pub fn on_task_start(&mut self, now: u64, executor_id: &str, executor_active: bool) {
        if !executor_active {
            return;
        }
        self.ensure_executor_is_tracked(executor_id, UNKNOWN_RESOURCE_PROFILE_ID);
        if let Some(t) = self.executors.get_mut(executor_id) {
            update_running_tasks(t, 1, to_ms(now), &mut self.next_timeout, &self.settings);
        }
    }

    /// `onTaskEnd`: with shuffle tracking, a *successful* task of a shuffle-map stage records
    /// the shuffle on its executor; then the running count drops (idle from `now` at 0).
    pub fn on_task_end(&mut self, now: u64, executor_id: &str, stage_id: u32, success: bool) {
        let Some(t) = self.executors.get_mut(executor_id) else {
            return;
        };
        if self.settings.shuffle_tracking_enabled
            && success
            && let Some(&shuffle) = self.stage_to_shuffle_id.get(&stage_id)
        {
            add_shuffle(t, shuffle);
        }
        update_running_tasks(t, -1, to_ms(now), &mut self.next_timeout, &self.settings);
    }

    /// `onExecutorAdded`: track the executor (fixing up an UNKNOWN profile); it is idle from
    /// `now` unless tasks were already seen on it. A duplicate event restarts an idle
    /// executor's idle clock, as in Spark.
    pub fn on_executor_added(&mut self, now: u64, executor_id: &str, resource_profile_id: i32) {
        self.ensure_executor_is_tracked(executor_id, resource_profile_id);
        if let Some(t) = self.executors.get_mut(executor_id) {
            t.registered = true;
            update_running_tasks(t, 0, to_ms(now), &mut self.next_timeout, &self.settings);
        }
    }

    /// `onExecutorRemoved`: forget the executor and count why it went
    /// (`decommission_finished`: the reason was `ExecutorLossMessage.decommissionFinished`
    /// or `ExecutorDecommission().message`). Unknown or duplicate ids are ignored.
    pub fn on_executor_removed(&mut self, executor_id: &str, decommission_finished: bool) {
        let Some(removed) = self.executors.remove(executor_id) else {
            return;
        };
        self.decrement_exec_resource_profile_count(removed.resource_profile_id);
        if removed.decommissioning {
            if decommission_finished {
                self.counters.gracefully_decommissioned += 1;
            } else {
                self.counters.decommission_unfinished += 1;
            }
        } else if removed.pending_removal {
            self.counters.driver_killed += 1;
        } else {
            self.counters.exited_unexpectedly += 1;
        }
        if !removed.pending_removal || !removed.decommissioning {
            self.next_timeout = RESCAN;
        }
    }

    /// `onBlockUpdated` for an RDD block (`rdd_<rdd_id>_<split_index>`). A valid level adds the
    /// block unless it is on disk and the shuffle service serves RDD blocks (SPARK-27677);
    /// otherwise the block is dropped. The deadline is recomputed when the executor goes from
    /// no cached blocks to some, or back, always from the original idle start.
    pub fn on_rdd_block_updated(
        &mut self,
        executor_id: &str,
        rdd_id: u32,
        split_index: u32,
        level: BlockStorageLevel,
    ) {
        self.ensure_executor_is_tracked(executor_id, UNKNOWN_RESOURCE_PROFILE_ID);
        let fetch_from_svc = self.settings.fetch_from_shuffle_svc_enabled;
        let Some(t) = self.executors.get_mut(executor_id) else {
            return;
        };
        if level.is_valid() && (!fetch_from_svc || !level.use_disk) {
            let had_cached_blocks = !t.cached_blocks.is_empty();
            t.cached_blocks
                .entry(rdd_id)
                .or_default()
                .insert(split_index);
            if !had_cached_blocks {
                update_timeout(t, &mut self.next_timeout, &self.settings);
            }
        } else if let Some(blocks) = t.cached_blocks.get_mut(&rdd_id) {
            blocks.remove(&split_index);
            if blocks.is_empty() {
                t.cached_blocks.remove(&rdd_id);
                if t.cached_blocks.is_empty() {
                    update_timeout(t, &mut self.next_timeout, &self.settings);
                }
            }
        }
    }

    /// `onBlockUpdated` for a shuffle *data* block (`ShuffleDataBlockId`, e.g. migrated by
    /// decommissioning): with shuffle tracking, the executor now holds that shuffle.
    pub fn on_shuffle_data_block_updated(&mut self, executor_id: &str, shuffle_id: u32) {
        self.ensure_executor_is_tracked(executor_id, UNKNOWN_RESOURCE_PROFILE_ID);
        if self.settings.shuffle_tracking_enabled
            && let Some(t) = self.executors.get_mut(executor_id)
        {
            add_shuffle(t, shuffle_id);
        }
    }

    /// `onUnpersistRDD`: drop the RDD's blocks everywhere.
    pub fn on_unpersist_rdd(&mut self, rdd_id: u32) {
        for t in self.executors.values_mut() {
            t.cached_blocks.remove(&rdd_id);
            if t.cached_blocks.is_empty() {
                update_timeout(t, &mut self.next_timeout, &self.settings);
            }
        }
    }

    /// `shuffleCleaned` (ContextCleaner, delivered through the bus as `ShuffleCleanedEvent`;
    /// only with shuffle tracking): forget the shuffle; executors holding nothing else go
    /// back to the plain idle deadline.
    pub fn shuffle_cleaned(&mut self, shuffle_id: u32) {
        if !self.settings.shuffle_tracking_enabled {
            return;
        }
        self.shuffle_to_active_jobs.remove(&shuffle_id);
        for t in self.executors.values_mut() {
            let emptied = match &mut t.shuffle_ids {
                Some(held) => held.remove(&shuffle_id) && held.is_empty(),
                None => false,
            };
            if emptied {
                t.has_active_shuffle = false;
                if t.is_idle() {
                    update_timeout(t, &mut self.next_timeout, &self.settings);
                }
            }
        }
    }
}
