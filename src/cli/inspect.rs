//! `sparksim inspect LOG [--format json]`: what a Spark event log contains, as replay sees it —
//! the application, Spark version, master, scheduler mode, allocation file, pools, jobs,
//! stages and task attempts, executors over time, the submission chains replay infers, the
//! cluster a replay would use, and every warning (reader and extraction) with its count.
//!
//! Times are milliseconds relative to t0, the first job's submission (negative: before it).
//! A corrupt or partial log still gives a report; only an unreadable file is an error.

use crate::cli::common::SparkArgs;
use crate::cli::replay::{LogOptions, beside_log, load_log, local_file};
use anyhow::Result;
use reports::table::{Align, TextTable};
use std::path::PathBuf;
use std::process::ExitCode;
use workloads::replay::summary::{LogSummary, summarize};

/// `--format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    /// The event log: a file (plain, .zstd, .lz4, .snappy, .gz; .inprogress allowed) or a
    /// rolling eventlog_v2_* directory.
    #[arg(value_name = "LOG")]
    pub log: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Jobs listed in the text format (all in JSON).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_jobs: usize,
    #[command(flatten)]
    pub options: LogOptions,
}

pub fn run(args: InspectArgs) -> Result<ExitCode> {
    let log = load_log(&args.log, &SparkArgs::default(), &args.options)?;
    let summary = summarize(&log.app, &log.stats, &log.replay);
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&summary)?),
        Format::Text => {
            let beside = summary
                .allocation_file
                .as_deref()
                .and_then(|f| beside_log(&args.log, f));
            print!("{}", text(&summary, beside.as_deref(), args.max_jobs))
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or("-".to_string(), ToString::to_string)
}

