//! `moved` blocks from Cloudflare's v4 type name, `cloudflare_access_identity_provider`: v4
//! state (one-element `config`/`scim_config` lists, empty strings and `false` for unset fields,
//! `idp_public_cert`, masked client secrets, `api_token`, `group_member_deprovision`) becomes
//! this resource's state, and the plan after the move is empty. Terraform 1.8 or later, which
//! every build the suite runs on is.

use super::*;
use crate::support::{acceptance, render};
use serde_json::json;

/// The v4 resources of `tests/testdata/moved/v4.state.json`, by name.
const NAMES: [&str; 4] = ["pin", "github", "saml", "azure"];

/// A SAML signing certificate in the base64 form without PEM armour.
const SAML_CERT: &str =
    "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTESMBAGA1UE";

const SCIM_SECRET: &str = "scim-secret-from-v4-state-0f4e2a";

/// Seeds the four objects the v4 state describes and writes that state, recorded under
/// `source_provider`, with the v5 configuration and its `moved` blocks.
fn moved_from_v4(t: &Acc, source_provider: &str) {
    let control = t.mock.control();
    let account = t.account_id.as_str();
    let pin = control.insert(
        "accounts",
        account,
        json!({"name": "PIN login", "type": "onetimepin", "config": {}}),
    );
    let github = control.insert(
        "accounts",
        account,
        json!({"name": "GitHub", "type": "github",
               "config": {"client_id": "gh-client-id", "client_secret": "real-secret"}}),
    );
    let saml = control.insert(
        "accounts",
        account,
        json!({"name": "Corporate SAML", "type": "saml",
               "config": {"issuer_url": "https://idp.example.com/saml/metadata",
                          "sso_target_url": "https://idp.example.com/saml/sso",
                          "idp_public_certs": [SAML_CERT], "sign_request": true,
                          "email_attribute_name": "email",
                          "attributes": ["email", "department"]}}),
    );
    let azure = control.insert(
        "accounts",
        account,
        json!({"name": "Entra ID", "type": "azureAD",
               "config": {"client_id": "azure-client-id", "client_secret": "real-secret",
                          "directory_id": "4a9e6b1d-83f2-4c57-b2d0-95e1c7a3f682",
                          "support_groups": true, "claims": ["email", "groups"],
                          "email_claim_name": "email"},
               "scim_config": {"enabled": true, "user_deprovision": true,
                               "seat_deprovision": true,
                               "identity_update_behavior": "automatic",
                               "secret": SCIM_SECRET}}),
    );
    let state = render(
        &testdata("moved/v4.state.json"),
        &[
            ("account_id", account),
            ("source_provider", source_provider),
            ("pin_id", &pin),
            ("github_id", &github),
            ("saml_id", &saml),
            ("azure_id", &azure),
            ("saml_cert", SAML_CERT),
            ("scim_secret", SCIM_SECRET),
        ],
    );
    t.write_file("terraform.tfstate", &state);
    t.write_main_tf(&render(
        &testdata("moved/v5.tf"),
        &[("account_id", account), ("saml_cert", SAML_CERT)],
    ));
}

#[test]
fn moved_from_v4_type_plans_nothing_and_converts_state() {
    acceptance(|t| {
        t.env("TF_VAR_client_secret", "real-secret");
        moved_from_v4(t, "registry.terraform.io/cloudflare/cloudflare");

        let plan = t.plan();
        assert!(plan.is_empty(), "the move plans changes:\n{plan}");
        let moves: Vec<(String, String)> = plan.json["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let text = |key: &str| c[key].as_str().unwrap_or_default().to_owned();
                (text("previous_address"), text("address"))
            })
            .collect();
        for name in NAMES {
            let pair = (
                format!("cloudflare_access_identity_provider.{name}"),
                format!("{RESOURCE_TYPE}.{name}"),
            );
            assert!(moves.contains(&pair), "{pair:?} not among {moves:?}");
        }

        apply_and_settle(t);
        let saml = t.resource_values(&format!("{RESOURCE_TYPE}.saml"));
        assert_eq!(saml["config"]["idp_public_certs"], json!([SAML_CERT]));
        assert_eq!(saml["config"]["sign_request"], json!(true));
        let github = t.resource_values(&format!("{RESOURCE_TYPE}.github"));
        // v4's masked secret is not a secret, and the write-only one never reaches state.
        assert!(github["config"]["client_secret"].is_null(), "{github:#}");
        assert!(github["config"]["client_secret_wo"].is_null());
        let azure = t.resource_values(&format!("{RESOURCE_TYPE}.azure"));
        assert_eq!(azure["scim_config"]["secret"], json!(SCIM_SECRET));
        assert_eq!(azure["scim_config"]["enabled"], json!(true));
        assert!(azure["scim_config"]
            .get("group_member_deprovision")
            .is_none());
        let pin = t.resource_values(&format!("{RESOURCE_TYPE}.pin"));
        assert!(pin["zone_id"].is_null() && pin["config"]["api_token"].is_null());
        assert_eq!(t.mock.control().request_counts()["update"], 0);
    });
}

#[test]
fn moved_from_another_provider_is_refused_with_what_is_accepted() {
    acceptance(|t| {
        t.env("TF_VAR_client_secret", "real-secret");
        moved_from_v4(t, "registry.terraform.io/hashicorp/cloudflare");
        let output = t.plan_err();
        let text = flat_output(&output);
        assert!(text.contains("Unsupported Resource Move"), "{output}");
        assert!(
            text.contains("cloudflare_access_identity_provider of provider")
                && text.contains("\"registry.terraform.io/hashicorp/cloudflare\"")
                && text.contains("\"cloudflare/cloudflare\"")
                && text.contains("\"ferrotf/cloudflare-access\""),
            "{output}"
        );
        // Nothing moved: the v4 state is still there, for a provider this suite cannot destroy
        // it with, so it is dropped here and the seeded objects with it.
        std::fs::remove_file(t.path().join("terraform.tfstate")).expect("remove the state");
        t.mock.control().reset();
    });
}
