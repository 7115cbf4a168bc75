//! Plan-time checks of the configuration, with attribute paths and Cloudflare v5's wording
//! where v5 has the same check. Values that are not known yet are never judged.
//!
//! Checks v5 does not make (marked "beyond v5" below) catch at plan time what would otherwise
//! fail only halfway through an apply.

use super::schema::{IDENTITY_UPDATE_BEHAVIORS, PROMPTS, TYPES, TYPE_ONLY_CONFIG_ATTRIBUTES};
use crate::framework::{AttributePath, Diagnostics, Value};

/// The API's spelling of a type written in any case, e.g. `azuread` → `azureAD`.
pub fn canonical_type(kind: &str) -> Option<&'static str> {
    TYPES.iter().copied().find(|t| t.eq_ignore_ascii_case(kind))
}

/// Types that sign users in through OAuth and need a client ID and secret.
pub fn is_oauth_type(kind: &str) -> bool {
    !matches!(kind, "onetimepin" | "saml" | "cloudflare")
}

/// `config` attributes Cloudflare needs for each type, beyond v5: v5 leaves them all optional
/// and the API rejects the create.
pub fn required_config_attributes(kind: &str) -> Vec<&'static str> {
    let mut required = if is_oauth_type(kind) {
        vec!["client_id", "client_secret"]
    } else {
        vec![]
    };
    required.extend_from_slice(match kind {
        "azureAD" => &["directory_id"][..],
        "centrify" => &["centrify_account", "centrify_app_id"],
        "google-apps" => &["apps_domain"],
        "oidc" => &["auth_url", "token_url", "certs_url"],
        "okta" => &["okta_account"],
        "onelogin" => &["onelogin_account"],
        "pingone" => &["ping_env_id"],
        "saml" => &["issuer_url", "sso_target_url", "idp_public_certs"],
        _ => &[],
    });
    required
}

/// Renders values the way terraform-plugin-framework-validators does: `["a" "b"]`.
fn go_quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("[{}]", quoted.join(" "))
}

fn one_of_case_insensitive(
    value: &Value,
    path: AttributePath,
    allowed: &[&str],
    diagnostics: &mut Diagnostics,
) {
    if let Some(text) = value.as_str() {
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(text)) {
            diagnostics.attribute_error(
                path.clone(),
                "Invalid Attribute Value Match",
                format!(
                    "Attribute {path} value must be one of: {}, got: {text:?}",
                    go_quoted_list(allowed)
                ),
            );
        }
    }
}

fn is_set(value: &Value) -> bool {
    !value.is_null() && !value.is_unknown()
}

/// Checks a configuration (which may contain unknown values).
pub fn validate_config(config: &Value, diagnostics: &mut Diagnostics) {
    let kind_value = config.attr("type");
    one_of_case_insensitive(
        kind_value,
        AttributePath::attribute("type"),
        &TYPES,
        diagnostics,
    );
    let kind = kind_value.as_str();
    let settings = config.attr("config");

    // v5: type-specific config attributes, compared case-sensitively.
    if let Some(kind) = kind {
        for (name, owner) in TYPE_ONLY_CONFIG_ATTRIBUTES {
            if is_set(settings.attr(name)) && kind != owner {
                diagnostics.attribute_error(
                    AttributePath::attribute("config").attr(name),
                    "Invalid Attribute Combination",
                    format!(
                        "\"config.{name}\" can only be set if \"type\" is one of: \"{owner}\" \
                         (type is {kind:?}). Remove config.{name} or change type."
                    ),
                );
            }
        }
        // v5 (added for the onetimepin/SCIM conflict reported upstream).
        if kind == "onetimepin" && is_set(config.attr("scim_config")) {
            diagnostics.attribute_error(
                AttributePath::attribute("scim_config"),
                "Invalid Attribute Combination",
                "\"scim_config\" can not be set if \"type\" is one of: \"onetimepin\". One-time \
                 PIN logins have no SCIM provisioning; remove scim_config.",
            );
        }
    }

    one_of_case_insensitive(
        settings.attr("prompt"),
        AttributePath::attribute("config").attr("prompt"),
        &PROMPTS,
        diagnostics,
    );
    let scim = config.attr("scim_config");
    one_of_case_insensitive(
        scim.attr("identity_update_behavior"),
        AttributePath::attribute("scim_config").attr("identity_update_behavior"),
        &IDENTITY_UPDATE_BEHAVIORS,
        diagnostics,
    );

    // Beyond v5: the API rejects seat_deprovision without user_deprovision.
    if scim.attr("seat_deprovision").as_bool() == Some(true) {
        let user = scim.attr("user_deprovision");
        if user.as_bool() == Some(false) || user.is_null() {
            diagnostics.attribute_error(
                AttributePath::attribute("scim_config").attr("seat_deprovision"),
                "Invalid Attribute Combination",
                "\"scim_config.seat_deprovision\" can only be true when \
                 \"scim_config.user_deprovision\" is true: Cloudflare removes seats only of \
                 users whose sessions it also revokes. Set user_deprovision = true.",
            );
        }
    }

    validate_write_only_secret(settings, diagnostics);
    validate_owner(config, diagnostics);
}

