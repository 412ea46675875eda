//! Codec round trips and damage handling.
//!
//! No public `.lz4` or `.snappy` Spark event log exists, so the fixtures are made here by
//! encoders written from the framing specs (lz4-java `LZ4Block` blocks with the masked
//! XXH32 checksum; snappy-java's 16-byte header and big-endian length-prefixed raw snappy
//! chunks), applied to a real fidelity log. Decoded bytes must equal the original; damaged
//! inputs must yield a warning or an error naming the byte offset, never a panic.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use workloads::eventlog::codec::{Lz4BlockReader, SnappyJavaReader};
use workloads::eventlog::{
    Codec, EventLogError, EventLogReader, LogLayout, open, read_application, warning,
};

const LZ4_SEED: u32 = 0x9747_B28C;
const BLOCK: usize = 32 * 1024;

fn real_log() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fidelity/dev/d5_speculation/spec_on_r1/eventlog.json");
    std::fs::read(path).unwrap()
}

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("eventlog_codecs")
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

// ---------------------------------------------------------------- lz4-java encoder

/// One LZ4Block: stored RAW when compression does not help or `raw` is set.
fn lz4_block(data: &[u8], raw: bool) -> Vec<u8> {
    let compressed = lz4_flex::block::compress(data);
    let store_raw = raw || compressed.len() >= data.len();
    let (token, payload) = if store_raw {
        (0x15, data)
    } else {
        (0x25, &compressed[..])
    };
    let checksum = twox_hash::XxHash32::oneshot(LZ4_SEED, data) & 0x0FFF_FFFF;
    let mut out = b"LZ4Block".to_vec();
    out.push(token);
    out.extend_from_slice(&(payload.len() as i32).to_le_bytes());
    out.extend_from_slice(&(data.len() as i32).to_le_bytes());
    out.extend_from_slice(&checksum.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// An LZ4BlockOutputStream of `data` in 32 KiB blocks; every `raw_every`-th block is RAW.
fn lz4_stream(data: &[u8], raw_every: usize, end_mark: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, chunk) in data.chunks(BLOCK).enumerate() {
        out.extend(lz4_block(chunk, raw_every > 0 && i % raw_every == 0));
    }
    if end_mark {
        out.extend_from_slice(b"LZ4Block\x15");
        out.extend_from_slice(&[0; 12]);
    }
    out
}

// ---------------------------------------------------------------- snappy-java encoder

fn snappy_header() -> Vec<u8> {
    let mut out = b"\x82SNAPPY\x00".to_vec();
    out.extend_from_slice(&1i32.to_be_bytes());
    out.extend_from_slice(&1i32.to_be_bytes());
    out
}

/// A SnappyOutputStream of `data` in chunks of `chunk` bytes.
fn snappy_stream(data: &[u8], chunk: usize) -> Vec<u8> {
    let mut out = snappy_header();
    let mut encoder = snap::raw::Encoder::new();
    for piece in data.chunks(chunk) {
        let block = encoder.compress_vec(piece).unwrap();
        out.extend_from_slice(&(block.len() as i32).to_be_bytes());
        out.extend(block);
    }
    out
}

/// Spark's zstd layout: one frame per group of `lines_per_frame` lines.
fn zstd_frames(data: &[u8], lines_per_frame: usize) -> Vec<u8> {
    let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    let mut out = Vec::new();
    for group in lines.chunks(lines_per_frame) {
        out.extend(zstd::encode_all(&group.concat()[..], 1).unwrap());
    }
    out
}

fn decode_all(mut reader: impl Read) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    reader.read_to_end(&mut out)?;
    Ok(out)
}

/// The log read plainly: the reference every codec must reproduce.
fn plain_reference(dir: &Path) -> (workloads::eventlog::LoggedApplication, u64) {
    let path = write(dir, "plain-0000", &real_log());
    let (app, stats) = read_application(path).unwrap();
    (app, stats.bytes_decompressed)
}

