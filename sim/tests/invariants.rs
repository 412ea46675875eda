//! Property tests of the engine's invariants on random workloads and clusters.
//!
//! Each case is a random workload (up to 30 jobs in random pools, random submit times and
//! `after` chains, 1–3 stages per job with random parents, 1–20 tasks per stage of 0–500 ms,
//! occasional injected failures, retry durations and preferred hosts) run on a random
//! [`SimSetup`] (FIFO or FAIR root, a few pools with random weight and minShare, local mode or
//! 1–4 executors on 1–3 hosts, `spark.task.cpus` 1 or 2, `maxTaskFailures` 1–4, default, zero
//! or random knobs, a random offer-shuffle seed). The properties:
//!
//! 1. [`capacity`]: no executor runs more attempts at once than `cores / task_cpus`.
//! 2. [`outcomes`]: job outcomes are exactly what the injected failures imply; every task of a
//!    succeeded job has exactly one SUCCESS attempt (after exactly its injected failures); a
//!    failed job had a task fail `maxTaskFailures` times and launches nothing after that.
//! 3. [`times`]: time never goes backwards, and causality holds (chains, stage parents, no
//!    launch before its task set's submission).
//! 4. [`fifo_order`]: FIFO without locality preferences never lets a later job jump an
//!    earlier job's pending task; and [`work_conservation`], in FIFO and FAIR: no slot stays
//!    free while a submitted task is pending.
//! 5. `runs_are_deterministic`: equal inputs give equal outputs; another shuffle seed still
//!    satisfies 1–3.
//!
//! `nothing_of_an_aborted_job_launches_after_the_abort` is the smallest counterexample
//! property 2 found (an engine bug: a child stage whose submission was already scheduled when
//! its job aborted still runs). Failing cases are kept in
//! `sim/proptest-regressions/invariants.txt`; `PROPTEST_CASES=n` runs more cases.

use policies::scheduling_mode::SchedulingMode;
use policies::task_scheduler_impl::SchedulerSettings;
use policies::task_set_manager::TsmSettings;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use sim::cluster::ExecutorSpec;
use sim::knobs::SimKnobs;
use sim::records::{AttemptStatus, JobStatus, SimOutput, TaskRecord};
use sim::simulation::{SimSetup, Simulation};
use std::collections::BTreeMap;
use std::fmt;
use workloads::model::{After, Job, Stage, Workload};

const MAX_JOBS: usize = 30;
const MAX_TASKS: usize = 20;
const MAX_DURATION_MS: u64 = 500;
/// Pool names jobs may ask for: `p0`–`p2` may be declared, `p3` never is (FAIR creates it).
const POOL_NAMES: usize = 4;

/// 64 cases per property (`PROPTEST_CASES` overrides, for longer soak runs).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/invariants.txt",
        ))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Random cases. Raw values are drawn independently (so they shrink well) and then turned
// into a valid workload: `after` and parents are taken modulo what is allowed, per-task
// vectors are drawn at full length and cut to the stage's task count.
// ---------------------------------------------------------------------------------------

/// What a case may contain.
#[derive(Clone, Copy, Debug)]
struct Shape {
    failures: bool,
    prefs: bool,
    /// `Some(fair)`: force the root mode.
    mode: Option<bool>,
    /// Force a cluster of at least two executors.
    multi_executor: bool,
}

const ANY: Shape = Shape {
    failures: true,
    prefs: true,
    mode: None,
    multi_executor: false,
};

