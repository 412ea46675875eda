//! `sparksim run`: one workload under one configuration — the per-pool table on stdout and,
//! with `--out DIR`, `jobs.csv`, `tasks.csv` and `summary.json`.

use crate::cli::common::{
    SparkArgs, WorkloadArgs, build_conf, load_workload, print_warnings, simulate,
};
use anyhow::Result;
use policies::conf::{ConfSource, SparkConf};
use reports::{RunInfo, per_pool, pool_table, write_run_outputs};
use sim::records::{JobStatus, SimOutput};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use workloads::model::Workload;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub workload: WorkloadArgs,
    #[command(flatten)]
    pub spark: SparkArgs,
    /// Write jobs.csv, tasks.csv, executors.csv and summary.json into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the HTML report (report.html, *.svg, *.png) into this directory.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    if let Some(log) = &args.workload.log {
        return crate::cli::replay::run(crate::cli::replay::ReplayArgs {
            log: log.clone(),
            spark: args.spark,
            options: args.workload.log_options,
            out: args.out,
            report: args.report,
        });
    }
    let (workload, mut warnings) = load_workload(&args.workload, args.spark.seed)?;
    let (conf, conf_warnings) = build_conf(&args.spark, &workload)?;
    warnings.extend(conf_warnings);
    let started = std::time::Instant::now();
    let result = simulate(conf, &workload, args.spark.seed)?;
    let elapsed = started.elapsed().as_secs_f64();
    warnings.extend(result.prepared_warnings.iter().cloned());
    let info = run_info(&result.conf, &workload, args.spark.seed);
    println!("{}", header(&info, &result.output));
    println!("{}", pool_table(&per_pool(&result.output.jobs)));
    print!(
        "{}",
        reports::speculation_table(&reports::speculation_by_pool(&result.output))
    );
    print_failures(&result.output);
    if let Some(dir) = &args.out {
        write_outputs(dir, &result.output, &info)?;
    }
    if let Some(dir) = &args.report {
        write_html_report(
            dir,
            &[(info.scheduler_mode.as_str(), &result.output, &info)],
        )?;
    }
    warnings.extend(result.output.warnings.iter().cloned());
    print_warnings(&warnings);
    eprintln!("{}", throughput(&result.output, elapsed));
    Ok(ExitCode::SUCCESS)
}

/// What `summary.json` says about the configuration.
pub fn run_info(conf: &SparkConf, workload: &Workload, seed: u64) -> RunInfo {
    let conf_overrides = conf
        .entries()
        .filter(|(_, e)| {
            matches!(
                e.source,
                ConfSource::CommandLine | ConfSource::PropertiesFile { .. }
            )
        })
        .map(|(k, e)| (k.to_string(), e.value.clone()))
        .collect();
    RunInfo {
        workload: Some(workload.name.clone()),
        master: conf.master().unwrap_or_default().to_string(),
        scheduler_mode: conf
            .scheduler_mode()
            .map(|m| m.to_string())
            .unwrap_or_default(),
        spark_version: conf.version().ok().map(|v| v.as_str().to_string()),
        seed: Some(seed),
        conf_overrides,
    }
}

/// One line naming what ran.
pub fn header(info: &RunInfo, out: &SimOutput) -> String {
    format!(
        "{} on {} ({} executors, {} slots), spark.scheduler.mode={}, Spark {} defaults, seed {}",
        info.workload.as_deref().unwrap_or("workload"),
        info.master,
        out.executors.len(),
        out.slots,
        info.scheduler_mode,
        info.spark_version.as_deref().unwrap_or("3.5"),
        info.seed.unwrap_or(0)
    )
}

/// Wall-clock speed of the simulation (stderr only: it is not deterministic).
fn throughput(out: &SimOutput, secs: f64) -> String {
    let attempts = out.tasks.len() as f64;
    format!(
        "simulated {} task attempts, {} events, {} offer rounds in {secs:.2} s ({:.2} M task attempts/s)",
        out.tasks.len(),
        out.stats.events,
        out.stats.offer_rounds,
        attempts / secs.max(1e-9) / 1e6
    )
}

/// Failed and never-run jobs, named.
pub fn print_failures(out: &SimOutput) {
    for job in out.jobs.iter().filter(|j| j.status != JobStatus::Succeeded) {
        let why = job.failure.as_deref().unwrap_or("did not finish");
        println!(
            "job {} ({}) {}: {why}",
            job.name,
            job.pool,
            job.status.as_str()
        );
    }
}

/// Writes the HTML report and says where.
pub fn write_html_report(dir: &Path, runs: &[(&str, &SimOutput, &RunInfo)]) -> Result<PathBuf> {
    let files = reports::write_report(dir, runs)
        .map_err(|e| anyhow::anyhow!("cannot write the report into {}: {e}", dir.display()))?;
    println!("report: {}", files.html.display());
    Ok(files.html)
}

/// Writes the run's files and says where.
pub fn write_outputs(dir: &Path, out: &SimOutput, info: &RunInfo) -> Result<()> {
    let paths = write_run_outputs(dir, out, info)?;
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    println!("wrote {}", list.join(", "));
    Ok(())
}
