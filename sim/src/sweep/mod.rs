//! Parameter sweeps, tuning and capacity planning: many simulations of one workload under
//! varied configurations, several seeds each, in parallel and deterministically.
//!
//! * [`space`]: `--param KEY=VALUES` (ranges, lists), the grid, random samples, shards.
//! * [`eval`]: a point's configuration and pools; runs per (point, seed) on a rayon pool,
//!   collected in order (same results whatever the thread count).
//! * [`metrics`]: what each run is measured by (per-pool turnaround and wait, makespan,
//!   executor time, utilisation).
//! * [`stats`]: mean and Student-t 95% confidence interval over the seeds.
//! * [`expr`]: objectives, constraints and targets (`pool.batch.mean_turnaround <= 1.1 * baseline`).
//! * [`search`]: the tuner (coordinate descent with line searches and restarts).
//! * [`capacity`]: the cluster-size key of a master and default sizes.
//! * [`output`]: CSV rows, `fairscheduler.xml` and `spark-defaults.conf` text.

pub mod capacity;
pub mod eval;
pub mod expr;
pub mod metrics;
pub mod output;
pub mod search;
pub mod space;
pub mod stats;

pub use eval::{Evaluator, PointRuns, Summary, SweepError, SweepInput, Workloads};
pub use expr::{Cmp, Constraint, Expr, ExprError};
pub use metrics::{MetricSet, Unit};
pub use search::{Goal, Method, Problem, Score, TuneOptions, TuneResult, tune};
pub use space::{Param, ParamError, Point, PoolField, Shard, Space, Target};
