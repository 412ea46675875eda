//! Submission chains: which jobs a driver thread submitted only after an earlier job returned.
//!
//! The log does not say which thread submitted a job, so chains are inferred from timing and
//! job properties. Job B is chained after job A (B waits for A, then for the observed gap) by
//! the first rule that applies:
//!
//! 1. **Same SQL execution**: A and B carry the same `spark.sql.execution.root.id` (else
//!    `spark.sql.execution.id`); A is the last job of that execution to end at or before B's
//!    submission and no other job of it is still running then. Any gap (the driver plans
//!    between the jobs of one query).
//! 2. **Same thread, back to back**: A and B are in the same pool and the same job group
//!    (`spark.jobGroup.id`, both absent counts as the same); B was submitted at most
//!    `max_gap_ms` after A ended; A is the last job of that pool and group to end before B's
//!    submission; and no other job of that pool and group was still running when B was
//!    submitted.
//! 3. **Idle application** (`after_idle`): no job at all was running when B was submitted;
//!    A is the last job of B's pool and group to end before it. Any gap: an application with
//!    nothing running was waiting in its driver (a script's code between actions, a user
//!    reading a result), and that wait started when the thread's previous job returned.
//!
//! A job has at most one predecessor and at most one successor (a thread runs its jobs one at
//! a time). On the fidelity runs these rules find every designed chain: back-to-back threads
//! (rule 2) and think times of 1 s and 12 s in otherwise idle applications (rule 3). Rule 3
//! also chains an independent arrival that happens to come while the application is idle (in
//! the runs, d2's last job in FIFO mode, and the first scenario job after the warm-up when
//! both are in the default pool). Without rule 3 a long think time cannot be told apart from
//! an independent arrival.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::eventlog::LoggedJob;

/// The default of [`ChainRules::max_gap_ms`].
pub const DEFAULT_CHAIN_MAX_GAP_MS: u64 = 100;

/// Parameters of chain inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChainRules {
    /// Rule 2's largest gap between A's end and B's submission.
    pub max_gap_ms: u64,
    /// Rule 3: chain a job submitted while no job was running after the last job to end.
    pub after_idle: bool,
}

impl Default for ChainRules {
    fn default() -> Self {
        ChainRules {
            max_gap_ms: DEFAULT_CHAIN_MAX_GAP_MS,
            after_idle: true,
        }
    }
}

/// Which rule inferred a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainRule {
    SameSqlExecution,
    BackToBack,
    IdleApplication,
}

/// One inferred chain: workload job `job` follows workload job `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    /// Workload index of the follower.
    pub job: usize,
    /// Workload index of its predecessor (always earlier).
    pub after: usize,
    /// Spark ids of both.
    pub job_id: i64,
    pub after_job_id: i64,
    /// Observed pause between the predecessor's JobEnd and the follower's JobStart.
    pub gap_ms: u64,
    pub rule: ChainRule,
}

/// What inference needs of a job (in workload order, i.e. by submission time).
pub(crate) struct ChainJob<'a> {
    pub log: &'a LoggedJob,
    pub submit: i64,
    pub end: Option<i64>,
    /// The job failed in the log. A job is never chained after a failed one: the simulator
    /// drops a failed job's successors (its thread stops), while the log shows this thread
    /// went on.
    pub failed: bool,
}

fn sql_execution(job: &LoggedJob) -> Option<&str> {
    job.properties
        .get("spark.sql.execution.root.id")
        .or_else(|| job.properties.get("spark.sql.execution.id"))
        .map(String::as_str)
}

fn group(job: &LoggedJob) -> (&str, Option<&str>) {
    (
        job.pool_or_default(),
        job.properties.get("spark.jobGroup.id").map(String::as_str),
    )
}

/// The latest end among a set of jobs (unfinished ones count as never ending) and which job.
#[derive(Clone, Copy)]
struct Latest {
    end: i64,
    job: usize,
}

impl Latest {
    fn add(slot: &mut Option<Latest>, end: Option<i64>, job: usize) {
        let end = end.unwrap_or(i64::MAX);
        if slot.is_none_or(|l| end >= l.end) {
            *slot = Some(Latest { end, job });
        }
    }

    /// The predecessor of a job submitted at `submit`: the latest-ending job, if every job of
    /// the set had ended by then and (with a limit) it ended at most `max_gap` before.
    fn predecessor(slot: Option<Latest>, submit: i64, max_gap: Option<u64>) -> Option<usize> {
        let l = slot?;
        if l.end > submit {
            return None;
        }
        match max_gap {
            Some(limit) if (submit - l.end) as u64 > limit => None,
            _ => Some(l.job),
        }
    }
}

/// Infers the chains among `jobs` (workload order).
pub(crate) fn infer_chains(jobs: &[ChainJob<'_>], rules: ChainRules) -> Vec<Chain> {
    let mut has_successor = vec![false; jobs.len()];
    let mut chains = Vec::new();
    let mut by_sql: BTreeMap<&str, Option<Latest>> = BTreeMap::new();
    let mut by_group: BTreeMap<(&str, Option<&str>), Option<Latest>> = BTreeMap::new();
    let mut everything: Option<Latest> = None;
    for (b, job) in jobs.iter().enumerate() {
        let sql = sql_execution(job.log);
        let group = group(job.log);
        let found = sql
            .and_then(|sql| Latest::predecessor(*by_sql.get(sql)?, job.submit, None))
            .map(|a| (a, ChainRule::SameSqlExecution))
            .or_else(|| {
                let latest = *by_group.get(&group)?;
                Latest::predecessor(latest, job.submit, Some(rules.max_gap_ms))
                    .map(|a| (a, ChainRule::BackToBack))
            })
            .or_else(|| {
                // The whole application idle, then the group's last job.
                if !rules.after_idle {
                    return None;
                }
                Latest::predecessor(everything, job.submit, None)?;
                Latest::predecessor(*by_group.get(&group)?, job.submit, None)
                    .map(|a| (a, ChainRule::IdleApplication))
            });
        if let Some((a, rule)) = found
            && !has_successor[a]
            && !jobs[a].failed
        {
            has_successor[a] = true;
            let end = jobs[a].end.unwrap_or(job.submit);
            chains.push(Chain {
                job: b,
                after: a,
                job_id: job.log.id,
                after_job_id: jobs[a].log.id,
                gap_ms: job.submit.saturating_sub(end).max(0) as u64,
                rule,
            });
        }
        if let Some(sql) = sql {
            Latest::add(by_sql.entry(sql).or_default(), job.end, b);
        }
        Latest::add(by_group.entry(group).or_default(), job.end, b);
        Latest::add(&mut everything, job.end, b);
    }
    chains
}
