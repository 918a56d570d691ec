//! `cargo xtask dev`: builds everything, runs the Worker locally with persisted storage, seeds a
//! demo site, serves `examples/`, prints the URLs, and runs until Ctrl-C.

use std::path::Path;

use anyhow::{bail, Context, Result};
use sayso_core::SiteCreated;
use sayso_harness::edge::{Edge, EdgeOptions};
use sayso_harness::pages::{ExampleSite, SNIPPET_SITE};
use sayso_harness::{api, paths};
use serde_json::json;

use crate::{build, say, tools};

/// The Worker's port in the example snippets.
const EDGE_PORT: u16 = 8787;
/// Where the example pages are served.
const PAGES_PORT: u16 = 8080;

/// Runs sayso locally until Ctrl-C.
pub fn run() -> Result<()> {
    let tools = tools::ensure_build_tools()?;
    build::all(&tools)?;
    let state = paths::repo_root().join("target/sayso-dev");
    std::fs::create_dir_all(&state)?;
    let token_file = state.join("admin-token");
    let admin_token = match std::fs::read_to_string(&token_file) {
        Ok(token) if !token.trim().is_empty() => token.trim().to_owned(),
        _ => {
            let token = sayso_harness::random_hex(16)?;
            std::fs::write(&token_file, &token)?;
            token
        }
    };
    say(&format!("starting the Worker under wrangler dev on port {EDGE_PORT} (state in {})", state.join("state").display()));
    let mut edge = Edge::start(EdgeOptions {
        persist_dir: Some(state.join("state")),
        port: Some(EDGE_PORT),
        admin_token: Some(admin_token.clone()),
        log_file: Some(state.join("wrangler.log")),
        entry: None,
        foreground: true,
    })?;
    let pages = ExampleSite::serve(PAGES_PORT, &edge.url, SNIPPET_SITE).context("serving examples/ (is port 8080 free?)")?;
    let demo = seed_demo(&edge, &pages.url, &state.join("demo-site.json"))?;
    println!();
    println!("sayso is running locally:");
    println!("  example page    {}/basic/   (every example: {}/)", pages.url, pages.url);
    println!("  edge (Worker)   {}", edge.url);
    println!("  demo site id    {}", demo.site);
    println!("  owner key       {}", demo.owner_key);
    println!("  admin token     {admin_token}");
    println!("  summary         curl -H 'Authorization: Bearer {}' {}/v1/sites/{}/summary", demo.owner_key, edge.url, demo.site);
    println!("  snippet         {}", demo.snippet);
    println!("  Worker log      {}", state.join("wrangler.log").display());
    println!();
    println!("Press Ctrl-C to stop. Changed the code? Stop and run `cargo xtask dev` again.");
    edge.wait()
}

/// Creates the `demo` site once and keeps its owner key beside the persisted state.
fn seed_demo(edge: &Edge, pages: &str, key_file: &Path) -> Result<SiteCreated> {
    if let Ok(saved) = std::fs::read_to_string(key_file) {
        if let Ok(demo) = serde_json::from_str::<SiteCreated>(&saved) {
            if edge.summary(&demo.site, &demo.owner_key).is_ok() {
                return Ok(demo);
            }
        }
    }
    let localhost = pages.replace("127.0.0.1", "localhost");
    say("creating the demo site");
    let demo = match edge.create_site_limited(SNIPPET_SITE, &[pages, &localhost], json!({ "scale": "stars" }), json!({})) {
        Ok(demo) => demo,
        Err(e) => {
            let exists = api::get(&format!("{}/v1/sites/{SNIPPET_SITE}/config", edge.url), &[]).is_ok_and(|a| a.status == 200);
            if exists {
                bail!("the demo site exists but its owner key is lost: delete target/sayso-dev and run again");
            }
            return Err(e);
        }
    };
    // The example pages show every scale.
    edge.accept_every_scale(SNIPPET_SITE, &demo.owner_key)?;
    std::fs::write(key_file, serde_json::to_string_pretty(&demo)?)?;
    Ok(demo)
}
