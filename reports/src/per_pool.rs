//! Per-pool job statistics: how many jobs each pool ran and how long they took.
//!
//! Pools appear in the order their first job appears in the run's jobs,
//! followed by an `all` row over every job. Each row counts every job of the pool, including jobs
//! that failed or never ran; **the time statistics only cover jobs that have both endpoints**:
//! turnaround (`end − submit`) over jobs that ended (succeeded *or* failed), wait
//! (`first launch − submit`) over jobs that launched a task. Quantiles are nearest-rank
//! ([`crate::stats`]).
//!
//! This module computes; rendering is [`crate::table`]'s and [`crate::summary`]'s job.

use serde::Serialize;
use sim::records::{JobRecord, JobStatus};

use crate::stats::Dist;

/// The label of the row over all jobs.
pub const ALL: &str = "all";

/// One pool's jobs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolStats {
    pub pool: String,
    /// Every job of the pool, whatever its status.
    pub jobs: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub not_run: usize,
    /// `end − submit` over the jobs that ended.
    pub turnaround: Dist,
    /// `first launch − submit` over the jobs that launched a task.
    pub wait: Dist,
}

/// Every pool's row, then the row over all jobs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolSummary {
    pub pools: Vec<PoolStats>,
    pub all: PoolStats,
}

impl PoolSummary {
    /// The pool rows then the `all` row.
    pub fn rows(&self) -> impl Iterator<Item = &PoolStats> {
        self.pools.iter().chain(std::iter::once(&self.all))
    }

    /// The row of the pool called `name` (not the `all` row).
    pub fn pool(&self, name: &str) -> Option<&PoolStats> {
        self.pools.iter().find(|p| p.pool == name)
    }
}

/// Summarises `jobs` per pool.
pub fn per_pool(jobs: &[JobRecord]) -> PoolSummary {
    let pools = group_by_pool(jobs)
        .into_iter()
        .map(|(name, members)| pool_stats(name, &members))
        .collect();
    let everything: Vec<&JobRecord> = jobs.iter().collect();
    PoolSummary {
        pools,
        all: pool_stats(ALL, &everything),
    }
}

/// Jobs grouped by pool, pools in first-appearance order.
fn group_by_pool(jobs: &[JobRecord]) -> Vec<(&str, Vec<&JobRecord>)> {
    let mut groups: Vec<(&str, Vec<&JobRecord>)> = Vec::new();
    for job in jobs {
        match groups.iter_mut().find(|(name, _)| *name == job.pool) {
            Some((_, members)) => members.push(job),
            None => groups.push((&job.pool, vec![job])),
        }
    }
    groups
}

fn pool_stats(pool: &str, jobs: &[&JobRecord]) -> PoolStats {
    let count = |s: JobStatus| jobs.iter().filter(|j| j.status == s).count();
    PoolStats {
        pool: pool.to_string(),
        jobs: jobs.len(),
        succeeded: count(JobStatus::Succeeded),
        failed: count(JobStatus::Failed),
        not_run: count(JobStatus::NotRun),
        turnaround: Dist::of(jobs.iter().filter_map(|j| turnaround_ms(j)).collect()),
        wait: Dist::of(jobs.iter().filter_map(|j| wait_ms(j)).collect()),
    }
}

/// `end − submit`, or `None` if either is missing (or the end precedes the submission, which
/// the engine never records). Unlike [`JobRecord::turnaround_ms`], never panics.
pub fn turnaround_ms(job: &JobRecord) -> Option<u64> {
    job.end_ms?.checked_sub(job.submit_ms?)
}

/// `first launch − submit`, or `None` if either is missing. Never panics.
pub fn wait_ms(job: &JobRecord) -> Option<u64> {
    job.first_launch_ms?.checked_sub(job.submit_ms?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn pools_in_first_appearance_order_then_all() {
        let s = per_pool(&fixtures::run().jobs);
        let names: Vec<&str> = s.rows().map(|p| p.pool.as_str()).collect();
        assert_eq!(names, ["etl", "adhoc", "all"]);
    }

    #[test]
    fn counts_every_job_but_times_only_finished_ones() {
        let s = per_pool(&fixtures::run().jobs);
        let etl = s.pool("etl").unwrap();
        assert_eq!(
            (etl.jobs, etl.succeeded, etl.failed, etl.not_run),
            (3, 2, 0, 1)
        );
        assert_eq!(etl.turnaround.count, 2);
        assert_eq!(etl.turnaround.mean_ms, Some(4807.0));
        assert_eq!(
            (etl.turnaround.p50_ms, etl.turnaround.p95_ms),
            (Some(3000), Some(6614))
        );
        assert_eq!(
            (etl.wait.mean_ms, etl.wait.p50_ms, etl.wait.p95_ms),
            (Some(75.0), Some(50), Some(100))
        );

        let adhoc = s.pool("adhoc").unwrap();
        assert_eq!((adhoc.jobs, adhoc.succeeded, adhoc.failed), (1, 0, 1));
        assert_eq!(
            adhoc.turnaround.p99_ms,
            Some(3000),
            "a failed job that ended is timed"
        );

        let all = &s.all;
        assert_eq!(
            (all.jobs, all.succeeded, all.failed, all.not_run),
            (4, 2, 1, 1)
        );
        assert_eq!(
            (all.turnaround.count, all.turnaround.p50_ms),
            (3, Some(3000))
        );
        assert_eq!((all.wait.p50_ms, all.wait.p95_ms), (Some(100), Some(200)));
    }

    #[test]
    fn no_jobs_gives_an_empty_all_row() {
        let s = per_pool(&[]);
        assert!(s.pools.is_empty());
        assert_eq!(
            (s.all.pool.as_str(), s.all.jobs, s.all.turnaround.mean_ms),
            ("all", 0, None)
        );
    }

    #[test]
    fn an_end_before_submit_is_missing_not_a_panic() {
        let mut jobs = fixtures::run().jobs;
        jobs[0].end_ms = Some(0);
        jobs[0].submit_ms = Some(10);
        assert_eq!(turnaround_ms(&jobs[0]), None);
    }
}
