//! API quirks, kept out of the CRUD code. Each rule makes what Cloudflare returns agree with
//! what Terraform already holds when the two mean the same thing, so that plans stay empty
//! unless something really changed.
//!
//! Rules run on framework values: the freshly read state against the prior state (`after_read`),
//! the applied state against the plan (`after_apply`), and the plan against the prior state
//! (`plan_*`).

use super::schema::resource_schema;
use crate::framework::{AttributePath, Mode, Value};
use crate::resources::kit::values::merge_known;

fn path(steps: &[&str]) -> AttributePath {
    steps
        .iter()
        .fold(AttributePath::root(), |p, step| p.attr(*step))
}

fn client_secret_path() -> AttributePath {
    path(&["config", "client_secret"])
}

fn scim_secret_path() -> AttributePath {
    path(&["scim_config", "secret"])
}

/// Values compared without regard to case (their validators are case-insensitive).
fn case_insensitive_paths() -> [AttributePath; 3] {
    [
        path(&["type"]),
        path(&["config", "prompt"]),
        path(&["scim_config", "identity_update_behavior"]),
    ]
}

/// Whether a SCIM secret is the API's redacted placeholder rather than the secret itself.
/// Cloudflare shows the secret once and masks it with `*` afterwards (v4 used the same test).
pub fn is_masked_secret(secret: &str) -> bool {
    secret.is_empty() || secret.contains('*')
}

/// Applies every read rule to a freshly read state.
pub fn after_read(fresh: &mut Value, prior: &Value) {
    keep_client_secret(fresh, prior);
    keep_client_secret_wo_version(fresh, prior);
    keep_scim_secret(fresh, prior);
    keep_scim_base_url(fresh, prior);
    keep_default_scim_config(fresh, prior);
    keep_zero_values(fresh, prior);
    keep_equivalent_strings(fresh, prior);
    keep_list_order(fresh, prior);
    keep_spelling(fresh, prior);
}

/// `config.client_secret`: Cloudflare never returns it, so the state keeps the value last
/// applied (v5 does the same).
pub fn keep_client_secret(fresh: &mut Value, prior: &Value) {
    let path = client_secret_path();
    if fresh.at(&path).is_null() && !prior.at(&path).is_null() {
        fresh.set_at(&path, prior.at(&path).clone());
    }
}

/// `config.client_secret_wo_version` is Terraform's alone (Cloudflare knows nothing of it), so
/// a read keeps the one in state. `config.client_secret_wo` itself is write-only: no rule here
/// touches it, and state always holds null for it.
pub fn keep_client_secret_wo_version(fresh: &mut Value, prior: &Value) {
    if !matches!(fresh.attr("config"), Value::Object(_)) {
        return;
    }
    let path = path(&["config", "client_secret_wo_version"]);
    fresh.set_at(&path, prior.at(&path).clone());
}

/// `scim_config.secret`: revealed only in the response that first enables SCIM and masked on
/// every read, so once captured it is kept (as in v5). Without a captured value (after an
/// import, say) a real secret in the response is taken and a masked placeholder becomes null
/// rather than a fake secret.
pub fn keep_scim_secret(fresh: &mut Value, prior: &Value) {
    if !matches!(fresh.attr("scim_config"), Value::Object(_)) {
        return;
    }
    let path = scim_secret_path();
    let kept = if !prior.at(&path).is_null() {
        prior.at(&path).clone()
    } else {
        match fresh.at(&path).as_str() {
            Some(secret) if !is_masked_secret(secret) => fresh.at(&path).clone(),
            _ => Value::Null,
        }
    };
    fresh.set_at(&path, kept);
}

/// `scim_config.scim_base_url`: kept from state when a read leaves it out.
pub fn keep_scim_base_url(fresh: &mut Value, prior: &Value) {
    let path = path(&["scim_config", "scim_base_url"]);
    if matches!(fresh.attr("scim_config"), Value::Object(_))
        && fresh.at(&path).is_null()
        && !prior.at(&path).is_null()
    {
        fresh.set_at(&path, prior.at(&path).clone());
    }
}

