//! `cargo xtask build`: the widget (wasm-bindgen, wasm-opt, esbuild, content hashes) into
//! `widget/dist/`, then the Worker (`worker.rs`), which embeds `widget/dist/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use sayso_harness::paths;

use crate::tools::Tools;
use crate::{run, say, sha256_hex, toolchain};

mod weight;

// The widget's Rust↔JS boundary, included as source: its values become the JS's `BOUNDARY.*`.
#[allow(dead_code, unused_imports, reason = "only the table and its values are read here")]
#[path = "../../widget/src/boundary.rs"]
mod boundary;

/// wasm-opt's feature flags: exactly what rustc's wasm32 target emits by default.
const WASM_FEATURES: [&str; 5] =
    ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-reference-types", "--enable-multivalue"];

/// The Worker's `RUSTFLAGS` (the widget adds its own, `widget_rustflags`): panic locations name
/// files relative to the registry and the toolchain instead of this machine's paths, so the
/// bytes are the same on every machine.
pub fn wasm_rustflags() -> Result<String> {
    let cargo_home = crate::tools::cargo_home();
    let rustc = Command::new("rustc").arg("-vV").output().context("running rustc -vV")?;
    let commit = String::from_utf8_lossy(&rustc.stdout).lines().find_map(|l| l.strip_prefix("commit-hash: ").map(str::to_owned)).unwrap_or_default();
    let mut flags = format!("--remap-path-prefix={}=", cargo_home.join("registry/src").display());
    if !commit.is_empty() {
        flags.push_str(&format!(" --remap-path-prefix=/rustc/{commit}/library=std"));
    }
    Ok(flags)
}

/// `RUSTFLAGS` for the widget, on its nightly: `core` and `alloc` compiled (`-Zbuild-std`) to
/// abort on a panic with no message (`panic=immediate-abort`: neither the panic machinery nor
/// the formatting of its messages is left), with no `Debug` formatting and no file or line for
/// panics (those three: -383 B gzipped); then the two levers below. The paths are remapped as for
/// the Worker, the standard library's sources included, so that no machine's paths reach the wasm.
fn widget_rustflags(nightly: &toolchain::Nightly) -> Result<String> {
    let cargo_home = crate::tools::cargo_home();
    let mut flags =
        format!("--remap-path-prefix={}= --remap-path-prefix={}=std", cargo_home.join("registry/src").display(), nightly.library().display());
    if !nightly.commit.is_empty() {
        flags.push_str(&format!(" --remap-path-prefix=/rustc/{}/library=std", nightly.commit));
    }
    flags.push_str(" -Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none");
    // No JS value ever crosses into the widget (numbers and strings only), so it needs no
    // table of them: without reference types wasm-bindgen neither makes nor fills one (-63 B).
    flags.push_str(" -Ctarget-feature=-reference-types");
    // rustc inlines in MIR only at opt-level 2 and 3, not at "z"; inlined there, before LLVM,
    // small helpers fold into their callers and whole wrappers vanish (measured alone: -888 B
    // gzipped). With every function's MIR open to other crates (`core`'s and `alloc`'s helpers
    // too, not only what they mark `#[inline]`), the two together: -2,201 B. (Alone, the
    // cross-crate one: -2,174 B; with it, MIR inlining thresholds of 50, 100 and 130 give the
    // same bytes; without it, 130 measured best, -1,193 B.)
    flags.push_str(" -Zinline-mir=yes -Zcross-crate-inline-threshold=always");
    Ok(flags)
}

/// The widget's shipped files.
pub struct WidgetFiles {
    /// (name, bytes) of the loader, the glue and the wasm, in that order: what every visitor
    /// loads, and what the budget counts.
    pub files: Vec<(String, Vec<u8>)>,
    /// (name, bytes) of the chunks fetched on demand (`CHUNKS`), content-hashed like the glue.
    pub chunks: Vec<(String, Vec<u8>)>,
}

/// What only some visitors need, each bundled on its own from `widget/js/<name>.js` (with what it
/// imports) into `<name>-<hash>.js`; the loader and the host name it as `__<NAME>__` (`__LATER__`),
/// which the build replaces with that name: `later` (a reply to the visitor's feedback, the quote
/// question; host.js imports it) and `wall` (`<sayso-wall>`, the testimonials; the loader does).
pub const CHUNKS: [&str; 2] = ["later", "wall"];

