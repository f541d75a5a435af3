//! `/` search in the envelope: the query being typed or the last one, and where it matches.
//!
//! The matches of a query are found once per (step, view, query) and kept; a frame looks up
//! only the ones on screen (a 50 MB capture is not scanned again at every frame).

use crate::xml::Span;

use super::app::{Action, App, Pane};

/// The search state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// Still typing the query (keys go into it, not to the panes).
    pub editing: bool,
    /// The match last jumped to, counting from the start of the envelope.
    pub current: Option<usize>,
}

/// Every occurrence of `query` in `text` (exact, case-sensitive, not overlapping), in order.
pub fn matches(text: &str, query: &str) -> Vec<Span> {
    if query.is_empty() {
        return Vec::new();
    }
    memchr::memmem::find_iter(text.as_bytes(), query.as_bytes())
        .scan(0usize, |taken, i| {
            // `find_iter` reports overlapping matches; keep those after the last one kept.
            let keep = i >= *taken;
            if keep {
                *taken = i + query.len();
            }
            Some(keep.then(|| Span::new(i, i + query.len())))
        })
        .flatten()
        .collect()
}

/// The matches (sorted, not overlapping) that touch bytes `start..end`.
pub fn visible(found: &[Span], start: usize, end: usize) -> &[Span] {
    let first = found.partition_point(|s| (s.end as usize) <= start);
    let last = found.partition_point(|s| (s.start as usize) < end.max(start + 1));
    &found[first..last.max(first)]
}

/// The match to jump to from byte `offset`: the first that starts after it (the one at
/// `offset` is where the cursor already stands), wrapping around to the first.
pub fn next_from(found: &[Span], offset: Option<usize>) -> Option<usize> {
    if found.is_empty() {
        return None;
    }
    let next = match offset {
        None => 0,
        Some(at) => found.partition_point(|s| (s.start as usize) <= at),
    };
    Some(if next == found.len() { 0 } else { next })
}

/// What the matches were found for: the step, the view, the query, and the text itself
/// (an edit or an arrived Step may show another text at the same step).
#[derive(Debug, Clone, PartialEq, Eq)]
struct MatchKey {
    step: usize,
    processed: bool,
    query: String,
    text: (usize, usize),
}

/// The matches of the last query asked for.
#[derive(Debug, Default)]
pub struct MatchCache {
    key: Option<MatchKey>,
    found: Vec<Span>,
    /// How many times the text was scanned (to check that frames do not scan it).
    pub scans: usize,
}

impl App {
    /// Runs `f` on the current envelope's matches of the search query, finding them only
    /// when the step, view, query or text changed since the last call.
    pub fn with_search_matches<R>(&self, f: impl FnOnce(&[Span]) -> R) -> R {
        let (Some(text), Some(search)) = (self.envelope_text(), &self.search) else {
            return f(&[]);
        };
        let key = MatchKey {
            step: self.step,
            processed: self.showing_processed(),
            query: search.query.clone(),
            text: (text.as_ptr() as usize, text.len()),
        };
        let mut cache = self.search_cache.borrow_mut();
        if cache.key.as_ref() != Some(&key) {
            cache.found = matches(text, &search.query);
            cache.key = Some(key);
            cache.scans += 1;
        }
        f(&cache.found)
    }

    /// The current envelope's matches of the search query.
    pub fn search_matches(&self) -> Vec<Span> {
        self.with_search_matches(<[Span]>::to_vec)
    }

    /// How many times a search scanned an envelope text.
    pub fn search_scans(&self) -> usize {
        self.search_cache.borrow().scans
    }

    pub(super) fn search_update(&mut self, action: Action) {
        match action {
            Action::SearchStart => {
                self.search = Some(Search {
                    editing: true,
                    ..Search::default()
                })
            }
            Action::SearchInput(c) => {
                if let Some(s) = &mut self.search {
                    s.query.push(c);
                    s.current = None;
                }
            }
            Action::SearchBackspace => {
                if let Some(s) = &mut self.search {
                    s.query.pop();
                    s.current = None;
                }
            }
            Action::SearchCancel => self.search = None,
            Action::SearchNext => self.jump_to_next_match(),
            _ => {}
        }
    }

    /// `Enter`: the next match after the envelope cursor (the first match when there is no
    /// cursor yet), which the cursor then moves to.
    fn jump_to_next_match(&mut self) {
        let from = self.envelope_cursor;
        let target = self.with_search_matches(|found| {
            next_from(found, from).map(|i| (i, found[i].start as usize))
        });
        let Some(s) = &mut self.search else { return };
        s.editing = false;
        s.current = target.map(|(i, _)| i);
        if let Some((_, start)) = target {
            self.focus = Pane::Envelope;
            self.place_envelope_cursor(start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_and_wraps() {
        let found = matches("a<b>a<b>", "<b>");
        assert_eq!(found, vec![Span::new(1, 4), Span::new(5, 8)]);
        assert_eq!(next_from(&found, None), Some(0));
        assert_eq!(next_from(&found, Some(0)), Some(0));
        assert_eq!(next_from(&found, Some(1)), Some(1));
        assert_eq!(next_from(&found, Some(5)), Some(0));
        assert!(matches("abc", "").is_empty());
        assert_eq!(next_from(&[], None), None);
    }

    #[test]
    fn overlapping_occurrences_count_once() {
        assert_eq!(
            matches("aaaa", "aa"),
            vec![Span::new(0, 2), Span::new(2, 4)]
        );
    }

    #[test]
    fn only_the_matches_on_screen_are_looked_up() {
        let found = matches("x.x.x.x.x", "x");
        assert_eq!(visible(&found, 2, 5), &[Span::new(2, 3), Span::new(4, 5)]);
        assert_eq!(visible(&found, 3, 4), &[] as &[Span]);
        assert_eq!(visible(&found, 0, 1), &[Span::new(0, 1)]);
        assert_eq!(visible(&found, 100, 200), &[] as &[Span]);
    }
}
