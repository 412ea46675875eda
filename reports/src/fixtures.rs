//! A small hand-built run shared by the unit tests: 4 jobs in 2 pools (`etl`, `adhoc`), one
//! failed job, one job that never ran, a failed, a killed and a speculative attempt.

use sim::records::{
    AttemptStatus, ExecutorRecord, JobRecord, JobStatus, RunStats, SimOutput, TaskRecord,
};

fn job(
    id: Option<u64>,
    name: &str,
    pool: &str,
    times: [Option<u64>; 3],
    tasks: usize,
    status: JobStatus,
) -> JobRecord {
    JobRecord {
        job_id: id,
        name: name.to_string(),
        pool: pool.to_string(),
        submit_ms: times[0],
        first_launch_ms: times[1],
        end_ms: times[2],
        tasks,
        status,
        failure: None,
        stage_ids: vec![],
    }
}

/// `(job, stage, task index, attempt, executor, launch, finish, status, speculative)`.
type T = (u32, u32, u32, u32, u32, u64, u64, AttemptStatus, bool);

fn task(
    (job, stage_id, task_index, attempt, executor, launch_ms, finish_ms, status, speculative): T,
) -> TaskRecord {
    TaskRecord {
        job,
        stage_id,
        stage_attempt: 0,
        task_index,
        attempt,
        executor,
        launch_ms,
        finish_ms,
        status,
        speculative,
    }
}

fn executor(id: &str, host: &str) -> ExecutorRecord {
    ExecutorRecord {
        executor_id: id.to_string(),
        host: host.to_string(),
        cores: 2,
        added_ms: 0,
        removed_ms: None,
    }
}

/// The shared run.
pub fn run() -> SimOutput {
    use AttemptStatus::*;
    let jobs = vec![
        job(
            Some(0),
            "etl-daily",
            "etl",
            [Some(0), Some(100), Some(6614)],
            2,
            JobStatus::Succeeded,
        ),
        job(
            Some(1),
            "adhoc, query",
            "adhoc",
            [Some(1000), Some(1200), Some(4000)],
            1,
            JobStatus::Failed,
        ),
        job(
            Some(2),
            "etl-hourly",
            "etl",
            [Some(2000), Some(2050), Some(5000)],
            2,
            JobStatus::Succeeded,
        ),
        job(
            None,
            "etl-cleanup",
            "etl",
            [None, None, None],
            3,
            JobStatus::NotRun,
        ),
    ];
    let tasks = [
        (0, 0, 0, 0, 0, 100, 3100, Success, false),
        (0, 0, 1, 0, 1, 100, 6600, Success, false),
        (1, 1, 0, 0, 0, 1200, 1500, Failed, false),
        (1, 1, 0, 1, 0, 1600, 4000, Failed, false),
        (2, 2, 0, 0, 1, 2050, 3000, Success, false),
        (2, 2, 1, 0, 0, 3100, 4950, Killed, false),
        (2, 2, 1, 1, 1, 4000, 4950, Success, true),
    ];
    SimOutput {
        jobs,
        tasks: tasks.into_iter().map(task).collect(),
        executors: vec![executor("1", "host-a"), executor("2", "host-b")],
        pools: vec![
            ("etl".into(), "FAIR".into(), 2, 1),
            ("adhoc".into(), "FIFO".into(), 1, 0),
        ],
        warnings: vec!["pool \"adhoc\": no weight given, using 1".into()],
        end_ms: 6614,
        slots: 4,
        stats: RunStats {
            events: 40,
            offer_rounds: 12,
            launches: 7,
        },
        ..SimOutput::default()
    }
}
