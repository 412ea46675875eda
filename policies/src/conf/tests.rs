//! Tests of `SparkConf`: sources and precedence, defaults per version, typed getters, validation.

use super::*;
use crate::scheduling_mode::SchedulingMode;

fn conf(pairs: &[(&str, &str)]) -> SparkConf {
    let mut c = SparkConf::new();
    for (k, v) in pairs {
        c.set(*k, *v, ConfSource::CommandLine);
    }
    c
}

fn invalid_key(err: &ConfError) -> &str {
    match err {
        ConfError::InvalidValue { key, .. } => key,
        other => panic!("expected InvalidValue, got {other:?}"),
    }
}

#[test]
fn conf_arg_splits_at_first_equals_without_trimming() {
    assert_eq!(
        parse_conf_arg("spark.a=b=c"),
        Ok(("spark.a".into(), "b=c".into()))
    );
    assert_eq!(parse_conf_arg("k="), Ok(("k".into(), String::new())));
    assert_eq!(
        parse_conf_arg(" spark.a = 1"),
        Ok((" spark.a ".into(), " 1".into()))
    );
    let err = parse_conf_arg("spark.speculation").unwrap_err();
    assert_eq!(
        err,
        ConfError::MissingEquals {
            arg: "spark.speculation".into()
        }
    );
    assert!(err.to_string().contains("spark.speculation"));
}

#[test]
fn command_line_beats_properties_file_in_either_order() {
    let file = "spark.task.cpus 2\nspark.locality.wait=1s\n";
    let mut before = SparkConf::new();
    before.load_properties_str(file, "defaults.conf").unwrap();
    before.set_conf_arg("spark.task.cpus=4").unwrap();
    let mut after = SparkConf::new();
    after.set_conf_arg("spark.task.cpus=4").unwrap();
    after.load_properties_str(file, "defaults.conf").unwrap();
    for c in [&before, &after] {
        assert_eq!(c.task_cpus(), Ok(4));
        assert_eq!(
            c.entry("spark.locality.wait").map(|e| &e.source),
            Some(&ConfSource::PropertiesFile {
                path: "defaults.conf".into(),
                line: 2
            })
        );
    }
}

