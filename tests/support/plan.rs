//! A saved plan as `terraform show -json` describes it, with terraform-plugin-testing's rule for
//! when a plan counts as empty.

use super::flatmap::{flatten, FlatMap};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;

/// One entry of the plan's `resource_changes`.
#[derive(Debug, Clone)]
pub struct ResourceChange {
    pub address: String,
    /// `managed` or `data`.
    pub mode: String,
    pub resource_type: String,
    /// `["no-op"]`, `["create"]`, `["update"]`, `["delete"]`, `["read"]`,
    /// `["delete", "create"]` or `["create", "delete"]`.
    pub actions: Vec<String>,
    pub before: Value,
    pub after: Value,
    pub after_unknown: Value,
    pub before_sensitive: Value,
    pub after_sensitive: Value,
    /// Present when the change imports an existing object (`import` blocks).
    pub importing: Option<Value>,
    /// Paths that force replacement, as Terraform reports them.
    pub replace_paths: Value,
}

impl ResourceChange {
    fn from_json(change: &Value) -> ResourceChange {
        let body = &change["change"];
        ResourceChange {
            address: string_at(change, "address"),
            mode: string_at(change, "mode"),
            resource_type: string_at(change, "type"),
            actions: actions(&body["actions"]),
            before: body["before"].clone(),
            after: body["after"].clone(),
            after_unknown: body["after_unknown"].clone(),
            before_sensitive: body["before_sensitive"].clone(),
            after_sensitive: body["after_sensitive"].clone(),
            importing: body.get("importing").cloned(),
            replace_paths: body.get("replace_paths").cloned().unwrap_or(Value::Null),
        }
    }

    pub fn is_noop(&self) -> bool {
        is_noop(&self.actions)
    }

    pub fn is_create(&self) -> bool {
        self.actions == ["create"]
    }

    pub fn is_update(&self) -> bool {
        self.actions == ["update"]
    }

    pub fn is_delete(&self) -> bool {
        self.actions == ["delete"]
    }

    /// Both replacement orders: destroy-before-create and create-before-destroy.
    pub fn is_replace(&self) -> bool {
        self.actions.len() == 2
            && self.actions.iter().any(|a| a == "create")
            && self.actions.iter().any(|a| a == "delete")
    }

    /// The flat paths whose planned value is unknown ("known after apply").
    pub fn unknown_paths(&self) -> BTreeSet<String> {
        flatten(&self.after_unknown)
            .into_iter()
            .filter(|(_, value)| value == "true")
            .map(|(key, _)| key)
            .collect()
    }

    /// The flat attribute changes, one line each, for failure messages. Values Terraform marks
    /// sensitive on either side are shown as `(sensitive value)`.
    pub fn attribute_changes(&self) -> Vec<String> {
        let sensitive: BTreeSet<String> = super::flatmap::sensitive_paths(&self.before_sensitive)
            .into_iter()
            .chain(super::flatmap::sensitive_paths(&self.after_sensitive))
            .collect();
        let masked = |key: &str, value: &str| {
            let hidden = sensitive
                .iter()
                .any(|p| key == p || key.starts_with(&format!("{p}.")));
            if hidden {
                "(sensitive value)".to_owned()
            } else {
                format!("{value:?}")
            }
        };
        let before: FlatMap = flatten(&self.before);
        let after: FlatMap = flatten(&self.after);
        let unknown = self.unknown_paths();
        let keys: BTreeSet<&String> = before.keys().chain(after.keys()).chain(&unknown).collect();
        let mut lines = Vec::new();
        for key in keys {
            let is_unknown = unknown.contains(key);
            let old = before.get(key);
            let new = after.get(key).filter(|_| !is_unknown);
            if old == new && !is_unknown {
                continue;
            }
            let shown_old = old.map_or_else(|| "null".to_owned(), |v| masked(key, v));
            let shown_new = if is_unknown {
                "(known after apply)".to_owned()
            } else {
                new.map_or_else(|| "null".to_owned(), |v| masked(key, v))
            };
            lines.push(format!("{key}: {shown_old} => {shown_new}"));
        }
        lines
    }
}

/// A plan saved with `terraform plan -out` and read back with `terraform show -json`.
#[derive(Debug, Clone)]
pub struct PlanSummary {
    pub resource_changes: Vec<ResourceChange>,
    /// Output name → actions.
    pub output_changes: Vec<(String, Vec<String>)>,
    /// The whole `terraform show -json` document, for checks this type has no method for.
    pub json: Value,
}

impl PlanSummary {
    pub fn from_json(json: Value) -> PlanSummary {
        let resource_changes = json["resource_changes"]
            .as_array()
            .map(|changes| changes.iter().map(ResourceChange::from_json).collect())
            .unwrap_or_default();
        let output_changes = json["output_changes"]
            .as_object()
            .map(|outputs| {
                outputs
                    .iter()
                    .map(|(name, change)| (name.clone(), actions(&change["actions"])))
                    .collect()
            })
            .unwrap_or_default();
        PlanSummary {
            resource_changes,
            output_changes,
            json,
        }
    }

