//! `sparksim tune`: the best configuration of the swept parameters for an objective under
//! constraints, found by coordinate descent with restarts (see `sim::sweep::search`); writes a
//! ready-to-use `fairscheduler.xml` and `spark-defaults.conf` snippet and every evaluated point.

use crate::cli::common::{SparkArgs, print_warnings};
use crate::cli::sweep::{
    Built, InputArgs, RunOpts, build_evaluator, print_table, progress_bar, show_expr, throughput,
    write_file,
};
use anyhow::{Result, bail};
use sim::sweep::output::{fairscheduler_xml, fmt_value, spark_defaults};
use sim::sweep::{
    Constraint, Evaluator, Expr, Goal, Method, Problem, Space, Target, TuneOptions, TuneResult,
    tune,
};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("goal").required(true).args(["minimize", "maximize"])))]
pub struct TuneArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub spark: SparkArgs,
    /// A tuned parameter, as for sweep: KEY=A..B, KEY=A..B:STEP or KEY=V1,V2,…. Repeatable.
    #[arg(long = "param", value_name = "KEY=VALUES", required = true)]
    pub params: Vec<String>,
    /// The objective to minimise: a metric or an expression, e.g.
    /// pool.interactive.p95_turnaround or executor_seconds.
    #[arg(long, value_name = "EXPR")]
    pub minimize: Option<String>,
    /// The objective to maximise, e.g. slot_utilisation.
    #[arg(long, value_name = "EXPR")]
    pub maximize: Option<String>,
    /// A constraint, e.g. 'pool.batch.mean_turnaround <= 1.1 * baseline' (baseline: the value
    /// under the configuration as given) or 'pool.interactive.p95_turnaround <= 2s'. Repeatable.
    #[arg(long = "subject-to", value_name = "CONSTRAINT")]
    pub subject_to: Vec<String>,
    /// Search: descent (coordinate descent with line searches and restarts), grid (every
    /// point) or auto (grid up to 32 points, else descent).
    #[arg(long, value_name = "METHOD", default_value = "auto")]
    pub method: String,
    /// Descents from random points after the first (from the configuration as given).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub restarts: u32,
    /// Evaluate at most N points.
    #[arg(long, value_name = "N")]
    pub budget: Option<u64>,
    #[command(flatten)]
    pub run: RunOpts,
    /// Write fairscheduler.xml, spark-defaults.conf and tune.csv (every evaluated point) here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

fn method(text: &str) -> Result<Method> {
    Ok(match text.to_ascii_lowercase().as_str() {
        "auto" => Method::Auto,
        "grid" => Method::Grid,
        "descent" => Method::Descent,
        _ => bail!("--method {text}: expected auto, grid or descent"),
    })
}