fn is_default_scim(scim: &Value) -> bool {
    scim.attr("enabled").as_bool() != Some(true)
        && scim.attr("seat_deprovision").as_bool() != Some(true)
        && scim.attr("user_deprovision").as_bool() != Some(true)
        && scim
            .attr("identity_update_behavior")
            .as_str()
            .is_none_or(|b| b.eq_ignore_ascii_case("no_action"))
}

/// A read without `scim_config` where the state holds the default settings means the same
/// thing: SCIM is off.
pub fn keep_default_scim_config(fresh: &mut Value, prior: &Value) {
    let prior_scim = prior.attr("scim_config");
    if fresh.attr("scim_config").is_null()
        && matches!(prior_scim, Value::Object(_))
        && is_default_scim(prior_scim)
    {
        fresh.set_at(&path(&["scim_config"]), prior_scim.clone());
    }
}

fn is_zero(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::List(items) => items.is_empty(),
        _ => false,
    }
}

/// The optional, non-computed attributes the API may echo as a zero value: top level and in
/// `config`. Computed ones need no rule: Terraform keeps their state value when unconfigured.
/// Write-only attributes are left out: no value of theirs is ever copied into state.
fn optional_paths() -> Vec<AttributePath> {
    let schema = resource_schema();
    let mut paths = Vec::new();
    for attribute in &schema.block.attributes {
        if attribute.mode == Mode::Optional && attribute.nested_attributes().is_empty() {
            paths.push(AttributePath::attribute(&attribute.name));
        }
        if attribute.name == "config" {
            for nested in attribute.nested_attributes() {
                if nested.mode == Mode::Optional && !nested.write_only {
                    paths.push(path(&["config", &nested.name]));
                }
            }
        }
    }
    paths
}

/// `false`, `""` and `[]` mean the same as unset for optional attributes. Cloudflare fills some
/// in (`sign_request`, `support_groups`, `read_only`, ... as `false`) where the configuration
/// has none, which would otherwise show as a change on every plan. v5 does this only for
/// `sign_request`, `conditional_access_enabled` and `support_groups`.
///
/// Right after an import nothing is known about the configuration. A `false` inside `config`
/// is then kept as Cloudflare reports it (as v5 does), since configurations that set these
/// flags usually spell out `false` too; `read_only`, which Cloudflare always reports and
/// configurations almost never set, and empty strings and lists become null.
pub fn keep_zero_values(fresh: &mut Value, prior: &Value) {
    let imported = prior.attr("config").is_null();
    for path in optional_paths() {
        let prior_value = prior.at(&path);
        let in_config = path.steps().len() > 1;
        if imported && in_config && fresh.at(&path).as_bool() == Some(false) {
            continue;
        }
        if is_zero(fresh.at(&path)) && is_zero(prior_value) {
            fresh.set_at(&path, prior_value.clone());
        }
    }
}

/// Strings that differ only in surrounding whitespace (a PEM certificate with or without its
/// final newline, say) are the same to Cloudflare; keep the configured form.
pub fn keep_equivalent_strings(fresh: &mut Value, prior: &Value) {
    for path in optional_paths() {
        let prior_value = prior.at(&path).clone();
        let slot = fresh.at(&path).clone();
        match (slot, &prior_value) {
            (Value::String(a), Value::String(b)) if a != *b && a.trim() == b.trim() => {
                fresh.set_at(&path, prior_value);
            }
            (Value::List(a), Value::List(b)) if a.len() == b.len() => {
                let same = a.iter().zip(b).all(|(x, y)| match (x, y) {
                    (Value::String(x), Value::String(y)) => x.trim() == y.trim(),
                    _ => x == y,
                });
                if same && a != *b {
                    fresh.set_at(&path, prior_value);
                }
            }
            _ => {}
        }
    }
}

/// A list the API returns in another order but with the same items keeps the configured order.
pub fn keep_list_order(fresh: &mut Value, prior: &Value) {
    for path in optional_paths() {
        if let (Value::List(a), Value::List(b)) = (fresh.at(&path), prior.at(&path)) {
            let count = |list: &[Value], item: &Value| list.iter().filter(|x| *x == item).count();
            let same_items = a.len() == b.len() && a.iter().all(|x| count(a, x) == count(b, x));
            if a != b && same_items {
                let prior_value = prior.at(&path).clone();
                fresh.set_at(&path, prior_value);
            }
        }
    }
}