    /// terraform-plugin-testing's rule: every resource change and every output change is a
    /// no-op. (It skips the output check before Terraform 0.14, which this suite never runs.)
    pub fn is_empty(&self) -> bool {
        self.resource_changes.iter().all(ResourceChange::is_noop)
            && self
                .output_changes
                .iter()
                .all(|(_, actions)| is_noop(actions))
    }

    /// The change for `address`, panicking with the plan's addresses when there is none.
    pub fn change(&self, address: &str) -> &ResourceChange {
        self.resource_changes
            .iter()
            .find(|change| change.address == address)
            .unwrap_or_else(|| {
                let known: Vec<&str> = self
                    .resource_changes
                    .iter()
                    .map(|c| c.address.as_str())
                    .collect();
                panic!("the plan has no change for {address}; it has {known:?}")
            })
    }

    /// The actions planned for `address`, e.g. `["update"]`.
    pub fn actions(&self, address: &str) -> Vec<&str> {
        self.change(address)
            .actions
            .iter()
            .map(String::as_str)
            .collect()
    }
}

/// Lists every change that is not a no-op, with its attribute differences.
impl fmt::Display for PlanSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in self.resource_changes.iter().filter(|c| !c.is_noop()) {
            writeln!(f, "  {}: {}", change.address, change.actions.join(", "))?;
            for line in change.attribute_changes() {
                writeln!(f, "      {line}")?;
            }
        }
        for (name, actions) in self.output_changes.iter().filter(|(_, a)| !is_noop(a)) {
            writeln!(f, "  output.{name}: {}", actions.join(", "))?;
        }
        Ok(())
    }
}

fn is_noop(actions: &[String]) -> bool {
    actions == ["no-op"]
}

fn actions(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn string_at(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(resource_actions: &[&[&str]], output_actions: &[&[&str]]) -> PlanSummary {
        let resource_changes: Vec<Value> = resource_actions
            .iter()
            .enumerate()
            .map(|(i, actions)| {
                json!({
                    "address": format!("x.r{i}"), "mode": "managed", "type": "x",
                    "change": { "actions": actions, "before": {}, "after": {}, "after_unknown": {} }
                })
            })
            .collect();
        let output_changes: serde_json::Map<String, Value> = output_actions
            .iter()
            .enumerate()
            .map(|(i, actions)| (format!("o{i}"), json!({ "actions": actions })))
            .collect();
        PlanSummary::from_json(json!({
            "resource_changes": resource_changes,
            "output_changes": output_changes,
        }))
    }

    #[test]
    fn emptiness_follows_terraform_plugin_testing() {
        assert!(plan(&[], &[]).is_empty());
        assert!(plan(&[&["no-op"], &["no-op"]], &[&["no-op"]]).is_empty());
        assert!(!plan(&[&["no-op"], &["update"]], &[]).is_empty());
        assert!(!plan(&[&["delete", "create"]], &[]).is_empty());
        assert!(
            !plan(&[&["read"]], &[]).is_empty(),
            "a deferred data read is a change"
        );
        assert!(!plan(&[&["no-op"]], &[&["update"]]).is_empty());
        assert!(!plan(&[&["no-op"]], &[&["create"]]).is_empty());
    }

    #[test]
    fn replacement_is_recognised_in_both_orders() {
        let p = plan(
            &[&["delete", "create"], &["create", "delete"], &["update"]],
            &[],
        );
        assert!(p.resource_changes[0].is_replace());
        assert!(p.resource_changes[1].is_replace());
        assert!(!p.resource_changes[2].is_replace());
        assert_eq!(p.actions("x.r2"), ["update"]);
    }

    #[test]
    fn attribute_changes_show_unknowns_and_hide_secrets() {
        let p = PlanSummary::from_json(json!({
            "resource_changes": [{
                "address": "x.a", "mode": "managed", "type": "x",
                "change": {
                    "actions": ["update"],
                    "before": { "name": "old", "id": "1", "config": { "client_secret": "hunter2" } },
                    "after": { "name": "new", "config": { "client_secret": "other" } },
                    "after_unknown": { "id": true },
                    "before_sensitive": { "config": { "client_secret": true } },
                    "after_sensitive": { "config": { "client_secret": true } }
                }
            }]
        }));
        let lines = p.change("x.a").attribute_changes();
        assert!(
            lines.contains(&r#"name: "old" => "new""#.to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&r#"id: "1" => (known after apply)"#.to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(
                &"config.client_secret: (sensitive value) => (sensitive value)".to_owned()
            ),
            "a changed secret is listed without its value: {lines:?}"
        );
        let rendered = p.to_string();
        assert!(!rendered.contains("hunter2"), "{rendered}");
        assert!(rendered.contains("x.a: update"), "{rendered}");
    }
}
