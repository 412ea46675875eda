//! Writes a run's standard files into an output directory: `jobs.csv`, `tasks.csv`,
//! `summary.json` and `executors.csv` ([`RUN_FILES`]). It creates the directory if needed,
//! overwrites those files and never reads, removes or writes any other file there.
//! [`crate::read`](mod@crate::read) reads them back (`sparksim report`).
//!
//! `summary.json` is [`crate::summary`]'s, plus `applications` (one entry per application:
//! its jobs and per-pool statistics, dynamic allocation's target over time, executor usage —
//! executors, executor-seconds, idle executor-seconds, peak — and the time its jobs waited for
//! executors; see [`application_summaries`]) and `executor_usage` (the whole run's).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sim::records::{ExecutorUsage, JobStatus, SimOutput};

use crate::csv_out::{write_executors_csv, write_jobs_csv, write_tasks_csv};
use crate::per_pool::{PoolSummary, per_pool};
use crate::summary::{RunInfo, Summary, summarize};

/// One application's results (an entry of `summary.json`'s `applications`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppSummary {
    pub app_id: String,
    pub submit_ms: u64,
    /// When it stopped, if it did before the run ended.
    pub end_ms: Option<u64>,
    pub scheduler_mode: String,
    pub dynamic_allocation: bool,
    pub jobs: usize,
    pub succeeded: usize,
    /// First submission to last end of its jobs.
    pub makespan_ms: Option<u64>,
    pub per_pool: PoolSummary,
    /// Time its jobs had tasks waiting for executors (see
    /// `sim::records::ApplicationRecord::executor_wait_ms`).
    pub executor_wait_ms: u64,
    /// The same per job, in `jobs.csv` order (empty when not tracked).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub job_executor_wait_ms: Vec<u64>,
    pub executor_usage: ExecutorUsage,
    /// Dynamic allocation's target: `[from_ms, executors]` steps.
    pub executor_target: Vec<(u64, u32)>,
}

/// Every application's results, in submission order.
pub fn application_summaries(run: &SimOutput) -> Vec<AppSummary> {
    (0..run.applications.len() as u32)
        .map(|a| {
            let view = run.application_view(a);
            let rec = &run.applications[a as usize];
            let first = view.jobs.iter().filter_map(|j| j.submit_ms).min();
            let last = view.jobs.iter().filter_map(|j| j.end_ms).max();
            AppSummary {
                app_id: rec.app_id.clone(),
                submit_ms: rec.submit_ms,
                end_ms: rec.end_ms,
                scheduler_mode: rec.scheduler_mode.clone(),
                dynamic_allocation: rec.dynamic_allocation,
                jobs: view.jobs.len(),
                succeeded: view
                    .jobs
                    .iter()
                    .filter(|j| j.status == JobStatus::Succeeded)
                    .count(),
                makespan_ms: last.zip(first).and_then(|(l, f)| l.checked_sub(f)),
                per_pool: per_pool(&view.jobs),
                executor_wait_ms: rec.executor_wait_ms,
                job_executor_wait_ms: view.job_executor_wait_ms.clone(),
                executor_usage: run.executor_usage(Some(a)),
                executor_target: rec.executor_target.clone(),
            }
        })
        .collect()
}

/// `summary.json`: the summary plus the applications and the run's executor usage.
#[derive(Serialize)]
struct SummaryFile {
    #[serde(flatten)]
    summary: Summary,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    applications: Vec<AppSummary>,
    executor_usage: ExecutorUsage,
}

/// The files [`write_run_outputs`] writes, in the order it writes them.
/// `executors.csv` came last (it was added after the first three) and is optional for readers.
pub const RUN_FILES: [&str; 4] = ["jobs.csv", "tasks.csv", "summary.json", "executors.csv"];

/// Writes `jobs.csv`, `tasks.csv`, `summary.json` and `executors.csv` for `run` into `dir`
/// (created with its parents if missing) and returns their paths in that order. An error names
/// the file.
pub fn write_run_outputs(dir: &Path, run: &SimOutput, info: &RunInfo) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
    let [jobs, tasks, summary, executors] = RUN_FILES.map(|name| dir.join(name));
    write_file(&jobs, |f| write_jobs_csv(f, run))?;
    write_file(&tasks, |f| write_tasks_csv(f, run))?;
    write_file(&summary, |f| {
        let file = SummaryFile {
            summary: summarize(run, info),
            applications: application_summaries(run),
            executor_usage: run.executor_usage(None),
        };
        let mut out = BufWriter::new(f);
        serde_json::to_writer_pretty(&mut out, &file)?;
        out.write_all(b"\n")?;
        out.flush()
    })?;
    write_file(&executors, |f| write_executors_csv(f, run))?;
    Ok(vec![jobs, tasks, summary, executors])
}

fn write_file(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let mut file = File::create(path).map_err(|e| with_path(e, path))?;
    write(&mut file).map_err(|e| with_path(e, path))
}

/// `e` with `path` in its message, keeping its kind.
fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir()
                .join(format!("sparksim-reports-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn info() -> RunInfo {
        RunInfo {
            master: "local[4]".into(),
            scheduler_mode: "FAIR".into(),
            seed: Some(1),
            ..RunInfo::default()
        }
    }

    #[test]
    fn writes_the_run_files_and_leaves_others_alone() {
        let tmp = TempDir::new("three");
        let dir = tmp.0.join("nested/out");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let paths = write_run_outputs(&dir, &fixtures::run(), &info()).unwrap();
        assert_eq!(paths, RUN_FILES.map(|f| dir.join(f)));
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "executors.csv",
                "jobs.csv",
                "notes.txt",
                "summary.json",
                "tasks.csv"
            ]
        );
        assert!(
            fs::read_to_string(&paths[0])
                .unwrap()
                .starts_with("job_id,name,pool,")
        );
    }

    #[test]
    fn same_input_gives_byte_identical_files() {
        let tmp = TempDir::new("determinism");
        let (a, b) = (tmp.0.join("a"), tmp.0.join("b"));
        let pa = write_run_outputs(&a, &fixtures::run(), &info()).unwrap();
        let pb = write_run_outputs(&b, &fixtures::run(), &info()).unwrap();
        for (x, y) in pa.iter().zip(&pb) {
            assert_eq!(
                fs::read(x).unwrap(),
                fs::read(y).unwrap(),
                "{}",
                x.display()
            );
        }
        // Overwriting gives the same bytes again.
        let again = write_run_outputs(&a, &fixtures::run(), &info()).unwrap();
        assert_eq!(fs::read(&again[2]).unwrap(), fs::read(&pb[2]).unwrap());
    }

    #[test]
    fn an_unwritable_dir_is_an_error_naming_it() {
        let tmp = TempDir::new("blocked");
        fs::create_dir_all(&tmp.0).unwrap();
        let file = tmp.0.join("a-file");
        fs::write(&file, "").unwrap();
        let err = write_run_outputs(&file.join("out"), &fixtures::run(), &info()).unwrap_err();
        assert!(err.to_string().contains("a-file"), "{err}");
    }
}
