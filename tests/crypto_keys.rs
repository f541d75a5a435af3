//! Key loading against material made by the `openssl` command-line tool, and against the
//! shared capture keys (read from `../shared` at run time).

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use wskex::crypto::CryptoError;
use wskex::crypto::certificate::SkiSource;
use wskex::crypto::key_store::{KeySelector, KeyStore};
use wskex::crypto::keys::{KeyMaterial, load_certificate_file, load_key_file};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command-line tool must be installed");
    assert!(
        out.status.success(),
        "openssl {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn openssl_stdout(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(out.status.success(), "openssl {}", args.join(" "));
    out.stdout
}

/// Every format of one RSA key, plus a certificate and PKCS#12 bundles.
struct Fixture {
    dir: tempfile::TempDir,
}

const KEY_PASSWORD: &str = "s3cret pass";
const P12_PASSWORD: &str = "p12-pass";

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        openssl(
            d,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                "pkcs8.pem",
            ],
        );
        openssl(
            d,
            &[
                "rsa",
                "-in",
                "pkcs8.pem",
                "-traditional",
                "-out",
                "pkcs1.pem",
            ],
        );
        openssl(
            d,
            &[
                "rsa",
                "-in",
                "pkcs8.pem",
                "-traditional",
                "-outform",
                "DER",
                "-out",
                "pkcs1.der",
            ],
        );
        openssl(
            d,
            &[
                "pkcs8",
                "-topk8",
                "-nocrypt",
                "-in",
                "pkcs8.pem",
                "-outform",
                "DER",
                "-out",
                "pkcs8.der",
            ],
        );
        let passout = format!("pass:{KEY_PASSWORD}");
        openssl(
            d,
            &[
                "pkcs8",
                "-topk8",
                "-in",
                "pkcs8.pem",
                "-passout",
                &passout,
                "-out",
                "enc.pem",
            ],
        );
        openssl(
            d,
            &[
                "pkcs8",
                "-topk8",
                "-in",
                "pkcs8.pem",
                "-passout",
                &passout,
                "-outform",
                "DER",
                "-out",
                "enc.der",
            ],
        );
        openssl(
            d,
            &[
                "req",
                "-new",
                "-x509",
                "-key",
                "pkcs8.pem",
                "-subj",
                "/C=LK/O=Example Org/CN=wskex test",
                "-days",
                "30",
                "-set_serial",
                "1234567",
                "-addext",
                "subjectKeyIdentifier=hash",
                "-out",
                "cert.pem",
            ],
        );
        openssl(
            d,
            &[
                "x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der",
            ],
        );
        let p12out = format!("pass:{P12_PASSWORD}");
        openssl(
            d,
            &[
                "pkcs12",
                "-export",
                "-inkey",
                "pkcs8.pem",
                "-in",
                "cert.pem",
                "-passout",
                &p12out,
                "-out",
                "bundle.p12",
            ],
        );
        openssl(
            d,
            &[
                "pkcs12",
                "-export",
                "-legacy",
                "-inkey",
                "pkcs8.pem",
                "-in",
                "cert.pem",
                "-passout",
                &p12out,
                "-out",
                "legacy.pfx",
            ],
        );
        // A second, unrelated key and certificate.
        openssl(
            d,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:1024",
                "-out",
                "other.key.pem",
            ],
        );
        openssl(
            d,
            &[
                "req",
                "-new",
                "-x509",
                "-key",
                "other.key.pem",
                "-subj",
                "/CN=other",
                "-days",
                "30",
                "-set_serial",
                "77",
                "-out",
                "other.cert.pem",
            ],
        );
        let both = [
            std::fs::read(d.join("cert.pem")).unwrap(),
            std::fs::read(d.join("other.cert.pem")).unwrap(),
        ]
        .concat();
        std::fs::write(d.join("two-certs.pem"), both).unwrap();
        Fixture { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn reference_public_der(&self) -> Vec<u8> {
        openssl_stdout(
            self.dir.path(),
            &["pkey", "-in", "pkcs8.pem", "-pubout", "-outform", "DER"],
        )
    }
}

