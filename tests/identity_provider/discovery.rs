//! Resource identity (Terraform 1.12+) and the list resource for `terraform query` (1.14+):
//! `terraform show -json` shows each object's identity, an `import` block can name an object by
//! its identity, and `terraform query -generate-config-out` writes configuration and `import`
//! blocks that adopt every object of an account with an import-only plan and nothing left to
//! change afterwards. On older Terraform builds these tests report themselves as not
//! applicable, with the reason.

use super::*;
use crate::support::{acceptance, applicable, Requirement};
use serde_json::json;

/// Resource identity: `GetResourceIdentitySchemas` and identity on every operation.
const IDENTITY: Requirement = Requirement::new("1.12", "resource identity");
/// List resources and `terraform query`.
const QUERY: Requirement = Requirement::new("1.14", "list resources and terraform query");

/// The identity `terraform show -json` holds for `address`.
fn shown_identity(t: &crate::support::Workdir, address: &str) -> Value {
    let resource = t
        .state_resource(address)
        .unwrap_or_else(|| panic!("{address} is not in state"));
    assert_eq!(
        resource["identity_schema_version"], 0,
        "identity schema version of {address}: {resource:#}"
    );
    resource["identity"].clone()
}

#[test]
fn identity_is_shown_and_an_import_block_can_name_an_object_by_it() {
    if !applicable(IDENTITY) {
        return;
    }
    acceptance(|t| {
        let config = format!(
            r#"
resource "cloudflare_zero_trust_access_identity_provider" "account" {{
  account_id = "{account}"
  name       = "GitHub"
  type       = "github"
  config     = {{
    client_id     = "Iv1.0123456789abcdef"
    client_secret = "identity-import-secret"
  }}
}}

resource "cloudflare_zero_trust_access_identity_provider" "zone" {{
  zone_id = "{zone}"
  name    = "Zone PIN"
  type    = "onetimepin"
  config  = {{}}
}}
"#,
            account = t.account_id,
            zone = t.zone_id
        );
        t.write_main_tf(&config);
        let account = "cloudflare_zero_trust_access_identity_provider.account";
        let zone = "cloudflare_zero_trust_access_identity_provider.zone";
        // A saved create plan must still read back with `terraform show -json`, which cannot
        // show a partly unknown identity.
        let plan = t.plan();
        assert_eq!(plan.actions(account), ["create"], "{plan}");
        t.apply();
        t.assert_empty_plans_after_apply();
        let account_id = t.resource_values(account)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let zone_object_id = t.resource_values(zone)["id"].as_str().unwrap().to_owned();
        assert_eq!(
            shown_identity(t, account),
            json!({"account_id": t.account_id, "zone_id": null, "id": account_id})
        );
        assert_eq!(
            shown_identity(t, zone),
            json!({"account_id": null, "zone_id": t.zone_id, "id": zone_object_id})
        );

        // A fresh state adopts both objects through import blocks that give only an identity.
        let fresh = t.fresh_sibling();
        fresh.write_main_tf(&format!(
            r#"{config}
import {{
  to       = {account}
  identity = {{
    account_id = "{account_scope}"
    id         = "{account_id}"
  }}
}}

import {{
  to       = {zone}
  identity = {{
    zone_id = "{zone_scope}"
    id      = "{zone_object_id}"
  }}
}}
"#,
            account_scope = t.account_id,
            zone_scope = t.zone_id,
        ));
        let plan = fresh.plan();
        for address in [account, zone] {
            let change = plan.change(address);
            assert!(
                change.importing.is_some(),
                "{address} should be imported:\n{plan}"
            );
        }
        // The secret is never read back, so the configured one is an update after the import.
        assert_eq!(plan.actions(zone), ["no-op"], "{plan}");
        fresh.apply();
        fresh.assert_empty_plans_after_apply();
        for (address, id) in [(account, &account_id), (zone, &zone_object_id)] {
            assert_eq!(shown_identity(&fresh, address)["id"], id.as_str());
            let previous = flatten(&t.resource_values(address));
            let imported = flatten(&fresh.resource_values(address));
            let differences = diff(&previous, &imported, &[]);
            assert!(differences.is_empty(), "{address}: {differences:?}");
        }
        // Both work dirs manage the same objects: leave them to this one's destroy.
        fresh.run_ok(&["state", "rm", account, zone]);
    });
}

