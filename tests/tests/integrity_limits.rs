//! Limits nobody opts out of, and bounded edits, tried as an attacker with curl would against
//! the real Worker under `wrangler dev`: privacy headers, rotating user agents and IPv6
//! addresses, a flood from one address, hundreds of revisions of one id, and a webhook queue
//! fed faster than it drains. Each test starts its own Worker with fresh storage; the visitor's
//! address is the `CF-Connecting-IP` the test sends.

use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::Edge;
use sayso_tests::unique_site;
use sayso_tests::wait_for;
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// Submission `n` of site `site` (a distinct id and key per `n`: its revisions are its author's).
fn submission(site: &str, n: u32) -> Value {
    json!({
        "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": site, "scale": "stars", "value": 4, "page": "/docs",
        "locale": "en", "client_ts": 1_763_900_000_000_i64, "widget_version": "0.1.0", "key": format!("key-{n:028x}"),
    })
}

/// POSTs `body` to the site's feedback route from `address`, with extra headers.
fn post(edge: &Edge, site: &str, body: &Value, address: &str, extra: &[(&str, &str)]) -> Result<Answer> {
    let mut headers = vec![("content-type", "application/json"), ("origin", ORIGIN), ("cf-connecting-ip", address)];
    headers.extend_from_slice(extra);
    api::post(&format!("{}/v1/sites/{site}/feedback", edge.url), &headers, body.to_string().as_bytes())
}

/// The statuses of new submissions `from..to` sent by `sender` (which picks address and headers
/// per submission).
fn statuses(edge: &Edge, site: &str, range: std::ops::Range<u32>, sender: impl Fn(u32) -> (String, Vec<(&'static str, String)>)) -> Result<Vec<u16>> {
    range
        .map(|n| {
            let (address, headers) = sender(n);
            let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(edge, site, &submission(site, n), &address, &headers).map(|a| a.status)
        })
        .collect()
}

#[test]
fn privacy_headers_change_what_is_kept_never_whether_the_limit_applies() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("private")?);
    edge.create_site_limited(&site, &[ORIGIN], json!({}), json!({ "visitor_per_minute": 3, "site_per_minute": 0 }))?;
    // DNT on some, Sec-GPC on others, both on the rest: one budget for the address.
    let opted_out = statuses(edge, &site, 0..8, |n| {
        let headers = match n % 3 {
            0 => vec![("dnt", "1".to_owned())],
            1 => vec![("sec-gpc", "1".to_owned())],
            _ => vec![("dnt", "1".to_owned()), ("sec-gpc", "1".to_owned())],
        };
        ("198.51.100.7".to_owned(), headers)
    })?;
    println!("opted out, one address: {opted_out:?}");
    ensure!(opted_out == [201, 201, 201, 429, 429, 429, 429, 429], "opted-out requests are limited like anyone's: {opted_out:?}");
    // Dropping the header is no way back in: the remembered bucket still counts.
    let plain = post(edge, &site, &submission(&site, 50), "198.51.100.7", &[])?;
    ensure!(plain.status == 429 && plain.error_code().as_deref() == Some("rate_limited"), "{plain:?}");

    // Nor is switching the header on after a stored bucket ran out.
    let stored = statuses(edge, &site, 100..104, |_| ("198.51.100.8".to_owned(), vec![]))?;
    let then_private = post(edge, &site, &submission(&site, 104), "198.51.100.8", &[("sec-gpc", "1")])?;
    ensure!(stored == [201, 201, 201, 429] && then_private.status == 429, "{stored:?}, then {then_private:?}");
    Ok(())
}

#[test]
fn rotating_user_agents_or_addresses_inside_one_ipv6_64_do_not_reset_the_limit() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    edge.create_site_limited(&site, &[ORIGIN], json!({}), json!({ "visitor_per_minute": 3, "site_per_minute": 0 }))?;
    let agents = statuses(edge, &site, 0..6, |n| ("203.0.113.9".to_owned(), vec![("user-agent", format!("Mozilla/5.0 (attempt {n})"))]))?;
    ensure!(agents == [201, 201, 201, 429, 429, 429], "a new user agent per request: {agents:?}");
    let v6 = statuses(edge, &site, 10..16, |n| (format!("2001:db8:42:7:{n:x}::{n:x}"), vec![("user-agent", format!("bot {n}"))]))?;
    ensure!(v6 == [201, 201, 201, 429, 429, 429], "a new address in the same /64 per request: {v6:?}");
    // Garbage or no address is one shared bucket, not a way around it.
    let garbage = statuses(edge, &site, 20..26, |n| (format!("not-an-address-{n}"), vec![]))?;
    ensure!(garbage == [201, 201, 201, 429, 429, 429], "unparsable addresses share one bucket: {garbage:?}");
    // Another /64 and another IPv4 address are other visitors.
    let others = [
        post(edge, &site, &submission(&site, 30), "2001:db8:42:8::1", &[])?.status,
        post(edge, &site, &submission(&site, 31), "203.0.113.10", &[])?.status,
    ];
    ensure!(others == [201, 201], "{others:?}");
    println!("user agents: {agents:?}; one /64: {v6:?}; garbage: {garbage:?}; others: {others:?}");
    Ok(())
}

