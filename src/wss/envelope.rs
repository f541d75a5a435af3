//! The SOAP envelope around a message: its version, Header, Body and the `wsse:Security`
//! header blocks. Everything else a receiver does starts from here.

use crate::ns;
use crate::xml::{Document, Node, Position};

use super::header::SecurityHeader;
use super::problem::Problem;
use super::read::{stray_text, wsu_id};

/// The SOAP version, from the envelope's namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    Soap11,
    Soap12,
}

impl SoapVersion {
    pub fn from_namespace(namespace: &str) -> Option<SoapVersion> {
        match namespace {
            ns::SOAP11 => Some(SoapVersion::Soap11),
            ns::SOAP12 => Some(SoapVersion::Soap12),
            _ => None,
        }
    }

    pub fn namespace(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => ns::SOAP11,
            SoapVersion::Soap12 => ns::SOAP12,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "SOAP 1.1",
            SoapVersion::Soap12 => "SOAP 1.2",
        }
    }
}

/// The document is not a SOAP envelope (reported as one clear line, never a panic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position}: not a SOAP envelope: the document element is {found}")]
pub struct NotSoapEnvelope {
    pub position: Position,
    /// The expanded name of what was found instead.
    pub found: String,
}

/// A SOAP envelope as read: the version, the parts, and the Security headers in order.
#[derive(Debug, Clone)]
pub struct SoapEnvelope<'d> {
    pub node: Node<'d>,
    pub version: SoapVersion,
    pub header: Option<Node<'d>>,
    pub body: Option<Node<'d>>,
    /// The Body's `wsu:Id` (what a signature over the body references).
    pub body_id: Option<String>,
    /// Every `wsse:Security` header block, in document order.
    pub security: Vec<SecurityHeader<'d>>,
    /// `xenc:EncryptedData` standing in the envelope itself, where the Body (or Header) should
    /// be: the element itself was encrypted, which WS-Security forbids (a conformance finding,
    /// see [`super::conformance`], not a damaged message).
    pub encrypted_parts: Vec<Node<'d>>,
    pub problems: Vec<Problem>,
}

impl<'d> SoapEnvelope<'d> {
    /// Reads the document element as a SOAP envelope.
    pub fn read(doc: &'d Document) -> Result<SoapEnvelope<'d>, NotSoapEnvelope> {
        SoapEnvelope::read_element(doc.root_element())
    }

    /// Reads an element as a SOAP envelope (one that is not an Envelope is an error).
    pub fn read_element(node: Node<'d>) -> Result<SoapEnvelope<'d>, NotSoapEnvelope> {
        let version = SoapVersion::from_namespace(node.namespace())
            .filter(|_| node.local_name() == "Envelope")
            .ok_or_else(|| NotSoapEnvelope {
                position: node.position(),
                found: node.expanded_name(),
            })?;
        let mut problems = Vec::new();
        stray_text(node, &mut problems);
        let (header, body, encrypted_parts) = read_parts(node, version, &mut problems);
        let security = header.map_or_else(Vec::new, |h| read_security_headers(h, &mut problems));
        Ok(SoapEnvelope {
            node,
            version,
            header,
            body,
            body_id: body.and_then(wsu_id),
            security,
            encrypted_parts,
            problems,
        })
    }

    /// The first element inside the Body (the payload, or the EncryptedData replacing it).
    pub fn body_content(&self) -> Option<Node<'d>> {
        self.body.and_then(|b| b.child_elements().next())
    }

    /// The Security header meant for the ultimate receiver (no actor/role), if any.
    pub fn security_for_ultimate_receiver(&self) -> Option<&SecurityHeader<'d>> {
        self.security.iter().find(|s| s.is_for_ultimate_receiver())
    }

    /// The envelope's problems and those of every Security header, in document order.
    pub fn all_problems(&self) -> Vec<&Problem> {
        let mut all: Vec<&Problem> = self.problems.iter().collect();
        for s in &self.security {
            all.extend(s.all_problems());
        }
        all.sort_by_key(|p| p.position.offset);
        all
    }
}

