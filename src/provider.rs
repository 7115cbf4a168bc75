//! The `cloudflare` provider: its schema, its configuration (each setting from the provider
//! block first, then from its environment variable), and the resources it offers.
//!
//! Resolution is a pure function of the configuration and an environment lookup, so tests
//! never touch the process environment.

use crate::cloudflare::{self, Auth, ClientConfig, Pacing, RateLimit, RetryPolicy};
use crate::framework::resource::Context;
use crate::framework::{
    Attribute, AttributePath, Block, Diagnostics, Number, Provider, ProviderData, Resource, Schema,
    Value,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// One provider setting: its key in the `provider "cloudflare" {}` block and the environment
/// variable read when the block leaves it unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The attribute name in the provider block.
    pub key: &'static str,
    /// The environment variable used as a fallback.
    pub env: &'static str,
}

/// Every provider setting, in one place.
pub mod settings {
    use super::Setting;

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
}

use settings::*;

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
mod limits {
    pub const RETRIES: (f64, f64) = (0.0, 100.0);
    pub const BACKOFF: (f64, f64) = (0.0, 3600.0);
    pub const RPS: (f64, f64) = (0.0, 10_000.0);
    pub const MAX_RETRY_DURATION: (f64, f64) = (0.0, 86_400.0);
}

/// The shape a credential must have, checked alike whether it comes from the provider block or
/// from its environment variable.
struct CredentialShape {
    /// Fewest characters.
    min: usize,
    /// Most characters, if there is a limit.
    max: Option<usize>,
    /// How people call it in messages.
    what: &'static str,
}

/// API tokens Cloudflare issues are 40 characters of letters, digits, `-` and `_`, so anything
/// shorter is a truncated copy. Cloudflare's newer token formats (with a prefix naming the token
/// kind) are longer, so there is no upper limit: v5's 80 would one day reject a real token, and
/// the character check already catches pasted text that is not a token.
const API_TOKEN_SHAPE: CredentialShape = CredentialShape {
    min: 40,
    max: None,
    what: "Cloudflare API tokens are at least 40 letters, digits, '-' and '_' (tokens are 40 \
           characters today; newer formats are longer)",
};
/// Global API keys are 37 hexadecimal characters; v5 allows 37 to 60 and so does this.
const API_KEY_SHAPE: CredentialShape = CredentialShape {
    min: 37,
    max: Some(60),
    what: "Global API keys are 37 to 60 letters, digits, '-' and '_'",
};

/// Looks up an environment variable; `None` when unset.
pub type EnvLookup = fn(&str) -> Option<String>;

/// The `cloudflare` provider.
#[derive(Debug, Clone, Copy)]
pub struct CloudflareProvider {
    env: EnvLookup,
}

impl Default for CloudflareProvider {
    /// Reads the process environment.
    fn default() -> Self {
        Self { env: process_env }
    }
}

impl CloudflareProvider {
    /// A provider reading settings from `env` instead of the process environment (for tests
    /// that must not depend on, or change, the environment they run in).
    pub fn with_env(env: EnvLookup) -> Self {
        Self { env }
    }
}

