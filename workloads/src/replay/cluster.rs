//! The cluster and configuration a replay runs with, from the log's properties and executors.
//!
//! * **Local mode** (`local`, `local[N]`, `local[N,F]`, `local[*]`): one `driver` executor whose
//!   cores are N of the master, or the driver's logged `Total Cores` for `local[*]` (the master
//!   is rewritten to `local[C]`, since `*` depends on the machine).
//! * **Cluster mode**: the logged executors become fixed executors that exist from the start
//!   (the simulator has no executor timeline yet). When executors came and went, the replay
//!   takes the set that was alive together at the peak of live cores while jobs ran, and warns.
//!   For `spark://` masters the executors' hosts also become workers (one per host, with the
//!   cores of its executors), so a what-if `--master` run has workers to place executors on.
//! * A missing or redacted `spark.master` is inferred: `local[C]` when only the driver ran
//!   tasks, else `yarn` (any cluster master behaves the same once the executors are fixed).

use std::collections::BTreeMap;

use crate::eventlog::{LoggedApplication, LoggedExecutor};
use crate::model::{ClusterKind, ClusterSpec, ExecutorDecl, WorkerSpec, parse_memory_mb};

use super::warnings::Warnings;

/// Warning kinds of the cluster extraction.
pub mod warning {
    pub const MASTER_INFERRED: &str = "spark.master missing or redacted";
    pub const EXECUTOR_TIMELINE: &str = "executor timeline not simulated";
    pub const EXECUTOR_CORES_UNKNOWN: &str = "executor cores unknown";
    pub const RESOURCE_PROFILES: &str = "several resource profiles";
    pub const TASK_CPUS_CONTRADICTED: &str = "spark.task.cpus contradicted by the log";
}

/// The value Spark writes for a redacted property.
pub const REDACTED: &str = "*********(redacted)";

/// The cluster a replay runs on, and which logged executors it uses.
pub(crate) struct ClusterPlan {
    pub spec: ClusterSpec,
    /// Slots per executor id (cores / task cpus), for the duration model.
    pub slots: BTreeMap<String, u32>,
}

/// A usable property value: present and not redacted.
pub(crate) fn property<'a>(app: &'a LoggedApplication, key: &str) -> Option<&'a str> {
    app.property(key)
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != REDACTED)
}

fn is_local_master(master: &str) -> bool {
    master == "local" || master.starts_with("local[")
}

/// `(N, F)` of `local[N]` / `local[N,F]` with `N` as text (may be `*`).
fn local_parts(master: &str) -> Option<(String, Option<String>)> {
    if master == "local" {
        return Some(("1".into(), None));
    }
    let inner = master.strip_prefix("local[")?.strip_suffix(']')?;
    let mut parts = inner.splitn(2, ',');
    let n = parts.next()?.trim().to_string();
    let f = parts.next().map(|f| f.trim().to_string());
    Some((n, f))
}

/// How much earlier than its `Finish Time` an attempt may have freed its slot (Spark stamps
/// the finish after re-offering the slot).
const FINISH_SLACK_MS: i64 = 60;

/// Peak concurrent attempts on one executor, each counted from its launch to the end of its
/// executor-side work (launch + deserialize + run + result serialization) when it has
/// metrics, else to 60 ms before its `Finish Time`: a lower bound of what occupied slots.
fn peak_concurrency(app: &LoggedApplication, executor: &str) -> u32 {
    let mut points: Vec<(i64, i32)> = Vec::new();
    for t in app.tasks.iter().filter(|t| t.executor_id == executor) {
        let end = match (&t.metrics, t.finish_time) {
            (Some(m), Some(f)) => {
                let work = [
                    m.executor_deserialize_time,
                    m.executor_run_time,
                    m.result_serialization_time,
                ]
                .into_iter()
                .map(|v| v.max(0))
                .fold(0i64, i64::saturating_add);
                Some(t.launch_time.saturating_add(work).min(f))
            }
            (None, Some(f)) => Some(f.saturating_sub(FINISH_SLACK_MS)),
            _ => None,
        };
        points.push((t.launch_time, 1));
        if let Some(end) = end {
            points.push((end.max(t.launch_time.saturating_add(1)), -1));
        }
    }
    points.sort();
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, d) in points {
        now += d;
        peak = peak.max(now);
    }
    peak.max(1) as u32
}

/// Task cpus: `spark.task.cpus`, else resource profile 0's `cpus`, else 1.
fn task_cpus(app: &LoggedApplication) -> u32 {
    property(app, "spark.task.cpus")
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|&c| c > 0)
        .or_else(|| {
            app.resource_profiles
                .get(&0)
                .and_then(|rp| rp.task_cpus())
                .map(|c| c.ceil().max(1.0) as u32)
        })
        .unwrap_or(1)
}

