//! The managed resource types, one folder each, named after the Terraform type without its
//! `cloudflare_` prefix.
