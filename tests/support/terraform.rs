//! Finding the Terraform binary under test, and running commands so that none can hang a test.

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// Where scripts/install-terraform puts the Terraform 1.15.5 shim, relative to the repository.
const INSTALLED_SHIM: &str = ".tools/terraform-1.15.5/terraform";

/// How long one Terraform command may run before the harness kills it and fails the test.
/// `TF_ACC_COMMAND_TIMEOUT` (seconds) overrides it, for slow machines or debugging sessions.
const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// The Terraform build this test run drives.
#[derive(Debug)]
pub struct Terraform {
    pub path: PathBuf,
    /// `terraform_version` from `terraform version -json`, e.g. `1.15.5`.
    pub version: String,
    /// The whole `terraform version -json` document.
    pub version_json: serde_json::Value,
}

impl Terraform {
    /// True when this build is at least `major.minor.patch`.
    pub fn version_at_least(&self, major: u64, minor: u64, patch: u64) -> bool {
        parse_version(&self.version) >= (major, minor, patch)
    }
}

/// The Terraform binary for this run, found once: `TF_ACC_TERRAFORM_PATH`, else `terraform` on
/// `PATH`, else the shim scripts/install-terraform installs. Panics when there is none, because
/// an acceptance suite that silently skips looks exactly like one that passes.
pub fn terraform() -> &'static Terraform {
    static TERRAFORM: OnceLock<Terraform> = OnceLock::new();
    TERRAFORM.get_or_init(|| {
        let path = locate_terraform();
        let mut command = Command::new(&path);
        command.args(["version", "-json"]);
        scrub_environment(&mut command);
        command.env("TF_CLI_CONFIG_FILE", "/dev/null");
        command.env("CHECKPOINT_DISABLE", "1");
        let output = run_with_timeout(command, Duration::from_secs(60));
        assert!(
            output.success(),
            "{} does not run:\n{output}",
            path.display()
        );
        let version_json: serde_json::Value = serde_json::from_str(&output.stdout)
            .unwrap_or_else(|err| {
                panic!("`terraform version -json` printed something that is not JSON ({err}):\n{output}")
            });
        let version = version_json["terraform_version"]
            .as_str()
            .unwrap_or_else(|| panic!("no terraform_version in {version_json}"))
            .to_owned();
        eprintln!("acceptance: Terraform {version} at {}", path.display());
        Terraform {
            path,
            version,
            version_json,
        }
    })
}

fn locate_terraform() -> PathBuf {
    if let Some(explicit) = std::env::var_os("TF_ACC_TERRAFORM_PATH").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(explicit);
        assert!(
            is_executable(&path),
            "TF_ACC_TERRAFORM_PATH={} is not an executable file",
            path.display()
        );
        return path;
    }
    if let Some(on_path) = find_on_path("terraform") {
        return on_path;
    }
    let shim = repository_root().join(INSTALLED_SHIM);
    if is_executable(&shim) {
        return shim;
    }
    panic!(
        "No Terraform binary found: TF_ACC_TERRAFORM_PATH is unset, there is no `terraform` on \
         PATH, and {} does not exist. Run scripts/test (it installs everything the tests need) or \
         scripts/install-terraform, or set TF_ACC_TERRAFORM_PATH to a Terraform binary.",
        shim.display()
    );
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The repository (and root package) directory.
pub fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `1.15.5` → (1, 15, 5); pre-release suffixes (`1.16.0-rc2`) are ignored.
pub fn parse_version(version: &str) -> (u64, u64, u64) {
    let mut parts = version
        .split(['.', '-', '+'])
        .map(|part| part.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// The per-command timeout for this run.
pub fn command_timeout() -> Duration {
    std::env::var("TF_ACC_COMMAND_TIMEOUT")
        .ok()
        .and_then(|secs| secs.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_COMMAND_TIMEOUT)
}

/// Removes every variable from the outer environment that could change what Terraform or the
/// provider does: Terraform's own `TF_*` settings (a developer's `TF_LOG`, `TF_CLI_ARGS`,
/// `TF_CLI_CONFIG_FILE`, `TF_REATTACH_PROVIDERS`...), go-plugin's `PLUGIN_*`, and every
/// `CLOUDFLARE_*` credential, so a test can never reach a real account by accident.
pub fn scrub_environment(command: &mut Command) {
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
}

/// What a finished (or killed) command left behind.
#[derive(Debug, Clone)]
pub struct Output {
    /// The program and its arguments, for messages.
    pub command_line: String,
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    /// True when the harness killed the command after its timeout.
    pub timed_out: bool,
}

impl Output {
    pub fn success(&self) -> bool {
        !self.timed_out && self.status.is_some_and(|status| status.success())
    }

    /// The exit code, or `None` when a signal ended the process.
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|status| status.code())
    }

    /// stdout followed by stderr, for matching error text wherever Terraform printed it.
    pub fn combined(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ending = if self.timed_out {
            "was killed after its timeout".to_owned()
        } else {
            match self.status {
                Some(status) => format!("ended with {status}"),
                None => "did not start".to_owned(),
            }
        };
        writeln!(f, "`{}` {ending}", self.command_line)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout.trim_end())?;
        write!(f, "--- stderr ---\n{}", self.stderr.trim_end())
    }
}

