//! `sparksim capacity`: the workload at several cluster sizes (the key that sizes the cluster
//! for the master: `local[N]`, `spark.executor.instances`, `sparksim.cluster.workers` or
//! `spark.cores.max`; see `sim::sweep::capacity`), per-pool p50/p95 turnaround and executor
//! time at each, and the smallest size meeting `--target`.

use crate::cli::common::{SparkArgs, print_warnings};
use crate::cli::sweep::{
    Built, InputArgs, RunOpts, build_evaluator, csv_text, print_table, progress_bar, seeds_text,
    show, throughput, write_file,
};
use anyhow::{Result, anyhow};
use reports::charts::capacity::{CapacityData, CapacityPool, capacity_chart};
use reports::sweep_report::{PageChart, PageTable, SweepChart, SweepPage, write_sweep_page};
use sim::sweep::capacity::{parse_sizes, size_axis};
use sim::sweep::{Constraint, Expr, Point, PointRuns, Space, Summary, Unit};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct CapacityArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub spark: SparkArgs,
    /// Cluster sizes: A..B, A..B:STEP or V1,V2,… (default: about eight from a quarter to twice
    /// the current size).
    #[arg(long, value_name = "SIZES")]
    pub sizes: Option<String>,
    /// Sweep this key instead of the one the master implies.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// What a size must achieve, e.g. 'pool.interactive.p95_turnaround <= 2000' (times in ms,
    /// or with a unit: 2s). Repeatable; all must hold.
    #[arg(long, value_name = "CONSTRAINT")]
    pub target: Vec<String>,
    #[command(flatten)]
    pub run: RunOpts,
    /// Write runs.csv and points.csv here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write capacity.html with the capacity curve (SVG and PNG) here.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}

