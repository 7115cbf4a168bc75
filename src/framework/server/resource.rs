//! Managed resources: validation, planning, apply, refresh, import and state upgrades, with
//! the checks Terraform makes of their results applied before anything leaves the provider.

use super::{Registered, Server};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::plan::{
    config_from_state, configured_write_only_paths, null_write_only, plan_resource_change,
    unknown_paths, unknowns_as_null,
};
use crate::framework::resource::Resource;
use crate::framework::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, DeleteResponse, GenerateConfigRequest,
    GenerateConfigResponse, ImportRequest, ImportResponse, ModifyPlanRequest, ModifyPlanResponse,
    MoveStateRequest, MoveStateResponse, ReadRequest, ReadResponse, UpdateRequest,
    UpgradeIdentityRequest, UpgradeIdentityResponse, UpgradeStateRequest, UpgradeStateResponse,
    ValidateConfigRequest, ValidateConfigResponse,
};
use crate::framework::schema::Schema;
use crate::framework::value::Value;
use crate::framework::{AttributePath, Diagnostic};

/// Input to [`Server::validate_resource_config`].
#[derive(Debug, Clone)]
pub struct ValidateResourceConfigRequest {
    /// The configuration; it may contain unknown values.
    pub config: Value,
    /// Whether the client can keep write-only values out of plan and state (Terraform 1.11+).
    pub write_only_allowed: bool,
}

/// Input to [`Server::plan_resource_change`].
#[derive(Debug, Clone)]
pub struct PlanResourceChangeRequest {
    /// The current state; null on create.
    pub prior_state: Value,
    /// Terraform's proposed new state; null for a destroy.
    pub proposed_new_state: Value,
    /// The configuration.
    pub config: Value,
    /// Private data stored with the prior state.
    pub prior_private: Vec<u8>,
    /// The identity Terraform holds; null on create, before Terraform 1.12, or when the state
    /// has none yet.
    pub prior_identity: Value,
}

