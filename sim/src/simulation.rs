//! The discrete-event engine: a workload runs on a cluster in virtual time, and the
//! `policies` core (Spark's `TaskSchedulerImpl`, and with dynamic allocation its
//! `ExecutorAllocationManager`) makes every scheduling decision.
//!
//! The event order follows spec §9. A job arrives (`JobStart`), its ready stages are
//! submitted as task sets, each submission triggers a full offer round. When an attempt
//! ends, its status update frees the cores and triggers an offer round right away — the
//! finishing executor's cores in cluster mode, every free core in local mode — and only then
//! (same instant, later in the queue) is its result handled: success or failure, stage and
//! job completion, child stages. Cluster backends also make a full round every
//! `spark.scheduler.revive.interval`. Killed attempts keep their cores until the kill lands.
//!
//! **Executors that come and go** ([`crate::executors`]). When a cluster manager is in the
//! loop — dynamic allocation, executors lost, or several applications on one cluster
//! ([`Simulation::with_applications`]) — each application is a driver of its own (scheduler,
//! pools, allocation manager) and asks the shared cluster manager for executors: a standalone
//! Master serving applications in submission order, or a YARN/K8s resource manager. The
//! allocation manager is driven as its module docs say: `start()` at the application's start,
//! `schedule()` every 100 ms from there, listener events as they happen (job start/end with
//! the shuffle ids of map stages, stage submitted/completed, task start/end, speculative copies
//! submitted, cached blocks of `cached` stages, executors added at *registration* and removed),
//! `RequestTotalExecutors` as the Master's executor limit (a level), kills taking effect for
//! offers at once and for the cluster after the removal latency. Without any of that (local
//! mode, static executors) the executors are fixed and all up at time 0, exactly as before.
//!
//! Time is integer milliseconds; the queue orders events by (time, insertion order), so a
//! run is a pure function of its inputs.

use crate::cluster::{ExecutorSpec, Granted, ResourceManager, SharedMaster};
use crate::dag_scheduler::{DagScheduler, JobOutcome, Progress, StageStatus};
use crate::event_queue::EventQueue;
use crate::executors::{Lifecycle, ManagerPlan, RequestTimes, latency_rng};
use crate::knobs::SimKnobs;
use crate::records::{
    ApplicationRecord, AttemptStatus, ExecutorDetail, ExecutorRecord, JobRecord, JobStatus,
    RemovalReason, SimOutput, TaskRecord,
};
use crate::time::SimTime;
use policies::executor_allocation_manager::{
    AllocationDecision, BlockStorageLevel, DEFAULT_RESOURCE_PROFILE_ID, ExecutorAllocationManager,
    SCHEDULE_INTERVAL_MS, StageSubmitted, TaskEnd as AllocTaskEnd, TaskEndReason,
    TaskStart as AllocTaskStart,
};
use policies::executors::{ExecId, HostId};
use policies::locality::TaskLocation;
use policies::offer_shuffle::OfferShuffle;
use policies::scheduling_mode::SchedulingMode;
use policies::task_scheduler_impl::{
    SchedulerSettings, TaskLaunch, TaskSchedulerImpl, WorkerOffer,
};
use policies::task_set_manager::{TaskFailedReason, TaskId, TaskSet, TsmId};
use rand::rngs::ChaCha8Rng;
use std::collections::{BTreeSet, VecDeque};
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
    /// How executors come and go (dynamic allocation, latencies, losses); the default keeps
    /// `executors` fixed and up from time 0.
    pub lifecycle: Lifecycle,
}

/// No event but periodic checks for this long, with none left to come: the run is stuck
/// (e.g. tasks no executor accepts); periodic checks stop re-arming.
const STALL_MS: u64 = 3_600_000;

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
    /// The application registers with the cluster manager (several applications).
    AppStart,
    /// `SparkContext.stop()`: the last job ended `tail_ms` ago.
    AppStop,
    /// `ExecutorAllocationManager.schedule()`.
    AllocationTick,
    /// A granted executor registers (index into the cluster's grants).
    ExecutorRegistered(u32),
    /// A registered executor's cores are offered (index into the driver's executors).
    ExecutorReady(u32),
    /// A killed executor is gone (index into the driver's executors).
    ExecutorRemoved(u32),
    /// An injected loss (index into the lifecycle's losses).
    ExecutorLost(u32),
    /// The ContextCleaner cleaned a shuffle (its map stage's id).
    ShuffleCleaned(u32),
}

impl Event {
    /// Periodic checks, which keep coming while there is work.
    fn is_periodic(self) -> bool {
        matches!(
            self,
            Event::Revive | Event::SpeculationTick | Event::AllocationTick
        )
    }
}

#[derive(Clone, Copy, Debug)]
enum Offer {
    All,
    One(usize),
}

/// What the offer rounds read (kept small: full rounds walk every executor).
struct SimExecutor {
    id: ExecId,
    host: HostId,
    free: u32,
    /// Offered to the scheduler (registered, ready, not killed, not removed).
    active: bool,
}

/// The rest of an executor's state, parallel to the executors.
struct ExecLife {
    cores: u32,
    /// Registered and not removed (still counts for the cluster and the allocation manager).
    alive: bool,
    killed: bool,
    /// Started during the run: what its first task pays for the cold JVM (0 once paid).
    cold_ms: u64,
    /// The cluster's grant it came from.
    grant: Option<u32>,
}

struct Attempt {
    record: u32,
    executor: usize,
    host: usize,
    /// Duration plus the cluster-mode costs known at launch.
    duration: u64,
    fails: bool,
    done: bool,
    speculative: bool,
}

/// An executor a cluster manager started.
struct Grant {
    app: usize,
    executor_id: String,
    host: String,
    cores: u32,
    /// The cold-start overhead of its first task (drawn at launch).
    cold_ms: u64,
    cancelled: bool,
}

enum Cluster {
    None,
    Standalone(SharedMaster),
    ResourceManager(ResourceManager),
}

/// What the applications share: time, the cluster manager.
struct Shared {
    /// Events with their application's index (a `u64`: written and read whole).
    queue: EventQueue<(Event, u64)>,
    cluster: Cluster,
    grants: Vec<Grant>,
    /// The cluster manager should run `schedule()`.
    dirty: bool,
    multi: bool,
    /// Events queued that are not periodic checks.
    work_queued: usize,
    /// Time of the last event that was not a periodic check.
    last_work_ms: u64,
}

impl Shared {
    fn push(&mut self, time: u64, app: u32, event: Event) {
        if !event.is_periodic() {
            self.work_queued += 1;
        }
        self.queue
            .push(SimTime::from_ms(time), (event, u64::from(app)));
    }

    /// Whether periodic checks should stop: nothing else can happen any more.
    fn stalled(&self, now: u64) -> bool {
        self.work_queued == 0 && now > self.last_work_ms + STALL_MS
    }

