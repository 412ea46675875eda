//! Synthetic logs with the oddities real logs have: in-progress tails, missing LogStart,
//! fully-qualified and unknown event names, garbage, binary and empty files, inconsistent
//! event sequences. The reader must count each oddity, name its file and line, and go on.

use std::path::{Path, PathBuf};

use workloads::eventlog::{
    Event, EventLogError, EventLogReader, ExecutorOrigin, JobResult, LoggedApplication, ReadStats,
    TaskEndReasonKind, read_application, warning,
};

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("eventlog_edge")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read_str(test: &str, name: &str, text: &str) -> (LoggedApplication, ReadStats) {
    let dir = scratch(test);
    read_application(write(&dir, name, text.as_bytes())).unwrap_or_else(|e| panic!("{e}"))
}

const LOG_START: &str = r#"{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}"#;
const APP_START: &str = r#"{"Event":"SparkListenerApplicationStart","App Name":"t","App ID":"app-1","Timestamp":1000,"User":"u"}"#;
const ENV: &str = r#"{"Event":"SparkListenerEnvironmentUpdate","Spark Properties":{"spark.master":"local[3]","spark.scheduler.mode":"FAIR"}}"#;
const EXEC: &str = r#"{"Event":"SparkListenerExecutorAdded","Timestamp":1001,"Executor ID":"driver","Executor Info":{"Host":"localhost","Total Cores":3}}"#;
const JOB_START: &str = r#"{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":1100,"Stage Infos":[{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"s0","Number of Tasks":1,"RDD Info":[],"Parent IDs":[],"Details":"","Accumulables":[]}],"Stage IDs":[0],"Properties":{"spark.scheduler.pool":"p1","spark.job.description":"first"}}"#;
const STAGE_SUBMITTED: &str = r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"s0","Number of Tasks":1,"RDD Info":[],"Parent IDs":[],"Details":"","Submission Time":1101,"Accumulables":[]},"Properties":{"spark.scheduler.pool":"p1"}}"#;
const TASK_START: &str = r#"{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,"Task Info":{"Task ID":0,"Index":0,"Attempt":0,"Launch Time":1110,"Executor ID":"driver","Host":"localhost","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":0,"Failed":false,"Killed":false,"Accumulables":[]}}"#;
const TASK_END: &str = r#"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":0,"Index":0,"Attempt":0,"Launch Time":1110,"Executor ID":"driver","Host":"localhost","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":1200,"Failed":false,"Killed":false,"Accumulables":[{"ID":1,"Name":"x","Update":"1","Value":"1"}]},"Task Executor Metrics":{"JVMHeapMemory":1},"Task Metrics":{"Executor Deserialize Time":5,"Executor Run Time":70,"Result Serialization Time":1,"JVM GC Time":2,"Shuffle Read Metrics":{"Total Records Read":7},"Input Metrics":{"Bytes Read":10,"Records Read":3},"Updated Blocks":[]}}"#;
const STAGE_COMPLETED: &str = r#"{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"s0","Number of Tasks":1,"Parent IDs":[],"Submission Time":1101,"Completion Time":1201}}"#;
const JOB_END: &str = r#"{"Event":"SparkListenerJobEnd","Job ID":0,"Completion Time":1205,"Job Result":{"Result":"JobSucceeded"}}"#;
const APP_END: &str = r#"{"Event":"SparkListenerApplicationEnd","Timestamp":1300}"#;

fn complete_log() -> Vec<&'static str> {
    vec![
        LOG_START,
        APP_START,
        ENV,
        EXEC,
        JOB_START,
        STAGE_SUBMITTED,
        TASK_START,
        TASK_END,
        STAGE_COMPLETED,
        JOB_END,
        APP_END,
    ]
}

