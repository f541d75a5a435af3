//! `wsse:BinarySecurityToken`: a binary token (usually an X.509 certificate) carried in the
//! header so signatures and encrypted keys can reference the sender's or recipient's key.

use crate::ns;
use crate::xml::Node;

use crate::wss::problem::Problem;
use crate::wss::read::{attribute, base64_text, short, wsu_id};
use crate::wss::uris;

/// What a BinarySecurityToken's ValueType says the bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryTokenKind {
    /// One DER X.509 v3 certificate.
    X509V3,
    /// One DER X.509 v1 certificate (no extensions, so no subject key identifier).
    X509V1,
    /// A DER `SEQUENCE OF Certificate` (PkiPath): the chain, to be split by a later layer.
    X509PkiPathV1,
    /// A PKCS#7 bag of certificates.
    Pkcs7,
    /// Another profile's token (Kerberos, ...), kept as its URI.
    Other(String),
    /// No ValueType attribute.
    Unspecified,
}

impl BinaryTokenKind {
    pub fn classify(value_type: Option<&str>) -> BinaryTokenKind {
        match value_type {
            None => BinaryTokenKind::Unspecified,
            Some(uris::X509V3) => BinaryTokenKind::X509V3,
            Some(uris::X509V1) => BinaryTokenKind::X509V1,
            Some(uris::X509_PKI_PATH_V1) => BinaryTokenKind::X509PkiPathV1,
            Some(uris::PKCS7) => BinaryTokenKind::Pkcs7,
            Some(other) => BinaryTokenKind::Other(other.to_string()),
        }
    }

    /// True for the kinds that hold X.509 certificates.
    pub fn is_x509(&self) -> bool {
        matches!(
            self,
            BinaryTokenKind::X509V3
                | BinaryTokenKind::X509V1
                | BinaryTokenKind::X509PkiPathV1
                | BinaryTokenKind::Pkcs7
        )
    }
}

/// A `wsse:BinarySecurityToken`: the bytes as decoded, and what they claim to be.
#[derive(Debug, Clone)]
pub struct BinarySecurityToken<'d> {
    pub node: Node<'d>,
    pub id: Option<String>,
    pub value_type: Option<String>,
    pub kind: BinaryTokenKind,
    pub encoding_type: Option<String>,
    /// The decoded content; `None` when it did not decode or is an MTOM attachment.
    pub data: Option<Vec<u8>>,
    /// `xop:Include/@href` when the content travels as an MTOM attachment.
    pub xop_include: Option<String>,
    pub problems: Vec<Problem>,
}

impl<'d> BinarySecurityToken<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> BinarySecurityToken<'d> {
        let mut problems = Vec::new();
        let value_type = attribute(node, "ValueType");
        let kind = BinaryTokenKind::classify(value_type.as_deref());
        if kind == BinaryTokenKind::Unspecified {
            problems.push(Problem::at(
                node,
                "wsse:BinarySecurityToken has no ValueType: what the bytes are is unknown",
            ));
        }
        let encoding_type = attribute(node, "EncodingType");
        let xop_include = node
            .child(ns::XOP, "Include")
            .map(|x| x.attribute("href").unwrap_or_default().to_string());
        let data = if xop_include.is_some() {
            None
        } else {
            read_content(node, encoding_type.as_deref(), &mut problems)
        };
        if let Some(bytes) = &data
            && matches!(
                kind,
                BinaryTokenKind::X509V3 | BinaryTokenKind::X509V1 | BinaryTokenKind::X509PkiPathV1
            )
            && let Err(reason) = check_der_sequence(bytes)
        {
            problems.push(Problem::at(
                node,
                format!("wsse:BinarySecurityToken: {reason}"),
            ));
        }
        BinarySecurityToken {
            node,
            id: wsu_id(node),
            value_type,
            kind,
            encoding_type,
            data,
            xop_include,
            problems,
        }
    }
}