fn only_key(material: &KeyMaterial) -> Vec<u8> {
    assert_eq!(material.private_keys.len(), 1);
    material.private_keys[0].public_key_der().unwrap()
}

#[test]
fn loads_every_private_key_format() {
    let fx = Fixture::new();
    let expected = fx.reference_public_der();
    for name in ["pkcs1.pem", "pkcs8.pem", "pkcs1.der", "pkcs8.der"] {
        let material = load_key_file(&fx.path(name), None).unwrap();
        assert_eq!(only_key(&material), expected, "{name}");
        assert_eq!(
            material.private_keys[0].label(),
            fx.path(name).display().to_string()
        );
        // A password given for an unencrypted key is harmless.
        load_key_file(&fx.path(name), Some("unused")).unwrap();
    }
    for name in ["enc.pem", "enc.der"] {
        let material = load_key_file(&fx.path(name), Some(KEY_PASSWORD)).unwrap();
        assert_eq!(only_key(&material), expected, "{name}");
    }
}

#[test]
fn wrong_or_missing_password_is_a_clear_error() {
    let fx = Fixture::new();
    for name in ["enc.pem", "enc.der", "bundle.p12", "legacy.pfx"] {
        let err = load_key_file(&fx.path(name), Some("wrong")).unwrap_err();
        match &err {
            CryptoError::WrongPassword { source_name } => {
                assert_eq!(source_name, &fx.path(name).display().to_string())
            }
            other => panic!("{name}: expected WrongPassword, got {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            format!("wrong password for {}", fx.path(name).display())
        );
        assert!(
            matches!(
                load_key_file(&fx.path(name), None),
                Err(CryptoError::PasswordRequired { .. })
            ),
            "{name}"
        );
    }
    // A NUL in the password is refused, not a panic inside the openssl crate.
    assert!(matches!(
        load_key_file(&fx.path("bundle.p12"), Some("a\0b")),
        Err(CryptoError::KeyLoad { .. })
    ));
}

#[test]
fn loads_pkcs12_bundles_including_legacy() {
    let fx = Fixture::new();
    let expected = fx.reference_public_der();
    let thumb = openssl_stdout(
        fx.dir.path(),
        &["x509", "-in", "cert.pem", "-outform", "DER"],
    );
    for name in ["bundle.p12", "legacy.pfx"] {
        let material = load_key_file(&fx.path(name), Some(P12_PASSWORD)).unwrap();
        assert_eq!(only_key(&material), expected, "{name}");
        assert_eq!(material.certificates.len(), 1, "{name}");
        assert_eq!(material.certificates[0].to_der().unwrap(), thumb);
    }
    assert!(wskex::crypto::provider::legacy_provider_loaded());
    // SHA-256 still works after loading the legacy provider (the default provider stays).
    assert_eq!(
        wskex::crypto::digest::digest(wskex::crypto::DigestAlgorithm::Sha256, b"abc")
            .unwrap()
            .len(),
        32
    );
}

#[test]
fn loads_certificates_pem_der_and_several() {
    let fx = Fixture::new();
    let pem = load_certificate_file(&fx.path("cert.pem")).unwrap();
    let der = load_certificate_file(&fx.path("cert.der")).unwrap();
    assert_eq!(pem[0].to_der().unwrap(), der[0].to_der().unwrap());
    let two = load_certificate_file(&fx.path("two-certs.pem")).unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(two[1].subject(), "CN=other");

    let cert = &pem[0];
    assert_eq!(cert.subject(), "CN=wskex test,O=Example Org,C=LK");
    assert_eq!(cert.issuer(), cert.subject());
    assert_eq!(cert.serial_decimal().unwrap(), "1234567");
    assert!(cert.serial_matches("1234567"));
    assert!(!cert.serial_matches("1234568"));
    assert!(!cert.serial_matches("12x"));
    assert!(cert.issuer_matches("C=LK, O=Example Org, CN=wskex test"));
    assert_eq!(cert.rsa_modulus_bits(), Some(2048));
    assert_eq!(cert.is_valid_now(), Some(true));
    assert!(cert.not_after().contains("GMT"));

    // Thumbprint as the CLI computes it.
    let fp = String::from_utf8(openssl_stdout(
        fx.dir.path(),
        &["x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha1"],
    ))
    .unwrap();
    let fp_hex: String = fp
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .replace(':', "")
        .to_lowercase();
    assert_eq!(hex::encode(cert.thumbprint_sha1().unwrap()), fp_hex);

    // The fixture asks for a SubjectKeyIdentifier extension (method 1, so it also equals the
    // computed value).
    let (ski, source) = cert.subject_key_identifier().unwrap();
    assert_eq!(source, SkiSource::Extension);
    assert_eq!(ski, cert.computed_key_identifier().unwrap());

    // A key file is not a certificate file.
    assert!(matches!(
        load_certificate_file(&fx.path("pkcs8.pem")),
        Err(CryptoError::KeyLoad { .. })
    ));
}

#[test]
fn garbage_and_missing_files_are_key_load_errors() {
    let fx = Fixture::new();
    std::fs::write(fx.path("garbage.bin"), b"\x30\x03\x02\x01\x03not a key").unwrap();
    std::fs::write(fx.path("empty.pem"), b"").unwrap();
    std::fs::write(fx.path("cut.pem"), b"-----BEGIN PRIVATE KEY-----\nMIIB\n").unwrap();
    for name in ["garbage.bin", "empty.pem", "cut.pem", "does-not-exist.pem"] {
        assert!(
            matches!(
                load_key_file(&fx.path(name), None),
                Err(CryptoError::KeyLoad { .. })
            ),
            "{name}"
        );
    }
}

#[test]
fn key_store_pairs_and_refuses_unmatched_selectors() {
    let fx = Fixture::new();
    let mut store = KeyStore::new();
    store.add_key_file(&fx.path("pkcs8.pem"), None).unwrap();
    store.add_key_file(&fx.path("other.key.pem"), None).unwrap();
    store.add_cert_file(&fx.path("two-certs.pem")).unwrap();
    assert!(
        store.certificates().is_empty(),
        "both certificates pair with their keys"
    );

    let cert = &load_certificate_file(&fx.path("cert.pem")).unwrap()[0];
    let found = store
        .find_private_key(&[KeySelector::ThumbprintSha1(cert.thumbprint_sha1().unwrap())])
        .unwrap();
    assert_eq!(
        found.key.key.label(),
        fx.path("pkcs8.pem").display().to_string()
    );
    // Named by its certificate's subject, not by the files it came from.
    assert!(
        found.reason.contains("matches CN=") && !found.reason.contains("pem"),
        "{}",
        found.reason
    );

    // A reference to a certificate nobody supplied: NoMatchingKey, never a try-every-key.
    let err = store
        .find_private_key(&[KeySelector::IssuerSerial {
            issuer: "CN=wskex test,O=Example Org,C=LK".to_string(),
            serial: "999".to_string(),
        }])
        .unwrap_err();
    assert!(matches!(err, CryptoError::NoMatchingKey { .. }), "{err:?}");
}

// ---- the shared capture keys ----

fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("WSKEX_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("../shared not found and WSKEX_REQUIRE_INTEROP=1");
    }
    println!("skipped: ../shared not found");
    None
}

