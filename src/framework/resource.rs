//! The `Resource` trait and the request/response types of each operation.
//!
//! Every operation has the same calling convention, `(ctx, request, &mut response)`: the
//! framework server (`server`) fills the response with what Terraform should keep if the
//! resource writes nothing (for example the prior state on read and update), calls the
//! resource, then checks and completes what came back. A resource only says how to reach its
//! remote object; choosing create, update or delete and every rule Terraform enforces on the
//! results belong to the server.

use super::diagnostics::Diagnostics;
use super::path::AttributePath;
use super::provider::ProviderData;
use super::schema::Schema;
use super::value::Value;
use tokio_util::sync::CancellationToken;

/// Per-call context: cancellation, configured provider data and facts about the client.
#[derive(Clone, Default)]
pub struct Context {
    /// Cancelled when Terraform calls `StopProvider` (e.g. on Ctrl-C).
    pub cancel: CancellationToken,
    /// What `Provider::configure` returned, once it has run.
    pub data: Option<ProviderData>,
    /// The Terraform version, when the client told us.
    pub terraform_version: Option<String>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("cancelled", &self.cancel.is_cancelled())
            .field("configured", &self.data.is_some())
            .field("terraform_version", &self.terraform_version)
            .finish()
    }
}

impl Context {
    /// The configured provider data, downcast to the type the provider stored.
    pub fn provider_data<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.data.as_ref()?.downcast_ref::<T>()
    }
}

/// Input to `validate_config` of resources and data sources.
#[derive(Debug, Clone)]
pub struct ValidateConfigRequest {
    /// The configuration; it may contain unknown values.
    pub config: Value,
}

/// Output of `validate_config`.
#[derive(Debug, Clone, Default)]
pub struct ValidateConfigResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input to [`Resource::read`].
#[derive(Debug, Clone)]
pub struct ReadRequest {
    /// The state Terraform holds (after any upgrade).
    pub prior_state: Value,
    /// Private data stored with the state by an earlier call.
    pub private: Vec<u8>,
    /// The identity Terraform holds; null when it has none yet.
    pub identity: Value,
}

