//! Create → update → import → destroy for each of the 15 identity-provider types, the registry
//! example as written, a zone-scoped identity provider, and replacement when `type` changes.

use super::*;
use crate::support::{Action, Case};
use serde_json::json;

/// The API's value of a config attribute after the update (null: removed).
pub type ExpectedValue = fn() -> Value;

/// One identity-provider type with a realistic configuration and an in-place update of it.
#[derive(Debug)]
pub struct TypeCase {
    pub kind: &'static str,
    /// The `config = ...` value at creation.
    pub create: &'static str,
    /// The `config = ...` value after the update (the name changes too).
    pub update: &'static str,
    /// The client secret the API must hold after create and after update.
    pub secrets: Option<(&'static str, &'static str)>,
    /// A config attribute the update changes, with its new value (null: removed).
    pub changed: Option<(&'static str, ExpectedValue)>,
}

pub const TYPES: &[TypeCase] = &[
    TypeCase {
        kind: "onetimepin",
        create: "{}",
        update: "{}",
        secrets: None,
        changed: None,
    },
    TypeCase {
        kind: "azureAD",
        create: r#"{
    client_id                  = "2ac9f4f6-7a3b-4a52-9b41-0c7e6d1f2a01"
    client_secret              = "azure-secret-v1-Qx7~pL"
    directory_id               = "8b1e5c3a-94d2-4f0b-a7c6-3e2d1f0a9b88"
    support_groups             = true
    conditional_access_enabled = false
    prompt                     = "select_account"
    claims                     = ["email", "groups"]
    email_claim_name           = "upn"
  }"#,
        update: r#"{
    client_id                  = "2ac9f4f6-7a3b-4a52-9b41-0c7e6d1f2a01"
    client_secret              = "azure-secret-v2-Rz8~mK"
    directory_id               = "8b1e5c3a-94d2-4f0b-a7c6-3e2d1f0a9b88"
    support_groups             = true
    conditional_access_enabled = false
    prompt                     = "login"
    claims                     = ["email", "groups"]
    email_claim_name           = "upn"
  }"#,
        secrets: Some(("azure-secret-v1-Qx7~pL", "azure-secret-v2-Rz8~mK")),
        changed: Some(("prompt", || json!("login"))),
    },
    TypeCase {
        kind: "saml",
        create: r#"{
    issuer_url           = "https://idp.example.com/saml/metadata"
    sso_target_url       = "https://idp.example.com/saml/sso"
    idp_public_certs     = ["MIIDpDCCAoygAwIBAgIGAXoJ8ZqKMA0GCSqGSIb3DQEBCwUAMIGSMQswCQYDVQQGEwJVUzET"]
    attributes           = ["email", "department"]
    email_attribute_name = "email"
    sign_request         = true
    header_attributes = [
      { attribute_name = "department", header_name = "Cf-Access-Department" },
    ]
  }"#,
        update: r#"{
    issuer_url           = "https://idp.example.com/saml/metadata"
    sso_target_url       = "https://idp.example.com/saml/sso/v2"
    idp_public_certs     = ["MIIDpDCCAoygAwIBAgIGAXoJ8ZqKMA0GCSqGSIb3DQEBCwUAMIGSMQswCQYDVQQGEwJVUzET"]
    attributes           = ["email", "department", "groups"]
    email_attribute_name = "email"
    sign_request         = true
    header_attributes = [
      { attribute_name = "department", header_name = "Cf-Access-Department" },
      { attribute_name = "groups", header_name = "Cf-Access-Groups" },
    ]
  }"#,
        secrets: None,
        changed: Some(("sso_target_url", || {
            json!("https://idp.example.com/saml/sso/v2")
        })),
    },
    TypeCase {
        kind: "centrify",
        create: r#"{
    client_id        = "centrify-client"
    client_secret    = "centrify-secret-v1"
    centrify_account = "https://abc1234.my.centrify.com/"
    centrify_app_id  = "cloudflare-access"
  }"#,
        update: r#"{
    client_id        = "centrify-client"
    client_secret    = "centrify-secret-v1"
    centrify_account = "https://abc1234.my.centrify.com/"
    centrify_app_id  = "cloudflare-access-v2"
    claims           = ["email", "roles"]
  }"#,
        secrets: Some(("centrify-secret-v1", "centrify-secret-v1")),
        changed: Some(("centrify_app_id", || json!("cloudflare-access-v2"))),
    },
    TypeCase {
        kind: "facebook",
        create: r#"{
    client_id     = "1234567890123456"
    client_secret = "facebook-secret-v1"
  }"#,
        update: r#"{
    client_id     = "6543210987654321"
    client_secret = "facebook-secret-v1"
  }"#,
        secrets: Some(("facebook-secret-v1", "facebook-secret-v1")),
        changed: Some(("client_id", || json!("6543210987654321"))),
    },
    TypeCase {
        kind: "github",
        create: r#"{
    client_id     = "Iv1.8a61f9b3a7aba766"
    client_secret = "github-secret-v1-0f6e2d"
  }"#,
        update: r#"{
    client_id     = "Iv1.1b2c3d4e5f607182"
    client_secret = "github-secret-v2-9a8b7c"
  }"#,
        secrets: Some(("github-secret-v1-0f6e2d", "github-secret-v2-9a8b7c")),
        changed: Some(("client_id", || json!("Iv1.1b2c3d4e5f607182"))),
    },
    TypeCase {
        kind: "google-apps",
        create: r#"{
    client_id        = "1234-abcdef.apps.googleusercontent.com"
    client_secret    = "GOCSPX-google-apps-v1"
    apps_domain      = "example.com"
    claims           = ["email", "hd"]
    email_claim_name = "email"
  }"#,
        update: r#"{
    client_id        = "1234-abcdef.apps.googleusercontent.com"
    client_secret    = "GOCSPX-google-apps-v1"
    apps_domain      = "corp.example.com"
    claims           = ["email", "hd"]
    email_claim_name = "email"
  }"#,
        secrets: Some(("GOCSPX-google-apps-v1", "GOCSPX-google-apps-v1")),
        changed: Some(("apps_domain", || json!("corp.example.com"))),
    },
    TypeCase {
        kind: "google",
        create: r#"{
    client_id        = "5678-ghijkl.apps.googleusercontent.com"
    client_secret    = "GOCSPX-google-v1"
    email_claim_name = "email"
  }"#,
        update: r#"{
    client_id        = "5678-ghijkl.apps.googleusercontent.com"
    client_secret    = "GOCSPX-google-v1"
    email_claim_name = "email"
    claims           = ["email", "profile"]
  }"#,
        secrets: Some(("GOCSPX-google-v1", "GOCSPX-google-v1")),
        changed: Some(("claims", || json!(["email", "profile"]))),
    },
    TypeCase {
        kind: "linkedin",
        create: r#"{
    client_id     = "86abcdefghijkl"
    client_secret = "linkedin-secret-v1"
  }"#,
        update: r#"{
    client_id     = "86lkjihgfedcba"
    client_secret = "linkedin-secret-v1"
  }"#,
        secrets: Some(("linkedin-secret-v1", "linkedin-secret-v1")),
        changed: Some(("client_id", || json!("86lkjihgfedcba"))),
    },
    TypeCase {
        kind: "oidc",
        create: r#"{
    client_id        = "oidc-client-0001"
    client_secret    = "oidc-secret-v1"
    auth_url         = "https://sso.example.com/oauth2/v1/authorize"
    token_url        = "https://sso.example.com/oauth2/v1/token"
    certs_url        = "https://sso.example.com/oauth2/v1/keys"
    scopes           = ["openid", "email", "profile"]
    pkce_enabled     = true
    claims           = ["groups"]
    email_claim_name = "email"
  }"#,
        update: r#"{
    client_id        = "oidc-client-0001"
    client_secret    = "oidc-secret-v1"
    auth_url         = "https://sso.example.com/oauth2/v1/authorize"
    token_url        = "https://sso.example.com/oauth2/v1/token"
    certs_url        = "https://sso.example.com/oauth2/v1/keys"
    scopes           = ["openid", "email", "profile", "groups"]
    pkce_enabled     = false
    claims           = ["groups"]
    email_claim_name = "email"
  }"#,
        secrets: Some(("oidc-secret-v1", "oidc-secret-v1")),
        changed: Some(("scopes", || json!(["openid", "email", "profile", "groups"]))),
    },
    TypeCase {
        kind: "okta",
        create: r#"{
    client_id               = "0oa1b2c3d4e5f6g7h8i9"
    client_secret           = "okta-secret-v1"
    okta_account            = "https://dev-123456.okta.com"
    authorization_server_id = "aus1a2b3c4d5e6f7g8h9"
  }"#,
        update: r#"{
    client_id     = "0oa1b2c3d4e5f6g7h8i9"
    client_secret = "okta-secret-v1"
    okta_account  = "https://dev-123456.okta.com"
  }"#,
        secrets: Some(("okta-secret-v1", "okta-secret-v1")),
        changed: Some(("authorization_server_id", || Value::Null)),
    },
    TypeCase {
        kind: "onelogin",
        create: r#"{
    client_id        = "onelogin-client"
    client_secret    = "onelogin-secret-v1"
    onelogin_account = "https://example.onelogin.com"
  }"#,
        update: r#"{
    client_id        = "onelogin-client"
    client_secret    = "onelogin-secret-v1"
    onelogin_account = "https://corp.onelogin.com"
  }"#,
        secrets: Some(("onelogin-secret-v1", "onelogin-secret-v1")),
        changed: Some(("onelogin_account", || json!("https://corp.onelogin.com"))),
    },
    TypeCase {
        kind: "pingone",
        create: r#"{
    client_id     = "pingone-client"
    client_secret = "pingone-secret-v1"
    ping_env_id   = "342b5d9b-4f61-4d3e-8a2b-5c6d7e8f9a0b"
  }"#,
        update: r#"{
    client_id     = "pingone-client"
    client_secret = "pingone-secret-v1"
    ping_env_id   = "9f8e7d6c-5b4a-4321-8fed-cba987654321"
  }"#,
        secrets: Some(("pingone-secret-v1", "pingone-secret-v1")),
        changed: Some(("ping_env_id", || {
            json!("9f8e7d6c-5b4a-4321-8fed-cba987654321")
        })),
    },
    TypeCase {
        kind: "yandex",
        create: r#"{
    client_id     = "yandex-client-v1"
    client_secret = "yandex-secret-v1"
  }"#,
        update: r#"{
    client_id     = "yandex-client-v2"
    client_secret = "yandex-secret-v1"
  }"#,
        secrets: Some(("yandex-secret-v1", "yandex-secret-v1")),
        changed: Some(("client_id", || json!("yandex-client-v2"))),
    },
    TypeCase {
        kind: "cloudflare",
        create: r#"{
    restrict_to_account_members = false
  }"#,
        update: r#"{
    restrict_to_account_members = true
  }"#,
        secrets: None,
        changed: Some(("restrict_to_account_members", || json!(true))),
    },
];

