//! `wsc:SecurityContextToken`: the handle of an established security context (a shared
//! secret). Messages of a secure conversation reference it by `wsu:Id` or by its Identifier,
//! and derive their keys from its secret.

use crate::xml::Node;

use crate::wss::generation::{ScVersion, sc_child, sc_version_of};
use crate::wss::problem::Problem;
use crate::wss::read::{short, trimmed_text, wsu_id};

/// A `wsc:SecurityContextToken` (either WS-SC generation).
#[derive(Debug, Clone)]
pub struct SecurityContextToken<'d> {
    pub node: Node<'d>,
    pub version: ScVersion,
    /// `wsu:Id`, for `#id` references within one message.
    pub id: Option<String>,
    /// `wsc:Identifier`: the context's absolute URI, valid across messages.
    pub identifier: Option<String>,
    /// `wsc:Instance` (WS-SC 1.3+): which key instance after a renewal.
    pub instance: Option<String>,
    pub problems: Vec<Problem>,
}

impl<'d> SecurityContextToken<'d> {
    /// Reads a SecurityContextToken; an element in another namespace is read as 200512 with a
    /// problem.
    pub fn read(node: Node<'d>) -> SecurityContextToken<'d> {
        let mut problems = Vec::new();
        let version = sc_version_of(node, &mut problems);
        let identifier = sc_child(node, version, "Identifier", &mut problems).map(trimmed_text);
        match identifier.as_deref() {
            None => problems.push(Problem::at(
                node,
                "wsc:SecurityContextToken has no wsc:Identifier",
            )),
            Some("") => problems.push(Problem::at(node, "wsc:Identifier is empty")),
            Some(id) if !id.contains(':') => problems.push(Problem::at(
                node,
                format!("wsc:Identifier {:?} is not an absolute URI", short(id)),
            )),
            Some(_) => {}
        }
        let instance = sc_child(node, version, "Instance", &mut problems).map(trimmed_text);
        SecurityContextToken {
            node,
            version,
            id: wsu_id(node),
            identifier,
            instance,
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ns;
    use crate::xml::Document;

    fn read_doc(sc_ns: &str, inner: &str) -> Document {
        let text = format!(
            r#"<wsc:SecurityContextToken xmlns:wsc="{sc_ns}" xmlns:wsu="{}" wsu:Id="sct-1">{inner}</wsc:SecurityContextToken>"#,
            ns::WSU
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn feb2005_token() {
        let d = read_doc(
            ns::WSC_2005,
            "<wsc:Identifier>\n urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08\n</wsc:Identifier>",
        );
        let t = SecurityContextToken::read(d.root_element());
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.version, ScVersion::Feb2005);
        assert_eq!(t.id.as_deref(), Some("sct-1"));
        assert_eq!(
            t.identifier.as_deref(),
            Some("urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08")
        );
        assert_eq!(t.instance, None);
    }

    #[test]
    fn v200512_token_with_instance() {
        let d = read_doc(
            ns::WSC,
            "<wsc:Identifier>urn:uuid:1</wsc:Identifier><wsc:Instance>urn:uuid:2</wsc:Instance>",
        );
        let t = SecurityContextToken::read(d.root_element());
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.version, ScVersion::V200512);
        assert_eq!(t.instance.as_deref(), Some("urn:uuid:2"));
    }

    #[test]
    fn missing_or_odd_identifier_is_a_problem() {
        let d = read_doc(ns::WSC, "");
        assert_eq!(
            SecurityContextToken::read(d.root_element()).problems.len(),
            1
        );
        let d = read_doc(ns::WSC, "<wsc:Identifier>abc</wsc:Identifier>");
        assert_eq!(
            SecurityContextToken::read(d.root_element()).problems.len(),
            1
        );
    }

    #[test]
    fn mixed_generations_are_a_problem() {
        let text = format!(
            r#"<wsc:SecurityContextToken xmlns:wsc="{}" xmlns:old="{}"><old:Identifier>urn:a</old:Identifier></wsc:SecurityContextToken>"#,
            ns::WSC,
            ns::WSC_2005
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let t = SecurityContextToken::read(d.root_element());
        assert_eq!(t.identifier.as_deref(), Some("urn:a"));
        assert_eq!(t.problems.len(), 1);
    }
}
