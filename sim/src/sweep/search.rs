//! The tuner: the best grid point for an objective under constraints, without evaluating the
//! whole grid when it is large.
//!
//! **Scores.** A point is judged on its metric means over the seeds. Feasible points (every
//! constraint holds) beat infeasible ones; feasible points are ordered by the objective,
//! infeasible ones by their total relative violation (Σ |lhs − rhs| / |rhs| over the broken
//! constraints), then the objective. Ties go to the lower grid number, so the order is total and
//! the result deterministic. A point whose configuration cannot be set up (e.g. more executors
//! than the workers hold) is infeasible with an infinite violation.
//!
//! **Method** (`descent`): coordinate descent with full line searches and random restarts.
//! From the grid point nearest the configuration as given, take each parameter in turn and
//! evaluate every value of it with the others fixed (one parallel batch: the whole line), move
//! to the best point of the line if it beats the current one; repeat the cycle until a whole
//! cycle moves nowhere (a coordinate-wise optimum). Then restart from `restarts` random grid
//! points not evaluated yet (seeded). Every evaluation is memoised, so lines crossing earlier
//! paths cost nothing, and the answer is the best point evaluated anywhere. On well-behaved
//! objectives the first descent finds the optimum; the restarts guard against interactions
//! (e.g. minShare and weight substituting for each other). `grid` evaluates everything; `auto`
//! picks `grid` for grids of at most [`AUTO_GRID_MAX`] points. `--budget N` caps the points
//! evaluated (the baseline not counted).

use std::cmp::Ordering;
use std::collections::HashMap;

use rand::RngExt;

use super::eval::{Evaluator, PointRuns, Summary, SweepError};
use super::expr::{Constraint, Expr};
use super::space::Point;

/// `auto` evaluates the whole grid up to this many points.
pub const AUTO_GRID_MAX: u64 = 32;

/// Minimise or maximise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    Minimize,
    Maximize,
}

/// The objective and the constraints.
#[derive(Clone, Debug)]
pub struct Problem {
    pub goal: Goal,
    pub objective: Expr,
    /// As the user wrote it.
    pub objective_text: String,
    pub constraints: Vec<Constraint>,
}

/// How a point does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    pub feasible: bool,
    /// Total relative violation (0 when feasible).
    pub violation: f64,
    /// The objective's value (NaN when it cannot be computed).
    pub objective: f64,
}

impl Problem {
    /// True when the objective or a constraint refers to the baseline.
    pub fn uses_baseline(&self) -> bool {
        self.objective.uses_baseline() || self.constraints.iter().any(Constraint::uses_baseline)
    }

    /// The score of metric means `mean`.
    pub fn score(&self, mean: &[f64], baseline: Option<&[f64]>) -> Score {
        let violation: f64 = self
            .constraints
            .iter()
            .map(|c| c.violation(mean, baseline))
            .sum();
        Score {
            feasible: violation == 0.0,
            violation,
            objective: self.objective.eval(mean, baseline),
        }
    }

    /// The objective as a cost: lower is better, NaN last.
    fn cost(&self, s: &Score) -> f64 {
        let v = match self.goal {
            Goal::Minimize => s.objective,
            Goal::Maximize => -s.objective,
        };
        if v.is_nan() { f64::INFINITY } else { v }
    }

    /// The total order of the module docs (`Less`: `a` is better); `ai`, `bi` break ties.
    pub fn compare(&self, a: &Score, ai: u64, b: &Score, bi: u64) -> Ordering {
        b.feasible
            .cmp(&a.feasible)
            .then_with(|| {
                if a.feasible {
                    Ordering::Equal
                } else {
                    a.violation.total_cmp(&b.violation)
                }
            })
            .then_with(|| self.cost(a).total_cmp(&self.cost(b)))
            .then(ai.cmp(&bi))
    }
}

