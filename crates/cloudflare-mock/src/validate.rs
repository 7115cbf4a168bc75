//! Turns a POST/PUT body into a checked [`IdpInput`]: JSON shape, types, per-type config fields.
//!
//! Checking is done by hand over `serde_json::Value` rather than by deserializing into structs so
//! every message names the offending field and never repeats a submitted value (which could be a
//! secret).

use serde_json::{Map, Value};

use crate::error::{invalid, ApiError};
use crate::model::IdpType;

/// A validated create or update body.
pub(crate) struct IdpInput {
    pub(crate) name: String,
    pub(crate) kind: IdpType,
    /// Config fields that were sent with a non-null value, minus the ignored `redirect_url`.
    pub(crate) config: Map<String, Value>,
    /// `None` when `scim_config` was absent or `null`.
    pub(crate) scim: Option<ScimInput>,
    pub(crate) read_only: bool,
    pub(crate) saml_certificate_set_id: Option<String>,
}

/// The writable SCIM settings, with the documented defaults for fields that were not sent.
pub(crate) struct ScimInput {
    pub(crate) enabled: bool,
    pub(crate) identity_update_behavior: String,
    pub(crate) seat_deprovision: bool,
    pub(crate) user_deprovision: bool,
}

/// The JSON type a config field must have.
#[derive(Clone, Copy)]
enum FieldKind {
    Text,
    Flag,
    TextList,
    HeaderAttributes,
}

/// Every config field the API knows, with its JSON type.
const CONFIG_FIELDS: &[(&str, FieldKind)] = &[
    ("client_id", FieldKind::Text),
    ("client_secret", FieldKind::Text),
    ("claims", FieldKind::TextList),
    ("email_claim_name", FieldKind::Text),
    ("pkce_enabled", FieldKind::Flag),
    ("conditional_access_enabled", FieldKind::Flag),
    ("directory_id", FieldKind::Text),
    ("prompt", FieldKind::Text),
    ("support_groups", FieldKind::Flag),
    ("centrify_account", FieldKind::Text),
    ("centrify_app_id", FieldKind::Text),
    ("apps_domain", FieldKind::Text),
    ("auth_url", FieldKind::Text),
    ("token_url", FieldKind::Text),
    ("certs_url", FieldKind::Text),
    ("scopes", FieldKind::TextList),
    ("authorization_server_id", FieldKind::Text),
    ("okta_account", FieldKind::Text),
    ("onelogin_account", FieldKind::Text),
    ("ping_env_id", FieldKind::Text),
    ("issuer_url", FieldKind::Text),
    ("sso_target_url", FieldKind::Text),
    ("idp_public_certs", FieldKind::TextList),
    ("attributes", FieldKind::TextList),
    ("email_attribute_name", FieldKind::Text),
    ("header_attributes", FieldKind::HeaderAttributes),
    ("sign_request", FieldKind::Flag),
    ("enable_encryption", FieldKind::Flag),
    ("restrict_to_account_members", FieldKind::Flag),
    ("redirect_url", FieldKind::Text),
];

/// Fields every OAuth/OIDC-style type accepts on top of its own (Terraform v5 allows
/// `pkce_enabled`, `claims` and `email_claim_name` with any type).
const OAUTH_COMMON: &[&str] = &[
    "client_id",
    "client_secret",
    "pkce_enabled",
    "claims",
    "email_claim_name",
];

const TOP_LEVEL_FIELDS: &[&str] = &[
    "name",
    "type",
    "config",
    "scim_config",
    "read_only",
    "saml_certificate_set_id",
];

const SCIM_FIELDS: &[&str] = &[
    "enabled",
    "identity_update_behavior",
    "seat_deprovision",
    "user_deprovision",
    // Read-only; accepted so clients may echo a response back, and ignored.
    "scim_base_url",
    "secret",
];

const PROMPTS: &[&str] = &["login", "select_account", "none"];
const IDENTITY_UPDATE_BEHAVIORS: &[&str] = &["automatic", "reauth", "no_action"];

impl IdpType {
    /// Whether this type authenticates with an OAuth client id and secret.
    pub(crate) fn is_oauth(self) -> bool {
        !matches!(
            self,
            IdpType::OneTimePin | IdpType::Saml | IdpType::Cloudflare
        )
    }