/// Output of [`Server::plan_resource_change`].
#[derive(Debug, Clone, Default)]
pub struct PlanResourceChangeResponse {
    /// The planned state; null for a destroy.
    pub planned_state: Value,
    /// Attributes whose change replaces the object, sorted and without repeats.
    pub requires_replace: Vec<AttributePath>,
    /// Private data for the apply; it rides along unchanged.
    pub planned_private: Vec<u8>,
    /// The identity the object will have: null for a destroy, possibly partly unknown for a
    /// create, wholly known and unchanged for an update.
    pub planned_identity: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Input to [`Server::apply_resource_change`].
#[derive(Debug, Clone)]
pub struct ApplyResourceChangeRequest {
    /// The state before the change; null on create.
    pub prior_state: Value,
    /// The planned state; null on delete.
    pub planned_state: Value,
    /// The configuration, including write-only values.
    pub config: Value,
    /// Private data from the plan.
    pub planned_private: Vec<u8>,
    /// The identity before the change; null when there is none.
    pub prior_identity: Value,
}

/// Output of [`Server::apply_resource_change`].
pub type ApplyResourceChangeResponse = ApplyResponse;

/// Input to [`Server::move_resource_state`]: what Terraform knows of the state a `moved` block
/// carries across resource types.
#[derive(Debug, Clone)]
pub struct MoveResourceStateRequest {
    /// The provider the state comes from, e.g. `registry.terraform.io/cloudflare/cloudflare`.
    pub source_provider_address: String,
    /// The resource type the state comes from.
    pub source_type_name: String,
    /// The schema version the source state was written with.
    pub source_schema_version: i64,
    /// The source state as stored (JSON), in the source type's shape.
    pub source_state_json: Vec<u8>,
    /// Private data stored with the source state.
    pub source_private: Vec<u8>,
    /// The resource type the state moves to.
    pub target_type_name: String,
}

/// Input to [`Server::read_resource`].
pub type ReadResourceRequest = ReadRequest;

/// The checks Terraform makes of a state a resource produced: write-only values are dropped,
/// and an unknown value (which state cannot hold) is an error naming its path, saved as null so
/// that what exists is still tracked.
pub(super) fn settle_state(
    schema: &Schema,
    state: &mut Value,
    diagnostics: &mut Diagnostics,
    summary: &str,
    detail: &str,
) {
    *state = null_write_only(schema, state);
    let unknowns = unknown_paths(state);
    if unknowns.is_empty() {
        return;
    }
    for path in unknowns {
        diagnostics.attribute_error(path, summary, detail);
    }
    *state = unknowns_as_null(state);
}

/// For a resource type with an identity schema, an error when an object that exists has no
/// wholly known identity or a different one than before.
fn check_identity(
    registered: &Registered<dyn Resource>,
    state: &Value,
    identity: &Value,
    prior: &Value,
    diagnostics: &mut Diagnostics,
) {
    if registered.identity_schema.is_none() || state.is_null() {
        return;
    }
    if let Some(problem) = identity_problem(identity, prior) {
        diagnostics.push(problem);
    }
}

fn identity_problem(identity: &Value, prior: &Value) -> Option<Diagnostic> {
    if identity.is_null() || !unknown_paths(identity).is_empty() {
        return Some(Diagnostic::error(
            "Missing Resource Identity",
            "The provider returned an object without a wholly known identity. This is a bug in \
             the provider; please report it.",
        ));
    }
    if !prior.is_null() && !identity.semantically_equal(prior) {
        return Some(Diagnostic::error(
            "Unexpected Identity Change",
            "The provider changed the identity of an existing object, which Terraform does not \
             allow. This is a bug in the provider; please report it.",
        ));
    }
    None
}

/// How the errors about a state that replaces the one Terraform knew are worded.
struct NewStateWording {
    missing_summary: &'static str,
    missing_detail: &'static str,
    unknown_summary: &'static str,
    unknown_detail: &'static str,
}

/// The checks Terraform makes of a state a resource hands over in place of the one it knew (an
/// import, an upgrade, a move): after an error there is none; without one there must be one,
/// with no write-only values and nothing unknown. Returns whether the state passed; when it did
/// not, the state is null.
fn check_new_state(
    schema: &Schema,
    state: &mut Value,
    diagnostics: &mut Diagnostics,
    wording: NewStateWording,
) -> bool {
    if diagnostics.has_errors() {
        *state = Value::Null;
        return false;
    }
    if state.is_null() {
        diagnostics.error(wording.missing_summary, wording.missing_detail);
        return false;
    }
    *state = null_write_only(schema, state);
    if let Some(path) = unknown_paths(state).into_iter().next() {
        diagnostics.attribute_error(path, wording.unknown_summary, wording.unknown_detail);
        *state = Value::Null;
        return false;
    }
    true
}

/// Stored JSON (state or identity) as a JSON value, or `None` after adding an error that says
/// which `subject` is not valid JSON. serde_json's message names positions and expectations,
/// never the content, so it is safe to show.
fn parse_stored(
    raw_json: &[u8],
    summary: &str,
    subject: &str,
    diagnostics: &mut Diagnostics,
) -> Option<serde_json::Value> {
    serde_json::from_slice(raw_json)
        .map_err(|error| {
            diagnostics.error(summary, format!("{subject} is not valid JSON: {error}."))
        })
        .ok()
}

impl Server {
    /// Write-only support of the client, then the resource's own checks.
    pub async fn validate_resource_config(
        &self,
        type_name: &str,
        request: ValidateResourceConfigRequest,
    ) -> Diagnostics {
        let registered = match self.resource(type_name) {
            Ok(registered) => registered,
            Err(unknown) => return Diagnostics::from(unknown),
        };
        let mut response = ValidateConfigResponse::default();
        if !request.write_only_allowed {
            // Older Terraform would store these values in plan and state; refuse instead.
            for path in configured_write_only_paths(&registered.schema, &request.config) {
                response.diagnostics.attribute_error(
                    path,
                    "Write-Only Attribute Not Allowed",
                    "This attribute is write-only, which needs Terraform 1.11 or later. Upgrade \
                     Terraform or remove the attribute from the configuration.",
                );
            }
        }
        let config = request.config;
        let resource = &registered.implementation;
        let request = ValidateConfigRequest { config };
        resource
            .validate_config(&self.context(), request, &mut response)
            .await;
        response.diagnostics
    }

