//! The built provider under real Terraform against raw TCP servers that answer every request
//! with something no API should send: a 1 GiB body, JSON nested 100,000 deep, a redirect to
//! another host. Each apply must fail with a clear error within the retry budget, with the
//! provider's peak RSS (sampled from `/proc`) bounded, and the other host must receive nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{random_id, Output, Workdir, PROVIDER_BINARY};

/// Peak RSS allowed for the provider while it refuses a hostile answer. The body cap is
/// 16 MiB, so a provider that read 1 GiB would be far above this.
const RSS_BOUND_KIB: u64 = 96 * 1024;

/// Longest an apply against a hostile server may take: the refusals are final, so no retry
/// budget is spent, but a loaded machine starts Terraform and the provider slowly.
const APPLY_BOUND: Duration = Duration::from_secs(90);

/// What the raw server answers to every request.
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// `400` with a small error envelope: the baseline for memory.
    SmallError,
    /// 1 GiB of JSON whitespace, chunked, streamed from one reused 64 KiB block.
    GibChunked,
    /// 1 GiB announced in `content-length`, streamed the same way.
    GibAnnounced,
    /// A `200` whose `result` is an array nested 100,000 deep.
    Nested,
    /// `307` to the given port on 127.0.0.1.
    Redirect(u16),
}

