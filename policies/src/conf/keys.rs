//! The registry of configuration keys sparksim understands, with Spark's kinds and defaults.
//!
//! Each entry restates one `ConfigBuilder` of Spark's `internal/config/package.scala` (or
//! `Deploy.scala`, or a default that lives in the code that reads the key): its value kind
//! (for time values, the unit a bare number is in), its default per Spark version, a fallback
//! key (`fallbackConf`), deprecated alternative names (`withAlternative`) and any `checkValue`.
//!
//! The registry is data only: parsing lives in `units`, lookups with precedence in `SparkConf`.
//! It also declares the one sim-only key the conf itself owns, `sparksim.spark.version`.

use super::units::{ByteUnit, TimeUnit};
use crate::spark_version::SparkVersion;

/// The sim-only key that selects the Spark-version preset (default "3.5"). Values such as
/// "3.3", "3.4.1", "3.5", "4.0.0" (see `SparkVersion::parse`).
pub const SPARKSIM_VERSION_KEY: &str = "sparksim.spark.version";

/// The default of `SPARKSIM_VERSION_KEY`.
pub const SPARKSIM_VERSION_DEFAULT: &str = "3.5";

/// How a key's value is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `booleanConf`: trimmed `true`/`false`, any case.
    Bool,
    /// `intConf`: trimmed 32-bit integer.
    Int,
    /// `longConf`: trimmed 64-bit integer.
    Long,
    /// `doubleConf`: trimmed `Double.parseDouble`.
    Double,
    /// `timeConf(unit)`: a duration; a bare number is in `unit`.
    Time(TimeUnit),
    /// `bytesConf(unit)`: a size; a bare number is in `unit`.
    Size(ByteUnit),
    /// `stringConf`: any text.
    String,
    /// `stringConf` upper-cased (`Locale.ROOT`) and checked against a fixed set.
    UpperEnum(&'static [&'static str]),
    /// `spark.scheduler.mode`: `SchedulingMode::parse_conf_value` (upper-cased, not trimmed).
    SchedulingMode,
    /// `spark.master`: a master URL (`local[N]`, `spark://…`, `yarn`, …).
    MasterUrl,
}

impl ValueKind {
    /// What a valid value looks like, for messages.
    pub fn describe(self) -> String {
        match self {
            ValueKind::Bool => "a boolean (true or false)".into(),
            ValueKind::Int => "a 32-bit integer".into(),
            ValueKind::Long => "a 64-bit integer".into(),
            ValueKind::Double => "a number".into(),
            ValueKind::Time(unit) => format!("a duration (a bare number is in {unit})"),
            ValueKind::Size(unit) => format!("a size (a bare number is in {unit})"),
            ValueKind::String => "text".into(),
            ValueKind::UpperEnum(values) => format!("one of {}", values.join(", ")),
            ValueKind::SchedulingMode => "FIFO or FAIR".into(),
            ValueKind::MasterUrl => "a master URL".into(),
        }
    }
}

/// A key's default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeyDefault {
    /// `createOptional`: no value unless set.
    Unset,
    /// Spark's default, written as Spark's default string.
    Value(&'static str),
    /// The default changed between versions: the last entry whose version ≤ the preset wins.
    Versioned(&'static [(SparkVersion, &'static str)]),
    /// `fallbackConf`: the value (explicit or default) of another key.
    Fallback(&'static str),
    /// Depends on the cluster manager; unset here. The text says what Spark does.
    ClusterManager(&'static str),
}

/// A `checkValue` that Spark applies when the value is read (failure is an error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// `_ >= 0`.
    NonNegative,
    /// `_ > 0`.
    Positive,
    /// `v > 0.0 && v <= 1.0`.
    ZeroExclusiveToOne,
    /// `_ >= 1.0`.
    AtLeastOne,
}

impl Check {
    /// The condition, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Check::NonNegative => "must be >= 0",
            Check::Positive => "must be > 0",
            Check::ZeroExclusiveToOne => "must be in (0.0, 1.0]",
            Check::AtLeastOne => "must be >= 1.0",
        }
    }

    /// Whether `value` passes.
    pub fn accepts(self, value: f64) -> bool {
        match self {
            Check::NonNegative => value >= 0.0,
            Check::Positive => value > 0.0,
            Check::ZeroExclusiveToOne => value > 0.0 && value <= 1.0,
            Check::AtLeastOne => value >= 1.0,
        }
    }
}

