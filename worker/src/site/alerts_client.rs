//! The Worker's typed calls for alerts, beside `client.rs` (same envelope, its `ask_at`): the
//! owner's test button, and the bench builds' "judge the alerts now".

use super::call::Credential;
use super::client::SiteClient;
use super::digest::{AlertTest, TestKind};
use super::webhooks::TestEvent;
use crate::http::Failure;

impl SiteClient {
    /// Queues one alert or digest event for the site's webhook (shard 0: it holds the settings
    /// and, on a site of one shard, every count).
    pub async fn alert_test(&self, key: &Credential, kind: TestKind) -> Result<TestEvent, Failure> {
        self.ask_at(0, AlertTest { key: key.clone(), kind }).await
    }

    /// Bench builds only: the alarm's alert work now.
    #[cfg(feature = "bench")]
    pub async fn judge_alerts(&self) -> Result<(), Failure> {
        self.ask_at(0, super::digest::JudgeAlerts {}).await
    }
}
