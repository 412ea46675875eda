//! Slot decisions: which task set got each slot, in the log and in a replay.
//!
//! A *decision* is the launch of a task's first attempt (attempt 0 of the stage's first
//! attempt, not speculative). Decisions are numbered in launch order: the log's by
//! (`Launch Time`, `Task ID`) — Spark assigns task ids in launch order — and the replay's in its
//! launch order. A log decision is **contested** when, at its launch time, two or more task
//! sets had pending tasks: stages whose first attempt had been submitted (`Submission Time` at
//! or before the launch) and still had a first attempt to launch (the launching stage counts).
//! Uncontested decisions are forced and say nothing about the policy.
//!
//! Log decision *k* gave stage *s* its *c*-th slot. The replay **agrees** when it gave stage *s*
//! its *c*-th slot at decision *k'* with `|k − k'| ≤ tolerance`, the replay's number of task
//! slots (one round of slot decisions): the same task set got that slot at the same point of
//! the schedule, allowing the few-millisecond jitter that reorders launches within a round
//! (a status update or a task set arriving a few ms earlier or later). With tolerance 0 this
//! is the strict position-by-position comparison, also reported (`exact_agreed`).
//! `decision_agreement` is the share of contested log decisions the replay agrees on.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::eventlog::LoggedApplication;

/// The log's decisions: the stage of every first-attempt launch, in order, and which were
/// contested.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogDecisions {
    /// Spark stage id of decision k.
    pub stages: Vec<i64>,
    /// Whether decision k was contested.
    pub contested: Vec<bool>,
}

/// How often a replay gave contested slots to the same task set as the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct DecisionAgreement {
    /// First-attempt launches in the log.
    pub decisions: u64,
    /// Those made while two or more task sets had pending tasks.
    pub contested: u64,
    /// Contested decisions the replay made the same way (within the tolerance).
    pub agreed: u64,
    /// Contested decisions whose replay decision at the same position went to the same stage.
    pub exact_agreed: u64,
    /// The tolerance used, in decisions.
    pub tolerance: u64,
    /// `agreed / contested`; `None` without contested decisions.
    pub share: Option<f64>,
}

impl LogDecisions {
    /// The decisions of the stages in `stages` (the replayed ones).
    pub fn from_log(app: &LoggedApplication, stages: &BTreeSet<i64>) -> LogDecisions {
        let first_attempt: BTreeMap<i64, i64> = app
            .stages
            .iter()
            .filter(|s| stages.contains(&s.id))
            .filter_map(|s| s.attempts.first().map(|a| (s.id, a.attempt_id)))
            .collect();
        let mut launches: Vec<(i64, i64, i64)> = app
            .tasks
            .iter()
            .filter(|t| t.attempt == 0 && !t.speculative)
            .filter(|t| first_attempt.get(&t.stage_id) == Some(&t.stage_attempt_id))
            .map(|t| (t.launch_time, t.task_id, t.stage_id))
            .collect();
        launches.sort_unstable();
        // Per stage: submission time and the position of its last launch.
        let mut last: BTreeMap<i64, usize> = BTreeMap::new();
        for (k, &(_, _, s)) in launches.iter().enumerate() {
            last.insert(s, k);
        }
        let mut opens: Vec<(i64, i64)> = app
            .stages
            .iter()
            .filter(|s| last.contains_key(&s.id))
            .map(|s| {
                let submitted = s
                    .attempts
                    .first()
                    .and_then(|a| a.submission_time)
                    .unwrap_or(i64::MIN);
                (submitted, s.id)
            })
            .collect();
        opens.sort_unstable();
        let mut contested = Vec::with_capacity(launches.len());
        let mut active: BTreeSet<(usize, i64)> = BTreeSet::new();
        let mut next_open = 0;
        for (k, &(time, _, stage)) in launches.iter().enumerate() {
            while next_open < opens.len() && opens[next_open].0 <= time {
                let id = opens[next_open].1;
                active.insert((last[&id], id));
                next_open += 1;
            }
            while active.first().is_some_and(|&(l, _)| l < k) {
                active.pop_first();
            }
            // The launching stage is pending even if its submission time was stamped later.
            let mut pending = active.len();
            if !active.contains(&(last[&stage], stage)) {
                pending += 1;
            }
            contested.push(pending >= 2);
        }
        LogDecisions {
            stages: launches.iter().map(|&(_, _, s)| s).collect(),
            contested,
        }
    }

    /// Compares the replay's first-attempt launches (Spark stage ids, in launch order) with
    /// the log's; a stage's c-th slot agrees when both gave it within `tolerance` decisions.
    pub fn agreement(&self, replay: &[i64], tolerance: usize) -> DecisionAgreement {
        let mut result = DecisionAgreement {
            decisions: self.stages.len() as u64,
            tolerance: tolerance as u64,
            ..DecisionAgreement::default()
        };
        let mut replay_positions: HashMap<i64, Vec<usize>> = HashMap::new();
        for (k, &s) in replay.iter().enumerate() {
            replay_positions.entry(s).or_default().push(k);
        }
        let mut ordinal: HashMap<i64, usize> = HashMap::new();
        for (k, (&stage, &contested)) in self.stages.iter().zip(&self.contested).enumerate() {
            let c = ordinal.entry(stage).or_insert(0);
            let nth = *c;
            *c += 1;
            if !contested {
                continue;
            }
            result.contested += 1;
            if replay.get(k) == Some(&stage) {
                result.exact_agreed += 1;
            }
            let at = replay_positions.get(&stage).and_then(|p| p.get(nth));
            if at.is_some_and(|&r| r.abs_diff(k) <= tolerance) {
                result.agreed += 1;
            }
        }
        if result.contested > 0 {
            result.share = Some(result.agreed as f64 / result.contested as f64);
        }
        result
    }

    /// Number of contested decisions.
    pub fn contested_count(&self) -> usize {
        self.contested.iter().filter(|&&c| c).count()
    }
}
