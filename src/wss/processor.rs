//! Processing one received SOAP message the way a receiving WS-Security stack does.
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
use std::rc::Rc;

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

use super::authentication::{identity_findings, key_transfer_findings};
use super::clock::{ClockSkew, ValidityWindow, Window, window_findings};
use super::datetime::UtcDateTime;
use super::derivation_budget::DerivationBudget;
use super::envelope::SoapEnvelope;
use super::finding_code::FindingCode;
use super::finding_location::ReceivedMap;
use super::freshness::freshness_findings;
use super::header::HeaderItem;
use super::key_recipient::{other_certificate_finding, recipient_selectors};
use super::keys::{KeyId, KeyRecord, Provenance};
use super::resolver::{Attachments, MessageToken, Resolved, TokenValue, WssResolver};
use super::store::{EncryptedKeyEntry, EntropyEntry, SctEntry, TokenStore};
use super::str_ref::SecurityTokenReference;
use super::tokens::BinaryTokenKind;
use super::wrapping::{ActedOn, Coverage, wrapping_findings};

#[path = "decrypt_batch.rs"]
mod decrypt_batch;
#[path = "embedded_signatures.rs"]
pub mod embedded_signatures;
#[path = "issued_tokens.rs"]
pub mod issued_tokens;

/// Settings for processing.
#[derive(Debug, Clone, Default)]
pub struct ProcessOptions {
    /// The receiver's clock for Timestamp checks; `None` (auditing old captures) reports the
    /// times without judging freshness.
    pub now: Option<UtcDateTime>,
    /// How far off a time may be from `now` before it is judged expired or premature.
    pub clock_skew: ClockSkew,
    /// Label for DerivedKeyTokens that carry none, when a stack derived with a custom label.
    pub dk_label: Option<String>,
    pub id_attributes: IdAttributes,
    /// The messages travelled over authenticated TLS (WCF's TransportWithMessageCredential):
    /// an RSTR no signature covers is then a note, not an error.
    pub transport_secured: bool,
    /// The SOAP role this receiver plays (`--actor`): only the Security header addressed to it
    /// is processed. `None` processes every header a receiver may be addressed by.
    pub actor: Option<String>,
    /// The receiver's certificate (`--receiver-cert`): an EncryptedKey of the Security header
    /// transported to another one is `key-for-other-certificate`.
    pub receiver_certificate: Option<Certificate>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Something an auditor should know: what fails and what is risky.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Serialized as its catalogue string (`signature-wrapping`).
    pub code: FindingCode,
    pub message: String,
    pub line: Option<u32>,
    /// 1-based, in characters; with `span` when the finding is about a node.
    pub column: Option<u32>,
    /// Bytes of the received envelope text (UTF-8) the finding is about; `None` when it is
    /// about no node. See [`super::finding_location`].
    pub span: Option<Span>,
}

impl Finding {
    /// A finding of `code`, with the severity the catalogue gives it.
    pub fn new(code: FindingCode, message: impl Into<String>, line: Option<u32>) -> Finding {
        Finding {
            severity: code.severity(),
            code,
            message: message.into(),
            line,
            column: None,
            span: None,
        }
    }
}

/// A token as listed in a report.
#[derive(Debug, Clone, Serialize)]
pub struct TokenReport {
    pub kind: String,
    pub id: Option<String>,
    pub line: u32,
    pub detail: String,
    /// Name of the key it carries, when known.
    pub key: Option<String>,
}

/// One encrypted part and how it turned out.
#[derive(Debug, Clone, Serialize)]
pub struct EncryptionReport {
    pub id: Option<String>,
    pub line: u32,
    /// What the EncryptedData stood for (`soap:Body content`, `ds:Signature`).
    pub target: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub algorithm: String,
    /// Name of the data key, when found.
    pub key: Option<String>,
    pub key_chain: Vec<String>,
    pub plaintext_length: Option<usize>,
    pub ok: bool,
    pub error: Option<String>,
}

/// Everything the receiver found in one message.
#[derive(Debug)]
pub struct ProcessedMessage {
    /// The message after decryption (plaintext spliced in).
    pub document: Document,
    pub soap_version: Option<String>,
    pub tokens: Vec<TokenReport>,
    /// Keys established while processing this message.
    pub keys: Vec<KeyId>,
    pub signatures: Vec<SignatureReport>,
    pub encryptions: Vec<EncryptionReport>,
    pub findings: Vec<Finding>,
    /// One line per WS-Trust element (`RSTR: SecurityContextToken urn:..., proof ComputedKey`).
    pub trust: Vec<String>,
    /// Spans of `document` holding decrypted plaintext.
    pub decrypted: Vec<Span>,
    /// Maps spans of `document` back to the received text (findings point there).
    pub received: ReceivedMap,
    /// P_SHA-1 output computed for this message's key derivations (bounded, see
    /// [`super::derivation_budget`]).
    pub derived_stream_bytes: u64,
    /// Canonical bytes produced to verify this message's signatures (bounded, see
    /// [`crate::dsig::work_budget`]).
    pub canonical_work_bytes: u64,
    /// How much work the header walk took (bounded-work tests assert on it).
    pub work: ProcessingWork,
    /// Every wsse:Security header, under its actor/role, processed or not.
    pub security_headers: Vec<super::actors::SecurityHeaderReport>,
}

/// Counters of the receiver's work on one message, linear in its size by construction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProcessingWork {
    /// Times the Security header was read to register its new tokens (once per version of
    /// the document: one, plus one per decryption that changed it, plus the closing pass).
    pub header_registrations: usize,
    /// Header items looked at across those readings.
    pub items_fingerprinted: usize,
    /// Id indexes built: one per version of the document that something looked an id up in.
    pub id_index_builds: usize,
    /// Versions of the document made by splicing plaintext in (each one parsed whole).
    pub document_versions: usize,
}

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
    trust: Vec<String>,
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
    id_cache: Option<(u64, Rc<IdIndex>)>,
    /// Namespace scope of the places decrypted parts go (see [`decrypt_batch`]).
    contexts: decrypt_batch::ContextDeclarations,
    /// Each header signature verified, with the index of the Security header it stood in.
    header_signatures: Vec<(usize, super::actors::SignatureMention)>,
    /// RSTRs already acted on (see [`issued_tokens`]).
    responded: issued_tokens::Responded,
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
            receiver
                .findings
                .extend(super::actors::unprocessed_findings(
                    &envelope,
                    options.actor.as_deref(),
                ));
            if envelope.security.is_empty() {
                receiver.findings.push(
                    FindingCode::NoSecurityHeader
                        .finding("the message has no wsse:Security header", None),
                );
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
        let encrypted =
            super::conformance::encrypted_structure_findings(&envelope, &receiver.decrypted);
        receiver.findings.extend(encrypted);
    }
    receiver.verify_embedded_assertions(&current);
    receiver.trust_messages(&current);
    receiver.policy_findings(&current);
    receiver.locate_findings();
    receiver
        .findings
        .extend(super::work_findings::unchecked_references(
            &receiver.signatures,
        ));

    let security_headers =
        super::actors::header_reports(&current, actor, &receiver.header_signatures);
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
    super::actors::processed_headers(&envelope, actor)
        .flat_map(|header| header.items.iter().map(HeaderAction::of))
        .collect()
}

