//! The end-to-end tests' crate: its tests live in `tests/`; the harness they drive (the real
//! Worker under `wrangler dev`, Chromium, API calls) is `sayso-harness`, shared with xtask.

pub use sayso_harness::*;
