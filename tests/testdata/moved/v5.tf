terraform {
  required_providers {
    cloudflare = {
      source = "cloudflare/cloudflare"
    }
  }
}

# Ephemeral and not sensitive: a sensitive value in a write-only attribute would leave a
# sensitivity mark that the moved state (which has none) does not have, and the first plan
# would show an update that changes nothing.
variable "client_secret" {
  type      = string
  ephemeral = true
}

moved {
  from = cloudflare_access_identity_provider.pin
  to   = cloudflare_zero_trust_access_identity_provider.pin
}

moved {
  from = cloudflare_access_identity_provider.github
  to   = cloudflare_zero_trust_access_identity_provider.github
}

moved {
  from = cloudflare_access_identity_provider.saml
  to   = cloudflare_zero_trust_access_identity_provider.saml
}

moved {
  from = cloudflare_access_identity_provider.azure
  to   = cloudflare_zero_trust_access_identity_provider.azure
}

resource "cloudflare_zero_trust_access_identity_provider" "pin" {
  account_id = "{{account_id}}"
  name       = "PIN login"
  type       = "onetimepin"
  config     = {}
}

resource "cloudflare_zero_trust_access_identity_provider" "github" {
  account_id = "{{account_id}}"
  name       = "GitHub"
  type       = "github"
  config = {
    client_id        = "gh-client-id"
    client_secret_wo = var.client_secret
  }
}

resource "cloudflare_zero_trust_access_identity_provider" "saml" {
  account_id = "{{account_id}}"
  name       = "Corporate SAML"
  type       = "saml"
  config = {
    issuer_url           = "https://idp.example.com/saml/metadata"
    sso_target_url       = "https://idp.example.com/saml/sso"
    idp_public_certs     = ["{{saml_cert}}"]
    sign_request         = true
    email_attribute_name = "email"
    attributes           = ["email", "department"]
  }
}

resource "cloudflare_zero_trust_access_identity_provider" "azure" {
  account_id = "{{account_id}}"
  name       = "Entra ID"
  type       = "azureAD"
  config = {
    client_id        = "azure-client-id"
    client_secret_wo = var.client_secret
    directory_id     = "4a9e6b1d-83f2-4c57-b2d0-95e1c7a3f682"
    support_groups   = true
    claims           = ["email", "groups"]
    email_claim_name = "email"
  }
  scim_config = {
    enabled                  = true
    user_deprovision         = true
    seat_deprovision         = true
    identity_update_behavior = "automatic"
  }
}