    /// Config fields this type accepts besides the always-ignored `redirect_url`.
    pub(crate) fn accepted_fields(self) -> Vec<&'static str> {
        let own: &[&str] = match self {
            IdpType::OneTimePin => &[],
            IdpType::Cloudflare => &["restrict_to_account_members"],
            IdpType::GitHub
            | IdpType::Facebook
            | IdpType::LinkedIn
            | IdpType::Yandex
            | IdpType::Google => &[],
            IdpType::GoogleApps => &["apps_domain"],
            IdpType::AzureAd => &[
                "conditional_access_enabled",
                "directory_id",
                "prompt",
                "support_groups",
            ],
            IdpType::Okta => &["okta_account", "authorization_server_id"],
            IdpType::OneLogin => &["onelogin_account"],
            IdpType::PingOne => &["ping_env_id"],
            IdpType::Centrify => &["centrify_account", "centrify_app_id"],
            IdpType::Oidc => &["auth_url", "token_url", "certs_url", "scopes"],
            IdpType::Saml => &[
                "issuer_url",
                "sso_target_url",
                "idp_public_certs",
                "attributes",
                "email_attribute_name",
                "header_attributes",
                "sign_request",
                "enable_encryption",
            ],
        };
        let common: &[&str] = if self.is_oauth() { OAUTH_COMMON } else { &[] };
        common.iter().chain(own).copied().collect()
    }

    /// Config fields that must be present (non-null, non-empty) for this type.
    pub(crate) fn required_fields(self) -> &'static [&'static str] {
        match self {
            IdpType::OneTimePin | IdpType::Cloudflare => &[],
            IdpType::GitHub
            | IdpType::Facebook
            | IdpType::LinkedIn
            | IdpType::Yandex
            | IdpType::Google => &["client_id", "client_secret"],
            IdpType::GoogleApps => &["client_id", "client_secret", "apps_domain"],
            IdpType::AzureAd => &["client_id", "client_secret", "directory_id"],
            IdpType::Okta => &["client_id", "client_secret", "okta_account"],
            IdpType::OneLogin => &["client_id", "client_secret", "onelogin_account"],
            IdpType::PingOne => &["client_id", "client_secret", "ping_env_id"],
            IdpType::Centrify => &[
                "client_id",
                "client_secret",
                "centrify_account",
                "centrify_app_id",
            ],
            IdpType::Oidc => &[
                "client_id",
                "client_secret",
                "auth_url",
                "token_url",
                "certs_url",
            ],
            IdpType::Saml => &["issuer_url", "sso_target_url", "idp_public_certs"],
        }
    }
}

