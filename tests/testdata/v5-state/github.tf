resource "cloudflare_zero_trust_access_identity_provider" "github" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "GitHub"
  type       = "github"
  config = {
    client_id     = "github-client-id"
    client_secret = "github-client-secret"
  }
}
