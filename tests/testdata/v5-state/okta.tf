resource "cloudflare_zero_trust_access_identity_provider" "okta" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "Okta"
  type       = "okta"
  config = {
    client_id               = "okta-client-id"
    client_secret           = "okta-client-secret"
    okta_account            = "https://example.okta.com"
    authorization_server_id = "aus1a2b3c4d5e6f7g8h9"
    claims                  = ["groups"]
  }
}