/// One known key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeySpec {
    /// Spark's key.
    pub key: &'static str,
    /// How the value is parsed.
    pub kind: ValueKind,
    /// Spark's default.
    pub default: KeyDefault,
    /// A `checkValue`, if any.
    pub check: Option<Check>,
    /// The oldest preset in which the key exists.
    pub since: SparkVersion,
    /// Deprecated names read when the key itself is unset (`withAlternative`).
    pub alternatives: &'static [&'static str],
    /// One line on what the key does in sparksim.
    pub doc: &'static str,
}

impl KeySpec {
    /// The default string for `version`, if the key has a literal or versioned default.
    pub fn default_for(&self, version: SparkVersion) -> Option<&'static str> {
        match self.default {
            KeyDefault::Value(v) => Some(v),
            KeyDefault::Versioned(table) => table
                .iter()
                .rev()
                .find(|(since, _)| *since <= version)
                .map(|(_, v)| *v),
            KeyDefault::Unset | KeyDefault::Fallback(_) | KeyDefault::ClusterManager(_) => None,
        }
    }

    /// Whether the key exists in `version`.
    pub fn exists_in(&self, version: SparkVersion) -> bool {
        self.since <= version
    }
}

const fn key(key: &'static str, kind: ValueKind, default: KeyDefault) -> KeySpec {
    KeySpec {
        key,
        kind,
        default,
        check: None,
        since: SparkVersion::V3_3,
        alternatives: &[],
        doc: "",
    }
}

impl KeySpec {
    const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }
    const fn check(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }
    const fn since(mut self, since: SparkVersion) -> Self {
        self.since = since;
        self
    }
    const fn alt(mut self, alternatives: &'static [&'static str]) -> Self {
        self.alternatives = alternatives;
        self
    }
}

use KeyDefault::{ClusterManager, Fallback, Unset, Value, Versioned};
use SparkVersion::{V3_3, V3_4, V4_0};
use ValueKind::{Bool, Double, Int, MasterUrl, Size, Time};

const MS: ValueKind = Time(TimeUnit::Milliseconds);
const SECS: ValueKind = Time(TimeUnit::Seconds);
const INT_MAX: &str = "2147483647";
const DA_MIN: &str = "spark.dynamicAllocation.minExecutors";
const EXECUTOR_CORES_DEFAULT: &str = "1 on YARN and Kubernetes; standalone: unset, each \
     executor takes all free cores of its worker";
const MIN_REGISTERED_RATIO_DEFAULT: &str = "0 in standalone, 0.8 on YARN and Kubernetes";
const SHUFFLE_TRACKING_DEFAULT: KeyDefault = Versioned(&[(V3_3, "false"), (V3_4, "true")]);
const WORKER_SELECTION_POLICIES: &[&str] = &[
    "CORES_FREE_ASC",
    "CORES_FREE_DESC",
    "MEMORY_FREE_ASC",
    "MEMORY_FREE_DESC",
    "WORKER_ID",
];