/// The parts of an envelope: Header, Body, and EncryptedData standing in their place.
type Parts<'d> = (Option<Node<'d>>, Option<Node<'d>>, Vec<Node<'d>>);

/// Finds Header and Body, noting misplaced, repeated, foreign-version or extra children, and
/// a Body that was encrypted as a whole (its EncryptedData then stands in its place).
fn read_parts<'d>(
    envelope: Node<'d>,
    version: SoapVersion,
    problems: &mut Vec<Problem>,
) -> Parts<'d> {
    let mut header = None;
    let mut body = None;
    let mut encrypted = Vec::new();
    for child in envelope.child_elements() {
        let soap_child = SoapVersion::from_namespace(child.namespace());
        if let Some(v) = soap_child
            && v != version
        {
            problems.push(Problem::at(
                child,
                format!(
                    "{} is {} inside a {} envelope",
                    child.qname(),
                    v.label(),
                    version.label()
                ),
            ));
        }
        match (soap_child.is_some(), child.local_name()) {
            (true, "Header") if header.is_none() && body.is_none() => header = Some(child),
            (true, "Header") if body.is_some() => {
                problems.push(Problem::at(child, "Header after Body; ignored"))
            }
            (true, "Body") if body.is_none() => body = Some(child),
            (true, "Header" | "Body") => problems.push(Problem::at(
                child,
                format!("a second {}; ignored", child.qname()),
            )),
            _ if body.is_none() && child.has_name(ns::XENC, "EncryptedData") => {
                encrypted.push(child);
            }
            _ if body.is_some() && version == SoapVersion::Soap11 => {}
            _ => problems.push(Problem::at(
                child,
                format!("unexpected {} in the SOAP envelope", child.qname()),
            )),
        }
    }
    if body.is_none() && encrypted.is_empty() {
        problems.push(Problem::at(envelope, "the envelope has no Body"));
    }
    (header, body, encrypted)
}

