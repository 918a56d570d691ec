//! The widget's weight report, `artifacts/widget-weight.txt`: where its bytes are, by shipped
//! file, by wasm section, by crate and function (from the name section that wasm-opt keeps
//! with `-g`), and by part of the glue.
//!
//! A few dozen lines of reading the wasm binary format instead of a tool to install (twiggy
//! would cost every fresh machine a `cargo install`).

use std::collections::BTreeMap;

use anyhow::{ensure, Context, Result};

use super::gzip_len;

/// The custom section that names the functions.
const NAME: &str = "name";

/// One section of a wasm module.
struct Section<'a> {
    /// The section's id (0: custom).
    id: u8,
    /// A custom section's name; empty for the others.
    name: &'a str,
    /// The section's contents (after a custom section's name).
    body: &'a [u8],
    /// The whole section, id and size included.
    whole: &'a [u8],
}

/// Reads an unsigned LEB128 number at `at`, moving `at` past it.
fn leb(bytes: &[u8], at: &mut usize) -> Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).context("the wasm ends inside a number")?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(value);
        }
    }
    anyhow::bail!("a number in the wasm is too long")
}

/// Reads a length-prefixed byte string at `at`.
fn bytes<'a>(wasm: &'a [u8], at: &mut usize) -> Result<&'a [u8]> {
    let len = usize::try_from(leb(wasm, at)?)?;
    let out = wasm.get(*at..*at + len).context("the wasm ends inside a string")?;
    *at += len;
    Ok(out)
}

fn sections(wasm: &[u8]) -> Result<Vec<Section<'_>>> {
    ensure!(wasm.starts_with(b"\0asm\x01\0\0\0"), "not a wasm module");
    let mut at = 8;
    let mut out = Vec::new();
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        let mut body = bytes(wasm, &mut at)?;
        let mut name = "";
        if id == 0 {
            let mut inner = 0;
            name = std::str::from_utf8(bytes(body, &mut inner)?)?;
            body = &body[inner..];
        }
        out.push(Section { id, name, body, whole: &wasm[start..at] });
    }
    Ok(out)
}

/// The module without its name section: what ships (the same bytes wasm-opt writes without `-g`).
pub fn without_names(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut out = wasm[..8].to_vec();
    for section in sections(wasm)? {
        if !(section.id == 0 && section.name == NAME) {
            out.extend_from_slice(section.whole);
        }
    }
    Ok(out)
}

/// Each defined function's name and body size, from the name and code sections.
fn functions(all: &[Section<'_>]) -> Result<Vec<(String, usize)>> {
    let mut imported = 0u64;
    for section in all.iter().filter(|s| s.id == 2) {
        let mut at = 0;
        for _ in 0..leb(section.body, &mut at)? {
            bytes(section.body, &mut at)?;
            bytes(section.body, &mut at)?;
            let kind = *section.body.get(at).context("an import without a kind")?;
            at += 1;
            let limits = |at: &mut usize| -> Result<()> {
                let flags = *section.body.get(*at).context("limits without flags")?;
                *at += 1;
                leb(section.body, at)?;
                if flags & 1 == 1 {
                    leb(section.body, at)?;
                }
                Ok(())
            };
            match kind {
                0 => {
                    leb(section.body, &mut at)?;
                    imported += 1;
                }
                1 => {
                    at += 1;
                    limits(&mut at)?;
                }
                2 => limits(&mut at)?,
                3 => at += 2,
                _ => anyhow::bail!("an import of kind {kind}"),
            }
        }
    }
    let mut names = BTreeMap::new();
    for section in all.iter().filter(|s| s.id == 0 && s.name == NAME) {
        let mut at = 0;
        while at < section.body.len() {
            let kind = section.body[at];
            at += 1;
            let sub = bytes(section.body, &mut at)?;
            if kind == 1 {
                let mut inner = 0;
                for _ in 0..leb(sub, &mut inner)? {
                    let index = leb(sub, &mut inner)?;
                    names.insert(index, String::from_utf8_lossy(bytes(sub, &mut inner)?).into_owned());
                }
            }
        }
    }
    let mut out = Vec::new();
    for section in all.iter().filter(|s| s.id == 10) {
        let mut at = 0;
        for index in imported..imported + leb(section.body, &mut at)? {
            let start = at;
            bytes(section.body, &mut at)?;
            out.push((names.get(&index).cloned().unwrap_or_else(|| format!("function {index}")), at - start));
        }
    }
    Ok(out)
}

/// The crate a function belongs to: the first `crate[hash]::` or `crate::` in its name, so
/// `<alloc[…]::string::String as core[…]::clone::Clone>::clone` is alloc's. The entry points
/// (`act`, …) are the widget's, wasm-bindgen's exports (`__wbindgen_malloc`) wasm-bindgen's.
fn crate_of(function: &str) -> &str {
    if function.starts_with("__wbindgen") {
        return "wasm_bindgen";
    }
    // A primitive's own methods (`<str>::starts_with`, `<[u8]>::ends_with`) are core's.
    let inherent = function.strip_prefix('<').and_then(|rest| rest.split_once('>')).map(|(ty, _)| ty.trim_matches(['[', ']', '&']));
    if inherent.is_some_and(primitive) {
        return "core";
    }
    // v0 names (the nightly's) mark every crate with its hash: `alloc[dfa4…]::`.
    let hashed = function.match_indices('[').find_map(|(at, _)| {
        let (hash, _) = function[at + 1..].split_once("]::")?;
        let name = &function[..at];
        let name = &name[name.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1)..];
        (!name.is_empty() && !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(name)
    });
    if let Some(name) = hashed {
        return name;
    }
    let mut start = None;
    for (i, c) in function.char_indices() {
        let word = c.is_ascii_alphanumeric() || c == '_';
        match (start, word) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if c == '[' || function[i..].starts_with("::") {
                    let name = &function[s..i];
                    if !primitive(name) && !matches!(name, "T" | "A" | "I" | "F") {
                        return name;
                    }
                }
                start = None;
            }
            _ => {}
        }
    }
    "sayso_widget"
}

