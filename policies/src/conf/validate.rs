//! `SparkConf::validate`: every value parsed as Spark would, plus the traps a user needs to hear
//! about (typos, keys Spark ignores, keys of another Spark version, settings with no effect).
//!
//! Invalid values and start-up failures are errors; everything else is a `ConfWarning`.

use std::fmt;

use super::keys::{self, KeySpec, LOCAL_PROPERTY_KEYS, SPARKSIM_VERSION_KEY, ValueKind};
use super::master::MasterUrl;
use super::units;
use super::{ConfEntry, ConfError, ConfSource, LocalityWaitLevel, SparkConf};
use crate::scheduling_mode::SchedulingMode;
use crate::spark_version::SparkVersion;

/// A setting that is accepted but probably not what the user meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfWarning {
    /// The key concerned (or the file, for file-level warnings).
    pub key: String,
    /// Where the value came from.
    pub origin: ConfSource,
    /// What is wrong.
    pub kind: ConfWarningKind,
}

/// The kinds of `ConfWarning`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfWarningKind {
    /// A `spark.*` key sparksim does not model (it has no effect on the simulation).
    UnknownKey { suggestion: Option<String> },
    /// Neither `spark.*` nor `sparksim.*`: spark-submit drops it
    /// ("Ignoring non-Spark config property").
    NotSparkKey { suggestion: Option<String> },
    /// A `sparksim.*` key nobody declared.
    UnknownSimKey { suggestion: Option<String> },
    /// The key starts with a UTF-8 byte-order mark (Spark keeps it as part of the key).
    ByteOrderMark { without_bom: String },
    /// The key does not exist in the selected Spark version; its value is ignored.
    NotInVersion {
        since: SparkVersion,
        version: SparkVersion,
    },
    /// A deprecated name; Spark reads it only while `replacement` is unset.
    Deprecated { replacement: &'static str },
    /// A per-job local property (`sc.setLocalProperty`) set in `SparkConf`: no effect.
    LocalProperty,
    /// A feature that never runs with a local master.
    IgnoredInLocalMode {
        feature: &'static str,
        master: String,
    },
    /// A properties file with invalid UTF-8, decoded with U+FFFD as Spark does.
    InvalidUtf8 { byte_offset: usize },
}

impl ConfWarning {
    pub(super) fn invalid_utf8(path: &str, byte_offset: usize) -> Self {
        ConfWarning {
            key: path.to_string(),
            origin: ConfSource::PropertiesFile {
                path: path.to_string(),
                line: 0,
            },
            kind: ConfWarningKind::InvalidUtf8 { byte_offset },
        }
    }
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map_or(String::new(), |s| format!("; did you mean {s}?"))
}

impl fmt::Display for ConfWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (key, origin) = (&self.key, &self.origin);
        match &self.kind {
            ConfWarningKind::UnknownKey { suggestion } => write!(
                f,
                "{key} (from {origin}) is not a key sparksim models; it has no effect on the \
                 simulation{}",
                did_you_mean(suggestion)
            ),
            ConfWarningKind::NotSparkKey { suggestion } => write!(
                f,
                "{key} (from {origin}) does not start with \"spark.\"; spark-submit ignores it{}",
                did_you_mean(suggestion)
            ),
            ConfWarningKind::UnknownSimKey { suggestion } => write!(
                f,
                "{key} (from {origin}) is not a sparksim setting{}",
                did_you_mean(suggestion)
            ),
            ConfWarningKind::ByteOrderMark { without_bom } => write!(
                f,
                "{without_bom} (from {origin}) is preceded by a UTF-8 byte-order mark; Spark keeps \
                 the mark as part of the key, so the key is not recognised"
            ),
            ConfWarningKind::NotInVersion { since, version } => write!(
                f,
                "{key} (from {origin}) does not exist in Spark {version} (added in {since}); \
                 its value is ignored under {SPARKSIM_VERSION_KEY}={version}"
            ),
            ConfWarningKind::Deprecated { replacement } => write!(
                f,
                "{key} (from {origin}) is deprecated; use {replacement} (Spark reads the old name \
                 only while {replacement} is unset)"
            ),
            ConfWarningKind::LocalProperty => write!(
                f,
                "{key} (from {origin}) is a per-job local property \
                 (SparkContext.setLocalProperty), \
                 not a SparkConf setting; setting it here has no effect"
            ),
            ConfWarningKind::IgnoredInLocalMode { feature, master } => write!(
                f,
                "{key}=true (from {origin}) has no effect with master {master}: {feature} does not \
                 run in local mode"
            ),
            ConfWarningKind::InvalidUtf8 { byte_offset } => write!(
                f,
                "{key} is not valid UTF-8 (first bad byte at offset {byte_offset}); Spark decodes \
                 it as UTF-8 and replaces bad bytes with U+FFFD"
            ),
        }
    }
}

