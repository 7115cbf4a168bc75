//! Changes made outside Terraform: a deleted identity provider is planned for creation again,
//! an edited one is put back as configured.

use super::lifecycle::type_case;
use super::*;
use crate::support::{Action, Case};
use serde_json::json;

/// The id of the identity provider in state, for hooks that edit the mock behind Terraform.
fn id_in_state(t: &Acc) -> String {
    state_id(t, ADDRESS)
}

#[test]
fn deleted_out_of_band_is_recreated() {
    Case::new().run(|t| {
        vec![
            Step::apply(single(t, "GitHub", "github", type_case("github").create))
                .expect(ADDRESS, Action::Create),
            Step::reapply()
                .before(|t| {
                    assert!(t.mock.control().remove(&id_in_state(t)));
                    // Without a refresh Terraform still believes in the old object.
                    let plan = t.plan_refresh_false();
                    assert!(plan.is_empty(), "{plan}");
                })
                // A refresh that finds the object gone plans a create.
                .expect(ADDRESS, Action::Create)
                .check(|t, step| {
                    let new_id = state_id(t, ADDRESS);
                    assert_ne!(step.previous_values(ADDRESS)["id"], new_id.as_str());
                    assert_eq!(t.mock.control().object_count(), 1);
                    assert_eq!(
                        t.mock.control().client_secret(&new_id).as_deref(),
                        Some("github-secret-v1-0f6e2d"),
                        "the recreated identity provider gets the configured secret"
                    );
                }),
        ]
    });
}

#[test]
fn renamed_out_of_band_is_renamed_back() {
    Case::new().run(|t| {
        vec![
            Step::apply(single(t, "Okta", "okta", type_case("okta").create))
                .expect(ADDRESS, Action::Create),
            Step::reapply()
                .before(|t| {
                    assert!(t.mock.control().edit(
                        &id_in_state(t),
                        json!({ "name": "Renamed in the dashboard" })
                    ));
                })
                .expect(ADDRESS, Action::Update)
                .check_plan(|_, plan| {
                    let change = plan.change(ADDRESS);
                    assert_eq!(change.before["name"], "Renamed in the dashboard", "{plan}");
                    assert_eq!(change.after["name"], "Okta", "{plan}");
                    assert_eq!(
                        change.attribute_changes(),
                        [r#"name: "Renamed in the dashboard" => "Okta""#],
                        "only the name differs:\n{plan}"
                    );
                })
                .check(|t, step| {
                    let id = state_id(t, ADDRESS);
                    assert_eq!(step.previous_values(ADDRESS)["id"], id.as_str());
                    assert_eq!(api_object(t, &id)["name"], "Okta");
                }),
        ]
    });
}

#[test]
fn config_edited_out_of_band_is_restored() {
    Case::new().run(|t| {
        vec![
            Step::apply(single(t, "OIDC", "oidc", type_case("oidc").create))
                .expect(ADDRESS, Action::Create),
            Step::reapply()
                .before(|t| {
                    assert!(t.mock.control().edit(
                        &id_in_state(t),
                        json!({ "config": { "scopes": ["openid"], "pkce_enabled": false } })
                    ));
                })
                .expect(ADDRESS, Action::Update)
                .check_plan(|_, plan| {
                    let change = plan.change(ADDRESS);
                    assert_eq!(
                        change.before["config"]["scopes"],
                        json!(["openid"]),
                        "{plan}"
                    );
                    assert_eq!(
                        change.after["config"]["scopes"],
                        json!(["openid", "email", "profile"])
                    );
                })
                .check(|t, _| {
                    let id = state_id(t, ADDRESS);
                    let object = api_object(t, &id);
                    assert_eq!(
                        object["config"]["scopes"],
                        json!(["openid", "email", "profile"])
                    );
                    assert_eq!(object["config"]["pkce_enabled"], true);
                    assert_eq!(
                        t.mock.control().client_secret(&id).as_deref(),
                        Some("oidc-secret-v1"),
                        "the update keeps the secret"
                    );
                }),
        ]
    });
}
