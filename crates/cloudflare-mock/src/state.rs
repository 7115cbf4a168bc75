//! The mock's shared state and the domain operations behind each Cloudflare route.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::MockConfig;
use crate::error::{invalid, ApiError};
use crate::faults::{self, Fault, FaultDecision, RateLimit, RateLimiter};
use crate::model::{generate_secret, now_rfc3339, IdpType, Owner, ScimState, StoredIdp};
use crate::persist;
use crate::validate::parse_body;

/// Operation names used by request counters and fault filters.
pub(crate) const OPERATIONS: [&str; 6] = ["list", "create", "get", "update", "delete", "other"];

/// Largest page the list endpoint serves; bigger `per_page` values are clamped to it.
pub(crate) const MAX_PER_PAGE: usize = 1000;

/// Everything the mock remembers, shared by the router, the server loop and [`crate::Control`].
/// Cloning is cheap.
#[derive(Clone)]
pub struct MockState {
    shared: Arc<Shared>,
}

struct Shared {
    config: MockConfig,
    store: RwLock<Store>,
    faults: Mutex<Vec<Fault>>,
    limiter: Mutex<RateLimiter>,
    rate_limit_headers: AtomicBool,
    counts: Mutex<BTreeMap<String, u64>>,
    throttled: Mutex<BTreeMap<String, u64>>,
}

/// The stored identity providers, keyed by id. Ids are UUIDs, unique across owners; every lookup
/// also checks the owner so an id is invisible under any other account or zone.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct Store {
    pub(crate) next_seq: u64,
    pub(crate) objects: HashMap<String, StoredIdp>,
}

impl Store {
    pub(crate) fn ordered(&self) -> Vec<&StoredIdp> {
        let mut objects: Vec<&StoredIdp> = self.objects.values().collect();
        objects.sort_by_key(|object| object.seq);
        objects
    }

    fn find(&self, owner: &Owner, id: &str) -> Result<&StoredIdp, ApiError> {
        self.objects
            .get(id)
            .filter(|object| object.owner() == *owner)
            .ok_or(ApiError::NotFound)
    }

    fn has_onetimepin(&self, owner: &Owner, except_id: Option<&str>) -> bool {
        self.objects.values().any(|object| {
            object.kind == IdpType::OneTimePin
                && object.owner() == *owner
                && Some(object.id.as_str()) != except_id
        })
    }

    pub(crate) fn take_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }
}

/// One page of a list call.
pub(crate) struct Page {
    pub(crate) items: Vec<Value>,
    pub(crate) result_info: Value,
}

impl fmt::Debug for MockState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // try_read: Debug must not block (or deadlock) when the store is being written.
        let objects = self
            .shared
            .store
            .try_read()
            .map(|store| store.objects.len());
        f.debug_struct("MockState")
            .field("config", &self.shared.config)
            .field("objects", &objects.ok())
            .finish_non_exhaustive()
    }
}

impl MockState {
    /// Builds the state, loading `config.state_file` when it exists. The Cloudflare default
    /// rate limit (1200 requests per 300 s per credential) is on, and reported in headers.
    pub fn new(config: MockConfig) -> io::Result<MockState> {
        let store = match &config.state_file {
            Some(path) => persist::load(path)?.unwrap_or_default(),
            None => Store::default(),
        };
        let counts: BTreeMap<String, u64> =
            OPERATIONS.iter().map(|op| (op.to_string(), 0)).collect();
        Ok(MockState {
            shared: Arc::new(Shared {
                config,
                store: RwLock::new(store),
                faults: Mutex::new(Vec::new()),
                limiter: Mutex::new(RateLimiter::new(Some(RateLimit::default()))),
                rate_limit_headers: AtomicBool::new(true),
                throttled: Mutex::new(counts.clone()),
                counts: Mutex::new(counts),
            }),
        })
    }

    /// A handle to inspect and steer this state.
    pub fn control(&self) -> crate::Control {
        crate::Control::new(self.clone())
    }

    pub(crate) fn config(&self) -> &MockConfig {
        &self.shared.config
    }

    pub(crate) fn team_name(&self) -> &str {
        &self.shared.config.team_name
    }

    // A panic while a lock is held cannot leave the data half-written in a way that matters for a
    // test mock, so poisoned locks are simply taken over.
    pub(crate) fn read_store(&self) -> RwLockReadGuard<'_, Store> {
        self.shared
            .store
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn write_store(&self) -> RwLockWriteGuard<'_, Store> {
        self.shared
            .store
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Vec<Fault>> {
        lock(&self.shared.faults)
    }

