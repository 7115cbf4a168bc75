//! What data sources share: the read preamble (client, account or zone), result schemas
//! derived from a resource's schema, result values cut from the resource's state values, and
//! the checks of the `account_id`/`zone_id` pair.

use crate::cloudflare::{Client, Scope};
use crate::framework::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use crate::framework::resource::{Context, ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::schema::{AttributeKind, Mode, StateForUnknown};
use crate::framework::{Attribute, AttributePath, DataSource, Diagnostics, Schema, Value};
use crate::resources::kit::crud::client;

/// A data source that reads from the one account or zone its configuration names, with the
/// configured API client. Wrapped in [`Scoped`] it is a [`DataSource`]: the wrapper finds the
/// client and the scope and reports what is missing, so the data source only reads.
#[async_trait::async_trait]
pub trait ScopedDataSource: Send + Sync + 'static {
    /// The Terraform type name.
    const TYPE_NAME: &'static str;
    /// What the account or zone is for, ending the error for empty IDs: e.g. `"to search"`.
    const SCOPE_PURPOSE: &'static str;
    /// Builds the schema.
    const SCHEMA: fn() -> Schema;
    /// Checks a configuration that may contain unknown values.
    const VALIDATE: fn(&Value, &mut Diagnostics);

    /// Reads from the request's scope with the configured client, setting the computed attributes of the response's state
    /// (which starts as the configuration).
    async fn read(
        &self,
        ctx: &Context,
        request: ScopedReadRequest<'_>,
        response: &mut DataSourceReadResponse,
    );
}

/// Input to [`ScopedDataSource::read`].
#[derive(Debug)]
pub struct ScopedReadRequest<'a> {
    /// The configured API client.
    pub client: &'a Client,
    /// The account or zone the configuration names.
    pub scope: Scope,
    /// The wholly known configuration.
    pub config: &'a Value,
}

/// A [`ScopedDataSource`] as a [`DataSource`].
#[derive(Debug, Default)]
pub struct Scoped<T>(pub T);

#[async_trait::async_trait]
impl<T: ScopedDataSource> DataSource for Scoped<T> {
    fn type_name(&self) -> &'static str {
        T::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        (T::SCHEMA)()
    }

    async fn validate_config(
        &self,
        _ctx: &Context,
        request: ValidateConfigRequest,
        response: &mut ValidateConfigResponse,
    ) {
        (T::VALIDATE)(&request.config, &mut response.diagnostics);
    }

    async fn read(
        &self,
        ctx: &Context,
        request: DataSourceReadRequest,
        response: &mut DataSourceReadResponse,
    ) {
        let diagnostics = &mut response.diagnostics;
        let config = &request.config;
        let Some(client) = client(ctx, diagnostics) else {
            return;
        };
        let Some(scope) = scope(config) else {
            // Validation refuses this configuration; an empty string gets here.
            (T::VALIDATE)(config, diagnostics);
            if !diagnostics.has_errors() {
                diagnostics.attribute_error(
                    AttributePath::attribute("account_id"),
                    "Missing Account or Zone",
                    format!(
                        "account_id and zone_id are empty. Set one of them to the ID of the \
                         account or zone {}.",
                        T::SCOPE_PURPOSE
                    ),
                );
            }
            return;
        };
        let request = ScopedReadRequest {
            client,
            scope,
            config,
        };
        self.0.read(ctx, request, response).await;
    }
}

/// A resource's attributes as data source results: every one computed, with the resource's
/// types, nesting, descriptions and sensitivity, but none of its planning rules. Write-only
/// attributes and those named in `leave_out` (at any depth) are left out.
pub fn computed(attributes: &[Attribute], leave_out: &[&str]) -> Vec<Attribute> {
    attributes
        .iter()
        .filter(|a| !a.write_only && !leave_out.contains(&a.name.as_str()))
        .map(|a| {
            let mut result = a.clone();
            result.mode = Mode::Computed;
            result.default = None;
            result.requires_replace = false;
            result.state_for_unknown = StateForUnknown::Never;
            if let AttributeKind::Nested {
                nesting,
                attributes,
            } = &a.kind
            {
                result.kind = AttributeKind::Nested {
                    nesting: *nesting,
                    attributes: computed(attributes, leave_out),
                };
            }
            result
        })
        .collect()
}

/// `value` (an object of a wider schema, e.g. the resource's state) cut down to `attributes`:
/// nested objects and lists of objects are cut the same way; attributes `value` lacks are null.
pub fn project(attributes: &[Attribute], value: &Value) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|a| (a.name.clone(), project_attribute(a, value.attr(&a.name))))
            .collect(),
    )
}

fn project_attribute(attribute: &Attribute, value: &Value) -> Value {
    match (&attribute.kind, value) {
        (AttributeKind::Nested { attributes, .. }, Value::Object(_)) => project(attributes, value),
        (AttributeKind::Nested { attributes, .. }, Value::List(items)) => {
            Value::List(items.iter().map(|item| project(attributes, item)).collect())
        }
        _ => value.clone(),
    }
}