#[derive(Clone, Debug)]
struct RawStage {
    parents: u8,
    durations: Vec<u64>,
    retry: Option<Vec<u64>>,
    failures: Option<Vec<u32>>,
    prefs: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
struct RawJob {
    pool: Option<u8>,
    submit_ms: u64,
    after: Option<(usize, u64)>,
    stages: Vec<RawStage>,
}

#[derive(Clone, Debug)]
enum RawKnobs {
    Default,
    Zero,
    Random(Vec<u64>),
}

#[derive(Clone, Debug)]
struct RawSetup {
    fair: bool,
    /// Declared pools p0, p1, …: (FAIR inside, minShare, weight).
    pools: Vec<(bool, i32, i32)>,
    declare_default: bool,
    local: bool,
    /// (host number, cores) per executor.
    executors: Vec<(u8, u32)>,
    task_cpus: u32,
    max_task_failures: u32,
    locality_wait_ms: u64,
    revive_interval_ms: u64,
    knobs: RawKnobs,
    seed: u64,
}

/// One run's inputs.
#[derive(Clone)]
struct Case {
    workload: Workload,
    setup: SimSetup,
}

/// A task duration: 0–500 ms, with extra weight on 0 and on round values (ties).
fn duration() -> impl Strategy<Value = u64> {
    prop_oneof![
        1 => Just(0u64),
        2 => (0..=MAX_DURATION_MS / 50).prop_map(|k| k * 50),
        7 => 0..=MAX_DURATION_MS,
    ]
}

fn raw_stage(shape: Shape) -> impl Strategy<Value = RawStage> {
    let failures = if shape.failures {
        // Mostly no failures; else 0–4 failing first attempts per task, mostly 0.
        let per_task = prop_oneof![6 => Just(0u32), 2 => 1u32..=2, 1 => 3u32..=4];
        prop::option::weighted(0.15, prop::collection::vec(per_task, MAX_TASKS)).boxed()
    } else {
        Just(None).boxed()
    };
    let prefs = if shape.prefs {
        prop::option::weighted(0.2, prop::collection::vec(0u8..16, MAX_TASKS)).boxed()
    } else {
        Just(None).boxed()
    };
    (
        any::<u8>(),
        prop::collection::vec(duration(), 1..=MAX_TASKS),
        prop::option::weighted(0.2, prop::collection::vec(duration(), MAX_TASKS)),
        failures,
        prefs,
    )
        .prop_map(|(parents, durations, retry, failures, prefs)| RawStage {
            parents,
            durations,
            retry,
            failures,
            prefs,
        })
}

fn raw_job(shape: Shape) -> impl Strategy<Value = RawJob> {
    (
        prop::option::weighted(0.7, 0..POOL_NAMES as u8),
        // Round times make ties: many events at one instant.
        prop_oneof![2 => Just(0u64), 3 => (0u64..50).prop_map(|k| k * 100), 5 => 0u64..5_000],
        prop::option::weighted(0.25, (any::<usize>(), 0u64..300)),
        prop::collection::vec(raw_stage(shape), 1..=3),
    )
        .prop_map(|(pool, submit_ms, after, stages)| RawJob {
            pool,
            submit_ms,
            after,
            stages,
        })
}

fn raw_knobs() -> impl Strategy<Value = RawKnobs> {
    prop_oneof![
        Just(RawKnobs::Default),
        Just(RawKnobs::Zero),
        prop::collection::vec(0u64..40, 9).prop_map(RawKnobs::Random),
    ]
}

fn raw_setup(shape: Shape) -> impl Strategy<Value = RawSetup> {
    let fair = match shape.mode {
        Some(f) => Just(f).boxed(),
        None => any::<bool>().boxed(),
    };
    let local = if shape.multi_executor {
        Just(false).boxed()
    } else {
        any::<bool>().boxed()
    };
    let min_executors = if shape.multi_executor { 2 } else { 1 };
    (
        (
            fair,
            prop::collection::vec((any::<bool>(), 0i32..=3, 1i32..=4), 0..=3),
            any::<bool>(),
            local,
            prop::collection::vec((0u8..3, 1u32..=8), min_executors..=4),
        ),
        (
            1u32..=2,
            1u32..=4,
            prop_oneof![Just(3_000u64), 0u64..=3_000],
            prop_oneof![Just(1_000u64), 1u64..=3_000],
            raw_knobs(),
            any::<u64>(),
        ),
    )
        .prop_map(
            |(
                (fair, pools, declare_default, local, executors),
                (task_cpus, max_task_failures, locality_wait_ms, revive_interval_ms, knobs, seed),
            )| RawSetup {
                fair,
                pools,
                declare_default,
                local,
                executors,
                task_cpus,
                max_task_failures,
                locality_wait_ms,
                revive_interval_ms,
                knobs,
                seed,
            },
        )
}

fn case(shape: Shape) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(raw_job(shape), 0..=MAX_JOBS),
        raw_setup(shape),
    )
        .prop_map(|(jobs, setup)| build_case(&jobs, &setup))
}

fn hosts_of(setup: &RawSetup) -> Vec<String> {
    if setup.local {
        vec!["localhost".to_string()]
    } else {
        setup
            .executors
            .iter()
            .map(|&(h, _)| format!("host-{h}"))
            .collect()
    }
}

