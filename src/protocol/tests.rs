//! In-process protocol tests: the generated tfplugin6 client talks to the service over loopback,
//! with a small provider and an in-memory resource defined here. Every RPC of the service is
//! called at least once.

use super::codec::msgpack;
use super::ProviderService;
use crate::framework::resource::{
    ApplyResponse, Context, CreateRequest, DeleteRequest, DeleteResponse, ImportRequest,
    ImportResponse, ModifyPlanRequest, ModifyPlanResponse, MoveSource, MoveStateRequest,
    MoveStateResponse, ReadRequest, ReadResponse, UpdateRequest, UpgradeStateRequest,
    UpgradeStateResponse, ValidateConfigRequest, ValidateConfigResponse,
};
use crate::framework::schema::{Nesting, StateForUnknown};
use crate::framework::server::tests::{FakeLookup, LOOKUP};
use crate::framework::{
    Attribute, AttributePath, Block, DataSource, Diagnostics, Number, Provider, ProviderData,
    Resource, Schema, Type, Value,
};
use crate::proto::tfplugin6 as proto;
use proto::provider_client::ProviderClient;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tonic::transport::{Channel, Server};

const THING: &str = "test_thing";

/// The remote objects the fake resource manages.
#[derive(Debug, Default)]
struct Store {
    objects: Mutex<BTreeMap<String, Value>>,
    next_id: AtomicU64,
    /// Signalled when a slow create has started, so a test can stop it mid-flight.
    slow_create_started: tokio::sync::Notify,
}

impl Store {
    fn next(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn ids(&self) -> Vec<String> {
        self.objects.lock().unwrap().keys().cloned().collect()
    }
}

#[derive(Debug, Default)]
struct TestProvider {
    store: Arc<Store>,
}

#[async_trait::async_trait]
impl Provider for TestProvider {
    fn type_name(&self) -> &'static str {
        "test"
    }

    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block {
                attributes: vec![
                    Attribute::string("endpoint"),
                    Attribute::string("token").sensitive(),
                ],
                ..Block::default()
            },
        }
    }

    fn validate_config(&self, config: &Value, diagnostics: &mut Diagnostics) {
        if config.attr("endpoint").as_str() == Some("bad") {
            diagnostics.attribute_error(
                AttributePath::attribute("endpoint"),
                "Invalid Endpoint",
                "Use an https URL.",
            );
        }
    }

    async fn configure(
        &self,
        ctx: &Context,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData> {
        if config.attr("endpoint").as_str() == Some("refuse") {
            diagnostics.error("Cannot Configure", "Refused on purpose.");
            return None;
        }
        if ctx.terraform_version.as_deref() != Some("1.15.5") {
            diagnostics.error("Missing Terraform Version", "Expected 1.15.5.");
        }
        Some(self.store.clone())
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(FakeLookup)]
    }
}

fn lookup_type() -> Type {
    FakeLookup.schema().value_type()
}

fn thing_schema() -> Schema {
    Schema {
        version: 1,
        block: Block {
            attributes: vec![
                Attribute::string("id")
                    .computed()
                    .state_for_unknown(StateForUnknown::Always),
                Attribute::string("name").required(),
                Attribute::string("zone").requires_replace(),
                Attribute::number("revision").computed(),
                Attribute::string("password").sensitive().write_only(),
                Attribute::nested(
                    "config",
                    Nesting::Single,
                    vec![
                        Attribute::string("client_id"),
                        Attribute::string("secret").sensitive(),
                    ],
                ),
                Attribute::string("description")
                    .description("What the `thing` is for.")
                    .deprecated("Use name instead."),
            ],
            ..Block::default()
        },
    }
}

fn thing_type() -> Type {
    thing_schema().value_type()
}

/// A `test_thing` object with every attribute null except those given.
fn thing(values: &[(&str, Value)]) -> Value {
    let mut object = Value::object(
        [
            "id",
            "name",
            "zone",
            "revision",
            "password",
            "config",
            "description",
        ]
        .map(|name| (name, Value::Null)),
    );
    let entries = object.as_entries_mut().unwrap();
    for (name, value) in values {
        entries.insert((*name).to_owned(), value.clone());
    }
    object
}

fn with(base: &Value, values: &[(&str, Value)]) -> Value {
    let mut object = base.clone();
    let entries = object.as_entries_mut().unwrap();
    for (name, value) in values {
        entries.insert((*name).to_owned(), value.clone());
    }
    object
}

struct Thing;

impl Thing {
    fn store<'a>(ctx: &'a Context, diagnostics: &mut Diagnostics) -> Option<&'a Store> {
        // `configure` handed over an `Arc<Store>`, which ProviderData holds as `dyn Any`.
        let store = ctx.provider_data::<Store>();
        if store.is_none() {
            diagnostics.error("Unconfigured Provider", "ConfigureProvider did not run.");
        }
        store
    }
}

