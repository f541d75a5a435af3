//! Opening many encrypted parts with one splice per round.
//!
//! Each splice of plaintext makes a new version of the document, parsed whole. Opening the
//! parts of a message one splice at a time costs (parts x message size): 3,000 ReferenceLists of
//! one DataReference each took minutes on a megabyte. So consecutive ReferenceLists, and the
//! EncryptedData no list names, are opened together, and each plaintext is checked on its own
//! first (parsed in the namespace context it goes into) so that one part that does not fit
//! cannot spoil the splice of the others.

use std::collections::HashMap;

use crate::xml::{Document, IdLookup, Node, NodeId, XmlError};

use super::{HeaderAction, Receiver};
use crate::receive::finding_code::FindingCode;

impl Receiver<'_, '_> {
    /// Decrypts every EncryptedData that `targets` (DataReference URIs of one or several
    /// ReferenceLists) name, all in one splice; a target found only inside a part just opened
    /// (nested encryption) is looked up again in the new version, round after round.
    pub(super) fn decrypt_listed(
        &mut self,
        doc: &Document,
        targets: Vec<String>,
    ) -> Option<Document> {
        let mut opened: Option<Document> = None;
        let mut pending = targets;
        loop {
            let view = opened.as_ref().unwrap_or(doc);
            let (starts, missing) = self.locate_targets(view, &pending);
            if starts.is_empty() {
                return opened;
            }
            match self.decrypt_at(view, &starts) {
                Some(next) => opened = Some(next),
                None => return opened,
            }
            if missing.is_empty() {
                return opened;
            }
            pending = missing;
        }
    }

    /// Start offsets of the elements `targets` name in `doc`, and the targets no element
    /// carries yet. A reference that is not same-document, or an id carried twice, is a
    /// finding and is dropped.
    fn locate_targets(&mut self, doc: &Document, targets: &[String]) -> (Vec<u32>, Vec<String>) {
        let ids = self.id_index(doc);
        let mut starts = Vec::new();
        let mut missing = Vec::new();
        // Built on the first refusal: one pass over the document, however many are refused.
        let mut references: Option<HashMap<&str, Node<'_>>> = None;
        for uri in targets {
            let Some(id) = uri.strip_prefix('#') else {
                let message = format!("DataReference {uri:?} is not a same-document reference");
                let references = references.get_or_insert_with(|| data_references(doc));
                self.findings.push(refusal(references, uri, None, message));
                continue;
            };
            match ids.lookup(id) {
                IdLookup::Unique(n) => starts.push(doc.node(n).span().start),
                // Already opened by an earlier list, inside a part not opened yet, or absent.
                IdLookup::Missing => missing.push(uri.clone()),
                IdLookup::Duplicate(carriers) => {
                    let message = format!(
                        "DataReference {uri}: the id is carried by several elements; refusing to choose"
                    );
                    let first = carriers.first().map(|&n| doc.node(n));
                    let references = references.get_or_insert_with(|| data_references(doc));
                    self.findings.push(refusal(references, uri, first, message));
                }
            }
        }
        (starts, missing)
    }
}

/// The first `xenc:DataReference` element naming each URI.
fn data_references(doc: &Document) -> HashMap<&str, Node<'_>> {
    let mut references = HashMap::new();
    for node in doc.descendants() {
        if node.has_name(crate::ns::XENC, "DataReference")
            && let Some(uri) = node.attribute("URI")
        {
            references.entry(uri).or_insert(node);
        }
    }
    references
}

/// A refused DataReference's finding, about the `xenc:DataReference` element that names
/// `uri` (else `fallback`, else no element).
fn refusal(
    references: &HashMap<&str, Node<'_>>,
    uri: &str,
    fallback: Option<Node<'_>>,
    message: String,
) -> crate::receive::Finding {
    match references.get(uri).copied().or(fallback) {
        Some(node) => FindingCode::DecryptionFailed.finding_at(message, node),
        None => FindingCode::DecryptionFailed.finding(message, None),
    }
}

/// Takes the ReferenceLists that follow the Decrypt action at `index` (skipping items that do
/// nothing, stopping at a signature or an encrypted header item, which must keep their order)
/// into one target list; their actions become `Nothing`.
pub(super) fn merge_following_decrypts(
    actions: &mut [HeaderAction],
    index: usize,
    mut targets: Vec<String>,
) -> Vec<String> {
    for action in actions.iter_mut().skip(index + 1) {
        match action {
            HeaderAction::Nothing => {}
            HeaderAction::Decrypt { targets: more } => {
                targets.append(more);
                *action = HeaderAction::Nothing;
            }
            HeaderAction::Verify { .. } | HeaderAction::DecryptHere { .. } => break,
        }
    }
    targets
}

/// The namespace declarations in scope at an element, written as attributes, per parent:
/// thousands of parts under one Body compute them once.
#[derive(Default)]
pub(super) struct ContextDeclarations {
    /// The document version the node ids below belong to.
    generation: u64,
    by_parent: HashMap<NodeId, String>,
}

impl ContextDeclarations {
    /// Parses `plaintext` as the content of an element in `context`'s namespace scope: the
    /// plaintext of one EncryptedData must be well-formed where it goes, on its own.
    pub(super) fn check_fits(
        &mut self,
        context: Node<'_>,
        plaintext: &str,
    ) -> Result<(), XmlError> {
        let generation = context.document().generation();
        if generation != self.generation {
            self.generation = generation;
            self.by_parent.clear();
        }
        let declarations = self
            .by_parent
            .entry(context.id())
            .or_insert_with(|| in_scope_declarations(context));
        let text = format!("<wskex-fragment{declarations}>{plaintext}</wskex-fragment>");
        Document::from_decoded_text(text, "decrypted part".into(), &Default::default()).map(drop)
    }
}

/// ` xmlns:p="uri"` for each prefix in scope at `node` (the innermost declaration wins),
/// the default namespace included; values escaped for a double-quoted attribute.
fn in_scope_declarations(node: Node<'_>) -> String {
    let mut seen: std::collections::HashSet<Option<&str>> = std::collections::HashSet::new();
    let mut out = String::new();
    let mut at = Some(node);
    while let Some(element) = at {
        if element.is_element() {
            for declaration in element.namespace_declarations() {
                if !seen.insert(declaration.prefix) {
                    continue;
                }
                let uri = crate::xml::escape::attribute(declaration.uri);
                match declaration.prefix {
                    Some(prefix) => out.push_str(&format!(" xmlns:{prefix}=\"{uri}\"")),
                    None => out.push_str(&format!(" xmlns=\"{uri}\"")),
                }
            }
        }
        at = element.parent();
    }
    out
}
