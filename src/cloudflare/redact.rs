//! Keeping secrets out of Debug output, logs and error messages.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// What replaces a secret wherever it would otherwise be shown.
pub(crate) const REDACTED: &str = "[redacted]";

/// JSON keys whose values are secrets in identity provider objects and bodies.
const SECRET_KEYS: &[&str] = &["client_secret", "secret"];

/// Writes `value` as `Name { key: value, .. }` with secret keys (at any depth) replaced.
///
/// Going through JSON means a field added to a type later is redacted by name without anyone
/// having to remember to update a hand-written `Debug`. Fields that serialize to nothing (absent
/// `Field`s) are simply not shown.
pub(crate) fn debug_redacted(
    name: &str,
    value: &impl Serialize,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let json = match serde_json::to_value(value) {
        Ok(json) => redact_value(json),
        Err(_) => return f.debug_struct(name).finish_non_exhaustive(),
    };
    let mut out = f.debug_struct(name);
    if let Value::Object(map) = &json {
        for (key, value) in map {
            out.field(key, &JsonDebug(value));
        }
    }
    out.finish()
}

/// Replaces the values of secret keys (when they hold something) at any depth.
pub(crate) fn redact_value(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = if SECRET_KEYS.contains(&key.as_str()) && !value.is_null() {
                        Value::String(REDACTED.to_owned())
                    } else {
                        redact_value(value)
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact_value).collect()),
        other => other,
    }
}

/// Collects the secret string values found in a JSON document, so that text coming back from the
/// server (which might echo a rejected value) can be scrubbed of them.
pub(crate) fn collect_secret_values(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(secret) if SECRET_KEYS.contains(&key.as_str()) => {
                        push_secret(out, secret)
                    }
                    other => collect_secret_values(other, out),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_secret_values(item, out)),
        _ => {}
    }
}

/// Adds a secret to a scrub list. Very short strings are skipped: replacing every "a" in a message
/// would destroy it while protecting nothing worth protecting.
pub(crate) fn push_secret(out: &mut Vec<String>, secret: &str) {
    if secret.len() >= 4 && !out.iter().any(|known| known == secret) {
        out.push(secret.to_owned());
    }
}

/// Replaces every occurrence of any of `secrets` in `text`.
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for secret in secrets {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), REDACTED);
        }
    }
    text
}

/// Renders a JSON value in Debug style: strings quoted, objects as maps.
struct JsonDebug<'a>(&'a Value);

impl fmt::Debug for JsonDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::String(text) if text == REDACTED => f.write_str(REDACTED),
            Value::String(text) => fmt::Debug::fmt(text, f),
            Value::Array(items) => f.debug_list().entries(items.iter().map(JsonDebug)).finish(),
            Value::Object(map) => f
                .debug_map()
                .entries(map.iter().map(|(key, value)| (key, JsonDebug(value))))
                .finish(),
            other => fmt::Display::fmt(other, f),
        }
    }
}
