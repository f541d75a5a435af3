//! Auditing a captured conversation: every message processed in order by the WS-Security
//! receiver with one shared token store, and signatures that fail as captured retried in the
//! repair modes that undo re-indentation.
//!
//! A signature that verifies only after a repair is reported as such (a finding, and
//! `whitespace_mode` naming the repair), never as a plain valid: the bytes that were captured
//! do not verify, and the auditor must know it.

use std::ops::ControlFlow;

use serde::Serialize;

use crate::crypto::KeyStore;
use crate::dsig::diagnosis::mark_reindented;
use crate::dsig::{ReferenceStatus, SignatureReport};
use crate::receive::finding_code::FindingCode;
use crate::receive::keys::KeyId;
use crate::receive::resolver::Attachments;
use crate::receive::store::{Binding, TokenStore};
use crate::receive::{
    EncryptionReport, Finding, ProcessOptions, ProcessedMessage, Severity, TokenReport,
    process_message,
};
use crate::xml::Document;
use crate::xml::whitespace::{WhitespaceMode, repaired_text};

use super::conversation_checks::conversation_findings;
use super::conversation_recipient::other_certificate_findings;
use super::message::CapturedMessage;
use super::message_checks::{message_findings, uses_cbc};

/// A signature with the mode in which it verified.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureVerdict {
    #[serde(flatten)]
    pub report: SignatureReport,
    /// `as-is` when the captured bytes verify; otherwise the repair that made it verify.
    pub whitespace_mode: WhitespaceMode,
    /// References that verify only after the repair.
    pub repaired_references: Vec<String>,
    pub key_source: Option<String>,
}

/// One message of the conversation, processed.
#[derive(Debug)]
pub struct MessageResult {
    pub index: usize,
    pub file: String,
    pub notes: Vec<String>,
    /// `None` when the message could not be parsed (see `findings`).
    pub processed: Option<ProcessedMessage>,
    pub signatures: Vec<SignatureVerdict>,
    pub findings: Vec<Finding>,
    pub ok: bool,
}

impl MessageResult {
    pub fn soap_version(&self) -> Option<&str> {
        self.processed
            .as_ref()
            .and_then(|p| p.soap_version.as_deref())
    }

    pub fn tokens(&self) -> &[TokenReport] {
        self.processed.as_ref().map_or(&[], |p| &p.tokens)
    }

    pub fn encryptions(&self) -> &[EncryptionReport] {
        self.processed.as_ref().map_or(&[], |p| &p.encryptions)
    }

    pub fn keys(&self) -> &[KeyId] {
        self.processed.as_ref().map_or(&[], |p| &p.keys)
    }
}

/// A whole conversation, processed.
#[derive(Debug)]
pub struct ConversationResult {
    pub messages: Vec<MessageResult>,
    /// The receiver's memory at the end (every key, with its provenance).
    pub store: TokenStore,
    pub ok: bool,
}

impl Attachments for CapturedMessage {
    fn attachment(&self, href: &str) -> Option<Vec<u8>> {
        self.attachment_for_href(href)
            .filter(|a| !a.elided)
            .map(|a| a.bytes.clone())
    }
}

/// Processes the messages in order with the supplied keys. `bindings` are secrets the user
/// bound to tokens by Identifier or wsu:Id.
pub fn inspect_conversation(
    messages: &[CapturedMessage],
    keys: &KeyStore,
    bindings: Vec<Binding>,
    options: &ProcessOptions,
) -> ConversationResult {
    inspect_conversation_each(messages, keys, bindings, options, |_, _| {
        ControlFlow::Continue(())
    })
}

