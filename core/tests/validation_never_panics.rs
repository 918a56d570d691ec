//! Property tests: validation never panics, whatever arrives, and accepted input round-trips.

use proptest::prelude::*;
use sayso_core::{NewSite, SubmissionWire};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(wire) = serde_json::from_slice::<SubmissionWire>(&bytes) {
            let _ = wire.validate();
        }
        if let Ok(site) = serde_json::from_slice::<NewSite>(&bytes) {
            let _ = site.validate();
        }
    }

    #[test]
    fn arbitrary_fields_never_panic_and_valid_ones_round_trip(
        id in ".{0,40}", site in "[a-z0-9-]{0,45}|.{0,10}", scale in "thumbs|stars|nps|.{0,8}",
        value in any::<i64>(), comment in proptest::option::of(".{0,2100}"), page in "/?.{0,600}",
        locale in "[a-zA-Z-]{0,40}|.{0,5}", client_ts in any::<i64>(), widget_version in ".{0,40}", rev in any::<u32>(),
    ) {
        let wire = SubmissionWire { id, site, scale, value, comment, page, locale, client_ts, widget_version, rev };
        prop_assert_eq!(wire.to_json(), serde_json::to_string(&wire).expect("serializes"));
        if let Ok(submission) = wire.validate() {
            let json = serde_json::to_vec(&submission.to_wire()).expect("a valid submission serializes");
            let back: SubmissionWire = serde_json::from_slice(&json).expect("and parses back");
            prop_assert_eq!(back.validate(), Ok(submission));
        }
    }
}
