//! The state file survives restarts, both through the library and the `cloudflare-mock` binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use cloudflare_mock::{MockConfig, DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{client, minimal, read_reply, Api};

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = MockConfig {
        state_file: Some(dir.path().join("state.json")),
        ..MockConfig::default()
    };
    let api = Api::with_config(config.clone()).await;
    let mut body = minimal("okta");
    body["scim_config"] = json!({"enabled": true});
    let first = api.create_ok(body).await;
    let second = api.create_ok(minimal("github")).await;
    let gone = api.create_ok(minimal("google")).await;
    api.delete(&gone).await;
    let before = api.list("").await.result().clone();
    let scim_secret = api.control().scim_secret(&first).unwrap();
    api.server.shutdown().await;

    let api = Api::with_config(config).await;
    assert_eq!(api.list("").await.result(), &before);
    assert_eq!(
        api.control().client_secret(&first).as_deref(),
        Some("csecret")
    );
    assert_eq!(api.control().scim_secret(&first), Some(scim_secret));
    api.get(&gone).await.error(404, 12135);
    // New objects come after the restored ones, and edits keep being saved.
    let third = api.create_ok(minimal("yandex")).await;
    let ids: Vec<String> = api
        .list("")
        .await
        .result()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [first, second, third]);
}

#[tokio::test]
async fn corrupt_state_file_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, "{oops").unwrap();
    let error = cloudflare_mock::spawn(MockConfig {
        state_file: Some(path),
        ..MockConfig::default()
    })
    .await
    .expect_err("a corrupt file is an error, not an empty state");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
}

/// Starts the binary and returns it with the base URL it printed.
fn start_binary(state_file: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudflare-mock"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--token",
            DEFAULT_TOKEN,
            "--team",
            "bin-team",
            "--state-file",
        ])
        .arg(state_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base_url = line
        .trim()
        .strip_prefix("cloudflare-mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/client/v4"),
        "{base_url}"
    );
    (child, base_url)
}

fn terminate(mut child: std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
}

#[tokio::test]
async fn binary_prints_its_address_and_keeps_state_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let state_file = dir.path().join("mock-state.json");
    let http = client();
    let collection = format!("/accounts/{DEFAULT_ACCOUNT_ID}/access/identity_providers");

    let (child, base_url) = start_binary(&state_file);
    let response = http
        .post(format!("{base_url}{collection}"))
        .bearer_auth(DEFAULT_TOKEN)
        .json(&minimal("onetimepin"))
        .send()
        .await
        .unwrap();
    let reply = read_reply(response).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(
        reply.result()["config"]["redirect_url"],
        "https://bin-team.cloudflareaccess.com/cdn-cgi/access/callback"
    );
    let id = reply.result()["id"].as_str().unwrap().to_string();
    terminate(child);

    let (child, base_url) = start_binary(&state_file);
    let response = http
        .get(format!("{base_url}{collection}/{id}"))
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .await
        .unwrap();
    let reply = read_reply(response).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.result()["type"], "onetimepin");
    // The singleton rule still holds against the restored object.
    let response = http
        .post(format!("{base_url}{collection}"))
        .bearer_auth(DEFAULT_TOKEN)
        .json(&minimal("onetimepin"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    terminate(child);
}

#[test]
fn binary_help_lists_every_option() {
    let output = Command::new(env!("CARGO_BIN_EXE_cloudflare-mock"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for option in [
        "--listen",
        "--token",
        "--global-key",
        "--user-service-key",
        "--state-file",
        "--team",
        "--per-page",
        "--rate-limit",
    ] {
        assert!(text.contains(option), "{option} missing from --help");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_cloudflare-mock"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
