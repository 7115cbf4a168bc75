//! A small time-bounded fuzzing loop for the `fuzz_*` tests: seeded cases, panics caught and
//! counted, and a watchdog that fails the run when one case stops making progress (a hang).
//!
//! Sizing: `FUZZ_SECONDS` (default 3) per target; `FUZZ_SEED` replays a run, since case `n`
//! of a seed always draws the same input. Every run prints its target, seed, counts and time.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::framework::{Number, Type, Value};

/// Default time per target: small enough for every CI run.
const DEFAULT_SECONDS: f64 = 3.0;

/// One case taking longer than this is a hang.
const HANG_AFTER: Duration = Duration::from_secs(10);

/// What a run did.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Cases tried.
    pub(crate) cases: u64,
    /// Cases whose input the target accepted.
    pub(crate) accepted: u64,
    /// Cases that panicked.
    pub(crate) crashes: u64,
    /// The first crashing case, for replay.
    pub(crate) first_crash: Option<u64>,
}

/// How a case went, as the target saw it.
pub(crate) enum Verdict {
    /// The input was taken (decoded, parsed...).
    Accepted,
    /// The input was refused with an error.
    Rejected,
}

/// The time budget per target, from `FUZZ_SECONDS`.
pub(crate) fn budget() -> Duration {
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(DEFAULT_SECONDS);
    Duration::from_secs_f64(seconds)
}

/// The run's seed: `FUZZ_SEED`, or one drawn from the clock.
pub(crate) fn seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

/// The generator of case `case` under `seed`.
pub(crate) fn case_rng(seed: u64, case: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Runs `case` on fresh inputs until the budget is spent, then prints the counts and fails on any
/// crash. A case that does not return within [`HANG_AFTER`] fails the run as a hang.
pub(crate) fn run<F>(target: &str, case: F) -> Report
where
    F: FnMut(&mut StdRng) -> Verdict + Send + 'static,
{
    let seed = seed();
    let budget = budget();
    let current = Arc::new(AtomicU64::new(0));
    let started_case = Arc::new(AtomicU64::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    let epoch = Instant::now();
    let worker = {
        let current = current.clone();
        let started_case = started_case.clone();
        let finished = finished.clone();
        let mut case = case;
        std::thread::spawn(move || {
            let mut report = Report::default();
            while epoch.elapsed() < budget {
                let n = report.cases;
                current.store(n, Ordering::Relaxed);
                started_case.store(epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
                let mut rng = case_rng(seed, n);
                match catch_unwind(AssertUnwindSafe(|| case(&mut rng))) {
                    Ok(Verdict::Accepted) => report.accepted += 1,
                    Ok(Verdict::Rejected) => {}
                    Err(_) => {
                        report.crashes += 1;
                        report.first_crash.get_or_insert(n);
                    }
                }
                report.cases += 1;
            }
            finished.store(true, Ordering::Relaxed);
            report
        })
    };
    while !finished.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
        let since = epoch
            .elapsed()
            .saturating_sub(Duration::from_millis(started_case.load(Ordering::Relaxed)));
        assert!(
            finished.load(Ordering::Relaxed) || since < HANG_AFTER,
            "{target}: hang: case {} of seed {seed} ran for more than {HANG_AFTER:?} \
             (replay with FUZZ_SEED={seed})",
            current.load(Ordering::Relaxed)
        );
    }
    let report = worker.join().expect("the fuzz loop itself does not panic");
    let took = epoch.elapsed();
    println!(
        "fuzz {target}: {} cases in {:.1}s ({} accepted, {} rejected), {} crashes, 0 hangs, seed {seed}",
        report.cases,
        took.as_secs_f64(),
        report.accepted,
        report.cases - report.accepted - report.crashes,
        report.crashes,
    );
    assert_eq!(
        report.crashes, 0,
        "{target}: {} of {} cases panicked; the first was case {:?} (replay with FUZZ_SEED={seed})",
        report.crashes, report.cases, report.first_crash
    );
    assert!(report.cases > 0, "{target}: no case ran");
    report
}

/// `len` random bytes.
pub(crate) fn bytes(rng: &mut StdRng, max_len: usize) -> Vec<u8> {
    let len = rng.random_range(0..=max_len);
    (0..len).map(|_| rng.random()).collect()
}

/// `valid` with a few bytes replaced, inserted or removed, and possibly cut short.
pub(crate) fn mutate(rng: &mut StdRng, valid: &[u8]) -> Vec<u8> {
    let mut out = valid.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        if out.is_empty() {
            out.push(rng.random());
            continue;
        }
        let at = rng.random_range(0..out.len());
        match rng.random_range(0..4) {
            0 => out[at] = rng.random(),
            1 => out.insert(at, rng.random()),
            2 => {
                out.remove(at);
            }
            _ => {
                // Interesting bytes: msgpack length markers, JSON structure, extremes.
                const SPECIAL: &[u8] =
                    b"\x00\xff\xc0\xc1\xd4\xdc\xdd\xde\xdf\xc4\xc6\xcb\x7f\x80\x90\x9f{}[]\":,\\";
                out[at] = SPECIAL[rng.random_range(0..SPECIAL.len())];
            }
        }
    }
    if rng.random_bool(0.2) && !out.is_empty() {
        out.truncate(rng.random_range(0..out.len()));
    }
    out
}

/// Random printable-ish text with a bias towards the characters parsers care about.
pub(crate) fn text(rng: &mut StdRng, max_len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let len = rng.random_range(0..=max_len);
    (0..len)
        .map(|_| {
            if rng.random_bool(0.05) {
                // Anything at all, including multi-byte and control characters.
                char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}')
            } else {
                chars[rng.random_range(0..chars.len())]
            }
        })
        .collect()
}