pub fn run(args: TuneArgs) -> Result<ExitCode> {
    let space = Space::parse(&args.params)?;
    let method = method(&args.method)?;
    let Built { ev, warnings, name } =
        build_evaluator(&args.input, &args.spark, &args.run, |_, _| Ok(space))?;
    let (goal, flag, text) = match (&args.minimize, &args.maximize) {
        (Some(t), None) => (Goal::Minimize, "--minimize", t.clone()),
        (None, Some(t)) => (Goal::Maximize, "--maximize", t.clone()),
        _ => bail!("give one of --minimize EXPR or --maximize EXPR"),
    };
    let objective = Expr::parse(flag, &text, ev.metrics())?;
    let constraints = args
        .subject_to
        .iter()
        .map(|c| Constraint::parse("--subject-to", c, ev.metrics()))
        .collect::<Result<Vec<_>, _>>()?;
    let problem = Problem {
        goal,
        objective,
        objective_text: text,
        constraints,
    };
    let mut warnings = warnings;
    warnings.extend(ev.check(&[None])?);
    print_warnings(&warnings);
    let opts = TuneOptions {
        method,
        restarts: args.restarts,
        budget: args.budget,
        seed: args.spark.seed,
    };
    let grid = ev.space().size();
    // The grid's runs are known in advance; a descent's are not.
    let total = match (method, grid) {
        (Method::Grid, Some(n)) => Some(n + 1),
        (Method::Auto, Some(n)) if n <= sim::sweep::search::AUTO_GRID_MAX => Some(n + 1),
        _ => None,
    };
    let started = Instant::now();
    let bar = progress_bar(
        total.map(|n| n.saturating_mul(u64::from(ev.seeds()))),
        args.run.no_progress,
        "tune",
    );
    let result = tune(&ev, &problem, &opts, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();

    print_result(&ev, &problem, &result, &name);
    let best = result.best();
    let code = if best.score.feasible {
        if let Some(dir) = &args.out {
            write_outputs(dir, &ev, &problem, &result)?;
        }
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "error: no evaluated configuration meets every constraint (the one above breaks the \
             fewest); nothing written. Loosen the constraints or widen the parameters."
        );
        ExitCode::from(1)
    };
    let failed = result
        .evaluated
        .iter()
        .filter(|e| e.error.is_some())
        .count();
    if failed > 0 {
        let first = result
            .evaluated
            .iter()
            .find_map(|e| e.error.clone())
            .unwrap_or_default();
        eprintln!(
            "warning: {failed} evaluated points could not be set up and count as infeasible (e.g. {first})"
        );
    }
    eprintln!(
        "{}",
        throughput(
            "tune",
            result.evaluated.len() + 1,
            ev.seeds(),
            result.runs,
            result.attempts,
            elapsed,
            ev.threads()
        )
    );
    Ok(code)
}

fn describe_method(result: &TuneResult) -> String {
    let grid = result.grid_size.map_or_else(
        || "a very large grid".to_string(),
        |n| format!("{n} grid points"),
    );
    let pct = result
        .grid_size
        .map(|n| 100.0 * result.evaluated.len() as f64 / n as f64)
        .unwrap_or(0.0);
    match result.method {
        Method::Descent => format!(
            "coordinate descent with line searches, {} descent{}: evaluated {} of {grid} ({pct:.0}%)",
            result.descents,
            if result.descents == 1 { "" } else { "s" },
            result.evaluated.len()
        ),
        _ => format!("full grid: evaluated {} of {grid}", result.evaluated.len()),
    }
}

fn print_result(ev: &Evaluator, problem: &Problem, result: &TuneResult, name: &str) {
    let metrics = ev.metrics();
    let best = result.best();
    let Some(summary) = &best.summary else {
        println!("{name}: no point could be evaluated");
        return;
    };
    let goal = match problem.goal {
        Goal::Minimize => "minimize",
        Goal::Maximize => "maximize",
    };
    println!("{name}: {goal} {}", problem.objective_text);
    for c in &problem.constraints {
        println!("  subject to {}", c.text);
    }
    println!(
        "{}; {} per point\n",
        describe_method(result),
        crate::cli::sweep::seeds_text(ev.seeds())
    );
    let base = &result.baseline;
    let mut table: Vec<Vec<String>> = vec![vec![String::new(), "as given".into(), "best".into()]];
    for (p, v) in ev.space().assignment(&best.point) {
        let given = ev.baseline_value(p).unwrap_or_else(|| "unset".into());
        table.push(vec![p.key.clone(), given, v.to_string()]);
    }
    let obj = &problem.objective;
    let b_obj = obj.eval(&base.mean, Some(&base.mean));
    let s_obj = obj.eval(&summary.mean, Some(&base.mean));
    table.push(vec![
        problem.objective_text.clone(),
        show_expr(b_obj, Some(half(obj, base)), obj, metrics),
        show_expr(s_obj, Some(half(obj, summary)), obj, metrics),
    ]);
    for c in &problem.constraints {
        let (bl, br) = c.sides(&base.mean, Some(&base.mean));
        let (sl, sr) = c.sides(&summary.mean, Some(&base.mean));
        let mark = |ok: bool| if ok { "ok" } else { "BROKEN" };
        table.push(vec![
            c.text.clone(),
            format!(
                "{} vs {} {}",
                show_expr(bl, None, &c.lhs, metrics),
                show_expr(br, None, &c.lhs, metrics),
                mark(c.holds(&base.mean, Some(&base.mean)))
            ),
            format!(
                "{} vs {} {}",
                show_expr(sl, None, &c.lhs, metrics),
                show_expr(sr, None, &c.lhs, metrics),
                mark(c.holds(&summary.mean, Some(&base.mean)))
            ),
        ]);
    }
    print_table(&table);
    if b_obj.is_finite() && s_obj.is_finite() && b_obj != 0.0 {
        println!(
            "\nobjective: {:+.1}% against the configuration as given",
            100.0 * (s_obj - b_obj) / b_obj.abs()
        );
    }
}

