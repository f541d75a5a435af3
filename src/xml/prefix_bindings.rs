//! Namespace prefix bindings in nested scopes, with lookups that cost the same however deep
//! the nesting and however many prefixes are declared.
//!
//! The parser resolves every element and attribute prefix, and canonicalization looks up what
//! is in scope and what the output has declared for every element it writes. A scan of a
//! binding stack is quadratic on a hostile document (thousands of nested elements, each
//! declaring a prefix): here each prefix maps to its innermost binding, and every binding
//! remembers the one it shadows, so leaving a scope restores the previous state exactly.

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

fn recent_slot(prefix: &str) -> usize {
    (prefix.len() ^ prefix.as_bytes().first().map_or(0, |&b| b as usize)) & (RECENT - 1)
}

/// Bindings in the order made; `None` is the default namespace.
#[derive(Default)]
pub(crate) struct PrefixBindings<'a> {
    entries: Vec<Entry<'a>>,
    /// The innermost binding (an index into `entries`) of every prefix bound now.
    innermost: HashMap<&'a str, u32>,
    /// The innermost binding of the default namespace.
    innermost_default: Option<u32>,
    /// Bindings examined by lookups: one per lookup, whatever the depth (a work counter).
    probes: Cell<u64>,
    /// Bindings found by recent lookups (entry indexes), by [`recent_slot`]: neighbouring
    /// elements use the same few prefixes, and checking that a remembered entry still binds
    /// the prefix costs less than hashing it. Checked before use, so never wrong.
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
                let shadowed = self.innermost.insert(p, index);
                if let Some(previous) = shadowed {
                    self.entries[previous as usize].hidden = true;
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
    }

    /// Undoes the bindings made after `mark` (a [`Self::len`] taken earlier).
    pub fn truncate(&mut self, mark: usize) {
        while self.entries.len() > mark {
            let entry = self.entries.pop().expect("longer than the mark");
            match (entry.prefix, entry.shadowed) {
                (Some(p), Some(previous)) => {
                    self.entries[previous as usize].hidden = false;
                    self.innermost.insert(p, previous);
                }
                (Some(p), None) => {
                    self.innermost.remove(p);
                }
                (None, previous) => self.innermost_default = previous,
            }
        }
    }

    pub fn lookup(&self, prefix: Option<&str>) -> Option<NsId> {
        self.probes.set(self.probes.get() + 1);
        let index = match prefix {
            Some(p) => {
                let slot = &self.recent[recent_slot(p)];
                if let Some(entry) = self.entries.get(slot.get() as usize)
                    && entry.prefix == Some(p)
                    && !entry.hidden
                {
                    return Some(entry.ns);
                }
                let found = self.innermost.get(p).copied();
                if let Some(i) = found {
                    slot.set(i);
                }
                found
            }
            None => self.innermost_default,
        };
        index.map(|i| self.entries[i as usize].ns)
    }

    /// The prefix as bound (borrowed from the document), when `name` is bound now.
    pub fn bound_prefix(&self, name: &str) -> Option<&'a str> {
        self.innermost.get_key_value(name).map(|(p, _)| *p)
    }

    /// Every prefix bound now with its innermost binding, default namespace included.
    pub fn visible(&self) -> Vec<(Option<&'a str>, NsId)> {
        let prefixed = self.innermost.iter().map(|(&p, &i)| (Some(p), i));
        let default = self.innermost_default.map(|i| (None, i));
        default
            .into_iter()
            .chain(prefixed)
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
}
