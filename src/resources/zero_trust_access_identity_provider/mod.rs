//! `cloudflare_zero_trust_access_identity_provider`: a Zero Trust Access login method. This file
//! only orchestrates: schema, validation, conversions and API quirks live in their own modules.

pub mod convert;
pub mod generate;
pub mod identity;
pub mod list;
pub mod model;
pub mod normalize;
pub mod schema;
pub mod upgrade;
pub mod validate;

#[cfg(test)]
mod lifecycle_tests;

use crate::cloudflare::{Client, IdentityProvider, Scope};
use crate::framework::resource::{
    Context, CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, GenerateConfigRequest,
    GenerateConfigResponse, ImportRequest, ImportResponse, ModifyPlanRequest, ModifyPlanResponse,
    MoveSource, MoveStateRequest, MoveStateResponse, ReadRequest, ReadResponse, UpdateRequest,
    UpdateResponse, UpgradeStateRequest, UpgradeStateResponse, ValidateConfigRequest,
    ValidateConfigResponse,
};
use crate::framework::{AttributePath, Diagnostic, Diagnostics, Resource, Schema, Value};
use crate::resources::api_error::{self, Operation};
use crate::resources::kit::crud::{
    self, client, decode, stopped_diagnostic, unless_stopped, Stopped,
};
use crate::resources::kit::{import_id, Wording};
use model::{Attr, IdentityProviderModel};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The Terraform type name.
pub const TYPE_NAME: &str = "cloudflare_zero_trust_access_identity_provider";

/// The name Cloudflare's v4 provider gave this resource; a `moved` block from it converts the
/// v4 state as a state upgrade does.
pub const V4_TYPE_NAME: &str = "cloudflare_access_identity_provider";

/// Where `moved` blocks may come from: the v4 type of Cloudflare's provider, or of this one
/// (state whose provider was replaced with `terraform state replace-provider`).
const MOVE_SOURCES: [MoveSource; 1] = [MoveSource {
    type_name: V4_TYPE_NAME,
    providers: &["cloudflare/cloudflare", "ferrotf/cloudflare-access"],
}];

/// How long a create that was already sent may still finish after Terraform asks the provider
/// to stop; finishing it is how the new object gets into state instead of being orphaned.
const CANCELLED_CREATE_GRACE: Duration = Duration::from_secs(30);

/// The resource.
#[derive(Debug, Default)]
pub struct ZeroTrustAccessIdentityProviderResource;

impl ZeroTrustAccessIdentityProviderResource {
    /// The resource.
    pub fn new() -> Self {
        Self
    }
}

/// How messages name this resource's objects.
pub const WORDING: Wording = Wording {
    noun: "identity provider",
    title: "Identity Provider",
    id_name: "identity_provider_id",
    type_name: TYPE_NAME,
    write_permission: "Access: Organizations, Identity Providers, and Groups Write",
    read_permission: "Access: Organizations, Identity Providers, and Groups Read",
    conflict_advice: "An account or zone can have only one one-time PIN (onetimepin) identity \
                      provider. Import the existing one instead of creating another (its ID \
                      is in Settings → Authentication in the Zero Trust dashboard).",
};

fn scope(model: &IdentityProviderModel, diagnostics: &mut Diagnostics) -> Option<Scope> {
    crud::require_scope(&model.account_id, &model.zone_id, &WORDING, diagnostics)
}

/// What every call starts with: the API client, the decoded model of `value` and its scope.
fn begin<'a>(
    ctx: &'a Context,
    value: &Value,
    diagnostics: &mut Diagnostics,
) -> Option<(&'a Client, IdentityProviderModel, Scope)> {
    let client = client(ctx, diagnostics)?;
    let model = decode(value, diagnostics)?;
    let scope = scope(&model, diagnostics)?;
    Some((client, model, scope))
}

/// The diagnostic for a failed API call that was to `verb` the object `about`.
fn api_failure(
    client: &Client,
    verb: &str,
    about: &str,
    error: &crate::cloudflare::Error,
) -> Diagnostic {
    let operation = Operation {
        verb,
        subject: about,
        wording: &WORDING,
    };
    api_error::diagnostic(client, operation, error)
}

