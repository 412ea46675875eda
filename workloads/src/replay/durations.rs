//! Task durations for replay, from what the log recorded about each attempt.
//!
//! Two models ([`DurationModel`]):
//!
//! * **`observed`** (default): the attempt's *slot occupancy* minus the simulator's own launch
//!   overhead. Occupancy is `slot_free − Launch Time`, where `slot_free` is the earlier of the
//!   attempt's `Finish Time` and the next launch that needed its slot on the same executor
//!   (Spark stamps `Finish Time` after the slot has already been re-offered, by up to ~50 ms;
//!   the executor's slots are `cores / task cpus`). The simulator then adds its launch overhead
//!   back (`sparksim.task.launchOverhead` + `sparksim.task.concurrentLaunchOverhead` per other
//!   launch on the host within ±`sparksim.task.concurrentLaunchWindow`), so the overhead
//!   subtracted here is that same formula evaluated on the log's own launches: replayed under the
//!   recorded configuration, every attempt holds its slot exactly as long as it did in the log,
//!   and in a what-if the concurrency-dependent part of the overhead follows the new schedule.
//!   An occupancy shorter than the overhead gives 0 (counted).
//! * **`metrics`**: the executor-side work from `Task Metrics`: `Executor Deserialize Time +
//!   Executor Run Time + Result Serialization Time + getting-result time`. The scheduler delay
//!   (launch and status-update latency) is left out, because the simulator's launch overhead
//!   models it. Attempts without metrics (some failures) fall back to `observed` (counted).
//!
//! Neither model can know how long an attempt *would* have run when it was killed (a losing
//! speculative race, a job that ended): its duration is a lower bound (counted).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use serde::Serialize;

use crate::eventlog::{LoggedApplication, LoggedTask};

/// How replay turns logged attempts into task durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationModel {
    /// Slot occupancy (`min(Finish Time, next launch on the slot) − Launch Time`) minus the
    /// simulator's launch overhead.
    #[default]
    Observed,
    /// `Executor Deserialize Time + Executor Run Time + Result Serialization Time +
    /// getting-result time`; the simulator adds the scheduling overhead.
    Metrics,
}

impl DurationModel {
    /// `observed` or `metrics`.
    pub fn as_str(self) -> &'static str {
        match self {
            DurationModel::Observed => "observed",
            DurationModel::Metrics => "metrics",
        }
    }
}

/// The per-attempt overhead the simulator adds, as its `sparksim.task.*` knobs set it: an
/// attempt holds its slot for `duration + base + per_concurrent·(k − 1)`, k = launches on the
/// same host within ±`window` of its own (itself included), plus in cluster modes `cluster`
/// for every attempt and `first_on_executor` for the first attempt of each stage on each
/// executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LaunchOverhead {
    /// `sparksim.task.launchOverhead`.
    pub base_ms: u64,
    /// `sparksim.task.concurrentLaunchOverhead`.
    pub per_concurrent_ms: u64,
    /// `sparksim.task.concurrentLaunchWindow`.
    pub window_ms: u64,
    /// `sparksim.task.clusterLaunchOverhead` (cluster modes).
    pub cluster_ms: u64,
    /// `sparksim.task.firstOnExecutorOverhead` (cluster modes).
    pub first_on_executor_ms: u64,
}

impl Default for LaunchOverhead {
    /// The simulator's defaults (25 ms, 5 ms, ±15 ms; cluster 40 ms, first on executor 150 ms).
    fn default() -> Self {
        LaunchOverhead {
            base_ms: 25,
            per_concurrent_ms: 5,
            window_ms: 15,
            cluster_ms: 40,
            first_on_executor_ms: 150,
        }
    }
}

impl LaunchOverhead {
    /// No overhead at all.
    pub fn zero() -> Self {
        LaunchOverhead {
            base_ms: 0,
            per_concurrent_ms: 0,
            window_ms: 15,
            cluster_ms: 0,
            first_on_executor_ms: 0,
        }
    }

    /// Whether the simulator adds nothing.
    pub fn is_zero(&self) -> bool {
        self.base_ms == 0
            && self.per_concurrent_ms == 0
            && self.cluster_ms == 0
            && self.first_on_executor_ms == 0
    }

