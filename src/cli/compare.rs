//! `sparksim compare`: the same workload under several configurations — by default FIFO
//! against FAIR — side by side, with each run's files under `DIR/<label>/`.

use crate::cli::common::{
    RunResult, SparkArgs, WorkloadArgs, build_conf, load_workload, print_warnings, simulate,
};
use crate::cli::run::{run_info, write_outputs};
use anyhow::{Context, Result};
use policies::conf::ConfSource;
use policies::scheduling_mode::SchedulingMode;
use reports::compare;
use std::path::PathBuf;
use std::process::ExitCode;
use workloads::model::Workload;

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    #[command(flatten)]
    pub workload: WorkloadArgs,
    #[command(flatten)]
    pub spark: SparkArgs,
    /// Scheduler modes to compare, in order; the first is the baseline of the ratios
    /// (default FIFO,FAIR).
    #[arg(long, value_delimiter = ',', conflicts_with = "vs_conf")]
    pub modes: Option<Vec<String>>,
    /// Instead of modes: compare the configuration as given ("baseline") with the same plus
    /// these settings ("variant"), e.g. --conf spark.speculation=false --vs-conf
    /// spark.speculation=true. Repeatable.
    #[arg(long = "vs-conf", value_name = "KEY=VALUE")]
    pub vs_conf: Vec<String>,
    /// Write each run's files into DIR/<mode>/ and the comparison into DIR/comparison.json.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the HTML report comparing the runs (report.html, *.svg, *.png) into this directory.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}

/// One labelled configuration of a comparison.
pub struct Variant {
    pub label: String,
    pub overrides: Vec<(String, String)>,
}

/// The variants `--modes` asks for.
pub fn mode_variants(modes: &[String]) -> Result<Vec<Variant>> {
    modes
        .iter()
        .map(|m| {
            let mode = SchedulingMode::parse_conf_value(m.trim())
                .with_context(|| format!("--modes {m}"))?;
            Ok(Variant {
                label: mode.to_string(),
                overrides: vec![("spark.scheduler.mode".into(), mode.to_string())],
            })
        })
        .collect()
}

/// The configuration as given, and the same plus the `--vs-conf` settings.
pub fn conf_variants(vs_conf: &[String]) -> Result<Vec<Variant>> {
    let overrides = vs_conf
        .iter()
        .map(|arg| policies::conf::parse_conf_arg(arg).with_context(|| format!("--vs-conf {arg}")))
        .collect::<Result<Vec<_>>>()?;
    println!(
        "baseline: the configuration as given; variant: plus {}\n",
        vs_conf.join(" ")
    );
    Ok(vec![
        Variant {
            label: "baseline".into(),
            overrides: Vec::new(),
        },
        Variant {
            label: "variant".into(),
            overrides,
        },
    ])
}

/// Runs every variant of the workload.
pub fn run_variants(
    workload: &Workload,
    spark: &SparkArgs,
    variants: &[Variant],
) -> Result<Vec<(String, RunResult)>> {
    variants
        .iter()
        .map(|v| {
            let (mut conf, warnings) = build_conf(spark, workload)?;
            print_warnings(&warnings);
            for (k, val) in &v.overrides {
                conf.set(k.clone(), val.clone(), ConfSource::CommandLine);
            }
            let result = simulate(conf, workload, spark.seed)
                .with_context(|| format!("the {} run", v.label))?;
            Ok((v.label.clone(), result))
        })
        .collect()
}

