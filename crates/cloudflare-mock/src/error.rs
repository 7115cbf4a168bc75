//! The Cloudflare v4 envelope and every failure the Cloudflare routes can answer with.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Wraps a successful result in the v4 envelope.
pub(crate) fn success(status: StatusCode, result: Value) -> Response {
    let body = json!({ "success": true, "errors": [], "messages": [], "result": result });
    (status, Json(body)).into_response()
}

/// Wraps a page of results and its `result_info` in the v4 envelope.
pub(crate) fn success_page(result: Vec<Value>, result_info: Value) -> Response {
    let body = json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": result,
        "result_info": result_info,
    });
    (StatusCode::OK, Json(body)).into_response()
}

/// Every way a Cloudflare route can fail. Messages never contain request secrets: details are
/// written by the validator, which names fields but never echoes their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// 400 / 12130: the body or query is invalid; the detail names the field.
    InvalidRequest(String),
    /// 409: a singleton type already exists for the owner.
    Conflict(String),
    /// 404 / 12135: no identity provider with that id under that owner.
    NotFound,
    /// 403 / 10000: no accepted credential was presented.
    Authentication,
    /// 429 / 971 with `Retry-After`: the rate limit or an injected fault.
    TooManyRequests { retry_after_secs: u64 },
    /// 404 / 7003: the path is not a Cloudflare route the mock serves.
    NoRoute,
    /// 405 / 7001: the path exists but not with this method.
    MethodNotAllowed { allow: &'static str },
    /// 413 / 12130: the body exceeds the extractor limit.
    PayloadTooLarge,
    /// Any 5xx chosen by an injected fault.
    Injected(StatusCode),
}

impl ApiError {
    fn status_code_and_message(&self) -> (StatusCode, u32, String) {
        match self {
            ApiError::InvalidRequest(detail) => (
                StatusCode::BAD_REQUEST,
                12130,
                format!("access.api.error.invalid_request: {detail}"),
            ),
            ApiError::Conflict(detail) => (
                StatusCode::CONFLICT,
                12130,
                format!("access.api.error.conflict: {detail}"),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                12135,
                "access.api.error.not_found".to_string(),
            ),
            ApiError::Authentication => (
                StatusCode::FORBIDDEN,
                10000,
                "Authentication error".to_string(),
            ),
            ApiError::TooManyRequests { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                971,
                "Please wait and consider throttling your request speed".to_string(),
            ),
            ApiError::NoRoute => (
                StatusCode::NOT_FOUND,
                7003,
                "No route for the URI".to_string(),
            ),
            ApiError::MethodNotAllowed { .. } => (
                StatusCode::METHOD_NOT_ALLOWED,
                7001,
                "Method not allowed for this URI".to_string(),
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                12130,
                "access.api.error.invalid_request: request body is too large".to_string(),
            ),
            ApiError::Injected(status) => (
                *status,
                10002,
                format!(
                    "{} (injected by the mock)",
                    status.canonical_reason().unwrap_or("server error")
                ),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.status_code_and_message();
        let body = json!({
            "success": false,
            "errors": [{ "code": code, "message": message }],
            "messages": [],
            "result": null,
        });
        let mut response = (status, Json(body)).into_response();
        match self {
            ApiError::TooManyRequests { retry_after_secs } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            ApiError::MethodNotAllowed { allow } => {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            _ => {}
        }
        response
    }
}

/// Shorthand used by the validator.
pub(crate) fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::InvalidRequest(detail.into())
}
