//! Embeds the built widget (`widget/dist/`, written by `cargo xtask build`) into the Worker, so
//! one `wrangler deploy` ships the edge and the script it serves together.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dist = Path::new(&manifest).join("../widget/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    if let Ok(entries) = fs::read_dir(&dist) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let content_type = match path.extension().and_then(|e| e.to_str()) {
                Some("js") => "text/javascript; charset=utf-8",
                Some("wasm") => "application/wasm",
                _ => continue,
            };
            files.push((name, content_type, path.canonicalize().unwrap_or(path)));
        }
    }
    files.sort();
    let mut out = String::from(
        "/// The widget's files: (name, content type, bytes); `embed.js` is the loader.\npub const FILES: &[(&str, &str, &[u8])] = &[\n",
    );
    for (name, content_type, path) in &files {
        let _ = writeln!(out, "    ({name:?}, {content_type:?}, include_bytes!({:?})),", path.display().to_string());
    }
    out.push_str("];\n");
    let out_dir = env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = fs::write(Path::new(&out_dir).join("assets.rs"), out) {
        println!("cargo:warning=could not write assets.rs: {e}");
    }
}