fn state_id(
    model: &IdentityProviderModel,
    verb: &str,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    crud::state_id(&model.id, &WORDING, verb, diagnostics)
}

fn subject(model: &IdentityProviderModel, scope: &Scope) -> String {
    crud::subject(&WORDING, &model.name, &model.id, scope)
}

fn is_onetimepin(kind: Option<&str>) -> bool {
    kind.is_some_and(|k| k.eq_ignore_ascii_case("onetimepin"))
}

fn import_hint(scope: &Scope, id: &str) -> String {
    crud::import_hint(&WORDING, scope, id)
}

/// The existing one-time PIN provider in `scope`, if any (a look-up failure counts as none:
/// the API still refuses a duplicate when applying).
async fn existing_onetimepin(
    ctx: &Context,
    client: &Client,
    scope: &Scope,
) -> Option<IdentityProvider> {
    match unless_stopped(ctx, client.list_identity_providers(scope)).await {
        Ok(Ok(list)) => list
            .into_iter()
            .find(|idp| is_onetimepin(idp.kind.as_deref())),
        Ok(Err(error)) => {
            tracing::debug!(%error, "could not list identity providers to check for a onetimepin");
            None
        }
        Err(Stopped) => None,
    }
}

/// The state after a successful create or update.
fn applied_state(planned: &Value, prior: &Value, api: &IdentityProvider, scope: &Scope) -> Value {
    let response = convert::from_api(api, scope).to_value();
    normalize::after_apply(planned, &response, prior)
}

