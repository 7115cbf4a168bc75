//! The client's error type. Its Display text is meant to be shown to a person as is, and it
//! never contains credentials, request headers or request bodies.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use super::retry::MAX_RETRY_AFTER;

/// Cloudflare's code for "No route for the URI".
pub const UNKNOWN_ROUTE_CODE: i64 = 7003;

/// One item of the envelope's `errors` or `messages` array.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiMessage {
    /// Cloudflare's numeric code (always 1000 or more when present; 0 when the API sent none).
    pub code: i64,
    /// Human-readable message.
    pub message: String,
    /// Link to documentation, when the API sends one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    /// JSON pointer into the request body that the message is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ApiMessageSource>,
    /// More specific causes (e.g. `6003 Invalid request headers` → `6103 Invalid format ...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub error_chain: Vec<ApiMessage>,
}

/// Where in the request an [`ApiMessage`] points.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiMessageSource {
    /// JSON pointer, e.g. `/config/client_id`.
    pub pointer: String,
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message.trim();
        if message.is_empty() {
            f.write_str("(no message)")?;
        } else {
            f.write_str(message)?;
        }
        if let Some(source) = self.source.as_ref().filter(|s| !s.pointer.is_empty()) {
            write!(f, " at {}", source.pointer)?;
        }
        if self.code != 0 {
            write!(f, " (code {})", self.code)?;
        }
        if !self.error_chain.is_empty() {
            f.write_str(": ")?;
            write_messages(f, &self.error_chain)?;
        }
        Ok(())
    }
}

/// Everything that can go wrong talking to the API.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client configuration is unusable (bad base URL, empty or malformed credentials).
    Config(String),
    /// A call was made with arguments that cannot form a valid request (e.g. an empty ID).
    InvalidInput(String),
    /// 404: the object (or the account/zone) does not exist.
    NotFound {
        /// HTTP method.
        method: String,
        /// Path below the base URL.
        path: String,
        /// What the API said.
        errors: Vec<ApiMessage>,
    },
    /// Any other unsuccessful answer (4xx, or 5xx once retries ran out).
    Api {
        /// HTTP status code.
        status: u16,
        /// HTTP method.
        method: String,
        /// Path below the base URL.
        path: String,
        /// The envelope's `errors`, codes kept.
        errors: Vec<ApiMessage>,
        /// The envelope's `messages`.
        messages: Vec<ApiMessage>,
        /// How many requests were made in total.
        attempts: u32,
    },
    /// The API kept answering 429 until the retry policy gave up.
    RateLimited {
        /// HTTP method.
        method: String,
        /// Path below the base URL.
        path: String,
        /// How many requests were made in total.
        attempts: u32,
        /// Time spent from the first attempt until giving up.
        elapsed: Duration,
        /// The last `Retry-After` the API asked for, if any.
        retry_after: Option<Duration>,
        /// The last envelope's `errors`.
        errors: Vec<ApiMessage>,
    },
    /// No response arrived within the request timeout, on the last attempt.
    Timeout {
        /// HTTP method.
        method: String,
        /// Path below the base URL.
        path: String,
        /// The per-request timeout.
        timeout: Duration,
        /// How many requests were made in total.
        attempts: u32,
    },
    /// No connection could be made to the API root (refused, unknown host, no route), attempt
    /// after attempt for the short budget such failures get. Nothing was sent, so nothing changed.
    Unreachable {
        /// The API root the client was told to use.
        base_url: String,
        /// HTTP method.
        method: String,
        /// Path below the base URL.
        path: String,
        /// What went wrong on the last attempt, from the HTTP stack (never contains headers).
        detail: String,
        /// How many requests were tried in total.
        attempts: u32,
        /// Time spent from the first failed connection until giving up.
        elapsed: Duration,
    },
    /// The connection failed after it was made (reset, closed before the answer...), on the
    /// last attempt.
    Transport {
        /// HTTP method.
        method: String,
        /// Path below the base URL.
        path: String,
        /// What went wrong, from the HTTP stack (never contains headers).
        detail: String,
        /// How many requests were made in total.
        attempts: u32,
    },
    /// The API answered with a redirect, which is never followed: the Cloudflare API does not
    /// redirect, and following one could hand the credentials to another host.
    Redirected {
        /// HTTP status code (3xx).
        status: u16,
        /// HTTP method.
        method: String,
        /// Path below the base URL.
        path: String,
        /// Scheme, host and port the redirect pointed at (never its path or query, which could
        /// carry anything).
        location: Option<String>,
    },
    /// The response could not be understood.
    Decode {
        /// HTTP method.
        method: String,
        /// Path below the base URL.
        path: String,
        /// HTTP status code of the response.
        status: u16,
        /// What was wrong with it.
        detail: String,
    },
    /// A create got no clear answer, and afterwards several existing objects matched what was
    /// sent, so the client cannot tell which one (if any) it created.
    AmbiguousCreate {
        /// Path below the base URL.
        path: String,
        /// IDs of the objects that match.
        candidates: Vec<String>,
    },
}

