//! From what a user gave — a workload file, `--properties-file`, `--conf`, `--master`,
//! `--allocation-file` — to one [`SparkConf`] and a [`SimSetup`].
//!
//! Precedence, lowest first: Spark's defaults, what the workload file carries (its cluster,
//! scheduler mode, pools and Spark keys), the properties file, then the command line. Pools
//! come from the allocation file if one is set (`spark.scheduler.allocation.file`), else from
//! the workload's pool list (as if it were the file), else Spark's no-file rule.

use crate::cluster::workers::{
    DEFAULT_WORKER_CORES, DEFAULT_WORKER_MEMORY_MB, WORKER_CORES_KEY, WORKER_MEMORY_KEY,
    WORKERS_KEY,
};
use crate::cluster::{ExecutorConf, ExecutorLayout, Master, WorkerSpec};
use crate::knobs::{KNOBS, SimKnobs};
use crate::simulation::SimSetup;
use crate::stragglers::{EXECUTOR_KEY, HOST_KEY, Slowdowns};
use policies::conf::LocalityWaitLevel;
use policies::conf::{ConfError, ConfSource, SparkConf};
use policies::fair_schedulable_builder::{
    AllocationSource, BuiltPools, PoolFileError, build_pools,
};
use policies::scheduling_mode::SchedulingMode;
use policies::speculation::SpeculationSettings;
use policies::task_scheduler_impl::SchedulerSettings;
use policies::task_set_manager::TsmSettings;
use workloads::model::Workload;

/// Keys the simulator reads besides Spark's own.
pub fn sim_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = KNOBS.iter().map(|k| k.0).collect();
    keys.extend([
        WORKERS_KEY,
        WORKER_CORES_KEY,
        WORKER_MEMORY_KEY,
        EXECUTOR_KEY,
        HOST_KEY,
        "sparksim.seed",
    ]);
    keys
}