pub fn run(args: CapacityArgs) -> Result<ExitCode> {
    let sizes = args
        .sizes
        .as_deref()
        .map(parse_sizes)
        .transpose()
        .map_err(anyhow::Error::msg)?
        .map(|mut s| {
            s.sort_unstable();
            s.dedup();
            s
        });
    let mut axis = None;
    let Built {
        ev,
        mut warnings,
        name,
    } = build_evaluator(&args.input, &args.spark, &args.run, |conf, workload| {
        let a = size_axis(conf, workload, args.key.as_deref(), sizes.clone())
            .map_err(anyhow::Error::msg)?;
        let space = Space {
            params: vec![a.param.clone()],
        };
        axis = Some(a);
        Ok(space)
    })?;
    let axis = axis.ok_or_else(|| anyhow!("no size axis"))?;
    let metrics = ev.metrics();
    let targets = args
        .target
        .iter()
        .map(|t| Constraint::parse("--target", t, metrics))
        .collect::<Result<Vec<_>, _>>()?;
    let needs_baseline = targets.iter().any(Constraint::uses_baseline);
    warnings.extend(ev.check(&[None])?);
    print_warnings(&warnings);

    let points: Vec<Point> = (0..axis.sizes.len()).map(|i| Point(vec![i])).collect();
    let mut wrapped: Vec<Option<Point>> = points.iter().cloned().map(Some).collect();
    if needs_baseline {
        wrapped.push(None);
    }
    let started = Instant::now();
    let bar = progress_bar(
        Some(wrapped.len() as u64 * u64::from(ev.seeds())),
        args.run.no_progress,
        "capacity",
    );
    let mut results = ev.evaluate_each(&wrapped, &|| bar.inc(1));
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let baseline = if needs_baseline {
        match results.pop() {
            Some(Ok(r)) => Some(Summary::of(&r.runs)),
            Some(Err(e)) => return Err(e.into()),
            None => None,
        }
    } else {
        None
    };
    let base = baseline.as_ref().map(|b| b.mean.as_slice());
    let summaries: Vec<Option<Summary>> = results
        .iter()
        .map(|r| r.as_ref().ok().map(|r| Summary::of(&r.runs)))
        .collect();
    let meets: Vec<bool> = summaries
        .iter()
        .map(|s| {
            s.as_ref()
                .is_some_and(|s| targets.iter().all(|t| t.holds(&s.mean, base)))
        })
        .collect();
    let chosen = if targets.is_empty() {
        None
    } else {
        meets.iter().position(|&m| m)
    };

    // The table.
    let cost = metrics.index(axis.cost_metric).unwrap_or(0);
    let exec = metrics.index("executor_seconds").unwrap_or(0);
    let core = metrics.index("core_seconds").unwrap_or(0);
    let mut header = vec!["size".to_string(), axis.param.key.clone()];
    for p in metrics.pools() {
        header.push(format!("{p} p50 / p95"));
    }
    header.push("executor-h".into());
    header.push("core-h".into());
    if !targets.is_empty() {
        header.push("target".into());
        header.push(String::new());
    }
    let mut table = vec![header.clone()];
    let mut html_rows = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        let mut row = vec![axis.sizes[i].to_string(), axis.param.values[i].clone()];
        match s {
            Some(s) => {
                for p in metrics.pools() {
                    let get =
                        |stat: &str| metrics.pool_index(p, stat).map_or(f64::NAN, |k| s.mean[k]);
                    row.push(format!(
                        "{} / {}",
                        show(get("p50_turnaround"), Unit::Ms),
                        show(get("p95_turnaround"), Unit::Ms)
                    ));
                }
                row.push(format!("{:.2}", s.mean[exec] / 3600.0));
                row.push(format!("{:.2}", s.mean[core] / 3600.0));
            }
            None => {
                let why = match &results[i] {
                    Err(e) => e.to_string(),
                    Ok(_) => String::new(),
                };
                row.push(format!("cannot run: {why}"));
            }
        }
        if !targets.is_empty() && s.is_some() {
            row.push(if meets[i] { "met" } else { "missed" }.to_string());
            row.push(if chosen == Some(i) {
                "<- smallest meeting the target".to_string()
            } else {
                String::new()
            });
        }
        html_rows.push(row.clone());
        table.push(row);
    }
    println!(
        "{name}: capacity over {} ({}), {} per size\n",
        axis.param.key,
        axis.unit,
        seeds_text(ev.seeds())
    );
    print_table(&table);
    for t in &targets {
        println!("target: {}", t.text);
    }
    match (chosen, targets.is_empty()) {
        (_, true) => {}
        (Some(i), false) => println!(
            "\nsmallest size meeting the target: {} ({}={}), {:.2} {} per run",
            axis.sizes[i],
            axis.param.key,
            axis.param.values[i],
            summaries[i].as_ref().map_or(f64::NAN, |s| s.mean[cost]) / 3600.0,
            cost_label(axis.cost_metric)
        ),
        (None, false) => println!("\nno size meets the target"),
    }

    if let Some(dir) = &args.out {
        let ok: Vec<(u64, Point)> = points
            .iter()
            .enumerate()
            .filter(|(i, _)| results[*i].is_ok())
            .map(|(i, p)| (i as u64, p.clone()))
            .collect();
        let runs: Vec<PointRuns> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().cloned())
            .collect();
        let (runs_csv, points_csv) = csv_text(&ev, &ok, &runs);
        write_file(&dir.join("runs.csv"), &runs_csv)?;
        write_file(&dir.join("points.csv"), &points_csv)?;
        println!(
            "wrote {} and {}",
            dir.join("runs.csv").display(),
            dir.join("points.csv").display()
        );
    }
    if let Some(dir) = &args.report {
        let pools = metrics
            .pools()
            .iter()
            .map(|p| {
                let series = |stat: &str| -> Vec<f64> {
                    summaries
                        .iter()
                        .map(|s| match (s, metrics.pool_index(p, stat)) {
                            (Some(s), Some(k)) => s.mean[k],
                            _ => f64::NAN,
                        })
                        .collect()
                };
                CapacityPool {
                    name: p.clone(),
                    p50_ms: series("p50_turnaround"),
                    p95_ms: series("p95_turnaround"),
                }
            })
            .collect();
        let thresholds = targets
            .iter()
            .filter_map(|t| {
                let Expr::Metric(k) = t.lhs else { return None };
                let name = &metrics.names()[k];
                let turnaround = name.ends_with("_turnaround");
                let constant = t.rhs.metrics().is_empty() && !t.rhs.uses_baseline();
                (turnaround && constant).then(|| (t.text.clone(), t.rhs.eval(&[], None)))
            })
            .collect();
        let mut notes = vec![format!(
            "Means over {} per size. Solid: p95 turnaround; dashed: p50.",
            seeds_text(ev.seeds())
        )];
        if !targets.is_empty() {
            notes.push(format!(
                "Target: {}.",
                targets
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ));
        }
        let chart = capacity_chart(CapacityData {
            title: format!("Capacity: turnaround and cost against {}", axis.unit),
            notes,
            unit: format!("{} ({})", axis.unit, axis.param.key),
            sizes: axis.sizes.clone(),
            pools,
            cost_hours: summaries
                .iter()
                .map(|s| s.as_ref().map_or(f64::NAN, |s| s.mean[cost] / 3600.0))
                .collect(),
            cost_label: format!("{} per run", cost_label(axis.cost_metric)),
            thresholds,
            chosen,
        });
        let page = SweepPage {
            title: format!("sparksim capacity — {name}"),
            intro: vec![
                format!(
                    "{} sizes of {} × {}",
                    axis.sizes.len(),
                    axis.param.key,
                    seeds_text(ev.seeds())
                ),
                match chosen {
                    Some(i) => format!(
                        "Smallest size meeting the target: {} ({}={}).",
                        axis.sizes[i], axis.param.key, axis.param.values[i]
                    ),
                    None if targets.is_empty() => "No target given.".to_string(),
                    None => "No size meets the target.".to_string(),
                },
            ],
            charts: vec![PageChart {
                name: "capacity".into(),
                title: "Capacity curve".into(),
                caption: "Per-pool turnaround (top) and the cost of the cluster (bottom) against its size; the red line marks the smallest size meeting the target.".into(),
                chart: SweepChart::Capacity(chart),
            }],
            tables: vec![PageTable {
                title: "Sizes".into(),
                header,
                rows: html_rows,
                highlight: chosen.into_iter().collect(),
                note: "Turnaround in seconds (mean over the seeds of each percentile).".into(),
            }],
            warnings: warnings.clone(),
            png: true,
        };
        let files = write_sweep_page(dir, "capacity.html", &page)?;
        println!("wrote {}", files.html.display());
    }
    let runs: u64 = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| r.runs.len() as u64)
        .sum();
    let attempts: u64 = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| r.attempts)
        .sum();
    eprintln!(
        "{}",
        throughput(
            "capacity",
            points.len(),
            ev.seeds(),
            runs,
            attempts,
            elapsed,
            ev.threads()
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn cost_label(metric: &str) -> &'static str {
    if metric == "core_seconds" {
        "core-hours"
    } else {
        "executor-hours"
    }
}
