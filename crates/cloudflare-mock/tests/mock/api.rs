//! Routes, status codes, envelope, scopes, authentication and pagination.

use cloudflare_mock::{MockConfig, MockState, DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{client, minimal, read_reply, send_request, Api};

#[tokio::test]
async fn crud_round_trip_with_documented_status_codes() {
    let api = Api::start().await;
    let create = api.create(minimal("github")).await;
    assert_eq!(create.status, StatusCode::CREATED);
    let id = create.result()["id"].as_str().unwrap().to_string();

    let get = api.get(&id).await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.result(), create.result());

    let mut body = minimal("github");
    body["name"] = json!("GitHub (renamed)");
    let put = api.put(&id, body).await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(put.result()["name"], "GitHub (renamed)");
    assert_eq!(put.result()["version"], "2");

    let delete = api.delete(&id).await;
    assert_eq!(delete.status, StatusCode::ACCEPTED);
    assert_eq!(delete.result(), &json!({ "id": id }));
    assert!(delete.body.get("result_info").is_none());

    assert_eq!(
        api.get(&id).await.error(404, 12135),
        "access.api.error.not_found"
    );
    assert_eq!(api.control().object_count(), 0);
}

#[tokio::test]
async fn put_is_a_full_replace() {
    let api = Api::start().await;
    let mut body = minimal("azureAD");
    body["config"]["support_groups"] = json!(true);
    body["config"]["claims"] = json!(["groups"]);
    body["scim_config"] = json!({"enabled": true});
    let id = api.create_ok(body).await;
    let reply = api.put(&id, minimal("azureAD")).await;
    let result = reply.result();
    assert!(result["config"].get("claims").is_none());
    assert_eq!(result["config"]["support_groups"], false);
    assert_eq!(
        result["scim_config"]["enabled"], false,
        "omitting scim_config resets it"
    );
    assert!(
        result["scim_config"].get("secret").is_some(),
        "the issued secret is kept (masked)"
    );
}

#[tokio::test]
async fn unknown_ids_are_404_with_12135() {
    let api = Api::start().await;
    let missing = "2b4d6f80-0000-4000-8000-000000000000";
    for reply in [
        api.get(missing).await,
        api.put(missing, minimal("github")).await,
        api.delete(missing).await,
    ] {
        assert_eq!(reply.error(404, 12135), "access.api.error.not_found");
    }
}

#[tokio::test]
async fn account_and_zone_scopes_are_separate() {
    let api = Api::start().await;
    let zone_create = api
        .send(Method::POST, &api.zone_path(""), Some(minimal("google")))
        .await;
    assert_eq!(zone_create.status, StatusCode::CREATED);
    let zone_id = zone_create.result()["id"].as_str().unwrap().to_string();
    let account_id = api.create_ok(minimal("github")).await;

    let zone_list = api.send(Method::GET, &api.zone_path(""), None).await;
    assert_eq!(zone_list.result().as_array().unwrap().len(), 1);
    assert_eq!(zone_list.result()[0]["id"], zone_id.as_str());
    let account_list = api.list("").await;
    assert_eq!(account_list.result().as_array().unwrap().len(), 1);
    assert_eq!(account_list.result()[0]["id"], account_id.as_str());

    // An id is invisible through the other owner's path.
    api.get(&zone_id).await.error(404, 12135);
    let via_zone = api
        .send(Method::GET, &api.zone_path(&format!("/{account_id}")), None)
        .await;
    via_zone.error(404, 12135);
    let zone_get = api
        .send(Method::GET, &api.zone_path(&format!("/{zone_id}")), None)
        .await;
    assert_eq!(zone_get.result()["type"], "google");
    let zone_put = api
        .send(
            Method::PUT,
            &api.zone_path(&format!("/{zone_id}")),
            Some(minimal("google")),
        )
        .await;
    assert_eq!(zone_put.status, StatusCode::OK);
    let zone_delete = api
        .send(Method::DELETE, &api.zone_path(&format!("/{zone_id}")), None)
        .await;
    assert_eq!(zone_delete.status, StatusCode::ACCEPTED);

    let objects = api.control().objects();
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0]["__scope"], "accounts");
    assert_eq!(objects[0]["__owner_id"], DEFAULT_ACCOUNT_ID);
}

