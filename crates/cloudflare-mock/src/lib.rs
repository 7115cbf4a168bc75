//! A stateful mock of Cloudflare's Access Identity Providers API (`/client/v4/{accounts|zones}/{id}/access/identity_providers`).
//!
//! It serves the five CRUD endpoints for both scopes with the Cloudflare v4 envelope, validates
//! request bodies per identity-provider type, hides secrets the way the real API does, paginates,
//! authenticates, rate-limits per credential and can inject faults. A control surface (the
//! [`Control`] handle, also served over HTTP under `/__mock/`) lets tests seed, drift, inspect and
//! break the server. See the crate README for every behaviour and where it comes from.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = cloudflare_mock::spawn(cloudflare_mock::MockConfig::default()).await?;
//! println!("{}", server.base_url()); // http://127.0.0.1:PORT/client/v4
//! server.control().set_rate_limit(None);
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod auth;
mod config;
mod control;
mod error;
mod faults;
mod model;
mod persist;
mod routes;
mod server;
mod state;
mod validate;

pub use config::{MockConfig, DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};
pub use control::Control;
pub use faults::{Fault, FaultKind, RateLimit};
pub use server::{spawn, spawn_at, MockServer};
pub use state::MockState;

/// Builds the mock's router over `state`: the Cloudflare routes plus the `/__mock/` control routes.
///
/// The router can be driven without a socket (e.g. `tower::ServiceExt::oneshot`); only the
/// connection-dropping faults need the server loop of [`spawn`] to actually cut the connection.
pub fn app(state: MockState) -> axum::Router {
    routes::router(state.clone()).merge(control::router(state))
}
