//! Replaying a Spark event log: the log's jobs as a [`Workload`] the simulator runs, plus
//! what the log recorded so a replay can be written with Spark's ids and checked against it.
//!
//! [`build_replay`] turns a [`LoggedApplication`] (see [`crate::eventlog`]) into a
//! [`LogReplay`]:
//!
//! * **Jobs** in order of `JobStart.Submission Time` (then job id), each with its pool
//!   (`spark.scheduler.pool`), name (`spark.job.description`, else `job-<id>`) and the stages
//!   it ran. Stages a job lists but never submitted (skipped: their shuffle output existed) are
//!   left out, as are parent edges to them. A stage listed by several jobs belongs to the job
//!   that was running when it was submitted. Spark's job ids are not always in submission
//!   order (a thread takes its id before the DAG scheduler stamps the submission), and FIFO
//!   priority follows the id: the simulator is given the log's ids
//!   (`sim::simulation::Simulation::with_job_ids`). Logs without job times (Spark 1.2) use the
//!   first stage submission and the last stage completion.
//! * **Tasks**: a stage's tasks are its first attempt's partitions, in Spark's task index
//!   order. Durations follow a [`DurationModel`] (see [`durations`]); the first attempt's is
//!   `task_durations_ms`, a later attempt's (retry or speculative copy) is
//!   `retry_task_durations_ms`; failed attempts before the first success become
//!   `task_failures`. A task the log never launched gets its stage's median duration. Stage
//!   retries (after a fetch failure) are not replayed. Killed attempts (a lost speculative
//!   race) only give a lower bound of how long they would have run.
//! * **Arrivals** ([`Arrivals`]): `open` submits every job at its logged submission time;
//!   `chained` (the default) makes a job inferred to follow another one ([`chains`]: same SQL
//!   execution, same thread back to back, or submitted into an idle application) wait for its
//!   predecessor's *simulated* end plus the observed gap.
//! * **Time**: workload times are milliseconds after **t0 = the first replayed job's
//!   submission**. The conf sets `sparksim.job.submitLatency` and `sparksim.job.chainLatency`
//!   to 0, because logged submission times and gaps already contain those latencies; the
//!   `sparksim.task.*` overhead knobs to [`ReplayOptions::overhead`] (zero by default for
//!   observed durations, which contain Spark's overheads); and, with
//!   [`ReplayOptions::log_latencies`], the `sparksim.dag.*` latencies to what the log shows
//!   ([`latency`]).
//! * **Cluster and conf** ([`cluster`]): master, task cpus, executors (local: the driver's
//!   cores; cluster: the logged executors as fixed executors), and the log's `spark.*`
//!   properties as the workload's conf.
//! * **Ids** ([`IdMap`]): workload job index → Spark job id, stage index → Spark stage id,
//!   task index → Spark partition, so a replay's outputs can be written with the log's ids.
//!
//! Nothing here fails on a strange log: every approximation is a counted warning.

pub mod accuracy;
pub mod chains;
pub mod cluster;
pub mod decisions;
pub mod durations;
pub mod latency;
pub mod summary;
pub mod warnings;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::eventlog::{
    EventLogError, JobResult, LoggedApplication, LoggedJob, LoggedStage, LoggedTask, ReadStats,
    SchedulingMode, TaskEndReasonKind, read_application,
};
use crate::model::{After, Job, MAX_TIME_MS, PoolDecl, Stage, Workload, group_conf};

pub use accuracy::{ErrorStats, JobAccuracy};
pub use chains::{Chain, ChainRule, ChainRules, DEFAULT_CHAIN_MAX_GAP_MS};
pub use decisions::{DecisionAgreement, LogDecisions};
pub use durations::{DurationModel, DurationNotes, LaunchOverhead};
pub use latency::Latencies;
pub use warnings::Warnings;

