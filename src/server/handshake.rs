//! The text the provider prints for its host: go-plugin's one-line handshake, and the
//! `TF_REATTACH_PROVIDERS` value printed in debug mode.

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// go-plugin's own protocol version, the first handshake field; hosts reject anything else.
const CORE_PROTOCOL_VERSION: u32 = 1;

/// The provider's source address, the key Terraform looks up in `TF_REATTACH_PROVIDERS`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/ferrotf/cloudflare-access";

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A unix domain socket at this path.
    Unix(PathBuf),
    /// A TCP address (always on loopback).
    Tcp(SocketAddr),
}

impl Address {
    /// go-plugin's network name.
    pub fn network(&self) -> &'static str {
        match self {
            Address::Unix(_) => "unix",
            Address::Tcp(_) => "tcp",
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Unix(path) => write!(f, "{}", path.display()),
            Address::Tcp(addr) => write!(f, "{addr}"),
        }
    }
}

/// `CORE|APP|NETWORK|ADDRESS|grpc|CERT`, without the newline. `CERT` is the server
/// certificate's DER in standard base64 without padding (go's `RawStdEncoding`, which is how
/// the host decodes it), or empty when serving plaintext.
pub fn handshake_line(
    protocol_version: u32,
    address: &Address,
    server_cert_der: Option<&[u8]>,
) -> String {
    let cert = server_cert_der
        .map(|der| STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!(
        "{CORE_PROTOCOL_VERSION}|{protocol_version}|{}|{address}|grpc|{cert}",
        address.network()
    )
}

/// The JSON value of `TF_REATTACH_PROVIDERS` that points Terraform at a running debug server.
pub fn reattach_json(protocol_version: u32, pid: u32, address: &Address) -> String {
    // Written out by hand to keep the fields in the order Terraform's documentation shows.
    let key = serde_json::Value::from(PROVIDER_ADDRESS);
    let location = serde_json::Value::from(address.to_string());
    format!(
        "{{{key}:{{\"Protocol\":\"grpc\",\"ProtocolVersion\":{protocol_version},\"Pid\":{pid},\
         \"Test\":true,\"Addr\":{{\"Network\":\"{network}\",\"String\":{location}}}}}}}",
        network = address.network(),
    )
}

/// What debug mode prints on stdout for the person who started it.
pub fn reattach_instructions(protocol_version: u32, pid: u32, address: &Address) -> String {
    let json = reattach_json(protocol_version, pid, address);
    format!(
        "Provider started. To attach Terraform, set TF_REATTACH_PROVIDERS:\n\n\
         \tTF_REATTACH_PROVIDERS='{json}'\n\n\
         Run terraform in another shell with that variable set; stop the provider with Ctrl-C.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_line_for_unix_socket_with_certificate() {
        // Lengths 1, 2 and 3 mod 3 would need padding in standard base64; none may appear.
        for der in [vec![0xffu8; 301], vec![0x30; 302], vec![0x01; 303]] {
            let address = Address::Unix("/tmp/plugin123".into());
            let line = handshake_line(6, &address, Some(&der));
            let fields: Vec<&str> = line.split('|').collect();
            assert_eq!(fields[..5], ["1", "6", "unix", "/tmp/plugin123", "grpc"]);
            assert!(!fields[5].contains('='), "{}", fields[5]);
            assert!(!line.contains('\n'));
            assert_eq!(STANDARD_NO_PAD.decode(fields[5]).unwrap(), der);
        }
        // The standard alphabet, not the URL-safe one.
        let line = handshake_line(6, &Address::Unix("/s".into()), Some(&[0xfb, 0xff]));
        assert_eq!(line, "1|6|unix|/s|grpc|+/8");
    }

    #[test]
    fn handshake_line_for_plaintext_tcp() {
        let address = Address::Tcp("127.0.0.1:10001".parse().unwrap());
        assert_eq!(
            handshake_line(6, &address, None),
            "1|6|tcp|127.0.0.1:10001|grpc|"
        );
    }

    #[test]
    fn reattach_json_has_terraforms_shape() {
        let address = Address::Unix("/tmp/plugin9".into());
        let json: serde_json::Value =
            serde_json::from_str(&reattach_json(6, 4242, &address)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "registry.terraform.io/ferrotf/cloudflare-access": {
                    "Protocol": "grpc", "ProtocolVersion": 6, "Pid": 4242, "Test": true,
                    "Addr": { "Network": "unix", "String": "/tmp/plugin9" }
                }
            })
        );
        let text = reattach_instructions(6, 4242, &address);
        assert!(
            text.starts_with("Provider started. To attach Terraform, set TF_REATTACH_PROVIDERS:")
        );
        assert!(text.contains(
            "TF_REATTACH_PROVIDERS='{\"registry.terraform.io/ferrotf/cloudflare-access\""
        ));
    }
}
