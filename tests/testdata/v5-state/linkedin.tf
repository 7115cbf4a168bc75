resource "cloudflare_zero_trust_access_identity_provider" "linkedin" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "LinkedIn"
  type       = "linkedin"
  config = {
    client_id     = "linkedin-client-id"
    client_secret = "linkedin-client-secret"
  }
}
