//! The sayso Worker: the router, and nothing else. It looks each request up in the one route
//! table (`routes/table.rs`) and calls the handler the table names; each route lives in
//! `routes/`, the per-site storage in `site/`, and the HTTP plumbing in `http.rs`.

mod directory;
mod failure;
mod http;
mod routes;
mod site;

pub use directory::SiteDirectory;
pub use site::SiteObject;

use worker::{event, Context, Env, Request, Response};

use http::Failure;
use routes::table::{self, Handler, Lookup};

/// The routes this build answers.
#[cfg(not(feature = "bench"))]
const TABLES: &[&[table::Route]] = &[table::ROUTES];
#[cfg(feature = "bench")]
const TABLES: &[&[table::Route]] = &[table::ROUTES, table::BENCH_ROUTES];

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let path = req.path();
    let result = match table::find(TABLES, req.method().as_ref(), &path) {
        Lookup::Route(handler, captured) => answer(handler, &captured, req, &env).await,
        Lookup::MethodNotAllowed(allowed) => Err(Failure::MethodNotAllowed(allowed)),
        Lookup::NotFound => Err(Failure::NotFound),
    };
    http::finish(result)
}

/// Calls the handler the table named, with the path's `{…}` segments.
async fn answer(handler: Handler, captured: &[&str], req: Request, env: &Env) -> Result<Response, Failure> {
    // The table's patterns give each handler the segments it needs; a missing one is a table bug.
    let segment = |i: usize| captured.get(i).copied().ok_or_else(|| Failure::Internal(format!("route {handler:?} lacks segment {i}")));
    match handler {
        Handler::Health => routes::health(),
        Handler::Embed => routes::assets::embed(),
        Handler::OpenApi => routes::openapi(),
        Handler::WidgetFile => routes::assets::file(segment(0)?),
        Handler::CreateSite => routes::sites::create(req, env).await,
        Handler::ListSites => routes::sites::list(&req, env).await,
        Handler::Dashboard => routes::dashboard::file(""),
        Handler::DashboardView => routes::dashboard::view(&req, env).await,
        Handler::DashboardFile => routes::dashboard::file(segment(0)?),
        Handler::DashboardPart => routes::dashboard::part(&req, env, segment(0)?).await,
        Handler::ReadSettings => routes::sites::settings(&req, env, segment(0)?).await,
        Handler::ChangeSettings => routes::sites::change_settings(req, env, segment(0)?).await,
        Handler::Deliveries => routes::sites::deliveries(&req, env, segment(0)?).await,
        Handler::RotateKey => routes::sites::rotate_key(&req, env, segment(0)?).await,
        Handler::EraseSite => routes::erase::delete(&req, env, segment(0)?).await,
        Handler::WebhookTest => routes::sites::webhook_test(&req, env, segment(0)?).await,
        Handler::AlertTest => routes::alerts::test(req, env, segment(0)?).await,
        Handler::Config => routes::config::get(&req, env, segment(0)?).await,
        Handler::Submit => routes::submit::post(req, env, segment(0)?).await,
        Handler::SubmitPreflight => routes::submit::preflight(&req, env, segment(0)?).await,
        Handler::Summary => routes::summary::get(&req, env, segment(0)?).await,
        Handler::Feedback => routes::feedback::list(&req, env, segment(0)?).await,
        Handler::Delete => routes::feedback::delete(&req, env, segment(0)?, segment(1)?).await,
        Handler::DeletePreflight => routes::feedback::preflight(&req, env, segment(0)?).await,
        Handler::Triage => routes::triage::patch(req, env, segment(0)?, segment(1)?).await,
        Handler::BulkTriage => routes::triage::bulk(req, env, segment(0)?).await,
        Handler::PutReply => routes::replies::put(req, env, segment(0)?, segment(1)?).await,
        Handler::DeleteReply => routes::replies::delete(&req, env, segment(0)?, segment(1)?).await,
        Handler::CheckReplies => routes::replies::check(req, env, segment(0)?).await,
        Handler::CheckRepliesPreflight => routes::replies::check_preflight(&req, env, segment(0)?).await,
        Handler::Followup => routes::replies::followup(req, env, segment(0)?, segment(1)?).await,
        Handler::FollowupPreflight => routes::replies::followup_preflight(&req, env, segment(0)?).await,
        Handler::ExportCsv => routes::export::get(&req, env, segment(0)?, sayso_core::export::ExportFormat::Csv).await,
        Handler::ExportNdjson => routes::export::get(&req, env, segment(0)?, sayso_core::export::ExportFormat::Ndjson).await,
        Handler::QuoteConsent => routes::quotes::consent(req, env, segment(0)?, segment(1)?).await,
        Handler::QuoteWithdraw => routes::quotes::withdraw(req, env, segment(0)?, segment(1)?).await,
        Handler::QuoteDecide => routes::quotes::decide(req, env, segment(0)?, segment(1)?).await,
        Handler::QuotePreflight => routes::quotes::preflight(&req, env, segment(0)?).await,
        Handler::Testimonials => routes::testimonials::get(&req, env, segment(0)?).await,
        Handler::Badge => routes::badge::get(&req, env, segment(0)?).await,
        Handler::MakeLink => routes::links::post(req, env, segment(0)?).await,
        Handler::RateLink => routes::rate_page::get(&req, env, segment(0)?).await,
        Handler::RateLinkForm => routes::rate_page::post(req, env, segment(0)?).await,
        #[cfg(feature = "bench")]
        Handler::BenchSeed => routes::sites::bench_seed(req, env, segment(0)?).await,
        #[cfg(feature = "bench")]
        Handler::BenchMeter => routes::sites::bench_meter(&req, env, segment(0)?).await,
        #[cfg(feature = "bench")]
        Handler::BenchRewind => routes::sites::bench_rewind(req, env, segment(0)?).await,
        #[cfg(feature = "bench")]
        Handler::BenchAlerts => routes::alerts::bench(&req, env, segment(0)?).await,
        #[cfg(not(feature = "bench"))]
        Handler::BenchSeed | Handler::BenchMeter | Handler::BenchRewind | Handler::BenchAlerts => Err(Failure::NotFound),
    }
}