    fn set_limit(&mut self, app: usize, target: Option<u32>) {
        match &mut self.cluster {
            Cluster::Standalone(m) => m.set_executor_limit(app, target),
            Cluster::ResourceManager(r) => r.set_target(app, target),
            Cluster::None => return,
        }
        self.dirty = true;
    }

    fn remove_executor(&mut self, app: usize, id: &str) {
        match &mut self.cluster {
            Cluster::Standalone(m) => {
                m.remove_executor(app, id);
            }
            Cluster::ResourceManager(r) => {
                r.remove_executor(app, id);
            }
            Cluster::None => return,
        }
        self.dirty = true;
    }
}

/// One application's driver: its DAG and task schedulers, allocation manager and records.
struct Driver<'w> {
    index: u32,
    workload: &'w Workload,
    setup: SimSetup,
    submit_ms: u64,
    scheduler: TaskSchedulerImpl,
    dag: DagScheduler,
    executors: Vec<SimExecutor>,
    lives: Vec<ExecLife>,
    /// Executors whose cold-start overhead is still to be paid.
    cold_pending: usize,
    executor_of: Vec<Option<usize>>,
    attempts: Vec<Attempt>,
    stage_tsm: Vec<Option<TsmId>>,
    successors: Vec<Vec<usize>>,
    recent_launches: Vec<VecDeque<u64>>,
    /// (stage, executor) pairs that have run a task: the first one pays for deserialization.
    /// Per executor, the stages it has run a task of (pruned to running stages when long).
    stages_seen: Vec<Vec<u32>>,
    jobs_left: usize,
    out: SimOutput,
    /// Spark job ids to give the jobs instead of submission order (see [`Simulation::with_job_ids`]).
    job_ids: Option<Vec<u64>>,
    /// A cluster manager grants the executors.
    managed: bool,
    stopped: bool,
    end_ms: Option<u64>,
    allocation: Option<ExecutorAllocationManager>,
    request_times: RequestTimes,
    target_series: Vec<(u64, u32)>,
    rng: ChaCha8Rng,
    startup_draws: usize,
    cold_draws: usize,
    removal_draws: usize,
    /// Executors granted at this instant register at once, warm.
    warm_window: bool,
    /// Grants not registered yet.
    starting: BTreeSet<u32>,
    /// Stages reported to the allocation manager as submitted and not yet as completed.
    stages_open: BTreeSet<u32>,
    /// Executors the application asks for without dynamic allocation (for the wait metric).
    asked_static: u32,
    wait: WaitTracker,
}

/// Time jobs waited for executors (see [`ApplicationRecord::executor_wait_ms`]).
#[derive(Default)]
struct WaitTracker {
    on: bool,
    waiting: bool,
    since: u64,
    app_ms: u64,
    job_ms: Vec<u64>,
    pending_by_stage: Vec<i64>,
    pending_by_job: Vec<i64>,
    pending_jobs: BTreeSet<usize>,
}

impl WaitTracker {
    fn add_pending(&mut self, stage: u32, job: usize, n: i64) {
        if !self.on {
            return;
        }
        let s = stage as usize;
        if self.pending_by_stage.len() <= s {
            self.pending_by_stage.resize(s + 1, 0);
        }
        self.pending_by_stage[s] += n;
        self.pending_by_job[job] += n;
        if self.pending_by_job[job] > 0 {
            self.pending_jobs.insert(job);
        } else {
            self.pending_jobs.remove(&job);
        }
    }

    fn clear_stage(&mut self, stage: u32, job: usize) {
        let left = self
            .pending_by_stage
            .get(stage as usize)
            .copied()
            .unwrap_or(0);
        if left != 0 {
            self.add_pending(stage, job, -left);
        }
    }

    fn accrue(&mut self, now: u64) {
        if self.waiting {
            let dt = now.saturating_sub(self.since);
            self.app_ms += dt;
            for &j in &self.pending_jobs {
                self.job_ms[j] += dt;
            }
        }
        self.since = now;
    }
}

/// One run of a workload, or of several applications sharing a cluster.
pub struct Simulation<'w> {
    apps: Vec<Driver<'w>>,
    shared: Shared,
}

impl<'w> Simulation<'w> {
    /// Prepares a run; the workload must have been validated.
    pub fn new(workload: &'w Workload, setup: SimSetup) -> Self {
        let mut shared = Shared {
            queue: EventQueue::new(),
            cluster: Cluster::None,
            grants: Vec::new(),
            dirty: false,
            multi: false,
            work_queued: 0,
            last_work_ms: 0,
        };
        let driver = Driver::new(0, workload, setup, 0, false);
        if driver.managed {
            shared.cluster = cluster_for(&driver.setup.lifecycle);
        }
        Simulation {
            apps: vec![driver],
            shared,
        }
    }

