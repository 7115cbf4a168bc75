//! Provider overhead: wall time of `terraform apply` + `terraform destroy` of N identity providers
//! against the mock API, next to the same for N `terraform_data` resources, which Terraform
//! handles itself without any plugin. Their ratio is what the provider (gRPC, msgpack, the HTTP
//! client) adds on top of Terraform; 1.0x is the floor. A third variant, `terraform_data` holding
//! an object shaped like an identity provider, shows how much of that ratio is Terraform's own
//! per-attribute work. Also prints CPU time per process, peak RSS of the provider and how many
//! API requests one refresh of N objects costs.
//!
//! The provider runs with its default settings, pacing included, against the mock at its default
//! budget (1200 requests per 300 s); each cycle starts with the mock's windows emptied, as a run
//! after five quiet minutes would, so that earlier rounds do not eat the budget of later ones.
//!
//! Run with `cargo bench --bench overhead [-- N]` (default 200, or `OVERHEAD_N`); `OVERHEAD_RUNS`
//! sets the runs per variant (default 3). Needs the release mock binary next to the release
//! provider: `cargo build --release -p cloudflare-mock --bins`. Terraform comes from
//! `TF_ACC_TERRAFORM_PATH`, else `PATH`, else `.tools/terraform-1.15.5/terraform`.

#[path = "support/terraform.rs"]
mod terraform;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use terraform::{locate_terraform, terraform_version};

use cloudflare_mock::{DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-cloudflare-access");
const MOCK_BINARY_NAME: &str = "cloudflare-mock";
const DEFAULT_N: usize = 200;
const DEFAULT_RUNS: usize = 3;
/// How often the watcher samples memory. Short enough to see the provider of a sub-second
/// command, long enough not to steal noticeable CPU from what is being timed.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// `terraform_data`: no plugin at all.
    Builtin,
    /// `cloudflare_zero_trust_access_identity_provider` through this provider and the mock.
    Provider,
    /// `terraform_data` again, but each instance carries an object with every attribute (nulls
    /// included) of an identity provider from (b)'s state. Terraform's own work grows with the
    /// size of each object (diffing, rendering the plan, writing state), so this separates what
    /// the schema costs inside Terraform from what the plugin adds.
    Shaped,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Builtin => "(a) terraform_data",
            Variant::Provider => "(b) cloudflare_zero_trust_access_identity_provider",
            Variant::Shaped => "(c) terraform_data holding an identity-provider-shaped object",
        }
    }

    /// The configuration file's name and text. `shape` is needed for [`Variant::Shaped`].
    fn configuration(self, n: usize, shape: Option<&serde_json::Value>) -> (&'static str, String) {
        if self == Variant::Shaped {
            let mut object = shape.expect("the shape of an identity provider").clone();
            escape_templates(&mut object);
            object["name"] = serde_json::Value::from("GitHub login ${count.index}");
            let config = serde_json::json!({
                "resource": {"terraform_data": {"item": {"count": n, "triggers_replace": object}}}
            });
            return ("main.tf.json", config.to_string());
        }
        let text = match self {
            Variant::Builtin => format!(
                r#"resource "terraform_data" "item" {{
  count = {n}
  input = "item-${{count.index}}"
}}
"#
            ),
            Variant::Provider => format!(
                r#"terraform {{
  required_providers {{
    cloudflare-access = {{
      source = "ferrotf/cloudflare-access"
    }}
  }}
}}

provider "cloudflare-access" {{}}

resource "cloudflare_zero_trust_access_identity_provider" "item" {{
  provider   = cloudflare-access
  count      = {n}
  account_id = "{DEFAULT_ACCOUNT_ID}"
  name       = "GitHub login ${{count.index}}"
  type       = "github"
  config = {{
    client_id     = "bench-client-${{count.index}}"
    client_secret = "bench-client-secret-${{count.index}}"
  }}
}}
"#
            ),
            Variant::Shaped => unreachable!("handled above"),
        };
        ("main.tf", text)
    }
}

/// In the JSON configuration syntax every string is a template; keep copied values literal.
fn escape_templates(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => *text = text.replace("${", "$${").replace("%{", "%%{"),
        serde_json::Value::Array(items) => items.iter_mut().for_each(escape_templates),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(escape_templates),
        _ => {}
    }
}

/// What the watcher saw while one command ran: peak resident set sizes in KiB, and CPU time in
/// clock ticks as last sampled (so up to one interval of a process's last work is missed).
#[derive(Debug, Default, Clone)]
struct Usage {
    terraform_kib: u64,
    provider_kib: u64,
    terraform_ticks: u64,
    /// Latest CPU ticks per provider process; Terraform starts several per command.
    provider_ticks: BTreeMap<u32, u64>,
}