    pub(crate) fn limiter(&self) -> MutexGuard<'_, RateLimiter> {
        lock(&self.shared.limiter)
    }

    pub(crate) fn counts(&self) -> MutexGuard<'_, BTreeMap<String, u64>> {
        lock(&self.shared.counts)
    }

    pub(crate) fn throttled(&self) -> MutexGuard<'_, BTreeMap<String, u64>> {
        lock(&self.shared.throttled)
    }

    pub(crate) fn rate_limit_headers(&self) -> bool {
        self.shared.rate_limit_headers.load(Ordering::Relaxed)
    }

    pub(crate) fn set_rate_limit_headers(&self, on: bool) {
        self.shared.rate_limit_headers.store(on, Ordering::Relaxed);
    }

    /// Saves the store to the state file, if one is configured. Called with the write lock held
    /// so saves happen in the same order as the mutations.
    pub(crate) fn persist(&self, store: &Store) {
        if let Some(path) = &self.shared.config.state_file {
            if let Err(error) = persist::save(path, store) {
                eprintln!(
                    "cloudflare-mock: could not write state file {}: {error}",
                    path.display()
                );
            }
        }
    }

    pub(crate) fn count_request(&self, operation: &str) {
        *self.counts().entry(operation.to_string()).or_insert(0) += 1;
    }

    pub(crate) fn count_throttled(&self, operation: &str) {
        *self.throttled().entry(operation.to_string()).or_insert(0) += 1;
    }

    pub(crate) fn decide_faults(&self, operation: &str) -> FaultDecision {
        faults::decide(&mut self.faults(), operation)
    }

    /// Charges one request to `credential`'s budget.
    pub(crate) fn charge(&self, credential: &str) -> Result<(), ApiError> {
        self.limiter()
            .check(credential, Instant::now())
            .map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })
    }

    pub(crate) fn list(
        &self,
        owner: &Owner,
        page: usize,
        per_page: usize,
        scim_enabled: Option<bool>,
    ) -> Page {
        let store = self.read_store();
        let matching: Vec<&StoredIdp> = store
            .ordered()
            .into_iter()
            .filter(|object| object.owner() == *owner)
            .filter(|object| scim_enabled.is_none_or(|wanted| object.scim_config.enabled == wanted))
            .collect();
        let total = matching.len();
        let items: Vec<Value> = matching
            .into_iter()
            .skip(page.saturating_sub(1).saturating_mul(per_page))
            .take(per_page)
            .map(|object| object.render(self.team_name(), false))
            .collect();
        let result_info = json!({
            "page": page,
            "per_page": per_page,
            "count": items.len(),
            "total_count": total,
            "total_pages": total.div_ceil(per_page),
        });
        Page { items, result_info }
    }

    pub(crate) fn get(&self, owner: &Owner, id: &str) -> Result<Value, ApiError> {
        let store = self.read_store();
        Ok(store.find(owner, id)?.render(self.team_name(), false))
    }

    pub(crate) fn create(&self, owner: &Owner, body: &[u8]) -> Result<Value, ApiError> {
        let input = parse_body(body, None)?;
        let mut store = self.write_store();
        if input.kind == IdpType::OneTimePin && store.has_onetimepin(owner, None) {
            return Err(onetimepin_conflict());
        }
        let mut scim_config = ScimState::default();
        let mut reveal = false;
        if let Some(scim) = input.scim {
            if scim.enabled {
                scim_config.secret = Some(generate_secret());
                reveal = true;
            }
            scim_config.enabled = scim.enabled;
            scim_config.identity_update_behavior = scim.identity_update_behavior;
            scim_config.seat_deprovision = scim.seat_deprovision;
            scim_config.user_deprovision = scim.user_deprovision;
        }
        let now = now_rfc3339();
        let object = StoredIdp {
            id: uuid::Uuid::new_v4().to_string(),
            scope: owner.scope,
            owner_id: owner.id.clone(),
            seq: store.take_seq(),
            version: 1,
            created_at: now.clone(),
            updated_at: now,
            name: input.name,
            kind: input.kind,
            config: input.config,
            scim_config,
            read_only: input.read_only,
            saml_certificate_set_id: input.saml_certificate_set_id,
            extra: serde_json::Map::new(),
        };
        let rendered = object.render(self.team_name(), reveal);
        store.objects.insert(object.id.clone(), object);
        self.persist(&store);
        Ok(rendered)
    }

    pub(crate) fn update(&self, owner: &Owner, id: &str, body: &[u8]) -> Result<Value, ApiError> {
        let mut store = self.write_store();
        let existing = store.find(owner, id)?;
        if existing.read_only {
            return Err(read_only_refusal());
        }
        let stored_secret = existing
            .config
            .get("client_secret")
            .and_then(Value::as_str)
            .map(str::to_string);
        let input = parse_body(body, stored_secret.as_deref())?;
        if input.kind == IdpType::OneTimePin && store.has_onetimepin(owner, Some(id)) {
            return Err(onetimepin_conflict());
        }
        let Some(object) = store.objects.get_mut(id) else {
            return Err(ApiError::NotFound);
        };
        let was_enabled = object.scim_config.enabled;
        let mut scim_config = ScimState {
            secret: object.scim_config.secret.clone(),
            ..ScimState::default()
        };
        let mut reveal = false;
        if let Some(scim) = input.scim {
            if scim.enabled && !was_enabled {
                scim_config.secret = Some(generate_secret());
                reveal = true;
            }
            scim_config.enabled = scim.enabled;
            scim_config.identity_update_behavior = scim.identity_update_behavior;
            scim_config.seat_deprovision = scim.seat_deprovision;
            scim_config.user_deprovision = scim.user_deprovision;
        }
        object.name = input.name;
        object.kind = input.kind;
        object.config = input.config;
        object.scim_config = scim_config;
        object.read_only = input.read_only;
        object.saml_certificate_set_id = input.saml_certificate_set_id;
        object.version += 1;
        object.updated_at = now_rfc3339();
        let rendered = object.render(self.team_name(), reveal);
        self.persist(&store);
        Ok(rendered)
    }

    pub(crate) fn delete(&self, owner: &Owner, id: &str) -> Result<Value, ApiError> {
        let mut store = self.write_store();
        if store.find(owner, id)?.read_only {
            return Err(read_only_refusal());
        }
        store.objects.remove(id);
        self.persist(&store);
        Ok(json!({ "id": id }))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn onetimepin_conflict() -> ApiError {
    ApiError::Conflict("a onetimepin connection already exists".to_string())
}

fn read_only_refusal() -> ApiError {
    invalid("this identity provider is read only and cannot be updated or deleted via the API")
}
