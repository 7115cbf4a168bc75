//! When the next request may go out, judged from the API's latest account of the budget.
//!
//! Every response with `Ratelimit` headers says how many requests are left and when the window
//! resets. The newest such answer (by send order) is the basis; every request sent after it is
//! assumed to be spent already, whether answered or still in flight. From that estimate:
//! comfortable means full speed, low means the rest is spread evenly until the reset, and at the
//! reserve nothing goes out until the reset. Before the first answer only one request is sent,
//! and an API that sends no headers hands the decision to the local [`super::window::Window`].

use std::time::Duration;

use tokio::time::Instant;

use super::headers::Reading;

/// Added to every announced reset, because `t` is rounded to whole seconds and a request that
/// arrives a moment before the real reset is refused.
pub(crate) const RESET_MARGIN: Duration = Duration::from_millis(500);

/// How long the first request may go unanswered before another one is sent to find out, so
/// that one slow request does not hold everything else back.
pub(crate) const PROBE_PATIENCE: Duration = Duration::from_secs(5);

/// The pacing state of one budget.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    /// How many requests have been let through so far; a request's sequence number is the count
    /// after it.
    sent: u64,
    source: Source,
    /// When the last request was let through, for spreading.
    last_sent: Option<Instant>,
}

#[derive(Debug, Default)]
enum Source {
    /// Nothing known yet.
    #[default]
    Unknown,
    /// One request (this sequence number, sent then) is out to find out.
    Probing(u64, Instant),
    /// The API reports the budget.
    Reported(Basis),
    /// The API answered without reporting it: the local window decides.
    Unreported,
}

#[derive(Debug, Clone)]
struct Basis {
    /// Sequence number of the request whose answer this is.
    seq: u64,
    remaining: u64,
    reset_at: Instant,
    quota: Option<u64>,
    window: Option<Duration>,
}

/// What a caller should do now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Send; the request has this sequence number.
    Send(u64),
    /// Send this sequence number as the probe; record it in the local window without waiting.
    Probe(u64),
    /// Ask the local window, then call [`Pacer::sent_by_window`].
    AskWindow,
    /// Wait until then (or until an answer changes the picture).
    WaitUntil(Instant),
    /// Wait for the probe's answer.
    WaitForAnswer,
}

/// Requests kept back in every window, for other clients' requests that are in flight and not
/// yet visible in the counts this client has seen.
pub(crate) fn reserve(quota: u64) -> u64 {
    (quota / 40).max(2).min(quota.saturating_sub(1))
}

/// Below this many remaining requests pacing starts. It leaves room for other clients' requests
/// in flight (a parallelism of 10 each) while this client still sends at full speed.
pub(crate) fn low_mark(quota: u64) -> u64 {
    (quota / 4).max(reserve(quota) + 1)
}

impl Pacer {
    /// The decision for a request that wants to go out at `now`. `assumed_quota` stands in
    /// for the quota when the API does not name one.
    pub(crate) fn decide(&mut self, now: Instant, assumed_quota: u64) -> Step {
        if let Source::Reported(basis) = &self.source {
            if now >= basis.reset_at {
                self.source = match (basis.quota, basis.window) {
                    // A fresh window, as the API will report it on the next answer.
                    (Some(quota), Some(window)) => Source::Reported(Basis {
                        seq: self.sent,
                        remaining: quota,
                        reset_at: now + window,
                        quota: Some(quota),
                        window: Some(window),
                    }),
                    _ => Source::Unknown,
                };
            }
        }
        match &self.source {
            Source::Unknown => self.probe(now),
            Source::Probing(_, since)
                if now.saturating_duration_since(*since) >= PROBE_PATIENCE =>
            {
                self.probe(now)
            }
            Source::Probing(..) => Step::WaitForAnswer,
            Source::Unreported => Step::AskWindow,
            Source::Reported(basis) => {
                let quota = basis.quota.unwrap_or(assumed_quota);
                let estimate = basis
                    .remaining
                    .saturating_sub(self.sent.saturating_sub(basis.seq));
                let reserve = reserve(quota);
                if estimate <= reserve {
                    return Step::WaitUntil(basis.reset_at);
                }
                if estimate > low_mark(quota) {
                    return Step::Send(self.issue(now));
                }
                // One slot more than there are requests, so the last one goes out before the
                // reset rather than at it.
                let slots = u32::try_from(estimate - reserve + 1).unwrap_or(u32::MAX);
                let interval = basis.reset_at.saturating_duration_since(now) / slots;
                match self.last_sent {
                    Some(last) if last + interval > now => Step::WaitUntil(last + interval),
                    _ => Step::Send(self.issue(now)),
                }
            }
        }
    }

