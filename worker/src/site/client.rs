//! The Worker's typed caller of a site's object: one method per call, each answering
//! `Result<_, Failure>`; the internal request and its JSON envelope stay in here.

use sayso_core::{export::ExportFormat, FeedbackPage, OwnerKey, SiteConfig, SiteId, SiteView, Submission, SubmitOutcome, Summary};
use worker::{ByteStream, Env, Method, Request, RequestInit, Response, Stub};

use super::call::{self, Ask, Call, Credential, SettingsChange, Visitor};
use super::export::{NEXT, STREAMED};
use super::query::{FeedbackQuery, ListCursor, SummaryQuery};
use super::settings::SiteRecord;
use super::webhooks::Deliveries;
use crate::http::Failure;

/// An answer's `Result<Answer, Failure>`: a refusal arrives as the `Failure` it was.
async fn read_answer<A: Ask>(answer: &mut Response) -> Result<A::Answer, Failure> {
    let reply: Result<A::Answer, Failure> =
        serde_json::from_slice(&answer.bytes().await?).map_err(|e| Failure::Internal(format!("the site's answer: {e}")))?;
    reply
}

/// The caller of one site's object.
pub struct SiteClient {
    stub: Stub,
}

/// The caller of `site`'s object (`id_from_name(site)`).
pub fn client(env: &Env, site: &SiteId) -> Result<SiteClient, Failure> {
    Ok(SiteClient { stub: env.durable_object("SITES")?.id_from_name(site.as_str())?.get_stub()? })
}

impl SiteClient {
    /// Sends one call and reads its answer: the object always answers 200 with
    /// `Result<Answer, Failure>`, so a refusal arrives as the `Failure` it was.
    async fn ask<A: Ask>(&self, call: A) -> Result<A::Answer, Failure> {
        let mut answer = self.send(call).await?;
        read_answer::<A>(&mut answer).await
    }

    /// Sends one call; its answer as the object gave it.
    async fn send<A: Ask>(&self, call: A) -> Result<Response, Failure> {
        let body = serde_json::to_string(&Into::<Call>::into(call)).map_err(|e| Failure::Internal(format!("a call to the site: {e}")))?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_body(Some(body.into()));
        Ok(self.stub.fetch_with_request(Request::new_with_init("https://site.internal/", &init)?).await?)
    }

    /// The submissions after `after` in `format`, as one call of the object streams them
    /// (`export::EXPORT_CALL_ROWS`), and where the next call starts if more follow.
    pub async fn export(
        &self,
        key: &Credential,
        format: ExportFormat,
        after: Option<ListCursor>,
    ) -> Result<(ByteStream, Option<ListCursor>), Failure> {
        let header = after.is_none();
        let mut answer = self.send(call::Export { key: key.clone(), format, after, header }).await?;
        if !answer.headers().has(STREAMED)? {
            read_answer::<call::Export>(&mut answer).await?;
            return Err(Failure::Internal("the site answered an export without its stream".into()));
        }
        let next = answer.headers().get(NEXT)?.map(|text| super::query::cursor(&text)).transpose()?;
        Ok((answer.stream()?, next))
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

    /// Stores a submission checked at the route, sent by `visitor` from a page of `origin`.
    pub async fn submit(&self, submission: Submission, origin: &str, visitor: Visitor) -> Result<SubmitOutcome, Failure> {
        self.ask(call::Submit { submission, origin: origin.to_owned(), visitor }).await
    }

    /// The owner's numbers.
    pub async fn summary(&self, key: &Credential, query: SummaryQuery) -> Result<Summary, Failure> {
        self.ask(call::ReadSummary { key: key.clone(), query }).await
    }

    /// A page of submissions for the owner.
    pub async fn feedback(&self, key: &Credential, query: FeedbackQuery) -> Result<FeedbackPage, Failure> {
        self.ask(call::ReadFeedback { key: key.clone(), query }).await
    }

    /// The site's settings.
    pub async fn settings(&self, key: &Credential) -> Result<SiteView, Failure> {
        self.ask(call::ReadSettings { key: key.clone() }).await
    }

    /// Changes the settings; answers the new ones.
    pub async fn change_settings(&self, key: &Credential, change: SettingsChange) -> Result<SiteView, Failure> {
        self.ask(call::ChangeSettings { key: key.clone(), change }).await
    }

    /// A new owner key.
    pub async fn rotate_key(&self, key: &Credential) -> Result<OwnerKey, Failure> {
        self.ask(call::RotateKey { key: key.clone() }).await
    }

    /// The webhook and its delivery log.
    pub async fn deliveries(&self, key: &Credential) -> Result<Deliveries, Failure> {
        self.ask(call::ReadDeliveries { key: key.clone() }).await
    }

    /// Deletes a submission (`id` parsed at the route) by owner key or receipt.
    pub async fn delete(&self, key: &Credential, id: &str) -> Result<(), Failure> {
        self.ask(call::Delete { key: key.clone(), id: id.to_owned() }).await
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
