//! House rules checked on every run (rust-analyzer's tidy pattern): module docs, no trailing
//! whitespace, no ignored or should-panic tests, no `unwrap()` in the Worker and the widget.

use std::path::{Path, PathBuf};

use sayso_tests::paths::repo_root;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | "node_modules" | "build" | "dist" | ".git" | "artifacts" | ".wrangler") {
                files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

fn sources(ext: &[&str]) -> Vec<(PathBuf, String)> {
    let mut all = Vec::new();
    for dir in ["core", "widget", "worker", "xtask", "tests", "examples"] {
        files(&repo_root().join(dir), &mut all);
    }
    all.into_iter()
        .filter(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| ext.contains(&e)))
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|text| (p, text)))
        .collect()
}

#[test]
fn every_rust_module_starts_with_a_doc_comment() {
    let missing: Vec<_> = sources(&["rs"]).into_iter().filter(|(_, text)| !text.trim_start().starts_with("//!")).map(|(p, _)| p).collect();
    assert!(missing.is_empty(), "add a `//!` line saying what the module owns: {missing:?}");
}

#[test]
fn no_trailing_whitespace() {
    let offenders: Vec<_> = sources(&["rs", "toml", "md", "js", "html", "css"])
        .into_iter()
        .filter(|(_, text)| text.lines().any(|l| l.ends_with(' ') || l.ends_with('\t')))
        .map(|(p, _)| p)
        .collect();
    assert!(offenders.is_empty(), "trailing whitespace in {offenders:?}");
}

#[test]
fn no_ignored_or_should_panic_tests() {
    // Built from pieces so this file does not match itself.
    let banned = [["#[", "ignore"].concat(), ["#[", "should_panic"].concat()];
    let offenders: Vec<_> = sources(&["rs"]).into_iter().filter(|(_, text)| banned.iter().any(|b| text.contains(b.as_str()))).map(|(p, _)| p).collect();
    assert!(offenders.is_empty(), "tests must run and must assert: {offenders:?}");
}

#[test]
fn no_unwrap_in_the_worker_or_the_widget() {
    let unwrap = [".unwrap", "()"].concat();
    let offenders: Vec<String> = sources(&["rs"])
        .into_iter()
        .filter(|(p, _)| p.starts_with(repo_root().join("worker/src")) || p.starts_with(repo_root().join("widget/src")))
        .flat_map(|(p, text)| {
            let unwrap = unwrap.clone();
            text.lines().enumerate().filter(move |(_, l)| l.contains(unwrap.as_str())).map(move |(i, _)| format!("{}:{}", p.display(), i + 1)).collect::<Vec<_>>()
        })
        .collect();
    assert!(offenders.is_empty(), "handle the error instead: {offenders:?}");
}
