//! End-to-end tests of `sparksim pools`: the binary, its stdout/stderr and exit status.
//!
//! Expected pool tables are spec §4.5's (Spark's `PoolSuite`), written out by hand here; the
//! fidelity runs are checked against the pools Spark itself logged when it built them.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const FIXTURES: &str = "policies/tests/fixtures";
const FIDELITY_D1: &str = "../shared/fidelity/dev/d1_fair_vs_fifo/FAIR_r1/fairscheduler.xml";
const FAIR: &str = "spark.scheduler.mode=FAIR";

/// A finished run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    fn assert_ok(&self) -> &Self {
        assert_no_panic(self);
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Exit status 2, one `error:` message on stderr, nothing on stdout.
    fn assert_bad_input(&self) -> &Self {
        assert_no_panic(self);
        assert_eq!(
            self.code, 2,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        assert!(self.stdout.is_empty(), "{}", self.stdout);
        self
    }

    /// The `warnings:` section of the text output.
    fn text_warnings(&self) -> Vec<&str> {
        self.stdout
            .split_once("\nwarnings:\n")
            .map_or(Vec::new(), |(_, w)| w.lines().map(str::trim).collect())
    }

    /// The `warning: ` lines of stderr (JSON mode).
    fn stderr_warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .map(|l| {
                l.strip_prefix("warning: ")
                    .unwrap_or_else(|| panic!("not a warning line: {l:?}"))
            })
            .collect()
    }
}

fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && run.code != 101,
        "the command panicked:\n{}",
        run.stderr
    );
}

