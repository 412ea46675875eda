//! The synthetic workload generator: a TOML spec plus a seed gives a [`Workload`].
//!
//! [`load_synthetic_spec`] reads and checks a spec (unknown keys are errors; messages name the
//! file, the key and what was expected); [`generate`] turns it into a workload, deterministically:
//! the same spec and seed give the same workload (and so byte-identical scenario files).
//!
//! # Spec format
//!
//! ```toml
//! name = "synthetic-fair"          # optional; default: the file stem
//! description = "..."              # optional
//! spark_version = "3.5.9"          # optional
//! scheduler_mode = "FAIR"          # optional, FAIR | FIFO
//! horizon_ms = 600_000             # arrivals at or after this time are not generated
//! max_jobs = 1000                  # optional cap on the total number of jobs (earliest kept)
//! tail_ms = 500                    # optional
//!
//! [cluster]                        # optional; the fields of a scenario file's cluster
//! master = "spark://master:7077"   # type defaults from the master (local… / spark://…)
//! workers = [{ host = "worker-", count = 50, cores = 16, memory = "64g" }]  # worker-01 … worker-50
//! executor_cores = 4
//! executor_memory = "14g"
//! cores_max = 800
//! task_cpus = 1
//! dynamic_allocation = false
//! static_executors = 200
//! # executors = [{ id = "driver", host = "localhost", cores = 8 }]   (local mode)
//! # with `count = n`, workers are named <host>1 … <host>n and executors <id>0 … <id>(n-1) on
//! # hosts <host>0 … <host>(n-1) (Spark numbers executors from 0); numbers are zero-padded
//! # to the width of the largest
//!
//! [conf]                           # optional Spark conf; quote the keys
//! "spark.speculation" = true
//!
//! [[pools]]
//! name = "interactive"
//! schedulingMode = "FAIR"          # or scheduling_mode; default FIFO
//! weight = 3                       # default 1
//! minShare = 2                     # or min_share; default 0
//! # count = 10                     # optional: 10 copies interactive-01 … interactive-10,
//!                                  # each with its own classes and random streams
//!
//! [[pools.classes]]                # one or more job classes per pool
//! name = "query"
//! arrivals = { process = "poisson", rate_per_s = 0.5, offset_ms = 0 }
//!          # or { process = "poisson", mean_interarrival_ms = 2000 }
//!          # or { process = "fixed", every_ms = 1500, offset_ms = 1000 }
//! count = 10                       # optional cap on this class's jobs
//! sequential = false               # true: each job runs `after` the previous one of the class
//! gap_ms = 0                       # with sequential: pause after the previous job (number or dist)
//! stages = 1                       # stages per job, chained map → reduce → … (number or dist)
//! tasks = { dist = "uniform", min = 2, max = 8 }                      # tasks per stage
//! task_duration_ms = { dist = "lognormal", mean = 300, sigma = 0.5 } # per task
//! skew = { fraction = 0.05, factor = 10.0, kind = "data" }          # optional
//!
//! [[classes]]                      # classes whose jobs set no pool (Spark's default pool)
//! ...
//! ```
//!
//! Distributions (`tasks`, `task_duration_ms`, `stages`, `gap_ms`) are described in
//! [`dist`]: constant, exponential, lognormal (by `mean` & `sigma`, or `mu` & `sigma`), pareto
//! (`scale`, `shape`), uniform (`min`, `max`).
//!
//! Semantics:
//! * **Arrivals.** `fixed`: jobs at `offset_ms`, `offset_ms + every_ms`, …; `every_ms = 0` puts
//!   every job at `offset_ms` (then `count` or `max_jobs` is required). `poisson`: exponential
//!   inter-arrival times, the first one after `offset_ms`. Arrival times are rounded to ms. Every
//!   class must be bounded by `horizon_ms`, `max_jobs` or its `count`, and may produce at most
//!   [`MAX_JOBS_PER_CLASS`] jobs.
//! * **Sequential** classes model one driver thread: job k+1 has `after = {job k, gap}` and its
//!   arrival time as the earliest submission (as in the fidelity scenarios).
//! * **Stages** form a chain: stage s has parent s−1. Counts are clamped to
//!   1…[`MAX_STAGES_PER_JOB`] stages and 1…[`MAX_TASKS_PER_STAGE`] tasks.
//! * **Skew**: each task independently, with probability `fraction`, takes `factor` × its drawn
//!   duration. `kind = "data"` (default): every attempt is slow. `kind = "straggler"`: only the
//!   first attempt is slow; retries and speculative copies take the normal duration (stages with
//!   a straggler get `retry_task_durations_ms`).
//! * **Jobs** are named `<pool>/<class>-<k>` (`<class>-<k>` without a pool), k from 1, and sorted
//!   by arrival time (ties: class declaration order, then k).
//! * **Random streams** ([`crate::rng`]): class `c` of pool `p` draws arrivals from
//!   `"p/c/arrivals"`, gaps from `"p/c/gaps"`, and job k's shape, durations and skew from
//!   `"p/c/job/k/shape"`, `".../durations"`, `".../skew"`. Changing one class never changes
//!   another class's draws, and changing a class's arrivals keeps its jobs' shapes.

