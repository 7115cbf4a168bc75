//! The server end to end, in process: a real listener, real TLS with a host certificate shaped
//! like Terraform's, and gRPC clients talking to it.

use super::config::{ListenConfig, Network};
use super::handshake::Address;
use super::tls::testing::{host_cert, HostCert};
use super::*;
use crate::framework::resource::Context as ResourceContext;
use crate::framework::{Diagnostics, ProviderData, Resource, Schema, Value};
use crate::proto::plugin::grpc_broker_client::GrpcBrokerClient;
use crate::proto::plugin::grpc_controller_client::GrpcControllerClient;
use crate::proto::plugin::grpc_stdio_client::GrpcStdioClient;
use crate::proto::plugin::Empty;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use rustls::SupportedProtocolVersion;
use std::path::Path;
use std::sync::Mutex;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

/// A provider with nothing in it: these tests are about the transport.
struct EmptyProvider;

#[async_trait::async_trait]
impl Provider for EmptyProvider {
    fn type_name(&self) -> &'static str {
        "empty"
    }

    fn schema(&self) -> Schema {
        Schema::default()
    }

    async fn configure(
        &self,
        _ctx: &ResourceContext,
        _config: &Value,
        _diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData> {
        None
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        Vec::new()
    }
}

fn settings(network: Network, dir: &Path, client_cert_pem: Option<String>) -> Settings {
    Settings {
        protocol_version: PROTOCOL_VERSION,
        listen: ListenConfig {
            network,
            socket_dir: dir.to_owned(),
            socket_group: None,
            ports: 0..=0,
        },
        client_cert_pem,
        grace: SHUTDOWN_GRACE,
    }
}

/// A running server and what a host learns from its handshake line.
struct Running {
    address: Address,
    server_cert: Option<CertificateDer<'static>>,
    line: String,
    shutdown: CancellationToken,
    served: JoinHandle<Result<(), ServeError>>,
}

fn start(settings: &Settings) -> Running {
    let server = BoundServer::bind(settings).unwrap();
    let address = server.address().clone();
    let server_cert = server.server_certificate().cloned();
    let line = server.handshake_line();
    let shutdown = CancellationToken::new();
    let served = tokio::spawn(server.serve(Arc::new(EmptyProvider), shutdown.clone()));
    Running {
        address,
        server_cert,
        line,
        shutdown,
        served,
    }
}

/// Waits up to two seconds for the server to finish serving without an error; `why` says
/// what kept it running otherwise.
async fn assert_stops_serving(served: JoinHandle<Result<(), ServeError>>, why: &str) {
    let finished = tokio::time::timeout(Duration::from_secs(2), served).await;
    finished.expect(why).unwrap().unwrap();
}

trait Stream: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Stream for T {}

async fn connect_raw(address: &Address) -> Box<dyn Stream> {
    match address {
        Address::Unix(path) => Box::new(tokio::net::UnixStream::connect(path).await.unwrap()),
        Address::Tcp(addr) => Box::new(tokio::net::TcpStream::connect(addr).await.unwrap()),
    }
}

/// A client TLS configuration that trusts exactly the server's certificate for `localhost`
/// (as go-plugin's client does) and presents `client` if given.
fn client_tls(
    server_cert: &CertificateDer<'static>,
    client: Option<&HostCert>,
    version: &'static SupportedProtocolVersion,
) -> rustls::ClientConfig {
    let provider = tls::crypto_provider();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(server_cert.clone()).unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .unwrap()
        .with_root_certificates(roots);
    let mut config = match client {
        Some(host) => builder
            .with_client_auth_cert(vec![host.der.clone()], host.key.clone_key())
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    config
}

async fn connect_tls(
    address: &Address,
    config: rustls::ClientConfig,
) -> std::io::Result<tokio_rustls::client::TlsStream<Box<dyn Stream>>> {
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from("localhost").unwrap();
    connector.connect(name, connect_raw(address).await).await
}

/// A gRPC channel over one already-open connection.
async fn channel_over<S: Stream>(stream: S) -> Channel {
    let slot = Arc::new(Mutex::new(Some(stream)));
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let stream = slot.lock().unwrap().take();
            async move {
                stream
                    .map(TokioIo::new)
                    .ok_or_else(|| std::io::Error::other("the test connection was already used"))
            }
        }))
        .await
        .unwrap()
}