#[tokio::test]
async fn unknown_routes_are_404_with_7003() {
    let api = Api::start().await;
    for path in [
        "/client/v4/nothing/here".to_string(),
        "/client/v4/users/023e105f4ecef8ad9ca31a8372d0c353/access/identity_providers".to_string(),
        "/client/v4/accounts/not-an-id/access/identity_providers".to_string(),
        format!("/client/v4/accounts/{DEFAULT_ACCOUNT_ID}/access/groups"),
        format!("/client/v4/accounts/{DEFAULT_ACCOUNT_ID}/access/identity_providers/a/b"),
        "/".to_string(),
    ] {
        let response = client()
            .get(format!("http://{}{path}", api.server.addr()))
            .bearer_auth(DEFAULT_TOKEN)
            .send()
            .await
            .unwrap();
        let reply = read_reply(response).await;
        assert_eq!(reply.error(404, 7003), "No route for the URI", "{path}");
    }
    // Unknown routes do not need credentials to answer 7003.
    let response = client()
        .get(format!("{}/nope", api.server.base_url()))
        .send()
        .await
        .unwrap();
    read_reply(response).await.error(404, 7003);
}

#[tokio::test]
async fn wrong_methods_are_405_envelopes() {
    let api = Api::start().await;
    let id = api.create_ok(minimal("github")).await;
    let collection = api.send(Method::DELETE, &api.account_path(""), None).await;
    collection.error(405, 7001);
    assert_eq!(collection.headers["allow"], "GET, POST");
    let item = api
        .send(
            Method::PATCH,
            &api.account_path(&format!("/{id}")),
            Some(json!({})),
        )
        .await;
    item.error(405, 7001);
    assert_eq!(item.headers["allow"], "GET, PUT, DELETE");
    let post_item = api
        .send(
            Method::POST,
            &api.account_path(&format!("/{id}")),
            Some(minimal("github")),
        )
        .await;
    post_item.error(405, 7001);
    assert_eq!(api.control().object_count(), 1);
}

