resource "cloudflare_zero_trust_access_identity_provider" "pingone" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "PingOne"
  type       = "pingone"
  config = {
    client_id     = "pingone-client-id"
    client_secret = "pingone-client-secret"
    ping_env_id   = "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e"
  }
}
