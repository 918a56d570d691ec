//! Rating links (`/r/{token}?v=N`): a signed token naming the site, the campaign (the channel
//! its ratings are counted under), the scale, an optional reference and the one submission id
//! every click of the link stores, so a link counts once however often it is clicked.
//!
//! The token is `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`, the secret
//! being the site's own link secret (kept in its record, never shown). Nothing in the payload is
//! trusted before its MAC is checked (in constant time, `hmac`'s `verify_slice`): a changed byte,
//! another campaign's MAC or another site's token is refused. The payload is readable by design
//! (it holds nothing secret); `peek` reads it only to find the site and the shard to ask.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::authorship::AuthorKey;
use crate::ids::{push_hex, SiteId, SubmissionId};
use crate::scale::{Rating, Scale};
use crate::validate::ValidationError;

/// The most characters of a campaign name.
pub const CAMPAIGN_MAX_CHARS: usize = 32;
/// The most characters of a link's reference (a ticket or order id).
pub const REFERENCE_MAX_CHARS: usize = 64;
/// The longest token any link carries (the longest payload is about 300 characters): longer
/// ones are refused before anything is decoded.
pub const LINK_TOKEN_MAX_CHARS: usize = 400;
/// The channel of every submission the widget sends; no campaign may take its name.
pub const WEB_CHANNEL: &str = "web";
/// The payload's format, first in it: a later format is a new number, never a reinterpretation.
const FORMAT: &str = "1";

type HmacSha256 = Hmac<Sha256>;

/// A campaign: the channel a link's ratings are counted under. 1 to `CAMPAIGN_MAX_CHARS`
/// characters of `a-z`, `0-9`, `-` and `_` (the rule of a tag), never `web`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Campaign(String);

