//! A typed `SparkConf`: Spark's keys, defaults (per Spark version) and parsing rules.
//!
//! `SparkConf` stores string key → value, each with where it came from (`ConfSource`), the
//! way Spark's own `SparkConf` stores strings and parses them only when read. Getters parse
//! with Spark's rules (`units`), fall back along Spark's chains (`keys`: deprecated names,
//! `fallbackConf`, version-dependent defaults) and return `ConfError` naming the key, the
//! value, what was expected and where the value came from. They never panic.
//!
//! Inputs, with Spark's precedence (`--conf` beats properties files):
//! * `--conf key=value` (`set_conf_arg`): split at the first `=`, nothing trimmed.
//! * `spark-defaults.conf` / `--properties-file` (`load_properties_file`): Java
//!   `Properties.load` syntax, values trimmed; a file never overrides a value already set.
//! * Workloads and event logs call `set` with their own `ConfSource`.
//!
//! The Spark-version preset is itself a key, `sparksim.spark.version` (default "3.5"); it
//! selects version-dependent defaults (speculation 1.5/0.75 vs 3/0.9, shuffle tracking, …).
//! Keys under `sparksim.` belong to the simulator; other crates declare theirs to `validate`.
//!
//! This module only reads configuration; it decides nothing about scheduling.

mod groups;
pub mod keys;
pub mod master;
pub mod properties_file;
mod typed;
pub mod units;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub use groups::{DynamicAllocationConf, LocalityWaitLevel, SpeculationConf};
pub use keys::{KeySpec, SPARKSIM_VERSION_KEY, ValueKind};
pub use master::{LocalThreads, MasterUrl};
pub use units::{ByteUnit, TimeUnit};
pub use validate::{ConfWarning, ConfWarningKind};

use crate::spark_version::SparkVersion;

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfSource {
    /// `--conf key=value` on the command line.
    CommandLine,
    /// A properties file (`spark-defaults.conf`, `--properties-file`), at a 1-based line.
    PropertiesFile { path: String, line: u32 },
    /// The workload or scenario file.
    Workload,
    /// A replayed event log's `SparkListenerEnvironmentUpdate`.
    EventLog,
    /// Set by code (tests, presets, other crates).
    Api,
    /// Spark's default (only reported, never stored).
    Default,
}

impl fmt::Display for ConfSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfSource::CommandLine => f.write_str("the command line"),
            ConfSource::PropertiesFile { path, line } => write!(f, "{path}:{line}"),
            ConfSource::Workload => f.write_str("the workload"),
            ConfSource::EventLog => f.write_str("the event log"),
            ConfSource::Api => f.write_str("the API"),
            ConfSource::Default => f.write_str("Spark's default"),
        }
    }
}

/// A stored value and its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfEntry {
    pub value: String,
    pub source: ConfSource,
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfError {
    /// A value that does not parse or fails Spark's check.
    #[error("{key}={value:?} (from {origin}): expected {expected}")]
    InvalidValue {
        key: String,
        value: String,
        expected: String,
        origin: ConfSource,
    },
    /// Values that are fine alone but not together (Spark fails at start-up).
    #[error("{message} (keys: {})", .keys.join(", "))]
    InvalidSettings { keys: Vec<String>, message: String },
    /// `--conf` without `=` (Spark: "Spark config without '='").
    #[error("--conf {arg:?}: expected key=value (Spark: Spark config without '=')")]
    MissingEquals { arg: String },
    /// A properties-file syntax error.
    #[error("{path}:{line}: {message}")]
    PropertiesSyntax {
        path: String,
        line: u32,
        message: String,
    },
    /// A properties file that cannot be read.
    #[error("properties file {path}: {message}")]
    PropertiesFile { path: String, message: String },
}

/// Spark's configuration: key → value, each with its source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SparkConf {
    entries: BTreeMap<String, ConfEntry>,
}

/// A value found for a key: which key actually held it (the key, a deprecated name, a
/// fallback key, or the registry default), the text, and its source.
struct Resolved<'a> {
    key: &'a str,
    value: &'a str,
    origin: ConfSource,
    spec: Option<&'static KeySpec>,
}

impl Resolved<'_> {
    fn error(&self, expected: String) -> ConfError {
        ConfError::InvalidValue {
            key: self.key.to_string(),
            value: self.value.to_string(),
            expected,
            origin: self.origin.clone(),
        }
    }
}

/// SparkSubmit's `--conf` rule: split at the first `=`; nothing is trimmed.
pub fn parse_conf_arg(arg: &str) -> Result<(String, String), ConfError> {
    match arg.split_once('=') {
        Some((key, value)) => Ok((key.to_string(), value.to_string())),
        None => Err(ConfError::MissingEquals {
            arg: arg.to_string(),
        }),
    }
}

