//! The machines of a simulated cluster: [`WorkerSpec`] (host, cores, memory), the sim-only
//! configuration keys that describe a uniform cluster, and the host-naming rules.
//!
//! Hosts are named `worker-1`, `worker-2`, … in worker order. `local-cluster[W,C,M]` workers
//! all share the host [`LOCAL_HOST`], as in Spark, where every `LocalSparkCluster` worker
//! binds to the driver's host name.
//!
//! This module only describes machines; it must not parse configuration text (the caller reads
//! the keys below from the typed `SparkConf` and passes numbers) and must not place executors.

/// Sim-only key: number of workers (standalone) or NodeManagers/nodes (YARN, K8s).
pub const WORKERS_KEY: &str = "sparksim.cluster.workers";
/// Sim-only key: cores of each worker (`SPARK_WORKER_CORES` in a real standalone cluster).
pub const WORKER_CORES_KEY: &str = "sparksim.cluster.worker.cores";
/// Sim-only key: memory of each worker, a Spark size string such as `16g`
/// (`SPARK_WORKER_MEMORY` in a real standalone cluster).
pub const WORKER_MEMORY_KEY: &str = "sparksim.cluster.worker.memory";

/// Default of [`WORKER_CORES_KEY`]. A fixed number, unlike Spark's "all the machine's cores",
/// so that results never depend on the machine running the simulation.
pub const DEFAULT_WORKER_CORES: u32 = 8;
/// Default of [`WORKER_MEMORY_KEY`] in MiB (`16g`). Fixed for the same reason.
pub const DEFAULT_WORKER_MEMORY_MB: u64 = 16 * 1024;

/// The host name of local mode's `driver` executor and of every `local-cluster` worker.
pub const LOCAL_HOST: &str = "localhost";

/// One worker machine: its host name and the resources it offers to executors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerSpec {
    pub host: String,
    pub cores: u32,
    pub memory_mb: u64,
}

impl WorkerSpec {
    /// `count` identical workers on hosts `worker-1` … `worker-{count}`.
    pub fn uniform(count: u32, cores: u32, memory_mb: u64) -> Vec<WorkerSpec> {
        (0..count)
            .map(|i| WorkerSpec {
                host: worker_host(i as usize),
                cores,
                memory_mb,
            })
            .collect()
    }

    /// The workers of `local-cluster[W,C,M]`: `workers` identical workers, all on
    /// [`LOCAL_HOST`].
    pub fn local_cluster(workers: u32, cores: u32, memory_mb: u64) -> Vec<WorkerSpec> {
        (0..workers)
            .map(|_| WorkerSpec {
                host: LOCAL_HOST.to_string(),
                cores,
                memory_mb,
            })
            .collect()
    }
}

/// The host name of the worker at `index` (0-based): `worker-{index + 1}`.
pub fn worker_host(index: usize) -> String {
    format!("worker-{}", index + 1)
}
