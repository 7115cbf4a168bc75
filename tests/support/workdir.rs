//! A Terraform working directory for one test: its own temp dir, CLI configuration (with
//! `dev_overrides` pointing at the provider binary cargo just built), data dir and environment,
//! plus the command sequence terraform-plugin-testing runs (plan/apply/show/import/destroy and
//! its post-apply and import checks).

use super::flatmap::{diff, flatten, sensitive_paths, DiffReport};
use super::plan::PlanSummary;
use super::terraform::{command_timeout, run_with_timeout, scrub_environment, terraform, Output};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use tempfile::TempDir;

/// The provider binary under test; cargo builds it for the integration test.
pub const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-cloudflare-access");

/// The test-only stand-in for Cloudflare's official provider (`tests/stand_in/`), for
/// side-by-side configurations.
pub const STAND_IN_BINARY: &str = env!("CARGO_BIN_EXE_test-stand-in-official-cloudflare");

/// This provider's own registry address.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/ferrotf/cloudflare-access";

/// The source addresses `dev_overrides` sends to the built binary: the provider's own, and, in
/// the single-provider form most tests use, Cloudflare's address plus the implied
/// `hashicorp/cloudflare` of a configuration without `required_providers`.
pub const PROVIDER_SOURCES: [&str; 3] = [
    PROVIDER_ADDRESS,
    "registry.terraform.io/cloudflare/cloudflare",
    "registry.terraform.io/hashicorp/cloudflare",
];

/// Cloudflare's official provider, explicit and implied.
pub const OFFICIAL_SOURCES: [&str; 2] = [
    "registry.terraform.io/cloudflare/cloudflare",
    "registry.terraform.io/hashicorp/cloudflare",
];

/// The executable name Terraform looks for under this provider's address (it accepts
/// `terraform-provider-<type>`, optionally followed by `_` or `.` and more).
const PROVIDER_EXECUTABLE: &str = "terraform-provider-cloudflare-access";

/// The executable name Terraform looks for under Cloudflare's address.
const OFFICIAL_EXECUTABLE: &str = "terraform-provider-cloudflare";

/// Files the harness owns inside the work dir live here; Terraform ignores dot-directories when
/// it loads a configuration.
const HARNESS_DIR: &str = ".harness";

/// How the CLI configuration makes Terraform find the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderInstallation {
    /// `dev_overrides` to a harness-made directory linking the freshly built binary under the
    /// names of [`PROVIDER_SOURCES`] (the default).
    DevOverrides,
    /// Two providers side by side: this provider's own address to the built binary, and
    /// Cloudflare's ([`OFFICIAL_SOURCES`]) to the test-only stand-in for the official provider.
    SideBySide,
    /// Nothing special: Terraform finds the provider only through `TF_REATTACH_PROVIDERS` or
    /// not at all. For tests of the provider's debug mode.
    None,
}

/// One test's Terraform working directory.
#[derive(Debug)]
pub struct Workdir {
    dir: TempDir,
    env: BTreeMap<String, String>,
    installation: ProviderInstallation,
    /// The last configuration written with `write_main_tf`. Behind a mutex so that writing
    /// takes `&self`: tests can then say `t.write_main_tf(&t.render(...))`.
    main_tf: Mutex<Option<String>>,
    plans: AtomicUsize,
    label: String,
}

impl Workdir {
    /// A work dir whose Terraform uses the built provider through `dev_overrides`.
    pub fn new(label: &str) -> Workdir {
        Workdir::with_installation(label, ProviderInstallation::DevOverrides)
    }

    pub fn with_installation(label: &str, installation: ProviderInstallation) -> Workdir {
        let label: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let mut builder = tempfile::Builder::new();
        let prefix = format!("tfacc-{label}-");
        builder.prefix(&prefix);
        let dir = match std::env::var_os("TF_ACC_TEMP_DIR") {
            Some(parent) => builder.tempdir_in(parent),
            None => builder.tempdir(),
        }
        .expect("create a temp dir for the test");
        let work = Workdir {
            dir,
            env: BTreeMap::new(),
            installation,
            main_tf: Mutex::new(None),
            plans: AtomicUsize::new(0),
            label,
        };
        std::fs::create_dir_all(work.harness_path("plugin-cache")).expect("create plugin cache");
        std::fs::write(work.cli_config_path(), work.cli_config()).expect("write CLI config");
        work
    }