    /// The framework's generic plan, then the resource's `modify_plan`. A destroy plans null
    /// without calling the resource.
    pub async fn plan_resource_change(
        &self,
        type_name: &str,
        request: PlanResourceChangeRequest,
    ) -> PlanResourceChangeResponse {
        let mut response = PlanResourceChangeResponse {
            planned_private: request.prior_private,
            ..PlanResourceChangeResponse::default()
        };
        let Some(registered) = self.resource_or_report(type_name, &mut response.diagnostics) else {
            return response;
        };
        let schema = &registered.schema;
        let operation = match (
            request.prior_state.is_null(),
            request.proposed_new_state.is_null(),
        ) {
            (_, true) => "destroy",
            (true, false) => "create",
            (false, false) => "update",
        };
        tracing::debug!(type_name, operation, "planning");
        let change = plan_resource_change(
            schema,
            &request.prior_state,
            &request.proposed_new_state,
            &request.config,
        );
        if change.planned_state.is_null() {
            return response;
        }
        let has_identity = registered.identity_schema.is_some();
        let prior_identity = if has_identity {
            request.prior_identity
        } else {
            Value::Null
        };
        let creating = request.prior_state.is_null();
        let mut modified = ModifyPlanResponse {
            planned_state: change.planned_state,
            requires_replace: change.requires_replace,
            planned_identity: prior_identity.clone(),
            diagnostics: Diagnostics::new(),
        };
        let modify_request = ModifyPlanRequest {
            prior_state: request.prior_state,
            config: request.config,
            prior_identity: prior_identity.clone(),
        };
        registered
            .implementation
            .modify_plan(&self.context(), modify_request, &mut modified)
            .await;
        response.diagnostics = modified.diagnostics;
        // Whatever modify_plan did, write-only values never enter a plan.
        response.planned_state = null_write_only(schema, &modified.planned_state);
        response.requires_replace = modified.requires_replace;
        response.requires_replace.sort();
        response.requires_replace.dedup();
        if has_identity {
            // An object updated in place keeps the identity it has; a create or a replacement
            // gets a new one.
            let replacing = !response.requires_replace.is_empty();
            if !creating && !replacing && !modified.planned_identity.is_null() {
                if let Some(problem) = identity_problem(&modified.planned_identity, &prior_identity)
                {
                    response.diagnostics.push(problem);
                }
            }
            // Terraform accepts a partly unknown identity for an object about to be created,
            // but `terraform show -json` of such a saved plan fails ("value is not known"), so
            // a new object's identity is planned as none until the apply reports it.
            if modified.planned_identity.is_wholly_known() {
                response.planned_identity = modified.planned_identity;
            }
        }
        response
    }

    /// Create, update or delete, chosen from null values alone: a null prior state creates, a
    /// null planned state deletes, anything else updates.
    pub async fn apply_resource_change(
        &self,
        type_name: &str,
        request: ApplyResourceChangeRequest,
    ) -> ApplyResourceChangeResponse {
        let registered = match self.resource(type_name) {
            Ok(registered) => registered,
            Err(unknown) => {
                return ApplyResponse {
                    new_state: request.prior_state,
                    private: request.planned_private,
                    identity: request.prior_identity,
                    diagnostics: Diagnostics::from(unknown),
                }
            }
        };
        let resource = registered.implementation.as_ref();
        let ctx = self.context();

        if request.planned_state.is_null() {
            tracing::debug!(type_name, operation = "delete", "applying");
            let mut deleted = DeleteResponse::default();
            let delete_request = DeleteRequest {
                prior_state: request.prior_state.clone(),
            };
            resource.delete(&ctx, delete_request, &mut deleted).await;
            // A failed delete leaves the object in place, so its state must stay too.
            let failed = deleted.diagnostics.has_errors();
            return ApplyResponse {
                new_state: if failed {
                    request.prior_state
                } else {
                    Value::Null
                },
                identity: if failed {
                    request.prior_identity
                } else {
                    Value::Null
                },
                private: Vec::new(),
                diagnostics: deleted.diagnostics,
            };
        }

        let creating = request.prior_state.is_null();
        let operation = if creating { "create" } else { "update" };
        tracing::debug!(type_name, operation, "applying");
        let prior_identity = request.prior_identity.clone();
        let mut response = if creating {
            // Nothing exists yet: a create that fails early leaves nothing to track.
            let mut response = ApplyResponse::default();
            let create_request = CreateRequest {
                planned_state: request.planned_state,
                config: request.config,
            };
            resource.create(&ctx, create_request, &mut response).await;
            response
        } else {
            // An update that fails without saying otherwise leaves the object as it was.
            let mut response = ApplyResponse {
                new_state: request.prior_state.clone(),
                private: request.planned_private,
                identity: request.prior_identity.clone(),
                diagnostics: Diagnostics::new(),
            };
            let update_request = UpdateRequest {
                prior_state: request.prior_state,
                planned_state: request.planned_state,
                config: request.config,
                prior_identity: request.prior_identity,
            };
            resource.update(&ctx, update_request, &mut response).await;
            response
        };
        if response.new_state.is_null() && !response.diagnostics.has_errors() {
            response.diagnostics.error(
                "Missing Resource State After Apply",
                format!(
                    "The provider's {operation} of this {type_name} returned no state and no \
                     error. This is a bug in the provider; please report it."
                ),
            );
        }
        let diagnostics = &mut response.diagnostics;
        settle_state(
            &registered.schema,
            &mut response.new_state,
            diagnostics,
            "Unknown Value After Apply",
            &format!(
                "The provider's {operation} left this attribute unknown, but state can only \
                 hold known values. This is a bug in the provider; please report it."
            ),
        );
        let (state, identity) = (&response.new_state, &response.identity);
        check_identity(registered, state, identity, &prior_identity, diagnostics);
        response
    }