#[test]
fn properties_syntax_error_names_file_and_line() {
    let err = SparkConf::new()
        .load_properties_str("a=1\n\nb=\\uZZZZ\n", "conf/spark-defaults.conf")
        .unwrap_err();
    assert!(
        matches!(&err, ConfError::PropertiesSyntax { line: 3, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("conf/spark-defaults.conf:3:"),
        "{err}"
    );
}

#[test]
fn missing_properties_file_is_an_error_naming_it() {
    let err = SparkConf::new()
        .load_properties_file(std::path::Path::new("/nonexistent/spark-defaults.conf"))
        .unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/spark-defaults.conf"),
        "{err}"
    );
}

#[test]
fn defaults_when_unset() {
    let c = SparkConf::new();
    assert_eq!(c.scheduler_mode(), Ok(SchedulingMode::Fifo));
    assert_eq!(c.task_cpus(), Ok(1));
    assert_eq!(c.executor_cores(), Ok(None));
    assert_eq!(c.task_max_failures(), Ok(4));
    assert_eq!(c.locality_wait_ms(LocalityWaitLevel::Node), Ok(3_000));
    assert_eq!(c.legacy_locality_reset(), Ok(false));
    assert_eq!(c.revive_interval_ms(), Ok(1_000));
    assert_eq!(c.heartbeat_interval_ms(), Ok(10_000));
    assert_eq!(c.executor_memory_mib(), Ok(1024));
    assert_eq!(c.cores_max(), Ok(None));
    assert_eq!(c.deploy_spread_out(), Ok(true));
    assert_eq!(c.allocation_file(), None);
    assert_eq!(c.version(), Ok(SparkVersion::V3_5));
}

#[test]
fn speculation_defaults_depend_on_version() {
    let v35 = SparkConf::new().speculation().unwrap();
    assert_eq!(
        v35,
        SpeculationConf {
            enabled: false,
            interval_ms: 100,
            multiplier: 1.5,
            quantile: 0.75,
            min_task_runtime_ms: 100,
            task_duration_threshold_ms: None,
            efficiency_enabled: true,
            process_rate_multiplier: 0.75,
            long_run_task_factor: 2.0,
        }
    );
    let v40 = SparkConf::for_version(SparkVersion::V4_0)
        .speculation()
        .unwrap();
    assert_eq!((v40.multiplier, v40.quantile), (3.0, 0.9));
    let v33 = SparkConf::for_version(SparkVersion::V3_3)
        .speculation()
        .unwrap();
    assert!(!v33.efficiency_enabled);
    assert_eq!((v33.multiplier, v33.quantile), (1.5, 0.75));
}

#[test]
fn explicit_speculation_values_win_over_version_defaults() {
    let mut c = conf(&[
        ("spark.speculation", "TRUE"),
        ("spark.speculation.multiplier", "2"),
        ("spark.speculation.interval", "1s"),
        ("spark.speculation.task.duration.threshold", "30"),
        (SPARKSIM_VERSION_KEY, "4.0.0"),
    ]);
    let s = c.speculation().unwrap();
    assert!(s.enabled);
    assert_eq!(s.multiplier, 2.0);
    assert_eq!(s.quantile, 0.9);
    assert_eq!(s.interval_ms, 1_000);
    assert_eq!(s.task_duration_threshold_ms, Some(30));
    c.set(
        "spark.speculation.efficiency.processRateMultiplier",
        "1.5",
        ConfSource::Workload,
    );
    let err = c.speculation().unwrap_err();
    assert_eq!(
        invalid_key(&err),
        "spark.speculation.efficiency.processRateMultiplier"
    );
    assert!(err.to_string().contains("(0.0, 1.0]"), "{err}");
    assert!(err.to_string().contains("the workload"), "{err}");
}

#[test]
fn scheduler_mode_is_case_insensitive_but_not_trimmed() {
    assert_eq!(
        conf(&[("spark.scheduler.mode", "fair")]).scheduler_mode(),
        Ok(SchedulingMode::Fair)
    );
    assert_eq!(
        conf(&[("spark.scheduler.mode", "FiFo")]).scheduler_mode(),
        Ok(SchedulingMode::Fifo)
    );
    let err = conf(&[("spark.scheduler.mode", " FAIR")])
        .scheduler_mode()
        .unwrap_err();
    assert!(err.to_string().contains("does not trim"), "{err}");
}

#[test]
fn scheduler_mode_none_and_unknown_are_errors() {
    let none = conf(&[("spark.scheduler.mode", "NONE")])
        .scheduler_mode()
        .unwrap_err();
    assert_eq!(invalid_key(&none), "spark.scheduler.mode");
    assert!(none.to_string().contains("NONE is not supported"), "{none}");
    let other = conf(&[("spark.scheduler.mode", "ROUND_ROBIN")])
        .scheduler_mode()
        .unwrap_err();
    assert!(other.to_string().contains("\"ROUND_ROBIN\""), "{other}");
    assert!(other.to_string().contains("the command line"), "{other}");
    assert!(
        conf(&[("spark.scheduler.mode", "none")])
            .validate(&[])
            .is_err()
    );
}

#[test]
fn locality_waits_fall_back_and_errors_name_the_key_that_held_the_value() {
    let c = conf(&[
        ("spark.locality.wait", "10s"),
        ("spark.locality.wait.node", "0"),
    ]);
    assert_eq!(c.locality_wait_ms(LocalityWaitLevel::Process), Ok(10_000));
    assert_eq!(c.locality_wait_ms(LocalityWaitLevel::Node), Ok(0));
    assert_eq!(c.locality_wait_ms(LocalityWaitLevel::Rack), Ok(10_000));
    let bad = conf(&[("spark.locality.wait", "3 s")]);
    let err = bad.locality_wait_ms(LocalityWaitLevel::Rack).unwrap_err();
    assert_eq!(invalid_key(&err), "spark.locality.wait");
    assert!(err.to_string().contains("duration"), "{err}");
}

#[test]
fn dynamic_allocation_timeouts_are_seconds() {
    let c = conf(&[
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.dynamicAllocation.executorIdleTimeout", "150"),
        ("spark.dynamicAllocation.schedulerBacklogTimeout", "2500ms"),
        ("spark.dynamicAllocation.shuffleTracking.timeout", "150"),
        ("spark.dynamicAllocation.minExecutors", "1"),
        ("spark.dynamicAllocation.initialExecutors", "3"),
        ("spark.executor.instances", "10"),
    ]);
    let da = c.dynamic_allocation().unwrap();
    assert_eq!(da.executor_idle_timeout_s, 150);
    assert_eq!(da.executor_idle_timeout_ms(), 150_000);
    assert_eq!(da.scheduler_backlog_timeout_s, 2);
    assert_eq!(da.sustained_scheduler_backlog_timeout_s, 2);
    assert_eq!(da.shuffle_tracking_timeout_ms, 150);
    assert_eq!(da.cached_executor_idle_timeout_s, i64::from(i32::MAX));
    assert!(da.shuffle_tracking_enabled);
    assert_eq!(da.initial_target(), 10);
    assert_eq!(
        c.get_time_ms("spark.dynamicAllocation.schedulerBacklogTimeout"),
        Ok(Some(2_000))
    );
}

#[test]
fn dynamic_allocation_defaults_per_version() {
    let da = SparkConf::new().dynamic_allocation().unwrap();
    assert_eq!(
        (da.min_executors, da.max_executors, da.initial_executors),
        (0, i32::MAX, 0)
    );
    assert_eq!(da.executor_idle_timeout_s, 60);
    assert_eq!(da.shuffle_tracking_timeout_ms, i64::MAX);
    assert!(
        !SparkConf::for_version(SparkVersion::V3_3)
            .dynamic_allocation()
            .unwrap()
            .shuffle_tracking_enabled
    );
}

#[test]
fn sub_second_backlog_timeout_fails_validation_like_spark() {
    let c = conf(&[
        ("spark.master", "spark://m:7077"),
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.dynamicAllocation.schedulerBacklogTimeout", "500ms"),
    ]);
    let err = c.validate(&[]).unwrap_err();
    assert!(err.to_string().contains("schedulerBacklogTimeout"), "{err}");
}

#[test]
fn negative_idle_timeout_fails_the_check_value() {
    let c = conf(&[("spark.dynamicAllocation.executorIdleTimeout", "-1")]);
    let err = c.dynamic_allocation().unwrap_err();
    assert!(err.to_string().contains(">= 0"), "{err}");
}

#[test]
fn generic_getters_for_sim_knobs() {
    let c = conf(&[
        ("sparksim.engine.tick", "250"),
        ("sparksim.engine.latency", "2s"),
        ("sparksim.engine.flag", " True "),
        ("sparksim.engine.slots", "8"),
        ("sparksim.engine.ratio", "0.5"),
    ]);
    assert_eq!(c.get_time_ms("sparksim.engine.tick"), Ok(Some(250)));
    assert_eq!(c.get_time_ms("sparksim.engine.latency"), Ok(Some(2_000)));
    assert_eq!(c.get_bool("sparksim.engine.flag"), Ok(Some(true)));
    assert_eq!(c.get_u32("sparksim.engine.slots"), Ok(Some(8)));
    assert_eq!(c.get_f64("sparksim.engine.ratio"), Ok(Some(0.5)));
    assert_eq!(c.get_u32("sparksim.engine.unset"), Ok(None));
    let err = c.get_u32("sparksim.engine.ratio").unwrap_err();
    assert_eq!(invalid_key(&err), "sparksim.engine.ratio");
}

#[test]
fn invalid_values_name_key_value_expectation_and_source() {
    let mut c = SparkConf::new();
    c.load_properties_str("spark.task.cpus = two\n", "spark-defaults.conf")
        .unwrap();
    let err = c.task_cpus().unwrap_err();
    let text = err.to_string();
    for part in [
        "spark.task.cpus",
        "\"two\"",
        "integer",
        "spark-defaults.conf:1",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    assert_eq!(c.validate(&[]).unwrap_err(), err);
}

#[test]
fn bad_version_key_is_an_error() {
    let c = conf(&[(SPARKSIM_VERSION_KEY, "five")]);
    assert_eq!(invalid_key(&c.version().unwrap_err()), SPARKSIM_VERSION_KEY);
    assert!(c.speculation().is_err());
}

#[test]
fn effective_task_max_failures_follows_master() {
    assert_eq!(
        conf(&[("spark.master", "local[4]")]).effective_task_max_failures(),
        Ok(1)
    );
    assert_eq!(
        conf(&[("spark.master", "local[4,3]")]).effective_task_max_failures(),
        Ok(3)
    );
    assert_eq!(
        conf(&[("spark.master", "yarn")]).effective_task_max_failures(),
        Ok(4)
    );
}

fn kinds(warnings: &[ConfWarning]) -> Vec<&ConfWarningKind> {
    warnings.iter().map(|w| &w.kind).collect()
}

#[test]
fn validate_warns_about_unknown_keys_with_suggestions() {
    let c = conf(&[
        ("spark.speculaton", "true"),
        ("spark.sql.adaptive.enabled", "false"),
        ("sparksim.seeed", "1"),
        ("sparksim.cluster.hosts", "4"),
        ("fs.defaultFS", "hdfs://x"),
    ]);
    let warnings = c
        .validate(&["sparksim.seed", "sparksim.cluster.*"])
        .unwrap();
    assert_eq!(
        kinds(&warnings),
        vec![
            &ConfWarningKind::NotSparkKey { suggestion: None },
            &ConfWarningKind::UnknownKey {
                suggestion: Some("spark.speculation".into())
            },
            &ConfWarningKind::UnknownKey { suggestion: None },
            &ConfWarningKind::UnknownSimKey {
                suggestion: Some("sparksim.seed".into())
            },
        ]
    );
    assert!(
        warnings[1]
            .to_string()
            .contains("did you mean spark.speculation?")
    );
}

#[test]
fn validate_warns_about_version_deprecation_local_property_and_local_mode() {
    let c = conf(&[
        (SPARKSIM_VERSION_KEY, "3.3"),
        ("spark.speculation.efficiency.enabled", "false"),
        ("spark.blacklist.enabled", "true"),
        ("spark.scheduler.pool", "production"),
        ("spark.master", "local[2]"),
        ("spark.speculation", "true"),
        ("spark.dynamicAllocation.enabled", "true"),
        ("\u{feff}spark.app.name", "x"),
    ]);
    let warnings = c.validate(&[]).unwrap();
    let got = kinds(&warnings);
    assert!(got.contains(&&ConfWarningKind::NotInVersion {
        since: SparkVersion::V3_4,
        version: SparkVersion::V3_3
    }));
    assert!(got.contains(&&ConfWarningKind::Deprecated {
        replacement: "spark.excludeOnFailure.enabled"
    }));
    assert!(got.contains(&&ConfWarningKind::LocalProperty));
    assert!(got.contains(&&ConfWarningKind::ByteOrderMark {
        without_bom: "spark.app.name".into()
    }));
    let local: Vec<_> = got
        .iter()
        .filter(|k| matches!(k, ConfWarningKind::IgnoredInLocalMode { .. }))
        .collect();
    assert_eq!(local.len(), 2);
}

#[test]
fn validate_rejects_task_cpus_above_executor_cores() {
    let err = conf(&[("spark.executor.cores", "2"), ("spark.task.cpus", "4")])
        .validate(&[])
        .unwrap_err();
    assert!(err.to_string().contains("has to be >="), "{err}");
    assert!(
        conf(&[("spark.master", "local[2]"), ("spark.task.cpus", "3")])
            .validate(&[])
            .is_err()
    );
}

#[test]
fn validate_rejects_bad_master_and_da_without_shuffle_preservation() {
    assert!(conf(&[("spark.master", "lokal[2]")]).validate(&[]).is_err());
    let c = conf(&[
        ("spark.master", "yarn"),
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.dynamicAllocation.shuffleTracking.enabled", "false"),
    ]);
    assert!(matches!(
        c.validate(&[]),
        Err(ConfError::InvalidSettings { .. })
    ));
}

#[test]
fn clean_fidelity_style_conf_validates() {
    let c = conf(&[
        ("spark.master", "local[4]"),
        ("spark.app.name", "d1"),
        ("spark.scheduler.mode", "FAIR"),
        (
            "spark.scheduler.allocation.file",
            "file:///x/fairscheduler.xml",
        ),
    ]);
    assert_eq!(c.validate(&[]), Ok(vec![]));
}
