//! Reading one HTTP/1.1 request off a raw socket, for the test servers that answer with bytes
//! the mock never sends.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type Handler =
    Arc<dyn Fn(String, TcpStream) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A listener that reads each request head (and announced body) and hands the connection to
/// `handler`; records the heads it saw.
pub(super) struct RawServer {
    pub(super) base_url: String,
    pub(super) origin: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    pub(super) async fn start<F, Fut>(handler: F) -> RawServer
    where
        F: Fn(String, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |head, socket| Box::pin(handler(head, socket)));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = seen.clone();
                let handler = handler.clone();
                tokio::spawn(async move {
                    let Some(head) = read_request(&mut socket).await else {
                        return;
                    };
                    seen.lock().unwrap().push(head.clone());
                    handler(head, socket).await;
                });
            }
        });
        RawServer {
            base_url: format!("{origin}/client/v4"),
            origin,
            heads,
        }
    }

    /// A server that answers every request with the bytes `respond` makes of it, then closes.
    pub(super) async fn answering(
        respond: impl Fn(&str) -> String + Send + Sync + 'static,
    ) -> RawServer {
        let respond = Arc::new(respond);
        RawServer::start(move |request, mut socket| {
            let answer = respond(&request);
            async move {
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        })
        .await
    }

    pub(super) fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

/// Reads a request head and as much body as its Content-Length announces; returns the request
/// as text, or `None` if the peer goes away first.
pub(super) async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buffer).to_string();
        let Some(end) = text.find("\r\n\r\n") else {
            continue;
        };
        let length = header_of(&text[..end], "content-length")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        if buffer.len() >= end + 4 + length {
            return Some(text);
        }
    }
}

/// The trimmed value of the first header called `name` (any case) in `request`.
pub(super) fn header_of<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}
