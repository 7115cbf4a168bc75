# Next to Cloudflare's official provider, which has a data source of the same name, add
# `provider = cloudflare-access` to each block to use this one.

# Find an identity provider by its name, and by its type where names repeat. Exactly one must
# match; otherwise the error lists the candidates with their names, types and ids.
data "cloudflare_zero_trust_access_identity_provider" "okta" {
  account_id = var.cloudflare_account_id
  filter = {
    name = "Okta"
    type = "okta"
  }
}

# Or read one by its id.
data "cloudflare_zero_trust_access_identity_provider" "by_id" {
  account_id           = var.cloudflare_account_id
  identity_provider_id = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415"
}

output "okta_identity_provider_id" {
  value = data.cloudflare_zero_trust_access_identity_provider.okta.id
}

output "by_id_redirect_url" {
  value = data.cloudflare_zero_trust_access_identity_provider.by_id.config.redirect_url
}
