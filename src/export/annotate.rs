//! Where a message gets its comments and what they say: before each token, signature,
//! reference target and encrypted part, and once before the root element for the message as a
//! whole.
//!
//! Positions are start tags of the *received* document, so a comment only ever stands between
//! tags. Two places are never annotated: inside `ds:SignedInfo` (its canonical form is what the
//! signature value covers) and inside a subtree that a comment-keeping reference covers (an
//! `#xpointer(...)` URI keeps comments in its digest); bare-name and empty URIs drop comments
//! before canonicalization, so comments elsewhere leave every digest as it was.

use std::collections::BTreeMap;

use crate::audit::conversation::MessageResult;
use crate::dsig::SignatureReport;
use crate::ns;
use crate::receive::Severity;
use crate::receive::keys::Keyring;
use crate::xml::{Document, IdAttributes, IdIndex, IdLookup, Node, NodeId};

/// What to say about a message as a whole (the header comment).
pub struct MessageHeading<'a> {
    pub pattern: &'a str,
    pub position: usize,
    pub count: usize,
}

/// Comment parts keyed by the byte offset of the start tag they precede.
pub type Annotations = BTreeMap<usize, Vec<String>>;

/// The annotations of one received message.
pub fn annotations(
    received: &Document,
    result: &MessageResult,
    keyring: &Keyring,
    heading: &MessageHeading<'_>,
    id_attributes: &IdAttributes,
    reveal: bool,
) -> Annotations {
    let ids = received.id_index(id_attributes);
    let reports: Vec<&SignatureReport> = result.signatures.iter().map(|s| &s.report).collect();
    let forbidden = forbidden_subtrees(received, &reports, &ids);
    let root = received.root_element().id();
    // `#xpointer(/)` keeps the comments around the root element too.
    let whole_document = forbidden.contains(&root);
    let mut notes = Annotations::new();
    let mut add = |node: Node<'_>, text: String| {
        let blocked = (whole_document && node.id() == root)
            || forbidden.iter().any(|f| inside(received, *f, node));
        if node.is_element() && !blocked {
            notes
                .entry(node.span().start as usize)
                .or_default()
                .push(text);
        }
    };
    add(received.root_element(), heading_text(result, heading));
    let mut signature_seen: BTreeMap<u32, usize> = BTreeMap::new();
    let signature_nodes: Vec<Node<'_>> = received
        .descendants()
        .filter(|n| n.has_name(ns::DS, "Signature"))
        .collect();
    for report in reports.iter().copied() {
        let node = signature_node(
            &signature_nodes,
            report,
            &ids,
            received,
            &mut signature_seen,
        );
        if let Some(node) = node {
            add(node, signature_text(report));
        }
        for reference in &report.references {
            let Some(id) = reference.uri.as_deref().and_then(|u| u.strip_prefix('#')) else {
                continue;
            };
            if let IdLookup::Unique(target) = ids.lookup(id) {
                let verdict = if reference.valid {
                    "digest matches".to_string()
                } else {
                    format!(
                        "FAILED: {}",
                        reference.error.as_deref().unwrap_or("invalid")
                    )
                };
                add(
                    received.node(target),
                    format!(
                        "signed by {} (reference #{id}): {verdict}",
                        report.id.as_deref().unwrap_or("a signature")
                    ),
                );
            }
        }
    }
    for token in result.tokens() {
        let Some(IdLookup::Unique(node)) = token.id.as_deref().map(|id| ids.lookup(id)) else {
            continue;
        };
        let mut text = format!("token {}: {}", token.kind, token.detail);
        if let Some(key) = token.key.as_deref() {
            text.push_str(&format!("; key {}", key_text(keyring, key, reveal)));
        }
        add(received.node(node), text);
    }
    for part in result.encryptions() {
        let Some(IdLookup::Unique(node)) = part.id.as_deref().map(|id| ids.lookup(id)) else {
            continue;
        };
        let verdict = if part.ok {
            format!(
                "decrypted {}, {} bytes",
                part.target,
                part.plaintext_length.unwrap_or(0)
            )
        } else {
            format!("NOT decrypted: {}", part.error.as_deref().unwrap_or("?"))
        };
        let key = part
            .key
            .as_deref()
            .map(|k| format!(" with key {}", key_text(keyring, k, reveal)))
            .unwrap_or_default();
        add(
            received.node(node),
            format!(
                "encrypted part ({}, {}){key}: {verdict}",
                part.data_type,
                part.algorithm.name()
            ),
        );
    }
    notes
}

