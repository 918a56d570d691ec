//! The one route table: every method and path the Worker answers, the handler that answers it,
//! and whether `worker/openapi.json` documents it. The router (`lib.rs`), the `Allow` header of
//! a 405 and the check against the OpenAPI document (`tests/tests/routes.rs`, on the host) all
//! read this table; it uses only core Rust so that test can compile it as it is.

/// What answers a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handler {
    /// `routes::health`.
    Health,
    /// `routes::assets::embed`.
    Embed,
    /// `routes::openapi`.
    OpenApi,
    /// `routes::assets::file`.
    WidgetFile,
    /// `routes::sites::list`.
    ListSites,
    /// `routes::sites::create`.
    CreateSite,
    /// `routes::dashboard::file("")`.
    Dashboard,
    /// `routes::dashboard::view`.
    DashboardView,
    /// `routes::dashboard::file`.
    DashboardFile,
    /// `routes::dashboard::part`: one of the app's other views (inbox, settings, operations, sites).
    DashboardPart,
    /// `routes::sites::settings`.
    ReadSettings,
    /// `routes::sites::change_settings`.
    ChangeSettings,
    /// `routes::sites::deliveries`.
    Deliveries,
    /// `routes::sites::rotate_key`.
    RotateKey,
    /// `routes::erase::delete`.
    EraseSite,
    /// `routes::sites::webhook_test`.
    WebhookTest,
    /// `routes::alerts::test`.
    AlertTest,
    /// `routes::config::get`.
    Config,
    /// `routes::submit::post`.
    Submit,
    /// `routes::submit::preflight`.
    SubmitPreflight,
    /// `routes::summary::get`.
    Summary,
    /// `routes::feedback::list`.
    Feedback,
    /// `routes::feedback::delete`.
    Delete,
    /// `routes::feedback::preflight`.
    DeletePreflight,
    /// `routes::triage::patch`.
    Triage,
    /// `routes::triage::bulk`.
    BulkTriage,
    /// `routes::replies::put`.
    PutReply,
    /// `routes::replies::delete`.
    DeleteReply,
    /// `routes::replies::check`.
    CheckReplies,
    /// `routes::replies::check_preflight`.
    CheckRepliesPreflight,
    /// `routes::replies::followup`.
    Followup,
    /// `routes::replies::followup_preflight`.
    FollowupPreflight,
    /// `routes::export::get` as CSV.
    ExportCsv,
    /// `routes::export::get` as NDJSON.
    ExportNdjson,
    /// `routes::quotes::consent`.
    QuoteConsent,
    /// `routes::quotes::withdraw`.
    QuoteWithdraw,
    /// `routes::quotes::decide`.
    QuoteDecide,
    /// `routes::quotes::preflight`.
    QuotePreflight,
    /// `routes::testimonials::get`.
    Testimonials,
    /// `routes::badge::get`.
    Badge,
    /// `routes::links::post`: a new rating link.
    MakeLink,
    /// `routes::rate_page::get`: a rating link clicked.
    RateLink,
    /// `routes::rate_page::post`: a rating link's comment form.
    RateLinkForm,
    /// `routes::sites::bench_seed` (bench builds only).
    #[allow(dead_code)] // constructed only by `BENCH_ROUTES`, which only bench builds route
    BenchSeed,
    /// `routes::sites::bench_meter` (bench builds only).
    #[allow(dead_code)] // constructed only by `BENCH_ROUTES`, which only bench builds route
    BenchMeter,
    /// `routes::sites::bench_rewind` (bench builds only).
    #[allow(dead_code)] // constructed only by `BENCH_ROUTES`, which only bench builds route
    BenchRewind,
    /// `routes::alerts::bench` (bench builds only).
    #[allow(dead_code)] // constructed only by `BENCH_ROUTES`, which only bench builds route
    BenchAlerts,
}

/// One operation: a method on a path pattern (`{name}` matches any one segment).
#[derive(Clone, Copy, Debug)]
pub struct Route {
    /// The method, upper case.
    pub method: &'static str,
    /// The path pattern, as `worker/openapi.json` writes it.
    pub path: &'static str,
    /// What answers it.
    pub handler: Handler,
    /// Whether the OpenAPI document lists it (HEAD twins and the dashboard are not the API).
    #[allow(dead_code)] // read by the host test against worker/openapi.json, not by the Worker
    pub documented: bool,
}

const fn api(method: &'static str, path: &'static str, handler: Handler) -> Route {
    Route { method, path, handler, documented: true }
}

const fn unlisted(method: &'static str, path: &'static str, handler: Handler) -> Route {
    Route { method, path, handler, documented: false }
}

