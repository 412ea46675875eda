//! Turns a parsed scenario tree into a [`Workload`], checking every value's type and range.
//!
//! Errors name the place as a path (`jobs[2] ("etl-1").stages[1].task_durations_ms[3]`) and say
//! what was expected. Consistency across values (parents point backwards, vector lengths ...) is
//! left to [`Workload::validate`], which the caller runs afterwards.

use std::path::{Path, PathBuf};

use super::node::Node;
use super::{ScenarioError, ScenarioWarning};
use crate::model::{
    After, Application, ClusterKind, ClusterSpec, ExecutorDecl, Job, PoolDecl, Stage, Warmup,
    WorkerSpec, Workload, group_conf, parse_memory_mb,
};

/// Most tasks a stage written as `num_tasks` + `duration_ms` may expand to.
pub const MAX_SHORTHAND_TASKS: u64 = 10_000_000;

type Fields = [(String, Node)];

const TOP_KEYS: &[&str] = &[
    "format_version",
    "scenario",
    "name",
    "description",
    "spark_version",
    "scheduler_mode",
    "cluster",
    "pools",
    "speculation",
    "dynamic_allocation",
    "conf",
    "seed",
    "warmup",
    "tail_ms",
    "jobs",
    "applications",
];
const APPLICATION_KEYS: &[&str] = &[
    "name",
    "submit_offset_ms",
    "scheduler_mode",
    "pools",
    "speculation",
    "dynamic_allocation",
    "conf",
    "warmup",
    "tail_ms",
    "jobs",
];
/// Known top-level keys that carry nothing the simulator needs.
const TOP_IGNORED: &[&str] = &[
    "set",
    "mode",
    "rep",
    "exercises",
    "pools_active",
    "implicit_pools",
    "generator",
    "time_origin",
];
const CLUSTER_KEYS: &[&str] = &[
    "type",
    "master",
    "executors",
    "workers",
    "executor_cores",
    "executor_memory",
    "task_cpus",
    "cores_max",
    "dynamic_allocation",
    "static_executors",
    "slots",
];
const JOB_KEYS: &[&str] = &["name", "pool", "submit_offset_ms", "after", "stages"];
const STAGE_KEYS: &[&str] = &[
    "num_tasks",
    "task_durations_ms",
    "duration_ms",
    "retry_task_durations_ms",
    "retry_duration_ms",
    "parents",
    "task_failures",
    "task_preferred_hosts",
    "cached",
];

/// `at.key`, or `key` at the top level.
fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// The value of `key`, treating `null` like an absent key.
fn get<'a>(fields: &'a Fields, key: &str) -> Option<&'a Node> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !matches!(v, Node::Null))
}

fn expected(what: &str, found: &Node) -> String {
    format!("expected {what}, found {}", found.describe())
}

fn as_u64(n: &Node) -> Result<u64, String> {
    match n {
        Node::U64(v) => Ok(*v),
        Node::F64(x) if *x >= 0.0 && x.fract() == 0.0 && *x < 1.8e19 => Ok(*x as u64),
        _ => Err(expected("a non-negative integer", n)),
    }
}

fn as_i32(n: &Node) -> Result<i32, String> {
    let v: Option<i64> = match n {
        Node::U64(v) => i64::try_from(*v).ok(),
        Node::I64(v) => Some(*v),
        _ => None,
    };
    v.and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| expected("an integer that fits in 32 bits", n))
}

fn as_str(n: &Node) -> Result<&str, String> {
    match n {
        Node::Str(s) => Ok(s),
        _ => Err(expected("a string", n)),
    }
}

fn as_bool(n: &Node) -> Result<bool, String> {
    match n {
        Node::Bool(b) => Ok(*b),
        _ => Err(expected("true or false", n)),
    }
}

fn as_arr(n: &Node) -> Result<&[Node], String> {
    match n {
        Node::Arr(a) => Ok(a),
        _ => Err(expected("an array", n)),
    }
}

fn as_obj(n: &Node) -> Result<&Fields, String> {
    match n {
        Node::Obj(o) => Ok(o),
        _ => Err(expected("an object", n)),
    }
}

