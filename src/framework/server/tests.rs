//! The framework server's rules, checked without gRPC against in-memory fakes: a resource whose
//! behaviour each case picks through its `mode` attribute, a data source, and a list resource.

use super::*;
use crate::framework::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use crate::framework::list::{ListRequest, ListResponse, ListResult};
use crate::framework::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, DeleteResponse, ImportRequest, ImportResponse,
    ModifyPlanRequest, ModifyPlanResponse, ReadRequest, ReadResponse, UpdateRequest,
    UpgradeIdentityRequest, UpgradeIdentityResponse, UpgradeStateRequest, UpgradeStateResponse,
    ValidateConfigRequest, ValidateConfigResponse,
};
use crate::framework::schema::{Attribute, Block, StateForUnknown};
use crate::framework::{AttributePath, Severity};
use std::sync::Mutex;

const THING: &str = "fake_thing";
const PLAIN: &str = "fake_plain";
pub(crate) const LOOKUP: &str = "fake_lookup";

/// What the fakes were asked to do, in order.
type Calls = Arc<Mutex<Vec<&'static str>>>;

/// A schema of `version` with these top-level attributes.
fn schema_of(version: i64, attributes: Vec<Attribute>) -> Schema {
    Schema {
        version,
        block: Block {
            attributes,
            ..Block::default()
        },
    }
}

fn thing_schema() -> Schema {
    schema_of(
        2,
        vec![
            Attribute::string("id")
                .computed()
                .state_for_unknown(StateForUnknown::Always),
            Attribute::string("mode"),
            Attribute::string("secret").sensitive().write_only(),
            Attribute::string("result").computed(),
        ],
    )
}

fn thing(mode: &str, id: Value, result: Value) -> Value {
    Value::object([
        ("id", id),
        ("mode", Value::from(mode)),
        ("secret", Value::Null),
        ("result", result),
    ])
}

fn done(mode: &str) -> Value {
    thing(mode, Value::from("t-1"), Value::from("done"))
}

fn identity(id: &str) -> Value {
    Value::object([("id", Value::from(id))])
}

/// A resource whose `mode` attribute picks its behaviour: `fail` errors, `empty` returns
/// nothing, `unknown` leaves `result` unknown, `leak` returns the write-only secret, `gone`
/// reads as deleted, `rename` changes its identity, `anonymous` sets none.
struct FakeResource {
    type_name: &'static str,
    with_identity: bool,
    calls: Calls,
}

impl FakeResource {
    fn record(&self, call: &'static str) {
        self.calls.lock().unwrap().push(call);
    }

    fn finish(&self, mode: &str, response: &mut ApplyResponse) {
        match mode {
            "fail" => refuse(&mut response.diagnostics),
            "empty" => {}
            "unknown" => response.new_state = thing(mode, Value::from("t-1"), Value::unknown()),
            "leak" => {
                let mut state = done(mode);
                state.set_at(&AttributePath::attribute("secret"), Value::from("hunter2"));
                response.new_state = state;
            }
            _ => response.new_state = done(mode),
        }
        response.identity = self.identity_for(mode);
    }

    fn identity_for(&self, mode: &str) -> Value {
        match mode {
            _ if !self.with_identity => Value::Null,
            "anonymous" => Value::Null,
            "rename" => identity("t-2"),
            _ => identity("t-1"),
        }
    }
}

/// A `list` block with no configuration.
fn list_request(include_resource: bool, limit: usize) -> ListRequest {
    ListRequest {
        config: Value::Null,
        include_resource,
        limit,
    }
}

/// What the fakes answer in `fail` mode.
fn refuse(diagnostics: &mut Diagnostics) {
    diagnostics.error("Refused", "The fake API said no.");
}

fn mode(value: &Value) -> String {
    value.attr("mode").as_str().unwrap_or_default().to_owned()
}

#[async_trait::async_trait]
impl Resource for FakeResource {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> Schema {
        thing_schema()
    }

    fn identity_schema(&self) -> Option<Schema> {
        let identity_schema = schema_of(1, vec![Attribute::string("id").required()]);
        self.with_identity.then_some(identity_schema)
    }

