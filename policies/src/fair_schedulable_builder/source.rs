//! Reading the allocation file: local paths, `file:` URLs, and `http://` URLs (SPARK-35083).
//!
//! Spark opens `spark.scheduler.allocation.file` through the Hadoop FileSystem API. sparksim
//! supports the schemes a simulation needs: a plain path (relative to the working directory),
//! `file:` URLs, and `http://` with a minimal HTTP/1.0 GET over `std::net` (no redirects, no
//! TLS; `https://` and other schemes are reported as unsupported). Reads are capped at
//! `MAX_ALLOCATION_FILE_BYTES` and network waits are bounded by timeouts.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{AllocationSource, PoolFileError};

/// The largest allocation file sparksim reads (64 MiB).
pub const MAX_ALLOCATION_FILE_BYTES: u64 = 64 * 1024 * 1024;
const MAX_HTTP_HEADER_BYTES: u64 = 64 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a configured value points.
#[derive(Debug, PartialEq, Eq)]
enum Location {
    Local(PathBuf),
    Http(String),
}

/// The name used in messages for a source.
pub(super) fn display_name(source: &AllocationSource) -> String {
    match source {
        AllocationSource::Configured(value) => value.clone(),
        AllocationSource::ClasspathDefault(path) => path.display().to_string(),
        AllocationSource::Inline { name, .. } => name.clone(),
    }
}

/// Reads a source: its display name and bytes.
pub(super) fn read_source(source: &AllocationSource) -> Result<(String, Vec<u8>), PoolFileError> {
    let name = display_name(source);
    let bytes = match source {
        AllocationSource::Configured(value) => match locate(value)? {
            Location::Local(path) => read_local(&path, &name)?,
            Location::Http(url) => http_get(&url)?,
        },
        AllocationSource::ClasspathDefault(path) => read_local(path, &name)?,
        AllocationSource::Inline { xml, .. } => xml.as_bytes().to_vec(),
    };
    Ok((name, bytes))
}

/// The bytes as UTF-8, or an error with the file, line and column of the first bad byte.
pub(super) fn decode_utf8<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, PoolFileError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let prefix = String::from_utf8_lossy(&bytes[..offset]);
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        PoolFileError::InvalidUtf8 {
            file: file.to_string(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            byte_offset: offset,
        }
    })
}

/// A URI scheme (`[A-Za-z][A-Za-z0-9+.-]+`, two characters or more so that `C:\…` stays a path).
fn scheme_of(value: &str) -> Option<&str> {
    let (scheme, _) = value.split_once(':')?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    (scheme.len() >= 2 && first_ok && rest_ok).then_some(scheme)
}

fn locate(value: &str) -> Result<Location, PoolFileError> {
    let unsupported = |scheme: &str| PoolFileError::UnsupportedScheme {
        url: value.to_string(),
        scheme: scheme.to_string(),
    };
    match scheme_of(value) {
        None => Ok(Location::Local(PathBuf::from(value))),
        Some(s) if s.eq_ignore_ascii_case("file") => file_url_path(value).map(Location::Local),
        Some(s) if s.eq_ignore_ascii_case("http") => Ok(Location::Http(value.to_string())),
        Some(s) => Err(unsupported(s)),
    }
}

