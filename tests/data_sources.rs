//! Acceptance tests of both data sources: the examples under `examples/data-sources/`, paging
//! through more identity providers than one page holds, `max_items`, and lookups by name with
//! zero, one and two matches. Objects are seeded straight into the mock and removed at the end.

use crate::support::terraform::repository_root;
use crate::support::{acceptance, Acc};
use serde_json::{json, Value};

/// More than two pages of the 50 the provider asks for.
const MANY: usize = 120;

/// The data source folder's example plus its variables, with `account_id` given.
fn example(t: &mut Acc, type_name: &str) -> String {
    let folder = repository_root()
        .join("examples/data-sources")
        .join(type_name);
    let read = |name: &str| {
        std::fs::read_to_string(folder.join(name))
            .unwrap_or_else(|err| panic!("cannot read {type_name}/{name}: {err}"))
    };
    let account_id = t.account_id.clone();
    t.env("TF_VAR_cloudflare_account_id", &account_id);
    format!("{}\n{}", read("data-source.tf"), read("variables.tf"))
}

fn outputs(t: &Acc) -> Value {
    let shown = t.run_ok(&["output", "-json", "-no-color"]);
    serde_json::from_str(&shown.stdout).expect("terraform output -json")
}

/// Data sources own nothing: their state is dropped with the objects seeded for them, so that
/// the end-of-test destroy has nothing to read.
fn forget(t: &Acc) {
    std::fs::remove_file(t.path().join("terraform.tfstate")).expect("remove the state");
    t.mock.control().reset();
}

fn seed(t: &Acc, name: &str, kind: &str, scim: bool) -> String {
    t.mock.control().insert(
        "accounts",
        &t.account_id,
        json!({"name": name, "type": kind, "config": {"client_id": format!("{name}-client")},
               "scim_config": {"enabled": scim}}),
    )
}