impl Usage {
    fn sample(&mut self, terraform_pid: u32) {
        if let Some(kib) = high_water_mark_kib(terraform_pid) {
            self.terraform_kib = self.terraform_kib.max(kib);
        }
        if let Some(ticks) = cpu_ticks(terraform_pid) {
            self.terraform_ticks = self.terraform_ticks.max(ticks);
        }
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

    fn provider_processes(&self) -> usize {
        self.provider_ticks.len()
    }

    fn provider_ticks(&self) -> u64 {
        self.provider_ticks.values().sum()
    }
}

/// User plus system CPU time of `pid` in clock ticks, from `/proc/<pid>/stat`.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may contain spaces and parentheses; the fields after it do not.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    // After the name: state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt, cminflt,
    // majflt, cmajflt, then utime and stime.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
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
        .is_some_and(|name| name.starts_with("terraform-provider-cloudflare-access"))
}

/// One finished Terraform command.
#[derive(Debug)]
struct Timed {
    elapsed: Duration,
    status: ExitStatus,
    usage: Usage,
    /// CPU ticks the mock API spent while the command ran.
    mock_ticks: u64,
}

/// Runs `command` to completion while a second thread samples memory, so that the wall time
/// comes from `wait` and not from the sampling interval.
fn run_watched(mut command: Command) -> Timed {
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
            mock_ticks: 0,
        }
    })
}

/// The mock API as a child process; stopped when dropped, including on a panic.
#[derive(Debug)]
struct Mock {
    child: Child,
    base_url: String,
    /// `host:port` for the control surface.
    address: String,
}

impl Mock {
    fn start(binary: &Path, token: &str) -> Mock {
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
        Mock {
            child,
            base_url,
            address,
        }
    }

    /// A plain JSON GET on the control surface (`/__mock/...`).
    fn control(&self, path: &str) -> serde_json::Value {
        self.control_request("GET", path, "")
    }

    /// Empties the per-token windows (keeping the budget): the next cycle starts fresh.
    fn fresh_budget(&self) {
        let limit = self.control("/__mock/rate_limit");
        self.control_request("PUT", "/__mock/rate_limit", &limit.to_string());
    }

