//! This provider next to Cloudflare's official one: a configuration using both addresses, and
//! moving existing objects from `cloudflare/cloudflare` to `ferrotf/cloudflare-access` and back.

// Both providers in one configuration; the official one is a test-only stand-in.
mod side_by_side;

// v5-written state moved to this provider with `provider =` or `terraform state replace-provider`.
mod moves;

/// Cloudflare's official provider as state files name it.
pub const OFFICIAL_ADDRESS: &str = "registry.terraform.io/cloudflare/cloudflare";

/// The `provider_name` of `address` in `terraform show -json` output.
pub fn provider_of(state: &serde_json::Value, address: &str) -> String {
    state["values"]["root_module"]["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|resource| resource["address"] == address)
        .and_then(|resource| resource["provider_name"].as_str())
        .unwrap_or_else(|| panic!("{address} is not in state:\n{state:#}"))
        .to_owned()
}
