//! Where the time goes: wall time of `terraform apply`, a refreshing `terraform plan` and
//! `terraform destroy` of N resources, for four providers run alternately on the same machine:
//!
//! - (a) `terraform_data`, which Terraform handles itself without a plugin: 1.00x;
//! - (b) `cloudflare_zero_trust_access_identity_provider` through this provider and the mock API;
//! - (c) the same-schema floor (`benches/floor/main.rs`): the same resource type and schema,
//!   served by this crate's server, protocol and framework layers from memory, without HTTP.
//!   (b)/(c) is what the API client and the resource's own logic cost; (c)/(a) is Terraform's
//!   own work on this schema plus our protocol layer;
//! - (d) the `tf-provider` 0.2.2 peer (`benches/peer/`): a minimal resource with two attributes;
//! - (b+lat) (b) again with the mock adding a fixed latency (30 ms by default) to every request.
//!
//! Also prints each provider's share of all CPU time of the run (Terraform, providers and the
//! mock), the API requests one refresh costs, and the providers' peak resident memory.
//!
//! Every provider runs with its default settings. The mock runs at its default budget
//! (1200 requests per 300 s); each cycle starts with the mock's windows emptied, as a run after
//! five quiet minutes would, so that earlier cycles do not eat the budget of later ones. When
//! one cycle needs more requests than that budget (N above 290), the mock's budget is raised
//! (and the output says so), since pacing a cycle over ten minutes is by design and not what
//! this measures.
//!
//! Run with `cargo bench --bench overhead -- [N ...] [--runs K] [--latency-ms MS]` (defaults:
//! N = 200, 3 runs, 30 ms; `--latency-ms 0` leaves out (b+lat)). The binaries are built first
//! with `cargo build --release`, as users build them. Terraform comes from
//! `TF_ACC_TERRAFORM_PATH`, else `PATH`, else `.tools/terraform-1.15.5/terraform`.

#[path = "support/build.rs"]
mod build;
#[path = "support/mock_process.rs"]
mod mock_process;
#[path = "support/peer.rs"]
mod peer;
#[path = "support/terraform.rs"]
mod terraform;

use mock_process::{identity_providers_hcl, MockProcess};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use terraform::{locate_terraform, terraform_version};

use cloudflare_mock::{DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};

const DEFAULT_N: usize = 200;
const DEFAULT_RUNS: usize = 3;
const DEFAULT_LATENCY_MS: u64 = 30;
/// The mock's default budget, which is also Cloudflare's.
const DEFAULT_BUDGET: u64 = 1200;
const BUDGET_WINDOW_SECS: u64 = 300;
/// How often the watcher samples memory and CPU. Short enough to see the provider of a
/// sub-second command, long enough not to steal noticeable CPU from what is being timed.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);
/// (b) may take at most this many times (c)'s time at N = 200.
const FLOOR_RATIO_TARGET: f64 = 1.10;
const FLOOR_RATIO_TARGET_N: usize = 200;
/// The provider's peak resident memory in the N = 1000 run, in bytes.
const RSS_TARGET_BYTES: u64 = 20_000_000;
const RSS_TARGET_N: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Variant {
    /// `terraform_data`: no plugin at all.
    Builtin,
    /// This provider against the mock.
    Provider,
    /// The same-schema floor.
    Floor,
    /// The `tf-provider` peer.
    Peer,
    /// This provider against the mock with added latency.
    ProviderLatency,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Builtin => "(a) terraform_data",
            Variant::Provider => "(b) ours, against the mock",
            Variant::Floor => "(c) same-schema floor",
            Variant::Peer => "(d) tf-provider 0.2.2 peer",
            Variant::ProviderLatency => "(b+lat) ours, mock latency",
        }
    }

    fn uses_mock(self) -> bool {
        matches!(self, Variant::Provider | Variant::ProviderLatency)
    }

    /// The executable name of the provider process, if the variant has one.
    fn provider_binary(self) -> Option<&'static str> {
        match self {
            Variant::Builtin => None,
            Variant::Provider | Variant::ProviderLatency => Some(build::PROVIDER),
            Variant::Floor => Some(build::FLOOR),
            Variant::Peer => Some(peer::PEER_BINARY_NAME),
        }
    }

    fn configuration(self, n: usize) -> String {
        let identity_provider =
            |local_name: &str| identity_providers_hcl(local_name, DEFAULT_ACCOUNT_ID, n);
        match self {
            Variant::Builtin => format!(
                r#"resource "terraform_data" "item" {{
  count = {n}
  input = "item-${{count.index}}"
}}
"#
            ),
            Variant::Provider | Variant::ProviderLatency => format!(
                r#"terraform {{
  required_providers {{
    cloudflare-access = {{
      source = "{PROVIDER_SOURCE}"
    }}
  }}
}}

