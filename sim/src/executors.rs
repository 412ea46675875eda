//! Executor lifecycles: how executors are requested, start, register, are killed, removed and
//! lost, and the sim-only keys that time it. The engine ([`crate::simulation`]) drives them;
//! dynamic allocation's decisions are `policies::executor_allocation_manager`'s.
//!
//! # The lifecycle
//!
//! 1. **Request.** Without dynamic allocation an application asks its cluster manager for its
//!    executors when it registers; with it, `ExecutorAllocationManager` sends
//!    `requestTotalExecutors(target)`, a *level* (standalone: the application's executor limit;
//!    YARN/K8s: start `target − running − starting` containers).
//! 2. **Launch.** The cluster manager grants an executor when a worker has room
//!    ([`crate::cluster::shared`]): standalone serves applications in submission order.
//! 3. **Registration** (`SparkListenerExecutorAdded`) follows the launch after the **start-up
//!    latency** ([`STARTUP_LATENCY_KEY`], a distribution). The allocation manager counts the
//!    executor from here on, and it is idle from here on.
//! 4. **Ready.** Its cores are offered [`READY_LATENCY_KEY`] later (the executor builds its
//!    `Executor` and reports `LaunchedExecutor`, upon which the driver makes it offers). The
//!    first task on an executor started during the run pays [`COLD_START_KEY`] (a cold JVM:
//!    class loading, code generation).
//! 5. **Kill.** Dynamic allocation kills idle executors (`force = false`: a busy one is
//!    refused and stays). A killed executor gets **no offer from that instant**; it still counts
//!    as registered until
//! 6. **Removal** (`SparkListenerExecutorRemoved`), [`REMOVAL_LATENCY_KEY`] after the kill; only
//!    then does its worker get the cores back.
//! 7. **Loss** ([`LOST_KEY`]): an executor dies at a given time; its running attempts fail
//!    (`ExecutorLostFailure`, not counted against `spark.task.maxFailures`) and run again
//!    elsewhere; the standalone Master starts a replacement if the application may have one.
//!    Shuffle output lost with it is *not* recomputed (no fetch failures are modelled).
//!
//! An application's executors granted at its submission are registered at once and warm when
//! [`INITIAL_READY_KEY`] is true (the default) and the application is submitted at time 0: the
//! fidelity runs warm their executors before t0, and a single application's run starts with its
//! executors up. Every executor granted later starts cold, after the start-up latency.
//!
//! # Sim-only keys
//!
//! | key | meaning | default |
//! |---|---|---|
//! | `sparksim.executor.startupLatency` | launch → registration, a [`Latency`] | `6155ms` |
//! | `sparksim.executor.removalLatency` | kill request → `ExecutorRemoved`, a [`Latency`] | `5060ms` |
//! | `sparksim.executor.readyLatency` | registration → first offer, ms | `450ms` |
//! | `sparksim.executor.coldStartOverhead` | extra time of the first task on an executor started during the run, a [`Latency`] | `2400ms` |
//! | `sparksim.executor.initialReady` | executors granted at submission (time 0) are up and warm | `true` |
//! | `sparksim.executor.lost` | executors that die: `ID@TIME[,ID@TIME…]`, e.g. `1@30s` | none |
//! | `sparksim.shuffle.cleanupDelay` | job end → `ShuffleCleaned` of its shuffles (ContextCleaner), ms | never |
//!
//! A [`Latency`] is a Spark time (`6s`, `6155ms`: constant), `uniform(2.4s,9.3s)` (ms
//! precision, `uniform(2431ms,9296ms)`), `empirical(a,b,…)` (one of the values at random) or
//! `sequence(a,b,…)` (the values in launch order, per application, then again from the
//! first); random draws use the run's seed. The start-up latency and the cold-start overhead
//! are drawn when the executor is launched, the removal latency when it is killed.
//!
//! # Calibration (Spark 3.5.9 standalone, `shared/fidelity/dev/d6_dynalloc`)
//!
//! * **Start-up.** Spark 3.4+ logs `Executor Info.Request Time` and `Registration Time` with
//!   dynamic allocation; `Registration − Request` took a median **6155 ms** (2431–9296 ms, n =
//!   28; several JVMs starting at once on 2 vCPUs): the default. [`startup_latencies`] reads
//!   those pairs from a log, ready for `empirical(…)`. Spark's Request Time is the head of the
//!   backend's FIFO of request batches, popped at each registration, not the request that
//!   launched the executor: when the target rises while executors are already registered, later
//!   executors get an earlier Request Time than their launch (d6: two of eight by about 1 s). The
//!   engine launches an executor when the Master grants it and reports Spark's Request Time
//!   ([`RequestTimes`]) in `requested_ms`; the driver log's `Granted executor ID` lines give the
//!   exact launch → registration latencies (what `sim/tests/dynalloc_fidelity.rs` uses).
//!   Logs before 3.4 have neither field: with `initialExecutors` requested at start, the first
//!   registrations minus the application start bound it (YARN: 71–90 s in
//!   `application_1628109047826_1317105`).
//! * **Removal.** `Requesting to kill executor(s)` (driver log) to `ExecutorRemoved`: median
//!   **5060 ms** (5041–5097) on standalone; 0.7–3.7 s on YARN (A.11).
//! * **Ready.** `ExecutorAdded` to the executor's first task launch: 164–841 ms, median ≈ 450.
//! * **Cold start.** The first task on each new executor ran a median 2.59 s beyond its sleep
//!   (1.2–4.4 s); the engine already charges about 215 ms for a first task of a stage on an
//!   executor in cluster mode, so the cold overhead is 2400 ms.

