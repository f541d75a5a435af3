//! Distinguished names: comparing the `ds:X509IssuerName` string of a message with a
//! certificate's issuer, and printing names for reports.
//!
//! Messages write RFC 2253/4514-style strings, but real stacks differ: `E=` or
//! `EMAILADDRESS=` or `1.2.840.113549.1.9.1=` for the e-mail attribute, spaces after commas,
//! and the attributes in certificate order instead of the reversed RFC order. Both sides are
//! reduced to a list of (attribute short name in upper case, normalised value) and compared
//! in either order.

use openssl::asn1::Asn1Object;
use openssl::nid::Nid;
use openssl::x509::X509NameRef;

/// A name as a list of (ATTRIBUTE, value) pairs with attribute names canonicalised and
/// values trimmed, whitespace-collapsed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedName(Vec<(String, String)>);

impl NormalizedName {
    /// Parses an RFC 2253/4514 string leniently (`,` `;` and `+` separate attributes,
    /// backslash escapes and quoted values are understood).
    pub fn parse(text: &str) -> NormalizedName {
        NormalizedName(
            split_attributes(text)
                .into_iter()
                .map(|(ty, value)| (normalize_type(&ty), normalize_value(&value)))
                .collect(),
        )
    }

    /// The name of a certificate, in its encoded order.
    pub fn from_x509(name: &X509NameRef) -> NormalizedName {
        NormalizedName(
            name.entries()
                .map(|entry| {
                    let ty = entry_type(entry.object());
                    let value = entry.data().to_string().unwrap_or_default();
                    (ty.to_uppercase(), normalize_value(&value))
                })
                .collect(),
        )
    }

