//! What the valid signatures of a message cover, and signature wrapping: a receiver must act
//! on the very element a valid signature covers. A validly signed Body, Timestamp,
//! WS-Addressing header or token found anywhere else than where the receiver reads it means
//! the signed original was moved (into a header block, the Security header, a `ds:Object`, a
//! new Body, after another envelope child, under a rebound prefix) and an unsigned element put
//! where the receiver looks: the classic XML signature wrapping attack.

use crate::dsig::SignatureReport;
use crate::ns;
use crate::xml::{Document, Node};

use super::Finding;
use super::actors::Addressee;
use super::finding_code::FindingCode;
use crate::wss::envelope::SoapEnvelope;

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
    /// The first Timestamp of the Security header for the ultimate receiver (else of the
    /// first processed header): the one freshness is judged on.
    pub timestamp: Option<Node<'d>>,
    /// The first Timestamp of each processed Security header (each role judges its own).
    pub timestamps: Vec<Node<'d>>,
    /// The first SOAP header of each WS-Addressing name (a second `wsa:To` is not read), and
    /// every `wsa:RelatesTo` (the one header WS-Addressing lets repeat).
    pub addressing: Vec<Node<'d>>,
    /// The processed Security headers (their tokens are registered), see [`super::actors`].
    pub security: Vec<Node<'d>>,
    /// WS-Trust header blocks (`wst:IssuedTokens`, an unsolicited RSTR or RSTRC): the tokens
    /// of their RSTRs are registered too.
    pub issued_tokens: Vec<Node<'d>>,
}