    /// Refresh. The response starts as "nothing changed", so a resource only writes what
    /// drifted, and sets null when the object is gone.
    pub async fn read_resource(
        &self,
        type_name: &str,
        request: ReadResourceRequest,
    ) -> ReadResponse {
        let mut response = ReadResponse::unchanged(&request);
        let Some(registered) = self.resource_or_report(type_name, &mut response.diagnostics) else {
            return response;
        };
        tracing::debug!(type_name, "reading");
        let prior_identity = request.identity.clone();
        registered
            .implementation
            .read(&self.context(), request, &mut response)
            .await;
        let diagnostics = &mut response.diagnostics;
        settle_state(
            &registered.schema,
            &mut response.new_state,
            diagnostics,
            "Unknown Value After Read",
            "The provider left this attribute unknown after reading the object. This is a bug \
             in the provider; please report it.",
        );
        let (state, identity) = (&response.new_state, &response.identity);
        check_identity(registered, state, identity, &prior_identity, diagnostics);
        response
    }

    /// Turns a user's import ID into a starting state, which Terraform reads next. The
    /// response's state is null whenever nothing should be imported.
    pub async fn import_resource_state(
        &self,
        type_name: &str,
        request: ImportRequest,
    ) -> ImportResponse {
        let mut response = ImportResponse::default();
        let Some(registered) = self.resource_or_report(type_name, &mut response.diagnostics) else {
            return response;
        };
        tracing::debug!(type_name, "importing");
        let by_identity = !request.identity.is_null();
        if by_identity && registered.identity_schema.is_none() {
            response.diagnostics.error(
                "Import By Identity Not Supported",
                format!(
                    "{type_name} has no resource identity, so an `import` block must name it \
                     with `id` instead of `identity`."
                ),
            );
            return response;
        }
        registered
            .implementation
            .import_state(&self.context(), request, &mut response)
            .await;
        let checked = check_new_state(
            &registered.schema,
            &mut response.state,
            &mut response.diagnostics,
            NewStateWording {
                missing_summary: "Missing Imported State",
                missing_detail: "The provider returned no state for the import and no error. \
                                 This is a bug in the provider; please report it.",
                unknown_summary: "Unknown Value After Import",
                unknown_detail: "The imported state holds an unknown value. This is a bug in the \
                                 provider; please report it.",
            },
        );
        if !checked {
            return response;
        }
        if registered.identity_schema.is_none() {
            response.identity = Value::Null;
        } else if let Some(problem) = identity_problem(&response.identity, &Value::Null) {
            // Terraform refuses an import by identity that returns none, and every later
            // refresh would have to invent one.
            response.diagnostics.push(problem);
            response.state = Value::Null;
        }
        response
    }

