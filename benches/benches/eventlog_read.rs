//! Throughput of the Spark event-log reader on the largest shared log,
//! `shared/eventlogs/spark-rapids-tools/nds_q72_dataproc_2_2.zstd` (1.2 MB of zstd, 48 MB of
//! JSON lines, 27 k events, 13.5 k tasks).
//!
//! * `eventlog_read/events/{zstd,plain}`: `EventLogReader` pulls every event.
//! * `eventlog_read/application/{zstd,plain}`: `read_application` builds the whole model.
//!
//! `plain` reads an uncompressed copy written to the temp directory first. Throughput is in
//! bytes of decompressed JSON, so MB/s compares directly with the ≥ 300 MB/s target.

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use workloads::eventlog::codec::{Codec, open_decoder};
use workloads::eventlog::{EventLogReader, read_application};

fn largest_log() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/eventlogs/spark-rapids-tools/nds_q72_dataproc_2_2.zstd")
}

/// Writes the decompressed log next to the temp dir once; returns its path and size.
fn plain_copy(zstd: &Path) -> (PathBuf, u64) {
    let mut json = Vec::new();
    open_decoder(zstd, Codec::Zstd)
        .and_then(|mut d| d.read_to_end(&mut json))
        .expect("the shared zstd log decodes");
    let path = std::env::temp_dir().join("sparksim-bench-nds_q72.json");
    std::fs::write(&path, &json).expect("temp dir is writable");
    (path, json.len() as u64)
}

fn count_events(path: &Path) -> u64 {
    let mut reader = EventLogReader::open(path).expect("log opens");
    let mut n = 0;
    while let Some(event) = reader.next_event() {
        black_box(event.expect("log reads"));
        n += 1;
    }
    n
}

fn bench_eventlog_read(c: &mut Criterion) {
    let zstd = largest_log();
    let (plain, bytes) = plain_copy(&zstd);
    let mut group = c.benchmark_group("eventlog_read");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (name, path) in [("zstd", &zstd), ("plain", &plain)] {
        group.bench_function(format!("events/{name}"), |b| b.iter(|| count_events(path)));
        group.bench_function(format!("application/{name}"), |b| {
            b.iter(|| read_application(path).expect("log reads").0.tasks.len())
        });
    }
    group.finish();
    let _ = std::fs::remove_file(plain);
}

criterion_group!(benches, bench_eventlog_read);
criterion_main!(benches);
