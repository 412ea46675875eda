//! The executors an application starts with: [`ExecutorLayout::build`] turns a [`Master`], the
//! cluster's workers and a few conf values into executors (id, host, cores).
//!
//! | master | executors | ids | hosts |
//! |---|---|---|---|
//! | `local[N]`, `local[N,F]` | one, N cores | `driver` | `localhost` |
//! | `local-cluster[W,C,M]` | standalone placement over W workers of C cores, M MiB | `0`, `1`, … | `localhost` |
//! | `spark://…` | standalone placement over the given workers | `0`, `1`, … | the workers' |
//! | `yarn`, `k8s://…` | `spark.executor.instances` (default 2) × `spark.executor.cores` (default 1) | `1`, `2`, … | see below |
//!
//! * Standalone placement is Spark's, exactly (`standalone`); `spark.executor.instances` is
//!   ignored there, as Spark ignores it without dynamic allocation.
//! * `local-cluster`: every worker, hence every executor, is on the one host `localhost`, as
//!   in Spark. So a speculative copy can never run "on another host" than the original: Spark
//!   behaves the same in `local-cluster`.
//! * YARN/K8s placement is the resource manager's business, not Spark's. sparksim places
//!   executor `i` round-robin over the workers, skipping workers without room (cores and
//!   `spark.executor.memory`; memory overhead is not modelled). Without workers, each executor
//!   gets its own host `worker-1`, `worker-2`, …. Executor ids start at 1, as in Spark's
//!   `YarnAllocator` and K8s allocator.
//! * The IDs are Spark's, so traces line up with real event logs.
//!
//! This module takes plain numbers; it must not read or parse configuration itself.

use super::master::Master;
use super::standalone::{AppRequest, StandaloneMaster};
use super::workers::{LOCAL_HOST, WORKER_CORES_KEY, WORKERS_KEY, WorkerSpec, worker_host};

/// `spark.executor.instances` when unset on YARN and K8s
/// (`SchedulerBackendUtils.DEFAULT_NUMBER_EXECUTORS`).
pub const DEFAULT_EXECUTOR_INSTANCES: u32 = 2;
/// `spark.executor.cores` when unset on YARN and K8s.
pub const DEFAULT_EXECUTOR_CORES: u32 = 1;
/// `spark.executor.memory` when unset, in MiB (`1g`).
pub const DEFAULT_EXECUTOR_MEMORY_MB: u64 = 1024;

/// One executor of the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutorSpec {
    pub id: String,
    pub host: String,
    pub cores: u32,
}

/// The executors an application starts with, and the local-mode facts that come with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutorLayout {
    pub executors: Vec<ExecutorSpec>,
    /// Local mode (`LocalSchedulerBackend`): no periodic revive, no speculation thread.
    pub is_local: bool,
    /// `maxTaskFailures` fixed by a local master URL; `None` in cluster modes
    /// (`spark.task.maxFailures` applies).
    pub local_max_failures: Option<u32>,
}

/// The conf values that decide the layout, already typed by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutorConf {
    /// `spark.cores.max` (standalone); `None` for unlimited.
    pub cores_max: Option<u32>,
    /// `spark.executor.cores`; `None` when unset.
    pub executor_cores: Option<u32>,
    /// `spark.executor.memory` in MiB.
    pub executor_memory_mb: u64,
    /// `spark.deploy.spreadOut` (a Master setting in Spark).
    pub spread_out: bool,
    /// `spark.executor.instances` (YARN, K8s); `None` when unset.
    pub executor_instances: Option<u32>,
}

impl Default for ExecutorConf {
    /// Spark's defaults: all unset, `1g` executors, `spreadOut = true`.
    fn default() -> Self {
        ExecutorConf {
            cores_max: None,
            executor_cores: None,
            executor_memory_mb: DEFAULT_EXECUTOR_MEMORY_MB,
            spread_out: true,
            executor_instances: None,
        }
    }
}

