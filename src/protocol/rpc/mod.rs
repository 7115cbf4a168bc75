//! One handler per implemented RPC, each the same shape: look up, decode, call, encode.

mod apply_resource_change;
mod configure_provider;
mod data_source;
mod get_metadata;
mod get_provider_schema;
mod import_resource_state;
mod plan_resource_change;
mod read_resource;
mod stop_provider;
mod upgrade_resource_state;
mod validate_provider_config;
mod validate_resource_config;

use crate::framework::{Diagnostic, Value};
use crate::proto::tfplugin6 as proto;

/// The error for a resource type this provider does not offer.
fn unknown_resource_type(type_name: &str) -> Diagnostic {
    Diagnostic::error(
        "Unknown resource type",
        format!("This provider has no managed resource type named {type_name:?}."),
    )
}

/// The server capabilities this provider advertises, and nothing else: destroy plans reach
/// `modify_plan`-free planning here, and the schema never changes within one binary.
fn server_capabilities() -> proto::ServerCapabilities {
    proto::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

/// A copy of `value` with every unknown replaced by null, so a partial state can be saved.
fn unknowns_as_null(value: &Value) -> Value {
    match value {
        Value::Unknown(_) => Value::Null,
        Value::List(items) => Value::List(items.iter().map(unknowns_as_null).collect()),
        Value::Set(items) => Value::Set(items.iter().map(unknowns_as_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(unknowns_as_null).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), unknowns_as_null(v)))
                .collect(),
        ),
        Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), unknowns_as_null(v)))
                .collect(),
        ),
        Value::Dynamic(ty, inner) => Value::Dynamic(ty.clone(), Box::new(unknowns_as_null(inner))),
        other => other.clone(),
    }
}
