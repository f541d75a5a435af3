//! The crypto layer against other implementations: the `openssl` command-line tool must
//! accept our OAEP and PKCS#1 v1.5 encryptions, and the EncryptedKeys and EncryptedData of
//! real captures (../shared, read at run time) must open with the keys the manifest names.
//!
//! The CipherValues are cut out of the XML by plain text search: this layer has no XML
//! parser, and these files are known.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use wskex::crypto::algorithms::uri;
use wskex::crypto::key_store::{KeySelector, KeyStore};
use wskex::crypto::key_transport::{KeyTransport, OaepParams};
use wskex::crypto::keys::load_key_file;
use wskex::crypto::{
    BlockCipherAlgorithm, DigestAlgorithm, KeyTransportAlgorithm, Mgf1Digest, OsRandom,
    SeededRandom, cipher,
};

fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
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
    out.stdout
}

fn md_name(d: DigestAlgorithm) -> &'static str {
    match d {
        DigestAlgorithm::Sha1 => "sha1",
        DigestAlgorithm::Sha256 => "sha256",
        DigestAlgorithm::Sha384 => "sha384",
        DigestAlgorithm::Sha512 => "sha512",
    }
}

fn mgf_name(m: Mgf1Digest) -> &'static str {
    match m {
        Mgf1Digest::Sha1 => "sha1",
        Mgf1Digest::Sha224 => "sha224",
        Mgf1Digest::Sha256 => "sha256",
        Mgf1Digest::Sha384 => "sha384",
        Mgf1Digest::Sha512 => "sha512",
    }
}

#[test]
fn openssl_pkeyutl_decrypts_our_key_transport() {
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
            "k.pem",
        ],
    );
    let material = load_key_file(&d.join("k.pem"), None).unwrap();
    let key = material.private_keys[0].pkey();
    let secret: Vec<u8> = (0u8..32).collect();

    let cases = [
        (DigestAlgorithm::Sha1, Mgf1Digest::Sha1, &b""[..]),
        (DigestAlgorithm::Sha256, Mgf1Digest::Sha1, &b""[..]),
        (DigestAlgorithm::Sha384, Mgf1Digest::Sha1, &b""[..]),
        (DigestAlgorithm::Sha512, Mgf1Digest::Sha256, &b""[..]),
        (
            DigestAlgorithm::Sha256,
            Mgf1Digest::Sha224,
            &b"OAEPparams"[..],
        ),
    ];
    for (i, (digest, mgf, label)) in cases.into_iter().enumerate() {
        let params = OaepParams {
            digest,
            mgf,
            label: label.to_vec(),
        };
        let kt = KeyTransport::Oaep {
            algorithm: KeyTransportAlgorithm::RsaOaep,
            params,
        };
        let ct = kt
            .encrypt(key, &secret, &mut SeededRandom::new(i as u64))
            .unwrap();
        let ct_name = format!("oaep{i}.bin");
        std::fs::write(d.join(&ct_name), &ct).unwrap();
        let md = format!("rsa_oaep_md:{}", md_name(digest));
        let mgf1 = format!("rsa_mgf1_md:{}", mgf_name(mgf));
        let mut args = vec![
            "pkeyutl",
            "-decrypt",
            "-inkey",
            "k.pem",
            "-in",
            &ct_name,
            "-pkeyopt",
            "rsa_padding_mode:oaep",
            "-pkeyopt",
            &md,
            "-pkeyopt",
            &mgf1,
        ];
        let label_opt = format!("rsa_oaep_label:{}", hex::encode(label));
        if !label.is_empty() {
            args.extend(["-pkeyopt", &label_opt]);
        }
        assert_eq!(openssl(d, &args), secret, "case {i}: {digest:?} {mgf:?}");
    }

    let rsa15 = KeyTransport::Rsa15;
    let ct = rsa15
        .encrypt(key, &secret, &mut SeededRandom::new(99))
        .unwrap();
    std::fs::write(d.join("pkcs1.bin"), &ct).unwrap();
    let plain = openssl(
        d,
        &[
            "pkeyutl",
            "-decrypt",
            "-inkey",
            "k.pem",
            "-in",
            "pkcs1.bin",
            "-pkeyopt",
            "rsa_padding_mode:pkcs1",
        ],
    );
    assert_eq!(plain, secret);
}

// ---- captures ----

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

