//! The discrete-event engine: a workload runs on a cluster in virtual time, and the
//! `policies` core (Spark's `TaskSchedulerImpl`) makes every scheduling decision.
//!
//! The event order follows spec §9. A job arrives (`JobStart`), its ready stages are
//! submitted as task sets, each submission triggers a full offer round. When an attempt
//! ends, its status update frees the cores and triggers an offer round right away — the
//! finishing executor's cores in cluster mode, every free core in local mode — and only then
//! (same instant, later in the queue) is its result handled: success or failure, stage and
//! job completion, child stages. Cluster backends also make a full round every
//! `spark.scheduler.revive.interval`. Killed attempts keep their cores until the kill lands.
//!
//! Time is integer milliseconds; the queue orders events by (time, insertion order), so a
//! run is a pure function of its inputs.

use crate::cluster::ExecutorSpec;
use crate::dag_scheduler::{DagScheduler, JobOutcome, Progress, StageStatus};
use crate::event_queue::EventQueue;
use crate::knobs::SimKnobs;
use crate::records::{AttemptStatus, ExecutorRecord, JobRecord, JobStatus, SimOutput, TaskRecord};
use crate::time::SimTime;
use policies::executors::{ExecId, HostId};
use policies::locality::TaskLocation;
use policies::offer_shuffle::OfferShuffle;
use policies::scheduling_mode::SchedulingMode;
use policies::task_scheduler_impl::{
    SchedulerSettings, TaskLaunch, TaskSchedulerImpl, WorkerOffer,
};
use policies::task_set_manager::{TaskFailedReason, TaskId, TaskSet, TsmId};
use std::collections::VecDeque;
use workloads::model::Workload;

/// Everything a run needs besides the workload.
#[derive(Clone, Debug)]
pub struct SimSetup {
    pub root_mode: SchedulingMode,
    /// The root's pools in order (FAIR mode): name, mode, minShare, weight.
    pub pools: Vec<(String, SchedulingMode, i32, i32)>,
    pub scheduler: SchedulerSettings,
    pub executors: Vec<ExecutorSpec>,
    /// Local mode: one executor, every completion offers all free cores, no revive timer.
    pub local_mode: bool,
    pub revive_interval_ms: u64,
    pub knobs: SimKnobs,
    /// Seed of the offer shuffle; `None` keeps offers in executor order (Spark's tests).
    pub shuffle_seed: Option<u64>,
    /// Slow executors or hosts.
    pub slowdowns: crate::stragglers::Slowdowns,
}

#[derive(Clone, Copy, Debug)]
enum Event {
    JobSubmit(u32),
    SubmitTaskSet(u32),
    /// The launch window has passed: the attempt's slot time is now known.
    Settle(TaskId),
    TaskEnd(TaskId),
    ResultHandled(TaskId),
    KillLanded(TaskId),
    Revive,
    /// `checkSpeculatableTasks`, every `spark.speculation.interval` (cluster modes only).
    SpeculationTick,
    JobEnd(u32),
}

#[derive(Clone, Copy, Debug)]
enum Offer {
    All,
    One(usize),
}

struct SimExecutor {
    id: ExecId,
    host: HostId,
    free: u32,
}

struct Attempt {
    record: u32,
    executor: usize,
    host: usize,
    /// Duration plus the cluster-mode costs known at launch.
    duration: u64,
    fails: bool,
    done: bool,
}

/// One run of a workload.
pub struct Simulation<'w> {
    workload: &'w Workload,
    setup: SimSetup,
    scheduler: TaskSchedulerImpl,
    dag: DagScheduler,
    queue: EventQueue<Event>,
    executors: Vec<SimExecutor>,
    executor_of: Vec<Option<usize>>,
    attempts: Vec<Attempt>,
    stage_tsm: Vec<Option<TsmId>>,
    successors: Vec<Vec<usize>>,
    recent_launches: Vec<VecDeque<u64>>,
    /// (stage, executor) pairs that have run a task: the first one pays for deserialization.
    stage_seen_on: std::collections::HashSet<(u32, usize)>,
    jobs_left: usize,
    out: SimOutput,
    /// Spark job ids to give the jobs instead of submission order (see [`Simulation::with_job_ids`]).
    job_ids: Option<Vec<u64>>,
}

