//! `StopProvider`: cancels every call in flight; the service keeps answering afterwards.

use crate::proto::tfplugin6 as proto;
use crate::protocol::ProviderService;

impl ProviderService {
    pub(crate) fn stop_provider_rpc(&self) -> proto::stop_provider::Response {
        tracing::debug!(rpc = "StopProvider", "handling");
        self.server.stop();
        proto::stop_provider::Response {
            error: String::new(),
        }
    }
}
