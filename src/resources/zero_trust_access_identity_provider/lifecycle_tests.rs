//! Whole-lifecycle tests against the mock API, checking the rules Terraform enforces between
//! plan and apply: plans only change what configuration changes (or keep the prior value),
//! applied state matches every known planned value and is wholly known, and after each apply
//! both a plan without refresh and a plan after refresh are empty.

use super::*;
use crate::framework::plan::plan_resource_change;
use crate::framework::resource::ApplyResponse;
use crate::framework::schema::{AttributeKind, Mode, Nesting};
use crate::framework::{Attribute, Severity};
use cloudflare_mock::{MockConfig, MockServer, DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

struct Harness {
    resource: ZeroTrustAccessIdentityProviderResource,
    schema: Schema,
    ctx: Context,
    mock: MockServer,
}

impl Harness {
    /// The client secret the mock API holds for the object `id`.
    fn stored_secret(&self, id: &str) -> Option<String> {
        self.mock.control().client_secret(id)
    }

    async fn start() -> Self {
        let mock = cloudflare_mock::spawn(MockConfig::default()).await.unwrap();
        let provider_config = json_to_value(
            &crate::provider::provider_schema().block.attributes,
            &json!({"api_token": DEFAULT_TOKEN, "base_url": mock.base_url(), "rps": 0,
                    "retries": 0}),
        );
        let resolved = crate::provider::resolve(&provider_config, &|_| None).unwrap();
        let client = Client::new(resolved.client_config(Some("1.11.4"))).unwrap();
        Harness {
            resource: ZeroTrustAccessIdentityProviderResource::new(),
            schema: schema::resource_schema(),
            ctx: Context {
                data: Some(Arc::new(client)),
                ..Context::default()
            },
            mock,
        }
    }

    fn attributes(&self) -> &[Attribute] {
        &self.schema.block.attributes
    }

    fn config(&self, json: serde_json::Value) -> Value {
        json_to_value(self.attributes(), &json)
    }

    /// PlanResourceChange: validation, Terraform's proposed new state, the framework's plan,
    /// then the resource's own adjustments; the plan is checked the way Terraform checks it.
    async fn plan(&self, prior: &Value, config: &Value) -> Result<ModifyPlanResponse, Diagnostics> {
        let mut validated = ValidateConfigResponse::default();
        let request = ValidateConfigRequest {
            config: config.clone(),
        };
        let resource = &self.resource;
        resource
            .validate_config(&self.ctx, request, &mut validated)
            .await;
        if validated.diagnostics.has_errors() {
            return Err(validated.diagnostics);
        }
        let proposed = proposed_object(self.attributes(), prior, config);
        let change = plan_resource_change(&self.schema, prior, &proposed, config);
        let mut response = ModifyPlanResponse {
            planned_state: change.planned_state,
            requires_replace: change.requires_replace,
            planned_identity: Value::Null,
            diagnostics: validated.diagnostics,
        };
        let request = ModifyPlanRequest {
            prior_state: prior.clone(),
            config: config.clone(),
            prior_identity: Value::Null,
        };
        self.resource
            .modify_plan(&self.ctx, request, &mut response)
            .await;
        if response.diagnostics.has_errors() {
            return Err(response.diagnostics);
        }
        assert_plan_valid(
            self.attributes(),
            prior,
            config,
            &response.planned_state,
            "",
        );
        Ok(response)
    }

    /// ApplyResourceChange for a create or an update, checked against the plan.
    async fn apply(&self, prior: &Value, planned: &Value, config: &Value) -> Value {
        // Pre-filled as the framework server does: an update starts from the prior state.
        let mut response = ApplyResponse {
            new_state: prior.clone(),
            ..ApplyResponse::default()
        };
        if prior.is_null() {
            let request = CreateRequest {
                planned_state: planned.clone(),
                config: config.clone(),
            };
            self.resource
                .create(&self.ctx, request, &mut response)
                .await;
        } else {
            let request = UpdateRequest {
                prior_state: prior.clone(),
                planned_state: planned.clone(),
                config: config.clone(),
                prior_identity: Value::Null,
            };
            self.resource
                .update(&self.ctx, request, &mut response)
                .await;
        }
        assert!(
            !response.diagnostics.has_errors(),
            "{:?}",
            response.diagnostics
        );
        assert!(
            response.new_state.is_wholly_known(),
            "{:?}",
            response.new_state
        );
        assert_consistent(planned, &response.new_state, "");
        response.new_state
    }

    async fn read(&self, state: &Value) -> ReadResponse {
        let request = ReadRequest {
            prior_state: state.clone(),
            private: vec![],
            identity: Value::Null,
        };
        let mut response = ReadResponse::unchanged(&request);
        self.resource.read(&self.ctx, request, &mut response).await;
        response
    }

    async fn refresh(&self, state: &Value) -> Value {
        let response = self.read(state).await;
        assert!(
            response.diagnostics.is_empty(),
            "{:?}",
            response.diagnostics
        );
        assert!(response.new_state.is_wholly_known());
        response.new_state
    }

    /// Plans with and without refresh and expects no change either way.
    async fn assert_no_changes(&self, state: &Value, config: &Value) -> Value {
        for prior in [state.clone(), self.refresh(state).await] {
            let plan = self.plan(&prior, config).await.unwrap();
            assert!(
                plan.planned_state.semantically_equal(&prior),
                "plan is not empty:\n planned {:?}\n prior   {:?}",
                plan.planned_state,
                prior
            );
            assert!(plan.requires_replace.is_empty());
        }
        self.refresh(state).await
    }

    /// Plan, apply, and check that the result is stable.
    async fn converge(&self, prior: &Value, config: &Value) -> Value {
        let plan = self.plan(prior, config).await.unwrap();
        assert!(
            plan.requires_replace.is_empty(),
            "{:?}",
            plan.requires_replace
        );
        let state = self.apply(prior, &plan.planned_state, config).await;
        let refreshed = self.assert_no_changes(&state, config).await;
        assert_eq!(
            refreshed, state,
            "a refresh right after apply should not change the state"
        );
        state
    }

    async fn delete(&self, state: &Value) -> Diagnostics {
        let mut response = DeleteResponse::default();
        let request = DeleteRequest {
            prior_state: state.clone(),
        };
        self.resource
            .delete(&self.ctx, request, &mut response)
            .await;
        response.diagnostics
    }

    async fn import(&self, id: &str) -> Value {
        let mut response = ImportResponse::default();
        let request = ImportRequest {
            id: id.to_owned(),
            identity: Value::Null,
        };
        let resource = &self.resource;
        resource
            .import_state(&self.ctx, request, &mut response)
            .await;
        assert!(
            response.diagnostics.is_empty(),
            "{:?}",
            response.diagnostics
        );
        self.refresh(&response.state).await
    }
}

/// A configuration value from JSON: every schema attribute present, unset ones null.
fn json_to_value(attributes: &[Attribute], json: &serde_json::Value) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|a| {
                let item = json.get(&a.name).unwrap_or(&serde_json::Value::Null);
                (a.name.clone(), json_item(a, item))
            })
            .collect(),
    )
}

