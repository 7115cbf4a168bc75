//! Turning API client errors into diagnostics: a short Title Case summary, then what failed,
//! Cloudflare's own words, and what to do, worded for the kind of object the call was about.
//! The client's error text never contains credentials or secrets, so it is safe to show.

use crate::cloudflare::Error;
use crate::framework::Diagnostic;
use crate::resources::kit::Wording;

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
    /// How messages name that kind of object.
    pub wording: &'a Wording,
}

/// The diagnostic for a failed API call.
pub fn diagnostic(operation: Operation<'_>, error: &Error) -> Diagnostic {
    let Operation {
        verb,
        subject,
        wording,
    } = operation;
    let Wording {
        noun,
        title,
        permission,
        conflict_advice,
        ..
    } = *wording;
    let conflict = format!("{title} Conflict");
    let invalid = format!("Invalid {title} Configuration");
    let may_exist = format!("{title} May Already Exist");
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
            format!(
                "Check that account_id or zone_id is right and that the credentials can see \
                 it; if the {noun} was deleted outside Terraform, refresh and apply again."
            ),
        ),
        Error::Api { status, .. }
            if *status == 401
                || *status == 403
                || error.codes().iter().any(|c| CREDENTIAL_CODES.contains(c)) =>
        {
            (
                "Invalid Credentials",
                format!(
                    "Check api_token (CLOUDFLARE_API_TOKEN) or api_key and email: the \
                     credentials must be valid, and an API token needs the \"{permission}\" \
                     permission for this account or zone."
                ),
            )
        }
        Error::Api { status: 409, .. } => (&conflict, conflict_advice.into()),
        Error::Api { status, .. } if (400..500).contains(status) => (
            &invalid,
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
            "Lower rps in the provider block (CLOUDFLARE_RPS), or raise retries and \
             max_retry_duration, and apply again. Running Terraform with a smaller -parallelism \
             does not reduce the total number of requests."
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
            &may_exist,
            format!(
                "Terraform cannot tell which of these was created by this apply: {}. Import the \
                 right one with `terraform import <address> accounts/<account_id>/<id>` and \
                 delete the others in the Zero Trust dashboard if they are duplicates.",
                candidates.join(", ")
            ),
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
            wording: &crate::resources::zero_trust_access_identity_provider::WORDING,
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
