//! The client-side request budget shared by every clone of a client.

use std::time::Duration;

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