/// `type`, `config.prompt` and `scim_config.identity_update_behavior` are accepted in any case;
/// a read returning the API's spelling keeps the configured one.
pub fn keep_spelling(fresh: &mut Value, prior: &Value) {
    for path in case_insensitive_paths() {
        if let (Some(a), Some(b)) = (fresh.at(&path).as_str(), prior.at(&path).as_str()) {
            if a != b && a.eq_ignore_ascii_case(b) {
                let prior_value = prior.at(&path).clone();
                fresh.set_at(&path, prior_value);
            }
        }
    }
}

/// The state after a create or update, following Terraform's rule that every value known in
/// the plan comes out unchanged: planned values where known, the response where the plan said
/// "known after apply" (v5's `UnmarshalComputed`), and null where the response has nothing.
/// `prior` is null on create.
pub fn after_apply(planned: &Value, response: &Value, prior: &Value) -> Value {
    let mut response = response.clone();
    let secret = scim_secret_path();
    let revealed = response
        .at(&secret)
        .as_str()
        .is_some_and(|s| !is_masked_secret(s));
    if !revealed {
        // No new secret in this response: the one captured earlier (if any) still holds.
        let kept = prior.at(&secret).clone();
        response.set_at(&secret, kept);
    }
    merge_known(planned, &response)
}

/// Plan rule for `scim_config.secret` (v5's plan modifier, extended to unknown `enabled`): a
/// new secret is planned ("known after apply") only when SCIM may be turned on by this apply,
/// since that is when Cloudflare issues one; otherwise the secret in state is kept. Applies
/// when both plan and state hold a `scim_config`.
pub fn plan_scim_secret(planned: &mut Value, prior: &Value) {
    let (Value::Object(_), Value::Object(_)) =
        (planned.attr("scim_config"), prior.attr("scim_config"))
    else {
        return;
    };
    let was_enabled = prior.at(&path(&["scim_config", "enabled"])).as_bool() == Some(true);
    let enabled = planned.at(&path(&["scim_config", "enabled"]));
    let may_enable = !was_enabled && (enabled.as_bool() == Some(true) || enabled.is_unknown());
    let secret = if may_enable {
        Value::unknown()
    } else {
        prior.at(&scim_secret_path()).clone()
    };
    planned.set_at(&scim_secret_path(), secret);
}

