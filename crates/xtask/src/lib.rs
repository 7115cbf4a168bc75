//! Repository chores that are easier to get right in Rust than in shell: packaging a release in
//! the layout the Terraform registry expects, computing the `h1:` hash Terraform writes into
//! `.terraform.lock.hcl`, and generating the registry-format docs from the provider's schema.
//!
//! The binary is a thin wrapper over [`run`], so tests can drive exactly what a person types.

pub mod cli;
pub mod docs;
pub mod hash;
pub mod platform;
pub mod release;
pub mod sign;
pub mod workspace;

pub use cli::run;
