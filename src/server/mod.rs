//! The go-plugin host side: cookie check, listener, mTLS, handshake line, controller, stdio,
//! health, logging and debug mode.
//!
//! Terraform starts the provider as a child process with go-plugin's environment (see
//! [`PluginEnv`]), reads one handshake line from its stdout, connects to the announced socket
//! (over mutual TLS unless the host turned it off) and talks gRPC until it calls
//! `plugin.GRPCController/Shutdown`. Everything else the process has to say goes to stderr as
//! JSON log lines (see [`crate::logging`]).
//!
//! Signals: SIGINT is ignored while serving Terraform, as go-plugin does. A Ctrl-C at the
//! terminal reaches the whole process group, and Terraform cancels running operations through
//! `StopProvider` and then waits for them; dying at once would lose the result of a create
//! that already happened. SIGTERM shuts down gracefully. In `--debug` mode the person at the
//! terminal owns the process, so Ctrl-C stops it.

mod config;
mod handshake;
mod listener;
pub mod logging;
mod services;
mod tls;

#[cfg(test)]
mod tests;

pub use config::{PluginEnv, MAGIC_COOKIE_VALUE, NETWORK_VAR, PROTOCOL_VERSION};
pub use handshake::PROVIDER_ADDRESS;

use crate::framework::Provider;
use crate::proto::plugin::grpc_broker_server::GrpcBrokerServer;
use crate::proto::plugin::grpc_controller_server::GrpcControllerServer;
use crate::proto::plugin::grpc_stdio_server::GrpcStdioServer;
use crate::protocol::ProviderService;
use config::{ListenConfig, SHUTDOWN_GRACE};
use handshake::Address;
use listener::Listener;
use rustls::pki_types::CertificateDer;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tls::{PinnedClientCert, ServerIdentity};
use tokio_util::sync::CancellationToken;

/// How long the runtime waits for leftover tasks after serving ends, before the process exits.
const RUNTIME_SHUTDOWN_TIMEOUT: Duration = Duration::from_millis(300);

/// What the command line asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Serve Terraform (the normal case: Terraform started us).
    Serve,
    /// Serve on our own, without the cookie or TLS, and print `TF_REATTACH_PROVIDERS`.
    Debug,
    /// Print the version.
    Version,
    /// Print the usage text.
    Help,
}

impl Command {
    /// Parses the arguments after the program name. Both `--flag` and Go's `-flag` spelling
    /// are accepted, since Go providers document the latter.
    pub fn parse<I, S>(args: I) -> Result<Command, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut command = Command::Serve;
        for arg in args {
            let next = match arg.as_ref() {
                "--debug" | "-debug" => Command::Debug,
                "--version" | "-version" | "-v" => Command::Version,
                "--help" | "-help" | "-h" => Command::Help,
                other => return Err(format!("unknown argument {other:?}")),
            };
            // Help and version win over serving, whatever the order.
            if command == Command::Serve || next != Command::Debug {
                command = next;
            }
        }
        Ok(command)
    }
}

/// The executable's name. Terraform finds a provider's executable by `terraform-provider-<type>`,
/// so it follows the registry type in [`PROVIDER_ADDRESS`].
pub const BINARY_NAME: &str = "terraform-provider-cloudflare-access";

/// `terraform-provider-cloudflare-access <version>`.
pub fn version_text() -> String {
    format!("{BINARY_NAME} {}", env!("CARGO_PKG_VERSION"))
}

/// The `--help` text.
pub fn usage() -> String {
    format!(
        "{name} {version}\n\
         A Terraform provider for Cloudflare Zero Trust Access identity providers.\n\n\
         Usage:\n  \
         {name}            serve Terraform (Terraform starts the provider this way)\n  \
         {name} --debug    serve on a local socket and print TF_REATTACH_PROVIDERS\n  \
         {name} --version  print the version\n  \
         {name} --help     print this text\n\n\
         Environment:\n  \
         TF_LOG_PROVIDER, TF_LOG   log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF); logs go to stderr\n  \
         {network}   \"unix\" (default) or \"tcp\": the socket the provider listens on\n",
        name = BINARY_NAME,
        version = env!("CARGO_PKG_VERSION"),
        network = NETWORK_VAR,
    )
}

