//! `ResourceProfile.maxTasksPerExecutor` (`calculateTasksAndLimitingResource`, Spark 3.5):
//! how many tasks one executor of a profile can run at once, which divides the executors
//! dynamic allocation asks for (DA spec A.5).
//!
//! * Cores count only when they are *known*: `spark.executor.cores` is explicitly set, or the
//!   master is `yarn` or starts with `k8s` (where the default of 1 applies). Then
//!   `cores / task.cpus` (integer division; `cores < task.cpus` fails at start-up).
//! * Each custom resource (GPU, FPGA…) with a task request gives
//!   `floor(executorAmount × parts / amountPerTask)` (fractional task amounts ≤ 0.5 share an
//!   address: `parts = floor(1 / amount)`, one per task); the most limiting resource wins.
//! * Nothing known (standalone or `local-cluster` without `spark.executor.cores` and no custom
//!   resource): **1**. Spark then asks for one executor per task while each standalone
//!   executor takes a whole worker's cores (SPARK-30299, a documented over-allocation).

use crate::conf::{ConfError, MasterUrl};

/// One custom resource of a profile: what an executor has and what a task needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CustomResourceRequest {
    /// `spark.executor.resource.<name>.amount`.
    pub executor_amount: f64,
    /// `spark.task.resource.<name>.amount` (0 = no task request: ignored, Spark warns).
    pub task_amount: f64,
}

/// Whether Spark takes `spark.executor.cores` into account (`shouldCheckExecutorCores`):
/// explicitly set, or a YARN or Kubernetes master.
pub fn cores_limit_known(executor_cores_set: bool, master: Option<&MasterUrl>) -> bool {
    executor_cores_set
        || matches!(
            master,
            Some(MasterUrl::Yarn) | Some(MasterUrl::Kubernetes { .. })
        )
}

/// `maxTasksPerExecutor` for a profile. `executor_cores` is the profile's (or
/// `spark.executor.cores`, default 1) and is used only when `cores_limit_known`.
pub fn max_tasks_per_executor(
    executor_cores: u32,
    task_cpus: u32,
    cores_limit_known: bool,
    custom: &[CustomResourceRequest],
) -> Result<u32, ConfError> {
    let mut limit: Option<u32> = None;
    if cores_limit_known {
        if task_cpus == 0 || executor_cores < task_cpus {
            return Err(ConfError::InvalidSettings {
                keys: vec![
                    "spark.executor.cores".to_string(),
                    "spark.task.cpus".to_string(),
                ],
                message: format!(
                    "The number of cores per executor (={executor_cores}) has to be >= the \
                     number of cpus per task = {task_cpus}"
                ),
            });
        }
        limit = Some(executor_cores / task_cpus);
    }
    for r in custom {
        if r.task_amount <= 0.0 {
            continue;
        }
        if r.task_amount > r.executor_amount {
            return Err(ConfError::InvalidSettings {
                keys: vec!["spark.executor.resource.*.amount".to_string()],
                message: format!(
                    "The executor resource amount {} needs to be >= the task resource request \
                     amount of {}",
                    r.executor_amount, r.task_amount
                ),
            });
        }
        // `ResourceUtils.calculateAmountAndPartsForFraction`.
        let (per_task, parts) = if r.task_amount <= 0.5 {
            (1.0, (1.0 / r.task_amount).floor())
        } else {
            (r.task_amount.ceil(), 1.0)
        };
        let tasks = (r.executor_amount * parts / per_task) as u32;
        if limit.is_none_or(|l| tasks < l) {
            limit = Some(tasks);
        }
    }
    Ok(limit.unwrap_or(1))
}

/// The default profile's `maxTasksPerExecutor` from `spark.executor.cores` (if set),
/// `spark.task.cpus` and the master (no custom resources).
pub fn default_profile_max_tasks_per_executor(
    executor_cores: Option<u32>,
    task_cpus: u32,
    master: Option<&MasterUrl>,
) -> Result<u32, ConfError> {
    max_tasks_per_executor(
        executor_cores.unwrap_or(1),
        task_cpus,
        cores_limit_known(executor_cores.is_some(), master),
        &[],
    )
}
