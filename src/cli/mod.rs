//! The command line: Spark's vocabulary (`--master`, `--conf`, `--properties-file`,
//! `--allocation-file`), one module per subcommand. Errors are printed with their causes
//! and exit with status 2 for bad input, 1 for other failures.

mod capacity;
mod common;
mod compare;
mod demo;
mod generate;
mod inspect;
mod pools;
mod replay;
mod report;
mod run;
mod sweep;
mod sweep_merge;
mod tune;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Simulate Apache Spark's scheduling (FIFO/FAIR pools, speculation, dynamic allocation)
/// and compare scheduling policies offline.
#[derive(Parser, Debug)]
#[command(name = "sparksim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a workload under one configuration; print the per-pool table.
    Run(run::RunArgs),
    /// Simulate a workload under several scheduler modes (default FIFO,FAIR) side by side.
    Compare(compare::CompareArgs),
    /// The built-in example: a long batch job and short interactive jobs, FIFO vs FAIR.
    Demo(demo::DemoArgs),
    /// Print the effective pool tree Spark builds from a fairscheduler.xml.
    Pools(pools::PoolsArgs),
    /// Draw a workload from a synthetic TOML spec and write it as a scenario file.
    Generate(generate::GenerateArgs),
    /// Summarise a Spark event log: application, pools, jobs, executors, warnings.
    Inspect(inspect::InspectArgs),
    /// Re-simulate a Spark event log's workload under its configuration plus overrides.
    Replay(replay::ReplayArgs),
    /// Replay a log under its recorded configuration and compare with what really happened.
    Validate(validate::ValidateArgs),
    /// Build the HTML report (charts) from a run's saved outputs.
    Report(report::ReportArgs),
    /// Run a workload over a grid (or random sample) of --param values, several seeds each, on
    /// all cores: runs.csv, points.csv (mean and 95% CI), heatmap and Pareto front.
    Sweep(sweep::SweepArgs),
    /// Find the best values of --param for --minimize/--maximize under --subject-to; write
    /// fairscheduler.xml and spark-defaults.conf.
    Tune(tune::TuneArgs),
    /// Turnaround per pool and executor-hours against the cluster size; the smallest size
    /// meeting --target.
    Capacity(capacity::CapacityArgs),
    /// Join the shards of a sweep (sweep --shard K/N) into the unsharded files.
    SweepMerge(sweep_merge::SweepMergeArgs),
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Pools(args) => pools::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Report(args) => report::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Tune(args) => tune::run(args),
        Command::Capacity(args) => capacity::run(args),
        Command::SweepMerge(args) => sweep_merge::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_message(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, skipping a cause whose text the message already contains (many
/// library errors spell out their source themselves).
fn error_message(e: &anyhow::Error) -> String {
    let mut message = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}