provider "cloudflare-access" {{}}

{}"#,
                identity_provider("cloudflare-access")
            ),
            Variant::Floor => format!(
                r#"terraform {{
  required_providers {{
    bench-floor = {{
      source = "{FLOOR_SOURCE}"
    }}
  }}
}}

provider "bench-floor" {{}}

{}"#,
                identity_provider("bench-floor")
            ),
            Variant::Peer => format!(
                r#"terraform {{
  required_providers {{
    peer = {{
      source = "{PEER_SOURCE}"
    }}
  }}
}}

resource "peer_item" "item" {{
  count = {n}
  name  = "item-${{count.index}}"
}}
"#
            ),
        }
    }
}

const PROVIDER_SOURCE: &str = "ferrotf/cloudflare-access";
const FLOOR_SOURCE: &str = "ferrotf/bench-floor";
const PEER_SOURCE: &str = "ferrotf/peer";

/// What the watcher saw while one command ran: peak resident set sizes in KiB, and CPU time in
/// clock ticks as last sampled (so up to one interval of a process's last work is missed).
#[derive(Debug, Default, Clone)]
struct Usage {
    provider_kib: u64,
    /// Latest CPU ticks per provider process; Terraform starts several per command.
    provider_ticks: BTreeMap<u32, u64>,
}

impl Usage {
    fn sample(&mut self, terraform_pid: u32) {
        for pid in children(terraform_pid) {
            if !is_provider_process(pid) {
                continue;
            }
            if let Some(kib) = high_water_mark_kib(pid) {
                self.provider_kib = self.provider_kib.max(kib);
            }
            if let Some(ticks) = cpu_ticks(pid) {
                let seen = self.provider_ticks.entry(pid).or_default();
                *seen = (*seen).max(ticks);
            }
        }
    }

    fn provider_ticks(&self) -> u64 {
        self.provider_ticks.values().sum()
    }
}

/// Fields of `/proc/<pid>/stat` after the command name, which may contain spaces.
fn stat_fields(pid: &str) -> Option<Vec<u64>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .map(|field| field.parse().unwrap_or(0))
            .collect(),
    )
}

/// User plus system CPU time of `pid` in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    // After the name: state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt, cminflt,
    // majflt, cmajflt, then utime and stime.
    let fields = stat_fields(&pid.to_string())?;
    Some(fields.get(11)? + fields.get(12)?)
}

/// CPU time of this process's finished and reaped children (and theirs), in clock ticks. Read
/// around one Terraform command it gives exactly what Terraform and its providers used.
fn reaped_children_ticks() -> u64 {
    stat_fields("self")
        .and_then(|fields| Some(fields.get(13)? + fields.get(14)?))
        .unwrap_or(0)
}

