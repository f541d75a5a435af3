//! `wst:RequestedProofToken`: how the requestor learns the key of the issued token. It is the
//! heart of every key exchange pattern: the key in clear (BinarySecret), wrapped for the
//! requestor (EncryptedKey), or to be computed from both entropies (ComputedKey).

use crate::ns;
use crate::xml::Node;

use crate::wss::Problem;

use super::binary_secret::BinarySecret;
use super::fields::{ComputedKey, note_uri_generation, uri_text};
use super::version::{TrustVersion, note_generation};

/// What a RequestedProofToken holds.
#[derive(Debug, Clone)]
pub enum ProofToken<'d> {
    /// The key itself, base64 in the message (protected only by transport or by encrypting
    /// the body).
    BinarySecret(BinarySecret<'d>),
    /// The key wrapped for the requestor.
    EncryptedKey(Node<'d>),
    /// An encrypted BinarySecret.
    EncryptedData(Node<'d>),
    /// The key is computed from the requestor's and the issuer's entropy with this algorithm.
    ComputedKey(ComputedKey),
}

/// A `wst:RequestedProofToken` element.
#[derive(Debug, Clone)]
pub struct RequestedProofToken<'d> {
    pub node: Node<'d>,
    /// `None` when the element holds nothing wskex recognizes (a problem says what).
    pub content: Option<ProofToken<'d>>,
}

impl<'d> RequestedProofToken<'d> {
    /// Reads a RequestedProofToken of a message of `version`; problems go to its list.
    pub fn read(
        node: Node<'d>,
        version: TrustVersion,
        problems: &mut Vec<Problem>,
    ) -> RequestedProofToken<'d> {
        let mut content = None;
        for child in node.child_elements() {
            let is_wst = ns::is_wst(child.namespace());
            let read = match child.local_name() {
                "BinarySecret" if is_wst => {
                    note_generation(child, node, version, problems);
                    Some(ProofToken::BinarySecret(BinarySecret::read(
                        child, problems,
                    )))
                }
                "ComputedKey" if is_wst => {
                    note_generation(child, node, version, problems);
                    let c = ComputedKey::classify(&uri_text(child, problems));
                    note_uri_generation(child, c.version, version, problems);
                    Some(ProofToken::ComputedKey(c))
                }
                "EncryptedKey" if child.namespace() == ns::XENC => {
                    Some(ProofToken::EncryptedKey(child))
                }
                "EncryptedData" if child.namespace() == ns::XENC => {
                    Some(ProofToken::EncryptedData(child))
                }
                _ => {
                    problems.push(Problem::at(
                        child,
                        format!(
                            "{} is not a proof token wskex knows (BinarySecret, EncryptedKey, ComputedKey)",
                            child.qname()
                        ),
                    ));
                    None
                }
            };
            match (&content, read) {
                (_, None) => {}
                (None, Some(c)) => content = Some(c),
                (Some(_), Some(_)) => problems.push(Problem::at(
                    child,
                    "a second proof token in one RequestedProofToken; the first is used",
                )),
            }
        }
        if node.child_elements().next().is_none() {
            problems.push(Problem::at(node, "wst:RequestedProofToken is empty"));
        }
        RequestedProofToken { node, content }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::fields::ComputedKeyKind;
    use crate::xml::Document;

    fn read(inner: &str) -> (Option<String>, Vec<Problem>) {
        let text = format!(
            r#"<t:RequestedProofToken xmlns:t="{}" xmlns:xenc="{}">{inner}</t:RequestedProofToken>"#,
            ns::WST_2005,
            ns::XENC
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let mut problems = Vec::new();
        let p = RequestedProofToken::read(d.root_element(), TrustVersion::Feb2005, &mut problems);
        let kind = p.content.map(|c| match c {
            ProofToken::BinarySecret(_) => "secret".to_string(),
            ProofToken::EncryptedKey(_) => "ek".to_string(),
            ProofToken::EncryptedData(_) => "ed".to_string(),
            ProofToken::ComputedKey(ck) => format!("ck {:?}", ck.kind),
        });
        (kind, problems)
    }

    #[test]
    fn each_form() {
        assert_eq!(
            read("<t:BinarySecret>AQID</t:BinarySecret>").0.as_deref(),
            Some("secret")
        );
        assert_eq!(read("<xenc:EncryptedKey/>").0.as_deref(), Some("ek"));
        assert_eq!(read("<xenc:EncryptedData/>").0.as_deref(), Some("ed"));
        let (kind, problems) = read(
            "<t:ComputedKey> http://schemas.xmlsoap.org/ws/2005/02/trust/CK/PSHA1 </t:ComputedKey>",
        );
        assert_eq!(kind, Some(format!("ck {:?}", ComputedKeyKind::PSha1)));
        assert!(problems.is_empty());
    }

    #[test]
    fn broken_forms_are_problems() {
        let (kind, problems) = read("");
        assert_eq!((kind, problems.len()), (None, 1));
        let (kind, problems) = read("<t:Key>AQID</t:Key>");
        assert_eq!((kind, problems.len()), (None, 1));
        let (_, problems) = read(
            "<t:ComputedKey>http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1</t:ComputedKey>",
        );
        assert!(
            problems[0].message.contains("uses a WS-Trust 1.3"),
            "{problems:?}"
        );
        let (kind, problems) = read("<t:ComputedKey/><xenc:EncryptedKey/>");
        assert_eq!(kind.as_deref(), Some("ck Other"));
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