/// Builds the widget and then the Worker.
pub fn all(tools: &Tools) -> Result<WidgetFiles> {
    let widget = widget(tools)?;
    crate::worker::build(tools)?;
    Ok(widget)
}

fn target_dir() -> PathBuf {
    paths::repo_root().join("target")
}

/// Builds the widget into `widget/dist/`; skips the post-processing when nothing changed.
pub fn widget(tools: &Tools) -> Result<WidgetFiles> {
    let root = paths::repo_root();
    let nightly = toolchain::widget_nightly()?;
    say(&format!("building the widget (wasm32, release, {}, -Zbuild-std)", toolchain::WIDGET_NIGHTLY));
    // A target folder of its own: the nightly's crates never replace the stable ones the
    // Worker, clippy and the tests use (each rebuild would cost minutes).
    let widget_target = target_dir().join("widget");
    run(Command::new("cargo")
        .arg(format!("+{}", toolchain::WIDGET_NIGHTLY))
        // `--locked`: the nightly's cargo never rewrites the committed Cargo.lock.
        .args([
            "build",
            "--quiet",
            "--locked",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "sayso-widget",
            "-Zbuild-std=core,alloc",
            "--target-dir",
        ])
        .arg(&widget_target)
        .env("RUSTFLAGS", widget_rustflags(&nightly)?)
        .current_dir(&root))?;
    let raw = widget_target.join("wasm32-unknown-unknown/release/sayso_widget.wasm");
    let loader_source = std::fs::read_to_string(root.join("widget/js/loader.js"))?;
    let defines = boundary_defines()?;
    // The host's JS modules are bundled into the glue; they, the boundary's values and this file
    // are part of the stamp too: a change to any of them, or to the pipeline, rebuilds the widget.
    let modules = host_modules(&root)?;
    let mut stamp_input = [
        std::fs::read(&raw)?,
        loader_source.as_bytes().to_vec(),
        defines.join("\n").into_bytes(),
        include_bytes!("build.rs").to_vec(),
        include_bytes!("build/weight.rs").to_vec(),
    ]
    .concat();
    for module in &modules {
        stamp_input.extend(std::fs::read(module)?);
    }
    for chunk in CHUNKS {
        stamp_input.extend(std::fs::read(chunk_source(&root, chunk))?);
    }
    let stamp = sha256_hex(&stamp_input);
    let dist = root.join("widget/dist");
    let stamp_file = target_dir().join("widget-stamp");
    if std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        if let Ok(files) = read_dist(&dist) {
            return Ok(files);
        }
    }
    let work = target_dir().join("widget-bindgen");
    let _ = std::fs::remove_dir_all(&work);
    // `--encode-into always` and `--omit-default-module-path`: no fallbacks for browsers the
    // widget does not run in, nor a default wasm URL (the loader passes it).
    run(Command::new(&tools.wasm_bindgen)
        .args(["--target", "web", "--no-typescript", "--encode-into", "always", "--omit-default-module-path", "--out-dir"])
        .arg(&work)
        .arg(&raw))?;
    let named = work.join("named.wasm");
    // `--minify-imports-and-exports-and-modules` renames the ~90 hashed names wasm-bindgen gives its imports
    // (`__wbg_setAttribute_f75317b2b5cabfb4`) to one or two letters; they appear in both the
    // wasm and the glue, and random hex barely compresses: -1.9 KB gzipped. wasm-opt prints the
    // mapping, which `rename_in_glue` applies to the glue.
    let output = Command::new(&tools.wasm_opt)
        // `--flatten --rereloop` first: rebuilding the control flow lets -Oz fold more
        // (measured: -130 B gzipped), in three rounds of -Oz (`--converge` would also repeat the
        // renaming, which prints its mapping each time; on the nightly build the third round
        // measured -152 B gzipped, a fourth nothing). Then the functions in the order of their
        // names, which puts like next to like for gzip (measured: -40 B gzipped; the code is the same).
        // `--low-memory-unused`: rustc puts the stack first, so the lowest 1 KB of memory is only
        // ever the bottom of a 1 MB stack, and wasm-opt may fold constant offsets into
        // addresses (measured: -148 B gzipped).
        // `-g` keeps the function names for the weight report (`weight::without_names` drops
        // them before shipping); the order by name then sorts by rustc's mangled names, which
        // carry cargo's crate hashes (machine-independent: the same hash from another
        // RUSTUP_HOME).
        .args(["-g", "--low-memory-unused", "--flatten", "--rereloop", "-Oz", "-Oz", "-Oz", "--reorder-functions-by-name"])
        .args(["--strip-producers", "--strip-target-features", "--minify-imports-and-exports-and-modules"])
        .args(WASM_FEATURES)
        .arg(work.join("sayso_widget_bg.wasm"))
        .arg("-o")
        .arg(&named)
        .env("PATH", paths::tool_path())
        .output()
        .context("running wasm-opt")?;
    anyhow::ensure!(output.status.success(), "wasm-opt failed: {}", String::from_utf8_lossy(&output.stderr));
    let glue_file = work.join("sayso_widget.js");
    let mut glue = rename_in_glue(&std::fs::read_to_string(&glue_file)?, &output.stdout)?;
    // The loader needs `init` and `mount` (from the host's JS, which wasm-bindgen copied to
    // `snippets/<crate-hash>/js/host.js`) only: bundling from an entry that exports just those
    // drops the rest (the async loading code). One file, one request. `init` instantiates the
    // module the loader compiled (streaming, in parallel with this file) with wasm-bindgen's
    // own two steps; its `initSync` also takes bytes and an older form of arguments, which
    // the widget never passes (measured: -115 B gzipped).
    const INIT: [&str; 2] = ["__wbg_get_imports", "__wbg_finalize_init"];
    for name in INIT {
        anyhow::ensure!(glue.contains(&format!("\nfunction {name}(")), "the glue has no function {name}");
    }
    glue.push_str(&format!("\nexport {{ {} }};\n", INIT.join(", ")));
    // Every string goes into the wasm with `realloc` (`--encode-into always`): the branch for
    // none is never taken (measured: -35 B gzipped).
    const NO_REALLOC: &str = "    if (realloc === undefined) {\n        const buf = cachedTextEncoder.encode(arg);\n        const ptr = malloc(buf.length, 1) >>> 0;\n        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);\n        WASM_VECTOR_LEN = buf.length;\n        return ptr;\n    }\n";
    anyhow::ensure!(glue.contains(NO_REALLOC), "the glue's passStringToWasm0 has an unexpected shape");
    let mut calls = glue.split("passStringToWasm0(").skip(1).map(|call| call.split(')').next().unwrap_or_default());
    anyhow::ensure!(calls.all(|args| args.matches(',').count() == 2), "a string goes into the wasm without realloc");
    glue = trim_glue(&glue.replace(NO_REALLOC, ""))?;
    std::fs::write(&glue_file, glue)?;
    let host = std::fs::read_dir(work.join("snippets"))?
        .filter_map(|dir| Some(dir.ok()?.path().join("js/host.js")))
        .find(|path| path.exists())
        .context("wasm-bindgen did not copy js/host.js into snippets/")?;
    // wasm-bindgen copies the module Rust imports from; the modules it imports go beside it.
    let snippet_js = host.parent().context("host.js has a folder")?;
    for module in &modules {
        if let Some(name) = module.file_name().filter(|name| *name != "host.js") {
            std::fs::copy(module, snippet_js.join(name))?;
        }
    }
    // The chunks first (minified, with what they import; they name no chunk themselves), so
    // that the glue and the loader can name them by their hash.
    let mut chunks = Vec::new();
    for chunk in CHUNKS {
        let bytes = esbuild(tools, &chunk_source(&root, chunk), true, &defines)?;
        anyhow::ensure!(!chunk_named(&bytes), "widget/js/{chunk}.js names a chunk (`__NAME__`): chunks are named by the host and the loader only");
        chunks.push((format!("{chunk}-{}.js", &sha256_hex(&bytes)[..12]), bytes));
    }
    for module in &modules {
        if let Some(name) = module.file_name() {
            let copy = snippet_js.join(name);
            std::fs::write(&copy, with_chunk_names(&std::fs::read_to_string(&copy)?, &chunks))?;
        }
    }
    let host = host.strip_prefix(&work)?.to_string_lossy().replace('\\', "/");
    // For reading the built JS: what each `BOUNDARY.<name>` became.
    std::fs::write(work.join("defines.txt"), defines.join("\n"))?;
    let entry = work.join("entry.js");
    std::fs::write(
        &entry,
        format!(
            "import {{ {} as imports, {} as finalize }} from \"./sayso_widget.js\";\n\
             export const init = (module) => finalize(new WebAssembly.Instance(module, imports()), module);\n\
             export {{ mount }} from \"./{host}\";\n",
            INIT[0], INIT[1]
        ),
    )?;
    // The host imports a chunk by its name relative to the glue (both are under /v1/widget/): a
    // file for the browser to fetch, not one to bundle.
    let external: Vec<String> = CHUNKS.iter().map(|chunk| format!("--external:./{chunk}-*")).collect();
    let glue = esbuild(tools, &entry, true, &[defines.clone(), external].concat())?;
    let named = std::fs::read(&named)?;
    let wasm = weight::without_names(&named)?;
    let glue_name = format!("sayso-{}.js", &sha256_hex(&glue)[..12]);
    let wasm_name = format!("sayso-{}.wasm", &sha256_hex(&wasm)[..12]);
    let loader_filled = work.join("embed.js");
    std::fs::write(&loader_filled, with_chunk_names(&loader_source.replace("__GLUE__", &glue_name).replace("__WASM__", &wasm_name), &chunks))?;
    let loader = esbuild(tools, &loader_filled, false, &defines)?;
    anyhow::ensure!(!chunk_named(&glue) && !chunk_named(&loader), "the glue or the loader names a chunk that `CHUNKS` lacks");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist)?;
    let files = vec![("embed.js".to_owned(), loader), (glue_name, glue), (wasm_name, wasm)];
    for (name, bytes) in files.iter().chain(&chunks) {
        std::fs::write(dist.join(name), bytes)?;
    }
    // The weight report: what each part of the glue weighs alone, beside the wasm's parts.
    let mut parts = vec![("wasm-bindgen's glue (sayso_widget.js)".to_owned(), esbuild(tools, &glue_file, false, &defines)?)];
    // host.js and what it imports (a test's helper in js/ is never bundled).
    let host_source = std::fs::read_to_string(root.join("widget/js/host.js"))?;
    for module in &modules {
        let name = module.file_name().unwrap_or_default().to_string_lossy();
        if name == "host.js" || host_source.contains(&format!("\"./{name}\"")) {
            parts.push((format!("js/{name}"), esbuild(tools, module, false, &defines)?));
        }
    }
    parts.push(("the glue, bundled (shipped)".to_owned(), files[1].1.clone()));
    std::fs::create_dir_all(paths::artifacts())?;
    let mut report = weight::report(&files, &named, &parts)?;
    report += &format!("\n{:<44} {:>9} {:>9}\n", "on demand (fetched when needed; not in the budget)", "raw B", "gzip B");
    for (name, bytes) in &chunks {
        report += &format!("{name:<44} {:>9} {:>9}\n", bytes.len(), gzip_len(bytes)?);
    }
    std::fs::write(paths::artifacts().join("widget-weight.txt"), report)?;
    std::fs::write(&stamp_file, stamp)?;
    Ok(WidgetFiles { files, chunks })
}

