//! Tests of master-URL parsing (`sim::cluster::master`): every accepted form, and the error
//! message for each kind of bad value.

use sim::cluster::master::{ACCEPTED_FORMS, MAX_LOCAL_TASK_FAILURES};
use sim::cluster::{HostPort, Master, MasterUrlError, MasterUrlProblem};

fn parse(url: &str) -> Master {
    url.parse()
        .unwrap_or_else(|e| panic!("{url:?} should parse: {e}"))
}

fn problem(url: &str) -> MasterUrlError {
    url.parse::<Master>().expect_err(url)
}

#[test]
fn local_is_one_thread_one_failure() {
    let master = parse("local");
    assert_eq!(
        master,
        Master::Local {
            threads: 1,
            max_task_failures: 1
        }
    );
    assert!(master.is_local());
    assert_eq!(
        master.local_max_task_failures(),
        Some(MAX_LOCAL_TASK_FAILURES)
    );
}

#[test]
fn local_n() {
    assert_eq!(
        parse("local[4]"),
        Master::Local {
            threads: 4,
            max_task_failures: 1
        }
    );
    assert_eq!(
        parse("  local[16] "),
        Master::Local {
            threads: 16,
            max_task_failures: 1
        }
    );
}

#[test]
fn local_n_f() {
    let master = parse("local[4, 3]");
    assert_eq!(
        master,
        Master::Local {
            threads: 4,
            max_task_failures: 3
        }
    );
    assert_eq!(master.local_max_task_failures(), Some(3));
    assert_eq!(parse("local[2,5]").to_string(), "local[2,5]");
}

#[test]
fn local_cluster_is_a_cluster_mode() {
    let master = parse("local-cluster[2, 3, 1024]");
    assert_eq!(
        master,
        Master::LocalCluster {
            workers: 2,
            cores_per_worker: 3,
            memory_per_worker_mb: 1024
        }
    );
    assert!(!master.is_local());
    assert_eq!(master.local_max_task_failures(), None);
    assert_eq!(master.to_string(), "local-cluster[2,3,1024]");
}

#[test]
fn standalone_single_and_ha() {
    assert_eq!(
        parse("spark://master:7077"),
        Master::Standalone {
            masters: vec![HostPort {
                host: "master".into(),
                port: 7077
            }]
        }
    );
    let ha = parse("spark://m1:7077,m2:7078");
    assert_eq!(
        ha,
        Master::Standalone {
            masters: vec![
                HostPort {
                    host: "m1".into(),
                    port: 7077
                },
                HostPort {
                    host: "m2".into(),
                    port: 7078
                },
            ]
        }
    );
    assert_eq!(ha.to_string(), "spark://m1:7077,m2:7078");
    assert!(!ha.is_local());
}

#[test]
fn yarn_and_k8s() {
    assert_eq!(parse("yarn"), Master::Yarn);
    assert_eq!(
        parse("k8s://https://kube.example:6443"),
        Master::Kubernetes {
            api_server: "https://kube.example:6443".into()
        }
    );
    assert_eq!(
        parse("k8s://https://kube.example:6443").to_string(),
        "k8s://https://kube.example:6443"
    );
    assert_eq!(parse("yarn").local_max_task_failures(), None);
}

#[test]
fn every_error_names_the_value_the_flag_and_the_accepted_forms() {
    for url in [
        "",
        "local[0]",
        "local[abc]",
        "local-cluster[2,2]",
        "local[*]",
        "mesos://m:5050",
        "foo",
    ] {
        let message = problem(url).to_string();
        assert!(message.contains(&format!("{url:?}")), "{message}");
        assert!(message.contains("--master"), "{message}");
        assert!(message.contains("spark.master"), "{message}");
        assert!(message.contains(ACCEPTED_FORMS), "{message}");
    }
}

#[test]
fn empty_is_an_error() {
    assert_eq!(problem("").problem, MasterUrlProblem::Empty);
    assert_eq!(problem("   ").problem, MasterUrlProblem::Empty);
}

#[test]
fn local_zero_threads_is_an_error() {
    let err = problem("local[0]");
    assert!(matches!(err.problem, MasterUrlProblem::NotPositive { .. }));
    let message = err.to_string();
    assert!(
        message.contains("N (threads) in local[N] must be a positive whole number, got \"0\""),
        "{message}"
    );
}

#[test]
fn local_non_numeric_threads_is_an_error() {
    for url in [
        "local[abc]",
        "local[-1]",
        "local[+4]",
        "local[]",
        "local[99999999999]",
    ] {
        assert!(
            matches!(problem(url).problem, MasterUrlProblem::NotPositive { .. }),
            "{url}"
        );
    }
    assert!(problem("local[abc]").to_string().contains("got \"abc\""));
}

#[test]
fn local_star_is_an_error_suggesting_local_n() {
    for url in ["local[*]", "local[*,2]"] {
        let err = problem(url);
        assert_eq!(err.problem, MasterUrlProblem::LocalStar);
        assert!(err.to_string().contains("local[N]"));
    }
}

#[test]
fn local_with_bad_failures_is_an_error() {
    let err = problem("local[2,0]");
    assert!(err.to_string().contains("F (maxTaskFailures)"), "{err}");
    assert_eq!(
        problem("local[1,2,3]").problem,
        MasterUrlProblem::WrongArity {
            form: "local[N,F]",
            expected: 2,
            got: 3
        }
    );
}

#[test]
fn local_cluster_with_two_numbers_is_an_error() {
    let err = problem("local-cluster[2,2]");
    assert_eq!(
        err.problem,
        MasterUrlProblem::WrongArity {
            form: "local-cluster[W,C,M]",
            expected: 3,
            got: 2
        }
    );
    assert!(
        err.to_string()
            .contains("local-cluster[W,C,M] takes 3 comma-separated numbers, got 2")
    );
}

#[test]
fn local_cluster_needs_positive_numbers() {
    for url in [
        "local-cluster[0,1,1024]",
        "local-cluster[1,0,1024]",
        "local-cluster[1,1,0]",
        "local-cluster[a,1,1]",
    ] {
        assert!(
            matches!(problem(url).problem, MasterUrlProblem::NotPositive { .. }),
            "{url}"
        );
    }
}

#[test]
fn bad_standalone_urls_are_errors() {
    for url in [
        "spark://",
        "spark://host",
        "spark://host:port",
        "spark://:7077",
        "spark://h:7077,",
        "spark://h:99999",
    ] {
        assert!(
            matches!(problem(url).problem, MasterUrlProblem::BadHostPort { .. }),
            "{url}"
        );
    }
    assert!(matches!(
        problem("k8s://").problem,
        MasterUrlProblem::BadHostPort { .. }
    ));
}

#[test]
fn unsupported_masters_get_a_hint() {
    assert!(
        problem("mesos://m:5050")
            .to_string()
            .contains("Mesos is not supported")
    );
    assert!(problem("yarn-client").to_string().contains("write `yarn`"));
    assert!(problem("local4").to_string().contains("square brackets"));
    assert_eq!(problem("LOCAL").problem, MasterUrlProblem::Unrecognised);
    assert_eq!(problem("foo").problem, MasterUrlProblem::Unrecognised);
}