/// Why no layout could be built. Each message names the key or flag to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("spark.executor.cores must be at least 1, got 0")]
    ZeroExecutorCores,
    #[error("spark.executor.instances must be at least 1 for {master}, got 0 (nothing would run)")]
    ZeroExecutorInstances { master: String },
    #[error(
        "--master {master} defines its own executors; \
         remove the {WORKERS_KEY} / sparksim.cluster.worker.* settings"
    )]
    WorkersNotAllowed { master: String },
    #[error(
        "--master {master} needs workers: \
         set {WORKERS_KEY} (and {WORKER_CORES_KEY}, sparksim.cluster.worker.memory)"
    )]
    NoWorkers { master: String },
    #[error("worker {host} has 0 cores; {WORKER_CORES_KEY} must be at least 1")]
    WorkerWithoutCores { host: String },
    #[error(
        "--master {master} gives each worker {worker_mb} MiB \
         but spark.executor.memory asks {executor_mb} MiB per executor"
    )]
    LocalClusterMemory {
        master: String,
        worker_mb: u64,
        executor_mb: u64,
    },
    #[error(
        "the standalone Master would launch no executor for --master {master}: \
         spark.cores.max={cores_max}, spark.executor.cores={executor_cores}, \
         spark.executor.memory={executor_mb}m, \
         but the largest worker has {max_worker_cores} cores and {max_worker_mb} MiB"
    )]
    NothingPlaced {
        master: String,
        cores_max: String,
        executor_cores: String,
        executor_mb: u64,
        max_worker_cores: u32,
        max_worker_mb: u64,
    },
    #[error(
        "executor {id} ({cores} cores, {memory_mb} MiB) fits on no worker with room left; \
         lower spark.executor.instances, spark.executor.cores or spark.executor.memory, \
         or add workers ({WORKERS_KEY})"
    )]
    ExecutorDoesNotFit { id: u32, cores: u32, memory_mb: u64 },
}

impl ExecutorLayout {
    /// The executors `master` starts with on `workers` (the cluster spec; it must be empty for
    /// `local*` masters, which define their own) under `conf`.
    pub fn build(
        master: &Master,
        workers: &[WorkerSpec],
        conf: &ExecutorConf,
    ) -> Result<ExecutorLayout, LayoutError> {
        let executors = match master {
            Master::Local { threads, .. } => {
                reject_workers(master, workers)?;
                vec![local_driver(*threads)]
            }
            Master::LocalCluster {
                workers: count,
                cores_per_worker,
                memory_per_worker_mb,
            } => {
                reject_workers(master, workers)?;
                check_local_cluster_memory(master, *memory_per_worker_mb, conf)?;
                let local =
                    WorkerSpec::local_cluster(*count, *cores_per_worker, *memory_per_worker_mb);
                standalone(master, &local, conf)?
            }
            Master::Standalone { .. } => standalone(master, workers, conf)?,
            Master::Yarn | Master::Kubernetes { .. } => resource_manager(master, workers, conf)?,
        };
        Ok(ExecutorLayout {
            executors,
            is_local: master.is_local(),
            local_max_failures: master.local_max_task_failures(),
        })
    }

    /// Cores over all executors.
    pub fn total_cores(&self) -> u64 {
        self.executors.iter().map(|e| u64::from(e.cores)).sum()
    }
}

fn local_driver(threads: u32) -> ExecutorSpec {
    ExecutorSpec {
        id: "driver".to_string(),
        host: LOCAL_HOST.to_string(),
        cores: threads,
    }
}

fn reject_workers(master: &Master, workers: &[WorkerSpec]) -> Result<(), LayoutError> {
    if workers.is_empty() {
        Ok(())
    } else {
        Err(LayoutError::WorkersNotAllowed {
            master: master.to_string(),
        })
    }
}

/// Spark's check in `createTaskScheduler`: an executor must fit in a `local-cluster` worker.
fn check_local_cluster_memory(
    master: &Master,
    worker_mb: u64,
    conf: &ExecutorConf,
) -> Result<(), LayoutError> {
    if conf.executor_memory_mb <= worker_mb {
        return Ok(());
    }
    Err(LayoutError::LocalClusterMemory {
        master: master.to_string(),
        worker_mb,
        executor_mb: conf.executor_memory_mb,
    })
}

