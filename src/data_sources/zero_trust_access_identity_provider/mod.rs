//! `data "cloudflare_zero_trust_access_identity_provider"`: one identity provider, found by
//! `identity_provider_id` or by `filter`. Cloudflare's v5 data source with the same name,
//! arguments and results, plus lookup by `filter.name` and `filter.type` (which v4 had and v5
//! dropped). A filter must select exactly one identity provider; otherwise the error lists the
//! candidates, so the user can tell which one they meant.

pub mod schema;

use super::kit::{self, ScopedDataSource, ScopedReadRequest};
use crate::cloudflare::{Client, IdentityProvider, ListFilter, Scope};
use crate::framework::data_source::DataSourceReadResponse;
use crate::framework::resource::Context;
use crate::framework::{AttributePath, Diagnostics, Schema, Value};
use crate::resources::api_error::{self, Operation};
use crate::resources::kit::crud::{call_api, stopped_diagnostic, unless_stopped, Stopped};
use crate::resources::zero_trust_access_identity_provider::list::matches;
use crate::resources::zero_trust_access_identity_provider::{convert, schema::TYPES, WORDING};
use std::fmt::Write as _;

/// The Terraform type name (the same as the resource's).
pub const TYPE_NAME: &str = "cloudflare_zero_trust_access_identity_provider";

/// How many candidates an error lists before summing up the rest.
const CANDIDATES_SHOWN: usize = 20;

/// The data source.
#[derive(Debug, Default)]
pub struct ZeroTrustAccessIdentityProviderDataSource;

/// The result attributes of one identity provider, as both identity-provider data sources
/// show it: the resource's state of the API object, cut to the data source's shape.
pub fn result_value(api: &IdentityProvider, scope: &Scope) -> Value {
    kit::project(
        schema::result_attributes(),
        &convert::from_api(api, scope).to_value(),
    )
}

/// The user's filter, as it reads in HCL, for messages.
fn describe_filter(filter: &Value) -> String {
    let parts: Vec<String> = ["name", "type", "scim_enabled"]
        .into_iter()
        .filter_map(|key| filter.attr(key).as_str().map(|v| format!("{key} = {v:?}")))
        .collect();
    if parts.is_empty() {
        "{}".to_owned()
    } else {
        format!("{{ {} }}", parts.join(", "))
    }
}

/// One line per identity provider: name, type and id.
fn candidate_lines(candidates: &[&IdentityProvider]) -> String {
    let mut out = String::new();
    for idp in candidates.iter().take(CANDIDATES_SHOWN) {
        let _ = writeln!(
            out,
            "  - {:?} (type {}, id {})",
            idp.name.as_deref().unwrap_or(""),
            idp.kind.as_deref().unwrap_or("?"),
            idp.id.as_deref().unwrap_or("?")
        );
    }
    if candidates.len() > CANDIDATES_SHOWN {
        let _ = writeln!(
            out,
            "  ... and {} more",
            candidates.len() - CANDIDATES_SHOWN
        );
    }
    out
}

/// The one identity provider `filter` selects in `scope`, or the error explaining why there is
/// not exactly one.
async fn find(
    ctx: &Context,
    client: &Client,
    scope: &Scope,
    filter: &Value,
    diagnostics: &mut Diagnostics,
) -> Option<IdentityProvider> {
    let wanted = describe_filter(filter);
    let list_filter = ListFilter {
        scim_enabled: kit::scim_enabled_query(filter.attr("scim_enabled")),
        limit: None,
    };
    let operation = Operation {
        verb: "list",
        subject: &format!("identity providers in {scope}"),
        wording: &WORDING,
    };
    let listing = client.list_identity_providers_matching(scope, &list_filter);
    let listed = call_api(ctx, client, operation, listing, diagnostics).await?;
    let mut matches: Vec<IdentityProvider> = listed
        .iter()
        .filter(|idp| {
            matches(
                idp,
                filter.attr("type").as_str(),
                filter.attr("name").as_str(),
            )
        })
        .cloned()
        .collect();
    if matches.len() == 1 {
        return matches.pop();
    }
    let path = AttributePath::attribute("filter");
    if matches.is_empty() {
        let scim_note = match filter.attr("scim_enabled").as_str() {
            Some(scim) => format!(" with scim_enabled = {scim:?}"),
            None => String::new(),
        };
        let candidates: Vec<&IdentityProvider> = listed.iter().collect();
        let detail = if candidates.is_empty() {
            format!(
                "No identity provider in {scope} matches filter {wanted}: {scope} has no \
                 identity providers{scim_note}. Check account_id or zone_id, and that the API \
                 token can read Access identity providers there."
            )
        } else {
            format!(
                "No identity provider in {scope} matches filter {wanted}. The identity \
                 providers{scim_note} there are:\n{}Correct the filter's name or type (the name \
                 must match exactly), or use identity_provider_id.",
                candidate_lines(&candidates)
            )
        };
        diagnostics.attribute_error(path, "No Matching Identity Provider", detail);
    } else {
        let candidates: Vec<&IdentityProvider> = matches.iter().collect();
        diagnostics.attribute_error(
            path,
            "Several Matching Identity Providers",
            format!(
                "{} identity providers in {scope} match filter {wanted}, and the data source \
                 needs exactly one:\n{}Narrow the filter (for example with both name and type), \
                 or set identity_provider_id to one of these ids instead.",
                matches.len(),
                candidate_lines(&candidates)
            ),
        );
    }
    None
}