/// Whether `key` is declared by `patterns` (exact keys, or `prefix.*`).
fn declared(key: &str, patterns: &[&str]) -> bool {
    patterns.iter().any(|p| match p.strip_suffix(".*") {
        Some(prefix) => {
            key.len() > prefix.len() + 1
                && key.starts_with(prefix)
                && key.as_bytes()[prefix.len()] == b'.'
        }
        None => key == *p,
    })
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within 2 edits (or equal ignoring case).
fn suggest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .filter(|c| c.len().abs_diff(key.len()) <= 2)
        .map(|c| {
            let d = if c.eq_ignore_ascii_case(key) {
                0
            } else {
                edit_distance(key, c)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c.to_string())
}

fn known_names<'a>() -> impl Iterator<Item = &'a str> {
    keys::KEYS.iter().map(|s| s.key)
}

/// Parses `value` as `spec` says, with its check.
fn check_value(spec: &KeySpec, value: &str) -> Result<(), String> {
    let number = match spec.kind {
        ValueKind::Bool => units::parse_bool(value).map(|_| None)?,
        ValueKind::Int => Some(f64::from(units::parse_int(value)?)),
        ValueKind::Long => Some(units::parse_long(value)? as f64),
        ValueKind::Double => Some(units::parse_double(value)?),
        ValueKind::Time(unit) => Some(units::parse_time_as(value, unit)? as f64),
        ValueKind::Size(unit) => Some(units::parse_size_as(value, unit)? as f64),
        ValueKind::String => None,
        ValueKind::UpperEnum(values) => {
            if !values.contains(&value.to_uppercase().as_str()) {
                return Err(spec.kind.describe());
            }
            None
        }
        ValueKind::SchedulingMode => {
            SchedulingMode::parse_conf_value(value)
                .map_err(|e| super::typed::mode_expected(value, &e))?;
            None
        }
        ValueKind::MasterUrl => MasterUrl::parse(value).map(|_| None)?,
    };
    match (number, spec.check) {
        (Some(x), Some(check)) if !check.accepts(x) => Err(format!(
            "{} whose value {}",
            spec.kind.describe(),
            check.describe()
        )),
        _ => Ok(()),
    }
}

impl SparkConf {
    /// Checks every value and the combinations Spark rejects at start-up.
    ///
    /// `extra_known` declares keys other crates read (exact keys, or `prefix.*` patterns),
    /// typically the simulator's `sparksim.*` knobs. Unknown keys give warnings (with a
    /// "did you mean" for a close known key); invalid values give errors naming the key, the
    /// value, what was expected and where the value came from.
    pub fn validate(&self, extra_known: &[&str]) -> Result<Vec<ConfWarning>, ConfError> {
        let version = self.version()?;
        let mut warnings = Vec::new();
        for (key, entry) in self.entries() {
            if let Some(w) = self.check_entry(key, entry, version, extra_known)? {
                warnings.push(w);
            }
        }
        self.check_typed_groups()?;
        self.check_combinations(&mut warnings)?;
        Ok(warnings)
    }

    fn check_entry(
        &self,
        key: &str,
        entry: &ConfEntry,
        version: SparkVersion,
        extra_known: &[&str],
    ) -> Result<Option<ConfWarning>, ConfError> {
        let warn = |kind| {
            Some(ConfWarning {
                key: key.to_string(),
                origin: entry.source.clone(),
                kind,
            })
        };
        let invalid = |expected: String| ConfError::InvalidValue {
            key: key.to_string(),
            value: entry.value.clone(),
            expected,
            origin: entry.source.clone(),
        };
        if let Some(spec) = keys::lookup(key) {
            if !spec.exists_in(version) {
                return Ok(warn(ConfWarningKind::NotInVersion {
                    since: spec.since,
                    version,
                }));
            }
            check_value(spec, &entry.value).map_err(invalid)?;
            return Ok(None);
        }
        if let Some(spec) = keys::lookup_alternative(key) {
            check_value(spec, &entry.value).map_err(invalid)?;
            return Ok(warn(ConfWarningKind::Deprecated {
                replacement: spec.key,
            }));
        }
        Ok(unknown_key_warning(key, extra_known).and_then(warn))
    }

    /// Reads every typed group so that sparksim's own restrictions surface now.
    fn check_typed_groups(&self) -> Result<(), ConfError> {
        self.scheduler_mode()?;
        self.task_cpus()?;
        self.executor_cores()?;
        self.executor_memory_mib()?;
        self.executor_instances()?;
        self.cores_max()?;
        self.task_max_failures()?;
        self.revive_interval_ms()?;
        self.heartbeat_interval_ms()?;
        for level in [
            LocalityWaitLevel::Process,
            LocalityWaitLevel::Node,
            LocalityWaitLevel::Rack,
        ] {
            self.locality_wait_ms(level)?;
        }
        self.speculation()?;
        self.dynamic_allocation()?;
        Ok(())
    }

    fn check_combinations(&self, warnings: &mut Vec<ConfWarning>) -> Result<(), ConfError> {
        self.check_task_cpus_fit()?;
        let master = self.master_url()?;
        let local = master.as_ref().is_some_and(MasterUrl::is_local);
        let da = self.dynamic_allocation()?;
        if da.enabled && local && !da.testing {
            warnings.extend(
                self.local_mode_warning("spark.dynamicAllocation.enabled", "dynamic allocation"),
            );
        } else if da.enabled {
            da.check_settings()?;
        }
        let speculation = self.speculation()?;
        if speculation.enabled && local {
            warnings.extend(self.local_mode_warning("spark.speculation", "speculation"));
        } else if speculation.enabled && speculation.interval_ms == 0 {
            return Err(ConfError::InvalidSettings {
                keys: vec!["spark.speculation.interval".into()],
                message: "spark.speculation.interval must be > 0 when speculation is enabled \
                          (Spark: scheduleWithFixedDelay rejects a zero delay)"
                    .into(),
            });
        }
        Ok(())
    }

    /// `SparkContext`: the cores per executor (or local threads) must cover `spark.task.cpus`.
    fn check_task_cpus_fit(&self) -> Result<(), ConfError> {
        let task_cpus = self.task_cpus()?;
        let cores = match self.master_url()? {
            Some(MasterUrl::Local {
                threads: super::LocalThreads::Count(n),
                ..
            }) => Some((n, "spark.master")),
            _ => self.executor_cores()?.map(|n| (n, "spark.executor.cores")),
        };
        match cores {
            Some((cores, key)) if cores < task_cpus => Err(ConfError::InvalidSettings {
                keys: vec![key.to_string(), "spark.task.cpus".to_string()],
                message: format!(
                    "the number of cores per executor (={cores}) has to be >= the number of cpus \
                     per task = {task_cpus}"
                ),
            }),
            _ => Ok(()),
        }
    }

    fn local_mode_warning(&self, key: &'static str, feature: &'static str) -> Option<ConfWarning> {
        let entry = self.entry(key)?;
        Some(ConfWarning {
            key: key.to_string(),
            origin: entry.source.clone(),
            kind: ConfWarningKind::IgnoredInLocalMode {
                feature,
                master: self.master().unwrap_or_default().to_string(),
            },
        })
    }
}

/// The warning for a key the registry does not know, if any.
fn unknown_key_warning(key: &str, extra_known: &[&str]) -> Option<ConfWarningKind> {
    if declared(key, extra_known) {
        return None;
    }
    if LOCAL_PROPERTY_KEYS.contains(&key) {
        return Some(ConfWarningKind::LocalProperty);
    }
    if let Some(without_bom) = key.strip_prefix('\u{feff}') {
        return Some(ConfWarningKind::ByteOrderMark {
            without_bom: without_bom.to_string(),
        });
    }
    let exact_extra = extra_known.iter().copied().filter(|p| !p.ends_with(".*"));
    let suggestion = suggest(key, known_names().chain(exact_extra));
    Some(if key.starts_with("sparksim.") {
        ConfWarningKind::UnknownSimKey { suggestion }
    } else if key.starts_with("spark.") {
        ConfWarningKind::UnknownKey { suggestion }
    } else {
        ConfWarningKind::NotSparkKey { suggestion }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("spark.speculation", "spark.speculation"), 0);
        assert_eq!(edit_distance("spark.speculaton", "spark.speculation"), 1);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn patterns_match_whole_segments() {
        assert!(declared("sparksim.cluster.hosts", &["sparksim.cluster.*"]));
        assert!(!declared("sparksim.clusterx", &["sparksim.cluster.*"]));
        assert!(!declared("sparksim.cluster", &["sparksim.cluster.*"]));
        assert!(declared("sparksim.seed", &["sparksim.seed"]));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("spark.speculaton", known_names()).as_deref(),
            Some("spark.speculation")
        );
        assert_eq!(
            suggest("spark.Speculation", known_names()).as_deref(),
            Some("spark.speculation")
        );
        assert_eq!(suggest("spark.sql.shuffle.partitions", known_names()), None);
    }
}
