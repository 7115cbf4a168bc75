//! The schema of `cloudflare_zero_trust_access_identity_provider`, attribute for attribute the
//! same as Cloudflare's v5 provider (schema version 500), with descriptions that say what each
//! attribute does and which provider types it applies to.

use crate::framework::schema::StateForUnknown;
use crate::framework::{Attribute, Block, Nesting, Schema};

/// The state version, shared with Cloudflare's v5 provider so that its state loads unchanged.
pub const SCHEMA_VERSION: i64 = 500;

/// Every provider type, spelled as the API expects it.
pub const TYPES: [&str; 15] = [
    "onetimepin",
    "azureAD",
    "saml",
    "centrify",
    "facebook",
    "github",
    "google-apps",
    "google",
    "linkedin",
    "oidc",
    "okta",
    "onelogin",
    "pingone",
    "yandex",
    "cloudflare",
];

/// Allowed values of `config.prompt`.
pub const PROMPTS: [&str; 3] = ["login", "select_account", "none"];

/// Allowed values of `scim_config.identity_update_behavior`.
pub const IDENTITY_UPDATE_BEHAVIORS: [&str; 3] = ["automatic", "reauth", "no_action"];

/// Which `type` a type-specific `config` attribute belongs to (checked case-sensitively, as
/// Cloudflare's v5 provider does).
pub const TYPE_ONLY_CONFIG_ATTRIBUTES: [(&str, &str); 22] = [
    ("conditional_access_enabled", "azureAD"),
    ("directory_id", "azureAD"),
    ("prompt", "azureAD"),
    ("support_groups", "azureAD"),
    ("centrify_account", "centrify"),
    ("centrify_app_id", "centrify"),
    ("apps_domain", "google-apps"),
    ("auth_url", "oidc"),
    ("certs_url", "oidc"),
    ("scopes", "oidc"),
    ("token_url", "oidc"),
    ("authorization_server_id", "okta"),
    ("okta_account", "okta"),
    ("onelogin_account", "onelogin"),
    ("ping_env_id", "pingone"),
    ("attributes", "saml"),
    ("email_attribute_name", "saml"),
    ("header_attributes", "saml"),
    ("idp_public_certs", "saml"),
    ("issuer_url", "saml"),
    ("sign_request", "saml"),
    ("sso_target_url", "saml"),
];

const IDP_DOCS: &str = "https://developers.cloudflare.com/cloudflare-one/identity/idp-integration/";

fn quoted_list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("`\"{v}\"`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn only_for(kind: &str) -> String {
    format!(" Only for `type = \"{kind}\"`.")
}

