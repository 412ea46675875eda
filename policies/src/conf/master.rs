//! `spark.master`: which cluster manager, as `SparkContext.createTaskScheduler` reads it.
//!
//! The master decides two scheduling facts sparksim needs: whether the application is
//! *local* (`local`, `local[N]`, `local[N,F]`: no speculation thread, no dynamic allocation,
//! task failures limited to 1 or F) and which cluster manager grants executors.
//! `local-cluster[…]` is not local. Nothing here starts anything.

use std::fmt;

/// Threads of a local master.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalThreads {
    /// `local` (1) or `local[N]`.
    Count(u32),
    /// `local[*]`: as many threads as the machine has cores.
    AllCores,
}

/// A parsed `spark.master`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MasterUrl {
    /// `local`, `local[N]`, `local[*]`, `local[N,F]`: one executor in the driver.
    /// `max_task_failures` is 1, or F (Spark's `MAX_LOCAL_TASK_FAILURES` / `local[N,F]`).
    Local {
        threads: LocalThreads,
        max_task_failures: u32,
    },
    /// `local-cluster[workers, coresPerWorker, memoryPerWorkerMiB]`: a standalone cluster in
    /// one machine (not "local" for scheduling purposes).
    LocalCluster {
        workers: u32,
        cores_per_worker: u32,
        memory_per_worker_mib: u32,
    },
    /// `spark://host:port[,host:port…]`: standalone.
    Standalone { masters: String },
    /// `yarn`.
    Yarn,
    /// `k8s://…`.
    Kubernetes { api_server: String },
    /// `mesos://…` (removed in 4.0).
    Mesos { url: String },
}

impl MasterUrl {
    /// Parses as Spark does; an error says what was expected (Spark: "Could not parse Master URL").
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "local" {
            return Ok(MasterUrl::Local {
                threads: LocalThreads::Count(1),
                max_task_failures: 1,
            });
        }
        if let Some(inner) = bracketed(text, "local[") {
            return parse_local(inner, text);
        }
        if let Some(inner) = bracketed(text, "local-cluster[") {
            return parse_local_cluster(inner, text);
        }
        if let Some(rest) = text.strip_prefix("spark://") {
            return Ok(MasterUrl::Standalone {
                masters: rest.to_string(),
            });
        }
        if text == "yarn" {
            return Ok(MasterUrl::Yarn);
        }
        if let Some(rest) = text.strip_prefix("k8s://") {
            return Ok(MasterUrl::Kubernetes {
                api_server: rest.to_string(),
            });
        }
        if text.starts_with("mesos://") {
            return Ok(MasterUrl::Mesos {
                url: text.to_string(),
            });
        }
        Err(unparsable(text))
    }

    /// Spark's `Utils.isLocalMaster` / `TaskSchedulerImpl.isLocal`.
    pub fn is_local(&self) -> bool {
        matches!(self, MasterUrl::Local { .. })
    }
}

impl fmt::Display for MasterUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MasterUrl::Local {
                threads,
                max_task_failures,
            } => {
                let t = match threads {
                    LocalThreads::Count(n) => n.to_string(),
                    LocalThreads::AllCores => "*".to_string(),
                };
                write!(f, "local[{t},{max_task_failures}]")
            }
            MasterUrl::LocalCluster {
                workers,
                cores_per_worker,
                memory_per_worker_mib,
            } => write!(
                f,
                "local-cluster[{workers},{cores_per_worker},{memory_per_worker_mib}]"
            ),
            MasterUrl::Standalone { masters } => write!(f, "spark://{masters}"),
            MasterUrl::Yarn => f.write_str("yarn"),
            MasterUrl::Kubernetes { api_server } => write!(f, "k8s://{api_server}"),
            MasterUrl::Mesos { url } => f.write_str(url),
        }
    }
}

fn unparsable(text: &str) -> String {
    format!(
        "a master URL: local, local[N], local[*], local[N,F], local-cluster[W,C,M], \
         spark://host:port, yarn or k8s://… (Spark: Could not parse Master URL: '{text}')"
    )
}

fn bracketed<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.strip_prefix(prefix)?.strip_suffix(']')
}

/// Java regex `\s`.
fn java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    u32::try_from(text.parse::<i32>().ok()?).ok()
}

fn parse_local(inner: &str, text: &str) -> Result<MasterUrl, String> {
    let (threads_text, failures) = match inner.split_once(',') {
        Some((t, f)) => (
            t.trim_end_matches(java_space),
            Some(f.trim_start_matches(java_space)),
        ),
        None => (inner, None),
    };
    let threads = match threads_text {
        "*" => LocalThreads::AllCores,
        n => match digits(n) {
            Some(0) => {
                return Err(format!(
                    "at least one thread (Spark: Asked to run locally with 0 threads) in '{text}'"
                ));
            }
            Some(count) => LocalThreads::Count(count),
            None => return Err(unparsable(text)),
        },
    };
    let max_task_failures = match failures {
        None => 1,
        Some(f) => digits(f).ok_or_else(|| unparsable(text))?,
    };
    Ok(MasterUrl::Local {
        threads,
        max_task_failures,
    })
}

fn parse_local_cluster(inner: &str, text: &str) -> Result<MasterUrl, String> {
    let parts: Vec<Option<u32>> = inner
        .split(',')
        .map(|p| digits(p.trim_matches(java_space)))
        .collect();
    match parts.as_slice() {
        [
            Some(workers),
            Some(cores_per_worker),
            Some(memory_per_worker_mib),
        ] => Ok(MasterUrl::LocalCluster {
            workers: *workers,
            cores_per_worker: *cores_per_worker,
            memory_per_worker_mib: *memory_per_worker_mib,
        }),
        _ => Err(unparsable(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_forms() {
        assert_eq!(
            MasterUrl::parse("local"),
            Ok(MasterUrl::Local {
                threads: LocalThreads::Count(1),
                max_task_failures: 1
            })
        );
        assert_eq!(
            MasterUrl::parse("local[4]"),
            Ok(MasterUrl::Local {
                threads: LocalThreads::Count(4),
                max_task_failures: 1
            })
        );
        assert_eq!(
            MasterUrl::parse("local[*, 3]"),
            Ok(MasterUrl::Local {
                threads: LocalThreads::AllCores,
                max_task_failures: 3
            })
        );
        assert!(MasterUrl::parse("local[2]").unwrap().is_local());
    }

    #[test]
    fn cluster_forms() {
        assert_eq!(
            MasterUrl::parse("local-cluster[2, 1, 1024]"),
            Ok(MasterUrl::LocalCluster {
                workers: 2,
                cores_per_worker: 1,
                memory_per_worker_mib: 1024
            })
        );
        assert!(
            !MasterUrl::parse("local-cluster[2,1,1024]")
                .unwrap()
                .is_local()
        );
        assert_eq!(
            MasterUrl::parse("spark://m:7077"),
            Ok(MasterUrl::Standalone {
                masters: "m:7077".into()
            })
        );
        assert_eq!(MasterUrl::parse("yarn"), Ok(MasterUrl::Yarn));
    }

    #[test]
    fn rejects_bad_urls() {
        for bad in [
            "",
            "LOCAL",
            "local[]",
            "local[0]",
            "local[x]",
            "local[2,]",
            "local-cluster[1,2]",
            "yarn-client",
            "local[ 2]",
        ] {
            assert!(MasterUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