pub mod dist;
mod generate;
mod spec;

use std::io;
use std::path::{Path, PathBuf};

use crate::model::{ClusterSpec, PoolDecl, Workload};

pub use dist::{DistSpec, Sampler};

/// At most this many jobs are generated per class.
pub const MAX_JOBS_PER_CLASS: u64 = 10_000_000;
/// Stage counts are clamped to this.
pub const MAX_STAGES_PER_JOB: u64 = 1_000;
/// Task counts are clamped to this.
pub const MAX_TASKS_PER_STAGE: u64 = 1_000_000;

/// A checked synthetic spec, ready to [`generate`] from.
#[derive(Debug, Clone)]
pub struct SyntheticSpec {
    name: String,
    description: Option<String>,
    spark_version: Option<String>,
    scheduler_mode: Option<String>,
    horizon_ms: Option<u64>,
    max_jobs: Option<u64>,
    tail_ms: Option<u64>,
    cluster: Option<ClusterSpec>,
    conf: Vec<(String, String)>,
    pools: Vec<PoolDecl>,
    classes: Vec<spec::JobClass>,
}

impl SyntheticSpec {
    /// The workload name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The declared pools (after `count` expansion).
    pub fn pools(&self) -> &[PoolDecl] {
        &self.pools
    }

    /// The cluster, if the spec gives one.
    pub fn cluster(&self) -> Option<&ClusterSpec> {
        self.cluster.as_ref()
    }

    /// Number of job classes (after pool `count` expansion).
    pub fn num_classes(&self) -> usize {
        self.classes.len()
    }
}

/// Why a spec could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    /// The file could not be read.
    #[error("{}: cannot read the synthetic spec: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// TOML syntax, an unknown key or a wrong type (the message has line, column and key).
    #[error("{}: {message}", path.display())]
    Toml { path: PathBuf, message: String },
    /// A value out of range or inconsistent with another.
    #[error("{}: {key}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
}

/// Reads and checks a synthetic spec (format in the module docs).
pub fn load_synthetic_spec(path: impl AsRef<Path>) -> Result<SyntheticSpec, SyntheticError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| SyntheticError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_synthetic_spec(&text, path)
}

/// Parses and checks spec text; `path` is used in messages and for the default name.
pub fn parse_synthetic_spec(text: &str, path: &Path) -> Result<SyntheticSpec, SyntheticError> {
    let file: spec::SpecFile = toml::from_str(text).map_err(|e| SyntheticError::Toml {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    spec::compile(file, path)
}

/// Generates the workload of `spec` for `seed` (replication 0).
pub fn generate(spec: &SyntheticSpec, seed: u64) -> Workload {
    generate_replication(spec, seed, 0)
}

/// Generates replication `replication` of `spec` for `seed`: replications of one seed use
/// independent random streams.
pub fn generate_replication(spec: &SyntheticSpec, seed: u64, replication: u64) -> Workload {
    generate::workload(spec, seed, replication)
}
