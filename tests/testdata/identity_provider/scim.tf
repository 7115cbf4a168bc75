resource "cloudflare_zero_trust_access_identity_provider" "test" {
  account_id = "{{account_id}}"
  name       = "{{name}}"
  type       = "{{type}}"
  config = {{config}}
  scim_config = {{scim_config}}
}
