//! Tests for the Cloudflare API client: pure unit tests first, then the client against the
//! stateful mock (`cloudflare-mock`) and against tiny raw HTTP servers for malformed answers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;

use super::client::ApiRequest;
use super::envelope::{Envelope, ErrorEnvelope};
use super::identity_providers::{collection_segments, matches_sent, object_segments};
use super::rate_limit::Throttle;
use super::raw_http::{header_of, RawServer};
use super::redact::scrub;
use super::retry::{parse_retry_after, retry_after};
use super::*;

const TOKEN: &str = cloudflare_mock::DEFAULT_TOKEN;
const ACCOUNT: &str = cloudflare_mock::DEFAULT_ACCOUNT_ID;
const ZONE: &str = "0da42c8d2132a9ddaf714f9e7c920711";
const CLIENT_SECRET: &str = "s3cr3t-client-value-that-must-never-show";

/// Fast retries so failure tests finish quickly; timing-sensitive tests set their own.
fn quick_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_elapsed: Duration::from_secs(30),
        max_unreachable: Duration::from_secs(30),
    }
}

fn config(base_url: &str) -> ClientConfig {
    ClientConfig {
        base_url: base_url.to_owned(),
        auth: Auth::Token(TOKEN.to_owned()),
        user_agent: user_agent("0.1.0-test", Some("1.9.0")),
        retry: quick_retry(3),
        pacing: None,
        rate_limit: None,
        request_timeout: Duration::from_secs(10),
    }
}

fn client(base_url: &str) -> Client {
    Client::new(config(base_url)).expect("client builds")
}

fn github_body(name: &str, client_id: &str) -> IdentityProviderBody {
    IdentityProviderBody {
        name: Field::Value(name.to_owned()),
        kind: Field::Value("github".to_owned()),
        config: Field::Value(IdentityProviderConfigBody {
            client_id: Field::Value(client_id.to_owned()),
            client_secret: Field::Value(CLIENT_SECRET.to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Lists the identity providers of the test account.
async fn list_account(client: &Client) -> Result<Vec<IdentityProvider>, Error> {
    client
        .list_identity_providers(&Scope::Account(ACCOUNT.into()))
        .await
}

/// Asserts that `error`'s message contains `needle`.
fn assert_says(error: &impl std::fmt::Display, needle: &str) {
    let text = error.to_string();
    assert!(text.contains(needle), "{text}");
}

/// Creates a GitHub identity provider in the test account with `client`, which must fail: the
/// error, and whether the client reported that the request may have been sent.
async fn failed_create(client: &Client) -> (Error, bool) {
    let maybe_sent = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let error = client
        .create_identity_provider_reporting(
            &Scope::Account(ACCOUNT.into()),
            &github_body("GitHub", "cid-1"),
            Arc::clone(&maybe_sent),
        )
        .await
        .unwrap_err();
    (error, maybe_sent.load(std::sync::atomic::Ordering::Relaxed))
}

fn onetimepin_body() -> IdentityProviderBody {
    IdentityProviderBody {
        name: Field::Value("PIN login".to_owned()),
        kind: Field::Value("onetimepin".to_owned()),
        config: Field::Value(IdentityProviderConfigBody::default()),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Field and body serialization
// ---------------------------------------------------------------------------------------------

#[test]
fn absent_fields_are_omitted_and_null_fields_are_sent_as_null() {
    let body = IdentityProviderBody {
        name: Field::Value("Okta".into()),
        kind: Field::Value("okta".into()),
        config: Field::Value(IdentityProviderConfigBody {
            client_id: Field::Value("abc".into()),
            authorization_server_id: Field::Null,
            claims: Field::Value(vec!["groups".into()]),
            ..Default::default()
        }),
        scim_config: Field::Null,
        ..Default::default()
    };
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(
        json,
        json!({
            "name": "Okta",
            "type": "okta",
            "config": {"client_id": "abc", "authorization_server_id": null, "claims": ["groups"]},
            "scim_config": null,
        })
    );
}

#[test]
fn empty_body_serializes_to_an_empty_object() {
    let json = serde_json::to_string(&IdentityProviderBody::default()).unwrap();
    assert_eq!(json, "{}");
}

#[test]
fn field_deserializes_missing_as_absent_and_null_as_null() {
    let body: IdentityProviderBody =
        serde_json::from_value(json!({"name": null, "type": "saml"})).unwrap();
    assert_eq!(body.name, Field::Null);
    assert_eq!(body.kind, Field::Value("saml".into()));
    assert!(body.config.is_absent());
}

#[test]
fn field_helpers_convert_options() {
    assert_eq!(Field::from_option(None::<u8>), Field::Absent);
    assert_eq!(Field::from_option_or_null(None::<u8>), Field::Null);
    assert_eq!(Field::from_option(Some(3)), Field::Value(3));
    assert_eq!(Field::Value(2).map(|v| v * 2).into_value(), Some(4));
    assert_eq!(Field::<u8>::Null.value(), None);
    assert_eq!(Field::from(7u8), Field::Value(7));
}

#[test]
fn identity_provider_reads_partial_objects_and_ignores_unknown_keys() {
    let provider: IdentityProvider = serde_json::from_value(json!({
        "id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
        "name": "Azure",
        "type": "azureAD",
        "uid": "legacy",
        "version": "1",
        "config": {
            "client_id": "cid",
            "azure_cloud": "global",
            "claims": ["email"],
            "conditional_access_enabled": false,
            "header_attributes": [{"attribute_name": "a", "header_name": "X-A"}],
            "redirect_url": "https://mock-team.cloudflareaccess.com/cdn-cgi/access/callback"
        },
        "scim_config": {"enabled": true, "secret": "*****", "scim_base_url": "https://x"}
    }))
    .unwrap();
    assert_eq!(provider.kind.as_deref(), Some("azureAD"));
    assert_eq!(provider.config.client_id.as_deref(), Some("cid"));
    assert_eq!(provider.config.claims, Some(vec!["email".to_owned()]));
    assert_eq!(
        provider.config.header_attributes.as_ref().unwrap()[0]
            .header_name
            .as_deref(),
        Some("X-A")
    );
    assert_eq!(provider.scim_config.unwrap().enabled, Some(true));

    let bare: IdentityProvider =
        serde_json::from_value(json!({"id": "x", "config": null})).unwrap();
    assert_eq!(bare.config, IdentityProviderConfig::default());
    assert_eq!(bare.kind, None);
}

// ---------------------------------------------------------------------------------------------
// Envelope decoding
// ---------------------------------------------------------------------------------------------

#[test]
fn envelope_decodes_result_and_result_info() {
    let envelope: Envelope<Vec<IdentityProvider>> = serde_json::from_value(json!({
        "success": true, "errors": [], "messages": [{"code": 1000, "message": "note"}],
        "result": [{"id": "a"}, {"id": "b"}],
        "result_info": {"page": 2, "per_page": 2, "count": 2, "total_count": 6, "total_pages": 3}
    }))
    .unwrap();
    assert_eq!(envelope.success, Some(true));
    assert_eq!(envelope.result.as_ref().map(Vec::len), Some(2));
    assert_eq!(envelope.messages[0].code, 1000);
    let info = envelope.result_info.unwrap();
    assert_eq!(
        (
            info.page,
            info.per_page,
            info.count,
            info.total_count,
            info.total_pages
        ),
        (Some(2), Some(2), Some(2), Some(6), Some(3))
    );
}

#[test]
fn envelope_tolerates_null_lists_and_missing_result() {
    let envelope: Envelope<IdentityProvider> =
        serde_json::from_value(json!({"success": false, "errors": null, "result": null})).unwrap();
    assert_eq!(envelope.success, Some(false));
    assert!(envelope.errors.is_empty());
    assert!(envelope.result.is_none());
}

#[test]
fn error_envelope_keeps_codes_chains_and_bare_strings() {
    let body = json!({
        "success": false,
        "errors": [
            {"code": 6003, "message": "Invalid request headers",
             "error_chain": [{"code": 6103, "message": "Invalid format for X-Auth-Key header"}]},
            "plain text error"
        ],
        "messages": [],
        "result": null
    });
    let parsed = ErrorEnvelope::parse(body.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.errors.len(), 2);
    assert_eq!(parsed.errors[0].code, 6003);
    assert_eq!(parsed.errors[0].error_chain[0].code, 6103);
    assert_eq!(parsed.errors[1].message, "plain text error");
    assert_eq!(
        parsed.errors[0].to_string(),
        "Invalid request headers (code 6003): Invalid format for X-Auth-Key header (code 6103)"
    );
    assert!(ErrorEnvelope::parse(b"<html>502 Bad Gateway</html>").is_none());
    assert!(ErrorEnvelope::parse(b"").is_none());
    assert!(ErrorEnvelope::parse(b"[1,2]").is_none());
}

// ---------------------------------------------------------------------------------------------
// Retry policy and Retry-After
// ---------------------------------------------------------------------------------------------

#[test]
fn default_retry_policy_matches_the_documented_values() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_retries, 10);
    assert_eq!(policy.min_backoff, Duration::from_secs(1));
    assert_eq!(policy.max_backoff, Duration::from_secs(30));
    assert_eq!(policy.max_elapsed, Duration::from_secs(300));
    assert_eq!(RetryPolicy::none().max_retries, 0);
}

#[test]
fn backoff_grows_and_stays_between_min_and_max() {
    let policy = RetryPolicy::default();
    for retry in 0..40 {
        let ceiling = (Duration::from_secs(1) * 2u32.saturating_pow(retry.min(20)))
            .min(Duration::from_secs(30));
        for _ in 0..50 {
            let wait = policy.backoff(retry);
            assert!(wait >= Duration::from_secs(1), "retry {retry}: {wait:?}");
            assert!(wait <= ceiling, "retry {retry}: {wait:?} above {ceiling:?}");
            assert!(
                wait >= ceiling / 2,
                "retry {retry}: {wait:?} below half of {ceiling:?}"
            );
        }
    }
    // Degenerate settings never panic.
    let odd = RetryPolicy {
        max_retries: 1,
        min_backoff: Duration::from_secs(5),
        max_backoff: Duration::from_secs(1),
        max_elapsed: Duration::ZERO,
        max_unreachable: Duration::ZERO,
    };
    assert_eq!(odd.backoff(3), Duration::from_secs(5));
    let zero = RetryPolicy {
        min_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
        ..odd
    };
    assert_eq!(zero.backoff(0), Duration::ZERO);
}

#[test]
fn retry_after_parses_seconds_dates_and_milliseconds() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("1.5", now),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(parse_retry_after("-3", now), None);
    assert_eq!(parse_retry_after("soon", now), None);
    let later = httpdate::fmt_http_date(now + Duration::from_secs(42));
    assert_eq!(
        parse_retry_after(&later, now),
        Some(Duration::from_secs(42))
    );
    let earlier = httpdate::fmt_http_date(now - Duration::from_secs(42));
    assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));

    let mut headers = HeaderMap::new();
    assert_eq!(retry_after(&headers, now), None);
    headers.insert("retry-after", HeaderValue::from_static("3"));
    assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(3)));
    headers.insert("retry-after-ms", HeaderValue::from_static("250"));
    assert_eq!(retry_after(&headers, now), Some(Duration::from_millis(250)));
}

