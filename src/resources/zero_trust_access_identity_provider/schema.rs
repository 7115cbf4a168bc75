//! The schema of `cloudflare_zero_trust_access_identity_provider`, attribute for attribute the
//! same as Cloudflare's v5 provider (schema version 500), with descriptions that say what each
//! attribute does and which provider types it applies to.

use crate::cloudflare::HeaderAttribute;
use crate::framework::schema::StateForUnknown;
use crate::framework::{Attribute, Block, Mode, Nesting, Schema, Value};

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

/// What a field's API type is in the schema.
trait FieldAttribute {
    /// An optional attribute of this type.
    fn attribute(name: &str) -> Attribute;
}

impl FieldAttribute for String {
    fn attribute(name: &str) -> Attribute {
        Attribute::string(name)
    }
}

impl FieldAttribute for bool {
    fn attribute(name: &str) -> Attribute {
        Attribute::bool(name)
    }
}

impl FieldAttribute for Vec<String> {
    fn attribute(name: &str) -> Attribute {
        Attribute::string_list(name)
    }
}

impl FieldAttribute for Vec<HeaderAttribute> {
    fn attribute(name: &str) -> Attribute {
        Attribute::nested(
            name,
            Nesting::List,
            vec![
                Attribute::string("attribute_name")
                    .description("The SAML attribute name sent by the identity provider."),
                Attribute::string("header_name")
                    .description("The HTTP request header that carries it to the origin."),
            ],
        )
    }
}

/// The attribute one row of a field list becomes: its type from the API type, computed when
/// Cloudflare sets it (`read_only`), optional and computed when Cloudflare fills in a value a
/// write leaves out (`api_default`), sensitive when it is a secret, described by the row's
/// documentation (its lines joined into one paragraph).
fn field_attribute<T: FieldAttribute>(
    name: &str,
    doc: &[&str],
    kinds: &[&str],
    api_default: bool,
) -> Attribute {
    let description = doc.iter().map(|line| line.trim()).collect::<Vec<_>>();
    let attribute = T::attribute(name).description(description.join(" "));
    let attribute = if kinds.contains(&"secret") {
        attribute.sensitive()
    } else {
        attribute
    };
    attribute.mode(if kinds.contains(&"read_only") {
        Mode::Computed
    } else if api_default {
        Mode::OptionalComputed
    } else {
        Mode::Optional
    })
}

/// `true` for the one marker a field list knows (any other word does not compile).
macro_rules! api_default {
    (api_default) => {
        true
    };
}

