//! `wst:Entropy`: randomness one party contributes to a key. The requestor's and the issuer's
//! entropy combine into a computed key (CK/PSHA1); either may be sent in clear (BinarySecret)
//! or encrypted for the other party.

use crate::ns;
use crate::xml::Node;

use crate::wss::Problem;

use super::binary_secret::BinarySecret;
use super::version::{TrustVersion, note_generation};

/// What an Entropy element carries.
#[derive(Debug, Clone)]
pub enum EntropyContent<'d> {
    BinarySecret(BinarySecret<'d>),
    /// Entropy encrypted for the recipient as a key.
    EncryptedKey(Node<'d>),
    /// An encrypted BinarySecret.
    EncryptedData(Node<'d>),
}

/// A `wst:Entropy` element.
#[derive(Debug, Clone)]
pub struct Entropy<'d> {
    pub node: Node<'d>,
    /// `None` when the element holds nothing wskex recognizes (a problem says what).
    pub content: Option<EntropyContent<'d>>,
}

impl<'d> Entropy<'d> {
    /// Reads an Entropy element of a message of `version`; problems go to the message's list.
    pub fn read(node: Node<'d>, version: TrustVersion, problems: &mut Vec<Problem>) -> Entropy<'d> {
        let mut content = None;
        for child in node.child_elements() {
            let read = if ns::is_wst(child.namespace()) && child.local_name() == "BinarySecret" {
                note_generation(child, node, version, problems);
                Some(EntropyContent::BinarySecret(BinarySecret::read(
                    child, problems,
                )))
            } else if child.has_name(ns::XENC, "EncryptedKey") {
                Some(EntropyContent::EncryptedKey(child))
            } else if child.has_name(ns::XENC, "EncryptedData") {
                Some(EntropyContent::EncryptedData(child))
            } else {
                problems.push(Problem::at(
                    child,
                    format!(
                        "{} is not entropy wskex knows (BinarySecret, EncryptedKey, EncryptedData)",
                        child.qname()
                    ),
                ));
                None
            };
            match (&content, read) {
                (_, None) => {}
                (None, Some(c)) => content = Some(c),
                (Some(_), Some(_)) => problems.push(Problem::at(
                    child,
                    format!(
                        "a second entropy value in {}; the first is used",
                        node.qname()
                    ),
                )),
            }
        }
        if node.child_elements().next().is_none() {
            problems.push(Problem::at(node, format!("{} is empty", node.qname())));
        }
        Entropy { node, content }
    }

    /// The clear-text BinarySecret, when the entropy is sent that way.
    pub fn binary_secret(&self) -> Option<&BinarySecret<'d>> {
        match &self.content {
            Some(EntropyContent::BinarySecret(s)) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn read(inner: &str) -> (usize, Vec<Problem>) {
        let text = format!(
            r#"<t:Entropy xmlns:t="{}" xmlns:old="{}" xmlns:xenc="{}">{inner}</t:Entropy>"#,
            ns::WST,
            ns::WST_2005,
            ns::XENC
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let mut problems = Vec::new();
        let e = Entropy::read(d.root_element(), TrustVersion::V200512, &mut problems);
        (usize::from(e.content.is_some()), problems)
    }

    #[test]
    fn one_value_is_read() {
        assert_eq!(read("<t:BinarySecret>AQID</t:BinarySecret>"), (1, vec![]));
        assert_eq!(read(r#"<xenc:EncryptedData Id="x"/>"#).0, 1);
    }

    #[test]
    fn empty_doubled_foreign_and_mixed_entropy_are_problems() {
        assert_eq!(read("").1.len(), 1);
        let (found, problems) = read("<t:BinarySecret>AQID</t:BinarySecret><xenc:EncryptedKey/>");
        assert_eq!((found, problems.len()), (1, 1));
        let (found, problems) = read("<t:Nonce>AQID</t:Nonce>");
        assert_eq!((found, problems.len()), (0, 1));
        let (found, problems) = read("<old:BinarySecret>AQID</old:BinarySecret>");
        assert_eq!((found, problems.len()), (1, 1));
        assert!(problems[0].message.contains("2005/02"));
    }
}
