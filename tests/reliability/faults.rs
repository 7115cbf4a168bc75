//! Faults at scale: N identity providers through apply, a refreshing plan, an update of every
//! one and a destroy, while the mock injects one kind of fault at random with the provider's
//! default settings. After every step: no failed run, no orphan, no duplicate, state equal to the
//! API; at the end an empty mock.

use super::{many, report, tail, Audit, Sizes, Totals};
use crate::support::{Acc, Mock};
use cloudflare_mock::{Fault, FaultKind, RateLimit};
use std::time::{Duration, Instant};

/// Cloudflare's budget, which the mock enforces by default: 1200 requests per 300 s per
/// credential.
const DEFAULT_BUDGET: u32 = 1200;
/// The budget the mock gets for runs that would spend more than Cloudflare's in one window. A
/// run of 200 sends about 1,400 requests before retries (a create, two refreshes, an update and a
/// delete per object); at the default budget the provider would rightly pace the rest over the
/// next window, which would measure the 5-minute wait rather than the faults.
const RAISED_BUDGET: u32 = 6000;
const WINDOW: Duration = Duration::from_secs(300);

/// `probability` per request, on `operation` (`None`: every Cloudflare route).
fn sometimes(operation: Option<&str>, kind: FaultKind, probability: f64) -> Fault {
    Fault {
        probability,
        ..Fault::always(operation, kind)
    }
}

/// 10% of requests answered with a 5xx: 500, 502, 503 and 504 each drawn in turn with the
/// chance that makes one of the four fire on 10% of requests.
#[test]
fn server_errors_10_percent() {
    let each = 1.0 - 0.9_f64.powf(0.25);
    let faults = [500, 502, 503, 504]
        .into_iter()
        .map(|status| sometimes(None, FaultKind::ServerError(status), each))
        .collect();
    run_case("10% 5xx (500/502/503/504) on every request", faults);
}

/// 5% of requests answered 429 with `Retry-After: 1`.
#[test]
fn too_many_requests_5_percent() {
    let faults = vec![sometimes(
        None,
        FaultKind::TooManyRequests {
            retry_after_secs: 1,
        },
        0.05,
    )];
    run_case("5% 429 with Retry-After: 1 on every request", faults);
}

/// 2% of connections closed before the request is handled.
#[test]
fn dropped_connections_2_percent() {
    let faults = vec![sometimes(None, FaultKind::DropConnection, 0.02)];
    run_case("2% connections dropped before handling", faults);
}

/// 1% of creates, updates and deletes carried out, then the connection closed without an answer:
/// the retry must neither duplicate a create nor fail on the object its lost delete removed.
#[test]
fn drop_after_commit_1_percent() {
    let faults = ["create", "update", "delete"]
        .into_iter()
        .map(|operation| sometimes(Some(operation), FaultKind::DropAfterCommit, 0.01))
        .collect();
    run_case(
        "1% of POST, PUT and DELETE committed, then the connection dropped",
        faults,
    );
}

/// Every request delayed by a random 5 to 400 ms, so answers come back out of order.
#[test]
fn latency_jitter() {
    let faults = vec![Fault::always(
        None,
        FaultKind::LatencyJitter {
            min: Duration::from_millis(5),
            max: Duration::from_millis(400),
        },
    )];
    run_case("latency jitter, 5-400 ms on every request", faults);
}

const APPLY: &[&str] = &["apply", "-input=false", "-no-color", "-auto-approve"];
const DESTROY: &[&str] = &["destroy", "-input=false", "-no-color", "-auto-approve"];
const REFRESH_PLAN: &[&str] = &["plan", "-input=false", "-no-color", "-detailed-exitcode"];

