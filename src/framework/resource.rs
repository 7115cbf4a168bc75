//! The `Resource` trait and the request/response types of each operation.
//!
//! Terraform has no create, update or delete RPCs: the framework decides which one to call
//! from null prior or planned state, runs the generic planning rules from `plan`, and then
//! lets the resource adjust the plan.

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

/// Input to [`Resource::read`].
#[derive(Debug, Clone)]
pub struct ReadRequest {
    /// The state Terraform holds (after any upgrade).
    pub prior_state: Value,
    /// Private data stored with the state by an earlier call.
    pub private: Vec<u8>,
}

/// Output of [`Resource::read`].
#[derive(Debug, Clone, Default)]
pub struct ReadResponse {
    /// The refreshed state; null means the object is gone and Terraform forgets it.
    pub new_state: Value,
    /// Private data to keep with the state.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input to [`Resource::modify_plan`].
#[derive(Debug, Clone)]
pub struct ModifyPlanRequest {
    /// The current state; null on create.
    pub prior_state: Value,
    /// The configuration (may contain unknowns).
    pub config: Value,
}

/// What [`Resource::modify_plan`] may change. It arrives filled with the framework's plan.
#[derive(Debug, Clone, Default)]
pub struct ModifyPlanResponse {
    /// The planned state; null when destroying.
    pub planned_state: Value,
    /// Attributes whose change replaces the object.
    pub requires_replace: Vec<AttributePath>,
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
}

/// Output of create and update.
#[derive(Debug, Clone, Default)]
pub struct ApplyResponse {
    /// The new, wholly known state. Leave it null when nothing was created; on a partial
    /// failure set what exists so Terraform keeps track of it.
    pub new_state: Value,
    /// Private data to keep with the state.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input to [`Resource::delete`].
#[derive(Debug, Clone)]
pub struct DeleteRequest {
    /// The state of the object to delete.
    pub prior_state: Value,
}

/// Output of [`Resource::import`].
#[derive(Debug, Clone, Default)]
pub struct ImportResponse {
    /// A state holding at least what `read` needs to find the object; Terraform reads it next.
    pub state: Value,
    /// Problems found, e.g. a malformed import ID.
    pub diagnostics: Diagnostics,
}

/// A managed resource type.
#[async_trait::async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The resource type name, e.g. `cloudflare_zero_trust_access_identity_provider`.
    fn type_name(&self) -> &'static str;

    /// The schema, including its version.
    fn schema(&self) -> &Schema;

    /// Checks a configuration that may contain unknown values. Runs at validate, plan and
    /// apply time, before the provider is configured.
    fn validate_config(&self, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Adjusts the framework's plan (which already applied defaults, unknown-marking,
    /// state-for-unknown and requires-replace). Not called for destroys.
    async fn modify_plan(
        &self,
        _ctx: &Context,
        _request: &ModifyPlanRequest,
        _response: &mut ModifyPlanResponse,
    ) {
    }

    /// Refreshes the state from the remote object.
    async fn read(&self, ctx: &Context, request: ReadRequest, response: &mut ReadResponse);

    /// Creates the remote object.
    async fn create(&self, ctx: &Context, request: CreateRequest, response: &mut ApplyResponse);

    /// Updates the remote object in place.
    async fn update(&self, ctx: &Context, request: UpdateRequest, response: &mut ApplyResponse);

    /// Deletes the remote object.
    async fn delete(&self, ctx: &Context, request: DeleteRequest, diagnostics: &mut Diagnostics);

    /// Starts an import from a user-supplied ID. The default refuses import.
    async fn import(&self, _ctx: &Context, _id: &str, response: &mut ImportResponse) {
        response.diagnostics.error(
            "Resource Import Not Implemented",
            format!("{} cannot be imported.", self.type_name()),
        );
    }

    /// Moves state written with an older schema version (as raw JSON, numbers possibly
    /// rounded to f64) to the current version. Current-version state never reaches this.
    fn upgrade_state(
        &self,
        version: i64,
        _raw_state: &serde_json::Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<Value> {
        diagnostics.error(
            "Unsupported State Version",
            format!(
                "The state of this {} was written with schema version {version}, which this \
                 provider cannot upgrade to version {}. Remove it with `terraform state rm` \
                 and import it again.",
                self.type_name(),
                self.schema().version
            ),
        );
        None
    }
}
