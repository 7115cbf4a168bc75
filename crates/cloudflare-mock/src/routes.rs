//! The Cloudflare routes: list, create, get, update and delete for both scopes.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::auth::authenticate;
use crate::error::{self, invalid, ApiError};
use crate::faults::fault_middleware;
use crate::model::{is_owner_id, Owner, Scope};
use crate::state::{MockState, MAX_PER_PAGE};

const COLLECTION: &str = "/client/v4/{scope}/{owner_id}/access/identity_providers";
const ITEM: &str = "/client/v4/{scope}/{owner_id}/access/identity_providers/{id}";

/// The Cloudflare half of the app. Faults and request counting wrap every route and the
/// fallback; authentication is an extractor so unknown routes answer 7003 without credentials.
pub(crate) fn router(state: MockState) -> Router {
    Router::new()
        .route(
            COLLECTION,
            get(list)
                .post(create)
                .fallback(|| async { method_not_allowed("GET, POST") }),
        )
        .route(
            ITEM,
            get(read)
                .put(update)
                .delete(delete)
                .fallback(|| async { method_not_allowed("GET, PUT, DELETE") }),
        )
        .fallback(|| async { ApiError::NoRoute })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            fault_middleware,
        ))
        .with_state(state)
}

/// Names the operation a request is for, as used by counters and fault filters.
pub(crate) fn classify(method: &Method, path: &str) -> &'static str {
    let Some(rest) = path.strip_prefix("/client/v4/") else {
        return "other";
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let is_base = |s: &[&str]| {
        Scope::parse(s[0]).is_some()
            && !s[1].is_empty()
            && s[2] == "access"
            && s[3] == "identity_providers"
    };
    match segments.as_slice() {
        s @ [_, _, _, _] if is_base(s) => match *method {
            Method::GET => "list",
            Method::POST => "create",
            _ => "other",
        },
        s @ [_, _, _, _, id] if is_base(s) && !id.is_empty() => match *method {
            Method::GET => "get",
            Method::PUT => "update",
            Method::DELETE => "delete",
            _ => "other",
        },
        _ => "other",
    }
}

fn method_not_allowed(allow: &'static str) -> ApiError {
    ApiError::MethodNotAllowed { allow }
}

/// Proof that the request carried an accepted credential and fit in its rate-limit budget.
pub(crate) struct Caller;

impl FromRequestParts<MockState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &MockState) -> Result<Self, ApiError> {
        let credential =
            authenticate(state.config(), &parts.headers).ok_or(ApiError::Authentication)?;
        state.charge(&credential)?;
        Ok(Caller)
    }
}

fn owner(scope: &str, owner_id: &str) -> Result<Owner, ApiError> {
    match Scope::parse(scope) {
        Some(scope) if is_owner_id(owner_id) => Ok(Owner {
            scope,
            id: owner_id.to_string(),
        }),
        _ => Err(ApiError::NoRoute),
    }
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        _ => invalid("request body could not be read"),
    })
}

/// Query parameters of the list call: `page`, `per_page`, `scim_enabled`.
struct ListQuery {
    page: usize,
    per_page: usize,
    scim_enabled: Option<bool>,
}

impl ListQuery {
    fn parse(query: &HashMap<String, String>, default_per_page: usize) -> Result<Self, ApiError> {
        let positive = |key: &str| -> Result<Option<usize>, ApiError> {
            match query.get(key).map(|v| v.trim()) {
                None | Some("") => Ok(None),
                Some(text) => text
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .map(Some)
                    .ok_or_else(|| invalid(format!("{key} must be a positive integer"))),
            }
        };
        let page = positive("page")?.unwrap_or(1);
        let per_page = positive("per_page")?
            .unwrap_or(default_per_page)
            .clamp(1, MAX_PER_PAGE);
        let scim_enabled = match query.get("scim_enabled").map(|v| v.trim()) {
            None | Some("") => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => return Err(invalid("scim_enabled must be true or false")),
        };
        Ok(ListQuery {
            page,
            per_page,
            scim_enabled,
        })
    }
}

async fn list(
    _caller: Caller,
    State(state): State<MockState>,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Path((scope, owner_id)) = path.map_err(|_| ApiError::NoRoute)?;
    let owner = owner(&scope, &owner_id)?;
    let Query(query) = query.map_err(|_| invalid("the query string could not be parsed"))?;
    let query = ListQuery::parse(&query, state.config().default_per_page)?;
    let page = state.list(&owner, query.page, query.per_page, query.scim_enabled);
    Ok(error::success_page(page.items, page.result_info))
}

async fn create(
    _caller: Caller,
    State(state): State<MockState>,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Path((scope, owner_id)) = path.map_err(|_| ApiError::NoRoute)?;
    let owner = owner(&scope, &owner_id)?;
    let created = state.create(&owner, &body_bytes(body)?)?;
    Ok(error::success(StatusCode::CREATED, created))
}

async fn read(
    _caller: Caller,
    State(state): State<MockState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((scope, owner_id, id)) = path.map_err(|_| ApiError::NoRoute)?;
    let owner = owner(&scope, &owner_id)?;
    Ok(error::success(StatusCode::OK, state.get(&owner, &id)?))
}

async fn update(
    _caller: Caller,
    State(state): State<MockState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Path((scope, owner_id, id)) = path.map_err(|_| ApiError::NoRoute)?;
    let owner = owner(&scope, &owner_id)?;
    let updated = state.update(&owner, &id, &body_bytes(body)?)?;
    Ok(error::success(StatusCode::OK, updated))
}

async fn delete(
    _caller: Caller,
    State(state): State<MockState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((scope, owner_id, id)) = path.map_err(|_| ApiError::NoRoute)?;
    let owner = owner(&scope, &owner_id)?;
    Ok(error::success(
        StatusCode::ACCEPTED,
        state.delete(&owner, &id)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_from_method_and_path() {
        let base = "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/identity_providers";
        let item = format!("{base}/abc");
        let cases = [
            (Method::GET, base.to_string(), "list"),
            (Method::POST, base.to_string(), "create"),
            (Method::PATCH, base.to_string(), "other"),
            (Method::GET, item.clone(), "get"),
            (Method::PUT, item.clone(), "update"),
            (Method::DELETE, item.clone(), "delete"),
            (Method::POST, item, "other"),
            (
                Method::GET,
                "/client/v4/users/x/access/identity_providers".into(),
                "other",
            ),
            (
                Method::GET,
                "/client/v4/zones/x/access/identity_providers/".into(),
                "other",
            ),
            (Method::GET, "/elsewhere".into(), "other"),
        ];
        for (method, path, expected) in cases {
            assert_eq!(classify(&method, &path), expected, "{method} {path}");
        }
    }
}
