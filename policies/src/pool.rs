//! The `Schedulable` tree: pools (inner nodes) and task-set managers (leaves), spec §2.
//!
//! Pools live in an arena and refer to their children by id, in insertion order (Spark's
//! `schedulableQueue`). Running-task counts are kept incrementally and propagate to every
//! ancestor; minShare and weight never aggregate. [`PoolTree::sorted_task_set_queue`] is
//! Spark's `getSortedTaskSetQueue`: a stable sort of each pool's children by the pool's own
//! comparator, flattened depth-first, with non-schedulable task sets filtered out *after*
//! the sort.

use crate::scheduling_algorithm::{SchedulableKey, ordering};
use crate::scheduling_mode::SchedulingMode;
use crate::task_set_manager::TsmId;

/// Index of a pool in its [`PoolTree`]; the root is [`PoolTree::ROOT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PoolId(pub u32);

/// A child of a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedulable {
    Pool(PoolId),
    TaskSet(TsmId),
}

/// Spark's `Pool`.
#[derive(Clone, Debug)]
pub struct Pool {
    pub name: String,
    pub mode: SchedulingMode,
    pub min_share: i32,
    pub weight: i32,
    /// Running attempts of every task-set manager in this subtree.
    pub running_tasks: i64,
    pub parent: Option<PoolId>,
    children: Vec<Schedulable>,
}

impl Pool {
    /// The children in insertion order.
    pub fn children(&self) -> &[Schedulable] {
        &self.children
    }

    fn key(&self) -> SchedulableKey<'_> {
        SchedulableKey {
            running_tasks: self.running_tasks,
            min_share: self.min_share,
            weight: self.weight,
            priority: 0,
            stage_id: -1,
            name: &self.name,
        }
    }
}

/// What the tree needs to know about its leaves, which live in the task scheduler.
pub trait TaskSetLeaves {
    /// The comparator's view of a task-set manager.
    fn key(&self, tsm: TsmId) -> SchedulableKey<'_>;
    /// `isSchedulable`: not zombie and some pending (or speculatable) task listed.
    fn is_schedulable(&self, tsm: TsmId) -> bool;
}

/// Reusable buffers of one sort: the children being ordered (key, range of the output) and
/// a copy of the range being rearranged.
struct Scratch<'a> {
    parts: Vec<(SchedulableKey<'a>, usize, usize)>,
    segment: Vec<TsmId>,
}

/// The root pool and everything below it.
#[derive(Clone, Debug)]
pub struct PoolTree {
    pools: Vec<Pool>,
}

impl PoolTree {
    /// The root pool `""`.
    pub const ROOT: PoolId = PoolId(0);

    /// `rootPool = new Pool("", schedulingMode, 0, 0)`.
    pub fn new(root_mode: SchedulingMode) -> Self {
        let root = Pool {
            name: String::new(),
            mode: root_mode,
            min_share: 0,
            weight: 0,
            running_tasks: 0,
            parent: None,
            children: Vec::new(),
        };
        PoolTree { pools: vec![root] }
    }

    /// A pool by id.
    pub fn pool(&self, id: PoolId) -> &Pool {
        &self.pools[id.0 as usize]
    }

    /// Number of pools, the root included.
    pub fn len(&self) -> usize {
        self.pools.len()
    }

    /// Always false: the root exists.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// All pools in creation order (the root first).
    pub fn pools(&self) -> impl Iterator<Item = (PoolId, &Pool)> {
        self.pools
            .iter()
            .enumerate()
            .map(|(i, p)| (PoolId(i as u32), p))
    }

    /// Appends a new pool to `parent`'s children (`Pool.addSchedulable`).
    pub fn add_pool(
        &mut self,
        parent: PoolId,
        name: &str,
        mode: SchedulingMode,
        min_share: i32,
        weight: i32,
    ) -> PoolId {
        let id = PoolId(self.pools.len() as u32);
        self.pools.push(Pool {
            name: name.to_string(),
            mode,
            min_share,
            weight,
            running_tasks: 0,
            parent: Some(parent),
            children: Vec::new(),
        });
        self.pools[parent.0 as usize]
            .children
            .push(Schedulable::Pool(id));
        id
    }

