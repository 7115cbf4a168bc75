//! Cloudflare's v4 response envelope: `{success, errors, messages, result, result_info}`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::error::ApiMessage;

/// A decoded envelope around a `result` of type `T`.
#[derive(Debug, Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub(crate) struct Envelope<T> {
    /// `None` when the server left it out; only an explicit `false` marks a failure.
    #[serde(default)]
    pub(crate) success: Option<bool>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(crate) errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(crate) messages: Vec<ApiMessage>,
    #[serde(default = "none")]
    pub(crate) result: Option<T>,
    #[serde(default)]
    pub(crate) result_info: Option<ResultInfo>,
}

/// Paging facts for collection results.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub(crate) struct ResultInfo {
    pub(crate) page: Option<u64>,
    pub(crate) per_page: Option<u64>,
    pub(crate) count: Option<u64>,
    pub(crate) total_count: Option<u64>,
    pub(crate) total_pages: Option<u64>,
}

/// Just the diagnostic parts of an envelope, for error responses whose `result` is unknown.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorEnvelope {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(crate) errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(crate) messages: Vec<ApiMessage>,
}

impl ErrorEnvelope {
    /// Reads the `errors` and `messages` of an error body. Anything that is not a JSON envelope
    /// (an HTML error page from a proxy, an empty body) yields `None`.
    pub(crate) fn parse(body: &[u8]) -> Option<ErrorEnvelope> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        if !value.is_object() {
            return None;
        }
        // Items that do not fit the schema are kept as best we can rather than losing the
        // whole answer: a bare string becomes a message without a code.
        let mut envelope = ErrorEnvelope::default();
        for (key, target) in [
            ("errors", &mut envelope.errors),
            ("messages", &mut envelope.messages),
        ] {
            if let Some(serde_json::Value::Array(items)) = value.get(key) {
                for item in items {
                    match item {
                        serde_json::Value::String(message) => target.push(ApiMessage {
                            message: message.clone(),
                            ..ApiMessage::default()
                        }),
                        other => {
                            if let Ok(message) = serde_json::from_value(other.clone()) {
                                target.push(message);
                            }
                        }
                    }
                }
            }
        }
        Some(envelope)
    }
}

fn none<T>() -> Option<T> {
    None
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