/// Warning kinds of the extraction (keys of [`Warnings::counts`]).
pub mod warning {
    pub use super::cluster::warning::*;
    pub const JOB_WITHOUT_SUBMISSION: &str = "job without a submission time (not replayed)";
    pub const STAGE_WITHOUT_JOB: &str = "stage run outside any job (not replayed)";
    pub const EMPTY_STAGE: &str = "stage without tasks (not replayed)";
    pub const STAGE_RETRY: &str = "stage retry attempts not replayed";
    pub const TASK_NOT_LAUNCHED: &str = "tasks never launched (stage median duration used)";
    pub const NO_DURATION: &str = "stage without any known duration (0 ms used)";
    pub const KILLED_LOWER_BOUND: &str = "killed attempts (duration is a lower bound)";
    pub const TASK_INDEX_OUT_OF_RANGE: &str = "task index beyond the stage's task count";
    pub const OVER_SLOTS: &str = "more concurrent tasks than executor slots";
    pub const NO_METRICS: &str = "attempts without metrics (observed duration used)";
    pub const ALLOCATION_FILE: &str = "allocation file not in the log";
    pub const DYNAMIC_ALLOCATION: &str = "dynamic allocation not simulated";
    pub const PARENT_NOT_EARLIER: &str = "stage parent with a higher id (edge dropped)";
    pub const TOO_MANY_TASKS: &str = "stage task count capped";
}

/// How jobs arrive in a replay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    /// Every job at its logged submission time.
    Open,
    /// Inferred chains follow their predecessor's simulated end plus the observed gap.
    #[default]
    Chained,
}

impl Arrivals {
    /// `open` or `chained`.
    pub fn as_str(self) -> &'static str {
        match self {
            Arrivals::Open => "open",
            Arrivals::Chained => "chained",
        }
    }
}

/// Choices of a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplayOptions {
    pub arrivals: Arrivals,
    pub durations: DurationModel,
    /// The launch overhead the simulator adds to every attempt in the replay (written into the
    /// workload's conf as the `sparksim.task.*` knobs) and therefore subtracted from observed
    /// durations. Zero keeps observed slot occupancies exactly.
    pub overhead: LaunchOverhead,
    pub chains: ChainRules,
    /// Measure the driver's latencies on the log and set the `sparksim.dag.*` knobs to them
    /// (see [`latency`]); otherwise the knobs keep their defaults.
    pub log_latencies: bool,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            arrivals: Arrivals::default(),
            durations: DurationModel::default(),
            overhead: LaunchOverhead::default(),
            chains: ChainRules::default(),
            log_latencies: true,
        }
    }
}

/// Spark's ids of a replay's jobs, stages and tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap {
    /// Spark job id of workload job `j`.
    pub jobs: Vec<i64>,
    /// Spark stage id of stage `s` of workload job `j`.
    pub stages: Vec<Vec<i64>>,
    /// Spark partition of task `i` of stage `s` of job `j`; `None` when partition = index.
    pub partitions: Vec<Vec<Option<Vec<i64>>>>,
}

impl IdMap {
    /// Spark job id of workload job `job`.
    pub fn job_id(&self, job: usize) -> Option<i64> {
        self.jobs.get(job).copied()
    }

    /// Spark stage id of stage `stage` of workload job `job`.
    pub fn stage_id(&self, job: usize, stage: usize) -> Option<i64> {
        self.stages.get(job)?.get(stage).copied()
    }

    /// Spark partition of task `task` of that stage.
    pub fn partition(&self, job: usize, stage: usize, task: usize) -> i64 {
        match self.partitions.get(job).and_then(|s| s.get(stage)) {
            Some(Some(p)) => p.get(task).copied().unwrap_or(task as i64),
            _ => task as i64,
        }
    }
}

/// What the log says about one replayed job (times relative to t0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedJob {
    pub job_id: i64,
    pub name: String,
    pub pool: String,
    pub submit_ms: u64,
    pub first_launch_ms: Option<u64>,
    pub end_ms: Option<u64>,
    pub turnaround_ms: Option<u64>,
    /// `None` if the job never ended.
    pub succeeded: Option<bool>,
}

