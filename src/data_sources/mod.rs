//! The data source types, one folder each, named after the Terraform type without its
//! `cloudflare_` prefix, plus what they share (`kit`). A new one needs its folder, a line in
//! [`all`], and its example under `examples/data-sources/<type>/data-source.tf` (the docs
//! generator reads it from there).

pub mod kit;
pub mod zero_trust_access_identity_provider;
pub mod zero_trust_access_identity_providers;

use crate::framework::DataSource;
use kit::Scoped;
use std::sync::Arc;

/// Every data source type the provider offers.
pub fn all() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(Scoped(
            zero_trust_access_identity_provider::ZeroTrustAccessIdentityProviderDataSource,
        )),
        Arc::new(Scoped(
            zero_trust_access_identity_providers::ZeroTrustAccessIdentityProvidersDataSource,
        )),
    ]
}