use crate::cluster::{AppRequest, ExecutorSpec, WorkerSpec};
use policies::conf::{TimeUnit, units::parse_time_as};
use policies::executor_allocation_manager::AllocationSettings;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use std::collections::VecDeque;

/// Launch → registration.
pub const STARTUP_LATENCY_KEY: &str = "sparksim.executor.startupLatency";
/// Kill request → `ExecutorRemoved`.
pub const REMOVAL_LATENCY_KEY: &str = "sparksim.executor.removalLatency";
/// Registration → first offer.
pub const READY_LATENCY_KEY: &str = "sparksim.executor.readyLatency";
/// Extra time of the first task on an executor started during the run.
pub const COLD_START_KEY: &str = "sparksim.executor.coldStartOverhead";
/// Whether executors granted at submission (time 0) are up and warm.
pub const INITIAL_READY_KEY: &str = "sparksim.executor.initialReady";
/// Executors that die, `ID@TIME,…`.
pub const LOST_KEY: &str = "sparksim.executor.lost";
/// Job end → cleanup of its shuffles.
pub const SHUFFLE_CLEANUP_KEY: &str = "sparksim.shuffle.cleanupDelay";

/// Every key of this module.
pub const KEYS: [&str; 7] = [
    STARTUP_LATENCY_KEY,
    REMOVAL_LATENCY_KEY,
    READY_LATENCY_KEY,
    COLD_START_KEY,
    INITIAL_READY_KEY,
    LOST_KEY,
    SHUFFLE_CLEANUP_KEY,
];

/// Default start-up latency (d6 median `Registration − Request`).
pub const DEFAULT_STARTUP_LATENCY_MS: u64 = 6155;
/// Default kill → removed latency (d6 median).
pub const DEFAULT_REMOVAL_LATENCY_MS: u64 = 5060;
/// Default registration → first offer.
pub const DEFAULT_READY_LATENCY_MS: u64 = 450;
/// Default cold-start overhead.
pub const DEFAULT_COLD_START_MS: u64 = 2400;

/// A latency distribution (see the module docs for the syntax).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Latency {
    Constant(u64),
    /// Inclusive bounds.
    Uniform(u64, u64),
    /// One of the values, uniformly at random.
    Empirical(Vec<u64>),
    /// The values in order of use, cycling.
    Sequence(Vec<u64>),
}

impl Default for Latency {
    fn default() -> Self {
        Latency::Constant(0)
    }
}

impl Latency {
    /// Parses `6s`, `uniform(a,b)`, `empirical(a,b,…)` or `sequence(a,b,…)`.
    pub fn parse(text: &str) -> Result<Latency, String> {
        let t = text.trim();
        let Some(open) = t.find('(') else {
            return time_ms(t).map(Latency::Constant);
        };
        let name = t[..open].trim().to_ascii_lowercase();
        let inner = t[open + 1..]
            .strip_suffix(')')
            .ok_or_else(|| format!("{text:?}: missing ')'"))?;
        let values: Vec<u64> = inner
            .split(',')
            .map(|v| time_ms(v.trim()))
            .collect::<Result<_, _>>()?;
        match (name.as_str(), values.as_slice()) {
            ("uniform", &[a, b]) if a <= b => Ok(Latency::Uniform(a, b)),
            ("uniform", _) => Err(format!(
                "{text:?}: uniform(LOW,HIGH) takes two times with LOW <= HIGH"
            )),
            ("empirical", v) if !v.is_empty() => Ok(Latency::Empirical(v.to_vec())),
            ("sequence", v) if !v.is_empty() => Ok(Latency::Sequence(v.to_vec())),
            _ => Err(format!(
                "{text:?}: expected a time (6s), uniform(LOW,HIGH), empirical(T,…) or sequence(T,…)"
            )),
        }
    }

