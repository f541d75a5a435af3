//! Processing one received SOAP message the way a receiving WS-Security stack does: the header
//! items in order, token references resolved against a store that lives across messages, keys,
//! decryption, signatures, and the findings. It sits above the readers (`wss`, `trust`, `dsig`,
//! `xenc`) and below the vocabulary that draws it (`exchange`, `patterns`, `audit`).
//!
//! The Security header is walked in document order. Senders prepend each header block, so the
//! last operation a sender applied comes first: a Signature met before the ReferenceList of
//! what it covers is checked on the encrypted form (encrypt-then-sign), and an encrypted
//! Signature is decrypted by an earlier ReferenceList and checked when reached
//! (sign-then-encrypt). Decrypted content is spliced back byte for byte, so its own digests
//! still match. Tokens (certificates, encrypted keys, security contexts, derived keys, SAML
//! assertions) are registered before the walk so references may point forwards; keys that
//! outlive the message (encrypted keys, security contexts, proof keys, entropies) go into the
//! conversation's [`TokenStore`].

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;

use crate::crypto::{BlockCipherAlgorithm, Certificate, KeyStore, psha1};
use crate::dsig::model::SignatureElement;
use crate::dsig::{SignatureReport, VerifyOptions, verify_signature};
use crate::ns;
use crate::resolve::encrypted_key_sha1;
use crate::trust::binary_secret::BinarySecret;
use crate::trust::entropy::EntropyContent;
use crate::trust::fields::ComputedKeyKind;
use crate::trust::messages::{TrustMessage, find_in_envelope};
use crate::trust::proof_token::ProofToken;
use crate::trust::response::RequestSecurityTokenResponse;
use crate::xenc::{DataType, EncryptedData, EncryptedKey, decrypt_data};
use crate::xml::{Document, Edit, IdAttributes, IdIndex, IdLookup, Node, Span, shift_span};

use self::authentication::{identity_findings, key_transfer_findings};
use self::clock::{ClockSkew, ValidityWindow, Window, window_findings};
use self::finding_code::FindingCode;
use self::finding_location::ReceivedMap;
use self::freshness::freshness_findings;
use self::key_recipient::{other_certificate_finding, recipient_selectors};
use self::keys::{KeyId, KeyRecord, Provenance};
use self::resolver::{Attachments, MessageToken, Resolved, TokenValue, WssResolver};
use self::store::{EncryptedKeyEntry, EntropyEntry, SctEntry, TokenStore};
use self::wrapping::{ActedOn, Coverage, wrapping_findings};
use crate::wss::datetime::UtcDateTime;
use crate::wss::derivation_budget::DerivationBudget;
use crate::wss::envelope::SoapEnvelope;
use crate::wss::header::HeaderItem;
use crate::wss::str_ref::SecurityTokenReference;
use crate::wss::tokens::BinaryTokenKind;

pub mod actors;
pub mod authentication;
pub mod clock;
pub mod conformance;
mod decrypt;
mod decrypt_batch;
pub mod embedded_signatures;
pub mod finding_code;
pub mod finding_location;
pub mod freshness;
pub mod issued_tokens;
pub mod key_assumption;
pub mod key_recipient;
pub mod keys;
mod other_recipient;
mod report;
pub mod resolve_error;
pub mod resolver;
pub mod store;
#[cfg(test)]
mod tests;
mod tokens;
mod trust;
pub mod trust_summary;
pub mod work_findings;
pub mod wrapping;

pub use report::{
    EncryptionReport, Finding, ProcessOptions, ProcessedMessage, ProcessingWork, Severity,
    TokenReport,
};

