//! Turning API client errors into diagnostics: a short Title Case summary, then what failed,
//! Cloudflare's own words, and what to do. The client's error text never contains
//! credentials or secrets, so it is safe to show.

use crate::cloudflare::Error;
use crate::framework::Diagnostic;

/// Cloudflare error codes that mean the credentials were rejected or lack permission.
const CREDENTIAL_CODES: [i64; 6] = [6003, 9106, 9109, 10000, 10001, 9103];

/// What the failing call was doing, for messages: e.g. `"create"` and
/// `"identity provider \"GitHub\" in account 023e…"`.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// A verb: create, read, update, delete, list.
    pub verb: &'a str,
    /// The object it was about.
    pub subject: &'a str,
}

/// The diagnostic for a failed API call.
pub fn diagnostic(operation: Operation<'_>, error: &Error) -> Diagnostic {
    let Operation { verb, subject } = operation;
    let (summary, advice): (&str, String) = match error {
        Error::Config(_) => (
            "Invalid Provider Configuration",
            "Check the provider block and the CLOUDFLARE_* environment variables.".into(),
        ),
        Error::InvalidInput(_) => (
            "Invalid Request",
            "Check account_id, zone_id and the resource's id.".into(),
        ),
        Error::NotFound { .. } => (
            "Resource Not Found",
            "Check that account_id or zone_id is right and that the credentials can see it; \
             if the identity provider was deleted outside Terraform, refresh and apply again."
                .into(),
        ),
        Error::Api { status, .. }
            if *status == 401
                || *status == 403
                || error.codes().iter().any(|c| CREDENTIAL_CODES.contains(c)) =>
        {
            (
                "Invalid Credentials",
                "Check api_token (CLOUDFLARE_API_TOKEN) or api_key and email: the credentials \
                 must be valid, and an API token needs the \"Access: Organizations, Identity \
                 Providers, and Groups Write\" permission for this account or zone."
                    .into(),
            )
        }
        Error::Api { status: 409, .. } => (
            "Identity Provider Conflict",
            "An account or zone can have only one one-time PIN (onetimepin) identity provider. \
             Import the existing one with `terraform import <address> \
             accounts/<account_id>/<identity_provider_id>` instead of creating another."
                .into(),
        ),
        Error::Api { status, .. } if (400..500).contains(status) => (
            "Invalid Identity Provider Configuration",
            "Cloudflare rejected the request; correct the attributes it names and apply again."
                .into(),
        ),
        Error::Api { status, .. } if *status >= 500 => (
            "Cloudflare API Error",
            "Cloudflare had an internal problem and retries did not help; try again later, or \
             raise retries or max_retry_duration in the provider block."
                .into(),
        ),
        Error::RateLimited { .. } => (
            "Cloudflare Rate Limit Exceeded",
            "The provider paces its own requests by the budget Cloudflare reports, so the \
             budget was most likely spent by something else using the same credentials, and \
             Cloudflare now refuses them for up to five minutes. Wait and apply again, or raise \
             max_retry_duration so the provider waits it out. If the API or a proxy in between \
             does not report the budget, set rps (CLOUDFLARE_RPS) to go slower. Running \
             Terraform with a smaller -parallelism does not reduce the total number of requests."
                .into(),
        ),
        Error::Timeout { .. } => (
            "Cloudflare API Timeout",
            "Cloudflare did not answer in time; try again, and check network access to the API \
             (base_url)."
                .into(),
        ),
        Error::Transport { .. } => (
            "Cloudflare API Unreachable",
            "Check network access to the API and base_url (CLOUDFLARE_BASE_URL).".into(),
        ),
        Error::Decode { .. } => (
            "Unexpected Cloudflare API Response",
            "If base_url points to a proxy, check that it forwards Cloudflare's answers \
             unchanged; otherwise please report this."
                .into(),
        ),
        Error::AmbiguousCreate { candidates, .. } => (
            "Identity Provider May Already Exist",
            format!(
                "Terraform cannot tell which of these was created by this apply: {}. Import the \
                 right one with `terraform import <address> accounts/<account_id>/<id>` and \
                 delete the others in the Zero Trust dashboard if they are duplicates.",
                candidates.join(", ")
            ),
        ),
        Error::Cancelled { .. } => (
            "Operation Cancelled",
            "The provider was stopped while the request was in progress.".into(),
        ),
        _ => (
            "Cloudflare API Error",
            "Check the message above and try again.".into(),
        ),
    };
    Diagnostic::error(
        summary,
        format!("Could not {verb} {subject}: {error}.\n\n{advice}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudflare::ApiMessage;
    use std::time::Duration;

    fn op() -> Operation<'static> {
        Operation {
            verb: "create",
            subject: "identity provider \"GitHub\"",
        }
    }

    fn api(status: u16, code: i64, message: &str) -> Error {
        Error::Api {
            status,
            method: "POST".into(),
            path: "accounts/acc/access/identity_providers".into(),
            errors: vec![ApiMessage {
                code,
                message: message.into(),
                ..ApiMessage::default()
            }],
            messages: vec![],
            attempts: 1,
        }
    }

    #[test]
    fn summaries_follow_the_kind_of_failure() {
        let cases = [
            (
                api(403, 10000, "Authentication error"),
                "Invalid Credentials",
            ),
            (
                api(400, 6003, "Invalid request headers"),
                "Invalid Credentials",
            ),
            (
                api(
                    409,
                    12130,
                    "access.api.error.conflict: a onetimepin connection already exists",
                ),
                "Identity Provider Conflict",
            ),
            (
                api(
                    400,
                    12130,
                    "access.api.error.invalid_request: config.client_id is required",
                ),
                "Invalid Identity Provider Configuration",
            ),
            (api(503, 0, ""), "Cloudflare API Error"),
            (
                Error::RateLimited {
                    method: "GET".into(),
                    path: "p".into(),
                    attempts: 11,
                    elapsed: Duration::from_secs(300),
                    retry_after: None,
                    errors: vec![],
                },
                "Cloudflare Rate Limit Exceeded",
            ),
            (
                Error::Transport {
                    method: "GET".into(),
                    path: "p".into(),
                    detail: "connection refused".into(),
                    attempts: 3,
                },
                "Cloudflare API Unreachable",
            ),
        ];
        for (error, summary) in cases {
            let diagnostic = diagnostic(op(), &error);
            assert_eq!(diagnostic.summary, summary, "{error}");
            assert!(diagnostic.is_error());
            assert!(diagnostic
                .detail
                .starts_with("Could not create identity provider \"GitHub\": "));
        }
    }

    #[test]
    fn details_carry_cloudflare_words_and_advice() {
        let diagnostic = diagnostic(
            op(),
            &api(
                400,
                12130,
                "access.api.error.invalid_request: config.client_id is required",
            ),
        );
        assert!(diagnostic.detail.contains("config.client_id is required"));
        assert!(diagnostic.detail.contains("apply again"));
    }
}
