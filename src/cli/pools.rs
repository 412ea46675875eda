//! `sparksim pools`: the pool tree Spark's `FairSchedulableBuilder` would build, with where
//! every value came from and the traps Spark stays silent about.
//!
//! Spark's rules (spec §2.4, §4): the root's mode is `spark.scheduler.mode` (default FIFO;
//! upper-cased, not trimmed; anything but FIFO/FAIR fails start-up). In FIFO mode Spark
//! builds no pools and ignores both the allocation file and `spark.scheduler.pool`; this
//! command then says so and lists what the file *would* build in FAIR mode. In FAIR mode the
//! root's children are the file's pools in document order, then `default` unless the file
//! defines it, then pools created on demand for names jobs use (`--job-pool`).
//!
//! Output:
//! * `--format text` (default): a header line (mode, file, Spark-version preset), the pool
//!   table in Spark's child order (`pool  mode  weight  minShare  source`), then a
//!   `warnings:` section — all on **stdout**, so the report reads (and pipes) as one piece.
//! * `--format json`: only the JSON array `[{"name","mode","weight","minShare"}, …]` of the
//!   *effective* tree on **stdout** (`[]` in FIFO mode, where Spark has no pools); warnings go
//!   to **stderr**, one `warning: …` line each, so stdout stays valid JSON.
//!
//! Exit status: 0 when the pools could be built (warnings included), 2 for bad input (an
//! invalid flag or `--conf`, an unreadable or malformed file, an unknown scheduler mode).
//!
//! This module decides nothing about pools itself: parsing and Spark's rules live in
//! `policies::fair_schedulable_builder` and `policies::conf`; here they are only combined
//! and rendered.

mod render;

use std::io::{ErrorKind, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use policies::conf::{ConfSource, ConfWarning, ConfWarningKind, SPARKSIM_VERSION_KEY, SparkConf};
use policies::fair_schedulable_builder::{
    AllocationSource, BuiltPools, DEFAULT_POOL_NAME, PoolOrigin, PoolSpec, PoolWarningKind,
    ValueOrigin, build_pools, pool_for_unknown_name,
};
use policies::scheduling_mode::SchedulingMode;
use policies::spark_version::SparkVersion;

const SCHEDULER_MODE_KEY: &str = "spark.scheduler.mode";
const ALLOCATION_FILE_KEY: &str = "spark.scheduler.allocation.file";

/// Print the effective pool tree Spark builds from a fairscheduler.xml.
///
/// Text output (default) goes to stdout, warnings included. With `--format json`, stdout
/// holds only a JSON array of {"name","mode","weight","minShare"} in Spark's child order and
/// warnings go to stderr. Exit status: 0 ok, 2 bad input.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Output: text (default) prints a header, the pool table in Spark's child order and a \
`warnings:` section, all on stdout. --format json prints only the JSON array on stdout \
([] in FIFO mode, where Spark builds no pools) and the warnings on stderr.
Exit status: 0 when the pools could be built (even with warnings), 2 for bad input.")]
pub struct PoolsArgs {
    /// The allocation file (a path, a file: URL or an http:// URL); the same as
    /// `--conf spark.scheduler.allocation.file=FILE`. Without it, Spark's rule for FAIR
    /// mode without a file is shown.
    #[arg(long, value_name = "FILE")]
    allocation_file: Option<String>,

    /// A Spark setting, `key=value` (repeatable); wins over `--properties-file`. The mode
    /// comes from `spark.scheduler.mode` (default FIFO, as in Spark).
    #[arg(long = "conf", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    conf: Vec<String>,

    /// A `spark-defaults.conf`-style file of Spark settings.
    #[arg(long, value_name = "FILE")]
    properties_file: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// A pool name jobs will set in `spark.scheduler.pool` (repeatable); names missing from
    /// the file are reported, and shown as the pools Spark would create for them.
    #[arg(long = "job-pool", value_name = "NAME", allow_hyphen_values = true)]
    job_pools: Vec<String>,

    /// The Spark version whose rules apply: 3.3, 3.4, 3.5 or 4.0 (sets
    /// `sparksim.spark.version`; default 3.5).
    #[arg(long, value_name = "VERSION")]
    spark_version: Option<String>,
}

/// `--format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// A table and warnings, for people.
    Text,
    /// A JSON array of pools on stdout, warnings on stderr.
    Json,
}

