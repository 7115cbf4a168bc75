//! The HCL under `examples/` is what the registry docs show, so it must stay formatted and
//! must work: `terraform fmt -check`, and an apply of each example against the mock (with the
//! usual empty-plan checks), plus the import IDs `import.sh` documents.

use crate::support::terraform::{repository_root, run_with_timeout, scrub_environment};
use crate::support::{terraform, Acc, Case, ProviderInstallation, Step, RESOURCE_TYPE};
use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

// Every `type` the resource accepts; the resource example must show each one.
use terraform_provider_cloudflare::resources::zero_trust_access_identity_provider::schema::TYPES as ALL_TYPES;

/// The configuration the project is built around; the example must keep it verbatim.
const SEED: &str = r#"resource "cloudflare_zero_trust_access_identity_provider" "onetimepin_login" {
  account_id = var.cloudflare_account_id
  name       = "One-time PIN login"
  type       = "onetimepin"
  config     = {}
}"#;

/// [`SEED`] as it reads on this provider's own address: with `provider = cloudflare-access`.
pub fn seed_on_this_provider() -> String {
    SEED.replacen("{\n", "{\n  provider   = cloudflare-access\n", 1)
}

const REQUIRED_PROVIDERS: &str = r#"
terraform {
  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
    }
  }
}
"#;

fn example(relative: &str) -> String {
    let path = repository_root().join("examples").join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

fn resource_example(file: &str) -> String {
    example(&format!("resources/{RESOURCE_TYPE}/{file}"))
}

/// The quoted value of every `<key> = "..."` line (top-level attributes of resource blocks are
/// indented by two spaces).
fn values_of(hcl: &str, key: &str) -> Vec<String> {
    hcl.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("  ")?.strip_prefix(key)?;
            let value = rest.trim_start().strip_prefix('=')?.trim();
            Some(value.trim_matches('"').to_owned())
        })
        .collect()
}

/// `resource "<type>" "<name>"` names in order.
fn resource_names(hcl: &str) -> Vec<String> {
    hcl.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(&format!("resource \"{RESOURCE_TYPE}\" \""))?;
            Some(rest.split('"').next()?.to_owned())
        })
        .collect()
}

/// `variable "<name>"` names.
fn variable_names(hcl: &str) -> Vec<String> {
    hcl.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("variable \"")?;
            Some(rest.split('"').next()?.to_owned())
        })
        .collect()
}

#[test]
fn examples_are_formatted() {
    let examples = repository_root().join("examples");
    let mut command = Command::new(&terraform().path);
    command
        .args(["fmt", "-check", "-recursive", "-diff", "-no-color"])
        .arg(&examples);
    scrub_environment(&mut command);
    command
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1");
    let output = run_with_timeout(command, Duration::from_secs(60));
    assert!(
        output.success(),
        "examples/ is not formatted; run `terraform fmt -recursive examples/`:\n{output}"
    );
}

#[test]
fn resource_example_shows_every_type_and_the_seed() {
    let resource_tf = resource_example("resource.tf");
    assert!(
        resource_tf.contains(SEED),
        "resource.tf must keep the one-time PIN example verbatim"
    );
    let shown: BTreeSet<String> = values_of(&resource_tf, "type").into_iter().collect();
    let expected: BTreeSet<String> = ALL_TYPES.iter().map(|t| (*t).to_owned()).collect();
    assert_eq!(shown, expected, "resource.tf must show each type once");
    assert_eq!(resource_names(&resource_tf).len(), ALL_TYPES.len());

    // Secrets come from sensitive variables, never literals.
    let variables_tf = resource_example("variables.tf");
    // The write-only form is the one taught; the v5-compatible `client_secret` appears once.
    let form = |key: &str| values_of(&resource_tf.replace("    ", "  "), key).len();
    assert_eq!(form("client_secret"), 1, "one v5-compatible client_secret");
    assert_eq!(
        form("client_secret_wo"),
        form("client_secret_wo_version"),
        "every client_secret_wo has a version"
    );
    assert!(form("client_secret_wo") > 1);
    for line in resource_tf
        .lines()
        .filter(|l| l.contains("client_secret") && !l.contains("client_secret_wo_version"))
        .filter(|l| !l.trim_start().starts_with('#'))
    {
        let value = line.split('=').nth(1).unwrap_or_default().trim();
        assert!(
            value.starts_with("var."),
            "literal secret in resource.tf: {line}"
        );
        let name = value.trim_start_matches("var.");
        let declaration = variables_tf
            .split("variable \"")
            .find(|block| block.starts_with(&format!("{name}\"")))
            .unwrap_or_else(|| panic!("variable {name} is not declared in variables.tf"));
        assert!(
            declaration.contains("sensitive   = true"),
            "variable {name} must be sensitive"
        );
        // A write-only secret can come from an ephemeral variable, which Terraform never stores.
        assert_eq!(
            declaration.contains("ephemeral   = true"),
            line.contains("client_secret_wo"),
            "variable {name} is ephemeral exactly when it feeds client_secret_wo"
        );
    }
}

/// Sets a `TF_VAR_` value for each variable `variables_tf` declares.
fn set_variables(t: &mut Acc, variables_tf: &str, saml_certificate: &str) {
    let account_id = t.account_id.clone();
    let zone_id = t.zone_id.clone();
    for name in variable_names(variables_tf) {
        let value = match name.as_str() {
            "cloudflare_account_id" => account_id.clone(),
            "cloudflare_zone_id" => zone_id.clone(),
            "saml_signing_certificate" => saml_certificate.to_owned(),
            secret if secret.ends_with("_client_secret") => {
                format!(
                    "example-{}-{}",
                    secret.replace('_', "-"),
                    crate::support::random_id()
                )
            }
            other => panic!("the test does not know a value for variable {other}"),
        };
        t.env(&format!("TF_VAR_{name}"), &value);
    }
}

