//! Applies cut short: Ctrl-C (SIGINT to Terraform's process group, as a terminal sends it) at a
//! random moment, and the provider killed outright (SIGKILL) mid-apply, followed by the recovery
//! the resource's documentation gives (list the account's identity providers with the
//! `cloudflare_zero_trust_access_identity_providers` data source, import what state lacks with
//! `import` blocks).

use super::{many, many_address, report, tail, Audit, Sizes, Totals};
use crate::support::{Acc, PROVIDER_BINARY};
use cloudflare_mock::{Control, Fault, FaultKind};
use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Real creates take a few hundred milliseconds; without a delay the mock answers so fast that a
/// signal would almost never find a create in flight, which is the moment these cases are about.
fn create_latency() -> Fault {
    Fault::always(
        Some("create"),
        FaultKind::LatencyJitter {
            min: Duration::from_millis(50),
            max: Duration::from_millis(300),
        },
    )
}

/// How long Terraform gets to exit after the signal before the test gives up.
const EXIT_WAIT: Duration = Duration::from_secs(120);

/// A `terraform apply` running in a process group of its own, its output going to files.
struct RunningApply {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl RunningApply {
    fn start(t: &Acc, label: &str) -> RunningApply {
        let stdout = t.path().join(format!("{label}.stdout"));
        let stderr = t.path().join(format!("{label}.stderr"));
        let mut command = t.command(&["apply", "-input=false", "-no-color", "-auto-approve"]);
        command
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).expect("stdout file"))
            .stderr(File::create(&stderr).expect("stderr file"))
            .process_group(0);
        let child = command.spawn().expect("start terraform apply");
        RunningApply {
            child,
            stdout,
            stderr,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().expect("poll terraform").is_none()
    }

