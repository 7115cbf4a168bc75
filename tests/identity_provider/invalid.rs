//! Invalid input, one rule per test: each must fail with a diagnostic that says what is wrong
//! and points at the attribute, before anything reaches Cloudflare where a plan can tell, and
//! with a readable error (and no credential in it) where only the API can.

use super::lifecycle::type_case;
use super::*;
use crate::support::{acceptance, Mock};
use cloudflare_mock::{Fault, FaultKind, MockConfig};
use serde_json::json;

/// Writes `main_tf`, requires `terraform validate` and `terraform plan` to fail with `expected`.
fn rejected_at_validate(t: &mut Acc, main_tf: &str, expected: Expected<'_>) {
    t.write_main_tf(main_tf);
    expect_validate_error(t, main_tf, expected);
    expect_plan_error(t, main_tf, expected);
}

#[test]
fn invalid_type() {
    acceptance(|t| {
        let main_tf = single(t, "GitLab", "gitlab", type_case("github").create);
        rejected_at_validate(
            t,
            &main_tf,
            Expected {
                summary: "Invalid Attribute Value Match",
                detail: r#"value must be one of: ["onetimepin" "azureAD" "saml""#,
                attribute: "type",
            },
        );
    });
}

#[test]
fn type_is_matched_without_regard_to_case() {
    acceptance(|t| {
        // v5 accepts any case for `type`; what the API stores is its own spelling.
        let main_tf = single(t, "GitHub", "GitHub", type_case("github").create);
        t.write_main_tf(&main_tf);
        let output = t.run(&["validate", "-json", "-no-color"]);
        assert!(output.success(), "{output}");
    });
}

#[test]
fn config_attribute_of_another_type() {
    acceptance(|t| {
        let main_tf = single(
            t,
            "GitHub",
            "github",
            r#"{
    client_id     = "Iv1.8a61f9b3a7aba766"
    client_secret = "github-secret-v1-0f6e2d"
    directory_id  = "8b1e5c3a-94d2-4f0b-a7c6-3e2d1f0a9b88"
  }"#,
        );
        rejected_at_validate(
            t,
            &main_tf,
            Expected {
                summary: "Invalid Attribute Combination",
                detail: r#""config.directory_id" can only be set if "type" is one of: "azureAD""#,
                attribute: "config.directory_id",
            },
        );
    });
}

#[test]
fn scim_config_with_onetimepin() {
    acceptance(|t| {
        let main_tf = fixture(
            t,
            "scim.tf",
            &[
                ("name", "PIN"),
                ("type", "onetimepin"),
                ("config", "{}"),
                ("scim_config", "{ enabled = true }"),
            ],
        );
        rejected_at_validate(
            t,
            &main_tf,
            Expected {
                summary: "Invalid Attribute Combination",
                detail: r#""scim_config" can not be set if "type" is one of: "onetimepin""#,
                attribute: "scim_config",
            },
        );
    });
}

#[test]
fn invalid_prompt() {
    acceptance(|t| {
        let main_tf = single(
            t,
            "Azure AD",
            "azureAD",
            r#"{
    client_id     = "2ac9f4f6-7a3b-4a52-9b41-0c7e6d1f2a01"
    client_secret = "azure-secret-v1-Qx7~pL"
    directory_id  = "8b1e5c3a-94d2-4f0b-a7c6-3e2d1f0a9b88"
    prompt        = "consent"
  }"#,
        );
        rejected_at_validate(
            t,
            &main_tf,
            Expected {
                summary: "Invalid Attribute Value Match",
                detail: r#"value must be one of: ["login" "select_account" "none"], got: "consent""#,
                attribute: "config.prompt",
            },
        );
    });
}

#[test]
fn invalid_identity_update_behavior() {
    acceptance(|t| {
        let main_tf = fixture(
            t,
            "scim.tf",
            &[
                ("name", "OIDC"),
                ("type", "oidc"),
                ("config", type_case("oidc").create),
                (
                    "scim_config",
                    r#"{
    enabled                  = true
    identity_update_behavior = "sometimes"
  }"#,
                ),
            ],
        );
        rejected_at_validate(
            t,
            &main_tf,
            Expected {
                summary: "Invalid Attribute Value Match",
                detail: r#"value must be one of: ["automatic" "reauth" "no_action"], got: "sometimes""#,
                attribute: "scim_config.identity_update_behavior",
            },
        );
    });
}

