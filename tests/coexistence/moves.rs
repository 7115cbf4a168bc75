//! Moving identity providers that Cloudflare's official v5 provider wrote to state over to this
//! provider, and back, without any API change. Each test starts from a state fixture under
//! `tests/testdata/v5-state/` shaped the way v5 writes it (see the README there), seeds the mock
//! with the matching object, and then:
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
            serde_json::from_str(&read(format!("{kind}.tfstate"))).expect("fixture JSON");
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

/// Kept lean (fifteen of these run on every Terraform build): the move itself is checked with
/// and without refresh, and each side of it with a refreshing plan.
fn move_and_back(kind: &str) {
    let fixture = Fixture::load(kind);
    let mut t = Acc::with_installation(ProviderInstallation::SideBySide);
    seed(&t, fixture.attributes());
    t.write_file(
        "terraform.tfstate",
        &serde_json::to_string_pretty(&fixture.state).unwrap(),
    );

    // To this provider.
    let step = "after adding `provider = cloudflare-access`";
    t.write_main_tf(&configuration(&fixture.resource_tf_on_ours()));
    assert_no_change(&t.plan_refresh_false(), step, PROVIDER_ADDRESS);
    assert_no_change(&t.plan(), step, PROVIDER_ADDRESS);
    t.apply();
    assert_eq!(
        providers_in_state_file(&t),
        [provider_config(PROVIDER_ADDRESS)],
        "apply records the new provider"
    );
    assert_no_change(&t.plan(), "after the apply", PROVIDER_ADDRESS);

    // And back.
    let step = "after removing the provider line";
    t.set_installation(ProviderInstallation::DevOverrides);
    t.write_main_tf(&configuration(&fixture.resource_tf));
    assert_no_change(&t.plan_refresh_false(), step, OFFICIAL_ADDRESS);
    t.apply();
    assert_eq!(
        providers_in_state_file(&t),
        [provider_config(OFFICIAL_ADDRESS)],
        "apply records the official provider again"
    );
    assert_no_change(&t.plan(), "after moving back", OFFICIAL_ADDRESS);

    assert_eq!(writes(&t), 0, "moving an object must not write to the API");
    assert_eq!(
        t.mock
            .control()
            .object(fixture.attributes()["id"].as_str().unwrap())
            .map(|object| object["name"].clone()),
        Some(fixture.attributes()["name"].clone()),
        "the object is still there"
    );
    t.finish();
}

macro_rules! move_tests {
    ($($name:ident => $kind:literal,)*) => {$(
        #[test]
        fn $name() {
            move_and_back($kind);
        }
    )*};
}

move_tests! {
    v5_onetimepin_moves_to_this_provider_and_back => "onetimepin",
    v5_cloudflare_moves_to_this_provider_and_back => "cloudflare",
    v5_github_moves_to_this_provider_and_back => "github",
    v5_facebook_moves_to_this_provider_and_back => "facebook",
    v5_linkedin_moves_to_this_provider_and_back => "linkedin",
    v5_yandex_moves_to_this_provider_and_back => "yandex",
    v5_google_moves_to_this_provider_and_back => "google",
    v5_google_apps_moves_to_this_provider_and_back => "google-apps",
    v5_azuread_moves_to_this_provider_and_back => "azureAD",
    v5_okta_moves_to_this_provider_and_back => "okta",
    v5_onelogin_moves_to_this_provider_and_back => "onelogin",
    v5_pingone_moves_to_this_provider_and_back => "pingone",
    v5_centrify_moves_to_this_provider_and_back => "centrify",
    v5_oidc_moves_to_this_provider_and_back => "oidc",
    v5_saml_moves_to_this_provider_and_back => "saml",
}

/// Every `type` the resource accepts, so a new type cannot go without a fixture.
#[test]
fn there_is_a_v5_fixture_for_every_type() {
    use terraform_provider_cloudflare::resources::zero_trust_access_identity_provider::schema::TYPES;
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
    let fixtures: Vec<Fixture> = TYPES.iter().map(|kind| Fixture::load(kind)).collect();
    let mut t = Acc::with_installation(ProviderInstallation::SideBySide);
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
    assert_eq!(writes(&t), 0, "moving objects must not write to the API");
    t.finish();
}
