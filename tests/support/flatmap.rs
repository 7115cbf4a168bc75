//! Flattening JSON state values into `path = value` pairs and diffing two of them, the way
//! terraform-plugin-testing's ImportStateVerify compares a resource before and after import.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A resource's attributes as `a.b.0.c → "value"`. Null attributes are left out, lists carry a
/// `path.#` count and nested objects a `path.%` count, so a null nested object and one whose
/// attributes are all null stay distinguishable.
pub type FlatMap = BTreeMap<String, String>;

/// Flattens a resource's `values` object (from `terraform show -json`).
pub fn flatten(values: &Value) -> FlatMap {
    let mut out = FlatMap::new();
    match values {
        Value::Object(members) => {
            for (key, value) in members {
                flatten_into(key, value, &mut out);
            }
        }
        other => flatten_into("", other, &mut out),
    }
    out
}

fn flatten_into(path: &str, value: &Value, out: &mut FlatMap) {
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            out.insert(path.to_owned(), b.to_string());
        }
        Value::Number(n) => {
            out.insert(path.to_owned(), n.to_string());
        }
        Value::String(s) => {
            out.insert(path.to_owned(), s.clone());
        }
        Value::Array(items) => {
            out.insert(format!("{path}.#"), items.len().to_string());
            for (index, item) in items.iter().enumerate() {
                flatten_into(&format!("{path}.{index}"), item, out);
            }
        }
        Value::Object(members) => {
            out.insert(format!("{path}.%"), members.len().to_string());
            for (key, member) in members {
                flatten_into(&format!("{path}.{key}"), member, out);
            }
        }
    }
}

/// The flat paths `terraform show -json` marks sensitive in a resource's `sensitive_values`
/// (where a whole collection may be marked with a single `true`). Values under these paths are
/// masked in diffs so that a failing test does not print a secret.
pub fn sensitive_paths(sensitive_values: &Value) -> BTreeSet<String> {
    fn walk(path: &str, value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Bool(true) => {
                out.insert(path.to_owned());
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(&join(path, &index.to_string()), item, out);
                }
            }
            Value::Object(members) => {
                for (key, member) in members {
                    walk(&join(path, key), member, out);
                }
            }
            _ => {}
        }
    }
    fn join(path: &str, key: &str) -> String {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    }
    let mut out = BTreeSet::new();
    walk("", sensitive_values, &mut out);
    out
}

/// True when `key` is `prefix` itself or lies beneath it (`config` covers `config.%` and
/// `config.client_id`). A bare string prefix would also let `config` swallow `configuration`.
fn is_under(key: &str, prefix: &str) -> bool {
    key == prefix
        || key
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// One attribute that differs between two flat maps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Only in the first (expected) map: the import lost it.
    Missing { key: String, expected: String },
    /// Only in the second (actual) map.
    Extra { key: String, actual: String },
    Changed {
        key: String,
        expected: String,
        actual: String,
    },
}

/// The differences between `expected` and `actual`, skipping every key under one of `ignore`.
pub fn diff(expected: &FlatMap, actual: &FlatMap, ignore: &[&str]) -> Vec<Difference> {
    let ignored = |key: &str| ignore.iter().any(|prefix| is_under(key, prefix));
    let keys: BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    keys.into_iter()
        .filter(|key| !ignored(key))
        .filter_map(|key| match (expected.get(key), actual.get(key)) {
            (Some(e), Some(a)) if e == a => None,
            (Some(e), Some(a)) => Some(Difference::Changed {
                key: key.clone(),
                expected: e.clone(),
                actual: a.clone(),
            }),
            (Some(e), None) => Some(Difference::Missing {
                key: key.clone(),
                expected: e.clone(),
            }),
            (None, Some(a)) => Some(Difference::Extra {
                key: key.clone(),
                actual: a.clone(),
            }),
            (None, None) => None,
        })
        .collect()
}

/// Renders differences one per line (`-` missing after import, `+` only after import, `~`
/// changed), masking values under a sensitive path.
pub struct DiffReport<'a> {
    pub differences: &'a [Difference],
    pub sensitive: &'a BTreeSet<String>,
}

