//! Installing the provider the way users get it, not through `dev_overrides`: the binary cargo
//! built for this run is packaged with the release code (`xtask release`), signed with a
//! throwaway RSA key, and `terraform init` installs it
//!
//! * from a filesystem mirror (packed layout), where the lock file must record the `h1:` hash
//!   we compute ourselves, and
//! * from a provider registry served by this test process over plain HTTP (reached through a
//!   CLI `host` block), where Terraform must verify the checksum and the GPG signature, report
//!   the package as self-signed, and refuse a swapped zip or a signature by another key.
//!
//! Both install the provider under its own address, `ferrotf/cloudflare-access`. One more test
//! installs it in the single-provider form: unpacked in a filesystem mirror under Cloudflare's
//! address, `cloudflare/cloudflare`, for configurations that hold identity providers only.
//!
//! After each successful install the one-time PIN example is applied against a fresh mock and
//! destroyed, so the installed package is proven to run, not just to unpack.

use crate::support::{quote, random_id, terraform, Mock, Output, ProviderInstallation, Workdir};
use crate::support::{terraform::repository_root, PROVIDER_BINARY};
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use xtask::hash::{h1_zip, sha256_hex};
use xtask::platform::Platform;
use xtask::release::{self, ReleaseArtifacts, ReleaseOptions, Signing};
use xtask::sign::Signer;

/// The registry host the test configurations name; the CLI `host` block maps it to our server,
/// so nothing is ever resolved through DNS.
const REGISTRY_HOST: &str = "registry.example.test";

/// The provider's source address as the examples spell it.
const SOURCE: &str = "ferrotf/cloudflare-access";

/// The public registry address Terraform gives [`SOURCE`].
const PUBLIC_ADDRESS: &str = "registry.terraform.io/ferrotf/cloudflare-access";

/// Cloudflare's address, which the single-provider form takes over.
const OFFICIAL_ADDRESS: &str = "registry.terraform.io/cloudflare/cloudflare";

/// A public key as a registry advertises it.
#[derive(Debug, Clone)]
struct PublicKey {
    fingerprint: String,
    /// The long key ID (last 16 hex digits of the fingerprint), uppercase.
    key_id: String,
    ascii_armor: String,
}

/// A signed release of the binary under test, made once per test run.
#[derive(Debug)]
struct SignedRelease {
    artifacts: ReleaseArtifacts,
    /// The copy of the provider binary that was packaged.
    binary: PathBuf,
    /// The key the release was signed with.
    key: PublicKey,
    /// The same SHA256SUMS, signed by a key the registry does not advertise.
    signature_by_other_key: Vec<u8>,
}

fn signed_release() -> &'static SignedRelease {
    static RELEASE: OnceLock<SignedRelease> = OnceLock::new();
    RELEASE.get_or_init(make_signed_release)
}

