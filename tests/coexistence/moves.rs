//! Moving identity providers that Cloudflare's official v5 provider wrote to state over to this
//! provider, and back, without any API change. Each test starts from the state fixtures under
//! `tests/testdata/v5-state/` of a few types (shaped the way v5 writes state, see the README
//! there), seeds the mock with the matching objects, and then:
//!
//! * adds `provider = cloudflare-access`, with `cloudflare/cloudflare` served by the test-only
//!   stand-in for the official provider (which knows nothing of identity providers, so
//!   Terraform cannot lean on it): the plans (with and without refresh) are empty, apply
//!   records `ferrotf/cloudflare-access` in state, and the plans after it are empty;
//! * removes the line again: the same, back to `cloudflare/cloudflare`, served in this
//!   direction by this provider installed in the single-provider form;
//!
//! and no create, update or delete request reaches the API. Another test moves a state holding
//! all fifteen at once with `terraform state replace-provider`, both ways.

use super::OFFICIAL_ADDRESS;
use crate::support::terraform::repository_root;
use crate::support::{Acc, PlanSummary, ProviderInstallation, PROVIDER_ADDRESS};
use serde_json::{json, Value};

/// One v5 state fixture and the configuration that produced it.
struct Fixture {
    /// The `terraform.tfstate` v5 left behind.
    state: Value,
    /// The resource block, without a `provider` line.
    resource_tf: String,
}

impl Fixture {
    fn load(kind: &str) -> Fixture {
        let dir = repository_root().join("tests/testdata/v5-state");
        let read = |name: String| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
        };
        let state: Value =
            serde_json::from_str(&read(format!("{kind}.state.json"))).expect("fixture JSON");
        Fixture {
            state,
            resource_tf: read(format!("{kind}.tf")),
        }
    }

    fn resource(&self) -> &Value {
        &self.state["resources"][0]
    }

    fn attributes(&self) -> &Value {
        &self.resource()["instances"][0]["attributes"]
    }

    /// The resource block with `provider = cloudflare-access` as its first argument.
    fn resource_tf_on_ours(&self) -> String {
        let (head, body) = self
            .resource_tf
            .split_once('\n')
            .expect("a multi-line resource block");
        format!("{head}\n  provider = cloudflare-access\n{body}")
    }
}

/// A configuration that requires both providers, as a user running both would write it.
fn configuration(resources: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    cloudflare = {{
      source = "cloudflare/cloudflare"
    }}
    cloudflare-access = {{
      source = "ferrotf/cloudflare-access"
    }}
  }}
}}

provider "cloudflare" {{}}

provider "cloudflare-access" {{}}

{resources}"#
    )
}

/// Puts the object the fixture describes into the mock, as the API would hold it.
fn seed(t: &Acc, attributes: &Value) {
    let (scope, owner) = match attributes["account_id"].as_str() {
        Some(account) => ("accounts", account),
        None => (
            "zones",
            attributes["zone_id"]
                .as_str()
                .expect("account_id or zone_id"),
        ),
    };
    let config: serde_json::Map<String, Value> = attributes["config"]
        .as_object()
        .expect("config")
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let scim = &attributes["scim_config"];
    let object = json!({
        "id": attributes["id"],
        "name": attributes["name"],
        "type": attributes["type"],
        "config": config,
        "scim_config": {
            "enabled": scim["enabled"],
            "identity_update_behavior": scim["identity_update_behavior"],
            "seat_deprovision": scim["seat_deprovision"],
            "user_deprovision": scim["user_deprovision"],
            "secret": scim["secret"],
        },
    });
    t.mock.control().insert(scope, owner, object);
}

