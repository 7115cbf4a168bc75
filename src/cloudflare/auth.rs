//! Credentials and the request headers they turn into.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};

use super::error::Error;

/// How the client proves who it is. `Debug` never shows the secret parts.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// An API token, sent as `Authorization: Bearer <token>` (preferred).
    Token(String),
    /// The legacy global API key, sent as `X-Auth-Email` and `X-Auth-Key`.
    GlobalKey {
        /// Account email address.
        email: String,
        /// Global API key.
        key: String,
    },
    /// An Origin CA user service key, sent as `X-Auth-User-Service-Key`.
    UserServiceKey(String),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(_) => f.debug_tuple("Token").field(&Redacted).finish(),
            // The email is an identifier, not a secret, and helps tell configurations apart.
            Auth::GlobalKey { email, .. } => f
                .debug_struct("GlobalKey")
                .field("email", email)
                .field("key", &Redacted)
                .finish(),
            Auth::UserServiceKey(_) => f.debug_tuple("UserServiceKey").field(&Redacted).finish(),
        }
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(super::redact::REDACTED)
    }
}

impl Auth {
    /// A short name of the scheme, for messages.
    pub fn scheme(&self) -> &'static str {
        match self {
            Auth::Token(_) => "API token",
            Auth::GlobalKey { .. } => "global API key",
            Auth::UserServiceKey(_) => "user service key",
        }
    }

    /// The header values, marked sensitive so that HTTP/2 never indexes them and hyper never
    /// prints them.
    pub(crate) fn headers(&self) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        match self {
            Auth::Token(token) => {
                if token.trim().is_empty() {
                    return Err(Error::Config("the API token is empty".into()));
                }
                headers.insert(
                    AUTHORIZATION,
                    secret_value(&format!("Bearer {}", token.trim()), "API token")?,
                );
            }
            Auth::GlobalKey { email, key } => {
                let email_value = HeaderValue::from_str(email.trim()).map_err(|_| {
                    Error::Config(
                        "the API email contains characters not allowed in a header".into(),
                    )
                })?;
                if email.trim().is_empty() {
                    return Err(Error::Config("the API email is empty".into()));
                }
                headers.insert(HeaderName::from_static("x-auth-email"), email_value);
                headers.insert(
                    HeaderName::from_static("x-auth-key"),
                    secret_value(key.trim(), "API key")?,
                );
            }
            Auth::UserServiceKey(key) => {
                headers.insert(
                    HeaderName::from_static("x-auth-user-service-key"),
                    secret_value(key.trim(), "user service key")?,
                );
            }
        }
        Ok(headers)
    }

    /// The secret strings, so that anything echoed back by the server can be scrubbed of them.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Auth::Token(token) => vec![token.trim()],
            Auth::GlobalKey { key, .. } => vec![key.trim()],
            Auth::UserServiceKey(key) => vec![key.trim()],
        }
    }
}

fn secret_value(value: &str, what: &str) -> Result<HeaderValue, Error> {
    if value.is_empty() {
        return Err(Error::Config(format!("the {what} is empty")));
    }
    // The message names the problem but never the value.
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::Config(format!(
            "the {what} contains characters not allowed in an HTTP header"
        ))
    })?;
    header.set_sensitive(true);
    Ok(header)
}