/// Why a run cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Conf(#[from] ConfError),
    #[error("no master: give --master (e.g. local[4]) or a workload file with a \"cluster\"")]
    NoMaster,
    #[error("--master {value}: {message}")]
    Master { value: String, message: String },
    #[error(transparent)]
    Layout(#[from] crate::cluster::LayoutError),
    #[error("the cluster has no executors")]
    NoExecutors,
    #[error(transparent)]
    Pools(#[from] PoolFileError),
    #[error("{0}")]
    Stragglers(String),
}

/// Adds what the workload file carries beneath the user's settings.
pub fn apply_workload_conf(conf: &mut SparkConf, workload: &Workload) {
    let mut put = |key: &str, value: String| {
        conf.set_if_missing(key, value, ConfSource::Workload);
    };
    if let Some(mode) = &workload.scheduler_mode {
        put("spark.scheduler.mode", mode.clone());
    }
    if let Some(cluster) = &workload.cluster {
        if let Some(m) = &cluster.master {
            put("spark.master", m.clone());
        }
        if let Some(c) = cluster.task_cpus {
            put("spark.task.cpus", c.to_string());
        }
        if let Some(c) = cluster.executor_cores {
            put("spark.executor.cores", c.to_string());
        }
        if let Some(c) = cluster.cores_max {
            put("spark.cores.max", c.to_string());
        }
        if let Some(mb) = cluster.executor_memory_mb {
            put("spark.executor.memory", format!("{mb}m"));
        }
    }
    for (k, v) in &workload.conf {
        put(k, v.clone());
    }
}

/// The workers a standalone master schedules on: the workload's, else the `sparksim.cluster.*`
/// keys (empty when neither is given).
fn workers(conf: &SparkConf, workload: &Workload) -> Result<Vec<WorkerSpec>, ConfError> {
    if let Some(cluster) = &workload.cluster
        && !cluster.workers.is_empty()
    {
        return Ok(cluster
            .workers
            .iter()
            .map(|w| WorkerSpec {
                host: w.host.clone(),
                cores: w.cores,
                memory_mb: w.memory_mb.unwrap_or(DEFAULT_WORKER_MEMORY_MB),
            })
            .collect());
    }
    let Some(count) = conf.get_u32(WORKERS_KEY)? else {
        return Ok(Vec::new());
    };
    let cores = conf
        .get_u32(WORKER_CORES_KEY)?
        .unwrap_or(DEFAULT_WORKER_CORES);
    let memory_mb = conf
        .get_size_as(WORKER_MEMORY_KEY, policies::conf::ByteUnit::MiB)?
        .map_or(DEFAULT_WORKER_MEMORY_MB, |m| m.max(0) as u64);
    Ok(WorkerSpec::uniform(count, cores, memory_mb))
}

/// The executors the application starts with.
pub fn executor_layout(
    conf: &SparkConf,
    workload: &Workload,
) -> Result<ExecutorLayout, SetupError> {
    let text = conf.master().ok_or(SetupError::NoMaster)?;
    let master: Master =
        text.parse()
            .map_err(|e: crate::cluster::MasterUrlError| SetupError::Master {
                value: text.to_string(),
                message: e.to_string(),
            })?;
    let executor_conf = ExecutorConf {
        cores_max: conf.cores_max()?,
        executor_cores: conf.executor_cores()?,
        executor_memory_mb: conf.executor_memory_mib()?,
        spread_out: conf.deploy_spread_out()?,
        executor_instances: conf.executor_instances()?,
    };
    let layout = ExecutorLayout::build(&master, &workers(conf, workload)?, &executor_conf)?;
    if layout.executors.is_empty() {
        return Err(SetupError::NoExecutors);
    }
    Ok(layout)
}

/// Reads the straggler model (`sparksim.stragglers.*`).
fn slowdowns(conf: &SparkConf) -> Result<Slowdowns, SetupError> {
    Slowdowns::from_conf_values(conf.get(EXECUTOR_KEY), conf.get(HOST_KEY))
        .map_err(SetupError::Stragglers)
}

/// Reads the `sparksim.*` knobs.
pub fn knobs(conf: &SparkConf) -> Result<SimKnobs, ConfError> {
    SimKnobs::from_lookup(|key| conf.get_time_ms(key).transpose())
}

/// The scheduler's settings; `maxTaskFailures` is 1 in local mode (or F in `local[N,F]`).
pub fn scheduler_settings(
    conf: &SparkConf,
    layout: &ExecutorLayout,
) -> Result<SchedulerSettings, ConfError> {
    let max_task_failures = match (layout.is_local, layout.local_max_failures) {
        (true, f) => f.unwrap_or(1),
        (false, _) => conf.task_max_failures()?,
    };
    let tsm = TsmSettings {
        max_task_failures,
        locality_wait_process_ms: conf.locality_wait_ms(LocalityWaitLevel::Process)?,
        locality_wait_node_ms: conf.locality_wait_ms(LocalityWaitLevel::Node)?,
        locality_wait_rack_ms: conf.locality_wait_ms(LocalityWaitLevel::Rack)?,
        legacy_locality_reset: conf.legacy_locality_reset()?,
        // Spark starts no speculation thread in local mode.
        speculation: if layout.is_local {
            None
        } else {
            SpeculationSettings::from_spark_conf(conf)?
        },
    };
    Ok(SchedulerSettings {
        task_cpus: conf.task_cpus()?,
        tsm,
    })
}

/// The pools Spark builds: from the allocation file if `spark.scheduler.allocation.file` is
/// set; else (FAIR mode) from the workload's pool list, read by Spark's own rules as if it
/// were that file (so `default` is added when missing); else Spark's rule for no file.
pub fn resolve_pools(conf: &SparkConf, workload: &Workload) -> Result<BuiltPools, SetupError> {
    let mode = conf.scheduler_mode()?;
    let version = conf.version()?;
    let source = if let Some(file) = conf.allocation_file() {
        Some(AllocationSource::Configured(file.to_string()))
    } else if !workload.pools.is_empty() && mode == policies::scheduling_mode::SchedulingMode::Fair
    {
        Some(AllocationSource::Inline {
            name: format!("the pools of {}", workload.name),
            xml: pools_as_xml(workload),
        })
    } else {
        None
    };
    Ok(build_pools(mode, source, version)?)
}

/// The workload's pools as a `fairscheduler.xml` document.
fn pools_as_xml(workload: &Workload) -> String {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<allocations>\n");
    for p in &workload.pools {
        xml.push_str(&format!(
            "  <pool name=\"{}\"><schedulingMode>{}</schedulingMode><weight>{}</weight><minShare>{}</minShare></pool>\n",
            escape_xml(&p.name),
            escape_xml(&p.scheduling_mode),
            p.weight,
            p.min_share
        ));
    }
    xml.push_str("</allocations>\n");
    xml
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A run ready to simulate, and what the user should be told about its configuration.
pub struct Prepared {
    pub setup: SimSetup,
    pub pools: BuiltPools,
    pub warnings: Vec<String>,
}

/// Validates the configuration (unknown keys warned, invalid values rejected) and builds the
/// run's setup. `conf` must already hold the workload's values (see [`apply_workload_conf`]).
pub fn prepare(conf: &SparkConf, workload: &Workload, seed: u64) -> Result<Prepared, SetupError> {
    let mut warnings: Vec<String> = conf
        .validate(&sim_keys())?
        .iter()
        .map(|w| w.to_string())
        .collect();
    let pools = resolve_pools(conf, workload)?;
    warnings.extend(pools.warnings.iter().map(|w| w.to_string()));
    let defs = pools
        .pool_defs()
        .map(|(n, m, s, w)| (n.to_string(), m, s, w))
        .collect();
    let setup = build_setup(conf, workload, defs, seed)?;
    Ok(Prepared {
        setup,
        pools,
        warnings,
    })
}

/// Everything but the pools, which the caller resolves (they may need the allocation file).
pub fn build_setup(
    conf: &SparkConf,
    workload: &Workload,
    pools: Vec<(String, SchedulingMode, i32, i32)>,
    seed: u64,
) -> Result<SimSetup, SetupError> {
    let layout = executor_layout(conf, workload)?;
    Ok(SimSetup {
        root_mode: conf.scheduler_mode()?,
        pools,
        scheduler: scheduler_settings(conf, &layout)?,
        local_mode: layout.is_local,
        revive_interval_ms: conf.revive_interval_ms()?,
        knobs: knobs(conf)?,
        executors: layout.executors,
        shuffle_seed: Some(seed),
        slowdowns: slowdowns(conf)?,
    })
}