/// A Spark conf value as its string form.
fn conf_value(n: &Node) -> Result<String, String> {
    match n {
        Node::Str(s) => Ok(s.clone()),
        Node::Bool(b) => Ok(b.to_string()),
        Node::U64(v) => Ok(v.to_string()),
        Node::I64(v) => Ok(v.to_string()),
        Node::F64(x) => Ok(x.to_string()),
        _ => Err(expected("a string, number or boolean", n)),
    }
}

/// `"FAIR"`/`"FIFO"` in any case, returned upper-case.
fn scheduling_mode(n: &Node) -> Result<String, String> {
    let s = as_str(n)?;
    let upper = s.to_ascii_uppercase();
    if upper == "FAIR" || upper == "FIFO" {
        Ok(upper)
    } else {
        Err(format!("expected \"FAIR\" or \"FIFO\", found {s:?}"))
    }
}

/// Memory as a Spark size string or a number of MiB.
fn memory_mb(n: &Node) -> Result<u64, String> {
    match n {
        Node::Str(s) => parse_memory_mb(s),
        Node::U64(v) => Ok(*v),
        _ => Err(expected("a size like \"512m\" or \"1g\"", n)),
    }
}

fn as_u32(n: &Node) -> Result<u32, String> {
    let v = as_u64(n)?;
    u32::try_from(v).map_err(|_| format!("{v} is too large (at most {})", u32::MAX))
}

fn as_index(n: &Node) -> Result<usize, String> {
    let v = as_u64(n)?;
    usize::try_from(v).map_err(|_| format!("{v} is too large"))
}

/// Reads a scenario tree; returns the (not yet validated) workload and the warnings.
pub(super) fn read_workload(
    root: &Node,
    path: &Path,
) -> Result<(Workload, Vec<ScenarioWarning>), ScenarioError> {
    let mut r = Reader {
        path: path.to_path_buf(),
        warnings: Vec::new(),
    };
    let workload = r.top(root)?;
    Ok((workload, r.warnings))
}

struct Reader {
    path: PathBuf,
    warnings: Vec<ScenarioWarning>,
}

/// A job as read, before `after` names are resolved to indices.
struct RawJob {
    job: Job,
    at: String,
    after: Option<(String, u64)>,
}

impl Reader {
    fn err(&self, at: &str, message: String) -> ScenarioError {
        ScenarioError::Invalid {
            path: self.path.clone(),
            at: at.to_string(),
            message,
        }
    }

    /// Applies a conversion to `fields[key]` if present and not null.
    fn opt<'a, T>(
        &self,
        fields: &'a Fields,
        at: &str,
        key: &str,
        conv: impl Fn(&'a Node) -> Result<T, String>,
    ) -> Result<Option<T>, ScenarioError> {
        get(fields, key)
            .map(|n| conv(n).map_err(|m| self.err(&join(at, key), m)))
            .transpose()
    }

    /// Like [`Reader::opt`] but the key is required.
    fn req<'a, T>(
        &self,
        fields: &'a Fields,
        at: &str,
        key: &str,
        conv: impl Fn(&'a Node) -> Result<T, String>,
    ) -> Result<T, ScenarioError> {
        self.opt(fields, at, key, conv)?
            .ok_or_else(|| self.err(at, format!("missing `{key}`")))
    }

