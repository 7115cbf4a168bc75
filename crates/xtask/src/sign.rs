//! Detached GPG signatures for `SHA256SUMS`, made with the system `gpg` (GnuPG).
//!
//! The key comes from the environment, the way release pipelines usually hand it over:
//!
//! * `GPG_PRIVATE_KEY`: an ASCII-armored secret key, imported into a throwaway keyring
//!   (a temporary `GNUPGHOME`) that is deleted afterwards; `PASSPHRASE` unlocks it if needed.
//!   `GPG_FINGERPRINT` may pick one key when the armor holds several.
//! * `GPG_FINGERPRINT` alone: a key already in the keyring (`GNUPGHOME` or `~/.gnupg`).
//!
//! The passphrase travels to gpg over a pipe, never on a command line.

use anyhow::{bail, Context, Result};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Environment variable holding an ASCII-armored private key.
pub const ENV_PRIVATE_KEY: &str = "GPG_PRIVATE_KEY";
/// Environment variable naming the key (fingerprint or key ID) to sign with.
pub const ENV_FINGERPRINT: &str = "GPG_FINGERPRINT";
/// Environment variable holding the key's passphrase.
pub const ENV_PASSPHRASE: &str = "PASSPHRASE";

/// A key ready to sign with.
pub struct Signer {
    gpg: PathBuf,
    /// Full fingerprint of the signing key (uppercase hex).
    pub fingerprint: String,
    home: Option<OsString>,
    passphrase: Option<String>,
    // Held so the imported keyring lives exactly as long as the signer.
    temp_home: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("fingerprint", &self.fingerprint)
            .field("home", &self.home)
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Finds `gpg`, or explains how to install it.
pub fn find_gpg() -> Result<PathBuf> {
    let from_env = std::env::var_os("GPG").map(PathBuf::from);
    let candidates = from_env.into_iter().chain(["gpg".into(), "gpg2".into()]);
    for candidate in candidates {
        let works = Command::new(&candidate)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if works {
            return Ok(candidate);
        }
    }
    bail!(
        "gpg (GnuPG) is needed to sign the release but was not found on PATH. \
         Install it (Debian/Ubuntu: `apt-get install -y gnupg`, macOS: `brew install gnupg`) \
         or pass --unsigned for a local, unpublishable build."
    )
}

impl Signer {
    /// A signer from `GPG_PRIVATE_KEY` / `GPG_FINGERPRINT` / `PASSPHRASE`, or an error that
    /// says what to set.
    pub fn from_env() -> Result<Self> {
        let private_key = std::env::var(ENV_PRIVATE_KEY)
            .ok()
            .filter(|k| !k.trim().is_empty());
        let fingerprint = std::env::var(ENV_FINGERPRINT)
            .ok()
            .filter(|f| !f.trim().is_empty());
        let passphrase = std::env::var(ENV_PASSPHRASE).ok().filter(|p| !p.is_empty());
        match (private_key, fingerprint) {
            (Some(armored), selected) => Self::import(&armored, selected.as_deref(), passphrase),
            (None, Some(selected)) => Self::from_keyring(None, &selected, passphrase),
            (None, None) => bail!(
                "refusing to build an unsigned release: set {ENV_FINGERPRINT} to a key in your \
                 GPG keyring, or {ENV_PRIVATE_KEY} to an ASCII-armored private key (with \
                 {ENV_PASSPHRASE} if it has one). Pass --unsigned for a local build that no \
                 registry will accept."
            ),
        }
    }

    /// Uses a key already in a keyring: `home` (a `GNUPGHOME`), or gpg's default
    /// (`GNUPGHOME` from the environment, else `~/.gnupg`) when `None`.
    pub fn from_keyring(
        home: Option<&Path>,
        selector: &str,
        passphrase: Option<String>,
    ) -> Result<Self> {
        let gpg = find_gpg()?;
        let home = home.map(|h| h.as_os_str().to_owned());
        let fingerprint = secret_key_fingerprint(&gpg, home.as_ref(), Some(selector))?;
        Ok(Self {
            gpg,
            fingerprint,
            home,
            passphrase,
            temp_home: None,
        })
    }

