//! The list resource `cloudflare_zero_trust_access_identity_provider` for `terraform query`:
//! every identity provider of one account or zone, optionally narrowed by `type` and `name`,
//! each named by its identity so Terraform can write an `import` block for it.

use super::schema::TYPES;
use super::validate::canonical_type;
use super::{convert, identity, import_skeleton, normalize, TYPE_NAME, WORDING};
use crate::cloudflare::{IdentityProvider, Scope};
use crate::framework::list::{ListRequest, ListResponse, ListResult};
use crate::framework::resource::{Context, ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::{Attribute, AttributePath, Block, Diagnostics, ListResource, Schema, Value};
use crate::resources::api_error::Operation;
use crate::resources::kit::crud::{call_api, client};

/// Lists identity providers.
#[derive(Debug, Default)]
pub struct ZeroTrustAccessIdentityProviderList;

impl ZeroTrustAccessIdentityProviderList {
    /// The list resource.
    pub fn new() -> Self {
        Self
    }
}

/// The schema of the `config` block inside `list "cloudflare_zero_trust_access_identity_provider"`.
/// `include_resource` and `limit` are Terraform's own arguments of the `list` block and reach
/// the provider separately.
pub fn list_schema() -> Schema {
    Schema {
        version: 0,
        block: Block {
            attributes: vec![
                Attribute::string("account_id").optional().description(
                    "The account whose identity providers to list. Set exactly one of \
                     `account_id` and `zone_id`.",
                ),
                Attribute::string("zone_id").optional().description(
                    "The zone whose zone-level identity providers to list. Set exactly one of \
                     `account_id` and `zone_id`.",
                ),
                Attribute::string("type").optional().description(format!(
                    "Only identity providers of this type (any case), one of {}.",
                    type_list(|t| format!("`{t}`"))
                )),
                Attribute::string("name").optional().description(
                    "Only identity providers with exactly this name (names are not unique, so \
                     this may find several).",
                ),
            ],
            description: "Lists the identity providers of an account or zone for `terraform \
                          query`."
                .into(),
            ..Block::default()
        },
    }
}

/// The identity provider types, each as `quote` writes it, separated by commas.
fn type_list(quote: impl Fn(&str) -> String) -> String {
    TYPES
        .iter()
        .map(|t| quote(t))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `config` block's checks; values not known yet are not judged.
pub fn validate_list_config(config: &Value, diagnostics: &mut Diagnostics) {
    let set = |name: &str| match config.attr(name) {
        Value::String(s) => Some(!s.trim().is_empty()),
        Value::Null => Some(false),
        _ => None,
    };
    match (set("account_id"), set("zone_id")) {
        (Some(true), Some(true)) => diagnostics.attribute_error(
            AttributePath::attribute("zone_id"),
            "Invalid Attribute Combination",
            "Set only one of account_id and zone_id in the list block's config: an identity \
             provider belongs to an account or to a zone, and one listing covers one of them.",
        ),
        (Some(false), Some(false)) => diagnostics.attribute_error(
            AttributePath::attribute("account_id"),
            "Missing Account or Zone",
            "Set account_id (or zone_id for zone-level identity providers) in the list block's \
             config so the provider knows where to look.",
        ),
        _ => {}
    }
    if let Some(kind) = config.attr("type").as_str() {
        if canonical_type(kind).is_none() {
            diagnostics.attribute_error(
                AttributePath::attribute("type"),
                "Invalid Attribute Value",
                format!(
                    "type must be one of {} (any case), got {kind:?}.",
                    type_list(|t| format!("{t:?}"))
                ),
            );
        }
    }
}

/// Whether an identity provider has the wanted type (in any case) and name (exactly); `None`
/// wants any.
pub fn matches(api: &IdentityProvider, kind: Option<&str>, name: Option<&str>) -> bool {
    let kind_ok = kind.is_none_or(|wanted| {
        api.kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case(wanted))
    });
    let name_ok = name.is_none_or(|wanted| api.name.as_deref() == Some(wanted));
    kind_ok && name_ok
}

/// The state of a listed object, exactly as importing it by its identity and refreshing would
/// leave it, so that configuration generated from it plans no change after the import.
pub fn listed_state(api: &IdentityProvider, scope: &Scope, id: &str) -> Value {
    let mut state = convert::from_api(api, scope).to_value();
    normalize::after_read(&mut state, &import_skeleton(scope, id));
    state
}

/// What `terraform query` shows for an object: its name and type.
fn display_name(api: &IdentityProvider) -> String {
    match (api.name.as_deref(), api.kind.as_deref()) {
        (Some(name), Some(kind)) => format!("{name} ({kind})"),
        (Some(name), None) => name.to_owned(),
        (None, Some(kind)) => format!("({kind})"),
        (None, None) => String::new(),
    }
}

#[async_trait::async_trait]
impl ListResource for ZeroTrustAccessIdentityProviderList {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn list_schema(&self) -> Schema {
        list_schema()
    }

    async fn validate_config(
        &self,
        _ctx: &Context,
        request: ValidateConfigRequest,
        response: &mut ValidateConfigResponse,
    ) {
        validate_list_config(&request.config, &mut response.diagnostics);
    }

    async fn list(&self, ctx: &Context, request: ListRequest, response: &mut ListResponse) {
        let diagnostics = &mut response.diagnostics;
        validate_list_config(&request.config, diagnostics);
        if diagnostics.has_errors() {
            return;
        }
        let Some(client) = client(ctx, diagnostics) else {
            return;
        };
        let text = |name: &str| {
            request
                .config
                .attr(name)
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let Some(scope) = text("account_id")
            .map(Scope::Account)
            .or_else(|| text("zone_id").map(Scope::Zone))
        else {
            return;
        };
        let kind = text("type");
        let name = request.config.attr("name").as_str().map(str::to_owned);
        let operation = Operation {
            verb: "list",
            subject: &format!("the identity providers in {scope}"),
            wording: &WORDING,
        };
        let listing = client.list_identity_providers(&scope);
        let Some(listed) = call_api(ctx, client, operation, listing, diagnostics).await else {
            return;
        };
        for api in listed
            .iter()
            .filter(|api| matches(api, kind.as_deref(), name.as_deref()))
        {
            let Some(id) = api.id.as_deref().filter(|id| !id.is_empty()) else {
                tracing::debug!("skipping a listed identity provider without an id");
                continue;
            };
            response.results.push(ListResult {
                identity: identity::identity(&scope, id),
                display_name: display_name(api),
                resource_object: if request.include_resource {
                    listed_state(api, &scope, id)
                } else {
                    Value::Null
                },
                diagnostics: Diagnostics::new(),
            });
            if response.results.len() >= request.limit {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut all = vec![
            ("account_id", Value::Null),
            ("zone_id", Value::Null),
            ("type", Value::Null),
            ("name", Value::Null),
        ];
        for (key, value) in pairs {
            all.retain(|(k, _)| k != key);
            all.push((key, value.clone()));
        }
        Value::object(all)
    }

    fn errors(config: &Value) -> Vec<String> {
        let mut diagnostics = Diagnostics::new();
        validate_list_config(config, &mut diagnostics);
        diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.summary, d.detail))
            .collect()
    }

    #[test]
    fn a_listing_covers_exactly_one_account_or_zone() {
        assert!(errors(&config(&[("account_id", "a".into())])).is_empty());
        assert!(errors(&config(&[("zone_id", "z".into())])).is_empty());
        assert!(errors(&config(&[("account_id", Value::unknown())])).is_empty());
        let both = errors(&config(&[
            ("account_id", "a".into()),
            ("zone_id", "z".into()),
        ]));
        assert!(
            both[0].starts_with("Invalid Attribute Combination"),
            "{both:?}"
        );
        let neither = errors(&config(&[]));
        assert!(
            neither[0].starts_with("Missing Account or Zone"),
            "{neither:?}"
        );
    }

    #[test]
    fn type_must_be_one_the_api_knows() {
        let ok = config(&[("account_id", "a".into()), ("type", "AzureAd".into())]);
        assert!(errors(&ok).is_empty());
        let bad = errors(&config(&[
            ("account_id", "a".into()),
            ("type", "ldap".into()),
        ]));
        assert!(bad[0].contains("got \"ldap\""), "{bad:?}");
    }

    #[test]
    fn filters_match_type_in_any_case_and_name_exactly() {
        let api = IdentityProvider {
            id: Some("i".into()),
            name: Some("GitHub login".into()),
            kind: Some("github".into()),
            ..IdentityProvider::default()
        };
        assert!(matches(&api, None, None));
        assert!(matches(&api, Some("GitHub"), Some("GitHub login")));
        assert!(!matches(&api, Some("google"), None));
        assert!(!matches(&api, None, Some("github login")));
        assert_eq!(display_name(&api), "GitHub login (github)");
    }
}
