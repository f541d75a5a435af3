//! `wsse11:SignatureConfirmation`: a responder echoes the SignatureValue of each request
//! signature it verified, so the requestor knows its signed request arrived unaltered.

use crate::xml::Node;

use crate::wss::problem::Problem;
use crate::wss::read::{base64_attribute, wsu_id};

/// A `wsse11:SignatureConfirmation` header item.
#[derive(Debug, Clone)]
pub struct SignatureConfirmation<'d> {
    pub node: Node<'d>,
    pub id: Option<String>,
    /// The Value attribute as written; absent means "the request carried no signature".
    pub value: Option<String>,
    /// The decoded SignatureValue being confirmed.
    pub value_bytes: Option<Vec<u8>>,
    pub problems: Vec<Problem>,
}

impl<'d> SignatureConfirmation<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> SignatureConfirmation<'d> {
        let mut problems = Vec::new();
        let value = node.attribute("Value").map(str::to_string);
        let value_bytes = value.as_ref().and_then(|_| {
            base64_attribute(node, "Value", "SignatureConfirmation Value", &mut problems)
        });
        SignatureConfirmation {
            node,
            id: wsu_id(node),
            value,
            value_bytes,
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ns;
    use crate::xml::Document;

    fn read_doc(attrs: &str) -> Document {
        let text = format!(
            r#"<wsse11:SignatureConfirmation xmlns:wsse11="{}" xmlns:wsu="{}" wsu:Id="SC-1" {attrs}/>"#,
            ns::WSSE11,
            ns::WSU
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn value_with_line_break_references() {
        let d = read_doc(r#"Value="hDy5fx+K&#13;&#10;I8Mp+iZz""#);
        let c = SignatureConfirmation::read(d.root_element());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.id.as_deref(), Some("SC-1"));
        assert_eq!(c.value_bytes.unwrap().len(), 12);
    }

    #[test]
    fn absent_value_means_no_request_signature() {
        let d = read_doc("");
        let c = SignatureConfirmation::read(d.root_element());
        assert_eq!((c.value, c.value_bytes), (None, None));
        assert!(c.problems.is_empty());
    }

    #[test]
    fn bad_value_is_a_problem() {
        let d = read_doc(r#"Value="UPx8N9c32i9RGIr0618ZawNnGZ0""#);
        let c = SignatureConfirmation::read(d.root_element());
        assert_eq!(c.value_bytes, None);
        assert_eq!(c.problems.len(), 1);
    }
}