#[async_trait::async_trait]
impl Provider for CloudflareProvider {
    fn type_name(&self) -> &'static str {
        "cloudflare"
    }

    fn schema(&self) -> Schema {
        provider_schema()
    }

    fn validate_config(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate(config, &self.env, diagnostics);
    }

    async fn configure(
        &self,
        ctx: &Context,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData> {
        let resolved = match resolve(config, &self.env) {
            Ok(resolved) => resolved,
            Err(problems) => {
                diagnostics.extend(problems);
                return None;
            }
        };
        let client_config = resolved.client_config(ctx.terraform_version.as_deref());
        match cloudflare::Client::new(client_config) {
            Ok(client) => Some(Arc::new(client)),
            Err(err) => {
                diagnostics.error(
                    "Invalid Provider Configuration",
                    format!(
                        "The Cloudflare API client could not be built: {err}. Check the \
                         provider block and the CLOUDFLARE_* environment variables."
                    ),
                );
                None
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        crate::resources::all()
    }

    fn data_sources(&self) -> Vec<Arc<dyn crate::framework::DataSource>> {
        crate::data_sources::all()
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The schema of the `provider "cloudflare" {}` block.
pub fn provider_schema() -> Schema {
    let attributes = vec![
        Attribute::string(API_TOKEN.key)
            .sensitive()
            .description(format!(
            "The API token used to authenticate with Cloudflare (recommended). Create one with \
             the \"Access: Organizations, Identity Providers, and Groups Write\" permission \
             (Read is enough for plan). Must be at least 40 letters, digits, `-` or `_` (tokens \
             are 40 characters today; newer formats are longer), from here or from the \
             environment variable alike. Falls back to the `{}` environment variable. \
             Conflicts with `api_key` and `api_user_service_key`.",
            API_TOKEN.env
        )),
        Attribute::string(API_KEY.key)
            .sensitive()
            .description(format!(
                "The global API key (legacy). Requires `email`. Must be 37 to 60 letters, digits, \
             `-` or `_`. Falls back to the `{}` environment variable. Conflicts with \
             `api_token` and `api_user_service_key`.",
                API_KEY.env
            )),
        Attribute::string(EMAIL.key).description(format!(
            "The email address of the account that owns `api_key`. Falls back to the `{}` \
             environment variable.",
            EMAIL.env
        )),
        Attribute::string(API_USER_SERVICE_KEY.key)
            .sensitive()
            .description(format!(
                "An Origin CA user service key. Falls back to the `{}` environment variable. \
                 Conflicts with `api_token` and `api_key`.",
                API_USER_SERVICE_KEY.env
            )),
        Attribute::string(BASE_URL.key).description(format!(
            "The root URL of the Cloudflare API, ending with `/client/v4`, for example to go \
             through a proxy or to reach a mock. Defaults to `{}`. Falls back to the `{}` \
             environment variable.",
            cloudflare::DEFAULT_BASE_URL,
            BASE_URL.env
        )),
        Attribute::string(USER_AGENT_OPERATOR_SUFFIX.key).description(format!(
            "Text appended to the `User-Agent` header of every API request, so that requests \
             can be attributed to a team or pipeline in Cloudflare's audit logs. Falls back to \
             the `{}` environment variable.",
            USER_AGENT_OPERATOR_SUFFIX.env
        )),
        Attribute::number(RETRIES.key).description(format!(
            "How many times a failed request (HTTP 408, 429, 5xx, timeouts and connection \
             errors) is retried. Whole number from {} to {}; defaults to {}. Falls back to the \
             `{}` environment variable. Not in Cloudflare's v5 provider.",
            limits::RETRIES.0,
            limits::RETRIES.1,
            defaults::RETRIES,
            RETRIES.env
        )),
        Attribute::number(MIN_BACKOFF.key).description(format!(
            "The shortest wait between retries, in seconds (fractions allowed, {} to {}); \
             defaults to {}. Falls back to the `{}` environment variable. Not in Cloudflare's \
             v5 provider.",
            limits::BACKOFF.0,
            limits::BACKOFF.1,
            defaults::MIN_BACKOFF,
            MIN_BACKOFF.env
        )),
        Attribute::number(MAX_BACKOFF.key).description(format!(
            "The longest computed wait between retries, in seconds (fractions allowed, {} to \
             {}, at least `min_backoff`); defaults to {}. A `Retry-After` sent by Cloudflare is \
             honoured even when longer. Falls back to the `{}` environment variable. Not in \
             Cloudflare's v5 provider.",
            limits::BACKOFF.0,
            limits::BACKOFF.1,
            defaults::MAX_BACKOFF,
            MAX_BACKOFF.env
        )),
        Attribute::number(RPS.key).description(format!(
            "A fixed ceiling on API requests per second, shared by all resources (fractions \
             allowed, {} to {}). Unset by default: the provider then paces itself by \
             Cloudflare's own account of the rate budget, which every API response reports in \
             its `Ratelimit` and `Ratelimit-Policy` headers. It sends at full speed while more \
             than a quarter of the budget is left, then spreads what is left evenly until the \
             budget resets, keeps a small reserve for other clients' requests in flight, and \
             waits for the reset rather than send a request that would be refused with HTTP 429 \
             (which blocks the credentials for five minutes). The budget is shared with other \
             tools and Terraform runs using the same credentials; the headers show what they \
             spend. When the API sends no such headers (some proxies), the provider counts its \
             own requests in a sliding window of Cloudflare's documented budget of 1200 \
             requests per 5 minutes, using at most nine tenths of it, and shares that count \
             with its other runs through a small file in the user's cache directory (see \
             \"Rate limits and retries\" for the details and the environment variables that \
             change them). Set `rps` only to go slower than that; `0` turns off all \
             client-side limiting, pacing included. Falls back to the `{}` environment \
             variable. Not in Cloudflare's v5 provider.",
            limits::RPS.0,
            limits::RPS.1,
            RPS.env
        )),
        Attribute::number(MAX_RETRY_DURATION.key).description(format!(
            "The total time, in seconds, after which no further retry of a request is \
             started ({} to {}); defaults to {}. Falls back to the `{}` environment variable. \
             Not in Cloudflare's v5 provider.",
            limits::MAX_RETRY_DURATION.0,
            limits::MAX_RETRY_DURATION.1,
            defaults::MAX_RETRY_DURATION,
            MAX_RETRY_DURATION.env
        )),
    ];
    Schema {
        version: 0,
        block: Block {
            attributes,
            description: "The cloudflare-access provider manages Cloudflare Zero Trust Access \
                          identity providers, next to Cloudflare's official provider. \
                          Authenticate with an API token (api_token or CLOUDFLARE_API_TOKEN)."
                .into(),
            markdown_description: "The `cloudflare-access` provider manages Cloudflare Zero \
                                   Trust Access identity providers, next to Cloudflare's \
                                   official provider. Authenticate with an API token \
                                   (`api_token` or `CLOUDFLARE_API_TOKEN`)."
                .into(),
            ..Block::default()
        },
    }
}

/// Where a resolved setting came from; messages name the attribute or the variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Config,
    Env,
}

impl Source {
    fn name(self, setting: Setting) -> &'static str {
        match self {
            Source::Config => setting.key,
            Source::Env => setting.env,
        }
    }
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

/// A string setting from the provider block, else from the environment. Empty environment
/// values count as unset (a common way of "unsetting" a variable in CI).
fn lookup_string(
    config: &Value,
    setting: Setting,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, Source)> {
    if let Some(value) = config.attr(setting.key).as_str() {
        return Some((value.to_owned(), Source::Config));
    }
    env(setting.env)
        .filter(|v| !v.trim().is_empty())
        .map(|v| (v, Source::Env))
}

/// A number setting from the provider block, else from the environment.
fn lookup_number(
    config: &Value,
    setting: Setting,
    env: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Diagnostics,
) -> Option<(f64, Source)> {
    if let Value::Number(n) = config.attr(setting.key) {
        return Some((n.as_f64(), Source::Config));
    }
    let text = env(setting.env).filter(|v| !v.trim().is_empty())?;
    match Number::parse(text.trim()) {
        Some(n) => Some((n.as_f64(), Source::Env)),
        None => {
            diagnostics.error(
                "Invalid Environment Variable",
                format!(
                    "{} must be a number, got {text:?}. Fix or unset the variable, or set \
                     `{}` in the provider block (which takes precedence).",
                    setting.env, setting.key
                ),
            );
            None
        }
    }
}

/// Checks one number against its range; `whole` also demands an integer.
fn check_range(
    setting: Setting,
    source: Source,
    value: f64,
    (low, high): (f64, f64),
    whole: bool,
    diagnostics: &mut Diagnostics,
) -> bool {
    let ok = value.is_finite() && value >= low && value <= high && (!whole || value.fract() == 0.0);
    if !ok {
        let what = if whole { "a whole number" } else { "a number" };
        let detail = format!(
            "{} must be {what} between {low} and {high}, got {value}.",
            source.name(setting)
        );
        match source {
            Source::Config => diagnostics.attribute_error(
                AttributePath::attribute(setting.key),
                "Invalid Attribute Value",
                detail,
            ),
            Source::Env => diagnostics.error("Invalid Environment Variable", detail),
        }
    }
    ok
}

/// Why a credential does not look like one Cloudflare issues, without revealing it.
fn credential_shape_problem(value: &str, shape: &CredentialShape) -> Option<String> {
    let length = value.chars().count();
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some("contains a character other than letters, digits, '-' and '_'".into())
    } else if length < shape.min {
        Some(format!(
            "is shorter than {} characters ({length})",
            shape.min
        ))
    } else {
        shape
            .max
            .filter(|max| length > *max)
            .map(|max| format!("is longer than {max} characters ({length})"))
    }
}

/// The shape rule for a credential setting, if it has one.
fn credential_shape(setting: Setting) -> Option<&'static CredentialShape> {
    if setting == API_TOKEN {
        Some(&API_TOKEN_SHAPE)
    } else if setting == API_KEY {
        Some(&API_KEY_SHAPE)
    } else {
        None
    }
}

/// Checks a credential's shape, one rule for both sources; the message names where the value
/// came from and never quotes it.
fn check_credential(
    setting: Setting,
    source: Source,
    value: &str,
    diagnostics: &mut Diagnostics,
) -> bool {
    let Some(shape) = credential_shape(setting) else {
        return true;
    };
    let Some(problem) = credential_shape_problem(value.trim(), shape) else {
        return true;
    };
    let place = match source {
        Source::Config => format!("{} in the provider block", setting.key),
        Source::Env => format!("The {} environment variable", setting.env),
    };
    let detail = format!(
        "{place} {problem}. {}; check that the whole value was copied.",
        shape.what
    );
    match source {
        Source::Config => diagnostics.attribute_error(
            AttributePath::attribute(setting.key),
            "Invalid Attribute Value Match",
            detail,
        ),
        Source::Env => diagnostics.error("Invalid Environment Variable", detail),
    }
    false
}

/// Configuration-time checks (values may still be unknown; unknown values are skipped).
/// Only the provider block is checked for conflicts; the environment is consulted only to
/// avoid demanding `email` when `CLOUDFLARE_EMAIL` provides it.
pub fn validate(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Diagnostics,
) {
    for setting in [API_TOKEN, API_KEY] {
        if let Some(value) = config.attr(setting.key).as_str() {
            check_credential(setting, Source::Config, value, diagnostics);
        }
    }

    let set_in_config: Vec<Setting> = CREDENTIALS
        .into_iter()
        .filter(|s| !config.attr(s.key).is_null() && !config.attr(s.key).is_unknown())
        .collect();
    if let [first, rest @ ..] = set_in_config.as_slice() {
        for other in rest {
            diagnostics.attribute_error(
                AttributePath::attribute(other.key),
                "Invalid Attribute Combination",
                format!(
                    "Attribute \"{}\" cannot be specified when \"{}\" is specified. Configure \
                     exactly one of api_token, api_key (with email) or api_user_service_key.",
                    other.key, first.key
                ),
            );
        }
    }

    let api_key = config.attr(API_KEY.key);
    let email = config.attr(EMAIL.key);
    if !api_key.is_null()
        && !api_key.is_unknown()
        && email.is_null()
        && env(EMAIL.env).is_none_or(|v| v.trim().is_empty())
    {
        diagnostics.attribute_error(
            AttributePath::attribute(API_KEY.key),
            "Invalid Attribute Combination",
            format!(
                "Attribute \"{}\" must be specified when \"{}\" is specified (or set the {} \
                 environment variable).",
                EMAIL.key, API_KEY.key, EMAIL.env
            ),
        );
    }

    if let Some(url) = config.attr(BASE_URL.key).as_str() {
        if let Some(problem) = base_url_problem(url) {
            diagnostics.attribute_error(
                AttributePath::attribute(BASE_URL.key),
                "Invalid Attribute Value",
                format!("Attribute base_url {problem}."),
            );
        }
    }

    let mut numbers = Vec::new();
    for (setting, range, whole) in number_settings() {
        if let Value::Number(n) = config.attr(setting.key) {
            let value = n.as_f64();
            if check_range(setting, Source::Config, value, range, whole, diagnostics) {
                numbers.push((setting, value));
            }
        }
    }
    let known = |s: Setting| numbers.iter().find(|(n, _)| *n == s).map(|(_, v)| *v);
    if let (Some(min), Some(max)) = (known(MIN_BACKOFF), known(MAX_BACKOFF)) {
        if max < min {
            diagnostics.attribute_error(
                AttributePath::attribute(MAX_BACKOFF.key),
                "Invalid Attribute Combination",
                format!("max_backoff ({max}) must not be less than min_backoff ({min})."),
            );
        }
    }
}

fn number_settings() -> [(Setting, (f64, f64), bool); 5] {
    [
        (RETRIES, limits::RETRIES, true),
        (MIN_BACKOFF, limits::BACKOFF, false),
        (MAX_BACKOFF, limits::BACKOFF, false),
        (RPS, limits::RPS, false),
        (MAX_RETRY_DURATION, limits::MAX_RETRY_DURATION, false),
    ]
}

fn base_url_problem(url: &str) -> Option<&'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some("must start with https:// (or http:// for a local proxy)"),
        Some(host) if host.is_empty() || host.starts_with('/') => Some("must name a host"),
        Some(_) if url.chars().any(char::is_whitespace) => Some("must not contain spaces"),
        Some(_) => None,
    }
}

