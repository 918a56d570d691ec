//! Quotes in storage: a submission's `quote`, `quote_name` and `quote_at` columns
//! (`schema::ADDED_COLUMNS`), the visitor's consent and withdrawal, the owner's decision, and
//! the public read of approved quotes.
//!
//! A quote lives on its submission's row, so whatever deletes the row (the owner, the visitor's
//! undo, retention) deletes the quote in the same transaction. A revision that changes the
//! words after consent is judged by the trigger `quote_words_changed`, in the revision's own
//! transaction: an approved quote goes back to pending (the owner never publishes words they
//! did not approve), a rejected one stays rejected, and a quote whose comment is gone or whose
//! rating no longer invites one (`quote::invites_quote`) is dropped.

use sayso_core::quote::{invites_quote, DisplayName, PublicSettings, QuoteState, Testimonial};
use sayso_core::{AuthorKey, Rating, Scale, SubmissionId};
use serde::{Deserialize, Serialize};

use super::call::{Credential, Routed};
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::Failure;

/// The index the public list walks (approved only, newest approval first, so a read of k costs
/// k rows however many submissions the site holds), the inbox's index for quotes awaiting
/// approval, and the trigger that judges an edit (see the module's rule). Run on every start,
/// after the columns are added; the trigger's list of inviting ratings is made from core's rule.
fn schema() -> String {
    let inviting: Vec<String> = Scale::ALL
        .into_iter()
        .flat_map(|scale| scale.values().filter_map(move |v| Rating::new(scale, i64::from(v)).ok()))
        .filter(|rating| invites_quote(*rating))
        .map(|rating| format!("'{}:{}'", rating.scale().as_str(), rating.value()))
        .collect();
    format!(
        "CREATE INDEX IF NOT EXISTS submission_quoted ON submission (quote_at DESC, id DESC) WHERE quote = 'approved';
CREATE INDEX IF NOT EXISTS submission_quote_pending ON submission (received_at DESC, id DESC) WHERE quote = 'pending';
CREATE TRIGGER IF NOT EXISTS quote_words_changed AFTER UPDATE OF comment, scale, value ON submission
WHEN new.quote IS NOT NULL AND (old.comment IS NOT new.comment OR old.scale IS NOT new.scale OR old.value IS NOT new.value) BEGIN
  UPDATE submission SET
    quote = CASE WHEN new.comment IS NULL OR (new.scale || ':' || new.value) NOT IN ({list}) THEN NULL
      WHEN new.quote = 'approved' THEN 'pending' ELSE new.quote END,
    quote_name = CASE WHEN new.comment IS NULL OR (new.scale || ':' || new.value) NOT IN ({list}) THEN NULL ELSE new.quote_name END,
    quote_at = new.updated_at
  WHERE id = new.id;
END;",
        list = inviting.join(", ")
    )
}

/// What a submission's row says about its quote (`QUOTE_OF`).
const QUOTE_OF: &str = "SELECT scale, value, comment IS NOT NULL AS commented, author, quote, quote_name FROM submission WHERE id = ?1";
/// Sets the quote of `?1`: state `?2` (or NULL), name `?3`, at `?4`.
const SET_QUOTE: &str = "UPDATE submission SET quote = ?2, quote_name = ?3, quote_at = ?4 WHERE id = ?1";
/// The owner's decision `?2` on the quote of `?1`, at `?3` (the wall's order is the approvals').
const DECIDE: &str = "UPDATE submission SET quote = ?2, quote_at = ?3 WHERE id = ?1";
/// The newest `?1` approved quotes, on `submission_quoted`.
const APPROVED: &str = "SELECT id, comment, quote_name, scale, value, quote_at FROM submission
    WHERE quote = 'approved' AND comment IS NOT NULL ORDER BY quote_at DESC, id DESC LIMIT ?1";

/// A change of one submission's quote (`QuoteChange`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum QuoteAct {
    /// The visitor consents (again), with a display name or none.
    Consent(Option<DisplayName>),
    /// The visitor withdraws consent: the quote is gone, wherever it showed.
    Withdraw,
    /// The owner approves (`true`) or rejects.
    Decide(bool),
}

/// Changes one submission's quote, on its shard: the visitor's `Receipt KEY` for consent and
/// withdrawal, the owner key for a decision.
#[derive(Clone, Serialize, Deserialize)]
pub struct QuoteChange {
    /// The receipt or the owner key, as sent.
    pub key: Credential,
    /// The submission id, parsed at the route.
    pub id: String,
    /// What changes.
    pub act: QuoteAct,
}

/// The public read of a site's shard (`ReadPublic`): its public settings and, if `limit` > 0
/// and testimonials are on, its newest approved quotes.
#[derive(Clone, Serialize, Deserialize)]
pub struct ReadPublic {
    /// How many quotes (0: only the settings).
    pub limit: u32,
}

/// One shard's answer to `ReadPublic`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Public {
    /// The site's public settings (shard 0's are the ones the Worker follows).
    pub public: PublicSettings,
    /// Shards `0..shards` hold the site's submissions.
    pub shards: u32,
    /// This shard's newest approved quotes, with the ids they merge by.
    pub quoted: Vec<Quoted>,
}

/// An approved quote with its submission id: the id orders ties when shards merge and never
/// leaves the Worker (`Testimonial` has none).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Quoted {
    /// The submission id.
    pub id: String,
    /// The approved comment.
    pub comment: String,
    /// The display name.
    pub quote_name: Option<String>,
    scale: String,
    value: i64,
    /// When it was approved (ms).
    pub quote_at: i64,
}