/// [`inspect_conversation`], telling `processed` about each message as soon as the receiver
/// has processed it (with the receiver's memory so far), so a viewer can show it before the
/// rest is done. The checks that need the whole conversation (replay, nonce reuse, ...) come
/// only in the result. When `processed` breaks, the messages after it are not processed and
/// the result holds those before (its conversation checks over them alone).
pub fn inspect_conversation_each(
    messages: &[CapturedMessage],
    keys: &KeyStore,
    bindings: Vec<Binding>,
    options: &ProcessOptions,
    mut processed: impl FnMut(&MessageResult, &TokenStore) -> ControlFlow<()>,
) -> ConversationResult {
    let mut store = TokenStore::new(bindings);
    let mut results = Vec::with_capacity(messages.len());
    for (index, message) in messages.iter().enumerate() {
        let result = inspect_message(index, message, keys, &mut store, options);
        let flow = processed(&result, &store);
        results.push(result);
        if flow.is_break() {
            break;
        }
    }
    let http_response: Vec<bool> = messages
        .iter()
        .take(results.len())
        .map(|m| m.framing.is_http_response())
        .collect();
    add_conversation_findings(&mut results, &store, keys, options, &http_response);
    let ok = results.len() == messages.len() && !results.is_empty() && results.iter().all(|m| m.ok);
    ConversationResult {
        messages: results,
        store,
        ok,
    }
}

/// The checks that need the whole conversation (replay, nonce reuse, SignatureConfirmation,
/// key separation, a key for a certificate other than the receiver's), each added to its
/// message; an error fails that message.
fn add_conversation_findings(
    results: &mut [MessageResult],
    store: &TokenStore,
    keys: &KeyStore,
    options: &ProcessOptions,
    http_response: &[bool],
) {
    let processed: Vec<Option<&ProcessedMessage>> =
        results.iter().map(|m| m.processed.as_ref()).collect();
    let mut found = conversation_findings(&processed, &store.keyring);
    if options.receiver_certificate.is_none() {
        found.extend(other_certificate_findings(
            &processed,
            http_response,
            keys,
            store,
        ));
    }
    for (index, finding) in found {
        let Some(message) = results.get_mut(index) else {
            continue;
        };
        if finding.severity == Severity::Error {
            message.ok = false;
        }
        message.findings.push(finding);
    }
}