/// The text report; `beside` is a file named like the logged allocation file next to the log.
pub fn text(s: &LogSummary, beside: Option<&std::path::Path>, max_jobs: usize) -> String {
    let a = &s.application;
    let c = &s.counts;
    let mut out = String::new();
    let mut line = |l: String| {
        out.push_str(&l);
        out.push('\n');
    };
    line(format!("log          {}", s.source));
    line(format!(
        "application  {} ({}), attempt {}, user {}",
        opt(&a.name),
        opt(&a.id),
        opt(&a.attempt_id),
        opt(&a.user)
    ));
    line(format!(
        "             {} ms{}{}",
        opt(&a.duration_ms),
        if a.completed {
            ", completed"
        } else {
            ", no ApplicationEnd"
        },
        if a.in_progress { ", in progress" } else { "" }
    ));
    line(format!("Spark        {}", s.spark_version));
    line(format!(
        "master       {} (replay: {})",
        s.master.as_deref().unwrap_or("(not logged or redacted)"),
        opt(&s.replay_master)
    ));
    line(format!("mode         {}", s.scheduler_mode));
    line(format!(
        "allocation   {}",
        match s.allocation_file.as_deref() {
            None => "(none)".to_string(),
            Some(f) if local_file(f).is_some() => f.to_string(),
            Some(f) => match beside {
                Some(b) => format!(
                    "{f} (not here; a replay uses {} beside the log)",
                    b.display()
                ),
                None => format!(
                    "{f} (not here: a replay gives the jobs' pools Spark's defaults unless --allocation-file)"
                ),
            },
        }
    ));
    line(format!(
        "jobs         {} ({} succeeded, {} failed, {} unfinished; {} replayed)",
        c.jobs, c.jobs_succeeded, c.jobs_failed, c.jobs_unfinished, c.jobs_replayed
    ));
    line(format!(
        "stages       {} ({} run, {} skipped, {} retried, {} failed attempts)",
        c.stages, c.stages_run, c.stages_skipped, c.stages_retried, c.stage_attempts_failed
    ));
    line(format!(
        "tasks        {} attempts ({} succeeded, {} failed, {} killed, {} speculative, {} unfinished; {} tasks replayed)",
        c.task_attempts,
        c.tasks_succeeded,
        c.tasks_failed,
        c.tasks_killed,
        c.tasks_speculative,
        c.tasks_unfinished,
        c.tasks_replayed
    ));
    line(format!(
        "read         {} file(s), {} bytes ({} decompressed), {} lines, {} events ({} skipped), {} malformed{}",
        s.read.files,
        s.read.bytes_on_disk,
        s.read.bytes_decompressed,
        s.read.lines,
        s.read.events,
        s.read.skipped_events,
        s.read.malformed_lines,
        if s.read.truncated_tail {
            ", truncated tail"
        } else {
            ""
        }
    ));

    out.push_str("\npools\n");
    let mut t = TextTable::new([
        ("pool", Align::Left),
        ("jobs", Align::Right),
        ("task attempts", Align::Right),
    ]);
    for p in &s.pools {
        t.row(vec![
            p.name.clone(),
            p.jobs.to_string(),
            p.tasks.to_string(),
        ]);
    }
    out.push_str(&t.render());

    out.push_str("\nexecutors\n");
    let mut t = TextTable::new([
        ("id", Align::Left),
        ("host", Align::Left),
        ("cores", Align::Right),
        ("added", Align::Right),
        ("removed", Align::Right),
        ("tasks", Align::Right),
        ("replay", Align::Left),
        ("removed because", Align::Left),
    ]);
    for e in &s.executors {
        t.row(vec![
            e.id.clone(),
            e.host.clone(),
            opt(&e.cores),
            opt(&e.added_ms),
            opt(&e.removed_ms),
            e.task_attempts.to_string(),
            if e.replayed { "yes" } else { "" }.to_string(),
            e.removed_reason.clone().unwrap_or_default(),
        ]);
    }
    out.push_str(&t.render());
    if s.executor_timeline.len() > 1 {
        let steps: Vec<String> = s
            .executor_timeline
            .iter()
            .take(40)
            .map(|p| format!("{}ms:{}x/{}c", p.time_ms, p.executors, p.cores))
            .collect();
        out.push_str(&format!(
            "executors over time: {}{}\n",
            steps.join(" "),
            if s.executor_timeline.len() > 40 {
                " …"
            } else {
                ""
            }
        ));
    }

    out.push_str("\njobs\n");
    let mut t = TextTable::new([
        ("job", Align::Right),
        ("name", Align::Left),
        ("pool", Align::Left),
        ("submit", Align::Right),
        ("end", Align::Right),
        ("turnaround", Align::Right),
        ("result", Align::Left),
        ("stages", Align::Right),
        ("skipped", Align::Right),
        ("tasks", Align::Right),
        ("after", Align::Left),
    ]);
    for j in s.jobs.iter().take(max_jobs) {
        let mut name = j.name.clone();
        if name.chars().count() > 40 {
            name = name.chars().take(39).collect::<String>() + "…";
        }
        t.row(vec![
            j.job_id.to_string(),
            name,
            j.pool.clone(),
            opt(&j.submit_ms),
            opt(&j.end_ms),
            opt(&j.turnaround_ms),
            j.result.clone(),
            j.stage_ids.len().to_string(),
            j.skipped_stage_ids.len().to_string(),
            j.task_attempts.to_string(),
            match (j.after_job_id, j.gap_ms) {
                (Some(a), Some(g)) => format!("job {a} +{g}ms"),
                _ => String::new(),
            },
        ]);
    }
    out.push_str(&t.render());
    if s.jobs.len() > max_jobs {
        out.push_str(&format!(
            "… {} more jobs (--max-jobs, or --format json)\n",
            s.jobs.len() - max_jobs
        ));
    }
    out.push_str(&format!("chains       {} inferred\n", s.chains.len()));
    let l = &s.latencies;
    let lat = |v: Option<u64>, n: usize| match v {
        Some(v) => format!("{v} ms ({n} samples)"),
        None => format!("default ({n} samples)"),
    };
    out.push_str(&format!(
        "latencies    job start {}, stage submit {}, job end {}\n",
        lat(l.job_start_ms, l.job_start_samples),
        lat(l.stage_submit_ms, l.stage_submit_samples),
        lat(l.job_end_ms, l.job_end_samples)
    ));
    let d = &s.durations;
    out.push_str(&format!(
        "durations    {} finishes stamped after their slot was reused, {} launches beyond the slots, {} attempts never ended\n",
        d.clipped_late_finish, d.over_slots, d.never_ended
    ));

    out.push_str(&format!("\nwarnings     {}\n", s.warnings.total));
    for (kind, count) in &s.warnings.counts {
        out.push_str(&format!("  x{count} {kind}\n"));
    }
    for e in &s.warnings.examples {
        out.push_str(&format!("    {e}\n"));
    }
    out
}
