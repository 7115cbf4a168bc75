//! The managed resource types, one folder each, named after the Terraform type without its
//! `cloudflare_` prefix, plus what they share (`kit`, and mapping API errors to diagnostics).

pub mod api_error;
pub mod kit;
pub mod zero_trust_access_identity_provider;

use crate::framework::{ListResource, Resource};
use std::sync::Arc;

/// Every resource type the provider offers.
pub fn all() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(
        zero_trust_access_identity_provider::ZeroTrustAccessIdentityProviderResource::new(),
    )]
}

/// Every list resource type the provider offers (for `terraform query`); each lists the
/// managed resource type of the same name.
pub fn all_lists() -> Vec<Arc<dyn ListResource>> {
    vec![Arc::new(
        zero_trust_access_identity_provider::list::ZeroTrustAccessIdentityProviderList::new(),
    )]
}
