resource "cloudflare_zero_trust_access_identity_provider" "onelogin" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "OneLogin"
  type       = "onelogin"
  config = {
    client_id        = "onelogin-client-id"
    client_secret    = "onelogin-client-secret"
    onelogin_account = "https://example.onelogin.com"
  }
}
