//! Evaluating points: a point's configuration and pools, one run per seed, in parallel.
//!
//! **Seeds.** Seed index `r` (0 … `--seeds`−1) runs with seed `base + r`: the offer shuffle's
//! seed, and for a synthetic workload also replication `r` of the spec drawn with `base`
//! ([`workloads::synthetic::generate_replication`]). Replication 0 of seed `base` is what
//! `sparksim run --synthetic SPEC --seed base` simulates, so a one-seed point reproduces `run`.
//! Every point sees the same seeds (common random numbers): differences between points are the
//! configuration's, not different draws of the workload.
//!
//! **Determinism.** Runs are independent pure functions of (point, seed). They are spread over
//! a rayon pool of `--jobs` threads and collected in (point, seed) order, so the results — and
//! every file written from them — are the same whatever the number of threads.
//!
//! **Pools.** A point's pools are those Spark would build for its configuration (the allocation
//! file, else the workload's pools, else Spark's rule for no file), then its `pool.<name>.*`
//! values applied to every pool of that name; a pool no source defines is added with Spark's
//! defaults (FIFO, weight 1, minShare 0) before its values are applied. Under FIFO scheduling
//! Spark has no pools and pool parameters change nothing.

use rayon::prelude::*;

use super::metrics::MetricSet;
use super::space::{Param, Point, PoolField, Space, Target};
use super::stats::mean_ci95;
use crate::setup::{SetupError, build_setup, resolve_pools, sim_keys};
use crate::simulation::{SimSetup, Simulation};
use policies::conf::{ConfSource, SparkConf};
use policies::fair_schedulable_builder::BuiltPools;
use policies::scheduling_mode::SchedulingMode;
use workloads::model::Workload;

/// The workload(s) of a sweep.
#[derive(Clone, Debug)]
pub enum Workloads {
    /// One workload; seeds change only the offer shuffle.
    Fixed(Box<Workload>),
    /// Replication `r` for seed index `r` (as many as seeds).
    Synthetic(Vec<Workload>),
}

/// Why a sweep cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A point whose configuration cannot be set up.
    #[error("{what}: {source}")]
    Setup {
        what: String,
        #[source]
        source: Box<SetupError>,
    },
    /// Anything else, as a message.
    #[error("{0}")]
    Invalid(String),
}

/// What a sweep needs besides its parameters.
#[derive(Clone, Debug)]
pub struct SweepInput {
    /// The configuration as given (the user's flags over the workload's values).
    pub conf: SparkConf,
    pub workloads: Workloads,
    /// Seed of seed index 0.
    pub base_seed: u64,
    /// Seeds per point (≥ 1).
    pub seeds: u32,
    /// Threads (0: one per core).
    pub jobs: usize,
}

/// The per-seed values of a point.
#[derive(Clone, Debug, PartialEq)]
pub struct PointRuns {
    /// `[seed index][metric]`.
    pub runs: Vec<Vec<f64>>,
    /// Task attempts simulated over the seeds.
    pub attempts: u64,
}

/// The mean and 95% half-width of every metric over the seeds of a point.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub mean: Vec<f64>,
    pub half_width: Vec<f64>,
    /// Seeds run.
    pub seeds: usize,
}

impl Summary {
    /// Aggregates per-seed values (see [`super::stats`]).
    pub fn of(runs: &[Vec<f64>]) -> Summary {
        let metrics = runs.first().map_or(0, Vec::len);
        let mut mean = Vec::with_capacity(metrics);
        let mut half_width = Vec::with_capacity(metrics);
        for m in 0..metrics {
            let xs: Vec<f64> = runs.iter().map(|r| r[m]).collect();
            let ci = mean_ci95(&xs);
            mean.push(ci.mean);
            half_width.push(ci.half_width);
        }
        Summary {
            mean,
            half_width,
            seeds: runs.len(),
        }
    }
}

/// Runs points of a space on a workload.
pub struct Evaluator {
    conf: SparkConf,
    workloads: Workloads,
    base_seed: u64,
    seeds: u32,
    space: Space,
    metrics: MetricSet,
    threads: rayon::ThreadPool,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator")
            .field("space", &self.space)
            .field("seeds", &self.seeds)
            .finish_non_exhaustive()
    }
}

