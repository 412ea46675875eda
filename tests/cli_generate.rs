//! End to end: `sparksim generate SPEC.toml --seed N -o workload.json`.

use std::path::{Path, PathBuf};

mod common;
use common::{sparksim, stderr};

const SPEC: &str = "workloads/examples/synthetic-fair.toml";

fn spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SPEC)
}

/// A fresh, empty directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_generate-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `generate` into `out` and returns the file's bytes.
fn generate(spec: &Path, seed: u64, extra: &[&str], out: &Path) -> Vec<u8> {
    let seed = seed.to_string();
    let mut args = vec![
        "generate",
        spec.to_str().unwrap(),
        "--seed",
        &seed,
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = sparksim(&args);
    assert!(o.status.success(), "generate failed: {}", stderr(&o));
    std::fs::read(out).unwrap()
}

#[test]
fn same_seed_gives_byte_identical_files() {
    let dir = scratch("same-seed");
    let a = generate(&spec_path(), 42, &[], &dir.join("a.json"));
    let b = generate(&spec_path(), 42, &[], &dir.join("b.json"));
    assert!(!a.is_empty());
    assert!(a == b, "two runs with seed 42 differ");
}

#[test]
fn different_seeds_and_replications_differ() {
    let dir = scratch("different-seeds");
    let a = generate(&spec_path(), 1, &[], &dir.join("a.json"));
    let b = generate(&spec_path(), 2, &[], &dir.join("b.json"));
    assert!(a != b, "seeds 1 and 2 give the same file");
    let r0 = generate(
        &spec_path(),
        1,
        &["--replication", "0"],
        &dir.join("r0.json"),
    );
    let r1 = generate(
        &spec_path(),
        1,
        &["--replication", "1"],
        &dir.join("r1.json"),
    );
    assert!(r0 == a, "replication 0 is the default");
    assert!(r1 != a, "replication 1 repeats replication 0");
}

#[test]
fn output_loads_as_a_scenario_equal_to_the_generated_workload() {
    let dir = scratch("loads");
    let out = dir.join("workload.json");
    generate(&spec_path(), 7, &[], &out);
    let loaded = workloads::scenario::load_scenario(&out).expect("the output loads");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let spec = workloads::synthetic::load_synthetic_spec(spec_path()).unwrap();
    let expected = workloads::synthetic::generate(&spec, 7);
    assert_eq!(loaded.workload.jobs, expected.jobs);
    assert_eq!(loaded.workload.pools, expected.pools);
    assert_eq!(loaded.workload.cluster, expected.cluster);
    assert_eq!(loaded.workload.scheduler_mode.as_deref(), Some("FAIR"));
    assert!(!loaded.workload.jobs.is_empty());
}

#[test]
fn stdout_is_the_default_and_a_summary_goes_to_stderr() {
    let dir = scratch("stdout");
    let file = generate(&spec_path(), 3, &[], &dir.join("w.json"));
    let o = sparksim(&["generate", spec_path().to_str().unwrap(), "--seed", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout == file, "stdout differs from the -o file");
    let dash = sparksim(&[
        "generate",
        spec_path().to_str().unwrap(),
        "--seed",
        "3",
        "-o",
        "-",
    ]);
    assert!(
        dash.status.success() && dash.stdout == file,
        "-o - is stdout"
    );
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one summary line: {err}");
    let w = workloads::scenario::load_scenario(dir.join("w.json"))
        .unwrap()
        .workload;
    for part in [
        format!("{} jobs", w.jobs.len()),
        format!("{} stages", w.total_stages()),
        format!("{} tasks", w.total_tasks()),
        format!("{} pools", w.pools.len()),
        "horizon".to_string(),
    ] {
        assert!(err.contains(&part), "summary lacks {part:?}: {err}");
    }
}

#[test]
fn refuses_to_overwrite_the_spec_file() {
    let dir = scratch("overwrite");
    let spec = dir.join("spec.toml");
    std::fs::copy(spec_path(), &spec).unwrap();
    let before = std::fs::read(&spec).unwrap();
    // The same file, spelt three ways.
    let dotted = dir.join(".").join("spec.toml");
    let link = dir.join("link.toml");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&spec, &link).unwrap();
    #[cfg(not(unix))]
    let link = spec.clone();
    for out in [&spec, &dotted, &link] {
        let o = sparksim(&[
            "generate",
            spec.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "-o {}", out.display());
        assert!(
            stderr(&o).contains("refusing to overwrite"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read(&spec).unwrap(),
            before,
            "the spec was modified"
        );
    }
}

#[test]
fn bad_spec_exits_2_naming_the_file_and_key() {
    let dir = scratch("bad-spec");
    let spec = dir.join("broken-spec.toml");
    std::fs::write(
        &spec,
        "horizon_ms = 10_000\n\n[[classes]]\nname = \"q\"\n\
         arrivals = { process = \"poisson\", rate_per_s = 1 }\n\
         tasks = 0\ntask_duration_ms = { dist = \"uniform\", min = 50, max = 10 }\n",
    )
    .unwrap();
    let out = dir.join("out.json");
    let o = sparksim(&[
        "generate",
        spec.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("broken-spec.toml"), "no file name: {err}");
    assert!(err.contains("classes[0]"), "no key: {err}");
    assert!(!out.exists(), "an output was written for a bad spec");

    let typo = dir.join("typo-spec.toml");
    std::fs::write(&typo, "horizon_ms = 10\nhorizon_msec = 5\n").unwrap();
    let o = sparksim(&["generate", typo.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("typo-spec.toml") && err.contains("horizon_msec"),
        "{err}"
    );

    let missing = dir.join("missing-spec.toml");
    let o = sparksim(&["generate", missing.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("missing-spec.toml"), "{err}");
    assert_eq!(err.matches("os error").count(), 1, "cause repeated: {err}");
}

#[test]
fn unwritable_output_exits_2_naming_the_output() {
    let dir = scratch("unwritable");
    let out = dir.join("no-such-dir").join("w.json");
    let o = sparksim(&[
        "generate",
        spec_path().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("w.json"), "{err}");
    let o = sparksim(&[
        "generate",
        spec_path().to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "a directory as output");
    assert!(stderr(&o).contains("directory"), "{}", stderr(&o));
}
