//! The client-side request budget, shared by every client in the process that talks to the same
//! API root with the same credentials.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Jitter, Quota, RateLimiter};
use tokio::time::Instant;

/// A request budget: at most `requests` per `per`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in each window.
    pub requests: u32,
    /// Window length.
    pub per: Duration,
}

impl Default for RateLimit {
    /// Cloudflare's global API budget: 1200 requests per 5 minutes per user.
    fn default() -> Self {
        RateLimit {
            requests: 1200,
            per: Duration::from_secs(300),
        }
    }
}

impl RateLimit {
    /// How many requests may go out back to back before the steady rate applies.
    ///
    /// A sixtieth of the budget (20 for Cloudflare's 1200 per 5 minutes) lets a small plan start
    /// at once while the steady rate is lowered by the same amount, so that even a burst followed
    /// by a full window of steady traffic stays within `requests` per `per`.
    pub fn burst(&self) -> u32 {
        (self.requests / 60).clamp(1, self.requests.max(1))
    }

    /// Time between requests at the steady rate: `per / (requests - burst)`.
    pub fn interval(&self) -> Duration {
        let steady = self.requests.saturating_sub(self.burst()).max(1);
        self.per / steady
    }
}

/// Shared gate in front of every request: the token bucket, plus a pause that a 429's
/// `Retry-After` imposes on every caller, not just the one that received it.
pub(crate) struct Throttle {
    limiter: Option<DefaultDirectRateLimiter>,
    paused_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("limited", &self.limiter.is_some())
            .finish_non_exhaustive()
    }
}

impl Throttle {
    pub(crate) fn new(limit: Option<&RateLimit>) -> Result<Throttle, String> {
        let limiter = match limit {
            None => None,
            Some(limit) => {
                if limit.requests == 0 || limit.per.is_zero() {
                    return Err(format!(
                        "the rate limit must allow at least one request in a non-zero window \
                         (got {} per {:?})",
                        limit.requests, limit.per
                    ));
                }
                let burst = NonZeroU32::new(limit.burst()).unwrap_or(NonZeroU32::MIN);
                let quota = Quota::with_period(limit.interval())
                    .ok_or_else(|| "the rate limit's interval rounds down to zero".to_owned())?
                    .allow_burst(burst);
                Some(RateLimiter::direct(quota))
            }
        };
        Ok(Throttle {
            limiter,
            paused_until: Mutex::new(None),
        })
    }

    /// The throttle for this API root, credential and budget, created on first use and shared
    /// by every client in the process that matches, so that building a second client (or the
    /// provider being configured again) cannot double the request rate.
    pub(crate) fn shared(
        base_url: &str,
        secrets: &[&str],
        limit: Option<&RateLimit>,
    ) -> Result<Arc<Throttle>, String> {
        static REGISTRY: OnceLock<Mutex<HashMap<u64, Weak<Throttle>>>> = OnceLock::new();
        // Only a hash of the credentials is kept, never the credentials themselves.
        let mut hasher = DefaultHasher::new();
        (base_url, secrets, limit.map(|l| (l.requests, l.per))).hash(&mut hasher);
        let key = hasher.finish();
        let mut registry = REGISTRY
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = registry.get(&key).and_then(Weak::upgrade) {
            return Ok(existing);
        }
        let throttle = Arc::new(Throttle::new(limit)?);
        registry.retain(|_, throttle| throttle.strong_count() > 0);
        registry.insert(key, Arc::downgrade(&throttle));
        Ok(throttle)
    }

    /// Waits until a request may go out. Callers wait; nobody is turned away.
    pub(crate) async fn acquire(&self) {
        loop {
            let pause = *self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
            match pause {
                Some(until) if until > Instant::now() => {
                    tracing::debug!(
                        wait_ms =
                            until.saturating_duration_since(Instant::now()).as_millis() as u64,
                        "waiting out a rate-limit pause"
                    );
                    tokio::time::sleep_until(until).await;
                }
                _ => break,
            }
        }
        if let Some(limiter) = &self.limiter {
            // A little jitter keeps callers that woke together from all re-checking the bucket at
            // the same instant.
            limiter
                .until_ready_with_jitter(Jitter::up_to(Duration::from_millis(20)))
                .await;
        }
    }

    /// Makes every caller hold off until `wait` from now (never shortens an existing pause).
    pub(crate) fn pause_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }
}