    fn control_request(&self, method: &str, path: &str, body: &str) -> serde_json::Value {
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
            head.starts_with("HTTP/1.1 200"),
            "{method} {path} on the mock answered {head:?}"
        );
        serde_json::from_str(body)
            .unwrap_or_else(|err| panic!("GET {path}: body is not JSON ({err}): {body:?}"))
    }

    fn object_count(&self) -> usize {
        self.control("/__mock/objects")
            .as_array()
            .expect("/__mock/objects is an array")
            .len()
    }

    fn request_counts(&self) -> BTreeMap<String, u64> {
        serde_json::from_value(self.control("/__mock/counts")).expect("/__mock/counts shape")
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Bench {
    terraform: PathBuf,
    cli_config: PathBuf,
    mock: Mock,
    /// Terraform's stdout and stderr of the latest command, shown when it fails.
    logs: tempfile::TempDir,
    /// The attributes of one identity provider in state, for [`Variant::Shaped`].
    shape: Option<serde_json::Value>,
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
    /// The attributes of the first instance in state after apply.
    first_instance: serde_json::Value,
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
            .env(
                "CLOUDFLARE_RATE_LIMIT_STATE_DIR",
                self.logs.path().join("rate-limit"),
            );
        let log = |name: &str| {
            std::fs::File::create(self.logs.path().join(name)).expect("create a log file")
        };
        command
            .stdin(Stdio::null())
            .stdout(log("stdout"))
            .stderr(log("stderr"));
        command
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
        let mock_before = cpu_ticks(self.mock.child.id()).unwrap_or(0);
        let mut timed = run_watched(self.terraform_command(workdir, args));
        timed.mock_ticks = cpu_ticks(self.mock.child.id()).unwrap_or(0) - mock_before;
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

    fn first_instance(workdir: &Path) -> serde_json::Value {
        let text =
            std::fs::read_to_string(workdir.join("terraform.tfstate")).expect("read the state");
        let state: serde_json::Value = serde_json::from_str(&text).expect("state is JSON");
        state["resources"][0]["instances"][0]["attributes"].clone()
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
    fn run(&self, variant: Variant, n: usize) -> Run {
        let workdir = tempfile::Builder::new()
            .prefix("overhead-bench-")
            .tempdir()
            .expect("create a work dir");
        let dir = workdir.path();
        let (file, text) = variant.configuration(n, self.shape.as_ref());
        std::fs::write(dir.join(file), text).expect("write the configuration");
        let objects_before = self.mock.object_count();
        self.mock.fresh_budget();

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
        let first_instance = Self::first_instance(dir);
        if variant == Variant::Provider {
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
        Run {
            apply,
            plan,
            destroy,
            refresh_requests,
            plan_exit_code,
            first_instance,
        }
    }
}

fn cli_config(provider_dir: &Path) -> String {
    let dir = provider_dir
        .to_str()
        .expect("the provider's directory is valid UTF-8")
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    format!(
        "disable_checkpoint = true\n\
         provider_installation {{\n  dev_overrides {{\n    \
         \"registry.terraform.io/ferrotf/cloudflare-access\" = \"{dir}\"\n  }}\n  direct {{}}\n}}\n"
    )
}

fn env_number(key: &str) -> Option<usize> {
    let text = std::env::var(key).ok()?;
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("{key}={text} is not a number")),
    )
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

/// The unit of the CPU times in `/proc/<pid>/stat`.
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Figures of every run of one variant.
#[derive(Debug, Default)]
struct Series {
    runs: Vec<Run>,
}

impl Series {
    fn seconds(&self, pick: impl Fn(&Run) -> Duration) -> Vec<f64> {
        self.runs
            .iter()
            .map(|run| pick(run).as_secs_f64())
            .collect()
    }

    fn total(&self) -> Vec<f64> {
        self.seconds(|run| run.apply.elapsed + run.destroy.elapsed)
    }

    fn peak(&self, pick: impl Fn(&Run) -> &Timed, of: impl Fn(&Usage) -> u64) -> u64 {
        self.runs
            .iter()
            .map(|run| of(&pick(run).usage))
            .max()
            .unwrap_or(0)
    }

    /// Median CPU seconds of apply + destroy, spent by terraform, the provider and the mock.
    fn cpu_seconds(&self, ticks_per_second: f64) -> [f64; 3] {
        let per_run = |of: &dyn Fn(&Timed) -> u64| -> Vec<f64> {
            self.runs
                .iter()
                .map(|run| (of(&run.apply) + of(&run.destroy)) as f64 / ticks_per_second)
                .collect()
        };
        [
            median(&per_run(&|t| t.usage.terraform_ticks)),
            median(&per_run(&|t| t.usage.provider_ticks())),
            median(&per_run(&|t| t.mock_ticks)),
        ]
    }

    fn print_times(&self, ticks_per_second: f64) {
        let list = |values: &[f64]| {
            values
                .iter()
                .map(|v| format!("{v:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let apply = self.seconds(|run| run.apply.elapsed);
        let destroy = self.seconds(|run| run.destroy.elapsed);
        let plan = self.seconds(|run| run.plan.elapsed);
        let total = self.total();
        println!(
            "  apply+destroy median {:7.2} s   runs [{}]",
            median(&total),
            list(&total)
        );
        println!(
            "  apply         median {:7.2} s   runs [{}]",
            median(&apply),
            list(&apply)
        );
        println!(
            "  destroy       median {:7.2} s   runs [{}]",
            median(&destroy),
            list(&destroy)
        );
        println!(
            "  plan (refresh, not in the total) median {:.2} s   runs [{}]",
            median(&plan),
            list(&plan)
        );
        let [terraform, provider, mock] = self.cpu_seconds(ticks_per_second);
        println!(
            "  CPU in apply+destroy (median, sampled) terraform {terraform:.2} s, provider \
             {provider:.2} s, mock {mock:.2} s"
        );
    }
}

fn main() {
    let n = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse::<usize>().ok())
        .or_else(|| env_number("OVERHEAD_N"))
        .unwrap_or(DEFAULT_N);
    let runs = env_number("OVERHEAD_RUNS").unwrap_or(DEFAULT_RUNS).max(1);
    assert!(n >= 1, "N must be at least 1");

    let provider = Path::new(PROVIDER_BINARY);
    let provider_dir = provider.parent().expect("the provider has a directory");
    let mock_binary = provider_dir.join(MOCK_BINARY_NAME);
    if !mock_binary.is_file() {
        eprintln!(
            "overhead: the mock binary {} is missing; build it first with\n    \
             cargo build --release -p cloudflare-mock --bins",
            mock_binary.display()
        );
        std::process::exit(1);
    }
    let terraform = locate_terraform();
    let ticks_per_second = clock_ticks_per_second();
    let version = terraform_version(&terraform);

    let config_dir = tempfile::Builder::new()
        .prefix("overhead-bench-config-")
        .tempdir()
        .expect("create a config dir");
    let cli_config_path = config_dir.path().join("terraform.rc");
    std::fs::write(&cli_config_path, cli_config(provider_dir)).expect("write the CLI config");

    let mut bench = Bench {
        terraform,
        cli_config: cli_config_path,
        mock: Mock::start(&mock_binary, DEFAULT_TOKEN),
        logs: tempfile::tempdir().expect("create a log dir"),
        shape: None,
    };

    println!(
        "provider overhead: terraform apply + destroy of N={n} resources, default -parallelism (10), \
         {runs} run(s) per variant, alternating"
    );
    println!("  terraform {version} at {}", bench.terraform.display());
    println!("  provider  {}", provider.display());
    println!(
        "  mock      {} (default budget, 1200 per 300 s), provider settings at their defaults",
        mock_binary.display()
    );

    // One small untimed round: warms the page cache and proves the setup works before the
    // long runs start.
    bench.run(Variant::Builtin, 1);
    bench.shape = Some(bench.run(Variant::Provider, 1).first_instance);
    bench.run(Variant::Shaped, 1);

    let mut builtin = Series::default();
    let mut plugin = Series::default();
    let mut shaped = Series::default();
    for round in 0..runs {
        // Rotate which goes first so that none always runs on a warmer (or busier) machine.
        let mut order = [Variant::Builtin, Variant::Provider, Variant::Shaped];
        let first = round % order.len();
        order.rotate_left(first);
        for variant in order {
            let run = bench.run(variant, n);
            eprintln!(
                "overhead: round {} {}: apply {:.2} s, destroy {:.2} s",
                round + 1,
                variant.label(),
                run.apply.elapsed.as_secs_f64(),
                run.destroy.elapsed.as_secs_f64()
            );
            match variant {
                Variant::Builtin => builtin.runs.push(run),
                Variant::Provider => plugin.runs.push(run),
                Variant::Shaped => shaped.runs.push(run),
            }
        }
    }

    println!();
    println!("{}", Variant::Builtin.label());
    builtin.print_times(ticks_per_second);
    println!("{}", Variant::Provider.label());
    plugin.print_times(ticks_per_second);
    println!("{}", Variant::Shaped.label());
    shaped.print_times(ticks_per_second);

    println!();
    for (name, over, under) in [
        ("(b)/(a)", &plugin, &builtin),
        ("(b)/(c)", &plugin, &shaped),
        ("(c)/(a)", &shaped, &builtin),
    ] {
        let ratio = |pick: &dyn Fn(&Series) -> Vec<f64>| median(&pick(over)) / median(&pick(under));
        println!(
            "ratio {name} apply+destroy: {:.2}x   (apply {:.2}x, destroy {:.2}x, refresh plan {:.2}x)",
            ratio(&|s| s.total()),
            ratio(&|s| s.seconds(|run| run.apply.elapsed)),
            ratio(&|s| s.seconds(|run| run.destroy.elapsed)),
            ratio(&|s| s.seconds(|run| run.plan.elapsed)),
        );
    }

    let last = plugin.runs.last().expect("at least one run");
    let per_refresh: u64 = last.refresh_requests.values().sum();
    let breakdown = last
        .refresh_requests
        .iter()
        .map(|(operation, count)| format!("{operation} {count}"))
        .collect::<Vec<_>>()
        .join(", ");
    let stable = plugin
        .runs
        .iter()
        .all(|run| run.refresh_requests == last.refresh_requests);
    println!(
        "API requests per refresh of {n} objects: {per_refresh} ({breakdown}) = {:.2} per object{}",
        per_refresh as f64 / n as f64,
        if stable {
            ""
        } else {
            " (varied between runs; last run shown)"
        }
    );
    let dirty_plans = plugin
        .runs
        .iter()
        .filter(|run| run.plan_exit_code != Some(0))
        .count();
    println!("plans after apply that were not empty: {dirty_plans} of {runs}");

    let provider_peak = |pick: &dyn Fn(&Run) -> &Timed| plugin.peak(pick, |p| p.provider_kib);
    let processes = |pick: &dyn Fn(&Run) -> &Timed| {
        plugin
            .runs
            .iter()
            .map(|run| pick(run).usage.provider_processes())
            .max()
            .unwrap_or(0)
    };
    println!(
        "peak RSS of the provider (VmHWM, sampled every {} ms): apply {:.1} MiB, plan {:.1} MiB, \
         destroy {:.1} MiB; provider processes per command: apply {}, plan {}, destroy {}",
        SAMPLE_EVERY.as_millis(),
        mib(provider_peak(&|r| &r.apply)),
        mib(provider_peak(&|r| &r.plan)),
        mib(provider_peak(&|r| &r.destroy)),
        processes(&|r| &r.apply),
        processes(&|r| &r.plan),
        processes(&|r| &r.destroy),
    );
    let terraform_peak = |series: &Series| {
        [
            series.peak(|r| &r.apply, |p| p.terraform_kib),
            series.peak(|r| &r.plan, |p| p.terraform_kib),
            series.peak(|r| &r.destroy, |p| p.terraform_kib),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    };
    println!(
        "peak RSS of terraform itself: (a) {:.1} MiB, (b) {:.1} MiB",
        mib(terraform_peak(&builtin)),
        mib(terraform_peak(&plugin)),
    );
}
