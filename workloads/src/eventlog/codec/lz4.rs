//! Decoder for lz4-java's `LZ4BlockOutputStream` framing, which Spark's `.lz4` logs use.
//!
//! This is not the LZ4 frame format. The stream is a sequence of blocks, each with a
//! 21-byte header:
//!
//! | offset | size | content |
//! |---|---|---|
//! | 0 | 8 | magic `LZ4Block` |
//! | 8 | 1 | token: method (`0x10` RAW, `0x20` LZ4) OR level; block size ≤ 2^(10+level) |
//! | 9 | 4 | compressed length, i32 LE |
//! | 13 | 4 | original length, i32 LE |
//! | 17 | 4 | XXH32(original, seed `0x9747B28C`) & `0x0FFFFFFF`, i32 LE |
//!
//! then the payload (a raw LZ4 block, or the bytes themselves for RAW). A header-only block
//! with both lengths 0 ends a stream; reading continues after it, because Spark reads
//! concatenated streams. A checksum mismatch is a warning (the decoded data is kept); a
//! malformed header or undecodable block is an error naming the byte offset; a stream that
//! stops inside a block is a truncation.

use std::io::{self, Read};

use super::{
    BlockOutput, BlockSource, Decode, corrupt, read_blocks, read_full, read_payload, truncated,
};

/// The 8 magic bytes that start every block.
pub const MAGIC: &[u8] = b"LZ4Block";
/// Header length in bytes.
pub const HEADER_LEN: usize = 21;
/// Seed of lz4-java's stream checksum.
pub const CHECKSUM_SEED: u32 = 0x9747_B28C;
/// lz4-java keeps the low 28 bits of the XXH32 value.
pub const CHECKSUM_MASK: u32 = 0x0FFF_FFFF;
/// Method nibble of a stored (uncompressed) block.
pub const METHOD_RAW: u8 = 0x10;
/// Method nibble of an LZ4-compressed block.
pub const METHOD_LZ4: u8 = 0x20;

/// The stream checksum of one uncompressed block, as lz4-java writes it.
pub fn block_checksum(data: &[u8]) -> u32 {
    twox_hash::XxHash32::oneshot(CHECKSUM_SEED, data) & CHECKSUM_MASK
}

/// One parsed block header.
#[derive(Debug, Clone, Copy)]
struct Header {
    method: u8,
    compressed_len: usize,
    original_len: usize,
    checksum: u32,
}

/// A [`Read`] adapter that decodes lz4-java block streams (concatenations allowed).
#[derive(Debug)]
pub struct Lz4BlockReader<R> {
    inner: R,
    /// Compressed bytes consumed (the offset of the next header).
    offset: u64,
    payload: Vec<u8>,
    out: BlockOutput,
}

impl<R: Read> Lz4BlockReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            payload: Vec::new(),
            out: BlockOutput::default(),
        }
    }

    /// Decodes the next non-empty block into `self.out.block`; `false` at a clean end of input.
    fn next_block(&mut self) -> io::Result<bool> {
        loop {
            let block_start = self.offset;
            let Some(header) = self.read_header()? else {
                return Ok(false);
            };
            if header.original_len == 0 {
                self.check_end_mark(&header, block_start);
                continue;
            }
            self.read_block_payload(&header, block_start)?;
            self.decode_payload(&header, block_start)?;
            self.verify_checksum(&header, block_start);
            return Ok(true);
        }
    }

    /// Reads and validates one header; `None` at a clean end of input.
    fn read_header(&mut self) -> io::Result<Option<Header>> {
        let mut raw = [0u8; HEADER_LEN];
        let got = read_full(&mut self.inner, &mut raw)?;
        if got == 0 {
            return Ok(None);
        }
        if got < HEADER_LEN {
            return Err(truncated("LZ4Block header", self.offset));
        }
        let header = parse_header(&raw).map_err(|what| corrupt(what, self.offset))?;
        self.offset += HEADER_LEN as u64;
        Ok(Some(header))
    }

    fn check_end_mark(&mut self, header: &Header, at: u64) {
        if header.checksum != 0 {
            self.out.warnings.push(format!(
                "lz4 end-of-stream block with non-zero checksum at compressed byte {at}"
            ));
        }
    }

    fn read_block_payload(&mut self, header: &Header, at: u64) -> io::Result<()> {
        let got = read_payload(&mut self.inner, header.compressed_len, &mut self.payload)?;
        self.offset += got as u64;
        if got < header.compressed_len {
            return Err(truncated("LZ4Block payload", at));
        }
        Ok(())
    }

    fn decode_payload(&mut self, header: &Header, at: u64) -> io::Result<()> {
        self.out.pos = 0;
        if header.method == METHOD_RAW {
            std::mem::swap(&mut self.out.block, &mut self.payload);
            return Ok(());
        }
        self.out.block.clear();
        self.out.block.resize(header.original_len, 0);
        match lz4_flex::block::decompress_into(&self.payload, &mut self.out.block) {
            Ok(n) if n == header.original_len => Ok(()),
            Ok(n) => Err(corrupt(
                format!(
                    "LZ4 block decoded to {n} bytes, header says {}",
                    header.original_len
                ),
                at,
            )),
            Err(e) => Err(corrupt(format!("undecodable LZ4 block ({e})"), at)),
        }
    }

    fn verify_checksum(&mut self, header: &Header, at: u64) {
        let actual = block_checksum(&self.out.block);
        if actual != header.checksum {
            self.out.warnings.push(format!(
                "lz4 checksum mismatch in block at compressed byte {at}: \
                 stored {:#09x}, computed {actual:#09x}",
                header.checksum
            ));
        }
    }
}

/// Validates a header with lz4-java's rules.
fn parse_header(raw: &[u8; HEADER_LEN]) -> Result<Header, String> {
    if &raw[..8] != MAGIC {
        return Err("not an LZ4Block header (bad magic)".to_owned());
    }
    let le = |i: usize| i32::from_le_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]);
    let (token, compressed, original) = (raw[8], le(9), le(13));
    let method = token & 0xF0;
    let max_len = 1i64 << (10 + u32::from(token & 0x0F));
    let lengths_ok = compressed >= 0
        && original >= 0
        && i64::from(original) <= max_len
        && (original == 0) == (compressed == 0)
        && (method != METHOD_RAW || original == compressed);
    if method != METHOD_RAW && method != METHOD_LZ4 {
        return Err(format!("LZ4Block header with unknown method {method:#04x}"));
    }
    if !lengths_ok {
        return Err(format!(
            "LZ4Block header with inconsistent lengths (token {token:#04x}, \
             compressed {compressed}, original {original})"
        ));
    }
    Ok(Header {
        method,
        compressed_len: compressed as usize,
        original_len: original as usize,
        checksum: le(17) as u32,
    })
}

impl<R: Read> Read for Lz4BlockReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_blocks(self, buf)
    }
}

impl<R: Read> BlockSource for Lz4BlockReader<R> {
    fn output(&mut self) -> &mut BlockOutput {
        &mut self.out
    }

    fn next_block(&mut self) -> io::Result<bool> {
        Lz4BlockReader::next_block(self)
    }
}

impl<R: Read + Send> Decode for Lz4BlockReader<R> {
    fn compressed_position(&self) -> u64 {
        self.offset
    }

    fn take_warning(&mut self) -> Option<String> {
        self.out.take_warning()
    }
}
