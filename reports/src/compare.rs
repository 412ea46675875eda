//! Side-by-side comparison of labelled runs of the same workload (e.g. `FIFO` vs `FAIR`): per
//! pool, each run's mean and p95 turnaround and its ratio to the first run; per job, each run's
//! turnaround. As a [`Comparison`] value (serialisable to JSON) and as text tables.
//!
//! Pools are listed in first-appearance order over the runs (the first run's pools, then pools
//! only later runs have), then `all`. **Jobs are matched by position** in
//! [`SimOutput::jobs`], which is the workload's order, so the runs must come from the same
//! workload; the job's name and pool are taken from the first run that has it. A ratio is
//! `run / first run`, undefined (`null`, `-`) when either side is missing or the first is 0.
//! Statistics follow [`crate::per_pool`](mod@crate::per_pool) (turnaround over jobs that ended, nearest-rank p95).

use std::io;

use serde::Serialize;
use sim::records::{JobRecord, JobStatus, SimOutput};

use crate::per_pool::{ALL, PoolStats, PoolSummary, per_pool, turnaround_ms};
use crate::table::{Align, TextTable, ratio, secs, secs_mean};

/// One run's turnaround in one pool.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolRun {
    pub label: String,
    /// Jobs of the pool in this run (0 if the run has no such pool).
    pub jobs: usize,
    /// Jobs that ended, i.e. that the statistics cover.
    pub ended: usize,
    pub mean_ms: Option<f64>,
    pub p95_ms: Option<u64>,
    /// `mean_ms / first run's mean_ms`.
    pub mean_ratio: Option<f64>,
    /// `p95_ms / first run's p95_ms`.
    pub p95_ratio: Option<f64>,
}

/// One pool across the runs (one entry per run, in run order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolComparison {
    pub pool: String,
    pub runs: Vec<PoolRun>,
}

/// One run's outcome for one job.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobRun {
    pub label: String,
    /// `succeeded`, `failed`, `not_run`, or `missing` when the run has fewer jobs.
    pub status: &'static str,
    pub turnaround_ms: Option<u64>,
    /// `turnaround_ms / first run's turnaround_ms`.
    pub ratio: Option<f64>,
}

/// One job across the runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobComparison {
    /// Position in the workload (0-based).
    pub index: usize,
    pub name: String,
    pub pool: String,
    pub runs: Vec<JobRun>,
}

/// Several runs side by side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub labels: Vec<String>,
    pub pools: Vec<PoolComparison>,
    pub all: PoolComparison,
    pub jobs: Vec<JobComparison>,
}

/// Compares `runs`, given as `(label, output)`; the first is the baseline of every ratio.
pub fn compare(runs: &[(&str, &SimOutput)]) -> Comparison {
    let summaries: Vec<(&str, PoolSummary)> =
        runs.iter().map(|(l, r)| (*l, per_pool(&r.jobs))).collect();
    let pools = pool_names(&summaries)
        .into_iter()
        .map(|name| compare_pool(name, &summaries, |s| s.pool(name)))
        .collect();
    Comparison {
        labels: runs.iter().map(|(l, _)| l.to_string()).collect(),
        pools,
        all: compare_pool(ALL, &summaries, |s| Some(&s.all)),
        jobs: compare_jobs(runs),
    }
}

/// Pool names in first-appearance order over the runs.
fn pool_names<'a>(summaries: &'a [(&str, PoolSummary)]) -> Vec<&'a str> {
    let mut names: Vec<&str> = Vec::new();
    for pool in summaries.iter().flat_map(|(_, s)| &s.pools) {
        if !names.contains(&pool.pool.as_str()) {
            names.push(&pool.pool);
        }
    }
    names
}

fn compare_pool(
    name: &str,
    summaries: &[(&str, PoolSummary)],
    pick: impl Fn(&PoolSummary) -> Option<&PoolStats>,
) -> PoolComparison {
    let base = summaries.first().and_then(|(_, s)| pick(s));
    let base_mean = base.and_then(|b| b.turnaround.mean_ms);
    let base_p95 = base.and_then(|b| b.turnaround.p95_ms).map(|v| v as f64);
    let runs = summaries
        .iter()
        .map(|(label, s)| {
            let stats = pick(s);
            let mean_ms = stats.and_then(|p| p.turnaround.mean_ms);
            let p95_ms = stats.and_then(|p| p.turnaround.p95_ms);
            PoolRun {
                label: label.to_string(),
                jobs: stats.map_or(0, |p| p.jobs),
                ended: stats.map_or(0, |p| p.turnaround.count),
                mean_ms,
                p95_ms,
                mean_ratio: ratio_of(mean_ms, base_mean),
                p95_ratio: ratio_of(p95_ms.map(|v| v as f64), base_p95),
            }
        })
        .collect();
    PoolComparison {
        pool: name.to_string(),
        runs,
    }
}

/// `value / base`, if both exist and `base > 0`.
fn ratio_of(value: Option<f64>, base: Option<f64>) -> Option<f64> {
    let (value, base) = (value?, base?);
    (base > 0.0).then(|| value / base)
}

