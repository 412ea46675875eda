//! The `jobs.csv` and `tasks.csv` writers. **Their columns are a contract** that scripts and
//! notebooks rely on: add columns only at the end, never rename or reorder.
//!
//! * `jobs.csv`: one row per [`JobRecord`], in [`SimOutput::jobs`] order:
//!   `job_id,name,pool,submit_ms,first_launch_ms,end_ms,turnaround_ms,wait_ms,tasks,status`.
//! * `tasks.csv`: one row per task attempt, in [`SimOutput::tasks`] order (launch order):
//!   `job_id,stage_id,stage_attempt,task_index,attempt,executor_id,host,launch_ms,finish_ms,status,speculative`.
//! * `executors.csv`: one row per [`ExecutorRecord`], in [`SimOutput::executors`] order:
//!   `executor_id,host,cores,added_ms,removed_ms` (`removed_ms` empty while registered at the end).
//!
//! A missing value is an empty cell. Times are integer milliseconds of simulated time. Rows end
//! with `\n`; fields are quoted only when they need it. Both writers stream to any
//! [`io::Write`] with no allocation per row (numbers are formatted on the stack); the `csv`
//! writer buffers, so an unbuffered `File` is fine.

use std::io;

use sim::records::{ExecutorRecord, JobRecord, SimOutput, TaskRecord};

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
pub const EXECUTORS_HEADER: [&str; 5] = ["executor_id", "host", "cores", "added_ms", "removed_ms"];

/// Writes `jobs.csv` for `run` to `out`, then flushes.
pub fn write_jobs_csv<W: io::Write>(out: W, run: &SimOutput) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(JOBS_HEADER)?;
    for job in &run.jobs {
        job_row(&mut w, job)?;
    }
    w.flush()
}

/// Writes `tasks.csv` for `run` to `out`, then flushes. A task whose job or executor index is out
/// of range gets empty cells for what it cannot look up.
pub fn write_tasks_csv<W: io::Write>(out: W, run: &SimOutput) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(TASKS_HEADER)?;
    for task in &run.tasks {
        task_row(&mut w, run, task)?;
    }
    w.flush()
}

/// Writes `executors.csv` for `run` to `out`, then flushes.
pub fn write_executors_csv<W: io::Write>(out: W, run: &SimOutput) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(EXECUTORS_HEADER)?;
    for executor in &run.executors {
        executor_row(&mut w, executor)?;
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
    w.write_field(job.status.as_str())?;
    w.write_record(None::<&[u8]>)
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
    w.write_field(if t.speculative { "true" } else { "false" })?;
    w.write_record(None::<&[u8]>)
}

fn executor_row<W: io::Write>(w: &mut csv::Writer<W>, e: &ExecutorRecord) -> csv::Result<()> {
    w.write_field(&e.executor_id)?;
    w.write_field(&e.host)?;
    w.write_field(Num::new(e.cores.into()))?;
    w.write_field(Num::new(e.added_ms))?;
    w.write_field(Num::opt(e.removed_ms))?;
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
executor_id,host,cores,added_ms,removed_ms
1,host-a,2,0,
2,host-b,2,500,6000
";
        assert_eq!(got, want);
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
