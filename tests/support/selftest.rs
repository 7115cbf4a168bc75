//! Checks of the harness itself against real Terraform, using only Terraform's built-in
//! `terraform_data` resource so that they hold whatever state the provider is in.

use super::terraform::terraform;
use super::workdir::Workdir;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The message of a panic caught with `catch_unwind`.
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .unwrap_or_default(),
    }
}

#[test]
fn terraform_is_found_and_reports_a_version() {
    let terraform = terraform();
    assert!(
        terraform.version_at_least(1, 0, 0),
        "unexpected version {}",
        terraform.version
    );
    assert!(terraform.path.is_file(), "{}", terraform.path.display());
}

#[test]
fn a_stable_configuration_passes_the_post_apply_plan_checks() {
    let work = Workdir::new("selftest");
    work.write_main_tf(
        r#"
resource "terraform_data" "x" {
  input = "hello"
}
output "echo" {
  value = terraform_data.x.output
}
"#,
    );
    let plan = work.plan();
    let change = plan.change("terraform_data.x");
    assert!(change.is_create(), "{plan}");
    assert!(change.unknown_paths().contains("id"), "{plan}");
    assert!(!plan.is_empty());

    work.apply();
    work.assert_empty_plans_after_apply();
    let values = work.resource_values("terraform_data.x");
    assert_eq!(values["input"], "hello");
    assert_eq!(values["output"], "hello");
    assert_eq!(work.state_addresses(), ["terraform_data.x"]);

    work.write_main_tf(&work_config_with_input("changed"));
    let plan = work.plan();
    assert_eq!(plan.actions("terraform_data.x"), ["update"], "{plan}");
    assert!(
        plan.to_string().contains(r#"input: "hello" => "changed""#),
        "{plan}"
    );

    work.destroy();
    assert!(work.state_addresses().is_empty());
}

fn work_config_with_input(input: &str) -> String {
    format!(
        "resource \"terraform_data\" \"x\" {{\n  input = {}\n}}\n",
        super::quote(input)
    )
}

#[test]
fn a_perpetual_diff_fails_the_post_apply_plan_checks_with_terraform_plugin_testings_message() {
    let work = Workdir::new("selftest");
    // timestamp() is unknown until apply, so every plan replaces the resource.
    work.write_main_tf(
        r#"
resource "terraform_data" "x" {
  triggers_replace = timestamp()
}
"#,
    );
    work.apply();
    let failure = catch_unwind(AssertUnwindSafe(|| work.assert_empty_plans_after_apply()))
        .expect_err("a perpetual diff must fail the check");
    let message = panic_message(failure);
    assert!(
        message.contains("After applying this test step, the non-refresh plan was not empty."),
        "{message}"
    );
    assert!(
        message.contains("terraform_data.x: delete, create"),
        "{message}"
    );
}

#[test]
fn failing_commands_report_their_output() {
    let work = Workdir::new("selftest");
    work.write_main_tf("resource \"terraform_data\" \"x\" {\n  no_such_argument = 1\n}\n");
    let output = work.plan_err();
    assert!(
        output.combined().contains("Unsupported argument"),
        "{output}"
    );
    let failure = catch_unwind(AssertUnwindSafe(|| work.apply()))
        .expect_err("apply of an invalid configuration must panic");
    let message = panic_message(failure);
    assert!(message.contains("terraform apply"), "{message}");
    assert!(message.contains("Unsupported argument"), "{message}");
    assert!(message.contains(&terraform().version), "{message}");
}

#[test]
fn the_cli_configuration_overrides_every_provider_address() {
    let work = Workdir::new("selftest");
    let config = std::fs::read_to_string(work.cli_config_path()).unwrap();
    let link_dir = work.path().join(".harness/providers");
    for source in super::workdir::PROVIDER_SOURCES {
        assert!(
            config.contains(&format!("\"{source}\" = \"{}\"", link_dir.display())),
            "{config}"
        );
    }
    // Terraform looks for terraform-provider-<type>: both names lead to the built binary.
    for name in [
        "terraform-provider-cloudflare-access",
        "terraform-provider-cloudflare",
    ] {
        let target = std::fs::read_link(link_dir.join(name)).expect("a link");
        assert_eq!(
            target,
            std::path::Path::new(super::PROVIDER_BINARY),
            "{name}"
        );
    }
    // `terraform version` parses the CLI config and complains about any error in it.
    let output = work.run_ok(&["version"]);
    assert!(!output.combined().contains("Error"), "{output}");
}
