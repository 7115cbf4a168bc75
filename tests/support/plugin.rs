//! Running the provider binary the way go-plugin's client does (magic cookie, protocol versions,
//! client certificate) and reading its one-line handshake, for tests of the plugin itself.

use super::workdir::PROVIDER_BINARY;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Terraform's go-plugin handshake cookie (`TF_PLUGIN_MAGIC_COOKIE`); it never changes.
pub const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// How long a plugin may take to print its handshake or debug banner.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// The provider binary's command with an environment free of anything from the outer shell
/// that could steer it (credentials, go-plugin or Terraform variables).
pub fn provider_command() -> Command {
    let mut command = Command::new(PROVIDER_BINARY);
    super::terraform::scrub_environment(&mut command);
    command
}

/// The parsed `CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    pub core_version: String,
    pub app_version: String,
    pub network: String,
    pub address: String,
    pub protocol: String,
    /// The server certificate (DER), present when the client asked for mTLS.
    pub server_cert_der: Option<Vec<u8>>,
}

impl Handshake {
    /// Parses a handshake line; the certificate is base64 of the DER without padding, as
    /// go-plugin encodes it.
    pub fn parse(line: &str) -> Result<Handshake, String> {
        use base64::Engine as _;
        let fields: Vec<&str> = line.trim_end_matches(['\r', '\n']).split('|').collect();
        if fields.len() != 6 {
            return Err(format!(
                "expected 6 `|`-separated fields, got {}: {line:?}",
                fields.len()
            ));
        }
        let server_cert_der = if fields[5].is_empty() {
            None
        } else {
            Some(
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(fields[5])
                    .map_err(|err| format!("certificate field is not unpadded base64: {err}"))?,
            )
        };
        Ok(Handshake {
            core_version: fields[0].to_owned(),
            app_version: fields[1].to_owned(),
            network: fields[2].to_owned(),
            address: fields[3].to_owned(),
            protocol: fields[4].to_owned(),
            server_cert_der,
        })
    }
}

/// A provider process started as a plugin; killed when dropped.
#[derive(Debug)]
pub struct PluginProcess {
    child: Child,
    pub handshake_line: String,
    pub handshake: Handshake,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl PluginProcess {
    /// Starts the provider as Terraform would, with `client_cert_pem` as `PLUGIN_CLIENT_CERT`
    /// (or none, for a plaintext plugin), and waits for its handshake line.
    pub fn start(client_cert_pem: Option<&str>) -> PluginProcess {
        PluginProcess::start_with_env(client_cert_pem, &[])
    }

    /// [`PluginProcess::start`] with extra environment variables for the plugin.
    pub fn start_with_env(client_cert_pem: Option<&str>, env: &[(&str, &str)]) -> PluginProcess {
        let mut command = provider_command();
        command.envs(env.iter().copied());
        command
            .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
            // go-plugin builds this list from a Go map, so the order is not fixed; offer the
            // less obvious order to show the provider picks 6 anyway.
            .env("PLUGIN_PROTOCOL_VERSIONS", "6,5")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000");
        if let Some(pem) = client_cert_pem {
            command.env("PLUGIN_CLIENT_CERT", pem);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start the provider binary");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        let mut pipe = child.stderr.take().expect("piped stderr");
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("stderr buffer")
                    .extend_from_slice(&buf[..n]);
            }
        });
        let stdout = child.stdout.take().expect("piped stdout");
        let handshake_line = match first_line(stdout, STARTUP_TIMEOUT) {
            Some(line) => line,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                let stderr = String::from_utf8_lossy(&stderr.lock().expect("stderr")).into_owned();
                panic!("the provider printed no handshake line within {STARTUP_TIMEOUT:?}; stderr:\n{stderr}");
            }
        };
        let handshake = Handshake::parse(&handshake_line)
            .unwrap_or_else(|err| panic!("bad handshake line: {err}"));
        PluginProcess {
            child,
            handshake_line,
            handshake,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The unix socket the plugin serves on (panics for a TCP plugin).
    pub fn socket_path(&self) -> PathBuf {
        assert_eq!(
            self.handshake.network, "unix",
            "not a unix-socket plugin: {}",
            self.handshake_line
        );
        PathBuf::from(&self.handshake.address)
    }

    /// What the plugin wrote to stderr so far (its JSON log lines).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().expect("stderr buffer")).into_owned()
    }

    /// Whether the process has exited, without waiting.
    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }
}

impl Drop for PluginProcess {
    fn drop(&mut self) {
        let socket =
            (self.handshake.network == "unix").then(|| PathBuf::from(&self.handshake.address));
        stop(&mut self.child, socket.as_deref());
    }
}

/// How long a provider told to stop with SIGTERM may take before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Stops a provider process the way a host does: SIGTERM, which it answers by shutting down
/// and removing its unix socket. Only if it is still running after [`STOP_TIMEOUT`] is it
/// killed, and then its socket file, which it had no chance to remove, is removed here.
pub fn stop(child: &mut Child, socket: Option<&Path>) {
    if matches!(child.try_wait(), Ok(None)) {
        // The workspace forbids `unsafe`, so the signal goes through kill(1).
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = std::time::Instant::now() + STOP_TIMEOUT;
        while matches!(child.try_wait(), Ok(None)) && std::time::Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
    }
    if matches!(child.try_wait(), Ok(None)) {
        let _ = child.kill();
        if let Some(socket) = socket {
            let _ = std::fs::remove_file(socket);
        }
    }
    let _ = child.wait();
}

/// The names of the `plugin*` entries (go-plugin's socket names) in `dir`.
pub fn plugin_sockets(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .filter(|name| name.starts_with("plugin"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Reads the first line of `stdout` within `timeout`. The reader thread keeps draining the pipe
/// afterwards so the plugin never blocks writing to it.
pub fn first_line(stdout: ChildStdout, timeout: Duration) -> Option<String> {
    lines_until(stdout, timeout, |_| true)
}

/// Reads lines from `stdout` until one satisfies `wanted` (returned) or `timeout` passes.
pub fn lines_until(
    stdout: ChildStdout,
    timeout: Duration,
    wanted: impl Fn(&str) -> bool + Send + 'static,
) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut sent = false;
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) if !sent && wanted(&line) => {
                    sent = true;
                    let _ = tx.send(line.trim_end().to_owned());
                }
                Ok(_) => {}
            }
        }
    });
    rx.recv_timeout(timeout).ok()
}

/// Whether process `pid` is gone: no `/proc` entry, or only a zombie waiting to be reaped
/// (a zombie runs no code and holds no socket).
pub fn process_is_gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // The state letter follows the parenthesised command name, which may contain spaces.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_lines_parse_with_and_without_a_certificate() {
        let plain = Handshake::parse("1|6|unix|/tmp/plugin123|grpc|\n").unwrap();
        assert_eq!(plain.network, "unix");
        assert_eq!(plain.address, "/tmp/plugin123");
        assert_eq!(plain.server_cert_der, None);

        let with_cert = Handshake::parse("1|6|tcp|127.0.0.1:10000|grpc|AQID").unwrap();
        assert_eq!(with_cert.server_cert_der.as_deref(), Some(&[1u8, 2, 3][..]));

        assert!(
            Handshake::parse("1|6|unix|/tmp/x|grpc|AQID=").is_err(),
            "padding is not allowed"
        );
        assert!(Handshake::parse("1|6|unix").is_err());
    }

    #[test]
    fn the_current_process_is_not_gone_and_a_reaped_one_is() {
        assert!(!process_is_gone(std::process::id()));
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(process_is_gone(pid));
    }
}
