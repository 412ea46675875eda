//! What `run`, `compare` and `demo` share: Spark's flags, loading a workload, building the
//! configuration with Spark's precedence, and running one simulation.
//!
//! Precedence, lowest first: Spark's defaults, the workload file, `--properties-file`, then
//! `--conf`, `--master` and `--allocation-file`.

use anyhow::{Context, Result};
use policies::conf::{ConfSource, SparkConf};
use sim::records::SimOutput;
use sim::setup::{Prepared, apply_workload_conf, prepare};
use sim::simulation::Simulation;
use std::path::PathBuf;
use workloads::model::Workload;

/// Spark's configuration flags, as `spark-submit` spells them.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SparkArgs {
    /// The master URL: local[N], local[N,F], local-cluster[W,C,M], spark://HOST:PORT (workers
    /// from the workload or sparksim.cluster.*), yarn, k8s://…
    #[arg(long)]
    pub master: Option<String>,
    /// A Spark (or sparksim.*) setting, KEY=VALUE; repeatable.
    #[arg(long = "conf", value_name = "KEY=VALUE")]
    pub conf: Vec<String>,
    /// A spark-defaults.conf style file.
    #[arg(long, value_name = "FILE")]
    pub properties_file: Option<PathBuf>,
    /// A fairscheduler.xml (sets spark.scheduler.allocation.file).
    #[arg(long, value_name = "FILE")]
    pub allocation_file: Option<String>,
    /// Seed of every random choice (offer shuffling, synthetic workloads).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Where the workload comes from.
#[derive(clap::Args, Debug, Clone)]
pub struct WorkloadArgs {
    /// A scenario file (JSON).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present_any = ["synthetic", "log"],
        conflicts_with_all = ["synthetic", "log"]
    )]
    pub workload: Option<PathBuf>,
    /// A synthetic workload spec (TOML), drawn with --seed.
    #[arg(long, value_name = "SPEC.toml", conflicts_with = "log")]
    pub synthetic: Option<PathBuf>,
    /// A Spark event log (file or rolling eventlog_v2_* directory), replayed under its recorded
    /// configuration plus the flags, as `sparksim replay` does.
    #[arg(long, value_name = "LOG")]
    pub log: Option<PathBuf>,
    #[command(flatten)]
    pub log_options: crate::cli::replay::LogOptions,
}

/// Loads the workload; returns it with the loader's warnings.
pub fn load_workload(args: &WorkloadArgs, seed: u64) -> Result<(Workload, Vec<String>)> {
    if let Some(path) = &args.workload {
        let loaded = workloads::scenario::load_scenario(path)?;
        let warnings = loaded.warnings.iter().map(|w| w.to_string()).collect();
        return Ok((loaded.workload, warnings));
    }
    let path = args
        .synthetic
        .as_ref()
        .context("give --workload FILE or --synthetic SPEC.toml")?;
    let spec = workloads::synthetic::load_synthetic_spec(path)?;
    Ok((workloads::synthetic::generate(&spec, seed), Vec::new()))
}

/// The effective configuration: the user's settings over the workload's.
pub fn build_conf(args: &SparkArgs, workload: &Workload) -> Result<(SparkConf, Vec<String>)> {
    let mut conf = SparkConf::new();
    let mut warnings = Vec::new();
    if let Some(path) = &args.properties_file {
        warnings.extend(
            conf.load_properties_file(path)?
                .iter()
                .map(|w| w.to_string()),
        );
    }
    for arg in &args.conf {
        conf.set_conf_arg(arg)?;
    }
    if let Some(master) = &args.master {
        conf.set("spark.master", master.clone(), ConfSource::CommandLine);
    }
    if let Some(file) = &args.allocation_file {
        conf.set(
            "spark.scheduler.allocation.file",
            file.clone(),
            ConfSource::CommandLine,
        );
    }
    apply_workload_conf(&mut conf, workload);
    Ok((conf, warnings))
}

/// One simulation and what the user should be told about its setup.
pub struct RunResult {
    pub output: SimOutput,
    pub prepared_warnings: Vec<String>,
    pub conf: SparkConf,
}

/// Validates the configuration and runs the simulation.
pub fn simulate(conf: SparkConf, workload: &Workload, seed: u64) -> Result<RunResult> {
    let Prepared {
        setup, warnings, ..
    } = prepare(&conf, workload, seed)?;
    let output = Simulation::new(workload, setup).run();
    Ok(RunResult {
        output,
        prepared_warnings: warnings,
        conf,
    })
}

/// Prints warnings to stderr, one per line.
pub fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}