// ---------------------------------------------------------------------------------------------
// Rate limit arithmetic and the shared pause
// ---------------------------------------------------------------------------------------------

#[test]
fn default_rate_limit_never_exceeds_cloudflare_budget() {
    let limit = RateLimit::default();
    assert_eq!(
        (limit.requests, limit.per),
        (1200, Duration::from_secs(300))
    );
    assert_eq!(limit.burst(), 20);
    // Burst plus a full window at the steady rate fits the budget.
    let steady = limit.per.as_nanos() / limit.interval().as_nanos();
    assert!(u128::from(limit.burst()) + steady <= 1200, "{steady}");
    // And the steady rate is still close to 4 per second.
    assert!(limit.interval() < Duration::from_millis(260));

    let tiny = RateLimit {
        requests: 1,
        per: Duration::from_secs(1),
    };
    assert_eq!(tiny.burst(), 1);
    assert_eq!(tiny.interval(), Duration::from_secs(1));
}

#[test]
fn invalid_rate_limits_are_rejected() {
    for limit in [
        RateLimit {
            requests: 0,
            per: Duration::from_secs(1),
        },
        RateLimit {
            requests: 5,
            per: Duration::ZERO,
        },
    ] {
        let mut config = config("http://127.0.0.1:1/client/v4");
        config.rate_limit = Some(limit);
        assert!(matches!(Client::new(config), Err(Error::Config(_))));
    }
}

#[tokio::test]
async fn a_pause_holds_back_every_caller() {
    let throttle = Arc::new(Throttle::new(None, None, "http://127.0.0.1:1", &[]).unwrap());
    throttle.pause_for(Duration::from_millis(400));
    // A shorter pause never shortens the longer one.
    throttle.pause_for(Duration::from_millis(10));
    let start = tokio::time::Instant::now();
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let throttle = throttle.clone();
            tokio::spawn(async move { throttle.acquire().await })
        })
        .collect();
    for waiter in waiters {
        waiter.await.unwrap();
    }
    assert!(start.elapsed() >= Duration::from_millis(400));
}

// ---------------------------------------------------------------------------------------------
// Paths, configuration and user agent
// ---------------------------------------------------------------------------------------------

#[test]
fn paths_cover_both_scopes() {
    let account = Scope::Account(ACCOUNT.into());
    let zone = Scope::Zone(ZONE.into());
    let path = |segments: Vec<&str>| ApiRequest::new(reqwest::Method::GET, segments).path();
    assert_eq!(
        path(collection_segments(&account)),
        format!("/accounts/{ACCOUNT}/access/identity_providers")
    );
    assert_eq!(
        path(object_segments(&zone, "abc")),
        format!("/zones/{ZONE}/access/identity_providers/abc")
    );
    assert_eq!(zone.to_string(), format!("zone {ZONE}"));
}