fn pem_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pem"))
        .collect();
    files.sort();
    files
}

#[test]
fn loads_every_shared_key_file() {
    let Some(shared) = shared_dir() else { return };
    let mut loaded = 0;
    for sub in ["captures/keys", "vectors/keys"] {
        for path in pem_files(&shared.join(sub)) {
            let material =
                load_key_file(&path, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!material.is_empty());
            loaded += 1;
        }
    }
    assert!(
        loaded >= 12,
        "only {loaded} PEM files found under ../shared"
    );
}

fn capture_store(shared: &Path) -> KeyStore {
    let mut store = KeyStore::new();
    for path in pem_files(&shared.join("captures/keys")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".key.pem") {
            store.add_key_file(&path, None).unwrap();
        } else {
            store.add_cert_file(&path).unwrap();
        }
    }
    store
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

#[test]
fn capture_manifest_key_references_resolve() {
    let Some(shared) = shared_dir() else { return };
    let store = capture_store(&shared);
    assert_eq!(store.private_keys().len(), 6);
    assert!(store.private_keys().iter().all(|e| e.certificate.is_some()));
    let cases = [
        (KeySelector::ThumbprintSha1(b64("HYL371NzoOs2+IA24VDkBGcUFQM=")), "rampart2008-service"),
        (KeySelector::ThumbprintSha1(b64("aqePjuZzE1lzwMMtquksvNJsbmI=")), "rampart2009-service"),
        (KeySelector::ThumbprintSha1(b64("CJ+I51M5honzWpG12gKyLwsXErk=")), "rampart2008-client"),
        (
            KeySelector::IssuerSerial { issuer: "CN=myAlias".to_string(), serial: "1181668586".to_string() },
            "cxf-myalias",
        ),
        (
            KeySelector::IssuerSerial {
                issuer: "CN=Sample Service,OU=Rampart,O=Apache,L=Colombo,ST=Western,C=LK".to_string(),
                serial: "1187603713".to_string(),
            },
            "rampart2008-service",
        ),
        (
            KeySelector::IssuerSerial {
                issuer: "CN=Sample STS, OU=Rampart, O=Apache, L=Colombo, ST=Western, C=LK, E=nandana@apache.org"
                    .to_string(),
                serial: "1202897785".to_string(),
            },
            "rampart-sts",
        ),
    ];
    for (selector, owner) in cases {
        let found = store
            .find_private_key(std::slice::from_ref(&selector))
            .unwrap_or_else(|e| panic!("{selector}: {e}"));
        assert!(
            found.key.key.label().ends_with(&format!("{owner}.key.pem")),
            "{selector} -> {}",
            found.key.key.label()
        );
        // The reason names the certificate by its subject (the file is in the key's label).
        let subject = found.key.certificate.as_ref().unwrap().short_name();
        assert!(
            found.reason.contains(&format!("matches {subject}")) && !found.reason.contains(".pem"),
            "{}",
            found.reason
        );
    }
    // The same issuer with the 2009 serial is the 2009 key, not the 2008 one.
    let found = store
        .find_private_key(&[KeySelector::IssuerSerial {
            issuer: "CN=Sample Service,OU=Rampart,O=Apache,L=Colombo,ST=Western,C=LK".to_string(),
            serial: "1261391463".to_string(),
        }])
        .unwrap();
    assert!(
        found
            .key
            .key
            .label()
            .ends_with("rampart2009-service.key.pem")
    );
}