/// `VmHWM` (peak resident set size) from `/proc/<pid>/status`.
fn high_water_mark_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Direct children of `pid`. Terraform is a Go program, so a child may have been started by any
/// of its threads; each thread lists its own in `task/<tid>/children`.
fn children(pid: u32) -> BTreeSet<u32> {
    let mut found = BTreeSet::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return found;
    };
    for task in tasks.flatten() {
        if let Ok(list) = std::fs::read_to_string(task.path().join("children")) {
            found.extend(
                list.split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
    }
    found
}

fn is_provider_process(pid: u32) -> bool {
    // A rebuild during the run would show the old binary as "... (deleted)"; match the name.
    std::fs::read_link(format!("/proc/{pid}/exe"))
        .ok()
        .and_then(|exe| exe.file_name().map(|n| n.to_string_lossy().into_owned()))
        .is_some_and(|name| name.starts_with("terraform-provider-"))
}

/// One finished Terraform command.
#[derive(Debug)]
struct Timed {
    elapsed: Duration,
    status: ExitStatus,
    usage: Usage,
    /// CPU ticks of Terraform and every provider it started, exact.
    terraform_and_providers_ticks: u64,
    /// CPU ticks the mock API spent while the command ran.
    mock_ticks: u64,
}

/// Runs `command` to completion while a second thread samples the providers, so that the wall
/// time comes from `wait` and not from the sampling interval.
fn run_watched(mut command: Command) -> Timed {
    let ticks_before = reaped_children_ticks();
    let started = Instant::now();
    let mut child = command.spawn().expect("start terraform");
    let pid = child.id();
    let finished = AtomicBool::new(false);
    thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut usage = Usage::default();
            while !finished.load(Ordering::Acquire) {
                usage.sample(pid);
                thread::sleep(SAMPLE_EVERY);
            }
            usage
        });
        let status = child.wait().expect("wait for terraform");
        let elapsed = started.elapsed();
        finished.store(true, Ordering::Release);
        let usage = watcher.join().expect("usage watcher");
        Timed {
            elapsed,
            status,
            usage,
            terraform_and_providers_ticks: reaped_children_ticks() - ticks_before,
            mock_ticks: 0,
        }
    })
}

/// The mock API as a child process; stopped when dropped, including on a panic.
/// What this benchmark asks of the mock.
impl MockProcess {
    /// Sets the per-token budget and empties the windows.
    fn set_budget(&self, requests: u64) {
        let limit = serde_json::json!({"requests": requests, "window_secs": BUDGET_WINDOW_SECS});
        self.control_request("PUT", "/__mock/rate_limit", &limit.to_string());
    }

    /// Adds `millis` of latency to every Cloudflare request (0: none).
    fn set_latency(&self, millis: u64) {
        self.control_request("DELETE", "/__mock/faults", "");
        if millis > 0 {
            let fault = serde_json::json!({"kind": "latency", "millis": millis});
            self.control_request("POST", "/__mock/faults", &fault.to_string());
        }
    }

    fn object_count(&self) -> usize {
        self.get("/__mock/objects")
            .as_array()
            .expect("/__mock/objects is an array")
            .len()
    }

    fn request_counts(&self) -> BTreeMap<String, u64> {
        serde_json::from_value(self.get("/__mock/counts")).expect("/__mock/counts shape")
    }
}

#[derive(Debug)]
struct Bench {
    terraform: PathBuf,
    cli_config: PathBuf,
    mock: MockProcess,
    /// Terraform's stdout and stderr of the latest command, shown when it fails.
    logs: tempfile::TempDir,
    latency_ms: u64,
}

/// Figures of one apply / plan / destroy cycle.
#[derive(Debug)]
struct Run {
    apply: Timed,
    plan: Timed,
    destroy: Timed,
    /// Mock request counts caused by the refreshing plan, per operation.
    refresh_requests: BTreeMap<String, u64>,
    plan_exit_code: Option<i32>,
}

impl Run {
    fn phases(&self) -> [&Timed; 3] {
        [&self.apply, &self.plan, &self.destroy]
    }

    fn total(&self) -> Duration {
        self.phases().iter().map(|timed| timed.elapsed).sum()
    }

    /// The provider processes' share of all CPU time of the cycle: Terraform, providers, mock.
    fn provider_cpu_share(&self) -> f64 {
        let provider: u64 = self.phases().iter().map(|t| t.usage.provider_ticks()).sum();
        let all: u64 = self
            .phases()
            .iter()
            .map(|t| t.terraform_and_providers_ticks + t.mock_ticks)
            .sum();
        if all == 0 {
            0.0
        } else {
            provider as f64 / all as f64
        }
    }

