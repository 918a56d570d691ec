//! What operations cost (issue 15, item 4): rows read and written per operation on the largest
//! seeded site, from the object's own meter (`GET …/bench-meter`, bench builds), and what they
//! come to in dollars at Cloudflare's published prices.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use sayso_harness::api;
use sayso_harness::edge::Edge;
use serde_json::{json, Value};

use super::scale::{label, ScaleSite, TOP_PAGE};
use super::wire::{self, thousands};
use super::LOAD_ORIGIN;
use crate::say;

/// Rows one object call of an export streams (`EXPORT_CALL_ROWS` in worker/src/site/export.rs).
const EXPORT_CALL_ROWS: u64 = 100_000;
/// Dollars per row written beyond the included 50M a month (Workers Paid).
const PER_ROW_WRITTEN: f64 = 1.00 / 1e6;
/// Dollars per row read beyond the included 25B a month.
const PER_ROW_READ: f64 = 0.001 / 1e6;
/// The share of submissions with a comment, as in the realistic seed.
const COMMENTED: f64 = 0.15;

/// The object's totals (`{"calls", "rows_read", "rows_written"}`).
#[derive(Clone, Copy, Default)]
struct Metered {
    calls: u64,
    rows_read: u64,
    rows_written: u64,
}

/// One operation's cost.
struct Cost {
    name: String,
    /// The status the operation got.
    status: u16,
    expected_calls: String,
    delta: Option<Metered>,
}

fn meter(edge: &Edge, site: &str) -> Result<Option<Metered>> {
    let a = api::get(&format!("{}/v1/sites/{site}/bench-meter", edge.url), &[("authorization", &format!("Bearer {}", edge.admin_token))])?;
    if a.status != 200 {
        return Ok(None);
    }
    let m = a.json();
    let field = |name: &str| m[name].as_u64().with_context(|| format!("bench-meter without {name}: {}", a.body));
    Ok(Some(Metered { calls: field("calls")?, rows_read: field("rows_read")?, rows_written: field("rows_written")? }))
}

/// Meters `operation` (which returns the status it got) on `site`; `expected_calls` is how
/// many object calls it should make, as printed.
fn measure(edge: &Edge, site: &str, name: &str, expected_calls: impl Into<String>, operation: impl FnOnce() -> Result<u16>) -> Result<Cost> {
    say(&format!("metering: {name}"));
    let before = meter(edge, site)?;
    let status = operation()?;
    let after = meter(edge, site)?;
    // A restarted instance starts its totals again: then there is no figure, not a wrong one.
    let delta = before.zip(after).and_then(|(b, a)| {
        Some(Metered {
            calls: a.calls.checked_sub(b.calls)?,
            rows_read: a.rows_read.checked_sub(b.rows_read)?,
            rows_written: a.rows_written.checked_sub(b.rows_written)?,
        })
    });
    Ok(Cost { name: name.to_owned(), status, expected_calls: expected_calls.into(), delta })
}

/// A submission of the bench: a fresh UUIDv7 (`n` tells them apart) and its key.
fn submission(site: &str, n: u64, comment: Option<&str>) -> (String, String, Value) {
    let ms = wire::now_ms() as u64;
    let id = format!("{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}", ms >> 16, ms & 0xffff, n & 0xfff, 0x8000 | (n & 0x3fff), 0xbe0c_0000_0000u64 + n);
    let key = format!("bench-key-{n:030}");
    let mut body = json!({ "id": id, "site": site, "scale": "stars", "value": 4, "page": TOP_PAGE, "locale": "en",
        "client_ts": ms, "widget_version": "0.1.0", "key": key });
    if let Some(comment) = comment {
        body["comment"] = json!(comment);
    }
    (id, key, body)
}

fn send(edge: &Edge, site: &str, body: &Value) -> Result<u16> {
    let url = format!("{}/v1/sites/{site}/feedback", edge.url);
    Ok(api::post(&url, &[("content-type", "text/plain"), ("origin", LOAD_ORIGIN)], body.to_string().as_bytes())?.status)
}

