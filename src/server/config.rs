//! What the plugin host tells us through the environment, read once and checked.
//!
//! The variables are go-plugin's (see [`PluginEnv`]), plus one of ours,
//! `TF_PROVIDER_CLOUDFLARE_NETWORK`, which chooses the listener: `unix` (the default, as in
//! go-plugin on every non-Windows system) or `tcp` (a loopback port inside
//! `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT`). TCP is also used, with a warning, whenever a unix
//! socket cannot be created.

use std::fmt;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

/// The value Terraform puts in `TF_PLUGIN_MAGIC_COOKIE`; Terraform's source says it must never
/// change.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// The only tfplugin major version this provider serves.
pub const PROTOCOL_VERSION: u32 = 6;

/// Chooses the listener network; see the module documentation.
pub const NETWORK_VAR: &str = "TF_PROVIDER_CLOUDFLARE_NETWORK";

/// How long in-flight requests may run after a shutdown request before the server stops
/// anyway. go-plugin kills a plugin that has not exited 2 s after `Shutdown`; this leaves room
/// for the process to wind down.
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(1200);

/// The raw environment values, as the host set them. Tests build one by hand.
#[derive(Clone, Default)]
pub struct PluginEnv {
    /// `TF_PLUGIN_MAGIC_COOKIE`.
    pub magic_cookie: Option<String>,
    /// `PLUGIN_PROTOCOL_VERSIONS`: comma-separated majors the host accepts.
    pub protocol_versions: Option<String>,
    /// `PLUGIN_MIN_PORT`.
    pub min_port: Option<String>,
    /// `PLUGIN_MAX_PORT`.
    pub max_port: Option<String>,
    /// `PLUGIN_CLIENT_CERT`: the host's PEM certificate when AutoMTLS is on.
    pub client_cert: Option<String>,
    /// `PLUGIN_UNIX_SOCKET_DIR`.
    pub unix_socket_dir: Option<PathBuf>,
    /// `PLUGIN_UNIX_SOCKET_GROUP`: a group name or numeric id.
    pub unix_socket_group: Option<String>,
    /// [`NETWORK_VAR`].
    pub network: Option<String>,
    /// The temporary directory (`TMPDIR` or the system default).
    pub temp_dir: PathBuf,
}

impl fmt::Debug for PluginEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cookie and certificate are not secret, but they are long and say nothing useful.
        f.debug_struct("PluginEnv")
            .field("magic_cookie_set", &self.magic_cookie.is_some())
            .field("protocol_versions", &self.protocol_versions)
            .field("min_port", &self.min_port)
            .field("max_port", &self.max_port)
            .field("client_cert_set", &non_empty(&self.client_cert).is_some())
            .field("unix_socket_dir", &self.unix_socket_dir)
            .field("unix_socket_group", &self.unix_socket_group)
            .field("network", &self.network)
            .field("temp_dir", &self.temp_dir)
            .finish()
    }
}