#[async_trait::async_trait]
impl Resource for ZeroTrustAccessIdentityProviderResource {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::resource_schema()
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(identity::identity_schema())
    }

    async fn validate_config(
        &self,
        _ctx: &Context,
        request: ValidateConfigRequest,
        response: &mut ValidateConfigResponse,
    ) {
        validate::validate_config(&request.config, &mut response.diagnostics);
    }

    async fn modify_plan(
        &self,
        ctx: &Context,
        request: ModifyPlanRequest,
        response: &mut ModifyPlanResponse,
    ) {
        if !request.prior_state.is_null() {
            let kept =
                normalize::plan_keep_spelling(&mut response.planned_state, &request.prior_state);
            response
                .requires_replace
                .retain(|path| !kept.contains(path));
            normalize::plan_scim_secret(&mut response.planned_state, &request.prior_state);
            if !response.requires_replace.is_empty() {
                // The replacement gets a new ID, known only once it is created.
                response.planned_identity = Value::Null;
            } else if response.planned_identity.is_null() {
                // No identity stored yet (state from before Terraform 1.12, planned without a
                // refresh): the object's own account or zone and ID.
                response.planned_identity = identity::identity_of_state(&response.planned_state);
            }
            return;
        }

        validate::validate_create(
            &response.planned_state,
            &request.config,
            &mut response.diagnostics,
        );
        let planned = &response.planned_state;
        if !is_onetimepin(planned.attr("type").as_str()) {
            return;
        }
        let (Some(client), Ok(model)) = (
            ctx.provider_data::<Client>(),
            IdentityProviderModel::from_value(planned),
        ) else {
            return;
        };
        let Some(scope) = convert::scope_of(&model) else {
            return;
        };
        if let Some(existing) = existing_onetimepin(ctx, client, &scope).await {
            let id = existing.id.unwrap_or_default();
            response.diagnostics.attribute_error(
                AttributePath::attribute("type"),
                "One-Time PIN Identity Provider Already Exists",
                format!(
                    "{scope} already has a one-time PIN identity provider ({:?}, id {id}), and \
                     Cloudflare allows only one. Manage the existing one by importing it: `{}`, \
                     with the address Terraform shows after \"with\" above. \
                     If this configuration deletes it elsewhere in the same apply, use a `moved` \
                     block instead of a delete and a create.",
                    existing.name.unwrap_or_default(),
                    import_hint(&scope, &id)
                ),
            );
        }
    }

    async fn read(&self, ctx: &Context, request: ReadRequest, response: &mut ReadResponse) {
        let diagnostics = &mut response.diagnostics;
        let Some((client, prior, scope)) = begin(ctx, &request.prior_state, diagnostics) else {
            return;
        };
        let Some(id) = state_id(&prior, "read", diagnostics) else {
            return;
        };
        let about = subject(&prior, &scope);
        match unless_stopped(ctx, client.get_identity_provider(&scope, &id)).await {
            Err(Stopped) => diagnostics.push(stopped_diagnostic("read", &about)),
            Ok(Err(error)) if error.is_not_found() => {
                diagnostics.warning(
                    "Resource not found",
                    format!(
                        "The {about} no longer exists in Cloudflare, so Terraform will remove it \
                         from state; the next plan will create it again."
                    ),
                );
                response.new_state = Value::Null;
            }
            Ok(Err(error)) => diagnostics.push(api_failure(client, "read", &about, &error)),
            Ok(Ok(mut api)) => {
                api.id.get_or_insert_with(|| id.clone());
                let mut fresh = convert::from_api(&api, &scope).to_value();
                normalize::after_read(&mut fresh, &request.prior_state);
                response.new_state = fresh;
                response.identity = identity::identity(&scope, &id);
            }
        }
    }

    async fn create(&self, ctx: &Context, request: CreateRequest, response: &mut CreateResponse) {
        let diagnostics = &mut response.diagnostics;
        let Some((client, planned, scope)) = begin(ctx, &request.planned_state, diagnostics) else {
            return;
        };
        // The configuration is the only place the write-only client secret can be read from.
        let Some(config) = decode(&request.config, diagnostics) else {
            return;
        };
        let about = subject(&planned, &scope);
        let body = convert::create_body(&planned, &config);

        let maybe_sent = Arc::new(AtomicBool::new(false));
        let call =
            client.create_identity_provider_reporting(&scope, &body, Arc::clone(&maybe_sent));
        tokio::pin!(call);
        let result = tokio::select! {
            result = &mut call => result,
            () = ctx.cancel.cancelled() => {
                // The POST may already have reached Cloudflare: let it finish for a while so the
                // object ends up in state rather than orphaned.
                match tokio::time::timeout(CANCELLED_CREATE_GRACE, &mut call).await {
                    Ok(result) => result,
                    Err(_) if !maybe_sent.load(Ordering::Relaxed) => {
                        diagnostics.error(
                            "Create Interrupted",
                            format!(
                                "Terraform asked the provider to stop while it was creating the \
                                 {about}. No request had reached Cloudflare yet (every attempt \
                                 so far failed to connect, or was still waiting its turn), so \
                                 nothing was created; apply again once the API is reachable."
                            ),
                        );
                        return;
                    }
                    Err(_) => {
                        diagnostics.error(
                            "Create Interrupted",
                            format!(
                                "Terraform asked the provider to stop while it was creating the \
                                 {about}, and Cloudflare had not answered after {} more seconds. \
                                 The identity provider may or may not exist now: check Settings → \
                                 Authentication in the Zero Trust dashboard, and if it exists, \
                                 import it with `{}` rather than creating it again.",
                                CANCELLED_CREATE_GRACE.as_secs(),
                                import_hint(&scope, "<identity_provider_id>")
                            ),
                        );
                        return;
                    }
                }
            }
        };

        match result {
            Ok(api) if api.id.as_deref().is_some_and(|id| !id.is_empty()) => {
                tracing::debug!(
                    id = api.id.as_deref().unwrap_or(""),
                    "identity provider created"
                );
                response.new_state =
                    applied_state(&request.planned_state, &Value::Null, &api, &scope);
                response.identity = identity::identity(&scope, api.id.as_deref().unwrap_or(""));
            }
            Ok(_) => diagnostics.error(
                "Unexpected Cloudflare API Response",
                format!(
                    "Cloudflare accepted the {about} but its answer has no id, so Terraform \
                     cannot track it. Check the Zero Trust dashboard and import it."
                ),
            ),
            Err(error) => {
                let mut diagnostic = api_failure(client, "create", &about, &error);
                if error.status() == Some(409)
                    && is_onetimepin(planned.kind.known().map(String::as_str))
                {
                    if let Some(existing) = existing_onetimepin(ctx, client, &scope).await {
                        diagnostic.detail.push_str(&format!(
                            "\n\nThe existing one is {:?}: `{}`, with the address Terraform \
                             shows after \"with\" above.",
                            existing.name.unwrap_or_default(),
                            import_hint(&scope, &existing.id.unwrap_or_default())
                        ));
                    }
                }
                diagnostics.push(diagnostic);
            }
        }
    }

    async fn update(&self, ctx: &Context, request: UpdateRequest, response: &mut UpdateResponse) {
        let diagnostics = &mut response.diagnostics;
        let Some((client, prior, scope)) = begin(ctx, &request.prior_state, diagnostics) else {
            return;
        };
        let Some(planned) = decode(&request.planned_state, diagnostics) else {
            return;
        };
        let Some(id) = state_id(&prior, "updated", diagnostics) else {
            return;
        };
        let Some(config) = decode(&request.config, diagnostics) else {
            return;
        };
        let about = subject(&prior, &scope);
        let body = convert::update_body(&planned, &prior, &config);
        match unless_stopped(ctx, client.update_identity_provider(&scope, &id, &body)).await {
            Err(Stopped) => diagnostics.push(stopped_diagnostic("update", &about)),
            Ok(Err(error)) => diagnostics.push(api_failure(client, "update", &about, &error)),
            Ok(Ok(mut api)) => {
                api.id.get_or_insert_with(|| id.clone());
                response.new_state =
                    applied_state(&request.planned_state, &request.prior_state, &api, &scope);
                response.identity = identity::identity(&scope, &id);
            }
        }
    }

    async fn delete(&self, ctx: &Context, request: DeleteRequest, response: &mut DeleteResponse) {
        let diagnostics = &mut response.diagnostics;
        let Some((client, prior, scope)) = begin(ctx, &request.prior_state, diagnostics) else {
            return;
        };
        let Some(id) = prior.id.known().cloned() else {
            // Nothing was ever created under this state.
            return;
        };
        let about = subject(&prior, &scope);
        match unless_stopped(ctx, client.delete_identity_provider(&scope, &id)).await {
            Err(Stopped) => diagnostics.push(stopped_diagnostic("delete", &about)),
            // Already gone is what a delete wants (v5 reports an error here).
            Ok(Err(error)) if error.is_not_found() => {
                tracing::debug!(id, "identity provider was already deleted");
            }
            Ok(Err(error)) => diagnostics.push(api_failure(client, "delete", &about, &error)),
            Ok(Ok(())) => tracing::debug!(id, "identity provider deleted"),
        }
    }

    async fn generate_config(
        &self,
        _ctx: &Context,
        request: GenerateConfigRequest,
        response: &mut GenerateConfigResponse,
    ) {
        generate::config_for_import(&request.state, response);
    }

    async fn upgrade_state(
        &self,
        _ctx: &Context,
        request: UpgradeStateRequest,
        response: &mut UpgradeStateResponse,
    ) {
        let diagnostics = &mut response.diagnostics;
        if let Some(state) = upgrade::upgrade(request.version, &request.raw_state, diagnostics) {
            response.state = state;
        }
    }

    fn move_sources(&self) -> Vec<MoveSource> {
        MOVE_SOURCES.to_vec()
    }

    async fn move_state(
        &self,
        _ctx: &Context,
        request: MoveStateRequest,
        response: &mut MoveStateResponse,
    ) {
        // v4 (terraform-plugin-sdk) never versioned this resource's schema.
        if request.source_schema_version != 0 {
            response.diagnostics.error(
                "Unsupported State Version",
                format!(
                    "The {V4_TYPE_NAME} state to move was written with schema version {}, but \
                     Cloudflare's v4 provider writes version 0, the only one this provider can \
                     move. Remove it from state with `terraform state rm` and import it as \
                     {TYPE_NAME}.",
                    request.source_schema_version
                ),
            );
            return;
        }
        let diagnostics = &mut response.diagnostics;
        if let Some(state) = upgrade::upgrade(0, &request.source_state, diagnostics) {
            response.state = state;
            response.private = request.source_private;
        }
    }

    async fn import_state(
        &self,
        _ctx: &Context,
        request: ImportRequest,
        response: &mut ImportResponse,
    ) {
        let named = if request.identity.is_null() {
            match import_id::parse(&request.id, WORDING.id_name) {
                Ok(parsed) => Some((parsed.scope, parsed.id)),
                Err(detail) => {
                    response.diagnostics.error("Invalid Import ID", detail);
                    None
                }
            }
        } else {
            identity::parse(&request.identity, &mut response.diagnostics)
        };
        let Some((scope, id)) = named else {
            return;
        };
        response.state = import_skeleton(&scope, &id);
        response.identity = identity::identity(&scope, &id);
    }
}

