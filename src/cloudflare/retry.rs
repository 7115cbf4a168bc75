//! When and how long to wait before trying a request again.
//!
//! The loop itself lives in the client. It is hand-rolled rather than built on a retry crate
//! because each decision needs the HTTP response (status, `Retry-After`, `x-should-retry`), a
//! per-method notion of what is safe to repeat, and, for POST, a look-up between attempts to avoid
//! creating a duplicate. A generic retry combinator would own the sleeping and hide all three.

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::HeaderMap;

/// How failed requests are retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` requests).
    pub max_retries: u32,
    /// Shortest wait between attempts.
    pub min_backoff: Duration,
    /// Longest computed wait between attempts (a server's `Retry-After` may ask for more).
    pub max_backoff: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
    /// No retry starts once connections have been failing to open (refused, unknown host, no
    /// route) for this long in a row. Such a failure means no request reached any server, and it
    /// rarely heals within minutes: it is a wrong address or a server that is not running. So it
    /// gets seconds, not the full `max_elapsed`, which stays for timeouts, connections lost after
    /// sending, and 5xx.
    pub max_unreachable: Duration,
}

/// The default [`RetryPolicy::max_unreachable`]: long enough to ride out a server restart or a
/// brief network blip (with the default backoff, three or four attempts), short enough that a
/// wrong port fails within seconds.
pub const DEFAULT_MAX_UNREACHABLE: Duration = Duration::from_secs(8);

impl Default for RetryPolicy {
    /// 10 retries (cloudflare-go's default since it reworked rate-limit handling), waits from 1 s
    /// doubling up to 30 s, and at most 5 minutes in all, which is also how long Cloudflare blocks
    /// a client that went over its budget.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 10,
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(300),
            max_unreachable: DEFAULT_MAX_UNREACHABLE,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0 for the first retry): `min_backoff · 2^retry`,
    /// capped at `max_backoff`, with "equal jitter" (a random point in the upper half) so that
    /// concurrent callers that failed together do not come back together. Never below
    /// `min_backoff`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let min = self.min_backoff;
        let max = self.max_backoff.max(min);
        let ceiling = min
            .checked_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .unwrap_or(max)
            .min(max);
        let half = ceiling / 2;
        let jitter = if half.is_zero() {
            Duration::ZERO
        } else {
            rand::rng().random_range(Duration::ZERO..=half)
        };
        (half + jitter).max(min)
    }
}

/// Whether a failed request never left this machine: the connection could not be opened (it
/// was refused, the host name did not resolve, there was no route, the TLS handshake failed).
/// A connect *timeout* is not counted: a slow or overloaded server may still come back, so it
/// keeps the full budget.
pub(crate) fn is_unreachable(error: &reqwest::Error) -> bool {
    error.is_connect() && !error.is_timeout()
}

/// Whether a response with this status is worth retrying.
///
/// 408 and 429 are explicit "try later"; 5xx are the server's fault. 409 is not retried, unlike
/// cloudflare-go: for identity providers it means "a onetimepin provider already exists", which
/// does not go away by waiting.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

/// The server's own verdict through `x-should-retry: true|false`, when it gives one.
pub(crate) fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Longest server-requested wait taken at face value. Cloudflare blocks a client that went over
/// its budget for 5 minutes; an answer asking for more than a day comes from something broken
/// (or hostile) between us and the API, and must neither overflow a clock nor park callers for
/// years. Longer requests are read as this cap, which is already far beyond any retry budget,
/// so the request fails at once with the wait quoted as "24h or more".
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// How long the server asked us to wait: `Retry-After-Ms` (milliseconds) first, then
/// `Retry-After` as seconds or as an HTTP date. Dates in the past mean "now"; anything beyond
/// [`MAX_RETRY_AFTER`] is read as that cap.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = header_str(headers, "retry-after-ms").and_then(parse_millis) {
        return Some(ms);
    }
    parse_retry_after(header_str(headers, "retry-after")?, now)
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

fn parse_millis(value: &str) -> Option<Duration> {
    let millis: f64 = value.parse().ok()?;
    capped_seconds(millis / 1000.0)
}

/// Parses a `Retry-After` value: delta-seconds (fractions tolerated) or an IMF-fixdate.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return capped_seconds(seconds);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// A non-negative number of seconds as a wait, at most [`MAX_RETRY_AFTER`]; `None` for NaN and
/// negative values. Infinity counts as "more than the cap".
fn capped_seconds(seconds: f64) -> Option<Duration> {
    if seconds.is_nan() || seconds < 0.0 {
        return None;
    }
    if seconds >= MAX_RETRY_AFTER.as_secs_f64() {
        return Some(MAX_RETRY_AFTER);
    }
    Some(Duration::from_secs_f64(seconds))
}