fn output(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// `sparksim pools ARGS`, run from the repository root (so `../shared` resolves).
fn pools(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sparksim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("pools")
        .args(args)
        .output()
        .expect("run sparksim");
    output(out)
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_pools-{test}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    fs::write(&path, contents).unwrap();
    path.display().to_string()
}

/// One pool as the JSON output spells it.
fn pool(name: &str, mode: &str, weight: i32, min_share: i32) -> Value {
    json!({"name": name, "mode": mode, "weight": weight, "minShare": min_share})
}

/// Spec §4.5, test resource `fairscheduler.xml` (minShare, weight, mode as the spec lists).
fn spec_test_resource() -> Value {
    json!([
        pool("1", "FIFO", 1, 2),
        pool("2", "FIFO", 1, 3),
        pool("3", "FIFO", 1, 0),
        pool("default", "FIFO", 1, 0),
    ])
}

/// Spec §4.5, `fairscheduler-with-valid-data.xml`.
fn spec_valid_data() -> Value {
    json!([
        pool("pool1", "FIFO", 1, 3),
        pool("pool2", "FAIR", 2, 4),
        pool("pool3", "FAIR", 3, 2),
        pool("default", "FIFO", 1, 0),
    ])
}

/// Spec §4.5, `fairscheduler-with-invalid-data.xml` (the "result" column).
fn spec_invalid_data() -> Value {
    json!([
        pool("pool_with_invalid_min_share", "FAIR", 2, 0),
        pool("pool_with_invalid_weight", "FAIR", 1, 1),
        pool("pool_with_invalid_scheduling_mode", "FIFO", 2, 3),
        pool("pool_with_non_uppercase_scheduling_mode", "FAIR", 1, 2),
        pool("pool_with_NONE_scheduling_mode", "FIFO", 2, 1),
        pool("pool_with_whitespace_min_share", "FAIR", 2, 0),
        pool("pool_with_whitespace_weight", "FAIR", 1, 1),
        pool("pool_with_whitespace_scheduling_mode", "FIFO", 2, 3),
        pool("pool_with_empty_min_share", "FAIR", 3, 0),
        pool("pool_with_empty_weight", "FAIR", 1, 2),
        pool("pool_with_empty_scheduling_mode", "FIFO", 2, 2),
        pool("pool_with_surrounded_whitespace", "FAIR", 2, 3),
        pool("default", "FIFO", 1, 0),
    ])
}

/// The table rows of the text output as JSON pools (name, mode, weight, minShare columns).
fn text_table(run: &Run) -> Value {
    let mut lines = run.stdout.lines().skip_while(|l| !l.starts_with("pool "));
    let header: Vec<&str> = lines.next().expect("a table").split_whitespace().collect();
    assert_eq!(header, ["pool", "mode", "weight", "minShare", "source"]);
    let rows = lines.take_while(|l| !l.is_empty()).map(|l| {
        let cols: Vec<&str> = l.split_whitespace().collect();
        pool(
            cols[0],
            cols[1],
            cols[2].parse().unwrap(),
            cols[3].parse().unwrap(),
        )
    });
    Value::Array(rows.collect())
}

// ---------------------------------------------------------------------------------------
// Spec §4.5 tables

#[test]
fn spec_4_5_test_resource_json() {
    let run = pools(&[
        "--allocation-file",
        &fixture("fairscheduler.xml"),
        "--conf",
        FAIR,
        "--format",
        "json",
    ]);
    assert_eq!(run.assert_ok().json(), spec_test_resource());
}

#[test]
fn spec_4_5_valid_data_json() {
    let run = pools(&[
        "--allocation-file",
        &fixture("fairscheduler-with-valid-data.xml"),
        "--conf",
        FAIR,
        "--format",
        "json",
    ]);
    assert_eq!(run.assert_ok().json(), spec_valid_data());
}

#[test]
fn spec_4_5_invalid_data_json() {
    for version in ["3.5", "4.0", "3.3"] {
        let run = pools(&[
            "--allocation-file",
            &fixture("fairscheduler-with-invalid-data.xml"),
            "--conf",
            FAIR,
            "--spark-version",
            version,
            "--format",
            "json",
        ]);
        assert_eq!(run.assert_ok().json(), spec_invalid_data(), "{version}");
    }
}

#[test]
fn spec_4_5_tables_in_text_output() {
    for (file, expected) in [
        ("fairscheduler.xml", spec_test_resource()),
        ("fairscheduler-with-valid-data.xml", spec_valid_data()),
        ("fairscheduler-with-invalid-data.xml", spec_invalid_data()),
    ] {
        let run = pools(&["--allocation-file", &fixture(file), "--conf", FAIR]);
        run.assert_ok();
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        assert_eq!(text_table(&run), expected, "{file}:\n{}", run.stdout);
    }
}

#[test]
fn text_header_and_sources_say_where_each_value_came_from() {
    let file = fixture("fairscheduler-with-invalid-data.xml");
    let run = pools(&["--allocation-file", &file, "--conf", FAIR]);
    run.assert_ok();
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "mode: FAIR (--conf)   allocation file: {file} (--allocation-file)   Spark version \
             preset: 3.5 (default)"
        )
    );
    let row = |name: &str| {
        run.stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name}:\n{}", run.stdout))
            .to_string()
    };
    let label = "fairscheduler-with-invalid-data.xml";
    assert!(row("pool_with_invalid_min_share").ends_with(&format!(
        "{label}:20; minShare: default (invalid \"INVALID_MIN_SHARE\" at line 21)"
    )));
    assert!(row("pool_with_NONE_scheduling_mode").ends_with(&format!(
        "{label}:40; schedulingMode: default (invalid \"NONE\" at line 43)"
    )));
    assert!(
        row("pool_with_whitespace_weight")
            .ends_with(&format!("{label}:50; weight: default (blank at line 52)"))
    );
    assert!(row("pool_with_non_uppercase_scheduling_mode").ends_with(&format!("{label}:35")));
    assert!(row("pool_with_surrounded_whitespace").ends_with(&format!("{label}:75")));
    assert!(row("default").ends_with("added by Spark (no \"default\" pool in the file)"));

    // Every value Spark silently replaces gets a warning naming the file and line: 3
    // minShare, 3 weight, 4 modes (lower-case "fair" is accepted).
    let warnings = run.text_warnings();
    let replaced: Vec<_> = warnings
        .iter()
        .filter(|w| w.contains("is blank or invalid"))
        .collect();
    assert_eq!(replaced.len(), 10, "{warnings:#?}");
    assert!(
        warnings.contains(
            &format!(
                "{file}:43: pool \"pool_with_NONE_scheduling_mode\": <schedulingMode> is blank or \
         invalid: \"NONE\"; using the default schedulingMode FIFO"
            )
            .as_str()
        )
    );
}

