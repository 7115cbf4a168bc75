//! The steps every create, read, update and delete starts with: the configured API client,
//! the decoded model, the account or zone, the object's ID from state, and giving up promptly
//! when Terraform asks the provider to stop.

use super::model::{decode_object, Attr, ModelValue};
use super::Wording;
use crate::cloudflare::{Client, Error, Scope};
use crate::framework::resource::Context;
use crate::framework::{AttributePath, Diagnostic, Diagnostics, Value};
use crate::resources::api_error::{self, Operation};
use std::future::Future;

/// A call that Terraform stopped before it finished.
#[derive(Debug)]
pub struct Stopped;

/// Runs an API call unless Terraform asks the provider to stop first.
pub async fn unless_stopped<T>(
    ctx: &Context,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<Result<T, Error>, Stopped> {
    tokio::select! {
        result = call => Ok(result),
        () = ctx.cancel.cancelled() => Err(Stopped),
    }
}

/// Runs an API call unless Terraform asks the provider to stop first. A stop, or an error the
/// API returns, becomes the diagnostic for `operation`; for the errors a caller answers in its
/// own way (e.g. "not found"), use [`unless_stopped`].
pub async fn call_api<T>(
    ctx: &Context,
    client: &Client,
    operation: Operation<'_>,
    call: impl Future<Output = Result<T, Error>>,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    match unless_stopped(ctx, call).await {
        Err(Stopped) => diagnostics.push(stopped_diagnostic(operation.verb, operation.subject)),
        Ok(Err(error)) => diagnostics.push(api_error::diagnostic(client, operation, &error)),
        Ok(Ok(value)) => return Some(value),
    }
    None
}

/// The error for a call Terraform stopped while it waited to `verb` `subject`.
pub fn stopped_diagnostic(verb: &str, subject: &str) -> Diagnostic {
    Diagnostic::error(
        "Operation Cancelled",
        format!(
            "Terraform asked the provider to stop while it was waiting to {verb} {subject}. \
             Run terraform plan to see where things stand."
        ),
    )
}

/// The API client `configure` built, or an error saying the provider is not configured.
pub fn client<'a>(ctx: &'a Context, diagnostics: &mut Diagnostics) -> Option<&'a Client> {
    let client = ctx.provider_data::<Client>();
    if client.is_none() {
        diagnostics.error(
            "Unconfigured Provider",
            "The cloudflare provider was not configured, so it cannot call the Cloudflare API. \
             Check the earlier errors about the provider configuration.",
        );
    }
    client
}

/// The typed model of a plan, state or configuration; a misshapen value is an error.
pub fn decode<T: ModelValue>(value: &Value, diagnostics: &mut Diagnostics) -> Option<T> {
    decode_object(value)
        .map_err(|diagnostic| diagnostics.push(diagnostic))
        .ok()
}

/// The account or zone an object lives in: `account_id` first, then `zone_id`; blank counts
/// as unset.
pub fn scope_of(account_id: &Attr<String>, zone_id: &Attr<String>) -> Option<Scope> {
    let non_empty = |a: &Attr<String>| a.known().filter(|s| !s.trim().is_empty()).cloned();
    non_empty(account_id)
        .map(Scope::Account)
        .or_else(|| non_empty(zone_id).map(Scope::Zone))
}

/// The scope, or an error naming the attributes to set.
pub fn require_scope(
    account_id: &Attr<String>,
    zone_id: &Attr<String>,
    wording: &Wording,
    diagnostics: &mut Diagnostics,
) -> Option<Scope> {
    let scope = scope_of(account_id, zone_id);
    if scope.is_none() {
        let noun = wording.noun;
        diagnostics.attribute_error(
            AttributePath::attribute("account_id"),
            "Missing Account or Zone",
            format!(
                "Set account_id (or zone_id for a zone-level {noun}) so the provider knows \
                 where the {noun} lives."
            ),
        );
    }
    scope
}

/// The object's ID from state. State without one cannot be acted on; the error says how out.
pub fn state_id(
    id: &Attr<String>,
    wording: &Wording,
    verb: &str,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let id = id.known().cloned();
    if id.is_none() {
        diagnostics.error(
            format!("Missing {} ID", wording.title),
            format!(
                "The state has no id, so the {} cannot be {verb}. Remove it with `terraform \
                 state rm` and import it again.",
                wording.noun
            ),
        );
    }
    id
}

/// How messages name one object: `identity provider "GitHub" (<id>) in account <acc>`.
pub fn subject(wording: &Wording, name: &Attr<String>, id: &Attr<String>, scope: &Scope) -> String {
    let mut text = String::from(wording.noun);
    if let Some(name) = name.known() {
        text.push_str(&format!(" {name:?}"));
    }
    if let Some(id) = id.known() {
        text.push_str(&format!(" ({id})"));
    }
    text.push_str(&format!(" in {scope}"));
    text
}

/// The command that imports the object `id` in `scope`.
pub fn import_hint(wording: &Wording, scope: &Scope, id: &str) -> String {
    let type_name = wording.type_name;
    crate::resources::api_error::import_command(type_name, scope.segment(), scope.id(), id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDGET: Wording = Wording {
        noun: "widget",
        title: "Widget",
        id_name: "widget_id",
        type_name: "cloudflare_widget",
        write_permission: "Widgets Write",
        read_permission: "Widgets Read",
        conflict_advice: "Import the existing widget.",
    };

    fn known(text: &str) -> Attr<String> {
        Attr::Known(text.into())
    }

    #[test]
    fn scope_prefers_the_account_and_ignores_blanks() {
        let account = Some(Scope::Account("a".into()));
        assert_eq!(scope_of(&known("a"), &known("z")), account);
        assert_eq!(
            scope_of(&known(" "), &known("z")),
            Some(Scope::Zone("z".into()))
        );
        assert_eq!(scope_of(&Attr::Unknown, &Attr::Null), None);
    }

    #[test]
    fn messages_speak_of_the_object_they_are_about() {
        let mut diagnostics = Diagnostics::new();
        assert!(require_scope(&Attr::Null, &Attr::Null, &WIDGET, &mut diagnostics).is_none());
        assert!(state_id(&Attr::Unknown, &WIDGET, "read", &mut diagnostics).is_none());
        let [missing_scope, missing_id] = diagnostics.iter().collect::<Vec<_>>()[..] else {
            panic!("{diagnostics:?}");
        };
        assert_eq!(
            missing_scope.detail,
            "Set account_id (or zone_id for a zone-level widget) so the provider knows where \
             the widget lives."
        );
        assert_eq!(missing_id.summary, "Missing Widget ID");
        assert!(missing_id
            .detail
            .starts_with("The state has no id, so the widget cannot be read."));
        let scope = Scope::Account("acc".into());
        assert_eq!(
            subject(&WIDGET, &known("W"), &known("w-1"), &scope),
            format!("widget \"W\" (w-1) in {scope}")
        );
        assert_eq!(
            import_hint(&WIDGET, &scope, "w-1"),
            "terraform import '<address of your cloudflare_widget resource>' accounts/acc/w-1"
        );
    }

    #[tokio::test]
    async fn a_stopped_context_does_not_wait_for_the_call() {
        let ctx = Context::default();
        ctx.cancel.cancel();
        let never = std::future::pending::<Result<(), Error>>();
        assert!(matches!(unless_stopped(&ctx, never).await, Err(Stopped)));
        let mut diagnostics = Diagnostics::new();
        assert!(client(&ctx, &mut diagnostics).is_none());
        assert_eq!(
            diagnostics.iter().next().unwrap().summary,
            "Unconfigured Provider"
        );
    }
}