impl PluginEnv {
    /// Reads this process's environment.
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok();
        Self {
            magic_cookie: var("TF_PLUGIN_MAGIC_COOKIE"),
            protocol_versions: var("PLUGIN_PROTOCOL_VERSIONS"),
            min_port: var("PLUGIN_MIN_PORT"),
            max_port: var("PLUGIN_MAX_PORT"),
            client_cert: var("PLUGIN_CLIENT_CERT"),
            unix_socket_dir: std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
                .filter(|dir| !dir.is_empty())
                .map(PathBuf::from),
            unix_socket_group: var("PLUGIN_UNIX_SOCKET_GROUP"),
            network: var(NETWORK_VAR),
            temp_dir: std::env::temp_dir(),
        }
    }

    /// Whether the host that started us is Terraform (or another go-plugin host using
    /// Terraform's handshake).
    pub fn cookie_matches(&self) -> bool {
        self.magic_cookie.as_deref() == Some(MAGIC_COOKIE_VALUE)
    }

    /// The listener settings, or why they are unusable.
    pub fn listen_config(&self) -> Result<ListenConfig, ConfigError> {
        let network = match non_empty(&self.network)
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("unix") => Network::Unix,
            Some("tcp") => Network::Tcp,
            Some(_) => {
                return Err(ConfigError::new(format!(
                    "{NETWORK_VAR} must be \"unix\" or \"tcp\""
                )))
            }
        };
        Ok(ListenConfig {
            network,
            socket_dir: self
                .unix_socket_dir
                .clone()
                .unwrap_or_else(|| self.temp_dir.clone()),
            socket_group: non_empty(&self.unix_socket_group).map(str::to_owned),
            ports: port_range(self.min_port.as_deref(), self.max_port.as_deref())?,
        })
    }

    /// The host's certificate when AutoMTLS is on; `None` means serve plaintext.
    pub fn client_cert_pem(&self) -> Option<&str> {
        non_empty(&self.client_cert)
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Which kind of socket to listen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// A unix domain socket in [`ListenConfig::socket_dir`].
    Unix,
    /// A loopback TCP port in [`ListenConfig::ports`].
    Tcp,
}

/// Where and how to listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenConfig {
    /// The preferred network; TCP is the fallback when a unix socket cannot be made.
    pub network: Network,
    /// Directory for the unix socket.
    pub socket_dir: PathBuf,
    /// Group that should own the unix socket (which is then made group-accessible).
    pub socket_group: Option<String>,
    /// Ports to try, in order, for TCP; `0..=0` means any free port.
    pub ports: RangeInclusive<u16>,
}

/// A problem with the host's settings, reported to the host on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl ConfigError {
    fn new(message: String) -> Self {
        Self(message)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The inclusive port range from `PLUGIN_MIN_PORT` and `PLUGIN_MAX_PORT`. An unset or empty
/// variable counts as 0, as in go-plugin, so with neither set the kernel picks a free port.
pub fn port_range(
    min: Option<&str>,
    max: Option<&str>,
) -> Result<RangeInclusive<u16>, ConfigError> {
    let parse = |name: &str, value: Option<&str>| -> Result<u16, ConfigError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(0),
            Some(text) => text.parse::<u16>().map_err(|_| {
                ConfigError::new(format!(
                    "{name} must be a port number (0-65535), got {text:?}"
                ))
            }),
        }
    };
    let min = parse("PLUGIN_MIN_PORT", min)?;
    let max = parse("PLUGIN_MAX_PORT", max)?;
    if min > max {
        return Err(ConfigError::new(format!(
            "PLUGIN_MIN_PORT ({min}) is greater than PLUGIN_MAX_PORT ({max})"
        )));
    }
    Ok(min..=max)
}

/// The outcome of version negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// The version to announce in the handshake line.
    pub version: u32,
    /// Whether the host listed it. When it did not, go-plugin still announces its own version
    /// and leaves it to the host to report the mismatch, which gives the person at the keyboard
    /// a clearer message ("Incompatible API version") than a plugin that just exits; we do the
    /// same.
    pub offered: bool,
}