/// A log turned into a workload, with what replay and validation need besides.
#[derive(Debug, Clone, PartialEq)]
pub struct LogReplay {
    pub workload: Workload,
    pub ids: IdMap,
    /// Per workload job, what the log recorded.
    pub observed: Vec<ObservedJob>,
    /// Inferred chains (applied to the workload only with [`Arrivals::Chained`]).
    pub chains: Vec<Chain>,
    /// Epoch ms of t0 (the first replayed job's submission).
    pub t0_epoch_ms: Option<i64>,
    pub options: ReplayOptions,
    /// The pools the jobs name (besides `default`), as Spark creates a pool it does not know:
    /// FIFO, weight 1, minShare 0.
    pub pools_from_jobs: Vec<PoolDecl>,
    /// The logged `spark.scheduler.allocation.file`, if any.
    pub allocation_file: Option<String>,
    /// Spark ids of the replayed stages.
    pub replayed_stages: BTreeSet<i64>,
    /// What the duration model approximated.
    pub duration_notes: DurationNotes,
    /// The driver latencies measured on the log (set as knobs when
    /// [`ReplayOptions::log_latencies`]).
    pub latencies: Latencies,
    pub warnings: Warnings,
}

/// Reads a log and builds its replay.
pub fn read_replay(
    path: impl AsRef<Path>,
    options: &ReplayOptions,
) -> Result<(LoggedApplication, ReadStats, LogReplay), EventLogError> {
    let (app, stats) = read_application(path)?;
    let replay = build_replay(&app, options);
    Ok((app, stats, replay))
}

fn rel(t: i64, t0: i64) -> u64 {
    (t.saturating_sub(t0).max(0) as u64).min(MAX_TIME_MS)
}

/// The most tasks a replayed stage gets (a corrupt `Number of Tasks` must not exhaust memory).
pub const MAX_TASKS_PER_STAGE: usize = 10_000_000;

/// A job to replay: its log record, submission time and stages (by increasing id).
struct PlannedJob<'a> {
    log: &'a LoggedJob,
    submit: i64,
    stages: Vec<&'a LoggedStage>,
}

