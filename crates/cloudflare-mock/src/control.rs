//! The control surface: seed, drift, inspect and break the mock, from Rust ([`Control`]) or over
//! HTTP under `/__mock/` (no authentication, no faults, not counted).

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::{Fault, RateLimit};
use crate::model::{is_owner_id, merge_patch, now_rfc3339, Scope, StoredIdp, BOOKKEEPING_KEYS};
use crate::state::{MockState, OPERATIONS};

/// A cheap, cloneable handle on a mock's state for tests and tools.
#[derive(Debug, Clone)]
pub struct Control {
    state: MockState,
}

impl Control {
    pub(crate) fn new(state: MockState) -> Control {
        Control { state }
    }

    /// Every stored identity provider as the API would show it (secrets hidden), in creation
    /// order, each with `"__scope"` (`"accounts"` or `"zones"`) and `"__owner_id"` added.
    pub fn objects(&self) -> Vec<Value> {
        let store = self.state.read_store();
        store
            .ordered()
            .into_iter()
            .map(|object| self.show(object))
            .collect()
    }

    /// Number of stored identity providers across all owners.
    pub fn object_count(&self) -> usize {
        self.state.read_store().objects.len()
    }

    /// One stored identity provider as [`Control::objects`] shows it.
    pub fn object(&self, id: &str) -> Option<Value> {
        let store = self.state.read_store();
        store.objects.get(id).map(|object| self.show(object))
    }

    /// The `client_secret` the mock holds for `id` (the API never returns it).
    pub fn client_secret(&self, id: &str) -> Option<String> {
        let store = self.state.read_store();
        let object = store.objects.get(id)?;
        object
            .config
            .get("client_secret")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// The real SCIM secret the mock holds for `id` (the API shows it masked after creation).
    pub fn scim_secret(&self, id: &str) -> Option<String> {
        let store = self.state.read_store();
        store.objects.get(id)?.scim_config.secret.clone()
    }

    fn show(&self, object: &StoredIdp) -> Value {
        let mut shown = object.render(self.state.team_name(), false);
        shown["__scope"] = Value::String(object.scope.as_str().to_string());
        shown["__owner_id"] = Value::String(object.owner_id.clone());
        shown
    }

    /// Applies a JSON merge patch (RFC 7386) to the stored object, as if someone changed it in the
    /// dashboard: e.g. `{"name":"x"}` or `{"config":{"client_id":"y"}}`. No validation is done,
    /// so drift can be anything; unknown keys become extra response keys. `id`, scope and owner
    /// cannot be changed. Returns false if `id` is unknown or the result is not an identity
    /// provider (e.g. an unknown `type`).
    pub fn edit(&self, id: &str, patch: Value) -> bool {
        let mut store = self.state.write_store();
        let Some(existing) = store.objects.get(id) else {
            return false;
        };
        let Ok(original) = serde_json::to_value(existing) else {
            return false;
        };
        let mut document = original.clone();
        merge_patch(&mut document, &patch);
        if !document.is_object() {
            return false;
        }
        for key in BOOKKEEPING_KEYS {
            document[key] = original[key].clone();
        }
        let Ok(mut edited) = serde_json::from_value::<StoredIdp>(document) else {
            return false;
        };
        edited.version += 1;
        edited.updated_at = now_rfc3339();
        store.objects.insert(id.to_string(), edited);
        self.state.persist(&store);
        true
    }

    /// Deletes an identity provider behind the client's back. Returns false if `id` is unknown.
    pub fn remove(&self, id: &str) -> bool {
        let mut store = self.state.write_store();
        let removed = store.objects.remove(id).is_some();
        if removed {
            self.state.persist(&store);
        }
        removed
    }

    /// Seeds an identity provider without validation (e.g. a `read_only` one or a second
    /// `onetimepin`) and returns its id. `object` uses the API field names and may include
    /// `config.client_secret` and `scim_config.secret`; an `id` in it is kept. Computed keys of a
    /// shown object (`uid`, `version`, `redirect_url`, `__scope`, …) are ignored.
    ///
    /// # Panics
    /// If `scope` is not `"accounts"`/`"zones"`, `owner_id` is not 32 lowercase hex characters, or
    /// `object` has no valid `type`. Use [`Control::try_insert`] to get an error instead.
    pub fn insert(&self, scope: &str, owner_id: &str, object: Value) -> String {
        match self.try_insert(scope, owner_id, object) {
            Ok(id) => id,
            Err(message) => panic!("cloudflare-mock: cannot seed object: {message}"),
        }
    }

    /// Like [`Control::insert`], returning a description of the problem instead of panicking.
    pub fn try_insert(&self, scope: &str, owner_id: &str, object: Value) -> Result<String, String> {
        let scope = Scope::parse(scope).ok_or("scope must be \"accounts\" or \"zones\"")?;
        if !is_owner_id(owner_id) {
            return Err("owner_id must be 32 lowercase hex characters".into());
        }
        let Value::Object(mut document) = object else {
            return Err("object must be a JSON object".into());
        };
        for key in [
            "__scope",
            "__owner_id",
            "uid",
            "version",
            "created_at",
            "updated_at",
        ] {
            document.remove(key);
        }
        if let Some(Value::Object(config)) = document.get_mut("config") {
            config.remove("redirect_url");
            config.retain(|_, value| !value.is_null());
        }
        if let Some(Value::Object(scim)) = document.get_mut("scim_config") {
            scim.remove("scim_base_url");
            let masked = scim
                .get("secret")
                .and_then(Value::as_str)
                .is_some_and(|secret| secret.is_empty() || secret.chars().all(|c| c == '*'));
            if masked || scim.get("secret").is_some_and(Value::is_null) {
                scim.remove("secret");
            }
        }
        let id = match document.get("id") {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        let mut store = self.state.write_store();
        if store.objects.contains_key(&id) {
            return Err("an object with this id already exists".into());
        }
        let now = now_rfc3339();
        document.insert("id".into(), json!(id));
        document.insert("scope".into(), json!(scope));
        document.insert("owner_id".into(), json!(owner_id));
        document.insert("seq".into(), json!(store.take_seq()));
        document.insert("version".into(), json!(1));
        document.insert("created_at".into(), json!(now));
        document.insert("updated_at".into(), json!(now));
        let object: StoredIdp = serde_json::from_value(Value::Object(document))
            .map_err(|error| format!("not an identity provider: {error}"))?;
        store.objects.insert(id.clone(), object);
        self.state.persist(&store);
        Ok(id)
    }

    /// Adds a fault; faults are checked in the order they were added.
    pub fn add_fault(&self, fault: Fault) {
        self.state.faults().push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.state.faults().clear();
    }

    /// The faults still armed (counted faults disappear once spent).
    pub fn faults(&self) -> Vec<Fault> {
        self.state.faults().clone()
    }

    /// Replaces the per-credential rate limit (`None` switches it off) and forgets past requests.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.state.limiter().set_limit(limit);
    }

    /// The rate limit in force.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.state.limiter().limit
    }