/// A random, mostly valid value of `ty`, at most `depth` levels deep.
pub(crate) fn value_of(rng: &mut StdRng, ty: &Type, depth: u32) -> Value {
    if rng.random_bool(0.1) {
        return Value::Null;
    }
    match ty {
        Type::Bool => Value::Bool(rng.random()),
        Type::Number => Value::Number(match rng.random_range(0..3) {
            0 => Number::from(rng.random::<i64>()),
            1 => Number::from(rng.random::<f64>() * 1e6),
            _ => Number::parse("123456789012345678901234567890.5").expect("a decimal"),
        }),
        Type::String => Value::String(text(rng, 12, "abc/%é\"\\\u{0}")),
        Type::List(element) | Type::Set(element) => {
            let items = if depth == 0 {
                Vec::new()
            } else {
                (0..rng.random_range(0..3))
                    .map(|_| value_of(rng, element, depth - 1))
                    .collect()
            };
            if matches!(ty, Type::List(_)) {
                Value::List(items)
            } else {
                // Sets hold distinct elements.
                let mut distinct: Vec<Value> = Vec::new();
                for item in items {
                    if !distinct.contains(&item) {
                        distinct.push(item);
                    }
                }
                Value::Set(distinct)
            }
        }
        Type::Map(element) => Value::Map(if depth == 0 {
            Default::default()
        } else {
            (0..rng.random_range(0..3))
                .map(|i| (format!("k{i}"), value_of(rng, element, depth - 1)))
                .collect()
        }),
        Type::Object { attributes, .. } => Value::Object(
            attributes
                .iter()
                .map(|(name, ty)| {
                    let value = if depth == 0 {
                        Value::Null
                    } else {
                        value_of(rng, ty, depth - 1)
                    };
                    (name.clone(), value)
                })
                .collect(),
        ),
        Type::Tuple(elements) => Value::Tuple(
            elements
                .iter()
                .map(|ty| value_of(rng, ty, depth.saturating_sub(1)))
                .collect(),
        ),
        Type::Dynamic => Value::Dynamic(
            Box::new(Type::String),
            Box::new(Value::String("dyn".into())),
        ),
    }
}