    /// Imports an armored private key into a throwaway keyring.
    pub fn import(
        armored: &str,
        selector: Option<&str>,
        passphrase: Option<String>,
    ) -> Result<Self> {
        let gpg = find_gpg()?;
        let temp_home = tempfile::Builder::new()
            .prefix("xtask-gnupg-")
            .tempdir()
            .context("creating a temporary GNUPGHOME")?;
        restrict_permissions(temp_home.path())?;
        let home = temp_home.path().as_os_str().to_owned();
        // Importing a secret key needs no passphrase (GnuPG 2.1+); signing does.
        let mut child = Command::new(&gpg)
            .env("GNUPGHOME", &home)
            .args(["--batch", "--import"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("running gpg --import")?;
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(armored.as_bytes())?;
        let output = child.wait_with_output()?;
        if !output.status.success() {
            bail!(
                "gpg could not import {ENV_PRIVATE_KEY}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let fingerprint = secret_key_fingerprint(&gpg, Some(&home), selector)?;
        Ok(Self {
            gpg,
            fingerprint,
            home: Some(home),
            passphrase,
            temp_home: Some(temp_home),
        })
    }

    /// Writes a binary detached signature of `file` to `signature`, then checks it.
    pub fn sign_detached(&self, file: &Path, signature: &Path) -> Result<()> {
        let mut command = self.command();
        command.args(["--batch", "--yes", "--local-user", &self.fingerprint]);
        if self.passphrase.is_some() {
            command.args(["--pinentry-mode", "loopback", "--passphrase-fd", "0"]);
        }
        command
            .arg("--output")
            .arg(signature)
            .arg("--detach-sign")
            .arg(file);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("running gpg --detach-sign")?;
        {
            let mut stdin = child.stdin.take().expect("stdin is piped");
            if let Some(pass) = &self.passphrase {
                writeln!(stdin, "{pass}")?;
            }
        }
        let output = child.wait_with_output()?;
        if !output.status.success() {
            bail!(
                "gpg could not sign {}: {}",
                file.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let verify = self
            .command()
            .args(["--batch", "--verify"])
            .arg(signature)
            .arg(file)
            .output()
            .context("running gpg --verify")?;
        if !verify.status.success() {
            bail!(
                "the signature gpg just made does not verify: {}",
                String::from_utf8_lossy(&verify.stderr).trim()
            );
        }
        Ok(())
    }

    /// The signing key's public half, ASCII-armored (what a registry serves as `ascii_armor`).
    pub fn public_key_armor(&self) -> Result<String> {
        let output = self
            .command()
            .args(["--batch", "--armor", "--export", &self.fingerprint])
            .output()
            .context("running gpg --export")?;
        if !output.status.success() || output.stdout.is_empty() {
            bail!(
                "gpg could not export the public key: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8(output.stdout)?)
    }

    /// The long (16 hex digit) key ID, as registries list it.
    pub fn key_id(&self) -> &str {
        &self.fingerprint[self.fingerprint.len().saturating_sub(16)..]
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.gpg);
        if let Some(home) = &self.home {
            command.env("GNUPGHOME", home);
        }
        command
    }
}

impl Drop for Signer {
    fn drop(&mut self) {
        // A throwaway keyring started its own gpg-agent; stop it before the directory goes.
        if let (Some(home), Some(_)) = (&self.home, &self.temp_home) {
            let _ = Command::new("gpgconf")
                .env("GNUPGHOME", home)
                .args(["--kill", "gpg-agent"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// The fingerprint of the single secret key matching `selector` (or the only secret key).
fn secret_key_fingerprint(
    gpg: &Path,
    home: Option<&OsString>,
    selector: Option<&str>,
) -> Result<String> {
    let mut command = Command::new(gpg);
    if let Some(home) = home {
        command.env("GNUPGHOME", home);
    }
    command.args(["--batch", "--with-colons", "--list-secret-keys"]);
    if let Some(selector) = selector {
        command.arg(selector);
    }
    let output = command.output().context("running gpg --list-secret-keys")?;
    if !output.status.success() {
        bail!(
            "no GPG secret key matches {:?}: {}",
            selector.unwrap_or("(any)"),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let fingerprints = primary_fingerprints(&String::from_utf8_lossy(&output.stdout));
    match fingerprints.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!(
            "no GPG secret key matches {:?}",
            selector.unwrap_or("(any)")
        ),
        many => bail!(
            "{} secret keys match {:?}; set {ENV_FINGERPRINT} to one of: {}",
            many.len(),
            selector.unwrap_or("(any)"),
            many.join(", ")
        ),
    }
}

/// Fingerprints of primary keys in `gpg --with-colons` output (the `fpr` line after `sec`).
fn primary_fingerprints(colons: &str) -> Vec<String> {
    let mut fingerprints = Vec::new();
    let mut after_primary = false;
    for line in colons.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        match fields.first().copied() {
            Some("sec") => after_primary = true,
            Some("fpr") if after_primary => {
                if let Some(fpr) = fields.get(9) {
                    fingerprints.push(fpr.to_ascii_uppercase());
                }
                after_primary = false;
            }
            Some("ssb" | "sub") => after_primary = false,
            _ => {}
        }
    }
    fingerprints
}

#[cfg(unix)]
fn restrict_permissions(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

#[cfg(not(unix))]
fn restrict_permissions(_dir: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_fingerprints_skip_subkeys() {
        let colons = "\
sec:u:3072:1:AAAABBBBCCCCDDDD:1700000000:::u:::scESC:::+:::23::0:
fpr:::::::::0123456789ABCDEF0123456789ABCDEFAAAABBBB:
grp:::::::::ABCDEF:
uid:u::::1700000000::HASH::Test <t@example.test>::::::::::0:
ssb:u:3072:1:1111222233334444:1700000000::::::e:::+:::23:
fpr:::::::::99999999999999999999999999991111222233334444:
";
        assert_eq!(
            primary_fingerprints(colons),
            vec!["0123456789ABCDEF0123456789ABCDEFAAAABBBB".to_owned()]
        );
    }

    #[test]
    fn debug_hides_the_passphrase() {
        let signer = Signer {
            gpg: "gpg".into(),
            fingerprint: "ABCD".into(),
            home: None,
            passphrase: Some("correct horse".into()),
            temp_home: None,
        };
        let shown = format!("{signer:?}");
        assert!(!shown.contains("correct horse"));
        assert!(shown.contains("<redacted>"));
    }
}