#[async_trait::async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &'static str {
        THING
    }

    fn schema(&self) -> Schema {
        thing_schema()
    }

    async fn validate_config(
        &self,
        _ctx: &Context,
        request: ValidateConfigRequest,
        response: &mut ValidateConfigResponse,
    ) {
        if request.config.attr("name").as_str() == Some("invalid") {
            response.diagnostics.attribute_error(
                AttributePath::attribute("name"),
                "Invalid Name",
                "Pick another name.",
            );
        }
    }

    async fn modify_plan(
        &self,
        _ctx: &Context,
        request: ModifyPlanRequest,
        response: &mut ModifyPlanResponse,
    ) {
        if request.config.attr("name").as_str() == Some("forbidden") {
            response.diagnostics.attribute_error(
                AttributePath::attribute("name"),
                "Forbidden Name",
                "This name is reserved.",
            );
        }
        // Tries to plan a write-only value; the service must null it.
        response
            .planned_state
            .set_at(&AttributePath::attribute("password"), Value::from("leaked"));
    }

    async fn read(&self, ctx: &Context, request: ReadRequest, response: &mut ReadResponse) {
        let Some(store) = Self::store(ctx, &mut response.diagnostics) else {
            return;
        };
        let id = request.prior_state.attr("id").as_str().unwrap_or_default();
        response.new_state = store
            .objects
            .lock()
            .unwrap()
            .get(id)
            .cloned()
            .unwrap_or(Value::Null);
    }

    async fn create(&self, ctx: &Context, request: CreateRequest, response: &mut ApplyResponse) {
        let Some(store) = Self::store(ctx, &mut response.diagnostics) else {
            return;
        };
        match request.planned_state.attr("name").as_str() {
            Some("slow") => {
                store.slow_create_started.notify_one();
                tokio::select! {
                    () = ctx.cancel.cancelled() => response
                        .diagnostics
                        .error("Create Cancelled", "Terraform asked the provider to stop."),
                    () = tokio::time::sleep(Duration::from_secs(30)) => response
                        .diagnostics
                        .error("Create Not Cancelled", "The stop never arrived."),
                }
                return;
            }
            Some("half") => {
                // Forgets to fill in the computed attributes.
                response.new_state = request.planned_state;
                return;
            }
            _ => {}
        }
        assert_eq!(request.config.attr("password").as_str(), Some("hunter2"));
        let n = store.next();
        let id = format!("thing-{n}");
        let state = with(
            &request.planned_state,
            &[
                ("id", Value::from(id.as_str())),
                ("revision", Value::Number(Number::Int(1))),
            ],
        );
        store.objects.lock().unwrap().insert(id, state.clone());
        response.new_state = state;
        response.private = b"created".to_vec();
    }

    async fn update(&self, ctx: &Context, request: UpdateRequest, response: &mut ApplyResponse) {
        let Some(store) = Self::store(ctx, &mut response.diagnostics) else {
            return;
        };
        if request.planned_state.attr("name").as_str() == Some("unchangeable") {
            response
                .diagnostics
                .error("Update Failed", "The API said no.");
            return;
        }
        let revision = match request.prior_state.attr("revision") {
            Value::Number(n) => n.as_i64().unwrap_or_default() + 1,
            _ => 1,
        };
        let state = with(
            &request.planned_state,
            &[("revision", Value::Number(Number::Int(revision)))],
        );
        let id = state.attr("id").as_str().unwrap_or_default().to_owned();
        store.objects.lock().unwrap().insert(id, state.clone());
        response.new_state = state;
    }

    async fn delete(&self, ctx: &Context, request: DeleteRequest, response: &mut DeleteResponse) {
        let diagnostics = &mut response.diagnostics;
        let Some(store) = Self::store(ctx, diagnostics) else {
            return;
        };
        if request.prior_state.attr("name").as_str() == Some("stuck") {
            diagnostics.error("Delete Failed", "The API refused.");
            return;
        }
        let id = request.prior_state.attr("id").as_str().unwrap_or_default();
        store.objects.lock().unwrap().remove(id);
    }

    async fn import_state(
        &self,
        _ctx: &Context,
        request: ImportRequest,
        response: &mut ImportResponse,
    ) {
        let id = request.id.as_str();
        if id.is_empty() || id.contains(' ') {
            response
                .diagnostics
                .error("Invalid Import ID", "Expected an ID like thing-1.");
            return;
        }
        response.state = thing(&[("id", Value::from(id))]);
    }

    async fn upgrade_state(
        &self,
        _ctx: &Context,
        request: UpgradeStateRequest,
        response: &mut UpgradeStateResponse,
    ) {
        if request.version != 0 {
            let diagnostics = &mut response.diagnostics;
            diagnostics.error("Unsupported State Version", "Only version 0 upgrades.");
            return;
        }
        let raw_state = &request.raw_state;
        response.state = thing(&[
            ("id", Value::opt_string(raw_state["id"].as_str())),
            ("name", Value::opt_string(raw_state["title"].as_str())),
            ("revision", Value::Number(Number::Int(0))),
        ]);
    }

    fn move_sources(&self) -> Vec<MoveSource> {
        vec![MoveSource {
            type_name: LEGACY_THING,
            providers: &["example/legacy"],
        }]
    }

    async fn move_state(
        &self,
        _ctx: &Context,
        request: MoveStateRequest,
        response: &mut MoveStateResponse,
    ) {
        let raw_state = &request.source_state;
        if raw_state["title"] == "unknown" {
            // A state with an unknown value; the server must refuse it.
            response.state = thing(&[("id", Value::Unknown(Default::default()))]);
            return;
        }
        response.state = thing(&[
            ("id", Value::opt_string(raw_state["id"].as_str())),
            ("name", Value::opt_string(raw_state["title"].as_str())),
            ("password", Value::from("leaked")),
            ("revision", Value::Number(Number::Int(0))),
        ]);
    }
}