    /// Requests received per operation (`list`, `create`, `get`, `update`, `delete`, `other`),
    /// counted before faults, authentication and rate limiting. Every key is always present.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.state.counts().clone()
    }

    /// Responses with status 429 sent per operation, whether from the rate limiter or an
    /// injected fault. Every key is always present.
    pub fn throttled_counts(&self) -> BTreeMap<String, u64> {
        self.state.throttled().clone()
    }

    /// All 429 responses sent so far.
    pub fn throttled_total(&self) -> u64 {
        self.state.throttled().values().sum()
    }

    /// Turns the `Ratelimit` and `Ratelimit-Policy` response headers on (the default) or off,
    /// as for an API or proxy that does not send them. The limit itself stays in force.
    pub fn set_rate_limit_headers(&self, on: bool) {
        self.state.set_rate_limit_headers(on);
    }

    /// Whether responses carry the rate-limit headers.
    pub fn rate_limit_headers(&self) -> bool {
        self.state.rate_limit_headers()
    }

    /// Back to a fresh start: no objects, faults or counts, and empty rate-limit windows. The
    /// rate-limit setting and the header switch are kept (they are configuration, e.g. the
    /// binary's `--rate-limit`).
    pub fn reset(&self) {
        {
            let mut store = self.state.write_store();
            store.objects.clear();
            store.next_seq = 0;
            self.state.persist(&store);
        }
        self.clear_faults();
        let limit = self.rate_limit();
        self.set_rate_limit(limit);
        for mut counts in [self.state.counts(), self.state.throttled()] {
            counts.clear();
            counts.extend(OPERATIONS.iter().map(|op| (op.to_string(), 0)));
        }
    }
}

