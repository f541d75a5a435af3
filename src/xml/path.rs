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

impl<'d> Node<'d> {
    /// The element path from the root, with `[k]` where the parent has several children of
    /// this name.
    pub fn path(self) -> String {
        let ordinals = self.document().sibling_ordinals();
        let mut parts: Vec<String> = Vec::new();
        let mut at = Some(self);
        while let Some(node) = at {
            if node.is_element() {
                let index = node.id().index();
                if ordinals.same_name_total[index] > 1 {
                    parts.push(format!("{}[{}]", node.qname(), ordinals.ordinal[index]));
                } else {
                    parts.push(node.qname().to_string());
                }
            }
            at = node.parent();
        }
        parts.reverse();
        format!("/{}", parts.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use crate::xml::Document;

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
