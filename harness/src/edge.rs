//! The real Worker under `wrangler dev` (workerd, local Durable Object storage), on a free port.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use sayso_core::SiteCreated;
use serde_json::{json, Value};

use crate::{api, paths, TempDir};

/// How to start the edge.
#[derive(Default)]
pub struct EdgeOptions {
    /// Keep state here (survives restarts); a fresh temporary dir when `None`.
    pub persist_dir: Option<PathBuf>,
    /// Listen here; a free port when `None`.
    pub port: Option<u16>,
    /// The admin token; a random one when `None`.
    pub admin_token: Option<String>,
    /// Write wrangler's output here; a file in the temporary dir when `None`.
    pub log_file: Option<PathBuf>,
    /// The built Worker to run (`worker/build/index.js` when `None`).
    pub entry: Option<PathBuf>,
    /// Stay in the caller's process group, so Ctrl-C in a terminal stops it too (`xtask dev`).
    pub foreground: bool,
}

/// A running `wrangler dev`; stopped (with everything it started) on drop.
pub struct Edge {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The `ADMIN_TOKEN` the Worker was started with.
    pub admin_token: String,
    /// Where its Durable Object state lives.
    pub persist_dir: PathBuf,
    port: u16,
    config: PathBuf,
    log: PathBuf,
    foreground: bool,
    _dir: TempDir,
}

impl Edge {
    /// Starts `wrangler dev` on the built Worker and waits until `/healthz` answers.
    pub fn start(options: EdgeOptions) -> Result<Edge> {
        let entry = options.entry.unwrap_or_else(paths::worker_entry);
        if !entry.exists() {
            bail!("{} is missing: run `cargo xtask build` first", entry.display());
        }
        let dir = TempDir::new("edge")?;
        let persist_dir = options.persist_dir.unwrap_or_else(|| dir.path().join("state"));
        let config = derived_config(dir.path(), &entry)?;
        let port = match options.port {
            Some(port) => port,
            None => crate::free_port()?,
        };
        let admin_token = match options.admin_token {
            Some(token) => token,
            None => crate::random_hex(16)?,
        };
        let log = options.log_file.unwrap_or_else(|| dir.path().join("wrangler.log"));
        let foreground = options.foreground;
        let child = spawn(dir.path(), &config, port, &persist_dir, &admin_token, &log, foreground)?;
        let mut edge = Edge { child, url: format!("http://127.0.0.1:{port}"), admin_token, persist_dir, port, config, log, foreground, _dir: dir };
        edge.wait_healthy()?;
        Ok(edge)
    }

