//! A `ds:Signature` element read into its parts, as written.
//!
//! Reading never fails on one bad part: a Reference without a DigestValue or with an unknown
//! transform is kept with the problem noted, so the report can show every part and say which
//! one is wrong. Only a Signature without the skeleton XML-DSig requires (SignedInfo,
//! CanonicalizationMethod, SignatureMethod, SignatureValue) is refused as a whole.

use crate::ns;
use crate::xml::base64;
use crate::xml::c14n::{C14nMethod, parse_prefix_list};
use crate::xml::{Node, Position};

pub const ENVELOPED_SIGNATURE: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub const STR_TRANSFORM: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#STR-Transform";

/// A Signature element that lacks a part XML-DSig requires.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position}: ds:Signature {problem}")]
pub struct MalformedSignature {
    pub position: Position,
    pub problem: String,
}

/// One `ds:Signature`.
#[derive(Debug, Clone)]
pub struct SignatureElement<'d> {
    pub element: Node<'d>,
    pub id: Option<&'d str>,
    pub signed_info: SignedInfo<'d>,
    /// The decoded SignatureValue, or why it could not be decoded.
    pub signature_value: Result<Vec<u8>, String>,
    pub key_info: Option<Node<'d>>,
}

#[derive(Debug, Clone)]
pub struct SignedInfo<'d> {
    pub element: Node<'d>,
    pub c14n_uri: &'d str,
    /// `None` when the canonicalization method is not one wskex implements.
    pub c14n: Option<C14nMethod>,
    pub signature_method_uri: &'d str,
    /// `HMACOutputLength` as written, if present.
    pub hmac_output_length: Option<String>,
    pub references: Vec<Reference<'d>>,
}

#[derive(Debug, Clone)]
pub struct Reference<'d> {
    pub element: Node<'d>,
    pub id: Option<&'d str>,
    /// `None` when the URI attribute is absent (the application must know the data).
    pub uri: Option<&'d str>,
    pub transforms: Vec<Transform<'d>>,
    pub digest_method_uri: Option<&'d str>,
    /// The decoded DigestValue, or why there is none.
    pub digest_value: Result<Vec<u8>, String>,
}

#[derive(Debug, Clone)]
pub struct Transform<'d> {
    pub element: Node<'d>,
    pub uri: &'d str,
    pub kind: TransformKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransformKind {
    EnvelopedSignature,
    Canonicalize(C14nMethod),
    /// WS-Security STR dereference transform, with the canonicalization from its parameters.
    StrTransform(Option<C14nMethod>),
    /// Any other transform (XPath, XSLT, base64, ...), by its URI.
    Unsupported(String),
}

impl TransformKind {
    pub fn describe(&self) -> String {
        match self {
            TransformKind::EnvelopedSignature => "enveloped-signature".into(),
            TransformKind::Canonicalize(m) => describe_c14n(m),
            TransformKind::StrTransform(Some(m)) => format!("STR-Transform ({})", describe_c14n(m)),
            TransformKind::StrTransform(None) => "STR-Transform (no canonicalization given)".into(),
            TransformKind::Unsupported(uri) => format!("unsupported transform {uri}"),
        }
    }
}

/// A short human name for a canonicalization method.
pub fn describe_c14n(m: &C14nMethod) -> String {
    let mut s = String::from(if m.exclusive { "exc-c14n" } else { "c14n" });
    if m.with_comments {
        s.push_str(" with comments");
    }
    if !m.inclusive_prefixes.is_empty() {
        let list: Vec<&str> = m
            .inclusive_prefixes
            .iter()
            .map(|p| p.as_deref().unwrap_or("#default"))
            .collect();
        s.push_str(&format!(" [PrefixList: {}]", list.join(" ")));
    }
    s
}

fn child<'d>(parent: Node<'d>, local: &str) -> Option<Node<'d>> {
    parent.child(ns::DS, local)
}

fn malformed(node: Node<'_>, problem: impl Into<String>) -> MalformedSignature {
    MalformedSignature {
        position: node.position(),
        problem: problem.into(),
    }
}