/// The scope named by known, non-empty `account_id` or `zone_id` (the account when both are
/// set, which validation refuses anyway).
pub fn scope(config: &Value) -> Option<Scope> {
    let known = |name: &str| {
        config
            .attr(name)
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    known("account_id")
        .map(Scope::Account)
        .or_else(|| known("zone_id").map(Scope::Zone))
}

/// Exactly one of `account_id` and `zone_id`; unknown values are not judged.
pub fn validate_scope(config: &Value, diagnostics: &mut Diagnostics) {
    let account = config.attr("account_id");
    let zone = config.attr("zone_id");
    if !account.is_null() && !zone.is_null() {
        diagnostics.attribute_error(
            AttributePath::attribute("zone_id"),
            "Conflicting Account and Zone",
            "\"account_id\" and \"zone_id\" cannot both be set: a search covers one account or \
             one zone. Remove zone_id to search the account, or account_id to search the zone.",
        );
    } else if account.is_null() && zone.is_null() {
        diagnostics.attribute_error(
            AttributePath::attribute("account_id"),
            "Missing Account or Zone",
            "Set account_id to search an account, or zone_id to search a zone (zone-level \
             Access). Neither is set, and Cloudflare has no default to search.",
        );
    }
}

/// A known `scim_enabled` must be `"true"` or `"false"` (any case): the API rejects anything
/// else, and it is a string only because Cloudflare's v5 provider made it one.
pub fn validate_scim_enabled(value: &Value, path: AttributePath, diagnostics: &mut Diagnostics) {
    if let Some(text) = value.as_str() {
        if !["true", "false"].contains(&text.trim().to_ascii_lowercase().as_str()) {
            diagnostics.attribute_error(
                path,
                "Invalid scim_enabled Value",
                format!(
                    "scim_enabled is {text:?}; it must be \"true\" (only identity providers with \
                     SCIM enabled) or \"false\" (only those without). Leave it unset to ignore \
                     SCIM."
                ),
            );
        }
    }
}

/// The `scim_enabled` query value of a validated setting, in the API's lower case.
pub fn scim_enabled_query(value: &Value) -> Option<String> {
    value.as_str().map(|text| text.trim().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Nesting;

    #[test]
    fn computed_copies_shapes_without_planning_rules_or_write_only_attributes() {
        let attributes = vec![
            Attribute::string("id")
                .computed()
                .state_for_unknown(StateForUnknown::NonNull),
            Attribute::string("name").required().requires_replace(),
            Attribute::nested(
                "config",
                Nesting::Single,
                vec![
                    Attribute::string("secret").sensitive(),
                    Attribute::string("secret_wo").sensitive().write_only(),
                    Attribute::string("secret_wo_version"),
                    Attribute::bool("flag")
                        .optional_computed()
                        .default_value(false),
                ],
            )
            .required(),
        ];
        let result = computed(&attributes, &["secret_wo_version"]);
        assert_eq!(result.len(), 3);
        assert!(result.iter().all(|a| a.mode == Mode::Computed
            && !a.requires_replace
            && a.state_for_unknown == StateForUnknown::Never));
        let config = result[2].nested_attributes();
        let names: Vec<_> = config.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["secret", "flag"]);
        assert!(config[0].sensitive);
        assert!(config[1].default.is_none() && config[1].mode == Mode::Computed);

        let value = Value::object([
            ("id", Value::from("x")),
            ("name", Value::from("n")),
            ("extra", Value::from("dropped")),
            (
                "config",
                Value::object([("secret", Value::from("s")), ("other", Value::Bool(true))]),
            ),
        ]);
        let projected = project(&result, &value);
        assert_eq!(projected.as_entries().unwrap().len(), 3);
        assert_eq!(projected.attr("config").attr("secret").as_str(), Some("s"));
        assert!(projected.attr("config").attr("flag").is_null());
        assert!(projected
            .attr("config")
            .as_entries()
            .unwrap()
            .get("other")
            .is_none());
    }

    #[test]
    fn scope_checks() {
        let config = |account: Value, zone: Value| {
            Value::object([("account_id", account), ("zone_id", zone)])
        };
        let mut diagnostics = Diagnostics::new();
        validate_scope(&config(Value::from("a"), Value::Null), &mut diagnostics);
        validate_scope(&config(Value::Null, Value::unknown()), &mut diagnostics);
        assert!(diagnostics.is_empty());
        validate_scope(
            &config(Value::from("a"), Value::from("z")),
            &mut diagnostics,
        );
        validate_scope(&config(Value::Null, Value::Null), &mut diagnostics);
        let summaries: Vec<_> = diagnostics.iter().map(|d| d.summary.as_str()).collect();
        assert_eq!(
            summaries,
            ["Conflicting Account and Zone", "Missing Account or Zone"]
        );
        assert_eq!(
            scope(&config(Value::Null, Value::from("z"))),
            Some(Scope::Zone("z".into()))
        );

        let mut diagnostics = Diagnostics::new();
        for ok in ["true", "FALSE"] {
            validate_scim_enabled(&Value::from(ok), AttributePath::root(), &mut diagnostics);
        }
        assert!(diagnostics.is_empty());
        validate_scim_enabled(&Value::from("yes"), AttributePath::root(), &mut diagnostics);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            scim_enabled_query(&Value::from("TRUE")).as_deref(),
            Some("true")
        );
    }
}