/// Every key sparksim knows, grouped as in spec §12 and DA spec A.2 / A.12.
pub static KEYS: &[KeySpec] = &[
    // Application and cluster.
    key("spark.master", MasterUrl, Unset)
        .doc("cluster manager URL: local[N], local[N,F], spark://…, yarn, k8s://…"),
    key("spark.app.name", ValueKind::String, Unset).doc("application name"),
    key(
        "spark.submit.deployMode",
        ValueKind::String,
        Value("client"),
    )
    .doc("client or cluster"),
    key(
        "spark.executor.cores",
        Int,
        ClusterManager(EXECUTOR_CORES_DEFAULT),
    )
    .doc("cores per executor"),
    key("spark.executor.memory", Size(ByteUnit::MiB), Value("1g")).doc("heap per executor"),
    key("spark.executor.instances", Int, Unset)
        .doc("static executor count (YARN/K8s); with DA it only raises the initial target"),
    key("spark.cores.max", Int, Unset)
        .doc("standalone: total cores for the app (else spark.deploy.defaultCores)"),
    key("spark.deploy.spreadOut", Bool, Value("true"))
        .doc("standalone Master: spread executors across workers"),
    key("spark.deploy.defaultCores", Int, Value(INT_MAX))
        .doc("standalone Master: cores for apps without spark.cores.max"),
    key(
        "spark.deploy.workerSelectionPolicy",
        ValueKind::UpperEnum(WORKER_SELECTION_POLICIES),
        Value("CORES_FREE_DESC"),
    )
    .since(V4_0)
    .doc("standalone Master (4.0): order in which workers receive executors"),
    key("spark.task.cpus", Int, Value("1")).doc("cores per task"),
    key("spark.task.maxFailures", Int, Value("4"))
        .doc("failures of one task before its job aborts (local mode: 1, or F of local[N,F])"),
    key("spark.stage.maxConsecutiveAttempts", Int, Value("4"))
        .doc("stage attempts after fetch failures"),
    key("spark.shuffle.reduceLocality.enabled", Bool, Value("true"))
        .doc("reduce tasks prefer hosts holding much of their input"),
    key("spark.shuffle.service.enabled", Bool, Value("false")).doc("external shuffle service"),
    key("spark.executor.heartbeatInterval", MS, Value("10s"))
        .doc("executor heartbeat period (refreshes task metrics)"),
    // Scheduler.
    key(
        "spark.scheduler.mode",
        ValueKind::SchedulingMode,
        Value("FIFO"),
    )
    .doc("FIFO or FAIR (upper-cased, not trimmed)"),
    key("spark.scheduler.allocation.file", ValueKind::String, Unset)
        .doc("fairscheduler.xml path or URL"),
    key("spark.scheduler.revive.interval", MS, Value("1s"))
        .doc("period of the backend's full offer round"),
    key(
        "spark.scheduler.minRegisteredResourcesRatio",
        Double,
        ClusterManager(MIN_REGISTERED_RATIO_DEFAULT),
    )
    .doc("share of executors to wait for before scheduling starts"),
    key(
        "spark.scheduler.maxRegisteredResourcesWaitingTime",
        MS,
        Value("30s"),
    )
    .doc("maximum wait for registered resources"),
    key("spark.locality.wait", MS, Value("3s"))
        .doc("base delay-scheduling wait per locality level"),
    key(
        "spark.locality.wait.process",
        MS,
        Fallback("spark.locality.wait"),
    )
    .doc("wait at PROCESS_LOCAL"),
    key(
        "spark.locality.wait.node",
        MS,
        Fallback("spark.locality.wait"),
    )
    .doc("wait at NODE_LOCAL"),
    key(
        "spark.locality.wait.rack",
        MS,
        Fallback("spark.locality.wait"),
    )
    .doc("wait at RACK_LOCAL"),
    key(
        "spark.locality.wait.legacyResetOnTaskLaunch",
        Bool,
        Value("false"),
    )
    .doc("internal: legacy delay-timer reset on every launch"),
    // Speculation.
    key("spark.speculation", Bool, Value("false"))
        .doc("speculative execution (cluster modes only)"),
    key("spark.speculation.interval", MS, Value("100ms")).doc("period of the speculation check"),
    key(
        "spark.speculation.multiplier",
        Double,
        Versioned(&[(V3_3, "1.5"), (V4_0, "3")]),
    )
    .doc("threshold = multiplier x median"),
    key(
        "spark.speculation.quantile",
        Double,
        Versioned(&[(V3_3, "0.75"), (V4_0, "0.9")]),
    )
    .doc("share of tasks that must finish first"),
    key("spark.speculation.minTaskRuntime", MS, Value("100ms"))
        .doc("lower bound of the speculation threshold"),
    key("spark.speculation.task.duration.threshold", MS, Unset)
        .doc("absolute threshold for stages with at most one executor's slots of tasks"),
    key("spark.speculation.efficiency.enabled", Bool, Value("true"))
        .since(V3_4)
        .doc("speculate only inefficient tasks"),
    key(
        "spark.speculation.efficiency.processRateMultiplier",
        Double,
        Value("0.75"),
    )
    .check(Check::ZeroExclusiveToOne)
    .since(V3_4)
    .doc("efficiency: rate multiplier"),
    key(
        "spark.speculation.efficiency.longRunTaskFactor",
        Double,
        Value("2.0"),
    )
    .check(Check::AtLeastOne)
    .since(V3_4)
    .doc("efficiency: speculate anyway past factor x threshold"),
    key("spark.executor.decommission.killInterval", SECS, Unset)
        .doc("enables decommission-driven speculation"),
    key("spark.decommission.enabled", Bool, Value("false"))
        .doc("graceful executor decommissioning"),
    key(
        "spark.storage.decommission.shuffleBlocks.enabled",
        Bool,
        Value("true"),
    )
    .doc("migrate shuffle blocks when decommissioning"),
    // Exclusion on failure.
    key("spark.excludeOnFailure.enabled", Bool, Unset)
        .alt(&["spark.blacklist.enabled"])
        .doc("exclusion on failure (4.0: fallback of the two keys below)"),
    key("spark.excludeOnFailure.application.enabled", Bool, Unset)
        .since(V4_0)
        .doc("4.0: application-level exclusion"),
    key("spark.excludeOnFailure.taskAndStage.enabled", Bool, Unset)
        .since(V4_0)
        .doc("4.0: task-set-level exclusion"),
    key(
        "spark.excludeOnFailure.task.maxTaskAttemptsPerExecutor",
        Int,
        Value("1"),
    )
    .alt(&["spark.blacklist.task.maxTaskAttemptsPerExecutor"])
    .doc("attempts of one task per executor"),
    key(
        "spark.excludeOnFailure.task.maxTaskAttemptsPerNode",
        Int,
        Value("2"),
    )
    .alt(&["spark.blacklist.task.maxTaskAttemptsPerNode"])
    .doc("attempts of one task per node"),
    key(
        "spark.excludeOnFailure.stage.maxFailedTasksPerExecutor",
        Int,
        Value("2"),
    )
    .alt(&["spark.blacklist.stage.maxFailedTasksPerExecutor"])
    .doc("failed tasks per executor per stage"),
    key(
        "spark.excludeOnFailure.stage.maxFailedExecutorsPerNode",
        Int,
        Value("2"),
    )
    .alt(&["spark.blacklist.stage.maxFailedExecutorsPerNode"])
    .doc("excluded executors per node per stage"),
    key(
        "spark.excludeOnFailure.application.maxFailedTasksPerExecutor",
        Int,
        Value("2"),
    )
    .alt(&["spark.blacklist.application.maxFailedTasksPerExecutor"])
    .doc("failed tasks per executor per application"),
    key(
        "spark.excludeOnFailure.application.maxFailedExecutorsPerNode",
        Int,
        Value("2"),
    )
    .alt(&["spark.blacklist.application.maxFailedExecutorsPerNode"])
    .doc("excluded executors per node per application"),
    // Spark's entry is createOptional; 1h is HealthTracker's fallback when unset.
    key("spark.excludeOnFailure.timeout", MS, Value("1h"))
        .alt(&["spark.blacklist.timeout"])
        .doc("application-level exclusion expiry"),
    key(
        "spark.scheduler.excludeOnFailure.unschedulableTaskSetTimeout",
        SECS,
        Value("120"),
    )
    .check(Check::NonNegative)
    .alt(&["spark.scheduler.blacklist.unschedulableTaskSetTimeout"])
    .doc("abort timer for a completely excluded task set"),
    // Dynamic allocation (DA spec A.2).
    key("spark.dynamicAllocation.enabled", Bool, Value("false"))
        .doc("dynamic allocation (not in local mode)"),
    key("spark.dynamicAllocation.testing", Bool, Value("false"))
        .doc("testing: allow DA in local mode, skip the shuffle check"),
    key("spark.dynamicAllocation.minExecutors", Int, Value("0"))
        .doc("lower bound per resource profile"),
    key("spark.dynamicAllocation.maxExecutors", Int, Value(INT_MAX))
        .doc("upper bound per resource profile"),
    key(
        "spark.dynamicAllocation.initialExecutors",
        Int,
        Fallback(DA_MIN),
    )
    .doc("initial target (see initial_target)"),
    key(
        "spark.dynamicAllocation.executorAllocationRatio",
        Double,
        Value("1.0"),
    )
    .doc("scales the executors needed, in (0, 1]"),
    key(
        "spark.dynamicAllocation.schedulerBacklogTimeout",
        SECS,
        Value("1"),
    )
    .doc("backlog before the first request (bare number = seconds)"),
    key(
        "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout",
        SECS,
        Fallback("spark.dynamicAllocation.schedulerBacklogTimeout"),
    )
    .doc("interval of later requests (bare number = seconds)"),
    key(
        "spark.dynamicAllocation.executorIdleTimeout",
        SECS,
        Value("60"),
    )
    .check(Check::NonNegative)
    .doc("idle time before removal (bare number = seconds)"),
    key(
        "spark.dynamicAllocation.cachedExecutorIdleTimeout",
        SECS,
        Value(INT_MAX),
    )
    .check(Check::NonNegative)
    .doc("idle time for executors with cached blocks (bare number = seconds)"),
    key(
        "spark.dynamicAllocation.shuffleTracking.enabled",
        Bool,
        SHUFFLE_TRACKING_DEFAULT,
    )
    .doc("keep executors holding live shuffle data"),
    key(
        "spark.dynamicAllocation.shuffleTracking.timeout",
        MS,
        Value("9223372036854775807"),
    )
    .check(Check::NonNegative)
    .doc("shuffle-holding timeout (bare number = MILLISECONDS)"),
    // Event logs (read by the event-log replay).
    key("spark.eventLog.enabled", Bool, Value("false")).doc("write an event log"),
    key(
        "spark.eventLog.dir",
        ValueKind::String,
        Value("/tmp/spark-events"),
    )
    .doc("event-log directory"),
    key(
        "spark.eventLog.compress",
        Bool,
        Versioned(&[(V3_3, "false"), (V4_0, "true")]),
    )
    .doc("compress event logs"),
    key(
        "spark.eventLog.compression.codec",
        ValueKind::String,
        Value("zstd"),
    )
    .doc("event-log codec"),
    key(
        "spark.eventLog.rolling.enabled",
        Bool,
        Versioned(&[(V3_3, "false"), (V4_0, "true")]),
    )
    .doc("rolling event logs"),
    // sparksim's own.
    key(
        SPARKSIM_VERSION_KEY,
        ValueKind::String,
        Value(SPARKSIM_VERSION_DEFAULT),
    )
    .doc("sim-only: Spark version preset (3.3, 3.4, 3.5, 4.0)"),
];

