//! The server loop: binds a socket, serves each connection with hyper, and lets faults cut a
//! connection without writing a response.
//!
//! Connections are served here instead of through `axum::serve` because a dropped-connection
//! fault needs a handle on the one connection it is breaking: every request carries a
//! [`ConnectionHandle`] whose `drop_now` makes the connection task drop the socket.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::config::MockConfig;
use crate::control::Control;
use crate::error::ApiError;
use crate::state::MockState;

/// How long `shutdown` lets in-flight requests finish before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Lets a request ask for its own connection to be dropped.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionHandle {
    kill: Arc<Notify>,
}

impl ConnectionHandle {
    /// Tells the connection task to drop the socket, then waits to be dropped with it. The
    /// fallback response only exists for protocols where the request outlives its connection
    /// (HTTP/2 streams run in their own tasks); the client never sees it.
    pub(crate) async fn drop_now(&self) -> Response {
        self.kill.notify_one();
        tokio::time::sleep(Duration::from_secs(60)).await;
        ApiError::Injected(StatusCode::BAD_GATEWAY).into_response()
    }
}

/// A running mock bound to a local port. Dropping it stops the server too; [`MockServer::shutdown`]
/// also waits for the server to finish.
pub struct MockServer {
    addr: SocketAddr,
    state: MockState,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Starts a mock on `127.0.0.1` with a free port chosen by the OS.
pub async fn spawn(config: MockConfig) -> io::Result<MockServer> {
    spawn_at(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
}

/// Starts a mock on `addr` (port 0 picks a free port).
pub async fn spawn_at(config: MockConfig, addr: SocketAddr) -> io::Result<MockServer> {
    let state = MockState::new(config)?;
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(
        listener,
        crate::app(state.clone()),
        shutdown_rx,
    ));
    Ok(MockServer {
        addr,
        state,
        shutdown,
        task: Some(task),
    })
}

impl MockServer {
    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base URL, e.g. `http://127.0.0.1:PORT/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}/client/v4", self.addr)
    }

    /// A handle to inspect and steer the running mock.
    pub fn control(&self) -> Control {
        self.state.control()
    }

    /// Stops accepting connections, lets in-flight requests finish (up to a few seconds) and
    /// waits until the server has stopped.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn accept_loop(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone(), shutdown.clone()));
                }
                // Usually descriptor exhaustion; back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

async fn serve_connection(stream: TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let handle = ConnectionHandle { kill: kill.clone() };
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(handle.clone());
        router.clone().oneshot(request)
    });
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    // Returning drops `connection` and with it the socket and any request still being handled:
    // that is how a fault cuts a connection without a response.
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = kill.notified() => {}
        _ = shutdown.changed() => {
            connection.as_mut().graceful_shutdown();
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = kill.notified() => {}
            }
        }
    }
}
