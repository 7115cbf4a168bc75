terraform {
  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
    }
  }
}

# With no arguments the provider reads CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY and
# CLOUDFLARE_EMAIL) from the environment, which keeps credentials out of the configuration.
provider "cloudflare" {}

# Or pass the token explicitly, e.g. from a sensitive variable.
provider "cloudflare" {
  alias     = "explicit"
  api_token = var.cloudflare_api_token
}

variable "cloudflare_api_token" {
  description = "A Cloudflare API token with the Access: Organizations, Identity Providers, and Groups Write permission."
  type        = string
  sensitive   = true
}