    fn provider_peak_kib(&self) -> u64 {
        self.phases()
            .iter()
            .map(|t| t.usage.provider_kib)
            .max()
            .unwrap_or(0)
    }
}

impl Bench {
    fn terraform_command(&self, workdir: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(&self.terraform);
        command.args(args).current_dir(workdir);
        // Nothing from the caller's shell may change what is measured: no logging, no
        // credentials or endpoints, no extra CLI arguments.
        for (key, _) in std::env::vars_os() {
            let Some(key) = key.to_str() else { continue };
            if key.starts_with("TF_")
                || key.starts_with("CLOUDFLARE_")
                || key.starts_with("PLUGIN_")
                || key == "CHECKPOINT_DISABLE"
            {
                command.env_remove(key);
            }
        }
        command
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("CLOUDFLARE_BASE_URL", &self.mock.base_url)
            .env("CLOUDFLARE_API_TOKEN", DEFAULT_TOKEN)
            // The shared request window, kept out of the user's cache directory.
            .env("CLOUDFLARE_RATE_LIMIT_STATE_DIR", self.rate_limit_dir());
        let log = |name: &str| {
            std::fs::File::create(self.logs.path().join(name)).expect("create a log file")
        };
        command
            .stdin(Stdio::null())
            .stdout(log("stdout"))
            .stderr(log("stderr"));
        command
    }

    fn rate_limit_dir(&self) -> PathBuf {
        self.logs.path().join("rate-limit")
    }

