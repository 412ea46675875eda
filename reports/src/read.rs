//! Reads a run's saved files back: the inverse of [`crate::outputs`]. `jobs.csv`, `tasks.csv`
//! and `summary.json` are required; `executors.csv` is optional (older outputs lack it).
//!
//! What the files do not keep comes back empty: a job's failure reason (`None`) and the engine's
//! per-job stage list (rebuilt from the attempts). Without `executors.csv` the executors are
//! rebuilt from `tasks.csv` in first-use order, with unknown cores (0) and lifetimes (the whole
//! run); [`SavedRun::executor_lifetimes`] says which.
//!
//! Columns are found by header name, so columns added at the end of a file are ignored. Every
//! error names the file and, for a bad row, its line (1-based, the header is line 1).
//!
//! Applications: `summary.json`'s `applications` come back as
//! [`SimOutput::applications`](sim::records::SimOutput::applications); the `app_id` columns
//! (`executors.csv` always, `jobs.csv` and `tasks.csv` in runs of several applications) say
//! which application each row belongs to, and jobs and executors are matched within their
//! application. Files written before those columns existed read as one application
//! (`executors.csv` with `executor_id,host,cores,added_ms,removed_ms` is still accepted).
//!
//! A *compare directory* (what `sparksim compare --out DIR` writes: `DIR/comparison.json` and
//! one run directory per label) is read with [`read_runs`], which also accepts a single run
//! directory.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sim::records::{
    ApplicationRecord, AttemptStatus, ExecutorDetail, ExecutorRecord, JobRecord, JobStatus,
    RunStats, SimOutput, TaskRecord,
};

use crate::csv_out::{APP_ID_COLUMN, EXECUTORS_HEADER, JOBS_HEADER, TASKS_HEADER};
use crate::summary::{RunInfo, SUMMARY_FORMAT};

/// A file that could not be read, or a row or value in it that is wrong.
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    /// The 1-based line, when the problem is on one line.
    pub line: Option<u64>,
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for io::Error {
    fn from(e: ReadError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, e.to_string())
    }
}