/// The state an import starts from: just enough for `read` to find the object.
pub fn import_skeleton(scope: &Scope, id: &str) -> Value {
    let (account_id, zone_id) = match scope {
        Scope::Account(account) => (Attr::Known(account.clone()), Attr::Null),
        Scope::Zone(zone) => (Attr::Null, Attr::Known(zone.clone())),
    };
    IdentityProviderModel {
        id: Attr::Known(id.to_owned()),
        account_id,
        zone_id,
        ..IdentityProviderModel::default()
    }
    .to_value()
}

#[cfg(test)]
mod move_tests {
    use super::*;
    use crate::framework::server::{MoveResourceStateRequest, Server};
    use crate::provider::CloudflareProvider;
    use std::sync::Arc;

    fn request(provider: &str, type_name: &str, version: i64) -> MoveResourceStateRequest {
        let v4 = serde_json::json!({
            "id": "idp-1", "account_id": "acc", "zone_id": "", "name": "GitHub", "type": "github",
            "config": [{"client_id": "cid", "client_secret": "*****", "api_token": "",
                        "idp_public_cert": "", "sign_request": false}],
            "scim_config": []
        });
        MoveResourceStateRequest {
            source_provider_address: provider.into(),
            source_type_name: type_name.into(),
            source_schema_version: version,
            source_state_json: serde_json::to_vec(&v4).unwrap(),
            source_private: Vec::new(),
            target_type_name: TYPE_NAME.into(),
        }
    }

