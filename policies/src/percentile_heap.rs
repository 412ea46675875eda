//! `successfulTaskDurations`: the running "median" of successful task durations that
//! speculation compares running tasks against (spec §7.5).
//!
//! Three Spark structures are reproduced, selected by [`MedianRule`] (the version preset):
//!
//! * [`MedianRule::Upper`] (3.5, 4.0: `PercentileHeap` after SPARK-42528): the *upper*
//!   median `sorted[floor(n * 0.5)]`, never an average.
//! * [`MedianRule::MeanOfMiddle`] (≤ 3.3: `MedianHeap`): the middle value for odd n, the mean
//!   of the two middle values for even n.
//! * [`MedianRule::PercentileHeap34`] (3.4: `PercentileHeap` of SPARK-41530): two heaps
//!   rebalanced by a "deviation" from the 50/50 split; `percentile` averages the two heap tops
//!   whenever both are non-empty and `|deviation / n| < 0.01`. With the 0.5 split the
//!   deviation is `(small - large) / 2`, i.e. 0 for even n and ±0.5 for odd n, so for
//!   **odd n ≥ 51** (`0.5 / n < 0.01`) it also averages the middle value with its neighbour.
//!   That is what the 3.4 code does (spec §7.5 says "in effect even n", which holds for
//!   n ≤ 49 only); the answer there is *not* the median.
//!
//! All three are the two-heap structures Spark uses, with Spark's insertion and rebalancing
//! rules: O(log n) insert, O(1) query. For 3.3 and 3.5+ the answer only depends on the
//! multiset inserted (the sorted definitions above); for 3.4 it can depend on the insertion
//! order, which is why the heaps are kept rather than a sorted vector.
//!
//! Durations are whole milliseconds (`info.duration`, a `Long` that Spark converts to
//! `Double`); answers are `f64` because the 3.3/3.4 rules can return a mean.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::spark_version::MedianRule;

/// Spark's `PercentileHeap` / `MedianHeap` at percentage 0.5, by version rule.
#[derive(Clone, Debug)]
pub struct PercentileHeap {
    rule: MedianRule,
    /// Values below the percentile (max-heap): Spark's `smallHeap` / `smallerHalf` / `botHeap`.
    small: BinaryHeap<u64>,
    /// Values at or above it (min-heap): Spark's `largeHeap` / `largerHalf` / `topHeap`.
    large: BinaryHeap<Reverse<u64>>,
}

impl PercentileHeap {
    /// An empty heap answering with `rule`.
    pub fn new(rule: MedianRule) -> Self {
        PercentileHeap {
            rule,
            small: BinaryHeap::new(),
            large: BinaryHeap::new(),
        }
    }

    /// The rule this heap follows.
    pub fn rule(&self) -> MedianRule {
        self.rule
    }

    /// `size()`: number of values inserted.
    pub fn len(&self) -> usize {
        self.small.len() + self.large.len()
    }

    /// `isEmpty()`.
    pub fn is_empty(&self) -> bool {
        self.small.is_empty() && self.large.is_empty()
    }

    fn small_top(&self) -> Option<u64> {
        self.small.peek().copied()
    }

    fn large_top(&self) -> Option<u64> {
        self.large.peek().map(|r| r.0)
    }

    /// `percentile()` / `median`: `None` when empty (where Spark throws).
    pub fn percentile(&self) -> Option<f64> {
        if self.is_empty() {
            return None;
        }
        let (s, l) = (self.small.len(), self.large.len());
        match self.rule {
            MedianRule::Upper => self.large_top().map(|v| v as f64),
            MedianRule::MeanOfMiddle => {
                if s == l {
                    Some(mean(self.large_top()?, self.small_top()?))
                } else if l > s {
                    self.large_top().map(|v| v as f64)
                } else {
                    self.small_top().map(|v| v as f64)
                }
            }
            MedianRule::PercentileHeap34 => {
                let dev = deviation(s, l);
                if s > 0 && l > 0 && (dev / (s + l) as f64).abs() < 0.01 {
                    Some(mean(self.large_top()?, self.small_top()?))
                } else if dev < 0.0 {
                    self.large_top().map(|v| v as f64)
                } else {
                    self.small_top().map(|v| v as f64)
                }
            }
        }
    }

