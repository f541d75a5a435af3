//! The two namespace maps canonicalization keeps while it walks a subtree.
//!
//! `in_scope` is what the document declares (ancestors of the apex included); `rendered` is
//! what the canonical output has declared so far on its output ancestors. A namespace node is
//! written when the value a reader of the output would see differs from the value in scope.

use crate::xml::tree::NsId;

/// A stack of prefix bindings with frames; `None` is the default namespace. Lookups search from
/// the innermost frame outwards (nesting is shallow and elements declare few prefixes).
#[derive(Default)]
pub(crate) struct Bindings<'d> {
    entries: Vec<(Option<&'d str>, NsId)>,
    marks: Vec<usize>,
}

impl<'d> Bindings<'d> {
    pub fn enter(&mut self) {
        self.marks.push(self.entries.len());
    }

    pub fn leave(&mut self) {
        let mark = self.marks.pop().expect("leave matches enter");
        self.entries.truncate(mark);
    }

    pub fn bind(&mut self, prefix: Option<&'d str>, ns: NsId) {
        self.entries.push((prefix, ns));
    }

    pub fn lookup(&self, prefix: Option<&str>) -> Option<NsId> {
        self.entries
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|(_, ns)| *ns)
    }

    /// Every prefix with its innermost binding, default namespace included.
    pub fn visible(&self) -> Vec<(Option<&'d str>, NsId)> {
        let mut seen: Vec<(Option<&'d str>, NsId)> = Vec::new();
        for &(p, ns) in self.entries.iter().rev() {
            if !seen.iter().any(|(q, _)| *q == p) {
                seen.push((p, ns));
            }
        }
        seen
    }
}

/// Whether a namespace node (prefix → `value`) must be written on an element given what the
/// output has already declared for that prefix (`rendered`).
///
/// The empty default namespace is written as `xmlns=""` only to cancel a non-empty default an
/// output ancestor declared (C14N 1.0 section 2.3; Exclusive C14N section 3).
pub(crate) fn must_render(prefix: Option<&str>, value: NsId, rendered: Option<NsId>) -> bool {
    match prefix {
        // The xml prefix is bound by definition and never declared in canonical output.
        Some("xml") => false,
        None if value == NsId::NONE => rendered.is_some_and(|r| r != NsId::NONE),
        _ => rendered != Some(value),
    }
}
