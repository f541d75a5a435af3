//! Creating a `ds:Signature`: digest the references in the document as it stands, insert a
//! Signature with SignedInfo where the caller says, canonicalize SignedInfo in place (its
//! namespace context matters), and fill in the SignatureValue.

use crate::crypto::signature::{self, SigningKey};
use crate::crypto::{CryptoError, DigestAlgorithm, SignatureAlgorithm};
use crate::ns;
use crate::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};
use crate::xml::{Document, Edit, IdAttributes, IdIndex, Span, XmlError};
use crate::xml::{base64, escape};

use super::model::{ENVELOPED_SIGNATURE, STR_TRANSFORM, SignatureElement, TransformKind};
use super::reference::{ReferenceContext, StrDereference, process_reference};

/// A transform to list in a Reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransformSpec {
    EnvelopedSignature,
    Canonicalize(C14nMethod),
    StrTransform(C14nMethod),
}

impl TransformSpec {
    fn kind(&self) -> TransformKind {
        match self {
            TransformSpec::EnvelopedSignature => TransformKind::EnvelopedSignature,
            TransformSpec::Canonicalize(m) => TransformKind::Canonicalize(m.clone()),
            TransformSpec::StrTransform(m) => TransformKind::StrTransform(Some(m.clone())),
        }
    }
}

/// One reference to create.
#[derive(Debug, Clone)]
pub struct ReferenceSpec {
    /// `""` for the whole document, `#id` for an element.
    pub uri: String,
    pub transforms: Vec<TransformSpec>,
    pub digest: DigestAlgorithm,
}

/// Everything about the signature except the key.
#[derive(Debug, Clone)]
pub struct SignatureSpec {
    pub id: Option<String>,
    pub c14n: C14nMethod,
    pub algorithm: SignatureAlgorithm,
    pub hmac_output_bits: Option<u32>,
    pub references: Vec<ReferenceSpec>,
    /// The content of ds:KeyInfo as XML text (using the `ds`, `wsse`, ... prefixes declared by
    /// the Signature or in scope where it is inserted), or `None` for no KeyInfo.
    pub key_info: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("reference {uri}: {reason}")]
    Reference { uri: String, reason: String },
    #[error("the document with the signature inserted does not parse: {0}")]
    Xml(#[from] XmlError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("canonicalization method {0} is not supported for SignedInfo")]
    Unsupported(String),
}

/// The signed document and where the Signature element sits in its text.
#[derive(Debug)]
pub struct Signed {
    pub document: Document,
    pub signature_span: Span,
}

fn c14n_method_xml(element: &str, m: &C14nMethod) -> String {
    if m.inclusive_prefixes.is_empty() || !m.exclusive {
        return format!("<ds:{element} Algorithm=\"{}\"/>", m.uri());
    }
    let list: Vec<&str> = m
        .inclusive_prefixes
        .iter()
        .map(|p| p.as_deref().unwrap_or("#default"))
        .collect();
    format!(
        "<ds:{element} Algorithm=\"{}\"><ec:InclusiveNamespaces xmlns:ec=\"{}\" PrefixList=\"{}\"/></ds:{element}>",
        m.uri(),
        crate::xml::c14n::EXC_C14N,
        escape::attribute(&list.join(" "))
    )
}

fn transform_xml(t: &TransformSpec) -> String {
    match t {
        TransformSpec::EnvelopedSignature => {
            format!("<ds:Transform Algorithm=\"{ENVELOPED_SIGNATURE}\"/>")
        }
        TransformSpec::Canonicalize(m) => c14n_method_xml("Transform", m),
        TransformSpec::StrTransform(m) => format!(
            "<ds:Transform Algorithm=\"{STR_TRANSFORM}\"><wsse:TransformationParameters xmlns:wsse=\"{}\">{}</wsse:TransformationParameters></ds:Transform>",
            ns::WSSE,
            c14n_method_xml("CanonicalizationMethod", m)
        ),
    }
}

