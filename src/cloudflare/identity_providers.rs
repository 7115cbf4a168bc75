//! Access identity providers: the API object, the write body, and the five CRUD calls.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::field::Field;
use super::redact::debug_redacted;

/// An identity provider as the API returns it.
///
/// Every field is optional because reads of real accounts have shown all sorts of partial
/// objects; keys the API adds that are not modelled here are ignored.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityProvider {
    /// Server-generated UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Display name on the Access login page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The provider type as the API spells it (`onetimepin`, `azureAD`, `google-apps`, ...).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Type-specific settings. A missing or `null` config reads as an empty one.
    #[serde(deserialize_with = "null_as_default")]
    pub config: IdentityProviderConfig,
    /// SCIM provisioning settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scim_config: Option<ScimConfig>,
    /// Set on objects that cannot be changed or deleted through the API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// The SAML certificate set used for assertion encryption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saml_certificate_set_id: Option<String>,
    /// Read-only details of that certificate set, kept as raw JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saml_certificate_set: Option<serde_json::Value>,
}

impl fmt::Debug for IdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted("IdentityProvider", self, f)
    }
}

/// The `config` object of an identity provider as the API returns it; which fields are used
/// depends on the type.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityProviderConfig {
    /// Extra OIDC claims to request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<String>>,
    /// OAuth client ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// OAuth client secret. Write-only in practice: reads usually leave it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Azure AD: use conditional access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_access_enabled: Option<bool>,
    /// Azure AD directory (tenant) ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory_id: Option<String>,
    /// Claim that carries the user's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_claim_name: Option<String>,
    /// Azure AD login prompt (`login`, `select_account`, `none`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Azure AD: fetch group membership.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_groups: Option<bool>,
    /// Centrify account URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centrify_account: Option<String>,
    /// Centrify application ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centrify_app_id: Option<String>,
    /// Google Workspace domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apps_domain: Option<String>,
    /// OIDC authorization endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<String>,
    /// OIDC JWKS endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certs_url: Option<String>,
    /// OIDC token endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// OIDC scopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// OIDC: use PKCE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pkce_enabled: Option<bool>,
    /// Okta authorization server ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_server_id: Option<String>,
    /// Okta account URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub okta_account: Option<String>,
    /// OneLogin account URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onelogin_account: Option<String>,
    /// PingOne environment ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ping_env_id: Option<String>,
    /// SAML attributes to pass through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    /// SAML IdP signing certificates (PEM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp_public_certs: Option<Vec<String>>,
    /// SAML attribute carrying the user's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_attribute_name: Option<String>,
    /// SAML IdP entity ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_url: Option<String>,
    /// SAML single sign-on URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sso_target_url: Option<String>,
    /// SAML attributes to copy into request headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_attributes: Option<Vec<HeaderAttribute>>,
    /// SAML: sign authentication requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_request: Option<bool>,
    /// SAML: encrypt assertions (needs a certificate set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_encryption: Option<bool>,
    /// Read-only callback URL that Cloudflare assigns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// `cloudflare` type: only allow members of the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrict_to_account_members: Option<bool>,
}

impl fmt::Debug for IdentityProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted("IdentityProviderConfig", self, f)
    }
}

/// A SAML attribute that Access copies into a request header.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HeaderAttribute {
    /// SAML attribute name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_name: Option<String>,
    /// HTTP header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_name: Option<String>,
}

/// SCIM provisioning settings as the API returns them.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ScimConfig {
    /// Whether SCIM provisioning is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `automatic`, `reauth` or `no_action`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_update_behavior: Option<String>,
    /// Remove seats of deprovisioned users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_deprovision: Option<bool>,
    /// Revoke sessions of deprovisioned users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_deprovision: Option<bool>,
    /// Read-only SCIM endpoint for this provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scim_base_url: Option<String>,
    /// Read-only SCIM bearer secret; in the clear only in the response that enables SCIM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl fmt::Debug for ScimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted("ScimConfig", self, f)
    }
}

/// The body of a create (POST) or update (PUT).
///
/// Read-only attributes (`id`, `config.redirect_url`, `scim_config.scim_base_url`,
/// `scim_config.secret`, `saml_certificate_set`) have no place here, so they can never be sent.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityProviderBody {
    /// Display name.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// Provider type, exactly as the API spells it.
    #[serde(rename = "type", skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// Type-specific settings.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub config: Field<IdentityProviderConfigBody>,
    /// SCIM settings.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub scim_config: Field<ScimConfigBody>,
    /// Make the object immutable through the API.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub read_only: Field<bool>,
    /// SAML certificate set for assertion encryption.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub saml_certificate_set_id: Field<String>,
}

impl fmt::Debug for IdentityProviderBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted("IdentityProviderBody", self, f)
    }
}

/// The writable part of `config`. See [`IdentityProviderConfig`] for what each field means.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityProviderConfigBody {
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub claims: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub client_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub client_secret: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub conditional_access_enabled: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub directory_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub email_claim_name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub prompt: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub support_groups: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub centrify_account: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub centrify_app_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub apps_domain: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub auth_url: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub certs_url: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub token_url: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub scopes: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub pkce_enabled: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub authorization_server_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub okta_account: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub onelogin_account: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub ping_env_id: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub attributes: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub idp_public_certs: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub email_attribute_name: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub issuer_url: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub sso_target_url: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub header_attributes: Field<Vec<HeaderAttribute>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub sign_request: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub enable_encryption: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub restrict_to_account_members: Field<bool>,
}

impl fmt::Debug for IdentityProviderConfigBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted("IdentityProviderConfigBody", self, f)
    }
}

/// The writable part of `scim_config`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ScimConfigBody {
    /// Whether SCIM provisioning is on.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub enabled: Field<bool>,
    /// `automatic`, `reauth` or `no_action`.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub identity_update_behavior: Field<String>,
    /// Remove seats of deprovisioned users.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub seat_deprovision: Field<bool>,
    /// Revoke sessions of deprovisioned users.
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub user_deprovision: Field<bool>,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

use super::client::{Client, Scope};
use super::error::Error;

impl Client {
    /// Lists every identity provider of an account or zone, following pagination.
    pub async fn list_identity_providers(
        &self,
        scope: &Scope,
    ) -> Result<Vec<IdentityProvider>, Error> {
        let _ = scope;
        todo!()
    }

    /// Reads one identity provider; [`Error::NotFound`] if it does not exist.
    pub async fn get_identity_provider(
        &self,
        scope: &Scope,
        id: &str,
    ) -> Result<IdentityProvider, Error> {
        let _ = (scope, id);
        todo!()
    }

    /// Creates an identity provider (POST).
    pub async fn create_identity_provider(
        &self,
        scope: &Scope,
        body: &IdentityProviderBody,
    ) -> Result<IdentityProvider, Error> {
        let _ = (scope, body);
        todo!()
    }

    /// Replaces an identity provider (PUT).
    pub async fn update_identity_provider(
        &self,
        scope: &Scope,
        id: &str,
        body: &IdentityProviderBody,
    ) -> Result<IdentityProvider, Error> {
        let _ = (scope, id, body);
        todo!()
    }

    /// Deletes an identity provider.
    pub async fn delete_identity_provider(&self, scope: &Scope, id: &str) -> Result<(), Error> {
        let _ = (scope, id);
        todo!()
    }
}
