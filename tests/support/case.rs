//! Declarative acceptance tests, in the shape of terraform-plugin-testing's TestCase and
//! TestStep: a test is a list of steps, and the harness runs the checks every test owes.
//!
//! ```ignore
//! #[test]
//! fn rename() {
//!     Case::new().run(|t| vec![
//!         Step::apply(single(t, "Old", ...)).expect(ADDRESS, Action::Create),
//!         Step::apply(single(t, "New", ...)).expect(ADDRESS, Action::Update)
//!             .check(|t, step| assert_eq!(t.resource_values(ADDRESS)["name"], "New")),
//!         Step::import(ADDRESS, |t| import_id(t, ADDRESS)).ignore(&["config.client_secret"]),
//!     ]);
//! }
//! ```
//!
//! What the harness does by itself:
//! * before each apply, plans and checks the plan against the step's expected actions (the plan
//!   that is then applied is that saved plan, so what was checked is what happens);
//! * after each successful apply, a `-refresh=false` plan and a refreshing plan must both be
//!   empty, and every identity provider in state must match what the mock holds
//!   ([`super::api::assert_values_match_api`]);
//! * at the end, destroys whatever is in state and requires an empty mock ([`Acc::finish`]).
//!
//! A [`Case`] that needs a newer Terraform than the one running reports itself as not
//! applicable (see [`super::gate`]) and runs nothing.

use super::api::assert_state_matches_api;
use super::flatmap::flatten;
use super::gate::{applicable, Requirement};
use super::import::ImportCheck;
use super::plan::PlanSummary;
use super::terraform::Output;
use super::{Acc, Mock};
use cloudflare_mock::MockConfig;
use regex::Regex;
use serde_json::Value;
use std::fmt;

/// One planned action for a resource, as `terraform show -json` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    /// Either order: destroy-before-create or create-before-destroy.
    Replace,
    /// Only destroy-before-create, Terraform's default.
    DeleteThenCreate,
    Delete,
    NoOp,
}

impl Action {
    fn matches(self, actions: &[String]) -> bool {
        let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
        match self {
            Action::Create => actions == ["create"],
            Action::Update => actions == ["update"],
            Action::Replace => actions == ["delete", "create"] || actions == ["create", "delete"],
            Action::DeleteThenCreate => actions == ["delete", "create"],
            Action::Delete => actions == ["delete"],
            Action::NoOp => actions == ["no-op"],
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::DeleteThenCreate => "delete, create",
            Action::Delete => "delete",
            Action::NoOp => "no-op",
        })
    }
}

/// A check that runs after a step, with the test's world and what the step saw.
pub type Check<'a> = Box<dyn FnOnce(&Acc, &Outcome) + 'a>;
/// A check of the plan a step is about to apply.
pub type PlanCheck<'a> = Box<dyn FnOnce(&Acc, &PlanSummary) + 'a>;
/// Something done to the world before a step: an out-of-band edit of the mock, an environment
/// change, a fault to inject.
pub type Hook<'a> = Box<dyn FnOnce(&mut Acc) + 'a>;
/// Computes an import ID from the test's world (usually from state).
pub type IdFn<'a> = Box<dyn FnOnce(&Acc) -> String + 'a>;

/// What a step saw, for its checks.
#[derive(Debug, Default)]
pub struct Outcome {
    /// 1-based, as in failure messages.
    pub number: usize,
    /// The plan checked before the apply (apply and plan-only steps).
    pub plan: Option<PlanSummary>,
    /// What `terraform apply` or `terraform import` printed.
    pub output: Option<Output>,
    /// The state (`terraform show -json`) after this step's apply, when it applied.
    pub state: Option<Value>,
    /// The state after the last step that applied before this one.
    pub previous_state: Option<Value>,
    /// For import steps: the values the import produced.
    pub imported: Option<Value>,
}

impl Outcome {
    /// The values of `address` in the state after this step.
    pub fn values(&self, address: &str) -> Value {
        resource_values(self.state.as_ref(), address, "this step")
    }

    /// The values of `address` in the state after the previous applied step.
    pub fn previous_values(&self, address: &str) -> Value {
        resource_values(self.previous_state.as_ref(), address, "the previous step")
    }

    /// The plan this step checked; panics for steps without one.
    pub fn plan(&self) -> &PlanSummary {
        self.plan
            .as_ref()
            .unwrap_or_else(|| panic!("step {} made no plan", self.number))
    }
}

