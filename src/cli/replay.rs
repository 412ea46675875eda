//! `sparksim replay LOG`: re-simulates an event log's workload under the configuration the log
//! recorded, plus the user's overrides, and reports it like `run` (per-pool table; with
//! `--out DIR`, `jobs.csv`, `tasks.csv` and `summary.json`). Job ids, stage ids and task
//! indices in the outputs are the log's Spark ids and partitions; job names are
//! `spark.job.description`, else `job-<id>`.
//!
//! Configuration, lowest precedence first: Spark's defaults, the log's Spark properties (only
//! keys sparksim models; a value sparksim cannot use is dropped with a warning), the replay's
//! own settings (`sparksim.job.submitLatency=0` and `sparksim.job.chainLatency=0`, since the
//! logged times contain them; with `--durations observed`, the per-task overhead knobs
//! `sparksim.task.launchOverhead`, `concurrentLaunchOverhead`, `clusterLaunchOverhead` and
//! `firstOnExecutorOverhead` are 0 unless set, since observed slot occupancy contains Spark's
//! own overheads — a knob set on the command line is subtracted from the observed durations by
//! the simulator's own formula, so it only moves overhead between duration and model; the
//! log's Spark version), `--properties-file`, then `--conf`, `--master` and
//! `--allocation-file`.
//!
//! * **Pools** (FAIR mode). The log does not contain the allocation file. If the logged
//!   `spark.scheduler.allocation.file` exists here it is used; else a file of the same name in
//!   the log's directory (warned); otherwise the pools the jobs name are created as Spark
//!   creates a pool it does not know (FIFO inside, weight 1, minShare 0), with a warning.
//!   `--allocation-file` overrides all of these.
//! * **Executors.** Local logs run on `local[N]`. Cluster logs run on the logged executors
//!   (ids, hosts, cores) as fixed executors, unless the command line changes the cluster
//!   (`--master`, `spark.executor.instances`/`cores`/`memory`, `spark.cores.max`,
//!   `sparksim.cluster.*`): then Spark's placement for that master builds them.

use crate::cli::common::{SparkArgs, build_conf, print_warnings};
use crate::cli::run::{header, print_failures, run_info, write_html_report, write_outputs};
use anyhow::{Context, Result};
use policies::conf::{ConfError, ConfSource, SparkConf, keys};
use policies::spark_version::SparkVersion;
use reports::{per_pool, pool_table};
use sim::cluster::{ExecutorLayout, ExecutorSpec, Master};
use sim::records::SimOutput;
use sim::setup::{build_setup, knobs, resolve_pools, scheduler_settings, sim_keys};
use sim::simulation::{SimSetup, Simulation};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use workloads::eventlog::{LoggedApplication, ReadStats};
use workloads::model::Workload;
use workloads::replay::{
    Arrivals, ChainRules, DEFAULT_CHAIN_MAX_GAP_MS, DurationModel, IdMap, LaunchOverhead,
    LogReplay, ReplayOptions, read_replay,
};

/// `--arrivals`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrivalsArg {
    /// Every job at its logged submission time.
    Open,
    /// A job inferred to follow another (same thread back to back, same SQL execution, or
    /// submitted into an idle application) waits for its predecessor's simulated end plus the
    /// observed gap.
    Chained,
}

/// `--durations`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationsArg {
    /// Slot occupancy (the earlier of Finish and the next launch on the slot, minus Launch);
    /// the simulator's per-task overhead knobs are 0 unless set, and then subtracted.
    Observed,
    /// Executor Deserialize + Run + Result Serialization + getting-result time; the
    /// simulator adds its launch overhead.
    Metrics,
}