/// Builds the replay of `app`.
pub fn build_replay(app: &LoggedApplication, options: &ReplayOptions) -> LogReplay {
    let mut warnings = Warnings::default();
    let tasks_by_stage = tasks_by_stage(app);
    let jobs = plan_jobs(app, &tasks_by_stage, &mut warnings);
    let t0 = jobs.iter().map(|j| j.submit).min();
    let window = t0.map(|t0| {
        let end = jobs
            .iter()
            .filter_map(|j| j.log.completion_time)
            .max()
            .unwrap_or(t0);
        (t0, end.max(t0))
    });
    let plan = cluster::plan_cluster(app, window, &mut warnings);
    let slots = plan.slots.clone();
    let cluster_mode = plan.spec.kind != crate::model::ClusterKind::Local;
    let times = durations::attempt_durations(
        app,
        options.durations,
        &options.overhead,
        cluster_mode,
        &|e| slots.get(e).copied(),
    );
    let (durations, notes) = (&times.durations, times.notes.clone());
    let total_slots: u64 = plan
        .spec
        .executors
        .iter()
        .map(|e| u64::from(slots.get(&e.id).copied().unwrap_or(1)))
        .sum();
    let latencies = measure_latencies(app, &jobs, &tasks_by_stage, &times.slot_free, total_slots);
    warnings.warn_n(warning::OVER_SLOTS, notes.over_slots, || {
        format!(
            "{} launches found every slot of their executor busy; slot-free times kept as logged",
            notes.over_slots
        )
    });
    warnings.warn_n(warning::NO_METRICS, notes.no_metrics, || {
        format!("{} attempts", notes.no_metrics)
    });
    let t0v = t0.unwrap_or(0);

    let mut workload_jobs = Vec::with_capacity(jobs.len());
    let mut ids = IdMap::default();
    let mut observed = Vec::with_capacity(jobs.len());
    let mut replayed_stages = BTreeSet::new();
    for planned in &jobs {
        let (job, stage_ids, partitions) =
            build_job(app, planned, &tasks_by_stage, durations, t0v, &mut warnings);
        replayed_stages.extend(stage_ids.iter().copied());
        ids.jobs.push(planned.log.id);
        ids.stages.push(stage_ids);
        ids.partitions.push(partitions);
        observed.push(observed_job(app, planned, &job, &tasks_by_stage, t0v));
        workload_jobs.push(job);
    }

    let chain_jobs: Vec<chains::ChainJob<'_>> = jobs
        .iter()
        .zip(&observed)
        .map(|(j, o)| chains::ChainJob {
            log: j.log,
            submit: j.submit,
            end: o.end_ms.map(|e| t0v.saturating_add(e as i64)),
            failed: o.succeeded == Some(false),
        })
        .collect();
    let chains = chains::infer_chains(&chain_jobs, options.chains);
    if options.arrivals == Arrivals::Chained {
        for c in &chains {
            let predecessor_submit = workload_jobs[c.after].submit_ms;
            let job = &mut workload_jobs[c.job];
            job.after = Some(After {
                job: c.after,
                gap_ms: c.gap_ms.min(MAX_TIME_MS),
            });
            job.submit_ms = predecessor_submit;
        }
    }

    note_unsimulated(app, &mut warnings);
    let allocation_file =
        cluster::property(app, "spark.scheduler.allocation.file").map(str::to_string);
    let pools_from_jobs = app
        .pools
        .iter()
        .filter(|p| p.as_str() != crate::eventlog::DEFAULT_POOL)
        .map(|name| PoolDecl {
            name: name.clone(),
            ..PoolDecl::default()
        })
        .collect();

    let mut conf = cluster::replay_conf(app);
    conf.push(("sparksim.job.submitLatency".into(), "0".into()));
    conf.push(("sparksim.job.chainLatency".into(), "0".into()));
    let o = options.overhead;
    conf.push(("sparksim.task.launchOverhead".into(), o.base_ms.to_string()));
    conf.push((
        "sparksim.task.concurrentLaunchOverhead".into(),
        o.per_concurrent_ms.to_string(),
    ));
    conf.push((
        "sparksim.task.concurrentLaunchWindow".into(),
        o.window_ms.to_string(),
    ));
    conf.push((
        "sparksim.task.clusterLaunchOverhead".into(),
        o.cluster_ms.to_string(),
    ));
    conf.push((
        "sparksim.task.firstOnExecutorOverhead".into(),
        o.first_on_executor_ms.to_string(),
    ));
    if options.log_latencies {
        for (knob, value) in latencies.knobs() {
            conf.push((knob.into(), value.to_string()));
        }
    }
    if app.spark_version != "unknown" && !app.spark_version.is_empty() {
        conf.push(("sparksim.spark.version".into(), app.spark_version.clone()));
    }
    let name = app
        .app_name
        .clone()
        .or_else(|| app.app_id.clone())
        .unwrap_or_else(|| file_name(&app.source));
    let workload = Workload {
        name,
        description: Some(format!(
            "replay of {} ({} arrivals, {} durations)",
            app.source,
            options.arrivals.as_str(),
            options.durations.as_str()
        )),
        spark_version: Some(app.spark_version.clone()),
        scheduler_mode: Some(
            match app.scheduling_mode {
                SchedulingMode::Fair => "FAIR",
                SchedulingMode::Fifo => "FIFO",
                SchedulingMode::None => "NONE",
            }
            .to_string(),
        ),
        pools: Vec::new(),
        cluster: Some(plan.spec),
        conf: group_conf(conf),
        seed: None,
        warmup: None,
        tail_ms: None,
        jobs: workload_jobs,
        applications: Vec::new(),
    };
    LogReplay {
        workload,
        ids,
        observed,
        chains,
        t0_epoch_ms: t0,
        options: *options,
        pools_from_jobs,
        allocation_file,
        replayed_stages,
        duration_notes: notes,
        latencies,
        warnings,
    }
}

