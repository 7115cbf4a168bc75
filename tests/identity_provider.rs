//! Acceptance tests of `cloudflare_zero_trust_access_identity_provider`: every identity-provider
//! type through create, update, import and destroy, plus scopes, replacement, drift, SCIM,
//! secrets, invalid input, scale, interruption and the rate budget. Each test runs real Terraform against a fresh
//! mock and, like terraform-plugin-testing, requires empty plans after every apply and an empty
//! mock at the end.

mod drift;
mod invalid;
mod lifecycle;
mod moved;
mod rate_budget;
mod scale;
mod scim;
mod secrets;
mod write_only;

use crate::support::flatmap::{diff, flatten, sensitive_paths};
use crate::support::{terraform, testdata, Acc, Output, PlanSummary, RESOURCE_TYPE};
use serde_json::Value;

/// The address most tests give their one identity provider.
pub const ADDRESS: &str = "cloudflare_zero_trust_access_identity_provider.test";

/// Cloudflare never returns a client secret, so an import cannot know it: v5's import test skips
/// it in ImportStateVerify, and so do these.
pub const IMPORT_IGNORE: &[&str] = &["config.client_secret"];

/// A test configuration from `tests/testdata/identity_provider/<name>`, rendered with the test's
/// ids and `vars`.
pub fn fixture(t: &Acc, name: &str, vars: &[(&str, &str)]) -> String {
    t.render_with(&testdata(&format!("identity_provider/{name}")), vars)
}

/// The configuration of one identity provider named `test`, owned by the test's account.
pub fn single(t: &Acc, name: &str, kind: &str, config: &str) -> String {
    fixture(
        t,
        "single.tf",
        &[
            ("owner_attribute", "account_id"),
            ("owner_id", &t.account_id),
            ("name", name),
            ("type", kind),
            ("config", config),
        ],
    )
}

/// The `id` attribute of `address` in state.
pub fn state_id(t: &Acc, address: &str) -> String {
    let values = t.resource_values(address);
    let id = values["id"].as_str().unwrap_or_default().to_owned();
    assert!(!id.is_empty(), "{address} has no id in state: {values:#}");
    id
}

/// The mock's view of `id`, panicking with every stored object when it has none.
pub fn api_object(t: &Acc, id: &str) -> Value {
    let control = t.mock.control();
    control.object(id).unwrap_or_else(|| {
        panic!(
            "the mock holds no identity provider {id}; it holds:\n{:#}",
            Value::Array(control.objects())
        )
    })
}

/// Applies, then runs terraform-plugin-testing's post-apply check (a `-refresh=false` plan and
/// a refreshing plan must both be empty).
pub fn apply_and_settle(t: &Acc) -> Output {
    let output = t.apply();
    t.assert_empty_plans_after_apply();
    output
}

/// Checks that what Terraform stored for `address` is what Cloudflare (the mock) holds: the
/// owner, name, type, and every non-null `config` attribute except the secret the API never
/// returns and `client_secret_wo_version`, which only Terraform knows.
pub fn assert_state_matches_api(t: &Acc, address: &str) {
    let values = t.resource_values(address);
    let id = state_id(t, address);
    let object = api_object(t, id.as_str());
    assert_eq!(values["name"], object["name"], "name of {id}");
    assert_eq!(values["type"], object["type"], "type of {id}");
    match (values["account_id"].as_str(), values["zone_id"].as_str()) {
        (Some(account), None) => {
            assert_eq!(object["__scope"], "accounts", "{object:#}");
            assert_eq!(object["__owner_id"], account, "{object:#}");
        }
        (None, Some(zone)) => {
            assert_eq!(object["__scope"], "zones", "{object:#}");
            assert_eq!(object["__owner_id"], zone, "{object:#}");
        }
        other => panic!("{address} should have exactly one owner in state, has {other:?}"),
    }
    let config = values["config"]
        .as_object()
        .unwrap_or_else(|| panic!("{address} has no config object in state: {values:#}"));
    for (key, value) in config {
        // Cloudflare never returns the secret, and the write-only secret's version is
        // Terraform's alone.
        if value.is_null() || key == "client_secret" || key == "client_secret_wo_version" {
            continue;
        }
        let api = &object["config"][key];
        // The API may leave a false flag or an empty list out of its answer.
        let equivalent = api == value
            || (api.is_null() && (value == &Value::Bool(false) || value == &Value::Array(vec![])));
        assert!(
            equivalent,
            "config.{key} is {value} in state but {api} in the API:\n{object:#}"
        );
    }
}

