//! Typed groups of settings read together: speculation, dynamic allocation, locality waits.
//!
//! Each struct holds values exactly as Spark's reader holds them (dynamic-allocation timeouts
//! in whole *seconds*, since `timeConf(SECONDS)` truncates "500ms" to 0 s; the shuffle-tracking
//! timeout in milliseconds). `DynamicAllocationConf::check_settings` restates
//! `ExecutorAllocationManager.validateSettings` (DA spec A.1). Nothing here reads a clock.

use std::fmt;

use super::ConfError;

/// A locality level that has its own `spark.locality.wait.*` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LocalityWaitLevel {
    /// `PROCESS_LOCAL`: `spark.locality.wait.process`.
    Process,
    /// `NODE_LOCAL`: `spark.locality.wait.node`.
    Node,
    /// `RACK_LOCAL`: `spark.locality.wait.rack`.
    Rack,
}

impl LocalityWaitLevel {
    /// The level's key (each falls back to `spark.locality.wait`).
    pub fn key(self) -> &'static str {
        match self {
            LocalityWaitLevel::Process => "spark.locality.wait.process",
            LocalityWaitLevel::Node => "spark.locality.wait.node",
            LocalityWaitLevel::Rack => "spark.locality.wait.rack",
        }
    }
}

impl fmt::Display for LocalityWaitLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LocalityWaitLevel::Process => "PROCESS_LOCAL",
            LocalityWaitLevel::Node => "NODE_LOCAL",
            LocalityWaitLevel::Rack => "RACK_LOCAL",
        })
    }
}

/// `spark.speculation*` as `TaskSchedulerImpl` / `TaskSetManager` read them (spec §7, §12).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeculationConf {
    /// `spark.speculation` (the check never runs in local mode).
    pub enabled: bool,
    /// `spark.speculation.interval`: period of the check (fixed delay).
    pub interval_ms: u64,
    /// `spark.speculation.multiplier`: 1.5 up to 3.5, 3 in 4.0.
    pub multiplier: f64,
    /// `spark.speculation.quantile`: 0.75 up to 3.5, 0.9 in 4.0.
    pub quantile: f64,
    /// `spark.speculation.minTaskRuntime`.
    pub min_task_runtime_ms: u64,
    /// `spark.speculation.task.duration.threshold`, if set.
    pub task_duration_threshold_ms: Option<u64>,
    /// `spark.speculation.efficiency.enabled` (false before 3.4, where the feature is absent).
    pub efficiency_enabled: bool,
    /// `spark.speculation.efficiency.processRateMultiplier`, in (0, 1].
    pub process_rate_multiplier: f64,
    /// `spark.speculation.efficiency.longRunTaskFactor`, ≥ 1.
    pub long_run_task_factor: f64,
}

/// The keys of DA spec A.2 (plus the ones `validateSettings` consults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DynamicAllocationConf {
    /// `spark.dynamicAllocation.enabled`.
    pub enabled: bool,
    /// `spark.dynamicAllocation.testing`: allows DA in local mode, skips the shuffle check.
    pub testing: bool,
    /// `spark.dynamicAllocation.minExecutors`.
    pub min_executors: i32,
    /// `spark.dynamicAllocation.maxExecutors` (default `Int.MaxValue`).
    pub max_executors: i32,
    /// `spark.dynamicAllocation.initialExecutors` (falls back to `minExecutors`).
    pub initial_executors: i32,
    /// `spark.executor.instances`, if set: only raises the initial target.
    pub executor_instances: Option<i32>,
    /// `spark.dynamicAllocation.executorAllocationRatio`.
    pub executor_allocation_ratio: f64,
    /// `spark.dynamicAllocation.schedulerBacklogTimeout`, whole seconds.
    pub scheduler_backlog_timeout_s: i64,
    /// `spark.dynamicAllocation.sustainedSchedulerBacklogTimeout`, whole seconds.
    pub sustained_scheduler_backlog_timeout_s: i64,
    /// `spark.dynamicAllocation.executorIdleTimeout`, whole seconds.
    pub executor_idle_timeout_s: i64,
    /// `spark.dynamicAllocation.cachedExecutorIdleTimeout`, whole seconds.
    pub cached_executor_idle_timeout_s: i64,
    /// `spark.dynamicAllocation.shuffleTracking.enabled` (true since 3.4).
    pub shuffle_tracking_enabled: bool,
    /// `spark.dynamicAllocation.shuffleTracking.timeout`, milliseconds.
    pub shuffle_tracking_timeout_ms: i64,
    /// `spark.shuffle.service.enabled`.
    pub shuffle_service_enabled: bool,
    /// `spark.decommission.enabled`.
    pub decommission_enabled: bool,
    /// `spark.storage.decommission.shuffleBlocks.enabled`.
    pub decommission_shuffle_blocks_enabled: bool,
}

fn secs_to_ms(secs: i64) -> i64 {
    secs.saturating_mul(1000)
}

impl DynamicAllocationConf {
    /// `Utils.getDynamicAllocationInitialExecutors`:
    /// `max(minExecutors, initialExecutors, executor.instances or 0)`.
    pub fn initial_target(&self) -> i32 {
        self.min_executors
            .max(self.initial_executors)
            .max(self.executor_instances.unwrap_or(0))
    }

    /// Backlog timeout in milliseconds (whole seconds × 1000).
    pub fn scheduler_backlog_timeout_ms(&self) -> i64 {
        secs_to_ms(self.scheduler_backlog_timeout_s)
    }

