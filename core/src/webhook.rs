//! A site's webhook setting: where it posts and which submissions fire it.

use alloc::collections::BTreeMap;
use alloc::string::String;

use serde::{Deserialize, Serialize};

use crate::scale::{Rating, Scale};
use crate::secure_url::is_secure_url;
use crate::validate::ValidationError;

/// Where a site's webhook posts, and for what: every comment, and/or ratings at or below a value.
/// With neither it receives only the site's events (alerts, the digest, tests: `alerts.rs`), so
/// an owner who wants to be told, not to read every rating, needs no per-submission filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Receives a signed `POST` per matching submission; `""` in a PATCH removes the webhook.
    pub url: String,
    /// Fire for every submission with a comment.
    #[serde(default)]
    pub comments: bool,
    /// Fire for ratings at or below this threshold (see `Threshold` for how it reads per scale).
    #[serde(default)]
    pub at_or_below: Option<Threshold>,
}

/// Which ratings fire a webhook, kept exactly as the owner sent it so a GET shows what was set.
///
/// A bare number (0 to 10, the form from before sites had several scales) is read on each scale
/// as `min(n, scale.highest() - 1)`: a rating filter never fires for a scale's best value, so
/// `2` means stars, emoji and csat 1–2, NPS 0–2 and thumbs down only. An object names a value
/// per scale (`{"stars": 2, "nps": 6}`), each within that scale's range; a scale it does not
/// name never fires by rating, and an empty object is no rating filter at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, expecting = "a rating from 0 to 10, or an object of ratings per scale (thumbs, stars, nps, emoji, csat)")]
pub enum Threshold {
    /// One number for every scale, capped below each scale's best value.
    Every(i64),
    /// A value per scale; scales not named never fire by rating.
    PerScale(BTreeMap<Scale, i64>),
}

/// The range a bare-number threshold may take: the union of every scale's range.
const EVERY_RANGE: core::ops::RangeInclusive<i64> = 0..=10;

impl Threshold {
    /// The highest value of `scale` that fires, or `None` when no rating on it does.
    pub fn on(&self, scale: Scale) -> Option<i64> {
        match self {
            Threshold::Every(n) => Some((*n).min(i64::from(scale.highest()) - 1)),
            Threshold::PerScale(per_scale) => per_scale.get(&scale).copied(),
        }
    }

    /// Whether this rating is at or below the threshold for its scale.
    pub fn fires_for(&self, rating: Rating) -> bool {
        self.on(rating.scale()).is_some_and(|max| i64::from(rating.value()) <= max)
    }

    /// Checks each value against its range: 0 to 10 for a bare number, the scale's own per scale.
    fn validate(&self) -> Result<(), ValidationError> {
        match self {
            Threshold::Every(n) if !EVERY_RANGE.contains(n) => Err(ValidationError::InvalidWebhook),
            Threshold::Every(_) => Ok(()),
            Threshold::PerScale(per_scale) => per_scale.iter().try_for_each(|(&scale, &value)| Rating::new(scale, value).map(|_| ())),
        }
    }
}

impl WebhookSettings {
    /// Checks the URL and the threshold's ranges.
    pub fn validate(&self) -> Result<WebhookSettings, ValidationError> {
        let url_ok = (self.url.starts_with("https://") || self.url.starts_with("http://"))
            && self.url.len() <= 2048
            && !self.url.chars().any(|c| c.is_whitespace() || c.is_control());
        if !url_ok {
            return Err(ValidationError::InvalidWebhook);
        }
        if let Some(threshold) = &self.at_or_below {
            threshold.validate()?;
        }
        if !is_secure_url(&self.url) {
            return Err(ValidationError::InsecureUrl("webhook.url"));
        }
        Ok(self.clone())
    }

