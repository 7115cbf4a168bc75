resource "cloudflare_zero_trust_access_identity_provider" "many" {
  count      = {{count}}
  account_id = "{{account_id}}"
  name       = "{{prefix}} ${count.index}"
  type       = "github"
  config = {
    client_id     = "Iv1.{{client}}${count.index}"
    client_secret = "github-secret-${count.index}"
  }
}