    /// Waits until `creates` create requests have reached the mock (or the apply ended), then
    /// `extra` more. Returns whether the apply is still running.
    fn wait_for_creates(&mut self, control: &Control, creates: u64, extra: Duration) -> bool {
        let deadline = Instant::now() + EXIT_WAIT;
        while control.request_counts().get("create").copied().unwrap_or(0) < creates {
            if !self.running() {
                return false;
            }
            assert!(
                Instant::now() < deadline,
                "the apply never sent {creates} creates"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(extra);
        self.running()
    }

    /// Waits for Terraform to exit; kills its whole group and fails the test if it does not.
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + EXIT_WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll terraform") {
                return status;
            }
            if Instant::now() > deadline {
                signal(&format!("-{}", self.pid()), "KILL");
                let _ = self.child.wait();
                panic!(
                    "terraform did not exit within {} s:\n{}",
                    EXIT_WAIT.as_secs(),
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn output(&self) -> String {
        let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
        format!(
            "stdout:\n{}\nstderr:\n{}",
            tail(&read(&self.stdout), 40),
            tail(&read(&self.stderr), 40)
        )
    }
}

/// `kill -SIGNAL -- TARGET`; a negative target is a process group.
fn signal(target: &str, name: &str) -> bool {
    Command::new("kill")
        .args([&format!("-{name}"), "--", target])
        .status()
        .is_ok_and(|status| status.success())
}

/// The running processes of this provider's binary whose parent is `parent`.
fn provider_processes(parent: u32) -> Vec<u32> {
    let binary = Path::new(PROVIDER_BINARY)
        .file_name()
        .expect("the provider binary has a name")
        .to_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": the command name may hold spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        if ppid != Some(parent) {
            continue;
        }
        let exe = std::fs::read_link(entry.path().join("exe")).unwrap_or_default();
        if exe.file_name() == Some(binary.as_os_str()) {
            found.push(pid);
        }
    }
    found
}

/// Ctrl-C at a random moment of an apply of N: Terraform's process group gets SIGINT once some
/// random number of creates (0 to N-1) has reached the API, plus a random 0-500 ms. Terraform
/// lets the creates in flight finish and saves them, so nothing is orphaned; the next apply
/// creates the rest, and nothing is duplicated.
#[test]
fn ctrl_c_at_random_moments() {
    let sizes = Sizes::from_env();
    let n = sizes.interrupt_objects;
    let trials = sizes.interrupt_trials;
    report(&format!(
        "SIGINT to Terraform's process group at a random moment of an apply of {n}, {trials} \
         trial(s), {}; default provider settings; creates take 50-300 ms",
        sizes.label()
    ));
    let mut totals = Totals::default();
    let mut signalled = 0;
    let started = Instant::now();
    for trial in 1..=trials {
        let label = format!("trial {trial}/{trials}");
        let t = Acc::new();
        let control = t.mock.control();
        control.add_fault(create_latency());
        t.write_main_tf(&many(&t, n, "Interrupted", "int"));

        let target = rand::random_range(0..n as u64);
        let extra = Duration::from_millis(rand::random_range(0..=500));
        let mut apply = RunningApply::start(&t, &format!("trial-{trial}"));
        let interrupted = apply.wait_for_creates(&control, target, extra)
            && signal(&format!("-{}", apply.pid()), "INT");
        let status = apply.wait();
        let sent = control.request_counts().get("create").copied().unwrap_or(0);
        let after_signal = Audit::of(&t);
        if interrupted {
            signalled += 1;
            if status.success() {
                // A signal that lands after the last create leaves nothing to interrupt.
                report(&format!(
                    "{label}: SIGINT after {sent} create request(s) came too late to stop the \
                     apply"
                ));
            }
        } else if !status.success() {
            totals.fail(
                &label,
                format!("the apply failed on its own:\n{}", apply.output()),
            );
        }
        totals.add(&format!("{label} after SIGINT"), &after_signal);

        control.clear_faults();
        let next = t.run(&["apply", "-input=false", "-no-color", "-auto-approve"]);
        if !next.success() {
            totals.fail(&format!("{label} next apply"), tail(&next.combined(), 40));
        }
        let converged = Audit::of(&t);
        totals.add(&format!("{label} after the next apply"), &converged);
        if converged.in_api != n || converged.in_state != n {
            totals.fail(
                &format!("{label} next apply"),
                format!("expected {n} objects, {}", converged.counts()),
            );
        }
        report(&format!(
            "{label}: {} after {sent} create request(s) (target {target}, +{} ms), terraform \
             exit {:?}; then {}; after the next apply {}",
            if interrupted {
                "SIGINT"
            } else {
                "apply ended before the signal"
            },
            extra.as_millis(),
            status.code(),
            after_signal.counts(),
            converged.counts()
        ));
        t.finish();
    }
    report(&format!(
        "total over {trials} trial(s) ({signalled} interrupted mid-apply): failed runs {}, \
         orphans {}, duplicates {}, state≠API {}; {:.0} s",
        totals.failed_runs,
        totals.orphans,
        totals.duplicates,
        totals.mismatched,
        started.elapsed().as_secs_f64()
    ));
    assert!(
        totals.zeros(),
        "Ctrl-C: expected zeros, got:\n{}",
        totals.problems.join("\n")
    );
    assert!(signalled > 0, "no trial managed to signal a running apply");
}

/// The provider process SIGKILLed mid-apply (a crash, the OOM killer): Terraform cannot learn of
/// creates the API had already carried out, so orphans are possible and are counted, not
/// asserted away. The recovery the documentation gives must then leave 0 orphans and 0
/// duplicates: list the account's identity providers with the data source, compare with state,
/// import the missing ones with `import` blocks, apply.
#[test]
fn provider_killed_mid_apply_then_recovered() {
    let sizes = Sizes::from_env();
    let n = sizes.kill_objects;
    let trials = sizes.kill_trials;
    report(&format!(
        "SIGKILL to the provider process at a random moment of an apply of {n}, {trials} \
         trial(s), {}; creates take 50-300 ms; recovery: list data source + import blocks",
        sizes.label()
    ));
    let mut totals = Totals::default();
    let mut orphans_after_kill = 0;
    let mut killed = 0;
    let started = Instant::now();
    for trial in 1..=trials {
        let label = format!("trial {trial}/{trials}");
        let t = Acc::new();
        let control = t.mock.control();
        control.add_fault(create_latency());
        t.write_main_tf(&many(&t, n, "Killed", "kill"));

        let target = rand::random_range(1..n as u64);
        let extra = Duration::from_millis(rand::random_range(0..=300));
        let mut apply = RunningApply::start(&t, &format!("trial-{trial}"));
        let mut sent_kill = false;
        if apply.wait_for_creates(&control, target, extra) {
            for pid in provider_processes(apply.pid()) {
                sent_kill |= signal(&pid.to_string(), "KILL");
            }
        }
        let status = apply.wait();
        let sent = control.request_counts().get("create").copied().unwrap_or(0);
        control.clear_faults();
        if !sent_kill {
            report(&format!(
                "{label}: the apply ended (exit {:?}) before the provider could be killed",
                status.code()
            ));
        } else {
            killed += 1;
            if status.success() {
                totals.fail(
                    &label,
                    "terraform reported success after its provider was killed".into(),
                );
            }
        }
        let after_kill = Audit::of(&t);
        orphans_after_kill += after_kill.orphans.len();
        // Orphans are the expected damage here; duplicates and state that disagrees are not.
        let mut damage = Audit::of(&t);
        damage.orphans.clear();
        totals.add(&format!("{label} after SIGKILL"), &damage);

        let (found, imported) = recover(&t, n, &label, &mut totals);
        let recovered = Audit::of(&t);
        totals.add(&format!("{label} after recovery"), &recovered);
        if recovered.in_api != n || recovered.in_state != n {
            totals.fail(
                &format!("{label} recovery"),
                format!("expected {n} objects, {}", recovered.counts()),
            );
        }
        report(&format!(
            "{label}: {} after {sent} create request(s) (target {target}, +{} ms), terraform \
             exit {:?}; then {} (orphaned: {}); the data source listed {found} not in state, \
             {imported} imported; after recovery {}",
            if sent_kill {
                "provider SIGKILLed"
            } else {
                "not killed"
            },
            extra.as_millis(),
            status.code(),
            after_kill.counts(),
            if after_kill.orphans.is_empty() {
                "none".to_owned()
            } else {
                after_kill.orphans.join(", ")
            },
            recovered.counts()
        ));
        t.finish();
    }
    report(&format!(
        "total over {trials} trial(s) ({killed} killed mid-apply): orphans right after the kill \
         {orphans_after_kill} (possible after a kill; counted, then imported); after recovery: failed runs {}, \
         orphans {}, duplicates {}, state≠API {}; {:.0} s",
        totals.failed_runs,
        totals.orphans,
        totals.duplicates,
        totals.mismatched,
        started.elapsed().as_secs_f64()
    ));
    assert!(
        totals.zeros(),
        "forced kill: expected zeros after recovery, got:\n{}",
        totals.problems.join("\n")
    );
    assert!(
        killed > 0,
        "no trial managed to kill the provider mid-apply"
    );
}

/// The recovery the resource's documentation describes. Returns how many identity providers the
/// data source listed that state lacks, and how many were imported.
fn recover(t: &Acc, n: usize, label: &str, totals: &mut Totals) -> (usize, usize) {
    // 1. List the account's identity providers from a scratch configuration.
    let scratch = t.fresh_sibling();
    scratch.write_main_tf(&t.render(LIST_CONFIGURATION));
    scratch.run_ok(&["apply", "-input=false", "-no-color", "-auto-approve"]);
    let listed = scratch.run_ok(&["output", "-json", "identity_providers"]);
    let listed: BTreeMap<String, String> = serde_json::from_str(&listed.stdout)
        .unwrap_or_else(|err| panic!("the listing is not a map of id to name ({err}): {listed}"));

    // 2. Compare with the ids in state.
    let in_state: Vec<String> = Audit::of(t)
        .state
        .pointer("/values/root_module/resources")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| r["values"]["id"].as_str().map(str::to_owned))
        .collect();
    let untracked: Vec<(&String, &String)> = listed
        .iter()
        .filter(|(id, _)| !in_state.contains(id))
        .collect();