    fn obj<'a>(&self, n: &'a Node, at: &str) -> Result<&'a Fields, ScenarioError> {
        as_obj(n).map_err(|m| self.err(at, m))
    }

    fn warn_unknown(&mut self, fields: &Fields, at: &str, known: &[&str], ignored: &[&str]) {
        for (k, _) in fields {
            if !known.contains(&k.as_str()) && !ignored.contains(&k.as_str()) {
                self.warnings.push(ScenarioWarning {
                    path: self.path.clone(),
                    at: join(at, k),
                    message: "unknown key, ignored".to_string(),
                });
            }
        }
    }

    fn top(&mut self, root: &Node) -> Result<Workload, ScenarioError> {
        let f = self.obj(root, "top level")?;
        self.warn_unknown(f, "", TOP_KEYS, TOP_IGNORED);
        if let Some(v) = self.opt(f, "", "format_version", as_u64)?
            && v != 1
        {
            let m = format!("unsupported format_version {v}; this version of sparksim reads 1");
            return Err(self.err("format_version", m));
        }
        let name = match self.opt(f, "", "scenario", as_str)? {
            Some(n) => Some(n),
            None => self.opt(f, "", "name", as_str)?,
        };
        let applications = self.applications(f)?;
        let default_name = self.path.file_stem().map(|s| s.to_string_lossy());
        Ok(Workload {
            name: name
                .map(str::to_string)
                .or(default_name.map(|s| s.into_owned()))
                .unwrap_or_default(),
            description: self.opt(f, "", "description", as_str)?.map(str::to_string),
            spark_version: self
                .opt(f, "", "spark_version", as_str)?
                .map(str::to_string),
            scheduler_mode: self.opt(f, "", "scheduler_mode", scheduling_mode)?,
            pools: self.pools(f)?,
            cluster: get(f, "cluster").map(|c| self.cluster(c)).transpose()?,
            conf: self.conf(f)?,
            seed: self.opt(f, "", "seed", as_u64)?,
            warmup: get(f, "warmup").map(|w| self.warmup(w)).transpose()?,
            tail_ms: self.opt(f, "", "tail_ms", as_u64)?,
            jobs: match (self.opt(f, "", "applications", as_arr)?, get(f, "jobs")) {
                (Some([_, ..]), None) => Vec::new(),
                (Some([_, ..]), Some(_)) => {
                    return Err(self.err(
                        "jobs",
                        "give either top-level `jobs` (one application) or `applications`, not both"
                            .to_string(),
                    ));
                }
                (_, _) => self.jobs(self.req(f, "", "jobs", as_arr)?, "jobs")?,
            },
            applications,
        })
    }

    fn applications(&mut self, f: &Fields) -> Result<Vec<Application>, ScenarioError> {
        let Some(list) = self.opt(f, "", "applications", as_arr)? else {
            return Ok(Vec::new());
        };
        if list.is_empty() {
            self.warnings.push(ScenarioWarning {
                path: self.path.clone(),
                at: "applications".to_string(),
                message: "an empty list, ignored: the top-level jobs are one application"
                    .to_string(),
            });
            return Ok(Vec::new());
        }
        let mut apps = Vec::with_capacity(list.len());
        for (i, n) in list.iter().enumerate() {
            let at0 = format!("applications[{i}]");
            let a = self.obj(n, &at0)?;
            let name = match self.opt(a, &at0, "name", as_str)? {
                Some(name) => name.to_string(),
                None => format!("app-{i}"),
            };
            let at = format!("applications[{i}] ({name:?})");
            self.warn_unknown(a, &at, APPLICATION_KEYS, &[]);
            apps.push(Application {
                submit_ms: self.opt(a, &at, "submit_offset_ms", as_u64)?.unwrap_or(0),
                scheduler_mode: self.opt(a, &at, "scheduler_mode", scheduling_mode)?,
                pools: self.pools_at(a, &at)?,
                conf: self.conf_at(a, &at)?,
                tail_ms: self.opt(a, &at, "tail_ms", as_u64)?,
                warmup: get(a, "warmup")
                    .map(|w| self.warmup_at(w, &format!("{at}.warmup")))
                    .transpose()?,
                jobs: self.jobs(self.req(a, &at, "jobs", as_arr)?, &format!("{at}.jobs"))?,
                name,
            });
        }
        Ok(apps)
    }

    fn conf(&self, f: &Fields) -> Result<Vec<(String, String)>, ScenarioError> {
        self.conf_at(f, "")
    }

    fn conf_at(&self, f: &Fields, at_obj: &str) -> Result<Vec<(String, String)>, ScenarioError> {
        let mut conf: Vec<(String, String)> = Vec::new();
        let mut source: Vec<&str> = Vec::new();
        for dict in ["speculation", "dynamic_allocation", "conf"] {
            let Some(entries) = self.opt(f, at_obj, dict, as_obj)? else {
                continue;
            };
            for (k, v) in entries {
                let at = join(at_obj, &format!("{dict}.{k:?}"));
                if let Some(i) = conf.iter().position(|(c, _)| c == k) {
                    let m = format!("conf key {k:?} is already set in `{}`", source[i]);
                    return Err(self.err(&at, m));
                }
                let value = conf_value(v).map_err(|m| self.err(&at, m))?;
                conf.push((k.clone(), value));
                source.push(dict);
            }
        }
        Ok(group_conf(conf))
    }

    fn pools(&mut self, f: &Fields) -> Result<Vec<PoolDecl>, ScenarioError> {
        self.pools_at(f, "")
    }

    fn pools_at(&mut self, f: &Fields, at_obj: &str) -> Result<Vec<PoolDecl>, ScenarioError> {
        let Some(list) = self.opt(f, at_obj, "pools", as_arr)? else {
            return Ok(Vec::new());
        };
        let mut pools = Vec::with_capacity(list.len());
        for (i, n) in list.iter().enumerate() {
            let at = join(at_obj, &format!("pools[{i}]"));
            let p = self.obj(n, &at)?;
            self.warn_unknown(
                p,
                &at,
                &["name", "schedulingMode", "weight", "minShare"],
                &[],
            );
            let d = PoolDecl::default();
            pools.push(PoolDecl {
                name: self.req(p, &at, "name", as_str)?.to_string(),
                scheduling_mode: self
                    .opt(p, &at, "schedulingMode", scheduling_mode)?
                    .unwrap_or(d.scheduling_mode),
                weight: self.opt(p, &at, "weight", as_i32)?.unwrap_or(d.weight),
                min_share: self.opt(p, &at, "minShare", as_i32)?.unwrap_or(d.min_share),
            });
        }
        Ok(pools)
    }

    fn cluster(&mut self, n: &Node) -> Result<ClusterSpec, ScenarioError> {
        let at = "cluster";
        let c = self.obj(n, at)?;
        self.warn_unknown(c, at, CLUSTER_KEYS, &[]);
        let master = self.opt(c, at, "master", as_str)?.map(str::to_string);
        let kind = match (self.opt(c, at, "type", as_str)?, &master) {
            (Some(t), _) => ClusterKind::parse(t),
            (None, Some(m)) => ClusterKind::from_master(m),
            (None, None) => ClusterKind::Local,
        };
        Ok(ClusterSpec {
            master,
            kind,
            workers: self.workers(c)?,
            executors: self.executors(c)?,
            executor_cores: self.opt(c, at, "executor_cores", as_u32)?,
            executor_memory_mb: self.opt(c, at, "executor_memory", memory_mb)?,
            cores_max: self.opt(c, at, "cores_max", as_u32)?,
            task_cpus: self.opt(c, at, "task_cpus", as_u32)?,
            dynamic_allocation: self
                .opt(c, at, "dynamic_allocation", as_bool)?
                .unwrap_or(false),
            static_executors: self.opt(c, at, "static_executors", as_u32)?,
            slots: self.opt(c, at, "slots", as_u32)?,
        })
    }

    fn workers(&mut self, c: &Fields) -> Result<Vec<WorkerSpec>, ScenarioError> {
        let list = self.opt(c, "cluster", "workers", as_arr)?.unwrap_or(&[]);
        let mut out = Vec::with_capacity(list.len());
        for (i, n) in list.iter().enumerate() {
            let at = format!("cluster.workers[{i}]");
            let w = self.obj(n, &at)?;
            self.warn_unknown(w, &at, &["host", "cores", "memory"], &[]);
            out.push(WorkerSpec {
                host: self.req(w, &at, "host", as_str)?.to_string(),
                cores: self.req(w, &at, "cores", as_u32)?,
                memory_mb: self.opt(w, &at, "memory", memory_mb)?,
            });
        }
        Ok(out)
    }

    fn executors(&mut self, c: &Fields) -> Result<Vec<ExecutorDecl>, ScenarioError> {
        let list = self.opt(c, "cluster", "executors", as_arr)?.unwrap_or(&[]);
        let mut out = Vec::with_capacity(list.len());
        for (i, n) in list.iter().enumerate() {
            let at = format!("cluster.executors[{i}]");
            let e = self.obj(n, &at)?;
            self.warn_unknown(e, &at, &["id", "host", "cores"], &[]);
            out.push(ExecutorDecl {
                id: self.req(e, &at, "id", as_str)?.to_string(),
                host: self.req(e, &at, "host", as_str)?.to_string(),
                cores: self.req(e, &at, "cores", as_u32)?,
            });
        }
        Ok(out)
    }

    fn warmup(&mut self, n: &Node) -> Result<Warmup, ScenarioError> {
        self.warmup_at(n, "warmup")
    }

    fn warmup_at(&mut self, n: &Node, at: &str) -> Result<Warmup, ScenarioError> {
        let w = self.obj(n, at)?;
        self.warn_unknown(w, at, &["jobs", "wait_executors", "settle_ms"], &[]);
        let jobs = self.opt(w, at, "jobs", as_arr)?.unwrap_or(&[]);
        Ok(Warmup {
            jobs: self.jobs(jobs, &format!("{at}.jobs"))?,
            wait_executors: self.opt(w, at, "wait_executors", as_u32)?.unwrap_or(0),
            settle_ms: self.opt(w, at, "settle_ms", as_u64)?.unwrap_or(0),
        })
    }

    fn jobs(&mut self, list: &[Node], prefix: &str) -> Result<Vec<Job>, ScenarioError> {
        let mut raw = Vec::with_capacity(list.len());
        for (i, n) in list.iter().enumerate() {
            raw.push(self.job(n, prefix, i)?);
        }
        self.resolve_after(raw)
    }

    fn job(&mut self, n: &Node, prefix: &str, i: usize) -> Result<RawJob, ScenarioError> {
        let f = self.obj(n, &format!("{prefix}[{i}]"))?;
        let name = match self.opt(f, &format!("{prefix}[{i}]"), "name", as_str)? {
            Some(name) => name.to_string(),
            None => format!("job-{i}"),
        };
        let at = format!("{prefix}[{i}] ({name:?})");
        self.warn_unknown(f, &at, JOB_KEYS, &[]);
        let after = get(f, "after").map(|a| self.after(a, &at)).transpose()?;
        let stages = self.req(f, &at, "stages", as_arr)?;
        let mut job = Job {
            pool: self.opt(f, &at, "pool", as_str)?.map(str::to_string),
            submit_ms: self.opt(f, &at, "submit_offset_ms", as_u64)?.unwrap_or(0),
            stages: Vec::with_capacity(stages.len()),
            name,
            after: None,
        };
        for (s, n) in stages.iter().enumerate() {
            job.stages
                .push(self.stage(n, &format!("{at}.stages[{s}]"))?);
        }
        Ok(RawJob { job, at, after })
    }

    fn after(&mut self, n: &Node, job_at: &str) -> Result<(String, u64), ScenarioError> {
        let at = join(job_at, "after");
        let a = self.obj(n, &at)?;
        self.warn_unknown(a, &at, &["job", "gap_ms"], &[]);
        let target = self.req(a, &at, "job", as_str)?.to_string();
        let gap = self.opt(a, &at, "gap_ms", as_u64)?.unwrap_or(0);
        Ok((target, gap))
    }

    /// Resolves each `after` name to the nearest earlier job of that name.
    fn resolve_after(&self, raw: Vec<RawJob>) -> Result<Vec<Job>, ScenarioError> {
        let mut jobs: Vec<Job> = Vec::with_capacity(raw.len());
        let names: Vec<String> = raw.iter().map(|r| r.job.name.clone()).collect();
        for (i, r) in raw.into_iter().enumerate() {
            let mut job = r.job;
            if let Some((target, gap_ms)) = r.after {
                let Some(j) = names[..i].iter().rposition(|n| *n == target) else {
                    return Err(self.err(&join(&r.at, "after.job"), after_miss(&names, i, &target)));
                };
                job.after = Some(After { job: j, gap_ms });
            }
            jobs.push(job);
        }
        Ok(jobs)
    }

    fn stage(&mut self, n: &Node, at: &str) -> Result<Stage, ScenarioError> {
        let f = self.obj(n, at)?;
        self.warn_unknown(f, at, STAGE_KEYS, &[]);
        let durations = self.durations(f, at)?;
        let n_tasks = durations.len();
        Ok(Stage {
            parents: self.list(f, at, "parents", as_index)?.unwrap_or_default(),
            retry_task_durations_ms: self.retry_durations(f, at, n_tasks)?,
            task_failures: self.list(f, at, "task_failures", as_u32)?,
            task_preferred_hosts: self.hosts(f, at)?,
            cached: self.opt(f, at, "cached", as_bool)?.unwrap_or(false),
            task_durations_ms: durations,
        })
    }

    /// First-attempt durations: `task_durations_ms`, or `num_tasks` × `duration_ms`.
    fn durations(&self, f: &Fields, at: &str) -> Result<Vec<u64>, ScenarioError> {
        let num_tasks = self.opt(f, at, "num_tasks", as_u64)?;
        let list = self.list(f, at, "task_durations_ms", as_u64)?;
        let each = self.opt(f, at, "duration_ms", as_u64)?;
        match (list, each, num_tasks) {
            (Some(_), Some(_), _) => Err(self.err(
                at,
                "give either `task_durations_ms` or `duration_ms`, not both".to_string(),
            )),
            (Some(list), None, Some(n)) if n != list.len() as u64 => {
                let m = format!("`num_tasks` is {n} but `task_durations_ms` has {} entries", list.len());
                Err(self.err(at, m))
            }
            (Some(list), None, _) => Ok(list),
            (None, Some(d), Some(n)) => self.repeat(at, "num_tasks", n, d),
            (None, Some(_), None) => Err(self.err(at, "`duration_ms` needs `num_tasks`".to_string())),
            (None, None, _) => Err(self.err(
                at,
                "missing `task_durations_ms` (one duration per task) or `num_tasks` and `duration_ms`"
                    .to_string(),
            )),
        }
    }

    fn retry_durations(
        &self,
        f: &Fields,
        at: &str,
        n_tasks: usize,
    ) -> Result<Option<Vec<u64>>, ScenarioError> {
        let list = self.list(f, at, "retry_task_durations_ms", as_u64)?;
        let each = self.opt(f, at, "retry_duration_ms", as_u64)?;
        match (list, each) {
            (Some(_), Some(_)) => Err(self.err(
                at,
                "give either `retry_task_durations_ms` or `retry_duration_ms`, not both"
                    .to_string(),
            )),
            (Some(list), None) => Ok(Some(list)),
            (None, Some(d)) => Ok(Some(vec![d; n_tasks])),
            (None, None) => Ok(None),
        }
    }

    /// `vec![value; n]` if `n` is within [`MAX_SHORTHAND_TASKS`].
    fn repeat(&self, at: &str, key: &str, n: u64, value: u64) -> Result<Vec<u64>, ScenarioError> {
        if n > MAX_SHORTHAND_TASKS {
            let m = format!(
                "{n} tasks is above the limit of {MAX_SHORTHAND_TASKS} for a shorthand stage"
            );
            return Err(self.err(&join(at, key), m));
        }
        Ok(vec![value; n as usize])
    }

    /// An optional array whose elements are converted one by one (errors name the index).
    fn list<T>(
        &self,
        f: &Fields,
        at: &str,
        key: &str,
        conv: impl Fn(&Node) -> Result<T, String>,
    ) -> Result<Option<Vec<T>>, ScenarioError> {
        let Some(items) = self.opt(f, at, key, as_arr)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, n) in items.iter().enumerate() {
            out.push(conv(n).map_err(|m| self.err(&format!("{}[{i}]", join(at, key)), m))?);
        }
        Ok(Some(out))
    }

    fn hosts(&self, f: &Fields, at: &str) -> Result<Option<Vec<Vec<String>>>, ScenarioError> {
        let host_list = |n: &Node| -> Result<Vec<String>, String> {
            as_arr(n)?
                .iter()
                .map(|h| as_str(h).map(str::to_string))
                .collect()
        };
        self.list(f, at, "task_preferred_hosts", host_list)
    }
}

/// Why `after` named `target` resolves to no earlier job.
fn after_miss(names: &[String], i: usize, target: &str) -> String {
    if names[i] == target {
        return format!("{target:?} is this job itself; a job can only follow an earlier job");
    }
    match names[i + 1..].iter().position(|n| n == target) {
        Some(k) => format!(
            "{target:?} is a later job (index {}); a job can only follow an earlier job, so list it first",
            i + 1 + k
        ),
        None => format!("no job is named {target:?}"),
    }
}
