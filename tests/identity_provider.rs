//! Acceptance tests of `cloudflare_zero_trust_access_identity_provider`: every identity-provider
//! type through create, update, import and destroy, plus scopes, replacement, drift, SCIM,
//! secrets, invalid input, scale, interruption and the rate budget, and resource identity and
//! `terraform query` on the Terraform builds that have them. Each test runs real Terraform
//! against a fresh mock and, like terraform-plugin-testing, requires empty plans after every
//! apply and an empty mock at the end.

// The imperative helpers stay for tests whose shape is not a list of steps, even where no
// test uses one at the moment.
#![allow(dead_code)]

mod discovery;
mod drift;
mod invalid;
pub mod lifecycle;
mod moved;
mod rate_budget;
mod scale;
mod scim;
mod secrets;
mod write_only;

// `diff`, `flatten` and `terraform` are here for the test modules' `use super::*`.
#[allow(unused_imports)]
use crate::support::flatmap::{diff, flatten, sensitive_paths};
use crate::support::import::{ImportCheck, IMPORT_BLOCKS};
#[allow(unused_imports)]
use crate::support::terraform;
use crate::support::{testdata, Acc, Output, PlanSummary, Step, RESOURCE_TYPE};
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

/// Checks that what Terraform stored for `address` is what Cloudflare (the mock) holds, with
/// the known normalisations (see [`crate::support::api::assert_values_match_api`]). Declarative
/// cases get this check after every apply without asking.
pub fn assert_state_matches_api(t: &Acc, address: &str) {
    let values = t.resource_values(address);
    crate::support::api::assert_values_match_api(&t.mock, address, &values);
}

/// The import verification of one identity provider: the secret Cloudflare never returns is
/// ignored, and zero values in `config` may be null after import (see [`ImportCheck`]).
pub fn import_check(address: &str, import_id: &str) -> ImportCheck {
    ImportCheck {
        address: address.to_owned(),
        id: import_id.to_owned(),
        ignore: IMPORT_IGNORE.iter().map(|p| (*p).to_owned()).collect(),
        zero_may_be_null_under: vec!["config".to_owned()],
        import_block: true,
    }
}

/// A step that verifies the import of `address` by `terraform import` and, on Terraform 1.5+,
/// by an import block, with the import ID built from its state ([`import_id`]).
pub fn import_step<'a>(address: &'static str) -> Step<'a> {
    Step::import(address, move |t| import_id(t, address))
        .ignore(IMPORT_IGNORE)
        .zero_may_be_null_under("config")
}

/// The import ID of `address` as users write it: `accounts/<account_id>/<id>` or
/// `zones/<zone_id>/<id>`, from its state.
pub fn import_id(t: &Acc, address: &str) -> String {
    let values = t.resource_values(address);
    let id = values["id"].as_str().unwrap_or_default();
    match (values["account_id"].as_str(), values["zone_id"].as_str()) {
        (Some(account), _) => format!("accounts/{account}/{id}"),
        (None, Some(zone)) => format!("zones/{zone}/{id}"),
        (None, None) => panic!("{address} has no owner in state: {values:#}"),
    }
}

/// terraform-plugin-testing's `ImportBlockWithID` step for `address` (see
/// [`ImportCheck::verify_import_block`]). Panics when this Terraform build has no import blocks
/// (before 1.5). `zero_paths` are attributes whose zero value in state may be null in the import.
pub fn import_block_verify(t: &Acc, address: &str, id: &str, zero_paths: &[String]) -> PlanSummary {
    assert!(
        IMPORT_BLOCKS.is_met(),
        "import blocks need Terraform {}",
        IMPORT_BLOCKS.version
    );
    import_check(address, id).verify_import_block(t, zero_paths)
}

/// Both import checks of one identity provider: `terraform import` with ImportStateVerify, and
/// (on Terraform 1.5+, otherwise reported as not applicable) an import block whose plan is a
/// no-op but for the unknowable secret.
pub fn import_verify_both(t: &Acc, address: &str, import_id: &str) {
    import_check(address, import_id).run(t);
}

/// Everything a command printed, with line breaks and runs of spaces collapsed, because
/// Terraform wraps diagnostic text to the terminal width.
pub fn flat_output(output: &Output) -> String {
    crate::support::case::flat_output(output)
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