/// Reads every `wsse:Security` block of the Header; several blocks for the same actor, or a
/// Security header in a pre-standard namespace, are problems.
fn read_security_headers<'d>(
    header: Node<'d>,
    problems: &mut Vec<Problem>,
) -> Vec<SecurityHeader<'d>> {
    let mut security: Vec<SecurityHeader<'d>> = Vec::new();
    for block in header.child_elements() {
        if block.local_name() != "Security" {
            continue;
        }
        if block.namespace() != ns::WSSE {
            if block.namespace().contains("secext") {
                problems.push(Problem::at(
                    block,
                    format!(
                        "Security header in the pre-standard namespace {}; not read",
                        block.namespace()
                    ),
                ));
            }
            continue;
        }
        let read = SecurityHeader::read(block);
        let same_actor = security.iter().any(|s| {
            s.actor == read.actor
                || (s.is_for_ultimate_receiver() && read.is_for_ultimate_receiver())
        });
        if same_actor {
            problems.push(Problem::at(
                block,
                format!(
                    "a second wsse:Security header for {} (WS-Security allows one per actor/role)",
                    read.actor.as_deref().unwrap_or("the ultimate receiver")
                ),
            ));
        }
        security.push(read);
    }
    security
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(soap_ns: &str, header: &str, body: &str) -> Document {
        let text = format!(
            r#"<s:Envelope xmlns:s="{soap_ns}" xmlns:wsse="{}" xmlns:wsu="{}"><s:Header>{header}</s:Header><s:Body wsu:Id="body-1">{body}</s:Body></s:Envelope>"#,
            ns::WSSE,
            ns::WSU
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn soap11_with_security() {
        let d = envelope(
            ns::SOAP11,
            r#"<wsse:Security s:mustUnderstand="1"/><other xmlns="urn:x"/>"#,
            "<payload/>",
        );
        let e = SoapEnvelope::read(&d).unwrap();
        assert_eq!(e.version, SoapVersion::Soap11);
        assert!(e.all_problems().is_empty(), "{:?}", e.all_problems());
        assert_eq!(e.body_id.as_deref(), Some("body-1"));
        assert_eq!(e.body_content().unwrap().local_name(), "payload");
        assert_eq!(e.security.len(), 1);
        assert_eq!(e.security[0].must_understand, Some(true));
        assert!(e.security_for_ultimate_receiver().is_some());
    }

    #[test]
    fn soap12_with_two_roles() {
        let d = envelope(
            ns::SOAP12,
            r#"<wsse:Security s:role="urn:hop" s:mustUnderstand="true"/><wsse:Security/>"#,
            "",
        );
        let e = SoapEnvelope::read(&d).unwrap();
        assert_eq!(e.version, SoapVersion::Soap12);
        assert!(e.all_problems().is_empty(), "{:?}", e.all_problems());
        assert_eq!(e.security.len(), 2);
        assert_eq!(e.security[0].actor.as_deref(), Some("urn:hop"));
        assert!(std::ptr::eq(
            e.security_for_ultimate_receiver().unwrap(),
            &e.security[1]
        ));
    }

    #[test]
    fn two_headers_for_one_actor_are_a_problem() {
        let d = envelope(ns::SOAP11, "<wsse:Security/><wsse:Security/>", "");
        let e = SoapEnvelope::read(&d).unwrap();
        assert_eq!(e.problems.len(), 1);
    }

    #[test]
    fn no_security_header_is_not_a_problem() {
        let d = envelope(ns::SOAP12, "", "<payload/>");
        let e = SoapEnvelope::read(&d).unwrap();
        assert!(e.security.is_empty());
        assert!(e.problems.is_empty());
    }

    #[test]
    fn not_an_envelope() {
        let d = Document::parse_str("<html><body/></html>", "t").unwrap();
        let err = SoapEnvelope::read(&d).unwrap_err();
        assert_eq!(err.found, "html");
        assert_eq!(
            err.to_string(),
            "1:1: not a SOAP envelope: the document element is html"
        );

        let d = Document::parse_str(
            r#"<Envelope xmlns="http://www.w3.org/2002/12/soap-envelope"/>"#,
            "t",
        )
        .unwrap();
        assert!(SoapEnvelope::read(&d).is_err());
        let d =
            Document::parse_str(&format!(r#"<s:Body xmlns:s="{}"/>"#, ns::SOAP11), "t").unwrap();
        assert!(SoapEnvelope::read(&d).is_err());
    }

    #[test]
    fn element_encrypted_body_is_explained() {
        let text = format!(
            r#"<s:Envelope xmlns:s="{}" xmlns:xenc="{}"><s:Header/><xenc:EncryptedData Id="ED"/></s:Envelope>"#,
            ns::SOAP11,
            ns::XENC
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let e = SoapEnvelope::read(&d).unwrap();
        assert!(e.body.is_none());
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        assert_eq!(e.encrypted_parts.len(), 1);
        assert_eq!(e.encrypted_parts[0].attribute("Id"), Some("ED"));
    }

    #[test]
    fn structural_problems() {
        let text = format!(
            r#"<s:Envelope xmlns:s="{}" xmlns:s11="{}" xmlns:old="http://schemas.xmlsoap.org/ws/2002/07/secext"><x/><s11:Header><old:Security/></s11:Header></s:Envelope>"#,
            ns::SOAP12,
            ns::SOAP11
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let e = SoapEnvelope::read(&d).unwrap();
        // <x/>, SOAP 1.1 Header in 1.2, no Body, pre-standard Security
        assert_eq!(e.problems.len(), 4, "{:?}", e.problems);
        assert!(e.header.is_some());
        assert!(e.body.is_none());
    }
}
