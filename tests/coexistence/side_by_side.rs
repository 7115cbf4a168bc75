//! A configuration that requires both `cloudflare/cloudflare` and this provider: identity
//! providers choose this one with `provider = cloudflare-access`, and an Access application on
//! the official provider (here the test-only stand-in from `tests/stand_in/`) consumes their
//! IDs. Both read `CLOUDFLARE_BASE_URL` and `CLOUDFLARE_API_TOKEN` from the environment.

use super::{provider_of, OFFICIAL_ADDRESS};
use crate::support::{Acc, Mock, ProviderInstallation, PROVIDER_ADDRESS, RESOURCE_TYPE};
use cloudflare_mock::MockConfig;
use serde_json::Value;

const APPLICATION: &str = "cloudflare_zero_trust_access_application";

const CONFIG: &str = r#"
terraform {
  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
    }
    cloudflare-access = {
      source = "ferrotf/cloudflare-access"
    }
  }
}

provider "cloudflare" {}

provider "cloudflare-access" {}

resource "cloudflare_zero_trust_access_identity_provider" "github" {
  provider   = cloudflare-access
  account_id = "{{account_id}}"
  name       = "GitHub"
  type       = "github"
  config = {
    client_id     = "github-client-id"
    client_secret = "github-client-secret"
  }
}

resource "cloudflare_zero_trust_access_identity_provider" "pin" {
  provider   = cloudflare-access
  account_id = "{{account_id}}"
  name       = "One-time PIN"
  type       = "onetimepin"
  config     = {}
}

resource "cloudflare_zero_trust_access_application" "wiki" {
  account_id = "{{account_id}}"
  name       = "Wiki"
  domain     = "wiki.example.com"
  allowed_idps = [
    cloudflare_zero_trust_access_identity_provider.github.id,
    cloudflare_zero_trust_access_identity_provider.pin.id,
  ]
}
"#;

fn stored_applications(dir: &std::path::Path) -> Vec<Value> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the stand-in's store") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        found.push(serde_json::from_str(&text).expect("an application as JSON"));
    }
    found
}

#[test]
fn identity_providers_from_this_provider_feed_an_application_on_the_official_one() {
    let store = tempfile::Builder::new()
        .prefix("stand-in-applications-")
        .tempdir()
        .unwrap();
    let mut t = Acc::with_installation(ProviderInstallation::SideBySide);
    t.env("STAND_IN_APPLICATIONS_DIR", &store.path().to_string_lossy());
    t.write_main_tf(&t.render(CONFIG));

    // Two independent plugins, each serving its own resource types.
    let schemas = t.run_ok(&["providers", "schema", "-json"]);
    let schemas: Value = serde_json::from_str(&schemas.stdout).expect("schema JSON");
    let ours = &schemas["provider_schemas"][PROVIDER_ADDRESS]["resource_schemas"];
    let official = &schemas["provider_schemas"][OFFICIAL_ADDRESS]["resource_schemas"];
    assert!(ours[RESOURCE_TYPE].is_object(), "{schemas:#}");
    assert!(ours[APPLICATION].is_null(), "{schemas:#}");
    assert!(official[APPLICATION].is_object(), "{schemas:#}");
    assert!(official[RESOURCE_TYPE].is_null(), "{schemas:#}");

    t.apply();
    t.assert_empty_plans_after_apply();

    let state = t.state();
    let github = format!("{RESOURCE_TYPE}.github");
    let pin = format!("{RESOURCE_TYPE}.pin");
    let wiki = format!("{APPLICATION}.wiki");
    assert_eq!(provider_of(&state, &github), PROVIDER_ADDRESS);
    assert_eq!(provider_of(&state, &pin), PROVIDER_ADDRESS);
    assert_eq!(provider_of(&state, &wiki), OFFICIAL_ADDRESS);

    let ids: Vec<Value> = [&github, &pin]
        .iter()
        .map(|address| t.resource_values(address)["id"].clone())
        .collect();
    assert_eq!(
        t.resource_values(&wiki)["allowed_idps"],
        Value::from(ids.clone())
    );
    let mock_ids: Vec<Value> = t
        .mock
        .control()
        .objects()
        .iter()
        .map(|o| o["id"].clone())
        .collect();
    for id in &ids {
        assert!(
            mock_ids.contains(id),
            "{id} is not in the mock: {mock_ids:?}"
        );
    }
    let applications = stored_applications(store.path());
    assert_eq!(applications.len(), 1, "{applications:#?}");
    assert_eq!(applications[0]["allowed_idps"], Value::from(ids));

    // The stand-in checks every ID against the API, so it is really consuming ours.
    t.write_main_tf(&t.render(&CONFIG.replace(
        "cloudflare_zero_trust_access_identity_provider.pin.id,",
        "\"00000000-0000-0000-0000-000000000000\",",
    )));
    let refused = t.apply_err();
    assert!(
        refused.combined().contains("Unknown identity provider"),
        "{refused}"
    );

    t.finish();
    assert!(
        stored_applications(store.path()).is_empty(),
        "destroy left the application behind"
    );
}

/// Each provider's block gives it its own token; the shared environment variable holds one the
/// API refuses, so the apply succeeds only if both providers use their blocks.
#[test]
fn each_provider_can_have_its_own_credentials() {
    const OURS: &str = "token-for-identity-providers-0123456789abcdef";
    const OFFICIAL: &str = "token-for-everything-else-0123456789abcdef";
    let store = tempfile::Builder::new()
        .prefix("stand-in-applications-")
        .tempdir()
        .unwrap();
    let mock = Mock::start_with(MockConfig {
        tokens: vec![OURS.to_owned(), OFFICIAL.to_owned()],
        ..MockConfig::default()
    });
    let mut t = Acc::with(mock, ProviderInstallation::SideBySide);
    t.env(
        "CLOUDFLARE_API_TOKEN",
        "a-well-formed-token-the-api-refuses-0123456789",
    )
    .env("TF_VAR_identity_providers_api_token", OURS)
    .env("TF_VAR_cloudflare_api_token", OFFICIAL)
    .env("STAND_IN_APPLICATIONS_DIR", &store.path().to_string_lossy());
    let config = CONFIG
        .replace(
            "provider \"cloudflare\" {}",
            "provider \"cloudflare\" {\n  api_token = var.cloudflare_api_token\n}",
        )
        .replace(
            "provider \"cloudflare-access\" {}",
            "provider \"cloudflare-access\" {\n  api_token = var.identity_providers_api_token\n}",
        );
    let variables = r#"
variable "cloudflare_api_token" {
  type      = string
  sensitive = true
}

variable "identity_providers_api_token" {
  type      = string
  sensitive = true
}
"#;
    t.write_main_tf(&format!("{}{variables}", t.render(&config)));
    t.apply();
    t.assert_empty_plans_after_apply();
    assert_eq!(t.mock.control().object_count(), 2);
    assert_eq!(stored_applications(store.path()).len(), 1);
    t.finish();
    assert!(stored_applications(store.path()).is_empty());
}
