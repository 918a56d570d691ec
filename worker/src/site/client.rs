//! The Worker's typed caller of a site's objects: one method per call, each answering
//! `Result<_, Failure>`; the internal request and its JSON envelope stay in here, and so does
//! which shard a call goes to (a submission's by the map, a read's to every shard, `merge.rs`).

use futures_util::future::join_all;
use sayso_core::{export::ExportFormat, FeedbackPage, OwnerKey, SiteConfig, SiteId, SiteView, Submission, SubmitOutcome, Summary};
use worker::{ByteStream, Env, Method, Request, RequestInit, Response, Stub};

use super::call::{self, Ask, Call, Credential, Fanned, Routed, SettingsChange, Visitor};
use super::counts::ShardCounts;
use super::export::{NEXT, SHARDS, STREAMED};
use super::merge;
use super::query::{FeedbackQuery, ListCursor, SummaryQuery};
use super::settings::SiteRecord;
use crate::http::Failure;

/// An answer's `Result<Answer, Failure>`: a refusal arrives as the `Failure` it was.
async fn read_answer<A: Ask>(answer: &mut Response) -> Result<A::Answer, Failure> {
    let reply: Result<A::Answer, Failure> =
        serde_json::from_slice(&answer.bytes().await?).map_err(|e| Failure::Internal(format!("the site's answer: {e}")))?;
    reply
}

/// The caller of one site's objects (shard 0's stub at hand: settings live there).
pub struct SiteClient {
    env: Env,
    pub(super) site: SiteId,
    shard: u32,
    stub: Stub,
    /// The filters its exports apply (`filtered`); none by default.
    filters: FeedbackQuery,
}

/// The caller of `site`'s object (`id_from_name(site)`, its shard 0).
pub fn client(env: &Env, site: &SiteId) -> Result<SiteClient, Failure> {
    SiteClient::shard(env, site, 0)
}

/// One export call's stream, where the site's next call starts, and how many shards it has.
pub struct ExportCall {
    /// The call's rows, as text.
    pub body: ByteStream,
    /// Where this shard's next call starts, if more of its rows follow.
    pub next: Option<ListCursor>,
    /// Shards `0..shards` hold the site's submissions (what shard 0 said; 1 from the others).
    pub shards: u32,
}

impl SiteClient {
    /// The caller of shard `shard` of `site`: shard 0 is `id_from_name(site)`, as every site had
    /// before shards; shard k is `id_from_name("{site}/{k}")`, a name no site id can be.
    pub fn shard(env: &Env, site: &SiteId, shard: u32) -> Result<SiteClient, Failure> {
        let name = if shard == 0 { site.as_str().to_owned() } else { format!("{}/{shard}", site.as_str()) };
        let stub = env.durable_object("SITES")?.id_from_name(&name)?.get_stub()?;
        Ok(SiteClient { env: env.clone(), site: site.clone(), shard, stub, filters: FeedbackQuery::default() })
    }

    /// This caller, its exports holding only the rows `filters` keep (the list's filters).
    pub fn filtered(self, filters: FeedbackQuery) -> SiteClient {
        SiteClient { filters, ..self }
    }

    /// The caller of another shard of this site.
    fn on(&self, shard: u32) -> Result<SiteClient, Failure> {
        SiteClient::shard(&self.env, &self.site, shard)
    }

    /// Sends one call and reads its answer: the object always answers 200 with
    /// `Result<Answer, Failure>`, so a refusal arrives as the `Failure` it was.
    async fn ask<A: Ask>(&self, call: A) -> Result<A::Answer, Failure> {
        let mut answer = self.send(call).await?;
        read_answer::<A>(&mut answer).await
    }

    /// `ask` of shard `shard` (this caller's own stub if it is that shard).
    pub(super) async fn ask_at<A: Ask>(&self, shard: u32, call: A) -> Result<A::Answer, Failure> {
        if shard == self.shard {
            return self.ask(call).await;
        }
        self.on(shard)?.ask(call).await
    }

    /// Sends one call; its answer as the object gave it.
    async fn send<A: Ask>(&self, call: A) -> Result<Response, Failure> {
        let body = serde_json::to_string(&Into::<Call>::into(call)).map_err(|e| Failure::Internal(format!("a call to the site: {e}")))?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_body(Some(body.into()));
        Ok(self.stub.fetch_with_request(Request::new_with_init("https://site.internal/", &init)?).await?)
    }