#[test]
fn identity_providers_pages_through_all_and_stops_at_max_items() {
    acceptance(|t| {
        let ids: Vec<String> = (0..MANY)
            .map(|n| seed(t, &format!("idp {n:03}"), "github", n % 3 == 0))
            .collect();
        let mut main_tf = example(t, "cloudflare_zero_trust_access_identity_providers");
        main_tf.push_str(
            r#"
data "cloudflare_zero_trust_access_identity_providers" "first_30" {
  account_id = var.cloudflare_account_id
  max_items  = 30
}

data "cloudflare_zero_trust_access_identity_providers" "zero_means_1000" {
  account_id = var.cloudflare_account_id
  max_items  = 0
}

output "first_30" {
  value = data.cloudflare_zero_trust_access_identity_providers.first_30.result[*].id
}

output "zero_means_1000" {
  value = length(data.cloudflare_zero_trust_access_identity_providers.zero_means_1000.result)
}

output "first_config" {
  value = data.cloudflare_zero_trust_access_identity_providers.all.result[0].config
  sensitive = true
}
"#,
        );
        t.write_main_tf(&main_tf);
        t.apply();
        // Read once, at plan time: 3 pages of 50 each for `all` and `zero_means_1000`, one page
        // holding the 40 with SCIM, and one page of 30 for `first_30`, which stops there.
        assert_eq!(t.mock.control().request_counts()["list"], 3 + 3 + 1 + 1);
        let out = outputs(t);

        let listed = out["identity_providers"]["value"].as_array().unwrap();
        assert_eq!(listed.len(), MANY, "every page was read");
        for (n, (line, id)) in listed.iter().zip(&ids).enumerate() {
            assert_eq!(
                line.as_str().unwrap(),
                format!("idp {n:03} (github, {id})"),
                "in the API's order"
            );
        }
        let first_30: Vec<&str> = out["first_30"]["value"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            first_30,
            ids[..30].iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(out["zero_means_1000"]["value"], json!(MANY));
        let scim: Vec<&str> = out["scim_identity_provider_ids"]["value"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let expected: Vec<&str> = ids.iter().step_by(3).map(String::as_str).collect();
        assert_eq!(
            scim, expected,
            "scim_enabled = \"true\" keeps only those with SCIM"
        );
        // The results have the resource's shapes; Cloudflare never returns the secret.
        let config = &out["first_config"]["value"];
        assert_eq!(config["client_id"], json!("idp 000-client"));
        assert!(config["client_secret"].is_null());
        assert!(config.get("client_secret_wo").is_none());
        assert!(config["redirect_url"]
            .as_str()
            .is_some_and(|url| url.ends_with("/cdn-cgi/access/callback")));

        forget(t);
    });
}

#[test]
fn identity_provider_by_name_needs_exactly_one_match() {
    acceptance(|t| {
        let okta = seed(t, "Okta", "okta", false);
        let by_id = t.mock.control().insert(
            "accounts",
            &t.account_id,
            json!({"id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "name": "PIN",
                   "type": "onetimepin", "config": {}}),
        );
        let scim = seed(t, "Provisioned", "azureAD", true);
        let example = example(t, "cloudflare_zero_trust_access_identity_provider");
        // Cloudflare's v5 filter: the one identity provider with SCIM enabled.
        t.write_main_tf(&format!(
            "{example}\ndata \"cloudflare_zero_trust_access_identity_provider\" \"scim\" {{\n  \
             account_id = var.cloudflare_account_id\n  filter     = {{ scim_enabled = \"true\" }}\n}}\n\
             output \"scim\" {{\n  value = data.cloudflare_zero_trust_access_identity_provider.scim.name\n}}\n"
        ));
        t.apply();
        let out = outputs(t);
        assert_eq!(out["scim"]["value"], json!("Provisioned"));
        assert_eq!(out["okta_identity_provider_id"]["value"], json!(okta));
        let object = t.mock.control().object(&by_id).unwrap();
        assert_eq!(
            out["by_id_redirect_url"]["value"],
            object["config"]["redirect_url"]
        );

        // Two matches, then none: each error names the account and lists the candidates.
        let shared_github = seed(t, "Shared", "github", false);
        let shared_saml = seed(t, "Shared", "saml", false);
        let lookup = |name: &str| {
            format!(
                "{}\ndata \"cloudflare_zero_trust_access_identity_provider\" \"lookup\" {{\n  \
                 account_id = var.cloudflare_account_id\n  filter     = {{ name = \"{name}\" }}\n}}\n",
                example
            )
        };
        t.write_main_tf(&lookup("Shared"));
        let output = t.plan_err();
        let text = crate::identity_provider::flat_output(&output);
        assert!(
            text.contains("Several Matching Identity Providers")
                && text.contains(&format!(
                    "2 identity providers in account {} match filter {{ name = \"Shared\" }}",
                    t.account_id
                ))
                && text.contains(&format!("\"Shared\" (type github, id {shared_github})"))
                && text.contains(&format!("\"Shared\" (type saml, id {shared_saml})")),
            "{output}"
        );

        t.write_main_tf(&lookup("Nobody"));
        let output = t.plan_err();
        let text = crate::identity_provider::flat_output(&output);
        assert!(
            text.contains("No Matching Identity Provider")
                && text.contains(&format!("No identity provider in account {}", t.account_id))
                && text.contains(&format!("\"Okta\" (type okta, id {okta})"))
                && text.contains(&format!("\"PIN\" (type onetimepin, id {by_id})"))
                && text.contains(&format!("\"Provisioned\" (type azureAD, id {scim})")),
            "{output}"
        );

        // Neither account_id nor zone_id: refused before anything is read.
        t.write_main_tf(
            "data \"cloudflare_zero_trust_access_identity_provider\" \"x\" {\n  filter = { name = \"Okta\" }\n}\n",
        );
        let output = t.plan_err();
        let text = crate::identity_provider::flat_output(&output);
        assert!(
            text.contains("Missing Account or Zone") && text.contains("account_id"),
            "{output}"
        );

        forget(t);
    });
}
