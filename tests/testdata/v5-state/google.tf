resource "cloudflare_zero_trust_access_identity_provider" "google" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "Google"
  type       = "google"
  config = {
    client_id        = "google-client-id"
    client_secret    = "google-client-secret"
    claims           = ["email", "profile"]
    email_claim_name = "email"
  }
}
