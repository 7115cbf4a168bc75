//! State written by older providers, moved to schema version 500:
//!
//! - version 0 in the v4 (SDKv2) shape, where `config` and `scim_config` are one-element
//!   lists: unwrapped, empty strings, `false` and empty lists dropped to null (v4 stored them for
//!   every unset field), v4's masked client secret dropped, `idp_public_cert` turned into
//!   `idp_public_certs`, and fields v5 removed (`api_token`,
//!   `scim_config.group_member_deprovision`) dropped;
//! - version 0 in the object shape (Cloudflare's v5.0 to v5.16) and version 1: already the
//!   current shape; attributes added since then start null.
//!
//! Cloudflare's v5 provider makes the same moves, apart from dropping the masked secret.

use super::schema::resource_schema;
use crate::framework::schema::{AttributeKind, Nesting};
use crate::framework::{Attribute, Diagnostics, Value};
use serde_json::Value as Json;

/// Moves raw state of `version` to the current schema.
pub fn upgrade(version: i64, raw: &Json, diagnostics: &mut Diagnostics) -> Option<Value> {
    if !matches!(version, 0 | 1) {
        diagnostics.error(
            "Unsupported State Version",
            format!(
                "The state was written with schema version {version}, which this provider cannot \
                 read. Remove it with `terraform state rm` and import the identity provider again."
            ),
        );
        return None;
    }
    let Json::Object(top) = raw else {
        diagnostics.error(
            "Unreadable State",
            "The stored state is not a JSON object. Remove it with `terraform state rm` and \
             import the identity provider again.",
        );
        return None;
    };
    let is_v4 = top.get("config").is_some_and(Json::is_array)
        || top.get("scim_config").is_some_and(Json::is_array);
    let mut top = top.clone();
    if is_v4 {
        if top.get("name").is_none_or(Json::is_null) || top.get("type").is_none_or(Json::is_null) {
            diagnostics.error(
                "Unreadable State",
                "The version 4 state of this identity provider has no name or type. Remove it \
                 with `terraform state rm` and import it again.",
            );
            return None;
        }
        // v4 wrote "" for unset strings, e.g. `zone_id` next to `account_id`.
        top.retain(|_, v| !matches!(v, Json::String(s) if s.is_empty()));
        let mut config =
            first_element(top.get("config")).unwrap_or(Json::Object(Default::default()));
        if let Json::Object(fields) = &mut config {
            fields.retain(|_, v| !is_falsey(v));
            // v4 stored a row of asterisks instead of the client secret; it is no secret.
            if fields
                .get("client_secret")
                .and_then(Json::as_str)
                .is_some_and(|s| s.chars().all(|c| c == '*'))
            {
                fields.remove("client_secret");
            }
            if let Some(Json::String(cert)) = fields.remove("idp_public_cert") {
                fields
                    .entry("idp_public_certs")
                    .or_insert_with(|| Json::Array(vec![Json::String(cert)]));
            }
        }
        top.insert("config".into(), config);
        let scim = first_element(top.get("scim_config")).unwrap_or(Json::Null);
        top.insert("scim_config".into(), scim);
    }
    Some(object_from_json(
        &resource_schema().block.attributes,
        &Json::Object(top),
    ))
}

fn first_element(value: Option<&Json>) -> Option<Json> {
    match value? {
        Json::Array(items) => items.first().cloned(),
        Json::Object(_) => value.cloned(),
        _ => None,
    }
}

fn is_falsey(value: &Json) -> bool {
    match value {
        Json::Null | Json::Bool(false) => true,
        Json::String(s) => s.is_empty(),
        Json::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// A value of the schema's shape from JSON; unknown keys are ignored, missing ones are null.
fn object_from_json(attributes: &[Attribute], json: &Json) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|a| {
                let item = json.get(&a.name).unwrap_or(&Json::Null);
                (a.name.clone(), attribute_from_json(a, item))
            })
            .collect(),
    )
}