#[test]
fn both_account_and_zone() {
    acceptance(|t| {
        let main_tf = single(t, "PIN", "onetimepin", "{}").replacen(
            "name =",
            &format!("zone_id = \"{}\"\n  name =", t.zone_id),
            1,
        );
        rejected_at_validate(
            t,
            &main_tf,
            Expected {
                summary: "Invalid Attribute Combination",
                detail: "2 attributes specified when one (and only one) of [account_id,zone_id] is required",
                attribute: "zone_id",
            },
        );
    });
}

#[test]
fn neither_account_nor_zone() {
    acceptance(|t| {
        let main_tf = single(t, "PIN", "onetimepin", "{}").replacen(
            &format!("account_id = \"{}\"", t.account_id),
            "",
            1,
        );
        assert!(!main_tf.contains("account_id"));
        rejected_at_validate(
            t,
            &main_tf,
            Expected {
                summary: "Invalid Attribute Combination",
                detail: "No attribute specified when one (and only one) of [account_id,zone_id] is required",
                attribute: "",
            },
        );
    });
}

#[test]
fn field_required_by_type_is_missing() {
    acceptance(|t| {
        let main_tf = single(
            t,
            "OIDC",
            "oidc",
            r#"{
    client_id     = "oidc-client-0001"
    client_secret = "oidc-secret-v1"
    token_url     = "https://sso.example.com/oauth2/v1/token"
    certs_url     = "https://sso.example.com/oauth2/v1/keys"
  }"#,
        );
        t.write_main_tf(&main_tf);
        // Checked when planning the create (an imported identity provider may leave it out).
        let diagnostics = expect_plan_error(
            t,
            &main_tf,
            Expected {
                summary: "Missing Attribute Configuration",
                detail: r#""config.auth_url" must be set when "type" is "oidc""#,
                // The missing attribute has no place in the file: the object that lacks it
                // does, rather than the resource's first line.
                attribute: "config",
            },
        );
        assert_eq!(
            diagnostics.len(),
            1,
            "only auth_url is missing: {diagnostics:#?}"
        );
    });
}

#[test]
fn seat_deprovision_without_user_deprovision() {
    acceptance(|t| {
        let main_tf = fixture(
            t,
            "scim.tf",
            &[
                ("name", "Azure AD"),
                ("type", "azureAD"),
                ("config", type_case("azureAD").create),
                (
                    "scim_config",
                    r#"{
    enabled          = true
    seat_deprovision = true
  }"#,
                ),
            ],
        );
        rejected_at_validate(
            t,
            &main_tf,
            Expected {
                summary: "Invalid Attribute Combination",
                detail: r#""scim_config.seat_deprovision" can only be true when "scim_config.user_deprovision" is true"#,
                attribute: "scim_config.seat_deprovision",
            },
        );
    });
}

/// The API allows one one-time PIN login per account; a second fails with a readable error
/// and nothing is left in state.
#[test]
fn second_onetimepin_in_an_account() {
    acceptance(|t| {
        let existing = t.mock.control().insert(
            "accounts",
            &t.account_id,
            json!({ "name": "One-time PIN", "type": "onetimepin", "config": {} }),
        );
        let main_tf = single(t, "Another PIN", "onetimepin", "{}");
        t.write_main_tf(&main_tf);
        let output = t.apply_err();
        let text = flat_output(&output);
        assert!(
            text.to_lowercase().contains("one-time pin") && text.contains("already"),
            "the error should say a one-time PIN login already exists:\n{output}"
        );
        assert!(
            text.contains(&format!("accounts/{}/{existing}", t.account_id)),
            "the error should name the import ID of the existing one:\n{output}"
        );
        // Terraform does not tell providers the resource's address, so the command has a
        // placeholder that cannot be mistaken for one, next to the address Terraform prints.
        assert!(
            text.contains(&format!(
                "terraform import '<address of your {RESOURCE_TYPE} resource>' accounts/{}/{existing}",
                t.account_id
            )),
            "the error should give the whole import command:\n{output}"
        );
        assert!(text.contains(&format!("with {ADDRESS}")), "{output}");
        assert!(
            t.state_addresses().is_empty(),
            "a failed create leaves nothing in state"
        );
        assert_eq!(t.mock.control().object_count(), 1, "only the existing one");
        // Importing the existing one is the way out, and works.
        t.import_cli(ADDRESS, &format!("accounts/{}/{existing}", t.account_id));
        let plan = t.plan();
        assert_eq!(
            plan.actions(ADDRESS),
            ["update"],
            "only the name differs:\n{plan}"
        );
        apply_and_settle(t);
        assert_eq!(api_object(t, &existing)["name"], "Another PIN");
    });
}