/// Start offsets of the outermost EncryptedData elements (not inside another EncryptedData
/// or an EncryptedKey), in document order.
fn unlisted_encrypted_data(doc: &Document) -> Vec<u32> {
    doc.descendants()
        .filter(|n| n.has_name(ns::XENC, "EncryptedData"))
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
    fn id_index(&mut self, doc: &Document) -> Rc<IdIndex> {
        match &self.id_cache {
            Some((generation, ids)) if *generation == doc.generation() => Rc::clone(ids),
            _ => {
                let ids = Rc::new(IdIndex::build(doc, &self.options.id_attributes));
                self.id_cache = Some((doc.generation(), Rc::clone(&ids)));
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

    fn add_key(
        &mut self,
        name: String,
        bytes: crate::crypto::SecretBytes,
        provenance: Provenance,
        line: u32,
    ) -> KeyId {
        let id = self.store.keyring.add(KeyRecord {
            name,
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

    /// Registers the tokens of the Security header not yet seen: certificates first, then
    /// encrypted keys (which may name a certificate), security contexts, SAML assertions,
    /// and derived keys last (they are derived from the others).
    fn register_tokens(&mut self, doc: &Document) {
        let Ok(envelope) = SoapEnvelope::read(doc) else {
            return;
        };
        let items: Vec<&HeaderItem<'_>> =
            super::actors::processed_headers(&envelope, self.options.actor.as_deref())
                .flat_map(|header| header.items.iter())
                .collect();
        if items.is_empty() {
            return;
        }
        self.work.header_registrations += 1;
        let fresh: Vec<(&HeaderItem<'_>, String)> = items
            .iter()
            .map(|item| (*item, fingerprint(item.node())))
            .filter(|(_, key)| !self.registered.contains(key))
            .collect();
        self.work.items_fingerprinted += items.len();
        for pass in 0..4 {
            for (item, key) in &fresh {
                let wanted = match item {
                    HeaderItem::BinarySecurityToken(_)
                    | HeaderItem::Timestamp(_)
                    | HeaderItem::UsernameToken(_)
                    | HeaderItem::SignatureConfirmation(_)
                    | HeaderItem::SecurityContextToken(_) => pass == 0,
                    HeaderItem::EncryptedKey(_) | HeaderItem::Other(_) => pass == 1,
                    HeaderItem::SamlAssertion(_) => pass == 2,
                    HeaderItem::DerivedKeyToken(_) => pass == 3,
                    _ => false,
                };
                // A second element with the same fingerprint (an exact copy) is registered once.
                if !wanted || !self.registered.insert(key.clone()) {
                    continue;
                }
                if let HeaderItem::Other(block) = item {
                    self.register_nested(doc, *block);
                    continue;
                }
                let token = self.register(doc, item);
                self.tokens.push(token);
            }
        }
    }

    fn register(&mut self, doc: &Document, item: &HeaderItem<'_>) -> MessageToken {
        let node = item.node();
        let line = node.position().line;
        let token = |kind: &str, value: TokenValue, detail: String| MessageToken {
            kind: kind.to_string(),
            id: item.id().map(str::to_string),
            alias: None,
            line,
            value,
            detail,
        };
        match item {
            HeaderItem::Timestamp(t) => {
                let created = t.created.as_ref().map_or("-", |c| c.text.as_str());
                let expires = t.expires.as_ref().map_or("-", |c| c.text.as_str());
                token(
                    "Timestamp",
                    TokenValue::NoKey,
                    format!("Created {created}, Expires {expires}"),
                )
            }
            HeaderItem::UsernameToken(u) => {
                let password = match &u.password {
                    Some(p) => format!(", password {:?}", p.kind),
                    None => String::new(),
                };
                if u.password
                    .as_ref()
                    .is_some_and(|p| matches!(p.kind, super::tokens::PasswordKind::Text))
                {
                    self.findings.push(
                        FindingCode::PasswordText
                            .finding_at("a UsernameToken carries its password in clear text", node),
                    );
                }
                token(
                    "UsernameToken",
                    TokenValue::NoKey,
                    format!(
                        "Username {}{password}",
                        u.username.as_deref().unwrap_or("-")
                    ),
                )
            }
            HeaderItem::SignatureConfirmation(s) => token(
                "SignatureConfirmation",
                TokenValue::NoKey,
                format!(
                    "Value {}",
                    s.value
                        .as_deref()
                        .unwrap_or("(none: the request was not signed)")
                ),
            ),
            HeaderItem::BinarySecurityToken(b) => {
                let data = b.data.clone().or_else(|| {
                    b.xop_include
                        .as_deref()
                        .and_then(|href| self.attachments.attachment(href))
                });
                let value = match (&b.kind, &data) {
                    (_, None) if b.xop_include.is_some() => TokenValue::Unresolved(
                        "the token is an MTOM attachment that is not in this copy".into(),
                    ),
                    (_, None) => TokenValue::Unresolved("no token data".into()),
                    (BinaryTokenKind::X509V3 | BinaryTokenKind::X509V1, Some(der)) => {
                        match Certificate::from_der(
                            der,
                            format!("BinarySecurityToken {}", b.id.as_deref().unwrap_or("")),
                        ) {
                            Ok(c) => TokenValue::Certificate(c),
                            Err(e) => TokenValue::Unresolved(format!(
                                "the certificate does not parse: {e}"
                            )),
                        }
                    }
                    (BinaryTokenKind::X509PkiPathV1, Some(der)) => {
                        match last_certificate_of_pki_path(der) {
                            Ok(c) => TokenValue::Certificate(c),
                            Err(e) => TokenValue::Unresolved(e),
                        }
                    }
                    (kind, Some(_)) => {
                        TokenValue::Unresolved(format!("a {kind:?} token is shown, not used"))
                    }
                };
                let detail = match &value {
                    TokenValue::Certificate(c) => {
                        let entry = super::store::CertificateEntry {
                            id: b.id.clone(),
                            certificate: c.clone(),
                            message: self.message,
                        };
                        self.store.certificates.push(entry);
                        format!(
                            "X.509 {} (issuer {}, serial {})",
                            c.subject(),
                            c.issuer(),
                            c.serial_decimal().unwrap_or_default()
                        )
                    }
                    TokenValue::Unresolved(why) => {
                        // Missing data is already a reader problem; a certificate that does not
                        // parse is news.
                        if data.is_some() {
                            self.findings.push(
                                FindingCode::Damaged
                                    .finding_at(format!("BinarySecurityToken: {why}"), node),
                            );
                        }
                        why.clone()
                    }
                    _ => String::new(),
                };
                token("BinarySecurityToken", value, detail)
            }
            HeaderItem::SecurityContextToken(sct) => {
                let key =
                    self.store
                        .sct_key(sct.identifier.as_deref(), sct.id.as_deref(), self.message);
                self.store.register_sct(SctEntry {
                    wsu_id: sct.id.clone(),
                    identifier: sct.identifier.clone(),
                    key,
                    message: self.message,
                });
                let detail = format!("Identifier {}", sct.identifier.as_deref().unwrap_or("-"));
                let value = match key {
                    Some(k) => TokenValue::Key(k),
                    None => TokenValue::Unresolved(format!(
                        "no key is known for it (an earlier RSTR of this conversation, or --key-name {}=...)",
                        sct.identifier
                            .as_deref()
                            .or(sct.id.as_deref())
                            .unwrap_or("ID")
                    )),
                };
                let mut t = token("SecurityContextToken", value, detail);
                t.alias = sct.identifier.clone();
                t
            }
            HeaderItem::EncryptedKey(n) => {
                let value = self.unwrap_encrypted_key(doc, *n);
                if let Some(receiver) = &self.options.receiver_certificate {
                    let ids = IdIndex::build(doc, &self.options.id_attributes);
                    let selectors = recipient_selectors(&self.resolver(doc, &ids), *n);
                    self.findings
                        .extend(other_certificate_finding(*n, &selectors, receiver));
                }
                let ek = EncryptedKey::read(*n);
                let detail = ek.method_uri.map(algorithm_name).unwrap_or_default();
                token("EncryptedKey", value, detail)
            }
            HeaderItem::SamlAssertion(a) => {
                let value = self.saml_key(doc, a);
                let window = Window {
                    kind: ValidityWindow::SamlConditions,
                    starts: a.not_before.as_deref(),
                    ends: a.not_on_or_after.as_deref(),
                    line: Some(a.node.position().line),
                };
                self.findings.extend(window_findings(
                    window,
                    self.options.now,
                    self.options.clock_skew,
                ));
                let detail = format!(
                    "SAML {:?} issued by {}",
                    a.version,
                    a.issuer.as_deref().unwrap_or("-")
                );
                let mut t = token("SamlAssertion", value, detail);
                t.id = a.id.clone();
                t
            }
            HeaderItem::DerivedKeyToken(dkt) => {
                let value = self.derive(doc, dkt);
                let e = &dkt.effective;
                let label = if dkt.label.is_none() && self.options.dk_label.is_some() {
                    format!(
                        "label {:?} (from --dk-label)",
                        self.options.dk_label.as_deref().unwrap_or("")
                    )
                } else if e.label_is_default {
                    "default label".to_string()
                } else {
                    format!("label {:?}", e.label)
                };
                let detail = format!(
                    "offset {}{}, length {}{}, {label}",
                    e.offset,
                    if dkt.offset.is_none() && dkt.generation.is_none() {
                        " (default)"
                    } else {
                        ""
                    },
                    e.length,
                    if e.length_is_default {
                        " (default)"
                    } else {
                        ""
                    }
                );
                token("DerivedKeyToken", value, detail)
            }
            _ => token(item.kind_name(), TokenValue::NoKey, String::new()),
        }
    }

    /// A header block wskex has no reader for (a custom token such as wskex's own delegation
    /// token) may carry EncryptedKeys and its own signature: the keys are registered so an
    /// STR can name them, and the signatures are verified like a SAML assertion's. A nested
    /// key that cannot be opened is only a warning: the block may carry keys for others.
    fn register_nested(&mut self, doc: &Document, block: Node<'_>) {
        let outside_encrypted = |n: &Node<'_>| {
            !n.ancestors().take_while(|a| a.id() != block.id()).any(|a| {
                a.has_name(ns::XENC, "EncryptedData") || a.has_name(ns::XENC, "EncryptedKey")
            })
        };
        let keys: Vec<Node<'_>> = block
            .descendants()
            .filter(|n| n.has_name(ns::XENC, "EncryptedKey") && outside_encrypted(n))
            .collect();
        for ek in keys {
            let line = ek.position().line;
            let value = self.unwrap_encrypted_key_reporting(doc, ek, false);
            if let TokenValue::Unresolved(why) = &value {
                self.findings
                    .push(FindingCode::NestedKeyUnavailable.finding_at(
                        format!(
                            "the EncryptedKey inside {} cannot be opened: {why}",
                            block.qname()
                        ),
                        ek,
                    ));
            }
            self.tokens.push(MessageToken {
                kind: "EncryptedKey".to_string(),
                id: ek.attribute("Id").map(str::to_string),
                alias: None,
                line,
                value,
                detail: format!("inside {} (line {})", block.qname(), block.position().line),
            });
        }
        let signatures: Vec<Node<'_>> = block
            .descendants()
            .filter(|n| n.has_name(ns::DS, "Signature") && outside_encrypted(n))
            .collect();
        if signatures.is_empty() {
            return;
        }
        let ids = self.id_index(doc);
        for signature in signatures {
            self.verify_token_signature(doc, &ids, signature);
        }
    }

    /// Verifies a signature that belongs to a token (a SAML assertion's, a custom block's)
    /// rather than to the Security header, where it stands.
    fn verify_token_signature(&mut self, doc: &Document, ids: &IdIndex, signature: Node<'_>) {
        let report = match SignatureElement::read(signature) {
            Ok(parsed) => {
                let resolver = self.resolver(doc, ids);
                verify_signature(
                    doc,
                    ids,
                    &parsed,
                    &resolver,
                    Some(&resolver),
                    &self.verify_options,
                )
            }
            Err(e) => SignatureReport::malformed(signature, &e.to_string()),
        };
        self.signatures.push(report);
    }

    /// Remembers under which Security header a header signature was verified.
    fn note_header_signature(&mut self, node: Node<'_>, report: &SignatureReport) {
        if let Some(index) = super::actors::header_index(node) {
            let mention = super::actors::SignatureMention {
                id: report.id.clone(),
                line: report.line,
                valid: report.valid,
            };
            self.header_signatures.push((index, mention));
        }
    }

    /// Opens an EncryptedKey and remembers its key by id and by SHA-1.
    fn unwrap_encrypted_key(&mut self, doc: &Document, node: Node<'_>) -> TokenValue {
        self.unwrap_encrypted_key_reporting(doc, node, true)
    }

    /// Opens an EncryptedKey; `report_failure` adds the error finding when it cannot be
    /// opened (callers with their own, more precise finding pass false).
    fn unwrap_encrypted_key_reporting(
        &mut self,
        doc: &Document,
        node: Node<'_>,
        report_failure: bool,
    ) -> TokenValue {
        let ek = EncryptedKey::read(node);
        let line = node.position().line;
        // A secret the user bound to this EncryptedKey's id (the sender of a message holds
        // the key it wrapped for someone else, and an auditor may know it from elsewhere).
        if let Some(binding) = ek
            .id
            .and_then(|id| self.store.bindings.iter().find(|b| b.name == id))
            .cloned()
        {
            let name = binding.name.clone();
            let id = self.add_key(
                name.clone(),
                binding.secret,
                Provenance::Supplied {
                    label: binding.label,
                },
                line,
            );
            if let Some(sha1) = encrypted_key_sha1(&ek) {
                self.store.encrypted_keys.push(EncryptedKeyEntry {
                    id: Some(name),
                    sha1,
                    key: id,
                    message: self.message,
                });
            }
            return TokenValue::Key(id);
        }
        let ids = self.id_index(doc);
        // The key length the data needs, when the ReferenceList tells which data.
        let expected = ek.data_references.iter().find_map(|r| {
            let id = r.strip_prefix('#')?;
            let IdLookup::Unique(n) = ids.lookup(id) else {
                return None;
            };
            let data = doc
                .node(n)
                .descendants()
                .find(|d| d.has_name(ns::XENC, "EncryptedData"))?;
            let method = EncryptedData::read(data).method_uri?;
            BlockCipherAlgorithm::from_uri(method)
                .ok()
                .map(|a| a.key_len())
        });
        let result = {
            let resolver = self.resolver(doc, &ids);
            let selectors = ek
                .key_info
                .and_then(|ki| ki.child(ns::WSSE, "SecurityTokenReference"))
                .map(|str| resolver.selectors(&SecurityTokenReference::read(str)));
            match selectors {
                Some(Err(e)) => Err(format!("cannot tell which private key opens it: {e}")),
                Some(Ok(s)) => {
                    resolver
                        .standard
                        .unwrap_encrypted_key_with(&ek, Some(s), expected, 0)
                }
                None => resolver.standard.unwrap_encrypted_key(&ek, expected, 0),
            }
        };
        match result {
            Ok(data_key) => {
                let name = ek
                    .id
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("EncryptedKey (line {line})"));
                let provenance = Provenance::Unwrapped {
                    encrypted_key: name.clone(),
                    transport: ek.method_uri.map(algorithm_name).unwrap_or_default(),
                    with: data_key.opened_with.clone(),
                };
                if data_key.assumed {
                    self.findings
                        .push(super::key_assumption::assumed_key_finding(
                            &name, &data_key, line,
                        ));
                }
                if ek.method_uri.is_some_and(|m| m.ends_with("#rsa-1_5")) {
                    self.findings.push(FindingCode::Rsa15KeyTransport.finding_at(format!("{name} uses RSA PKCS#1 v1.5 key transport, open to Bleichenbacher-style padding oracles; prefer RSA-OAEP"), node));
                }
                let id = self.add_key(name, data_key.key, provenance, line);
                if let Some(sha1) = encrypted_key_sha1(&ek) {
                    self.store.encrypted_keys.push(EncryptedKeyEntry {
                        id: ek.id.map(str::to_string),
                        sha1,
                        key: id,
                        message: self.message,
                    });
                }
                TokenValue::Key(id)
            }
            Err(e) => {
                if report_failure {
                    self.findings
                        .push(FindingCode::KeyUnavailable.finding_at(e.clone(), node));
                }
                TokenValue::Unresolved(e)
            }
        }
    }

    /// The key a SAML assertion's holder-of-key subject confirmation binds, and a check of
    /// the assertion's own signature.
    fn saml_key(
        &mut self,
        doc: &Document,
        assertion: &super::tokens::SamlAssertion<'_>,
    ) -> TokenValue {
        let ids = self.id_index(doc);
        if let Some(signature) = assertion.signature {
            self.verify_token_signature(doc, &ids, signature);
        }
        let Some(key_info) = assertion.confirmations.iter().find_map(|c| c.key_info) else {
            return TokenValue::NoKey;
        };
        if let Some(ek) = key_info.child(ns::XENC, "EncryptedKey") {
            return match self.unwrap_encrypted_key_reporting(doc, ek, false) {
                TokenValue::Unresolved(why) => {
                    self.findings.push(FindingCode::HokKeyUnavailable.finding_at(format!("the holder-of-key EncryptedKey of assertion {} cannot be opened: {why}", assertion.id.as_deref().unwrap_or("")), ek));
                    TokenValue::Unresolved(why)
                }
                other => other,
            };
        }
        for item in crate::dsig::key_info::read_key_info(key_info) {
            if let crate::dsig::key_info::KeyInfoItem::X509Data(data) = item
                && let Some(der) = data.certificates.first()
            {
                return match Certificate::from_der(der, "SAML holder-of-key certificate") {
                    Ok(c) => TokenValue::Certificate(c),
                    Err(e) => TokenValue::Unresolved(e.to_string()),
                };
            }
        }
        TokenValue::Unresolved(
            "the subject confirmation key is neither an EncryptedKey nor a certificate".into(),
        )
    }

    /// Derives a DerivedKeyToken's key from the key its STR designates.
    fn derive(&mut self, doc: &Document, dkt: &super::tokens::DerivedKeyToken<'_>) -> TokenValue {
        let line = dkt.node.position().line;
        let name = dkt
            .id
            .clone()
            .unwrap_or_else(|| format!("DerivedKeyToken (line {line})"));
        let fail = |me: &mut Self, why: String| {
            me.findings
                .push(FindingCode::KeyUnavailable.finding_at(format!("{name}: {why}"), dkt.node));
            TokenValue::Unresolved(why)
        };
        if !dkt.derivable {
            let why = dkt
                .problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_else(|| "its parameters are unusable".into());
            return fail(self, why);
        }
        let Some(reference) = &dkt.reference else {
            return fail(self, "it has no SecurityTokenReference".into());
        };
        let Some(nonce) = dkt.nonce.clone() else {
            return fail(self, "it has no Nonce".into());
        };
        let ids = self.id_index(doc);
        let base = match self.resolver(doc, &ids).resolve_str(reference) {
            Ok(Resolved::Key { id, .. }) => id,
            Ok(Resolved::Certificate { .. }) => {
                return fail(self, "its STR names a certificate, not a secret".into());
            }
            Err(e) => return fail(self, e),
        };
        let e = &dkt.effective;
        let label: Option<String> = match (&dkt.label, &self.options.dk_label) {
            (Some(l), _) => Some(l.clone()),
            (None, Some(custom)) => Some(custom.clone()),
            (None, None) => None,
        };
        if let Err(refused) = self.derivation.charge(e.offset.saturating_add(e.length)) {
            return fail(self, refused.to_string());
        }
        let base_record = self.store.keyring.get(base);
        let derived = psha1::derived_key(
            base_record.bytes.expose(),
            label.as_deref().map(str::as_bytes),
            &nonce,
            e.offset as usize,
            e.length as usize,
        );
        match derived {
            Ok(bytes) => {
                let provenance = Provenance::Derived {
                    base: base_record.name.clone(),
                    label,
                    nonce,
                    offset: e.offset as usize,
                    length: e.length as usize,
                };
                TokenValue::Key(self.add_key(name, bytes, provenance, line))
            }
            Err(err) => fail(self, err.to_string()),
        }
    }

    /// Carries out one header item; returns the new document when it changed.
    fn act(&mut self, doc: &Document, action: HeaderAction) -> Option<Document> {
        match action {
            HeaderAction::Verify { start } => {
                let node = element_at(doc, start)?;
                let ids = self.id_index(doc);
                let report = match SignatureElement::read(node) {
                    Ok(parsed) => {
                        let resolver = self.resolver(doc, &ids);
                        verify_signature(
                            doc,
                            &ids,
                            &parsed,
                            &resolver,
                            Some(&resolver),
                            &self.verify_options,
                        )
                    }
                    Err(e) => SignatureReport::malformed(node, &e.to_string()),
                };
                self.note_header_signature(node, &report);
                if let Some(key) = &report.key
                    && let Some(id) = self.store.keyring.by_name(&key.name)
                {
                    let method = report
                        .signature_method
                        .rsplit(['#', '/'])
                        .next()
                        .unwrap_or("")
                        .to_string();
                    self.store.keyring.note_usage(
                        id,
                        format!("{method} signature {}", report.id.as_deref().unwrap_or("")),
                    );
                }
                self.signatures.push(report);
                None
            }
            HeaderAction::Decrypt { targets } => self.decrypt_listed(doc, targets),
            HeaderAction::DecryptHere { start } => self.decrypt_at(doc, &[start]),
            HeaderAction::Nothing => None,
        }
    }

    /// Decrypts the EncryptedData (or EncryptedHeader) elements starting at `starts` and
    /// splices their plaintext in. Returns the new document when anything opened.
    fn decrypt_at(&mut self, doc: &Document, starts: &[u32]) -> Option<Document> {
        let ids = self.id_index(doc);
        let mut edits: Vec<Edit> = Vec::new();
        let fresh: Vec<u32> = starts
            .iter()
            .copied()
            .filter(|s| !self.failed_data.contains(s))
            .collect();
        for start in fresh {
            let Some(target) = element_at(doc, start) else {
                continue;
            };
            let (outer, data_node) = if target.has_name(ns::XENC, "EncryptedData") {
                (target, target)
            } else if let Some(inner) = target.child(ns::XENC, "EncryptedData") {
                (target, inner)
            } else {
                self.findings.push(FindingCode::DecryptionFailed.finding_at(
                    format!(
                        "a DataReference points at {}, not an EncryptedData",
                        target.qname()
                    ),
                    target,
                ));
                continue;
            };
            let data = EncryptedData::read(data_node);
            let decryption = {
                let resolver = self.resolver(doc, &ids);
                decrypt_data(&data, &resolver, false)
            };
            let r = &decryption.report;
            let key_id = r
                .key_source
                .as_deref()
                .and_then(|name| self.store.keyring.by_name(name));
            if let Some(k) = key_id {
                let algorithm = algorithm_name(&r.algorithm);
                self.store.keyring.note_usage(
                    k,
                    format!(
                        "{algorithm} EncryptedData {}",
                        r.id.as_deref().unwrap_or("")
                    ),
                );
            }
            let mut report = EncryptionReport {
                id: r.id.clone(),
                line: r.line,
                target: String::new(),
                data_type: r.data_type.clone(),
                algorithm: r.algorithm.clone(),
                key: key_id
                    .map(|k| self.store.keyring.get(k).name.clone())
                    .or(r.key_source.clone()),
                key_chain: r.key_chain.clone(),
                plaintext_length: r.plaintext_length,
                ok: r.ok,
                error: r.error.clone(),
            };
            match decryption.plaintext {
                Some(plaintext) => match (&data.data_type, String::from_utf8(plaintext)) {
                    (DataType::Element | DataType::Content, Ok(text)) => {
                        report.target = describe_plaintext(&text, &data.data_type, outer);
                        let context = outer.parent().unwrap_or(outer);
                        match self.contexts.check_fits(context, &text) {
                            Ok(()) => edits.push(Edit::replace(outer.span(), text)),
                            Err(e) => {
                                report.ok = false;
                                report.error = Some(format!(
                                    "the decrypted content does not parse in place: {}",
                                    e.kind
                                ));
                            }
                        }
                    }
                    (DataType::Octets(_), _) => {
                        report.target = "octets".into();
                        // Opened but left in place (octets are not XML to splice in): later
                        // passes must not open (and report) it again.
                        if !self.failed_data.contains(&start) {
                            self.failed_data.push(start);
                        }
                    }
                    (_, Err(_)) => {
                        report.ok = false;
                        report.error = Some("the decrypted XML is not valid UTF-8".into());
                    }
                },
                None => {
                    report.target = format!(
                        "(not decrypted) in {}",
                        outer
                            .parent()
                            .map(|p| p.qname().to_string())
                            .unwrap_or_default()
                    );
                }
            }
            // Attempted and failed: later passes must not try (and report) it again.
            if !report.ok {
                if !self.failed_data.contains(&start) {
                    self.failed_data.push(start);
                }
                self.findings.push(FindingCode::DecryptionFailed.finding_at(
                    format!(
                        "EncryptedData {}: {}",
                        report.id.as_deref().unwrap_or(""),
                        report.error.as_deref().unwrap_or("failed")
                    ),
                    data_node,
                ));
            }
            self.encryptions.push(report);
        }
        if edits.is_empty() {
            return None;
        }
        match doc.with_edits(&edits) {
            Ok(edited) => {
                self.work.document_versions += 1;
                self.locate_findings();
                let replaced: Vec<Span> = edits.iter().map(|e| e.span).collect();
                self.received.record(doc, &replaced, &edited.changed);
                for signature in &mut self.signatures {
                    signature.span = shift_span(signature.span, &edits, &edited.changed);
                }
                self.decrypted = self
                    .decrypted
                    .iter()
                    .map(|s| shift_span(*s, &edits, &edited.changed))
                    .collect();
                self.decrypted.extend(edited.changed.iter().copied());
                self.failed_data = self
                    .failed_data
                    .iter()
                    .map(|&s| shift_span(Span { start: s, end: s }, &edits, &edited.changed).start)
                    .collect();
                Some(edited.document)
            }
            Err(e) => {
                let n = edits.len();
                for report in self.encryptions.iter_mut().rev().filter(|r| r.ok).take(n) {
                    report.ok = false;
                    report.error = Some(format!(
                        "the decrypted content does not fit back into the message: {}",
                        e.kind
                    ));
                }
                self.findings.push(FindingCode::DecryptionFailed.finding(
                    format!("decrypted content does not parse in place: {e}"),
                    None,
                ));
                self.failed_data.extend(starts.iter().copied());
                None
            }
        }
    }

    /// Moves the findings made since the last call onto the received text.
    fn locate_findings(&mut self) {
        for finding in &mut self.findings[self.located_findings..] {
            self.received.relocate(finding);
        }
        self.located_findings = self.findings.len();
    }

    /// WS-Trust messages: entropies, proof keys, the security contexts they establish.
    fn trust_messages(&mut self, doc: &Document) {
        let Ok(envelope) = SoapEnvelope::read(doc) else {
            return;
        };
        for message in find_in_envelope(&envelope) {
            for problem in message.all_problems() {
                self.findings.push(
                    FindingCode::Damaged
                        .finding_at_point(problem.message.clone(), problem.position),
                );
            }
            match &message {
                TrustMessage::Request(rst) => {
                    let kind = rst
                        .request_type
                        .as_ref()
                        .map(|r| format!("{:?}", r.kind))
                        .unwrap_or_else(|| "?".into());
                    let mut line = format!("RST ({kind})");
                    if let Some(size) = rst.key_size {
                        line.push_str(&format!(", KeySize {size}"));
                    }
                    if let Some(secret) = rst
                        .entropy
                        .as_ref()
                        .and_then(|e| e.binary_secret())
                        .and_then(|b| b.bytes.clone())
                    {
                        line.push_str(&format!(", requestor entropy {} bytes", secret.len()));
                        self.store.requestor_entropy.push(EntropyEntry {
                            context: rst.context.clone(),
                            bytes: crate::crypto::SecretBytes::new(secret),
                            key_size: rst.key_size,
                            message: self.message,
                            location: format!(
                                "msg {} RST Entropy (line {})",
                                self.message + 1,
                                rst.node.position().line
                            ),
                        });
                    }
                    if let Some(ck) = &rst.computed_key_algorithm {
                        line.push_str(&format!(
                            ", ComputedKeyAlgorithm {}",
                            ck.uri.rsplit('/').next().unwrap_or("")
                        ));
                    }
                    self.trust.push(line);
                }
                other => {
                    for rstr in other.responses() {
                        self.respond_once(doc, rstr);
                    }
                }
            }
        }
    }

    fn response(&mut self, doc: &Document, rstr: &RequestSecurityTokenResponse<'_>) {
        let mut summary = String::from("RSTR");
        if rstr.requested_token_cancelled {
            summary.push_str(": RequestedTokenCancelled");
        }
        let token = rstr.token();
        if let Some(t) = token {
            summary.push_str(&format!(": {}", t.kind_name()));
            if let HeaderItem::SecurityContextToken(sct) = t {
                summary.push_str(&format!(" {}", sct.identifier.as_deref().unwrap_or("")));
            }
        }
        let in_clear = !self
            .decrypted
            .iter()
            .any(|s| s.start <= rstr.node.span().start && rstr.node.span().end <= s.end);
        let proof = match rstr.proof() {
            Some(ProofToken::BinarySecret(secret)) => {
                summary.push_str(", proof BinarySecret");
                if in_clear {
                    self.findings.push(FindingCode::ProofKeyInClear.finding_at("the proof token is a BinarySecret in clear in the message: anyone who sees it (or the transport) learns the key",
                        secret.node,
                    ));
                }
                self.binary_secret_key(secret, rstr, "proof token BinarySecret")
            }
            Some(ProofToken::EncryptedKey(node)) => {
                summary.push_str(", proof EncryptedKey");
                match self.unwrap_encrypted_key(doc, *node) {
                    TokenValue::Key(k) => Some(k),
                    _ => None,
                }
            }
            Some(ProofToken::ComputedKey(ck)) => {
                summary.push_str(", proof ComputedKey");
                if ck.kind != ComputedKeyKind::PSha1 {
                    self.findings.push(FindingCode::Unsupported.finding_at(
                        format!("ComputedKey {} is not computed by wskex", ck.uri),
                        rstr.node,
                    ));
                    None
                } else {
                    self.computed_key(rstr)
                }
            }
            Some(ProofToken::EncryptedData(_)) => {
                summary.push_str(", proof EncryptedData (decrypted above when its key was known)");
                None
            }
            None => None,
        };
        if let Some(HeaderItem::SecurityContextToken(sct)) = token {
            self.store.register_sct(SctEntry {
                wsu_id: sct.id.clone(),
                identifier: sct.identifier.clone(),
                key: proof,
                message: self.message,
            });
            if let Some(k) = proof {
                let name = sct
                    .identifier
                    .clone()
                    .or(sct.id.clone())
                    .unwrap_or_else(|| "SecurityContextToken".into());
                summary.push_str(&format!(" -> key of {name}"));
                self.store
                    .keyring
                    .note_usage(k, format!("key of SecurityContextToken {name}"));
            }
        }
        if let Some(lifetime) = &rstr.lifetime {
            let window = Window {
                kind: ValidityWindow::IssuedTokenLifetime,
                starts: lifetime.created.as_ref().map(|c| c.text.as_str()),
                ends: lifetime.expires.as_ref().map(|e| e.text.as_str()),
                line: Some(lifetime.node.position().line),
            };
            self.findings.extend(window_findings(
                window,
                self.options.now,
                self.options.clock_skew,
            ));
            summary.push_str(&format!(
                ", Lifetime {} .. {}",
                lifetime.created.as_ref().map_or("-", |c| c.text.as_str()),
                lifetime.expires.as_ref().map_or("-", |c| c.text.as_str())
            ));
        }
        self.trust.push(summary);
    }

    fn binary_secret_key(
        &mut self,
        secret: &BinarySecret<'_>,
        rstr: &RequestSecurityTokenResponse<'_>,
        what: &str,
    ) -> Option<KeyId> {
        let bytes = secret.bytes.clone()?;
        let name = rstr_key_name(rstr);
        let source = format!(
            "msg {} {what} (line {})",
            self.message + 1,
            secret.node.position().line
        );
        Some(self.add_key(
            name,
            crate::crypto::SecretBytes::new(bytes),
            Provenance::ProofToken { source },
            secret.node.position().line,
        ))
    }

    /// ComputedKey PSHA1: requestor entropy (an earlier RST) as secret, issuer entropy (this
    /// RSTR) as seed, KeySize bits.
    fn computed_key(&mut self, rstr: &RequestSecurityTokenResponse<'_>) -> Option<KeyId> {
        let line = rstr.node.position().line;
        let issuer = match rstr.entropy.as_ref().and_then(|e| e.content.as_ref()) {
            Some(EntropyContent::BinarySecret(b)) => b.bytes.clone(),
            _ => None,
        };
        let Some(issuer) = issuer else {
            self.findings.push(
                FindingCode::KeyUnavailable
                    .finding_at("ComputedKey without issuer entropy in the RSTR", rstr.node),
            );
            return None;
        };
        let Some(requestor) = self.store.entropy_for(rstr.context.as_deref()).cloned() else {
            self.findings.push(FindingCode::KeyUnavailable.finding_at("ComputedKey: no requestor entropy seen earlier in this conversation (give the RST first)", rstr.node));
            return None;
        };
        let bits = rstr.key_size.or(requestor.key_size).unwrap_or(256);
        if let Err(refused) = self.derivation.charge(u64::from(bits / 8)) {
            self.findings.push(
                FindingCode::KeyUnavailable
                    .finding_at(format!("ComputedKey: {refused}"), rstr.node),
            );
            return None;
        }
        match psha1::computed_key(requestor.bytes.expose(), &issuer, bits) {
            Ok(bytes) => {
                let provenance = Provenance::Computed {
                    requestor_entropy: requestor.location.clone(),
                    issuer_entropy: format!("msg {} RSTR Entropy (line {line})", self.message + 1),
                    key_size_bits: bits,
                };
                Some(self.add_key(rstr_key_name(rstr), bytes, provenance, line))
            }
            Err(e) => {
                self.findings.push(
                    FindingCode::KeyUnavailable.finding_at(format!("ComputedKey: {e}"), rstr.node),
                );
                None
            }
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

/// A name for a key an RSTR establishes: the token's id or Identifier, else the Context.
fn rstr_key_name(rstr: &RequestSecurityTokenResponse<'_>) -> String {
    match rstr.token() {
        Some(HeaderItem::SecurityContextToken(sct)) => {
            format!(
                "{} key",
                sct.identifier
                    .clone()
                    .or(sct.id.clone())
                    .unwrap_or_else(|| "SecurityContextToken".into())
            )
        }
        Some(other) => format!("{} proof key", other.id().unwrap_or(other.kind_name())),
        None => format!("proof key {}", rstr.context.as_deref().unwrap_or("")),
    }
}

/// `http://www.w3.org/2001/04/xmlenc#aes128-cbc` → `aes128-cbc`.
pub fn algorithm_name(uri: &str) -> String {
    uri.rsplit(['#', '/']).next().unwrap_or(uri).to_string()
}

fn describe_plaintext(text: &str, data_type: &DataType, outer: Node<'_>) -> String {
    match data_type {
        DataType::Content => format!(
            "content of {}",
            outer
                .parent()
                .map(|p| p.qname().to_string())
                .unwrap_or_default()
        ),
        _ => {
            let name: String = text
                .trim_start()
                .trim_start_matches('<')
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            if name.is_empty() {
                "element".into()
            } else {
                name
            }
        }
    }
}

/// The end-entity certificate of an X509PKIPathv1 token: a DER SEQUENCE of certificates,
/// the signer's last.
fn last_certificate_of_pki_path(der: &[u8]) -> Result<Certificate, String> {
    let (content, _) = der_sequence(der).ok_or("the PKIPath is not a DER SEQUENCE")?;
    let mut rest = content;
    let mut last = None;
    while !rest.is_empty() {
        let (_, total) = der_sequence(rest).ok_or("a PKIPath entry is not a certificate")?;
        last = Some(&rest[..total]);
        rest = &rest[total..];
    }
    let der = last.ok_or("the PKIPath holds no certificate")?;
    Certificate::from_der(der, "PKIPath certificate").map_err(|e| e.to_string())
}

/// A DER SEQUENCE at the start of `bytes`: its content and its total length.
fn der_sequence(bytes: &[u8]) -> Option<(&[u8], usize)> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    let first = *bytes.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *bytes.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let total = header.checked_add(len)?;
    (total <= bytes.len()).then(|| (&bytes[header..total], total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{SecretBytes, SeededRandom, cipher};
    use crate::xml::base64;

    /// A message whose Body content is AES-256-CBC under the named secret `k`, listed in a
    /// header ReferenceList, decrypting to `plaintext`.
    fn encrypted_body(plaintext: &[u8], key: &[u8]) -> String {
        let ct = cipher::encrypt(
            BlockCipherAlgorithm::Aes256Cbc,
            key,
            plaintext,
            &mut SeededRandom::new(7),
        )
        .unwrap();
        format!(
            "<s:Envelope xmlns:s=\"{soap}\" xmlns:wsse=\"{wsse}\"><s:Header><wsse:Security>\
             <xenc:ReferenceList xmlns:xenc=\"{xenc}\"><xenc:DataReference URI=\"#ED-1\"/></xenc:ReferenceList>\
             </wsse:Security></s:Header><s:Body><xenc:EncryptedData xmlns:xenc=\"{xenc}\" Id=\"ED-1\" \
             Type=\"http://www.w3.org/2001/04/xmlenc#Content\"><xenc:EncryptionMethod Algorithm=\"{aes}\"/>\
             <ds:KeyInfo xmlns:ds=\"{ds}\"><ds:KeyName>k</ds:KeyName></ds:KeyInfo><xenc:CipherData>\
             <xenc:CipherValue>{value}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></s:Body></s:Envelope>",
            soap = ns::SOAP12,
            wsse = ns::WSSE,
            xenc = ns::XENC,
            ds = ns::DS,
            aes = BlockCipherAlgorithm::Aes256Cbc.uri(),
            value = base64::encode(&ct),
        )
    }

    fn process(text: &str, key: &[u8]) -> ProcessedMessage {
        let mut keys = KeyStore::new();
        keys.add_named_secret("k", SecretBytes::from_slice(key), "test key");
        let doc = Document::parse_str(text, "test").unwrap();
        process_message(
            doc,
            0,
            &keys,
            &mut TokenStore::default(),
            &ProcessOptions::default(),
            &super::super::resolver::NoAttachments,
        )
    }

    /// An EncryptedData of octets opens but stays in place: it is reported once, not again by
    /// the pass over EncryptedData no ReferenceList named.
    #[test]
    fn octets_listed_in_a_reference_list_are_reported_once() {
        let key = [3u8; 32];
        let text = encrypted_body(b"raw octets", &key)
            .replace("http://www.w3.org/2001/04/xmlenc#Content", "urn:octets");
        let processed = process(&text, &key);
        assert_eq!(
            processed.encryptions.len(),
            1,
            "{:?}",
            processed.encryptions
        );
        assert!(processed.encryptions[0].ok);
    }

    #[test]
    fn a_body_listed_in_a_reference_list_is_decrypted_once() {
        let key = [3u8; 32];
        let processed = process(
            &encrypted_body(b"<ex:Hello xmlns:ex=\"urn:x\"/>", &key),
            &key,
        );
        assert_eq!(processed.encryptions.len(), 1);
        assert!(processed.encryptions[0].ok, "{:?}", processed.encryptions);
    }

    /// Plaintext that is not UTF-8 (a changed ciphertext, the wrong key) fails once: the
    /// pass over EncryptedData no ReferenceList named must not try it again.
    #[test]
    fn an_encrypted_part_that_decrypts_to_garbage_is_reported_once() {
        let key = [3u8; 32];
        let processed = process(&encrypted_body(&[0xff, 0xfe, 0xfd, 0x80], &key), &key);
        assert_eq!(
            processed.encryptions.len(),
            1,
            "{:#?}",
            processed.encryptions
        );
        assert!(!processed.encryptions[0].ok);
        let failures = processed
            .findings
            .iter()
            .filter(|f| f.code == FindingCode::DecryptionFailed)
            .count();
        assert_eq!(failures, 1, "{:#?}", processed.findings);
    }

    /// A custom header block (here a stand-in for wskex's delegation token) carrying an
    /// EncryptedKey and its own signature: the key is registered so an STR can name it, the
    /// signature is verified, and a receiver who cannot open the key gets a warning for the
    /// block and a failed signature, not a crash or a silent pass.
    #[test]
    fn keys_and_signatures_inside_unknown_header_blocks_are_processed() {
        use crate::crypto::signature::SigningKey;
        use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};
        use crate::patterns::draft::{Draft, encrypted_key_for, str_reference};
        use crate::patterns::parties::{certificate, party, private_key};
        let bob = party("bob", "receiver");
        let alice = party("alice", "bystander");
        let key = [9u8; 32];
        let ek = encrypted_key_for(
            &key,
            certificate(&bob),
            "EK-9",
            &[],
            &mut SeededRandom::new(3),
        )
        .unwrap();
        let mut draft = Draft::envelope(
            "urn:bob",
            "urn:act",
            "Body-1",
            "<ex:Hi xmlns:ex=\"urn:x\"/>",
        );
        draft
            .prepend_security(&format!(
                "<x:Custom xmlns:x=\"urn:x\">{}</x:Custom>",
                ek.xml
            ))
            .unwrap();
        draft
            .sign(
                "SIG-1",
                SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
                SigningKey::Hmac(&key),
                &["#Body-1"],
                &str_reference("#EK-9", Some(super::super::uris::ENCRYPTED_KEY_TOKEN)),
            )
            .unwrap();
        for (who, expect) in [(&bob, true), (&alice, false)] {
            let mut keys = KeyStore::new();
            keys.add_private_key(private_key(who).clone());
            keys.add_certificate(certificate(who).clone());
            let processed = process_message(
                Document::parse_str(draft.text(), "test").unwrap(),
                0,
                &keys,
                &mut TokenStore::default(),
                &ProcessOptions::default(),
                &super::super::resolver::NoAttachments,
            );
            assert_eq!(processed.signatures.len(), 1);
            assert_eq!(processed.signatures[0].valid, expect, "{}", who.name);
            assert!(
                processed.tokens.iter().any(|t| t.kind == "EncryptedKey"
                    && t.id.as_deref() == Some("EK-9")
                    && t.detail.contains("x:Custom")),
                "{:?}",
                processed.tokens
            );
            let warned = processed
                .findings
                .iter()
                .any(|f| f.code == FindingCode::NestedKeyUnavailable);
            assert_eq!(warned, !expect, "{}", who.name);
        }
    }
}