/// Meters each operation on `site` and writes the table and the dollars.
pub fn report(edge: &Edge, site: &ScaleSite, out: &mut String) -> Result<()> {
    let name = site.name.as_str();
    let owner = site.auth();
    let get = |path: &str| -> Result<u16> { Ok(api::get(&format!("{}{path}", edge.url), &[("authorization", &owner)])?.status) };
    let (plain_id, plain_key, plain) = submission(name, 1, None);
    let (_, _, commented) = submission(name, 2, Some("the checkout page is slow on my phone, the pay button does nothing"));
    let mut edit = commented.clone();
    edit["rev"] = json!(1);
    edit["value"] = json!(2);
    edit["comment"] = json!("the checkout page is slow on my phone; after a reload the pay button worked");
    let costs = vec![
        measure(edge, name, "a new submission, no comment", "1", || send(edge, name, &plain))?,
        measure(edge, name, "a new submission with a comment", "1", || send(edge, name, &commented))?,
        measure(edge, name, "an edit (same id, rev + 1, its key)", "1", || send(edge, name, &edit))?,
        measure(edge, name, "an undo (`DELETE …/feedback/{id}`, `Receipt` key)", "1", || {
            let url = format!("{}/v1/sites/{name}/feedback/{plain_id}", edge.url);
            Ok(api::request("DELETE", &url, &[("authorization", &format!("Receipt {plain_key}")), ("origin", LOAD_ORIGIN)], None)?.status)
        })?,
        measure(edge, name, "the summary, all time", "1", || get(&format!("/v1/sites/{name}/summary")))?,
        measure(edge, name, "the dashboard view, 30 days", "3", || get(&format!("/dashboard/view?site={name}&days=30")))?,
        measure(edge, name, "a page of 50 comments", "1", || get(&format!("/v1/sites/{name}/feedback?has_comment=true")))?,
        // One object call per `EXPORT_CALL_ROWS` (worker/src/site/export.rs) of the rows held
        // then: the seeded ones and the one submission the operations above left.
        measure(
            edge,
            name,
            &format!("the export of {} (`export.ndjson`)", label(site.size)),
            (site.size + 1).div_ceil(EXPORT_CALL_ROWS).to_string(),
            || Ok(wire::download(&format!("{}/v1/sites/{name}/export.ndjson", edge.url), &owner)?.status),
        )?,
    ];
    writeln!(
        out,
        "\n## 5. What it costs: rows read and written\n\nOn the {} site, from the object's meter (`GET …/bench-meter`, bench builds: the SQL \
         cursors' `rows_read` and `rows_written`, Cloudflare's billing units, which count index writes too), read before and after each \
         operation.\n",
        label(site.size)
    )?;
    writeln!(out, "| operation | status | object calls (expected) | rows read | rows written |\n|---|---:|---:|---:|---:|")?;
    for c in &costs {
        match c.delta {
            Some(d) => {
                let calls = if d.calls.to_string() == c.expected_calls {
                    format!("{} ✓", d.calls)
                } else {
                    format!("{} ✗ ({})", d.calls, c.expected_calls)
                };
                writeln!(out, "| {} | {} | {calls} | {} | {} |", c.name, c.status, thousands(d.rows_read), thousands(d.rows_written))?;
            }
            None => writeln!(out, "| {} | {} | – | – (no meter) | – |", c.name, c.status)?,
        }
    }
    let find = |name: &str| costs.iter().find(|c| c.name.starts_with(name)).and_then(|c| c.delta);
    let (Some(plain), Some(commented), Some(view), Some(export)) =
        (find("a new submission, no"), find("a new submission with"), find("the dashboard"), find("the export"))
    else {
        writeln!(out, "\nNo dollars: the meter did not answer for every operation.")?;
        return Ok(());
    };
    let mix = |pick: fn(&Metered) -> u64| (1.0 - COMMENTED) * pick(&plain) as f64 + COMMENTED * pick(&commented) as f64;
    let (read, written) = (mix(|m| m.rows_read), mix(|m| m.rows_written));
    let per_million = 1e6 * (read * PER_ROW_READ + written * PER_ROW_WRITTEN);
    let per_thousand_views = 1e3 * (view.rows_read as f64 * PER_ROW_READ + view.rows_written as f64 * PER_ROW_WRITTEN);
    writeln!(
        out,
        "\nAt the published prices (rows written $1.00 per million after 50M a month, rows read $0.001 per million after 25B a month):\n\n\
         - **a million submissions** ({:.0} % with a comment: {written:.1} rows written and {read:.1} read each): **{}**\n\
         - **a thousand dashboard views** (30 days: {} rows read, {} written each): **{}**\n\
         - **an export of {}** ({} rows read): **{}**",
        COMMENTED * 100.0,
        dollars(per_million),
        thousands(view.rows_read),
        thousands(view.rows_written),
        dollars(per_thousand_views),
        label(site.size),
        thousands(export.rows_read),
        dollars(export.rows_read as f64 * PER_ROW_READ + export.rows_written as f64 * PER_ROW_WRITTEN)
    )?;
    Ok(())
}

fn dollars(amount: f64) -> String {
    if amount >= 0.01 {
        format!("${amount:.2}")
    } else {
        format!("${amount:.6}")
    }
}
