//! A real headless Chromium (Debian's `chromium` + `chromium-driver`), driven over the W3C
//! WebDriver protocol: a few dozen lines of JSON over HTTP instead of an async client stack.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::{api, TempDir};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const SHADOW_KEY: &str = "shadow-6066-11e4-a52e-4f735466cecf";

/// Where Debian puts the browser.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Where Debian puts its driver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// An element found in the page (or in a shadow root).
#[derive(Clone, Debug)]
pub struct Element(String);

impl Element {
    /// The WebDriver reference, for passing the element to `execute` as an argument.
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

/// A browser session; the browser and its driver stop on drop.
pub struct Browser {
    driver: Child,
    session: String,
    base: String,
    _profile: TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium session with a fresh profile.
    pub fn start() -> Result<Browser> {
        let port = crate::free_port()?;
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {CHROMEDRIVER} (install: apt-get install chromium chromium-driver)"))?;
        let profile = TempDir::new("chromium")?;
        let base = format!("http://127.0.0.1:{port}");
        let mut browser = Browser { driver, session: String::new(), base, _profile: profile };
        let status_url = format!("{}/status", browser.base);
        crate::wait_for("chromedriver", Duration::from_secs(20), || {
            Ok(api::get(&status_url, &[]).ok().filter(|a| a.json()["value"]["ready"] == true).map(|_| ()))
        })?;
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--window-size=1280,900",
            &format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let created = browser.call("POST", "/session", Some(capabilities)).context("creating a browser session")?;
        browser.session = created["sessionId"].as_str().context("no session id")?.to_owned();
        Ok(browser)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}{}", self.base, path);
        let bytes = body.map(|b| b.to_string().into_bytes());
        let answer = api::request(method, &url, &[("content-type", "application/json")], bytes.as_deref())?;
        let value = answer.json();
        if answer.status >= 300 {
            bail!("webdriver {method} {path}: {} {}", answer.status, value["value"]["message"].as_str().unwrap_or(&answer.body));
        }
        Ok(value.get("value").cloned().unwrap_or(value))
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Opens a URL and waits for it to load.
    pub fn goto(&self, url: &str) -> Result<()> {
        self.session_call("POST", "/url", Some(json!({ "url": url }))).map(|_| ())
    }

    /// Runs a script in the page; `arguments[i]` are `args`.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.session_call("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// Runs an async script; it finishes by calling its last argument with the result.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.session_call("POST", "/execute/async", Some(json!({ "script": script, "args": args })))
    }

