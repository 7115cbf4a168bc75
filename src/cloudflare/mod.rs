//! A client for Cloudflare's REST API (v4 envelope), limited to Access identity providers.
//! It knows nothing of Terraform.