fn make_signed_release() -> SignedRelease {
    // Under cargo's per-target temp dir, one per test process (several runs may share the
    // tree). A static is never dropped, so each run first removes what finished runs left.
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    remove_releases_of_finished_runs(&base);
    let out_dir = base.join(format!("{RELEASE_DIR_PREFIX}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);

    // Package a private copy: cargo may replace the binary in target/ while tests run (another
    // build in the same tree), and the layout test compares the zip with what was packaged.
    std::fs::create_dir_all(&out_dir).expect("create the release dir");
    let binary = out_dir.join("packaged-binary");
    std::fs::copy(PROVIDER_BINARY, &binary).expect("copy the provider binary");

    let gnupg = tempfile::Builder::new()
        .prefix("gnupg-")
        .tempdir()
        .expect("temp GNUPGHOME");
    set_private(gnupg.path());
    let release_uid = "Release Test Key <release@example.test>";
    let other_uid = "Unrelated Test Key <unrelated@example.test>";
    generate_key(gnupg.path(), release_uid);
    generate_key(gnupg.path(), other_uid);

    let options = ReleaseOptions {
        binary: Some(binary.clone()),
        out_dir: Some(out_dir),
        signing: Signing::Keyring {
            home: Some(gnupg.path().to_path_buf()),
            key: "release@example.test".to_owned(),
        },
        ..ReleaseOptions::default()
    };
    let artifacts = release::release(&options).expect("xtask release packages the built binary");

    let signer = Signer::from_keyring(Some(gnupg.path()), "release@example.test", None)
        .expect("the release key is in the keyring");
    let key = PublicKey {
        fingerprint: signer.fingerprint.clone(),
        key_id: signer.key_id().to_owned(),
        ascii_armor: signer.public_key_armor().expect("export the release key"),
    };
    assert_eq!(
        artifacts.key_fingerprint.as_deref(),
        Some(key.fingerprint.as_str()),
        "the release reports the key it was signed with"
    );

    let other = Signer::from_keyring(Some(gnupg.path()), "unrelated@example.test", None)
        .expect("the unrelated key is in the keyring");
    assert_ne!(other.fingerprint, key.fingerprint);
    let other_signature_path = artifacts.shasums.with_extension("other.sig");
    other
        .sign_detached(&artifacts.shasums, &other_signature_path)
        .expect("sign the SUMS with the unrelated key");
    let signature_by_other_key = std::fs::read(&other_signature_path).unwrap();

    // The keyring is no longer needed; stop the agent gpg started for it before it goes.
    let _ = Command::new("gpgconf")
        .env("GNUPGHOME", gnupg.path())
        .args(["--kill", "gpg-agent"])
        .status();

    SignedRelease {
        artifacts,
        binary,
        key,
        signature_by_other_key,
    }
}

const RELEASE_DIR_PREFIX: &str = "install-tests-release-";

/// Deletes release dirs whose test process has exited (Linux: no `/proc/<pid>`).
fn remove_releases_of_finished_runs(base: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(RELEASE_DIR_PREFIX) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn set_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
}

/// A passphrase-less RSA 3072 signing key, the kind registries accept.
fn generate_key(home: &Path, uid: &str) {
    let output = Command::new("gpg")
        .env("GNUPGHOME", home)
        .args([
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            "--quick-gen-key",
            uid,
            "rsa3072",
            "sign",
            "never",
        ])
        .output()
        .expect("gpg runs (install GnuPG: apt-get install -y gnupg)");
    assert!(
        output.status.success(),
        "gpg --quick-gen-key failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A work dir whose CLI configuration is ours alone (no `dev_overrides`).
fn workdir_with_cli_config(cli_config: &str) -> Workdir {
    let work = Workdir::with_installation(&crate::support::test_name(), ProviderInstallation::None);
    std::fs::write(work.cli_config_path(), cli_config).expect("write the CLI config");
    work
}

/// examples/one-time-pin/main.tf, with the provider source rewritten to `source`.
fn one_time_pin_config(source: &str) -> String {
    let original = std::fs::read_to_string(repository_root().join("examples/one-time-pin/main.tf"))
        .expect("examples/one-time-pin/main.tf");
    let from = format!("source = {}", quote(SOURCE));
    assert!(original.contains(&from), "the example names {SOURCE}");
    original.replace(&from, &format!("source = {}", quote(source)))
}

/// The `provider "<address>" { ... }` block of a lock file.
fn lock_entry(work: &Workdir, address: &str) -> String {
    let lock = std::fs::read_to_string(work.path().join(".terraform.lock.hcl"))
        .expect("terraform init wrote .terraform.lock.hcl");
    let start = lock
        .find(&format!("provider \"{address}\""))
        .unwrap_or_else(|| panic!("no entry for {address} in the lock file:\n{lock}"));
    let end = lock[start..]
        .find("\n}")
        .map_or(lock.len(), |e| start + e + 2);
    lock[start..end].to_owned()
}

fn hashes_in(entry: &str) -> Vec<String> {
    entry
        .split('"')
        .filter(|piece| piece.starts_with("h1:") || piece.starts_with("zh:"))
        .map(str::to_owned)
        .collect()
}

/// Applies the one-time PIN example with the installed provider against a fresh mock, checks
/// the result in state and in the mock, then destroys it and checks the mock is empty.
fn apply_and_destroy_one_time_pin(work: &mut Workdir) {
    let mock = Mock::start();
    let account_id = random_id();
    work.env("CLOUDFLARE_BASE_URL", mock.base_url())
        .env("CLOUDFLARE_API_TOKEN", mock.token())
        .env("TF_VAR_cloudflare_account_id", &account_id);
    let applied = work.apply();
    assert!(
        !applied
            .combined()
            .contains("Provider development overrides are in effect"),
        "the installed package must be used, not dev_overrides:\n{applied}"
    );

    let outputs = work.run_ok(&["output", "-json", "-no-color"]);
    let outputs: serde_json::Value = serde_json::from_str(&outputs.stdout).expect("output JSON");
    let id = outputs["identity_provider_id"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no identity_provider_id output: {outputs:#}"))
        .to_owned();
    let redirect_url = outputs["redirect_url"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        redirect_url.ends_with("/cdn-cgi/access/callback"),
        "redirect_url output is {redirect_url:?}"
    );

    let objects = mock.control().objects();
    assert_eq!(objects.len(), 1, "the mock holds {objects:#?}");
    assert_eq!(objects[0]["id"], id.as_str());
    assert_eq!(objects[0]["type"], "onetimepin");
    assert_eq!(objects[0]["__owner_id"], account_id.as_str());

    work.destroy();
    assert_eq!(
        mock.control().object_count(),
        0,
        "destroy left objects in the mock"
    );
}

#[test]
fn install_from_filesystem_mirror_records_our_h1() {
    let release = signed_release();
    let artifacts = &release.artifacts;
    let platform = Platform::host().unwrap();

    let mirror = tempfile::Builder::new()
        .prefix("fs-mirror-")
        .tempdir()
        .unwrap();
    let package_dir = mirror.path().join(PUBLIC_ADDRESS);
    std::fs::create_dir_all(&package_dir).unwrap();
    let zip_name = release::zip_name(&artifacts.version, &platform);
    assert_eq!(
        artifacts.zip.file_name().unwrap().to_str(),
        Some(zip_name.as_str())
    );
    let mirrored_zip = package_dir.join(&zip_name);
    if std::fs::hard_link(&artifacts.zip, &mirrored_zip).is_err() {
        std::fs::copy(&artifacts.zip, &mirrored_zip).unwrap();
    }

    let mut work = workdir_with_cli_config(&format!(
        "disable_checkpoint = true\n\
         provider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [\"{PUBLIC_ADDRESS}\"]\n  }}\n}}\n",
        quote(&mirror.path().to_string_lossy())
    ));
    work.write_main_tf(&one_time_pin_config(SOURCE));

    let init = work.run_ok(&["init", "-input=false", "-no-color"]);
    assert!(
        init.stdout
            .contains(&format!("Installed {SOURCE} v{}", artifacts.version))
            || init
                .stdout
                .contains(&format!("Installing {SOURCE} v{}", artifacts.version)),
        "init did not report installing the mirrored version:\n{init}"
    );

    let entry = lock_entry(&work, PUBLIC_ADDRESS);
    assert!(
        entry.contains(&format!("version = \"{}\"", artifacts.version)),
        "lock entry: {entry}"
    );
    let ours = h1_zip(&mirrored_zip).unwrap();
    assert_eq!(
        ours, artifacts.h1,
        "the release printed the h1 of the zip it wrote"
    );
    assert_eq!(
        hashes_in(&entry),
        vec![ours],
        "an unsigned (mirror) install records exactly the package's h1"
    );

    apply_and_destroy_one_time_pin(&mut work);
}

/// The one-time PIN example in the single-provider form: v5's own HCL, with no `provider` line.
fn one_time_pin_config_single_provider() -> String {
    let config = one_time_pin_config("cloudflare/cloudflare")
        .replace("cloudflare-access = {", "cloudflare = {")
        .replace(
            "provider \"cloudflare-access\" {}",
            "provider \"cloudflare\" {}",
        )
        .replace("  provider   = cloudflare-access\n", "");
    let still_named = config
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .any(|line| line.contains("cloudflare-access"));
    assert!(
        !still_named,
        "the single-provider config still names cloudflare-access:\n{config}"
    );
    config
}

#[test]
fn install_single_provider_form_under_cloudflares_address() {
    let release = signed_release();
    let version = &release.artifacts.version;
    let platform = Platform::host().unwrap();

    // The unpacked mirror layout, HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/, holding the released
    // executable under the name Terraform looks for at `cloudflare/cloudflare`.
    let mirror = tempfile::Builder::new()
        .prefix("fs-mirror-single-")
        .tempdir()
        .unwrap();
    let package_dir = mirror
        .path()
        .join(OFFICIAL_ADDRESS)
        .join(version)
        .join(platform.dir_name());
    std::fs::create_dir_all(&package_dir).unwrap();
    let executable = format!("terraform-provider-cloudflare_v{version}");
    std::fs::copy(&release.binary, package_dir.join(&executable)).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            package_dir.join(&executable),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }

    let mut work = workdir_with_cli_config(&format!(
        "disable_checkpoint = true\n\
         provider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [\"{OFFICIAL_ADDRESS}\"]\n  }}\n}}\n",
        quote(&mirror.path().to_string_lossy())
    ));
    work.write_main_tf(&one_time_pin_config_single_provider());

    let init = work.run_ok(&["init", "-input=false", "-no-color"]);
    assert!(
        init.stdout
            .contains(&format!("Installed cloudflare/cloudflare v{version}")),
        "init did not report installing the mirrored package:\n{init}"
    );
    let entry = lock_entry(&work, OFFICIAL_ADDRESS);
    let binary_sha256 = sha256_hex(&std::fs::read(&release.binary).unwrap());
    assert_eq!(
        hashes_in(&entry),
        vec![xtask::hash::hash1([(executable, binary_sha256)]).unwrap()],
        "the lock file records the h1 of the unpacked package:\n{entry}"
    );

    apply_and_destroy_one_time_pin(&mut work);
}

/// What the test registry serves instead of the genuine release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tamper {
    /// Everything genuine.
    Nothing,
    /// The zip on the download server is altered; the registry still advertises the SUMS hash.
    ZipOnly,
    /// The zip is altered and the registry advertises the altered zip's hash, but the signed
    /// SUMS file is genuine.
    ZipAndAdvertisedHash,
    /// The SUMS signature is made by a key the registry does not advertise.
    SignatureByOtherKey,
}

#[derive(Debug)]
struct RegistryState {
    version: String,
    platform: Platform,
    zip_name: String,
    shasums_name: String,
    zip: Vec<u8>,
    shasums: Vec<u8>,
    signature: Vec<u8>,
    advertised_shasum: String,
    key: PublicKey,
    base: String,
    requests: Mutex<Vec<String>>,
}

/// A provider registry (the `providers.v1` protocol) on 127.0.0.1, plain HTTP.
#[derive(Debug)]
struct Registry {
    /// Serves the registry; dropping it (after the shutdown signal) stops the server.
    _runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
    state: Arc<RegistryState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Registry {
    fn start(release: &SignedRelease, tamper: Tamper) -> Registry {
        let artifacts = &release.artifacts;
        let genuine_zip = std::fs::read(&artifacts.zip).unwrap();
        let shasums = std::fs::read(&artifacts.shasums).unwrap();
        let signature = match tamper {
            Tamper::SignatureByOtherKey => release.signature_by_other_key.clone(),
            _ => std::fs::read(artifacts.signature.as_ref().expect("signed")).unwrap(),
        };
        let zip = match tamper {
            Tamper::ZipOnly | Tamper::ZipAndAdvertisedHash => {
                let mut altered = genuine_zip.clone();
                let middle = altered.len() / 2;
                altered[middle] ^= 0x5a;
                altered
            }
            _ => genuine_zip,
        };
        let advertised_shasum = match tamper {
            Tamper::ZipAndAdvertisedHash => sha256_hex(&zip),
            _ => artifacts.zip_sha256.clone(),
        };

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("test-registry")
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(RegistryState {
            version: artifacts.version.clone(),
            platform: artifacts.platform.clone(),
            zip_name: artifacts
                .zip
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            shasums_name: artifacts
                .shasums
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            zip,
            shasums,
            signature,
            advertised_shasum,
            key: release.key.clone(),
            base: format!("http://{addr}"),
            requests: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route(
                "/v1/providers/ferrotf/cloudflare-access/versions",
                get(versions),
            )
            .route(
                "/v1/providers/ferrotf/cloudflare-access/{version}/download/{os}/{arch}",
                get(download),
            )
            .route("/files/{name}", get(file))
            .with_state(Arc::clone(&state));
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop.await;
                })
                .await;
        });
        Registry {
            _runtime: runtime,
            addr,
            state,
            shutdown: Some(shutdown),
        }
    }

    /// A CLI configuration that maps [`REGISTRY_HOST`] to this server and installs providers
    /// only from registries.
    fn cli_config(&self) -> String {
        format!(
            "disable_checkpoint = true\n\
             host \"{REGISTRY_HOST}\" {{\n  services = {{\n    \"providers.v1\" = \"http://{}/v1/providers/\"\n  }}\n}}\n\
             provider_installation {{\n  direct {{}}\n}}\n",
            self.addr
        )
    }

    fn requests(&self) -> Vec<String> {
        self.state.requests.lock().unwrap().clone()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn versions(State(state): State<Arc<RegistryState>>) -> Json<serde_json::Value> {
    state.requests.lock().unwrap().push("versions".to_owned());
    Json(serde_json::json!({
        "versions": [{
            "version": state.version,
            "protocols": ["6.0"],
            "platforms": [{"os": state.platform.os, "arch": state.platform.arch}],
        }]
    }))
}

async fn download(
    State(state): State<Arc<RegistryState>>,
    UrlPath((version, os, arch)): UrlPath<(String, String, String)>,
) -> Response {
    state
        .requests
        .lock()
        .unwrap()
        .push(format!("download {version} {os} {arch}"));
    if version != state.version || os != state.platform.os || arch != state.platform.arch {
        return (StatusCode::NOT_FOUND, "no such package").into_response();
    }
    let base = &state.base;
    Json(serde_json::json!({
        "protocols": ["6.0"],
        "os": os,
        "arch": arch,
        "filename": state.zip_name,
        "download_url": format!("{base}/files/{}", state.zip_name),
        "shasums_url": format!("{base}/files/{}", state.shasums_name),
        "shasums_signature_url": format!("{base}/files/{}.sig", state.shasums_name),
        "shasum": state.advertised_shasum,
        "signing_keys": {
            "gpg_public_keys": [{
                "key_id": state.key.key_id,
                "ascii_armor": state.key.ascii_armor,
            }]
        }
    }))
    .into_response()
}

async fn file(State(state): State<Arc<RegistryState>>, UrlPath(name): UrlPath<String>) -> Response {
    state.requests.lock().unwrap().push(format!("file {name}"));
    let body = if name == state.zip_name {
        state.zip.clone()
    } else if name == state.shasums_name {
        state.shasums.clone()
    } else if name == format!("{}.sig", state.shasums_name) {
        state.signature.clone()
    } else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response()
}

/// A work dir configured for `registry`, holding the one-time PIN example sourced from it.
fn registry_workdir(registry: &Registry) -> Workdir {
    let work = workdir_with_cli_config(&registry.cli_config());
    work.write_main_tf(&one_time_pin_config(&format!("{REGISTRY_HOST}/{SOURCE}")));
    work
}

fn assert_nothing_installed(work: &Workdir, output: &Output) {
    assert!(
        !work.path().join(".terraform.lock.hcl").exists(),
        "a rejected package must not reach the lock file:\n{output}"
    );
    let installed = work.path().join(".terraform/providers").join(REGISTRY_HOST);
    assert!(
        !installed.exists(),
        "a rejected package must not be installed ({}):\n{output}",
        installed.display()
    );
}

#[test]
fn install_from_registry_verifies_signature_and_reports_self_signed() {
    let release = signed_release();
    let artifacts = &release.artifacts;
    let registry = Registry::start(release, Tamper::Nothing);
    let mut work = registry_workdir(&registry);

    let init = work.run_ok(&["init", "-input=false", "-no-color"]);
    let address = format!("{REGISTRY_HOST}/{SOURCE}");
    let installed_line = init
        .stdout
        .lines()
        .find(|line| line.contains(&format!("Installed {address} v{}", artifacts.version)))
        .unwrap_or_else(|| panic!("init did not report the installation:\n{init}"));
    assert!(
        installed_line.contains("self-signed"),
        "Terraform must call a package signed by an unknown developer key self-signed: {installed_line}"
    );
    assert!(
        installed_line.contains(&release.key.key_id),
        "the install line names the signing key {}: {installed_line}",
        release.key.key_id
    );

    let requests = registry.requests();
    for expected in [
        "versions".to_owned(),
        format!(
            "file {}",
            artifacts.zip.file_name().unwrap().to_string_lossy()
        ),
        format!(
            "file {}.sig",
            artifacts.shasums.file_name().unwrap().to_string_lossy()
        ),
    ] {
        assert!(
            requests.contains(&expected),
            "no {expected:?} in {requests:?}"
        );
    }

    // A signed install records the package's h1 plus every line of the signed SUMS as zh:.
    let entry = lock_entry(&work, &address);
    let mut hashes = hashes_in(&entry);
    hashes.sort();
    let manifest_sha256 = sha256_hex(&std::fs::read(&artifacts.manifest).unwrap());
    let mut expected = vec![
        artifacts.h1.clone(),
        format!("zh:{}", artifacts.zip_sha256),
        format!("zh:{manifest_sha256}"),
    ];
    expected.sort();
    assert_eq!(hashes, expected, "lock entry:\n{entry}");

    apply_and_destroy_one_time_pin(&mut work);
}

#[test]
fn install_from_registry_rejects_a_swapped_zip() {
    let release = signed_release();
    for tamper in [Tamper::ZipOnly, Tamper::ZipAndAdvertisedHash] {
        let registry = Registry::start(release, tamper);
        let work = registry_workdir(&registry);
        let init = work.run_err(&["init", "-input=false", "-no-color"]);
        let text = init.combined().to_lowercase();
        assert!(
            text.contains("checksum") || text.contains("sha256"),
            "{tamper:?}: the failure should name the checksum mismatch:\n{init}"
        );
        assert_nothing_installed(&work, &init);
    }
}

#[test]
fn install_from_registry_rejects_a_signature_by_another_key() {
    let release = signed_release();
    let registry = Registry::start(release, Tamper::SignatureByOtherKey);
    let work = registry_workdir(&registry);
    let init = work.run_err(&["init", "-input=false", "-no-color"]);
    assert!(
        init.combined().to_lowercase().contains("signature"),
        "the failure should name the signature:\n{init}"
    );
    assert_nothing_installed(&work, &init);
    assert!(
        registry
            .requests()
            .iter()
            .any(|r| r.ends_with("_SHA256SUMS.sig")),
        "Terraform fetched the signature before refusing it"
    );
}

#[test]
fn release_artifacts_have_the_registry_layout() {
    let release = signed_release();
    let artifacts = &release.artifacts;
    let version = &artifacts.version;
    let platform = Platform::host().unwrap();
    let name = |path: &Path| path.file_name().unwrap().to_string_lossy().into_owned();

    assert_eq!(
        name(&artifacts.zip),
        format!(
            "terraform-provider-cloudflare-access_{version}_{}_{}.zip",
            platform.os, platform.arch
        )
    );
    assert_eq!(
        name(&artifacts.shasums),
        format!("terraform-provider-cloudflare-access_{version}_SHA256SUMS")
    );
    assert_eq!(
        name(artifacts.signature.as_ref().unwrap()),
        format!("terraform-provider-cloudflare-access_{version}_SHA256SUMS.sig")
    );
    assert_eq!(
        std::fs::read_to_string(&artifacts.manifest).unwrap(),
        std::fs::read_to_string(repository_root().join("terraform-registry-manifest.json"))
            .unwrap()
    );

    // The zip holds exactly the binary under its versioned name, executable: its h1 equals
    // Hash1 over that single file, which no extra entry (not even a directory) would allow.
    let entries = release::zip_entries(&artifacts.zip).unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        entries[0].name,
        format!("terraform-provider-cloudflare-access_v{version}")
    );
    assert_eq!(entries[0].unix_mode.map(|mode| mode & 0o777), Some(0o755));
    let binary_sha256 = sha256_hex(&std::fs::read(&release.binary).unwrap());
    assert_eq!(
        xtask::hash::hash1([(entries[0].name.clone(), binary_sha256)]).unwrap(),
        artifacts.h1
    );
    assert_eq!(
        h1_zip(&artifacts.zip).unwrap(),
        artifacts.h1,
        "xtask h1 of the zip agrees"
    );

    // sha256sum format, sorted, covering the zip and the manifest.
    let sums = std::fs::read_to_string(&artifacts.shasums).unwrap();
    let manifest_sha256 = sha256_hex(&std::fs::read(&artifacts.manifest).unwrap());
    let mut expected = [
        format!("{}  {}", artifacts.zip_sha256, name(&artifacts.zip)),
        format!("{manifest_sha256}  {}", name(&artifacts.manifest)),
    ];
    expected.sort_by(|a, b| a[66..].cmp(&b[66..]));
    assert_eq!(sums, format!("{}\n", expected.join("\n")));

    // The binary really reports the version it is released as.
    let output = Command::new(&release.binary)
        .arg("--version")
        .output()
        .expect("run the provider binary");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && text.contains(version.as_str()),
        "--version printed {text:?}"
    );
    assert!(!terraform().version.is_empty());
}
