//! The schema of the `provider "cloudflare-access" {}` block: one attribute per setting, each
//! described with its environment variable, default and range.

use super::settings::*;
use super::settings::{defaults, limits};
use crate::cloudflare;
use crate::framework::{Attribute, Block, Schema};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
