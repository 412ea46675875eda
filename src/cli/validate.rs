//! `sparksim validate LOG`: replays a log under the configuration it recorded and compares the
//! replay with what the log says happened.
//!
//! * Per job: real turnaround (`JobEnd.Completion Time − JobStart.Submission Time`), simulated
//!   turnaround and the relative error `(sim − real) / real`; then the median, 90th percentile
//!   and maximum of the absolute errors over the jobs that ended in both.
//! * `decision_agreement`: of the log's *contested* slot decisions (a task's first attempt
//!   launched while two or more task sets had pending tasks), the share the replay gave to the
//!   same task set, comparing the k-th first-attempt launch of the log with the k-th of the
//!   replay (see `workloads::replay::decisions`).
//!
//! The options are `replay`'s; `--allocation-file` gives the pools the log cannot contain.
//! The exit status is 0 whatever the errors: thresholds are the caller's business.

use crate::cli::common::SparkArgs;
use crate::cli::replay::{LogOptions, Replayed, replay_log};
use anyhow::Result;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use workloads::replay::{DecisionAgreement, ErrorStats, JobAccuracy, LogDecisions};

/// `--format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// The event log (file or rolling eventlog_v2_* directory).
    #[arg(value_name = "LOG")]
    pub log: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub spark: SparkArgs,
    #[command(flatten)]
    pub options: LogOptions,
}

/// What `validate` reports (the JSON document).
#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    pub log: String,
    pub application: Option<String>,
    pub spark_version: String,
    pub master: String,
    pub scheduler_mode: String,
    pub arrivals: &'static str,
    pub durations: &'static str,
    pub chains: usize,
    pub jobs: Vec<JobAccuracy>,
    /// Jobs with an error (ended in the log and in the replay).
    pub compared_jobs: usize,
    pub median_abs_rel_error: Option<f64>,
    pub p90_abs_rel_error: Option<f64>,
    pub max_abs_rel_error: Option<f64>,
    /// Share of contested slot decisions the replay made as the log did.
    pub decision_agreement: Option<f64>,
    pub decisions: DecisionAgreement,
    pub logged_executors: bool,
    pub warnings: Vec<String>,
}

pub fn run(args: ValidateArgs) -> Result<ExitCode> {
    let replayed = replay_log(&args.log, &args.spark, &args.options)?;
    let v = validation(&args.log.display().to_string(), &replayed);
    match args.format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        Format::Text => {
            print!("{}", text(&v));
            for w in &v.warnings {
                eprintln!("warning: {w}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Compares a replay with its log.
pub fn validation(log: &str, r: &Replayed) -> Validation {
    let replay = &r.log.replay;
    let jobs: Vec<JobAccuracy> = replay
        .observed
        .iter()
        .zip(&r.output.jobs)
        .map(|(o, s)| {
            let sim = match s.status {
                sim::records::JobStatus::NotRun => None,
                _ => s.turnaround_ms(),
            };
            JobAccuracy::new(
                o.job_id,
                o.name.clone(),
                o.pool.clone(),
                o.turnaround_ms,
                sim,
            )
        })
        .collect();
    let stats = ErrorStats::of(&jobs);
    let decisions = LogDecisions::from_log(&r.log.app, &replay.replayed_stages);
    let sim_sequence: Vec<i64> = r
        .output
        .tasks
        .iter()
        .filter(|t| t.attempt == 0 && t.stage_attempt == 0 && !t.speculative)
        .map(|t| i64::from(t.stage_id))
        .collect();
    let agreement = decisions.agreement(&sim_sequence, r.output.slots.max(1) as usize);
    Validation {
        log: log.to_string(),
        application: r.log.app.app_id.clone().or(r.log.app.app_name.clone()),
        spark_version: r.log.app.spark_version.clone(),
        master: r.conf.master().unwrap_or_default().to_string(),
        scheduler_mode: r
            .conf
            .scheduler_mode()
            .map(|m| m.to_string())
            .unwrap_or_default(),
        arrivals: replay.options.arrivals.as_str(),
        durations: replay.options.durations.as_str(),
        chains: replay.chains.len(),
        jobs,
        compared_jobs: stats.jobs,
        median_abs_rel_error: stats.median_abs_rel_error,
        p90_abs_rel_error: stats.p90_abs_rel_error,
        max_abs_rel_error: stats.max_abs_rel_error,
        decision_agreement: agreement.share,
        decisions: agreement,
        logged_executors: r.logged_executors,
        warnings: r.warnings.clone(),
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0))
}

fn ms(v: Option<u64>) -> String {
    v.map_or("-".to_string(), |v| v.to_string())
}

/// The text report: a per-job table and the summary lines.
pub fn text(v: &Validation) -> String {
    let mut table = reports::table::TextTable::new([
        ("job", reports::table::Align::Right),
        ("name", reports::table::Align::Left),
        ("pool", reports::table::Align::Left),
        ("real ms", reports::table::Align::Right),
        ("sim ms", reports::table::Align::Right),
        ("error", reports::table::Align::Right),
    ]);
    for j in &v.jobs {
        table.row(vec![
            j.job_id.to_string(),
            j.name.clone(),
            j.pool.clone(),
            ms(j.real_turnaround_ms),
            ms(j.sim_turnaround_ms),
            j.rel_error
                .map_or("-".to_string(), |e| format!("{:+.1}%", e * 100.0)),
        ]);
    }
    let mut out = format!(
        "{} ({}), Spark {}, {} on {}, {} arrivals ({} chains), {} durations\n",
        v.log,
        v.application.as_deref().unwrap_or("?"),
        v.spark_version,
        v.scheduler_mode,
        v.master,
        v.arrivals,
        v.chains,
        v.durations
    );
    out.push_str(&table.render());
    out.push_str(&format!(
        "turnaround |error| over {} jobs: median {}, p90 {}, max {}\n",
        v.compared_jobs,
        pct(v.median_abs_rel_error),
        pct(v.p90_abs_rel_error),
        pct(v.max_abs_rel_error)
    ));
    out.push_str(&format!(
        "decision agreement: {} ({} of {} contested slot decisions within {} decisions; {} at the same position; {} decisions in all)\n",
        pct(v.decision_agreement),
        v.decisions.agreed,
        v.decisions.contested,
        v.decisions.tolerance,
        v.decisions.exact_agreed,
        v.decisions.decisions
    ));
    out
}
