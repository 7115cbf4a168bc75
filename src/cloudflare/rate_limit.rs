//! The client-side request budget, shared by every client in the process that talks to the same
//! API root with the same credentials: pacing by the API's own account of the budget (with a
//! persisted local window when the API gives none), an optional fixed ceiling, and the pause a
//! 429's `Retry-After` imposes on everyone.

mod headers;
mod pacer;
mod window;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Jitter, Quota, RateLimiter};
use reqwest::header::HeaderMap;
use tokio::time::Instant;

use pacer::{Pacer, Step};
use window::Window;

/// A request budget: at most `requests` per `per`. Used both for Cloudflare's budget (what the
/// client assumes when the API does not report one) and for a user's fixed ceiling.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
    /// How many requests may go out back to back before the steady rate of a ceiling applies.
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

/// How the client paces itself against the API's budget.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Pacing {
    /// The budget assumed when the API's responses carry no `Ratelimit` header.
    pub assumed_budget: RateLimit,
    /// Where the window of send times is shared with other processes using the same
    /// credentials and API root; `None` keeps it in this process.
    pub state_dir: Option<PathBuf>,
}

/// Shared gate in front of every request: the pacer, the optional fixed ceiling, and a pause
/// that a 429's `Retry-After` imposes on every caller, not just the one that received it.
pub(crate) struct Throttle {
    pacing: Option<Paced>,
    ceiling: Option<DefaultDirectRateLimiter>,
    paused_until: Mutex<Option<Instant>>,
}

struct Paced {
    assumed_quota: u64,
    pacer: Mutex<Pacer>,
    window: Window,
    changed: tokio::sync::Notify,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("paced", &self.pacing.is_some())
            .field("ceiling", &self.ceiling.is_some())
            .finish_non_exhaustive()
    }
}

/// Permission to send one request. Hand the response's headers back with [`Ticket::answered`];
/// dropping it unanswered (a transport failure, a cancellation) tells the pacer no answer came.
pub(crate) struct Ticket {
    throttle: Arc<Throttle>,
    seq: Option<u64>,
}