/// A chunk's source: `widget/js/<name>.js`.
fn chunk_source(root: &Path, chunk: &str) -> PathBuf {
    root.join("widget/js").join(format!("{chunk}.js"))
}

/// `text` with each chunk's `__NAME__` replaced by its file name.
fn with_chunk_names(text: &str, chunks: &[(String, Vec<u8>)]) -> String {
    CHUNKS.iter().zip(chunks).fold(text.to_owned(), |text, (chunk, (name, _))| text.replace(&format!("__{}__", chunk.to_uppercase()), name))
}

/// Whether built JS still names a chunk by its placeholder.
fn chunk_named(bytes: &[u8]) -> bool {
    CHUNKS.iter().any(|chunk| {
        let placeholder = format!("__{}__", chunk.to_uppercase());
        bytes.windows(placeholder.len()).any(|w| w == placeholder.as_bytes())
    })
}

fn read_dist(dist: &Path) -> Result<WidgetFiles> {
    let (mut files, mut chunks) = (Vec::new(), Vec::new());
    for entry in std::fs::read_dir(dist)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let chunk = CHUNKS.iter().any(|chunk| name.starts_with(&format!("{chunk}-")));
        if chunk { &mut chunks } else { &mut files }.push((name, std::fs::read(entry.path())?));
    }
    // Loader first, then glue, then wasm: the order the browser loads them.
    files.sort_by_key(|(name, _)| match name.as_str() {
        "embed.js" => 0,
        n if n.ends_with(".js") => 1,
        _ => 2,
    });
    chunks.sort();
    anyhow::ensure!(files.len() == 3 && chunks.len() == CHUNKS.len(), "widget/dist should hold 3 files and {} chunks", CHUNKS.len());
    Ok(WidgetFiles { files, chunks })
}

