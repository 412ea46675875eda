//! Capacity planning: which configuration key is "the cluster size" for a master, and the
//! sizes to try.
//!
//! | master | swept | size means |
//! |---|---|---|
//! | `local[N]` | `spark.master=local[N]` | task slots (threads) |
//! | `local-cluster[W,C,M]` | `spark.master=local-cluster[N,C,M]` | workers |
//! | `spark://…`, workers in the workload | `spark.cores.max` | cores the application may take |
//! | `spark://…`, workers from `sparksim.cluster.workers` | `sparksim.cluster.workers` | workers |
//! | `yarn`, `k8s://…` | `spark.executor.instances` | executors |
//!
//! `--key KEY` sweeps another key with the sizes as its values. The cost axis is executor time
//! (`executor_seconds`), or core time (`core_seconds`) in local mode, whose single executor
//! lives as long as the run whatever its size.

use super::space::{Param, Target};
use crate::cluster::Master;
use crate::cluster::workers::WORKERS_KEY;
use policies::conf::SparkConf;
use workloads::model::Workload;

/// What `capacity` sweeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizeAxis {
    /// The parameter (one value per size).
    pub param: Param,
    /// The sizes, in order.
    pub sizes: Vec<u32>,
    /// What a size counts (`executors`, `workers`, …).
    pub unit: String,
    /// The size under the configuration as given, if known.
    pub current: Option<u32>,
    /// `executor_seconds`, or `core_seconds` in local mode.
    pub cost_metric: &'static str,
}

/// Parses `--sizes`: `A..B`, `A..B:STEP` or `V1,V2,…` of positive integers.
pub fn parse_sizes(text: &str) -> Result<Vec<u32>, String> {
    let p = Param::parse(&format!("size={text}"))
        .map_err(|e| format!("--sizes {text}: {}", e.message))?;
    let mut sizes = Vec::new();
    for v in &p.values {
        match v.parse::<u32>() {
            Ok(n) if n >= 1 => sizes.push(n),
            _ => {
                return Err(format!(
                    "--sizes {text}: {v:?} is not a positive whole number"
                ));
            }
        }
    }
    Ok(sizes)
}

/// About eight sizes from a quarter of `current` to twice it.
pub fn default_sizes(current: u32) -> Vec<u32> {
    let current = current.max(1);
    let (lo, hi) = ((current / 4).max(1), current * 2);
    if hi - lo <= 8 {
        return (lo..=hi).collect();
    }
    let step = (hi - lo).div_ceil(8);
    let mut v: Vec<u32> = (lo..=hi).step_by(step as usize).collect();
    if !v.contains(&current) {
        v.push(current);
        v.sort_unstable();
    }
    v
}

