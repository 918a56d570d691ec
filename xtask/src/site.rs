//! `cargo xtask site create | list | config`: manage sites from a terminal, against a local or
//! deployed Worker, through the same admin and owner API everyone else uses.

use anyhow::{bail, Context, Result};
use sayso_harness::{api, paths};
use serde_json::{json, Map, Value};

const USAGE: &str = "usage:
  cargo xtask site create --name NAME --origin URL [--origin URL …] [--scale stars|emoji|nps|csat|thumbs] [--question TEXT] [--id ID]
  cargo xtask site list
  cargo xtask site config SITE --key OWNER_KEY [--name NAME] [--origin URL …] [--scale …] [--question TEXT]
options: --edge URL (default $SAYSO_EDGE or http://127.0.0.1:8787)
         --admin-token TOKEN (default $SAYSO_ADMIN_TOKEN, else the one `cargo xtask dev` made)";

/// Parsed `--flag value` pairs and positional words.
struct Args {
    flags: Vec<(String, String)>,
    words: Vec<String>,
}

impl Args {
    fn parse(raw: &[String]) -> Result<Args> {
        let (mut flags, mut words) = (Vec::new(), Vec::new());
        let mut it = raw.iter();
        while let Some(arg) = it.next() {
            match arg.strip_prefix("--") {
                Some(name) => flags.push((name.to_owned(), it.next().with_context(|| format!("--{name} needs a value\n{USAGE}"))?.clone())),
                None => words.push(arg.clone()),
            }
        }
        Ok(Args { flags, words })
    }

    fn one(&self, name: &str) -> Option<&str> {
        self.flags.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.flags.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }
}

/// Runs `cargo xtask site …`.
pub fn run(raw: &[String]) -> Result<()> {
    let args = Args::parse(raw)?;
    let edge = args.one("edge").map(str::to_owned).or_else(|| std::env::var("SAYSO_EDGE").ok()).unwrap_or_else(|| "http://127.0.0.1:8787".into());
    let admin = || -> Result<String> {
        if let Some(token) = args.one("admin-token").map(str::to_owned).or_else(|| std::env::var("SAYSO_ADMIN_TOKEN").ok()) {
            return Ok(token);
        }
        let file = paths::repo_root().join("target/sayso-dev/admin-token");
        Ok(std::fs::read_to_string(&file)
            .with_context(|| format!("no admin token: pass --admin-token or set SAYSO_ADMIN_TOKEN ({} is missing)", file.display()))?
            .trim()
            .to_owned())
    };
    let widget = || {
        let mut widget = Map::new();
        if let Some(scale) = args.one("scale") {
            widget.insert("scale".into(), json!(scale));
        }
        if let Some(question) = args.one("question") {
            widget.insert("question".into(), json!(question));
        }
        widget
    };
    match args.words.first().map(String::as_str) {
        Some("create") => {
            let name = args.one("name").context("--name is required")?;
            let mut body = json!({ "name": name, "origins": args.all("origin"), "widget": widget() });
            if let Some(id) = args.one("id") {
                body["id"] = json!(id);
            }
            let answer = send("POST", &format!("{edge}/v1/sites"), &admin()?, Some(&body))?;
            println!(
                "site       {}\nowner key  {}   (shown once: keep it)\nsnippet    {}",
                answer["site"].as_str().unwrap_or("?"),
                answer["owner_key"].as_str().unwrap_or("?"),
                answer["snippet"].as_str().unwrap_or("?")
            );
        }
        Some("list") => {
            let answer = send("GET", &format!("{edge}/v1/sites"), &admin()?, None)?;
            for site in answer["sites"].as_array().into_iter().flatten() {
                println!("{:<20} {}", site["site"].as_str().unwrap_or("?"), site["name"].as_str().unwrap_or(""));
            }
        }
        Some("config") => {
            let site = args.words.get(1).context(USAGE)?;
            let key = args.one("key").context("--key OWNER_KEY is required")?;
            let url = format!("{edge}/v1/sites/{site}");
            let mut patch = Map::new();
            if let Some(name) = args.one("name") {
                patch.insert("name".into(), json!(name));
            }
            if !args.all("origin").is_empty() {
                patch.insert("origins".into(), json!(args.all("origin")));
            }
            let changes = widget();
            if !changes.is_empty() {
                // The widget configuration is replaced whole: start from the current one.
                let mut current = send("GET", &url, key, None)?["widget"].as_object().cloned().unwrap_or_default();
                current.extend(changes);
                patch.insert("widget".into(), Value::Object(current));
            }
            let answer = if patch.is_empty() { send("GET", &url, key, None)? } else { send("PATCH", &url, key, Some(&Value::Object(patch)))? };
            println!("{}", serde_json::to_string_pretty(&answer)?);
        }
        _ => bail!("{USAGE}"),
    }
    Ok(())
}

fn send(method: &str, url: &str, token: &str, body: Option<&Value>) -> Result<Value> {
    let bytes = body.map(|b| b.to_string().into_bytes());
    let answer = api::request(method, url, &[("authorization", &format!("Bearer {token}")), ("content-type", "application/json")], bytes.as_deref())?;
    if answer.status >= 300 {
        bail!("{method} {url}: {} {}", answer.status, answer.json()["error"]["message"].as_str().unwrap_or(&answer.body));
    }
    Ok(answer.json())
}
