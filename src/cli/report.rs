//! `sparksim report`: rebuild the HTML report (and the charts as SVG and PNG) from a run's
//! saved outputs: a run directory (`run --out`) or a compare directory (`compare --out`, every
//! run side by side).

use anyhow::{Context, Result};
use reports::{ReportOptions, ReportRun, read_runs, write_report_runs};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// A run directory (jobs.csv, tasks.csv, summary.json, executors.csv) or a compare
    /// directory (comparison.json and one run directory per configuration).
    #[arg(value_name = "RUN_DIR")]
    pub run_dir: PathBuf,
    /// Write report.html and the charts into DIR [default: RUN_DIR/report].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the charts as SVG only (no PNG copies).
    #[arg(long)]
    pub no_png: bool,
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let saved = read_runs(&args.run_dir)?;
    let runs: Vec<ReportRun> = saved
        .iter()
        .map(|s| ReportRun {
            executor_lifetimes: s.executor_lifetimes,
            ..ReportRun::new(&s.label, &s.output, &s.info)
        })
        .collect();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.run_dir.join("report"));
    let opts = ReportOptions {
        png: !args.no_png,
        ..ReportOptions::default()
    };
    let files = write_report_runs(&out, &runs, &opts)
        .with_context(|| format!("cannot write the report into {}", out.display()))?;
    let labels: Vec<&str> = runs.iter().map(|r| r.label).collect();
    println!(
        "wrote {} ({} {}: {}; {} charts as SVG{})",
        files.html.display(),
        runs.len(),
        if runs.len() == 1 { "run" } else { "runs" },
        labels.join(", "),
        files.svg.len(),
        if files.png.is_empty() { "" } else { " and PNG" }
    );
    Ok(ExitCode::SUCCESS)
}
