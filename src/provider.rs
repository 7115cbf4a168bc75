//! The `cloudflare` provider: its schema, its configuration, and the resources it offers.
