//! Elements by expanded name, for processors that look up every `xenc:EncryptedKey` (or
//! every certificate) once per encrypted part: scanning the whole tree each time makes
//! thousands of parts quadratic. Built once per document, in one pass, on first use.

use std::collections::HashMap;

use super::tree::{Document, Node, NodeId};

#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    /// namespace URI → local name → elements in document order.
    by_name: HashMap<Box<str>, HashMap<Box<str>, Vec<NodeId>>>,
}

impl NameIndex {
    pub(crate) fn new(doc: &Document) -> NameIndex {
        let mut index = NameIndex::default();
        for node in doc.descendants().filter(|n| n.is_element()) {
            let locals = match index.by_name.get_mut(node.namespace()) {
                Some(locals) => locals,
                None => index.by_name.entry(node.namespace().into()).or_default(),
            };
            match locals.get_mut(node.local_name()) {
                Some(nodes) => nodes.push(node.id()),
                None => {
                    locals.insert(node.local_name().into(), vec![node.id()]);
                }
            }
        }
        index
    }

    fn get(&self, ns: &str, local: &str) -> &[NodeId] {
        self.by_name
            .get(ns)
            .and_then(|locals| locals.get(local))
            .map_or(&[], Vec::as_slice)
    }
}

impl Document {
    /// The elements named `{ns}local`, in document order (the same as filtering
    /// `descendants()` with `has_name`, without the walk after the first call).
    pub fn elements_named<'d>(
        &'d self,
        ns: &str,
        local: &str,
    ) -> impl DoubleEndedIterator<Item = Node<'d>> + 'd {
        self.name_index()
            .get(ns, local)
            .iter()
            .map(move |id| self.node(*id))
    }
}

#[cfg(test)]
mod tests {
    use crate::xml::Document;

    #[test]
    fn elements_named_matches_a_filtered_walk() {
        let doc = Document::parse_str(
            r#"<r xmlns:a="urn:a"><a:k/><k/><x xmlns="urn:a"><k/><a:k/></x><a:j/></r>"#,
            "t",
        )
        .unwrap();
        for (ns, local) in [("urn:a", "k"), ("", "k"), ("urn:a", "j"), ("urn:b", "k")] {
            let walked: Vec<_> = doc
                .descendants()
                .filter(|n| n.has_name(ns, local))
                .map(|n| n.id())
                .collect();
            let indexed: Vec<_> = doc.elements_named(ns, local).map(|n| n.id()).collect();
            assert_eq!(walked, indexed, "{{{ns}}}{local}");
        }
        assert_eq!(doc.elements_named("urn:a", "k").count(), 3);
    }

    #[test]
    fn namespace_ids_name_what_the_document_declares() {
        let doc = Document::parse_str(r#"<r xmlns:a="urn:a"><a:k/><k xmlns:b="urn:b"/></r>"#, "t")
            .unwrap();
        let a = doc.namespace_id("urn:a").expect("declared and used");
        assert!(doc.namespace_id("urn:b").is_some(), "declared, unused");
        assert_eq!(doc.namespace_id("urn:c"), None);
        for node in doc.descendants() {
            assert_eq!(node.has_name_in(a, "k"), node.has_name("urn:a", "k"));
            assert!(!node.has_name_in(a, "r"));
        }
    }
}
