//! The harness xtask and the end-to-end tests share: the real Worker under `wrangler dev`, the
//! example pages served from another local port, a real headless Chromium driven over WebDriver,
//! the API calls, the repository's paths and the locked npm install. Each test starts what it
//! needs on free ports with temporary state, so tests run in parallel and on a clean clone;
//! `cargo xtask dev` uses the same pieces to run sayso locally. xtask depends on this crate, never
//! on the tests.

pub mod api;
pub mod browser;
pub mod edge;
pub mod npm;
pub mod owner_app;
pub mod pages;
pub mod paths;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Today's UTC date as `YYYY-MM-DD`, shifted by `offset` days.
pub fn utc_day(offset: i64) -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    sayso_core::format_day(secs.div_euclid(86_400) + offset)
}

/// A port nobody listens on right now.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// `n` random bytes as hex, from the OS.
pub fn random_hex(n: usize) -> Result<String> {
    use std::io::Read;
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Polls `probe` until it returns `Some`, or fails after `timeout` with `what` in the message.
pub fn wait_for<T>(what: &str, timeout: Duration, mut probe: impl FnMut() -> Result<Option<T>>) -> Result<T> {
    let start = Instant::now();
    let mut last_error = None;
    loop {
        match probe() {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
        if start.elapsed() > timeout {
            match last_error {
                Some(e) => bail!("timed out after {timeout:?} waiting for {what}; last error: {e:#}"),
                None => bail!("timed out after {timeout:?} waiting for {what}"),
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A site id no other test in the process uses: `prefix` and 8 random hex digits (for tests on
/// the shared edge, `edge::Edge::shared`).
pub fn unique_site(prefix: &str) -> Result<String> {
    Ok(format!("{prefix}-{}", random_hex(4)?))
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `sayso-{label}-{pid}-{n}`.
    pub fn new(label: &str) -> Result<TempDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("sayso-{label}-{}-{n}-{}", std::process::id(), random_hex(4)?));
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(TempDir(path))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Sends `signal` to a whole process group (a tool and everything it started).
pub fn signal_group(pid: u32, signal: &str) {
    let _ =
        std::process::Command::new("kill").args([format!("-{signal}"), "--".into(), format!("-{pid}")]).stderr(std::process::Stdio::null()).status();
}

/// The bodies a `receiver` was sent, in order.
pub type Received = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// A local HTTP receiver (a webhook, Turnstile's siteverify) that answers every request with
/// `status` and the JSON `body`, keeping each request's body; returns its URL (`…/hook`).
pub fn receiver(status: u16, body: &'static str) -> Result<(String, Received)> {
    use std::io::Write;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
    let seen = Received::default();
    let record = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = std::io::BufReader::new(stream);
            let request = read_request_body(&mut reader);
            if let Ok(mut seen) = record.lock() {
                seen.push(String::from_utf8_lossy(&request).into_owned());
            }
            let _ = write!(
                reader.get_mut(),
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    Ok((url, seen))
}

/// What a `signed_receiver` was sent: each POST's `sayso-signature` header and body, in order.
pub type Signed = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// A webhook receiver answering 200 to every POST, keeping its signature header and its body;
/// returns its URL (`…/hook`).
pub fn signed_receiver() -> Result<(String, Signed)> {
    use std::io::{BufRead, Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
    let seen = Signed::default();
    let record = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = std::io::BufReader::new(stream);
            let (mut signature, mut length, mut line) = (String::new(), 0usize, String::new());
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim() != "" {
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("sayso-signature:") {
                    signature = v.trim().to_owned();
                }
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            if let Ok(mut s) = record.lock() {
                s.push((signature, String::from_utf8_lossy(&body).into_owned()));
            }
            let _ = write!(reader.get_mut(), "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    Ok((url, seen))
}

/// Reads one HTTP/1.1 request's headers and body from `reader` (for the tests' local receivers:
/// webhooks, Turnstile's siteverify); returns the body, empty if it could not be read.
pub fn read_request_body(reader: &mut impl std::io::BufRead) -> Vec<u8> {
    let (mut line, mut length) = (String::new(), 0usize);
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim() != "" {
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0u8; length];
    if reader.read_exact(&mut body).is_err() {
        body.clear();
    }
    body
}
