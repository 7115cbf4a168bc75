//! A benchmark-only provider: `cloudflare_zero_trust_access_identity_provider` with the real
//! resource's schema and identity schema, served by this crate's `server`, `protocol` and
//! `framework` layers, but with no resource logic and no HTTP. It is the floor the overhead
//! benchmark measures the real provider against: what is left when the API client and the
//! resource's own work are taken away. Never shipped: release packaging builds the provider
//! binary alone.
//!
//! Objects live only in state, as in Terraform's own `terraform_data`. Create gives the object an
//! ID and fills in what the API fills in on every new login method (the SCIM settings at their
//! defaults and the Access callback URL), so that Terraform handles objects of the same size as
//! with the real provider; every other value the plan left unknown becomes null. Read returns
//! the prior state unchanged, update keeps the plan, delete forgets.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use terraform_provider_cloudflare::framework::resource::{
    ApplyResponse, Context, CreateRequest, DeleteRequest, DeleteResponse, ReadRequest,
    ReadResponse, UpdateRequest,
};
use terraform_provider_cloudflare::framework::{
    Diagnostics, Provider, ProviderData, Resource, Schema, Value,
};
use terraform_provider_cloudflare::resources::zero_trust_access_identity_provider::{
    identity, schema, TYPE_NAME,
};
use terraform_provider_cloudflare::server::{self, Command};

fn main() -> ExitCode {
    match Command::parse(
        std::env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned()),
    ) {
        Ok(command) => server::run(Arc::new(Floor), command),
        Err(problem) => {
            eprintln!("{problem}");
            ExitCode::from(2)
        }
    }
}

/// The provider: no settings, one resource.
#[derive(Debug)]
struct Floor;

#[async_trait::async_trait]
impl Provider for Floor {
    fn type_name(&self) -> &'static str {
        "bench-floor"
    }

    fn schema(&self) -> Schema {
        Schema::default()
    }

    async fn configure(
        &self,
        _ctx: &Context,
        _config: &Value,
        _diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData> {
        Some(Arc::new(()))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(InMemoryIdentityProvider::default())]
    }
}

#[derive(Debug, Default)]
struct InMemoryIdentityProvider {
    created: AtomicU64,
}

/// `value` with every unknown replaced by null: what an API that sets nothing beyond the ID
/// would give back.
fn unknowns_to_null(value: Value) -> Value {
    match value {
        Value::Unknown(_) => Value::Null,
        Value::List(items) => Value::List(items.into_iter().map(unknowns_to_null).collect()),
        Value::Set(items) => Value::Set(items.into_iter().map(unknowns_to_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(unknowns_to_null).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(key, value)| (key, unknowns_to_null(value)))
                .collect(),
        ),
        Value::Object(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key, unknowns_to_null(value)))
                .collect(),
        ),
        Value::Dynamic(kind, inner) => Value::Dynamic(kind, Box::new(unknowns_to_null(*inner))),
        known => known,
    }
}

/// The values Cloudflare's API (and the mock) set on a new login method whatever its type, where
/// the plan left them unknown: SCIM settings at their defaults and the Access callback URL.
fn fill_in_like_the_api(attributes: &mut BTreeMap<String, Value>, id: &str) {
    let team = "https://bench-floor.cloudflareaccess.com";
    if matches!(attributes.get("scim_config"), Some(Value::Unknown(_))) {
        let scim = Value::object([
            ("enabled", Value::Bool(false)),
            ("identity_update_behavior", Value::string("no_action")),
            (
                "scim_base_url",
                Value::string(format!("{team}/populations/{id}/scim/v2")),
            ),
            ("seat_deprovision", Value::Bool(false)),
            ("secret", Value::Null),
            ("user_deprovision", Value::Bool(false)),
        ]);
        attributes.insert("scim_config".to_owned(), scim);
    }
    if let Some(config) = attributes.get_mut("config").and_then(Value::as_entries_mut) {
        if matches!(config.get("redirect_url"), Some(Value::Unknown(_))) {
            let callback = format!("{team}/cdn-cgi/access/callback");
            config.insert("redirect_url".to_owned(), Value::string(callback));
        }
    }
}

#[async_trait::async_trait]
impl Resource for InMemoryIdentityProvider {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::resource_schema()
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(identity::identity_schema())
    }

    async fn read(&self, _ctx: &Context, request: ReadRequest, response: &mut ReadResponse) {
        response.identity = identity::identity_of_state(&request.prior_state);
        response.new_state = request.prior_state;
    }

    async fn create(&self, _ctx: &Context, request: CreateRequest, response: &mut ApplyResponse) {
        // Unique within the process and across processes, like the API's 32-hex-digit IDs.
        let serial = self.created.fetch_add(1, Ordering::Relaxed);
        let id = format!("{:016x}{serial:016x}", rand::random::<u64>());
        let mut state = request.planned_state;
        if let Some(attributes) = state.as_entries_mut() {
            fill_in_like_the_api(attributes, &id);
            attributes.insert("id".to_owned(), Value::string(id));
        }
        let state = unknowns_to_null(state);
        response.identity = identity::identity_of_state(&state);
        response.new_state = state;
    }

    async fn update(&self, _ctx: &Context, request: UpdateRequest, response: &mut ApplyResponse) {
        let state = unknowns_to_null(request.planned_state);
        response.identity = identity::identity_of_state(&state);
        response.new_state = state;
    }

    async fn delete(
        &self,
        _ctx: &Context,
        _request: DeleteRequest,
        _response: &mut DeleteResponse,
    ) {
    }
}
