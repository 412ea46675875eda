//! Compression codecs of Spark event logs: which one a file uses, and a decoding reader.
//!
//! Spark names the codec in the file extension (`.zstd`, `.lz4`, `.snappy`, `.lzf`), after
//! which `.inprogress` may follow. The extension decides; when there is none, or it
//! contradicts the first bytes of the file, the content decides (zstd magic `28 B5 2F FD`,
//! lz4-java `LZ4Block`, snappy-java `\x82SNAPPY\0`, gzip `1F 8B`, otherwise plain JSON).
//!
//! Spark's lz4 and snappy streams are not the standard frame formats; see [`lz4`] and
//! [`snappy`] for the framing. A truncated stream surfaces as an
//! [`std::io::ErrorKind::UnexpectedEof`] error, which the line layer turns into a
//! "truncated tail" warning; corrupt data is any other error and names the byte offset.

pub mod lz4;
pub mod snappy;

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

pub use lz4::Lz4BlockReader;
pub use snappy::SnappyJavaReader;

/// A compression codec, as far as this reader is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Codec {
    /// Uncompressed JSON lines.
    Plain,
    /// Concatenated zstd frames (Spark's default since 3.2).
    Zstd,
    /// lz4-java `LZ4BlockOutputStream` blocks.
    Lz4,
    /// snappy-java `SnappyOutputStream` chunks.
    Snappy,
    /// gzip members (not written by Spark; some tools ship `.gz` copies).
    Gzip,
    /// compress-lzf chunks: recognised, not decoded.
    Lzf,
}