impl Ticket {
    /// The API answered with these headers.
    pub(crate) fn answered(mut self, headers: &HeaderMap) {
        if let (Some(seq), Some(paced)) = (self.seq.take(), &self.throttle.pacing) {
            let reading = headers::read(headers);
            lock(&paced.pacer).observe(seq, true, reading.as_ref(), Instant::now());
            paced.changed.notify_waiters();
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let (Some(seq), Some(paced)) = (self.seq.take(), &self.throttle.pacing) {
            lock(&paced.pacer).observe(seq, false, None, Instant::now());
            paced.changed.notify_waiters();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Throttle {
    pub(crate) fn new(
        pacing: Option<&Pacing>,
        ceiling: Option<&RateLimit>,
        base_url: &str,
        secrets: &[&str],
    ) -> Result<Throttle, String> {
        let check = |limit: &RateLimit, what: &str| {
            if limit.requests == 0 || limit.per.is_zero() {
                Err(format!(
                    "the {what} must allow at least one request in a non-zero window \
                     (got {} per {:?})",
                    limit.requests, limit.per
                ))
            } else {
                Ok(())
            }
        };
        let ceiling = match ceiling {
            None => None,
            Some(limit) => {
                check(limit, "rate limit")?;
                let burst = NonZeroU32::new(limit.burst()).unwrap_or(NonZeroU32::MIN);
                let quota = Quota::with_period(limit.interval())
                    .ok_or_else(|| "the rate limit's interval rounds down to zero".to_owned())?
                    .allow_burst(burst);
                Some(RateLimiter::direct(quota))
            }
        };
        let pacing = match pacing {
            None => None,
            Some(pacing) => {
                check(&pacing.assumed_budget, "assumed rate budget")?;
                Some(Paced {
                    assumed_quota: u64::from(pacing.assumed_budget.requests),
                    pacer: Mutex::new(Pacer::default()),
                    window: Window::new(
                        pacing.assumed_budget.clone(),
                        pacing.state_dir.as_deref(),
                        base_url,
                        secrets,
                    ),
                    changed: tokio::sync::Notify::new(),
                })
            }
        };
        Ok(Throttle {
            pacing,
            ceiling,
            paused_until: Mutex::new(None),
        })
    }

    /// The throttle for this API root, credential and settings, created on first use and
    /// shared by every client in the process that matches, so that building a second client (or
    /// the provider being configured again) cannot double the request rate.
    pub(crate) fn shared(
        base_url: &str,
        secrets: &[&str],
        pacing: Option<&Pacing>,
        ceiling: Option<&RateLimit>,
    ) -> Result<Arc<Throttle>, String> {
        static REGISTRY: OnceLock<Mutex<HashMap<u64, Weak<Throttle>>>> = OnceLock::new();
        // Only a hash of the credentials is kept, never the credentials themselves.
        let mut hasher = DefaultHasher::new();
        (
            base_url,
            secrets,
            pacing,
            ceiling.map(|l| (l.requests, l.per)),
        )
            .hash(&mut hasher);
        let key = hasher.finish();
        let mut registry = lock(REGISTRY.get_or_init(Default::default));
        if let Some(existing) = registry.get(&key).and_then(Weak::upgrade) {
            return Ok(existing);
        }
        let throttle = Arc::new(Throttle::new(pacing, ceiling, base_url, secrets)?);
        registry.retain(|_, throttle| throttle.strong_count() > 0);
        registry.insert(key, Arc::downgrade(&throttle));
        Ok(throttle)
    }

    /// Waits until a request may go out. Callers wait; nobody is turned away.
    pub(crate) async fn acquire(self: &Arc<Self>) -> Ticket {
        self.wait_out_pause().await;
        if let Some(ceiling) = &self.ceiling {
            // A little jitter keeps callers that woke together from all re-checking the bucket at
            // the same instant.
            ceiling
                .until_ready_with_jitter(Jitter::up_to(Duration::from_millis(20)))
                .await;
        }
        let seq = match &self.pacing {
            Some(paced) => Some(paced.admit().await),
            None => None,
        };
        Ticket {
            throttle: self.clone(),
            seq,
        }
    }

    async fn wait_out_pause(&self) {
        loop {
            let pause = *lock(&self.paused_until);
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
    }

    /// Makes every caller hold off until `wait` from now (never shortens an existing pause).
    pub(crate) fn pause_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = lock(&self.paused_until);
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }
}

/// Longest wait between looks at the pacing state, in case a wake-up is missed.
const RECHECK: Duration = Duration::from_secs(1);

impl Paced {
    /// Waits for the pacer's go-ahead and returns the request's sequence number.
    async fn admit(&self) -> u64 {
        let mut logged_wait = false;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let now = Instant::now();
            let step = lock(&self.pacer).decide(now, self.assumed_quota);
            // Waiting for the first answer is not worth a line: it usually takes milliseconds.
            let probing = step == Step::WaitForAnswer;
            let until = match step {
                Step::Send(seq) => return seq,
                Step::Probe(seq) => {
                    // Recorded so that other processes count it, but never held back: the
                    // window keeps a tenth of the budget spare for exactly such sends.
                    let _ = self.window.admit(false);
                    return seq;
                }
                Step::AskWindow => match self.window.admit(true) {
                    Ok(()) => return lock(&self.pacer).sent_by_window(Instant::now()),
                    Err(wait) => now + wait,
                },
                Step::WaitUntil(until) => until,
                Step::WaitForAnswer => now + RECHECK,
            };
            if !logged_wait && !probing && until > now + Duration::from_millis(50) {
                logged_wait = true;
                tracing::debug!(
                    wait_ms = until.saturating_duration_since(now).as_millis() as u64,
                    "pacing requests to stay within the API's rate budget"
                );
            }
            tokio::select! {
                () = tokio::time::sleep_until(until.min(now + RECHECK)) => {}
                () = &mut changed => {}
            }
        }
    }
}
