//! Speculative execution: settings, the per-task-set state and the per-candidate decision
//! (spec §7). The scan over running attempts lives in
//! [`TaskSetManager::check_speculatable_tasks`](crate::task_set_manager::TaskSetManager::check_speculatable_tasks);
//! the periodic tick over the pool tree in
//! [`TaskSchedulerImpl::check_speculatable_tasks`](crate::task_scheduler_impl::TaskSchedulerImpl::check_speculatable_tasks).
//!
//! What a TSM computes once at creation (`TaskSetManager.scala`):
//! * `minFinishedForSpeculation = max(floor(quantile × numTasks), 1)`;
//! * `isSpeculationThresholdSpecified`: `spark.speculation.task.duration.threshold` set and > 0;
//! * `speculationTasksLessEqToSlots`: `numTasks ≤ slots per executor` (see
//!   [`slots_per_executor`]);
//! * a `TaskProcessRateCalculator` iff speculation **and** `spark.speculation.efficiency.enabled`.
//!
//! Efficiency-based speculation (§7.4). A candidate past the time threshold is speculated
//! only if it is *inefficient*: `runtime > longRunTaskFactor × threshold`, or its running
//! process rate (records / s, from its last heartbeat) is below `avgRate ×
//! processRateMultiplier`, where `avgRate = Σ records / Σ run time` over this TSM's successful
//! tasks. Metrics enter through [`TaskRecordMetrics`]: heartbeats of running attempts and the
//! totals of successful ones. **Without metrics the layer is a no-op, exactly as in Spark:** the
//! running rate stays 0.0 and the average stays `f64::MAX`, so `0 < MAX × multiplier` and every
//! candidate counts as inefficient.
//!
//! Decommission-driven speculation (SPARK-21040) is modelled: with
//! `spark.executor.decommission.killInterval` set, a running attempt on an executor that got a
//! decommission notice at `start` is speculated when `start + killInterval < launchTime +
//! median`. What is *not* modelled about decommissioning: decommissioned executors still
//! count as live for locality levels (Spark excludes them in `isExecutorAlive`,
//! `hasExecutorsAliveOnHost`, `hasHostAliveOnRack`), and not offering them is the caller's job
//! (Spark's backend stops offering them).

use std::collections::BTreeMap;

use crate::conf::{ConfError, MasterUrl, SparkConf, SpeculationConf};
use crate::executors::ExecId;
use crate::percentile_heap::PercentileHeap;
use crate::spark_version::{MedianRule, SparkVersion};
use crate::task_set_manager::TaskId;

/// `spark.speculation.efficiency.*` (present since 3.4).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EfficiencySettings {
    /// `spark.speculation.efficiency.processRateMultiplier`, in (0, 1] (default 0.75).
    pub process_rate_multiplier: f64,
    /// `spark.speculation.efficiency.longRunTaskFactor`, ≥ 1 (default 2.0).
    pub long_run_task_factor: f64,
}

impl Default for EfficiencySettings {
    fn default() -> Self {
        EfficiencySettings {
            process_rate_multiplier: 0.75,
            long_run_task_factor: 2.0,
        }
    }
}

/// What a task-set manager and the speculation tick read when `spark.speculation` is on.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeculationSettings {
    /// `spark.speculation.interval` (default 100 ms): the tick period, with fixed delay. Only
    /// the caller's timer reads it.
    pub interval_ms: u64,
    /// `spark.speculation.multiplier`: 1.5 up to 3.5, 3 in 4.0.
    pub multiplier: f64,
    /// `spark.speculation.quantile`: 0.75 up to 3.5, 0.9 in 4.0.
    pub quantile: f64,
    /// `spark.speculation.minTaskRuntime` (default 100 ms): `MIN_TIME_TO_SPECULATION`, the
    /// lower bound of the threshold, passed to every TSM check by the scheduler.
    pub min_task_runtime_ms: u64,
    /// `spark.speculation.task.duration.threshold`, if set (0 counts as not specified).
    pub task_duration_threshold_ms: Option<u64>,
    /// `Some` iff `spark.speculation.efficiency.enabled` (always `None` before 3.4).
    pub efficiency: Option<EfficiencySettings>,
    /// Which "median" of successful durations (§7.5), from the version preset.
    pub median_rule: MedianRule,
    /// Task slots per executor for `tasksFitInOneExecutor` (see [`slots_per_executor`]).
    pub slots_per_executor: u32,
    /// `spark.executor.decommission.killInterval` in ms (Spark reads whole seconds), if set.
    pub decommission_kill_interval_ms: Option<u64>,
}