/// The receiver's state while one message is processed.
struct Receiver<'k, 's> {
    keys: &'k KeyStore,
    attachments: &'k dyn Attachments,
    store: &'s mut TokenStore,
    options: &'k ProcessOptions,
    message: usize,
    tokens: Vec<MessageToken>,
    /// Fingerprints of the token elements already registered.
    registered: HashSet<String>,
    work: ProcessingWork,
    established: Vec<KeyId>,
    signatures: Vec<SignatureReport>,
    encryptions: Vec<EncryptionReport>,
    findings: Vec<Finding>,
    /// Findings before this index already point into the received text.
    located_findings: usize,
    received: ReceivedMap,
    trust: Vec<trust_summary::TrustSummary>,
    decrypted: Vec<Span>,
    /// Start offsets (in the current text) of EncryptedData already attempted and left in
    /// place (failed, or opened as octets): no later pass tries them again.
    failed_data: Vec<u32>,
    /// P_SHA-1 output this message has cost so far (DerivedKeyTokens, ComputedKey).
    derivation: DerivationBudget,
    /// One set of options for every signature of the message: they share its work budget.
    verify_options: VerifyOptions,
    /// The id index of the current document version, keyed by its generation: built once per
    /// version, not once per signature or token (thousands of signatures stay linear).
    id_cache: Option<(u64, Arc<IdIndex>)>,
    /// Namespace scope of the places decrypted parts go (see [`decrypt_batch`]).
    contexts: decrypt_batch::ContextDeclarations,
    /// Each header signature verified, with the index of the Security header it stood in.
    header_signatures: Vec<(usize, actors::SignatureMention)>,
    /// RSTRs already acted on (see [`issued_tokens`]).
    responded: issued_tokens::Responded,
    /// Header EncryptedKeys left closed because they name another recipient.
    closed_for_others: Vec<other_recipient::ClosedForOther>,
}

/// Processes one message (index `message` of its conversation) with the supplied keys and the
/// conversation's memory. `attachments` resolves MTOM `xop:Include` references.
pub fn process_message(
    document: Document,
    message: usize,
    keys: &KeyStore,
    store: &mut TokenStore,
    options: &ProcessOptions,
    attachments: &dyn Attachments,
) -> ProcessedMessage {
    let mut receiver = Receiver {
        keys,
        attachments,
        store,
        options,
        message,
        tokens: Vec::new(),
        registered: HashSet::new(),
        work: ProcessingWork::default(),
        established: Vec::new(),
        signatures: Vec::new(),
        encryptions: Vec::new(),
        findings: Vec::new(),
        located_findings: 0,
        received: ReceivedMap::default(),
        trust: Vec::new(),
        decrypted: Vec::new(),
        failed_data: Vec::new(),
        derivation: DerivationBudget::default(),
        verify_options: VerifyOptions::default(),
        id_cache: None,
        contexts: Default::default(),
        header_signatures: Vec::new(),
        responded: Default::default(),
        closed_for_others: Vec::new(),
    };
    let mut current = document;
    let soap_version = match SoapEnvelope::read(&current) {
        Ok(envelope) => {
            for problem in envelope.all_problems() {
                receiver.findings.push(
                    FindingCode::Damaged
                        .finding_at_point(problem.message.clone(), problem.position),
                );
            }
            receiver.findings.extend(actors::unprocessed_findings(
                &envelope,
                options.actor.as_deref(),
            ));
            if envelope.security.is_empty() {
                receiver
                    .findings
                    .push(FindingCode::NoSecurityHeader.finding_at(
                        "the message has no wsse:Security header",
                        envelope.header.unwrap_or(envelope.node),
                    ));
            }
            Some(envelope.version.label().to_string())
        }
        Err(e) => {
            receiver
                .findings
                .push(FindingCode::NotSoap.finding_at_point(e.to_string(), e.position));
            None
        }
    };
    receiver.report_duplicate_ids(&current);
    let actor = options.actor.as_deref();
    // Tokens outside the Security header that its items name (an RSTR in wst:IssuedTokens or
    // in the Body) are registered first.
    receiver.register_issued_tokens(&current);

    // Walk the Security header in order; decryption replaces the document as it goes. The
    // header is read (and its new tokens registered) once per version of the document, not
    // once per item: thousands of header children stay linear.
    let mut index = 0;
    let mut actions: Option<Vec<HeaderAction>> = None;
    loop {
        let pending = actions.get_or_insert_with(|| {
            receiver.register_tokens(&current);
            header_actions(&current, actor)
        });
        let Some(action) = pending.get_mut(index) else {
            break;
        };
        let action = match std::mem::replace(action, HeaderAction::Nothing) {
            // Consecutive ReferenceLists open in one splice: one new version, not one each.
            HeaderAction::Decrypt { targets } => HeaderAction::Decrypt {
                targets: decrypt_batch::merge_following_decrypts(pending, index, targets),
            },
            other => other,
        };
        if let Some(next) = receiver.act(&current, action) {
            current = next;
            actions = None;
        }
        index += 1;
    }
    // EncryptedData no ReferenceList named (for example a body encrypted by KeyInfo alone),
    // all opened together; what their plaintext reveals is opened in the next round.
    loop {
        receiver.register_tokens(&current);
        let starts: Vec<u32> = unlisted_encrypted_data(&current)
            .into_iter()
            .filter(|start| !receiver.failed_data.contains(start))
            .collect();
        if starts.is_empty() {
            break;
        }
        match receiver.decrypt_at(&current, &starts) {
            Some(next) => current = next,
            None => {
                for start in starts {
                    if !receiver.failed_data.contains(&start) {
                        receiver.failed_data.push(start);
                    }
                }
                break;
            }
        }
    }
    if let Ok(envelope) = SoapEnvelope::read(&current) {
        let encrypted = conformance::encrypted_structure_findings(&envelope, &receiver.decrypted);
        receiver.findings.extend(encrypted);
    }
    receiver.verify_embedded_assertions(&current);
    receiver.trust_messages(&current);
    receiver.policy_findings(&current);
    receiver
        .findings
        .extend(work_findings::unchecked_references(
            &current,
            &receiver.signatures,
        ));
    receiver.settle_closed_encrypted_keys();
    receiver.locate_findings();

    let security_headers = actors::header_reports(&current, actor, &receiver.header_signatures);
    ProcessedMessage {
        security_headers,
        document: current,
        soap_version,
        tokens: receiver.token_reports(),
        keys: receiver.established,
        signatures: receiver.signatures,
        encryptions: receiver.encryptions,
        findings: receiver.findings,
        trust: receiver.trust,
        decrypted: receiver.decrypted,
        received: receiver.received,
        work: receiver.work,
        derived_stream_bytes: receiver.derivation.spent(),
        canonical_work_bytes: receiver.verify_options.work.spent(),
    }
}