/// The decoded content of the n-th (0-based) `CipherValue` element in a file.
fn cipher_value(path: &Path, n: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut index = 0;
    let mut from = 0;
    while let Some(rel) = text[from..].find("CipherValue>") {
        let open = from + rel;
        let content_start = open + "CipherValue>".len();
        from = content_start;
        // The tag this name belongs to starts at the last '<' before it.
        let tag_start = text[..open].rfind('<').unwrap();
        if text[tag_start..].starts_with("</") {
            continue;
        }
        if index == n {
            let end = content_start + text[content_start..].find('<').unwrap();
            let b64: String = text[content_start..end]
                .replace("&#13;", "")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            return base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap();
        }
        index += 1;
    }
    panic!("{}: no CipherValue number {n}", path.display());
}

/// The CipherValue of the first `EncryptedKey` element in a file.
fn encrypted_key_cipher_value(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap();
    let ek = [
        ":EncryptedKey ",
        ":EncryptedKey>",
        "<EncryptedKey ",
        "<EncryptedKey>",
    ]
    .iter()
    .filter_map(|p| text.find(p))
    .min()
    .expect("no EncryptedKey");
    // Count the CipherValue start tags before it (a closing tag's name follows "</").
    let before = text[..ek]
        .match_indices("CipherValue>")
        .filter(|(i, _)| {
            let tag_start = text[..*i].rfind('<').unwrap_or(0);
            !text[tag_start..].starts_with("</")
        })
        .count();
    cipher_value(path, before)
}

