//! Builds the `tf-provider` peer provider (`benches/peer/`) that the benchmarks compare against.
//! It is a separate cargo workspace with its own lock file, so only benchmarks ever compile it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Name of the peer's executable, as Terraform's dev_overrides expect it.
pub const PEER_BINARY_NAME: &str = "terraform-provider-peer";

fn cargo() -> Command {
    // Cargo tells the benchmarks which cargo started them; use the same toolchain.
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .unwrap_or_else(|error| panic!("{what}: cannot start cargo: {error}"));
    assert!(output.status.success(), "{what} failed: {}", output.status);
    String::from_utf8(output.stdout).expect("cargo prints UTF-8")
}

/// Builds the peer in release mode (a no-op when it is up to date) and returns its executable.
///
/// Its dependencies compile protobuf files with protoc; the one shipped by the
/// `protoc-bin-vendored` crate is used, so no system protoc is needed.
pub fn build_peer() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = root.join("benches/peer/Cargo.toml");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("peer");

    let protoc = run(
        cargo()
            .args([
                "run",
                "--quiet",
                "--release",
                "--locked",
                "-p",
                "locate-protoc",
            ])
            .arg("--manifest-path")
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target_dir),
        "locating the vendored protoc",
    );
    run(
        cargo()
            .args(["build", "--release", "--locked", "-p", PEER_BINARY_NAME])
            .arg("--manifest-path")
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target_dir)
            .env("PROTOC", protoc.trim_end()),
        "building the peer provider",
    );
    let binary = target_dir.join("release").join(PEER_BINARY_NAME);
    assert!(binary.is_file(), "{} was not built", binary.display());
    binary
}