    /// A second, empty work dir with the same environment, installation and `main.tf`, for
    /// importing into a fresh state.
    pub fn fresh_sibling(&self) -> Workdir {
        let mut sibling = Workdir::with_installation(&self.label, self.installation);
        sibling.env = self.env.clone();
        if let Some(main_tf) = self.main_tf.lock().expect("main_tf").as_deref() {
            sibling.write_main_tf(main_tf);
        }
        sibling
    }

    /// Rewrites the CLI configuration so that later commands find the providers as
    /// `installation` says (for tests that switch between the two forms).
    pub fn set_installation(&mut self, installation: ProviderInstallation) {
        self.installation = installation;
        std::fs::write(self.cli_config_path(), self.cli_config()).expect("write CLI config");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn harness_path(&self, name: &str) -> PathBuf {
        self.dir.path().join(HARNESS_DIR).join(name)
    }

    pub fn cli_config_path(&self) -> PathBuf {
        self.harness_path("terraform.rc")
    }

    /// Where Terraform writes its log when a test (or `TF_ACC_LOG`) turns logging on.
    pub fn log_path(&self) -> PathBuf {
        self.harness_path("terraform.log")
    }

    fn cli_config(&self) -> String {
        let mut config = String::from("disable_checkpoint = true\n");
        config.push_str(&format!(
            "plugin_cache_dir = {}\n",
            super::hcl::quote(&self.harness_path("plugin-cache").to_string_lossy())
        ));
        let overrides: Vec<(&str, PathBuf)> = match self.installation {
            ProviderInstallation::DevOverrides => {
                let dir = self.link_dir(
                    "providers",
                    &[
                        (PROVIDER_EXECUTABLE, PROVIDER_BINARY),
                        (OFFICIAL_EXECUTABLE, PROVIDER_BINARY),
                    ],
                );
                PROVIDER_SOURCES.iter().map(|s| (*s, dir.clone())).collect()
            }
            ProviderInstallation::SideBySide => {
                let ours = self.link_dir("providers", &[(PROVIDER_EXECUTABLE, PROVIDER_BINARY)]);
                let official = self.link_dir("official", &[(OFFICIAL_EXECUTABLE, STAND_IN_BINARY)]);
                let mut overrides = vec![(PROVIDER_ADDRESS, ours)];
                overrides.extend(OFFICIAL_SOURCES.iter().map(|s| (*s, official.clone())));
                overrides
            }
            ProviderInstallation::None => Vec::new(),
        };
        if !overrides.is_empty() {
            config.push_str("provider_installation {\n  dev_overrides {\n");
            for (source, dir) in overrides {
                let dir = super::hcl::quote(&dir.to_string_lossy());
                config.push_str(&format!("    \"{source}\" = {dir}\n"));
            }
            config.push_str("  }\n  direct {}\n}\n");
        }
        config
    }

    /// A harness directory holding only links `(name, target)` to built binaries. Cargo's own
    /// output directory will not do: it may hold a stale binary of another name that Terraform
    /// would pick instead.
    fn link_dir(&self, dir: &str, links: &[(&str, &str)]) -> PathBuf {
        let dir = self.harness_path(dir);
        std::fs::create_dir_all(&dir).expect("create a provider link dir");
        for (name, target) in links {
            let link = dir.join(name);
            if !link.exists() {
                std::os::unix::fs::symlink(target, &link)
                    .unwrap_or_else(|err| panic!("cannot link {}: {err}", link.display()));
            }
        }
        dir
    }

    /// Sets an environment variable for every later command of this work dir (for example
    /// `CLOUDFLARE_API_TOKEN`, or `TF_LOG`).
    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn remove_env(&mut self, key: &str) -> &mut Self {
        self.env.remove(key);
        self
    }

    /// Replaces the configuration with `hcl` (as `main.tf`).
    pub fn write_main_tf(&self, hcl: &str) {
        self.write_file("main.tf", hcl);
        *self.main_tf.lock().expect("main_tf") = Some(hcl.to_owned());
    }

    pub fn write_file(&self, name: &str, contents: &str) {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
    }

    /// A `terraform` command with this work dir's hermetic environment. Nothing from the outer
    /// environment that steers Terraform or reaches Cloudflare gets through.
    pub fn command(&self, args: &[&str]) -> Command {
        let terraform = terraform();
        let mut command = Command::new(&terraform.path);
        command.args(args).current_dir(self.dir.path());
        scrub_environment(&mut command);
        command
            .env("TF_CLI_CONFIG_FILE", self.cli_config_path())
            .env("TF_DATA_DIR", self.dir.path().join(".terraform"))
            .env("TF_PLUGIN_CACHE_DIR", self.harness_path("plugin-cache"))
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1");
        // terraform-plugin-testing's switch for Terraform logs in acceptance runs.
        if let Some(level) = std::env::var("TF_ACC_LOG").ok().filter(|l| !l.is_empty()) {
            command
                .env("TF_LOG", level)
                .env("TF_LOG_PATH", self.log_path());
        }
        command.envs(&self.env);
        command
    }

    /// Runs `terraform <args>` and returns however it ended; never panics on failure.
    pub fn run(&self, args: &[&str]) -> Output {
        run_with_timeout(self.command(args), command_timeout())
    }

    /// Runs `terraform <args>` and panics, with the full output, unless it succeeds.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        let output = self.run(args);
        if !output.success() {
            self.fail(&format!("terraform {} failed", args.join(" ")), &output);
        }
        output
    }

