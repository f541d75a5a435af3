//! `wsse:SecurityTokenReference`: how a signature, an encryption or a derived key names the
//! token that holds its key. Read into what it says, not resolved: the header processor
//! resolves it against the token store (ids in this message, SCT identifiers and
//! EncryptedKeySHA1 values from earlier ones, certificates the user supplied).

use crate::ns;
use crate::xml::Node;

use super::problem::Problem;
use super::read::{attribute, base64_text, short, trimmed_text, unique_child, wsu_id};
use super::uris;

/// A SecurityTokenReference as written: its own id, the token type it declares, and the one
/// form of reference it uses.
#[derive(Debug, Clone)]
pub struct SecurityTokenReference<'d> {
    pub node: Node<'d>,
    /// `wsu:Id` of the STR itself (the STR-Transform and some signatures point at it).
    pub id: Option<String>,
    /// `wsse11:TokenType`: what kind of token the reference should land on.
    pub token_type: Option<String>,
    /// `None` when no recognized reference form is present (a problem says what was found).
    pub form: Option<StrForm<'d>>,
    pub problems: Vec<Problem>,
}

/// The ways an STR can designate a token.
#[derive(Debug, Clone)]
pub enum StrForm<'d> {
    /// `wsse:Reference URI=...`: by id in this message or by an absolute URI (an SCT Identifier).
    Reference(DirectReference<'d>),
    /// `wsse:KeyIdentifier`: by a value computed from the token (thumbprint, SKI, hash of an
    /// EncryptedKey) or a SAML assertion id.
    KeyIdentifier(KeyIdentifier<'d>),
    /// `ds:X509Data/ds:X509IssuerSerial`: by the certificate's issuer name and serial number.
    X509IssuerSerial(IssuerSerial<'d>),
    /// `wsse:Embedded`: the token itself, inside the reference.
    Embedded(EmbeddedToken<'d>),
}

/// `wsse:Reference`: a URI naming the token.
#[derive(Debug, Clone)]
pub struct DirectReference<'d> {
    pub node: Node<'d>,
    /// As written: `#id` for a token in this message, or an absolute URI such as an SCT's
    /// `wsc:Identifier` (no `#`) for a token known from elsewhere.
    pub uri: String,
    pub value_type: Option<String>,
}

impl DirectReference<'_> {
    /// The id after `#` when the URI points into this message.
    pub fn local_id(&self) -> Option<&str> {
        self.uri.strip_prefix('#')
    }
}

/// What a `wsse:KeyIdentifier`'s ValueType says the value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyIdentifierKind {
    /// SHA-1 of the DER certificate.
    ThumbprintSha1,
    /// The certificate's subject key identifier (or SHA-1 of the public key bits for v1).
    X509SubjectKeyIdentifier,
    /// SHA-1 of an EncryptedKey's decoded CipherValue, often from the previous message.
    EncryptedKeySha1,
    /// SAML 1.1 `AssertionID` (the value is text, not base64).
    SamlAssertionId,
    /// SAML 2.0 `ID` (the value is text, not base64).
    SamlId,
    /// A ValueType wskex does not know, kept as written.
    Other(String),
    /// No ValueType attribute.
    Unspecified,
}

impl KeyIdentifierKind {
    pub fn classify(value_type: Option<&str>) -> KeyIdentifierKind {
        match value_type {
            None => KeyIdentifierKind::Unspecified,
            Some(uris::THUMBPRINT_SHA1) => KeyIdentifierKind::ThumbprintSha1,
            Some(uris::X509_SUBJECT_KEY_IDENTIFIER) => KeyIdentifierKind::X509SubjectKeyIdentifier,
            Some(uris::ENCRYPTED_KEY_SHA1) => KeyIdentifierKind::EncryptedKeySha1,
            Some(uris::SAML_ASSERTION_ID) => KeyIdentifierKind::SamlAssertionId,
            Some(uris::SAML_ID) => KeyIdentifierKind::SamlId,
            Some(other) => KeyIdentifierKind::Other(other.to_string()),
        }
    }

