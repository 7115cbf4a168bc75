//! SCIM provisioning: the secret Cloudflare shows once (and masks afterwards) must reach state,
//! stay there across refreshes, be marked sensitive, and plans must stay empty.

use super::lifecycle::type_case;
use super::*;
use crate::support::{Action, Case};
use std::cell::RefCell;

const ADDRESS_SECRET: &str = "scim_config.secret";

fn scim_config(t: &Acc, kind: &str, name: &str, scim: &str) -> String {
    fixture(
        t,
        "scim.tf",
        &[
            ("name", name),
            ("type", kind),
            ("config", type_case(kind).create),
            ("scim_config", scim),
        ],
    )
}

const SCIM_ON: &str = r#"{
    enabled                  = true
    user_deprovision         = true
    seat_deprovision         = true
    identity_update_behavior = "automatic"
  }"#;

const SCIM_OFF: &str = r#"{
    enabled                  = false
    user_deprovision         = true
    seat_deprovision         = true
    identity_update_behavior = "automatic"
  }"#;

/// Checks the SCIM secret in state against the one the API generated; returns it.
fn assert_scim_secret_in_state(t: &Acc, id: &str) -> String {
    let values = t.resource_values(ADDRESS);
    let in_state = values["scim_config"]["secret"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        !in_state.is_empty() && !in_state.contains('*'),
        "state should hold the real SCIM secret, not a mask or nothing"
    );
    let generated = t.mock.control().scim_secret(id);
    assert!(
        generated.as_deref() == Some(in_state.as_str()),
        "the SCIM secret in state is not the one Cloudflare generated"
    );
    assert!(
        state_sensitive_paths(t, ADDRESS).contains(ADDRESS_SECRET),
        "scim_config.secret must be marked sensitive in state: {:?}",
        state_sensitive_paths(t, ADDRESS)
    );
    let base_url = values["scim_config"]["scim_base_url"]
        .as_str()
        .unwrap_or_default();
    assert!(
        base_url.starts_with("https://") && base_url.contains(id),
        "scim_base_url should come from the API: {base_url:?}"
    );
    in_state
}

/// Refreshes a few times (each GET shows the secret masked) and checks nothing moves.
fn assert_secret_survives_refreshes(t: &Acc, secret: &str) {
    for _ in 0..2 {
        t.run_ok(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ]);
        let plan = t.plan();
        assert!(
            plan.is_empty(),
            "plan after a refresh is not empty:\n{plan}"
        );
        assert_eq!(
            t.resource_values(ADDRESS)["scim_config"]["secret"],
            secret,
            "a refresh replaced the SCIM secret in state with what the API shows"
        );
    }
}

/// An OIDC identity provider created with SCIM on: the create response carries the secret.
#[test]
fn scim_enabled_at_create() {
    Case::new().run(|t| {
        vec![
            Step::apply(scim_config(t, "oidc", "OIDC with SCIM", SCIM_ON))
                .expect(ADDRESS, Action::Create)
                .check_plan(|_, plan| {
                    let change = plan.change(ADDRESS);
                    assert!(
                        change.unknown_paths().contains(ADDRESS_SECRET),
                        "the secret is only known after apply: {:?}",
                        change.unknown_paths()
                    );
                })
                .check(|t, _| {
                    let id = state_id(t, ADDRESS);
                    let object = api_object(t, &id);
                    assert_eq!(object["scim_config"]["enabled"], true);
                    assert_eq!(object["scim_config"]["seat_deprovision"], true);
                    assert_eq!(
                        object["scim_config"]["identity_update_behavior"],
                        "automatic"
                    );
                    let secret = assert_scim_secret_in_state(t, &id);
                    assert_secret_survives_refreshes(t, &secret);
                }),
            // Switching SCIM off is an update; the stored secret is kept and plans stay empty.
            Step::apply(scim_config(t, "oidc", "OIDC with SCIM", SCIM_OFF))
                .expect(ADDRESS, Action::Update)
                .check(|t, step| {
                    let id = state_id(t, ADDRESS);
                    assert_eq!(api_object(t, &id)["scim_config"]["enabled"], false);
                    assert_eq!(step.values(ADDRESS)["scim_config"]["enabled"], false);
                }),
        ]
    });
}

/// An Azure AD identity provider that turns SCIM on later: the update response carries the
/// secret; turning it off and on again issues a new one.
#[test]
fn scim_enabled_by_update_then_disabled_and_reenabled() {
    let first = RefCell::new(String::new());
    Case::new().run(|t| {
        let config = type_case("azureAD").create;
        vec![
            Step::apply(single(t, "Azure AD", "azureAD", config))
                .expect(ADDRESS, Action::Create)
                .check(|_, step| {
                    let values = step.values(ADDRESS);
                    assert_eq!(
                        values["scim_config"]["enabled"], false,
                        "without scim_config in the configuration, state shows the API's (off) \
                         settings: {values:#}"
                    );
                }),
            Step::apply(scim_config(t, "azureAD", "Azure AD", SCIM_ON))
                .expect(ADDRESS, Action::Update)
                .check_plan(|_, plan| {
                    let change = plan.change(ADDRESS);
                    assert!(
                        change.unknown_paths().contains(ADDRESS_SECRET),
                        "turning SCIM on issues a new secret, known only after apply: {:?}",
                        change.unknown_paths()
                    );
                })
                .check(|t, _| {
                    let secret = assert_scim_secret_in_state(t, &state_id(t, ADDRESS));
                    assert_secret_survives_refreshes(t, &secret);
                    *first.borrow_mut() = secret;
                }),
            Step::apply(scim_config(t, "azureAD", "Azure AD", SCIM_OFF))
                .expect(ADDRESS, Action::Update)
                .check(|t, _| {
                    assert_eq!(
                        api_object(t, &state_id(t, ADDRESS))["scim_config"]["enabled"],
                        false
                    );
                }),
            Step::apply(scim_config(t, "azureAD", "Azure AD", SCIM_ON))
                .expect(ADDRESS, Action::Update)
                .check(|t, _| {
                    let second = assert_scim_secret_in_state(t, &state_id(t, ADDRESS));
                    assert_ne!(
                        *first.borrow(),
                        second,
                        "re-enabling SCIM issues a new secret"
                    );
                }),
        ]
    });
}