/// Merges the provider block with the environment and checks the result. Credentials set in
/// the provider block take precedence as a whole: when any is set there, credential
/// environment variables are ignored, so an exported `CLOUDFLARE_API_TOKEN` never conflicts
/// with an `api_key` written in configuration.
pub fn resolve(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ResolvedConfig, Diagnostics> {
    let mut diagnostics = Diagnostics::new();

    let unknown: Vec<String> = provider_schema()
        .block
        .attributes
        .into_iter()
        .map(|a| a.name)
        .filter(|name| config.attr(name).is_unknown())
        .collect();
    if !unknown.is_empty() {
        diagnostics.error(
            "Provider Configuration Not Yet Known",
            format!(
                "The provider block sets {} from values that are only known after apply. The \
                 provider needs them to talk to Cloudflare; use values known at plan time (for \
                 example variables or environment variables), or apply the resources they come \
                 from first with -target.",
                unknown.join(", ")
            ),
        );
        return Err(diagnostics);
    }

    let auth = resolve_auth(config, env, &mut diagnostics);

    let base_url = match lookup_string(config, BASE_URL, env) {
        Some((url, source)) => {
            if let Some(problem) = base_url_problem(&url) {
                diagnostics.error(
                    "Invalid Provider Configuration",
                    format!("{} {problem}.", source.name(BASE_URL)),
                );
            }
            url.trim_end_matches('/').to_owned()
        }
        None => cloudflare::DEFAULT_BASE_URL.to_owned(),
    };

    let user_agent_suffix = lookup_string(config, USER_AGENT_OPERATOR_SUFFIX, env)
        .map(|(s, _)| s.trim().to_owned())
        .filter(|s| !s.is_empty());

    let mut number = |setting: Setting| -> Option<f64> {
        let (range, whole) = number_settings()
            .into_iter()
            .find(|(s, _, _)| *s == setting)
            .map(|(_, r, w)| (r, w))
            .unwrap_or(((0.0, f64::MAX), false));
        match lookup_number(config, setting, env, &mut diagnostics) {
            Some((value, source))
                if check_range(setting, source, value, range, whole, &mut diagnostics) =>
            {
                Some(value)
            }
            _ => None,
        }
    };
    let retries = number(RETRIES).unwrap_or(f64::from(defaults::RETRIES));
    let min_backoff = number(MIN_BACKOFF).unwrap_or(defaults::MIN_BACKOFF);
    let max_backoff = number(MAX_BACKOFF).unwrap_or(defaults::MAX_BACKOFF);
    let rps = number(RPS);
    let max_retry_duration = number(MAX_RETRY_DURATION).unwrap_or(defaults::MAX_RETRY_DURATION);
    let pacing = match rps {
        Some(rps) if rps <= 0.0 => None,
        _ => Some(Pacing {
            assumed_budget: assumed_budget(env, &mut diagnostics),
            state_dir: rate_state_dir(env),
        }),
    };
    if max_backoff < min_backoff {
        diagnostics.error(
            "Invalid Provider Configuration",
            format!(
                "max_backoff ({max_backoff} s) must not be less than min_backoff \
                 ({min_backoff} s); check the provider block and the {} and {} environment \
                 variables.",
                MAX_BACKOFF.env, MIN_BACKOFF.env
            ),
        );
    }

    match auth {
        Some(auth) if !diagnostics.has_errors() => Ok(ResolvedConfig {
            auth,
            base_url,
            user_agent_suffix,
            retry: RetryPolicy {
                // The range check above keeps these casts exact.
                max_retries: retries as u32,
                min_backoff: Duration::from_secs_f64(min_backoff),
                max_backoff: Duration::from_secs_f64(max_backoff),
                max_elapsed: Duration::from_secs_f64(max_retry_duration),
                max_unreachable: cloudflare::DEFAULT_MAX_UNREACHABLE,
            },
            pacing,
            rate_limit: rps.and_then(rate_limit_for),
        }),
        _ => Err(diagnostics),
    }
}

/// The budget to assume when the API reports none: Cloudflare's documented 1200 requests per
/// 5 minutes, unless `CLOUDFLARE_RATE_LIMIT_BUDGET` says otherwise (e.g. for a proxy with its
/// own limit).
fn assumed_budget(
    env: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Diagnostics,
) -> RateLimit {
    let Some(text) = env(RATE_LIMIT_BUDGET_ENV).filter(|v| !v.trim().is_empty()) else {
        return RateLimit::default();
    };
    let parsed = text.trim().split_once('/').and_then(|(requests, seconds)| {
        let requests: u32 = requests.trim().parse().ok().filter(|r| *r >= 1)?;
        let seconds: f64 = seconds.trim().parse().ok()?;
        let per = Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|per| *per >= Duration::from_millis(100) && per.as_secs() <= 86_400)?;
        Some(RateLimit { requests, per })
    });
    parsed.unwrap_or_else(|| {
        diagnostics.error(
            "Invalid Provider Configuration",
            format!(
                "{RATE_LIMIT_BUDGET_ENV} must be REQUESTS/SECONDS, such as 1200/300 (at least \
                 one request, a window from 0.1 to 86400 seconds); got {:?}.",
                text.trim()
            ),
        );
        RateLimit::default()
    })
}

