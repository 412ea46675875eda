//! Conformance: Spark's `PoolSuite` pool-building cases (spec §10.1 P4, P6, P7, P9–P12),
//! restated against `fair_schedulable_builder`. Expected tables are spec §4.5's.
//!
//! Fixtures are Spark's own test resources (`core/src/test/resources/`, Apache-2.0).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use policies::fair_schedulable_builder::{
    AllocationSource, BuiltPools, DEFAULT_POOL_NAME, FAIR_SCHEDULER_PROPERTIES, PoolFileError,
    PoolOrigin, PoolWarningKind, build_pools, pool_for_unknown_name,
};
use policies::scheduling_mode::SchedulingMode::{self, Fair, Fifo};
use policies::spark_version::SparkVersion;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn configured(name: &str) -> Option<AllocationSource> {
    Some(AllocationSource::Configured(
        fixture(name).display().to_string(),
    ))
}

/// Spark's `verifyPool(rootPool, name, minShare, weight, mode)` for every pool, in order.
fn assert_pools(built: &BuiltPools, expected: &[(&str, i32, i32, SchedulingMode)]) {
    let got: Vec<(&str, i32, i32, SchedulingMode)> = built
        .pools
        .iter()
        .map(|p| (p.name.as_str(), p.min_share, p.weight, p.mode))
        .collect();
    assert_eq!(got, expected);
}

const VALID_DATA: &[(&str, i32, i32, SchedulingMode)] = &[
    ("pool1", 3, 1, Fifo),
    ("pool2", 4, 2, Fair),
    ("pool3", 2, 3, Fair),
    ("default", 0, 1, Fifo),
];

const TEST_RESOURCE: &[(&str, i32, i32, SchedulingMode)] = &[
    ("1", 2, 1, Fifo),
    ("2", 3, 1, Fifo),
    ("3", 0, 1, Fifo),
    ("default", 0, 1, Fifo),
];

/// P4.
#[test]
fn pool_suite_spark_17663_fair_schedulable_builder_sets_default_values_for_blank_or_invalid_datas()
{
    for version in [SparkVersion::V3_5, SparkVersion::V4_0] {
        let built = build_pools(
            Fair,
            configured("fairscheduler-with-invalid-data.xml"),
            version,
        )
        .unwrap();
        assert_pools(
            &built,
            &[
                ("pool_with_invalid_min_share", 0, 2, Fair),
                ("pool_with_invalid_weight", 1, 1, Fair),
                ("pool_with_invalid_scheduling_mode", 3, 2, Fifo),
                ("pool_with_non_uppercase_scheduling_mode", 2, 1, Fair),
                ("pool_with_NONE_scheduling_mode", 1, 2, Fifo),
                ("pool_with_whitespace_min_share", 0, 2, Fair),
                ("pool_with_whitespace_weight", 1, 1, Fair),
                ("pool_with_whitespace_scheduling_mode", 3, 2, Fifo),
                ("pool_with_empty_min_share", 0, 3, Fair),
                ("pool_with_empty_weight", 2, 1, Fair),
                ("pool_with_empty_scheduling_mode", 2, 2, Fifo),
                ("pool_with_surrounded_whitespace", 3, 2, Fair),
                ("default", 0, 1, Fifo),
            ],
        );
        // One Spark warning per defaulted value: 3 minShare, 3 weight, 4 modes (the
        // lower-case "fair" is accepted).
        let spark_warnings: Vec<_> = built
            .warnings
            .iter()
            .filter(|w| w.kind.logged_by_spark())
            .collect();
        assert_eq!(spark_warnings.len(), 10, "{:#?}", built.warnings);
        let none = spark_warnings
            .iter()
            .find(|w| w.pool.as_deref() == Some("pool_with_NONE_scheduling_mode"))
            .unwrap();
        assert!(matches!(&none.kind, PoolWarningKind::InvalidValue { raw, .. } if raw == "NONE"));
        assert!(
            none.to_string()
                .contains("fairscheduler-with-invalid-data.xml:43:"),
            "{none}"
        );
    }
}

/// P6, pool part: with the classpath `fairscheduler.xml`, jobs that set no pool go to `default`.
#[test]
fn pool_suite_fair_scheduler_uses_default_pool_when_spark_scheduler_pool_property_is_not_set() {
    let built = build_pools(
        Fair,
        Some(AllocationSource::ClasspathDefault(fixture(
            "fairscheduler.xml",
        ))),
        SparkVersion::V3_5,
    )
    .unwrap();
    assert_eq!(FAIR_SCHEDULER_PROPERTIES, "spark.scheduler.pool");
    let default = built.pool_named(DEFAULT_POOL_NAME).unwrap();
    assert_eq!(
        (default.min_share, default.weight, default.mode),
        (0, 1, Fifo)
    );
    assert_eq!(default.origin, PoolOrigin::DefaultAdded);
    assert_eq!(
        built.pools.last().map(|p| p.name.as_str()),
        Some(DEFAULT_POOL_NAME)
    );
}