impl Evaluator {
    /// Prepares the sweep; the metrics' pools are those of the (first) workload's jobs in
    /// first-appearance order.
    pub fn new(input: SweepInput, space: Space) -> Result<Evaluator, SweepError> {
        if input.seeds == 0 {
            return Err(SweepError::Invalid(
                "--seeds must be at least 1".to_string(),
            ));
        }
        if let Workloads::Synthetic(w) = &input.workloads
            && w.len() < input.seeds as usize
        {
            return Err(SweepError::Invalid(format!(
                "{} synthetic replications for {} seeds",
                w.len(),
                input.seeds
            )));
        }
        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(input.jobs)
            .thread_name(|i| format!("sparksim-sweep-{i}"))
            .build()
            .map_err(|e| SweepError::Invalid(format!("cannot start the threads: {e}")))?;
        let mut evaluator = Evaluator {
            conf: input.conf,
            workloads: input.workloads,
            base_seed: input.base_seed,
            seeds: input.seeds,
            space,
            metrics: MetricSet::new(Vec::new()),
            threads,
        };
        evaluator.metrics = MetricSet::new(job_pools(evaluator.workload(0)));
        Ok(evaluator)
    }

    pub fn space(&self) -> &Space {
        &self.space
    }

    pub fn metrics(&self) -> &MetricSet {
        &self.metrics
    }

    pub fn seeds(&self) -> u32 {
        self.seeds
    }

    /// The seed of seed index `r`.
    pub fn seed(&self, r: u32) -> u64 {
        self.base_seed.wrapping_add(u64::from(r))
    }

    /// Threads the runs are spread over.
    pub fn threads(&self) -> usize {
        self.threads.current_num_threads()
    }

    /// The workload of seed index `r`.
    pub fn workload(&self, r: u32) -> &Workload {
        match &self.workloads {
            Workloads::Fixed(w) => w,
            Workloads::Synthetic(ws) => &ws[(r as usize).min(ws.len() - 1)],
        }
    }

    /// The configuration at `point` (`None`: the configuration as given).
    pub fn conf_at(&self, point: Option<&Point>) -> SparkConf {
        let mut conf = self.conf.clone();
        if let Some(point) = point {
            for (p, v) in self.space.assignment(point) {
                if let Target::Conf(key) = &p.target {
                    conf.set(key.clone(), v.to_string(), ConfSource::CommandLine);
                }
            }
        }
        conf
    }

    /// The pools at `point` for seed index `r`: `(name, mode, minShare, weight)`.
    pub fn pools_at(
        &self,
        point: Option<&Point>,
        r: u32,
    ) -> Result<Vec<(String, SchedulingMode, i32, i32)>, SetupError> {
        self.pools_for(&self.conf_at(point), point, r)
    }

    fn pools_for(
        &self,
        conf: &SparkConf,
        point: Option<&Point>,
        r: u32,
    ) -> Result<Vec<(String, SchedulingMode, i32, i32)>, SetupError> {
        let built = resolve_pools(conf, self.workload(r))?;
        self.apply_pool_params(conf, &built, point)
    }

    fn apply_pool_params(
        &self,
        conf: &SparkConf,
        built: &BuiltPools,
        point: Option<&Point>,
    ) -> Result<Vec<(String, SchedulingMode, i32, i32)>, SetupError> {
        let mut defs: Vec<(String, SchedulingMode, i32, i32)> = built
            .pool_defs()
            .map(|(n, m, s, w)| (n.to_string(), m, s, w))
            .collect();
        let Some(point) = point else {
            return Ok(defs);
        };
        if conf.scheduler_mode()? != SchedulingMode::Fair {
            return Ok(defs);
        }
        for (p, v) in self.space.assignment(point) {
            let Target::Pool { pool, field } = &p.target else {
                continue;
            };
            if !defs.iter().any(|d| d.0 == *pool) {
                defs.push((pool.clone(), SchedulingMode::Fifo, 0, 1));
            }
            for d in defs.iter_mut().filter(|d| d.0 == *pool) {
                set_field(d, *field, v);
            }
        }
        Ok(defs)
    }