/// Measures the driver latencies (see [`latency`]) on the replayed jobs.
fn measure_latencies(
    app: &LoggedApplication,
    jobs: &[PlannedJob<'_>],
    tasks_by_stage: &HashMap<i64, Vec<usize>>,
    slot_free: &[Option<i64>],
    slots: u64,
) -> Latencies {
    let free = |i: usize| slot_free[i].or(app.tasks[i].finish_time);
    let occupancy = latency::Occupancy::new(
        app.tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.launch_time, free(i))),
        slots.max(1),
    );
    let first_launch = |stage: i64| {
        tasks_by_stage
            .get(&stage)
            .and_then(|ts| ts.iter().map(|&i| app.tasks[i].launch_time).min())
    };
    let last_free = |stage: i64| {
        tasks_by_stage
            .get(&stage)
            .and_then(|ts| ts.iter().filter_map(|&i| free(i)).max())
    };
    let (mut start, mut submit, mut end) = (Vec::new(), Vec::new(), Vec::new());
    for job in jobs {
        if let Some(first) = job.stages.iter().filter_map(|s| first_launch(s.id)).min()
            && occupancy.idle_at(job.submit)
        {
            start.push(first.saturating_sub(job.submit));
        }
        for stage in &job.stages {
            let parents: Vec<i64> = stage
                .parent_ids
                .iter()
                .copied()
                .filter(|p| job.stages.iter().any(|s| s.id == *p))
                .collect();
            if parents.is_empty() {
                continue;
            }
            let done = parents.iter().filter_map(|&p| last_free(p)).max();
            if let (Some(done), Some(first)) = (done, first_launch(stage.id))
                && occupancy.idle_at(done)
            {
                submit.push(first.saturating_sub(done));
            }
        }
        if matches!(job.log.result, Some(JobResult::Succeeded))
            && let Some(completed) = job.log.completion_time
            && let Some(last) = job.stages.iter().filter_map(|s| last_free(s.id)).max()
        {
            end.push(completed.saturating_sub(last));
        }
    }
    Latencies {
        job_start_samples: start.len(),
        stage_submit_samples: submit.len(),
        job_end_samples: end.len(),
        job_start_ms: latency::measured(&mut start),
        stage_submit_ms: latency::measured(&mut submit),
        job_end_ms: latency::measured(&mut end),
    }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Task indices (into `app.tasks`) per stage id.
fn tasks_by_stage(app: &LoggedApplication) -> HashMap<i64, Vec<usize>> {
    let mut map: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, t) in app.tasks.iter().enumerate() {
        map.entry(t.stage_id).or_default().push(i);
    }
    map
}

