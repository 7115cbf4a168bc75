variable "cloudflare_account_id" {
  description = "The Cloudflare account whose identity providers to look up."
  type        = string
}