fn half(e: &Expr, s: &sim::sweep::Summary) -> f64 {
    crate::cli::sweep::expr_half(e, s)
}

/// `fairscheduler.xml` (when pools were tuned), `spark-defaults.conf` and `tune.csv`.
fn write_outputs(
    dir: &std::path::Path,
    ev: &Evaluator,
    problem: &Problem,
    result: &TuneResult,
) -> Result<()> {
    let best = result.best();
    let space = ev.space();
    let assignment = space.assignment(&best.point);
    let described = space.describe(&best.point);
    let mut comments = vec![
        format!(
            "sparksim tune: {} {}",
            match problem.goal {
                Goal::Minimize => "minimize",
                Goal::Maximize => "maximize",
            },
            problem.objective_text
        ),
        format!("best point: {described}"),
    ];
    comments.extend(
        problem
            .constraints
            .iter()
            .map(|c| format!("subject to {}", c.text)),
    );
    let pools_tuned = assignment
        .iter()
        .any(|(p, _)| matches!(p.target, Target::Pool { .. }));
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut written = Vec::new();
    if pools_tuned {
        let pools = ev.pools_at(Some(&best.point), 0)?;
        let path = dir.join("fairscheduler.xml");
        write_file(&path, &fairscheduler_xml(&pools, &comments))?;
        written.push(path);
        entries.push(("spark.scheduler.mode".into(), "FAIR".into()));
        entries.push((
            "spark.scheduler.allocation.file".into(),
            "fairscheduler.xml".into(),
        ));
    }
    for (p, v) in &assignment {
        if let Target::Conf(key) = &p.target
            && !entries.iter().any(|(k, _)| k == key)
        {
            entries.push((key.clone(), v.to_string()));
        }
    }
    let mut defaults_comments = comments.clone();
    if pools_tuned {
        defaults_comments.push(
            "spark.scheduler.allocation.file: give the path where you put fairscheduler.xml".into(),
        );
    }
    let path = dir.join("spark-defaults.conf");
    write_file(&path, &spark_defaults(&entries, &defaults_comments))?;
    written.push(path);

    let metrics = ev.metrics();
    let mut csv = String::from("order,point");
    for p in &space.params {
        let _ = write!(csv, ",{}", sim::sweep::output::csv_field(&p.key));
    }
    csv.push_str(",seeds,feasible,violation,objective");
    for m in metrics.names() {
        let _ = write!(csv, ",{m}.mean,{m}.ci95");
    }
    csv.push('\n');
    for (i, e) in result.evaluated.iter().enumerate() {
        let _ = write!(csv, "{i},{}", e.index);
        for (_, v) in space.assignment(&e.point) {
            let _ = write!(csv, ",{}", sim::sweep::output::csv_field(v));
        }
        let _ = write!(
            csv,
            ",{},{},{},{}",
            e.summary.as_ref().map_or(0, |s| s.seeds),
            e.score.feasible,
            fmt_value(e.score.violation),
            fmt_value(e.score.objective)
        );
        match &e.summary {
            Some(s) => {
                for (m, h) in s.mean.iter().zip(&s.half_width) {
                    let _ = write!(csv, ",{},{}", fmt_value(*m), fmt_value(*h));
                }
            }
            None => csv.push_str(&",".repeat(2 * metrics.len())),
        }
        csv.push('\n');
    }
    let path = dir.join("tune.csv");
    write_file(&path, &csv)?;
    written.push(path);
    println!(
        "\nwrote {}",
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
