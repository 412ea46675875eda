//! Spark master URLs (`--master` / `spark.master`) parsed into [`Master`].
//!
//! The grammar follows `SparkContext.createTaskScheduler` (Spark 3.5/4.x): `local`,
//! `local[N]`, `local[N,F]`, `local-cluster[W,C,M]`, `spark://HOST:PORT[,HOST:PORT…]`, `yarn`
//! and `k8s://…`. Deliberate differences, each an error with a hint instead of a guess:
//!
//! * `local[*]` and `local[*,F]` use the host's processor count in Spark. A simulation must
//!   not depend on the machine it runs on, so they are rejected with a hint to write `local[N]`.
//! * `mesos://` (deprecated in Spark 3.2, removed in 4.0) and the old `yarn-client` /
//!   `yarn-cluster` forms are rejected with a hint.
//! * `local[N,0]` is rejected: Spark accepts F = 0 and then behaves exactly as with F = 1.
//! * Numbers must fit in 32 bits (Spark: `Int`); `local-cluster` needs W, C, M ≥ 1.
//! * Whitespace around the whole value and around the numbers inside brackets is ignored.
//!
//! This module only parses; it must not decide where executors go (see `layout`).

use std::fmt;
use std::str::FromStr;

/// The accepted forms, quoted in every parse error.
pub const ACCEPTED_FORMS: &str = "local, local[N], local[N,F], local-cluster[W,C,M], \
     spark://HOST:PORT[,HOST:PORT...], yarn, k8s://HOST:PORT";

/// `TaskSchedulerImpl`'s `maxTaskFailures` for `local` and `local[N]`
/// (`SparkContext.MAX_LOCAL_TASK_FAILURES`).
pub const MAX_LOCAL_TASK_FAILURES: u32 = 1;

/// Where the application runs, as named by its master URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Master {
    /// `local` (1 thread), `local[N]` or `local[N,F]`: one executor inside the driver.
    /// `max_task_failures` is F, or [`MAX_LOCAL_TASK_FAILURES`] without it.
    Local {
        threads: u32,
        max_task_failures: u32,
    },
    /// `local-cluster[W,C,M]`: a standalone Master with W workers of C cores and M MiB each,
    /// all on the driver's host. Spark treats it as a cluster mode.
    LocalCluster {
        workers: u32,
        cores_per_worker: u32,
        memory_per_worker_mb: u64,
    },
    /// `spark://HOST:PORT[,HOST:PORT…]`: standalone; the listed Masters are the HA set (only
    /// the first matters to a simulation). The workers come from the cluster spec.
    Standalone { masters: Vec<HostPort> },
    /// `yarn`: executors come from `spark.executor.instances` × `spark.executor.cores`.
    Yarn,
    /// `k8s://…`: like YARN; `api_server` is the text after `k8s://`.
    Kubernetes { api_server: String },
}

/// One `host:port` of a `spark://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl Master {
    /// Whether Spark runs this master in local mode (`LocalSchedulerBackend`: one executor
    /// `driver`, no periodic revive, no speculation thread). `local-cluster` is *not* local.
    pub fn is_local(&self) -> bool {
        matches!(self, Master::Local { .. })
    }

    /// `maxTaskFailures` fixed by the URL in local mode; `None` in cluster modes, which use
    /// `spark.task.maxFailures`.
    pub fn local_max_task_failures(&self) -> Option<u32> {
        match self {
            Master::Local {
                max_task_failures, ..
            } => Some(*max_task_failures),
            _ => None,
        }
    }
}

impl fmt::Display for Master {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Master::Local {
                threads,
                max_task_failures,
            } => {
                if *max_task_failures == MAX_LOCAL_TASK_FAILURES {
                    write!(f, "local[{threads}]")
                } else {
                    write!(f, "local[{threads},{max_task_failures}]")
                }
            }
            Master::LocalCluster {
                workers,
                cores_per_worker,
                memory_per_worker_mb,
            } => {
                write!(
                    f,
                    "local-cluster[{workers},{cores_per_worker},{memory_per_worker_mb}]"
                )
            }
            Master::Standalone { masters } => {
                let list: Vec<String> = masters
                    .iter()
                    .map(|m| format!("{}:{}", m.host, m.port))
                    .collect();
                write!(f, "spark://{}", list.join(","))
            }
            Master::Yarn => f.write_str("yarn"),
            Master::Kubernetes { api_server } => write!(f, "k8s://{api_server}"),
        }
    }
}

/// A master URL that could not be parsed: the value, what is wrong, and the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid master URL {value:?} (--master / spark.master): {problem}; \
     accepted forms: {ACCEPTED_FORMS}"
)]
pub struct MasterUrlError {
    /// The value as given.
    pub value: String,
    /// What is wrong with it.
    pub problem: MasterUrlProblem,
}