/// Parses and checks a body. `stored_client_secret` is the secret kept from the object being
/// replaced (PUT only): a PUT may omit `client_secret` and the stored one is kept.
pub(crate) fn parse_body(
    body: &[u8],
    stored_client_secret: Option<&str>,
) -> Result<IdpInput, ApiError> {
    let document: Value = serde_json::from_slice(body).map_err(|error| {
        // serde_json syntax errors carry only a category and a position, never input text.
        invalid(format!("request body is not valid JSON ({error})"))
    })?;
    let Value::Object(top) = document else {
        return Err(invalid("request body must be a JSON object"));
    };
    for key in top.keys() {
        if !TOP_LEVEL_FIELDS.contains(&key.as_str()) {
            return Err(invalid(format!("unknown field `{key}`")));
        }
    }

    let name = match top.get("name") {
        None | Some(Value::Null) => return Err(invalid("name is required")),
        Some(Value::String(name)) if name.trim().is_empty() => {
            return Err(invalid("name must not be empty"))
        }
        Some(Value::String(name)) => name.clone(),
        Some(_) => return Err(invalid("name must be a string")),
    };

    let kind = match top.get("type") {
        None | Some(Value::Null) => return Err(invalid("type is required")),
        Some(Value::String(wire)) => IdpType::parse(wire).ok_or_else(|| {
            let all: Vec<&str> = IdpType::ALL.iter().map(|t| t.as_str()).collect();
            invalid(format!("type must be one of: {}", all.join(", ")))
        })?,
        Some(_) => return Err(invalid("type must be a string")),
    };

    let config = match top.get("config") {
        None | Some(Value::Null) => return Err(invalid("config is required")),
        Some(Value::Object(config)) => config,
        Some(_) => return Err(invalid("config must be an object")),
    };
    let mut config = check_config(kind, config)?;
    if !config.contains_key("client_secret") {
        if let Some(secret) = stored_client_secret.filter(|_| kind.is_oauth()) {
            config.insert("client_secret".into(), Value::String(secret.to_string()));
        }
    }
    for field in kind.required_fields() {
        let present = match config.get(*field) {
            Some(Value::String(text)) => !text.is_empty(),
            Some(Value::Array(items)) => !items.is_empty(),
            Some(_) => true,
            None => false,
        };
        if !present {
            return Err(invalid(format!(
                "config.{field} is required for type {}",
                kind.as_str()
            )));
        }
    }

    let scim = match top.get("scim_config") {
        None | Some(Value::Null) => None,
        Some(Value::Object(scim)) => Some(check_scim(scim)?),
        Some(_) => return Err(invalid("scim_config must be an object")),
    };
    if kind == IdpType::OneTimePin {
        if let Some(scim) = &scim {
            let is_default = !scim.enabled
                && !scim.user_deprovision
                && !scim.seat_deprovision
                && scim.identity_update_behavior == "no_action";
            if !is_default {
                return Err(invalid("scim_config cannot be set for type onetimepin"));
            }
        }
    }

    let read_only = match top.get("read_only") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(invalid("read_only must be a boolean")),
    };
    let saml_certificate_set_id = match top.get("saml_certificate_set_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if id.is_empty() => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => return Err(invalid("saml_certificate_set_id must be a string")),
    };

    Ok(IdpInput {
        name,
        kind,
        config,
        scim,
        read_only,
        saml_certificate_set_id,
    })
}

fn check_config(
    kind: IdpType,
    config: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let accepted = kind.accepted_fields();
    let mut checked = Map::new();
    for (key, value) in config {
        let Some((_, field_kind)) = CONFIG_FIELDS.iter().find(|(name, _)| name == key) else {
            return Err(invalid(format!("config.{key} is not a known field")));
        };
        if key == "redirect_url" {
            // Computed by the server; clients that echo it back are not at fault.
            if !(value.is_null() || value.is_string()) {
                return Err(invalid("config.redirect_url must be a string"));
            }
            continue;
        }
        if value.is_null() {
            // An explicit null unsets the field (Terraform sends these on PUT).
            continue;
        }
        if !accepted.contains(&key.as_str()) {
            return Err(invalid(format!(
                "config.{key} is not valid for type {}",
                kind.as_str()
            )));
        }
        check_field_type(key, *field_kind, value)?;
        if key == "prompt" && !PROMPTS.contains(&value.as_str().unwrap_or_default()) {
            return Err(invalid(format!(
                "config.prompt must be one of: {}",
                PROMPTS.join(", ")
            )));
        }
        checked.insert(key.clone(), value.clone());
    }
    Ok(checked)
}

fn check_field_type(key: &str, kind: FieldKind, value: &Value) -> Result<(), ApiError> {
    let expected = match kind {
        FieldKind::HeaderAttributes => return check_header_attributes(value),
        FieldKind::Text if value.is_string() => return Ok(()),
        FieldKind::Flag if value.is_boolean() => return Ok(()),
        FieldKind::TextList
            if value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)) =>
        {
            return Ok(())
        }
        FieldKind::Text => "a string",
        FieldKind::Flag => "a boolean",
        FieldKind::TextList => "an array of strings",
    };
    Err(invalid(format!("config.{key} must be {expected}")))
}