/// The resource schema (a free function so that tests and state upgrades can use it without
/// a resource instance).
pub fn resource_schema() -> Schema {
    Schema {
        version: SCHEMA_VERSION,
        block: Block {
            attributes: vec![
                Attribute::string("id")
                    .computed()
                    .state_for_unknown(StateForUnknown::NonNull)
                    .description("The identity provider's UUID, assigned by Cloudflare."),
                Attribute::string("account_id")
                    .optional()
                    .requires_replace()
                    .description(
                        "The ID of the account that owns the identity provider. Set exactly one \
                         of `account_id` and `zone_id` (checked at plan time, unlike Cloudflare's \
                         v5 provider, which fails only when applying). Changing it replaces the \
                         identity provider.",
                    ),
                Attribute::string("zone_id")
                    .optional()
                    .requires_replace()
                    .description(
                        "The ID of the zone that owns the identity provider, for zone-level \
                         Access. Set exactly one of `account_id` and `zone_id`. Changing it \
                         replaces the identity provider.",
                    ),
                Attribute::string("name").required().description(
                    "The name of the identity provider, shown to users on the Access login page.",
                ),
                Attribute::string("type")
                    .required()
                    .requires_replace()
                    .description(format!(
                        "The kind of identity provider. One of {} (matched without regard to \
                         case, but type-specific `config` attributes require the exact spelling \
                         shown here). See [Cloudflare's identity provider guides]({IDP_DOCS}) for \
                         what each type needs. Changing it replaces the identity provider.",
                        quoted_list(&TYPES)
                    )),
                Attribute::nested("config", Nesting::Single, config_attributes())
                    .required()
                    .description(format!(
                        "The settings of the identity provider; which attributes apply depends \
                         on `type` (see [Cloudflare's identity provider guides]({IDP_DOCS})). \
                         Write `config = {{}}` for `onetimepin`."
                    )),
                Attribute::string("saml_certificate_set_id")
                    .optional()
                    .description(
                        "The ID of the SAML certificate set used to encrypt SAML assertions \
                         (with `config.enable_encryption`).",
                    ),
                Attribute::nested("scim_config", Nesting::Single, scim_attributes())
                    .optional_computed()
                    .state_for_unknown(StateForUnknown::Always)
                    .description(
                        "System for Cross-domain Identity Management (SCIM) provisioning for this \
                         identity provider. When omitted, Cloudflare's current settings are kept \
                         and shown. Cannot be set for `type = \"onetimepin\"`.",
                    ),
                Attribute::bool("read_only").optional().description(
                    "When `true`, the identity provider cannot be changed or deleted through the \
                     API (Cloudflare manages it).",
                ),
                Attribute::nested(
                    "saml_certificate_set",
                    Nesting::Single,
                    saml_certificate_set_attributes(),
                )
                .computed()
                .state_for_unknown(StateForUnknown::Always)
                .description(
                    "The SAML certificate set named by `saml_certificate_set_id`, as Cloudflare \
                     reports it.",
                ),
            ],
            description: "A Cloudflare Zero Trust Access identity provider: a login method \
                          (one-time PIN, SAML, OIDC, Azure AD, Okta, GitHub, ...) for Access \
                          applications. Give an OAuth client secret as config.client_secret_wo \
                          with config.client_secret_wo_version (Terraform 1.11 or later): it is \
                          sent to Cloudflare and never stored in state or plan files. \
                          config.client_secret, the form Cloudflare's v5 provider uses, keeps \
                          it in state."
                .into(),
            markdown_description: "A Cloudflare Zero Trust Access identity provider: a login \
                                   method (one-time PIN, SAML, OIDC, Azure AD, Okta, GitHub, \
                                   ...) for Access applications.\n\nGive an OAuth client secret \
                                   as `config.client_secret_wo` with \
                                   `config.client_secret_wo_version` (Terraform 1.11 or later): \
                                   it is sent to Cloudflare and never stored in state or plan \
                                   files. `config.client_secret`, the form Cloudflare's v5 \
                                   provider uses, keeps it in state. Cloudflare never returns \
                                   the secret, so an import leaves it unset."
                .into(),
            ..Block::default()
        },
    }
}

