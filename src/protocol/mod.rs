//! The tfplugin6 `Provider` gRPC service: the only place protocol messages are converted to
//! and from framework types.
//!
//! Every RPC has the same shape (see `rpc/`): decode the request's values with the schema the
//! framework server holds for its type, call the framework server, encode the answer. Problems a
//! user can act on travel as diagnostics inside an `Ok` response; a gRPC error status is kept
//! for failures of the service itself. RPCs this provider does not offer (actions, functions,
//! ephemeral resources, state stores) answer `UNIMPLEMENTED` through the generated default
//! methods, which Terraform understands.

pub mod codec;
mod diagnostics;
mod dynamic_value;
mod rpc;
mod schema;
#[cfg(test)]
mod tests;

use crate::framework::server::Server;
use crate::framework::Provider;
use crate::proto::tfplugin6 as proto;
use crate::proto::tfplugin6::provider_server::{self, ProviderServer};
use std::sync::Arc;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};

/// Serves one framework [`Provider`] over tfplugin6, through the framework [`Server`].
#[derive(Debug)]
pub struct ProviderService {
    server: Server,
}

impl ProviderService {
    /// Wraps a provider.
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        Self {
            server: Server::new(provider),
        }
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
impl provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _request: Request<proto::get_metadata::Request>,
    ) -> Result<Response<proto::get_metadata::Response>, Status> {
        Ok(Response::new(self.get_metadata_rpc()))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<proto::get_provider_schema::Request>,
    ) -> Result<Response<proto::get_provider_schema::Response>, Status> {
        Ok(Response::new(self.get_provider_schema_rpc()))
    }

    async fn validate_provider_config(
        &self,
        request: Request<proto::validate_provider_config::Request>,
    ) -> Result<Response<proto::validate_provider_config::Response>, Status> {
        Ok(Response::new(
            self.validate_provider_config_rpc(request.into_inner()),
        ))
    }

    async fn validate_resource_config(
        &self,
        request: Request<proto::validate_resource_config::Request>,
    ) -> Result<Response<proto::validate_resource_config::Response>, Status> {
        Ok(Response::new(
            self.validate_resource_config_rpc(request.into_inner())
                .await,
        ))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<proto::validate_data_resource_config::Request>,
    ) -> Result<Response<proto::validate_data_resource_config::Response>, Status> {
        Ok(Response::new(
            self.validate_data_resource_config_rpc(request.into_inner())
                .await,
        ))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<proto::upgrade_resource_state::Request>,
    ) -> Result<Response<proto::upgrade_resource_state::Response>, Status> {
        Ok(Response::new(
            self.upgrade_resource_state_rpc(request.into_inner()).await,
        ))
    }

    async fn configure_provider(
        &self,
        request: Request<proto::configure_provider::Request>,
    ) -> Result<Response<proto::configure_provider::Response>, Status> {
        Ok(Response::new(
            self.configure_provider_rpc(request.into_inner()).await,
        ))
    }

    async fn read_resource(
        &self,
        request: Request<proto::read_resource::Request>,
    ) -> Result<Response<proto::read_resource::Response>, Status> {
        Ok(Response::new(
            self.read_resource_rpc(request.into_inner()).await,
        ))
    }

    async fn plan_resource_change(
        &self,
        request: Request<proto::plan_resource_change::Request>,
    ) -> Result<Response<proto::plan_resource_change::Response>, Status> {
        Ok(Response::new(
            self.plan_resource_change_rpc(request.into_inner()).await,
        ))
    }

    async fn apply_resource_change(
        &self,
        request: Request<proto::apply_resource_change::Request>,
    ) -> Result<Response<proto::apply_resource_change::Response>, Status> {
        Ok(Response::new(
            self.apply_resource_change_rpc(request.into_inner()).await,
        ))
    }

    async fn import_resource_state(
        &self,
        request: Request<proto::import_resource_state::Request>,
    ) -> Result<Response<proto::import_resource_state::Response>, Status> {
        Ok(Response::new(
            self.import_resource_state_rpc(request.into_inner()).await,
        ))
    }

    async fn read_data_source(
        &self,
        request: Request<proto::read_data_source::Request>,
    ) -> Result<Response<proto::read_data_source::Response>, Status> {
        Ok(Response::new(
            self.read_data_source_rpc(request.into_inner()).await,
        ))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<proto::get_resource_identity_schemas::Request>,
    ) -> Result<Response<proto::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(self.get_resource_identity_schemas_rpc()))
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<proto::upgrade_resource_identity::Request>,
    ) -> Result<Response<proto::upgrade_resource_identity::Response>, Status> {
        Ok(Response::new(
            self.upgrade_resource_identity_rpc(request.into_inner())
                .await,
        ))
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<proto::validate_list_resource_config::Request>,
    ) -> Result<Response<proto::validate_list_resource_config::Response>, Status> {
        Ok(Response::new(
            self.validate_list_resource_config_rpc(request.into_inner())
                .await,
        ))
    }

    async fn list_resource(
        &self,
        request: Request<proto::list_resource::Request>,
    ) -> Result<Response<BoxStream<proto::list_resource::Event>>, Status> {
        Ok(Response::new(
            self.list_resource_rpc(request.into_inner()).await,
        ))
    }

    async fn generate_resource_config(
        &self,
        request: Request<proto::generate_resource_config::Request>,
    ) -> Result<Response<proto::generate_resource_config::Response>, Status> {
        Ok(Response::new(
            self.generate_resource_config_rpc(request.into_inner())
                .await,
        ))
    }

    async fn move_resource_state(
        &self,
        request: Request<proto::move_resource_state::Request>,
    ) -> Result<Response<proto::move_resource_state::Response>, Status> {
        Ok(Response::new(
            self.move_resource_state_rpc(request.into_inner()).await,
        ))
    }

    async fn stop_provider(
        &self,
        _request: Request<proto::stop_provider::Request>,
    ) -> Result<Response<proto::stop_provider::Response>, Status> {
        Ok(Response::new(self.stop_provider_rpc()))
    }
}