/// What a person running the binary by hand is told.
const NOT_STARTED_BY_TERRAFORM: &str = "This binary is a Terraform provider plugin \
(ferrotf/cloudflare-access). It is not meant to be run directly: Terraform starts it when a \
configuration uses the provider. List \
`cloudflare-access = { source = \"ferrotf/cloudflare-access\" }` under `required_providers` and \
set `provider = cloudflare-access` on the resources it should manage.\n\n\
To use a build from source, point a `dev_overrides` entry in your Terraform CLI configuration \
(TF_CLI_CONFIG_FILE) at the directory that holds it, then run `terraform plan` or `terraform \
apply` directly: with `dev_overrides`, `terraform init` is not needed for this provider, and \
cannot work without network access. In a clone of the source, `scripts/dev` writes such a \
configuration and starts a mock Cloudflare API to try it against.\n\n\
To use a released build, install it from a registry or a filesystem mirror, and let \
`terraform init` find it.\n\n\
To run it under a debugger, start it with `--debug` and follow the TF_REATTACH_PROVIDERS \
instructions it prints; `--version` prints its version and `--help` its usage.";

/// Runs the provider process for `command` until it is told to stop, and returns the exit code.
/// Sets up logging first; `provider` is only used when serving.
pub fn run(provider: Arc<dyn Provider>, command: Command) -> ExitCode {
    match command {
        Command::Version => {
            println!("{}", version_text());
            return ExitCode::SUCCESS;
        }
        Command::Help => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Command::Serve | Command::Debug => {}
    }
    let env = PluginEnv::from_process();
    if command == Command::Serve && !env.cookie_matches() {
        eprintln!("{NOT_STARTED_BY_TERRAFORM}");
        return ExitCode::FAILURE;
    }
    logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(error = %error, "could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        if command == Command::Debug {
            serve_debug(&env, provider).await
        } else {
            serve_plugin(&env, provider).await
        }
    });
    // Work still running past the grace period (a request stuck on the network, say) must not
    // keep the process alive: the host kills plugins that outstay their shutdown.
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN_TIMEOUT);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "the provider server failed");
            ExitCode::FAILURE
        }
    }
}

async fn serve_plugin(env: &PluginEnv, provider: Arc<dyn Provider>) -> Result<(), ServeError> {
    let shutdown = CancellationToken::new();
    watch_signals(shutdown.clone(), InterruptPolicy::Ignore)?;
    let negotiated = config::negotiate(env.protocol_versions.as_deref());
    if !negotiated.offered {
        tracing::warn!(
            offered = env.protocol_versions.as_deref().unwrap_or_default(),
            protocol_version = negotiated.version,
            "the host does not speak this provider's protocol version; announcing it anyway so the host can report the mismatch"
        );
    }
    let settings = Settings {
        protocol_version: negotiated.version,
        listen: env.listen_config()?,
        client_cert_pem: env.client_cert_pem().map(str::to_owned),
        grace: SHUTDOWN_GRACE,
    };
    let server = BoundServer::bind(&settings)?;
    let line = server.handshake_line();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(ServeError::Handshake)?;
    drop(stdout);
    server.log_started("plugin");
    server.serve(provider, shutdown).await
}

async fn serve_debug(env: &PluginEnv, provider: Arc<dyn Provider>) -> Result<(), ServeError> {
    let shutdown = CancellationToken::new();
    watch_signals(shutdown.clone(), InterruptPolicy::Stop)?;
    // Terraform connects to reattached providers without TLS.
    let settings = Settings {
        protocol_version: PROTOCOL_VERSION,
        listen: env.listen_config()?,
        client_cert_pem: None,
        grace: SHUTDOWN_GRACE,
    };
    let server = BoundServer::bind(&settings)?;
    let text = handshake::reattach_instructions(
        settings.protocol_version,
        std::process::id(),
        server.address(),
    );
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(ServeError::Handshake)?;
    drop(stdout);
    server.log_started("debug");
    server.serve(provider, shutdown).await
}

/// What SIGINT does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InterruptPolicy {
    /// Keep serving (under Terraform).
    Ignore,
    /// Shut down (debug mode).
    Stop,
}

