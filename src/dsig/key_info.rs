//! What a `ds:KeyInfo` says about the key, read as written. Turning it into a key is the job
//! of a resolver (plain XML-DSig here, WS-Security tokens in `wss`).

use crate::ns;
use crate::xml::Node;
use crate::xml::base64;

#[derive(Debug, Clone)]
pub enum KeyInfoItem<'d> {
    KeyName(String),
    RsaKeyValue {
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    X509Data(X509Data),
    RetrievalMethod {
        uri: String,
        type_uri: Option<String>,
    },
    EncryptedKey(Node<'d>),
    SecurityTokenReference(Node<'d>),
    /// A child wskex does not read (DSAKeyValue, ECKeyValue, PGPData, ...).
    Other(Node<'d>),
    /// A child that could not be read (bad base64, missing parts), and why.
    Invalid {
        node: Node<'d>,
        problem: String,
    },
}

/// The contents of `ds:X509Data`.
#[derive(Debug, Clone, Default)]
pub struct X509Data {
    /// DER certificates, in document order.
    pub certificates: Vec<Vec<u8>>,
    pub issuer_serial: Option<(String, String)>,
    pub subject_key_identifier: Option<Vec<u8>>,
    pub subject_name: Option<String>,
}

/// Reads every child of a KeyInfo element.
pub fn read_key_info(key_info: Node<'_>) -> Vec<KeyInfoItem<'_>> {
    key_info.child_elements().map(read_item).collect()
}

fn read_item(node: Node<'_>) -> KeyInfoItem<'_> {
    let invalid = |problem: String| KeyInfoItem::Invalid { node, problem };
    match (node.namespace(), node.local_name()) {
        (ns::DS, "KeyName") => KeyInfoItem::KeyName(node.text_content().trim().to_string()),
        (ns::DS, "KeyValue") => match node.child(ns::DS, "RSAKeyValue") {
            Some(rsa) => {
                let part = |name: &str| -> Result<Vec<u8>, String> {
                    let el = rsa
                        .child(ns::DS, name)
                        .ok_or(format!("RSAKeyValue has no {name}"))?;
                    base64::decode(&el.text_content())
                        .map_err(|e| format!("RSAKeyValue {name}: {e}"))
                };
                match (part("Modulus"), part("Exponent")) {
                    (Ok(modulus), Ok(exponent)) => KeyInfoItem::RsaKeyValue { modulus, exponent },
                    (Err(e), _) | (_, Err(e)) => invalid(e),
                }
            }
            None => KeyInfoItem::Other(node),
        },
        (ns::DS, "X509Data") => match read_x509_data(node) {
            Ok(data) => KeyInfoItem::X509Data(data),
            Err(e) => invalid(e),
        },
        (ns::DS, "RetrievalMethod") => KeyInfoItem::RetrievalMethod {
            uri: node.attribute("URI").unwrap_or("").to_string(),
            type_uri: node.attribute("Type").map(str::to_string),
        },
        (ns::XENC, "EncryptedKey") => KeyInfoItem::EncryptedKey(node),
        (ns::WSSE, "SecurityTokenReference") => KeyInfoItem::SecurityTokenReference(node),
        _ => KeyInfoItem::Other(node),
    }
}

fn read_x509_data(node: Node<'_>) -> Result<X509Data, String> {
    let mut data = X509Data::default();
    for child in node.child_elements().filter(|c| c.namespace() == ns::DS) {
        let text = child.text_content();
        match child.local_name() {
            "X509Certificate" => {
                data.certificates
                    .push(base64::decode(&text).map_err(|e| format!("X509Certificate: {e}"))?);
            }
            "X509SKI" => {
                data.subject_key_identifier =
                    Some(base64::decode(&text).map_err(|e| format!("X509SKI: {e}"))?);
            }
            "X509SubjectName" => data.subject_name = Some(text.trim().to_string()),
            "X509IssuerSerial" => {
                let part = |name: &str| {
                    child
                        .child(ns::DS, name)
                        .map(|n| n.text_content().trim().to_string())
                };
                match (part("X509IssuerName"), part("X509SerialNumber")) {
                    (Some(issuer), Some(serial)) => data.issuer_serial = Some((issuer, serial)),
                    _ => {
                        return Err(
                            "X509IssuerSerial lacks X509IssuerName or X509SerialNumber".into()
                        );
                    }
                }
            }
            _ => {}
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    #[test]
    fn reads_the_common_children() {
        let xml = r##"<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
            <ds:KeyName>job</ds:KeyName>
            <ds:KeyValue><ds:RSAKeyValue><ds:Modulus>AQAB</ds:Modulus><ds:Exponent>AQAB</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>
            <ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=a</ds:X509IssuerName><ds:X509SerialNumber>7</ds:X509SerialNumber></ds:X509IssuerSerial><ds:X509SKI>AQID</ds:X509SKI></ds:X509Data>
            <ds:RetrievalMethod URI="#ek" Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey"/>
            <ds:X509Data><ds:X509Certificate>!!</ds:X509Certificate></ds:X509Data>
        </ds:KeyInfo>"##;
        let doc = Document::parse_str(xml, "t").unwrap();
        let items = read_key_info(doc.root_element());
        assert!(matches!(&items[0], KeyInfoItem::KeyName(n) if n == "job"));
        assert!(
            matches!(&items[1], KeyInfoItem::RsaKeyValue { exponent, .. } if exponent == &[1, 0, 1])
        );
        assert!(
            matches!(&items[2], KeyInfoItem::X509Data(d) if d.issuer_serial == Some(("CN=a".into(), "7".into())) && d.subject_key_identifier == Some(vec![1, 2, 3]))
        );
        assert!(matches!(&items[3], KeyInfoItem::RetrievalMethod { uri, .. } if uri == "#ek"));
        assert!(matches!(&items[4], KeyInfoItem::Invalid { .. }));
    }
}