    /// Sustained backlog timeout in milliseconds.
    pub fn sustained_scheduler_backlog_timeout_ms(&self) -> i64 {
        secs_to_ms(self.sustained_scheduler_backlog_timeout_s)
    }

    /// Idle timeout in milliseconds.
    pub fn executor_idle_timeout_ms(&self) -> i64 {
        secs_to_ms(self.executor_idle_timeout_s)
    }

    /// Cached-block idle timeout in milliseconds.
    pub fn cached_executor_idle_timeout_ms(&self) -> i64 {
        secs_to_ms(self.cached_executor_idle_timeout_s)
    }

    /// Whether shuffle data survives executor removal (the last check of `validateSettings`).
    pub fn shuffle_data_preserved(&self) -> bool {
        self.shuffle_service_enabled
            || self.shuffle_tracking_enabled
            || (self.decommission_enabled && self.decommission_shuffle_blocks_enabled)
            || self.testing
    }

    /// `ExecutorAllocationManager.validateSettings`: the start-up failures of DA spec A.1.
    /// (A ShuffleDataIO plugin with reliable storage is not modelled.)
    pub fn check_settings(&self) -> Result<(), ConfError> {
        const MIN: &str = "spark.dynamicAllocation.minExecutors";
        const MAX: &str = "spark.dynamicAllocation.maxExecutors";
        const BACKLOG: &str = "spark.dynamicAllocation.schedulerBacklogTimeout";
        const SUSTAINED: &str = "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout";
        const RATIO: &str = "spark.dynamicAllocation.executorAllocationRatio";
        let fail = |keys: &[&str], message: String| {
            Err(ConfError::InvalidSettings {
                keys: keys.iter().map(|k| k.to_string()).collect(),
                message,
            })
        };
        if self.min_executors < 0 || self.max_executors < 0 {
            return fail(
                &[MIN, MAX],
                format!(
                    "{MIN} and {MAX} must be positive (min {}, max {})",
                    self.min_executors, self.max_executors
                ),
            );
        }
        if self.max_executors == 0 {
            return fail(&[MAX], format!("{MAX} cannot be 0"));
        }
        if self.min_executors > self.max_executors {
            return fail(
                &[MIN, MAX],
                format!(
                    "{MIN} ({}) must be less than or equal to {MAX} ({})",
                    self.min_executors, self.max_executors
                ),
            );
        }
        if self.scheduler_backlog_timeout_s <= 0 {
            return fail(
                &[BACKLOG],
                format!(
                    "{BACKLOG} must be > 0 whole seconds (got {} s; sub-second values truncate \
                     to 0)",
                    self.scheduler_backlog_timeout_s
                ),
            );
        }
        if self.sustained_scheduler_backlog_timeout_s <= 0 {
            return fail(
                &[SUSTAINED],
                format!(
                    "{SUSTAINED} must be > 0 whole seconds (got {} s)",
                    self.sustained_scheduler_backlog_timeout_s
                ),
            );
        }
        if !self.shuffle_data_preserved() {
            return fail(
                &[
                    "spark.shuffle.service.enabled",
                    "spark.dynamicAllocation.shuffleTracking.enabled",
                ],
                "dynamic allocation needs the external shuffle service, shuffle tracking, or \
                 shuffle-block decommissioning"
                    .to_string(),
            );
        }
        // Spark's test; NaN passes it, as in Spark.
        if self.executor_allocation_ratio > 1.0 || self.executor_allocation_ratio <= 0.0 {
            return fail(
                &[RATIO],
                format!(
                    "{RATIO} must be > 0 and <= 1.0 (got {})",
                    self.executor_allocation_ratio
                ),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn da() -> DynamicAllocationConf {
        DynamicAllocationConf {
            enabled: true,
            testing: false,
            min_executors: 1,
            max_executors: 10,
            initial_executors: 3,
            executor_instances: Some(10),
            executor_allocation_ratio: 1.0,
            scheduler_backlog_timeout_s: 1,
            sustained_scheduler_backlog_timeout_s: 1,
            executor_idle_timeout_s: 60,
            cached_executor_idle_timeout_s: i64::from(i32::MAX),
            shuffle_tracking_enabled: true,
            shuffle_tracking_timeout_ms: i64::MAX,
            shuffle_service_enabled: false,
            decommission_enabled: false,
            decommission_shuffle_blocks_enabled: true,
        }
    }

    #[test]
    fn initial_target_is_the_max_of_three() {
        // DA spec A.2: min=1, initialExecutors=3, executor.instances=10 gives 10.
        assert_eq!(da().initial_target(), 10);
        let mut d = da();
        d.executor_instances = None;
        assert_eq!(d.initial_target(), 3);
    }

    #[test]
    fn validate_settings_failures() {
        assert!(da().check_settings().is_ok());
        let cases: [fn(&mut DynamicAllocationConf); 6] = [
            |d| d.min_executors = -1,
            |d| d.max_executors = 0,
            |d| d.min_executors = 11,
            |d| d.scheduler_backlog_timeout_s = 0,
            |d| d.executor_allocation_ratio = 1.5,
            |d| d.shuffle_tracking_enabled = false,
        ];
        for mutate in cases {
            let mut d = da();
            mutate(&mut d);
            assert!(d.check_settings().is_err(), "{d:?}");
        }
    }
}