/// Signs `doc`, inserting the Signature at byte offset `insert_at` of its text (which must be
/// between two nodes, e.g. the end of the wsse:Security content). References are digested
/// in the document as it stands; an enveloped reference therefore digests the document
/// without the signature, which is what the enveloped-signature transform later removes.
pub fn sign(
    doc: &Document,
    spec: &SignatureSpec,
    key: SigningKey<'_>,
    insert_at: usize,
    id_attributes: &IdAttributes,
    str_dereference: Option<&dyn StrDereference>,
) -> Result<Signed, SignError> {
    let ids = IdIndex::build(doc, id_attributes);
    // The signature is not in the document yet, so an enveloped transform removes nothing:
    // the digest is the one a verifier computes after removing the inserted signature.
    let ctx = ReferenceContext {
        doc,
        ids: &ids,
        signature: None,
        str_dereference,
        keep_canonical_up_to: 0,
        work: None,
    };
    let mut references_xml = String::new();
    for r in &spec.references {
        let kinds: Vec<TransformKind> = r.transforms.iter().map(TransformSpec::kind).collect();
        let outcome = process_reference(&ctx, Some(&r.uri), &kinds, Some(r.digest.uri()));
        let digest = match (outcome.computed, outcome.error) {
            (Some(digest), None) => digest,
            (_, error) => {
                let reason = error.unwrap_or_else(|| "no digest computed".into());
                return Err(SignError::Reference {
                    uri: r.uri.clone(),
                    reason,
                });
            }
        };
        references_xml.push_str(&reference_xml(r, &base64::encode(&digest)));
    }
    let mut method = format!("<ds:SignatureMethod Algorithm=\"{}\"", spec.algorithm.uri());
    match spec.hmac_output_bits {
        Some(bits) => method.push_str(&format!(
            "><ds:HMACOutputLength>{bits}</ds:HMACOutputLength></ds:SignatureMethod>"
        )),
        None => method.push_str("/>"),
    }
    let id = spec
        .id
        .as_ref()
        .map(|id| format!(" Id=\"{}\"", escape::attribute(id)))
        .unwrap_or_default();
    let key_info = spec
        .key_info
        .as_ref()
        .map(|k| format!("<ds:KeyInfo>{k}</ds:KeyInfo>"))
        .unwrap_or_default();
    let signature_xml = format!(
        "<ds:Signature xmlns:ds=\"{}\"{id}><ds:SignedInfo>{}{method}{references_xml}</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>{key_info}</ds:Signature>",
        ns::DS,
        c14n_method_xml("CanonicalizationMethod", &spec.c14n),
    );
    let with_signature = doc.with_edits(&[Edit::insert(insert_at, signature_xml)])?;
    let inserted = with_signature.changed[0];
    let doc2 = with_signature.document;
    let element = doc2
        .descendants()
        .find(|n| n.span().start == inserted.start && n.has_name(ns::DS, "Signature"))
        .expect("the inserted Signature parses where it was inserted");
    let parsed = SignatureElement::read(element).expect("the Signature just built is well formed");
    let canonical = canonicalize_to_vec(
        &doc2,
        NodeSet::subtree(parsed.signed_info.element.id()),
        &spec.c14n,
    );
    let value = signature::sign(spec.algorithm, key, &canonical, spec.hmac_output_bits)?;
    let value_el = element
        .child(ns::DS, "SignatureValue")
        .expect("built with a SignatureValue");
    let content = value_el.content_span().expect("element");
    let signed = doc2.with_edits(&[Edit::replace(content, base64::encode(&value))])?;
    let document = signed.document;
    let signature_span = document
        .descendants()
        .find(|n| n.span().start == inserted.start && n.has_name(ns::DS, "Signature"))
        .map(|n| n.span())
        .expect("the signature is still there");
    Ok(Signed {
        document,
        signature_span,
    })
}

fn reference_xml(r: &ReferenceSpec, digest: &str) -> String {
    let transforms: String = r.transforms.iter().map(transform_xml).collect();
    let transforms = if transforms.is_empty() {
        String::new()
    } else {
        format!("<ds:Transforms>{transforms}</ds:Transforms>")
    };
    format!(
        "<ds:Reference URI=\"{}\">{transforms}<ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference>",
        escape::attribute(&r.uri),
        r.digest.uri()
    )
}
