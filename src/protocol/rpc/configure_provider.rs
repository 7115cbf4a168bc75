//! `ConfigureProvider`: runs the provider's configure and keeps what it returns for every later
//! call's context.

use crate::framework::Diagnostics;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};
use std::sync::PoisonError;

impl ProviderService {
    pub(crate) async fn configure_provider_rpc(
        &self,
        request: proto::configure_provider::Request,
    ) -> proto::configure_provider::Response {
        tracing::debug!(rpc = "ConfigureProvider", terraform_version = %request.terraform_version, "handling");
        let mut diags = Diagnostics::new();
        let terraform_version =
            Some(request.terraform_version.clone()).filter(|version| !version.is_empty());
        match dynamic_value::decode(request.config.as_ref(), &self.provider_schema.value_type()) {
            Ok(config) => {
                let mut ctx = self.context();
                ctx.terraform_version = terraform_version.clone();
                let data = self.provider.configure(&ctx, &config, &mut diags).await;
                let mut session = self.session.write().unwrap_or_else(PoisonError::into_inner);
                session.terraform_version = terraform_version;
                if data.is_some() {
                    session.data = data;
                }
            }
            Err(error) => diags.push(dynamic_value::decode_error("provider configuration", error)),
        }
        proto::configure_provider::Response {
            diagnostics: diagnostics::to_proto(&diags),
        }
    }
}