/// Every route, in the order the router tries them (the first match wins).
pub const ROUTES: &[Route] = &[
    api("GET", "/healthz", Handler::Health),
    unlisted("HEAD", "/healthz", Handler::Health),
    api("GET", "/v1/embed.js", Handler::Embed),
    unlisted("HEAD", "/v1/embed.js", Handler::Embed),
    api("GET", "/v1/openapi.json", Handler::OpenApi),
    api("GET", "/v1/widget/{file}", Handler::WidgetFile),
    unlisted("HEAD", "/v1/widget/{file}", Handler::WidgetFile),
    api("POST", "/v1/sites", Handler::CreateSite),
    api("GET", "/v1/sites", Handler::ListSites),
    unlisted("GET", "/dashboard", Handler::Dashboard),
    unlisted("GET", "/dashboard/view", Handler::DashboardView),
    unlisted("GET", "/dashboard/{file}", Handler::DashboardFile),
    unlisted("GET", "/dashboard/view/{part}", Handler::DashboardPart),
    api("GET", "/v1/sites/{site}", Handler::ReadSettings),
    api("PATCH", "/v1/sites/{site}", Handler::ChangeSettings),
    api("GET", "/v1/sites/{site}/webhook-deliveries", Handler::Deliveries),
    api("POST", "/v1/sites/{site}/keys", Handler::RotateKey),
    api("DELETE", "/v1/sites/{site}", Handler::EraseSite),
    api("POST", "/v1/sites/{site}/webhook-test", Handler::WebhookTest),
    api("POST", "/v1/sites/{site}/alert-test", Handler::AlertTest),
    api("GET", "/v1/sites/{site}/config", Handler::Config),
    unlisted("HEAD", "/v1/sites/{site}/config", Handler::Config),
    api("POST", "/v1/sites/{site}/feedback", Handler::Submit),
    api("OPTIONS", "/v1/sites/{site}/feedback", Handler::SubmitPreflight),
    api("GET", "/v1/sites/{site}/summary", Handler::Summary),
    api("GET", "/v1/sites/{site}/feedback", Handler::Feedback),
    api("DELETE", "/v1/sites/{site}/feedback/{id}", Handler::Delete),
    api("OPTIONS", "/v1/sites/{site}/feedback/{id}", Handler::DeletePreflight),
    api("PATCH", "/v1/sites/{site}/feedback/{id}", Handler::Triage),
    api("POST", "/v1/sites/{site}/feedback/triage", Handler::BulkTriage),
    api("PUT", "/v1/sites/{site}/feedback/{id}/reply", Handler::PutReply),
    api("DELETE", "/v1/sites/{site}/feedback/{id}/reply", Handler::DeleteReply),
    api("POST", "/v1/sites/{site}/replies", Handler::CheckReplies),
    api("OPTIONS", "/v1/sites/{site}/replies", Handler::CheckRepliesPreflight),
    api("POST", "/v1/sites/{site}/feedback/{id}/followup", Handler::Followup),
    api("OPTIONS", "/v1/sites/{site}/feedback/{id}/followup", Handler::FollowupPreflight),
    api("GET", "/v1/sites/{site}/export.csv", Handler::ExportCsv),
    api("GET", "/v1/sites/{site}/export.ndjson", Handler::ExportNdjson),
    api("POST", "/v1/sites/{site}/links", Handler::MakeLink),
    api("GET", "/r/{token}", Handler::RateLink),
    api("POST", "/r/{token}", Handler::RateLinkForm),
    api("PUT", "/v1/sites/{site}/feedback/{id}/quote", Handler::QuoteConsent),
    api("DELETE", "/v1/sites/{site}/feedback/{id}/quote", Handler::QuoteWithdraw),
    api("PATCH", "/v1/sites/{site}/feedback/{id}/quote", Handler::QuoteDecide),
    api("OPTIONS", "/v1/sites/{site}/feedback/{id}/quote", Handler::QuotePreflight),
    api("GET", "/v1/sites/{site}/testimonials", Handler::Testimonials),
    api("GET", "/v1/sites/{site}/badge.svg", Handler::Badge),
];

/// The routes of bench builds only (`--features bench`; never deployed, never documented).
/// They take no part in `Allow`: a bench build answers other methods on them 404, as any build.
#[allow(dead_code)] // routed by bench builds only
pub const BENCH_ROUTES: &[Route] = &[
    unlisted("POST", "/v1/sites/{site}/bench-seed", Handler::BenchSeed),
    unlisted("GET", "/v1/sites/{site}/bench-meter", Handler::BenchMeter),
    unlisted("POST", "/v1/sites/{site}/bench-rewind", Handler::BenchRewind),
    unlisted("POST", "/v1/sites/{site}/bench-alerts", Handler::BenchAlerts),
];

/// The order methods are listed in an `Allow` header.
const METHOD_ORDER: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// How a request path splits into segments (leading slashes dropped).
pub fn segments(path: &str) -> Vec<&str> {
    path.trim_start_matches('/').split('/').collect()
}

impl Route {
    /// The path's `{…}` segments, in order, if the path has this route's pattern.
    pub fn capture<'a>(&self, path: &[&'a str]) -> Option<Vec<&'a str>> {
        let pattern = segments(self.path);
        if pattern.len() != path.len() {
            return None;
        }
        let mut captured = Vec::new();
        for (want, have) in pattern.iter().zip(path) {
            if want.starts_with('{') {
                captured.push(*have);
            } else if want != have {
                return None;
            }
        }
        Some(captured)
    }
}

/// What the table says of a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The first route with this method and path, and the path's captured segments.
    Route(Handler, Vec<&'a str>),
    /// The path is known, the method is not: the methods it accepts, for `Allow`.
    MethodNotAllowed(String),
    /// No route has this path.
    NotFound,
}

/// Looks a request up in `routes` (the table, plus `BENCH_ROUTES` in bench builds).
pub fn find<'a>(routes: &[&[Route]], method: &str, path: &'a str) -> Lookup<'a> {
    let path = segments(path);
    for route in routes.iter().flat_map(|r| r.iter()) {
        if route.method == method {
            if let Some(captured) = route.capture(&path) {
                return Lookup::Route(route.handler, captured);
            }
        }
    }
    let allowed: Vec<&str> = METHOD_ORDER.into_iter().filter(|m| ROUTES.iter().any(|r| r.method == *m && r.capture(&path).is_some())).collect();
    if allowed.is_empty() {
        Lookup::NotFound
    } else {
        Lookup::MethodNotAllowed(allowed.join(", "))
    }
}
