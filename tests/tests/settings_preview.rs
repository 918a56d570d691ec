//! The settings view with its live preview, through the UI only, against the real Worker in a
//! real Chromium: a changed question shows in the preview's real widget before anything is
//! saved; the API's refusal of a bad origin shows at its field and saves nothing; a rating in
//! the preview is never sent; saving shows the API's list of changes, and the example page's
//! widget then asks the new question; the preview speaks the language picked. Also the dry run on the API itself: nothing stored, the
//! config visitors would get, the changes, and a refusal naming its field.

use anyhow::{ensure, Context, Result};
use sayso_core::strings::DE;
use sayso_core::{i18n, Scale};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::owner_app::{self, axe_finds_nothing, dark_too, fits_a_phone, screenshot, UI};
use sayso_tests::pages::ExampleSite;
use sayso_tests::{api, unique_site, wait_for};
use serde_json::{json, Value};

const OLD: &str = "Was this helpful?";
const NEW: &str = "Did this answer your question?";
const PREVIEW: &str = "#preview-widget";
/// WebDriver's Control key, held until `RELEASE`: Control+A selects a field's text.
const SELECT_ALL: &str = "\u{E009}a\u{E000}";

fn owner(key: &str) -> String {
    format!("Bearer {key}")
}

/// The site's settings as the API answers them.
fn settings(edge: &Edge, site: &str, key: &str) -> Result<Value> {
    let answer = api::get(&format!("{}/v1/sites/{site}", edge.url), &[("authorization", &owner(key))])?;
    ensure!(answer.status == 200, "{answer:?}");
    Ok(answer.json())
}

/// `PATCH /v1/sites/{site}{query}` with `body`.
fn patch(edge: &Edge, site: &str, key: &str, query: &str, body: Value) -> Result<api::Answer> {
    let auth = owner(key);
    api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}{query}", edge.url),
        &[("authorization", &auth), ("content-type", "application/json")],
        Some(body.to_string().as_bytes()),
    )
}

/// The preview's question, once it reads `want` (the element is replaced at each change).
fn preview_asks(browser: &Browser, want: &str) -> Result<()> {
    let found = wait_for(&format!("the preview to ask {want:?}"), UI, || {
        let Some(question) = browser.find_in_shadow(PREVIEW, ".question")? else { return Ok(None) };
        Ok(browser.text(&question).ok().filter(|t| t == want).map(|_| ()))
    });
    found.with_context(|| format!("console: {:?}", browser.console()))
}

#[test]
fn a_dry_run_answers_what_the_change_would_do_and_stores_nothing() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("dryrun")?;
    let key = edge.create_site(&site, &["https://docs.example.com"], json!({ "scale": "stars", "question": OLD }))?.owner_key;

    let tried = patch(edge, &site, &key, "?dry_run=true&lang=en", json!({ "widget": { "scale": "stars", "question": NEW }, "retention_days": 90 }))?;
    ensure!(tried.status == 200, "{tried:?}");
    let answer = tried.json();
    ensure!(answer["settings"]["widget"]["question"] == NEW && answer["settings"]["retention_days"] == 90, "{answer}");
    ensure!(answer["config"]["site"] == site.as_str() && answer["config"]["widget"]["strings"]["q_stars"] == NEW, "the visitors' config: {answer}");
    let changes: Vec<(String, Value, Value)> = answer["changes"]
        .as_array()
        .context("changes")?
        .iter()
        .map(|c| (c["field"].as_str().unwrap_or_default().to_owned(), c["from"].clone(), c["to"].clone()))
        .collect();
    ensure!(changes == vec![("retention_days".into(), Value::Null, json!(90)), ("widget.question".into(), json!(OLD), json!(NEW))], "{changes:?}");
    let stored = settings(edge, &site, &key)?;
    ensure!(stored["widget"]["question"] == OLD && stored["retention_days"].is_null(), "a dry run stores nothing: {stored}");

    // A refusal says which setting it is about, dry run or not, and the settings stay.
    for query in ["?dry_run=true", ""] {
        let refused = patch(edge, &site, &key, query, json!({ "origins": ["https://docs.example.com", "not an origin"] }))?;
        ensure!(refused.status == 400 && refused.error_code().as_deref() == Some("invalid_origin"), "{refused:?}");
        ensure!(refused.json()["error"]["field"] == "origins", "the refusal names its field: {}", refused.body);
    }
    let question = patch(edge, &site, &key, "?dry_run=true", json!({ "widget": { "question": " " } }))?;
    ensure!(question.json()["error"]["field"] == "widget.question", "{}", question.body);
    ensure!(settings(edge, &site, &key)?["origins"] == json!(["https://docs.example.com"]), "nothing was stored");

    // A wrong key is refused before anything is tried.
    let stranger = patch(edge, &site, "sk_wrong", "?dry_run=true", json!({ "name": "Mine" }))?;
    ensure!(stranger.status == 401, "{stranger:?}");

    // A dry run asked for in any other words is refused, never stored as a real change.
    for query in ["?dry_run=1", "?dry_run=TRUE", "?dry_run", "?dry_run=yes", "?dry_run=false&dry_run=on"] {
        let refused = patch(edge, &site, &key, query, json!({ "name": "Stored by mistake" }))?;
        ensure!(refused.status == 400 && refused.error_code().as_deref() == Some("invalid_query"), "{query}: {refused:?}");
    }
    ensure!(settings(edge, &site, &key)?["name"] != "Stored by mistake", "a refused dry run stores nothing");
    let real = patch(edge, &site, &key, "?dry_run=false", json!({ "name": "Stored" }))?;
    ensure!(real.status == 200 && settings(edge, &site, &key)?["name"] == "Stored", "dry_run=false is a real change: {real:?}");
    Ok(())
}

