//! Property tests: validation never panics, whatever arrives, and accepted input round-trips.
//! This is the Worker's parse-and-validate path (serde_json into the wire types, then the
//! rules). `cargo xtask fuzz` runs it with `SAYSO_FUZZ_CASES` (default there: 100,000 each).

use proptest::prelude::*;
use sayso_core::{AttributesWire, NewSite, SitePatch, Submission, SubmissionId, SubmissionWire};

fn cases() -> u32 {
    std::env::var("SAYSO_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(wire) = serde_json::from_slice::<SubmissionWire>(&bytes) {
            let _ = wire.validate();
        }
        if let Ok(site) = serde_json::from_slice::<NewSite>(&bytes) {
            let _ = site.validate();
        }
        if let Ok(patch) = serde_json::from_slice::<SitePatch>(&bytes) {
            let _ = patch.validate();
        }
    }

    #[test]
    fn json_shaped_input_never_panics_and_every_refusal_has_a_code(
        fields in prop::collection::vec(("id|site|scale|value|comment|page|locale|client_ts|widget_version|rev|attributes|x", any_json()), 0..12),
    ) {
        let object: serde_json::Map<String, serde_json::Value> = fields.into_iter().collect();
        let text = serde_json::Value::Object(object).to_string();
        if let Ok(wire) = serde_json::from_str::<SubmissionWire>(&text) {
            if let Err(e) = wire.validate() {
                prop_assert!(!e.code().is_empty() && !e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn arbitrary_fields_never_panic_and_valid_ones_round_trip(
        id in ".{0,40}", site in "[a-z0-9-]{0,45}|.{0,10}", scale in "thumbs|stars|emoji|nps|csat|.{0,8}",
        value in any::<i64>(), comment in proptest::option::of(".{0,2100}"), page in "/?.{0,600}",
        locale in "[a-zA-Z-]{0,40}|.{0,5}", client_ts in any::<i64>(), widget_version in ".{0,40}", rev in any::<u32>(),
        trap in proptest::option::of(".{0,20}"), dwell_ms in proptest::option::of(any::<u32>()), key in proptest::option::of("[A-Za-z0-9_-]{30,130}|.{0,40}"),
        attributes in proptest::option::of(prop_oneof![
            prop::collection::vec(("[a-z_]{0,6}|.{0,30}", "[A-Za-z0-9.:/+_-]{0,45}|.{0,10}"), 0..7).prop_map(AttributesWire::Object),
            "([a-z]{1,4}=[a-z0-9@]{0,8} ?){0,8}|.{0,40}".prop_map(AttributesWire::Element),
        ]),
    ) {
        let wire = SubmissionWire { id, site, scale, value, comment, page, locale, client_ts, widget_version, rev, key, trap, dwell_ms, turnstile: None, attributes };
        prop_assert_eq!(wire.to_json(), serde_json::to_string(&wire).expect("serializes"));
        if let Ok(submission) = wire.validate() {
            let json = serde_json::to_vec(&submission.to_wire()).expect("a valid submission serializes");
            let back: SubmissionWire = serde_json::from_slice(&json).expect("and parses back");
            prop_assert_eq!(back.validate(), Ok(submission));
        }
    }

    #[test]
    fn a_checked_submission_crosses_serde_as_its_wire_json_and_comes_back_equal(
        unix_ms in any::<u64>(), random in any::<[u8; 10]>(), site in "[a-z0-9][a-z0-9-]{1,38}[a-z0-9]",
        (scale, value) in prop_oneof![Just(("thumbs", 0..=1i64)), Just(("stars", 1..=5)), Just(("nps", 0..=10))].prop_flat_map(|(s, r)| (Just(s), r)),
        comment in proptest::option::of(".{0,300}"), page in "/[a-zA-Z0-9/._~%-]{0,100}", locale in "[a-z]{2}(-[A-Z]{2})?",
        client_ts in 1..4_102_444_800_000i64, widget_version in "[0-9a-z.+-]{1,32}", rev in 0..=sayso_core::REV_MAX,
        trap in proptest::option::of(".{0,20}"), dwell_ms in proptest::option::of(any::<u32>()), turnstile in proptest::option::of(".{0,40}"),
        key in proptest::option::of(any::<[u8; 16]>()),
        attributes in prop::collection::btree_map("[a-z][a-z0-9_]{0,23}", "[A-Za-z.:/+_-]{1,40}", 0..=5),
    ) {
        let id = SubmissionId::v7(unix_ms, random).as_str().to_owned();
        let key = key.map(|random| sayso_core::AuthorKey::from_random(random).as_str().to_owned());
        let attributes = Some(attributes.into_iter().collect()).filter(|a: &Vec<_>| !a.is_empty()).map(AttributesWire::Object);
        let wire = SubmissionWire { id, site, scale: scale.into(), value, comment, page, locale, client_ts, widget_version, rev, key, trap, dwell_ms, turnstile, attributes };
        let submission = wire.validate().expect("the strategy makes valid submissions");
        let json = serde_json::to_string(&submission).expect("serializes");
        prop_assert_eq!(&json, &submission.to_json());
        let back: Submission = serde_json::from_str(&json).expect("parses back");
        prop_assert_eq!(back, submission);
    }
}

/// Any JSON value, nested a little.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)),
        ".{0,40}".prop_map(serde_json::Value::from),
        "[a-z0-9-]{3,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| prop::collection::vec(inner, 0..4).prop_map(serde_json::Value::from))
}
