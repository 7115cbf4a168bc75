resource "cloudflare_zero_trust_access_identity_provider" "centrify" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "Centrify"
  type       = "centrify"
  config = {
    client_id        = "centrify-client-id"
    client_secret    = "centrify-client-secret"
    centrify_account = "https://abc1234.my.centrify.com"
    centrify_app_id  = "exampleapp"
  }
}
