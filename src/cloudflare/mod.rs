//! A client for Cloudflare's REST API (v4 envelope), limited to Access identity providers.
//! It knows nothing of Terraform's protocol, plans or state; the one trace of Terraform is the
//! `User-Agent`, which names the Terraform version its caller passes in.
//!
//! What every call gets, so that callers need not think about it:
//!
//! - **Budget.** A token bucket in front of every request (on by default: 1200 requests per
//!   5 minutes, Cloudflare's per-user limit, with a burst of 20 and the steady rate lowered to
//!   match). Callers over budget wait rather than fail. Every client in the process with the same
//!   API root and credentials shares one bucket, and a 429's `Retry-After` holds all of them back.
//! - **Retries.** 408, 429, 5xx, timeouts and connection failures are retried with exponential
//!   backoff and jitter, honouring `Retry-After`/`Retry-After-Ms`, within [`RetryPolicy`].
//! - **No duplicate creates.** A POST that may have been acted on without an answer reaching us
//!   is followed by a list of the scope before it is sent again (see
//!   [`Client::create_identity_provider`] for the matching rule).
//! - **Errors that explain themselves.** [`Error`]'s Display names the method, path, status,
//!   Cloudflare's codes and messages, and how many attempts were made. Credentials and request
//!   bodies never appear in errors, logs or `Debug` output; secrets the server echoes back are
//!   scrubbed.

mod auth;
mod client;
mod envelope;
mod error;
mod field;
mod identity_providers;
mod rate_limit;
mod redact;
mod retry;

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod raw_http;
#[cfg(test)]
mod tests;

pub use auth::Auth;
pub use client::{
    user_agent, Client, ClientConfig, Scope, DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT,
};
pub use error::{ApiMessage, ApiMessageSource, Error, UNKNOWN_ROUTE_CODE};
pub use field::Field;
pub use identity_providers::{
    HeaderAttribute, IdentityProvider, IdentityProviderBody, IdentityProviderConfig,
    IdentityProviderConfigBody, ListFilter, ScimConfig, ScimConfigBody,
};
pub use rate_limit::{Pacing, RateLimit};
pub use retry::{RetryPolicy, DEFAULT_MAX_UNREACHABLE};