/// The identity provider with `id` in `scope`.
async fn get(
    ctx: &Context,
    client: &Client,
    scope: &Scope,
    id: &str,
    diagnostics: &mut Diagnostics,
) -> Option<IdentityProvider> {
    let about = format!("identity provider {id} in {scope}");
    match unless_stopped(ctx, client.get_identity_provider(scope, id)).await {
        Err(Stopped) => diagnostics.push(stopped_diagnostic("read", &about)),
        Ok(Err(error)) if error.is_not_found() => diagnostics.attribute_error(
            AttributePath::attribute("identity_provider_id"),
            "Identity Provider Not Found",
            format!(
                "{scope} has no identity provider with id {id:?}. Check identity_provider_id \
                 and account_id or zone_id, or find it by name with filter = {{ name = \
                 \"...\" }}."
            ),
        ),
        Ok(Err(error)) => diagnostics.push(api_error::diagnostic(
            client,
            Operation {
                verb: "read",
                subject: &about,
                wording: &WORDING,
            },
            &error,
        )),
        Ok(Ok(mut api)) => {
            api.id.get_or_insert_with(|| id.to_owned());
            return Some(api);
        }
    }
    None
}

#[async_trait::async_trait]
impl ScopedDataSource for ZeroTrustAccessIdentityProviderDataSource {
    const TYPE_NAME: &'static str = TYPE_NAME;
    const VALIDATE: fn(&Value, &mut Diagnostics) = validate;
    const SCOPE_PURPOSE: &'static str = "to search";
    const SCHEMA: fn() -> Schema = schema::data_source_schema;

    async fn read(
        &self,
        ctx: &Context,
        request: ScopedReadRequest<'_>,
        response: &mut DataSourceReadResponse,
    ) {
        let diagnostics = &mut response.diagnostics;
        let (client, scope, config) = (request.client, &request.scope, request.config);
        let found = match config.attr("identity_provider_id").as_str() {
            Some(id) => get(ctx, client, scope, id, diagnostics).await,
            None => find(ctx, client, scope, config.attr("filter"), diagnostics).await,
        };
        let Some(api) = found else {
            return;
        };
        let result = result_value(&api, scope);
        let state = response.state.as_entries_mut();
        if let (Some(state), Some(values)) = (state, result.as_entries()) {
            for (name, value) in values {
                state.insert(name.clone(), value.clone());
            }
        }
    }
}

/// v5's rules (exactly one of `identity_provider_id` and `filter`; not both `account_id` and
/// `zone_id`), plus: one of `account_id` and `zone_id` is required (v5 accepts neither and
/// fails when reading), and filter values must be ones the API can match.
fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    let id = config.attr("identity_provider_id");
    let filter = config.attr("filter");
    if !id.is_null() && !filter.is_null() {
        diagnostics.attribute_error(
            AttributePath::attribute("filter"),
            "Conflicting Lookups",
            "\"identity_provider_id\" and \"filter\" cannot both be set: the identity provider \
             is looked up either by its id or by the filter. Remove one of them.",
        );
    } else if id.is_null() && filter.is_null() {
        diagnostics.attribute_error(
            AttributePath::root(),
            "Missing Lookup",
            "Set identity_provider_id to read an identity provider by its id, or filter (for \
             example filter = { name = \"Okta\" }) to find the one identity provider that \
             matches.",
        );
    }
    kit::validate_scope(config, diagnostics);
    let filter_path = AttributePath::attribute("filter");
    kit::validate_scim_enabled(
        filter.attr("scim_enabled"),
        filter_path.clone().attr("scim_enabled"),
        diagnostics,
    );
    if let Some(kind) = filter.attr("type").as_str() {
        if !TYPES.iter().any(|t| t.eq_ignore_ascii_case(kind)) {
            diagnostics.attribute_error(
                filter_path.attr("type"),
                "Invalid Identity Provider Type",
                format!(
                    "filter.type is {kind:?}, which is not an identity provider type. Use one \
                     of: {}.",
                    TYPES.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests;
