//! `cloudflare-mock`: runs the mock Access Identity Providers API as a standalone server.
//!
//! Run with `cloudflare-mock --listen 127.0.0.1:8787 --token <token>`; see `--help`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use cloudflare_mock::{MockConfig, RateLimit, DEFAULT_TOKEN};

/// The `--help` text. It shows the default token: that one is public, a fixed value for local
/// use, unlike any token given with `--token`, which is never printed.
fn help() -> String {
    format!(
        "\
cloudflare-mock: a stateful mock of Cloudflare's Access Identity Providers API

USAGE:
    cloudflare-mock [OPTIONS]

OPTIONS:
    --listen ADDR              Address to bind [default: 127.0.0.1:0, a free port]
    --token TOKEN              Accept this API token (repeatable) [default: {DEFAULT_TOKEN},
                               accepted only when no --token, --global-key or
                               --user-service-key is given]
    --global-key EMAIL:KEY     Accept this X-Auth-Email/X-Auth-Key pair (repeatable)
    --user-service-key KEY     Accept this X-Auth-User-Service-Key (repeatable)
    --state-file FILE          Load state from FILE at start and save it after every change
    --team NAME                Zero Trust team name used in generated URLs [default: mock-team]
    --per-page N               Default page size of the list endpoint [default: 25]
    --rate-limit N/SECS|off    Requests per credential per window [default: 1200/300]
    --no-rate-limit-headers    Leave out the Ratelimit and Ratelimit-Policy response headers
    -h, --help                 Print this help
    -V, --version              Print the version

On start one line is printed to stdout:
    cloudflare-mock listening on http://127.0.0.1:PORT/client/v4
The control surface is served under http://127.0.0.1:PORT/__mock/ (see the README).
SIGINT or SIGTERM stops the server.
"
    )
}

struct Args {
    listen: SocketAddr,
    config: MockConfig,
    rate_limit: Option<RateLimit>,
    rate_limit_headers: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut config = MockConfig {
        tokens: Vec::new(),
        ..MockConfig::default()
    };
    let mut rate_limit = Some(RateLimit::default());
    let mut rate_limit_headers = true;
    while let Some(flag) = args.next() {
        let (flag, inline) = match flag.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (flag, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{}", help());
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("cloudflare-mock {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "--listen" => {
                let text = value("--listen")?;
                listen = text.parse().map_err(|_| {
                    format!("--listen: `{text}` is not an address like 127.0.0.1:8787")
                })?;
            }
            "--token" => config.tokens.push(value("--token")?),
            "--global-key" => {
                let pair = value("--global-key")?;
                let (email, key) = pair
                    .split_once(':')
                    .ok_or("--global-key expects EMAIL:KEY")?;
                config
                    .global_keys
                    .push((email.to_string(), key.to_string()));
            }
            "--user-service-key" => config.user_service_keys.push(value("--user-service-key")?),
            "--state-file" => config.state_file = Some(PathBuf::from(value("--state-file")?)),
            "--team" => config.team_name = value("--team")?,
            "--per-page" => {
                let text = value("--per-page")?;
                config.default_per_page = text
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| format!("--per-page: `{text}` is not a positive integer"))?;
            }
            "--rate-limit" => {
                let text = value("--rate-limit")?;
                rate_limit = parse_rate_limit(&text)
                    .ok_or_else(|| format!("--rate-limit: `{text}` is not N/SECS or off"))?;
            }
            "--no-rate-limit-headers" => rate_limit_headers = false,
            other => return Err(format!("unknown option `{other}` (see --help)")),
        }
    }
    if config.tokens.is_empty()
        && config.global_keys.is_empty()
        && config.user_service_keys.is_empty()
    {
        config.tokens.push(DEFAULT_TOKEN.to_string());
    }
    Ok(Some(Args {
        listen,
        config,
        rate_limit,
        rate_limit_headers,
    }))
}

fn parse_rate_limit(text: &str) -> Option<Option<RateLimit>> {
    if text == "off" {
        return Some(None);
    }
    let (requests, secs) = text.split_once('/')?;
    let window = Duration::try_from_secs_f64(secs.parse().ok()?).ok()?;
    if window.is_zero() {
        return None;
    }
    Some(Some(RateLimit {
        requests: requests.parse().ok()?,
        window,
    }))
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cloudflare-mock: {message}");
            return ExitCode::from(2);
        }
    };
    let server = match cloudflare_mock::spawn_at(args.config, args.listen).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("cloudflare-mock: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    server.control().set_rate_limit(args.rate_limit);
    server
        .control()
        .set_rate_limit_headers(args.rate_limit_headers);
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "cloudflare-mock listening on {}", server.base_url());
    let _ = stdout.flush();
    wait_for_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_fill_the_config() {
        let args = parse(&[
            "--listen",
            "127.0.0.1:9999",
            "--token",
            "t1",
            "--token=t2",
            "--global-key",
            "a@b.c:k",
            "--team",
            "acme",
            "--per-page",
            "5",
            "--rate-limit",
            "10/2",
            "--state-file",
            "s.json",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(args.listen.port(), 9999);
        assert_eq!(args.config.tokens, ["t1", "t2"]);
        assert_eq!(
            args.config.global_keys,
            [("a@b.c".to_string(), "k".to_string())]
        );
        assert_eq!(args.config.team_name, "acme");
        assert_eq!(args.config.default_per_page, 5);
        assert_eq!(args.config.state_file, Some(PathBuf::from("s.json")));
        assert_eq!(
            args.rate_limit,
            Some(RateLimit {
                requests: 10,
                window: Duration::from_secs(2)
            })
        );
    }

    #[test]
    fn help_shows_the_default_token() {
        let text = help();
        assert!(
            text.contains(&format!("[default: {DEFAULT_TOKEN},")),
            "{text}"
        );
        assert!(!text.contains("demo token"), "{text}");
    }

    #[test]
    fn defaults_and_errors() {
        let args = parse(&[]).unwrap().unwrap();
        assert_eq!(args.config.tokens, [DEFAULT_TOKEN]);
        assert_eq!(args.listen.port(), 0);
        assert!(args.rate_limit_headers);
        assert!(
            !parse(&["--no-rate-limit-headers"])
                .unwrap()
                .unwrap()
                .rate_limit_headers
        );
        assert!(parse(&["--rate-limit", "off"])
            .unwrap()
            .unwrap()
            .rate_limit
            .is_none());
        assert!(parse(&["--listen"]).is_err());
        assert!(parse(&["--listen", "nowhere"]).is_err());
        assert!(parse(&["--per-page", "0"]).is_err());
        assert!(parse(&["--rate-limit", "10/0"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }
}
