//! Turning received bytes into the UTF-8 text the parser reads.
//!
//! UTF-8 input (the normal case) is kept as it is: no copy, and byte offsets in the tree are byte
//! offsets in the received message (after the byte order mark, if any). UTF-16 and ISO-8859-1
//! input is decoded once; offsets then refer to the decoded text and the original bytes are kept
//! beside it.

use super::error::XmlErrorKind;
use super::shared_bytes::{DocumentText, ParseInput};

/// The encoding a document arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SourceEncoding {
    Utf8,
    Utf8WithBom,
    Utf16Le,
    Utf16Be,
    Latin1,
    Ascii,
}

impl SourceEncoding {
    pub fn name(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf8WithBom => "UTF-8 (with byte order mark)",
            SourceEncoding::Utf16Le => "UTF-16LE",
            SourceEncoding::Utf16Be => "UTF-16BE",
            SourceEncoding::Latin1 => "ISO-8859-1",
            SourceEncoding::Ascii => "US-ASCII",
        }
    }
}

/// The decoded text, how it was encoded, where the text begins (after a BOM), and the original
/// bytes when decoding changed them.
pub(crate) struct Decoded {
    pub text: DocumentText,
    pub encoding: SourceEncoding,
    pub body_offset: usize,
    pub original: Option<Vec<u8>>,
}

/// A decoding failure at a byte offset of the decoded text (or of the input for UTF-8).
#[derive(Debug)]
pub struct DecodeError {
    pub kind: XmlErrorKind,
    /// The valid text up to the failure, for computing line and column.
    pub text_before: String,
}

pub(crate) fn decode(input: impl Into<ParseInput>) -> Result<Decoded, DecodeError> {
    let input: ParseInput = input.into();
    let bytes = input.as_bytes();
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => {
            let text = utf8(input)?;
            Ok(Decoded {
                text,
                encoding: SourceEncoding::Utf8WithBom,
                body_offset: 3,
                original: None,
            })
        }
        [0xFF, 0xFE, ..] => utf16(input.into_vec(), 2, SourceEncoding::Utf16Le),
        [0xFE, 0xFF, ..] => utf16(input.into_vec(), 2, SourceEncoding::Utf16Be),
        [b'<', 0, b'?', 0, ..] => utf16(input.into_vec(), 0, SourceEncoding::Utf16Le),
        [0, b'<', 0, b'?', ..] => utf16(input.into_vec(), 0, SourceEncoding::Utf16Be),
        _ => match declared_encoding(bytes) {
            None => Ok(Decoded {
                text: utf8(input)?,
                encoding: SourceEncoding::Utf8,
                body_offset: 0,
                original: None,
            }),
            Some(label) => by_label(input, &label),
        },
    }
}

fn by_label(input: ParseInput, label: &str) -> Result<Decoded, DecodeError> {
    let lower = label.to_ascii_lowercase();
    match lower.as_str() {
        "utf-8" | "utf8" => Ok(Decoded {
            text: utf8(input)?,
            encoding: SourceEncoding::Utf8,
            body_offset: 0,
            original: None,
        }),
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" | "iso-ir-100"
        | "cp819" => {
            let bytes = input.into_vec();
            let text: String = bytes.iter().map(|&b| b as char).collect();
            Ok(Decoded {
                text: text.into(),
                encoding: SourceEncoding::Latin1,
                body_offset: 0,
                original: Some(bytes),
            })
        }
        "us-ascii" | "ascii" => {
            let bytes = input.as_bytes();
            if let Some(pos) = bytes.iter().position(|&b| b >= 0x80) {
                let text_before = String::from_utf8_lossy(&bytes[..pos]).into_owned();
                return Err(DecodeError {
                    kind: XmlErrorKind::NotAscii { byte: bytes[pos] },
                    text_before,
                });
            }
            let text = utf8(input)?;
            Ok(Decoded {
                text,
                encoding: SourceEncoding::Ascii,
                body_offset: 0,
                original: None,
            })
        }
        _ => Err(DecodeError {
            kind: XmlErrorKind::UnsupportedEncoding(label.to_string()),
            text_before: String::new(),
        }),
    }
}

/// The text of UTF-8 input: shared received text is used as it is (it was validated when it
/// was received), bytes of its own are validated once.
fn utf8(input: ParseInput) -> Result<DocumentText, DecodeError> {
    let bytes = match input {
        ParseInput::Shared(shared) => match shared.shared_text() {
            Some(text) => return Ok(DocumentText::Shared(text)),
            None => shared.to_vec(),
        },
        ParseInput::Bytes(bytes) => bytes,
    };
    String::from_utf8(bytes)
        .map(DocumentText::Owned)
        .map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text_before = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            DecodeError {
                kind: XmlErrorKind::InvalidUtf8,
                text_before,
            }
        })
}

fn utf16(bytes: Vec<u8>, bom: usize, encoding: SourceEncoding) -> Result<Decoded, DecodeError> {
    let body = &bytes[bom..];
    let invalid = |text_before: String| DecodeError {
        kind: XmlErrorKind::InvalidUtf16,
        text_before,
    };
    if !body.len().is_multiple_of(2) {
        return Err(invalid(String::new()));
    }
    let units = body.chunks_exact(2).map(|pair| match encoding {
        SourceEncoding::Utf16Le => u16::from_le_bytes([pair[0], pair[1]]),
        _ => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(body.len() / 2);
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => text.push(c),
            Err(_) => return Err(invalid(text)),
        }
    }
    Ok(Decoded {
        text: text.into(),
        encoding,
        body_offset: 0,
        original: Some(bytes),
    })
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    if !bytes.starts_with(b"<?xml") {
        return None;
    }
    let end = bytes.iter().take(512).position(|&b| b == b'>')?;
    let decl = std::str::from_utf8(&bytes[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let close = value.find(quote)?;
    Some(value[..close].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_is_not_copied_or_changed() {
        let d = decode(b"<a>\xc3\xa9</a>".to_vec()).unwrap();
        assert_eq!(d.text, "<a>é</a>");
        assert_eq!(d.encoding, SourceEncoding::Utf8);
        assert!(d.original.is_none());
    }

    #[test]
    fn bom_is_skipped_by_offset() {
        let d = decode(b"\xef\xbb\xbf<a/>".to_vec()).unwrap();
        assert_eq!(d.body_offset, 3);
        assert_eq!(&d.text[d.body_offset..], "<a/>");
    }

    #[test]
    fn utf16_both_orders() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "<a>é</a>".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(le).unwrap().text, "<a>é</a>");
        assert_eq!(decode(be).unwrap().text, "<a>é</a>");
    }

    #[test]
    fn latin1_declared() {
        let d =
            decode(b"<?xml version='1.0' encoding=\"ISO-8859-1\"?><a>\xa9</a>".to_vec()).unwrap();
        assert_eq!(d.encoding, SourceEncoding::Latin1);
        assert!(d.text.ends_with("<a>©</a>"));
    }

    #[test]
    fn invalid_utf8_reports_valid_prefix() {
        let e = decode(b"<a>\n\xff</a>".to_vec()).err().unwrap();
        assert_eq!(e.kind, XmlErrorKind::InvalidUtf8);
        assert_eq!(e.text_before, "<a>\n");
    }

    #[test]
    fn unknown_encoding_is_refused() {
        let e = decode(b"<?xml version='1.0' encoding='EBCDIC'?><a/>".to_vec())
            .err()
            .unwrap();
        assert!(matches!(e.kind, XmlErrorKind::UnsupportedEncoding(_)));
    }
}
