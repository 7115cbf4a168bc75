//! Every request-body rule: exact status, code and the field named in the message.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{minimal, Api, TYPES};

/// Fields shared by every OAuth/OIDC-style type.
const OAUTH: [&str; 5] = [
    "client_id",
    "client_secret",
    "pkce_enabled",
    "claims",
    "email_claim_name",
];

/// The config fields each type accepts (besides `redirect_url`), written out independently of the
/// mock's own table.
fn accepted(kind: &str) -> Vec<&'static str> {
    let own: &[&str] = match kind {
        "onetimepin" => &[],
        "cloudflare" => &["restrict_to_account_members"],
        "github" | "facebook" | "linkedin" | "yandex" | "google" => &[],
        "google-apps" => &["apps_domain"],
        "azureAD" => &[
            "conditional_access_enabled",
            "directory_id",
            "prompt",
            "support_groups",
        ],
        "okta" => &["okta_account", "authorization_server_id"],
        "onelogin" => &["onelogin_account"],
        "pingone" => &["ping_env_id"],
        "centrify" => &["centrify_account", "centrify_app_id"],
        "oidc" => &["auth_url", "token_url", "certs_url", "scopes"],
        "saml" => &[
            "issuer_url",
            "sso_target_url",
            "idp_public_certs",
            "attributes",
            "email_attribute_name",
            "header_attributes",
            "sign_request",
            "enable_encryption",
        ],
        other => panic!("unknown type {other}"),
    };
    let oauth = !matches!(kind, "onetimepin" | "cloudflare" | "saml");
    let mut fields: Vec<&str> = if oauth { OAUTH.to_vec() } else { Vec::new() };
    fields.extend_from_slice(own);
    fields
}

/// Every config field with a valid sample value.
fn sample_values() -> Vec<(&'static str, Value)> {
    vec![
        ("client_id", json!("cid")),
        ("client_secret", json!("csecret")),
        ("claims", json!(["email", "groups"])),
        ("email_claim_name", json!("email")),
        ("pkce_enabled", json!(true)),
        ("conditional_access_enabled", json!(true)),
        ("directory_id", json!("dir")),
        ("prompt", json!("login")),
        ("support_groups", json!(true)),
        ("centrify_account", json!("https://acme.my.centrify.com")),
        ("centrify_app_id", json!("app")),
        ("apps_domain", json!("example.com")),
        ("auth_url", json!("https://idp/auth")),
        ("token_url", json!("https://idp/token")),
        ("certs_url", json!("https://idp/certs")),
        ("scopes", json!(["openid", "email"])),
        ("authorization_server_id", json!("aus1")),
        ("okta_account", json!("https://acme.okta.com")),
        ("onelogin_account", json!("https://acme.onelogin.com")),
        ("ping_env_id", json!("env")),
        ("issuer_url", json!("https://idp/issuer")),
        ("sso_target_url", json!("https://idp/sso")),
        ("idp_public_certs", json!(["MIIC..."])),
        ("attributes", json!(["email"])),
        ("email_attribute_name", json!("mail")),
        (
            "header_attributes",
            json!([{"attribute_name": "dept", "header_name": "X-Dept"}]),
        ),
        ("sign_request", json!(true)),
        ("enable_encryption", json!(true)),
        ("restrict_to_account_members", json!(true)),
    ]
}

fn with_config(kind: &str, field: &str, value: Value) -> Value {
    let mut body = minimal(kind);
    body["config"][field] = value;
    body
}

