//! Exact descriptive statistics over millisecond samples (`u64`): mean and quantiles.
//!
//! **One quantile definition, everywhere in sparksim: nearest rank.** For a sample of `n`
//! values sorted ascending, the `q`-quantile is the value at 1-based rank `ceil(q·n)`, with the
//! rank clamped to `1..=n` (so `q = 0` gives the minimum and `q = 1` the maximum). It is always
//! one of the observed values: no interpolation. `q` is first rounded to the nearest millionth so
//! that floating-point noise cannot move the rank (`0.07 × 100` is rank 7, not 8).
//!
//! This module only computes; it knows nothing of jobs, pools or output formats.

use serde::Serialize;

/// `q` is rounded to this many parts before computing the rank.
const Q_SCALE: u128 = 1_000_000;

/// The nearest-rank `q`-quantile of `sorted` (ascending), or `None` if it is empty or `q` is NaN.
///
/// `q` outside `[0, 1]` is clamped. See the module docs for the definition.
pub fn quantile(sorted: &[u64], q: f64) -> Option<u64> {
    let rank = nearest_rank(sorted.len(), q)?;
    sorted.get(rank - 1).copied()
}

/// The 1-based rank `ceil(q·n)` clamped to `1..=n`; `None` if `n == 0` or `q` is NaN.
fn nearest_rank(n: usize, q: f64) -> Option<usize> {
    if n == 0 || q.is_nan() {
        return None;
    }
    // Exact: `q_parts` is an integer in 0..=Q_SCALE, so the rank is integer arithmetic.
    let q_parts = (q.clamp(0.0, 1.0) * Q_SCALE as f64).round() as u128;
    let rank = (q_parts * n as u128).div_ceil(Q_SCALE);
    Some((rank as usize).clamp(1, n))
}

/// The arithmetic mean, or `None` for an empty sample. Summed exactly in `u128`.
pub fn mean(values: &[u64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let sum: u128 = values.iter().map(|&v| u128::from(v)).sum();
    Some(sum as f64 / values.len() as f64)
}

/// A sample kept sorted, so quantiles are cheap and always use the module's definition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    sorted: Vec<u64>,
}

impl Sample {
    /// Sorts `values`.
    pub fn new(mut values: Vec<u64>) -> Sample {
        values.sort_unstable();
        Sample { sorted: values }
    }

    /// The values, ascending.
    pub fn sorted(&self) -> &[u64] {
        &self.sorted
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The nearest-rank `q`-quantile (see the module docs).
    pub fn quantile(&self, q: f64) -> Option<u64> {
        quantile(&self.sorted, q)
    }

    /// The arithmetic mean.
    pub fn mean(&self) -> Option<f64> {
        mean(&self.sorted)
    }

    /// The summary this crate reports for a sample.
    pub fn dist(&self) -> Dist {
        Dist {
            count: self.len(),
            mean_ms: self.mean(),
            min_ms: self.sorted.first().copied(),
            p50_ms: self.quantile(0.50),
            p95_ms: self.quantile(0.95),
            p99_ms: self.quantile(0.99),
            max_ms: self.sorted.last().copied(),
        }
    }
}

/// The summary of a sample of durations in ms. Every statistic is `None` when `count` is 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dist {
    pub count: usize,
    pub mean_ms: Option<f64>,
    pub min_ms: Option<u64>,
    pub p50_ms: Option<u64>,
    pub p95_ms: Option<u64>,
    pub p99_ms: Option<u64>,
    pub max_ms: Option<u64>,
}

impl Dist {
    /// Summarises `values` (any order).
    pub fn of(values: Vec<u64>) -> Dist {
        Sample::new(values).dist()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_sample_has_no_statistics() {
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(mean(&[]), None);
        let d = Dist::of(vec![]);
        assert_eq!(d, Dist::default());
    }

    #[test]
    fn one_value_is_every_quantile() {
        for q in [0.0, 0.01, 0.5, 0.95, 0.99, 1.0] {
            assert_eq!(quantile(&[42], q), Some(42));
        }
        assert_eq!(mean(&[42]), Some(42.0));
    }

    #[test]
    fn two_values_median_is_the_lower() {
        let s = [10, 20];
        assert_eq!(quantile(&s, 0.0), Some(10));
        assert_eq!(quantile(&s, 0.5), Some(10)); // rank ceil(1.0) = 1
        assert_eq!(quantile(&s, 0.51), Some(20)); // rank ceil(1.02) = 2
        assert_eq!(quantile(&s, 0.95), Some(20));
        assert_eq!(quantile(&s, 1.0), Some(20));
        assert_eq!(mean(&s), Some(15.0));
    }

    #[test]
    fn ties_return_the_tied_value() {
        let s = [5, 7, 7, 7, 9];
        assert_eq!(quantile(&s, 0.3), Some(7)); // rank 2
        assert_eq!(quantile(&s, 0.5), Some(7)); // rank 3
        assert_eq!(quantile(&s, 0.8), Some(7)); // rank 4
        assert_eq!(quantile(&s, 0.81), Some(9)); // rank 5
    }

    #[test]
    fn hundred_values_hit_exact_ranks() {
        let s: Vec<u64> = (1..=100).collect();
        assert_eq!(quantile(&s, 0.07), Some(7)); // 0.07 * 100 is 7.000000000000001 in f64
        assert_eq!(quantile(&s, 0.5), Some(50));
        assert_eq!(quantile(&s, 0.95), Some(95));
        assert_eq!(quantile(&s, 0.99), Some(99));
        assert_eq!(quantile(&s, 0.999), Some(100));
    }

    #[test]
    fn out_of_range_q_is_clamped_and_nan_is_none() {
        assert_eq!(quantile(&[1, 2, 3], -1.0), Some(1));
        assert_eq!(quantile(&[1, 2, 3], 2.0), Some(3));
        assert_eq!(quantile(&[1, 2, 3], f64::NAN), None);
    }

    #[test]
    fn mean_does_not_overflow() {
        assert_eq!(mean(&[u64::MAX, u64::MAX]), Some(u64::MAX as f64));
    }

    #[test]
    fn dist_summarises_unsorted_input() {
        let d = Dist::of(vec![300, 100, 200]);
        assert_eq!(d.count, 3);
        assert_eq!(d.mean_ms, Some(200.0));
        assert_eq!(
            (d.min_ms, d.p50_ms, d.p95_ms, d.p99_ms, d.max_ms),
            (Some(100), Some(200), Some(300), Some(300), Some(300))
        );
    }

    proptest! {
        /// The nearest-rank definition, restated: the result is a sample value `v` with at least
        /// `ceil(q·n)` values `<= v` and fewer than `ceil(q·n)` values `< v`.
        #[test]
        fn quantile_matches_the_rank_definition(mut v in prop::collection::vec(0u64..50, 1..60), pct in 0u32..=100) {
            v.sort_unstable();
            let q = f64::from(pct) / 100.0;
            let rank = ((pct as usize * v.len()).div_ceil(100)).max(1);
            let x = quantile(&v, q).unwrap();
            prop_assert!(v.iter().filter(|&&y| y <= x).count() >= rank);
            prop_assert!(v.iter().filter(|&&y| y < x).count() < rank);
        }
    }
}
