//! A client for Cloudflare's REST API (v4 envelope), limited to Access identity providers.
//! It knows nothing of Terraform.

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
mod tests;

pub use auth::Auth;
pub use client::{
    user_agent, Client, ClientConfig, Scope, DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT,
};
pub use error::{ApiMessage, ApiMessageSource, Error};
pub use field::Field;
pub use identity_providers::{
    HeaderAttribute, IdentityProvider, IdentityProviderBody, IdentityProviderConfig,
    IdentityProviderConfigBody, ScimConfig, ScimConfigBody,
};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
