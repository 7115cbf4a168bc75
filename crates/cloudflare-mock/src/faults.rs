//! Injected faults, the per-credential rate limiter, and the middleware that applies both and
//! reports the budget in `Ratelimit` / `Ratelimit-Policy` headers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::server::ConnectionHandle;
use crate::state::MockState;

/// A fault to inject into Cloudflare routes.
///
/// Its JSON form (HTTP control surface) is flat, e.g.
/// `{"operation":"create","kind":"server_error","status":503,"probability":1.0,"times":2}`;
/// `operation`, `probability` (default 1) and `times` may be left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// Operation to break: `"list"`, `"create"`, `"get"`, `"update"`, `"delete"` or `"other"`;
    /// `None` applies to every Cloudflare route.
    #[serde(default)]
    pub operation: Option<String>,
    /// What happens when the fault fires.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Chance that a matching request triggers the fault, from 0 to 1.
    #[serde(default = "always_fires")]
    pub probability: f64,
    /// How many times the fault fires before it is removed; `None` keeps it forever.
    #[serde(default)]
    pub times: Option<u64>,
}

fn always_fires() -> f64 {
    1.0
}

impl Fault {
    /// A fault that fires on every matching request, forever.
    pub fn always(operation: Option<&str>, kind: FaultKind) -> Fault {
        Fault {
            operation: operation.map(str::to_string),
            kind,
            probability: 1.0,
            times: None,
        }
    }

    /// A fault that fires on the next `times` matching requests.
    pub fn times(operation: Option<&str>, kind: FaultKind, times: u64) -> Fault {
        Fault {
            times: Some(times),
            ..Fault::always(operation, kind)
        }
    }
}

/// What an injected fault does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "FaultKindSpec", from = "FaultKindSpec")]
pub enum FaultKind {
    /// Answer with this 5xx status (other values fall back to 500) and an error envelope.
    ServerError(u16),
    /// Answer 429 with `Retry-After: retry_after_secs` and error code 971.
    TooManyRequests {
        /// Value of the `Retry-After` header, in seconds.
        retry_after_secs: u64,
    },
    /// Wait this long, then handle the request normally.
    Latency(Duration),
    /// Wait a random time between `min` and `max` (uniform, drawn per request), then handle the
    /// request normally: a network whose delay varies, so concurrent requests finish out of
    /// order.
    LatencyJitter {
        /// Shortest delay.
        min: Duration,
        /// Longest delay; a value below `min` counts as `min`.
        max: Duration,
    },
    /// Close the connection before handling the request; the client gets no response.
    DropConnection,
    /// Handle the request (so a create really creates), then close the connection without
    /// writing the response.
    DropAfterCommit,
}

/// A request budget per credential: `requests` per `window`. Going over it blocks the
/// credential for one window length (Cloudflare: five minutes after exceeding 1200 per 300 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in each window.
    pub requests: u32,
    /// Length of a window, and of the block after the budget is exceeded.
    pub window: Duration,
}

impl Default for RateLimit {
    /// Cloudflare's global API budget: 1200 requests per 5 minutes.
    fn default() -> Self {
        RateLimit {
            requests: 1200,
            window: Duration::from_secs(300),
        }
    }
}

/// The JSON form of [`FaultKind`] on the HTTP control surface, e.g. `{"kind":"latency","millis":250}`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum FaultKindSpec {
    ServerError { status: u16 },
    TooManyRequests { retry_after_secs: u64 },
    Latency { millis: u64 },
    LatencyJitter { min_millis: u64, max_millis: u64 },
    DropConnection,
    DropAfterCommit,
}

