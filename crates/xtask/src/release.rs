//! Release packaging in the layout the Terraform registry (and `terraform init` from a
//! registry or filesystem mirror) expects:
//!
//! ```text
//! terraform-provider-cloudflare-access_<V>_<os>_<arch>.zip     holds only terraform-provider-cloudflare-access_v<V>
//! terraform-provider-cloudflare-access_<V>_manifest.json        copy of terraform-registry-manifest.json
//! terraform-provider-cloudflare-access_<V>_SHA256SUMS           sha256sum format, zip and manifest lines
//! terraform-provider-cloudflare-access_<V>_SHA256SUMS.sig       binary detached GPG signature of the SUMS
//! ```
//!
//! The zip is reproducible: one entry, a fixed timestamp (`SOURCE_DATE_EPOCH` when set), mode
//! 0755 in the external attributes, so the same binary always yields the same `h1:` and `zh:`.

use crate::hash;
use crate::platform::Platform;
use crate::sign::Signer;
use crate::workspace::{self, PACKAGE_NAME, PROVIDER_NAME};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What to package and where.
#[derive(Debug, Clone, Default)]
pub struct ReleaseOptions {
    /// Package this binary instead of running `cargo build --release`.
    pub binary: Option<PathBuf>,
    /// Output directory (default `target/release-artifacts`).
    pub out_dir: Option<PathBuf>,
    /// Version to release (default: the root `Cargo.toml`).
    pub version: Option<String>,
    /// Target platform (default: this machine's).
    pub platform: Option<Platform>,
    /// Where the signing key comes from.
    pub signing: Signing,
    /// Do not check that `<binary> --version` reports the release version.
    pub skip_version_check: bool,
}

/// Where the signing key comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Signing {
    /// `GPG_PRIVATE_KEY` / `GPG_FINGERPRINT` / `PASSPHRASE` (see [`crate::sign`]); an error
    /// when none is set.
    #[default]
    FromEnv,
    /// A secret key in a keyring: `home` is a `GNUPGHOME` (`None`: gpg's default), `key` a
    /// fingerprint, key ID or user ID that matches exactly one secret key.
    Keyring {
        /// The GnuPG home directory.
        home: Option<PathBuf>,
        /// Which key.
        key: String,
    },
    /// No signature. Such a release can only be used from a filesystem mirror.
    Unsigned,
}

/// The files a release produced.
#[derive(Debug, Clone)]
pub struct ReleaseArtifacts {
    /// The version released.
    pub version: String,
    /// The platform packaged.
    pub platform: Platform,
    /// The zip.
    pub zip: PathBuf,
    /// The manifest copy.
    pub manifest: PathBuf,
    /// The SHA256SUMS file.
    pub shasums: PathBuf,
    /// The detached signature, unless unsigned.
    pub signature: Option<PathBuf>,
    /// Fingerprint of the signing key, unless unsigned.
    pub key_fingerprint: Option<String>,
    /// Hex SHA-256 of the zip (the lock file's `zh:` value).
    pub zip_sha256: String,
    /// `h1:` of the zip, as Terraform records it in `.terraform.lock.hcl`.
    pub h1: String,
}

/// `terraform-provider-cloudflare-access_<version>_<os>_<arch>.zip`
pub fn zip_name(version: &str, platform: &Platform) -> String {
    format!("{PROVIDER_NAME}_{version}_{}.zip", platform.dir_name())
}

/// `terraform-provider-cloudflare-access_<version>_SHA256SUMS`
pub fn shasums_name(version: &str) -> String {
    format!("{PROVIDER_NAME}_{version}_SHA256SUMS")
}

/// `terraform-provider-cloudflare-access_<version>_manifest.json`
pub fn manifest_name(version: &str) -> String {
    format!("{PROVIDER_NAME}_{version}_manifest.json")
}

/// The executable's name inside the zip: `terraform-provider-cloudflare-access_v<version>`.
pub fn executable_name(version: &str, platform: &Platform) -> String {
    format!("{PROVIDER_NAME}_v{version}{}", platform.exe_suffix())
}