/// The jobs to replay, by submission time then id, each with the stages it ran.
fn plan_jobs<'a>(
    app: &'a LoggedApplication,
    tasks_by_stage: &HashMap<i64, Vec<usize>>,
    warnings: &mut Warnings,
) -> Vec<PlannedJob<'a>> {
    // Submission time: logged, else the first stage submission or task launch of its stages.
    let mut submits: BTreeMap<i64, i64> = BTreeMap::new();
    for job in &app.jobs {
        let fallback = || {
            job.stage_ids
                .iter()
                .filter_map(|&s| {
                    let stage = app.stage(s)?;
                    let submitted = stage
                        .attempts
                        .iter()
                        .filter_map(|a| a.submission_time)
                        .min();
                    let launched = tasks_by_stage
                        .get(&s)
                        .and_then(|ts| ts.iter().map(|&i| app.tasks[i].launch_time).min());
                    submitted.into_iter().chain(launched).min()
                })
                .min()
        };
        match job.submission_time.filter(|&t| t >= 0).or_else(fallback) {
            Some(t) => {
                submits.insert(job.id, t);
            }
            None => warnings.warn(warning::JOB_WITHOUT_SUBMISSION, || {
                format!("job {}", job.id)
            }),
        }
    }
    // Owner of each stage that ran: the latest-submitted job listing it (and not as skipped)
    // that was submitted at or before the stage; else the first such job.
    let mut owned: BTreeMap<i64, Vec<&LoggedStage>> = BTreeMap::new();
    for stage in &app.stages {
        let ran = !stage.attempts.is_empty() || tasks_by_stage.contains_key(&stage.id);
        if !ran {
            continue;
        }
        let first = stage
            .attempts
            .iter()
            .filter_map(|a| a.submission_time)
            .min()
            .or_else(|| {
                tasks_by_stage
                    .get(&stage.id)
                    .and_then(|ts| ts.iter().map(|&i| app.tasks[i].launch_time).min())
            });
        let candidates: Vec<(i64, i64)> = stage
            .job_ids
            .iter()
            .filter_map(|&id| {
                let job = app.job(id)?;
                let submit = *submits.get(&id)?;
                (!job.skipped_stage_ids.contains(&stage.id)).then_some((submit, id))
            })
            .collect();
        let owner = match first {
            Some(t) => candidates
                .iter()
                .filter(|(s, _)| *s <= t)
                .max()
                .or_else(|| candidates.iter().min())
                .map(|&(_, id)| id),
            None => candidates.iter().min().map(|&(_, id)| id),
        };
        match owner {
            Some(job) => owned.entry(job).or_default().push(stage),
            None => warnings.warn(warning::STAGE_WITHOUT_JOB, || format!("stage {}", stage.id)),
        }
    }
    let mut jobs: Vec<PlannedJob<'a>> = app
        .jobs
        .iter()
        .filter_map(|job| {
            let submit = *submits.get(&job.id)?;
            let mut stages = owned.remove(&job.id).unwrap_or_default();
            stages.sort_by_key(|s| s.id);
            Some(PlannedJob {
                log: job,
                submit,
                stages,
            })
        })
        .collect();
    jobs.sort_by_key(|j| (j.submit, j.log.id));
    jobs
}

/// The model job of `planned`, its stages' Spark ids and their partitions.
fn build_job(
    app: &LoggedApplication,
    planned: &PlannedJob<'_>,
    tasks_by_stage: &HashMap<i64, Vec<usize>>,
    durations: &[Option<u64>],
    t0: i64,
    warnings: &mut Warnings,
) -> (Job, Vec<i64>, Vec<Option<Vec<i64>>>) {
    let log = planned.log;
    let mut stages = Vec::new();
    let mut stage_ids = Vec::new();
    let mut partitions = Vec::new();
    let mut index_of: HashMap<i64, usize> = HashMap::new();
    for stage in &planned.stages {
        let empty = Vec::new();
        let tasks = tasks_by_stage.get(&stage.id).unwrap_or(&empty);
        let Some((mut model, parts)) = build_stage(app, stage, tasks, durations, warnings) else {
            warnings.warn(warning::EMPTY_STAGE, || {
                format!("stage {} of job {}", stage.id, log.id)
            });
            continue;
        };
        let own = stages.len();
        model.parents = Vec::new();
        let mut parents: Vec<usize> = Vec::new();
        for p in &stage.parent_ids {
            if let Some(&pi) = index_of.get(p) {
                if !parents.contains(&pi) {
                    parents.push(pi);
                }
            } else if planned.stages.iter().any(|s| s.id == *p) {
                warnings.warn(warning::PARENT_NOT_EARLIER, || {
                    format!("stage {} lists parent {p}", stage.id)
                });
            }
        }
        parents.sort_unstable();
        model.parents = parents;
        index_of.insert(stage.id, own);
        stage_ids.push(stage.id);
        partitions.push(parts);
        stages.push(model);
    }
    let name = log
        .description
        .clone()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| format!("job-{}", log.id));
    let job = Job {
        name,
        pool: log.pool.clone(),
        submit_ms: rel(planned.submit, t0),
        after: None,
        stages,
    };
    (job, stage_ids, partitions)
}

