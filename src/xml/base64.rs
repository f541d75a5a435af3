//! Base64 text inside XML (`xs:base64Binary`): white space anywhere is allowed and ignored
//! (captures carry line breaks, indentation and `&#13;` references inside values).

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Why base64 text did not decode, and where in the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base64Error {
    #[error("invalid base64 character {found:?} at character {index} of the value")]
    InvalidCharacter {
        found: char,
        index: usize,
        offset: usize,
    },
    #[error("truncated base64: {count} characters is not a multiple of 4")]
    Truncated { count: usize },
    #[error("invalid base64 padding")]
    BadPadding,
}

impl Base64Error {
    /// Byte offset of the problem within the text given to [`decode`], when known.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Base64Error::InvalidCharacter { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

/// Decodes base64 text, ignoring XML white space (space, tab, CR, LF).
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let mut compact = Vec::with_capacity(text.len());
    for (offset, c) in text.char_indices() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {}
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' | '=' => compact.push(c as u8),
            found => {
                return Err(Base64Error::InvalidCharacter {
                    found,
                    index: compact.len(),
                    offset,
                });
            }
        }
    }
    if !compact.len().is_multiple_of(4) {
        return Err(Base64Error::Truncated {
            count: compact.len(),
        });
    }
    ENGINE.decode(&compact).map_err(|_| Base64Error::BadPadding)
}

/// Encodes bytes as one line of base64.
pub fn encode(bytes: &[u8]) -> String {
    ENGINE.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_is_ignored() {
        assert_eq!(decode(" aGVs\r\n  bG8=\t").unwrap(), b"hello");
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(
            decode("aGVs*G8=").unwrap_err(),
            Base64Error::InvalidCharacter {
                found: '*',
                index: 4,
                offset: 4
            }
        );
        assert_eq!(
            decode("aGVsbG8").unwrap_err(),
            Base64Error::Truncated { count: 7 }
        );
        assert_eq!(decode("aG=sbG8=").unwrap_err(), Base64Error::BadPadding);
    }

    #[test]
    fn round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
    }
}
