//! What speculative execution did, per pool: copies launched, copies that won (finished
//! first), and the slot time wasted on losing attempts — attempts killed because another
//! attempt of the same task succeeded, originals and copies alike.

use crate::table::{Align, TextTable};
use serde::Serialize;
use sim::records::{AttemptStatus, SimOutput};
use std::collections::{BTreeMap, HashSet};

/// One pool's speculation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpeculationStats {
    pub pool: String,
    /// Speculative copies launched.
    pub copies: usize,
    /// Copies that succeeded (so the original lost).
    pub copies_won: usize,
    /// Attempts killed after another attempt of their task succeeded.
    pub losers: usize,
    /// Their slot time (launch to the kill landing), in ms.
    pub wasted_slot_ms: u64,
}

/// Per pool (in first-appearance order of jobs), then the total under `all`; empty when no
/// copy was launched.
pub fn speculation_by_pool(run: &SimOutput) -> Vec<SpeculationStats> {
    if !run.tasks.iter().any(|t| t.speculative) {
        return Vec::new();
    }
    let succeeded: HashSet<(u32, u32, u32)> = run
        .tasks
        .iter()
        .filter(|t| t.status == AttemptStatus::Success)
        .map(|t| (t.job, t.stage_id, t.task_index))
        .collect();
    let mut order: Vec<String> = Vec::new();
    let mut by_pool: BTreeMap<String, SpeculationStats> = BTreeMap::new();
    for job in &run.jobs {
        if !by_pool.contains_key(&job.pool) {
            order.push(job.pool.clone());
            by_pool.insert(
                job.pool.clone(),
                SpeculationStats {
                    pool: job.pool.clone(),
                    ..Default::default()
                },
            );
        }
    }
    let mut all = SpeculationStats {
        pool: crate::per_pool::ALL.to_string(),
        ..Default::default()
    };
    for t in &run.tasks {
        let Some(job) = run.jobs.get(t.job as usize) else {
            continue;
        };
        let lost = t.status == AttemptStatus::Killed
            && succeeded.contains(&(t.job, t.stage_id, t.task_index));
        for s in [
            by_pool
                .get_mut(&job.pool)
                .expect("every job's pool was added"),
            &mut all,
        ] {
            s.copies += usize::from(t.speculative);
            s.copies_won += usize::from(t.speculative && t.status == AttemptStatus::Success);
            if lost {
                s.losers += 1;
                s.wasted_slot_ms += t.finish_ms.saturating_sub(t.launch_ms);
            }
        }
    }
    let mut rows: Vec<SpeculationStats> = order
        .into_iter()
        .filter_map(|p| by_pool.remove(&p))
        .collect();
    rows.push(all);
    rows
}

/// The terminal table, or an empty string when no copy was launched.
pub fn speculation_table(rows: &[SpeculationStats]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut table = TextTable::new([
        ("pool", Align::Left),
        ("copies", Align::Right),
        ("won", Align::Right),
        ("losers killed", Align::Right),
        ("wasted slot-s", Align::Right),
    ]);
    for (i, r) in rows.iter().enumerate() {
        if i + 1 == rows.len() {
            table.rule();
        }
        table.row(vec![
            r.pool.clone(),
            r.copies.to_string(),
            r.copies_won.to_string(),
            r.losers.to_string(),
            format!("{:.3}", r.wasted_slot_ms as f64 / 1000.0),
        ]);
    }
    format!(
        "{}speculation: copies launched, copies that finished first, attempts killed because another attempt \
         of their task succeeded, and the slot time those losers held\n",
        table.render()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::records::{JobRecord, JobStatus, TaskRecord};

    fn job(pool: &str) -> JobRecord {
        JobRecord {
            job_id: Some(0),
            name: "j".into(),
            pool: pool.into(),
            submit_ms: Some(0),
            first_launch_ms: Some(0),
            end_ms: Some(10),
            tasks: 2,
            status: JobStatus::Succeeded,
            failure: None,
            stage_ids: vec![0],
        }
    }

    fn task(
        index: u32,
        launch: u64,
        finish: u64,
        status: AttemptStatus,
        speculative: bool,
    ) -> TaskRecord {
        TaskRecord {
            job: 0,
            stage_id: 0,
            stage_attempt: 0,
            task_index: index,
            attempt: u32::from(speculative),
            executor: 0,
            launch_ms: launch,
            finish_ms: finish,
            status,
            speculative,
        }
    }

    #[test]
    fn counts_copies_winners_and_wasted_slot_time() {
        let run = SimOutput {
            jobs: vec![job("etl")],
            tasks: vec![
                task(0, 0, 900, AttemptStatus::Killed, false),
                task(0, 300, 800, AttemptStatus::Success, true),
                task(1, 0, 500, AttemptStatus::Success, false),
                task(1, 400, 560, AttemptStatus::Killed, true),
            ],
            ..SimOutput::default()
        };
        let rows = speculation_by_pool(&run);
        assert_eq!(rows.len(), 2);
        let etl = &rows[0];
        assert_eq!(
            (etl.copies, etl.copies_won, etl.losers, etl.wasted_slot_ms),
            (2, 1, 2, 1060)
        );
        assert_eq!(rows[1].pool, "all");
        assert!(speculation_table(&rows).contains("1.060"));
    }

    #[test]
    fn nothing_without_copies() {
        let run = SimOutput {
            jobs: vec![job("a")],
            tasks: vec![task(0, 0, 5, AttemptStatus::Success, false)],
            ..SimOutput::default()
        };
        assert!(speculation_by_pool(&run).is_empty());
        assert_eq!(speculation_table(&[]), "");
    }
}