    /// `insert(x)` with the version's rebalancing.
    pub fn insert(&mut self, x: u64) {
        match self.rule {
            MedianRule::Upper => self.insert_upper(x),
            MedianRule::MeanOfMiddle => self.insert_median_heap(x),
            MedianRule::PercentileHeap34 => self.insert_percentile_heap_34(x),
        }
    }

    /// 3.5+: grow the small heap when `floor((n + 1) * 0.5)` exceeds it; the percentile is the
    /// large heap's minimum.
    fn insert_upper(&mut self, x: u64) {
        let Some(p) = self.large_top() else {
            self.large.push(Reverse(x));
            return;
        };
        // Spark: `((size + 1) * 0.5).toInt > smallHeap.size`, i.e. ceil(size / 2).
        let grow_small = self.len().div_ceil(2) > self.small.len();
        if grow_small {
            if x < p {
                self.small.push(x);
            } else {
                self.large.push(Reverse(x));
                self.move_large_to_small();
            }
        } else if x < p {
            self.small.push(x);
            self.move_small_to_large();
        } else {
            self.large.push(Reverse(x));
        }
    }

    /// ≤ 3.3 `MedianHeap`: above the current median → large half, else small half; then keep
    /// the sizes within one of each other.
    fn insert_median_heap(&mut self, x: u64) {
        match self.percentile() {
            None => self.large.push(Reverse(x)),
            Some(m) if x as f64 > m => self.large.push(Reverse(x)),
            Some(_) => self.small.push(x),
        }
        if self.large.len() > self.small.len() + 1 {
            self.move_large_to_small();
        }
        if self.small.len() > self.large.len() + 1 {
            self.move_small_to_large();
        }
    }

    /// 3.4 `PercentileHeap` (SPARK-41530): insert by comparison with the current percentile,
    /// then move one value across if that brings the split closer to 50/50.
    fn insert_percentile_heap_34(&mut self, x: u64) {
        match self.percentile() {
            // Percentage 0.5 is not < 0.5: the first value goes to the large half.
            None => self.large.push(Reverse(x)),
            Some(p) if x as f64 > p => self.large.push(Reverse(x)),
            Some(_) => self.small.push(x),
        }
        let (s, l) = (self.small.len(), self.large.len());
        let current = deviation(s, l);
        if current > 0.0 && s > 0 {
            let moved = deviation(s - 1, l + 1);
            if moved.abs() < current {
                self.move_small_to_large();
            }
        }
        if current < 0.0 && l > 0 {
            let moved = deviation(s + 1, l - 1);
            if moved.abs() < -current {
                self.move_large_to_small();
            }
        }
    }

    fn move_large_to_small(&mut self) {
        if let Some(Reverse(v)) = self.large.pop() {
            self.small.push(v);
        }
    }

    fn move_small_to_large(&mut self) {
        if let Some(v) = self.small.pop() {
            self.large.push(Reverse(v));
        }
    }
}

/// `calculateDeviation` at percentage 0.5: `small * (1 - p) - large * p`.
fn deviation(small: usize, large: usize) -> f64 {
    small as f64 * 0.5 - large as f64 * 0.5
}