/// What to do for one header item, detached from the document borrow.
enum HeaderAction {
    Verify { start: u32 },
    Decrypt { targets: Vec<String> },
    DecryptHere { start: u32 },
    Nothing,
}

impl HeaderAction {
    fn of(item: &HeaderItem<'_>) -> HeaderAction {
        let reference_targets = |list: Node<'_>| -> Vec<String> {
            list.child_elements()
                .filter(|r| r.has_name(ns::XENC, "DataReference"))
                .filter_map(|r| r.attribute("URI").map(str::to_string))
                .collect()
        };
        match item {
            HeaderItem::Signature(n) => HeaderAction::Verify {
                start: n.span().start,
            },
            HeaderItem::ReferenceList(n) => HeaderAction::Decrypt {
                targets: reference_targets(*n),
            },
            HeaderItem::EncryptedKey(n) => match n.child(ns::XENC, "ReferenceList") {
                Some(list) => HeaderAction::Decrypt {
                    targets: reference_targets(list),
                },
                None => HeaderAction::Nothing,
            },
            HeaderItem::EncryptedData(n) | HeaderItem::EncryptedHeader(n) => {
                HeaderAction::DecryptHere {
                    start: n.span().start,
                }
            }
            _ => HeaderAction::Nothing,
        }
    }
}

/// The actions of the processed Security headers' items (see [`super::actors`]), in
/// document order.
fn header_actions(doc: &Document, actor: Option<&str>) -> Vec<HeaderAction> {
    let Ok(envelope) = SoapEnvelope::read(doc) else {
        return Vec::new();
    };
    actors::processed_headers(&envelope, actor)
        .flat_map(|header| header.items.iter().map(HeaderAction::of))
        .collect()
}

/// Start offsets of the outermost EncryptedData elements (not inside another EncryptedData
/// or an EncryptedKey), in document order.
fn unlisted_encrypted_data(doc: &Document) -> Vec<u32> {
    let Some(xenc) = doc.namespace_id(ns::XENC) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.has_name_in(xenc, "EncryptedData"))
        .filter(|n| {
            !n.ancestors().any(|a| {
                a.has_name(ns::XENC, "EncryptedData") || a.has_name(ns::XENC, "EncryptedKey")
            })
        })
        .map(|n| n.span().start)
        .collect()
}

fn element_at(doc: &Document, start: u32) -> Option<Node<'_>> {
    doc.element_starting_at(start)
}

fn fingerprint(node: Node<'_>) -> String {
    let text = node.source_text();
    let head: String = text.chars().take(200).collect();
    format!("{}|{}|{}", node.expanded_name(), text.len(), head)
}

impl Receiver<'_, '_> {
    /// The id index of `doc`, built on first use for each document version.
    fn id_index(&mut self, doc: &Document) -> Arc<IdIndex> {
        match &self.id_cache {
            Some((generation, ids)) if *generation == doc.generation() => Arc::clone(ids),
            _ => {
                let ids = doc.id_index(&self.options.id_attributes);
                self.id_cache = Some((doc.generation(), Arc::clone(&ids)));
                self.work.id_index_builds += 1;
                ids
            }
        }
    }

