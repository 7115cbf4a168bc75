//! Injected faults, the rate limiter, counters and out-of-band changes.

use std::time::{Duration, Instant};

use cloudflare_mock::{Fault, FaultKind, MockConfig, RateLimit, DEFAULT_TOKEN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{minimal, send_request, Api};

#[tokio::test]
async fn server_error_fault_fires_the_given_number_of_times() {
    let api = Api::start().await;
    api.control()
        .add_fault(Fault::times(Some("create"), FaultKind::ServerError(503), 2));
    for _ in 0..2 {
        let reply = api.create(minimal("github")).await;
        let message = reply.error(503, 10002);
        assert!(message.contains("injected"), "{message}");
    }
    // Other operations were never affected, and the fault is spent now.
    assert_eq!(api.list("").await.status, StatusCode::OK);
    assert_eq!(
        api.create(minimal("github")).await.status,
        StatusCode::CREATED
    );
    assert_eq!(api.control().object_count(), 1);
    assert!(api.control().faults().is_empty());
    let counts = api.control().request_counts();
    assert_eq!(counts["create"], 3);
    assert_eq!(counts["list"], 1);
}

#[tokio::test]
async fn too_many_requests_fault_sends_retry_after_and_971() {
    let api = Api::start().await;
    api.control().add_fault(Fault::times(
        None,
        FaultKind::TooManyRequests {
            retry_after_secs: 7,
        },
        1,
    ));
    let reply = api.list("").await;
    assert_eq!(
        reply.error(429, 971),
        "Please wait and consider throttling your request speed"
    );
    assert_eq!(reply.headers["retry-after"], "7");
    assert_eq!(api.list("").await.status, StatusCode::OK);
}

#[tokio::test]
async fn latency_fault_delays_but_still_answers() {
    let api = Api::start().await;
    api.control().add_fault(Fault::times(
        Some("get"),
        FaultKind::Latency(Duration::from_millis(300)),
        1,
    ));
    let id = api.create_ok(minimal("github")).await;
    let started = Instant::now();
    let reply = api.get(&id).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn drop_connection_gives_no_response_and_changes_nothing() {
    let api = Api::start().await;
    api.control()
        .add_fault(Fault::times(Some("create"), FaultKind::DropConnection, 1));
    let url = format!("{}{}", api.server.base_url(), api.account_path(""));
    let outcome = api
        .http
        .post(&url)
        .bearer_auth(DEFAULT_TOKEN)
        .json(&minimal("github"))
        .send()
        .await;
    let error = outcome.expect_err("the connection is dropped without a response");
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    assert_eq!(api.control().object_count(), 0);
    assert_eq!(api.control().request_counts()["create"], 1);
    // The server keeps serving new connections.
    assert_eq!(
        api.create(minimal("github")).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn drop_after_commit_performs_the_operation_without_answering() {
    let api = Api::start().await;
    api.control()
        .add_fault(Fault::times(Some("create"), FaultKind::DropAfterCommit, 1));
    let url = format!("{}{}", api.server.base_url(), api.account_path(""));
    let outcome = api
        .http
        .post(&url)
        .bearer_auth(DEFAULT_TOKEN)
        .json(&minimal("github"))
        .send()
        .await;
    assert!(outcome.is_err(), "no response expected: {outcome:?}");
    let objects = api.control().objects();
    assert_eq!(objects.len(), 1, "the create was committed");
    assert_eq!(objects[0]["name"], "github login");

    // Same for a delete: it happens, the client just never hears about it.
    let id = objects[0]["id"].as_str().unwrap().to_string();
    api.control()
        .add_fault(Fault::times(Some("delete"), FaultKind::DropAfterCommit, 1));
    let url = format!("{url}/{id}");
    assert!(api
        .http
        .delete(&url)
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .await
        .is_err());
    assert_eq!(api.control().object_count(), 0);
    api.get(&id).await.error(404, 12135);
}

#[tokio::test]
async fn probability_zero_never_fires_and_global_faults_hit_every_operation() {
    let api = Api::start().await;
    api.control().add_fault(Fault {
        probability: 0.0,
        ..Fault::always(None, FaultKind::ServerError(500))
    });
    for _ in 0..20 {
        assert_eq!(api.list("").await.status, StatusCode::OK);
    }
    api.control().clear_faults();
    let id = api.create_ok(minimal("github")).await;
    api.control()
        .add_fault(Fault::always(None, FaultKind::ServerError(502)));
    api.list("").await.error(502, 10002);
    api.get(&id).await.error(502, 10002);
    api.put(&id, minimal("github")).await.error(502, 10002);
    api.delete(&id).await.error(502, 10002);
    // A status that is not 5xx falls back to 500.
    api.control().clear_faults();
    api.control()
        .add_fault(Fault::times(None, FaultKind::ServerError(200), 1));
    api.list("").await.error(500, 10002);
    assert_eq!(api.control().object_count(), 1);
}

#[tokio::test]
async fn rate_limiter_refuses_over_budget_per_credential() {
    let second = "second-token-abcdefghijklmnopqrstuvwxyz0123";
    let api = Api::with_config(MockConfig {
        tokens: vec![DEFAULT_TOKEN.into(), second.into()],
        ..MockConfig::default()
    })
    .await;
    assert_eq!(
        api.control().rate_limit(),
        Some(RateLimit {
            requests: 1200,
            window: Duration::from_secs(300)
        })
    );
    api.control().set_rate_limit(Some(RateLimit {
        requests: 3,
        window: Duration::from_secs(60),
    }));
    for _ in 0..3 {
        assert_eq!(api.list("").await.status, StatusCode::OK);
    }
    let refused = api.list("").await;
    refused.error(429, 971);
    let retry_after: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // Writes are refused too, and nothing is created.
    api.create(minimal("github")).await.error(429, 971);
    assert_eq!(api.control().object_count(), 0);
    // Another credential has its own budget.
    let url = format!("{}{}", api.server.base_url(), api.account_path(""));
    let other = send_request(api.http.get(&url).bearer_auth(second), None).await;
    assert_eq!(other.status, StatusCode::OK);
    // Switching the limit off lets everything through.
    api.control().set_rate_limit(None);
    assert_eq!(api.list("").await.status, StatusCode::OK);
}

#[tokio::test]
async fn going_over_the_budget_blocks_for_a_window_and_429s_are_counted() {
    let api = Api::start().await;
    api.control().set_rate_limit(Some(RateLimit {
        requests: 2,
        window: Duration::from_millis(1500),
    }));
    assert_eq!(api.list("").await.status, StatusCode::OK);
    assert_eq!(api.list("").await.status, StatusCode::OK);
    let refused = api.list("").await;
    refused.error(429, 971);
    let retry_after: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry_after, 2, "a whole window (1.5 s), rounded up");
    assert_eq!(refused.headers["ratelimit"], "\"default\";r=0;t=2");
    // The block outlasts the window the budget was spent in.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    api.create(minimal("github")).await.error(429, 971);
    let counts = api.control().throttled_counts();
    assert_eq!((counts["list"], counts["create"], counts["get"]), (1, 1, 0));
    assert_eq!(api.control().throttled_total(), 2);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(api.list("").await.status, StatusCode::OK);
    // Injected 429s are counted too, and reset clears the counts.
    api.control().add_fault(Fault::times(
        Some("get"),
        FaultKind::TooManyRequests {
            retry_after_secs: 1,
        },
        1,
    ));
    api.get("00000000000000000000000000000000")
        .await
        .error(429, 971);
    assert_eq!(api.control().throttled_counts()["get"], 1);
    let (status, over_http) = api
        .control_http(Method::GET, "/__mock/throttled", None)
        .await;
    assert_eq!((status, &over_http["get"]), (StatusCode::OK, &json!(1)));
    api.control().reset();
    assert_eq!(api.control().throttled_total(), 0);
}

#[tokio::test]
async fn every_answer_reports_the_budget_in_cloudflare_syntax() {
    let api = Api::start().await;
    let fresh = api.list("").await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(fresh.headers["ratelimit"], "\"default\";r=1199;t=300");
    assert_eq!(
        fresh.headers["ratelimit-policy"],
        "\"default\";q=1200;w=300"
    );
    api.control().set_rate_limit(Some(RateLimit {
        requests: 5,
        window: Duration::from_secs(30),
    }));
    let id = api.create_ok(minimal("github")).await;
    let remaining =
        |reply: &crate::support::Reply| reply.headers["ratelimit"].to_str().unwrap().to_owned();
    assert_eq!(remaining(&api.get(&id).await), "\"default\";r=3;t=30");
    // Errors carry them too (a 404 is still a spent request).
    let missing = api.get("00000000000000000000000000000000").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(remaining(&missing), "\"default\";r=2;t=30");
    assert_eq!(missing.headers["ratelimit-policy"], "\"default\";q=5;w=30");
    // Unauthenticated requests spend nothing and learn nothing.
    let url = format!("{}{}", api.server.base_url(), api.account_path(""));
    let anonymous = send_request(api.http.get(&url), None).await;
    assert_eq!(anonymous.status, StatusCode::FORBIDDEN);
    assert!(anonymous.headers.get("ratelimit").is_none());

    // The switch turns the headers off (the limit stays), over Rust and over HTTP.
    api.control().set_rate_limit_headers(false);
    let quiet = api.list("").await;
    assert_eq!(quiet.status, StatusCode::OK);
    assert!(quiet.headers.get("ratelimit").is_none());
    assert!(quiet.headers.get("ratelimit-policy").is_none());
    let (_, shown) = api
        .control_http(Method::GET, "/__mock/rate_limit_headers", None)
        .await;
    assert_eq!(shown, json!(false));
    let (status, _) = api
        .control_http(Method::PUT, "/__mock/rate_limit_headers", Some(json!(true)))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(api.control().rate_limit_headers());
    assert_eq!(remaining(&api.list("").await), "\"default\";r=0;t=30");
    api.list("").await.error(429, 971);
    api.control().set_rate_limit(None);
    assert!(api.list("").await.headers.get("ratelimit").is_none());
    assert!(api.control().remove(&id));
}

#[tokio::test]
async fn dropped_connections_carry_no_http_bytes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let api = Api::start().await;
    for kind in [FaultKind::DropConnection, FaultKind::DropAfterCommit] {
        api.control()
            .add_fault(Fault::times(Some("create"), kind.clone(), 1));
        let body = minimal("github").to_string();
        let path = api.account_path("");
        let request = format!(
            "POST /client/v4{path} HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer {DEFAULT_TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect(api.server.addr())
            .await
            .unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut received = Vec::new();
        // EOF (Ok) or a reset (Err) are both fine; what matters is that no byte arrived and
        // that the server closed the connection rather than keeping it open.
        let closed =
            tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut received)).await;
        assert!(closed.is_ok(), "{kind:?}: the connection stayed open");
        assert!(
            received.is_empty(),
            "{kind:?}: {:?}",
            String::from_utf8_lossy(&received)
        );
    }
    // Only the commit-then-drop request created something.
    assert_eq!(api.control().object_count(), 1);
}

#[tokio::test]
async fn out_of_band_edit_and_remove_are_seen_by_clients() {
    let api = Api::start().await;
    let id = api.create_ok(minimal("azureAD")).await;
    assert!(api.control().edit(&id, json!({"name": "changed in dashboard", "config": {"client_id": "y", "support_groups": true}})));
    let shown = api.get(&id).await.result().clone();
    assert_eq!(shown["name"], "changed in dashboard");
    assert_eq!(shown["config"]["client_id"], "y");
    assert_eq!(shown["config"]["support_groups"], true);
    assert_eq!(shown["config"]["directory_id"], "dir");
    assert_eq!(api.control().client_secret(&id).as_deref(), Some("csecret"));
    assert!(!api.control().edit("unknown", json!({"name": "x"})));

    assert!(api.control().remove(&id));
    api.get(&id).await.error(404, 12135);
    assert_eq!(api.control().object_count(), 0);
}

#[tokio::test]
async fn control_surface_over_http() {
    let api = Api::start().await;
    let owner = cloudflare_mock::DEFAULT_ACCOUNT_ID;
    let (status, body) = api
        .control_http(
            Method::POST,
            "/__mock/objects",
            Some(json!({"scope": "accounts", "owner_id": owner,
            "object": {"name": "seeded", "type": "onetimepin", "config": {}}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["id"].as_str().unwrap().to_string();
    assert_eq!(api.get(&id).await.result()["name"], "seeded");

    let (status, body) = api
        .control_http(
            Method::PATCH,
            &format!("/__mock/objects/{id}"),
            Some(json!({"name": "drifted"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "drifted");
    let (status, _) = api
        .control_http(
            Method::PATCH,
            &format!("/__mock/objects/{id}"),
            Some(json!({"type": "bogus"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, objects) = api.control_http(Method::GET, "/__mock/objects", None).await;
    assert_eq!(objects.as_array().unwrap().len(), 1);
    assert_eq!(objects[0]["__scope"], "accounts");

    let (status, _) = api
        .control_http(
            Method::POST,
            "/__mock/faults",
            Some(json!({"operation": "get", "kind": "server_error", "status": 504, "times": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, faults) = api.control_http(Method::GET, "/__mock/faults", None).await;
    assert_eq!(
        faults,
        json!([{"operation": "get", "kind": "server_error", "status": 504, "probability": 1.0, "times": 1}])
    );
    api.get(&id).await.error(504, 10002);
    let (status, _) = api
        .control_http(
            Method::POST,
            "/__mock/faults",
            Some(json!({"kind": "latency"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = api
        .control_http(
            Method::POST,
            "/__mock/faults",
            Some(json!({"kind": "drop_connection", "probability": 2.0})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, limit) = api
        .control_http(
            Method::PUT,
            "/__mock/rate_limit",
            Some(json!({"requests": 1, "window_secs": 30})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(limit, json!({"requests": 1, "window_secs": 30.0}));
    assert_eq!(api.get(&id).await.status, StatusCode::OK);
    api.get(&id).await.error(429, 971);
    let (_, limit) = api
        .control_http(Method::PUT, "/__mock/rate_limit", Some(Value::Null))
        .await;
    assert_eq!(limit, Value::Null);

    let (_, counts) = api.control_http(Method::GET, "/__mock/counts", None).await;
    assert_eq!(
        counts,
        json!({"create": 0, "delete": 0, "get": 4, "list": 0, "other": 0, "update": 0})
    );

    let (status, _) = api
        .control_http(Method::DELETE, &format!("/__mock/objects/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api
        .control_http(Method::DELETE, &format!("/__mock/objects/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    api.create_ok(minimal("github")).await;
    api.control()
        .add_fault(Fault::always(Some("list"), FaultKind::DropConnection));
    let (status, _) = api.control_http(Method::POST, "/__mock/reset", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(api.control().object_count(), 0);
    assert!(api.control().faults().is_empty());
    assert_eq!(api.control().request_counts().values().sum::<u64>(), 0);
    assert_eq!(api.list("").await.status, StatusCode::OK);
}

#[tokio::test]
async fn reset_keeps_the_rate_limit_setting_but_forgets_past_requests() {
    let api = Api::start().await;
    let limit = RateLimit {
        requests: 1,
        window: Duration::from_secs(60),
    };
    api.control().set_rate_limit(Some(limit));
    assert_eq!(api.list("").await.status, StatusCode::OK);
    api.list("").await.error(429, 971);
    api.control().reset();
    assert_eq!(api.control().rate_limit(), Some(limit));
    assert_eq!(api.list("").await.status, StatusCode::OK);
    api.list("").await.error(429, 971);
}

#[tokio::test]
async fn requests_are_counted_per_operation() {
    let api = Api::start().await;
    let id = api.create_ok(minimal("github")).await;
    api.get(&id).await;
    api.get(&id).await;
    api.put(&id, minimal("github")).await;
    api.list("").await;
    api.delete(&id).await;
    api.send(Method::PATCH, &api.account_path(&format!("/{id}")), None)
        .await;
    api.send(Method::GET, "/nowhere", None).await;
    let counts = api.control().request_counts();
    let expected: Vec<(&str, u64)> = vec![
        ("create", 1),
        ("delete", 1),
        ("get", 2),
        ("list", 1),
        ("other", 2),
        ("update", 1),
    ];
    assert_eq!(
        counts
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect::<Vec<_>>(),
        expected
    );
}