    async fn validate_config(
        &self,
        _ctx: &Context,
        request: ValidateConfigRequest,
        response: &mut ValidateConfigResponse,
    ) {
        self.record("validate");
        if mode(&request.config) == "fail" {
            response
                .diagnostics
                .error("Invalid Mode", "Pick another mode.");
        }
    }

    async fn modify_plan(
        &self,
        _ctx: &Context,
        _request: ModifyPlanRequest,
        response: &mut ModifyPlanResponse,
    ) {
        self.record("modify_plan");
        match mode(&response.planned_state).as_str() {
            // An in-place update that keeps the identity the server planned.
            "keep" => return,
            // An in-place update that tries to change it.
            "rename" => {
                response.planned_identity = identity("t-2");
                return;
            }
            _ => {}
        }
        // A resource may try to plan a write-only value or repeat a path; the server undoes both.
        let secret = AttributePath::attribute("secret");
        response
            .planned_state
            .set_at(&secret, Value::from("hunter2"));
        let mode = AttributePath::attribute("mode");
        response.requires_replace.extend([mode.clone(), mode]);
    }

    async fn read(&self, _ctx: &Context, request: ReadRequest, response: &mut ReadResponse) {
        self.record("read");
        match mode(&request.prior_state).as_str() {
            "fail" => refuse(&mut response.diagnostics),
            "gone" => response.new_state = Value::Null,
            "unknown" => {
                let state = thing("unknown", Value::from("t-1"), Value::unknown());
                response.new_state = state;
            }
            other => response.identity = self.identity_for(other),
        }
    }

    async fn create(&self, _ctx: &Context, request: CreateRequest, response: &mut ApplyResponse) {
        self.record("create");
        self.finish(&mode(&request.planned_state), response);
    }

    async fn update(&self, _ctx: &Context, request: UpdateRequest, response: &mut ApplyResponse) {
        self.record("update");
        self.finish(&mode(&request.planned_state), response);
    }

    async fn delete(&self, _ctx: &Context, request: DeleteRequest, response: &mut DeleteResponse) {
        self.record("delete");
        if mode(&request.prior_state) == "fail" {
            refuse(&mut response.diagnostics);
        }
    }

    async fn import_state(
        &self,
        _ctx: &Context,
        request: ImportRequest,
        response: &mut ImportResponse,
    ) {
        self.record("import");
        match request.id.as_str() {
            "bad" => response.diagnostics.error("Invalid Import ID", "Use t-N."),
            "empty" => {}
            "unknown" => response.state = thing("", Value::unknown(), Value::Null),
            "anonymous" => response.state = thing("", Value::from("t-8"), Value::Null),
            id => {
                response.state = thing("", Value::from(id), Value::Null);
                response.identity = identity(id);
            }
        }
    }

    async fn upgrade_identity(
        &self,
        _ctx: &Context,
        request: UpgradeIdentityRequest,
        response: &mut UpgradeIdentityResponse,
    ) {
        self.record("upgrade_identity");
        // Version 0 called the ID `name`.
        match request.raw_identity["name"].as_str() {
            Some(name) => response.identity = identity(name),
            None => response.diagnostics.error("Bad Identity", "No name."),
        }
    }

    async fn upgrade_state(
        &self,
        _ctx: &Context,
        request: UpgradeStateRequest,
        response: &mut UpgradeStateResponse,
    ) {
        self.record("upgrade");
        match request.raw_state["mode"].as_str() {
            Some("fail") => response.diagnostics.error("Cannot Upgrade", "Too old."),
            Some("empty") => {}
            Some("unknown") => response.state = thing("", Value::unknown(), Value::Null),
            other => response.state = done(other.unwrap_or_default()),
        }
    }
}

/// A data source that echoes its `query` into `answer`; `fail`, `empty` and `unknown` queries
/// misbehave as the resource's modes do.
pub(crate) struct FakeLookup;