/// Where the shared request window lives: `CLOUDFLARE_RATE_LIMIT_STATE_DIR`, else
/// `$XDG_CACHE_HOME` or `~/.cache`, under `terraform-provider-cloudflare-access/rate-limit`.
/// `None` (no usable directory) keeps the window in the process.
fn rate_state_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |name: &str| {
        env(name)
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = set(RATE_LIMIT_STATE_DIR_ENV) {
        return Some(dir);
    }
    let cache = set("XDG_CACHE_HOME")
        .filter(|dir| dir.is_absolute())
        .or_else(|| set("HOME").map(|home| home.join(".cache")))?;
    Some(
        cache
            .join("terraform-provider-cloudflare-access")
            .join("rate-limit"),
    )
}

/// Requests per second as a ceiling. Whole numbers allow that many requests in any second;
/// fractions space single requests evenly (3.5 → one every ~286 ms).
fn rate_limit_for(rps: f64) -> Option<RateLimit> {
    if rps <= 0.0 {
        None
    } else if rps.fract() == 0.0 {
        Some(RateLimit {
            requests: rps as u32,
            per: Duration::from_secs(1),
        })
    } else {
        Some(RateLimit {
            requests: 1,
            per: Duration::from_secs_f64(1.0 / rps),
        })
    }
}