    /// Several applications on one cluster: `(workload, setup, submit_ms)` each, in submission
    /// order (ties keep the given order). Every setup must have a cluster manager
    /// (`sim::applications` builds them) and the same workers; the first one's are used.
    pub fn with_applications(apps: Vec<(&'w Workload, SimSetup, u64)>) -> Self {
        let mut apps = apps;
        apps.sort_by_key(|a| a.2);
        let drivers: Vec<Driver<'w>> = apps
            .into_iter()
            .enumerate()
            .map(|(i, (w, s, t))| Driver::new(i as u32, w, s, t, true))
            .collect();
        let cluster = drivers
            .iter()
            .find(|d| d.managed)
            .map_or(Cluster::None, |d| cluster_for(&d.setup.lifecycle));
        Simulation {
            apps: drivers,
            shared: Shared {
                queue: EventQueue::new(),
                cluster,
                grants: Vec::new(),
                dirty: false,
                multi: true,
                work_queued: 0,
                last_work_ms: 0,
            },
        }
    }

    /// Gives workload job `j` the Spark job id `ids[j]` (its FIFO priority and its id in the
    /// records) instead of the next id in submission order. A replay uses the log's ids: Spark
    /// takes a job's id when the thread calls `submitJob`, before the DAG scheduler stamps its
    /// submission, so two jobs submitted nearly together can have ids out of submission order.
    /// Jobs beyond `ids` keep submission-order ids. (The first application's jobs.)
    pub fn with_job_ids(mut self, ids: Vec<u64>) -> Self {
        self.apps[0].job_ids = Some(ids);
        self
    }

    /// Runs to the end and returns the records.
    pub fn run(mut self) -> SimOutput {
        if self.shared.multi {
            for a in 0..self.apps.len() {
                let t = self.apps[a].submit_ms;
                self.shared.push(t, a as u32, Event::AppStart);
            }
            let mut arrivals: Vec<(u64, usize, usize)> = Vec::new();
            for (a, d) in self.apps.iter().enumerate() {
                arrivals.extend(d.arrivals().into_iter().map(|(t, j)| (t, a, j)));
            }
            arrivals.sort_unstable();
            for (t, a, j) in arrivals {
                self.push_arrival(t, a, j);
            }
        } else {
            if self.apps[0].managed {
                self.start_app(0, 0);
            }
            let arrivals = self.apps[0].arrivals();
            for (t, j) in arrivals {
                self.push_arrival(t, 0, j);
            }
            self.apps[0].start_timers(&mut self.shared, 0);
        }
        let mut events = 0u64;
        let mut last = 0u64;
        while let Some((time, (event, app))) = self.shared.queue.pop() {
            events += 1;
            let now = time.as_ms();
            if !event.is_periodic() {
                self.shared.work_queued -= 1;
                self.shared.last_work_ms = now;
            }
            let a = app as usize;
            last = now;
            if let Event::AppStart = event {
                self.start_app(a, now);
            } else {
                let d = &mut self.apps[a];
                if d.wait.on {
                    d.wait.accrue(now);
                    d.handle(&mut self.shared, now, event);
                    d.update_wait();
                } else {
                    d.handle(&mut self.shared, now, event);
                }
            }
            if self.shared.dirty {
                self.cluster_schedule(now);
            }
        }
        for d in &mut self.apps {
            d.out.end_ms = last;
        }
        self.finish(events)
    }

    fn push_arrival(&mut self, t: u64, app: usize, j: usize) {
        self.shared.work_queued += 1;
        self.shared
            .queue
            .push_lane(
                SimTime::from_ms(t),
                (Event::JobSubmit(j as u32), app as u64),
            )
            .expect("arrivals are pushed in time order");
    }

    /// The application registers with its cluster manager: its initial executors (up at once
    /// and warm if granted now and it starts at time 0), its allocation manager's `start()`
    /// and first tick, its timers and losses.
    fn start_app(&mut self, a: usize, now: u64) {
        let d = &mut self.apps[a];
        if d.managed {
            let dynamic = d.allocation.is_some();
            let registered = match (&mut self.shared.cluster, &d.setup.lifecycle.manager) {
                (Cluster::Standalone(m), ManagerPlan::Standalone { request, .. }) => {
                    Some(m.add_app(*request, dynamic.then_some(0)))
                }
                (
                    Cluster::ResourceManager(r),
                    ManagerPlan::ResourceManager {
                        cores,
                        memory_mb,
                        instances,
                        ..
                    },
                ) => Some(r.add_app(
                    *cores,
                    *memory_mb,
                    if dynamic { Some(0) } else { Some(*instances) },
                )),
                _ => None,
            };
            debug_assert!(registered.is_none_or(|i| i == a));
            self.shared.dirty = true;
            if let Some(mut eam) = d.allocation.take() {
                let decisions = eam.start(now);
                d.allocation = Some(eam);
                d.apply_decisions(&mut self.shared, now, decisions);
            }
            d.warm_window = d.setup.lifecycle.initial_ready && now == 0;
        }
        self.cluster_schedule(now);
        let d = &mut self.apps[a];
        d.warm_window = false;
        d.out.slots = d
            .lives
            .iter()
            .filter(|l| l.alive)
            .map(|l| l.cores / d.setup.scheduler.task_cpus.max(1))
            .sum();
        if let Some(eam) = &mut d.allocation {
            // The warm-up jobs ran before t0: the manager has seen their stages.
            for k in 0..d.setup.lifecycle.warmup_stages {
                let id = u32::MAX - k;
                eam.on_stage_submitted(now, &StageSubmitted::new(id, 0, 0));
                eam.on_stage_completed(id, 0);
            }
            self.shared.push(now, a as u32, Event::AllocationTick);
        }
        for (k, loss) in d.setup.lifecycle.losses.iter().enumerate() {
            self.shared.push(
                d.submit_ms + loss.at_ms,
                a as u32,
                Event::ExecutorLost(k as u32),
            );
        }
        if self.shared.multi {
            d.start_timers(&mut self.shared, now);
            if d.jobs_left == 0 {
                d.schedule_stop(&mut self.shared, now);
            }
        }
        d.update_wait();
    }

    /// The cluster manager's `schedule()`: launches what it can, for any application.
    fn cluster_schedule(&mut self, now: u64) {
        self.shared.dirty = false;
        let granted: Vec<Granted> = match &mut self.shared.cluster {
            Cluster::Standalone(m) => m.schedule(),
            Cluster::ResourceManager(r) => r.schedule(),
            Cluster::None => Vec::new(),
        };
        for g in granted {
            let index = self.shared.grants.len() as u32;
            let d = &mut self.apps[g.app];
            let (latency, cold_ms) = if d.warm_window {
                (0, 0)
            } else {
                (d.draw_startup(), d.draw_cold())
            };
            self.shared.grants.push(Grant {
                app: g.app,
                executor_id: g.executor_id,
                host: g.host,
                cores: g.cores,
                cold_ms,
                cancelled: false,
            });
            if d.warm_window {
                d.register(&mut self.shared, now, index, true);
            } else {
                d.starting.insert(index);
                self.shared.push(
                    now + latency,
                    g.app as u32,
                    Event::ExecutorRegistered(index),
                );
            }
        }
    }

    fn finish(mut self, events: u64) -> SimOutput {
        let end_ms = self.apps.iter().map(|d| d.out.end_ms).max().unwrap_or(0);
        let multi = self.shared.multi;
        let mut out = SimOutput::default();
        let mut track = false;
        for d in &mut self.apps {
            d.wait.accrue(end_ms);
            track |= d.wait.on;
        }
        for d in self.apps {
            let app = d.index;
            let (record, mut o, job_wait, wait_on) = d.finish();
            let (joff, eoff) = (out.jobs.len() as u32, out.executors.len() as u32);
            if multi {
                out.job_apps.extend(std::iter::repeat_n(app, o.jobs.len()));
            }
            if track {
                if wait_on {
                    out.job_executor_wait_ms.extend(job_wait);
                } else {
                    out.job_executor_wait_ms
                        .extend(std::iter::repeat_n(0, o.jobs.len()));
                }
            }
            for t in &mut o.tasks {
                t.job += joff;
                t.executor += eoff;
            }
            for e in &mut o.executor_details {
                e.app = app;
            }
            out.jobs.append(&mut o.jobs);
            out.tasks.append(&mut o.tasks);
            out.executors.append(&mut o.executors);
            out.executor_details.append(&mut o.executor_details);
            for p in o.pools {
                if !multi || !out.pools.iter().any(|q| q.0 == p.0) {
                    out.pools.push(p);
                }
            }
            if multi {
                out.warnings.extend(
                    o.warnings
                        .into_iter()
                        .map(|w| format!("{}: {w}", record.app_id)),
                );
            } else {
                out.warnings.append(&mut o.warnings);
            }
            out.slots += o.slots;
            out.stats.offer_rounds += o.stats.offer_rounds;
            out.stats.launches += o.stats.launches;
            out.applications.push(record);
        }
        out.stats.events = events;
        out.end_ms = end_ms;
        out
    }
}

/// The cluster manager of a lifecycle's plan.
fn cluster_for(lc: &Lifecycle) -> Cluster {
    match &lc.manager {
        ManagerPlan::Fixed => Cluster::None,
        ManagerPlan::Standalone {
            workers,
            spread_out,
            ..
        } => Cluster::Standalone(SharedMaster::new(workers, *spread_out)),
        ManagerPlan::ResourceManager { workers, .. } => {
            Cluster::ResourceManager(ResourceManager::new(workers))
        }
    }
}

impl<'w> Driver<'w> {
    fn new(
        index: u32,
        workload: &'w Workload,
        mut setup: SimSetup,
        submit_ms: u64,
        multi: bool,
    ) -> Self {
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
        let mut warnings = std::mem::take(&mut setup.lifecycle.warnings);
        let mut managed = setup.lifecycle.is_managed();
        if managed && !multi && setup.executors != setup.lifecycle.derived_executors {
            managed = false;
            if setup.lifecycle.allocation.is_some() {
                warnings.push(
                    "the executors were given (e.g. a replay's logged executors): they stay fixed, and dynamic allocation is off"
                        .to_string(),
                );
            }
        }
        let allocation = if managed {
            setup
                .lifecycle
                .allocation
                .and_then(|s| ExecutorAllocationManager::new(s).ok())
        } else {
            None
        };
        let executors = if managed {
            Vec::new()
        } else {
            register_executors(&mut scheduler, &setup.executors)
        };
        let lives = executors
            .iter()
            .zip(&setup.executors)
            .map(|(_, spec)| ExecLife {
                cores: spec.cores,
                alive: true,
                killed: false,
                cold_ms: 0,
                grant: None,
            })
            .collect();
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
        let asked_static = match &setup.lifecycle.manager {
            ManagerPlan::Standalone {
                workers,
                spread_out,
                request,
            } => crate::cluster::StandaloneMaster::new(workers, *spread_out, *request)
                .schedule()
                .len() as u32,
            ManagerPlan::ResourceManager { instances, .. } => *instances,
            ManagerPlan::Fixed => 0,
        };
        let seed = setup.shuffle_seed.unwrap_or(0);
        let n_jobs = workload.jobs.len();
        let mut d = Driver {
            index,
            workload,
            submit_ms,
            scheduler,
            dag: DagScheduler::new(n_jobs),
            executors,
            lives,
            cold_pending: 0,
            executor_of,
            attempts: Vec::new(),
            stage_tsm: Vec::new(),
            successors,
            recent_launches: vec![VecDeque::new(); hosts],
            stages_seen: Vec::new(),
            jobs_left: n_jobs,
            out: SimOutput::default(),
            job_ids: None,
            managed,
            stopped: false,
            end_ms: None,
            allocation,
            request_times: RequestTimes::default(),
            target_series: Vec::new(),
            rng: latency_rng(seed, index as usize),
            startup_draws: 0,
            cold_draws: 0,
            removal_draws: 0,
            warm_window: false,
            starting: BTreeSet::new(),
            stages_open: BTreeSet::new(),
            asked_static,
            wait: WaitTracker {
                on: managed,
                job_ms: vec![0; n_jobs],
                pending_by_job: vec![0; n_jobs],
                since: submit_ms,
                ..WaitTracker::default()
            },
            setup,
        };
        d.out.warnings = warnings;
        d.init_records();
        d
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
        if self.managed {
            return;
        }
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
        self.out.executor_details = vec![ExecutorDetail::default(); self.out.executors.len()];
        self.out.slots = self
            .setup
            .executors
            .iter()
            .map(|e| e.cores / self.setup.scheduler.task_cpus.max(1))
            .sum();
    }