/// Applies wasm-opt's import/export renaming to wasm-bindgen's glue: imports are the keys of
/// the glue's import object (`name: function`), exports are read as `wasm.name`.
fn rename_in_glue(glue: &str, mapping: &[u8]) -> Result<String> {
    let mapping: serde_json::Value = serde_json::from_slice(mapping).context("reading wasm-opt's name mapping")?;
    let pairs = |key: &str, from: usize, to: usize| -> Vec<(String, String)> {
        mapping[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|row| Some((row.get(from)?.as_str()?.to_owned(), row.get(to)?.as_str()?.to_owned())))
            .collect()
    };
    let mut out = glue.to_owned();
    // wasm-opt (binaryen 132, pinned) puts every import in one module, `a`. wasm-bindgen's glue
    // passes its own shims as `import0` under the first module's name, and the host functions
    // it wires directly (no conversion needed) as the host module's namespace: those move into
    // `import0` under their new names.
    const OWN: &str = "./sayso_widget_bg.js";
    let own = format!("\"{OWN}\": import0,");
    anyhow::ensure!(out.contains(&own), "the glue does not name the import module {OWN}");
    out = out.replace(&own, "\"a\": import0,");
    let start = "const import0 = {\n        __proto__: null,";
    anyhow::ensure!(out.contains(start), "the glue's import object has an unexpected shape");
    for row in pairs("imports", 0, 1).into_iter().zip(pairs("imports", 1, 2)) {
        let ((module, old), (_, new)) = row;
        if module == OWN {
            let (from, to) = (format!("{old}: function"), format!("{new}: function"));
            // Every import must be found, or the module would fail to instantiate.
            anyhow::ensure!(out.contains(&from), "the glue does not define the import {old}");
            out = out.replace(&from, &to);
            continue;
        }
        let namespace = out
            .lines()
            .find_map(|l| l.strip_prefix("import * as ")?.strip_suffix(&format!(" from \"{module}\"")).map(str::to_owned))
            .with_context(|| format!("the glue does not import {module}"))?;
        out = out.replacen(start, &format!("{start}\n        {new}: {namespace}.{old},"), 1);
        let key = format!("\"{module}\": import");
        out = out.lines().filter(|l| !l.trim_start().starts_with(&key)).collect::<Vec<_>>().join("\n");
    }
    for (old, new) in pairs("exports", 0, 1) {
        // `wasm.name` followed by a non-word character, so `wasm.a` never matches `wasm.ab`.
        let mut next = String::with_capacity(out.len());
        let from = format!("wasm.{old}");
        let mut rest = out.as_str();
        while let Some(at) = rest.find(&from) {
            let after = &rest[at + from.len()..];
            next.push_str(&rest[..at]);
            if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                next.push_str(&from);
            } else {
                next.push_str("wasm.");
                next.push_str(&new);
            }
            rest = after;
        }
        next.push_str(rest);
        out = next;
    }
    Ok(out)
}

