//! Where the repository is and what it says about itself (version, manifest).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The provider binary's name (`terraform-provider-<type>` for its registry type); the binary and every release file start with it.
pub const PROVIDER_NAME: &str = "terraform-provider-cloudflare-access";

/// The cargo package that builds the provider binary.
pub const PACKAGE_NAME: &str = "terraform-provider-cloudflare";

/// The repository root (the directory holding the workspace `Cargo.toml`).
pub fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .and_then(Path::parent)
        .expect("crates/xtask sits two levels below the repository root");
    root.to_path_buf()
}

/// The provider version: `[package] version` of the root `Cargo.toml`, the same value the
/// binary reports through `CARGO_PKG_VERSION`.
pub fn provider_version(root: &Path) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let manifest: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    manifest
        .get("package")
        .and_then(|package| package.get("version"))
        .and_then(|version| version.as_str())
        .map(str::to_owned)
        .with_context(|| format!("{} has no [package] version", path.display()))
}

/// The registry manifest file at the root, shipped as `<name>_<version>_manifest.json`.
pub fn registry_manifest(root: &Path) -> PathBuf {
    root.join("terraform-registry-manifest.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_matches_the_provider_crate() {
        let version = provider_version(&root()).unwrap();
        assert_eq!(version, terraform_provider_cloudflare_version());
    }

    fn terraform_provider_cloudflare_version() -> String {
        // The provider crate is a dependency, but its CARGO_PKG_VERSION is only visible
        // inside it; reading the manifest through cargo's own view keeps this honest.
        let output = std::process::Command::new(env!("CARGO"))
            .args([
                "metadata",
                "--no-deps",
                "--format-version",
                "1",
                "--offline",
            ])
            .current_dir(root())
            .output()
            .expect("cargo metadata runs");
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == PACKAGE_NAME)
            .unwrap()["version"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}