fn err(path: &Path, line: Option<u64>, message: impl Into<String>) -> ReadError {
    ReadError {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// One run read back from its directory.
#[derive(Clone, Debug)]
pub struct SavedRun {
    /// The run's label: its directory's name in a compare directory, else its scheduler mode.
    pub label: String,
    pub dir: PathBuf,
    pub output: SimOutput,
    pub info: RunInfo,
    /// False when `executors.csv` was missing and the executors were rebuilt from `tasks.csv`.
    pub executor_lifetimes: bool,
}

/// Reads `DIR/jobs.csv`, `DIR/tasks.csv`, `DIR/summary.json` and, if present,
/// `DIR/executors.csv`.
pub fn read_run_dir(dir: &Path) -> Result<SavedRun, ReadError> {
    let summary_path = dir.join("summary.json");
    let summary = read_summary_json(&summary_path)?;
    let mut apps = Apps(summary.applications);
    let jobs_path = dir.join("jobs.csv");
    let (mut jobs, job_app_ids) = read_jobs_with_apps(&jobs_path)?;
    let job_apps: Vec<u32> = job_app_ids.iter().map(|id| apps.index(id)).collect();
    let exec_path = dir.join("executors.csv");
    let (mut executors, executor_details) = if exec_path.exists() {
        let (execs, details) = read_executors_with_details(&exec_path)?;
        let details: Vec<ExecutorDetail> = details
            .into_iter()
            .map(|(id, d)| ExecutorDetail {
                app: apps.index(&id),
                ..d
            })
            .collect();
        (Some(execs), details)
    } else {
        (None, Vec::new())
    };
    let executor_lifetimes = executors.is_some();
    let tasks_path = dir.join("tasks.csv");
    let tasks = read_tasks_csv(
        &tasks_path,
        &mut jobs,
        &job_apps,
        &mut executors,
        &executor_details,
        &mut apps,
    )?;
    let job_apps = if apps.0.len() > 1 {
        job_apps
    } else {
        Vec::new()
    };
    let info = summary.info;
    let label = if info.scheduler_mode.is_empty() {
        dir_name(dir)
    } else {
        info.scheduler_mode.clone()
    };
    let output = SimOutput {
        jobs,
        tasks,
        executors: executors.unwrap_or_default(),
        pools: summary.pools,
        warnings: summary.warnings,
        end_ms: summary.end_ms,
        slots: summary.slots,
        stats: summary.stats,
        applications: apps.0,
        job_apps,
        executor_details,
        job_executor_wait_ms: Vec::new(),
    };
    Ok(SavedRun {
        label,
        dir: dir.to_path_buf(),
        output,
        info,
        executor_lifetimes,
    })
}

/// The runs under `dir`: the runs of a compare directory (`comparison.json`'s labels, in its
/// order, each from `DIR/<label>/`), or the single run in `dir` itself.
pub fn read_runs(dir: &Path) -> Result<Vec<SavedRun>, ReadError> {
    if dir.join("jobs.csv").exists() {
        return Ok(vec![read_run_dir(dir)?]);
    }
    let comparison = dir.join("comparison.json");
    if !comparison.exists() {
        if !dir.is_dir() {
            return Err(err(dir, None, "no such directory"));
        }
        return Err(err(
            dir,
            None,
            "neither a run directory (no jobs.csv) nor a compare directory (no comparison.json)",
        ));
    }
    let value = read_json(&comparison)?;
    let labels = value
        .get("labels")
        .and_then(Value::as_array)
        .ok_or_else(|| err(&comparison, None, "no \"labels\" array"))?;
    let mut runs = Vec::with_capacity(labels.len());
    for label in labels {
        let label = label
            .as_str()
            .ok_or_else(|| err(&comparison, None, "a label is not a string"))?;
        if label.is_empty() || label.contains(['/', '\\']) || label == "." || label == ".." {
            return Err(err(
                &comparison,
                None,
                format!("label {label:?} is not a directory name"),
            ));
        }
        let mut run = read_run_dir(&dir.join(label))?;
        run.label = label.to_string();
        runs.push(run);
    }
    if runs.is_empty() {
        return Err(err(&comparison, None, "no runs (empty \"labels\")"));
    }
    Ok(runs)
}

fn dir_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".to_string())
}

/// The applications read so far; ids not in `summary.json` are added in order of appearance.
struct Apps(Vec<ApplicationRecord>);

impl Apps {
    /// The index of application `id` (0 for an empty id).
    fn index(&mut self, id: &str) -> u32 {
        if id.is_empty() {
            return 0;
        }
        if let Some(i) = self.0.iter().position(|a| a.app_id == id) {
            return i as u32;
        }
        self.0.push(ApplicationRecord {
            app_id: id.to_string(),
            ..ApplicationRecord::default()
        });
        (self.0.len() - 1) as u32
    }
}

/// What `summary.json` contributes to a [`SavedRun`].
struct SummaryParts {
    applications: Vec<ApplicationRecord>,
    info: RunInfo,
    pools: Vec<(String, String, i32, i32)>,
    warnings: Vec<String>,
    end_ms: u64,
    slots: u32,
    stats: RunStats,
}

fn read_json(path: &Path) -> Result<Value, ReadError> {
    let file = File::open(path).map_err(|e| err(path, None, e.to_string()))?;
    serde_json::from_reader(BufReader::new(file)).map_err(|e| {
        let line = (e.line() > 0).then_some(e.line() as u64);
        err(path, line, format!("invalid JSON: {e}"))
    })
}

fn read_summary_json(path: &Path) -> Result<SummaryParts, ReadError> {
    let v = read_json(path)?;
    let bad = |what: &str| err(path, None, format!("missing or invalid {what}"));
    match v.get("format").and_then(Value::as_str) {
        Some(SUMMARY_FORMAT) => {}
        Some(other) => {
            return Err(err(
                path,
                None,
                format!("format {other:?}, expected {SUMMARY_FORMAT:?}"),
            ));
        }
        None => return Err(bad("\"format\"")),
    }
    let config = v.get("config").ok_or_else(|| bad("\"config\""))?;
    let opt_str = |key: &str| config.get(key).and_then(Value::as_str).map(str::to_string);
    let str_or_empty = |key: &str| opt_str(key).unwrap_or_default();
    let conf_overrides = match config.get("conf_overrides") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let v = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                (k.clone(), v)
            })
            .collect(),
        _ => Default::default(),
    };
    let info = RunInfo {
        workload: opt_str("workload"),
        master: str_or_empty("master"),
        scheduler_mode: str_or_empty("scheduler_mode"),
        spark_version: opt_str("spark_version"),
        seed: config.get("seed").and_then(Value::as_u64),
        conf_overrides,
    };
    let slots = config
        .get("slots")
        .and_then(Value::as_u64)
        .and_then(|s| u32::try_from(s).ok())
        .ok_or_else(|| bad("config.slots"))?;
    let mut pools = Vec::new();
    for p in config
        .get("pools")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
    {
        let int = |key: &str| {
            p.get(key)
                .and_then(Value::as_i64)
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| bad(&format!("config.pools[].{key}")))
        };
        let name = p.get("name").and_then(Value::as_str);
        let mode = p.get("mode").and_then(Value::as_str);
        let (Some(name), Some(mode)) = (name, mode) else {
            return Err(bad("config.pools[].name/mode"));
        };
        pools.push((
            name.to_string(),
            mode.to_string(),
            int("weight")?,
            int("min_share")?,
        ));
    }
    let engine = v.get("engine").ok_or_else(|| bad("\"engine\""))?;
    let counter = |key: &str| {
        engine
            .get(key)
            .and_then(Value::as_u64)
            .ok_or_else(|| bad(&format!("engine.{key}")))
    };
    let stats = RunStats {
        events: counter("events")?,
        offer_rounds: counter("offer_rounds")?,
        launches: counter("launches")?,
    };
    let end_ms = counter("end_ms")?;
    let warnings = v
        .get("warnings")
        .and_then(Value::as_array)
        .map(|w| {
            w.iter()
                .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let applications = v
        .get("applications")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(application).collect())
        .unwrap_or_default();
    Ok(SummaryParts {
        applications,
        info,
        pools,
        warnings,
        end_ms,
        slots,
        stats,
    })
}