impl<'w> Simulation<'w> {
    /// Prepares a run; the workload must have been validated.
    pub fn new(workload: &'w Workload, setup: SimSetup) -> Self {
        let pool_defs: Vec<_> = setup
            .pools
            .iter()
            .map(|(n, m, s, w)| (n.as_str(), *m, *s, *w))
            .collect();
        let shuffle = setup
            .shuffle_seed
            .map_or(OfferShuffle::Identity, OfferShuffle::seeded);
        let mut scheduler = TaskSchedulerImpl::new(
            setup.scheduler.clone(),
            setup.root_mode,
            &pool_defs,
            shuffle,
        );
        let executors = register_executors(&mut scheduler, &setup.executors);
        let mut executor_of = Vec::new();
        for (i, e) in executors.iter().enumerate() {
            let slot = e.id.0 as usize;
            executor_of.resize(executor_of.len().max(slot + 1), None);
            executor_of[slot] = Some(i);
        }
        let mut successors = vec![Vec::new(); workload.jobs.len()];
        for (j, job) in workload.jobs.iter().enumerate() {
            if let Some(after) = job.after {
                successors[after.job].push(j);
            }
        }
        let hosts = executors
            .iter()
            .map(|e| e.host.0 as usize + 1)
            .max()
            .unwrap_or(0);
        let mut sim = Simulation {
            workload,
            scheduler,
            dag: DagScheduler::new(workload.jobs.len()),
            queue: EventQueue::new(),
            executors,
            executor_of,
            attempts: Vec::new(),
            stage_tsm: Vec::new(),
            successors,
            recent_launches: vec![VecDeque::new(); hosts],
            stage_seen_on: std::collections::HashSet::new(),
            jobs_left: workload.jobs.len(),
            out: SimOutput::default(),
            job_ids: None,
            setup,
        };
        sim.init_records();
        sim
    }

    fn init_records(&mut self) {
        self.out.jobs = self
            .workload
            .jobs
            .iter()
            .map(|job| JobRecord {
                job_id: None,
                name: job.name.clone(),
                pool: job.pool.clone().unwrap_or_else(|| "default".to_string()),
                submit_ms: None,
                first_launch_ms: None,
                end_ms: None,
                tasks: job.num_tasks(),
                status: JobStatus::NotRun,
                failure: None,
                stage_ids: Vec::new(),
            })
            .collect();
        self.out.executors = self
            .setup
            .executors
            .iter()
            .map(|e| ExecutorRecord {
                executor_id: e.id.clone(),
                host: e.host.clone(),
                cores: e.cores,
                added_ms: 0,
                removed_ms: None,
            })
            .collect();
        self.out.slots = self
            .setup
            .executors
            .iter()
            .map(|e| e.cores / self.setup.scheduler.task_cpus.max(1))
            .sum();
    }

    /// Gives workload job `j` the Spark job id `ids[j]` (its FIFO priority and its id in the
    /// records) instead of the next id in submission order. A replay uses the log's ids: Spark
    /// takes a job's id when the thread calls `submitJob`, before the DAG scheduler stamps its
    /// submission, so two jobs submitted nearly together can have ids out of submission order.
    /// Jobs beyond `ids` keep submission-order ids.
    pub fn with_job_ids(mut self, ids: Vec<u64>) -> Self {
        self.job_ids = Some(ids);
        self
    }

    /// Runs to the end and returns the records.
    pub fn run(mut self) -> SimOutput {
        self.schedule_arrivals();
        if !self.setup.local_mode && self.setup.revive_interval_ms > 0 {
            self.queue.push(SimTime::ZERO, Event::Revive);
        }
        if let Some(interval) = self.speculation_interval() {
            self.queue
                .push(SimTime::from_ms(interval), Event::SpeculationTick);
        }
        while let Some((time, event)) = self.queue.pop() {
            self.out.stats.events += 1;
            self.out.end_ms = time.as_ms();
            self.handle(time.as_ms(), event);
        }
        self.finish()
    }

