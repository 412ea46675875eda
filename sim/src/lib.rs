//! The discrete-event engine and the cluster it drives. Virtual time in integer
//! milliseconds; the `policies` core makes every scheduling decision.
//!
//! * [`simulation`]: the event loop ([`simulation::Simulation`]).
//! * [`dag_scheduler`]: jobs → stages → task sets, as Spark's `DAGScheduler`.
//! * [`cluster`]: masters, workers and executor placement.
//! * [`event_queue`], [`time`]: the pending-event set and virtual time.
//! * [`knobs`]: sim-only `sparksim.*` latencies, calibrated on real runs.
//! * [`executors`]: executor lifecycles (dynamic allocation, start-up and removal latencies,
//!   losses) and their `sparksim.executor.*` keys.
//! * [`applications`]: several applications sharing one cluster.
//! * [`sweep`]: parameter sweeps, the tuner and capacity planning over many runs.
//! * [`records`]: what a run produced.

pub mod applications;
pub mod cluster;
pub mod dag_scheduler;
pub mod event_queue;
pub mod executors;
pub mod knobs;
pub mod records;
pub mod setup;
pub mod simulation;
pub mod stragglers;
pub mod sweep;
pub mod time;