    fn log_text(&self) -> String {
        let read =
            |name: &str| std::fs::read_to_string(self.logs.path().join(name)).unwrap_or_default();
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            read("stdout"),
            read("stderr")
        )
    }

    fn terraform(&self, workdir: &Path, args: &[&str], allowed_codes: &[i32]) -> Timed {
        let mock_before = cpu_ticks(self.mock.pid()).unwrap_or(0);
        let mut timed = run_watched(self.terraform_command(workdir, args));
        timed.mock_ticks = cpu_ticks(self.mock.pid()).unwrap_or(0) - mock_before;
        let ok = timed
            .status
            .code()
            .is_some_and(|code| allowed_codes.contains(&code));
        assert!(
            ok,
            "`terraform {}` failed ({}):\n{}",
            args.join(" "),
            timed.status,
            self.log_text()
        );
        timed
    }

    /// Resources in the work dir's local state, counting every instance.
    fn state_instances(workdir: &Path) -> usize {
        let Ok(text) = std::fs::read_to_string(workdir.join("terraform.tfstate")) else {
            return 0;
        };
        let state: serde_json::Value = serde_json::from_str(&text).expect("state is JSON");
        state["resources"]
            .as_array()
            .map(|resources| {
                resources
                    .iter()
                    .filter_map(|r| r["instances"].as_array())
                    .map(Vec::len)
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Apply, refresh-plan and destroy `n` resources of `variant` in a fresh work dir. Checks
    /// that the work really happened, because a fast failure would otherwise look like a fast
    /// provider.
    fn run(&self, variant: Variant, n: usize, budget: u64) -> Run {
        let workdir = tempfile::Builder::new()
            .prefix("overhead-bench-")
            .tempdir()
            .expect("create a work dir");
        let dir = workdir.path();
        std::fs::write(dir.join("main.tf"), variant.configuration(n))
            .expect("write the configuration");
        let objects_before = self.mock.object_count();
        // A fresh budget on both sides: the mock's windows and the provider's own record.
        self.mock.set_budget(budget);
        let _ = std::fs::remove_dir_all(self.rate_limit_dir());
        self.mock
            .set_latency(if variant == Variant::ProviderLatency {
                self.latency_ms
            } else {
                0
            });

        let apply = self.terraform(
            dir,
            &["apply", "-auto-approve", "-input=false", "-no-color"],
            &[0],
        );
        assert_eq!(
            Self::state_instances(dir),
            n,
            "state after apply\n{}",
            self.log_text()
        );
        if variant.uses_mock() {
            assert_eq!(
                self.mock.object_count(),
                objects_before + n,
                "objects in the mock after apply"
            );
        }

        let counts_before = self.mock.request_counts();
        let plan = self.terraform(
            dir,
            &[
                "plan",
                "-refresh=true",
                "-detailed-exitcode",
                "-input=false",
                "-no-color",
            ],
            &[0, 2],
        );
        let counts_after = self.mock.request_counts();
        let refresh_requests = counts_after
            .iter()
            .map(|(operation, after)| {
                let before = counts_before.get(operation).copied().unwrap_or(0);
                (operation.clone(), after - before)
            })
            .filter(|(_, count)| *count > 0)
            .collect();
        let plan_exit_code = plan.status.code();

        let destroy = self.terraform(
            dir,
            &["destroy", "-auto-approve", "-input=false", "-no-color"],
            &[0],
        );
        assert_eq!(Self::state_instances(dir), 0, "state after destroy");
        assert_eq!(
            self.mock.object_count(),
            objects_before,
            "objects in the mock after destroy"
        );
        self.mock.set_latency(0);
        Run {
            apply,
            plan,
            destroy,
            refresh_requests,
            plan_exit_code,
        }
    }
}

fn cli_config(overrides: &[(&str, &Path)]) -> String {
    let mut text =
        String::from("disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n");
    for (source, dir) in overrides {
        let dir = dir
            .to_str()
            .expect("the binaries' directory is valid UTF-8")
            .replace('\\', "\\\\")
            .replace('"', "\\\"");
        text.push_str(&format!(
            "    \"registry.terraform.io/{source}\" = \"{dir}\"\n"
        ));
    }
    text.push_str("  }\n  direct {}\n}\n");
    text
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.is_empty() {
        f64::NAN
    } else if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

/// Figures of every run of one variant.
#[derive(Debug, Default)]
struct Series {
    runs: Vec<Run>,
}

impl Series {
    fn median_of(&self, pick: impl Fn(&Run) -> f64) -> f64 {
        median(&self.runs.iter().map(pick).collect::<Vec<_>>())
    }

    fn apply(&self) -> f64 {
        self.median_of(|run| run.apply.elapsed.as_secs_f64())
    }

    fn plan(&self) -> f64 {
        self.median_of(|run| run.plan.elapsed.as_secs_f64())
    }

    fn destroy(&self) -> f64 {
        self.median_of(|run| run.destroy.elapsed.as_secs_f64())
    }

    fn total(&self) -> f64 {
        self.median_of(|run| run.total().as_secs_f64())
    }

    fn cpu_share(&self) -> f64 {
        self.median_of(Run::provider_cpu_share)
    }

    fn peak_bytes(&self) -> u64 {
        self.runs
            .iter()
            .map(Run::provider_peak_kib)
            .max()
            .unwrap_or(0)
            * 1024
    }

    fn totals_list(&self) -> String {
        self.runs
            .iter()
            .map(|run| format!("{:.2}", run.total().as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    latency_ms: u64,
}

fn options() -> Options {
    let mut options = Options {
        sizes: Vec::new(),
        runs: std::env::var("OVERHEAD_RUNS")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(DEFAULT_RUNS),
        latency_ms: DEFAULT_LATENCY_MS,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |flag: &str| -> u64 {
            let text = args
                .next()
                .unwrap_or_else(|| panic!("{flag} needs a number"));
            text.parse()
                .unwrap_or_else(|_| panic!("{flag} {text}: not a number"))
        };
        match arg.as_str() {
            "--runs" => options.runs = number("--runs") as usize,
            "--latency-ms" => options.latency_ms = number("--latency-ms"),
            // Anything that is not a number is cargo's own `--bench` flag.
            other => options.sizes.extend(other.parse::<usize>().ok()),
        }
    }
    if options.sizes.is_empty() {
        options.sizes.push(DEFAULT_N);
    }
    assert!(options.sizes.iter().all(|&n| n > 0), "N must be positive");
    assert!(options.runs > 0, "--runs must be positive");
    options
}

/// The mock budget for one cycle of `n`: the default when a cycle fits in it, else four times
/// what a cycle needs. A cycle costs about 4n requests: n creates, n reads for the plan's
/// refresh, and destroy's own refresh before its n deletes.
fn budget_for(n: usize) -> u64 {
    let cycle = 4 * n as u64 + 10;
    if cycle <= DEFAULT_BUDGET {
        DEFAULT_BUDGET
    } else {
        (cycle * 4).div_ceil(1000) * 1000
    }
}

fn main() {
    let options = options();
    let binaries = build::build_as_installed(&[build::PROVIDER, build::FLOOR], true);
    let peer = peer::build_peer();
    let peer_dir = peer.parent().expect("the peer has a directory");
    let terraform = locate_terraform();
    let version = terraform_version(&terraform);

    let config_dir = tempfile::Builder::new()
        .prefix("overhead-bench-config-")
        .tempdir()
        .expect("create a config dir");
    let cli_config_path = config_dir.path().join("terraform.rc");
    std::fs::write(
        &cli_config_path,
        cli_config(&[
            (PROVIDER_SOURCE, &binaries),
            (FLOOR_SOURCE, &binaries),
            (PEER_SOURCE, peer_dir),
        ]),
    )
    .expect("write the CLI config");

    let bench = Bench {
        terraform,
        cli_config: cli_config_path,
        mock: MockProcess::start(&binaries.join(build::MOCK), DEFAULT_TOKEN),
        logs: tempfile::tempdir().expect("create a log dir"),
        latency_ms: options.latency_ms,
    };

    let mut variants = vec![
        Variant::Builtin,
        Variant::Provider,
        Variant::Floor,
        Variant::Peer,
    ];
    if options.latency_ms > 0 {
        variants.push(Variant::ProviderLatency);
    }

    // One small untimed round: warms the page cache and proves the setup works before the
    // long runs start.
    for &variant in &variants {
        bench.run(variant, 1, DEFAULT_BUDGET);
    }

    println!(
        "## Where the time goes: Terraform {version}\n\n\
         apply + refreshing plan + destroy, default -parallelism (10), {} run(s) per variant \
         in rotating order, medians; every provider at its default settings.\n",
        options.runs
    );
    println!("- terraform: `{}` ({version})", bench.terraform.display());
    println!("- ours and the floor: `{}`", binaries.display());
    println!("- peer: `{}`", peer.display());
    if options.latency_ms > 0 {
        println!(
            "- (b+lat): the mock adds {} ms to every API request",
            options.latency_ms
        );
    }

    for &n in &options.sizes {
        let budget = budget_for(n);
        let mut series: BTreeMap<Variant, Series> = BTreeMap::new();
        for round in 0..options.runs {
            // Rotate which goes first so that none always runs on a warmer (or busier) machine.
            let mut order = variants.clone();
            order.rotate_left(round % variants.len());
            for variant in order {
                let run = bench.run(variant, n, budget);
                eprintln!(
                    "overhead: N={n} round {} {}: apply {:.2} s, plan {:.2} s, destroy {:.2} s",
                    round + 1,
                    variant.label(),
                    run.apply.elapsed.as_secs_f64(),
                    run.plan.elapsed.as_secs_f64(),
                    run.destroy.elapsed.as_secs_f64()
                );
                series.entry(variant).or_default().runs.push(run);
            }
        }
        report(n, budget, &series, options.latency_ms);
    }
}

fn report(n: usize, budget: u64, series: &BTreeMap<Variant, Series>, latency_ms: u64) {
    let builtin = &series[&Variant::Builtin];
    let floor = &series[&Variant::Floor];
    let ours = &series[&Variant::Provider];
    println!("\n### N = {n}\n");
    if budget == DEFAULT_BUDGET {
        println!(
            "Mock budget: {DEFAULT_BUDGET} requests per {BUDGET_WINDOW_SECS} s (its default), \
             windows emptied before each cycle.\n"
        );
    } else {
        println!(
            "Mock budget: **raised to {budget} requests per {BUDGET_WINDOW_SECS} s** (default \
             {DEFAULT_BUDGET}): one cycle needs about {} requests, which the default budget \
             would pace over more than ten minutes by design. Provider settings stay at their \
             defaults.\n",
            4 * n
        );
    }
    println!(
        "| variant | apply s | plan s | destroy s | total s | vs (a) | vs (c) | provider CPU share | provider peak RSS MB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (variant, runs) in series {
        let has_provider = variant.provider_binary().is_some();
        let dash = || "–".to_owned();
        let label = if *variant == Variant::ProviderLatency {
            format!("(b+lat) ours, mock +{latency_ms} ms per request")
        } else {
            variant.label().to_owned()
        };
        println!(
            "| {label} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2}x | {:.2}x | {} | {} |",
            runs.apply(),
            runs.plan(),
            runs.destroy(),
            runs.total(),
            runs.total() / builtin.total(),
            runs.total() / floor.total(),
            if has_provider {
                format!("{:.1}%", runs.cpu_share() * 100.0)
            } else {
                dash()
            },
            if has_provider {
                format!("{:.1}", mb(runs.peak_bytes()))
            } else {
                dash()
            },
        );
    }
    println!();
    println!("Totals of every run (s):");
    for (variant, runs) in series {
        println!("- {}: {}", variant.label(), runs.totals_list());
    }
    println!();
    for variant in [Variant::Provider, Variant::ProviderLatency] {
        let Some(runs) = series.get(&variant) else {
            continue;
        };
        let last = runs.runs.last().expect("at least one run");
        let per_refresh: u64 = last.refresh_requests.values().sum();
        let breakdown = last
            .refresh_requests
            .iter()
            .map(|(operation, count)| format!("{operation} {count}"))
            .collect::<Vec<_>>()
            .join(", ");
        let stable = runs
            .runs
            .iter()
            .all(|run| run.refresh_requests == last.refresh_requests);
        println!(
            "- {}: API requests per refresh of {n} objects: {per_refresh} ({breakdown}), \
             {:.2} per object{}",
            variant.label(),
            per_refresh as f64 / n as f64,
            if stable {
                ""
            } else {
                " (varied between runs; last run shown)"
            }
        );
    }
    for (variant, runs) in series {
        let dirty = runs
            .runs
            .iter()
            .filter(|run| run.plan_exit_code != Some(0))
            .count();
        if dirty > 0 {
            println!(
                "- {}: {dirty} of {} plans after apply were not empty",
                variant.label(),
                runs.runs.len()
            );
        }
    }
    println!(
        "- CPU share: the provider processes' CPU time over all CPU time of the cycle \
         (Terraform, providers, mock); provider CPU and RSS are sampled every {} ms.",
        SAMPLE_EVERY.as_millis()
    );

    println!();
    let ratio = ours.total() / floor.total();
    let at = if n == FLOOR_RATIO_TARGET_N {
        String::new()
    } else {
        format!(" (the target is set at N = {FLOOR_RATIO_TARGET_N}; indicative here)")
    };
    println!(
        "- target: (b) within {FLOOR_RATIO_TARGET:.2}x of (c): {ratio:.2}x, {}{at}",
        verdict(ratio <= FLOOR_RATIO_TARGET)
    );
    let peak = ours.peak_bytes();
    let at = if n == RSS_TARGET_N {
        String::new()
    } else {
        format!(" (the target is set at N = {RSS_TARGET_N}; indicative here)")
    };
    println!(
        "- target: provider peak RSS <= {:.0} MB: {:.1} MB, {}{at}",
        mb(RSS_TARGET_BYTES),
        mb(peak),
        verdict(peak <= RSS_TARGET_BYTES)
    );
}