    /// SAML identifiers are written as text; every other kind is base64.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            KeyIdentifierKind::SamlAssertionId | KeyIdentifierKind::SamlId
        )
    }
}

/// `wsse:KeyIdentifier`: a value that identifies the token.
#[derive(Debug, Clone)]
pub struct KeyIdentifier<'d> {
    pub node: Node<'d>,
    pub value_type: Option<String>,
    pub kind: KeyIdentifierKind,
    pub encoding_type: Option<String>,
    /// The value as written (trimmed): the id itself for SAML kinds.
    pub text: String,
    /// The decoded bytes for base64 kinds; `None` for SAML ids and when decoding failed.
    pub value: Option<Vec<u8>>,
}

/// `ds:X509IssuerSerial`: the certificate's issuer distinguished name and serial number.
#[derive(Debug, Clone)]
pub struct IssuerSerial<'d> {
    pub node: Node<'d>,
    pub issuer: Option<String>,
    /// Decimal, as written (serials exceed 64 bits).
    pub serial: Option<String>,
}

/// `wsse:Embedded`: a token carried inside the reference.
#[derive(Debug, Clone)]
pub struct EmbeddedToken<'d> {
    pub node: Node<'d>,
    pub id: Option<String>,
    /// The token element inside.
    pub token: Option<Node<'d>>,
}

impl<'d> SecurityTokenReference<'d> {
    /// Reads a `wsse:SecurityTokenReference` element.
    pub fn read(node: Node<'d>) -> SecurityTokenReference<'d> {
        let mut problems = Vec::new();
        if !node.has_name(ns::WSSE, "SecurityTokenReference") {
            problems.push(Problem::at(
                node,
                format!(
                    "expected wsse:SecurityTokenReference, found {}",
                    node.expanded_name()
                ),
            ));
        }
        let mut form = None;
        for child in node.child_elements() {
            let read = read_form(child, &mut problems);
            match (&form, read) {
                (_, None) => {}
                (None, Some(f)) => form = Some(f),
                (Some(_), Some(_)) => problems.push(Problem::at(
                    child,
                    format!(
                        "a second reference form {} in one SecurityTokenReference; the first is used",
                        child.qname()
                    ),
                )),
            }
        }
        if form.is_none() && node.child_elements().next().is_none() {
            problems.push(Problem::at(
                node,
                "SecurityTokenReference is empty: it names no token",
            ));
        }
        SecurityTokenReference {
            node,
            id: wsu_id(node),
            token_type: node
                .attribute_ns(ns::WSSE11, "TokenType")
                .map(|v| v.trim().to_string()),
            form,
            problems,
        }
    }

    /// The direct reference, when the STR uses that form.
    pub fn reference(&self) -> Option<&DirectReference<'d>> {
        match &self.form {
            Some(StrForm::Reference(r)) => Some(r),
            _ => None,
        }
    }

    /// The key identifier, when the STR uses that form.
    pub fn key_identifier(&self) -> Option<&KeyIdentifier<'d>> {
        match &self.form {
            Some(StrForm::KeyIdentifier(k)) => Some(k),
            _ => None,
        }
    }
}

/// One child of an STR; unknown children become problems.
fn read_form<'d>(child: Node<'d>, problems: &mut Vec<Problem>) -> Option<StrForm<'d>> {
    let (namespace, local) = (child.namespace(), child.local_name());
    match (namespace, local) {
        (ns::WSSE, "Reference") => Some(StrForm::Reference(read_reference(child, problems))),
        (ns::WSSE, "KeyIdentifier") => {
            Some(StrForm::KeyIdentifier(read_key_identifier(child, problems)))
        }
        (ns::WSSE, "Embedded") => Some(StrForm::Embedded(read_embedded(child, problems))),
        (ns::DS, "X509Data") => read_x509_data(child, problems).map(StrForm::X509IssuerSerial),
        _ => {
            problems.push(Problem::at(
                child,
                format!(
                    "{} is not a SecurityTokenReference form wskex knows (expected wsse:Reference, \
                     wsse:KeyIdentifier, ds:X509Data/ds:X509IssuerSerial or wsse:Embedded)",
                    child.expanded_name()
                ),
            ));
            None
        }
    }
}

