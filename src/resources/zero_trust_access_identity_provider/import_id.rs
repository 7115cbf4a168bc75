//! Import IDs: `accounts/<account_id>/<identity_provider_id>` or
//! `zones/<zone_id>/<identity_provider_id>`, the same forms Cloudflare's v5 provider accepts.
//! Segments may be URL-encoded.

use crate::cloudflare::Scope;

/// The accepted forms, for messages.
pub const EXPECTED_FORMAT: &str =
    "\"accounts/<account_id>/<identity_provider_id>\" or \"zones/<zone_id>/<identity_provider_id>\"";

/// A parsed import ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportId {
    /// The owning account or zone.
    pub scope: Scope,
    /// The identity provider's ID.
    pub id: String,
}

/// Parses an import ID, or explains precisely what is wrong with it.
pub fn parse(raw: &str) -> Result<ImportId, String> {
    let segments: Vec<&str> = raw.split('/').collect();
    if segments.len() == 2 && !segments.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "Expected {EXPECTED_FORMAT}, got {raw:?}. Version 4 of the provider used \
             \"<account_id>/<identity_provider_id>\"; write \"accounts/{raw}\" instead."
        ));
    }
    let [discriminator, owner, id] = segments.as_slice() else {
        return Err(format!(
            "Expected {EXPECTED_FORMAT} (three segments separated by \"/\"; URL-encode a \"/\" \
             inside a segment as %2F), got {raw:?}."
        ));
    };
    let decode = |segment: &str, what: &str| -> Result<String, String> {
        let decoded = percent_decode(segment).ok_or_else(|| {
            format!(
                "The {what} segment {segment:?} of {raw:?} is not valid URL encoding. Expected \
                 {EXPECTED_FORMAT}."
            )
        })?;
        if decoded.trim().is_empty() {
            return Err(format!(
                "The {what} segment of {raw:?} is empty. Expected {EXPECTED_FORMAT}."
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
                 {EXPECTED_FORMAT}."
            ))
        }
    };
    Ok(ImportId { scope, id })
}

/// Decodes `%XX` escapes (and nothing else: `+` stays a plus, as in a path). Returns `None`
/// for a malformed escape or a result that is not UTF-8. Hand-written because it is the only
/// URL-decoding the crate needs.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let text = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(text, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    const IDP: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

    #[test]
    fn parses_both_scopes() {
        assert_eq!(
            parse(&format!("accounts/{ACCOUNT}/{IDP}")),
            Ok(ImportId {
                scope: Scope::Account(ACCOUNT.into()),
                id: IDP.into()
            })
        );
        assert_eq!(
            parse(&format!("zones/{ACCOUNT}/{IDP}")),
            Ok(ImportId {
                scope: Scope::Zone(ACCOUNT.into()),
                id: IDP.into()
            })
        );
    }

    #[test]
    fn unescapes_segments() {
        let parsed = parse("accounts/a%2Fb/id%20x").unwrap();
        assert_eq!(parsed.scope, Scope::Account("a/b".into()));
        assert_eq!(parsed.id, "id x");
        assert_eq!(
            parse("%61ccounts/a/b").unwrap().scope,
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
        ];
        for (raw, needle) in cases {
            let err = parse(raw).expect_err(raw);
            assert!(err.contains(needle), "{raw}: {err}");
            assert!(err.contains(EXPECTED_FORMAT), "{raw}: {err}");
        }
    }

    #[test]
    fn points_v4_users_to_the_new_form() {
        let err = parse(&format!("{ACCOUNT}/{IDP}")).unwrap_err();
        assert!(
            err.contains(&format!("\"accounts/{ACCOUNT}/{IDP}\"")),
            "{err}"
        );
    }
}
