//! `wsse:UsernameToken`: a user name with a password (in clear or as a digest over nonce,
//! created and password). wskex only shows it: it is how many RSTs authenticate the requestor.

use crate::ns;
use crate::xml::Node;

use crate::wss::datetime::{TimeValue, read_time};
use crate::wss::problem::Problem;
use crate::wss::read::{attribute, base64_text, unique_child, wsu_id};
use crate::wss::uris;

/// How the password is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordKind {
    /// `#PasswordText` (also the default when Type is absent): the password itself.
    Text,
    /// `#PasswordDigest`: Base64(SHA-1(nonce + created + password)).
    Digest,
    Other(String),
}

/// `wsse:Password` with its Type.
#[derive(Debug, Clone)]
pub struct Password<'d> {
    pub node: Node<'d>,
    /// As written (a clear-text password is shown to the user who loaded the capture).
    pub value: String,
    pub type_uri: Option<String>,
    pub kind: PasswordKind,
}

/// A `wsse:UsernameToken` header item.
#[derive(Debug, Clone)]
pub struct UsernameToken<'d> {
    pub node: Node<'d>,
    pub id: Option<String>,
    pub username: Option<String>,
    pub password: Option<Password<'d>>,
    /// The decoded `wsse:Nonce`.
    pub nonce: Option<Vec<u8>>,
    pub created: Option<TimeValue<'d>>,
    pub problems: Vec<Problem>,
}

impl<'d> UsernameToken<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> UsernameToken<'d> {
        let mut problems = Vec::new();
        let is_wsse = |n: &str| n == ns::WSSE;
        let username = unique_child(node, is_wsse, "Username", &mut problems)
            .map(|u| u.text_content().into_owned());
        if username.is_none() {
            problems.push(Problem::at(node, "wsse:UsernameToken has no wsse:Username"));
        }
        let password = unique_child(node, is_wsse, "Password", &mut problems).map(|p| {
            let type_uri = attribute(p, "Type");
            let kind = match type_uri.as_deref() {
                None | Some(uris::PASSWORD_TEXT) => PasswordKind::Text,
                Some(uris::PASSWORD_DIGEST) => PasswordKind::Digest,
                Some(other) => PasswordKind::Other(other.to_string()),
            };
            Password {
                node: p,
                value: p.text_content().into_owned(),
                type_uri,
                kind,
            }
        });
        let nonce_node = unique_child(node, is_wsse, "Nonce", &mut problems);
        let nonce = nonce_node.and_then(|n| match attribute(n, "EncodingType").as_deref() {
            None | Some(uris::BASE64_BINARY) => base64_text(n, "wsse:Nonce", &mut problems),
            Some(other) => {
                problems.push(Problem::at(
                    n,
                    format!("wsse:Nonce EncodingType {other:?} is not Base64Binary"),
                ));
                None
            }
        });
        let created = unique_child(node, |n| n == ns::WSU, "Created", &mut problems)
            .map(|c| read_time(c, &mut problems));
        if let Some(p) = &password
            && p.kind == PasswordKind::Digest
            && (nonce_node.is_none() || created.is_none())
        {
            problems.push(Problem::at(
                p.node,
                "a PasswordDigest needs wsse:Nonce and wsu:Created to be checked",
            ));
        }
        UsernameToken {
            node,
            id: wsu_id(node),
            username,
            password,
            nonce,
            created,
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn read_doc(inner: &str) -> Document {
        let text = format!(
            r#"<wsse:UsernameToken xmlns:wsse="{}" xmlns:wsu="{}" wsu:Id="UT-1">{inner}</wsse:UsernameToken>"#,
            ns::WSSE,
            ns::WSU
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn digest_password() {
        let d = read_doc(&format!(
            r#"<wsse:Username>alice</wsse:Username><wsse:Password Type="{}">weYI3nXd8LjMNVksCKFV8t3rgHh3Rw==</wsse:Password><wsse:Nonce EncodingType="{}">WScqanjCEAC4mQoBE07sAQ==</wsse:Nonce><wsu:Created>2003-07-16T01:24:32Z</wsu:Created>"#,
            uris::PASSWORD_DIGEST,
            uris::BASE64_BINARY
        ));
        let u = UsernameToken::read(d.root_element());
        assert!(u.problems.is_empty(), "{:?}", u.problems);
        assert_eq!(u.id.as_deref(), Some("UT-1"));
        assert_eq!(u.username.as_deref(), Some("alice"));
        assert_eq!(u.password.as_ref().unwrap().kind, PasswordKind::Digest);
        assert_eq!(u.nonce.as_ref().unwrap().len(), 16);
        assert!(u.created.unwrap().utc.is_some());
    }

    #[test]
    fn text_password_by_default() {
        let d = read_doc("<wsse:Username>bob</wsse:Username><wsse:Password>secret</wsse:Password>");
        let u = UsernameToken::read(d.root_element());
        let p = u.password.unwrap();
        assert_eq!(
            (p.kind, p.value.as_str(), p.type_uri),
            (PasswordKind::Text, "secret", None)
        );
        assert!(u.problems.is_empty());
    }

    #[test]
    fn missing_parts_are_problems() {
        let d = read_doc(&format!(
            r#"<wsse:Password Type="{}">x</wsse:Password><wsse:Nonce>!!</wsse:Nonce>"#,
            uris::PASSWORD_DIGEST
        ));
        let u = UsernameToken::read(d.root_element());
        assert_eq!(u.username, None);
        assert_eq!(u.nonce, None);
        assert_eq!(u.problems.len(), 3, "{:?}", u.problems);
    }
}