/// Replaces, in wasm-bindgen's glue, what the widget never needs (measured together: -180 B
/// gzipped; each replaced text is checked, so a wasm-bindgen that writes it otherwise stops the
/// build instead of shipping both):
/// - the decoder's Safari workaround, a new `TextDecoder` after 2 GB decoded (the widget decodes
///   a few KB per page): -36 B;
/// - the memory view's check for a detached buffer, which a changed buffer already implies: -15 B;
/// - `passStringToWasm0`'s ASCII loop: every string goes in with one `encodeInto` into three
///   bytes per UTF-16 unit, shrunk after with `realloc` (an empty string allocates nothing, as
///   wasm-bindgen's `realloc` wants sizes above 0): -83 B;
///   Each string, ASCII too, first takes three bytes per unit, then a `realloc` (lol_alloc's
///   is a new block, a copy and a free): bounded by the inputs' own limits (`maxlength`, a URL);
/// - the `try`/`catch` around the strings of a call, which frees them if a later argument's
///   allocation traps: only near the memory's limit, and then those strings leak: -37 B;
/// - the start-up `cachedTextDecoder.decode()` that only warms the decoder (with the Safari
///   workaround's lines).
fn trim_glue(glue: &str) -> Result<String> {
    const DECODER: &str = "let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });\ncachedTextDecoder.decode();\nconst MAX_SAFARI_DECODE_BYTES = 2146435072;\nlet numBytesDecoded = 0;\nfunction decodeText(bytes) {\n    numBytesDecoded += bytes.length;\n    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {\n        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });\n        cachedTextDecoder.decode();\n        numBytesDecoded = bytes.length;\n    }\n    return cachedTextDecoder.decode(bytes);\n}\n";
    const DECODE: &str =
        "const cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });\nconst decodeText = (bytes) => cachedTextDecoder.decode(bytes);\n";
    // After `rename_in_glue`: the memory is `wasm.<its new name>`.
    const DETACHED: &str = "cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.";
    const CHANGED: &str = "cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer !== wasm.";
    const PASS: &str = "function passStringToWasm0(arg, malloc, realloc) {\n\n    let len = arg.length;\n    let ptr = malloc(len, 1) >>> 0;\n\n    const mem = getUint8ArrayMemory0();\n\n    let offset = 0;\n\n    for (; offset < len; offset++) {\n        const code = arg.charCodeAt(offset);\n        if (code > 0x7F) break;\n        mem[ptr + offset] = code;\n    }\n    if (offset !== len) {\n        if (offset !== 0) {\n            arg = arg.slice(offset);\n        }\n        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;\n        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);\n        const ret = cachedTextEncoder.encodeInto(arg, view);\n\n        offset += ret.written;\n        ptr = realloc(ptr, len, offset, 1) >>> 0;\n    }\n\n    WASM_VECTOR_LEN = offset;\n    return ptr;\n}\n";
    const ENCODE: &str = "function passStringToWasm0(arg, malloc, realloc) {\n    const len = arg.length * 3;\n    const ptr = malloc(len, 1) >>> 0;\n    WASM_VECTOR_LEN = len && cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len)).written;\n    return len ? realloc(ptr, len, WASM_VECTOR_LEN, 1) >>> 0 : ptr;\n}\n";
    let mut out = glue.to_owned();
    for (from, to, what) in [(DECODER, DECODE, "decodeText"), (PASS, ENCODE, "passStringToWasm0")] {
        anyhow::ensure!(out.contains(from), "the glue's {what} has an unexpected shape");
        out = out.replace(from, to);
    }
    let memory = out.split_once(DETACHED).and_then(|(_, rest)| rest.split_once(".buffer))")).map(|(name, _)| name.to_owned());
    let memory = memory.context("the glue's getDataViewMemory0 has an unexpected shape")?;
    out = out.replace(&format!("{DETACHED}{memory}.buffer))"), &format!("{CHANGED}{memory}.buffer)"));
    // `try {` … `} catch (e) { … throw e; }` around a call's strings: the lines between stay.
    // Each `try` dropped must be one of those catches (a `try … finally` would be left broken).
    let mut kept = Vec::new();
    let (mut catching, mut tries, mut catches) = (false, 0, 0);
    for line in out.lines() {
        match line {
            "    try {" => tries += 1,
            "    } catch (e) {" => (catching, catches) = (true, catches + 1),
            "        throw e;" if catching => {}
            "    }" if catching => catching = false,
            _ if catching => anyhow::ensure!(line.trim_start().starts_with("if (ptr"), "the glue's catch frees more than strings: {line}"),
            _ => kept.push(line),
        }
    }
    anyhow::ensure!(!catching, "the glue ends inside a catch");
    anyhow::ensure!(tries == catches, "the glue has {tries} `try` blocks but {catches} of the catches that free strings");
    Ok(kept.join("\n") + "\n")
}

