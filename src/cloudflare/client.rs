//! The HTTP client: configuration, scopes and the request loop.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::auth::Auth;
use super::envelope::{Envelope, ErrorEnvelope};
use super::error::{ApiMessage, Error};
use super::rate_limit::{Pacing, RateLimit, Throttle};
use super::redact::{push_secret, scrub};
use super::retry::{
    is_retryable_status, is_unreachable, retry_after, should_retry_header, RetryPolicy,
};

/// Cloudflare's production API root.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// The default time allowed for one request, from sending to the end of the body.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Builds the `User-Agent` value: `terraform-provider-cloudflare-access/<version> (+ Terraform <v>)`.
pub fn user_agent(provider_version: &str, terraform_version: Option<&str>) -> String {
    match terraform_version.map(str::trim).filter(|v| !v.is_empty()) {
        Some(terraform) => {
            format!(
                "terraform-provider-cloudflare-access/{provider_version} (+ Terraform {terraform})"
            )
        }
        None => format!("terraform-provider-cloudflare-access/{provider_version}"),
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
    /// Pacing by the API's reported budget; `None` turns it off (requests then go out as fast
    /// as callers make them, unless `rate_limit` caps them).
    pub pacing: Option<Pacing>,
    /// A fixed ceiling on the request rate; `None` sets none.
    pub rate_limit: Option<RateLimit>,
    /// Time allowed for each request.
    pub request_timeout: Duration,
}

impl ClientConfig {
    /// A configuration with the production base URL and default retry, pacing (kept in this
    /// process) and timeout, and no fixed ceiling.
    pub fn new(auth: Auth, user_agent: impl Into<String>) -> Self {
        ClientConfig {
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth,
            user_agent: user_agent.into(),
            retry: RetryPolicy::default(),
            pacing: Some(Pacing::default()),
            rate_limit: None,
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

/// Longest wait for a TCP (and TLS) connection, whatever the request timeout.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Largest response body accepted. Identity provider lists are a few KiB per page; anything near
/// this is not a Cloudflare answer.
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A Cloudflare API client. Cloning is cheap, and clones share the connection pool and the rate
/// limiter. Callers that must give up early drop the call's future (see the resources'
/// `unless_stopped`).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    auth_headers: HeaderMap,
    /// Credential strings, for scrubbing anything the server echoes back.
    auth_secrets: Vec<String>,
    retry: RetryPolicy,
    request_timeout: Duration,
    /// Shared with every client in the process that uses the same API root, credentials and
    /// budget, because Cloudflare counts requests per user, not per connection.
    throttle: Arc<Throttle>,
    /// Whether a caller was already told that the API rejected these credentials.
    credentials_rejection_reported: AtomicBool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The reqwest client and the header map are left out on purpose: they hold credentials.
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("retry", &self.inner.retry)
            .field("request_timeout", &self.inner.request_timeout)
            .field("throttle", &self.inner.throttle)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client; fails on an unusable base URL, timeout or rate limit, or on malformed
    /// credentials (without ever quoting them).
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let base_url = parse_base_url(&config.base_url)?;
        if config.request_timeout.is_zero() {
            return Err(Error::Config(
                "the request timeout must be above zero".into(),
            ));
        }
        let auth_headers = config.auth.headers()?;
        let mut auth_secrets = Vec::new();
        for secret in config.auth.secrets() {
            push_secret(&mut auth_secrets, secret);
        }
        let user_agent = HeaderValue::from_str(config.user_agent.trim()).map_err(|_| {
            Error::Config("the user agent contains characters not allowed in a header".into())
        })?;
        let mut default_headers = HeaderMap::new();
        default_headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .default_headers(default_headers)
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(MAX_CONNECT_TIMEOUT))
            .pool_idle_timeout(Duration::from_secs(60))
            // The API never redirects; following one could carry credentials elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("could not set up HTTP: {}", describe(&e))))?;
        let throttle = Throttle::shared(
            base_url.as_str(),
            &config.auth.secrets(),
            config.pacing.as_ref(),
            config.rate_limit.as_ref(),
        )
        .map_err(Error::Config)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth_headers,
                auth_secrets,
                retry: config.retry,
                request_timeout: config.request_timeout,
                throttle,
                credentials_rejection_reported: AtomicBool::new(false),
            }),
        })
    }

    /// The API root in use (without a trailing slash).
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str().trim_end_matches('/')
    }

    /// `true` the first time it is called on this client or any clone, `false` after. Callers
    /// use it to explain a credentials rejection once, not once per failed call: every call
    /// with the same credentials fails for the same reason.
    pub fn first_credentials_rejection(&self) -> bool {
        !self
            .inner
            .credentials_rejection_reported
            .swap(true, Ordering::Relaxed)
    }

    /// The full URL for path segments below the base URL. Segments are percent-encoded, so an ID
    /// can never change the shape of the path.
    pub(crate) fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.inner.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// Sends `request`, retrying as the policy allows. `state` carries attempts and elapsed time
    /// across calls, so that a create can look around between attempts and then resume.
    ///
    /// Only 2xx responses come back as `Ok`. For a POST, a failure after which the server may
    /// or may not have acted comes back as [`Failure::Ambiguous`] (after the backoff, when
    /// another attempt is allowed) so the caller can check before sending it again.
    pub(crate) async fn execute(
        &self,
        request: &ApiRequest<'_>,
        state: &mut RetryState,
    ) -> Result<RawResponse, Failure> {
        let method = request.method.as_str();
        let path = request.path();
        let policy = &self.inner.retry;
        let started = *state.started.get_or_insert_with(Instant::now);
        loop {
            let ticket = self.inner.throttle.acquire().await;
            state.attempts += 1;
            let attempt = state.attempts;
            tracing::debug!(method, path = %path, attempt, "Cloudflare API request");
            let sent_at = Instant::now();
            // While the attempt runs, the request may be reaching the server.
            let sent_before = state.set_maybe_sent(true);
            let outcome = self.send_once(request).await;
            match &outcome {
                Ok(response) => ticket.answered(&response.headers),
                Err(_) => drop(ticket),
            }
            if matches!(&outcome, Err(SendError::Http(e)) if e.is_connect()) {
                state.set_maybe_sent(sent_before);
            }
            let unreachable = matches!(&outcome, Err(SendError::Http(e)) if is_unreachable(e));
            let unreachable_since = if unreachable {
                *state.unreachable_since.get_or_insert(sent_at)
            } else {
                state.unreachable_since = None;
                sent_at
            };
            // Set when a 429 says how long the whole budget is spent for.
            let mut over_budget = false;
            let (error, retryable, ambiguous, server_wait) = match outcome {
                Ok(response) if (200..300).contains(&response.status) => {
                    tracing::debug!(
                        method,
                        path = %path,
                        attempt,
                        status = response.status,
                        elapsed_ms = sent_at.elapsed().as_millis() as u64,
                        "Cloudflare API response"
                    );
                    return Ok(response);
                }
                Ok(response) => {
                    let status = response.status;
                    tracing::debug!(
                        method,
                        path = %path,
                        attempt,
                        status,
                        elapsed_ms = sent_at.elapsed().as_millis() as u64,
                        "Cloudflare API error response"
                    );
                    let retryable = should_retry_header(&response.headers)
                        .unwrap_or_else(|| is_retryable_status(status));
                    let wait = retry_after(&response.headers, SystemTime::now());
                    if status == 429 {
                        state.last_retry_after = wait;
                        over_budget = wait.is_some();
                    }
                    let error = self.status_error(request, &response, attempt, started, state);
                    // A 5xx may come after the server acted; 408 and 429 mean it did not.
                    let ambiguous = request.method == Method::POST && status >= 500;
                    (error, retryable, ambiguous, wait)
                }
                Err(SendError::Http(error)) => {
                    tracing::debug!(
                        method,
                        path = %path,
                        attempt,
                        timeout = error.is_timeout(),
                        connect = error.is_connect(),
                        "Cloudflare API request failed"
                    );
                    // A failure to connect means nothing was sent; anything later (timeout,
                    // reset, connection closed before the answer) may follow a committed change.
                    let ambiguous = request.method == Method::POST && !error.is_connect();
                    (
                        self.transport_error(request, &error, attempt, unreachable_since),
                        true,
                        ambiguous,
                        None,
                    )
                }
                Err(SendError::TooLarge { status }) => {
                    // Not retried: the same server would send the same flood again.
                    let error = Error::Decode {
                        method: method.to_owned(),
                        path: path.clone(),
                        status,
                        detail: format!(
                            "the response body is larger than {} MiB, far more than any \
                             Cloudflare API answer; reading stopped there",
                            MAX_RESPONSE_BYTES / (1024 * 1024)
                        ),
                    };
                    return Err(Failure::Final(error));
                }
            };

            let retries_done = attempt - 1;
            let delay = server_wait.unwrap_or_else(|| policy.backoff(retries_done));
            let mut in_time = started.elapsed() + delay <= policy.max_elapsed;
            if unreachable {
                in_time &= unreachable_since.elapsed() + delay <= policy.max_unreachable;
            }
            if !retryable || retries_done >= policy.max_retries || !in_time {
                if retryable {
                    tracing::debug!(
                        method,
                        path = %path,
                        attempt,
                        next_delay_ms = delay.as_millis() as u64,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "giving up on Cloudflare API request"
                    );
                }
                return Err(if ambiguous {
                    Failure::Ambiguous {
                        error,
                        retry: false,
                    }
                } else {
                    Failure::Final(error)
                });
            }
            tracing::debug!(
                method,
                path = %path,
                attempt,
                backoff_ms = delay.as_millis() as u64,
                from_server = server_wait.is_some(),
                "retrying Cloudflare API request"
            );
            if over_budget {
                // Everyone sharing this client is over the same budget. Only a wait this call
                // honours is passed on: one beyond the budget must not hold back later calls.
                self.inner.throttle.pause_for(delay);
            }
            tokio::time::sleep(delay).await;
            if ambiguous {
                return Err(Failure::Ambiguous { error, retry: true });
            }
        }
    }

    /// Decodes a 2xx answer's envelope. `success: false` is treated as an API error even though
    /// the status said otherwise.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        request: &ApiRequest<'_>,
        response: &RawResponse,
        attempts: u32,
    ) -> Result<Envelope<T>, Error> {
        let envelope: Envelope<T> = serde_json::from_slice(&response.body).map_err(|e| {
            self.decode_error(
                request,
                response.status,
                &format!("invalid JSON envelope: {e}"),
            )
        })?;
        if envelope.success == Some(false) {
            return Err(Error::Api {
                status: response.status,
                method: request.method.to_string(),
                path: request.path(),
                errors: self.scrub_messages(request, envelope.errors),
                messages: self.scrub_messages(request, envelope.messages),
                attempts,
            });
        }
        Ok(envelope)
    }

    pub(crate) fn decode_error(
        &self,
        request: &ApiRequest<'_>,
        status: u16,
        detail: &str,
    ) -> Error {
        Error::Decode {
            method: request.method.to_string(),
            path: request.path(),
            status,
            detail: self.scrub_text(request, detail),
        }
    }

    async fn send_once(&self, request: &ApiRequest<'_>) -> Result<RawResponse, SendError> {
        let url = self.url(&request.segments, &request.query);
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .headers(self.inner.auth_headers.clone());
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let mut response = builder.send().await.map_err(SendError::Http)?;
        let status = response.status().as_u16();
        // An announced length is checked before reading; a chunked body as it arrives.
        if response
            .content_length()
            .is_some_and(|length| length > MAX_RESPONSE_BYTES as u64)
        {
            return Err(SendError::TooLarge { status });
        }
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(SendError::Http)? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(SendError::TooLarge { status });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    fn status_error(
        &self,
        request: &ApiRequest<'_>,
        response: &RawResponse,
        attempts: u32,
        started: Instant,
        state: &RetryState,
    ) -> Error {
        let envelope = ErrorEnvelope::parse(&response.body).unwrap_or_default();
        let errors = self.scrub_messages(request, envelope.errors);
        let messages = self.scrub_messages(request, envelope.messages);
        let method = request.method.to_string();
        let path = request.path();
        match response.status {
            300..=399 => Error::Redirected {
                status: response.status,
                method,
                path,
                location: response
                    .headers
                    .get(LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| self.inner.base_url.join(value).ok())
                    .map(|url| url.origin().ascii_serialization()),
            },
            404 => Error::NotFound {
                method,
                path,
                errors,
            },
            429 => Error::RateLimited {
                method,
                path,
                attempts,
                elapsed: started.elapsed(),
                retry_after: state.last_retry_after,
                errors,
            },
            status => Error::Api {
                status,
                method,
                path,
                errors,
                messages,
                attempts,
            },
        }
    }

    fn transport_error(
        &self,
        request: &ApiRequest<'_>,
        error: &reqwest::Error,
        attempts: u32,
        unreachable_since: Instant,
    ) -> Error {
        let method = request.method.to_string();
        let path = request.path();
        if is_unreachable(error) {
            Error::Unreachable {
                base_url: self.base_url().to_owned(),
                method,
                path,
                detail: self.scrub_text(request, &describe_cause(error)),
                attempts,
                elapsed: unreachable_since.elapsed(),
            }
        } else if error.is_timeout() {
            Error::Timeout {
                method,
                path,
                timeout: self.inner.request_timeout,
                attempts,
            }
        } else {
            Error::Transport {
                method,
                path,
                detail: self.scrub_text(request, &describe(error)),
                attempts,
            }
        }
    }

    fn scrub_text(&self, request: &ApiRequest<'_>, text: &str) -> String {
        let text = scrub(text, &self.inner.auth_secrets);
        scrub(&text, &request.secrets)
    }

    fn scrub_messages(
        &self,
        request: &ApiRequest<'_>,
        messages: Vec<ApiMessage>,
    ) -> Vec<ApiMessage> {
        messages
            .into_iter()
            .map(|mut message| {
                message.message = self.scrub_text(request, &message.message);
                message.error_chain = self.scrub_messages(request, message.error_chain);
                message
            })
            .collect()
    }
}