/// What is wrong with a master URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MasterUrlProblem {
    #[error("the value is empty")]
    Empty,
    #[error(
        "`*` means the host's processor count, which would make results depend on the \
         machine; write local[N] with an explicit N"
    )]
    LocalStar,
    #[error("{what} must be a positive whole number, got {got:?}")]
    NotPositive { what: &'static str, got: String },
    #[error("{form} takes {expected} comma-separated numbers, got {got}")]
    WrongArity {
        form: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("{got:?} is not HOST:PORT with a port from 0 to 65535")]
    BadHostPort { got: String },
    #[error("{hint}")]
    Unsupported { hint: &'static str },
    #[error("unrecognised master")]
    Unrecognised,
}

impl FromStr for Master {
    type Err = MasterUrlError;

    fn from_str(value: &str) -> Result<Master, MasterUrlError> {
        parse_trimmed(value.trim()).map_err(|problem| MasterUrlError {
            value: value.to_string(),
            problem,
        })
    }
}

fn parse_trimmed(url: &str) -> Result<Master, MasterUrlProblem> {
    if url.is_empty() {
        return Err(MasterUrlProblem::Empty);
    }
    if url == "local" {
        return Ok(Master::Local {
            threads: 1,
            max_task_failures: MAX_LOCAL_TASK_FAILURES,
        });
    }
    if let Some(args) = bracketed(url, "local") {
        return parse_local(args);
    }
    if let Some(args) = bracketed(url, "local-cluster") {
        return parse_local_cluster(args);
    }
    if let Some(list) = url.strip_prefix("spark://") {
        return parse_standalone(list);
    }
    if url == "yarn" {
        return Ok(Master::Yarn);
    }
    if let Some(api_server) = url.strip_prefix("k8s://") {
        return parse_k8s(api_server);
    }
    Err(unsupported_hint(url))
}

/// The text between `name[` and a final `]`, if `url` has that shape.
fn bracketed<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.strip_prefix(name)?.strip_prefix('[')?.strip_suffix(']')
}

fn parse_local(args: &str) -> Result<Master, MasterUrlProblem> {
    let parts: Vec<&str> = args.split(',').map(str::trim).collect();
    if parts[0] == "*" {
        return Err(MasterUrlProblem::LocalStar);
    }
    match parts.as_slice() {
        [threads] => Ok(Master::Local {
            threads: positive(threads, "N (threads) in local[N]")?,
            max_task_failures: MAX_LOCAL_TASK_FAILURES,
        }),
        [threads, failures] => Ok(Master::Local {
            threads: positive(threads, "N (threads) in local[N,F]")?,
            max_task_failures: positive(failures, "F (maxTaskFailures) in local[N,F]")?,
        }),
        _ => Err(MasterUrlProblem::WrongArity {
            form: "local[N,F]",
            expected: 2,
            got: parts.len(),
        }),
    }
}

fn parse_local_cluster(args: &str) -> Result<Master, MasterUrlProblem> {
    let parts: Vec<&str> = args.split(',').map(str::trim).collect();
    let [workers, cores, memory] = parts.as_slice() else {
        return Err(MasterUrlProblem::WrongArity {
            form: "local-cluster[W,C,M]",
            expected: 3,
            got: parts.len(),
        });
    };
    Ok(Master::LocalCluster {
        workers: positive(workers, "W (workers) in local-cluster[W,C,M]")?,
        cores_per_worker: positive(cores, "C (cores per worker) in local-cluster[W,C,M]")?,
        memory_per_worker_mb: u64::from(positive(
            memory,
            "M (MiB per worker) in local-cluster[W,C,M]",
        )?),
    })
}

fn parse_standalone(list: &str) -> Result<Master, MasterUrlProblem> {
    let masters = list
        .split(',')
        .map(|hp| parse_host_port(hp.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Master::Standalone { masters })
}

fn parse_host_port(text: &str) -> Result<HostPort, MasterUrlProblem> {
    let bad = || MasterUrlProblem::BadHostPort {
        got: text.to_string(),
    };
    let (host, port) = text.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let plain_host = !host.is_empty() && !host.contains(['/', '?', '#', ' ']);
    if !plain_host {
        return Err(bad());
    }
    Ok(HostPort {
        host: host.to_string(),
        port,
    })
}

fn parse_k8s(api_server: &str) -> Result<Master, MasterUrlProblem> {
    if api_server.trim().is_empty() {
        return Err(MasterUrlProblem::BadHostPort {
            got: api_server.to_string(),
        });
    }
    Ok(Master::Kubernetes {
        api_server: api_server.to_string(),
    })
}

fn positive(text: &str, what: &'static str) -> Result<u32, MasterUrlProblem> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u32>() {
        Ok(n) if digits && n > 0 => Ok(n),
        _ => Err(MasterUrlProblem::NotPositive {
            what,
            got: text.to_string(),
        }),
    }
}

fn unsupported_hint(url: &str) -> MasterUrlProblem {
    let hint = if url.starts_with("mesos://") || url.starts_with("zk://") {
        "Mesos is not supported (deprecated in Spark 3.2, removed in 4.0)"
    } else if url == "yarn-client" || url == "yarn-cluster" {
        "write `yarn`; client or cluster deploy mode does not change scheduling"
    } else if url.starts_with("local[*") {
        return MasterUrlProblem::LocalStar;
    } else if url.starts_with("local") {
        "local forms need square brackets, e.g. local[4] or local-cluster[2,1,1024]"
    } else {
        return MasterUrlProblem::Unrecognised;
    };
    MasterUrlProblem::Unsupported { hint }
}