fn primitive(ty: &str) -> bool {
    matches!(ty, "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "f32" | "f64" | "bool" | "str" | "char")
}

/// A line of the report's tables.
fn row(name: &str, raw: usize, gzip: usize) -> String {
    format!("{name:<44} {raw:>9} {gzip:>9}\n")
}

/// The report. `files`: the shipped files; `named`: the shipped wasm with its name section;
/// `glue_parts`: each part of the glue minified alone.
pub fn report(files: &[(String, Vec<u8>)], named: &[u8], glue_parts: &[(String, Vec<u8>)]) -> Result<String> {
    let mut out = String::from("The widget's weight (gzip -9, each file or part compressed alone)\n\n");
    out += &format!("{:<44} {:>9} {:>9}\n", "shipped file", "raw B", "gzip B");
    let mut total = (0, 0);
    for (name, content) in files {
        let gzip = gzip_len(content)?;
        out += &row(name, content.len(), gzip);
        total = (total.0 + content.len(), total.1 + gzip);
    }
    out += &row("total", total.0, total.1);

    let all = sections(named)?;
    out += &format!("\n{:<44} {:>9} {:>9}\n", "wasm section (name: kept for this report)", "raw B", "gzip B");
    const IDS: [&str; 13] =
        ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"];
    for section in &all {
        let label = if section.id == 0 { format!("custom: {}", section.name) } else { IDS.get(usize::from(section.id)).unwrap_or(&"?").to_string() };
        out += &row(&label, section.whole.len(), gzip_len(section.body)?);
    }

    let functions = functions(&all)?;
    let mut crates: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (name, size) in &functions {
        let entry = crates.entry(crate_of(name)).or_default();
        *entry = (entry.0 + size, entry.1 + 1);
    }
    let mut crates: Vec<_> = crates.into_iter().collect();
    crates.sort_by_key(|(_, (size, _))| std::cmp::Reverse(*size));
    out += &format!("\n{:<44} {:>9} {:>9}\n", "wasm code by crate (bodies after wasm-opt)", "raw B", "functions");
    for (name, (size, count)) in crates {
        out += &format!("{name:<44} {size:>9} {count:>9}\n");
    }
    let mut largest = functions;
    largest.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    out += "\nlargest functions (raw B after wasm-opt)\n";
    for (name, size) in largest.iter().take(40) {
        let name: String = name.chars().take(100).collect();
        out += &format!("{size:>7}  {name}\n");
    }

    out += &format!("\n{:<44} {:>9} {:>9}\n", "glue part (minified alone)", "raw B", "gzip B");
    for (name, content) in glue_parts {
        out += &row(name, content.len(), gzip_len(content)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::crate_of;

    #[test]
    fn a_function_belongs_to_the_first_crate_in_its_name() {
        assert_eq!(crate_of("<alloc[dfa4]::string::String as core[79aa]::clone::Clone>::clone"), "alloc");
        assert_eq!(crate_of("sayso_core::json::push_json_str::h1ce4"), "sayso_core");
        assert_eq!(crate_of("<[u8] as core[79aa]::cmp::PartialEq>::eq"), "core");
        assert_eq!(crate_of("<str>::starts_with::<char>"), "core");
        assert_eq!(crate_of("<[u8]>::ends_with"), "core");
        assert_eq!(crate_of("<u8 as <[_]>::to_vec_in::ConvertVec>::to_vec::<alloc[dfa4]::alloc::Global>"), "alloc");
        assert_eq!(crate_of("act"), "sayso_widget");
        assert_eq!(crate_of("__wbindgen_malloc"), "wasm_bindgen");
    }
}