fn build_case(raw_jobs: &[RawJob], raw: &RawSetup) -> Case {
    let hosts = hosts_of(raw);
    // Preferred hosts: the cluster's hosts, plus (cluster mode only) a host without executors.
    // In local mode a task preferring a dead host, in a task set whose NODE_LOCAL level is
    // valid (another task prefers `localhost`), waits for a locality timeout that nothing
    // ever acts on: local mode has no periodic revive, so once the other tasks are done no
    // offer comes and the job never finishes. That is Spark's behaviour (SPARK-4939,
    // SPARK-37488), not an engine bug, so local cases only prefer `localhost`.
    let pref_host = |p: u8| match p % 5 {
        0 if !raw.local => "nowhere".to_string(),
        k => hosts[(p as usize / 5 + k as usize) % hosts.len()].clone(),
    };
    let jobs: Vec<Job> = raw_jobs
        .iter()
        .enumerate()
        .map(|(j, rj)| {
            let stages = rj
                .stages
                .iter()
                .enumerate()
                .map(|(s, rs)| {
                    let n = rs.durations.len();
                    Stage {
                        parents: (0..s).filter(|&p| rs.parents & (1 << p) != 0).collect(),
                        task_durations_ms: rs.durations.clone(),
                        retry_task_durations_ms: rs.retry.as_ref().map(|v| v[..n].to_vec()),
                        task_failures: rs.failures.as_ref().map(|v| v[..n].to_vec()),
                        task_preferred_hosts: rs.prefs.as_ref().map(|v| {
                            v[..n]
                                .iter()
                                .map(|&p| match p / 8 {
                                    0 => vec![pref_host(p)],
                                    _ => vec![pref_host(p), pref_host(p / 3)],
                                })
                                .collect()
                        }),
                        cached: false,
                    }
                })
                .collect();
            Job {
                name: format!("job-{j}"),
                pool: rj.pool.map(|p| format!("p{p}")),
                submit_ms: rj.submit_ms,
                after: rj.after.filter(|_| j > 0).map(|(target, gap_ms)| After {
                    job: target % j,
                    gap_ms,
                }),
                stages,
            }
        })
        .collect();
    let workload = Workload {
        name: "random".to_string(),
        jobs,
        ..Workload::default()
    };
    workload
        .validate()
        .expect("the generator builds valid workloads");

    let mode = |fair: bool| {
        if fair {
            SchedulingMode::Fair
        } else {
            SchedulingMode::Fifo
        }
    };
    let mut pools: Vec<(String, SchedulingMode, i32, i32)> = raw
        .pools
        .iter()
        .enumerate()
        .map(|(i, &(fair, min_share, weight))| (format!("p{i}"), mode(fair), min_share, weight))
        .collect();
    if raw.declare_default {
        pools.push(("default".to_string(), SchedulingMode::Fifo, 0, 1));
    }
    let task_cpus = raw.task_cpus;
    let executors = if raw.local {
        vec![ExecutorSpec {
            id: "driver".to_string(),
            host: "localhost".to_string(),
            cores: raw.executors[0].1.max(task_cpus),
        }]
    } else {
        raw.executors
            .iter()
            .enumerate()
            .map(|(i, &(h, cores))| ExecutorSpec {
                id: i.to_string(),
                host: format!("host-{h}"),
                cores: cores.max(task_cpus),
            })
            .collect()
    };
    let knobs = match &raw.knobs {
        RawKnobs::Default => SimKnobs::default(),
        RawKnobs::Zero => SimKnobs::zero(),
        RawKnobs::Random(v) => SimKnobs {
            job_submit_latency_ms: v[0],
            job_chain_latency_ms: v[1],
            job_start_latency_ms: v[2],
            stage_submit_latency_ms: v[3],
            job_end_latency_ms: v[4],
            task_launch_overhead_ms: v[5],
            concurrent_launch_overhead_ms: v[6] / 4,
            concurrent_launch_window_ms: v[7],
            kill_latency_ms: v[8],
            first_on_executor_overhead_ms: v[5] / 2,
            cluster_launch_overhead_ms: v[6] / 4,
        },
    };
    let setup = SimSetup {
        root_mode: mode(raw.fair),
        pools,
        scheduler: SchedulerSettings {
            task_cpus,
            tsm: TsmSettings {
                max_task_failures: raw.max_task_failures,
                locality_wait_process_ms: raw.locality_wait_ms,
                locality_wait_node_ms: raw.locality_wait_ms,
                locality_wait_rack_ms: raw.locality_wait_ms,
                legacy_locality_reset: false,
                ..TsmSettings::default()
            },
        },
        executors,
        local_mode: raw.local,
        revive_interval_ms: if raw.local { 0 } else { raw.revive_interval_ms },
        knobs,
        shuffle_seed: Some(raw.seed),
        slowdowns: Default::default(),
        lifecycle: Default::default(),
    };
    Case { workload, setup }
}

