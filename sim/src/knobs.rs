//! Sim-only knobs (`sparksim.*` keys): the latencies and overheads real Spark has and a
//! scheduler model does not, calibrated on the real runs in `shared/fidelity/`.
//!
//! Calibration (local mode, Spark 3.5.9, dev runs; see the fidelity README's observations):
//! a designed submit offset becomes a `JobStart` about 19.5 ms later; a chained job starts
//! about 15.5 ms after its predecessor's `JobEnd`; the first task set of a job is offered
//! about 23 ms after `JobStart`, a child stage about 15 ms after its parent finished; the job
//! ends about 4.5 ms after its last task's slot is freed. Those five are measured means.
//!
//! A task holds its slot for its designed duration plus an overhead that grows with
//! simultaneous launches on the host (the README measures 19 ms alone up to 54 ms with 6
//! launches within ±15 ms). The two overhead knobs (`base + extra·(k − 1)` for k launches
//! within ±window) were fitted by a grid search (base 19–28 ms, extra 3–9 ms) that minimised
//! the per-job turnaround error over every local-mode dev run, for both the real and the
//! designed arrivals: base 25 ms, extra 5 ms. The fidelity test (`sim/tests/fidelity.rs`)
//! checks the result against the real runs.
//!
//! Cluster modes add two costs measured on the standalone dev runs (d5): every task holds its
//! slot about 40 ms longer (the launch and status RPCs), and the first task of each stage on
//! each executor about 150 ms more (deserializing the task and fetching its broadcast; the
//! runs show 100–390 ms). With them the d5 jobs land within 2% of the real turnarounds.

/// Every knob with its default, its meaning and its unit.
pub const KNOBS: &[(&str, u64, &str)] = &[
    (
        "sparksim.job.submitLatency",
        20,
        "ms from a job's submit offset to its JobStart",
    ),
    (
        "sparksim.job.chainLatency",
        16,
        "ms from a predecessor's JobEnd to a chained job's JobStart (plus the gap)",
    ),
    (
        "sparksim.dag.jobStartLatency",
        23,
        "ms from JobStart to the first task set's submission",
    ),
    (
        "sparksim.dag.stageSubmitLatency",
        15,
        "ms from a parent stage's end to its child's task set",
    ),
    (
        "sparksim.dag.jobEndLatency",
        5,
        "ms from the last task's slot freed to JobEnd",
    ),
    (
        "sparksim.task.launchOverhead",
        25,
        "ms a task holds its slot beyond its duration",
    ),
    (
        "sparksim.task.concurrentLaunchOverhead",
        5,
        "extra ms per other launch on the same host within ±window",
    ),
    (
        "sparksim.task.concurrentLaunchWindow",
        15,
        "ms on either side of a launch in which other launches count",
    ),
    (
        "sparksim.task.killLatency",
        50,
        "ms from a kill request to the attempt's KILLED status",
    ),
    (
        "sparksim.task.firstOnExecutorOverhead",
        150,
        "extra ms for the first task of each stage on each executor in cluster modes (task deserialization, broadcast fetch)",
    ),
    (
        "sparksim.task.clusterLaunchOverhead",
        40,
        "extra ms every task holds its slot in cluster modes (RPCs to and from the executor)",
    ),
];

/// The knobs' values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimKnobs {
    pub job_submit_latency_ms: u64,
    pub job_chain_latency_ms: u64,
    pub job_start_latency_ms: u64,
    pub stage_submit_latency_ms: u64,
    pub job_end_latency_ms: u64,
    pub task_launch_overhead_ms: u64,
    pub concurrent_launch_overhead_ms: u64,
    pub concurrent_launch_window_ms: u64,
    pub kill_latency_ms: u64,
    pub first_on_executor_overhead_ms: u64,
    pub cluster_launch_overhead_ms: u64,
}

impl Default for SimKnobs {
    fn default() -> Self {
        Self::from_lookup::<()>(|_| None).expect("defaults are valid")
    }
}

impl SimKnobs {
    /// Reads each knob through `lookup` (key → value in ms), falling back to the default.
    pub fn from_lookup<E>(
        mut lookup: impl FnMut(&str) -> Option<Result<u64, E>>,
    ) -> Result<Self, E> {
        let mut v = |key: &str| -> Result<u64, E> {
            let default = KNOBS.iter().find(|k| k.0 == key).map(|k| k.1).unwrap_or(0);
            lookup(key).unwrap_or(Ok(default))
        };
        Ok(SimKnobs {
            job_submit_latency_ms: v("sparksim.job.submitLatency")?,
            job_chain_latency_ms: v("sparksim.job.chainLatency")?,
            job_start_latency_ms: v("sparksim.dag.jobStartLatency")?,
            stage_submit_latency_ms: v("sparksim.dag.stageSubmitLatency")?,
            job_end_latency_ms: v("sparksim.dag.jobEndLatency")?,
            task_launch_overhead_ms: v("sparksim.task.launchOverhead")?,
            concurrent_launch_overhead_ms: v("sparksim.task.concurrentLaunchOverhead")?,
            concurrent_launch_window_ms: v("sparksim.task.concurrentLaunchWindow")?,
            kill_latency_ms: v("sparksim.task.killLatency")?,
            first_on_executor_overhead_ms: v("sparksim.task.firstOnExecutorOverhead")?,
            cluster_launch_overhead_ms: v("sparksim.task.clusterLaunchOverhead")?,
        })
    }

    /// Every latency and overhead zero: the scheduler model alone.
    pub fn zero() -> Self {
        Self::from_lookup::<()>(|_| Some(Ok(0))).expect("zero is valid")
    }
}