fn esbuild(tools: &Tools, file: &Path, bundle: bool, defines: &[String]) -> Result<Vec<u8>> {
    let output = Command::new(&tools.esbuild)
        .arg(file)
        .args(["--minify", "--format=esm", "--target=es2020", "--log-level=warning"])
        .args(bundle.then_some("--bundle"))
        .args(defines)
        .output()
        .context("running esbuild")?;
    anyhow::ensure!(output.status.success(), "esbuild failed: {}", String::from_utf8_lossy(&output.stderr));
    // A name the JS uses that the boundary lacks would be a ReferenceError in the visitor's
    // browser: fail here instead.
    anyhow::ensure!(
        !output.stdout.windows(9).any(|w| w == b"BOUNDARY."),
        "{} uses a BOUNDARY name that widget/src/boundary.rs does not define",
        file.display()
    );
    Ok(output.stdout)
}

/// The JS modules bundled into the glue: every `widget/js/*.js` but the loader, the chunks
/// (`CHUNKS`) and the tests.
fn host_modules(root: &Path) -> Result<Vec<PathBuf>> {
    let mut modules: Vec<PathBuf> = std::fs::read_dir(root.join("widget/js"))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let chunk = CHUNKS.iter().any(|chunk| name == format!("{chunk}.js"));
            name.ends_with(".js") && name != "loader.js" && !chunk && !name.ends_with(".test.js")
        })
        .collect();
    modules.sort();
    Ok(modules)
}