impl<'d> ActedOn<'d> {
    /// What a receiver processing every header it may be addressed by acts on.
    pub fn read(envelope: &SoapEnvelope<'d>) -> ActedOn<'d> {
        ActedOn::read_for(envelope, None)
    }

    /// What a receiver playing `actor` (see [`super::actors`]) acts on.
    pub fn read_for(envelope: &SoapEnvelope<'d>, actor: Option<&str>) -> ActedOn<'d> {
        let mut addressing: Vec<Node<'d>> = Vec::new();
        for child in envelope.header.iter().flat_map(|h| h.child_elements()) {
            let repeatable = child.local_name() == "RelatesTo";
            if is_addressing(child)
                && (repeatable
                    || !addressing
                        .iter()
                        .any(|a| a.has_name(child.namespace(), child.local_name())))
            {
                addressing.push(child);
            }
        }
        let processed: Vec<_> = super::actors::processed_headers(envelope, actor).collect();
        let first_timestamp =
            |h: &&crate::wss::header::SecurityHeader<'d>| h.timestamps().next().map(|t| t.node);
        let main = processed
            .iter()
            .find(|h| Addressee::of(h.actor.as_deref()) == Addressee::Receiver)
            .or(processed.first());
        ActedOn {
            body: envelope.body,
            timestamp: main.and_then(first_timestamp),
            timestamps: processed.iter().filter_map(first_timestamp).collect(),
            addressing,
            security: processed.iter().map(|h| h.node).collect(),
            issued_tokens: envelope
                .header
                .iter()
                .flat_map(|h| h.child_elements())
                .filter(|c| {
                    ns::is_wst(c.namespace())
                        && matches!(
                            c.local_name(),
                            "IssuedTokens"
                                | "RequestSecurityTokenResponse"
                                | "RequestSecurityTokenResponseCollection"
                        )
                })
                .collect(),
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
        if signed.has_name(ns::WSU, "Timestamp")
            && !self.timestamps.iter().any(|t| t.id() == signed.id())
        {
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
        let in_processed_header = self
            .security
            .iter()
            .chain(&self.issued_tokens)
            .any(|h| h.contains(signed));
        if is_token(signed) && (in_object || !(in_processed_header || under(self.body))) {
            return Some(
                "the receiver takes tokens from its own Security header, WS-Trust header blocks and the Body only".into(),
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
            findings.push(FindingCode::SignatureWrapping.finding_at(
                format!(
                    "a valid signature covers {} at line {} ({}), but {why}: the signed element was moved and another put in its place",
                    signed.qname(),
                    signed.position().line,
                    signed.path()
                ),
                *signed,
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An envelope with `header` inside its Header (after an empty ultimate-receiver Security
    /// header holding `security`) and `body` inside its Body.
    fn envelope(header: &str, security: &str, body: &str) -> Document {
        let text = format!(
            r#"<s:Envelope xmlns:s="{}" xmlns:wsse="{}" xmlns:wsu="{}" xmlns:a="{}" xmlns:a4="{WSA_2004}" xmlns:ds="{}"><s:Header>{header}<wsse:Security>{security}</wsse:Security></s:Header><s:Body wsu:Id="B">{body}</s:Body></s:Envelope>"#,
            ns::SOAP12,
            ns::WSSE,
            ns::WSU,
            ns::WSA,
            ns::DS
        );
        Document::parse_str(&text, "t").unwrap()
    }

    /// The wrapping findings when exactly the elements carrying `signed="yes"` are signed.
    fn findings_when_signed(doc: &Document) -> Vec<Finding> {
        let envelope = SoapEnvelope::read(doc).unwrap();
        let coverage = Coverage {
            signed: doc
                .descendants()
                .filter(|n| n.attribute("signed") == Some("yes"))
                .collect(),
        };
        assert!(!coverage.signed.is_empty(), "the test signs something");
        wrapping_findings(&ActedOn::read(&envelope), &coverage)
    }

    #[test]
    fn signed_addressing_headers_the_receiver_reads_are_not_wrapping() {
        for prefix in ["a", "a4"] {
            let doc = envelope(
                &format!(
                    "<{prefix}:To signed=\"yes\">urn:bob</{prefix}:To><{prefix}:ReplyTo><{prefix}:Address signed=\"yes\">urn:alice</{prefix}:Address></{prefix}:ReplyTo><{prefix}:RelatesTo signed=\"yes\">urn:1</{prefix}:RelatesTo><{prefix}:RelatesTo signed=\"yes\">urn:2</{prefix}:RelatesTo>"
                ),
                "",
                "",
            );
            assert!(findings_when_signed(&doc).is_empty(), "{prefix}");
        }
    }

    #[test]
    fn a_signed_addressing_header_moved_aside_is_wrapping_in_both_namespaces() {
        for prefix in ["a", "a4"] {
            // An unsigned To first (the receiver reads it), the signed one second.
            let second = envelope(
                &format!(
                    "<{prefix}:To>urn:mallory</{prefix}:To><{prefix}:To signed=\"yes\">urn:bob</{prefix}:To>"
                ),
                "",
                "",
            );
            // The signed Action inside an attacker's header block.
            let wrapped = envelope(
                &format!(
                    "<{prefix}:Action>urn:evil</{prefix}:Action><x:W xmlns:x=\"urn:x\"><{prefix}:Action signed=\"yes\">urn:good</{prefix}:Action></x:W>"
                ),
                "",
                "",
            );
            // The signed To in the Security header.
            let in_security = envelope(
                &format!("<{prefix}:To>urn:mallory</{prefix}:To>"),
                &format!("<{prefix}:To signed=\"yes\">urn:bob</{prefix}:To>"),
                "",
            );
            for (name, doc) in [
                ("second", second),
                ("wrapped", wrapped),
                ("security", in_security),
            ] {
                let findings = findings_when_signed(&doc);
                assert_eq!(findings.len(), 1, "{prefix} {name}: {findings:?}");
                assert_eq!(findings[0].code, "signature-wrapping");
                assert_eq!(findings[0].severity, crate::receive::Severity::Error);
            }
        }
    }

    #[test]
    fn signed_tokens_count_only_where_the_receiver_takes_them() {
        let token =
            r#"<wsse:BinarySecurityToken wsu:Id="T" signed="yes">AA==</wsse:BinarySecurityToken>"#;
        let in_header = envelope("", token, "");
        assert!(findings_when_signed(&in_header).is_empty());
        let in_object = envelope(
            "",
            &format!(
                "<wsse:BinarySecurityToken>AA==</wsse:BinarySecurityToken><ds:Signature><ds:Object>{token}</ds:Object></ds:Signature>"
            ),
            "",
        );
        let elsewhere = envelope(&format!("<x:W xmlns:x=\"urn:x\">{token}</x:W>"), "", "");
        for (name, doc) in [("ds:Object", in_object), ("header block", elsewhere)] {
            let findings = findings_when_signed(&doc);
            assert_eq!(findings.len(), 1, "{name}: {findings:?}");
            assert_eq!(findings[0].code, "signature-wrapping");
        }
    }

    #[test]
    fn a_signed_timestamp_outside_the_security_header_is_wrapping() {
        let signed = r#"<wsu:Timestamp signed="yes"><wsu:Created>2026-01-01T00:00:00Z</wsu:Created></wsu:Timestamp>"#;
        let genuine = envelope("", signed, "");
        assert!(findings_when_signed(&genuine).is_empty());
        let moved = envelope(
            &format!("<x:W xmlns:x=\"urn:x\">{signed}</x:W>"),
            "<wsu:Timestamp><wsu:Created>2027-01-01T00:00:00Z</wsu:Created></wsu:Timestamp>",
            "",
        );
        let findings = findings_when_signed(&moved);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].message.contains("Timestamp"));
    }

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
