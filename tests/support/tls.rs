//! The client half of go-plugin's AutoMTLS, for checking the provider's mTLS from outside: a
//! client certificate shaped like Terraform's (ECDSA P-521/SHA-512, marked CA, SAN localhost),
//! a TLS connector that trusts exactly the certificate from the handshake line, and a gRPC
//! health check over such a connection.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, PKCS_ECDSA_P521_SHA512,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UnixStream};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// A client certificate and key like the ones go-plugin generates for Terraform.
pub struct ClientIdentity {
    pub cert_pem: String,
    pub cert_der: CertificateDer<'static>,
    key_der: Vec<u8>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity").finish_non_exhaustive()
    }
}

impl ClientIdentity {
    pub fn generate() -> ClientIdentity {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P521_SHA512).expect("generate a P-521 key");
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned()]).expect("certificate params");
        let mut name = DistinguishedName::new();
        name.push(DnType::OrganizationName, "HashiCorp");
        name.push(DnType::CommonName, "localhost");
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyAgreement,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let cert = params.self_signed(&key).expect("self-sign the client cert");
        ClientIdentity {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            key_der: key.serialize_der(),
        }
    }
}

fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Trusts exactly one server certificate, as go-plugin's client does with the certificate from
/// the handshake line. The certificate is marked CA, which stock WebPKI path validation refuses
/// as an end entity, so pinning replaces path validation; signatures are still checked.
#[derive(Debug)]
struct PinnedServerCert {
    pinned: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedServerCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.pinned.as_ref() && intermediates.is_empty() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "server certificate differs from the handshake's".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Which TLS versions the client offers; the provider must accept a client cert over both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsVersion {
    Tls12,
    Tls13,
}

/// A TLS connector that pins `server_cert_der` and presents `identity` (or no certificate).
pub fn connector(
    server_cert_der: &[u8],
    identity: Option<&ClientIdentity>,
    version: TlsVersion,
) -> TlsConnector {
    let provider = crypto_provider();
    let versions: &[&rustls::SupportedProtocolVersion] = match version {
        TlsVersion::Tls12 => &[&rustls::version::TLS12],
        TlsVersion::Tls13 => &[&rustls::version::TLS13],
    };
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(versions)
        .expect("protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServerCert {
            pinned: CertificateDer::from(server_cert_der.to_vec()),
            provider,
        }));
    let mut config = match identity {
        Some(identity) => builder
            .with_client_auth_cert(
                vec![identity.cert_der.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key_der.clone())),
            )
            .expect("client certificate"),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    TlsConnector::from(Arc::new(config))
}

/// Opens a TLS session to the plugin's unix socket.
pub async fn connect_unix(
    socket: &Path,
    connector: &TlsConnector,
) -> std::io::Result<TlsStream<UnixStream>> {
    let stream = UnixStream::connect(socket).await?;
    connector
        .connect(ServerName::try_from("localhost").expect("name"), stream)
        .await
}

/// Proves the server accepted the session: with TLS 1.3 a refused client certificate surfaces
/// only on the first read (as an alert), not in `connect`. Sends the HTTP/2 preface and an
/// empty SETTINGS frame, then expects the server's SETTINGS frame back.
pub async fn exchange_http2_preface(stream: &mut TlsStream<UnixStream>) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await?;
    stream.flush().await?;
    let mut header = [0u8; 9];
    stream.read_exact(&mut header).await?;
    if header[3] != 0x4 {
        return Err(std::io::Error::other(format!(
            "expected a SETTINGS frame first, got frame type {}",
            header[3]
        )));
    }
    Ok(())
}

/// Calls `grpc.health.v1.Health/Check` for service `service` over mTLS to the plugin's unix
/// socket. tonic dials TCP here, so a local relay accepts that connection and carries it over
/// a TLS session to the socket; a refused TLS session makes the call fail.
pub async fn health_check(
    socket: &Path,
    connector: TlsConnector,
    service: &str,
) -> Result<i32, String> {
    use tonic_health::pb::health_client::HealthClient;
    use tonic_health::pb::HealthCheckRequest;

    let relay = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let relay_addr = relay.local_addr().map_err(|e| e.to_string())?;
    let socket: PathBuf = socket.to_owned();
    let relay_task = tokio::spawn(async move {
        while let Ok((mut tcp, _)) = relay.accept().await {
            let connector = connector.clone();
            let socket = socket.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = connect_unix(&socket, &connector).await {
                    let _ = tokio::io::copy_bidirectional(&mut tcp, &mut tls).await;
                }
            });
        }
    });
    let call = async {
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{relay_addr}"))
            .map_err(|e| e.to_string())?
            .connect()
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let response = HealthClient::new(channel)
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .map_err(|status| format!("health check: {status}"))?;
        Ok(response.into_inner().status)
    };
    let result = match tokio::time::timeout(Duration::from_secs(15), call).await {
        Ok(result) => result,
        Err(_) => Err("health check timed out".to_owned()),
    };
    relay_task.abort();
    result
}