#[test]
fn an_import_identity_with_both_scopes_is_refused_with_what_to_write() {
    if !applicable(IDENTITY) {
        return;
    }
    acceptance(|t| {
        let id = t.mock.control().insert(
            "accounts",
            &t.account_id,
            json!({"name": "PIN", "type": "onetimepin", "config": {}}),
        );
        t.write_main_tf(&format!(
            r#"
resource "cloudflare_zero_trust_access_identity_provider" "pin" {{
  account_id = "{account}"
  name       = "PIN"
  type       = "onetimepin"
  config     = {{}}
}}

import {{
  to       = cloudflare_zero_trust_access_identity_provider.pin
  identity = {{
    account_id = "{account}"
    zone_id    = "{zone}"
    id         = "{id}"
  }}
}}
"#,
            account = t.account_id,
            zone = t.zone_id
        ));
        let output = t.plan_err();
        let text = output.combined();
        assert!(text.contains("Invalid Import Identity"), "{output}");
        assert!(
            text.contains("sets both `account_id` and `zone_id`"),
            "{output}"
        );
        t.mock.control().remove(&id);
    });
}

/// Objects created outside Terraform (or orphaned by a forced kill): a GitHub login with a
/// client secret, an Azure AD login with SCIM on, and a one-time PIN; plus one in another
/// account that the listing must not see.
fn seed(t: &Acc) -> (Vec<String>, String) {
    // `terraform query` needs a configuration directory (a `.tf` file) besides its query file.
    t.write_main_tf("provider \"cloudflare\" {}\n");
    let control = t.mock.control();
    let ids = vec![
        control.insert(
            "accounts",
            &t.account_id,
            json!({"name": "GitHub login", "type": "github",
                   "config": {"client_id": "Iv1.seeded", "client_secret": "seeded-github-secret"}}),
        ),
        control.insert(
            "accounts",
            &t.account_id,
            json!({"name": "Azure AD", "type": "azureAD",
                   "config": {"client_id": "azure-client", "client_secret": "seeded-azure-secret",
                              "directory_id": "dir-1", "support_groups": true},
                   "scim_config": {"enabled": true, "secret": "seeded-scim-secret",
                                   "user_deprovision": true}}),
        ),
        control.insert(
            "accounts",
            &t.account_id,
            json!({"name": "PIN", "type": "onetimepin", "config": {}}),
        ),
    ];
    let elsewhere = control.insert(
        "accounts",
        &crate::support::random_id(),
        json!({"name": "Elsewhere", "type": "github", "config": {"client_id": "x"}}),
    );
    (ids, elsewhere)
}

/// `terraform query -json` result lines: (display name, identity).
fn query_results(t: &Acc) -> Vec<(String, Value)> {
    let output = t.run_ok(&["query", "-json", "-no-color"]);
    output
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["type"] == "list_resource_found")
        .map(|message| {
            let found = &message["list_resource_found"];
            (
                found["display_name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                found["identity"].clone(),
            )
        })
        .collect()
}