#[test]
fn a_flood_from_one_address_leaves_other_visitors_ratings_accepted() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    // The site's real limits: 10 a minute per visitor, 600 a minute for the site.
    edge.create_site_limited(&site, &[ORIGIN], json!({}), json!({}))?;
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let started = std::time::Instant::now();
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = (0..4_u32)
            .map(|worker| {
                let (edge, site, accepted) = (&edge, &site, Arc::clone(&accepted));
                scope.spawn(move || -> Result<()> {
                    for n in (worker * 200)..(worker * 200 + 175) {
                        // Every trick at once: privacy headers, a new user agent each time.
                        let agent = format!("flood/{n}");
                        let answer = post(edge, site, &submission(site, n), "192.0.2.66", &[("user-agent", &agent), ("dnt", "1")])?;
                        ensure!(matches!(answer.status, 201 | 429), "{answer:?}");
                        if answer.status == 201 {
                            accepted.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.push(n);
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().map_err(|_| anyhow::anyhow!("a flood thread panicked"))??;
        }
        Ok(())
    })?;
    let accepted = accepted.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.len();
    // The bucket holds 10 and refills one every 6 s while the flood lasts.
    let refilled = (started.elapsed().as_secs_f64() / 6.0).ceil() as usize;
    println!("flood: 700 posts from one address in {:.1} s, {accepted} accepted", started.elapsed().as_secs_f64());
    ensure!(accepted <= 10 + refilled, "one address gets its visitor budget, no more: {accepted} (10 + {refilled} refilled)");
    let other = post(edge, &site, &submission(&site, 5000), "192.0.2.67", &[])?;
    ensure!(other.status == 201, "another visitor's rating right after the flood: {other:?}");
    Ok(())
}

#[test]
fn two_hundred_revisions_of_one_id_store_at_most_ten_and_rev_has_a_bound() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let mut body = submission(&site, 1);
    let mut statuses = Vec::new();
    for rev in 0..200_u32 {
        body["rev"] = json!(rev);
        body["value"] = json!(1 + rev % 5);
        statuses.push(post(edge, &site, &body, "198.51.100.20", &[])?);
    }
    let stored = statuses.iter().filter(|a| a.status < 300).count();
    let refused: Vec<&Answer> = statuses.iter().filter(|a| a.status >= 300).collect();
    println!("200 revisions: {stored} stored, {} refused ({:?})", refused.len(), refused.first().map(|a| (a.status, a.error_code())));
    ensure!(stored == 10, "at most 10 revisions stored: {stored}");
    ensure!(refused.iter().all(|a| a.status == 409 && a.error_code().as_deref() == Some("too_many_revisions")), "clear 409s: {:?}", refused.first());
    // A resend of the last stored revision is still answered as a duplicate (the outbox's
    // retries must get through), and the feedback holds revision 9.
    body["rev"] = json!(9);
    body["value"] = json!(5);
    let resend = post(edge, &site, &body, "198.51.100.20", &[])?;
    ensure!(resend.status == 200 && resend.json()["status"] == "duplicate", "{resend:?}");
    let feedback = api::get(&format!("{}/v1/sites/{site}/feedback", edge.url), &[("authorization", &format!("Bearer {key}"))])?.json();
    ensure!(feedback["items"][0]["rev"] == 9, "{feedback}");

    // Jumping ahead to a huge revision is refused, for a stored id and a new one alike.
    let mut other = submission(&site, 2);
    ensure!(post(edge, &site, &other, "198.51.100.20", &[])?.status == 201);
    other["rev"] = json!(4_294_967_295_u32);
    let jump = post(edge, &site, &other, "198.51.100.20", &[])?;
    let mut fresh = submission(&site, 3);
    fresh["rev"] = json!(1001);
    let fresh_jump = post(edge, &site, &fresh, "198.51.100.20", &[])?;
    let invalid = |a: &Answer| a.status == 400 && a.error_code().as_deref() == Some("invalid_rev");
    ensure!(invalid(&jump) && invalid(&fresh_jump), "{jump:?} {fresh_jump:?}");
    other["rev"] = json!(1);
    ensure!(post(edge, &site, &other, "198.51.100.20", &[])?.status == 200, "the real next revision still lands");
    let summary = edge.summary(&site, &key)?;
    ensure!(summary["total"] == 2, "two submissions counted: {summary}");
    Ok(())
}

#[test]
fn edits_spend_the_visitors_tokens_but_resends_never_do() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    edge.create_site_limited(&site, &[ORIGIN], json!({}), json!({ "visitor_per_minute": 3, "site_per_minute": 0 }))?;
    let mut body = submission(&site, 1);
    let mut seen = Vec::new();
    for rev in 0..4_u32 {
        body["rev"] = json!(rev);
        body["value"] = json!(1 + rev);
        seen.push(post(edge, &site, &body, "198.51.100.30", &[])?.status);
    }
    ensure!(seen == [201, 200, 200, 429], "a creation and two edits spend the 3 tokens: {seen:?}");
    body["rev"] = json!(2);
    body["value"] = json!(3);
    let resends: Vec<u16> = (0..5).map(|_| post(edge, &site, &body, "198.51.100.30", &[]).map(|a| a.status)).collect::<Result<_>>()?;
    ensure!(resends.iter().all(|s| *s == 200), "resends of the stored revision are never limited: {resends:?}");
    Ok(())
}