fn check_workers(master: &Master, workers: &[WorkerSpec]) -> Result<(), LayoutError> {
    if workers.is_empty() {
        return Err(LayoutError::NoWorkers {
            master: master.to_string(),
        });
    }
    match workers.iter().find(|w| w.cores == 0) {
        Some(w) => Err(LayoutError::WorkerWithoutCores {
            host: w.host.clone(),
        }),
        None => Ok(()),
    }
}

fn check_executor_cores(conf: &ExecutorConf) -> Result<(), LayoutError> {
    match conf.executor_cores {
        Some(0) => Err(LayoutError::ZeroExecutorCores),
        _ => Ok(()),
    }
}

/// One standalone `schedule()` pass over idle workers.
fn standalone(
    master: &Master,
    workers: &[WorkerSpec],
    conf: &ExecutorConf,
) -> Result<Vec<ExecutorSpec>, LayoutError> {
    check_workers(master, workers)?;
    check_executor_cores(conf)?;
    let app = AppRequest {
        cores_max: conf.cores_max,
        executor_cores: conf.executor_cores,
        executor_memory_mb: conf.executor_memory_mb,
    };
    let launches = StandaloneMaster::new(workers, conf.spread_out, app).schedule();
    if launches.is_empty() {
        return Err(nothing_placed(master, workers, conf));
    }
    Ok(launches
        .into_iter()
        .map(|l| ExecutorSpec {
            id: l.executor_id.to_string(),
            host: workers[l.worker].host.clone(),
            cores: l.cores,
        })
        .collect())
}

fn nothing_placed(master: &Master, workers: &[WorkerSpec], conf: &ExecutorConf) -> LayoutError {
    let unset = || "unset".to_string();
    LayoutError::NothingPlaced {
        master: master.to_string(),
        cores_max: conf.cores_max.map_or_else(unset, |n| n.to_string()),
        executor_cores: conf.executor_cores.map_or_else(unset, |n| n.to_string()),
        executor_mb: conf.executor_memory_mb,
        max_worker_cores: workers.iter().map(|w| w.cores).max().unwrap_or(0),
        max_worker_mb: workers.iter().map(|w| w.memory_mb).max().unwrap_or(0),
    }
}

/// YARN and K8s: `instances` executors of `cores` each, placed round-robin (sim-only rule).
fn resource_manager(
    master: &Master,
    workers: &[WorkerSpec],
    conf: &ExecutorConf,
) -> Result<Vec<ExecutorSpec>, LayoutError> {
    check_executor_cores(conf)?;
    let instances = conf
        .executor_instances
        .unwrap_or(DEFAULT_EXECUTOR_INSTANCES);
    if instances == 0 {
        return Err(LayoutError::ZeroExecutorInstances {
            master: master.to_string(),
        });
    }
    let cores = conf.executor_cores.unwrap_or(DEFAULT_EXECUTOR_CORES);
    if workers.is_empty() {
        return Ok((1..=instances)
            .map(|id| ExecutorSpec {
                id: id.to_string(),
                host: worker_host(id as usize - 1),
                cores,
            })
            .collect());
    }
    check_workers(master, workers)?;
    round_robin(workers, instances, cores, conf.executor_memory_mb)
}

fn round_robin(
    workers: &[WorkerSpec],
    instances: u32,
    cores: u32,
    memory_mb: u64,
) -> Result<Vec<ExecutorSpec>, LayoutError> {
    let mut room: Vec<(u32, u64)> = workers.iter().map(|w| (w.cores, w.memory_mb)).collect();
    let mut next = 0;
    let mut executors = Vec::new();
    for id in 1..=instances {
        let fits = |i: &usize| room[*i].0 >= cores && room[*i].1 >= memory_mb;
        let Some(chosen) = (0..workers.len())
            .map(|k| (next + k) % workers.len())
            .find(fits)
        else {
            return Err(LayoutError::ExecutorDoesNotFit {
                id,
                cores,
                memory_mb,
            });
        };
        room[chosen].0 -= cores;
        room[chosen].1 -= memory_mb;
        next = chosen + 1;
        executors.push(ExecutorSpec {
            id: id.to_string(),
            host: workers[chosen].host.clone(),
            cores,
        });
    }
    Ok(executors)
}