/// How a log becomes a workload (shared by `replay` and `validate`).
#[derive(clap::Args, Debug, Clone)]
pub struct LogOptions {
    /// How jobs arrive: `chained` (a job inferred to follow another — same thread back to back,
    /// same SQL execution, or submitted while the application was idle — waits for its
    /// predecessor's simulated end plus the observed gap) or `open` (logged times).
    #[arg(long, value_enum, default_value_t = ArrivalsArg::Chained)]
    pub arrivals: ArrivalsArg,
    /// Task duration model: `observed` (slot occupancy as logged) or `metrics` (executor
    /// deserialize + run + result serialization time, plus the simulator's overheads).
    #[arg(long, value_enum, default_value_t = DurationsArg::Observed)]
    pub durations: DurationsArg,
    /// Chain a job after a same-pool, same-job-group job that ended at most this many ms
    /// before it was submitted (jobs of one SQL execution chain at any gap).
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_CHAIN_MAX_GAP_MS)]
    pub chain_max_gap_ms: u64,
    /// Do not chain a job submitted while no job at all was running (by default it follows
    /// the last job of its pool and job group by the observed gap, whatever its length).
    #[arg(long)]
    pub no_idle_chains: bool,
    /// The driver's latencies (JobStart to first launch, parent stage to child stage, last
    /// task to JobEnd): `log` measures them on the log (lower quartiles) and sets the
    /// sparksim.dag.* knobs; `defaults` keeps the knobs' defaults.
    #[arg(long, value_enum, default_value_t = LatenciesArg::Log)]
    pub latencies: LatenciesArg,
}

/// `--latencies`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LatenciesArg {
    /// Measured on the log.
    Log,
    /// The knobs' defaults (calibrated on local-mode PySpark runs).
    Defaults,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            arrivals: ArrivalsArg::Chained,
            durations: DurationsArg::Observed,
            chain_max_gap_ms: DEFAULT_CHAIN_MAX_GAP_MS,
            no_idle_chains: false,
            latencies: LatenciesArg::Log,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    /// The event log: a file (plain, .zstd, .lz4, .snappy, .gz; .inprogress allowed) or a
    /// rolling eventlog_v2_* directory.
    #[arg(value_name = "LOG")]
    pub log: PathBuf,
    #[command(flatten)]
    pub spark: SparkArgs,
    #[command(flatten)]
    pub options: LogOptions,
    /// Write jobs.csv, tasks.csv and summary.json into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the HTML report (report.html, *.svg, *.png) into this directory.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}