/// `file:///abs`, `file:/abs`, `file://localhost/abs` → `/abs` (percent-decoded).
fn file_url_path(url: &str) -> Result<PathBuf, PoolFileError> {
    let rest = &url[url.find(':').map_or(0, |i| i + 1)..];
    let path = match rest.strip_prefix("//") {
        Some(after) => {
            let slash = after.find('/').unwrap_or(after.len());
            let host = &after[..slash];
            if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                return Err(PoolFileError::Io {
                    file: url.to_string(),
                    message: format!(
                        "file: URL with host {host:?}; only local files are supported"
                    ),
                });
            }
            &after[slash..]
        }
        None => rest,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    Ok(PathBuf::from(percent_decode(path)))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn read_local(path: &Path, name: &str) -> Result<Vec<u8>, PoolFileError> {
    let io = |e: std::io::Error| match e.kind() {
        ErrorKind::NotFound => PoolFileError::NotFound {
            path: name.to_string(),
        },
        _ => PoolFileError::Io {
            file: name.to_string(),
            message: e.to_string(),
        },
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(PoolFileError::Io {
            file: name.to_string(),
            message: "is a directory".to_string(),
        });
    }
    let mut bytes = Vec::new();
    File::open(path)
        .map_err(io)?
        .take(MAX_ALLOCATION_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_ALLOCATION_FILE_BYTES {
        return Err(PoolFileError::TooLarge {
            file: name.to_string(),
            limit: MAX_ALLOCATION_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// The parts of an `http://` URL.
#[derive(Debug, PartialEq, Eq)]
struct HttpTarget {
    host: String,
    port: u16,
    /// Path and query, starting with '/'.
    path: String,
}

fn parse_http_url(url: &str) -> Result<HttpTarget, String> {
    let rest = url
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .map(|_| &url[7..])
        .ok_or("expected an http:// URL")?;
    let rest = rest.split('#').next().unwrap_or("");
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if authority.contains('@') {
        return Err("user information in the URL is not supported".to_string());
    }
    let (host, port) = split_host_port(authority)?;
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    Ok(HttpTarget { host, port, path })
}

fn split_host_port(authority: &str) -> Result<(String, u16), String> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or("unterminated IPv6 literal")?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err("missing host".to_string());
    }
    let port = match port {
        None | Some("") => 80,
        Some(p) => p.parse().map_err(|_| format!("invalid port {p:?}"))?,
    };
    Ok((host.to_string(), port))
}

/// A minimal HTTP/1.0 GET: the body of a 200 response; 404/410 → `NotFound`.
fn http_get(url: &str) -> Result<Vec<u8>, PoolFileError> {
    let fail = |message: String| PoolFileError::Http {
        url: url.to_string(),
        message,
    };
    let target = parse_http_url(url).map_err(&fail)?;
    let mut stream = connect(&target).map_err(&fail)?;
    let host_header = match (target.host.contains(':'), target.port) {
        (true, 80) => format!("[{}]", target.host),
        (true, port) => format!("[{}]:{port}", target.host),
        (false, 80) => target.host.clone(),
        (false, port) => format!("{}:{port}", target.host),
    };
    let request = format!(
        "GET {} HTTP/1.0\r\nHost: {host_header}\r\nUser-Agent: sparksim\r\nAccept: */*\r\n\
         Connection: close\r\n\r\n",
        target.path
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| fail(format!("sending the request failed: {e}")))?;
    let mut response = Vec::new();
    stream
        .take(MAX_ALLOCATION_FILE_BYTES + MAX_HTTP_HEADER_BYTES + 1)
        .read_to_end(&mut response)
        .map_err(|e| fail(format!("reading the response failed: {e}")))?;
    http_body(url, &response)
}

fn connect(target: &HttpTarget) -> Result<TcpStream, String> {
    let addrs = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", target.host))?;
    let mut last = format!("no address for {}", target.host);
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(stream) => {
                let timeouts = stream
                    .set_read_timeout(Some(IO_TIMEOUT))
                    .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)));
                timeouts.map_err(|e| format!("cannot set timeouts: {e}"))?;
                return Ok(stream);
            }
            Err(e) => last = format!("cannot connect to {addr}: {e}"),
        }
    }
    Err(last)
}