/// One API call, independent of how many times it is sent.
pub(crate) struct ApiRequest<'a> {
    pub(crate) method: Method,
    /// Path segments below the base URL, unencoded.
    pub(crate) segments: Vec<&'a str>,
    pub(crate) query: Vec<(&'static str, String)>,
    /// Serialized JSON body. Never logged and never put in an error.
    pub(crate) body: Option<Vec<u8>>,
    /// Secret values in the body, to scrub from anything the server echoes back.
    pub(crate) secrets: Vec<String>,
}

impl fmt::Debug for ApiRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body and the secrets are left out: this must be safe to log.
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path())
            .field("query", &self.query)
            .field("has_body", &self.body.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> ApiRequest<'a> {
    pub(crate) fn new(method: Method, segments: Vec<&'a str>) -> Self {
        ApiRequest {
            method,
            segments,
            query: Vec::new(),
            body: None,
            secrets: Vec::new(),
        }
    }

    /// The path as people read it in messages: `/accounts/<id>/access/identity_providers`.
    pub(crate) fn path(&self) -> String {
        let mut path = String::new();
        for segment in &self.segments {
            path.push('/');
            path.push_str(segment);
        }
        path
    }
}

/// Attempts made so far for one logical call.
#[derive(Debug, Default)]
pub(crate) struct RetryState {
    pub(crate) started: Option<Instant>,
    pub(crate) attempts: u32,
    pub(crate) last_retry_after: Option<Duration>,
    /// When the current run of connections that could not be opened began.
    pub(crate) unreachable_since: Option<Instant>,
    /// Whether a request may have reached the server: set while an attempt is under way and
    /// kept unless that attempt failed to open its connection. Shared, so that a caller who
    /// stopped waiting for the call can still tell.
    pub(crate) maybe_sent: Option<Arc<AtomicBool>>,
}

