//! The `SiteObject` Durable Object: one per site (`id_from_name(site)`), or one per shard of a
//! hot site (`shards.rs`), on SQLite storage, the single writer of its submissions and counts
//! (shard 0 of the site's settings). This is its index: the struct,
//! and the one `match` from each typed call (`call.rs`) to the room that answers it.
//!
//! The Worker calls it through `client.rs`; every write is one transaction (`tx.rs`), so a
//! submission and the counts it moves are stored together or not at all.

// First, with its macros: `add_to_daily!` is the one way counts move, retention's too.
#[macro_use]
mod counting;
mod schema;

mod abuse;
mod alarm;
mod alerts;
mod alerts_client;
mod answers;
mod attributes;
pub mod call;
mod change;
mod channels;
mod client;
mod counts;
mod digest;
mod dry_run;
mod erase;
mod export;
mod glance;
mod links;
mod merge;
mod merged_export;
mod meter;
mod ops_client;
pub mod query;
mod quote_client;
mod quotes;
mod reads;
mod recent;
pub mod refusal;
mod replies;
mod replies_client;
mod replies_visitor;
mod retention;
mod rollups;
mod search;
#[cfg(feature = "bench")]
mod seed;
mod settings;
mod shards;
mod submissions;
mod triage;
mod triage_client;
mod tx;
mod webhooks;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use serde::Serialize;
use wasm_bindgen::JsCast;
use worker::{durable_object, DurableObject, Env, Request, Response, State};

pub use call::{Credential, SettingsChange, Visitor};
pub use client::{client, ExportCall, SiteClient};
pub use digest::TestKind;
pub use links::{LinkRated, MakeLink, RateByLink};
pub use merge::forget_map;
pub use merged_export::MergedExport;
pub use query::{FeedbackQuery, SummaryQuery};
pub use quotes::QuoteAct;
pub use settings::{new_owner_key, SiteRecord};
pub use webhooks::Attempt;

use crate::http::{self, Failure};
use call::{Ask, Call};

/// One site's storage.
#[durable_object]
pub struct SiteObject {
    sql: meter::Sql,
    /// For the alarm (webhook deliveries, retention).
    alarms: worker::Storage,
    storage: Option<tx::JsStorage>,
    schema_ready: Cell<bool>,
    /// The rate-limit buckets of opted-out visitors (and of visitors who were opted out within
    /// the minute), by visitor key: in memory only, never stored, bounded (`abuse.rs`).
    visitors: RefCell<HashMap<String, abuse::Bucket>>,
    /// For shard 0's calls to the site's other shards (`shards.rs`).
    env: Env,
    /// The stored record as last read (`settings.rs`): every call reads it, and parsing it each
    /// time was a good part of a submission's work. Emptied by every write of it, and again at
    /// the end of the transaction that wrote it (`written`), so a rolled-back write is never
    /// remembered.
    record: RefCell<Option<SiteRecord>>,
    written: Cell<bool>,
}

impl DurableObject for SiteObject {
    fn new(state: State, env: Env) -> Self {
        let alarms = state.storage();
        let sql = meter::Sql::new(alarms.sql());
        let storage = state._inner().storage().ok().map(JsCast::unchecked_into);
        Self {
            sql,
            alarms,
            storage,
            schema_ready: Cell::new(false),
            visitors: RefCell::default(),
            env,
            record: RefCell::default(),
            written: Cell::new(false),
        }
    }

    /// Retention and webhook deliveries (`alarm.rs`). An error here is one the alarm could not
    /// arm itself again after: thrown, so the runtime retries the alarm (six times, from 2 s).
    async fn alarm(&self) -> worker::Result<Response> {
        self.run_alarm().await.map_err(|failure| worker::Error::RustError(format!("alarm: {failure}")))?;
        Response::empty()
    }

    /// Every call arrives as one JSON `Call` and is answered 200 with `Result<Answer, Failure>`.
    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let body = match http::parse_json::<Call>(&req.bytes().await?) {
            // The meter reads the totals before this call adds to them.
            #[cfg(feature = "bench")]
            Ok(Call::Meter(_)) => reply::<call::Meter>(Ok(self.sql.metered())),
            // The export answers with its stream: the one call whose body is not JSON.
            Ok(Call::Export(c)) => {
                let streamed = self.export(c);
                self.sql.end_call();
                match streamed {
                    Ok(response) => return Ok(response),
                    Err(failure) => reply::<call::Export>(Err(failure)),
                }
            }
            Ok(call) => {
                let answer = self.answer(call).await;
                self.sql.end_call();
                answer
            }
            Err(failure) => reply::<call::Vouch>(Err(failure)),
        };
        Response::ok(body)
    }
}

