//! Serves `examples/` over HTTP from its own port (so the widget runs cross-origin to the edge,
//! as on a real site), pointing the pasted snippet at the edge and the site under test.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::paths;

/// The edge URL and site id written in the example snippets.
pub const SNIPPET_EDGE: &str = "http://127.0.0.1:8787";
/// The site id written in the example snippets.
pub const SNIPPET_SITE: &str = "demo";

/// A running static server; stopped on drop.
pub struct ExampleSite {
    /// `http://127.0.0.1:PORT`: also the origin the site must allow.
    pub url: String,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl ExampleSite {
    /// Serves `examples/` on `port` (0: a free one). In `.html` files the snippet's edge URL and
    /// site id are replaced by `edge` and `site`.
    pub fn serve(port: u16, edge: &str, site: &str) -> Result<ExampleSite> {
        let listener = TcpListener::bind(("127.0.0.1", port)).with_context(|| format!("binding 127.0.0.1:{port}"))?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, edge, site) = (Arc::clone(&stop), edge.to_owned(), site.to_owned());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(stream) = stream {
                    let (edge, site) = (edge.clone(), site.clone());
                    std::thread::spawn(move || {
                        let _ = answer(stream, &edge, &site);
                    });
                }
            }
        });
        Ok(ExampleSite { url: format!("http://127.0.0.1:{port}"), stop, port })
    }
}

impl Drop for ExampleSite {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn answer(mut stream: TcpStream, edge: &str, site: &str) -> Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut extra_headers = String::new();
    let (status, content_type, body) = match resolve(path) {
        Some(file) => {
            // A folder's `_headers` (one `Name: value` per line, as Cloudflare Pages reads it)
            // applies to its files: how the strict-CSP example gets its policy.
            if let Some(headers) = file.parent().map(|dir| dir.join("_headers")).and_then(|f| std::fs::read_to_string(f).ok()) {
                for line in headers.lines().filter(|l| l.contains(':')) {
                    extra_headers.push_str(&line.replace(SNIPPET_EDGE, edge));
                    extra_headers.push_str("\r\n");
                }
            }
            let content_type = content_type(&file);
            let bytes = std::fs::read(&file)?;
            let body = if content_type.starts_with("text/html") {
                String::from_utf8_lossy(&bytes)
                    .replace(SNIPPET_EDGE, edge)
                    .replace(&format!("data-site=\"{SNIPPET_SITE}\""), &format!("data-site=\"{site}\""))
                    .into_bytes()
            } else {
                bytes
            };
            ("200 OK", content_type, body)
        }
        None => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    write!(stream, "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n{extra_headers}\r\n", body.len())?;
    stream.write_all(&body)?;
    Ok(())
}

/// Maps a URL path to a file under `examples/`; `None` for anything outside it.
fn resolve(path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = paths::examples().join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    if file.is_file() {
        return Some(file);
    }
    // A single-page app's routes (`/spa/pricing`) are served its `index.html`, as a static host
    // configured for client-side routing does.
    let app = relative.components().next()?;
    let index = paths::examples().join(app).join("index.html");
    (relative.extension().is_none() && index.is_file()).then_some(index)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}
