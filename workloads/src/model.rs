//! The workload model: what the simulator runs.
//!
//! A [`Workload`] is one Spark application's jobs plus what the run needs to know about the
//! cluster, the scheduler pools and the Spark conf. It is built by the scenario loader
//! ([`crate::scenario`]), the synthetic generator ([`crate::synthetic`]) or the event-log reader,
//! and consumed by the simulator. It holds plain data and checks its own consistency
//! ([`Workload::validate`]); it knows nothing about scheduling and must not grow behaviour that
//! belongs in `policies` or `sim`.
//!
//! Compactness: a stage stores its tasks as parallel vectors (`task_durations_ms[i]` is task
//! `i`), never as one struct per task, so a million tasks cost about 8 MB.
//!
//! Conventions:
//! * all times are integer milliseconds, at most [`MAX_TIME_MS`] (2^53, so they stay exact in
//!   `f64` and sums of a few million of them cannot overflow `u64`);
//! * indices (`After::job`, `Stage::parents`) always point *backwards* (to an earlier job or an
//!   earlier stage of the same job), so the job and stage graphs have no cycles by construction
//!   once [`Workload::validate`] has passed;
//! * a job with **no stages** is allowed: it ends at its submission, like Spark's `runJob` on an
//!   RDD with zero partitions (JobStart and JobEnd at once). A *stage* must have at least one task.
//!
//! Several applications sharing one cluster: the optional [`Workload::applications`] list, next
//! to (not instead of) these fields. When it is non-empty the workload describes a *shared
//! cluster*: the top-level `cluster` and `conf` are the cluster's and every application's
//! defaults, the top-level `jobs` list is empty, and each [`Application`] brings its own submit
//! time, configuration (conf, pools, scheduler mode) and jobs ([`Workload::application_workloads`]
//! turns them into one plain workload each). A single-application workload leaves the list
//! empty. Every struct derives `Default` so code can use `..Default::default()` and keep
//! compiling when fields are added.

use std::fmt;

/// Largest time or duration (ms) a workload may carry: 2^53 ms (about 285,000 years).
pub const MAX_TIME_MS: u64 = 1 << 53;

/// One Spark application's workload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workload {
    /// Name of the workload (the scenario name).
    pub name: String,
    /// Free-text description.
    pub description: Option<String>,
    /// Spark version whose behaviour and defaults the workload was recorded with, e.g. `"3.5.9"`.
    pub spark_version: Option<String>,
    /// `spark.scheduler.mode`: `"FAIR"` or `"FIFO"` (upper case); `None` means Spark's default (FIFO).
    pub scheduler_mode: Option<String>,
    /// Pools declared in the allocation file (`fairscheduler.xml`), in file order. Pools Spark
    /// creates by itself (`default`, pools named by jobs but not declared) are not listed.
    pub pools: Vec<PoolDecl>,
    /// The cluster the workload ran on, if known.
    pub cluster: Option<ClusterSpec>,
    /// Spark conf the workload sets, as `(key, value)` strings: first the `spark.speculation*`
    /// keys, then `spark.dynamicAllocation.*`, then any others, each group in file order
    /// (see [`group_conf`]).
    pub conf: Vec<(String, String)>,
    /// Seed the random parts were drawn with, if any (informational).
    pub seed: Option<u64>,
    /// Jobs run before t0 to warm executors up. They are **not** part of [`Workload::jobs`]: the
    /// fidelity runs measure every time from t0, after the warm-up.
    pub warmup: Option<Warmup>,
    /// Idle time after the last job before the application stops (`SparkContext.stop()`).
    pub tail_ms: Option<u64>,
    /// The jobs, in file order; jobs submitted at the same instant get Spark job ids in this order.
    pub jobs: Vec<Job>,
    /// Several applications sharing the cluster, in submission order (empty: one application,
    /// the fields above). See the module docs.
    pub applications: Vec<Application>,
}