fn capture_store(shared: &Path) -> KeyStore {
    let mut store = KeyStore::new();
    let keys = shared.join("captures/keys");
    for name in [
        "rampart2008-service",
        "rampart2008-client",
        "rampart2009-service",
        "cxf-myalias",
    ] {
        store
            .add_key_file(&keys.join(format!("{name}.key.pem")), None)
            .unwrap();
        store
            .add_cert_file(&keys.join(format!("{name}.cert.pem")))
            .unwrap();
    }
    store
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

struct EkCase {
    file: &'static str,
    algorithm: &'static str,
    selector: KeySelector,
    expected_key: &'static str,
}

#[test]
fn capture_encrypted_keys_open_with_the_manifest_keys() {
    let Some(shared) = shared_dir() else { return };
    let store = capture_store(&shared);
    let cases = [
        // S13
        EkCase {
            file: "captures/rampart/req09.xml",
            algorithm: uri::RSA_OAEP_MGF1P,
            selector: KeySelector::ThumbprintSha1(b64("aqePjuZzE1lzwMMtquksvNJsbmI=")),
            expected_key: "77de73b221bebb01bb5c8349a35b843dc243a09a3038a7e15463c5bded54d2bd",
        },
        // S05
        EkCase {
            file: "captures/rampart/rst04.xml",
            algorithm: uri::RSA_1_5,
            selector: KeySelector::ThumbprintSha1(b64("HYL371NzoOs2+IA24VDkBGcUFQM=")),
            expected_key: "03df23660b240f3a8b61a7d8891e5a7f",
        },
        // S15
        EkCase {
            file: "captures/rampart/res03.xml",
            algorithm: uri::RSA_1_5,
            selector: KeySelector::ThumbprintSha1(b64("CJ+I51M5honzWpG12gKyLwsXErk=")),
            expected_key: "928a915e1fe3f8548ffedf94401680795237627a0e570470",
        },
        // S19
        EkCase {
            file: "captures/cxf/encrypted_body_content_signed.xml",
            algorithm: uri::RSA_OAEP_MGF1P,
            selector: KeySelector::IssuerSerial {
                issuer: "CN=myAlias".to_string(),
                serial: "1181668586".to_string(),
            },
            expected_key: "6d834bfb23ff53c39dcd1d71931e0975",
        },
        // S20
        EkCase {
            file: "captures/cxf/encrypted_body_element.xml",
            algorithm: uri::RSA_1_5,
            selector: KeySelector::IssuerSerial {
                issuer: "CN=myAlias".to_string(),
                serial: "1181668586".to_string(),
            },
            expected_key: "af20725c6f40cdd6cda178119cc0bf29",
        },
        // S22
        EkCase {
            file: "captures/wss4j16/g3_ek_oaep_dk_hmac_aes128.xml",
            algorithm: uri::RSA_OAEP_MGF1P,
            selector: KeySelector::ThumbprintSha1(b64("HYL371NzoOs2+IA24VDkBGcUFQM=")),
            expected_key: "c67f172e41152133e2a7342e5e46eb03",
        },
        // S23
        EkCase {
            file: "captures/wss4j16/g4_ek_rsa15_issuerserial_aes256_soap12.xml",
            algorithm: uri::RSA_1_5,
            selector: KeySelector::IssuerSerial {
                issuer: "CN=Sample Service,OU=Rampart,O=Apache,L=Colombo,ST=Western,C=LK"
                    .to_string(),
                serial: "1187603713".to_string(),
            },
            expected_key: "ca395e9c35be0c05f83b494bba09b06e3a31f395fc81fb5191ec9509280f8406",
        },
    ];
    for case in cases {
        let path = shared.join(case.file);
        let found = store
            .find_private_key(std::slice::from_ref(&case.selector))
            .unwrap();
        let kt = KeyTransport::from_parts(
            KeyTransportAlgorithm::from_uri(case.algorithm).unwrap(),
            None,
            None,
            None,
        )
        .unwrap();
        let ct = encrypted_key_cipher_value(&path);
        let expected_len = case.expected_key.len() / 2;
        let key = kt
            .decrypt(found.key.key.pkey(), &ct, Some(expected_len), &mut OsRandom)
            .unwrap_or_else(|e| panic!("{}: {e}", case.file));
        assert_eq!(
            hex::encode(key.expose()),
            case.expected_key,
            "{}",
            case.file
        );

        // The wrong key never errors out for v1.5 and never yields the real key.
        let other = store
            .private_keys()
            .iter()
            .find(|e| e.key.label() != found.key.key.label())
            .unwrap();
        match kt.decrypt(other.key.pkey(), &ct, Some(expected_len), &mut OsRandom) {
            Ok(wrong) => {
                assert_eq!(case.algorithm, uri::RSA_1_5, "{}", case.file);
                assert_ne!(hex::encode(wrong.expose()), case.expected_key);
            }
            Err(e) => {
                assert_eq!(case.algorithm, uri::RSA_OAEP_MGF1P, "{}", case.file);
                assert!(matches!(e, wskex::crypto::CryptoError::KeyTransportFailed));
            }
        }
    }
}

#[test]
fn capture_bodies_decrypt() {
    let Some(shared) = shared_dir() else { return };
    // S23: aes256-cbc body content, 123 bytes.
    let key =
        hex::decode("ca395e9c35be0c05f83b494bba09b06e3a31f395fc81fb5191ec9509280f8406").unwrap();
    let data = cipher_value(
        &shared.join("captures/wss4j16/g4_ek_rsa15_issuerserial_aes256_soap12.xml"),
        1,
    );
    let plain = cipher::decrypt(BlockCipherAlgorithm::Aes256Cbc, &key, &data).unwrap();
    assert_eq!(plain.len(), 123);
    assert!(
        std::str::from_utf8(&plain)
            .unwrap()
            .trim_start()
            .starts_with('<')
    );
    // S13: aes256-cbc body, 319 bytes.
    let key =
        hex::decode("77de73b221bebb01bb5c8349a35b843dc243a09a3038a7e15463c5bded54d2bd").unwrap();
    let data = cipher_value(&shared.join("captures/rampart/req09.xml"), 1);
    let plain = cipher::decrypt(BlockCipherAlgorithm::Aes256Cbc, &key, &data).unwrap();
    assert_eq!(plain.len(), 319);
}

#[test]
fn xenc11_rsa_oaep_sha384_and_aes256_gcm_vector() {
    let Some(shared) = shared_dir() else { return };
    let file = shared.join(
        "vectors/xenc/w3c-xmlenc11/cipherText__RSA-3072__aes256-gcm__rsa-oaep__Sha384-MGF_Sha1.xml",
    );
    if !file.exists() {
        println!("skipped: xenc11 vector not present");
        return;
    }
    let material =
        load_key_file(&shared.join("vectors/keys/xenc11-rsa-3072-key.pem"), None).unwrap();
    let kt = KeyTransport::from_parts(
        KeyTransportAlgorithm::RsaOaep,
        Some(uri::SHA384),
        Some(uri::MGF1_SHA1),
        None,
    )
    .unwrap();
    let key = kt
        .decrypt(
            material.private_keys[0].pkey(),
            &cipher_value(&file, 0),
            Some(32),
            &mut OsRandom,
        )
        .unwrap();
    let data = cipher_value(&file, 1);
    let plain = cipher::decrypt(BlockCipherAlgorithm::Aes256Gcm, key.expose(), &data).unwrap();
    let text = String::from_utf8(plain).unwrap();
    let expected =
        std::fs::read_to_string(shared.join("vectors/xenc/w3c-xmlenc11/plaintext.xml")).unwrap();
    // The expected file is a whole document; the decrypted element is its root element.
    let root_start = text.trim_start();
    assert!(root_start.starts_with('<'), "{root_start}");
    let first_tag: String = root_start
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>')
        .collect();
    assert!(expected.contains(&first_tag), "{first_tag}");
    // Tampering with the tag releases nothing.
    let mut bad = data.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert!(cipher::decrypt(BlockCipherAlgorithm::Aes256Gcm, key.expose(), &bad).is_err());
}
