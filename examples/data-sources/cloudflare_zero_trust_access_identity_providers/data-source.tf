# Next to Cloudflare's official provider, which has a data source of the same name, add
# `provider = cloudflare-access` to each block to use this one.

# Every identity provider of an account (up to 1000; set max_items for fewer).
data "cloudflare_zero_trust_access_identity_providers" "all" {
  account_id = var.cloudflare_account_id
}

# Only those with SCIM provisioning enabled (a string, as in Cloudflare's v5 provider).
data "cloudflare_zero_trust_access_identity_providers" "scim" {
  account_id   = var.cloudflare_account_id
  scim_enabled = "true"
}

output "identity_providers" {
  value = [
    for idp in data.cloudflare_zero_trust_access_identity_providers.all.result :
    "${idp.name} (${idp.type}, ${idp.id})"
  ]
}

output "scim_identity_provider_ids" {
  value = data.cloudflare_zero_trust_access_identity_providers.scim.result[*].id
}