#[tokio::test]
async fn every_type_is_created_from_its_minimal_body() {
    let api = Api::start().await;
    for kind in TYPES {
        let reply = api.create(minimal(kind)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{kind}: {reply:?}");
        assert_eq!(reply.result()["type"], kind);
        assert_eq!(reply.result()["name"], format!("{kind} login"));
    }
    assert_eq!(api.control().object_count(), 15);
}

#[tokio::test]
async fn type_must_be_one_of_fifteen_case_sensitive_values() {
    let api = Api::start().await;
    for wrong in [
        "AzureAD",
        "azuread",
        "GitHub",
        "SAML",
        "google_apps",
        "ldap",
        "",
    ] {
        let mut body = minimal("github");
        body["type"] = json!(wrong);
        api.create(body).await.invalid("type must be one of");
    }
    let mut body = minimal("github");
    body["type"] = json!(7);
    api.create(body).await.invalid("type must be a string");
    assert_eq!(api.control().object_count(), 0);
}

#[tokio::test]
async fn name_type_and_config_are_required() {
    let api = Api::start().await;
    for (key, needle) in [
        ("name", "name is required"),
        ("type", "type is required"),
        ("config", "config is required"),
    ] {
        let mut body = minimal("github");
        body.as_object_mut().unwrap().remove(key);
        api.create(body.clone()).await.invalid(needle);
        body[key] = Value::Null;
        api.create(body).await.invalid(needle);
    }
    let mut body = minimal("github");
    body["name"] = json!("  ");
    api.create(body).await.invalid("name must not be empty");
    let mut body = minimal("github");
    body["name"] = json!(["x"]);
    api.create(body).await.invalid("name must be a string");
    let mut body = minimal("github");
    body["config"] = json!([]);
    api.create(body).await.invalid("config must be an object");
}

#[tokio::test]
async fn each_required_config_field_is_enforced_per_type() {
    let api = Api::start().await;
    let required: [(&str, &[&str]); 15] = [
        ("onetimepin", &[]),
        ("cloudflare", &[]),
        ("github", &["client_id", "client_secret"]),
        ("facebook", &["client_id", "client_secret"]),
        ("linkedin", &["client_id", "client_secret"]),
        ("yandex", &["client_id", "client_secret"]),
        ("google", &["client_id", "client_secret"]),
        (
            "google-apps",
            &["client_id", "client_secret", "apps_domain"],
        ),
        ("azureAD", &["client_id", "client_secret", "directory_id"]),
        ("okta", &["client_id", "client_secret", "okta_account"]),
        (
            "onelogin",
            &["client_id", "client_secret", "onelogin_account"],
        ),
        ("pingone", &["client_id", "client_secret", "ping_env_id"]),
        (
            "centrify",
            &[
                "client_id",
                "client_secret",
                "centrify_account",
                "centrify_app_id",
            ],
        ),
        (
            "oidc",
            &[
                "client_id",
                "client_secret",
                "auth_url",
                "token_url",
                "certs_url",
            ],
        ),
        (
            "saml",
            &["issuer_url", "sso_target_url", "idp_public_certs"],
        ),
    ];
    for (kind, fields) in required {
        let minimal_keys: Vec<String> = minimal(kind)["config"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            minimal_keys.len(),
            fields.len(),
            "{kind}: the minimal body is exactly the required set"
        );
        for field in fields {
            let needle = format!("config.{field} is required for type {kind}");
            let mut missing = minimal(kind);
            missing["config"].as_object_mut().unwrap().remove(*field);
            api.create(missing).await.invalid(&needle);
            let empty = if *field == "idp_public_certs" {
                json!([])
            } else {
                json!("")
            };
            api.create(with_config(kind, field, empty))
                .await
                .invalid(&needle);
            api.create(with_config(kind, field, Value::Null))
                .await
                .invalid(&needle);
        }
    }
    assert_eq!(api.control().object_count(), 0);
}

#[tokio::test]
async fn config_fields_are_accepted_only_for_their_types() {
    let api = Api::start().await;
    api.control().set_rate_limit(None);
    for kind in TYPES {
        let accepted = accepted(kind);
        for (field, value) in sample_values() {
            let body = with_config(kind, field, value);
            if accepted.contains(&field) {
                let reply = api.create(body).await;
                assert_eq!(
                    reply.status,
                    StatusCode::CREATED,
                    "{kind}.{field}: {reply:?}"
                );
                let id = reply.result()["id"].as_str().unwrap().to_string();
                assert_eq!(api.delete(&id).await.status, StatusCode::ACCEPTED);
            } else {
                api.create(body)
                    .await
                    .invalid(&format!("config.{field} is not valid for type {kind}"));
            }
        }
    }
    assert_eq!(api.control().object_count(), 0);
}

#[tokio::test]
async fn redirect_url_may_be_sent_and_is_ignored() {
    let api = Api::start().await;
    for kind in TYPES {
        let reply = api
            .create(with_config(
                kind,
                "redirect_url",
                json!("https://elsewhere/cb"),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{kind}: {reply:?}");
        assert_eq!(
            reply.result()["config"]["redirect_url"],
            "https://mock-team.cloudflareaccess.com/cdn-cgi/access/callback"
        );
        api.delete(reply.result()["id"].as_str().unwrap()).await;
    }
    api.create(with_config("github", "redirect_url", json!(1)))
        .await
        .invalid("config.redirect_url must be a string");
}

#[tokio::test]
async fn unknown_fields_are_rejected() {
    let api = Api::start().await;
    api.create(with_config("github", "api_token", json!("x")))
        .await
        .invalid("config.api_token is not a known field");
    let mut body = minimal("github");
    body["colour"] = json!("blue");
    api.create(body).await.invalid("unknown field `colour`");
    let mut body = minimal("github");
    body["scim_config"] = json!({"group_member_deprovision": true});
    api.create(body)
        .await
        .invalid("scim_config.group_member_deprovision is not a known field");
    api.create(with_config(
        "saml",
        "header_attributes",
        json!([{"attribute_name": "a", "colour": "b"}]),
    ))
    .await
    .invalid("config.header_attributes[0].colour is not a known field");
}

#[tokio::test]
async fn prompt_and_identity_update_behavior_are_enumerations() {
    let api = Api::start().await;
    for prompt in ["login", "select_account", "none"] {
        let id = api
            .create_ok(with_config("azureAD", "prompt", json!(prompt)))
            .await;
        assert_eq!(api.get(&id).await.result()["config"]["prompt"], prompt);
    }
    for wrong in ["LOGIN", "consent", ""] {
        api.create(with_config("azureAD", "prompt", json!(wrong)))
            .await
            .invalid("config.prompt must be one of: login, select_account, none");
    }
    for behavior in ["automatic", "reauth", "no_action"] {
        let mut body = minimal("okta");
        body["scim_config"] = json!({"identity_update_behavior": behavior});
        let id = api.create_ok(body).await;
        assert_eq!(
            api.get(&id).await.result()["scim_config"]["identity_update_behavior"],
            behavior
        );
    }
    for wrong in ["Automatic", "never"] {
        let mut body = minimal("okta");
        body["scim_config"] = json!({"identity_update_behavior": wrong});
        api.create(body).await.invalid(
            "scim_config.identity_update_behavior must be one of: automatic, reauth, no_action",
        );
    }
}

#[tokio::test]
async fn seat_deprovision_needs_user_deprovision() {
    let api = Api::start().await;
    let mut body = minimal("okta");
    body["scim_config"] = json!({"enabled": true, "seat_deprovision": true});
    api.create(body.clone()).await.invalid("scim_config.seat_deprovision cannot be enabled unless scim_config.user_deprovision is also enabled");
    body["scim_config"]["user_deprovision"] = json!(false);
    api.create(body.clone()).await.invalid("seat_deprovision");
    body["scim_config"]["user_deprovision"] = json!(true);
    let id = api.create_ok(body).await;
    let scim = api.get(&id).await.result()["scim_config"].clone();
    assert_eq!(scim["seat_deprovision"], true);
    assert_eq!(scim["user_deprovision"], true);
}

#[tokio::test]
async fn onetimepin_refuses_scim_settings() {
    let api = Api::start().await;
    for scim in [
        json!({"enabled": true}),
        json!({"user_deprovision": true}),
        json!({"identity_update_behavior": "reauth"}),
    ] {
        let mut body = minimal("onetimepin");
        body["scim_config"] = scim;
        api.create(body)
            .await
            .invalid("scim_config cannot be set for type onetimepin");
    }
    // A scim_config that only repeats the defaults (as echoed from a response) is harmless.
    let mut body = minimal("onetimepin");
    body["scim_config"] = json!({"enabled": false, "identity_update_behavior": "no_action",
        "seat_deprovision": false, "user_deprovision": false});
    let id = api.create_ok(body).await;
    let mut update = minimal("onetimepin");
    update["scim_config"] = json!({"enabled": true});
    api.put(&id, update)
        .await
        .invalid("scim_config cannot be set for type onetimepin");
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_400_not_crashes() {
    let api = Api::start().await;
    let path = api.account_path("");
    for raw in [
        "",
        "{",
        "{\"name\":",
        "not json",
        "[]",
        "\"text\"",
        "null",
        "42",
        "{\"name\":\"a\",}",
    ] {
        let reply = api.send_raw(Method::POST, &path, raw).await;
        let message = reply.error(400, 12130);
        assert!(
            message.starts_with("access.api.error.invalid_request: "),
            "{raw:?}: {message}"
        );
    }
    let wrong_types: [(Value, &str); 12] = [
        (json!({"read_only": "yes"}), "read_only must be a boolean"),
        (
            json!({"saml_certificate_set_id": 5}),
            "saml_certificate_set_id must be a string",
        ),
        (
            json!({"scim_config": "on"}),
            "scim_config must be an object",
        ),
        (
            json!({"scim_config": {"enabled": "true"}}),
            "scim_config.enabled must be a boolean",
        ),
        (
            json!({"scim_config": {"user_deprovision": 1}}),
            "scim_config.user_deprovision must be a boolean",
        ),
        (
            json!({"scim_config": {"identity_update_behavior": 3}}),
            "scim_config.identity_update_behavior must be one of",
        ),
        (
            json!({"config": {"client_id": 5, "client_secret": "s"}}),
            "config.client_id must be a string",
        ),
        (
            json!({"config": {"client_id": "c", "client_secret": "s", "pkce_enabled": "true"}}),
            "config.pkce_enabled must be a boolean",
        ),
        (
            json!({"config": {"client_id": "c", "client_secret": "s", "claims": "email"}}),
            "config.claims must be an array of strings",
        ),
        (
            json!({"config": {"client_id": "c", "client_secret": "s", "claims": [1]}}),
            "config.claims must be an array of strings",
        ),
        (
            json!({"config": {"client_id": "c", "client_secret": "s", "email_claim_name": {}}}),
            "config.email_claim_name must be a string",
        ),
        (
            json!({"scim_config": {"secret": 5}}),
            "scim_config.secret must be a string",
        ),
    ];
    for (patch, needle) in wrong_types {
        let mut body = minimal("github");
        for (key, value) in patch.as_object().unwrap() {
            body[key] = value.clone();
        }
        api.create(body).await.invalid(needle);
    }
    let saml_wrong: [(&str, Value, &str); 4] = [
        (
            "header_attributes",
            json!({"a": "b"}),
            "config.header_attributes must be an array of objects",
        ),
        (
            "header_attributes",
            json!(["x"]),
            "config.header_attributes[0] must be an object",
        ),
        (
            "header_attributes",
            json!([{"header_name": 1}]),
            "config.header_attributes[0].header_name must be a string",
        ),
        (
            "sign_request",
            json!("false"),
            "config.sign_request must be a boolean",
        ),
    ];
    for (field, value, needle) in saml_wrong {
        api.create(with_config("saml", field, value))
            .await
            .invalid(needle);
    }
    assert_eq!(api.control().object_count(), 0);
}

#[tokio::test]
async fn put_accepts_null_for_every_optional_field() {
    let api = Api::start().await;
    let mut full = minimal("saml");
    for (field, value) in sample_values() {
        if accepted("saml").contains(&field) {
            full["config"][field] = value;
        }
    }
    full["scim_config"] = json!({"enabled": true, "user_deprovision": true, "seat_deprovision": true,
        "identity_update_behavior": "automatic"});
    full["saml_certificate_set_id"] = json!("set-1");
    let id = api.create_ok(full).await;

    let mut nulls = minimal("saml");
    for field in accepted("saml") {
        if !["issuer_url", "sso_target_url", "idp_public_certs"].contains(&field) {
            nulls["config"][field] = Value::Null;
        }
    }
    nulls["config"]["redirect_url"] = Value::Null;
    nulls["scim_config"] = json!({"enabled": null, "user_deprovision": null, "seat_deprovision": null,
        "identity_update_behavior": null, "scim_base_url": null, "secret": null});
    nulls["read_only"] = Value::Null;
    nulls["saml_certificate_set_id"] = Value::Null;
    let reply = api.put(&id, nulls).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let result = reply.result();
    let config = result["config"].as_object().unwrap();
    for gone in ["attributes", "email_attribute_name", "header_attributes"] {
        assert!(
            !config.contains_key(gone),
            "{gone} should be unset: {config:?}"
        );
    }
    // Unset booleans read back as false (see README).
    assert_eq!(config["sign_request"], false);
    assert_eq!(config["enable_encryption"], false);
    assert_eq!(result["scim_config"]["enabled"], false);
    assert_eq!(
        result["scim_config"]["identity_update_behavior"],
        "no_action"
    );
    assert!(result.get("saml_certificate_set_id").is_none());

    // Nulls are also fine for a whole scim_config and for a foreign field (null means unset).
    let mut body = minimal("github");
    body["scim_config"] = Value::Null;
    body["config"]["directory_id"] = Value::Null;
    assert_eq!(api.put(&id, body).await.status, StatusCode::OK);
}

#[tokio::test]
async fn second_onetimepin_per_owner_conflicts() {
    let api = Api::start().await;
    let first = api.create_ok(minimal("onetimepin")).await;
    let reply = api.create(minimal("onetimepin")).await;
    assert_eq!(
        reply.error(409, 12130),
        "access.api.error.conflict: a onetimepin connection already exists"
    );
    // Other owners have their own singleton.
    let zone = api
        .send(
            Method::POST,
            &api.zone_path(""),
            Some(minimal("onetimepin")),
        )
        .await;
    assert_eq!(zone.status, StatusCode::CREATED);
    // Turning another provider into a onetimepin conflicts too; updating the existing one does not.
    let github = api.create_ok(minimal("github")).await;
    api.put(&github, minimal("onetimepin"))
        .await
        .error(409, 12130);
    assert_eq!(
        api.put(&first, minimal("onetimepin")).await.status,
        StatusCode::OK
    );
    // Once deleted, a new one may be created.
    assert_eq!(api.delete(&first).await.status, StatusCode::ACCEPTED);
    assert_eq!(
        api.create(minimal("onetimepin")).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn read_only_providers_refuse_update_and_delete() {
    let api = Api::start().await;
    let id = api.control().insert(
        "accounts",
        cloudflare_mock::DEFAULT_ACCOUNT_ID,
        json!({"name": "", "type": "cloudflare", "read_only": true, "config": {}}),
    );
    let before = api.get(&id).await.result().clone();
    assert_eq!(before["read_only"], true);
    let mut rename = minimal("cloudflare");
    rename["read_only"] = json!(true);
    api.put(&id, rename).await.invalid("read only");
    api.delete(&id).await.invalid("read only");
    assert_eq!(api.get(&id).await.result(), &before);

    // A client may create a read-only provider; it is then locked the same way.
    let mut body = minimal("github");
    body["read_only"] = json!(true);
    let locked = api.create_ok(body).await;
    api.delete(&locked).await.invalid("read only");
}