#[test]
fn missing_elements_are_reported_per_value() {
    let run = pools(&[
        "--allocation-file",
        &fixture("fairscheduler.xml"),
        "--conf",
        FAIR,
    ]);
    run.assert_ok();
    let row = run.stdout.lines().find(|l| l.starts_with("3 ")).unwrap();
    assert!(
        row.ends_with(
            "fairscheduler.xml:30; schedulingMode: default (element missing); weight: default \
             (element missing); minShare: default (element missing)"
        ),
        "{row}"
    );
    let missing = run
        .text_warnings()
        .into_iter()
        .filter(|w| w.contains("pool \"3\"") && w.contains("is missing"))
        .count();
    assert_eq!(missing, 3, "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------
// Ground truth: the pools real Spark 3.5.9 built from the fidelity runs' files

#[test]
fn fidelity_d1_fair_r1_by_relative_path() {
    let run = pools(&[
        "--allocation-file",
        FIDELITY_D1,
        "--conf",
        FAIR,
        "--format",
        "json",
    ]);
    assert_eq!(
        run.assert_ok().json(),
        json!([
            pool("batch", "FAIR", 1, 0),
            pool("interactive", "FAIR", 3, 2),
            pool("default", "FIFO", 1, 0),
        ])
    );
    // The jobs of d1 name only configured pools: no pool is created on demand.
    let run = pools(&[
        "--allocation-file",
        FIDELITY_D1,
        "--conf",
        FAIR,
        "--job-pool",
        "batch",
        "--job-pool",
        "interactive",
        "--format",
        "json",
    ]);
    assert_eq!(run.assert_ok().json().as_array().unwrap().len(), 3);
    assert!(!run.stderr.contains("not in the file"), "{}", run.stderr);
}

/// The pools Spark logged while building them (`FairSchedulableBuilder: Created pool: …`,
/// `Created default pool: …`), in log order.
fn pools_logged_by_spark(driver_log: &str) -> Value {
    let rows = driver_log
        .lines()
        .take_while(|l| !l.contains("Added task set"))
        .filter_map(|l| {
            let (_, rest) = l
                .split_once("FairSchedulableBuilder: Created pool: ")
                .or_else(|| l.split_once("FairSchedulableBuilder: Created default pool: "))?;
            let mut fields = rest.split(", ");
            let name = fields.next()?;
            let mut value = |key: &str| {
                fields
                    .next()
                    .and_then(|f| f.strip_prefix(key))
                    .map(str::to_string)
            };
            let mode = value("schedulingMode: ")?;
            let min_share = value("minShare: ")?.parse().ok()?;
            let weight = value("weight: ")?.parse().ok()?;
            Some(pool(name, &mode, weight, min_share))
        });
    Value::Array(rows.collect())
}

#[test]
fn fidelity_dev_runs_match_the_pools_spark_logged() {
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fidelity/dev");
    let mut checked = 0;
    for scenario in fs::read_dir(&dev).unwrap() {
        for run_dir in fs::read_dir(scenario.unwrap().path()).unwrap() {
            let run_dir = run_dir.unwrap().path();
            let xml = run_dir.join("fairscheduler.xml");
            if !xml.is_file() {
                continue;
            }
            let log = fs::read_to_string(run_dir.join("driver.log")).unwrap();
            let expected = pools_logged_by_spark(&log);
            assert!(!expected.as_array().unwrap().is_empty(), "{run_dir:?}");
            let run = pools(&[
                "--allocation-file",
                xml.to_str().unwrap(),
                "--conf",
                FAIR,
                "--format",
                "json",
            ]);
            assert_eq!(run.assert_ok().json(), expected, "{run_dir:?}");
            checked += 1;
        }
    }
    assert!(checked >= 2, "only {checked} FAIR runs found");
}

// ---------------------------------------------------------------------------------------
// Mode: Spark's rule (default FIFO)

#[test]
fn fifo_is_the_default_and_the_file_is_only_shown_as_what_fair_would_build() {
    let file = fixture("fairscheduler-with-valid-data.xml");
    let run = pools(&["--allocation-file", &file]);
    run.assert_ok();
    assert!(
        run.stdout.starts_with("mode: FIFO (default)   "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("FIFO mode: Spark builds no pools and ignores spark.scheduler.pool"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("the allocation file would build:"));
    assert_eq!(text_table(&run), spec_valid_data());
    assert!(
        run.text_warnings().contains(
            &format!(
                "spark.scheduler.mode is FIFO, so the allocation file {file} is ignored (and so \
                 is spark.scheduler.pool)"
            )
            .as_str()
        ),
        "{}",
        run.stdout
    );

    // JSON is the effective tree: no pools in FIFO mode; the reason goes to stderr.
    let run = pools(&["--allocation-file", &file, "--format", "json"]);
    assert_eq!(run.assert_ok().json(), json!([]));
    let warnings = run.stderr_warnings();
    assert!(warnings[0].starts_with("spark.scheduler.mode is FIFO: Spark builds no pools"));
    assert!(warnings.iter().any(|w| w.contains("is ignored")));
}

#[test]
fn fifo_mode_ignores_job_pools() {
    let run = pools(&["--job-pool", "etl", "--conf", "spark.scheduler.mode=fifo"]);
    run.assert_ok();
    assert!(run.stdout.starts_with("mode: FIFO (--conf)"));
    assert!(!run.stdout.contains("\npool "), "no table:\n{}", run.stdout);
    assert!(
        run.text_warnings()
            .iter()
            .any(|w| w.contains("spark.scheduler.pool is ignored") && w.contains("\"etl\"")),
        "{}",
        run.stdout
    );
}

#[test]
fn mode_is_upper_cased_but_not_trimmed_like_spark() {
    let run = pools(&["--conf", "spark.scheduler.mode=fair", "--format", "json"]);
    assert_eq!(
        run.assert_ok().json(),
        json!([pool("default", "FAIR", 1, 0)])
    );
    let run = pools(&["--conf", "spark.scheduler.mode=FAIR "]);
    run.assert_bad_input();
    assert!(
        run.stderr.contains("Unrecognized spark.scheduler.mode"),
        "{}",
        run.stderr
    );
}

#[test]
fn properties_file_sets_the_mode_and_the_file_and_conf_wins() {
    let dir = scratch("properties");
    let xml = fs::canonicalize(fixture("fairscheduler.xml")).unwrap();
    let props = write(
        &dir,
        "spark-defaults.conf",
        format!(
            "# defaults\nspark.scheduler.mode FAIR\nspark.scheduler.allocation.file={}\n",
            xml.display()
        ),
    );
    let run = pools(&["--properties-file", &props, "--format", "json"]);
    assert_eq!(run.assert_ok().json(), spec_test_resource());
    let run = pools(&["--properties-file", &props]);
    run.assert_ok();
    assert!(
        run.stdout.starts_with(&format!(
            "mode: FAIR ({props}:2)   allocation file: {}",
            xml.display()
        )),
        "{}",
        run.stdout
    );

    // --conf beats the properties file.
    let run = pools(&[
        "--properties-file",
        &props,
        "--conf",
        "spark.scheduler.mode=FIFO",
        "--format",
        "json",
    ]);
    assert_eq!(run.assert_ok().json(), json!([]));
    // --allocation-file beats spark.scheduler.allocation.file, with a warning.
    let run = pools(&[
        "--properties-file",
        &props,
        "--allocation-file",
        &fixture("fairscheduler-with-valid-data.xml"),
        "--format",
        "json",
    ]);
    assert_eq!(run.assert_ok().json(), spec_valid_data());
    assert!(run.stderr.contains("--allocation-file"), "{}", run.stderr);
}

#[test]
fn allocation_file_from_conf_and_as_file_url() {
    let abs = fs::canonicalize(fixture("fairscheduler-with-valid-data.xml")).unwrap();
    let conf = format!("spark.scheduler.allocation.file=file://{}", abs.display());
    let run = pools(&["--conf", FAIR, "--conf", &conf, "--format", "json"]);
    assert_eq!(run.assert_ok().json(), spec_valid_data());
    let run = pools(&["--conf", FAIR, "--conf", &conf]);
    run.assert_ok();
    assert!(
        run.stdout.contains("fairscheduler-with-valid-data.xml:25"),
        "source column uses the file's name:\n{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------------------
// No allocation file: the version preset's rule (§4.2 step 3)

#[test]
fn fair_without_a_file_follows_the_version_rule() {
    for version in ["3.5", "4.0", "3.4"] {
        let run = pools(&[
            "--conf",
            FAIR,
            "--spark-version",
            version,
            "--format",
            "json",
        ]);
        assert_eq!(
            run.assert_ok().json(),
            json!([pool("default", "FAIR", 1, 0)]),
            "{version}"
        );
        assert!(
            run.stderr_warnings()
                .iter()
                .any(|w| w.starts_with("FAIR mode without spark.scheduler.allocation.file")),
            "{}",
            run.stderr
        );
    }
    // A pool a job names is created on demand, FIFO, after `default`.
    let run = pools(&["--conf", FAIR, "--job-pool", "etl", "--format", "json"]);
    assert_eq!(
        run.assert_ok().json(),
        json!([pool("default", "FAIR", 1, 0), pool("etl", "FIFO", 1, 0)])
    );
    assert!(
        run.stderr_warnings().contains(
            &"pool \"etl\" is not defined (no allocation file): Spark will create it as FIFO, \
              weight 1, minShare 0"
        ),
        "{}",
        run.stderr
    );

    let run = pools(&["--conf", FAIR, "--spark-version", "3.3", "--format", "json"]);
    assert_eq!(
        run.assert_ok().json(),
        json!([pool("default", "FIFO", 1, 0)])
    );
    assert!(
        run.stderr.contains(
            "Fair Scheduler configuration file not found so jobs will be scheduled in FIFO order"
        ),
        "{}",
        run.stderr
    );

    let run = pools(&["--conf", FAIR, "--spark-version", "3.3"]);
    run.assert_ok();
    assert!(
        run.stdout.starts_with(
            "mode: FAIR (--conf)   allocation file: none   Spark version preset: 3.3 \
             (--spark-version)"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("added by Spark (no allocation file"));
}

#[test]
fn spark_version_flag_and_conf_key() {
    let run = pools(&["--conf", FAIR, "--conf", "sparksim.spark.version=3.2.1"]);
    run.assert_ok();
    assert!(
        run.stdout.contains("Spark version preset: 3.3 (--conf)"),
        "{}",
        run.stdout
    );
    let run = pools(&[
        "--conf",
        FAIR,
        "--conf",
        "sparksim.spark.version=3.3",
        "--spark-version",
        "4.0",
    ]);
    run.assert_ok();
    assert!(
        run.stdout
            .contains("Spark version preset: 4.0 (--spark-version)")
    );
    assert!(
        run.stdout
            .contains("--spark-version 4.0 overrides sparksim.spark.version")
    );
}

// ---------------------------------------------------------------------------------------
// Traps

#[test]
fn a_job_pool_missing_from_the_file_is_created_fifo_at_the_end() {
    let run = pools(&[
        "--allocation-file",
        &fixture("fairscheduler-with-valid-data.xml"),
        "--conf",
        FAIR,
        "--job-pool",
        "adhoc",
        "--job-pool",
        "pool2",
        "--job-pool",
        "adhoc",
        "--format",
        "json",
    ]);
    let mut expected = spec_valid_data();
    expected
        .as_array_mut()
        .unwrap()
        .push(pool("adhoc", "FIFO", 1, 0));
    assert_eq!(run.assert_ok().json(), expected);
    let created: Vec<_> = run
        .stderr_warnings()
        .into_iter()
        .filter(|w| w.contains("Spark will create it"))
        .collect();
    assert_eq!(
        created,
        ["pool \"adhoc\" is not in the file: Spark will create it as FIFO, weight 1, minShare 0"]
    );
}

#[test]
fn a_job_pool_differing_only_in_case_gets_a_suggestion() {
    let run = pools(&[
        "--allocation-file",
        FIDELITY_D1,
        "--conf",
        FAIR,
        "--job-pool",
        "Batch",
    ]);
    run.assert_ok();
    assert!(
        run.text_warnings().contains(
            &"pool \"Batch\" is not in the file: Spark will create it as FIFO, weight 1, \
              minShare 0 (did you mean \"batch\"? pool names are case- and whitespace-sensitive)"
        ),
        "{}",
        run.stdout
    );
    let created = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Batch "))
        .unwrap();
    assert!(
        created.contains("created by Spark when a job names it"),
        "{created}"
    );
}

#[test]
fn jobs_left_in_default_run_fifo_inside_it() {
    let trap = "jobs that set no spark.scheduler.pool go to pool \"default\", which is FIFO";
    let run = pools(&["--allocation-file", FIDELITY_D1, "--conf", FAIR]);
    run.assert_ok();
    assert!(
        run.text_warnings().iter().any(|w| w.starts_with(trap)),
        "{}",
        run.stdout
    );

    // A file that makes `default` FAIR explicitly: no trap.
    let dir = scratch("default-fair");
    let xml = write(
        &dir,
        "fairscheduler.xml",
        "<allocations>\n  <pool name=\"default\">\n    <schedulingMode>FAIR</schedulingMode>\n    \
         <weight>1</weight>\n    <minShare>0</minShare>\n  </pool>\n</allocations>\n",
    );
    let run = pools(&["--allocation-file", &xml, "--conf", FAIR]);
    run.assert_ok();
    assert!(!run.stdout.contains(trap), "{}", run.stdout);
    assert!(!run.stdout.contains("warnings:"), "{}", run.stdout);
    assert_eq!(text_table(&run), json!([pool("default", "FAIR", 1, 0)]));
}

#[test]
fn scheduler_key_typos_are_flagged() {
    let run = pools(&[
        "--conf",
        "spark.scheduler.mdoe=FAIR",
        "--conf",
        "spark.scheduler.pool=x",
    ]);
    run.assert_ok();
    let warnings = run.text_warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("spark.scheduler.mdoe") && w.contains("spark.scheduler.mode")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("spark.scheduler.pool") && w.contains("local property")),
        "{warnings:#?}"
    );
    // Unrelated keys are not this command's business.
    let run = pools(&[
        "--conf",
        "spark.executor.memory=2g",
        "--conf",
        "spark.foo=1",
    ]);
    run.assert_ok();
    assert!(run.text_warnings().is_empty(), "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------
// Output hygiene

#[test]
fn json_stays_valid_with_warnings_and_odd_names() {
    let dir = scratch("odd-names");
    let xml = write(
        &dir,
        "fairscheduler.xml",
        "<allocations>\n\
         <pool name=\"with &quot;quotes&quot; and spaces\"><weight>2</weight></pool>\n\
         <pool name=\"\u{e9}t\u{e9} \u{1f680}\"><minShare>x</minShare></pool>\n\
         <pool><schedulingMode>fair</schedulingMode></pool>\n\
         <pool name=\"dup\"><weight>0</weight></pool>\n\
         <pool name=\"dup\"><weight>-3</weight><minShare>-1</minShare></pool>\n\
         <pool name=\"tab&#9;new&#10;line\"/>\n\
         </allocations>\n",
    );
    let run = pools(&[
        "--allocation-file",
        &xml,
        "--conf",
        FAIR,
        "--format",
        "json",
    ]);
    assert_eq!(
        run.assert_ok().json(),
        json!([
            pool("with \"quotes\" and spaces", "FIFO", 2, 0),
            pool("\u{e9}t\u{e9} \u{1f680}", "FIFO", 1, 0),
            pool("", "FAIR", 1, 0),
            pool("dup", "FIFO", 0, 0),
            pool("dup", "FIFO", -3, -1),
            pool("tab\tnew\nline", "FIFO", 1, 0),
            pool("default", "FIFO", 1, 0),
        ])
    );
    let warnings = run.stderr_warnings();
    assert!(warnings.iter().any(|w| w.contains("duplicate pool name")));
    assert!(warnings.iter().any(|w| w.contains("no name attribute")));
    assert!(warnings.iter().any(|w| w.contains("weight 0 is accepted")));

    // Text: one line per pool, odd names quoted.
    let run = pools(&["--allocation-file", &xml, "--conf", FAIR]);
    run.assert_ok();
    let table: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("pool "))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(table.len(), 7, "{}", run.stdout);
    assert!(
        table[0].starts_with("\"with \\\"quotes\\\" and spaces\""),
        "{}",
        table[0]
    );
    assert!(table[2].starts_with("\"\" "), "{}", table[2]);
    assert!(table[5].starts_with("\"tab\\tnew\\nline\""), "{}", table[5]);
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    let dir = scratch("broken-pipe");
    let mut xml = String::from("<allocations>\n");
    for i in 0..5_000 {
        xml.push_str(&format!("<pool name=\"p{i}\"><weight>1</weight></pool>\n"));
    }
    xml.push_str("</allocations>\n");
    let path = write(&dir, "fairscheduler.xml", xml);
    let mut child = Command::new(env!("CARGO_BIN_EXE_sparksim"))
        .args(["pools", "--conf", FAIR, "--allocation-file", &path])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn help_describes_the_command() {
    let run = pools(&["--help"]);
    run.assert_ok();
    for flag in [
        "--allocation-file",
        "--conf",
        "--properties-file",
        "--format",
        "--job-pool",
        "--spark-version",
    ] {
        assert!(run.stdout.contains(flag), "{flag}:\n{}", run.stdout);
    }
}

// ---------------------------------------------------------------------------------------
// Bad input: exit status 2, a clear message, never a panic

#[test]
fn malformed_xml_names_the_file_line_and_column() {
    let dir = scratch("malformed");
    let xml = write(
        &dir,
        "broken.xml",
        "<allocations>\n  <pool name=\"a\">\n    <weight>2</weigh>\n  </pool>\n</allocations>\n",
    );
    for mode in ["FAIR", "FIFO"] {
        let run = pools(&[
            "--allocation-file",
            &xml,
            "--conf",
            &format!("spark.scheduler.mode={mode}"),
        ]);
        run.assert_bad_input();
        assert!(
            run.stderr.contains(&format!("{xml}:3:14: malformed XML")),
            "{}",
            run.stderr
        );
    }
    // Unclosed element, reported at the end of the file.
    let xml = write(&dir, "unclosed.xml", "<allocations>\n<pool name=\"a\">\n");
    let run = pools(&["--allocation-file", &xml, "--conf", FAIR]);
    run.assert_bad_input();
    assert!(run.stderr.contains("unclosed.xml:"), "{}", run.stderr);
    assert!(run.stderr.contains("malformed XML"), "{}", run.stderr);
}

#[test]
fn empty_file_is_malformed() {
    let dir = scratch("empty");
    let xml = write(&dir, "empty.xml", "");
    let run = pools(&["--allocation-file", &xml, "--conf", FAIR]);
    run.assert_bad_input();
    assert!(
        run.stderr.contains(&format!("{xml}:1:1: malformed XML")),
        "{}",
        run.stderr
    );
}

#[test]
fn binary_garbage_is_rejected() {
    let dir = scratch("garbage");
    // Deterministic pseudo-random bytes (xorshift), including invalid UTF-8 and NULs.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let xml = write(&dir, "garbage.xml", &bytes);
    let run = pools(&["--allocation-file", &xml, "--conf", FAIR]);
    run.assert_bad_input();
    assert!(run.stderr.contains(&xml), "{}", run.stderr);
    assert!(run.stderr.contains("line 1, column"), "{}", run.stderr);
    // Valid UTF-8 that is not XML.
    let xml = write(&dir, "text.xml", "\u{0}\u{1}hello { not: xml }");
    let run = pools(&["--allocation-file", &xml, "--conf", FAIR]);
    run.assert_bad_input();
    assert!(run.stderr.contains("text.xml:1:"), "{}", run.stderr);
}

#[test]
fn huge_files() {
    let dir = scratch("huge");
    // Over the 64 MiB limit (sparse, so cheap to create).
    let path = dir.join("huge.xml");
    fs::File::create(&path)
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    let huge = path.display().to_string();
    let run = pools(&["--allocation-file", &huge, "--conf", FAIR]);
    run.assert_bad_input();
    assert!(run.stderr.contains("larger than"), "{}", run.stderr);

    // Large but valid: 20,000 pools, all listed in order.
    let mut xml = String::from("<allocations>\n");
    for i in 0..20_000 {
        xml.push_str(&format!(
            "<pool name=\"p{i}\"><schedulingMode>FAIR</schedulingMode><weight>{}</weight>\
             <minShare>{}</minShare></pool>\n",
            i % 5 + 1,
            i % 3
        ));
    }
    xml.push_str("</allocations>\n");
    let big = write(&dir, "big.xml", xml);
    let run = pools(&[
        "--allocation-file",
        &big,
        "--conf",
        FAIR,
        "--format",
        "json",
    ]);
    let json = run.assert_ok().json();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 20_001);
    assert_eq!(list[7], pool("p7", "FAIR", 3, 1));
    assert_eq!(list[20_000], pool("default", "FIFO", 1, 0));
}

#[test]
fn deeply_nested_xml() {
    let dir = scratch("deep");
    // 100,000 nested non-pool elements.
    let n = 100_000;
    let xml = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    let path = write(&dir, "deep.xml", xml);
    let run = pools(&[
        "--allocation-file",
        &path,
        "--conf",
        FAIR,
        "--format",
        "json",
    ]);
    assert_eq!(
        run.assert_ok().json(),
        json!([pool("default", "FIFO", 1, 0)])
    );
    assert!(run.stderr.contains("no <pool> element"), "{}", run.stderr);

    // 5,000 nested pools: Spark flattens them, in document order.
    let n = 5_000;
    let mut xml = String::from("<allocations>");
    for i in 0..n {
        xml.push_str(&format!("<pool name=\"p{i}\"><weight>2</weight>"));
    }
    xml.push_str(&"</pool>".repeat(n));
    xml.push_str("</allocations>");
    let path = write(&dir, "nested-pools.xml", xml);
    let run = pools(&[
        "--allocation-file",
        &path,
        "--conf",
        FAIR,
        "--format",
        "json",
    ]);
    let json = run.assert_ok().json();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), n + 1);
    assert_eq!(list[n - 1], pool(&format!("p{}", n - 1), "FIFO", 2, 0));
    assert!(
        run.stderr.contains("nested inside pool \"p0\""),
        "{}",
        run.stderr
    );

    // Unbalanced deep nesting: an error, not a crash.
    let path = write(&dir, "unbalanced.xml", "<a>".repeat(n));
    pools(&["--allocation-file", &path, "--conf", FAIR]).assert_bad_input();
}

#[test]
fn entity_expansion_bombs_are_bounded() {
    let dir = scratch("bomb");
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE allocations [\n<!ENTITY l0 \"lol\">\n");
    for i in 1..10 {
        let prev = format!("&l{};", i - 1);
        xml.push_str(&format!("<!ENTITY l{i} \"{}\">\n", prev.repeat(10)));
    }
    xml.push_str("]>\n<allocations><pool name=\"&l9;\"/></allocations>\n");
    let path = write(&dir, "bomb.xml", xml);
    let run = pools(&[
        "--allocation-file",
        &path,
        "--conf",
        FAIR,
        "--format",
        "json",
    ]);
    run.assert_bad_input();
    assert!(run.stderr.contains("bomb.xml:4:"), "{}", run.stderr);
}

#[test]
fn missing_file_and_directory() {
    let dir = scratch("missing");
    let missing = dir.join("nope.xml").display().to_string();
    let run = pools(&["--allocation-file", &missing, "--conf", FAIR]);
    run.assert_bad_input();
    assert!(
        run.stderr
            .contains(&format!("allocation file not found: {missing}")),
        "{}",
        run.stderr
    );
    // Also in FIFO mode: the user asked about this file.
    pools(&["--allocation-file", &missing]).assert_bad_input();

    let as_dir = dir.display().to_string();
    let run = pools(&["--allocation-file", &as_dir, "--conf", FAIR]);
    run.assert_bad_input();
    assert!(
        run.stderr.contains(&format!("{as_dir}: is a directory")),
        "{}",
        run.stderr
    );

    pools(&["--allocation-file", "", "--conf", FAIR]).assert_bad_input();
    let run = pools(&[
        "--allocation-file",
        "https://example.invalid/f.xml",
        "--conf",
        FAIR,
    ]);
    run.assert_bad_input();
    assert!(run.stderr.contains("not supported"), "{}", run.stderr);

    let run = pools(&["--properties-file", &missing]);
    run.assert_bad_input();
    assert!(run.stderr.contains("properties file"), "{}", run.stderr);
}

#[test]
fn invalid_conf_and_flags() {
    let run = pools(&["--conf", "spark.scheduler.mode"]);
    run.assert_bad_input();
    assert!(run.stderr.contains("expected key=value"), "{}", run.stderr);

    let run = pools(&["--conf", "spark.scheduler.mode=RANDOM"]);
    run.assert_bad_input();
    assert!(
        run.stderr.contains("Unrecognized spark.scheduler.mode"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("RANDOM"), "{}", run.stderr);

    let run = pools(&["--conf", "spark.scheduler.mode=NONE"]);
    run.assert_bad_input();
    assert!(
        run.stderr.contains("NONE is not supported"),
        "{}",
        run.stderr
    );

    let run = pools(&["--spark-version", "banana"]);
    run.assert_bad_input();
    assert!(run.stderr.contains("--spark-version"), "{}", run.stderr);

    let run = pools(&["--conf", "sparksim.spark.version=banana"]);
    run.assert_bad_input();
    assert!(
        run.stderr.contains("sparksim.spark.version"),
        "{}",
        run.stderr
    );

    // clap's own usage errors also exit with 2.
    let run = pools(&["--format", "yaml"]);
    assert_no_panic(&run);
    assert_eq!(run.code, 2);
}