    fn schedule_arrivals(&mut self) {
        let latency = self.setup.knobs.job_submit_latency_ms;
        let mut open: Vec<usize> = (0..self.workload.jobs.len())
            .filter(|&j| self.workload.jobs[j].after.is_none())
            .collect();
        open.sort_by_key(|&j| (self.workload.jobs[j].submit_ms, j));
        for j in open {
            let t = SimTime::from_ms(self.workload.jobs[j].submit_ms + latency);
            self.queue
                .push_lane(t, Event::JobSubmit(j as u32))
                .expect("arrivals are pushed in time order");
        }
    }

    fn handle(&mut self, now: u64, event: Event) {
        match event {
            Event::JobSubmit(j) => self.on_job_submit(now, j as usize),
            Event::SubmitTaskSet(s) => self.on_submit_task_set(now, s),
            Event::Settle(tid) => self.on_settle(now, tid),
            Event::TaskEnd(tid) => self.on_task_end(now, tid),
            Event::ResultHandled(tid) => self.on_result(now, tid),
            Event::KillLanded(tid) => self.on_kill_landed(now, tid),
            Event::Revive => self.on_revive(now),
            Event::SpeculationTick => self.on_speculation_tick(now),
            Event::JobEnd(j) => self.on_job_end(now, j as usize),
        }
    }

    fn on_job_submit(&mut self, now: u64, j: usize) {
        let (job_id, ready) = self.dag.submit_job(j, &self.workload.jobs[j]);
        let job_id = self
            .job_ids
            .as_ref()
            .and_then(|ids| ids.get(j).copied())
            .unwrap_or(job_id);
        let record = &mut self.out.jobs[j];
        record.job_id = Some(job_id);
        record.submit_ms = Some(now);
        record.stage_ids = self
            .dag
            .job(j)
            .map(|a| a.stage_ids.clone())
            .unwrap_or_default();
        self.stage_tsm.resize(
            self.stage_tsm.len() + self.workload.jobs[j].stages.len(),
            None,
        );
        let at = now + self.setup.knobs.job_start_latency_ms;
        for s in ready {
            self.queue
                .push(SimTime::from_ms(at), Event::SubmitTaskSet(s));
        }
    }

    fn on_submit_task_set(&mut self, now: u64, stage_id: u32) {
        // The job may have failed between the decision and this (delayed) submission: Spark
        // creates the task set in the same step that finishes the parent, so it is cancelled
        // with the job.
        if self.dag.stage(stage_id).status != StageStatus::Submitted {
            return;
        }
        if let Some(progress) = self.dag.finish_if_empty(stage_id) {
            self.apply_progress(now, progress);
            return;
        }
        let (task_set, pool) = self.task_set_for(stage_id);
        let (tsm, placement) = self.scheduler.submit_tasks(now, task_set, pool.as_deref());
        if let Some(name) = placement.created_pool {
            self.out.warnings.push(format!(
                "pool '{name}' is not configured: Spark created it with FIFO mode, weight 1, minShare 0"
            ));
        }
        self.stage_tsm[stage_id as usize] = Some(tsm);
        self.offer_round(now, Offer::All);
    }

    fn task_set_for(&mut self, stage_id: u32) -> (TaskSet, Option<String>) {
        let st = self.dag.stage(stage_id);
        let job = &self.workload.jobs[st.job];
        let stage = &job.stages[st.index_in_job];
        let registry = &mut self.scheduler.ctx.executors;
        let preferred_locations = match &stage.task_preferred_hosts {
            Some(hosts) => hosts
                .iter()
                .map(|hs| {
                    hs.iter()
                        .map(|h| TaskLocation::Host(registry.host(h)))
                        .collect()
                })
                .collect(),
            None => vec![Vec::new(); st.num_tasks],
        };
        let priority = self.out.jobs[st.job].job_id.unwrap_or(0);
        let ts = TaskSet {
            stage_id,
            stage_attempt: 0,
            priority,
            preferred_locations,
            partitions: None,
            is_barrier: false,
        };
        (ts, job.pool.clone())
    }

    fn on_revive(&mut self, now: u64) {
        if self.jobs_left == 0 {
            return;
        }
        self.offer_round(now, Offer::All);
        self.queue.push(
            SimTime::from_ms(now + self.setup.revive_interval_ms),
            Event::Revive,
        );
    }

