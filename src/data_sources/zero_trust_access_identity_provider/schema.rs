//! The schema of `data "cloudflare_zero_trust_access_identity_provider"`: v5's arguments, and
//! results with the resource's shapes, all computed.

use super::super::kit;
use crate::framework::schema::AttributeKind;
use crate::framework::{Attribute, Block, Nesting, Schema};
use crate::resources::zero_trust_access_identity_provider::schema::{resource_schema, TYPES};
use std::sync::LazyLock;

/// The resource attributes a data source shows, in the resource's order.
pub const RESULT_NAMES: [&str; 8] = [
    "id",
    "name",
    "type",
    "config",
    "saml_certificate_set_id",
    "scim_config",
    "read_only",
    "saml_certificate_set",
];

/// Resource attributes that are Terraform's alone and mean nothing in a result (the write-only
/// secret itself is left out as every write-only attribute is).
const NOT_RESULTS: [&str; 1] = ["client_secret_wo_version"];

static RESULT_ATTRIBUTES: LazyLock<Vec<Attribute>> = LazyLock::new(|| {
    let resource = resource_schema();
    let shown: Vec<Attribute> = resource
        .block
        .attributes
        .into_iter()
        .filter(|a| RESULT_NAMES.contains(&a.name.as_str()))
        .collect();
    let mut results = kit::computed(&shown, &NOT_RESULTS);
    for attribute in &mut results {
        if let Some(text) = result_description(&attribute.name) {
            *attribute = attribute.clone().description(text);
        }
        reword_nested(attribute);
    }
    results
});

/// Sentences of resource descriptions about configuring an attribute, which a result is not.
const CONFIGURING: [&str; 3] = ["Defaults to ", "When unset, ", "Unset and "];

/// Resource descriptions of nested attributes, without what only applies to configuring them,
/// and the secrets described as a data source shows them.
fn reword_nested(parent: &mut Attribute) {
    let AttributeKind::Nested { attributes, .. } = &mut parent.kind else {
        return;
    };
    for attribute in attributes.iter_mut() {
        let text = match (parent.name.as_str(), attribute.name.as_str()) {
            ("config", "client_secret") => {
                "The OAuth client secret. Cloudflare never returns it, so it is null here."
                    .to_owned()
            }
            ("scim_config", "secret") => "The SCIM bearer token as Cloudflare returns it: \
                                          masked, since Cloudflare shows it only once, when \
                                          SCIM is first turned on."
                .to_owned(),
            _ => attribute
                .markdown_description
                .split_inclusive(". ")
                .filter(|sentence| !CONFIGURING.iter().any(|c| sentence.starts_with(c)))
                .collect::<String>(),
        };
        *attribute = attribute.clone().description(text.trim_end());
    }
}

/// Descriptions of results whose resource wording speaks of configuring them.
fn result_description(name: &str) -> Option<String> {
    let text = match name {
        "id" => "The identity provider's UUID.".to_owned(),
        "name" => "The name of the identity provider, shown on the Access login page.".to_owned(),
        "type" => format!(
            "The kind of identity provider: one of {}.",
            TYPES.join(", ")
        ),
        "config" => "The settings of the identity provider, as Cloudflare returns them; which \
                     attributes are set depends on `type`."
            .to_owned(),
        "scim_config" => "The System for Cross-domain Identity Management (SCIM) settings of \
                          the identity provider."
            .to_owned(),
        "read_only" => "Whether the identity provider is managed by Cloudflare and cannot be \
                        changed or deleted through the API."
            .to_owned(),
        _ => return None,
    };
    Some(text)
}

/// What both identity-provider data sources show of one identity provider.
pub fn result_attributes() -> &'static [Attribute] {
    &RESULT_ATTRIBUTES
}

/// The data source's schema.
pub fn data_source_schema() -> Schema {
    let mut attributes = vec![
        Attribute::string("identity_provider_id")
            .optional()
            .description(
                "The UUID of the identity provider to read. Set this or `filter`, not both.",
            ),
        Attribute::string("account_id").optional().description(
            "The ID of the account to look in. Set this or `zone_id`: one of them is required.",
        ),
        Attribute::string("zone_id").optional().description(
            "The ID of the zone to look in, for zone-level Access. Set this or `account_id`.",
        ),
        Attribute::nested(
            "filter",
            Nesting::Single,
            vec![
                Attribute::string("scim_enabled").optional().description(
                    "`\"true\"` to consider only identity providers with SCIM enabled, \
                     `\"false\"` for only those without. A string, as in Cloudflare's v5 \
                     provider.",
                ),
                Attribute::string("name").optional().description(
                    "The identity provider's name, matched exactly. Not in Cloudflare's v5 \
                     provider.",
                ),
                Attribute::string("type").optional().description(format!(
                    "The identity provider's type, matched without regard to case: one of {}. \
                     Not in Cloudflare's v5 provider.",
                    TYPES.join(", ")
                )),
            ],
        )
        .optional()
        .description(
            "Finds the identity provider by its settings instead of its id. Exactly one \
             identity provider in the account or zone must match; otherwise the error lists the \
             candidates with their names, types and ids. An empty filter matches every one, so \
             it works only where there is a single identity provider. Set this or \
             `identity_provider_id`, not both.",
        ),
    ];
    attributes.extend(result_attributes().iter().cloned());
    let description = "Reads one Cloudflare Zero Trust Access identity provider, by its id or \
                       by a filter on its name, type and SCIM setting.";
    Schema {
        version: 0,
        block: Block {
            attributes,
            description: description.to_owned(),
            markdown_description: description.to_owned(),
            ..Block::default()
        },
    }
}