impl SiteObject {
    /// The dispatch: each call to the room that owns it, its answer typed by `Ask`.
    async fn answer(&self, call: Call) -> String {
        match call {
            Call::Create(c) => reply::<call::Create>(self.create(c).await),
            Call::Config(c) => reply::<call::Config>(self.config(c)),
            Call::CheckOrigin(c) => reply::<call::CheckOrigin>(self.check_origin(&c).map(|_| ())),
            Call::Submit(c) => reply::<call::Submit>(self.submit(c).await),
            Call::ReadSummary(c) => reply::<call::ReadSummary>(self.summary(c)),
            Call::ReadFeedback(c) => reply::<call::ReadFeedback>(self.feedback(c)),
            // `fetch` answers it with its stream, before this dispatch.
            Call::Export(_) => reply::<call::Export>(Err(Failure::Internal("an export is answered with its stream".into()))),
            Call::ReadSettings(c) => reply::<call::ReadSettings>(self.read_settings(c)),
            Call::ChangeSettings(c) => reply::<call::ChangeSettings>(self.change_settings(c).await),
            Call::TrySettings(c) => reply::<call::TrySettings>(self.try_settings(c)),
            Call::RotateKey(c) => reply::<call::RotateKey>(self.rotate_key(c).await),
            Call::ReadDeliveries(c) => reply::<call::ReadDeliveries>(self.deliveries(c)),
            Call::Delete(c) => reply::<call::Delete>(self.delete(c).await),
            Call::Vouch(c) => reply::<call::Vouch>(self.vouch(c)),
            Call::Replicate(c) => reply::<call::Replicate>(self.replicate(c).await),
            Call::ReadCounts(c) => reply::<call::ReadCounts>(self.read_counts(c)),
            Call::ChangeTriage(c) => reply::<call::ChangeTriage>(self.change_triage(c)),
            Call::Erase(c) => reply::<call::Erase>(self.erase(c).await),
            Call::EraseShard(c) => reply::<call::EraseShard>(self.erase_shard(c).await),
            Call::WebhookTest(c) => reply::<call::WebhookTest>(self.queue_test_event(c).await),
            Call::Glance(c) => reply::<call::Glance>(self.glance(c)),
            Call::AlertTest(c) => reply::<call::AlertTest>(self.queue_alert_test(c).await),
            #[cfg(feature = "bench")]
            Call::JudgeAlerts(c) => reply::<call::JudgeAlerts>(self.judge_alerts_now(c).await),
            Call::PutReply(c) => reply::<call::PutReply>(self.put_reply(c)),
            Call::DeleteReply(c) => reply::<call::DeleteReply>(self.delete_reply(c)),
            Call::CheckReplies(c) => reply::<call::CheckReplies>(self.check_replies(c)),
            Call::Followup(c) => reply::<call::Followup>(self.followup(c)),
            Call::QuoteChange(c) => reply::<call::QuoteChange>(self.change_quote(c)),
            Call::ReadPublic(c) => reply::<call::ReadPublic>(self.read_public(c)),
            Call::MakeLink(c) => reply::<call::MakeLink>(self.make_link(c).await),
            Call::RateByLink(c) => reply::<call::RateByLink>(self.rate_by_link(c).await),
            Call::ReadChannels(c) => reply::<call::ReadChannels>(self.read_channels(c)),
            #[cfg(feature = "bench")]
            Call::Seed(c) => reply::<call::Seed>(self.seed(c)),
            #[cfg(feature = "bench")]
            Call::Meter(_) => reply::<call::Meter>(Ok(self.sql.metered())),
            #[cfg(feature = "bench")]
            Call::Rewind(c) => reply::<call::Rewind>(self.rewind(c)),
        }
    }
}

/// The JSON of an answer. A failure that cannot be written (it never should) becomes an
/// internal error, still as JSON the client reads.
fn reply<A: Ask>(result: Result<A::Answer, Failure>) -> String {
    fn text<T: Serialize>(result: &Result<T, Failure>) -> Result<String, serde_json::Error> {
        serde_json::to_string(result)
    }
    text(&result)
        .unwrap_or_else(|e| text::<()>(&Err(Failure::Internal(format!("an answer of the site could not be written: {e}")))).unwrap_or_default())
}