    fn probe(&mut self, now: Instant) -> Step {
        let seq = self.issue(now);
        self.source = Source::Probing(seq, now);
        Step::Probe(seq)
    }

    /// The local window let a request through.
    pub(crate) fn sent_by_window(&mut self, now: Instant) -> u64 {
        self.issue(now)
    }

    fn issue(&mut self, now: Instant) -> u64 {
        self.sent += 1;
        self.last_sent = Some(now);
        self.sent
    }

    /// Takes in what the answer to request `seq` said (`reading`), received at `now`.
    /// `answered` is false when no response came back at all.
    pub(crate) fn observe(
        &mut self,
        seq: u64,
        answered: bool,
        reading: Option<&Reading>,
        now: Instant,
    ) {
        let was_probe = matches!(self.source, Source::Probing(probe, _) if probe == seq);
        match reading {
            Some(reading) => {
                let newer = match &self.source {
                    Source::Reported(basis) => seq >= basis.seq,
                    _ => true,
                };
                if newer {
                    self.source = Source::Reported(Basis {
                        seq,
                        remaining: reading.remaining,
                        reset_at: now + reading.reset + RESET_MARGIN,
                        quota: reading.quota,
                        window: reading.window,
                    });
                }
            }
            None if answered && matches!(self.source, Source::Unknown | Source::Probing(..)) => {
                tracing::debug!(
                    "the API sent no rate-limit headers; pacing by the local window instead"
                );
                self.source = Source::Unreported;
            }
            None if was_probe => self.source = Source::Unknown,
            None => {}
        }
    }

