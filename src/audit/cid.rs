//! `cid:` URLs (RFC 2392), as in `xop:Include href="cid:..."`: the URL names a MIME part by
//! its Content-ID, percent-encoded and without the angle brackets.

use super::content_type::strip_angle_brackets;
use super::message::{Attachment, CapturedMessage};

/// The Content-ID a `cid:` URL names: scheme stripped, `%XX` decoded, angle brackets (which
/// some stacks wrongly keep) stripped. `None` when it is not a `cid:` URL or does not decode
/// to UTF-8.
pub fn content_id_from_cid_url(href: &str) -> Option<String> {
    let href = href.trim();
    let scheme = href.get(..4)?;
    if !scheme.eq_ignore_ascii_case("cid:") {
        return None;
    }
    let decoded = percent_decode(&href[4..])?;
    Some(strip_angle_brackets(&decoded).to_string())
}

/// Decodes `%XX` escapes; a `%` not followed by two hexadecimal digits is kept as it is.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i..i + 3) {
            Some(&[b'%', high, low]) if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                out.push(super::source::hex_digit(high) * 16 + super::source::hex_digit(low));
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

impl CapturedMessage {
    /// The attachment with this Content-ID (angle brackets optional).
    pub fn attachment_by_content_id(&self, content_id: &str) -> Option<&Attachment> {
        let wanted = strip_angle_brackets(content_id);
        let exact = self
            .attachments
            .iter()
            .find(|a| a.content_id.as_deref() == Some(wanted));
        // Some stacks percent-encode the Content-ID header itself as well as the URL.
        exact.or_else(|| {
            self.attachments.iter().find(|a| {
                a.content_id
                    .as_deref()
                    .and_then(percent_decode)
                    .is_some_and(|id| id == wanted)
            })
        })
    }

    /// The attachment an `xop:Include href="cid:..."` points to.
    pub fn attachment_for_href(&self, href: &str) -> Option<&Attachment> {
        self.attachment_by_content_id(&content_id_from_cid_url(href)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_urls_decode_to_content_ids() {
        assert_eq!(
            content_id_from_cid_url("cid:http%3A%2F%2Ftempuri.org%2F1%2F632618206525089430")
                .as_deref(),
            Some("http://tempuri.org/1/632618206525089430")
        );
        assert_eq!(
            content_id_from_cid_url(" CID:<a@b> ").as_deref(),
            Some("a@b")
        );
        assert_eq!(
            content_id_from_cid_url("cid:100%25").as_deref(),
            Some("100%")
        );
        assert_eq!(content_id_from_cid_url("cid:a%zz").as_deref(), Some("a%zz"));
        assert_eq!(content_id_from_cid_url("cid:%ff"), None);
        assert_eq!(content_id_from_cid_url("http://x"), None);
        assert_eq!(content_id_from_cid_url("ci"), None);
        assert_eq!(content_id_from_cid_url("cidé"), None);
    }
}