fn read_reference<'d>(node: Node<'d>, problems: &mut Vec<Problem>) -> DirectReference<'d> {
    let uri = attribute(node, "URI");
    match uri.as_deref() {
        None => problems.push(Problem::at(node, "wsse:Reference has no URI attribute")),
        Some("") | Some("#") => problems.push(Problem::at(node, "wsse:Reference has an empty URI")),
        Some(_) => {}
    }
    DirectReference {
        node,
        uri: uri.unwrap_or_default(),
        value_type: attribute(node, "ValueType"),
    }
}

fn read_key_identifier<'d>(node: Node<'d>, problems: &mut Vec<Problem>) -> KeyIdentifier<'d> {
    let value_type = attribute(node, "ValueType");
    let kind = KeyIdentifierKind::classify(value_type.as_deref());
    let encoding_type = attribute(node, "EncodingType");
    let text = trimmed_text(node);
    if text.is_empty() {
        problems.push(Problem::at(node, "wsse:KeyIdentifier is empty"));
    }
    if kind == KeyIdentifierKind::Unspecified {
        problems.push(Problem::at(
            node,
            "wsse:KeyIdentifier has no ValueType: what it identifies is unknown",
        ));
    }
    let value = if kind.is_text() || text.is_empty() {
        None
    } else {
        match encoding_type.as_deref() {
            None | Some(uris::BASE64_BINARY) => base64_text(node, "wsse:KeyIdentifier", problems),
            Some(other) => {
                problems.push(Problem::at(
                    node,
                    format!("wsse:KeyIdentifier EncodingType {other:?} is not Base64Binary; value not decoded"),
                ));
                None
            }
        }
    };
    if let (Some(bytes), KeyIdentifierKind::ThumbprintSha1 | KeyIdentifierKind::EncryptedKeySha1) =
        (&value, &kind)
        && bytes.len() != 20
    {
        problems.push(Problem::at(
            node,
            format!(
                "wsse:KeyIdentifier is a SHA-1 value but decodes to {} bytes, not 20",
                bytes.len()
            ),
        ));
    }
    KeyIdentifier {
        node,
        value_type,
        kind,
        encoding_type,
        text,
        value,
    }
}

fn read_x509_data<'d>(node: Node<'d>, problems: &mut Vec<Problem>) -> Option<IssuerSerial<'d>> {
    let Some(issuer_serial) = unique_child(node, |n| n == ns::DS, "X509IssuerSerial", problems)
    else {
        let found = node
            .child_elements()
            .map(|c| c.qname().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        problems.push(Problem::at(
            node,
            format!(
                "ds:X509Data in a SecurityTokenReference must hold ds:X509IssuerSerial; found [{found}]"
            ),
        ));
        return None;
    };
    let issuer =
        unique_child(issuer_serial, |n| n == ns::DS, "X509IssuerName", problems).map(trimmed_text);
    let serial = unique_child(issuer_serial, |n| n == ns::DS, "X509SerialNumber", problems)
        .map(trimmed_text);
    match &issuer {
        None => problems.push(Problem::at(
            issuer_serial,
            "ds:X509IssuerSerial has no ds:X509IssuerName",
        )),
        Some(name) if name.is_empty() => {
            problems.push(Problem::at(issuer_serial, "ds:X509IssuerName is empty"))
        }
        Some(_) => {}
    }
    match &serial {
        None => problems.push(Problem::at(
            issuer_serial,
            "ds:X509IssuerSerial has no ds:X509SerialNumber",
        )),
        Some(s) if !is_decimal_integer(s) => problems.push(Problem::at(
            issuer_serial,
            format!(
                "ds:X509SerialNumber {:?} is not a decimal integer",
                short(s)
            ),
        )),
        Some(_) => {}
    }
    Some(IssuerSerial {
        node: issuer_serial,
        issuer,
        serial,
    })
}

