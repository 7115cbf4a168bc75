//! The listening socket and the stream of ready connections handed to the gRPC server.
//!
//! Accepting and the TLS handshake are kept apart from the gRPC server: each accepted socket
//! gets its own task for the handshake, and only connections that complete it are passed on.
//! A client that fails the handshake (no certificate, a wrong one, garbage) or stalls in it is
//! logged and dropped; it never stops the server or delays other clients.

use super::config::{ListenConfig, Network};
use super::handshake::Address;
use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::server::Connected;

/// A client that has not finished its TLS handshake by then is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Pause after a failed `accept` (for example when out of file descriptors), so the loop does
/// not spin while the condition lasts.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// A bound listener, and the socket file to remove when it goes away.
#[derive(Debug)]
pub struct Listener {
    socket: Socket,
    address: Address,
    socket_file: Option<SocketFile>,
}

#[derive(Debug)]
enum Socket {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

/// Removes the unix socket file when dropped.
#[derive(Debug)]
struct SocketFile(PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Listener {
    /// Binds as `config` asks: a unix socket, falling back to TCP when that fails, or TCP.
    /// Must run inside a tokio runtime.
    pub fn bind(config: &ListenConfig) -> io::Result<Self> {
        if config.network == Network::Unix {
            #[cfg(unix)]
            match bind_unix(&config.socket_dir, config.socket_group.as_deref()) {
                Ok(listener) => return Ok(listener),
                Err(UnixBindError::Group(error)) => return Err(error),
                Err(UnixBindError::Socket(error)) => tracing::warn!(
                    error = %error,
                    dir = %config.socket_dir.display(),
                    "cannot create a unix socket; listening on TCP instead"
                ),
            }
        }
        bind_tcp(config.ports.clone())
    }

    /// Where clients connect.
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// Starts accepting. Returns the stream of ready connections, which ends once `shutdown`
    /// is cancelled, and the guard that removes the socket file; keep it until serving ends.
    pub fn incoming(
        self,
        tls: Option<Arc<rustls::ServerConfig>>,
        shutdown: CancellationToken,
    ) -> (ReceiverStream<Result<Connection, Infallible>>, SocketGuard) {
        let (ready, incoming) = mpsc::channel(16);
        let Listener {
            socket,
            socket_file,
            ..
        } = self;
        tokio::spawn(accept_loop(
            socket,
            tls.map(TlsAcceptor::from),
            ready,
            shutdown,
        ));
        (ReceiverStream::new(incoming), SocketGuard { socket_file })
    }
}

/// Keeps the unix socket file until dropped or [`SocketGuard::remove`]d.
#[derive(Debug)]
pub struct SocketGuard {
    socket_file: Option<SocketFile>,
}

impl SocketGuard {
    /// Removes the socket file now (once; later calls and the drop do nothing).
    pub fn remove(&mut self) {
        self.socket_file.take();
    }
}

#[cfg(unix)]
enum UnixBindError {
    /// No socket could be made; TCP may still work.
    Socket(io::Error),
    /// The socket exists but could not be given to the requested group; the host asked for
    /// access we cannot provide, so this is fatal.
    Group(io::Error),
}

#[cfg(unix)]
fn bind_unix(dir: &Path, group: Option<&str>) -> Result<Listener, UnixBindError> {
    let mut last_error = None;
    for _ in 0..8 {
        let path = dir.join(format!("plugin{:016x}", rand::random::<u64>()));
        match tokio::net::UnixListener::bind(&path) {
            Ok(listener) => {
                let cleanup = SocketFile(path.clone());
                if let Some(group) = group {
                    share_with_group(&path, group).map_err(UnixBindError::Group)?;
                }
                return Ok(Listener {
                    socket: Socket::Unix(listener),
                    address: Address::Unix(path),
                    socket_file: Some(cleanup),
                });
            }
            Err(error) if error.kind() == io::ErrorKind::AddrInUse => last_error = Some(error),
            Err(error) => return Err(UnixBindError::Socket(error)),
        }
    }
    Err(UnixBindError::Socket(last_error.unwrap_or_else(|| {
        io::Error::other("no free unix socket name")
    })))
}

/// Gives the socket to `group` (a name or numeric id) and lets the group connect, as
/// go-plugin does for `PLUGIN_UNIX_SOCKET_GROUP`.
#[cfg(unix)]
fn share_with_group(path: &Path, group: &str) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let gid = resolve_group(
        group,
        &std::fs::read_to_string("/etc/group").unwrap_or_default(),
    )
    .ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("PLUGIN_UNIX_SOCKET_GROUP: no group {group:?}"),
        )
    })?;
    std::os::unix::fs::chown(path, None, Some(gid))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
}