/// Output of [`Resource::read`]. It arrives as "nothing changed": the prior state, private
/// data and identity.
#[derive(Debug, Clone, Default)]
pub struct ReadResponse {
    /// The refreshed state; null means the object is gone and Terraform forgets it.
    pub new_state: Value,
    /// Private data to keep with the state.
    pub private: Vec<u8>,
    /// The object's identity; only for resources with an identity schema.
    pub identity: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

impl ReadResponse {
    /// The response a read that changes nothing gives.
    pub fn unchanged(request: &ReadRequest) -> Self {
        Self {
            new_state: request.prior_state.clone(),
            private: request.private.clone(),
            identity: request.identity.clone(),
            diagnostics: Diagnostics::new(),
        }
    }
}

/// Input to [`Resource::modify_plan`].
#[derive(Debug, Clone)]
pub struct ModifyPlanRequest {
    /// The current state; null on create.
    pub prior_state: Value,
    /// The configuration (may contain unknowns).
    pub config: Value,
    /// The identity Terraform holds for the object; null on create or when it has none yet.
    pub prior_identity: Value,
}

/// What [`Resource::modify_plan`] may change. It arrives filled with the framework's plan.
#[derive(Debug, Clone, Default)]
pub struct ModifyPlanResponse {
    /// The planned state; never null here, since destroys do not reach the resource.
    pub planned_state: Value,
    /// Attributes whose change replaces the object.
    pub requires_replace: Vec<AttributePath>,
    /// The identity the object will have; it arrives as the prior identity (null on create).
    /// On create parts of it may be unknown; on update it must be wholly known.
    pub planned_identity: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input to [`Resource::create`].
#[derive(Debug, Clone)]
pub struct CreateRequest {
    /// The planned state, with unknowns for what the API decides.
    pub planned_state: Value,
    /// The configuration, including write-only values the plan does not carry.
    pub config: Value,
}

/// Input to [`Resource::update`].
#[derive(Debug, Clone)]
pub struct UpdateRequest {
    /// The state before the update.
    pub prior_state: Value,
    /// The planned state.
    pub planned_state: Value,
    /// The configuration, including write-only values the plan does not carry.
    pub config: Value,
    /// The identity before the update; null when the resource has none.
    pub prior_identity: Value,
}

/// Output of create and update. A create's response arrives empty (nothing exists yet); an
/// update's arrives holding the prior state, private data and identity, since an update that
/// fails leaves the object as it was.
#[derive(Debug, Clone, Default)]
pub struct ApplyResponse {
    /// The new, wholly known state. Leave it null when nothing was created; on a partial
    /// failure set what exists so Terraform keeps track of it.
    pub new_state: Value,
    /// Private data to keep with the state.
    pub private: Vec<u8>,
    /// The object's identity; only for resources with an identity schema.
    pub identity: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Output of [`Resource::create`].
pub type CreateResponse = ApplyResponse;
/// Output of [`Resource::update`].
pub type UpdateResponse = ApplyResponse;

/// Input to [`Resource::delete`].
#[derive(Debug, Clone)]
pub struct DeleteRequest {
    /// The state of the object to delete.
    pub prior_state: Value,
}

/// Output of [`Resource::delete`]. Any error keeps the state, since the object is still there.
#[derive(Debug, Clone, Default)]
pub struct DeleteResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input to [`Resource::import_state`].
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The ID the user gave `terraform import` or an `import` block; empty when the import
    /// names the object by identity instead.
    pub id: String,
    /// The identity an `import` block gave (Terraform 1.12+); null when it gave an ID.
    pub identity: Value,
}

/// Output of [`Resource::import_state`].
#[derive(Debug, Clone, Default)]
pub struct ImportResponse {
    /// A state holding at least what `read` needs to find the object; Terraform reads it next.
    pub state: Value,
    /// The object's identity; only for resources with an identity schema.
    pub identity: Value,
    /// Problems found, e.g. a malformed import ID.
    pub diagnostics: Diagnostics,
}

/// Input to [`Resource::upgrade_state`].
#[derive(Debug, Clone)]
pub struct UpgradeStateRequest {
    /// The schema version the state was written with; always older than the current one.
    pub version: i64,
    /// The stored state as JSON (numbers possibly rounded to f64).
    pub raw_state: serde_json::Value,
}

/// Output of [`Resource::upgrade_state`].
#[derive(Debug, Clone, Default)]
pub struct UpgradeStateResponse {
    /// The state in the current schema; null when the upgrade failed.
    pub state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input to [`Resource::generate_config`].
#[derive(Debug, Clone)]
pub struct GenerateConfigRequest {
    /// The state of an object being imported or found by `terraform query`.
    pub state: Value,
}

/// Output of [`Resource::generate_config`]. It arrives holding the framework's configuration
/// for the state: computed-only, write-only and deprecated attributes null.
#[derive(Debug, Clone, Default)]
pub struct GenerateConfigResponse {
    /// The configuration Terraform writes as HCL. Terraform writes every configurable
    /// attribute (null ones as `null`), skips null optional+computed ones and writes each
    /// sensitive attribute as `null # sensitive` whatever its value.
    pub config: Value,
    /// Problems found, and warnings about what the configuration could not include.
    pub diagnostics: Diagnostics,
}

/// Input to [`Resource::upgrade_identity`].
#[derive(Debug, Clone)]
pub struct UpgradeIdentityRequest {
    /// The identity schema version the identity was stored with; never the current one.
    pub version: i64,
    /// The stored identity as JSON.
    pub raw_identity: serde_json::Value,
}

/// Output of [`Resource::upgrade_identity`].
#[derive(Debug, Clone, Default)]
pub struct UpgradeIdentityResponse {
    /// The identity in the current identity schema; null when the upgrade failed.
    pub identity: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// A resource type whose state a `moved` block may carry into this one (Terraform 1.8+).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveSource {
    /// The source resource type name.
    pub type_name: &'static str,
    /// The providers it may come from, as `namespace/type` (any registry host matches, so
    /// mirrors and OpenTofu's registry are accepted too).
    pub providers: &'static [&'static str],
}

impl MoveSource {
    /// Whether state of `type_name` from the provider at `provider_address` (Terraform's
    /// `[host/]namespace/type` form) is this source.
    pub fn matches(&self, provider_address: &str, type_name: &str) -> bool {
        type_name == self.type_name
            && self
                .providers
                .iter()
                .any(|accepted| same_provider(provider_address, accepted))
    }
}

/// Whether a provider address names the `namespace/type` given, on any registry host.
/// Terraform compares addresses without regard to case.
fn same_provider(address: &str, namespace_type: &str) -> bool {
    let parts: Vec<&str> = address.trim().split('/').collect();
    let tail = match parts.as_slice() {
        [_, namespace, kind] | [namespace, kind] => format!("{namespace}/{kind}"),
        _ => return false,
    };
    tail.eq_ignore_ascii_case(namespace_type)
}

/// Input to [`Resource::move_state`]. The server has already checked that the source is one
/// of [`Resource::move_sources`].
#[derive(Debug, Clone)]
pub struct MoveStateRequest {
    /// The provider the state comes from, e.g. `registry.terraform.io/cloudflare/cloudflare`.
    pub source_provider_address: String,
    /// The resource type the state comes from.
    pub source_type_name: String,
    /// The schema version the source state was written with.
    pub source_schema_version: i64,
    /// The source state as stored, in the source type's shape.
    pub source_state: serde_json::Value,
    /// Private data stored with the source state.
    pub source_private: Vec<u8>,
}

/// Output of [`Resource::move_state`].
#[derive(Debug, Clone, Default)]
pub struct MoveStateResponse {
    /// The state in this resource's current schema; null when the move failed.
    pub state: Value,
    /// Private data to keep with the moved state.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// A managed resource type.
#[async_trait::async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The resource type name, e.g. `cloudflare_zero_trust_access_identity_provider`.
    fn type_name(&self) -> &'static str;

