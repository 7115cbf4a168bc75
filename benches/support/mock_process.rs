//! The release build of the Cloudflare API mock run as a process of its own, as the benchmarks
//! need it: its CPU is then apart from the benchmark driver's, and its control surface
//! (`/__mock/...`) is reached over plain HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running mock process, killed when dropped.
#[derive(Debug)]
pub struct MockProcess {
    child: Child,
    /// The API root to give the provider (`CLOUDFLARE_BASE_URL`).
    pub base_url: String,
    /// `host:port` for the control surface.
    address: String,
}

impl MockProcess {
    /// Starts `binary` on a free port, accepting `token`.
    pub fn start(binary: &Path, token: &str) -> MockProcess {
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--token", token])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("mock stdout"))
            .read_line(&mut line)
            .expect("read the mock's first line");
        let Some(base_url) = line
            .trim_end()
            .strip_prefix("cloudflare-mock listening on ")
            .map(str::to_owned)
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the mock did not start; its first line was {line:?}");
        };
        let address = base_url
            .strip_prefix("http://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("unexpected mock URL {base_url}"))
            .to_owned();
        MockProcess {
            child,
            base_url,
            address,
        }
    }

    /// The mock's process ID, for reading its CPU time.
    #[allow(dead_code)] // Not every benchmark measures the mock.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `GET path` on the control surface.
    pub fn get(&self, path: &str) -> serde_json::Value {
        self.control_request("GET", path, "")
    }

    /// One request on the control surface; its JSON answer, or null when it has no body.
    pub fn control_request(&self, method: &str, path: &str, body: &str) -> serde_json::Value {
        let mut stream = TcpStream::connect(&self.address).expect("connect to the mock");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            body.len()
        )
        .expect("send a control request");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read a control response");
        let (head, body) = response
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("malformed control response to {path}: {response:?}"));
        assert!(
            head.starts_with("HTTP/1.1 2"),
            "{method} {path} on the mock answered {head:?}"
        );
        if body.trim().is_empty() {
            return serde_json::Value::Null;
        }
        serde_json::from_str(body)
            .unwrap_or_else(|err| panic!("{method} {path}: body is not JSON ({err}): {body:?}"))
    }

    /// The sum of a per-operation counter (`/__mock/counts`, `/__mock/throttled`).
    #[allow(dead_code)] // Not every benchmark reads totals.
    pub fn total(&self, path: &str) -> u64 {
        self.get(path)
            .as_object()
            .map(|counts| counts.values().filter_map(|v| v.as_u64()).sum())
            .unwrap_or(0)
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `count = n` GitHub logins through the provider named `local_name`, the resource every
/// benchmark measures.
pub fn identity_providers_hcl(local_name: &str, account_id: &str, n: usize) -> String {
    format!(
        r#"resource "cloudflare_zero_trust_access_identity_provider" "item" {{
  provider   = {local_name}
  count      = {n}
  account_id = "{account_id}"
  name       = "GitHub login ${{count.index}}"
  type       = "github"
  config = {{
    client_id     = "bench-client-${{count.index}}"
    client_secret = "bench-client-secret-${{count.index}}"
  }}
}}
"#
    )
}