/// A numeric group id, or the id of a group named in `/etc/group` text. Groups that exist only
/// in other name services (LDAP and the like) can be given by number.
fn resolve_group(group: &str, etc_group: &str) -> Option<u32> {
    if let Ok(gid) = group.parse::<u32>() {
        return Some(gid);
    }
    etc_group.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let gid = fields.nth(1)?;
        (name == group).then(|| gid.parse().ok()).flatten()
    })
}

fn bind_tcp(ports: std::ops::RangeInclusive<u16>) -> io::Result<Listener> {
    let mut last_error = None;
    for port in ports.clone() {
        let std_listener = match std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            Ok(listener) => listener,
            Err(error) => {
                last_error = Some(error);
                continue;
            }
        };
        std_listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(std_listener)?;
        let address: SocketAddr = listener.local_addr()?;
        return Ok(Listener {
            socket: Socket::Tcp(listener),
            address: Address::Tcp(address),
            socket_file: None,
        });
    }
    let why = last_error.map_or_else(|| "empty range".to_owned(), |error| error.to_string());
    Err(io::Error::new(
        io::ErrorKind::AddrNotAvailable,
        format!(
            "no free TCP port on 127.0.0.1 in {}..={}: {why}",
            ports.start(),
            ports.end()
        ),
    ))
}

async fn accept_loop(
    socket: Socket,
    tls: Option<TlsAcceptor>,
    ready: mpsc::Sender<Result<Connection, Infallible>>,
    shutdown: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = accept(&socket) => accepted,
        };
        let io = match accepted {
            Ok(io) => io,
            Err(error) => {
                tracing::warn!(error = %error, "accepting a connection failed");
                tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
                continue;
            }
        };
        match &tls {
            None => {
                if ready.send(Ok(Connection::new(io))).await.is_err() {
                    break;
                }
            }
            Some(acceptor) => {
                tokio::spawn(handshake(
                    acceptor.clone(),
                    io,
                    ready.clone(),
                    shutdown.clone(),
                ));
            }
        }
    }
    tracing::trace!("stopped accepting connections");
}

async fn accept(socket: &Socket) -> io::Result<Box<dyn Io>> {
    match socket {
        Socket::Tcp(listener) => Ok(Box::new(accept_tcp(listener).await?)),
        #[cfg(unix)]
        Socket::Unix(listener) => {
            let (stream, _) = listener.accept().await?;
            Ok(Box::new(stream))
        }
    }
}

async fn accept_tcp(listener: &TcpListener) -> io::Result<tokio::net::TcpStream> {
    let (stream, _) = listener.accept().await?;
    // gRPC sends small frames back to back; Nagle's algorithm would hold each one back for
    // the peer's delayed ACK, adding tens of milliseconds per request.
    if let Err(error) = stream.set_nodelay(true) {
        tracing::warn!(error = %error, "could not set TCP_NODELAY");
    }
    Ok(stream)
}

async fn handshake(
    acceptor: TlsAcceptor,
    io: Box<dyn Io>,
    ready: mpsc::Sender<Result<Connection, Infallible>>,
    shutdown: CancellationToken,
) {
    let outcome = tokio::select! {
        () = shutdown.cancelled() => return,
        outcome = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(io)) => outcome,
    };
    match outcome {
        Ok(Ok(stream)) => {
            let (_, session) = stream.get_ref();
            tracing::trace!(
                tls_version = session
                    .protocol_version()
                    .and_then(|version| version.as_str())
                    .unwrap_or("unknown"),
                "TLS handshake completed"
            );
            // The server has stopped taking connections when the receiver is gone.
            let _ = ready.send(Ok(Connection::new(Box::new(stream)))).await;
        }
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "refused a connection: TLS handshake failed");
        }
        Err(_) => tracing::warn!("refused a connection: TLS handshake timed out"),
    }
}