/// P7, pool part: a job naming a pool the file lacks gets a new FIFO pool (0, 1).
#[test]
fn pool_suite_fair_scheduler_creates_a_new_pool_when_spark_scheduler_pool_property_points_to_a_non_existent_pool()
 {
    let built = build_pools(
        Fair,
        Some(AllocationSource::ClasspathDefault(fixture(
            "fairscheduler.xml",
        ))),
        SparkVersion::V3_5,
    )
    .unwrap();
    assert!(built.pool_named("testPool").is_none());
    let created = pool_for_unknown_name("testPool");
    assert_eq!(
        (
            created.name.as_str(),
            created.min_share,
            created.weight,
            created.mode
        ),
        ("testPool", 0, 1, Fifo)
    );
    assert_eq!(created.origin, PoolOrigin::CreatedOnDemand);
}

/// P9.
#[test]
fn pool_suite_fair_scheduler_should_build_fair_scheduler_when_valid_spark_scheduler_allocation_file_property_is_set()
 {
    let built = build_pools(
        Fair,
        configured("fairscheduler-with-valid-data.xml"),
        SparkVersion::V3_5,
    )
    .unwrap();
    assert_pools(&built, VALID_DATA);
    assert!(built.warnings.is_empty(), "{:#?}", built.warnings);
    assert_eq!(
        built.pools[1].origin,
        PoolOrigin::AllocationFile { line: 25 }
    );
}

/// P9 through a `file://` URL, as the fidelity runs configure it.
#[test]
fn pool_suite_allocation_file_as_file_url() {
    let url = format!(
        "file://{}",
        fixture("fairscheduler-with-valid-data.xml").display()
    );
    let built = build_pools(
        Fair,
        Some(AllocationSource::Configured(url)),
        SparkVersion::V4_0,
    )
    .unwrap();
    assert_pools(&built, VALID_DATA);
}

/// P10: the classpath file, modelled as an explicitly given default file.
#[test]
fn pool_suite_fair_scheduler_should_use_default_file_fairscheduler_xml_if_it_exists_in_classpath_and_spark_scheduler_allocation_file_property_is_not_set()
 {
    let built = build_pools(
        Fair,
        Some(AllocationSource::ClasspathDefault(fixture(
            "fairscheduler.xml",
        ))),
        SparkVersion::V3_5,
    )
    .unwrap();
    assert_pools(&built, TEST_RESOURCE);
}

/// P11.
#[test]
fn pool_suite_fair_scheduler_should_throw_file_not_found_exception_when_invalid_spark_scheduler_allocation_file_property_is_set()
 {
    let err = build_pools(
        Fair,
        Some(AllocationSource::Configured("INVALID_FILE_PATH".into())),
        SparkVersion::V3_5,
    )
    .unwrap_err();
    assert_eq!(
        err,
        PoolFileError::NotFound {
            path: "INVALID_FILE_PATH".into()
        }
    );
    assert!(err.to_string().contains("INVALID_FILE_PATH"));
}

/// A one-thread HTTP/1.0 server on 127.0.0.1 serving `files` for at most `connections`
/// requests or 10 seconds, whichever comes first.
fn serve(
    files: Vec<(&'static str, Vec<u8>)>,
    connections: usize,
) -> (String, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut served = 0;
        while served < connections && Instant::now() < deadline {
            let Ok((mut stream, _)) = listener.accept() else {
                thread::sleep(Duration::from_millis(5));
                continue;
            };
            served += 1;
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65536 {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let found = files.iter().find(|(name, _)| path == format!("/{name}"));
            let response = match found {
                Some((_, body)) => {
                    let mut r =
                        format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", body.len())
                            .into_bytes();
                    r.extend_from_slice(body);
                    r
                }
                None => b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    (base, handle)
}

/// P12.
#[test]
fn pool_suite_spark_35083_support_remote_scheduler_pool_file() {
    let name = "fairscheduler-with-valid-data.xml";
    let body = std::fs::read(fixture(name)).unwrap();
    let (base, server) = serve(vec![(name, body)], 2);
    let built = build_pools(
        Fair,
        Some(AllocationSource::Configured(format!("{base}{name}"))),
        SparkVersion::V3_5,
    )
    .unwrap();
    assert_pools(&built, VALID_DATA);
    assert_eq!(built.source, Some(format!("{base}{name}")));
    let missing = build_pools(
        Fair,
        Some(AllocationSource::Configured(format!("{base}missing.xml"))),
        SparkVersion::V3_5,
    )
    .unwrap_err();
    assert!(
        matches!(missing, PoolFileError::NotFound { .. }),
        "{missing:?}"
    );
    server.join().unwrap();
}

#[test]
fn https_allocation_file_is_reported_as_unsupported() {
    let err = build_pools(
        Fair,
        Some(AllocationSource::Configured(
            "https://example.invalid/fairscheduler.xml".into(),
        )),
        SparkVersion::V3_5,
    )
    .unwrap_err();
    assert!(
        matches!(err, PoolFileError::UnsupportedScheme { ref scheme, .. } if scheme == "https")
    );
}

#[test]
fn non_utf8_file_is_reported_with_its_name() {
    let dir = std::env::temp_dir().join(format!("sparksim-pool-building-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.xml");
    std::fs::write(
        &path,
        b"<allocations>\n<pool name=\"caf\xe9\"/>\n</allocations>",
    )
    .unwrap();
    let err = build_pools(
        Fair,
        Some(AllocationSource::Configured(path.display().to_string())),
        SparkVersion::V3_5,
    )
    .unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    match err {
        PoolFileError::InvalidUtf8 { file, line, .. } => {
            assert!(file.ends_with("latin1.xml"));
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
}
