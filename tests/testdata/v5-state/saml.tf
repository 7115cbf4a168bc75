resource "cloudflare_zero_trust_access_identity_provider" "saml" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "Corporate SAML"
  type       = "saml"
  config = {
    issuer_url           = "https://idp.example.com/saml/metadata"
    sso_target_url       = "https://idp.example.com/saml/sso"
    idp_public_certs     = ["MIIBszCCAVmgAwIBAgIUfixtureCertificateForStateTestsOnly0wCgYIKoZIzj0EAwIwFjEUMBIGA1UEAwwLaWRwLmV4YW1wbGU="]
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
