//! Element paths (`/s:Envelope/s:Header/wsse:Security/ds:Signature[3]`) for reports.
//!
//! A path numbers an element among its siblings of the same name. Counting siblings per call
//! costs the number of siblings, so a report naming each of thousands of sibling signatures
//! would be quadratic; the ordinals are instead computed once per document, in one pass.

use std::collections::HashMap;

use super::tree::{Document, Node};

/// For each node: its 1-based position among the preceding element siblings of the same
/// qualified name, and how many such siblings its parent has (0 for non-elements).
#[derive(Debug)]
pub(crate) struct SiblingOrdinals {
    ordinal: Vec<u32>,
    same_name_total: Vec<u32>,
}

impl SiblingOrdinals {
    pub(crate) fn new(doc: &Document) -> SiblingOrdinals {
        let count = doc.nodes.len();
        let mut ordinal = vec![0u32; count];
        let mut same_name_total = vec![0u32; count];
        let mut counts: HashMap<&str, u32> = HashMap::new();
        let mut children: Vec<(u32, &str)> = Vec::new();
        for parent in doc.descendants() {
            let mut child = parent.first_child();
            if child.is_none() {
                continue;
            }
            counts.clear();
            children.clear();
            while let Some(node) = child {
                if node.is_element() {
                    let name = node.qname();
                    let seen = counts.entry(name).or_insert(0);
                    *seen += 1;
                    ordinal[node.id().index()] = *seen;
                    children.push((node.id().index() as u32, name));
                }
                child = node.next_sibling();
            }
            for (index, name) in &children {
                same_name_total[*index as usize] = counts[name];
            }
        }
        SiblingOrdinals {
            ordinal,
            same_name_total,
        }
    }
}

/// Parents with at most this many element children are counted directly: a document of
/// ordinary shape never pays for the index.
const DIRECT_COUNT_LIMIT: usize = 64;

impl<'d> Node<'d> {
    /// The element path from the root, with `[k]` where the parent has several children of
    /// this name.
    pub fn path(self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut at = Some(self);
        while let Some(node) = at {
            if node.is_element() {
                let (ordinal, same_name_total) = node.sibling_ordinal();
                if same_name_total > 1 {
                    parts.push(format!("{}[{ordinal}]", node.qname()));
                } else {
                    parts.push(node.qname().to_string());
                }
            }
            at = node.parent();
        }
        parts.reverse();
        format!("/{}", parts.join("/"))
    }

    /// This element's 1-based position among its parent's element children of the same
    /// name, and how many there are.
    fn sibling_ordinal(self) -> (u32, u32) {
        let Some(parent) = self.parent() else {
            return (1, 1);
        };
        if parent.child_elements().nth(DIRECT_COUNT_LIMIT).is_some() {
            let ordinals = self.document().sibling_ordinals();
            let index = self.id().index();
            return (ordinals.ordinal[index], ordinals.same_name_total[index]);
        }
        let name = self.qname();
        let mut ordinal = 0;
        let mut total = 0;
        for sibling in parent.child_elements().filter(|c| c.qname() == name) {
            total += 1;
            if sibling.id() == self.id() {
                ordinal = total;
            }
        }
        (ordinal, total)
    }
}

#[cfg(test)]
mod tests {
    use crate::xml::Document;

    #[test]
    fn paths_of_many_siblings_use_the_index_and_agree_with_counting() {
        let mut text = String::from("<r>");
        for i in 0..200 {
            text.push_str(if i % 3 == 0 { "<a/>" } else { "<b><c/></b>" });
        }
        text.push_str("</r>");
        let doc = Document::parse_str(&text, "t").unwrap();
        let elements: Vec<_> = doc.descendants().filter(|n| n.is_element()).collect();
        assert_eq!(elements[1].path(), "/r/a[1]");
        assert_eq!(elements[2].path(), "/r/b[1]");
        assert_eq!(elements[3].path(), "/r/b[1]/c");
        assert_eq!(elements.last().unwrap().path(), "/r/b[133]/c");
    }

    #[test]
    fn paths_number_only_names_that_repeat() {
        let doc = Document::parse_str("<r><a/><b/><a><c/></a><b/><d/></r>", "t").unwrap();
        let paths: Vec<String> = doc
            .descendants()
            .filter(|n| n.is_element())
            .map(|n| n.path())
            .collect();
        assert_eq!(
            paths,
            [
                "/r",
                "/r/a[1]",
                "/r/b[1]",
                "/r/a[2]",
                "/r/a[2]/c",
                "/r/b[2]",
                "/r/d"
            ]
        );
    }
}
