//! The sayso Worker: the router, and nothing else. Each route lives in `routes/`, the per-site
//! storage in `site.rs`, and the HTTP plumbing in `http.rs`.

mod directory;
mod http;
mod routes;
mod site;

pub use directory::SiteDirectory;
pub use site::SiteObject;

use worker::{event, Context, Env, Method, Request, Response};

use http::Failure;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let result = match (req.method(), segments.as_slice()) {
        (Method::Get | Method::Head, ["healthz"]) => routes::health(),
        (Method::Get | Method::Head, ["v1", "embed.js"]) => routes::assets::embed(),
        (Method::Get, ["v1", "openapi.json"]) => routes::openapi(),
        (Method::Get | Method::Head, ["v1", "widget", file]) => routes::assets::file(file),
        (Method::Post, ["v1", "sites"]) => routes::sites::create(req, &env).await,
        (Method::Get, ["v1", "sites"]) => routes::sites::list(&req, &env).await,
        (Method::Get, ["dashboard"]) => routes::dashboard::file(""),
        (Method::Get, ["dashboard", "view"]) => routes::dashboard::view(&req, &env).await,
        (Method::Get, ["dashboard", file]) => routes::dashboard::file(file),
        (Method::Get, ["v1", "sites", site]) => routes::sites::owner(req, &env, site, Method::Get, "/settings").await,
        (Method::Patch, ["v1", "sites", site]) => routes::sites::owner(req, &env, site, Method::Patch, "/settings").await,
        (Method::Get, ["v1", "sites", site, "webhook-deliveries"]) => routes::sites::owner(req, &env, site, Method::Get, "/webhook-deliveries").await,
        (Method::Post, ["v1", "sites", site, "keys"]) => routes::sites::owner(req, &env, site, Method::Post, "/keys").await,
        (Method::Get | Method::Head, ["v1", "sites", site, "config"]) => routes::config::get(&req, &env, site).await,
        (Method::Post, ["v1", "sites", site, "feedback"]) => routes::submit::post(req, &env, site).await,
        (Method::Options, ["v1", "sites", site, "feedback"]) => routes::submit::preflight(req, &env, site).await,
        (Method::Get, ["v1", "sites", site, "summary"]) => routes::summary::get(&req, &env, site).await,
        (Method::Get, ["v1", "sites", site, "feedback"]) => routes::feedback::list(&req, &env, site).await,
        (Method::Delete, ["v1", "sites", site, "feedback", id]) => routes::feedback::delete(&req, &env, site, id).await,
        (Method::Options, ["v1", "sites", site, "feedback", _]) => routes::feedback::preflight(&req, &env, site).await,
        (Method::Get, ["v1", "sites", site, "export.csv"]) => routes::export::get(&req, &env, site, routes::export::Format::Csv).await,
        (Method::Get, ["v1", "sites", site, "export.ndjson"]) => routes::export::get(&req, &env, site, routes::export::Format::Ndjson).await,
        #[cfg(feature = "bench")]
        (Method::Post, ["v1", "sites", site, "bench-seed"]) => routes::sites::bench_seed(req, &env, site).await,
        (_, known) => match routes::allowed_methods(known) {
            Some(allowed) => Err(Failure::MethodNotAllowed(allowed)),
            None => Err(Failure::NotFound),
        },
    };
    http::finish(result)
}