/// Builds (unless given a binary), packages, hashes and signs a release.
pub fn release(options: &ReleaseOptions) -> Result<ReleaseArtifacts> {
    let root = workspace::root();
    let version = match &options.version {
        Some(version) => version.clone(),
        None => workspace::provider_version(&root)?,
    };
    let platform = match &options.platform {
        Some(platform) => platform.clone(),
        None => Platform::host()?,
    };
    let out_dir = options
        .out_dir
        .clone()
        .unwrap_or_else(|| root.join("target").join("release-artifacts"));

    // Settle the key before a long build, so a missing key fails in a second, not minutes.
    let signer = match &options.signing {
        Signing::FromEnv => Some(Signer::from_env()?),
        Signing::Keyring { home, key } => Some(Signer::from_keyring(home.as_deref(), key, None)?),
        Signing::Unsigned => {
            eprintln!("warning: unsigned release: no registry will accept it");
            None
        }
    };

    let binary = match &options.binary {
        Some(binary) => binary.clone(),
        None => build_release_binary(&root)?,
    };
    if !binary.is_file() {
        bail!("the provider binary {} does not exist", binary.display());
    }
    if !options.skip_version_check {
        check_binary_version(&binary, &version)?;
    }

    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;

    let zip = out_dir.join(zip_name(&version, &platform));
    let entry_name = executable_name(&version, &platform);
    let binary_sha256 = write_zip(&binary, &entry_name, &zip)?;

    let manifest = out_dir.join(manifest_name(&version));
    let manifest_source = workspace::registry_manifest(&root);
    std::fs::copy(&manifest_source, &manifest)
        .with_context(|| format!("copying {}", manifest_source.display()))?;

    let zip_sha256 = hash::sha256_file(&zip)?;
    let shasums = out_dir.join(shasums_name(&version));
    write_shasums(&shasums, &[&zip, &manifest])?;

    let (signature, key_fingerprint) = match &signer {
        Some(signer) => {
            let signature = PathBuf::from(format!("{}.sig", shasums.display()));
            signer.sign_detached(&shasums, &signature)?;
            (Some(signature), Some(signer.fingerprint.clone()))
        }
        None => {
            // A stale signature from an earlier signed run would not match the new SUMS.
            let stale = PathBuf::from(format!("{}.sig", shasums.display()));
            if stale.exists() {
                std::fs::remove_file(&stale)?;
            }
            (None, None)
        }
    };

    // The zip holds exactly this one entry, so its h1 follows from the binary's digest
    // without inflating the archive again (`xtask h1 <zip>` computes it from the zip itself).
    let h1 = hash::hash1([(entry_name, binary_sha256)])?;
    Ok(ReleaseArtifacts {
        version,
        platform,
        zip,
        manifest,
        shasums,
        signature,
        key_fingerprint,
        zip_sha256,
        h1,
    })
}

/// `cargo build --release` of the provider binary; returns the executable cargo reports.
fn build_release_binary(root: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building the release binary (cargo build --release)...");
    let output = Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--package",
            PACKAGE_NAME,
            "--bin",
            PROVIDER_NAME,
            "--message-format=json-render-diagnostics",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo build --release")?;
    if !output.status.success() {
        bail!("cargo build --release failed");
    }
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == PROVIDER_NAME
            && message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        {
            if let Some(executable) = message["executable"].as_str() {
                return Ok(PathBuf::from(executable));
            }
        }
    }
    bail!("cargo build did not report the {PROVIDER_NAME} executable")
}

/// Refuses to package a binary that reports another version than the release's.
fn check_binary_version(binary: &Path, version: &str) -> Result<()> {
    let output = Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {} --version", binary.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let reports_version = text
        .split(|c: char| c.is_whitespace() || c == 'v')
        .any(|word| word == version);
    if !output.status.success() || !reports_version {
        bail!(
            "{} --version printed {:?}, not version {version}; pass the binary built from this \
             tree (or --skip-version-check)",
            binary.display(),
            text.trim()
        );
    }
    Ok(())
}

