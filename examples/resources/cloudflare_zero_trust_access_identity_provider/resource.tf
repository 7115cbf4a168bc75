# OAuth client secrets are given as `client_secret_wo` (write-only, Terraform 1.11 or later):
# the secret is sent to Cloudflare but never stored in state or in a plan file. To rotate it,
# change the variable and bump `client_secret_wo_version`. The Facebook example shows the form
# Cloudflare's v5 provider uses, `client_secret`, which keeps the secret in state.
#
# Next to Cloudflare's official provider (see the provider page), each of these blocks also
# sets `provider = cloudflare-access`; in the single-provider option they are used as written.

# One-time PIN: Cloudflare emails a login code. It takes no settings, but `config` must be
# written (as an empty object). An account can have only one.
resource "cloudflare_zero_trust_access_identity_provider" "onetimepin_login" {
  account_id = var.cloudflare_account_id
  name       = "One-time PIN login"
  type       = "onetimepin"
  config     = {}
}

# Microsoft Entra ID (Azure AD), with group support and SCIM provisioning.
resource "cloudflare_zero_trust_access_identity_provider" "entra_id" {
  account_id = var.cloudflare_account_id
  name       = "Microsoft Entra ID"
  type       = "azureAD"
  config = {
    client_id                  = "7c1f3a52-9d4e-4b8a-a0c6-2e5f8d913b47"
    client_secret_wo           = var.entra_id_client_secret
    client_secret_wo_version   = "1"
    directory_id               = "4a9e6b1d-83f2-4c57-b2d0-95e1c7a3f682"
    support_groups             = true
    conditional_access_enabled = false
    prompt                     = "select_account"
    claims                     = ["email", "groups", "preferred_username"]
    email_claim_name           = "email"
  }
  scim_config = {
    enabled                  = true
    user_deprovision         = true
    seat_deprovision         = true
    identity_update_behavior = "automatic"
  }
}

# A generic SAML 2.0 identity provider that signs requests and passes a user attribute to
# applications as a request header.
resource "cloudflare_zero_trust_access_identity_provider" "saml" {
  account_id = var.cloudflare_account_id
  name       = "Corporate SAML"
  type       = "saml"
  config = {
    issuer_url           = "https://idp.example.com/saml/metadata"
    sso_target_url       = "https://idp.example.com/saml/sso"
    idp_public_certs     = [var.saml_signing_certificate]
    sign_request         = true
    email_attribute_name = "email"
    attributes           = ["email", "department"]
    header_attributes = [
      {
        attribute_name = "department"
        header_name    = "Cf-Access-Department"
      },
    ]
  }
}

# Centrify (now Delinea).
resource "cloudflare_zero_trust_access_identity_provider" "centrify" {
  account_id = var.cloudflare_account_id
  name       = "Centrify"
  type       = "centrify"
  config = {
    client_id                = "cloudflare-access"
    client_secret_wo         = var.centrify_client_secret
    client_secret_wo_version = "1"
    centrify_account         = "https://abc1234.my.centrify.com/"
    centrify_app_id          = "cloudflare_access"
    claims                   = ["email"]
  }
}

# Facebook, here owned by a zone instead of an account, with the secret in the v5-compatible
# `client_secret` form (kept in state, like Cloudflare's v5 provider does).
resource "cloudflare_zero_trust_access_identity_provider" "facebook" {
  zone_id = var.cloudflare_zone_id
  name    = "Facebook"
  type    = "facebook"
  config = {
    client_id     = "1234567890123456"
    client_secret = var.facebook_client_secret
  }
}

# GitHub (an OAuth app).
resource "cloudflare_zero_trust_access_identity_provider" "github" {
  account_id = var.cloudflare_account_id
  name       = "GitHub"
  type       = "github"
  config = {
    client_id                = "Iv1.8a61f9b3a7aba766"
    client_secret_wo         = var.github_client_secret
    client_secret_wo_version = "1"
  }
}

