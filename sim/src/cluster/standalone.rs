//! The standalone Master's executor placement (`Master.startExecutorsOnWorkers`,
//! `scheduleExecutorsOnWorkers`, `allocateWorkerResourceToExecutors`, Spark 3.5), as restated
//! in `shared/spec/spark-dynamic-allocation-and-event-logs.md` A.12.
//!
//! * [`usable_worker_order`]: workers that can host one more executor (enough free cores for
//!   `spark.executor.cores`, or 1 when unset, and enough free memory), ordered by free cores
//!   **descending**. Spark 3.5 writes `sortBy(_.coresFree).reverse`: a stable ascending sort,
//!   then a reversal, so workers with equal free cores come out in *reverse* input order. Here
//!   "input order" is the order of the worker slice; in Spark it is the iteration order of the
//!   Master's `HashSet[WorkerInfo]`, which Spark leaves unspecified. (Spark 4.x breaks ties by
//!   worker id instead; not modelled.)
//! * [`schedule_executors_on_workers`]: the core-assignment loop, stepping by
//!   `spark.executor.cores` (or 1 core when unset), one step per worker per pass when
//!   `spreadOut`, as many as fit otherwise.
//! * [`executors_for_cores`]: the launch rule: with `spark.executor.cores` set,
//!   `assigned / executor_cores` executors of exactly that size; unset, one executor with all
//!   the assigned cores.
//! * [`StandaloneMaster`]: the above run over workers whose free resources it tracks, for one
//!   application, handing out executor ids `0`, `1`, … in launch order (usable-worker order,
//!   then per worker). Re-run [`StandaloneMaster::schedule`] whenever Spark's Master would call
//!   `schedule()`: executor exit, a new executor limit, a worker joining.
//!
//! This module must not read configuration or know about tasks; it decides placement only.

use super::workers::WorkerSpec;

/// One worker's free resources, the input of [`usable_worker_order`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerFree {
    pub cores_free: u32,
    pub memory_free_mb: u64,
}

/// Indices of the workers that can launch one more executor, ordered as Spark 3.5 orders
/// them: by free cores descending, ties in reverse input order.
pub fn usable_worker_order(
    workers: &[WorkerFree],
    executor_cores: Option<u32>,
    executor_memory_mb: u64,
) -> Vec<usize> {
    let min_cores = executor_cores.unwrap_or(1);
    let mut usable: Vec<usize> = (0..workers.len())
        .filter(|&i| {
            workers[i].cores_free >= min_cores && workers[i].memory_free_mb >= executor_memory_mb
        })
        .collect();
    usable.sort_by_key(|&i| workers[i].cores_free); // stable, ascending
    usable.reverse();
    usable
}

/// Cores to assign on each usable worker (same order as `workers_free`, which holds
/// `(cores_free, memory_free_mb)` of the usable workers in [`usable_worker_order`]).
///
/// * `cores_left`: `spark.cores.max` minus the cores already granted to the app; `None` for
///   unlimited (`spark.deploy.defaultCores`' default, `Int.MaxValue`).
/// * `executor_cores`: `spark.executor.cores`, `None` when unset (standalone's default).
///   `Some(0)` assigns nothing.
/// * `executor_limit`: the app's executor limit (the dynamic-allocation target); `None`
///   without dynamic allocation. `existing_executors` counts the app's live executors.
pub fn schedule_executors_on_workers(
    workers_free: &[(u32, u64)],
    cores_left: Option<u32>,
    executor_cores: Option<u32>,
    executor_memory_mb: u64,
    spread_out: bool,
    executor_limit: Option<u32>,
    existing_executors: u32,
) -> Vec<u32> {
    let mut plan = Assignment {
        workers: workers_free,
        step: executor_cores.unwrap_or(1),
        one_executor_per_worker: executor_cores.is_none(),
        memory_mb: executor_memory_mb,
        executors_allowed: executor_limit.map_or(u64::MAX, |limit| {
            u64::from(limit).saturating_sub(u64::from(existing_executors))
        }),
        cores_to_assign: cores_to_assign(workers_free, cores_left),
        assigned_cores: vec![0; workers_free.len()],
        assigned_executors: vec![0; workers_free.len()],
        new_executors: 0,
    };
    if plan.step > 0 {
        plan.run(spread_out);
    }
    plan.assigned_cores
}