/// The zip timestamp: `SOURCE_DATE_EPOCH` when set (reproducible-builds convention), else the
/// zip epoch (1980-01-01), so rebuilding the same binary gives byte-identical zips.
fn zip_timestamp() -> Result<zip::DateTime> {
    let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        return Ok(zip::DateTime::default());
    };
    let seconds: i64 = epoch
        .trim()
        .parse()
        .with_context(|| format!("SOURCE_DATE_EPOCH={epoch:?} is not a number of seconds"))?;
    let (year, month, day, hour, minute, second) =
        civil_from_unix(seconds).with_context(|| format!("SOURCE_DATE_EPOCH={epoch}"))?;
    if !(1980..=2107).contains(&year) {
        bail!("SOURCE_DATE_EPOCH={epoch} is outside the years a zip can record (1980-2107)");
    }
    zip::DateTime::from_date_and_time(year as u16, month, day, hour, minute, second)
        .map_err(|_| anyhow::anyhow!("SOURCE_DATE_EPOCH={epoch} is not a valid zip timestamp"))
}

/// UTC calendar fields of a Unix time.
fn civil_from_unix(seconds: i64) -> Result<(i64, u8, u8, u8, u8, u8)> {
    let t = time::OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|_| anyhow::anyhow!("{seconds} is outside the dates this tool can represent"))?;
    Ok((
        i64::from(t.year()),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    ))
}

/// Writes a zip holding exactly one file, `entry_name`, with the binary's bytes and mode 0755.
/// Returns the hex SHA-256 of the bytes written, read once for both.
pub fn write_zip(binary: &Path, entry_name: &str, zip_path: &Path) -> Result<String> {
    let bytes = std::fs::read(binary).with_context(|| format!("reading {}", binary.display()))?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_timestamp()?)
        .unix_permissions(0o755);
    let file = std::fs::File::create(zip_path)
        .with_context(|| format!("creating {}", zip_path.display()))?;
    let mut writer = zip::ZipWriter::new(file);
    writer.start_file(entry_name, options)?;
    writer.write_all(&bytes)?;
    writer.finish()?.sync_all()?;
    Ok(hash::sha256_hex(&bytes))
}

/// Writes `<sha256>  <file name>` lines, sorted by file name, as `sha256sum` does.
pub fn write_shasums(path: &Path, files: &[&Path]) -> Result<()> {
    let mut lines = Vec::new();
    for file in files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("{} has no UTF-8 file name", file.display()))?;
        lines.push((name.to_owned(), hash::sha256_file(file)?));
    }
    lines.sort();
    let text: String = lines
        .iter()
        .map(|(name, digest)| format!("{digest}  {name}\n"))
        .collect();
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// One entry of a zip, as [`zip_entries`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    /// The entry name.
    pub name: String,
    /// Unix mode from the external attributes, when recorded.
    pub unix_mode: Option<u32>,
    /// True for directory entries.
    pub is_dir: bool,
    /// Uncompressed size.
    pub size: u64,
}

/// Lists a zip's entries (for checking a release's layout).
pub fn zip_entries(zip_path: &Path) -> Result<Vec<ZipEntry>> {
    let file =
        std::fs::File::open(zip_path).with_context(|| format!("opening {}", zip_path.display()))?;
    let mut archive = zip::ZipArchive::new(file)?;
    let mut entries = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index(index)?;
        entries.push(ZipEntry {
            name: entry.name().to_owned(),
            unix_mode: entry.unix_mode(),
            is_dir: entry.is_dir(),
            size: entry.size(),
        });
    }
    Ok(entries)
}