/// One application of a shared-cluster workload: its own driver (scheduler, pools, dynamic
/// allocation) and jobs, submitted to the cluster's master at `submit_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Application {
    /// The application's name; also its id in the outputs (`app_id`). Unique in the workload.
    pub name: String,
    /// When the application registers with the master, ms after t0. Its jobs' `submit_ms` (and
    /// `after` gaps) count from this instant.
    pub submit_ms: u64,
    /// `spark.scheduler.mode` of this application; `None`: the workload's, else FIFO.
    pub scheduler_mode: Option<String>,
    /// Its allocation-file pools (as [`Workload::pools`]); empty: the workload's.
    pub pools: Vec<PoolDecl>,
    /// Its Spark conf, over the workload's `conf` (grouped as [`Workload::conf`]).
    pub conf: Vec<(String, String)>,
    /// Idle time after its last job before it stops (`SparkContext.stop()`), freeing its
    /// executors; `None`: the workload's `tail_ms`, else 0.
    pub tail_ms: Option<u64>,
    /// Jobs run before its t0 (warm executors), as [`Workload::warmup`].
    pub warmup: Option<Warmup>,
    /// Its jobs, as [`Workload::jobs`].
    pub jobs: Vec<Job>,
}

/// The warm-up phase before t0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Warmup {
    /// Warm-up jobs, run one after another in the default pool. `After` indices refer to this list.
    pub jobs: Vec<Job>,
    /// How many executors the runner waited for before warming up.
    pub wait_executors: u32,
    /// Pause after the warm-up jobs, before t0.
    pub settle_ms: u64,
}

/// One Spark job: a DAG of stages submitted at one time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Job {
    /// Job name (`spark.job.description`). Names need not be unique in the model.
    pub name: String,
    /// `spark.scheduler.pool` local property; `None` means Spark's `default` pool.
    pub pool: Option<String>,
    /// Earliest submission time, ms after t0. With [`Job::after`], the job is submitted at
    /// `max(submit_ms, end of the named job + gap_ms)`.
    pub submit_ms: u64,
    /// Run in the same driver thread as an earlier job, after it returns.
    pub after: Option<After>,
    /// The stages; a stage's position is its index, and Spark gives stages increasing ids in
    /// this order.
    pub stages: Vec<Stage>,
}

/// "Submit after that job returns, plus a gap."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct After {
    /// Index into the same job list; always an *earlier* job.
    pub job: usize,
    /// Pause between the end of that job and this job's submission.
    pub gap_ms: u64,
}

/// One stage: a task set whose tasks are described by parallel vectors indexed by partition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stage {
    /// Indices of earlier stages of the same job that must finish first.
    pub parents: Vec<usize>,
    /// Duration of the first attempt of task `i` (ms). Its length is the number of tasks.
    pub task_durations_ms: Vec<u64>,
    /// Duration of every later attempt of task `i` (retries, speculative copies). `None`: same
    /// as the first attempt.
    pub retry_task_durations_ms: Option<Vec<u64>>,
    /// The first `task_failures[i]` attempts of task `i` fail (each after running for its
    /// duration). `None`: no failures.
    pub task_failures: Option<Vec<u32>>,
    /// Preferred hosts of task `i` (locality). `None`: no preference.
    pub task_preferred_hosts: Option<Vec<Vec<String>>>,
    /// The stage caches its output (`rdd.cache()`): each successful task leaves a cached block
    /// on its executor, which then idles out after `cachedExecutorIdleTimeout` instead of
    /// `executorIdleTimeout` under dynamic allocation. Default false.
    pub cached: bool,
}

/// The cluster a workload runs on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClusterSpec {
    /// Spark master URL, e.g. `local[4]` or `spark://127.0.0.1:7077`.
    pub master: Option<String>,
    /// Cluster manager type.
    pub kind: ClusterKind,
    /// Standalone workers.
    pub workers: Vec<WorkerSpec>,
    /// Executors that exist from the start (local mode: the driver).
    pub executors: Vec<ExecutorDecl>,
    /// `spark.executor.cores`.
    pub executor_cores: Option<u32>,
    /// `spark.executor.memory` in MiB.
    pub executor_memory_mb: Option<u64>,
    /// `spark.cores.max`.
    pub cores_max: Option<u32>,
    /// `spark.task.cpus`.
    pub task_cpus: Option<u32>,
    /// Whether dynamic allocation is on.
    pub dynamic_allocation: bool,
    /// Number of executors a static (non-dynamic) standalone cluster starts.
    pub static_executors: Option<u32>,
    /// Task slots the file states (informational; the simulator derives slots itself).
    pub slots: Option<u32>,
}