impl RetryState {
    /// A state that records in `maybe_sent` whether any attempt may have reached the server.
    pub(crate) fn reporting(maybe_sent: Arc<AtomicBool>) -> Self {
        RetryState {
            maybe_sent: Some(maybe_sent),
            ..RetryState::default()
        }
    }

    /// Sets the flag (when there is one) and returns what it was.
    fn set_maybe_sent(&self, value: bool) -> bool {
        self.maybe_sent
            .as_ref()
            .is_some_and(|flag| flag.swap(value, Ordering::Relaxed))
    }
}

/// Why [`Client::execute`] stopped without a 2xx answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Nothing more to do.
    Final(Error),
    /// A POST failed in a way that may have left the object created. `retry` says whether the
    /// policy allows another attempt (the backoff has then already been waited out).
    Ambiguous { error: Error, retry: bool },
}

/// A complete HTTP answer.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

enum SendError {
    Http(reqwest::Error),
    /// The body went past [`MAX_RESPONSE_BYTES`].
    TooLarge {
        status: u16,
    },
}

fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let trimmed = raw.trim().trim_end_matches('/');
    // A URL with user info carries credentials, so it is never quoted back.
    let shown = if trimmed.contains('@') {
        "(hidden)".to_owned()
    } else {
        format!("{trimmed:?}")
    };
    let url = Url::parse(trimmed)
        .map_err(|e| Error::Config(format!("the base URL {shown} is not a valid URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the base URL must not contain a user name or password".into(),
        ));
    }
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(Error::Config(format!(
            "the base URL {shown} must be an http:// or https:// URL"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "the base URL {shown} must not have a query or fragment"
        )));
    }
    Ok(url)
}

/// What lies under an HTTP error ("tcp connect error: Connection refused"), without reqwest's
/// own top line, which repeats the whole URL; the whole error when it has no cause.
fn describe_cause(error: &reqwest::Error) -> String {
    chain_text(std::error::Error::source(error)).unwrap_or_else(|| describe(error))
}

/// An HTTP error and its causes as one line, without the URL (which reqwest would otherwise
/// repeat) and without repeating a cause that the previous level already quoted.
fn describe(error: &reqwest::Error) -> String {
    chain_text(Some(error)).unwrap_or_else(|| "unknown HTTP error".to_owned())
}

/// `first` and the errors under it, joined with ": ", leaving out a level whose text the
/// previous one already quoted; `None` when there is no text at all.
fn chain_text(first: Option<&(dyn std::error::Error + 'static)>) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = first;
    while let Some(level) = current {
        let text = level.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(text)) {
            parts.push(text.to_owned());
        }
        current = level.source();
    }
    (!parts.is_empty()).then(|| parts.join(": "))
}