#[test]
fn base_url_tolerates_a_trailing_slash() {
    let with_slash = client("http://127.0.0.1:9/client/v4/");
    let without = client("http://127.0.0.1:9/client/v4");
    let scope = Scope::Account(ACCOUNT.into());
    let segments = object_segments(&scope, "id-1");
    for c in [&with_slash, &without] {
        assert_eq!(
            c.url(&segments, &[("page", "2".into())]).as_str(),
            format!("http://127.0.0.1:9/client/v4/accounts/{ACCOUNT}/access/identity_providers/id-1?page=2")
        );
    }
    assert_eq!(with_slash.base_url(), "http://127.0.0.1:9/client/v4");
    assert_eq!(DEFAULT_BASE_URL, "https://api.cloudflare.com/client/v4");
    let default = Client::new(ClientConfig::new(Auth::Token(TOKEN.into()), "ua")).unwrap();
    assert_eq!(default.base_url(), DEFAULT_BASE_URL);
}

#[test]
fn bad_configuration_is_reported_without_secrets() {
    let cases = [
        ("ftp://example.com", Auth::Token(TOKEN.into())),
        ("not a url", Auth::Token(TOKEN.into())),
        (
            "https://user:pw-secret@example.com/client/v4",
            Auth::Token(TOKEN.into()),
        ),
        (
            "https://api.example.com/client/v4",
            Auth::Token("  ".into()),
        ),
        (
            "https://api.example.com/client/v4",
            Auth::Token("tok\nen-secret-value".into()),
        ),
        (
            "https://api.example.com/client/v4",
            Auth::GlobalKey {
                email: String::new(),
                key: "global-key-secret".into(),
            },
        ),
        (
            "https://api.example.com/client/v4",
            Auth::UserServiceKey(String::new()),
        ),
    ];
    for (base_url, auth) in cases {
        let mut config = config(base_url);
        config.auth = auth;
        let error = Client::new(config).expect_err(base_url);
        let text = error.to_string();
        assert!(matches!(error, Error::Config(_)), "{text}");
        for secret in ["pw-secret", "en-secret-value", "global-key-secret", TOKEN] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    let mut zero_timeout = config("http://127.0.0.1:9");
    zero_timeout.request_timeout = Duration::ZERO;
    assert!(matches!(Client::new(zero_timeout), Err(Error::Config(_))));
}

#[test]
fn user_agent_names_provider_and_terraform() {
    assert_eq!(
        user_agent("5.0.1", Some("1.9.8")),
        "terraform-provider-cloudflare-access/5.0.1 (+ Terraform 1.9.8)"
    );
    assert_eq!(
        user_agent("5.0.1", None),
        "terraform-provider-cloudflare-access/5.0.1"
    );
    assert_eq!(
        user_agent("5.0.1", Some(" ")),
        "terraform-provider-cloudflare-access/5.0.1"
    );
}

#[tokio::test]
async fn invalid_ids_are_rejected_before_any_request() {
    // Port 9 (discard) is never contacted: validation happens first.
    let client = client("http://127.0.0.1:9/client/v4");
    let account = Scope::Account(ACCOUNT.into());
    for id in ["", "  ", "a/b", "..", "x?y", "x#y"] {
        let error = client
            .get_identity_provider(&account, id)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{id:?}: {error}");
    }
    let error = client
        .list_identity_providers(&Scope::Zone(String::new()))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid Cloudflare API request: the zone ID is empty"
    );
}

// ---------------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------------