fn assert_same_app(path: &Path, dir: &Path) {
    let (expected, bytes) = plain_reference(dir);
    let (app, stats) = read_application(path).unwrap();
    assert_eq!(stats.bytes_decompressed, bytes);
    assert_eq!(stats.warning_total(), 0, "{stats}");
    assert_eq!(app.tasks, expected.tasks);
    assert_eq!(app.jobs, expected.jobs);
    assert_eq!(app.executors, expected.executors);
}

#[test]
fn lz4_block_stream_round_trip() {
    let data = real_log();
    let encoded = lz4_stream(&data, 3, true);
    assert!(encoded.len() < data.len());
    assert_eq!(decode_all(Lz4BlockReader::new(&encoded[..])).unwrap(), data);

    let dir = scratch("lz4_round_trip");
    let path = write(&dir, "app-20261121003118-0000.lz4", &encoded);
    assert_eq!(open(&path).unwrap().parts[0].codec, Codec::Lz4);
    assert_same_app(&path, &dir);
}

#[test]
fn lz4_concatenated_streams_and_sniffing() {
    let data = real_log();
    let (first, second) = data.split_at(data.len() / 3);
    let mut encoded = lz4_stream(first, 0, true);
    encoded.extend(lz4_stream(second, 2, true));
    encoded.extend(lz4_stream(b"", 0, true));
    assert_eq!(decode_all(Lz4BlockReader::new(&encoded[..])).unwrap(), data);

    let dir = scratch("lz4_concatenated");
    let path = write(&dir, "no-extension", &encoded);
    assert_eq!(open(&path).unwrap().parts[0].codec, Codec::Lz4);
    assert_same_app(&path, &dir);
}

#[test]
fn lz4_bad_checksum_is_a_warning_with_offset() {
    let data = real_log();
    let mut encoded = lz4_stream(&data, 0, true);
    let second_block = find_all(&encoded, b"LZ4Block")[1];
    encoded[second_block + 17] ^= 0x01;
    let dir = scratch("lz4_checksum");
    let path = write(&dir, "app-1.lz4", &encoded);
    let (app, stats) = read_application(&path).unwrap();
    assert_eq!(stats.warnings_of(warning::DAMAGED_BLOCK), 1);
    let text = stats
        .warnings
        .iter()
        .find(|w| w.contains("checksum"))
        .unwrap();
    assert!(
        text.contains(&format!("compressed byte {second_block}")),
        "{text}"
    );
    assert_eq!(stats.bytes_decompressed, data.len() as u64);
    assert_eq!(app.tasks, plain_reference(&dir).0.tasks);
}

#[test]
fn lz4_corrupt_header_is_an_error_with_offset() {
    let data = real_log();
    let encoded = lz4_stream(&data, 0, true);
    let third = find_all(&encoded, b"LZ4Block")[2];
    let dir = scratch("lz4_corrupt");

    let mut bad_magic = encoded.clone();
    bad_magic[third] = b'X';
    let err = read_application(write(&dir, "magic.lz4", &bad_magic)).unwrap_err();
    assert!(matches!(err, EventLogError::Read { .. }), "{err}");
    assert!(
        err.to_string()
            .contains(&format!("compressed byte {third}")),
        "{err}"
    );
    assert!(err.to_string().contains("magic.lz4:"), "{err}");

    let mut bad_length = encoded.clone();
    bad_length[third + 13..third + 17].copy_from_slice(&(1i32 << 20).to_le_bytes());
    let err = read_application(write(&dir, "length.lz4", &bad_length)).unwrap_err();
    assert!(err.to_string().contains("inconsistent lengths"), "{err}");

    let mut bad_payload = encoded;
    for b in &mut bad_payload[third + 21..third + 40] {
        *b = 0xFF;
    }
    let result = read_application(write(&dir, "payload.lz4", &bad_payload));
    match result {
        Err(err) => assert!(
            err.to_string()
                .contains(&format!("compressed byte {third}")),
            "{err}"
        ),
        Ok((_, stats)) => assert!(stats.warning_total() > 0),
    }
}

