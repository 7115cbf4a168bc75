//! Conversions between the Terraform model and the API types: write bodies from a plan, and a
//! model from an API object. `account_id` and `zone_id` never enter a body; they only pick the
//! URL (see [`scope_of`]).
//!
//! Body rules (the same wire behaviour as Cloudflare's v5 provider): POST sends what the plan
//! knows and omits nulls, unknowns and computed-only attributes; PUT is a full replace that also
//! sends an explicit JSON `null` for anything the plan unsets that the prior state had.

use super::model::{
    Attr, ConfigModel, HeaderAttributeModel, IdentityProviderModel, SamlCertificateModel,
    SamlCertificateSetModel, ScimConfigModel, SecretString,
};
use super::schema::{IDENTITY_UPDATE_BEHAVIORS, PROMPTS};
use super::validate::canonical_type;
use crate::cloudflare::{
    Field, HeaderAttribute, IdentityProvider, IdentityProviderBody, IdentityProviderConfig,
    IdentityProviderConfigBody, ScimConfig, ScimConfigBody, Scope,
};

/// The account or zone the identity provider lives in: `account_id` when set, else `zone_id`.
pub fn scope_of(model: &IdentityProviderModel) -> Option<Scope> {
    crate::resources::kit::crud::scope_of(&model.account_id, &model.zone_id)
}

/// One body field. `prior` is `None` for a create (POST) and the prior state's value for an
/// update (PUT).
fn field<T, U>(
    planned: &Attr<T>,
    prior: Option<&Attr<T>>,
    convert: impl FnOnce(&T) -> U,
) -> Field<U> {
    match planned {
        Attr::Known(value) => Field::Value(convert(value)),
        Attr::Null if prior.is_some_and(|p| p.known().is_some()) => Field::Null,
        Attr::Null | Attr::Unknown => Field::Absent,
    }
}

/// The spelling the API expects for a value matched without regard to case.
fn canonical<'a>(value: &'a str, allowed: &[&'static str]) -> &'a str {
    allowed
        .iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(value))
        .unwrap_or(value)
}

/// The write-only client secret, which only the configuration holds (plan and state carry
/// null for it): `config.client_secret_wo` when set.
pub fn write_only_secret(config: &IdentityProviderModel) -> Option<&SecretString> {
    config.config.known()?.client_secret_wo.known()
}

/// The POST body for a planned identity provider. `config` is the resource's configuration,
/// the only place the write-only `client_secret_wo` can be read from; when set, it is sent as
/// `client_secret`.
pub fn create_body(
    planned: &IdentityProviderModel,
    config: &IdentityProviderModel,
) -> IdentityProviderBody {
    body(planned, None, write_only_secret(config))
}

/// The PUT body: the planned identity provider in full, with explicit nulls for attributes the
/// plan removes. A write-only `client_secret_wo` in `config` is sent as `client_secret`: it is
/// the user's current secret, so sending it on every update is always right (without it,
/// Cloudflare keeps the secret it has).
pub fn update_body(
    planned: &IdentityProviderModel,
    prior: &IdentityProviderModel,
    config: &IdentityProviderModel,
) -> IdentityProviderBody {
    body(planned, Some(prior), write_only_secret(config))
}

fn body(
    planned: &IdentityProviderModel,
    prior: Option<&IdentityProviderModel>,
    write_only_secret: Option<&SecretString>,
) -> IdentityProviderBody {
    let prior_config = prior.and_then(|p| p.config.known());
    let prior_scim = prior.and_then(|p| p.scim_config.known());
    let no_config = ConfigModel::default();
    let no_scim = ScimConfigModel::default();
    IdentityProviderBody {
        name: field(&planned.name, prior.map(|p| &p.name), Clone::clone),
        kind: field(&planned.kind, prior.map(|p| &p.kind), |k| {
            canonical_type(k).unwrap_or(k).to_owned()
        }),
        config: match &planned.config {
            Attr::Known(config) => {
                let mut body =
                    config_body(config, prior.map(|_| prior_config.unwrap_or(&no_config)));
                if let Some(secret) = write_only_secret {
                    body.client_secret = Field::Value(secret.expose().to_owned());
                }
                Field::Value(body)
            }
            // Required, so never null in a plan; sent empty to keep the request well-formed.
            Attr::Null | Attr::Unknown => Field::Value(IdentityProviderConfigBody::default()),
        },
        scim_config: match &planned.scim_config {
            Attr::Known(scim) => Field::Value(scim_body(
                scim,
                prior.map(|_| prior_scim.unwrap_or(&no_scim)),
            )),
            other => field(other, prior.map(|p| &p.scim_config), |_| {
                ScimConfigBody::default()
            }),
        },
        read_only: field(&planned.read_only, prior.map(|p| &p.read_only), |b| *b),
        saml_certificate_set_id: field(
            &planned.saml_certificate_set_id,
            prior.map(|p| &p.saml_certificate_set_id),
            Clone::clone,
        ),
    }
}