    /// The speculation check's period, when speculation is on (the setup leaves it off in
    /// local mode, as Spark does).
    fn speculation_interval(&self) -> Option<u64> {
        let spec = self.setup.scheduler.tsm.speculation.as_ref()?;
        Some(spec.interval_ms.max(1))
    }

    /// Spark's speculation thread: a fixed-delay check; a new candidate triggers a full offer
    /// round (`reviveOffers`).
    fn on_speculation_tick(&mut self, now: u64) {
        if self.jobs_left == 0 {
            return;
        }
        if self.scheduler.check_speculatable_tasks(now) {
            self.offer_round(now, Offer::All);
        }
        if let Some(interval) = self.speculation_interval() {
            self.queue
                .push(SimTime::from_ms(now + interval), Event::SpeculationTick);
        }
    }

    /// An offer round: all executors (full) or one executor's free cores (partial).
    fn offer_round(&mut self, now: u64, scope: Offer) {
        let offers: Vec<WorkerOffer> = match scope {
            Offer::All => self
                .executors
                .iter()
                .map(|e| WorkerOffer {
                    executor: e.id,
                    host: e.host,
                    cores: e.free,
                })
                .collect(),
            Offer::One(i) => {
                let e = &self.executors[i];
                vec![WorkerOffer {
                    executor: e.id,
                    host: e.host,
                    cores: e.free,
                }]
            }
        };
        let all_free = self.setup.local_mode || matches!(scope, Offer::All);
        let launches = self.scheduler.resource_offers(now, &offers, all_free);
        self.out.stats.offer_rounds += 1;
        for launch in launches {
            self.launch(now, &launch);
        }
    }

    /// Slot time beyond the task's duration: a base plus a share for every other launch on
    /// the same host within ±window of this one (the launch cost of a busy driver and host).
    fn launch_overhead(&self, launch_ms: u64, host: usize) -> u64 {
        let k = &self.setup.knobs;
        let window = k.concurrent_launch_window_ms;
        let lo = launch_ms.saturating_sub(window);
        let near = self.recent_launches[host]
            .iter()
            .filter(|&&t| t >= lo && t <= launch_ms + window)
            .count() as u64;
        k.task_launch_overhead_ms + k.concurrent_launch_overhead_ms * near.saturating_sub(1)
    }

    /// What a task costs beyond local mode on a real cluster: every task's RPCs, and the
    /// first task of a stage on an executor deserializing the stage (`sparksim.task.*`).
    fn cluster_costs(&mut self, stage_id: u32, executor: usize) -> u64 {
        if self.setup.local_mode {
            return 0;
        }
        let k = &self.setup.knobs;
        let first = self.stage_seen_on.insert((stage_id, executor));
        k.cluster_launch_overhead_ms
            + if first {
                k.first_on_executor_overhead_ms
            } else {
                0
            }
    }

    fn remember_launch(&mut self, now: u64, host: usize) {
        let horizon = 2 * self.setup.knobs.concurrent_launch_window_ms;
        let recent = &mut self.recent_launches[host];
        while recent.front().is_some_and(|&t| t + horizon < now) {
            recent.pop_front();
        }
        recent.push_back(now);
    }

    fn launch(&mut self, now: u64, l: &TaskLaunch) {
        let executor =
            self.executor_of[l.executor.0 as usize].expect("offers come from known executors");
        self.executors[executor].free -= l.cpus;
        let st = self.dag.stage(l.stage_id);
        let job = st.job;
        let stage = &self.workload.jobs[job].stages[st.index_in_job];
        let task = l.index as usize;
        let nominal = stage.attempt_duration_ms(task, l.attempt_number);
        let spec = &self.setup.executors[executor];
        let work = self
            .setup
            .slowdowns
            .duration(nominal, &spec.id, &spec.host, now);
        let duration = work + self.cluster_costs(l.stage_id, executor);
        let fails = l.attempt_number < stage.failures_of(task);
        let host = l.host.0 as usize;
        self.remember_launch(now, host);
        let record = self.out.tasks.len() as u32;
        self.out.tasks.push(TaskRecord {
            job: job as u32,
            stage_id: l.stage_id,
            stage_attempt: l.stage_attempt,
            task_index: l.index,
            attempt: l.attempt_number,
            executor: executor as u32,
            launch_ms: now,
            finish_ms: now,
            status: AttemptStatus::Running,
            speculative: l.speculative,
        });
        debug_assert_eq!(self.attempts.len() as u64, l.task_id);
        self.attempts.push(Attempt {
            record,
            executor,
            host,
            duration,
            fails,
            done: false,
        });
        self.out.jobs[job].first_launch_ms.get_or_insert(now);
        self.out.stats.launches += 1;
        self.scheduler.tsm_mut(l.tsm).launch_succeeded(l.task_id);
        let settle = now + self.setup.knobs.concurrent_launch_window_ms;
        self.queue
            .push(SimTime::from_ms(settle), Event::Settle(l.task_id));
    }