/// Decodes the token text by its EncodingType (Base64Binary when absent, as WS-Security 1.1
/// says); an empty or undecodable token is a problem.
fn read_content(
    node: Node<'_>,
    encoding: Option<&str>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<u8>> {
    let bytes = match encoding {
        None | Some(uris::BASE64_BINARY) => {
            base64_text(node, "wsse:BinarySecurityToken", problems)?
        }
        Some(uris::HEX_BINARY) => {
            let text: String = node
                .text_content()
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            match hex::decode(&text) {
                Ok(bytes) => bytes,
                Err(error) => {
                    problems.push(Problem::at(
                        node,
                        format!("wsse:BinarySecurityToken: invalid hexadecimal content: {error}"),
                    ));
                    return None;
                }
            }
        }
        Some(other) => {
            problems.push(Problem::at(
                node,
                format!(
                    "wsse:BinarySecurityToken EncodingType {:?} is not Base64Binary or HexBinary; content not decoded",
                    short(other)
                ),
            ));
            return None;
        }
    };
    if bytes.is_empty() {
        problems.push(Problem::at(node, "wsse:BinarySecurityToken is empty"));
        return None;
    }
    Some(bytes)
}

/// Checks that the bytes are exactly one DER SEQUENCE (a certificate or a PkiPath), so a
/// truncated or padded token is reported here rather than as a puzzling parse error later.
fn check_der_sequence(bytes: &[u8]) -> Result<(), String> {
    let (&tag, rest) = bytes.split_first().ok_or("no content")?;
    if tag != 0x30 {
        return Err(format!(
            "content starts with byte {tag:#04x}, not a DER SEQUENCE"
        ));
    }
    let (&first, rest) = rest.split_first().ok_or("DER length missing")?;
    let (length, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return Err("DER length is malformed".to_string());
        }
        let length = rest[..count]
            .iter()
            .fold(0usize, |n, b| (n << 8) | usize::from(*b));
        (length, 2 + count)
    };
    let expected = header + length;
    match expected.cmp(&bytes.len()) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Greater => Err(format!(
            "the DER SEQUENCE announces {expected} bytes but only {} are present (truncated)",
            bytes.len()
        )),
        std::cmp::Ordering::Less => Err(format!(
            "{} bytes follow the {expected}-byte DER SEQUENCE",
            bytes.len() - expected
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn read_doc(attrs: &str, content: &str) -> Document {
        let text = format!(
            r#"<wsse:BinarySecurityToken xmlns:wsse="{}" xmlns:wsu="{}" xmlns:xop="{}" wsu:Id="X1" {attrs}>{content}</wsse:BinarySecurityToken>"#,
            ns::WSSE,
            ns::WSU,
            ns::XOP
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn x509_kinds() {
        for (uri, kind) in [
            (uris::X509V3, BinaryTokenKind::X509V3),
            (uris::X509V1, BinaryTokenKind::X509V1),
            (uris::X509_PKI_PATH_V1, BinaryTokenKind::X509PkiPathV1),
            (uris::PKCS7, BinaryTokenKind::Pkcs7),
        ] {
            let d = read_doc(
                &format!(
                    r#"ValueType="{uri}" EncodingType="{}""#,
                    uris::BASE64_BINARY
                ),
                "MAQC\n  AQEC",
            );
            let t = BinarySecurityToken::read(d.root_element());
            assert_eq!(t.kind, kind);
            assert!(t.kind.is_x509());
            assert_eq!(t.id.as_deref(), Some("X1"));
            assert_eq!(
                t.data.as_deref(),
                Some(&[0x30, 0x04, 0x02, 0x01, 0x01, 0x02][..])
            );
            assert!(t.problems.is_empty(), "{:?}", t.problems);
        }
    }

    #[test]
    fn other_value_type_is_kept() {
        let uri = "http://docs.oasis-open.org/wss/oasis-wss-kerberos-token-profile-1.1#GSS_Kerberosv5_AP_REQ";
        let d = read_doc(&format!(r#"ValueType="{uri}""#), "AQID");
        let t = BinarySecurityToken::read(d.root_element());
        assert_eq!(t.kind, BinaryTokenKind::Other(uri.to_string()));
        assert!(!t.kind.is_x509());
        assert!(t.problems.is_empty());
    }

    #[test]
    fn missing_value_type_and_bad_base64_are_problems() {
        let d = read_doc("", "MIIB*AQID");
        let t = BinarySecurityToken::read(d.root_element());
        assert_eq!(t.kind, BinaryTokenKind::Unspecified);
        assert_eq!(t.data, None);
        assert_eq!(t.problems.len(), 2);
        assert_eq!(t.problems[1].position.offset, d.text().find('*').unwrap());
    }

    #[test]
    fn truncated_token_is_a_problem() {
        let d = read_doc(
            &format!(r#"ValueType="{}""#, uris::X509V3),
            "MIIDDTCCAfWgAwIBAgIJA",
        );
        let t = BinarySecurityToken::read(d.root_element());
        assert_eq!(t.data, None);
        assert!(
            t.problems[0].message.contains("truncated"),
            "{:?}",
            t.problems
        );
    }

    #[test]
    fn der_length_mismatch_is_a_problem() {
        for (content, says) in [
            ("MAUCAQEC", "truncated"),
            ("MAQCAQECAA==", "follow"),
            ("BAQCAQEC", "not a DER"),
        ] {
            let d = read_doc(&format!(r#"ValueType="{}""#, uris::X509V3), content);
            let t = BinarySecurityToken::read(d.root_element());
            assert!(t.data.is_some());
            assert!(t.problems[0].message.contains(says), "{:?}", t.problems);
        }
    }

    #[test]
    fn hex_and_unknown_encodings() {
        let d = read_doc(
            &format!(
                r#"ValueType="{}" EncodingType="{}""#,
                uris::X509V3,
                uris::HEX_BINARY
            ),
            "30 82 01",
        );
        let t = BinarySecurityToken::read(d.root_element());
        assert_eq!(t.data, Some(vec![0x30, 0x82, 0x01]));

        let d = read_doc(
            &format!(r#"ValueType="{}" EncodingType="urn:x""#, uris::X509V3),
            "AQID",
        );
        let t = BinarySecurityToken::read(d.root_element());
        assert_eq!(t.data, None);
        assert_eq!(t.problems.len(), 1);
    }

    #[test]
    fn mtom_attachment_is_kept_as_a_reference() {
        let d = read_doc(
            &format!(r#"ValueType="{}""#, uris::X509V3),
            r#"<xop:Include href="cid:cert@example"/>"#,
        );
        let t = BinarySecurityToken::read(d.root_element());
        assert_eq!(t.xop_include.as_deref(), Some("cid:cert@example"));
        assert_eq!(t.data, None);
        assert!(t.problems.is_empty());
    }
}