impl fmt::Display for DiffReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |key: &str, value: &str| {
            if self.sensitive.iter().any(|prefix| is_under(key, prefix)) {
                "(sensitive value)".to_owned()
            } else {
                format!("{value:?}")
            }
        };
        for difference in self.differences {
            match difference {
                Difference::Missing { key, expected } => {
                    writeln!(f, "  - {key} = {}", show(key, expected))?
                }
                Difference::Extra { key, actual } => {
                    writeln!(f, "  + {key} = {}", show(key, actual))?
                }
                Difference::Changed {
                    key,
                    expected,
                    actual,
                } => writeln!(
                    f,
                    "  ~ {key}: {} => {}",
                    show(key, expected),
                    show(key, actual)
                )?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_values_flatten_to_dotted_paths_with_counts() {
        let flat = flatten(&json!({
            "id": "abc",
            "enabled": false,
            "count": 3,
            "gone": null,
            "config": { "client_id": "x", "claims": ["a", "b"], "secret": null },
            "empty": [],
        }));
        let expected: FlatMap = [
            ("id", "abc"),
            ("enabled", "false"),
            ("count", "3"),
            ("config.%", "3"),
            ("config.client_id", "x"),
            ("config.claims.#", "2"),
            ("config.claims.0", "a"),
            ("config.claims.1", "b"),
            ("empty.#", "0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(flat, expected);
    }

    #[test]
    fn a_null_object_and_an_object_of_nulls_differ() {
        let null_object = flatten(&json!({ "scim_config": null }));
        let object_of_nulls = flatten(&json!({ "scim_config": { "enabled": null } }));
        assert_ne!(null_object, object_of_nulls);
        assert_eq!(
            diff(&null_object, &object_of_nulls, &[]),
            vec![Difference::Extra {
                key: "scim_config.%".into(),
                actual: "1".into()
            }]
        );
    }

    #[test]
    fn diff_reports_missing_extra_and_changed_keys() {
        let before = flatten(&json!({ "a": "1", "b": "2", "c": "3" }));
        let after = flatten(&json!({ "a": "1", "b": "20", "d": "4" }));
        assert_eq!(
            diff(&before, &after, &[]),
            vec![
                Difference::Changed {
                    key: "b".into(),
                    expected: "2".into(),
                    actual: "20".into()
                },
                Difference::Missing {
                    key: "c".into(),
                    expected: "3".into()
                },
                Difference::Extra {
                    key: "d".into(),
                    actual: "4".into()
                },
            ]
        );
    }

    #[test]
    fn ignored_prefixes_cover_whole_subtrees_but_not_lookalike_names() {
        let before = flatten(&json!({
            "config": { "client_secret": "s1", "client_id": "same" },
            "configuration": "x",
        }));
        let after = flatten(&json!({
            "config": { "client_secret": null, "client_id": "same" },
            "configuration": "y",
        }));
        let differences = diff(&before, &after, &["config.client_secret", "config"]);
        assert_eq!(
            differences,
            vec![Difference::Changed {
                key: "configuration".into(),
                expected: "x".into(),
                actual: "y".into()
            }]
        );
        let differences = diff(&before, &after, &["config.client_secret"]);
        assert_eq!(differences.len(), 1, "{differences:?}");
    }

    #[test]
    fn sensitive_values_are_masked_in_reports() {
        let sensitive = sensitive_paths(&json!({
            "config": { "client_secret": true, "claims": [false] },
            "scim_config": true,
        }));
        assert_eq!(
            sensitive,
            BTreeSet::from(["config.client_secret".to_owned(), "scim_config".to_owned()])
        );
        let before = flatten(&json!({
            "config": { "client_secret": "hunter2" },
            "scim_config": { "secret": "s3cr3t" },
            "name": "a",
        }));
        let after = flatten(&json!({
            "config": { "client_secret": "other" },
            "scim_config": { "secret": null },
            "name": "b",
        }));
        let differences = diff(&before, &after, &[]);
        let report = DiffReport {
            differences: &differences,
            sensitive: &sensitive,
        }
        .to_string();
        assert!(!report.contains("hunter2"), "{report}");
        assert!(!report.contains("s3cr3t"), "{report}");
        assert!(report.contains("~ name: \"a\" => \"b\""), "{report}");
        assert!(
            report.contains("- scim_config.secret = (sensitive value)"),
            "{report}"
        );
    }
}
