//! The `terraform-provider-cloudflare` plugin binary.
fn main() {}
