//! The `terraform-provider-cloudflare-access` plugin binary: Terraform starts it and talks to it over
//! gRPC; `--debug`, `--version` and `--help` are for people.

use std::process::ExitCode;
use std::sync::Arc;
use terraform_provider_cloudflare::provider::CloudflareProvider;
use terraform_provider_cloudflare::server::{self, Command};

fn main() -> ExitCode {
    match Command::parse(
        std::env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned()),
    ) {
        Ok(command) => server::run(Arc::new(CloudflareProvider::default()), command),
        Err(problem) => {
            eprintln!("{problem}\n\n{}", server::usage());
            ExitCode::from(2)
        }
    }
}