impl From<FaultKind> for FaultKindSpec {
    fn from(kind: FaultKind) -> Self {
        match kind {
            FaultKind::ServerError(status) => FaultKindSpec::ServerError { status },
            FaultKind::TooManyRequests { retry_after_secs } => {
                FaultKindSpec::TooManyRequests { retry_after_secs }
            }
            FaultKind::Latency(delay) => FaultKindSpec::Latency {
                millis: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            },
            FaultKind::LatencyJitter { min, max } => FaultKindSpec::LatencyJitter {
                min_millis: u64::try_from(min.as_millis()).unwrap_or(u64::MAX),
                max_millis: u64::try_from(max.as_millis()).unwrap_or(u64::MAX),
            },
            FaultKind::DropConnection => FaultKindSpec::DropConnection,
            FaultKind::DropAfterCommit => FaultKindSpec::DropAfterCommit,
        }
    }
}

impl From<FaultKindSpec> for FaultKind {
    fn from(spec: FaultKindSpec) -> Self {
        match spec {
            FaultKindSpec::ServerError { status } => FaultKind::ServerError(status),
            FaultKindSpec::TooManyRequests { retry_after_secs } => {
                FaultKind::TooManyRequests { retry_after_secs }
            }
            FaultKindSpec::Latency { millis } => FaultKind::Latency(Duration::from_millis(millis)),
            FaultKindSpec::LatencyJitter {
                min_millis,
                max_millis,
            } => FaultKind::LatencyJitter {
                min: Duration::from_millis(min_millis),
                max: Duration::from_millis(max_millis),
            },
            FaultKindSpec::DropConnection => FaultKind::DropConnection,
            FaultKindSpec::DropAfterCommit => FaultKind::DropAfterCommit,
        }
    }
}

/// Per-credential windows. A window opens with the first request after the previous one
/// ended; a request over the budget starts a block of one window length, during which every
/// request is refused.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    pub(crate) limit: Option<RateLimit>,
    windows: HashMap<String, Window>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    used: u32,
    blocked_until: Option<Instant>,
}

/// The budget as the headers report it: requests left and seconds until they are available again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    pub(crate) limit: RateLimit,
    pub(crate) remaining: u32,
    pub(crate) reset_secs: u64,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<RateLimit>) -> RateLimiter {
        RateLimiter {
            limit,
            windows: HashMap::new(),
        }
    }

    pub(crate) fn set_limit(&mut self, limit: Option<RateLimit>) {
        self.limit = limit;
        self.windows.clear();
    }

    /// The window of `credential` as it stands at `now`, with expired windows and blocks gone.
    fn current(&mut self, credential: &str, now: Instant) -> Option<(RateLimit, &mut Window)> {
        let limit = self.limit?;
        let window = self.windows.get(credential).copied();
        let expired = window.is_none_or(|w| match w.blocked_until {
            Some(until) => now >= until,
            None => now.duration_since(w.started) >= limit.window,
        });
        if expired {
            self.windows.insert(
                credential.to_string(),
                Window {
                    started: now,
                    used: 0,
                    blocked_until: None,
                },
            );
        }
        self.windows.get_mut(credential).map(|w| (limit, w))
    }

    /// Records a request by `credential`, or returns how many seconds to wait if the budget is
    /// spent. Refused requests are not counted, but the first one starts the block.
    pub(crate) fn check(&mut self, credential: &str, now: Instant) -> Result<(), u64> {
        let Some((limit, window)) = self.current(credential, now) else {
            return Ok(());
        };
        if let Some(until) = window.blocked_until {
            return Err(ceil_secs(until.saturating_duration_since(now)));
        }
        if window.used < limit.requests {
            window.used += 1;
            return Ok(());
        }
        window.blocked_until = Some(now + limit.window);
        Err(ceil_secs(limit.window))
    }

    /// What `credential` has left at `now`, without spending anything; `None` when unlimited.
    pub(crate) fn budget(&mut self, credential: &str, now: Instant) -> Option<Budget> {
        let (limit, window) = self.current(credential, now)?;
        let (remaining, reset_at) = match window.blocked_until {
            Some(until) => (0, until),
            // A window nobody has used yet would open with the next request.
            None if window.used == 0 => (limit.requests, now + limit.window),
            None => (limit.requests - window.used, window.started + limit.window),
        };
        Some(Budget {
            limit,
            remaining,
            reset_secs: ceil_secs_or_zero(reset_at.saturating_duration_since(now)),
        })
    }
}

