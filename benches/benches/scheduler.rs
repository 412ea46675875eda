//! The scheduler core's hot paths: one offer round, and the sorted task-set queue.
//!
//! * `scheduler/resource_offers/full_round/{no_prefs,host_prefs}`: `resource_offers` with all
//!   200 executors × 4 cores free (`isAllFreeResources = true`), 800 launches per round.
//! * `scheduler/resource_offers/single_executor/{no_prefs,host_prefs}`: one executor offering
//!   the one core a finished task freed (`isAllFreeResources = false`) while the other 799
//!   slots are busy — the round the simulator runs after every task completion.
//! * `scheduler/sorted_task_set_queue/N`: `getSortedTaskSetQueue` over N pools (1–1,000),
//!   FAIR root, each pool holding 1–2 task sets with running tasks.
//!
//! The workload is FAIR with 20 pools (mixed FIFO/FAIR inside, weights 1–3, minShares 0–3)
//! and 3 task sets of 1,000 tasks per pool. `host_prefs` gives each task 3 preferred hosts
//! out of 100 (2 executors per host), so delay scheduling holds every task set at
//! NODE_LOCAL; `no_prefs` tasks go at NO_PREF.
//!
//! Offer rounds mutate the scheduler, so they are timed with `iter_custom`: only the
//! `resource_offers` call is inside the clock. Between rounds the launched attempts are
//! killed (outside the clock), which puts their tasks back on the pending stacks, so every
//! round sees the same amount of work. The state is rebuilt (outside the clock) every few
//! thousand rounds so the per-attempt records stay small.

use std::collections::VecDeque;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use policies::locality::TaskLocation;
use policies::offer_shuffle::OfferShuffle;
use policies::schedulable_builder::PoolDef;
use policies::scheduling_mode::SchedulingMode;
use policies::task_scheduler_impl::{SchedulerSettings, TaskSchedulerImpl, WorkerOffer};
use policies::task_set_manager::{TaskFailedReason, TaskId, TaskSet};

const EXECUTORS: u32 = 200;
const CORES: u32 = 4;
const HOSTS: u32 = 100;
const POOLS: usize = 20;
const TASK_SETS_PER_POOL: usize = 3;
const TASKS_PER_SET: usize = 1_000;
const PREFERRED_HOSTS: usize = 3;
/// The clock stays put: delay-scheduling waits never expire during the bench.
const NOW: u64 = 0;
/// Full rounds on one state before it is rebuilt (each adds 800 attempt records).
const FULL_ROUNDS_PER_STATE: u32 = 32;
/// Single-executor rounds on one state before it is rebuilt.
const SINGLE_ROUNDS_PER_STATE: u32 = 100_000;

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast and portable.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n)) as u32
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prefs {
    None,
    Hosts,
}

impl Prefs {
    fn name(self) -> &'static str {
        match self {
            Prefs::None => "no_prefs",
            Prefs::Hosts => "host_prefs",
        }
    }
}

/// A pool's definition: name, mode, minShare, weight.
fn pool_defs(n: usize) -> Vec<(String, SchedulingMode, i32, i32)> {
    (0..n)
        .map(|i| {
            let mode = if i % 2 == 0 {
                SchedulingMode::Fair
            } else {
                SchedulingMode::Fifo
            };
            (
                format!("pool{i:04}"),
                mode,
                (i % 4) as i32,
                1 + (i % 3) as i32,
            )
        })
        .collect()
}

fn scheduler(pools: &[(String, SchedulingMode, i32, i32)]) -> TaskSchedulerImpl {
    let defs: Vec<PoolDef<'_>> = pools
        .iter()
        .map(|(name, mode, min_share, weight)| (name.as_str(), *mode, *min_share, *weight))
        .collect();
    TaskSchedulerImpl::new(
        SchedulerSettings::default(),
        SchedulingMode::Fair,
        &defs,
        OfferShuffle::seeded(42),
    )
}

/// The offer-round workload: the scheduler, and each executor's offer (cores = 0).
struct Cluster {
    sched: TaskSchedulerImpl,
    executors: Vec<WorkerOffer>,
}

impl Cluster {
    fn new(prefs: Prefs) -> Cluster {
        let pools = pool_defs(POOLS);
        let mut sched = scheduler(&pools);
        let registry = &mut sched.ctx.executors;
        let hosts: Vec<_> = (0..HOSTS)
            .map(|h| registry.host(&format!("host-{h}")))
            .collect();
        let executors: Vec<WorkerOffer> = (0..EXECUTORS)
            .map(|e| WorkerOffer {
                executor: registry.executor(&format!("{e}")),
                host: hosts[(e % HOSTS) as usize],
                cores: 0,
            })
            .collect();
        let mut rng = SplitMix64(7);
        let mut stage = 0;
        for _ in 0..TASK_SETS_PER_POOL {
            for (name, ..) in &pools {
                let mut task_set = TaskSet::no_prefs(stage, 0, u64::from(stage), TASKS_PER_SET);
                if prefs == Prefs::Hosts {
                    for locs in &mut task_set.preferred_locations {
                        for _ in 0..PREFERRED_HOSTS {
                            locs.push(TaskLocation::Host(hosts[rng.below(HOSTS) as usize]));
                        }
                    }
                }
                sched.submit_tasks(NOW, task_set, Some(name));
                stage += 1;
            }
        }
        // Register every executor (as the backend's first revive would), launching nothing.
        let launched = sched.resource_offers(NOW, &executors, true);
        assert!(launched.is_empty());
        Cluster { sched, executors }
    }

