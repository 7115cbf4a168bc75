//! A running mock plus an HTTP client that speaks to it like a Cloudflare API client would.

use cloudflare_mock::{Control, MockConfig, MockServer, DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A zone id for tests that need a second owner.
pub const ZONE_ID: &str = "0123456789abcdef0123456789abcdef";

/// What came back from one request.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `result` of a successful envelope, after checking the envelope shape.
    pub fn result(&self) -> &Value {
        assert_eq!(self.body["success"], true, "{self:?}");
        assert_eq!(self.body["errors"], json!([]), "{self:?}");
        assert_eq!(self.body["messages"], json!([]), "{self:?}");
        &self.body["result"]
    }

    /// Asserts a failure envelope with exactly one error of `code`; returns its message.
    pub fn error(&self, status: u16, code: u64) -> String {
        assert_eq!(self.status.as_u16(), status, "{self:?}");
        assert_eq!(self.body["success"], false, "{self:?}");
        assert_eq!(self.body["result"], Value::Null, "{self:?}");
        assert_eq!(self.body["messages"], json!([]), "{self:?}");
        let errors = self.body["errors"].as_array().expect("errors array");
        assert_eq!(errors.len(), 1, "{self:?}");
        assert_eq!(errors[0]["code"], code, "{self:?}");
        errors[0]["message"].as_str().expect("message").to_string()
    }

    /// Asserts a 400 / 12130 validation failure whose message mentions `needle`.
    pub fn invalid(&self, needle: &str) {
        let message = self.error(400, 12130);
        assert!(
            message.starts_with("access.api.error.invalid_request: "),
            "{message}"
        );
        assert!(message.contains(needle), "{needle:?} not in {message:?}");
    }
}

/// A mock and a client pointed at it.
pub struct Api {
    pub server: MockServer,
    pub http: reqwest::Client,
}

impl Api {
    pub async fn start() -> Api {
        Api::with_config(MockConfig::default()).await
    }

    pub async fn with_config(config: MockConfig) -> Api {
        let server = cloudflare_mock::spawn(config).await.expect("mock starts");
        Api {
            server,
            http: client(),
        }
    }

    pub fn control(&self) -> Control {
        self.server.control()
    }

    /// `.../accounts/<DEFAULT_ACCOUNT_ID>/access/identity_providers` + `suffix`.
    pub fn account_path(&self, suffix: &str) -> String {
        format!("/accounts/{DEFAULT_ACCOUNT_ID}/access/identity_providers{suffix}")
    }

    pub fn zone_path(&self, suffix: &str) -> String {
        format!("/zones/{ZONE_ID}/access/identity_providers{suffix}")
    }

    /// Sends `method` to base_url + `path` with the default token.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let request = self
            .http
            .request(method, format!("{}{path}", self.server.base_url()))
            .bearer_auth(DEFAULT_TOKEN);
        send_request(request, body).await
    }

    /// Sends raw bytes as the body.
    pub async fn send_raw(&self, method: Method, path: &str, body: &'static str) -> Reply {
        let request = self
            .http
            .request(method, format!("{}{path}", self.server.base_url()))
            .bearer_auth(DEFAULT_TOKEN)
            .header("content-type", "application/json")
            .body(body);
        read_reply(request.send().await.expect("request sent")).await
    }

    pub async fn create(&self, body: Value) -> Reply {
        self.send(Method::POST, &self.account_path(""), Some(body))
            .await
    }

    /// Creates and returns the new id, asserting 201.
    pub async fn create_ok(&self, body: Value) -> String {
        let reply = self.create(body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
        reply.result()["id"].as_str().expect("id").to_string()
    }

    pub async fn get(&self, id: &str) -> Reply {
        self.send(Method::GET, &self.account_path(&format!("/{id}")), None)
            .await
    }

    pub async fn put(&self, id: &str, body: Value) -> Reply {
        self.send(
            Method::PUT,
            &self.account_path(&format!("/{id}")),
            Some(body),
        )
        .await
    }

    pub async fn delete(&self, id: &str) -> Reply {
        self.send(Method::DELETE, &self.account_path(&format!("/{id}")), None)
            .await
    }

    pub async fn list(&self, query: &str) -> Reply {
        self.send(Method::GET, &self.account_path(query), None)
            .await
    }

    /// A control-surface request (`/__mock/...`), which needs no credentials.
    pub async fn control_http(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("http://{}{path}", self.server.addr());
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("control request sent");
        let status = response.status();
        let text = response.text().await.expect("control body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("control JSON")
        };
        (status, body)
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client builds")
}

pub async fn send_request(mut request: reqwest::RequestBuilder, body: Option<Value>) -> Reply {
    if let Some(body) = body {
        request = request.json(&body);
    }
    read_reply(request.send().await.expect("request sent")).await
}

pub async fn read_reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body read");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("body is not JSON ({error}): {text:?}"));
    Reply {
        status,
        headers,
        body,
    }
}

/// A minimal valid body for `kind`.
pub fn minimal(kind: &str) -> Value {
    let config = match kind {
        "onetimepin" | "cloudflare" => json!({}),
        "github" | "facebook" | "linkedin" | "yandex" | "google" => {
            json!({"client_id": "cid", "client_secret": "csecret"})
        }
        "google-apps" => {
            json!({"client_id": "cid", "client_secret": "csecret", "apps_domain": "example.com"})
        }
        "azureAD" => json!({"client_id": "cid", "client_secret": "csecret", "directory_id": "dir"}),
        "okta" => {
            json!({"client_id": "cid", "client_secret": "csecret", "okta_account": "https://acme.okta.com"})
        }
        "onelogin" => {
            json!({"client_id": "cid", "client_secret": "csecret", "onelogin_account": "https://acme.onelogin.com"})
        }
        "pingone" => json!({"client_id": "cid", "client_secret": "csecret", "ping_env_id": "env"}),
        "centrify" => {
            json!({"client_id": "cid", "client_secret": "csecret", "centrify_account": "https://acme.my.centrify.com", "centrify_app_id": "app"})
        }
        "oidc" => {
            json!({"client_id": "cid", "client_secret": "csecret", "auth_url": "https://idp/auth", "token_url": "https://idp/token", "certs_url": "https://idp/certs"})
        }
        "saml" => {
            json!({"issuer_url": "https://idp/issuer", "sso_target_url": "https://idp/sso", "idp_public_certs": ["MIIC..."]})
        }
        other => panic!("no minimal body for {other}"),
    };
    json!({"name": format!("{kind} login"), "type": kind, "config": config})
}

/// All 15 types as spelled on the wire.
pub const TYPES: [&str; 15] = [
    "onetimepin",
    "azureAD",
    "saml",
    "centrify",
    "facebook",
    "github",
    "google-apps",
    "google",
    "linkedin",
    "oidc",
    "okta",
    "onelogin",
    "pingone",
    "yandex",
    "cloudflare",
];