/// `provider["<address>"]` for every resource in the state file, which is where Terraform
/// records which provider owns an object.
fn providers_in_state_file(t: &Acc) -> Vec<String> {
    let text = std::fs::read_to_string(t.path().join("terraform.tfstate")).expect("state file");
    let state: Value = serde_json::from_str(&text).expect("state JSON");
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|resource| resource["provider"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn provider_config(address: &str) -> String {
    format!("provider[\"{address}\"]")
}

/// The number of create, update and delete requests the mock has received.
fn writes(t: &Acc) -> u64 {
    let counts = t.mock.control().request_counts();
    ["create", "update", "delete"]
        .iter()
        .map(|operation| counts.get(*operation).copied().unwrap_or(0))
        .sum()
}

/// `plan` must be empty and planned by `provider`.
fn assert_no_change(plan: &PlanSummary, step: &str, provider: &str) {
    assert!(plan.is_empty(), "{step}: the plan is not empty:\n{plan}");
    for change in plan.json["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        assert_eq!(
            change["provider_name"], provider,
            "{step}: planned by the wrong provider: {change:#}"
        );
    }
}

/// A test's world seeded from the fixtures of `kinds`: their objects in the mock, and v5's
/// state of all of them in `terraform.tfstate`.
fn start_from_v5(kinds: &[&str]) -> (Acc, Vec<Fixture>) {
    let fixtures: Vec<Fixture> = kinds.iter().map(|kind| Fixture::load(kind)).collect();
    let t = Acc::with_installation(ProviderInstallation::SideBySide);
    let mut state = fixtures[0].state.clone();
    state["resources"] = fixtures
        .iter()
        .map(|fixture| fixture.resource().clone())
        .collect();
    for fixture in &fixtures {
        seed(&t, fixture.attributes());
    }
    t.write_file(
        "terraform.tfstate",
        &serde_json::to_string_pretty(&state).unwrap(),
    );
    (t, fixtures)
}

/// Every object is still in the mock, unchanged by name, and nothing was written to the API.
fn assert_untouched(t: &Acc, fixtures: &[Fixture]) {
    assert_eq!(writes(t), 0, "moving objects must not write to the API");
    for fixture in fixtures {
        let id = fixture.attributes()["id"].as_str().expect("id");
        assert_eq!(
            t.mock
                .control()
                .object(id)
                .map(|object| object["name"].clone()),
            Some(fixture.attributes()["name"].clone()),
            "object {id} is not as it was"
        );
    }
}

/// The types grouped into one work dir per test, so that fifteen moves cost four runs of
/// Terraform commands; a failing plan names the resource (and so the type) that changed.
const GROUPS: [&[&str]; 4] = [
    &["onetimepin", "cloudflare"],
    &[
        "github",
        "facebook",
        "linkedin",
        "yandex",
        "google",
        "google-apps",
    ],
    &["azureAD", "okta", "onelogin", "pingone", "centrify"],
    &["oidc", "saml"],
];

/// The move itself is checked with and without refresh, and each side of it with a
/// refreshing plan.
fn move_and_back(kinds: &[&str]) {
    let (mut t, fixtures) = start_from_v5(kinds);
    let on_ours: Vec<String> = fixtures.iter().map(Fixture::resource_tf_on_ours).collect();
    let on_official: Vec<String> = fixtures.iter().map(|f| f.resource_tf.clone()).collect();

    // To this provider.
    let step = "after adding `provider = cloudflare-access`";
    t.write_main_tf(&configuration(&on_ours.join("\n")));
    assert_no_change(&t.plan_refresh_false(), step, PROVIDER_ADDRESS);
    assert_no_change(&t.plan(), step, PROVIDER_ADDRESS);
    t.apply();
    assert_eq!(
        providers_in_state_file(&t),
        vec![provider_config(PROVIDER_ADDRESS); fixtures.len()],
        "apply records the new provider"
    );
    assert_no_change(&t.plan(), "after the apply", PROVIDER_ADDRESS);

    // And back, with cloudflare/cloudflare served by this provider (single-provider form).
    let step = "after removing the provider line";
    t.set_installation(ProviderInstallation::DevOverrides);
    t.write_main_tf(&configuration(&on_official.join("\n")));
    assert_no_change(&t.plan_refresh_false(), step, OFFICIAL_ADDRESS);
    t.apply();
    assert_eq!(
        providers_in_state_file(&t),
        vec![provider_config(OFFICIAL_ADDRESS); fixtures.len()],
        "apply records the official provider again"
    );
    assert_no_change(&t.plan(), "after moving back", OFFICIAL_ADDRESS);

    assert_untouched(&t, &fixtures);
    t.finish();
}

#[test]
fn v5_onetimepin_and_cloudflare_move_to_this_provider_and_back() {
    move_and_back(GROUPS[0]);
}

#[test]
fn v5_github_facebook_linkedin_yandex_google_google_apps_move_to_this_provider_and_back() {
    move_and_back(GROUPS[1]);
}

#[test]
fn v5_azuread_okta_onelogin_pingone_centrify_move_to_this_provider_and_back() {
    move_and_back(GROUPS[2]);
}

#[test]
fn v5_oidc_and_saml_move_to_this_provider_and_back() {
    move_and_back(GROUPS[3]);
}

/// Every `type` the resource accepts, so a new type cannot go without a fixture.
#[test]
fn there_is_a_v5_fixture_for_every_type() {
    use terraform_provider_cloudflare::resources::zero_trust_access_identity_provider::schema::TYPES;
    let mut grouped: Vec<&str> = GROUPS.concat();
    grouped.sort_unstable();
    let mut types: Vec<&str> = TYPES.to_vec();
    types.sort_unstable();
    assert_eq!(grouped, types, "the move tests cover every type once");
    for kind in TYPES {
        let fixture = Fixture::load(kind);
        assert_eq!(fixture.attributes()["type"], *kind);
        assert_eq!(fixture.resource()["instances"][0]["schema_version"], 500);
        assert_eq!(
            fixture.resource()["provider"],
            provider_config(OFFICIAL_ADDRESS)
        );
    }
}

#[test]
fn state_replace_provider_moves_every_type_both_ways() {
    use terraform_provider_cloudflare::resources::zero_trust_access_identity_provider::schema::TYPES;
    let (mut t, fixtures) = start_from_v5(&TYPES);
    let on_ours: Vec<String> = fixtures.iter().map(Fixture::resource_tf_on_ours).collect();
    let on_official: Vec<String> = fixtures.iter().map(|f| f.resource_tf.clone()).collect();

    for (from, to, resources, installation) in [
        (
            OFFICIAL_ADDRESS,
            PROVIDER_ADDRESS,
            &on_ours,
            ProviderInstallation::SideBySide,
        ),
        (
            PROVIDER_ADDRESS,
            OFFICIAL_ADDRESS,
            &on_official,
            ProviderInstallation::DevOverrides,
        ),
    ] {
        t.set_installation(installation);
        t.write_main_tf(&configuration(&resources.join("\n")));
        let output = t.run_ok(&[
            "state",
            "replace-provider",
            "-auto-approve",
            "-no-color",
            from,
            to,
        ]);
        assert!(
            output
                .stdout
                .contains("Successfully replaced provider for 15 resources"),
            "{output}"
        );
        assert_eq!(
            providers_in_state_file(&t),
            vec![provider_config(to); fixtures.len()],
        );
        let step = format!("after replace-provider {from} {to}");
        assert_no_change(&t.plan_refresh_false(), &step, to);
        assert_no_change(&t.plan(), &step, to);
    }
    assert_untouched(&t, &fixtures);
    t.finish();
}