    /// The schema, including its version. The server asks once and keeps it.
    fn schema(&self) -> Schema;

    /// The schema of the object's identity (what `terraform query` lists and import blocks may
    /// name), or `None` for a resource without one. The server asks once and keeps it.
    fn identity_schema(&self) -> Option<Schema> {
        None
    }

    /// Checks a configuration that may contain unknown values. Runs at validate, plan and
    /// apply time, before the provider is configured.
    async fn validate_config(
        &self,
        _ctx: &Context,
        _request: ValidateConfigRequest,
        _response: &mut ValidateConfigResponse,
    ) {
    }

    /// Adjusts the framework's plan (which already applied defaults, unknown-marking,
    /// state-for-unknown and requires-replace). Not called for destroys.
    async fn modify_plan(
        &self,
        _ctx: &Context,
        _request: ModifyPlanRequest,
        _response: &mut ModifyPlanResponse,
    ) {
    }

    /// Refreshes the state from the remote object.
    async fn read(&self, ctx: &Context, request: ReadRequest, response: &mut ReadResponse);

    /// Creates the remote object.
    async fn create(&self, ctx: &Context, request: CreateRequest, response: &mut CreateResponse);

    /// Updates the remote object in place.
    async fn update(&self, ctx: &Context, request: UpdateRequest, response: &mut UpdateResponse);

    /// Deletes the remote object.
    async fn delete(&self, ctx: &Context, request: DeleteRequest, response: &mut DeleteResponse);

    /// Starts an import from a user-supplied ID. The default refuses import.
    async fn import_state(
        &self,
        _ctx: &Context,
        _request: ImportRequest,
        response: &mut ImportResponse,
    ) {
        response.diagnostics.error(
            "Resource Import Not Implemented",
            format!("{} cannot be imported.", self.type_name()),
        );
    }

    /// Adjusts the configuration Terraform generates for an imported or listed object
    /// (`-generate-config-out`, Terraform 1.14+). Applying what comes back must plan no change
    /// for the object, so only values that configuration may leave to the provider (optional
    /// and computed ones) may be dropped.
    async fn generate_config(
        &self,
        _ctx: &Context,
        _request: GenerateConfigRequest,
        _response: &mut GenerateConfigResponse,
    ) {
    }

    /// Moves an identity stored with an older identity schema version to the current one.
    /// Terraform asks only when the stored version differs from the current one; the default
    /// refuses every older version.
    async fn upgrade_identity(
        &self,
        _ctx: &Context,
        request: UpgradeIdentityRequest,
        response: &mut UpgradeIdentityResponse,
    ) {
        response.diagnostics.error(
            "Unsupported Identity Version",
            format!(
                "The identity of this {} was stored with identity schema version {}, which \
                 this provider cannot upgrade. Remove the resource with `terraform state rm` \
                 and import it again.",
                self.type_name(),
                request.version,
            ),
        );
    }

    /// The resource types a `moved` block may move into this one. Empty (the default) means
    /// none, and the server answers every move with an error.
    fn move_sources(&self) -> Vec<MoveSource> {
        Vec::new()
    }

    /// Converts the state of a [`MoveSource`] into this resource's schema. Only called for
    /// sources [`Resource::move_sources`] lists.
    async fn move_state(
        &self,
        _ctx: &Context,
        request: MoveStateRequest,
        response: &mut MoveStateResponse,
    ) {
        response.diagnostics.error(
            "Unsupported Resource Move",
            format!(
                "{} cannot take over the state of {}.",
                self.type_name(),
                request.source_type_name
            ),
        );
    }

    /// Moves state written with an older schema version to the current version.
    /// Current-version state never reaches this. The default refuses every older version.
    async fn upgrade_state(
        &self,
        _ctx: &Context,
        request: UpgradeStateRequest,
        response: &mut UpgradeStateResponse,
    ) {
        response.diagnostics.error(
            "Unsupported State Version",
            format!(
                "The state of this {} was written with schema version {}, which this \
                 provider cannot upgrade to version {}. Remove it with `terraform state rm` \
                 and import it again.",
                self.type_name(),
                request.version,
                self.schema().version
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::MoveSource;

    const V4: MoveSource = MoveSource {
        type_name: "old_thing",
        providers: &["acme/acme", "ours/acme-extra"],
    };

    #[test]
    fn move_sources_match_on_type_and_namespace_type_of_any_host() {
        for address in [
            "registry.terraform.io/acme/acme",
            "registry.opentofu.org/acme/acme",
            "acme/acme",
            "Registry.Terraform.io/ACME/Acme",
            "mirror.example.com/ours/acme-extra",
        ] {
            assert!(V4.matches(address, "old_thing"), "{address}");
        }
        assert!(!V4.matches("registry.terraform.io/acme/acme", "other_thing"));
        for address in [
            "registry.terraform.io/hashicorp/acme",
            "registry.terraform.io/acme/acme-beta",
            "acme",
            "a/b/acme/acme",
            "",
        ] {
            assert!(!V4.matches(address, "old_thing"), "{address}");
        }
    }
}
