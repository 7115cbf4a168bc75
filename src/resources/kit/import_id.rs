//! Import IDs of objects that live in an account or a zone: `accounts/<account_id>/<id>` or
//! `zones/<zone_id>/<id>`, the forms Cloudflare's v5 provider accepts. Segments may be
//! URL-encoded.

use crate::cloudflare::Scope;
use percent_encoding::percent_decode_str;

/// The accepted forms, for messages, with `id_name` naming the object's ID (for example
/// `identity_provider_id`).
pub fn expected_format(id_name: &str) -> String {
    format!("\"accounts/<account_id>/<{id_name}>\" or \"zones/<zone_id>/<{id_name}>\"")
}

/// A parsed import ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportId {
    /// The owning account or zone.
    pub scope: Scope,
    /// The object's ID.
    pub id: String,
}

/// Parses an import ID, or explains precisely what is wrong with it; `id_name` names the
/// object's ID in those explanations.
pub fn parse(raw: &str, id_name: &str) -> Result<ImportId, String> {
    let expected = expected_format(id_name);
    let segments: Vec<&str> = raw.split('/').collect();
    if segments.len() == 2 && !segments.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "Expected {expected}, got {raw:?}. Version 4 of the provider used \
             \"<account_id>/<{id_name}>\"; write \"accounts/{raw}\" instead."
        ));
    }
    let [discriminator, owner, id] = segments.as_slice() else {
        return Err(format!(
            "Expected {expected} (three segments separated by \"/\"; URL-encode a \"/\" \
             inside a segment as %2F), got {raw:?}."
        ));
    };
    let decode = |segment: &str, what: &str| -> Result<String, String> {
        let decoded = percent_decode(segment).ok_or_else(|| {
            format!(
                "The {what} segment {segment:?} of {raw:?} is not valid URL encoding. Expected \
                 {expected}."
            )
        })?;
        if decoded.trim().is_empty() {
            return Err(format!(
                "The {what} segment of {raw:?} is empty. Expected {expected}."
            ));
        }
        Ok(decoded)
    };
    let discriminator = decode(discriminator, "first")?;
    let owner = decode(owner, "second")?;
    let id = decode(id, "third")?;
    let scope = match discriminator.as_str() {
        "accounts" => Scope::Account(owner),
        "zones" => Scope::Zone(owner),
        other => {
            return Err(format!(
                "The first segment must be \"accounts\" or \"zones\", got {other:?}. Expected \
                 {expected}."
            ))
        }
    };
    Ok(ImportId { scope, id })
}

/// Decodes `%XX` escapes (and nothing else: `+` stays a plus, as in a path). Returns `None`
/// for a malformed escape, which `percent-encoding` would pass through as text, or a result
/// that is not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let mut rest = segment;
    while let Some(at) = rest.find('%') {
        let hex = rest.get(at + 1..at + 3)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        rest = &rest[at + 3..];
    }
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::{self, Verdict};
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    use rand::Rng;

    /// Random and mutated import IDs: parsing never panics, every refusal says what was expected,
    /// and whatever parses survives a round trip through its encoded form.
    #[test]
    fn fuzz_import_id_parser() {
        let valid = format!("accounts/{ACCOUNT}/{IDP}");
        fuzzing::run("import ID parser", move |rng| {
            let raw = match rng.random_range(0..3) {
                0 => fuzzing::text(rng, 80, "accountszone/%2F0123456789abcdefABCDEF-_ "),
                1 => {
                    let mutated = fuzzing::mutate(rng, valid.as_bytes());
                    String::from_utf8_lossy(&mutated).into_owned()
                }
                _ => {
                    let discriminator =
                        ["accounts", "zones", "account", ""][rng.random_range(0..4)];
                    let owner = fuzzing::text(rng, 40, "0123456789abcdef%/");
                    let id = fuzzing::text(rng, 40, "abc-%2F/é");
                    format!("{discriminator}/{owner}/{id}")
                }
            };
            match parse(&raw, ID) {
                Ok(parsed) => {
                    let encode = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
                    let again = format!(
                        "{}/{}/{}",
                        parsed.scope.segment(),
                        encode(parsed.scope.id()),
                        encode(&parsed.id)
                    );
                    assert_eq!(parse(&again, ID).as_ref(), Ok(&parsed), "{raw:?}");
                    Verdict::Accepted
                }
                Err(message) => {
                    assert!(
                        message.contains("Expected") || message.contains("must be"),
                        "{message}"
                    );
                    Verdict::Rejected
                }
            }
        });
    }

    const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    const IDP: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
    const ID: &str = "identity_provider_id";

    #[test]
    fn names_the_object_id_in_the_expected_format() {
        assert_eq!(
            expected_format(ID),
            "\"accounts/<account_id>/<identity_provider_id>\" or \
             \"zones/<zone_id>/<identity_provider_id>\""
        );
    }

    #[test]
    fn parses_both_scopes() {
        assert_eq!(
            parse(&format!("accounts/{ACCOUNT}/{IDP}"), ID),
            Ok(ImportId {
                scope: Scope::Account(ACCOUNT.into()),
                id: IDP.into()
            })
        );
        assert_eq!(
            parse(&format!("zones/{ACCOUNT}/{IDP}"), ID),
            Ok(ImportId {
                scope: Scope::Zone(ACCOUNT.into()),
                id: IDP.into()
            })
        );
    }

    #[test]
    fn unescapes_segments() {
        let parsed = parse("accounts/a%2Fb/id+x%20y", ID).unwrap();
        assert_eq!(parsed.scope, Scope::Account("a/b".into()));
        assert_eq!(parsed.id, "id+x y");
        assert_eq!(
            parse("%61ccounts/a/b", ID).unwrap().scope,
            Scope::Account("a".into())
        );
    }

    #[test]
    fn rejects_malformed_ids_with_the_expected_format() {
        let cases = [
            ("", "three segments"),
            (IDP, "three segments"),
            ("accounts/a/b/c", "three segments"),
            ("accounts//b", "second segment"),
            ("accounts/a/", "third segment"),
            ("account/a/b", "\"accounts\" or \"zones\""),
            ("Accounts/a/b", "\"accounts\" or \"zones\""),
            ("accounts/a%2/b", "not valid URL encoding"),
            ("accounts/a%zz/b", "not valid URL encoding"),
            ("accounts/a%ff/b", "not valid URL encoding"),
            ("accounts/a%+1/b", "not valid URL encoding"),
            ("accounts/a/b%", "not valid URL encoding"),
        ];
        for (raw, needle) in cases {
            let err = parse(raw, ID).expect_err(raw);
            assert!(err.contains(needle), "{raw}: {err}");
            assert!(err.contains(&expected_format(ID)), "{raw}: {err}");
        }
    }

    #[test]
    fn points_v4_users_to_the_new_form() {
        let err = parse(&format!("{ACCOUNT}/{IDP}"), ID).unwrap_err();
        assert!(
            err.contains(&format!("\"accounts/{ACCOUNT}/{IDP}\"")),
            "{err}"
        );
    }
}