/// The widget's stylesheet, `widget/src/widget.css`, which keeps one rule a line for people,
/// without its line breaks (every line ends a rule: -25 B gzipped). host.js adopts it; in the
/// glue rather than the wasm (where Rust passed it to `start`), it compresses with view.js's
/// class names and attributes beside it (measured: -206 B gzipped: the wasm -1,464, the glue +1,274).
fn stylesheet() -> Result<String> {
    let css = std::fs::read_to_string(paths::repo_root().join("widget/src/widget.css"))?;
    // Only a break after a rule is dropped without meaning: `.a\n.b` would become `.a.b`.
    anyhow::ensure!(css.match_indices('\n').all(|(at, _)| css[..at].ends_with('}')), "widget/src/widget.css: a line break that does not end a rule");
    Ok(css.replace('\n', ""))
}

/// esbuild's `--define:BOUNDARY.NAME=value` for every value of the widget's boundary, after
/// checking the config paths Rust reads against core's JSON for a resolved widget.
fn boundary_defines() -> Result<Vec<String>> {
    use boundary::Js;
    let mut config = sayso_core::WidgetConfig::default();
    config.triggers.include = vec!["/in".to_owned()];
    config.triggers.exclude = vec!["/out".to_owned()];
    let mut resolved = config.resolve("en");
    resolved.turnstile = Some("site-key".to_owned());
    let json = serde_json::to_value(&resolved)?;
    for path in boundary::CONFIG_PATHS {
        let container = path.ends_with('.');
        let value = path.trim_end_matches('.').split('.').try_fold(&json, |value, key| value.get(key));
        let ok = value.is_some_and(|v| if container { v.is_object() || v.is_array() } else { v.is_string() });
        anyhow::ensure!(ok, "widget/src/boundary.rs reads `{path}`, which core's resolved widget config does not have");
    }
    for (placement, name) in [(sayso_core::Placement::Popover, boundary::setting::POPOVER), (sayso_core::Placement::None, boundary::setting::NONE)] {
        anyhow::ensure!(serde_json::to_value(placement)? == name, "core's placement {placement:?} is not `{name}` (widget/src/boundary.rs)");
    }
    boundary::js()
        .map(|(name, value)| {
            let value = match value {
                Js::Text(text) => serde_json::to_string(text)?,
                Js::Texts(texts) => serde_json::to_string(texts)?,
                Js::Number(number) => number.to_string(),
                Js::QuoteValues => serde_json::to_string(&quote_values())?,
                Js::Stylesheet => serde_json::to_string(&stylesheet()?)?,
            };
            Ok(format!("--define:BOUNDARY.{name}={value}"))
        })
        .collect()
}

/// Each scale's values that invite the quote question, by core's rule (`later.js` reads them, so
/// the rule is written once).
fn quote_values() -> std::collections::BTreeMap<&'static str, Vec<u8>> {
    use sayso_core::{quote::invites_quote, Rating, Scale};
    let invites = |scale: Scale| scale.values().filter(|v| Rating::new(scale, i64::from(*v)).is_ok_and(invites_quote)).collect();
    Scale::ALL.into_iter().map(|scale| (scale.as_str(), invites(scale))).collect()
}

/// Gzipped size at the best level, as a CDN would serve it.
pub fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}