    /// Stored JSON state to a value of the current schema. Terraform calls this every time it
    /// loads state, even at the current version, which `decode_current` reads directly; only
    /// older versions go through the resource. The response's state is null on failure.
    pub async fn upgrade_resource_state(
        &self,
        type_name: &str,
        version: i64,
        raw_json: &[u8],
        decode_current: impl FnOnce(&[u8], &Schema) -> Result<Value, Diagnostic>,
    ) -> UpgradeStateResponse {
        let mut response = UpgradeStateResponse::default();
        let Some(registered) = self.resource_or_report(type_name, &mut response.diagnostics) else {
            return response;
        };
        let schema = &registered.schema;
        if raw_json.is_empty() {
            response.diagnostics.error(
                "Unsupported State Format",
                format!(
                    "The stored state of this {type_name} has no JSON form (it predates \
                     Terraform 0.12). Remove it with `terraform state rm` and import it again."
                ),
            );
            return response;
        }
        if version == schema.version {
            match decode_current(raw_json, schema) {
                Ok(state) => response.state = state,
                Err(error) => {
                    response.diagnostics.push(error);
                    return response;
                }
            }
        } else if version > schema.version {
            response.diagnostics.error(
                "Resource Managed By Newer Provider Version",
                format!(
                    "The state of this {type_name} was written with schema version {version}, \
                     but this provider only knows versions up to {}. Use the newer provider \
                     version again.",
                    schema.version
                ),
            );
            return response;
        } else {
            let Some(raw_state) = parse_stored(
                raw_json,
                "Invalid Stored State",
                "The stored state",
                &mut response.diagnostics,
            ) else {
                return response;
            };
            let request = UpgradeStateRequest { version, raw_state };
            registered
                .implementation
                .upgrade_state(&self.context(), request, &mut response)
                .await;
        }
        check_new_state(
            schema,
            &mut response.state,
            &mut response.diagnostics,
            NewStateWording {
                missing_summary: "Missing Upgraded State",
                missing_detail: "The provider returned no upgraded state and no error. This is a \
                                 bug in the provider; please report it.",
                unknown_summary: "Invalid Upgraded State",
                unknown_detail: "The upgraded state holds an unknown value, which state cannot \
                                 store. This is a bug in the provider; please report it.",
            },
        );
        response
    }

    /// Stored JSON identity to a value of the current identity schema. Terraform asks only when
    /// the stored identity version differs from the current one; an older version goes through
    /// the resource, the current one is read directly by `decode_current`. The response's
    /// identity is null on failure.
    pub async fn upgrade_resource_identity(
        &self,
        type_name: &str,
        version: i64,
        raw_json: &[u8],
        decode_current: impl FnOnce(&[u8], &Schema) -> Result<Value, Diagnostic>,
    ) -> UpgradeIdentityResponse {
        let mut response = UpgradeIdentityResponse::default();
        let Some(registered) = self.resource_or_report(type_name, &mut response.diagnostics) else {
            return response;
        };
        let Some(identity_schema) = &registered.identity_schema else {
            response.diagnostics.error(
                "Resource Identity Not Supported",
                format!(
                    "The state holds an identity for this {type_name}, but this provider \
                     defines none for the type. Remove the resource with `terraform state rm` \
                     and import it again."
                ),
            );
            return response;
        };
        let current = identity_schema.version;
        if version == current {
            match decode_current(raw_json, identity_schema) {
                Ok(identity) => response.identity = identity,
                Err(error) => response.diagnostics.push(error),
            }
        } else if version > current {
            response.diagnostics.error(
                "Resource Identity Managed By Newer Provider Version",
                format!(
                    "The identity of this {type_name} was stored with identity schema version \
                     {version}, but this provider only knows versions up to {current}. Use the \
                     newer provider version again."
                ),
            );
        } else {
            let Some(raw_identity) = parse_stored(
                raw_json,
                "Invalid Stored Identity",
                "The stored identity",
                &mut response.diagnostics,
            ) else {
                return response;
            };
            let request = UpgradeIdentityRequest {
                version,
                raw_identity,
            };
            registered
                .implementation
                .upgrade_identity(&self.context(), request, &mut response)
                .await;
            if response.diagnostics.has_errors() {
                response.identity = Value::Null;
                return response;
            }
        }
        if response.diagnostics.has_errors() {
            return response;
        }
        if let Some(problem) = identity_problem(&response.identity, &Value::Null) {
            response.diagnostics.push(problem);
            response.identity = Value::Null;
        }
        response
    }