fn resource_values(state: Option<&Value>, address: &str, when: &str) -> Value {
    let state = state.unwrap_or_else(|| panic!("no state was recorded after {when}"));
    find_resource(&state["values"]["root_module"], address)
        .map(|resource| resource["values"].clone())
        .unwrap_or_else(|| panic!("{address} is not in the state after {when}:\n{state:#}"))
}

fn find_resource<'v>(module: &'v Value, address: &str) -> Option<&'v Value> {
    let here = module["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|resource| resource["address"] == address);
    here.or_else(|| {
        module["child_modules"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|child| find_resource(child, address))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Plan, check, apply, then the post-apply checks.
    Apply,
    /// Plan and check only (terraform-plugin-testing's PlanOnly).
    PlanOnly,
    /// Import and verify; see [`Step::import`].
    Import,
    /// `terraform destroy`; state and mock must be empty afterwards.
    Destroy,
}

/// One step of a [`Case`].
pub struct Step<'a> {
    mode: Mode,
    /// `None` keeps the configuration of the step before.
    config: Option<String>,
    hooks: Vec<Hook<'a>>,
    expected: Vec<(String, Action)>,
    expect_empty_plan: bool,
    plan_checks: Vec<PlanCheck<'a>>,
    checks: Vec<Check<'a>>,
    /// (address, flat path, value or `None` for "not set") after the step.
    values: Vec<(String, String, Option<String>)>,
    expect_error: Vec<Regex>,
    import: Option<ImportStep<'a>>,
    standard_checks: bool,
}

struct ImportStep<'a> {
    address: String,
    id: IdFn<'a>,
    ignore: Vec<String>,
    zero_may_be_null_under: Vec<String>,
    /// Import into the test's own state instead of verifying in a fresh one.
    persist: bool,
    import_block: bool,
}

impl<'a> Step<'a> {
    fn new(mode: Mode, config: Option<String>) -> Step<'a> {
        Step {
            mode,
            config,
            hooks: Vec::new(),
            expected: Vec::new(),
            expect_empty_plan: false,
            plan_checks: Vec::new(),
            checks: Vec::new(),
            values: Vec::new(),
            expect_error: Vec::new(),
            import: None,
            standard_checks: true,
        }
    }

    /// Writes `config` as `main.tf`, plans, checks, applies.
    pub fn apply(config: impl Into<String>) -> Step<'a> {
        Step::new(Mode::Apply, Some(config.into()))
    }

    /// Plans and applies the configuration already written (after hooks changed the world).
    pub fn reapply() -> Step<'a> {
        Step::new(Mode::Apply, None)
    }

    /// Writes `config` and plans it, without applying.
    pub fn plan_only(config: impl Into<String>) -> Step<'a> {
        Step::new(Mode::PlanOnly, Some(config.into()))
    }

    /// ImportStateVerify of `address` with the ID `id` computes, plus an import-block plan on
    /// Terraform 1.5+ (see [`ImportCheck`]).
    pub fn import(address: &str, id: impl FnOnce(&Acc) -> String + 'a) -> Step<'a> {
        let mut step = Step::new(Mode::Import, None);
        step.import = Some(ImportStep {
            address: address.to_owned(),
            id: Box::new(id),
            ignore: Vec::new(),
            zero_may_be_null_under: Vec::new(),
            persist: false,
            import_block: true,
        });
        step
    }

    /// `terraform import` into the test's own state, without verification: for adopting an
    /// object that exists only in the API.
    pub fn import_into_state(address: &str, id: impl FnOnce(&Acc) -> String + 'a) -> Step<'a> {
        let mut step = Step::import(address, id);
        step.import.as_mut().expect("import step").persist = true;
        step
    }

    /// Destroys everything, requires an empty state and an empty mock, then runs the step's
    /// checks: for tests that look at something (a log) once everything is gone.
    pub fn destroy() -> Step<'a> {
        Step::new(Mode::Destroy, None)
    }

    /// Runs `hook` on the world before the step (in the order given).
    pub fn before(mut self, hook: impl FnOnce(&mut Acc) + 'a) -> Self {
        self.hooks.push(Box::new(hook));
        self
    }

    /// The plan must hold `action` for `address`.
    pub fn expect(mut self, address: &str, action: Action) -> Self {
        self.expected.push((address.to_owned(), action));
        self
    }

    /// The plan must be empty (terraform-plugin-testing's rule: only no-ops).
    pub fn expect_empty_plan(mut self) -> Self {
        self.expect_empty_plan = true;
        self
    }

    /// Runs `check` on the plan before it is applied.
    pub fn check_plan(mut self, check: impl FnOnce(&Acc, &PlanSummary) + 'a) -> Self {
        self.plan_checks.push(Box::new(check));
        self
    }

    /// After the step, the attribute at the flat `path` (`name`, `config.claims.#`,
    /// `config.claims.0`) of `address` in state must be `value`, compared as Terraform's flat
    /// strings (terraform-plugin-testing's TestCheckResourceAttr).
    pub fn expect_value(mut self, address: &str, path: &str, value: impl Into<Value>) -> Self {
        let flat = match value.into() {
            Value::String(text) => text,
            other => other.to_string(),
        };
        self.values
            .push((address.to_owned(), path.to_owned(), Some(flat)));
        self
    }

    /// After the step, `address` must have no value at the flat `path`
    /// (TestCheckNoResourceAttr).
    pub fn expect_no_value(mut self, address: &str, path: &str) -> Self {
        self.values
            .push((address.to_owned(), path.to_owned(), None));
        self
    }

    /// Runs `check` after the step and the harness's own checks.
    pub fn check(mut self, check: impl FnOnce(&Acc, &Outcome) + 'a) -> Self {
        self.checks.push(Box::new(check));
        self
    }

    /// The apply (or, for a plan-only step, the plan) must fail, with output (line breaks and runs of spaces collapsed, as
    /// Terraform wraps diagnostics to the terminal) matching `pattern`, and every other pattern
    /// given the same way. Nothing is planned beforehand, and state must not change.
    pub fn expect_error(mut self, pattern: &str) -> Self {
        let regex = Regex::new(pattern)
            .unwrap_or_else(|err| panic!("expect_error: {pattern:?} is not a regex: {err}"));
        self.expect_error.push(regex);
        self
    }

    /// Import attributes the API cannot return (so the import cannot know them).
    pub fn ignore(mut self, paths: &[&str]) -> Self {
        let import = self.import.as_mut().expect("ignore() is for import steps");
        import.ignore.extend(paths.iter().map(|p| (*p).to_owned()));
        self
    }

    /// Zero values under `object` may be null after import (see [`ImportCheck`]).
    pub fn zero_may_be_null_under(mut self, object: &str) -> Self {
        let import = self
            .import
            .as_mut()
            .expect("zero_may_be_null_under() is for import steps");
        import.zero_may_be_null_under.push(object.to_owned());
        self
    }

    /// Verifies the import with `terraform import` only (see [`ImportCheck::import_block`]).
    pub fn without_import_block(mut self) -> Self {
        let import = self
            .import
            .as_mut()
            .expect("without_import_block() is for import steps");
        import.import_block = false;
        self
    }

    /// Leaves out the post-apply checks, for a step whose apply is known to leave a diff (the
    /// step's own checks must then say what it leaves). Terraform-plugin-testing's
    /// ExpectNonEmptyPlan.
    pub fn expect_non_empty_plan_after(mut self) -> Self {
        self.standard_checks = false;
        self
    }
}

