//! MIME Content-Transfer-Encoding (RFC 2045 section 6): which encodings leave the bytes alone,
//! and decoding the two that do not (base64, quoted-printable).

use super::error::{Fault, LoadErrorKind};
use super::source::is_space;

/// A part's Content-Transfer-Encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferEncoding {
    /// No header: 7bit by default.
    Absent,
    SevenBit,
    EightBit,
    Binary,
    Base64,
    QuotedPrintable,
    /// Anything else, kept as written; the bytes are left as received.
    Other(String),
}

impl TransferEncoding {
    pub fn from_header(value: Option<&str>) -> TransferEncoding {
        let Some(value) = value else {
            return TransferEncoding::Absent;
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "7bit" => TransferEncoding::SevenBit,
            "8bit" => TransferEncoding::EightBit,
            "binary" => TransferEncoding::Binary,
            "base64" => TransferEncoding::Base64,
            "quoted-printable" => TransferEncoding::QuotedPrintable,
            _ => TransferEncoding::Other(value.trim().to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            TransferEncoding::Absent => "7bit (default)",
            TransferEncoding::SevenBit => "7bit",
            TransferEncoding::EightBit => "8bit",
            TransferEncoding::Binary => "binary",
            TransferEncoding::Base64 => "base64",
            TransferEncoding::QuotedPrintable => "quoted-printable",
            TransferEncoding::Other(name) => name,
        }
    }

    /// True when the bytes on the wire are the content itself.
    pub fn is_identity(&self) -> bool {
        !matches!(
            self,
            TransferEncoding::Base64 | TransferEncoding::QuotedPrintable
        )
    }

    /// Decodes a part body; identity encodings return `None` (use the bytes as they are).
    /// Fault offsets are offsets in `bytes`.
    pub(crate) fn decode(&self, bytes: &[u8]) -> Result<Option<Vec<u8>>, Fault> {
        match self {
            TransferEncoding::Base64 => decode_base64(bytes).map(Some),
            TransferEncoding::QuotedPrintable => decode_quoted_printable(bytes).map(Some),
            _ => Ok(None),
        }
    }
}

fn decode_base64(bytes: &[u8]) -> Result<Vec<u8>, Fault> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let detail = format!("byte {:#04x} is not base64", bytes[e.valid_up_to()]);
        Fault::new(e.valid_up_to(), LoadErrorKind::BadBase64 { detail })
    })?;
    crate::xml::base64::decode(text).map_err(|e| {
        let offset = e.offset().unwrap_or(0);
        Fault::new(
            offset,
            LoadErrorKind::BadBase64 {
                detail: e.to_string(),
            },
        )
    })
}

fn decode_quoted_printable(bytes: &[u8]) -> Result<Vec<u8>, Fault> {
    let mut out = Vec::with_capacity(bytes.len());
    // Spaces and tabs are held back until we know they do not end a line (RFC 2045 rule 3:
    // trailing white space was added in transport and is removed).
    let mut pending = 0..0;
    let mut pos = 0;
    while pos < bytes.len() {
        let b = bytes[pos];
        match b {
            b' ' | b'\t' => {
                if pending.is_empty() {
                    pending = pos..pos;
                }
                pending.end = pos + 1;
                pos += 1;
                continue;
            }
            b'\r' | b'\n' => {}
            _ => out.extend_from_slice(&bytes[pending.clone()]),
        }
        pending = 0..0;
        if b != b'=' {
            out.push(b);
            pos += 1;
            continue;
        }
        let rest = &bytes[pos + 1..];
        if let Some(&[high, low]) = rest.get(..2)
            && high.is_ascii_hexdigit()
            && low.is_ascii_hexdigit()
        {
            out.push(super::source::hex_digit(high) * 16 + super::source::hex_digit(low));
            pos += 3;
            continue;
        }
        // A soft line break: '=' then optional white space then the line end (or the end).
        let after_space = rest
            .iter()
            .position(|&c| !matches!(c, b' ' | b'\t'))
            .unwrap_or(rest.len());
        match &rest[after_space..] {
            [] => pos = bytes.len(),
            [b'\n', ..] => pos += 1 + after_space + 1,
            [b'\r', b'\n', ..] => pos += 1 + after_space + 2,
            _ => return Err(Fault::new(pos, LoadErrorKind::BadQuotedPrintable)),
        }
    }
    Ok(out)
}

/// True when a part body is a placeholder like `...Binary content of X...` standing in for
/// bytes the copy dropped.
pub(crate) fn is_elision_placeholder(bytes: &[u8]) -> bool {
    let text = super::source::trim(bytes);
    text.len() >= 6
        && text.len() <= 200
        && text.starts_with(b"...")
        && text.ends_with(b"...")
        && text.iter().all(|&b| b == b' ' || b.is_ascii_graphic())
        && !text.iter().any(|&b| is_space(b) && b != b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_encodings_keep_the_bytes() {
        for name in ["7bit", "8BIT", " binary "] {
            let enc = TransferEncoding::from_header(Some(name));
            assert!(enc.is_identity());
            assert_eq!(enc.decode(b"\x00\xff").unwrap(), None);
        }
        assert_eq!(
            TransferEncoding::from_header(None),
            TransferEncoding::Absent
        );
        assert_eq!(
            TransferEncoding::from_header(Some("x-uue")),
            TransferEncoding::Other("x-uue".into())
        );
    }

    #[test]
    fn base64_lines_decode_and_errors_are_located() {
        let enc = TransferEncoding::Base64;
        assert_eq!(enc.decode(b"aGVs\r\nbG8=\r\n").unwrap().unwrap(), b"hello");
        let fault = enc.decode(b"aGVs\r\n*G8=").unwrap_err();
        assert_eq!(fault.offset, 6);
        let fault = enc.decode(b"aGVs\xffbG8=").unwrap_err();
        assert_eq!(fault.offset, 4);
        assert!(enc.decode(b"aGVsbG8").is_err());
    }

    #[test]
    fn quoted_printable() {
        let enc = TransferEncoding::QuotedPrintable;
        let decoded = enc
            .decode(b"a=3Db  \r\nlong=\r\nline= \nend=")
            .unwrap()
            .unwrap();
        assert_eq!(decoded, b"a=b\r\nlonglineend");
        assert!(enc.decode(b"=+1").is_err());
        let fault = enc.decode(b"ok =ZZ").unwrap_err();
        assert_eq!(fault, Fault::new(3, LoadErrorKind::BadQuotedPrintable));
        assert_eq!(enc.decode(b"tail  ").unwrap().unwrap(), b"tail");
    }

    #[test]
    fn placeholders() {
        assert!(is_elision_placeholder(
            b"...Binary content of BinarySecurityToken - X509 Certificate...\n"
        ));
        assert!(!is_elision_placeholder(b"\x00\x01..."));
        assert!(!is_elision_placeholder(b"...a\nb..."));
        assert!(!is_elision_placeholder(b"MIIC..."));
    }
}