    /// Every launch within the window is known: schedule the attempt's end.
    fn on_settle(&mut self, now: u64, tid: TaskId) {
        let a = &self.attempts[tid as usize];
        let launch_ms = self.out.tasks[a.record as usize].launch_ms;
        let end = (launch_ms + a.duration + self.launch_overhead(launch_ms, a.host)).max(now);
        self.queue.push(SimTime::from_ms(end), Event::TaskEnd(tid));
    }

    /// The attempt's terminal status reaches the driver: free its cores, offer them, and
    /// handle the result right after.
    fn end_attempt(&mut self, now: u64, tid: TaskId, status: AttemptStatus) -> bool {
        let attempt = &mut self.attempts[tid as usize];
        if attempt.done {
            return false;
        }
        attempt.done = true;
        let executor = attempt.executor;
        let record = &mut self.out.tasks[attempt.record as usize];
        record.finish_ms = now;
        record.status = status;
        self.scheduler.status_update_terminal(tid);
        self.executors[executor].free += self.setup.scheduler.task_cpus;
        let scope = if self.setup.local_mode {
            Offer::All
        } else {
            Offer::One(executor)
        };
        self.offer_round(now, scope);
        true
    }

    fn on_task_end(&mut self, now: u64, tid: TaskId) {
        let fails = self.attempts[tid as usize].fails;
        let status = if fails {
            AttemptStatus::Failed
        } else {
            AttemptStatus::Success
        };
        if self.end_attempt(now, tid, status) {
            self.queue
                .push(SimTime::from_ms(now), Event::ResultHandled(tid));
        }
    }

    fn on_kill_landed(&mut self, now: u64, tid: TaskId) {
        if self.end_attempt(now, tid, AttemptStatus::Killed) {
            self.scheduler.handle_failed_task(
                now,
                tid,
                TaskFailedReason::TaskKilled("killed".to_string()),
            );
        }
    }

    fn on_result(&mut self, now: u64, tid: TaskId) {
        let record = &self.out.tasks[self.attempts[tid as usize].record as usize];
        let (stage_id, partition) = (record.stage_id, record.task_index);
        if record.status == AttemptStatus::Failed {
            self.on_failed_result(now, tid, stage_id);
            return;
        }
        let outcome = self.scheduler.handle_successful_task(now, tid);
        if outcome.converted_to_kill {
            self.out.tasks[self.attempts[tid as usize].record as usize].status =
                AttemptStatus::Killed;
        }
        for kill in outcome.kills {
            self.request_kill(now, kill);
        }
        if outcome.first_success {
            let progress = self.dag.task_succeeded(stage_id, partition);
            self.apply_progress(now, progress);
        }
    }

    fn on_failed_result(&mut self, now: u64, tid: TaskId, stage_id: u32) {
        let reason = TaskFailedReason::ExceptionFailure("injected failure".to_string());
        let (outcome, revive) = self.scheduler.handle_failed_task(now, tid, reason);
        if let Some(message) = outcome.aborted {
            self.abort_stage(now, stage_id, &message);
        } else if revive {
            self.offer_round(now, Offer::All);
        }
    }

    fn request_kill(&mut self, now: u64, tid: TaskId) {
        let at = now + self.setup.knobs.kill_latency_ms;
        self.queue
            .push(SimTime::from_ms(at), Event::KillLanded(tid));
    }