impl SparkConf {
    /// An empty configuration (every key at Spark's default, preset 3.5).
    pub fn new() -> Self {
        SparkConf::default()
    }

    /// An empty configuration with the given version preset.
    pub fn for_version(version: SparkVersion) -> Self {
        let mut conf = SparkConf::new();
        conf.set(SPARKSIM_VERSION_KEY, version.as_str(), ConfSource::Api);
        conf
    }

    /// Sets `key`, replacing any earlier value.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>, source: ConfSource) {
        let entry = ConfEntry {
            value: value.into(),
            source,
        };
        self.entries.insert(key.into(), entry);
    }

    /// Sets `key` unless it already has a value; returns whether it was set.
    pub fn set_if_missing(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
        source: ConfSource,
    ) -> bool {
        let key = key.into();
        if self.entries.contains_key(&key) {
            return false;
        }
        self.set(key, value, source);
        true
    }

    /// Applies one `--conf key=value` argument.
    pub fn set_conf_arg(&mut self, arg: &str) -> Result<(), ConfError> {
        let (key, value) = parse_conf_arg(arg)?;
        self.set(key, value, ConfSource::CommandLine);
        Ok(())
    }

    /// Removes `key`, returning its entry.
    pub fn remove(&mut self, key: &str) -> Option<ConfEntry> {
        self.entries.remove(key)
    }

    /// The value set for `key` (no defaults).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(|e| e.value.as_str())
    }

    /// The entry set for `key` (no defaults).
    pub fn entry(&self, key: &str) -> Option<&ConfEntry> {
        self.entries.get(key)
    }

    /// Whether `key` has a value.
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// All set keys, sorted.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &ConfEntry)> {
        self.entries.iter().map(|(k, e)| (k.as_str(), e))
    }

    /// Loads a properties file (`spark-defaults.conf` syntax). Values already set win, as
    /// `--conf` wins over the file in SparkSubmit. Returns warnings (e.g. invalid UTF-8,
    /// which Spark silently replaces with U+FFFD).
    pub fn load_properties_file(&mut self, path: &Path) -> Result<Vec<ConfWarning>, ConfError> {
        let label = path.display().to_string();
        let file_error = |message: String| ConfError::PropertiesFile {
            path: label.clone(),
            message,
        };
        let meta = std::fs::metadata(path)
            .map_err(|e| file_error(format!("does not exist or cannot be read ({e})")))?;
        if !meta.is_file() {
            return Err(file_error("is not a normal file".into()));
        }
        let bytes = std::fs::read(path).map_err(|e| file_error(format!("cannot be read ({e})")))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut warnings = self.load_properties_str(&text, &label)?;
        if let Err(e) = std::str::from_utf8(&bytes) {
            warnings.push(ConfWarning::invalid_utf8(&label, e.valid_up_to()));
        }
        Ok(warnings)
    }

    /// Loads properties-file text; `path` labels sources and errors.
    pub fn load_properties_str(
        &mut self,
        text: &str,
        path: &str,
    ) -> Result<Vec<ConfWarning>, ConfError> {
        let pairs =
            properties_file::spark_properties(text).map_err(|e| ConfError::PropertiesSyntax {
                path: path.to_string(),
                line: e.line,
                message: e.message,
            })?;
        for pair in pairs {
            let source = ConfSource::PropertiesFile {
                path: path.to_string(),
                line: pair.line,
            };
            self.set_if_missing(pair.key, pair.value, source);
        }
        Ok(Vec::new())
    }

    /// The Spark-version preset (`sparksim.spark.version`, default 3.5).
    pub fn version(&self) -> Result<SparkVersion, ConfError> {
        let Some(entry) = self.entries.get(SPARKSIM_VERSION_KEY) else {
            return Ok(SparkVersion::default());
        };
        SparkVersion::parse(&entry.value).map_err(|_| ConfError::InvalidValue {
            key: SPARKSIM_VERSION_KEY.to_string(),
            value: entry.value.clone(),
            expected: "a Spark version such as 3.3, 3.4, 3.5, 3.5.1 or 4.0.0".to_string(),
            origin: entry.source.clone(),
        })
    }

    /// Finds the value Spark would read for `key` under `version`: the key itself, then its
    /// deprecated names, then its fallback key, then its default. Keys that do not exist in
    /// `version` resolve to nothing.
    fn resolve(&self, key: &str, version: SparkVersion) -> Option<Resolved<'_>> {
        let spec = keys::lookup(key);
        if spec.is_some_and(|s| !s.exists_in(version)) {
            return None;
        }
        let names =
            std::iter::once(key).chain(spec.map_or(&[][..], |s| s.alternatives).iter().copied());
        for name in names {
            if let Some((k, e)) = self.entries.get_key_value(name) {
                let origin = e.source.clone();
                return Some(Resolved {
                    key: k,
                    value: &e.value,
                    origin,
                    spec,
                });
            }
        }
        let spec = spec?;
        if let keys::KeyDefault::Fallback(other) = spec.default {
            return self.resolve(other, version);
        }
        let value = spec.default_for(version)?;
        Some(Resolved {
            key: spec.key,
            value,
            origin: ConfSource::Default,
            spec: Some(spec),
        })
    }

    /// The effective text for `key`, defaults included (`None`: unset, no default).
    pub fn get_resolved(&self, key: &str) -> Result<Option<&str>, ConfError> {
        let version = self.version()?;
        Ok(self.resolve(key, version).map(|r| r.value))
    }

    /// Reads `key` with `parse` (given the text and the spec of the key that held it).
    fn read_as<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&str, Option<&KeySpec>) -> Result<T, String>,
    ) -> Result<Option<T>, ConfError> {
        let version = self.version()?;
        let Some(found) = self.resolve(key, version) else {
            return Ok(None);
        };
        parse(found.value, found.spec)
            .map(Some)
            .map_err(|expected| found.error(expected))
    }

    /// A boolean (`true`/`false`, any case, trimmed).
    pub fn get_bool(&self, key: &str) -> Result<Option<bool>, ConfError> {
        self.read_as(key, |v, _| units::parse_bool(v))
    }

    /// A 32-bit integer, with the key's check.
    pub fn get_i32(&self, key: &str) -> Result<Option<i32>, ConfError> {
        self.read_as(key, |v, spec| {
            let n = units::parse_int(v)?;
            apply_check(spec, f64::from(n))?;
            Ok(n)
        })
    }

    /// A non-negative 32-bit integer.
    pub fn get_u32(&self, key: &str) -> Result<Option<u32>, ConfError> {
        self.read_as(key, |v, spec| {
            let n = units::parse_int(v)?;
            apply_check(spec, f64::from(n))?;
            u32::try_from(n).map_err(|_| "a non-negative 32-bit integer".to_string())
        })
    }

    /// A double (`Double.parseDouble` rules), with the key's check.
    pub fn get_f64(&self, key: &str) -> Result<Option<f64>, ConfError> {
        self.read_as(key, |v, spec| {
            let x = units::parse_double(v)?;
            apply_check(spec, x)?;
            Ok(x)
        })
    }

    /// A duration in `out`. A bare number is in the key's own unit (milliseconds for keys
    /// the registry does not know); conversion follows Java `TimeUnit.convert`.
    pub fn get_time_as(&self, key: &str, out: TimeUnit) -> Result<Option<i64>, ConfError> {
        self.read_as(key, |v, spec| {
            let unit = match spec.map(|s| s.kind) {
                Some(ValueKind::Time(unit)) => unit,
                _ => TimeUnit::Milliseconds,
            };
            let n = units::parse_time_as(v, unit)?;
            apply_check(spec, n as f64)?;
            Ok(out.convert(n, unit))
        })
    }

    /// A non-negative duration in milliseconds (see `get_time_as`). For keys whose unit is
    /// seconds, "1500ms" reads as 1 s = 1000 ms, exactly as Spark truncates it.
    pub fn get_time_ms(&self, key: &str) -> Result<Option<u64>, ConfError> {
        let Some(ms) = self.get_time_as(key, TimeUnit::Milliseconds)? else {
            return Ok(None);
        };
        u64::try_from(ms)
            .map(Some)
            .map_err(|_| self.negative_error(key))
    }

    /// A size in `out` (`bytesConf` rules; a bare number is in the key's unit, bytes for
    /// unknown keys).
    pub fn get_size_as(&self, key: &str, out: ByteUnit) -> Result<Option<i64>, ConfError> {
        self.read_as(key, |v, spec| {
            let unit = match spec.map(|s| s.kind) {
                Some(ValueKind::Size(unit)) => unit,
                _ => ByteUnit::Byte,
            };
            let n = units::parse_size_as(v, unit)?;
            out.convert(n, unit)
        })
    }

    fn negative_error(&self, key: &str) -> ConfError {
        let version = self.version().unwrap_or_default();
        match self.resolve(key, version) {
            Some(found) => found.error(
                "a non-negative duration (Spark accepts negative values here; sparksim does \
                 not model them)"
                    .to_string(),
            ),
            None => ConfError::InvalidSettings {
                keys: vec![key.to_string()],
                message: "negative duration".to_string(),
            },
        }
    }
}

fn apply_check(spec: Option<&KeySpec>, value: f64) -> Result<(), String> {
    match spec.and_then(|s| s.check) {
        Some(check) if !check.accepts(value) => Err(format!(
            "{} whose value {}",
            spec.map_or("a value".to_string(), |s| s.kind.describe()),
            check.describe()
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