    /// The run's setup at `point` for seed index `r`, with the configuration's warnings.
    pub fn setup(
        &self,
        point: Option<&Point>,
        r: u32,
    ) -> Result<(SimSetup, Vec<String>), SetupError> {
        let conf = self.conf_at(point);
        let mut warnings: Vec<String> = conf
            .validate(&sim_keys())?
            .iter()
            .map(|w| w.to_string())
            .collect();
        let workload = self.workload(r);
        let built = resolve_pools(&conf, workload)?;
        warnings.extend(built.warnings.iter().map(|w| w.to_string()));
        let pools = self.apply_pool_params(&conf, &built, point)?;
        let setup = build_setup(&conf, workload, pools, self.seed(r))?;
        Ok((setup, warnings))
    }

    /// `what` of an error at `point`.
    fn what(&self, point: Option<&Point>) -> String {
        match point {
            None => "the configuration as given".to_string(),
            Some(p) => format!("--param point {}", self.space.describe(p)),
        }
    }

    /// Sets up every point (seed index 0) without running it: the first point (in order) that
    /// cannot be set up is the error; otherwise the configuration warnings, each once.
    pub fn check(&self, points: &[Option<Point>]) -> Result<Vec<String>, SweepError> {
        let results: Vec<Result<Vec<String>, SetupError>> = self.threads.install(|| {
            points
                .par_iter()
                .map(|p| self.setup(p.as_ref(), 0).map(|(_, w)| w))
                .collect()
        });
        let mut warnings: Vec<String> = Vec::new();
        for (p, r) in points.iter().zip(results) {
            match r {
                Ok(w) => {
                    for line in w {
                        if !warnings.contains(&line) {
                            warnings.push(line);
                        }
                    }
                }
                Err(source) => {
                    return Err(SweepError::Setup {
                        what: self.what(p.as_ref()),
                        source: Box::new(source),
                    });
                }
            }
        }
        Ok(warnings)
    }

    /// One run: the metrics of `point` at seed index `r`, and the attempts simulated.
    pub fn run(&self, point: Option<&Point>, r: u32) -> Result<(Vec<f64>, u64), SweepError> {
        let (setup, _) = self.setup(point, r).map_err(|source| SweepError::Setup {
            what: self.what(point),
            source: Box::new(source),
        })?;
        let out = Simulation::new(self.workload(r), setup).run();
        Ok((self.metrics.compute(&out), out.tasks.len() as u64))
    }

