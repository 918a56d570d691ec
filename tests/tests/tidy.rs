//! House rules checked on every run (rust-analyzer's tidy pattern): module docs, no trailing
//! whitespace, no ignored or should-panic tests, no `unwrap()` in the Worker and the widget, and
//! rooms small enough to read. Every complaint names its `file:line`.

use std::path::{Path, PathBuf};

use sayso_tests::paths::repo_root;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | "node_modules" | "build" | "build-bench" | "dist" | ".git" | "artifacts" | ".wrangler") {
                files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// Every source file with one of the extensions, as (path relative to the root, text).
fn sources(ext: &[&str]) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for dir in ["core", "widget", "worker", "xtask", "harness", "tests", "examples"] {
        files(&repo_root().join(dir), &mut all);
    }
    let root = repo_root();
    all.into_iter()
        .filter(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| ext.contains(&e)))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.strip_prefix(&root).unwrap_or(&p).display().to_string(), text))
        })
        .collect()
}

/// `file:line` for every line of every file that `bad` flags.
fn offending_lines(files: Vec<(String, String)>, bad: impl Fn(&str) -> bool) -> Vec<String> {
    files
        .into_iter()
        .flat_map(|(path, text)| text.lines().enumerate().filter(|(_, line)| bad(line)).map(|(i, _)| format!("{path}:{}", i + 1)).collect::<Vec<_>>())
        .collect()
}

#[test]
fn every_rust_module_starts_with_a_doc_comment() {
    let missing: Vec<_> =
        sources(&["rs"]).into_iter().filter(|(_, text)| !text.trim_start().starts_with("//!")).map(|(p, _)| format!("{p}:1")).collect();
    assert!(missing.is_empty(), "add a `//!` line saying what the module owns:\n{}", missing.join("\n"));
}

#[test]
fn no_trailing_whitespace() {
    let offenders = offending_lines(sources(&["rs", "toml", "md", "js", "html", "css"]), |l| l.ends_with(' ') || l.ends_with('\t'));
    assert!(offenders.is_empty(), "trailing whitespace at:\n{}", offenders.join("\n"));
}

#[test]
fn no_ignored_or_should_panic_tests() {
    // Built from pieces so this file does not match itself.
    let banned = [["#[", "ignore"].concat(), ["#[", "should_panic"].concat()];
    let offenders = offending_lines(sources(&["rs"]), |l| banned.iter().any(|b| l.contains(b.as_str())));
    assert!(offenders.is_empty(), "tests must run and must assert:\n{}", offenders.join("\n"));
}

#[test]
fn no_unwrap_in_the_worker_or_the_widget() {
    let unwrap = [".unwrap", "()"].concat();
    let request_paths = sources(&["rs"]).into_iter().filter(|(p, _)| p.starts_with("worker/src") || p.starts_with("widget/src")).collect();
    let offenders = offending_lines(request_paths, |l| l.contains(unwrap.as_str()));
    assert!(offenders.is_empty(), "handle the error instead:\n{}", offenders.join("\n"));
}

/// The most lines a room may have before its `#[cfg(test)]` module.
const ROOM_LINES: usize = 300;

#[test]
fn every_room_is_at_most_300_lines_before_its_tests() {
    // String tables are data, not rooms.
    let tables = ["core/src/strings.rs"];
    let rooms = ["worker/src", "widget/src", "widget/js", "core/src"];
    let offenders: Vec<String> = sources(&["rs", "js"])
        .into_iter()
        .filter(|(p, _)| rooms.iter().any(|r| p.starts_with(r)) && !tables.contains(&p.as_str()))
        .filter_map(|(path, text)| {
            let before_tests = text.lines().position(|l| l.trim() == "#[cfg(test)]").unwrap_or_else(|| text.lines().count());
            (before_tests > ROOM_LINES)
                .then(|| format!("{path}:{}: {before_tests} lines before its tests (at most {ROOM_LINES}): split it by job", ROOM_LINES + 1))
        })
        .collect();
    assert!(offenders.is_empty(), "rooms too large:\n{}", offenders.join("\n"));
}