#[test]
fn debug_output_never_shows_secrets() {
    let auths = [
        Auth::Token("token-secret-1234".into()),
        Auth::GlobalKey {
            email: "me@example.com".into(),
            key: "key-secret-1234".into(),
        },
        Auth::UserServiceKey("v1.0-service-secret-1234".into()),
    ];
    for auth in &auths {
        let shown = format!("{auth:?} {auth:#?}");
        assert!(!shown.contains("secret-1234"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    let provider = IdentityProvider {
        id: Some("id-1".into()),
        config: IdentityProviderConfig {
            client_id: Some("visible-client-id".into()),
            client_secret: Some(CLIENT_SECRET.into()),
            ..Default::default()
        },
        scim_config: Some(ScimConfig {
            enabled: Some(true),
            secret: Some("scim-secret-value".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let body = github_body("GitHub", "visible-client-id");
    let mut config = config("http://127.0.0.1:9");
    config.auth = auths[0].clone();
    let client = Client::new(config.clone()).unwrap();
    let shown = format!(
        "{provider:?} {provider:#?} {body:?} {:?} {:?} {config:?} {client:?}",
        provider.config, provider.scim_config
    );
    for secret in [CLIENT_SECRET, "scim-secret-value", "token-secret-1234"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("visible-client-id"));
    assert!(shown.contains("id-1"));
}

#[test]
fn request_debug_leaves_out_body_and_secrets() {
    let client = client("http://127.0.0.1:9");
    let scope = Scope::Account(ACCOUNT.into());
    let request = client
        .body_request(
            reqwest::Method::POST,
            collection_segments(&scope),
            &github_body("n", "c"),
        )
        .unwrap();
    assert_eq!(request.secrets, vec![CLIENT_SECRET.to_owned()]);
    let body = String::from_utf8(request.body.clone().unwrap()).unwrap();
    assert!(body.contains(CLIENT_SECRET), "the secret is sent");
    let shown = format!("{request:?}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(shown.contains("/access/identity_providers"), "{shown}");
}

#[test]
fn scrub_replaces_every_known_secret() {
    let secrets = vec!["abcd1234".to_owned(), "zzzz9999".to_owned()];
    assert_eq!(
        scrub("bad value abcd1234 and zzzz9999 and abcd1234", &secrets),
        "bad value [redacted] and [redacted] and [redacted]"
    );
}

// ---------------------------------------------------------------------------------------------
// Error text
// ---------------------------------------------------------------------------------------------

#[test]
fn error_messages_read_well() {
    let api = Error::Api {
        status: 400,
        method: "POST".into(),
        path: format!("/accounts/{ACCOUNT}/access/identity_providers"),
        errors: vec![ApiMessage {
            code: 12130,
            message: "access.api.error.invalid_request: config.client_id is required".into(),
            ..Default::default()
        }],
        messages: vec![],
        attempts: 1,
    };
    assert_eq!(
        api.to_string(),
        format!(
            "Cloudflare API returned 400 Bad Request for POST /accounts/{ACCOUNT}/access/identity_providers: \
             access.api.error.invalid_request: config.client_id is required (code 12130)"
        )
    );
    assert_eq!(api.status(), Some(400));
    assert_eq!(api.codes(), vec![12130]);
    assert!(!api.is_not_found());

    let not_found = Error::NotFound {
        method: "GET".into(),
        path: "/zones/z/access/identity_providers/x".into(),
        errors: vec![],
    };
    assert!(not_found.is_not_found());
    assert_eq!(
        not_found.to_string(),
        "Cloudflare API returned 404 Not Found for GET /zones/z/access/identity_providers/x"
    );

    let limited = Error::RateLimited {
        method: "GET".into(),
        path: "/p".into(),
        attempts: 11,
        elapsed: Duration::from_secs(182),
        retry_after: Some(Duration::from_secs(60)),
        errors: vec![],
    };
    let text = limited.to_string();
    assert!(text.starts_with("Cloudflare API kept answering 429 Too Many Requests for GET /p; gave up after 11 attempts over 3m2s (it last asked to wait 1m)"), "{text}");

    let timeout = Error::Timeout {
        method: "PUT".into(),
        path: "/p".into(),
        timeout: Duration::from_millis(1500),
        attempts: 3,
    };
    assert_eq!(
        timeout.to_string(),
        "Cloudflare API did not answer PUT /p within 1.5s (gave up after 3 attempts)"
    );
}

// ---------------------------------------------------------------------------------------------
// Create reconciliation rule
// ---------------------------------------------------------------------------------------------

#[test]
fn created_object_matching_rule() {
    let sent = github_body("GitHub", "cid-1");
    let existing = |name: &str, kind: &str, client_id: Option<&str>| IdentityProvider {
        id: Some("x".into()),
        name: Some(name.into()),
        kind: Some(kind.into()),
        config: IdentityProviderConfig {
            client_id: client_id.map(str::to_owned),
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(matches_sent(
        &sent,
        &existing("GitHub", "github", Some("cid-1"))
    ));
    assert!(matches_sent(&sent, &existing("GitHub", "GitHub", None)));
    assert!(!matches_sent(
        &sent,
        &existing("GitHub", "github", Some("cid-2"))
    ));
    assert!(!matches_sent(
        &sent,
        &existing("Other", "github", Some("cid-1"))
    ));
    assert!(!matches_sent(
        &sent,
        &existing("GitHub", "google", Some("cid-1"))
    ));
    // The one-time PIN provider is a singleton: the type alone identifies it.
    assert!(matches_sent(
        &onetimepin_body(),
        &existing("Whatever", "onetimepin", None)
    ));
    assert!(!matches_sent(
        &IdentityProviderBody::default(),
        &existing("", "onetimepin", None)
    ));
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP servers for answers the mock never gives
// ---------------------------------------------------------------------------------------------

fn http_answer(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn sends_each_auth_scheme_and_the_user_agent() {
    let empty_list =
        json!({"success": true, "errors": [], "messages": [], "result": []}).to_string();
    let server =
        RawServer::answering(move |_| http_answer("200 OK", "application/json", &empty_list)).await;
    let schemes = [
        Auth::Token("tok-123456".into()),
        Auth::GlobalKey {
            email: "me@example.com".into(),
            key: "key-123456".into(),
        },
        Auth::UserServiceKey("usk-123456".into()),
    ];
    for auth in schemes {
        let mut config = config(&format!("{}/", server.base_url));
        config.auth = auth;
        let client = Client::new(config).unwrap();
        let listed = client
            .list_identity_providers(&Scope::Zone(ZONE.into()))
            .await
            .unwrap();
        assert!(listed.is_empty());
    }
    let requests = server.heads();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert!(
            request.starts_with(&format!(
                "GET /client/v4/zones/{ZONE}/access/identity_providers?page=1&per_page=50 HTTP/1.1"
            )),
            "{request}"
        );
        assert_eq!(
            header_of(request, "user-agent"),
            Some("terraform-provider-cloudflare-access/0.1.0-test (+ Terraform 1.9.0)")
        );
        assert_eq!(header_of(request, "accept"), Some("application/json"));
    }
    assert_eq!(
        header_of(&requests[0], "authorization"),
        Some("Bearer tok-123456")
    );
    assert_eq!(
        header_of(&requests[1], "x-auth-email"),
        Some("me@example.com")
    );
    assert_eq!(header_of(&requests[1], "x-auth-key"), Some("key-123456"));
    assert_eq!(header_of(&requests[1], "authorization"), None);
    assert_eq!(
        header_of(&requests[2], "x-auth-user-service-key"),
        Some("usk-123456")
    );
}

#[tokio::test]
async fn garbage_answers_are_decode_errors() {
    let server =
        RawServer::answering(|_| http_answer("200 OK", "text/plain", "hello, not json")).await;
    let client = client(&server.base_url);
    let error = client
        .get_identity_provider(&Scope::Account(ACCOUNT.into()), "abc")
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Decode { status: 200, .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "could not understand the Cloudflare API response to GET /accounts/{ACCOUNT}/access/identity_providers/abc (200 OK): invalid JSON envelope"
        )),
        "{text}"
    );
    // A decode failure is not retried: the same answer would come back.
    assert_eq!(server.heads().len(), 1);
}

#[tokio::test]
async fn success_false_in_a_2xx_is_an_api_error_and_missing_result_is_a_decode_error() {
    let server = RawServer::answering(|request| {
        if request.starts_with("GET ") {
            let body = json!({"success": false, "errors": [{"code": 1234, "message": "odd"}], "messages": [], "result": null});
            http_answer("200 OK", "application/json", &body.to_string())
        } else {
            let body = json!({"success": true, "errors": [], "messages": [], "result": null});
            http_answer("200 OK", "application/json", &body.to_string())
        }
    })
    .await;
    let client = client(&server.base_url);
    let scope = Scope::Account(ACCOUNT.into());
    let error = client
        .get_identity_provider(&scope, "abc")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { status: 200, .. }), "{error:?}");
    assert_eq!(error.codes(), vec![1234]);
    let error = client
        .update_identity_provider(&scope, "abc", &github_body("n", "c"))
        .await
        .unwrap_err();
    assert_says(&error, "the response had no result");
}

#[tokio::test]
async fn secrets_echoed_by_the_server_are_scrubbed_from_errors() {
    let server = RawServer::answering(|_| {
        let body = json!({
            "success": false,
            "errors": [{"code": 12130, "message": format!(
                "access.api.error.invalid_request: bad client_secret {CLIENT_SECRET} for token {TOKEN}"
            )}],
            "messages": [], "result": null
        });
        http_answer("400 Bad Request", "application/json", &body.to_string())
    })
    .await;
    let client = client(&server.base_url);
    let error = client
        .create_identity_provider(&Scope::Account(ACCOUNT.into()), &github_body("n", "c"))
        .await
        .unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(text.contains("bad client_secret [redacted]"), "{text}");
    assert_eq!(error.codes(), vec![12130]);
}

#[tokio::test]
async fn non_json_error_pages_still_give_the_status() {
    let server =
        RawServer::answering(|_| http_answer("502 Bad Gateway", "text/html", "<html>bad</html>"))
            .await;
    let client = client(&server.base_url);
    let error = client
        .delete_identity_provider(&Scope::Zone(ZONE.into()), "abc")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api {
                status: 502,
                attempts: 4,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("Cloudflare API returned 502 Bad Gateway for DELETE /zones/{ZONE}/access/identity_providers/abc (gave up after 4 attempts)")
    );
    assert_eq!(server.heads().len(), 4);
}

#[tokio::test]
async fn a_bodiless_delete_answer_is_success() {
    let server =
        RawServer::answering(|_| "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned())
            .await;
    client(&server.base_url)
        .delete_identity_provider(&Scope::Account(ACCOUNT.into()), "abc")
        .await
        .unwrap();
    assert!(server.heads()[0].starts_with("DELETE "));
}

#[tokio::test]
async fn x_should_retry_false_stops_retries() {
    let server = RawServer::answering(|_| {
        "HTTP/1.1 503 Service Unavailable\r\nx-should-retry: false\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned()
    })
    .await;
    let client = client(&server.base_url);
    let error = client
        .get_identity_provider(&Scope::Account(ACCOUNT.into()), "abc")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.heads().len(), 1);
}

#[tokio::test]
async fn pages_stop_at_total_pages_and_when_the_server_ignores_page() {
    // Reports total_pages = 2 and keeps returning a full page, so only total_pages stops it.
    let server = RawServer::answering(|request| {
        let page = if request.contains("page=1&") { "p1" } else { "p2" };
        let body = json!({
            "success": true, "errors": [], "messages": [],
            "result": [{"id": format!("{page}-a")}, {"id": format!("{page}-b")}],
            "result_info": {"page": 1, "per_page": 2, "total_pages": 2, "count": 2, "total_count": 4}
        });
        http_answer("200 OK", "application/json", &body.to_string())
    })
    .await;
    let listed = list_account(&client(&server.base_url)).await.unwrap();
    let ids: Vec<_> = listed.iter().filter_map(|p| p.id.clone()).collect();
    assert_eq!(ids, ["p1-a", "p1-b", "p2-a", "p2-b"]);
    assert_eq!(server.heads().len(), 2);

    // Always the same page and no result_info: the repeat is noticed after one extra request.
    let repeating = RawServer::answering(|_| {
        let body =
            json!({"success": true, "errors": [], "messages": [], "result": [{"id": "same"}]});
        http_answer("200 OK", "application/json", &body.to_string())
    })
    .await;
    let listed = list_account(&client(&repeating.base_url)).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(repeating.heads().len(), 2);
}

/// A base URL on 127.0.0.1 where nothing listens.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/client/v4")
}

#[tokio::test]
async fn connection_refused_is_reported_as_unreachable_after_retries() {
    let base_url = closed_port_url();
    let client = client(&base_url);
    let error = list_account(&client).await.unwrap_err();
    let Error::Unreachable {
        attempts, detail, ..
    } = &error
    else {
        panic!("expected an unreachable error, got {error:?}");
    };
    assert_eq!(*attempts, 4);
    assert!(!detail.is_empty());
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("Cloudflare API unreachable at {base_url}: ")),
        "{text}"
    );
    // The cause, without reqwest's line that repeats the URL.
    assert!(detail.contains("Connection refused"), "{detail}");
    assert!(!detail.contains("for url"), "{detail}");
    assert!(
        text.contains(&format!(
            "(GET /accounts/{ACCOUNT}/access/identity_providers; gave up after 4 attempts over "
        )),
        "{text}"
    );
    assert!(!text.contains(TOKEN));
    assert!(!error.is_not_found());
}

#[tokio::test]
async fn refused_connections_get_the_short_budget_not_the_full_one() {
    let mut config = config(&closed_port_url());
    config.retry = RetryPolicy {
        max_retries: 100,
        min_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(50),
        max_elapsed: Duration::from_secs(300),
        max_unreachable: Duration::from_millis(400),
    };
    let client = Client::new(config).unwrap();
    let started = std::time::Instant::now();
    let error = list_account(&client).await.unwrap_err();
    let Error::Unreachable { attempts, .. } = error else {
        panic!("expected an unreachable error, got {error:?}");
    };
    // 400 ms of 50 ms waits allow about 8 retries, far from the 100 the policy has.
    assert!((3..=12).contains(&attempts), "{attempts} attempts");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn a_create_that_never_connected_never_reports_that_it_may_have_sent() {
    let (error, maybe_sent) = failed_create(&client(&closed_port_url())).await;
    assert!(matches!(error, Error::Unreachable { .. }), "{error:?}");
    assert!(!maybe_sent);
}

#[tokio::test]
async fn server_errors_keep_the_full_budget_and_count_as_sent() {
    let server = RawServer::answering(|head| {
        if head.starts_with("GET ") {
            let body = json!({"success": true, "errors": [], "messages": [], "result": []});
            return http_answer("200 OK", "application/json", &body.to_string());
        }
        let body = json!({"success": false, "errors": [{"code": 10002, "message": "boom"}],
                          "messages": [], "result": null});
        http_answer(
            "503 Service Unavailable",
            "application/json",
            &body.to_string(),
        )
    })
    .await;
    let mut config = config(&server.base_url);
    config.retry = RetryPolicy {
        max_unreachable: Duration::ZERO,
        ..quick_retry(3)
    };
    let (error, maybe_sent) = failed_create(&Client::new(config).unwrap()).await;
    assert_eq!(error.status(), Some(503), "{error:?}");
    assert!(maybe_sent);
    // Four POSTs, each followed by a look for the object: the zero unreachable budget did not
    // cut them short.
    let posts = server
        .heads()
        .iter()
        .filter(|r| r.starts_with("POST "))
        .count();
    assert_eq!(posts, 4);
}

#[tokio::test]
async fn a_404_for_an_unknown_route_is_not_a_missing_object() {
    let server = RawServer::answering(|_| {
        let body = json!({"success": false, "errors": [{"code": 7003, "message": "No route for the URI"}],
                          "messages": [], "result": null});
        http_answer("404 Not Found", "application/json", &body.to_string())
    })
    .await;
    let error = client(&server.base_url)
        .get_identity_provider(&Scope::Account(ACCOUNT.into()), "abc")
        .await
        .unwrap_err();
    assert!(error.is_unknown_route(), "{error:?}");
    assert!(!error.is_not_found(), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// Against the stateful mock
// ---------------------------------------------------------------------------------------------

mod against_mock {
    use std::collections::HashSet;
    use std::time::Instant;

    use cloudflare_mock::{Fault, FaultKind, MockConfig};

    use super::*;

    async fn mock() -> cloudflare_mock::MockServer {
        cloudflare_mock::spawn(MockConfig::default())
            .await
            .expect("mock starts")
    }

    /// The mock, answering 429 beyond `requests` per `window`.
    async fn limited_mock(requests: u32, window: Duration) -> cloudflare_mock::MockServer {
        let server = mock().await;
        server
            .control()
            .set_rate_limit(Some(cloudflare_mock::RateLimit { requests, window }));
        server
    }

    /// Asserts that at least `least` has passed since `started`.
    fn assert_waited(started: Instant, least: Duration) {
        let elapsed = started.elapsed();
        assert!(elapsed >= least, "{elapsed:?}");
    }

    /// A 429 answer asking to wait `retry_after_secs`.
    fn throttled(retry_after_secs: u64) -> FaultKind {
        FaultKind::TooManyRequests { retry_after_secs }
    }

    fn count(server: &cloudflare_mock::MockServer, operation: &str) -> u64 {
        server
            .control()
            .request_counts()
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn filtered_lists_send_scim_enabled_and_stop_at_the_limit() {
        let server = mock().await;
        let control = server.control();
        for n in 0..7 {
            control.insert(
                "accounts",
                ACCOUNT,
                json!({"name": format!("idp {n}"), "type": "github",
                       "config": {"client_id": "cid"},
                       "scim_config": {"enabled": n % 2 == 0}}),
            );
        }
        let client = client(&server.base_url());
        let scope = Scope::Account(ACCOUNT.into());
        let limited = ListFilter {
            limit: Some(3),
            ..ListFilter::default()
        };
        let listed = client
            .list_identity_providers_matching(&scope, &limited)
            .await
            .unwrap();
        let names: Vec<_> = listed.iter().filter_map(|p| p.name.clone()).collect();
        assert_eq!(names, ["idp 0", "idp 1", "idp 2"]);
        // A page of exactly the limit, and no more requests.
        assert_eq!(count(&server, "list"), 1);

        let scim = ListFilter {
            scim_enabled: Some("true".into()),
            limit: None,
        };
        let listed = client
            .list_identity_providers_matching(&scope, &scim)
            .await
            .unwrap();
        let names: Vec<_> = listed.iter().filter_map(|p| p.name.clone()).collect();
        assert_eq!(names, ["idp 0", "idp 2", "idp 4", "idp 6"]);
        assert_eq!(
            client.list_identity_providers(&scope).await.unwrap().len(),
            7
        );
    }

    /// Collects everything `tracing` emits, at every level, while the guard lives.
    #[derive(Clone, Default)]
    struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for CapturedLogs {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn logs_never_contain_credentials_or_secrets() {
        let logs = CapturedLogs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        // Other tests in this process may have met the client's log callsites first, while no
        // subscriber wanted them, and tracing caches that "not interested" per callsite. Asking
        // it to recompute makes this test's subscriber count, whatever ran before.
        tracing::callsite::rebuild_interest_cache();

        let server = mock().await;
        let control = server.control();
        control.add_fault(Fault::times(Some("create"), FaultKind::ServerError(503), 1));
        control.add_fault(Fault::times(Some("create"), FaultKind::DropAfterCommit, 1));
        let client = client(&server.base_url());
        let scope = Scope::Account(ACCOUNT.into());
        let mut body = github_body("GitHub", "cid-1");
        body.scim_config = Field::Value(ScimConfigBody {
            enabled: Field::Value(true),
            ..Default::default()
        });
        let created = client
            .create_identity_provider(&scope, &body)
            .await
            .unwrap();
        let id = created.id.unwrap();
        client.get_identity_provider(&scope, &id).await.unwrap();
        client
            .get_identity_provider(&scope, "00000000-0000-0000-0000-000000000000")
            .await
            .unwrap_err();
        client.delete_identity_provider(&scope, &id).await.unwrap();
        server.shutdown().await;

        let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.contains("Cloudflare API request"),
            "nothing captured: {text}"
        );
        assert!(text.contains("retrying Cloudflare API request"), "{text}");
        assert!(!text.contains(TOKEN), "token in logs");
        assert!(!text.contains(CLIENT_SECRET), "client secret in logs");
        assert!(!text.contains("Bearer"), "auth header in logs");
    }

    #[tokio::test]
    async fn crud_round_trip_in_both_scopes() {
        let server = mock().await;
        let client = client(&server.base_url());
        for scope in [Scope::Account(ACCOUNT.into()), Scope::Zone(ZONE.into())] {
            let created = client
                .create_identity_provider(&scope, &github_body("GitHub", "cid-1"))
                .await
                .unwrap();
            let id = created.id.clone().expect("created object has an id");
            assert_eq!(created.name.as_deref(), Some("GitHub"));
            assert_eq!(created.kind.as_deref(), Some("github"));
            assert_eq!(created.config.client_id.as_deref(), Some("cid-1"));

            let fetched = client.get_identity_provider(&scope, &id).await.unwrap();
            assert_eq!(fetched.id.as_deref(), Some(id.as_str()));
            assert_eq!(fetched.config.client_id.as_deref(), Some("cid-1"));

            let listed = client.list_identity_providers(&scope).await.unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(listed[0].id.as_deref(), Some(id.as_str()));

            let updated = client
                .update_identity_provider(&scope, &id, &github_body("GitHub renamed", "cid-2"))
                .await
                .unwrap();
            assert_eq!(updated.name.as_deref(), Some("GitHub renamed"));
            assert_eq!(updated.config.client_id.as_deref(), Some("cid-2"));
            let stored = server
                .control()
                .objects()
                .into_iter()
                .find(|o| o["id"] == id.as_str())
                .expect("object stored");
            assert_eq!(stored["__scope"], scope.segment());
            assert_eq!(stored["__owner_id"], scope.id());
            assert_eq!(stored["name"], "GitHub renamed");

            client.delete_identity_provider(&scope, &id).await.unwrap();
            let error = client.get_identity_provider(&scope, &id).await.unwrap_err();
            assert!(error.is_not_found(), "{error:?}");
            assert_eq!(
                error.to_string().split(':').next().unwrap(),
                format!(
                    "Cloudflare API returned 404 Not Found for GET /{}/{}/access/identity_providers/{id}",
                    scope.segment(),
                    scope.id()
                )
            );
            // Deleting something that is gone is a plain 404 on the first attempt.
            let error = client
                .delete_identity_provider(&scope, &id)
                .await
                .unwrap_err();
            assert!(error.is_not_found(), "{error:?}");
        }
        assert_eq!(server.control().object_count(), 0);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn update_can_clear_a_field_with_null() {
        let server = mock().await;
        let client = client(&server.base_url());
        let scope = Scope::Account(ACCOUNT.into());
        let mut body = IdentityProviderBody {
            name: Field::Value("Okta".into()),
            kind: Field::Value("okta".into()),
            config: Field::Value(IdentityProviderConfigBody {
                client_id: Field::Value("cid".into()),
                client_secret: Field::Value(CLIENT_SECRET.into()),
                okta_account: Field::Value("https://dev-1.okta.com".into()),
                authorization_server_id: Field::Value("aus1".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let created = client
            .create_identity_provider(&scope, &body)
            .await
            .unwrap();
        assert_eq!(
            created.config.authorization_server_id.as_deref(),
            Some("aus1")
        );
        let id = created.id.unwrap();
        if let Field::Value(config) = &mut body.config {
            config.authorization_server_id = Field::Null;
        }
        let updated = client
            .update_identity_provider(&scope, &id, &body)
            .await
            .unwrap();
        assert_eq!(updated.config.authorization_server_id, None);
        assert_eq!(
            updated.config.okta_account.as_deref(),
            Some("https://dev-1.okta.com")
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn validation_errors_keep_status_and_codes() {
        let server = mock().await;
        let client = client(&server.base_url());
        let body = IdentityProviderBody {
            name: Field::Value("Broken".into()),
            kind: Field::Value("no-such-type".into()),
            config: Field::Value(IdentityProviderConfigBody::default()),
            ..Default::default()
        };
        let error = client
            .create_identity_provider(&Scope::Account(ACCOUNT.into()), &body)
            .await
            .unwrap_err();
        let Error::Api {
            status,
            errors,
            attempts,
            ..
        } = &error
        else {
            panic!("expected an API error, got {error:?}");
        };
        assert_eq!(*status, 400);
        assert_eq!(*attempts, 1, "a 400 is not retried");
        assert!(errors.iter().any(|e| e.code == 12130), "{errors:?}");
        let text = error.to_string();
        assert!(
            text.starts_with(&format!(
                "Cloudflare API returned 400 Bad Request for POST /accounts/{ACCOUNT}/access/identity_providers: "
            )),
            "{text}"
        );
        assert!(text.contains("(code 12130)"), "{text}");
        assert_eq!(server.control().object_count(), 0);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn bad_credentials_are_a_403_without_advice_of_its_own() {
        let server = mock().await;
        let mut config = config(&server.base_url());
        config.auth = Auth::Token("wrong-token-0123456789abcdefghijklmnopqrs".into());
        let client = Client::new(config).unwrap();
        let error = list_account(&client).await.unwrap_err();
        assert_eq!(error.status(), Some(403), "{error:?}");
        assert!(error.codes().contains(&10000), "{error:?}");
        let text = error.to_string();
        assert!(text.contains("403 Forbidden"), "{text}");
        // What to check is said once, by the caller (see resources::api_error), with the exact
        // permission name; the error itself only reports what happened.
        assert!(!text.contains("permission"), "{text}");
        assert!(!text.contains("wrong-token"), "{text}");
        server.shutdown().await;
    }

    #[tokio::test]
    async fn list_follows_pages() {
        let server = mock().await;
        let control = server.control();
        let scope = Scope::Account(ACCOUNT.into());
        let mut seeded = HashSet::new();
        for n in 0..120 {
            let id = control.insert(
                "accounts",
                ACCOUNT,
                json!({"name": format!("idp-{n}"), "type": "github",
                       "config": {"client_id": format!("c{n}")}}),
            );
            seeded.insert(id);
        }
        // Something in the other scope must not leak in.
        control.insert(
            "zones",
            ZONE,
            json!({"name": "z", "type": "github", "config": {}}),
        );
        let listed = client(&server.base_url())
            .list_identity_providers(&scope)
            .await
            .unwrap();
        let ids: HashSet<String> = listed.iter().filter_map(|p| p.id.clone()).collect();
        assert_eq!(listed.len(), 120);
        assert_eq!(ids, seeded);
        // 120 objects at 50 per page: three pages, maybe one more to see an empty page.
        let lists = count(&server, "list");
        assert!((3..=4).contains(&lists), "{lists} list requests");
        server.shutdown().await;
    }

    #[tokio::test]
    async fn server_errors_are_retried_until_they_clear() {
        let server = mock().await;
        let control = server.control();
        control.add_fault(Fault::times(Some("list"), FaultKind::ServerError(503), 2));
        let listed = list_account(&client(&server.base_url())).await.unwrap();
        assert!(listed.is_empty());
        assert_eq!(count(&server, "list"), 3);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn exhausted_retries_give_a_clear_error() {
        let server = mock().await;
        let control = server.control();
        let client = client(&server.base_url());
        let scope = Scope::Account(ACCOUNT.into());
        let id = control.insert(
            "accounts",
            ACCOUNT,
            json!({"name": "g", "type": "github", "config": {}}),
        );

        control.add_fault(Fault::always(Some("get"), FaultKind::ServerError(500)));
        let error = client.get_identity_provider(&scope, &id).await.unwrap_err();
        assert!(
            matches!(
                error,
                Error::Api {
                    status: 500,
                    attempts: 4,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().ends_with("(gave up after 4 attempts)"),
            "{error}"
        );

        control.clear_faults();
        control.add_fault(Fault::always(Some("get"), throttled(0)));
        let error = client.get_identity_provider(&scope, &id).await.unwrap_err();
        let Error::RateLimited {
            attempts,
            retry_after,
            ..
        } = &error
        else {
            panic!("expected RateLimited, got {error:?}");
        };
        assert_eq!(*attempts, 4);
        assert_eq!(*retry_after, Some(Duration::ZERO));
        assert_says(&error, "429 Too Many Requests");
        server.shutdown().await;
    }

    #[tokio::test]
    async fn retry_after_is_respected() {
        let server = mock().await;
        server
            .control()
            .add_fault(Fault::times(Some("list"), throttled(1), 1));
        let client = client(&server.base_url());
        let started = Instant::now();
        list_account(&client).await.unwrap();
        // Our own backoff is at most 20 ms here, so only Retry-After explains a second's wait.
        assert_waited(started, Duration::from_millis(990));
        assert_eq!(count(&server, "list"), 2);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn retry_after_beyond_the_time_budget_fails_fast() {
        let server = mock().await;
        server
            .control()
            .add_fault(Fault::always(Some("list"), throttled(120)));
        let mut config = config(&server.base_url());
        config.retry.max_elapsed = Duration::from_secs(10);
        let client = Client::new(config).unwrap();
        let started = Instant::now();
        let error = list_account(&client).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            matches!(error, Error::RateLimited { attempts: 1, .. }),
            "{error:?}"
        );
        assert_says(
            &error,
            "asked to wait 2m, longer than the retry settings allow",
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn concurrent_callers_share_the_bucket_and_never_hit_the_server_limit() {
        let server = limited_mock(15, Duration::from_secs(1)).await;
        let mut config = config(&server.base_url());
        // 10 per second with no retries: a single 429 would fail a call.
        config.rate_limit = Some(RateLimit {
            requests: 10,
            per: Duration::from_secs(1),
        });
        config.retry = RetryPolicy::none();
        let client = Client::new(config).unwrap();
        let started = Instant::now();
        for result in list_concurrently(&client, 20).await {
            result.expect("every caller succeeds without a 429");
        }
        // One burst request, then 19 at 9 per second: the callers really waited.
        assert_waited(started, Duration::from_millis(1500));
        assert_eq!(count(&server, "list"), 20);

        // The same load without the client-side bucket does trip the server's limit, so the
        // assertion above is meaningful.
        server.control().reset();
        server
            .control()
            .set_rate_limit(Some(cloudflare_mock::RateLimit {
                requests: 15,
                window: Duration::from_secs(60),
            }));
        let mut unlimited = self::config(&server.base_url());
        unlimited.rate_limit = None;
        unlimited.retry = RetryPolicy::none();
        let unlimited = Client::new(unlimited).unwrap();
        let limited = list_concurrently(&unlimited, 20)
            .await
            .into_iter()
            .filter(|result| matches!(result, Err(Error::RateLimited { .. })))
            .count();
        assert!(limited > 0, "the server limit never triggered");
        server.shutdown().await;
    }

    fn paced(base_url: &str, assumed: RateLimit, state_dir: Option<std::path::PathBuf>) -> Client {
        let mut config = config(base_url);
        // No retries: a single 429 would fail a call.
        config.retry = RetryPolicy::none();
        config.pacing = Some(Pacing {
            assumed_budget: assumed,
            state_dir,
        });
        Client::new(config).unwrap()
    }

    async fn list_concurrently(client: &Client, calls: usize) -> Vec<Result<(), Error>> {
        let scope = Scope::Account(ACCOUNT.into());
        let tasks: Vec<_> = (0..calls)
            .map(|_| {
                let client = client.clone();
                let scope = scope.clone();
                tokio::spawn(async move { client.list_identity_providers(&scope).await.map(drop) })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    }

    #[tokio::test]
    async fn pacing_by_the_headers_spends_the_budget_without_a_single_429() {
        let window = Duration::from_secs(2);
        let server = limited_mock(20, window).await;
        // The assumed budget is far larger: the headers are what keeps this client in line.
        let client = paced(&server.base_url(), RateLimit::default(), None);
        let started = Instant::now();
        let results = list_concurrently(&client, 40).await;
        let elapsed = started.elapsed();
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(server.control().throttled_total(), 0);
        assert_eq!(count(&server, "list"), 40);
        // 40 requests at 20 per window need a third window; the reserve of 2 per window means
        // they start in it, not before.
        assert!(elapsed >= 2 * window, "{elapsed:?}");
        assert!(
            elapsed < 5 * window,
            "pacing was overly cautious: {elapsed:?}"
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn a_comfortable_budget_costs_no_waiting() {
        let server = mock().await;
        let client = paced(&server.base_url(), RateLimit::default(), None);
        let started = Instant::now();
        let results = list_concurrently(&client, 100).await;
        assert!(results.iter().all(Result::is_ok));
        // 100 of 1200: nothing to pace. Generous for a busy machine, far below any pacing.
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn another_client_spending_the_same_budget_is_seen_in_the_headers() {
        let window = Duration::from_secs(2);
        let server = limited_mock(20, window).await;
        // Some other tool with the same token spends 12 of the 20 first.
        let other = reqwest::Client::new();
        let url = format!(
            "{}/accounts/{ACCOUNT}/access/identity_providers",
            server.base_url()
        );
        for _ in 0..12 {
            let response = other.get(&url).bearer_auth(TOKEN).send().await.unwrap();
            assert_eq!(response.status(), 200);
        }
        let client = paced(&server.base_url(), RateLimit::default(), None);
        let results = list_concurrently(&client, 20).await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(server.control().throttled_total(), 0);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn without_headers_the_local_window_keeps_within_the_budget() {
        let server = mock().await;
        let window = Duration::from_secs(2);
        let budget = cloudflare_mock::RateLimit {
            requests: 10,
            window,
        };
        server.control().set_rate_limit(Some(budget));
        server.control().set_rate_limit_headers(false);
        let dir = tempfile::tempdir().unwrap();
        let client = paced(
            &server.base_url(),
            RateLimit {
                requests: 10,
                per: window,
            },
            Some(dir.path().to_owned()),
        );
        let started = Instant::now();
        let results = list_concurrently(&client, 20).await;
        let elapsed = started.elapsed();
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(server.control().throttled_total(), 0);
        // Nine per window: the third window is needed.
        assert!(elapsed >= 2 * window, "{elapsed:?}");
        // The window was shared through a file, which never names the credentials.
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(files[0].path()).unwrap();
        // A header line, then the send times still inside the window (older ones are pruned).
        let entries = text.lines().count() - 1;
        assert!((1..=9).contains(&entries), "{text}");
        assert!(!text.contains(TOKEN));
        assert!(!files[0].file_name().to_string_lossy().contains(TOKEN));
        server.shutdown().await;
    }

    #[tokio::test]
    async fn separately_built_clients_with_the_same_credentials_share_the_budget() {
        let server = mock().await;
        let limited = || {
            let mut config = config(&server.base_url());
            // A burst of one, then one request per second.
            config.rate_limit = Some(RateLimit {
                requests: 2,
                per: Duration::from_secs(1),
            });
            Client::new(config).unwrap()
        };
        let (first, second) = (limited(), limited());
        let scope = Scope::Account(ACCOUNT.into());
        let started = Instant::now();
        first.list_identity_providers(&scope).await.unwrap();
        second.list_identity_providers(&scope).await.unwrap();
        assert_waited(started, Duration::from_millis(900));
        server.shutdown().await;
    }

    #[tokio::test]
    async fn create_after_a_dropped_response_leaves_exactly_one_object() {
        let server = mock().await;
        let control = server.control();
        control.add_fault(Fault::times(Some("create"), FaultKind::DropAfterCommit, 1));
        let client = client(&server.base_url());
        let scope = Scope::Account(ACCOUNT.into());
        let created = client
            .create_identity_provider(&scope, &github_body("GitHub", "cid-1"))
            .await
            .unwrap();
        assert_eq!(control.object_count(), 1);
        let stored = &control.objects()[0];
        assert_eq!(created.id.as_deref(), stored["id"].as_str());
        assert_eq!(created.name.as_deref(), Some("GitHub"));
        assert_eq!(count(&server, "create"), 1, "the POST was not sent again");
        server.shutdown().await;
    }

    #[tokio::test]
    async fn onetimepin_create_after_a_dropped_response_is_adopted() {
        let server = mock().await;
        let control = server.control();
        control.add_fault(Fault::times(Some("create"), FaultKind::DropAfterCommit, 1));
        let created = client(&server.base_url())
            .create_identity_provider(&Scope::Zone(ZONE.into()), &onetimepin_body())
            .await
            .unwrap();
        assert_eq!(created.kind.as_deref(), Some("onetimepin"));
        assert_eq!(control.object_count(), 1);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn create_dropped_before_handling_is_sent_again() {
        let server = mock().await;
        let control = server.control();
        control.add_fault(Fault::times(Some("create"), FaultKind::DropConnection, 1));
        let created = client(&server.base_url())
            .create_identity_provider(&Scope::Account(ACCOUNT.into()), &github_body("G", "c"))
            .await
            .unwrap();
        assert_eq!(control.object_count(), 1);
        assert_eq!(control.objects()[0]["id"].as_str(), created.id.as_deref());
        assert_eq!(count(&server, "create"), 2);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn create_with_several_lookalikes_refuses_to_guess() {
        let server = mock().await;
        let control = server.control();
        for _ in 0..2 {
            control.insert(
                "accounts",
                ACCOUNT,
                json!({"name": "G", "type": "github", "config": {"client_id": "c"}}),
            );
        }
        control.add_fault(Fault::times(Some("create"), FaultKind::DropConnection, 1));
        let error = client(&server.base_url())
            .create_identity_provider(&Scope::Account(ACCOUNT.into()), &github_body("G", "c"))
            .await
            .unwrap_err();
        let Error::AmbiguousCreate { candidates, .. } = &error else {
            panic!("expected AmbiguousCreate, got {error:?}");
        };
        assert_eq!(candidates.len(), 2);
        assert_eq!(control.object_count(), 2, "nothing new was created");
        server.shutdown().await;
    }

    #[tokio::test]
    async fn delete_retried_after_a_dropped_response_succeeds() {
        let server = mock().await;
        let control = server.control();
        let id = control.insert(
            "zones",
            ZONE,
            json!({"name": "g", "type": "github", "config": {}}),
        );
        control.add_fault(Fault::times(Some("delete"), FaultKind::DropAfterCommit, 1));
        client(&server.base_url())
            .delete_identity_provider(&Scope::Zone(ZONE.into()), &id)
            .await
            .unwrap();
        assert_eq!(control.object_count(), 0);
        assert_eq!(count(&server, "delete"), 2);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn slow_answers_time_out() {
        let server = mock().await;
        server.control().add_fault(Fault::always(
            Some("get"),
            FaultKind::Latency(Duration::from_secs(5)),
        ));
        let mut config = config(&server.base_url());
        config.request_timeout = Duration::from_millis(200);
        config.retry = quick_retry(1);
        let error = Client::new(config)
            .unwrap()
            .get_identity_provider(&Scope::Account(ACCOUNT.into()), "abc")
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Timeout { attempts: 2, .. }),
            "{error:?}"
        );
        assert_says(&error, "did not answer GET");
        server.shutdown().await;
    }
}
