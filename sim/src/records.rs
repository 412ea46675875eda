//! What a simulation run produced: one record per job and per task attempt, plus the
//! executors and the applications. `reports` turns these into tables, CSV, JSON and charts.
//!
//! A run of several applications on one cluster keeps every application's jobs, attempts and
//! executors in the same lists (application after application); [`SimOutput::job_apps`] and
//! [`SimOutput::executor_details`] say which application each belongs to, and
//! [`SimOutput::application_view`] cuts one application's records out as a run of its own.
//! The per-application lists are parallel to the main ones and may be empty (outputs built by
//! hand, or read back from older files): everything then belongs to application 0.

use serde::Serialize;

/// How a job ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Succeeded,
    Failed,
    /// Never submitted (a chained predecessor failed) or never finished.
    NotRun,
}

impl JobStatus {
    /// The CSV spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::NotRun => "not_run",
        }
    }
}

/// One job.
#[derive(Clone, Debug, Serialize)]
pub struct JobRecord {
    /// Spark's job id (submission order), or None if never submitted.
    pub job_id: Option<u64>,
    pub name: String,
    /// The pool the job asked for (`spark.scheduler.pool`), `default` when unset.
    pub pool: String,
    pub submit_ms: Option<u64>,
    pub first_launch_ms: Option<u64>,
    pub end_ms: Option<u64>,
    /// Number of tasks over all stages.
    pub tasks: usize,
    pub status: JobStatus,
    /// Why it failed.
    pub failure: Option<String>,
    pub stage_ids: Vec<u32>,
}

impl JobRecord {
    /// `end − submit`.
    pub fn turnaround_ms(&self) -> Option<u64> {
        Some(self.end_ms? - self.submit_ms?)
    }

    /// `first launch − submit`.
    pub fn wait_ms(&self) -> Option<u64> {
        Some(self.first_launch_ms? - self.submit_ms?)
    }
}

/// How a task attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AttemptStatus {
    Success,
    Failed,
    Killed,
    /// Still running when the simulation ended.
    Running,
}

impl AttemptStatus {
    /// The CSV spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Success => "SUCCESS",
            AttemptStatus::Failed => "FAILED",
            AttemptStatus::Killed => "KILLED",
            AttemptStatus::Running => "RUNNING",
        }
    }
}

/// One task attempt.
#[derive(Clone, Debug, Serialize)]
pub struct TaskRecord {
    /// Index into [`SimOutput::jobs`].
    pub job: u32,
    pub stage_id: u32,
    pub stage_attempt: u32,
    pub task_index: u32,
    pub attempt: u32,
    /// Index into [`SimOutput::executors`].
    pub executor: u32,
    pub launch_ms: u64,
    pub finish_ms: u64,
    pub status: AttemptStatus,
    pub speculative: bool,
}

/// One executor.
#[derive(Clone, Debug, Serialize)]
pub struct ExecutorRecord {
    pub executor_id: String,
    pub host: String,
    pub cores: u32,
    pub added_ms: u64,
    pub removed_ms: Option<u64>,
}

/// More about one executor, parallel to [`SimOutput::executors`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExecutorDetail {
    /// Index into [`SimOutput::applications`].
    pub app: u32,
    /// When the driver asked for it: Spark's `Executor Info.Request Time` (the head of the
    /// backend's queue of request batches, so with dynamic allocation possibly an earlier
    /// request than the one that launched it), or the application's submission for a static
    /// executor granted later. `None` for executors present from the start.
    pub requested_ms: Option<u64>,
    /// Why it was removed (`removed_ms` set): see [`RemovalReason`].
    pub reason: Option<String>,
}

/// The reasons written in `executors.csv`.
pub struct RemovalReason;

impl RemovalReason {
    /// Dynamic allocation killed it after its idle timeout (`Executor killed by driver.`).
    pub const IDLE: &'static str = "idle timeout";
    /// Lost (injected with `sparksim.executor.lost`).
    pub const LOST: &'static str = "executor lost";
    /// Its application stopped (runs of several applications).
    pub const APP_FINISHED: &'static str = "application finished";
}

