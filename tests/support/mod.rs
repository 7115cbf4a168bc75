//! The acceptance-test harness: it drives the real `terraform` binary (see [`terraform`] for
//! how it is found) against the provider binary cargo built for this test run, with a fresh
//! Cloudflare API mock per test.
//!
//! A test is one function:
//!
//! ```ignore
//! #[test]
//! fn identity_provider_onetimepin_basic() {
//!     acceptance(|t| {
//!         t.write_main_tf(&t.render(r#"resource "..." "x" { account_id = "{{account_id}}" ... }"#));
//!         t.apply();
//!         t.assert_empty_plans_after_apply();
//!         t.import_verify("...x", &format!("accounts/{}/{id}", t.account_id), &[]);
//!     }); // then: destroy, and the mock must hold no object
//! }
//! ```

// Each test uses a different part of the harness; what one module leaves unused is not dead.
#![allow(dead_code)]

pub mod flatmap;
pub mod hcl;
pub mod mock;
pub mod plan;
pub mod plugin;
pub mod terraform;
pub mod tls;
pub mod workdir;

// Re-exported for the test modules; not every test uses every one.
#[allow(unused_imports)]
pub use hcl::{quote, render, testdata};
pub use mock::Mock;
#[allow(unused_imports)]
pub use plan::{PlanSummary, ResourceChange};
#[allow(unused_imports)]
pub use terraform::{terraform, Output};
pub use workdir::{ProviderInstallation, Workdir, PROVIDER_ADDRESS, PROVIDER_BINARY};

use std::ops::{Deref, DerefMut};

/// The resource type this provider offers.
pub const RESOURCE_TYPE: &str = "cloudflare_zero_trust_access_identity_provider";

/// Runs one acceptance test: a fresh mock, a work dir whose Terraform reaches the mock through
/// `CLOUDFLARE_BASE_URL` and `CLOUDFLARE_API_TOKEN`, then `body`, then the end-of-test steps
/// terraform-plugin-testing takes (destroy whatever is still in state) plus a check that the
/// mock holds no object afterwards, which is how orphaned objects are caught.
pub fn acceptance(body: impl FnOnce(&mut Acc)) {
    let mut acc = Acc::new();
    body(&mut acc);
    acc.finish();
}

/// One acceptance test's world: the mock, the work dir (reachable through `Deref`) and the ids
/// to put in configurations.
#[derive(Debug)]
pub struct Acc {
    pub work: Workdir,
    pub mock: Mock,
    /// A random 32-hex account id, so no two tests share one even by accident.
    pub account_id: String,
    /// A random 32-hex zone id for zone-scoped resources.
    pub zone_id: String,
}

impl Acc {
    pub fn new() -> Acc {
        Acc::with_mock(Mock::start())
    }

    /// An `Acc` around a mock the test configured itself (other tokens, faults, rate limits).
    pub fn with_mock(mock: Mock) -> Acc {
        Acc::with(mock, ProviderInstallation::DevOverrides)
    }

    /// An `Acc` whose Terraform finds the providers as `installation` says.
    pub fn with_installation(installation: ProviderInstallation) -> Acc {
        Acc::with(Mock::start(), installation)
    }

    /// An `Acc` around a mock the test configured itself, with providers found as
    /// `installation` says.
    pub fn with(mock: Mock, installation: ProviderInstallation) -> Acc {
        let mut work = Workdir::with_installation(&test_name(), installation);
        // The provider's shared request window goes in the work dir, so tests never count each
        // other's requests (or a developer's own runs) through the user's cache directory.
        let window_dir = work.path().join(".harness").join("rate-limit");
        work.env("CLOUDFLARE_BASE_URL", mock.base_url())
            .env("CLOUDFLARE_API_TOKEN", mock.token())
            .env(
                "CLOUDFLARE_RATE_LIMIT_STATE_DIR",
                &window_dir.to_string_lossy(),
            );
        Acc {
            work,
            mock,
            account_id: random_id(),
            zone_id: random_id(),
        }
    }

    /// Renders `template`, filling `{{account_id}}`, `{{zone_id}}`, `{{base_url}}` and
    /// `{{api_token}}` from this test, plus `vars`.
    pub fn render(&self, template: &str) -> String {
        self.render_with(template, &[])
    }

    pub fn render_with(&self, template: &str, vars: &[(&str, &str)]) -> String {
        let mut all: Vec<(&str, &str)> = vec![
            ("account_id", &self.account_id),
            ("zone_id", &self.zone_id),
            ("base_url", self.mock.base_url()),
            ("api_token", self.mock.token()),
        ];
        all.extend_from_slice(vars);
        render(template, &all)
    }

    /// A `provider "cloudflare"` block that configures the mock through attributes instead of
    /// the environment.
    pub fn provider_block(&self) -> String {
        format!(
            "provider \"cloudflare\" {{\n  base_url  = {}\n  api_token = {}\n}}\n",
            quote(self.mock.base_url()),
            quote(self.mock.token())
        )
    }

    /// The end of every test: destroy what is in state, then require an empty mock.
    pub fn finish(self) {
        if !self.work.state_addresses().is_empty() {
            self.work.destroy();
            let left = self.work.state_addresses();
            assert!(left.is_empty(), "destroy left {left:?} in state");
        }
        let objects = self.mock.control().objects();
        assert!(
            objects.is_empty(),
            "the mock still holds {} object(s) after the test destroyed everything:\n{:#}",
            objects.len(),
            serde_json::Value::Array(objects)
        );
    }
}

impl Default for Acc {
    fn default() -> Self {
        Acc::new()
    }
}

impl Deref for Acc {
    type Target = Workdir;
    fn deref(&self) -> &Workdir {
        &self.work
    }
}

impl DerefMut for Acc {
    fn deref_mut(&mut self) -> &mut Workdir {
        &mut self.work
    }
}

/// libtest names each test's thread after the test; use it to label temp dirs.
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .map(|name| name.rsplit("::").next().unwrap_or(name).to_owned())
        .unwrap_or_else(|| "test".to_owned())
}

/// A random 32-character lowercase hex id, the shape of Cloudflare account and zone ids.
pub fn random_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod selftest;
