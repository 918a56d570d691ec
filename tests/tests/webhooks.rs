//! Webhooks: a signed POST per matching submission (every comment, or ratings at or below a
//! threshold), retried with backoff from the site object's alarm, with a delivery log. The
//! receiver is a real HTTP server started by the test; its first answer is a 500.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use hmac::{Hmac, Mac};
use sayso_tests::edge::Edge;
use sayso_tests::unique_site;
use sayso_tests::{api, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// What the receiver saw: the signature header and the body of each POST.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// Answers 200 to every request (500 to the first one if `fail_first`), recording each.
fn receiver(fail_first: bool) -> Result<(String, Seen)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let (mut signature, mut length) = (String::new(), 0usize);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim() != "" {
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("sayso-signature:") {
                    signature = v.trim().to_owned();
                }
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let first = record.lock().map(|mut s| {
                s.push((signature, String::from_utf8_lossy(&body).into_owned()));
                s.len() == 1
            });
            let status = if fail_first && first.unwrap_or(false) { "500 Internal Server Error" } else { "200 OK" };
            let _ = write!(reader.get_mut(), "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    Ok((url, seen))
}

#[test]
fn matching_feedback_is_posted_signed_retried_and_logged() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let (hook, seen) = receiver(true)?;
    let site_url = format!("{}/v1/sites/{site}", edge.url);
    let auth = format!("Bearer {key}");
    let set = api::request(
        "PATCH",
        &site_url,
        &[("authorization", &auth), ("content-type", "application/json")],
        Some(json!({ "webhook": { "url": hook, "comments": true, "at_or_below": 2 } }).to_string().as_bytes()),
    )?;
    ensure!(set.status == 200, "{set:?}");
    let secret = set.json()["webhook_secret"].as_str().context("a signing secret")?.to_owned();
    let bad = api::request(
        "PATCH",
        &site_url,
        &[("authorization", &auth), ("content-type", "application/json")],
        Some(json!({ "webhook": { "url": "ftp://x", "comments": true } }).to_string().as_bytes()),
    )?;
    ensure!(bad.error_code().as_deref() == Some("invalid_webhook"), "{bad:?}");

    let send = |n: u32, value: i64, comment: Option<&str>| -> Result<()> {
        let mut body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": &site, "scale": "stars", "value": value, "page": "/docs",
            "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
        if let Some(c) = comment {
            body["comment"] = json!(c);
        }
        let a = api::post(&format!("{site_url}/feedback"), &[("content-type", "application/json"), ("origin", ORIGIN)], body.to_string().as_bytes())?;
        ensure!(a.status < 300, "{a:?}");
        Ok(())
    };
    send(1, 5, None)?; // neither a comment nor a low rating: no post
    send(2, 4, Some("Loved the examples"))?; // a comment
    send(2, 4, Some("Loved the examples"))?; // the same again: still one event
    send(3, 1, None)?; // a low rating

    // The first post fails (500) and is retried about a second later.
    let posts = wait_for("three posts at the receiver", Duration::from_secs(60), || {
        let s = seen.lock().map(|s| s.clone()).unwrap_or_default();
        Ok((s.len() >= 3).then_some(s))
    })?;
    std::thread::sleep(Duration::from_secs(3));
    let posts_after = seen.lock().map(|s| s.len()).unwrap_or(0);
    let events: Vec<Value> = posts.iter().map(|(_, body)| serde_json::from_str(body).unwrap_or(Value::Null)).collect();
    let ids: Vec<&str> = events.iter().map(|e| e["submission"]["id"].as_str().unwrap_or("?")).collect();
    println!("receiver saw {posts_after} posts for {ids:?}");
    ensure!(posts_after == 3, "two events, one retried once: {posts_after}");
    ensure!(
        ids.iter().filter(|id| id.ends_with("000000000002")).count() + ids.iter().filter(|id| id.ends_with("000000000003")).count() == 3,
        "{ids:?}"
    );
    for ((signature, body), event) in posts.iter().zip(&events) {
        let (t, v1) = signature.split_once(",v1=").context("t=…,v1=…")?;
        let t = t.trim_start_matches("t=");
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())?;
        mac.update(format!("{t}.{body}").as_bytes());
        let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        ensure!(v1 == expected, "the signature verifies");
        ensure!(event["text"].as_str().is_some_and(|t| t.contains("/docs")), "a Slack-compatible text: {event}");
    }

    let log = api::get(&format!("{site_url}/webhook-deliveries"), &[("authorization", &auth)])?.json();
    let outcomes: Vec<(i64, &str)> = log["deliveries"]
        .as_array()
        .map(|d| d.iter().map(|e| (e["status"].as_i64().unwrap_or(-1), e["outcome"].as_str().unwrap_or("?"))).collect())
        .unwrap_or_default();
    println!("delivery log: {outcomes:?}, pending {}", log["pending"]);
    ensure!(outcomes.contains(&(500, "retrying")) && outcomes.iter().filter(|o| o.1 == "delivered").count() == 2 && log["pending"] == 0, "{log}");
    Ok(())
}