/// An entry of `summary.json`'s `applications`.
fn application(v: &Value) -> ApplicationRecord {
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    ApplicationRecord {
        app_id: text("app_id"),
        submit_ms: v.get("submit_ms").and_then(Value::as_u64).unwrap_or(0),
        end_ms: v.get("end_ms").and_then(Value::as_u64),
        scheduler_mode: text("scheduler_mode"),
        pools: Vec::new(),
        dynamic_allocation: v
            .get("dynamic_allocation")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        executor_target: v
            .get("executor_target")
            .and_then(Value::as_array)
            .map(|steps| {
                steps
                    .iter()
                    .filter_map(|s| {
                        let t = s.get(0)?.as_u64()?;
                        let n = u32::try_from(s.get(1)?.as_u64()?).ok()?;
                        Some((t, n))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        executor_wait_ms: v
            .get("executor_wait_ms")
            .and_then(Value::as_u64)
            .unwrap_or(0),
    }
}

/// A CSV file being read: the column positions by name and the current line.
struct CsvFile<'p> {
    path: &'p Path,
    reader: csv::Reader<BufReader<File>>,
    columns: Vec<Option<usize>>,
}

impl<'p> CsvFile<'p> {
    /// Opens `path` and finds the `wanted` columns in its header. A name starting with `?` is
    /// optional: its cells read as empty when the column is missing.
    fn open(path: &'p Path, wanted: &[&str]) -> Result<CsvFile<'p>, ReadError> {
        let file = File::open(path).map_err(|e| err(path, None, e.to_string()))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(BufReader::new(file));
        let header = reader
            .headers()
            .map_err(|e| err(path, Some(1), e.to_string()))?
            .clone();
        let mut columns = Vec::with_capacity(wanted.len());
        for name in wanted {
            let (name, optional) = match name.strip_prefix('?') {
                Some(n) => (n, true),
                None => (*name, false),
            };
            let at = header.iter().position(|h| h == name);
            if at.is_none() && !optional {
                return Err(err(
                    path,
                    Some(1),
                    format!("no column {name:?} in the header"),
                ));
            }
            columns.push(at);
        }
        Ok(CsvFile {
            path,
            reader,
            columns,
        })
    }

    /// Calls `row` with each record's wanted cells (in `wanted` order) and its line.
    fn rows(
        &mut self,
        mut row: impl FnMut(&[&str], u64) -> Result<(), String>,
    ) -> Result<(), ReadError> {
        let mut record = csv::StringRecord::new();
        loop {
            let more = self.reader.read_record(&mut record).map_err(|e| {
                let line = e.position().map(|p| p.line());
                err(self.path, line, e.to_string())
            })?;
            if !more {
                return Ok(());
            }
            let line = record.position().map_or(0, |p| p.line());
            let cells: Vec<&str> = self
                .columns
                .iter()
                .map(|&at| at.and_then(|at| record.get(at)).unwrap_or(""))
                .collect();
            row(&cells, line).map_err(|m| err(self.path, Some(line), m))?;
        }
    }
}

fn num<T: std::str::FromStr>(cell: &str, column: &str) -> Result<T, String> {
    cell.parse()
        .map_err(|_| format!("{column}: {cell:?} is not a valid number"))
}

fn opt_num<T: std::str::FromStr>(cell: &str, column: &str) -> Result<Option<T>, String> {
    if cell.is_empty() {
        Ok(None)
    } else {
        num(cell, column).map(Some)
    }
}

/// Reads `jobs.csv` (`turnaround_ms` and `wait_ms` are derived, so they are not read).
pub fn read_jobs_csv(path: &Path) -> Result<Vec<JobRecord>, ReadError> {
    read_jobs_with_apps(path).map(|(jobs, _)| jobs)
}

/// [`read_jobs_csv`] and each job's `app_id` (empty without the column).
fn read_jobs_with_apps(path: &Path) -> Result<(Vec<JobRecord>, Vec<String>), ReadError> {
    let app_column = format!("?{APP_ID_COLUMN}");
    let wanted = [
        JOBS_HEADER[0],
        JOBS_HEADER[1],
        JOBS_HEADER[2],
        JOBS_HEADER[3],
        JOBS_HEADER[4],
        JOBS_HEADER[5],
        JOBS_HEADER[8],
        JOBS_HEADER[9],
        &app_column,
    ];
    let mut file = CsvFile::open(path, &wanted)?;
    let mut jobs = Vec::new();
    let mut apps = Vec::new();
    file.rows(|c, _| {
        apps.push(c[8].to_string());
        let status = match c[7] {
            "succeeded" => JobStatus::Succeeded,
            "failed" => JobStatus::Failed,
            "not_run" => JobStatus::NotRun,
            other => return Err(format!("status: unknown job status {other:?}")),
        };
        jobs.push(JobRecord {
            job_id: opt_num(c[0], "job_id")?,
            name: c[1].to_string(),
            pool: c[2].to_string(),
            submit_ms: opt_num(c[3], "submit_ms")?,
            first_launch_ms: opt_num(c[4], "first_launch_ms")?,
            end_ms: opt_num(c[5], "end_ms")?,
            tasks: num(c[6], "tasks")?,
            status,
            failure: None,
            stage_ids: Vec::new(),
        });
        Ok(())
    })?;
    Ok((jobs, apps))
}

/// Reads `executors.csv`.
pub fn read_executors_csv(path: &Path) -> Result<Vec<ExecutorRecord>, ReadError> {
    read_executors_with_details(path).map(|(e, _)| e)
}

/// Executors and, per executor, its `app_id` and details.
type ExecutorsRead = (Vec<ExecutorRecord>, Vec<(String, ExecutorDetail)>);

/// [`read_executors_csv`] with each executor's `app_id` and details (request time, reason;
/// `app` left 0). The columns `app_id`, `requested_ms` and `reason` may be missing (older
/// files).
fn read_executors_with_details(path: &Path) -> Result<ExecutorsRead, ReadError> {
    let optional: Vec<String> = EXECUTORS_HEADER
        .iter()
        .map(|h| match *h {
            "app_id" | "requested_ms" | "reason" => format!("?{h}"),
            _ => h.to_string(),
        })
        .collect();
    let wanted: Vec<&str> = optional.iter().map(String::as_str).collect();
    let mut file = CsvFile::open(path, &wanted)?;
    let mut executors = Vec::new();
    let mut details = Vec::new();
    file.rows(|c, _| {
        executors.push(ExecutorRecord {
            executor_id: c[1].to_string(),
            host: c[2].to_string(),
            cores: num(c[3], "cores")?,
            added_ms: num(c[5], "added_ms")?,
            removed_ms: opt_num(c[6], "removed_ms")?,
        });
        details.push((
            c[0].to_string(),
            ExecutorDetail {
                app: 0,
                requested_ms: opt_num(c[4], "requested_ms")?,
                reason: (!c[7].is_empty()).then(|| c[7].to_string()),
            },
        ));
        Ok(())
    })?;
    Ok((executors, details))
}

/// Reads `tasks.csv`, resolving each row's job (by `job_id`, which must be in `jobs`) and
/// executor (by `executor_id`: in `executors` if given, which it must be; else the executors
/// are built here in first-use order with unknown cores). Fills each job's `stage_ids`.
fn read_tasks_csv(
    path: &Path,
    jobs: &mut [JobRecord],
    job_apps: &[u32],
    executors: &mut Option<Vec<ExecutorRecord>>,
    executor_details: &[ExecutorDetail],
    apps: &mut Apps,
) -> Result<Vec<TaskRecord>, ReadError> {
    let job_index: HashMap<(u32, u64), u32> = jobs
        .iter()
        .enumerate()
        .filter_map(|(i, j)| Some(((job_apps.get(i).copied().unwrap_or(0), j.job_id?), i as u32)))
        .collect();
    let known = executors.is_some();
    let mut execs: Vec<ExecutorRecord> = executors.take().unwrap_or_default();
    let mut exec_index: HashMap<(u32, String), u32> = execs
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let app = executor_details.get(i).map_or(0, |d| d.app);
            ((app, e.executor_id.clone()), i as u32)
        })
        .collect();
    let mut stages: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); jobs.len()];
    let mut wanted: Vec<String> = TASKS_HEADER.iter().map(|h| h.to_string()).collect();
    wanted.push(format!("?{APP_ID_COLUMN}"));
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let mut file = CsvFile::open(path, &wanted)?;
    let mut tasks = Vec::new();
    file.rows(|c, _| {
        let app = apps.index(c[11]);
        let job_id: u64 = num(c[0], "job_id")?;
        let job = *job_index
            .get(&(app, job_id))
            .ok_or_else(|| format!("job_id {job_id} is not in jobs.csv"))?;
        let executor = match exec_index.get(&(app, c[5].to_string())) {
            Some(&i) => i,
            None if known => {
                return Err(format!("executor_id {:?} is not in executors.csv", c[5]));
            }
            None => {
                let i = execs.len() as u32;
                exec_index.insert((app, c[5].to_string()), i);
                execs.push(ExecutorRecord {
                    executor_id: c[5].to_string(),
                    host: c[6].to_string(),
                    cores: 0,
                    added_ms: 0,
                    removed_ms: None,
                });
                i
            }
        };
        let status = match c[9] {
            "SUCCESS" => AttemptStatus::Success,
            "FAILED" => AttemptStatus::Failed,
            "KILLED" => AttemptStatus::Killed,
            "RUNNING" => AttemptStatus::Running,
            other => return Err(format!("status: unknown attempt status {other:?}")),
        };
        let speculative = match c[10] {
            "true" => true,
            "false" => false,
            other => return Err(format!("speculative: {other:?} is not true or false")),
        };
        let stage_id = num(c[1], "stage_id")?;
        stages[job as usize].insert(stage_id);
        let launch_ms = num(c[7], "launch_ms")?;
        let finish_ms = num(c[8], "finish_ms")?;
        if finish_ms < launch_ms {
            return Err(format!(
                "finish_ms {finish_ms} is before launch_ms {launch_ms}"
            ));
        }
        tasks.push(TaskRecord {
            job,
            stage_id,
            stage_attempt: num(c[2], "stage_attempt")?,
            task_index: num(c[3], "task_index")?,
            attempt: num(c[4], "attempt")?,
            executor,
            launch_ms,
            finish_ms,
            status,
            speculative,
        });
        Ok(())
    })?;
    for (job, ids) in jobs.iter_mut().zip(stages) {
        job.stage_ids = ids.into_iter().collect();
    }
    *executors = Some(execs);
    Ok(tasks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use crate::outputs::write_run_outputs;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("sparksim-read-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn info() -> RunInfo {
        RunInfo {
            workload: Some("w.json".into()),
            master: "local[4]".into(),
            scheduler_mode: "FAIR".into(),
            spark_version: Some("3.5".into()),
            seed: Some(3),
            conf_overrides: [("spark.speculation".to_string(), "true".to_string())]
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn round_trips_what_write_run_outputs_wrote() {
        let tmp = TempDir::new("roundtrip");
        let mut run = fixtures::run();
        run.executors[1].removed_ms = Some(6000);
        write_run_outputs(&tmp.0, &run, &info()).unwrap();
        let back = read_run_dir(&tmp.0).unwrap();
        assert_eq!(back.label, "FAIR");
        assert_eq!(back.info, info());
        assert!(back.executor_lifetimes);
        let o = &back.output;
        assert_eq!(o.jobs.len(), run.jobs.len());
        for (a, b) in o.jobs.iter().zip(&run.jobs) {
            assert_eq!(
                (a.job_id, &a.name, &a.pool, a.submit_ms, a.first_launch_ms),
                (b.job_id, &b.name, &b.pool, b.submit_ms, b.first_launch_ms)
            );
            assert_eq!(
                (a.end_ms, a.tasks, &a.status),
                (b.end_ms, b.tasks, &b.status)
            );
        }
        assert_eq!(o.jobs[0].stage_ids, [0]);
        assert_eq!(o.tasks.len(), run.tasks.len());
        for (a, b) in o.tasks.iter().zip(&run.tasks) {
            assert_eq!(
                (a.job, a.stage_id, a.task_index, a.attempt, a.executor),
                (b.job, b.stage_id, b.task_index, b.attempt, b.executor)
            );
            assert_eq!(
                (a.launch_ms, a.finish_ms, a.status, a.speculative),
                (b.launch_ms, b.finish_ms, b.status, b.speculative)
            );
        }
        assert_eq!(o.executors[1].removed_ms, Some(6000));
        assert_eq!(o.executors[0].cores, 2);
        assert_eq!((o.slots, o.end_ms, o.stats.launches), (4, 6614, 7));
        assert_eq!(o.pools, run.pools);
        assert_eq!(o.warnings, run.warnings);
        // Writing what was read gives the same bytes.
        let again = TempDir::new("roundtrip-again");
        write_run_outputs(&again.0, o, &back.info).unwrap();
        for f in crate::RUN_FILES {
            assert_eq!(
                std::fs::read(tmp.0.join(f)).unwrap(),
                std::fs::read(again.0.join(f)).unwrap(),
                "{f}"
            );
        }
    }

    #[test]
    fn several_applications_round_trip() {
        let tmp = TempDir::new("apps");
        let mut run = fixtures::run();
        run.applications = vec![
            ApplicationRecord {
                app_id: "etl".into(),
                end_ms: Some(6000),
                dynamic_allocation: true,
                executor_target: vec![(0, 2), (500, 1)],
                executor_wait_ms: 300,
                ..ApplicationRecord::default()
            },
            ApplicationRecord {
                app_id: "adhoc".into(),
                submit_ms: 1000,
                ..ApplicationRecord::default()
            },
        ];
        // Both applications have a job 0 and an executor "1".
        run.jobs[1].job_id = Some(0);
        run.job_apps = vec![0, 1, 0, 0];
        run.executors[1].executor_id = "1".into();
        run.executor_details = vec![
            ExecutorDetail::default(),
            ExecutorDetail {
                app: 1,
                requested_ms: Some(1000),
                reason: Some("application finished".into()),
            },
        ];
        for t in &mut run.tasks {
            t.executor = if t.job == 1 { 1 } else { 0 };
        }
        write_run_outputs(&tmp.0, &run, &info()).unwrap();
        let back = read_run_dir(&tmp.0).unwrap();
        let o = &back.output;
        assert_eq!(o.job_apps, run.job_apps);
        assert_eq!(o.executor_details, run.executor_details);
        let apps: Vec<(&str, u64, Option<u64>, u64)> = o
            .applications
            .iter()
            .map(|a| (a.app_id.as_str(), a.submit_ms, a.end_ms, a.executor_wait_ms))
            .collect();
        assert_eq!(
            apps,
            [("etl", 0, Some(6000), 300), ("adhoc", 1000, None, 0)]
        );
        assert_eq!(o.applications[0].executor_target, [(0, 2), (500, 1)]);
        for (a, b) in o.tasks.iter().zip(&run.tasks) {
            assert_eq!((a.job, a.executor), (b.job, b.executor));
        }
        let again = TempDir::new("apps-again");
        write_run_outputs(&again.0, o, &back.info).unwrap();
        for f in crate::RUN_FILES {
            assert_eq!(
                std::fs::read(tmp.0.join(f)).unwrap(),
                std::fs::read(again.0.join(f)).unwrap(),
                "{f}"
            );
        }
    }

    #[test]
    fn older_executors_csv_columns_still_read() {
        let tmp = TempDir::new("oldexec");
        write_run_outputs(&tmp.0, &fixtures::run(), &info()).unwrap();
        std::fs::write(
            tmp.0.join("executors.csv"),
            "executor_id,host,cores,added_ms,removed_ms\n1,host-a,2,0,\n2,host-b,2,500,6000\n",
        )
        .unwrap();
        let back = read_run_dir(&tmp.0).unwrap();
        assert!(back.executor_lifetimes);
        assert_eq!(back.output.executors[1].removed_ms, Some(6000));
        assert_eq!(back.output.executor_details[1], ExecutorDetail::default());
    }

    #[test]
    fn without_executors_csv_executors_come_from_tasks() {
        let tmp = TempDir::new("noexec");
        write_run_outputs(&tmp.0, &fixtures::run(), &info()).unwrap();
        std::fs::remove_file(tmp.0.join("executors.csv")).unwrap();
        let back = read_run_dir(&tmp.0).unwrap();
        assert!(!back.executor_lifetimes);
        let ids: Vec<&str> = back
            .output
            .executors
            .iter()
            .map(|e| e.executor_id.as_str())
            .collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(back.output.executors[1].host, "host-b");
    }

    #[test]
    fn a_bad_row_names_the_file_and_line() {
        let tmp = TempDir::new("badrow");
        write_run_outputs(&tmp.0, &fixtures::run(), &info()).unwrap();
        let path = tmp.0.join("tasks.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let broken = text.replacen("1200,1500,FAILED", "12x0,1500,FAILED", 1);
        std::fs::write(&path, broken).unwrap();
        let e = read_run_dir(&tmp.0).unwrap_err().to_string();
        assert!(e.contains("tasks.csv:4:"), "{e}");
        assert!(e.contains("launch_ms") && e.contains("12x0"), "{e}");
    }

    #[test]
    fn a_missing_column_or_file_is_named() {
        let tmp = TempDir::new("badcol");
        write_run_outputs(&tmp.0, &fixtures::run(), &info()).unwrap();
        let path = tmp.0.join("jobs.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("submit_ms", "submitted", 1)).unwrap();
        let e = read_run_dir(&tmp.0).unwrap_err().to_string();
        assert!(e.contains("jobs.csv:1:") && e.contains("submit_ms"), "{e}");
        std::fs::remove_file(tmp.0.join("summary.json")).unwrap();
        let e = read_run_dir(&tmp.0).unwrap_err().to_string();
        assert!(e.contains("summary.json"), "{e}");
    }

    #[test]
    fn bad_json_names_the_line() {
        let tmp = TempDir::new("badjson");
        write_run_outputs(&tmp.0, &fixtures::run(), &info()).unwrap();
        std::fs::write(tmp.0.join("summary.json"), "{\n  \"format\": \n}\n").unwrap();
        let e = read_run_dir(&tmp.0).unwrap_err().to_string();
        assert!(e.contains("summary.json:3:"), "{e}");
    }

    #[test]
    fn reads_a_compare_directory_in_label_order() {
        let tmp = TempDir::new("compare");
        let fifo = RunInfo {
            scheduler_mode: "FIFO".into(),
            ..info()
        };
        write_run_outputs(&tmp.0.join("FIFO"), &fixtures::run(), &fifo).unwrap();
        write_run_outputs(&tmp.0.join("FAIR"), &fixtures::run(), &info()).unwrap();
        std::fs::write(
            tmp.0.join("comparison.json"),
            "{\"labels\": [\"FIFO\", \"FAIR\"]}",
        )
        .unwrap();
        let runs = read_runs(&tmp.0).unwrap();
        let labels: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["FIFO", "FAIR"]);
        let e = read_runs(&tmp.0.join("nope")).unwrap_err().to_string();
        assert!(e.contains("nope"), "{e}");
    }
}