/// `min(coresLeft, Σ coresFree)`.
fn cores_to_assign(workers_free: &[(u32, u64)], cores_left: Option<u32>) -> u64 {
    let total_free: u64 = workers_free
        .iter()
        .map(|&(cores, _)| u64::from(cores))
        .sum();
    cores_left.map_or(total_free, |left| total_free.min(u64::from(left)))
}

/// The state of `scheduleExecutorsOnWorkers`' loop.
struct Assignment<'a> {
    workers: &'a [(u32, u64)],
    step: u32,
    one_executor_per_worker: bool,
    memory_mb: u64,
    /// `executorLimit - existingExecutors`: how many new executors may still start.
    executors_allowed: u64,
    cores_to_assign: u64,
    assigned_cores: Vec<u32>,
    assigned_executors: Vec<u32>,
    new_executors: u64,
}

impl Assignment<'_> {
    fn run(&mut self, spread_out: bool) {
        let mut free: Vec<usize> = (0..self.workers.len())
            .filter(|&p| self.can_step(p))
            .collect();
        while !free.is_empty() {
            for &pos in &free {
                while self.can_step(pos) {
                    self.take_step(pos);
                    if spread_out {
                        break;
                    }
                }
            }
            free.retain(|&p| self.can_step(p));
        }
    }

    /// `canLaunchExecutorForApp(pos)`.
    fn can_step(&self, pos: usize) -> bool {
        let (cores_free, memory_free) = self.workers[pos];
        let keep_scheduling = self.cores_to_assign >= u64::from(self.step);
        let enough_cores = cores_free.saturating_sub(self.assigned_cores[pos]) >= self.step;
        let executors_here = self.assigned_executors[pos];
        let launching_new = !self.one_executor_per_worker || executors_here == 0;
        if !launching_new {
            return keep_scheduling && enough_cores;
        }
        let memory_needed = (u64::from(executors_here) + 1).checked_mul(self.memory_mb);
        let enough_memory = memory_needed.is_some_and(|needed| memory_free >= needed);
        let under_limit = self.new_executors < self.executors_allowed;
        keep_scheduling && enough_cores && enough_memory && under_limit
    }

    fn take_step(&mut self, pos: usize) {
        self.cores_to_assign -= u64::from(self.step);
        self.assigned_cores[pos] += self.step;
        if !self.one_executor_per_worker || self.assigned_executors[pos] == 0 {
            self.assigned_executors[pos] += 1;
            self.new_executors += 1;
        }
    }
}

/// The launch rule for one worker: `(number of executors, cores of each)`.
pub fn executors_for_cores(assigned_cores: u32, executor_cores: Option<u32>) -> (u32, u32) {
    match executor_cores {
        Some(0) => (0, 0),
        Some(cores) => (assigned_cores / cores, cores),
        None if assigned_cores == 0 => (0, 0),
        None => (1, assigned_cores),
    }
}

/// What one application asks of the standalone Master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppRequest {
    /// `spark.cores.max`; `None` for unlimited.
    pub cores_max: Option<u32>,
    /// `spark.executor.cores`; `None` when unset.
    pub executor_cores: Option<u32>,
    /// `spark.executor.memory` in MiB.
    pub executor_memory_mb: u64,
}

/// One executor the Master launched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// Per-application executor id, `0`, `1`, … in launch order.
    pub executor_id: u32,
    /// Index of the worker in the slice the Master was built from.
    pub worker: usize,
    pub cores: u32,
    pub memory_mb: u64,
}

/// A standalone Master serving one application over a fixed set of workers.
#[derive(Debug, Clone)]
pub struct StandaloneMaster {
    free: Vec<WorkerFree>,
    spread_out: bool,
    app: AppRequest,
    executor_limit: Option<u32>,
    live: Vec<Launch>,
    next_executor_id: u32,
}