#[test]
fn lz4_truncated_in_progress_log_ends_with_a_warning() {
    let data = real_log();
    let encoded = lz4_stream(&data, 0, false);
    let cut = find_all(&encoded, b"LZ4Block")[3] + 100;
    let dir = scratch("lz4_truncated");
    let path = write(&dir, "app-1.lz4.inprogress", &encoded[..cut]);
    let (app, stats) = read_application(&path).unwrap();
    assert!(stats.in_progress && stats.truncated_tail);
    assert_eq!(stats.warnings_of(warning::TRUNCATED_STREAM), 1);
    assert_eq!(stats.bytes_decompressed, 3 * BLOCK as u64);
    assert!(app.in_progress && !app.completed);
}

#[test]
fn snappy_java_stream_round_trip() {
    let data = real_log();
    let dir = scratch("snappy_round_trip");
    for chunk in [BLOCK, 700] {
        let encoded = snappy_stream(&data, chunk);
        assert_eq!(
            decode_all(SnappyJavaReader::new(&encoded[..])).unwrap(),
            data
        );
        let path = write(&dir, "app-20261121003118-0000.snappy", &encoded);
        assert_eq!(open(&path).unwrap().parts[0].codec, Codec::Snappy);
        assert_same_app(&path, &dir);
    }
}

#[test]
fn snappy_concatenated_streams() {
    let data = real_log();
    let (first, second) = data.split_at(data.len() / 2);
    let mut encoded = snappy_stream(first, BLOCK);
    encoded.extend(snappy_stream(second, 1000));
    encoded.extend(snappy_header());
    assert_eq!(
        decode_all(SnappyJavaReader::new(&encoded[..])).unwrap(),
        data
    );
    let dir = scratch("snappy_concatenated");
    assert_same_app(&write(&dir, "sniffed", &encoded), &dir);
}

#[test]
fn snappy_damage() {
    let data = real_log();
    let encoded = snappy_stream(&data, BLOCK);
    let dir = scratch("snappy_damage");

    let path = write(&dir, "cut.snappy", &encoded[..encoded.len() - 10]);
    let (_, stats) = read_application(&path).unwrap();
    assert!(stats.truncated_tail);
    assert_eq!(stats.warnings_of(warning::TRUNCATED_STREAM), 1);

    let mut bad = encoded.clone();
    let second_chunk = 16 + 4 + u32::from_be_bytes(bad[16..20].try_into().unwrap()) as usize;
    bad[second_chunk..second_chunk + 4].copy_from_slice(&0x7FFF_0000i32.to_be_bytes());
    let (_, stats) = read_application(write(&dir, "huge.snappy", &bad)).unwrap();
    assert!(
        stats.truncated_tail,
        "a length past the end reads as truncation"
    );

    let mut bad = encoded;
    for b in &mut bad[second_chunk + 4..second_chunk + 12] {
        *b = 0xFF;
    }
    let err = read_application(write(&dir, "garbled.snappy", &bad)).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("compressed byte {second_chunk}")),
        "{err}"
    );

    let err =
        read_application(write(&dir, "nomagic.snappy", b"garbage, not snappy\n")).unwrap_err();
    assert!(err.to_string().contains("bad magic"), "{err}");
}

#[test]
fn zstd_frame_per_flush_and_truncated_last_frame() {
    let data = real_log();
    let encoded = zstd_frames(&data, 5);
    let dir = scratch("zstd");
    let path = write(&dir, "app-1.zstd", &encoded);
    assert_same_app(&path, &dir);

    let cut = write(&dir, "app-2.zstd.inprogress", &encoded[..encoded.len() - 7]);
    let (app, stats) = read_application(&cut).unwrap();
    assert!(stats.truncated_tail && stats.in_progress);
    assert_eq!(stats.warnings_of(warning::TRUNCATED_STREAM), 1);
    assert!(!app.tasks.is_empty());

    let mut garbage = encoded.clone();
    let middle = encoded.len() / 2;
    garbage.splice(middle..middle, [0xAB; 64]);
    let err = read_application(write(&dir, "app-3.zstd", &garbage)).unwrap_err();
    assert!(matches!(err, EventLogError::Read { .. }), "{err}");
}