/// Beyond v5: the write-only form of the client secret. `client_secret` and `client_secret_wo`
/// are two ways to give the same secret, and `client_secret_wo_version` only means something
/// next to `client_secret_wo`. Unknown values are not judged.
fn validate_write_only_secret(settings: &Value, diagnostics: &mut Diagnostics) {
    let config_path = || AttributePath::attribute("config");
    if is_set(settings.attr("client_secret")) && is_set(settings.attr("client_secret_wo")) {
        diagnostics.attribute_error(
            config_path().attr("client_secret_wo"),
            "Invalid Attribute Combination",
            "\"config.client_secret\" and \"config.client_secret_wo\" cannot both be set: they \
             are two forms of the same OAuth client secret. Keep config.client_secret_wo to keep \
             the secret out of state and plan files (Terraform 1.11 or later), or \
             config.client_secret otherwise, and remove the other.",
        );
    }
    if is_set(settings.attr("client_secret_wo_version"))
        && settings.attr("client_secret_wo").is_null()
    {
        diagnostics.attribute_error(
            config_path().attr("client_secret_wo_version"),
            "Invalid Attribute Combination",
            "\"config.client_secret_wo_version\" can only be set together with \
             \"config.client_secret_wo\": changing the version sends the write-only secret to \
             Cloudflare, and there is none. Set config.client_secret_wo or remove \
             config.client_secret_wo_version.",
        );
    }
}

/// Beyond v5: exactly one of `account_id` and `zone_id` (v5 fails only when applying).
fn validate_owner(config: &Value, diagnostics: &mut Diagnostics) {
    let account = config.attr("account_id");
    let zone = config.attr("zone_id");
    for (name, value) in [("account_id", account), ("zone_id", zone)] {
        if value.as_str().is_some_and(|s| s.trim().is_empty()) {
            diagnostics.attribute_error(
                AttributePath::attribute(name),
                "Invalid Attribute Value",
                format!("Attribute {name} must not be empty."),
            );
        }
    }
    if is_set(account) && is_set(zone) {
        diagnostics.attribute_error(
            AttributePath::attribute("zone_id"),
            "Invalid Attribute Combination",
            "2 attributes specified when one (and only one) of [account_id,zone_id] is \
             required. An identity provider belongs to an account or to a zone; remove one.",
        );
    } else if account.is_null() && zone.is_null() {
        diagnostics.attribute_error(
            AttributePath::root(),
            "Invalid Attribute Combination",
            "No attribute specified when one (and only one) of [account_id,zone_id] is \
             required. Set account_id for an account-level identity provider (the usual case) \
             or zone_id for a zone-level one.",
        );
    }
}

fn is_missing(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::List(items) => items.is_empty(),
        _ => false,
    }
}

