//! What the valid signatures of a message cover, and signature wrapping: a receiver must act
//! on the very element a valid signature covers. A validly signed Body, Timestamp,
//! WS-Addressing header or token found anywhere else than where the receiver reads it means
//! the signed original was moved (into a header block, the Security header, a `ds:Object`, a
//! new Body, after another envelope child, under a rebound prefix) and an unsigned element put
//! where the receiver looks: the classic XML signature wrapping attack.

use crate::dsig::SignatureReport;
use crate::ns;
use crate::xml::{Document, Node};

use super::envelope::SoapEnvelope;
use super::finding_code::FindingCode;
use super::processor::Finding;

/// WS-Addressing's member submission namespace (2004/08), still sent by older stacks.
pub const WSA_2004: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing";

/// The elements the valid references of the valid signatures resolve to.
pub struct Coverage<'d> {
    signed: Vec<Node<'d>>,
}

impl<'d> Coverage<'d> {
    /// Collects the targets of every valid reference of every valid signature, found again in
    /// `doc` (the message as processed, decrypted parts spliced in) by their reported paths.
    pub fn of(doc: &'d Document, signatures: &[SignatureReport]) -> Coverage<'d> {
        let signed = signatures
            .iter()
            .filter(|s| s.valid)
            .flat_map(|s| s.references.iter())
            .filter(|r| r.valid)
            .filter_map(|r| r.target.as_deref())
            .filter_map(|path| element_by_path(doc, path))
            .collect();
        Coverage { signed }
    }

    /// The signed elements themselves (not their descendants).
    pub fn signed(&self) -> &[Node<'d>] {
        &self.signed
    }

    /// Whether a valid signature covers `node`, itself or through an ancestor.
    pub fn covers(&self, node: Node<'_>) -> bool {
        self.signed
            .iter()
            .any(|s| s.id() == node.id() || s.contains(node))
    }
}

/// The element a report's path (`/s:Envelope/s:Header/wsse:Security[2]/wsu:Timestamp`) names.
pub fn element_by_path<'d>(doc: &'d Document, path: &str) -> Option<Node<'d>> {
    let mut steps = path.strip_prefix('/')?.split('/');
    let mut at = {
        let (name, index) = split_step(steps.next()?)?;
        let root = doc.root_element();
        (root.qname() == name && index == 1).then_some(root)?
    };
    for step in steps {
        let (name, index) = split_step(step)?;
        at = at
            .child_elements()
            .filter(|c| c.qname() == name)
            .nth(index.checked_sub(1)?)?;
    }
    Some(at)
}

/// `wsse:Security[2]` -> (`wsse:Security`, 2); `s:Body` -> (`s:Body`, 1).
fn split_step(step: &str) -> Option<(&str, usize)> {
    match step.strip_suffix(']').and_then(|s| s.split_once('[')) {
        Some((name, index)) => Some((name, index.parse().ok()?)),
        None => Some((step, 1)),
    }
}

/// What the receiver acts on, read from the processed message.
pub struct ActedOn<'d> {
    pub body: Option<Node<'d>>,
    /// The first Timestamp of the Security header for the ultimate receiver.
    pub timestamp: Option<Node<'d>>,
    /// The first SOAP header of each WS-Addressing name (a second `wsa:To` is not read).
    pub addressing: Vec<Node<'d>>,
    /// The Security header for the ultimate receiver (its tokens are registered).
    pub security: Option<Node<'d>>,
}

impl<'d> ActedOn<'d> {
    pub fn read(envelope: &SoapEnvelope<'d>) -> ActedOn<'d> {
        let mut addressing: Vec<Node<'d>> = Vec::new();
        for child in envelope.header.iter().flat_map(|h| h.child_elements()) {
            if is_addressing(child)
                && !addressing
                    .iter()
                    .any(|a| a.has_name(child.namespace(), child.local_name()))
            {
                addressing.push(child);
            }
        }
        let security = envelope.security_for_ultimate_receiver();
        ActedOn {
            body: envelope.body,
            timestamp: security.and_then(|h| h.timestamps().next().map(|t| t.node)),
            addressing,
            security: security.map(|h| h.node),
        }
    }

    /// Why a signed element is not the one the receiver acts on, when it is not.
    fn misplaced(&self, signed: Node<'_>) -> Option<String> {
        let same = |acted: Option<Node<'_>>| acted.is_some_and(|a| a.id() == signed.id());
        let under = |outer: Option<Node<'_>>| outer.is_some_and(|o| o.contains(signed));
        let acted_line = |acted: Option<Node<'_>>| {
            acted.map_or("none".to_string(), |a| {
                format!("line {}", a.position().line)
            })
        };
        if signed.local_name() == "Body" && !same(self.body) {
            return Some(format!(
                "the receiver reads the SOAP Body at {}",
                acted_line(self.body)
            ));
        }
        if signed.has_name(ns::WSU, "Timestamp") && !same(self.timestamp) {
            return Some(format!(
                "the receiver judges the Timestamp at {}",
                acted_line(self.timestamp)
            ));
        }
        if is_addressing(signed)
            && !self
                .addressing
                .iter()
                .any(|a| a.id() == signed.id() || a.contains(signed))
            && !under(self.body)
        {
            let acted = self
                .addressing
                .iter()
                .find(|a| a.has_name(signed.namespace(), signed.local_name()))
                .copied();
            return Some(format!(
                "the receiver reads the {} header at {}",
                signed.local_name(),
                acted_line(acted)
            ));
        }
        let in_object = signed.ancestors().any(|a| a.has_name(ns::DS, "Object"));
        if is_token(signed) && (in_object || !(under(self.security) || under(self.body))) {
            return Some(
                "the receiver takes tokens from its own Security header and the Body only".into(),
            );
        }
        None
    }
}

fn is_addressing(node: Node<'_>) -> bool {
    matches!(node.namespace(), ns::WSA | WSA_2004)
}

/// Elements a receiver takes keys or identities from.
fn is_token(node: Node<'_>) -> bool {
    matches!(
        (node.namespace(), node.local_name()),
        (ns::WSSE, "BinarySecurityToken" | "UsernameToken")
            | (ns::XENC, "EncryptedKey")
            | (
                ns::WSC | ns::WSC_2005,
                "SecurityContextToken" | "DerivedKeyToken"
            )
            | (ns::SAML1 | ns::SAML2, "Assertion")
    )
}

/// A `signature-wrapping` error for every validly signed element of a kind the receiver acts
/// on that is not the element it acts on.
pub fn wrapping_findings(acted: &ActedOn<'_>, coverage: &Coverage<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for signed in coverage.signed() {
        if let Some(why) = acted.misplaced(*signed) {
            findings.push(FindingCode::SignatureWrapping.finding(
                format!(
                    "a valid signature covers {} at line {} ({}), but {why}: the signed element was moved and another put in its place",
                    signed.qname(),
                    signed.position().line,
                    signed.path()
                ),
                Some(signed.position().line),
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_their_element_again() {
        let doc = Document::parse_str(
            "<a:E xmlns:a=\"urn:a\"><a:H/><a:H><b:X xmlns:b=\"urn:b\"/></a:H><a:B/></a:E>",
            "t",
        )
        .unwrap();
        for node in doc.descendants().filter(|n| n.is_element()) {
            let found = element_by_path(&doc, &node.path()).expect("found");
            assert_eq!(found.id(), node.id(), "{}", node.path());
        }
        assert!(element_by_path(&doc, "/a:E/a:H[3]").is_none());
        assert!(element_by_path(&doc, "/a:E/a:H[0]").is_none());
        assert!(element_by_path(&doc, "relative").is_none());
    }
}