/// Seconds rounded up, so a client that waits that long finds the window reset.
fn ceil_secs_or_zero(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

fn ceil_secs(wait: Duration) -> u64 {
    let whole = wait.as_secs();
    let rounded = if wait.subsec_nanos() > 0 {
        whole + 1
    } else {
        whole
    };
    rounded.max(1)
}

/// What the fault middleware decided for one request.
#[derive(Debug, Default)]
pub(crate) struct FaultDecision {
    pub(crate) delay: Duration,
    pub(crate) outcome: Option<FaultKind>,
}

/// Picks the faults that fire for `operation`: every triggered latency adds up, and the first
/// triggered other fault decides the outcome. Counts of fired faults go down; spent ones go away.
pub(crate) fn decide(faults: &mut Vec<Fault>, operation: &str) -> FaultDecision {
    let mut decision = FaultDecision::default();
    for fault in faults.iter_mut() {
        if fault
            .operation
            .as_deref()
            .is_some_and(|wanted| wanted != operation)
        {
            continue;
        }
        if fault.times == Some(0) {
            continue;
        }
        let is_latency = matches!(
            fault.kind,
            FaultKind::Latency(_) | FaultKind::LatencyJitter { .. }
        );
        if !is_latency && decision.outcome.is_some() {
            continue;
        }
        let probability = fault.probability.clamp(0.0, 1.0);
        if probability < 1.0 && rand::random::<f64>() >= probability {
            continue;
        }
        if let Some(times) = fault.times.as_mut() {
            *times -= 1;
        }
        match &fault.kind {
            FaultKind::Latency(delay) => decision.delay += *delay,
            FaultKind::LatencyJitter { min, max } => decision.delay += jitter(*min, *max),
            other => decision.outcome = Some(other.clone()),
        }
    }
    faults.retain(|fault| fault.times != Some(0));
    decision
}

/// A delay drawn uniformly from `min..=max`.
fn jitter(min: Duration, max: Duration) -> Duration {
    if max <= min {
        return min;
    }
    rand::random_range(min..=max)
}

/// Counts the request and applies injected faults before the route runs; afterwards counts a
/// 429 and adds the rate-limit headers for an authenticated caller.
pub(crate) async fn fault_middleware(
    State(state): State<MockState>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/__mock") {
        // Unknown control paths fall through to the Cloudflare fallback; they are not API traffic.
        return next.run(request).await;
    }
    let operation = crate::routes::classify(request.method(), request.uri().path());
    let credential = crate::auth::authenticate(state.config(), request.headers());
    let mut response = apply_faults(state.clone(), operation, request, next).await;
    if response.status() == axum::http::StatusCode::TOO_MANY_REQUESTS {
        state.count_throttled(operation);
    }
    if let Some(credential) = credential.filter(|_| state.rate_limit_headers()) {
        if let Some(budget) = state.limiter().budget(&credential, Instant::now()) {
            add_rate_limit_headers(response.headers_mut(), &budget);
        }
    }
    response
}