/// Beyond v5, checked only when creating: the `config` attributes the type needs. Not checked
/// on update, so that an imported identity provider whose secret is managed elsewhere can be
/// planned without `client_secret` (Cloudflare keeps the stored one).
///
/// `config` is the resource's configuration: the plan holds null for the write-only
/// `client_secret_wo`, which stands in for `client_secret`, so that one is read from `config`.
///
/// The diagnostics point at `config`, not at `config.<name>`: an attribute that is not in the
/// configuration has no place in the file, and Terraform would then point at the resource's
/// first line instead. The message names the missing attribute.
pub fn validate_create(planned: &Value, config: &Value, diagnostics: &mut Diagnostics) {
    let Some(kind) = planned.attr("type").as_str().and_then(canonical_type) else {
        return;
    };
    let settings = planned.attr("config");
    if settings.is_unknown() {
        return;
    }
    let write_only_secret = config.attr("config").attr("client_secret_wo");
    for name in required_config_attributes(kind) {
        if !is_missing(settings.attr(name)) {
            continue;
        }
        if name == "client_secret" {
            if config.attr("config").is_unknown() || !is_missing(write_only_secret) {
                continue;
            }
            diagnostics.attribute_error(
                AttributePath::attribute("config"),
                "Missing Attribute Configuration",
                format!(
                    "\"config.client_secret\" or \"config.client_secret_wo\" must be set when \
                     \"type\" is \"{kind}\": Cloudflare rejects an identity provider of this \
                     type without a client secret."
                ),
            );
            continue;
        }
        diagnostics.attribute_error(
            AttributePath::attribute("config"),
            "Missing Attribute Configuration",
            format!(
                "\"config.{name}\" must be set when \"type\" is \"{kind}\": Cloudflare \
                 rejects an identity provider of this type without it."
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::zero_trust_access_identity_provider::model::{
        Attr, ConfigModel, IdentityProviderModel, ScimConfigModel, SecretString,
    };

    fn github() -> IdentityProviderModel {
        IdentityProviderModel {
            account_id: Attr::Known("023e105f4ecef8ad9ca31a8372d0c353".into()),
            name: Attr::Known("GitHub".into()),
            kind: Attr::Known("github".into()),
            config: Attr::Known(ConfigModel {
                client_id: Attr::Known("cid".into()),
                client_secret: Attr::Known(SecretString::new("secret")),
                ..ConfigModel::default()
            }),
            ..IdentityProviderModel::default()
        }
    }

    fn check(model: &IdentityProviderModel) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        validate_config(&model.to_value(), &mut diagnostics);
        diagnostics
    }

    fn first_detail(model: &IdentityProviderModel) -> String {
        let diagnostics = check(model);
        let first = diagnostics.iter().next().expect("a diagnostic");
        first.detail.clone()
    }

    fn config_mut(model: &mut IdentityProviderModel) -> &mut ConfigModel {
        match &mut model.config {
            Attr::Known(config) => config,
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_valid_configuration_passes() {
        assert!(check(&github()).is_empty());
    }

    #[test]
    fn type_is_checked_without_regard_to_case() {
        let mut model = github();
        model.kind = Attr::Known("GitHub".into());
        assert!(check(&model).is_empty());
        model.kind = Attr::Known("gitlab".into());
        let diagnostics = check(&model);
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(error.summary, "Invalid Attribute Value Match");
        assert!(error
            .detail
            .starts_with("Attribute type value must be one of: [\"onetimepin\" \"azureAD\""));
        assert!(error.detail.ends_with("got: \"gitlab\""));
    }

    #[test]
    fn type_specific_attributes_use_v5_wording_and_exact_case() {
        let mut model = github();
        config_mut(&mut model).directory_id = Attr::Known("tenant".into());
        let diagnostics = check(&model);
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(error.summary, "Invalid Attribute Combination");
        assert_eq!(
            error.attribute,
            Some(AttributePath::attribute("config").attr("directory_id"))
        );
        assert!(error.detail.starts_with(
            "\"config.directory_id\" can only be set if \"type\" is one of: \"azureAD\""
        ));

        // v5 compares case-sensitively, so "azuread" does not allow directory_id.
        model.kind = Attr::Known("azuread".into());
        assert_eq!(check(&model).len(), 1);
        model.kind = Attr::Known("azureAD".into());
        assert!(check(&model).is_empty());
        // An unknown type is not judged.
        model.kind = Attr::Unknown;
        assert!(check(&model).is_empty());
    }

    #[test]
    fn false_counts_as_set_like_v5() {
        let mut model = github();
        config_mut(&mut model).support_groups = Attr::Known(false);
        assert_eq!(check(&model).len(), 1);
        config_mut(&mut model).support_groups = Attr::Unknown;
        assert!(check(&model).is_empty());
    }

    #[test]
    fn onetimepin_rejects_scim_config() {
        let mut model = github();
        model.kind = Attr::Known("onetimepin".into());
        model.config = Attr::Known(ConfigModel::default());
        model.scim_config = Attr::Known(ScimConfigModel::default());
        let diagnostics = check(&model);
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(
            error.attribute,
            Some(AttributePath::attribute("scim_config"))
        );
        assert!(error
            .detail
            .starts_with("\"scim_config\" can not be set if \"type\" is one of: \"onetimepin\""));
    }

    #[test]
    fn enumerations_are_checked_without_regard_to_case() {
        let mut model = github();
        model.kind = Attr::Known("azureAD".into());
        config_mut(&mut model).prompt = Attr::Known("LOGIN".into());
        model.scim_config = Attr::Known(ScimConfigModel {
            identity_update_behavior: Attr::Known("sometimes".into()),
            ..ScimConfigModel::default()
        });
        let diagnostics = check(&model);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(
            error.detail,
            "Attribute scim_config.identity_update_behavior value must be one of: \
             [\"automatic\" \"reauth\" \"no_action\"], got: \"sometimes\""
        );
    }

    #[test]
    fn seat_deprovision_needs_user_deprovision() {
        let mut model = github();
        model.scim_config = Attr::Known(ScimConfigModel {
            seat_deprovision: Attr::Known(true),
            ..ScimConfigModel::default()
        });
        assert_eq!(check(&model).len(), 1);
        if let Attr::Known(scim) = &mut model.scim_config {
            scim.user_deprovision = Attr::Known(true);
        }
        assert!(check(&model).is_empty());
    }

    #[test]
    fn exactly_one_owner() {
        let mut model = github();
        model.zone_id = Attr::Known("zone".into());
        let detail = first_detail(&model);
        assert!(detail.starts_with("2 attributes"), "{detail}");

        model.account_id = Attr::Null;
        model.zone_id = Attr::Null;
        let detail = first_detail(&model);
        assert!(detail.starts_with("No attribute"), "{detail}");

        model.zone_id = Attr::Unknown;
        assert!(check(&model).is_empty());
        model.zone_id = Attr::Known(" ".into());
        assert_eq!(check(&model).len(), 1);
    }

    #[test]
    fn create_needs_what_the_type_needs() {
        let mut model = github();
        config_mut(&mut model).client_secret = Attr::Null;
        let mut diagnostics = Diagnostics::new();
        validate_create(&model.to_value(), &model.to_value(), &mut diagnostics);
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(error.attribute, Some(AttributePath::attribute("config")));
        assert!(error.detail.starts_with("\"config.client_secret\" or"));
        assert_eq!(diagnostics.len(), 1);

        // Unknown values may still be filled in.
        config_mut(&mut model).client_secret = Attr::Unknown;
        let mut diagnostics = Diagnostics::new();
        validate_create(&model.to_value(), &model.to_value(), &mut diagnostics);
        assert!(diagnostics.is_empty());

        model.kind = Attr::Known("SAML".into());
        model.config = Attr::Known(ConfigModel {
            idp_public_certs: Attr::Known(vec![]),
            ..ConfigModel::default()
        });
        let mut diagnostics = Diagnostics::new();
        validate_create(&model.to_value(), &model.to_value(), &mut diagnostics);
        let paths: Vec<String> = diagnostics
            .iter()
            .map(|d| d.attribute.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(paths, ["config", "config", "config"]);
        let named: Vec<&str> = diagnostics
            .iter()
            .map(|d| d.detail.split('"').nth(1).unwrap())
            .collect();
        assert_eq!(
            named,
            [
                "config.issuer_url",
                "config.sso_target_url",
                "config.idp_public_certs"
            ]
        );
    }

    #[test]
    fn client_secret_and_its_write_only_form_conflict() {
        let mut model = github();
        config_mut(&mut model).client_secret_wo = Attr::Known(SecretString::new("wo"));
        let diagnostics = check(&model);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(error.summary, "Invalid Attribute Combination");
        assert_eq!(
            error.attribute,
            Some(AttributePath::attribute("config").attr("client_secret_wo"))
        );
        assert!(error
            .detail
            .contains("\"config.client_secret\" and \"config.client_secret_wo\""));
        // Only the write-only form: fine, with or without a version.
        config_mut(&mut model).client_secret = Attr::Null;
        assert!(check(&model).is_empty());
        config_mut(&mut model).client_secret_wo_version = Attr::Known("1".into());
        assert!(check(&model).is_empty());
        // An unknown secret is not judged.
        config_mut(&mut model).client_secret = Attr::Unknown;
        assert!(check(&model).is_empty());
    }

    /// The one diagnostic in `diagnostics`, which must be about `config.<attribute>`.
    fn only_error<'a>(
        diagnostics: &'a Diagnostics,
        attribute: &str,
    ) -> &'a crate::framework::Diagnostic {
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let error = diagnostics.iter().next().unwrap();
        let path = AttributePath::attribute("config").attr(attribute);
        assert_eq!(error.attribute, Some(path));
        error
    }

    #[test]
    fn write_only_version_needs_the_write_only_secret() {
        let mut model = github();
        config_mut(&mut model).client_secret_wo_version = Attr::Known("1".into());
        let diagnostics = check(&model);
        let error = only_error(&diagnostics, "client_secret_wo_version");
        assert!(error.detail.contains("\"config.client_secret_wo\""));
        // Unknowns are not judged.
        config_mut(&mut model).client_secret_wo = Attr::Unknown;
        assert!(check(&model).is_empty());
        config_mut(&mut model).client_secret_wo = Attr::Null;
        config_mut(&mut model).client_secret_wo_version = Attr::Unknown;
        assert!(check(&model).is_empty());
    }

    #[test]
    fn write_only_secret_is_allowed_wherever_client_secret_is() {
        assert!(!TYPE_ONLY_CONFIG_ATTRIBUTES
            .iter()
            .any(|(name, _)| name.starts_with("client_secret")));
        for kind in TYPES {
            let mut model = github();
            model.kind = Attr::Known(kind.into());
            let config = config_mut(&mut model);
            config.client_secret = Attr::Null;
            config.client_secret_wo = Attr::Known(SecretString::new("wo"));
            config.client_secret_wo_version = Attr::Known("1".into());
            let diagnostics = check(&model);
            assert!(
                diagnostics
                    .iter()
                    .all(|d| !d.detail.contains("client_secret")),
                "{kind}: {diagnostics:?}"
            );
        }
    }

    #[test]
    fn create_accepts_the_write_only_secret_from_configuration() {
        let mut config = github();
        config_mut(&mut config).client_secret = Attr::Null;
        config_mut(&mut config).client_secret_wo = Attr::Known(SecretString::new("wo"));
        // The plan holds null for the write-only attribute.
        let mut planned = config.clone();
        config_mut(&mut planned).client_secret_wo = Attr::Null;
        let mut diagnostics = Diagnostics::new();
        validate_create(&planned.to_value(), &config.to_value(), &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");

        // Unknown in configuration: may still be set.
        config_mut(&mut config).client_secret_wo = Attr::Unknown;
        let mut diagnostics = Diagnostics::new();
        validate_create(&planned.to_value(), &config.to_value(), &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");

        // Neither form: one error that names both.
        config_mut(&mut config).client_secret_wo = Attr::Null;
        let mut diagnostics = Diagnostics::new();
        validate_create(&planned.to_value(), &config.to_value(), &mut diagnostics);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let error = diagnostics.iter().next().unwrap();
        assert_eq!(error.attribute, Some(AttributePath::attribute("config")));
        assert!(error.detail.contains("\"config.client_secret_wo\""));
    }

    #[test]
    fn canonical_spelling() {
        assert_eq!(canonical_type("AZUREAD"), Some("azureAD"));
        assert_eq!(canonical_type("Google-Apps"), Some("google-apps"));
        assert_eq!(canonical_type("nope"), None);
        assert!(required_config_attributes("onetimepin").is_empty());
        assert!(required_config_attributes("cloudflare").is_empty());
    }
}
