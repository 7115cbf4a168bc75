//! Start-to-handshake latency with AutoMTLS on (`PLUGIN_CLIENT_CERT` set to a P-521 certificate,
//! as Terraform sends): how long Terraform waits between starting a provider and reading its
//! handshake line. Our release binary and the `tf-provider` peer (`benches/peer/`) are started
//! alternately, so both see the same machine load. Also prints both binaries' sizes.
//!
//! Our binary is built the way a user builds it (`cargo build --release`, in its own target
//! directory): the one `cargo bench` builds has the dev-dependencies' features switched on
//! (tokio's `full`, for one), so it is not the binary users run.
//!
//! Run with `cargo bench --bench handshake`. Options after `--`: a number of runs (default 50)
//! and `--ours PATH` to measure another build of our binary instead.

// Shared with the overhead benchmark, which builds the floor and the mock as well.
#[allow(dead_code)]
#[path = "support/build.rs"]
mod build;
#[path = "support/peer.rs"]
mod peer;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const HANDSHAKE_TARGET_MS: f64 = 2.0;
const SIZE_TARGET_BYTES: u64 = 8_000_000;

/// A host certificate like Terraform's: ECDSA P-521, SHA-512, marked as a CA.
fn host_certificate_pem() -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.self_signed(&key).expect("certificate").pem()
}

/// Checks a go-plugin handshake line: core version 1, protocol 6, an address, gRPC, and a
/// server certificate (present because AutoMTLS is on).
fn assert_handshake(binary: &Path, line: &str) {
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    let well_formed = fields.len() == 6
        && fields[0] == "1"
        && fields[1] == "6"
        && matches!(fields[2], "unix" | "tcp")
        && fields[4] == "grpc"
        && fields[5].len() > 200;
    assert!(
        well_formed,
        "{}: unexpected handshake line: {line:?}",
        binary.display()
    );
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
    assert_handshake(binary, &line);
    child.kill().expect("stop the provider");
    child.wait().expect("reap the provider");
    elapsed
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let rank = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

struct Summary {
    median: Duration,
    p90: Duration,
}

fn summarise(label: &str, samples: &mut [Duration]) -> Summary {
    samples.sort();
    let summary = Summary {
        median: percentile(samples, 0.5),
        p90: percentile(samples, 0.9),
    };
    println!(
        "| {label} | {:.2} | {:.2} | {:.2} | {:.2} |",
        ms(samples[0]),
        ms(summary.median),
        ms(summary.p90),
        ms(samples[samples.len() - 1]),
    );
    summary
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

struct Options {
    runs: usize,
    ours: Option<PathBuf>,
}

fn options() -> Options {
    let mut options = Options {
        runs: 50,
        ours: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--ours" {
            options.ours = Some(args.next().expect("--ours needs a path").into());
        } else if let Ok(runs) = arg.parse() {
            options.runs = runs;
        }
        // Anything else is cargo's own `--bench` flag.
    }
    assert!(options.runs > 0, "the number of runs must be positive");
    options
}

fn main() {
    let Options { runs, ours } = options();
    let ours = ours.unwrap_or_else(|| {
        build::build_as_installed(&[build::PROVIDER], false).join(build::PROVIDER)
    });
    let peer = peer::build_peer();
    let cert_pem = host_certificate_pem();
    // Killed providers cannot remove their sockets; keep them in a directory that goes away.
    let socket_dir = tempfile::tempdir().expect("temporary directory");
    let socket_dir = socket_dir.path();

    // Warm the page cache for both binaries.
    start_to_handshake(&ours, &cert_pem, socket_dir);
    start_to_handshake(&peer, &cert_pem, socket_dir);

    let mut our_samples = Vec::with_capacity(runs);
    let mut peer_samples = Vec::with_capacity(runs);
    for run in 0..runs {
        // Alternate which one goes first so neither always starts right after the other exits.
        if run % 2 == 0 {
            our_samples.push(start_to_handshake(&ours, &cert_pem, socket_dir));
            peer_samples.push(start_to_handshake(&peer, &cert_pem, socket_dir));
        } else {
            peer_samples.push(start_to_handshake(&peer, &cert_pem, socket_dir));
            our_samples.push(start_to_handshake(&ours, &cert_pem, socket_dir));
        }
    }

    println!(
        "## Start to handshake\n\nWith PLUGIN_CLIENT_CERT set (AutoMTLS), {runs} interleaved \
         runs each, milliseconds.\n"
    );
    println!("- ours: `{}`", ours.display());
    println!("- peer: `{}`\n", peer.display());
    println!("| binary | min | median | p90 | max |");
    println!("|---|---:|---:|---:|---:|");
    let our_summary = summarise("ours", &mut our_samples);
    let peer_summary = summarise("tf-provider 0.2.2 peer", &mut peer_samples);
    println!(
        "\n- ours/peer: median {:.2}x, p90 {:.2}x",
        ms(our_summary.median) / ms(peer_summary.median),
        ms(our_summary.p90) / ms(peer_summary.p90),
    );
    println!(
        "- target: our median <= {HANDSHAKE_TARGET_MS} ms: {:.2} ms, {}",
        ms(our_summary.median),
        verdict(ms(our_summary.median) <= HANDSHAKE_TARGET_MS),
    );

    let size = |binary: &Path| std::fs::metadata(binary).expect("binary metadata").len();
    let (our_size, peer_size) = (size(&ours), size(&peer));
    let mb = |bytes: u64| bytes as f64 / 1_000_000.0;
    println!("\n## Release binary size (stripped)\n");
    println!("| binary | bytes | MB |");
    println!("|---|---:|---:|");
    println!("| ours | {our_size} | {:.2} |", mb(our_size));
    println!(
        "| tf-provider 0.2.2 peer | {peer_size} | {:.2} |",
        mb(peer_size)
    );
    println!("\n- ours/peer: {:.2}x", our_size as f64 / peer_size as f64);
    println!(
        "- target: ours <= {:.0} MB: {:.2} MB, {}",
        mb(SIZE_TARGET_BYTES),
        mb(our_size),
        verdict(our_size <= SIZE_TARGET_BYTES),
    );
}
