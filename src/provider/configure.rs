//! Validation and resolution of the provider block: each setting from the block first, then
//! from its environment variable, checked alike from both, and merged into the settings the
//! API client is built from.
//!
//! Resolution is a pure function of the configuration and an environment lookup, so tests
//! never touch the process environment.

use super::schema::provider_schema;
use super::settings::*;
use super::settings::{defaults, limits};
use crate::cloudflare::{self, Auth, Pacing, RateLimit, RetryPolicy};
use crate::framework::{AttributePath, Diagnostics, Number, Value};
use std::path::PathBuf;
use std::time::Duration;

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

/// The API client the provider block and the environment describe, its User-Agent naming
/// `terraform_version`.
pub fn client(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
    terraform_version: Option<&str>,
) -> Result<cloudflare::Client, Diagnostics> {
    let resolved = resolve(config, env)?;
    cloudflare::Client::new(resolved.client_config(terraform_version)).map_err(|err| {
        let mut diagnostics = Diagnostics::new();
        diagnostics.error(
            "Invalid Provider Configuration",
            format!(
                "The Cloudflare API client could not be built: {err}. Check the provider \
                 block and the CLOUDFLARE_* environment variables."
            ),
        );
        diagnostics
    })
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
pub(super) mod tests {
    use super::*;
    use crate::framework::{Diagnostic, Severity};
    use crate::provider::provider_schema;
    use std::collections::BTreeMap;

    pub(crate) const TOKEN: &str = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCD";
    pub(crate) const KEY: &str = "0123456789abcdef0123456789abcdef01234";

    /// A provider block: every schema attribute null except those given.
    pub(crate) fn config(pairs: &[(&str, Value)]) -> Value {
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

    pub(crate) fn env_of(
        pairs: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    pub(crate) fn errors(diagnostics: &Diagnostics) -> Vec<&Diagnostic> {
        diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    pub(crate) fn num(n: f64) -> Value {
        Value::Number(Number::Float(n))
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
        assert_eq!(resolved.user_agent_suffix.as_deref(), Some("team-idp"));
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