/// The `/__mock/` routes.
pub(crate) fn router(state: MockState) -> Router {
    Router::new()
        .route("/__mock/objects", get(list_objects).post(insert_object))
        .route(
            "/__mock/objects/{id}",
            get(show_object).patch(edit_object).delete(remove_object),
        )
        .route(
            "/__mock/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/__mock/rate_limit",
            get(show_rate_limit).put(set_rate_limit),
        )
        .route(
            "/__mock/rate_limit_headers",
            get(show_rate_limit_headers).put(set_rate_limit_headers),
        )
        .route("/__mock/counts", get(counts))
        .route("/__mock/throttled", get(throttled))
        .route("/__mock/reset", post(reset))
        .with_state(state.control())
}

/// A control-surface failure, answered as `{"error": "..."}`.
struct ControlError(StatusCode, String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn bad_request(message: impl Into<String>) -> ControlError {
    ControlError(StatusCode::BAD_REQUEST, message.into())
}

fn not_found() -> ControlError {
    ControlError(StatusCode::NOT_FOUND, "no such object".into())
}

fn parse_json<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|error| bad_request(format!("invalid body: {error}")))
}

async fn list_objects(State(control): State<Control>) -> Json<Vec<Value>> {
    Json(control.objects())
}

#[derive(Deserialize)]
struct SeedRequest {
    scope: String,
    owner_id: String,
    object: Value,
}

