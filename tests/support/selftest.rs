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

// The step runner of `super::case`, on `terraform_data` (the mock holds no identity provider,
// so the state-against-API check has nothing to compare, and the end-of-test check requires
// the mock to stay empty).

use super::case::{Action, Case, Step};
use std::cell::RefCell;

fn data_config(input: &str) -> String {
    work_config_with_input(input)
}

/// The message of the panic `case` ends with; panics itself when the case passes.
fn failure_of(case: impl FnOnce()) -> String {
    panic_message(catch_unwind(AssertUnwindSafe(case)).expect_err("the case must fail"))
}

#[test]
fn a_case_runs_its_steps_in_order_with_what_each_step_saw() {
    let seen = RefCell::new(Vec::new());
    Case::new().run(|_| {
        vec![
            Step::apply(data_config("one"))
                .before(|_| seen.borrow_mut().push("hook 1"))
                .expect("terraform_data.x", Action::Create)
                .check_plan(|_, plan| {
                    assert!(plan.change("terraform_data.x").is_create());
                    seen.borrow_mut().push("plan check 1");
                })
                .check(|t, step| {
                    assert_eq!(step.number, 1);
                    assert!(step.previous_state.is_none());
                    assert_eq!(step.values("terraform_data.x")["input"], "one");
                    assert_eq!(t.resource_values("terraform_data.x")["output"], "one");
                    seen.borrow_mut().push("check 1");
                }),
            Step::apply(data_config("two"))
                .expect("terraform_data.x", Action::Update)
                .expect_value("terraform_data.x", "input", "two")
                .expect_value("terraform_data.x", "output", "two")
                .expect_no_value("terraform_data.x", "triggers_replace")
                .check(|_, step| {
                    assert_eq!(step.previous_values("terraform_data.x")["input"], "one");
                    assert_eq!(step.values("terraform_data.x")["input"], "two");
                    assert!(step.output.as_ref().is_some_and(|o| o.success()));
                    seen.borrow_mut().push("check 2");
                }),
            Step::reapply().expect_empty_plan(),
            Step::plan_only(data_config("three"))
                .expect("terraform_data.x", Action::Update)
                .check(|t, step| {
                    assert!(step.state.is_none(), "a plan-only step applies nothing");
                    assert_eq!(t.resource_values("terraform_data.x")["input"], "two");
                    seen.borrow_mut().push("check 4");
                }),
        ]
    });
    assert_eq!(
        *seen.borrow(),
        ["hook 1", "plan check 1", "check 1", "check 2", "check 4"]
    );
}

#[test]
fn a_step_whose_plan_has_another_action_fails() {
    let message = failure_of(|| {
        Case::new().run(|_| {
            vec![Step::apply(data_config("one")).expect("terraform_data.x", Action::Update)]
        })
    });
    assert!(
        message.contains("step 1: expected update for terraform_data.x, but the plan has create"),
        "{message}"
    );
}

#[test]
fn a_step_expecting_a_change_the_plan_lacks_fails() {
    let message = failure_of(|| {
        Case::new().run(|_| {
            vec![
                Step::apply(data_config("one")),
                Step::reapply().expect("terraform_data.x", Action::Replace),
            ]
        })
    });
    assert!(
        message.contains("step 2: expected replace for terraform_data.x, but the plan has no-op"),
        "{message}"
    );
    let message = failure_of(|| {
        Case::new().run(|_| vec![Step::apply(data_config("one")).expect_empty_plan()])
    });
    assert!(
        message.contains("step 1: expected an empty plan"),
        "{message}"
    );
}

#[test]
fn replacement_orders_are_told_apart() {
    let config = |trigger: &str, create_first: bool| {
        format!(
            "resource \"terraform_data\" \"x\" {{\n  triggers_replace = \"{trigger}\"\n  \
             lifecycle {{\n    create_before_destroy = {create_first}\n  }}\n}}\n"
        )
    };
    Case::new().run(|_| {
        vec![
            Step::apply(config("a", false)),
            Step::apply(config("b", false))
                .expect("terraform_data.x", Action::DeleteThenCreate)
                .expect("terraform_data.x", Action::Replace),
            Step::apply(config("c", true)).expect("terraform_data.x", Action::Replace),
        ]
    });
    let message = failure_of(|| {
        Case::new().run(|_| {
            vec![
                Step::apply(config("a", true)),
                Step::apply(config("b", true)).expect("terraform_data.x", Action::DeleteThenCreate),
            ]
        })
    });
    assert!(
        message.contains(
            "step 2: expected delete, create for terraform_data.x, but the plan has create, delete"
        ),
        "{message}"
    );
}