#[test]
fn query_lists_an_account_and_filters_by_type_and_name() {
    if !applicable(QUERY) {
        return;
    }
    acceptance(|t| {
        let (ids, elsewhere) = seed(t);
        let query = |extra: &str| {
            format!(
                "list \"cloudflare_zero_trust_access_identity_provider\" \"all\" {{\n  \
                 provider = cloudflare\n  config {{\n    account_id = \"{}\"\n{extra}  }}\n}}\n",
                t.account_id
            )
        };
        t.write_file("main.tfquery.hcl", &query(""));
        let all = query_results(t);
        let mut names: Vec<&str> = all.iter().map(|(name, _)| name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "Azure AD (azureAD)",
                "GitHub login (github)",
                "PIN (onetimepin)"
            ]
        );
        let mut found_ids: Vec<&str> = all
            .iter()
            .map(|(_, identity)| identity["id"].as_str().unwrap())
            .collect();
        found_ids.sort_unstable();
        let mut expected = ids.iter().map(String::as_str).collect::<Vec<_>>();
        expected.sort_unstable();
        assert_eq!(found_ids, expected);
        assert!(all.iter().all(
            |(_, identity)| identity["account_id"] == t.account_id.as_str()
                && identity["zone_id"].is_null()
        ));

        t.write_file("main.tfquery.hcl", &query("    type = \"AZUREad\"\n"));
        let by_type = query_results(t);
        assert_eq!(by_type.len(), 1, "{by_type:?}");
        assert_eq!(by_type[0].0, "Azure AD (azureAD)");

        t.write_file("main.tfquery.hcl", &query("    name = \"PIN\"\n"));
        let by_name = query_results(t);
        assert_eq!(by_name.len(), 1, "{by_name:?}");
        assert_eq!(by_name[0].1["id"], ids[2].as_str());

        t.write_file(
            "main.tfquery.hcl",
            &query(&format!("    zone_id = \"{}\"\n", t.zone_id)),
        );
        let output = t.run_err(&["query", "-no-color"]);
        assert!(
            output
                .combined()
                .contains("Set only one of account_id and zone_id"),
            "{output}"
        );

        let control = t.mock.control();
        for id in ids.iter().chain([&elsewhere]) {
            control.remove(id);
        }
    });
}