impl SpeculationSettings {
    /// Spark's defaults for `version` with `spark.speculation=true` and nothing else set:
    /// 1.5 / 0.75 (3.5 and before) or 3 / 0.9 (4.0), minTaskRuntime 100 ms, no absolute
    /// threshold, efficiency on from 3.4, 1 slot per executor (cores unknown), no
    /// decommission kill interval.
    pub fn for_version(version: SparkVersion) -> Self {
        SpeculationSettings {
            interval_ms: 100,
            multiplier: version.speculation_multiplier_default(),
            quantile: version.speculation_quantile_default(),
            min_task_runtime_ms: 100,
            task_duration_threshold_ms: None,
            efficiency: version
                .has_speculation_efficiency()
                .then(EfficiencySettings::default),
            median_rule: version.median_rule(),
            slots_per_executor: 1,
            decommission_kill_interval_ms: None,
        }
    }

    /// From the typed `spark.speculation*` group: `None` when `spark.speculation` is false.
    pub fn from_conf(
        conf: &SpeculationConf,
        version: SparkVersion,
        slots_per_executor: u32,
        decommission_kill_interval_ms: Option<u64>,
    ) -> Option<Self> {
        conf.enabled.then(|| SpeculationSettings {
            interval_ms: conf.interval_ms,
            multiplier: conf.multiplier,
            quantile: conf.quantile,
            min_task_runtime_ms: conf.min_task_runtime_ms,
            task_duration_threshold_ms: conf.task_duration_threshold_ms,
            efficiency: conf.efficiency_enabled.then_some(EfficiencySettings {
                process_rate_multiplier: conf.process_rate_multiplier,
                long_run_task_factor: conf.long_run_task_factor,
            }),
            median_rule: version.median_rule(),
            slots_per_executor,
            decommission_kill_interval_ms,
        })
    }

    /// Everything from a `SparkConf`: the speculation group, the version's median rule, slots
    /// per executor from `spark.executor.cores` / `spark.task.cpus` / `spark.master`, and
    /// `spark.executor.decommission.killInterval`. `None` when `spark.speculation` is false.
    /// It does not look at local mode: Spark's TSMs record durations there too, but no
    /// speculation tick ever runs (the caller must not call the check in local mode).
    pub fn from_spark_conf(conf: &SparkConf) -> Result<Option<Self>, ConfError> {
        let group = conf.speculation()?;
        if !group.enabled {
            return Ok(None);
        }
        let version = conf.version()?;
        let master = conf.master_url()?;
        let slots = slots_per_executor(conf.executor_cores()?, conf.task_cpus()?, master.as_ref());
        let kill = conf.get_time_ms("spark.executor.decommission.killInterval")?;
        Ok(Self::from_conf(&group, version, slots, kill))
    }

    /// `isSpeculationThresholdSpecified`: the absolute threshold is set and > 0.
    pub fn threshold_specified(&self) -> bool {
        self.task_duration_threshold_ms.is_some_and(|t| t > 0)
    }
}

/// Slots per executor for `speculationTasksLessEqToSlots` (SPARK-29976, SPARK-30417): the
/// default profile's `maxTasksPerExecutor = executor cores / task cpus` when the core limit is
/// known — `spark.executor.cores` is set, or the master is YARN or Kubernetes (whose default
/// is 1 core) — else 1. Custom resources (GPUs) that could lower it are not modelled.
pub fn slots_per_executor(
    executor_cores: Option<u32>,
    task_cpus: u32,
    master: Option<&MasterUrl>,
) -> u32 {
    let cluster_default = matches!(master, Some(MasterUrl::Yarn | MasterUrl::Kubernetes { .. }));
    if executor_cores.is_none() && !cluster_default {
        return 1;
    }
    executor_cores.unwrap_or(1) / task_cpus.max(1)
}

/// Record metrics of one attempt: `recordsRead` = input records + shuffle-read records, and
/// `executorRunTime` in ms. A heartbeat carries the running totals so far; a successful
/// attempt's result carries its final totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskRecordMetrics {
    pub records_read: u64,
    pub executor_run_time_ms: u64,
}

