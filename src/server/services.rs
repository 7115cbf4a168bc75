//! go-plugin's own gRPC services, which every plugin serves next to its main service:
//! the controller (shutdown), stdio forwarding and the connection broker.

use crate::proto::plugin::grpc_broker_server::GrpcBroker;
use crate::proto::plugin::grpc_controller_server::GrpcController;
use crate::proto::plugin::grpc_stdio_server::GrpcStdio;
use crate::proto::plugin::{ConnInfo, Empty, StdioData};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio_stream::Stream;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status, Streaming};

/// `plugin.GRPCController`: the host's request to stop. It is how Terraform ends a plugin
/// (it waits 2 s, then kills it), so it shuts the whole server down. `StopProvider` is a
/// different thing, handled by the provider service: it cancels work, not the server.
#[derive(Debug)]
pub struct Controller {
    shutdown: CancellationToken,
}

impl Controller {
    /// Cancels `shutdown` when asked to stop.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self { shutdown }
    }
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("the host asked the provider to shut down");
        // The server shuts down gracefully, so this reply still goes out before the
        // connection closes.
        self.shutdown.cancel();
        Ok(Response::new(Empty {}))
    }
}

/// `plugin.GRPCStdio`: go-plugin captures a Go plugin's stdout and stderr and forwards them
/// over this stream. This provider writes its logs straight to stderr, which the host already
/// reads and parses line by line, and never writes to stdout after the handshake line; so the
/// stream has nothing to carry (forwarding stderr too would show every log line twice). It is
/// served anyway, and held open until shutdown, so the host sees a plugin that supports it
/// rather than logging an "unimplemented" error.
#[derive(Debug)]
pub struct Stdio {
    shutdown: CancellationToken,
}

impl Stdio {
    /// Ends its streams when `shutdown` is cancelled.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self { shutdown }
    }
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<BoxStream<StdioData>>, Status> {
        Ok(Response::new(Box::pin(OpenUntil::new(
            self.shutdown.clone(),
        ))))
    }
}

/// `plugin.GRPCBroker`: lets a plugin and its host open extra connections to each other.
/// Terraform opens the stream at start but never uses it (and ignores its errors). It is
/// accepted and held open until the host closes its side or the server shuts down, which is
/// what the host expects from a go-plugin server; messages the host sends are read and dropped.
#[derive(Debug)]
pub struct Broker {
    shutdown: CancellationToken,
}

impl Broker {
    /// Ends its streams when `shutdown` is cancelled.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self { shutdown }
    }
}

#[tonic::async_trait]
impl GrpcBroker for Broker {
    async fn start_stream(
        &self,
        request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<BoxStream<ConnInfo>>, Status> {
        let closed = self.shutdown.child_token();
        let mut inbound = request.into_inner();
        let host_gone = closed.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = host_gone.cancelled() => break,
                    message = inbound.message() => match message {
                        Ok(Some(info)) => tracing::trace!(
                            service_id = info.service_id,
                            "ignoring a broker connection offer"
                        ),
                        Ok(None) | Err(_) => break,
                    },
                }
            }
            host_gone.cancel();
        });
        Ok(Response::new(Box::pin(OpenUntil::new(closed))))
    }
}

/// A response stream that sends nothing and ends when its token is cancelled.
struct OpenUntil<T> {
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<T> OpenUntil<T> {
    fn new(token: CancellationToken) -> Self {
        Self {
            cancelled: Box::pin(token.cancelled_owned()),
            item: std::marker::PhantomData,
        }
    }
}

impl<T> Stream for OpenUntil<T> {
    type Item = Result<T, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.cancelled.as_mut().poll(cx).map(|()| None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_stream::StreamExt as _;

    #[tokio::test]
    async fn stdio_stream_stays_open_until_shutdown() {
        let shutdown = CancellationToken::new();
        let stdio = Stdio::new(shutdown.clone());
        let mut stream = stdio
            .stream_stdio(Request::new(()))
            .await
            .unwrap()
            .into_inner();
        let early = tokio::time::timeout(std::time::Duration::from_millis(50), stream.next()).await;
        assert!(
            early.is_err(),
            "the stream ended or sent data before shutdown"
        );
        shutdown.cancel();
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn controller_shutdown_cancels_the_server_token() {
        let shutdown = CancellationToken::new();
        let controller = Controller::new(shutdown.clone());
        controller.shutdown(Request::new(Empty {})).await.unwrap();
        assert!(shutdown.is_cancelled());
    }
}