/// A raw HTTP/1.1 server on a thread per connection; counts requests and bytes written.
struct RawServer {
    port: u16,
    requests: Arc<AtomicU64>,
    written: Arc<AtomicU64>,
    heads: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl RawServer {
    fn start(answer: Answer) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = RawServer {
            port,
            requests: Arc::default(),
            written: Arc::default(),
            heads: Arc::default(),
            stop: Arc::default(),
        };
        let (requests, written, heads, stop) = (
            server.requests.clone(),
            server.written.clone(),
            server.heads.clone(),
            server.stop.clone(),
        );
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((socket, _)) => {
                        let (requests, written, heads) =
                            (requests.clone(), written.clone(), heads.clone());
                        std::thread::spawn(move || {
                            serve(socket, answer, &requests, &written, &heads)
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        server
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/client/v4", self.port)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    socket: TcpStream,
    answer: Answer,
    requests: &AtomicU64,
    written: &AtomicU64,
    heads: &Mutex<Vec<String>>,
) {
    socket.set_nodelay(true).ok();
    let mut reader = BufReader::new(socket.try_clone().unwrap());
    let mut socket = socket;
    loop {
        // One request: head lines, then the announced body.
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        requests.fetch_add(1, Ordering::Relaxed);
        heads.lock().unwrap().push(head);
        let mut send = |bytes: &[u8]| -> bool {
            let ok = socket.write_all(bytes).is_ok();
            if ok {
                written.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            }
            ok
        };
        const GIB: u64 = 1 << 30;
        let complete = |status: &str, extra: &str, body: &str| {
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n{body}",
                body.len()
            )
        };
        match answer {
            Answer::SmallError => {
                let body = r#"{"success":false,"errors":[{"code":10000,"message":"no"}],"messages":[],"result":null}"#;
                if !send(complete("400 Bad Request", "", body).as_bytes()) {
                    return;
                }
            }
            Answer::Redirect(port) => {
                let extra = format!("location: http://127.0.0.1:{port}/client/v4/elsewhere\r\n");
                if !send(complete("307 Temporary Redirect", &extra, "").as_bytes()) {
                    return;
                }
            }
            Answer::Nested => {
                let depth = 100_000;
                let body = format!(
                    "{{\"success\":true,\"errors\":[],\"result\":{}{}}}",
                    "[".repeat(depth),
                    "]".repeat(depth)
                );
                if !send(complete("200 OK", "", &body).as_bytes()) {
                    return;
                }
            }
            Answer::GibChunked | Answer::GibAnnounced => {
                let chunked = matches!(answer, Answer::GibChunked);
                let head = if chunked {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
                } else {
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {GIB}\r\n\r\n")
                };
                if !send(head.as_bytes()) {
                    return;
                }
                let block = vec![b' '; 64 * 1024];
                let chunk_head = format!("{:x}\r\n", block.len());
                let mut sent = 0;
                while sent < GIB {
                    let ok = if chunked {
                        send(chunk_head.as_bytes()) && send(&block) && send(b"\r\n")
                    } else {
                        send(&block)
                    };
                    if !ok {
                        return;
                    }
                    sent += block.len() as u64;
                }
                if chunked && !send(b"0\r\n\r\n") {
                    return;
                }
            }
        }
    }
}

/// Samples the peak RSS (`VmHWM`) of every provider process whose working directory is `dir`,
/// until stopped; returns the highest seen, in KiB.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<(u64, usize)>,
}

impl RssSampler {
    fn start(dir: &Path) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let dir: PathBuf = dir.canonicalize().unwrap();
        let binary = Path::new(PROVIDER_BINARY).canonicalize().unwrap();
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0u64;
            let mut seen = std::collections::BTreeSet::new();
            while !flag.load(Ordering::Relaxed) {
                for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
                    let proc = entry.path();
                    let is_provider = std::fs::read_link(proc.join("exe"))
                        .is_ok_and(|exe| exe == binary)
                        && std::fs::read_link(proc.join("cwd")).is_ok_and(|cwd| cwd == dir);
                    if !is_provider {
                        continue;
                    }
                    if let Some(hwm) = std::fs::read_to_string(proc.join("status"))
                        .ok()
                        .and_then(|status| status_kib(&status, "VmHWM:"))
                    {
                        seen.insert(entry.file_name());
                        peak = peak.max(hwm);
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            (peak, seen.len())
        });
        RssSampler { stop, thread }
    }

    /// The peak in KiB and how many provider processes were seen.
    fn finish(self) -> (u64, usize) {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

fn status_kib(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// One apply of one identity provider against `server`, with the credentials in `env`; returns
/// Terraform's output, the time it took and the provider's peak RSS in KiB.
fn apply_against(server: &RawServer, env: &[(&str, &str)]) -> (Output, Duration, u64) {
    let mut work = Workdir::new("hostile-api");
    let window_dir = work.path().join(".harness").join("rate-limit");
    work.env("CLOUDFLARE_BASE_URL", &server.base_url()).env(
        "CLOUDFLARE_RATE_LIMIT_STATE_DIR",
        &window_dir.to_string_lossy(),
    );
    for (key, value) in env {
        work.env(key, value);
    }
    work.write_main_tf(&format!(
        r#"resource "cloudflare_zero_trust_access_identity_provider" "test" {{
  account_id = "{}"
  name       = "GitHub"
  type       = "github"
  config = {{
    client_id     = "Iv1.8a61f9b3a7aba766"
    client_secret = "hostile-api-client-secret-4d1c"
  }}
}}
"#,
        random_id()
    ));
    let sampler = RssSampler::start(work.path());
    let started = Instant::now();
    let output = work.run(&["apply", "-input=false", "-no-color", "-auto-approve"]);
    let took = started.elapsed();
    let (peak, processes) = sampler.finish();
    assert!(processes > 0, "no provider process was seen to sample");
    assert!(!output.success(), "the apply should fail:\n{output}");
    assert!(!output.timed_out, "the apply did not end:\n{output}");
    assert!(took < APPLY_BOUND, "the apply took {took:?}:\n{output}");
    let text = output.combined();
    assert!(
        !text.contains("panicked"),
        "the provider panicked:\n{output}"
    );
    (output, took, peak)
}

/// Terraform's output with its line wrapping undone.
fn flat(output: &Output) -> String {
    output
        .combined()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn token_env() -> Vec<(&'static str, &'static str)> {
    vec![(
        "CLOUDFLARE_API_TOKEN",
        "hostile-api-token-0123456789abcdef0123456789",
    )]
}

/// A 1 GiB body, chunked and announced, and JSON nested 100,000 deep: each apply fails with the
/// client's refusal, the server never gets to send the gigabyte, and the provider's peak RSS
/// stays within [`RSS_BOUND_KIB`] (printed next to a small error answer's as the baseline).
#[test]
fn floods_and_deep_nesting_fail_cleanly_with_bounded_memory() {
    let baseline_server = RawServer::start(Answer::SmallError);
    let (output, took, baseline) = apply_against(&baseline_server, &token_env());
    assert!(output.combined().contains("400 Bad Request"), "{output}");
    println!(
        "baseline (400 answer): apply failed after {:.1}s, provider peak RSS {} KiB",
        took.as_secs_f64(),
        baseline
    );
    let cases = [
        (Answer::GibChunked, "larger than 16 MiB"),
        (Answer::GibAnnounced, "larger than 16 MiB"),
        (Answer::Nested, "Unexpected Cloudflare API Response"),
    ];
    for (answer, expected) in cases {
        let server = RawServer::start(answer);
        let (output, took, peak) = apply_against(&server, &token_env());
        let text = flat(&output);
        assert!(text.contains(expected), "{answer:?}: {output}");
        let written = server.written.load(Ordering::Relaxed);
        assert!(
            written < 256 << 20,
            "{answer:?}: the server got to write {written} bytes"
        );
        // What the cap lets in (16 MiB, plus the buffer's growth) over the baseline.
        assert!(
            peak < baseline + 48 * 1024,
            "{answer:?}: provider peak RSS {peak} KiB against a baseline of {baseline} KiB"
        );
        assert!(
            peak < RSS_BOUND_KIB,
            "{answer:?}: provider peak RSS {peak} KiB (baseline {baseline} KiB, bound {RSS_BOUND_KIB} KiB)"
        );
        println!(
            "{answer:?}: apply failed after {:.1}s, {} requests, {} MiB written by the server, \
             provider peak RSS {peak} KiB (baseline {baseline} KiB, bound {RSS_BOUND_KIB} KiB)",
            took.as_secs_f64(),
            server.requests.load(Ordering::Relaxed),
            written >> 20,
        );
    }
}

/// A redirect to another host, for every credential kind the provider takes from the
/// environment: the apply fails with the refusal, and the other host receives no request.
#[test]
fn redirects_to_another_host_get_no_credentials() {
    let elsewhere = RawServer::start(Answer::SmallError);
    let server = RawServer::start(Answer::Redirect(elsewhere.port));
    let credentials: [&[(&str, &str)]; 3] = [
        &[(
            "CLOUDFLARE_API_TOKEN",
            "redirect-token-0123456789abcdef0123456789abc",
        )],
        &[
            ("CLOUDFLARE_EMAIL", "ops@example.com"),
            (
                "CLOUDFLARE_API_KEY",
                "0123456789abcdef0123456789abcdef01234",
            ),
        ],
        &[(
            "CLOUDFLARE_API_USER_SERVICE_KEY",
            "v1.0-0123456789abcdef-0123456789abcdef0123456789abcdef",
        )],
    ];
    for env in credentials {
        let (output, took, _) = apply_against(&server, env);
        let text = flat(&output);
        assert!(text.contains("Cloudflare API Redirect Refused"), "{output}");
        assert!(text.contains("307 Temporary Redirect"), "{output}");
        println!(
            "redirect with {}: refused after {:.1}s",
            env.iter().map(|(k, _)| *k).collect::<Vec<_>>().join("+"),
            took.as_secs_f64()
        );
    }
    let heads = server.heads.lock().unwrap().clone();
    assert!(!heads.is_empty());
    let elsewhere_requests = elsewhere.requests.load(Ordering::Relaxed);
    assert_eq!(
        elsewhere_requests,
        0,
        "the other host received requests: {:?}",
        elsewhere.heads.lock().unwrap()
    );
    println!(
        "redirects: {} requests refused at the API root, {elsewhere_requests} reached the other host",
        heads.len()
    );
}
