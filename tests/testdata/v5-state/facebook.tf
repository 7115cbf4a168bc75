resource "cloudflare_zero_trust_access_identity_provider" "facebook" {
  zone_id = "a9b3c1d2e3f405162738495a6b7c8d9e"
  name    = "Facebook"
  type    = "facebook"
  config = {
    client_id     = "facebook-client-id"
    client_secret = "facebook-client-secret"
  }
}