#[test]
fn a_new_turnstile_secret_alone_is_a_change_and_never_shown() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("dryturn")?;
    let key = edge.create_site(&site, &["https://docs.example.com"], json!({ "scale": "stars" }))?.owner_key;
    let turnstile = |secret: &str| json!({ "turnstile": { "site_key": "1x00000000000000000000AA", "secret": secret } });
    let on = patch(edge, &site, &key, "", turnstile("first-secret"))?;
    ensure!(on.status == 200, "{on:?}");

    let tried = patch(edge, &site, &key, "?dry_run=true", turnstile("second-secret"))?;
    ensure!(tried.status == 200, "{tried:?}");
    let answer = tried.json();
    ensure!(
        answer["changes"] == json!([{ "field": "turnstile.secret", "from": "(kept)", "to": "(new)" }]),
        "only the secret changes, its values unsaid: {}",
        answer["changes"]
    );
    ensure!(!tried.body.contains("first-secret") && !tried.body.contains("second-secret"), "no secret in the answer: {}", tried.body);
    let same = patch(edge, &site, &key, "?dry_run=true", turnstile("first-secret"))?;
    ensure!(same.json()["changes"] == json!([]), "the same secret again changes nothing: {}", same.body);
    Ok(())
}

#[test]
fn the_preview_shows_a_change_before_it_is_saved_and_saving_reaches_the_page() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("prefs")?;
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    // The dashboard's own origin is allowed too: a preview that did send would be stored, and the
    // summary below would count it.
    let key = edge.create_site(&site, &[&pages.url, &edge.url], json!({ "scale": "stars", "question": OLD }))?.owner_key;
    // As stored (the API keeps origins in an order of its own).
    let origins_stored = settings(edge, &site, &key)?["origins"].clone();
    let origin_lines: Vec<&str> = origins_stored.as_array().context("origins")?.iter().filter_map(Value::as_str).collect();
    let origin_lines = origin_lines.join("\n");
    // Scales stored in an order of the owner's own, not the form's.
    ensure!(patch(edge, &site, &key, "", json!({ "scales": ["nps", "stars"] }))?.status == 200, "scales set");
    let browser = owner_app::signed_in(edge, &site, &key, "?view=settings", "Settings")?;
    preview_asks(&browser, OLD)?;
    for group in ["question", "placement", "look", "languages", "protection", "data", "webhook"] {
        ensure!(browser.find(&format!("fieldset#{group}"))?.is_some(), "the form has the {group} group");
    }
    axe_finds_nothing(&browser, "settings")?;
    screenshot(&browser, "owner-settings.png")?;
    dark_too(&browser, "settings", "owner-settings-dark.png")?;
    fits_a_phone(&browser, "owner-settings-phone.png")?;

    // The question typed shows in the preview's real widget; the API still has the old one.
    let question = browser.wait_for_element("#f-widget-question", UI)?;
    browser.type_text(&question, &format!("{SELECT_ALL}{NEW}"))?;
    preview_asks(&browser, NEW)?;
    ensure!(settings(edge, &site, &key)?["widget"]["question"] == OLD, "nothing is saved before the owner saves");
    // Meanwhile, the name is changed elsewhere: saving the question must not put it back.
    ensure!(patch(edge, &site, &key, "", json!({ "name": "Renamed elsewhere" }))?.status == 200, "renamed");
    screenshot(&browser, "owner-settings-preview.png")?;
    // In German the visitor gets German's own question (the owner wrote theirs in English).
    browser.click(&browser.wait_for_element("#preview-lang option[value=de]", UI)?)?;
    preview_asks(&browser, DE[i18n::question_key(Scale::Stars)])?;
    browser.click(&browser.wait_for_element("#preview-lang option[value=en]", UI)?)?;
    preview_asks(&browser, NEW)?;

    // A rating and a comment in the preview go nowhere, and nothing is kept in the browser.
    browser.click(&browser.wait_in_shadow(PREVIEW, "button[data-value=\"2\"]", UI)?)?;
    browser.type_text(&browser.wait_in_shadow(PREVIEW, "#comment", UI)?, "only a preview")?;
    browser.click(&browser.wait_in_shadow(PREVIEW, "button[data-action=\"send\"]", UI)?)?;
    browser.wait_in_shadow(PREVIEW, ".thanks", UI)?;
    // Any request the widget made went out before its thanks showed; one the page makes now
    // comes back after it, so once it is in, the page's list of requests holds theirs.
    let feedback = format!("{}/v1/sites/{site}/feedback", edge.url);
    browser.execute("fetch('/v1/embed.js?after-thanks', { cache: 'no-store' }).then((r) => r.text())", vec![])?;
    let requests = wait_for("the page's request after the thanks", UI, || {
        let names = browser.execute("return performance.getEntriesByType('resource').map((e) => e.name)", vec![])?;
        let names: Vec<String> = names.as_array().context("the page's requests")?.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect();
        Ok(names.iter().any(|n| n.ends_with("after-thanks")).then_some(names))
    })?;
    ensure!(!requests.iter().any(|r| r.starts_with(&feedback)), "the preview sent nothing: {requests:?}");
    let summary = edge.summary(&site, &key)?;
    ensure!(summary["total"] == 0, "the preview stored nothing: {summary}");
    let kept = browser.execute("return Object.keys(localStorage).filter(k => k.startsWith('sayso.'))", vec![])?;
    ensure!(kept == json!([]), "the preview kept nothing: {kept}");

    // A bad origin: the API's refusal at its field, and nothing saved.
    let origins = browser.wait_for_element("#f-origins", UI)?;
    browser.type_text(&origins, "\nnot an origin")?;
    let error = wait_for("the origin's error at its field", UI, || {
        let Some(slot) = browser.find("#e-origins")? else { return Ok(None) };
        Ok(browser.text(&slot).ok().filter(|t| t.contains("not an origin")))
    })?;
    println!("at the origins field: {error}");
    ensure!(browser.attribute(&origins, "aria-invalid")?.as_deref() == Some("true"), "the field is marked invalid");
    let described = browser.attribute(&origins, "aria-describedby")?.unwrap_or_default();
    ensure!(described.split(' ').any(|id| id == "e-origins"), "the error describes the field: {described}");
    axe_finds_nothing(&browser, "settings, a refusal at its field")?;
    screenshot(&browser, "owner-settings-error.png")?;
    // Asked for review, the refusal moves focus to the field refused; nothing is offered.
    browser.execute("document.activeElement.blur()", vec![])?;
    browser.click(&browser.wait_for_element("#settings-form button[type=submit]", UI)?)?;
    wait_for("focus on the refused field", UI, || {
        Ok((browser.execute("return document.activeElement.id", vec![])? == json!("f-origins")).then_some(()))
    })?;
    ensure!(browser.execute("return document.querySelector('#review').hidden", vec![])? == true, "a refused change is not offered for saving");
    let stored = settings(edge, &site, &key)?;
    ensure!(stored["origins"] == origins_stored, "nothing was saved: {stored}");

    // Fixed, reviewed: the diff the API answered; saved on confirmation.
    browser.type_text(&origins, &format!("{SELECT_ALL}{origin_lines}"))?;
    wait_for("the origin's error to go", UI, || Ok(browser.text(&browser.wait_for_element("#e-origins", UI)?)?.is_empty().then_some(())))?;
    browser.click(&browser.wait_for_element("#settings-form button[type=submit]", UI)?)?;
    let changes = wait_for("the list of changes", UI, || {
        let Some(list) = browser.find("#review:not([hidden]) #changes")? else { return Ok(None) };
        Ok(Some(browser.text(&list)?).filter(|t| !t.is_empty()))
    })?;
    println!("the review lists: {changes}");
    ensure!(changes.contains(&format!("“{OLD}” → “{NEW}”")) && changes.lines().count() == 1, "only the question changes: {changes}");
    axe_finds_nothing(&browser, "settings, reviewing")?;
    screenshot(&browser, "owner-settings-review.png")?;
    browser.click(&browser.wait_for_element("#save", UI)?)?;
    wait_for("saved", UI, || Ok(browser.find("#saved")?.and_then(|s| browser.text(&s).ok()).filter(|t| t.starts_with("Saved")).map(|_| ())))?;
    ensure!(browser.execute("return document.activeElement.id", vec![])? == json!("saved"), "focus goes to what was saved");
    let stored = settings(edge, &site, &key)?;
    ensure!(stored["widget"]["question"] == NEW, "saved: {stored}");
    ensure!(stored["name"] == "Renamed elsewhere" && stored["scales"] == json!(["nps", "stars"]), "only what the owner changed was sent: {stored}");

    // A webhook set: its new signing secret is shown once, to copy, and again on request.
    let hook = browser.wait_for_element("#f-webhook-url", UI)?;
    browser.type_text(&hook, "https://hooks.example.com/sayso")?;
    browser.click(&browser.wait_for_element("#settings-form button[type=submit]", UI)?)?;
    browser.click(&browser.wait_for_element("#review:not([hidden]) #save", UI)?)?;
    let secret = wait_for("the new signing secret", UI, || {
        let Some(code) = browser.find("#new-secret:not([hidden]) code")? else { return Ok(None) };
        Ok(Some(browser.text(&code)?).filter(|t| !t.is_empty()))
    })?;
    ensure!(settings(edge, &site, &key)?["webhook_secret"] == secret.as_str(), "the secret shown is the webhook's");
    axe_finds_nothing(&browser, "settings, a new webhook's secret")?;
    screenshot(&browser, "owner-settings-secret.png")?;
    browser.click(&browser.wait_for_element("#show-secret", UI)?)?;
    let again = wait_for("the secret under Webhook", UI, || {
        let Some(code) = browser.find("#webhook-secret code:not([hidden])")? else { return Ok(None) };
        Ok(Some(browser.text(&code)?).filter(|t| !t.is_empty()))
    })?;
    ensure!(again == secret, "the same secret under Webhook");

    // Other views link to a group: the link lands on it.
    browser.goto(&format!("{}/dashboard?view=settings#webhook", edge.url))?;
    owner_app::view_titled(&browser, "Settings")?;
    let landed = wait_for("the webhook group in sight", UI, || {
        let top = browser.execute("return [document.querySelector('#webhook')?.getBoundingClientRect().top, innerHeight, scrollY]", vec![])?;
        let (top, height, scrolled) = (top[0].as_f64().unwrap_or(-1.0), top[1].as_f64().unwrap_or(0.0), top[2].as_f64().unwrap_or(0.0));
        Ok((top >= 0.0 && top < height && scrolled > 0.0).then_some(top))
    })?;
    println!("#webhook lands {landed} px from the top");

    // A visitor's page now asks the new question.
    let visitor = Browser::start()?;
    visitor.goto(&format!("{}/basic/", pages.url))?;
    visitor.click(&visitor.wait_in_shadow("sayso-feedback", ".tab", UI)?)?;
    let asked = visitor.text(&visitor.wait_in_shadow("sayso-feedback", ".question", UI)?)?;
    ensure!(asked == NEW, "the example page asks {asked:?}");
    Ok(())
}

#[test]
fn a_preview_attribute_copied_onto_a_site_page_is_ignored_there() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("offedge")?;
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    let key = edge.create_site(&site, &[&pages.url], json!({ "scale": "stars", "question": OLD }))?.owner_key;
    let tried = patch(edge, &site, &key, "?dry_run=true&lang=en", json!({ "widget": { "scale": "stars", "question": NEW } }))?;
    let preview = tried.json()["config"]["widget"].to_string();
    // A dashboard's preview element pasted into a site's page: there it is the real widget, which
    // asks the site's own question (and sends: it is not a preview off the edge).
    let visitor = Browser::start()?;
    visitor.goto(&format!("{}/inline/", pages.url))?;
    visitor.execute(
        "const el = document.createElement('sayso-feedback');
         el.id = 'copied'; el.setAttribute('site', arguments[0]); el.setAttribute('preview', arguments[1]);
         document.querySelector('main, body').prepend(el);",
        vec![json!(site), json!(preview)],
    )?;
    let asked = visitor.text(&visitor.wait_in_shadow("#copied", ".question", UI)?)?;
    ensure!(asked == OLD, "off the edge the widget takes the site's config, not the preview's: {asked:?}");
    Ok(())
}
