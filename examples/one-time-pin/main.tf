# A one-time PIN login method: Cloudflare emails a code to the address the user enters.
# scripts/demo applies this configuration against the mock Cloudflare API (or, with --real,
# against your account).

# The provider is installed from its own address under the local name `cloudflare-access`; the
# resource picks it with `provider = cloudflare-access`. Cloudflare's official provider can sit
# next to it as `cloudflare` (see examples/provider/provider.tf).
terraform {
  required_providers {
    cloudflare-access = {
      source = "ferrotf/cloudflare-access"
    }
  }
}

# Credentials come from CLOUDFLARE_API_TOKEN; CLOUDFLARE_BASE_URL points the provider at
# another API endpoint (the demo's mock).
provider "cloudflare-access" {}

variable "cloudflare_account_id" {
  description = "The Cloudflare account that owns the login method."
  type        = string
}

resource "cloudflare_zero_trust_access_identity_provider" "onetimepin_login" {
  provider   = cloudflare-access
  account_id = var.cloudflare_account_id
  name       = "One-time PIN login"
  type       = "onetimepin"
  config     = {}
}

output "identity_provider_id" {
  description = "The identity provider's ID."
  value       = cloudflare_zero_trust_access_identity_provider.onetimepin_login.id
}

output "redirect_url" {
  description = "The callback URL Cloudflare Access uses for this login method."
  value       = cloudflare_zero_trust_access_identity_provider.onetimepin_login.config.redirect_url
}
