//! The `jobs.csv`, `tasks.csv` and `executors.csv` writers. **Their columns are a contract** that scripts and
//! notebooks rely on: add columns only at the end, never rename or reorder.
//!
//! * `jobs.csv`: one row per [`JobRecord`], in [`SimOutput::jobs`] order:
//!   `job_id,name,pool,submit_ms,first_launch_ms,end_ms,turnaround_ms,wait_ms,tasks,status`.
//! * `tasks.csv`: one row per task attempt, in [`SimOutput::tasks`] order (launch order):
//!   `job_id,stage_id,stage_attempt,task_index,attempt,executor_id,host,launch_ms,finish_ms,status,speculative`.
//! * `executors.csv`: one row per [`ExecutorRecord`](sim::records::ExecutorRecord), in [`SimOutput::executors`] order:
//!   `app_id,executor_id,host,cores,requested_ms,added_ms,removed_ms,reason` — the application,
//!   when the driver asked for the executor (Spark's `Request Time`; empty for executors present
//!   from the start), when it registered and was removed (empty while registered at the end),
//!   and why it was removed (`idle timeout`, `executor lost`, `application finished`; empty if
//!   not removed). Exactly these columns: a contract.
//!
//! A run of several applications gives `jobs.csv` and `tasks.csv` one more column at the end,
//! `app_id` (job and executor ids are per application); a single application's files keep the
//! columns above.
//!
//! A missing value is an empty cell. Times are integer milliseconds of simulated time. Rows end
//! with `\n`; fields are quoted only when they need it. Both writers stream to any
//! [`io::Write`] with no allocation per row (numbers are formatted on the stack); the `csv`
//! writer buffers, so an unbuffered `File` is fine.

use std::io;

use sim::records::{JobRecord, SimOutput, TaskRecord};

use crate::per_pool::{turnaround_ms, wait_ms};

/// The header of `jobs.csv`.
pub const JOBS_HEADER: [&str; 10] = [
    "job_id",
    "name",
    "pool",
    "submit_ms",
    "first_launch_ms",
    "end_ms",
    "turnaround_ms",
    "wait_ms",
    "tasks",
    "status",
];

/// The header of `tasks.csv`.
pub const TASKS_HEADER: [&str; 11] = [
    "job_id",
    "stage_id",
    "stage_attempt",
    "task_index",
    "attempt",
    "executor_id",
    "host",
    "launch_ms",
    "finish_ms",
    "status",
    "speculative",
];

/// The header of `executors.csv`.
pub const EXECUTORS_HEADER: [&str; 8] = [
    "app_id",
    "executor_id",
    "host",
    "cores",
    "requested_ms",
    "added_ms",
    "removed_ms",
    "reason",
];

/// The column `jobs.csv` and `tasks.csv` gain at the end in runs of several applications.
pub const APP_ID_COLUMN: &str = "app_id";