/// A byte stream the gRPC server can run on.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// One ready connection: plain TCP or unix socket, or TLS over either.
pub struct Connection {
    io: Box<dyn Io>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connection")
    }
}

impl Connection {
    fn new(io: Box<dyn Io>) -> Self {
        Self { io }
    }
}

impl Connected for Connection {
    // Peer addresses say nothing here: every peer is the local host process.
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_resolution() {
        let etc_group = "root:x:0:\nwheel:x:10:alice\nterraform:x:1234:bob,carol\n";
        assert_eq!(resolve_group("terraform", etc_group), Some(1234));
        assert_eq!(resolve_group("wheel", etc_group), Some(10));
        assert_eq!(resolve_group("4321", etc_group), Some(4321));
        assert_eq!(resolve_group("nobody-here", etc_group), None);
        assert_eq!(resolve_group("terra", etc_group), None);
    }

    #[tokio::test]
    async fn tcp_listener_binds_inside_the_range() {
        let probe = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let taken = probe.local_addr().unwrap().port();
        // The first port in the range is busy, so the next free one must be used.
        let listener = bind_tcp(taken..=taken.saturating_add(20)).unwrap();
        let Address::Tcp(address) = listener.address() else {
            panic!("not TCP")
        };
        assert!(address.ip().is_loopback());
        assert!(address.port() > taken && address.port() <= taken.saturating_add(20));
        assert!(bind_tcp(taken..=taken).is_err());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn unix_socket_lives_in_the_directory_and_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let config = ListenConfig {
            network: Network::Unix,
            socket_dir: dir.path().to_owned(),
            socket_group: None,
            ports: 0..=0,
        };
        let listener = Listener::bind(&config).unwrap();
        let Address::Unix(path) = listener.address().clone() else {
            panic!("not a unix socket")
        };
        assert_eq!(path.parent(), Some(dir.path()));
        assert!(path.exists());
        let shutdown = CancellationToken::new();
        let (incoming, guard) = listener.incoming(None, shutdown.clone());
        tokio::net::UnixStream::connect(&path).await.unwrap();
        shutdown.cancel();
        drop(incoming);
        drop(guard);
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn socket_group_is_applied_and_made_group_accessible() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        // Our own group is the one group an unprivileged test may hand the socket to.
        let gid = std::fs::metadata(dir.path()).unwrap().gid();
        let config = ListenConfig {
            network: Network::Unix,
            socket_dir: dir.path().to_owned(),
            socket_group: Some(gid.to_string()),
            ports: 0..=0,
        };
        let listener = Listener::bind(&config).unwrap();
        let Address::Unix(path) = listener.address().clone() else {
            panic!("not a unix socket")
        };
        let metadata = std::fs::metadata(&path).unwrap();
        assert_eq!(metadata.gid(), gid);
        assert_eq!(metadata.permissions().mode() & 0o777, 0o660);

        let unknown = ListenConfig {
            socket_group: Some("no-such-group-anywhere".into()),
            ..config
        };
        assert!(Listener::bind(&unknown).is_err());
        // The failed attempt left no socket behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn unusable_socket_dir_falls_back_to_tcp() {
        let config = ListenConfig {
            network: Network::Unix,
            socket_dir: PathBuf::from("/nonexistent/socket/dir"),
            socket_group: None,
            ports: 0..=0,
        };
        let listener = Listener::bind(&config).unwrap();
        assert_eq!(listener.address().network(), "tcp");
    }

    #[tokio::test]
    async fn accepted_tcp_connections_have_nodelay() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let address = listener.local_addr().unwrap();
        let (client, accepted) = tokio::join!(
            tokio::net::TcpStream::connect(address),
            accept_tcp(&listener)
        );
        let accepted = accepted.unwrap();
        assert!(accepted.nodelay().unwrap());
        // The option is set by the server, not inherited from the client side.
        assert!(!client.unwrap().nodelay().unwrap());
    }
}
