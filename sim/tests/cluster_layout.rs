//! Tests of `sim::cluster::layout`: the executors each kind of master starts with, and the
//! errors for layouts that cannot run.

use sim::cluster::layout::{DEFAULT_EXECUTOR_INSTANCES, DEFAULT_EXECUTOR_MEMORY_MB};
use sim::cluster::{ExecutorConf, ExecutorLayout, ExecutorSpec, LayoutError, Master, WorkerSpec};

fn master(url: &str) -> Master {
    url.parse().unwrap()
}

fn build(
    url: &str,
    workers: &[WorkerSpec],
    conf: ExecutorConf,
) -> Result<ExecutorLayout, LayoutError> {
    ExecutorLayout::build(&master(url), workers, &conf)
}

fn spec(id: &str, host: &str, cores: u32) -> ExecutorSpec {
    ExecutorSpec {
        id: id.into(),
        host: host.into(),
        cores,
    }
}

#[test]
fn defaults_are_sparks() {
    let conf = ExecutorConf::default();
    assert_eq!(conf.executor_memory_mb, DEFAULT_EXECUTOR_MEMORY_MB);
    assert!(conf.spread_out);
    assert_eq!(
        (conf.cores_max, conf.executor_cores, conf.executor_instances),
        (None, None, None)
    );
}

#[test]
fn local_is_one_driver_executor_on_localhost() {
    let layout = build("local[4]", &[], ExecutorConf::default()).unwrap();
    assert_eq!(layout.executors, [spec("driver", "localhost", 4)]);
    assert!(layout.is_local);
    assert_eq!(layout.local_max_failures, Some(1));
    assert_eq!(layout.total_cores(), 4);

    let layout = build("local[2,3]", &[], ExecutorConf::default()).unwrap();
    assert_eq!(layout.local_max_failures, Some(3));
    let layout = build("local", &[], ExecutorConf::default()).unwrap();
    assert_eq!(layout.executors, [spec("driver", "localhost", 1)]);
}

#[test]
fn local_cluster_runs_standalone_placement_on_localhost() {
    let layout = build("local-cluster[2,3,2048]", &[], ExecutorConf::default()).unwrap();
    assert_eq!(
        layout.executors,
        [spec("0", "localhost", 3), spec("1", "localhost", 3)]
    );
    assert!(!layout.is_local);
    assert_eq!(layout.local_max_failures, None);
}

#[test]
fn local_cluster_executor_memory_must_fit_a_worker() {
    let conf = ExecutorConf {
        executor_memory_mb: 4096,
        ..ExecutorConf::default()
    };
    let err = build("local-cluster[2,1,1024]", &[], conf).unwrap_err();
    assert_eq!(
        err,
        LayoutError::LocalClusterMemory {
            master: "local-cluster[2,1,1024]".into(),
            worker_mb: 1024,
            executor_mb: 4096
        }
    );
    assert!(err.to_string().contains("spark.executor.memory"), "{err}");
}

#[test]
fn local_masters_reject_cluster_workers() {
    let workers = WorkerSpec::uniform(2, 4, 8192);
    for url in ["local[2]", "local-cluster[1,1,1024]"] {
        let err = build(url, &workers, ExecutorConf::default()).unwrap_err();
        assert!(
            matches!(err, LayoutError::WorkersNotAllowed { .. }),
            "{url}"
        );
        assert!(
            err.to_string().contains("sparksim.cluster.workers"),
            "{err}"
        );
    }
}

#[test]
fn standalone_uses_the_given_workers() {
    let workers = WorkerSpec::uniform(3, 8, 16_384);
    let conf = ExecutorConf {
        executor_cores: Some(4),
        ..ExecutorConf::default()
    };
    let layout = build("spark://m:7077", &workers, conf).unwrap();
    let hosts: Vec<&str> = layout.executors.iter().map(|e| e.host.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "worker-3", "worker-3", "worker-2", "worker-2", "worker-1", "worker-1"
        ]
    );
    assert_eq!(layout.total_cores(), 24);
}

#[test]
fn standalone_ignores_executor_instances() {
    let workers = WorkerSpec::uniform(3, 8, 16_384);
    let conf = ExecutorConf {
        executor_instances: Some(1),
        ..ExecutorConf::default()
    };
    assert_eq!(
        build("spark://m:7077", &workers, conf)
            .unwrap()
            .executors
            .len(),
        3
    );
}

#[test]
fn standalone_without_workers_names_the_keys() {
    let err = build("spark://m:7077", &[], ExecutorConf::default()).unwrap_err();
    assert!(matches!(err, LayoutError::NoWorkers { .. }));
    let message = err.to_string();
    assert!(message.contains("sparksim.cluster.workers"), "{message}");
    assert!(
        message.contains("sparksim.cluster.worker.cores"),
        "{message}"
    );
}

