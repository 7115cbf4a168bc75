//! The provider's settings: each key of the provider block with the environment variable read
//! when the block leaves it unset, their defaults and ranges, and the settings once resolved.

use crate::cloudflare::{self, Auth, ClientConfig, Pacing, RateLimit, RetryPolicy};

/// One provider setting: its key in the `provider "cloudflare" {}` block and the environment
/// variable read when the block leaves it unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The attribute name in the provider block.
    pub key: &'static str,
    /// The environment variable used as a fallback.
    pub env: &'static str,
}

/// API token (preferred credential).
pub const API_TOKEN: Setting = Setting {
    key: "api_token",
    env: "CLOUDFLARE_API_TOKEN",
};
/// Global API key (legacy credential, needs `email`).
pub const API_KEY: Setting = Setting {
    key: "api_key",
    env: "CLOUDFLARE_API_KEY",
};
/// Email address that goes with the global API key.
pub const EMAIL: Setting = Setting {
    key: "email",
    env: "CLOUDFLARE_EMAIL",
};
/// Origin CA user service key.
pub const API_USER_SERVICE_KEY: Setting = Setting {
    key: "api_user_service_key",
    env: "CLOUDFLARE_API_USER_SERVICE_KEY",
};
/// API root URL.
pub const BASE_URL: Setting = Setting {
    key: "base_url",
    env: "CLOUDFLARE_BASE_URL",
};
/// Text appended to the User-Agent header.
pub const USER_AGENT_OPERATOR_SUFFIX: Setting = Setting {
    key: "user_agent_operator_suffix",
    env: "CLOUDFLARE_USER_AGENT_OPERATOR_SUFFIX",
};
/// Retries after a failed request.
pub const RETRIES: Setting = Setting {
    key: "retries",
    env: "CLOUDFLARE_RETRIES",
};
/// Shortest wait between retries, in seconds.
pub const MIN_BACKOFF: Setting = Setting {
    key: "min_backoff",
    env: "CLOUDFLARE_MIN_BACKOFF",
};
/// Longest computed wait between retries, in seconds.
pub const MAX_BACKOFF: Setting = Setting {
    key: "max_backoff",
    env: "CLOUDFLARE_MAX_BACKOFF",
};
/// A fixed ceiling on requests per second (unset: none; 0 turns off all client-side
/// limiting, pacing included).
pub const RPS: Setting = Setting {
    key: "rps",
    env: "CLOUDFLARE_RPS",
};
/// Total time budget for retrying one request, in seconds.
pub const MAX_RETRY_DURATION: Setting = Setting {
    key: "max_retry_duration",
    env: "CLOUDFLARE_MAX_RETRY_DURATION",
};

/// The three mutually exclusive credentials, in order of preference.
pub const CREDENTIALS: [Setting; 3] = [API_TOKEN, API_KEY, API_USER_SERVICE_KEY];

/// Environment only: the budget assumed when the API reports none, as `REQUESTS/SECONDS`.
pub const RATE_LIMIT_BUDGET_ENV: &str = "CLOUDFLARE_RATE_LIMIT_BUDGET";
/// Environment only: the directory holding the shared request window, instead of the user's
/// cache directory.
pub const RATE_LIMIT_STATE_DIR_ENV: &str = "CLOUDFLARE_RATE_LIMIT_STATE_DIR";

/// Defaults for the reliability settings.
pub mod defaults {
    /// Retries after the first attempt (cloudflare-go's current default).
    pub const RETRIES: u32 = 10;
    /// Seconds.
    pub const MIN_BACKOFF: f64 = 1.0;
    /// Seconds.
    pub const MAX_BACKOFF: f64 = 30.0;
    /// Seconds: as long as Cloudflare blocks a client that exceeded its budget.
    pub const MAX_RETRY_DURATION: f64 = 300.0;
}

/// Accepted ranges of the numeric settings (inclusive).
pub(super) mod limits {
    pub const RETRIES: (f64, f64) = (0.0, 100.0);
    pub const BACKOFF: (f64, f64) = (0.0, 3600.0);
    pub const RPS: (f64, f64) = (0.0, 10_000.0);
    pub const MAX_RETRY_DURATION: (f64, f64) = (0.0, 86_400.0);
}

/// The provider configuration after merging the provider block with the environment.
#[derive(Clone, PartialEq)]
pub struct ResolvedConfig {
    /// Credentials (Debug never shows them).
    pub auth: Auth,
    /// API root.
    pub base_url: String,
    /// Appended to the User-Agent.
    pub user_agent_suffix: Option<String>,
    /// Retry behaviour.
    pub retry: RetryPolicy,
    /// Pacing by the API's reported budget; `None` when client-side limiting is off.
    pub pacing: Option<Pacing>,
    /// The user's fixed ceiling (`rps`); `None` when there is none.
    pub rate_limit: Option<RateLimit>,
}

impl std::fmt::Debug for ResolvedConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Auth`'s own Debug redacts the secrets.
        f.debug_struct("ResolvedConfig")
            .field("auth", &self.auth)
            .field("base_url", &self.base_url)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("retry", &self.retry)
            .field("pacing", &self.pacing)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl ResolvedConfig {
    /// The client configuration, with a User-Agent naming this provider, Terraform and the
    /// operator suffix.
    pub fn client_config(&self, terraform_version: Option<&str>) -> ClientConfig {
        let mut user_agent = cloudflare::user_agent(env!("CARGO_PKG_VERSION"), terraform_version);
        if let Some(suffix) = &self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        ClientConfig {
            base_url: self.base_url.clone(),
            auth: self.auth.clone(),
            user_agent,
            retry: self.retry.clone(),
            pacing: self.pacing.clone(),
            rate_limit: self.rate_limit.clone(),
            request_timeout: cloudflare::DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const TOKEN: &str = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCD";

    fn resolved(user_agent_suffix: Option<&str>) -> ResolvedConfig {
        ResolvedConfig {
            auth: Auth::Token(TOKEN.into()),
            base_url: cloudflare::DEFAULT_BASE_URL.into(),
            user_agent_suffix: user_agent_suffix.map(str::to_owned),
            retry: RetryPolicy::default(),
            pacing: Some(Pacing {
                assumed_budget: RateLimit::default(),
                state_dir: None,
            }),
            rate_limit: Some(RateLimit {
                requests: 2,
                per: Duration::from_secs(1),
            }),
        }
    }

    #[test]
    fn debug_output_hides_credentials() {
        let resolved = resolved(None);
        let text = format!("{resolved:?} {:?}", resolved.client_config(None));
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("base_url"), "{text}");
    }

    #[test]
    fn the_user_agent_names_the_provider_terraform_and_the_operator() {
        let client = resolved(Some("team-idp")).client_config(Some("1.11.4"));
        assert!(client.user_agent.starts_with(&format!(
            "terraform-provider-cloudflare-access/{}",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(client.user_agent.contains("1.11.4"));
        assert!(client.user_agent.ends_with(" team-idp"));
        assert_eq!(client.auth, Auth::Token(TOKEN.into()));
        assert_eq!(
            resolved(None).client_config(None).rate_limit,
            Some(RateLimit {
                requests: 2,
                per: Duration::from_secs(1)
            })
        );
    }
}