    /// The job arrivals (time, job) in the order they are pushed.
    fn arrivals(&self) -> Vec<(u64, usize)> {
        let latency = self.setup.knobs.job_submit_latency_ms;
        let mut open: Vec<usize> = (0..self.workload.jobs.len())
            .filter(|&j| self.workload.jobs[j].after.is_none())
            .collect();
        open.sort_by_key(|&j| (self.workload.jobs[j].submit_ms, j));
        open.into_iter()
            .map(|j| {
                (
                    self.submit_ms + self.workload.jobs[j].submit_ms + latency,
                    j,
                )
            })
            .collect()
    }

    /// The revive and speculation timers.
    fn start_timers(&mut self, sh: &mut Shared, now: u64) {
        if !self.setup.local_mode && self.setup.revive_interval_ms > 0 {
            sh.push(now, self.index, Event::Revive);
        }
        if let Some(interval) = self.speculation_interval() {
            sh.push(now + interval, self.index, Event::SpeculationTick);
        }
    }

    fn handle(&mut self, sh: &mut Shared, now: u64, event: Event) {
        match event {
            Event::JobSubmit(j) => self.on_job_submit(sh, now, j as usize),
            Event::SubmitTaskSet(s) => self.on_submit_task_set(sh, now, s),
            Event::Settle(tid) => self.on_settle(sh, now, tid),
            Event::TaskEnd(tid) => self.on_task_end(sh, now, tid),
            Event::ResultHandled(tid) => self.on_result(sh, now, tid),
            Event::KillLanded(tid) => self.on_kill_landed(sh, now, tid),
            Event::Revive => self.on_revive(sh, now),
            Event::SpeculationTick => self.on_speculation_tick(sh, now),
            Event::JobEnd(j) => self.on_job_end(sh, now, j as usize),
            Event::AppStart => {}
            Event::AppStop => self.on_app_stop(sh, now),
            Event::AllocationTick => self.on_allocation_tick(sh, now),
            Event::ExecutorRegistered(g) => {
                self.starting.remove(&g);
                if !self.stopped && !sh.grants[g as usize].cancelled {
                    self.register(sh, now, g, false);
                }
            }
            Event::ExecutorReady(e) => self.on_executor_ready(sh, now, e as usize),
            Event::ExecutorRemoved(e) => self.on_executor_removed(sh, now, e as usize),
            Event::ExecutorLost(k) => self.on_executor_lost(sh, now, k as usize),
            Event::ShuffleCleaned(s) => {
                if let Some(eam) = &mut self.allocation {
                    eam.on_shuffle_cleaned(s);
                }
            }
        }
    }