/// The table entry for `kind`.
pub fn type_case(kind: &str) -> &'static TypeCase {
    TYPES
        .iter()
        .find(|case| case.kind == kind)
        .unwrap_or_else(|| panic!("no test case for type {kind}"))
}

/// The whole lifecycle of one type, in the order terraform-plugin-testing's basic test walks it:
/// create, update in place (a new name and a changed config attribute), import by CLI and by
/// import block; the harness adds the empty-plan and state-against-API checks after each apply,
/// and the destroy and empty-mock check at the end.
fn lifecycle(kind: &'static str) {
    let case = type_case(kind);
    let created_name = format!("{kind} login");
    let updated_name = format!("{kind} login (renamed)");
    Case::new().run(|t| {
        vec![
            Step::apply(single(t, &created_name, kind, case.create))
                .expect(ADDRESS, Action::Create)
                .check_plan(|_, plan| {
                    assert_resource_type(plan, ADDRESS);
                    assert!(
                        plan.change(ADDRESS).unknown_paths().contains("id"),
                        "{plan}"
                    );
                })
                .expect_value(ADDRESS, "name", created_name.as_str())
                .expect_value(ADDRESS, "type", kind)
                .expect_value(ADDRESS, "account_id", t.account_id.as_str())
                .expect_no_value(ADDRESS, "zone_id")
                .check(move |t, step| {
                    let id = state_id(t, ADDRESS);
                    let values = step.values(ADDRESS);
                    assert!(
                        values["config"]["redirect_url"]
                            .as_str()
                            .is_some_and(|url| url.ends_with("/cdn-cgi/access/callback")),
                        "redirect_url should come from the API: {values:#}"
                    );
                    let control = t.mock.control();
                    assert_eq!(control.object_count(), 1);
                    if let Some((first, _)) = case.secrets {
                        assert_eq!(control.client_secret(&id).as_deref(), Some(first));
                        assert_eq!(
                            values["config"]["client_secret"], first,
                            "the configured secret stays in state"
                        );
                    }
                }),
            Step::apply(single(t, &updated_name, kind, case.update))
                .expect(ADDRESS, Action::Update)
                .check_plan(|_, plan| {
                    let change = plan.change(ADDRESS);
                    assert!(
                        change.unknown_paths().is_empty(),
                        "an update of name and config should know every value at plan time: \
                         {:?}\n{plan}",
                        change.unknown_paths()
                    );
                })
                .check(move |t, step| {
                    let id = step.previous_values(ADDRESS)["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    assert_eq!(
                        step.plan().change(ADDRESS).after["id"],
                        id.as_str(),
                        "the plan keeps the id"
                    );
                    assert_eq!(state_id(t, ADDRESS), id, "updated in place, not replaced");
                    let object = api_object(t, &id);
                    assert_eq!(object["name"], updated_name.as_str());
                    if let Some((field, expected)) = case.changed {
                        let expected = expected();
                        assert_eq!(
                            object["config"][field], expected,
                            "API config.{field}: {object:#}"
                        );
                        assert_eq!(
                            step.values(ADDRESS)["config"][field],
                            expected,
                            "state config.{field}"
                        );
                    }
                    let control = t.mock.control();
                    if let Some((_, second)) = case.secrets {
                        assert_eq!(control.client_secret(&id).as_deref(), Some(second));
                    }
                    assert_eq!(control.object_count(), 1);
                }),
            import_step(ADDRESS),
        ]
    });
}

