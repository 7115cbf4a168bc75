//! What every resource and data source shares, whatever object it manages: typed models of
//! Terraform values, account/zone scopes and import IDs, the steps each CRUD call starts with,
//! and how API errors and the object are worded in messages.

pub mod crud;
pub mod import_id;
pub mod model;
pub mod values;

/// How messages name one kind of object, so that shared messages speak of it and not of some
/// other resource.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    /// The object in running text, e.g. `identity provider`.
    pub noun: &'static str,
    /// The object in Title Case summaries, e.g. `Identity Provider`.
    pub title: &'static str,
    /// The placeholder for its ID in import IDs, e.g. `identity_provider_id`.
    pub id_name: &'static str,
    /// The Terraform type of the resource that manages it.
    pub type_name: &'static str,
    /// The API token permission that covers writing it, as Cloudflare's token editor names it.
    pub write_permission: &'static str,
    /// The API token permission enough to read it.
    pub read_permission: &'static str,
    /// What to do when Cloudflare answers 409 Conflict for it.
    pub conflict_advice: &'static str,
}
