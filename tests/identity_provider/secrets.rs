//! Secrets: `client_secret` is sensitive in plans and state, and no secret (client secret, SCIM
//! secret, API token) appears in Terraform's output or in a `TF_LOG=trace` log of a whole
//! lifecycle, provider log lines included.

use super::lifecycle::type_case;
use super::*;
use crate::support::{acceptance, Action, Case};

#[test]
fn client_secret_is_sensitive_in_plan_and_state() {
    Case::new().run(|t| {
        vec![
            Step::apply(single(t, "GitHub", "github", type_case("github").create))
                .expect(ADDRESS, Action::Create)
                .check_plan(|t, plan| {
                    let change = plan.change(ADDRESS);
                    assert_eq!(
                        change.after_sensitive["config"]["client_secret"], true,
                        "client_secret must be sensitive in the plan: {}",
                        change.after_sensitive
                    );
                    // The human-readable plan hides it as well.
                    let text = t.run_ok(&["plan", "-input=false", "-no-color"]);
                    assert!(text.stdout.contains("(sensitive value)"), "{text}");
                    assert!(
                        !text.combined().contains("github-secret-v1-0f6e2d"),
                        "{text}"
                    );
                })
                .check(|t, _| {
                    assert!(
                        state_sensitive_paths(t, ADDRESS).contains("config.client_secret"),
                        "{:?}",
                        state_sensitive_paths(t, ADDRESS)
                    );
                }),
            // An update of the secret alone is planned, still without showing either value.
            Step::plan_only(single(t, "GitHub", "github", type_case("github").update))
                .expect(ADDRESS, Action::Update)
                .check_plan(|_, plan| {
                    let change = plan.change(ADDRESS);
                    assert_eq!(change.before_sensitive["config"]["client_secret"], true);
                    assert_eq!(change.after_sensitive["config"]["client_secret"], true);
                }),
        ]
    });
}

#[test]
fn no_secret_in_trace_logs_or_output() {
    acceptance(|t| {
        let log_path = t.path().join("trace.log");
        t.env("TF_LOG", "trace")
            .env("TF_LOG_PATH", &log_path.to_string_lossy());
        let client_secret = "azure-secret-v1-Qx7~pL";
        let scim = r#"{
    enabled          = true
    user_deprovision = true
  }"#;
        let config = fixture(
            t,
            "scim.tf",
            &[
                ("name", "Azure AD"),
                ("type", "azureAD"),
                ("config", type_case("azureAD").create),
                ("scim_config", scim),
            ],
        );
        t.write_main_tf(&config);

        let mut outputs = vec![t.apply()];
        let id = state_id(t, ADDRESS);
        let scim_secret = t
            .mock
            .control()
            .scim_secret(&id)
            .expect("SCIM is on, so Cloudflare issued a secret");
        outputs.push(t.run_ok(&["plan", "-input=false", "-no-color"]));
        let main_tf = single(t, "Azure AD", "azureAD", type_case("azureAD").update);
        t.write_main_tf(&main_tf);
        outputs.push(t.apply());
        outputs.push(t.run_ok(&["plan", "-input=false", "-no-color"]));
        let id_for_import = format!("accounts/{}/{id}", t.account_id);
        let fresh = t.fresh_sibling();
        outputs.push(fresh.import_cli(ADDRESS, &id_for_import));
        let fresh_log = fresh.path().join("trace.log");
        outputs.push(t.destroy());

        let log = std::fs::read_to_string(&log_path).expect("TF_LOG_PATH was written");
        let fresh_log = std::fs::read_to_string(&fresh_log).unwrap_or_default();
        assert!(
            log.contains("[TRACE]"),
            "the log should be a trace log (is TF_LOG honoured?)"
        );
        assert!(
            log.contains("cloudflare") && log.contains("ApplyResourceChange"),
            "the trace log should cover the provider's calls"
        );
        assert!(
            !log.contains("panicked"),
            "the provider panicked; see {}",
            log_path.display()
        );
        let secrets = [
            ("the first client secret", client_secret),
            ("the second client secret", "azure-secret-v2-Rz8~mK"),
            ("the SCIM secret", scim_secret.as_str()),
            ("the API token", t.mock.token()),
        ];
        for (what, secret) in secrets {
            assert!(
                !log.contains(secret),
                "{what} appears in the Terraform trace log {}",
                log_path.display()
            );
            assert!(
                !fresh_log.contains(secret),
                "{what} appears in the import's trace log"
            );
            for output in &outputs {
                assert!(
                    !output.combined().contains(secret),
                    "{what} appears in the output of `{}`",
                    output.command_line
                );
            }
        }
        assert_eq!(t.mock.control().object_count(), 0);
    });
}
