//! Reading one HTTP/1.1 request off a raw socket, for the test servers that answer with bytes
//! the mock never sends.

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

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
