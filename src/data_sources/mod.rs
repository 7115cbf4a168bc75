//! The data source types, one folder each, named after the Terraform type without its
//! `cloudflare_` prefix. A new one needs its folder, a line in [`all`], and its example under
//! `examples/data-sources/<type>/data-source.tf` (the docs generator reads it from there).

use crate::framework::DataSource;
use std::sync::Arc;

/// Every data source type the provider offers.
pub fn all() -> Vec<Arc<dyn DataSource>> {
    Vec::new()
}