/// Cluster manager type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClusterKind {
    /// `local[N]`: one executor (the driver) with N cores.
    #[default]
    Local,
    /// Spark standalone master and workers.
    Standalone,
    /// Any other manager (`yarn`, `k8s` ...), by its name.
    Other(String),
}

/// A standalone worker.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkerSpec {
    /// Host name or address.
    pub host: String,
    /// Cores the worker offers.
    pub cores: u32,
    /// Memory the worker offers, MiB.
    pub memory_mb: Option<u64>,
}

/// An executor that exists from the start.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecutorDecl {
    /// Executor id (`"driver"` in local mode).
    pub id: String,
    /// Host it runs on.
    pub host: String,
    /// Its cores.
    pub cores: u32,
}

/// A pool declared in the allocation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolDecl {
    /// Pool name.
    pub name: String,
    /// Scheduling inside the pool: `"FAIR"` or `"FIFO"`.
    pub scheduling_mode: String,
    /// Pool weight (Spark default 1).
    pub weight: i32,
    /// Pool minShare (Spark default 0).
    pub min_share: i32,
}

impl Default for PoolDecl {
    /// Spark's defaults for a pool: FIFO inside, weight 1, minShare 0.
    fn default() -> Self {
        PoolDecl {
            name: String::new(),
            scheduling_mode: "FIFO".to_string(),
            weight: 1,
            min_share: 0,
        }
    }
}

/// Why a workload is inconsistent. Messages name the job (index and name) and stage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkloadError {
    /// `after` points at this job or a later one.
    #[error("{job}: `after` names job {target}, but a job can only follow an earlier job")]
    AfterNotEarlier { job: String, target: usize },
    /// A stage parent is this stage, a later one, or missing.
    #[error("{job} stage {stage}: parent {parent} is not an earlier stage of this job")]
    ParentNotEarlier {
        job: String,
        stage: usize,
        parent: usize,
    },
    /// The same parent is listed twice.
    #[error("{job} stage {stage}: parent {parent} is listed twice")]
    DuplicateParent {
        job: String,
        stage: usize,
        parent: usize,
    },
    /// A stage without tasks.
    #[error("{job} stage {stage}: has no tasks; every stage needs at least one task")]
    EmptyStage { job: String, stage: usize },
    /// A per-task vector whose length differs from the number of tasks.
    #[error(
        "{job} stage {stage}: `{field}` has {found} entries but the stage has {expected} tasks"
    )]
    LengthMismatch {
        job: String,
        stage: usize,
        field: &'static str,
        expected: usize,
        found: usize,
    },
    /// A time above [`MAX_TIME_MS`].
    #[error("{at}: {value} ms is above the limit of {max} ms", max = MAX_TIME_MS)]
    TimeTooLarge { at: String, value: u64 },
    /// Two pools with one name.
    #[error("pool \"{name}\" is declared twice")]
    DuplicatePool { name: String },
    /// Two applications with one name, or an application without a name.
    #[error("applications: {0}")]
    Applications(String),
    /// Something wrong inside one application (its name first).
    #[error("application {app:?}: {source}")]
    InApplication {
        app: String,
        #[source]
        source: Box<WorkloadError>,
    },
    /// A cluster field out of range.
    #[error("cluster: {0}")]
    Cluster(String),
}

/// Which job list a job belongs to, for messages.
#[derive(Clone, Copy)]
enum JobList {
    Main,
    Warmup,
}

/// `job 2 ("etl-1")` or `warmup job 0 ("warmup-1")`.
fn job_label(list: JobList, index: usize, name: &str) -> String {
    let prefix = match list {
        JobList::Main => "job",
        JobList::Warmup => "warmup job",
    };
    format!("{prefix} {index} ({name:?})")
}

impl Workload {
    /// Total number of tasks over all jobs (warm-up excluded), every application's included.
    pub fn total_tasks(&self) -> usize {
        self.jobs.iter().map(Job::num_tasks).sum::<usize>()
            + self
                .applications
                .iter()
                .flat_map(|a| &a.jobs)
                .map(Job::num_tasks)
                .sum::<usize>()
    }