/// Plan rule for values accepted in any case: when the configuration differs from the state
/// only in case, plan the state's spelling, so that `type = "AzureAD"` → `"azureAD"` is no
/// change (v5 would replace the identity provider). Returns the paths it kept.
pub fn plan_keep_spelling(planned: &mut Value, prior: &Value) -> Vec<AttributePath> {
    let mut kept = Vec::new();
    for path in case_insensitive_paths() {
        if let (Some(a), Some(b)) = (planned.at(&path).as_str(), prior.at(&path).as_str()) {
            if a != b && a.eq_ignore_ascii_case(b) {
                let prior_value = prior.at(&path).clone();
                planned.set_at(&path, prior_value);
                kept.push(path);
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::zero_trust_access_identity_provider::model::{
        Attr, ConfigModel, IdentityProviderModel, ScimConfigModel, SecretString,
    };

    fn scim(enabled: bool, secret: Option<&str>) -> Attr<ScimConfigModel> {
        Attr::Known(ScimConfigModel {
            enabled: Attr::Known(enabled),
            identity_update_behavior: Attr::Known("no_action".into()),
            scim_base_url: Attr::Known("https://scim".into()),
            seat_deprovision: Attr::Known(false),
            secret: Attr::from_option(secret.map(SecretString::new)),
            user_deprovision: Attr::Known(false),
        })
    }

    fn state(edit: impl FnOnce(&mut IdentityProviderModel, &mut ConfigModel)) -> Value {
        let mut model = IdentityProviderModel {
            id: Attr::Known("idp".into()),
            account_id: Attr::Known("acc".into()),
            name: Attr::Known("Login".into()),
            kind: Attr::Known("azureAD".into()),
            scim_config: scim(false, None),
            ..IdentityProviderModel::default()
        };
        let mut config = ConfigModel {
            client_id: Attr::Known("cid".into()),
            redirect_url: Attr::Known("https://team/cb".into()),
            ..ConfigModel::default()
        };
        edit(&mut model, &mut config);
        model.config = Attr::Known(config);
        model.to_value()
    }

    fn at<'a>(value: &'a Value, steps: &[&str]) -> &'a Value {
        value.at(&path(steps))
    }

    #[test]
    fn write_only_secret_is_never_copied_and_its_version_is_kept() {
        // A state can never hold the write-only secret; even if one did, no read rule copies it.
        let prior = state(|_, c| {
            c.client_secret_wo = Attr::Known(SecretString::new("wo"));
            c.client_secret_wo_version = Attr::Known("1".into());
        });
        let mut fresh = state(|_, _| {});
        after_read(&mut fresh, &prior);
        assert!(at(&fresh, &["config", "client_secret_wo"]).is_null());
        assert!(at(&fresh, &["config", "client_secret"]).is_null());
        assert_eq!(
            at(&fresh, &["config", "client_secret_wo_version"]),
            &Value::from("1")
        );
        assert!(!optional_paths()
            .iter()
            .any(|p| p == &path(&["config", "client_secret_wo"])));

        // After an apply: the planned version, and the planned null for the secret.
        let planned = state(|_, c| c.client_secret_wo_version = Attr::Known("2".into()));
        let response = state(|_, c| c.client_secret = Attr::Known(SecretString::new("wo")));
        let applied = after_apply(&planned, &response, &prior);
        assert!(at(&applied, &["config", "client_secret_wo"]).is_null());
        assert!(at(&applied, &["config", "client_secret"]).is_null());
        assert_eq!(
            at(&applied, &["config", "client_secret_wo_version"]),
            &Value::from("2")
        );
    }

    #[test]
    fn client_secret_is_kept_from_state() {
        let prior = state(|_, c| c.client_secret = Attr::Known(SecretString::new("s1")));
        let mut fresh = state(|_, _| {});
        after_read(&mut fresh, &prior);
        assert_eq!(at(&fresh, &["config", "client_secret"]), &Value::from("s1"));
    }

    #[test]
    fn client_secret_stays_null_after_import() {
        let mut fresh = state(|_, _| {});
        after_read(&mut fresh, &Value::Null);
        assert!(at(&fresh, &["config", "client_secret"]).is_null());
    }

    #[test]
    fn scim_secret_is_captured_once_and_kept() {
        let prior = state(|m, _| m.scim_config = scim(true, Some("real-secret")));
        let mut fresh = state(|m, _| m.scim_config = scim(true, Some("****************")));
        after_read(&mut fresh, &prior);
        assert_eq!(
            at(&fresh, &["scim_config", "secret"]),
            &Value::from("real-secret")
        );

        // After an import there is nothing to keep: a masked value is not a secret.
        let mut imported = state(|m, _| m.scim_config = scim(true, Some("****************")));
        after_read(&mut imported, &Value::Null);
        assert!(at(&imported, &["scim_config", "secret"]).is_null());
    }

    #[test]
    fn scim_base_url_falls_back_to_state() {
        let prior = state(|_, _| {});
        let mut fresh = state(|m, _| {
            if let Attr::Known(s) = &mut m.scim_config {
                s.scim_base_url = Attr::Null;
            }
        });
        after_read(&mut fresh, &prior);
        assert_eq!(
            at(&fresh, &["scim_config", "scim_base_url"]),
            &Value::from("https://scim")
        );
    }

    #[test]
    fn missing_scim_config_equals_default_settings() {
        let prior = state(|_, _| {});
        let mut fresh = state(|m, _| m.scim_config = Attr::Null);
        after_read(&mut fresh, &prior);
        assert_eq!(fresh.attr("scim_config"), prior.attr("scim_config"));

        // But SCIM that was on and is now gone is drift, and shows.
        let prior = state(|m, _| m.scim_config = scim(true, Some("s")));
        let mut fresh = state(|m, _| m.scim_config = Attr::Null);
        after_read(&mut fresh, &prior);
        assert!(fresh.attr("scim_config").is_null());
    }

    #[test]
    fn false_and_null_are_the_same_for_optional_bools() {
        // v5's three, plus pkce_enabled and read_only.
        let prior = state(|m, c| {
            c.sign_request = Attr::Null;
            c.support_groups = Attr::Known(false);
            c.conditional_access_enabled = Attr::Null;
            c.pkce_enabled = Attr::Null;
            m.read_only = Attr::Null;
        });
        let mut fresh = state(|m, c| {
            c.sign_request = Attr::Known(false);
            c.support_groups = Attr::Null;
            c.conditional_access_enabled = Attr::Known(false);
            c.pkce_enabled = Attr::Known(false);
            m.read_only = Attr::Known(false);
        });
        after_read(&mut fresh, &prior);
        assert_eq!(fresh, prior);
    }

    #[test]
    fn an_import_keeps_config_flags_and_drops_other_zero_values() {
        let mut fresh = state(|m, c| {
            c.support_groups = Attr::Known(false);
            c.claims = Attr::Known(vec![]);
            m.read_only = Attr::Known(false);
        });
        after_read(&mut fresh, &Value::Null);
        assert_eq!(
            at(&fresh, &["config", "support_groups"]),
            &Value::Bool(false)
        );
        assert!(at(&fresh, &["config", "claims"]).is_null());
        assert!(fresh.attr("read_only").is_null());
    }

    #[test]
    fn a_real_change_of_a_bool_is_kept() {
        let prior = state(|_, c| c.support_groups = Attr::Known(true));
        let mut fresh = state(|_, c| c.support_groups = Attr::Known(false));
        after_read(&mut fresh, &prior);
        assert_eq!(
            at(&fresh, &["config", "support_groups"]),
            &Value::Bool(false)
        );
    }

    #[test]
    fn empty_strings_and_lists_equal_null() {
        let prior = state(|m, c| {
            c.claims = Attr::Null;
            m.saml_certificate_set_id = Attr::Null;
        });
        let mut fresh = state(|m, c| {
            c.claims = Attr::Known(vec![]);
            m.saml_certificate_set_id = Attr::Known(String::new());
        });
        after_read(&mut fresh, &prior);
        assert_eq!(fresh, prior);
    }

    #[test]
    fn whitespace_and_order_differences_keep_the_configured_form() {
        let prior = state(|_, c| {
            c.idp_public_certs = Attr::Known(vec!["-----BEGIN-----\nabc\n-----END-----\n".into()]);
            c.claims = Attr::Known(vec!["groups".into(), "email".into()]);
            c.email_claim_name = Attr::Known("mail\n".into());
        });
        let mut fresh = state(|_, c| {
            c.idp_public_certs = Attr::Known(vec!["-----BEGIN-----\nabc\n-----END-----".into()]);
            c.claims = Attr::Known(vec!["email".into(), "groups".into()]);
            c.email_claim_name = Attr::Known("mail".into());
        });
        after_read(&mut fresh, &prior);
        assert_eq!(fresh, prior);

        // A different item is drift.
        let mut fresh = state(|_, c| c.claims = Attr::Known(vec!["email".into()]));
        after_read(&mut fresh, &prior);
        assert_eq!(
            at(&fresh, &["config", "claims"]),
            &Value::List(vec!["email".into()])
        );
    }

    #[test]
    fn case_only_differences_keep_the_configured_spelling() {
        let prior = state(|m, c| {
            m.kind = Attr::Known("AzureAD".into());
            c.prompt = Attr::Known("LOGIN".into());
        });
        let mut fresh = state(|_, c| c.prompt = Attr::Known("login".into()));
        after_read(&mut fresh, &prior);
        assert_eq!(fresh.attr("type"), &Value::from("AzureAD"));
        assert_eq!(at(&fresh, &["config", "prompt"]), &Value::from("LOGIN"));
    }

    #[test]
    fn apply_keeps_known_plan_values_and_fills_unknowns() {
        let mut planned = state(|m, c| {
            m.id = Attr::Unknown;
            m.read_only = Attr::Null;
            c.redirect_url = Attr::Unknown;
            c.enable_encryption = Attr::Unknown;
            c.client_secret = Attr::Known(SecretString::new("s1"));
        });
        planned.set_at(&path(&["scim_config"]), Value::unknown());
        planned.set_at(&path(&["saml_certificate_set"]), Value::unknown());
        let response = state(|m, c| {
            m.id = Attr::Known("new-id".into());
            m.read_only = Attr::Known(false);
            m.kind = Attr::Known("azureAD".into());
            m.scim_config = scim(false, None);
            c.redirect_url = Attr::Known("https://team/cb".into());
            c.enable_encryption = Attr::Known(false);
        });
        let applied = after_apply(&planned, &response, &Value::Null);
        assert!(applied.is_wholly_known());
        assert_eq!(applied.attr("id"), &Value::from("new-id"));
        assert!(applied.attr("read_only").is_null(), "planned null wins");
        assert_eq!(
            at(&applied, &["config", "client_secret"]),
            &Value::from("s1")
        );
        assert_eq!(
            at(&applied, &["config", "enable_encryption"]),
            &Value::Bool(false)
        );
        assert_eq!(applied.attr("scim_config"), response.attr("scim_config"));
        assert!(applied.attr("saml_certificate_set").is_null());
    }

    #[test]
    fn apply_captures_a_revealed_scim_secret_else_keeps_the_old_one() {
        let prior = state(|m, _| m.scim_config = scim(false, Some("old")));
        let mut planned = state(|m, _| m.scim_config = scim(true, None));
        planned.set_at(&scim_secret_path(), Value::unknown());

        let revealed = state(|m, _| m.scim_config = scim(true, Some("brand-new")));
        let applied = after_apply(&planned, &revealed, &prior);
        assert_eq!(applied.at(&scim_secret_path()), &Value::from("brand-new"));

        let masked = state(|m, _| m.scim_config = scim(true, Some("******")));
        let applied = after_apply(&planned, &masked, &prior);
        assert_eq!(applied.at(&scim_secret_path()), &Value::from("old"));

        let applied = after_apply(&planned, &masked, &Value::Null);
        assert!(applied.at(&scim_secret_path()).is_null());
    }

    #[test]
    fn secret_is_planned_unknown_only_when_scim_turns_on() {
        let prior = state(|m, _| m.scim_config = scim(false, Some("old")));

        let mut planned = state(|m, _| m.scim_config = scim(true, Some("old")));
        plan_scim_secret(&mut planned, &prior);
        assert!(planned.at(&scim_secret_path()).is_unknown());

        let mut planned = state(|m, _| m.scim_config = scim(true, Some("old")));
        planned.set_at(&path(&["scim_config", "enabled"]), Value::unknown());
        plan_scim_secret(&mut planned, &prior);
        assert!(planned.at(&scim_secret_path()).is_unknown());

        let mut planned = state(|m, _| m.scim_config = scim(false, None));
        planned.set_at(&scim_secret_path(), Value::unknown());
        plan_scim_secret(&mut planned, &prior);
        assert_eq!(planned.at(&scim_secret_path()), &Value::from("old"));

        // Already on: stays pinned.
        let prior = state(|m, _| m.scim_config = scim(true, Some("kept")));
        let mut planned = state(|m, _| m.scim_config = scim(true, None));
        planned.set_at(&scim_secret_path(), Value::unknown());
        plan_scim_secret(&mut planned, &prior);
        assert_eq!(planned.at(&scim_secret_path()), &Value::from("kept"));
    }

    #[test]
    fn plan_keeps_state_spelling_for_case_only_changes() {
        let prior = state(|m, _| m.kind = Attr::Known("azureAD".into()));
        let mut planned = state(|m, _| m.kind = Attr::Known("AZUREAD".into()));
        let kept = plan_keep_spelling(&mut planned, &prior);
        assert_eq!(kept, vec![path(&["type"])]);
        assert_eq!(planned.attr("type"), &Value::from("azureAD"));

        let mut planned = state(|m, _| m.kind = Attr::Known("okta".into()));
        assert!(plan_keep_spelling(&mut planned, &prior).is_empty());
        assert_eq!(planned.attr("type"), &Value::from("okta"));
    }
}
