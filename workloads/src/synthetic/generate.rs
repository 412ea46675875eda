//! Draws a [`Workload`] from a checked [`SyntheticSpec`].
//!
//! Each class draws from its own named random streams ([`crate::rng::stream`]); the jobs of all
//! classes are then merged in arrival order. Nothing here can fail: the spec was checked when it
//! was loaded, and every drawn count or time is clamped to its documented range.

use super::spec::{Arrivals, JobClass};
use super::{MAX_STAGES_PER_JOB, MAX_TASKS_PER_STAGE, SyntheticSpec};
use crate::model::{After, Job, MAX_TIME_MS, Stage, Workload};
use crate::rng;
use crate::synthetic::dist::round_clamp;
use rand::distr::Distribution;
use rand::rngs::ChaCha8Rng;

/// A generated job before the merge; `prev` is its predecessor's draft index and the gap.
struct Draft {
    job: Job,
    prev: Option<(usize, u64)>,
}

/// The workload of `spec` for `seed` and `replication`.
pub(super) fn workload(spec: &SyntheticSpec, seed: u64, replication: u64) -> Workload {
    let mut drafts = Vec::new();
    for class in &spec.classes {
        class_jobs(class, spec.horizon_ms, seed, replication, &mut drafts);
    }
    Workload {
        name: spec.name.clone(),
        description: spec.description.clone(),
        spark_version: spec.spark_version.clone(),
        scheduler_mode: spec.scheduler_mode.clone(),
        pools: spec.pools.clone(),
        cluster: spec.cluster.clone(),
        conf: spec.conf.clone(),
        seed: Some(seed),
        warmup: None,
        tail_ms: spec.tail_ms,
        jobs: merge(drafts, spec.max_jobs),
        applications: Vec::new(),
    }
}

/// Appends the jobs of one class, in arrival order.
fn class_jobs(class: &JobClass, horizon: Option<u64>, seed: u64, rep: u64, out: &mut Vec<Draft>) {
    let mut arrivals_rng = rng::stream(seed, rep, &format!("{}/arrivals", class.prefix));
    let mut gaps_rng = rng::stream(seed, rep, &format!("{}/gaps", class.prefix));
    let times = arrival_times(&class.arrivals, horizon, class.limit, &mut arrivals_rng);
    let first = out.len();
    for (k, &submit) in times.iter().enumerate() {
        let prev = (class.sequential && k > 0).then(|| {
            let gap = class.gap.sample_int(&mut gaps_rng, 0, MAX_TIME_MS);
            (first + k - 1, gap)
        });
        let job = job(class, seed, rep, k, submit);
        out.push(Draft { job, prev });
    }
}

/// Arrival times (ms, non-decreasing) before `horizon`, at most `limit` of them.
fn arrival_times(a: &Arrivals, horizon: Option<u64>, limit: u64, rng: &mut ChaCha8Rng) -> Vec<u64> {
    let end = horizon.unwrap_or(u64::MAX).min(MAX_TIME_MS + 1);
    let mut out = Vec::new();
    match a {
        Arrivals::Fixed {
            every_ms,
            offset_ms,
        } => {
            let mut t = *offset_ms;
            while (out.len() as u64) < limit && t < end {
                out.push(t);
                t = t.saturating_add(*every_ms);
            }
        }
        Arrivals::Poisson {
            interarrival,
            offset_ms,
        } => {
            let mut t = *offset_ms as f64;
            while (out.len() as u64) < limit {
                t += interarrival.sample(rng);
                let ms = round_clamp(t, 0, u64::MAX);
                if ms >= end {
                    break;
                }
                out.push(ms);
            }
        }
    }
    out
}

/// Job `k` (0-based) of a class: a chain of stages drawn from the job's own streams.
fn job(class: &JobClass, seed: u64, rep: u64, k: usize, submit_ms: u64) -> Job {
    let label = format!("{}/job/{k}", class.prefix);
    let mut shape_rng = rng::stream(seed, rep, &format!("{label}/shape"));
    let mut draws = StageDraws {
        durations: rng::stream(seed, rep, &format!("{label}/durations")),
        skew: rng::stream(seed, rep, &format!("{label}/skew")),
    };
    let n_stages = class
        .stages
        .sample_int(&mut shape_rng, 1, MAX_STAGES_PER_JOB) as usize;
    let mut stages = Vec::with_capacity(n_stages);
    for s in 0..n_stages {
        let n_tasks = class
            .tasks
            .sample_int(&mut shape_rng, 1, MAX_TASKS_PER_STAGE) as usize;
        let mut stage = draws.stage(class, n_tasks);
        if s > 0 {
            stage.parents = vec![s - 1];
        }
        stages.push(stage);
    }
    Job {
        name: format!("{}-{}", class.prefix, k + 1),
        pool: class.pool.clone(),
        submit_ms,
        after: None,
        stages,
    }
}

/// The per-job streams task durations and skew are drawn from.
struct StageDraws {
    durations: ChaCha8Rng,
    skew: ChaCha8Rng,
}

impl StageDraws {
    /// A stage of `n` tasks: one duration draw and one skew draw per task.
    fn stage(&mut self, class: &JobClass, n: usize) -> Stage {
        let mut first = Vec::with_capacity(n);
        let straggler = class.skew.as_ref().is_some_and(|s| s.straggler);
        let mut normal = Vec::with_capacity(if straggler { n } else { 0 });
        let mut any_slow = false;
        for _ in 0..n {
            let d = class.durations.sample(&mut self.durations);
            let factor = match &class.skew {
                Some(s) if s.chance.sample(&mut self.skew) => {
                    any_slow = true;
                    s.factor
                }
                _ => 1.0,
            };
            first.push(round_clamp(d * factor, 0, MAX_TIME_MS));
            if straggler {
                normal.push(round_clamp(d, 0, MAX_TIME_MS));
            }
        }
        Stage {
            parents: Vec::new(),
            task_durations_ms: first,
            retry_task_durations_ms: (straggler && any_slow).then_some(normal),
            task_failures: None,
            task_preferred_hosts: None,
            cached: false,
        }
    }
}

/// Sorts drafts by arrival (stable: ties keep class then k order), keeps the first `max_jobs`,
/// and turns predecessor draft indices into `after` job indices.
fn merge(drafts: Vec<Draft>, max_jobs: Option<u64>) -> Vec<Job> {
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&i| drafts[i].job.submit_ms);
    if let Some(m) = max_jobs {
        order.truncate(usize::try_from(m).unwrap_or(usize::MAX));
    }
    let mut position = vec![usize::MAX; drafts.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let mut slots: Vec<Option<Draft>> = drafts.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots[i].take())
        .map(|d| {
            let mut job = d.job;
            job.after = d.prev.map(|(j, gap_ms)| After {
                job: position[j],
                gap_ms,
            });
            job
        })
        .collect()
}