#[async_trait::async_trait]
impl DataSource for FakeLookup {
    fn type_name(&self) -> &'static str {
        LOOKUP
    }

    fn schema(&self) -> Schema {
        let query = Attribute::string("query").required();
        schema_of(0, vec![query, Attribute::string("answer").computed()])
    }

    async fn validate_config(
        &self,
        _ctx: &Context,
        request: ValidateConfigRequest,
        response: &mut ValidateConfigResponse,
    ) {
        if request.config.attr("query").as_str() == Some("") {
            let path = AttributePath::attribute("query");
            response
                .diagnostics
                .attribute_error(path, "Empty Query", "Ask something.");
        }
    }

    async fn read(
        &self,
        _ctx: &Context,
        request: DataSourceReadRequest,
        response: &mut DataSourceReadResponse,
    ) {
        let query = request.config.attr("query").as_str().unwrap_or_default();
        let answer = match query {
            "fail" => {
                return response
                    .diagnostics
                    .error("Lookup Failed", "Nothing matched.")
            }
            "empty" => return response.state = Value::Null,
            "unknown" => Value::unknown(),
            other => Value::from(format!("answer to {other}")),
        };
        response
            .state
            .set_at(&AttributePath::attribute("answer"), answer);
    }
}

/// Lists a fixed set of things; `limit` and `include_resource` are the server's to apply.
struct FakeList {
    type_name: &'static str,
}

#[async_trait::async_trait]
impl ListResource for FakeList {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn list_schema(&self) -> Schema {
        Schema::default()
    }

    async fn list(&self, _ctx: &Context, _request: ListRequest, response: &mut ListResponse) {
        let mut leaky = done("leak");
        leaky.set_at(&AttributePath::attribute("secret"), Value::from("hunter2"));
        response.results = vec![
            ListResult {
                identity: identity("t-1"),
                display_name: "first".into(),
                resource_object: leaky,
                diagnostics: Diagnostics::new(),
            },
            ListResult {
                identity: Value::object([("id", Value::unknown())]),
                display_name: "second".into(),
                ..ListResult::default()
            },
            ListResult {
                identity: identity("t-3"),
                display_name: "third".into(),
                ..ListResult::default()
            },
        ];
    }
}

struct FakeProvider {
    calls: Calls,
}

#[async_trait::async_trait]
impl Provider for FakeProvider {
    fn type_name(&self) -> &'static str {
        "fake"
    }

    fn schema(&self) -> Schema {
        Schema::default()
    }

    async fn configure(
        &self,
        ctx: &Context,
        _config: &Value,
        _diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData> {
        Some(Arc::new(ctx.terraform_version.clone()))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        let resource = |type_name, with_identity| -> Arc<dyn Resource> {
            Arc::new(FakeResource {
                type_name,
                with_identity,
                calls: self.calls.clone(),
            })
        };
        vec![resource(THING, true), resource(PLAIN, false)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(FakeLookup)]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![
            Arc::new(FakeList { type_name: THING }),
            Arc::new(FakeList { type_name: PLAIN }),
        ]
    }
}

fn server() -> (Server, Calls) {
    let calls = Calls::default();
    let provider = FakeProvider {
        calls: calls.clone(),
    };
    (Server::new(Arc::new(provider)), calls)
}

fn summaries(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| match (&d.attribute, d.severity) {
            (Some(path), Severity::Error) => format!("{} at {path}", d.summary),
            (_, Severity::Warning) => format!("warning: {}", d.summary),
            _ => d.summary.clone(),
        })
        .collect()
}

fn taken(calls: &Calls) -> Vec<&'static str> {
    std::mem::take(&mut *calls.lock().unwrap())
}