pub fn run(args: ReplayArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let r = replay_log(&args.log, &args.spark, &args.options)?;
    let elapsed = started.elapsed().as_secs_f64();
    let info = run_info(&r.conf, &r.log.replay.workload, args.spark.seed);
    println!("{}", header(&info, &r.output));
    println!(
        "replayed {} jobs, {} tasks from {} ({} arrivals, {} chains, {} durations)",
        r.log.replay.workload.jobs.len(),
        r.log.replay.workload.total_tasks(),
        args.log.display(),
        r.log.replay.options.arrivals.as_str(),
        r.log.replay.chains.len(),
        r.log.replay.options.durations.as_str(),
    );
    println!("{}", pool_table(&per_pool(&r.output.jobs)));
    print_failures(&r.output);
    if let Some(dir) = &args.out {
        write_outputs(dir, &r.output, &info)?;
    }
    if let Some(dir) = &args.report {
        write_html_report(dir, &[(info.scheduler_mode.as_str(), &r.output, &info)])?;
    }
    print_warnings(&r.warnings);
    eprintln!(
        "simulated {} task attempts in {elapsed:.2} s",
        r.output.tasks.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// A log read and turned into a workload.
pub struct LoadedLog {
    pub app: LoggedApplication,
    pub stats: ReadStats,
    pub replay: LogReplay,
}

/// A log replayed.
pub struct Replayed {
    pub log: LoadedLog,
    pub conf: SparkConf,
    /// The run, relabelled with the log's ids.
    pub output: SimOutput,
    /// Everything the user should hear: reader, extraction, configuration and run warnings.
    pub warnings: Vec<String>,
    /// The replay ran on the log's executors (not on a placement for a changed cluster).
    pub logged_executors: bool,
}

/// The replay options `options` asks for. The launch overhead the replay simulates: with
/// `observed` durations, the `sparksim.task.*` overhead knobs the user set and 0 for the others
/// (the log's slot occupancy already contains Spark's launch overhead); with `metrics`, the
/// knobs' values, defaults included (metrics leave the scheduling overhead out).
pub fn replay_options(options: &LogOptions, conf: &SparkConf) -> Result<ReplayOptions> {
    let k = knobs(conf)?;
    let durations = match options.durations {
        DurationsArg::Observed => DurationModel::Observed,
        DurationsArg::Metrics => DurationModel::Metrics,
    };
    let set = |key: &str, value: u64| match durations {
        DurationModel::Metrics => value,
        DurationModel::Observed if conf.contains(key) => value,
        DurationModel::Observed => 0,
    };
    let per_concurrent_ms = set(
        "sparksim.task.concurrentLaunchOverhead",
        k.concurrent_launch_overhead_ms,
    );
    Ok(ReplayOptions {
        arrivals: match options.arrivals {
            ArrivalsArg::Open => Arrivals::Open,
            ArrivalsArg::Chained => Arrivals::Chained,
        },
        durations,
        overhead: LaunchOverhead {
            base_ms: set("sparksim.task.launchOverhead", k.task_launch_overhead_ms),
            per_concurrent_ms,
            // The simulator settles an attempt's end only after the window; without a
            // concurrency overhead a window would only stretch attempts shorter than it.
            window_ms: if per_concurrent_ms == 0 {
                0
            } else {
                k.concurrent_launch_window_ms
            },
            cluster_ms: set(
                "sparksim.task.clusterLaunchOverhead",
                k.cluster_launch_overhead_ms,
            ),
            first_on_executor_ms: set(
                "sparksim.task.firstOnExecutorOverhead",
                k.first_on_executor_overhead_ms,
            ),
        },
        chains: ChainRules {
            max_gap_ms: options.chain_max_gap_ms,
            after_idle: !options.no_idle_chains,
        },
        log_latencies: options.latencies == LatenciesArg::Log,
    })
}

/// Reads `path` and builds its replay; the knobs of `spark` set the overhead subtracted.
pub fn load_log(path: &Path, spark: &SparkArgs, options: &LogOptions) -> Result<LoadedLog> {
    let (user_conf, _) = build_conf(spark, &Workload::default())?;
    let options = replay_options(options, &user_conf)?;
    let (app, stats, replay) =
        read_replay(path, &options).with_context(|| format!("cannot replay {}", path.display()))?;
    Ok(LoadedLog { app, stats, replay })
}

/// The reader's and the extraction's warnings, one line each (kinds with counts first).
pub fn log_warnings(log: &LoadedLog) -> Vec<String> {
    let mut lines = Vec::new();
    let stats = &log.stats;
    for (kind, count) in &stats.warning_counts {
        let example = stats
            .warnings
            .iter()
            .find(|w| w.starts_with(kind.as_str()))
            .map_or(String::new(), |w| format!(" (e.g. {w})"));
        lines.push(format!("event log: {kind} x{count}{example}"));
    }
    for line in log.replay.warnings.lines() {
        lines.push(format!("replay: {line}"));
    }
    lines
}

/// Reads, converts, configures and simulates a log.
pub fn replay_log(path: &Path, spark: &SparkArgs, options: &LogOptions) -> Result<Replayed> {
    let mut log = load_log(path, spark, options)?;
    let mut warnings = log_warnings(&log);
    let (conf, conf_warnings) = replay_conf(spark, &mut log.replay, path)?;
    warnings.extend(conf_warnings);
    let fixed = logged_executors(&conf, &log.replay.workload);
    let logged = fixed.is_some();
    let (setup, setup_warnings) = setup(&conf, &log.replay.workload, spark.seed, fixed)?;
    warnings.extend(setup_warnings);
    let job_ids = log
        .replay
        .ids
        .jobs
        .iter()
        .map(|&id| id.max(0) as u64)
        .collect();
    let mut output = Simulation::new(&log.replay.workload, setup)
        .with_job_ids(job_ids)
        .run();
    relabel(&mut output, &log.replay.ids);
    warnings.extend(output.warnings.iter().cloned());
    dedup(&mut warnings);
    Ok(Replayed {
        log,
        conf,
        output,
        warnings,
        logged_executors: logged,
    })
}

fn dedup(lines: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    lines.retain(|l| seen.insert(l.clone()));
}

/// Keys that change the cluster: set on the command line, they replace the logged executors
/// with Spark's placement.
const CLUSTER_KEYS: &[&str] = &[
    "spark.master",
    "spark.executor.instances",
    "spark.executor.cores",
    "spark.executor.memory",
    "spark.cores.max",
    "spark.deploy.spreadOut",
];

fn user_source(source: &ConfSource) -> bool {
    matches!(
        source,
        ConfSource::CommandLine | ConfSource::PropertiesFile { .. }
    )
}

/// A key the simulator reads (Spark keys it models, their old names, `sparksim.*`).
fn modelled(key: &str) -> bool {
    key.starts_with("sparksim.")
        || keys::lookup(key).is_some()
        || keys::lookup_alternative(key).is_some()
}

/// The configuration of a replay: the user's settings over the log's. Adjusts the workload's
/// pools and workers to what the configuration implies.
pub fn replay_conf(
    spark: &SparkArgs,
    replay: &mut LogReplay,
    log: &Path,
) -> Result<(SparkConf, Vec<String>)> {
    let (mut conf, mut warnings) = build_conf(spark, &Workload::default())?;
    let workload = &mut replay.workload;
    let mut logged: Vec<(String, String)> = Vec::new();
    if let Some(mode) = &workload.scheduler_mode {
        logged.push(("spark.scheduler.mode".into(), mode.clone()));
    }
    if let Some(c) = &workload.cluster {
        if let Some(m) = &c.master {
            logged.push(("spark.master".into(), m.clone()));
        }
        if let Some(n) = c.task_cpus {
            logged.push(("spark.task.cpus".into(), n.to_string()));
        }
    }
    logged.extend(workload.conf.iter().cloned());
    let mut unmodelled = 0usize;
    for (k, v) in logged {
        if modelled(&k) {
            conf.set_if_missing(k, v, ConfSource::EventLog);
        } else {
            unmodelled += 1;
        }
    }
    if unmodelled > 0 {
        warnings.push(format!(
            "{unmodelled} of the log's Spark properties are not modelled by sparksim and were left out (see `sparksim inspect`)"
        ));
    }
    fix_version(&mut conf, &mut warnings);
    fix_master(&mut conf, &mut warnings);
    allocation_file(&mut conf, replay, log, &mut warnings);
    sanitize(&mut conf, &mut warnings)?;
    let workload = &mut replay.workload;
    if conf.is_local_master().unwrap_or(false)
        && let Some(c) = &mut workload.cluster
    {
        c.workers.clear();
    }
    Ok((conf, warnings))
}

/// The log's Spark version as a preset: as logged, else its `major.minor`, else 3.5.
fn fix_version(conf: &mut SparkConf, warnings: &mut Vec<String>) {
    let key = keys::SPARKSIM_VERSION_KEY;
    let Some(entry) = conf.entry(key).cloned() else {
        return;
    };
    if entry.source != ConfSource::EventLog || SparkVersion::parse(&entry.value).is_ok() {
        return;
    }
    let short: String = entry
        .value
        .split(['.', '-'])
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    if SparkVersion::parse(&short).is_ok() {
        conf.set(key, short, ConfSource::EventLog);
    } else {
        conf.remove(key);
        warnings.push(format!(
            "the log's Spark version {} has no sparksim preset; Spark 3.5 behaviour and defaults are used",
            entry.value
        ));
    }
}

/// A logged master the simulator cannot parse becomes `yarn` (a cluster master; the logged
/// executors are used anyway).
fn fix_master(conf: &mut SparkConf, warnings: &mut Vec<String>) {
    let Some(entry) = conf.entry("spark.master").cloned() else {
        return;
    };
    if entry.source != ConfSource::EventLog || entry.value.parse::<Master>().is_ok() {
        return;
    }
    warnings.push(format!(
        "the log's master {:?} is not one sparksim simulates; replaying as a cluster (yarn) with the logged executors",
        entry.value
    ));
    conf.set("spark.master", "yarn", ConfSource::EventLog);
}

/// A `file:` URL or local path, if it names an existing file here.
pub fn local_file(value: &str) -> Option<PathBuf> {
    let path = if let Some(rest) = value.strip_prefix("file://") {
        rest.strip_prefix("localhost").unwrap_or(rest).to_string()
    } else if let Some(rest) = value.strip_prefix("file:") {
        rest.to_string()
    } else if value.contains("://") {
        return None;
    } else {
        value.to_string()
    };
    let path = PathBuf::from(path);
    path.is_file().then_some(path)
}

/// A file named like the logged allocation file in the log's directory (or, for a rolling
/// log directory, in it or beside it).
pub fn beside_log(log: &Path, logged: &str) -> Option<PathBuf> {
    let name = logged.rsplit('/').next().filter(|n| !n.is_empty())?;
    let mut dirs = Vec::new();
    if log.is_dir() {
        dirs.push(log.to_path_buf());
    }
    dirs.extend(log.parent().map(Path::to_path_buf));
    dirs.into_iter()
        .map(|d| {
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            }
        })
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The allocation file (FAIR mode): the user's; else the logged one if it exists here; else a
/// file of the same name in the log's directory (with a warning); else the jobs' pools with
/// Spark's defaults for unknown pools (with a warning).
fn allocation_file(
    conf: &mut SparkConf,
    replay: &mut LogReplay,
    log: &Path,
    warnings: &mut Vec<String>,
) {
    const KEY: &str = "spark.scheduler.allocation.file";
    if conf.contains(KEY) {
        return;
    }
    let fair = conf
        .scheduler_mode()
        .is_ok_and(|m| m == policies::scheduling_mode::SchedulingMode::Fair);
    let Some(logged) = replay.allocation_file.clone() else {
        return;
    };
    if !fair {
        return;
    }
    if let Some(path) = local_file(&logged) {
        conf.set(KEY, path.display().to_string(), ConfSource::EventLog);
        return;
    }
    if let Some(path) = beside_log(log, &logged) {
        warnings.push(format!(
            "the log's allocation file {logged} is not here; using {} found beside the log",
            path.display()
        ));
        conf.set(KEY, path.display().to_string(), ConfSource::EventLog);
        return;
    }
    let names: Vec<&str> = replay
        .pools_from_jobs
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    warnings.push(format!(
        "the log's allocation file {logged} is not here; pools {} get Spark's defaults for \
         unknown pools (FIFO, weight 1, minShare 0); pass --allocation-file for the real ones",
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
    ));
    replay.workload.pools = replay.pools_from_jobs.clone();
}

/// Drops log values the simulator rejects (each with a warning); a rejected user value is an
/// error.
fn sanitize(conf: &mut SparkConf, warnings: &mut Vec<String>) -> Result<()> {
    for _ in 0..256 {
        let error = match conf.validate(&sim_keys()) {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        let from_log = |conf: &SparkConf, key: &str| {
            conf.entry(key)
                .is_some_and(|e| e.source == ConfSource::EventLog)
        };
        let drop: Vec<String> = match &error {
            ConfError::InvalidValue { key, .. } if from_log(conf, key) => vec![key.clone()],
            ConfError::InvalidSettings { keys, .. } => {
                keys.iter().filter(|k| from_log(conf, k)).cloned().collect()
            }
            _ => Vec::new(),
        };
        if drop.is_empty() {
            return Err(error.into());
        }
        for key in &drop {
            conf.remove(key);
        }
        warnings.push(format!("ignoring the log's {}: {error}", drop.join(", ")));
    }
    anyhow::bail!("the log's configuration could not be made valid")
}

/// The logged executors, when the replay should use them: a cluster log whose cluster the
/// command line did not change.
fn logged_executors(conf: &SparkConf, workload: &Workload) -> Option<Vec<ExecutorSpec>> {
    if conf.is_local_master().unwrap_or(true) {
        return None;
    }
    let changed = conf.entries().any(|(k, e)| {
        user_source(&e.source) && (CLUSTER_KEYS.contains(&k) || k.starts_with("sparksim.cluster."))
    });
    if changed {
        return None;
    }
    let cluster = workload.cluster.as_ref()?;
    if cluster.executors.is_empty() {
        return None;
    }
    Some(
        cluster
            .executors
            .iter()
            .map(|e| ExecutorSpec {
                id: e.id.clone(),
                host: e.host.clone(),
                cores: e.cores,
            })
            .collect(),
    )
}

/// `sim::setup::prepare`, with the executors fixed when `fixed` is given.
fn setup(
    conf: &SparkConf,
    workload: &Workload,
    seed: u64,
    fixed: Option<Vec<ExecutorSpec>>,
) -> Result<(SimSetup, Vec<String>)> {
    let mut warnings: Vec<String> = conf
        .validate(&sim_keys())?
        .iter()
        .map(|w| w.to_string())
        .collect();
    let pools = resolve_pools(conf, workload)?;
    warnings.extend(pools.warnings.iter().map(|w| w.to_string()));
    let defs: Vec<_> = pools
        .pool_defs()
        .map(|(n, m, s, w)| (n.to_string(), m, s, w))
        .collect();
    let Some(executors) = fixed else {
        return Ok((build_setup(conf, workload, defs, seed)?, warnings));
    };
    // Everything but the executors comes from the configuration as usual; the layout is built
    // for a stand-in cluster master with one small executor, then replaced by the logged
    // executors (`executor_layout` does not take a list of executors yet).
    let mut proxy = conf.clone();
    for key in CLUSTER_KEYS {
        proxy.remove(key);
    }
    proxy.set("spark.master", "yarn", ConfSource::Api);
    proxy.set("spark.executor.instances", "1", ConfSource::Api);
    proxy.set("spark.executor.cores", "1", ConfSource::Api);
    let mut setup = build_setup(&proxy, &Workload::default(), defs, seed)?;
    let layout = ExecutorLayout {
        executors,
        is_local: false,
        local_max_failures: None,
    };
    setup.scheduler = scheduler_settings(conf, &layout)?;
    setup.local_mode = false;
    setup.executors = layout.executors;
    Ok((setup, warnings))
}

/// Rewrites a run's ids as the log's: job ids, stage ids and task partitions.
pub fn relabel(out: &mut SimOutput, ids: &IdMap) {
    let mut stage_of: HashMap<u32, (usize, usize)> = HashMap::new();
    for (j, job) in out.jobs.iter().enumerate() {
        for (s, &sid) in job.stage_ids.iter().enumerate() {
            stage_of.insert(sid, (j, s));
        }
    }
    let to_u32 = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
    for t in &mut out.tasks {
        if let Some(&(j, s)) = stage_of.get(&t.stage_id) {
            let partition = ids.partition(j, s, t.task_index as usize);
            t.stage_id = ids.stage_id(j, s).map_or(t.stage_id, to_u32);
            t.task_index = to_u32(partition);
        }
    }
    for (j, job) in out.jobs.iter_mut().enumerate() {
        if job.job_id.is_some()
            && let Some(id) = ids.job_id(j)
        {
            job.job_id = Some(id.max(0) as u64);
        }
        job.stage_ids = job
            .stage_ids
            .iter()
            .enumerate()
            .map(|(s, &sid)| ids.stage_id(j, s).map_or(sid, to_u32))
            .collect();
    }
}

/// For `compare --log` and other users of a plain workload: the log's workload with its
/// configuration made valid for the simulator (the log's modelled, valid properties in
/// `Workload::conf`; pools and workers adjusted), and the warnings.
#[allow(dead_code)] // for `compare --log`: `common::load_workload` is to call it (not wired yet)
pub fn workload_from_log(
    path: &Path,
    spark: &SparkArgs,
    options: &LogOptions,
) -> Result<(Workload, Vec<String>)> {
    let mut log = load_log(path, spark, options)?;
    let mut warnings = log_warnings(&log);
    let (conf, conf_warnings) = replay_conf(spark, &mut log.replay, path)?;
    warnings.extend(conf_warnings);
    let mut workload = log.replay.workload;
    workload.conf = conf
        .entries()
        .filter(|(_, e)| e.source == ConfSource::EventLog)
        .map(|(k, e)| (k.to_string(), e.value.clone()))
        .collect();
    workload.conf = workloads::model::group_conf(workload.conf);
    Ok((workload, warnings))
}
