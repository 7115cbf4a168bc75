//! The client against hostile or broken servers: raw TCP listeners that flood, trickle, send
//! invalid UTF-8 or absurdly deep JSON, ask to wait for years, or redirect to another host. Each
//! call must end within its timeout plus the retry budget, without a panic, without reading an
//! unbounded body, and without handing credentials to anyone but the API root.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::raw_http::RawServer;
use super::*;

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN: &str = "hostile-test-token-5f2a9c0d7e";
const KEY: &str = "hostile-test-global-key-8b1e4";
const EMAIL: &str = "ops@example.com";
const SERVICE_KEY: &str = "v1.0-hostile-test-service-key-3c7d";

/// Longest any single call in this file may take before it counts as a hang.
const HANG: Duration = Duration::from_secs(30);

/// Writes a complete answer and closes.
async fn answer(mut socket: TcpStream, status: &str, headers: impl AsRef<[u8]>, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(headers.as_ref()).await;
    let _ = socket.write_all(b"connection: close\r\n\r\n").await;
    let _ = socket.write_all(body).await;
    let _ = socket.shutdown().await;
}

fn client_with(base_url: &str, auth: Auth, timeout: Duration, retry: RetryPolicy) -> Client {
    Client::new(ClientConfig {
        base_url: base_url.to_owned(),
        auth,
        user_agent: user_agent("0.1.0-test", None),
        retry,
        pacing: None,
        rate_limit: None,
        request_timeout: timeout,
    })
    .unwrap()
}

/// A client with the test token, the default timeout and [`fast_retries`].
fn token_client(base_url: &str) -> Client {
    client_with(
        base_url,
        Auth::Token(TOKEN.into()),
        DEFAULT_REQUEST_TIMEOUT,
        fast_retries(),
    )
}

/// Fetches one identity provider from a server that answers every request with `status`,
/// `headers` and `body`; returns the result and how long the call took.
async fn get_answered_with(
    status: &'static str,
    headers: &'static [u8],
    body: Vec<u8>,
) -> (Result<IdentityProvider, Error>, Duration) {
    let body = Arc::new(body);
    let server = RawServer::start(move |_, socket| {
        let body = body.clone();
        async move { answer(socket, status, headers, &body).await }
    })
    .await;
    let client = token_client(&server.base_url);
    bounded(HANG, client.get_identity_provider(&account(), "abc")).await
}

/// Default retry counts and budget, with short waits so a test takes seconds.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        min_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn account() -> Scope {
    Scope::Account(ACCOUNT.into())
}

/// Runs `call`, failing the test if it takes longer than `limit`; returns its result and time.
async fn bounded<T>(limit: Duration, call: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let result = tokio::time::timeout(limit, call)
        .await
        .unwrap_or_else(|_| panic!("the call did not end within {limit:?}"));
    (result, started.elapsed())
}

/// A 1 GiB body, announced or chunked: the client stops reading at its cap and fails once, and
/// the server is never asked again.
#[tokio::test]
async fn a_one_gib_body_is_cut_off_at_the_cap() {
    const GIB: u64 = 1 << 30;
    for announced in [true, false] {
        let written = Arc::new(AtomicU64::new(0));
        let counter = written.clone();
        let server = RawServer::start(move |_, mut socket| {
            let counter = counter.clone();
            async move {
                let head = if announced {
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {GIB}\r\n\r\n")
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
                };
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                // Streamed from one reused block: the server holds 64 KiB, never the body.
                let block = vec![b' '; 64 * 1024];
                let chunk_head = format!("{:x}\r\n", block.len());
                let mut sent = 0;
                while sent < GIB {
                    let ok = if announced {
                        socket.write_all(&block).await.is_ok()
                    } else {
                        socket.write_all(chunk_head.as_bytes()).await.is_ok()
                            && socket.write_all(&block).await.is_ok()
                            && socket.write_all(b"\r\n").await.is_ok()
                    };
                    if !ok {
                        break;
                    }
                    sent += block.len() as u64;
                    counter.store(sent, Ordering::Relaxed);
                }
            }
        })
        .await;
        let client = token_client(&server.base_url);
        let (result, took) = bounded(HANG, client.list_identity_providers(&account())).await;
        let error = result.unwrap_err();
        let text = error.to_string();
        assert!(
            matches!(error, Error::Decode { status: 200, .. }),
            "{error:?}"
        );
        assert!(
            text.contains("the response body is larger than 16 MiB"),
            "{text}"
        );
        assert_eq!(server.heads().len(), 1, "a flood is not worth a retry");
        let sent = written.load(Ordering::Relaxed);
        // The socket buffers hold a few MiB at most beyond what the client read.
        assert!(sent < 64 << 20, "the server got to send {sent} bytes");
        println!(
            "1 GiB body ({}): refused after {took:?}, {} MiB written by the server before the client hung up: {text}",
            if announced { "content-length" } else { "chunked" },
            sent >> 20
        );
    }
}