#[tokio::test]
async fn authentication_schemes_and_failures() {
    let api = Api::with_config(MockConfig {
        tokens: vec![
            DEFAULT_TOKEN.into(),
            "second-token-abcdefghijklmnopqrstuvwxyz0123".into(),
        ],
        global_keys: vec![(
            "ops@example.com".into(),
            "0123456789abcdef0123456789abcdef01234".into(),
        )],
        user_service_keys: vec!["v1.0-service-key-value".into()],
        ..MockConfig::default()
    })
    .await;
    let url = format!("{}{}", api.server.base_url(), api.account_path(""));
    let http = &api.http;

    let accepted = [
        http.get(&url)
            .bearer_auth("second-token-abcdefghijklmnopqrstuvwxyz0123"),
        http.get(&url)
            .header("X-Auth-Email", "ops@example.com")
            .header("X-Auth-Key", "0123456789abcdef0123456789abcdef01234"),
        http.get(&url)
            .header("X-Auth-User-Service-Key", "v1.0-service-key-value"),
    ];
    for request in accepted {
        let reply = send_request(request, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        assert_eq!(reply.result(), &json!([]));
    }

    let refused = [
        http.get(&url),
        http.get(&url)
            .bearer_auth("wrong-token-abcdefghijklmnopqrstuvwxyz01234"),
        http.get(&url).header("Authorization", DEFAULT_TOKEN),
        http.get(&url)
            .header("X-Auth-Email", "ops@example.com")
            .header("X-Auth-Key", "wrong-key"),
        http.get(&url)
            .header("X-Auth-Email", "other@example.com")
            .header("X-Auth-Key", "0123456789abcdef0123456789abcdef01234"),
        http.get(&url)
            .header("X-Auth-Key", "0123456789abcdef0123456789abcdef01234"),
        http.get(&url).header("X-Auth-User-Service-Key", "wrong"),
        http.post(&url)
            .bearer_auth("wrong-token-abcdefghijklmnopqrstuvwxyz01234")
            .json(&minimal("github")),
    ];
    for request in refused {
        let reply = send_request(request, None).await;
        assert_eq!(reply.error(403, 10000), "Authentication error");
        assert!(!reply.body.to_string().contains("wrong-token"));
    }
    assert_eq!(api.control().object_count(), 0);
}

async fn create_named(api: &Api, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..count {
        let mut body = minimal("github");
        body["name"] = json!(format!("idp-{n}"));
        ids.push(api.create_ok(body).await);
    }
    ids
}

fn names(result: &Value) -> Vec<String> {
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn pagination_walks_pages_in_creation_order_and_ends_empty() {
    let api = Api::start().await;
    create_named(&api, 7).await;
    let expected = [
        (1, vec!["idp-0", "idp-1", "idp-2"]),
        (2, vec!["idp-3", "idp-4", "idp-5"]),
        (3, vec!["idp-6"]),
        (4, vec![]),
        (9, vec![]),
    ];
    for (page, want) in expected {
        let reply = api.list(&format!("?page={page}&per_page=3")).await;
        assert_eq!(names(reply.result()), want, "page {page}");
        assert_eq!(
            reply.body["result_info"],
            json!({"page": page, "per_page": 3, "count": want.len(), "total_count": 7, "total_pages": 3})
        );
    }
    // The SDK pager style: keep asking for the next page until an empty one.
    let mut collected = Vec::new();
    for page in 1.. {
        let reply = api.list(&format!("?page={page}&per_page=2")).await;
        let batch = names(reply.result());
        if batch.is_empty() {
            break;
        }
        collected.extend(batch);
    }
    assert_eq!(
        collected,
        (0..7).map(|n| format!("idp-{n}")).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn pagination_defaults_and_limits() {
    let api = Api::with_config(MockConfig {
        default_per_page: 2,
        ..MockConfig::default()
    })
    .await;
    create_named(&api, 3).await;
    let default_page = api.list("").await;
    assert_eq!(names(default_page.result()), ["idp-0", "idp-1"]);
    assert_eq!(default_page.body["result_info"]["per_page"], 2);
    assert_eq!(default_page.body["result_info"]["page"], 1);
    let capped = api.list("?per_page=5000").await;
    assert_eq!(capped.body["result_info"]["per_page"], 1000);
    assert_eq!(names(capped.result()).len(), 3);
    for bad in [
        "?page=0",
        "?page=-1",
        "?page=two",
        "?per_page=0",
        "?per_page=1.5",
    ] {
        api.list(bad).await.invalid("must be a positive integer");
    }
    // Unknown query parameters are ignored.
    assert_eq!(api.list("?order=name").await.status, StatusCode::OK);
}

#[tokio::test]
async fn list_filters_on_scim_enabled() {
    let api = Api::start().await;
    let plain = api.create_ok(minimal("okta")).await;
    let mut body = minimal("okta");
    body["scim_config"] = json!({"enabled": true});
    let scim = api.create_ok(body).await;
    let on = api.list("?scim_enabled=true").await;
    assert_eq!(on.result().as_array().unwrap().len(), 1);
    assert_eq!(on.result()[0]["id"], scim.as_str());
    assert_eq!(on.body["result_info"]["total_count"], 1);
    let off = api.list("?scim_enabled=false").await;
    assert_eq!(off.result()[0]["id"], plain.as_str());
    api.list("?scim_enabled=yes")
        .await
        .invalid("scim_enabled must be true or false");
}

#[tokio::test]
async fn app_router_works_without_a_socket() {
    use tower::ServiceExt;
    let state = MockState::new(MockConfig::default()).unwrap();
    let app = cloudflare_mock::app(state.clone());
    let uri = format!("/client/v4/accounts/{DEFAULT_ACCOUNT_ID}/access/identity_providers");
    let request = axum::http::Request::post(&uri)
        .header("authorization", format!("Bearer {DEFAULT_TOKEN}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(minimal("github").to_string()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(state.control().object_count(), 1);

    let unauthenticated = axum::http::Request::get(&uri)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.oneshot(unauthenticated).await.unwrap();
    assert_eq!(response.status(), 403);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["errors"][0]["code"], 10000);
}