#[tokio::test]
async fn apply_chooses_the_operation_and_keeps_what_exists_when_it_fails() {
    struct Case {
        name: &'static str,
        prior: Value,
        planned: Value,
        call: &'static str,
        state: Value,
        private: &'static [u8],
        errors: &'static [&'static str],
    }
    let cases = [
        Case {
            name: "null prior creates",
            prior: Value::Null,
            planned: thing("ok", Value::unknown(), Value::unknown()),
            call: "create",
            state: done("ok"),
            private: b"",
            errors: &[],
        },
        Case {
            name: "a failed create tracks nothing",
            prior: Value::Null,
            planned: thing("fail", Value::unknown(), Value::unknown()),
            call: "create",
            state: Value::Null,
            private: b"",
            errors: &["Refused"],
        },
        Case {
            name: "a create that returns nothing is a provider bug",
            prior: Value::Null,
            planned: thing("empty", Value::unknown(), Value::unknown()),
            call: "create",
            state: Value::Null,
            private: b"",
            errors: &["Missing Resource State After Apply"],
        },
        Case {
            name: "unknowns left after apply are errors, saved as null",
            prior: Value::Null,
            planned: thing("unknown", Value::unknown(), Value::unknown()),
            call: "create",
            state: thing("unknown", Value::from("t-1"), Value::Null),
            private: b"",
            errors: &["Unknown Value After Apply at result"],
        },
        Case {
            name: "write-only values never reach state",
            prior: Value::Null,
            planned: thing("leak", Value::unknown(), Value::unknown()),
            call: "create",
            state: done("leak"),
            private: b"",
            errors: &[],
        },
        Case {
            name: "both known updates",
            prior: done("old"),
            planned: done("ok"),
            call: "update",
            state: done("ok"),
            private: b"planned",
            errors: &[],
        },
        Case {
            name: "a failed update keeps the prior state and private data",
            prior: done("old"),
            planned: done("fail"),
            call: "update",
            state: done("old"),
            private: b"planned",
            errors: &["Refused"],
        },
        Case {
            name: "null planned deletes",
            prior: done("ok"),
            planned: Value::Null,
            call: "delete",
            state: Value::Null,
            private: b"",
            errors: &[],
        },
        Case {
            name: "a failed delete keeps the state",
            prior: done("fail"),
            planned: Value::Null,
            call: "delete",
            state: done("fail"),
            private: b"",
            errors: &["Refused"],
        },
    ];
    let (server, calls) = server();
    for case in cases {
        let request = ApplyResourceChangeRequest {
            prior_state: case.prior,
            planned_state: case.planned,
            config: Value::Null,
            planned_private: b"planned".to_vec(),
            prior_identity: Value::Null,
        };
        let response = server.apply_resource_change(PLAIN, request).await;
        assert_eq!(taken(&calls), [case.call], "{}", case.name);
        assert_eq!(response.new_state, case.state, "{}", case.name);
        assert_eq!(response.private, case.private, "{}", case.name);
        assert_eq!(
            summaries(&response.diagnostics),
            case.errors,
            "{}",
            case.name
        );
    }
}

#[tokio::test]
async fn plan_runs_the_resource_except_for_destroys_and_cleans_up_after_it() {
    let (server, calls) = server();
    let destroy = PlanResourceChangeRequest {
        prior_state: done("ok"),
        proposed_new_state: Value::Null,
        config: Value::Null,
        prior_private: b"kept".to_vec(),
        prior_identity: Value::Null,
    };
    let planned = server.plan_resource_change(THING, destroy).await;
    assert_eq!(planned.planned_state, Value::Null);
    assert_eq!(planned.planned_private, b"kept");
    assert!(
        taken(&calls).is_empty(),
        "a destroy never reaches modify_plan"
    );

    let config = thing("new", Value::Null, Value::Null);
    let update = PlanResourceChangeRequest {
        prior_state: done("ok"),
        proposed_new_state: thing("new", Value::from("t-1"), Value::from("done")),
        config,
        prior_private: b"kept".to_vec(),
        prior_identity: Value::Null,
    };
    let planned = server.plan_resource_change(THING, update).await;
    assert_eq!(taken(&calls), ["modify_plan"]);
    assert_eq!(planned.planned_private, b"kept");
    assert!(planned.planned_state.attr("secret").is_null());
    assert_eq!(planned.planned_state.attr("id"), &Value::from("t-1"));
    assert!(planned.planned_state.attr("result").is_unknown());
    assert_eq!(planned.requires_replace, [AttributePath::attribute("mode")]);
}

#[tokio::test]
async fn write_only_attributes_need_a_client_that_supports_them() {
    let (server, calls) = server();
    let mut config = thing("ok", Value::Null, Value::Null);
    config.set_at(&AttributePath::attribute("secret"), Value::unknown());
    for (allowed, expected) in [
        (true, vec![]),
        (
            false,
            vec!["Write-Only Attribute Not Allowed at secret".to_owned()],
        ),
    ] {
        let request = ValidateResourceConfigRequest {
            config: config.clone(),
            write_only_allowed: allowed,
        };
        let diagnostics = server.validate_resource_config(THING, request).await;
        assert_eq!(summaries(&diagnostics), expected);
        assert_eq!(
            taken(&calls),
            ["validate"],
            "the resource's checks still run"
        );
    }
}

