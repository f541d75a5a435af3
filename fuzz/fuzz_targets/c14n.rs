//! Canonicalization of arbitrary documents, every method, the whole document and the first
//! few elements as apex (a subtree needs its ancestors' namespaces, the part most likely to go
//! wrong). The first byte picks the methods so that the corpus keeps the choice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wskex::xml::Document;
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, xml)) = data.split_first() else {
        return;
    };
    let Ok(doc) = Document::parse(xml.to_vec(), "fuzz") else {
        return;
    };
    let comments = selector & 1 == 1;
    let mut methods = vec![
        C14nMethod::inclusive(comments),
        C14nMethod::exclusive(comments),
    ];
    if selector & 2 == 2 {
        methods.push(C14nMethod::exclusive(comments).with_prefix_list("#default a s wsse"));
    }
    let apexes: Vec<_> = doc
        .descendants()
        .filter(|n| n.is_element())
        .take(1 + (selector >> 4) as usize)
        .map(|n| n.id())
        .collect();
    for method in &methods {
        canonicalize_to_vec(&doc, NodeSet::document(), method);
        for &apex in &apexes {
            canonicalize_to_vec(&doc, NodeSet::subtree(apex), method);
        }
    }
});