    fn offers(&self, cores: u32) -> Vec<WorkerOffer> {
        self.executors
            .iter()
            .map(|o| WorkerOffer { cores, ..*o })
            .collect()
    }

    /// A killed attempt: its task goes back on the pending stacks (not counted as a failure).
    fn kill(&mut self, tid: TaskId) {
        self.sched.status_update_terminal(tid);
        let reason = TaskFailedReason::TaskKilled("bench".to_string());
        let (outcome, _) = self.sched.handle_failed_task(NOW, tid, reason);
        assert!(outcome.requeued, "a killed attempt's task is pending again");
    }
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
}

/// All executors, all cores free.
fn full_round(group: &mut BenchmarkGroup<'_, WallTime>, prefs: Prefs) {
    let mut cluster = Cluster::new(prefs);
    let mut offers = cluster.offers(CORES);
    let mut rounds = 0;
    group.bench_function(BenchmarkId::new("full_round", prefs.name()), |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                if rounds == FULL_ROUNDS_PER_STATE {
                    cluster = Cluster::new(prefs);
                    offers = cluster.offers(CORES);
                    rounds = 0;
                }
                let start = Instant::now();
                let launches = cluster.sched.resource_offers(NOW, black_box(&offers), true);
                timed += start.elapsed();
                assert_eq!(launches.len(), (EXECUTORS * CORES) as usize);
                for launch in launches {
                    cluster.kill(launch.task_id);
                }
                rounds += 1;
            }
            timed
        });
    });
}

/// The single-executor round: every slot busy, one executor offers the core a finished task
/// freed.
struct Busy {
    cluster: Cluster,
    /// Running attempts per executor, oldest first.
    running: Vec<VecDeque<TaskId>>,
    next_exec: usize,
    rounds: u32,
}

impl Busy {
    fn new(prefs: Prefs) -> Busy {
        let mut cluster = Cluster::new(prefs);
        let mut running = vec![VecDeque::new(); EXECUTORS as usize];
        // Fill the slots one core at a time, as completions would: FAIR shares emerge.
        for _ in 0..CORES {
            for (offer, slots) in cluster.executors.iter().zip(&mut running) {
                let offer = WorkerOffer { cores: 1, ..*offer };
                let launches = cluster.sched.resource_offers(NOW, &[offer], false);
                slots.extend(launches.iter().map(|l| l.task_id));
            }
        }
        Busy {
            cluster,
            running,
            next_exec: 0,
            rounds: 0,
        }
    }
}

fn single_executor_round(group: &mut BenchmarkGroup<'_, WallTime>, prefs: Prefs) {
    let mut busy = Busy::new(prefs);
    group.bench_function(BenchmarkId::new("single_executor", prefs.name()), |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                if busy.rounds == SINGLE_ROUNDS_PER_STATE {
                    busy = Busy::new(prefs);
                }
                let e = busy.next_exec;
                busy.next_exec = (e + 1) % EXECUTORS as usize;
                if let Some(tid) = busy.running[e].pop_front() {
                    busy.cluster.kill(tid);
                }
                let offer = [WorkerOffer {
                    cores: 1,
                    ..busy.cluster.executors[e]
                }];
                let start = Instant::now();
                let launches = busy
                    .cluster
                    .sched
                    .resource_offers(NOW, black_box(&offer), false);
                timed += start.elapsed();
                assert_eq!(launches.len(), 1, "every single-core round launches a task");
                // The offer is executor e's, so everything launched runs there.
                busy.running[e].extend(launches.iter().map(|l| l.task_id));
                busy.rounds += 1;
            }
            timed
        });
    });
}

fn resource_offers(c: &mut Criterion) {
    let mut group = c.benchmark_group("scheduler/resource_offers");
    configure(&mut group);
    for prefs in [Prefs::None, Prefs::Hosts] {
        full_round(&mut group, prefs);
    }
    for prefs in [Prefs::None, Prefs::Hosts] {
        single_executor_round(&mut group, prefs);
    }
    group.finish();
}

/// N pools under a FAIR root, each with 1–2 task sets of 16 tasks, 0–8 of them running.
fn queue_state(pools: usize) -> TaskSchedulerImpl {
    let defs = pool_defs(pools);
    let mut sched = scheduler(&defs);
    let mut rng = SplitMix64(pools as u64);
    let mut stage = 0;
    let mut tid: TaskId = 0;
    for (i, (name, ..)) in defs.iter().enumerate() {
        for _ in 0..=(i % 2) {
            let job = u64::from(rng.below(1_000));
            let (id, _) = sched.submit_tasks(NOW, TaskSet::no_prefs(stage, 0, job, 16), Some(name));
            for _ in 0..rng.below(9) {
                sched.add_running_task(id, tid);
                tid += 1;
            }
            stage += 1;
        }
    }
    sched
}

fn sorted_task_set_queue(c: &mut Criterion) {
    let mut group = c.benchmark_group("scheduler/sorted_task_set_queue");
    configure(&mut group);
    for pools in [1usize, 10, 100, 1_000] {
        let sched = queue_state(pools);
        let expected = sched.task_set_managers().len();
        assert_eq!(sched.sorted_task_set_queue().len(), expected);
        group.bench_with_input(BenchmarkId::from_parameter(pools), &sched, |b, sched| {
            b.iter(|| black_box(sched.sorted_task_set_queue()));
        });
    }
    group.finish();
}

criterion_group!(benches, resource_offers, sorted_task_set_queue);
criterion_main!(benches);
