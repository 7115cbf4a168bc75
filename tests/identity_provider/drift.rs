//! Changes made outside Terraform: a deleted identity provider is planned for creation again,
//! an edited one is put back as configured.

use super::lifecycle::type_case;
use super::*;
use crate::support::acceptance;
use serde_json::json;

#[test]
fn deleted_out_of_band_is_recreated() {
    acceptance(|t| {
        let main_tf = single(t, "GitHub", "github", type_case("github").create);
        t.write_main_tf(&main_tf);
        apply_and_settle(t);
        let old_id = state_id(t, ADDRESS);

        assert!(t.mock.control().remove(&old_id));
        // Without a refresh Terraform still believes in the old object.
        let plan = t.plan_refresh_false();
        assert!(plan.is_empty(), "{plan}");
        let plan = t.plan();
        let change = plan.change(ADDRESS);
        assert!(
            change.is_create(),
            "a refresh that finds the object gone should plan a create:\n{plan}"
        );
        apply_and_settle(t);

        let new_id = state_id(t, ADDRESS);
        assert_ne!(new_id, old_id);
        assert_eq!(t.mock.control().object_count(), 1);
        assert_eq!(
            t.mock.control().client_secret(&new_id).as_deref(),
            Some("github-secret-v1-0f6e2d"),
            "the recreated identity provider gets the configured secret"
        );
        assert_state_matches_api(t, ADDRESS);
        destroy_and_expect_empty(t);
    });
}

#[test]
fn renamed_out_of_band_is_renamed_back() {
    acceptance(|t| {
        let main_tf = single(t, "Okta", "okta", type_case("okta").create);
        t.write_main_tf(&main_tf);
        apply_and_settle(t);
        let id = state_id(t, ADDRESS);

        assert!(t
            .mock
            .control()
            .edit(&id, json!({ "name": "Renamed in the dashboard" })));
        let plan = t.plan();
        let change = plan.change(ADDRESS);
        assert!(change.is_update(), "drift should plan an update:\n{plan}");
        assert_eq!(change.before["name"], "Renamed in the dashboard", "{plan}");
        assert_eq!(change.after["name"], "Okta", "{plan}");
        let changed = change.attribute_changes();
        assert_eq!(
            changed,
            [r#"name: "Renamed in the dashboard" => "Okta""#],
            "only the name differs:\n{plan}"
        );
        apply_and_settle(t);

        assert_eq!(state_id(t, ADDRESS), id);
        assert_eq!(api_object(t, &id)["name"], "Okta");
        assert_state_matches_api(t, ADDRESS);
        destroy_and_expect_empty(t);
    });
}

#[test]
fn config_edited_out_of_band_is_restored() {
    acceptance(|t| {
        let main_tf = single(t, "OIDC", "oidc", type_case("oidc").create);
        t.write_main_tf(&main_tf);
        apply_and_settle(t);
        let id = state_id(t, ADDRESS);

        assert!(t.mock.control().edit(
            &id,
            json!({ "config": { "scopes": ["openid"], "pkce_enabled": false } })
        ));
        let plan = t.plan();
        let change = plan.change(ADDRESS);
        assert!(change.is_update(), "drift should plan an update:\n{plan}");
        assert_eq!(
            change.before["config"]["scopes"],
            json!(["openid"]),
            "{plan}"
        );
        assert_eq!(
            change.after["config"]["scopes"],
            json!(["openid", "email", "profile"])
        );
        apply_and_settle(t);

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
        destroy_and_expect_empty(t);
    });
}
