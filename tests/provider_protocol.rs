//! The provider as a Terraform plugin, checked with real Terraform and from outside the
//! process: schema as Terraform sees it, logging through `TF_LOG`, prompt exit, the human-run
//! message, the handshake line and debug (reattach) mode. The mTLS refusal of unpinned clients
//! is checked in `reliability::security`.

use crate::support::plugin::{
    lines_until, plugin_sockets, process_is_gone, provider_command, PluginProcess,
};
use crate::support::terraform::{run_with_timeout, terraform};
use crate::support::tls::ClientIdentity;
use crate::support::{acceptance, ProviderInstallation, Workdir, RESOURCE_TYPE};
use serde_json::Value;
use std::process::Stdio;
use std::time::{Duration, Instant};

const CONFIG_WITH_SOURCE: &str = r#"
terraform {
  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
    }
  }
}

provider "cloudflare" {}
"#;

fn provider_schema(schemas: &Value, source: &str) -> Value {
    schemas["provider_schemas"][source].clone()
}

#[test]
fn terraform_reads_the_provider_and_resource_schemas() {
    let work = Workdir::new("schema");
    work.write_main_tf(CONFIG_WITH_SOURCE);
    let output = work.run_ok(&["providers", "schema", "-json"]);
    let schemas: Value = serde_json::from_str(&output.stdout).expect("schema JSON");
    let schema = provider_schema(&schemas, "registry.terraform.io/cloudflare/cloudflare");
    assert!(
        schema.is_object(),
        "no cloudflare/cloudflare schema in:\n{schemas:#}"
    );

    let provider = &schema["provider"]["block"]["attributes"];
    for secret in ["api_token", "api_key", "api_user_service_key"] {
        assert_eq!(provider[secret]["optional"], true, "{secret}: {provider:#}");
        assert_eq!(
            provider[secret]["sensitive"], true,
            "{secret}: {provider:#}"
        );
        assert_eq!(provider[secret]["type"], "string", "{secret}");
    }
    for plain in ["email", "base_url", "user_agent_operator_suffix"] {
        assert_eq!(provider[plain]["optional"], true, "{plain}: {provider:#}");
        assert_ne!(
            provider[plain]["sensitive"], true,
            "{plain} is not a secret"
        );
    }

    let resource = &schema["resource_schemas"][RESOURCE_TYPE];
    assert_eq!(
        resource["version"], 500,
        "the v5 provider's schema version, so v5 state upgrades cleanly"
    );
    let attributes = &resource["block"]["attributes"];
    for name in [
        "id",
        "account_id",
        "zone_id",
        "name",
        "type",
        "config",
        "scim_config",
    ] {
        assert!(
            attributes[name].is_object(),
            "{name} missing from {attributes:#}"
        );
    }
    assert_eq!(attributes["id"]["computed"], true);
    assert_eq!(attributes["name"]["required"], true);
}

#[test]
fn a_configuration_without_required_providers_gets_the_same_provider() {
    let work = Workdir::new("schema-implied");
    work.write_main_tf("provider \"cloudflare\" {}\n");
    let output = work.run_ok(&["providers", "schema", "-json"]);
    let schemas: Value = serde_json::from_str(&output.stdout).expect("schema JSON");
    let schema = provider_schema(&schemas, "registry.terraform.io/hashicorp/cloudflare");
    assert!(
        schema["resource_schemas"][RESOURCE_TYPE].is_object(),
        "{schemas:#}"
    );
}

#[test]
fn an_empty_configuration_validates_without_credentials() {
    let work = Workdir::new("validate");
    work.write_main_tf(CONFIG_WITH_SOURCE);
    let output = work.run_ok(&["validate", "-no-color"]);
    assert!(
        output.stdout.contains("The configuration is valid"),
        "{output}"
    );
}

