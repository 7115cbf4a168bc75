//! The data source against the mock API: lookups by id and by filter, and the errors that
//! list candidates.

use super::*;
use crate::data_sources::kit::Scoped;
use crate::framework::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use crate::framework::{DataSource, Severity};
use cloudflare_mock::{MockConfig, MockServer, DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};
use serde_json::json;
use std::sync::Arc;

async fn start() -> (MockServer, Context) {
    let mock = cloudflare_mock::spawn(MockConfig::default()).await.unwrap();
    let mut config = crate::cloudflare::ClientConfig::new(
        crate::cloudflare::Auth::Token(DEFAULT_TOKEN.into()),
        "tests",
    );
    config.base_url = mock.base_url();
    config.retry.max_retries = 0;
    config.rate_limit = None;
    let client = Client::new(config).unwrap();
    let ctx = Context {
        data: Some(Arc::new(client)),
        ..Context::default()
    };
    (mock, ctx)
}

fn seed(mock: &MockServer, name: &str, kind: &str) -> String {
    mock.control().insert(
        "accounts",
        DEFAULT_ACCOUNT_ID,
        json!({"name": name, "type": kind, "config": {"client_id": "cid"}}),
    )
}

/// A configuration of the data source: every attribute null but the ones given.
fn config(values: &[(&str, Value)]) -> Value {
    let mut object: std::collections::BTreeMap<String, Value> = schema::data_source_schema()
        .block
        .attributes
        .iter()
        .map(|a| (a.name.clone(), Value::Null))
        .collect();
    for (name, value) in values {
        object.insert((*name).to_owned(), value.clone());
    }
    Value::Object(object)
}

fn filter(name: Option<&str>, kind: Option<&str>) -> Value {
    Value::object([
        ("name", Value::opt_string(name)),
        ("type", Value::opt_string(kind)),
        ("scim_enabled", Value::Null),
    ])
}

async fn read(ctx: &Context, config: Value) -> DataSourceReadResponse {
    let mut response = DataSourceReadResponse {
        state: config.clone(),
        diagnostics: Diagnostics::new(),
    };
    Scoped(ZeroTrustAccessIdentityProviderDataSource)
        .read(ctx, DataSourceReadRequest { config }, &mut response)
        .await;
    response
}

#[tokio::test]
async fn filter_by_name_needs_exactly_one_match_and_lists_candidates_otherwise() {
    let (mock, ctx) = start().await;
    let okta = seed(&mock, "Okta", "okta");
    let github = seed(&mock, "Shared", "github");
    let google = seed(&mock, "Shared", "google");
    let account = ("account_id", Value::from(DEFAULT_ACCOUNT_ID));

    let one = read(
        &ctx,
        config(&[account.clone(), ("filter", filter(Some("Okta"), None))]),
    )
    .await;
    assert!(one.diagnostics.is_empty(), "{:?}", one.diagnostics);
    assert_eq!(one.state.attr("id").as_str(), Some(okta.as_str()));
    assert_eq!(one.state.attr("type").as_str(), Some("okta"));
    assert_eq!(
        one.state.attr("config").attr("client_id").as_str(),
        Some("cid")
    );
    // The configuration stays as it was.
    assert!(one.state.attr("identity_provider_id").is_null());

    let by_type = read(
        &ctx,
        config(&[
            account.clone(),
            ("filter", filter(Some("Shared"), Some("GOOGLE"))),
        ]),
    )
    .await;
    assert_eq!(by_type.state.attr("id").as_str(), Some(google.as_str()));

    let several = read(
        &ctx,
        config(&[account.clone(), ("filter", filter(Some("Shared"), None))]),
    )
    .await;
    let error = several.diagnostics.iter().next().unwrap();
    assert_eq!(error.severity, Severity::Error);
    assert_eq!(error.summary, "Several Matching Identity Providers");
    assert_eq!(error.attribute, Some(AttributePath::attribute("filter")));
    assert!(
        error.detail.starts_with(&format!(
            "2 identity providers in account {DEFAULT_ACCOUNT_ID} match filter \
             {{ name = \"Shared\" }}"
        )),
        "{}",
        error.detail
    );
    for id in [&github, &google] {
        assert!(error.detail.contains(id.as_str()), "{}", error.detail);
    }
    assert!(error.detail.contains("\"Shared\" (type github, id "));
    assert!(!error.detail.contains(&okta));

    let none = read(
        &ctx,
        config(&[account.clone(), ("filter", filter(Some("okta"), None))]),
    )
    .await;
    let error = none.diagnostics.iter().next().unwrap();
    assert_eq!(error.summary, "No Matching Identity Provider");
    for id in [&okta, &github, &google] {
        assert!(error.detail.contains(id.as_str()), "{}", error.detail);
    }
    assert!(error.detail.contains("\"Okta\" (type okta, id "));

    let by_id = read(
        &ctx,
        config(&[
            account.clone(),
            ("identity_provider_id", Value::from(github.as_str())),
        ]),
    )
    .await;
    assert!(by_id.diagnostics.is_empty());
    assert_eq!(by_id.state.attr("id").as_str(), Some(github.as_str()));
    assert_eq!(by_id.state.attr("name").as_str(), Some("Shared"));

    let missing = read(
        &ctx,
        config(&[account, ("identity_provider_id", Value::from("nope"))]),
    )
    .await;
    let error = missing.diagnostics.iter().next().unwrap();
    assert_eq!(error.summary, "Identity Provider Not Found");
    assert_eq!(
        error.attribute,
        Some(AttributePath::attribute("identity_provider_id"))
    );
}

#[test]
fn validation_follows_v5_and_requires_a_scope() {
    let check = |values: &[(&str, Value)]| {
        let mut diagnostics = Diagnostics::new();
        validate(&config(values), &mut diagnostics);
        diagnostics
            .iter()
            .map(|d| d.summary.clone())
            .collect::<Vec<_>>()
    };
    let account = ("account_id", Value::from("a"));
    let id = ("identity_provider_id", Value::from("x"));
    assert!(check(&[account.clone(), id.clone()]).is_empty());
    assert!(check(&[account.clone(), ("filter", filter(Some("n"), Some("saml")))]).is_empty());
    assert_eq!(
        check(&[account.clone(), id.clone(), ("filter", filter(None, None))]),
        ["Conflicting Lookups"]
    );
    assert_eq!(check(std::slice::from_ref(&account)), ["Missing Lookup"]);
    assert_eq!(
        check(std::slice::from_ref(&id)),
        ["Missing Account or Zone"]
    );
    assert_eq!(
        check(&[account.clone(), ("zone_id", Value::from("z")), id.clone()]),
        ["Conflicting Account and Zone"]
    );
    assert_eq!(
        check(&[account.clone(), ("filter", filter(None, Some("ldap")))]),
        ["Invalid Identity Provider Type"]
    );
    // Unknown values are not judged.
    assert!(check(&[
        ("account_id", Value::unknown()),
        ("identity_provider_id", Value::unknown())
    ])
    .is_empty());
}