#[test]
fn v1_certificates_use_the_key_bits_as_subject_key_identifier() {
    let Some(shared) = shared_dir() else { return };
    let store = capture_store(&shared);
    let keys = shared.join("captures/keys");
    for name in [
        "cxf-myalias",
        "rampart2008-service",
        "rampart2008-client",
        "rampart2009-service",
    ] {
        let cert_path = keys.join(format!("{name}.cert.pem"));
        let cert = &load_certificate_file(&cert_path).unwrap()[0];
        // Independent value: SHA-1 of the PKCS#1 RSAPublicKey, which is exactly the content of
        // the subjectPublicKey BIT STRING for RSA keys.
        let dir = tempfile::tempdir().unwrap();
        let pubkey = openssl_stdout(
            dir.path(),
            &[
                "x509",
                "-in",
                cert_path.to_str().unwrap(),
                "-noout",
                "-pubkey",
            ],
        );
        std::fs::write(dir.path().join("pub.pem"), pubkey).unwrap();
        openssl(
            dir.path(),
            &[
                "rsa",
                "-pubin",
                "-in",
                "pub.pem",
                "-RSAPublicKey_out",
                "-outform",
                "DER",
                "-out",
                "rsa.der",
            ],
        );
        let expected = openssl_stdout(dir.path(), &["dgst", "-sha1", "-binary", "rsa.der"]);
        let (ski, source) = cert.subject_key_identifier().unwrap();
        assert_eq!(
            source,
            SkiSource::ComputedFromKey,
            "{name} has no SKI extension"
        );
        assert_eq!(ski, expected, "{name}");
        let found = store
            .find_private_key(&[KeySelector::SubjectKeyIdentifier(ski)])
            .unwrap();
        assert!(found.key.key.label().ends_with(&format!("{name}.key.pem")));
        assert!(found.reason.contains("public key bits"), "{}", found.reason);
    }
    assert_eq!(
        load_certificate_file(&keys.join("cxf-myalias.cert.pem")).unwrap()[0].version(),
        1
    );
}

