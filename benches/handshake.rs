//! Start-to-handshake latency of the release binary with AutoMTLS on: how long Terraform waits
//! between starting the provider and reading its handshake line. Also prints the binary's size.
//!
//! Run with `cargo bench --bench handshake` (optionally `-- <runs>`, default 50).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// A host certificate like Terraform's: ECDSA P-521, SHA-512, marked as a CA.
fn host_certificate_pem() -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.self_signed(&key).expect("certificate").pem()
}

fn start_to_handshake(binary: &Path, cert_pem: &str, socket_dir: &Path) -> Duration {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_CLIENT_CERT", cert_pem)
        .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir)
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the provider");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the handshake line");
    let elapsed = started.elapsed();
    assert!(
        line.starts_with("1|6|unix|") && line.trim_end().len() > 200,
        "unexpected handshake line: {line:?}"
    );
    child.kill().expect("stop the provider");
    child.wait().expect("reap the provider");
    elapsed
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let rank = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(50);
    let binary = Path::new(env!("CARGO_BIN_EXE_terraform-provider-cloudflare-access"));
    let cert_pem = host_certificate_pem();
    // Killed providers cannot remove their sockets; keep them in a directory that goes away.
    let socket_dir = tempfile::tempdir().expect("temporary directory");

    start_to_handshake(binary, &cert_pem, socket_dir.path()); // warm the page cache
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| start_to_handshake(binary, &cert_pem, socket_dir.path()))
        .collect();
    samples.sort();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "start-to-handshake with AutoMTLS, {runs} runs of {}",
        binary.display()
    );
    println!("  min    {:7.2} ms", ms(samples[0]));
    println!("  median {:7.2} ms", ms(percentile(&samples, 0.5)));
    println!("  p90    {:7.2} ms", ms(percentile(&samples, 0.9)));
    println!("  max    {:7.2} ms", ms(samples[samples.len() - 1]));
    let size = std::fs::metadata(binary).expect("binary metadata").len();
    println!(
        "binary size {size} bytes ({:.1} MiB)",
        size as f64 / (1024.0 * 1024.0)
    );
}