impl Campaign {
    /// Checks the name; upper case is refused rather than folded (the name stored is the name sent).
    pub fn parse(raw: &str) -> Result<Campaign, ValidationError> {
        let ok = !raw.is_empty()
            && raw.len() <= CAMPAIGN_MAX_CHARS
            && raw != WEB_CHANNEL
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Campaign(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidCampaign)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A link's reference to something of the owner's (a ticket, an order): 1 to
/// `REFERENCE_MAX_CHARS` characters of `A-Z a-z 0-9 - _ . : # /` — printable anywhere, in a
/// CSV cell or a URL, without escaping surprises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Reference(String);

impl Reference {
    /// Checks the reference.
    pub fn parse(raw: &str) -> Result<Reference, ValidationError> {
        let ok = !raw.is_empty()
            && raw.len() <= REFERENCE_MAX_CHARS
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'#' | b'/'));
        if ok {
            Ok(Reference(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidReference)
        }
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a rating link says, once its MAC is checked (or, from `peek`, before: then only to route).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingLink {
    /// The site whose link it is.
    pub site: SiteId,
    /// The channel its ratings count under.
    pub campaign: Campaign,
    /// The scale its values are on.
    pub scale: Scale,
    /// The owner's reference, if the link has one.
    pub reference: Option<Reference>,
    /// The submission every click of it stores (a UUIDv7 made with the link: its time routes
    /// it to a shard, as a widget's id does).
    pub id: SubmissionId,
}

impl RatingLink {
    /// The payload, as signed: the format, then each field on its own line (no field can hold a
    /// line break, so no two links have the same payload).
    fn payload(&self) -> String {
        let reference = self.reference.as_ref().map_or("", Reference::as_str);
        format!("{FORMAT}\n{}\n{}\n{}\n{reference}\n{}", self.site.as_str(), self.campaign.as_str(), self.scale.as_str(), self.id.as_str())
    }

    /// The token of this link, signed with the site's link `secret`.
    pub fn token(&self, secret: &str) -> String {
        let payload = self.payload();
        let mut token = base64url(payload.as_bytes());
        token.push('.');
        token.push_str(&base64url(&mac(secret, payload.as_bytes())));
        token
    }

    /// Reads a token's payload without checking its MAC: where to ask, never what to store.
    pub fn peek(token: &str) -> Result<RatingLink, ValidationError> {
        let (payload, _) = split(token)?;
        parse_payload(&payload)
    }

    /// The link a token names, if `secret` signed exactly this payload.
    pub fn open(token: &str, secret: &str) -> Result<RatingLink, ValidationError> {
        let (payload, tag) = split(token)?;
        let mut check = HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| ValidationError::InvalidLink)?;
        check.update(DOMAIN);
        check.update(&payload);
        check.verify_slice(&tag).map_err(|_| ValidationError::InvalidLink)?;
        parse_payload(&payload)
    }

    /// The rating value `v` on this link's scale (core's rule for the scale).
    pub fn rating(&self, value: i64) -> Result<Rating, ValidationError> {
        Rating::new(self.scale, value)
    }

    /// The key a link's submission is stored with (its author): derived from the secret and
    /// the id, so only the edge, which holds the secret, can revise it (a click, a comment).
    pub fn author_key(&self, secret: &str) -> AuthorKey {
        let tag = mac(secret, format!("author\n{}", self.id.as_str()).as_bytes());
        let mut hex = String::with_capacity(64);
        for byte in tag {
            push_hex(&mut hex, byte);
        }
        // 64 hex digits: always a key by `AuthorKey`'s rule.
        AuthorKey::parse(&hex).unwrap_or_else(|_| AuthorKey::from_random([0; 16]))
    }

    /// The page its ratings are counted under: `/r/{campaign}` (pages are how the summary and
    /// the inbox already slice; the channel says where it came from).
    pub fn page(&self) -> String {
        format!("/r/{}", self.campaign.as_str())
    }
}

/// What every MAC of a link starts with, so no other HMAC the site's secret might make collides.
const DOMAIN: &[u8] = b"sayso-link\n";

/// HMAC-SHA256 of `DOMAIN` and `message` under `secret`.
fn mac(secret: &str, message: &[u8]) -> Vec<u8> {
    // An HMAC takes a key of any length: `new_from_slice` never fails for it.
    match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(DOMAIN);
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// The decoded payload and MAC of a token.
fn split(token: &str) -> Result<(Vec<u8>, Vec<u8>), ValidationError> {
    if token.len() > LINK_TOKEN_MAX_CHARS {
        return Err(ValidationError::InvalidLink);
    }
    let (payload, tag) = token.split_once('.').ok_or(ValidationError::InvalidLink)?;
    let (payload, tag) = (unbase64url(payload)?, unbase64url(tag)?);
    if tag.len() != 32 {
        return Err(ValidationError::InvalidLink);
    }
    Ok((payload, tag))
}

/// The fields of a payload, each checked by its own rule.
fn parse_payload(payload: &[u8]) -> Result<RatingLink, ValidationError> {
    let text = core::str::from_utf8(payload).map_err(|_| ValidationError::InvalidLink)?;
    let fields: Vec<&str> = text.split('\n').collect();
    let [FORMAT, site, campaign, scale, reference, id] = fields.as_slice() else {
        return Err(ValidationError::InvalidLink);
    };
    let bad = |_| ValidationError::InvalidLink;
    Ok(RatingLink {
        site: SiteId::parse(site).map_err(bad)?,
        campaign: Campaign::parse(campaign).map_err(bad)?,
        scale: Scale::parse(scale).ok_or(ValidationError::InvalidLink)?,
        reference: if reference.is_empty() { None } else { Some(Reference::parse(reference).map_err(bad)?) },
        id: SubmissionId::parse(id).map_err(bad)?,
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): safe in a path segment as it is.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The bytes of unpadded base64url text; anything else (padding, `+`, a dangling character,
/// non-zero spare bits) is refused, so each token has one spelling.
pub fn unbase64url(text: &str) -> Result<Vec<u8>, ValidationError> {
    let digit = |c: u8| ALPHABET.iter().position(|a| *a == c).map(|p| p as u32).ok_or(ValidationError::InvalidLink);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return Err(ValidationError::InvalidLink);
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= digit(*c)? << (18 - 6 * i);
        }
        let bytes = chunk.len() - 1;
        if n & (0xff_ffff >> (8 * bytes)) != 0 {
            return Err(ValidationError::InvalidLink);
        }
        out.extend((0..bytes).map(|i| (n >> (16 - 8 * i)) as u8));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> RatingLink {
        RatingLink {
            site: SiteId::parse("demo-site").expect("a site id"),
            campaign: Campaign::parse("support-email").expect("a campaign"),
            scale: Scale::Nps,
            reference: Some(Reference::parse("T-1234").expect("a reference")),
            id: SubmissionId::v7(1_767_000_000_000, [7; 10]),
        }
    }

    #[test]
    fn a_token_opens_with_its_secret_only() {
        let token = link().token("secret-a");
        assert_eq!(RatingLink::open(&token, "secret-a"), Ok(link()));
        assert_eq!(RatingLink::open(&token, "secret-b"), Err(ValidationError::InvalidLink));
        assert_eq!(RatingLink::peek(&token), Ok(link()));
    }

    #[test]
    fn every_changed_character_is_refused() {
        let token = link().token("s");
        for i in 0..token.len() {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).expect("ascii");
            assert_eq!(RatingLink::open(&changed, "s"), Err(ValidationError::InvalidLink), "byte {i} of {token}");
        }
    }

    #[test]
    fn another_campaigns_mac_does_not_fit() {
        let other = RatingLink { campaign: Campaign::parse("receipts").expect("a campaign"), ..link() };
        let (payload, _) = link().token("s").split_once('.').map(|(p, m)| (p.to_owned(), m.to_owned())).expect("a dot");
        let (_, mac) = other.token("s").split_once('.').map(|(p, m)| (p.to_owned(), m.to_owned())).expect("a dot");
        assert_eq!(RatingLink::open(&format!("{payload}.{mac}"), "s"), Err(ValidationError::InvalidLink));
    }

    #[test]
    fn base64url_round_trips_and_has_one_spelling() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(unbase64url(&base64url(&bytes)), Ok(bytes));
        }
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert!(unbase64url("-_9").is_err(), "spare bits set");
        assert!(unbase64url("QQ==").is_err(), "padding");
        assert!(unbase64url("Q").is_err(), "a dangling digit");
    }

    #[test]
    fn names_follow_their_rules() {
        assert!(Campaign::parse("web").is_err());
        assert!(Campaign::parse("Email").is_err());
        assert!(Campaign::parse(&"a".repeat(33)).is_err());
        assert!(Campaign::parse("q4_email-2").is_ok());
        assert!(Reference::parse("ORD/2026:#17").is_ok());
        assert!(Reference::parse("a b").is_err());
        assert!(Reference::parse(&"a".repeat(65)).is_err());
        assert_eq!(link().rating(11), Err(ValidationError::RatingOutOfRange { scale: Scale::Nps, value: 11 }));
        assert_eq!(link().author_key("s").as_str().len(), 64);
        assert_ne!(link().author_key("s").as_str(), link().author_key("t").as_str());
    }
}
