resource "cloudflare_zero_trust_access_identity_provider" "onetimepin" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "One-time PIN"
  type       = "onetimepin"
  config     = {}
}
