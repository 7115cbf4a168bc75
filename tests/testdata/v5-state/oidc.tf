resource "cloudflare_zero_trust_access_identity_provider" "oidc" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "Generic OIDC"
  type       = "oidc"
  config = {
    client_id        = "oidc-client-id"
    client_secret    = "oidc-client-secret"
    auth_url         = "https://sso.example.com/oauth2/authorize"
    token_url        = "https://sso.example.com/oauth2/token"
    certs_url        = "https://sso.example.com/oauth2/keys"
    scopes           = ["openid", "email", "profile"]
    pkce_enabled     = true
    email_claim_name = "email"
  }
}
