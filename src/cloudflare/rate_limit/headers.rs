//! Cloudflare's account of the rate budget: the `Ratelimit` and `Ratelimit-Policy` response
//! headers, written in HTTP structured-field syntax (RFC 8941), e.g.
//! `Ratelimit: "default";r=50;t=30` and `Ratelimit-Policy: "default";q=1200;w=300`.
//!
//! Anything this module cannot make sense of is ignored with a debug line: a malformed header
//! must never fail a request, only leave the client to its own accounting.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// Longest reset or window taken at face value. A proxy announcing more is more likely broken
/// than right, and trusting it could park every request for days.
const MAX_SECONDS: f64 = 86_400.0;

/// What one response says about the budget.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reading {
    /// Requests left in the current window.
    pub(crate) remaining: u64,
    /// Time until the window resets and `quota` is available again.
    pub(crate) reset: Duration,
    /// Requests allowed per window, when `Ratelimit-Policy` names the same policy.
    pub(crate) quota: Option<u64>,
    /// Window length, from the same policy.
    pub(crate) window: Option<Duration>,
}

/// Reads the budget from `headers`; `None` when the response has no usable `Ratelimit` header.
pub(crate) fn read(headers: &HeaderMap) -> Option<Reading> {
    let limit = joined(headers, "ratelimit")?;
    let members = match parse_list(&limit) {
        Some(members) => members,
        None => {
            tracing::debug!(header = %limit, "ignoring a malformed Ratelimit header");
            return None;
        }
    };
    // With several policies in force, the one with the fewest requests left constrains most.
    let tightest = members
        .iter()
        .filter_map(|member| {
            let remaining = member.count("r")?;
            let reset = member.seconds("t")?;
            Some((member, remaining, reset))
        })
        .min_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)));
    let Some((member, remaining, reset)) = tightest else {
        tracing::debug!(header = %limit, "ignoring a Ratelimit header without r and t");
        return None;
    };
    let policy = joined(headers, "ratelimit-policy").and_then(|text| {
        let parsed = parse_list(&text);
        if parsed.is_none() {
            tracing::debug!(header = %text, "ignoring a malformed Ratelimit-Policy header");
        }
        parsed?.into_iter().find(|p| p.name == member.name)
    });
    let quota = policy.as_ref().and_then(|p| p.count("q"));
    let window = policy
        .as_ref()
        .and_then(|p| p.seconds("w"))
        .filter(|w| !w.is_zero());
    Some(Reading {
        remaining,
        reset,
        quota: quota.filter(|_| window.is_some()),
        window: window.filter(|_| quota.is_some()),
    })
}

/// Every value of a header joined into one list, as RFC 9110 allows for list-valued fields.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// One list member: `"name";key=value;...`.
#[derive(Debug, PartialEq)]
struct Member {
    name: String,
    params: Vec<(String, Param)>,
}

#[derive(Debug, PartialEq)]
enum Param {
    Number(f64),
    Other,
}

impl Member {
    fn number(&self, key: &str) -> Option<f64> {
        self.params.iter().find_map(|(k, v)| match v {
            Param::Number(n) if k == key && n.is_finite() && *n >= 0.0 => Some(*n),
            _ => None,
        })
    }

    fn count(&self, key: &str) -> Option<u64> {
        self.number(key)
            .filter(|n| *n <= u32::MAX as f64)
            .map(|n| n.floor() as u64)
    }

    fn seconds(&self, key: &str) -> Option<Duration> {
        self.number(key)
            .filter(|n| *n <= MAX_SECONDS)
            .map(Duration::from_secs_f64)
    }
}

/// Parses a structured-field list leniently: members split on commas outside quotes,
/// parameters on semicolons, keys lower-cased, unknown parameters kept but unused. `None` when a
/// member has no name or a parameter has no key.
fn parse_list(text: &str) -> Option<Vec<Member>> {
    let mut members = Vec::new();
    for raw in split_outside_quotes(text, ',')? {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let mut parts = split_outside_quotes(raw, ';')?.into_iter();
        let name = parse_name(parts.next()?.trim())?;
        let mut params = Vec::new();
        for part in parts {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (key, value) = match part.split_once('=') {
                Some((key, value)) => (key.trim(), value.trim()),
                None => (part, "?1"),
            };
            if key.is_empty() || !key.chars().all(is_key_char) {
                return None;
            }
            let value = match value.parse::<f64>() {
                Ok(number) => Param::Number(number),
                Err(_) if value.starts_with('"') || value.starts_with('?') => Param::Other,
                Err(_) if value.chars().all(is_token_char) && !value.is_empty() => Param::Other,
                Err(_) => return None,
            };
            params.push((key.to_ascii_lowercase(), value));
        }
        members.push(Member { name, params });
    }
    (!members.is_empty()).then_some(members)
}

/// A member's name: a quoted string (with `\"` and `\\` escapes) or a bare token.
fn parse_name(text: &str) -> Option<String> {
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        let mut name = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => name.push(chars.next()?),
                '"' => return None,
                c => name.push(c),
            }
        }
        Some(name)
    } else if !text.is_empty() && text.chars().all(is_token_char) {
        Some(text.to_owned())
    } else {
        None
    }
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '*')
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~:/".contains(c)
}