pub(crate) fn plan_cluster(
    app: &LoggedApplication,
    window: Option<(i64, i64)>,
    warnings: &mut Warnings,
) -> ClusterPlan {
    let mut task_cpus = task_cpus(app);
    if task_cpus > 1 {
        // Most executors running more attempts at once than cores / task cpus allows shows
        // the setting was not in force (e.g. overridden by a plugin).
        let checked: Vec<(u32, u32)> = app
            .executors
            .iter()
            .filter_map(|e| {
                let cores = e.cores.filter(|&c| c > 0)? as u32;
                let peak = peak_concurrency(app, &e.id);
                app.tasks
                    .iter()
                    .any(|t| t.executor_id == e.id)
                    .then_some((cores, peak))
            })
            .collect();
        let over: Vec<u32> = checked
            .iter()
            .filter(|(cores, peak)| *peak > cores / task_cpus)
            .map(|(cores, peak)| (cores / peak).max(1))
            .collect();
        if !over.is_empty() && over.len() * 2 > checked.len() {
            let implied = over.iter().copied().min().unwrap_or(1);
            let configured = task_cpus;
            warnings.warn(warning::TASK_CPUS_CONTRADICTED, || {
                format!(
                    "spark.task.cpus is {configured} but most executors ran more tasks at once than their cores allow with it; replaying with {implied}"
                )
            });
            task_cpus = implied;
        }
    }
    let logged_master = property(app, "spark.master").map(str::to_string);
    let only_driver_ran =
        !app.tasks.is_empty() && app.tasks.iter().all(|t| t.executor_id == "driver");
    let no_other_executors = app.executors.iter().all(|e| e.id == "driver");
    let local = match &logged_master {
        Some(m) => is_local_master(m),
        None => only_driver_ran || no_other_executors,
    };
    let executor_cores_prop =
        property(app, "spark.executor.cores").and_then(|v| v.parse::<u32>().ok());
    let cores_of = |e: &LoggedExecutor, warnings: &mut Warnings| -> u32 {
        match e.cores.filter(|&c| c > 0) {
            Some(c) => c.min(u32::MAX as i64) as u32,
            None => {
                let guess =
                    executor_cores_prop.unwrap_or_else(|| peak_concurrency(app, &e.id) * task_cpus);
                warnings.warn(warning::EXECUTOR_CORES_UNKNOWN, || {
                    format!(
                        "executor {} logged no cores; using {guess} (spark.executor.cores or its peak concurrent tasks)",
                        e.id
                    )
                });
                guess.max(1)
            }
        }
    };

    let mut spec = ClusterSpec {
        task_cpus: Some(task_cpus),
        executor_cores: executor_cores_prop,
        executor_memory_mb: property(app, "spark.executor.memory")
            .and_then(|m| parse_memory_mb(m).ok()),
        cores_max: property(app, "spark.cores.max").and_then(|v| v.parse().ok()),
        dynamic_allocation: property(app, "spark.dynamicAllocation.enabled")
            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        ..ClusterSpec::default()
    };
    let mut slots = BTreeMap::new();

    if local {
        let driver = app.executors.iter().find(|e| e.id == "driver");
        let (n, f) = logged_master
            .as_deref()
            .and_then(local_parts)
            .unwrap_or_else(|| ("*".to_string(), None));
        let cores = match n.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                match driver {
                    Some(d) => cores_of(d, warnings),
                    None => {
                        let guess = peak_concurrency(app, "driver") * task_cpus;
                        warnings.warn(warning::EXECUTOR_CORES_UNKNOWN, || {
                        format!("the driver logged no cores; using its peak concurrent tasks ({guess})")
                    });
                        guess
                    }
                }
            }
        };
        let master = match f {
            Some(f) => format!("local[{cores},{f}]"),
            None => format!("local[{cores}]"),
        };
        if logged_master.is_none() {
            warnings.warn(warning::MASTER_INFERRED, || {
                format!("only the driver ran tasks; replaying as {master}")
            });
        }
        spec.master = Some(master);
        spec.kind = ClusterKind::Local;
        spec.executors = vec![ExecutorDecl {
            id: "driver".into(),
            host: driver.map_or_else(|| "localhost".to_string(), |d| d.host.clone()),
            cores,
        }];
        slots.insert("driver".to_string(), (cores / task_cpus).max(1));
        return ClusterPlan { spec, slots };
    }

    let master = match &logged_master {
        Some(m) => m.clone(),
        None => {
            warnings.warn(warning::MASTER_INFERRED, || {
                "executors other than the driver ran tasks; replaying as a cluster (master yarn) with the logged executors".to_string()
            });
            "yarn".to_string()
        }
    };
    spec.kind = if master.starts_with("local-cluster") {
        ClusterKind::Standalone
    } else {
        ClusterKind::from_master(&master)
    };
    spec.master = Some(master);
    let candidates: Vec<&LoggedExecutor> =
        app.executors.iter().filter(|e| e.id != "driver").collect();
    let chosen = peak_set(&candidates, window);
    if chosen.len() < candidates.len() || candidates.iter().any(|e| e.removed_time.is_some()) {
        let (n, m) = (chosen.len(), candidates.len());
        let removed = candidates
            .iter()
            .filter(|e| e.removed_time.is_some())
            .count();
        warnings.warn(warning::EXECUTOR_TIMELINE, || {
            format!(
                "{m} executors were added and {removed} removed while the application ran; the replay uses the {n} alive together at the peak of live cores, from the start"
            )
        });
    }
    let rps: std::collections::BTreeSet<i64> =
        chosen.iter().map(|e| e.resource_profile_id).collect();
    if rps.len() > 1 {
        warnings.warn(warning::RESOURCE_PROFILES, || {
            format!("executors of resource profiles {rps:?}; stage-level scheduling is not simulated, every executor runs every stage")
        });
    }
    for e in chosen {
        let cores = cores_of(e, warnings);
        slots.insert(e.id.clone(), (cores / task_cpus).max(1));
        spec.executors.push(ExecutorDecl {
            id: e.id.clone(),
            host: e.host.clone(),
            cores,
        });
    }
    // Executors not chosen still need slots for the duration model.
    for e in candidates {
        if !slots.contains_key(&e.id) {
            let cores = e.cores.filter(|&c| c > 0).map_or(1, |c| c as u32);
            slots.insert(e.id.clone(), (cores / task_cpus).max(1));
        }
    }
    if spec.kind == ClusterKind::Standalone
        && spec
            .master
            .as_deref()
            .is_some_and(|m| m.starts_with("spark://"))
    {
        let mut hosts: BTreeMap<&str, u32> = BTreeMap::new();
        for e in &spec.executors {
            *hosts.entry(e.host.as_str()).or_insert(0) += e.cores;
        }
        let per_executor_mb = spec.executor_memory_mb.unwrap_or(1024);
        spec.workers = hosts
            .into_iter()
            .map(|(host, cores)| {
                let n = spec.executors.iter().filter(|e| e.host == host).count() as u64;
                WorkerSpec {
                    host: host.to_string(),
                    cores,
                    memory_mb: Some(per_executor_mb.saturating_mul(n.max(1))),
                }
            })
            .collect();
    }
    ClusterPlan { spec, slots }
}