/// The axis for `conf`'s master (see the module docs), or for `key` when given; `sizes` `None`
/// asks for [`default_sizes`] around the current size.
pub fn size_axis(
    conf: &SparkConf,
    workload: &Workload,
    key: Option<&str>,
    sizes: Option<Vec<u32>>,
) -> Result<SizeAxis, String> {
    let master_text = conf.master().ok_or(
        "no master: give --master (e.g. local[8] or yarn) or a workload with a \"cluster\"",
    )?;
    let master: Master = master_text
        .parse()
        .map_err(|e: crate::cluster::MasterUrlError| format!("--master {master_text}: {e}"))?;
    let local = master.is_local();
    let cost_metric = if local {
        "core_seconds"
    } else {
        "executor_seconds"
    };
    let read = |k: &str| -> Option<u32> {
        conf.get_resolved(k)
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse().ok())
    };
    if let Some(key) = key {
        let current = read(key);
        let sizes =
            match sizes {
                Some(s) => s,
                None => default_sizes(current.ok_or_else(|| {
                    format!("--key {key} has no value to start from: give --sizes")
                })?),
            };
        return Ok(SizeAxis {
            param: conf_param(key, sizes.iter().map(u32::to_string).collect()),
            sizes,
            unit: key.to_string(),
            current,
            cost_metric,
        });
    }
    let fixed_workers = workload
        .cluster
        .as_ref()
        .is_some_and(|c| !c.workers.is_empty());
    let (key, unit, current): (&str, &str, Option<u32>) = match &master {
        Master::Local { threads, .. } => ("spark.master", "task slots (local[N])", Some(*threads)),
        Master::LocalCluster { workers, .. } => {
            ("spark.master", "workers (local-cluster)", Some(*workers))
        }
        Master::Standalone { .. } if fixed_workers => {
            let total: u32 = workload
                .cluster
                .as_ref()
                .map_or(0, |c| c.workers.iter().map(|w| w.cores).sum());
            (
                "spark.cores.max",
                "cores (spark.cores.max)",
                read("spark.cores.max").or(Some(total)),
            )
        }
        Master::Standalone { .. } => (WORKERS_KEY, "workers", read(WORKERS_KEY)),
        Master::Yarn | Master::Kubernetes { .. } => (
            "spark.executor.instances",
            "executors",
            read("spark.executor.instances").or(Some(2)),
        ),
    };
    let sizes = match sizes {
        Some(s) => s,
        None => default_sizes(current.unwrap_or(1)),
    };
    let values: Vec<String> = sizes
        .iter()
        .map(|&n| match &master {
            Master::Local {
                max_task_failures, ..
            } => Master::Local {
                threads: n,
                max_task_failures: *max_task_failures,
            }
            .to_string(),
            Master::LocalCluster {
                cores_per_worker,
                memory_per_worker_mb,
                ..
            } => Master::LocalCluster {
                workers: n,
                cores_per_worker: *cores_per_worker,
                memory_per_worker_mb: *memory_per_worker_mb,
            }
            .to_string(),
            _ => n.to_string(),
        })
        .collect();
    Ok(SizeAxis {
        param: conf_param(key, values),
        sizes,
        unit: unit.to_string(),
        current,
        cost_metric,
    })
}

fn conf_param(key: &str, values: Vec<String>) -> Param {
    Param {
        key: key.to_string(),
        target: Target::Conf(key.to_string()),
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policies::conf::ConfSource;

    fn conf(pairs: &[(&str, &str)]) -> SparkConf {
        let mut c = SparkConf::new();
        for (k, v) in pairs {
            c.set(*k, *v, ConfSource::CommandLine);
        }
        c
    }

    #[test]
    fn the_key_follows_the_master() {
        let w = Workload::default();
        let a = size_axis(&conf(&[("spark.master", "local[8]")]), &w, None, None).unwrap();
        assert_eq!(a.param.key, "spark.master");
        assert_eq!(a.current, Some(8));
        assert!(a.param.values.contains(&"local[8]".to_string()));
        assert_eq!(a.cost_metric, "core_seconds");
        let a = size_axis(
            &conf(&[("spark.master", "yarn"), ("spark.executor.instances", "4")]),
            &w,
            None,
            Some(vec![2, 4, 6]),
        )
        .unwrap();
        assert_eq!(a.param.key, "spark.executor.instances");
        assert_eq!(a.param.values, ["2", "4", "6"]);
        assert_eq!(a.cost_metric, "executor_seconds");
        let a = size_axis(
            &conf(&[("spark.master", "spark://m:7077"), (WORKERS_KEY, "3")]),
            &w,
            None,
            None,
        )
        .unwrap();
        assert_eq!((a.param.key.as_str(), a.current), (WORKERS_KEY, Some(3)));
        let a = size_axis(
            &conf(&[("spark.master", "local-cluster[2,4,4096]")]),
            &w,
            None,
            Some(vec![1, 3]),
        )
        .unwrap();
        assert_eq!(
            a.param.values,
            ["local-cluster[1,4,4096]", "local-cluster[3,4,4096]"]
        );
        assert!(size_axis(&SparkConf::new(), &w, None, None).is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_sizes("2..4"), Ok(vec![2, 3, 4]));
        assert_eq!(parse_sizes("10,20"), Ok(vec![10, 20]));
        assert!(parse_sizes("0..2").unwrap_err().contains("positive"));
        assert!(
            parse_sizes("a..b")
                .unwrap_err()
                .starts_with("--sizes a..b: ")
        );
        assert_eq!(default_sizes(4), [1, 2, 3, 4, 5, 6, 7, 8]);
        let d = default_sizes(40);
        assert!(d.len() <= 10 && d.contains(&40) && d[0] == 10, "{d:?}");
    }
}