    /// A call about one submission, on the shard the map gives it: the cached map's (one
    /// shard's if none), and once more by the map a shard answers if that one says
    /// `Elsewhere` (it refuses before writing anything, so a stale map never counts twice).
    pub(super) async fn routed<A: Ask<Answer = Routed<T>>, T>(&self, id: &sayso_core::SubmissionId, call: impl Fn() -> A) -> Result<T, Failure> {
        let mut map = merge::cached_map(&self.site);
        // Whether `map` is one a shard answered in this call (else the isolate's cache).
        let mut answered = false;
        for _ in 0..3 {
            let shard = map.as_ref().map_or(0, |m| m.shard_of(id));
            let answer = match self.ask_at(shard, call()).await {
                // The cached map may be a site's that was erased since (`erase.rs`: its shards
                // are empty, its id perhaps created anew): shard 0 says whether the site exists
                // and, by its map, whose the id is.
                Err(Failure::SiteNotFound) if shard > 0 && !answered => {
                    merge::forget_map(&self.site);
                    map = None;
                    continue;
                }
                // A shard the site's record has not reached yet (a failed push): a 5xx, which the
                // widget's outbox retries, never a 404, which it would take as final.
                Err(Failure::SiteNotFound) if shard > 0 => {
                    return Err(Failure::Internal(format!("shard {shard} of the site has no settings yet")));
                }
                other => other?,
            };
            match answer {
                Routed::Here(answer) => return Ok(answer),
                Routed::Elsewhere(fresh) => {
                    merge::remember_map(&self.site, &fresh);
                    map = Some(fresh);
                    answered = true;
                }
            }
        }
        Err(Failure::Internal("the site's shards disagree on a submission's shard".into()))
    }

    /// One shard's rows after `after` in `format`, as one call of the object streams them
    /// (`export::EXPORT_CALL_ROWS`), and where that shard's next call starts if more follow.
    /// The CSV header starts only the file (`header`).
    pub async fn export(
        &self,
        shard: u32,
        key: &Credential,
        format: ExportFormat,
        after: Option<ListCursor>,
        header: bool,
    ) -> Result<ExportCall, Failure> {
        let target = if shard == self.shard { None } else { Some(self.on(shard)?) };
        let mut answer =
            target.as_ref().unwrap_or(self).send(call::Export { key: key.clone(), format, after, header, filters: self.filters.clone() }).await?;
        if !answer.headers().has(STREAMED)? {
            read_answer::<call::Export>(&mut answer).await?;
            return Err(Failure::Internal("the site answered an export without its stream".into()));
        }
        let next = answer.headers().get(NEXT)?.map(|text| super::query::cursor(&text)).transpose()?;
        let shards = answer.headers().get(SHARDS)?.and_then(|n| n.parse().ok()).unwrap_or(1);
        Ok(ExportCall { body: answer.stream()?, next, shards })
    }

    /// Creates the site; `SiteExists` if it exists.
    pub async fn create(&self, record: SiteRecord) -> Result<(), Failure> {
        self.ask(call::Create { record }).await
    }

    /// The widget's public configuration in `lang`.
    pub async fn config(&self, lang: String) -> Result<SiteConfig, Failure> {
        self.ask(call::Config { lang }).await
    }

    /// Whether pages of `origin` may send feedback.
    pub async fn check_origin(&self, origin: &str) -> Result<(), Failure> {
        self.ask(call::CheckOrigin { origin: origin.to_owned() }).await
    }

    /// Stores a submission checked at the route, sent by `visitor` from a page of `origin`, on
    /// its shard.
    pub async fn submit(&self, submission: Submission, origin: &str, visitor: Visitor) -> Result<SubmitOutcome, Failure> {
        let id = submission.id.clone();
        self.routed(&id, || call::Submit { submission: submission.clone(), origin: origin.to_owned(), visitor: visitor.clone() }).await
    }

    /// The owner's numbers; a sharded site's merged from every shard's counts (one call each,
    /// at most `SHARDS_MAX`).
    pub async fn summary(&self, key: &Credential, query: SummaryQuery) -> Result<Summary, Failure> {
        // The channels' and attributes' counts are asked for at once, beside the summary's
        // (`channels.rs`, `attributes.rs`).
        let (summary, slices) = futures_util::future::join(self.counted_summary(key, query.clone()), self.slices(key, &query)).await;
        let (mut summary, slices) = (summary?, slices?);
        summary.channels = slices.channels;
        summary.breakdown = slices.breakdown;
        summary.attribute_keys = slices.keys;
        Ok(summary)
    }

    /// The summary's counts, without its channels.
    async fn counted_summary(&self, key: &Credential, query: SummaryQuery) -> Result<Summary, Failure> {
        let (shards, first) = match self.ask(call::ReadSummary { key: key.clone(), query: query.clone() }).await? {
            Fanned::Whole(summary) => return Ok(summary),
            Fanned::Part { shards, part } => (shards, part),
        };
        let rest = join_all((1..shards).map(|shard| self.ask_at(shard, call::ReadCounts { key: key.clone(), query: query.clone() }))).await;
        let parts: Vec<ShardCounts> = std::iter::once(Ok(first)).chain(rest).collect::<Result<_, Failure>>()?;
        merge::summary(self.site.as_str(), &query, parts)
    }