/// `TaskSchedulerImpl.getTaskProcessRate`: records per second, 0.0 unless both are > 0.
pub fn task_process_rate(records_read: u64, executor_run_time_ms: u64) -> f64 {
    if records_read > 0 && executor_run_time_ms > 0 {
        records_read as f64 / (executor_run_time_ms as f64 / 1000.0)
    } else {
        0.0
    }
}

/// Spark's `TaskSetManager.TaskProcessRateCalculator`.
#[derive(Clone, Debug)]
pub struct TaskProcessRateCalculator {
    total_records_read: u64,
    total_executor_run_time_ms: u64,
    avg_task_process_rate: f64,
    running_tasks_process_rate: BTreeMap<TaskId, f64>,
}

impl Default for TaskProcessRateCalculator {
    fn default() -> Self {
        TaskProcessRateCalculator {
            total_records_read: 0,
            total_executor_run_time_ms: 0,
            avg_task_process_rate: f64::MAX,
            running_tasks_process_rate: BTreeMap::new(),
        }
    }
}

impl TaskProcessRateCalculator {
    /// `getAvgTaskProcessRate`: Σ records / Σ run time (s) over successful tasks;
    /// `f64::MAX` until both sums are > 0.
    pub fn avg_task_process_rate(&self) -> f64 {
        self.avg_task_process_rate
    }

    /// `getRunningTasksProcessRate`: the rate of the last heartbeat with a positive rate, or
    /// 0.0.
    pub fn running_task_process_rate(&self, tid: TaskId) -> f64 {
        self.running_tasks_process_rate
            .get(&tid)
            .copied()
            .unwrap_or(0.0)
    }

    /// `updateAvgTaskProcessRate`, on a success.
    fn update_avg(&mut self, tid: TaskId, metrics: TaskRecordMetrics) {
        self.total_records_read += metrics.records_read;
        self.total_executor_run_time_ms += metrics.executor_run_time_ms;
        if self.total_records_read > 0 && self.total_executor_run_time_ms > 0 {
            self.avg_task_process_rate =
                task_process_rate(self.total_records_read, self.total_executor_run_time_ms);
        }
        self.running_tasks_process_rate.remove(&tid);
    }

    /// `executorHeartbeatReceived`: only a positive rate is stored.
    fn update_running(&mut self, tid: TaskId, metrics: TaskRecordMetrics) {
        let rate = task_process_rate(metrics.records_read, metrics.executor_run_time_ms);
        if rate > 0.0 {
            self.running_tasks_process_rate.insert(tid, rate);
        }
    }
}

/// A decommission notice the scheduler received (`ExecutorDecommissionState.startTime`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecutorDecommissionState {
    pub start_time: u64,
}

/// `executorsPendingDecommission` (and the removed-by-decommission cache) by executor.
pub type DecommissionStates = BTreeMap<ExecId, ExecutorDecommissionState>;

/// The threshold one check scans with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScanThreshold {
    /// In ms (a `Double` in Spark).
    pub threshold_ms: f64,
    /// True for the `task.duration.threshold` path: no efficiency filter, no decommission rule.
    pub customized: bool,
}

/// A running attempt the scan considers (already filtered: not successful, one copy running,
/// not yet speculatable).
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    pub task_id: TaskId,
    pub launch_time: u64,
    /// The decommission notice of the attempt's executor, if any.
    pub decommission: Option<ExecutorDecommissionState>,
}

/// A task-set manager's speculation state (created iff speculation is on).
#[derive(Clone, Debug)]
pub struct TaskSetSpeculation {
    settings: SpeculationSettings,
    num_tasks: usize,
    min_finished_for_speculation: usize,
    tasks_less_eq_to_slots: bool,
    successful_task_durations: PercentileHeap,
    rate_calculator: Option<TaskProcessRateCalculator>,
}

impl TaskSetSpeculation {
    /// The state of a new TSM of `num_tasks` tasks.
    pub fn new(settings: SpeculationSettings, num_tasks: usize) -> Self {
        let min_finished = ((settings.quantile * num_tasks as f64).floor() as usize).max(1);
        TaskSetSpeculation {
            num_tasks,
            min_finished_for_speculation: min_finished,
            tasks_less_eq_to_slots: num_tasks <= settings.slots_per_executor as usize,
            successful_task_durations: PercentileHeap::new(settings.median_rule),
            rate_calculator: settings
                .efficiency
                .map(|_| TaskProcessRateCalculator::default()),
            settings,
        }
    }

