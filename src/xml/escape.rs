//! Escaping text for the XML the tool writes (envelopes, signatures, encrypted parts): the
//! one copy, so every writer escapes the same characters.

/// `s` as character data: `&`, `<` and `>` escaped.
pub fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `s` as a double-quoted attribute value: `&`, `<` and `"` escaped.
pub fn attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_once_and_leaves_the_rest() {
        assert_eq!(text("a<b>&c\"d"), "a&lt;b&gt;&amp;c\"d");
        assert_eq!(attribute("a<b>&c\"d"), "a&lt;b>&amp;c&quot;d");
        assert_eq!(text("&amp;"), "&amp;amp;");
        assert_eq!(attribute("plain-id_1"), "plain-id_1");
        // What is escaped reads back as the original.
        let doc = crate::xml::Document::parse_str(
            &format!(
                "<a b=\"{}\">{}</a>",
                attribute("x&\"<y"),
                text("1 < 2 & 3 > 0")
            ),
            "escape test",
        )
        .unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("b"), Some("x&\"<y"));
        assert_eq!(root.text_content(), "1 < 2 & 3 > 0");
    }
}