/// Which search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Auto,
    Grid,
    Descent,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Grid => "grid",
            Method::Descent => "descent",
        }
    }
}

/// Search settings.
#[derive(Clone, Copy, Debug)]
pub struct TuneOptions {
    pub method: Method,
    /// Descents from random points after the first.
    pub restarts: u32,
    /// At most this many points evaluated.
    pub budget: Option<u64>,
    /// Seed of the restart points.
    pub seed: u64,
}

impl Default for TuneOptions {
    fn default() -> Self {
        TuneOptions {
            method: Method::Auto,
            restarts: 2,
            budget: None,
            seed: 0,
        }
    }
}

/// One evaluated point.
#[derive(Clone, Debug)]
pub struct Evaluated {
    pub point: Point,
    /// Its number in the grid.
    pub index: u64,
    /// `None` when its configuration could not be set up (then `error` says why).
    pub summary: Option<Summary>,
    pub runs: Option<PointRuns>,
    pub score: Score,
    pub error: Option<String>,
}

/// What the tuner found.
#[derive(Clone, Debug)]
pub struct TuneResult {
    /// The configuration as given.
    pub baseline: Summary,
    pub baseline_score: Score,
    /// Every point evaluated, in evaluation order.
    pub evaluated: Vec<Evaluated>,
    /// Index into `evaluated` of the best point.
    pub best: usize,
    /// The method that ran (`auto` resolved).
    pub method: Method,
    pub grid_size: Option<u64>,
    /// Simulations run (baseline included) and task attempts simulated.
    pub runs: u64,
    pub attempts: u64,
    /// Descents started (1 + restarts that found a fresh start).
    pub descents: u32,
}

impl TuneResult {
    /// The best point's record.
    pub fn best(&self) -> &Evaluated {
        &self.evaluated[self.best]
    }
}

struct Search<'a> {
    ev: &'a Evaluator,
    problem: &'a Problem,
    baseline: Vec<f64>,
    evaluated: Vec<Evaluated>,
    memo: HashMap<Point, usize>,
    budget: u64,
    runs: u64,
    attempts: u64,
    progress: &'a (dyn Fn() + Sync),
}

impl Search<'_> {
    fn exhausted(&self) -> bool {
        self.evaluated.len() as u64 >= self.budget
    }

    /// Evaluates the points of `batch` not evaluated yet (in order, within the budget).
    fn eval(&mut self, batch: &[Point]) {
        let mut fresh: Vec<Point> = Vec::new();
        for p in batch {
            if !self.memo.contains_key(p) && !fresh.contains(p) {
                fresh.push(p.clone());
            }
        }
        let room = self.budget.saturating_sub(self.evaluated.len() as u64) as usize;
        fresh.truncate(room);
        if fresh.is_empty() {
            return;
        }
        let wrapped: Vec<Option<Point>> = fresh.iter().cloned().map(Some).collect();
        let results = self.ev.evaluate_each(&wrapped, self.progress);
        let space = self.ev.space();
        for (p, r) in fresh.into_iter().zip(results) {
            let index = space.index_of(&p);
            let e = match r {
                Ok(runs) => {
                    self.runs += runs.runs.len() as u64;
                    self.attempts += runs.attempts;
                    let summary = Summary::of(&runs.runs);
                    let score = self.problem.score(&summary.mean, Some(&self.baseline));
                    Evaluated {
                        point: p.clone(),
                        index,
                        summary: Some(summary),
                        runs: Some(runs),
                        score,
                        error: None,
                    }
                }
                Err(e) => Evaluated {
                    point: p.clone(),
                    index,
                    summary: None,
                    runs: None,
                    score: Score {
                        feasible: false,
                        violation: f64::INFINITY,
                        objective: f64::NAN,
                    },
                    error: Some(e.to_string()),
                },
            };
            self.memo.insert(p, self.evaluated.len());
            self.evaluated.push(e);
        }
    }

    fn cmp(&self, a: usize, b: usize) -> Ordering {
        let (x, y) = (&self.evaluated[a], &self.evaluated[b]);
        self.problem.compare(&x.score, x.index, &y.score, y.index)
    }

    fn best(&self) -> usize {
        (0..self.evaluated.len())
            .min_by(|&a, &b| self.cmp(a, b))
            .unwrap_or(0)
    }

    /// One coordinate descent from `start`.
    fn descend(&mut self, start: Point) {
        self.eval(std::slice::from_ref(&start));
        let Some(&first) = self.memo.get(&start) else {
            return;
        };
        let mut current = first;
        let varying: Vec<usize> = self
            .ev
            .space()
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.varies())
            .map(|(i, _)| i)
            .collect();
        loop {
            let mut moved = false;
            for &k in &varying {
                if self.exhausted() {
                    return;
                }
                let here = self.evaluated[current].point.clone();
                let line: Vec<Point> = (0..self.ev.space().params[k].values.len())
                    .map(|v| {
                        let mut p = here.clone();
                        p.0[k] = v;
                        p
                    })
                    .collect();
                self.eval(&line);
                let best_on_line = line
                    .iter()
                    .filter_map(|p| self.memo.get(p).copied())
                    .min_by(|&a, &b| self.cmp(a, b));
                if let Some(b) = best_on_line
                    && self.cmp(b, current) == Ordering::Less
                {
                    current = b;
                    moved = true;
                }
            }
            if !moved {
                return;
            }
        }
    }
}

