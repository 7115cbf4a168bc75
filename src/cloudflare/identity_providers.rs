//! Access identity providers: the API object, the write body, and the five CRUD calls.

use std::fmt;

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize};

use super::client::{ApiRequest, Client, Failure, RetryState, Scope};
use super::error::Error;
use super::field::Field;
use super::redact::{collect_secret_values, debug_redacted};

/// Page size asked for when listing. Cloudflare accepts up to 50 here; fewer round trips matter
/// under a 4-requests-per-second budget.
pub(crate) const LIST_PAGE_SIZE: u64 = 50;

/// A list stops with an error after this many pages, so a server that never returns an empty
/// page cannot keep the client busy forever (50 000 objects is far beyond any real account).
pub(crate) const MAX_LIST_PAGES: u64 = 1000;

/// The fields of an identity provider's `config`, in one place. Each row is a field's
/// description (the documentation users read, also in the provider's docs), its name, its API
/// type, how it travels:
///
/// - `plain`: read and written as is;
/// - `secret`: written, rarely read back, never shown;
/// - `prompt`: a value the API spells one way but matches without regard to case;
/// - `header_attributes`: a list of objects;
/// - `read_only`: set by Cloudflare, so it has no place in a write body;
///
/// and, marked `(api_default)`, whether Cloudflare fills in a value when a write leaves it out.
///
/// `identity_provider_config_fields!(then! { prefix })` calls `then! { prefix <the list> }`,
/// which builds from it what it needs: here the read struct and the write body, in the
/// resource its schema, its model and both conversions.
#[macro_export]
macro_rules! identity_provider_config_fields {
    ($then:ident! { $($prefix:tt)* }) => {
        $then! {
            $($prefix)*
            /// Extra claims to request from the identity provider and pass on in the Access token.
            /// Used by `azureAD`, `centrify`, `google`, `google-apps`, `oidc`, `okta`, `onelogin`
            /// and `pingone`.
            claims: Vec<String> [plain],
            /// The OAuth client (application) ID registered with the identity provider. Used by the
            /// OAuth-based types (`azureAD`, `centrify`, `facebook`, `github`, `google`,
            /// `google-apps`, `linkedin`, `oidc`, `okta`, `onelogin`, `pingone`, `yandex`).
            client_id: String [plain],
            /// The OAuth client secret. Used by the OAuth-based types (`azureAD`, `centrify`,
            /// `facebook`, `github`, `google`, `google-apps`, `linkedin`, `oidc`, `okta`,
            /// `onelogin`, `pingone`, `yandex`).
            client_secret: String [secret],
            /// Load Azure AD authentication contexts so Access policies can require them. Only for
            /// `type = "azureAD"`.
            conditional_access_enabled: bool [plain],
            /// The Azure AD directory (tenant) ID. Only for `type = "azureAD"`.
            directory_id: String [plain],
            /// The claim in the ID token that holds the user's email address. Used by `azureAD`,
            /// `centrify`, `google`, `google-apps`, `oidc`, `okta`, `onelogin` and `pingone`.
            email_claim_name: String [plain],
            /// What Azure AD asks the user at sign-in: `login` always asks for credentials (no
            /// single sign-on), `select_account` lets the user pick an account, `none` never
            /// prompts and fails if single sign-on is not possible. One of `"login"`,
            /// `"select_account"`, `"none"` (any case). Only for `type = "azureAD"`.
            prompt: String [prompt],
            /// Load the user's Azure AD groups so Access policies can use them. Only for `type =
            /// "azureAD"`.
            support_groups: bool [plain],
            /// The Centrify account URL. Only for `type = "centrify"`.
            centrify_account: String [plain],
            /// The Centrify application ID. Only for `type = "centrify"`.
            centrify_app_id: String [plain],
            /// The Google Workspace domain users sign in with, e.g. `example.com`. Only for `type =
            /// "google-apps"`.
            apps_domain: String [plain],
            /// The identity provider's authorization endpoint URL. Only for `type = "oidc"`.
            auth_url: String [plain],
            /// The identity provider's JWKS URL, whose keys verify token signatures. Only for `type
            /// = "oidc"`.
            certs_url: String [plain],
            /// Use Proof Key for Code Exchange (PKCE) in the authorization code flow. Meant for
            /// `oidc`.
            pkce_enabled: bool [plain],
            /// The OAuth scopes to request, e.g. `["openid", "email", "profile"]`. Only for `type =
            /// "oidc"`.
            scopes: Vec<String> [plain],
            /// The identity provider's token endpoint URL. Only for `type = "oidc"`.
            token_url: String [plain],
            /// The Okta authorization server ID, when not the default one. Only for `type =
            /// "okta"`.
            authorization_server_id: String [plain],
            /// The Okta organization URL, e.g. `https://example.okta.com`. Only for `type =
            /// "okta"`.
            okta_account: String [plain],
            /// The OneLogin account URL. Only for `type = "onelogin"`.
            onelogin_account: String [plain],
            /// The PingOne environment ID. Only for `type = "pingone"`.
            ping_env_id: String [plain],
            /// SAML attribute names to copy into the Access token, for use in policy rules. Only
            /// for `type = "saml"`.
            attributes: Vec<String> [plain],
            /// The SAML attribute that holds the user's email address. Only for `type = "saml"`.
            email_attribute_name: String [plain],
            /// SAML attributes that Access passes to the origin as request headers. Only for `type
            /// = "saml"`.
            header_attributes: Vec<HeaderAttribute> [header_attributes],
            /// The identity provider's X.509 signing certificates (PEM), used to verify SAML
            /// responses. Only for `type = "saml"`.
            idp_public_certs: Vec<String> [plain],
            /// The identity provider's entity ID (issuer URL). Only for `type = "saml"`.
            issuer_url: String [plain],
            /// Sign SAML authentication requests with Access's key (the public key is published on
            /// the Access certs endpoint). Unset and `false` mean the same. Only for `type =
            /// "saml"`.
            sign_request: bool [plain],
            /// The URL that SAML authentication requests are sent to. Only for `type = "saml"`.
            sso_target_url: String [plain],
            /// Ask the identity provider to encrypt SAML assertions with the certificate set named
            /// by `saml_certificate_set_id`. When unset, Cloudflare's value is kept. For `type =
            /// "saml"`.
            enable_encryption: bool [plain] (api_default),
            /// The callback URL to register with the identity provider, assigned by Cloudflare
            /// (`https://<team>.cloudflareaccess.com/cdn-cgi/access/callback`).
            redirect_url: String [read_only],
            /// Only let members of the Cloudflare account sign in. When unset, Cloudflare's value
            /// is kept. For `type = "cloudflare"`.
            restrict_to_account_members: bool [plain] (api_default),
        }
    };
}

