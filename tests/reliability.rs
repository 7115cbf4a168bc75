//! Reliability cases at the level users meet them: the built provider under real Terraform
//! against a hostile or broken API, and the security checks of what Terraform writes and logs.
//! Each case prints what it counted or measured; the figures are collected in RELIABILITY.md.

mod hostile_api;
mod security;