    /// The `k`-th draw (0-based count of earlier draws from this distribution).
    pub fn sample(&self, k: usize, rng: &mut ChaCha8Rng) -> u64 {
        match self {
            Latency::Constant(v) => *v,
            Latency::Uniform(a, b) => rng.random_range(*a..=*b),
            Latency::Empirical(v) => v[rng.random_range(0..v.len())],
            Latency::Sequence(v) => v[k % v.len()],
        }
    }

    /// The value written back as configuration text.
    pub fn to_conf(&self) -> String {
        let list = |v: &[u64]| {
            v.iter()
                .map(|x| format!("{x}ms"))
                .collect::<Vec<_>>()
                .join(",")
        };
        match self {
            Latency::Constant(v) => format!("{v}ms"),
            Latency::Uniform(a, b) => format!("uniform({a}ms,{b}ms)"),
            Latency::Empirical(v) => format!("empirical({})", list(v)),
            Latency::Sequence(v) => format!("sequence({})", list(v)),
        }
    }
}

/// A Spark time string in ms (a bare number is ms).
fn time_ms(text: &str) -> Result<u64, String> {
    let v = parse_time_as(text, TimeUnit::Milliseconds).map_err(|e| format!("{text:?}: {e}"))?;
    u64::try_from(v).map_err(|_| format!("{text:?}: a latency cannot be negative"))
}

/// `ID@TIME[,ID@TIME…]`.
pub fn parse_losses(text: &str) -> Result<Vec<ExecutorLoss>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (id, at) = item
                .split_once('@')
                .ok_or_else(|| format!("{item:?}: expected EXECUTOR_ID@TIME, e.g. 1@30s"))?;
            Ok(ExecutorLoss {
                executor_id: id.trim().to_string(),
                at_ms: time_ms(at.trim())?,
            })
        })
        .collect()
}

/// An executor that dies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutorLoss {
    pub executor_id: String,
    pub at_ms: u64,
}

/// Who grants an application's executors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ManagerPlan {
    /// The executors are given ([`crate::simulation::SimSetup::executors`]), all up from the
    /// start: local mode, or a layout no one changes.
    #[default]
    Fixed,
    /// A standalone Master over `workers`.
    Standalone {
        workers: Vec<WorkerSpec>,
        spread_out: bool,
        request: AppRequest,
    },
    /// YARN or Kubernetes: containers of `cores`, `memory_mb`; `instances` without dynamic
    /// allocation.
    ResourceManager {
        workers: Vec<WorkerSpec>,
        cores: u32,
        memory_mb: u64,
        instances: u32,
    },
}

/// How an application's executors live: the engine's input beside the scheduler settings.
#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    /// Dynamic allocation, when Spark would build an `ExecutorAllocationManager`.
    pub allocation: Option<AllocationSettings>,
    /// Who grants the executors.
    pub manager: ManagerPlan,
    /// The executors the setup derived ([`crate::simulation::SimSetup::executors`] as built). A
    /// caller that replaces `SimSetup::executors` (a replay keeps the logged executors) gets
    /// exactly those, fixed.
    pub derived_executors: Vec<ExecutorSpec>,
    pub startup_latency: Latency,
    pub removal_latency: Latency,
    pub ready_latency_ms: u64,
    /// Extra time of the first task on an executor started during the run.
    pub cold_start: Latency,
    pub initial_ready: bool,
    pub losses: Vec<ExecutorLoss>,
    /// Job end → `ShuffleCleaned`; `None`: never.
    pub shuffle_cleanup_ms: Option<u64>,
    /// Warm-up stages the allocation manager saw before t0 (it is then past `initializing`).
    pub warmup_stages: u32,
    /// What the user should be told about this setup.
    pub warnings: Vec<String>,
}

impl Lifecycle {
    /// Whether a cluster manager is in the loop (executors that come and go).
    pub fn is_managed(&self) -> bool {
        self.manager != ManagerPlan::Fixed
    }
}

/// The RNG of an application's latency draws.
pub fn latency_rng(seed: u64, app: usize) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_e7ec_u64.wrapping_mul(app as u64 + 1))
}

/// `CoarseGrainedSchedulerBackend.execRequestTimes` for one resource profile: a FIFO of
/// `(count, time)` request batches. A raised total appends `(delta, now)`; a lowered total
/// consumes `|delta|` from the front; each registration pops one unit from the front, and that
/// batch's time is the executor's `Request Time`.
#[derive(Clone, Debug, Default)]
pub struct RequestTimes {
    total: i64,
    queue: VecDeque<(u64, u64)>,
}