/// Runs the four steps `Sizes::fault_runs` times, each run with a fresh mock holding `faults`,
/// printing every step's counts, then asserts that all of them are zero.
fn run_case(description: &str, faults: Vec<Fault>) {
    let sizes = Sizes::from_env();
    let n = sizes.fault_objects;
    let budget = if n > 100 {
        RAISED_BUDGET
    } else {
        DEFAULT_BUDGET
    };
    report(&format!(
        "{description}; N = {n}, {} run(s), {}; default provider settings; mock budget \
         {budget} requests per {} s{}",
        sizes.fault_runs,
        sizes.label(),
        WINDOW.as_secs(),
        if budget == DEFAULT_BUDGET {
            " (Cloudflare's)".to_owned()
        } else {
            format!(" (raised from Cloudflare's {DEFAULT_BUDGET}; see RELIABILITY.md)")
        }
    ));
    let mut totals = Totals::default();
    let mut empty_at_end = 0;
    let started = Instant::now();
    for run in 1..=sizes.fault_runs {
        let mock = Mock::start();
        let control = mock.control();
        control.set_rate_limit(Some(RateLimit {
            requests: budget,
            window: WINDOW,
        }));
        let t = Acc::with_mock(mock);
        for fault in &faults {
            control.add_fault(fault.clone());
        }
        let label = format!("run {run}/{}", sizes.fault_runs);
        let clean_end = run_steps(&t, n, &label, &mut totals);
        let requests: u64 = control.request_counts().values().sum();
        let throttled = control.throttled_total();
        // Whatever the run left behind is destroyed without faults; the harness then requires
        // an empty mock.
        control.clear_faults();
        t.finish();
        if clean_end {
            empty_at_end += 1;
        }
        report(&format!(
            "{label}: {requests} requests ({throttled} answered 429), mock empty after the \
             destroy: {}",
            if clean_end { "yes" } else { "no" }
        ));
    }
    report(&format!(
        "total over {} run(s): failed runs {}, orphans {}, duplicates {}, state≠API {}, mock \
         empty at the end {empty_at_end}/{}; {:.0} s",
        sizes.fault_runs,
        totals.failed_runs,
        totals.orphans,
        totals.duplicates,
        totals.mismatched,
        sizes.fault_runs,
        started.elapsed().as_secs_f64()
    ));
    assert!(
        totals.zeros() && empty_at_end == sizes.fault_runs,
        "{description}: expected zeros, got:\n{}",
        totals.problems.join("\n")
    );
}

/// Apply, refreshing plan, update, destroy. Returns whether the destroy left the mock empty;
/// a step that fails ends the run (counted as failed) and leaves the clean-up to the caller.
fn run_steps(t: &Acc, n: usize, label: &str, totals: &mut Totals) -> bool {
    let step = |totals: &mut Totals, name: &str, args: &[&str], ok_codes: &[i32]| -> bool {
        let started = Instant::now();
        let output = t.run(args);
        let seconds = started.elapsed().as_secs_f64();
        let context = format!("{label} {name}");
        let ok = output
            .code()
            .is_some_and(|code| ok_codes.contains(&code) && !output.timed_out);
        if !ok {
            report(&format!("{context}: FAILED after {seconds:.1} s"));
            totals.fail(
                &context,
                format!(
                    "terraform {} ended with {:?}:\n{}",
                    args.join(" "),
                    output.code(),
                    tail(&output.combined(), 40)
                ),
            );
            return false;
        }
        let audit = Audit::of(t);
        report(&format!(
            "{context}: ok in {seconds:.1} s; {}",
            audit.counts()
        ));
        totals.add(&context, &audit);
        if audit.is_clean() {
            audit.assert_full_match(t);
        }
        true
    };

    t.write_main_tf(&many(t, n, "Reliability", "rel"));
    if !step(totals, "apply", APPLY, &[0]) {
        return false;
    }
    expect_objects(t, n, label, "apply", totals);
    // Exit code 0: the refreshing plan is empty; 2 would be a diff, which counts as a failure.
    if !step(totals, "refresh plan", REFRESH_PLAN, &[0]) {
        return false;
    }
    t.write_main_tf(&many(t, n, "Reliability renamed", "renamed"));
    if !step(totals, "update", APPLY, &[0]) {
        return false;
    }
    expect_objects(t, n, label, "update", totals);
    let renamed = t
        .mock
        .control()
        .objects()
        .iter()
        .filter(|o| {
            o["name"]
                .as_str()
                .is_some_and(|name| name.starts_with("Reliability renamed "))
        })
        .count();
    if renamed != n {
        totals.fail(
            &format!("{label} update"),
            format!("{renamed} of {n} objects carry the new name"),
        );
    }
    if !step(totals, "destroy", DESTROY, &[0]) {
        return false;
    }
    let left = t.mock.control().object_count();
    if left != 0 {
        totals.fail(
            &format!("{label} destroy"),
            format!("the mock still holds {left} object(s)"),
        );
    }
    left == 0
}

/// After an apply, state and API must each hold exactly `n`.
fn expect_objects(t: &Acc, n: usize, label: &str, step: &str, totals: &mut Totals) {
    let in_api = t.mock.control().object_count();
    let in_state = t.state_addresses().len();
    if in_api != n || in_state != n {
        totals.fail(
            &format!("{label} {step}"),
            format!("expected {n} objects, the API holds {in_api} and state {in_state}"),
        );
    }
}