    fn on_job_submit(&mut self, sh: &mut Shared, now: u64, j: usize) {
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
        if let Some(eam) = &mut self.allocation {
            let stages: Vec<(u32, Option<u32>)> = self.out.jobs[j]
                .stage_ids
                .iter()
                .map(|&s| {
                    let map_stage = !self.dag.stage(s).children.is_empty();
                    (s, map_stage.then_some(s))
                })
                .collect();
            eam.on_job_start(job_id as u32, &stages);
        }
        let at = now + self.setup.knobs.job_start_latency_ms;
        for s in ready {
            sh.push(at, self.index, Event::SubmitTaskSet(s));
        }
    }

    fn on_submit_task_set(&mut self, sh: &mut Shared, now: u64, stage_id: u32) {
        // The job may have failed between the decision and this (delayed) submission: Spark
        // creates the task set in the same step that finishes the parent, so it is cancelled
        // with the job.
        if self.dag.stage(stage_id).status != StageStatus::Submitted {
            return;
        }
        if let Some(progress) = self.dag.finish_if_empty(stage_id) {
            self.apply_progress(sh, now, progress);
            return;
        }
        let (task_set, pool) = self.task_set_for(stage_id);
        if let Some(mut eam) = self.allocation.take() {
            let registry = &self.scheduler.ctx.executors;
            let prefs = task_set
                .preferred_locations
                .iter()
                .map(|locs| {
                    locs.iter()
                        .filter_map(|l| match l {
                            TaskLocation::Host(h) => Some(registry.host_name(*h).to_string()),
                            _ => None,
                        })
                        .collect()
                })
                .collect();
            let stage = StageSubmitted {
                stage_id,
                attempt: 0,
                num_tasks: task_set.preferred_locations.len() as u32,
                resource_profile_id: DEFAULT_RESOURCE_PROFILE_ID,
                task_locality_preferences: prefs,
            };
            let decisions = eam.on_stage_submitted(now, &stage);
            self.allocation = Some(eam);
            self.stages_open.insert(stage_id);
            self.apply_decisions(sh, now, decisions);
        }
        let job = self.dag.stage(stage_id).job;
        let n = self.dag.stage(stage_id).num_tasks as i64;
        self.wait.add_pending(stage_id, job, n);
        let (tsm, placement) = self.scheduler.submit_tasks(now, task_set, pool.as_deref());
        if let Some(name) = placement.created_pool {
            self.out.warnings.push(format!(
                "pool '{name}' is not configured: Spark created it with FIFO mode, weight 1, minShare 0"
            ));
        }
        self.stage_tsm[stage_id as usize] = Some(tsm);
        self.offer_round(sh, now, Offer::All);
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

    fn on_revive(&mut self, sh: &mut Shared, now: u64) {
        if self.jobs_left == 0 || self.stopped || sh.stalled(now) {
            return;
        }
        self.offer_round(sh, now, Offer::All);
        sh.push(
            now + self.setup.revive_interval_ms,
            self.index,
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
    /// round (`reviveOffers`) and, with dynamic allocation, a `SpeculativeTaskSubmitted`.
    fn on_speculation_tick(&mut self, sh: &mut Shared, now: u64) {
        if self.jobs_left == 0 || self.stopped || sh.stalled(now) {
            return;
        }
        let submitted = self.scheduler.find_speculatable_tasks(now);
        if let Some(eam) = &mut self.allocation {
            for s in &submitted {
                eam.on_speculative_task_submitted(now, s.stage_id, s.stage_attempt, s.index);
            }
        }
        if !submitted.is_empty() {
            self.offer_round(sh, now, Offer::All);
        }
        if let Some(interval) = self.speculation_interval() {
            sh.push(now + interval, self.index, Event::SpeculationTick);
        }
    }

    /// An offer round: all offerable executors (full) or one executor's free cores (partial).
    fn offer_round(&mut self, sh: &mut Shared, now: u64, scope: Offer) {
        let offers: Vec<WorkerOffer> = match scope {
            Offer::All => self
                .executors
                .iter()
                .filter(|e| e.active)
                .map(|e| WorkerOffer {
                    executor: e.id,
                    host: e.host,
                    cores: e.free,
                })
                .collect(),
            Offer::One(i) => {
                let e = &self.executors[i];
                if !e.active {
                    return;
                }
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
            self.launch(sh, now, &launch);
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

    /// True the first time `executor` runs a task of `stage_id`. An executor runs tasks of a
    /// few stages at a time, so a short list per executor beats a set of every pair ever
    /// seen; finished stages are dropped from it when it grows.
    fn first_task_of_stage_on(&mut self, stage_id: u32, executor: usize) -> bool {
        if self.stages_seen.len() <= executor {
            self.stages_seen.resize_with(executor + 1, Vec::new);
        }
        if self.stages_seen[executor].contains(&stage_id) {
            return false;
        }
        if self.stages_seen[executor].len() >= 64 {
            let dag = &self.dag;
            self.stages_seen[executor].retain(|&s| dag.stage(s).status == StageStatus::Submitted);
        }
        self.stages_seen[executor].push(stage_id);
        true
    }

    /// What a task costs beyond local mode on a real cluster: every task's RPCs, the first
    /// task of a stage on an executor deserializing the stage (`sparksim.task.*`), and the
    /// first task on an executor started during the run warming its JVM up.
    fn cluster_costs(&mut self, stage_id: u32, executor: usize) -> u64 {
        if self.setup.local_mode {
            return 0;
        }
        let first = self.first_task_of_stage_on(stage_id, executor);
        let k = &self.setup.knobs;
        let cold = if self.cold_pending > 0 {
            let c = std::mem::take(&mut self.lives[executor].cold_ms);
            if c > 0 {
                self.cold_pending -= 1;
            }
            c
        } else {
            0
        };
        k.cluster_launch_overhead_ms
            + if first {
                k.first_on_executor_overhead_ms
            } else {
                0
            }
            + cold
    }

    fn remember_launch(&mut self, now: u64, host: usize) {
        let horizon = 2 * self.setup.knobs.concurrent_launch_window_ms;
        let recent = &mut self.recent_launches[host];
        while recent.front().is_some_and(|&t| t + horizon < now) {
            recent.pop_front();
        }
        recent.push_back(now);
    }

    fn launch(&mut self, sh: &mut Shared, now: u64, l: &TaskLaunch) {
        let executor =
            self.executor_of[l.executor.0 as usize].expect("offers come from known executors");
        self.executors[executor].free -= l.cpus;
        let st = self.dag.stage(l.stage_id);
        let job = st.job;
        let stage = &self.workload.jobs[job].stages[st.index_in_job];
        let task = l.index as usize;
        let nominal = stage.attempt_duration_ms(task, l.attempt_number);
        let record = &self.out.executors[executor];
        let work = self
            .setup
            .slowdowns
            .duration(nominal, &record.executor_id, &record.host, now);
        let fails = l.attempt_number < stage.failures_of(task);
        let duration = work + self.cluster_costs(l.stage_id, executor);
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
            speculative: l.speculative,
        });
        self.out.jobs[job].first_launch_ms.get_or_insert(now);
        self.out.stats.launches += 1;
        self.scheduler.tsm_mut(l.tsm).launch_succeeded(l.task_id);
        if !l.speculative {
            self.wait.add_pending(l.stage_id, job, -1);
        }
        if let Some(eam) = &mut self.allocation {
            let name = self.scheduler.ctx.executors.executor_name(l.executor);
            eam.on_task_start(
                now,
                &AllocTaskStart {
                    stage_id: l.stage_id,
                    stage_attempt: l.stage_attempt,
                    index: l.index,
                    executor_id: name,
                    speculative: l.speculative,
                    executor_active: None,
                },
            );
        }
        let settle = now + self.setup.knobs.concurrent_launch_window_ms;
        sh.push(settle, self.index, Event::Settle(l.task_id));
    }

    /// Every launch within the window is known: schedule the attempt's end.
    fn on_settle(&mut self, sh: &mut Shared, now: u64, tid: TaskId) {
        let a = &self.attempts[tid as usize];
        let launch_ms = self.out.tasks[a.record as usize].launch_ms;
        let end = (launch_ms + a.duration + self.launch_overhead(launch_ms, a.host)).max(now);
        sh.push(end, self.index, Event::TaskEnd(tid));
    }

    /// The attempt's terminal status reaches the driver: free its cores, offer them, and
    /// handle the result right after.
    fn end_attempt(
        &mut self,
        sh: &mut Shared,
        now: u64,
        tid: TaskId,
        status: AttemptStatus,
    ) -> bool {
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
        self.offer_round(sh, now, scope);
        true
    }

    fn on_task_end(&mut self, sh: &mut Shared, now: u64, tid: TaskId) {
        let fails = self.attempts[tid as usize].fails;
        let status = if fails {
            AttemptStatus::Failed
        } else {
            AttemptStatus::Success
        };
        if self.end_attempt(sh, now, tid, status) {
            sh.push(now, self.index, Event::ResultHandled(tid));
        }
    }

    fn on_kill_landed(&mut self, sh: &mut Shared, now: u64, tid: TaskId) {
        if self.end_attempt(sh, now, tid, AttemptStatus::Killed) {
            self.scheduler.handle_failed_task(
                now,
                tid,
                TaskFailedReason::TaskKilled("killed".to_string()),
            );
            self.report_task_end(now, tid, TaskEndReason::TaskKilled);
        }
    }

    /// `SparkListenerTaskEnd` to the allocation manager.
    fn report_task_end(&mut self, now: u64, tid: TaskId, reason: TaskEndReason) {
        let Some(eam) = &mut self.allocation else {
            return;
        };
        let a = &self.attempts[tid as usize];
        let r = &self.out.tasks[a.record as usize];
        let name = &self.out.executors[a.executor].executor_id;
        eam.on_task_end(
            now,
            &AllocTaskEnd {
                stage_id: r.stage_id,
                stage_attempt: r.stage_attempt,
                index: r.task_index,
                executor_id: name,
                speculative: a.speculative,
                reason,
            },
        );
    }

    fn on_result(&mut self, sh: &mut Shared, now: u64, tid: TaskId) {
        let record = &self.out.tasks[self.attempts[tid as usize].record as usize];
        let (stage_id, partition) = (record.stage_id, record.task_index);
        if record.status == AttemptStatus::Failed {
            self.on_failed_result(sh, now, tid, stage_id);
            return;
        }
        let outcome = self.scheduler.handle_successful_task(now, tid);
        let converted = outcome.converted_to_kill;
        if converted {
            self.out.tasks[self.attempts[tid as usize].record as usize].status =
                AttemptStatus::Killed;
        }
        self.report_task_end(
            now,
            tid,
            if converted {
                TaskEndReason::TaskKilled
            } else {
                TaskEndReason::Success
            },
        );
        if !converted {
            self.cache_block(tid);
        }
        for kill in outcome.kills {
            self.request_kill(sh, now, kill);
        }
        if outcome.first_success {
            let progress = self.dag.task_succeeded(stage_id, partition);
            if progress.stage_finished {
                self.stage_completed(stage_id);
            }
            self.apply_progress(sh, now, progress);
        }
    }

    /// A successful task of a `cached` stage leaves a block on its executor.
    fn cache_block(&mut self, tid: TaskId) {
        let Some(eam) = &mut self.allocation else {
            return;
        };
        let a = &self.attempts[tid as usize];
        let r = &self.out.tasks[a.record as usize];
        let st = self.dag.stage(r.stage_id);
        if self.workload.jobs[st.job].stages[st.index_in_job].cached {
            let name = &self.out.executors[a.executor].executor_id;
            eam.on_rdd_block_updated(
                name,
                r.stage_id,
                r.task_index,
                BlockStorageLevel::MEMORY_ONLY,
            );
        }
    }

    /// `SparkListenerStageCompleted` to the allocation manager.
    fn stage_completed(&mut self, stage_id: u32) {
        if self.stages_open.remove(&stage_id)
            && let Some(eam) = &mut self.allocation
        {
            eam.on_stage_completed(stage_id, 0);
        }
    }

    fn on_failed_result(&mut self, sh: &mut Shared, now: u64, tid: TaskId, stage_id: u32) {
        let reason = TaskFailedReason::ExceptionFailure("injected failure".to_string());
        let (outcome, revive) = self.scheduler.handle_failed_task(now, tid, reason);
        self.report_task_end(now, tid, TaskEndReason::Failed);
        if outcome.requeued && !self.attempts[tid as usize].speculative {
            let job = self.dag.stage(stage_id).job;
            self.wait.add_pending(stage_id, job, 1);
        }
        if let Some(message) = outcome.aborted {
            self.abort_stage(sh, now, stage_id, &message);
        } else if revive {
            self.offer_round(sh, now, Offer::All);
        }
    }

    fn request_kill(&mut self, sh: &mut Shared, now: u64, tid: TaskId) {
        let at = now + self.setup.knobs.kill_latency_ms;
        sh.push(at, self.index, Event::KillLanded(tid));
    }

    fn apply_progress(&mut self, sh: &mut Shared, now: u64, progress: Progress) {
        let at = now + self.setup.knobs.stage_submit_latency_ms;
        for s in progress.ready {
            sh.push(at, self.index, Event::SubmitTaskSet(s));
        }
        if let Some(job) = progress.job_finished {
            self.kill_job_attempts(sh, now, job);
            let at = now + self.setup.knobs.job_end_latency_ms;
            sh.push(at, self.index, Event::JobEnd(job as u32));
        }
    }

    /// A finished or failed job's remaining attempts are killed and its task sets suspended.
    fn kill_job_attempts(&mut self, sh: &mut Shared, now: u64, job: usize) {
        let stage_ids = self
            .dag
            .job(job)
            .map(|a| a.stage_ids.clone())
            .unwrap_or_default();
        for s in stage_ids {
            self.wait.clear_stage(s, job);
            let Some(tsm) = self.stage_tsm[s as usize] else {
                continue;
            };
            let running: Vec<TaskId> = self.scheduler.tsm(tsm).running_task_ids().collect();
            self.scheduler.abort_task_set(tsm);
            for tid in running {
                self.request_kill(sh, now, tid);
            }
        }
    }

    fn abort_stage(&mut self, sh: &mut Shared, now: u64, stage_id: u32, message: &str) {
        if let Some((job, _)) = self.dag.stage_aborted(stage_id, message) {
            self.out.jobs[job].failure = Some(message.to_string());
            self.kill_job_attempts(sh, now, job);
            let at = now + self.setup.knobs.job_end_latency_ms;
            sh.push(at, self.index, Event::JobEnd(job as u32));
        }
    }

    fn on_job_end(&mut self, sh: &mut Shared, now: u64, j: usize) {
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
        let stage_ids = record.stage_ids.clone();
        let job_id = record.job_id.unwrap_or(0) as u32;
        for &s in &stage_ids {
            self.stage_completed(s);
        }
        if let Some(eam) = &mut self.allocation {
            eam.on_job_end(job_id);
            if let Some(delay) = self.setup.lifecycle.shuffle_cleanup_ms {
                for &s in &stage_ids {
                    if !self.dag.stage(s).children.is_empty() {
                        sh.push(now + delay, self.index, Event::ShuffleCleaned(s));
                    }
                }
            }
        }
        self.jobs_left -= 1;
        for next in self.successors[j].clone() {
            if succeeded {
                self.submit_chained(sh, now, next);
            } else {
                self.skip_chain(next);
            }
        }
        if self.jobs_left == 0 {
            self.schedule_stop(sh, now);
        }
    }

    fn submit_chained(&mut self, sh: &mut Shared, now: u64, next: usize) {
        let job = &self.workload.jobs[next];
        let k = &self.setup.knobs;
        let gap = job.after.map_or(0, |a| a.gap_ms);
        let at = (self.submit_ms + job.submit_ms + k.job_submit_latency_ms)
            .max(now + gap + k.job_chain_latency_ms);
        sh.push(at, self.index, Event::JobSubmit(next as u32));
    }

    /// A failed job's thread stops: its chained successors never run.
    fn skip_chain(&mut self, j: usize) {
        self.jobs_left -= 1;
        self.out.jobs[j].failure = Some("not run: a job it was chained after failed".to_string());
        for next in self.successors[j].clone() {
            self.skip_chain(next);
        }
    }

    /// Every job is done: the application stops `tail_ms` later (with a cluster manager in the
    /// loop; a lone application with fixed executors just ends).
    fn schedule_stop(&mut self, sh: &mut Shared, now: u64) {
        if self.managed || sh.multi {
            let tail = self.workload.tail_ms.unwrap_or(0);
            sh.push(now + tail, self.index, Event::AppStop);
        }
    }

    fn on_app_stop(&mut self, sh: &mut Shared, now: u64) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        self.end_ms = Some(now);
        if !sh.multi {
            return;
        }
        for i in 0..self.executors.len() {
            if self.lives[i].alive {
                self.mark_removed(now, i, RemovalReason::APP_FINISHED);
            }
        }
        for &g in &self.starting {
            sh.grants[g as usize].cancelled = true;
        }
        self.starting.clear();
        match &mut sh.cluster {
            Cluster::Standalone(m) => m.remove_app(self.index as usize),
            Cluster::ResourceManager(r) => r.remove_app(self.index as usize),
            Cluster::None => {}
        }
        sh.dirty = true;
    }

    // -----------------------------------------------------------------------------------
    // Executor lifecycles.
    // -----------------------------------------------------------------------------------

    fn draw_startup(&mut self) -> u64 {
        let k = self.startup_draws;
        self.startup_draws += 1;
        self.setup
            .lifecycle
            .startup_latency
            .sample(k, &mut self.rng)
    }

    fn draw_cold(&mut self) -> u64 {
        let k = self.cold_draws;
        self.cold_draws += 1;
        self.setup.lifecycle.cold_start.sample(k, &mut self.rng)
    }

    fn draw_removal(&mut self) -> u64 {
        let k = self.removal_draws;
        self.removal_draws += 1;
        self.setup
            .lifecycle
            .removal_latency
            .sample(k, &mut self.rng)
    }

    /// A granted executor registers (`ExecutorAdded`); `warm`: up at once, no cold start.
    fn register(&mut self, sh: &mut Shared, now: u64, grant: u32, warm: bool) {
        let g = &sh.grants[grant as usize];
        debug_assert_eq!(g.app, self.index as usize);
        let registry = &mut self.scheduler.ctx.executors;
        let host = registry.host(&g.host);
        let id = registry.executor(&g.executor_id);
        let i = self.executors.len();
        self.executors.push(SimExecutor {
            id,
            host,
            free: g.cores,
            active: warm,
        });
        let cold_ms = if warm { 0 } else { g.cold_ms };
        if cold_ms > 0 {
            self.cold_pending += 1;
        }
        self.lives.push(ExecLife {
            cores: g.cores,
            alive: true,
            killed: false,
            cold_ms,
            grant: Some(grant),
        });
        let slot = id.0 as usize;
        if self.executor_of.len() <= slot {
            self.executor_of.resize(slot + 1, None);
        }
        self.executor_of[slot] = Some(i);
        if self.recent_launches.len() <= host.0 as usize {
            self.recent_launches
                .resize(host.0 as usize + 1, VecDeque::new());
        }
        self.out.executors.push(ExecutorRecord {
            executor_id: g.executor_id.clone(),
            host: g.host.clone(),
            cores: g.cores,
            added_ms: now,
            removed_ms: None,
        });
        let requested_ms = if self.allocation.is_some() {
            self.request_times.registered()
        } else {
            Some(self.submit_ms)
        };
        self.out.executor_details.push(ExecutorDetail {
            app: self.index,
            requested_ms: if warm { None } else { requested_ms },
            reason: None,
        });
        if let Some(eam) = &mut self.allocation {
            eam.on_executor_added(now, &g.executor_id, DEFAULT_RESOURCE_PROFILE_ID);
        }
        if !warm {
            let at = now + self.setup.lifecycle.ready_latency_ms;
            sh.push(at, self.index, Event::ExecutorReady(i as u32));
        }
    }

    /// `LaunchedExecutor`: the executor's cores are offered.
    fn on_executor_ready(&mut self, sh: &mut Shared, now: u64, i: usize) {
        let l = &self.lives[i];
        if !l.alive || l.killed || self.stopped {
            return;
        }
        self.executors[i].active = true;
        self.offer_round(sh, now, Offer::One(i));
    }

    fn apply_decisions(&mut self, sh: &mut Shared, now: u64, decisions: Vec<AllocationDecision>) {
        for d in decisions {
            match d {
                AllocationDecision::RequestTotalExecutors(r) => {
                    let target = r.target.max(0) as u32;
                    self.request_times.request_total(i64::from(target), now);
                    match self.target_series.last() {
                        Some(&(_, t)) if t == target => {}
                        Some(&(at, _)) if at == now => {
                            self.target_series.last_mut().expect("non-empty").1 = target;
                        }
                        _ => self.target_series.push((now, target)),
                    }
                    sh.set_limit(self.index as usize, Some(target));
                }
                AllocationDecision::KillExecutors(k) => self.kill_executors(sh, now, &k.ids),
            }
        }
    }

    /// `killExecutors(ids, force = false)`: busy or unknown executors are refused; the others
    /// get no more offers from now on and are removed after the removal latency.
    fn kill_executors(&mut self, sh: &mut Shared, now: u64, ids: &[String]) {
        let mut refused = Vec::new();
        for name in ids {
            let found = self
                .scheduler
                .ctx
                .executors
                .find_executor(name)
                .and_then(|id| self.executor_of.get(id.0 as usize).copied().flatten());
            let Some(i) = found else {
                refused.push(name.clone());
                continue;
            };
            let l = &self.lives[i];
            if !l.alive || l.killed || self.executors[i].free < l.cores {
                refused.push(name.clone());
                continue;
            }
            self.executors[i].active = false;
            self.lives[i].killed = true;
            let at = now + self.draw_removal();
            sh.push(at, self.index, Event::ExecutorRemoved(i as u32));
        }
        if !refused.is_empty()
            && let Some(eam) = &mut self.allocation
        {
            eam.on_kill_refused(&refused);
        }
    }

    fn mark_removed(&mut self, now: u64, i: usize, reason: &str) {
        self.lives[i].alive = false;
        self.executors[i].active = false;
        self.out.executors[i].removed_ms = Some(now);
        self.out.executor_details[i].reason = Some(reason.to_string());
    }

    /// `ExecutorRemoved` after a kill: the cluster gets the resources back.
    fn on_executor_removed(&mut self, sh: &mut Shared, now: u64, i: usize) {
        if !self.lives[i].alive {
            return;
        }
        self.mark_removed(now, i, RemovalReason::IDLE);
        self.forget_executor(sh, now, i);
    }

    /// The scheduler, the allocation manager and the cluster forget a removed executor;
    /// attempts still running there fail.
    fn forget_executor(&mut self, sh: &mut Shared, now: u64, i: usize) {
        let id = self.executors[i].id;
        let outcomes = self.scheduler.executor_lost(now, id, false);
        let mut revive = false;
        for (tid, outcome) in outcomes {
            let a = &mut self.attempts[tid as usize];
            if a.done {
                continue;
            }
            a.done = true;
            let r = &mut self.out.tasks[a.record as usize];
            r.finish_ms = now;
            r.status = AttemptStatus::Failed;
            let (stage_id, speculative) = (r.stage_id, a.speculative);
            self.report_task_end(now, tid, TaskEndReason::Failed);
            if outcome.requeued && !speculative {
                let job = self.dag.stage(stage_id).job;
                self.wait.add_pending(stage_id, job, 1);
            }
            if let Some(message) = outcome.aborted {
                self.abort_stage(sh, now, stage_id, &message);
            }
            revive = true;
        }
        let name = self.out.executors[i].executor_id.clone();
        if let Some(eam) = &mut self.allocation {
            eam.on_executor_removed(&name, false);
        }
        if self.lives[i].grant.is_some() {
            sh.remove_executor(self.index as usize, &name);
        }
        if revive {
            self.offer_round(sh, now, Offer::All);
        }
    }

    /// An injected loss (`sparksim.executor.lost`).
    fn on_executor_lost(&mut self, sh: &mut Shared, now: u64, k: usize) {
        let name = self.setup.lifecycle.losses[k].executor_id.clone();
        let found = self
            .scheduler
            .ctx
            .executors
            .find_executor(&name)
            .and_then(|id| self.executor_of.get(id.0 as usize).copied().flatten())
            .filter(|&i| self.lives[i].alive);
        let Some(i) = found else {
            self.out.warnings.push(format!(
                "executor {name} was not registered at {now} ms; nothing was lost"
            ));
            return;
        };
        self.mark_removed(now, i, RemovalReason::LOST);
        self.forget_executor(sh, now, i);
    }

    fn on_allocation_tick(&mut self, sh: &mut Shared, now: u64) {
        if self.stopped {
            return;
        }
        let Some(mut eam) = self.allocation.take() else {
            return;
        };
        let decisions = eam.schedule(now);
        self.allocation = Some(eam);
        self.apply_decisions(sh, now, decisions);
        if !sh.stalled(now) {
            sh.push(
                now + SCHEDULE_INTERVAL_MS,
                self.index,
                Event::AllocationTick,
            );
        }
    }

    /// Whether the application is waiting for executors now: tasks pending, no free slot,
    /// and executors owed (dynamic allocation: fewer registered than the target; else fewer
    /// than the cluster manager gives it on an idle cluster).
    fn update_wait(&mut self) {
        if !self.wait.on {
            return;
        }
        let waiting = !self.wait.pending_jobs.is_empty() && !self.stopped && {
            let cpus = self.setup.scheduler.task_cpus.max(1);
            let free: u32 = self
                .executors
                .iter()
                .filter(|e| e.active)
                .map(|e| e.free / cpus)
                .sum();
            let alive = self.lives.iter().filter(|l| l.alive && !l.killed).count() as u32;
            let owed = match &self.allocation {
                Some(eam) => eam.target().max(0) as u32 > alive,
                None => alive < self.asked_static,
            };
            free == 0 && owed
        };
        self.wait.waiting = waiting;
    }

    fn finish(mut self) -> (ApplicationRecord, SimOutput, Vec<u64>, bool) {
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
        let record = ApplicationRecord {
            app_id: self.workload.name.clone(),
            submit_ms: self.submit_ms,
            end_ms: self.end_ms,
            scheduler_mode: self.setup.root_mode.to_string(),
            pools: self.out.pools.clone(),
            dynamic_allocation: self.allocation.is_some(),
            executor_target: std::mem::take(&mut self.target_series),
            executor_wait_ms: self.wait.app_ms,
        };
        let job_wait = std::mem::take(&mut self.wait.job_ms);
        (record, self.out, job_wait, self.wait.on)
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
                active: true,
            }
        })
        .collect()
}
