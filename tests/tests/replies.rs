//! Replies to a visitor, on the real Worker (issue 17): the owner replies; only the browser
//! holding the submission's key reads the reply (and reading it marks it seen for the owner);
//! every other key, id, site or body learns exactly what a submission without a reply tells;
//! the visitor answers once; a deleted submission takes its reply with it; a sharded site
//! answers from every shard in one check. Then in Chromium: the owner replies from the inbox
//! with the keyboard alone, sees "Not seen yet", then "Seen by the visitor", then the
//! follow-up; axe finds nothing, light or dark, and nothing scrolls sideways on a phone.

use std::collections::BTreeSet;

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::owner_app::{self, axe_finds_nothing, dark_too, fits_a_phone, screenshot, text, view_titled, UI};
use sayso_tests::{unique_site, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://shop.example.com";
const HOSTILE: &str = "<img src=x onerror=alert(1)> \"thanks\" & 'bye'";

/// Submission `n`'s id.
fn id(n: u32) -> String {
    format!("0190a6e2-7c1d-7abc-8def-{n:012x}")
}

/// Submission `n`'s authorship key (32 characters, as the widget's).
fn key(n: u32) -> String {
    format!("{n:0>32x}")
}

/// Posts submission `n` to `site` with its key, as the widget would.
fn submit(edge: &Edge, site: &str, n: u32, comment: &str) -> Result<()> {
    let body = json!({ "id": id(n), "site": site, "scale": "stars", "value": 2, "comment": comment, "page": "/cart", "locale": "en",
        "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0", "rev": 0, "key": key(n) });
    let a = api::post(
        &format!("{}/v1/sites/{site}/feedback", edge.url),
        &[("content-type", "application/json"), ("origin", ORIGIN)],
        body.to_string().as_bytes(),
    )?;
    ensure!(a.status == 201, "{a:?}");
    Ok(())
}

/// `method` on `/v1/sites/{site}{path}` with `auth` (a whole `Authorization` value, or none)
/// and a JSON body if given.
fn call(edge: &Edge, method: &str, site: &str, path: &str, auth: Option<&str>, body: Option<Value>) -> Result<Answer> {
    api::json_call(method, &format!("{}/v1/sites/{site}{path}", edge.url), ORIGIN, auth, body)
}

/// The owner's reply to submission `n`.
fn reply(edge: &Edge, site: &str, owner: &str, n: u32, text: &str, fixed: bool) -> Result<Answer> {
    call(edge, "PUT", site, &format!("/feedback/{}/reply", id(n)), Some(&format!("Bearer {owner}")), Some(json!({ "text": text, "fixed": fixed })))
}

/// A visitor's check, sent as the widget sends it (`text/plain`, no preflight).
fn check(edge: &Edge, site: &str, body: &str) -> Result<Answer> {
    api::post(&format!("{}/v1/sites/{site}/replies", edge.url), &[("content-type", "text/plain"), ("origin", ORIGIN)], body.as_bytes())
}

/// A check of `receipts` (id, key).
fn check_of(edge: &Edge, site: &str, receipts: &[(String, String)]) -> Result<Answer> {
    let receipts: Vec<Value> = receipts.iter().map(|(id, key)| json!({ "id": id, "key": key })).collect();
    check(edge, site, &json!({ "receipts": receipts }).to_string())
}

/// The visitor's follow-up to submission `n`, with `auth`.
fn followup(edge: &Edge, site: &str, n: u32, auth: Option<&str>, comment: &str) -> Result<Answer> {
    call(edge, "POST", site, &format!("/feedback/{}/followup", id(n)), auth, Some(json!({ "comment": comment })))
}

/// Submission `n` as the owner's list has it.
fn item(edge: &Edge, site: &str, owner: &str, n: u32) -> Result<Value> {
    let a = call(edge, "GET", site, "/feedback?limit=1000", Some(&format!("Bearer {owner}")), None)?;
    a.json()["items"].as_array().and_then(|i| i.iter().find(|i| i["id"] == id(n).as_str()).cloned()).with_context(|| format!("{} in {a:?}", id(n)))
}

/// The ids `GET …/feedback?{query}` lists.
fn listed(edge: &Edge, site: &str, owner: &str, query: &str) -> Result<BTreeSet<String>> {
    let a = call(edge, "GET", site, &format!("/feedback?limit=1000&{query}"), Some(&format!("Bearer {owner}")), None)?;
    ensure!(a.status == 200, "?{query}: {a:?}");
    Ok(a.json()["items"].as_array().context("items")?.iter().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect())
}

fn ids(ns: &[u32]) -> BTreeSet<String> {
    ns.iter().map(|n| id(*n)).collect()
}

/// The answer of a check that found nothing: what every receipt that does not match must get.
fn nothing(a: &Answer) -> bool {
    a.status == 200 && a.json() == json!({ "replies": [] })
}

fn refused(a: &Answer, status: u16, code: &str) -> bool {
    a.status == status && a.error_code().as_deref() == Some(code)
}

#[test]
fn only_the_keys_holder_reads_a_reply_answers_it_once_and_it_goes_with_its_submission() -> Result<()> {
    let (edge, site, other) = (Edge::shared()?, unique_site("replies")?, unique_site("replies-other")?);
    let owner = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let other_owner = edge.create_site(&other, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    for n in 1..=3 {
        submit(edge, &site, n, "The coupon field does nothing")?;
    }
    submit(edge, &other, 900, "Another site's visitor")?;
    let mine = (id(1), key(1));
    let before = check_of(edge, &site, std::slice::from_ref(&mine))?;
    ensure!(nothing(&before), "no reply yet: {before:?}");
    ensure!(before.header("access-control-allow-origin") == Some(ORIGIN), "the page may read the answer: {before:?}");

    // The owner replies; attacks on the owner's side change nothing.
    let sent = reply(edge, &site, &owner, 1, "Fixed in today's release, thank you!", false)?;
    ensure!(sent.status == 200 && sent.json()["text"] == "Fixed in today's release, thank you!" && sent.json()["seen_at"].is_null(), "{sent:?}");
    for (who, answer, status, code) in [
        ("another site's owner key", reply(edge, &site, &other_owner, 1, "hijacked", true)?, 401, "unauthorized"),
        ("another site's submission", reply(edge, &site, &owner, 900, "hijacked", true)?, 404, "feedback_not_found"),
        ("1001 characters", reply(edge, &site, &owner, 1, &"x".repeat(1001), true)?, 400, "invalid_reply"),
        ("only spaces and controls", reply(edge, &site, &owner, 1, " \u{7} \n ", true)?, 400, "invalid_reply"),
        (
            "an unknown field",
            call(
                edge,
                "PUT",
                &site,
                &format!("/feedback/{}/reply", id(1)),
                Some(&format!("Bearer {owner}")),
                Some(json!({ "text": "x", "seen_at": 1 })),
            )?,
            400,
            "invalid_json",
        ),
        (
            "a visitor's receipt",
            call(edge, "PUT", &site, &format!("/feedback/{}/reply", id(1)), Some(&format!("Receipt {}", key(1))), Some(json!({ "text": "x" })))?,
            401,
            "unauthorized",
        ),
    ] {
        println!("owner side, {who}: {} {}", answer.status, answer.error_code().unwrap_or_default());
        ensure!(refused(&answer, status, code), "{who}: {answer:?}");
    }
    ensure!(item(edge, &site, &owner, 1)?["reply"]["text"] == "Fixed in today's release, thank you!", "unchanged by the attacks");

    // Every receipt that is not the submission's own learns what "no reply" says, and marks nothing.
    let wrong = "f".repeat(32);
    let attempts: Vec<(&str, Answer)> = vec![
        ("a wrong key", check_of(edge, &site, &[(id(1), wrong.clone())])?),
        ("another submission's key", check_of(edge, &site, &[(id(1), key(2))])?),
        ("another site's submission with its own key", check_of(edge, &site, &[(id(900), key(900))])?),
        ("the right receipt at another site", check_of(edge, &other, std::slice::from_ref(&mine))?),
        ("a malformed id", check_of(edge, &site, &[("../1".into(), key(1))])?),
        ("a malformed key", check_of(edge, &site, &[(id(1), "short".into())])?),
        (
            "the key's hash instead of the key",
            check_of(edge, &site, &[(id(1), "84e0c0eafaa95a34c293f278ac52e45ce537bab5e752a00e6959a13ae103b65a".into())])?,
        ),
        ("a submission without a reply", check_of(edge, &site, &[(id(2), key(2))])?),
    ];
    for (who, answer) in &attempts {
        println!("visitor side, {who}: {} {}", answer.status, answer.body);
        ensure!(nothing(answer), "{who}: {answer:?}");
    }
    for (who, answer, code) in [
        ("21 receipts", check_of(edge, &site, &vec![mine.clone(); 21])?, "too_many_receipts"),
        ("no receipt", check_of(edge, &site, &[])?, "too_many_receipts"),
        ("not JSON", check(edge, &site, "receipts=1")?, "invalid_json"),
        ("an unknown field", check(edge, &site, &json!({ "receipts": [{ "id": id(1), "key": key(1) }], "all": true }).to_string())?, "invalid_json"),
    ] {
        println!("visitor side, {who}: {} {}", answer.status, answer.error_code().unwrap_or_default());
        ensure!(refused(&answer, 400, code), "{who}: {answer:?}");
    }
    ensure!(item(edge, &site, &owner, 1)?["reply"]["seen_at"].is_null(), "no attempt marked the reply seen");

    // The key's holder reads it, among its other receipts and junk: exactly its reply, marked seen.
    let junk = vec![(id(2), key(2)), ("nope".into(), "nope".into()), mine.clone(), (id(1), wrong.clone())];
    let found = check_of(edge, &site, &junk)?;
    let replies = found.json()["replies"].clone();
    ensure!(found.status == 200 && replies.as_array().map(Vec::len) == Some(1), "{found:?}");
    ensure!(replies[0]["id"] == id(1).as_str() && replies[0]["fixed"] == false && replies[0]["can_answer"] == true, "{replies}");
    ensure!(replies[0].as_object().is_some_and(|r| r.len() == 5), "nothing but id, text, fixed, at, can_answer: {replies}");
    let seen = item(edge, &site, &owner, 1)?["reply"]["seen_at"].as_i64().context("seen once read")?;
    ensure!(check_of(edge, &site, std::slice::from_ref(&mine))?.json()["replies"].as_array().map(Vec::len) == Some(1), "read again");
    ensure!(item(edge, &site, &owner, 1)?["reply"]["seen_at"].as_i64() == Some(seen), "seen_at is the first read");
    // A changed reply is news again; the same one sent again is not.
    let same = reply(edge, &site, &owner, 1, "Fixed in today's release, thank you!", false)?;
    ensure!(same.status == 200 && same.json()["seen_at"].as_i64() == Some(seen), "{same:?}");
    let changed = reply(edge, &site, &owner, 1, "Fixed in 2.1 — try it now", true)?;
    ensure!(changed.status == 200 && changed.json()["seen_at"].is_null() && changed.json()["fixed"] == true, "{changed:?}");
    ensure!(check_of(edge, &site, std::slice::from_ref(&mine))?.json()["replies"][0]["text"] == "Fixed in 2.1 — try it now", "the new text");

    // The follow-up: only the key's holder, only to a reply, only once.
    let receipt = |n: u32| format!("Receipt {}", key(n));
    for (who, answer, status, code) in [
        ("no receipt", followup(edge, &site, 1, None, "hi")?, 404, "feedback_not_found"),
        ("a wrong key", followup(edge, &site, 1, Some(&format!("Receipt {wrong}")), "hi")?, 404, "feedback_not_found"),
        ("another submission's key", followup(edge, &site, 1, Some(&receipt(2)), "hi")?, 404, "feedback_not_found"),
        ("the owner key", followup(edge, &site, 1, Some(&format!("Bearer {owner}")), "hi")?, 404, "feedback_not_found"),
        ("at another site", followup(edge, &other, 1, Some(&receipt(1)), "hi")?, 404, "feedback_not_found"),
        ("to no reply", followup(edge, &site, 2, Some(&receipt(2)), "hi")?, 409, "no_reply"),
        ("empty", followup(edge, &site, 1, Some(&receipt(1)), "  ")?, 400, "invalid_reply"),
        ("1001 characters", followup(edge, &site, 1, Some(&receipt(1)), &"y".repeat(1001))?, 400, "invalid_reply"),
    ] {
        println!("follow-up, {who}: {} {}", answer.status, answer.error_code().unwrap_or_default());
        ensure!(refused(&answer, status, code), "{who}: {answer:?}");
    }
    ensure!(item(edge, &site, &owner, 1)?["reply"]["followup"].is_null(), "no attempt stored a follow-up");
    let answered = followup(edge, &site, 1, Some(&receipt(1)), HOSTILE)?;
    ensure!(answered.status == 201 && answered.json()["followup"] == HOSTILE, "{answered:?}");
    ensure!(answered.header("access-control-allow-origin") == Some(ORIGIN), "the page reads it: {answered:?}");
    let twice = followup(edge, &site, 1, Some(&receipt(1)), "again")?;
    ensure!(refused(&twice, 409, "followup_exists"), "{twice:?}");
    ensure!(check_of(edge, &site, std::slice::from_ref(&mine))?.json()["replies"][0]["can_answer"] == false, "answered: no second follow-up offered");
    ensure!(item(edge, &site, &owner, 1)?["reply"]["followup"] == HOSTILE, "the owner reads it as sent");

    // The inbox's filters and the export.
    ensure!(reply(edge, &site, &owner, 2, "Which browser was it?", false)?.status == 200);
    for (query, expected) in
        [("reply=sent", ids(&[1, 2])), ("reply=unseen", ids(&[2])), ("reply=followup", ids(&[1])), ("reply=unseen&q=coupon", ids(&[2]))]
    {
        let got = listed(edge, &site, &owner, query)?;
        println!("?{query}: {} items", got.len());
        ensure!(got == expected, "?{query}: {got:?}");
    }
    let bad = call(edge, "GET", &site, "/feedback?reply=maybe", Some(&format!("Bearer {owner}")), None)?;
    ensure!(refused(&bad, 400, "invalid_query"), "{bad:?}");
    let csv = call(edge, "GET", &site, "/export.csv?reply=sent", Some(&format!("Bearer {owner}")), None)?;
    ensure!(
        csv.status == 200 && csv.body.contains("Fixed in 2.1 — try it now,true,") && csv.body.contains("Which browser was it?,false,,"),
        "{}",
        csv.body
    );

    // Deleted, the reply goes with it: by the visitor's undo, and by the owner.
    ensure!(call(edge, "DELETE", &site, &format!("/feedback/{}", id(1)), Some(&receipt(1)), None)?.status == 204);
    ensure!(nothing(&check_of(edge, &site, std::slice::from_ref(&mine))?), "the undone submission's reply is gone");
    ensure!(refused(&followup(edge, &site, 1, Some(&receipt(1)), "late")?, 404, "feedback_not_found"), "nothing to answer");
    ensure!(call(edge, "DELETE", &site, &format!("/feedback/{}", id(2)), Some(&format!("Bearer {owner}")), None)?.status == 204);
    ensure!(listed(edge, &site, &owner, "reply=sent")?.is_empty(), "no reply is listed");
    let gone = reply(edge, &site, &owner, 2, "still there?", false)?;
    ensure!(refused(&gone, 404, "feedback_not_found"), "{gone:?}");
    // The owner removes a reply; twice is a clear 404.
    ensure!(reply(edge, &site, &owner, 3, "Thanks!", false)?.status == 200);
    let remove = || call(edge, "DELETE", &site, &format!("/feedback/{}/reply", id(3)), Some(&format!("Bearer {owner}")), None);
    ensure!(remove()?.status == 204 && refused(&remove()?, 404, "reply_not_found"));
    ensure!(nothing(&check_of(edge, &site, &[(id(3), key(3))])?) && item(edge, &site, &owner, 3)?["reply"].is_null(), "removed");
    Ok(())
}

/// A check of `receipts` from network `address`.
fn check_from(edge: &Edge, site: &str, address: &str, receipts: &[(String, String)]) -> Result<Answer> {
    let receipts: Vec<Value> = receipts.iter().map(|(id, key)| json!({ "id": id, "key": key })).collect();
    api::post(
        &format!("{}/v1/sites/{site}/replies", edge.url),
        &[("content-type", "text/plain"), ("origin", ORIGIN), ("cf-connecting-ip", address)],
        json!({ "receipts": receipts }).to_string().as_bytes(),
    )
}

#[test]
fn a_script_probing_receipts_is_slowed_and_locks_no_visitor_out() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("replies-flood")?);
    // The default visitor limit (10 a minute), as a real site has it.
    let owner = edge.create_site_limited(&site, &[ORIGIN], json!({ "scale": "stars" }), json!({ "min_comment_ms": 0 }))?.owner_key;
    submit(edge, &site, 1, "The coupon field does nothing")?;
    ensure!(reply(edge, &site, &owner, 1, "Fixed, thank you", false)?.status == 200);
    // A script guesses keys from one address, 20 receipts a call: ten calls, then refused.
    let (script, visitor) = ("203.0.113.9", "198.51.100.7");
    let guesses: Vec<(String, String)> = (0..20u32).map(|n| (id(1), format!("{:0>32x}", 0xdead_0000_u32 + n))).collect();
    for n in 0..10 {
        let a = check_from(edge, &site, script, &guesses)?;
        ensure!(nothing(&a), "guess {n} reads nothing: {a:?}");
    }
    let slowed = check_from(edge, &site, script, &guesses)?;
    println!("the 11th check in a minute: {} {} retry-after {:?}", slowed.status, slowed.body, slowed.header("retry-after"));
    ensure!(refused(&slowed, 429, "rate_limited") && slowed.header("retry-after").is_some(), "{slowed:?}");
    ensure!(slowed.header("access-control-allow-origin") == Some(ORIGIN), "the page can read why: {slowed:?}");
    // Its follow-ups with guessed keys spend the same bucket: refused before any key is tried.
    let probe = api::post(
        &format!("{}/v1/sites/{site}/feedback/{}/followup", edge.url, id(1)),
        &[
            ("content-type", "application/json"),
            ("origin", ORIGIN),
            ("cf-connecting-ip", script),
            ("authorization", &format!("Receipt {}", guesses[0].1)),
        ],
        json!({ "comment": "hi" }).to_string().as_bytes(),
    )?;
    ensure!(refused(&probe, 429, "rate_limited"), "{probe:?}");
    // The checks' bucket is its own: the same address may still rate the page.
    let body = json!({ "id": id(2), "site": site, "scale": "stars", "value": 4, "page": "/cart", "locale": "en",
        "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0", "rev": 0, "key": key(2) });
    let rated = api::post(
        &format!("{}/v1/sites/{site}/feedback", edge.url),
        &[("content-type", "application/json"), ("origin", ORIGIN), ("cf-connecting-ip", script)],
        body.to_string().as_bytes(),
    )?;
    ensure!(rated.status == 201, "a click is not a check: {rated:?}");
    // The visitor who wrote, on another network, reads the reply and answers it.
    let read = check_from(edge, &site, visitor, &[(id(1), key(1))])?;
    ensure!(read.status == 200 && read.json()["replies"][0]["text"] == "Fixed, thank you", "{read:?}");
    let answered = api::post(
        &format!("{}/v1/sites/{site}/feedback/{}/followup", edge.url, id(1)),
        &[("content-type", "application/json"), ("origin", ORIGIN), ("cf-connecting-ip", visitor), ("authorization", &format!("Receipt {}", key(1)))],
        json!({ "comment": "Works now" }).to_string().as_bytes(),
    )?;
    ensure!(answered.status == 201, "{answered:?}");
    ensure!(item(edge, &site, &owner, 1)?["reply"]["followup"] == "Works now", "stored once");
    Ok(())
}