fn attribute_from_json(attribute: &Attribute, json: &Json) -> Value {
    match (&attribute.kind, json) {
        (_, Json::Null) => Value::Null,
        (
            AttributeKind::Nested {
                nesting: Nesting::Single,
                attributes,
            },
            Json::Object(_),
        ) => object_from_json(attributes, json),
        (AttributeKind::Nested { attributes, .. }, Json::Array(items)) => Value::List(
            items
                .iter()
                .map(|item| object_from_json(attributes, item))
                .collect(),
        ),
        (AttributeKind::Type(_), Json::Array(items)) => Value::List(
            items
                .iter()
                .filter_map(|item| item.as_str().map(Value::from))
                .collect(),
        ),
        (AttributeKind::Type(_), Json::String(s)) => Value::String(s.clone()),
        (AttributeKind::Type(_), Json::Bool(b)) => Value::Bool(*b),
        // Nothing else fits this schema; an unreadable value is better dropped than invented.
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::AttributePath;
    use serde_json::json;

    fn at<'a>(value: &'a Value, steps: &[&str]) -> &'a Value {
        value.at(&steps.iter().fold(AttributePath::root(), |p, s| p.attr(*s)))
    }

    #[test]
    fn v4_state_is_unwrapped_and_cleaned() {
        let raw = json!({
            "id": "idp-1", "account_id": "acc", "zone_id": "", "name": "SAML", "type": "saml",
            "config": [{
                "issuer_url": "https://idp", "sso_target_url": "https://idp/sso",
                "idp_public_cert": "PEM", "sign_request": false, "api_token": "okta-token",
                "client_secret": "**********************************",
                "client_id": "", "claims": [], "redirect_url": "https://team/cb"
            }],
            "scim_config": [{"enabled": true, "secret": "scim-secret",
                             "group_member_deprovision": true, "user_deprovision": true}]
        });
        let mut diagnostics = Diagnostics::new();
        let state = upgrade(0, &raw, &mut diagnostics).unwrap();
        assert!(diagnostics.is_empty());
        assert_eq!(
            at(&state, &["config", "idp_public_certs"]),
            &Value::List(vec!["PEM".into()])
        );
        assert!(at(&state, &["config", "sign_request"]).is_null());
        assert!(at(&state, &["config", "client_id"]).is_null());
        assert!(at(&state, &["config", "client_secret"]).is_null());
        assert!(at(&state, &["config", "claims"]).is_null());
        assert_eq!(
            at(&state, &["config", "redirect_url"]),
            &Value::from("https://team/cb")
        );
        assert_eq!(
            at(&state, &["scim_config", "secret"]),
            &Value::from("scim-secret")
        );
        assert_eq!(at(&state, &["scim_config", "enabled"]), &Value::Bool(true));
        assert!(at(&state, &["saml_certificate_set"]).is_null());
        assert!(state.attr("zone_id").is_null());
        // The object has exactly the schema's attributes.
        assert!(state
            .attr("config")
            .as_entries()
            .unwrap()
            .get("api_token")
            .is_none());
        assert_eq!(
            state.as_entries().unwrap().len(),
            resource_schema().block.attributes.len()
        );
    }

    #[test]
    fn v4_state_without_config_gets_an_empty_one() {
        let raw = json!({"id": "x", "account_id": "acc", "name": "PIN", "type": "onetimepin",
                         "config": [], "scim_config": []});
        let state = upgrade(0, &raw, &mut Diagnostics::new()).unwrap();
        assert!(matches!(state.attr("config"), Value::Object(_)));
        assert!(state.attr("scim_config").is_null());
    }

    #[test]
    fn early_v5_state_passes_through() {
        let raw = json!({"id": "x", "account_id": "acc", "name": "GH", "type": "github",
                         "config": {"client_id": "cid", "client_secret": "s", "claims": ["a"],
                                    "header_attributes": [{"attribute_name": "g"}]},
                         "scim_config": {"enabled": false}});
        for version in [0, 1] {
            let state = upgrade(version, &raw, &mut Diagnostics::new()).unwrap();
            assert_eq!(at(&state, &["config", "client_secret"]), &Value::from("s"));
            assert_eq!(
                at(&state, &["config", "claims"]),
                &Value::List(vec!["a".into()])
            );
            assert!(state.attr("read_only").is_null());
        }
    }

    #[test]
    fn unreadable_states_are_refused() {
        let mut diagnostics = Diagnostics::new();
        assert!(upgrade(7, &json!({}), &mut diagnostics).is_none());
        assert!(upgrade(0, &json!("x"), &mut diagnostics).is_none());
        assert!(upgrade(0, &json!({"config": []}), &mut diagnostics).is_none());
        assert_eq!(diagnostics.len(), 3);
    }
}