#[test]
fn bad_import_ids() {
    acceptance(|t| {
        let main_tf = single(t, "GitHub", "github", type_case("github").create);
        t.write_main_tf(&main_tf);
        let account = t.account_id.clone();
        let v4_style = format!("{account}/5f0c3f8e-3d4c-4c8f-9b4a-2f1e0d9c8b7a");
        // The v4 form gets the corrected ID suggested.
        let v4_fix = format!("accounts/{v4_style}");
        let cases = [
            ("just-an-id", "three segments"),
            (v4_style.as_str(), v4_fix.as_str()),
            ("projects/abc/def", "must be \"accounts\" or \"zones\""),
            ("accounts//def", "empty"),
        ];
        for (id, hint) in cases {
            let output = t.run_err(&["import", "-input=false", "-no-color", ADDRESS, id]);
            let text = output.combined();
            assert!(
                text.contains("accounts/<account_id>/<identity_provider_id>")
                    && text.contains("zones/<zone_id>/<identity_provider_id>"),
                "the error for {id:?} should name the expected formats:\n{output}"
            );
            assert!(
                text.contains(hint),
                "the error for {id:?} should say {hint:?}:\n{output}"
            );
        }
        // Well-formed, but nothing has that id.
        let missing = format!("accounts/{account}/5f0c3f8e-3d4c-4c8f-9b4a-2f1e0d9c8b7a");
        let output = t.run_err(&["import", "-input=false", "-no-color", ADDRESS, &missing]);
        assert!(
            output
                .combined()
                .contains("Cannot import non-existent remote object"),
            "{output}"
        );
        assert!(t.state_addresses().is_empty());
    });
}

/// Two identity providers, `a` and `b`, of a type whose plan makes no API call.
fn two_github_providers(t: &Acc) -> String {
    let one = single(t, "GitHub A", "github", type_case("github").create);
    let other = single(t, "GitHub B", "github", type_case("github").create);
    format!(
        "{}\n{}",
        one.replace("\"test\"", "\"a\""),
        other.replace("\"test\"", "\"b\"")
    )
}

#[test]
fn rejected_credentials() {
    let wrong_token = "wrong-token-0123456789abcdefghijklmnopqrstuv";
    acceptance(|t| {
        t.env("CLOUDFLARE_API_TOKEN", wrong_token);
        t.write_main_tf(&two_github_providers(t));
        let output = t.apply_err();
        let text = flat_output(&output);
        assert!(
            text.to_lowercase().contains("authentication"),
            "the error should say authentication failed:\n{output}"
        );
        assert!(
            text.contains("403"),
            "the error should carry the API status:\n{output}"
        );
        // Both creates fail, but what to check is said once, with the permission's exact name.
        assert_eq!(
            text.matches("Error: Invalid Credentials").count(),
            2,
            "{output}"
        );
        assert_eq!(
            text.matches("Access: Organizations, Identity Providers, and Groups")
                .count(),
            2,
            "the permission advice (Write, and Read for plans) should appear once:\n{output}"
        );
        assert!(
            text.contains(
                "an API token needs the permission \"Access: Organizations, Identity Providers, \
                 and Groups Write\" for this account or zone (\"Access: Organizations, Identity \
                 Providers, and Groups Read\" is enough for plan and refresh)"
            ),
            "{output}"
        );
        assert!(
            text.contains(
                "The same credentials were already rejected in this run: the \"Invalid \
                 Credentials\" error that names the token permission says what to check."
            ),
            "{output}"
        );
        assert!(
            !text.contains(wrong_token),
            "the token must not be printed:\n{output}"
        );
        assert!(!text.contains(t.mock.token()));
        assert!(t.state_addresses().is_empty());
        assert_eq!(t.mock.control().object_count(), 0);
    });
}