macro_rules! lifecycle_tests {
    ($($test:ident => $kind:literal,)+) => {
        $(
            #[test]
            fn $test() {
                lifecycle($kind);
            }
        )+

        /// Every type in the table has a test, and the table covers every type.
        #[test]
        fn every_type_has_a_lifecycle_test() {
            let tested = [$($kind),+];
            let table: Vec<&str> = TYPES.iter().map(|case| case.kind).collect();
            assert_eq!(tested.to_vec(), table);
            let accepted: std::collections::BTreeSet<&str> =
                terraform_provider_cloudflare::resources::zero_trust_access_identity_provider::schema::TYPES
                    .into_iter()
                    .collect();
            assert_eq!(tested.into_iter().collect::<std::collections::BTreeSet<_>>(), accepted);
        }
    };
}

lifecycle_tests! {
    lifecycle_onetimepin => "onetimepin",
    lifecycle_azure_ad => "azureAD",
    lifecycle_saml => "saml",
    lifecycle_centrify => "centrify",
    lifecycle_facebook => "facebook",
    lifecycle_github => "github",
    lifecycle_google_apps => "google-apps",
    lifecycle_google => "google",
    lifecycle_linkedin => "linkedin",
    lifecycle_oidc => "oidc",
    lifecycle_okta => "okta",
    lifecycle_onelogin => "onelogin",
    lifecycle_pingone => "pingone",
    lifecycle_yandex => "yandex",
    lifecycle_cloudflare => "cloudflare",
}