pub fn run(args: CompareArgs) -> Result<ExitCode> {
    let variants = if args.vs_conf.is_empty() {
        let modes = args
            .modes
            .clone()
            .unwrap_or_else(|| vec!["FIFO".into(), "FAIR".into()]);
        mode_variants(&modes)?
    } else {
        conf_variants(&args.vs_conf)?
    };
    let (workload, runs) = match &args.workload.log {
        Some(log) => replay_variants(log, &args.spark, &args.workload.log_options, &variants)?,
        None => {
            let (workload, warnings) = load_workload(&args.workload, args.spark.seed)?;
            print_warnings(&warnings);
            let runs = run_variants(&workload, &args.spark, &variants)?;
            (workload, runs)
        }
    };
    print_comparison(&workload, &runs);
    if let Some(dir) = &args.out {
        write_comparison(dir, &workload, args.spark.seed, &runs)?;
    }
    if let Some(dir) = &args.report {
        write_comparison_report(dir, &workload, args.spark.seed, &runs)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Replays an event log under every variant (the log's ids are kept in the outputs).
pub fn replay_variants(
    log: &std::path::Path,
    spark: &SparkArgs,
    options: &crate::cli::replay::LogOptions,
    variants: &[Variant],
) -> Result<(Workload, Vec<(String, RunResult)>)> {
    let mut workload = Workload::default();
    let mut runs = Vec::new();
    for v in variants {
        let mut args = spark.clone();
        args.conf
            .extend(v.overrides.iter().map(|(k, val)| format!("{k}={val}")));
        let r = crate::cli::replay::replay_log(log, &args, options)
            .with_context(|| format!("the {} replay", v.label))?;
        workload = r.log.replay.workload.clone();
        runs.push((
            v.label.clone(),
            RunResult {
                output: r.output,
                prepared_warnings: r.warnings,
                conf: r.conf,
            },
        ));
    }
    Ok((workload, runs))
}

/// The side-by-side tables.
pub fn print_comparison(workload: &Workload, runs: &[(String, RunResult)]) {
    let labelled: Vec<(&str, &sim::records::SimOutput)> =
        runs.iter().map(|(l, r)| (l.as_str(), &r.output)).collect();
    let comparison = compare(&labelled);
    println!(
        "{}: {} jobs, {} tasks\n",
        workload.name,
        workload.jobs.len(),
        workload.total_tasks()
    );
    println!("{}", comparison.pool_table());
    if workload.jobs.len() <= 40 {
        println!("{}", comparison.job_table());
    }
    for (label, r) in runs {
        let table = reports::speculation_table(&reports::speculation_by_pool(&r.output));
        if !table.is_empty() {
            println!("{label}:\n{table}");
        }
    }
    for (label, r) in runs {
        let mut w = r.prepared_warnings.clone();
        w.extend(r.output.warnings.iter().cloned());
        w.sort();
        w.dedup();
        for line in w {
            eprintln!("warning ({label}): {line}");
        }
    }
}

/// The HTML report over every run of the comparison.
pub fn write_comparison_report(
    dir: &std::path::Path,
    workload: &Workload,
    seed: u64,
    runs: &[(String, RunResult)],
) -> Result<PathBuf> {
    let infos: Vec<reports::RunInfo> = runs
        .iter()
        .map(|(_, r)| run_info(&r.conf, workload, seed))
        .collect();
    let labelled: Vec<(&str, &sim::records::SimOutput, &reports::RunInfo)> = runs
        .iter()
        .zip(&infos)
        .map(|((l, r), i)| (l.as_str(), &r.output, i))
        .collect();
    crate::cli::run::write_html_report(dir, &labelled)
}

/// Every run's files under `DIR/<label>/`, and `DIR/comparison.json`.
pub fn write_comparison(
    dir: &std::path::Path,
    workload: &Workload,
    seed: u64,
    runs: &[(String, RunResult)],
) -> Result<()> {
    for (label, r) in runs {
        write_outputs(
            &dir.join(label),
            &r.output,
            &run_info(&r.conf, workload, seed),
        )?;
    }
    let labelled: Vec<(&str, &sim::records::SimOutput)> =
        runs.iter().map(|(l, r)| (l.as_str(), &r.output)).collect();
    let path = dir.join("comparison.json");
    let file =
        std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    compare(&labelled).write_json(std::io::BufWriter::new(file))?;
    println!("wrote {}", path.display());
    Ok(())
}
