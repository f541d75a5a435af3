//! SAML 1.1 and 2.0 assertions as security tokens: an issuer (often an STS) vouches for a
//! subject and, for holder-of-key, names the key the presenter must prove (ds:KeyInfo in the
//! SubjectConfirmation). That key is how brokered and delegated key transfer bind a key to a
//! token, so the reader extracts it along with the assertion's own signature.

use crate::ns;
use crate::xml::Node;

use crate::wss::problem::Problem;
use crate::wss::read::{attribute, trimmed_text, unique_child};

/// Which SAML an assertion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SamlVersion {
    /// `urn:oasis:names:tc:SAML:1.0:assertion` with MinorVersion 0.
    V1_0,
    /// `urn:oasis:names:tc:SAML:1.0:assertion` with MinorVersion 1 (the namespace is shared).
    V1_1,
    /// `urn:oasis:names:tc:SAML:2.0:assertion`.
    V2_0,
}

/// How the presenter of an assertion must show it is the subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmationMethod {
    /// Prove possession of the key in the confirmation's KeyInfo.
    HolderOfKey,
    /// The sender (who signs the message) vouches for the subject.
    SenderVouches,
    /// Whoever presents the assertion.
    Bearer,
    Other(String),
}

impl ConfirmationMethod {
    pub fn classify(uri: &str) -> ConfirmationMethod {
        match uri {
            "urn:oasis:names:tc:SAML:1.0:cm:holder-of-key"
            | "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key" => ConfirmationMethod::HolderOfKey,
            "urn:oasis:names:tc:SAML:1.0:cm:sender-vouches"
            | "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches" => ConfirmationMethod::SenderVouches,
            "urn:oasis:names:tc:SAML:1.0:cm:bearer" | "urn:oasis:names:tc:SAML:2.0:cm:bearer" => {
                ConfirmationMethod::Bearer
            }
            other => ConfirmationMethod::Other(other.to_string()),
        }
    }
}

/// One `SubjectConfirmation`: the method(s) and the key the subject must prove.
#[derive(Debug, Clone)]
pub struct SubjectConfirmation<'d> {
    pub node: Node<'d>,
    /// Method URIs as written (SAML 1.1 may list several ConfirmationMethods).
    pub methods: Vec<String>,
    pub kinds: Vec<ConfirmationMethod>,
    /// The `ds:KeyInfo` naming the holder-of-key key (SAML 1.1: in SubjectConfirmation;
    /// SAML 2.0: in SubjectConfirmationData).
    pub key_info: Option<Node<'d>>,
}

/// A `saml:Assertion` (1.x) or `saml2:Assertion` used as a security token.
#[derive(Debug, Clone)]
pub struct SamlAssertion<'d> {
    pub node: Node<'d>,
    pub version: SamlVersion,
    /// `AssertionID` (1.x) or `ID` (2.0): what KeyIdentifiers of the SAML kinds point at.
    pub id: Option<String>,
    /// The issuer: an attribute in 1.x, an element in 2.0.
    pub issuer: Option<String>,
    pub issue_instant: Option<String>,
    /// `NameIdentifier` (1.x) or `NameID` (2.0) of the (first) subject.
    pub subject_name: Option<String>,
    pub confirmations: Vec<SubjectConfirmation<'d>>,
    pub not_before: Option<String>,
    pub not_on_or_after: Option<String>,
    /// The assertion's own enveloped `ds:Signature`, when the issuer signed it.
    pub signature: Option<Node<'d>>,
    pub problems: Vec<Problem>,
}

