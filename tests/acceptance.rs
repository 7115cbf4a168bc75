//! The acceptance suite: one test binary that drives the real `terraform` (found as described in
//! `support::terraform`) against the provider binary cargo builds alongside it, with a fresh
//! Cloudflare API mock per test. Run it with `scripts/test --acceptance-only`, or
//! `cargo test --test acceptance [FILTER]` with a Terraform on PATH.

// The harness: declarative cases of steps (`support::case`), version gates, work dirs, Terraform
// runner, plan/state helpers, mock, plugin and TLS clients. Its own unit tests and checks of the
// step runner against Terraform's built-in resources live there too.
mod support;

// The provider as a plugin: schemas as Terraform reads them, logging, shutdown, the human-run
// message, mTLS, debug mode. Tests of go-plugin or tfplugin6 behaviour belong here.
mod provider_protocol;

// The identity provider resource end to end: every type's lifecycle, scopes, drift, SCIM, secrets, invalid input, scale, identity and query.
mod identity_provider;

// The data sources end to end: paging, max_items, lookups by id and by name.
mod data_sources;

// Next to Cloudflare's official provider: both in one configuration, and objects moved between
// the two addresses (v5 state fixtures, `provider =` changes, `terraform state replace-provider`).
mod coexistence;

// Installing the packaged provider the way users do: filesystem mirror and a signed registry.
mod install;

// The HCL under examples/: formatted, applies against the mock, import IDs as documented.
mod examples;

// scripts/dev: the printed exports, in a new shell, apply a configuration of one's own.
mod dev_session;

// Reliability (RELIABILITY.md): faults at scale, Ctrl-C, a killed provider and its recovery, the
// provider against hostile or broken APIs, and security checks of logs, state and plan files and
// the plugin's mTLS. Small by default; RELIABILITY_FULL=1 for the published sizes
// (scripts/reliability).
mod reliability;
