//! Straggler models: executors or hosts that run tasks slower, possibly only for a while.
//!
//! A task's duration in the workload is its *nominal work* at normal speed. An attempt
//! launched on a slowed executor takes `nominal × factor`, where the factor is the product of
//! every slowdown matching its executor or host at launch time. A speculative copy therefore
//! runs at its own executor's speed, from the same nominal work (the workload's
//! `retry_task_durations_ms` give a different nominal work for later attempts).
//!
//! Configured with sim-only keys, comma-separated `NAME:FACTOR[@FROM-TO]` items (times in ms,
//! `FROM-` for "from then on"):
//!
//! * `sparksim.stragglers.executors`, e.g. `1:3.0` (executor 1 three times slower),
//! * `sparksim.stragglers.hosts`, e.g. `worker-2:2.5@60000-120000`.

/// Keys read by [`Slowdowns::from_conf_values`].
pub const EXECUTOR_KEY: &str = "sparksim.stragglers.executors";
pub const HOST_KEY: &str = "sparksim.stragglers.hosts";

/// What a slowdown applies to.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Executor(String),
    Host(String),
}

/// One slowdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Slowdown {
    pub target: Target,
    pub factor: f64,
    pub from_ms: u64,
    pub to_ms: u64,
}

/// Every configured slowdown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slowdowns(pub Vec<Slowdown>);

impl Slowdowns {
    /// Parses the two keys' values; errors name the key and the item.
    pub fn from_conf_values(executors: Option<&str>, hosts: Option<&str>) -> Result<Self, String> {
        let mut all = Vec::new();
        for (key, value, make) in [
            (
                EXECUTOR_KEY,
                executors,
                Target::Executor as fn(String) -> Target,
            ),
            (HOST_KEY, hosts, Target::Host as fn(String) -> Target),
        ] {
            for item in value
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|i| !i.is_empty())
            {
                all.push(
                    parse_item(item, make).map_err(|why| format!("{key}: \"{item}\": {why}"))?,
                );
            }
        }
        Ok(Slowdowns(all))
    }

    /// The combined factor for an attempt launched at `now` on `executor`/`host`.
    pub fn factor(&self, executor: &str, host: &str, now: u64) -> f64 {
        self.0
            .iter()
            .filter(|s| now >= s.from_ms && now < s.to_ms)
            .filter(|s| match &s.target {
                Target::Executor(e) => e == executor,
                Target::Host(h) => h == host,
            })
            .map(|s| s.factor)
            .product()
    }

    /// `nominal × factor`, rounded to the millisecond.
    pub fn duration(&self, nominal_ms: u64, executor: &str, host: &str, now: u64) -> u64 {
        if self.0.is_empty() {
            return nominal_ms;
        }
        (nominal_ms as f64 * self.factor(executor, host, now)).round() as u64
    }
}

fn parse_item(item: &str, make: fn(String) -> Target) -> Result<Slowdown, String> {
    let (spec, window) = match item.split_once('@') {
        Some((s, w)) => (s, Some(w)),
        None => (item, None),
    };
    let (name, factor) = spec
        .rsplit_once(':')
        .ok_or("expected NAME:FACTOR[@FROM-TO]")?;
    let factor: f64 = factor
        .trim()
        .parse()
        .map_err(|_| format!("factor \"{factor}\" is not a number"))?;
    if !(factor.is_finite() && factor > 0.0) {
        return Err(format!("factor {factor} must be a positive number"));
    }
    let (from_ms, to_ms) = match window {
        None => (0, u64::MAX),
        Some(w) => parse_window(w)?,
    };
    Ok(Slowdown {
        target: make(name.trim().to_string()),
        factor,
        from_ms,
        to_ms,
    })
}

fn parse_window(w: &str) -> Result<(u64, u64), String> {
    let (from, to) = w.split_once('-').ok_or("expected a window FROM-TO in ms")?;
    let from: u64 = from
        .trim()
        .parse()
        .map_err(|_| format!("window start \"{from}\" is not a whole number of ms"))?;
    let to: u64 = if to.trim().is_empty() {
        u64::MAX
    } else {
        to.trim()
            .parse()
            .map_err(|_| format!("window end \"{to}\" is not a whole number of ms"))?
    };
    if to <= from {
        return Err(format!("window {from}-{to} is empty"));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_multiply_and_respect_windows() {
        let s = Slowdowns::from_conf_values(Some("1:3.0, 2:1.5@100-200"), Some("h:2")).unwrap();
        assert_eq!(s.factor("1", "h", 0), 6.0);
        assert_eq!(s.factor("2", "x", 150), 1.5);
        assert_eq!(s.factor("2", "x", 200), 1.0);
        assert_eq!(s.duration(100, "1", "x", 0), 300);
        let open = Slowdowns::from_conf_values(Some("3:2@500-"), None).unwrap();
        assert_eq!(open.factor("3", "x", 10_000), 2.0);
    }

    #[test]
    fn bad_items_name_the_key_and_item() {
        for bad in ["1", "1:x", "1:-2", "1:2@5", "1:2@9-3", "1:2@a-b"] {
            let e = Slowdowns::from_conf_values(Some(bad), None).unwrap_err();
            assert!(e.contains(EXECUTOR_KEY) && e.contains(bad), "{e}");
        }
    }
}
