//! A test-only stand-in for Cloudflare's official provider, for the acceptance tests that run
//! this provider next to `cloudflare/cloudflare` (the real one cannot be downloaded in tests).
//!
//! It offers a single, deliberately small resource, `cloudflare_zero_trust_access_application`
//! (`account_id`, `name`, `domain`, `allowed_idps`, computed `id`), so a configuration can hand
//! it the `id` of an identity provider managed by the provider under test. It reads the same
//! provider block and `CLOUDFLARE_*` environment variables as the real provider (it reuses this
//! project's provider configuration), and on create and update it asks the Cloudflare API
//! (the mock, in tests) for every identity provider in `allowed_idps`, so a value that did not
//! flow from the other provider's apply is refused.
//!
//! The mock serves identity providers only, so applications are kept as one JSON file each in
//! the directory `STAND_IN_APPLICATIONS_DIR` names. It is never shipped: release packaging
//! builds the provider binary alone.

use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use terraform_provider_cloudflare::cloudflare::{Client, Scope};
use terraform_provider_cloudflare::framework::resource::{
    ApplyResponse, Context, CreateRequest, DeleteRequest, DeleteResponse, ReadRequest,
    ReadResponse, UpdateRequest,
};
use terraform_provider_cloudflare::framework::schema::StateForUnknown;
use terraform_provider_cloudflare::framework::{
    Attribute, AttributePath, Block, Diagnostics, Provider, ProviderData, Resource, Schema, Type,
    Value,
};
use terraform_provider_cloudflare::provider::CloudflareProvider;
use terraform_provider_cloudflare::server::{self, Command};

/// Where the stand-in keeps its applications.
const STORE_VAR: &str = "STAND_IN_APPLICATIONS_DIR";

fn main() -> ExitCode {
    match Command::parse(
        std::env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned()),
    ) {
        Ok(command) => server::run(Arc::new(StandIn::default()), command),
        Err(problem) => {
            eprintln!("{problem}");
            ExitCode::from(2)
        }
    }
}

/// The `cloudflare` provider block and configuration of this project, with other resources.
#[derive(Debug, Default)]
struct StandIn {
    configuration: CloudflareProvider,
}

#[async_trait::async_trait]
impl Provider for StandIn {
    fn type_name(&self) -> &'static str {
        "cloudflare"
    }

    fn schema(&self) -> Schema {
        self.configuration.schema()
    }

    fn validate_config(&self, config: &Value, diagnostics: &mut Diagnostics) {
        self.configuration.validate_config(config, diagnostics);
    }

    async fn configure(
        &self,
        ctx: &Context,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData> {
        self.configuration.configure(ctx, config, diagnostics).await
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(AccessApplication::new())]
    }
}

#[derive(Debug)]
struct AccessApplication {
    schema: Schema,
}

impl AccessApplication {
    fn new() -> Self {
        let id = Attribute::string("id")
            .computed()
            .state_for_unknown(StateForUnknown::Always);
        Self {
            schema: Schema {
                version: 0,
                block: Block {
                    attributes: vec![
                        id,
                        Attribute::string("account_id")
                            .required()
                            .requires_replace(),
                        Attribute::string("name").required(),
                        Attribute::string("domain").optional(),
                        Attribute::typed("allowed_idps", Type::list(Type::String)).optional(),
                    ],
                    ..Block::default()
                },
            },
        }
    }
}

fn store_dir(diagnostics: &mut Diagnostics) -> Option<PathBuf> {
    match std::env::var_os(STORE_VAR) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            diagnostics.error(
                "Stand-in not configured",
                format!("{STORE_VAR} must name the directory that holds the applications."),
            );
            None
        }
    }
}

/// Checks that every entry of `allowed_idps` is an identity provider of the account.
async fn check_identity_providers(ctx: &Context, planned: &Value, diagnostics: &mut Diagnostics) {
    let Some(client) = ctx.provider_data::<Client>() else {
        diagnostics.error("Provider not configured", "The stand-in has no API client.");
        return;
    };
    let account_id = planned.attr("account_id").as_str().unwrap_or_default();
    let scope = Scope::Account(account_id.to_owned());
    let ids = planned
        .attr("allowed_idps")
        .as_elements()
        .unwrap_or_default();
    for (index, id) in ids.iter().enumerate() {
        let id = id.as_str().unwrap_or_default();
        if let Err(err) = client.get_identity_provider(&scope, id).await {
            diagnostics.attribute_error(
                AttributePath::attribute("allowed_idps").index(index as i64),
                "Unknown identity provider",
                format!("Identity provider {id:?} could not be read: {err}"),
            );
        }
    }
}

