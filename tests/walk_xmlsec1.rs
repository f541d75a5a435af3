//! The walkthroughs' messages checked by an independent implementation: every signature of
//! every pattern verifies in xmlsec1 given the right key (HMAC keys from the ledger, RSA keys
//! from the parties' certificates), and every EncryptedData decrypts in xmlsec1 given its data
//! key (xmlsec1 does not follow WS-Security token references, so the key is handed to it).

mod common;

use std::path::Path;
use std::process::Command;

use common::{tool_available, visible};
use wskex::audit::conversation::inspect_conversation;
use wskex::audit::load_bytes;
use wskex::crypto::KeyStore;
use wskex::patterns::{CATALOG, parties, walk};
use wskex::receive::ProcessOptions;
use wskex::receive::store::Binding;

const ID_ATTRS: &[&str] = &[
    "Body",
    "Timestamp",
    "Action",
    "BinarySecurityToken",
    "SecurityTokenReference",
    "DerivedKeyToken",
    "SecurityContextToken",
    "http://www.w3.org/2001/04/xmlenc#:EncryptedKey",
    "http://www.w3.org/2000/09/xmldsig#:Signature",
    "urn:wskex:delegation:2026:DelegationToken",
];

fn xmlsec1_verify(file: &Path, signature_id: &str, key: &[&str]) -> std::process::Output {
    let mut cmd = Command::new("xmlsec1");
    cmd.arg("--verify");
    for element in ID_ATTRS {
        cmd.arg("--id-attr:Id").arg(element);
    }
    cmd.arg("--id-attr:ID")
        .arg("urn:oasis:names:tc:SAML:2.0:assertion:Assertion");
    cmd.args(key)
        .arg("--node-xpath")
        .arg(format!(
            "//*[local-name()='Signature' and @Id='{signature_id}']"
        ))
        .arg(file);
    cmd.output().expect("run xmlsec1")
}

#[test]
fn walkthrough_signatures_and_encryption_verify_in_xmlsec1() {
    if !tool_available("walkthroughs in xmlsec1", "xmlsec1") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let certs: Vec<(String, std::path::PathBuf)> = ["alice", "bob", "sts", "carol", "mallory"]
        .iter()
        .map(|p| {
            let path = dir.path().join(format!("{p}.cert.pem"));
            std::fs::write(&path, parties::pem_files(p).unwrap().1).unwrap();
            (p.to_string(), path)
        })
        .collect();
    let (mut signatures, mut decryptions) = (0, 0);
    for info in CATALOG {
        for variant in info.variants {
            let w = walk(info.name, Some(variant), 1, None)
                .unwrap_or_else(|e| panic!("{} {variant}: {e}", info.name));
            // A receiver that holds every key: the point here is xmlsec1, not key distribution.
            let mut keys = KeyStore::new();
            for p in &w.parties {
                keys.add_private_key(p.private_key.clone().unwrap());
                keys.add_certificate(p.certificate.clone().unwrap());
            }
            for k in w.ledger.keys() {
                if matches!(k.provenance.origin(), "supplied") {
                    keys.add_named_secret(&k.name, k.bytes.clone(), "ledger");
                }
            }
            let bindings = w
                .ledger
                .keys()
                .iter()
                .filter_map(|k| {
                    Some(Binding {
                        name: k.token.clone()?,
                        secret: k.bytes.clone(),
                        label: k.name.clone(),
                    })
                })
                .collect();
            let messages: Vec<_> = w
                .messages
                .iter()
                .flat_map(|m| {
                    load_bytes(m.text.clone().into_bytes(), &format!("m{}", m.index)).unwrap()
                })
                .collect();
            let result =
                inspect_conversation(&messages, &keys, bindings, &ProcessOptions::default());
            for (m, sent) in result.messages.iter().zip(&w.messages) {
                let processed = m.processed.as_ref().unwrap();
                let received = dir
                    .path()
                    .join(format!("{}-{variant}-{}.xml", info.name, sent.index));
                let decrypted = dir.path().join(format!(
                    "{}-{variant}-{}-decrypted.xml",
                    info.name, sent.index
                ));
                std::fs::write(&received, &sent.text).unwrap();
                std::fs::write(&decrypted, processed.document.text()).unwrap();
                for s in &processed.signatures {
                    let id = s.id.clone().unwrap_or_else(|| {
                        panic!("{} {variant}: a signature without Id", info.name)
                    });
                    let key = s.key.as_ref().unwrap_or_else(|| {
                        panic!("{} {variant} {id}: no key: {:?}", info.name, s.error)
                    });
                    let key_file = dir.path().join(format!("{}-{variant}-{id}.key", info.name));
                    let attempts: Vec<Vec<String>> = if s
                        .signature_method
                        .name()
                        .starts_with("hmac-")
                    {
                        // A key the message established, or a shared secret named by KeyName.
                        let bytes = result
                            .store
                            .keyring
                            .by_name(&key.name)
                            .map(|k| result.store.keyring.get(k).bytes.clone())
                            .or_else(|| {
                                keys.named_secrets()
                                    .iter()
                                    .find(|s| s.name.as_deref() == Some(key.name.as_str()))
                                    .map(|s| s.secret.clone())
                            })
                            .unwrap_or_else(|| {
                                panic!("{} {variant} {id}: no key named {}", info.name, key.name)
                            });
                        std::fs::write(&key_file, bytes.expose()).unwrap();
                        vec![vec!["--hmackey".into(), key_file.display().to_string()]]
                    } else {
                        certs
                            .iter()
                            .map(|(_, c)| {
                                vec!["--pubkey-cert-pem".to_string(), c.display().to_string()]
                            })
                            .collect()
                    };
                    let verified = attempts.iter().any(|args| {
                        let args: Vec<&str> = args.iter().map(String::as_str).collect();
                        [&received, &decrypted]
                            .iter()
                            .any(|f| xmlsec1_verify(f, &id, &args).status.success())
                    });
                    assert!(
                        verified,
                        "{} {variant} message {}: signature {id} does not verify in xmlsec1",
                        info.name,
                        sent.index + 1
                    );
                    signatures += 1;
                }
                for e in processed.encryptions.iter().filter(|e| e.ok) {
                    let id = e.id.clone().unwrap();
                    let name = e.key.clone().unwrap();
                    let record = result
                        .store
                        .keyring
                        .by_name(&name)
                        .map(|k| result.store.keyring.get(k))
                        .unwrap();
                    let key_file = dir.path().join(format!("{}-{variant}-{id}.aes", info.name));
                    std::fs::write(&key_file, record.bytes.expose()).unwrap();
                    let out = Command::new("xmlsec1")
                        .arg("--decrypt")
                        .arg("--aeskey")
                        .arg(&key_file)
                        .arg("--node-xpath")
                        .arg(format!("//*[local-name()='EncryptedData' and @Id='{id}']"))
                        .arg(&received)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{} {variant} message {}: EncryptedData {id} does not decrypt in xmlsec1: {}",
                        info.name,
                        sent.index + 1,
                        String::from_utf8_lossy(&out.stderr)
                    );
                    assert!(
                        !String::from_utf8_lossy(&out.stdout).contains(&format!("Id=\"{id}\"")),
                        "{id} still encrypted"
                    );
                    decryptions += 1;
                }
            }
        }
    }
    visible(&format!(
        "walkthroughs in xmlsec1: {signatures} signatures verified, {decryptions} EncryptedData decrypted"
    ));
    assert!(
        signatures >= 23 && decryptions >= 10,
        "{signatures} signatures, {decryptions} decryptions"
    );
}
