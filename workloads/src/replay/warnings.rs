//! Counted warnings with a few examples per kind, so a log with a million oddities still gives
//! a short report (the same policy as the reader's `ReadStats`).

use std::collections::BTreeMap;

use serde::Serialize;

/// Examples kept per kind.
pub const EXAMPLES_PER_KIND: usize = 3;

/// Warnings by kind: a count each, and the first few examples.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Warnings {
    /// Number of warnings per kind.
    pub counts: BTreeMap<String, u64>,
    /// The first examples of each kind, as `kind: detail`.
    pub examples: Vec<String>,
}

impl Warnings {
    /// Records one warning of `kind`; `detail` is only formatted while examples are kept.
    pub fn warn(&mut self, kind: &str, detail: impl FnOnce() -> String) {
        self.warn_n(kind, 1, detail);
    }

    /// Records `n` warnings of `kind` with one example (nothing when `n` is 0).
    pub fn warn_n(&mut self, kind: &str, n: u64, detail: impl FnOnce() -> String) {
        if n == 0 {
            return;
        }
        let count = self.counts.entry(kind.to_owned()).or_insert(0);
        let before = *count;
        *count += n;
        if (before as usize) < EXAMPLES_PER_KIND {
            self.examples.push(format!("{kind}: {}", detail()));
        }
    }

    /// Total number of warnings.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Number of warnings of one kind.
    pub fn count(&self, kind: &str) -> u64 {
        self.counts.get(kind).copied().unwrap_or(0)
    }

    /// One line per example, with the kind's total when it has more occurrences than
    /// examples shown.
    pub fn lines(&self) -> Vec<String> {
        let mut shown: BTreeMap<&str, u64> = BTreeMap::new();
        let mut lines = Vec::new();
        for example in &self.examples {
            let kind = example.split(": ").next().unwrap_or("");
            *shown.entry(kind).or_insert(0) += 1;
            lines.push(example.clone());
        }
        for (kind, &count) in &self.counts {
            let seen = shown.get(kind.as_str()).copied().unwrap_or(0);
            if count > seen {
                lines.push(format!("{kind}: {} more (x{count} in all)", count - seen));
            }
        }
        lines
    }
}
