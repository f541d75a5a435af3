//! Namespace prefix bindings in nested scopes, with lookups that cost the same however deep
//! the nesting and however many prefixes are declared.
//!
//! The parser resolves every element and attribute prefix, and canonicalization looks up what
//! is in scope and what the output has declared for every element it writes. A scan of a
//! binding stack is quadratic on a hostile document (thousands of nested elements, each
//! declaring a prefix): past [`SCAN_LIMIT`] bindings each prefix maps to its innermost binding,
//! and every binding remembers the one it shadows, so leaving a scope restores the previous
//! state exactly. Below it (the usual SOAP message: a handful of prefixes) a scan of at most
//! that many short names costs less than hashing one.

use std::cell::Cell;
use std::collections::HashMap;

use super::tree::NsId;

/// One binding as made; `shadowed` is the index of the binding of the same prefix it hides.
#[derive(Clone, Copy)]
struct Entry<'a> {
    prefix: Option<&'a str>,
    ns: NsId,
    shadowed: Option<u32>,
    /// A later binding of the same prefix hides this one.
    hidden: bool,
}

/// Slots of [`PrefixBindings::recent`] (a power of two).
const RECENT: usize = 8;

/// Most bindings a lookup scans; with more in scope, the map answers. The map is dropped
/// again only at half this many, so a document hovering at the limit rebuilds it at most
/// once per [`SCAN_LIMIT`]` / 2` bindings made or undone.
const SCAN_LIMIT: usize = 16;

fn recent_slot(prefix: &str) -> usize {
    (prefix.len() ^ prefix.as_bytes().first().map_or(0, |&b| b as usize)) & (RECENT - 1)
}

/// Bindings in the order made; `None` is the default namespace.
#[derive(Default)]
pub(crate) struct PrefixBindings<'a> {
    entries: Vec<Entry<'a>>,
    /// The innermost binding (an index into `entries`) of every prefix bound now, kept only
    /// while there are more than [`SCAN_LIMIT`] bindings (None otherwise).
    innermost: Option<HashMap<&'a str, u32>>,
    /// The innermost binding of the default namespace.
    innermost_default: Option<u32>,
    /// Bindings examined by lookups: one for a remembered or mapped answer, else those
    /// scanned (a work counter).
    probes: Cell<u64>,
    /// Bindings found by recent lookups (entry indexes), by [`recent_slot`]: neighbouring
    /// elements use the same few prefixes, and checking that a remembered entry still binds
    /// the prefix costs less than finding it. Checked before use, so never wrong.
    recent: [Cell<u32>; RECENT],
}

