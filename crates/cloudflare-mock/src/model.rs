//! Stored identity providers and how they are shown to API clients (secrets hidden, defaults filled).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The SCIM secret as shown after the response that created it.
pub(crate) const MASKED_SECRET: &str = "****************";

/// Whether an owner is an account or a zone (the first path segment after `/client/v4/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Scope {
    Accounts,
    Zones,
}

impl Scope {
    pub(crate) fn parse(segment: &str) -> Option<Scope> {
        match segment {
            "accounts" => Some(Scope::Accounts),
            "zones" => Some(Scope::Zones),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Scope::Accounts => "accounts",
            Scope::Zones => "zones",
        }
    }
}

/// Cloudflare account and zone ids are 32 lowercase hex characters.
pub(crate) fn is_owner_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The account or zone an identity provider belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Owner {
    pub(crate) scope: Scope,
    pub(crate) id: String,
}

/// The 15 identity-provider types, spelled exactly as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) enum IdpType {
    #[serde(rename = "onetimepin")]
    OneTimePin,
    #[serde(rename = "azureAD")]
    AzureAd,
    #[serde(rename = "saml")]
    Saml,
    #[serde(rename = "centrify")]
    Centrify,
    #[serde(rename = "facebook")]
    Facebook,
    #[serde(rename = "github")]
    GitHub,
    #[serde(rename = "google-apps")]
    GoogleApps,
    #[serde(rename = "google")]
    Google,
    #[serde(rename = "linkedin")]
    LinkedIn,
    #[serde(rename = "oidc")]
    Oidc,
    #[serde(rename = "okta")]
    Okta,
    #[serde(rename = "onelogin")]
    OneLogin,
    #[serde(rename = "pingone")]
    PingOne,
    #[serde(rename = "yandex")]
    Yandex,
    #[serde(rename = "cloudflare")]
    Cloudflare,
}

impl IdpType {
    pub(crate) const ALL: [IdpType; 15] = [
        IdpType::OneTimePin,
        IdpType::AzureAd,
        IdpType::Saml,
        IdpType::Centrify,
        IdpType::Facebook,
        IdpType::GitHub,
        IdpType::GoogleApps,
        IdpType::Google,
        IdpType::LinkedIn,
        IdpType::Oidc,
        IdpType::Okta,
        IdpType::OneLogin,
        IdpType::PingOne,
        IdpType::Yandex,
        IdpType::Cloudflare,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IdpType::OneTimePin => "onetimepin",
            IdpType::AzureAd => "azureAD",
            IdpType::Saml => "saml",
            IdpType::Centrify => "centrify",
            IdpType::Facebook => "facebook",
            IdpType::GitHub => "github",
            IdpType::GoogleApps => "google-apps",
            IdpType::Google => "google",
            IdpType::LinkedIn => "linkedin",
            IdpType::Oidc => "oidc",
            IdpType::Okta => "okta",
            IdpType::OneLogin => "onelogin",
            IdpType::PingOne => "pingone",
            IdpType::Yandex => "yandex",
            IdpType::Cloudflare => "cloudflare",
        }
    }

    pub(crate) fn parse(wire: &str) -> Option<IdpType> {
        IdpType::ALL.into_iter().find(|t| t.as_str() == wire)
    }

    /// Boolean config fields the API reports as `false` when the client never set them.
    fn default_false_fields(self) -> &'static [&'static str] {
        match self {
            IdpType::Saml => &["sign_request", "enable_encryption"],
            IdpType::AzureAd => &["conditional_access_enabled", "support_groups"],
            IdpType::Cloudflare => &["restrict_to_account_members"],
            _ => &[],
        }
    }
}

/// The SCIM settings as stored, including the real secret.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub(crate) struct ScimState {
    pub(crate) enabled: bool,
    pub(crate) identity_update_behavior: String,
    pub(crate) seat_deprovision: bool,
    pub(crate) user_deprovision: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) secret: Option<String>,
}

impl Default for ScimState {
    fn default() -> Self {
        ScimState {
            enabled: false,
            identity_update_behavior: "no_action".to_string(),
            seat_deprovision: false,
            user_deprovision: false,
            secret: None,
        }
    }
}

/// One identity provider as stored: the write-only `client_secret` and the SCIM secret are kept
/// here and hidden by [`StoredIdp::render`]. The serde form is the document that out-of-band
/// merge patches and the state file work on.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredIdp {
    pub(crate) id: String,
    pub(crate) scope: Scope,
    pub(crate) owner_id: String,
    /// Creation sequence number: lists are returned in this order.
    #[serde(default)]
    pub(crate) seq: u64,
    /// Bumped on every write; shown as the extra response key `version`.
    #[serde(default)]
    pub(crate) version: u64,
    #[serde(default)]
    pub(crate) created_at: String,
    #[serde(default)]
    pub(crate) updated_at: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) kind: IdpType,
    /// Validated config fields (never `null`), including `client_secret`, excluding `redirect_url`.
    #[serde(default)]
    pub(crate) config: Map<String, Value>,
    #[serde(default)]
    pub(crate) scim_config: ScimState,
    #[serde(default)]
    pub(crate) read_only: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) saml_certificate_set_id: Option<String>,
    /// Keys added out of band that the API model does not know; they are echoed in responses.
    #[serde(flatten)]
    pub(crate) extra: Map<String, Value>,
}

