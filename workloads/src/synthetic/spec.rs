//! The synthetic spec as written in TOML, and its checking into a [`SyntheticSpec`].
//!
//! serde rejects unknown keys and wrong types (with line, column and key); [`compile`] checks
//! ranges and consistency and names the offending key as a path such as
//! `pools[0] ("interactive").classes[1] ("query").task_duration_ms`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rand::distr::Bernoulli;
use serde::Deserialize;

use super::dist::{DistSpec, Sampler};
use super::{MAX_JOBS_PER_CLASS, SyntheticError, SyntheticSpec};
use crate::model::{
    ClusterKind, ClusterSpec, ExecutorDecl, MAX_TIME_MS, PoolDecl, WorkerSpec, group_conf,
    parse_memory_mb,
};

/// Most hosts or executors one `count` may expand to.
const MAX_GROUP_COUNT: u32 = 100_000;
/// Most pools one `count` may expand to.
const MAX_POOL_COPIES: u32 = 10_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SpecFile {
    name: Option<String>,
    description: Option<String>,
    spark_version: Option<String>,
    scheduler_mode: Option<String>,
    horizon_ms: Option<u64>,
    max_jobs: Option<u64>,
    tail_ms: Option<u64>,
    cluster: Option<ClusterFile>,
    #[serde(default)]
    conf: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pools: Vec<PoolFile>,
    #[serde(default)]
    classes: Vec<ClassFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    master: Option<String>,
    #[serde(default)]
    workers: Vec<WorkerGroup>,
    #[serde(default)]
    executors: Vec<ExecutorGroup>,
    executor_cores: Option<u32>,
    executor_memory: Option<String>,
    cores_max: Option<u32>,
    task_cpus: Option<u32>,
    #[serde(default)]
    dynamic_allocation: bool,
    static_executors: Option<u32>,
    slots: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkerGroup {
    host: String,
    cores: u32,
    memory: Option<String>,
    count: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecutorGroup {
    id: String,
    host: String,
    cores: u32,
    count: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolFile {
    name: String,
    #[serde(rename = "schedulingMode", alias = "scheduling_mode")]
    scheduling_mode: Option<String>,
    weight: Option<i32>,
    #[serde(rename = "minShare", alias = "min_share")]
    min_share: Option<i32>,
    count: Option<u32>,
    #[serde(default)]
    classes: Vec<ClassFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassFile {
    name: String,
    arrivals: ArrivalsFile,
    count: Option<u64>,
    #[serde(default)]
    sequential: bool,
    gap_ms: Option<DistSpec>,
    stages: Option<DistSpec>,
    tasks: DistSpec,
    task_duration_ms: DistSpec,
    skew: Option<SkewFile>,
}

#[derive(Deserialize)]
#[serde(tag = "process", rename_all = "lowercase", deny_unknown_fields)]
enum ArrivalsFile {
    Poisson {
        rate_per_s: Option<f64>,
        mean_interarrival_ms: Option<f64>,
        #[serde(default)]
        offset_ms: u64,
    },
    Fixed {
        every_ms: u64,
        #[serde(default)]
        offset_ms: u64,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SkewFile {
    fraction: f64,
    factor: f64,
    #[serde(default)]
    kind: SkewKind,
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum SkewKind {
    #[default]
    Data,
    Straggler,
}

/// A checked job class.
#[derive(Debug, Clone)]
pub(super) struct JobClass {
    /// Pool property of the jobs.
    pub pool: Option<String>,
    /// Job name prefix: `pool/class` or `class`.
    pub prefix: String,
    pub arrivals: Arrivals,
    /// Most jobs this class generates.
    pub limit: u64,
    pub sequential: bool,
    pub gap: Sampler,
    pub stages: Sampler,
    pub tasks: Sampler,
    pub durations: Sampler,
    pub skew: Option<Skew>,
}

/// A checked arrival process.
#[derive(Debug, Clone)]
pub(super) enum Arrivals {
    Poisson {
        interarrival: Sampler,
        offset_ms: u64,
    },
    Fixed {
        every_ms: u64,
        offset_ms: u64,
    },
}

/// Checked skew.
#[derive(Debug, Clone, Copy)]
pub(super) struct Skew {
    pub chance: Bernoulli,
    pub factor: f64,
    pub straggler: bool,
}

/// Turns a parsed spec file into a checked [`SyntheticSpec`].
pub(super) fn compile(file: SpecFile, path: &Path) -> Result<SyntheticSpec, SyntheticError> {
    let c = Checker { path };
    let horizon_ms = file.horizon_ms;
    if let Some(h) = horizon_ms {
        c.time("horizon_ms", h)?;
    }
    let bounds = Bounds {
        horizon_ms,
        max_jobs: file.max_jobs,
    };
    let mut pools = Vec::new();
    let mut classes = Vec::new();
    for (i, p) in file.pools.iter().enumerate() {
        c.pool(p, i, bounds, &mut pools, &mut classes)?;
    }
    for (i, class) in file.classes.iter().enumerate() {
        let key = format!("classes[{i}] ({:?})", class.name);
        classes.push(c.class(class, &key, None, bounds)?);
    }
    c.unique_prefixes(&classes)?;
    if classes.is_empty() {
        return Err(c.err(
            "pools",
            "the spec has no job classes ([[pools.classes]] or [[classes]])",
        ));
    }
    let default_name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    Ok(SyntheticSpec {
        name: file
            .name
            .or(default_name)
            .unwrap_or_else(|| "synthetic".into()),
        description: file.description,
        spark_version: file.spark_version,
        scheduler_mode: file
            .scheduler_mode
            .as_deref()
            .map(|m| c.mode("scheduler_mode", m))
            .transpose()?,
        horizon_ms,
        max_jobs: file.max_jobs,
        tail_ms: file.tail_ms.map(|t| c.time("tail_ms", t)).transpose()?,
        cluster: file.cluster.as_ref().map(|cl| c.cluster(cl)).transpose()?,
        conf: c.conf(&file.conf)?,
        pools,
        classes,
    })
}

/// Global limits every class is bounded by.
#[derive(Clone, Copy)]
struct Bounds {
    horizon_ms: Option<u64>,
    max_jobs: Option<u64>,
}

struct Checker<'p> {
    path: &'p Path,
}

impl Checker<'_> {
    fn err(&self, key: &str, message: impl Into<String>) -> SyntheticError {
        SyntheticError::Invalid {
            path: self.path.to_path_buf(),
            key: key.to_string(),
            message: message.into(),
        }
    }

    fn time(&self, key: &str, t: u64) -> Result<u64, SyntheticError> {
        if t > MAX_TIME_MS {
            return Err(self.err(
                key,
                format!("{t} ms is above the limit of {MAX_TIME_MS} ms"),
            ));
        }
        Ok(t)
    }

    fn mode(&self, key: &str, mode: &str) -> Result<String, SyntheticError> {
        let upper = mode.to_ascii_uppercase();
        if upper == "FAIR" || upper == "FIFO" {
            Ok(upper)
        } else {
            Err(self.err(
                key,
                format!("expected \"FAIR\" or \"FIFO\", found {mode:?}"),
            ))
        }
    }

    fn sampler(&self, key: &str, spec: &DistSpec) -> Result<Sampler, SyntheticError> {
        Sampler::new(spec).map_err(|m| self.err(key, m))
    }

    fn count(
        &self,
        key: &str,
        count: Option<u32>,
        max: u32,
    ) -> Result<Option<u32>, SyntheticError> {
        match count {
            Some(0) => Err(self.err(key, "`count` must be at least 1")),
            Some(n) if n > max => {
                Err(self.err(key, format!("`count` {n} is above the limit of {max}")))
            }
            _ => Ok(count),
        }
    }

    /// Adds pool `p` (or its `count` copies) and its classes.
    fn pool(
        &self,
        p: &PoolFile,
        i: usize,
        bounds: Bounds,
        pools: &mut Vec<PoolDecl>,
        classes: &mut Vec<JobClass>,
    ) -> Result<(), SyntheticError> {
        let key = format!("pools[{i}] ({:?})", p.name);
        if p.name.is_empty() {
            return Err(self.err(&key, "`name` must not be empty"));
        }
        let copies = self.count(&key, p.count, MAX_POOL_COPIES)?;
        let mode = p.scheduling_mode.as_deref().unwrap_or("FIFO");
        let scheduling_mode = self.mode(&format!("{key}.schedulingMode"), mode)?;
        let names = match copies {
            None => vec![p.name.clone()],
            Some(_) => copy_names(&format!("{}-", p.name), copies, 1),
        };
        for name in names {
            if pools.iter().any(|q: &PoolDecl| q.name == name) {
                return Err(self.err(&key, format!("pool {name:?} is declared twice")));
            }
            for (k, class) in p.classes.iter().enumerate() {
                let ckey = format!("{key}.classes[{k}] ({:?})", class.name);
                classes.push(self.class(class, &ckey, Some(&name), bounds)?);
            }
            pools.push(PoolDecl {
                name,
                scheduling_mode: scheduling_mode.clone(),
                weight: p.weight.unwrap_or(1),
                min_share: p.min_share.unwrap_or(0),
            });
        }
        Ok(())
    }

    fn class(
        &self,
        f: &ClassFile,
        key: &str,
        pool: Option<&str>,
        bounds: Bounds,
    ) -> Result<JobClass, SyntheticError> {
        if f.name.is_empty() || f.name.contains('/') {
            return Err(self.err(key, "`name` must be non-empty and contain no '/'"));
        }
        if f.gap_ms.is_some() && !f.sequential {
            return Err(self.err(
                &format!("{key}.gap_ms"),
                "`gap_ms` only applies with `sequential = true`",
            ));
        }
        let arrivals = self.arrivals(&f.arrivals, &format!("{key}.arrivals"))?;
        let limit = self.limit(key, f.count, &arrivals, bounds)?;
        let zero = DistSpec::Constant(0.0);
        let one = DistSpec::Constant(1.0);
        Ok(JobClass {
            pool: pool.map(str::to_string),
            prefix: pool.map_or_else(|| f.name.clone(), |p| format!("{p}/{}", f.name)),
            arrivals,
            limit,
            sequential: f.sequential,
            gap: self.sampler(&format!("{key}.gap_ms"), f.gap_ms.as_ref().unwrap_or(&zero))?,
            stages: self.sampler(&format!("{key}.stages"), f.stages.as_ref().unwrap_or(&one))?,
            tasks: self.sampler(&format!("{key}.tasks"), &f.tasks)?,
            durations: self.sampler(&format!("{key}.task_duration_ms"), &f.task_duration_ms)?,
            skew: f
                .skew
                .as_ref()
                .map(|s| self.skew(s, &format!("{key}.skew")))
                .transpose()?,
        })
    }

    fn arrivals(&self, a: &ArrivalsFile, key: &str) -> Result<Arrivals, SyntheticError> {
        match *a {
            ArrivalsFile::Fixed {
                every_ms,
                offset_ms,
            } => Ok(Arrivals::Fixed {
                every_ms: self.time(&format!("{key}.every_ms"), every_ms)?,
                offset_ms: self.time(&format!("{key}.offset_ms"), offset_ms)?,
            }),
            ArrivalsFile::Poisson {
                rate_per_s,
                mean_interarrival_ms,
                offset_ms,
            } => {
                let mean_ms = match (rate_per_s, mean_interarrival_ms) {
                    (Some(r), None) if r.is_finite() && r > 0.0 => 1000.0 / r,
                    (None, Some(m)) if m.is_finite() && m > 0.0 => m,
                    (Some(_), None) | (None, Some(_)) => {
                        return Err(self.err(
                            key,
                            "the rate and mean inter-arrival time must be positive numbers",
                        ));
                    }
                    _ => {
                        return Err(self.err(key, "poisson arrivals need exactly one of `rate_per_s` or `mean_interarrival_ms`"));
                    }
                };
                let offset_ms = self.time(&format!("{key}.offset_ms"), offset_ms)?;
                let interarrival = self.sampler(key, &DistSpec::Exponential { mean: mean_ms })?;
                Ok(Arrivals::Poisson {
                    interarrival,
                    offset_ms,
                })
            }
        }
    }

    /// The most jobs a class may generate, from its `count`, `max_jobs` and the horizon.
    fn limit(
        &self,
        key: &str,
        count: Option<u64>,
        a: &Arrivals,
        b: Bounds,
    ) -> Result<u64, SyntheticError> {
        let cap = match (count, b.max_jobs) {
            (Some(c), Some(m)) => Some(c.min(m)),
            (c, m) => c.or(m),
        };
        let expected = b.horizon_ms.map(|h| expected_jobs(a, h));
        if cap.is_none() && expected == Some(f64::INFINITY) {
            let m = "unbounded: `every_ms = 0` puts every job at `offset_ms`; set `count` or `max_jobs`";
            return Err(self.err(key, m));
        }
        let bound = match (cap, expected) {
            (Some(c), e) => (c as f64).min(e.unwrap_or(f64::INFINITY)),
            (None, Some(e)) => e,
            (None, None) => {
                return Err(self.err(
                    key,
                    "unbounded: set `horizon_ms` or `max_jobs` at the top, or `count` in the class",
                ));
            }
        };
        if bound > MAX_JOBS_PER_CLASS as f64 {
            let m = format!(
                "would generate about {bound:.0} jobs, above the limit of {MAX_JOBS_PER_CLASS}; lower the rate or the horizon, or set `count`"
            );
            return Err(self.err(key, m));
        }
        Ok(cap.unwrap_or(MAX_JOBS_PER_CLASS))
    }

    fn skew(&self, s: &SkewFile, key: &str) -> Result<Skew, SyntheticError> {
        if !(0.0..=1.0).contains(&s.fraction) {
            return Err(self.err(
                &format!("{key}.fraction"),
                format!("expected a number in [0, 1], found {}", s.fraction),
            ));
        }
        if !(s.factor.is_finite() && s.factor >= 0.0) {
            return Err(self.err(
                &format!("{key}.factor"),
                format!("expected a number ≥ 0, found {}", s.factor),
            ));
        }
        let chance = Bernoulli::new(s.fraction).map_err(|e| self.err(key, e.to_string()))?;
        Ok(Skew {
            chance,
            factor: s.factor,
            straggler: s.kind == SkewKind::Straggler,
        })
    }

    /// Job name prefixes must differ, so job names and random streams do too.
    fn unique_prefixes(&self, classes: &[JobClass]) -> Result<(), SyntheticError> {
        let mut seen = BTreeSet::new();
        for c in classes {
            if !seen.insert(c.prefix.as_str()) {
                let m = "two job classes have this name (in the same pool)";
                return Err(self.err(&c.prefix, m));
            }
        }
        Ok(())
    }

    fn conf(
        &self,
        table: &BTreeMap<String, toml::Value>,
    ) -> Result<Vec<(String, String)>, SyntheticError> {
        let mut out = Vec::new();
        for (k, v) in table {
            self.flatten_conf(k, v, &mut out)?;
        }
        Ok(group_conf(out))
    }

    /// A conf value as a string; nested tables (unquoted dotted keys) become dotted keys.
    fn flatten_conf(
        &self,
        key: &str,
        v: &toml::Value,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), SyntheticError> {
        let text = match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Table(t) => {
                for (k, inner) in t {
                    self.flatten_conf(&format!("{key}.{k}"), inner, out)?;
                }
                return Ok(());
            }
            _ => {
                return Err(self.err(
                    &format!("conf.{key:?}"),
                    "expected a string, number or boolean",
                ));
            }
        };
        out.push((key.to_string(), text));
        Ok(())
    }

    fn cluster(&self, f: &ClusterFile) -> Result<ClusterSpec, SyntheticError> {
        let kind = match (&f.kind, &f.master) {
            (Some(t), _) => ClusterKind::parse(t),
            (None, Some(m)) => ClusterKind::from_master(m),
            (None, None) => ClusterKind::Local,
        };
        let memory = |key: &str, m: &Option<String>| -> Result<Option<u64>, SyntheticError> {
            m.as_deref()
                .map(|m| parse_memory_mb(m).map_err(|e| self.err(key, e)))
                .transpose()
        };
        let mut workers = Vec::new();
        for (i, w) in f.workers.iter().enumerate() {
            let key = format!("cluster.workers[{i}]");
            let memory_mb = memory(&format!("{key}.memory"), &w.memory)?;
            let count = self.count(&key, w.count, MAX_GROUP_COUNT)?;
            for host in copy_names(&w.host, count, 1) {
                workers.push(WorkerSpec {
                    host,
                    cores: w.cores,
                    memory_mb,
                });
            }
        }
        let mut executors = Vec::new();
        for (i, e) in f.executors.iter().enumerate() {
            let count = self.count(&format!("cluster.executors[{i}]"), e.count, MAX_GROUP_COUNT)?;
            let ids = copy_names(&e.id, count, 0);
            let hosts = copy_names(&e.host, count, 0);
            for (id, host) in ids.into_iter().zip(hosts) {
                executors.push(ExecutorDecl {
                    id,
                    host,
                    cores: e.cores,
                });
            }
        }
        let spec = ClusterSpec {
            master: f.master.clone(),
            kind,
            workers,
            executors,
            executor_cores: f.executor_cores,
            executor_memory_mb: memory("cluster.executor_memory", &f.executor_memory)?,
            cores_max: f.cores_max,
            task_cpus: f.task_cpus,
            dynamic_allocation: f.dynamic_allocation,
            static_executors: f.static_executors,
            slots: f.slots,
        };
        let probe = crate::model::Workload {
            cluster: Some(spec),
            ..Default::default()
        };
        probe
            .validate()
            .map_err(|e| self.err("cluster", e.to_string()))?;
        Ok(probe.cluster.unwrap_or_default())
    }
}

/// About how many arrivals fall before `horizon` (infinite for `every_ms = 0`).
fn expected_jobs(a: &Arrivals, horizon: u64) -> f64 {
    match *a {
        Arrivals::Fixed { offset_ms, .. } if offset_ms >= horizon => 0.0,
        Arrivals::Fixed { every_ms: 0, .. } => f64::INFINITY,
        Arrivals::Fixed {
            every_ms,
            offset_ms,
        } => ((horizon - offset_ms) as f64 / every_ms as f64).ceil(),
        Arrivals::Poisson {
            ref interarrival,
            offset_ms,
        } => {
            let mean_ms = interarrival.mean().unwrap_or(f64::INFINITY);
            horizon.saturating_sub(offset_ms) as f64 / mean_ms
        }
    }
}

/// `[base]` without a count; with `count = n`, `n` names `base<i>` numbered from `first`,
/// zero-padded to the width of the largest number.
fn copy_names(base: &str, count: Option<u32>, first: u32) -> Vec<String> {
    let Some(n) = count else {
        return vec![base.to_string()];
    };
    let last = first + n - 1;
    let width = last.to_string().len();
    (first..=last)
        .map(|i| format!("{base}{i:0width$}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_names_pad_to_the_widest_number() {
        assert_eq!(copy_names("p", None, 1), ["p"]);
        assert_eq!(copy_names("p-", Some(3), 1), ["p-1", "p-2", "p-3"]);
        let names = copy_names("h", Some(10), 1);
        assert_eq!((names[0].as_str(), names[9].as_str()), ("h01", "h10"));
        assert_eq!(copy_names("e", Some(2), 0), ["e0", "e1"]);
    }
}