/// Picks the protocol version from `PLUGIN_PROTOCOL_VERSIONS`. Entries that are not numbers
/// are skipped, as go-plugin does. A host that sends no list at all (pre-0.12 go-plugin)
/// accepts whatever the plugin announces.
pub fn negotiate(protocol_versions: Option<&str>) -> Negotiated {
    let listed = protocol_versions.map(str::trim).filter(|v| !v.is_empty());
    let Some(listed) = listed else {
        return Negotiated {
            version: PROTOCOL_VERSION,
            offered: true,
        };
    };
    let offered = listed
        .split(',')
        .filter_map(|entry| entry.trim().parse::<u32>().ok())
        .any(|version| version == PROTOCOL_VERSION);
    Negotiated {
        version: PROTOCOL_VERSION,
        offered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_must_match_exactly() {
        let mut env = PluginEnv::default();
        assert!(!env.cookie_matches());
        env.magic_cookie = Some(String::new());
        assert!(!env.cookie_matches());
        env.magic_cookie = Some(MAGIC_COOKIE_VALUE.to_uppercase());
        assert!(!env.cookie_matches());
        env.magic_cookie = Some(format!("{MAGIC_COOKIE_VALUE} "));
        assert!(!env.cookie_matches());
        env.magic_cookie = Some(MAGIC_COOKIE_VALUE.into());
        assert!(env.cookie_matches());
    }

    /// Asserts that each of `offers` negotiates version 6, marked as `offered` or not.
    fn assert_negotiates_six(offers: &[Option<&str>], offered: bool) {
        for offer in offers {
            let expected = Negotiated {
                version: 6,
                offered,
            };
            assert_eq!(negotiate(*offer), expected, "{offer:?}");
        }
    }

    #[test]
    fn version_six_is_chosen_whenever_offered() {
        let offers = [
            Some("5,6"),
            Some("6,5"),
            Some(" 5 , 6 "),
            Some("x,6"),
            None,
            Some(""),
        ];
        assert_negotiates_six(&offers, true);
    }

    #[test]
    fn version_six_is_still_announced_when_not_offered() {
        assert_negotiates_six(&[Some("4,5"), Some("66"), Some("five")], false);
    }

    #[test]
    fn port_range_parsing() {
        assert_eq!(port_range(None, None), Ok(0..=0));
        assert_eq!(port_range(Some(""), Some(" ")), Ok(0..=0));
        assert_eq!(port_range(Some("10000"), Some("25000")), Ok(10000..=25000));
        assert_eq!(port_range(Some("4000"), Some("4000")), Ok(4000..=4000));
        assert_eq!(port_range(None, Some("3000")), Ok(0..=3000));
        assert!(port_range(Some("25000"), Some("10000")).is_err());
        assert!(port_range(Some("70000"), Some("80000")).is_err());
        assert!(port_range(Some("-1"), Some("10")).is_err());
        let error = port_range(Some("ten"), None).unwrap_err();
        assert!(error.to_string().contains("PLUGIN_MIN_PORT"), "{error}");
    }

    #[test]
    fn listen_config_defaults_to_a_unix_socket_in_the_temp_dir() {
        let env = PluginEnv {
            temp_dir: PathBuf::from("/tmp/x"),
            ..PluginEnv::default()
        };
        let config = env.listen_config().unwrap();
        assert_eq!(config.network, Network::Unix);
        assert_eq!(config.socket_dir, PathBuf::from("/tmp/x"));
        assert_eq!(config.socket_group, None);

        let env = PluginEnv {
            unix_socket_dir: Some("/run/sockets".into()),
            unix_socket_group: Some("terraform".into()),
            network: Some("TCP".into()),
            min_port: Some("10000".into()),
            max_port: Some("10010".into()),
            ..env
        };
        let config = env.listen_config().unwrap();
        assert_eq!(config.network, Network::Tcp);
        assert_eq!(config.socket_dir, PathBuf::from("/run/sockets"));
        assert_eq!(config.socket_group.as_deref(), Some("terraform"));
        assert_eq!(config.ports, 10000..=10010);

        let bad = PluginEnv {
            network: Some("udp".into()),
            ..PluginEnv::default()
        };
        assert!(bad.listen_config().is_err());
    }

    #[test]
    fn client_cert_is_only_used_when_non_empty() {
        let mut env = PluginEnv::default();
        assert_eq!(env.client_cert_pem(), None);
        env.client_cert = Some(" \n".into());
        assert_eq!(env.client_cert_pem(), None);
        env.client_cert = Some("-----BEGIN CERTIFICATE-----".into());
        assert!(env.client_cert_pem().is_some());
    }
}