/// Runs `command` with stdin closed and its output captured, in a process group of its own so
/// that on timeout the whole tree (Terraform and the provider processes it launched) is killed.
pub fn run_with_timeout(mut command: Command, timeout: Duration) -> Output {
    let command_line = describe(&command);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let started = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            return Output {
                command_line,
                status: None,
                stdout: String::new(),
                stderr: format!("could not start: {err}"),
                timed_out: false,
            }
        }
    };
    let (done_tx, done_rx) = mpsc::channel();
    let stdout = collect(child.stdout.take().expect("piped stdout"), done_tx.clone());
    let stderr = collect(child.stderr.take().expect("piped stderr"), done_tx);

    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => {
                timed_out = true;
                kill_group(&mut child);
                break child.wait().ok();
            }
            Ok(None) => thread::sleep(Duration::from_millis(10)),
            Err(_) => break None,
        }
    };
    // A grandchild that inherited the pipes could keep them open after Terraform exits; give the
    // readers a moment, then kill the group so the test does not hang on them.
    for _ in 0..2 {
        if done_rx.recv_timeout(Duration::from_secs(10)).is_err() {
            kill_group(&mut child);
        }
    }
    Output {
        command_line,
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        timed_out,
    }
}

fn collect(
    mut pipe: impl Read + Send + 'static,
    done: mpsc::Sender<()>,
) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = done.send(());
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// SIGKILLs the child's whole process group. The workspace forbids `unsafe`, so this goes through
/// kill(1) rather than libc.
fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let killed = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !killed {
        let _ = child.kill();
    }
}

fn describe(command: &Command) -> String {
    let program = Path::new(command.get_program())
        .file_name()
        .map(OsString::from)
        .unwrap_or_default();
    std::iter::once(program.as_os_str())
        .chain(command.get_args())
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(parse_version("1.15.5"), (1, 15, 5));
        assert_eq!(parse_version("1.16.0-rc2"), (1, 16, 0));
        assert!(parse_version("1.11.4") < parse_version("1.15.5"));
        assert!(parse_version("1.9.0") < parse_version("1.10.0"));
    }

    #[test]
    fn a_command_that_outlives_its_timeout_is_killed() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo started; sleep 30"]);
        let started = Instant::now();
        let output = run_with_timeout(command, Duration::from_millis(300));
        assert!(output.timed_out, "{output}");
        assert!(!output.success());
        assert_eq!(output.stdout, "started\n");
        assert!(started.elapsed() < Duration::from_secs(10), "{output}");
    }

    #[test]
    fn exit_codes_and_both_streams_are_captured() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        let output = run_with_timeout(command, Duration::from_secs(30));
        assert!(!output.timed_out);
        assert_eq!(output.code(), Some(3));
        assert_eq!(output.stdout, "out\n");
        assert_eq!(output.stderr, "err\n");
        assert!(output.to_string().contains("sh -c"), "{output}");
    }

    #[test]
    fn the_outer_environment_does_not_leak_credentials_or_terraform_settings() {
        let mut command = Command::new("env");
        scrub_environment(&mut command);
        let output = run_with_timeout(command, Duration::from_secs(30));
        for line in output.stdout.lines() {
            assert!(
                !line.starts_with("CLOUDFLARE_") && !line.starts_with("TF_"),
                "leaked into the child environment: {line}"
            );
        }
    }
}
