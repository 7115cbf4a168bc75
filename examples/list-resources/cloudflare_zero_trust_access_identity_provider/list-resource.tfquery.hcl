# Every identity provider of an account (run `terraform query`):
list "cloudflare_zero_trust_access_identity_provider" "all" {
  provider = cloudflare
  config {
    account_id = var.cloudflare_account_id
  }
}

# Only the Azure AD logins of the same account, with all their attributes:
list "cloudflare_zero_trust_access_identity_provider" "azure" {
  provider         = cloudflare
  include_resource = true
  config {
    account_id = var.cloudflare_account_id
    type       = "azureAD"
  }
}
