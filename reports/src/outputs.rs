//! Writes a run's standard files into an output directory: `jobs.csv`, `tasks.csv`,
//! `summary.json` and `executors.csv` ([`RUN_FILES`]). It creates the directory if needed,
//! overwrites those files and never reads, removes or writes any other file there.
//! [`crate::read`](mod@crate::read) reads them back (`sparksim report`).

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use sim::records::SimOutput;

use crate::csv_out::{write_executors_csv, write_jobs_csv, write_tasks_csv};
use crate::summary::{RunInfo, summarize, write_summary_json};

/// The files [`write_run_outputs`] writes, in the order it writes them.
/// `executors.csv` came last (it was added after the first three) and is optional for readers.
pub const RUN_FILES: [&str; 4] = ["jobs.csv", "tasks.csv", "summary.json", "executors.csv"];

/// Writes `jobs.csv`, `tasks.csv`, `summary.json` and `executors.csv` for `run` into `dir`
/// (created with its parents if missing) and returns their paths in that order. An error names
/// the file.
pub fn write_run_outputs(dir: &Path, run: &SimOutput, info: &RunInfo) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
    let [jobs, tasks, summary, executors] = RUN_FILES.map(|name| dir.join(name));
    write_file(&jobs, |f| write_jobs_csv(f, run))?;
    write_file(&tasks, |f| write_tasks_csv(f, run))?;
    write_file(&summary, |f| {
        write_summary_json(BufWriter::new(f), &summarize(run, info))
    })?;
    write_file(&executors, |f| write_executors_csv(f, run))?;
    Ok(vec![jobs, tasks, summary, executors])
}

fn write_file(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let mut file = File::create(path).map_err(|e| with_path(e, path))?;
    write(&mut file).map_err(|e| with_path(e, path))
}

/// `e` with `path` in its message, keeping its kind.
fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir()
                .join(format!("sparksim-reports-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn info() -> RunInfo {
        RunInfo {
            master: "local[4]".into(),
            scheduler_mode: "FAIR".into(),
            seed: Some(1),
            ..RunInfo::default()
        }
    }

    #[test]
    fn writes_the_run_files_and_leaves_others_alone() {
        let tmp = TempDir::new("three");
        let dir = tmp.0.join("nested/out");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let paths = write_run_outputs(&dir, &fixtures::run(), &info()).unwrap();
        assert_eq!(paths, RUN_FILES.map(|f| dir.join(f)));
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "executors.csv",
                "jobs.csv",
                "notes.txt",
                "summary.json",
                "tasks.csv"
            ]
        );
        assert!(
            fs::read_to_string(&paths[0])
                .unwrap()
                .starts_with("job_id,name,pool,")
        );
    }

    #[test]
    fn same_input_gives_byte_identical_files() {
        let tmp = TempDir::new("determinism");
        let (a, b) = (tmp.0.join("a"), tmp.0.join("b"));
        let pa = write_run_outputs(&a, &fixtures::run(), &info()).unwrap();
        let pb = write_run_outputs(&b, &fixtures::run(), &info()).unwrap();
        for (x, y) in pa.iter().zip(&pb) {
            assert_eq!(
                fs::read(x).unwrap(),
                fs::read(y).unwrap(),
                "{}",
                x.display()
            );
        }
        // Overwriting gives the same bytes again.
        let again = write_run_outputs(&a, &fixtures::run(), &info()).unwrap();
        assert_eq!(fs::read(&again[2]).unwrap(), fs::read(&pb[2]).unwrap());
    }

    #[test]
    fn an_unwritable_dir_is_an_error_naming_it() {
        let tmp = TempDir::new("blocked");
        fs::create_dir_all(&tmp.0).unwrap();
        let file = tmp.0.join("a-file");
        fs::write(&file, "").unwrap();
        let err = write_run_outputs(&file.join("out"), &fixtures::run(), &info()).unwrap_err();
        assert!(err.to_string().contains("a-file"), "{err}");
    }
}
