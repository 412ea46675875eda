//! Decoder for snappy-java's `SnappyOutputStream` format, which Spark's `.snappy` logs use.
//!
//! This is not Google's snappy framing format. A stream starts with a 16-byte header
//! (`\x82SNAPPY\0`, then big-endian i32 version 1 and minimum compatible version 1),
//! followed by chunks: a big-endian i32 compressed length and one raw snappy block (no
//! checksum). A chunk length equal to the first four magic bytes read as an integer
//! announces another header (concatenated streams). There is no end marker, so a stream that
//! stops inside a chunk is a truncation; anything undecodable is an error naming the offset.

use std::io::{self, Read};

use super::{
    BlockOutput, BlockSource, Decode, corrupt, read_blocks, read_full, read_payload, truncated,
};

/// The 8 magic bytes of the stream header.
pub const MAGIC: &[u8] = b"\x82SNAPPY\x00";
/// Header length in bytes: magic, version, minimum compatible version.
pub const HEADER_LEN: usize = 16;
/// The first four magic bytes read as a big-endian i32: marks a repeated header.
const MAGIC_AS_LENGTH: u32 = 0x8253_4E41;
/// Largest decoded chunk accepted (snappy-java's block size is 32 KiB by default).
pub const MAX_CHUNK_LEN: usize = 1 << 28;

/// A [`Read`] adapter that decodes snappy-java streams (concatenations allowed).
#[derive(Debug)]
pub struct SnappyJavaReader<R> {
    inner: R,
    offset: u64,
    header_seen: bool,
    payload: Vec<u8>,
    out: BlockOutput,
    decoder: snap::raw::Decoder,
}

impl<R: Read> SnappyJavaReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            header_seen: false,
            payload: Vec::new(),
            out: BlockOutput::default(),
            decoder: snap::raw::Decoder::new(),
        }
    }

    /// Decodes the next non-empty chunk into `self.out.block`; `false` at a clean end of input.
    fn next_block(&mut self) -> io::Result<bool> {
        if !self.header_seen {
            if !self.read_stream_header(0)? {
                return Ok(false);
            }
            self.header_seen = true;
        }
        loop {
            let chunk_start = self.offset;
            let mut raw = [0u8; 4];
            match read_full(&mut self.inner, &mut raw)? {
                0 => return Ok(false),
                4 => {}
                _ => return Err(truncated("snappy chunk length", chunk_start)),
            }
            self.offset += 4;
            let len = u32::from_be_bytes(raw);
            if len == MAGIC_AS_LENGTH {
                self.read_stream_header(4)?;
                continue;
            }
            if len > i32::MAX as u32 {
                return Err(corrupt(
                    format!("negative snappy chunk length {}", len as i32),
                    chunk_start,
                ));
            }
            if len == 0 {
                continue;
            }
            self.read_chunk(len as usize, chunk_start)?;
            return Ok(true);
        }
    }

    /// Reads a stream header whose first `already` bytes were consumed; `false` if the input
    /// ends before the first byte of a header at the very start.
    fn read_stream_header(&mut self, already: usize) -> io::Result<bool> {
        let start = self.offset - already as u64;
        let mut raw = [0u8; HEADER_LEN];
        raw[..already].copy_from_slice(&MAGIC[..already]);
        let got = read_full(&mut self.inner, &mut raw[already..])?;
        self.offset += got as u64;
        if got == 0 && already == 0 {
            return Ok(false);
        }
        if already + got < HEADER_LEN {
            return Err(truncated("snappy-java stream header", start));
        }
        if &raw[..8] != MAGIC {
            return Err(corrupt("not a snappy-java stream (bad magic)", start));
        }
        self.check_versions(&raw, start);
        Ok(true)
    }

    fn check_versions(&mut self, raw: &[u8; HEADER_LEN], at: u64) {
        let version = i32::from_be_bytes([raw[8], raw[9], raw[10], raw[11]]);
        let compatible = i32::from_be_bytes([raw[12], raw[13], raw[14], raw[15]]);
        if version != 1 || compatible != 1 {
            self.out.warnings.push(format!(
                "snappy-java header at compressed byte {at} has version {version}, \
                 minimum compatible version {compatible} (expected 1, 1)"
            ));
        }
    }

    fn read_chunk(&mut self, len: usize, at: u64) -> io::Result<()> {
        let got = read_payload(&mut self.inner, len, &mut self.payload)?;
        self.offset += got as u64;
        if got < len {
            return Err(truncated("snappy chunk", at));
        }
        let decoded_len = snap::raw::decompress_len(&self.payload)
            .map_err(|e| corrupt(format!("undecodable snappy chunk ({e})"), at))?;
        if decoded_len > MAX_CHUNK_LEN {
            return Err(corrupt(
                format!("snappy chunk claims {decoded_len} decoded bytes"),
                at,
            ));
        }
        self.out.block.clear();
        self.out.block.resize(decoded_len, 0);
        self.out.pos = 0;
        match self.decoder.decompress(&self.payload, &mut self.out.block) {
            Ok(n) if n == decoded_len => Ok(()),
            Ok(n) => Err(corrupt(
                format!("snappy chunk decoded to {n} of {decoded_len} bytes"),
                at,
            )),
            Err(e) => Err(corrupt(format!("undecodable snappy chunk ({e})"), at)),
        }
    }
}

impl<R: Read> Read for SnappyJavaReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_blocks(self, buf)
    }
}

impl<R: Read> BlockSource for SnappyJavaReader<R> {
    fn output(&mut self) -> &mut BlockOutput {
        &mut self.out
    }

    fn next_block(&mut self) -> io::Result<bool> {
        SnappyJavaReader::next_block(self)
    }
}

impl<R: Read + Send> Decode for SnappyJavaReader<R> {
    fn compressed_position(&self) -> u64 {
        self.offset
    }

    fn take_warning(&mut self) -> Option<String> {
        self.out.take_warning()
    }
}