# Google Workspace, restricted to one domain.
resource "cloudflare_zero_trust_access_identity_provider" "google_workspace" {
  account_id = var.cloudflare_account_id
  name       = "Google Workspace"
  type       = "google-apps"
  config = {
    client_id                = "123456789012-0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p.apps.googleusercontent.com"
    client_secret_wo         = var.google_workspace_client_secret
    client_secret_wo_version = "1"
    apps_domain              = "example.com"
    claims                   = ["email", "hd"]
    email_claim_name         = "email"
  }
}

# Any Google account.
resource "cloudflare_zero_trust_access_identity_provider" "google" {
  account_id = var.cloudflare_account_id
  name       = "Google"
  type       = "google"
  config = {
    client_id                = "123456789012-p5o4n3m2l1k0j9i8h7g6f5e4d3c2b1a0.apps.googleusercontent.com"
    client_secret_wo         = var.google_client_secret
    client_secret_wo_version = "1"
  }
}

# LinkedIn.
resource "cloudflare_zero_trust_access_identity_provider" "linkedin" {
  account_id = var.cloudflare_account_id
  name       = "LinkedIn"
  type       = "linkedin"
  config = {
    client_id                = "86a1b2c3d4e5f6"
    client_secret_wo         = var.linkedin_client_secret
    client_secret_wo_version = "1"
  }
}

# Any OpenID Connect provider, with PKCE.
resource "cloudflare_zero_trust_access_identity_provider" "oidc" {
  account_id = var.cloudflare_account_id
  name       = "Generic OIDC"
  type       = "oidc"
  config = {
    client_id                = "cloudflare-access"
    client_secret_wo         = var.oidc_client_secret
    client_secret_wo_version = "1"
    auth_url                 = "https://sso.example.com/oauth2/authorize"
    token_url                = "https://sso.example.com/oauth2/token"
    certs_url                = "https://sso.example.com/oauth2/keys"
    scopes                   = ["openid", "email", "profile", "groups"]
    pkce_enabled             = true
    claims                   = ["groups"]
    email_claim_name         = "email"
  }
}

# Okta, using a custom authorization server.
resource "cloudflare_zero_trust_access_identity_provider" "okta" {
  account_id = var.cloudflare_account_id
  name       = "Okta"
  type       = "okta"
  config = {
    client_id                = "0oa1b2c3d4e5f6g7h8i9"
    client_secret_wo         = var.okta_client_secret
    client_secret_wo_version = "1"
    okta_account             = "https://example.okta.com"
    authorization_server_id  = "aus1a2b3c4d5e6f7g8h9"
    claims                   = ["groups"]
  }
}

# OneLogin.
resource "cloudflare_zero_trust_access_identity_provider" "onelogin" {
  account_id = var.cloudflare_account_id
  name       = "OneLogin"
  type       = "onelogin"
  config = {
    client_id                = "5c1d7e8f-0a2b-4c3d-9e8f-7a6b5c4d3e2f"
    client_secret_wo         = var.onelogin_client_secret
    client_secret_wo_version = "1"
    onelogin_account         = "https://example.onelogin.com"
  }
}

# PingOne.
resource "cloudflare_zero_trust_access_identity_provider" "pingone" {
  account_id = var.cloudflare_account_id
  name       = "PingOne"
  type       = "pingone"
  config = {
    client_id                = "e3b0c442-98fc-41c4-9afb-f4c8996fb924"
    client_secret_wo         = var.pingone_client_secret
    client_secret_wo_version = "1"
    ping_env_id              = "2f5b7c1e-6d3a-4e8b-9c0f-1a2b3c4d5e6f"
  }
}

# Yandex.
resource "cloudflare_zero_trust_access_identity_provider" "yandex" {
  account_id = var.cloudflare_account_id
  name       = "Yandex"
  type       = "yandex"
  config = {
    client_id                = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    client_secret_wo         = var.yandex_client_secret
    client_secret_wo_version = "1"
  }
}

# Cloudflare's own login, limited to members of this account.
resource "cloudflare_zero_trust_access_identity_provider" "cloudflare_login" {
  account_id = var.cloudflare_account_id
  name       = "Cloudflare account members"
  type       = "cloudflare"
  config = {
    restrict_to_account_members = true
  }
}
