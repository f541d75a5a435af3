//! Character-level rules: names and qualified names, character references, attribute
//! scanning and line-end normalization.

use super::*;

pub(super) fn push_normalized_line_ends(out: &mut String, chunk: &str) {
    let mut rest = chunk;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
    }
    out.push_str(rest);
}

/// Resolves `&name;` (given without `&` and `;`): the five predefined entities and character
/// references. Any other entity is undeclared: DTDs are never applied.
pub(super) fn resolve_reference(name: &str) -> Result<char, XmlErrorKind> {
    let bad = || XmlErrorKind::InvalidCharRef(name.to_string());
    let code = if let Some(hex) = name.strip_prefix("#x") {
        u32::from_str_radix(hex, 16).map_err(|_| bad())?
    } else if let Some(dec) = name.strip_prefix('#') {
        if dec.is_empty() || !dec.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        dec.parse::<u32>().map_err(|_| bad())?
    } else {
        return match name {
            "amp" => Ok('&'),
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "quot" => Ok('"'),
            "apos" => Ok('\''),
            other => Err(XmlErrorKind::UndefinedEntity(other.to_string())),
        };
    };
    let legal =
        matches!(code, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
    if !legal || (name.starts_with("#x") && name.len() == 2) {
        return Err(bad());
    }
    char::from_u32(code).ok_or_else(bad)
}

pub(super) fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic()
        || c == '_'
        || (!c.is_ascii()
            && c != '\u{B7}'
            && !matches!(c, '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}'))
}

pub(super) fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || c.is_ascii_digit()
        || matches!(c, '-' | '.' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

pub(super) fn check_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// ASCII bytes allowed in a name: 1 = may start a name, 2 = may only continue one.
pub(super) const NAME_BYTES: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c == b'_' {
            1
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            2
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Checks a qualified name and returns the length of its prefix (0 when unprefixed).
pub(super) fn check_qname(q: &str) -> Result<u32, XmlErrorKind> {
    // ASCII names, the overwhelming majority, in one pass; anything else (non-ASCII, or not a
    // name at all) by characters.
    if let Some((end, prefix_len)) = ascii_qname(q.as_bytes(), 0)
        && end == q.len()
    {
        return Ok(prefix_len);
    }
    match q.split_once(':') {
        None if check_ncname(q) => Ok(0),
        Some((p, l)) if check_ncname(p) && check_ncname(l) => Ok(p.len() as u32),
        _ => Err(XmlErrorKind::InvalidName(
            "(a valid element or attribute name)",
        )),
    }
}

/// Bytes that end a name in a start tag: white space and the tag's punctuation. A table,
/// since every byte of every element and attribute name is looked up in it.
const STOPS_NAME: [bool; 256] = {
    let mut t = [false; 256];
    let stops = *b" \t\r\n>/\"'=<";
    let mut i = 0;
    while i < stops.len() {
        t[stops[i] as usize] = true;
        i += 1;
    }
    t
};

/// A qualified name of ASCII name characters starting at `from`, checked as it is scanned:
/// where it ends (at a byte of [`STOPS_NAME`] or the end of input) and its prefix length.
/// None for anything else (a non-ASCII name, a character no name may hold, a misplaced colon):
/// the two-pass path then reads the tag again and says what is wrong, or accepts a non-ASCII
/// name.
pub(super) fn ascii_qname(bytes: &[u8], from: usize) -> Option<(usize, u32)> {
    let mut colon = None;
    let mut part_start = true;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if b == b':' {
            if colon.is_some() || part_start {
                return None;
            }
            colon = Some(i - from);
            part_start = true;
        } else {
            match NAME_BYTES.get(b as usize) {
                Some(1) => {}
                Some(2) if !part_start => {}
                _ if STOPS_NAME[b as usize] => break,
                _ => return None,
            }
            part_start = false;
        }
        i += 1;
    }
    if part_start {
        return None;
    }
    Some((i, colon.unwrap_or(0) as u32))
}

/// Scans `name="value"` pairs of a start tag. `rest` follows the element name, at offset `at`.
pub(super) fn scan_attributes(
    rest: &str,
    at: usize,
    out: &mut Vec<RawAttr>,
    limit: usize,
) -> ParseResult<()> {
    let bytes = rest.as_bytes();
    let mut i = 0;
    loop {
        let ws_start = i;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i == bytes.len() {
            return Ok(());
        }
        if i == ws_start {
            return Err((
                at + i,
                XmlErrorKind::MalformedAttribute("white space before the attribute"),
            ));
        }
        let name_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let name = &rest[name_start..i];
        let prefix_len = check_qname(name).map_err(|_| {
            (
                at + name_start,
                XmlErrorKind::InvalidName("for the attribute"),
            )
        })?;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err((
                at + i,
                XmlErrorKind::MalformedAttribute("'=' after the attribute name"),
            ));
        }
        i += 1;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err((
                    at + i,
                    XmlErrorKind::MalformedAttribute("a quoted attribute value"),
                ));
            }
        };
        let value_start = i + 1;
        let Some(len) = memchr::memchr(quote, &bytes[value_start..]) else {
            return Err((
                at + i,
                XmlErrorKind::MalformedAttribute("the closing quote of the value"),
            ));
        };
        i = value_start + len + 1;
        if out.len() >= limit {
            return Err((at + name_start, XmlErrorKind::TooManyAttributes { limit }));
        }
        out.push(RawAttr {
            qname: Span::new(at + name_start, at + name_start + name.len()),
            prefix_len,
            raw_value: Span::new(at + value_start, at + value_start + len),
            span: Span::new(at + name_start, at + i),
        });
    }
}
