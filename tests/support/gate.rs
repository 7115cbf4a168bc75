//! Version gates: a test (or one check of a test) that cannot run on this Terraform build says
//! so with a marker line that `scripts/test` counts, instead of returning as a silent pass.
//!
//! libtest has no outcome for "ran, but had nothing to test", so a gated test still ends as
//! `ok`. The marker is what makes it visible: it is written straight to the process's stderr,
//! past libtest's output capture, so it shows in every run (not only with `--nocapture`), and
//! `scripts/test` subtracts the marked tests from the passed count and lists them with their
//! reasons. The marker's shape is part of that contract:
//!
//! ```text
//! identity_provider::write_only::x ... not applicable: needs Terraform >= 1.11 (running 1.10.5): write-only attributes
//! identity_provider::lifecycle::y ... partly not applicable: needs Terraform >= 1.5 (running 1.4.7): import blocks
//! ```

use super::terraform::{parse_version, terraform};
use std::io::Write;

/// The text `scripts/test` looks for after a test's name; keep the two in step.
pub const NOT_APPLICABLE: &str = "not applicable: ";
/// The same for a test that ran but left one of its checks out.
pub const PARTLY_NOT_APPLICABLE: &str = "partly not applicable: ";

/// The oldest Terraform build a test or check can run on, and what needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// `major.minor` or `major.minor.patch`, as it appears in the message.
    pub version: &'static str,
    /// What needs that build, for the reader of the marker ("write-only attributes").
    pub feature: &'static str,
}

impl Requirement {
    pub const fn new(version: &'static str, feature: &'static str) -> Requirement {
        Requirement { version, feature }
    }

    /// `None` when `running` satisfies the requirement, else the reason it does not, in the
    /// marker's words: `needs Terraform >= 1.11 (running 1.10.5): write-only attributes`.
    pub fn unmet_by(&self, running: &str) -> Option<String> {
        if parse_version(running) >= parse_version(self.version) {
            return None;
        }
        Some(format!(
            "needs Terraform >= {} (running {running}): {}",
            self.version, self.feature
        ))
    }

    /// Whether the Terraform build of this run satisfies the requirement.
    pub fn is_met(&self) -> bool {
        self.unmet_by(&terraform().version).is_none()
    }
}

/// The marker line for the test `test` that cannot run, for `reason`.
pub fn marker(test: &str, partly: bool, reason: &str) -> String {
    let kind = if partly {
        PARTLY_NOT_APPLICABLE
    } else {
        NOT_APPLICABLE
    };
    format!("{test} ... {kind}{reason}\n")
}

/// Returns true when this Terraform build meets `requirement`. Otherwise reports the running
/// test as not applicable and returns false; the test must then return without asserting
/// anything, which is the one early return the suite allows:
///
/// ```ignore
/// if !applicable(Requirement::new("1.11", "write-only attributes")) {
///     return;
/// }
/// ```
pub fn applicable(requirement: Requirement) -> bool {
    report_unless(requirement, false)
}

/// Like [`applicable`], for one check inside a test that otherwise runs: a false answer marks
/// the test as partly not applicable.
pub fn check_applicable(requirement: Requirement) -> bool {
    report_unless(requirement, true)
}

fn report_unless(requirement: Requirement, partly: bool) -> bool {
    match requirement.unmet_by(&terraform().version) {
        None => true,
        Some(reason) => {
            let line = marker(&full_test_name(), partly, &reason);
            // One write of one short line: atomic on the pipe scripts/test reads, so parallel
            // tests cannot interleave inside it.
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
            false
        }
    }
}

/// The running test's full libtest name (`identity_provider::write_only::x`); libtest names each
/// test's thread after it.
pub fn full_test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRITE_ONLY: Requirement = Requirement::new("1.11", "write-only attributes");

    #[test]
    fn a_build_at_or_above_the_requirement_meets_it() {
        assert_eq!(WRITE_ONLY.unmet_by("1.11.0"), None);
        assert_eq!(WRITE_ONLY.unmet_by("1.11.4"), None);
        assert_eq!(WRITE_ONLY.unmet_by("1.15.5"), None);
        assert_eq!(WRITE_ONLY.unmet_by("2.0.0"), None);
    }

    #[test]
    fn an_older_build_gets_the_reason_with_both_versions() {
        assert_eq!(
            WRITE_ONLY.unmet_by("1.10.5").as_deref(),
            Some("needs Terraform >= 1.11 (running 1.10.5): write-only attributes")
        );
        assert!(WRITE_ONLY.unmet_by("1.9.8").is_some());
        assert!(
            Requirement::new("1.11.2", "x").unmet_by("1.11.1").is_some(),
            "patch levels count"
        );
        assert!(
            Requirement::new("1.12", "x")
                .unmet_by("1.12.0-rc1")
                .is_none(),
            "a pre-release of the version counts as the version"
        );
    }

    #[test]
    fn markers_carry_the_name_and_the_word_scripts_test_counts() {
        let line = marker("a::b", false, "needs Terraform >= 1.11 (running 1.10.5): x");
        assert_eq!(
            line,
            "a::b ... not applicable: needs Terraform >= 1.11 (running 1.10.5): x\n"
        );
        let partly = marker("a::b", true, "needs Terraform >= 1.5 (running 1.4.7): y");
        assert!(
            partly.starts_with("a::b ... partly not applicable: needs"),
            "{partly}"
        );
        assert!(
            !partly.contains(&format!(" ... {NOT_APPLICABLE}")),
            "a partial marker must not count as a whole one: {partly}"
        );
    }

    #[test]
    fn the_test_name_is_the_full_libtest_path() {
        assert_eq!(
            full_test_name(),
            "support::gate::tests::the_test_name_is_the_full_libtest_path"
        );
    }
}