#[test]
fn api_token_from_the_environment_follows_the_same_rule() {
    let short_token = "short-token-oops";
    acceptance(|t| {
        t.env("CLOUDFLARE_API_TOKEN", short_token);
        t.write_main_tf(&single(t, "GitHub", "github", type_case("github").create));
        let output = t.run_err(&["plan", "-input=false", "-no-color"]);
        let text = flat_output(&output);
        assert!(
            text.contains(
                "The CLOUDFLARE_API_TOKEN environment variable is shorter than 40 characters \
                 (16). Cloudflare API tokens are at least 40 letters, digits, '-' and '_'"
            ),
            "{output}"
        );
        assert!(!text.contains(short_token), "{output}");
        assert_eq!(t.mock.control().request_counts()["create"], 0);
    });
}

#[test]
fn api_tokens_longer_than_v5_allows_are_accepted() {
    // Cloudflare's newer token formats are longer than v5's limit of 80 characters.
    let long_token = format!("cfut_{}", "0123456789abcdef".repeat(6));
    let mock = Mock::start_with(MockConfig {
        tokens: vec![long_token.clone()],
        ..MockConfig::default()
    });
    let t = Acc::with_mock(mock);
    let main_tf = format!(
        "provider \"cloudflare\" {{\n  api_token = \"{long_token}\"\n}}\n\n{}",
        single(&t, "GitHub", "github", type_case("github").create)
    );
    t.write_main_tf(&main_tf);
    t.apply();
    assert_eq!(t.mock.control().object_count(), 1);
    t.finish();
}

#[test]
fn an_unreachable_api_fails_within_seconds_and_names_its_address() {
    acceptance(|t| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/client/v4", listener.local_addr().unwrap());
        drop(listener);
        t.env("CLOUDFLARE_BASE_URL", &base_url);
        t.write_main_tf(&single(t, "GitHub", "github", type_case("github").create));
        // Before, this retried for the full five minutes and the harness's command timeout
        // (two minutes by default) would end it instead of the provider.
        let output = t.apply_err();
        let text = flat_output(&output);
        assert!(
            text.contains(&format!("Cloudflare API unreachable at {base_url}: ")),
            "{output}"
        );
        assert!(
            text.contains(&format!(
                "No connection to {base_url} could be opened, so no request reached it and \
                 nothing was changed."
            )),
            "{output}"
        );
        assert!(!text.contains("may or may not"), "{output}");
        assert!(!text.contains("May Already Exist"), "{output}");
        assert!(t.state_addresses().is_empty());
    });
}

#[test]
fn a_base_url_without_client_v4_is_called_wrong_and_keeps_state() {
    acceptance(|t| {
        t.write_main_tf(&single(t, "GitHub", "github", type_case("github").create));
        t.apply();
        let root = t
            .mock
            .base_url()
            .strip_suffix("/client/v4")
            .expect("the mock's base URL ends with /client/v4")
            .to_owned();
        t.env("CLOUDFLARE_BASE_URL", &root);
        // Refreshing through the wrong URL: an error about the URL, and the object stays in
        // state rather than being forgotten as deleted.
        let output = t.run_err(&["plan", "-input=false", "-no-color"]);
        let text = flat_output(&output);
        assert!(text.contains("Error: Wrong Cloudflare API URL"), "{output}");
        assert!(
            text.contains(&format!(
                "Cloudflare's API has no route for this URL, so the URL is wrong. The base URL \
                 in use is {root} (from base_url or CLOUDFLARE_BASE_URL). It must be the API \
                 root, ending with /client/v4"
            )),
            "{output}"
        );
        assert!(!text.contains("Check that account_id"), "{output}");
        assert!(!text.contains("no longer exists"), "{output}");
        assert_eq!(t.state_addresses(), [ADDRESS]);
        let mock_url = t.mock.base_url().to_owned();
        t.env("CLOUDFLARE_BASE_URL", &mock_url);
    });
}