fn heading_text(result: &MessageResult, heading: &MessageHeading<'_>) -> String {
    let mut text = format!(
        "message {} of {} | pattern {} | verdict {}",
        heading.position,
        heading.count,
        heading.pattern,
        if result.ok { "ok" } else { "CHECKS FAILED" }
    );
    for f in &result.findings {
        let severity = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let line = match (f.line, f.column) {
            (Some(l), Some(c)) => format!(" (line {l}:{c})"),
            (Some(l), None) => format!(" (line {l})"),
            _ => String::new(),
        };
        text.push_str(&format!(" | {severity} [{}]{line}: {}", f.code, f.message));
    }
    text
}

fn signature_text(report: &SignatureReport) -> String {
    let method = report.signature_method.name();
    let key = report
        .key
        .as_ref()
        .map(|k| format!(", key {}", k.description))
        .unwrap_or_default();
    let verdict = if report.valid {
        "valid".to_string()
    } else {
        format!("INVALID: {}", report.error.as_deref().unwrap_or("invalid"))
    };
    format!(
        "signature {} ({method}{key}) over {} reference(s): {verdict}",
        report.id.as_deref().unwrap_or("(no Id)"),
        report.references.len()
    )
}

/// A key by its ledger name with its formula; the value only when revealed.
fn key_text(keyring: &Keyring, name: &str, reveal: bool) -> String {
    let Some(record) = keyring.by_name(name).map(|id| keyring.get(id)) else {
        return name.to_string();
    };
    let value = if reveal {
        hex::encode(record.bytes.expose())
    } else {
        "(value masked; --reveal-secrets shows it)".to_string()
    };
    format!(
        "{} [{} bits] {value}",
        record.describe(),
        record.length_bits()
    )
}

/// The signature element a report is about: by id, or else the n-th signature on its line.
fn signature_node<'d>(
    nodes: &[Node<'d>],
    report: &SignatureReport,
    ids: &IdIndex,
    doc: &'d Document,
    seen: &mut BTreeMap<u32, usize>,
) -> Option<Node<'d>> {
    if let Some(id) = report.id.as_deref() {
        return match ids.lookup(id) {
            IdLookup::Unique(node) => Some(doc.node(node)),
            _ => None,
        };
    }
    let nth = seen.entry(report.line).or_insert(0);
    let node = nodes
        .iter()
        .filter(|n| n.position().line == report.line && n.attribute("Id").is_none())
        .nth(*nth)
        .copied();
    *nth += 1;
    node
}

/// Subtrees no comment may enter: every ds:SignedInfo, and the targets of references whose
/// digest keeps comments.
fn forbidden_subtrees(doc: &Document, reports: &[&SignatureReport], ids: &IdIndex) -> Vec<NodeId> {
    let mut forbidden: Vec<NodeId> = doc
        .descendants()
        .filter(|n| n.has_name(ns::DS, "SignedInfo"))
        .map(|n| n.id())
        .collect();
    for reference in reports.iter().flat_map(|r| &r.references) {
        let Some(uri) = reference.uri.as_deref() else {
            continue;
        };
        if let Some(pointer) = uri.strip_prefix("#xpointer(") {
            let id = pointer
                .strip_prefix("id('")
                .and_then(|p| p.split('\'').next());
            match id.map(|id| ids.lookup(id)) {
                Some(IdLookup::Unique(node)) => forbidden.push(node),
                // `#xpointer(/)` or an id that does not resolve: the whole document.
                _ => forbidden.push(doc.root_element().id()),
            }
        }
    }
    forbidden
}

/// Whether `node` lies strictly inside the subtree of `root` (a comment before `root` itself
/// is outside it).
fn inside(doc: &Document, root: NodeId, node: Node<'_>) -> bool {
    let root = doc.node(root);
    root.id() != node.id() && root.contains(node)
}
