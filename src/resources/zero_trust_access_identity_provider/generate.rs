//! The configuration Terraform writes for an imported or listed identity provider
//! (`-generate-config-out`): what the object really sets, without Cloudflare's defaults and
//! without the secrets Cloudflare never returns. A provider cannot put comments in the
//! generated HCL: Terraform writes it from the returned value, marking each sensitive attribute
//! `null # sensitive` itself. The secrets are also named in warnings, which the protocol
//! carries but Terraform 1.14 and 1.15 do not print; the resource docs list them.

use crate::framework::resource::GenerateConfigResponse;
use crate::framework::{AttributePath, Value};

/// Optional+computed `config` attributes Cloudflare fills with `false` when unset.
const DEFAULT_FALSE_SETTINGS: [&str; 2] = ["enable_encryption", "restrict_to_account_members"];

/// Fills `response.config` (which arrives as the state without computed-only and write-only
/// values) with what applying it should keep: left-out optional+computed values keep what the
/// object has, so the plan after the import is empty.
pub fn config_for_import(state: &Value, response: &mut GenerateConfigResponse) {
    let config = &mut response.config;
    let settings = AttributePath::attribute("config");
    // Cloudflare never returns it; state after an import holds null anyway.
    config.set_at(&settings.clone().attr("client_secret"), Value::Null);
    for name in DEFAULT_FALSE_SETTINGS {
        let path = settings.clone().attr(name);
        if config.at(&path).as_bool() != Some(true) {
            config.set_at(&path, Value::Null);
        }
    }
    let scim_enabled = state.at(&scim("enabled")).as_bool() == Some(true);
    if !scim_enabled {
        // Every object reports a disabled SCIM block; configuration need not repeat it (and a
        // one-time PIN login may not have one at all).
        config.set_at(&AttributePath::attribute("scim_config"), Value::Null);
    }

    let about = describe(state);
    if state
        .at(&settings.clone().attr("client_id"))
        .as_str()
        .is_some()
    {
        response.diagnostics.warning(
            "Client Secret Left Out of Generated Configuration",
            format!(
                "Cloudflare never returns the client secret of {about}, so the generated \
                 configuration leaves config.client_secret null (Terraform marks it \
                 `# sensitive`) and the import keeps the secret Cloudflare has. To manage the \
                 secret from Terraform, set config.client_secret_wo and \
                 config.client_secret_wo_version; the secret then stays out of plan and state."
            ),
        );
    }
    if scim_enabled {
        response.diagnostics.warning(
            "SCIM Secret Left Out of Generated Configuration",
            format!(
                "Cloudflare shows the SCIM secret of {about} only once, when SCIM is first \
                 enabled, so neither the generated configuration nor the imported state holds \
                 scim_config.secret. If a SCIM client still needs it, regenerate it in the Zero \
                 Trust dashboard."
            ),
        );
    }
}

fn scim(name: &str) -> AttributePath {
    AttributePath::attribute("scim_config").attr(name)
}

/// `identity provider "GitHub" (<id>)`.
fn describe(state: &Value) -> String {
    let name = state.attr("name").as_str().unwrap_or_default();
    let id = state.attr("id").as_str().unwrap_or_default();
    format!("identity provider {name:?} ({id})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudflare::{IdentityProvider, Scope};
    use crate::framework::plan::config_from_state;
    use crate::resources::zero_trust_access_identity_provider::list::listed_state;
    use crate::resources::zero_trust_access_identity_provider::schema::resource_schema;

    /// A listed object's state, as the list resource builds it from an API answer.
    fn state(kind: &str, client_id: Option<&str>, scim_enabled: bool) -> Value {
        let api: IdentityProvider = serde_json::from_value(serde_json::json!({
            "id": "idp-1",
            "name": "Login",
            "type": kind,
            "config": {"client_id": client_id, "enable_encryption": false},
            "scim_config": {"enabled": scim_enabled, "identity_update_behavior": "no_action",
                            "scim_base_url": "https://scim.example", "seat_deprovision": false,
                            "user_deprovision": false},
        }))
        .unwrap();
        let mut state = listed_state(&api, &Scope::Account("acc".into()), "idp-1");
        // Not from Cloudflare, but a state written by an apply may hold it.
        state.set_at(
            &AttributePath::attribute("config").attr("client_secret"),
            Value::from("kept-in-state"),
        );
        state
    }

    fn generate(state: &Value) -> GenerateConfigResponse {
        let mut response = GenerateConfigResponse {
            config: config_from_state(&resource_schema(), state),
            ..GenerateConfigResponse::default()
        };
        config_for_import(state, &mut response);
        response
    }

    #[test]
    fn defaults_and_secrets_are_left_out_and_named_in_warnings() {
        let generated = generate(&state("github", Some("cid"), false));
        let config = &generated.config;
        assert!(config.attr("scim_config").is_null());
        assert!(config.attr("id").is_null(), "id is computed-only");
        assert!(config.attr("config").attr("client_secret").is_null());
        assert!(config.attr("config").attr("enable_encryption").is_null());
        assert_eq!(config.attr("config").attr("client_id"), &Value::from("cid"));
        let summaries: Vec<_> = generated.diagnostics.iter().map(|d| &d.summary).collect();
        assert_eq!(
            summaries,
            ["Client Secret Left Out of Generated Configuration"]
        );
        let detail = &generated.diagnostics.iter().next().unwrap().detail;
        assert!(detail.contains("\"Login\" (idp-1)"), "{detail}");
        assert!(!detail.contains("kept-in-state"));
    }

    #[test]
    fn an_enabled_scim_block_is_kept_without_its_computed_values() {
        let generated = generate(&state("azureAD", Some("cid"), true));
        let scim = generated.config.attr("scim_config");
        assert_eq!(scim.attr("enabled"), &Value::from(true));
        assert!(scim.attr("scim_base_url").is_null());
        assert!(scim.attr("secret").is_null());
        assert_eq!(generated.diagnostics.iter().count(), 2);

        let pin = generate(&state("onetimepin", None, false));
        assert!(pin.diagnostics.is_empty());
        assert!(pin.config.attr("scim_config").is_null());
    }
}
