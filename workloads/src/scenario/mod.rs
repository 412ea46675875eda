//! Scenario files: a [`Workload`] as JSON, read and written.
//!
//! The format is `shared/fidelity/README.md`'s `scenario.json` (format_version 1): every file of
//! the fidelity runs (`scenario.json` and `scenario_observed.json`) loads as is. The reader also
//! accepts a lighter hand-written form. It never panics on bad input: syntax errors name the file,
//! line and column; wrong values name the file, the job (index and name), the stage and the key.
//!
//! # Format (what is read)
//!
//! ```json
//! {
//!  "format_version": 1,                      // optional; if present must be 1
//!  "scenario": "d1_fair_vs_fifo",            // workload name ("name" also accepted; default: file stem)
//!  "description": "...", "spark_version": "3.5.9",          // optional
//!  "scheduler_mode": "FAIR",                 // optional, "FAIR" | "FIFO" (any case)
//!  "cluster": {                              // optional
//!    "type": "local" | "standalone" | other, // default: from master (local… / spark://…), else local
//!    "master": "local[4]",
//!    "executors": [{"id": "driver", "host": "localhost", "cores": 4}],
//!    "workers": [{"host": "127.0.0.2", "cores": 2, "memory": "1g"}],
//!    "executor_cores": 2, "executor_memory": "512m", "task_cpus": 1, "cores_max": 4,
//!    "dynamic_allocation": false, "static_executors": 2, "slots": 4      // all optional
//!  },
//!  "pools": [{"name": "batch", "schedulingMode": "FAIR", "weight": 1, "minShare": 0}],
//!                                            // schedulingMode/weight/minShare default FIFO/1/0
//!  "speculation": null | {"spark.speculation": "true", ...},
//!  "dynamic_allocation": null | {"spark.dynamicAllocation.enabled": "true", ...},
//!  "conf": {"spark.task.maxFailures": "4"},  // extension: any other Spark conf
//!                                            // conf values: strings, numbers or booleans
//!  "seed": null | 4004, "tail_ms": 500,      // optional
//!  "warmup": {"jobs": [...], "wait_executors": 0, "settle_ms": 500},   // optional
//!  "jobs": [                                 // required
//!   {"name": "interactive-2",                // default "job-<index>"
//!    "pool": "interactive",                  // optional; null/absent = Spark's default pool
//!    "submit_offset_ms": 2000,               // optional, default 0
//!    "after": {"job": "interactive-1", "gap_ms": 0},   // optional; gap_ms default 0
//!    "stages": [
//!     {"num_tasks": 4, "task_durations_ms": [300, 300, 300, 300], "parents": []},
//!     {"num_tasks": 8, "duration_ms": 500, "parents": [0], "cached": true}  // lighter form
//!    ]}
//!  ]
//! }
//! ```
//!
//! **Several applications on one cluster** (instead of top-level `jobs`): an `applications`
//! list, in submission order. The top-level `cluster`, `conf`, `speculation`,
//! `dynamic_allocation`, `scheduler_mode`, `pools` and `tail_ms` are the shared cluster and
//! every application's defaults; each application overrides them:
//!
//! ```json
//! "applications": [
//!  {"name": "etl",                           // required in practice (default "app-<index>"); its app_id
//!   "submit_offset_ms": 0,                   // when it registers with the master (default 0)
//!   "scheduler_mode": "FAIR", "pools": [...],           // optional
//!   "conf": {"spark.cores.max": "8"}, "dynamic_allocation": {...}, "speculation": {...},
//!   "tail_ms": 0, "warmup": {...},           // optional
//!   "jobs": [...]}                           // required; times relative to its submission
//! ]
//! ```
//!
//! Stage keys: `task_durations_ms` (one per task; `num_tasks`, if also given, must match) **or**
//! `num_tasks` + `duration_ms` (every task the same); optionally `retry_task_durations_ms` **or**
//! `retry_duration_ms` (every attempt after the first), `parents` (indices of earlier stages,
//! default `[]`), `task_failures` (the first N attempts of task i fail),
//! `task_preferred_hosts` (a list of host names per task) and `cached` (the stage caches its
//! output on the executors that ran it; default false). A shorthand stage may have at most
//! [`MAX_SHORTHAND_TASKS`] tasks.
//!
//! Semantics:
//! * `after.job` is a job **name**. It resolves to the nearest earlier job of that name; naming
//!   the job itself, a later job or no job is an error. The job is then submitted at
//!   `max(submit_offset_ms, end of that job + gap_ms)`.
//! * `warmup` jobs run before t0 and are kept in [`Workload::warmup`], **not** in
//!   [`Workload::jobs`]: the fidelity runs measure every time from t0, after the warm-up.
//! * `speculation`, `dynamic_allocation` and `conf` all go into [`Workload::conf`] (a key set twice
//!   is an error), grouped as [`crate::model::group_conf`] describes.
//! * Known top-level keys the simulator does not need (`set`, `mode`, `rep`, `exercises`,
//!   `pools_active`, `implicit_pools`, `generator`, `time_origin`) are ignored silently: Spark
//!   creates the implicit pools itself, and `pools_active` follows from `scheduler_mode`.
//!   **Unknown keys** at any level are ignored too, but reported as [`ScenarioWarning`]s (a typo
//!   such as `submit_ofset_ms` shows up there). A `null` value counts as absent everywhere.
//! * Numbers: times, durations and counts are non-negative integers (a whole number written as
//!   `500.0` is accepted); times are at most [`crate::model::MAX_TIME_MS`]. Memory sizes are Spark
//!   size strings (`"512m"`, `"1g"`) or a number of MiB.
//!
//! # Writing
//!
//! [`write_scenario`] writes format_version 1 with a fixed key order and layout (one-space
//! indentation, number arrays on one line), so the same workload always gives the same bytes and
//! [`load_scenario`] reads it back equal. Conf keys are written into `speculation`,
//! `dynamic_allocation` or `conf` by prefix.
//!

