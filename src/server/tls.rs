//! go-plugin's AutoMTLS, server side: a fresh certificate for this process, and a client check
//! that admits only the host whose certificate arrived in `PLUGIN_CLIENT_CERT`.
//!
//! The host's certificate is ECDSA P-521, signed with SHA-512 and marked as a CA. Stock
//! webpki client verification would refuse it (a CA certificate used as an end entity), and
//! *ring* cannot check P-521 signatures at all, so the check here is hand-written and narrow:
//! the presented leaf must be byte-for-byte the pinned certificate, and the handshake signature
//! is verified with the aws-lc-rs provider's algorithms, which include P-521/SHA-512.

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};
use std::fmt;
use std::sync::Arc;

/// The crypto provider used for everything TLS here, chosen explicitly rather than through a
/// process-wide default so nothing else in the process can change it.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A failure to set up TLS.
#[derive(Debug)]
pub enum TlsError {
    /// `PLUGIN_CLIENT_CERT` held no usable PEM certificate.
    ClientCertificate(String),
    /// Generating our certificate or building the TLS configuration failed.
    Setup(String),
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::ClientCertificate(why) => {
                write!(
                    f,
                    "PLUGIN_CLIENT_CERT is not a usable PEM certificate: {why}"
                )
            }
            TlsError::Setup(why) => write!(f, "could not set up TLS: {why}"),
        }
    }
}

impl std::error::Error for TlsError {}

/// Reads every certificate in a PEM text.
pub fn parse_pem_certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certificates = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| TlsError::ClientCertificate(error.to_string()))?;
    if certificates.is_empty() {
        return Err(TlsError::ClientCertificate(
            "no CERTIFICATE block found".into(),
        ));
    }
    Ok(certificates)
}

/// Our certificate and key for one process lifetime.
pub struct ServerIdentity {
    /// The certificate, DER-encoded; the host receives it in the handshake line.
    pub certificate: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerIdentity")
            .field("certificate_len", &self.certificate.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

impl ServerIdentity {
    /// Generates a self-signed certificate for `localhost`.
    ///
    /// The key is ECDSA P-256. go-plugin's own generator uses P-521, but the Go client accepts
    /// any curve it can verify, and P-256 keys are the quickest to generate and sign with, which
    /// keeps plugin start-up and every handshake short; P-256 with SHA-256 is also the one
    /// ECDSA scheme every TLS stack supports. Unlike go-plugin's certificate it is not marked as
    /// a CA: the host pins it as its only root, which Go accepts for a self-signed leaf, and a
    /// non-CA leaf is also acceptable to webpki-based hosts.
    pub fn generate(provider: &CryptoProvider) -> Result<Self, TlsError> {
        let setup = |error: rcgen::Error| TlsError::Setup(error.to_string());
        let key_pair =
            rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(setup)?;
        let mut params =
            rcgen::CertificateParams::new(vec!["localhost".to_owned()]).map_err(setup)?;
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params.distinguished_name.push(
            rcgen::DnType::OrganizationName,
            "terraform-provider-cloudflare-access",
        );
        params.is_ca = rcgen::IsCa::ExplicitNoCa;
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyAgreement,
        ];
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        ];
        // As go-plugin: valid from a little before now (clock skew) for a very long time,
        // because the certificate lives exactly as long as this process.
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::seconds(30);
        params.not_after = now + time::Duration::days(365 * 30);
        params.serial_number = Some(random_serial(provider)?);
        let certificate = params.self_signed(&key_pair).map_err(setup)?;
        Ok(Self {
            certificate: certificate.der().clone(),
            key: PrivatePkcs8KeyDer::from(key_pair.serialize_der()),
        })
    }

    /// The rustls server configuration: TLS 1.3 and 1.2, HTTP/2 negotiated through ALPN (gRPC
    /// clients insist on it), and client certificates checked by `verifier`.
    pub fn server_config(
        &self,
        provider: Arc<CryptoProvider>,
        verifier: Arc<dyn ClientCertVerifier>,
    ) -> Result<rustls::ServerConfig, TlsError> {
        let setup = |error: rustls::Error| TlsError::Setup(error.to_string());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(setup)?
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![self.certificate.clone()],
                PrivateKeyDer::Pkcs8(self.key.clone_key()),
            )
            .map_err(setup)?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(config)
    }
}