/// One application of the run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ApplicationRecord {
    /// Its id in the outputs: the application's name (the workload's name for a single
    /// application).
    pub app_id: String,
    pub submit_ms: u64,
    /// When it stopped (runs of several applications, and dynamic allocation), if it did.
    pub end_ms: Option<u64>,
    pub scheduler_mode: String,
    /// Pools as its scheduler ended up with them: (name, mode, weight, minShare).
    pub pools: Vec<(String, String, i32, i32)>,
    /// Whether dynamic allocation was active.
    pub dynamic_allocation: bool,
    /// What dynamic allocation aimed for: `(from_ms, target)` steps, from the first request.
    pub executor_target: Vec<(u64, u32)>,
    /// Time its jobs had tasks waiting, no free slot, and executors owed to them (requested
    /// from the cluster manager but not yet registered, or not yet granted): the time it
    /// waited for executors. Counted from its submission to its last job's end.
    pub executor_wait_ms: u64,
}

/// Executor cost of an application or a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExecutorUsage {
    /// Executors that registered.
    pub executors: u32,
    /// Σ over executors of registered time (registration to removal, else to the end of
    /// its application, else of the run): the cost.
    pub executor_ms: u64,
    /// The part of `executor_ms` with no task running on the executor.
    pub idle_executor_ms: u64,
    /// Σ cores × registered time.
    pub core_ms: u64,
    /// Most executors registered at once.
    pub peak_executors: u32,
}

/// Everything a run produced.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SimOutput {
    pub jobs: Vec<JobRecord>,
    pub tasks: Vec<TaskRecord>,
    pub executors: Vec<ExecutorRecord>,
    /// Pools as the scheduler ended up with them: (name, mode, weight, minShare).
    pub pools: Vec<(String, String, i32, i32)>,
    pub warnings: Vec<String>,
    /// Time of the last event.
    pub end_ms: u64,
    /// Total task slots at the start.
    pub slots: u32,
    pub stats: RunStats,
    /// The applications, in submission order (one for a single-application run; empty in
    /// outputs built by hand).
    pub applications: Vec<ApplicationRecord>,
    /// Per job: index into `applications` (parallel to `jobs`; empty: all in application 0).
    pub job_apps: Vec<u32>,
    /// Per executor: application, request time and removal reason (parallel to
    /// `executors`; missing entries: application 0, no request, no reason).
    pub executor_details: Vec<ExecutorDetail>,
    /// Per job: ms it had tasks waiting for executors (see
    /// [`ApplicationRecord::executor_wait_ms`]; parallel to `jobs`; empty when not tracked,
    /// i.e. without a cluster manager in the loop).
    pub job_executor_wait_ms: Vec<u64>,
}

impl SimOutput {
    /// The application of job `j` (index into `applications`).
    pub fn job_app(&self, j: usize) -> u32 {
        self.job_apps.get(j).copied().unwrap_or(0)
    }

    /// The application of executor `e`.
    pub fn executor_app(&self, e: usize) -> u32 {
        self.executor_details.get(e).map_or(0, |d| d.app)
    }

    /// Executor `e`'s details (defaults when not recorded).
    pub fn executor_detail(&self, e: usize) -> ExecutorDetail {
        self.executor_details.get(e).cloned().unwrap_or_default()
    }

    /// The application id of job `j`, if applications are recorded.
    pub fn job_app_id(&self, j: usize) -> Option<&str> {
        self.applications
            .get(self.job_app(j) as usize)
            .map(|a| a.app_id.as_str())
    }

    /// The application id of executor `e`, if applications are recorded.
    pub fn executor_app_id(&self, e: usize) -> Option<&str> {
        self.applications
            .get(self.executor_app(e) as usize)
            .map(|a| a.app_id.as_str())
    }