fn lines(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn a_complete_synthetic_log() {
    let (app, stats) = read_str("complete", "app-1", &lines(&complete_log()));
    assert_eq!(stats.warning_total(), 0, "{stats}");
    assert_eq!(app.spark_version, "3.5.1");
    assert_eq!(app.master.as_deref(), Some("local[3]"));
    assert_eq!(app.pools.iter().collect::<Vec<_>>(), ["p1"]);
    let job = &app.jobs[0];
    assert_eq!(
        (job.pool.as_deref(), job.description.as_deref()),
        (Some("p1"), Some("first"))
    );
    assert_eq!(job.turnaround(), Some(105));
    assert_eq!(job.result, Some(JobResult::Succeeded));
    assert_eq!(app.stages[0].pool.as_deref(), Some("p1"));
    let task = &app.tasks[0];
    assert_eq!(task.duration(), Some(90));
    assert_eq!(task.scheduler_delay(), Some(90 - 5 - 70 - 1));
    let metrics = task.metrics.unwrap();
    assert_eq!(
        (metrics.shuffle_read_records, metrics.input_records),
        (7, 3)
    );
    assert_eq!(task.partition, 0, "no Partition ID: the index");
    assert!(app.completed);
}

#[test]
fn in_progress_log_with_a_truncated_last_line() {
    let mut log = lines(&complete_log()[..8]);
    log.push_str(&STAGE_COMPLETED[..40]);
    let (app, stats) = read_str("inprogress", "app-1.inprogress", &log);
    assert!(stats.in_progress && stats.truncated_tail);
    assert_eq!(stats.malformed_lines, 0);
    assert_eq!(stats.warnings_of(warning::TRUNCATED_LINE), 1);
    assert!(
        stats
            .warnings
            .iter()
            .any(|w| w.contains("app-1.inprogress:9")),
        "{stats}"
    );
    assert!(app.in_progress && !app.completed);
    assert_eq!(stats.warnings_of(warning::JOB_NEVER_ENDED), 1);
    assert_eq!(stats.warnings_of(warning::NO_APPLICATION_END), 1);

    // A last line without newline that is complete JSON is simply used.
    let mut log = lines(&complete_log());
    log.pop();
    let (app, stats) = read_str("no_final_newline", "app-2", &log);
    assert!(!stats.truncated_tail && app.completed);
}

#[test]
fn log_without_log_start() {
    let (app, stats) = read_str("no_log_start", "app-1", &lines(&complete_log()[1..]));
    assert_eq!(app.spark_version, "unknown");
    assert_eq!(stats.warning_total(), 0);
}

#[test]
fn fully_qualified_and_unknown_event_names() {
    let qualified: Vec<String> = complete_log()
        .iter()
        .map(|l| l.replace(r#""Event":""#, r#""Event":"org.apache.spark.scheduler."#))
        .collect();
    let mut all: Vec<&str> = qualified.iter().map(String::as_str).collect();
    all.insert(3, r#"{"Event":"com.vendor.CustomEvent","x":{"y":[1,2]}}"#);
    all.insert(3, r#"{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":1}"#);
    all.insert(3, r#"{"Event":"org.apache.spark.scheduler.SparkListenerExecutorExcluded","time":1,"executorId":"1","taskFailures":3}"#);
    all.insert(3, r#"{"Event":"SparkListenerSpeculativeTaskSubmitted","stageId":0,"stageAttemptId":0,"taskIndex":0}"#);
    let (app, stats) = read_str("qualified", "app-1", &lines(&all));
    assert_eq!(app.tasks.len(), 1);
    assert!(app.completed);
    assert_eq!(stats.skipped_unknown, 2);
    assert_eq!(stats.events_by_type.get("com.vendor.CustomEvent"), Some(&1));
    assert_eq!(
        stats
            .events_by_type
            .get("org.apache.spark.scheduler.SparkListenerTaskEnd"),
        Some(&1)
    );
    assert_eq!(
        app.exclusion_events.get("SparkListenerExecutorExcluded"),
        Some(&1)
    );
    assert_eq!(app.speculative_task_submissions, 1);
    assert_eq!(stats.warning_total(), 0, "{stats}");
}

#[test]
fn garbage_lines_are_counted_with_file_and_line() {
    let mut all = complete_log();
    all.insert(2, "this is not json");
    all.insert(4, r#"{"no event":1}"#);
    all.insert(6, "");
    all.insert(6, "   \r");
    all.insert(
        8,
        r#"{"Event":"SparkListenerJobStart","Job ID":"not a number"}"#,
    );
    all.insert(9, "[1,2,3]");
    all.insert(9, r#"{"Event":"SparkListenerTaskStart", broken"#);
    let (app, stats) = read_str("garbage", "app-1", &lines(&all));
    assert_eq!(stats.malformed_lines, 5, "{stats}");
    assert_eq!(stats.empty_lines, 2);
    assert_eq!(stats.warnings_of(warning::MALFORMED_LINE), 5);
    assert!(stats.warnings[0].contains("app-1:3"), "{stats}");
    assert!(
        stats.warnings.iter().any(|w| w.contains("app-1:5")),
        "{stats}"
    );
    assert_eq!(app.tasks.len(), 1);
    assert!(app.completed);
}

#[test]
fn binary_garbage_and_empty_files_are_errors_not_panics() {
    let dir = scratch("binary");
    let mut x: u32 = 12345;
    let garbage: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    let path = write(&dir, "garbage", &garbage);
    let err = read_application(&path).unwrap_err();
    assert!(matches!(err, EventLogError::NotAnEventLog { .. }), "{err}");
    let mut reader = EventLogReader::open(&path).unwrap();
    assert!(reader.next_event().is_none());
    assert!(reader.stats().malformed_lines > 0);

    let err = read_application(write(&dir, "empty", b"")).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = read_application(write(&dir, "blank", b"\n\n  \n")).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = read_application(dir.join("missing")).unwrap_err();
    assert!(matches!(err, EventLogError::Open { .. }), "{err}");
    let err = read_application(&dir).unwrap_err();
    assert!(matches!(err, EventLogError::NotAnEventLog { .. }), "{err}");
}

#[test]
fn inconsistent_event_sequences_are_warnings() {
    let orphan_end = TASK_END
        .replace(r#""Task ID":0"#, r#""Task ID":9"#)
        .replace(r#""Executor ID":"driver""#, r#""Executor ID":"7""#);
    let lost_job = r#"{"Event":"SparkListenerJobStart","Job ID":1,"Submission Time":1150,"Stage IDs":[1],"Properties":null}"#;
    let stray_end = r#"{"Event":"SparkListenerJobEnd","Job ID":5,"Completion Time":1,"Job Result":{"Result":"JobFailed","Exception":{"Message":"boom"}}}"#;
    let removed = r#"{"Event":"SparkListenerExecutorRemoved","Timestamp":1,"Executor ID":"42","Removed Reason":"gone"}"#;
    let mut all = complete_log();
    all.insert(8, &orphan_end);
    all.insert(8, lost_job);
    all.insert(8, stray_end);
    all.insert(8, removed);
    all.insert(8, TASK_END);
    let (app, stats) = read_str("inconsistent", "app-1", &lines(&all));
    assert_eq!(stats.warnings_of(warning::TASK_END_WITHOUT_START), 1);
    assert_eq!(stats.warnings_of(warning::DUPLICATE_TASK_END), 1);
    assert_eq!(stats.warnings_of(warning::JOB_NEVER_ENDED), 1);
    assert_eq!(stats.warnings_of(warning::JOB_END_WITHOUT_START), 1);
    assert_eq!(stats.warnings_of(warning::UNKNOWN_EXECUTOR_REMOVED), 1);
    assert_eq!(stats.warnings_of(warning::UNREGISTERED_EXECUTOR), 1);
    assert_eq!(app.tasks.len(), 2);
    assert_eq!(app.jobs.len(), 2);
    let ghost = app.executor("7").unwrap();
    assert_eq!(ghost.origin, ExecutorOrigin::TasksOnly);
    assert!(
        stats.warnings.iter().any(|w| w.contains("app-1:9")),
        "{stats}"
    );
}

#[test]
fn skipped_stages_and_resubmitted_tasks() {
    let job1 = r#"{"Event":"SparkListenerJobStart","Job ID":1,"Submission Time":1300,"Stage IDs":[0,1],"Properties":{}}"#;
    let stage1 = STAGE_SUBMITTED.replace(r#""Stage ID":0"#, r#""Stage ID":1"#);
    let resubmitted = TASK_END.replace(r#"{"Reason":"Success"}"#, r#"{"Reason":"Resubmitted"}"#);
    let job1_end = JOB_END.replace(r#""Job ID":0"#, r#""Job ID":1"#);
    let mut all = complete_log();
    all.pop();
    all.extend([resubmitted.as_str(), job1, &stage1, &job1_end, APP_END]);
    let (app, stats) = read_str("skipped", "app-1", &lines(&all));
    assert_eq!(app.job(1).unwrap().skipped_stage_ids, [0]);
    assert!(app.job(0).unwrap().skipped_stage_ids.is_empty());
    assert!(app.tasks[0].resubmitted);
    assert_eq!(app.task_end_events, 2);
    assert_eq!(stats.warnings_of(warning::DUPLICATE_TASK_END), 0);
}

#[test]
fn old_and_odd_shapes() {
    // Properties as a list of pairs, event not the first field, CRLF line ends,
    // null metrics, missing Attempt (Spark's reader defaults it to 1), Latin-1 bytes.
    let env = r#"{"Spark Properties":[["spark.master","local[2]"],["spark.executor.cores",4],["bad"]],"Event":"SparkListenerEnvironmentUpdate"}"#;
    let start = r#"{"Event":"SparkListenerTaskStart","Stage ID":0,"Task Info":{"Task ID":0,"Index":2,"Launch Time":5,"Executor ID":"driver","Host":"h","Locality":"WEIRD"}}"#;
    let end = r#"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Task End Reason":{"Reason":"TaskKilled"},"Task Info":{"Task ID":0,"Index":2,"Launch Time":5,"Finish Time":9,"Executor ID":"driver","Host":"h","Killed":true},"Task Metrics":null}"#;
    let mut text = format!("{env}\r\n{start}\r\n{end}\r\n").into_bytes();
    text.extend_from_slice(
        b"{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":\"caf\xe9\",\"Timestamp\":1}\n",
    );
    let dir = scratch("odd");
    let (app, stats) = read_application(write(&dir, "app-1", &text)).unwrap();
    assert_eq!(app.master.as_deref(), Some("local[2]"));
    assert_eq!(app.property("spark.executor.cores"), Some("4"));
    let task = &app.tasks[0];
    assert_eq!((task.attempt, task.partition), (1, 2));
    assert_eq!(task.end_reason, Some(TaskEndReasonKind::TaskKilled));
    assert_eq!(task.end_reason_text.as_deref(), Some("unknown reason"));
    assert!(task.metrics.is_none());
    assert_eq!(app.app_name.as_deref(), Some("caf\u{FFFD}"));
    assert_eq!(stats.invalid_utf8_lines, 1);
    assert_eq!(stats.malformed_lines, 0);
}

#[test]
fn overlong_lines_are_skipped_with_bounded_memory() {
    let big = format!(
        r#"{{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","plan":"{}"}}"#,
        "x".repeat(100_000)
    );
    let big_task = TASK_START.replace(
        r#""Accumulables":[]"#,
        &format!(r#""Accumulables":["{}"]"#, "y".repeat(100_000)),
    );
    let mut all = complete_log();
    all.insert(3, &big);
    all.insert(4, &big_task);
    let dir = scratch("overlong");
    let path = write(&dir, "app-1", lines(&all).as_bytes());
    let mut reader = EventLogReader::open(&path)
        .unwrap()
        .with_max_line_bytes(10_000);
    let mut names = Vec::new();
    while let Some(event) = reader.next_event() {
        names.push(event.unwrap().name());
    }
    let stats = reader.into_stats();
    assert_eq!(stats.warnings_of(warning::OVERLONG_LINE), 2);
    assert_eq!((stats.skipped_unknown, stats.malformed_lines), (1, 1));
    assert_eq!(
        names
            .iter()
            .filter(|n| **n == "SparkListenerTaskStart")
            .count(),
        1
    );
    assert_eq!(stats.bytes_decompressed, lines(&all).len() as u64);
}

#[test]
fn reader_is_an_iterator_of_results() {
    let dir = scratch("iterator");
    let path = write(&dir, "app-1", lines(&complete_log()).as_bytes());
    let reader = EventLogReader::open(&path).unwrap();
    let events: Vec<Event> = reader.map(Result::unwrap).collect();
    assert_eq!(events.len(), complete_log().len());
    assert!(matches!(&events[7], Event::TaskEnd(e) if e.task_info.finish_time == 1200));
}

#[test]
fn random_mutations_never_panic() {
    let base = lines(&complete_log()).into_bytes();
    let dir = scratch("mutations");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..300 {
        let mut bytes = base.clone();
        for _ in 0..(1 + round % 8) {
            let i = (next() % bytes.len() as u64) as usize;
            match next() % 3 {
                0 => bytes[i] = next() as u8,
                1 => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, b"{}[]\",:\n0"[(next() % 9) as usize]),
            }
        }
        let path = write(&dir, "app-1", &bytes);
        if let Ok((_, stats)) = read_application(&path) {
            assert!(stats.lines > 0);
        }
    }
}
