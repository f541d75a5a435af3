//! A reference's canonical bytes and digest, recomputed on demand (a detail view, the report
//! of a failing reference) with the engine's own reference processing: Steps keep the
//! receiver's digests and canonical length, never the canonical bytes themselves.

use crate::dsig::SignatureElement;
use crate::dsig::reference::{ReferenceContext, process_reference};
use crate::xml::{Document, IdAttributes, Node};

/// Canonical bytes longer than this are shown by length only.
const KEEP_CANONICAL: usize = 64 * 1024;

/// What processing one reference of a signature in this envelope gives.
#[derive(Debug, Clone)]
pub struct Recomputed {
    pub transforms: Vec<String>,
    pub digest_method: String,
    pub stated: Option<String>,
    pub computed: Option<String>,
    pub canonical_length: usize,
    pub canonical: Option<String>,
    pub error: Option<String>,
}

impl Recomputed {
    pub fn digests_match(&self) -> bool {
        self.stated.is_some() && self.stated == self.computed
    }
}

/// Processes reference `uri` of the signature element `signature` of `doc`.
pub fn reference(doc: &Document, signature: Node<'_>, uri: &str) -> Option<Recomputed> {
    let element = SignatureElement::read(signature).ok()?;
    let r = element
        .signed_info
        .references
        .iter()
        .find(|r| r.uri == Some(uri))?;
    let ids = doc.id_index(&IdAttributes::default());
    // One reference of a document the user opened: the same limit verification has.
    let work = crate::dsig::work_budget::WorkBudget::default();
    let ctx = ReferenceContext {
        doc,
        ids: &ids,
        signature: Some(signature),
        str_dereference: None,
        keep_canonical_up_to: KEEP_CANONICAL,
        work: Some(&work),
    };
    let kinds: Vec<_> = r.transforms.iter().map(|t| t.kind.clone()).collect();
    let outcome = process_reference(&ctx, r.uri, &kinds, r.digest_method_uri);
    Some(Recomputed {
        transforms: outcome.transforms,
        digest_method: outcome.digest_method,
        stated: r
            .digest_value
            .as_ref()
            .ok()
            .map(|d| crate::xml::base64::encode(d)),
        computed: outcome.computed.map(|d| crate::xml::base64::encode(&d)),
        canonical_length: outcome.canonical.length,
        canonical: outcome
            .canonical
            .bytes
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
        error: outcome.error,
    })
}