    /// Every seed of every point, in parallel; results in the order of `points`. `progress` is
    /// called once per finished run (from any thread). The first point (in order) that cannot
    /// be set up is the error.
    pub fn evaluate(
        &self,
        points: &[Option<Point>],
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<PointRuns>, SweepError> {
        self.evaluate_each(points, progress).into_iter().collect()
    }

    /// As [`Evaluator::evaluate`], with a result per point: a point that cannot be set up is
    /// an error of its own and the others still run.
    pub fn evaluate_each(
        &self,
        points: &[Option<Point>],
        progress: &(dyn Fn() + Sync),
    ) -> Vec<Result<PointRuns, SweepError>> {
        let seeds = self.seeds;
        let setup_errors: Vec<Option<SetupError>> = self.threads.install(|| {
            points
                .par_iter()
                .map(|p| self.setup(p.as_ref(), 0).err())
                .collect()
        });
        let items: Vec<(usize, u32)> = (0..points.len())
            .filter(|&i| setup_errors[i].is_none())
            .flat_map(|i| (0..seeds).map(move |r| (i, r)))
            .collect();
        let results: Vec<Result<(Vec<f64>, u64), SweepError>> = self.threads.install(|| {
            items
                .par_iter()
                .map(|&(i, r)| {
                    let out = self.run(points[i].as_ref(), r);
                    progress();
                    out
                })
                .collect()
        });
        let mut out: Vec<Result<PointRuns, SweepError>> = setup_errors
            .into_iter()
            .zip(points)
            .map(|(e, p)| match e {
                Some(source) => {
                    for _ in 0..seeds {
                        progress();
                    }
                    Err(SweepError::Setup {
                        what: self.what(p.as_ref()),
                        source: Box::new(source),
                    })
                }
                None => Ok(PointRuns {
                    runs: Vec::with_capacity(seeds as usize),
                    attempts: 0,
                }),
            })
            .collect();
        for (&(i, _), r) in items.iter().zip(results) {
            match (r, &mut out[i]) {
                (Ok((values, attempts)), Ok(runs)) => {
                    runs.runs.push(values);
                    runs.attempts += attempts;
                }
                (Err(e), slot @ Ok(_)) => *slot = Err(e),
                (_, Err(_)) => {}
            }
        }
        out
    }

    /// The value a parameter has under the configuration as given (pool values from the pools
    /// Spark would build; a pool none defines has Spark's defaults), if known.
    pub fn baseline_value(&self, param: &Param) -> Option<String> {
        match &param.target {
            Target::Conf(key) => self
                .conf
                .get_resolved(key)
                .ok()
                .flatten()
                .map(str::to_string),
            Target::Pool { pool, field } => {
                let defs = self.pools_at(None, 0).ok()?;
                let d = defs
                    .iter()
                    .rev()
                    .find(|d| d.0 == *pool)
                    .cloned()
                    .unwrap_or((pool.clone(), SchedulingMode::Fifo, 0, 1));
                Some(match field {
                    PoolField::SchedulingMode => d.1.to_string(),
                    PoolField::MinShare => d.2.to_string(),
                    PoolField::Weight => d.3.to_string(),
                })
            }
        }
    }

    /// The grid point closest to the configuration as given: per parameter, the baseline value
    /// if listed, else the numerically closest, else the middle value.
    pub fn nearest_to_baseline(&self) -> Point {
        Point(
            self.space
                .params
                .iter()
                .map(|p| {
                    let base = self.baseline_value(p);
                    nearest(&p.values, base.as_deref())
                })
                .collect(),
        )
    }

    /// Things the user should know about the parameters before a sweep: pool parameters that
    /// change nothing (FIFO scheduling, or no job in the pool).
    pub fn advisories(&self) -> Vec<String> {
        let mut out = Vec::new();
        let pool_params: Vec<&Param> = self
            .space
            .params
            .iter()
            .filter(|p| matches!(p.target, Target::Pool { .. }))
            .collect();
        if pool_params.is_empty() {
            return out;
        }
        let mode_swept = self
            .space
            .params
            .iter()
            .any(|p| p.key == "spark.scheduler.mode");
        if !mode_swept && self.conf.scheduler_mode().ok() != Some(SchedulingMode::Fair) {
            out.push(
                "spark.scheduler.mode is FIFO: Spark has no pools under FIFO, so the pool \
                 parameters change nothing (add --conf spark.scheduler.mode=FAIR)"
                    .to_string(),
            );
        }
        let used = job_pools(self.workload(0));
        for p in pool_params {
            if let Target::Pool { pool, .. } = &p.target
                && !used.contains(pool)
            {
                out.push(format!(
                    "{}: no job of the workload runs in pool {pool}",
                    p.key
                ));
            }
        }
        out
    }
}

fn set_field(d: &mut (String, SchedulingMode, i32, i32), field: PoolField, value: &str) {
    match field {
        PoolField::SchedulingMode => {
            if let Ok(m) = SchedulingMode::parse_conf_value(value) {
                d.1 = m;
            }
        }
        PoolField::MinShare => d.2 = value.parse().unwrap_or(d.2),
        PoolField::Weight => d.3 = value.parse().unwrap_or(d.3),
    }
}

/// The pools of the workload's jobs in first-appearance order (`default` for jobs without
/// one): the pools the metrics cover.
pub fn job_pools(workload: &Workload) -> Vec<String> {
    let mut pools: Vec<String> = Vec::new();
    for job in &workload.jobs {
        let name = job.pool.as_deref().unwrap_or("default");
        if !pools.iter().any(|p| p == name) {
            pools.push(name.to_string());
        }
    }
    pools
}

/// The index of `base` among `values`, else of the numerically closest value, else the middle.
fn nearest(values: &[String], base: Option<&str>) -> usize {
    let Some(base) = base else {
        return values.len() / 2;
    };
    if let Some(i) = values.iter().position(|v| v.eq_ignore_ascii_case(base)) {
        return i;
    }
    let Ok(b) = base.trim().parse::<f64>() else {
        return values.len() / 2;
    };
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.parse::<f64>().ok().map(|x| (i, (x - b).abs())))
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        .map_or(values.len() / 2, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_value() {
        let v: Vec<String> = ["1", "2", "4", "8"].iter().map(|s| s.to_string()).collect();
        assert_eq!(nearest(&v, Some("4")), 2);
        assert_eq!(nearest(&v, Some("5")), 2);
        assert_eq!(nearest(&v, Some("100")), 3);
        assert_eq!(nearest(&v, Some("x")), 2);
        assert_eq!(nearest(&v, None), 2);
    }
}