async fn plugin_health(channel: Channel) -> Result<ServingStatus, tonic::Status> {
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await?;
    Ok(response.into_inner().status())
}

/// Whether the server refused this TLS client. With TLS 1.3 the client finishes its side of
/// the handshake before the server has judged its certificate, so a refusal can also show up
/// as an alert or a closed connection on the first read.
async fn refused(config: rustls::ClientConfig, address: &Address) -> bool {
    let Ok(mut stream) = connect_tls(address, config).await else {
        return true;
    };
    let _ = stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await;
    let _ = stream.flush().await;
    let mut buf = [0u8; 64];
    match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
        Ok(Ok(0)) | Ok(Err(_)) => true,
        Ok(Ok(_)) => false,
        Err(_) => panic!("the server neither answered nor refused"),
    }
}

const VERSIONS: [&SupportedProtocolVersion; 2] = [&rustls::version::TLS13, &rustls::version::TLS12];

#[tokio::test]
async fn mtls_admits_only_the_pinned_host_and_shuts_down_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let host = host_cert();
    let running = start(&settings(Network::Unix, dir.path(), Some(host.pem.clone())));
    let server_cert = running.server_cert.clone().expect("TLS is on");

    // The handshake line announces the socket and the certificate.
    let fields: Vec<&str> = running.line.split('|').collect();
    let Address::Unix(socket) = &running.address else {
        panic!("expected a unix socket")
    };
    assert_eq!(fields[..4], ["1", "6", "unix", socket.to_str().unwrap()]);
    assert_eq!(fields[4], "grpc");
    use base64::Engine as _;
    let announced = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(fields[5])
        .unwrap();
    assert_eq!(announced, server_cert.as_ref());

    for version in VERSIONS {
        // (b) no client certificate, (c) a certificate that is not the pinned one.
        assert!(
            refused(client_tls(&server_cert, None, version), &running.address).await,
            "a client without a certificate got in ({version:?})"
        );
        let stranger = host_cert();
        assert!(
            refused(
                client_tls(&server_cert, Some(&stranger), version),
                &running.address
            )
            .await,
            "a client with another certificate got in ({version:?})"
        );
    }

    // (a) the pinned P-521 certificate gets in, over TLS 1.3 and 1.2, and the refusals above
    // did not disturb the server.
    for version in VERSIONS {
        let stream = connect_tls(
            &running.address,
            client_tls(&server_cert, Some(&host), version),
        )
        .await
        .unwrap();
        assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        assert_eq!(stream.get_ref().1.protocol_version(), Some(version.version));
        let status = plugin_health(channel_over(stream).await).await.unwrap();
        assert_eq!(status, ServingStatus::Serving);
    }

    // Like Terraform: one connection carrying the stdio and broker streams, then Shutdown.
    let stream = connect_tls(
        &running.address,
        client_tls(&server_cert, Some(&host), &rustls::version::TLS13),
    )
    .await
    .unwrap();
    let channel = channel_over(stream).await;
    let mut stdio = GrpcStdioClient::new(channel.clone())
        .stream_stdio(())
        .await
        .unwrap()
        .into_inner();
    let (_broker_tx, broker_rx) = tokio::sync::mpsc::channel(1);
    let mut broker = GrpcBrokerClient::new(channel.clone())
        .start_stream(tokio_stream::wrappers::ReceiverStream::new(broker_rx))
        .await
        .unwrap()
        .into_inner();

    // (d) Shutdown is answered, the streams end cleanly, and serving stops within go-plugin's
    // 2 s allowance.
    GrpcControllerClient::new(channel.clone())
        .shutdown(Empty {})
        .await
        .unwrap();
    assert!(running.shutdown.is_cancelled());
    assert_stops_serving(running.served, "the server kept running after Shutdown").await;
    assert!(matches!(stdio.message().await, Ok(None)));
    assert!(matches!(broker.message().await, Ok(None)));
    assert!(!socket.exists(), "the socket file outlived the server");
}