    /// Whether a submission with this rating (and maybe a comment) is sent.
    pub fn fires_for(&self, rating: Rating, has_comment: bool) -> bool {
        (self.comments && has_comment) || self.at_or_below.as_ref().is_some_and(|t| t.fires_for(rating))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::borrow::ToOwned;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn rating(scale: Scale, value: u8) -> Rating {
        Rating::new(scale, i64::from(value)).expect("a value from the scale's own range")
    }

    fn ratings_only(at_or_below: Threshold) -> WebhookSettings {
        WebhookSettings { url: "https://hooks.example.com/x".to_owned(), comments: false, at_or_below: Some(at_or_below) }
    }

    /// The values of `scale` that fire a rating-only webhook with this threshold.
    fn firing(threshold: &Threshold, scale: Scale) -> Vec<u8> {
        let hook = ratings_only(threshold.clone());
        scale.values().filter(|&v| hook.fires_for(rating(scale, v), false)).collect()
    }

    fn parse(json: &str) -> Result<WebhookSettings, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn webhooks_post_over_https_or_to_this_machine_only() {
        let hook = |url: &str| WebhookSettings { url: url.to_owned(), comments: true, at_or_below: None }.validate().map(|_| ());
        assert_eq!(hook("https://hooks.example.com/x"), Ok(()));
        assert_eq!(hook("http://127.0.0.1:9/hook"), Ok(()));
        assert_eq!(hook("http://hooks.example.com/x"), Err(ValidationError::InsecureUrl("webhook.url")));
        assert_eq!(hook("ftp://hooks.example.com/x"), Err(ValidationError::InvalidWebhook));
    }

    #[test]
    fn a_bare_number_never_fires_for_a_scales_best_value() {
        let two = Threshold::Every(2);
        assert_eq!(firing(&two, Scale::Stars), [1, 2]);
        assert_eq!(firing(&two, Scale::Emoji), [1, 2]);
        assert_eq!(firing(&two, Scale::Csat), [1, 2]);
        assert_eq!(firing(&two, Scale::Nps), [0, 1, 2]);
        assert_eq!(firing(&two, Scale::Thumbs), [0], "thumbs down only");
        assert_eq!(firing(&Threshold::Every(10), Scale::Stars), [1, 2, 3, 4]);
        assert_eq!(firing(&Threshold::Every(0), Scale::Stars), [0u8; 0]);
    }

    #[test]
    fn a_per_scale_threshold_fires_only_on_the_scales_it_names() {
        let hook = parse(r#"{"url": "https://hooks.example.com/x", "at_or_below": {"stars": 2, "nps": 6}}"#).expect("an object per scale");
        let threshold = hook.at_or_below.expect("set");
        assert_eq!(firing(&threshold, Scale::Stars), [1, 2]);
        assert_eq!(firing(&threshold, Scale::Nps), [0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(firing(&threshold, Scale::Thumbs), [0u8; 0]);
        assert_eq!(firing(&threshold, Scale::Emoji), [0u8; 0]);
        // Named explicitly, a scale's best value may fire: the owner asked for every rating on it.
        assert_eq!(firing(&Threshold::PerScale([(Scale::Thumbs, 1)].into()), Scale::Thumbs), [0, 1]);
    }

    #[test]
    fn both_forms_round_trip_exactly_as_sent() {
        for sent in [
            r#"{"url":"https://hooks.example.com/x","comments":true,"at_or_below":2}"#,
            r#"{"url":"https://hooks.example.com/x","comments":false,"at_or_below":{"thumbs":0,"stars":2,"nps":6}}"#,
            r#"{"url":"https://hooks.example.com/x","comments":true,"at_or_below":{}}"#,
            r#"{"url":"https://hooks.example.com/x","comments":true,"at_or_below":null}"#,
        ] {
            let hook = parse(sent).expect(sent);
            assert_eq!(serde_json::to_string(&hook).expect("serializes"), sent);
        }
    }

    #[test]
    fn unknown_scales_and_non_integers_are_refused_when_parsed() {
        for bad in [r#"{"likert": 2}"#, r#"{"stars": "2"}"#, r#"{"stars": null}"#, "2.5", r#""2""#, "[2]", "true"] {
            let json = alloc::format!(r#"{{"url": "https://hooks.example.com/x", "at_or_below": {bad}}}"#);
            assert!(parse(&json).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_outside_their_range_are_refused_and_no_filter_means_events_only() {
        let check = |json: &str| parse(json).expect(json).validate().map(|_| ()).map_err(|e| e.code());
        let url = r#""url": "https://hooks.example.com/x""#;
        assert_eq!(check(&alloc::format!(r#"{{{url}, "at_or_below": {{"stars": 2, "nps": 6}}}}"#)), Ok(()));
        assert_eq!(check(&alloc::format!(r#"{{{url}, "at_or_below": {{"stars": 0}}}}"#)), Err("rating_out_of_range"));
        assert_eq!(check(&alloc::format!(r#"{{{url}, "at_or_below": {{"thumbs": 2}}}}"#)), Err("rating_out_of_range"));
        assert_eq!(check(&alloc::format!(r#"{{{url}, "at_or_below": {{"nps": 11}}}}"#)), Err("rating_out_of_range"));
        assert_eq!(check(&alloc::format!(r#"{{{url}, "at_or_below": 11}}"#)), Err("invalid_webhook"));
        assert_eq!(check(&alloc::format!(r#"{{{url}, "at_or_below": -1}}"#)), Err("invalid_webhook"));
        assert_eq!(check(&alloc::format!(r#"{{{url}, "at_or_below": {{}}}}"#)), Ok(()), "an empty object is no filter: events only");
        assert_eq!(check(&alloc::format!(r#"{{{url}, "comments": true, "at_or_below": {{}}}}"#)), Ok(()));
        assert_eq!(check(&alloc::format!(r#"{{{url}}}"#)), Ok(()), "no filter: the site's events only");
        let events_only = parse(&alloc::format!(r#"{{{url}}}"#)).expect("a webhook").validate().expect("valid");
        assert!(Scale::ALL.iter().all(|&s| s.values().all(|v| !events_only.fires_for(rating(s, v), true))), "it fires for no submission");
    }

    fn any_scale() -> impl Strategy<Value = Scale> {
        proptest::sample::select(Scale::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn no_bare_number_fires_for_a_scales_best_value(n in EVERY_RANGE, scale in any_scale()) {
            let hook = ratings_only(Threshold::Every(n));
            prop_assert!(hook.validate().is_ok());
            prop_assert!(!hook.fires_for(rating(scale, scale.highest()), false));
        }

        #[test]
        fn a_map_fires_exactly_at_or_below_its_entry(
            entries in proptest::collection::btree_map(any_scale(), 0u8..=10, 0..=5),
            scale in any_scale(),
            value in 0u8..=10,
        ) {
            // Clamp each entry into its scale's range so every generated map is a valid setting.
            let per_scale: BTreeMap<Scale, i64> =
                entries.into_iter().map(|(s, v)| (s, i64::from(v.clamp(s.lowest(), s.highest())))).collect();
            let hook = ratings_only(Threshold::PerScale(per_scale.clone()));
            // Every valid map is a setting, the empty one too: it fires for no submission (events only).
            prop_assert!(hook.validate().is_ok());
            if let Ok(r) = Rating::new(scale, i64::from(value)) {
                let expected = per_scale.get(&scale).is_some_and(|&max| i64::from(value) <= max);
                prop_assert_eq!(hook.fires_for(r, false), expected);
                prop_assert_eq!(hook.fires_for(r, true), expected, "no comment filter, so a comment changes nothing");
            }
        }
    }
}