#[test]
fn an_empty_configuration_plans_no_changes() {
    acceptance(|t| {
        t.write_main_tf(CONFIG_WITH_SOURCE);
        let plan = t.plan();
        assert!(plan.is_empty(), "{plan}");
        assert!(plan.resource_changes.is_empty(), "{plan}");
        let output = t.run(&["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
        assert_eq!(output.code(), Some(0), "exit 0 means no changes:\n{output}");
    });
}

/// Lines of a Terraform log written by the provider process and re-emitted by go-plugin.
fn provider_lines(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|line| line.contains("provider.terraform-provider-cloudflare"))
        .collect()
}

#[test]
fn provider_logs_reach_terraform_log_as_parsed_json() {
    acceptance(|t| {
        let log = t.log_path();
        t.env("TF_LOG", "debug")
            .env("TF_LOG_PATH", &log.to_string_lossy());
        t.write_main_tf(CONFIG_WITH_SOURCE);
        t.plan();
        let log = std::fs::read_to_string(&log).expect("Terraform wrote its log");
        let lines = provider_lines(&log);
        // go-plugin turns each JSON line on the provider's stderr into a log entry of the
        // entry's own level under the `provider.<binary>` logger.
        let entries: Vec<&&str> = lines
            .iter()
            .filter(|line| {
                ["[DEBUG]", "[INFO]", "[WARN]", "[ERROR]"]
                    .iter()
                    .any(|level| line.contains(level))
            })
            .collect();
        assert!(
            !entries.is_empty(),
            "no provider log entry in the Terraform log; provider lines were:\n{}",
            lines.join("\n")
        );
        // A line go-plugin failed to parse as JSON (a bad @timestamp, say) is passed on raw.
        let raw: Vec<&&str> = lines
            .iter()
            .filter(|line| line.contains("\"@message\"") || line.contains("\"@level\""))
            .collect();
        assert!(raw.is_empty(), "unparsed provider log lines:\n{raw:#?}");
    });
}

/// The PIDs from go-plugin's "plugin started: path=... pid=NNN" lines for our binary.
fn started_provider_pids(log: &str) -> Vec<u32> {
    log.lines()
        .filter(|line| {
            line.contains("plugin started") && line.contains("terraform-provider-cloudflare")
        })
        .filter_map(|line| {
            let (_, rest) = line.split_once("pid=")?;
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

#[test]
fn the_provider_exits_gracefully_when_terraform_is_done() {
    acceptance(|t| {
        let log = t.log_path();
        t.env("TF_LOG", "trace")
            .env("TF_LOG_PATH", &log.to_string_lossy());
        t.write_main_tf(CONFIG_WITH_SOURCE);
        t.plan();
        let finished = Instant::now();
        let log = std::fs::read_to_string(&log).expect("Terraform wrote its log");
        let pids = started_provider_pids(&log);
        assert!(
            !pids.is_empty(),
            "no 'plugin started' line for the provider in the trace log"
        );
        for pid in &pids {
            while !process_is_gone(*pid) && finished.elapsed() < Duration::from_secs(2) {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(
                process_is_gone(*pid),
                "provider process {pid} still runs 2 s after Terraform exited"
            );
        }
        for pid in &pids {
            let exit_line = log
                .lines()
                .find(|line| {
                    line.contains("plugin process exited")
                        && line.contains("terraform-provider-cloudflare")
                        && line.contains(&format!("id={pid}"))
                })
                .unwrap_or_else(|| panic!("no 'plugin process exited' line for pid {pid}"));
            assert!(
                !exit_line.contains("error="),
                "provider {pid} did not exit cleanly: {exit_line}"
            );
        }
        assert!(
            !log.contains("plugin failed to exit gracefully"),
            "Terraform had to kill the provider:\n{}",
            provider_lines(&log).join("\n")
        );
    });
}

#[test]
fn running_the_binary_by_hand_explains_what_it_is() {
    let output = run_with_timeout(provider_command(), Duration::from_secs(30));
    assert_eq!(output.code(), Some(1), "{output}");
    assert!(
        output.stdout.is_empty(),
        "stdout belongs to the handshake:\n{output}"
    );
    let message = output.stderr.to_lowercase();
    assert!(message.contains("plugin"), "{output}");
    assert!(message.contains("terraform"), "{output}");
    // The way to use a build from source is dev_overrides, where `terraform init` is neither
    // needed nor able to work offline: the message must not send people there.
    let flat = output
        .stderr
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains(
            "with `dev_overrides`, `terraform init` is not needed for this provider, and cannot \
             work without network access."
        ),
        "{output}"
    );
    assert!(flat.contains("`scripts/dev`"), "{output}");
    assert!(flat.contains("ferrotf/cloudflare-access"), "{output}");
    for sentence in flat.split(". ") {
        if sentence.contains("dev_overrides") {
            assert!(
                !sentence.contains("then run `terraform init`"),
                "{sentence}"
            );
        }
    }
}

#[test]
fn version_flag_prints_the_version() {
    let mut command = provider_command();
    command.arg("--version");
    let output = run_with_timeout(command, Duration::from_secs(30));
    assert_eq!(output.code(), Some(0), "{output}");
    assert!(
        output.stdout.contains(env!("CARGO_PKG_VERSION")),
        "{output}"
    );
}

#[test]
fn the_handshake_line_has_go_plugins_shape() {
    let identity = ClientIdentity::generate();
    let plugin = PluginProcess::start(Some(&identity.cert_pem));
    let handshake = &plugin.handshake;
    assert_eq!(handshake.core_version, "1", "{}", plugin.handshake_line);
    assert_eq!(handshake.app_version, "6", "{}", plugin.handshake_line);
    assert_eq!(handshake.network, "unix", "{}", plugin.handshake_line);
    assert_eq!(handshake.protocol, "grpc", "{}", plugin.handshake_line);
    let cert = handshake
        .server_cert_der
        .as_ref()
        .expect("a server certificate when PLUGIN_CLIENT_CERT is set");
    assert!(cert.len() > 100, "{}", plugin.handshake_line);
    use std::os::unix::fs::FileTypeExt;
    let socket = plugin.socket_path();
    let kind = std::fs::metadata(&socket)
        .expect("the socket exists")
        .file_type();
    assert!(kind.is_socket(), "{} is not a socket", socket.display());
}

#[test]
fn debug_mode_serves_terraform_through_tf_reattach_providers() {
    let mut command = provider_command();
    command
        .arg("--debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("start the provider in debug mode");
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            crate::support::plugin::stop(&mut self.0, None);
        }
    }
    let stdout = child.stdout.take().expect("stdout");
    let child = KillOnDrop(child);
    let line = lines_until(stdout, Duration::from_secs(30), |line| {
        line.contains("TF_REATTACH_PROVIDERS=")
    })
    .expect("debug mode prints TF_REATTACH_PROVIDERS");
    let (_, value) = line
        .split_once("TF_REATTACH_PROVIDERS=")
        .expect("the variable");
    let value = value.trim().trim_matches('\'');
    let reattach: Value = serde_json::from_str(value)
        .unwrap_or_else(|err| panic!("TF_REATTACH_PROVIDERS is not JSON ({err}): {line}"));
    let entries = reattach.as_object().expect("a JSON object");
    assert_eq!(entries.len(), 1, "{reattach}");
    let (address, entry) = entries.iter().next().expect("one provider");
    assert_eq!(address, "registry.terraform.io/ferrotf/cloudflare-access");
    assert_eq!(entry["Protocol"], "grpc", "{reattach}");
    assert_eq!(entry["ProtocolVersion"], 6, "{reattach}");
    assert_eq!(entry["Pid"], child.0.id(), "{reattach}");
    assert!(entry["Addr"]["Network"].is_string(), "{reattach}");

    // No dev_overrides: Terraform can only reach the provider through the reattach address.
    let source = address
        .strip_prefix("registry.terraform.io/")
        .unwrap_or(address);
    let mut work = Workdir::with_installation("debug", ProviderInstallation::None);
    work.env("TF_REATTACH_PROVIDERS", value);
    work.write_main_tf(&CONFIG_WITH_SOURCE.replace("cloudflare/cloudflare", source));
    work.run_ok(&["init", "-input=false", "-no-color", "-backend=false"]);
    let output = work.run_ok(&["providers", "schema", "-json"]);
    let schemas: Value = serde_json::from_str(&output.stdout).expect("schema JSON");
    let schema = &schemas["provider_schemas"][address.as_str()];
    assert!(
        schema["resource_schemas"][RESOURCE_TYPE].is_object(),
        "Terraform {} got no schema through TF_REATTACH_PROVIDERS:\n{schemas:#}",
        terraform().version
    );
}

/// A provider that is told to stop (SIGTERM, as a host does; Terraform's Controller.Shutdown
/// takes the same path) removes its unix socket, and the harness leaves none behind either.
#[test]
fn a_stopped_provider_leaves_no_socket_behind() {
    let dir = tempfile::tempdir().expect("a socket dir");
    let dir_text = dir.path().to_string_lossy().into_owned();
    assert!(plugin_sockets(dir.path()).is_empty());
    let plugins: Vec<PluginProcess> = (0..2)
        .map(|_| PluginProcess::start_with_env(None, &[("PLUGIN_UNIX_SOCKET_DIR", &dir_text)]))
        .collect();
    assert_eq!(plugin_sockets(dir.path()).len(), 2);
    let mut plugins = plugins.into_iter();
    // The harness's own way of ending a plugin, when a test drops it.
    drop(plugins.next());
    assert_eq!(plugin_sockets(dir.path()).len(), 1);
    for mut plugin in plugins {
        let socket = plugin.socket_path();
        assert_eq!(socket.parent(), Some(dir.path()));
        let pid = plugin.pid();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let started = Instant::now();
        while !plugin.has_exited() && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(plugin.has_exited(), "the provider ignored SIGTERM");
        assert!(
            !socket.exists(),
            "{} outlived the provider:\n{}",
            socket.display(),
            plugin.stderr()
        );
    }
    assert!(plugin_sockets(dir.path()).is_empty());
}

/// A whole Terraform run, whose providers Terraform stops through Controller.Shutdown, leaves
/// no `plugin*` socket in the temp dir the providers use.
#[test]
fn terraform_runs_leave_no_plugin_socket_behind() {
    acceptance(|t| {
        let dir = t.path().join(".harness").join("tmp");
        std::fs::create_dir_all(&dir).expect("a private temp dir");
        let log = t.log_path();
        t.env("TMPDIR", &dir.to_string_lossy())
            .env("TF_LOG", "trace")
            .env("TF_LOG_PATH", &log.to_string_lossy());
        let before = plugin_sockets(&dir);
        assert!(before.is_empty(), "{before:?}");
        t.write_main_tf(CONFIG_WITH_SOURCE);
        t.plan();
        t.run_ok(&["validate", "-no-color"]);
        // The providers did serve from that directory.
        let log = std::fs::read_to_string(&log).expect("Terraform wrote its log");
        assert!(
            log.contains(&format!("{}/plugin", dir.display())),
            "no provider socket under {} in the log",
            dir.display()
        );
        let after = plugin_sockets(&dir);
        assert!(
            after.is_empty(),
            "left behind in {}: {after:?}",
            dir.display()
        );
    });
}