impl<'d> SamlAssertion<'d> {
    /// Reads a SAML 1.x or 2.0 assertion. An element in neither namespace is read as 2.0 with
    /// a problem.
    pub fn read(node: Node<'d>) -> SamlAssertion<'d> {
        if node.namespace() == ns::SAML1 {
            read_saml1(node)
        } else {
            read_saml2(node)
        }
    }

    /// True when a subject confirmation is holder-of-key.
    pub fn is_holder_of_key(&self) -> bool {
        self.confirmations
            .iter()
            .any(|c| c.kinds.contains(&ConfirmationMethod::HolderOfKey))
    }
}

fn read_saml1(node: Node<'_>) -> SamlAssertion<'_> {
    let mut problems = Vec::new();
    let version = match node.attribute("MinorVersion").map(str::trim) {
        Some("0") => SamlVersion::V1_0,
        Some("1") => SamlVersion::V1_1,
        other => {
            problems.push(Problem::at(
                node,
                format!("SAML 1.x assertion with MinorVersion {other:?}; read as SAML 1.1"),
            ));
            SamlVersion::V1_1
        }
    };
    let id = attribute(node, "AssertionID");
    if id.is_none() {
        problems.push(Problem::at(node, "SAML assertion has no AssertionID"));
    }
    let issuer = attribute(node, "Issuer");
    if issuer.is_none() {
        problems.push(Problem::at(node, "SAML assertion has no Issuer"));
    }
    let is_saml1 = |n: &str| n == ns::SAML1;
    let conditions = unique_child(node, is_saml1, "Conditions", &mut problems);
    // The subject is repeated inside each statement in SAML 1.x.
    let subjects: Vec<Node<'_>> = node
        .child_elements()
        .filter(|s| s.namespace() == ns::SAML1)
        .filter_map(|statement| statement.child(ns::SAML1, "Subject"))
        .collect();
    let subject_name = subjects
        .iter()
        .find_map(|s| s.child(ns::SAML1, "NameIdentifier"))
        .map(trimmed_text);
    let confirmations = subjects
        .iter()
        .filter_map(|s| s.child(ns::SAML1, "SubjectConfirmation"))
        .map(|c| {
            let methods: Vec<String> = c
                .child_elements()
                .filter(|m| m.has_name(ns::SAML1, "ConfirmationMethod"))
                .map(trimmed_text)
                .collect();
            if methods.is_empty() {
                problems.push(Problem::at(
                    c,
                    "SubjectConfirmation has no ConfirmationMethod",
                ));
            }
            SubjectConfirmation {
                node: c,
                kinds: methods
                    .iter()
                    .map(|m| ConfirmationMethod::classify(m))
                    .collect(),
                methods,
                key_info: c.child(ns::DS, "KeyInfo"),
            }
        })
        .collect();
    complete(
        SamlAssertion {
            node,
            version,
            id,
            issuer,
            issue_instant: None,
            subject_name,
            confirmations,
            not_before: None,
            not_on_or_after: None,
            signature: None,
            problems,
        },
        conditions,
    )
}

fn read_saml2(node: Node<'_>) -> SamlAssertion<'_> {
    let mut problems = Vec::new();
    if node.namespace() != ns::SAML2 {
        problems.push(Problem::at(
            node,
            format!(
                "{} is not a SAML assertion; read as SAML 2.0",
                node.expanded_name()
            ),
        ));
    }
    if node.attribute("Version").map(str::trim) != Some("2.0") {
        problems.push(Problem::at(
            node,
            "SAML 2.0 assertion without Version=\"2.0\"",
        ));
    }
    let id = attribute(node, "ID");
    if id.is_none() {
        problems.push(Problem::at(node, "SAML 2.0 assertion has no ID"));
    }
    let is_saml2 = |n: &str| n == ns::SAML2;
    let issuer = unique_child(node, is_saml2, "Issuer", &mut problems).map(trimmed_text);
    if issuer.is_none() {
        problems.push(Problem::at(node, "SAML 2.0 assertion has no saml2:Issuer"));
    }
    let conditions = unique_child(node, is_saml2, "Conditions", &mut problems);
    let subject = unique_child(node, is_saml2, "Subject", &mut problems);
    let subject_name = subject
        .and_then(|s| s.child(ns::SAML2, "NameID"))
        .map(trimmed_text);
    let confirmations = subject
        .into_iter()
        .flat_map(|s| s.child_elements())
        .filter(|c| c.has_name(ns::SAML2, "SubjectConfirmation"))
        .map(|c| {
            let methods: Vec<String> = attribute(c, "Method").into_iter().collect();
            if methods.is_empty() {
                problems.push(Problem::at(c, "SubjectConfirmation has no Method"));
            }
            SubjectConfirmation {
                node: c,
                kinds: methods
                    .iter()
                    .map(|m| ConfirmationMethod::classify(m))
                    .collect(),
                methods,
                key_info: c
                    .child(ns::SAML2, "SubjectConfirmationData")
                    .and_then(|data| data.child(ns::DS, "KeyInfo")),
            }
        })
        .collect();
    complete(
        SamlAssertion {
            node,
            version: SamlVersion::V2_0,
            id,
            issuer,
            issue_instant: None,
            subject_name,
            confirmations,
            not_before: None,
            not_on_or_after: None,
            signature: None,
            problems,
        },
        conditions,
    )
}

/// The parts both versions share: issue instant, conditions, the assertion's signature, and
/// the holder-of-key check.
fn complete<'d>(mut a: SamlAssertion<'d>, conditions: Option<Node<'d>>) -> SamlAssertion<'d> {
    for c in &a.confirmations {
        if c.kinds.contains(&ConfirmationMethod::HolderOfKey) && c.key_info.is_none() {
            a.problems.push(Problem::at(
                c.node,
                "holder-of-key SubjectConfirmation without ds:KeyInfo: no key to prove",
            ));
        }
    }
    a.signature = unique_child(a.node, |n| n == ns::DS, "Signature", &mut a.problems);
    a.issue_instant = attribute(a.node, "IssueInstant");
    a.not_before = conditions.and_then(|c| attribute(c, "NotBefore"));
    a.not_on_or_after = conditions.and_then(|c| attribute(c, "NotOnOrAfter"));
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    #[test]
    fn saml11_holder_of_key() {
        let text = format!(
            r#"<saml1:Assertion xmlns:saml1="{}" xmlns:ds="{}" AssertionID="a-1" Issuer="SAMPLE_STS" IssueInstant="2024-10-30T20:19:20.623Z" MajorVersion="1" MinorVersion="1"><saml1:Conditions NotBefore="2024-10-30T20:19:20.579Z" NotOnOrAfter="2024-10-30T20:24:20.579Z"/><saml1:AttributeStatement><saml1:Subject><saml1:NameIdentifier>CN=Sample Client</saml1:NameIdentifier><saml1:SubjectConfirmation><saml1:ConfirmationMethod>urn:oasis:names:tc:SAML:1.0:cm:holder-of-key</saml1:ConfirmationMethod><ds:KeyInfo><ds:KeyName>k</ds:KeyName></ds:KeyInfo></saml1:SubjectConfirmation></saml1:Subject></saml1:AttributeStatement><ds:Signature/></saml1:Assertion>"#,
            ns::SAML1,
            ns::DS
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let a = SamlAssertion::read(d.root_element());
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert_eq!(a.version, SamlVersion::V1_1);
        assert_eq!(a.id.as_deref(), Some("a-1"));
        assert_eq!(a.issuer.as_deref(), Some("SAMPLE_STS"));
        assert_eq!(a.subject_name.as_deref(), Some("CN=Sample Client"));
        assert_eq!(
            a.not_on_or_after.as_deref(),
            Some("2024-10-30T20:24:20.579Z")
        );
        assert!(a.is_holder_of_key());
        assert_eq!(a.confirmations[0].key_info.unwrap().local_name(), "KeyInfo");
        assert!(a.signature.is_some());
    }

    #[test]
    fn saml20_holder_of_key() {
        let text = format!(
            r#"<saml2:Assertion xmlns:saml2="{}" xmlns:ds="{}" ID="_a75adf55" IssueInstant="2024-01-01T00:00:00Z" Version="2.0"><saml2:Issuer>https://sts.example</saml2:Issuer><saml2:Subject><saml2:NameID>bob</saml2:NameID><saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"><saml2:SubjectConfirmationData><ds:KeyInfo><ds:KeyName>k</ds:KeyName></ds:KeyInfo></saml2:SubjectConfirmationData></saml2:SubjectConfirmation><saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"/></saml2:Subject></saml2:Assertion>"#,
            ns::SAML2,
            ns::DS
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let a = SamlAssertion::read(d.root_element());
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert_eq!(a.version, SamlVersion::V2_0);
        assert_eq!(a.id.as_deref(), Some("_a75adf55"));
        assert_eq!(a.issuer.as_deref(), Some("https://sts.example"));
        assert_eq!(a.subject_name.as_deref(), Some("bob"));
        assert_eq!(a.confirmations.len(), 2);
        assert_eq!(
            a.confirmations[0].kinds,
            vec![ConfirmationMethod::HolderOfKey]
        );
        assert!(a.confirmations[0].key_info.is_some());
        assert_eq!(a.confirmations[1].kinds, vec![ConfirmationMethod::Bearer]);
        assert!(a.signature.is_none());
    }

    #[test]
    fn missing_parts_are_problems() {
        let text = format!(
            r#"<saml2:Assertion xmlns:saml2="{}"><saml2:Subject><saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"/></saml2:Subject></saml2:Assertion>"#,
            ns::SAML2
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let a = SamlAssertion::read(d.root_element());
        // no Version, no ID, no Issuer, holder-of-key without a key
        assert_eq!(a.problems.len(), 4, "{:?}", a.problems);
    }
}
