//! Argument parsing and dispatch for the `xtask` commands.

use crate::platform::Platform;
use crate::release::{self, ReleaseOptions};
use crate::{docs, hash};
use anyhow::{bail, Context, Result};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p xtask -- <command>

commands:
  release [options]      package a signed release for the registry
      --binary PATH        package this binary instead of building with cargo build --release
      --out DIR            output directory (default target/release-artifacts)
      --version V          release version (default: version in the root Cargo.toml)
      --os OS --arch ARCH  target platform in Go's names (default: this machine)
      --unsigned           skip signing (filesystem mirrors only; registries refuse it)
      --skip-version-check do not require `<binary> --version` to report the version
    signing key, from the environment:
      GPG_FINGERPRINT      a secret key in the GnuPG keyring (GNUPGHOME or ~/.gnupg)
      GPG_PRIVATE_KEY      an ASCII-armored secret key, imported into a throwaway keyring
      PASSPHRASE           the key's passphrase, if it has one
  h1 PATH                print the h1: hash Terraform records for a provider zip or directory
  docs [--check]         generate docs/ from the provider schema and examples/;
                         --check fails with a diff when docs/ is out of date
  help                   this text
";

/// Runs a command line (without the program name) and returns the process exit code.
pub fn run<I, S>(args: I) -> ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    match dispatch(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[OsString]) -> Result<ExitCode> {
    let mut args = args.iter().map(|a| {
        a.to_str()
            .map(str::to_owned)
            .with_context(|| format!("argument {a:?} is not UTF-8"))
    });
    let command = args
        .next()
        .transpose()?
        .unwrap_or_else(|| "help".to_owned());
    let rest: Vec<String> = args.collect::<Result<_>>()?;
    match command.as_str() {
        "release" => {
            let options = parse_release(&rest)?;
            let artifacts = release::release(&options)?;
            print!("{}", release::summary(&artifacts));
            Ok(ExitCode::SUCCESS)
        }
        "h1" => {
            let [path] = rest.as_slice() else {
                bail!("usage: xtask h1 PATH");
            };
            println!("{}", hash::h1(&PathBuf::from(path))?);
            Ok(ExitCode::SUCCESS)
        }
        "docs" => {
            let check = match rest.as_slice() {
                [] => false,
                [flag] if flag == "--check" => true,
                _ => bail!("usage: xtask docs [--check]"),
            };
            docs::run(check)
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => {
            eprint!("{USAGE}");
            bail!("unknown command {other:?}")
        }
    }
}

fn parse_release(args: &[String]) -> Result<ReleaseOptions> {
    let mut options = ReleaseOptions::default();
    let mut os = None;
    let mut arch = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .with_context(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--binary" => options.binary = Some(PathBuf::from(value("--binary")?)),
            "--out" => options.out_dir = Some(PathBuf::from(value("--out")?)),
            "--version" => options.version = Some(value("--version")?),
            "--os" => os = Some(value("--os")?),
            "--arch" => arch = Some(value("--arch")?),
            "--unsigned" => options.signing = release::Signing::Unsigned,
            "--skip-version-check" => options.skip_version_check = true,
            other => bail!("unknown release option {other:?}\n\n{USAGE}"),
        }
    }
    if os.is_some() || arch.is_some() {
        let host = Platform::host().ok();
        let os = os.or_else(|| host.as_ref().map(|h| h.os.clone()));
        let arch = arch.or_else(|| host.as_ref().map(|h| h.arch.clone()));
        let (Some(os), Some(arch)) = (os, arch) else {
            bail!("pass both --os and --arch on this machine");
        };
        options.platform = Some(Platform { os, arch });
    }
    if let Some(version) = &options.version {
        if version.starts_with('v') || version.is_empty() {
            bail!("--version takes the bare semantic version (1.2.3), not {version:?}");
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn release_options_parse() {
        let options = parse_release(&strings(&[
            "--binary",
            "/tmp/p",
            "--out",
            "/tmp/o",
            "--unsigned",
            "--os",
            "darwin",
            "--arch",
            "arm64",
        ]))
        .unwrap();
        assert_eq!(options.binary, Some(PathBuf::from("/tmp/p")));
        assert_eq!(options.out_dir, Some(PathBuf::from("/tmp/o")));
        assert_eq!(options.signing, release::Signing::Unsigned);
        assert_eq!(
            options.platform,
            Some(Platform {
                os: "darwin".into(),
                arch: "arm64".into()
            })
        );
        assert!(parse_release(&strings(&["--version", "v1.0.0"])).is_err());
        assert!(parse_release(&strings(&["--binary"])).is_err());
        assert!(parse_release(&strings(&["--frobnicate"])).is_err());
    }

    #[test]
    fn unknown_command_fails() {
        assert_eq!(run(["nope"]), ExitCode::FAILURE);
    }
}