#[test]
fn query_generates_configuration_that_imports_every_object_with_no_other_change() {
    if !applicable(QUERY) {
        return;
    }
    acceptance(|t| {
        let (ids, elsewhere) = seed(t);
        t.write_file(
            "main.tfquery.hcl",
            &format!(
                "list \"cloudflare_zero_trust_access_identity_provider\" \"found\" {{\n  \
                 provider = cloudflare\n  config {{\n    account_id = \"{}\"\n  }}\n}}\n",
                t.account_id
            ),
        );
        let output = t.run_ok(&["query", "-no-color", "-generate-config-out=generated.tf"]);
        let generated = std::fs::read_to_string(t.path().join("generated.tf"))
            .unwrap_or_else(|err| panic!("no generated.tf ({err}):\n{output}"));
        for secret in [
            "seeded-github-secret",
            "seeded-azure-secret",
            "seeded-scim-secret",
        ] {
            assert!(!generated.contains(secret), "a secret leaked:\n{generated}");
        }
        assert_eq!(generated.matches("import {").count(), 3, "{generated}");
        assert_eq!(
            generated
                .matches("resource \"cloudflare_zero_trust_access_identity_provider\"")
                .count(),
            3,
            "{generated}"
        );
        assert!(!generated.contains("Elsewhere"), "{generated}");
        // The secret Cloudflare never returns is written as null, and Terraform marks it with a
        // comment; the SCIM secret (computed) and Cloudflare's defaults are left out entirely.
        assert_eq!(
            generated
                .matches("client_secret              = null # sensitive")
                .count(),
            3,
            "{generated}"
        );
        assert_eq!(
            generated.matches("scim_config = {").count(),
            1,
            "{generated}"
        );
        assert!(!generated.contains("scim_base_url"), "{generated}");

        // The adoption: the plan is imports only, the apply changes nothing in Cloudflare.
        let before = t.mock.control().objects();
        let plan = t.plan();
        assert_eq!(plan.resource_changes.len(), 3, "{:#}", plan.json);
        for change in &plan.resource_changes {
            assert!(
                change.importing.is_some(),
                "{} is not an import",
                change.address
            );
            assert_eq!(change.actions, ["no-op"], "{}:\n{plan}", change.address);
        }
        t.apply();
        t.assert_empty_plans_after_apply();
        assert_eq!(
            t.mock.control().objects(),
            before,
            "the import changed objects"
        );
        let mut managed: Vec<String> = t
            .state_addresses()
            .iter()
            .map(|address| {
                t.resource_values(address)["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        managed.sort();
        let mut expected = ids.clone();
        expected.sort();
        assert_eq!(managed, expected);
        t.mock.control().remove(&elsewhere);
    });
}

#[test]
fn the_documented_query_example_lists_what_it_says() {
    if !applicable(QUERY) {
        return;
    }
    acceptance(|t| {
        let (ids, elsewhere) = seed(t);
        let path = crate::support::terraform::repository_root().join(format!(
            "examples/list-resources/{RESOURCE_TYPE}/list-resource.tfquery.hcl"
        ));
        let example = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        t.write_file("main.tfquery.hcl", &example);
        t.write_main_tf(
            "provider \"cloudflare\" {}\nvariable \"cloudflare_account_id\" { type = string }\n",
        );
        let var = format!("-var=cloudflare_account_id={}", t.account_id);
        let output = t.run_ok(&["query", "-json", "-no-color", &var]);
        for secret in [
            "seeded-github-secret",
            "seeded-azure-secret",
            "seeded-scim-secret",
        ] {
            assert!(
                !output.stdout.contains(secret),
                "a secret leaked:\n{output}"
            );
        }
        // `include_resource = true` (on the `azure` list only) brings each object's attributes.
        let objects: Vec<(String, Value)> = output
            .stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|message| message["type"] == "list_resource_found")
            .map(|message| {
                let found = &message["list_resource_found"];
                (
                    found["address"].as_str().unwrap_or_default().to_owned(),
                    found["resource_object"].clone(),
                )
            })
            .collect();
        for (address, object) in &objects {
            if address.ends_with(".azure") {
                assert_eq!(object["scim_config"]["enabled"], true, "{object:#}");
                assert_eq!(object["config"]["directory_id"], "dir-1", "{object:#}");
            } else {
                assert!(
                    object.is_null(),
                    "{address} was not asked for objects: {object:#}"
                );
            }
        }
        let found: Vec<(String, String)> = output
            .stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|message| message["type"] == "list_resource_found")
            .map(|message| {
                let found = &message["list_resource_found"];
                (
                    found["address"].as_str().unwrap_or_default().to_owned(),
                    found["display_name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect();
        let in_list = |list: &str| {
            let mut names: Vec<&str> = found
                .iter()
                .filter(|(address, _)| address.ends_with(&format!(".{list}")))
                .map(|(_, name)| name.as_str())
                .collect();
            names.sort_unstable();
            names
        };
        assert_eq!(
            in_list("all"),
            [
                "Azure AD (azureAD)",
                "GitHub login (github)",
                "PIN (onetimepin)"
            ],
            "{found:?}"
        );
        assert_eq!(in_list("azure"), ["Azure AD (azureAD)"], "{found:?}");
        let control = t.mock.control();
        for id in ids.iter().chain([&elsewhere]) {
            control.remove(id);
        }
    });
}

#[test]
fn an_import_block_generates_configuration_without_defaults_or_secrets() {
    if !applicable(QUERY) {
        return;
    }
    acceptance(|t| {
        let id = t.mock.control().insert(
            "accounts",
            &t.account_id,
            json!({"name": "GitHub login", "type": "github",
                   "config": {"client_id": "Iv1.seeded", "client_secret": "seeded-github-secret"}}),
        );
        t.write_main_tf(&format!(
            r#"
import {{
  to       = cloudflare_zero_trust_access_identity_provider.github
  identity = {{
    account_id = "{}"
    id         = "{id}"
  }}
}}
"#,
            t.account_id
        ));
        let output = t.run_ok(&[
            "plan",
            "-input=false",
            "-no-color",
            "-generate-config-out=generated.tf",
        ]);
        // The provider's warning naming the secret is not printed by Terraform 1.14/1.15 (it
        // drops warnings of configuration generation), so only the file can be checked.
        assert!(
            !output.combined().contains("seeded-github-secret"),
            "{output}"
        );
        let generated = std::fs::read_to_string(t.path().join("generated.tf")).unwrap();
        assert!(generated.contains("client_secret              = null # sensitive"));
        assert!(!generated.contains("scim_config"), "{generated}");
        t.apply();
        t.assert_empty_plans_after_apply();
        assert_eq!(
            t.resource_values("cloudflare_zero_trust_access_identity_provider.github")["id"],
            id.as_str()
        );
    });
}
