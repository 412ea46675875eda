//! Folding events into a [`LoggedApplication`], with a warning for every inconsistency.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::app::{
    DEFAULT_POOL, ExecutorOrigin, LoggedApplication, LoggedExecutor, LoggedJob, LoggedStage,
    LoggedStageAttempt, LoggedTask, SchedulingMode,
};
use super::events::{
    ApplicationEnd, ApplicationStart, BlockManagerAdded, EnvironmentUpdate, Event, ExecutorAdded,
    ExecutorRemoved, JobEnd, JobStart, StageInfo, StageSubmitted, TaskEnd, TaskEndReasonKind,
    TaskInfo, TaskStart,
};
use super::open::{EventLogSource, LogLayout};
use super::stats::ReadStats;

/// Warning kinds of the fold (keys of `ReadStats::warning_counts`).
pub mod warning {
    pub const TASK_END_WITHOUT_START: &str = "TaskEnd without TaskStart";
    pub const DUPLICATE_TASK_START: &str = "duplicate TaskStart";
    pub const DUPLICATE_TASK_END: &str = "duplicate TaskEnd";
    pub const TASK_NEVER_ENDED: &str = "task never ended";
    pub const UNREGISTERED_EXECUTOR: &str = "tasks on an executor that never registered";
    pub const JOB_END_WITHOUT_START: &str = "JobEnd without JobStart";
    pub const DUPLICATE_JOB_START: &str = "duplicate JobStart";
    pub const JOB_NEVER_ENDED: &str = "job never ended";
    pub const STAGE_NOT_IN_JOB: &str = "stage submitted outside any job";
    pub const STAGE_COMPLETED_WITHOUT_SUBMIT: &str = "StageCompleted without StageSubmitted";
    pub const STAGE_NEVER_COMPLETED: &str = "stage attempt never completed";
    pub const DUPLICATE_EXECUTOR: &str = "duplicate ExecutorAdded";
    pub const UNKNOWN_EXECUTOR_REMOVED: &str = "ExecutorRemoved for an unknown executor";
    pub const NO_APPLICATION_START: &str = "no ApplicationStart";
    pub const NO_APPLICATION_END: &str = "no ApplicationEnd";
    pub const UNKNOWN_SCHEDULING_MODE: &str = "unknown spark.scheduler.mode";
}

/// A job plus what the fold needs to know while it runs.
struct JobState {
    job: LoggedJob,
    ended: bool,
    submitted_stages: BTreeSet<i64>,
}

/// A block manager seen in the log.
struct BlockManager {
    executor_id: String,
    host: String,
    added: Option<i64>,
    removed: Option<i64>,
}

/// Accumulates a [`LoggedApplication`] event by event.
pub(crate) struct AppBuilder {
    app: LoggedApplication,
    legacy_version: Option<String>,
    saw_app_start: bool,
    executor_index: HashMap<String, usize>,
    block_managers: Vec<BlockManager>,
    jobs: BTreeMap<i64, JobState>,
    stage_jobs: HashMap<i64, Vec<i64>>,
    stages: BTreeMap<i64, LoggedStage>,
    task_index: HashMap<i64, usize>,
    warnings: ReadStats,
}

impl AppBuilder {
    pub fn new(source: &EventLogSource) -> Self {
        let legacy_version = match &source.layout {
            LogLayout::Legacy { spark_version } => spark_version.clone(),
            _ => None,
        };
        let app = LoggedApplication {
            source: source.path.display().to_string(),
            in_progress: source.in_progress,
            ..LoggedApplication::default()
        };
        Self {
            app,
            legacy_version,
            saw_app_start: false,
            executor_index: HashMap::new(),
            block_managers: Vec::new(),
            jobs: BTreeMap::new(),
            stage_jobs: HashMap::new(),
            stages: BTreeMap::new(),
            task_index: HashMap::new(),
            warnings: ReadStats::default(),
        }
    }