impl RequestTimes {
    /// `requestTotalExecutors(total)` at `now`.
    pub fn request_total(&mut self, total: i64, now: u64) {
        let delta = total - self.total;
        self.total = total;
        if delta > 0 {
            self.queue.push_back((delta as u64, now));
        } else if delta < 0 {
            let mut to_consume = delta.unsigned_abs();
            while to_consume > 0 {
                let Some((count, time)) = self.queue.pop_front() else {
                    break;
                };
                if count > to_consume {
                    self.queue.push_front((count - to_consume, time));
                    to_consume = 0;
                } else {
                    to_consume -= count;
                }
            }
        }
    }

    /// A registration: the Request Time Spark logs for it, if any request is queued.
    pub fn registered(&mut self) -> Option<u64> {
        let (count, time) = self.queue.pop_front()?;
        if count > 1 {
            self.queue.push_front((count - 1, time));
        }
        Some(time)
    }
}

/// Start-up latencies recorded in an event log (Spark 3.4+ with dynamic allocation):
/// `Registration Time − Request Time` of every executor that has both, in executor-id order
/// (numeric ids first, numerically). Ready for `empirical(…)`.
pub fn startup_latencies(app: &workloads::eventlog::LoggedApplication) -> Vec<u64> {
    let mut pairs: Vec<(&str, u64)> = app
        .executors
        .iter()
        .filter_map(|e| {
            let (req, reg) = (e.request_time?, e.registration_time?);
            Some((e.id.as_str(), u64::try_from(reg - req).ok()?))
        })
        .collect();
    pairs.sort_by_key(|(id, _)| (id.parse::<u64>().unwrap_or(u64::MAX), id.to_string()));
    pairs.into_iter().map(|(_, l)| l).collect()
}

/// `empirical(…)` of [`startup_latencies`], or `None` if the log records none.
pub fn startup_latency_from_log(app: &workloads::eventlog::LoggedApplication) -> Option<Latency> {
    let v = startup_latencies(app);
    (!v.is_empty()).then_some(Latency::Empirical(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_latencies() {
        assert_eq!(Latency::parse("6s"), Ok(Latency::Constant(6000)));
        assert_eq!(Latency::parse("6155"), Ok(Latency::Constant(6155)));
        assert_eq!(
            Latency::parse("uniform(2431ms, 9.3s)").ok(),
            None,
            "Spark times are integers"
        );
        assert_eq!(
            Latency::parse("uniform(2431ms,9s)"),
            Ok(Latency::Uniform(2431, 9000))
        );
        assert_eq!(
            Latency::parse("sequence(1s,2s)"),
            Ok(Latency::Sequence(vec![1000, 2000]))
        );
        assert!(Latency::parse("uniform(3s,1s)").is_err());
        assert!(Latency::parse("poisson(3s)").is_err());
        assert!(Latency::parse("empirical()").is_err());
        let l = Latency::parse("empirical(1s,2s,3s)").unwrap();
        assert_eq!(Latency::parse(&l.to_conf()), Ok(l));
    }

    #[test]
    fn samples_are_deterministic() {
        let mut rng = latency_rng(7, 0);
        let s = Latency::Sequence(vec![5, 6]);
        assert_eq!(
            (0..3).map(|k| s.sample(k, &mut rng)).collect::<Vec<_>>(),
            [5, 6, 5]
        );
        let u = Latency::Uniform(10, 20);
        let a: Vec<u64> = (0..5)
            .map(|k| u.sample(k, &mut latency_rng(1, 2)))
            .collect();
        let b: Vec<u64> = (0..5)
            .map(|k| u.sample(k, &mut latency_rng(1, 2)))
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|&x| (10..=20).contains(&x)));
    }

    #[test]
    fn parses_losses() {
        assert_eq!(
            parse_losses("1@30s, 2@1500"),
            Ok(vec![
                ExecutorLoss {
                    executor_id: "1".into(),
                    at_ms: 30_000
                },
                ExecutorLoss {
                    executor_id: "2".into(),
                    at_ms: 1500
                }
            ])
        );
        assert!(parse_losses("1").is_err());
    }

    /// The d6 log (`dynalloc_r1`): target 1 at start (executor 0 registers), 0 after the
    /// warm-up, then 2, 3, 4: executors 1 and 2 get the first batch's time, executor 3 the
    /// second's.
    #[test]
    fn request_times_follow_sparks_fifo() {
        let mut r = RequestTimes::default();
        r.request_total(1, 0);
        assert_eq!(r.registered(), Some(0));
        r.request_total(0, 100);
        r.request_total(2, 1618);
        r.request_total(3, 2661);
        r.request_total(4, 3690);
        assert_eq!(r.registered(), Some(1618));
        assert_eq!(r.registered(), Some(1618));
        assert_eq!(r.registered(), Some(2661));
        // Lowering the total consumes the unregistered batch.
        r.request_total(3, 5000);
        assert_eq!(r.registered(), None);
    }
}