    /// The configuration Terraform writes for an imported or listed object: the framework's
    /// (the state without what configuration cannot set), then the resource's adjustments.
    pub async fn generate_resource_config(
        &self,
        type_name: &str,
        state: Value,
    ) -> GenerateConfigResponse {
        let mut response = GenerateConfigResponse::default();
        let Some(registered) = self.resource_or_report(type_name, &mut response.diagnostics) else {
            return response;
        };
        if state.is_null() {
            response.config = Value::Null;
            return response;
        }
        response.config = config_from_state(&registered.schema, &state);
        registered
            .implementation
            .generate_config(
                &self.context(),
                GenerateConfigRequest { state },
                &mut response,
            )
            .await;
        if !response.diagnostics.has_errors() {
            // Whatever the resource did, configuration never holds these.
            response.config = config_from_state(&registered.schema, &response.config);
        }
        response
    }

    /// Whether any resource type accepts state from a `moved` block across types, which is
    /// what the `move_resource_state` capability announces.
    pub fn accepts_moves(&self) -> bool {
        self.resources
            .values()
            .any(|registered| !registered.implementation.move_sources().is_empty())
    }

    /// Carries the state of another resource type into `target_type_name` for a `moved`
    /// block: only from a source the target lists, and only into a wholly known state of the
    /// target's current schema.
    pub async fn move_resource_state(
        &self,
        request: MoveResourceStateRequest,
    ) -> MoveStateResponse {
        let mut response = MoveStateResponse::default();
        let target = request.target_type_name.as_str();
        let Some(registered) = self.resource_or_report(target, &mut response.diagnostics) else {
            return response;
        };
        let source_type = request.source_type_name.as_str();
        let source_provider = request.source_provider_address.as_str();
        let sources = registered.implementation.move_sources();
        if !sources
            .iter()
            .any(|source| source.matches(source_provider, source_type))
        {
            let accepted = if sources.is_empty() {
                "none: it does not take over the state of other resource types".to_owned()
            } else {
                sources
                    .iter()
                    .map(|source| {
                        let providers = source
                            .providers
                            .iter()
                            .map(|p| format!("{p:?}"))
                            .collect::<Vec<_>>()
                            .join(" or ");
                        format!("{} from provider {providers}", source.type_name)
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            response.diagnostics.error(
                "Unsupported Resource Move",
                format!(
                    "A `moved` block asks to move {source_type} of provider \
                     {source_provider:?} to {target}. {target} accepts moves from: {accepted} \
                     (any registry host). Move from one of these, or remove the resource from \
                     state with `terraform state rm` and import it as {target}."
                ),
            );
            return response;
        }
        if request.source_state_json.is_empty() {
            response.diagnostics.error(
                "Unsupported State Format",
                format!(
                    "The state of the {source_type} to move has no JSON form (it predates \
                     Terraform 0.12). Remove it with `terraform state rm` and import it as \
                     {target}."
                ),
            );
            return response;
        }
        let Some(source_state) = parse_stored(
            &request.source_state_json,
            "Invalid Stored State",
            &format!("The state of the {source_type} to move"),
            &mut response.diagnostics,
        ) else {
            return response;
        };
        tracing::debug!(
            source_type,
            source_provider,
            target,
            "moving resource state"
        );
        let move_request = MoveStateRequest {
            source_provider_address: request.source_provider_address,
            source_type_name: request.source_type_name,
            source_schema_version: request.source_schema_version,
            source_state,
            source_private: request.source_private,
        };
        registered
            .implementation
            .move_state(&self.context(), move_request, &mut response)
            .await;
        check_new_state(
            &registered.schema,
            &mut response.state,
            &mut response.diagnostics,
            NewStateWording {
                missing_summary: "Missing Moved State",
                missing_detail: "The provider returned no state for the moved resource and no \
                                 error. This is a bug in the provider; please report it.",
                unknown_summary: "Invalid Moved State",
                unknown_detail: "The moved state holds an unknown value, which state cannot \
                                 store. This is a bug in the provider; please report it.",
            },
        );
        response
    }
}
