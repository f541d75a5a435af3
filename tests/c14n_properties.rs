//! Property tests: canonical forms are fixed points, and no input, however mangled, makes the
//! parser or the canonicalizer panic.

#[path = "common/generate.rs"]
mod generate;

use proptest::prelude::*;
use wskex::xml::Document;
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};

fn methods() -> [C14nMethod; 5] {
    [
        C14nMethod::inclusive(false),
        C14nMethod::inclusive(true),
        C14nMethod::exclusive(false),
        C14nMethod::exclusive(true),
        C14nMethod::exclusive(false).with_prefix_list("a #default soap"),
    ]
}

/// Canonicalizes every element subtree and the document; must never panic.
fn canonicalize_everything(doc: &Document) {
    for method in methods() {
        canonicalize_to_vec(doc, NodeSet::document(), &method);
        for node in doc.descendants().filter(|n| n.is_element()).take(20) {
            canonicalize_to_vec(doc, NodeSet::subtree(node.id()), &method);
            if let Some(child) = node.first_child() {
                canonicalize_to_vec(
                    doc,
                    NodeSet::subtree(node.id()).without(child.id()),
                    &method,
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn canonical_form_is_a_fixed_point(seed in any::<u64>()) {
        let xml = generate::random_document(seed);
        let doc = Document::parse_str(&xml, "generated").expect("generated documents are well-formed");
        for method in methods() {
            let once = canonicalize_to_vec(&doc, NodeSet::document(), &method);
            let again = Document::parse(once.clone(), "canonical").expect("canonical output parses");
            let twice = canonicalize_to_vec(&again, NodeSet::document(), &method);
            prop_assert_eq!(once, twice, "{}", method.uri());
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(doc) = Document::parse(bytes, "random") {
            canonicalize_everything(&doc);
        }
    }

    #[test]
    fn mutated_documents_never_panic(
        seed in any::<u64>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let mut bytes = generate::random_document(seed).into_bytes();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let at = at % bytes.len();
            match op {
                0 => bytes[at] = byte,
                1 => { bytes.remove(at); }
                _ => {
                    const SPECIAL: &[u8] = b"<>&;:=\"'/!?[]x \r\n#";
                    bytes.insert(at, SPECIAL[byte as usize % SPECIAL.len()]);
                }
            }
        }
        if let Ok(doc) = Document::parse(bytes, "mutated") {
            canonicalize_everything(&doc);
        }
    }
}