impl fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Step")
            .field("mode", &self.mode)
            .field("expected", &self.expected)
            .field("expect_error", &self.expect_error)
            .finish_non_exhaustive()
    }
}

/// A declarative test: the world it runs in, what it needs, and its steps.
#[derive(Default)]
pub struct Case {
    world: Option<Box<dyn FnOnce() -> Acc>>,
    requires: Vec<Requirement>,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case")
            .field("own_world", &self.world.is_some())
            .field("requires", &self.requires)
            .finish()
    }
}

impl Case {
    pub fn new() -> Case {
        Case::default()
    }

    /// Runs against a mock started with `config` (other tokens, a rate limit...).
    pub fn mock(self, config: MockConfig) -> Case {
        self.world(move || Acc::with_mock(Mock::start_with(config)))
    }

    /// Runs in a world `make` builds (another provider installation, a mock set up by hand);
    /// it is built only when the case is applicable.
    pub fn world(mut self, make: impl FnOnce() -> Acc + 'static) -> Case {
        self.world = Some(Box::new(make));
        self
    }

    /// The case needs at least this Terraform; on an older one it is reported as not applicable.
    pub fn requires(mut self, requirement: Requirement) -> Case {
        self.requires.push(requirement);
        self
    }

    /// Builds the world, then runs the steps `steps` returns for it, then the end-of-test checks.
    pub fn run<'a>(self, steps: impl FnOnce(&mut Acc) -> Vec<Step<'a>>) {
        for requirement in &self.requires {
            if !applicable(*requirement) {
                return;
            }
        }
        let mut acc = match self.world {
            Some(make) => make(),
            None => Acc::new(),
        };
        let steps = steps(&mut acc);
        assert!(!steps.is_empty(), "a case needs at least one step");
        let mut runner = Runner {
            previous_state: None,
        };
        for (index, step) in steps.into_iter().enumerate() {
            runner.run_step(&mut acc, index + 1, step);
        }
        acc.finish();
    }
}