#[tokio::test]
async fn read_keeps_what_it_is_not_told_and_rejects_unknowns() {
    let cases = [
        ("ok", done("ok"), vec![]),
        ("fail", done("fail"), vec!["Refused"]),
        ("gone", Value::Null, vec![]),
        (
            "unknown",
            thing("unknown", Value::from("t-1"), Value::Null),
            vec!["Unknown Value After Read at result"],
        ),
    ];
    let (server, _) = server();
    for (mode, state, errors) in cases {
        let request = ReadRequest {
            prior_state: done(mode),
            private: b"private".to_vec(),
            identity: Value::Null,
        };
        let response = server.read_resource(PLAIN, request).await;
        assert_eq!(response.new_state, state, "{mode}");
        assert_eq!(response.private, b"private", "{mode}");
        assert_eq!(summaries(&response.diagnostics), errors, "{mode}");
    }
}

#[tokio::test]
async fn identities_must_be_known_and_stable() {
    let cases = [
        ("ok", identity("t-1"), vec![]),
        (
            "anonymous",
            identity("t-1"),
            vec!["Missing Resource Identity"],
        ),
        (
            "rename",
            identity("t-1"),
            vec!["Unexpected Identity Change"],
        ),
        ("rename", Value::Null, vec![]),
    ];
    let (server, _) = server();
    for (mode, prior_identity, errors) in cases {
        let request = ReadRequest {
            prior_state: done(mode),
            private: Vec::new(),
            identity: prior_identity.clone(),
        };
        let read = server.read_resource(THING, request).await;
        assert_eq!(summaries(&read.diagnostics), errors, "read {mode}");
        let request = ApplyResourceChangeRequest {
            prior_state: done("old"),
            planned_state: done(mode),
            config: Value::Null,
            planned_private: Vec::new(),
            prior_identity,
        };
        let applied = server.apply_resource_change(THING, request).await;
        assert_eq!(summaries(&applied.diagnostics), errors, "update {mode}");
    }
}

#[tokio::test]
async fn import_yields_a_known_state_or_nothing() {
    let cases = [
        ("t-7", thing("", Value::from("t-7"), Value::Null), vec![]),
        ("bad", Value::Null, vec!["Invalid Import ID"]),
        ("empty", Value::Null, vec!["Missing Imported State"]),
        (
            "unknown",
            Value::Null,
            vec!["Unknown Value After Import at id"],
        ),
        ("anonymous", Value::Null, vec!["Missing Resource Identity"]),
    ];
    let (server, _) = server();
    for (id, state, errors) in cases {
        let request = ImportRequest {
            id: id.into(),
            identity: Value::Null,
        };
        let response = server.import_resource_state(THING, request).await;
        assert_eq!(response.state, state, "{id}");
        assert_eq!(summaries(&response.diagnostics), errors, "{id}");
        if errors.is_empty() {
            assert_eq!(response.identity, identity(id));
        }
    }
}