/// The executors alive together when the most cores were alive during `window` (the jobs'
/// span); all of them when no times are known.
fn peak_set<'a>(
    executors: &[&'a LoggedExecutor],
    window: Option<(i64, i64)>,
) -> Vec<&'a LoggedExecutor> {
    let alive = |e: &LoggedExecutor, t: i64| {
        e.added_time.is_none_or(|a| a <= t) && e.removed_time.is_none_or(|r| r > t)
    };
    let mut instants: Vec<i64> = executors.iter().filter_map(|e| e.added_time).collect();
    if let Some((start, end)) = window {
        instants.retain(|&t| t >= start && t <= end);
        instants.push(start);
    }
    instants.sort_unstable();
    instants.dedup();
    let mut best: Option<(u64, i64)> = None;
    for &t in &instants {
        let cores: u64 = executors
            .iter()
            .filter(|e| alive(e, t))
            .map(|e| e.cores.unwrap_or(1).max(1) as u64)
            .sum();
        if best.is_none_or(|(c, _)| cores > c) {
            best = Some((cores, t));
        }
    }
    match best {
        Some((cores, t)) if cores > 0 => {
            executors.iter().copied().filter(|e| alive(e, t)).collect()
        }
        _ => executors.to_vec(),
    }
}

/// The log's Spark properties a replay carries as conf: every `spark.*` property except the
/// ones replay handles itself (master, scheduler mode, allocation file, pool, app and driver
/// settings) and redacted values.
pub(crate) fn replay_conf(app: &LoggedApplication) -> Vec<(String, String)> {
    const HANDLED: &[&str] = &[
        "spark.master",
        "spark.scheduler.mode",
        "spark.scheduler.allocation.file",
        "spark.scheduler.pool",
        "spark.submit.deployMode",
        "spark.task.cpus",
    ];
    const SKIPPED_PREFIXES: &[&str] = &[
        "spark.app.",
        "spark.driver.",
        "spark.eventLog.",
        "spark.ui.",
        "spark.sql.",
        "spark.hadoop.",
        "spark.yarn.",
        "spark.kubernetes.",
        "spark.history.",
        "spark.jars",
        "spark.files",
        "spark.repl.",
        "spark.home",
    ];
    app.spark_properties
        .iter()
        .filter(|(k, v)| {
            k.starts_with("spark.")
                && v.as_str() != REDACTED
                && !HANDLED.contains(&k.as_str())
                && !SKIPPED_PREFIXES.iter().any(|p| k.starts_with(p))
        })
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect()
}