#[test]
fn a_sharded_sites_replies_come_from_every_shard_in_one_check() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("replies-shards")?);
    let body = json!({ "id": site, "name": "Sharded replies", "origins": [ORIGIN], "widget": { "scale": "stars" }, "shards": 4,
        "limits": { "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 0 } });
    let admin = format!("Bearer {}", edge.admin_token);
    let created = api::post(
        &format!("{}/v1/sites", edge.url),
        &[("authorization", &admin), ("content-type", "application/json")],
        body.to_string().as_bytes(),
    )?;
    ensure!(created.status == 201, "{created:?}");
    let owner = created.json()["owner_key"].as_str().context("owner key")?.to_owned();
    let all: Vec<u32> = (1..=16).collect();
    let map = sayso_core::ShardMap::new(4);
    let shards: BTreeSet<u32> = all.iter().filter_map(|n| sayso_core::SubmissionId::parse(&id(*n)).ok().map(|i| map.shard_of(&i))).collect();
    ensure!(shards.len() == 4, "the ids span every shard: {shards:?}");
    for n in &all {
        submit(edge, &site, *n, "spread")?;
        let sent = reply(edge, &site, &owner, *n, &format!("reply {n}"), n % 2 == 0)?;
        ensure!(sent.status == 200, "{sent:?}");
    }
    // The visitor holds 16 receipts and a stranger's; one check answers from every shard.
    let mut receipts: Vec<(String, String)> = all.iter().map(|n| (id(*n), key(*n))).collect();
    receipts.push((id(999), key(999)));
    receipts.push((id(3), key(4)));
    let found = check_of(edge, &site, &receipts)?;
    let got: BTreeSet<(String, String)> = found.json()["replies"]
        .as_array()
        .context("replies")?
        .iter()
        .filter_map(|r| Some((r["id"].as_str()?.to_owned(), r["text"].as_str()?.to_owned())))
        .collect();
    let expected: BTreeSet<(String, String)> = all.iter().map(|n| (id(*n), format!("reply {n}"))).collect();
    ensure!(got == expected, "every shard's replies, and only the receipts' own: {got:?}");
    ensure!(listed(edge, &site, &owner, "reply=unseen")?.is_empty() && listed(edge, &site, &owner, "reply=sent")? == ids(&all), "all seen");
    for n in [1, 2, 3, 4] {
        let answered = followup(edge, &site, n, Some(&format!("Receipt {}", key(n))), "thanks")?;
        ensure!(answered.status == 201, "{n}: {answered:?}");
    }
    ensure!(listed(edge, &site, &owner, "reply=followup")? == ids(&[1, 2, 3, 4]), "follow-ups on their shards");
    Ok(())
}

/// The focused element's `data-id` (a row's), else its tag and class.
fn focused(browser: &Browser) -> Result<String> {
    let script = "const a = document.activeElement; return a.dataset.id || (a.tagName + '.' + a.className)";
    Ok(browser.execute(script, vec![])?.as_str().unwrap_or_default().to_owned())
}

/// Presses Tab until the focused element is `target` (`TAG.class`), at most 12 times.
fn tab_to(browser: &Browser, target: &str) -> Result<()> {
    for _ in 0..12 {
        if focused(browser)?.starts_with(target) {
            return Ok(());
        }
        browser.press_keys("\u{E004}")?;
    }
    anyhow::bail!("Tab did not reach {target} (at {})", focused(browser)?)
}

#[test]
fn the_owner_replies_from_the_inbox_with_the_keyboard_and_sees_it_read_and_answered() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("replies-ui")?);
    let owner = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    submit(edge, &site, 1, "Checkout forgets my address")?;
    submit(edge, &site, 2, "Love the new colours")?;
    let browser = owner_app::signed_in(edge, &site, &owner, "?view=inbox", "Inbox")?;
    wait_for("two rows", UI, || {
        Ok(browser.execute("return document.querySelectorAll('.inbox-rows > .row').length", vec![])?.as_u64().filter(|n| *n == 2))
    })?;

    // From the page: j to the first row (the newest, 2), j to submission 1, then Tab to its
    // Reply, Enter opens the form, and the reply is written, marked fixed and sent by keyboard.
    browser.execute("document.activeElement.blur(); window.scrollTo(0, 0); return 1", vec![])?;
    browser.press_keys("jj")?;
    ensure!(focused(&browser)? == id(1), "on submission 1: {}", focused(&browser)?);
    tab_to(&browser, "SUMMARY")?;
    browser.press_keys("\u{E007}")?;
    tab_to(&browser, "TEXTAREA.reply-input")?;
    browser.press_keys("Fixed: the address is kept now. Sorry!")?;
    tab_to(&browser, "INPUT.reply-fixed")?;
    browser.press_keys(" ")?;
    tab_to(&browser, "BUTTON.primary")?;
    browser.press_keys("\u{E007}")?;
    let row = format!(".inbox-rows > .row[data-id='{}']", id(1));
    wait_for("the reply on the row", UI, || {
        Ok(text(&browser, &format!("{row} .reply-text")).ok().filter(|t| t == "Fixed: the address is kept now. Sorry!"))
    })?;
    ensure!(text(&browser, &format!("{row} .reply-seen"))? == "Not seen yet", "not seen yet");
    ensure!(text(&browser, &format!("{row} .reply-sent"))?.contains("marked fixed"), "marked fixed");
    let said = wait_for("the live region", UI, || Ok(text(&browser, "#inbox-live").ok().filter(|t| t.contains("Reply sent"))))?;
    println!("announced: {said}; focus back on {}", focused(&browser)?);
    ensure!(focused(&browser)?.starts_with("SUMMARY"), "the focus stays on the row's reply control");
    let stored = item(edge, &site, &owner, 1)?;
    ensure!(stored["reply"]["text"] == "Fixed: the address is kept now. Sorry!" && stored["reply"]["fixed"] == true, "{stored}");
    screenshot(&browser, "owner-inbox-reply.png")?;

    // The visitor's browser reads it, then answers: the owner's inbox shows both (as text).
    ensure!(check_of(edge, &site, &[(id(1), key(1))])?.json()["replies"].as_array().map(Vec::len) == Some(1));
    ensure!(followup(edge, &site, 1, Some(&format!("Receipt {}", key(1))), HOSTILE)?.status == 201);
    browser.wait_for_element("#inbox-filters select[name=reply]", UI)?;
    browser.execute("const s = document.querySelector('#inbox-filters select[name=reply]'); s.value = 'followup'; return 1", vec![])?;
    browser.click(&browser.wait_for_element("#inbox-filters button[type=submit]", UI)?)?;
    view_titled(&browser, "Inbox")?;
    wait_for("only the answered row", UI, || {
        Ok(browser
            .execute("return [...document.querySelectorAll('.inbox-rows > .row')].map(r => r.dataset.id)", vec![])?
            .as_array()
            .filter(|r| r.len() == 1 && r[0] == id(1).as_str())
            .map(|_| ()))
    })?;
    ensure!(text(&browser, &format!("{row} .reply-seen"))?.starts_with("Seen by the visitor "), "seen, with its time");
    ensure!(text(&browser, &format!("{row} .reply-followup-text"))? == HOSTILE, "the follow-up as typed");
    ensure!(browser.execute("return document.querySelectorAll('#main img').length", vec![])? == 0, "text, never HTML");
    // The form open too, so axe judges it.
    browser.execute(&format!("document.querySelector(\"{row} .reply-compose\").open = true; return 1"), vec![])?;
    axe_finds_nothing(&browser, "inbox with replies")?;
    dark_too(&browser, "inbox with replies", "owner-inbox-reply-dark.png")?;
    fits_a_phone(&browser, "owner-inbox-reply-phone.png")?;
    Ok(())
}