/// A human-readable summary of a release, as the command prints it.
pub fn summary(artifacts: &ReleaseArtifacts) -> String {
    let mut text = format!(
        "released {PROVIDER_NAME} {} for {}\n",
        artifacts.version,
        artifacts.platform.dir_name()
    );
    let mut files = vec![&artifacts.zip, &artifacts.manifest, &artifacts.shasums];
    if let Some(signature) = &artifacts.signature {
        files.push(signature);
    }
    for file in files {
        text.push_str(&format!("  {}\n", file.display()));
    }
    text.push_str(&format!("zip sha256 (zh:): {}\n", artifacts.zip_sha256));
    text.push_str(&format!("zip h1:          {}\n", artifacts.h1));
    match &artifacts.key_fingerprint {
        Some(fingerprint) => text.push_str(&format!("signed with key: {fingerprint}\n")),
        None => text.push_str("UNSIGNED (usable from a filesystem mirror only)\n"),
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn unix_time_converts_to_utc_fields() {
        assert_eq!(civil_from_unix(0).unwrap(), (1970, 1, 1, 0, 0, 0));
        assert_eq!(
            civil_from_unix(1_700_000_000).unwrap(),
            (2023, 11, 14, 22, 13, 20)
        );
        assert_eq!(
            civil_from_unix(951_782_400).unwrap(),
            (2000, 2, 29, 0, 0, 0)
        );
        assert!(civil_from_unix(i64::MAX).is_err());
    }

    #[test]
    fn zip_holds_one_executable_entry_and_is_reproducible() {
        let temp = tempfile::tempdir().unwrap();
        let binary = temp.path().join("bin");
        std::fs::write(&binary, b"#!/bin/sh\necho hi\n").unwrap();
        let first = temp.path().join("a.zip");
        let second = temp.path().join("b.zip");
        write_zip(
            &binary,
            "terraform-provider-cloudflare-access_v1.2.3",
            &first,
        )
        .unwrap();
        write_zip(
            &binary,
            "terraform-provider-cloudflare-access_v1.2.3",
            &second,
        )
        .unwrap();
        assert_eq!(
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap()
        );

        assert_eq!(
            hash::h1_zip(&first).unwrap(),
            hash::hash1([(
                "terraform-provider-cloudflare-access_v1.2.3".to_owned(),
                hash::sha256_hex(b"#!/bin/sh\necho hi\n")
            )])
            .unwrap(),
            "a release's h1 can be computed from the binary alone"
        );

        let mut archive = zip::ZipArchive::new(std::fs::File::open(&first).unwrap()).unwrap();
        assert_eq!(archive.len(), 1);
        let mut entry = archive.by_index(0).unwrap();
        assert_eq!(entry.name(), "terraform-provider-cloudflare-access_v1.2.3");
        assert!(entry.is_file());
        assert_eq!(entry.unix_mode().map(|m| m & 0o777), Some(0o755));
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        assert_eq!(content, b"#!/bin/sh\necho hi\n");
    }

    #[test]
    fn shasums_are_sorted_sha256sum_lines() {
        let temp = tempfile::tempdir().unwrap();
        let b = temp.path().join("b.zip");
        let a = temp.path().join("a_manifest.json");
        std::fs::write(&b, b"zip").unwrap();
        std::fs::write(&a, b"{}").unwrap();
        let sums = temp.path().join("SUMS");
        write_shasums(&sums, &[&b, &a]).unwrap();
        let text = std::fs::read_to_string(&sums).unwrap();
        assert_eq!(
            text,
            format!(
                "{}  a_manifest.json\n{}  b.zip\n",
                hash::sha256_hex(b"{}"),
                hash::sha256_hex(b"zip")
            )
        );
    }

    #[test]
    fn names_follow_the_registry_convention() {
        let linux = Platform {
            os: "linux".into(),
            arch: "amd64".into(),
        };
        assert_eq!(
            zip_name("1.2.3", &linux),
            "terraform-provider-cloudflare-access_1.2.3_linux_amd64.zip"
        );
        assert_eq!(
            executable_name("1.2.3", &linux),
            "terraform-provider-cloudflare-access_v1.2.3"
        );
        let windows = Platform {
            os: "windows".into(),
            arch: "amd64".into(),
        };
        assert_eq!(
            executable_name("1.2.3", &windows),
            "terraform-provider-cloudflare-access_v1.2.3.exe"
        );
        assert_eq!(
            shasums_name("1.2.3"),
            "terraform-provider-cloudflare-access_1.2.3_SHA256SUMS"
        );
        assert_eq!(
            manifest_name("1.2.3"),
            "terraform-provider-cloudflare-access_1.2.3_manifest.json"
        );
    }
}