#[test]
fn standalone_with_a_zero_core_worker_is_an_error() {
    let mut workers = WorkerSpec::uniform(2, 8, 16_384);
    workers[1].cores = 0;
    let err = build("spark://m:7077", &workers, ExecutorConf::default()).unwrap_err();
    assert_eq!(
        err,
        LayoutError::WorkerWithoutCores {
            host: "worker-2".into()
        }
    );
}

#[test]
fn standalone_that_places_nothing_explains_why() {
    let workers = WorkerSpec::uniform(2, 8, 2048);
    let conf = ExecutorConf {
        executor_memory_mb: 4096,
        ..ExecutorConf::default()
    };
    let err = build("spark://m:7077", &workers, conf).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, LayoutError::NothingPlaced { .. }));
    assert!(message.contains("spark.executor.memory=4096m"), "{message}");
    assert!(message.contains("2048 MiB"), "{message}");

    let conf = ExecutorConf {
        cores_max: Some(2),
        executor_cores: Some(4),
        ..ExecutorConf::default()
    };
    let message = build("spark://m:7077", &workers, conf)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("spark.cores.max=2, spark.executor.cores=4"),
        "{message}"
    );
}

#[test]
fn zero_executor_cores_is_an_error() {
    let workers = WorkerSpec::uniform(2, 8, 16_384);
    let conf = ExecutorConf {
        executor_cores: Some(0),
        ..ExecutorConf::default()
    };
    for url in ["spark://m:7077", "yarn"] {
        let err = build(url, &workers, conf).unwrap_err();
        assert_eq!(err, LayoutError::ZeroExecutorCores, "{url}");
        assert!(err.to_string().contains("spark.executor.cores"));
    }
}

#[test]
fn yarn_defaults_to_two_one_core_executors_ids_from_one() {
    let layout = build("yarn", &[], ExecutorConf::default()).unwrap();
    assert_eq!(DEFAULT_EXECUTOR_INSTANCES, 2);
    assert_eq!(
        layout.executors,
        [spec("1", "worker-1", 1), spec("2", "worker-2", 1)]
    );
    assert!(!layout.is_local);
    assert_eq!(layout.local_max_failures, None);
}

#[test]
fn k8s_uses_instances_times_cores() {
    let conf = ExecutorConf {
        executor_instances: Some(3),
        executor_cores: Some(4),
        ..ExecutorConf::default()
    };
    let layout = build("k8s://https://kube:6443", &[], conf).unwrap();
    assert_eq!(layout.executors.len(), 3);
    assert_eq!(layout.total_cores(), 12);
    assert_eq!(layout.executors[2], spec("3", "worker-3", 4));
}

#[test]
fn yarn_places_round_robin_over_workers_with_room() {
    let mut workers = WorkerSpec::uniform(3, 8, 16_384);
    workers[1].cores = 2; // too small for a 4-core executor
    let conf = ExecutorConf {
        executor_instances: Some(4),
        executor_cores: Some(4),
        ..ExecutorConf::default()
    };
    let layout = build("yarn", &workers, conf).unwrap();
    let hosts: Vec<&str> = layout.executors.iter().map(|e| e.host.as_str()).collect();
    assert_eq!(hosts, ["worker-1", "worker-3", "worker-1", "worker-3"]);
}

#[test]
fn yarn_executor_that_fits_nowhere_is_an_error() {
    let workers = WorkerSpec::uniform(2, 4, 16_384);
    let conf = ExecutorConf {
        executor_instances: Some(3),
        executor_cores: Some(4),
        ..ExecutorConf::default()
    };
    let err = build("yarn", &workers, conf).unwrap_err();
    assert_eq!(
        err,
        LayoutError::ExecutorDoesNotFit {
            id: 3,
            cores: 4,
            memory_mb: 1024
        }
    );
    assert!(
        err.to_string().contains("spark.executor.instances"),
        "{err}"
    );
}

#[test]
fn yarn_with_zero_instances_is_an_error() {
    let conf = ExecutorConf {
        executor_instances: Some(0),
        ..ExecutorConf::default()
    };
    let err = build("yarn", &[], conf).unwrap_err();
    assert!(
        err.to_string()
            .contains("spark.executor.instances must be at least 1"),
        "{err}"
    );
}

#[test]
fn uniform_and_local_cluster_worker_hosts() {
    let hosts: Vec<String> = WorkerSpec::uniform(3, 1, 1)
        .into_iter()
        .map(|w| w.host)
        .collect();
    assert_eq!(hosts, ["worker-1", "worker-2", "worker-3"]);
    assert!(
        WorkerSpec::local_cluster(3, 1, 1)
            .iter()
            .all(|w| w.host == "localhost")
    );
}
