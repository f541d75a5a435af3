//! XML Signature and XML Encryption conformance: every `dsig-verify` and `xenc-decrypt` case of
//! the shared vectors. Valid signatures verify and negatives are refused for the stated
//! reason; decryptions equal the expected plaintext; failed decryptions release nothing.
//! Optional cases must fail cleanly or pass, never crash.

mod common;

use std::path::Path;

use common::{ManifestRow, read_manifest, shared_dir, visible};
use wskex::crypto::{KeyStore, SecretBytes};
use wskex::dsig::model::SignatureElement;
use wskex::dsig::{SignatureReport, VerifyOptions, find_signatures, verify_signature};
use wskex::resolve::StandardResolver;
use wskex::xenc::decrypt_document;
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};
use wskex::xml::{Document, IdAttributes, IdIndex};

/// The key store a row's `key_material` column describes.
fn key_store(dir: &Path, row: &ManifestRow) -> KeyStore {
    let mut store = KeyStore::new();
    let column = row.get("key_material");
    for entry in column
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty() && *e != "-")
    {
        let Some((path, kind)) = entry.split_once(' ') else {
            continue;
        };
        if path.starts_with('(') {
            continue; // "(RSAKeyValue inside KeyInfo)": the key travels in the document
        }
        let file = dir.join(path);
        let bytes = |p: &Path| {
            SecretBytes::new(std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        };
        if kind.contains("hmac-text") {
            store.set_default_hmac_secret(bytes(&file), path);
        } else if path.ends_with(".hex") {
            let raw = bytes(&file.with_extension("bin"));
            if kind.contains("hmac") {
                store.set_default_hmac_secret(raw, path);
            } else {
                store.set_default_encryption_key(raw, path);
            }
        } else if kind.contains("private key") || kind.contains("PRIVATE") {
            store
                .add_key_file(&file, None)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        } else if kind.contains("cert") || kind.contains("CA cert") {
            store
                .add_cert_file(&file)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        } else if kind.contains("public key") {
            // An EC public key for the optional ECDSA case; the engine refuses ECDSA anyway.
            let _ = store.add_key_file(&file, None);
        }
    }
    store
}

fn verify_all(doc: &Document, store: &KeyStore) -> Vec<SignatureReport> {
    let ids = IdIndex::build(doc, &IdAttributes::default());
    let resolver = StandardResolver::new(doc, &ids, store);
    find_signatures(doc)
        .map(|element| {
            let signature = SignatureElement::read(element).expect("well-formed Signature");
            verify_signature(
                doc,
                &ids,
                &signature,
                &resolver,
                None,
                &VerifyOptions::default(),
            )
        })
        .collect()
}

fn c14n(bytes: &[u8], name: &str) -> Vec<u8> {
    let doc = Document::parse(bytes.to_vec(), name).unwrap_or_else(|e| panic!("{e}"));
    canonicalize_to_vec(&doc, NodeSet::document(), &C14nMethod::inclusive(false))
}

/// Runs one case; `Err` describes a failure.
fn run_case(dir: &Path, row: &ManifestRow) -> Result<(), String> {
    let input = dir.join(row.get("files"));
    let doc = Document::parse(
        std::fs::read(&input).map_err(|e| e.to_string())?,
        row.get("files"),
    )
    .map_err(|e| e.to_string())?;
    let store = key_store(dir, row);
    let expected = row.get("expected");
    match row.get("kind") {
        "dsig-verify" => {
            let reports = verify_all(&doc, &store);
            let valid = !reports.is_empty() && reports.iter().all(|r| r.valid);
            let want = expected == "valid";
            if valid != want {
                let why: Vec<String> = reports
                    .iter()
                    .map(|r| r.error.clone().unwrap_or_default())
                    .collect();
                return Err(format!(
                    "expected {expected}, got valid={valid}: {}",
                    why.join("; ")
                ));
            }
            if row.param("policy").as_deref() == Some("hmac-truncation") {
                let refused = reports.iter().any(|r| {
                    r.error
                        .as_deref()
                        .is_some_and(|e| e.contains("truncated") && e.contains("refused"))
                });
                if !refused {
                    return Err(format!(
                        "HMAC truncation must be refused as such, got {:?}",
                        reports[0].error
                    ));
                }
            }
            Ok(())
        }
        "xenc-decrypt" => {
            let ids = IdIndex::build(&doc, &IdAttributes::default());
            let resolver = StandardResolver::new(&doc, &ids, &store);
            let result = decrypt_document(&doc, &resolver, false).map_err(|e| e.to_string())?;
            let ok = !result.reports.is_empty() && result.reports.iter().all(|r| r.ok);
            if expected == "error" {
                if ok {
                    return Err("decryption should have failed".into());
                }
                // Nothing released: no plaintext, the document still holds the EncryptedData.
                if !result.octets.is_empty()
                    || result.reports.iter().any(|r| r.plaintext_length.is_some())
                {
                    return Err("a failed decryption released plaintext".into());
                }
                if result.document.text() != doc.text() {
                    return Err("a failed decryption changed the document".into());
                }
                return Ok(());
            }
            if !ok {
                return Err(format!(
                    "decryption failed: {:?}",
                    result
                        .reports
                        .iter()
                        .map(|r| r.error.clone())
                        .collect::<Vec<_>>()
                ));
            }
            let want = std::fs::read(dir.join(expected)).map_err(|e| e.to_string())?;
            match row.param("result").as_deref() {
                Some("octets") => {
                    let got = &result.octets.first().ok_or("no octets produced")?.1;
                    if got != &want {
                        return Err(format!(
                            "plaintext differs: got {} bytes, want {}",
                            got.len(),
                            want.len()
                        ));
                    }
                }
                Some(r) if r.starts_with("document") => {
                    let got = c14n(result.document.text().as_bytes(), "decrypted");
                    if got != c14n(&want, expected) {
                        return Err(format!(
                            "decrypted document differs:\n{}",
                            result.document.text()
                        ));
                    }
                }
                other => return Err(format!("unknown result parameter {other:?}")),
            }
            Ok(())
        }
        other => Err(format!("unexpected kind {other}")),
    }
}

#[test]
fn shared_dsig_and_xenc_vectors() {
    let Some(shared) = shared_dir("dsig/xenc conformance") else {
        return;
    };
    let dir = shared.join("vectors");
    let rows: Vec<ManifestRow> = read_manifest(&dir.join("MANIFEST.tsv"))
        .into_iter()
        .filter(|r| matches!(r.get("kind"), "dsig-verify" | "xenc-decrypt"))
        .collect();
    assert!(
        rows.len() >= 41,
        "expected the shared dsig/xenc cases, found {}",
        rows.len()
    );
    let (mut passed, mut unsupported, mut failures) = (0, Vec::new(), Vec::new());
    for row in &rows {
        let id = row.get("id");
        let outcome = std::panic::catch_unwind(|| run_case(&dir, row))
            .unwrap_or_else(|_| Err("PANICKED".into()));
        match outcome {
            Ok(()) => passed += 1,
            Err(e) if row.is_optional() && e != "PANICKED" => {
                unsupported.push(format!("{id}: {e}"))
            }
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    visible(&format!(
        "dsig/xenc conformance: {passed} passed, {} optional cases unsupported",
        unsupported.len()
    ));
    for u in &unsupported {
        visible(&format!("  unsupported: {u}"));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