/// Searches the grid of the evaluator's space (see the module docs).
pub fn tune(
    ev: &Evaluator,
    problem: &Problem,
    opts: &TuneOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<TuneResult, SweepError> {
    let grid_size = ev.space().size();
    let method = match opts.method {
        Method::Auto if grid_size.is_some_and(|n| n <= AUTO_GRID_MAX) => Method::Grid,
        Method::Auto => Method::Descent,
        m => m,
    };
    let base_runs = ev.evaluate(&[None], progress)?;
    let base = base_runs.into_iter().next().unwrap_or(PointRuns {
        runs: Vec::new(),
        attempts: 0,
    });
    let baseline = Summary::of(&base.runs);
    let baseline_score = problem.score(&baseline.mean, Some(&baseline.mean));
    let mut search = Search {
        ev,
        problem,
        baseline: baseline.mean.clone(),
        evaluated: Vec::new(),
        memo: HashMap::new(),
        budget: opts.budget.unwrap_or(u64::MAX),
        runs: base.runs.len() as u64,
        attempts: base.attempts,
        progress,
    };
    let mut descents = 0;
    match method {
        Method::Grid | Method::Auto => {
            let grid = ev.space().grid().map_err(SweepError::Invalid)?;
            search.eval(&grid);
        }
        Method::Descent => {
            let size = grid_size.unwrap_or(u64::MAX);
            search.descend(ev.nearest_to_baseline());
            descents += 1;
            let mut rng = workloads::rng::stream(opts.seed, 0, "tune/restarts");
            for _ in 0..opts.restarts {
                if search.exhausted() || search.memo.len() as u64 >= size {
                    break;
                }
                let mut start = None;
                for _ in 0..1000 {
                    let p = ev.space().point(rng.random_range(0..size));
                    if !search.memo.contains_key(&p) {
                        start = Some(p);
                        break;
                    }
                }
                let Some(start) = start else { break };
                search.descend(start);
                descents += 1;
            }
        }
    }
    if search.evaluated.is_empty() {
        return Err(SweepError::Invalid(
            "no point was evaluated (is --budget 0?)".to_string(),
        ));
    }
    let best = search.best();
    Ok(TuneResult {
        baseline,
        baseline_score,
        best,
        method,
        grid_size,
        runs: search.runs,
        attempts: search.attempts,
        descents,
        evaluated: search.evaluated,
    })
}