#[test]
fn gzip_and_mislabelled_files() {
    let data = real_log();
    let dir = scratch("gzip");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&data).unwrap();
    let path = write(&dir, "app-1.gz", &gz.finish().unwrap());
    assert_same_app(&path, &dir);

    // Plain JSON named .zstd: the content wins, with a warning.
    let path = write(&dir, "app-2.zstd", &data);
    let (_, stats) = read_application(&path).unwrap();
    assert_eq!(
        stats.warning_counts.get("codec differs from extension"),
        Some(&1)
    );
    assert_eq!(stats.bytes_decompressed, data.len() as u64);

    let err = read_application(write(&dir, "app-3.lzf", b"ZV\x00\x00\x01x")).unwrap_err();
    assert!(
        matches!(err, EventLogError::UnsupportedCodec { .. }),
        "{err}"
    );
    let err = read_application(write(&dir, "app-4", b"ZV\x01\x00\x01\x00\x01x")).unwrap_err();
    assert!(
        matches!(err, EventLogError::UnsupportedCodec { .. }),
        "{err}"
    );
}

#[test]
fn rolling_directory_in_numeric_order_with_mixed_codecs() {
    let data = real_log();
    let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    let dir = scratch("rolling").join("eventlog_v2_app-7_1");
    std::fs::create_dir_all(&dir).unwrap();
    let parts = lines.chunks(lines.len().div_ceil(11)).collect::<Vec<_>>();
    for (i, part) in parts.iter().enumerate() {
        let bytes = part.concat();
        let (name, encoded) = match i % 3 {
            0 => (format!("events_{}_app-7_1", i + 1), bytes),
            1 => (
                format!("events_{}_app-7_1.zstd", i + 1),
                zstd_frames(&bytes, 3),
            ),
            _ => (
                format!("events_{}_app-7_1.lz4", i + 1),
                lz4_stream(&bytes, 0, true),
            ),
        };
        write(&dir, &name, &encoded);
    }
    write(&dir, "appstatus_app-7_1.inprogress", b"");
    let source = open(&dir).unwrap();
    assert!(source.in_progress);
    assert!(matches!(&source.layout, LogLayout::Rolling { app_id, .. } if app_id == "app-7_1"));
    let indices: Vec<u64> = source.parts.iter().filter_map(|p| p.index).collect();
    assert_eq!(indices, (1..=parts.len() as u64).collect::<Vec<_>>());
    let scratch_root = dir.parent().unwrap().to_path_buf();
    assert_same_parts(&dir, &scratch_root, parts.len() as u64);

    // A gap: events_5 removed.
    std::fs::remove_file(dir.join("events_5_app-7_1.zstd")).unwrap();
    let mut reader = EventLogReader::open(&dir).unwrap();
    while let Some(event) = reader.next_event() {
        event.unwrap();
    }
    let stats = reader.into_stats();
    assert_eq!(stats.warnings_of("gap in rolling log parts"), 1);
}

fn assert_same_parts(dir: &Path, scratch_root: &Path, files: u64) {
    let (expected, bytes) = plain_reference(scratch_root);
    let (app, stats) = read_application(dir).unwrap();
    assert_eq!(stats.files, files);
    assert!(files >= 10, "index 10 must sort after 9");
    assert_eq!(stats.bytes_decompressed, bytes);
    assert_eq!(app.tasks, expected.tasks);
    assert_eq!(app.jobs, expected.jobs);
    assert!(app.in_progress);
}

#[test]
fn truncation_anywhere_never_panics() {
    let data = real_log();
    let head = &data[..data.len().min(40_000)];
    let encodings: [(&str, Vec<u8>); 4] = [
        ("lz4", lz4_stream(head, 2, true)),
        ("snappy", snappy_stream(head, 4096)),
        ("zstd", zstd_frames(head, 4)),
        ("json", head.to_vec()),
    ];
    let dir = scratch("truncation");
    for (ext, encoded) in encodings {
        for step in 0..40 {
            let cut = encoded.len() * step / 40;
            let path = write(
                &dir,
                &format!("app-{step}.{ext}.inprogress"),
                &encoded[..cut],
            );
            let _ = read_application(&path);
            let mut flipped = encoded.clone();
            if let Some(b) = flipped.get_mut(cut) {
                *b ^= 0x5A;
            }
            let path = write(&dir, &format!("app-{step}.{ext}"), &flipped);
            let _ = read_application(&path);
        }
    }
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}