/// Splits on `separator` where it is not inside a quoted string; `None` for an unterminated
/// quote.
fn split_outside_quotes(text: &str, separator: char) -> Option<Vec<&str>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                pieces.push(&text[start..index]);
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    if quoted {
        return None;
    }
    pieces.push(&text[start..]);
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    /// Header lines as name and value.
    type Headers<'a> = &'a [(&'static str, &'a str)];

    #[test]
    fn reads_remaining_reset_quota_and_window() {
        let secs = Duration::from_secs;
        let cases: [(&str, Headers, Reading); 3] = [
            (
                "Cloudflare's headers",
                &[
                    ("ratelimit", "\"default\";r=50;t=30"),
                    ("ratelimit-policy", "\"default\";q=1200;w=300"),
                ],
                Reading {
                    remaining: 50,
                    reset: secs(30),
                    quota: Some(1200),
                    window: Some(secs(300)),
                },
            ),
            (
                "any order, whitespace, case, tokens and extra parameters",
                &[
                    (
                        "ratelimit",
                        "  default ; T=12 ;pk=:YWJj: ; R=7 ;ext=\"x;y,z\" ",
                    ),
                    (
                        "ratelimit-policy",
                        "\"burst\";q=10;w=1, default;w=60;q=100;qu=\"requests\"",
                    ),
                ],
                Reading {
                    remaining: 7,
                    reset: secs(12),
                    quota: Some(100),
                    window: Some(secs(60)),
                },
            ),
            (
                "the tightest of several members wins, even across header lines",
                &[
                    ("ratelimit", "\"default\";r=900;t=200"),
                    ("ratelimit", "\"burst\";r=3;t=1.5"),
                    (
                        "ratelimit-policy",
                        "\"default\";q=1200;w=300, \"burst\";q=20;w=2",
                    ),
                ],
                Reading {
                    remaining: 3,
                    reset: Duration::from_millis(1500),
                    quota: Some(20),
                    window: Some(secs(2)),
                },
            ),
        ];
        for (name, pairs, expected) in cases {
            assert_eq!(read(&headers(pairs)), Some(expected), "{name}");
        }
    }

    #[test]
    fn a_policy_that_does_not_match_leaves_quota_unknown() {
        let reading = read(&headers(&[
            ("ratelimit", "\"default\";r=5;t=9"),
            ("ratelimit-policy", "\"other\";q=10;w=60"),
        ]))
        .unwrap();
        assert_eq!(
            (reading.remaining, reading.quota, reading.window),
            (5, None, None)
        );
        let no_policy = read(&headers(&[("ratelimit", "\"default\";r=5;t=9")])).unwrap();
        assert_eq!(no_policy.quota, None);
        // A policy with a quota but no window is no use for pacing.
        let half = read(&headers(&[
            ("ratelimit", "\"default\";r=5;t=9"),
            ("ratelimit-policy", "\"default\";q=10"),
        ]))
        .unwrap();
        assert_eq!((half.quota, half.window), (None, None));
    }

    #[test]
    fn malformed_headers_are_ignored_without_panicking() {
        for bad in [
            "",
            "   ",
            "\"default",
            "\"default\";r=-1;t=30",
            "\"default\";r=abc;t=30",
            "\"default\";r=5",
            "\"default\";t=5",
            "\"default\";r=5;t=1e12",
            "\"default\";r=5;t=NaN",
            "\"default\";r=5;t=inf",
            ";r=5;t=3",
            "\"de\"fault\";r=5;t=3",
            "\"default\";=5;r=5;t=3",
            "\"default\";r=5;t=3 3",
            "\u{7f}",
            ",,,",
            "\"default\";r=99999999999999999999;t=3",
        ] {
            let Ok(value) = HeaderValue::from_str(bad) else {
                continue;
            };
            let mut map = HeaderMap::new();
            map.insert("ratelimit", value);
            assert_eq!(read(&map), None, "{bad:?}");
        }
        assert_eq!(read(&HeaderMap::new()), None);
        let mut binary = HeaderMap::new();
        binary.insert("ratelimit", HeaderValue::from_bytes(b"\xff\xfe").unwrap());
        assert_eq!(read(&binary), None);
        // A malformed policy only loses the quota.
        let reading = read(&headers(&[
            ("ratelimit", "\"default\";r=5;t=3"),
            ("ratelimit-policy", "\"default;q=10;w=60"),
        ]))
        .unwrap();
        assert_eq!((reading.remaining, reading.quota), (5, None));
    }

    #[test]
    fn quoted_names_may_contain_separators_and_escapes() {
        let reading = read(&headers(&[
            ("ratelimit", r#""a,b;c\"d";r=4;t=2"#),
            ("ratelimit-policy", r#""a,b;c\"d";q=8;w=4"#),
        ]))
        .unwrap();
        assert_eq!((reading.remaining, reading.quota), (4, Some(8)));
    }
}
