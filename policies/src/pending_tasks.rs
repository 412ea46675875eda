//! `PendingTasksByLocality`: the per-locality stacks of task indices a task-set manager
//! dequeues from (spec §6.1, §6.2, §6.6).
//!
//! Every list is a stack: push at the end, search from the end. Entries are removed lazily,
//! so a stack may hold indices that are already running or successful ("stale"); the
//! dequeue and `hasSchedulable` rules below discard them when they reach them. Maps are
//! `BTreeMap`s so iteration is deterministic (Spark iterates a `HashMap`; the answers of
//! `moreTasksToRunIn` do not depend on that order).

use crate::executors::{ExecId, HostId, RackId};
use std::collections::BTreeMap;

/// One set of pending stacks (regular tasks, or speculatable copies).
#[derive(Clone, Debug, Default)]
pub struct PendingTasksByLocality {
    pub for_executor: BTreeMap<ExecId, Vec<u32>>,
    pub for_host: BTreeMap<HostId, Vec<u32>>,
    pub for_rack: BTreeMap<RackId, Vec<u32>>,
    pub no_prefs: Vec<u32>,
    pub all: Vec<u32>,
}

/// The per-index state the lazy clean-up rules read.
pub struct TaskStates<'a> {
    pub copies_running: &'a [u32],
    pub successful: &'a [bool],
}

impl TaskStates<'_> {
    fn needs_scheduling(&self, index: u32) -> bool {
        self.copies_running[index as usize] == 0 && !self.successful[index as usize]
    }
}

/// `tasksNeedToBeScheduledFrom`: pops stale entries off the top; true at the first entry that
/// still needs scheduling.
fn tasks_need_to_be_scheduled_from(stack: &mut Vec<u32>, states: &TaskStates<'_>) -> bool {
    while let Some(&top) = stack.last() {
        if states.needs_scheduling(top) {
            return true;
        }
        stack.pop();
    }
    false
}

/// `moreTasksToRunIn`: true if some key's stack has a task that needs scheduling; keys whose
/// stacks were emptied on the way are removed.
pub fn more_tasks_to_run_in<K: Ord + Copy>(
    map: &mut BTreeMap<K, Vec<u32>>,
    states: &TaskStates<'_>,
) -> bool {
    let mut empty_keys = Vec::new();
    let mut found = false;
    for (key, stack) in map.iter_mut() {
        if tasks_need_to_be_scheduled_from(stack, states) {
            found = true;
            break;
        }
        empty_keys.push(*key);
    }
    for key in empty_keys {
        map.remove(&key);
    }
    found
}

impl PendingTasksByLocality {
    /// True if no stack of `all` holds anything (stale entries included).
    pub fn all_is_empty(&self) -> bool {
        self.all.is_empty()
    }
}
