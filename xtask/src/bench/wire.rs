//! What the scale and cost benchmarks share: a download that counts an export of any size
//! without holding it (the harness's client reads a body whole, up to 10 MB), and how figures
//! are printed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{bail, Context, Result};

/// What a download got.
pub struct Exported {
    /// HTTP status.
    pub status: u16,
    /// Body bytes (after de-chunking).
    pub bytes: usize,
    /// Lines in the body.
    pub lines: u64,
}

/// `GET url` (plain HTTP/1.1 on loopback) with `authorization`, the body counted as it streams.
pub fn download(url: &str, authorization: &str) -> Result<Exported> {
    let rest = url.strip_prefix("http://").context("only http:// URLs")?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).with_context(|| format!("connecting to {host}"))?;
    write!(stream, "GET {path} HTTP/1.1\r\nhost: {host}\r\nauthorization: {authorization}\r\nconnection: close\r\n\r\n")?;
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("no status line")?;
    let (mut chunked, mut length) = (false, None);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
        if let Some(n) = lower.strip_prefix("content-length:") {
            length = n.trim().parse::<u64>().ok();
        }
    }
    let mut counted = Counter::default();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16).with_context(|| format!("chunk size {line:?}"))?;
            if size == 0 {
                break;
            }
            let copied = std::io::copy(&mut (&mut reader).take(size as u64), &mut counted)?;
            if copied != size as u64 {
                bail!("the body ended inside a chunk");
            }
            line.clear();
            reader.read_line(&mut line)?;
        }
    } else if let Some(length) = length {
        std::io::copy(&mut reader.take(length), &mut counted)?;
    } else {
        std::io::copy(&mut reader, &mut counted)?;
    }
    Ok(Exported { status, bytes: counted.bytes, lines: counted.lines })
}

/// A sink that counts bytes and newlines.
#[derive(Default)]
struct Counter {
    bytes: usize,
    lines: u64,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len();
        self.lines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Milliseconds since 1970, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Percent-encodes all but the unreserved characters, for a query value.
pub fn encode(value: &str) -> String {
    value.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// `12.3 ms`, `1,534 ms`, `12.4 s`.
pub fn millis(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    match ms {
        ms if ms < 100.0 => format!("{ms:.1} ms"),
        ms if ms < 10_000.0 => format!("{} ms", thousands(ms.round() as u64)),
        ms => format!("{:.1} s", ms / 1e3),
    }
}

/// `812 B`, `82.1 KB`, `1.52 MB` (powers of 1,000).
pub fn bytes(n: usize) -> String {
    match n as f64 {
        b if b < 1e3 => format!("{n} B"),
        b if b < 1e6 => format!("{:.1} KB", b / 1e3),
        b => format!("{:.2} MB", b / 1e6),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_people_read_them() {
        assert_eq!(thousands(1_534), "1,534");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(12), "12");
        assert_eq!(encode("1764_0190-ab"), "1764_0190-ab");
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(bytes(100_000), "100.0 KB");
    }
}