impl StandaloneMaster {
    /// A Master with every worker idle and no executor limit (dynamic allocation off).
    pub fn new(workers: &[WorkerSpec], spread_out: bool, app: AppRequest) -> Self {
        let free = workers
            .iter()
            .map(|w| WorkerFree {
                cores_free: w.cores,
                memory_free_mb: w.memory_mb,
            })
            .collect();
        StandaloneMaster {
            free,
            spread_out,
            app,
            executor_limit: None,
            live: Vec::new(),
            next_executor_id: 0,
        }
    }

    /// Set the app's executor limit (`requestTotalExecutors`); `None` removes it. Lowering it
    /// never stops running executors. Call [`schedule`](Self::schedule) afterwards.
    pub fn set_executor_limit(&mut self, limit: Option<u32>) {
        self.executor_limit = limit;
    }

    /// The executors currently running, in launch order.
    pub fn live_executors(&self) -> &[Launch] {
        &self.live
    }

    /// Free resources per worker, in worker order.
    pub fn workers_free(&self) -> &[WorkerFree] {
        &self.free
    }

    /// An executor exited or was killed: give its resources back. Returns whether it was live.
    pub fn remove_executor(&mut self, executor_id: u32) -> bool {
        let Some(index) = self.live.iter().position(|e| e.executor_id == executor_id) else {
            return false;
        };
        let exec = self.live.remove(index);
        let worker = &mut self.free[exec.worker];
        worker.cores_free = worker.cores_free.saturating_add(exec.cores);
        worker.memory_free_mb = worker.memory_free_mb.saturating_add(exec.memory_mb);
        true
    }

    /// One `startExecutorsOnWorkers` pass for the app: launches (and records) as many
    /// executors as the free resources, `spark.cores.max` and the executor limit allow.
    pub fn schedule(&mut self) -> Vec<Launch> {
        if !self.wants_cores() {
            return Vec::new();
        }
        let usable = usable_worker_order(
            &self.free,
            self.app.executor_cores,
            self.app.executor_memory_mb,
        );
        let usable_free: Vec<(u32, u64)> = usable
            .iter()
            .map(|&i| (self.free[i].cores_free, self.free[i].memory_free_mb))
            .collect();
        let assigned = schedule_executors_on_workers(
            &usable_free,
            self.cores_left(),
            self.app.executor_cores,
            self.app.executor_memory_mb,
            self.spread_out,
            self.executor_limit,
            self.live_count(),
        );
        let mut launches = Vec::new();
        for (&worker, &cores) in usable.iter().zip(&assigned) {
            self.launch_on(worker, cores, &mut launches);
        }
        launches
    }

    /// `coresLeft`: `spark.cores.max` minus the cores of live executors; `None` if unlimited.
    fn cores_left(&self) -> Option<u32> {
        let max = self.app.cores_max?;
        let granted: u64 = self.live.iter().map(|e| u64::from(e.cores)).sum();
        // The difference is at most `max`, so it fits in a u32.
        Some(u32::try_from(u64::from(max).saturating_sub(granted)).unwrap_or(max))
    }

    /// Spark skips the app while `coresLeft < (executor.cores or 1)`.
    fn wants_cores(&self) -> bool {
        let needed = self.app.executor_cores.unwrap_or(1);
        self.cores_left().is_none_or(|left| left >= needed)
    }

    fn live_count(&self) -> u32 {
        u32::try_from(self.live.len()).unwrap_or(u32::MAX)
    }

    /// `allocateWorkerResourceToExecutors` for one worker.
    fn launch_on(&mut self, worker: usize, assigned_cores: u32, launches: &mut Vec<Launch>) {
        let (count, cores) = executors_for_cores(assigned_cores, self.app.executor_cores);
        for _ in 0..count {
            let launch = Launch {
                executor_id: self.next_executor_id,
                worker,
                cores,
                memory_mb: self.app.executor_memory_mb,
            };
            self.next_executor_id += 1;
            let free = &mut self.free[worker];
            // The assignment only grants what the worker has free; saturate all the same.
            free.cores_free = free.cores_free.saturating_sub(cores);
            free.memory_free_mb = free.memory_free_mb.saturating_sub(launch.memory_mb);
            self.live.push(launch.clone());
            launches.push(launch);
        }
    }
}