/// A failure that counts toward the task's attempts (not a kill, a fetch failure or a
/// commit denial, which Spark does not count either).
fn counts_as_failure(reason: &TaskEndReasonKind) -> bool {
    matches!(
        reason,
        TaskEndReasonKind::ExceptionFailure
            | TaskEndReasonKind::ExecutorLostFailure
            | TaskEndReasonKind::TaskResultLost
            | TaskEndReasonKind::UnknownReason
            | TaskEndReasonKind::Other(_)
    )
}

/// The model stage of `stage` and its partitions (`None` if it has no tasks at all).
fn build_stage(
    app: &LoggedApplication,
    stage: &LoggedStage,
    tasks: &[usize],
    durations: &[Option<u64>],
    warnings: &mut Warnings,
) -> Option<(Stage, Option<Vec<i64>>)> {
    let primary = stage
        .attempts
        .first()
        .map(|a| a.attempt_id)
        .or_else(|| tasks.iter().map(|&i| app.tasks[i].stage_attempt_id).min())
        .unwrap_or(0);
    let retries = stage
        .attempts
        .iter()
        .filter(|a| a.attempt_id != primary)
        .count() as u64;
    warnings.warn_n(warning::STAGE_RETRY, retries, || {
        format!(
            "stage {}: {retries} later attempt(s); the first attempt's tasks are replayed",
            stage.id
        )
    });
    let declared = stage
        .attempts
        .first()
        .map_or(stage.num_tasks, |a| a.num_tasks)
        .max(0) as usize;
    let mut by_index: BTreeMap<usize, Vec<&LoggedTask>> = BTreeMap::new();
    let mut by_index_pos: HashMap<i64, usize> = HashMap::new();
    for &i in tasks {
        let t = &app.tasks[i];
        if t.stage_attempt_id == primary && t.index >= 0 {
            by_index.entry(t.index as usize).or_default().push(t);
            by_index_pos.insert(t.task_id, i);
        }
    }
    let seen = by_index
        .keys()
        .next_back()
        .map_or(0, |&m| m.saturating_add(1));
    let mut n = if declared > 0 { declared } else { seen };
    if n == 0 {
        return None;
    }
    if n > MAX_TASKS_PER_STAGE {
        warnings.warn(warning::TOO_MANY_TASKS, || {
            format!(
                "stage {} claims {n} tasks; replaying {MAX_TASKS_PER_STAGE}",
                stage.id
            )
        });
        n = MAX_TASKS_PER_STAGE;
    }
    if seen > n {
        let extra = by_index.range(n..).count() as u64;
        warnings.warn_n(warning::TASK_INDEX_OUT_OF_RANGE, extra, || {
            format!(
                "stage {} has {n} tasks but attempts of index up to {}",
                stage.id,
                seen - 1
            )
        });
    }
    let duration_of = |t: &LoggedTask| by_index_pos.get(&t.task_id).and_then(|&i| durations[i]);
    let mut first: Vec<Option<u64>> = vec![None; n];
    let mut retry: Vec<Option<u64>> = vec![None; n];
    let mut failures = vec![0u32; n];
    let mut partitions: Vec<i64> = (0..n as i64).collect();
    let mut any_retry = false;
    let mut killed = 0u64;
    for (&index, attempts) in by_index.range(..n) {
        let mut attempts = attempts.clone();
        attempts.sort_by_key(|t| (t.attempt, t.launch_time, t.task_id));
        partitions[index] = attempts[0].partition;
        first[index] = duration_of(attempts[0]);
        killed += attempts
            .iter()
            .filter(|t| t.end_reason == Some(TaskEndReasonKind::TaskKilled))
            .count() as u64;
        for t in &attempts {
            if t.succeeded() {
                break;
            }
            if t.end_reason.as_ref().is_some_and(counts_as_failure) {
                failures[index] += 1;
            }
        }
        if attempts.len() > 1 {
            any_retry = true;
            let later = attempts[1..]
                .iter()
                .find(|t| t.succeeded())
                .or(attempts.last())
                .copied();
            retry[index] = later.and_then(duration_of);
        }
    }
    warnings.warn_n(warning::KILLED_LOWER_BOUND, killed, || {
        format!("stage {}: {killed} attempt(s) killed", stage.id)
    });
    let mut known: Vec<u64> = first.iter().flatten().copied().collect();
    let median = durations::median(&mut known);
    let missing = first.iter().filter(|d| d.is_none()).count() as u64;
    let fill = match median {
        Some(m) => m,
        None => {
            warnings.warn(warning::NO_DURATION, || format!("stage {}", stage.id));
            0
        }
    };
    if median.is_some() {
        warnings.warn_n(warning::TASK_NOT_LAUNCHED, missing, || {
            format!(
                "stage {}: {missing} of {n} tasks without a finished first attempt",
                stage.id
            )
        });
    }
    let task_durations_ms: Vec<u64> = first
        .iter()
        .map(|d| d.unwrap_or(fill).min(MAX_TIME_MS))
        .collect();
    let retry_task_durations_ms = any_retry.then(|| {
        retry
            .iter()
            .zip(&task_durations_ms)
            .map(|(r, f)| r.unwrap_or(*f).min(MAX_TIME_MS))
            .collect()
    });
    let task_failures = failures.iter().any(|&f| f > 0).then_some(failures);
    let identity = partitions
        .iter()
        .enumerate()
        .all(|(i, &p)| p == i as i64 || p < 0);
    let parts = (!identity).then_some(partitions);
    Some((
        Stage {
            parents: Vec::new(),
            task_durations_ms,
            retry_task_durations_ms,
            task_failures,
            task_preferred_hosts: None,
            cached: false,
        },
        parts,
    ))
}