    #[tokio::test]
    async fn v4_state_moves_from_cloudflare_and_this_provider_only() {
        let server = Server::new(Arc::new(CloudflareProvider::with_env(|_| None)));
        assert!(server.accepts_moves());
        for provider in [
            "registry.terraform.io/cloudflare/cloudflare",
            "registry.opentofu.org/cloudflare/cloudflare",
            "registry.terraform.io/ferrotf/cloudflare-access",
        ] {
            let moved = server
                .move_resource_state(request(provider, V4_TYPE_NAME, 0))
                .await;
            assert!(moved.diagnostics.is_empty(), "{provider}: {moved:?}");
            let state = &moved.state;
            assert_eq!(state.attr("id").as_str(), Some("idp-1"));
            assert_eq!(state.attr("account_id").as_str(), Some("acc"));
            assert!(state.attr("zone_id").is_null());
            assert_eq!(state.attr("config").attr("client_id").as_str(), Some("cid"));
            assert!(state.attr("config").attr("client_secret").is_null());
            assert!(state.attr("config").attr("sign_request").is_null());
            assert!(state.attr("scim_config").is_null());
        }

        let refused = server
            .move_resource_state(request(
                "registry.terraform.io/hashicorp/cloudflare",
                V4_TYPE_NAME,
                0,
            ))
            .await;
        let detail = &refused.diagnostics.iter().next().unwrap().detail;
        assert!(refused.state.is_null());
        assert!(
            detail.contains(
                "cloudflare_access_identity_provider of provider \
                 \"registry.terraform.io/hashicorp/cloudflare\""
            ) && detail.contains(
                "cloudflare_access_identity_provider from provider \"cloudflare/cloudflare\" or \
                 \"ferrotf/cloudflare-access\""
            ),
            "{detail}"
        );
        let refused = server
            .move_resource_state(request(
                "registry.terraform.io/cloudflare/cloudflare",
                "cloudflare_access_application",
                0,
            ))
            .await;
        assert_eq!(refused.diagnostics.len(), 1);
        let refused = server
            .move_resource_state(request(
                "registry.terraform.io/cloudflare/cloudflare",
                V4_TYPE_NAME,
                1,
            ))
            .await;
        let diagnostic = refused.diagnostics.iter().next().unwrap();
        assert_eq!(diagnostic.summary, "Unsupported State Version");
        assert!(refused.state.is_null());
    }
}