fn inspect_message(
    index: usize,
    message: &CapturedMessage,
    keys: &KeyStore,
    store: &mut TokenStore,
    options: &ProcessOptions,
) -> MessageResult {
    let document = match Document::parse(message.soap.clone(), message.source_name.clone()) {
        Ok(mut d) => {
            d.set_first_line(message.soap_first_line);
            d
        }
        Err(mut e) => {
            // Positions are in the envelope; make them positions in the file.
            e.position.line += message.soap_first_line.saturating_sub(1);
            return MessageResult {
                index,
                file: message.source_name.clone(),
                notes: message.notes.clone(),
                processed: None,
                signatures: Vec::new(),
                findings: vec![unparsable_finding(&e, message.soap.len())],
                ok: false,
            };
        }
    };
    let before = store.clone();
    let processed = process_message(document, index, keys, store, options, message);

    let mut signatures: Vec<SignatureVerdict> = processed
        .signatures
        .iter()
        .map(|r| SignatureVerdict {
            report: r.clone(),
            whitespace_mode: WhitespaceMode::AsIs,
            repaired_references: Vec::new(),
            key_source: r
                .key
                .as_ref()
                .map(|k| format!("{}: {}", k.origin.describe(), k.description)),
        })
        .collect();
    let mut findings = processed.findings.clone();

    // A message that spent its verification work budget is hostile: repairs would only spend
    // it again (each run has its own) and cannot make an unchecked reference valid.
    let work_limited = signatures.iter().any(|s| {
        s.report
            .references
            .iter()
            .any(|r| r.status == ReferenceStatus::Unchecked)
    });
    if !work_limited && signatures.iter().any(|s| !s.report.valid) {
        // The message as received, parsed again as the first time (decoded from its own
        // encoding): the processed document may have been decrypted since. Parsed only here,
        // when a signature failed, so a large valid message is never held twice.
        let original = Document::parse(message.soap.clone(), message.source_name.clone()).ok();
        let mut repaired_runs: Vec<(WhitespaceMode, ProcessedMessage)> = Vec::new();
        for mode in [WhitespaceMode::DeIndented, WhitespaceMode::Santuario14] {
            let Some(Ok(text)) = original.as_ref().map(|o| repaired_text(o, mode, &[])) else {
                continue;
            };
            let Ok(mut doc) =
                Document::from_decoded_text(text, message.source_name.clone(), &Default::default())
            else {
                continue;
            };
            doc.set_first_line(message.soap_first_line);
            let mut scratch = before.clone();
            repaired_runs.push((
                mode,
                process_message(doc, index, keys, &mut scratch, options, message),
            ));
        }
        for (i, verdict) in signatures.iter_mut().enumerate() {
            if verdict.report.valid {
                continue;
            }
            // The repair under which the signature does best: valid, else a SignatureValue
            // that verifies, else the most references that hold.
            let score = |r: &SignatureReport| {
                (
                    r.valid,
                    r.signature_value_valid == Some(true),
                    r.references.iter().filter(|x| x.valid).count(),
                )
            };
            let as_is = score(&verdict.report);
            let best = repaired_runs
                .iter()
                .filter_map(|(mode, run)| {
                    let candidate = run
                        .signatures
                        .get(i)
                        .filter(|r| r.id == verdict.report.id)?;
                    Some((*mode, candidate.clone()))
                })
                .filter(|(_, r)| {
                    score(r) > as_is && (r.valid || r.signature_value_valid == Some(true))
                })
                // The first (lightest) repair wins a tie.
                .fold(
                    None,
                    |best: Option<(WhitespaceMode, SignatureReport)>, candidate| match best {
                        Some(b) if score(&b.1) >= score(&candidate.1) => Some(b),
                        _ => Some(candidate),
                    },
                );
            let Some((mode, repaired)) = best else {
                continue;
            };
            verdict.repaired_references = verdict
                .report
                .references
                .iter()
                .zip(&repaired.references)
                .filter(|(before, after)| !before.valid && after.valid)
                .map(|(before, _)| before.uri.clone().unwrap_or_else(|| "(no URI)".into()))
                .collect();
            let name = verdict
                .report
                .id
                .clone()
                .unwrap_or_else(|| verdict.report.path.clone());
            let needing = if verdict.repaired_references.is_empty() {
                " (the SignedInfo needed it)".to_string()
            } else {
                format!(
                    "; references needing it: {}",
                    verdict.repaired_references.join(", ")
                )
            };
            // Where the signature's findings point (the received text).
            let at = Some(processed.received.to_received(verdict.report.span));
            if repaired.valid {
                findings.retain(|f| !(f.code == FindingCode::SignatureInvalid && f.span == at));
                let mut reindented = FindingCode::ReindentedCapture.finding_in(format!(
                        "signature {name} verifies only after undoing re-indentation ({}){needing}: the captured bytes are not what was signed",
                        mode.name()
                    ),
                    &processed.document,
                    verdict.report.span,
                );
                processed.received.relocate(&mut reindented);
                findings.push(reindented);
            } else {
                for f in findings
                    .iter_mut()
                    .filter(|f| f.code == FindingCode::SignatureInvalid && f.span == at)
                {
                    f.message = format!(
                        "signature {name}: its SignatureValue verifies after undoing re-indentation ({}){needing}, but it still fails: {}",
                        mode.name(),
                        repaired.error.as_deref().unwrap_or("invalid")
                    );
                }
            }
            verdict.whitespace_mode = mode;
            let key_source = verdict.key_source.clone();
            // Keep where the signature is in the message as captured.
            let (line, span, path) = (
                verdict.report.line,
                verdict.report.span,
                verdict.report.path.clone(),
            );
            let captured = std::mem::take(&mut verdict.report.references);
            verdict.report = SignatureReport {
                line,
                span,
                path,
                ..repaired
            };
            mark_reindented(&mut verdict.report.references, &captured, mode.name());
            verdict.key_source = key_source.or_else(|| {
                verdict
                    .report
                    .key
                    .as_ref()
                    .map(|k| format!("{}: {}", k.origin.describe(), k.description))
            });
        }
        // Coverage findings that only the re-indentation caused.
        for code in [
            FindingCode::BodyNotSigned,
            FindingCode::TimestampNotSigned,
            FindingCode::TimestampNotJudged,
            FindingCode::UnsignedKeyTransfer,
            FindingCode::UnsignedEncryptedKey,
        ] {
            let repaired_any = signatures
                .iter()
                .any(|s| s.whitespace_mode != WhitespaceMode::AsIs);
            if repaired_any
                && repaired_runs
                    .iter()
                    .any(|(_, run)| !run.findings.iter().any(|f| f.code == code))
            {
                findings.retain(|f| f.code != code);
            }
        }
    }
    findings.extend(audit_findings(&processed, message));
    let delegation = delegation_findings(&processed, options);
    if delegation.identity_established {
        findings.retain(|f| f.code != FindingCode::IdentityNotProven);
    }
    findings.extend(delegation.findings);
    let ok = signatures
        .iter()
        .all(|s| s.report.valid && s.whitespace_mode == WhitespaceMode::AsIs)
        && processed.encryptions.iter().all(|e| e.ok)
        && !findings.iter().any(|f| f.severity == Severity::Error);
    MessageResult {
        index,
        file: message.source_name.clone(),
        notes: message.notes.clone(),
        processed: Some(processed),
        signatures,
        findings,
        ok,
    }
}