/// `Ratelimit: "default";r=<left>;t=<secs>` and `Ratelimit-Policy: "default";q=<n>;w=<secs>`,
/// in the structured-field syntax Cloudflare uses.
pub(crate) fn add_rate_limit_headers(headers: &mut axum::http::HeaderMap, budget: &Budget) {
    let window = budget.limit.window.as_secs_f64();
    let window = if window.fract() == 0.0 {
        format!("{window:.0}")
    } else {
        format!("{window}")
    };
    let limit = format!("\"default\";r={};t={}", budget.remaining, budget.reset_secs);
    let policy = format!("\"default\";q={};w={window}", budget.limit.requests);
    for (name, value) in [("ratelimit", limit), ("ratelimit-policy", policy)] {
        if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

async fn apply_faults(state: MockState, operation: &str, request: Request, next: Next) -> Response {
    state.count_request(operation);
    let decision = state.decide_faults(operation);
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    let connection = request.extensions().get::<ConnectionHandle>().cloned();
    match decision.outcome {
        None => next.run(request).await,
        Some(FaultKind::ServerError(status)) => {
            let status = axum::http::StatusCode::from_u16(status)
                .ok()
                .filter(|s| s.is_server_error())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            ApiError::Injected(status).into_response()
        }
        Some(FaultKind::TooManyRequests { retry_after_secs }) => {
            ApiError::TooManyRequests { retry_after_secs }.into_response()
        }
        Some(FaultKind::Latency(_) | FaultKind::LatencyJitter { .. }) => next.run(request).await,
        Some(FaultKind::DropConnection) => match connection {
            Some(connection) => connection.drop_now().await,
            None => ApiError::Injected(axum::http::StatusCode::BAD_GATEWAY).into_response(),
        },
        Some(FaultKind::DropAfterCommit) => {
            let response = next.run(request).await;
            match connection {
                Some(connection) => {
                    drop(response);
                    connection.drop_now().await
                }
                None => {
                    drop(response);
                    ApiError::Injected(axum::http::StatusCode::BAD_GATEWAY).into_response()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_reset_and_going_over_blocks_for_a_window() {
        let mut limiter = RateLimiter::new(Some(RateLimit {
            requests: 2,
            window: Duration::from_secs(10),
        }));
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let budget = |limiter: &mut RateLimiter, ms| {
            limiter
                .budget("a", at(ms))
                .map(|b| (b.remaining, b.reset_secs))
        };
        assert_eq!(budget(&mut limiter, 0), Some((2, 10)));
        assert_eq!(limiter.check("a", at(0)), Ok(()));
        assert_eq!(budget(&mut limiter, 500), Some((1, 10)));
        assert_eq!(limiter.check("a", at(1_000)), Ok(()));
        assert_eq!(budget(&mut limiter, 1_000), Some((0, 9)));
        // Another credential has its own budget.
        assert_eq!(limiter.check("b", at(2_000)), Ok(()));
        // A fixed window: the budget comes back whole when it ends.
        assert_eq!(limiter.check("a", at(10_000)), Ok(()));
        assert_eq!(limiter.check("a", at(10_100)), Ok(()));
        // Going over blocks for a whole window, even past the end of the current one.
        assert_eq!(limiter.check("a", at(10_200)), Err(10));
        assert_eq!(budget(&mut limiter, 10_200), Some((0, 10)));
        assert_eq!(limiter.check("a", at(19_000)), Err(2));
        assert_eq!(limiter.check("a", at(20_100)), Err(1));
        assert_eq!(limiter.check("a", at(20_200)), Ok(()));
        assert_eq!(budget(&mut limiter, 20_200), Some((1, 10)));
        let mut off = RateLimiter::new(None);
        assert_eq!(off.check("a", at(0)), Ok(()));
        assert_eq!(off.budget("a", at(0)), None);
    }

    #[test]
    fn headers_use_cloudflare_syntax() {
        let mut headers = axum::http::HeaderMap::new();
        let budget = Budget {
            limit: RateLimit::default(),
            remaining: 1187,
            reset_secs: 291,
        };
        add_rate_limit_headers(&mut headers, &budget);
        assert_eq!(headers["ratelimit"], "\"default\";r=1187;t=291");
        assert_eq!(headers["ratelimit-policy"], "\"default\";q=1200;w=300");
        let fractional = Budget {
            limit: RateLimit {
                requests: 3,
                window: Duration::from_millis(1500),
            },
            remaining: 0,
            reset_secs: 2,
        };
        add_rate_limit_headers(&mut headers, &fractional);
        assert_eq!(headers["ratelimit-policy"], "\"default\";q=3;w=1.5");
    }

    #[test]
    fn counted_faults_expire_and_filters_apply() {
        let mut faults = vec![
            Fault::times(Some("create"), FaultKind::ServerError(503), 1),
            Fault::always(None, FaultKind::Latency(Duration::from_millis(5))),
        ];
        let first = decide(&mut faults, "create");
        assert_eq!(first.outcome, Some(FaultKind::ServerError(503)));
        assert_eq!(first.delay, Duration::from_millis(5));
        assert_eq!(faults.len(), 1);
        let second = decide(&mut faults, "create");
        assert_eq!(second.outcome, None);
        let other = decide(&mut faults, "list");
        assert_eq!(other.delay, Duration::from_millis(5));
    }

    #[test]
    fn jitter_draws_delays_across_its_range_and_adds_to_latency() {
        let (min, max) = (Duration::from_millis(10), Duration::from_millis(50));
        let mut faults = vec![
            Fault::always(None, FaultKind::LatencyJitter { min, max }),
            Fault::always(None, FaultKind::Latency(Duration::from_millis(5))),
        ];
        let delays: Vec<Duration> = (0..200)
            .map(|_| {
                let decision = decide(&mut faults, "get");
                assert_eq!(decision.outcome, None, "jitter only delays");
                decision.delay
            })
            .collect();
        let fixed = Duration::from_millis(5);
        assert!(delays
            .iter()
            .all(|d| *d >= min + fixed && *d <= max + fixed));
        let distinct: std::collections::BTreeSet<_> = delays.iter().collect();
        assert!(distinct.len() > 20, "delays vary: {distinct:?}");
        let lower_half = delays
            .iter()
            .filter(|d| **d < fixed + min + (max - min) / 2);
        let share = lower_half.count();
        assert!(
            (40..=160).contains(&share),
            "uniform spread: {share} of 200 in the lower half"
        );
        assert_eq!(jitter(max, min), max, "an empty range gives its lower end");
    }

    #[test]
    fn zero_probability_never_fires() {
        let mut faults = vec![Fault {
            probability: 0.0,
            ..Fault::times(None, FaultKind::DropConnection, 3)
        }];
        for _ in 0..50 {
            assert!(decide(&mut faults, "get").outcome.is_none());
        }
        assert_eq!(faults[0].times, Some(3));
    }

    #[test]
    fn faults_have_a_flat_json_form_with_defaults() {
        let fault: Fault =
            serde_json::from_str(r#"{"operation":"create","kind":"server_error","status":503}"#)
                .unwrap();
        assert_eq!(
            fault,
            Fault::always(Some("create"), FaultKind::ServerError(503))
        );
        let text =
            serde_json::to_string(&Fault::times(None, FaultKind::DropAfterCommit, 2)).unwrap();
        let back: Fault = serde_json::from_str(&text).unwrap();
        assert_eq!(back, Fault::times(None, FaultKind::DropAfterCommit, 2));
    }

    #[test]
    fn fault_kinds_have_a_readable_json_form() {
        let kinds = [
            (
                FaultKind::ServerError(502),
                r#"{"kind":"server_error","status":502}"#,
            ),
            (
                FaultKind::TooManyRequests {
                    retry_after_secs: 3,
                },
                r#"{"kind":"too_many_requests","retry_after_secs":3}"#,
            ),
            (
                FaultKind::Latency(Duration::from_millis(250)),
                r#"{"kind":"latency","millis":250}"#,
            ),
            (
                FaultKind::LatencyJitter {
                    min: Duration::from_millis(10),
                    max: Duration::from_millis(400),
                },
                r#"{"kind":"latency_jitter","min_millis":10,"max_millis":400}"#,
            ),
            (FaultKind::DropConnection, r#"{"kind":"drop_connection"}"#),
            (
                FaultKind::DropAfterCommit,
                r#"{"kind":"drop_after_commit"}"#,
            ),
        ];
        for (kind, text) in kinds {
            assert_eq!(serde_json::to_string(&kind).unwrap(), text);
            assert_eq!(serde_json::from_str::<FaultKind>(text).unwrap(), kind);
        }
    }
}
