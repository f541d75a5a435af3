//! The parser on arbitrary bytes: a document or an error, never a panic; a parsed document's
//! tree is walked whole (positions, names, attributes) as the readers above it walk it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wskex::xml::Document;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = Document::parse(data.to_vec(), "fuzz") {
        for node in doc.descendants() {
            let _ = node.position();
            let _ = node.source_text();
            if node.is_element() {
                let _ = node.path();
                let _ = (node.qname(), node.local_name(), node.namespace());
            }
        }
    }
});