    /// Appends a task-set manager to a pool.
    pub fn add_task_set(&mut self, pool: PoolId, tsm: TsmId) {
        self.pools[pool.0 as usize]
            .children
            .push(Schedulable::TaskSet(tsm));
    }

    /// `Pool.removeSchedulable` for a finished task set.
    pub fn remove_task_set(&mut self, pool: PoolId, tsm: TsmId) {
        let children = &mut self.pools[pool.0 as usize].children;
        if let Some(pos) = children
            .iter()
            .position(|c| *c == Schedulable::TaskSet(tsm))
        {
            children.remove(pos);
        }
    }

    /// `getSchedulableByName` restricted to pools: the pool's own name map first (which keeps
    /// the *later* of two children with the same name), then each child's subtree in queue
    /// order.
    pub fn pool_by_name(&self, name: &str) -> Option<PoolId> {
        self.pool_by_name_under(Self::ROOT, name)
    }

    fn pool_by_name_under(&self, under: PoolId, name: &str) -> Option<PoolId> {
        let children = &self.pools[under.0 as usize].children;
        let direct = children.iter().rev().find_map(|c| match c {
            Schedulable::Pool(p) if self.pools[p.0 as usize].name == name => Some(*p),
            _ => None,
        });
        direct.or_else(|| {
            children.iter().find_map(|c| match c {
                Schedulable::Pool(p) => self.pool_by_name_under(*p, name),
                Schedulable::TaskSet(_) => None,
            })
        })
    }

    /// `increaseRunningTasks` / `decreaseRunningTasks` (negative `delta`): this pool and every
    /// ancestor.
    pub fn add_running_tasks(&mut self, pool: PoolId, delta: i64) {
        let mut cur = Some(pool);
        while let Some(id) = cur {
            let p = &mut self.pools[id.0 as usize];
            p.running_tasks += delta;
            cur = p.parent;
        }
    }

    /// `rootPool.getSortedTaskSetQueue`, appended to `out` (cleared first).
    pub fn sorted_task_set_queue(&self, leaves: &impl TaskSetLeaves, out: &mut Vec<TsmId>) {
        out.clear();
        let mut scratch = Scratch {
            parts: Vec::new(),
            segment: Vec::new(),
        };
        self.append_sorted(Self::ROOT, leaves, out, &mut scratch);
    }

    /// Spark sorts every child and filters task sets afterwards. Dropping what contributes
    /// nothing *before* the sort — non-schedulable task sets, and pools with no schedulable
    /// task set below them — gives the same sequence: a stable sort under a consistent
    /// comparator keeps the relative order of the remaining children. It saves most of the
    /// comparisons when many pools are idle.
    ///
    /// Each child's task sets are first appended to `out` in place; the children are then
    /// stably sorted by key and their ranges of `out` rearranged in that order.
    fn append_sorted<'a>(
        &'a self,
        pool: PoolId,
        leaves: &'a impl TaskSetLeaves,
        out: &mut Vec<TsmId>,
        scratch: &mut Scratch<'a>,
    ) {
        let p = &self.pools[pool.0 as usize];
        let start = out.len();
        let base = scratch.parts.len();
        for &child in &p.children {
            let from = out.len();
            match child {
                Schedulable::TaskSet(t) if leaves.is_schedulable(t) => {
                    out.push(t);
                    scratch.parts.push((leaves.key(t), from, from + 1));
                }
                Schedulable::TaskSet(_) => {}
                Schedulable::Pool(id) => {
                    self.append_sorted(id, leaves, out, scratch);
                    if out.len() > from {
                        scratch
                            .parts
                            .push((self.pools[id.0 as usize].key(), from, out.len()));
                    }
                }
            }
        }
        if scratch.parts.len() - base > 1 {
            scratch.parts[base..].sort_by(|a, b| ordering(p.mode, &a.0, &b.0));
            scratch.segment.clear();
            scratch.segment.extend_from_slice(&out[start..]);
            out.truncate(start);
            for &(_, from, to) in &scratch.parts[base..] {
                out.extend_from_slice(&scratch.segment[from - start..to - start]);
            }
        }
        scratch.parts.truncate(base);
    }
}