#[tokio::test]
async fn plaintext_over_tcp_when_no_client_certificate_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let running = start(&settings(Network::Tcp, dir.path(), None));
    let Address::Tcp(addr) = running.address else {
        panic!("expected TCP")
    };
    assert!(addr.ip().is_loopback());
    assert_eq!(running.line, format!("1|6|tcp|{addr}|grpc|"));
    assert!(running.server_cert.is_none());

    let channel = channel_over(connect_raw(&running.address).await).await;
    assert_eq!(
        plugin_health(channel.clone()).await.unwrap(),
        ServingStatus::Serving
    );
    // Unknown health services are reported as such, not as serving.
    let unknown = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: "nonexistent".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);

    running.shutdown.cancel();
    assert_stops_serving(running.served, "the server kept running after shutdown").await;
}

#[tokio::test]
async fn a_request_that_never_ends_does_not_hold_shutdown_past_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings(Network::Unix, dir.path(), None);
    settings.grace = Duration::from_millis(200);
    let running = start(&settings);
    let channel = channel_over(connect_raw(&running.address).await).await;
    // A health Watch stream only ends when the client hangs up, so graceful shutdown alone
    // would wait for it forever.
    let mut watch = HealthClient::new(channel.clone())
        .watch(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap();
    assert_eq!(first.status(), ServingStatus::Serving);

    GrpcControllerClient::new(channel.clone())
        .shutdown(Empty {})
        .await
        .unwrap();
    assert_stops_serving(running.served, "an open stream kept the server running").await;
}

