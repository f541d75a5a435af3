//! Which element an id names, built once per document.
//!
//! Ids are what signature references point at, so ambiguity is a security question: two
//! elements with the same id are recorded and reported, never silently resolved to the first
//! or the last (duplicate ids are the root of signature wrapping attacks).

use std::collections::HashMap;
use std::sync::Arc;

use super::tree::{Attribute, Document, NodeId, XML_NAMESPACE};

/// The result of looking an id up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdLookup {
    Unique(NodeId),
    Missing,
    /// Several elements carry this id, in document order.
    Duplicate(Vec<NodeId>),
}

/// Which attributes count as ids: `wsu:Id` (any attribute named `Id`, whatever its namespace),
/// `Id`, `ID` and `AssertionID` without a namespace, `xml:id`, plus names the caller adds:
/// `Name` (local name, any namespace) or `{namespace}Name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdAttributes {
    extra: Vec<(Option<String>, String)>,
}

impl IdAttributes {
    pub fn with_extra<S: AsRef<str>>(names: &[S]) -> Self {
        let extra = names
            .iter()
            .map(|n| {
                let n = n.as_ref();
                match n.strip_prefix('{').and_then(|r| r.split_once('}')) {
                    Some((ns, local)) => (Some(ns.to_string()), local.to_string()),
                    None => (None, n.to_string()),
                }
            })
            .collect();
        IdAttributes { extra }
    }

    pub fn is_id(&self, a: Attribute<'_>) -> bool {
        let local = a.local_name();
        // Every attribute of a document is asked: the built-in names are 2 or 11 bytes long.
        if self.extra.is_empty() && local.len() != 2 && local.len() != 11 {
            return false;
        }
        let ns = a.namespace();
        let builtin = match local {
            "Id" => true,
            "ID" | "AssertionID" => ns.is_empty(),
            "id" => ns == XML_NAMESPACE,
            _ => false,
        };
        builtin
            || self.extra.iter().any(|(want_ns, want_local)| {
                want_local == local && want_ns.as_deref().is_none_or(|w| w == ns)
            })
    }
}

/// Every id in a document and the elements carrying it.
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    map: HashMap<Box<str>, Vec<NodeId>>,
}

impl IdIndex {
    pub fn build(doc: &Document, rules: &IdAttributes) -> IdIndex {
        let mut map: HashMap<Box<str>, Vec<NodeId>> = HashMap::new();
        for node in doc.descendants().filter(|n| n.is_element()) {
            for a in node.attributes() {
                if !rules.is_id(a) {
                    continue;
                }
                let nodes = map.entry(a.value().into()).or_default();
                // One element may carry the same value in two id attributes (Id and wsu:Id).
                if nodes.last() != Some(&node.id()) {
                    nodes.push(node.id());
                }
            }
        }
        IdIndex { map }
    }

    pub fn lookup(&self, id: &str) -> IdLookup {
        match self.map.get(id).map(Vec::as_slice) {
            None | Some([]) => IdLookup::Missing,
            Some([one]) => IdLookup::Unique(*one),
            Some(many) => IdLookup::Duplicate(many.to_vec()),
        }
    }

    /// Ids carried by more than one element, sorted by id.
    pub fn duplicates(&self) -> Vec<(&str, &[NodeId])> {
        let mut d: Vec<(&str, &[NodeId])> = self
            .map
            .iter()
            .filter(|(_, v)| v.len() > 1)
            .map(|(k, v)| (k.as_ref(), v.as_slice()))
            .collect();
        d.sort();
        d
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl Document {
    /// The id index under `rules`, built on first use and kept with the document (whose tree
    /// never changes): `verify` checks plain signatures and then hands the same document to
    /// the receiver, and a 10 MB envelope's index costs as much as a fifth of its parse.
    pub fn id_index(&self, rules: &IdAttributes) -> Arc<IdIndex> {
        let mut cached = self.id_index.lock().unwrap_or_else(|p| p.into_inner());
        match cached.as_ref() {
            Some((built_with, ids)) if built_with == rules => Arc::clone(ids),
            _ => {
                let ids = Arc::new(IdIndex::build(self, rules));
                *cached = Some((rules.clone(), Arc::clone(&ids)));
                ids
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WSU: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

    fn doc(s: &str) -> Document {
        Document::parse_str(s, "test").unwrap()
    }

    #[test]
    fn finds_every_builtin_id_form() {
        let d = doc(&format!(
            r#"<r xmlns:wsu="{WSU}"><a wsu:Id="a"/><b Id="b"/><c ID="c"/><d AssertionID="d"/><e xml:id="e"/><f id="f"/></r>"#
        ));
        let idx = IdIndex::build(&d, &IdAttributes::default());
        for id in ["a", "b", "c", "d", "e"] {
            let IdLookup::Unique(n) = idx.lookup(id) else {
                panic!("{id} not found")
            };
            assert_eq!(d.node(n).attributes().next().unwrap().value(), id);
        }
        assert_eq!(
            idx.lookup("f"),
            IdLookup::Missing,
            "plain 'id' is not an id unless asked for"
        );
        let idx = IdIndex::build(&d, &IdAttributes::with_extra(&["id"]));
        assert!(matches!(idx.lookup("f"), IdLookup::Unique(_)));
    }

    #[test]
    fn duplicates_are_reported_not_resolved() {
        let d = doc(&format!(
            r#"<r xmlns:wsu="{WSU}"><a wsu:Id="x"/><b Id="x"/><c Id="y" wsu:Id="y"/></r>"#
        ));
        let idx = IdIndex::build(&d, &IdAttributes::default());
        let IdLookup::Duplicate(nodes) = idx.lookup("x") else {
            panic!("expected duplicate")
        };
        assert_eq!(nodes.len(), 2);
        assert!(
            matches!(idx.lookup("y"), IdLookup::Unique(_)),
            "same element twice is not a duplicate"
        );
        assert_eq!(idx.duplicates().len(), 1);
    }

    #[test]
    fn the_document_keeps_its_index_per_rules() {
        let d = doc(r#"<r><a Id="x"/><b id="y"/></r>"#);
        let default = d.id_index(&IdAttributes::default());
        assert!(Arc::ptr_eq(&default, &d.id_index(&IdAttributes::default())));
        assert_eq!(default.lookup("y"), IdLookup::Missing);
        // Other rules make another index, never the cached one.
        let extra = d.id_index(&IdAttributes::with_extra(&["id"]));
        assert!(!Arc::ptr_eq(&default, &extra));
        assert!(matches!(extra.lookup("y"), IdLookup::Unique(_)));
        assert_eq!(
            d.id_index(&IdAttributes::default()).lookup("y"),
            IdLookup::Missing
        );
    }

    #[test]
    fn namespaced_extra_names() {
        let d = doc(r#"<r xmlns:p="urn:p"><a p:key="k1"/><b key="k2"/></r>"#);
        let idx = IdIndex::build(&d, &IdAttributes::with_extra(&["{urn:p}key"]));
        assert!(matches!(idx.lookup("k1"), IdLookup::Unique(_)));
        assert_eq!(idx.lookup("k2"), IdLookup::Missing);
    }
}
