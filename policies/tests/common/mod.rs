//! Helpers shared by the conformance suites: a fake scheduler that knows its executors
//! (TaskSetManagerSuite's `FakeTaskScheduler`) and task-set builders (`FakeTask`).
#![allow(dead_code)]

use policies::executors::{ExecId, ExecutorRegistry, HostId};
use policies::locality::{TaskLocality, TaskLocation};
use policies::pool::PoolTree;
use policies::scheduling_mode::SchedulingMode;
use policies::spark_version::SparkVersion;
use policies::speculation::{DecommissionStates, SpeculationSettings};
use policies::task_set_manager::{
    DequeuedTask, SchedulerContext, TaskSet, TaskSetManager, TsmSettings,
};

/// `spark.locality.wait` in the suites.
pub const W: u64 = 3000;

/// A preferred location in test notation: `H(h)`, `E(h, e)`, `C(h)`.
#[derive(Clone, Copy)]
pub enum Loc {
    H(&'static str),
    E(&'static str, &'static str),
    C(&'static str),
}

/// The fake scheduler: executors alive from the start, hosts without racks unless given.
pub struct Fake {
    pub ctx: SchedulerContext,
}

impl Fake {
    pub fn new(executors: &[(&str, &str)]) -> Self {
        let mut fake = Fake {
            ctx: SchedulerContext {
                executors: ExecutorRegistry::new(),
                pools: PoolTree::new(SchedulingMode::Fifo),
                next_task_id: 0,
            },
        };
        for &(e, h) in executors {
            fake.add_executor(e, h);
        }
        fake
    }

    pub fn set_rack(&mut self, host: &str, rack: &str) {
        let h = self.ctx.executors.host(host);
        let r = self.ctx.executors.rack(rack);
        self.ctx.executors.set_rack(h, r);
    }

    pub fn add_executor(&mut self, exec: &str, host: &str) {
        let h = self.ctx.executors.host(host);
        let e = self.ctx.executors.executor(exec);
        self.ctx.executors.add_executor(e, h);
    }

    pub fn remove_executor(&mut self, exec: &str) {
        let e = self.ctx.executors.executor(exec);
        self.ctx.executors.remove_executor(e);
    }

    pub fn ids(&mut self, exec: &str, host: &str) -> (ExecId, HostId) {
        (
            self.ctx.executors.executor(exec),
            self.ctx.executors.host(host),
        )
    }

    pub fn location(&mut self, loc: Loc) -> TaskLocation {
        let r = &mut self.ctx.executors;
        match loc {
            Loc::H(h) => TaskLocation::Host(r.host(h)),
            Loc::E(h, e) => TaskLocation::ExecutorCache {
                host: r.host(h),
                executor: r.executor(e),
            },
            Loc::C(h) => TaskLocation::HdfsCache(r.host(h)),
        }
    }

    /// `FakeTask.createTaskSet(n, prefs…)`: stage 0, attempt 0, priority 0.
    pub fn task_set(&mut self, prefs: &[&[Loc]]) -> TaskSet {
        TaskSet {
            preferred_locations: prefs
                .iter()
                .map(|p| p.iter().map(|&l| self.location(l)).collect())
                .collect(),
            ..TaskSet::default()
        }
    }

    pub fn tsm(&mut self, prefs: &[&[Loc]], settings: TsmSettings) -> TaskSetManager {
        let ts = self.task_set(prefs);
        TaskSetManager::new(ts, PoolTree::ROOT, settings, &self.ctx.executors, 0)
    }

    /// A direct `TSM.resourceOffer` call; returns the launched task index.
    pub fn offer(
        &mut self,
        tsm: &mut TaskSetManager,
        now: u64,
        exec: &str,
        host: &str,
        level: TaskLocality,
    ) -> Option<u32> {
        let (e, h) = self.ids(exec, host);
        tsm.resource_offer(now, e, h, level, &mut self.ctx)
            .task
            .map(|t| t.index)
    }

    /// A direct `TSM.resourceOffer` call; returns the whole dequeued task.
    pub fn offer_task(
        &mut self,
        tsm: &mut TaskSetManager,
        now: u64,
        exec: &str,
        host: &str,
        level: TaskLocality,
    ) -> Option<DequeuedTask> {
        let (e, h) = self.ids(exec, host);
        tsm.resource_offer(now, e, h, level, &mut self.ctx).task
    }

    /// A direct `TSM.checkSpeculatableTasks(minTime)` with no executor decommissioned;
    /// returns the indices it marked speculatable.
    pub fn check(&self, tsm: &mut TaskSetManager, now: u64, min_time_ms: u64) -> Vec<u32> {
        self.check_with(tsm, now, min_time_ms, &DecommissionStates::new())
    }

    /// As [`Fake::check`], with decommission notices.
    pub fn check_with(
        &self,
        tsm: &mut TaskSetManager,
        now: u64,
        min_time_ms: u64,
        decommissions: &DecommissionStates,
    ) -> Vec<u32> {
        tsm.find_speculatable_tasks(now, min_time_ms, &self.ctx.executors, decommissions)
    }

    /// The last launched attempt's task id.
    pub fn last_tid(&self) -> u64 {
        self.ctx.next_task_id - 1
    }
}

/// `TsmSettings` with `spark.speculation=true`: `version`'s defaults, then `edit`.
pub fn speculative(
    version: SparkVersion,
    edit: impl FnOnce(&mut SpeculationSettings),
) -> TsmSettings {
    let mut s = SpeculationSettings::for_version(version);
    edit(&mut s);
    TsmSettings {
        speculation: Some(s),
        ..TsmSettings::default()
    }
}

/// No preferences for `n` tasks.
pub fn none(n: usize) -> Vec<&'static [Loc]> {
    vec![&[]; n]
}