fn is_decimal_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn read_embedded<'d>(node: Node<'d>, problems: &mut Vec<Problem>) -> EmbeddedToken<'d> {
    let mut tokens = node.child_elements();
    let token = tokens.next();
    if token.is_none() {
        problems.push(Problem::at(node, "wsse:Embedded holds no token"));
    }
    if let Some(extra) = tokens.next() {
        problems.push(Problem::at(
            extra,
            "wsse:Embedded holds more than one element; the first is the token",
        ));
    }
    EmbeddedToken {
        node,
        id: wsu_id(node),
        token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    const NS: &str = r#"xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsse11="http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#;

    fn doc(inner: &str) -> Document {
        let text = format!(
            r#"<wsse:SecurityTokenReference {NS} wsu:Id="STR-1" wsse11:TokenType="http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKey">{inner}</wsse:SecurityTokenReference>"#
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn reference_to_a_local_id() {
        let d = doc(
            r##"<wsse:Reference URI="#EK-1" ValueType="http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKey"/>"##,
        );
        let s = SecurityTokenReference::read(d.root_element());
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.id.as_deref(), Some("STR-1"));
        assert_eq!(s.token_type.as_deref(), Some(uris::ENCRYPTED_KEY_TOKEN));
        let r = s.reference().unwrap();
        assert_eq!(r.uri, "#EK-1");
        assert_eq!(r.local_id(), Some("EK-1"));
        assert_eq!(r.value_type.as_deref(), Some(uris::ENCRYPTED_KEY_TOKEN));
    }

    #[test]
    fn reference_to_an_sct_identifier() {
        let d = doc(
            r#"<wsse:Reference URI="urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08" ValueType="http://schemas.xmlsoap.org/ws/2005/02/sc/sct"/>"#,
        );
        let s = SecurityTokenReference::read(d.root_element());
        let r = s.reference().unwrap();
        assert_eq!(r.local_id(), None);
        assert_eq!(r.uri, "urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08");
        assert_eq!(
            uris::token_type_name(r.value_type.as_deref().unwrap()),
            Some("SecurityContextToken (2005/02)")
        );
    }

    #[test]
    fn reference_without_uri_is_a_problem() {
        let d = doc(r#"<wsse:Reference/>"#);
        let s = SecurityTokenReference::read(d.root_element());
        assert_eq!(s.reference().unwrap().uri, "");
        assert_eq!(s.problems.len(), 1);
    }

    fn key_identifier(
        value_type: &str,
        value: &str,
    ) -> (KeyIdentifierKind, Option<Vec<u8>>, String, Vec<Problem>) {
        let d = doc(&format!(
            r#"<wsse:KeyIdentifier EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary" ValueType="{value_type}">{value}</wsse:KeyIdentifier>"#
        ));
        let s = SecurityTokenReference::read(d.root_element());
        let k = s.key_identifier().unwrap();
        (k.kind.clone(), k.value.clone(), k.text.clone(), s.problems)
    }

    #[test]
    fn key_identifier_kinds() {
        let (kind, value, _, problems) =
            key_identifier(uris::THUMBPRINT_SHA1, "HYL371NzoOs2+IA24VDkBGcUFQM=");
        assert_eq!(kind, KeyIdentifierKind::ThumbprintSha1);
        assert_eq!(value.unwrap().len(), 20);
        assert!(problems.is_empty());

        let (kind, value, _, problems) =
            key_identifier(uris::ENCRYPTED_KEY_SHA1, "Ex5vdwadjBaRqNFUi5w1L7JcgFs=");
        assert_eq!(kind, KeyIdentifierKind::EncryptedKeySha1);
        assert_eq!(
            hex::encode(value.unwrap()),
            "131e6f77069d8c1691a8d1548b9c352fb25c805b"
        );
        assert!(problems.is_empty());

        let (kind, value, _, _) = key_identifier(uris::X509_SUBJECT_KEY_IDENTIFIER, "AQID");
        assert_eq!(kind, KeyIdentifierKind::X509SubjectKeyIdentifier);
        assert_eq!(value.unwrap(), vec![1, 2, 3]);

        let (kind, value, text, problems) =
            key_identifier(uris::SAML_ASSERTION_ID, " 55763a2c96eb ");
        assert_eq!(kind, KeyIdentifierKind::SamlAssertionId);
        assert_eq!((value, text.as_str()), (None, "55763a2c96eb"));
        assert!(problems.is_empty());

        let (kind, value, text, _) =
            key_identifier(uris::SAML_ID, "_a75adf55-01d7-40cc-929f-dbd8372ebdfc");
        assert_eq!(kind, KeyIdentifierKind::SamlId);
        assert_eq!(
            (value, text.as_str()),
            (None, "_a75adf55-01d7-40cc-929f-dbd8372ebdfc")
        );

        let (kind, _, _, _) = key_identifier("urn:example:kerberos", "AQID");
        assert_eq!(
            kind,
            KeyIdentifierKind::Other("urn:example:kerberos".into())
        );
    }

    #[test]
    fn bad_key_identifiers_are_problems() {
        let (_, value, _, problems) = key_identifier(uris::THUMBPRINT_SHA1, "AQID");
        assert!(value.is_some());
        assert!(problems[0].message.contains("not 20"), "{problems:?}");

        let (_, value, _, problems) =
            key_identifier(uris::ENCRYPTED_KEY_SHA1, "Ex5vd$adjBaRqNFUi5w1L7JcgFs=");
        assert_eq!(value, None);
        assert!(problems[0].message.contains("invalid base64 character '$'"));
    }

    #[test]
    fn issuer_serial() {
        let d = doc(
            "<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=myAlias</ds:X509IssuerName>\n<ds:X509SerialNumber> 1181668586 </ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>",
        );
        let s = SecurityTokenReference::read(d.root_element());
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let Some(StrForm::X509IssuerSerial(is)) = &s.form else {
            panic!("{:?}", s.form)
        };
        assert_eq!(is.issuer.as_deref(), Some("CN=myAlias"));
        assert_eq!(is.serial.as_deref(), Some("1181668586"));
    }

    #[test]
    fn x509_data_without_issuer_serial_is_a_problem() {
        let d = doc("<ds:X509Data><ds:X509Certificate>AQID</ds:X509Certificate></ds:X509Data>");
        let s = SecurityTokenReference::read(d.root_element());
        assert!(s.form.is_none());
        assert!(s.problems[0].message.contains("ds:X509Certificate"));
    }

    #[test]
    fn bad_serial_is_a_problem() {
        let d = doc(
            "<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=a</ds:X509IssuerName><ds:X509SerialNumber>0x12</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>",
        );
        let s = SecurityTokenReference::read(d.root_element());
        assert!(s.form.is_some());
        assert_eq!(s.problems.len(), 1);
    }

    #[test]
    fn embedded_token() {
        let d = doc(
            r#"<wsse:Embedded wsu:Id="E1"><wsse:BinarySecurityToken>AQID</wsse:BinarySecurityToken></wsse:Embedded>"#,
        );
        let s = SecurityTokenReference::read(d.root_element());
        let Some(StrForm::Embedded(e)) = &s.form else {
            panic!()
        };
        assert_eq!(e.id.as_deref(), Some("E1"));
        assert_eq!(e.token.unwrap().local_name(), "BinarySecurityToken");
        assert!(s.problems.is_empty());
    }

    #[test]
    fn unknown_empty_and_doubled_forms_are_problems() {
        let s_doc = doc("<ds:KeyName>bob</ds:KeyName>");
        let s = SecurityTokenReference::read(s_doc.root_element());
        assert!(s.form.is_none());
        assert!(s.problems[0].message.contains("KeyName"));

        let s_doc = doc("");
        let s = SecurityTokenReference::read(s_doc.root_element());
        assert!(s.form.is_none());
        assert!(s.problems[0].message.contains("empty"));

        let s_doc = doc(r##"<wsse:Reference URI="#a"/><wsse:Reference URI="#b"/>"##);
        let s = SecurityTokenReference::read(s_doc.root_element());
        assert_eq!(s.reference().unwrap().uri, "#a");
        assert!(s.problems[0].message.contains("second reference form"));
    }
}
