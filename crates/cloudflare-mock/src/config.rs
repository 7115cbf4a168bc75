//! Start-up settings of the mock: accepted credentials, team name, state file, page size.

use std::fmt;
use std::path::PathBuf;

/// The API token every mock accepts unless configured otherwise. It has the shape of a real
/// Cloudflare API token (40+ characters of `[0-9A-Za-z-_]`) so providers that check it pass.
pub const DEFAULT_TOKEN: &str = "mock-api-token-0123456789abcdefghijklmnop";

/// An account id for demos and examples. Any 32-character lowercase hex id works as an owner.
pub const DEFAULT_ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// How the mock is set up when it starts.
#[derive(Clone)]
pub struct MockConfig {
    /// API tokens accepted as `Authorization: Bearer <token>`.
    pub tokens: Vec<String>,
    /// `(email, key)` pairs accepted as `X-Auth-Email` + `X-Auth-Key` (global API key).
    pub global_keys: Vec<(String, String)>,
    /// Keys accepted as `X-Auth-User-Service-Key`.
    pub user_service_keys: Vec<String>,
    /// Zero Trust team name; it appears in `redirect_url` and `scim_base_url`.
    pub team_name: String,
    /// When set, state is loaded from this file at start and saved after every mutation.
    pub state_file: Option<PathBuf>,
    /// Page size of the list endpoint when the request has no `per_page`.
    pub default_per_page: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            tokens: vec![DEFAULT_TOKEN.to_string()],
            global_keys: Vec::new(),
            user_service_keys: Vec::new(),
            team_name: "mock-team".to_string(),
            state_file: None,
            default_per_page: 25,
        }
    }
}

/// Credentials are shown only as counts so they can never leak through `{:?}`.
impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("tokens", &format_args!("<{} redacted>", self.tokens.len()))
            .field(
                "global_keys",
                &format_args!("<{} redacted>", self.global_keys.len()),
            )
            .field(
                "user_service_keys",
                &format_args!("<{} redacted>", self.user_service_keys.len()),
            )
            .field("team_name", &self.team_name)
            .field("state_file", &self.state_file)
            .field("default_per_page", &self.default_per_page)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_credentials() {
        let config = MockConfig {
            global_keys: vec![("me@example.com".into(), "global-key-value".into())],
            user_service_keys: vec!["v1.0-service-key".into()],
            ..MockConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains(DEFAULT_TOKEN));
        assert!(!shown.contains("global-key-value"));
        assert!(!shown.contains("me@example.com"));
        assert!(!shown.contains("v1.0-service-key"));
        assert!(shown.contains("mock-team"));
    }
}
