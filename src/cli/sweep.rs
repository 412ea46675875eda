//! `sparksim sweep`: one workload under every point of a parameter grid (or a random sample of
//! it), several seeds per point, on all cores; `runs.csv` (point × seed), `points.csv` (mean
//! and 95% interval per point) and `sweep.json` in `--out`; the best points on stdout; the
//! heatmap and Pareto front in `--report`. Also what `tune`, `capacity` and `sweep-merge`
//! share: the input flags, building the evaluator, the progress bar, the throughput line,
//! the page builders.

use crate::cli::common::{SparkArgs, build_conf, print_warnings};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use policies::conf::SparkConf;
use rayon::prelude::*;
use reports::charts::heatmap::{HeatmapData, heatmap};
use reports::charts::pareto::{ParetoData, ParetoPoint, pareto};
use reports::sweep_report::{PageChart, PageTable, SweepChart, SweepPage, write_sweep_page};
use sim::sweep::output::{fmt_value, point_row, points_header, run_rows, runs_header};
use sim::sweep::{
    Evaluator, Expr, MetricSet, Point, PointRuns, Shard, Space, Summary, SweepInput, Unit,
    Workloads,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use workloads::model::Workload;

/// Where the workload comes from: a scenario file (seeds change the offer shuffle), a
/// synthetic spec (seed index r draws replication r) or an event log (as `replay` builds it).
pub use crate::cli::common::WorkloadArgs as InputArgs;

/// How many runs and where.
#[derive(clap::Args, Debug, Clone)]
pub struct RunOpts {
    /// Seeds per point: seed index r runs with --seed + r (a new replication of a synthetic
    /// workload, or a new offer shuffle of a fixed one).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub seeds: u32,
    /// Threads (0: one per core). Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// No progress bar (it is drawn on stderr, and only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub spark: SparkArgs,
    /// A swept parameter: KEY=A..B, KEY=A..B:STEP or KEY=V1,V2,…; KEY is pool.<name>.minShare,
    /// pool.<name>.weight, pool.<name>.schedulingMode or any configuration key. Repeatable.
    #[arg(long = "param", value_name = "KEY=VALUES", required = true)]
    pub params: Vec<String>,
    /// Run N grid points drawn at random (seeded by --seed) instead of the whole grid.
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,
    #[command(flatten)]
    pub run: RunOpts,
    /// Run only slice K of N (K from 0): the points numbered K mod N. Join with sweep-merge.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Write runs.csv, points.csv and sweep.json here.
    #[arg(long, value_name = "DIR", default_value = "sparksim-sweep")]
    pub out: PathBuf,
    /// Write sweep.html with the heatmap and the Pareto front (SVG and PNG) here.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub view: ViewArgs,
}

/// How the results are ranked and drawn.
#[derive(clap::Args, Debug, Clone)]
pub struct ViewArgs {
    /// What ranks the points (lower is better; negate to prefer high values), e.g.
    /// pool.interactive.p95_turnaround. Default: all.p95_turnaround.
    #[arg(long, value_name = "EXPR")]
    pub objective: Option<String>,
    /// The heatmap's two parameters, X,Y (default: the first two that vary).
    #[arg(long, value_name = "X,Y")]
    pub heatmap: Option<String>,
    /// The Pareto front's two objectives, A,B, both lower is better (default:
    /// executor_seconds and the objective).
    #[arg(long, value_name = "A,B")]
    pub pareto: Option<String>,
    /// Points shown on stdout.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// The evaluator with what the user should hear about the setup.
pub struct Built {
    pub ev: Evaluator,
    pub warnings: Vec<String>,
    pub name: String,
}

/// Loads the workload (and replications), builds the configuration and the evaluator over
/// the space `space` gives for that configuration and (first) workload.
pub fn build_evaluator(
    input: &InputArgs,
    spark: &SparkArgs,
    run: &RunOpts,
    space: impl FnOnce(&SparkConf, &Workload) -> Result<Space>,
) -> Result<Built> {
    if run.seeds == 0 {
        bail!("--seeds 0: expected at least 1");
    }
    let mut warnings = Vec::new();
    let workloads = if let Some(path) = &input.workload {
        let loaded = workloads::scenario::load_scenario(path)?;
        warnings.extend(loaded.warnings.iter().map(|w| w.to_string()));
        Workloads::Fixed(Box::new(loaded.workload))
    } else if let Some(path) = &input.log {
        let (workload, log_warnings) =
            crate::cli::replay::workload_from_log(path, spark, &input.log_options)?;
        warnings.extend(log_warnings);
        Workloads::Fixed(Box::new(workload))
    } else {
        let path = input
            .synthetic
            .as_ref()
            .context("give --workload FILE or --synthetic SPEC.toml")?;
        let spec = workloads::synthetic::load_synthetic_spec(path)?;
        let seed = spark.seed;
        Workloads::Synthetic(
            (0..u64::from(run.seeds))
                .into_par_iter()
                .map(|r| workloads::synthetic::generate_replication(&spec, seed, r))
                .collect(),
        )
    };
    let first = match &workloads {
        Workloads::Fixed(w) => w,
        Workloads::Synthetic(ws) => &ws[0],
    };
    let name = first.name.clone();
    let (conf, conf_warnings) = build_conf(spark, first)?;
    warnings.extend(conf_warnings);
    let space = space(&conf, first)?;
    let ev = Evaluator::new(
        SweepInput {
            conf,
            workloads,
            base_seed: spark.seed,
            seeds: run.seeds,
            jobs: run.jobs,
        },
        space,
    )?;
    warnings.extend(ev.advisories());
    Ok(Built { ev, warnings, name })
}

/// A progress bar of `total` runs (a counter when unknown) on stderr, hidden unless stderr is
/// a terminal.
pub fn progress_bar(total: Option<u64>, hidden: bool, what: &str) -> ProgressBar {
    let target = if hidden || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(total, target);
    let template = if total.is_some() {
        "{prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} runs · {per_sec} · eta {eta}"
    } else {
        "{prefix} [{elapsed_precise}] {spinner} {pos} runs · {per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(what.to_string());
    bar
}

/// `n seed` or `n seeds`.
pub fn seeds_text(n: impl Into<u64>) -> String {
    let n = n.into();
    format!("{n} seed{}", if n == 1 { "" } else { "s" })
}

/// `N points × S seeds = R runs in T s on J threads: … runs/s, … task attempts/s`.
pub fn throughput(
    what: &str,
    points: usize,
    seeds: u32,
    runs: u64,
    attempts: u64,
    secs: f64,
    threads: usize,
) -> String {
    let secs = secs.max(1e-9);
    format!(
        "{what}: {points} points × {} = {runs} runs ({:.2} M task attempts) in {secs:.2} s \
         on {threads} thread{}: {:.1} runs/s, {:.2} M task attempts/s",
        seeds_text(seeds),
        attempts as f64 / 1e6,
        if threads == 1 { "" } else { "s" },
        runs as f64 / secs,
        attempts as f64 / 1e6 / secs
    )
}

/// A metric value for the terminal: seconds for times, as is otherwise.
pub fn show(v: f64, unit: Unit) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    match unit {
        Unit::Ms => format!("{:.2} s", v / 1000.0),
        Unit::Seconds => format!("{v:.0} s"),
        Unit::Ratio => format!("{:.1}%", v * 100.0),
        Unit::Count => format!("{v:.1}"),
    }
}

/// The unit of an expression: a single metric's, else none.
pub fn expr_unit(e: &Expr, metrics: &MetricSet) -> Option<Unit> {
    match e {
        Expr::Metric(i) => Some(metrics.unit(*i)),
        _ => None,
    }
}

/// An expression's value for the terminal (with ± half-width when given).
pub fn show_expr(v: f64, half: Option<f64>, e: &Expr, metrics: &MetricSet) -> String {
    let unit = expr_unit(e, metrics);
    let base = match unit {
        Some(u) => show(v, u),
        None if v.is_finite() => format!("{v:.4}"),
        None => "n/a".to_string(),
    };
    match (half.filter(|h| h.is_finite() && *h > 0.0), unit) {
        (Some(h), Some(Unit::Ms)) => format!("{base} ± {:.2}", h / 1000.0),
        (Some(h), _) => format!("{base} ± {h:.2}"),
        _ => base,
    }
}

/// The half-width of a single-metric expression (NaN otherwise).
pub fn expr_half(e: &Expr, s: &Summary) -> f64 {
    match e {
        Expr::Metric(i) => s.half_width[*i],
        _ => f64::NAN,
    }
}

/// A short name of a parameter for labels: `interactive.minShare`, `executor.instances`.
pub fn short_key(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.len() <= 2 {
        return key.to_string();
    }
    parts[parts.len() - 2..].join(".")
}

/// `minShare=2 weight=4` for a point's labels (only parameters that vary; each key by its last
/// segment, or its last two when that is ambiguous).
pub fn point_label(space: &Space, point: &Point) -> String {
    let leaf = |k: &str| k.rsplit('.').next().unwrap_or(k).to_string();
    let varying: Vec<&str> = space
        .params
        .iter()
        .filter(|p| p.varies())
        .map(|p| p.key.as_str())
        .collect();
    space
        .assignment(point)
        .iter()
        .filter(|(p, _)| p.varies())
        .map(|(p, v)| {
            let unique = varying.iter().filter(|k| leaf(k) == leaf(&p.key)).count() == 1;
            let name = if unique {
                leaf(&p.key)
            } else {
                short_key(&p.key)
            };
            format!("{name}={v}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A point of a finished sweep.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: u64,
    pub point: Point,
    pub summary: Summary,
}

/// Writes `text` to `path`, naming it on failure.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The manifest of a sweep (`sweep.json`): what `sweep-merge` checks shards against.
pub fn manifest(
    workload: &str,
    ev: &Evaluator,
    design: &serde_json::Value,
    points: u64,
    shard: Option<Shard>,
    points_in_file: usize,
) -> serde_json::Value {
    let params: Vec<serde_json::Value> = ev
        .space()
        .params
        .iter()
        .map(|p| serde_json::json!({"key": p.key, "values": p.values}))
        .collect();
    serde_json::json!({
        "sparksim_sweep": 1,
        "workload": workload,
        "params": params,
        "design": design,
        "points": points,
        "seeds": ev.seeds(),
        "base_seed": ev.seed(0),
        "pools": ev.metrics().pools(),
        "metrics": ev.metrics().names(),
        "shard": shard.map(|s| serde_json::json!({"index": s.index, "count": s.count})),
        "points_in_file": points_in_file,
    })
}

pub fn run(args: SweepArgs) -> Result<ExitCode> {
    let space = Space::parse(&args.params)?;
    let shard = args
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    if shard.is_some() && args.report.is_some() {
        bail!(
            "--report with --shard: build the report from the merged results (sparksim sweep-merge … --report DIR)"
        );
    }
    let Built {
        ev,
        mut warnings,
        name,
    } = build_evaluator(&args.input, &args.spark, &args.run, |_, _| Ok(space))?;
    let objective_text = args
        .view
        .objective
        .clone()
        .unwrap_or_else(|| "all.p95_turnaround".to_string());
    let objective = Expr::parse("--objective", &objective_text, ev.metrics())?;
    heatmap_axes(ev.space(), &args.view)?;
    pareto_axes(ev.metrics(), &objective_text, &args.view)?;
    if args.sample == Some(0) {
        bail!("--sample 0: expected at least 1 point");
    }
    let points = match args.sample {
        Some(n) => ev
            .space()
            .sample(n, args.spark.seed)
            .map_err(anyhow::Error::msg)?,
        None => ev.space().grid().map_err(anyhow::Error::msg)?,
    };
    let design = match args.sample {
        Some(n) => serde_json::json!({"sample": n, "seed": args.spark.seed}),
        None => serde_json::json!("grid"),
    };
    let total = points.len() as u64;
    let mine: Vec<(u64, Point)> = points
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i as u64, p))
        .filter(|(i, _)| shard.is_none_or(|s| s.holds(*i)))
        .collect();
    let wrapped: Vec<Option<Point>> = mine.iter().map(|(_, p)| Some(p.clone())).collect();
    warnings.extend(ev.check(&wrapped)?);
    print_warnings(&warnings);

    let started = Instant::now();
    let bar = progress_bar(
        Some(wrapped.len() as u64 * u64::from(ev.seeds())),
        args.run.no_progress,
        "sweep",
    );
    let results = ev.evaluate(&wrapped, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();

    let (runs_csv, points_csv) = csv_text(&ev, &mine, &results);
    let out = &args.out;
    write_file(&out.join("runs.csv"), &runs_csv)?;
    write_file(&out.join("points.csv"), &points_csv)?;
    let m = manifest(&name, &ev, &design, total, shard, mine.len());
    write_file(
        &out.join("sweep.json"),
        &format!("{}\n", serde_json::to_string_pretty(&m)?),
    )?;

    let rows: Vec<Row> = mine
        .iter()
        .zip(&results)
        .map(|((id, p), r)| Row {
            id: *id,
            point: p.clone(),
            summary: Summary::of(&r.runs),
        })
        .collect();
    let scope = match shard {
        Some(s) => format!(
            "shard {}/{}: {} of {total} points",
            s.index,
            s.count,
            rows.len()
        ),
        None => format!("{total} points"),
    };
    println!(
        "{name}: {scope} × {}; ranked by {objective_text} (mean ± 95% CI)\n",
        seeds_text(ev.seeds())
    );
    print_top(&ev, &rows, &objective, &objective_text, args.view.top);
    println!(
        "\nwrote {}, {} and {}",
        out.join("runs.csv").display(),
        out.join("points.csv").display(),
        out.join("sweep.json").display()
    );
    if let Some(dir) = &args.report {
        let page = sweep_page(
            &name,
            ev.space(),
            ev.metrics(),
            &rows,
            &objective_text,
            &args.view,
            None,
            &warnings,
        )?;
        let files = write_sweep_page(dir, "sweep.html", &page)?;
        println!("wrote {}", files.html.display());
    }
    let runs: u64 = results.iter().map(|r| r.runs.len() as u64).sum();
    let attempts: u64 = results.iter().map(|r| r.attempts).sum();
    eprintln!(
        "{}",
        throughput(
            "sweep",
            rows.len(),
            ev.seeds(),
            runs,
            attempts,
            elapsed,
            ev.threads()
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `runs.csv` and `points.csv` of these points.
pub fn csv_text(
    ev: &Evaluator,
    points: &[(u64, Point)],
    results: &[PointRuns],
) -> (String, String) {
    let space = ev.space();
    let mut runs = runs_header(space, ev.metrics());
    runs.push('\n');
    let mut pts = points_header(space, ev.metrics());
    pts.push('\n');
    for ((id, p), r) in points.iter().zip(results) {
        for row in run_rows(*id, space, p, r, |s| ev.seed(s)) {
            runs.push_str(&row);
            runs.push('\n');
        }
        pts.push_str(&point_row(*id, space, p, &Summary::of(&r.runs)));
        pts.push('\n');
    }
    (runs, pts)
}

/// The best `top` points by the objective, as a table.
pub fn print_top(ev: &Evaluator, rows: &[Row], objective: &Expr, text: &str, top: usize) {
    let metrics = ev.metrics();
    let space = ev.space();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let value = |i: usize| {
        let v = objective.eval(&rows[i].summary.mean, None);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    order.sort_by(|&a, &b| value(a).total_cmp(&value(b)).then(a.cmp(&b)));
    let varying: Vec<usize> = (0..space.params.len())
        .filter(|&k| space.params[k].varies())
        .collect();
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(varying.iter().map(|&k| short_key(&space.params[k].key)));
    header.push(text.to_string());
    // At most four pools' p95 beside the objective (all of them are in points.csv).
    let extra: Vec<usize> = metrics
        .pools()
        .iter()
        .take(4)
        .filter_map(|p| metrics.pool_index(p, "p95_turnaround"))
        .chain(metrics.index("executor_seconds"))
        .filter(|i| !objective.metrics().contains(i) || objective.metrics().len() > 1)
        .collect();
    header.extend(extra.iter().map(|&i| metrics.names()[i].clone()));
    let mut table: Vec<Vec<String>> = vec![header];
    for &i in order.iter().take(top) {
        let r = &rows[i];
        let mut line = vec![r.id.to_string()];
        line.extend(
            varying
                .iter()
                .map(|&k| space.params[k].values[r.point.0[k]].clone()),
        );
        line.push(show_expr(
            objective.eval(&r.summary.mean, None),
            Some(expr_half(objective, &r.summary)),
            objective,
            metrics,
        ));
        line.extend(
            extra
                .iter()
                .map(|&m| show(r.summary.mean[m], metrics.unit(m))),
        );
        table.push(line);
    }
    print_table(&table);
    if rows.len() > top {
        println!("… {} more points", rows.len() - top);
    }
}

/// Left-aligned first column, right-aligned others.
pub fn print_table(rows: &[Vec<String>]) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            if c == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        println!("{}", line.trim_end());
    }
}

/// Parses `A,B` of two items.
fn pair(flag: &str, text: &str) -> Result<(String, String)> {
    match text.split_once(',') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() && !b.contains(',') => {
            Ok((a.trim().to_string(), b.trim().to_string()))
        }
        _ => bail!("{flag} {text}: expected two items separated by a comma"),
    }
}

/// A value for charts: seconds for a single time metric.
fn chart_value(v: f64, e: &Expr, metrics: &MetricSet) -> f64 {
    match expr_unit(e, metrics) {
        Some(Unit::Ms) => v / 1000.0,
        _ => v,
    }
}

fn chart_label(text: &str, e: &Expr, metrics: &MetricSet) -> String {
    match expr_unit(e, metrics) {
        Some(Unit::Ms) => format!("{text} (s)"),
        Some(Unit::Seconds) => format!("{text} (s)"),
        _ => text.to_string(),
    }
}

/// The heatmap's parameters: `--heatmap X,Y`, else the first two that vary (none if fewer).
pub fn heatmap_axes(space: &Space, view: &ViewArgs) -> Result<Option<(usize, usize)>> {
    let varying: Vec<usize> = (0..space.params.len())
        .filter(|&k| space.params[k].varies())
        .collect();
    Ok(match &view.heatmap {
        Some(text) => {
            let (x, y) = pair("--heatmap", text)?;
            let find = |k: &str| {
                space
                    .params
                    .iter()
                    .position(|p| p.key == k || short_key(&p.key) == k)
                    .with_context(|| {
                        format!(
                            "--heatmap {text}: {k} is not a swept parameter (swept: {})",
                            space
                                .params
                                .iter()
                                .map(|p| p.key.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
            };
            Some((find(&x)?, find(&y)?))
        }
        None if varying.len() >= 2 => Some((varying[0], varying[1])),
        None => None,
    })
}

/// The Pareto front's two objectives: `--pareto A,B`, else executor time and the objective.
pub fn pareto_axes(
    metrics: &MetricSet,
    objective_text: &str,
    view: &ViewArgs,
) -> Result<((String, Expr), (String, Expr))> {
    let (a_text, b_text) = match &view.pareto {
        Some(text) => pair("--pareto", text)?,
        None if objective_text == "executor_seconds" => (
            "executor_seconds".to_string(),
            "all.p95_turnaround".to_string(),
        ),
        None => ("executor_seconds".to_string(), objective_text.to_string()),
    };
    let a = Expr::parse("--pareto", &a_text, metrics)?;
    let b = Expr::parse("--pareto", &b_text, metrics)?;
    Ok(((a_text, a), (b_text, b)))
}

/// The sweep page: heatmap of the objective over two parameters, Pareto front of two
/// objectives, the table of points.
#[allow(clippy::too_many_arguments)]
pub fn sweep_page(
    name: &str,
    space: &Space,
    metrics: &MetricSet,
    rows: &[Row],
    objective_text: &str,
    view: &ViewArgs,
    baseline: Option<&Summary>,
    warnings: &[String],
) -> Result<SweepPage> {
    let objective = Expr::parse("--objective", objective_text, metrics)?;
    let mut charts = Vec::new();
    let varying: Vec<usize> = (0..space.params.len())
        .filter(|&k| space.params[k].varies())
        .collect();
    let axes = heatmap_axes(space, view)?;
    if let Some((xk, yk)) = axes {
        let (px, py) = (&space.params[xk], &space.params[yk]);
        let mut cells: Vec<Vec<Option<f64>>> = vec![vec![None; px.values.len()]; py.values.len()];
        for r in rows {
            let v = objective.eval(&r.summary.mean, baseline.map(|b| b.mean.as_slice()));
            if !v.is_finite() {
                continue;
            }
            let v = chart_value(v, &objective, metrics);
            let c = &mut cells[r.point.0[yk]][r.point.0[xk]];
            if c.is_none_or(|old| v < old) {
                *c = Some(v);
            }
        }
        let others = varying.iter().filter(|&&k| k != xk && k != yk).count();
        let mut notes = vec![format!(
            "Mean over the seeds at each point; lower is better; the best cell is outlined. {} points.",
            rows.len()
        )];
        if others > 0 {
            notes.push(format!(
                "Each cell is the best over the {others} other swept parameter{}.",
                if others == 1 { "" } else { "s" }
            ));
        }
        charts.push(PageChart {
            name: "heatmap".into(),
            title: format!("{objective_text} over {} and {}", px.key, py.key),
            caption: "Lower is better. Cells without a value were not evaluated or had no job that ended.".into(),
            chart: SweepChart::Heatmap(heatmap(HeatmapData {
                title: format!("{objective_text} by {} × {}", short_key(&px.key), short_key(&py.key)),
                notes,
                x_label: px.key.clone(),
                x_values: px.values.clone(),
                y_label: py.key.clone(),
                y_values: py.values.clone(),
                cells,
                value_label: match expr_unit(&objective, metrics) {
                    Some(Unit::Ms | Unit::Seconds) => "seconds",
                    Some(Unit::Ratio) => "fraction",
                    Some(Unit::Count) => "jobs",
                    None => "value",
                }
                .to_string(),
            })),
        });
    }
    let ((a_text, a), (b_text, b)) = pareto_axes(metrics, objective_text, view)?;
    let base = baseline.map(|s| s.mean.as_slice());
    let points: Vec<ParetoPoint> = rows
        .iter()
        .map(|r| ParetoPoint {
            x: chart_value(a.eval(&r.summary.mean, base), &a, metrics),
            y: chart_value(b.eval(&r.summary.mean, base), &b, metrics),
            label: point_label(space, &r.point),
        })
        .collect();
    let pareto_chart = pareto(ParetoData {
        title: format!("Pareto front: {a_text} against {b_text}"),
        notes: vec![
            "Both lower is better. A point is on the front when no other point is at least as good on both and better on one.".into(),
        ],
        x_label: chart_label(&a_text, &a, metrics),
        y_label: chart_label(&b_text, &b, metrics),
        points,
        baseline: baseline.map(|s| {
            (
                chart_value(a.eval(&s.mean, Some(&s.mean)), &a, metrics),
                chart_value(b.eval(&s.mean, Some(&s.mean)), &b, metrics),
            )
        }),
    });
    let front: Vec<usize> = pareto_chart.front().to_vec();
    charts.push(PageChart {
        name: "pareto".into(),
        title: format!("Pareto front of {a_text} and {b_text}"),
        caption:
            "Grey: every point; blue: the non-dominated ones (the trade-offs worth considering)."
                .into(),
        chart: SweepChart::Pareto(pareto_chart),
    });

    let mut order: Vec<usize> = (0..rows.len()).collect();
    let value = |i: usize| {
        let v = objective.eval(&rows[i].summary.mean, base);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    order.sort_by(|&x, &y| value(x).total_cmp(&value(y)).then(x.cmp(&y)));
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(space.params.iter().map(|p| short_key(&p.key)));
    header.push(format!("{objective_text} (mean)"));
    header.push("± 95%".into());
    header.push(format!("{a_text} (mean)"));
    header.push(format!("{b_text} (mean)"));
    header.push("on the front".into());
    let table_rows: Vec<Vec<String>> = order
        .iter()
        .map(|&i| {
            let r = &rows[i];
            let mut cells = vec![r.id.to_string()];
            cells.extend(
                space
                    .assignment(&r.point)
                    .iter()
                    .map(|(_, v)| v.to_string()),
            );
            cells.push(fmt_value(objective.eval(&r.summary.mean, base)));
            cells.push(fmt_value(expr_half(&objective, &r.summary)));
            cells.push(fmt_value(a.eval(&r.summary.mean, base)));
            cells.push(fmt_value(b.eval(&r.summary.mean, base)));
            cells.push(if front.contains(&i) { "yes" } else { "" }.into());
            cells
        })
        .collect();
    Ok(SweepPage {
        title: format!("sparksim sweep — {name}"),
        intro: vec![
            format!(
                "{} points × {}; parameters: {}",
                rows.len(),
                seeds_text(rows.first().map_or(0, |r| r.summary.seeds) as u64),
                space
                    .params
                    .iter()
                    .map(|p| format!("{}={}", p.key, p.values.join(",")))
                    .collect::<Vec<_>>()
                    .join("  ")
            ),
            "Times in milliseconds in the table (seconds in the charts); intervals are Student-t 95% over the seeds.".into(),
        ],
        charts,
        tables: vec![PageTable {
            title: "Points, best first".into(),
            header,
            rows: table_rows,
            highlight: vec![0],
            note: format!("Ranked by {objective_text}; the full per-seed values are in runs.csv."),
        }],
        warnings: warnings.to_vec(),
        png: true,
    })
}
