//! Many identity providers at once, through transient API failures, and an apply interrupted
//! with SIGINT: no failures, no duplicates, no orphans.

use super::*;
use crate::support::acceptance;
use cloudflare_mock::{Fault, FaultKind};
use std::collections::BTreeSet;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const COUNT: usize = 50;

fn many(t: &Acc, count: usize) -> String {
    fixture(t, "many_github.tf", &[("count", &count.to_string())])
}

fn github_address(index: usize) -> String {
    format!("cloudflare_zero_trust_access_identity_provider.github[{index}]")
}

/// 50 identity providers with `-parallelism=10`, while the API answers some requests with 429,
/// 5xx, or by dropping the connection after it has created the object. Retries and create
/// reconciliation must end with exactly 50 objects, all in state.
#[test]
fn fifty_in_parallel_through_transient_failures() {
    acceptance(|t| {
        let main_tf = many(t, COUNT);
        t.write_main_tf(&main_tf);
        let control = t.mock.control();
        control.add_fault(Fault::times(
            Some("create"),
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
            3,
        ));
        control.add_fault(Fault::times(Some("create"), FaultKind::ServerError(503), 3));
        control.add_fault(Fault::times(Some("create"), FaultKind::DropAfterCommit, 2));
        control.add_fault(Fault::times(Some("get"), FaultKind::ServerError(502), 2));
        t.run_ok(&[
            "apply",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "-parallelism=10",
        ]);
        assert_eq!(
            control.object_count(),
            COUNT,
            "exactly one object per resource (no duplicates from retried creates)"
        );
        let creates = control.request_counts()["create"];
        // A 429 or 503 must be sent again; a create whose answer was lost may instead be found
        // by listing, so those two need not add requests.
        assert!(
            creates >= (COUNT + 6) as u64,
            "each refused create was retried: {creates} create requests"
        );

        let addresses: BTreeSet<String> = t.state_addresses().into_iter().collect();
        let expected: BTreeSet<String> = (0..COUNT).map(github_address).collect();
        assert_eq!(addresses, expected);
        let state = t.state();
        let state_ids: BTreeSet<String> = state["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["values"]["id"].as_str().map(str::to_owned))
            .collect();
        let api_ids: BTreeSet<String> = control
            .objects()
            .iter()
            .filter_map(|o| o["id"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(state_ids.len(), COUNT, "ids in state are distinct");
        assert_eq!(state_ids, api_ids, "state and API hold the same objects");
        let names: BTreeSet<String> = control
            .objects()
            .iter()
            .filter_map(|o| o["name"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(names.len(), COUNT, "every name once");
        // The refreshes of the post-apply plans meet the failing GETs.
        t.assert_empty_plans_after_apply();
        assert!(
            control.faults().is_empty(),
            "every injected fault should have fired: {:?}",
            control.faults()
        );

        control.add_fault(Fault::times(
            Some("delete"),
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
            2,
        ));
        control.add_fault(Fault::times(Some("delete"), FaultKind::ServerError(500), 2));
        t.run_ok(&[
            "destroy",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "-parallelism=10",
        ]);
        assert!(t.state_addresses().is_empty());
        assert_eq!(control.object_count(), 0);
    });
}

/// SIGINT during an apply whose creates are slow: Terraform asks the provider to stop and
/// exits; every object the API holds is in state (nothing orphaned), the provider does not
/// panic, and a later apply completes the configuration.
#[test]
fn interrupted_apply_leaves_no_orphans() {
    acceptance(|t| {
        let count = 6;
        let main_tf = many(t, count);
        t.write_main_tf(&main_tf);
        let log_path = t.path().join("interrupt.log");
        t.env("TF_LOG", "trace")
            .env("TF_LOG_PATH", &log_path.to_string_lossy());
        let control = t.mock.control();
        control.add_fault(Fault::always(
            Some("create"),
            FaultKind::Latency(Duration::from_secs(3)),
        ));

        let stdout_path = t.path().join("interrupt.stdout");
        let stderr_path = t.path().join("interrupt.stderr");
        let mut command = t.command(&[
            "apply",
            "-input=false",
            "-no-color",
            "-auto-approve",
            "-parallelism=2",
        ]);
        command
            .stdin(Stdio::null())
            .stdout(File::create(&stdout_path).expect("stdout file"))
            .stderr(File::create(&stderr_path).expect("stderr file"))
            .process_group(0);
        let mut child = command.spawn().expect("start terraform apply");

        // Wait until the first creates are in flight (held by the latency), then interrupt.
        let started = Instant::now();
        while control.request_counts()["create"] == 0 {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "terraform never sent a create"
            );
            assert!(
                child.try_wait().expect("poll").is_none(),
                "apply ended early"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(500));
        let signalled = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(signalled.success());

        let deadline = Instant::now() + Duration::from_secs(90);
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.wait();
                panic!("terraform did not exit within 90 s of SIGINT");
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
        let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        assert!(
            !status.success(),
            "an interrupted apply should not report success:\n{stdout}\n{stderr}"
        );
        assert!(
            stdout.contains("Interrupt received") || stderr.contains("Interrupt received"),
            "terraform should have handled the interrupt:\n{stdout}\n{stderr}"
        );
        control.clear_faults();

        // Nothing orphaned: every object the API holds is tracked in state.
        let state = t.state();
        let state_ids: BTreeSet<String> = state["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["values"]["id"].as_str().map(str::to_owned))
            .collect();
        let api_ids: BTreeSet<String> = control
            .objects()
            .iter()
            .filter_map(|o| o["id"].as_str().map(str::to_owned))
            .collect();
        assert!(
            api_ids.is_subset(&state_ids),
            "objects created but not in state (orphans): {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            api_ids.difference(&state_ids).collect::<Vec<_>>()
        );
        assert!(
            api_ids.len() < count,
            "the interrupt should have stopped the apply before all {count} creates"
        );
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        assert!(
            log.contains("GRPCProvider.v6: Stop"),
            "Terraform should have asked the provider to stop: {}",
            log_path.display()
        );
        assert!(
            !log.contains("panicked"),
            "the provider panicked: {}",
            log_path.display()
        );

        // Finishing the job works from whatever state the interrupt left.
        t.remove_env("TF_LOG").remove_env("TF_LOG_PATH");
        apply_and_settle(t);
        assert_eq!(control.object_count(), count);
        destroy_and_expect_empty(t);
    });
}
