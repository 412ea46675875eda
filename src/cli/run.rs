//! `sparksim run`: one workload under one configuration — the per-pool table on stdout and,
//! with `--out DIR`, `jobs.csv`, `tasks.csv`, `executors.csv` and `summary.json`.
//!
//! With dynamic allocation, or several applications sharing the cluster (a workload with an
//! `applications` list), it also prints each application's results (its per-pool table, the
//! time its jobs waited for executors, its executor-seconds and idle executor-seconds) and the
//! executor timeline: registered executors per application (and dynamic allocation's target)
//! at every change.

use crate::cli::common::{
    SparkArgs, WorkloadArgs, build_conf, load_workload, print_warnings, simulate,
};
use anyhow::Result;
use policies::conf::{ConfSource, SparkConf};
use reports::outputs::{AppSummary, application_summaries};
use reports::table::secs;
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
    if workload.is_multi_application() {
        return run_applications(&args, &workload, warnings);
    }
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
    if result.output.dynamic_allocation() {
        print!(
            "{}",
            applications_text(&result.output).trim_start_matches('\n')
        );
        print!("{}", executor_timeline_text(&result.output, TIMELINE_ROWS));
    }
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

/// Rows of the executor timeline printed before it is cut short.
const TIMELINE_ROWS: usize = 40;

/// `run` on a workload of several applications sharing one cluster.
fn run_applications(
    args: &RunArgs,
    workload: &Workload,
    mut warnings: Vec<String>,
) -> Result<ExitCode> {
    // The user's settings only: each application's own and the workload's go beneath them.
    let (base, conf_warnings) = build_conf(&args.spark, &Workload::default())?;
    warnings.extend(conf_warnings);
    let started = std::time::Instant::now();
    let prepared = sim::applications::prepare_applications(&base, workload, args.spark.seed)?;
    let output = prepared.run();
    let elapsed = started.elapsed().as_secs_f64();
    warnings.extend(prepared.warnings.iter().cloned());
    let first = prepared
        .confs
        .first()
        .map_or_else(|| base.clone(), Clone::clone);
    let mut info = run_info(&first, workload, args.spark.seed);
    let mut modes: Vec<String> = output
        .applications
        .iter()
        .map(|a| a.scheduler_mode.clone())
        .collect();
    modes.dedup();
    info.scheduler_mode = modes.join("/");
    let cores: u32 = prepared
        .setups
        .first()
        .map_or(0, |s| match &s.lifecycle.manager {
            sim::executors::ManagerPlan::Standalone { workers, .. }
            | sim::executors::ManagerPlan::ResourceManager { workers, .. } => {
                workers.iter().map(|w| w.cores).sum()
            }
            sim::executors::ManagerPlan::Fixed => 0,
        });
    println!(
        "{} on {}: {} applications sharing {} cores, Spark {} defaults, seed {}",
        workload.name,
        info.master,
        output.applications.len(),
        cores,
        info.spark_version.as_deref().unwrap_or("3.5"),
        args.spark.seed
    );
    println!("\nall applications:");
    print!("{}", pool_table(&per_pool(&output.jobs)));
    print!("{}", applications_text(&output));
    print!("{}", executor_timeline_text(&output, TIMELINE_ROWS));
    print_failures(&output);
    if let Some(dir) = &args.out {
        write_outputs(dir, &output, &info)?;
    }
    if let Some(dir) = &args.report {
        write_html_report(dir, &[(info.scheduler_mode.as_str(), &output, &info)])?;
    }
    warnings.extend(output.warnings.iter().cloned());
    print_warnings(&warnings);
    eprintln!("{}", throughput(&output, elapsed));
    Ok(ExitCode::SUCCESS)
}

/// Each application: its pools, the time its jobs waited for executors and its executor
/// usage, then the cluster's.
pub fn applications_text(out: &SimOutput) -> String {
    let mut text = String::new();
    let summaries = application_summaries(out);
    for (a, s) in summaries.iter().enumerate() {
        text.push_str(&format!("\n{}\n", app_line(s)));
        if out.applications.len() > 1 {
            let view = out.application_view(a as u32);
            text.push_str(&pool_table(&per_pool(&view.jobs)));
        }
    }
    let all = out.executor_usage(None);
    text.push_str(&format!(
        "\ncluster: {} executors over the run, {} executor-s, {} idle ({}), peak {} at once\n",
        all.executors,
        secs(Some(all.executor_ms)),
        secs(Some(all.idle_executor_ms)),
        percent(all.idle_executor_ms, all.executor_ms),
        all.peak_executors
    ));
    text
}

