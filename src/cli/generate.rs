//! `sparksim generate SPEC.toml [--seed N] [--replication R] [-o workload.json]`: draws a
//! workload from a synthetic TOML spec ([`workloads::synthetic`]) and writes it as a scenario
//! file ([`workloads::scenario`]).
//!
//! The output is a pure function of the spec, the seed and the replication: the same inputs
//! give byte-identical files. Without `-o` (or with `-o -`) the scenario goes to stdout. The
//! spec file itself is never overwritten: an output path naming the same file is refused. A
//! file output is written to a temporary file beside it and renamed into place, so a failed
//! run never leaves half a scenario behind.
//!
//! A one-line summary goes to stderr: the workload name, seed, jobs, stages, tasks, declared
//! pools and the horizon (the last job's earliest submission time).

use anyhow::{Context, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use workloads::model::Workload;

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// The synthetic spec (TOML; format in the `workloads::synthetic` docs).
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Seed of the random streams; the same spec and seed give the same workload.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Replication number: replications of one seed draw from independent streams.
    #[arg(long, value_name = "R")]
    pub replication: Option<u64>,
    /// Where to write the scenario JSON (default, or `-`: stdout). Never the spec file.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    // The spec errors already quote their cause; `{e}` keeps `{e:#}` from repeating it.
    let spec = workloads::synthetic::load_synthetic_spec(&args.spec)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let out = args.out.as_deref().filter(|p| *p != Path::new("-"));
    if let Some(out) = out {
        refuse_overwriting_input(&args.spec, out)?;
    }
    let replication = args.replication.unwrap_or(0);
    let workload = workloads::synthetic::generate_replication(&spec, args.seed, replication);
    let text = workloads::scenario::scenario_to_string(&workload)
        .map_err(|e| anyhow::anyhow!("{}: the generated workload: {e}", args.spec.display()))?;
    match out {
        Some(path) => write_file(path, &text)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .context("cannot write the scenario to stdout")?;
        }
    }
    eprintln!("{}", summary(&workload, args.seed, args.replication, out));
    Ok(ExitCode::SUCCESS)
}

/// Fails if `out` names the spec file (same path after resolving links, or the same inode).
fn refuse_overwriting_input(spec: &Path, out: &Path) -> anyhow::Result<()> {
    let refuse = || {
        anyhow::anyhow!(
            "{}: refusing to overwrite the spec file with the generated scenario; choose another -o/--out",
            out.display()
        )
    };
    if out == spec {
        return Err(refuse());
    }
    let (Ok(spec_meta), Ok(out_meta)) = (std::fs::metadata(spec), std::fs::metadata(out)) else {
        // The output does not exist yet (or cannot be inspected): it cannot be the spec.
        return Ok(());
    };
    if let (Ok(a), Ok(b)) = (spec.canonicalize(), out.canonicalize())
        && a == b
    {
        return Err(refuse());
    }
    if same_file(&spec_meta, &out_meta) {
        return Err(refuse());
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// Writes `text` to a temporary file beside `path`, then renames it into place.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!(
            "{}: is a directory; -o/--out needs a file name",
            path.display()
        );
    }
    let name = path
        .file_name()
        .with_context(|| format!("{}: -o/--out needs a file name", path.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = std::fs::write(&tmp, text)
        .with_context(|| format!("{}: cannot write the scenario", path.display()))
        .and_then(|()| {
            std::fs::rename(&tmp, path)
                .with_context(|| format!("{}: cannot write the scenario", path.display()))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `generated "synthetic-fair" (seed 7): 83 jobs, 121 stages, 1503 tasks, 2 pools, horizon
/// 598.3 s (arrivals from 0.0 s) -> out.json`. The horizon is the last job's earliest
/// submission time: the spec's `horizon_ms` is a bound, not what was drawn.
fn summary(w: &Workload, seed: u64, replication: Option<u64>, out: Option<&Path>) -> String {
    let rep = replication.map_or(String::new(), |r| format!(", replication {r}"));
    let first = w.jobs.iter().map(|j| j.submit_ms).min();
    let last = w.jobs.iter().map(|j| j.submit_ms).max();
    let horizon = match (first, last) {
        (Some(a), Some(b)) => format!("horizon {} s (arrivals from {} s)", secs(b), secs(a)),
        _ => "no arrivals".to_string(),
    };
    let dest = out.map_or("stdout".to_string(), |p| p.display().to_string());
    format!(
        "generated {:?} (seed {seed}{rep}): {} jobs, {} stages, {} tasks, {} pools, {horizon} -> {dest}",
        w.name,
        w.jobs.len(),
        w.total_stages(),
        w.total_tasks(),
        w.pools.len(),
    )
}

/// Milliseconds as seconds with one decimal.
fn secs(ms: u64) -> String {
    format!("{}.{}", ms / 1000, (ms % 1000) / 100)
}