    /// Runs `terraform <args>` and panics unless it fails; returns the output so the test can
    /// check the error text.
    pub fn run_err(&self, args: &[&str]) -> Output {
        let output = self.run(args);
        if output.success() || output.timed_out {
            self.fail(
                &format!("expected terraform {} to fail", args.join(" ")),
                &output,
            );
        }
        output
    }

    /// Panics with `what`, the Terraform version, the work dir and the command's full output.
    pub fn fail(&self, what: &str, output: &Output) -> ! {
        let terraform = terraform();
        let log = if self.log_path().exists() {
            format!("\nTerraform log: {}", self.log_path().display())
        } else {
            String::new()
        };
        panic!(
            "{what} (Terraform {} in {}){log}\n{output}",
            terraform.version,
            self.dir.path().display()
        )
    }

    /// `terraform apply -auto-approve`; panics unless it succeeds.
    pub fn apply(&self) -> Output {
        self.run_ok(&["apply", "-input=false", "-no-color", "-auto-approve"])
    }

    /// `terraform apply -auto-approve`; panics unless it fails.
    pub fn apply_err(&self) -> Output {
        self.run_err(&["apply", "-input=false", "-no-color", "-auto-approve"])
    }

    /// A refreshing plan, saved and read back with `terraform show -json`.
    pub fn plan(&self) -> PlanSummary {
        self.saved_plan(&[])
    }

    /// A plan with `-refresh=false`: what Terraform would do from state and config alone.
    pub fn plan_refresh_false(&self) -> PlanSummary {
        self.saved_plan(&["-refresh=false"])
    }

    /// `terraform plan`; panics unless it fails.
    pub fn plan_err(&self) -> Output {
        self.run_err(&["plan", "-input=false", "-no-color"])
    }

    fn saved_plan(&self, extra: &[&str]) -> PlanSummary {
        let number = self.plans.fetch_add(1, Ordering::Relaxed);
        let plan_file = self.harness_path(&format!("plan-{number}.tfplan"));
        let plan_file = plan_file.to_string_lossy();
        let out = format!("-out={plan_file}");
        let mut args = vec!["plan", "-input=false", "-no-color", &out];
        args.extend_from_slice(extra);
        self.run_ok(&args);
        let shown = self.run_ok(&["show", "-json", "-no-color", &plan_file]);
        PlanSummary::from_json(parse_json(&shown))
    }

    /// The current state as `terraform show -json` prints it.
    pub fn state(&self) -> Value {
        parse_json(&self.run_ok(&["show", "-json", "-no-color"]))
    }

    /// The state entry (`address`, `values`, `sensitive_values`, ...) of `address`, or `None`
    /// when the state has no such resource.
    pub fn state_resource(&self, address: &str) -> Option<Value> {
        find_resource(&self.state()["values"]["root_module"], address)
    }