/// Writes `jobs.csv` for `run` to `out`, then flushes.
pub fn write_jobs_csv<W: io::Write>(out: W, run: &SimOutput) -> io::Result<()> {
    let mut w = writer(out);
    let multi = run.is_multi_application();
    if multi {
        w.write_record(JOBS_HEADER.iter().chain([&APP_ID_COLUMN]))?;
    } else {
        w.write_record(JOBS_HEADER)?;
    }
    for (j, job) in run.jobs.iter().enumerate() {
        job_row(&mut w, job)?;
        if multi {
            w.write_field(run.job_app_id(j).unwrap_or(""))?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()
}

/// Writes `tasks.csv` for `run` to `out`, then flushes. A task whose job or executor index is out
/// of range gets empty cells for what it cannot look up.
pub fn write_tasks_csv<W: io::Write>(out: W, run: &SimOutput) -> io::Result<()> {
    let mut w = writer(out);
    let multi = run.is_multi_application();
    if multi {
        w.write_record(TASKS_HEADER.iter().chain([&APP_ID_COLUMN]))?;
    } else {
        w.write_record(TASKS_HEADER)?;
    }
    for task in &run.tasks {
        task_row(&mut w, run, task)?;
        if multi {
            let app = (task.job as usize) < run.jobs.len();
            w.write_field(if app {
                run.job_app_id(task.job as usize).unwrap_or("")
            } else {
                ""
            })?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()
}

/// Writes `executors.csv` for `run` to `out`, then flushes.
pub fn write_executors_csv<W: io::Write>(out: W, run: &SimOutput) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(EXECUTORS_HEADER)?;
    for e in 0..run.executors.len() {
        executor_row(&mut w, run, e)?;
    }
    w.flush()
}

fn writer<W: io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

fn job_row<W: io::Write>(w: &mut csv::Writer<W>, job: &JobRecord) -> csv::Result<()> {
    w.write_field(Num::opt(job.job_id))?;
    w.write_field(&job.name)?;
    w.write_field(&job.pool)?;
    w.write_field(Num::opt(job.submit_ms))?;
    w.write_field(Num::opt(job.first_launch_ms))?;
    w.write_field(Num::opt(job.end_ms))?;
    w.write_field(Num::opt(turnaround_ms(job)))?;
    w.write_field(Num::opt(wait_ms(job)))?;
    w.write_field(Num::new(job.tasks as u64))?;
    w.write_field(job.status.as_str())
}

fn task_row<W: io::Write>(
    w: &mut csv::Writer<W>,
    run: &SimOutput,
    t: &TaskRecord,
) -> csv::Result<()> {
    let job_id = run.jobs.get(t.job as usize).and_then(|j| j.job_id);
    let executor = run.executors.get(t.executor as usize);
    w.write_field(Num::opt(job_id))?;
    w.write_field(Num::new(t.stage_id.into()))?;
    w.write_field(Num::new(t.stage_attempt.into()))?;
    w.write_field(Num::new(t.task_index.into()))?;
    w.write_field(Num::new(t.attempt.into()))?;
    w.write_field(executor.map_or("", |e| e.executor_id.as_str()))?;
    w.write_field(executor.map_or("", |e| e.host.as_str()))?;
    w.write_field(Num::new(t.launch_ms))?;
    w.write_field(Num::new(t.finish_ms))?;
    w.write_field(t.status.as_str())?;
    w.write_field(if t.speculative { "true" } else { "false" })
}

fn executor_row<W: io::Write>(
    w: &mut csv::Writer<W>,
    run: &SimOutput,
    i: usize,
) -> csv::Result<()> {
    let e = &run.executors[i];
    let detail = run.executor_detail(i);
    w.write_field(run.executor_app_id(i).unwrap_or(""))?;
    w.write_field(&e.executor_id)?;
    w.write_field(&e.host)?;
    w.write_field(Num::new(e.cores.into()))?;
    w.write_field(Num::opt(detail.requested_ms))?;
    w.write_field(Num::new(e.added_ms))?;
    w.write_field(Num::opt(e.removed_ms))?;
    w.write_field(detail.reason.as_deref().unwrap_or(""))?;
    w.write_record(None::<&[u8]>)
}

/// A `u64` in decimal, formatted on the stack; empty for `None`.
struct Num {
    buf: [u8; 20],
    start: usize,
}

impl Num {
    fn new(mut n: u64) -> Num {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                return Num { buf, start };
            }
        }
    }

    fn opt(n: Option<u64>) -> Num {
        n.map_or(
            Num {
                buf: [0; 20],
                start: 20,
            },
            Num::new,
        )
    }
}

impl AsRef<[u8]> for Num {
    fn as_ref(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn text(write: fn(&mut Vec<u8>, &SimOutput) -> io::Result<()>, run: &SimOutput) -> String {
        let mut out = Vec::new();
        write(&mut out, run).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn jobs_csv_golden() {
        let got = text(|w, r| write_jobs_csv(w, r), &fixtures::run());
        let want = "\
job_id,name,pool,submit_ms,first_launch_ms,end_ms,turnaround_ms,wait_ms,tasks,status
0,etl-daily,etl,0,100,6614,6614,100,2,succeeded
1,\"adhoc, query\",adhoc,1000,1200,4000,3000,200,1,failed
2,etl-hourly,etl,2000,2050,5000,3000,50,2,succeeded
,etl-cleanup,etl,,,,,,3,not_run
";
        assert_eq!(got, want);
    }

    #[test]
    fn tasks_csv_golden() {
        let got = text(|w, r| write_tasks_csv(w, r), &fixtures::run());
        let want = "\
job_id,stage_id,stage_attempt,task_index,attempt,executor_id,host,launch_ms,finish_ms,status,speculative
0,0,0,0,0,1,host-a,100,3100,SUCCESS,false
0,0,0,1,0,2,host-b,100,6600,SUCCESS,false
1,1,0,0,0,1,host-a,1200,1500,FAILED,false
1,1,0,0,1,1,host-a,1600,4000,FAILED,false
2,2,0,0,0,2,host-b,2050,3000,SUCCESS,false
2,2,0,1,0,1,host-a,3100,4950,KILLED,false
2,2,0,1,1,2,host-b,4000,4950,SUCCESS,true
";
        assert_eq!(got, want);
    }

    #[test]
    fn dangling_indices_give_empty_cells() {
        let mut run = fixtures::run();
        run.tasks.truncate(1);
        run.tasks[0].job = 99;
        run.tasks[0].executor = 99;
        let got = text(|w, r| write_tasks_csv(w, r), &run);
        assert_eq!(
            got.lines().nth(1),
            Some(",0,0,0,0,,,100,3100,SUCCESS,false")
        );
    }

    #[test]
    fn executors_csv_golden() {
        let mut run = fixtures::run();
        run.executors[1].added_ms = 500;
        run.executors[1].removed_ms = Some(6000);
        let got = text(|w, r| write_executors_csv(w, r), &run);
        let want = "\
app_id,executor_id,host,cores,requested_ms,added_ms,removed_ms,reason
,1,host-a,2,,0,,
,2,host-b,2,,500,6000,
";
        assert_eq!(got, want);
        // With the application and the lifecycle recorded.
        run.applications = vec![sim::records::ApplicationRecord {
            app_id: "etl".into(),
            ..Default::default()
        }];
        run.executor_details = vec![
            Default::default(),
            sim::records::ExecutorDetail {
                app: 0,
                requested_ms: Some(100),
                reason: Some("idle timeout".into()),
            },
        ];
        let got = text(|w, r| write_executors_csv(w, r), &run);
        let want = "\
app_id,executor_id,host,cores,requested_ms,added_ms,removed_ms,reason
etl,1,host-a,2,,0,,
etl,2,host-b,2,100,500,6000,idle timeout
";
        assert_eq!(got, want);
    }

    #[test]
    fn several_applications_add_a_trailing_app_id() {
        let mut run = fixtures::run();
        run.applications = vec![
            sim::records::ApplicationRecord {
                app_id: "a".into(),
                ..Default::default()
            },
            sim::records::ApplicationRecord {
                app_id: "b".into(),
                ..Default::default()
            },
        ];
        run.job_apps = vec![0, 1, 0, 1];
        let jobs = text(|w, r| write_jobs_csv(w, r), &run);
        let mut lines = jobs.lines();
        assert_eq!(
            lines.next(),
            Some(
                "job_id,name,pool,submit_ms,first_launch_ms,end_ms,turnaround_ms,wait_ms,tasks,status,app_id"
            )
        );
        assert_eq!(
            lines.next(),
            Some("0,etl-daily,etl,0,100,6614,6614,100,2,succeeded,a")
        );
        assert_eq!(lines.next().map(|l| l.ends_with(",b")), Some(true));
        let tasks = text(|w, r| write_tasks_csv(w, r), &run);
        assert!(
            tasks
                .lines()
                .next()
                .unwrap()
                .ends_with(",speculative,app_id")
        );
        assert!(tasks.lines().nth(3).unwrap().ends_with(",FAILED,false,b"));
    }

    #[test]
    fn empty_run_writes_only_headers() {
        let run = SimOutput::default();
        assert_eq!(
            text(|w, r| write_jobs_csv(w, r), &run),
            format!("{}\n", JOBS_HEADER.join(","))
        );
        assert_eq!(
            text(|w, r| write_tasks_csv(w, r), &run),
            format!("{}\n", TASKS_HEADER.join(","))
        );
        assert_eq!(
            text(|w, r| write_executors_csv(w, r), &run),
            format!("{}\n", EXECUTORS_HEADER.join(","))
        );
    }

    #[test]
    fn numbers_format_like_display() {
        for n in [0, 7, 10, 1234567890, u64::MAX] {
            assert_eq!(Num::new(n).as_ref(), n.to_string().as_bytes());
        }
        assert_eq!(Num::opt(None).as_ref(), b"");
    }
}
