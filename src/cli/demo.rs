//! `sparksim demo`: the classic case, built in — one long batch job takes every slot, short
//! interactive jobs arrive behind it — simulated under FIFO and under FAIR, compared, and
//! told in two sentences computed from the results.

use crate::cli::common::SparkArgs;
use crate::cli::compare::{
    mode_variants, print_comparison, run_variants, write_comparison, write_comparison_report,
};
use anyhow::Result;
use reports::per_pool;
use sim::records::SimOutput;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The built-in scenario (a scenario file like any other).
pub const DEMO_SCENARIO: &str = include_str!("examples/demo.json");

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Where to write each run's files (DIR/FIFO/, DIR/FAIR/) and the HTML report
    /// (DIR/report/report.html).
    #[arg(long, value_name = "DIR", default_value = "sparksim-demo")]
    pub out: PathBuf,
    /// Print the built-in scenario file and exit.
    #[arg(long)]
    pub print_scenario: bool,
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    if args.print_scenario {
        print!("{DEMO_SCENARIO}");
        return Ok(ExitCode::SUCCESS);
    }
    let workload =
        workloads::scenario::parse_scenario(DEMO_SCENARIO, Path::new("demo.json"))?.workload;
    println!("{}\n", workload.description.as_deref().unwrap_or_default());
    let spark = SparkArgs::default();
    let runs = run_variants(
        &workload,
        &spark,
        &mode_variants(&["FIFO".into(), "FAIR".into()])?,
    )?;
    print_comparison(&workload, &runs);
    println!("{}\n", story(&runs[0].1.output, &runs[1].1.output));
    write_comparison(&args.out, &workload, spark.seed, &runs)?;
    write_comparison_report(&args.out.join("report"), &workload, spark.seed, &runs)?;
    Ok(ExitCode::SUCCESS)
}

/// Mean turnaround (s) and mean wait (s) of a pool.
fn pool_means(out: &SimOutput, pool: &str) -> (f64, f64) {
    let summary = per_pool(&out.jobs);
    let stats = summary.pool(pool);
    let secs = |v: Option<f64>| v.unwrap_or(0.0) / 1000.0;
    stats.map_or((0.0, 0.0), |s| {
        (secs(s.turnaround.mean_ms), secs(s.wait.mean_ms))
    })
}

/// The pool's configured (minShare, weight) as the FAIR run built it.
fn pool_shares(out: &SimOutput, pool: &str) -> (i32, i32) {
    out.pools
        .iter()
        .find(|p| p.0 == pool)
        .map_or((0, 1), |p| (p.3, p.2))
}

/// Two sentences on what happened, from the numbers.
pub fn story(fifo: &SimOutput, fair: &SimOutput) -> String {
    let (fifo_i, fifo_wait) = pool_means(fifo, "interactive");
    let (fair_i, fair_wait) = pool_means(fair, "interactive");
    let (fifo_b, _) = pool_means(fifo, "batch");
    let (fair_b, _) = pool_means(fair, "batch");
    let (min_share, weight) = pool_shares(fair, "interactive");
    let speedup = if fair_i > 0.0 {
        fifo_i / fair_i
    } else {
        f64::INFINITY
    };
    let batch_change = if fifo_b > 0.0 {
        (fair_b / fifo_b - 1.0) * 100.0
    } else {
        0.0
    };
    format!(
        "Under FIFO the batch job's task sets come first in every offer round, so each interactive job \
         waited {fifo_wait:.2} s on average for its first slot and took {fifo_i:.2} s end to end.\n\
         Under FAIR the interactive pool (minShare {min_share}, weight {weight}) is needy whenever it runs fewer \
         than {min_share} tasks and takes the next free slots: its jobs waited {fair_wait:.2} s and took \
         {fair_i:.2} s ({speedup:.1}x faster), while the batch job took {fair_b:.2} s instead of {fifo_b:.2} s \
         ({batch_change:+.1}%)."
    )
}