fn to_json(state: &Value) -> serde_json::Value {
    let text = |name: &str| state.attr(name).as_str().map(str::to_owned);
    let idps: Option<Vec<String>> = state.attr("allowed_idps").as_elements().map(|ids| {
        ids.iter()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect()
    });
    json!({
        "id": text("id"),
        "account_id": text("account_id"),
        "name": text("name"),
        "domain": text("domain"),
        "allowed_idps": idps,
    })
}

fn from_json(stored: &serde_json::Value) -> Value {
    let text = |name: &str| Value::opt_string(stored[name].as_str());
    let idps = match stored["allowed_idps"].as_array() {
        Some(ids) => Value::List(
            ids.iter()
                .map(|id| Value::string(id.as_str().unwrap_or_default()))
                .collect(),
        ),
        None => Value::Null,
    };
    Value::object([
        ("id", text("id")),
        ("account_id", text("account_id")),
        ("name", text("name")),
        ("domain", text("domain")),
        ("allowed_idps", idps),
    ])
}

fn write(path: &std::path::Path, state: &Value, diagnostics: &mut Diagnostics) -> bool {
    let body = serde_json::to_vec_pretty(&to_json(state)).expect("JSON");
    match std::fs::write(path, body) {
        Ok(()) => true,
        Err(err) => {
            diagnostics.error(
                "Cannot store the application",
                format!("{}: {err}", path.display()),
            );
            false
        }
    }
}

fn file_name(id: &str) -> String {
    format!("{id}.json")
}

#[async_trait::async_trait]
impl Resource for AccessApplication {
    fn type_name(&self) -> &'static str {
        "cloudflare_zero_trust_access_application"
    }

    fn schema(&self) -> Schema {
        self.schema.clone()
    }

    async fn read(&self, _ctx: &Context, request: ReadRequest, response: &mut ReadResponse) {
        let Some(dir) = store_dir(&mut response.diagnostics) else {
            return;
        };
        let id = request.prior_state.attr("id").as_str().unwrap_or_default();
        response.new_state = match std::fs::read(dir.join(file_name(id))) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(stored) => from_json(&stored),
                Err(err) => {
                    response
                        .diagnostics
                        .error("Corrupt application", err.to_string());
                    request.prior_state
                }
            },
            // Gone: Terraform forgets it and plans a create.
            Err(_) => Value::Null,
        };
    }

    async fn create(&self, ctx: &Context, request: CreateRequest, response: &mut ApplyResponse) {
        let Some(dir) = store_dir(&mut response.diagnostics) else {
            return;
        };
        check_identity_providers(ctx, &request.planned_state, &mut response.diagnostics).await;
        if response.diagnostics.has_errors() {
            return;
        }
        let id = format!("{:032x}", rand::random::<u128>());
        let mut state = request.planned_state;
        state.set_at(&AttributePath::attribute("id"), Value::string(&id));
        if write(&dir.join(file_name(&id)), &state, &mut response.diagnostics) {
            response.new_state = state;
        }
    }

    async fn update(&self, ctx: &Context, request: UpdateRequest, response: &mut ApplyResponse) {
        let Some(dir) = store_dir(&mut response.diagnostics) else {
            return;
        };
        check_identity_providers(ctx, &request.planned_state, &mut response.diagnostics).await;
        if response.diagnostics.has_errors() {
            return;
        }
        let id = request.prior_state.attr("id").as_str().unwrap_or_default();
        let mut state = request.planned_state.clone();
        state.set_at(&AttributePath::attribute("id"), Value::string(id));
        if write(&dir.join(file_name(id)), &state, &mut response.diagnostics) {
            response.new_state = state;
        }
    }

    async fn delete(&self, _ctx: &Context, request: DeleteRequest, response: &mut DeleteResponse) {
        let diagnostics = &mut response.diagnostics;
        let Some(dir) = store_dir(diagnostics) else {
            return;
        };
        let id = request.prior_state.attr("id").as_str().unwrap_or_default();
        let path = dir.join(file_name(id));
        if let Err(err) = std::fs::remove_file(&path) {
            if err.kind() != std::io::ErrorKind::NotFound {
                diagnostics.error(
                    "Cannot delete the application",
                    format!("{}: {err}", path.display()),
                );
            }
        }
    }
}
