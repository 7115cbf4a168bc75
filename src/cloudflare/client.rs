//! The HTTP client: configuration, scopes and the request loop.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::Auth;
use super::error::Error;
use super::rate_limit::RateLimit;
use super::retry::RetryPolicy;

/// Cloudflare's production API root.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// The default time allowed for one request, from sending to the end of the body.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Builds the `User-Agent` value: `terraform-provider-cloudflare/<version> (+ Terraform <v>)`.
pub fn user_agent(provider_version: &str, terraform_version: Option<&str>) -> String {
    match terraform_version.map(str::trim).filter(|v| !v.is_empty()) {
        Some(terraform) => {
            format!("terraform-provider-cloudflare/{provider_version} (+ Terraform {terraform})")
        }
        None => format!("terraform-provider-cloudflare/{provider_version}"),
    }
}

/// Everything needed to build a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// API root, e.g. [`DEFAULT_BASE_URL`]; a trailing slash is fine.
    pub base_url: String,
    /// Credentials.
    pub auth: Auth,
    /// `User-Agent` header value (see [`user_agent`]).
    pub user_agent: String,
    /// How failed requests are retried.
    pub retry: RetryPolicy,
    /// Client-side request budget; `None` disables it.
    pub rate_limit: Option<RateLimit>,
    /// Time allowed for each request.
    pub request_timeout: Duration,
}

impl ClientConfig {
    /// A configuration with the production base URL and default retry, rate limit and timeout.
    pub fn new(auth: Auth, user_agent: impl Into<String>) -> Self {
        ClientConfig {
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth,
            user_agent: user_agent.into(),
            retry: RetryPolicy::default(),
            rate_limit: Some(RateLimit::default()),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// Which owner an identity provider belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// An account, by account ID.
    Account(String),
    /// A zone, by zone ID.
    Zone(String),
}

impl Scope {
    /// The first path segment: `accounts` or `zones`.
    pub fn segment(&self) -> &'static str {
        match self {
            Scope::Account(_) => "accounts",
            Scope::Zone(_) => "zones",
        }
    }

    /// The account or zone ID.
    pub fn id(&self) -> &str {
        match self {
            Scope::Account(id) | Scope::Zone(id) => id,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Account(id) => write!(f, "account {id}"),
            Scope::Zone(id) => write!(f, "zone {id}"),
        }
    }
}

/// A Cloudflare API client. Cloning is cheap, and clones share the connection pool, the rate
/// limiter and the cancellation state.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: ClientConfig,
}

impl Client {
    /// Builds a client; fails on an unusable base URL or malformed credentials.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        Ok(Client {
            inner: Arc::new(Inner { config }),
        })
    }
}
