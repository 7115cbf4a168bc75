//! Turning API client errors into diagnostics: a short Title Case summary, then what failed,
//! Cloudflare's own words, and what to do, worded for the kind of object the call was about.
//! The client's error text never contains credentials or secrets, so it is safe to show.

use crate::cloudflare::{Client, Error};
use crate::framework::Diagnostic;
use crate::resources::kit::Wording;

/// Cloudflare error codes that mean the credentials were rejected or lack permission.
const CREDENTIAL_CODES: [i64; 6] = [6003, 9106, 9109, 10000, 10001, 9103];

/// The path every Cloudflare API root ends with.
const API_ROOT_SUFFIX: &str = "/client/v4";

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

/// The `terraform import` command for an object of `type_name`. Terraform does not tell
/// providers the address of the resource they work on, so the address is a placeholder that
/// cannot be mistaken for a real one; Terraform prints the real address above the message
/// ("with ...").
pub fn import_command(type_name: &str, owner_segment: &str, owner_id: &str, id: &str) -> String {
    format!(
        "terraform import '<address of your {type_name} resource>' {owner_segment}/{owner_id}/{id}"
    )
}

/// The diagnostic for a failed API call made with `client`.
pub fn diagnostic(client: &Client, operation: Operation<'_>, error: &Error) -> Diagnostic {
    let Operation {
        verb,
        subject,
        wording,
    } = operation;
    let Wording {
        noun,
        title,
        type_name,
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
        _ if error.is_unknown_route() => ("Wrong Cloudflare API URL", unknown_route_advice(client)),
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
            ("Invalid Credentials", credentials_advice(client, wording))
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
        Error::Unreachable { base_url, .. } => (
            "Cloudflare API Unreachable",
            format!(
                "No connection to {base_url} could be opened, so no request reached it and \
                 nothing was changed. Check that base_url (or CLOUDFLARE_BASE_URL) has the right \
                 host and port, that the server there is running (for the mock API, that the \
                 mock was started and the exported CLOUDFLARE_BASE_URL is the one it printed), \
                 and that no firewall or proxy blocks the connection."
            ),
        ),
        Error::Transport { .. } => (
            "Cloudflare API Connection Failed",
            "The connection to the API failed after it was opened. Check network access to the \
             API and base_url (CLOUDFLARE_BASE_URL), then apply again."
                .into(),
        ),
        Error::Redirected { .. } => (
            "Cloudflare API Redirect Refused",
            "Set base_url (CLOUDFLARE_BASE_URL) to the API root itself, such as \
             https://api.cloudflare.com/client/v4; if a proxy in between redirects, have it \
             forward requests instead."
                .into(),
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
                 right one with `{}` and delete the others in the Zero Trust dashboard if they \
                 are duplicates.",
                candidates.join(", "),
                import_command(type_name, "accounts", "<account_id>", "<id>")
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

/// What to check when the API has no route for the URL: the base URL first, shown as it is.
fn unknown_route_advice(client: &Client) -> String {
    let base_url = client.base_url();
    let mut advice = format!(
        "Cloudflare's API has no route for this URL, so the URL is wrong. The base URL in use \
         is {base_url} (from base_url or CLOUDFLARE_BASE_URL). It must be the API root, ending \
         with {API_ROOT_SUFFIX}: https://api.cloudflare.com{API_ROOT_SUFFIX} for Cloudflare, or \
         http://HOST:PORT{API_ROOT_SUFFIX} for a mock or proxy."
    );
    if base_url.ends_with(API_ROOT_SUFFIX) {
        advice.push_str(
            " The base URL does end that way, so check that account_id or zone_id is an ID \
             Cloudflare issued: 32 hexadecimal characters.",
        );
    }
    advice
}

/// What to check when the API rejects the credentials. Every call with the same credentials
/// fails the same way, so the full advice comes once per configured provider; later failures
/// point back to it instead of repeating it.
fn credentials_advice(client: &Client, wording: &Wording) -> String {
    let Wording {
        write_permission,
        read_permission,
        ..
    } = *wording;
    if client.first_credentials_rejection() {
        format!(
            "Check the credentials: api_token (or CLOUDFLARE_API_TOKEN), or api_key and email. \
             They must be valid and not expired, and an API token needs the permission \
             \"{write_permission}\" for this account or zone (\"{read_permission}\" is enough \
             for plan and refresh). Other calls rejected for the same reason in this run say so \
             without repeating this advice."
        )
    } else {
        "The same credentials were already rejected in this run: the \"Invalid Credentials\" \
         error that names the token permission says what to check."
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudflare::{ApiMessage, Auth, ClientConfig};
    use std::time::Duration;

    fn op() -> Operation<'static> {
        Operation {
            verb: "create",
            subject: "identity provider \"GitHub\"",
            wording: &crate::resources::zero_trust_access_identity_provider::WORDING,
        }
    }

    fn client(base_url: &str) -> Client {
        let mut config = ClientConfig::new(Auth::Token("t".repeat(40)), "test");
        config.base_url = base_url.to_owned();
        Client::new(config).unwrap()
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

    fn no_route() -> Error {
        Error::NotFound {
            method: "GET".into(),
            path: "/accounts/acc/access/identity_providers".into(),
            errors: vec![ApiMessage {
                code: 7003,
                message: "No route for the URI".into(),
                ..ApiMessage::default()
            }],
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
                Error::Unreachable {
                    base_url: "http://127.0.0.1:9/client/v4".into(),
                    method: "GET".into(),
                    path: "p".into(),
                    detail: "connection refused".into(),
                    attempts: 3,
                    elapsed: Duration::from_secs(5),
                },
                "Cloudflare API Unreachable",
            ),
            (no_route(), "Wrong Cloudflare API URL"),
        ];
        let client = client("https://api.cloudflare.com/client/v4");
        for (error, summary) in cases {
            let diagnostic = diagnostic(&client, op(), &error);
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
            &client("https://api.cloudflare.com/client/v4"),
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

    #[test]
    fn an_unknown_route_blames_the_url_and_shows_the_base_url() {
        let wrong = diagnostic(&client("http://127.0.0.1:8787"), op(), &no_route());
        assert!(
            wrong.detail.contains(
                "Cloudflare's API has no route for this URL, so the URL is wrong. The base URL \
                 in use is http://127.0.0.1:8787 (from base_url or CLOUDFLARE_BASE_URL). It must \
                 be the API root, ending with /client/v4"
            ),
            "{}",
            wrong.detail
        );
        assert!(!wrong.detail.contains("account_id"), "{}", wrong.detail);
        // With a plausible root, the owner id is the other part of the URL that can be wrong.
        let right = diagnostic(
            &client("https://api.cloudflare.com/client/v4"),
            op(),
            &no_route(),
        );
        assert!(right.detail.contains("32 hexadecimal characters"));
    }

    #[test]
    fn credentials_advice_comes_once_per_client_with_the_exact_permission_names() {
        let client = client("https://api.cloudflare.com/client/v4");
        let first = diagnostic(&client, op(), &api(403, 10000, "Authentication error"));
        assert!(first.detail.contains(
            "\"Access: Organizations, Identity Providers, and Groups Write\" for this account or \
             zone (\"Access: Organizations, Identity Providers, and Groups Read\" is enough for \
             plan and refresh)"
        ));
        let second = diagnostic(&client, op(), &api(403, 10000, "Authentication error"));
        assert_eq!(second.summary, "Invalid Credentials");
        assert!(
            !second.detail.contains("Access: Organizations"),
            "{}",
            second.detail
        );
        assert!(second
            .detail
            .contains("the \"Invalid Credentials\" error that names the token permission"));
        // Clones share the client, so they share the "already said" state too.
        let third = diagnostic(&client.clone(), op(), &api(401, 0, ""));
        assert!(!third.detail.contains("Access: Organizations"));
    }

    #[test]
    fn import_commands_use_a_placeholder_that_cannot_pass_for_an_address() {
        assert_eq!(
            import_command(
                "cloudflare_zero_trust_access_identity_provider",
                "accounts",
                "abc",
                "123"
            ),
            "terraform import '<address of your cloudflare_zero_trust_access_identity_provider \
             resource>' accounts/abc/123"
        );
    }
}