fn json_item(attribute: &Attribute, json: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match (&attribute.kind, json) {
        (_, J::Null) => Value::Null,
        (
            AttributeKind::Nested {
                nesting: Nesting::Single,
                attributes,
            },
            object,
        ) => json_to_value(attributes, object),
        (AttributeKind::Nested { attributes, .. }, J::Array(items)) => {
            Value::List(items.iter().map(|i| json_to_value(attributes, i)).collect())
        }
        (_, J::String(s)) => Value::String(s.clone()),
        (_, J::Bool(b)) => Value::Bool(*b),
        (_, J::Number(n)) => {
            Value::Number(crate::framework::Number::parse(&n.to_string()).unwrap())
        }
        (_, J::Array(items)) => Value::List(
            items
                .iter()
                .map(|i| Value::String(i.as_str().unwrap().to_owned()))
                .collect(),
        ),
        (_, J::Object(_)) => panic!("unexpected object for {}", attribute.name),
    }
}

/// Terraform's proposed new state (objchange.ProposedNew) for nested attributes.
fn proposed_object(attributes: &[Attribute], prior: &Value, config: &Value) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|a| {
                let value = proposed_attribute(a, prior.attr(&a.name), config.attr(&a.name));
                (a.name.clone(), value)
            })
            .collect(),
    )
}