fn compare_jobs(runs: &[(&str, &SimOutput)]) -> Vec<JobComparison> {
    let n = runs.iter().map(|(_, r)| r.jobs.len()).max().unwrap_or(0);
    (0..n).map(|index| compare_job(index, runs)).collect()
}

fn compare_job(index: usize, runs: &[(&str, &SimOutput)]) -> JobComparison {
    let records: Vec<Option<&JobRecord>> = runs.iter().map(|(_, r)| r.jobs.get(index)).collect();
    let first = records.iter().flatten().next();
    let base = records
        .first()
        .copied()
        .flatten()
        .and_then(turnaround_ms)
        .map(|v| v as f64);
    let job_runs = runs
        .iter()
        .zip(&records)
        .map(|((label, _), job)| {
            let turnaround = job.and_then(turnaround_ms);
            JobRun {
                label: label.to_string(),
                status: job.map_or("missing", |j| j.status.as_str()),
                turnaround_ms: turnaround,
                ratio: ratio_of(turnaround.map(|v| v as f64), base),
            }
        })
        .collect();
    JobComparison {
        index,
        name: first.map_or_else(String::new, |j| j.name.clone()),
        pool: first.map_or_else(String::new, |j| j.pool.clone()),
        runs: job_runs,
    }
}

impl Comparison {
    /// The per-pool table: jobs, each run's mean turnaround then each later run's ratio of means
    /// to the first, then the same for p95; seconds. `jobs` is the pool's job count, or each
    /// run's count joined by `/` (`3/2`) when the runs disagree.
    pub fn pool_table(&self) -> String {
        let mut t = TextTable::new(self.pool_columns());
        for pool in &self.pools {
            t.row(pool_row(pool));
        }
        if !self.pools.is_empty() {
            t.rule();
        }
        t.row(pool_row(&self.all));
        let mut out = t.render();
        out.push_str("seconds; turnaround (submit to end) of the jobs that ended");
        if let [first, second, rest @ ..] = self.labels.as_slice() {
            let x = if rest.is_empty() {
                second.as_str()
            } else {
                "X"
            };
            out.push_str(&format!("; {x}/{first} below 1: {x} faster"));
        }
        out.push('\n');
        out
    }

    /// The per-job table: position, name, pool, each run's turnaround in seconds (`-` if the job
    /// never ended, `failed` appended if it failed), then each later run's ratio to the first.
    pub fn job_table(&self) -> String {
        let mut columns = vec![
            ("#".to_string(), Align::Right),
            ("job".into(), Align::Left),
            ("pool".into(), Align::Left),
        ];
        columns.extend(self.labels.iter().map(|l| (l.clone(), Align::Right)));
        columns.extend(self.later_ratio_headers().map(|h| (h, Align::Right)));
        let mut t = TextTable::new(columns);
        for job in &self.jobs {
            t.row(job_row(job));
        }
        let mut out = t.render();
        out.push_str("seconds; turnaround (submit to end); -: never ended\n");
        out
    }

    /// The comparison as pretty-printed JSON with a final newline, then flushes.
    pub fn write_json<W: io::Write>(&self, mut out: W) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut out, self)?;
        out.write_all(b"\n")?;
        out.flush()
    }

    fn pool_columns(&self) -> Vec<(String, Align)> {
        let mut columns = vec![
            ("pool".to_string(), Align::Left),
            ("jobs".into(), Align::Right),
        ];
        for stat in ["mean", "p95"] {
            columns.extend(
                self.labels
                    .iter()
                    .map(|l| (format!("{l} {stat}"), Align::Right)),
            );
            columns.extend(self.later_ratio_headers().map(|h| (h, Align::Right)));
        }
        columns
    }

    /// `X/first` for each run after the first.
    fn later_ratio_headers(&self) -> impl Iterator<Item = String> + '_ {
        let first = self.labels.first().map_or("", String::as_str);
        self.labels
            .iter()
            .skip(1)
            .map(move |l| format!("{l}/{first}"))
    }
}

fn pool_row(pool: &PoolComparison) -> Vec<String> {
    let mut cells = vec![pool.pool.clone(), job_counts(&pool.runs)];
    cells.extend(pool.runs.iter().map(|r| secs_mean(r.mean_ms)));
    cells.extend(pool.runs.iter().skip(1).map(|r| ratio(r.mean_ratio)));
    cells.extend(pool.runs.iter().map(|r| secs(r.p95_ms)));
    cells.extend(pool.runs.iter().skip(1).map(|r| ratio(r.p95_ratio)));
    cells
}

/// The pool's job count, or each run's count joined by `/` when the runs disagree.
fn job_counts(runs: &[PoolRun]) -> String {
    let counts: Vec<usize> = runs.iter().map(|r| r.jobs).collect();
    match counts.as_slice() {
        [first, rest @ ..] if rest.iter().all(|c| c == first) => first.to_string(),
        _ => counts
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("/"),
    }
}

fn job_row(job: &JobComparison) -> Vec<String> {
    let mut cells = vec![job.index.to_string(), job.name.clone(), job.pool.clone()];
    cells.extend(job.runs.iter().map(job_time));
    cells.extend(job.runs.iter().skip(1).map(|r| ratio(r.ratio)));
    cells
}