    /// Applies one event; `at` is its file and line, for warnings.
    pub fn apply(&mut self, event: Event, at: Option<(&Path, u64)>) {
        let at = Where(at);
        match event {
            Event::LogStart(e) => self.app.spark_version = e.spark_version,
            Event::ApplicationStart(e) => self.application_start(e),
            Event::ApplicationEnd(e) => self.application_end(e),
            Event::EnvironmentUpdate(e) => self.environment(e, at),
            Event::ResourceProfileAdded(e) => {
                self.app.resource_profiles.insert(e.id, e);
            }
            Event::ExecutorAdded(e) => self.executor_added(e, at),
            Event::ExecutorRemoved(e) => self.executor_removed(e, at),
            Event::BlockManagerAdded(e) => self.block_manager_added(e),
            Event::BlockManagerRemoved(e) => {
                self.block_manager_removed(&e.block_manager_id.executor_id, e.timestamp)
            }
            Event::JobStart(e) => self.job_start(e, at),
            Event::JobEnd(e) => self.job_end(e, at),
            Event::StageSubmitted(e) => self.stage_submitted(e, at),
            Event::StageCompleted(e) => self.stage_completed(e.stage_info, at),
            Event::TaskStart(e) => self.task_start(e, at),
            Event::TaskEnd(e) => self.task_end(*e, at),
            Event::SpeculativeTaskSubmitted(_) => self.app.speculative_task_submissions += 1,
            Event::Exclusion(kind) => {
                *self
                    .app
                    .exclusion_events
                    .entry(kind.name().to_owned())
                    .or_insert(0) += 1;
            }
        }
    }

    fn application_start(&mut self, e: ApplicationStart) {
        self.saw_app_start = true;
        self.app.app_name = Some(e.app_name);
        self.app.app_id = e.app_id.or(self.app.app_id.take());
        self.app.attempt_id = e.attempt_id;
        self.app.user = e.user;
        self.app.start_time = e.timestamp;
    }

    fn application_end(&mut self, e: ApplicationEnd) {
        self.app.completed = true;
        self.app.end_time = e.timestamp;
        self.app.exit_code = e.exit_code;
    }

    fn environment(&mut self, e: EnvironmentUpdate, at: Where<'_>) {
        self.app.spark_properties.extend(e.spark_properties);
        self.app.master = self.app.spark_properties.get("spark.master").cloned();
        let mode = self.app.spark_properties.get("spark.scheduler.mode");
        self.app.scheduling_mode = match mode.map(|m| m.trim().to_ascii_uppercase()).as_deref() {
            None | Some("FIFO") => SchedulingMode::Fifo,
            Some("FAIR") => SchedulingMode::Fair,
            Some("NONE") => SchedulingMode::None,
            Some(other) => {
                self.warnings.warn(warning::UNKNOWN_SCHEDULING_MODE, || {
                    format!("{at}: spark.scheduler.mode={other}; assuming FIFO")
                });
                SchedulingMode::Fifo
            }
        };
    }

    fn executor_added(&mut self, e: ExecutorAdded, at: Where<'_>) {
        if self.executor_index.contains_key(&e.executor_id) {
            self.warnings.warn(warning::DUPLICATE_EXECUTOR, || {
                format!(
                    "{at}: executor {} added again; keeping the first",
                    e.executor_id
                )
            });
            return;
        }
        let info = e.executor_info;
        self.push_executor(LoggedExecutor {
            id: e.executor_id,
            host: info.host,
            cores: info.total_cores,
            resource_profile_id: info.resource_profile_id.unwrap_or(0),
            added_time: e.timestamp,
            request_time: info.request_time,
            registration_time: info.registration_time,
            ..LoggedExecutor::default()
        });
    }

    fn push_executor(&mut self, executor: LoggedExecutor) {
        self.executor_index
            .insert(executor.id.clone(), self.app.executors.len());
        self.app.executors.push(executor);
    }

    fn executor_removed(&mut self, e: ExecutorRemoved, at: Where<'_>) {
        let Some(&i) = self.executor_index.get(&e.executor_id) else {
            self.warnings.warn(warning::UNKNOWN_EXECUTOR_REMOVED, || {
                format!("{at}: executor {} was never added", e.executor_id)
            });
            return;
        };
        let executor = &mut self.app.executors[i];
        executor.removed_time = e.timestamp;
        executor.removed_reason = e.reason;
    }

    fn block_manager_added(&mut self, e: BlockManagerAdded) {
        let id = e.block_manager_id;
        if !self
            .block_managers
            .iter()
            .any(|b| b.executor_id == id.executor_id)
        {
            self.block_managers.push(BlockManager {
                executor_id: id.executor_id,
                host: id.host,
                added: e.timestamp,
                removed: None,
            });
        }
    }