    /// Whether the run had several applications.
    pub fn is_multi_application(&self) -> bool {
        self.applications.len() > 1
    }

    /// Whether any application ran under dynamic allocation.
    pub fn dynamic_allocation(&self) -> bool {
        self.applications.iter().any(|a| a.dynamic_allocation)
    }

    /// Application `app`'s records as a run of their own (jobs, attempts and executors
    /// re-indexed; its pools; `slots` counts its executors registered at its submission).
    pub fn application_view(&self, app: u32) -> SimOutput {
        let jobs: Vec<usize> = (0..self.jobs.len())
            .filter(|&j| self.job_app(j) == app)
            .collect();
        let execs: Vec<usize> = (0..self.executors.len())
            .filter(|&e| self.executor_app(e) == app)
            .collect();
        let mut job_index = vec![u32::MAX; self.jobs.len()];
        for (i, &j) in jobs.iter().enumerate() {
            job_index[j] = i as u32;
        }
        let mut exec_index = vec![u32::MAX; self.executors.len()];
        for (i, &e) in execs.iter().enumerate() {
            exec_index[e] = i as u32;
        }
        let tasks = self
            .tasks
            .iter()
            .filter(|t| {
                job_index
                    .get(t.job as usize)
                    .is_some_and(|&i| i != u32::MAX)
            })
            .map(|t| TaskRecord {
                job: job_index[t.job as usize],
                executor: exec_index
                    .get(t.executor as usize)
                    .copied()
                    .unwrap_or(u32::MAX),
                ..t.clone()
            })
            .collect();
        let record = self.applications.get(app as usize).cloned();
        let submit = record.as_ref().map_or(0, |a| a.submit_ms);
        let slots_at_start = execs
            .iter()
            .filter(|&&e| self.executors[e].added_ms <= submit)
            .map(|&e| self.executors[e].cores)
            .sum();
        SimOutput {
            jobs: jobs.iter().map(|&j| self.jobs[j].clone()).collect(),
            tasks,
            executors: execs.iter().map(|&e| self.executors[e].clone()).collect(),
            pools: record
                .as_ref()
                .map_or_else(|| self.pools.clone(), |a| a.pools.clone()),
            warnings: Vec::new(),
            end_ms: record
                .as_ref()
                .and_then(|a| a.end_ms)
                .unwrap_or(self.end_ms),
            slots: if self.applications.len() > 1 {
                slots_at_start
            } else {
                self.slots
            },
            stats: self.stats.clone(),
            applications: record.map(|a| vec![a]).unwrap_or_default(),
            job_apps: vec![0; jobs.len()],
            executor_details: execs
                .iter()
                .map(|&e| ExecutorDetail {
                    app: 0,
                    ..self.executor_detail(e)
                })
                .collect(),
            job_executor_wait_ms: if self.job_executor_wait_ms.is_empty() {
                Vec::new()
            } else {
                jobs.iter()
                    .map(|&j| self.job_executor_wait_ms.get(j).copied().unwrap_or(0))
                    .collect()
            },
        }
    }

    /// When executor `e` stops counting: its removal, else its application's end, else the
    /// end of the run.
    pub fn executor_end_ms(&self, e: usize) -> u64 {
        let exec = &self.executors[e];
        exec.removed_ms
            .or_else(|| {
                self.applications
                    .get(self.executor_app(e) as usize)
                    .and_then(|a| a.end_ms)
            })
            .unwrap_or(self.end_ms)
            .max(exec.added_ms)
    }

