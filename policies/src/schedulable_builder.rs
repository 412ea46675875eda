//! `SchedulableBuilder`: where a new task-set manager goes in the pool tree (spec §4.1, §4.4).
//!
//! FIFO mode puts every TSM directly under the root and ignores `spark.scheduler.pool`. FAIR
//! mode puts it in the pool its job names (`default` when unset); a name with no pool gets a
//! new FIFO pool with weight 1 and minShare 0, appended to the root.

use crate::fair_schedulable_builder::DEFAULT_POOL_NAME;
use crate::pool::{PoolId, PoolTree};
use crate::scheduling_mode::SchedulingMode;

/// A configured pool, as the root's child: name, mode, minShare, weight.
pub type PoolDef<'a> = (&'a str, SchedulingMode, i32, i32);

/// The builder chosen by `spark.scheduler.mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchedulableBuilder {
    Fifo,
    Fair,
}

/// Where a TSM was placed, and the pool created for an unknown name, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub pool: PoolId,
    /// Set when FAIR mode created a pool for a name the configuration lacks (Spark logs a
    /// WARN).
    pub created_pool: Option<String>,
}

impl SchedulableBuilder {
    /// Builds the pool tree: for FAIR, one pool per built pool in order under the root.
    pub fn build_tree<'a>(
        root_mode: SchedulingMode,
        pools: impl IntoIterator<Item = PoolDef<'a>>,
    ) -> (Self, PoolTree) {
        let mut tree = PoolTree::new(root_mode);
        match root_mode {
            SchedulingMode::Fifo => (SchedulableBuilder::Fifo, tree),
            SchedulingMode::Fair => {
                for (name, mode, min_share, weight) in pools {
                    tree.add_pool(PoolTree::ROOT, name, mode, min_share, weight);
                }
                (SchedulableBuilder::Fair, tree)
            }
        }
    }

    /// `addTaskSetManager(tsm, properties)`: the pool for a job's `spark.scheduler.pool`.
    pub fn pool_for(self, tree: &mut PoolTree, pool_property: Option<&str>) -> Placement {
        match self {
            SchedulableBuilder::Fifo => Placement {
                pool: PoolTree::ROOT,
                created_pool: None,
            },
            SchedulableBuilder::Fair => {
                let name = pool_property.unwrap_or(DEFAULT_POOL_NAME);
                match tree.pool_by_name(name) {
                    Some(pool) => Placement {
                        pool,
                        created_pool: None,
                    },
                    None => {
                        let pool = tree.add_pool(PoolTree::ROOT, name, SchedulingMode::Fifo, 0, 1);
                        Placement {
                            pool,
                            created_pool: Some(name.to_string()),
                        }
                    }
                }
            }
        }
    }
}
