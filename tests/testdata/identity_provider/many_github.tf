resource "cloudflare_zero_trust_access_identity_provider" "github" {
  count      = {{count}}
  account_id = "{{account_id}}"
  name       = "GitHub team ${count.index}"
  type       = "github"
  config = {
    client_id     = "Iv1.team${count.index}"
    client_secret = "github-secret-${count.index}"
  }
}