    fn resolver<'a, 'd>(&'a self, doc: &'d Document, ids: &'a IdIndex) -> WssResolver<'a, 'd> {
        WssResolver::new(
            doc,
            ids,
            self.keys,
            self.store,
            &self.tokens,
            self.attachments,
        )
    }

    /// Adds a key the message established, named by what it is (see [`keys`]) and tied to
    /// the id of its `token`.
    fn add_key(
        &mut self,
        token: Option<String>,
        bytes: crate::crypto::SecretBytes,
        provenance: Provenance,
        line: u32,
    ) -> KeyId {
        let id = self.store.keyring.add(KeyRecord {
            name: self.store.keyring.next_name(&provenance),
            token,
            bytes,
            provenance,
            usage: Vec::new(),
            message: self.message,
            line: Some(line),
        });
        self.established.push(id);
        id
    }

    fn report_duplicate_ids(&mut self, doc: &Document) {
        let ids = self.id_index(doc);
        for (id, nodes) in ids.duplicates() {
            let lines: Vec<String> = nodes
                .iter()
                .map(|n| doc.node(*n).position().line.to_string())
                .collect();
            self.findings.push(FindingCode::DuplicateId.finding_at(
                format!("the id {id:?} is carried by {} elements (lines {}): references to it are refused", nodes.len(), lines.join(", ")),
                doc.node(nodes[0]),
            ));
        }
    }

    /// What an auditor should know beyond individual failures: what the signatures do not
    /// cover, signature wrapping, unauthenticated keys and identities, and the freshness of
    /// the signed Timestamp (judged here, once every signature is known).
    fn policy_findings(&mut self, doc: &Document) {
        for s in &self.signatures {
            if !s.valid {
                self.findings.push(FindingCode::SignatureInvalid.finding_in(
                    format!(
                        "signature {}: {}",
                        s.id.as_deref().unwrap_or(&s.path),
                        s.error.as_deref().unwrap_or("invalid")
                    ),
                    doc,
                    s.span,
                ));
            }
        }
        self.findings.extend(identity_findings(
            doc,
            &self.signatures,
            self.keys.supplies_certificates(),
        ));
        let Ok(envelope) = SoapEnvelope::read(doc) else {
            return;
        };
        let coverage = Coverage::of(doc, &self.signatures);
        let acted = ActedOn::read_for(&envelope, self.options.actor.as_deref());
        self.findings.extend(wrapping_findings(&acted, &coverage));
        let key_transfer = key_transfer_findings(
            &envelope,
            &coverage,
            self.options.transport_secured,
            self.options.actor.as_deref(),
        );
        // Coverage is judged whenever there is something to protect, signed or not.
        let judged = !envelope.security.is_empty() || !key_transfer.is_empty();
        self.findings.extend(key_transfer);
        if let Some(body) = acted.body
            && judged
            && !coverage.covers(body)
        {
            self.findings.push(FindingCode::BodyNotSigned.finding_at(
                "no valid signature covers the SOAP Body: its content is not authenticated",
                body,
            ));
        }
        if let Some(timestamp) = acted.timestamp {
            self.findings.extend(freshness_findings(
                timestamp,
                coverage.covers(timestamp),
                !self.signatures.is_empty(),
                self.options.now,
                self.options.clock_skew,
            ));
        }
    }

    fn token_reports(&self) -> Vec<TokenReport> {
        self.tokens
            .iter()
            .map(|t| TokenReport {
                kind: t.kind.clone(),
                id: t.id.clone(),
                line: t.line,
                detail: match &t.value {
                    TokenValue::Unresolved(why) if !t.detail.contains(why.as_str()) => {
                        format!("{}; key unknown: {why}", t.detail)
                    }
                    _ => t.detail.clone(),
                },
                key: match &t.value {
                    TokenValue::Key(k) => Some(self.store.keyring.get(*k).name.clone()),
                    TokenValue::Certificate(c) => Some(c.subject()),
                    _ => None,
                },
            })
            .collect()
    }
}

/// The short name of the algorithm a URI names (`aes128-cbc`); the URI itself when this tool
/// does not implement it.
pub fn algorithm_name(uri: &str) -> String {
    crate::crypto::StatedAlgorithm::from_uri(uri)
        .name()
        .to_string()
}