    /// Same attributes and values, in the same or the reversed order.
    pub fn matches(&self, other: &NormalizedName) -> bool {
        self.0 == other.0 || self.0.iter().eq(other.0.iter().rev())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A certificate name for display, RFC 2253 style (most specific attribute first):
/// `CN=Sample Service,OU=Rampart,O=Apache,L=Colombo,ST=Western,C=LK`.
pub fn display_name(name: &X509NameRef) -> String {
    let parts: Vec<String> = name
        .entries()
        .map(|entry| {
            let ty = entry_type(entry.object());
            let value = entry
                .data()
                .to_string()
                .unwrap_or_else(|_| "#?".to_string());
            format!("{ty}={}", escape_value(&value))
        })
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join(",")
}

/// The `CN` of a name written RFC 2253 style (`CN=alice,O=Example` gives `alice`): the short
/// form a party is called by. `None` when the text has no common name (a file label).
pub fn common_name(text: &str) -> Option<String> {
    split_attributes(text)
        .into_iter()
        .find(|(ty, _)| ty.trim().eq_ignore_ascii_case("CN"))
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

fn entry_type(object: &openssl::asn1::Asn1ObjectRef) -> String {
    let nid = object.nid();
    if nid != Nid::UNDEF
        && let Ok(short) = nid.short_name()
    {
        return short.to_string();
    }
    object.to_string()
}

fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    if out.ends_with(' ') {
        out.pop();
        out.push_str("\\ ");
    }
    out
}

/// Canonical upper-case short name of an attribute type written in a message.
fn normalize_type(raw: &str) -> String {
    let trimmed = raw.trim();
    let without_prefix = trimmed
        .strip_prefix("OID.")
        .or_else(|| trimmed.strip_prefix("oid."))
        .unwrap_or(trimmed);
    let upper = without_prefix.to_uppercase();
    // Aliases used by Windows, Java and others that OpenSSL does not know by these names.
    let alias = match upper.as_str() {
        "E" | "EMAIL" | "EMAILADDRESS" => Some("EMAILADDRESS"),
        "S" => Some("ST"),
        "T" => Some("TITLE"),
        "SERIALNUMBER" => Some("SERIALNUMBER"),
        _ => None,
    };
    if let Some(alias) = alias {
        return alias.to_string();
    }
    // OpenSSL knows numeric OIDs and its own short and long names ("commonName", "CN").
    if !without_prefix.contains('\0')
        && let Ok(object) = Asn1Object::from_str(without_prefix)
    {
        let nid = object.nid();
        if nid != Nid::UNDEF
            && let Ok(short) = nid.short_name()
        {
            return short.to_uppercase();
        }
        return object.to_string().to_uppercase();
    }
    upper
}

fn normalize_value(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Splits an RFC 4514 string into (type, unescaped value) pairs.
fn split_attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        // Attribute type up to '='.
        let mut ty = String::new();
        for c in chars.by_ref() {
            if c == '=' {
                break;
            }
            ty.push(c);
        }
        if ty.trim().is_empty() && chars.peek().is_none() {
            break;
        }
        // Value up to an unescaped separator.
        let mut bytes: Vec<u8> = Vec::new();
        let mut in_quotes = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let Some(next) = chars.next() else { break };
                    let hex_pair = next.is_ascii_hexdigit()
                        && chars.peek().is_some_and(|n| n.is_ascii_hexdigit());
                    if hex_pair {
                        let low = chars.next().unwrap_or('0');
                        let pair: String = [next, low].iter().collect();
                        bytes.push(u8::from_str_radix(&pair, 16).unwrap_or(b'?'));
                    } else {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(next.encode_utf8(&mut buf).as_bytes());
                    }
                }
                '"' => in_quotes = !in_quotes,
                ',' | ';' | '+' if !in_quotes => break,
                other => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        out.push((ty, String::from_utf8_lossy(&bytes).into_owned()));
        if chars.peek().is_none() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::x509::X509Name;

    fn cert_name(entries: &[(&str, &str)]) -> openssl::x509::X509Name {
        let mut b = X509Name::builder().unwrap();
        for (k, v) in entries {
            b.append_entry_by_text(k, v).unwrap();
        }
        b.build()
    }

    #[test]
    fn parses_escapes_quotes_and_separators() {
        let n = NormalizedName::parse(r#"CN=a\,b, O="x, y" ;OU=q\2Bz+L=Col\20ombo"#);
        assert_eq!(
            n.0,
            vec![
                ("CN".to_string(), "a,b".to_string()),
                ("O".to_string(), "x, y".to_string()),
                ("OU".to_string(), "q+z".to_string()),
                ("L".to_string(), "col ombo".to_string()),
            ]
        );
        assert!(NormalizedName::parse("").is_empty());
    }

    #[test]
    fn attribute_aliases() {
        for t in [
            "E",
            "EMAILADDRESS",
            "emailAddress",
            "1.2.840.113549.1.9.1",
            "OID.1.2.840.113549.1.9.1",
        ] {
            assert_eq!(normalize_type(t), "EMAILADDRESS", "{t}");
        }
        assert_eq!(normalize_type("commonName"), "CN");
        assert_eq!(normalize_type("2.5.4.3"), "CN");
        assert_eq!(normalize_type(" cn "), "CN");
        assert_eq!(normalize_type("S"), "ST");
        assert_eq!(normalize_type("1.2.3.4.5"), "1.2.3.4.5");
        assert_eq!(normalize_type("weird\0"), "WEIRD\0");
    }

    #[test]
    fn matches_in_either_order_with_spacing_and_case() {
        let name = cert_name(&[
            ("emailAddress", "nandana@apache.org"),
            ("C", "LK"),
            ("O", "Apache"),
            ("CN", "Sample STS"),
        ]);
        let cert = NormalizedName::from_x509(&name);
        for text in [
            "CN=Sample STS,O=Apache,C=LK,EMAILADDRESS=nandana@apache.org",
            "CN=Sample STS, O=Apache, C=LK, E=nandana@apache.org",
            "E=nandana@apache.org, C=LK, O=Apache, CN=Sample STS",
            "cn=sample  sts,o=APACHE,c=lk,1.2.840.113549.1.9.1=nandana@apache.org",
        ] {
            assert!(NormalizedName::parse(text).matches(&cert), "{text}");
        }
        for text in [
            "CN=Sample STS,O=Apache,C=LK",
            "CN=Sample STS,C=LK,O=Apache,E=nandana@apache.org",
            "CN=Other,O=Apache,C=LK,E=nandana@apache.org",
        ] {
            assert!(!NormalizedName::parse(text).matches(&cert), "{text}");
        }
        assert_eq!(
            display_name(&name),
            "CN=Sample STS,O=Apache,C=LK,emailAddress=nandana@apache.org"
        );
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC{0,80}") {
            let _ = NormalizedName::parse(&text);
        }

        #[test]
        fn parse_never_panics_on_escapes(text in "[A-Za-z0-9=,;+\\\\\" #.]{0,60}") {
            let _ = NormalizedName::parse(&text);
        }
    }

    #[test]
    fn display_escapes() {
        let name = cert_name(&[("CN", "a,b"), ("O", "#x")]);
        assert_eq!(display_name(&name), r"O=\#x,CN=a\,b");
    }

    #[test]
    fn the_common_name_is_the_short_form_of_a_subject() {
        assert_eq!(
            common_name("CN=Sample Service,OU=Rampart,O=Apache").as_deref(),
            Some("Sample Service")
        );
        assert_eq!(common_name("O=Apache, cn=bob").as_deref(), Some("bob"));
        assert_eq!(common_name("samples/keys/bob.cert.pem"), None);
    }
}
