//! `verify` and `decrypt` on a WS-Security message: the keys are named by
//! SecurityTokenReferences that plain XML-DSig/XML-Enc cannot follow, so the message goes
//! through the same receiver `inspect` uses (one message, no earlier conversation).

use crate::crypto::KeyStore;
use crate::dsig::SignatureReport;
use crate::receive::actors::SecurityHeaderReport;
use crate::receive::keys::Provenance;
use crate::receive::resolver::NoAttachments;
use crate::receive::store::{Binding, TokenStore};
use crate::receive::{Finding, ProcessOptions, ProcessedMessage, process_message};
use crate::wss::envelope::SoapEnvelope;
use crate::xenc::DecryptionReport;
use crate::xenc::decrypt::DocumentDecryption;
use crate::xml::Document;

/// A SOAP envelope with a wsse:Security header.
pub fn is_ws_security_message(doc: &Document) -> bool {
    SoapEnvelope::read(doc).is_ok_and(|e| !e.security.is_empty())
}

fn receive(
    doc: Document,
    keys: &KeyStore,
    options: &ProcessOptions,
) -> (ProcessedMessage, TokenStore) {
    let bindings = Binding::all_named(keys);
    let mut store = TokenStore::new(bindings);
    let processed = process_message(doc, 0, keys, &mut store, options, &NoAttachments);
    (processed, store)
}

/// What the receiver made of a message's signatures.
pub struct ReceiverVerification {
    pub signatures: Vec<SignatureReport>,
    /// Wrapping, unauthenticated keys and identities, duplicate ids, unprocessed headers.
    pub findings: Vec<Finding>,
    /// Every wsse:Security header under its actor/role.
    pub security_headers: Vec<SecurityHeaderReport>,
    /// The message as the receiver left it (the one given, unless it decrypted parts).
    pub document: Document,
}

/// The signature reports of a SOAP message, checked as its receiver would, with the
/// receiver's findings and the Security headers it processed (or not).
pub fn verify_as_receiver(
    doc: Document,
    keys: &KeyStore,
    options: &ProcessOptions,
) -> ReceiverVerification {
    let processed = receive(doc, keys, options).0;
    ReceiverVerification {
        signatures: processed.signatures,
        findings: processed.findings,
        security_headers: processed.security_headers,
        document: processed.document,
    }
}

/// The decryption of a WS-Security message as its receiver would do it.
pub fn decrypt_as_receiver(
    doc: Document,
    keys: &KeyStore,
    reveal_secrets: bool,
) -> DocumentDecryption {
    let (processed, store) = receive(doc, keys, &ProcessOptions::default());
    let reports = processed
        .encryptions
        .iter()
        .map(|e| {
            let key = e
                .key
                .as_deref()
                .and_then(|name| store.keyring.by_name(name))
                .map(|id| store.keyring.get(id));
            let key_transport = key.and_then(|k| match &k.provenance {
                Provenance::Unwrapped { transport, .. } => Some(transport.clone()),
                _ => None,
            });
            DecryptionReport {
                id: e.id.clone(),
                path: e.target.clone(),
                line: e.line,
                data_type: e.data_type.clone(),
                algorithm: e.algorithm.clone(),
                key_transport,
                key_source: e.key.clone(),
                key_chain: e.key_chain.clone(),
                key_hex: key
                    .filter(|_| reveal_secrets && e.ok)
                    .map(|k| hex::encode(k.bytes.expose())),
                plaintext_length: e.plaintext_length,
                ok: e.ok,
                error: e.error.clone(),
            }
        })
        .collect();
    DocumentDecryption {
        document: processed.document,
        reports,
        octets: Vec::new(),
    }
}
