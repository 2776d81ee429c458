//! HTTPS as the phones use it: rustls on `ring`, trusting the centre's own CA given at
//! enrolment. A TLS front with a test CA's certificate for `localhost` stands before the real
//! centre (TLS is usually ended by the centre's proxy, so is it here). With the CA, enrolment
//! and sync work; without it, or with another CA's certificate, enrolment fails on the
//! certificate and nothing is saved; the device never speaks plain HTTP to an `https://` URL.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use redshield_core::api::CoreError;
use redshield_testkit::centre::Centre;
use redshield_testkit::{complaint_from, device, device_log};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};

/// A test CA and a certificate it issued for `localhost` and 127.0.0.1.
struct Pki {
    ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: PrivateKeyDer<'static>,
}

fn test_pki(name: &str) -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, format!("{name} test CA"));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = leaf.signed_by(&key, &ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        server_chain: vec![cert.der().clone()],
        server_key: PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
    }
}

/// A TLS front before `upstream` (plain TCP): it records the first byte each connection
/// brings, so a test can see whether anything but a TLS handshake arrived.
struct TlsFront {
    addr: SocketAddr,
    first_bytes: Arc<Mutex<Vec<u8>>>,
}

impl TlsFront {
    async fn start(upstream: SocketAddr, pki: &Pki) -> TlsFront {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let first_bytes = Arc::new(Mutex::new(Vec::new()));
        let seen = first_bytes.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (acceptor, seen) = (acceptor.clone(), seen.clone());
                tokio::spawn(async move {
                    let mut first = [0u8; 1];
                    if matches!(socket.peek(&mut first).await, Ok(1)) {
                        seen.lock().unwrap().push(first[0]);
                    }
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return;
                    };
                    let Ok(mut centre) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut centre).await;
                });
            }
        });
        TlsFront { addr, first_bytes }
    }

    fn url(&self) -> String {
        format!("https://localhost:{}", self.addr.port())
    }

    /// Every connection opened with a TLS handshake record (content type 22), and there was
    /// at least one.
    fn only_tls_was_spoken(&self) -> bool {
        let seen = self.first_bytes.lock().unwrap();
        !seen.is_empty() && seen.iter().all(|&b| b == 0x16)
    }
}

/// Enrolment refused on the certificate: `NotDelivered` naming it.
fn refused_on_the_certificate(result: Result<(), CoreError>) {
    match result {
        Err(CoreError::NotDelivered { reason }) => {
            assert!(reason.contains("certificate"), "{reason}");
        }
        other => panic!("enrolled without trusting the centre: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_centres_ca_enrolment_and_sync_go_over_https() {
    let centre = Centre::start().await;
    let pki = test_pki("Centre");
    let front = TlsFront::start(centre.addr(), &pki).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    phone.open_case(complaint_from("王芳")).unwrap();
    phone
        .clone()
        .enrol(
            front.url(),
            centre.code().await,
            Some(pki.ca_pem.clone().into_bytes()),
        )
        .await
        .unwrap();
    // The CA is kept with the enrolment: later syncs trust it too.
    phone.open_case(complaint_from("钱七")).unwrap();
    let report = phone.clone().sync(None, None).await.unwrap();
    let log = device_log(dir.path());
    assert_eq!(report.acked_seq, log.last().unwrap().0);
    assert_eq!(centre.log_of(&phone).await, log, "byte-identical over TLS");
    assert!(front.only_tls_was_spoken());
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_ca_or_with_another_enrolment_fails_on_the_certificate_and_saves_nothing() {
    let centre = Centre::start().await;
    let pki = test_pki("Centre");
    let stranger = test_pki("Stranger");
    let front = TlsFront::start(centre.addr(), &pki).await;
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    let code = centre.code().await;

    // Only the web PKI: the test CA is not in it.
    refused_on_the_certificate(phone.clone().enrol(front.url(), code.clone(), None).await);
    assert!(matches!(
        phone.clone().sync(None, None).await,
        Err(CoreError::NotEnrolled)
    ));
    // Another CA's certificate: no better.
    refused_on_the_certificate(
        phone
            .clone()
            .enrol(
                front.url(),
                code.clone(),
                Some(stranger.ca_pem.clone().into_bytes()),
            )
            .await,
    );
    assert!(matches!(
        phone.clone().sync(None, None).await,
        Err(CoreError::NotEnrolled)
    ));
    // A server showing the stranger's certificate to a device trusting the centre's CA.
    let impostor = TlsFront::start(centre.addr(), &stranger).await;
    refused_on_the_certificate(
        phone
            .clone()
            .enrol(
                impostor.url(),
                code.clone(),
                Some(pki.ca_pem.clone().into_bytes()),
            )
            .await,
    );
    assert!(matches!(
        phone.clone().sync(None, None).await,
        Err(CoreError::NotEnrolled)
    ));
    // No request got through: the one-time code is still unspent.
    phone
        .clone()
        .enrol(front.url(), code, Some(pki.ca_pem.clone().into_bytes()))
        .await
        .unwrap();
    phone.clone().sync(None, None).await.unwrap();
    assert!(front.only_tls_was_spoken() && impostor.only_tls_was_spoken());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_https_url_is_never_spoken_to_in_plain_http() {
    let centre = Centre::start().await;
    let pki = test_pki("Centre");
    let dir = tempfile::tempdir().unwrap();
    let phone = device(dir.path(), "李明");
    let code = centre.code().await;
    // The centre's plain-HTTP port named as https://: the handshake fails and the device does
    // not fall back to sending the request in clear.
    let plain = format!("https://localhost:{}", centre.addr().port());
    match phone
        .clone()
        .enrol(plain, code.clone(), Some(pki.ca_pem.clone().into_bytes()))
        .await
    {
        Err(CoreError::NotDelivered { .. }) => {}
        other => panic!("an https:// URL answered in plain HTTP: {other:?}"),
    }
    assert!(matches!(
        phone.clone().sync(None, None).await,
        Err(CoreError::NotEnrolled)
    ));
    // The code was never seen by the centre (a request in clear would have spent it).
    let front = TlsFront::start(centre.addr(), &pki).await;
    phone
        .clone()
        .enrol(front.url(), code, Some(pki.ca_pem.into_bytes()))
        .await
        .unwrap();
    assert!(front.only_tls_was_spoken());
}