/// The resource type `Thing` accepts `moved` blocks from.
const LEGACY_THING: &str = "legacy_thing";

/// Serves a fresh provider on a loopback port and connects the generated client to it.
async fn start() -> (ProviderClient<Channel>, Arc<Store>) {
    let provider = Arc::new(TestProvider::default());
    let store = provider.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = ProviderService::new(provider).into_server();
    tokio::spawn(
        Server::builder()
            .add_service(service)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let client = ProviderClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    (client, store)
}

async fn configure(client: &mut ProviderClient<Channel>) {
    let config = Value::object([
        ("endpoint", Value::from("https://api")),
        ("token", Value::Null),
    ]);
    let response = client
        .configure_provider(proto::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: Some(encode_with(
                &config,
                &TestProvider::default().schema().value_type(),
            )),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
}

fn encode_with(value: &Value, ty: &Type) -> proto::DynamicValue {
    proto::DynamicValue {
        msgpack: msgpack::encode(value, ty).unwrap(),
        json: Vec::new(),
    }
}

fn dv(value: &Value) -> Option<proto::DynamicValue> {
    Some(encode_with(value, &thing_type()))
}

fn decoded(value: Option<proto::DynamicValue>) -> Value {
    msgpack::decode(&value.expect("a value").msgpack, &thing_type()).unwrap()
}

fn summaries(diagnostics: &[proto::Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.summary.as_str()).collect()
}

fn attribute(name: &str) -> Option<proto::AttributePath> {
    Some(super::diagnostics::path_to_proto(
        &AttributePath::attribute(name),
    ))
}

async fn plan(
    client: &mut ProviderClient<Channel>,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> proto::plan_resource_change::Response {
    client
        .plan_resource_change(proto::plan_resource_change::Request {
            type_name: THING.into(),
            prior_state: dv(prior),
            proposed_new_state: dv(proposed),
            config: dv(config),
            prior_private: b"private-bytes".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

async fn apply(
    client: &mut ProviderClient<Channel>,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> proto::apply_resource_change::Response {
    client
        .apply_resource_change(proto::apply_resource_change::Request {
            type_name: THING.into(),
            prior_state: dv(prior),
            planned_state: dv(planned),
            config: dv(config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn metadata_and_schemas() {
    let (mut client, _) = start().await;
    let metadata = client
        .get_metadata(proto::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    let capabilities = metadata.server_capabilities.unwrap();
    assert!(capabilities.plan_destroy && capabilities.get_provider_schema_optional);
    assert!(capabilities.move_resource_state && capabilities.generate_resource_config);
    let names: Vec<_> = metadata
        .resources
        .iter()
        .map(|r| r.type_name.as_str())
        .collect();
    assert_eq!(names, [THING]);
    let data_sources: Vec<_> = metadata
        .data_sources
        .iter()
        .map(|d| d.type_name.as_str())
        .collect();
    assert_eq!(data_sources, [LOOKUP]);

    let schema = client
        .get_provider_schema(proto::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        schema.server_capabilities,
        Some(proto::ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: true,
            generate_resource_config: true,
        })
    );
    // A provider whose resources have no identity still answers, with none.
    let identities = client
        .get_resource_identity_schemas(proto::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(identities.identity_schemas.is_empty());
    assert!(schema.list_resource_schemas.is_empty());
    let provider_block = schema.provider.unwrap().block.unwrap();
    let token = provider_block
        .attributes
        .iter()
        .find(|a| a.name == "token")
        .unwrap();
    assert!(token.sensitive && token.optional);
    let thing_schema = &schema.resource_schemas[THING];
    assert_eq!(thing_schema.version, 1);
    let block = thing_schema.block.as_ref().unwrap();
    let attr = |name: &str| block.attributes.iter().find(|a| a.name == name).unwrap();
    assert!(attr("id").computed && !attr("id").optional);
    assert!(attr("name").required);
    assert_eq!(attr("revision").r#type, b"\"number\"");
    assert!(attr("password").write_only && attr("password").sensitive);
    let config = attr("config").nested_type.as_ref().unwrap();
    assert_eq!(
        config.nesting,
        proto::schema::object::NestingMode::Single as i32
    );
    assert_eq!(config.attributes.len(), 2);
    let description = attr("description");
    assert_eq!(description.description, "What the `thing` is for.");
    assert_eq!(
        description.description_kind,
        proto::StringKind::Markdown as i32
    );
    assert!(description.deprecated);
    assert_eq!(description.deprecation_message, "Use name instead.");
    let lookup_block = schema.data_source_schemas[LOOKUP].block.as_ref().unwrap();
    let names: Vec<_> = lookup_block.attributes.iter().map(|a| &a.name).collect();
    assert_eq!(names, ["query", "answer"]);
}

#[tokio::test]
async fn data_sources_are_validated_and_read_through_the_framework() {
    let (mut client, _) = start().await;
    let lookup = |query: &str| {
        let config = Value::object([("query", Value::from(query)), ("answer", Value::Null)]);
        Some(encode_with(&config, &lookup_type()))
    };
    let validated = client
        .validate_data_resource_config(proto::validate_data_resource_config::Request {
            type_name: LOOKUP.into(),
            config: lookup(""),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&validated.diagnostics), ["Empty Query"]);
    assert_eq!(validated.diagnostics[0].attribute, attribute("query"));
    for (query, answer, errors) in [
        ("weather", Value::from("answer to weather"), vec![]),
        ("unknown", Value::Null, vec!["Unknown Value After Read"]),
    ] {
        let read = client
            .read_data_source(proto::read_data_source::Request {
                type_name: LOOKUP.into(),
                config: lookup(query),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(summaries(&read.diagnostics), errors, "{query}");
        let state = msgpack::decode(&read.state.unwrap().msgpack, &lookup_type()).unwrap();
        assert_eq!(state.attr("answer"), &answer, "{query}");
        assert_eq!(state.attr("query"), &Value::from(query));
    }
}

#[tokio::test]
async fn validation_reports_diagnostics_with_paths() {
    let (mut client, _) = start().await;
    let provider_type = TestProvider::default().schema().value_type();
    let response = client
        .validate_provider_config(proto::validate_provider_config::Request {
            config: Some(encode_with(
                &Value::object([
                    ("endpoint", Value::from("bad")),
                    ("token", Value::unknown()),
                ]),
                &provider_type,
            )),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&response.diagnostics), ["Invalid Endpoint"]);
    assert_eq!(response.diagnostics[0].attribute, attribute("endpoint"));
    assert_eq!(
        response.diagnostics[0].severity,
        proto::diagnostic::Severity::Error as i32
    );

    let validate = |config: Value, write_only_allowed: Option<bool>| {
        let mut client = client.clone();
        async move {
            client
                .validate_resource_config(proto::validate_resource_config::Request {
                    type_name: THING.into(),
                    config: dv(&config),
                    client_capabilities: write_only_allowed.map(|allowed| {
                        proto::ClientCapabilities {
                            deferral_allowed: false,
                            write_only_attributes_allowed: allowed,
                        }
                    }),
                })
                .await
                .unwrap()
                .into_inner()
                .diagnostics
        }
    };
    let with_password = thing(&[("name", "x".into()), ("password", "hunter2".into())]);
    let old_client = validate(with_password.clone(), None).await;
    assert_eq!(summaries(&old_client), ["Write-Only Attribute Not Allowed"]);
    assert_eq!(old_client[0].attribute, attribute("password"));
    assert!(validate(with_password.clone(), Some(false)).await.len() == 1);
    assert!(validate(with_password, Some(true)).await.is_empty());
    let invalid = validate(thing(&[("name", "invalid".into())]), Some(true)).await;
    assert_eq!(summaries(&invalid), ["Invalid Name"]);
    assert_eq!(invalid[0].attribute, attribute("name"));
    // Unknown values in configuration are fine at validation time.
    assert!(validate(thing(&[("name", Value::unknown())]), None)
        .await
        .is_empty());

    let unknown_type = client
        .validate_resource_config(proto::validate_resource_config::Request {
            type_name: "test_nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&unknown_type.diagnostics),
        ["Unknown resource type"]
    );

    let data = client
        .validate_data_resource_config(proto::validate_data_resource_config::Request {
            type_name: "test_data".into(),
            config: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&data.diagnostics), ["Unknown data source type"]);
    let read_data = client
        .read_data_source(proto::read_data_source::Request {
            type_name: "test_data".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&read_data.diagnostics),
        ["Unknown data source type"]
    );
    assert!(read_data.state.is_none());
}

#[tokio::test]
async fn configure_failures_are_diagnostics() {
    let (mut client, _) = start().await;
    let provider_type = TestProvider::default().schema().value_type();
    let response = client
        .configure_provider(proto::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: Some(encode_with(
                &Value::object([("endpoint", Value::from("refuse")), ("token", Value::Null)]),
                &provider_type,
            )),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&response.diagnostics), ["Cannot Configure"]);
    // Without provider data the resource says so instead of crashing.
    let config = thing(&[("name", "a".into()), ("password", "hunter2".into())]);
    let planned = decoded(
        plan(&mut client, &Value::Null, &config, &config)
            .await
            .planned_state,
    );
    let applied = apply(&mut client, &Value::Null, &planned, &config).await;
    assert_eq!(summaries(&applied.diagnostics), ["Unconfigured Provider"]);
    assert_eq!(decoded(applied.new_state), Value::Null);
}

#[tokio::test]
async fn create_update_delete_follow_null_values() {
    let (mut client, store) = start().await;
    configure(&mut client).await;
    let config = thing(&[
        ("name", "login".into()),
        ("zone", "z1".into()),
        ("password", "hunter2".into()),
    ]);

    // Create: computed attributes become unknown; the write-only value stays out of the plan.
    let planned = plan(&mut client, &Value::Null, &config, &config).await;
    assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);
    assert!(planned.requires_replace.is_empty());
    assert_eq!(planned.planned_private, b"private-bytes");
    let planned_state = decoded(planned.planned_state);
    assert!(planned_state.attr("id").is_unknown());
    assert!(planned_state.attr("revision").is_unknown());
    assert!(planned_state.attr("password").is_null());
    assert_eq!(planned_state.attr("name"), &Value::from("login"));

    let created = apply(&mut client, &Value::Null, &planned_state, &config).await;
    assert!(created.diagnostics.is_empty(), "{:?}", created.diagnostics);
    assert_eq!(created.private, b"created");
    let state = decoded(created.new_state);
    assert_eq!(state.attr("id"), &Value::from("thing-1"));
    assert!(state.attr("password").is_null());
    assert!(state.is_wholly_known());
    assert_eq!(store.ids(), ["thing-1"]);

    // Refresh passes private data through and finds the object.
    let read = client
        .read_resource(proto::read_resource::Request {
            type_name: THING.into(),
            current_state: dv(&state),
            private: b"created".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(read.diagnostics.is_empty());
    assert_eq!(read.private, b"created");
    assert_eq!(decoded(read.new_state), state);

    // No change: the plan is the prior state, with nothing unknown.
    let unchanged_config = with(&config, &[("password", Value::Null)]);
    let proposed = with(&state, &[]);
    let unchanged = plan(&mut client, &state, &proposed, &unchanged_config).await;
    assert_eq!(decoded(unchanged.planned_state), state);

    // A change keeps the id (state_for_unknown) and plans the revision as unknown.
    let changed_config = with(&unchanged_config, &[("description", "hello".into())]);
    let proposed = with(&state, &[("description", "hello".into())]);
    let changed = plan(&mut client, &state, &proposed, &changed_config).await;
    assert!(changed.requires_replace.is_empty());
    let changed_plan = decoded(changed.planned_state);
    assert_eq!(changed_plan.attr("id"), &Value::from("thing-1"));
    assert!(changed_plan.attr("revision").is_unknown());
    // modify_plan tried to plan the write-only password; it must come back null.
    assert!(changed_plan.attr("password").is_null());

    // A zone change forces replacement.
    let moved_config = with(&unchanged_config, &[("zone", "z2".into())]);
    let moved = plan(
        &mut client,
        &state,
        &with(&state, &[("zone", "z2".into())]),
        &moved_config,
    )
    .await;
    assert_eq!(moved.requires_replace.len(), 1);
    assert_eq!(Some(moved.requires_replace[0].clone()), attribute("zone"));

    // Update: prior and planned both non-null.
    let updated = apply(&mut client, &state, &changed_plan, &changed_config).await;
    assert!(updated.diagnostics.is_empty(), "{:?}", updated.diagnostics);
    let updated_state = decoded(updated.new_state);
    assert_eq!(
        updated_state.attr("revision"),
        &Value::Number(Number::Int(2))
    );
    assert_eq!(updated_state.attr("description"), &Value::from("hello"));

    // Destroy plan: null proposed state plans null.
    let destroy = plan(&mut client, &updated_state, &Value::Null, &Value::Null).await;
    assert!(destroy.diagnostics.is_empty());
    assert_eq!(destroy.planned_state.unwrap().msgpack, [0xc0]);

    // Delete: planned null.
    let deleted = apply(&mut client, &updated_state, &Value::Null, &Value::Null).await;
    assert!(deleted.diagnostics.is_empty());
    assert_eq!(decoded(deleted.new_state), Value::Null);
    assert!(store.ids().is_empty());

    // Reading a deleted object answers null: Terraform drops it from state.
    let gone = client
        .read_resource(proto::read_resource::Request {
            type_name: THING.into(),
            current_state: dv(&updated_state),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(gone.diagnostics.is_empty());
    assert_eq!(decoded(gone.new_state), Value::Null);
}

#[tokio::test]
async fn failures_keep_the_state_the_resource_left() {
    let (mut client, store) = start().await;
    configure(&mut client).await;

    // A create that leaves unknowns gets one error per unknown path, and nulls in their place.
    let config = thing(&[("name", "half".into())]);
    let planned = decoded(
        plan(&mut client, &Value::Null, &config, &config)
            .await
            .planned_state,
    );
    let half = apply(&mut client, &Value::Null, &planned, &config).await;
    let mut unknown_paths: Vec<_> = half
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.summary, "Unknown Value After Apply");
            d.attribute.clone()
        })
        .collect();
    unknown_paths.sort_by_key(|p| format!("{p:?}"));
    assert_eq!(unknown_paths, [attribute("id"), attribute("revision")]);
    let saved = decoded(half.new_state);
    assert!(saved.attr("id").is_null());
    assert_eq!(saved.attr("name"), &Value::from("half"));

    // A failed update that sets nothing keeps the prior state.
    let prior = thing(&[
        ("id", "thing-7".into()),
        ("name", "unchangeable".into()),
        ("revision", Value::Number(Number::Int(3))),
    ]);
    let planned = with(&prior, &[("description", "x".into())]);
    let failed = apply(
        &mut client,
        &prior,
        &planned,
        &with(&planned, &[("id", Value::Null)]),
    )
    .await;
    assert_eq!(summaries(&failed.diagnostics), ["Update Failed"]);
    assert_eq!(decoded(failed.new_state), prior);

    // A failed delete keeps the object in state.
    let stuck = thing(&[("id", "thing-8".into()), ("name", "stuck".into())]);
    let failed = apply(&mut client, &stuck, &Value::Null, &Value::Null).await;
    assert_eq!(summaries(&failed.diagnostics), ["Delete Failed"]);
    assert_eq!(decoded(failed.new_state), stuck);

    // modify_plan diagnostics reach Terraform with their path.
    let forbidden = thing(&[("name", "forbidden".into())]);
    let planned = plan(&mut client, &Value::Null, &forbidden, &forbidden).await;
    assert_eq!(summaries(&planned.diagnostics), ["Forbidden Name"]);
    assert_eq!(planned.diagnostics[0].attribute, attribute("name"));

    // Malformed values are diagnostics too, and the call still succeeds at the gRPC level.
    let garbage = client
        .apply_resource_change(proto::apply_resource_change::Request {
            type_name: THING.into(),
            prior_state: Some(proto::DynamicValue {
                msgpack: vec![0x87, 0xa2],
                json: Vec::new(),
            }),
            planned_state: dv(&Value::Null),
            config: dv(&Value::Null),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&garbage.diagnostics),
        ["Invalid Value From Terraform"]
    );
    assert!(garbage.diagnostics[0].detail.contains("prior state"));
    assert!(store.ids().is_empty());

    // Unknown resource types, RPC by RPC.
    let nope = || "test_nope".to_owned();
    let plan_nope = client
        .plan_resource_change(proto::plan_resource_change::Request {
            type_name: nope(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let apply_nope = client
        .apply_resource_change(proto::apply_resource_change::Request {
            type_name: nope(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let read_nope = client
        .read_resource(proto::read_resource::Request {
            type_name: nope(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let import_nope = client
        .import_resource_state(proto::import_resource_state::Request {
            type_name: nope(),
            id: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let upgrade_nope = client
        .upgrade_resource_state(proto::upgrade_resource_state::Request {
            type_name: nope(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    for diagnostics in [
        &plan_nope.diagnostics,
        &apply_nope.diagnostics,
        &read_nope.diagnostics,
        &import_nope.diagnostics,
        &upgrade_nope.diagnostics,
    ] {
        assert_eq!(summaries(diagnostics), ["Unknown resource type"]);
    }
}

#[tokio::test]
async fn upgrade_and_import() {
    let (mut client, _) = start().await;
    let upgrade = |version: i64, json: &str| {
        let mut client = client.clone();
        let json = json.as_bytes().to_vec();
        async move {
            client
                .upgrade_resource_state(proto::upgrade_resource_state::Request {
                    type_name: THING.into(),
                    version,
                    raw_state: Some(proto::RawState {
                        json,
                        flatmap: Default::default(),
                    }),
                })
                .await
                .unwrap()
                .into_inner()
        }
    };
    // Current version: decoded with the current schema; unknown keys are dropped, missing ones
    // are null, big numbers keep every digit.
    let current = upgrade(
        1,
        r#"{"id":"thing-1","name":"n","revision":123456789012345678901234567890,
            "password":"must-not-survive","dropped":true}"#,
    )
    .await;
    assert!(current.diagnostics.is_empty(), "{:?}", current.diagnostics);
    let state = decoded(current.upgraded_state);
    assert_eq!(state.attr("id"), &Value::from("thing-1"));
    assert!(state.attr("zone").is_null());
    assert!(state.attr("password").is_null());
    assert_eq!(
        state.attr("revision"),
        &Value::Number(Number::Decimal("123456789012345678901234567890".into()))
    );

    let older = upgrade(0, r#"{"id":"thing-2","title":"old name"}"#).await;
    assert!(older.diagnostics.is_empty(), "{:?}", older.diagnostics);
    let state = decoded(older.upgraded_state);
    assert_eq!(state.attr("name"), &Value::from("old name"));
    assert_eq!(state.attr("revision"), &Value::Number(Number::Int(0)));

    let newer = upgrade(2, "{}").await;
    assert_eq!(
        summaries(&newer.diagnostics),
        ["Resource Managed By Newer Provider Version"]
    );
    assert!(newer.upgraded_state.is_none());

    let broken = upgrade(1, r#"{"id": 5}"#).await;
    assert_eq!(
        summaries(&broken.diagnostics),
        ["Invalid Value From Terraform"]
    );
    assert_eq!(broken.diagnostics[0].attribute, attribute("id"));

    let imported = client
        .import_resource_state(proto::import_resource_state::Request {
            type_name: THING.into(),
            id: "thing-9".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(imported.diagnostics.is_empty());
    assert_eq!(imported.imported_resources.len(), 1);
    let resource = imported.imported_resources.into_iter().next().unwrap();
    assert_eq!(resource.type_name, THING);
    assert_eq!(decoded(resource.state).attr("id"), &Value::from("thing-9"));

    let bad = client
        .import_resource_state(proto::import_resource_state::Request {
            type_name: THING.into(),
            id: "not an id".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&bad.diagnostics), ["Invalid Import ID"]);
    assert!(bad.imported_resources.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_cancels_work_in_flight_and_the_service_keeps_answering() {
    let (mut client, store) = start().await;
    configure(&mut client).await;
    let config = thing(&[("name", "slow".into())]);
    let planned = decoded(
        plan(&mut client, &Value::Null, &config, &config)
            .await
            .planned_state,
    );
    let slow_apply = {
        let mut client = client.clone();
        tokio::spawn(async move { apply(&mut client, &Value::Null, &planned, &config).await })
    };
    tokio::time::timeout(
        Duration::from_secs(10),
        store.slow_create_started.notified(),
    )
    .await
    .expect("the slow create started");
    let stopped = client
        .stop_provider(proto::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stopped.error, "");
    let cancelled = tokio::time::timeout(Duration::from_secs(10), slow_apply)
        .await
        .expect("the apply returned after the stop")
        .unwrap();
    assert_eq!(summaries(&cancelled.diagnostics), ["Create Cancelled"]);

    // Later calls get a fresh token: they run normally.
    let config = thing(&[("name", "after".into()), ("password", "hunter2".into())]);
    let planned = decoded(
        plan(&mut client, &Value::Null, &config, &config)
            .await
            .planned_state,
    );
    let created = apply(&mut client, &Value::Null, &planned, &config).await;
    assert!(created.diagnostics.is_empty(), "{:?}", created.diagnostics);
    assert_eq!(store.ids().len(), 1);
}

/// Asserts that a call was answered with gRPC UNIMPLEMENTED.
fn assert_unimplemented<T: std::fmt::Debug>(name: &str, result: Result<T, tonic::Status>) {
    match result {
        Err(status) => assert_eq!(status.code(), tonic::Code::Unimplemented, "{name}"),
        Ok(response) => panic!("{name} answered {response:?}"),
    }
}

#[tokio::test]
async fn rpcs_not_offered_answer_unimplemented() {
    let (mut c, _) = start().await;
    assert_unimplemented(
        "ValidateEphemeralResourceConfig",
        c.validate_ephemeral_resource_config(
            proto::validate_ephemeral_resource_config::Request::default(),
        )
        .await,
    );
    assert_unimplemented(
        "OpenEphemeralResource",
        c.open_ephemeral_resource(proto::open_ephemeral_resource::Request::default())
            .await,
    );
    assert_unimplemented(
        "RenewEphemeralResource",
        c.renew_ephemeral_resource(proto::renew_ephemeral_resource::Request::default())
            .await,
    );
    assert_unimplemented(
        "CloseEphemeralResource",
        c.close_ephemeral_resource(proto::close_ephemeral_resource::Request::default())
            .await,
    );
    assert_unimplemented(
        "GetFunctions",
        c.get_functions(proto::get_functions::Request {}).await,
    );
    assert_unimplemented(
        "CallFunction",
        c.call_function(proto::call_function::Request::default())
            .await,
    );
    assert_unimplemented(
        "ValidateStateStoreConfig",
        c.validate_state_store_config(proto::validate_state_store::Request::default())
            .await,
    );
    assert_unimplemented(
        "ConfigureStateStore",
        c.configure_state_store(proto::configure_state_store::Request::default())
            .await,
    );
    assert_unimplemented(
        "ReadStateBytes",
        c.read_state_bytes(proto::read_state_bytes::Request::default())
            .await,
    );
    assert_unimplemented(
        "WriteStateBytes",
        c.write_state_bytes(tokio_stream::iter(vec![
            proto::write_state_bytes::RequestChunk::default(),
        ]))
        .await,
    );
    assert_unimplemented(
        "LockState",
        c.lock_state(proto::lock_state::Request::default()).await,
    );
    assert_unimplemented(
        "UnlockState",
        c.unlock_state(proto::unlock_state::Request::default())
            .await,
    );
    assert_unimplemented(
        "GetStates",
        c.get_states(proto::get_states::Request::default()).await,
    );
    assert_unimplemented(
        "DeleteState",
        c.delete_state(proto::delete_state::Request::default())
            .await,
    );
    assert_unimplemented(
        "PlanAction",
        c.plan_action(proto::plan_action::Request::default()).await,
    );
    assert_unimplemented(
        "InvokeAction",
        c.invoke_action(proto::invoke_action::Request::default())
            .await,
    );
    assert_unimplemented(
        "ValidateActionConfig",
        c.validate_action_config(proto::validate_action_config::Request::default())
            .await,
    );
    // The service is still healthy afterwards.
    assert!(c
        .get_metadata(proto::get_metadata::Request {})
        .await
        .is_ok());
}

fn move_request(
    provider: &str,
    type_name: &str,
    json: &str,
) -> proto::move_resource_state::Request {
    proto::move_resource_state::Request {
        source_provider_address: provider.into(),
        source_type_name: type_name.into(),
        source_schema_version: 3,
        source_state: Some(proto::RawState {
            json: json.as_bytes().to_vec(),
            flatmap: Default::default(),
        }),
        target_type_name: THING.into(),
        source_private: b"kept".to_vec(),
        ..Default::default()
    }
}

#[tokio::test]
async fn move_resource_state_converts_accepted_sources_only() {
    let (mut c, _) = start().await;
    let moved = c
        .move_resource_state(move_request(
            "registry.terraform.io/example/legacy",
            LEGACY_THING,
            r#"{"id":"thing-9","title":"old"}"#,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(moved.diagnostics.is_empty(), "{:?}", moved.diagnostics);
    let state = decoded(moved.target_state);
    assert_eq!(state.attr("id").as_str(), Some("thing-9"));
    assert_eq!(state.attr("name").as_str(), Some("old"));
    // Write-only values never reach state, whatever the resource returns.
    assert!(state.attr("password").is_null());

    for (provider, type_name, what) in [
        (
            "registry.terraform.io/example/other",
            LEGACY_THING,
            "provider",
        ),
        (
            "registry.terraform.io/example/legacy",
            "other_thing",
            "type",
        ),
    ] {
        let refused = c
            .move_resource_state(move_request(provider, type_name, r#"{"id":"x"}"#))
            .await
            .unwrap()
            .into_inner();
        assert!(refused.target_state.is_none(), "{what}");
        assert_eq!(refused.diagnostics.len(), 1, "{what}");
        let detail = &refused.diagnostics[0].detail;
        assert_eq!(refused.diagnostics[0].summary, "Unsupported Resource Move");
        assert!(
            detail.contains(&format!("{type_name} of provider {provider:?}"))
                && detail.contains("legacy_thing from provider \"example/legacy\""),
            "{detail}"
        );
    }

    for (json, summary) in [
        ("not json", "Invalid Stored State"),
        ("", "Unsupported State Format"),
        (r#"{"title":"unknown"}"#, "Invalid Moved State"),
    ] {
        let refused = c
            .move_resource_state(move_request("example/legacy", LEGACY_THING, json))
            .await
            .unwrap()
            .into_inner();
        assert!(refused.target_state.is_none(), "{summary}");
        assert_eq!(refused.diagnostics[0].summary, summary);
    }
}