    /// The attribute values of `address` in state; panics when it is not there.
    pub fn resource_values(&self, address: &str) -> Value {
        self.state_resource(address)
            .unwrap_or_else(|| panic!("{address} is not in state:\n{:#}", self.state()))["values"]
            .clone()
    }

    /// Every resource address in state.
    pub fn state_addresses(&self) -> Vec<String> {
        let mut addresses = Vec::new();
        collect_addresses(&self.state()["values"]["root_module"], &mut addresses);
        addresses
    }

    /// `terraform import ADDRESS ID`; panics unless it succeeds.
    pub fn import_cli(&self, address: &str, id: &str) -> Output {
        self.run_ok(&["import", "-input=false", "-no-color", address, id])
    }

    /// `terraform destroy -auto-approve`; panics unless it succeeds.
    pub fn destroy(&self) -> Output {
        self.run_ok(&["destroy", "-input=false", "-no-color", "-auto-approve"])
    }

    /// The check terraform-plugin-testing runs after every apply: a `-refresh=false` plan, then
    /// a refreshing plan, must both be empty. The messages are terraform-plugin-testing's, so a
    /// failure reads the same as it would for a Go provider.
    pub fn assert_empty_plans_after_apply(&self) {
        let plan = self.plan_refresh_false();
        assert!(
            plan.is_empty(),
            "After applying this test step, the non-refresh plan was not empty.\n{plan}"
        );
        let plan = self.plan();
        assert!(
            plan.is_empty(),
            "After applying this test step, the refresh plan was not empty.\n{plan}"
        );
    }

    /// terraform-plugin-testing's ImportStateVerify: imports `id` with the same configuration
    /// into a fresh state and compares the imported attributes of `address` with this work
    /// dir's state, except keys under an `ignore` prefix. Returns the imported values.
    pub fn import_verify(&self, address: &str, id: &str, ignore: &[&str]) -> Value {
        let previous = self
            .state_resource(address)
            .unwrap_or_else(|| panic!("import_verify: {address} is not in state to compare with"));
        let fresh = self.fresh_sibling();
        fresh.import_cli(address, id);
        let imported = fresh.state_resource(address).unwrap_or_else(|| {
            panic!(
                "import_verify: `terraform import {address} {id}` left no {address} in state:\n{:#}",
                fresh.state()
            )
        });
        let differences = diff(
            &flatten(&previous["values"]),
            &flatten(&imported["values"]),
            ignore,
        );
        if !differences.is_empty() {
            let mut sensitive = sensitive_paths(&previous["sensitive_values"]);
            sensitive.extend(sensitive_paths(&imported["sensitive_values"]));
            panic!(
                "ImportStateVerify attributes not equivalent. Difference is shown below. The - \
                 symbol indicates attributes missing after import.\n\n{}",
                DiffReport {
                    differences: &differences,
                    sensitive: &sensitive,
                }
            );
        }
        imported["values"].clone()
    }
}

impl Drop for Workdir {
    /// Keeps the directory for inspection when `TF_ACC_PERSIST_WORKING_DIR` is set, or when the
    /// test failed and Terraform logging was on.
    fn drop(&mut self) {
        let persist = std::env::var_os("TF_ACC_PERSIST_WORKING_DIR").is_some()
            || (std::thread::panicking() && self.log_path().exists());
        if persist {
            eprintln!("keeping work dir {}", self.dir.path().display());
            self.dir.disable_cleanup(true);
        }
    }
}

fn parse_json(output: &Output) -> Value {
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|err| panic!("expected JSON on stdout ({err}):\n{output}"))
}

fn find_resource(module: &Value, address: &str) -> Option<Value> {
    let here = module["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|resource| resource["address"] == address)
        .cloned();
    here.or_else(|| {
        module["child_modules"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|child| find_resource(child, address))
    })
}

fn collect_addresses(module: &Value, out: &mut Vec<String>) {
    for resource in module["resources"].as_array().into_iter().flatten() {
        if let Some(address) = resource["address"].as_str() {
            out.push(address.to_owned());
        }
    }
    for child in module["child_modules"].as_array().into_iter().flatten() {
        collect_addresses(child, out);
    }
}
