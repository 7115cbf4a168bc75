//! `ValidateProviderConfig`: the provider's own checks of its (possibly unknown) configuration.

use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) fn validate_provider_config_rpc(
        &self,
        request: proto::validate_provider_config::Request,
    ) -> proto::validate_provider_config::Response {
        tracing::debug!(rpc = "ValidateProviderConfig", "handling");
        let schema = Ok(self.server.provider_schema());
        let diags = match dynamic_value::decode_all(
            schema,
            [("provider configuration", request.config.as_ref())],
        ) {
            Ok((_, [config])) => self.server.validate_provider_config(&config),
            Err(diags) => diags,
        };
        proto::validate_provider_config::Response {
            diagnostics: diagnostics::to_proto(&diags),
        }
    }
}
