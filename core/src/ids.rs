//! The ids a submission and a site are known by: `SubmissionId` (a client-made UUID) and `SiteId`.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::Serialize;

use crate::validate::ValidationError;

/// A submission's idempotency key: a UUID in lowercase, made by the client (UUIDv7).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SubmissionId(String);

impl SubmissionId {
    /// Accepts any UUID in the 8-4-4-4-12 hex form and lowercases it.
    pub fn parse(raw: &str) -> Result<SubmissionId, ValidationError> {
        let bytes = raw.as_bytes();
        let well_formed = bytes.len() == 36
            && bytes.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        if !well_formed {
            return Err(ValidationError::InvalidId);
        }
        Ok(SubmissionId(raw.to_ascii_lowercase()))
    }

    /// A UUIDv7 (RFC 9562) from a Unix time in milliseconds and 10 random bytes.
    /// Time-ordered ids keep the newest submissions together in storage.
    pub fn v7(unix_ms: u64, random: [u8; 10]) -> SubmissionId {
        let mut b = [0u8; 16];
        b[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
        b[6..].copy_from_slice(&random);
        b[6] = 0x70 | (b[6] & 0x0f); // version 7
        b[8] = 0x80 | (b[8] & 0x3f); // RFC 9562 variant
        let mut s = String::with_capacity(36);
        for (i, byte) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            push_hex(&mut s, *byte);
        }
        SubmissionId(s)
    }

    /// The canonical lowercase form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Appends `byte` as two lowercase hex digits (one loop for ids and keys: the widget's bytes).
pub(crate) fn push_hex(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0x0f)]));
}

/// A site's id: 3–40 characters of `a-z`, `0-9`, `-`, not starting or ending with `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SiteId(String);

impl SiteId {
    /// Checks the site id's form.
    pub fn parse(raw: &str) -> Result<SiteId, ValidationError> {
        let ok = (3..=40).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok {
            Ok(SiteId(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidSite)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v7_has_version_variant_and_time_prefix() {
        let id = SubmissionId::v7(0x0190_a6e2_7c1d, [0xff; 10]);
        assert_eq!(id.as_str(), "0190a6e2-7c1d-7fff-bfff-ffffffffffff");
        assert_eq!(SubmissionId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn ids_are_lowercased_and_malformed_ids_refused() {
        let id = SubmissionId::parse("0190A6E2-7C1D-7ABC-8DEF-0123456789AB");
        assert_eq!(id.map(|i| i.as_str().to_owned()), Ok("0190a6e2-7c1d-7abc-8def-0123456789ab".to_owned()));
        for bad in ["", "0190a6e2-7c1d-7abc-8def-0123456789a", "0190a6e2x7c1d-7abc-8def-0123456789ab", "g190a6e2-7c1d-7abc-8def-0123456789ab"] {
            assert_eq!(SubmissionId::parse(bad), Err(ValidationError::InvalidId), "{bad}");
        }
    }

    #[test]
    fn site_ids() {
        assert!(SiteId::parse("demo").is_ok());
        assert!(SiteId::parse("my-site-2").is_ok());
        for bad in ["ab", "Demo", "-demo", "demo-", "de mo", "dé-mo", &"a".repeat(41)] {
            assert!(SiteId::parse(bad).is_err(), "{bad}");
        }
    }
}