impl<'a> PrefixBindings<'a> {
    /// How many bindings were made and not yet undone (a mark for [`Self::truncate`]).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn bind(&mut self, prefix: Option<&'a str>, ns: NsId) {
        let index = self.entries.len() as u32;
        let shadowed = match prefix {
            Some(p) => {
                let shadowed = self.innermost_of(p);
                if let Some(previous) = shadowed {
                    self.entries[previous as usize].hidden = true;
                }
                if let Some(map) = &mut self.innermost {
                    map.insert(p, index);
                }
                shadowed
            }
            None => self.innermost_default.replace(index),
        };
        self.entries.push(Entry {
            prefix,
            ns,
            shadowed,
            hidden: false,
        });
        if self.innermost.is_none() && self.entries.len() > SCAN_LIMIT {
            self.innermost = Some(self.visible_prefixed().collect());
        }
    }

    /// Undoes the bindings made after `mark` (a [`Self::len`] taken earlier).
    pub fn truncate(&mut self, mark: usize) {
        while self.entries.len() > mark {
            let entry = self.entries.pop().expect("longer than the mark");
            match (entry.prefix, entry.shadowed) {
                (Some(p), shadowed) => {
                    if let Some(previous) = shadowed {
                        self.entries[previous as usize].hidden = false;
                    }
                    if let Some(map) = &mut self.innermost {
                        match shadowed {
                            Some(previous) => map.insert(p, previous),
                            None => map.remove(p),
                        };
                    }
                }
                (None, previous) => self.innermost_default = previous,
            }
        }
        if self.entries.len() <= SCAN_LIMIT / 2 {
            self.innermost = None;
        }
    }

    pub fn lookup(&self, prefix: Option<&str>) -> Option<NsId> {
        let index = match prefix {
            Some(p) => {
                let slot = &self.recent[recent_slot(p)];
                if let Some(entry) = self.entries.get(slot.get() as usize)
                    && entry.prefix == Some(p)
                    && !entry.hidden
                {
                    self.probes.set(self.probes.get() + 1);
                    return Some(entry.ns);
                }
                let found = self.innermost_of(p);
                let examined = match (&self.innermost, found) {
                    (Some(_), _) => 1,
                    (None, Some(i)) => self.entries.len() - i as usize,
                    (None, None) => self.entries.len(),
                };
                self.probes.set(self.probes.get() + examined as u64);
                if let Some(i) = found {
                    slot.set(i);
                }
                found
            }
            None => {
                self.probes.set(self.probes.get() + 1);
                self.innermost_default
            }
        };
        index.map(|i| self.entries[i as usize].ns)
    }

    /// The innermost binding of `prefix`: from the map when there is one, else by a scan of
    /// at most [`SCAN_LIMIT`] bindings from the innermost.
    fn innermost_of(&self, prefix: &str) -> Option<u32> {
        match &self.innermost {
            Some(map) => map.get(prefix).copied(),
            None => self
                .entries
                .iter()
                .rposition(|e| e.prefix == Some(prefix))
                .map(|i| i as u32),
        }
    }

    /// The prefix as bound (borrowed from the document), when `name` is bound now.
    pub fn bound_prefix(&self, name: &str) -> Option<&'a str> {
        self.innermost_of(name)
            .and_then(|i| self.entries[i as usize].prefix)
    }

    /// Every prefixed binding in force, with its entry index, in the order made.
    fn visible_prefixed(&self) -> impl Iterator<Item = (&'a str, u32)> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.hidden)
            .filter_map(|(i, e)| e.prefix.map(|p| (p, i as u32)))
    }

    /// Every prefix bound now with its innermost binding, default namespace included.
    pub fn visible(&self) -> Vec<(Option<&'a str>, NsId)> {
        let default = self.innermost_default.map(|i| (None, i));
        default
            .into_iter()
            .chain(self.visible_prefixed().map(|(p, i)| (Some(p), i)))
            .map(|(p, i)| (p, self.entries[i as usize].ns))
            .collect()
    }

    /// Bindings examined by lookups so far.
    #[cfg(test)]
    pub fn probes(&self) -> u64 {
        self.probes.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_bindings_shadow_and_truncation_restores() {
        let mut b = PrefixBindings::default();
        b.bind(Some("a"), NsId(2));
        b.bind(None, NsId(3));
        let mark = b.len();
        b.bind(Some("a"), NsId(4));
        b.bind(Some("c"), NsId(5));
        assert_eq!(b.lookup(Some("a")), Some(NsId(4)));
        assert_eq!(b.bound_prefix("c"), Some("c"));
        b.truncate(mark);
        assert_eq!(b.lookup(Some("a")), Some(NsId(2)));
        assert_eq!(b.lookup(Some("c")), None);
        assert_eq!(b.bound_prefix("c"), None);
        let mut visible = b.visible();
        visible.sort();
        assert_eq!(visible, vec![(None, NsId(3)), (Some("a"), NsId(2))]);
        b.truncate(0);
        assert_eq!(b.lookup(None), None);
    }

    #[test]
    fn remembered_lookups_follow_shadowing_and_truncation() {
        let mut b = PrefixBindings::default();
        b.bind(Some("a"), NsId(2));
        assert_eq!(b.lookup(Some("a")), Some(NsId(2)));
        let mark = b.len();
        b.bind(Some("a"), NsId(3));
        assert_eq!(b.lookup(Some("a")), Some(NsId(3)));
        b.truncate(mark);
        assert_eq!(b.lookup(Some("a")), Some(NsId(2)));
        // The remembered entry's index is reused by another prefix of the same slot.
        b.truncate(0);
        b.bind(Some("b"), NsId(4));
        assert_eq!(b.lookup(Some("a")), None);
        assert_eq!(b.lookup(Some("b")), Some(NsId(4)));
    }

    #[test]
    fn a_lookup_examines_one_binding_however_deep_the_nesting() {
        let names: Vec<String> = (0..10_000).map(|i| format!("p{i}")).collect();
        let mut b = PrefixBindings::default();
        for name in &names {
            b.bind(Some(name), NsId(7));
        }
        for name in &names {
            assert_eq!(b.lookup(Some(name)), Some(NsId(7)));
        }
        assert_eq!(b.lookup(Some("unbound")), None);
        assert_eq!(b.probes(), names.len() as u64 + 1);
    }

    /// A few bindings are scanned, many are mapped; crossing the limit either way (and back)
    /// keeps every answer, shadowing included.
    #[test]
    fn scanned_and_mapped_bindings_answer_alike() {
        let names: Vec<String> = (0..3 * SCAN_LIMIT).map(|i| format!("p{}", i % 5)).collect();
        let mut b = PrefixBindings::default();
        let mut marks = Vec::new();
        for (depth, name) in names.iter().enumerate() {
            marks.push(b.len());
            b.bind(Some(name), NsId(depth as u32 + 2));
            if depth % 3 == 0 {
                b.bind(None, NsId(100 + depth as u32));
            }
            // The innermost binding of each prefix is the last one made.
            for p in 0..5 {
                let want = names[..=depth]
                    .iter()
                    .rposition(|n| *n == format!("p{p}"))
                    .map(|i| NsId(i as u32 + 2));
                assert_eq!(b.lookup(Some(&format!("p{p}"))), want, "depth {depth} p{p}");
            }
            if b.len() > SCAN_LIMIT {
                assert!(b.innermost.is_some(), "mapped past the limit");
            }
        }
        assert!(b.innermost.is_some());
        while let Some(mark) = marks.pop() {
            b.truncate(mark);
            let depth = marks.len();
            for p in 0..5 {
                let want = names[..depth]
                    .iter()
                    .rposition(|n| *n == format!("p{p}"))
                    .map(|i| NsId(i as u32 + 2));
                assert_eq!(
                    b.lookup(Some(&format!("p{p}"))),
                    want,
                    "back at {depth} p{p}"
                );
                assert_eq!(b.bound_prefix(&format!("p{p}")).is_some(), want.is_some());
            }
            let visible = b.visible().len();
            let distinct = names[..depth]
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len();
            let default = usize::from(depth > 0);
            assert_eq!(visible, distinct + default, "back at {depth}");
        }
        assert!(b.innermost.is_none());
        assert_eq!(b.lookup(None), None);
    }

    /// What the bindings answer, against a plain stack searched from the top, over random
    /// sequences of bindings and scope exits that cross [`SCAN_LIMIT`] both ways.
    mod against_a_stack {
        use super::*;
        use proptest::prelude::*;

        const PREFIXES: [&str; 6] = ["a", "b", "c", "d", "ab", "xml"];

        #[derive(Debug, Clone)]
        enum Step {
            Bind(Option<usize>, u32),
            Leave,
        }

        fn step() -> impl Strategy<Value = Step> {
            prop_oneof![
                4 => (proptest::option::weighted(0.8, 0..PREFIXES.len()), 2..9u32)
                    .prop_map(|(p, ns)| Step::Bind(p, ns)),
                1 => Just(Step::Leave),
            ]
        }

        proptest! {
            #[test]
            fn every_answer_is_the_innermost_binding(
                scopes in proptest::collection::vec(proptest::collection::vec(step(), 0..8), 0..40)
            ) {
                let mut b = PrefixBindings::default();
                let mut stack: Vec<(Option<&str>, NsId)> = Vec::new();
                let mut marks: Vec<usize> = Vec::new();
                for scope in &scopes {
                    marks.push(b.len());
                    for s in scope {
                        match *s {
                            Step::Bind(p, ns) => {
                                let prefix = p.map(|i| PREFIXES[i]);
                                b.bind(prefix, NsId(ns));
                                stack.push((prefix, NsId(ns)));
                            }
                            Step::Leave => {
                                if let Some(mark) = marks.pop() {
                                    b.truncate(mark);
                                    stack.truncate(mark);
                                }
                            }
                        }
                    }
                    prop_assert_eq!(b.len(), stack.len());
                    for prefix in PREFIXES.iter().map(|p| Some(*p)).chain([None]) {
                        let want = stack.iter().rev().find(|(p, _)| *p == prefix).map(|e| e.1);
                        prop_assert_eq!(b.lookup(prefix), want, "{:?}", prefix);
                        if let Some(name) = prefix {
                            prop_assert_eq!(b.bound_prefix(name).is_some(), want.is_some());
                        }
                    }
                    let mut visible = b.visible();
                    visible.sort();
                    let mut want: Vec<(Option<&str>, NsId)> = Vec::new();
                    for (p, ns) in stack.iter().rev() {
                        if !want.iter().any(|(q, _)| q == p) {
                            want.push((*p, *ns));
                        }
                    }
                    want.sort();
                    prop_assert_eq!(visible, want);
                }
            }
        }
    }

    #[test]
    fn a_scan_examines_at_most_the_limit() {
        let mut b = PrefixBindings::default();
        for i in 0..SCAN_LIMIT {
            b.bind(Some(if i == 0 { "first" } else { "other" }), NsId(2));
        }
        assert!(b.innermost.is_none());
        assert_eq!(b.lookup(Some("first")), Some(NsId(2)));
        assert!(b.probes() <= SCAN_LIMIT as u64);
    }
}