    /// Sends a Chrome DevTools Protocol command through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        self.session_call("POST", "/goog/cdp/execute", Some(json!({ "cmd": cmd, "params": params })))
    }

    /// Takes the browser off the network, or puts it back (`navigator.onLine` and the
    /// `online`/`offline` events follow).
    pub fn set_offline(&self, offline: bool) -> Result<()> {
        self.cdp("Network.enable", json!({}))?;
        self.cdp("Network.emulateNetworkConditions", json!({ "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }))?;
        Ok(())
    }

    /// The first element matching `css` in the page.
    pub fn find(&self, css: &str) -> Result<Option<Element>> {
        let found = self.session_call("POST", "/elements", Some(json!({ "using": "css selector", "value": css })))?;
        Ok(found.get(0).and_then(|e| e[ELEMENT_KEY].as_str()).map(|id| Element(id.to_owned())))
    }

    /// Waits until `css` exists in the page.
    pub fn wait_for_element(&self, css: &str, timeout: Duration) -> Result<Element> {
        crate::wait_for(css, timeout, || self.find(css))
    }

    /// Resizes the window (e.g. to a phone's 390×844).
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        self.session_call("POST", "/window/rect", Some(json!({ "width": width, "height": height }))).map(|_| ())
    }

    /// The text of an open `alert`/`confirm` dialog, if one is open.
    pub fn dialog_text(&self) -> Option<String> {
        self.session_call("GET", "/alert/text", None).ok().and_then(|v| v.as_str().map(str::to_owned))
    }

    /// The first element matching `css` inside the open shadow root of the first `host`.
    pub fn find_in_shadow(&self, host: &str, css: &str) -> Result<Option<Element>> {
        let hosts = self.session_call("POST", "/elements", Some(json!({ "using": "css selector", "value": host })))?;
        let Some(host_id) = hosts.get(0).and_then(|h| h[ELEMENT_KEY].as_str()) else {
            return Ok(None);
        };
        let Ok(shadow) = self.session_call("GET", &format!("/element/{host_id}/shadow"), None) else {
            return Ok(None);
        };
        let shadow_id = shadow[SHADOW_KEY].as_str().context("no shadow root id")?;
        let found = self.session_call("POST", &format!("/shadow/{shadow_id}/elements"), Some(json!({ "using": "css selector", "value": css })))?;
        Ok(found.get(0).and_then(|e| e[ELEMENT_KEY].as_str()).map(|id| Element(id.to_owned())))
    }

    /// Waits until `css` exists inside `host`'s shadow root.
    pub fn wait_in_shadow(&self, host: &str, css: &str, timeout: Duration) -> Result<Element> {
        crate::wait_for(&format!("{css} inside {host}"), timeout, || self.find_in_shadow(host, css))
    }

    /// Clicks like a person would (scrolls into view, real pointer events).
    pub fn click(&self, element: &Element) -> Result<()> {
        self.session_call("POST", &format!("/element/{}/click", element.0), Some(json!({}))).map(|_| ())
    }

    /// Double-clicks with two real pointer presses in quick succession.
    pub fn double_click(&self, element: &Element) -> Result<()> {
        let origin = json!({ ELEMENT_KEY: element.0 });
        let actions = json!({ "actions": [{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
            { "type": "pointerMove", "origin": origin, "x": 0, "y": 0 },
            { "type": "pointerDown", "button": 0 }, { "type": "pointerUp", "button": 0 },
            { "type": "pointerDown", "button": 0 }, { "type": "pointerUp", "button": 0 },
        ]}]});
        self.session_call("POST", "/actions", Some(actions)).map(|_| ())
    }

    /// Presses keys on whatever has focus, as a keyboard would (WebDriver key codes such as
    /// `\u{E014}` for ArrowRight).
    pub fn press_keys(&self, keys: &str) -> Result<()> {
        let strokes: Vec<Value> = keys
            .chars()
            .flat_map(|k| [json!({ "type": "keyDown", "value": k.to_string() }), json!({ "type": "keyUp", "value": k.to_string() })])
            .collect();
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": strokes }] });
        self.session_call("POST", "/actions", Some(actions))?;
        self.session_call("DELETE", "/actions", None).map(|_| ())
    }

    /// Types text into an element, key by key.
    pub fn type_text(&self, element: &Element, text: &str) -> Result<()> {
        self.session_call("POST", &format!("/element/{}/value", element.0), Some(json!({ "text": text }))).map(|_| ())
    }

    /// An element's text.
    pub fn text(&self, element: &Element) -> Result<String> {
        Ok(self.session_call("GET", &format!("/element/{}/text", element.0), None)?.as_str().unwrap_or_default().to_owned())
    }

    /// An element's attribute.
    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        Ok(self.session_call("GET", &format!("/element/{}/attribute/{name}", element.0), None)?.as_str().map(str::to_owned))
    }

    /// Saves a PNG of the viewport.
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        let data = self.session_call("GET", "/screenshot", None)?;
        let bytes = base64_decode(data.as_str().context("no screenshot data")?)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)?;
        Ok(())
    }

    /// What the page printed to its console since the last call.
    pub fn console(&self) -> Result<Vec<String>> {
        let entries = self.session_call("POST", "/se/log", Some(json!({ "type": "browser" })))?;
        Ok(entries.as_array().map(|a| a.iter().filter_map(|e| e["message"].as_str().map(str::to_owned)).collect()).unwrap_or_default())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.session_call("DELETE", "", None);
        }
        crate::signal_group(self.driver.id(), "TERM");
        let _ = self.driver.wait();
    }
}

/// Standard base64 (screenshots), without pulling in a crate for one call.
fn base64_decode(text: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace() && *b != b'=') {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => bail!("not base64: {byte}"),
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Ok(out)
}
