//! Credential checks for the three Cloudflare authentication schemes.
//!
//! A request is accepted when ANY scheme it presents matches a configured credential (clients
//! built on Cloudflare's SDKs may send several sets of headers at once). The result names the
//! credential by scheme and index only, so the rate limiter never stores the secret itself.

use axum::http::HeaderMap;

use crate::config::MockConfig;

/// Returns the rate-limit key of the first configured credential the headers match.
pub(crate) fn authenticate(config: &MockConfig, headers: &HeaderMap) -> Option<String> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());

    if let Some(token) = header("authorization").and_then(bearer_token) {
        if let Some(index) = position(config.tokens.iter().map(String::as_str), token) {
            return Some(format!("token#{index}"));
        }
    }
    if let (Some(email), Some(key)) = (header("x-auth-email"), header("x-auth-key")) {
        let found = config
            .global_keys
            .iter()
            .position(|(known_email, known_key)| {
                // Emails are case-insensitive; keys are compared in constant time.
                known_email.eq_ignore_ascii_case(email.trim()) && same_secret(known_key, key.trim())
            });
        if let Some(index) = found {
            return Some(format!("global-key#{index}"));
        }
    }
    if let Some(key) = header("x-auth-user-service-key") {
        if let Some(index) = position(
            config.user_service_keys.iter().map(String::as_str),
            key.trim(),
        ) {
            return Some(format!("user-service-key#{index}"));
        }
    }
    None
}

fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|token| !token.is_empty())
}

fn position<'a>(mut known: impl Iterator<Item = &'a str>, presented: &str) -> Option<usize> {
    known.position(|candidate| same_secret(candidate, presented))
}

/// Compares without an early exit on the first differing byte.
fn same_secret(known: &str, presented: &str) -> bool {
    let (a, b) = (known.as_bytes(), presented.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn config() -> MockConfig {
        MockConfig {
            tokens: vec!["token-a".into(), "token-b".into()],
            global_keys: vec![("ops@example.com".into(), "global-key".into())],
            user_service_keys: vec!["service-key".into()],
            ..MockConfig::default()
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn each_scheme_is_recognised() {
        let config = config();
        type Case<'a> = (&'a [(&'static str, &'static str)], Option<&'a str>);
        let cases: [Case; 9] = [
            (&[("authorization", "Bearer token-b")], Some("token#1")),
            (&[("authorization", "bearer token-a")], Some("token#0")),
            (&[("authorization", "Bearer wrong")], None),
            (&[("authorization", "Basic token-a")], None),
            (
                &[
                    ("x-auth-email", "OPS@example.com"),
                    ("x-auth-key", "global-key"),
                ],
                Some("global-key#0"),
            ),
            (&[("x-auth-key", "global-key")], None),
            (
                &[("x-auth-email", "ops@example.com"), ("x-auth-key", "nope")],
                None,
            ),
            (
                &[("x-auth-user-service-key", "service-key")],
                Some("user-service-key#0"),
            ),
            (
                &[
                    ("authorization", "Bearer wrong"),
                    ("x-auth-user-service-key", "service-key"),
                ],
                Some("user-service-key#0"),
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                authenticate(&config, &headers(pairs)).as_deref(),
                expected,
                "{pairs:?}"
            );
        }
    }
}