/// Keys of the stored document that describe where the object lives, not what it is; merge
/// patches cannot change them.
pub(crate) const BOOKKEEPING_KEYS: [&str; 4] = ["id", "scope", "owner_id", "seq"];

impl StoredIdp {
    pub(crate) fn owner(&self) -> Owner {
        Owner {
            scope: self.scope,
            id: self.owner_id.clone(),
        }
    }

    /// The object as the API shows it. `reveal_scim_secret` is true only for the create or update
    /// response that just generated the SCIM secret.
    pub(crate) fn render(&self, team_name: &str, reveal_scim_secret: bool) -> Value {
        let mut object = self.extra.clone();

        let mut config = self.config.clone();
        // The API treats client_secret as write-only: clients copy it from their own state.
        config.remove("client_secret");
        for field in self.kind.default_false_fields() {
            config
                .entry(field.to_string())
                .or_insert(Value::Bool(false));
        }
        config.insert(
            "redirect_url".to_string(),
            Value::String(format!(
                "https://{team_name}.cloudflareaccess.com/cdn-cgi/access/callback"
            )),
        );

        let mut scim = json!({
            "enabled": self.scim_config.enabled,
            "identity_update_behavior": self.scim_config.identity_update_behavior,
            "seat_deprovision": self.scim_config.seat_deprovision,
            "user_deprovision": self.scim_config.user_deprovision,
            "scim_base_url": format!(
                "https://{team_name}.cloudflareaccess.com/populations/{}/scim/v2",
                self.id
            ),
        });
        if let Some(secret) = &self.scim_config.secret {
            let shown = if reveal_scim_secret {
                secret.as_str()
            } else {
                MASKED_SECRET
            };
            scim["secret"] = Value::String(shown.to_string());
        }

        object.insert("id".into(), Value::String(self.id.clone()));
        object.insert("uid".into(), Value::String(self.id.clone()));
        object.insert("name".into(), Value::String(self.name.clone()));
        object.insert("type".into(), Value::String(self.kind.as_str().into()));
        object.insert("config".into(), Value::Object(config));
        object.insert("scim_config".into(), scim);
        object.insert("read_only".into(), Value::Bool(self.read_only));
        if let Some(set_id) = &self.saml_certificate_set_id {
            object.insert(
                "saml_certificate_set_id".into(),
                Value::String(set_id.clone()),
            );
        }
        object.insert("version".into(), Value::String(self.version.to_string()));
        object.insert("created_at".into(), Value::String(self.created_at.clone()));
        object.insert("updated_at".into(), Value::String(self.updated_at.clone()));
        Value::Object(object)
    }
}

/// RFC 3339 timestamp of now, as the API writes `created_at`/`updated_at`.
pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A random secret of URL-safe characters (used for SCIM secrets).
pub(crate) fn generate_secret() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 48)
}

/// RFC 7386 JSON merge patch.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target_map) = target else {
        return;
    };
    for (key, value) in patch_map {
        if value.is_null() {
            target_map.remove(key);
        } else {
            merge_patch(target_map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoredIdp {
        StoredIdp {
            id: "0b7d1a5e-2f41-4b8e-9c55-1f0a4c2e8d11".into(),
            scope: Scope::Accounts,
            owner_id: crate::DEFAULT_ACCOUNT_ID.into(),
            seq: 1,
            version: 1,
            created_at: now_rfc3339(),
            updated_at: now_rfc3339(),
            name: "corp".into(),
            kind: IdpType::Saml,
            config: serde_json::from_value(
                json!({"issuer_url": "https://idp", "client_secret": "s3cr3t"}),
            )
            .unwrap(),
            scim_config: ScimState {
                enabled: true,
                secret: Some("scim-secret-value".into()),
                ..ScimState::default()
            },
            read_only: false,
            saml_certificate_set_id: None,
            extra: Map::new(),
        }
    }

    #[test]
    fn every_type_round_trips_through_its_wire_name() {
        for kind in IdpType::ALL {
            assert_eq!(IdpType::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        }
        assert_eq!(IdpType::parse("AzureAD"), None);
    }

    #[test]
    fn render_hides_client_secret_and_masks_scim_secret() {
        let shown = sample().render("team", false);
        assert!(shown["config"].get("client_secret").is_none());
        assert_eq!(shown["scim_config"]["secret"], MASKED_SECRET);
        assert_eq!(shown["config"]["sign_request"], false);
        assert_eq!(shown["config"]["enable_encryption"], false);
        assert_eq!(
            shown["config"]["redirect_url"],
            "https://team.cloudflareaccess.com/cdn-cgi/access/callback"
        );
        let revealed = sample().render("team", true);
        assert_eq!(revealed["scim_config"]["secret"], "scim-secret-value");
    }

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
        merge_patch(&mut doc, &json!({"c": [1]}));
        assert_eq!(doc, json!({"a": "z", "c": [1]}));
    }

    #[test]
    fn owner_ids_must_be_32_lowercase_hex() {
        assert!(is_owner_id(crate::DEFAULT_ACCOUNT_ID));
        assert!(!is_owner_id("023E105F4ECEF8AD9CA31A8372D0C353"));
        assert!(!is_owner_id("abc"));
    }
}