fn proposed_attribute(attribute: &Attribute, prior: &Value, config: &Value) -> Value {
    match attribute.mode {
        Mode::Computed => return prior.clone(),
        Mode::OptionalComputed if config.is_null() => return prior.clone(),
        _ => {}
    }
    match (&attribute.kind, config) {
        (
            AttributeKind::Nested {
                nesting: Nesting::Single,
                attributes,
            },
            Value::Object(_),
        ) => proposed_object(attributes, prior, config),
        (
            AttributeKind::Nested {
                nesting: Nesting::List,
                attributes,
            },
            Value::List(items),
        ) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let prior_item = prior
                        .as_elements()
                        .and_then(|p| p.get(i))
                        .unwrap_or(&Value::Null);
                    proposed_object(attributes, prior_item, item)
                })
                .collect(),
        ),
        _ => config.clone(),
    }
}

/// Terraform's AssertPlanValid for nested attributes.
fn assert_plan_valid(
    attributes: &[Attribute],
    prior: &Value,
    config: &Value,
    planned: &Value,
    at: &str,
) {
    for a in attributes {
        let path = format!("{at}.{}", a.name);
        let (p, c, n) = (
            prior.attr(&a.name),
            config.attr(&a.name),
            planned.attr(&a.name),
        );
        if n == c || (n == p && !p.is_null() && !c.is_null()) {
            continue;
        }
        // Write-only attributes are planned null whatever the configuration says.
        if a.write_only {
            assert!(
                n.is_null(),
                "{path}: planned {n:?} for a write-only attribute"
            );
            continue;
        }
        if a.mode == Mode::Computed || (c.is_null() && a.mode.is_computed()) {
            continue;
        }
        assert!(
            !c.is_null(),
            "{path}: planned {n:?} for a non-computed attribute"
        );
        match (&a.kind, n) {
            (
                AttributeKind::Nested {
                    nesting: Nesting::Single,
                    attributes,
                },
                Value::Object(_),
            ) => assert_plan_valid(attributes, p, c, n, &path),
            (
                AttributeKind::Nested {
                    nesting: Nesting::List,
                    attributes,
                },
                Value::List(items),
            ) => {
                for (i, item) in items.iter().enumerate() {
                    let elem = |v: &Value| {
                        v.as_elements()
                            .and_then(|e| e.get(i))
                            .cloned()
                            .unwrap_or_default()
                    };
                    assert_plan_valid(
                        attributes,
                        &elem(p),
                        &elem(c),
                        item,
                        &format!("{path}[{i}]"),
                    );
                }
            }
            _ => panic!("{path}: planned {n:?} does not match config {c:?}"),
        }
    }
}

