resource "cloudflare_zero_trust_access_identity_provider" "azuread" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "Entra ID"
  type       = "azureAD"
  config = {
    client_id      = "azuread-client-id"
    client_secret  = "azuread-client-secret"
    directory_id   = "0f6b3c2a-7d4e-4b8a-9c1d-2e3f4a5b6c7d"
    support_groups = true
    prompt         = "select_account"
    claims         = ["groups"]
  }
  scim_config = {
    enabled                  = true
    user_deprovision         = true
    seat_deprovision         = true
    identity_update_behavior = "automatic"
  }
}
