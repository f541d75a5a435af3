//! The byte sink canonicalization writes into: a fixed buffer in front of any `io::Write`, and
//! the escaping rules of Canonical XML (section 2.3 of REC-xml-c14n).

use std::io::{self, Write};

const CAPACITY: usize = 64 * 1024;

/// Buffers small writes so a digest or file receives large chunks; never holds more than
/// `CAPACITY` bytes, whatever the size of the canonical form.
pub(crate) struct Sink<W: Write> {
    buf: Vec<u8>,
    out: W,
}

impl<W: Write> Sink<W> {
    pub fn new(out: W) -> Self {
        Sink {
            buf: Vec::with_capacity(CAPACITY),
            out,
        }
    }

    #[inline]
    pub fn bytes(&mut self, b: &[u8]) -> io::Result<()> {
        if self.buf.len() + b.len() > CAPACITY {
            self.flush_buffer()?;
            if b.len() > CAPACITY {
                return self.out.write_all(b);
            }
        }
        self.buf.extend_from_slice(b);
        Ok(())
    }

    #[inline]
    pub fn str(&mut self, s: &str) -> io::Result<()> {
        self.bytes(s.as_bytes())
    }

    fn flush_buffer(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.flush_buffer()?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Text node content: `&`, `<`, `>` and carriage return are escaped.
    pub fn text(&mut self, s: &str) -> io::Result<()> {
        self.escaped::<false>(s)
    }

    /// Attribute and namespace values: `&`, `<`, `"`, tab, line feed and carriage return.
    pub fn attribute_value(&mut self, s: &str) -> io::Result<()> {
        self.escaped::<true>(s)
    }

    /// Comment and processing-instruction content: no escaping, but line ends as a parser
    /// reports them (a CR LF pair or a lone CR becomes LF), since the tree keeps them raw.
    pub fn normalized_line_ends(&mut self, s: &str) -> io::Result<()> {
        let mut rest = s;
        while let Some(i) = memchr::memchr(b'\r', rest.as_bytes()) {
            self.str(&rest[..i])?;
            self.bytes(b"\n")?;
            rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
        }
        self.str(rest)
    }

    /// Writes `s` with the escapes of an attribute value (`ATTRIBUTE`) or of text. Most of a
    /// document needs none: each whole 32-byte chunk is first checked by comparisons that
    /// vectorize, and only a chunk holding a character to escape (or the short tail) is
    /// walked byte by byte.
    #[inline]
    fn escaped<const ATTRIBUTE: bool>(&mut self, s: &str) -> io::Result<()> {
        let table = if ATTRIBUTE {
            &ATTR_ESCAPES
        } else {
            &TEXT_ESCAPES
        };
        let bytes = s.as_bytes();
        let mut last = 0;
        let mut at = 0;
        while at < bytes.len() {
            let end = if let Some(chunk) = bytes.get(at..at + 32) {
                let chunk: &[u8; 32] = chunk.try_into().expect("32 bytes");
                let hits = chunk
                    .iter()
                    .fold(0u8, |acc, &b| acc | u8::from(needs_escape::<ATTRIBUTE>(b)));
                if hits == 0 {
                    at += 32;
                    continue;
                }
                at + 32
            } else {
                bytes.len()
            };
            for (i, &b) in bytes[at..end].iter().enumerate() {
                if let Some(replacement) = table[b as usize] {
                    self.bytes(&bytes[last..at + i])?;
                    self.bytes(replacement)?;
                    last = at + i + 1;
                }
            }
            at = end;
        }
        self.bytes(&bytes[last..])
    }
}

/// Whether `b` is escaped in an attribute value (`ATTRIBUTE`) or in text: the keys of
/// [`ATTR_ESCAPES`] and [`TEXT_ESCAPES`], as comparisons a compiler can vectorize.
#[inline(always)]
fn needs_escape<const ATTRIBUTE: bool>(b: u8) -> bool {
    let common = (b == b'&') | (b == b'<') | (b == b'\r');
    if ATTRIBUTE {
        common | (b == b'"') | (b == b'\t') | (b == b'\n')
    } else {
        common | (b == b'>')
    }
}

const fn escape_table(attribute: bool) -> [Option<&'static [u8]>; 256] {
    let mut t: [Option<&'static [u8]>; 256] = [None; 256];
    t[b'&' as usize] = Some(b"&amp;");
    t[b'<' as usize] = Some(b"&lt;");
    t[b'\r' as usize] = Some(b"&#xD;");
    if attribute {
        t[b'"' as usize] = Some(b"&quot;");
        t[b'\t' as usize] = Some(b"&#x9;");
        t[b'\n' as usize] = Some(b"&#xA;");
    } else {
        t[b'>' as usize] = Some(b"&gt;");
    }
    t
}

static TEXT_ESCAPES: [Option<&'static [u8]>; 256] = escape_table(false);
static ATTR_ESCAPES: [Option<&'static [u8]>; 256] = escape_table(true);

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl FnOnce(&mut Sink<Vec<u8>>) -> io::Result<()>) -> String {
        let mut sink = Sink::new(Vec::new());
        f(&mut sink).unwrap();
        String::from_utf8(sink.finish().unwrap()).unwrap()
    }

    #[test]
    fn text_escaping_follows_c14n_2_3() {
        assert_eq!(
            run(|s| s.text("a&b<c>d\re\"f'\tg\n")),
            "a&amp;b&lt;c&gt;d&#xD;e\"f'\tg\n"
        );
    }

    #[test]
    fn attribute_escaping_follows_c14n_2_3() {
        assert_eq!(
            run(|s| s.attribute_value("a&b<c>d\re\"f'\tg\n")),
            "a&amp;b&lt;c>d&#xD;e&quot;f'&#x9;g&#xA;"
        );
    }

    #[test]
    fn the_fast_check_and_the_tables_agree() {
        for b in 0..=255u8 {
            assert_eq!(
                needs_escape::<false>(b),
                TEXT_ESCAPES[b as usize].is_some(),
                "{b}"
            );
            assert_eq!(
                needs_escape::<true>(b),
                ATTR_ESCAPES[b as usize].is_some(),
                "{b}"
            );
        }
        // An escape in the first, a middle and the last chunk of a long value.
        let mut long = "x".repeat(100);
        for at in [0, 31, 32, 64, 99] {
            long.replace_range(at..at + 1, "&");
        }
        assert_eq!(run(|s| s.text(&long)), long.replace('&', "&amp;"));
    }

    #[test]
    fn large_writes_pass_through() {
        let big = "x".repeat(3 * CAPACITY + 7);
        assert_eq!(run(|s| s.text(&big)).len(), big.len());
    }

    #[test]
    fn comment_line_ends_are_normalized() {
        assert_eq!(run(|s| s.normalized_line_ends("a\r\nb\rc\n")), "a\nb\nc\n");
    }
}
