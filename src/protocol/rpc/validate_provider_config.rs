//! `ValidateProviderConfig`: the provider's own checks of its (possibly unknown) configuration.

use crate::framework::Diagnostics;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) fn validate_provider_config_rpc(
        &self,
        request: proto::validate_provider_config::Request,
    ) -> proto::validate_provider_config::Response {
        tracing::debug!(rpc = "ValidateProviderConfig", "handling");
        let mut diags = Diagnostics::new();
        match dynamic_value::decode(request.config.as_ref(), &self.provider_schema.value_type()) {
            Ok(config) => self.provider.validate_config(&config, &mut diags),
            Err(error) => diags.push(dynamic_value::decode_error("provider configuration", error)),
        }
        proto::validate_provider_config::Response {
            diagnostics: diagnostics::to_proto(&diags),
        }
    }
}