/// Installs the signal handlers. Called before the handshake line goes out, so an early
/// Ctrl-C cannot kill the provider under Terraform.
fn watch_signals(
    shutdown: CancellationToken,
    on_interrupt: InterruptPolicy,
) -> Result<(), ServeError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt()).map_err(ServeError::Signals)?;
        let mut terminate = signal(SignalKind::terminate()).map_err(ServeError::Signals)?;
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    Some(()) = interrupt.recv() => {
                        if on_interrupt == InterruptPolicy::Stop {
                            tracing::info!("interrupted; shutting down");
                            shutdown.cancel();
                        } else {
                            tracing::debug!("ignoring SIGINT; Terraform stops work through StopProvider");
                        }
                    }
                    Some(()) = terminate.recv() => {
                        tracing::info!("received SIGTERM; shutting down");
                        shutdown.cancel();
                    }
                }
            }
        });
    }
    #[cfg(not(unix))]
    {
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if on_interrupt == InterruptPolicy::Stop {
                    shutdown.cancel();
                    break;
                }
            }
        });
    }
    Ok(())
}

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The host's settings are unusable.
    #[error("{0}")]
    Config(#[from] config::ConfigError),
    /// AutoMTLS could not be set up.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// No socket could be bound.
    #[error("could not listen: {0}")]
    Listen(#[source] std::io::Error),
    /// The handshake could not be written to stdout.
    #[error("could not write the handshake to stdout: {0}")]
    Handshake(#[source] std::io::Error),
    /// Signal handlers could not be installed.
    #[error("could not install signal handlers: {0}")]
    Signals(#[source] std::io::Error),
    /// The gRPC server stopped with an error.
    #[error("gRPC server error: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Everything `serve` needs, independent of the process environment.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The version announced in the handshake.
    pub(crate) protocol_version: u32,
    /// Where to listen.
    pub(crate) listen: ListenConfig,
    /// The host's PEM certificate; `None` serves plaintext.
    pub(crate) client_cert_pem: Option<String>,
    /// How long in-flight requests may run after shutdown is requested.
    pub(crate) grace: Duration,
}

/// A server that is listening (so its address and certificate are known) but not yet serving.
#[derive(Debug)]
pub(crate) struct BoundServer {
    listener: Listener,
    tls: Option<(ServerIdentity, Arc<rustls::ServerConfig>)>,
    protocol_version: u32,
    grace: Duration,
}

impl BoundServer {
    /// Sets up TLS (when a host certificate is given) and binds the listener. Must run inside
    /// a tokio runtime.
    pub(crate) fn bind(settings: &Settings) -> Result<Self, ServeError> {
        let tls = match &settings.client_cert_pem {
            None => None,
            Some(pem) => {
                let provider = tls::crypto_provider();
                let pinned = tls::parse_pem_certificates(pem)?;
                let verifier = Arc::new(PinnedClientCert::new(pinned, &provider));
                let identity = ServerIdentity::generate(&provider)?;
                let config = identity.server_config(provider, verifier)?;
                Some((identity, Arc::new(config)))
            }
        };
        let listener = Listener::bind(&settings.listen).map_err(ServeError::Listen)?;
        Ok(Self {
            listener,
            tls,
            protocol_version: settings.protocol_version,
            grace: settings.grace,
        })
    }

    /// Where clients connect.
    pub(crate) fn address(&self) -> &Address {
        self.listener.address()
    }

    /// Our certificate, when serving TLS.
    pub(crate) fn server_certificate(&self) -> Option<&CertificateDer<'static>> {
        self.tls.as_ref().map(|(identity, _)| &identity.certificate)
    }

    /// The line the host reads from stdout.
    pub(crate) fn handshake_line(&self) -> String {
        handshake::handshake_line(
            self.protocol_version,
            self.address(),
            self.server_certificate().map(|der| der.as_ref()),
        )
    }

    fn log_started(&self, mode: &'static str) {
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            mode,
            protocol_version = self.protocol_version,
            network = self.address().network(),
            address = %self.address(),
            tls = self.tls.is_some(),
            "provider started"
        );
    }

    /// Serves until `shutdown` is cancelled (by the host's `Shutdown` call, a signal, or the
    /// caller), then lets running requests finish for at most the grace period.
    pub(crate) async fn serve(
        self,
        provider: Arc<dyn Provider>,
        shutdown: CancellationToken,
    ) -> Result<(), ServeError> {
        let (health, health_service) = tonic_health::server::health_reporter();
        // go-plugin's name for the plugin as a whole.
        health
            .set_service_status("plugin", tonic_health::ServingStatus::Serving)
            .await;
        let tls_config = self.tls.map(|(_, config)| config);
        let (incoming, socket_file) = self.listener.incoming(tls_config, shutdown.clone());
        let server = tonic::transport::Server::builder()
            .add_service(ProviderService::new(provider).into_server())
            .add_service(GrpcControllerServer::new(services::Controller::new(
                shutdown.clone(),
            )))
            .add_service(GrpcStdioServer::new(services::Stdio::new(shutdown.clone())))
            .add_service(GrpcBrokerServer::new(services::Broker::new(
                shutdown.clone(),
            )))
            .add_service(health_service)
            .serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());
        let grace = self.grace;
        let mut socket_file = socket_file;
        let outcome = tokio::select! {
            outcome = server => outcome.map_err(ServeError::from),
            () = async {
                shutdown.cancelled().await;
                // Nobody may connect any more, and the host may kill the process once it
                // stops waiting: the socket file goes now rather than after the grace period.
                socket_file.remove();
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(
                    grace_ms = u64::try_from(grace.as_millis()).unwrap_or(u64::MAX),
                    "requests still running after shutdown; stopping without them"
                );
                Ok(())
            }
        };
        drop(socket_file);
        tracing::info!("provider stopped");
        outcome
    }
}
