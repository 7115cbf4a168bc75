//! What pacing by the rate budget costs a user: wall time of `terraform plan` (refreshing N = 5,
//! 40 and 200 identity providers) and of `terraform apply` + `terraform destroy` of 200, with the
//! provider's default settings next to the same with client-side limiting turned off
//! (`CLOUDFLARE_RPS=0`), against the mock at its default budget (1200 requests per 300 s per
//! token, reported in `Ratelimit` headers). The ratio default / off is the price of pacing;
//! where the budget is comfortable it should be close to 1.
//!
//! Every measured plan, and every apply, starts with a fresh budget (the mock's windows are
//! emptied first), as a run after five quiet minutes would; a destroy spends the rest of the
//! window its apply opened.
//!
//! Run with `cargo bench --bench pacing`; `PACING_RUNS` sets the runs per variant (default 5).
//! The provider and the mock are built first with `cargo build --release`, as users build
//! them. Terraform comes from `TF_ACC_TERRAFORM_PATH`, else `PATH`, else
//! `.tools/terraform-1.15.5/terraform`.

// Shared with the overhead benchmark, which builds the floor as well.
#[allow(dead_code)]
#[path = "support/build.rs"]
mod build;
#[path = "support/mock_process.rs"]
mod mock_process;
#[path = "support/terraform.rs"]
mod terraform;
use mock_process::{identity_providers_hcl, MockProcess};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use terraform::{locate_terraform, terraform_version};

use cloudflare_mock::{DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};

const PLAN_SIZES: [usize; 3] = [5, 40, 200];
const APPLY_SIZE: usize = 200;
const DEFAULT_RUNS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// What a user gets without setting anything.
    Default,
    /// `CLOUDFLARE_RPS=0`: no pacing and no ceiling.
    Off,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Default => "default settings",
            Variant::Off => "limiting off (CLOUDFLARE_RPS=0)",
        }
    }
}

/// The mock API as a child process at its default budget; stopped when dropped.
/// What this benchmark asks of the mock.
impl MockProcess {
    /// Empties the per-token windows: the next command starts with the whole budget.
    fn fresh_budget(&self) {
        let limit = self.get("/__mock/rate_limit");
        assert_eq!(
            (limit["requests"].as_u64(), limit["window_secs"].as_f64()),
            (Some(1200), Some(300.0)),
            "the mock must be at Cloudflare's default budget"
        );
        self.control_request("PUT", "/__mock/rate_limit", &limit.to_string());
    }

    fn requests(&self) -> u64 {
        self.total("/__mock/counts")
    }

    fn throttled(&self) -> u64 {
        self.total("/__mock/throttled")
    }
}

struct Bench {
    terraform: PathBuf,
    cli_config: PathBuf,
    /// The provider's shared request window, kept out of the user's cache directory.
    state_dir: PathBuf,
    mock: MockProcess,
}

impl Bench {
    /// Runs one Terraform command and returns its wall time; panics unless it succeeds.
    fn terraform(&self, dir: &Path, variant: Variant, args: &[&str]) -> Duration {
        let mut command = Command::new(&self.terraform);
        command.args(args).current_dir(dir);
        for (key, _) in std::env::vars_os() {
            let Some(key) = key.to_str() else { continue };
            if key.starts_with("TF_")
                || key.starts_with("CLOUDFLARE_")
                || key.starts_with("PLUGIN_")
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
            .env("CLOUDFLARE_RATE_LIMIT_STATE_DIR", &self.state_dir)
            .stdin(Stdio::null());
        if variant == Variant::Off {
            command.env("CLOUDFLARE_RPS", "0");
        }
        let started = Instant::now();
        let output = command.output().expect("run terraform");
        let elapsed = started.elapsed();
        assert!(
            output
                .status
                .code()
                .is_some_and(|code| code == 0 || code == 2),
            "`terraform {}` failed:\n{}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        elapsed
    }

    fn workdir(&self, n: usize) -> tempfile::TempDir {
        let dir = tempfile::Builder::new()
            .prefix("pacing-bench-")
            .tempdir()
            .expect("work dir");
        let config = format!(
            r#"terraform {{
  required_providers {{
    cloudflare-access = {{
      source = "ferrotf/cloudflare-access"
    }}
  }}
}}

provider "cloudflare-access" {{}}

{}"#,
            identity_providers_hcl("cloudflare-access", DEFAULT_ACCOUNT_ID, n)
        );
        std::fs::write(dir.path().join("main.tf"), config).expect("write main.tf");
        dir
    }
}