/// The import commands `import.sh` documents, as (address, ID template) pairs: the zone form
/// for the zone-owned example, the account form for the one-time PIN.
fn documented_imports(import_sh: &str) -> Vec<(String, String)> {
    let templates: Vec<&str> = import_sh
        .lines()
        .filter_map(|line| line.strip_prefix("$ terraform import "))
        .collect();
    assert_eq!(
        templates.len(),
        2,
        "import.sh shows the account and zone forms"
    );
    templates
        .into_iter()
        .map(|template| {
            let id_template = template
                .split_whitespace()
                .nth(1)
                .expect("terraform import ADDRESS ID")
                .trim_matches('\'');
            let address = if id_template.starts_with("zones/") {
                format!("{RESOURCE_TYPE}.facebook")
            } else {
                format!("{RESOURCE_TYPE}.onetimepin_login")
            };
            (address, id_template.to_owned())
        })
        .collect()
}

/// Fills an import ID template from `import.sh` with the owner and id of `address` in state.
fn documented_import_id(t: &Acc, address: &str, id_template: &str) -> String {
    let owner = if id_template.starts_with("zones/") {
        &t.zone_id
    } else {
        &t.account_id
    };
    let id = t.resource_values(address)["id"]
        .as_str()
        .expect("id in state")
        .to_owned();
    let import_id = id_template
        .replace("<account_id>", owner)
        .replace("<zone_id>", owner)
        .replace("<identity_provider_id>", &id);
    assert!(
        !import_id.contains('<'),
        "unfilled placeholder in {id_template}"
    );
    import_id
}

#[test]
fn resource_example_applies_and_its_import_ids_work() {
    let resource_tf = resource_example("resource.tf");
    let variables_tf = resource_example("variables.tf");
    let import_sh = resource_example("import.sh");
    let saml_certificate = rcgen::generate_simple_self_signed(vec!["idp.example.com".to_owned()])
        .expect("generate a certificate")
        .cert
        .pem();

    Case::new().run(|t| {
        set_variables(t, &variables_tf, &saml_certificate);
        // One main.tf, so the import check's fresh work dir sees the same configuration.
        let main_tf = format!("{resource_tf}\n{variables_tf}\n{REQUIRED_PROVIDERS}");
        let mut steps = vec![Step::apply(main_tf).check(|t, _| {
            let objects = t.mock.control().objects();
            assert_eq!(objects.len(), ALL_TYPES.len(), "{objects:#?}");
            let types: BTreeSet<&str> = objects.iter().filter_map(|o| o["type"].as_str()).collect();
            assert_eq!(types, ALL_TYPES.iter().copied().collect::<BTreeSet<_>>());
            for object in &objects {
                let expected_owner = if object["type"] == "facebook" {
                    ("zones", t.zone_id.as_str())
                } else {
                    ("accounts", t.account_id.as_str())
                };
                assert_eq!(
                    (object["__scope"].as_str(), object["__owner_id"].as_str()),
                    (Some(expected_owner.0), Some(expected_owner.1)),
                    "{object:#}"
                );
            }
        })];
        // Every import command import.sh documents must import an object that exists.
        for (address, id_template) in documented_imports(&import_sh) {
            let step_address = address.clone();
            steps.push(
                Step::import(&step_address, move |t| {
                    documented_import_id(t, &address, &id_template)
                })
                // The API never returns an OAuth client secret, so an import cannot know it, and
                // the version of a write-only one is Terraform's alone.
                .ignore(&["config.client_secret", "config.client_secret_wo_version"])
                // An import block would plan the other fourteen examples from an empty state,
                // and a second one-time PIN login is refused at plan time.
                .without_import_block(),
            );
        }
        steps
    });
}

#[test]
fn one_time_pin_example_applies_with_its_outputs() {
    let main_tf = example("one-time-pin/main.tf");
    assert!(
        main_tf.contains(&seed_on_this_provider()),
        "the standalone example keeps the seed verbatim, plus `provider = cloudflare-access`"
    );
    assert!(main_tf.contains("source = \"ferrotf/cloudflare-access\""));
    Case::new().run(|t| {
        let account_id = t.account_id.clone();
        t.env("TF_VAR_cloudflare_account_id", &account_id);
        vec![Step::apply(main_tf.as_str()).check(|t, _| {
            let outputs = t.run_ok(&["output", "-json", "-no-color"]);
            let outputs: serde_json::Value = serde_json::from_str(&outputs.stdout).unwrap();
            let id = outputs["identity_provider_id"]["value"]
                .as_str()
                .unwrap_or_default();
            let objects = t.mock.control().objects();
            assert_eq!(objects.len(), 1);
            assert_eq!(objects[0]["id"], id);
            assert_eq!(
                outputs["redirect_url"]["value"], objects[0]["config"]["redirect_url"],
                "the redirect_url output is the API's value"
            );
        })]
    });
}

#[test]
fn provider_example_validates_and_plans_nothing() {
    let provider_tf = example("provider/provider.tf");
    // Cloudflare's address goes to the test-only stand-in for the official provider, and this
    // provider's own address to the binary under test.
    Case::new()
        .world(|| Acc::with_installation(ProviderInstallation::SideBySide))
        .run(|t| {
            let token = t.mock.token().to_owned();
            t.env("TF_VAR_identity_providers_api_token", &token);
            vec![Step::plan_only(provider_tf.as_str())
                .check_plan(|t, _| {
                    t.run_ok(&["validate", "-no-color"]);
                })
                // The provider example manages nothing.
                .expect_empty_plan()]
        });
    // The token variable is declared sensitive, like every credential in the examples.
    assert!(provider_tf.contains("sensitive   = true"));
}
