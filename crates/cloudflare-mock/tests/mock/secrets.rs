//! Secret handling: client_secret is write-only; the SCIM secret is shown once; defaults.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{minimal, Api, TYPES};

#[tokio::test]
async fn client_secret_is_never_returned() {
    let api = Api::start().await;
    let create = api.create(minimal("okta")).await;
    assert_eq!(create.status, StatusCode::CREATED);
    let id = create.result()["id"].as_str().unwrap().to_string();
    let put = api.put(&id, minimal("okta")).await;
    let get = api.get(&id).await;
    let list = api.list("").await;
    for reply in [&create, &put, &get, &list] {
        let text = reply.body.to_string();
        assert!(!text.contains("client_secret"), "{text}");
        assert!(!text.contains("csecret"), "{text}");
    }
    for object in api.control().objects() {
        assert!(!object.to_string().contains("csecret"));
    }
    assert_eq!(api.control().client_secret(&id).as_deref(), Some("csecret"));
}

#[tokio::test]
async fn put_without_client_secret_keeps_the_stored_secret() {
    let api = Api::start().await;
    let id = api.create_ok(minimal("github")).await;
    let mut body = minimal("github");
    body["config"]
        .as_object_mut()
        .unwrap()
        .remove("client_secret");
    body["name"] = json!("renamed");
    let reply = api.put(&id, body.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(api.control().client_secret(&id).as_deref(), Some("csecret"));
    // An explicit null means the same thing.
    body["config"]["client_secret"] = serde_json::Value::Null;
    assert_eq!(api.put(&id, body).await.status, StatusCode::OK);
    assert_eq!(api.control().client_secret(&id).as_deref(), Some("csecret"));
    // A new value replaces it.
    let mut rotate = minimal("github");
    rotate["config"]["client_secret"] = json!("rotated");
    assert_eq!(api.put(&id, rotate).await.status, StatusCode::OK);
    assert_eq!(api.control().client_secret(&id).as_deref(), Some("rotated"));
}

#[tokio::test]
async fn scim_secret_is_revealed_once_then_masked() {
    let api = Api::start().await;
    let mut body = minimal("azureAD");
    body["scim_config"] = json!({"enabled": true});
    let create = api.create(body.clone()).await;
    let id = create.result()["id"].as_str().unwrap().to_string();
    let secret = create.result()["scim_config"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(secret.len() >= 32 && !secret.contains('*'), "{secret}");
    assert_eq!(
        api.control().scim_secret(&id).as_deref(),
        Some(secret.as_str())
    );

    let masked = "****************";
    assert_eq!(api.get(&id).await.result()["scim_config"]["secret"], masked);
    assert_eq!(
        api.list("").await.result()[0]["scim_config"]["secret"],
        masked
    );
    // Staying enabled keeps the secret and shows it masked.
    let put = api.put(&id, body.clone()).await;
    assert_eq!(put.result()["scim_config"]["secret"], masked);
    assert_eq!(
        api.control().scim_secret(&id).as_deref(),
        Some(secret.as_str())
    );
    // Disabling keeps it masked.
    let mut off = body.clone();
    off["scim_config"]["enabled"] = json!(false);
    assert_eq!(
        api.put(&id, off).await.result()["scim_config"]["secret"],
        masked
    );
    // Enabling again issues a new secret, shown once.
    let again = api.put(&id, body).await;
    let renewed = again.result()["scim_config"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(renewed, secret);
    assert!(!renewed.contains('*'));
    assert_eq!(api.get(&id).await.result()["scim_config"]["secret"], masked);
}

#[tokio::test]
async fn scim_enabled_on_update_reveals_the_new_secret() {
    let api = Api::start().await;
    let id = api.create_ok(minimal("okta")).await;
    let shown = api.get(&id).await.result().clone();
    assert!(
        shown["scim_config"].get("secret").is_none(),
        "no secret before SCIM is enabled"
    );
    let mut body = minimal("okta");
    body["scim_config"] = json!({"enabled": true, "user_deprovision": true});
    let reply = api.put(&id, body).await;
    let secret = reply.result()["scim_config"]["secret"].as_str().unwrap();
    assert_eq!(api.control().scim_secret(&id).as_deref(), Some(secret));
}

#[tokio::test]
async fn responses_fill_computed_fields_and_defaults() {
    let api = Api::start().await;
    for kind in TYPES {
        let reply = api.create(minimal(kind)).await;
        let result = reply.result();
        let id = result["id"].as_str().unwrap();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert_eq!(id.matches('-').count(), 4);
        assert_eq!(
            result["config"]["redirect_url"],
            "https://mock-team.cloudflareaccess.com/cdn-cgi/access/callback"
        );
        assert_eq!(
            result["scim_config"],
            json!({
                "enabled": false,
                "identity_update_behavior": "no_action",
                "seat_deprovision": false,
                "user_deprovision": false,
                "scim_base_url": format!("https://mock-team.cloudflareaccess.com/populations/{id}/scim/v2"),
            })
        );
        assert_eq!(result["read_only"], false);
        // Keys outside the documented model, which clients must ignore.
        assert_eq!(result["uid"], id);
        assert_eq!(result["version"], "1");
        assert!(result["created_at"].as_str().unwrap().ends_with('Z'));
        let config = result["config"].as_object().unwrap();
        let defaults: &[&str] = match kind {
            "saml" => &["sign_request", "enable_encryption"],
            "azureAD" => &["conditional_access_enabled", "support_groups"],
            "cloudflare" => &["restrict_to_account_members"],
            _ => &[],
        };
        for field in defaults {
            assert_eq!(config[*field], false, "{kind}.{field}");
        }
        assert!(
            !config.contains_key("pkce_enabled"),
            "{kind}: pkce_enabled is not defaulted"
        );
    }
}

#[tokio::test]
async fn team_name_shapes_generated_urls() {
    let api = Api::with_config(cloudflare_mock::MockConfig {
        team_name: "acme".into(),
        ..Default::default()
    })
    .await;
    let reply = api.create(minimal("onetimepin")).await;
    assert_eq!(
        reply.result()["config"]["redirect_url"],
        "https://acme.cloudflareaccess.com/cdn-cgi/access/callback"
    );
    assert!(reply.result()["scim_config"]["scim_base_url"]
        .as_str()
        .unwrap()
        .starts_with("https://acme.cloudflareaccess.com/populations/"));
}

#[tokio::test]
async fn set_values_round_trip_exactly() {
    let api = Api::start().await;
    let mut body = minimal("saml");
    body["config"]["attributes"] = json!(["email", "groups"]);
    body["config"]["header_attributes"] =
        json!([{"attribute_name": "dept", "header_name": "X-Dept"}]);
    body["config"]["sign_request"] = json!(true);
    body["saml_certificate_set_id"] = json!("set-9");
    let id = api.create_ok(body).await;
    let result = api.get(&id).await.result().clone();
    assert_eq!(result["config"]["attributes"], json!(["email", "groups"]));
    assert_eq!(
        result["config"]["header_attributes"],
        json!([{"attribute_name": "dept", "header_name": "X-Dept"}])
    );
    assert_eq!(result["config"]["sign_request"], true);
    assert_eq!(result["config"]["idp_public_certs"], json!(["MIIC..."]));
    assert_eq!(result["saml_certificate_set_id"], "set-9");
}
