//! The Worker is deployable: `wrangler deploy --dry-run` builds the exact upload bundle from the
//! real `wrangler.toml` (bindings, Durable Object migration) without an account or network.

use anyhow::{ensure, Context, Result};
use sayso_tests::{edge, paths, TempDir};

#[test]
fn wrangler_deploy_dry_run_builds_the_upload_with_the_site_object_binding() -> Result<()> {
    let dir = TempDir::new("deploy")?;
    let config = edge::derived_config(dir.path(), &paths::worker_entry())?;
    let output = paths::wrangler()
        .args(["deploy", "--dry-run", "--outdir"])
        .arg(dir.path().join("out"))
        .arg("--config")
        .arg(&config)
        .current_dir(dir.path())
        .output()
        .context("running wrangler deploy --dry-run")?;
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    ensure!(output.status.success(), "wrangler deploy --dry-run failed:\n{printed}");
    let upload = printed.lines().find(|l| l.contains("Total Upload")).unwrap_or("(no size line)");
    println!("{upload}");
    ensure!(printed.contains("env.SITES") && printed.contains("SiteObject"), "the SITES binding to SiteObject is in the bundle:\n{printed}");
    ensure!(printed.contains("--dry-run: exiting now"), "{printed}");
    Ok(())
}
