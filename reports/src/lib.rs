//! What comes out of a run: statistics, tables, CSV and JSON built from `sim`'s
//! [`SimOutput`](sim::records::SimOutput). It never runs a simulation and never changes one's
//! records; same records in ⇒ byte-identical text and files out.
//!
//! * [`stats`]: exact mean and nearest-rank quantiles over millisecond samples.
//! * [`per_pool`](mod@per_pool): per-pool job counts and turnaround / wait statistics.
//! * [`csv_out`]: `jobs.csv` and `tasks.csv` (column contract), streaming.
//! * [`summary`]: `summary.json` (configuration, per-pool stats, totals, engine counters).
//! * [`table`]: aligned text tables for the terminal, incl. the per-pool table.
//! * [`compare`](mod@compare): several labelled runs side by side (tables and JSON).
//! * [`outputs`]: [`write_run_outputs`], the three files of a run into a directory.

pub mod compare;
pub mod csv_out;
pub mod outputs;
pub mod per_pool;
pub mod stats;
pub mod summary;
pub mod table;

#[cfg(test)]
mod fixtures;

pub use compare::{Comparison, compare};
pub use csv_out::{write_jobs_csv, write_tasks_csv};
pub use outputs::{RUN_FILES, write_run_outputs};
pub use per_pool::{PoolStats, PoolSummary, per_pool};
pub use summary::{RunInfo, Summary, summarize, write_summary_json};
pub use table::pool_table;
