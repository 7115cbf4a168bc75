//! A Terraform provider for Cloudflare Zero Trust Access identity providers.
//!
//! The crate is layered so that each module knows one thing:
//! `server` (go-plugin host side) → `protocol` (tfplugin6 ↔ framework) → `framework`
//! (protocol-free schema, values, diagnostics, planning) → `resources` (Terraform resources)
//! → `cloudflare` (the REST client, which knows nothing of Terraform).

mod proto;

pub mod cloudflare;
pub mod data_sources;
pub mod framework;
pub mod logging;
pub mod protocol;
pub mod provider;
pub mod resources;
pub mod server;
