//! From what a user gave — a workload file, `--properties-file`, `--conf`, `--master`,
//! `--allocation-file` — to one [`SparkConf`] and a [`SimSetup`].
//!
//! Precedence, lowest first: Spark's defaults, what the workload file carries (its cluster,
//! scheduler mode, pools and Spark keys), the properties file, then the command line. Pools
//! come from the allocation file if one is set (`spark.scheduler.allocation.file`), else from
//! the workload's pool list (as if it were the file), else Spark's no-file rule.
//!
//! The setup also says how executors live ([`lifecycle`], see [`crate::executors`]): with
//! dynamic allocation active (Spark's rule: enabled and not local; its start-up checks are
//! Spark's errors), executor losses, or several applications on one cluster, a cluster manager
//! grants the executors during the run; otherwise they are the layout's, fixed and up at 0.

use crate::cluster::workers::{
    DEFAULT_WORKER_CORES, DEFAULT_WORKER_MEMORY_MB, WORKER_CORES_KEY, WORKER_MEMORY_KEY,
    WORKERS_KEY,
};
use crate::cluster::{AppRequest, ExecutorConf, ExecutorLayout, Master, WorkerSpec};
use crate::executors::{self, Latency, Lifecycle};
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
    keys.extend(executors::KEYS);
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
    #[error("{key}: {message}")]
    Executors { key: String, message: String },
    #[error(
        "several applications share a cluster manager; --master {0} has none (use spark://… with workers, or local-cluster[…])"
    )]
    NoSharedCluster(String),
    #[error(
        "the workload {0:?} has several applications; run it with `sparksim run` (sim::applications), which simulates them together on one cluster"
    )]
    MultiApplication(String),
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
    build_setup_with(conf, workload, pools, seed, false)
}

/// [`build_setup`]; `managed` puts a cluster manager in the loop even without dynamic
/// allocation or executor losses (an application sharing the cluster with others).
pub fn build_setup_with(
    conf: &SparkConf,
    workload: &Workload,
    pools: Vec<(String, SchedulingMode, i32, i32)>,
    seed: u64,
    managed: bool,
) -> Result<SimSetup, SetupError> {
    if workload.is_multi_application() {
        return Err(SetupError::MultiApplication(workload.name.clone()));
    }
    let layout = executor_layout(conf, workload)?;
    let lifecycle = lifecycle(conf, workload, &layout, managed)?;
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
        lifecycle,
    })
}

fn latency(conf: &SparkConf, key: &str, default_ms: u64) -> Result<Latency, SetupError> {
    match conf.get(key) {
        None => Ok(Latency::Constant(default_ms)),
        Some(text) => Latency::parse(text).map_err(|message| SetupError::Executors {
            key: key.to_string(),
            message,
        }),
    }
}

fn time_knob(conf: &SparkConf, key: &str, default_ms: u64) -> Result<u64, SetupError> {
    Ok(conf.get_time_ms(key)?.unwrap_or(default_ms))
}

/// How the application's executors live (see [`crate::executors`]): dynamic allocation when
/// Spark would build an `ExecutorAllocationManager` (never in local mode), the cluster manager
/// that grants executors, the latencies and losses.
pub fn lifecycle(
    conf: &SparkConf,
    workload: &Workload,
    layout: &ExecutorLayout,
    managed: bool,
) -> Result<Lifecycle, SetupError> {
    use executors::*;
    let mut lc = Lifecycle {
        derived_executors: layout.executors.clone(),
        startup_latency: latency(conf, STARTUP_LATENCY_KEY, DEFAULT_STARTUP_LATENCY_MS)?,
        removal_latency: latency(conf, REMOVAL_LATENCY_KEY, DEFAULT_REMOVAL_LATENCY_MS)?,
        ready_latency_ms: time_knob(conf, READY_LATENCY_KEY, DEFAULT_READY_LATENCY_MS)?,
        cold_start: latency(conf, COLD_START_KEY, DEFAULT_COLD_START_MS)?,
        initial_ready: conf.get_bool(INITIAL_READY_KEY)?.unwrap_or(true),
        losses: match conf.get(LOST_KEY) {
            None => Vec::new(),
            Some(text) => parse_losses(text).map_err(|message| SetupError::Executors {
                key: LOST_KEY.to_string(),
                message,
            })?,
        },
        shuffle_cleanup_ms: conf.get_time_ms(SHUFFLE_CLEANUP_KEY)?,
        warmup_stages: workload
            .warmup
            .as_ref()
            .map_or(0, |w| w.jobs.iter().map(|j| j.stages.len() as u32).sum()),
        ..Lifecycle::default()
    };
    let da = conf.dynamic_allocation()?;
    if da.enabled && layout.is_local {
        lc.warnings.push(
            "spark.dynamicAllocation.enabled is ignored in local mode, as in Spark (no ExecutorAllocationManager)"
                .to_string(),
        );
    }
    let active =
        policies::executor_allocation_manager::is_dynamic_allocation_active(&da, layout.is_local)?;
    let text = conf.master().ok_or(SetupError::NoMaster)?;
    let master: Master =
        text.parse()
            .map_err(|e: crate::cluster::MasterUrlError| SetupError::Master {
                value: text.to_string(),
                message: e.to_string(),
            })?;
    if active {
        if matches!(master, Master::Yarn | Master::Kubernetes { .. }) {
            policies::executor_allocation_manager::check_initial_executors_in_bounds(&da)?;
        }
        let settings = policies::executor_allocation_manager::AllocationSettings::from_conf(conf)?;
        // Spark's start-up checks (an executor must fit a task, …).
        policies::executor_allocation_manager::ExecutorAllocationManager::new(settings)?;
        lc.allocation = Some(settings);
    }
    if !(active || managed || !lc.losses.is_empty()) {
        return Ok(lc);
    }
    if layout.is_local && !lc.losses.is_empty() {
        lc.warnings.push(format!(
            "{LOST_KEY} is ignored in local mode: the driver's executor cannot be lost"
        ));
        lc.losses.clear();
    }
    let memory_mb = conf.executor_memory_mib()?;
    lc.manager = match &master {
        Master::Local { .. } if managed => return Err(SetupError::NoSharedCluster(text.into())),
        Master::Local { .. } => ManagerPlan::Fixed,
        Master::LocalCluster {
            workers: count,
            cores_per_worker,
            memory_per_worker_mb,
        } => ManagerPlan::Standalone {
            workers: WorkerSpec::local_cluster(*count, *cores_per_worker, *memory_per_worker_mb),
            spread_out: conf.deploy_spread_out()?,
            request: AppRequest {
                cores_max: conf.cores_max()?,
                executor_cores: conf.executor_cores()?,
                executor_memory_mb: memory_mb,
            },
        },
        Master::Standalone { .. } => ManagerPlan::Standalone {
            workers: workers(conf, workload)?,
            spread_out: conf.deploy_spread_out()?,
            request: AppRequest {
                cores_max: conf.cores_max()?,
                executor_cores: conf.executor_cores()?,
                executor_memory_mb: memory_mb,
            },
        },
        Master::Yarn | Master::Kubernetes { .. } => ManagerPlan::ResourceManager {
            workers: workers(conf, workload)?,
            cores: conf
                .executor_cores()?
                .unwrap_or(crate::cluster::layout::DEFAULT_EXECUTOR_CORES),
            memory_mb,
            instances: conf
                .executor_instances()?
                .unwrap_or(crate::cluster::layout::DEFAULT_EXECUTOR_INSTANCES),
        },
    };
    Ok(lc)
}
