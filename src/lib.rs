//! A Terraform provider for Cloudflare Zero Trust Access identity providers.
//!
//! The crate is layered so that each module knows one thing:
//! `server` (go-plugin host side: handshake, TLS, stdio, logging) → `protocol` (tfplugin6
//! messages ↔ framework values, nothing else) → `framework` (Terraform's semantics without a
//! wire type: schemas, values, planning rules, the `Provider`/`Resource`/`DataSource` traits
//! and the server that applies Terraform's rules around them) → `provider` (its settings, the
//! provider block's schema, and configuration into an API client), `resources` and
//! `data_sources` (what this provider offers, with `resources::kit` shared between them) →
//! `cloudflare` (the REST client).

mod proto;

#[cfg(test)]
pub(crate) mod fuzzing;

pub mod cloudflare;
pub mod data_sources;
pub mod framework;
pub mod protocol;
pub mod provider;
pub mod resources;
pub mod server;