/// The attributes of a nested object, from one of the API's field lists (see
/// [`identity_provider_config_fields`](crate::identity_provider_config_fields)).
macro_rules! attributes_from_fields {
    ($(
        $(#[doc = $doc:literal])* $field:ident : $ty:ty [$($kind:ident)+] $(($default:ident))?,
    )*) => {
        vec![$(
            field_attribute::<$ty>(
                stringify!($field),
                &[$($doc),*],
                &[$(stringify!($kind)),+],
                false $(|| api_default!($default))?,
            ),
        )*]
    };
}

/// What Terraform adds to an attribute built from a field list: plan behaviour, and notes on
/// how Terraform keeps the value.
type Extra = (&'static str, fn(Attribute) -> Attribute);

/// Applies each extra to the attribute it names.
fn with_extras(mut attributes: Vec<Attribute>, extras: &[Extra]) -> Vec<Attribute> {
    for (name, extra) in extras {
        if let Some(attribute) = attributes.iter_mut().find(|a| a.name == *name) {
            *attribute = extra(attribute.clone());
        }
    }
    attributes
}

/// Appends a sentence to an attribute's description.
fn note(attribute: Attribute, sentence: &str) -> Attribute {
    let description = format!("{} {sentence}", attribute.markdown_description);
    attribute.description(description)
}

/// Plans `value` when configuration leaves the attribute unset, and says so.
fn defaults_to(attribute: Attribute, value: Value) -> Attribute {
    let shown = match &value {
        Value::String(text) => format!("\"{text}\""),
        Value::Bool(flag) => flag.to_string(),
        other => format!("{other:?}"),
    };
    note(attribute, &format!("Defaults to `{shown}`.")).default_value(value)
}

/// Keeps the prior value rather than planning "known after apply".
fn kept(attribute: Attribute) -> Attribute {
    attribute.state_for_unknown(StateForUnknown::Always)
}

/// Keeps the prior value, once there is one, rather than planning "known after apply".
fn kept_once_set(attribute: Attribute) -> Attribute {
    attribute.state_for_unknown(StateForUnknown::NonNull)
}

fn defaults_to_false(attribute: Attribute) -> Attribute {
    defaults_to(attribute, Value::Bool(false))
}

/// The extras of `config`'s attributes.
fn config_extras() -> [Extra; 6] {
    [
        ("client_secret", |a| {
            note(
                a,
                "Cloudflare never returns it, so the value in state is the one last applied; \
                 after an import it is unset until configuration sets it and the next apply \
                 sends it. To keep the secret out of state and plan files, use \
                 `client_secret_wo` instead (the two conflict).",
            )
        }),
        ("pkce_enabled", |a| {
            note(
                a,
                "Cloudflare's v5 provider accepts it for any type, and so does this one.",
            )
        }),
        ("sign_request", kept),
        ("enable_encryption", kept),
        ("redirect_url", kept),
        ("restrict_to_account_members", kept),
    ]
}

/// The extras of `scim_config`'s attributes.
fn scim_extras() -> [Extra; 6] {
    [
        ("enabled", defaults_to_false),
        ("identity_update_behavior", |a| {
            defaults_to(a, Value::from("no_action"))
        }),
        ("scim_base_url", kept_once_set),
        ("seat_deprovision", defaults_to_false),
        ("secret", |a| {
            kept_once_set(note(
                a,
                "It is kept in state from then on, and unknown after an import.",
            ))
        }),
        ("user_deprovision", defaults_to_false),
    ]
}

/// The OAuth types, as descriptions name them.
const OAUTH: &str = "Used by the OAuth-based types (`azureAD`, `centrify`, `facebook`, `github`, \
                     `google`, `google-apps`, `linkedin`, `oidc`, `okta`, `onelogin`, `pingone`, \
                     `yandex`).";

/// `config`: the API's fields, and after `client_secret` the two attributes only Terraform
/// has, for a client secret kept out of state.
fn config_attributes() -> Vec<Attribute> {
    let mut attributes = with_extras(
        crate::identity_provider_config_fields!(attributes_from_fields! {}),
        &config_extras(),
    );
    let after_secret = attributes
        .iter()
        .position(|a| a.name == "client_secret")
        .map_or(attributes.len(), |i| i + 1);
    attributes.splice(after_secret..after_secret, write_only_secret_attributes());
    attributes
}

fn write_only_secret_attributes() -> [Attribute; 2] {
    [
        // Not marked sensitive: a write-only value never reaches plan or state, so the mark
        // would protect nothing, while Terraform records every sensitive path in state and
        // plans an in-place update when the recorded paths differ. State written by v5, which
        // has no such attribute, would then show a change on every object moved to (or
        // swapped in under) this provider.
        Attribute::string("client_secret_wo")
            .write_only()
            .description(format!(
                "The OAuth client secret, write-only (needs Terraform 1.11 or later). {OAUTH} \
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
    ]
}

/// `scim_config`: the API's fields.
fn scim_attributes() -> Vec<Attribute> {
    with_extras(
        crate::identity_provider_scim_fields!(attributes_from_fields! {}),
        &scim_extras(),
    )
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
    use crate::framework::Type;

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

    #[test]
    fn every_extra_names_a_field_of_its_list() {
        let config: Vec<Attribute> =
            crate::identity_provider_config_fields!(attributes_from_fields! {});
        let scim: Vec<Attribute> =
            crate::identity_provider_scim_fields!(attributes_from_fields! {});
        for (fields, extras) in [
            (&config, config_extras().as_slice()),
            (&scim, scim_extras().as_slice()),
        ] {
            for (name, extra) in extras {
                let field = fields.iter().find(|a| a.name == *name);
                let field = field.unwrap_or_else(|| panic!("no field {name}"));
                assert_ne!(
                    &extra(field.clone()),
                    field,
                    "{name}: the extra changes nothing"
                );
            }
        }
    }

    #[test]
    fn field_rows_set_mode_and_sensitivity() {
        let read_only_secret =
            field_attribute::<String>("s", &[" A", " secret. "], &["read_only", "secret"], false);
        assert_eq!(
            (read_only_secret.mode, read_only_secret.sensitive),
            (Mode::Computed, true)
        );
        assert_eq!(read_only_secret.markdown_description, "A secret.");
        let filled = field_attribute::<bool>("b", &[], &["plain"], true);
        assert_eq!(
            (filled.mode, filled.sensitive),
            (Mode::OptionalComputed, false)
        );
        let plain = field_attribute::<Vec<String>>("l", &[], &["plain"], false);
        assert_eq!(plain.mode, Mode::Optional);
        assert_eq!(plain.value_type(), Type::list(Type::String));
    }

    #[test]
    fn descriptions_agree_with_the_value_and_type_tables() {
        let schema = resource_schema();
        let nested = |object: &str, name: &str| {
            schema
                .block
                .attribute(object)
                .and_then(|o| o.nested_attributes().iter().find(|a| a.name == name))
                .unwrap_or_else(|| panic!("{object}.{name}"))
                .markdown_description
                .clone()
        };
        assert!(nested("config", "prompt").contains(&quoted_list(&PROMPTS)));
        assert!(nested("scim_config", "identity_update_behavior")
            .contains(&quoted_list(&IDENTITY_UPDATE_BEHAVIORS)));
        let config = schema.block.attribute("config").unwrap();
        for attribute in config.nested_attributes() {
            let owner = TYPE_ONLY_CONFIG_ATTRIBUTES
                .iter()
                .find(|(name, _)| *name == attribute.name);
            let says = attribute.markdown_description.contains("Only for `type");
            match owner {
                Some((_, kind)) => assert!(
                    attribute
                        .markdown_description
                        .ends_with(&format!(" Only for `type = \"{kind}\"`.")),
                    "{}",
                    attribute.name
                ),
                None => assert!(!says, "{}", attribute.name),
            }
        }
        for name in ["client_id", "client_secret", "client_secret_wo"] {
            assert!(nested("config", name).contains(OAUTH), "{name}");
        }
    }
}