    /// The overhead with `k` launches in the window (itself included), before cluster costs.
    pub fn for_launches(&self, k: u64) -> u64 {
        self.base_ms
            .saturating_add(self.per_concurrent_ms.saturating_mul(k.saturating_sub(1)))
    }
}

/// A `Finish Time` later than the launch that reused its slot by more than this is not
/// late stamping: the executor must have had more slots than its cores say.
pub const LATE_FINISH_TOLERANCE_MS: i64 = 250;

/// What [`attempt_durations`] had to approximate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DurationNotes {
    /// Attempts whose slot was taken before their `Finish Time` (the finish was stamped late).
    pub clipped_late_finish: u64,
    /// Launches on an executor that already ran as many attempts as it has slots.
    pub over_slots: u64,
    /// Attempts whose occupancy was shorter than the launch overhead (duration 0).
    pub shorter_than_overhead: u64,
    /// Attempts without metrics under the `metrics` model (observed used instead).
    pub no_metrics: u64,
    /// Attempts that never ended in the log (no duration).
    pub never_ended: u64,
}

/// What [`attempt_durations`] found for every attempt of `app.tasks` (same order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptTimes {
    /// The attempt's duration under the model; `None` if it never ended.
    pub durations: Vec<Option<u64>>,
    /// When its slot was free again (epoch ms); `None` if never known.
    pub slot_free: Vec<Option<i64>>,
    pub notes: DurationNotes,
}

/// The duration of every attempt of `app.tasks` (same order) under `model`, and when each
/// attempt's slot was free again. `cluster` says whether the simulator adds its cluster-mode
/// costs. `slots_of` gives the task slots of an executor (None: unknown).
pub fn attempt_durations(
    app: &LoggedApplication,
    model: DurationModel,
    overhead: &LaunchOverhead,
    cluster: bool,
    slots_of: &dyn Fn(&str) -> Option<u32>,
) -> AttemptTimes {
    let mut notes = DurationNotes::default();
    let free = slot_free_times(&app.tasks, slots_of, &mut notes);
    let launches = launches_nearby(&app.tasks, overhead.window_ms);
    let first_on_executor = first_on_executor(&app.tasks);
    let durations = app
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if t.finish_time.is_none() {
                notes.never_ended += 1;
                return None;
            }
            let metrics = match model {
                DurationModel::Observed => None,
                DurationModel::Metrics => {
                    let m = metrics_duration(t);
                    if m.is_none() {
                        notes.no_metrics += 1;
                    }
                    m
                }
            };
            metrics.or_else(|| {
                let free = free[i]?;
                let occupancy = free.saturating_sub(t.launch_time).max(0) as u64;
                let mut over = overhead.for_launches(launches[i]);
                if cluster {
                    over = over.saturating_add(overhead.cluster_ms);
                    if first_on_executor[i] {
                        over = over.saturating_add(overhead.first_on_executor_ms);
                    }
                }
                if occupancy < over {
                    notes.shorter_than_overhead += 1;
                }
                Some(occupancy.saturating_sub(over))
            })
        })
        .collect();
    AttemptTimes {
        durations,
        slot_free: free,
        notes,
    }
}

/// Deserialize + run + result serialization + getting-result time, if the attempt has metrics.
fn metrics_duration(t: &LoggedTask) -> Option<u64> {
    let m = t.metrics.as_ref()?;
    let total = [
        m.executor_deserialize_time,
        m.executor_run_time,
        m.result_serialization_time,
        t.getting_result_duration(),
    ]
    .into_iter()
    .map(|v| v.max(0))
    .fold(0i64, i64::saturating_add);
    Some(total as u64)
}

