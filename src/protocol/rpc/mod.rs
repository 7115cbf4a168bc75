//! One handler per implemented RPC, each the same shape: decode, call the framework server,
//! encode.

mod apply_resource_change;
mod configure_provider;
mod data_source;
mod generate_resource_config;
mod get_metadata;
mod get_provider_schema;
mod identity;
mod import_resource_state;
mod list_resource;
mod move_resource_state;
mod plan_resource_change;
mod read_resource;
mod stop_provider;
mod upgrade_resource_state;
mod validate_provider_config;
mod validate_resource_config;

use crate::framework::server::Server;
use crate::proto::tfplugin6 as proto;

/// The server capabilities this provider advertises, and nothing else: destroy plans reach
/// `modify_plan`-free planning here, the schema never changes within one binary, the provider
/// generates the configuration for `-generate-config-out` itself (Terraform's own guess from
/// state would write values configuration may not hold), and `moved` blocks across types are
/// accepted when some resource type takes them.
fn server_capabilities(server: &Server) -> proto::ServerCapabilities {
    proto::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: server.accepts_moves(),
        generate_resource_config: true,
    }
}
