//! Secrets: `client_secret` is sensitive in plans and state. That no secret appears in logs,
//! outputs, state or plan files is checked in `reliability::security`.

use super::lifecycle::type_case;
use super::*;
use crate::support::{Action, Case};

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
