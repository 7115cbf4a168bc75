//! Spending Cloudflare's rate budget: concurrent Terraform runs (and another client) on one
//! token pace themselves by the API's `Ratelimit` headers without a single 429 and without
//! being much slower than the budget allows; without headers, the window the provider shares
//! between processes keeps a plan and the apply after it within the budget.
//!
//! The budget is scaled down from Cloudflare's 1200 per 300 s so that each test takes well under
//! a minute and a half; the mock scales its block after overspending with it.

use crate::support::{acceptance, Acc, Workdir};
use cloudflare_mock::RateLimit;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use terraform_provider_cloudflare::cloudflare::{Auth, Client, ClientConfig, Scope};

/// 120 requests per 30 s: a tenth of Cloudflare's budget in a tenth of its window, so three
/// applies of 100 objects need three windows. The window is long enough that Terraform's own
/// work, which the measured time includes and which a busy machine slows down, stays small next
/// to it.
const BUDGET: RateLimit = RateLimit {
    requests: 120,
    window: Duration::from_secs(30),
};
const RUNS: [&str; 3] = ["alpha", "beta", "gamma"];
/// Objects per run; 80 beside the background client, so that both tests need three windows.
const PER_RUN: usize = 100;
const PER_RUN_BESIDE_ANOTHER_CLIENT: usize = 80;

fn many_named(t: &Acc, prefix: &str, count: usize) -> String {
    t.render_with(
        r#"
resource "cloudflare_zero_trust_access_identity_provider" "github" {
  count      = {{count}}
  account_id = "{{account_id}}"
  name       = "{{prefix}} ${count.index}"
  type       = "github"
  config = {
    client_id     = "Iv1.{{prefix}}${count.index}"
    client_secret = "github-secret-${count.index}"
  }
}
"#,
        &[("count", &count.to_string()), ("prefix", prefix)],
    )
}

/// The least time `requests` can take at `budget` when the first window opens with the first
/// request: every full window but the last must pass.
fn budget_minimum(requests: u64, budget: RateLimit) -> Duration {
    let windows = requests.div_ceil(u64::from(budget.requests));
    budget.window * u32::try_from(windows.saturating_sub(1)).unwrap_or(u32::MAX)
}

/// Three work dirs with the same credentials as the test's own, each with its own `per_run`
/// identity providers.
fn three_runs(t: &Acc, per_run: usize) -> Vec<Workdir> {
    RUNS.iter()
        .map(|prefix| {
            let work = t.fresh_sibling();
            work.write_main_tf(&many_named(t, prefix, per_run));
            work
        })
        .collect()
}

/// Applies every work dir at once and returns how long until the last one finished.
fn apply_concurrently(runs: &[Workdir]) -> Duration {
    let started = Instant::now();
    let outputs: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|work| {
                scope.spawn(move || {
                    work.run(&["apply", "-input=false", "-no-color", "-auto-approve"])
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("apply thread"))
            .collect()
    });
    let elapsed = started.elapsed();
    for (work, output) in runs.iter().zip(&outputs) {
        if !output.success() {
            work.fail("a concurrent terraform apply failed", output);
        }
    }
    elapsed
}

/// Every run's objects exist exactly once, and the mock never had to refuse a request.
fn assert_all_created_once(t: &Acc, per_run: usize) {
    let control = t.mock.control();
    let names: Vec<String> = control
        .objects()
        .iter()
        .filter_map(|o| o["name"].as_str().map(str::to_owned))
        .collect();
    let distinct: BTreeSet<&String> = names.iter().collect();
    assert_eq!(
        distinct.len(),
        names.len(),
        "duplicate objects were created"
    );
    assert_eq!(names.len(), RUNS.len() * per_run, "objects in the mock");
    assert_eq!(
        control.throttled_counts().values().sum::<u64>(),
        0,
        "the mock refused requests with 429: {:?}",
        control.throttled_counts()
    );
}

/// Removes every run's objects behind Terraform's back: destroying 300 objects through
/// Terraform would add half a minute and test nothing new. The runs' states go with their work
/// dirs, and the harness still checks that the mock ends up empty.
fn clean_up(t: &Acc) {
    let control = t.mock.control();
    for object in control.objects() {
        let id = object["id"].as_str().expect("object id");
        assert!(control.remove(id));
    }
}

/// Three `terraform apply` runs of 100 objects each, at once, with one token: no failure, no
/// duplicate, no 429, and at most 1.3 times the time the budget itself requires.
#[test]
fn three_concurrent_applies_share_the_budget() {
    acceptance(|t| {
        let control = t.mock.control();
        control.set_rate_limit(Some(BUDGET));
        let runs = three_runs(t, PER_RUN);
        let elapsed = apply_concurrently(&runs);
        assert_all_created_once(t, PER_RUN);
        let requests: u64 = control.request_counts().values().sum();
        assert!(
            requests > 2 * u64::from(BUDGET.requests),
            "the runs must need more than two windows to test pacing: {requests} requests"
        );
        let minimum = budget_minimum(requests, BUDGET);
        eprintln!("{requests} requests in {elapsed:?}; the budget's minimum is {minimum:?}");
        assert!(
            elapsed.as_secs_f64() <= 1.3 * minimum.as_secs_f64(),
            "{requests} requests took {elapsed:?}; the budget allows them in {minimum:?}"
        );
        clean_up(t);
    });
}

