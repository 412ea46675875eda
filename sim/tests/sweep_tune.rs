//! The tuner against the full grid on the built-in example (`workloads/examples/
//! tune-interactive.json`): it must find a configuration at least as good on the stated
//! objective (under the constraints) while evaluating fewer points. Also the engine's
//! contracts: results independent of the thread count, a one-seed point equal to a plain run.

use policies::conf::{ConfSource, SparkConf};
use sim::setup::{apply_workload_conf, prepare};
use sim::simulation::Simulation;
use sim::sweep::{
    Constraint, Evaluator, Expr, Goal, Method, MetricSet, Point, Problem, Space, SweepInput,
    TuneOptions, Workloads, tune,
};
use workloads::model::Workload;

fn example() -> Workload {
    let path = format!(
        "{}/../workloads/examples/tune-interactive.json",
        env!("CARGO_MANIFEST_DIR")
    );
    workloads::scenario::load_scenario(path).unwrap().workload
}

fn evaluator(workload: &Workload, params: &[&str], seeds: u32, jobs: usize) -> Evaluator {
    let mut conf = SparkConf::new();
    apply_workload_conf(&mut conf, workload);
    let space = Space::parse(&params.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    Evaluator::new(
        SweepInput {
            conf,
            workloads: Workloads::Fixed(Box::new(workload.clone())),
            base_seed: 0,
            seeds,
            jobs,
        },
        space,
    )
    .unwrap()
}

fn problem(metrics: &MetricSet, goal: Goal, objective: &str, constraints: &[&str]) -> Problem {
    Problem {
        goal,
        objective: Expr::parse("--minimize", objective, metrics).unwrap(),
        objective_text: objective.to_string(),
        constraints: constraints
            .iter()
            .map(|c| Constraint::parse("--subject-to", c, metrics).unwrap())
            .collect(),
    }
}

/// Runs the tuner's descent and the full grid; returns (descent best, grid best, descent
/// points, grid points).
fn descent_vs_grid(ev: &Evaluator, p: &Problem) -> (f64, f64, usize, usize) {
    let descent = tune(
        ev,
        p,
        &TuneOptions {
            method: Method::Descent,
            ..TuneOptions::default()
        },
        &|| {},
    )
    .unwrap();
    let grid = tune(
        ev,
        p,
        &TuneOptions {
            method: Method::Grid,
            ..TuneOptions::default()
        },
        &|| {},
    )
    .unwrap();
    let (d, g) = (descent.best(), grid.best());
    assert!(
        g.score.feasible,
        "the grid has a feasible point: {:?}",
        g.score
    );
    assert!(d.score.feasible, "the tuner's best is feasible");
    eprintln!(
        "{}: descent {} ({} points, {} descents) vs grid {} ({} points); descent best {}, grid best {}",
        p.objective_text,
        d.score.objective,
        descent.evaluated.len(),
        descent.descents,
        g.score.objective,
        grid.evaluated.len(),
        ev.space().describe(&d.point),
        ev.space().describe(&g.point),
    );
    (
        d.score.objective,
        g.score.objective,
        descent.evaluated.len(),
        grid.evaluated.len(),
    )
}

#[test]
fn the_tuner_matches_the_grid_on_interactive_p95_with_fewer_points() {
    let w = example();
    let ev = evaluator(
        &w,
        &[
            "pool.interactive.minShare=0..24:4",
            "pool.interactive.weight=1,2,4,8",
            "pool.interactive.schedulingMode=FIFO,FAIR",
            "pool.batch.weight=1,2,4",
        ],
        2,
        0,
    );
    let p = problem(
        ev.metrics(),
        Goal::Minimize,
        "pool.interactive.p95_turnaround",
        &["pool.batch.mean_turnaround <= 1.1 * baseline"],
    );
    let (d, g, dn, gn) = descent_vs_grid(&ev, &p);
    assert!(d <= g, "descent {d} vs grid {g}");
    assert_eq!(gn, 168);
    assert!(dn < gn / 2, "descent evaluated {dn} of {gn}");
}

#[test]
fn the_tuner_matches_the_grid_on_executor_time_under_a_p95_target() {
    let w = example();
    let ev = evaluator(
        &w,
        &[
            "spark.executor.instances=4..12",
            "pool.interactive.minShare=0..24:8",
            "pool.interactive.weight=1,2,4,8",
        ],
        1,
        0,
    );
    let p = problem(
        ev.metrics(),
        Goal::Minimize,
        "executor_seconds",
        &["pool.interactive.p95_turnaround <= 6s"],
    );
    let (d, g, dn, gn) = descent_vs_grid(&ev, &p);
    assert!(d <= g, "descent {d} vs grid {g}");
    assert!(dn < gn / 2, "descent evaluated {dn} of {gn}");
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let w = example();
    let params = [
        "pool.interactive.weight=1,4",
        "spark.executor.instances=6,8",
    ];
    let points: Vec<Option<Point>> = evaluator(&w, &params, 1, 1)
        .space()
        .grid()
        .unwrap()
        .into_iter()
        .map(Some)
        .collect();
    let one = evaluator(&w, &params, 2, 1)
        .evaluate(&points, &|| {})
        .unwrap();
    let two = evaluator(&w, &params, 2, 2)
        .evaluate(&points, &|| {})
        .unwrap();
    assert_eq!(one, two);
}

#[test]
fn a_one_seed_point_is_the_plain_run_with_those_settings() {
    let w = example();
    let ev = evaluator(
        &w,
        &["pool.interactive.weight=3", "spark.executor.instances=6"],
        1,
        1,
    );
    let (values, _) = ev.run(Some(&Point(vec![0, 0])), 0).unwrap();
    // The same by hand: an allocation with interactive at weight 3, and 6 executors.
    let mut conf = SparkConf::new();
    conf.set("spark.executor.instances", "6", ConfSource::CommandLine);
    let mut w2 = w.clone();
    for p in &mut w2.pools {
        if p.name == "interactive" {
            p.weight = 3;
        }
    }
    apply_workload_conf(&mut conf, &w2);
    let prepared = prepare(&conf, &w2, 0).unwrap();
    let out = Simulation::new(&w2, prepared.setup).run();
    assert_eq!(values, ev.metrics().compute(&out));
}

#[test]
fn pool_parameters_create_missing_pools_and_fifo_ignores_them() {
    let w = example();
    let ev = evaluator(&w, &["pool.adhoc.minShare=2"], 1, 1);
    let pools = ev.pools_at(Some(&Point(vec![0])), 0).unwrap();
    let adhoc = pools.iter().find(|p| p.0 == "adhoc").unwrap();
    assert_eq!((adhoc.2, adhoc.3), (2, 1));
    assert!(
        ev.advisories()
            .iter()
            .any(|a| a.contains("no job of the workload runs in pool adhoc"))
    );
    let mut fifo = w.clone();
    fifo.scheduler_mode = Some("FIFO".into());
    let ev = evaluator(&fifo, &["pool.interactive.minShare=2"], 1, 1);
    assert!(ev.pools_at(Some(&Point(vec![0])), 0).unwrap().is_empty());
    assert!(ev.advisories().iter().any(|a| a.contains("FIFO")));
}