async fn insert_object(
    State(control): State<Control>,
    body: Bytes,
) -> Result<Response, ControlError> {
    let seed: SeedRequest = parse_json(&body)?;
    let id = control
        .try_insert(&seed.scope, &seed.owner_id, seed.object)
        .map_err(bad_request)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn show_object(
    State(control): State<Control>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ControlError> {
    control.object(&id).map(Json).ok_or_else(not_found)
}

async fn edit_object(
    State(control): State<Control>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ControlError> {
    let patch: Value = parse_json(&body)?;
    if control.object(&id).is_none() {
        return Err(not_found());
    }
    if !control.edit(&id, patch) {
        return Err(bad_request(
            "the patched object is not an identity provider",
        ));
    }
    control.object(&id).map(Json).ok_or_else(not_found)
}

async fn remove_object(
    State(control): State<Control>,
    Path(id): Path<String>,
) -> Result<StatusCode, ControlError> {
    if control.remove(&id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

async fn list_faults(State(control): State<Control>) -> Json<Vec<Fault>> {
    Json(control.faults())
}

async fn add_fault(
    State(control): State<Control>,
    body: Bytes,
) -> Result<StatusCode, ControlError> {
    let fault: Fault = parse_json(&body)?;
    if !(0.0..=1.0).contains(&fault.probability) {
        return Err(bad_request("probability must be between 0 and 1"));
    }
    if let Some(operation) = &fault.operation {
        if !OPERATIONS.contains(&operation.as_str()) {
            return Err(bad_request(format!(
                "operation must be one of: {}",
                OPERATIONS.join(", ")
            )));
        }
    }
    control.add_fault(fault);
    Ok(StatusCode::NO_CONTENT)
}

async fn clear_faults(State(control): State<Control>) -> StatusCode {
    control.clear_faults();
    StatusCode::NO_CONTENT
}

fn rate_limit_json(limit: Option<RateLimit>) -> Value {
    match limit {
        Some(limit) => json!({
            "requests": limit.requests,
            "window_secs": limit.window.as_secs_f64(),
        }),
        None => Value::Null,
    }
}

async fn show_rate_limit(State(control): State<Control>) -> Json<Value> {
    Json(rate_limit_json(control.rate_limit()))
}

#[derive(Deserialize)]
struct RateLimitRequest {
    requests: u32,
    window_secs: f64,
}

async fn set_rate_limit(
    State(control): State<Control>,
    body: Bytes,
) -> Result<Json<Value>, ControlError> {
    let request: Option<RateLimitRequest> = parse_json(&body)?;
    let limit = match request {
        None => None,
        Some(request) => match Duration::try_from_secs_f64(request.window_secs) {
            Ok(window) if !window.is_zero() => Some(RateLimit {
                requests: request.requests,
                window,
            }),
            _ => return Err(bad_request("window_secs must be positive")),
        },
    };
    control.set_rate_limit(limit);
    Ok(Json(rate_limit_json(limit)))
}

async fn counts(State(control): State<Control>) -> Json<BTreeMap<String, u64>> {
    Json(control.request_counts())
}

async fn throttled(State(control): State<Control>) -> Json<BTreeMap<String, u64>> {
    Json(control.throttled_counts())
}

async fn show_rate_limit_headers(State(control): State<Control>) -> Json<bool> {
    Json(control.rate_limit_headers())
}

async fn set_rate_limit_headers(
    State(control): State<Control>,
    body: Bytes,
) -> Result<Json<bool>, ControlError> {
    let on: bool = parse_json(&body)?;
    control.set_rate_limit_headers(on);
    Ok(Json(on))
}

async fn reset(State(control): State<Control>) -> StatusCode {
    control.reset();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MASKED_SECRET;
    use crate::MockConfig;

    fn control() -> Control {
        MockState::new(MockConfig::default()).unwrap().control()
    }

    #[test]
    fn seeded_objects_are_shown_without_secrets() {
        let control = control();
        let id = control.insert(
            "accounts",
            crate::DEFAULT_ACCOUNT_ID,
            json!({"name": "gh", "type": "github", "read_only": true,
                   "config": {"client_id": "cid", "client_secret": "hidden"},
                   "scim_config": {"enabled": true, "secret": "scim-hidden"}}),
        );
        let shown = control.object(&id).unwrap();
        assert_eq!(shown["__scope"], "accounts");
        assert_eq!(shown["__owner_id"], crate::DEFAULT_ACCOUNT_ID);
        assert_eq!(shown["read_only"], true);
        assert!(shown["config"].get("client_secret").is_none());
        assert_eq!(shown["scim_config"]["secret"], MASKED_SECRET);
        assert_eq!(control.client_secret(&id).as_deref(), Some("hidden"));
        assert_eq!(control.scim_secret(&id).as_deref(), Some("scim-hidden"));
    }

    #[test]
    fn shown_objects_can_be_seeded_again() {
        let control = control();
        let id = control.insert(
            "zones",
            crate::DEFAULT_ACCOUNT_ID,
            json!({"name": "otp", "type": "onetimepin", "config": {}}),
        );
        let mut shown = control.object(&id).unwrap();
        shown["id"] = json!("copy");
        let copy = control.insert("zones", crate::DEFAULT_ACCOUNT_ID, shown);
        assert_eq!(copy, "copy");
        assert_eq!(control.object_count(), 2);
    }

    #[test]
    fn bad_seeds_are_refused() {
        let control = control();
        let owner = crate::DEFAULT_ACCOUNT_ID;
        assert!(control
            .try_insert("users", owner, json!({"type": "github"}))
            .is_err());
        assert!(control
            .try_insert("accounts", "nope", json!({"type": "github"}))
            .is_err());
        assert!(control
            .try_insert("accounts", owner, json!({"type": "GitHub"}))
            .is_err());
        assert!(control.try_insert("accounts", owner, json!([])).is_err());
        assert_eq!(control.object_count(), 0);
    }

    #[test]
    fn edits_merge_and_keep_bookkeeping() {
        let control = control();
        let id = control.insert(
            "accounts",
            crate::DEFAULT_ACCOUNT_ID,
            json!({"name": "gh", "type": "github", "config": {"client_id": "a", "client_secret": "s"}}),
        );
        assert!(control.edit(
            &id,
            json!({"name": "renamed", "id": "other", "owner_id": "x", "azure_cloud": "global",
                   "config": {"client_id": "b"}})
        ));
        let shown = control.object(&id).unwrap();
        assert_eq!(shown["name"], "renamed");
        assert_eq!(shown["id"], id.as_str());
        assert_eq!(shown["__owner_id"], crate::DEFAULT_ACCOUNT_ID);
        assert_eq!(shown["azure_cloud"], "global");
        assert_eq!(shown["config"]["client_id"], "b");
        assert_eq!(shown["version"], "2");
        assert_eq!(control.client_secret(&id).as_deref(), Some("s"));
        assert!(!control.edit(&id, json!({"type": "nope"})));
        assert!(!control.edit("missing", json!({"name": "x"})));
        assert!(control.remove(&id));
        assert!(!control.remove(&id));
    }
}
