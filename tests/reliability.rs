//! Reliability under stress, as RELIABILITY.md describes it: many identity providers through
//! injected API faults, Ctrl-C at random moments, and a provider killed mid-apply followed by the
//! documented recovery; the built provider under real Terraform against a hostile or broken API;
//! and the security checks of what Terraform writes and logs. Each case prints what it counted or
//! measured (the stress cases past libtest's capture, so they show in every run) and then asserts
//! the zeros.
//!
//! Sizes: `RELIABILITY_FULL=1` runs the published sizes; without it each case runs a smaller
//! version, the one `scripts/test` runs in CI.

mod faults;
mod hostile_api;
mod interrupts;
mod security;

use crate::support::api::{assert_state_matches_api, identity_providers_in};
use crate::support::gate::full_test_name;
use crate::support::{testdata, Acc};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

/// How large each case runs.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub full: bool,
    /// Identity providers per fault run.
    pub fault_objects: usize,
    /// Runs per fault kind.
    pub fault_runs: usize,
    /// Identity providers in each interrupted apply.
    pub interrupt_objects: usize,
    /// Ctrl-C trials.
    pub interrupt_trials: usize,
    /// Identity providers in each apply whose provider is killed.
    pub kill_objects: usize,
    /// Forced-kill trials.
    pub kill_trials: usize,
}

impl Sizes {
    /// `RELIABILITY_FULL=1` (or `true`) for the full sizes, anything else for the CI sizes.
    pub fn from_env() -> Sizes {
        let full = std::env::var("RELIABILITY_FULL")
            .map(|v| matches!(v.trim(), "1" | "true" | "yes"))
            .unwrap_or(false);
        if full {
            Sizes {
                full,
                fault_objects: 200,
                fault_runs: 3,
                interrupt_objects: 100,
                interrupt_trials: 20,
                kill_objects: 100,
                kill_trials: 10,
            }
        } else {
            Sizes {
                full,
                fault_objects: 20,
                fault_runs: 1,
                interrupt_objects: 30,
                interrupt_trials: 3,
                kill_objects: 30,
                kill_trials: 2,
            }
        }
    }

    pub fn label(&self) -> &'static str {
        if self.full {
            "full size (RELIABILITY_FULL=1)"
        } else {
            "CI size (RELIABILITY_FULL=1 for the full one)"
        }
    }
}