#[test]
fn xenc11_vector_references_resolve() {
    let Some(shared) = shared_dir() else { return };
    let keys = shared.join("vectors/keys");
    if !keys.join("xenc11-rsa-3072-key.pem").exists() {
        println!("skipped: xenc11 keys not present");
        return;
    }
    let mut store = KeyStore::new();
    store
        .add_key_file(&keys.join("xenc11-rsa-3072-key.pem"), None)
        .unwrap();
    store
        .add_cert_file(&keys.join("xenc11-rsa-3072-cert.pem"))
        .unwrap();
    store
        .add_key_file(&keys.join("xenc11-rsa-2048-key.pem"), None)
        .unwrap();
    store
        .add_cert_file(&keys.join("xenc11-rsa-2048-cert.pem"))
        .unwrap();
    // Values written in the vector's EncryptedKey KeyInfo (reversed order, spaces, SKI ext).
    for selector in [
        KeySelector::IssuerSerial {
            issuer: "CN=RSA-3072_SHA256WithRSA, OU=xmlencr11".to_string(),
            serial: "7975543354799045196".to_string(),
        },
        KeySelector::SubjectKeyIdentifier(b64("JkY4RV69EfMztTxYScLXGEd9s6U=")),
    ] {
        let found = store
            .find_private_key(std::slice::from_ref(&selector))
            .unwrap();
        assert!(
            found.key.key.label().ends_with("xenc11-rsa-3072-key.pem"),
            "{selector}"
        );
        assert_eq!(found.key.key.bits(), 3072);
    }
}

/// Runs `legacy_provider_missing_child` in a child process whose OpenSSL cannot find any
/// provider module (OPENSSL_MODULES points at an empty directory), so the legacy provider is
/// unavailable there while the built-in default provider still works.
#[test]
fn legacy_provider_missing_is_reported_only_when_needed() {
    let fx = Fixture::new();
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "legacy_provider_missing_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("OPENSSL_MODULES", empty.path())
        .env("WSKEX_TEST_FIXTURE_DIR", fx.dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("child checked"),
        "the child test did not run:\n{stdout}"
    );
}

#[test]
fn legacy_provider_missing_child() {
    let Ok(dir) = std::env::var("WSKEX_TEST_FIXTURE_DIR") else {
        return; // Only meaningful when started by the test above.
    };
    let dir = PathBuf::from(dir);
    // A modern bundle does not need the legacy provider and loads.
    load_key_file(&dir.join("bundle.p12"), Some(P12_PASSWORD)).unwrap();
    assert!(!wskex::crypto::provider::legacy_provider_loaded());
    // A wrong password is still reported as such (the MAC is checked first).
    assert!(matches!(
        load_key_file(&dir.join("legacy.pfx"), Some("wrong")),
        Err(CryptoError::WrongPassword { .. })
    ));
    // The legacy bundle names the missing piece.
    match load_key_file(&dir.join("legacy.pfx"), Some(P12_PASSWORD)) {
        Err(e @ CryptoError::LegacyProviderUnavailable { .. }) => {
            let text = e.to_string();
            assert!(text.contains("legacy provider"), "{text}");
            println!("{text}");
        }
        other => panic!("expected LegacyProviderUnavailable, got {other:?}"),
    }
    println!("child checked");
}