fn config_attributes() -> Vec<Attribute> {
    let oauth = "Used by the OAuth-based types (`azureAD`, `centrify`, `facebook`, `github`, \
                 `google`, `google-apps`, `linkedin`, `oidc`, `okta`, `onelogin`, `pingone`, \
                 `yandex`).";
    let claims_types = "Used by `azureAD`, `centrify`, `google`, `google-apps`, `oidc`, \
                        `okta`, `onelogin` and `pingone`.";
    vec![
        Attribute::string_list("claims").description(format!(
            "Extra claims to request from the identity provider and pass on in the Access \
             token. {claims_types}"
        )),
        Attribute::string("client_id").description(format!(
            "The OAuth client (application) ID registered with the identity provider. {oauth}"
        )),
        Attribute::string("client_secret")
            .sensitive()
            .description(format!(
                "The OAuth client secret. {oauth} Cloudflare never returns it, so the value in \
             state is the one last applied; after an import it is unset until configuration \
             sets it and the next apply sends it. To keep the secret out of state and plan \
             files, use `client_secret_wo` instead (the two conflict)."
            )),
        // Not marked sensitive: a write-only value never reaches plan or state, so the mark
        // would protect nothing, while Terraform records every sensitive path in state and
        // plans an in-place update when the recorded paths differ. State written by v5, which
        // has no such attribute, would then show a change on every object moved to (or
        // swapped in under) this provider.
        Attribute::string("client_secret_wo")
            .write_only()
            .description(format!(
                "The OAuth client secret, write-only (needs Terraform 1.11 or later). {oauth} \
             Its value is sent to Cloudflare but never stored in state or in a plan file. It \
             is sent when the identity provider is created and whenever \
             `client_secret_wo_version` changes; changing `client_secret_wo` alone plans \
             nothing, and Cloudflare keeps the secret it has until a new one is sent. Conflicts \
             with `client_secret`."
            )),
        Attribute::string("client_secret_wo_version").description(
            "A version label for `client_secret_wo`, kept in state (needs Terraform 1.11 or \
             later). Changing it (e.g. from `\"1\"` to `\"2\"`) plans an update that sends the \
             current value of `client_secret_wo` to Cloudflare; that is how a rotated secret \
             reaches Cloudflare. Requires `client_secret_wo`.",
        ),
        Attribute::bool("conditional_access_enabled").description(format!(
            "Load Azure AD authentication contexts so Access policies can require them.{}",
            only_for("azureAD")
        )),
        Attribute::string("directory_id").description(format!(
            "The Azure AD directory (tenant) ID.{}",
            only_for("azureAD")
        )),
        Attribute::string("email_claim_name").description(format!(
            "The claim in the ID token that holds the user's email address. {claims_types}"
        )),
        Attribute::string("prompt").description(format!(
            "What Azure AD asks the user at sign-in: `login` always asks for credentials \
             (no single sign-on), `select_account` lets the user pick an account, `none` never \
             prompts and fails if single sign-on is not possible. One of {} (any case).{}",
            quoted_list(&PROMPTS),
            only_for("azureAD")
        )),
        Attribute::bool("support_groups").description(format!(
            "Load the user's Azure AD groups so Access policies can use them.{}",
            only_for("azureAD")
        )),
        Attribute::string("centrify_account")
            .description(format!("The Centrify account URL.{}", only_for("centrify"))),
        Attribute::string("centrify_app_id").description(format!(
            "The Centrify application ID.{}",
            only_for("centrify")
        )),
        Attribute::string("apps_domain").description(format!(
            "The Google Workspace domain users sign in with, e.g. `example.com`.{}",
            only_for("google-apps")
        )),
        Attribute::string("auth_url").description(format!(
            "The identity provider's authorization endpoint URL.{}",
            only_for("oidc")
        )),
        Attribute::string("certs_url").description(format!(
            "The identity provider's JWKS URL, whose keys verify token signatures.{}",
            only_for("oidc")
        )),
        Attribute::bool("pkce_enabled").description(
            "Use Proof Key for Code Exchange (PKCE) in the authorization code flow. Meant for \
             `oidc`; Cloudflare's v5 provider accepts it for any type, and so does this one.",
        ),
        Attribute::string_list("scopes").description(format!(
            "The OAuth scopes to request, e.g. `[\"openid\", \"email\", \"profile\"]`.{}",
            only_for("oidc")
        )),
        Attribute::string("token_url").description(format!(
            "The identity provider's token endpoint URL.{}",
            only_for("oidc")
        )),
        Attribute::string("authorization_server_id").description(format!(
            "The Okta authorization server ID, when not the default one.{}",
            only_for("okta")
        )),
        Attribute::string("okta_account").description(format!(
            "The Okta organization URL, e.g. `https://example.okta.com`.{}",
            only_for("okta")
        )),
        Attribute::string("onelogin_account")
            .description(format!("The OneLogin account URL.{}", only_for("onelogin"))),
        Attribute::string("ping_env_id").description(format!(
            "The PingOne environment ID.{}",
            only_for("pingone")
        )),
        Attribute::string_list("attributes").description(format!(
            "SAML attribute names to copy into the Access token, for use in policy rules.{}",
            only_for("saml")
        )),
        Attribute::string("email_attribute_name").description(format!(
            "The SAML attribute that holds the user's email address.{}",
            only_for("saml")
        )),
        Attribute::nested(
            "header_attributes",
            Nesting::List,
            vec![
                Attribute::string("attribute_name")
                    .description("The SAML attribute name sent by the identity provider."),
                Attribute::string("header_name")
                    .description("The HTTP request header that carries it to the origin."),
            ],
        )
        .description(format!(
            "SAML attributes that Access passes to the origin as request headers.{}",
            only_for("saml")
        )),
        Attribute::string_list("idp_public_certs").description(format!(
            "The identity provider's X.509 signing certificates (PEM), used to verify SAML \
             responses.{}",
            only_for("saml")
        )),
        Attribute::string("issuer_url").description(format!(
            "The identity provider's entity ID (issuer URL).{}",
            only_for("saml")
        )),
        Attribute::bool("sign_request")
            .state_for_unknown(StateForUnknown::Always)
            .description(format!(
                "Sign SAML authentication requests with Access's key (the public key is \
                 published on the Access certs endpoint). Unset and `false` mean the same.{}",
                only_for("saml")
            )),
        Attribute::string("sso_target_url").description(format!(
            "The URL that SAML authentication requests are sent to.{}",
            only_for("saml")
        )),
        Attribute::bool("enable_encryption")
            .optional_computed()
            .state_for_unknown(StateForUnknown::Always)
            .description(
                "Ask the identity provider to encrypt SAML assertions with the certificate set \
                 named by `saml_certificate_set_id`. When unset, Cloudflare's value is kept. \
                 For `type = \"saml\"`.",
            ),
        Attribute::string("redirect_url")
            .computed()
            .state_for_unknown(StateForUnknown::Always)
            .description(
                "The callback URL to register with the identity provider, assigned by \
                 Cloudflare (`https://<team>.cloudflareaccess.com/cdn-cgi/access/callback`).",
            ),
        Attribute::bool("restrict_to_account_members")
            .optional_computed()
            .state_for_unknown(StateForUnknown::Always)
            .description(
                "Only let members of the Cloudflare account sign in. When unset, Cloudflare's \
                 value is kept. For `type = \"cloudflare\"`.",
            ),
    ]
}