/// Prints one line of a case's figures on the process's stderr, past libtest's capture, prefixed
/// with the test's name. One write per line, so parallel tests do not interleave inside a line.
pub fn report(line: &str) {
    let text = format!("{}: {line}\n", full_test_name());
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `count` GitHub identity providers named `<prefix> <index>`, at
/// `cloudflare_zero_trust_access_identity_provider.many[index]`.
pub fn many(t: &Acc, count: usize, prefix: &str, client: &str) -> String {
    t.render_with(
        &testdata("reliability/many.tf"),
        &[
            ("count", &count.to_string()),
            ("prefix", prefix),
            ("client", client),
        ],
    )
}

pub fn many_address(index: usize) -> String {
    format!("cloudflare_zero_trust_access_identity_provider.many[{index}]")
}

/// What state and the API hold at one moment, and how they disagree.
#[derive(Debug, Default)]
pub struct Audit {
    /// Identity providers in state.
    pub in_state: usize,
    /// Identity providers the mock holds.
    pub in_api: usize,
    /// Ids the mock holds that no state entry has.
    pub orphans: Vec<String>,
    /// Extra objects: a name the mock holds more than once, or an id two state entries share.
    pub duplicates: Vec<String>,
    /// State entries whose object is missing from the mock or differs from it (name, type,
    /// client id).
    pub mismatched: Vec<String>,
    /// The state document the audit read.
    pub state: Value,
}

impl Audit {
    pub fn of(t: &Acc) -> Audit {
        let state = t.state();
        let entries = identity_providers_in(&state);
        let objects = t.mock.control().objects();
        let api: BTreeMap<String, &Value> = objects
            .iter()
            .filter_map(|o| o["id"].as_str().map(|id| (id.to_owned(), o)))
            .collect();
        let mut audit = Audit {
            in_state: entries.len(),
            in_api: objects.len(),
            ..Audit::default()
        };
        let mut state_ids = BTreeSet::new();
        for (address, entry) in &entries {
            let values = &entry["values"];
            let id = values["id"].as_str().unwrap_or_default().to_owned();
            if !state_ids.insert(id.clone()) {
                audit
                    .duplicates
                    .push(format!("{id} is in state twice ({address})"));
            }
            match api.get(&id) {
                None => audit
                    .mismatched
                    .push(format!("{address} ({id}) is not in the API")),
                Some(object) => {
                    let same = values["name"] == object["name"]
                        && values["type"] == object["type"]
                        && values["config"]["client_id"] == object["config"]["client_id"];
                    if !same {
                        audit.mismatched.push(format!(
                            "{address} ({id}): state has {} / {}, the API {} / {}",
                            values["name"],
                            values["config"]["client_id"],
                            object["name"],
                            object["config"]["client_id"]
                        ));
                    }
                }
            }
        }
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for object in &objects {
            let name = object["name"].as_str().unwrap_or_default().to_owned();
            *names.entry(name).or_default() += 1;
        }
        for (name, times) in names.into_iter().filter(|(_, n)| *n > 1) {
            audit
                .duplicates
                .push(format!("the API holds {times} objects named {name:?}"));
        }
        audit.orphans = api
            .keys()
            .filter(|id| !state_ids.contains(*id))
            .cloned()
            .collect();
        audit.state = state;
        audit
    }

    /// `state 200, API 200, orphans 0, duplicates 0, state≠API 0`.
    pub fn counts(&self) -> String {
        format!(
            "state {}, API {}, orphans {}, duplicates {}, state≠API {}",
            self.in_state,
            self.in_api,
            self.orphans.len(),
            self.duplicates.len(),
            self.mismatched.len()
        )
    }

    /// The ids and descriptions behind non-zero counts, for a failure message.
    pub fn details(&self) -> String {
        let mut out = String::new();
        for (what, list) in [
            ("orphans", &self.orphans),
            ("duplicates", &self.duplicates),
            ("state≠API", &self.mismatched),
        ] {
            if !list.is_empty() {
                out.push_str(&format!("\n  {what}: {}", list.join("; ")));
            }
        }
        out
    }

    pub fn is_clean(&self) -> bool {
        self.orphans.is_empty() && self.duplicates.is_empty() && self.mismatched.is_empty()
    }

    /// The harness's full comparison of every state entry with the API (all of `config`, the
    /// owner, the stored secret), which panics with the difference.
    pub fn assert_full_match(&self, t: &Acc) {
        assert_state_matches_api(&t.mock, &self.state);
    }
}

/// Counts summed over the steps and runs of a case.
#[derive(Debug, Default)]
pub struct Totals {
    pub failed_runs: usize,
    pub orphans: usize,
    pub duplicates: usize,
    pub mismatched: usize,
    pub problems: Vec<String>,
}

impl Totals {
    pub fn add(&mut self, context: &str, audit: &Audit) {
        self.orphans += audit.orphans.len();
        self.duplicates += audit.duplicates.len();
        self.mismatched += audit.mismatched.len();
        if !audit.is_clean() {
            self.problems
                .push(format!("{context}: {}{}", audit.counts(), audit.details()));
        }
    }

    pub fn fail(&mut self, context: &str, why: String) {
        self.failed_runs += 1;
        self.problems.push(format!("{context}: {why}"));
    }

    pub fn zeros(&self) -> bool {
        self.failed_runs == 0 && self.orphans == 0 && self.duplicates == 0 && self.mismatched == 0
    }
}

/// The last `lines` lines of a command's output, enough to show why it failed.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
