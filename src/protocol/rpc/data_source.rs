//! `ValidateDataResourceConfig` and `ReadDataSource`: this provider offers no data sources, so
//! every type name is unknown.

use crate::framework::{Diagnostic, Diagnostics};
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, ProviderService};

fn unknown_data_source_type(type_name: &str) -> Diagnostics {
    Diagnostics::from(Diagnostic::error(
        "Unknown data source type",
        format!("This provider has no data source type named {type_name:?}."),
    ))
}

impl ProviderService {
    pub(crate) fn validate_data_resource_config_rpc(
        &self,
        request: proto::validate_data_resource_config::Request,
    ) -> proto::validate_data_resource_config::Response {
        tracing::debug!(rpc = "ValidateDataResourceConfig", type_name = %request.type_name, "handling");
        proto::validate_data_resource_config::Response {
            diagnostics: diagnostics::to_proto(&unknown_data_source_type(&request.type_name)),
        }
    }

    pub(crate) fn read_data_source_rpc(
        &self,
        request: proto::read_data_source::Request,
    ) -> proto::read_data_source::Response {
        tracing::debug!(rpc = "ReadDataSource", type_name = %request.type_name, "handling");
        proto::read_data_source::Response {
            diagnostics: diagnostics::to_proto(&unknown_data_source_type(&request.type_name)),
            ..Default::default()
        }
    }
}
