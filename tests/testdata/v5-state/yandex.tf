resource "cloudflare_zero_trust_access_identity_provider" "yandex" {
  account_id = "7c5dae5552338874e5053f2534d2767a"
  name       = "Yandex"
  type       = "yandex"
  config = {
    client_id     = "yandex-client-id"
    client_secret = "yandex-client-secret"
  }
}