/// Builds, from one of the API's field lists (see
/// [`identity_provider_config_fields`](crate::identity_provider_config_fields)), a function
/// from the model to the write body and one from the API object to the model, converting each
/// field as its kind says. The header names the functions, their types and parameters, and the
/// model's Terraform-only fields with their values.
macro_rules! conversions {
    (@next [$to_body:ident, $from_api:ident, $model_ty:ident, $body_ty:ident, $api_ty:ident,
            $c:ident, $prior:ident, [$($extra:tt)*]]
        [$($body:tt)*] [$($model:tt)*]
    ) => {
        fn $to_body($c: &$model_ty, $prior: Option<&$model_ty>) -> $body_ty {
            $body_ty { $($body)* }
        }

        fn $from_api($c: &$api_ty) -> $model_ty {
            $model_ty { $($model)* $($extra)* }
        }
    };
    (@next [$($header:tt)*] [$($body:tt)*] [$($model:tt)*]
        $(#[$doc:meta])* $field:ident : $ty:ty [read_only $($secret:ident)?] $(($default:ident))?,
        $($rest:tt)*
    ) => {
        conversions! { @next [$($header)*]
            [$($body)*]
            [$($model)* $field: conversions!(@model [read_only $($secret)?] [$($header)*] $field),]
            $($rest)* }
    };
    (@next [$($header:tt)*] [$($body:tt)*] [$($model:tt)*]
        $(#[$doc:meta])* $field:ident : $ty:ty [$kind:ident] $(($default:ident))?, $($rest:tt)*
    ) => {
        conversions! { @next [$($header)*]
            [$($body)* $field: conversions!(@body $kind [$($header)*] $field),]
            [$($model)* $field: conversions!(@model [$kind] [$($header)*] $field),]
            $($rest)* }
    };
    (@body $kind:ident [$a:ident, $b:ident, $m:ident, $w:ident, $r:ident, $c:ident, $prior:ident,
        $extra:tt] $field:ident) => {
        field(&$c.$field, $prior.map(|p| &p.$field), conversions!(@to_api $kind))
    };
    (@to_api secret) => { |s: &SecretString| s.expose().to_owned() };
    (@to_api prompt) => { |p: &String| canonical(p, &PROMPTS).to_owned() };
    (@to_api identity_update_behavior) => {
        |b: &String| canonical(b, &IDENTITY_UPDATE_BEHAVIORS).to_owned()
    };
    (@to_api header_attributes) => {
        |items: &Vec<HeaderAttributeModel>| items.iter().map(header_attribute_body).collect()
    };
    (@to_api plain) => { Clone::clone };
    (@model [$(read_only)? secret] [$a:ident, $b:ident, $m:ident, $w:ident, $r:ident,
        $c:ident, $prior:ident, $extra:tt] $field:ident) => {
        Attr::from_option($c.$field.clone().map(SecretString::new))
    };
    (@model [header_attributes] [$a:ident, $b:ident, $m:ident, $w:ident, $r:ident, $c:ident,
        $prior:ident, $extra:tt] $field:ident) => {
        Attr::from_option(
            $c.$field
                .as_ref()
                .map(|items| items.iter().map(header_attribute_from_api).collect()),
        )
    };
    (@model [$($kind:ident)*] [$a:ident, $b:ident, $m:ident, $w:ident, $r:ident, $c:ident,
        $prior:ident, $extra:tt] $field:ident) => {
        Attr::from_option($c.$field.clone())
    };
}

// `client_secret_wo` is sent as `client_secret` (see `body`) and never read back;
// `client_secret_wo_version` is Terraform's alone, and the state keeps the planned value (see
// `normalize`).
crate::identity_provider_config_fields!(conversions! {
    @next [config_body, config_from_api, ConfigModel, IdentityProviderConfigBody,
        IdentityProviderConfig, c, prior,
        [client_secret_wo: Attr::Null, client_secret_wo_version: Attr::Null,]]
    [] []
});

// `scim_base_url` and `secret` are Cloudflare's and never sent.
crate::identity_provider_scim_fields!(conversions! {
    @next [scim_body, scim_from_api, ScimConfigModel, ScimConfigBody, ScimConfig, s, prior, []]
    [] []
});

fn header_attribute_from_api(h: &HeaderAttribute) -> HeaderAttributeModel {
    HeaderAttributeModel {
        attribute_name: Attr::from_option(h.attribute_name.clone()),
        header_name: Attr::from_option(h.header_name.clone()),
    }
}

fn header_attribute_body(item: &HeaderAttributeModel) -> HeaderAttribute {
    HeaderAttribute {
        attribute_name: item.attribute_name.known().cloned(),
        header_name: item.header_name.known().cloned(),
    }
}

/// The model of an API object, exactly as the API shows it (no normalization). `account_id`
/// and `zone_id` come from `scope`, since the API object does not carry them.
pub fn from_api(api: &IdentityProvider, scope: &Scope) -> IdentityProviderModel {
    let (account_id, zone_id) = match scope {
        Scope::Account(id) => (Attr::Known(id.clone()), Attr::Null),
        Scope::Zone(id) => (Attr::Null, Attr::Known(id.clone())),
    };
    IdentityProviderModel {
        id: Attr::from_option(api.id.clone()),
        account_id,
        zone_id,
        name: Attr::from_option(api.name.clone()),
        kind: Attr::from_option(api.kind.clone()),
        config: Attr::Known(config_from_api(&api.config)),
        saml_certificate_set_id: Attr::from_option(api.saml_certificate_set_id.clone()),
        scim_config: Attr::from_option(api.scim_config.as_ref().map(scim_from_api)),
        read_only: Attr::from_option(api.read_only),
        saml_certificate_set: api
            .saml_certificate_set
            .as_ref()
            .map_or(Attr::Null, saml_certificate_set_from_api),
    }
}

/// A JSON scalar as text (the certificate set's fields are strings, but nothing is lost if the
/// API ever sends a number).
fn json_text(value: &serde_json::Value) -> Attr<String> {
    match value {
        serde_json::Value::Null => Attr::Null,
        serde_json::Value::String(s) => Attr::Known(s.clone()),
        other => Attr::Known(other.to_string()),
    }
}

fn saml_certificate_set_from_api(json: &serde_json::Value) -> Attr<SamlCertificateSetModel> {
    let serde_json::Value::Object(set) = json else {
        return Attr::Null;
    };
    let get = |key: &str| set.get(key).unwrap_or(&serde_json::Value::Null);
    let current = match get("current_certificate") {
        serde_json::Value::Object(cert) => {
            let get = |key: &str| cert.get(key).unwrap_or(&serde_json::Value::Null);
            Attr::Known(SamlCertificateModel {
                is_current: Attr::from_option(get("is_current").as_bool()),
                not_after: json_text(get("not_after")),
                public_certificate: json_text(get("public_certificate")),
                uid: json_text(get("uid")),
            })
        }
        _ => Attr::Null,
    };
    Attr::Known(SamlCertificateSetModel {
        created_at: json_text(get("created_at")),
        current_certificate: current,
        // Kept as normalized JSON text (serde_json writes object keys sorted), like v5.
        previous_certificate: match get("previous_certificate") {
            serde_json::Value::Null => Attr::Null,
            other => Attr::Known(other.to_string()),
        },
        uid: json_text(get("uid")),
        updated_at: json_text(get("updated_at")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn known_config(config: ConfigModel) -> Attr<ConfigModel> {
        Attr::Known(config)
    }

    fn azure_plan() -> IdentityProviderModel {
        IdentityProviderModel {
            id: Attr::Unknown,
            account_id: Attr::Known("acc".into()),
            name: Attr::Known("Azure".into()),
            kind: Attr::Known("azuread".into()),
            config: known_config(ConfigModel {
                client_id: Attr::Known("cid".into()),
                client_secret: Attr::Known(SecretString::new("csecret")),
                directory_id: Attr::Known("tenant".into()),
                prompt: Attr::Known("LOGIN".into()),
                claims: Attr::Known(vec!["email".into()]),
                support_groups: Attr::Null,
                enable_encryption: Attr::Unknown,
                redirect_url: Attr::Unknown,
                ..ConfigModel::default()
            }),
            scim_config: Attr::Known(ScimConfigModel {
                enabled: Attr::Known(true),
                identity_update_behavior: Attr::Known("Automatic".into()),
                seat_deprovision: Attr::Known(false),
                user_deprovision: Attr::Known(false),
                scim_base_url: Attr::Unknown,
                secret: Attr::Unknown,
            }),
            saml_certificate_set: Attr::Unknown,
            ..IdentityProviderModel::default()
        }
    }

    fn json_of(body: &IdentityProviderBody) -> serde_json::Value {
        serde_json::to_value(body).unwrap()
    }

    #[test]
    fn post_omits_nulls_unknowns_and_computed_and_canonicalizes() {
        let body = json_of(&create_body(&azure_plan(), &azure_plan()));
        assert_eq!(
            body,
            json!({
                "name": "Azure",
                "type": "azureAD",
                "config": {
                    "client_id": "cid",
                    "client_secret": "csecret",
                    "directory_id": "tenant",
                    "prompt": "login",
                    "claims": ["email"],
                },
                "scim_config": {
                    "enabled": true,
                    "identity_update_behavior": "automatic",
                    "seat_deprovision": false,
                    "user_deprovision": false,
                },
            })
        );
    }

    #[test]
    fn put_sends_explicit_nulls_for_removed_attributes() {
        let mut prior = azure_plan();
        prior.read_only = Attr::Known(false);
        if let Attr::Known(config) = &mut prior.config {
            config.support_groups = Attr::Known(true);
            config.email_claim_name = Attr::Known("mail".into());
            config.redirect_url = Attr::Known("https://team.cloudflareaccess.com/cb".into());
        }
        let mut planned = azure_plan();
        if let Attr::Known(config) = &mut planned.config {
            config.claims = Attr::Null;
            config.redirect_url = Attr::Known("https://team.cloudflareaccess.com/cb".into());
        }
        if let Attr::Known(config) = &mut prior.config {
            config.claims = Attr::Known(vec!["email".into()]);
        }
        let body = json_of(&update_body(&planned, &prior, &planned));
        let config = &body["config"];
        assert_eq!(config["support_groups"], serde_json::Value::Null);
        assert!(config.as_object().unwrap().contains_key("support_groups"));
        assert!(config.as_object().unwrap().contains_key("email_claim_name"));
        assert!(config.as_object().unwrap().contains_key("claims"));
        assert_eq!(config["claims"], serde_json::Value::Null);
        assert!(!config.as_object().unwrap().contains_key("redirect_url"));
        // Null in both: left out.
        assert!(!config.as_object().unwrap().contains_key("okta_account"));
        assert_eq!(body["read_only"], serde_json::Value::Null);
        assert!(body.as_object().unwrap().contains_key("read_only"));
        assert_eq!(config["client_secret"], "csecret");
    }

    #[test]
    fn put_clears_scim_config_removed_from_a_known_plan() {
        let prior = azure_plan();
        let mut planned = azure_plan();
        planned.scim_config = Attr::Null;
        let body = json_of(&update_body(&planned, &prior, &planned));
        assert_eq!(body["scim_config"], serde_json::Value::Null);
        assert!(body.as_object().unwrap().contains_key("scim_config"));
    }

    /// A GitHub configuration that gives its secret only in the write-only form, and the plan
    /// Terraform makes of it (write-only attributes are null in a plan).
    fn write_only_github(
        secret: &str,
        version: &str,
    ) -> (IdentityProviderModel, IdentityProviderModel) {
        let config = IdentityProviderModel {
            account_id: Attr::Known("acc".into()),
            name: Attr::Known("GitHub".into()),
            kind: Attr::Known("github".into()),
            config: known_config(ConfigModel {
                client_id: Attr::Known("cid".into()),
                client_secret_wo: Attr::Known(SecretString::new(secret)),
                client_secret_wo_version: Attr::Known(version.into()),
                ..ConfigModel::default()
            }),
            ..IdentityProviderModel::default()
        };
        let mut planned = config.clone();
        if let Attr::Known(c) = &mut planned.config {
            c.client_secret_wo = Attr::Null;
        }
        planned.id = Attr::Unknown;
        (config, planned)
    }

    #[test]
    fn post_sends_the_write_only_secret_from_configuration() {
        let (config, planned) = write_only_github("wo-secret-1", "1");
        let body = json_of(&create_body(&planned, &config));
        assert_eq!(
            body,
            json!({
                "name": "GitHub",
                "type": "github",
                "config": {"client_id": "cid", "client_secret": "wo-secret-1"},
            })
        );
        // Without it in configuration nothing is sent: the plan alone never has it.
        let body = json_of(&create_body(&planned, &planned));
        assert!(!body["config"]
            .as_object()
            .unwrap()
            .contains_key("client_secret"));
    }

    #[test]
    fn put_sends_the_write_only_secret_from_configuration() {
        let (_, prior) = write_only_github("old", "1");
        let (config, planned) = write_only_github("wo-secret-2", "2");
        let body = json_of(&update_body(&planned, &prior, &config));
        assert_eq!(body["config"]["client_secret"], "wo-secret-2");
        assert!(!body["config"]
            .as_object()
            .unwrap()
            .contains_key("client_secret_wo"));
        assert!(!body["config"]
            .as_object()
            .unwrap()
            .contains_key("client_secret_wo_version"));

        // Moving from client_secret to client_secret_wo: the new secret replaces the explicit
        // null that removing client_secret would send.
        let mut prior = prior;
        if let Attr::Known(c) = &mut prior.config {
            c.client_secret = Attr::Known(SecretString::new("plain"));
        }
        let body = json_of(&update_body(&planned, &prior, &config));
        assert_eq!(body["config"]["client_secret"], "wo-secret-2");
    }

    #[test]
    fn the_write_only_secret_never_reaches_state() {
        let api: IdentityProvider = serde_json::from_value(json!({
            "id": "idp-1", "name": "GitHub", "type": "github",
            "config": {"client_id": "cid", "client_secret": "wo-secret-1"}
        }))
        .unwrap();
        let model = from_api(&api, &Scope::Account("acc".into()));
        let config = model.config.known().unwrap();
        assert!(config.client_secret_wo.is_null());
        assert!(config.client_secret_wo_version.is_null());
    }

    #[test]
    fn scope_prefers_account() {
        let mut model = azure_plan();
        assert_eq!(scope_of(&model), Some(Scope::Account("acc".into())));
        model.account_id = Attr::Null;
        model.zone_id = Attr::Known("zone".into());
        assert_eq!(scope_of(&model), Some(Scope::Zone("zone".into())));
        model.zone_id = Attr::Null;
        assert_eq!(scope_of(&model), None);
    }

    #[test]
    fn api_objects_become_models() {
        let api: IdentityProvider = serde_json::from_value(json!({
            "id": "idp-1",
            "name": "SAML",
            "type": "saml",
            "uid": "ignored",
            "config": {
                "issuer_url": "https://idp",
                "header_attributes": [{"attribute_name": "group", "header_name": "X-Group"}],
                "sign_request": false,
                "redirect_url": "https://team.cloudflareaccess.com/cdn-cgi/access/callback"
            },
            "scim_config": {"enabled": false, "identity_update_behavior": "no_action",
                            "seat_deprovision": false, "user_deprovision": false,
                            "scim_base_url": "https://scim"},
            "read_only": false,
            "saml_certificate_set": {
                "created_at": "2026-01-01T00:00:00Z",
                "uid": "set-1",
                "current_certificate": {"is_current": true, "uid": "c1",
                                        "not_after": "2027-01-01T00:00:00Z",
                                        "public_certificate": "PEM"},
                "previous_certificate": {"uid": "c0", "is_current": false}
            }
        }))
        .unwrap();
        let model = from_api(&api, &Scope::Zone("zone".into()));
        assert_eq!(model.zone_id, Attr::Known("zone".into()));
        assert!(model.account_id.is_null());
        let config = model.config.known().unwrap();
        assert_eq!(
            config.header_attributes.known().unwrap()[0].header_name,
            Attr::Known("X-Group".into())
        );
        assert_eq!(config.sign_request, Attr::Known(false));
        assert!(config.client_secret.is_null());
        let set = model.saml_certificate_set.known().unwrap();
        assert_eq!(set.uid, Attr::Known("set-1".into()));
        assert!(set.updated_at.is_null());
        assert_eq!(
            set.previous_certificate,
            Attr::Known(r#"{"is_current":false,"uid":"c0"}"#.into())
        );
        assert_eq!(
            set.current_certificate.known().unwrap().is_current,
            Attr::Known(true)
        );
        // The model encodes to a value of the schema's shape.
        assert!(model.to_value().is_wholly_known());
    }
}