/// Splits an HTTP response and returns the body of a 200.
fn http_body(url: &str, response: &[u8]) -> Result<Vec<u8>, PoolFileError> {
    let fail = |message: String| PoolFileError::Http {
        url: url.to_string(),
        message,
    };
    let split = find(response, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(response, b"\n\n").map(|i| (i, i + 2)))
        .ok_or_else(|| fail("malformed HTTP response (no end of headers)".into()))?;
    let head = String::from_utf8_lossy(&response[..split.0]);
    let body = &response[split.1..];
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| fail(format!("malformed HTTP status line {status_line:?}")))?;
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    match status {
        200 => {}
        404 | 410 => {
            return Err(PoolFileError::NotFound {
                path: url.to_string(),
            });
        }
        300..=399 => {
            let to = header("location").unwrap_or_else(|| "(no Location)".into());
            return Err(fail(format!(
                "HTTP {status} redirect to {to} (redirects are not followed)"
            )));
        }
        _ => return Err(fail(format!("HTTP error: {status_line}"))),
    }
    if header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        return Err(fail("chunked transfer encoding is not supported".into()));
    }
    if body.len() as u64 > MAX_ALLOCATION_FILE_BYTES {
        return Err(PoolFileError::TooLarge {
            file: url.to_string(),
            limit: MAX_ALLOCATION_FILE_BYTES,
        });
    }
    match header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        Some(len) if len > body.len() => Err(fail(format!(
            "truncated response: Content-Length {len}, received {} bytes",
            body.len()
        ))),
        Some(len) => Ok(body[..len].to_vec()),
        None => Ok(body.to_vec()),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_paths_and_urls() {
        assert_eq!(
            locate("conf/fair.xml"),
            Ok(Location::Local("conf/fair.xml".into()))
        );
        assert_eq!(
            locate("INVALID_FILE_PATH"),
            Ok(Location::Local("INVALID_FILE_PATH".into()))
        );
        assert_eq!(
            locate("C:\\conf\\fair.xml"),
            Ok(Location::Local("C:\\conf\\fair.xml".into()))
        );
        assert_eq!(
            locate("file:///a/b%20c.xml"),
            Ok(Location::Local("/a/b c.xml".into()))
        );
        assert_eq!(
            locate("file:/a/b.xml"),
            Ok(Location::Local("/a/b.xml".into()))
        );
        assert_eq!(
            locate("file://localhost/a.xml"),
            Ok(Location::Local("/a.xml".into()))
        );
        assert!(locate("file://remote/a.xml").is_err());
        assert_eq!(
            locate("http://h/x.xml"),
            Ok(Location::Http("http://h/x.xml".into()))
        );
        for (url, scheme) in [
            ("https://h/x.xml", "https"),
            ("hdfs://nn/x.xml", "hdfs"),
            ("s3a://b/x", "s3a"),
        ] {
            match locate(url) {
                Err(PoolFileError::UnsupportedScheme { scheme: s, .. }) => assert_eq!(s, scheme),
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn https_error_says_not_supported() {
        let err = locate("https://example.invalid/fairscheduler.xml").unwrap_err();
        assert!(
            err.to_string().contains("https: scheme is not supported"),
            "{err}"
        );
    }

    #[test]
    fn parses_http_urls() {
        let t = parse_http_url("http://127.0.0.1:8080/conf/f.xml?x=1#frag").unwrap();
        assert_eq!(
            t,
            HttpTarget {
                host: "127.0.0.1".into(),
                port: 8080,
                path: "/conf/f.xml?x=1".into()
            }
        );
        let t = parse_http_url("HTTP://example.com").unwrap();
        assert_eq!((t.port, t.path.as_str()), (80, "/"));
        let t = parse_http_url("http://[::1]:81/a").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 81));
        for bad in [
            "http://",
            "http://:80/",
            "http://h:port/",
            "http://u@h/",
            "http://[::1/",
        ] {
            assert!(parse_http_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn http_responses() {
        let ok = http_body("u", b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabcdef").unwrap();
        assert_eq!(ok, b"abc");
        assert_eq!(http_body("u", b"HTTP/1.1 200 OK\n\nxyz").unwrap(), b"xyz");
        assert!(matches!(
            http_body("u", b"HTTP/1.0 404 Not Found\r\n\r\n"),
            Err(PoolFileError::NotFound { .. })
        ));
        let redirect =
            http_body("u", b"HTTP/1.0 302 Found\r\nLocation: http://x/\r\n\r\n").unwrap_err();
        assert!(redirect.to_string().contains("not followed"), "{redirect}");
        assert!(http_body("u", b"HTTP/1.0 500 Oops\r\n\r\n").is_err());
        assert!(http_body("u", b"garbage").is_err());
        assert!(http_body("u", b"HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc").is_err());
        assert!(
            http_body(
                "u",
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc"
            )
            .is_err()
        );
    }

    #[test]
    fn utf8_errors_locate_the_bad_byte() {
        let err = decode_utf8(b"<a>\n  <b>\xff</b>", "f.xml").unwrap_err();
        assert_eq!(
            err,
            PoolFileError::InvalidUtf8 {
                file: "f.xml".into(),
                line: 2,
                column: 6,
                byte_offset: 9
            }
        );
    }
}