/// Runs `sparksim pools`.
pub fn run(args: PoolsArgs) -> anyhow::Result<ExitCode> {
    let setup = Setup::from_args(&args)?;
    let report = Report::build(setup, &args.job_pools)?;
    match args.format {
        Format::Text => emit(&render::text(&report), ""),
        Format::Json => emit(&render::json(&report)?, &render::stderr_warnings(&report)),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the outputs; a closed stdout (`| head`) is not an error.
fn emit(stdout: &str, stderr: &str) -> anyhow::Result<()> {
    if !stderr.is_empty() {
        // Warnings are advice: failing to print them must not fail the command.
        let _ = std::io::stderr().lock().write_all(stderr.as_bytes());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(stdout.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e).context("cannot write to stdout"),
        _ => Ok(()),
    }
}

/// Where a setting came from, for the header.
fn origin_text(source: Option<&ConfSource>, flag: &str) -> String {
    match source {
        None => "default".to_string(),
        Some(ConfSource::CommandLine) => flag.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The configuration, read and checked.
struct Setup {
    mode: SchedulingMode,
    mode_origin: String,
    version: SparkVersion,
    version_origin: String,
    /// The allocation file as given (path or URL) and where it was named.
    allocation: Option<(String, String)>,
    warnings: Vec<String>,
}

impl Setup {
    fn from_args(args: &PoolsArgs) -> anyhow::Result<Setup> {
        let mut warnings = Vec::new();
        let mut conf = SparkConf::new();
        for arg in &args.conf {
            conf.set_conf_arg(arg)?;
        }
        let mut version_flag = false;
        if let Some(text) = &args.spark_version {
            let version = SparkVersion::parse(text).context("--spark-version")?;
            if let Some(prev) = conf.entry(SPARKSIM_VERSION_KEY)
                && SparkVersion::parse(&prev.value).ok() != Some(version)
            {
                warnings.push(format!(
                    "--spark-version {text} overrides {SPARKSIM_VERSION_KEY}={:?} (from {})",
                    prev.value, prev.source
                ));
            }
            conf.set(
                SPARKSIM_VERSION_KEY,
                version.as_str(),
                ConfSource::CommandLine,
            );
            version_flag = true;
        }
        if let Some(path) = &args.properties_file {
            let file_warnings = conf.load_properties_file(path)?;
            warnings.extend(file_warnings.iter().map(ToString::to_string));
        }

        let mode = conf.scheduler_mode()?;
        let version = conf.version()?;
        let mode_origin = origin_text(conf.entry(SCHEDULER_MODE_KEY).map(|e| &e.source), "--conf");
        let version_origin = match conf.entry(SPARKSIM_VERSION_KEY) {
            Some(_) if version_flag => "--spark-version".to_string(),
            entry => origin_text(entry.map(|e| &e.source), "--conf"),
        };

        match conf.validate(&[]) {
            Ok(found) => warnings.extend(
                found
                    .iter()
                    .filter(|w| relevant_conf_warning(w))
                    .map(ToString::to_string),
            ),
            Err(e) => warnings.push(format!(
                "the configuration has a problem unrelated to pools that would make Spark fail \
                 at start-up: {e}"
            )),
        }

        let allocation = allocation_file(args, &conf, &mut warnings)?;
        Ok(Setup {
            mode,
            mode_origin,
            version,
            version_origin,
            allocation,
            warnings,
        })
    }
}

/// The allocation file: `--allocation-file`, else `spark.scheduler.allocation.file`.
fn allocation_file(
    args: &PoolsArgs,
    conf: &SparkConf,
    warnings: &mut Vec<String>,
) -> anyhow::Result<Option<(String, String)>> {
    let from_conf = conf.entry(ALLOCATION_FILE_KEY);
    let chosen = match (&args.allocation_file, from_conf) {
        (Some(flag), Some(entry)) => {
            if entry.value != *flag {
                warnings.push(format!(
                    "--allocation-file {flag} overrides {ALLOCATION_FILE_KEY}={:?} (from {})",
                    entry.value, entry.source
                ));
            }
            Some((flag.clone(), "--allocation-file".to_string()))
        }
        (Some(flag), None) => Some((flag.clone(), "--allocation-file".to_string())),
        (None, Some(entry)) => Some((
            entry.value.clone(),
            format!("{ALLOCATION_FILE_KEY} from {}", entry.source),
        )),
        (None, None) => None,
    };
    if let Some((file, origin)) = &chosen
        && file.is_empty()
    {
        anyhow::bail!("{origin}: the allocation file name is empty");
    }
    Ok(chosen)
}

/// Configuration warnings worth showing next to pools: the scheduler's own keys, and keys
/// that look like misspellings of them (a typo in `spark.scheduler.mode` silently means
/// FIFO). Warnings about unrelated keys are left to the commands that use those keys.
fn relevant_conf_warning(w: &ConfWarning) -> bool {
    let scheduler = |key: &str| key.starts_with("spark.scheduler.") || key == SPARKSIM_VERSION_KEY;
    let suggestion = match &w.kind {
        ConfWarningKind::UnknownKey { suggestion }
        | ConfWarningKind::NotSparkKey { suggestion }
        | ConfWarningKind::UnknownSimKey { suggestion } => suggestion.as_deref(),
        ConfWarningKind::ByteOrderMark { without_bom } => Some(without_bom.as_str()),
        ConfWarningKind::InvalidUtf8 { .. } => return true,
        _ => None,
    };
    scheduler(&w.key) || suggestion.is_some_and(scheduler)
}

/// Everything the renderers print.
struct Report {
    mode: SchedulingMode,
    mode_origin: String,
    version: SparkVersion,
    version_origin: String,
    /// The allocation file as given, and where it was named.
    file: Option<(String, String)>,
    /// FAIR: the root's children in Spark's order. FIFO: what the file would build in FAIR
    /// mode (Spark builds nothing).
    pools: Vec<PoolSpec>,
    warnings: Vec<String>,
}

impl Report {
    fn pools_active(&self) -> bool {
        self.mode == SchedulingMode::Fair
    }

    fn build(setup: Setup, job_pools: &[String]) -> anyhow::Result<Report> {
        let Setup {
            mode,
            mode_origin,
            version,
            version_origin,
            allocation,
            mut warnings,
        } = setup;
        let source = allocation
            .as_ref()
            .map(|(file, _)| AllocationSource::Configured(file.clone()));
        let pools = match mode {
            SchedulingMode::Fair => {
                let built = build_pools(SchedulingMode::Fair, source, version)
                    .context("cannot build the pools (Spark would fail at start-up)")?;
                warnings.extend(built.warnings.iter().map(ToString::to_string));
                let mut pools = built.pools.clone();
                default_pool_trap(&built, &mut warnings);
                job_pool_traps(&mut pools, job_pools, built.source.is_some(), &mut warnings);
                pools
            }
            SchedulingMode::Fifo => {
                let ignored = build_pools(SchedulingMode::Fifo, source.clone(), version)?;
                warnings.extend(ignored.warnings.iter().map(ToString::to_string));
                let would = match source {
                    Some(source) => {
                        let would = build_pools(SchedulingMode::Fair, Some(source), version)
                            .context(
                                "the allocation file cannot be read (Spark ignores it in FIFO \
                                 mode, but FAIR mode would fail at start-up)",
                            )?;
                        warnings.extend(would.warnings.iter().map(ToString::to_string));
                        would.pools
                    }
                    None => Vec::new(),
                };
                if !job_pools.is_empty() {
                    warnings.push(format!(
                        "spark.scheduler.mode is FIFO, so spark.scheduler.pool is ignored: jobs \
                         naming {} run in one FIFO queue with every other job",
                        names_list(job_pools)
                    ));
                }
                would
            }
        };
        Ok(Report {
            mode,
            mode_origin,
            version,
            version_origin,
            file: allocation,
            pools,
            warnings,
        })
    }
}

/// Jobs that set no pool go to `default`; when Spark made it FIFO behind the user's back,
/// those jobs queue behind each other instead of sharing.
fn default_pool_trap(built: &BuiltPools, warnings: &mut Vec<String>) {
    let Some(default) = built.pool_named(DEFAULT_POOL_NAME) else {
        return;
    };
    let legacy_warned = built
        .warnings
        .iter()
        .any(|w| w.kind == PoolWarningKind::LegacyNoAllocationFile);
    let chosen_in_file = matches!(default.origin, PoolOrigin::AllocationFile { .. })
        && matches!(default.mode_from, ValueOrigin::File { .. });
    if default.mode == SchedulingMode::Fifo && !chosen_in_file && !legacy_warned {
        warnings.push(format!(
            "jobs that set no spark.scheduler.pool go to pool {DEFAULT_POOL_NAME:?}, which is \
             FIFO: inside it their task sets run in job-id order, so one long job holds back \
             every later job in {DEFAULT_POOL_NAME:?} (define <pool name=\"{DEFAULT_POOL_NAME}\"> \
             with <schedulingMode>FAIR</schedulingMode> in the file to share it)"
        ));
    }
}

/// `--job-pool` names: each missing one becomes the FIFO/1/0 pool `addTaskSetManager`
/// appends to the root, in order of first use.
fn job_pool_traps(
    pools: &mut Vec<PoolSpec>,
    job_pools: &[String],
    have_file: bool,
    warnings: &mut Vec<String>,
) {
    for name in job_pools {
        if pools.iter().any(|p| p.name == *name) {
            continue;
        }
        let near = pools
            .iter()
            .find(|p| trim_lower(&p.name) == trim_lower(name))
            .map(|p| {
                format!(
                    " (did you mean {:?}? pool names are case- and whitespace-sensitive)",
                    p.name
                )
            })
            .unwrap_or_default();
        let missing = if have_file {
            "is not in the file"
        } else {
            "is not defined (no allocation file)"
        };
        warnings.push(format!(
            "pool {name:?} {missing}: Spark will create it as FIFO, weight 1, minShare 0{near}"
        ));
        pools.push(pool_for_unknown_name(name));
    }
}

fn trim_lower(name: &str) -> String {
    name.trim().to_lowercase()
}

fn names_list(names: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !seen.contains(&n.as_str()) {
            seen.push(n);
        }
    }
    seen.iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