impl Quoted {
    /// The public testimonial (`None` for a stored rating that is not one: never shown).
    pub fn testimonial(self) -> Option<Testimonial> {
        let scale = Scale::parse(&self.scale)?;
        let value = Rating::new(scale, self.value).ok()?.value();
        Some(Testimonial { text: self.comment, name: self.quote_name, scale, value, at: self.quote_at })
    }
}

#[derive(Deserialize)]
struct QuoteOf {
    scale: String,
    value: i64,
    commented: i64,
    author: Option<String>,
    quote: Option<String>,
    quote_name: Option<String>,
}

impl SiteObject {
    /// Makes the quote indexes and the edit trigger (inside `ensure_schema`).
    pub(super) fn ensure_quotes(&self) -> Result<(), Failure> {
        self.sql.exec(&schema(), None)?;
        Ok(())
    }

    /// `QuoteChange`: the quote's state after it (`None` once withdrawn). A wrong receipt, an
    /// unknown id and another site's id all answer `FeedbackNotFound` (never which).
    pub(super) fn change_quote(&self, call: QuoteChange) -> Result<Routed<Option<QuoteState>>, Failure> {
        let id = SubmissionId::parse(&call.id).map_err(|_| Failure::FeedbackNotFound)?;
        let (record, receipt) = match &call.act {
            QuoteAct::Decide(_) => (self.owner(&call.key)?, None),
            QuoteAct::Consent(_) | QuoteAct::Withdraw => {
                let record = self.record().map_err(|_| Failure::FeedbackNotFound)?;
                (record, Some(receipt_key(&call.key)?))
            }
        };
        if let Some(elsewhere) = Self::elsewhere(&record, &id) {
            return Ok(elsewhere);
        }
        let now = worker::Date::now().as_millis() as i64;
        self.transaction(|| {
            let rows: Vec<QuoteOf> = self.sql.exec(QUOTE_OF, vec![id.as_str().into()])?.to_array()?;
            let row = rows.into_iter().next().ok_or(Failure::FeedbackNotFound)?;
            if let Some(key) = &receipt {
                if !sayso_core::may_change(row.author.clone().map(sayso_core::Author::stored).as_ref(), Some(key)) {
                    return Err(Failure::FeedbackNotFound);
                }
            }
            let current = row.quote.as_deref().and_then(QuoteState::parse);
            let next = match call.act {
                QuoteAct::Consent(name) => {
                    consent_allowed(&record, &row)?;
                    // Consent again: a rejected quote stays rejected, an approved one with a
                    // new name goes back to the owner (they approved the name too).
                    let state = match current {
                        Some(QuoteState::Rejected) => QuoteState::Rejected,
                        Some(QuoteState::Approved) if row.quote_name.as_deref() == name.as_ref().map(DisplayName::as_str) => {
                            return Ok(Routed::Here(Some(QuoteState::Approved)));
                        }
                        _ => QuoteState::Pending,
                    };
                    self.sql
                        .exec(SET_QUOTE, vec![id.as_str().into(), state.as_str().into(), name.map(|n| n.as_str().to_owned()).into(), now.into()])?;
                    Some(state)
                }
                QuoteAct::Withdraw => {
                    self.sql.exec(SET_QUOTE, vec![id.as_str().into(), None::<String>.into(), None::<String>.into(), None::<i64>.into()])?;
                    None
                }
                QuoteAct::Decide(approved) => {
                    if current.is_none() {
                        return Err(Failure::QuoteNotConsented);
                    }
                    let state = QuoteState::decided(approved);
                    self.sql.exec(DECIDE, vec![id.as_str().into(), state.as_str().into(), now.into()])?;
                    Some(state)
                }
            };
            Ok(Routed::Here(next))
        })
    }

    /// `ReadPublic`: no key (it is the public read); a site nobody created is `SiteNotFound`.
    /// Reads at most `TESTIMONIALS_MAX` rows of the partial index, never a scan.
    pub(super) fn read_public(&self, call: ReadPublic) -> Result<Public, Failure> {
        let record = self.record()?;
        if record.erasing {
            return Err(Failure::SiteNotFound);
        }
        let public = record.settings.public;
        let limit = call.limit.min(sayso_core::quote::TESTIMONIALS_MAX as u32);
        // Shard 0 judges whether the site shows them; the others may hold a record a push behind.
        let quoted = if (public.testimonials || record.shard != 0) && limit > 0 {
            self.sql.exec(APPROVED, vec![i64::from(limit).into()])?.to_array()?
        } else {
            Vec::new()
        };
        Ok(Public { public, shards: record.shard_map.span(), quoted })
    }
}

/// The visitor's key from `Authorization: Receipt KEY`; anything else is no submission of theirs.
fn receipt_key(key: &Credential) -> Result<AuthorKey, Failure> {
    let (scheme, token) = key.0.as_deref().and_then(|v| v.split_once(' ')).ok_or(Failure::FeedbackNotFound)?;
    if !scheme.eq_ignore_ascii_case("receipt") {
        return Err(Failure::FeedbackNotFound);
    }
    AuthorKey::parse(token.trim()).map_err(|_| Failure::FeedbackNotFound)
}

/// Consent is asked only where the site shows testimonials, of a rating at the top of its scale
/// with a comment: anything else is `QuoteNotInvited`, and nothing is stored.
fn consent_allowed(record: &SiteRecord, row: &QuoteOf) -> Result<(), Failure> {
    let rating = Scale::parse(&row.scale).and_then(|s| Rating::new(s, row.value).ok());
    let invited = record.settings.public.testimonials && row.commented == 1 && rating.is_some_and(invites_quote);
    if invited {
        Ok(())
    } else {
        Err(Failure::QuoteNotInvited)
    }
}
