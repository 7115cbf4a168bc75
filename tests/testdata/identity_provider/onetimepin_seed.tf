variable "cloudflare_account_id" {
  type = string
}

resource "cloudflare_zero_trust_access_identity_provider" "onetimepin_login" {
  account_id = var.cloudflare_account_id
  name       = "One-time PIN login"
  type       = "onetimepin"
  config     = {}
}