    /// The settings it was created with.
    pub fn settings(&self) -> &SpeculationSettings {
        &self.settings
    }

    /// `minFinishedForSpeculation`.
    pub fn min_finished_for_speculation(&self) -> usize {
        self.min_finished_for_speculation
    }

    /// `speculationTasksLessEqToSlots`.
    pub fn tasks_fit_in_one_executor(&self) -> bool {
        self.tasks_less_eq_to_slots
    }

    /// `successfulTaskDurations`.
    pub fn successful_task_durations(&self) -> &PercentileHeap {
        &self.successful_task_durations
    }

    /// The efficiency calculator (`None` when efficiency speculation is off).
    pub fn rate_calculator(&self) -> Option<&TaskProcessRateCalculator> {
        self.rate_calculator.as_ref()
    }

    /// A success handled by the TSM: its duration and (efficiency) its record totals.
    pub(crate) fn record_success(
        &mut self,
        tid: TaskId,
        duration_ms: u64,
        metrics: Option<TaskRecordMetrics>,
    ) {
        self.successful_task_durations.insert(duration_ms);
        if let Some(calc) = &mut self.rate_calculator {
            calc.update_avg(tid, metrics.unwrap_or_default());
        }
    }

    /// A heartbeat of a running attempt.
    pub(crate) fn record_heartbeat(&mut self, tid: TaskId, metrics: TaskRecordMetrics) {
        if let Some(calc) = &mut self.rate_calculator {
            calc.update_running(tid, metrics);
        }
    }

    /// The threshold `checkSpeculatableTasks` would scan with now (zombie and barrier exits
    /// are the TSM's): the quantile path `max(multiplier × median, minTime)` once
    /// `minFinished` durations are in, else the absolute threshold if it is specified and the
    /// tasks fit in one executor, else none. None also for a single task without an absolute
    /// threshold.
    pub fn scan_threshold(&self, min_time_to_speculation_ms: u64) -> Option<ScanThreshold> {
        let specified = self.settings.threshold_specified();
        if self.num_tasks == 1 && !specified {
            return None;
        }
        if self.successful_task_durations.len() >= self.min_finished_for_speculation {
            let median = self.successful_task_durations.percentile()?;
            let threshold =
                (self.settings.multiplier * median).max(min_time_to_speculation_ms as f64);
            return Some(ScanThreshold {
                threshold_ms: threshold,
                customized: false,
            });
        }
        if specified && self.tasks_less_eq_to_slots {
            let threshold = self.settings.task_duration_threshold_ms.unwrap_or(0);
            return Some(ScanThreshold {
                threshold_ms: threshold as f64,
                customized: true,
            });
        }
        None
    }

    /// `isInefficient`: past `longRunTaskFactor × threshold`, or slower than
    /// `avgRate × processRateMultiplier`. True when efficiency is off.
    pub fn is_inefficient(&self, tid: TaskId, runtime_ms: u64, threshold_ms: f64) -> bool {
        let (Some(eff), Some(calc)) = (self.settings.efficiency, &self.rate_calculator) else {
            return true;
        };
        runtime_ms as f64 > eff.long_run_task_factor * threshold_ms
            || calc.running_task_process_rate(tid)
                < calc.avg_task_process_rate() * eff.process_rate_multiplier
    }

    /// The decision of `checkAndSubmitSpeculatableTasks` for one candidate at `now`:
    /// `runtime > threshold && (customized || !efficiency || isInefficient)`, or the
    /// decommission rule.
    pub fn may_speculate(&self, now: u64, scan: ScanThreshold, c: Candidate) -> bool {
        let runtime = now.saturating_sub(c.launch_time);
        let by_time = runtime as f64 > scan.threshold_ms
            && (scan.customized || self.is_inefficient(c.task_id, runtime, scan.threshold_ms));
        by_time || self.should_speculate_for_decommission(scan, c)
    }

