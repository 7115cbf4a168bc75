//! The tfplugin6 `Provider` gRPC service: the only place protocol messages are converted to
//! and from framework types.

pub mod codec;

use crate::framework::Provider;
use crate::proto::tfplugin6::provider_server::{self, ProviderServer};
use std::sync::Arc;

/// Serves one framework [`Provider`] over tfplugin6.
pub struct ProviderService {
    provider: Arc<dyn Provider>,
}

impl std::fmt::Debug for ProviderService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderService")
            .field("provider", &self.provider.type_name())
            .finish()
    }
}

impl ProviderService {
    /// Wraps a provider.
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        Self { provider }
    }

    /// The tonic service, with Terraform's 256 MiB message limits.
    pub(crate) fn into_server(self) -> ProviderServer<ProviderService> {
        const LIMIT: usize = 256 << 20;
        ProviderServer::new(self)
            .max_decoding_message_size(LIMIT)
            .max_encoding_message_size(LIMIT)
    }
}

#[tonic::async_trait]
impl provider_server::Provider for ProviderService {}