/// terraform-plugin-testing's `ImportBlockWithID` step: a fresh work dir with the same
/// configuration plus `import { to = address, id = id }` must plan the import of exactly the
/// object in state and change nothing about it. The one exception is `config.client_secret`,
/// which Cloudflare never returns, so the plan may update that attribute and nothing else.
/// Returns the plan. Panics when this Terraform build has no import blocks (before 1.5).
/// `zero_paths` are attributes whose zero value in state may be null in the import (see
/// [`import_verify_both`]); the plan must still not change them.
pub fn import_block_verify(t: &Acc, address: &str, id: &str, zero_paths: &[String]) -> PlanSummary {
    assert!(
        terraform().version_at_least(1, 5, 0),
        "import blocks need Terraform 1.5"
    );
    let previous = t.resource_values(address);
    let fresh = t.fresh_sibling();
    fresh.write_file(
        "import.tf",
        &format!(
            "import {{\n  to = {address}\n  id = {}\n}}\n",
            crate::support::quote(id)
        ),
    );
    let plan = fresh.plan();
    let change = plan.change(address);
    let importing = change
        .importing
        .as_ref()
        .unwrap_or_else(|| panic!("expected an import of {address}, got:\n{plan}"));
    assert_eq!(importing["id"], id, "import of {address}: {importing}");
    assert!(
        change.is_noop() || change.is_update(),
        "expected a no-op import operation for {address}, got {:?}:\n{plan}",
        change.actions
    );
    assert!(
        change.unknown_paths().is_empty(),
        "the import plan of {address} has values known only after apply: {:?}\n{plan}",
        change.unknown_paths()
    );
    let before = flatten(&change.before);
    let after = flatten(&change.after);
    let differences = diff(&before, &after, IMPORT_IGNORE);
    assert!(
        differences.is_empty(),
        "the import plan of {address} changes more than config.client_secret: {differences:?}\n{plan}"
    );
    if change.is_update() {
        assert_ne!(
            before.get("config.client_secret"),
            after.get("config.client_secret"),
            "an update was planned for {address} although nothing differs:\n{plan}"
        );
    }
    // The imported object is the one in state, attribute for attribute (but the secret and
    // zero values).
    let mut ignore: Vec<&str> = IMPORT_IGNORE.to_vec();
    ignore.extend(zero_paths.iter().map(String::as_str));
    let imported = diff(&flatten(&previous), &before, &ignore);
    assert!(
        imported.is_empty(),
        "ImportBlockWithID: the imported {address} differs from the state it came from: \
         {imported:?}"
    );
    for other in plan
        .resource_changes
        .iter()
        .filter(|c| c.address != address)
    {
        assert!(
            other.is_noop(),
            "unexpected change in the import plan:\n{plan}"
        );
    }
    plan
}

/// Both import checks of one identity provider: `terraform import` with ImportStateVerify, and
/// (on Terraform 1.5+) an import block whose plan is a no-op but for the unknowable secret.
///
/// The provider treats an optional `false`, `""` or `[]` in `config` as the same as unset,
/// because Cloudflare answers `false` for flags nobody set. An import cannot tell the two apart
/// and stores null; ImportStateVerify therefore accepts null after import where the state holds
/// such a zero value, and the import-block plan (which must be empty) proves Terraform sees no
/// difference either.
pub fn import_verify_both(t: &Acc, address: &str, import_id: &str) {
    let values = t.resource_values(address);
    let zero_paths: Vec<String> = values["config"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, value)| {
            matches!(value, Value::Bool(false))
                || value.as_str() == Some("")
                || value.as_array().is_some_and(Vec::is_empty)
        })
        .map(|(key, _)| format!("config.{key}"))
        .collect();
    let mut ignore: Vec<&str> = IMPORT_IGNORE.to_vec();
    ignore.extend(zero_paths.iter().map(String::as_str));
    let imported = t.import_verify(address, import_id, &ignore);
    assert!(
        imported["config"]["client_secret"].is_null(),
        "an import cannot know the client secret, yet it produced one"
    );
    for path in &zero_paths {
        let key = path.trim_start_matches("config.");
        let after = &imported["config"][key];
        assert!(
            after.is_null() || after == &values["config"][key],
            "{path} is {} in state but {after} after import",
            values["config"][key]
        );
    }
    if terraform().version_at_least(1, 5, 0) {
        import_block_verify(t, address, import_id, &zero_paths);
    }
}

/// Everything a command printed, with line breaks and runs of spaces collapsed, because
/// Terraform wraps diagnostic text to the terminal width.
pub fn flat_output(output: &Output) -> String {
    output
        .combined()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every error diagnostic Terraform printed as `-json` output, from machine-readable lines
/// (`plan -json`, `apply -json`) or a `validate -json` document.
pub fn error_diagnostics(output: &Output) -> Vec<Value> {
    if let Ok(document) = serde_json::from_str::<Value>(&output.stdout) {
        if let Some(diagnostics) = document["diagnostics"].as_array() {
            return diagnostics
                .iter()
                .filter(|d| d["severity"] == "error")
                .cloned()
                .collect();
        }
    }
    output
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["type"] == "diagnostic" && line["diagnostic"]["severity"] == "error")
        .map(|line| line["diagnostic"].clone())
        .collect()
}

/// What an invalid configuration must produce.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub summary: &'a str,
    /// Text the detail must contain.
    pub detail: &'a str,
    /// The attribute the diagnostic is about, as a dotted path (`zone_id`,
    /// `config.directory_id`), or `""` for the resource as a whole.
    pub attribute: &'a str,
}

