//! `scripts/dev`, the way a user meets it: its printed `export` lines, run in a new shell, are
//! all Terraform needs to apply a configuration of one's own against the mock it started.

use crate::support::plugin::process_is_gone;
use crate::support::terraform::{repository_root, run_with_timeout, scrub_environment, terraform};
use crate::support::{Output, PROVIDER_BINARY, RESOURCE_TYPE};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long building the mock binary or running the script may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(600);

/// The account the configurations use; any 32 hex characters work with the mock.
const ACCOUNT_ID: &str = "7d2bb6b9a6f84e6a8f3a0c5e1b2d4c6f";

/// The `cloudflare-mock` binary next to the provider binary, built by cargo if needed. The
/// acceptance build (`scripts/test`) builds it beforehand, so this is usually a no-op; cargo has
/// released its build lock by the time tests run.
fn mock_binary() -> PathBuf {
    let provider = Path::new(PROVIDER_BINARY);
    let target_profile_dir = provider.parent().expect("the provider binary's directory");
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(repository_root()).args([
        "build",
        "--locked",
        "-p",
        "cloudflare-mock",
        "--bin",
        "cloudflare-mock",
    ]);
    if target_profile_dir
        .file_name()
        .is_some_and(|name| name == "release")
    {
        command.arg("--release");
    }
    let output = run_with_timeout(command, STEP_TIMEOUT);
    assert!(
        output.success(),
        "could not build cloudflare-mock:\n{output}"
    );
    let binary = target_profile_dir.join("cloudflare-mock");
    assert!(binary.is_file(), "no {}", binary.display());
    binary
}

/// Runs `scripts/dev` with `args`, from an environment without Terraform or Cloudflare settings.
fn dev_script(args: &[&str]) -> Output {
    let mut command = Command::new(repository_root().join("scripts/dev"));
    scrub_environment(&mut command);
    command.args(args);
    run_with_timeout(command, STEP_TIMEOUT)
}

/// Stops the session's mock when the test ends, whatever happened.
struct Session {
    dir: PathBuf,
}

impl Session {
    fn mock_pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.join("mock.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn stop(&self) -> Output {
        dev_script(&["--stop", "--dir", &self.dir.to_string_lossy()])
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// A plain HTTP GET of `url` (`http://127.0.0.1:PORT/...`), returning the body.
fn http_get(url: &str) -> String {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut stream = TcpStream::connect(host).expect("connect to the mock");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("set a timeout");
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the answer");
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_owned()
}

/// A configuration of the user's own: the provider's own address with `provider =` (as with
/// google-beta), or Cloudflare's single-provider form.
fn own_configuration(own_address: bool, name: &str) -> String {
    let (source, local_name, provider_line) = if own_address {
        (
            "ferrotf/cloudflare-access",
            "cloudflare-access",
            "  provider   = cloudflare-access\n",
        )
    } else {
        ("cloudflare/cloudflare", "cloudflare", "")
    };
    format!(
        r#"terraform {{
  required_providers {{
    {local_name} = {{
      source = "{source}"
    }}
  }}
}}

resource "{RESOURCE_TYPE}" "github" {{
{provider_line}  account_id = "{ACCOUNT_ID}"
  name       = "{name}"
  type       = "github"
  config = {{
    client_id     = "Iv1.0123456789abcdef"
    client_secret = "github-secret-for-the-dev-session"
  }}
}}
"#
    )
}

/// Runs `lines` and then `terraform <args>` in a new `bash` whose environment holds nothing
/// from the test's but `PATH`, in `dir`.
fn in_new_shell(dir: &Path, lines: &[String], args: &str) -> Output {
    let script = format!(
        "set -e\n{}\ncd {:?}\n{:?} {args}\n",
        lines.join("\n"),
        dir.display(),
        terraform().path.display()
    );
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-c", &script])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir);
    run_with_timeout(command, STEP_TIMEOUT)
}

#[test]
fn the_printed_exports_are_all_terraform_needs() {
    let mock_bin = mock_binary();
    let work = tempfile::Builder::new()
        .prefix("tfacc-dev-session-")
        .tempdir()
        .expect("a temp dir");
    let session = Session {
        dir: work.path().join("session"),
    };
    let output = dev_script(&[
        "--dir",
        &session.dir.to_string_lossy(),
        "--provider-bin",
        PROVIDER_BINARY,
        "--mock-bin",
        &mock_bin.to_string_lossy(),
    ]);
    assert!(output.success(), "{output}");
    let exports: Vec<String> = output
        .stdout
        .lines()
        .filter(|line| line.starts_with("export "))
        .map(str::to_owned)
        .collect();
    let names: Vec<&str> = exports
        .iter()
        .map(|line| {
            line["export ".len()..]
                .split('=')
                .next()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        names,
        [
            "TF_CLI_CONFIG_FILE",
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_BASE_URL"
        ],
        "{output}"
    );
    assert!(
        output.stdout.contains(&format!(
            "Stop the mock with: scripts/dev --stop --dir '{}'",
            session.dir.display()
        )),
        "{output}"
    );
    let pid = session
        .mock_pid()
        .expect("the script records the mock's pid");
    assert!(
        output.stdout.contains(&format!("(or: kill {pid})")),
        "{output}"
    );
    let base_url = exports[2]
        .split_once('=')
        .map(|(_, value)| value.trim_matches('\''))
        .expect("a value")
        .to_owned();

    for (own_address, name) in [(true, "Own address"), (false, "Single-provider form")] {
        let dir = work.path().join(if own_address { "own" } else { "single" });
        std::fs::create_dir_all(&dir).expect("a configuration dir");
        std::fs::write(dir.join("main.tf"), own_configuration(own_address, name))
            .expect("write main.tf");
        let applied = in_new_shell(&dir, &exports, "apply -auto-approve -input=false -no-color");
        assert!(applied.success(), "{applied}");
        assert!(
            applied
                .stdout
                .contains("Apply complete! Resources: 1 added"),
            "{applied}"
        );
    }

    let objects: Value = serde_json::from_str(&http_get(
        &base_url.replace("/client/v4", "/__mock/objects"),
    ))
    .expect("the mock's objects as JSON");
    let mut names: Vec<&str> = objects
        .as_array()
        .expect("a list")
        .iter()
        .inspect(|object| {
            assert_eq!(object["__owner_id"], ACCOUNT_ID, "{object:#}");
            assert_eq!(object["type"], "github", "{object:#}");
        })
        .filter_map(|object| object["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Own address", "Single-provider form"]);

    let stopped = session.stop();
    assert!(stopped.success(), "{stopped}");
    for _ in 0..250 {
        if process_is_gone(pid) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        process_is_gone(pid),
        "scripts/dev --stop left the mock running"
    );
    assert!(session.mock_pid().is_none());
    // The objects outlive the mock in its state file, for the next session.
    let state = std::fs::read_to_string(session.dir.join("mock-state.json"))
        .expect("the mock's state file");
    assert!(state.contains("Single-provider form"));
}