#[tokio::test]
async fn a_bad_client_certificate_variable_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let error = BoundServer::bind(&settings(
        Network::Unix,
        dir.path(),
        Some("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".into()),
    ))
    .unwrap_err();
    assert!(matches!(error, ServeError::Tls(_)), "{error}");
    // Nothing was left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn command_line_parsing() {
    let parse = |args: &[&str]| Command::parse(args.iter().copied());
    assert_eq!(parse(&[]), Ok(Command::Serve));
    assert_eq!(parse(&["--debug"]), Ok(Command::Debug));
    assert_eq!(parse(&["-debug"]), Ok(Command::Debug));
    assert_eq!(parse(&["--version"]), Ok(Command::Version));
    assert_eq!(parse(&["--debug", "--help"]), Ok(Command::Help));
    assert_eq!(parse(&["--version", "--debug"]), Ok(Command::Version));
    assert!(parse(&["--serve"]).is_err());
    assert_eq!(
        version_text(),
        format!(
            "terraform-provider-cloudflare-access {}",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert!(usage().contains("--debug"));
}

/// The API root the fuzzed provider talks to (a mock started by the test).
static FUZZ_API: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn fuzz_env(name: &str) -> Option<String> {
    match name {
        "CLOUDFLARE_API_TOKEN" => Some("fuzz-token-0123456789abcdef0123456789abcdef".into()),
        "CLOUDFLARE_BASE_URL" => FUZZ_API.get().cloned(),
        "CLOUDFLARE_RETRIES" => Some("0".into()),
        _ => None,
    }
}

/// Malformed and random tfplugin6 requests through the generated client against a running
/// server with the real provider: random field values (type names, versions, IDs, private
/// bytes), DynamicValues that are noise, mutated or valid encodings of the schema, and
/// mutated protobuf encodings of whole requests. Every call must come back (a response with
/// diagnostics or a gRPC error) within the watchdog's limit, and the server must keep serving.
#[test]
fn fuzz_grpc_requests() {
    use crate::fuzzing::{self, value_of, Verdict};
    use crate::proto::tfplugin6 as tf;
    use crate::proto::tfplugin6::provider_client::ProviderClient;
    use crate::protocol::codec::msgpack;
    use prost::Message;
    use rand::rngs::StdRng;
    use rand::Rng;

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mock, running, resource_type) = runtime.block_on(async {
        let mock = cloudflare_mock::spawn(cloudflare_mock::MockConfig::default())
            .await
            .expect("mock starts");
        FUZZ_API.get_or_init(|| mock.base_url());
        let server = BoundServer::bind(&settings(Network::Tcp, dir.path(), None)).unwrap();
        let address = server.address().clone();
        let shutdown = CancellationToken::new();
        let provider = Arc::new(crate::provider::CloudflareProvider::with_env(fuzz_env));
        let served = tokio::spawn(server.serve(provider, shutdown.clone()));
        let resource_type = crate::resources::all()[0].schema().value_type();
        (mock, (address, shutdown, served), resource_type)
    });
    let (address, shutdown, served) = running;
    let channel = runtime.block_on(async {
        let Address::Tcp(addr) = &address else {
            panic!("expected TCP")
        };
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        // Small requests one after another: without this, delayed ACKs cost 40 ms each.
        stream.set_nodelay(true).unwrap();
        channel_over(stream).await
    });
    let client = ProviderClient::new(channel).max_decoding_message_size(64 << 20);
    let schema = runtime
        .block_on(
            client
                .clone()
                .get_provider_schema(tf::get_provider_schema::Request {}),
        )
        .unwrap()
        .into_inner();
    let mut resources: Vec<String> = schema.resource_schemas.keys().cloned().collect();
    let mut data_sources: Vec<String> = schema.data_source_schemas.keys().cloned().collect();
    resources.sort();
    data_sources.sort();
    assert!(!resources.is_empty() && !data_sources.is_empty());

    let handle = runtime.handle().clone();
    let dynamic = {
        let ty = resource_type.clone();
        move |rng: &mut StdRng| -> Option<tf::DynamicValue> {
            let bytes = match rng.random_range(0..6) {
                0 => return None,
                1 => fuzzing::bytes(rng, 64),
                2 => {
                    let valid = msgpack::encode(&value_of(rng, &ty, 3), &ty).unwrap_or_default();
                    fuzzing::mutate(rng, &valid)
                }
                _ => msgpack::encode(&value_of(rng, &ty, 3), &ty).unwrap_or_default(),
            };
            let json = rng.random_bool(0.1);
            Some(tf::DynamicValue {
                msgpack: if json { Vec::new() } else { bytes.clone() },
                json: if json { bytes } else { Vec::new() },
            })
        }
    };
    let report = fuzzing::run("gRPC requests", move |rng| {
        let pick = |rng: &mut StdRng, names: &[String]| -> String {
            match rng.random_range(0..5) {
                0 => fuzzing::text(rng, 20, "cloudflare_zero_trust_"),
                _ => names[rng.random_range(0..names.len())].clone(),
            }
        };
        let mut client = client.clone();
        let rpc = rng.random_range(0..11);
        let call = async {
            let outcome: Result<Vec<tf::Diagnostic>, tonic::Status> = match rpc {
                0 => client
                    .validate_provider_config(tf::validate_provider_config::Request {
                        config: dynamic(rng),
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                1 => client
                    .configure_provider(tf::configure_provider::Request {
                        terraform_version: fuzzing::text(rng, 8, "1.0."),
                        // Half the time a valid, empty block: the provider is then configured
                        // (from the environment) and later calls reach the mock API.
                        config: if rng.random() {
                            let ty = crate::provider::provider_schema().value_type();
                            let nulls = value_of(rng, &ty, 0);
                            msgpack::encode(&nulls, &ty).ok().map(|msgpack| tf::DynamicValue {
                                msgpack,
                                json: Vec::new(),
                            })
                        } else {
                            dynamic(rng)
                        },
                        ..Default::default()
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                2 => client
                    .validate_resource_config(tf::validate_resource_config::Request {
                        type_name: pick(rng, &resources),
                        config: dynamic(rng),
                        ..Default::default()
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                3 => client
                    .upgrade_resource_state(tf::upgrade_resource_state::Request {
                        type_name: pick(rng, &resources),
                        version: rng.random_range(-2..3),
                        raw_state: Some(tf::RawState {
                            json: fuzzing::mutate(rng, br#"{"id":"x","name":"n","type":"github","config":{"client_id":"c"}}"#),
                            ..Default::default()
                        }),
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                4 => client
                    .read_resource(tf::read_resource::Request {
                        type_name: pick(rng, &resources),
                        current_state: dynamic(rng),
                        private: fuzzing::bytes(rng, 32),
                        ..Default::default()
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                5 => client
                    .plan_resource_change(tf::plan_resource_change::Request {
                        type_name: pick(rng, &resources),
                        prior_state: dynamic(rng),
                        proposed_new_state: dynamic(rng),
                        config: dynamic(rng),
                        prior_private: fuzzing::bytes(rng, 32),
                        ..Default::default()
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                6 => client
                    .apply_resource_change(tf::apply_resource_change::Request {
                        type_name: pick(rng, &resources),
                        prior_state: dynamic(rng),
                        planned_state: dynamic(rng),
                        config: dynamic(rng),
                        planned_private: fuzzing::bytes(rng, 32),
                        ..Default::default()
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                7 => client
                    .import_resource_state(tf::import_resource_state::Request {
                        type_name: pick(rng, &resources),
                        id: fuzzing::text(rng, 60, "accountszone/%2F0123456789abcdef-"),
                        ..Default::default()
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                8 => client
                    .read_data_source(tf::read_data_source::Request {
                        type_name: pick(rng, &data_sources),
                        config: dynamic(rng),
                        ..Default::default()
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                9 => client
                    .move_resource_state(tf::move_resource_state::Request {
                        source_provider_address: fuzzing::text(rng, 40, "registry.terraform.io/cloudflare"),
                        source_type_name: pick(rng, &resources),
                        source_schema_version: rng.random_range(-1..3),
                        source_state: Some(tf::RawState {
                            json: fuzzing::bytes(rng, 48),
                            ..Default::default()
                        }),
                        target_type_name: pick(rng, &resources),
                        source_private: fuzzing::bytes(rng, 16),
                        ..Default::default()
                    })
                    .await
                    .map(|r| r.into_inner().diagnostics),
                _ => {
                    // A whole request's protobuf bytes mutated; sent if they still decode.
                    let valid = tf::plan_resource_change::Request {
                        type_name: resources[0].clone(),
                        config: dynamic(rng),
                        proposed_new_state: dynamic(rng),
                        ..Default::default()
                    }
                    .encode_to_vec();
                    let bytes = fuzzing::mutate(rng, &valid);
                    match tf::plan_resource_change::Request::decode(bytes.as_slice()) {
                        Ok(request) => client
                            .plan_resource_change(request)
                            .await
                            .map(|r| r.into_inner().diagnostics),
                        Err(_) => Ok(Vec::new()),
                    }
                }
            };
            outcome
        };
        let outcome = handle.block_on(async {
            tokio::time::timeout(Duration::from_secs(30), call)
                .await
                .unwrap_or_else(|_| panic!("rpc {rpc} did not answer within 30 s"))
        });

        match outcome {
            Ok(diagnostics) if diagnostics.is_empty() => Verdict::Accepted,
            Ok(_) => Verdict::Rejected,
            // Only transport-level refusals are acceptable gRPC errors; the provider's own
            // answers to bad input are diagnostics.
            Err(status) => {
                assert_ne!(status.code(), tonic::Code::Unknown, "{status:?}");
                assert_ne!(status.code(), tonic::Code::Internal, "{status:?}");
                Verdict::Rejected
            }
        }
    });
    // Still serving after all of that.
    let health = runtime
        .block_on(async { plugin_health(channel_over(connect_raw(&address).await).await).await });
    assert_eq!(health.unwrap(), ServingStatus::Serving);
    println!(
        "fuzz gRPC requests: server still serving after {} requests",
        report.cases
    );
    shutdown.cancel();
    runtime.block_on(async {
        let _ = tokio::time::timeout(Duration::from_secs(5), served).await;
        mock.shutdown().await;
    });
}
