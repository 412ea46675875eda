//! The cluster an application runs on: which master it talks to, which worker machines exist,
//! and which executors (id, host, cores) it gets.
//!
//! * [`master`]: Spark master URLs (`--master` / `spark.master`) parsed into [`Master`].
//! * [`workers`]: worker machines ([`WorkerSpec`]) and the sim-only keys that describe them.
//! * [`standalone`]: the standalone Master's executor placement, exactly as Spark 3.5 does it.
//! * [`layout`]: the executors an application starts with ([`ExecutorLayout`]).
//! * [`shared`]: cluster managers serving several applications whose executors come and go
//!   (dynamic allocation, executors lost, applications ending): [`SharedMaster`] (standalone)
//!   and [`ResourceManager`] (YARN, Kubernetes).
//!
//! # Sim-only configuration keys
//!
//! Spark learns its machines from the cluster itself; a simulation has to be told. These keys
//! sit beside Spark's own in `--conf` / `--properties-file`; the caller reads them (the
//! `SparkConf` layer) and passes plain numbers to [`WorkerSpec::uniform`]:
//!
//! | key | meaning | default |
//! |---|---|---|
//! | `sparksim.cluster.workers` | number of worker machines, hosts `worker-1` … `worker-N` | none: required by `spark://`; for `yarn`/`k8s://`, unset means one host per executor |
//! | `sparksim.cluster.worker.cores` | cores per worker | `8` |
//! | `sparksim.cluster.worker.memory` | memory per worker, a Spark size (`16g`, `512m`) | `16g` |
//!
//! The defaults are fixed numbers, never the simulating machine's, so results do not depend on
//! where they run. `local[N]` and `local-cluster[W,C,M]` define their own machines and reject
//! these keys. Spark's keys that shape the layout: `spark.cores.max`, `spark.executor.cores`,
//! `spark.executor.memory`, `spark.deploy.spreadOut` (standalone) and
//! `spark.executor.instances` (YARN, K8s).
//!
//! This module describes and places; it must not schedule tasks, keep time, or parse conf
//! text other than master URLs.

pub mod layout;
pub mod master;
pub mod shared;
pub mod standalone;
pub mod workers;

pub use layout::{ExecutorConf, ExecutorLayout, ExecutorSpec, LayoutError};
pub use master::{HostPort, Master, MasterUrlError, MasterUrlProblem};
pub use shared::{Granted, ResourceManager, SharedMaster};
pub use standalone::{
    AppRequest, Launch, StandaloneMaster, WorkerFree, executors_for_cores,
    schedule_executors_on_workers, usable_worker_order,
};
pub use workers::WorkerSpec;
