//! State against the API: what Terraform stored for each identity provider must be what the mock
//! (Cloudflare) holds, up to the differences the provider is known and meant to make.

use super::mock::Mock;
use super::RESOURCE_TYPE;
use serde_json::Value;

/// Every identity provider in `state` (a `terraform show -json` document), as `(address, entry)`.
pub fn identity_providers_in(state: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    collect(&state["values"]["root_module"], &mut found);
    found
}

fn collect(module: &Value, out: &mut Vec<(String, Value)>) {
    for resource in module["resources"].as_array().into_iter().flatten() {
        if resource["mode"] == "managed" && resource["type"] == RESOURCE_TYPE {
            let address = resource["address"].as_str().unwrap_or_default().to_owned();
            out.push((address, resource.clone()));
        }
    }
    for child in module["child_modules"].as_array().into_iter().flatten() {
        collect(child, out);
    }
}

/// Checks every identity provider in `state` against the mock with
/// [`assert_values_match_api`].
pub fn assert_state_matches_api(mock: &Mock, state: &Value) {
    for (address, resource) in identity_providers_in(state) {
        assert_values_match_api(mock, &address, &resource["values"]);
    }
}

/// Checks that the state values of one identity provider are what Cloudflare (the mock) holds:
/// the same object exists, under the same owner, with the same name and type, the same value for
/// every non-null `config` and `scim_config` attribute, and the configured client secret.
///
/// The normalisations, each a documented behaviour of the API or the provider:
/// * the API never returns `config.client_secret`; it is compared with the secret the mock
///   stores instead, and not at all when state has none (after an import);
/// * `config.client_secret_wo_version` is Terraform's alone, and `scim_config.secret` is shown
///   masked by the API (the SCIM tests compare it with the mock's own record);
/// * the API may leave a `false` flag or an empty list out of its answer.
pub fn assert_values_match_api(mock: &Mock, address: &str, values: &Value) {
    let id = values["id"].as_str().unwrap_or_default();
    assert!(!id.is_empty(), "{address} has no id in state: {values:#}");
    let control = mock.control();
    let object = control.object(id).unwrap_or_else(|| {
        panic!(
            "{address} is in state as {id}, but the mock holds no such identity provider; it \
             holds:\n{:#}",
            Value::Array(control.objects())
        )
    });
    assert_eq!(values["name"], object["name"], "name of {address} ({id})");
    assert_eq!(values["type"], object["type"], "type of {address} ({id})");
    match (values["account_id"].as_str(), values["zone_id"].as_str()) {
        (Some(account), None) => {
            assert_eq!(object["__scope"], "accounts", "{address}: {object:#}");
            assert_eq!(object["__owner_id"], account, "{address}: {object:#}");
        }
        (None, Some(zone)) => {
            assert_eq!(object["__scope"], "zones", "{address}: {object:#}");
            assert_eq!(object["__owner_id"], zone, "{address}: {object:#}");
        }
        other => panic!("{address} should have exactly one owner in state, has {other:?}"),
    }
    let config = values["config"]
        .as_object()
        .unwrap_or_else(|| panic!("{address} has no config object in state: {values:#}"));
    for (key, value) in config {
        if value.is_null() || key == "client_secret_wo_version" {
            continue;
        }
        if key == "client_secret" {
            // Compared without printing either value: a failing test must not show a secret.
            assert!(
                control.client_secret(id).as_deref() == value.as_str(),
                "config.client_secret of {address} in state is not the secret the API holds"
            );
            continue;
        }
        assert_equivalent(
            address,
            "config",
            key,
            value,
            &object["config"][key],
            &object,
        );
    }
    if let Some(scim) = values["scim_config"].as_object() {
        for (key, value) in scim {
            if value.is_null() || key == "secret" {
                continue;
            }
            let api = &object["scim_config"][key];
            assert_equivalent(address, "scim_config", key, value, api, &object);
        }
    }
}

fn assert_equivalent(
    address: &str,
    block: &str,
    key: &str,
    state: &Value,
    api: &Value,
    object: &Value,
) {
    let equivalent = api == state
        || (api.is_null() && (state == &Value::Bool(false) || state == &Value::Array(vec![])));
    assert!(
        equivalent,
        "{block}.{key} of {address} is {state} in state but {api} in the API:\n{object:#}"
    );
}
