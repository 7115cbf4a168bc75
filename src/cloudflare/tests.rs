//! Tests for the Cloudflare API client.