/// When each attempt's slot was free again: its `Finish Time`, or the launch that needed the
/// slot if that came first. `None` for attempts that never ended and were never displaced.
///
/// When a launch finds every slot of its executor busy, the attempt that freed a slot is the
/// one whose *executor-side* work ended first (`Launch Time` + deserialize + run + result
/// serialization, from its metrics), not the one with the earliest `Finish Time`: the driver
/// stamps `Finish Time` when it has handled the result, tens of milliseconds after the
/// status update that freed the slot, and in an order that can differ from the executor's.
fn slot_free_times(
    tasks: &[LoggedTask],
    slots_of: &dyn Fn(&str) -> Option<u32>,
    notes: &mut DurationNotes,
) -> Vec<Option<i64>> {
    let mut free: Vec<Option<i64>> = tasks.iter().map(|t| t.finish_time).collect();
    let mut by_executor: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, t) in tasks.iter().enumerate() {
        by_executor
            .entry(t.executor_id.as_str())
            .or_default()
            .push(i);
    }
    // The order in which attempts really ended: executor-side end, else the Finish Time.
    let ended = |i: usize| -> i64 {
        let t = &tasks[i];
        let stamp = t.finish_time.unwrap_or(i64::MAX).max(t.launch_time);
        match metrics_duration(t) {
            Some(d) => t.launch_time.saturating_add(d as i64).min(stamp),
            None => stamp,
        }
    };
    for (executor, mut list) in by_executor {
        let Some(slots) = slots_of(executor).filter(|&s| s > 0) else {
            continue;
        };
        list.sort_by_key(|&i| (tasks[i].launch_time, tasks[i].task_id));
        // Running attempts: (Finish Time, index), ordered by Finish Time.
        let mut running: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
        let mut gone: std::collections::HashSet<usize> = std::collections::HashSet::new();
        let mut live = 0usize;
        for i in list {
            let now = tasks[i].launch_time;
            while let Some(&Reverse((finish, j))) = running.peek() {
                if finish > now {
                    break;
                }
                running.pop();
                if !gone.remove(&j) {
                    live -= 1;
                }
            }
            if live >= slots as usize {
                // The attempt that ended first on the executor side frees the slot.
                let candidate = running
                    .iter()
                    .map(|Reverse((_, j))| *j)
                    .filter(|j| !gone.contains(j))
                    .min_by_key(|&j| (ended(j), tasks[j].finish_time.unwrap_or(i64::MAX), j));
                match candidate {
                    Some(j)
                        if tasks[j].finish_time.unwrap_or(i64::MAX).saturating_sub(now)
                            <= LATE_FINISH_TOLERANCE_MS =>
                    {
                        gone.insert(j);
                        live -= 1;
                        free[j] = Some(now.min(tasks[j].finish_time.unwrap_or(now)));
                        notes.clipped_late_finish += 1;
                    }
                    _ => notes.over_slots += 1,
                }
            }
            let finish = tasks[i].finish_time.unwrap_or(i64::MAX);
            running.push(Reverse((finish.max(now), i)));
            live += 1;
        }
    }
    free
}

/// For each attempt, whether it is the first launch of its stage on its executor.
fn first_on_executor(tasks: &[LoggedTask]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&i| (tasks[i].launch_time, tasks[i].task_id));
    let mut seen: std::collections::HashSet<(i64, &str)> = std::collections::HashSet::new();
    let mut first = vec![false; tasks.len()];
    for i in order {
        first[i] = seen.insert((tasks[i].stage_id, tasks[i].executor_id.as_str()));
    }
    first
}

/// For each attempt, the launches on its host within ±`window` ms (itself included).
fn launches_nearby(tasks: &[LoggedTask], window: u64) -> Vec<u64> {
    let window = window.min(i64::MAX as u64) as i64;
    let mut by_host: HashMap<&str, Vec<i64>> = HashMap::new();
    for t in tasks {
        by_host
            .entry(t.host.as_str())
            .or_default()
            .push(t.launch_time);
    }
    for times in by_host.values_mut() {
        times.sort_unstable();
    }
    tasks
        .iter()
        .map(|t| {
            let times = &by_host[t.host.as_str()];
            let lo = t.launch_time.saturating_sub(window);
            let hi = t.launch_time.saturating_add(window);
            let a = times.partition_point(|&x| x < lo);
            let b = times.partition_point(|&x| x <= hi);
            (b - a) as u64
        })
        .collect()
}

/// The median of `values` (upper median), if any.
pub(crate) fn median(values: &mut [u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[values.len() / 2])
}