const APPLY: &[&str] = &["apply", "-auto-approve", "-input=false", "-no-color"];
const DESTROY: &[&str] = &["destroy", "-auto-approve", "-input=false", "-no-color"];
const PLAN: &[&str] = &[
    "plan",
    "-refresh=true",
    "-detailed-exitcode",
    "-input=false",
    "-no-color",
];

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

fn list(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.2}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Times per variant, runs alternating so that neither always meets a warmer machine.
#[derive(Default)]
struct Pair {
    default: Vec<f64>,
    off: Vec<f64>,
    requests: u64,
}

impl Pair {
    fn push(&mut self, variant: Variant, seconds: f64) {
        match variant {
            Variant::Default => self.default.push(seconds),
            Variant::Off => self.off.push(seconds),
        }
    }

    fn print(&self, what: &str) {
        let (default, off) = (median(&self.default), median(&self.off));
        println!(
            "{what:<32} default {default:6.2} s   off {off:6.2} s   ratio {:.2}x   \
             ({} API requests per run)",
            default / off,
            self.requests
        );
        println!(
            "{:<32}   runs: default [{}]  off [{}]",
            "",
            list(&self.default),
            list(&self.off)
        );
    }
}

fn main() {
    let runs: usize = std::env::var("PACING_RUNS")
        .ok()
        .map(|v| v.parse().expect("PACING_RUNS is a number"))
        .unwrap_or(DEFAULT_RUNS)
        .max(1);
    let provider_dir = build::build_as_installed(&[build::PROVIDER], true);
    let mock_binary = provider_dir.join(build::MOCK);
    let terraform = locate_terraform();
    let version = terraform_version(&terraform);
    let scratch = tempfile::tempdir().expect("scratch dir");
    let cli_config = scratch.path().join("terraform.rc");
    let dir = provider_dir
        .to_str()
        .expect("UTF-8 path")
        .replace('"', "\\\"");
    std::fs::write(
        &cli_config,
        format!(
            "disable_checkpoint = true\nprovider_installation {{\n  dev_overrides {{\n    \
             \"registry.terraform.io/ferrotf/cloudflare-access\" = \"{dir}\"\n  }}\n  direct {{}}\n}}\n"
        ),
    )
    .expect("CLI config");
    let bench = Bench {
        terraform,
        cli_config,
        state_dir: scratch.path().join("rate-limit"),
        mock: MockProcess::start(&mock_binary, DEFAULT_TOKEN),
    };
    println!(
        "pacing: default settings vs limiting off, terraform {version}, {runs} run(s) per \
         variant, alternating; mock at its default budget (1200 per 300 s, headers on)"
    );
    println!("  terraform {}", bench.terraform.display());
    println!(
        "  provider  {}",
        provider_dir.join(build::PROVIDER).display()
    );

    let order = |round: usize| {
        if round.is_multiple_of(2) {
            [Variant::Default, Variant::Off]
        } else {
            [Variant::Off, Variant::Default]
        }
    };

    let mut results: Vec<(String, Pair)> = Vec::new();
    for n in PLAN_SIZES {
        let work = bench.workdir(n);
        bench.mock.fresh_budget();
        bench.terraform(work.path(), Variant::Off, APPLY);
        let mut pair = Pair::default();
        for round in 0..runs {
            for variant in order(round) {
                bench.mock.fresh_budget();
                let before = bench.mock.requests();
                let seconds = bench.terraform(work.path(), variant, PLAN).as_secs_f64();
                pair.requests = bench.mock.requests() - before;
                pair.push(variant, seconds);
                eprintln!("pacing: plan N={n} {}: {seconds:.2} s", variant.label());
            }
        }
        bench.mock.fresh_budget();
        bench.terraform(work.path(), Variant::Off, DESTROY);
        results.push((format!("plan (refresh) N={n}"), pair));
    }

    let mut pair = Pair::default();
    for round in 0..runs {
        for variant in order(round) {
            let work = bench.workdir(APPLY_SIZE);
            bench.mock.fresh_budget();
            let before = bench.mock.requests();
            let seconds = (bench.terraform(work.path(), variant, APPLY)
                + bench.terraform(work.path(), variant, DESTROY))
            .as_secs_f64();
            pair.requests = bench.mock.requests() - before;
            pair.push(variant, seconds);
            eprintln!(
                "pacing: apply+destroy N={APPLY_SIZE} {}: {seconds:.2} s",
                variant.label()
            );
        }
    }
    results.push((format!("apply+destroy N={APPLY_SIZE}"), pair));

    println!();
    for (what, pair) in &results {
        pair.print(what);
    }
    println!(
        "429 responses sent by the mock during the whole run: {}",
        bench.mock.throttled()
    );
}
