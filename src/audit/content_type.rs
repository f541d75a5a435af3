//! `Content-Type` values: the media type and its parameters (`boundary`, `start`, `type`,
//! `start-info`), which decide whether a body is SOAP or multipart and which part is the root.

use super::headers::is_token_char;

/// A body's Content-Type: the header as received, parsed, and where it is in the file (for
/// errors about it).
#[derive(Debug, Clone)]
pub(crate) struct ContentType {
    /// `None` when there was no header and the type was inferred (a body starting `--boundary`).
    pub raw: Option<String>,
    pub media: MediaType,
    pub file_offset: usize,
}

/// A parsed media type: `essence` is `type/subtype` in lower case; parameter names are lower
/// case, values unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaType {
    pub essence: String,
    pub params: Vec<(String, String)>,
}

impl MediaType {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_multipart(&self) -> bool {
        self.essence.starts_with("multipart/")
    }

    /// Parses a header value. The error says what is malformed.
    pub fn parse(value: &str) -> Result<MediaType, String> {
        let bytes = value.as_bytes();
        let first = memchr::memchr(b';', bytes).unwrap_or(bytes.len());
        let essence = value[..first].trim().to_ascii_lowercase();
        if essence.is_empty() {
            return Err("no media type".to_string());
        }
        let mut params = Vec::new();
        let mut pos = first;
        while pos < bytes.len() {
            // At a ';' or at white space between parameters.
            while pos < bytes.len() && matches!(bytes[pos], b';' | b' ' | b'\t') {
                pos += 1;
            }
            let name_start = pos;
            while pos < bytes.len() && is_token_char(bytes[pos]) {
                pos += 1;
            }
            let name = value[name_start..pos].to_ascii_lowercase();
            while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t') {
                pos += 1;
            }
            if pos >= bytes.len() {
                if !name.is_empty() {
                    return Err(format!("parameter {name:?} has no value"));
                }
                break;
            }
            if bytes[pos] == b';' {
                if !name.is_empty() {
                    return Err(format!("parameter {name:?} has no value"));
                }
                continue;
            }
            if name.is_empty() || bytes[pos] != b'=' {
                return Err(format!(
                    "expected a parameter name and '=' at {:?}",
                    super::source::excerpt(&bytes[name_start..], 20)
                ));
            }
            pos += 1;
            while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t') {
                pos += 1;
            }
            let value_text = if bytes.get(pos) == Some(&b'"') {
                let (text, after) = quoted(value, pos + 1)
                    .ok_or_else(|| format!("unterminated quoted value of parameter {name:?}"))?;
                pos = after;
                text
            } else {
                let end = memchr::memchr(b';', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
                let text = value[pos..end].trim().to_string();
                pos = end;
                text
            };
            params.push((name, value_text));
            // Anything but white space before the next ';' is junk after a quoted value.
            let next = memchr::memchr(b';', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            if !value[pos..next].trim().is_empty() {
                return Err(format!(
                    "unexpected text {:?} after a parameter value",
                    super::source::excerpt(value[pos..next].trim().as_bytes(), 20)
                ));
            }
            pos = next;
        }
        Ok(MediaType { essence, params })
    }
}

/// The content of a quoted string starting after its opening quote, and the offset after the
/// closing quote; `None` when it never closes.
fn quoted(value: &str, start: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = value[start..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, start + i + 1)),
            '\\' => out.push(chars.next()?.1),
            c => out.push(c),
        }
    }
    None
}

/// A Content-ID or `start` value without its angle brackets and surrounding white space.
pub(crate) fn strip_angle_brackets(value: &str) -> &str {
    let value = value.trim();
    value
        .strip_prefix('<')
        .and_then(|v| v.strip_suffix('>'))
        .unwrap_or(value)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wcf_mtom_content_type() {
        let value = "multipart/related; type=\"application/xop+xml\"; start=\"<http://tempuri.org/0>\"; \
                     boundary=\"uuid:0ca0e16e+id=3\"; start-info=\"application/soap+xml\";  \
                     action=\"http://xmlsoap.org/echoBinaryAsString\"";
        let media = MediaType::parse(value).unwrap();
        assert_eq!(media.essence, "multipart/related");
        assert!(media.is_multipart());
        assert_eq!(media.param("boundary"), Some("uuid:0ca0e16e+id=3"));
        assert_eq!(media.param("start"), Some("<http://tempuri.org/0>"));
        assert_eq!(media.param("start-info"), Some("application/soap+xml"));
        assert_eq!(media.params.len(), 5);
    }

    #[test]
    fn tokens_escapes_and_case() {
        let media = MediaType::parse("Multipart/Related;BOUNDARY=abc ;x=\"a\\\"b\";").unwrap();
        assert_eq!(media.essence, "multipart/related");
        assert_eq!(
            media.params,
            [
                ("boundary".into(), "abc".into()),
                ("x".into(), "a\"b".into())
            ]
        );
        assert_eq!(MediaType::parse("text/xml").unwrap().params, []);
    }

    #[test]
    fn malformed_values_say_why() {
        assert!(
            MediaType::parse("multipart/related; boundary=\"abc")
                .unwrap_err()
                .contains("unterminated")
        );
        assert!(
            MediaType::parse("; boundary=a")
                .unwrap_err()
                .contains("no media type")
        );
        assert!(
            MediaType::parse("a/b; boundary")
                .unwrap_err()
                .contains("no value")
        );
        assert!(
            MediaType::parse("a/b; x=\"1\" junk")
                .unwrap_err()
                .contains("junk")
        );
        assert!(MediaType::parse("a/b; =1").is_err());
    }

    #[test]
    fn angle_brackets() {
        assert_eq!(strip_angle_brackets(" <a@b> "), "a@b");
        assert_eq!(strip_angle_brackets("a@b"), "a@b");
        assert_eq!(strip_angle_brackets("<a@b"), "<a@b");
    }
}