fn scim_attributes() -> Vec<Attribute> {
    vec![
        Attribute::bool("enabled")
            .optional_computed()
            .default_value(false)
            .description(
                "Turn SCIM provisioning on. The first time it is turned on, Cloudflare issues \
                 `secret`. Defaults to `false`.",
            ),
        Attribute::string("identity_update_behavior")
            .optional_computed()
            .default_value("no_action")
            .description(format!(
                "How a SCIM event changes a user's identity for policy evaluation: `automatic` \
                 updates it and adds fields from the SCIM user; `reauth` makes the user sign in \
                 again after group changes (the identity then has no SCIM fields); `no_action` \
                 leaves identities alone. One of {} (any case). Defaults to `\"no_action\"`.",
                quoted_list(&IDENTITY_UPDATE_BEHAVIORS)
            )),
        Attribute::string("scim_base_url")
            .computed()
            .state_for_unknown(StateForUnknown::NonNull)
            .description(
                "The base URL of Cloudflare's SCIM 2.0 endpoint for this identity provider.",
            ),
        Attribute::bool("seat_deprovision")
            .optional_computed()
            .default_value(false)
            .description(
                "Remove a user's Zero Trust seat when the identity provider deprovisions them. \
                 Requires `user_deprovision = true`. Defaults to `false`.",
            ),
        Attribute::string("secret")
            .computed()
            .sensitive()
            .state_for_unknown(StateForUnknown::NonNull)
            .description(
                "The bearer token the identity provider uses to call the SCIM endpoint. \
                 Cloudflare shows it only once, when SCIM is first turned on; it is kept in \
                 state from then on. Unknown after an import.",
            ),
        Attribute::bool("user_deprovision")
            .optional_computed()
            .default_value(false)
            .description(
                "Revoke a user's Access and Gateway sessions when the identity provider \
                 deprovisions them. Defaults to `false`.",
            ),
    ]
}