/// A positive 128-bit serial number from the provider's random source.
fn random_serial(provider: &CryptoProvider) -> Result<rcgen::SerialNumber, TlsError> {
    let mut bytes = [0u8; 16];
    provider
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| TlsError::Setup("no randomness for the certificate serial".into()))?;
    // DER integers are signed; a clear top bit keeps the serial positive and its length fixed.
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    Ok(rcgen::SerialNumber::from_slice(&bytes))
}

/// Admits exactly the pinned client certificates.
pub struct PinnedClientCert {
    pinned: Vec<CertificateDer<'static>>,
    hints: Vec<DistinguishedName>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl fmt::Debug for PinnedClientCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedClientCert")
            .field("pinned", &self.pinned.len())
            .finish_non_exhaustive()
    }
}

impl PinnedClientCert {
    /// Pins `certificates`, checking signatures with `provider`'s algorithms.
    pub fn new(certificates: Vec<CertificateDer<'static>>, provider: &CryptoProvider) -> Self {
        // Like go-plugin, which makes the host certificate its only client CA, name its
        // subject in the certificate request. Go's client would send its certificate without a
        // hint too; if the subject cannot be read, the hint is simply left out.
        let mut subjects = rustls::RootCertStore::empty();
        let (_added, _ignored) = subjects.add_parsable_certificates(certificates.iter().cloned());
        Self {
            pinned: certificates,
            hints: subjects.subjects(),
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        // Pinning replaces path validation: the host handed us this exact certificate moments
        // ago, so only its holder can be the host. Validity dates and CA flags add nothing.
        if self
            .pinned
            .iter()
            .any(|pinned| pinned.as_ref() == end_entity.as_ref())
        {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Host-side certificates like Terraform's, for tests.

    use super::*;

    /// A client certificate shaped like go-plugin's: ECDSA P-521 with SHA-512, marked as a CA.
    pub(crate) struct HostCert {
        pub(crate) pem: String,
        pub(crate) der: CertificateDer<'static>,
        pub(crate) key: PrivateKeyDer<'static>,
    }

    pub(crate) fn host_cert() -> HostCert {
        let key_pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "HashiCorp");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyEncipherment,
            rcgen::KeyUsagePurpose::KeyAgreement,
            rcgen::KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let certificate = params.self_signed(&key_pair).unwrap();
        HostCert {
            pem: certificate.pem(),
            der: certificate.der().clone(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pair.serialize_der())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::host_cert;
    use super::*;

    fn now() -> UnixTime {
        UnixTime::now()
    }

    #[test]
    fn pem_parsing_finds_certificates_and_rejects_junk() {
        let host = host_cert();
        let parsed = parse_pem_certificates(&host.pem).unwrap();
        assert_eq!(parsed, vec![host.der.clone()]);
        assert!(parse_pem_certificates("not a certificate").is_err());
        assert!(parse_pem_certificates("").is_err());
    }

    #[test]
    fn verifier_accepts_only_the_pinned_p521_certificate() {
        let provider = crypto_provider();
        let host = host_cert();
        let other = host_cert();
        let verifier = PinnedClientCert::new(vec![host.der.clone()], &provider);

        assert!(verifier.client_auth_mandatory());
        assert!(verifier.verify_client_cert(&host.der, &[], now()).is_ok());
        assert!(verifier.verify_client_cert(&other.der, &[], now()).is_err());
        // Sending the pinned certificate as an intermediate does not help an impostor.
        assert!(verifier
            .verify_client_cert(&other.der, std::slice::from_ref(&host.der), now())
            .is_err());
        assert!(verifier
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
        // The host's subject is offered as the hint, as go-plugin does.
        assert_eq!(verifier.root_hint_subjects().len(), 1);
    }

    #[test]
    fn server_identity_is_a_localhost_server_certificate() {
        let provider = crypto_provider();
        let identity = ServerIdentity::generate(&provider).unwrap();
        // A webpki client that trusts exactly this certificate accepts it for `localhost`,
        // which is how the Go host treats it too.
        let mut roots = rustls::RootCertStore::empty();
        roots.add(identity.certificate.clone()).unwrap();
        let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        use rustls::client::danger::ServerCertVerifier as _;
        verifier
            .verify_server_cert(&identity.certificate, &[], &name, &[], now())
            .unwrap();
        let other = rustls::pki_types::ServerName::try_from("example.com").unwrap();
        assert!(verifier
            .verify_server_cert(&identity.certificate, &[], &other, &[], now())
            .is_err());
        // Two processes never share a certificate.
        let second = ServerIdentity::generate(&provider).unwrap();
        assert_ne!(identity.certificate, second.certificate);
        assert!(!format!("{identity:?}").contains("BEGIN"));
    }
}