/// A webhook receiver that accepts connections and never answers, keeping every event pending
/// (and the delivery log quiet); records the first line of what it read.
fn silent_receiver() -> Result<(String, Arc<Mutex<Vec<TcpStream>>>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
    let held: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
    let keep = Arc::clone(&held);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if let Ok(mut streams) = keep.lock() {
                streams.push(stream);
            }
        }
    });
    Ok((url, held))
}

/// Sets the site's webhook (every comment) and returns the owner's `Authorization`.
fn set_webhook(edge: &Edge, site: &str, key: &str, url: &str) -> Result<String> {
    let auth = format!("Bearer {key}");
    let set = api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}", edge.url),
        &[("authorization", &auth), ("content-type", "application/json")],
        Some(json!({ "webhook": { "url": url, "comments": true } }).to_string().as_bytes()),
    )?;
    ensure!(set.status == 200, "{set:?}");
    Ok(auth)
}

fn deliveries(edge: &Edge, site: &str, auth: &str) -> Result<Value> {
    Ok(api::get(&format!("{}/v1/sites/{site}/webhook-deliveries", edge.url), &[("authorization", auth)])?.json())
}

#[test]
fn the_webhook_queue_holds_one_pending_event_per_submission_carrying_its_latest_state() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let (hook, seen) = sayso_tests::receiver(500, "")?;
    let auth = set_webhook(edge, &site, &key, &hook)?;
    for id in [1_u32, 2] {
        let mut body = submission(&site, id);
        for rev in 0..10_u32 {
            body["rev"] = json!(rev);
            body["comment"] = json!(format!("take {rev}"));
            ensure!(post(edge, &site, &body, "198.51.100.40", &[])?.status < 300);
        }
    }
    let log = deliveries(edge, &site, &auth)?;
    println!("after 20 revisions of 2 ids: pending {}", log["pending"]);
    ensure!(log["pending"] == 2, "one pending event per submission: {log}");
    // The retries carry each submission's latest revision.
    // The retries carry each submission's latest revision (posts made while the revisions
    // arrived carry whatever was latest then).
    wait_for("a retry carrying revision 9 of both ids", Duration::from_secs(60), || {
        let seen: Vec<Value> = seen.lock().map(|s| s.iter().map(|b| serde_json::from_str(b).unwrap_or(Value::Null)).collect()).unwrap_or_default();
        let nines = seen.iter().filter(|e| e["submission"]["rev"] == 9 && e["submission"]["comment"] == "take 9").count();
        Ok((nines >= 2).then_some(()))
    })?;
    ensure!(deliveries(edge, &site, &auth)?["pending"] == 2, "still one pending event per submission");
    Ok(())
}

#[test]
fn the_webhook_queue_is_bounded_and_a_dropped_event_is_logged() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let (hook, _held) = silent_receiver()?;
    let auth = set_webhook(edge, &site, &key, &hook)?;
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = (0..4_u32)
            .map(|worker| {
                let (edge, site) = (&edge, &site);
                scope.spawn(move || -> Result<()> {
                    for n in (worker * 1000)..(worker * 1000 + 255) {
                        let mut body = submission(site, n);
                        body["comment"] = json!("flood");
                        let answer = post(edge, site, &body, "198.51.100.50", &[])?;
                        ensure!(answer.status == 201, "{answer:?}");
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().map_err(|_| anyhow::anyhow!("a flood thread panicked"))??;
        }
        Ok(())
    })?;
    let log = deliveries(edge, &site, &auth)?;
    let dropped = log["deliveries"].as_array().context("a log")?.iter().filter(|d| d["outcome"] == "dropped").count();
    println!("1,020 comments with a stuck webhook: pending {}, {dropped} dropped in the last 100 log lines", log["pending"]);
    ensure!(log["pending"] == 1000, "the queue stops at 1,000: {}", log["pending"]);
    ensure!(dropped >= 10, "each dropped event is in the delivery log: {log}");
    Ok(())
}