fn resolve_auth(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Diagnostics,
) -> Option<Auth> {
    let from_config: Vec<(Setting, String)> = CREDENTIALS
        .into_iter()
        .filter_map(|s| config.attr(s.key).as_str().map(|v| (s, v.to_owned())))
        .collect();
    let (source, found) = if from_config.is_empty() {
        let from_env: Vec<(Setting, String)> = CREDENTIALS
            .into_iter()
            .filter_map(|s| env(s.env).filter(|v| !v.trim().is_empty()).map(|v| (s, v)))
            .collect();
        (Source::Env, from_env)
    } else {
        (Source::Config, from_config)
    };

    match found.as_slice() {
        [] => {
            diagnostics.error(
                "Missing Cloudflare Credentials",
                format!(
                    "The provider needs credentials to call the Cloudflare API: set api_token or \
                     the {} environment variable (recommended; the token needs the \"Access: \
                     Organizations, Identity Providers, and Groups Write\" permission), or api_key \
                     and email ({} and {}), or api_user_service_key ({}).",
                    API_TOKEN.env, API_KEY.env, EMAIL.env, API_USER_SERVICE_KEY.env
                ),
            );
            None
        }
        [(setting, value)] => {
            if !check_credential(*setting, source, value, diagnostics) {
                return None;
            }
            let value = value.trim().to_owned();
            if *setting == API_TOKEN {
                Some(Auth::Token(value))
            } else if *setting == API_USER_SERVICE_KEY {
                Some(Auth::UserServiceKey(value))
            } else {
                match lookup_string(config, EMAIL, env) {
                    Some((email, _)) if !email.trim().is_empty() => Some(Auth::GlobalKey {
                        email: email.trim().to_owned(),
                        key: value,
                    }),
                    _ => {
                        diagnostics.error(
                            "Missing Cloudflare Email",
                            format!(
                                "{} is set, but a global API key also needs the email address \
                                 of its account: set email or the {} environment variable. \
                                 Alternatively use an API token (api_token or {}).",
                                source.name(API_KEY),
                                EMAIL.env,
                                API_TOKEN.env
                            ),
                        );
                        None
                    }
                }
            }
        }
        several => {
            let names: Vec<&str> = several.iter().map(|(s, _)| source.name(*s)).collect();
            let place = match source {
                Source::Config => "in the provider block",
                Source::Env => "in the environment (and none in the provider block)",
            };
            diagnostics.error(
                "Conflicting Cloudflare Credentials",
                format!(
                    "{} are all set {place}, but only one authentication method may be used. \
                     Keep exactly one of api_token ({}), api_key with email ({} with {}) or \
                     api_user_service_key ({}).",
                    names.join(" and "),
                    API_TOKEN.env,
                    API_KEY.env,
                    EMAIL.env,
                    API_USER_SERVICE_KEY.env
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{Diagnostic, Severity};
    use std::collections::BTreeMap;

    const TOKEN: &str = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCD";
    const KEY: &str = "0123456789abcdef0123456789abcdef01234";

    /// A provider block: every schema attribute null except those given.
    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut object: BTreeMap<String, Value> = provider_schema()
            .block
            .attributes
            .iter()
            .map(|a| (a.name.clone(), Value::Null))
            .collect();
        for (k, v) in pairs {
            assert!(object.contains_key(*k), "unknown key {k}");
            object.insert((*k).to_owned(), v.clone());
        }
        Value::Object(object)
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn errors(diagnostics: &Diagnostics) -> Vec<&Diagnostic> {
        diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    fn num(n: f64) -> Value {
        Value::Number(Number::Float(n))
    }

    #[test]
    fn schema_keys_and_sensitivity() {
        let schema = provider_schema();
        let names: Vec<_> = schema
            .block
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.sensitive))
            .collect();
        assert_eq!(
            names,
            vec![
                ("api_token", true),
                ("api_key", true),
                ("email", false),
                ("api_user_service_key", true),
                ("base_url", false),
                ("user_agent_operator_suffix", false),
                ("retries", false),
                ("min_backoff", false),
                ("max_backoff", false),
                ("rps", false),
                ("max_retry_duration", false),
            ]
        );
        for attribute in &schema.block.attributes {
            assert!(
                !attribute.markdown_description.is_empty(),
                "{}",
                attribute.name
            );
            assert!(!attribute.mode.is_computed(), "{}", attribute.name);
        }
    }

    #[test]
    fn config_wins_over_env_and_defaults_apply() {
        let resolved = resolve(
            &config(&[("api_token", TOKEN.into())]),
            &env_of(&[
                (
                    "CLOUDFLARE_API_TOKEN",
                    "other-token-from-the-environment-000000000",
                ),
                ("CLOUDFLARE_API_KEY", KEY),
            ]),
        )
        .unwrap();
        assert_eq!(resolved.auth, Auth::Token(TOKEN.into()));
        assert_eq!(resolved.base_url, cloudflare::DEFAULT_BASE_URL);
        assert_eq!(resolved.retry.max_retries, defaults::RETRIES);
        assert_eq!(resolved.retry.max_elapsed, Duration::from_secs(300));
        // No fixed ceiling by default: pacing by the API's headers, Cloudflare's documented
        // budget when they are missing, and no shared window without a cache directory.
        assert_eq!(resolved.rate_limit, None);
        assert_eq!(
            resolved.pacing,
            Some(Pacing {
                assumed_budget: RateLimit {
                    requests: 1200,
                    per: Duration::from_secs(300)
                },
                state_dir: None,
            })
        );
    }

    #[test]
    fn rps_is_a_ceiling_on_top_of_pacing_and_zero_turns_both_off() {
        let resolved = resolve(
            &config(&[("rps", num(2.0))]),
            &env_of(&[("CLOUDFLARE_API_TOKEN", TOKEN)]),
        )
        .unwrap();
        assert_eq!(
            resolved.rate_limit,
            Some(RateLimit {
                requests: 2,
                per: Duration::from_secs(1)
            })
        );
        assert!(resolved.pacing.is_some());
        let off = resolve(
            &config(&[("rps", num(0.0))]),
            &env_of(&[("CLOUDFLARE_API_TOKEN", TOKEN)]),
        )
        .unwrap();
        assert_eq!((off.rate_limit, off.pacing), (None, None));
    }

    #[test]
    fn the_window_lives_in_the_cache_directory_or_where_the_override_says() {
        let dir = |pairs: &'static [(&'static str, &'static str)]| {
            resolve(&config(&[("api_token", TOKEN.into())]), &env_of(pairs))
                .unwrap()
                .pacing
                .unwrap()
                .state_dir
        };
        assert_eq!(
            dir(&[("HOME", "/home/ops")]),
            Some(PathBuf::from(
                "/home/ops/.cache/terraform-provider-cloudflare-access/rate-limit"
            ))
        );
        assert_eq!(
            dir(&[("HOME", "/home/ops"), ("XDG_CACHE_HOME", "/var/cache/ops")]),
            Some(PathBuf::from(
                "/var/cache/ops/terraform-provider-cloudflare-access/rate-limit"
            ))
        );
        // The XDG spec says to ignore a relative path.
        assert_eq!(
            dir(&[("HOME", "/h"), ("XDG_CACHE_HOME", "relative")]),
            Some(PathBuf::from(
                "/h/.cache/terraform-provider-cloudflare-access/rate-limit"
            ))
        );
        assert_eq!(
            dir(&[
                ("HOME", "/h"),
                ("CLOUDFLARE_RATE_LIMIT_STATE_DIR", "/tmp/windows")
            ]),
            Some(PathBuf::from("/tmp/windows"))
        );
        assert_eq!(dir(&[]), None);
    }

    #[test]
    fn the_assumed_budget_can_be_overridden_and_bad_values_are_explained() {
        let resolved = resolve(
            &config(&[("api_token", TOKEN.into())]),
            &env_of(&[("CLOUDFLARE_RATE_LIMIT_BUDGET", " 120 / 30 ")]),
        )
        .unwrap();
        assert_eq!(
            resolved.pacing.unwrap().assumed_budget,
            RateLimit {
                requests: 120,
                per: Duration::from_secs(30)
            }
        );
        for bad in ["120", "0/30", "120/0", "x/30", "120/-1", "120/1e9"] {
            let pairs: &'static [(&'static str, &'static str)] =
                Box::leak(Box::new([("CLOUDFLARE_RATE_LIMIT_BUDGET", bad)]));
            let err = resolve(&config(&[("api_token", TOKEN.into())]), &env_of(pairs)).unwrap_err();
            let detail = &errors(&err)[0].detail;
            assert!(
                detail.contains("CLOUDFLARE_RATE_LIMIT_BUDGET must be REQUESTS/SECONDS"),
                "{bad}: {detail}"
            );
        }
    }

    #[test]
    fn env_supplies_everything_when_block_is_empty() {
        let resolved = resolve(
            &config(&[]),
            &env_of(&[
                ("CLOUDFLARE_API_KEY", KEY),
                ("CLOUDFLARE_EMAIL", "ops@example.com"),
                ("CLOUDFLARE_BASE_URL", "http://127.0.0.1:8080/client/v4/"),
                ("CLOUDFLARE_RETRIES", "2"),
                ("CLOUDFLARE_MIN_BACKOFF", "0.5"),
                ("CLOUDFLARE_MAX_BACKOFF", "2"),
                ("CLOUDFLARE_RPS", "0"),
                ("CLOUDFLARE_MAX_RETRY_DURATION", "20"),
                ("CLOUDFLARE_USER_AGENT_OPERATOR_SUFFIX", "team-idp"),
            ]),
        )
        .unwrap();
        assert_eq!(
            resolved.auth,
            Auth::GlobalKey {
                email: "ops@example.com".into(),
                key: KEY.into()
            }
        );
        assert_eq!(resolved.base_url, "http://127.0.0.1:8080/client/v4");
        assert_eq!(resolved.retry.max_retries, 2);
        assert_eq!(resolved.retry.min_backoff, Duration::from_millis(500));
        assert_eq!(resolved.retry.max_elapsed, Duration::from_secs(20));
        assert_eq!(resolved.rate_limit, None);
        let client = resolved.client_config(Some("1.11.4"));
        assert!(client.user_agent.starts_with(&format!(
            "terraform-provider-cloudflare-access/{}",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(client.user_agent.contains("1.11.4"));
        assert!(client.user_agent.ends_with(" team-idp"));
    }

    #[test]
    fn debug_output_hides_credentials() {
        let resolved = resolve(&config(&[("api_token", TOKEN.into())]), &env_of(&[])).unwrap();
        let text = format!("{resolved:?} {:?}", resolved.client_config(None));
        assert!(!text.contains(TOKEN), "{text}");
    }

    #[test]
    fn missing_credentials_name_attribute_and_variable() {
        let err = resolve(&config(&[]), &env_of(&[])).unwrap_err();
        let errors = errors(&err);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].summary, "Missing Cloudflare Credentials");
        assert!(errors[0]
            .detail
            .contains("set api_token or the CLOUDFLARE_API_TOKEN environment variable"));
    }

    #[test]
    fn conflicting_credentials_never_show_values() {
        let err = resolve(
            &config(&[]),
            &env_of(&[
                ("CLOUDFLARE_API_TOKEN", TOKEN),
                ("CLOUDFLARE_API_USER_SERVICE_KEY", "v1.0-secretservicekey"),
            ]),
        )
        .unwrap_err();
        let error = errors(&err)[0].clone();
        assert_eq!(error.summary, "Conflicting Cloudflare Credentials");
        assert!(error
            .detail
            .contains("CLOUDFLARE_API_TOKEN and CLOUDFLARE_API_USER_SERVICE_KEY"));
        assert!(!error.detail.contains(TOKEN));
        assert!(!error.detail.contains("secretservicekey"));

        let err = resolve(
            &config(&[("api_token", TOKEN.into()), ("api_key", KEY.into())]),
            &env_of(&[("CLOUDFLARE_EMAIL", "a@b.c")]),
        )
        .unwrap_err();
        assert!(errors(&err)[0].detail.contains("api_token and api_key"));
    }

    #[test]
    fn api_key_without_email_is_rejected() {
        let err = resolve(&config(&[("api_key", KEY.into())]), &env_of(&[])).unwrap_err();
        let error = errors(&err)[0].clone();
        assert_eq!(error.summary, "Missing Cloudflare Email");
        assert!(error.detail.contains("CLOUDFLARE_EMAIL"));
        assert!(!error.detail.contains(KEY));
    }

    #[test]
    fn bad_numbers_from_env_and_config() {
        let err = resolve(
            &config(&[("api_token", TOKEN.into()), ("retries", num(2.5))]),
            &env_of(&[("CLOUDFLARE_RPS", "fast")]),
        )
        .unwrap_err();
        let details: Vec<_> = errors(&err).iter().map(|d| d.detail.clone()).collect();
        assert!(details
            .iter()
            .any(|d| d.contains("CLOUDFLARE_RPS must be a number")));
        assert!(details
            .iter()
            .any(|d| d.contains("retries must be a whole number")));

        let err = resolve(
            &config(&[
                ("api_token", TOKEN.into()),
                ("min_backoff", num(10.0)),
                ("max_backoff", num(5.0)),
            ]),
            &env_of(&[]),
        )
        .unwrap_err();
        assert!(errors(&err)[0].detail.contains("max_backoff (5 s)"));
    }

    #[test]
    fn fractional_rps_spaces_requests() {
        assert_eq!(
            rate_limit_for(0.5),
            Some(RateLimit {
                requests: 1,
                per: Duration::from_secs(2)
            })
        );
        assert_eq!(rate_limit_for(0.0), None);
    }

    #[test]
    fn unknown_configuration_is_reported() {
        let err = resolve(&config(&[("api_token", Value::unknown())]), &env_of(&[])).unwrap_err();
        assert!(errors(&err)[0].detail.contains("api_token"));
    }

    #[tokio::test]
    async fn configure_builds_one_client_for_every_resource() {
        fn env(name: &str) -> Option<String> {
            (name == "CLOUDFLARE_API_TOKEN").then(|| TOKEN.to_owned())
        }
        let provider = CloudflareProvider::with_env(env);
        let mut diagnostics = Diagnostics::new();
        let data = provider
            .configure(
                &Context::default(),
                &config(&[("base_url", "http://127.0.0.1:9/client/v4".into())]),
                &mut diagnostics,
            )
            .await
            .expect("configured");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let client = data.downcast_ref::<cloudflare::Client>().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/client/v4");
        assert_eq!(provider.resources().len(), 1);

        let unconfigured = CloudflareProvider::with_env(|_| None);
        let mut diagnostics = Diagnostics::new();
        let data = unconfigured
            .configure(&Context::default(), &config(&[]), &mut diagnostics)
            .await;
        assert!(data.is_none());
        assert!(diagnostics.has_errors());
    }

    #[test]
    fn validate_checks_shapes_without_echoing_secrets() {
        let mut diagnostics = Diagnostics::new();
        validate(
            &config(&[("api_token", "short$token".into())]),
            &env_of(&[]),
            &mut diagnostics,
        );
        let error = errors(&diagnostics)[0].clone();
        assert_eq!(error.attribute, Some(AttributePath::attribute("api_token")));
        assert!(error.detail.contains("character other than"));
        assert!(!error.detail.contains("short$token"));

        // Newer token formats are longer than v5's limit of 80: they are accepted.
        let mut diagnostics = Diagnostics::new();
        validate(
            &config(&[("api_token", "a".repeat(120).into())]),
            &env_of(&[]),
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");

        let mut diagnostics = Diagnostics::new();
        validate(
            &config(&[("api_token", TOKEN.into())]),
            &env_of(&[]),
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn one_token_rule_for_the_provider_block_and_the_environment() {
        let short = "abcdefghij0123456789";
        let mut diagnostics = Diagnostics::new();
        validate(
            &config(&[("api_token", short.into())]),
            &env_of(&[]),
            &mut diagnostics,
        );
        let error = errors(&diagnostics)[0].clone();
        assert_eq!(
            error.detail,
            "api_token in the provider block is shorter than 40 characters (20). Cloudflare API \
             tokens are at least 40 letters, digits, '-' and '_' (tokens are 40 characters \
             today; newer formats are longer); check that the whole value was copied."
        );
        // A value only known at configure time is checked there, by the same rule.
        let err = resolve(&config(&[("api_token", short.into())]), &env_of(&[])).unwrap_err();
        assert_eq!(errors(&err)[0].detail, error.detail);

        let err = resolve(
            &config(&[]),
            &env_of(&[("CLOUDFLARE_API_TOKEN", "abcdefghij0123456789")]),
        )
        .unwrap_err();
        let error = errors(&err)[0].clone();
        assert_eq!(error.summary, "Invalid Environment Variable");
        assert_eq!(
            error.detail,
            "The CLOUDFLARE_API_TOKEN environment variable is shorter than 40 characters (20). \
             Cloudflare API tokens are at least 40 letters, digits, '-' and '_' (tokens are 40 \
             characters today; newer formats are longer); check that the whole value was copied."
        );
        assert!(!error.detail.contains(short));

        let long = "x".repeat(120);
        let long: &'static str = Box::leak(long.into_boxed_str());
        let env = [("CLOUDFLARE_API_TOKEN", long)];
        let env: &'static [(&'static str, &'static str)] = Box::leak(Box::new(env));
        assert!(resolve(&config(&[]), &env_of(env)).is_ok());
    }

    #[test]
    fn validate_checks_combinations_and_ranges() {
        let mut diagnostics = Diagnostics::new();
        validate(
            &config(&[
                ("api_token", TOKEN.into()),
                ("api_key", KEY.into()),
                ("rps", num(-1.0)),
                ("base_url", "api.cloudflare.com".into()),
            ]),
            &env_of(&[]),
            &mut diagnostics,
        );
        let paths: Vec<String> = errors(&diagnostics)
            .iter()
            .map(|d| d.attribute.as_ref().unwrap().to_string())
            .collect();
        assert!(paths.contains(&"api_key".to_owned()), "{paths:?}"); // conflict + missing email
        assert!(paths.contains(&"rps".to_owned()));
        assert!(paths.contains(&"base_url".to_owned()));
        assert_eq!(
            errors(&diagnostics)
                .iter()
                .filter(|d| d.summary == "Invalid Attribute Combination")
                .count(),
            2
        );

        // Email from the environment satisfies api_key; unknown values are skipped.
        let mut diagnostics = Diagnostics::new();
        validate(
            &config(&[("api_key", KEY.into()), ("rps", Value::unknown())]),
            &env_of(&[("CLOUDFLARE_EMAIL", "ops@example.com")]),
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
}