/// A server that answers a byte a second: each attempt ends at the request timeout, and the
/// call ends once the retries are spent, well within timeout × attempts plus backoff.
#[tokio::test]
async fn a_trickling_answer_ends_at_the_timeout() {
    let server = RawServer::start(|_, mut socket| async move {
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for _ in 0..1000 {
            if socket.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let timeout = Duration::from_millis(1500);
    let retry = RetryPolicy {
        max_retries: 2,
        ..fast_retries()
    };
    let client = client_with(&server.base_url, Auth::Token(TOKEN.into()), timeout, retry);
    let (result, took) = bounded(HANG, client.get_identity_provider(&account(), "abc")).await;
    let error = result.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(took >= timeout * 3, "{took:?}");
    assert!(took < timeout * 3 + Duration::from_secs(3), "{took:?}");
    println!("trickle: 3 attempts of {timeout:?} ended after {took:?}: {error}");
}

/// Invalid UTF-8 in a 2xx body, in an error body and in a header: errors, never panics.
#[tokio::test]
async fn invalid_utf8_is_a_decode_error_not_a_panic() {
    let bodies: [(&str, &[u8]); 3] = [
        (
            "200 OK",
            b"{\"success\":true,\"result\":{\"id\":\"\xff\xfe\"}}",
        ),
        (
            "400 Bad Request",
            b"{\"success\":false,\"errors\":[{\"code\":1,\"message\":\"\xc3\x28\"}]}",
        ),
        ("200 OK", b"\xff\xff\xff\xff"),
    ];
    for (status, body) in bodies {
        let (result, _) = get_answered_with(status, b"x-odd: \xe9t\xe9\r\n", body.to_vec()).await;
        let error = result.unwrap_err();
        match status {
            "200 OK" => assert!(matches!(error, Error::Decode { .. }), "{error:?}"),
            _ => assert!(matches!(error, Error::Api { status: 400, .. }), "{error:?}"),
        }
        println!("invalid UTF-8 ({status}): {error}");
    }
}

/// JSON nested 100,000 deep where a result is expected, under a key the client ignores, and as
/// an error body: a decode error, a skipped value, and the plain status; never a stack overflow.
#[tokio::test]
async fn json_nested_100000_deep_is_refused() {
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let cases = [
        (
            "200 OK",
            format!("{{\"success\":true,\"result\":{nested}}}"),
        ),
        (
            "200 OK",
            format!("{{\"success\":true,\"result\":{{\"id\":\"a\",\"unknown\":{nested}}}}}"),
        ),
        (
            "400 Bad Request",
            format!("{{\"success\":false,\"errors\":{nested}}}"),
        ),
    ];
    for (case, (status, body)) in cases.into_iter().enumerate() {
        let (result, took) = get_answered_with(status, b"", body.into_bytes()).await;
        let outcome = match (case, result) {
            (0, Err(error @ Error::Decode { .. })) => error.to_string(),
            (1, Ok(found)) => {
                assert_eq!(found.id.as_deref(), Some("a"));
                "skipped the unknown key, kept the object".to_owned()
            }
            (2, Err(error @ Error::Api { status: 400, .. })) => error.to_string(),
            (_, other) => panic!("case {case}: {other:?}"),
        };
        println!("nesting {depth} ({status}, case {case}): {took:?}: {outcome}");
    }
}

/// A `Retry-After` of ten years (and absurd variants): the call fails at once with the wait
/// quoted as the cap, and the next call is not held back by it.
#[tokio::test]
async fn a_retry_after_of_ten_years_fails_at_once_and_pauses_no_one() {
    let ten_years = 10 * 365 * 24 * 3600u64;
    let headers = [
        format!("retry-after: {ten_years}\r\n"),
        "retry-after: 1e300\r\n".to_owned(),
        "retry-after: inf\r\n".to_owned(),
        "retry-after-ms: 1e308\r\n".to_owned(),
        "retry-after: Fri, 31 Dec 9999 23:59:59 GMT\r\n".to_owned(),
    ];
    for header in headers {
        let shown = header.trim().to_owned();
        let header = Arc::new(header);
        let answered = Arc::new(AtomicU64::new(0));
        let count = answered.clone();
        let server = RawServer::start(move |_, socket| {
            let header = header.clone();
            let count = count.clone();
            async move {
                // The first request is refused with the wait; later ones succeed.
                if count.fetch_add(1, Ordering::Relaxed) == 0 {
                    let body =
                        br#"{"success":false,"errors":[{"code":10000,"message":"slow down"}]}"#;
                    answer(socket, "429 Too Many Requests", header.as_bytes(), body).await
                } else {
                    let body = br#"{"success":true,"errors":[],"messages":[],"result":[]}"#;
                    answer(socket, "200 OK", "", body).await
                }
            }
        })
        .await;
        // Default retry policy and timeout, with pacing as users get it.
        let mut config = ClientConfig::new(Auth::Token(TOKEN.into()), user_agent("0.1.0", None));
        config.base_url = server.base_url.clone();
        config.pacing = None;
        let client = Client::new(config).unwrap();
        let (result, took) = bounded(HANG, client.list_identity_providers(&account())).await;
        let error = result.unwrap_err();
        let text = error.to_string();
        assert!(
            matches!(error, Error::RateLimited { attempts: 1, .. }),
            "{error:?}"
        );
        assert!(took < Duration::from_secs(5), "{took:?}");
        assert!(text.contains("asked to wait 24h or more"), "{text}");
        let (next, next_took) = bounded(HANG, client.list_identity_providers(&account())).await;
        assert!(next.unwrap().is_empty());
        assert!(next_took < Duration::from_secs(5), "{next_took:?}");
        println!(
            "{} -> failed after {took:?}; next call took {next_took:?}: {text}",
            shown
        );
    }
}

/// Redirects to a second listener, for every method and every credential kind: the redirect is
/// refused with an error, and the other host receives nothing at all.
#[tokio::test]
async fn redirects_are_refused_and_the_other_host_gets_nothing() {
    let elsewhere = RawServer::start(|_, socket| async move {
        answer(socket, "200 OK", "", br#"{"success":true,"result":[]}"#).await
    })
    .await;
    let target = format!("{}/client/v4/stolen?token=x", elsewhere.origin);
    let statuses = [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ];
    let credentials = [
        Auth::Token(TOKEN.into()),
        Auth::GlobalKey {
            email: EMAIL.into(),
            key: KEY.into(),
        },
        Auth::UserServiceKey(SERVICE_KEY.into()),
    ];
    let mut refused = 0;
    for status in statuses {
        let location = Arc::new(format!("location: {target}\r\n"));
        let server = RawServer::start(move |_, socket| {
            let location = location.clone();
            async move { answer(socket, status, location.as_bytes(), b"").await }
        })
        .await;
        for auth in &credentials {
            let client = client_with(
                &server.base_url,
                auth.clone(),
                DEFAULT_REQUEST_TIMEOUT,
                fast_retries(),
            );
            let body = IdentityProviderBody {
                name: Field::Value("x".into()),
                kind: Field::Value("onetimepin".into()),
                config: Field::Value(IdentityProviderConfigBody::default()),
                ..IdentityProviderBody::default()
            };
            let calls: Vec<(&str, Result<(), Error>)> = vec![
                (
                    "GET",
                    bounded(HANG, client.get_identity_provider(&account(), "abc"))
                        .await
                        .0
                        .map(drop),
                ),
                (
                    "POST",
                    bounded(HANG, client.create_identity_provider(&account(), &body))
                        .await
                        .0
                        .map(drop),
                ),
                (
                    "PUT",
                    bounded(
                        HANG,
                        client.update_identity_provider(&account(), "abc", &body),
                    )
                    .await
                    .0
                    .map(drop),
                ),
                (
                    "DELETE",
                    bounded(HANG, client.delete_identity_provider(&account(), "abc"))
                        .await
                        .0,
                ),
            ];
            for (method, result) in calls {
                let error = result.unwrap_err();
                assert!(
                    matches!(error, Error::Redirected { .. }),
                    "{method} {status} {}: {error:?}",
                    auth.scheme()
                );
                let text = error.to_string();
                assert!(text.contains(&elsewhere.origin), "{text}");
                assert!(!text.contains("token=x"), "{text}");
                refused += 1;
            }
        }
        // Every attempt went to the API root once: a redirect is not retried.
        assert_eq!(server.heads().len(), 12, "{status}");
    }
    assert!(
        elsewhere.heads().is_empty(),
        "the other host was contacted: {:?}",
        elsewhere.heads()
    );
    let sample = {
        let server = RawServer::start(move |_, socket| async move {
            answer(
                socket,
                "302 Found",
                "location: https://evil.example/x\r\n",
                b"",
            )
            .await
        })
        .await;
        token_client(&server.base_url)
            .list_identity_providers(&account())
            .await
            .unwrap_err()
            .to_string()
    };
    println!(
        "redirects: {refused} calls refused, 0 requests reached the other host; e.g. {sample}"
    );
}

/// The response decoder (envelope, identity provider, error envelope) on random, mutated and
/// hostile bodies: errors or values, never a panic; an error never quotes the credentials.
#[test]
fn fuzz_api_response_decoder() {
    use super::client::{ApiRequest, RawResponse};
    use crate::fuzzing::{self, Verdict};
    use rand::Rng;

    let valid_one = serde_json::json!({
        "success": true, "errors": [], "messages": [{"code": 1000, "message": "ok"}],
        "result": {
            "id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "name": "Azure", "type": "azureAD",
            "config": {
                "client_id": "cid", "claims": ["email"], "conditional_access_enabled": false,
                "header_attributes": [{"attribute_name": "a", "header_name": "X-A"}]
            },
            "scim_config": {"enabled": true, "secret": "*****", "user_deprovision": true}
        }
    })
    .to_string();
    let valid_list = format!(
        "{{\"success\":true,\"errors\":null,\"result\":[{}],\"result_info\":{{\"page\":1,\"per_page\":50,\"total_pages\":3}}}}",
        serde_json::from_str::<serde_json::Value>(&valid_one).unwrap()["result"]
    );
    let valid_error = format!(
        "{{\"success\":false,\"errors\":[{{\"code\":10000,\"message\":\"bad {TOKEN}\",\"error_chain\":[{{\"code\":6003,\"message\":\"x\"}}]}},\"plain\"]}}"
    );
    let client = client_with(
        "http://127.0.0.1:9/client/v4",
        Auth::Token(TOKEN.into()),
        DEFAULT_REQUEST_TIMEOUT,
        RetryPolicy::none(),
    );
    fuzzing::run("API response decoder", move |rng| {
        let body = match rng.random_range(0..40) {
            0..=7 => fuzzing::bytes(rng, 96),
            8..=38 => {
                let base = [&valid_one, &valid_list, &valid_error][rng.random_range(0..3)];
                fuzzing::mutate(rng, base.as_bytes())
            }
            _ => {
                let levels = rng.random_range(1..100_000);
                format!("{{\"result\":{}", "{\"a\":[".repeat(levels)).into_bytes()
            }
        };
        let request = ApiRequest::new(reqwest::Method::GET, vec!["accounts", ACCOUNT]);
        let response = RawResponse {
            status: [200, 400, 404, 429, 500][rng.random_range(0..5)],
            headers: Default::default(),
            body,
        };
        let one = client.decode::<IdentityProvider>(&request, &response, 1);
        let many = client.decode::<Vec<IdentityProvider>>(&request, &response, 1);
        let _ = super::envelope::ErrorEnvelope::parse(&response.body);
        for text in [
            one.as_ref().err().map(ToString::to_string),
            many.as_ref().err().map(ToString::to_string),
        ]
        .into_iter()
        .flatten()
        {
            assert!(!text.contains(TOKEN), "an error quoted the token: {text}");
        }
        if one.is_ok() || many.is_ok() {
            Verdict::Accepted
        } else {
            Verdict::Rejected
        }
    });
}
