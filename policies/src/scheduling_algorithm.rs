//! `SchedulingAlgorithm`: the FIFO and FAIR comparators (spec §3), identical in 3.5 and 4.0.
//!
//! Spark writes them as a "less-than" predicate for Scala's stable `sortWith`. Here each is
//! the same predicate, and [`ordering`] derives the `Ordering` that Rust's stable `sort_by`
//! needs: `Less` if `lt(a, b)`, `Greater` if `lt(b, a)`, otherwise `Equal` (insertion order
//! is kept).

use crate::java::{compare_double, compare_string};
use crate::scheduling_mode::SchedulingMode;
use std::cmp::Ordering;

/// What a comparator reads from a pool or a task-set manager (spec §2.1).
#[derive(Clone, Copy, Debug)]
pub struct SchedulableKey<'a> {
    /// Running attempts in the subtree (pools) or `runningTasksSet.size` (TSMs).
    pub running_tasks: i64,
    /// A pool's configured minShare; 0 for TSMs.
    pub min_share: i32,
    /// A pool's configured weight; 1 for TSMs.
    pub weight: i32,
    /// 0 for pools; the job id for TSMs.
    pub priority: i64,
    /// -1 for pools; the stage id for TSMs.
    pub stage_id: i64,
    /// The pool's name, or `TaskSet_<stage>.<attempt>`.
    pub name: &'a str,
}

/// `FIFOSchedulingAlgorithm.comparator`: smaller priority (job id) first, then smaller stage id.
/// Names are never consulted.
pub fn fifo_less_than(s1: &SchedulableKey<'_>, s2: &SchedulableKey<'_>) -> bool {
    let mut r = (s1.priority - s2.priority).signum();
    if r == 0 {
        r = (s1.stage_id - s2.stage_id).signum();
    }
    r < 0
}

/// `FairSchedulingAlgorithm.comparator`: needy (running < minShare) first; among needy the
/// smaller running/minShare; among the rest the smaller running/weight (Java double
/// semantics, so weight 0 gives +∞ or NaN and sorts last); then the name as a Java string.
pub fn fair_less_than(s1: &SchedulableKey<'_>, s2: &SchedulableKey<'_>) -> bool {
    let (r1, r2) = (s1.running_tasks, s2.running_tasks);
    let needy1 = r1 < i64::from(s1.min_share);
    let needy2 = r2 < i64::from(s2.min_share);
    let min_share_ratio = |r: i64, min_share: i32| r as f64 / f64::from(min_share).max(1.0);
    let weight_ratio = |r: i64, weight: i32| r as f64 / f64::from(weight);
    if needy1 && !needy2 {
        return true;
    }
    if needy2 && !needy1 {
        return false;
    }
    let c = if needy1 && needy2 {
        compare_double(
            min_share_ratio(r1, s1.min_share),
            min_share_ratio(r2, s2.min_share),
        )
    } else {
        compare_double(weight_ratio(r1, s1.weight), weight_ratio(r2, s2.weight))
    };
    match c {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => compare_string(s1.name, s2.name) == Ordering::Less,
    }
}

/// The `Ordering` for a stable sort that reproduces Scala's `sortWith(lt)`.
pub fn ordering(mode: SchedulingMode, a: &SchedulableKey<'_>, b: &SchedulableKey<'_>) -> Ordering {
    let lt = match mode {
        SchedulingMode::Fifo => fifo_less_than,
        SchedulingMode::Fair => fair_less_than,
    };
    if lt(a, b) {
        Ordering::Less
    } else if lt(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(name: &str, running: i64, min_share: i32, weight: i32) -> SchedulableKey<'_> {
        SchedulableKey {
            running_tasks: running,
            min_share,
            weight,
            priority: 0,
            stage_id: -1,
            name,
        }
    }

    #[test]
    fn fifo_orders_by_priority_then_stage_and_ignores_names() {
        let a = SchedulableKey {
            priority: 1,
            stage_id: 5,
            ..pool("z", 0, 0, 1)
        };
        let b = SchedulableKey {
            priority: 2,
            stage_id: 0,
            ..pool("a", 0, 0, 1)
        };
        assert!(fifo_less_than(&a, &b));
        let c = SchedulableKey {
            priority: 1,
            stage_id: 3,
            ..pool("z", 0, 0, 1)
        };
        assert!(fifo_less_than(&c, &a));
        assert_eq!(ordering(SchedulingMode::Fifo, &a, &a), Ordering::Equal);
    }

    #[test]
    fn fair_needy_first_then_ratios_then_string_names() {
        assert!(fair_less_than(&pool("b", 1, 2, 1), &pool("a", 0, 0, 1)));
        assert!(fair_less_than(&pool("b", 1, 4, 1), &pool("a", 1, 2, 1)));
        assert!(fair_less_than(&pool("b", 3, 0, 3), &pool("a", 2, 0, 1)));
        assert!(fair_less_than(&pool("10", 0, 0, 1), &pool("2", 0, 0, 1)));
        assert!(!fair_less_than(&pool("x", 0, 0, 1), &pool("x", 0, 0, 1)));
    }

    #[test]
    fn fair_weight_zero_sorts_after_finite_ratios_and_nan_after_infinity() {
        let infinite = pool("a", 1, 0, 0); // 1/0 = +inf
        let nan = pool("a", 0, 0, 0); // 0/0 = NaN
        let busy = pool("z", 100, 0, 1);
        assert!(fair_less_than(&busy, &infinite));
        assert!(fair_less_than(&infinite, &nan));
        assert!(!fair_less_than(&nan, &infinite));
    }
}