/// A compact description, for counterexamples.
impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.setup;
        writeln!(
            f,
            "setup: root {:?}, pools {:?}, local {}, executors {:?}, task_cpus {}, maxTaskFailures {}, \
             locality wait {} ms, revive {} ms, shuffle seed {:?}",
            s.root_mode,
            s.pools,
            s.local_mode,
            s.executors
                .iter()
                .map(|e| format!("{}@{}x{}", e.id, e.host, e.cores))
                .collect::<Vec<_>>(),
            s.scheduler.task_cpus,
            s.scheduler.tsm.max_task_failures,
            s.scheduler.tsm.locality_wait_process_ms,
            s.revive_interval_ms,
            s.shuffle_seed,
        )?;
        writeln!(f, "knobs: {:?}", s.knobs)?;
        for (j, job) in self.workload.jobs.iter().enumerate() {
            write!(f, "job {j}: pool {:?}, submit {}", job.pool, job.submit_ms)?;
            if let Some(a) = job.after {
                write!(f, ", after job {} + {} ms", a.job, a.gap_ms)?;
            }
            writeln!(f)?;
            for (k, st) in job.stages.iter().enumerate() {
                write!(
                    f,
                    "  stage {k}: parents {:?}, durations {:?}",
                    st.parents, st.task_durations_ms
                )?;
                if let Some(r) = &st.retry_task_durations_ms {
                    write!(f, ", retry {r:?}")?;
                }
                if let Some(x) = &st.task_failures {
                    write!(f, ", failures {x:?}")?;
                }
                if let Some(p) = &st.task_preferred_hosts {
                    write!(f, ", prefs {p:?}")?;
                }
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

fn run(case: &Case) -> SimOutput {
    Simulation::new(&case.workload, case.setup.clone()).run()
}

// ---------------------------------------------------------------------------------------
// Helpers over the records.
// ---------------------------------------------------------------------------------------

/// Attempts per (job, stage id, task index), each list in attempt order.
fn attempts_by_task(out: &SimOutput) -> BTreeMap<(u32, u32, u32), Vec<&TaskRecord>> {
    let mut map: BTreeMap<_, Vec<&TaskRecord>> = BTreeMap::new();
    for t in &out.tasks {
        map.entry((t.job, t.stage_id, t.task_index))
            .or_default()
            .push(t);
    }
    for list in map.values_mut() {
        list.sort_by_key(|t| t.attempt);
    }
    map
}

/// When an attempt stops holding its cores. Attempts still RUNNING at the end (which
/// [`times`] rejects) hold them for ever.
fn held_until(t: &TaskRecord) -> u64 {
    if t.status == AttemptStatus::Running {
        u64::MAX
    } else {
        t.finish_ms
    }
}

/// Attempts running at the end of instant `t` on executor `e`: `launch <= t < finish`.
fn running_at(out: &SimOutput, e: usize, t: u64) -> usize {
    out.tasks
        .iter()
        .filter(|a| a.executor as usize == e && a.launch_ms <= t && t < held_until(a))
        .count()
}

// ---------------------------------------------------------------------------------------
// Property 1: capacity.
// ---------------------------------------------------------------------------------------

/// No executor ever runs more attempts at once than `cores / task_cpus`. An attempt occupies
/// `[launch_ms, finish_ms)`: at an instant where one attempt ends and another starts, the
/// end is counted first (the engine frees the cores before it offers them again).
fn capacity(case: &Case, out: &SimOutput) -> Result<(), TestCaseError> {
    let cpus = case.setup.scheduler.task_cpus;
    let slots: u32 = case.setup.executors.iter().map(|e| e.cores / cpus).sum();
    prop_assert_eq!(out.slots, slots, "SimOutput::slots");
    for (e, spec) in case.setup.executors.iter().enumerate() {
        let limit = (spec.cores / cpus) as i64;
        let mut points: Vec<(u64, i64)> = Vec::new();
        for a in out.tasks.iter().filter(|a| a.executor as usize == e) {
            points.push((a.launch_ms, 1));
            points.push((held_until(a), -1));
        }
        points.sort();
        let mut running = 0i64;
        for (t, delta) in points {
            running += delta;
            prop_assert!(
                running <= limit,
                "executor {} ({} cores, task_cpus {}) runs {} attempts at {} ms (limit {})",
                spec.id,
                spec.cores,
                cpus,
                running,
                t,
                limit
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Property 2: outcomes.
// ---------------------------------------------------------------------------------------

/// The status each job must end with: a job chained after a job that did not succeed never
/// runs; a job that runs fails exactly when one of its tasks has at least `maxTaskFailures`
/// injected failures (every failure counts, and the stage aborts at the max-th); else it
/// succeeds. Without injected failures, every job succeeds.
fn expected_statuses(case: &Case) -> Vec<JobStatus> {
    let max = case.setup.scheduler.tsm.max_task_failures;
    let mut out: Vec<JobStatus> = Vec::new();
    for job in &case.workload.jobs {
        let status = if job
            .after
            .is_some_and(|a| out[a.job] != JobStatus::Succeeded)
        {
            JobStatus::NotRun
        } else if job
            .stages
            .iter()
            .any(|s| (0..s.num_tasks()).any(|i| s.failures_of(i) >= max))
        {
            JobStatus::Failed
        } else {
            JobStatus::Succeeded
        };
        out.push(status);
    }
    out
}

/// Every task of a succeeded job has exactly one SUCCESS attempt, after exactly its injected
/// failures (attempts 0…f-1 FAILED, attempt f SUCCESS); a failed job had a task whose
/// `maxTaskFailures` attempts all failed; job statuses are exactly [`expected_statuses`].
fn outcomes(case: &Case, out: &SimOutput) -> Result<(), TestCaseError> {
    let max = case.setup.scheduler.tsm.max_task_failures;
    let expected = expected_statuses(case);
    let by_task = attempts_by_task(out);
    prop_assert_eq!(out.jobs.len(), case.workload.jobs.len());
    for (j, (job, record)) in case.workload.jobs.iter().zip(&out.jobs).enumerate() {
        prop_assert_eq!(
            &record.status,
            &expected[j],
            "job {} ended {:?}, expected {:?} ({:?})",
            j,
            record.status,
            expected[j],
            record.failure
        );
        prop_assert_eq!(record.tasks, job.num_tasks());
        let attempts_of_job = out.tasks.iter().filter(|t| t.job as usize == j).count();
        match record.status {
            JobStatus::NotRun => {
                prop_assert_eq!(attempts_of_job, 0, "job {} never ran but has attempts", j);
                prop_assert!(record.job_id.is_none());
            }
            JobStatus::Succeeded => {
                prop_assert_eq!(record.stage_ids.len(), job.stages.len());
                for (k, stage) in job.stages.iter().enumerate() {
                    let sid = record.stage_ids[k];
                    for i in 0..stage.num_tasks() {
                        let list = by_task
                            .get(&(j as u32, sid, i as u32))
                            .map_or(&[][..], Vec::as_slice);
                        let f = stage.failures_of(i) as usize;
                        let statuses: Vec<AttemptStatus> = list.iter().map(|t| t.status).collect();
                        let mut want = vec![AttemptStatus::Failed; f];
                        want.push(AttemptStatus::Success);
                        prop_assert_eq!(
                            &statuses,
                            &want,
                            "job {} stage {} (id {}) task {}",
                            j,
                            k,
                            sid,
                            i
                        );
                        for (n, t) in list.iter().enumerate() {
                            prop_assert_eq!(t.attempt as usize, n);
                            prop_assert!(!t.speculative);
                            prop_assert_eq!(t.stage_attempt, 0);
                        }
                    }
                }
                prop_assert!(record.failure.is_none());
            }
            JobStatus::Failed => {
                prop_assert!(record.failure.is_some());
                // The stage aborts when the first task reaches `max` failures; nothing of the
                // job launches after that.
                let abort_ms = by_task
                    .iter()
                    .filter(|((tj, _, _), _)| *tj as usize == j)
                    .filter_map(|(_, list)| {
                        let failed: Vec<_> = list
                            .iter()
                            .filter(|t| t.status == AttemptStatus::Failed)
                            .collect();
                        (failed.len() == max as usize).then(|| failed[failed.len() - 1].finish_ms)
                    })
                    .min();
                let Some(abort_ms) = abort_ms else {
                    return Err(TestCaseError::fail(format!(
                        "job {j} failed but no task failed {max} times"
                    )));
                };
                let late = out
                    .tasks
                    .iter()
                    .find(|t| t.job as usize == j && t.launch_ms > abort_ms);
                prop_assert!(
                    late.is_none(),
                    "job {} aborted at {} ms but launched {:?}",
                    j,
                    abort_ms,
                    late
                );
            }
        }
    }
    // Without speculation, only a failed job's attempts are killed (when it aborts).
    for t in &out.tasks {
        if t.status == AttemptStatus::Killed {
            prop_assert_eq!(
                &out.jobs[t.job as usize].status,
                &JobStatus::Failed,
                "killed attempt of a job that did not fail: {:?}",
                t
            );
        }
    }
    // Anywhere: at most one SUCCESS per task, and never more FAILED attempts than allowed.
    for (key, list) in &by_task {
        let ok = list
            .iter()
            .filter(|t| t.status == AttemptStatus::Success)
            .count();
        prop_assert!(ok <= 1, "task {:?} succeeded {} times", key, ok);
        let failed = list
            .iter()
            .filter(|t| t.status == AttemptStatus::Failed)
            .count();
        prop_assert!(
            failed <= max as usize,
            "task {:?} failed {} times",
            key,
            failed
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Property 3: time.
// ---------------------------------------------------------------------------------------

/// Time never goes backwards: every attempt ended (none left RUNNING) with
/// `launch <= finish <= end_ms`; a job that ran has `submit <= first_launch <= end <= end_ms`,
/// its first launch is its earliest attempt and every attempt launches after its submission.
/// Causality: a job is submitted no earlier than its `submit_ms` (nor, when chained, than its
/// predecessor's end plus the gap); job ids follow submission order; a child stage launches
/// only after each parent stage's last success; a succeeded job's attempts all end by its end;
/// no attempt launches before its task set's submission ([`stage_submit_times`]); an attempt
/// that ran to completion held its slot at least its duration plus the launch overhead
/// (exactly its duration with zero knobs).
fn times(case: &Case, out: &SimOutput) -> Result<(), TestCaseError> {
    let knobs = &case.setup.knobs;
    let zero_knobs = *knobs == SimKnobs::zero();
    for t in &out.tasks {
        prop_assert!(
            t.status != AttemptStatus::Running,
            "attempt left running: {:?}",
            t
        );
        prop_assert!(
            t.launch_ms <= t.finish_ms,
            "attempt ends before it starts: {:?}",
            t
        );
        prop_assert!(
            t.finish_ms <= out.end_ms,
            "attempt ends after end_ms: {:?}",
            t
        );
        if matches!(t.status, AttemptStatus::Success | AttemptStatus::Failed) {
            let job = &case.workload.jobs[t.job as usize];
            let k = out.jobs[t.job as usize]
                .stage_ids
                .iter()
                .position(|&s| s == t.stage_id)
                .expect("the attempt's stage belongs to its job");
            let d = job.stages[k].attempt_duration_ms(t.task_index as usize, t.attempt);
            let held = t.finish_ms - t.launch_ms;
            prop_assert!(
                held >= d + knobs.task_launch_overhead_ms,
                "attempt held its slot {} ms, duration {} + overhead {}: {:?}",
                held,
                d,
                knobs.task_launch_overhead_ms,
                t
            );
            if zero_knobs {
                prop_assert_eq!(held, d, "zero knobs: {:?}", t);
            }
        }
    }
    let mut by_id: Vec<(u64, u64)> = Vec::new();
    for (j, r) in out.jobs.iter().enumerate() {
        let job = &case.workload.jobs[j];
        let mine: Vec<&TaskRecord> = out.tasks.iter().filter(|t| t.job as usize == j).collect();
        if r.status == JobStatus::NotRun {
            prop_assert!(
                r.submit_ms.is_none() && r.first_launch_ms.is_none() && r.end_ms.is_none()
            );
            continue;
        }
        let (Some(id), Some(submit), Some(first), Some(end)) =
            (r.job_id, r.submit_ms, r.first_launch_ms, r.end_ms)
        else {
            return Err(TestCaseError::fail(format!(
                "job {j} ran but lacks times: {r:?}"
            )));
        };
        prop_assert!(
            submit <= first && first <= end && end <= out.end_ms,
            "job {}: {:?}",
            j,
            r
        );
        prop_assert_eq!(
            Some(first),
            mine.iter().map(|t| t.launch_ms).min(),
            "job {} first launch",
            j
        );
        prop_assert!(mine.iter().all(|t| t.launch_ms >= submit));
        if r.status == JobStatus::Succeeded {
            prop_assert!(
                mine.iter().all(|t| t.finish_ms <= end),
                "job {} ends before its attempts",
                j
            );
        }
        prop_assert!(
            submit >= job.submit_ms,
            "job {} submitted before its submit_ms",
            j
        );
        if let Some(a) = job.after {
            let prev_end = out.jobs[a.job]
                .end_ms
                .expect("a chained job's predecessor ended");
            prop_assert!(
                submit >= prev_end + a.gap_ms,
                "job {} submitted before its predecessor's end + gap",
                j
            );
        }
        by_id.push((id, submit));
        for (k, stage) in job.stages.iter().enumerate() {
            let sid = r.stage_ids[k];
            let first_child = mine
                .iter()
                .filter(|t| t.stage_id == sid)
                .map(|t| t.launch_ms)
                .min();
            let Some(first_child) = first_child else {
                continue;
            };
            for &p in &stage.parents {
                let psid = r.stage_ids[p];
                let parent_done = mine
                    .iter()
                    .filter(|t| t.stage_id == psid && t.status == AttemptStatus::Success)
                    .map(|t| t.finish_ms)
                    .max();
                prop_assert!(
                    parent_done.is_some_and(|d| d <= first_child),
                    "job {} stage {} launched at {} before parent stage {} finished ({:?})",
                    j,
                    k,
                    first_child,
                    p,
                    parent_done
                );
            }
        }
    }
    // No attempt launches before its task set exists.
    let submitted = stage_submit_times(case, out);
    for t in &out.tasks {
        let at = submitted.get(&t.stage_id);
        prop_assert!(
            at.is_some_and(|&at| at <= t.launch_ms),
            "attempt launched before its task set's submission at {:?} ms: {:?}",
            at,
            t
        );
    }
    by_id.sort();
    prop_assert!(
        by_id
            .windows(2)
            .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1),
        "job ids out of submission order: {:?}",
        by_id
    );
    Ok(())
}

fn basic(case: &Case, out: &SimOutput) -> Result<(), TestCaseError> {
    capacity(case, out)?;
    outcomes(case, out)?;
    times(case, out)
}

// ---------------------------------------------------------------------------------------
// Property 4: FIFO order and work conservation.
// ---------------------------------------------------------------------------------------

/// A stretch of time during which a task was pending: `[from, until)`, `until` being the
/// launch that ended it.
#[derive(Clone, Copy, Debug)]
struct Pending {
    job_id: u64,
    job: u32,
    stage_id: u32,
    index: u32,
    from: u64,
    until: u64,
}

/// When each stage's task set was submitted (stage id → ms), derived from the records and the
/// documented knobs: a stage without parents is submitted `jobStartLatency` after its job's
/// JobStart (`submit_ms`); a child stage `stageSubmitLatency` after its last parent stage
/// finished, a stage finishing when the last of its partitions first succeeds (the result
/// is handled at the attempt's end). Stages whose parents never finished are left out.
fn stage_submit_times(case: &Case, out: &SimOutput) -> BTreeMap<u32, u64> {
    let knobs = &case.setup.knobs;
    let mut first_success: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    for t in out
        .tasks
        .iter()
        .filter(|t| t.status == AttemptStatus::Success)
    {
        let e = first_success
            .entry((t.stage_id, t.task_index))
            .or_insert(t.finish_ms);
        *e = (*e).min(t.finish_ms);
    }
    let mut submitted = BTreeMap::new();
    for (job, r) in case.workload.jobs.iter().zip(&out.jobs) {
        let Some(job_start) = r.submit_ms else {
            continue;
        };
        let stage_end = |k: usize| -> Option<u64> {
            let sid = r.stage_ids[k];
            (0..job.stages[k].num_tasks() as u32)
                .map(|i| first_success.get(&(sid, i)).copied())
                .try_fold(0u64, |acc, t| Some(acc.max(t?)))
        };
        for (k, stage) in job.stages.iter().enumerate() {
            let at = if stage.parents.is_empty() {
                Some(job_start + knobs.job_start_latency_ms)
            } else {
                stage
                    .parents
                    .iter()
                    .map(|&p| stage_end(p))
                    .try_fold(0u64, |acc, t| Some(acc.max(t?)))
                    .map(|t| t + knobs.stage_submit_latency_ms)
            };
            if let Some(at) = at {
                submitted.insert(r.stage_ids[k], at);
            }
        }
    }
    submitted
}

/// Pending stretches, from the records. A task is pending from its task set's submission
/// ([`stage_submit_times`]) until its first launch, and from a failed attempt's end (its
/// result handling puts it back on the pending stacks at that instant) until the next
/// attempt's launch. Only stretches ended by a launch count: a task that never launches
/// again belongs to an aborted job whose task sets are zombies.
fn pending_stretches(case: &Case, out: &SimOutput) -> Vec<Pending> {
    let submitted = stage_submit_times(case, out);
    let mut out_list = Vec::new();
    for (&(job, stage_id, index), list) in &attempts_by_task(out) {
        let job_id = out.jobs[job as usize]
            .job_id
            .expect("a job with attempts has an id");
        let p = |from, until| Pending {
            job_id,
            job,
            stage_id,
            index,
            from,
            until,
        };
        let from = submitted
            .get(&stage_id)
            .copied()
            .unwrap_or(list[0].launch_ms);
        out_list.push(p(from, list[0].launch_ms));
        for w in list.windows(2) {
            if w[0].status == AttemptStatus::Failed {
                out_list.push(p(w[0].finish_ms, w[1].launch_ms));
            }
        }
    }
    out_list
}

/// FIFO order, no locality preferences. Spark's FIFO comparator sorts task sets by
/// (priority = job id, stage id), and in an offer round each task set in that order sweeps
/// the offers and takes every slot it can; without locality preferences a task set with a
/// pending task never declines an offer (its levels are NO_PREF, ANY and NO_PREF accepts any
/// executor). So in any round, a later job's task set gets a slot only if every earlier
/// job's task sets had nothing pending at the start of its turn.
///
/// What we check: whenever a task of job B launches at `t`, no earlier job A (smaller job id)
/// had a task pending throughout instant `t` — pending since strictly before `t` (its task set
/// submitted before `t`, or its failed attempt ended before `t`) and launched only after `t`.
/// This is the brief's statement without its "a slot was free" condition, so it is stronger:
/// B's launch itself used a slot A would have taken. Such a task was pending at the start of the round
/// that launched B's task, and A's turn came first. (Tasks that become pending *at* `t`, after
/// B's round, are covered by [`work_conservation`]: their arrival makes a full round.)
fn fifo_order(case: &Case, out: &SimOutput) -> Result<(), TestCaseError> {
    let pending = pending_stretches(case, out);
    for t in &out.tasks {
        let b = out.jobs[t.job as usize]
            .job_id
            .expect("launched jobs have ids");
        let at = t.launch_ms;
        if let Some(p) = pending
            .iter()
            .find(|p| p.job_id < b && p.from < at && at < p.until)
        {
            return Err(TestCaseError::fail(format!(
                "FIFO: job id {b} (workload job {}) launched stage {} task {} attempt {} at {at} ms \
                 while job id {} (workload job {}) stage {} task {} was pending from {} ms until {} ms",
                t.job,
                t.stage_id,
                t.task_index,
                t.attempt,
                p.job_id,
                p.job,
                p.stage_id,
                p.index,
                p.from,
                p.until
            )));
        }
    }
    Ok(())
}

/// Work conservation, FIFO or FAIR, no locality preferences: at the end of any instant `t`
/// at which some task is pending (`from <= t < until`), every executor is full (fewer than
/// `task_cpus` free cores). Every event that frees cores offers them, and every event that
/// makes a task pending (a task set's submission, a failed attempt's re-queue) makes a full
/// round; a task set with a pending task and no locality preference takes any offer, in any
/// pool order. Occupancy only changes at launch and finish times, so checking the end of each
/// such instant inside `[from, until)` covers every point of it.
fn work_conservation(case: &Case, out: &SimOutput) -> Result<(), TestCaseError> {
    let cpus = case.setup.scheduler.task_cpus;
    let mut instants: Vec<u64> = out
        .tasks
        .iter()
        .flat_map(|t| [t.launch_ms, t.finish_ms])
        .collect();
    instants.sort_unstable();
    instants.dedup();
    // For each instant, an executor with a free slot at its end, if any.
    let free_at: Vec<Option<(usize, u32)>> = instants
        .iter()
        .map(|&t| {
            case.setup
                .executors
                .iter()
                .enumerate()
                .find_map(|(e, spec)| {
                    let used = running_at(out, e, t) as u32 * cpus;
                    let free = spec.cores.saturating_sub(used);
                    (free >= cpus).then_some((e, free))
                })
        })
        .collect();
    for p in pending_stretches(case, out) {
        let lo = instants.partition_point(|&t| t < p.from);
        let hi = instants.partition_point(|&t| t < p.until);
        if let Some(k) = (lo..hi).find(|&k| free_at[k].is_some()) {
            let (e, free) = free_at[k].unwrap();
            return Err(TestCaseError::fail(format!(
                "idle slot: at the end of {} ms executor {} had {free} free cores while job id {} \
                 (workload job {}) stage {} task {} was pending from {} ms until {} ms",
                instants[k],
                case.setup.executors[e].id,
                p.job_id,
                p.job,
                p.stage_id,
                p.index,
                p.from,
                p.until
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Property 1.
    #[test]
    fn no_executor_exceeds_its_slots(case in case(ANY)) {
        let out = run(&case);
        capacity(&case, &out)?;
    }

    /// Property 2.
    #[test]
    fn tasks_succeed_once_and_failures_fail_exactly_the_right_jobs(case in case(ANY)) {
        let out = run(&case);
        outcomes(&case, &out)?;
    }

    /// Property 2, no injected failures: every job succeeds.
    #[test]
    fn without_failures_every_job_succeeds(
        case in case(Shape { failures: false, ..ANY })
    ) {
        let out = run(&case);
        for (j, r) in out.jobs.iter().enumerate() {
            prop_assert_eq!(&r.status, &JobStatus::Succeeded, "job {}: {:?}", j, r);
        }
        outcomes(&case, &out)?;
    }

    /// Property 3.
    #[test]
    fn time_never_goes_backwards(case in case(ANY)) {
        let out = run(&case);
        times(&case, &out)?;
    }

    /// Property 4.
    #[test]
    fn fifo_never_lets_a_later_job_jump_a_pending_task(
        case in case(Shape { prefs: false, mode: Some(false), ..ANY })
    ) {
        let out = run(&case);
        fifo_order(&case, &out)?;
        work_conservation(&case, &out)?;
    }

    /// Property 4, the work-conservation half, under FAIR pools as well.
    #[test]
    fn no_slot_idles_while_a_task_is_pending(
        case in case(Shape { prefs: false, ..ANY })
    ) {
        let out = run(&case);
        work_conservation(&case, &out)?;
    }

    /// Property 5.
    #[test]
    fn runs_are_deterministic(
        case in case(Shape { multi_executor: true, ..ANY }),
        other_seed in any::<u64>(),
    ) {
        let a = serde_json::to_string(&run(&case)).unwrap();
        let b = serde_json::to_string(&run(&case)).unwrap();
        prop_assert!(a == b, "two runs of one case differ");
        let mut reseeded = case.clone();
        reseeded.setup.shuffle_seed = Some(other_seed);
        let out = run(&reseeded);
        basic(&reseeded, &out)?;
    }
}

/// Property 1–3 on one fixed, busy case (a smoke test that the generator's shapes run).
#[test]
fn a_fixed_case_satisfies_everything() {
    let stage = |d: u64, n: usize, parents: Vec<usize>| Stage {
        parents,
        task_durations_ms: vec![d; n],
        ..Stage::default()
    };
    let jobs = (0..6)
        .map(|j| Job {
            name: format!("job-{j}"),
            pool: Some(format!("p{}", j % 2)),
            submit_ms: 10 * j as u64,
            after: (j == 5).then_some(After { job: 0, gap_ms: 7 }),
            stages: vec![stage(100, 8, vec![]), stage(50, 4, vec![0])],
        })
        .collect();
    for fair in [false, true] {
        let raw = RawSetup {
            fair,
            pools: vec![(true, 2, 3), (false, 0, 1)],
            declare_default: false,
            local: false,
            executors: vec![(0, 4), (1, 3), (1, 2)],
            task_cpus: 1,
            max_task_failures: 4,
            locality_wait_ms: 3000,
            revive_interval_ms: 1000,
            knobs: RawKnobs::Default,
            seed: 7,
        };
        let mut case = build_case(&[], &raw);
        case.workload = Workload {
            name: "fixed".into(),
            jobs: Vec::clone(&jobs),
            ..Workload::default()
        };
        let out = run(&case);
        basic(&case, &out).unwrap();
        work_conservation(&case, &out).unwrap();
        if !fair {
            fifo_order(&case, &out).unwrap();
        }
    }
}

/// The smallest case property 2 found (shrunk by hand): one job, stage 0 → stage 1, and an
/// independent stage 2 whose only task fails (`maxTaskFailures` 1). Stage 0 ends at 100 ms,
/// so stage 1 becomes ready and its task set is due at 110 ms (`stageSubmitLatency` 10);
/// stage 2 fails at 105 ms and aborts the job. In Spark the child's task set is created in
/// the same DAG event that finished its parent, so the job's failure aborts it; nothing of
/// the job launches after the abort. The engine still submits stage 1 at 110 ms and runs it.
#[test]
fn nothing_of_an_aborted_job_launches_after_the_abort() {
    let stage = |d: u64, parents: Vec<usize>, failures: Option<Vec<u32>>| Stage {
        parents,
        task_durations_ms: vec![d],
        task_failures: failures,
        ..Stage::default()
    };
    let workload = Workload {
        name: "abort-race".into(),
        jobs: vec![Job {
            name: "job-0".into(),
            stages: vec![
                stage(100, vec![], None),
                stage(50, vec![0], None),
                stage(105, vec![], Some(vec![1])),
            ],
            ..Job::default()
        }],
        ..Workload::default()
    };
    let setup = SimSetup {
        root_mode: SchedulingMode::Fifo,
        pools: Vec::new(),
        scheduler: SchedulerSettings {
            task_cpus: 1,
            tsm: TsmSettings {
                max_task_failures: 1,
                ..TsmSettings::default()
            },
        },
        executors: vec![ExecutorSpec {
            id: "driver".into(),
            host: "localhost".into(),
            cores: 2,
        }],
        local_mode: true,
        revive_interval_ms: 0,
        knobs: SimKnobs {
            stage_submit_latency_ms: 10,
            ..SimKnobs::zero()
        },
        shuffle_seed: None,
        slowdowns: Default::default(),
        lifecycle: Default::default(),
    };
    let case = Case { workload, setup };
    let out = run(&case);
    assert_eq!(out.jobs[0].status, JobStatus::Failed);
    assert_eq!(out.jobs[0].end_ms, Some(105));
    let after_abort: Vec<&TaskRecord> = out.tasks.iter().filter(|t| t.launch_ms > 105).collect();
    assert!(
        after_abort.is_empty(),
        "the job aborted at 105 ms, yet these attempts launched later: {after_abort:?}"
    );
    outcomes(&case, &out).unwrap();
}