    fn block_manager_removed(&mut self, executor_id: &str, time: Option<i64>) {
        if let Some(b) = self
            .block_managers
            .iter_mut()
            .find(|b| b.executor_id == executor_id)
        {
            b.removed = time;
        }
    }

    fn job_start(&mut self, e: JobStart, at: Where<'_>) {
        if self.jobs.contains_key(&e.job_id) {
            self.warnings.warn(warning::DUPLICATE_JOB_START, || {
                format!("{at}: job {} started again; keeping the first", e.job_id)
            });
            return;
        }
        let mut stage_ids = e.stage_ids;
        if stage_ids.is_empty() {
            stage_ids = e.stage_infos.iter().map(|s| s.stage_id).collect();
        }
        for info in &e.stage_infos {
            self.stage_entry(info);
        }
        for &stage_id in &stage_ids {
            self.link_stage_to_job(stage_id, e.job_id);
        }
        let pool = e.properties.get("spark.scheduler.pool").cloned();
        self.app
            .pools
            .insert(pool.clone().unwrap_or_else(|| DEFAULT_POOL.to_owned()));
        let job = LoggedJob {
            id: e.job_id,
            submission_time: e.submission_time,
            pool,
            description: e.properties.get("spark.job.description").cloned(),
            properties: e.properties,
            stage_ids,
            ..LoggedJob::default()
        };
        let state = JobState {
            job,
            ended: false,
            submitted_stages: BTreeSet::new(),
        };
        self.jobs.insert(e.job_id, state);
    }

    fn link_stage_to_job(&mut self, stage_id: i64, job_id: i64) {
        self.stage_jobs.entry(stage_id).or_default().push(job_id);
        let stage = self.stages.entry(stage_id).or_insert_with(|| LoggedStage {
            id: stage_id,
            ..LoggedStage::default()
        });
        if !stage.job_ids.contains(&job_id) {
            stage.job_ids.push(job_id);
        }
    }

    /// The stage of `info`, created or completed from it.
    fn stage_entry(&mut self, info: &StageInfo) -> &mut LoggedStage {
        let stage = self
            .stages
            .entry(info.stage_id)
            .or_insert_with(|| LoggedStage {
                id: info.stage_id,
                ..LoggedStage::default()
            });
        if stage.name.is_empty() {
            stage.name.clone_from(&info.name);
        }
        if stage.attempts.is_empty() && stage.num_tasks == 0 {
            stage.num_tasks = info.num_tasks;
        }
        if stage.parent_ids.is_empty() {
            stage.parent_ids.clone_from(&info.parent_ids);
        }
        if let Some(rp) = info.resource_profile_id {
            stage.resource_profile_id = rp;
        }
        stage
    }

    fn job_end(&mut self, e: JobEnd, at: Where<'_>) {
        let Some(state) = self.jobs.get_mut(&e.job_id) else {
            self.warnings.warn(warning::JOB_END_WITHOUT_START, || {
                format!("{at}: job {} ended but never started; ignored", e.job_id)
            });
            return;
        };
        state.ended = true;
        state.job.completion_time = e.completion_time;
        state.job.result = Some(e.result);
        state.job.skipped_stage_ids = state
            .job
            .stage_ids
            .iter()
            .copied()
            .filter(|s| !state.submitted_stages.contains(s))
            .collect();
    }

    fn stage_submitted(&mut self, e: StageSubmitted, at: Where<'_>) {
        let info = e.stage_info;
        let pool = e.properties.get("spark.scheduler.pool").cloned();
        let known = self.stage_jobs.contains_key(&info.stage_id);
        let stage = self.stage_entry(&info);
        if pool.is_some() {
            stage.pool = pool;
        }
        let attempt = attempt_entry(stage, &info);
        attempt.submission_time = info.submission_time.or(attempt.submission_time);
        if !known {
            self.warnings.warn(warning::STAGE_NOT_IN_JOB, || {
                format!(
                    "{at}: stage {} is not listed by any JobStart",
                    info.stage_id
                )
            });
        }
        self.mark_submitted(info.stage_id);
    }

    /// Records the stage as submitted for every running job that lists it.
    fn mark_submitted(&mut self, stage_id: i64) {
        let Some(job_ids) = self.stage_jobs.get(&stage_id) else {
            return;
        };
        for job_id in job_ids {
            if let Some(state) = self.jobs.get_mut(job_id).filter(|s| !s.ended) {
                state.submitted_stages.insert(stage_id);
            }
        }
    }