    fn apply_progress(&mut self, now: u64, progress: Progress) {
        let at = SimTime::from_ms(now + self.setup.knobs.stage_submit_latency_ms);
        for s in progress.ready {
            self.queue.push(at, Event::SubmitTaskSet(s));
        }
        if let Some(job) = progress.job_finished {
            self.kill_job_attempts(now, job);
            let at = SimTime::from_ms(now + self.setup.knobs.job_end_latency_ms);
            self.queue.push(at, Event::JobEnd(job as u32));
        }
    }

    /// A finished or failed job's remaining attempts are killed and its task sets suspended.
    fn kill_job_attempts(&mut self, now: u64, job: usize) {
        let stage_ids = self
            .dag
            .job(job)
            .map(|a| a.stage_ids.clone())
            .unwrap_or_default();
        for s in stage_ids {
            let Some(tsm) = self.stage_tsm[s as usize] else {
                continue;
            };
            let running: Vec<TaskId> = self.scheduler.tsm(tsm).running_task_ids().collect();
            self.scheduler.abort_task_set(tsm);
            for tid in running {
                self.request_kill(now, tid);
            }
        }
    }

    fn abort_stage(&mut self, now: u64, stage_id: u32, message: &str) {
        if let Some((job, _)) = self.dag.stage_aborted(stage_id, message) {
            self.out.jobs[job].failure = Some(message.to_string());
            self.kill_job_attempts(now, job);
            let at = SimTime::from_ms(now + self.setup.knobs.job_end_latency_ms);
            self.queue.push(at, Event::JobEnd(job as u32));
        }
    }

    fn on_job_end(&mut self, now: u64, j: usize) {
        let succeeded = matches!(
            self.dag.job(j).map(|a| &a.outcome),
            Some(JobOutcome::Succeeded)
        );
        let record = &mut self.out.jobs[j];
        record.end_ms = Some(now);
        record.status = if succeeded {
            JobStatus::Succeeded
        } else {
            JobStatus::Failed
        };
        self.jobs_left -= 1;
        for next in self.successors[j].clone() {
            if succeeded {
                self.submit_chained(now, next);
            } else {
                self.skip_chain(next);
            }
        }
    }

    fn submit_chained(&mut self, now: u64, next: usize) {
        let job = &self.workload.jobs[next];
        let k = &self.setup.knobs;
        let gap = job.after.map_or(0, |a| a.gap_ms);
        let at = (job.submit_ms + k.job_submit_latency_ms).max(now + gap + k.job_chain_latency_ms);
        self.queue
            .push(SimTime::from_ms(at), Event::JobSubmit(next as u32));
    }

    /// A failed job's thread stops: its chained successors never run.
    fn skip_chain(&mut self, j: usize) {
        self.jobs_left -= 1;
        self.out.jobs[j].failure = Some("not run: a job it was chained after failed".to_string());
        for next in self.successors[j].clone() {
            self.skip_chain(next);
        }
    }

    fn finish(mut self) -> SimOutput {
        for job in self
            .out
            .jobs
            .iter_mut()
            .filter(|j| j.submit_ms.is_some() && j.end_ms.is_none())
        {
            let why = "submitted but never finished: its pending tasks found no offer they accept \
                       (e.g. a locality preference no executor satisfies; local mode has no periodic revive)";
            job.failure = Some(why.to_string());
            self.out
                .warnings
                .push(format!("job {} ({}) was {why}", job.name, job.pool));
        }
        self.out.pools = self
            .scheduler
            .pools()
            .pools()
            .skip(1)
            .map(|(_, p)| (p.name.clone(), p.mode.to_string(), p.weight, p.min_share))
            .collect();
        self.out
    }
}

fn register_executors(
    scheduler: &mut TaskSchedulerImpl,
    specs: &[ExecutorSpec],
) -> Vec<SimExecutor> {
    specs
        .iter()
        .map(|e| {
            let registry = &mut scheduler.ctx.executors;
            let host = registry.host(&e.host);
            let id = registry.executor(&e.id);
            SimExecutor {
                id,
                host,
                free: e.cores,
            }
        })
        .collect()
}