#[tokio::test]
async fn upgrades_read_the_current_version_and_hand_older_ones_to_the_resource() {
    let current = |raw: &[u8], _: &Schema| {
        assert_eq!(raw, br#"{"mode":"current"}"#);
        Ok(done("current"))
    };
    let cases: [(i64, &[u8], Value, Vec<&str>); 7] = [
        (2, br#"{"mode":"current"}"#, done("current"), vec![]),
        (1, br#"{"mode":"old"}"#, done("old"), vec![]),
        (1, b"", Value::Null, vec!["Unsupported State Format"]),
        (
            3,
            b"{}",
            Value::Null,
            vec!["Resource Managed By Newer Provider Version"],
        ),
        (1, b"{", Value::Null, vec!["Invalid Stored State"]),
        (
            1,
            br#"{"mode":"empty"}"#,
            Value::Null,
            vec!["Missing Upgraded State"],
        ),
        (
            1,
            br#"{"mode":"unknown"}"#,
            Value::Null,
            vec!["Invalid Upgraded State at id"],
        ),
    ];
    let (server, calls) = server();
    for (version, raw, state, errors) in cases {
        let response = server
            .upgrade_resource_state(THING, version, raw, current)
            .await;
        let text = String::from_utf8_lossy(raw);
        assert_eq!(response.state, state, "{version} {text}");
        assert_eq!(summaries(&response.diagnostics), errors, "{version} {text}");
    }
    assert_eq!(taken(&calls), ["upgrade", "upgrade", "upgrade"]);
}

#[tokio::test]
async fn planned_identities_stay_put_on_update_and_are_empty_for_destroys() {
    let (server, _) = server();
    let update = |mode: &str| PlanResourceChangeRequest {
        prior_state: done("old"),
        proposed_new_state: done(mode),
        config: thing(mode, Value::Null, Value::Null),
        prior_private: Vec::new(),
        prior_identity: identity("t-1"),
    };
    let kept = server.plan_resource_change(THING, update("keep")).await;
    assert!(kept.diagnostics.is_empty(), "{:?}", kept.diagnostics);
    assert_eq!(kept.planned_identity, identity("t-1"));

    let renamed = server.plan_resource_change(THING, update("rename")).await;
    assert_eq!(
        summaries(&renamed.diagnostics),
        ["Unexpected Identity Change"]
    );

    // A replacement may plan a new identity: Terraform plans its create half again.
    let replaced = server.plan_resource_change(THING, update("other")).await;
    assert!(
        replaced.diagnostics.is_empty(),
        "{:?}",
        replaced.diagnostics
    );

    let destroy = PlanResourceChangeRequest {
        proposed_new_state: Value::Null,
        config: Value::Null,
        ..update("keep")
    };
    let destroyed = server.plan_resource_change(THING, destroy).await;
    assert_eq!(destroyed.planned_identity, Value::Null);

    // A type without identity never plans one, whatever Terraform sent.
    let plain = server.plan_resource_change(PLAIN, update("keep")).await;
    assert_eq!(plain.planned_identity, Value::Null);
}

#[tokio::test]
async fn identity_upgrades_go_through_the_resource_only_for_older_versions() {
    let current = |raw: &[u8], _: &Schema| {
        assert_eq!(raw, br#"{"id":"t-5"}"#);
        Ok(identity("t-5"))
    };
    /// Type, stored version, stored JSON, expected identity, expected errors.
    type Case<'a> = (&'a str, i64, &'a [u8], Value, Vec<&'a str>);
    let cases: [Case; 6] = [
        (THING, 1, br#"{"id":"t-5"}"#, identity("t-5"), vec![]),
        (THING, 0, br#"{"name":"t-4"}"#, identity("t-4"), vec![]),
        (
            THING,
            0,
            br#"{"other":1}"#,
            Value::Null,
            vec!["Bad Identity"],
        ),
        (THING, 0, b"{", Value::Null, vec!["Invalid Stored Identity"]),
        (
            THING,
            2,
            b"{}",
            Value::Null,
            vec!["Resource Identity Managed By Newer Provider Version"],
        ),
        (
            PLAIN,
            0,
            b"{}",
            Value::Null,
            vec!["Resource Identity Not Supported"],
        ),
    ];
    let (server, calls) = server();
    for (type_name, version, raw, expected, errors) in cases {
        let response = server
            .upgrade_resource_identity(type_name, version, raw, current)
            .await;
        let text = String::from_utf8_lossy(raw);
        assert_eq!(response.identity, expected, "{type_name} {version} {text}");
        assert_eq!(
            summaries(&response.diagnostics),
            errors,
            "{type_name} {version} {text}"
        );
    }
    assert_eq!(taken(&calls), ["upgrade_identity", "upgrade_identity"]);
}

#[tokio::test]
async fn generated_configuration_leaves_out_what_configuration_cannot_set() {
    let (server, _) = server();
    let mut state = done("ok");
    state.set_at(&AttributePath::attribute("secret"), Value::from("hunter2"));
    let generated = server.generate_resource_config(THING, state).await;
    assert!(generated.diagnostics.is_empty());
    assert_eq!(generated.config.attr("mode"), &Value::from("ok"));
    for computed_or_write_only in ["id", "result", "secret"] {
        assert!(
            generated.config.attr(computed_or_write_only).is_null(),
            "{computed_or_write_only}: {:?}",
            generated.config
        );
    }
}

#[tokio::test]
async fn data_sources_start_from_their_configuration_and_must_end_known() {
    let (server, _) = server();
    assert_eq!(
        server
            .data_source_schemas()
            .map(|(n, _)| n)
            .collect::<Vec<_>>(),
        [LOOKUP]
    );
    let config =
        |query: &str| Value::object([("query", Value::from(query)), ("answer", Value::Null)]);
    let answered = |query: &str, answer: Value| {
        Value::object([("query", Value::from(query)), ("answer", answer)])
    };
    let cases = [
        (
            "weather",
            answered("weather", Value::from("answer to weather")),
            vec![],
        ),
        ("fail", config("fail"), vec!["Lookup Failed"]),
        ("empty", Value::Null, vec!["Missing Data Source State"]),
        (
            "unknown",
            answered("unknown", Value::Null),
            vec!["Unknown Value After Read at answer"],
        ),
    ];
    for (query, state, errors) in cases {
        let request = DataSourceReadRequest {
            config: config(query),
        };
        let response = server.read_data_source(LOOKUP, request).await;
        assert_eq!(response.state, state, "{query}");
        assert_eq!(summaries(&response.diagnostics), errors, "{query}");
    }
    let diagnostics = server.validate_data_source_config(LOOKUP, config("")).await;
    assert_eq!(summaries(&diagnostics), ["Empty Query at query"]);
}

#[tokio::test]
async fn unknown_type_names_are_diagnostics() {
    let (server, _) = server();
    let schema_error = server.resource_schema("fake_other").unwrap_err();
    assert_eq!(schema_error.summary, "Unknown resource type");
    let read = ReadRequest {
        prior_state: done("ok"),
        private: Vec::new(),
        identity: Value::Null,
    };
    let response = server.read_resource(LOOKUP, read).await;
    assert_eq!(
        response.new_state,
        done("ok"),
        "state stays as Terraform had it"
    );
    assert_eq!(summaries(&response.diagnostics), ["Unknown resource type"]);
    let data = DataSourceReadRequest {
        config: Value::Null,
    };
    let response = server.read_data_source(THING, data).await;
    assert_eq!(
        summaries(&response.diagnostics),
        ["Unknown data source type"]
    );
    let response = server.list_resource(LOOKUP, list_request(false, 10)).await;
    assert_eq!(
        summaries(&response.diagnostics),
        ["Unknown list resource type"]
    );
}

#[tokio::test]
async fn lists_name_objects_by_identity_within_the_limit() {
    let (server, _) = server();
    let response = server.list_resource(THING, list_request(true, 2)).await;
    assert!(response.diagnostics.is_empty());
    let names: Vec<_> = response
        .results
        .iter()
        .map(|r| r.display_name.as_str())
        .collect();
    assert_eq!(names, ["first", "second"]);
    assert_eq!(
        response.results[0].resource_object,
        done("leak"),
        "no write-only value"
    );
    assert!(response.results[0].diagnostics.is_empty());
    assert_eq!(
        summaries(&response.results[1].diagnostics),
        ["Missing Resource Identity"]
    );
    let response = server.list_resource(THING, list_request(false, 10)).await;
    assert_eq!(response.results.len(), 3);
    assert!(response.results.iter().all(|r| r.resource_object.is_null()));
    let response = server.list_resource(PLAIN, list_request(false, 10)).await;
    assert!(response.results.is_empty());
    assert_eq!(
        summaries(&response.diagnostics),
        ["List Resource Without Identity"]
    );
}

#[tokio::test]
async fn configure_reaches_later_contexts_and_stop_cancels_only_calls_in_flight() {
    let (server, _) = server();
    let diagnostics = server
        .configure_provider(Some("1.15.5".into()), &Value::Null)
        .await;
    assert!(diagnostics.is_empty());
    let ctx = server.context();
    assert_eq!(ctx.terraform_version.as_deref(), Some("1.15.5"));
    assert_eq!(
        ctx.provider_data::<Option<String>>(),
        Some(&Some("1.15.5".to_owned()))
    );
    server.stop();
    assert!(ctx.cancel.is_cancelled());
    assert!(!server.context().cancel.is_cancelled());
}