/// Three runs (of 80 objects) while another client with the same token keeps asking for a
/// third of the budget: what it spends shows up only in the headers the runs receive, and
/// nobody gets a 429. The other client paces by the headers too (it is this provider's API
/// client), so when the budget runs low it waits its turn instead of being refused; it still
/// gets a tenth of the budget or more through (about a quarter on a quiet machine).
#[test]
fn concurrent_applies_share_the_budget_with_another_client() {
    acceptance(|t| {
        let control = t.mock.control();
        control.set_rate_limit(Some(BUDGET));
        let stop = AtomicBool::new(false);
        let background_requests = AtomicU64::new(0);
        let base_url = t.mock.base_url().to_owned();
        let token = t.mock.token().to_owned();
        let account = t.account_id.clone();
        let runs = three_runs(t, PER_RUN_BESIDE_ANOTHER_CLIENT);
        let (elapsed, requests, spent) = std::thread::scope(|scope| {
            let background = scope
                .spawn(|| spend_a_third(&base_url, &token, &account, &stop, &background_requests));
            // Let it spend for a moment first, as a tool already running would have.
            std::thread::sleep(Duration::from_secs(1));
            let started = Instant::now();
            let _ = apply_concurrently(&runs);
            let elapsed = started.elapsed();
            let counts = control.request_counts();
            stop.store(true, Ordering::Relaxed);
            background.join().expect("background client");
            // The runs only create; every list request (one per page) is the background's.
            (elapsed, counts.values().sum::<u64>(), counts["list"])
        });
        assert_all_created_once(t, PER_RUN_BESIDE_ANOTHER_CLIENT);
        assert!(background_requests.load(Ordering::Relaxed) > 0);
        let windows = elapsed.as_secs_f64() / BUDGET.window.as_secs_f64();
        assert!(
            spent as f64 >= 0.1 * f64::from(BUDGET.requests) * windows,
            "the background client was starved: {spent} requests in {elapsed:?}"
        );
        assert!(
            requests > 2 * u64::from(BUDGET.requests),
            "the runs must need more than two windows to test pacing: {requests} requests"
        );
        let minimum = budget_minimum(requests, BUDGET);
        eprintln!(
            "{requests} requests ({spent} from the background client) in {elapsed:?}; the \
             budget's minimum is {minimum:?}"
        );
        assert!(
            elapsed.as_secs_f64() <= 1.3 * minimum.as_secs_f64(),
            "{requests} requests (background included) took {elapsed:?}; the budget allows \
             them in {minimum:?}"
        );
        clean_up(t);
    });
}

/// A client of its own (this provider's API client, so it too paces by the headers) that asks
/// to list identity providers at a third of the budget's rate until `stop`.
fn spend_a_third(base_url: &str, token: &str, account: &str, stop: &AtomicBool, sent: &AtomicU64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut config = ClientConfig::new(Auth::Token(token.to_owned()), "background-tool/1.0");
        config.base_url = base_url.to_owned();
        let client = Client::new(config).expect("client");
        let scope = Scope::Account(account.to_owned());
        let every = BUDGET.window / (BUDGET.requests / 3);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !stop.load(Ordering::Relaxed) {
            tick.tick().await;
            client
                .list_identity_providers(&scope)
                .await
                .expect("the background client's request");
            sent.fetch_add(1, Ordering::Relaxed);
        }
    });
}

/// No rate-limit headers: a `terraform plan` and the `terraform apply` right after it (and the
/// apply before both) are separate provider processes, and only the window they share through
/// the state directory keeps them within the budget together.
#[test]
fn plan_then_apply_stay_within_the_budget_without_headers() {
    acceptance(|t| {
        let budget = RateLimit {
            requests: 30,
            window: Duration::from_secs(10),
        };
        let control = t.mock.control();
        control.set_rate_limit(Some(budget));
        control.set_rate_limit_headers(false);
        t.env("CLOUDFLARE_RATE_LIMIT_BUDGET", "30/10");
        let count = 20;
        let started = Instant::now();
        t.write_main_tf(&many_named(t, "before", count));
        t.apply();
        t.write_main_tf(&many_named(t, "after", count));
        t.run_ok(&["plan", "-input=false", "-no-color"]);
        t.apply();
        let elapsed = started.elapsed();

        let requests: u64 = control.request_counts().values().sum();
        assert!(
            requests > 2 * u64::from(budget.requests),
            "the three runs together must need more than the budget: {requests} requests"
        );
        assert_eq!(
            control.throttled_counts().values().sum::<u64>(),
            0,
            "the mock refused requests with 429: {:?}",
            control.throttled_counts()
        );
        assert!(
            elapsed >= budget.window * 2,
            "{requests} requests at 30 per 10 s cannot fit in {elapsed:?}"
        );
        let names: BTreeSet<String> = control
            .objects()
            .iter()
            .filter_map(|o| o["name"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(names.len(), count);
        assert!(
            names.iter().all(|name| name.starts_with("after ")),
            "{names:?}"
        );
        let window_files: Vec<_> = std::fs::read_dir(t.path().join(".harness").join("rate-limit"))
            .expect("the shared window directory")
            .flatten()
            .collect();
        assert_eq!(
            window_files.len(),
            1,
            "one window for one token and API root"
        );
        let text = std::fs::read_to_string(window_files[0].path()).expect("window file");
        assert!(!text.contains(t.mock.token()));

        control.set_rate_limit(None);
        t.env("CLOUDFLARE_RATE_LIMIT_BUDGET", "1200/300");
    });
}
