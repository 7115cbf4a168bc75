resource "cloudflare_zero_trust_access_identity_provider" "test" {
  {{owner_attribute}} = "{{owner_id}}"
  name = "{{name}}"
  type = "{{type}}"
  config = {{config}}
}
