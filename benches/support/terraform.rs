//! Finds the Terraform build a benchmark runs and reads its version, the way the acceptance
//! harness does: `TF_ACC_TERRAFORM_PATH`, else `terraform` on `PATH`, else the build that
//! `scripts/install-terraform` puts under `.tools/`.

use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALLED_TERRAFORM: &str = ".tools/terraform-1.15.5/terraform";

pub fn locate_terraform() -> PathBuf {
    if let Some(explicit) = std::env::var_os("TF_ACC_TERRAFORM_PATH").filter(|v| !v.is_empty()) {
        return PathBuf::from(explicit);
    }
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(found) = std::env::split_paths(&path)
            .map(|dir| dir.join("terraform"))
            .find(|candidate| candidate.is_file())
        {
            return found;
        }
    }
    let installed = Path::new(env!("CARGO_MANIFEST_DIR")).join(INSTALLED_TERRAFORM);
    assert!(
        installed.is_file(),
        "no Terraform: set TF_ACC_TERRAFORM_PATH, put terraform on PATH, or run \
         scripts/install-terraform"
    );
    installed
}

pub fn terraform_version(terraform: &Path) -> String {
    let output = Command::new(terraform)
        .args(["version", "-json"])
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", terraform.display()));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "`{} version -json` did not print JSON ({err})",
            terraform.display()
        )
    });
    json["terraform_version"]
        .as_str()
        .unwrap_or("unknown")
        .to_owned()
}
