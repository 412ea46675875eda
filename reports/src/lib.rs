//! What comes out of a run: statistics, tables, CSV and JSON built from `sim`'s
//! [`SimOutput`](sim::records::SimOutput). It never runs a simulation and never changes one's
//! records; same records in ⇒ byte-identical text and files out.
//!
//! * [`stats`]: exact mean and nearest-rank quantiles over millisecond samples.
//! * [`per_pool`](mod@per_pool): per-pool job counts and turnaround / wait statistics.
//! * [`csv_out`]: `jobs.csv`, `tasks.csv` and `executors.csv` (column contract), streaming.
//! * [`summary`]: `summary.json` (configuration, per-pool stats, totals, engine counters).
//! * [`table`]: aligned text tables for the terminal, incl. the per-pool table.
//! * [`compare`](mod@compare): several labelled runs side by side (tables and JSON).
//! * [`outputs`]: [`write_run_outputs`], the files of a run into a directory.
//! * [`read`](mod@read): those files read back ([`read_runs`]), for `sparksim report`.
//! * [`charts`]: turnaround CDF, Gantt, running tasks, executors and per-pool bars (SVG, PNG).
//! * [`html`]: [`write_report`], a self-contained HTML report with the tables and charts.
//! * [`sweep_report`]: the pages of sweeps, tuning and capacity planning (heatmap, Pareto
//!   front, capacity curve).

pub mod charts;
pub mod compare;
pub mod csv_out;
pub mod html;
pub mod outputs;
pub mod per_pool;
pub mod read;
pub mod speculation;
pub mod stats;
pub mod summary;
pub mod sweep_report;
pub mod table;

#[cfg(test)]
mod fixtures;

pub use compare::{Comparison, compare};
pub use csv_out::{write_executors_csv, write_jobs_csv, write_tasks_csv};
pub use html::{ReportFiles, ReportOptions, ReportRun, write_report, write_report_runs};
pub use outputs::{RUN_FILES, write_run_outputs};
pub use per_pool::{PoolStats, PoolSummary, per_pool};
pub use read::{ReadError, SavedRun, read_run_dir, read_runs};
pub use speculation::{SpeculationStats, speculation_by_pool, speculation_table};
pub use summary::{RunInfo, Summary, summarize, write_summary_json};
pub use table::pool_table;
