//! The write-only client secret (`config.client_secret_wo`, Terraform 1.11+): it reaches
//! Cloudflare on create and whenever `config.client_secret_wo_version` changes, and never
//! appears in state, in `terraform show -json`, in a plan or in a trace log; changing the
//! secret alone plans nothing.

use super::*;
use crate::support::acceptance;

const FIRST: &str = "first-secret-wo-7c1a";
const SECOND: &str = "second-secret-wo-9e4b";

/// A GitHub identity provider whose secret is given only in the write-only form.
fn github_write_only(t: &Acc, secret: &str, version: &str) -> String {
    single(
        t,
        "GitHub",
        "github",
        &format!(
            r#"{{
    client_id                = "Iv1.8a61f9b3a7aba766"
    client_secret_wo         = "{secret}"
    client_secret_wo_version = "{version}"
  }}"#
        ),
    )
}

/// Write-only attributes need Terraform 1.11; older builds refuse them (checked elsewhere).
fn supported() -> bool {
    let supported = terraform().version_at_least(1, 11, 0);
    if !supported {
        eprintln!("skipped: write-only attributes need Terraform 1.11 or later");
    }
    supported
}

/// Neither the state file nor `terraform show -json` may contain `secret`, and the state must
/// hold null for `config.client_secret_wo` and `version` for its version.
fn assert_not_stored(t: &Acc, secrets: &[&str], version: &str) {
    let values = t.resource_values(ADDRESS);
    assert!(
        values["config"]["client_secret_wo"].is_null(),
        "client_secret_wo must be null in state: {:#}",
        values["config"]
    );
    assert!(
        values["config"]["client_secret"].is_null(),
        "the write-only secret must not turn up as client_secret: {:#}",
        values["config"]
    );
    assert_eq!(values["config"]["client_secret_wo_version"], version);
    let shown = t.run_ok(&["show", "-json", "-no-color"]).stdout;
    let state_file = std::fs::read_to_string(t.path().join("terraform.tfstate"))
        .expect("the local backend keeps terraform.tfstate in the work dir");
    for secret in secrets {
        assert!(
            !shown.contains(secret),
            "`terraform show -json` contains the write-only secret"
        );
        assert!(
            !state_file.contains(secret),
            "the state file contains the write-only secret"
        );
    }
}

#[test]
fn write_only_client_secret_lifecycle() {
    acceptance(|t| {
        if !supported() {
            return;
        }
        let log_path = t.path().join("trace.log");
        t.env("TF_LOG", "trace")
            .env("TF_LOG_PATH", &log_path.to_string_lossy());
        // Create: the secret comes from configuration alone.
        t.write_main_tf(&github_write_only(t, FIRST, "1"));
        let plan = t.plan();
        let change = plan.change(ADDRESS);
        assert!(change.is_create(), "{plan}");
        assert!(
            change.after["config"]["client_secret_wo"].is_null(),
            "the plan must not carry the write-only secret"
        );
        // The attribute is not marked sensitive (see the schema), so check the plan as people
        // read it, too.
        let shown = t.run_ok(&["plan", "-input=false", "-no-color"]);
        assert!(
            !shown.combined().contains(FIRST),
            "`terraform plan` shows the write-only secret:\n{shown}"
        );
        apply_and_settle(t);
        let id = state_id(t, ADDRESS);
        assert_eq!(
            t.mock.control().client_secret(&id).as_deref(),
            Some(FIRST),
            "Cloudflare should hold the secret from client_secret_wo"
        );
        assert_not_stored(t, &[FIRST], "1");
        assert_state_matches_api(t, ADDRESS);

        // A new secret under the same version: write-only values alone never make a diff, so
        // nothing is planned and Cloudflare keeps the secret it has.
        t.write_main_tf(&github_write_only(t, SECOND, "1"));
        let plan = t.plan();
        assert!(
            plan.is_empty(),
            "a write-only change alone must plan nothing:\n{plan}"
        );
        t.apply();
        assert_eq!(t.mock.control().client_secret(&id).as_deref(), Some(FIRST));

        // Bumping the version plans an update that sends the current secret.
        t.write_main_tf(&github_write_only(t, SECOND, "2"));
        let plan = t.plan();
        let change = plan.change(ADDRESS);
        assert!(change.is_update(), "{plan}");
        assert_resource_type(&plan, ADDRESS);
        apply_and_settle(t);
        assert_eq!(state_id(t, ADDRESS), id, "updated in place");
        assert_eq!(
            t.mock.control().client_secret(&id).as_deref(),
            Some(SECOND),
            "the version bump should have sent the new secret"
        );
        assert_not_stored(t, &[FIRST, SECOND], "2");

        destroy_and_expect_empty(t);
        // Nothing logged it, provider log lines included.
        let log = std::fs::read_to_string(&log_path).expect("TF_LOG_PATH was written");
        assert!(log.len() > 1000, "the trace log looks empty");
        for secret in [FIRST, SECOND] {
            assert!(
                !log.contains(secret),
                "the TF_LOG=trace log contains a write-only secret"
            );
        }
    });
}

#[test]
fn client_secret_and_client_secret_wo_conflict() {
    acceptance(|t| {
        if !supported() {
            return;
        }
        let main_tf = single(
            t,
            "GitHub",
            "github",
            r#"{
    client_id        = "Iv1.8a61f9b3a7aba766"
    client_secret    = "github-secret-v1-0f6e2d"
    client_secret_wo = "github-secret-v1-0f6e2d"
  }"#,
        );
        t.write_main_tf(&main_tf);
        let expected = Expected {
            summary: "Invalid Attribute Combination",
            detail: r#""config.client_secret" and "config.client_secret_wo" cannot both be set"#,
            attribute: "config.client_secret_wo",
        };
        expect_validate_error(t, &main_tf, expected);
        expect_plan_error(t, &main_tf, expected);
    });
}
