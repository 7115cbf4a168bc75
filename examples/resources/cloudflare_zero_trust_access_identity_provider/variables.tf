# Variables for resource.tf. Client secrets are sensitive, so Terraform redacts them in plan
# output, and ephemeral (Terraform 1.10 or later), so Terraform never stores them: they feed only
# write-only attributes. Pass them through TF_VAR_... environment variables or a secrets
# manager, never a committed file.

variable "cloudflare_account_id" {
  description = "The Cloudflare account that owns the identity providers."
  type        = string
}

variable "cloudflare_zone_id" {
  description = "The zone that owns the zone-level identity provider."
  type        = string
}

variable "saml_signing_certificate" {
  description = "The SAML identity provider's signing certificate, PEM-encoded."
  type        = string
}

variable "entra_id_client_secret" {
  description = "The client secret of the Microsoft Entra ID app registration."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "centrify_client_secret" {
  description = "The client secret of the Centrify OAuth2 client."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "facebook_client_secret" {
  description = "The client secret of the Facebook app."
  type        = string
  sensitive   = true
}

variable "github_client_secret" {
  description = "The client secret of the GitHub OAuth app."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "google_workspace_client_secret" {
  description = "The client secret of the Google Workspace OAuth client."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "google_client_secret" {
  description = "The client secret of the Google OAuth client."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "linkedin_client_secret" {
  description = "The client secret of the LinkedIn app."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "oidc_client_secret" {
  description = "The client secret of the OpenID Connect client."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "okta_client_secret" {
  description = "The client secret of the Okta app integration."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "onelogin_client_secret" {
  description = "The client secret of the OneLogin OIDC app."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "pingone_client_secret" {
  description = "The client secret of the PingOne application."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "yandex_client_secret" {
  description = "The client secret of the Yandex OAuth app."
  type        = string
  sensitive   = true
  ephemeral   = true
}