    /// A page of submissions for the owner; a sharded site's merged by `(received_at, id)` from
    /// every shard's page after the same cursor (one call each).
    pub async fn feedback(&self, key: &Credential, query: FeedbackQuery) -> Result<FeedbackPage, Failure> {
        let (shards, first) = match self.ask(call::ReadFeedback { key: key.clone(), query: query.clone() }).await? {
            Fanned::Whole(page) => return Ok(page),
            Fanned::Part { shards, part } => (shards, part),
        };
        if matches!(query.cursor, Some(ListCursor::Stored(_))) {
            return Err(Failure::InvalidQuery("cursor is not one this API gave out".into()));
        }
        let rest = join_all((1..shards).map(|shard| self.ask_at(shard, call::ReadFeedback { key: key.clone(), query: query.clone() }))).await;
        let mut pages = vec![first];
        for answer in rest {
            pages.push(match answer? {
                Fanned::Whole(page) | Fanned::Part { part: page, .. } => page,
            });
        }
        Ok(merge::feedback(&query, pages))
    }

    /// The site's settings.
    pub async fn settings(&self, key: &Credential) -> Result<SiteView, Failure> {
        self.ask(call::ReadSettings { key: key.clone() }).await
    }

    /// Changes the settings; answers the new ones.
    pub async fn change_settings(&self, key: &Credential, change: SettingsChange) -> Result<SiteView, Failure> {
        self.ask(call::ChangeSettings { key: key.clone(), change }).await
    }

    /// The settings before and after a change, tried and not stored.
    pub async fn try_settings(&self, key: &Credential, change: SettingsChange) -> Result<call::Tried, Failure> {
        self.ask(call::TrySettings { key: key.clone(), change }).await
    }

    /// A new owner key.
    pub async fn rotate_key(&self, key: &Credential) -> Result<OwnerKey, Failure> {
        self.ask(call::RotateKey { key: key.clone() }).await
    }

    /// Deletes a submission (`id` parsed at the route) by owner key or receipt, on its shard.
    pub async fn delete(&self, key: &Credential, id: &str) -> Result<(), Failure> {
        let parsed = sayso_core::SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)?;
        let vouched = self.vouched_beyond_shard_0(key, &parsed).await?;
        match self.routed(&parsed, || call::Delete { key: key.clone(), id: id.to_owned() }).await {
            // Shard 0 took the key, a shard > 0 did not: the cached map is stale (the site erased
            // and created anew with fewer shards); once more, routed by shard 0's.
            Err(Failure::Unauthorized) if vouched => {
                merge::forget_map(&self.site);
                self.routed(&parsed, || call::Delete { key: key.clone(), id: id.to_owned() }).await
            }
            other => other,
        }
    }

    /// Changes the owner's triage of submissions `ids` (parsed at the route); answers them,
    /// newest first. A sharded site's ids go to their shards, grouped (`triage_client.rs`).
    pub async fn triage(
        &self,
        key: &Credential,
        ids: Vec<sayso_core::SubmissionId>,
        change: sayso_core::Triage,
    ) -> Result<Vec<sayso_core::FeedbackItem>, Failure> {
        super::triage_client::triage(self, key, ids, change).await
    }

    /// Stores shard 0's record on this shard (shard 0's own call, `shards.rs`).
    pub async fn replicate(&self, record: SiteRecord) -> Result<(), Failure> {
        self.ask(call::Replicate { record }).await
    }

    /// An owner's input as the route parsed it. A refused input is reported only once the site
    /// and the key are known to be good, in the order the object has always answered: unknown
    /// site, then wrong key, then the input.
    pub async fn owners<T>(&self, key: &Credential, input: Result<T, Failure>) -> Result<T, Failure> {
        match input {
            Ok(input) => Ok(input),
            Err(refusal) => {
                self.ask(call::Vouch { key: key.clone() }).await?;
                Err(refusal)
            }
        }
    }

    /// Bench builds only: synthetic submissions.
    #[cfg(feature = "bench")]
    pub async fn seed(&self, seed: call::Seed) -> Result<call::Seeded, Failure> {
        self.ask(seed).await
    }

    /// Bench builds only: the last-30-days window counted from `first_day`.
    #[cfg(feature = "bench")]
    pub async fn rewind(&self, first_day: String) -> Result<(), Failure> {
        self.ask(call::Rewind { first_day }).await
    }

    /// Bench builds only: the rows read and written and the calls answered so far.
    #[cfg(feature = "bench")]
    pub async fn meter(&self) -> Result<call::Metered, Failure> {
        self.ask(call::Meter {}).await
    }
}
