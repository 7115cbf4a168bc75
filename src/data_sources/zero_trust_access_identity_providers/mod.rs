//! `data "cloudflare_zero_trust_access_identity_providers"`: the identity providers of an
//! account or zone, with Cloudflare's v5 schema. It pages through the list until it has them
//! all or `max_items` of them (0 or less means 1000, as in v5).

use super::kit::{self, ScopedDataSource, ScopedReadRequest};
use super::zero_trust_access_identity_provider::{result_value, schema::result_attributes};
use crate::cloudflare::ListFilter;
use crate::framework::data_source::DataSourceReadResponse;
use crate::framework::resource::Context;
use crate::framework::{Attribute, AttributePath, Block, Diagnostics, Nesting, Schema, Value};
use crate::resources::api_error::Operation;
use crate::resources::kit::crud::call_api;
use crate::resources::zero_trust_access_identity_provider::WORDING;

/// The Terraform type name.
pub const TYPE_NAME: &str = "cloudflare_zero_trust_access_identity_providers";

/// The most results when `max_items` is unset, 0 or less.
pub const DEFAULT_MAX_ITEMS: usize = 1000;

/// The data source.
#[derive(Debug, Default)]
pub struct ZeroTrustAccessIdentityProvidersDataSource;

/// The data source's schema.
pub fn data_source_schema() -> Schema {
    let description = "Lists the Cloudflare Zero Trust Access identity providers of an account \
                       or zone, optionally only those with or without SCIM.";
    Schema {
        version: 0,
        block: Block {
            attributes: vec![
                Attribute::string("account_id").optional().description(
                    "The ID of the account whose identity providers to list. Set exactly one \
                     of `account_id` and `zone_id`.",
                ),
                Attribute::string("zone_id").optional().description(
                    "The ID of the zone whose identity providers to list, for zone-level \
                     Access. Set exactly one of `account_id` and `zone_id`.",
                ),
                Attribute::string("scim_enabled").optional().description(
                    "`\"true\"` to list only identity providers with SCIM enabled, `\"false\"` \
                     for only those without. A string, as in Cloudflare's v5 provider.",
                ),
                Attribute::number("max_items")
                    .optional()
                    .description(format!(
                        "The most identity providers to list, at least 0. Unset or 0 means \
                     {DEFAULT_MAX_ITEMS}."
                    )),
                Attribute::nested("result", Nesting::List, result_attributes().to_vec())
                    .computed()
                    .description(
                        "The identity providers, in the order Cloudflare lists them. The client \
                         secret is never among them: Cloudflare does not return it.",
                    ),
            ],
            description: description.to_owned(),
            markdown_description: description.to_owned(),
            ..Block::default()
        },
    }
}

/// The `max_items` setting as a limit.
fn limit(config: &Value) -> usize {
    match config.attr("max_items") {
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_MAX_ITEMS),
        _ => DEFAULT_MAX_ITEMS,
    }
}

/// v5's rules: exactly one of `account_id` and `zone_id`, `max_items` at least 0; plus a
/// `scim_enabled` the API understands.
fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    kit::validate_scope(config, diagnostics);
    kit::validate_scim_enabled(
        config.attr("scim_enabled"),
        AttributePath::attribute("scim_enabled"),
        diagnostics,
    );
    if let Value::Number(n) = config.attr("max_items") {
        let whole = n.as_i64();
        if whole.is_none_or(|n| n < 0) {
            diagnostics.attribute_error(
                AttributePath::attribute("max_items"),
                "Invalid max_items Value",
                format!(
                    "max_items must be a whole number of at least 0 (0 means \
                     {DEFAULT_MAX_ITEMS}); it is {n}."
                ),
            );
        }
    }
}

#[async_trait::async_trait]
impl ScopedDataSource for ZeroTrustAccessIdentityProvidersDataSource {
    const TYPE_NAME: &'static str = TYPE_NAME;
    const VALIDATE: fn(&Value, &mut Diagnostics) = validate;
    const SCOPE_PURPOSE: &'static str = "whose identity providers to list";
    const SCHEMA: fn() -> Schema = data_source_schema;

    async fn read(
        &self,
        ctx: &Context,
        request: ScopedReadRequest<'_>,
        response: &mut DataSourceReadResponse,
    ) {
        let (client, scope, config) = (request.client, &request.scope, request.config);
        let filter = ListFilter {
            scim_enabled: kit::scim_enabled_query(config.attr("scim_enabled")),
            limit: Some(limit(config)),
        };
        let operation = Operation {
            verb: "list",
            subject: &format!("identity providers in {scope}"),
            wording: &WORDING,
        };
        let listing = client.list_identity_providers_matching(scope, &filter);
        let diagnostics = &mut response.diagnostics;
        if let Some(listed) = call_api(ctx, client, operation, listing, diagnostics).await {
            let result = listed.iter().map(|idp| result_value(idp, scope)).collect();
            let path = AttributePath::attribute("result");
            response.state.set_at(&path, Value::List(result));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_sources::zero_trust_access_identity_provider::schema::RESULT_NAMES;
    use crate::framework::Number;

    fn config(max_items: Value) -> Value {
        Value::object([
            ("account_id", Value::from("a")),
            ("zone_id", Value::Null),
            ("scim_enabled", Value::Null),
            ("max_items", max_items),
            ("result", Value::Null),
        ])
    }

    #[test]
    fn max_items_of_zero_or_less_means_the_default() {
        assert_eq!(limit(&config(Value::Null)), DEFAULT_MAX_ITEMS);
        assert_eq!(
            limit(&config(Value::Number(Number::Int(0)))),
            DEFAULT_MAX_ITEMS
        );
        assert_eq!(
            limit(&config(Value::Number(Number::Int(-3)))),
            DEFAULT_MAX_ITEMS
        );
        assert_eq!(limit(&config(Value::Number(Number::Int(7)))), 7);

        let mut diagnostics = Diagnostics::new();
        validate(&config(Value::Number(Number::Int(0))), &mut diagnostics);
        assert!(diagnostics.is_empty());
        validate(&config(Value::Number(Number::Int(-1))), &mut diagnostics);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics.iter().next().unwrap().attribute,
            Some(AttributePath::attribute("max_items"))
        );
    }

    #[test]
    fn results_have_the_resource_shapes_all_computed_with_secrets_sensitive() {
        let schema = data_source_schema();
        let result = schema.block.attribute("result").unwrap();
        let element = result.nested_attributes();
        let names: Vec<_> = element.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, RESULT_NAMES);
        let config = schema
            .block
            .attribute_at(&AttributePath::attribute("result").attr("config"))
            .unwrap();
        assert_eq!(config.nested_attributes().len(), 30);
        let secret = |path: AttributePath| schema.block.attribute_at(&path).unwrap().sensitive;
        assert!(secret(
            AttributePath::attribute("result")
                .attr("config")
                .attr("client_secret")
        ));
        assert!(secret(
            AttributePath::attribute("result")
                .attr("scim_config")
                .attr("secret")
        ));
    }
}