#[test]
fn malformed_api_token_is_rejected_without_echoing_it() {
    let short_token = "short-token-oops";
    acceptance(|t| {
        let main_tf = format!(
            "provider \"cloudflare\" {{\n  api_token = \"{short_token}\"\n}}\n\n{}",
            single(t, "GitHub", "github", type_case("github").create)
        );
        t.write_main_tf(&main_tf);
        let output = t.run_err(&["validate", "-json", "-no-color"]);
        let diagnostics = error_diagnostics(&output);
        let found = diagnostics
            .iter()
            .find(|d| d["summary"] == "Invalid Attribute Value Match")
            .unwrap_or_else(|| panic!("no diagnostic about the token:\n{output}"));
        assert!(
            found["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("api_token"),
            "{found:#}"
        );
        assert_eq!(
            found["range"]["start"]["line"], 2,
            "points at api_token: {found:#}"
        );
        for field in ["summary", "detail"] {
            assert!(
                !found[field]
                    .as_str()
                    .unwrap_or_default()
                    .contains(short_token),
                "the {field} must not repeat the token: {found:#}"
            );
        }
        let output = t.run_err(&["plan", "-input=false", "-no-color"]);
        // The snippet Terraform prints is the configuration line, which holds the value
        // (Terraform's doing); everything else must not repeat it.
        let without_snippet: Vec<&str> = output
            .stderr
            .lines()
            .filter(|line| !line.contains("api_token ="))
            .collect();
        assert!(
            !without_snippet.join("\n").contains(short_token)
                && !output.stdout.contains(short_token),
            "the token must not be repeated in the message:\n{output}"
        );
        assert_eq!(t.mock.control().request_counts().values().sum::<u64>(), 0);
    });
}

/// A configuration the plan accepts but Cloudflare refuses with 400: the API's message
/// reaches the user, and nothing is left behind.
#[test]
fn api_validation_error_is_readable() {
    acceptance(|t| {
        let config = r#"{
    issuer_url       = "https://idp.example.com/saml/metadata"
    sso_target_url   = "https://idp.example.com/saml/sso"
    idp_public_certs = ["MIIDpDCCAoygAwIBAgIGAXoJ8ZqKMA0GCSqGSIb3DQEBCwUAMIGSMQswCQYDVQQGEwJVUzET"]
    pkce_enabled     = true
  }"#;
        let main_tf = single(t, "SAML", "saml", config);
        t.write_main_tf(&main_tf);
        let output = t.apply_err();
        let text = flat_output(&output);
        assert!(
            text.contains("config.pkce_enabled is not valid for type saml"),
            "the API's own explanation should reach the user:\n{output}"
        );
        assert!(text.contains("400"), "{output}");
        assert!(t.state_addresses().is_empty());
        assert_eq!(t.mock.control().object_count(), 0);
    });
}

/// A server that keeps failing: the provider gives up after its retries with an error that
/// names the status, rather than hanging or panicking.
#[test]
fn persistent_server_errors_end_in_a_readable_error() {
    acceptance(|t| {
        t.env("CLOUDFLARE_RETRIES", "2")
            .env("CLOUDFLARE_MIN_BACKOFF", "0");
        t.mock
            .control()
            .add_fault(Fault::always(Some("create"), FaultKind::ServerError(503)));
        let main_tf = single(t, "GitHub", "github", type_case("github").create);
        t.write_main_tf(&main_tf);
        let output = t.apply_err();
        let text = output.combined();
        assert!(
            text.contains("503"),
            "the error should name the status:\n{output}"
        );
        assert!(!text.contains("panicked"), "{output}");
        let creates = t.mock.control().request_counts()["create"];
        assert_eq!(creates, 3, "one attempt and two retries");
        t.mock.control().clear_faults();
        assert!(t.state_addresses().is_empty());
        assert_eq!(t.mock.control().object_count(), 0);
    });
}

/// A mock that accepts only a token the environment does not carry: the provider block's
/// `api_token` is what authenticates.
#[test]
fn credentials_accepted_by_the_api_work_through_the_provider_block() {
    let config = MockConfig {
        tokens: vec!["block-token-0123456789abcdefghijklmnopqrstu".to_owned()],
        ..MockConfig::default()
    };
    let mock = crate::support::Mock::start_with(config);
    let mut t = Acc::with_mock(mock);
    // Only the provider block carries the accepted token; the environment has none.
    t.remove_env("CLOUDFLARE_API_TOKEN");
    let main_tf = format!(
        "{}\n{}",
        t.provider_block(),
        single(&t, "GitHub", "github", type_case("github").create)
    );
    t.write_main_tf(&main_tf);
    apply_and_settle(&t);
    assert_eq!(t.mock.control().object_count(), 1);
    t.finish();
}
