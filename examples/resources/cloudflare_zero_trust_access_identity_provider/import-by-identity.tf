import {
  to = cloudflare_zero_trust_access_identity_provider.github
  identity = {
    account_id = var.cloudflare_account_id
    id         = "0cbd4f8a-1f05-4b7c-9d4e-6f2a3b5c7d9e"
  }
}

# A zone-level identity provider names its zone instead:
import {
  to = cloudflare_zero_trust_access_identity_provider.zone_pin
  identity = {
    zone_id = var.cloudflare_zone_id
    id      = "5d2c7a1e-9b3f-4e8d-a6c0-1f4b8e2d7c93"
  }
}