    #[cfg(test)]
    fn estimate(&self) -> Option<u64> {
        match &self.source {
            Source::Reported(basis) => Some(
                basis
                    .remaining
                    .saturating_sub(self.sent.saturating_sub(basis.seq)),
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(remaining: u64, reset_secs: u64) -> Reading {
        Reading {
            remaining,
            reset: Duration::from_secs(reset_secs),
            quota: Some(120),
            window: Some(Duration::from_secs(30)),
        }
    }

    /// A pacer whose first request was answered at `now` with `remaining` requests left and
    /// `reset_secs` to the reset.
    fn answered(now: Instant, remaining: u64, reset_secs: u64) -> Pacer {
        let mut pacer = Pacer::default();
        send(&mut pacer, now);
        pacer.observe(1, true, Some(&reading(remaining, reset_secs)), now);
        pacer
    }

    fn send(pacer: &mut Pacer, now: Instant) -> u64 {
        match pacer.decide(now, 1200) {
            Step::Send(seq) | Step::Probe(seq) => seq,
            other => panic!("expected to send, got {other:?}"),
        }
    }

    #[test]
    fn probes_once_then_runs_at_full_speed_while_comfortable() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        assert_eq!(pacer.decide(now, 1200), Step::Probe(1));
        assert_eq!(pacer.decide(now, 1200), Step::WaitForAnswer);
        pacer.observe(1, true, Some(&reading(119, 30)), now);
        for expected in 2..=50 {
            assert_eq!(pacer.decide(now, 1200), Step::Send(expected));
        }
        // 119 left after the probe, minus the 49 sent since, in flight or not.
        assert_eq!(pacer.estimate(), Some(70));
    }

    #[test]
    fn counts_requests_in_flight_and_ignores_stale_answers() {
        let now = Instant::now();
        let mut pacer = answered(now, 100, 30);
        for _ in 0..10 {
            send(&mut pacer, now);
        }
        assert_eq!(pacer.estimate(), Some(90));
        // The answer to request 8 saw 7 of ours and 3 from someone else.
        pacer.observe(8, true, Some(&reading(90, 29)), now);
        assert_eq!(
            pacer.estimate(),
            Some(87),
            "requests 9 to 11 are still counted"
        );
        // An older answer arriving late changes nothing.
        pacer.observe(3, true, Some(&reading(98, 29)), now);
        assert_eq!(pacer.estimate(), Some(87));
    }

    #[test]
    fn spreads_the_rest_evenly_when_low_and_stops_at_the_reserve() {
        let start = Instant::now();
        // 120 per 30 s: the low mark is 30 and the reserve 3. 13 left, 24 s to the reset.
        let mut pacer = answered(start, 13, 24);
        let reset_at = start + Duration::from_secs(24) + RESET_MARGIN;
        let mut now = start;
        let mut sent_at = Vec::new();
        loop {
            match pacer.decide(now, 1200) {
                Step::Send(_) => sent_at.push(now),
                Step::WaitUntil(until) if until >= reset_at => break,
                Step::WaitUntil(until) => {
                    assert!(until > now);
                    now = until;
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(sent_at.len(), 10, "13 minus the reserve of 3: {sent_at:?}");
        // Each gap is what is left until the reset divided among what may still be sent.
        let gaps: Vec<Duration> = sent_at.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            gaps.iter().all(|g| *g >= Duration::from_secs(2)),
            "{gaps:?}"
        );
        assert!(*sent_at.last().unwrap() < reset_at);
        // After the reset a fresh window opens at full speed.
        let after = reset_at + Duration::from_millis(1);
        assert!(matches!(pacer.decide(after, 1200), Step::Send(_)));
        assert_eq!(pacer.estimate(), Some(119));
    }

    #[test]
    fn waits_for_the_reset_at_zero_even_when_someone_else_spent_it() {
        let now = Instant::now();
        let mut pacer = answered(now, 119, 30);
        let seq = send(&mut pacer, now);
        // Another client spent nearly everything meanwhile.
        pacer.observe(seq, true, Some(&reading(2, 20)), now);
        assert_eq!(
            pacer.decide(now, 1200),
            Step::WaitUntil(now + Duration::from_secs(20) + RESET_MARGIN)
        );
    }

    #[test]
    fn without_headers_the_window_decides_and_headers_take_over_again() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        assert_eq!(pacer.decide(now, 1200), Step::Probe(1));
        pacer.observe(1, true, None, now);
        assert_eq!(pacer.decide(now, 1200), Step::AskWindow);
        let seq = pacer.sent_by_window(now);
        assert_eq!(seq, 2);
        pacer.observe(2, true, Some(&reading(50, 10)), now);
        assert!(matches!(pacer.decide(now, 1200), Step::Send(3)));
    }

    #[test]
    fn a_lost_or_slow_probe_lets_another_request_probe() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        assert_eq!(pacer.decide(now, 1200), Step::Probe(1));
        pacer.observe(1, false, None, now);
        assert_eq!(pacer.decide(now, 1200), Step::Probe(2));
        let later = now + PROBE_PATIENCE - Duration::from_millis(1);
        assert_eq!(pacer.decide(later, 1200), Step::WaitForAnswer);
        assert_eq!(pacer.decide(now + PROBE_PATIENCE, 1200), Step::Probe(3));
        // The first probe's late answer still counts.
        pacer.observe(2, true, Some(&reading(100, 30)), now + PROBE_PATIENCE);
        assert_eq!(pacer.estimate(), Some(99));
    }

    #[test]
    fn without_a_policy_a_reset_means_asking_again() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        send(&mut pacer, now);
        let bare = Reading {
            remaining: 5,
            reset: Duration::from_secs(1),
            quota: None,
            window: None,
        };
        pacer.observe(1, true, Some(&bare), now);
        // The assumed quota of 1200 makes 5 left "at the reserve".
        assert!(matches!(pacer.decide(now, 1200), Step::WaitUntil(_)));
        let later = now + Duration::from_secs(2);
        assert_eq!(pacer.decide(later, 1200), Step::Probe(2));
    }

    #[test]
    fn reserve_and_low_mark_scale_with_the_quota() {
        assert_eq!((reserve(1200), low_mark(1200)), (30, 300));
        assert_eq!((reserve(120), low_mark(120)), (3, 30));
        assert_eq!((reserve(10), low_mark(10)), (2, 3));
        assert_eq!((reserve(1), low_mark(1)), (0, 1));
    }
}