    fn stage_completed(&mut self, info: StageInfo, at: Where<'_>) {
        let stage = self.stage_entry(&info);
        let existed = stage
            .attempts
            .iter()
            .any(|a| a.attempt_id == info.attempt_id);
        let attempt = attempt_entry(stage, &info);
        attempt.completed = true;
        attempt.submission_time = attempt.submission_time.or(info.submission_time);
        attempt.completion_time = info.completion_time;
        attempt.failure_reason = info.failure_reason;
        if !existed {
            self.warnings
                .warn(warning::STAGE_COMPLETED_WITHOUT_SUBMIT, || {
                    format!("{at}: stage {}.{}", info.stage_id, info.attempt_id)
                });
        }
    }

    fn task_start(&mut self, e: TaskStart, at: Where<'_>) {
        let task_id = e.task_info.task_id;
        if self.task_index.contains_key(&task_id) {
            self.warnings.warn(warning::DUPLICATE_TASK_START, || {
                format!("{at}: task {task_id} started again; keeping the first")
            });
            return;
        }
        let task = new_task(e.stage_id, e.stage_attempt_id, e.task_info);
        self.push_task(task);
    }

    fn push_task(&mut self, task: LoggedTask) -> usize {
        let i = self.app.tasks.len();
        self.task_index.insert(task.task_id, i);
        self.app.tasks.push(task);
        i
    }

    fn task_end(&mut self, e: TaskEnd, at: Where<'_>) {
        self.app.task_end_events += 1;
        let task_id = e.task_info.task_id;
        let kind = e.reason_kind();
        let i = match self.task_index.get(&task_id) {
            Some(&i) => i,
            None => {
                self.warnings.warn(warning::TASK_END_WITHOUT_START, || {
                    format!("{at}: task {task_id} ({kind})")
                });
                let task = new_task(e.stage_id, e.stage_attempt_id, e.task_info.clone());
                self.push_task(task)
            }
        };
        let task = &mut self.app.tasks[i];
        if task.end_reason.is_some() {
            if kind == TaskEndReasonKind::Resubmitted {
                task.resubmitted = true;
            } else {
                self.warnings.warn(warning::DUPLICATE_TASK_END, || {
                    format!("{at}: task {task_id} ended again ({kind}); keeping the first end")
                });
            }
            return;
        }
        finish_task(task, e, kind);
    }

    /// The finished application, and the fold's warnings.
    pub fn finish(mut self) -> (LoggedApplication, ReadStats) {
        if self.app.spark_version.is_empty() {
            self.app.spark_version = self
                .legacy_version
                .take()
                .unwrap_or_else(|| "unknown".to_owned());
        }
        self.add_block_manager_executors();
        self.warn_unregistered_executors();
        self.warn_unfinished();
        self.app.jobs = std::mem::take(&mut self.jobs)
            .into_values()
            .map(|s| s.job)
            .collect();
        self.app.stages = std::mem::take(&mut self.stages).into_values().collect();
        (self.app, self.warnings)
    }

    /// Executors known only from block managers: all of them if the log has no
    /// `ExecutorAdded` at all (local mode, Spark 1.x), else those that ran tasks.
    fn add_block_manager_executors(&mut self) {
        let no_executor_events = self.app.executors.is_empty();
        let only_one = self.block_managers.len() == 1;
        let ran_tasks: BTreeSet<&str> = self
            .app
            .tasks
            .iter()
            .map(|t| t.executor_id.as_str())
            .collect();
        let local_cores = self.app.master.as_deref().and_then(local_cores);
        let mut added = Vec::new();
        for b in &self.block_managers {
            let wanted = ran_tasks.contains(b.executor_id.as_str())
                || (no_executor_events && (b.executor_id != "driver" || only_one));
            if wanted && !self.executor_index.contains_key(&b.executor_id) {
                added.push(LoggedExecutor {
                    id: b.executor_id.clone(),
                    host: b.host.clone(),
                    cores: local_cores,
                    added_time: b.added,
                    removed_time: b.removed,
                    origin: ExecutorOrigin::BlockManager,
                    ..LoggedExecutor::default()
                });
            }
        }
        for executor in added {
            self.push_executor(executor);
        }
    }