#[test]
fn at_or_below_applies_per_scale_and_never_to_a_scales_best_value() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let (hook, seen) = receiver(false)?;
    let site_url = format!("{}/v1/sites/{site}", edge.url);
    let auth = format!("Bearer {key}");
    let patch = |body: Value| -> Result<Value> {
        let a =
            api::request("PATCH", &site_url, &[("authorization", &auth), ("content-type", "application/json")], Some(body.to_string().as_bytes()))?;
        ensure!(a.status == 200, "{a:?}");
        Ok(a.json())
    };
    let shown = || -> Result<Value> { Ok(api::get(&site_url, &[("authorization", &auth)])?.json()["webhook"]["at_or_below"].clone()) };
    let send = |n: u32, scale: &str, value: i64| -> Result<()> {
        let body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": &site, "scale": scale, "value": value, "page": "/docs",
            "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
        let a = api::post(&format!("{site_url}/feedback"), &[("content-type", "application/json"), ("origin", ORIGIN)], body.to_string().as_bytes())?;
        ensure!(a.status < 300, "{scale} {value}: {a:?}");
        Ok(())
    };
    // Every (scale, value) the receiver has been sent, in order; waits for `count` of them, then
    // a little longer so a post that should not have been made has time to show up.
    let posted = |count: usize| -> Result<Vec<(String, i64)>> {
        wait_for("the expected posts at the receiver", Duration::from_secs(60), || {
            Ok((seen.lock().map(|s| s.len()).unwrap_or(0) >= count).then_some(()))
        })?;
        std::thread::sleep(Duration::from_secs(3));
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        Ok(seen
            .iter()
            .map(|(_, body)| {
                let event: Value = serde_json::from_str(body).unwrap_or(Value::Null);
                (event["submission"]["scale"].as_str().unwrap_or("?").to_owned(), event["submission"]["value"].as_i64().unwrap_or(-1))
            })
            .collect())
    };

    patch(json!({ "scales": ["stars", "thumbs"] }))?;
    patch(json!({ "webhook": { "url": hook, "at_or_below": 2 } }))?;
    ensure!(shown()? == json!(2), "the bare number is shown as it was set: {}", shown()?);
    let mut n = 0;
    for (scale, value) in [("stars", 1), ("stars", 2), ("stars", 3), ("stars", 4), ("stars", 5), ("thumbs", 0), ("thumbs", 1)] {
        n += 1;
        send(n, scale, value)?;
    }
    let mut sent = posted(3)?;
    println!("with at_or_below 2 the receiver saw {sent:?}");
    sent.sort();
    let expected = |pairs: &[(&str, i64)]| pairs.iter().map(|&(s, v)| (s.to_owned(), v)).collect::<Vec<_>>();
    ensure!(sent == expected(&[("stars", 1), ("stars", 2), ("thumbs", 0)]), "stars 1–2 and thumbs down, never thumbs up: {sent:?}");

    patch(json!({ "webhook": { "url": hook, "at_or_below": { "thumbs": 0 } } }))?;
    ensure!(shown()? == json!({ "thumbs": 0 }), "the object is shown as it was set: {}", shown()?);
    let out_of_range = api::request(
        "PATCH",
        &site_url,
        &[("authorization", &auth), ("content-type", "application/json")],
        Some(json!({ "webhook": { "url": hook, "at_or_below": { "stars": 9 } } }).to_string().as_bytes()),
    )?;
    ensure!(out_of_range.error_code().as_deref() == Some("rating_out_of_range"), "{out_of_range:?}");
    for (scale, value) in [("stars", 1), ("thumbs", 1), ("thumbs", 0)] {
        n += 1;
        send(n, scale, value)?;
    }
    let sent = posted(4)?;
    println!("with at_or_below {{thumbs: 0}} the receiver saw {:?} more", &sent[3..]);
    ensure!(sent[3..] == expected(&[("thumbs", 0)]), "only thumbs down: {sent:?}");
    Ok(())
}
