//! Typed getters for the keys the scheduler core reads, each returning Spark's default when
//! the key is unset and a `ConfError` naming the key when its value is invalid.

use super::groups::{DynamicAllocationConf, LocalityWaitLevel, SpeculationConf};
use super::master::MasterUrl;
use super::units::{ByteUnit, TimeUnit};
use super::{ConfError, SparkConf};
use crate::scheduling_mode::{SchedulingMode, SchedulingModeError};

const SCHEDULER_MODE: &str = "spark.scheduler.mode";

/// What to tell a user whose `spark.scheduler.mode` was rejected.
pub(super) fn mode_expected(value: &str, err: &SchedulingModeError) -> String {
    match err {
        SchedulingModeError::NoneNotSupported => {
            "FIFO or FAIR; NONE is not supported (Spark: IllegalArgumentException)".to_string()
        }
        SchedulingModeError::Unrecognized(_) => {
            let trimmed = value.trim().to_uppercase();
            if trimmed == "FIFO" || trimmed == "FAIR" {
                "FIFO or FAIR without surrounding whitespace (Spark upper-cases this value but \
                 does not trim it: Unrecognized spark.scheduler.mode)"
                    .to_string()
            } else {
                "FIFO or FAIR, any case (Spark: Unrecognized spark.scheduler.mode)".to_string()
            }
        }
    }
}

impl SparkConf {
    fn u32_or(&self, key: &str, default: u32) -> Result<u32, ConfError> {
        Ok(self.get_u32(key)?.unwrap_or(default))
    }

    fn bool_or(&self, key: &str, default: bool) -> Result<bool, ConfError> {
        Ok(self.get_bool(key)?.unwrap_or(default))
    }

    fn f64_or(&self, key: &str, default: f64) -> Result<f64, ConfError> {
        Ok(self.get_f64(key)?.unwrap_or(default))
    }

    fn ms_or(&self, key: &str, default: u64) -> Result<u64, ConfError> {
        Ok(self.get_time_ms(key)?.unwrap_or(default))
    }

    fn secs_or(&self, key: &str, default: i64) -> Result<i64, ConfError> {
        Ok(self.get_time_as(key, TimeUnit::Seconds)?.unwrap_or(default))
    }

    fn i32_or(&self, key: &str, default: i32) -> Result<i32, ConfError> {
        Ok(self.get_i32(key)?.unwrap_or(default))
    }

