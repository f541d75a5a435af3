//! Canonical XML 1.0 and Exclusive XML Canonicalization 1.0, with and without comments.
//!
//! Node sets are what XML Signature needs in practice: the whole document, the subtree of one
//! element (which keeps the namespace context, and for inclusive C14N the `xml:*` attributes,
//! inherited from its omitted ancestors), each minus one descendant subtree (the
//! enveloped-signature transform). The canonical bytes stream into any [`std::io::Write`]
//! through a fixed-size buffer, so a digest of a 50 MB document never holds it twice.

mod namespaces;
mod output;

use std::io::{self, Write};

use self::namespaces::{Bindings, must_render};
use self::output::Sink;
use super::tree::{Attribute, Document, Node, NodeId, NodeType, NsId, XML_NAMESPACE};

pub const C14N_10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
pub const C14N_10_WITH_COMMENTS: &str =
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub const EXC_C14N_WITH_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

/// Which canonicalization, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct C14nMethod {
    pub exclusive: bool,
    pub with_comments: bool,
    /// Exclusive only: the InclusiveNamespaces PrefixList; `None` stands for `#default`.
    pub inclusive_prefixes: Vec<Option<String>>,
}

impl C14nMethod {
    pub fn inclusive(with_comments: bool) -> Self {
        C14nMethod {
            exclusive: false,
            with_comments,
            inclusive_prefixes: Vec::new(),
        }
    }

    pub fn exclusive(with_comments: bool) -> Self {
        C14nMethod {
            exclusive: true,
            with_comments,
            inclusive_prefixes: Vec::new(),
        }
    }

    /// The method named by an algorithm URI, or `None` when the URI is not a canonicalization.
    pub fn from_uri(uri: &str) -> Option<Self> {
        match uri {
            C14N_10 => Some(C14nMethod::inclusive(false)),
            C14N_10_WITH_COMMENTS => Some(C14nMethod::inclusive(true)),
            EXC_C14N => Some(C14nMethod::exclusive(false)),
            EXC_C14N_WITH_COMMENTS => Some(C14nMethod::exclusive(true)),
            _ => None,
        }
    }

    pub fn uri(&self) -> &'static str {
        match (self.exclusive, self.with_comments) {
            (false, false) => C14N_10,
            (false, true) => C14N_10_WITH_COMMENTS,
            (true, false) => EXC_C14N,
            (true, true) => EXC_C14N_WITH_COMMENTS,
        }
    }

    /// Sets the PrefixList from its attribute form: white-space separated, `#default` allowed.
    pub fn with_prefix_list(mut self, list: &str) -> Self {
        self.inclusive_prefixes = parse_prefix_list(list);
        self
    }
}

/// Splits an InclusiveNamespaces PrefixList; `#default` becomes `None`.
pub fn parse_prefix_list(list: &str) -> Vec<Option<String>> {
    list.split_ascii_whitespace()
        .map(|p| {
            if p == "#default" {
                None
            } else {
                Some(p.to_string())
            }
        })
        .collect()
}

/// The nodes to canonicalize: everything under `apex` (the document node or any node), except
/// the subtree rooted at `excluded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSet {
    pub apex: NodeId,
    pub excluded: Option<NodeId>,
}

impl NodeSet {
    pub fn document() -> Self {
        NodeSet {
            apex: NodeId::DOCUMENT,
            excluded: None,
        }
    }

    pub fn subtree(apex: NodeId) -> Self {
        NodeSet {
            apex,
            excluded: None,
        }
    }

    pub fn without(mut self, excluded: NodeId) -> Self {
        self.excluded = Some(excluded);
        self
    }
}

/// Writes the canonical form of `set` into `out`.
pub fn canonicalize<W: Write>(
    doc: &Document,
    set: NodeSet,
    method: &C14nMethod,
    out: W,
) -> io::Result<W> {
    let mut c = Canonicalizer {
        method,
        excluded: set.excluded.map(|e| doc.node(e)),
        sink: Sink::new(out),
        in_scope: Bindings::default(),
        rendered: Bindings::default(),
        attr_scratch: Vec::new(),
        ns_scratch: Vec::new(),
    };
    let apex = doc.node(set.apex);
    if c.is_excluded(apex) {
        return c.sink.finish();
    }
    match apex.node_type() {
        NodeType::Document => c.document(apex)?,
        NodeType::Element => c.subtree(apex)?,
        _ => c.leaf(apex)?,
    }
    c.sink.finish()
}