mod node;
mod read;
mod write;

use std::io;
use std::path::{Path, PathBuf};

use crate::model::{Workload, WorkloadError};

pub use read::MAX_SHORTHAND_TASKS;
pub use write::{scenario_to_string, write_scenario};

/// A loaded scenario: the workload and what was ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedScenario {
    /// The workload (already validated).
    pub workload: Workload,
    /// Unknown keys that were ignored, in reading order.
    pub warnings: Vec<ScenarioWarning>,
}

/// Something in a scenario file that was ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioWarning {
    /// The file.
    pub path: PathBuf,
    /// Where in the file, e.g. `jobs[1] ("etl-1").submit_ofset_ms`.
    pub at: String,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for ScenarioWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.path.display(), self.at, self.message)
    }
}

/// Why a scenario could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{}: cannot read the scenario file: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The file is not valid JSON (or is truncated).
    #[error("{}:{line}:{column}: invalid JSON: {message}", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value has the wrong type or is out of range.
    #[error("{}: {at}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        at: String,
        message: String,
    },
    /// The values are well-typed but the workload is inconsistent.
    #[error("{}: {source}", path.display())]
    Workload {
        path: PathBuf,
        #[source]
        source: WorkloadError,
    },
    /// The workload to write is inconsistent.
    #[error("cannot write an invalid workload: {0}")]
    InvalidWorkload(#[source] WorkloadError),
    /// The workload cannot be expressed as a scenario file.
    #[error("cannot write the workload as a scenario file: {0}")]
    Unwritable(String),
    /// Writing failed.
    #[error("cannot write the scenario: {0}")]
    Write(#[source] io::Error),
}

/// Reads a scenario file (see the module docs for the format) and validates the workload.
pub fn load_scenario(path: impl AsRef<Path>) -> Result<LoadedScenario, ScenarioError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_scenario(&text, path)
}

/// Parses scenario JSON text; `path` is only used in messages and as the default name.
pub fn parse_scenario(text: &str, path: &Path) -> Result<LoadedScenario, ScenarioError> {
    let root: node::Node = serde_json::from_str(text).map_err(|e| json_error(path, &e))?;
    let (workload, warnings) = read::read_workload(&root, path)?;
    workload
        .validate()
        .map_err(|source| ScenarioError::Workload {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(LoadedScenario { workload, warnings })
}

/// A serde_json error as file, line, column and message (without serde_json's own position text).
fn json_error(path: &Path, e: &serde_json::Error) -> ScenarioError {
    let (line, column) = (e.line(), e.column());
    let full = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let mut message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    if e.is_eof() {
        message.push_str(" (is the file truncated?)");
    }
    ScenarioError::Json {
        path: path.to_path_buf(),
        line,
        column,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/two-apps.json")
    }

    #[test]
    fn the_two_apps_example_loads_and_round_trips() {
        let loaded = load_scenario(example()).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let w = loaded.workload;
        assert!(w.jobs.is_empty());
        let names: Vec<&str> = w.applications.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["etl", "adhoc"]);
        assert_eq!(w.applications[1].submit_ms, 12_000);
        assert_eq!(w.applications[1].jobs[1].submit_ms, 10_000);
        let text = scenario_to_string(&w).unwrap();
        let back = parse_scenario(&text, Path::new("again.json")).unwrap();
        assert_eq!(back.workload, w);
        assert_eq!(scenario_to_string(&back.workload).unwrap(), text);
    }

    #[test]
    fn applications_and_cached_stages_are_read() {
        let text = r#"{"scenario": "s", "conf": {"spark.executor.cores": 2},
            "applications": [
              {"name": "a", "conf": {"spark.cores.max": "4"}, "dynamic_allocation": {"spark.dynamicAllocation.enabled": true},
               "pools": [{"name": "p"}], "scheduler_mode": "fair", "tail_ms": 5, "color": 1,
               "jobs": [{"name": "j", "stages": [{"num_tasks": 2, "duration_ms": 10, "cached": true}]}]},
              {"name": "b", "submit_offset_ms": 7, "jobs": []}
            ]}"#;
        let loaded = parse_scenario(text, Path::new("x.json")).unwrap();
        let w = &loaded.workload;
        let a = &w.applications[0];
        assert_eq!(a.scheduler_mode.as_deref(), Some("FAIR"));
        assert_eq!(a.pools[0].name, "p");
        assert_eq!(
            a.conf[0],
            ("spark.dynamicAllocation.enabled".into(), "true".into())
        );
        assert!(a.jobs[0].stages[0].cached);
        assert_eq!(w.applications[1].submit_ms, 7);
        assert_eq!(loaded.warnings.len(), 1);
        assert_eq!(loaded.warnings[0].at, "applications[0] (\"a\").color");
        let both = r#"{"jobs": [], "applications": [{"name": "a", "jobs": []}]}"#;
        let e = parse_scenario(both, Path::new("x.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not both"), "{e}");
        let bad = r#"{"applications": [{"name": "a", "jobs": [{"stages": [{"num_tasks": 1, "duration_ms": 1, "cached": 1}]}]}]}"#;
        let e = parse_scenario(bad, Path::new("x.json"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("applications[0] (\"a\").jobs[0]") && e.contains("cached"),
            "{e}"
        );
    }
}
