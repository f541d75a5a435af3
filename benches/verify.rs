//! Verify an HMAC-SHA256 enveloped signature (URI="", enveloped-signature, exc-c14n) over a
//! generated ~10 MB SOAP envelope: the wskex library (parse + verify), the `wskex verify`
//! process, and in the same run `xmlsec1 --verify` on the same file for comparison.
//!
//! Run: `cargo bench --bench verify`. It ends with the median ratio of 11 alternating runs of
//! `wskex verify` and `xmlsec1 --verify`. With `WSKEX_BENCH_KEEP=DIR` the signed document and
//! its key are also written to DIR (for `/usr/bin/time` or a profiler).

#[path = "../tests/common/generate.rs"]
mod generate;
#[path = "support/side_by_side.rs"]
mod side_by_side;

use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wskex::crypto::signature::SigningKey;
use wskex::crypto::{DigestAlgorithm, KeyStore, SecretBytes, SignatureAlgorithm};
use wskex::dsig::model::SignatureElement;
use wskex::dsig::{
    ReferenceSpec, SignatureSpec, TransformSpec, VerifyOptions, find_signatures, sign,
    verify_signature,
};
use wskex::resolve::StandardResolver;
use wskex::xml::c14n::C14nMethod;
use wskex::xml::{Document, IdAttributes, IdIndex};

const HMAC_KEY: &[u8] = b"wskex verify benchmark HMAC-SHA256 key";

/// The envelope signed with an enveloped HMAC-SHA256 signature at the end of its root.
fn signed_envelope() -> String {
    let xml = generate::soap_envelope(29_500);
    let doc = Document::parse_str(&xml, "bench").unwrap();
    let at = doc.root_element().end_tag_span().unwrap().start as usize;
    let spec = SignatureSpec {
        id: None,
        c14n: C14nMethod::exclusive(false),
        algorithm: SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        hmac_output_bits: None,
        references: vec![ReferenceSpec {
            uri: String::new(),
            transforms: vec![
                TransformSpec::EnvelopedSignature,
                TransformSpec::Canonicalize(C14nMethod::exclusive(false)),
            ],
            digest: DigestAlgorithm::Sha256,
        }],
        key_info: None,
    };
    let signed = sign(
        &doc,
        &spec,
        SigningKey::Hmac(HMAC_KEY),
        at,
        &IdAttributes::default(),
        None,
    )
    .unwrap();
    signed.document.text().to_string()
}

/// Parses and verifies every signature; true when all are valid.
fn library_verify(bytes: Vec<u8>, store: &KeyStore) -> bool {
    let doc = Document::parse(bytes, "bench").unwrap();
    let ids = IdIndex::build(&doc, &IdAttributes::default());
    let resolver = StandardResolver::new(&doc, &ids, store);
    let options = VerifyOptions::default();
    find_signatures(&doc).all(|element| {
        let signature = SignatureElement::read(element).unwrap();
        verify_signature(&doc, &ids, &signature, &resolver, None, &options).valid
    })
}

fn wskex_verify(path: &Path, key: &Path) -> bool {
    let mut secret = std::ffi::OsString::from("file:");
    secret.push(key);
    Command::new(env!("CARGO_BIN_EXE_wskex"))
        .arg("verify")
        .arg(path)
        .arg("--hmac-secret")
        .arg(secret)
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success()
}

fn xmlsec1_verify(path: &Path, key: &Path) -> bool {
    Command::new("xmlsec1")
        .arg("--verify")
        .arg("--hmackey")
        .arg(key)
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

fn verify_10mb(c: &mut Criterion) {
    let signed = signed_envelope();
    let bytes = signed.len() as u64;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signed-envelope.xml");
    let key = dir.path().join("hmac.key");
    std::fs::write(&path, &signed).unwrap();
    std::fs::write(&key, HMAC_KEY).unwrap();
    if let Some(keep) = std::env::var_os("WSKEX_BENCH_KEEP") {
        let keep = Path::new(&keep);
        std::fs::create_dir_all(keep).unwrap();
        std::fs::write(keep.join("signed-envelope.xml"), &signed).unwrap();
        std::fs::write(keep.join("hmac.key"), HMAC_KEY).unwrap();
    }
    let mut store = KeyStore::new();
    store.set_default_hmac_secret(SecretBytes::from_slice(HMAC_KEY), "hmac.key");

    // Each contender must accept the signature before its time means anything.
    assert!(library_verify(signed.as_bytes().to_vec(), &store));
    assert!(wskex_verify(&path, &key), "wskex verify rejects the file");
    let have_xmlsec1 = Command::new("xmlsec1").arg("--version").output().is_ok();
    if have_xmlsec1 {
        assert!(xmlsec1_verify(&path, &key), "xmlsec1 rejects the file");
    } else {
        eprintln!("xmlsec1 not installed: comparison skipped");
    }

    let mut group = c.benchmark_group(format!(
        "verify HMAC-SHA256 enveloped, {:.1} MB SOAP envelope",
        bytes as f64 / 1e6
    ));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Bytes(bytes));
    group.bench_function("wskex library (parse + verify)", |b| {
        b.iter(|| {
            assert!(library_verify(
                black_box(signed.as_bytes().to_vec()),
                &store
            ))
        })
    });
    group.bench_function("wskex verify process", |b| {
        b.iter(|| assert!(wskex_verify(&path, &key)))
    });
    if have_xmlsec1 {
        group.bench_function("xmlsec1 --verify process", |b| {
            b.iter(|| assert!(xmlsec1_verify(&path, &key)))
        });
    }
    group.finish();
    if have_xmlsec1 {
        side_by_side::print_median_ratio(
            "verify 10 MB: wskex verify / xmlsec1 --verify",
            11,
            || assert!(wskex_verify(&path, &key)),
            || assert!(xmlsec1_verify(&path, &key)),
        );
    }
}

criterion_group!(benches, verify_10mb);
criterion_main!(benches);