fn mean(a: u64, b: u64) -> f64 {
    (a as f64 + b as f64) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(rule: MedianRule, values: &[u64]) -> Vec<f64> {
        let mut h = PercentileHeap::new(rule);
        assert_eq!(h.percentile(), None);
        values
            .iter()
            .map(|&v| {
                h.insert(v);
                h.percentile().unwrap()
            })
            .collect()
    }

    /// Sorted inserts, shuffled inserts and descending inserts all give, for n = 1..5:
    /// 3.5+ `sorted[n / 2]`; ≤ 3.3 and 3.4 the middle or the mean of the two middles.
    #[test]
    fn n_1_to_5_for_each_rule() {
        let orders: [[u64; 5]; 3] = [
            [10, 20, 30, 40, 50],
            [30, 10, 50, 20, 40],
            [50, 40, 30, 20, 10],
        ];
        for order in orders {
            let sorted_prefix = |n: usize| {
                let mut v = order[..n].to_vec();
                v.sort_unstable();
                v
            };
            let upper: Vec<f64> = (1..=5).map(|n| sorted_prefix(n)[n / 2] as f64).collect();
            let middle: Vec<f64> = (1..=5)
                .map(|n| {
                    let v = sorted_prefix(n);
                    if n % 2 == 1 {
                        v[n / 2] as f64
                    } else {
                        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
                    }
                })
                .collect();
            assert_eq!(answers(MedianRule::Upper, &order), upper, "{order:?}");
            assert_eq!(answers(MedianRule::MeanOfMiddle, &order), middle);
            assert_eq!(answers(MedianRule::PercentileHeap34, &order), middle);
        }
        // The sorted order spelled out.
        assert_eq!(
            answers(MedianRule::Upper, &[10, 20, 30, 40, 50]),
            [10.0, 20.0, 20.0, 30.0, 30.0]
        );
        assert_eq!(
            answers(MedianRule::MeanOfMiddle, &[10, 20, 30, 40, 50]),
            [10.0, 15.0, 20.0, 25.0, 30.0]
        );
        assert_eq!(
            answers(MedianRule::PercentileHeap34, &[10, 20, 30, 40, 50]),
            [10.0, 15.0, 20.0, 25.0, 30.0]
        );
    }

    #[test]
    fn duplicates_and_len() {
        for rule in [
            MedianRule::Upper,
            MedianRule::MeanOfMiddle,
            MedianRule::PercentileHeap34,
        ] {
            let mut h = PercentileHeap::new(rule);
            for v in [5, 5, 5, 1, 9] {
                h.insert(v);
            }
            assert_eq!(h.len(), 5);
            assert_eq!(h.percentile(), Some(5.0), "{rule:?}");
        }
    }

    /// A small deterministic generator (xorshift) for the property checks below.
    fn values(seed: u64, n: usize) -> Vec<u64> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s % 200
            })
            .collect()
    }

    #[test]
    fn upper_and_mean_of_middle_match_their_sorted_definitions() {
        for seed in 1..40 {
            let vs = values(seed, 120);
            let mut up = PercentileHeap::new(MedianRule::Upper);
            let mut mid = PercentileHeap::new(MedianRule::MeanOfMiddle);
            let mut sorted = Vec::new();
            for &v in &vs {
                up.insert(v);
                mid.insert(v);
                sorted.push(v);
                sorted.sort_unstable();
                let n = sorted.len();
                assert_eq!(up.percentile(), Some(sorted[n / 2] as f64));
                let want = if n % 2 == 1 {
                    sorted[n / 2] as f64
                } else {
                    (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0
                };
                assert_eq!(mid.percentile(), Some(want));
            }
        }
    }

    /// 3.4 keeps the halves split 50/50 like the MedianHeap, so it agrees with it while
    /// `0.5 / n >= 0.01` (n ≤ 50); from n = 51 on, odd n averages two heap tops.
    #[test]
    fn percentile_heap_34_averages_odd_counts_from_51() {
        let mut h = PercentileHeap::new(MedianRule::PercentileHeap34);
        for v in 1..=50 {
            h.insert(v);
        }
        assert_eq!(h.percentile(), Some(25.5));
        h.insert(51);
        // Sorted 1..=51: the median is 26, but 51 > 25.5 went to the large half (25 | 26
        // values, deviation -0.5, |-0.5 / 51| < 0.01), so 3.4 answers (25 + 26) / 2.
        assert_eq!(h.percentile(), Some(25.5));
        let mut m = PercentileHeap::new(MedianRule::MeanOfMiddle);
        for v in 1..=51 {
            m.insert(v);
        }
        assert_eq!(m.percentile(), Some(26.0));
        for seed in 1..20 {
            let vs = values(seed, 49);
            let mut a = PercentileHeap::new(MedianRule::PercentileHeap34);
            let mut b = PercentileHeap::new(MedianRule::MeanOfMiddle);
            for v in vs {
                a.insert(v);
                b.insert(v);
                assert_eq!(a.percentile(), b.percentile());
            }
        }
    }
}