fn app_line(s: &AppSummary) -> String {
    let u = &s.executor_usage;
    format!(
        "application {} (submitted at {} s{}, {}, dynamic allocation {}): {}/{} jobs succeeded, makespan {} s; \
         waited for executors {} s; {} executors, {} executor-s, {} idle ({}), peak {}",
        s.app_id,
        secs(Some(s.submit_ms)),
        s.end_ms.map_or(String::new(), |e| format!(
            ", stopped at {} s",
            secs(Some(e))
        )),
        s.scheduler_mode,
        if s.dynamic_allocation { "on" } else { "off" },
        s.succeeded,
        s.jobs,
        secs(s.makespan_ms),
        secs(Some(s.executor_wait_ms)),
        u.executors,
        secs(Some(u.executor_ms)),
        secs(Some(u.idle_executor_ms)),
        percent(u.idle_executor_ms, u.executor_ms),
        u.peak_executors
    )
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".to_string()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The executor timeline: registered executors per application at every change (with the
/// target, `registered/target`, for applications under dynamic allocation); at most `rows`
/// rows, then how many were left out.
pub fn executor_timeline_text(out: &SimOutput, rows: usize) -> String {
    let steps = out.executor_timeline();
    let apps: Vec<&str> = if out.applications.is_empty() {
        vec!["executors"]
    } else {
        out.applications.iter().map(|a| a.app_id.as_str()).collect()
    };
    let target_at = |a: usize, t: u64| -> Option<u32> {
        let rec = out.applications.get(a)?;
        if !rec.dynamic_allocation {
            return None;
        }
        rec.executor_target
            .iter()
            .take_while(|p| p.0 <= t)
            .last()
            .map(|p| p.1)
    };
    // Changes of the registered counts or of a target.
    let mut times: Vec<u64> = steps.iter().map(|s| s.0).collect();
    for rec in &out.applications {
        if rec.dynamic_allocation {
            times.extend(rec.executor_target.iter().map(|p| p.0));
        }
    }
    times.sort_unstable();
    times.dedup();
    let registered_at = |t: u64| -> Vec<u32> {
        steps
            .iter()
            .take_while(|s| s.0 <= t)
            .last()
            .map_or_else(|| vec![0; apps.len()], |s| s.1.clone())
    };
    let mut lines: Vec<(u64, Vec<String>)> = Vec::new();
    for t in times {
        let regs = registered_at(t);
        let cells: Vec<String> = (0..apps.len())
            .map(|a| {
                let r = regs.get(a).copied().unwrap_or(0);
                match target_at(a, t) {
                    Some(target) => format!("{r}/{target}"),
                    None => r.to_string(),
                }
            })
            .collect();
        if lines.last().is_none_or(|l| l.1 != cells) {
            lines.push((t, cells));
        }
    }
    let dynamic = out.applications.iter().any(|a| a.dynamic_allocation);
    let mut text = format!(
        "\nexecutor timeline (registered executors{}):\n",
        if dynamic {
            "; registered/target under dynamic allocation"
        } else {
            ""
        }
    );
    let width: Vec<usize> = apps.iter().map(|a| a.len().max(7)).collect();
    text.push_str(&format!("{:>10}", "time (s)"));
    for (a, w) in apps.iter().zip(&width) {
        text.push_str(&format!("  {a:>w$}"));
    }
    text.push('\n');
    let total = lines.len();
    for (t, cells) in lines.iter().take(rows) {
        text.push_str(&format!("{:>10}", secs(Some(*t))));
        for (c, w) in cells.iter().zip(&width) {
            text.push_str(&format!("  {c:>w$}"));
        }
        text.push('\n');
    }
    if total > rows {
        text.push_str(&format!(
            "… {} more changes (executors.csv has every executor)\n",
            total - rows
        ));
    }
    text
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
    let executors = if out.dynamic_allocation() {
        format!(
            "dynamic allocation: {} executors over the run, {} slots at the start",
            out.executors.len(),
            out.slots
        )
    } else {
        format!("{} executors, {} slots", out.executors.len(), out.slots)
    };
    format!(
        "{} on {} ({executors}), spark.scheduler.mode={}, Spark {} defaults, seed {}",
        info.workload.as_deref().unwrap_or("workload"),
        info.master,
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
