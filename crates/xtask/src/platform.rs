//! Go's names for operating systems and architectures, which Terraform uses in release file
//! names, registry URLs and filesystem-mirror paths (`linux_amd64`, `darwin_arm64`, ...).

use anyhow::{bail, Result};

/// An `os`/`arch` pair in Go's spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// `linux`, `darwin`, `windows`, `freebsd`, ...
    pub os: String,
    /// `amd64`, `arm64`, `386`, `arm`, ...
    pub arch: String,
}

impl Platform {
    /// The platform this program was compiled for.
    pub fn host() -> Result<Self> {
        Ok(Self {
            os: go_os(std::env::consts::OS)?.to_owned(),
            arch: go_arch(std::env::consts::ARCH)?.to_owned(),
        })
    }

    /// `os_arch`, as in release file names and mirror directories.
    pub fn dir_name(&self) -> String {
        format!("{}_{}", self.os, self.arch)
    }

    /// The suffix executables carry on this platform.
    pub fn exe_suffix(&self) -> &'static str {
        if self.os == "windows" {
            ".exe"
        } else {
            ""
        }
    }
}

fn go_os(rust_os: &str) -> Result<&'static str> {
    Ok(match rust_os {
        "linux" => "linux",
        "macos" => "darwin",
        "windows" => "windows",
        "freebsd" => "freebsd",
        "openbsd" => "openbsd",
        "netbsd" => "netbsd",
        "solaris" => "solaris",
        other => bail!("no Terraform platform name known for OS {other:?}; pass --os"),
    })
}

fn go_arch(rust_arch: &str) -> Result<&'static str> {
    Ok(match rust_arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        other => bail!("no Terraform platform name known for architecture {other:?}; pass --arch"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_map_to_go_names() {
        assert_eq!(go_os("macos").unwrap(), "darwin");
        assert_eq!(go_arch("x86_64").unwrap(), "amd64");
        assert_eq!(go_arch("aarch64").unwrap(), "arm64");
        assert!(go_arch("riscv64").is_err());
        let host = Platform::host().unwrap();
        assert_eq!(host.dir_name(), format!("{}_{}", host.os, host.arch));
    }
}