    // 3. One import block per untracked object, at the address whose name it carries.
    let mut imports = String::new();
    for (id, name) in &untracked {
        let index = name
            .strip_prefix("Killed ")
            .and_then(|i| i.parse::<usize>().ok())
            .filter(|i| *i < n);
        let Some(index) = index else {
            totals.fail(
                &format!("{label} recovery"),
                format!("{id} is named {name:?}, which no resource in the configuration has"),
            );
            continue;
        };
        imports.push_str(&format!(
            "import {{\n  to = {}\n  id = \"accounts/{}/{id}\"\n}}\n\n",
            many_address(index),
            t.account_id
        ));
    }
    t.write_file("imports.tf", &imports);

    // 4. Apply: the imports plus the creates the killed apply never reached.
    let applied = t.run(&["apply", "-input=false", "-no-color", "-auto-approve"]);
    let imported = if applied.success() {
        imported_count(&applied.stdout)
    } else {
        totals.fail(
            &format!("{label} recovery apply"),
            tail(&applied.combined(), 40),
        );
        0
    };
    if applied.success() {
        t.assert_empty_plans_after_apply();
    }
    // Import blocks are done with once applied.
    let _ = std::fs::remove_file(t.path().join("imports.tf"));
    (untracked.len(), imported)
}

/// `Apply complete! Resources: 3 imported, 12 added, 3 changed, 0 destroyed.`
fn imported_count(stdout: &str) -> usize {
    stdout
        .lines()
        .find_map(|line| {
            let rest = line.split_once("Resources: ")?.1;
            rest.split_once(" imported")?.0.trim().parse().ok()
        })
        .unwrap_or(0)
}

/// Every identity provider of the account, id to name.
const LIST_CONFIGURATION: &str = r#"data "cloudflare_zero_trust_access_identity_providers" "all" {
  account_id = "{{account_id}}"
}

output "identity_providers" {
  value = {
    for idp in data.cloudflare_zero_trust_access_identity_providers.all.result : idp.id => idp.name
  }
}
"#;