/// A canonicalization method element with its InclusiveNamespaces PrefixList.
pub fn c14n_method_of(element: Node<'_>) -> Option<C14nMethod> {
    let uri = element.attribute("Algorithm")?;
    let mut method = C14nMethod::from_uri(uri)?;
    if method.exclusive
        && let Some(inclusive) = element.child(crate::xml::c14n::EXC_C14N, "InclusiveNamespaces")
    {
        method.inclusive_prefixes =
            parse_prefix_list(inclusive.attribute("PrefixList").unwrap_or(""));
    }
    Some(method)
}

impl<'d> SignatureElement<'d> {
    /// Reads a `ds:Signature` element.
    pub fn read(element: Node<'d>) -> Result<SignatureElement<'d>, MalformedSignature> {
        let signed_info_el =
            child(element, "SignedInfo").ok_or_else(|| malformed(element, "has no SignedInfo"))?;
        let c14n_el = child(signed_info_el, "CanonicalizationMethod")
            .ok_or_else(|| malformed(signed_info_el, "SignedInfo has no CanonicalizationMethod"))?;
        let c14n_uri = c14n_el
            .attribute("Algorithm")
            .ok_or_else(|| malformed(c14n_el, "CanonicalizationMethod has no Algorithm"))?;
        let method_el = child(signed_info_el, "SignatureMethod")
            .ok_or_else(|| malformed(signed_info_el, "SignedInfo has no SignatureMethod"))?;
        let signature_method_uri = method_el
            .attribute("Algorithm")
            .ok_or_else(|| malformed(method_el, "SignatureMethod has no Algorithm"))?;
        let hmac_output_length =
            child(method_el, "HMACOutputLength").map(|n| n.text_content().trim().to_string());
        let references = signed_info_el
            .child_elements()
            .filter(|n| n.has_name(ns::DS, "Reference"))
            .map(Reference::read)
            .collect();
        let value_el = child(element, "SignatureValue")
            .ok_or_else(|| malformed(element, "has no SignatureValue"))?;
        let signature_value =
            base64::decode(&value_el.text_content()).map_err(|e| format!("SignatureValue: {e}"));
        Ok(SignatureElement {
            element,
            id: element.attribute("Id"),
            signed_info: SignedInfo {
                element: signed_info_el,
                c14n_uri,
                c14n: c14n_method_of(c14n_el),
                signature_method_uri,
                hmac_output_length,
                references,
            },
            signature_value,
            key_info: child(element, "KeyInfo"),
        })
    }
}

impl<'d> Reference<'d> {
    fn read(element: Node<'d>) -> Reference<'d> {
        let transforms = child(element, "Transforms")
            .map(|t| {
                t.child_elements()
                    .filter(|n| n.has_name(ns::DS, "Transform"))
                    .map(Transform::read)
                    .collect()
            })
            .unwrap_or_default();
        let digest_value = match child(element, "DigestValue") {
            None => Err("Reference has no DigestValue".to_string()),
            Some(v) => base64::decode(&v.text_content()).map_err(|e| format!("DigestValue: {e}")),
        };
        Reference {
            element,
            id: element.attribute("Id"),
            uri: element.attribute("URI"),
            transforms,
            digest_method_uri: child(element, "DigestMethod")
                .and_then(|d| d.attribute("Algorithm")),
            digest_value,
        }
    }
}

impl<'d> Transform<'d> {
    fn read(element: Node<'d>) -> Transform<'d> {
        let uri = element.attribute("Algorithm").unwrap_or("");
        let kind = if uri == ENVELOPED_SIGNATURE {
            TransformKind::EnvelopedSignature
        } else if uri == STR_TRANSFORM {
            let c14n = element
                .child(ns::WSSE, "TransformationParameters")
                .and_then(|p| p.child(ns::DS, "CanonicalizationMethod"))
                .and_then(c14n_method_of);
            TransformKind::StrTransform(c14n)
        } else if C14nMethod::from_uri(uri).is_some() {
            TransformKind::Canonicalize(c14n_method_of(element).expect("known c14n uri"))
        } else {
            TransformKind::Unsupported(uri.to_string())
        };
        Transform { element, uri, kind }
    }
}

/// Every `ds:Signature` in the document, in document order.
/// A document that never declares the XML-DSig namespace is not walked at all.
pub fn find_signatures(doc: &crate::xml::Document) -> impl Iterator<Item = Node<'_>> {
    doc.namespace_id(ns::DS).into_iter().flat_map(move |ds| {
        doc.descendants()
            .filter(move |n| n.has_name_in(ds, "Signature"))
    })
}
