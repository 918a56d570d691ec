//! Who may change a submission: the browser that made it, proved by a random `key` it keeps.
//!
//! The id is an idempotency key and leaks by design (webhooks, the `sayso:submitted` event), so
//! it proves nothing. The widget makes a random key with each new submission and sends it with
//! every revision; the edge keeps only its SHA-256 (`Author`). A revision, an undo or a delete is
//! accepted only with the key whose hash is stored, and the receipt the edge answers is the key
//! the request presented, echoed: nothing the edge hands out is derived from the id.

use alloc::string::String;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ids::push_hex;
use crate::validate::ValidationError;

/// A submission's secret, as its sender made it: 32 to 128 characters of `A-Z a-z 0-9 - _`
/// (the widget's is 32 hex digits: 128 random bits).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AuthorKey(String);

impl AuthorKey {
    /// Checks the key's form (its length bounds what the edge hashes).
    pub fn parse(raw: &str) -> Result<AuthorKey, ValidationError> {
        let ok = (32..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(AuthorKey(raw.into()))
        } else {
            Err(ValidationError::InvalidKey)
        }
    }

    /// A key from 16 random bytes, as 32 lowercase hex digits.
    pub fn from_random(random: [u8; 16]) -> AuthorKey {
        let mut key = String::with_capacity(32);
        for byte in random {
            push_hex(&mut key, byte);
        }
        AuthorKey(key)
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the edge stores of it.
    pub fn author(&self) -> Author {
        let mut hex = String::with_capacity(64);
        for byte in Sha256::digest(self.0.as_bytes()) {
            push_hex(&mut hex, byte);
        }
        Author(hex)
    }
}

impl core::fmt::Debug for AuthorKey {
    /// A key is a secret: debug output never shows it.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AuthorKey(…)")
    }
}

/// The SHA-256 (lowercase hex) of a submission's key: what the edge keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author(String);

impl Author {
    /// An author as stored.
    pub fn stored(hex: String) -> Author {
        Author(hex)
    }

    /// The hash as text, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The authorship rule: a stored submission may be changed (a new revision, an undo, a delete by
/// its receipt) only by a request that presents the key whose hash is stored. One sent without a
/// key can never be changed by anyone but the owner.
pub fn may_change(stored: Option<&Author>, presented: Option<&AuthorKey>) -> bool {
    // Comparing hashes, not keys: how long the comparison takes says nothing about the key.
    matches!((stored, presented), (Some(stored), Some(key)) if *stored == key.author())
}

/// The rule for a resend of a stored revision: the same sender, or nobody's key on both (an API
/// client without keys retries too). A resend changes nothing, so it needs no more.
pub fn same_sender(stored: Option<&Author>, presented: Option<&AuthorKey>) -> bool {
    match (stored, presented) {
        (None, None) => true,
        _ => may_change(stored, presented),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_have_a_form() {
        assert!(AuthorKey::parse(&"a".repeat(32)).is_ok());
        assert!(AuthorKey::parse(&"Z_-9".repeat(32)).is_ok());
        for bad in ["", &"a".repeat(31), &"a".repeat(129), &format!("{}!", "a".repeat(32)), &format!("{} ", "a".repeat(32)), &"é".repeat(20)] {
            assert_eq!(AuthorKey::parse(bad), Err(ValidationError::InvalidKey), "{bad:?}");
        }
        assert_eq!(format!("{:?}", AuthorKey::from_random([7; 16])), "AuthorKey(…)");
    }

    #[test]
    fn the_author_is_the_keys_sha256() {
        let key = AuthorKey::parse("00000000000000000000000000000000").expect("a key");
        // `printf 00000000000000000000000000000000 | sha256sum`
        assert_eq!(key.author().as_str(), "84e0c0eafaa95a34c293f278ac52e45ce537bab5e752a00e6959a13ae103b65a");
    }

    /// SHA-256 of `bytes` in hex, written independently of `author`.
    fn sha_hex(bytes: &[u8]) -> String {
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    }

    proptest! {
        /// Every key the widget can make is one the edge accepts, and names one author.
        #[test]
        fn random_keys_parse(random in any::<[u8; 16]>()) {
            let key = AuthorKey::from_random(random);
            prop_assert_eq!(key.as_str().len(), 32);
            prop_assert_eq!(AuthorKey::parse(key.as_str()), Ok(key.clone()));
            prop_assert!(may_change(Some(&key.author()), Some(&key)));
        }

        /// Nobody but the key's holder may change a submission: not another key, not no key, and
        /// not anyone at all when it was sent without one.
        #[test]
        fn only_the_key_changes_it(a in "[A-Za-z0-9_-]{32,128}", b in "[A-Za-z0-9_-]{32,128}") {
            let (a, b) = (AuthorKey::parse(&a).expect("a key"), AuthorKey::parse(&b).expect("a key"));
            prop_assert_eq!(may_change(Some(&a.author()), Some(&b)), a == b);
            prop_assert!(!may_change(Some(&a.author()), None));
            prop_assert!(!may_change(None, Some(&a)));
            prop_assert!(!may_change(None, None));
            prop_assert_eq!(same_sender(Some(&a.author()), Some(&b)), a == b);
            prop_assert!(!same_sender(Some(&a.author()), None) && !same_sender(None, Some(&a)) && same_sender(None, None));
        }

        /// What is stored is a hash, not the key.
        #[test]
        fn the_stored_author_is_not_the_key(random in any::<[u8; 16]>()) {
            let key = AuthorKey::from_random(random);
            prop_assert!(!key.author().as_str().contains(key.as_str()));
            prop_assert_eq!(key.author(), Author::stored(sha_hex(key.as_str().as_bytes())));
        }
    }
}