    /// Executor cost of application `app`, or of the whole run (`None`).
    pub fn executor_usage(&self, app: Option<u32>) -> ExecutorUsage {
        let mut busy: Vec<Vec<(u64, u64)>> = vec![Vec::new(); self.executors.len()];
        for t in &self.tasks {
            if let Some(b) = busy.get_mut(t.executor as usize) {
                b.push((t.launch_ms, t.finish_ms.max(t.launch_ms)));
            }
        }
        let mut usage = ExecutorUsage::default();
        let mut changes: Vec<(u64, i64)> = Vec::new();
        for (e, exec) in self.executors.iter().enumerate() {
            if app.is_some_and(|a| a != self.executor_app(e)) {
                continue;
            }
            let (start, end) = (exec.added_ms, self.executor_end_ms(e));
            let life = end - start;
            usage.executors += 1;
            usage.executor_ms += life;
            usage.core_ms += life * u64::from(exec.cores);
            usage.idle_executor_ms += life.saturating_sub(union_within(&mut busy[e], start, end));
            changes.push((start, 1));
            changes.push((end, -1));
        }
        changes.sort_unstable();
        let mut level = 0i64;
        for (_, d) in changes {
            level += d;
            usage.peak_executors = usage.peak_executors.max(level.max(0) as u32);
        }
        usage
    }

    /// Registered executors per application over time: `(time, counts per application)` at
    /// every change, starting at 0 ms.
    pub fn executor_timeline(&self) -> Vec<(u64, Vec<u32>)> {
        let apps = self.applications.len().max(1);
        let mut changes: Vec<(u64, usize, i64)> = Vec::new();
        for (e, exec) in self.executors.iter().enumerate() {
            let app = (self.executor_app(e) as usize).min(apps - 1);
            changes.push((exec.added_ms, app, 1));
            if let Some(r) = exec.removed_ms {
                changes.push((r, app, -1));
            }
        }
        changes.sort_unstable();
        let mut level = vec![0i64; apps];
        let mut steps: Vec<(u64, Vec<u32>)> = vec![(0, vec![0; apps])];
        for (t, app, d) in changes {
            level[app] += d;
            let now: Vec<u32> = level.iter().map(|&l| l.max(0) as u32).collect();
            match steps.last_mut() {
                Some(last) if last.0 == t => last.1 = now,
                _ => steps.push((t, now)),
            }
        }
        steps.dedup_by(|b, a| a.1 == b.1);
        steps
    }

    /// What dynamic allocation aimed for over the whole run: the sum of the applications'
    /// targets as `(from_ms, executors)` steps; `None` without dynamic allocation.
    pub fn executor_target(&self) -> Option<Vec<(u64, u32)>> {
        let series: Vec<&Vec<(u64, u32)>> = self
            .applications
            .iter()
            .filter(|a| a.dynamic_allocation)
            .map(|a| &a.executor_target)
            .collect();
        if series.is_empty() {
            return None;
        }
        let mut times: Vec<u64> = series.iter().flat_map(|s| s.iter().map(|p| p.0)).collect();
        times.sort_unstable();
        times.dedup();
        let at = |s: &Vec<(u64, u32)>, t: u64| {
            s.iter().take_while(|p| p.0 <= t).last().map_or(0, |p| p.1)
        };
        let mut steps: Vec<(u64, u32)> = times
            .into_iter()
            .map(|t| (t, series.iter().map(|s| at(s, t)).sum()))
            .collect();
        steps.dedup_by(|b, a| a.1 == b.1);
        Some(steps)
    }
}

/// Length of the union of `intervals` clipped to `[start, end]` (sorts them in place).
fn union_within(intervals: &mut [(u64, u64)], start: u64, end: u64) -> u64 {
    intervals.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(u64, u64)> = None;
    for &(a, b) in intervals.iter() {
        let (a, b) = (a.max(start), b.min(end));
        if a >= b {
            continue;
        }
        match cur {
            Some((ca, cb)) if a <= cb => cur = Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                total += cb - ca;
                cur = Some((a, b));
            }
            None => cur = Some((a, b)),
        }
    }
    if let Some((ca, cb)) = cur {
        total += cb - ca;
    }
    total
}

/// Engine counters.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunStats {
    pub events: u64,
    pub offer_rounds: u64,
    pub launches: u64,
}
