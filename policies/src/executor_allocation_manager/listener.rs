//! `ExecutorAllocationListener`'s bookkeeping (DA spec A.4): per stage attempt, the tasks
//! submitted, running, started indices, speculative indices running and pending, the
//! attempts of each resource profile, unschedulable attempts and executor-placement hints.
//!
//! Only the maps and the derived sums live here; the callbacks into the manager
//! (`onSchedulerBacklogged`, `onSchedulerQueueEmpty`) are made by the manager, which reads
//! [`AllocationListener::has_pending_tasks`] at the points Spark does.

use std::collections::{BTreeMap, BTreeSet};

/// `StageAttempt(stageId, stageAttemptId)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StageAttempt {
    pub stage_id: u32,
    pub attempt: u32,
}

/// `(numTasksPending with a preference, host → count, resource profile)` of one attempt.
#[derive(Clone, Debug, Default)]
pub(super) struct PlacementHint {
    pub locality_aware_tasks: i32,
    pub host_to_count: BTreeMap<String, i32>,
    pub resource_profile_id: i32,
}

#[derive(Clone, Debug, Default)]
pub(super) struct AllocationListener {
    /// `stageAttemptToNumTasks`.
    pub num_tasks: BTreeMap<StageAttempt, i64>,
    /// `stageAttemptToNumRunningTask` (speculative copies included; kept after completion).
    pub num_running: BTreeMap<StageAttempt, i64>,
    /// `stageAttemptToTaskIndices`: non-speculative indices started (and not failed).
    pub task_indices: BTreeMap<StageAttempt, BTreeSet<u32>>,
    /// `stageAttemptToSpeculativeTaskIndices`: speculative indices running.
    pub speculative_task_indices: BTreeMap<StageAttempt, BTreeSet<u32>>,
    /// `stageAttemptToPendingSpeculativeTasks`: indices submitted for speculation, not started.
    pub pending_speculative_tasks: BTreeMap<StageAttempt, BTreeSet<u32>>,
    /// `resourceProfileIdToStageAttempt`.
    pub resource_profile_to_attempts: BTreeMap<i32, BTreeSet<StageAttempt>>,
    /// `unschedulableTaskSets`.
    pub unschedulable_task_sets: BTreeSet<StageAttempt>,
    /// `stageAttemptToExecutorPlacementHints`.
    pub placement_hints: BTreeMap<StageAttempt, PlacementHint>,
}

impl AllocationListener {
    /// `removeStageFromResourceProfileIfUnused`.
    pub fn remove_stage_from_resource_profile_if_unused(&mut self, sa: StageAttempt) {
        if self.num_running.contains_key(&sa)
            || self.num_tasks.contains_key(&sa)
            || self.pending_speculative_tasks.contains_key(&sa)
            || self.task_indices.contains_key(&sa)
            || self.speculative_task_indices.contains_key(&sa)
        {
            return;
        }
        let owners: Vec<i32> = self
            .resource_profile_to_attempts
            .iter()
            .filter(|(_, attempts)| attempts.contains(&sa))
            .map(|(&rp, _)| rp)
            .collect();
        // Spark only warns when the attempt belongs to no profile (or several).
        if let [rp] = owners[..]
            && let Some(attempts) = self.resource_profile_to_attempts.get_mut(&rp)
        {
            attempts.remove(&sa);
        }
    }

    fn attempts_of(&self, rp: i32) -> impl Iterator<Item = StageAttempt> + '_ {
        self.resource_profile_to_attempts
            .get(&rp)
            .into_iter()
            .flat_map(|s| s.iter().copied())
    }

    /// `getPendingTaskSum`: tasks never started (or failed and not restarted).
    fn pending_task_sum(&self, sa: StageAttempt) -> i64 {
        let total = self.num_tasks.get(&sa).copied().unwrap_or(0);
        let started = self.task_indices.get(&sa).map_or(0, |s| s.len() as i64);
        total - started
    }

    /// `getPendingSpeculativeTaskSum`.
    fn pending_speculative_task_sum(&self, sa: StageAttempt) -> i64 {
        self.pending_speculative_tasks
            .get(&sa)
            .map_or(0, |s| s.len() as i64)
    }

    /// `pendingTasksPerResourceProfile`.
    pub fn pending_tasks(&self, rp: i32) -> i64 {
        self.attempts_of(rp).map(|a| self.pending_task_sum(a)).sum()
    }

    /// `pendingSpeculativeTasksPerResourceProfile`.
    pub fn pending_speculative_tasks(&self, rp: i32) -> i64 {
        self.attempts_of(rp)
            .map(|a| self.pending_speculative_task_sum(a))
            .sum()
    }

    /// `pendingUnschedulableTaskSetsPerResourceProfile`.
    pub fn pending_unschedulable_task_sets(&self, rp: i32) -> i64 {
        self.attempts_of(rp)
            .filter(|a| self.unschedulable_task_sets.contains(a))
            .count() as i64
    }

    /// `totalRunningTasksPerResourceProfile`.
    pub fn total_running_tasks(&self, rp: i32) -> i64 {
        self.attempts_of(rp)
            .map(|a| self.num_running.get(&a).copied().unwrap_or(0))
            .sum()
    }

    /// `hasPendingTasks`: any attempt of any profile with a pending regular or speculative
    /// task.
    pub fn has_pending_tasks(&self) -> bool {
        self.resource_profile_to_attempts.values().any(|attempts| {
            attempts
                .iter()
                .any(|&a| self.pending_speculative_task_sum(a) > 0 || self.pending_task_sum(a) > 0)
        })
    }

    /// `updateExecutorPlacementHints`: (locality-aware tasks per profile, host → tasks per
    /// profile). Profiles with no hint entry are absent, as in Spark's rebuilt maps.
    pub fn executor_placement_hints(
        &self,
    ) -> (BTreeMap<i32, i32>, BTreeMap<i32, BTreeMap<String, i32>>) {
        let mut aware: BTreeMap<i32, i32> = BTreeMap::new();
        let mut hosts: BTreeMap<i32, BTreeMap<String, i32>> = BTreeMap::new();
        for hint in self.placement_hints.values() {
            *aware.entry(hint.resource_profile_id).or_insert(0) += hint.locality_aware_tasks;
            for (host, count) in &hint.host_to_count {
                *hosts
                    .entry(hint.resource_profile_id)
                    .or_default()
                    .entry(host.clone())
                    .or_insert(0) += count;
            }
        }
        (aware, hosts)
    }
}