    /// `shouldSpeculateForExecutorDecommissioning`: the executor may be gone
    /// (`start + killInterval`) before the task's median-based end (`launch + median`).
    fn should_speculate_for_decommission(&self, scan: ScanThreshold, c: Candidate) -> bool {
        if scan.customized {
            return false;
        }
        let (Some(interval), Some(decom)) =
            (self.settings.decommission_kill_interval_ms, c.decommission)
        else {
            return false;
        };
        let Some(median) = self.successful_task_durations.percentile() else {
            return false;
        };
        let executor_decom_time = decom.start_time.saturating_add(interval);
        (executor_decom_time as f64) < c.launch_time as f64 + median
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_per_executor_follows_spark_30417() {
        let yarn = MasterUrl::Yarn;
        let local = MasterUrl::parse("local[4]").unwrap();
        let standalone = MasterUrl::parse("spark://m:7077").unwrap();
        assert_eq!(slots_per_executor(Some(4), 1, Some(&standalone)), 4);
        assert_eq!(slots_per_executor(Some(4), 2, None), 2);
        assert_eq!(slots_per_executor(None, 2, Some(&local)), 1);
        assert_eq!(slots_per_executor(None, 1, Some(&standalone)), 1);
        assert_eq!(slots_per_executor(None, 1, Some(&yarn)), 1);
        assert_eq!(slots_per_executor(None, 2, Some(&yarn)), 0);
        let k8s = MasterUrl::parse("k8s://https://api:6443").unwrap();
        assert_eq!(slots_per_executor(Some(8), 2, Some(&k8s)), 4);
    }

    #[test]
    fn process_rate_is_records_per_second() {
        assert_eq!(task_process_rate(8000, 20_000), 400.0);
        assert_eq!(task_process_rate(0, 20_000), 0.0);
        assert_eq!(task_process_rate(10, 0), 0.0);
        let mut c = TaskProcessRateCalculator::default();
        assert_eq!(c.avg_task_process_rate(), f64::MAX);
        c.update_running(7, TaskRecordMetrics::default());
        assert_eq!(c.running_task_process_rate(7), 0.0);
        c.update_running(
            7,
            TaskRecordMetrics {
                records_read: 100,
                executor_run_time_ms: 1000,
            },
        );
        assert_eq!(c.running_task_process_rate(7), 100.0);
        // A later zero-rate heartbeat does not overwrite it.
        c.update_running(7, TaskRecordMetrics::default());
        assert_eq!(c.running_task_process_rate(7), 100.0);
        c.update_avg(
            7,
            TaskRecordMetrics {
                records_read: 300,
                executor_run_time_ms: 1000,
            },
        );
        c.update_avg(
            8,
            TaskRecordMetrics {
                records_read: 100,
                executor_run_time_ms: 1000,
            },
        );
        // Sum over sum, not the mean of rates.
        assert_eq!(c.avg_task_process_rate(), 200.0);
        assert_eq!(c.running_task_process_rate(7), 0.0);
    }

    #[test]
    fn min_finished_is_floor_of_quantile_times_n_at_least_one() {
        let s = |q: f64, n: usize| {
            let mut settings = SpeculationSettings::for_version(SparkVersion::V3_5);
            settings.quantile = q;
            TaskSetSpeculation::new(settings, n).min_finished_for_speculation()
        };
        assert_eq!(s(0.75, 4), 3);
        assert_eq!(s(0.9, 4), 3);
        assert_eq!(s(0.6, 5), 3);
        assert_eq!(s(0.1, 10), 1);
        assert_eq!(s(0.5, 1), 1);
        assert_eq!(s(0.75, 0), 1);
        assert_eq!(s(1.0, 7), 7);
    }

    #[test]
    fn version_presets() {
        let v35 = SpeculationSettings::for_version(SparkVersion::V3_5);
        assert_eq!((v35.multiplier, v35.quantile), (1.5, 0.75));
        assert_eq!(v35.median_rule, MedianRule::Upper);
        assert!(v35.efficiency.is_some());
        let v40 = SpeculationSettings::for_version(SparkVersion::V4_0);
        assert_eq!((v40.multiplier, v40.quantile), (3.0, 0.9));
        let v33 = SpeculationSettings::for_version(SparkVersion::V3_3);
        assert!(v33.efficiency.is_none());
        assert_eq!(v33.median_rule, MedianRule::MeanOfMiddle);
    }
}