    fn warn_unregistered_executors(&mut self) {
        let mut missing: BTreeMap<String, (String, u64)> = BTreeMap::new();
        for task in &self.app.tasks {
            if !self.executor_index.contains_key(&task.executor_id) {
                let entry = missing
                    .entry(task.executor_id.clone())
                    .or_insert_with(|| (task.host.clone(), 0));
                entry.1 += 1;
            }
        }
        for (id, (host, count)) in missing {
            self.warnings.warn(warning::UNREGISTERED_EXECUTOR, || {
                format!("executor {id} on {host} ran {count} task(s) but was never added")
            });
            self.push_executor(LoggedExecutor {
                id,
                host,
                origin: ExecutorOrigin::TasksOnly,
                ..LoggedExecutor::default()
            });
        }
    }

    fn warn_unfinished(&mut self) {
        let state = if self.app.in_progress {
            " (the log is in progress)"
        } else {
            ""
        };
        for (id, job) in &self.jobs {
            if !job.ended {
                self.warnings
                    .warn(warning::JOB_NEVER_ENDED, || format!("job {id}{state}"));
            }
        }
        for task in self.app.tasks.iter().filter(|t| t.end_reason.is_none()) {
            self.warnings.warn(warning::TASK_NEVER_ENDED, || {
                format!(
                    "task {} of stage {}.{}{state}",
                    task.task_id, task.stage_id, task.stage_attempt_id
                )
            });
        }
        for stage in self.stages.values() {
            for attempt in stage.attempts.iter().filter(|a| !a.completed) {
                self.warnings.warn(warning::STAGE_NEVER_COMPLETED, || {
                    format!("stage {}.{}{state}", stage.id, attempt.attempt_id)
                });
            }
        }
        if !self.saw_app_start {
            self.warnings
                .warn(warning::NO_APPLICATION_START, || self.app.source.clone());
        }
        if !self.app.completed {
            self.warnings.warn(warning::NO_APPLICATION_END, || {
                format!("{}{state}", self.app.source)
            });
        }
    }
}

/// The attempt of `info` in `stage`, created if new (attempts stay sorted by id).
fn attempt_entry<'a>(stage: &'a mut LoggedStage, info: &StageInfo) -> &'a mut LoggedStageAttempt {
    let pos = stage
        .attempts
        .binary_search_by_key(&info.attempt_id, |a| a.attempt_id);
    let i = pos.unwrap_or_else(|i| {
        let attempt = LoggedStageAttempt {
            attempt_id: info.attempt_id,
            num_tasks: info.num_tasks,
            ..LoggedStageAttempt::default()
        };
        stage.attempts.insert(i, attempt);
        i
    });
    &mut stage.attempts[i]
}

fn new_task(stage_id: i64, stage_attempt_id: i64, info: TaskInfo) -> LoggedTask {
    LoggedTask {
        task_id: info.task_id,
        stage_id,
        stage_attempt_id,
        index: info.index,
        partition: info.partition(),
        attempt: info.attempt,
        launch_time: info.launch_time,
        getting_result_time: info.getting_result_time,
        executor_id: info.executor_id,
        host: info.host,
        locality: info.locality,
        speculative: info.speculative,
        ..LoggedTask::default()
    }
}

fn finish_task(task: &mut LoggedTask, e: TaskEnd, kind: TaskEndReasonKind) {
    let info = e.task_info;
    task.finish_time = Some(info.finish_time);
    task.getting_result_time = info.getting_result_time;
    task.failed = info.failed;
    task.killed = info.killed;
    task.task_type = e.task_type;
    task.end_reason = Some(kind);
    task.end_reason_text = e.reason.and_then(|r| r.text);
    task.metrics = e.metrics;
}

/// N of `local[N]`, `local[N,F]` or `local` (1); `None` for `local[*]` and other masters.
fn local_cores(master: &str) -> Option<i64> {
    let master = master.trim();
    if master == "local" {
        return Some(1);
    }
    let inner = master.strip_prefix("local[")?.strip_suffix(']')?;
    inner.split(',').next()?.trim().parse().ok()
}

/// The file and line of an event, for warnings.
#[derive(Clone, Copy)]
struct Where<'a>(Option<(&'a Path, u64)>);

impl std::fmt::Display for Where<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some((path, line)) => write!(f, "{}:{line}", path.display()),
            None => f.write_str("?"),
        }
    }
}
