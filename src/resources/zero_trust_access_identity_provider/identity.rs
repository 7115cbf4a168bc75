//! The resource identity of an identity provider (Terraform 1.12+): the account or zone it
//! lives in and its ID, which is all an `import` block or `terraform query` needs to name it.

use crate::cloudflare::Scope;
use crate::framework::{Attribute, Block, Diagnostics, Schema, Value};

/// The identity schema version. Raise it (and teach `upgrade` the older shape) whenever the
/// identity's attributes change; Terraform stores the version with every identity.
pub const IDENTITY_VERSION: i64 = 0;

/// `{account_id, zone_id, id}`: exactly one of the first two is set.
pub fn identity_schema() -> Schema {
    Schema {
        version: IDENTITY_VERSION,
        block: Block {
            attributes: vec![
                Attribute::string("account_id").optional().description(
                    "The account that owns the identity provider. Set this or `zone_id`.",
                ),
                Attribute::string("zone_id").optional().description(
                    "The zone that owns a zone-level identity provider. Set this or \
                     `account_id`.",
                ),
                Attribute::string("id")
                    .required()
                    .description("The identity provider's UUID."),
            ],
            ..Block::default()
        },
    }
}

/// The identity of the object in `scope` with ID `id`.
pub fn identity(scope: &Scope, id: &str) -> Value {
    let (account_id, zone_id) = match scope {
        Scope::Account(account) => (Value::from(account.as_str()), Value::Null),
        Scope::Zone(zone) => (Value::Null, Value::from(zone.as_str())),
    };
    Value::object([
        ("account_id", account_id),
        ("zone_id", zone_id),
        ("id", Value::from(id)),
    ])
}

/// The identity a state or plan implies: its `account_id`, `zone_id` and `id`, each unknown
/// where the plan does not know it yet. Blank scope attributes count as unset, as everywhere
/// else in this resource.
pub fn identity_of_state(state: &Value) -> Value {
    let scope_attr = |name: &str| match state.attr(name) {
        Value::String(s) if s.trim().is_empty() => Value::Null,
        other => other.clone(),
    };
    Value::object([
        ("account_id", scope_attr("account_id")),
        ("zone_id", scope_attr("zone_id")),
        ("id", state.attr("id").clone()),
    ])
}

/// The scope and ID an `import` block's `identity` names, or errors saying what to write.
pub fn parse(identity: &Value, diagnostics: &mut Diagnostics) -> Option<(Scope, String)> {
    let text = |name: &str| {
        identity
            .attr(name)
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let id = text("id");
    if id.is_none() {
        diagnostics.error(
            "Invalid Import Identity",
            "The import identity needs `id`, the identity provider's UUID, e.g. `identity = { \
             account_id = \"<account_id>\", id = \"<identity_provider_id>\" }`.",
        );
    }
    let scope = match (text("account_id"), text("zone_id")) {
        (Some(account), None) => Some(Scope::Account(account)),
        (None, Some(zone)) => Some(Scope::Zone(zone)),
        (Some(_), Some(_)) => {
            diagnostics.error(
                "Invalid Import Identity",
                "The import identity sets both `account_id` and `zone_id`; an identity provider \
                 belongs to exactly one of them. Keep the one it lives in.",
            );
            None
        }
        (None, None) => {
            diagnostics.error(
                "Invalid Import Identity",
                "The import identity needs `account_id` (or `zone_id` for a zone-level identity \
                 provider) besides `id`.",
            );
            None
        }
    };
    Some((scope?, id?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(account: Option<&str>, zone: Option<&str>, id: Option<&str>) -> Value {
        Value::object([
            ("account_id", Value::opt_string(account)),
            ("zone_id", Value::opt_string(zone)),
            ("id", Value::opt_string(id)),
        ])
    }

    #[test]
    fn an_identity_names_one_scope_and_the_id() {
        let mut diagnostics = Diagnostics::new();
        let parsed = parse(&given(Some("acc"), None, Some("idp-1")), &mut diagnostics);
        assert_eq!(parsed, Some((Scope::Account("acc".into()), "idp-1".into())));
        let parsed = parse(&given(None, Some("zone"), Some("idp-2")), &mut diagnostics);
        assert_eq!(parsed, Some((Scope::Zone("zone".into()), "idp-2".into())));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            identity(&Scope::Zone("zone".into()), "idp-2"),
            given(None, Some("zone"), Some("idp-2"))
        );
    }

    #[test]
    fn a_bad_identity_says_what_to_write() {
        let cases = [
            (given(Some("a"), Some("z"), Some("i")), "sets both"),
            (given(None, None, Some("i")), "needs `account_id`"),
            (given(Some(" "), None, Some("i")), "needs `account_id`"),
            (given(Some("a"), None, None), "needs `id`"),
        ];
        for (identity, expected) in cases {
            let mut diagnostics = Diagnostics::new();
            assert_eq!(parse(&identity, &mut diagnostics), None);
            let details: Vec<_> = diagnostics.iter().map(|d| d.detail.clone()).collect();
            assert!(
                details.iter().any(|d| d.contains(expected)),
                "{identity:?}: {details:?}"
            );
        }
    }

    #[test]
    fn a_plan_implies_an_identity_unknown_where_the_plan_is() {
        let planned = Value::object([
            ("account_id", Value::from("acc")),
            ("zone_id", Value::Null),
            ("id", Value::unknown()),
            ("name", Value::from("x")),
        ]);
        let implied = identity_of_state(&planned);
        assert_eq!(implied.attr("account_id"), &Value::from("acc"));
        assert!(implied.attr("zone_id").is_null());
        assert!(implied.attr("id").is_unknown());
        let names: Vec<&String> = implied.as_entries().unwrap().keys().collect();
        let schema = identity_schema();
        let mut expected: Vec<&String> = schema.block.attributes.iter().map(|a| &a.name).collect();
        expected.sort();
        assert_eq!(names, expected);
    }
}