impl Codec {
    /// Short name as used in Spark file extensions.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Plain => "plain",
            Codec::Zstd => "zstd",
            Codec::Lz4 => "lz4",
            Codec::Snappy => "snappy",
            Codec::Gzip => "gzip",
            Codec::Lzf => "lzf",
        }
    }

    /// The codec named by a file extension (without the dot), if any.
    pub fn from_extension(ext: &str) -> Option<Codec> {
        match ext.to_ascii_lowercase().as_str() {
            "zstd" | "zst" => Some(Codec::Zstd),
            "lz4" => Some(Codec::Lz4),
            "snappy" => Some(Codec::Snappy),
            "gz" | "gzip" => Some(Codec::Gzip),
            "lzf" => Some(Codec::Lzf),
            "json" | "jsonl" | "log" | "txt" => Some(Codec::Plain),
            _ => None,
        }
    }

    /// The codec suggested by the first bytes of a file. Unrecognised content is plain.
    pub fn sniff(head: &[u8]) -> Codec {
        const SNIFFS: [(&[u8], Codec); 6] = [
            (&[0x28, 0xB5, 0x2F, 0xFD], Codec::Zstd),
            (lz4::MAGIC, Codec::Lz4),
            (snappy::MAGIC, Codec::Snappy),
            (&[0x1F, 0x8B], Codec::Gzip),
            (b"ZV\x00", Codec::Lzf),
            (b"ZV\x01", Codec::Lzf),
        ];
        SNIFFS
            .iter()
            .find(|(magic, _)| head.starts_with(magic))
            .map_or(Codec::Plain, |&(_, codec)| codec)
    }

    /// Whether `head` (the first bytes of a file) is consistent with this codec.
    pub(crate) fn matches_head(self, head: &[u8]) -> bool {
        head.is_empty() || Codec::sniff(head) == self
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A decompressing reader over one file, able to say where it is in the compressed input
/// and to hand over warnings about recoverable damage (e.g. an lz4 checksum mismatch).
pub trait Decode: Read + Send {
    /// Bytes of compressed input consumed so far (approximate for buffered decoders).
    fn compressed_position(&self) -> u64;
    /// Takes the oldest pending warning, if any.
    fn take_warning(&mut self) -> Option<String> {
        None
    }
}

/// The decoded output of a block-framed decoder (lz4-java, snappy-java): the current block,
/// how much of it was served, whether decoding failed, and warnings not yet taken.
#[derive(Debug, Default)]
pub struct BlockOutput {
    pub(crate) block: Vec<u8>,
    pub(crate) pos: usize,
    pub(crate) failed: bool,
    pub(crate) warnings: Vec<String>,
}

impl BlockOutput {
    /// The oldest pending warning.
    pub(crate) fn take_warning(&mut self) -> Option<String> {
        (!self.warnings.is_empty()).then(|| self.warnings.remove(0))
    }
}

/// A decoder that produces its output a whole block at a time.
pub(crate) trait BlockSource {
    fn output(&mut self) -> &mut BlockOutput;
    /// Decodes the next non-empty block into the output; `false` at a clean end of input.
    fn next_block(&mut self) -> io::Result<bool>;
}

/// `Read::read` for block decoders: serve the current block, decoding the next one when it is
/// used up. After an error, reading ends (returns 0) instead of retrying a broken stream.
pub(crate) fn read_blocks<S: BlockSource>(src: &mut S, buf: &mut [u8]) -> io::Result<usize> {
    while src.output().pos == src.output().block.len() {
        if src.output().failed {
            return Ok(0);
        }
        match src.next_block() {
            Ok(true) => {}
            Ok(false) => return Ok(0),
            Err(e) => {
                src.output().failed = true;
                return Err(e);
            }
        }
    }
    let out = src.output();
    let n = buf.len().min(out.block.len() - out.pos);
    buf[..n].copy_from_slice(&out.block[out.pos..out.pos + n]);
    out.pos += n;
    Ok(n)
}

/// Counts the bytes read through it.
#[derive(Debug)]
pub struct CountingReader<R> {
    inner: R,
    count: u64,
}

impl<R: Read> CountingReader<R> {
    pub fn new(inner: R) -> Self {
        Self { inner, count: 0 }
    }

    /// Bytes read so far.
    pub fn count(&self) -> u64 {
        self.count
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

impl<R: Read + Send> Decode for CountingReader<R> {
    fn compressed_position(&self) -> u64 {
        self.count
    }
}

/// A zstd stream decoder that knows how much compressed input it consumed.
struct ZstdDecoder(zstd::stream::read::Decoder<'static, BufReader<CountingReader<File>>>);

impl Read for ZstdDecoder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Decode for ZstdDecoder {
    fn compressed_position(&self) -> u64 {
        self.0.get_ref().get_ref().count()
    }
}

/// A gzip (multi-member) decoder that knows how much compressed input it consumed.
struct GzipDecoder(flate2::read::MultiGzDecoder<CountingReader<File>>);

impl Read for GzipDecoder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Decode for GzipDecoder {
    fn compressed_position(&self) -> u64 {
        self.0.get_ref().count()
    }
}

/// Opens `path` and wraps it in the decoder for `codec`.
///
/// [`Codec::Lzf`] yields [`io::ErrorKind::Unsupported`]; callers check for it earlier.
pub fn open_decoder(path: &Path, codec: Codec) -> io::Result<Box<dyn Decode>> {
    let file = File::open(path)?;
    let empty = file.metadata()?.len() == 0;
    let file = CountingReader::new(file);
    if empty && codec != Codec::Lzf {
        return Ok(Box::new(file));
    }
    Ok(match codec {
        Codec::Plain => Box::new(file),
        Codec::Zstd => Box::new(ZstdDecoder(zstd::stream::read::Decoder::new(file)?)),
        Codec::Lz4 => Box::new(Lz4BlockReader::new(file)),
        Codec::Snappy => Box::new(SnappyJavaReader::new(file)),
        Codec::Gzip => Box::new(GzipDecoder(flate2::read::MultiGzDecoder::new(file))),
        Codec::Lzf => {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "lzf event logs are not supported",
            ));
        }
    })
}

/// Reads up to `n` bytes from the start of `path`.
pub(crate) fn read_head(path: &Path, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    File::open(path)?.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Reads exactly `buf.len()` bytes unless the input ends first; returns how many were read.
/// Unlike `read_exact`, a short read is reported rather than an error, so callers can tell
/// a clean end (0 bytes) from a truncated record.
pub(crate) fn read_full<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Reads exactly `len` bytes into `buf` (cleared first), growing it only as data arrives,
/// so a corrupt length cannot trigger a huge allocation. Returns the bytes actually read.
pub(crate) fn read_payload<R: Read>(
    reader: &mut R,
    len: usize,
    buf: &mut Vec<u8>,
) -> io::Result<usize> {
    buf.clear();
    reader.take(len as u64).read_to_end(buf)
}

/// An error for a truncated stream: [`io::ErrorKind::UnexpectedEof`] with the offset.
pub(crate) fn truncated(what: &str, offset: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("truncated {what} at compressed byte {offset}"),
    )
}

/// An error for corrupt data: [`io::ErrorKind::InvalidData`] with the offset.
pub(crate) fn corrupt(what: impl fmt::Display, offset: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{what} at compressed byte {offset}"),
    )
}