fn saml_certificate_set_attributes() -> Vec<Attribute> {
    vec![
        Attribute::string("created_at")
            .computed()
            .description("When the certificate set was created (RFC 3339)."),
        Attribute::nested(
            "current_certificate",
            Nesting::Single,
            vec![
                Attribute::bool("is_current")
                    .computed()
                    .description("Whether this is the certificate in use."),
                Attribute::string("not_after").computed().description(
                    "When the certificate expires (RFC 3339); Cloudflare rotates it 30 days \
                     before.",
                ),
                Attribute::string("public_certificate")
                    .computed()
                    .description("The certificate (PEM)."),
                Attribute::string("uid")
                    .computed()
                    .description("The certificate's ID."),
            ],
        )
        .computed()
        .description("The certificate currently used for encryption."),
        Attribute::string("previous_certificate")
            .computed()
            .description("The previous certificate, as JSON, while it is still valid."),
        Attribute::string("uid")
            .computed()
            .description("The certificate set's ID."),
        Attribute::string("updated_at")
            .computed()
            .description("When the certificate set last changed (RFC 3339)."),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::AttributeKind;
    use crate::framework::{Mode, Type, Value};

    /// One expected row: path, type (or nesting), mode, sensitive, write-only, default,
    /// replace, rule.
    type Row = (
        &'static str,
        &'static str,
        Mode,
        bool,
        bool,
        Option<Value>,
        bool,
        StateForUnknown,
    );

    fn flatten(prefix: &str, attributes: &[Attribute], out: &mut Vec<Row>) {
        for a in attributes {
            let path: &'static str = Box::leak(
                if prefix.is_empty() {
                    a.name.clone()
                } else {
                    format!("{prefix}.{}", a.name)
                }
                .into_boxed_str(),
            );
            let ty: &'static str = match &a.kind {
                AttributeKind::Type(Type::String) => "string",
                AttributeKind::Type(Type::Bool) => "bool",
                AttributeKind::Type(t) if *t == Type::list(Type::String) => "list(string)",
                AttributeKind::Type(_) => "other",
                AttributeKind::Nested {
                    nesting: Nesting::Single,
                    ..
                } => "single",
                AttributeKind::Nested {
                    nesting: Nesting::List,
                    ..
                } => "list",
                AttributeKind::Nested { .. } => "other nesting",
            };
            out.push((
                path,
                ty,
                a.mode,
                a.sensitive,
                a.write_only,
                a.default.clone(),
                a.requires_replace,
                a.state_for_unknown,
            ));
            flatten(path, a.nested_attributes(), out);
        }
    }

    #[test]
    fn schema_matches_cloudflare_v5() {
        use Mode::*;
        use StateForUnknown::{Always, Never, NonNull};
        let f = Some(Value::Bool(false));
        #[rustfmt::skip]
        let expected: Vec<Row> = vec![
            ("id", "string", Computed, false, false, None, false, NonNull),
            ("account_id", "string", Optional, false, false, None, true, Never),
            ("zone_id", "string", Optional, false, false, None, true, Never),
            ("name", "string", Required, false, false, None, false, Never),
            ("type", "string", Required, false, false, None, true, Never),
            ("config", "single", Required, false, false, None, false, Never),
            ("config.claims", "list(string)", Optional, false, false, None, false, Never),
            ("config.client_id", "string", Optional, false, false, None, false, Never),
            ("config.client_secret", "string", Optional, true, false, None, false, Never),
            ("config.client_secret_wo", "string", Optional, false, true, None, false, Never),
            ("config.client_secret_wo_version", "string", Optional, false, false, None, false, Never),
            ("config.conditional_access_enabled", "bool", Optional, false, false, None, false, Never),
            ("config.directory_id", "string", Optional, false, false, None, false, Never),
            ("config.email_claim_name", "string", Optional, false, false, None, false, Never),
            ("config.prompt", "string", Optional, false, false, None, false, Never),
            ("config.support_groups", "bool", Optional, false, false, None, false, Never),
            ("config.centrify_account", "string", Optional, false, false, None, false, Never),
            ("config.centrify_app_id", "string", Optional, false, false, None, false, Never),
            ("config.apps_domain", "string", Optional, false, false, None, false, Never),
            ("config.auth_url", "string", Optional, false, false, None, false, Never),
            ("config.certs_url", "string", Optional, false, false, None, false, Never),
            ("config.pkce_enabled", "bool", Optional, false, false, None, false, Never),
            ("config.scopes", "list(string)", Optional, false, false, None, false, Never),
            ("config.token_url", "string", Optional, false, false, None, false, Never),
            ("config.authorization_server_id", "string", Optional, false, false, None, false, Never),
            ("config.okta_account", "string", Optional, false, false, None, false, Never),
            ("config.onelogin_account", "string", Optional, false, false, None, false, Never),
            ("config.ping_env_id", "string", Optional, false, false, None, false, Never),
            ("config.attributes", "list(string)", Optional, false, false, None, false, Never),
            ("config.email_attribute_name", "string", Optional, false, false, None, false, Never),
            ("config.header_attributes", "list", Optional, false, false, None, false, Never),
            ("config.header_attributes.attribute_name", "string", Optional, false, false, None, false, Never),
            ("config.header_attributes.header_name", "string", Optional, false, false, None, false, Never),
            ("config.idp_public_certs", "list(string)", Optional, false, false, None, false, Never),
            ("config.issuer_url", "string", Optional, false, false, None, false, Never),
            ("config.sign_request", "bool", Optional, false, false, None, false, Always),
            ("config.sso_target_url", "string", Optional, false, false, None, false, Never),
            ("config.enable_encryption", "bool", OptionalComputed, false, false, None, false, Always),
            ("config.redirect_url", "string", Computed, false, false, None, false, Always),
            ("config.restrict_to_account_members", "bool", OptionalComputed, false, false, None, false, Always),
            ("saml_certificate_set_id", "string", Optional, false, false, None, false, Never),
            ("scim_config", "single", OptionalComputed, false, false, None, false, Always),
            ("scim_config.enabled", "bool", OptionalComputed, false, false, f.clone(), false, Never),
            ("scim_config.identity_update_behavior", "string", OptionalComputed, false, false, Some("no_action".into()), false, Never),
            ("scim_config.scim_base_url", "string", Computed, false, false, None, false, NonNull),
            ("scim_config.seat_deprovision", "bool", OptionalComputed, false, false, f.clone(), false, Never),
            ("scim_config.secret", "string", Computed, true, false, None, false, NonNull),
            ("scim_config.user_deprovision", "bool", OptionalComputed, false, false, f, false, Never),
            ("read_only", "bool", Optional, false, false, None, false, Never),
            ("saml_certificate_set", "single", Computed, false, false, None, false, Always),
            ("saml_certificate_set.created_at", "string", Computed, false, false, None, false, Never),
            ("saml_certificate_set.current_certificate", "single", Computed, false, false, None, false, Never),
            ("saml_certificate_set.current_certificate.is_current", "bool", Computed, false, false, None, false, Never),
            ("saml_certificate_set.current_certificate.not_after", "string", Computed, false, false, None, false, Never),
            ("saml_certificate_set.current_certificate.public_certificate", "string", Computed, false, false, None, false, Never),
            ("saml_certificate_set.current_certificate.uid", "string", Computed, false, false, None, false, Never),
            ("saml_certificate_set.previous_certificate", "string", Computed, false, false, None, false, Never),
            ("saml_certificate_set.uid", "string", Computed, false, false, None, false, Never),
            ("saml_certificate_set.updated_at", "string", Computed, false, false, None, false, Never),
        ];
        let schema = resource_schema();
        assert_eq!(schema.version, 500);
        let mut actual = Vec::new();
        flatten("", &schema.block.attributes, &mut actual);
        for (want, got) in expected.iter().zip(&actual) {
            assert_eq!(want, got);
        }
        assert_eq!(expected.len(), actual.len());
    }

    #[test]
    fn every_attribute_is_described() {
        fn check(attributes: &[Attribute]) {
            for a in attributes {
                assert!(
                    !a.markdown_description.is_empty(),
                    "{} has no description",
                    a.name
                );
                // The one write-only attribute is the client secret's write-only form.
                assert_eq!(a.write_only, a.name == "client_secret_wo", "{}", a.name);
                check(a.nested_attributes());
            }
        }
        check(&resource_schema().block.attributes);
    }

    #[test]
    fn type_only_table_names_real_config_attributes() {
        let schema = resource_schema();
        let config = schema.block.attribute("config").unwrap();
        for (name, kind) in TYPE_ONLY_CONFIG_ATTRIBUTES {
            assert!(
                config.nested_attributes().iter().any(|a| a.name == name),
                "{name}"
            );
            assert!(TYPES.contains(&kind), "{kind}");
        }
    }
}