/// The registry example as users copy it: a one-time PIN login with an empty config.
#[test]
fn registry_example_onetimepin() {
    let address = "cloudflare_zero_trust_access_identity_provider.onetimepin_login";
    Case::new().run(|t| {
        vec![
            Step::apply(fixture(t, "onetimepin_seed.tf", &[]))
                .before(|t| {
                    let account_id = t.account_id.clone();
                    t.env("TF_VAR_cloudflare_account_id", &account_id);
                })
                .expect(address, Action::Create)
                .check(move |t, step| {
                    let values = step.values(address);
                    let id = state_id(t, address);
                    assert_eq!(values["name"], "One-time PIN login");
                    assert_eq!(values["type"], "onetimepin");
                    assert_eq!(values["account_id"], t.account_id.as_str());
                    // The mock's team is `mock-team` (MockConfig::default()).
                    assert_eq!(
                        values["config"]["redirect_url"],
                        "https://mock-team.cloudflareaccess.com/cdn-cgi/access/callback"
                    );
                    let object = api_object(t, &id);
                    assert_eq!(
                        object["config"]["redirect_url"],
                        values["config"]["redirect_url"]
                    );
                }),
            import_step(address),
        ]
    });
}

/// An identity provider that belongs to a zone: zone paths in the API, `zones/...` import IDs.
#[test]
fn zone_scoped_lifecycle() {
    let case = type_case("github");
    let zone_config = |t: &Acc, name: &str, config: &str| {
        fixture(
            t,
            "single.tf",
            &[
                ("owner_attribute", "zone_id"),
                ("owner_id", &t.zone_id),
                ("name", name),
                ("type", "github"),
                ("config", config),
            ],
        )
    };
    Case::new().run(|t| {
        vec![
            Step::apply(zone_config(t, "Zone GitHub", case.create))
                .expect(ADDRESS, Action::Create)
                .check(|t, step| {
                    let id = state_id(t, ADDRESS);
                    let values = step.values(ADDRESS);
                    assert_eq!(values["zone_id"], t.zone_id.as_str());
                    assert!(values["account_id"].is_null(), "{values:#}");
                    let object = api_object(t, &id);
                    assert_eq!(object["__scope"], "zones");
                    assert_eq!(object["__owner_id"], t.zone_id.as_str());
                }),
            Step::apply(zone_config(t, "Zone GitHub (renamed)", case.update))
                .expect(ADDRESS, Action::Update)
                .check(|t, step| {
                    let id = state_id(t, ADDRESS);
                    assert_eq!(step.previous_values(ADDRESS)["id"], id.as_str());
                    assert_eq!(api_object(t, &id)["name"], "Zone GitHub (renamed)");
                }),
            // The import ID is `zones/<zone_id>/<id>`, from the zone_id in state.
            import_step(ADDRESS).check(|t, step| {
                let imported = step.imported.as_ref().expect("an import step");
                assert_eq!(imported["zone_id"], t.zone_id.as_str());
                assert!(imported["account_id"].is_null(), "{imported:#}");
            }),
        ]
    });
}

/// `type` cannot change in place: the plan replaces the identity provider, and afterwards the
/// API holds exactly one object, of the new type.
#[test]
fn changing_type_replaces() {
    Case::new().run(|t| {
        vec![
            Step::apply(single(t, "Sign in", "github", type_case("github").create))
                .expect(ADDRESS, Action::Create),
            Step::apply(single(t, "Sign in", "google", type_case("google").create))
                .expect(ADDRESS, Action::DeleteThenCreate)
                .check_plan(|_, plan| {
                    assert_eq!(
                        plan.change(ADDRESS).replace_paths,
                        json!([["type"]]),
                        "only type forces the replacement:\n{plan}"
                    );
                })
                .check(|t, step| {
                    let new_id = state_id(t, ADDRESS);
                    assert_ne!(
                        step.previous_values(ADDRESS)["id"],
                        new_id.as_str(),
                        "a replacement creates a new identity provider"
                    );
                    let objects = t.mock.control().objects();
                    assert_eq!(objects.len(), 1, "{:#}", Value::Array(objects.clone()));
                    assert_eq!(objects[0]["id"], new_id.as_str());
                    assert_eq!(objects[0]["type"], "google");
                }),
        ]
    });
}