fn observed_job(
    app: &LoggedApplication,
    planned: &PlannedJob<'_>,
    job: &Job,
    tasks_by_stage: &HashMap<i64, Vec<usize>>,
    t0: i64,
) -> ObservedJob {
    let log = planned.log;
    let first_launch = planned
        .stages
        .iter()
        .filter_map(|s| tasks_by_stage.get(&s.id))
        .flatten()
        .map(|&i| app.tasks[i].launch_time)
        .min();
    // Spark before 1.3 logged no job times: the last stage completion stands in.
    let stages_done = || {
        planned
            .stages
            .iter()
            .flat_map(|s| s.attempts.iter().filter_map(|a| a.completion_time))
            .max()
    };
    let end = log
        .result
        .as_ref()
        .and_then(|_| log.completion_time.filter(|&t| t >= 0).or_else(stages_done));
    ObservedJob {
        job_id: log.id,
        name: job.name.clone(),
        pool: log.pool_or_default().to_string(),
        submit_ms: rel(planned.submit, t0),
        first_launch_ms: first_launch.map(|t| rel(t, t0)),
        end_ms: end.map(|t| rel(t, t0)),
        turnaround_ms: end.map(|e| e.saturating_sub(planned.submit).max(0) as u64),
        succeeded: log
            .result
            .as_ref()
            .map(|r| matches!(r, JobResult::Succeeded)),
    }
}

/// Warnings for what the log did that the simulator does not model.
fn note_unsimulated(app: &LoggedApplication, warnings: &mut Warnings) {
    if cluster::property(app, "spark.dynamicAllocation.enabled")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        warnings.warn(warning::DYNAMIC_ALLOCATION, || {
            "spark.dynamicAllocation.enabled=true; the replay keeps its executors fixed".to_string()
        });
    }
}
