# An identity provider that belongs to an account:
$ terraform import cloudflare_zero_trust_access_identity_provider.example 'accounts/<account_id>/<identity_provider_id>'

# An identity provider that belongs to a zone:
$ terraform import cloudflare_zero_trust_access_identity_provider.example 'zones/<zone_id>/<identity_provider_id>'