    /// A positive count (`>= 1`), e.g. cores.
    fn positive_u32(&self, key: &str) -> Result<Option<u32>, ConfError> {
        self.read_as(key, |v, _| {
            let n = super::units::parse_int(v)?;
            u32::try_from(n)
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| "a positive 32-bit integer (>= 1)".to_string())
        })
    }

    /// `spark.scheduler.mode` (default FIFO): upper-cased, not trimmed; NONE and other
    /// values are errors, as in `TaskSchedulerImpl`.
    pub fn scheduler_mode(&self) -> Result<SchedulingMode, ConfError> {
        let mode = self.read_as(SCHEDULER_MODE, |v, _| {
            SchedulingMode::parse_conf_value(v).map_err(|e| mode_expected(v, &e))
        })?;
        Ok(mode.unwrap_or(SchedulingMode::Fifo))
    }

    /// `spark.master`, as set.
    pub fn master(&self) -> Option<&str> {
        self.get("spark.master")
    }

    /// `spark.master`, parsed (`None` if unset).
    pub fn master_url(&self) -> Result<Option<MasterUrl>, ConfError> {
        self.read_as("spark.master", |v, _| MasterUrl::parse(v))
    }

    /// Whether the master is local (`local`, `local[N]`, `local[N,F]`); false if unset.
    pub fn is_local_master(&self) -> Result<bool, ConfError> {
        Ok(self.master_url()?.is_some_and(|m| m.is_local()))
    }

    /// `spark.app.name`, as set.
    pub fn app_name(&self) -> Option<&str> {
        self.get("spark.app.name")
    }

    /// `spark.task.cpus` (default 1; must be >= 1).
    pub fn task_cpus(&self) -> Result<u32, ConfError> {
        Ok(self.positive_u32("spark.task.cpus")?.unwrap_or(1))
    }

    /// `spark.executor.cores`, if set (its default depends on the cluster manager).
    pub fn executor_cores(&self) -> Result<Option<u32>, ConfError> {
        self.positive_u32("spark.executor.cores")
    }

    /// `spark.executor.memory` in MiB (default 1g).
    pub fn executor_memory_mib(&self) -> Result<u64, ConfError> {
        const KEY: &str = "spark.executor.memory";
        let mib = self.get_size_as(KEY, ByteUnit::MiB)?.unwrap_or(1024);
        u64::try_from(mib).map_err(|_| self.invalid_here(KEY, "a non-negative size"))
    }

    /// `spark.executor.instances`, if set.
    pub fn executor_instances(&self) -> Result<Option<u32>, ConfError> {
        self.get_u32("spark.executor.instances")
    }

    /// `spark.cores.max`, if set (standalone).
    pub fn cores_max(&self) -> Result<Option<u32>, ConfError> {
        self.get_u32("spark.cores.max")
    }

    /// `spark.deploy.spreadOut` (default true).
    pub fn deploy_spread_out(&self) -> Result<bool, ConfError> {
        self.bool_or("spark.deploy.spreadOut", true)
    }

    /// `spark.task.maxFailures` (default 4), the cluster-mode limit.
    pub fn task_max_failures(&self) -> Result<u32, ConfError> {
        self.u32_or("spark.task.maxFailures", 4)
    }

    /// The limit `TaskSchedulerImpl` actually uses: 1 for `local`/`local[N]`, F for
    /// `local[N,F]`, otherwise `spark.task.maxFailures`.
    pub fn effective_task_max_failures(&self) -> Result<u32, ConfError> {
        match self.master_url()? {
            Some(MasterUrl::Local {
                max_task_failures, ..
            }) => Ok(max_task_failures),
            _ => self.task_max_failures(),
        }
    }

    /// `spark.locality.wait.{process,node,rack}` in ms, each falling back to
    /// `spark.locality.wait` (default 3s).
    pub fn locality_wait_ms(&self, level: LocalityWaitLevel) -> Result<u64, ConfError> {
        self.ms_or(level.key(), 3_000)
    }

    /// `spark.locality.wait.legacyResetOnTaskLaunch` (default false).
    pub fn legacy_locality_reset(&self) -> Result<bool, ConfError> {
        self.bool_or("spark.locality.wait.legacyResetOnTaskLaunch", false)
    }

    /// `spark.scheduler.revive.interval` in ms (default 1s).
    pub fn revive_interval_ms(&self) -> Result<u64, ConfError> {
        self.ms_or("spark.scheduler.revive.interval", 1_000)
    }

    /// `spark.executor.heartbeatInterval` in ms (default 10s).
    pub fn heartbeat_interval_ms(&self) -> Result<u64, ConfError> {
        self.ms_or("spark.executor.heartbeatInterval", 10_000)
    }

    /// `spark.scheduler.allocation.file`, as set (not trimmed, as in Spark).
    pub fn allocation_file(&self) -> Option<&str> {
        self.get("spark.scheduler.allocation.file")
    }

    /// The `spark.speculation*` group with this version's defaults.
    pub fn speculation(&self) -> Result<SpeculationConf, ConfError> {
        let version = self.version()?;
        let efficiency = version.has_speculation_efficiency()
            && self.bool_or("spark.speculation.efficiency.enabled", true)?;
        Ok(SpeculationConf {
            enabled: self.bool_or("spark.speculation", false)?,
            interval_ms: self.ms_or("spark.speculation.interval", 100)?,
            multiplier: self.f64_or(
                "spark.speculation.multiplier",
                version.speculation_multiplier_default(),
            )?,
            quantile: self.f64_or(
                "spark.speculation.quantile",
                version.speculation_quantile_default(),
            )?,
            min_task_runtime_ms: self.ms_or("spark.speculation.minTaskRuntime", 100)?,
            task_duration_threshold_ms: self
                .get_time_ms("spark.speculation.task.duration.threshold")?,
            efficiency_enabled: efficiency,
            process_rate_multiplier: self
                .f64_or("spark.speculation.efficiency.processRateMultiplier", 0.75)?,
            long_run_task_factor: self
                .f64_or("spark.speculation.efficiency.longRunTaskFactor", 2.0)?,
        })
    }

    /// The dynamic-allocation group (DA spec A.2) with this version's defaults. Values are
    /// parsed, not cross-checked; see `DynamicAllocationConf::check_settings`.
    pub fn dynamic_allocation(&self) -> Result<DynamicAllocationConf, ConfError> {
        const DA: &str = "spark.dynamicAllocation.";
        let key = |suffix: &str| format!("{DA}{suffix}");
        let version = self.version()?;
        Ok(DynamicAllocationConf {
            enabled: self.bool_or(&key("enabled"), false)?,
            testing: self.bool_or(&key("testing"), false)?,
            min_executors: self.i32_or(&key("minExecutors"), 0)?,
            max_executors: self.i32_or(&key("maxExecutors"), i32::MAX)?,
            initial_executors: self.i32_or(&key("initialExecutors"), 0)?,
            executor_instances: self.get_i32("spark.executor.instances")?,
            executor_allocation_ratio: self.f64_or(&key("executorAllocationRatio"), 1.0)?,
            scheduler_backlog_timeout_s: self.secs_or(&key("schedulerBacklogTimeout"), 1)?,
            sustained_scheduler_backlog_timeout_s: self
                .secs_or(&key("sustainedSchedulerBacklogTimeout"), 1)?,
            executor_idle_timeout_s: self.secs_or(&key("executorIdleTimeout"), 60)?,
            cached_executor_idle_timeout_s: self
                .secs_or(&key("cachedExecutorIdleTimeout"), i64::from(i32::MAX))?,
            shuffle_tracking_enabled: self.bool_or(
                &key("shuffleTracking.enabled"),
                version.shuffle_tracking_default(),
            )?,
            shuffle_tracking_timeout_ms: self
                .get_time_as(&key("shuffleTracking.timeout"), TimeUnit::Milliseconds)?
                .unwrap_or(i64::MAX),
            shuffle_service_enabled: self.bool_or("spark.shuffle.service.enabled", false)?,
            decommission_enabled: self.bool_or("spark.decommission.enabled", false)?,
            decommission_shuffle_blocks_enabled: self
                .bool_or("spark.storage.decommission.shuffleBlocks.enabled", true)?,
        })
    }

    fn invalid_here(&self, key: &str, expected: &str) -> ConfError {
        let version = self.version().unwrap_or_default();
        match self.resolve(key, version) {
            Some(found) => found.error(expected.to_string()),
            None => ConfError::InvalidSettings {
                keys: vec![key.to_string()],
                message: format!("expected {expected}"),
            },
        }
    }
}