/// Terraform's "inconsistent result after apply" check.
fn assert_consistent(planned: &Value, applied: &Value, at: &str) {
    match (planned, applied) {
        (Value::Unknown(_), _) => {}
        (Value::Object(p), Value::Object(a)) => {
            for (name, value) in p {
                assert_consistent(value, &a[name], &format!("{at}.{name}"));
            }
        }
        (Value::List(p), Value::List(a)) if p.len() == a.len() => {
            for (i, (x, y)) in p.iter().zip(a).enumerate() {
                assert_consistent(x, y, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(
            planned, applied,
            "{at}: applied value differs from the plan"
        ),
    }
}

fn at<'a>(value: &'a Value, steps: &[&str]) -> &'a Value {
    value.at(&steps.iter().fold(AttributePath::root(), |p, s| p.attr(*s)))
}

fn wo_version(state: &Value) -> &Value {
    at(state, &["config", "client_secret_wo_version"])
}

fn id_of(state: &Value) -> String {
    state.attr("id").as_str().unwrap().to_owned()
}

fn errors(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

/// Everything but `config.client_secret`, which an import cannot know.
fn without_client_secret(state: &Value) -> Value {
    let mut state = state.clone();
    state.set_at(
        &AttributePath::attribute("config").attr("client_secret"),
        Value::Null,
    );
    state
}

#[tokio::test]
async fn write_only_client_secret_is_sent_from_configuration_and_never_stored() {
    let h = Harness::start().await;
    let github = |secret: &str, version: &str| {
        h.config(json!({
            "account_id": DEFAULT_ACCOUNT_ID,
            "name": "GitHub",
            "type": "github",
            "config": {"client_id": "cid", "client_secret_wo": secret,
                       "client_secret_wo_version": version}
        }))
    };
    let config = github("first-secret", "1");
    let state = h.converge(&Value::Null, &config).await;
    let id = id_of(&state);
    assert!(at(&state, &["config", "client_secret_wo"]).is_null());
    assert!(at(&state, &["config", "client_secret"]).is_null());
    assert_eq!(wo_version(&state), &Value::from("1"));
    assert_eq!(h.stored_secret(&id).as_deref(), Some("first-secret"));

    // A new write-only value alone plans nothing.
    let config = github("second-secret", "1");
    h.assert_no_changes(&state, &config).await;
    assert_eq!(h.stored_secret(&id).as_deref(), Some("first-secret"));

    // A new version sends it.
    let config = github("second-secret", "2");
    let state = h.converge(&state, &config).await;
    assert!(at(&state, &["config", "client_secret_wo"]).is_null());
    assert_eq!(wo_version(&state), &Value::from("2"));
    assert_eq!(h.stored_secret(&id).as_deref(), Some("second-secret"));
    assert!(!format!("{state:?}").contains("second-secret"));
    assert!(h.delete(&state).await.is_empty());
    assert_eq!(h.mock.control().object_count(), 0);
}

#[tokio::test]
async fn github_create_update_import_delete() {
    let h = Harness::start().await;
    let config = h.config(json!({
        "account_id": DEFAULT_ACCOUNT_ID,
        "name": "GitHub",
        "type": "github",
        "config": {"client_id": "cid", "client_secret": "first-secret"}
    }));
    let state = h.converge(&Value::Null, &config).await;
    let id = id_of(&state);
    assert_eq!(
        at(&state, &["config", "redirect_url"]),
        &Value::from("https://mock-team.cloudflareaccess.com/cdn-cgi/access/callback")
    );
    assert_eq!(
        at(&state, &["config", "client_secret"]),
        &Value::from("first-secret")
    );
    assert_eq!(at(&state, &["scim_config", "enabled"]), &Value::Bool(false));
    assert_eq!(h.stored_secret(&id).as_deref(), Some("first-secret"));

    // Update in place: new name, new secret, PKCE on.
    let config = h.config(json!({
        "account_id": DEFAULT_ACCOUNT_ID,
        "name": "GitHub SSO",
        "type": "github",
        "config": {"client_id": "cid", "client_secret": "second-secret", "pkce_enabled": true}
    }));
    let state = h.converge(&state, &config).await;
    assert_eq!(id_of(&state), id);
    assert_eq!(h.stored_secret(&id).as_deref(), Some("second-secret"));

    // Import: everything but the client secret, which the next apply sends.
    let imported = h
        .import(&format!("accounts/{DEFAULT_ACCOUNT_ID}/{id}"))
        .await;
    assert_eq!(imported, without_client_secret(&state));
    let plan = h.plan(&imported, &config).await.unwrap();
    assert_eq!(without_client_secret(&plan.planned_state), imported);
    assert_eq!(
        at(&plan.planned_state, &["config", "client_secret"]),
        &Value::from("second-secret")
    );
    let state = h.converge(&imported, &config).await;

    // Delete; a second delete (already gone) succeeds; a read then forgets it.
    assert!(h.delete(&state).await.is_empty());
    assert_eq!(h.mock.control().object_count(), 0);
    assert!(h.delete(&state).await.is_empty());
    let read = h.read(&state).await;
    assert!(read.new_state.is_null());
    let warning = read.diagnostics.iter().next().unwrap();
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.summary, "Resource not found");
    h.mock.shutdown().await;
}

#[tokio::test]
async fn azure_ad_with_scim_keeps_its_secret() {
    let h = Harness::start().await;
    let base = json!({
        "account_id": DEFAULT_ACCOUNT_ID,
        "name": "Azure AD",
        "type": "azureAD",
        "config": {
            "client_id": "cid", "client_secret": "csecret", "directory_id": "tenant",
            "support_groups": true, "claims": ["email", "groups"], "prompt": "login"
        },
        "scim_config": {"enabled": true, "user_deprovision": true, "seat_deprovision": true}
    });
    let config = h.config(base.clone());
    let state = h.converge(&Value::Null, &config).await;
    let secret = at(&state, &["scim_config", "secret"]).clone();
    let secret_text = secret
        .as_str()
        .expect("the SCIM secret is captured on create");
    assert!(!normalize::is_masked_secret(secret_text));
    // conditional_access_enabled was never configured; the API's false stays null.
    assert!(at(&state, &["config", "conditional_access_enabled"]).is_null());

    // Turn SCIM off: the secret stays as it was.
    let mut off = base.clone();
    off["scim_config"] = json!({"enabled": false});
    let config = h.config(off);
    let plan = h.plan(&state, &config).await.unwrap();
    assert_eq!(at(&plan.planned_state, &["scim_config", "secret"]), &secret);
    let state = h.converge(&state, &config).await;
    assert_eq!(at(&state, &["scim_config", "secret"]), &secret);

    // Back on: the plan leaves room for a new secret, and the one Cloudflare issues is kept.
    let config = h.config(base);
    let plan = h.plan(&state, &config).await.unwrap();
    assert!(at(&plan.planned_state, &["scim_config", "secret"]).is_unknown());
    let state = h.converge(&state, &config).await;
    let renewed = at(&state, &["scim_config", "secret"]).as_str().unwrap();
    assert!(!normalize::is_masked_secret(renewed));
    assert_ne!(renewed, secret_text);
    h.mock.shutdown().await;
}

#[tokio::test]
async fn saml_lists_and_removals() {
    let h = Harness::start().await;
    let cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCARygAwIBAgIJAKs=\n-----END CERTIFICATE-----\n";
    let full = json!({
        "account_id": DEFAULT_ACCOUNT_ID,
        "name": "SAML",
        "type": "saml",
        "config": {
            "issuer_url": "https://idp.example.com", "sso_target_url": "https://idp.example.com/sso",
            "idp_public_certs": [cert], "attributes": ["email", "group"],
            "email_attribute_name": "email",
            "header_attributes": [{"attribute_name": "group", "header_name": "X-Group"}]
        }
    });
    let state = h.converge(&Value::Null, &h.config(full.clone())).await;
    // The API fills sign_request = false; unset in config, it stays null.
    assert!(at(&state, &["config", "sign_request"]).is_null());

    let mut trimmed = full;
    trimmed["config"]
        .as_object_mut()
        .unwrap()
        .retain(|k, _| !matches!(k.as_str(), "header_attributes" | "attributes"));
    trimmed["config"]["sign_request"] = json!(true);
    let state = h.converge(&state, &h.config(trimmed)).await;
    let stored = h.mock.control().objects();
    assert!(
        stored[0]["config"].get("header_attributes").is_none(),
        "{stored:?}"
    );
    assert_eq!(stored[0]["config"]["sign_request"], json!(true));
    assert!(at(&state, &["config", "attributes"]).is_null());
    h.mock.shutdown().await;
}

#[tokio::test]
async fn onetimepin_is_a_singleton_and_case_changes_are_free() {
    let h = Harness::start().await;
    let config = h.config(json!({
        "account_id": DEFAULT_ACCOUNT_ID, "name": "PIN", "type": "onetimepin", "config": {}
    }));
    let state = h.converge(&Value::Null, &config).await;

    let problems = h.plan(&Value::Null, &config).await.unwrap_err();
    let text = errors(&problems).join("\n");
    assert!(
        text.contains("One-Time PIN Identity Provider Already Exists"),
        "{text}"
    );
    assert!(text.contains(&format!("accounts/{DEFAULT_ACCOUNT_ID}/{}", id_of(&state))));

    // A different spelling of the same type is no change (and no replacement).
    let config = h.config(json!({
        "account_id": DEFAULT_ACCOUNT_ID, "name": "PIN", "type": "OneTimePin", "config": {}
    }));
    let plan = h.plan(&state, &config).await.unwrap();
    assert!(plan.requires_replace.is_empty());
    assert!(plan.planned_state.semantically_equal(&state));

    // SCIM is refused for onetimepin, with v5's words.
    let config = h.config(json!({
        "account_id": DEFAULT_ACCOUNT_ID, "name": "PIN", "type": "onetimepin", "config": {},
        "scim_config": {"enabled": false}
    }));
    let problems = h.plan(&state, &config).await.unwrap_err();
    assert!(errors(&problems)[0].contains("\"scim_config\" can not be set if \"type\" is one of"));
    h.mock.shutdown().await;
}

#[tokio::test]
async fn drift_shows_and_missing_requirements_fail_at_plan() {
    let h = Harness::start().await;
    let config = h.config(json!({
        "account_id": DEFAULT_ACCOUNT_ID, "name": "Okta", "type": "okta",
        "config": {"client_id": "cid", "client_secret": "s", "okta_account": "https://x.okta.com"}
    }));
    let state = h.converge(&Value::Null, &config).await;
    assert!(h
        .mock
        .control()
        .edit(&id_of(&state), json!({"name": "renamed by hand"})));
    let refreshed = h.refresh(&state).await;
    assert_eq!(refreshed.attr("name"), &Value::from("renamed by hand"));
    let plan = h.plan(&refreshed, &config).await.unwrap();
    assert_eq!(plan.planned_state.attr("name"), &Value::from("Okta"));
    h.converge(&refreshed, &config).await;

    let missing = h.config(json!({
        "account_id": DEFAULT_ACCOUNT_ID, "name": "OIDC", "type": "oidc",
        "config": {"client_id": "cid", "client_secret": "s", "auth_url": "https://a"}
    }));
    let problems = h.plan(&Value::Null, &missing).await.unwrap_err();
    let text = errors(&problems).join("\n");
    assert!(text.contains("config.token_url"), "{text}");
    assert!(text.contains("config.certs_url"), "{text}");
    h.mock.shutdown().await;
}

#[tokio::test]
async fn api_errors_become_diagnostics() {
    let h = Harness::start().await;
    // A zone-level identity provider looked up under an account is not found: the read
    // forgets it rather than failing.
    let config = h.config(json!({
        "zone_id": DEFAULT_ACCOUNT_ID, "name": "Google", "type": "google",
        "config": {"client_id": "cid", "client_secret": "s"}
    }));
    let state = h.converge(&Value::Null, &config).await;
    assert!(state.attr("account_id").is_null());
    let mut elsewhere = state.clone();
    elsewhere.set_at(&AttributePath::attribute("zone_id"), Value::Null);
    elsewhere.set_at(
        &AttributePath::attribute("account_id"),
        Value::from(DEFAULT_ACCOUNT_ID),
    );
    assert!(h.read(&elsewhere).await.new_state.is_null());

    // A rejected update keeps the prior state and says why.
    let mut response = ApplyResponse {
        new_state: state.clone(),
        ..ApplyResponse::default()
    };
    let mut bad = state.clone();
    bad.set_at(&AttributePath::attribute("name"), Value::from(""));
    let request = UpdateRequest {
        prior_state: state.clone(),
        planned_state: bad,
        config: config.clone(),
        prior_identity: Value::Null,
    };
    h.resource.update(&h.ctx, request, &mut response).await;
    assert_eq!(response.new_state, state);
    let text = errors(&response.diagnostics).join("\n");
    assert!(
        text.starts_with("Invalid Identity Provider Configuration"),
        "{text}"
    );
    assert!(!text.contains("\"s\""), "no secret in messages: {text}");

    // A stopped provider does not wait for the API.
    let stopped = Context {
        data: h.ctx.data.clone(),
        ..Context::default()
    };
    stopped.cancel.cancel();
    let request = ReadRequest {
        prior_state: state.clone(),
        private: vec![],
        identity: Value::Null,
    };
    let mut response = ReadResponse::unchanged(&request);
    h.resource.read(&stopped, request, &mut response).await;
    assert_eq!(response.new_state, state);
    assert!(errors(&response.diagnostics)[0].starts_with("Operation Cancelled"));
    h.mock.shutdown().await;
}

#[tokio::test]
async fn a_create_interrupted_by_terraform_still_lands_in_state() {
    let h = Harness::start().await;
    h.mock.control().add_fault(cloudflare_mock::Fault {
        operation: Some("create".into()),
        kind: cloudflare_mock::FaultKind::Latency(Duration::from_millis(500)),
        probability: 1.0,
        times: Some(1),
    });
    let config = h.config(json!({
        "account_id": DEFAULT_ACCOUNT_ID, "name": "Slow", "type": "github",
        "config": {"client_id": "cid", "client_secret": "s"}
    }));
    let plan = h.plan(&Value::Null, &config).await.unwrap();
    let stopping = Context {
        data: h.ctx.data.clone(),
        ..Context::default()
    };
    let cancel = stopping.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        cancel.cancel();
    });
    let mut response = ApplyResponse::default();
    let request = CreateRequest {
        planned_state: plan.planned_state.clone(),
        config,
    };
    h.resource.create(&stopping, request, &mut response).await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert!(response.new_state.is_wholly_known());
    assert_consistent(&plan.planned_state, &response.new_state, "");
    assert_eq!(h.mock.control().object_count(), 1);
    h.mock.shutdown().await;
}