    /// The test process's own edge, started by the first test that asks and shared by every test
    /// that needs nothing of its own (no options, no crash or restart, no list of every site):
    /// each such test works on sites of its own (`crate::unique_site`). A start costs wrangler and
    /// workerd 3 to 4 s of CPU, and the end-to-end tests started about seventy. A static is never
    /// dropped, so a watchdog process stops this edge (and removes its state) when the test
    /// process has ended, however it ended.
    pub fn shared() -> Result<&'static Edge> {
        static SHARED: OnceLock<Result<Edge, String>> = OnceLock::new();
        let edge = SHARED.get_or_init(|| {
            let edge = Edge::start(EdgeOptions::default()).map_err(|e| format!("{e:#}"))?;
            edge.watch_for_exit().map_err(|e| format!("{e:#}"))?;
            Ok(edge)
        });
        edge.as_ref().map_err(|e| anyhow!("the shared edge did not start: {e}"))
    }

    /// Starts the watchdog `shared` needs: a shell that polls this process and, once it is gone,
    /// stops the edge's process group and removes its temporary dir.
    fn watch_for_exit(&self) -> Result<()> {
        // `env kill`: the shell's own `kill` (dash's) takes no `--` before a negative pid.
        const WATCH: &str = r#"while kill -0 "$1" 2>/dev/null; do sleep 1; done
env kill -TERM -- "-$2" 2>/dev/null; sleep 5; env kill -KILL -- "-$2" 2>/dev/null; rm -rf "$3""#;
        std::process::Command::new("sh")
            .args(["-c", WATCH, "sh", &std::process::id().to_string(), &self.child.id().to_string()])
            .arg(self._dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .context("starting the shared edge's watchdog")?;
        Ok(())
    }

    /// Kills wrangler and workerd with SIGKILL, as a crash would: no shutdown, no flush.
    pub fn crash(&mut self) -> Result<()> {
        crate::signal_group(self.child.id(), "KILL");
        self.child.wait()?;
        Ok(())
    }

    /// Starts it again on the same port and the same state, and waits until it answers.
    pub fn restart(&mut self) -> Result<()> {
        let dir = self.config.parent().map(Path::to_path_buf).unwrap_or_default();
        self.child = spawn(&dir, &self.config, self.port, &self.persist_dir, &self.admin_token, &self.log, self.foreground)?;
        self.wait_healthy()
    }

    fn wait_healthy(&mut self) -> Result<()> {
        let url = format!("{}/healthz", self.url);
        let child = &mut self.child;
        let log = &self.log;
        crate::wait_for("wrangler dev to answer /healthz", Duration::from_secs(120), || {
            if let Some(status) = child.try_wait()? {
                bail!("wrangler dev exited ({status}):\n{}", tail(log));
            }
            Ok(api::get(&url, &[]).ok().filter(|a| a.status == 200).map(|_| ()))
        })
        .with_context(|| format!("wrangler log:\n{}", tail(&self.log)))
    }

    /// The last lines wrangler printed.
    pub fn log_tail(&self) -> String {
        tail(&self.log)
    }

    /// Creates a site through the admin API, with rate limits off: tests and benchmarks measure
    /// behaviour, not the limiter (which has its own test).
    pub fn create_site(&self, id: &str, origins: &[&str], widget: Value) -> Result<SiteCreated> {
        self.create_site_limited(id, origins, widget, json!({ "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 0 }))
    }

    /// Creates a site with the given rate limits (`{}`: the defaults).
    pub fn create_site_limited(&self, id: &str, origins: &[&str], widget: Value, limits: Value) -> Result<SiteCreated> {
        let body = json!({ "id": id, "name": format!("Test site {id}"), "origins": origins, "widget": widget, "limits": limits });
        let answer = api::post(
            &format!("{}/v1/sites", self.url),
            &[("authorization", &format!("Bearer {}", self.admin_token)), ("content-type", "application/json")],
            body.to_string().as_bytes(),
        )?;
        if answer.status != 201 {
            bail!("creating site {id}: {} {}", answer.status, answer.body);
        }
        serde_json::from_str(&answer.body).context("parsing the created site")
    }

    /// Lets the site accept ratings on every scale (`scales`), for pages that show several (a
    /// site accepts only its widget's scale by default).
    pub fn accept_every_scale(&self, site: &str, owner_key: &str) -> Result<()> {
        let all = json!({ "scales": ["thumbs", "stars", "emoji", "nps", "csat"] }).to_string();
        let answer = api::request(
            "PATCH",
            &format!("{}/v1/sites/{site}", self.url),
            &[("authorization", &format!("Bearer {owner_key}")), ("content-type", "application/json")],
            Some(all.as_bytes()),
        )?;
        if answer.status != 200 {
            bail!("accepting every scale on {site}: {} {}", answer.status, answer.body);
        }
        Ok(())
    }

    /// `GET /v1/sites/{site}/summary` with the owner key, as JSON.
    pub fn summary(&self, site: &str, owner_key: &str) -> Result<Value> {
        let answer = api::get(&format!("{}/v1/sites/{site}/summary", self.url), &[("authorization", &format!("Bearer {owner_key}"))])?;
        if answer.status != 200 {
            bail!("summary of {site}: {} {}", answer.status, answer.body);
        }
        Ok(answer.json())
    }

    /// Waits for the process to end (for `cargo xtask dev`, which runs until Ctrl-C).
    pub fn wait(&mut self) -> Result<()> {
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        if self.foreground {
            let _ = self.child.kill();
            let _ = self.child.wait();
            return;
        }
        crate::signal_group(self.child.id(), "TERM");
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        crate::signal_group(self.child.id(), "KILL");
        let _ = self.child.wait();
    }
}

fn spawn(dir: &Path, config: &Path, port: u16, persist_dir: &Path, admin_token: &str, log: &Path, foreground: bool) -> Result<Child> {
    let out = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
    let mut cmd = paths::wrangler();
    cmd.arg("dev")
        .arg("--config")
        .arg(config)
        .args(["--local", "--ip", "127.0.0.1", "--port", &port.to_string()])
        .args(["--inspector-port", &crate::free_port()?.to_string()])
        .arg("--persist-to")
        .arg(persist_dir)
        .arg("--show-interactive-dev-session=false")
        .args(["--var", &format!("ADMIN_TOKEN:{admin_token}")])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out);
    if !foreground {
        cmd.process_group(0);
    }
    cmd.spawn().context("starting wrangler dev")
}

/// `worker/wrangler.toml` without its `[build]` step (xtask built the Worker once already, and
/// parallel tests must not rebuild it) and with `main` pointing at `entry`.
pub fn derived_config(dir: &Path, entry: &Path) -> Result<PathBuf> {
    let original = std::fs::read_to_string(paths::repo_root().join("worker/wrangler.toml")).context("reading worker/wrangler.toml")?;
    let mut out = String::new();
    let mut in_build = false;
    for line in original.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_build = trimmed == "[build]";
        }
        if in_build {
            continue;
        }
        if trimmed.starts_with("main") && trimmed.contains('=') {
            out.push_str(&format!("main = {:?}\n", entry.display().to_string()));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    let path = dir.join("wrangler.toml");
    std::fs::write(&path, out)?;
    Ok(path)
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
