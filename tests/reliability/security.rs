//! Security: the plugin admits only the client certificate Terraform pinned; a `TF_LOG=trace`
//! run of a whole lifecycle (create, update, import, destroy, with a client secret and a SCIM
//! secret) logs no secret; state and saved plan files (raw bytes, every entry of the plan
//! archive, and `terraform show -json`) hold no credential and no write-only value. Each check
//! prints how much it scanned.

use std::io::Read;
use std::path::Path;

use crate::identity_provider::lifecycle::type_case;
use crate::identity_provider::{fixture, single, state_id, ADDRESS};
use crate::support::plugin::PluginProcess;
use crate::support::tls::{
    connect_unix, connector, exchange_http2_preface, health_check, ClientIdentity, TlsVersion,
};
use crate::support::{acceptance, applicable, Acc, Output, Requirement};

/// `grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING`.
const SERVING: i32 = 1;

/// What was scanned, for the printed summary.
#[derive(Default)]
struct Scanned {
    files: usize,
    bytes: usize,
}

impl Scanned {
    /// Fails if any of `secrets` occurs in `bytes`; `what` names the place for the message.
    fn check(&mut self, what: &str, bytes: &[u8], secrets: &[(&str, &str)]) {
        for (name, secret) in secrets {
            assert!(
                !contains(bytes, secret.as_bytes()),
                "{name} appears in {what}"
            );
        }
        self.files += 1;
        self.bytes += bytes.len();
    }

