//! A Cloudflare API mock for one test, served from a runtime of its own so that synchronous
//! tests can block on Terraform while the mock keeps answering the provider.

use cloudflare_mock::{Control, MockConfig, MockServer};
use tokio::runtime::Runtime;

/// A running `cloudflare_mock` server; shut down when dropped. For synchronous tests: it owns a
/// runtime, which cannot be started or dropped inside another one (`#[tokio::test]`).
#[derive(Debug)]
pub struct Mock {
    server: Option<MockServer>,
    runtime: Runtime,
    base_url: String,
    token: String,
}

impl Mock {
    /// A fresh mock with the default configuration (one API token, `DEFAULT_TOKEN`).
    pub fn start() -> Mock {
        Mock::start_with(MockConfig::default())
    }

    pub fn start_with(config: MockConfig) -> Mock {
        let token = config
            .tokens
            .first()
            .cloned()
            .unwrap_or_else(|| cloudflare_mock::DEFAULT_TOKEN.to_owned());
        // One worker thread serves the mock while the test thread waits on Terraform.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("cloudflare-mock")
            .enable_all()
            .build()
            .expect("build the mock's runtime");
        let server = runtime
            .block_on(cloudflare_mock::spawn(config))
            .expect("start the Cloudflare mock");
        let base_url = server.base_url();
        Mock {
            server: Some(server),
            runtime,
            base_url,
            token,
        }
    }

    /// `http://127.0.0.1:PORT/client/v4`, what `CLOUDFLARE_BASE_URL` points at.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API token the provider should use.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The mock's control handle: seed, drift, faults, counters.
    pub fn control(&self) -> Control {
        self.server.as_ref().expect("the mock is running").control()
    }

    /// For async helpers that need the mock's runtime (rarely needed by tests).
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}
