//! `StopProvider`: cancels every call in flight; the service keeps answering afterwards.

use crate::proto::tfplugin6 as proto;
use crate::protocol::ProviderService;
use std::sync::PoisonError;
use tokio_util::sync::CancellationToken;

impl ProviderService {
    pub(crate) fn stop_provider_rpc(&self) -> proto::stop_provider::Response {
        tracing::debug!(rpc = "StopProvider", "handling");
        let mut session = self.session.write().unwrap_or_else(PoisonError::into_inner);
        session.cancel.cancel();
        // Calls in flight hold the cancelled token; later calls get a fresh one.
        session.cancel = CancellationToken::new();
        proto::stop_provider::Response {
            error: String::new(),
        }
    }
}