struct Runner {
    previous_state: Option<Value>,
}

impl Runner {
    fn run_step(&mut self, t: &mut Acc, number: usize, step: Step<'_>) {
        let Step {
            mode,
            config,
            hooks,
            expected,
            expect_empty_plan,
            plan_checks,
            checks,
            values,
            expect_error,
            import,
            standard_checks,
        } = step;
        let plans = matches!(mode, Mode::Apply | Mode::PlanOnly) && expect_error.is_empty();
        assert!(
            plans || (expected.is_empty() && !expect_empty_plan),
            "step {number}: expected plan actions, but the step makes no plan"
        );
        for hook in hooks {
            hook(t);
        }
        if let Some(config) = &config {
            t.write_main_tf(config);
        }
        let mut outcome = Outcome {
            number,
            previous_state: self.previous_state.clone(),
            ..Outcome::default()
        };
        match mode {
            Mode::Import => {
                let import = import.expect("import steps carry their import");
                let id = (import.id)(t);
                if import.persist {
                    outcome.output = Some(t.import_cli(&import.address, &id));
                } else {
                    let check = ImportCheck {
                        address: import.address,
                        id,
                        ignore: import.ignore,
                        zero_may_be_null_under: import.zero_may_be_null_under,
                        import_block: import.import_block,
                    };
                    outcome.imported = Some(check.run(t));
                }
            }
            Mode::Destroy => {
                outcome.output = Some(t.destroy());
                let left = t.state_addresses();
                assert!(
                    left.is_empty(),
                    "step {number}: destroy left {left:?} in state"
                );
                let objects = t.mock.control().objects();
                assert!(
                    objects.is_empty(),
                    "step {number}: destroy left {} object(s) in the API:\n{:#}",
                    objects.len(),
                    Value::Array(objects)
                );
            }
            Mode::Apply | Mode::PlanOnly if !expect_error.is_empty() => {
                let before = t.state_addresses();
                let output = if mode == Mode::Apply {
                    t.apply_err()
                } else {
                    t.plan_err()
                };
                let flat = flat_output(&output);
                for regex in &expect_error {
                    assert!(
                        regex.is_match(&flat),
                        "step {number}: the error does not match /{regex}/:\n{output}"
                    );
                }
                assert_eq!(
                    t.state_addresses(),
                    before,
                    "step {number}: a failed step changed what is in state"
                );
                outcome.output = Some(output);
            }
            Mode::Apply | Mode::PlanOnly => {
                let (plan, plan_file) = t.plan_to_file();
                check_expected(number, &plan, &expected, expect_empty_plan);
                for check in plan_checks {
                    check(t, &plan);
                }
                if mode == Mode::Apply {
                    outcome.output = Some(t.apply_plan_file(&plan_file));
                    if standard_checks {
                        t.assert_empty_plans_after_apply();
                    }
                    let state = t.state();
                    assert_state_matches_api(&t.mock, &state);
                    outcome.state = Some(state.clone());
                    self.previous_state = Some(state);
                }
                outcome.plan = Some(plan);
            }
        }
        for (address, path, expected) in values {
            assert!(
                outcome.state.is_some(),
                "step {number}: expected values need a step that applies"
            );
            let flat = flatten(&outcome.values(&address));
            assert_eq!(
                flat.get(&path),
                expected.as_ref(),
                "step {number}: {address} {path} in state"
            );
        }
        for check in checks {
            check(t, &outcome);
        }
    }
}

fn check_expected(number: usize, plan: &PlanSummary, expected: &[(String, Action)], empty: bool) {
    if empty {
        assert!(
            plan.is_empty(),
            "step {number}: expected an empty plan, got:\n{plan}"
        );
    }
    for (address, action) in expected {
        let found = plan
            .resource_changes
            .iter()
            .find(|change| &change.address == address);
        let Some(change) = found else {
            panic!(
                "step {number}: expected {action} for {address}, but the plan has no change \
                 for it:\n{plan}"
            );
        };
        assert!(
            action.matches(&change.actions),
            "step {number}: expected {action} for {address}, but the plan has {}:\n{plan}",
            change.actions.join(", ")
        );
    }
}

/// Everything a command printed, with line breaks and runs of spaces collapsed, because
/// Terraform wraps diagnostic text to the terminal width.
pub fn flat_output(output: &Output) -> String {
    output
        .combined()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