/// Canonical bytes in memory (tests, small subtrees such as SignedInfo).
pub fn canonicalize_to_vec(doc: &Document, set: NodeSet, method: &C14nMethod) -> Vec<u8> {
    canonicalize(doc, set, method, Vec::new()).expect("writing into a Vec cannot fail")
}

struct Canonicalizer<'d, 'm, W: Write> {
    method: &'m C14nMethod,
    excluded: Option<Node<'d>>,
    sink: Sink<W>,
    in_scope: Bindings<'d>,
    rendered: Bindings<'d>,
    attr_scratch: Vec<Attribute<'d>>,
    ns_scratch: Vec<(Option<&'d str>, NsId)>,
}

impl<'d, W: Write> Canonicalizer<'d, '_, W> {
    fn is_excluded(&self, node: Node<'d>) -> bool {
        self.excluded.is_some_and(|e| e == node)
    }

    /// The document node: children of the document in order, with the line feeds C14N puts
    /// between the document element and comments or PIs around it.
    fn document(&mut self, document: Node<'d>) -> io::Result<()> {
        let mut after_root = false;
        for child in document.children() {
            if self.is_excluded(child) {
                if child.is_element() {
                    after_root = true;
                }
                continue;
            }
            match child.node_type() {
                NodeType::Element => {
                    self.subtree(child)?;
                    after_root = true;
                }
                NodeType::Comment if !self.method.with_comments => {}
                NodeType::Comment | NodeType::ProcessingInstruction => {
                    if after_root {
                        self.sink.bytes(b"\n")?;
                    }
                    self.leaf(child)?;
                    if !after_root {
                        self.sink.bytes(b"\n")?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// An element and its descendants, by a linear scan of the preorder arena.
    fn subtree(&mut self, apex: Node<'d>) -> io::Result<()> {
        let doc = apex.document();
        // Namespace context from the omitted ancestors, outermost first so inner ones win.
        let mut ancestors: Vec<Node<'d>> = apex.ancestors().filter(|a| a.is_element()).collect();
        ancestors.reverse();
        self.in_scope.enter();
        self.rendered.enter();
        for a in &ancestors {
            for d in a.namespace_declarations() {
                self.in_scope.bind(d.prefix, d.ns);
            }
        }

        let end = apex.subtree_end().index();
        let mut open: Vec<Node<'d>> = Vec::new();
        let mut i = apex.id().index();
        while i < end {
            let node = doc.node(NodeId(i as u32));
            while let Some(&top) = open.last() {
                if top.subtree_end().index() > i {
                    break;
                }
                self.end_tag(top)?;
                open.pop();
            }
            if self.is_excluded(node) {
                i = node.subtree_end().index();
                continue;
            }
            match node.node_type() {
                NodeType::Element => {
                    self.start_tag(node, node == apex)?;
                    open.push(node);
                }
                NodeType::Comment if !self.method.with_comments => {}
                _ => self.leaf(node)?,
            }
            i += 1;
        }
        while let Some(top) = open.pop() {
            self.end_tag(top)?;
        }
        self.in_scope.leave();
        self.rendered.leave();
        Ok(())
    }

    fn leaf(&mut self, node: Node<'d>) -> io::Result<()> {
        match node.node_type() {
            NodeType::Text => self.sink.text(node.text()),
            NodeType::Comment => {
                self.sink.bytes(b"<!--")?;
                self.sink.normalized_line_ends(node.text())?;
                self.sink.bytes(b"-->")
            }
            NodeType::ProcessingInstruction => {
                let (target, data) = node.processing_instruction().expect("node is a PI");
                self.sink.bytes(b"<?")?;
                self.sink.str(target)?;
                if !data.is_empty() {
                    self.sink.bytes(b" ")?;
                    self.sink.normalized_line_ends(data)?;
                }
                self.sink.bytes(b"?>")
            }
            NodeType::Element | NodeType::Document => Ok(()),
        }
    }

    fn start_tag(&mut self, element: Node<'d>, is_apex: bool) -> io::Result<()> {
        self.in_scope.enter();
        self.rendered.enter();
        for d in element.namespace_declarations() {
            self.in_scope.bind(d.prefix, d.ns);
        }

        let mut namespaces = std::mem::take(&mut self.ns_scratch);
        namespaces.clear();
        if self.method.exclusive {
            self.exclusive_namespaces(element, &mut namespaces);
        } else {
            self.inclusive_namespaces(element, is_apex, &mut namespaces);
        }
        namespaces.sort_by(|a, b| a.0.cmp(&b.0));
        for &(prefix, ns) in &namespaces {
            self.rendered.bind(prefix, ns);
        }

        let mut attrs = std::mem::take(&mut self.attr_scratch);
        attrs.clear();
        attrs.extend(element.attributes());
        if is_apex && !self.method.exclusive {
            inherit_xml_attributes(element, &mut attrs);
        }
        attrs.sort_by(|a, b| {
            short_cmp(a.namespace(), b.namespace())
                .then_with(|| short_cmp(a.local_name(), b.local_name()))
        });

        let doc = element.document();
        self.sink.bytes(b"<")?;
        self.sink.str(element.qname())?;
        for &(prefix, ns) in &namespaces {
            match prefix {
                None => self.sink.bytes(b" xmlns=\"")?,
                Some(p) => {
                    self.sink.bytes(b" xmlns:")?;
                    self.sink.str(p)?;
                    self.sink.bytes(b"=\"")?;
                }
            }
            self.sink.attribute_value(doc.namespace_uri(ns))?;
            self.sink.bytes(b"\"")?;
        }
        for a in &attrs {
            self.sink.bytes(b" ")?;
            self.sink.str(a.qname())?;
            self.sink.bytes(b"=\"")?;
            self.sink.attribute_value(a.value())?;
            self.sink.bytes(b"\"")?;
        }
        self.sink.bytes(b">")?;
        self.ns_scratch = namespaces;
        self.attr_scratch = attrs;
        Ok(())
    }

    fn end_tag(&mut self, element: Node<'d>) -> io::Result<()> {
        self.sink.bytes(b"</")?;
        self.sink.str(element.qname())?;
        self.sink.bytes(b">")?;
        self.in_scope.leave();
        self.rendered.leave();
        Ok(())
    }

    /// Canonical XML 1.0: the apex writes every namespace in scope; below it, declarations
    /// that change a binding are written and superfluous ones dropped.
    fn inclusive_namespaces(
        &self,
        element: Node<'d>,
        is_apex: bool,
        out: &mut Vec<(Option<&'d str>, NsId)>,
    ) {
        let candidates: Vec<(Option<&'d str>, NsId)> = if is_apex {
            self.in_scope.visible()
        } else {
            element
                .namespace_declarations()
                .map(|d| (d.prefix, d.ns))
                .collect()
        };
        for (prefix, ns) in candidates {
            if must_render(prefix, ns, self.rendered.lookup(prefix)) {
                out.push((prefix, ns));
            }
        }
    }

    /// Exclusive C14N: only namespaces the element visibly uses (its own prefix, its
    /// attributes' prefixes) plus those in the InclusiveNamespaces PrefixList, each written
    /// where the output has not already declared the same value.
    fn exclusive_namespaces(&self, element: Node<'d>, out: &mut Vec<(Option<&'d str>, NsId)>) {
        let mut consider = |prefix: Option<&'d str>, required: bool| {
            if out.iter().any(|(p, _)| *p == prefix) {
                return;
            }
            let ns = match self.in_scope.lookup(prefix) {
                Some(ns) => ns,
                None if prefix.is_none() || required => NsId::NONE,
                None => return,
            };
            if must_render(prefix, ns, self.rendered.lookup(prefix)) {
                out.push((prefix, ns));
            }
        };
        consider(element.prefix(), true);
        for a in element.attributes() {
            if let Some(p) = a.prefix()
                && p != "xml"
            {
                consider(Some(p), true);
            }
        }
        for p in &self.method.inclusive_prefixes {
            // Prefixes from the list are looked up by name; the borrow must outlive the walk,
            // so take the prefix as bound in scope (written by the element or an ancestor).
            let prefix: Option<&'d str> = match p {
                None => None,
                Some(name) => match self.in_scope.bound_prefix(name) {
                    Some(p) => Some(p),
                    None => continue,
                },
            };
            consider(prefix, false);
        }
    }
}

/// Canonical XML 1.0 section 2.4: an apex whose parent is not in the node set inherits the
/// `xml:*` attributes of its ancestors (the nearest value wins) unless it has its own.
fn inherit_xml_attributes<'d>(element: Node<'d>, attrs: &mut Vec<Attribute<'d>>) {
    for ancestor in element.ancestors() {
        for a in ancestor.attributes() {
            if a.namespace() == XML_NAMESPACE
                && !attrs
                    .iter()
                    .any(|b| b.namespace() == XML_NAMESPACE && b.local_name() == a.local_name())
            {
                attrs.push(a);
            }
        }
    }
}

#[cfg(test)]
mod tests;

/// `a.cmp(b)` for the short strings attribute names and namespace URIs are: an inlined byte
/// loop, where `str::cmp` calls `memcmp` (the sort calls this for every attribute pair).
fn short_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().cmp(b.bytes())
}
