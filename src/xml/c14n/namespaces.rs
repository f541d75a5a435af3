//! The two namespace maps canonicalization keeps while it walks a subtree.
//!
//! `in_scope` is what the document declares (ancestors of the apex included); `rendered` is
//! what the canonical output has declared so far on its output ancestors. A namespace node is
//! written when the value a reader of the output would see differs from the value in scope.

use crate::xml::prefix_bindings::PrefixBindings;
use crate::xml::tree::NsId;

/// Prefix bindings with frames (one per element entered); `None` is the default namespace.
/// Lookups cost the same at any depth (see [`PrefixBindings`]).
#[derive(Default)]
pub(crate) struct Bindings<'d> {
    bindings: PrefixBindings<'d>,
    marks: Vec<usize>,
}

impl<'d> Bindings<'d> {
    pub fn enter(&mut self) {
        self.marks.push(self.bindings.len());
    }

    pub fn leave(&mut self) {
        let mark = self.marks.pop().expect("leave matches enter");
        self.bindings.truncate(mark);
    }

    pub fn bind(&mut self, prefix: Option<&'d str>, ns: NsId) {
        self.bindings.bind(prefix, ns);
    }

    pub fn lookup(&self, prefix: Option<&str>) -> Option<NsId> {
        self.bindings.lookup(prefix)
    }

    /// The prefix as the document wrote it (so it borrows from the document), if bound now.
    pub fn bound_prefix(&self, name: &str) -> Option<&'d str> {
        self.bindings.bound_prefix(name)
    }

    /// Every prefix with its innermost binding, default namespace included.
    pub fn visible(&self) -> Vec<(Option<&'d str>, NsId)> {
        self.bindings.visible()
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
