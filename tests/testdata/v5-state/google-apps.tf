resource "cloudflare_zero_trust_access_identity_provider" "google_apps" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "Google Workspace"
  type       = "google-apps"
  config = {
    client_id     = "google-apps-client-id"
    client_secret = "google-apps-client-secret"
    apps_domain   = "example.com"
  }
}