/// The auditor's checks on the message (weak algorithms, unsigned CBC ciphertext, a missing
/// Timestamp, SAML audience); the message as received is parsed again only when CBC is used.
fn audit_findings(processed: &ProcessedMessage, message: &CapturedMessage) -> Vec<Finding> {
    let captured = uses_cbc(processed)
        .then(|| Document::parse(message.soap.clone(), message.source_name.clone()).ok())
        .flatten()
        .map(|mut d| {
            d.set_first_line(message.soap_first_line);
            d
        });
    message_findings(processed, captured.as_ref())
}

/// The target's delegation checks, as findings.
#[derive(Default)]
struct DelegationFindings {
    findings: Vec<Finding>,
    /// The token names the certificate that endorsed the request: that key the message
    /// carries is an identity.
    identity_established: bool,
}

/// A request carrying wskex's delegation token gets the target's checks too: each one a
/// finding, an error when it fails.
fn delegation_findings(
    processed: &ProcessedMessage,
    options: &ProcessOptions,
) -> DelegationFindings {
    let doc = &processed.document;
    let Some(token) = crate::delegation::DelegationToken::find(doc) else {
        return DelegationFindings::default();
    };
    // A token handed over in an RSTR body is not being used yet: nothing to check.
    if !token
        .node
        .ancestors()
        .any(|a| a.has_name(crate::ns::WSSE, "Security"))
    {
        return DelegationFindings::default();
    }
    let location = processed.received.locate(token.node);
    let checks = crate::delegation::target_checks(doc, &processed.signatures, options.now, None);
    let identity_established = crate::delegation::establishes_delegate_identity(&checks);
    let findings = checks
        .into_iter()
        .map(|c| {
            let code = if c.ok {
                FindingCode::DelegationCheckPassed
            } else {
                FindingCode::DelegationCheckFailed
            };
            code.finding(format!("{}: {}", c.name, c.reason), None)
                .at_location(location)
        })
        .collect();
    DelegationFindings {
        findings,
        identity_established,
    }
}

/// A message that does not parse: the finding points at the byte where the parser stopped
/// (offsets are in the envelope text, positions already in the file).
fn unparsable_finding(e: &crate::xml::XmlError, length: usize) -> Finding {
    let mut finding = FindingCode::Damaged.finding(
        format!("the message does not parse: {e}"),
        Some(e.position.line),
    );
    let start = e.position.offset.min(length);
    finding.column = Some(e.position.column);
    finding.span = Some(crate::xml::Span {
        start: start as u32,
        end: (start + 1).min(length) as u32,
    });
    finding
}