/// Keys Spark reads as per-thread *local properties*, not from `SparkConf`.
pub const LOCAL_PROPERTY_KEYS: &[&str] = &["spark.scheduler.pool", "spark.job.interruptOnCancel"];

/// The spec of `key`, if known.
pub fn lookup(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|spec| spec.key == key)
}

/// The spec whose deprecated alternative name is `key`, if any.
pub fn lookup_alternative(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|spec| spec.alternatives.contains(&key))
}

#[cfg(test)]
mod tests {
    use super::super::units;
    use super::*;

    #[test]
    fn keys_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for spec in KEYS {
            assert!(seen.insert(spec.key), "duplicate {}", spec.key);
        }
    }

    #[test]
    fn fallbacks_point_at_known_keys() {
        for spec in KEYS {
            if let KeyDefault::Fallback(target) = spec.default {
                assert!(lookup(target).is_some(), "{} -> {target}", spec.key);
            }
        }
    }

    #[test]
    fn every_default_parses_with_its_kind() {
        for spec in KEYS {
            for version in SparkVersion::ALL {
                let Some(text) = spec.default_for(version) else {
                    continue;
                };
                let ok = match spec.kind {
                    ValueKind::Bool => units::parse_bool(text).is_ok(),
                    ValueKind::Int => units::parse_int(text).is_ok(),
                    ValueKind::Long => units::parse_long(text).is_ok(),
                    ValueKind::Double => units::parse_double(text).is_ok(),
                    ValueKind::Time(unit) => units::parse_time_as(text, unit).is_ok(),
                    ValueKind::Size(unit) => units::parse_size_as(text, unit).is_ok(),
                    ValueKind::UpperEnum(values) => values.contains(&text),
                    _ => true,
                };
                assert!(ok, "{} default {text:?}", spec.key);
            }
        }
    }

    #[test]
    fn versioned_defaults() {
        let m = lookup("spark.speculation.multiplier").unwrap();
        assert_eq!(m.default_for(SparkVersion::V3_5), Some("1.5"));
        assert_eq!(m.default_for(SparkVersion::V4_0), Some("3"));
        let t = lookup("spark.dynamicAllocation.shuffleTracking.enabled").unwrap();
        assert_eq!(t.default_for(SparkVersion::V3_3), Some("false"));
        assert_eq!(t.default_for(SparkVersion::V3_4), Some("true"));
        assert_eq!(
            lookup_alternative("spark.blacklist.enabled").map(|s| s.key),
            Some("spark.excludeOnFailure.enabled")
        );
    }
}
