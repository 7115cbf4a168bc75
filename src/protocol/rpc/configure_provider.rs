//! `ConfigureProvider`: the framework server runs the provider's configure and keeps what it
//! returns for every later call's context.

use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn configure_provider_rpc(
        &self,
        request: proto::configure_provider::Request,
    ) -> proto::configure_provider::Response {
        tracing::debug!(rpc = "ConfigureProvider", terraform_version = %request.terraform_version, "handling");
        let schema = Ok(self.server.provider_schema());
        let diags = match dynamic_value::decode_all(
            schema,
            [("provider configuration", request.config.as_ref())],
        ) {
            Ok((_, [config])) => {
                let version = Some(request.terraform_version).filter(|v| !v.is_empty());
                self.server.configure_provider(version, &config).await
            }
            Err(diags) => diags,
        };
        proto::configure_provider::Response {
            diagnostics: diagnostics::to_proto(&diags),
        }
    }
}