    /// A saved plan: its raw bytes, each entry of the archive decompressed, and
    /// `terraform show -json` of it.
    /// `in_config` lists secrets written literally in main.tf.
    fn check_plan_file(
        &mut self,
        t: &Acc,
        plan: &Path,
        secrets: &[(&str, &str)],
        in_config: &[&str],
    ) -> usize {
        let not_in_config: Vec<(&str, &str)> = secrets
            .iter()
            .copied()
            .filter(|(_, secret)| !in_config.contains(secret))
            .collect();
        let raw = std::fs::read(plan).expect("the saved plan exists");
        // The raw archive holds the configuration too (compressed or not).
        self.check(
            &format!("the plan file {}", plan.display()),
            &raw,
            &not_in_config,
        );
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(raw)).expect("a plan file is a zip archive");
        let entries = archive.len();
        for index in 0..entries {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().to_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            // A plan keeps a copy of the configuration as written (`tfconfig/`): a literal in
            // main.tf is there as the user wrote it. Everything else Terraform recorded
            // (plan, prior state, dependency locks) is held to every secret.
            let held_to = if name.starts_with("tfconfig/") {
                &not_in_config
            } else {
                secrets
            };
            self.check(&format!("{name} inside the plan file"), &content, held_to);
        }
        let plan = plan.to_string_lossy();
        let shown = t.run_ok(&["show", "-json", "-no-color", &plan]);
        self.check(
            "`terraform show -json` of the saved plan",
            shown.stdout.as_bytes(),
            &not_in_config,
        );
        // Its `configuration` section renders literals of main.tf as written; the values
        // Terraform planned, changed and stored must hold none of the secrets.
        let mut json: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
        if let Some(document) = json.as_object_mut() {
            document.remove("configuration");
        }
        self.check(
            "`terraform show -json` of the saved plan, outside `configuration`",
            json.to_string().as_bytes(),
            secrets,
        );
        entries
    }

    /// `terraform.tfstate` and its backup, where they exist.
    fn check_state_files(&mut self, dir: &Path, secrets: &[(&str, &str)]) {
        for name in ["terraform.tfstate", "terraform.tfstate.backup"] {
            if let Ok(bytes) = std::fs::read(dir.join(name)) {
                self.check(name, &bytes, secrets);
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn saved_plan(t: &Acc, name: &str) -> std::path::PathBuf {
    let path = t.path().join(name);
    let out = format!("-out={}", path.display());
    t.run_ok(&["plan", "-input=false", "-no-color", &out]);
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mtls_admits_only_the_pinned_client_certificate() {
    let pinned = ClientIdentity::generate();
    let stranger = ClientIdentity::generate();
    let plugin = PluginProcess::start(Some(&pinned.cert_pem));
    let socket = plugin.socket_path();
    let server_cert = plugin
        .handshake
        .server_cert_der
        .clone()
        .expect("server certificate");

    let (mut refused_sessions, mut admitted) = (0, 0);
    for version in [TlsVersion::Tls13, TlsVersion::Tls12] {
        for (who, identity) in [
            ("no certificate", None),
            ("another certificate", Some(&stranger)),
        ] {
            let tls = connector(&server_cert, identity, version);
            let refused = match connect_unix(&socket, &tls).await {
                Err(_) => true,
                Ok(mut stream) => exchange_http2_preface(&mut stream).await.is_err(),
            };
            assert!(
                refused,
                "{version:?} with {who}: the plugin accepted the session"
            );
            let check = health_check(&socket, tls, "plugin").await;
            assert!(
                check.is_err(),
                "{version:?} with {who}: health check answered {check:?}"
            );
            refused_sessions += 2;
        }

        let tls = connector(&server_cert, Some(&pinned), version);
        let mut stream = connect_unix(&socket, &tls)
            .await
            .unwrap_or_else(|err| panic!("{version:?}: pinned client refused: {err}"));
        exchange_http2_preface(&mut stream)
            .await
            .unwrap_or_else(|err| panic!("{version:?}: no HTTP/2 from the plugin: {err}"));
        let status = health_check(&socket, tls, "plugin")
            .await
            .unwrap_or_else(|err| {
                panic!("{version:?}: {err}; plugin stderr:\n{}", plugin.stderr())
            });
        assert_eq!(status, SERVING, "{version:?}");
        admitted += 1;
    }
    println!(
        "mTLS: {refused_sessions} sessions without the pinned certificate refused (TLS 1.2 and \
         1.3, none or another certificate), {admitted} with it admitted"
    );
}

/// A whole lifecycle under `TF_LOG=trace` with a client secret and a SCIM secret: create (from
/// a saved plan), update (from a saved plan), import into a fresh state, destroy. No secret
/// appears in either trace log or any command's output; the API token appears in no state or
/// plan file; the SCIM secret and the client secret are stored only as sensitive attributes
/// (as Cloudflare's v5 provider stores them), never in a plan's rendering.
#[test]
fn no_secret_in_trace_logs_state_or_plan_files() {
    acceptance(|t| {
        let log_path = t.path().join("trace.log");
        t.env("TF_LOG", "trace")
            .env("TF_LOG_PATH", &log_path.to_string_lossy());
        let first_secret = "azure-secret-v1-Qx7~pL";
        let second_secret = "azure-secret-v2-Rz8~mK";
        let scim = r#"{
    enabled          = true
    user_deprovision = true
  }"#;
        let config = fixture(
            t,
            "scim.tf",
            &[
                ("name", "Azure AD"),
                ("type", "azureAD"),
                ("config", type_case("azureAD").create),
                ("scim_config", scim),
            ],
        );
        t.write_main_tf(&config);
        let token = t.mock.token().to_owned();
        let credentials = [("the API token", token.as_str())];
        let mut scanned = Scanned::default();
        let mut plan_entries = 0;

        // Create from a saved plan.
        let plan = saved_plan(t, "create.tfplan");
        plan_entries += scanned.check_plan_file(t, &plan, &credentials, &[]);
        let plan_arg = plan.to_string_lossy().into_owned();
        let mut outputs: Vec<Output> =
            vec![t.run_ok(&["apply", "-input=false", "-no-color", &plan_arg])];
        let id = state_id(t, ADDRESS);
        let scim_secret = t
            .mock
            .control()
            .scim_secret(&id)
            .expect("SCIM is on, so Cloudflare issued a secret");
        scanned.check_state_files(t.path(), &credentials);
        outputs.push(t.run_ok(&["plan", "-input=false", "-no-color"]));

        // Update the client secret from a saved plan: the plan holds the new secret (Terraform
        // must, to apply it) only as a sensitive value, and never the token or SCIM secret.
        let main_tf = single(t, "Azure AD", "azureAD", type_case("azureAD").update);
        t.write_main_tf(&main_tf);
        let plan = saved_plan(t, "update.tfplan");
        let shown = t.run_ok(&["show", "-no-color", &plan.to_string_lossy()]);
        for secret in [first_secret, second_secret, scim_secret.as_str()] {
            assert!(
                !shown.stdout.contains(secret),
                "`terraform show` of the saved plan renders a secret"
            );
        }
        plan_entries += scanned.check_plan_file(t, &plan, &credentials, &[]);
        let plan_arg = plan.to_string_lossy().into_owned();
        outputs.push(t.run_ok(&["apply", "-input=false", "-no-color", &plan_arg]));
        scanned.check_state_files(t.path(), &credentials);
        outputs.push(t.run_ok(&["plan", "-input=false", "-no-color"]));

        // Import into a fresh state, with its own trace log.
        let id_for_import = format!("accounts/{}/{id}", t.account_id);
        let mut fresh = t.fresh_sibling();
        let fresh_log = fresh.path().join("trace.log");
        fresh.env("TF_LOG_PATH", &fresh_log.to_string_lossy());
        outputs.push(fresh.import_cli(ADDRESS, &id_for_import));
        scanned.check_state_files(fresh.path(), &credentials);
        outputs.push(t.destroy());
        scanned.check_state_files(t.path(), &credentials);

        let log = std::fs::read(&log_path).expect("TF_LOG_PATH was written");
        let fresh_log = std::fs::read(&fresh_log).expect("the import's trace log was written");
        let log_text = String::from_utf8_lossy(&log);
        assert!(
            log_text.contains("[TRACE]"),
            "the log should be a trace log (is TF_LOG honoured?)"
        );
        assert!(
            log_text.contains("cloudflare") && log_text.contains("ApplyResourceChange"),
            "the trace log should cover the provider's calls"
        );
        assert!(
            !log_text.contains("panicked"),
            "the provider panicked; see {}",
            log_path.display()
        );
        let secrets = [
            ("the first client secret", first_secret),
            ("the second client secret", second_secret),
            ("the SCIM secret", scim_secret.as_str()),
            ("the API token", token.as_str()),
        ];
        scanned.check("the Terraform trace log", &log, &secrets);
        scanned.check("the import's trace log", &fresh_log, &secrets);
        for output in &outputs {
            scanned.check(
                &format!("the output of `{}`", output.command_line),
                output.combined().as_bytes(),
                &secrets,
            );
        }
        assert_eq!(t.mock.control().object_count(), 0);
        println!(
            "secrets: {} files and outputs scanned ({} KiB; trace logs {} KiB and {} KiB, {} \
             plan archive entries), 0 occurrences of {} secrets",
            scanned.files,
            scanned.bytes / 1024,
            log.len() / 1024,
            fresh_log.len() / 1024,
            plan_entries,
            secrets.len()
        );
    });
}

/// Write-only attributes need Terraform 1.11.
const WRITE_ONLY: Requirement = Requirement::new("1.11", "write-only attributes");

/// The write-only client secret in saved plan files (create and a version bump) and in the
/// state: absent from the raw plan bytes, from every archive entry, from `terraform show -json`
/// of the plan, and from the state files, along with the API token.
#[test]
fn write_only_secret_absent_from_plan_and_state_files() {
    if !applicable(WRITE_ONLY) {
        return;
    }
    acceptance(|t| {
        let first = "first-wo-plan-secret-5b0e";
        let second = "second-wo-plan-secret-a93d";
        let github = |secret: &str, version: &str| {
            format!(
                r#"{{
    client_id                = "Iv1.8a61f9b3a7aba766"
    client_secret_wo         = "{secret}"
    client_secret_wo_version = "{version}"
  }}"#
            )
        };
        let token = t.mock.token().to_owned();
        let secrets = [
            ("the first write-only secret", first),
            ("the second write-only secret", second),
            ("the API token", token.as_str()),
        ];
        let mut scanned = Scanned::default();
        let mut plan_entries = 0;
        for (secret, version) in [(first, "1"), (second, "2")] {
            t.write_main_tf(&single(t, "GitHub", "github", &github(secret, version)));
            let plan = saved_plan(t, &format!("wo-{version}.tfplan"));
            plan_entries += scanned.check_plan_file(t, &plan, &secrets, &[secret]);
            let plan_arg = plan.to_string_lossy().into_owned();
            t.run_ok(&["apply", "-input=false", "-no-color", &plan_arg]);
            let id = state_id(t, ADDRESS);
            assert_eq!(
                t.mock.control().client_secret(&id).as_deref(),
                Some(secret),
                "the applied plan should have sent the write-only secret"
            );
            scanned.check_state_files(t.path(), &secrets);
            let shown = t.run_ok(&["show", "-json", "-no-color"]);
            scanned.check(
                "`terraform show -json` of the state",
                shown.stdout.as_bytes(),
                &secrets,
            );
        }
        println!(
            "write-only: {} files scanned ({} KiB, {} plan archive entries), 0 occurrences of \
             the write-only secrets or the token",
            scanned.files,
            scanned.bytes / 1024,
            plan_entries
        );
    });
}
