//! `/` search in the envelope: the query being typed or the last one, and where it matches.

use crate::xml::Span;

/// The search state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// Still typing the query (keys go into it, not to the panes).
    pub editing: bool,
    /// The match last jumped to, counting from the start of the envelope.
    pub current: Option<usize>,
}

/// Every occurrence of `query` in `text` (exact, case-sensitive, not overlapping).
pub fn matches(text: &str, query: &str) -> Vec<Span> {
    if query.is_empty() {
        return Vec::new();
    }
    text.match_indices(query)
        .map(|(i, m)| Span::new(i, i + m.len()))
        .collect()
}

/// The match to show after `from` (a byte offset), wrapping around to the first.
pub fn next_after(found: &[Span], from: Option<usize>) -> Option<usize> {
    if found.is_empty() {
        return None;
    }
    let next = match from {
        None => 0,
        Some(i) => (i + 1) % found.len(),
    };
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_and_wraps() {
        let found = matches("a<b>a<b>", "<b>");
        assert_eq!(found, vec![Span::new(1, 4), Span::new(5, 8)]);
        assert_eq!(next_after(&found, None), Some(0));
        assert_eq!(next_after(&found, Some(0)), Some(1));
        assert_eq!(next_after(&found, Some(1)), Some(0));
        assert!(matches("abc", "").is_empty());
        assert_eq!(next_after(&[], None), None);
    }
}
