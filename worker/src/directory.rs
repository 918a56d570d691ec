//! The `SiteDirectory` Durable Object: one instance that lists every site (id, name, created),
//! for the admin's `GET /v1/sites` and the dashboard's site list; a site erased leaves it. Each
//! site's data stays in its own `SiteObject`.

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, SqlStorage, State};

use crate::http::{self, Failure};

/// The one directory instance's name.
const NAME: &str = "directory";

/// One line of the directory.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// The site id.
    pub site: String,
    /// Its name.
    pub name: String,
    /// When it was created (ms since 1970).
    pub created_at: i64,
}

/// The directory's storage.
#[durable_object]
pub struct SiteDirectory {
    sql: SqlStorage,
    ready: Cell<bool>,
}

impl DurableObject for SiteDirectory {
    fn new(state: State, _env: Env) -> Self {
        Self { sql: state.storage().sql(), ready: Cell::new(false) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match (req.method(), req.path().as_str()) {
            (Method::Post, "/entry") => self.put(&mut req).await,
            (Method::Get, "/entries") => self.entries(),
            (Method::Post, "/remove") => self.remove(&mut req).await,
            _ => Err(Failure::NotFound),
        };
        match result {
            Ok(response) => Ok(response),
            Err(failure) => http::error_response(&failure),
        }
    }
}

impl SiteDirectory {
    fn ensure_schema(&self) -> Result<(), Failure> {
        if !self.ready.get() {
            self.sql.exec("CREATE TABLE IF NOT EXISTS site (site TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL)", None)?;
            self.ready.set(true);
        }
        Ok(())
    }

    async fn put(&self, req: &mut Request) -> Result<Response, Failure> {
        let entry: Entry = http::parse_json(&req.bytes().await?)?;
        self.ensure_schema()?;
        self.sql.exec(
            "INSERT INTO site (site, name, created_at) VALUES (?, ?, ?) ON CONFLICT (site) DO UPDATE SET name = excluded.name",
            vec![entry.site.into(), entry.name.into(), entry.created_at.into()],
        )?;
        Ok(Response::empty()?.with_status(204))
    }

    async fn remove(&self, req: &mut Request) -> Result<Response, Failure> {
        let site = String::from_utf8(req.bytes().await?).map_err(|e| Failure::BadJson(e.to_string()))?;
        self.ensure_schema()?;
        self.sql.exec("DELETE FROM site WHERE site = ?", vec![site.into()])?;
        Ok(Response::empty()?.with_status(204))
    }

    fn entries(&self) -> Result<Response, Failure> {
        self.ensure_schema()?;
        let entries: Vec<Entry> = self.sql.exec("SELECT site, name, created_at FROM site ORDER BY created_at, site", None)?.to_array()?;
        http::json(200, &serde_json::json!({ "sites": entries }))
    }
}

async fn ask(env: &Env, method: Method, op: &str, body: Option<String>) -> Result<Response, Failure> {
    let stub = env.durable_object("DIRECTORY")?.id_from_name(NAME)?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(method);
    if let Some(body) = body {
        init.with_body(Some(body.into()));
    }
    Ok(stub.fetch_with_request(Request::new_with_init(&format!("https://directory.internal{op}"), &init)?).await?)
}

/// Adds a site to the directory, or updates its name.
pub async fn put(env: &Env, entry: &Entry) -> Result<(), Failure> {
    let body = serde_json::to_string(entry).map_err(|e| Failure::Internal(e.to_string()))?;
    let answer = ask(env, Method::Post, "/entry", Some(body)).await?;
    if answer.status_code() != 204 {
        return Err(Failure::Internal(format!("directory answered {}", answer.status_code())));
    }
    Ok(())
}

/// Takes a site off the directory (nothing if it is not on it).
pub async fn remove(env: &Env, site: &str) -> Result<(), Failure> {
    let answer = ask(env, Method::Post, "/remove", Some(site.to_owned())).await?;
    if answer.status_code() != 204 {
        return Err(Failure::Internal(format!("directory answered {}", answer.status_code())));
    }
    Ok(())
}

/// Every site, oldest first, as entries (the admin's site list pages through them).
pub async fn entries(env: &Env) -> Result<Vec<Entry>, Failure> {
    #[derive(Deserialize)]
    struct Listed {
        sites: Vec<Entry>,
    }
    let mut answer = ask(env, Method::Get, "/entries", None).await?;
    if answer.status_code() != 200 {
        return Err(Failure::Internal(format!("directory answered {}", answer.status_code())));
    }
    Ok(http::parse_json::<Listed>(&answer.bytes().await?)?.sites)
}

/// Every site, oldest first, as the JSON body of `GET /v1/sites`.
pub async fn list(env: &Env) -> Result<Response, Failure> {
    let mut answer = ask(env, Method::Get, "/entries", None).await?;
    let status = answer.status_code();
    Ok(Response::from_bytes(answer.bytes().await?)?.with_status(status))
}