/// Finds the diagnostic matching `expected` among `diagnostics` and checks where it points,
/// against `main_tf`. Returns it.
///
/// Terraform turns a diagnostic's attribute path into a source range only through blocks and
/// top-level attributes: for a path inside a nested attribute (`config = { ... }`) it points at
/// the resource block itself. So a top-level attribute must be on the lines pointed at, while a
/// nested one may instead be reported on the resource (Terraform 1.11) or on the object holding
/// it (Terraform 1.15, for a missing one), and must then be named in the detail.
pub fn expect_diagnostic(diagnostics: &[Value], expected: Expected<'_>, main_tf: &str) -> Value {
    let found = diagnostics
        .iter()
        .find(|d| {
            d["summary"] == expected.summary
                && d["detail"]
                    .as_str()
                    .is_some_and(|detail| detail.contains(expected.detail))
        })
        .unwrap_or_else(|| {
            panic!(
                "no error diagnostic with summary {:?} and detail containing {:?}; got:\n{:#}",
                expected.summary,
                expected.detail,
                Value::Array(diagnostics.to_vec())
            )
        })
        .clone();
    assert_eq!(
        found["address"], ADDRESS,
        "the diagnostic names the resource: {found:#}"
    );
    let range = &found["range"];
    assert_eq!(
        range["filename"], "main.tf",
        "diagnostic without a range: {found:#}"
    );
    let start = range["start"]["line"].as_u64().unwrap_or(0) as usize;
    let end = range["end"]["line"].as_u64().unwrap_or(0) as usize;
    let lines: Vec<&str> = main_tf.lines().collect();
    let pointed: Vec<&str> = lines
        .get(start.saturating_sub(1)..end.min(lines.len()))
        .unwrap_or_default()
        .to_vec();
    let at_resource = start == end
        && pointed
            .first()
            .is_some_and(|line| line.starts_with(&format!("resource \"{RESOURCE_TYPE}\"")));
    let last_step = expected.attribute.rsplit('.').next().unwrap_or_default();
    let at_attribute = !last_step.is_empty()
        && pointed
            .iter()
            .any(|line| line.trim_start().starts_with(last_step));
    let nested = expected.attribute.contains('.');
    // A missing nested attribute can only be pointed at through the object that lacks it.
    let parent = expected.attribute.split('.').next().unwrap_or_default();
    let at_parent = pointed
        .first()
        .is_some_and(|line| line.trim_start().starts_with(parent));
    let detail = found["detail"].as_str().unwrap_or_default();
    let ok = if expected.attribute.is_empty() {
        at_resource
    } else if nested {
        at_attribute || ((at_resource || at_parent) && detail.contains(expected.attribute))
    } else {
        at_attribute
    };
    assert!(
        ok,
        "the diagnostic should point at `{}`, but points at lines {start}-{end}: {pointed:?}\n{found:#}",
        if expected.attribute.is_empty() { "the resource" } else { expected.attribute }
    );
    found
}

/// A plan of the current configuration that must fail with `expected`; returns every error
/// diagnostic. Nothing may have reached the API.
pub fn expect_plan_error(t: &Acc, main_tf: &str, expected: Expected<'_>) -> Vec<Value> {
    let output = t.run_err(&["plan", "-json", "-input=false", "-no-color"]);
    let diagnostics = error_diagnostics(&output);
    expect_diagnostic(&diagnostics, expected, main_tf);
    assert_eq!(
        t.mock.control().object_count(),
        0,
        "a rejected plan must not create anything"
    );
    diagnostics
}

/// `terraform validate -json` must reject the configuration with `expected` (checks that run
/// in ValidateResourceConfig, so they fail before any plan).
pub fn expect_validate_error(t: &Acc, main_tf: &str, expected: Expected<'_>) {
    let output = t.run(&["validate", "-json", "-no-color"]);
    assert!(!output.success(), "validate should fail:\n{output}");
    let diagnostics = error_diagnostics(&output);
    expect_diagnostic(&diagnostics, expected, main_tf);
}

/// The flat attribute paths of `address` that the state marks sensitive.
pub fn state_sensitive_paths(t: &Acc, address: &str) -> std::collections::BTreeSet<String> {
    let resource = t
        .state_resource(address)
        .unwrap_or_else(|| panic!("{address} is not in state"));
    sensitive_paths(&resource["sensitive_values"])
}

/// Destroys what is in state and checks that Cloudflare (the mock) holds nothing any more.
pub fn destroy_and_expect_empty(t: &Acc) {
    t.destroy();
    assert!(t.state_addresses().is_empty(), "destroy left state behind");
    let left = t.mock.control().objects();
    assert!(
        left.is_empty(),
        "destroy left {} object(s) in the API:\n{:#}",
        left.len(),
        Value::Array(left)
    );
}

/// A resource type check on plan changes, so a test cannot pass by planning another type.
pub fn assert_resource_type(plan: &PlanSummary, address: &str) {
    assert_eq!(plan.change(address).resource_type, RESOURCE_TYPE);
}