impl Error {
    /// `true` when the API said the object does not exist. A 404 for a route the API does not
    /// have (code 7003, a wrong base URL) says nothing about the object, so it does not count.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. }) && !self.is_unknown_route()
    }

    /// `true` when the API answered that it has no such route (code 7003, "No route for the
    /// URI"): the base URL or the path is wrong, not the object or its owner.
    pub fn is_unknown_route(&self) -> bool {
        self.codes().contains(&UNKNOWN_ROUTE_CODE)
    }

    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::NotFound { .. } => Some(404),
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::Redirected { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The API's error items, if the error came from an API answer.
    pub fn api_errors(&self) -> &[ApiMessage] {
        match self {
            Error::NotFound { errors, .. }
            | Error::Api { errors, .. }
            | Error::RateLimited { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The API's numeric error codes, if any.
    pub fn codes(&self) -> Vec<i64> {
        self.api_errors().iter().map(|e| e.code).collect()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(detail) => write!(f, "invalid Cloudflare client configuration: {detail}"),
            Error::InvalidInput(detail) => write!(f, "invalid Cloudflare API request: {detail}"),
            Error::NotFound {
                method,
                path,
                errors,
            } => {
                write!(f, "Cloudflare API returned 404 Not Found for {method} {path}")?;
                if !errors.is_empty() {
                    f.write_str(": ")?;
                    write_messages(f, errors)?;
                }
                Ok(())
            }
            Error::Api {
                status,
                method,
                path,
                errors,
                messages,
                attempts,
            } => {
                write!(
                    f,
                    "Cloudflare API returned {} for {method} {path}",
                    status_text(*status)
                )?;
                if !errors.is_empty() {
                    f.write_str(": ")?;
                    write_messages(f, errors)?;
                } else if !messages.is_empty() {
                    f.write_str(": ")?;
                    write_messages(f, messages)?;
                }
                if *attempts > 1 {
                    write!(f, " (gave up after {attempts} attempts)")?;
                }
                Ok(())
            }
            Error::RateLimited {
                method,
                path,
                attempts,
                elapsed,
                retry_after,
                errors,
            } => {
                let asked = retry_after.map(|wait| {
                    if wait >= MAX_RETRY_AFTER {
                        format!("{} or more", HumanDuration(MAX_RETRY_AFTER))
                    } else {
                        HumanDuration(wait).to_string()
                    }
                });
                match (attempts, asked) {
                    (1, Some(asked)) => write!(
                        f,
                        "Cloudflare API answered 429 Too Many Requests for {method} {path} and \
                         asked to wait {asked}, longer than the retry settings allow \
                         (max_retry_duration); not retried"
                    )?,
                    (_, asked) => {
                        write!(
                            f,
                            "Cloudflare API kept answering 429 Too Many Requests for {method} \
                             {path}; gave up after {attempts} attempts over {}",
                            HumanDuration(*elapsed)
                        )?;
                        if let Some(asked) = asked {
                            write!(f, " (it last asked to wait {asked})")?;
                        }
                    }
                }
                if !errors.is_empty() {
                    f.write_str(": ")?;
                    write_messages(f, errors)?;
                }
                f.write_str(
                    ". Cloudflare allows 1200 API requests per 5 minutes per user; \
                     other tools sharing the credentials may be using up the budget",
                )
            }
            Error::Timeout {
                method,
                path,
                timeout,
                attempts,
            } => {
                write!(
                    f,
                    "Cloudflare API did not answer {method} {path} within {}",
                    HumanDuration(*timeout)
                )?;
                write_attempts(f, *attempts)
            }
            Error::Unreachable {
                base_url,
                method,
                path,
                detail,
                attempts,
                elapsed,
            } => {
                write!(f, "Cloudflare API unreachable at {base_url}: {detail}")?;
                write!(f, " ({method} {path}")?;
                if *attempts > 1 {
                    write!(
                        f,
                        "; gave up after {attempts} attempts over {}",
                        HumanDuration(*elapsed)
                    )?;
                }
                f.write_str(")")
            }
            Error::Transport {
                method,
                path,
                detail,
                attempts,
            } => {
                write!(f, "could not reach the Cloudflare API for {method} {path}: {detail}")?;
                write_attempts(f, *attempts)
            }
            Error::Redirected {
                status,
                method,
                path,
                location,
            } => {
                write!(
                    f,
                    "Cloudflare API answered {method} {path} with {}, a redirect",
                    status_text(*status)
                )?;
                if let Some(location) = location {
                    write!(f, " to {location}")?;
                }
                f.write_str(
                    "; redirects are not followed, because the Cloudflare API never sends them \
                     and following one could hand the credentials to another host",
                )
            }
            Error::Decode {
                method,
                path,
                status,
                detail,
            } => write!(
                f,
                "could not understand the Cloudflare API response to {method} {path} ({}): {detail}",
                status_text(*status)
            ),
            Error::AmbiguousCreate { path, candidates } => write!(
                f,
                "the request to create an identity provider (POST {path}) got no clear answer, and \
                 afterwards {} existing identity providers match what was sent ({}); import the \
                 right one instead of creating another",
                candidates.len(),
                candidates.join(", ")
            ),
        }
    }
}

impl std::error::Error for Error {}

fn write_messages(f: &mut fmt::Formatter<'_>, messages: &[ApiMessage]) -> fmt::Result {
    for (index, message) in messages.iter().enumerate() {
        if index > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{message}")?;
    }
    Ok(())
}

fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (gave up after {attempts} attempts)")?;
    }
    Ok(())
}

/// `400 Bad Request`, or just the number for codes without a standard reason.
pub(crate) fn status_text(status: u16) -> String {
    match StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// Durations the way people write them: `250ms`, `4s`, `2m30s`.
pub(crate) struct HumanDuration(pub(crate) Duration);

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        if millis < 1000 {
            return write!(f, "{millis}ms");
        }
        let secs = self.0.as_secs();
        let (minutes, seconds) = (secs / 60, secs % 60);
        if minutes >= 60 {
            let (hours, minutes) = (minutes / 60, minutes % 60);
            return match minutes {
                0 => write!(f, "{hours}h"),
                m => write!(f, "{hours}h{m}m"),
            };
        }
        match (minutes, seconds) {
            (0, s) if self.0.subsec_millis() != 0 && s < 10 => {
                write!(f, "{:.1}s", self.0.as_secs_f64())
            }
            (0, s) => write!(f, "{s}s"),
            (m, 0) => write!(f, "{m}m"),
            (m, s) => write!(f, "{m}m{s}s"),
        }
    }
}