fn check_header_attributes(value: &Value) -> Result<(), ApiError> {
    let Some(items) = value.as_array() else {
        return Err(invalid(
            "config.header_attributes must be an array of objects",
        ));
    };
    for (index, item) in items.iter().enumerate() {
        let Some(object) = item.as_object() else {
            return Err(invalid(format!(
                "config.header_attributes[{index}] must be an object"
            )));
        };
        for (key, field) in object {
            if key != "attribute_name" && key != "header_name" {
                return Err(invalid(format!(
                    "config.header_attributes[{index}].{key} is not a known field"
                )));
            }
            if !(field.is_null() || field.is_string()) {
                return Err(invalid(format!(
                    "config.header_attributes[{index}].{key} must be a string"
                )));
            }
        }
    }
    Ok(())
}

fn check_scim(scim: &Map<String, Value>) -> Result<ScimInput, ApiError> {
    for key in scim.keys() {
        if !SCIM_FIELDS.contains(&key.as_str()) {
            return Err(invalid(format!("scim_config.{key} is not a known field")));
        }
    }
    let flag = |key: &str| -> Result<bool, ApiError> {
        match scim.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(_) => Err(invalid(format!("scim_config.{key} must be a boolean"))),
        }
    };
    let enabled = flag("enabled")?;
    let seat_deprovision = flag("seat_deprovision")?;
    let user_deprovision = flag("user_deprovision")?;
    let identity_update_behavior = match scim.get("identity_update_behavior") {
        None | Some(Value::Null) => "no_action".to_string(),
        Some(Value::String(behavior)) if IDENTITY_UPDATE_BEHAVIORS.contains(&behavior.as_str()) => {
            behavior.clone()
        }
        Some(_) => {
            return Err(invalid(format!(
                "scim_config.identity_update_behavior must be one of: {}",
                IDENTITY_UPDATE_BEHAVIORS.join(", ")
            )))
        }
    };
    for key in ["scim_base_url", "secret"] {
        if !matches!(
            scim.get(key),
            None | Some(Value::Null) | Some(Value::String(_))
        ) {
            return Err(invalid(format!("scim_config.{key} must be a string")));
        }
    }
    if seat_deprovision && !user_deprovision {
        return Err(invalid(
            "scim_config.seat_deprovision cannot be enabled unless scim_config.user_deprovision is also enabled",
        ));
    }
    Ok(ScimInput {
        enabled,
        identity_update_behavior,
        seat_deprovision,
        user_deprovision,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value) -> Result<IdpInput, ApiError> {
        parse_body(body.to_string().as_bytes(), None)
    }

    fn detail(result: Result<IdpInput, ApiError>) -> String {
        match result {
            Err(ApiError::InvalidRequest(detail)) => detail,
            Err(other) => panic!("expected InvalidRequest, got {other:?}"),
            Ok(_) => panic!("expected a validation error"),
        }
    }

    #[test]
    fn every_accepted_field_is_a_known_field() {
        for kind in IdpType::ALL {
            for field in kind.accepted_fields() {
                assert!(
                    CONFIG_FIELDS.iter().any(|(name, _)| *name == field),
                    "{field} of {kind:?}"
                );
            }
            for field in kind.required_fields() {
                assert!(
                    kind.accepted_fields().contains(field),
                    "{field} of {kind:?}"
                );
            }
        }
    }

    #[test]
    fn submitted_values_never_appear_in_messages() {
        let message = detail(parse(json!({
            "name": "x", "type": "github",
            "config": {"client_id": "id", "client_secret": 987654321}
        })));
        assert!(!message.contains("987654321"), "{message}");
        assert!(message.contains("config.client_secret"), "{message}");
    }

    #[test]
    fn put_without_client_secret_keeps_the_stored_one() {
        let body = json!({"name": "x", "type": "github", "config": {"client_id": "id"}});
        let input = parse_body(body.to_string().as_bytes(), Some("kept")).unwrap();
        assert_eq!(input.config["client_secret"], "kept");
        assert!(parse(body).is_err());
    }

    #[test]
    fn explicit_nulls_unset_optional_fields() {
        let input = parse(json!({
            "name": "x", "type": "azureAD", "scim_config": null, "read_only": null,
            "saml_certificate_set_id": null,
            "config": {"client_id": "a", "client_secret": "b", "directory_id": "c",
                       "prompt": null, "support_groups": null, "claims": null, "redirect_url": null}
        }))
        .unwrap();
        assert_eq!(input.config.len(), 3);
        assert!(input.scim.is_none());
    }
}
