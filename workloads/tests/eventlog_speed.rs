//! A quick release-mode timing loop for the event-log reader (the criterion bench is
//! `benches/benches/eventlog_read.rs`). Ignored by default; run it with
//!
//! ```text
//! cargo test --release -p workloads --test eventlog_speed -- --ignored --nocapture
//! ```
//!
//! It prints MB/s of decompressed JSON for the largest shared log, zstd-compressed and plain,
//! through the event reader and through `read_application`. Wall-clock times on a shared
//! machine are noisy; the best of several rounds is reported.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use workloads::eventlog::codec::{Codec, open_decoder};
use workloads::eventlog::{EventLogReader, read_application};

const ROUNDS: usize = 7;

fn largest_log() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/eventlogs/spark-rapids-tools/nds_q72_dataproc_2_2.zstd")
}

fn best_seconds(mut run: impl FnMut() -> usize) -> f64 {
    (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(run());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn events(path: &Path) -> usize {
    EventLogReader::open(path)
        .unwrap()
        .map(Result::unwrap)
        .count()
}

fn application(path: &Path) -> usize {
    read_application(path).unwrap().0.tasks.len()
}

#[test]
#[ignore = "timing loop; run in release mode with --ignored --nocapture"]
fn eventlog_read_speed() {
    let zstd = largest_log();
    let mut json = Vec::new();
    open_decoder(&zstd, Codec::Zstd)
        .unwrap()
        .read_to_end(&mut json)
        .unwrap();
    let plain = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eventlog_speed_nds_q72.json");
    std::fs::write(&plain, &json).unwrap();
    let mb = json.len() as f64 / 1e6;
    for (name, path) in [("zstd", &zstd), ("plain", &plain)] {
        let t = best_seconds(|| events(path));
        println!("events/{name}: {:.1} ms, {:.0} MB/s", t * 1e3, mb / t);
        let t = best_seconds(|| application(path));
        println!("application/{name}: {:.1} ms, {:.0} MB/s", t * 1e3, mb / t);
    }
}
