# This provider runs next to Cloudflare's official one, the way google-beta runs next to
# google: require both, and give each identity provider the line
# `provider = cloudflare-access`. Everything else stays on the official provider.
terraform {
  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
    }
    cloudflare-access = {
      source = "ferrotf/cloudflare-access"
    }
  }
}

# With no arguments a provider reads CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY and
# CLOUDFLARE_EMAIL) from the environment, which keeps credentials out of the configuration.
# Both providers read the same variables.
provider "cloudflare" {}

# To give this provider credentials of its own, set them in its block, e.g. from a sensitive
# variable; an argument in the block wins over the environment variable.
provider "cloudflare-access" {
  api_token = var.identity_providers_api_token
}

variable "identity_providers_api_token" {
  description = "A Cloudflare API token with the Access: Organizations, Identity Providers, and Groups Write permission."
  type        = string
  sensitive   = true
}