    /// Total number of stages over all jobs (warm-up excluded), every application's included.
    pub fn total_stages(&self) -> usize {
        self.jobs.iter().map(|j| j.stages.len()).sum::<usize>()
            + self
                .applications
                .iter()
                .flat_map(|a| &a.jobs)
                .map(|j| j.stages.len())
                .sum::<usize>()
    }

    /// Whether this is a shared-cluster workload (a non-empty [`Workload::applications`]).
    pub fn is_multi_application(&self) -> bool {
        !self.applications.is_empty()
    }

    /// Each application as a plain single-application workload, in submission order: the
    /// application's jobs, pools (else the workload's), scheduler mode (else the workload's),
    /// warm-up and tail; the workload's cluster; the workload's conf overridden key by key by
    /// the application's. Job times stay relative to the application's own submission. Empty
    /// for a single-application workload.
    pub fn application_workloads(&self) -> Vec<Workload> {
        self.applications
            .iter()
            .map(|a| {
                let mut conf = self.conf.clone();
                for (k, v) in &a.conf {
                    match conf.iter_mut().find(|(c, _)| c == k) {
                        Some(slot) => slot.1 = v.clone(),
                        None => conf.push((k.clone(), v.clone())),
                    }
                }
                Workload {
                    name: a.name.clone(),
                    description: self.description.clone(),
                    spark_version: self.spark_version.clone(),
                    scheduler_mode: a
                        .scheduler_mode
                        .clone()
                        .or_else(|| self.scheduler_mode.clone()),
                    pools: if a.pools.is_empty() {
                        self.pools.clone()
                    } else {
                        a.pools.clone()
                    },
                    cluster: self.cluster.clone(),
                    conf: group_conf(conf),
                    seed: self.seed,
                    warmup: a.warmup.clone(),
                    tail_ms: a.tail_ms.or(self.tail_ms),
                    jobs: a.jobs.clone(),
                    applications: Vec::new(),
                }
            })
            .collect()
    }

