//! Builds the binaries the benchmarks run the way a user builds them: `cargo build --release`
//! in a target directory of their own. The binaries `cargo bench` builds itself have the
//! dev-dependencies' features switched on (tokio's `full`, for one), so they are not what users
//! run.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The provider's executable name.
pub const PROVIDER: &str = "terraform-provider-cloudflare-access";
/// The same-schema floor (`benches/floor/main.rs`).
pub const FLOOR: &str = "terraform-provider-bench-floor";
/// The mock API.
pub const MOCK: &str = "cloudflare-mock";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cargo_build(args: &[&str], target_dir: &Path, what: &str) {
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "--locked"])
        .args(args)
        .arg("--manifest-path")
        .arg(root().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir)
        .status()
        .expect("start cargo");
    assert!(status.success(), "building {what} failed: {status}");
}

/// Builds the named binaries of this package (release profile, no dev-dependency features)
/// and, when `with_mock` is set, the mock in a cargo run of its own so that its dependencies'
/// features do not leak into the provider's. Returns the directory holding them.
pub fn build_as_installed(binaries: &[&str], with_mock: bool) -> PathBuf {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("as-installed");
    let mut args = vec!["-p", "terraform-provider-cloudflare"];
    for binary in binaries {
        args.extend(["--bin", binary]);
    }
    cargo_build(&args, &target_dir, "the provider");
    if with_mock {
        cargo_build(&["-p", MOCK, "--bin", MOCK], &target_dir, "the mock");
    }
    let dir = target_dir.join("release");
    for binary in binaries.iter().copied().chain(with_mock.then_some(MOCK)) {
        assert!(
            dir.join(binary).is_file(),
            "{} was not built",
            dir.join(binary).display()
        );
    }
    dir
}