/// Builds an API object's read struct (every field, each optional) and its write body (every
/// field but the read-only ones, each a [`Field`]) from a field list, one field at a time;
/// `Debug` for both hides secrets. Besides the kinds of the `config` list, a field can be a
/// nested `object` written as the body type named after it (`always object` when every read
/// has one).
macro_rules! api_structs {
    (read [$($read_meta:tt)*] $read_name:ident, write [$($write_meta:tt)*] $write_name:ident;
        $($rows:tt)*
    ) => {
        api_structs! {
            @next [[$($read_meta)*] $read_name [] [$($write_meta)*] $write_name []] $($rows)*
        }
    };
    // Done: emit both structs.
    (@next [[$(#[$read_meta:meta])*] $read_name:ident [$($read:tt)*]
        [$(#[$write_meta:meta])*] $write_name:ident [$($write:tt)*]]
    ) => {
        $(#[$read_meta])*
        #[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        #[serde(default)]
        pub struct $read_name { $($read)* }

        $(#[$write_meta])*
        #[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        #[serde(default)]
        pub struct $write_name { $($write)* }

        impl fmt::Debug for $read_name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                debug_redacted(stringify!($read_name), self, f)
            }
        }

        impl fmt::Debug for $write_name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                debug_redacted(stringify!($write_name), self, f)
            }
        }
    };
    // Adds one field's part of the read struct and of the write body.
    (@push [$read_meta:tt $read_name:ident [$($read:tt)*] $write_meta:tt $write_name:ident
        [$($write:tt)*]] [$($read_field:tt)*] [$($write_field:tt)*] $($rest:tt)*
    ) => {
        api_structs! {
            @next [$read_meta $read_name [$($read)* $($read_field)*]
                $write_meta $write_name [$($write)* $($write_field)*]] $($rest)*
        }
    };
    (@next $s:tt $(#[$doc:meta])* $field:ident : $ty:ty [read_only $($secret:ident)?]
        $(($default:ident))?, $($rest:tt)*
    ) => {
        api_structs! { @push $s
            [$(#[$doc])* #[serde(skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,]
            [] $($rest)* }
    };
    // A nested object, written as the body type named after it.
    (@next $s:tt $(#[$doc:meta])* $field:ident : $ty:ty [object $body:ty], $($rest:tt)*) => {
        api_structs! { @push $s
            [$(#[$doc])* #[serde(skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,]
            [$(#[$doc])* #[serde(skip_serializing_if = "Field::is_absent")]
             pub $field: Field<$body>,]
            $($rest)* }
    };
    // A nested object every read has: missing or `null`, it reads as an empty one.
    (@next $s:tt $(#[$doc:meta])* $field:ident : $ty:ty [always object $body:ty],
        $($rest:tt)*
    ) => {
        api_structs! { @push $s
            [$(#[$doc])* #[serde(deserialize_with = "null_as_default")] pub $field: $ty,]
            [$(#[$doc])* #[serde(skip_serializing_if = "Field::is_absent")]
             pub $field: Field<$body>,]
            $($rest)* }
    };
    (@next $s:tt $(#[$doc:meta])* $field:ident : $ty:ty [$kind:ident] $(($default:ident))?,
        $($rest:tt)*
    ) => {
        api_structs! { @push $s
            [$(#[$doc])* #[serde(skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,]
            [$(#[$doc])* #[serde(skip_serializing_if = "Field::is_absent")] pub $field: Field<$ty>,]
            $($rest)* }
    };
}

crate::identity_provider_config_fields!(api_structs! {
    read [
        /// The `config` object of an identity provider as the API returns it; which fields
        /// are used depends on the type.
    ] IdentityProviderConfig,
    write [
        /// The writable part of `config`. See [`IdentityProviderConfig`] for what each field
        /// means.
    ] IdentityProviderConfigBody;
});

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

/// The fields of an identity provider's `scim_config`, listed as
/// [`identity_provider_config_fields`](crate::identity_provider_config_fields) lists `config`'s
/// (`read_only secret` is a read-only value never to be shown).
#[macro_export]
macro_rules! identity_provider_scim_fields {
    ($then:ident! { $($prefix:tt)* }) => {
        $then! {
            $($prefix)*
            /// Turn SCIM provisioning on. The first time it is turned on, Cloudflare issues
            /// `secret`.
            enabled: bool [plain] (api_default),
            /// How a SCIM event changes a user's identity for policy evaluation: `automatic`
            /// updates it and adds fields from the SCIM user; `reauth` makes the user sign in again
            /// after group changes (the identity then has no SCIM fields); `no_action` leaves
            /// identities alone. One of `"automatic"`, `"reauth"`, `"no_action"` (any case).
            identity_update_behavior: String [identity_update_behavior] (api_default),
            /// The base URL of Cloudflare's SCIM 2.0 endpoint for this identity provider.
            scim_base_url: String [read_only],
            /// Remove a user's Zero Trust seat when the identity provider deprovisions them.
            /// Requires `user_deprovision = true`.
            seat_deprovision: bool [plain] (api_default),
            /// The bearer token the identity provider uses to call the SCIM endpoint. Cloudflare
            /// shows it only once, when SCIM is first turned on.
            secret: String [read_only secret],
            /// Revoke a user's Access and Gateway sessions when the identity provider deprovisions
            /// them.
            user_deprovision: bool [plain] (api_default),
        }
    };
}

crate::identity_provider_scim_fields!(api_structs! {
    read [
        /// SCIM provisioning settings as the API returns them.
    ] ScimConfig,
    write [
        /// The writable part of `scim_config`.
    ] ScimConfigBody;
});

// The identity provider itself: the fields at its top level.
api_structs! {
    read [
        /// An identity provider as the API returns it.
        ///
        /// Every field is optional because reads of real accounts have shown all sorts of
        /// partial objects; keys the API adds that are not modelled here are ignored.
    ] IdentityProvider,
    write [
        /// The body of a create (POST) or update (PUT).
        ///
        /// Read-only attributes (`id`, `config.redirect_url`, `scim_config.scim_base_url`,
        /// `scim_config.secret`, `saml_certificate_set`) have no place here, so they can never
        /// be sent.
    ] IdentityProviderBody;
    /// Server-generated UUID.
    id: String [read_only],
    /// Display name on the Access login page.
    name: String [plain],
    /// The provider type as the API spells it (`onetimepin`, `azureAD`, `google-apps`, ...).
    #[serde(rename = "type")]
    kind: String [plain],
    /// Type-specific settings. A missing or `null` config reads as an empty one.
    config: IdentityProviderConfig [always object IdentityProviderConfigBody],
    /// SCIM provisioning settings.
    scim_config: ScimConfig [object ScimConfigBody],
    /// Set on objects that cannot be changed or deleted through the API.
    read_only: bool [plain],
    /// The SAML certificate set used for assertion encryption.
    saml_certificate_set_id: String [plain],
    /// Read-only details of that certificate set, kept as raw JSON.
    saml_certificate_set: serde_json::Value [read_only],
}

/// Which identity providers a list returns, beyond its account or zone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// The `scim_enabled` query parameter (`"true"` or `"false"`), sent as given; `None`
    /// lists regardless of SCIM.
    pub scim_enabled: Option<String>,
    /// The most objects to collect; `None` collects every one.
    pub limit: Option<usize>,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl Client {
    /// Lists every identity provider of an account or zone.
    pub async fn list_identity_providers(
        &self,
        scope: &Scope,
    ) -> Result<Vec<IdentityProvider>, Error> {
        self.list_identity_providers_matching(scope, &ListFilter::default())
            .await
    }

    /// Lists the identity providers of an account or zone that `filter` selects, in the API's
    /// order, stopping at `filter.limit`.
    ///
    /// Pages are requested with `page`/`per_page` until a page comes back empty, `result_info`
    /// says the last page was reached, a page holds nothing new (a server ignoring `page`), or
    /// the limit is reached.
    pub async fn list_identity_providers_matching(
        &self,
        scope: &Scope,
        filter: &ListFilter,
    ) -> Result<Vec<IdentityProvider>, Error> {
        check_scope(scope)?;
        let limit = filter.limit.unwrap_or(usize::MAX);
        // A small limit needs no bigger page than itself.
        let per_page = LIST_PAGE_SIZE.min(u64::try_from(limit.max(1)).unwrap_or(u64::MAX));
        let mut all = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for page in 1..=MAX_LIST_PAGES {
            let mut request = ApiRequest::new(Method::GET, collection_segments(scope));
            request.query = vec![
                ("page", page.to_string()),
                ("per_page", per_page.to_string()),
            ];
            if let Some(scim_enabled) = &filter.scim_enabled {
                request.query.push(("scim_enabled", scim_enabled.clone()));
            }
            let mut state = RetryState::default();
            let response = self
                .execute(&request, &mut state)
                .await
                .map_err(Failure::into_error)?;
            let envelope =
                self.decode::<Vec<IdentityProvider>>(&request, &response, state.attempts)?;
            let items = envelope.result.unwrap_or_default();
            if items.is_empty() {
                return Ok(all);
            }
            let mut new_items = 0usize;
            for item in items {
                let fresh = match &item.id {
                    Some(id) => seen.insert(id.clone()),
                    None => true,
                };
                if fresh {
                    new_items += 1;
                    all.push(item);
                }
                if all.len() >= limit {
                    return Ok(all);
                }
            }
            if new_items == 0 {
                tracing::debug!(page, "list page repeated earlier results; stopping");
                return Ok(all);
            }
            let info = envelope.result_info.unwrap_or_default();
            if info.total_pages.is_some_and(|total| page >= total) {
                return Ok(all);
            }
        }
        let request = ApiRequest::new(Method::GET, collection_segments(scope));
        Err(self.decode_error(
            &request,
            200,
            &format!("the list did not end after {MAX_LIST_PAGES} pages"),
        ))
    }

    /// Reads one identity provider; [`Error::NotFound`] if it does not exist.
    pub async fn get_identity_provider(
        &self,
        scope: &Scope,
        id: &str,
    ) -> Result<IdentityProvider, Error> {
        check_scope(scope)?;
        check_id(id)?;
        let request = ApiRequest::new(Method::GET, object_segments(scope, id));
        self.repeatable_object_call(&request).await
    }

    /// Creates an identity provider (POST).
    ///
    /// When an attempt fails in a way that may have created the object anyway (a timeout, a
    /// connection lost after sending, a 5xx), the client lists the scope before sending the POST
    /// again and adopts an object that matches what was sent:
    ///
    /// - `onetimepin`, a singleton per account or zone, matches on type alone;
    /// - any other type must have the same type (ignoring case) and name, and no identifying
    ///   config value that was sent (client ID, directory ID, account, URLs...) may differ.
    ///
    /// The API reports no creation time, so "created by this call" cannot be checked directly.
    /// If several objects match, the call fails with [`Error::AmbiguousCreate`] naming them
    /// rather than guessing or adding yet another.
    pub async fn create_identity_provider(
        &self,
        scope: &Scope,
        body: &IdentityProviderBody,
    ) -> Result<IdentityProvider, Error> {
        self.create_identity_provider_reporting(scope, body, Arc::default())
            .await
    }

    /// [`Client::create_identity_provider`], keeping `maybe_sent` up to date: it is `true`
    /// whenever a POST may have reached the server. A caller that stops waiting for the call
    /// reads it to know whether the object could exist; while it is `false`, it cannot.
    pub async fn create_identity_provider_reporting(
        &self,
        scope: &Scope,
        body: &IdentityProviderBody,
        maybe_sent: Arc<AtomicBool>,
    ) -> Result<IdentityProvider, Error> {
        check_scope(scope)?;
        let request = self.body_request(Method::POST, collection_segments(scope), body)?;
        let mut state = RetryState::reporting(maybe_sent);
        loop {
            match self.execute(&request, &mut state).await {
                Ok(response) => return self.object_result(&request, &response, state.attempts),
                Err(Failure::Final(error)) => return Err(error),
                Err(Failure::Ambiguous { error, retry }) => {
                    tracing::debug!(
                        path = %request.path(),
                        attempt = state.attempts,
                        "create got no clear answer; looking for the object before sending again"
                    );
                    match self.find_created(scope, body).await {
                        Ok(Some(found)) => {
                            tracing::debug!(
                                id = found.id.as_deref().unwrap_or(""),
                                "adopting the identity provider the interrupted create made"
                            );
                            return Ok(found);
                        }
                        Ok(None) if retry => continue,
                        Ok(None) => return Err(error),
                        Err(found_error @ Error::AmbiguousCreate { .. }) => {
                            return Err(found_error)
                        }
                        Err(list_error) => {
                            // Sending again without knowing could make a duplicate; the original
                            // failure is what the caller needs to see.
                            tracing::debug!(
                                error = %list_error,
                                "could not check for an object left by the interrupted create"
                            );
                            return Err(error);
                        }
                    }
                }
            }
        }
    }

    /// Replaces an identity provider (PUT). A full replace is idempotent, so it is simply
    /// retried.
    pub async fn update_identity_provider(
        &self,
        scope: &Scope,
        id: &str,
        body: &IdentityProviderBody,
    ) -> Result<IdentityProvider, Error> {
        check_scope(scope)?;
        check_id(id)?;
        let request = self.body_request(Method::PUT, object_segments(scope, id), body)?;
        self.repeatable_object_call(&request).await
    }

    /// Deletes an identity provider.
    ///
    /// A 404 on the first attempt is returned as [`Error::NotFound`]. A 404 on a retry counts
    /// as success: an earlier attempt that got no clear answer did the deleting.
    pub async fn delete_identity_provider(&self, scope: &Scope, id: &str) -> Result<(), Error> {
        check_scope(scope)?;
        check_id(id)?;
        let request = ApiRequest::new(Method::DELETE, object_segments(scope, id));
        let mut state = RetryState::default();
        match self.execute(&request, &mut state).await {
            // Some proxies turn the 202 into a bodiless 204; there is nothing to check then.
            Ok(response) if response.body.iter().all(u8::is_ascii_whitespace) => Ok(()),
            Ok(response) => {
                // The result is just `{"id": ...}`; only the envelope's verdict matters.
                self.decode::<serde_json::Value>(&request, &response, state.attempts)?;
                Ok(())
            }
            Err(Failure::Final(Error::NotFound { .. })) if state.attempts > 1 => Ok(()),
            Err(failure) => Err(failure.into_error()),
        }
    }

    pub(crate) fn body_request<'a>(
        &self,
        method: Method,
        segments: Vec<&'a str>,
        body: &IdentityProviderBody,
    ) -> Result<ApiRequest<'a>, Error> {
        let json = serde_json::to_value(body).map_err(|e| {
            Error::InvalidInput(format!("the identity provider could not be encoded: {e}"))
        })?;
        let mut request = ApiRequest::new(method, segments);
        collect_secret_values(&json, &mut request.secrets);
        request.body = Some(json.to_string().into_bytes());
        Ok(request)
    }

    /// Sends a request that is safe to send again (a read, a full replace), retrying as the
    /// policy allows, and reads the identity provider it answers with.
    async fn repeatable_object_call(
        &self,
        request: &ApiRequest<'_>,
    ) -> Result<IdentityProvider, Error> {
        let mut state = RetryState::default();
        let response = self
            .execute(request, &mut state)
            .await
            .map_err(Failure::into_error)?;
        self.object_result(request, &response, state.attempts)
    }

    fn object_result(
        &self,
        request: &ApiRequest<'_>,
        response: &super::client::RawResponse,
        attempts: u32,
    ) -> Result<IdentityProvider, Error> {
        self.decode::<IdentityProvider>(request, response, attempts)?
            .result
            .ok_or_else(|| {
                self.decode_error(request, response.status, "the response had no result")
            })
    }

    /// The object an interrupted create left behind, if exactly one matches (see
    /// [`Client::create_identity_provider`]).
    async fn find_created(
        &self,
        scope: &Scope,
        body: &IdentityProviderBody,
    ) -> Result<Option<IdentityProvider>, Error> {
        let mut matching: Vec<IdentityProvider> = self
            .list_identity_providers(scope)
            .await?
            .into_iter()
            .filter(|existing| matches_sent(body, existing))
            .collect();
        match matching.len() {
            0 => Ok(None),
            1 => Ok(matching.pop()),
            _ => Err(Error::AmbiguousCreate {
                path: ApiRequest::new(Method::POST, collection_segments(scope)).path(),
                candidates: matching
                    .into_iter()
                    .map(|m| m.id.unwrap_or_else(|| "(no id)".to_owned()))
                    .collect(),
            }),
        }
    }
}

impl Failure {
    pub(crate) fn into_error(self) -> Error {
        match self {
            Failure::Final(error) | Failure::Ambiguous { error, .. } => error,
        }
    }
}

/// Whether `existing` looks like the object `body` would have created.
pub(crate) fn matches_sent(body: &IdentityProviderBody, existing: &IdentityProvider) -> bool {
    let (Some(sent_kind), Some(kind)) = (body.kind.value(), existing.kind.as_deref()) else {
        return false;
    };
    if !sent_kind.eq_ignore_ascii_case(kind) {
        return false;
    }
    if sent_kind.eq_ignore_ascii_case("onetimepin") {
        return true;
    }
    let sent_name = body.name.value().map(String::as_str).unwrap_or("");
    if existing.name.as_deref().unwrap_or("") != sent_name {
        return false;
    }
    let Some(sent) = body.config.value() else {
        return true;
    };
    let got = &existing.config;
    // Values the API echoes back and that tell two providers of one type apart. Secrets are
    // left out because reads do not return them.
    let identifying = [
        (&sent.client_id, &got.client_id),
        (&sent.directory_id, &got.directory_id),
        (&sent.apps_domain, &got.apps_domain),
        (&sent.okta_account, &got.okta_account),
        (&sent.authorization_server_id, &got.authorization_server_id),
        (&sent.onelogin_account, &got.onelogin_account),
        (&sent.ping_env_id, &got.ping_env_id),
        (&sent.centrify_account, &got.centrify_account),
        (&sent.centrify_app_id, &got.centrify_app_id),
        (&sent.auth_url, &got.auth_url),
        (&sent.token_url, &got.token_url),
        (&sent.certs_url, &got.certs_url),
        (&sent.issuer_url, &got.issuer_url),
        (&sent.sso_target_url, &got.sso_target_url),
    ];
    identifying
        .iter()
        .all(|(sent, got)| match (sent.value(), got) {
            (Some(sent), Some(got)) => sent == got,
            _ => true,
        })
}

pub(crate) fn collection_segments(scope: &Scope) -> Vec<&str> {
    vec![scope.segment(), scope.id(), "access", "identity_providers"]
}

pub(crate) fn object_segments<'a>(scope: &'a Scope, id: &'a str) -> Vec<&'a str> {
    let mut segments = collection_segments(scope);
    segments.push(id);
    segments
}

fn check_scope(scope: &Scope) -> Result<(), Error> {
    let id = scope.id();
    if id.trim().is_empty() {
        return Err(Error::InvalidInput(format!(
            "the {} ID is empty",
            match scope {
                Scope::Account(_) => "account",
                Scope::Zone(_) => "zone",
            }
        )));
    }
    check_segment(id, "account or zone ID")
}

fn check_id(id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::InvalidInput(
            "the identity provider ID is empty".into(),
        ));
    }
    check_segment(id, "identity provider ID")
}

/// IDs are hex strings or UUIDs; rejecting path syntax and whitespace early gives a clear message
/// instead of a confusing 404 for some other URL.
fn check_segment(value: &str, what: &str) -> Result<(), Error> {
    if value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '?' | '#' | '%'))
        || value == "."
        || value == ".."
    {
        return Err(Error::InvalidInput(format!(
            "the {what} {value:?} contains characters that cannot appear in an ID"
        )));
    }
    Ok(())
}