#[test]
fn a_value_other_than_expected_fails_a_step() {
    let message = failure_of(|| {
        Case::new().run(|_| {
            vec![Step::apply(data_config("one")).expect_value("terraform_data.x", "input", "two")]
        })
    });
    assert!(
        message.contains("step 1: terraform_data.x input in state"),
        "{message}"
    );
    let message = failure_of(|| {
        Case::new().run(|_| {
            vec![Step::apply(data_config("one")).expect_no_value("terraform_data.x", "input")]
        })
    });
    assert!(message.contains(r#"left: Some("one")"#), "{message}");
}

#[test]
fn a_perpetual_diff_fails_a_step_through_the_standard_checks() {
    let message = failure_of(|| {
        Case::new().run(|_| {
            vec![Step::apply(
                "resource \"terraform_data\" \"x\" {\n  triggers_replace = timestamp()\n}\n",
            )]
        })
    });
    assert!(
        message.contains("After applying this test step, the non-refresh plan was not empty."),
        "{message}"
    );
}

#[test]
fn expected_errors_must_happen_and_match() {
    let invalid = "resource \"terraform_data\" \"x\" {\n  no_such_argument = 1\n}\n";
    Case::new().run(|_| {
        vec![Step::apply(invalid)
            .expect_error("Unsupported argument")
            .expect_error(r#"An argument named "no_such_argument" is not expected"#)
            .check(|_, step| {
                assert!(step.output.as_ref().is_some_and(|o| !o.success()));
            })]
    });
    let message = failure_of(|| {
        Case::new().run(|_| vec![Step::apply(invalid).expect_error("Something else entirely")])
    });
    assert!(
        message.contains("step 1: the error does not match /Something else entirely/"),
        "{message}"
    );
    let message = failure_of(|| {
        Case::new().run(|_| vec![Step::apply(data_config("fine")).expect_error("anything")])
    });
    assert!(message.contains("expected terraform apply"), "{message}");
}

#[test]
fn a_case_fails_when_the_mock_is_not_empty_at_the_end() {
    let message = failure_of(|| {
        Case::new().run(|_| {
            vec![Step::apply(data_config("one")).before(|t| {
                t.mock.control().insert(
                    "accounts",
                    &t.account_id,
                    serde_json::json!({ "name": "Left over", "type": "onetimepin", "config": {} }),
                );
            })]
        })
    });
    assert!(
        message.contains("the mock still holds 1 object(s)"),
        "{message}"
    );
}

#[test]
fn the_state_must_match_the_api() {
    use super::api::assert_values_match_api;
    use serde_json::json;
    let mock = super::Mock::start();
    let account = super::random_id();
    let id = mock.control().insert(
        "accounts",
        &account,
        json!({
            "name": "GitHub",
            "type": "github",
            "config": { "client_id": "abc", "client_secret": "s3cret" }
        }),
    );
    let values = json!({
        "id": id, "account_id": account, "zone_id": null, "name": "GitHub", "type": "github",
        "config": { "client_id": "abc", "client_secret": "s3cret", "pkce_enabled": false,
                    "claims": [], "client_secret_wo_version": "1" },
        "scim_config": null
    });
    let address = "cloudflare_zero_trust_access_identity_provider.x";
    // False flags and empty lists the API leaves out, and the version only Terraform knows,
    // are not differences.
    assert_values_match_api(&mock, address, &values);

    let mut renamed = values.clone();
    renamed["name"] = json!("Renamed");
    let message = failure_of(|| assert_values_match_api(&mock, address, &renamed));
    assert!(message.contains("name of"), "{message}");

    let mut other_secret = values.clone();
    other_secret["config"]["client_secret"] = json!("not-the-secret");
    let message = failure_of(|| assert_values_match_api(&mock, address, &other_secret));
    assert!(message.contains("config.client_secret of"), "{message}");
    assert!(
        !message.contains("s3cret"),
        "a secret in a message: {message}"
    );

    let mut zone_owned = values.clone();
    zone_owned["account_id"] = json!(null);
    zone_owned["zone_id"] = json!(account);
    let message = failure_of(|| assert_values_match_api(&mock, address, &zone_owned));
    assert!(message.contains("accounts"), "{message}");

    let mut changed = values.clone();
    changed["config"]["client_id"] = json!("xyz");
    let message = failure_of(|| assert_values_match_api(&mock, address, &changed));
    assert!(
        message.contains(r#"config.client_id of cloudflare_zero_trust_access_identity_provider.x is "xyz" in state but "abc" in the API"#),
        "{message}"
    );

    assert!(mock.control().remove(&id));
    let message = failure_of(|| assert_values_match_api(&mock, address, &values));
    assert!(
        message.contains("the mock holds no such identity provider"),
        "{message}"
    );
}

/// A version check followed by an early `return` is a test passing silently on an older
/// Terraform; gates go through `support::gate`, which reports them. This looks for the pattern
/// in every test source outside the harness's own version helpers.
#[test]
fn no_test_returns_early_on_a_bare_version_check() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read tests/").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path);
            }
        }
    }
    let tests = super::terraform::repository_root().join("tests");
    let mut files = Vec::new();
    sources(&tests, &mut files);
    assert!(files.len() > 10, "found only {files:?}");
    let mut offenders = Vec::new();
    for file in files {
        let harness = [
            "support/terraform.rs",
            "support/gate.rs",
            "support/selftest.rs",
        ];
        if harness.iter().any(|own| file.ends_with(own)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read a test source");
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let checks_version =
                line.contains("version_at_least(") || line.contains("parse_version(");
            let returns_soon = lines
                .iter()
                .skip(index)
                .take(6)
                .any(|l| l.trim_start().starts_with("return"));
            if checks_version && returns_soon {
                offenders.push(format!("{}:{}", file.display(), index + 1));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "these version checks return early, which counts as a pass; use \
         `Case::requires(Requirement::new(..))` or `if !applicable(Requirement::new(..)) {{ return; }}` \
         so the test reports itself as not applicable:\n{}",
        offenders.join("\n")
    );
}