fn job_time(run: &JobRun) -> String {
    let time = secs(run.turnaround_ms);
    if run.status == JobStatus::Failed.as_str() && run.turnaround_ms.is_some() {
        format!("{time} failed")
    } else {
        time
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    /// The fixture under FIFO, and a "FAIR" run where the short jobs finish sooner, the failed
    /// job succeeds, the etl-daily job is slower, and a pool only this run has.
    fn fair() -> SimOutput {
        let mut run = fixtures::run();
        run.jobs[1].end_ms = Some(1900); // adhoc: 3000 -> 900
        run.jobs[1].status = JobStatus::Succeeded;
        run.jobs[2].end_ms = Some(3500); // etl-hourly: 3000 -> 1500
        run.jobs[0].end_ms = Some(7614); // etl-daily: 6614 -> 7614
        run.jobs[3].pool = "cleanup".into();
        run
    }

    #[test]
    fn pool_comparison_values() {
        let (fifo, fair) = (fixtures::run(), fair());
        let c = compare(&[("FIFO", &fifo), ("FAIR", &fair)]);
        assert_eq!(c.labels, ["FIFO", "FAIR"]);
        let names: Vec<&str> = c.pools.iter().map(|p| p.pool.as_str()).collect();
        assert_eq!(names, ["etl", "adhoc", "cleanup"]);
        let adhoc = &c.pools[1].runs;
        assert_eq!(
            (adhoc[0].mean_ratio, adhoc[1].mean_ratio),
            (Some(1.0), Some(0.3))
        );
        let cleanup = &c.pools[2].runs;
        assert_eq!(
            (
                cleanup[0].jobs,
                cleanup[0].mean_ms,
                cleanup[1].jobs,
                cleanup[1].ended
            ),
            (0, None, 1, 0)
        );
        assert_eq!(c.all.runs[1].p95_ratio, Some(7614.0 / 6614.0));
        assert_eq!(c.jobs[1].runs[1].ratio, Some(0.3));
        assert_eq!(c.jobs[3].runs[0].status, "not_run");
    }

    #[test]
    fn pool_table_golden() {
        let (fifo, fair) = (fixtures::run(), fair());
        let got = compare(&[("FIFO", &fifo), ("FAIR", &fair)]).pool_table();
        let want = "\
pool     jobs  FIFO mean  FAIR mean  FAIR/FIFO  FIFO p95  FAIR p95  FAIR/FIFO
-------  ----  ---------  ---------  ---------  --------  --------  ---------
etl       3/2      4.807      4.557      0.95×     6.614     7.614      1.15×
adhoc       1      3.000      0.900      0.30×     3.000     0.900      0.30×
cleanup   0/1          -          -          -         -         -          -
-------  ----  ---------  ---------  ---------  --------  --------  ---------
all         4      4.205      3.338      0.79×     6.614     7.614      1.15×
seconds; turnaround (submit to end) of the jobs that ended; FAIR/FIFO below 1: FAIR faster
";
        assert_eq!(got, want, "\n{got}");
    }

    #[test]
    fn job_table_golden() {
        let (fifo, fair) = (fixtures::run(), fair());
        let got = compare(&[("FIFO", &fifo), ("FAIR", &fair)]).job_table();
        let want = "\
#  job           pool           FIFO   FAIR  FAIR/FIFO
-  ------------  -----  ------------  -----  ---------
0  etl-daily     etl           6.614  7.614      1.15×
1  adhoc, query  adhoc  3.000 failed  0.900      0.30×
2  etl-hourly    etl           3.000  1.500      0.50×
3  etl-cleanup   etl               -      -          -
seconds; turnaround (submit to end); -: never ended
";
        assert_eq!(got, want, "\n{got}");
    }

    #[test]
    fn a_single_run_has_no_ratio_columns() {
        let fifo = fixtures::run();
        let got = compare(&[("FIFO", &fifo)]).pool_table();
        assert_eq!(got.lines().next(), Some("pool   jobs  FIFO mean  FIFO p95"));
        assert!(got.ends_with("of the jobs that ended\n"));
    }

    #[test]
    fn no_runs_is_empty_not_a_panic() {
        let c = compare(&[]);
        assert!(c.pools.is_empty() && c.jobs.is_empty() && c.all.runs.is_empty());
        assert_eq!(c.pool_table().lines().nth(2), Some("all"));
    }

    #[test]
    fn json_form() {
        let (fifo, fair) = (fixtures::run(), fair());
        let mut out = Vec::new();
        compare(&[("FIFO", &fifo), ("FAIR", &fair)])
            .write_json(&mut out)
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["labels"][1], "FAIR");
        assert_eq!(v["pools"][1]["runs"][1]["mean_ratio"], 0.3);
        assert_eq!(v["all"]["pool"], "all");
        assert_eq!(v["jobs"][0]["runs"][1]["turnaround_ms"], 7614);
        assert_eq!(
            v["jobs"][3]["runs"][0]["turnaround_ms"],
            serde_json::Value::Null
        );
    }
}