    /// Value of a conf key the workload sets, if any (the last setting wins).
    pub fn conf_value(&self, key: &str) -> Option<&str> {
        self.conf
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Checks that the workload is consistent: `after` and stage parents point backwards, every
    /// stage has tasks, per-task vectors have one entry per task, times are at most
    /// [`MAX_TIME_MS`], pool names are unique and cluster sizes are positive.
    pub fn validate(&self) -> Result<(), WorkloadError> {
        validate_jobs(&self.jobs, JobList::Main)?;
        if let Some(w) = &self.warmup {
            validate_jobs(&w.jobs, JobList::Warmup)?;
            check_time("warmup settle_ms".to_string(), w.settle_ms)?;
        }
        if let Some(t) = self.tail_ms {
            check_time("tail_ms".to_string(), t)?;
        }
        validate_pools(&self.pools)?;
        if let Some(c) = &self.cluster {
            c.validate()?;
        }
        self.validate_applications()
    }

    fn validate_applications(&self) -> Result<(), WorkloadError> {
        if self.applications.is_empty() {
            return Ok(());
        }
        if !self.jobs.is_empty() {
            return Err(WorkloadError::Applications(
                "a workload with `applications` has no top-level `jobs`; give every job to an application"
                    .to_string(),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, a) in self.applications.iter().enumerate() {
            if a.name.is_empty() {
                return Err(WorkloadError::Applications(format!(
                    "application {i} has no name"
                )));
            }
            if !seen.insert(a.name.as_str()) {
                return Err(WorkloadError::Applications(format!(
                    "two applications are named {:?}; names are their ids and must be unique",
                    a.name
                )));
            }
            let inside = |source: WorkloadError| WorkloadError::InApplication {
                app: a.name.clone(),
                source: Box::new(source),
            };
            check_time(format!("application {:?} submit time", a.name), a.submit_ms)?;
            validate_jobs(&a.jobs, JobList::Main).map_err(inside)?;
            if let Some(w) = &a.warmup {
                validate_jobs(&w.jobs, JobList::Warmup).map_err(inside)?;
            }
            if let Some(t) = a.tail_ms {
                check_time("tail_ms".to_string(), t).map_err(inside)?;
            }
            validate_pools(&a.pools).map_err(inside)?;
        }
        Ok(())
    }
}

fn check_time(at: String, value: u64) -> Result<(), WorkloadError> {
    if value > MAX_TIME_MS {
        return Err(WorkloadError::TimeTooLarge { at, value });
    }
    Ok(())
}

fn validate_jobs(jobs: &[Job], list: JobList) -> Result<(), WorkloadError> {
    for (index, job) in jobs.iter().enumerate() {
        job.validate_at(list, index)?;
    }
    Ok(())
}

fn validate_pools(pools: &[PoolDecl]) -> Result<(), WorkloadError> {
    let mut seen = std::collections::BTreeSet::new();
    for p in pools {
        if !seen.insert(p.name.as_str()) {
            return Err(WorkloadError::DuplicatePool {
                name: p.name.clone(),
            });
        }
    }
    Ok(())
}

impl Job {
    /// Number of tasks over all stages of this job.
    pub fn num_tasks(&self) -> usize {
        self.stages.iter().map(Stage::num_tasks).sum()
    }

    fn validate_at(&self, list: JobList, index: usize) -> Result<(), WorkloadError> {
        let label = || job_label(list, index, &self.name);
        check_time(format!("{} submit time", label()), self.submit_ms)?;
        if let Some(after) = self.after {
            if after.job >= index {
                return Err(WorkloadError::AfterNotEarlier {
                    job: label(),
                    target: after.job,
                });
            }
            check_time(format!("{} after.gap_ms", label()), after.gap_ms)?;
        }
        for (s, stage) in self.stages.iter().enumerate() {
            stage.validate_at(&label, s)?;
        }
        Ok(())
    }
}

impl Stage {
    /// Number of tasks (partitions) of this stage.
    pub fn num_tasks(&self) -> usize {
        self.task_durations_ms.len()
    }

    /// Duration (ms) of attempt `attempt` (0 = first) of task `task`.
    /// Panics if `task` is out of range.
    pub fn attempt_duration_ms(&self, task: usize, attempt: u32) -> u64 {
        match (&self.retry_task_durations_ms, attempt) {
            (Some(retry), 1..) => retry[task],
            _ => self.task_durations_ms[task],
        }
    }

    /// How many first attempts of task `task` fail (0 without failures).
    /// Panics if `task` is out of range.
    pub fn failures_of(&self, task: usize) -> u32 {
        self.task_failures.as_ref().map_or(0, |f| f[task])
    }

    fn validate_at(&self, job: &dyn Fn() -> String, s: usize) -> Result<(), WorkloadError> {
        let n = self.num_tasks();
        if n == 0 {
            return Err(WorkloadError::EmptyStage {
                job: job(),
                stage: s,
            });
        }
        self.validate_parents(job, s)?;
        let lengths = [
            (
                "retry_task_durations_ms",
                self.retry_task_durations_ms.as_ref().map(Vec::len),
            ),
            ("task_failures", self.task_failures.as_ref().map(Vec::len)),
            (
                "task_preferred_hosts",
                self.task_preferred_hosts.as_ref().map(Vec::len),
            ),
        ];
        for (field, len) in lengths {
            match len {
                Some(found) if found != n => {
                    return Err(WorkloadError::LengthMismatch {
                        job: job(),
                        stage: s,
                        field,
                        expected: n,
                        found,
                    });
                }
                _ => {}
            }
        }
        self.validate_durations(job, s)
    }

    fn validate_parents(&self, job: &dyn Fn() -> String, s: usize) -> Result<(), WorkloadError> {
        for (k, &parent) in self.parents.iter().enumerate() {
            if parent >= s {
                return Err(WorkloadError::ParentNotEarlier {
                    job: job(),
                    stage: s,
                    parent,
                });
            }
            if self.parents[..k].contains(&parent) {
                return Err(WorkloadError::DuplicateParent {
                    job: job(),
                    stage: s,
                    parent,
                });
            }
        }
        Ok(())
    }

    fn validate_durations(&self, job: &dyn Fn() -> String, s: usize) -> Result<(), WorkloadError> {
        let vectors = [
            ("task_durations_ms", Some(&self.task_durations_ms)),
            (
                "retry_task_durations_ms",
                self.retry_task_durations_ms.as_ref(),
            ),
        ];
        for (field, v) in vectors {
            let Some(v) = v else { continue };
            if let Some(i) = v.iter().position(|&d| d > MAX_TIME_MS) {
                let at = format!("{} stage {s} {field}[{i}]", job());
                return check_time(at, v[i]);
            }
        }
        Ok(())
    }
}

impl ClusterSpec {
    /// Cores of a `local`, `local[N]` or `local[N,F]` master; `None` for other masters and for
    /// `local[*]` (which depends on the machine).
    pub fn local_cores(&self) -> Option<u32> {
        let master = self.master.as_deref()?;
        if master == "local" {
            return Some(1);
        }
        let inner = master.strip_prefix("local[")?.strip_suffix(']')?;
        let cores = inner.split(',').next()?;
        cores.trim().parse().ok()
    }

    fn validate(&self) -> Result<(), WorkloadError> {
        let positive = [
            ("executor_cores", self.executor_cores),
            ("task_cpus", self.task_cpus),
        ];
        for (field, value) in positive {
            if value == Some(0) {
                return Err(WorkloadError::Cluster(format!(
                    "{field} must be at least 1"
                )));
            }
        }
        if let Some(e) = self.executors.iter().find(|e| e.cores == 0) {
            let msg = format!("executor {:?} has 0 cores; it needs at least 1", e.id);
            return Err(WorkloadError::Cluster(msg));
        }
        if let Some(w) = self.workers.iter().find(|w| w.cores == 0) {
            let msg = format!("worker {:?} has 0 cores; it needs at least 1", w.host);
            return Err(WorkloadError::Cluster(msg));
        }
        Ok(())
    }
}

impl fmt::Display for ClusterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ClusterKind {
    /// The scenario-file spelling: `local`, `standalone` or the other name as given.
    pub fn as_str(&self) -> &str {
        match self {
            ClusterKind::Local => "local",
            ClusterKind::Standalone => "standalone",
            ClusterKind::Other(name) => name,
        }
    }

    /// Parses the scenario-file spelling (case-insensitive for the known kinds).
    pub fn parse(name: &str) -> ClusterKind {
        match name.to_ascii_lowercase().as_str() {
            "local" => ClusterKind::Local,
            "standalone" => ClusterKind::Standalone,
            _ => ClusterKind::Other(name.to_string()),
        }
    }

    /// The kind a master URL implies: `local...` → Local, `spark://` → Standalone, else Other.
    pub fn from_master(master: &str) -> ClusterKind {
        if master.starts_with("local") {
            ClusterKind::Local
        } else if master.starts_with("spark://") {
            ClusterKind::Standalone
        } else {
            let scheme = master.split("://").next().unwrap_or(master);
            ClusterKind::Other(scheme.to_string())
        }
    }
}

/// Parses a Spark memory string (`"512m"`, `"1g"`, `"2048"`) into MiB, as `spark.executor.memory`
/// does: no suffix means MiB; suffixes `b`, `k`/`kb`, `m`/`mb`, `g`/`gb`, `t`/`tb`, `p`/`pb`
/// (case-insensitive). Sizes below 1 MiB round down. Returns what was expected on error.
pub fn parse_memory_mb(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, suffix) = t.split_at(digits_end);
    let expected = || format!("expected a size like \"512m\" or \"1g\", found {text:?}");
    let n: u64 = num.parse().map_err(|_| expected())?;
    let (mul, div): (u64, u64) = match suffix {
        "" | "m" | "mb" => (1, 1),
        "b" => (1, 1 << 20),
        "k" | "kb" => (1, 1 << 10),
        "g" | "gb" => (1 << 10, 1),
        "t" | "tb" => (1 << 20, 1),
        "p" | "pb" => (1 << 30, 1),
        _ => return Err(expected()),
    };
    n.checked_mul(mul)
        .map(|v| v / div)
        .ok_or_else(|| format!("size {text:?} is too large"))
}

/// Formats MiB as a Spark memory string: `"1g"` when a whole number of GiB, else `"512m"`.
pub fn format_memory_mb(mb: u64) -> String {
    if mb != 0 && mb.is_multiple_of(1024) {
        format!("{}g", mb / 1024)
    } else {
        format!("{mb}m")
    }
}

/// Which conf group a key belongs to: 0 speculation, 1 dynamic allocation, 2 other.
pub fn conf_group(key: &str) -> u8 {
    if key == "spark.speculation" || key.starts_with("spark.speculation.") {
        0
    } else if key.starts_with("spark.dynamicAllocation.") {
        1
    } else {
        2
    }
}

/// Orders conf entries as [`Workload::conf`] expects: speculation keys, then dynamic
/// allocation keys, then others, keeping the given order inside each group (a stable sort).
pub fn group_conf(mut conf: Vec<(String, String)>) -> Vec<(String, String)> {
    conf.sort_by_key(|(k, _)| conf_group(k));
    conf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(durations: &[u64], parents: &[usize]) -> Stage {
        Stage {
            parents: parents.to_vec(),
            task_durations_ms: durations.to_vec(),
            ..Default::default()
        }
    }

    fn job(name: &str, stages: Vec<Stage>) -> Job {
        Job {
            name: name.to_string(),
            stages,
            ..Default::default()
        }
    }

    fn workload(jobs: Vec<Job>) -> Workload {
        Workload {
            name: "t".into(),
            jobs,
            ..Default::default()
        }
    }

    #[test]
    fn counts_tasks() {
        let w = workload(vec![
            job("a", vec![stage(&[1, 2, 3], &[]), stage(&[4], &[0])]),
            job("b", vec![stage(&[5, 6], &[])]),
        ]);
        assert_eq!(w.jobs[0].num_tasks(), 4);
        assert_eq!(w.total_tasks(), 6);
        assert_eq!(w.total_stages(), 3);
        assert_eq!(w.validate(), Ok(()));
    }

    #[test]
    fn rejects_after_pointing_at_itself_or_later() {
        let mut w = workload(vec![job("a", vec![stage(&[1], &[])]), job("b", vec![])]);
        w.jobs[1].after = Some(After { job: 1, gap_ms: 0 });
        let e = w.validate().unwrap_err();
        assert!(e.to_string().contains("job 1 (\"b\")"), "{e}");
        w.jobs[1].after = None;
        w.jobs[0].after = Some(After { job: 1, gap_ms: 0 });
        assert!(matches!(
            w.validate(),
            Err(WorkloadError::AfterNotEarlier { target: 1, .. })
        ));
    }

    #[test]
    fn rejects_bad_parents_and_empty_stages() {
        let w = workload(vec![job("a", vec![stage(&[1], &[0])])]);
        let e = w.validate().unwrap_err();
        assert_eq!(
            e.to_string(),
            "job 0 (\"a\") stage 0: parent 0 is not an earlier stage of this job"
        );
        let w = workload(vec![job("a", vec![stage(&[1], &[]), stage(&[1], &[0, 0])])]);
        assert!(matches!(
            w.validate(),
            Err(WorkloadError::DuplicateParent { .. })
        ));
        let w = workload(vec![job("a", vec![stage(&[], &[])])]);
        assert!(matches!(
            w.validate(),
            Err(WorkloadError::EmptyStage { stage: 0, .. })
        ));
    }

    #[test]
    fn rejects_length_mismatch_and_huge_times() {
        let mut s = stage(&[1, 2], &[]);
        s.task_failures = Some(vec![1]);
        let w = workload(vec![job("a", vec![s])]);
        let e = w.validate().unwrap_err().to_string();
        assert!(
            e.contains("`task_failures` has 1 entries but the stage has 2 tasks"),
            "{e}"
        );
        let w = workload(vec![job("a", vec![stage(&[MAX_TIME_MS + 1], &[])])]);
        assert!(matches!(
            w.validate(),
            Err(WorkloadError::TimeTooLarge { .. })
        ));
    }

    #[test]
    fn attempt_durations_and_failures() {
        let mut s = stage(&[5000, 500], &[]);
        assert_eq!(s.attempt_duration_ms(0, 1), 5000);
        s.retry_task_durations_ms = Some(vec![400, 400]);
        s.task_failures = Some(vec![0, 2]);
        assert_eq!(s.attempt_duration_ms(0, 0), 5000);
        assert_eq!(s.attempt_duration_ms(0, 1), 400);
        assert_eq!(s.failures_of(1), 2);
    }

    #[test]
    fn applications_validate_and_split() {
        let app = |name: &str, jobs: Vec<Job>| Application {
            name: name.into(),
            jobs,
            ..Default::default()
        };
        let mut w = Workload {
            name: "shared".into(),
            conf: vec![
                ("spark.executor.cores".into(), "2".into()),
                ("spark.cores.max".into(), "8".into()),
            ],
            scheduler_mode: Some("FAIR".into()),
            tail_ms: Some(100),
            applications: vec![
                app("etl", vec![job("a", vec![stage(&[1, 2], &[])])]),
                Application {
                    submit_ms: 500,
                    conf: vec![("spark.cores.max".into(), "4".into())],
                    scheduler_mode: Some("FIFO".into()),
                    tail_ms: Some(7),
                    ..app("adhoc", vec![job("b", vec![stage(&[3], &[])])])
                },
            ],
            ..Default::default()
        };
        assert_eq!(w.validate(), Ok(()));
        assert!(w.is_multi_application());
        assert_eq!(w.total_tasks(), 3);
        let split = w.application_workloads();
        assert_eq!(split.len(), 2);
        assert_eq!(split[0].name, "etl");
        assert_eq!(split[0].conf_value("spark.cores.max"), Some("8"));
        assert_eq!(split[0].scheduler_mode.as_deref(), Some("FAIR"));
        assert_eq!(split[0].tail_ms, Some(100));
        assert_eq!(split[1].conf_value("spark.cores.max"), Some("4"));
        assert_eq!(split[1].conf_value("spark.executor.cores"), Some("2"));
        assert_eq!(split[1].scheduler_mode.as_deref(), Some("FIFO"));
        assert_eq!(split[1].tail_ms, Some(7));
        assert_eq!(split[1].jobs[0].name, "b");
        assert!(split.iter().all(|s| !s.is_multi_application()));
        // Names are ids: unique; top-level jobs and applications do not mix.
        w.applications[1].name = "etl".into();
        assert!(matches!(w.validate(), Err(WorkloadError::Applications(_))));
        w.applications[1].name = "adhoc".into();
        w.applications[1].jobs[0].stages[0]
            .task_durations_ms
            .clear();
        let e = w.validate().unwrap_err().to_string();
        assert!(e.starts_with("application \"adhoc\": job 0"), "{e}");
        w.applications[1].jobs[0].stages[0].task_durations_ms = vec![1];
        w.jobs.push(job("c", vec![]));
        assert!(matches!(w.validate(), Err(WorkloadError::Applications(_))));
    }

    #[test]
    fn memory_strings() {
        assert_eq!(parse_memory_mb("512m"), Ok(512));
        assert_eq!(parse_memory_mb("1g"), Ok(1024));
        assert_eq!(parse_memory_mb("2048"), Ok(2048));
        assert_eq!(parse_memory_mb("1GB"), Ok(1024));
        assert_eq!(parse_memory_mb("2048k"), Ok(2));
        assert!(parse_memory_mb("1.5g").is_err());
        assert!(parse_memory_mb("lots").is_err());
        assert!(parse_memory_mb("99999999999999999999p").is_err());
        assert_eq!(format_memory_mb(1024), "1g");
        assert_eq!(format_memory_mb(512), "512m");
    }

    #[test]
    fn local_cores_and_kinds() {
        let c = |m: &str| ClusterSpec {
            master: Some(m.into()),
            ..Default::default()
        };
        assert_eq!(c("local[4]").local_cores(), Some(4));
        assert_eq!(c("local[6,3]").local_cores(), Some(6));
        assert_eq!(c("local").local_cores(), Some(1));
        assert_eq!(c("local[*]").local_cores(), None);
        assert_eq!(
            ClusterKind::from_master("spark://h:7077"),
            ClusterKind::Standalone
        );
        assert_eq!(
            ClusterKind::from_master("yarn"),
            ClusterKind::Other("yarn".into())
        );
        assert_eq!(ClusterKind::parse("Standalone"), ClusterKind::Standalone);
    }

    #[test]
    fn conf_grouping_is_stable() {
        let conf = vec![
            ("spark.task.cpus".to_string(), "1".to_string()),
            ("spark.dynamicAllocation.enabled".into(), "true".into()),
            ("spark.speculation.quantile".into(), "0.75".into()),
            ("spark.speculation".into(), "true".into()),
        ];
        let keys: Vec<String> = group_conf(conf).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "spark.speculation.quantile",
                "spark.speculation",
                "spark.dynamicAllocation.enabled",
                "spark.task.cpus"
            ]
        );
    }
}
