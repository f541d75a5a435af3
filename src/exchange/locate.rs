//! Finding the bytes a Step names: elements by id (`wsu:Id`, `Id`, SAML `ID`...) and
//! security contexts by their `wsc:Identifier`, in the step's envelope and, failing that, in
//! the receiver's processed view. Each text is parsed once per step.

use crate::ns;
use crate::xml::{Document, IdAttributes, IdIndex, IdLookup, Node, Span};

use super::span::TextSpan;

/// One parsed text and its id index.
pub struct Finder {
    doc: Document,
    ids: IdIndex,
}

/// Why an id names no single element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlocated {
    /// No element carries it.
    Missing,
    /// Several do (the verifier refuses to pick one).
    Duplicate(usize),
}

impl Unlocated {
    /// In words, for a reference whose target span is null.
    pub fn reason(self, id: &str) -> String {
        match self {
            Unlocated::Missing => format!("no element with id {id} in this message"),
            Unlocated::Duplicate(n) => format!("{n} elements carry id {id}"),
        }
    }
}

impl Finder {
    pub fn new(doc: Document) -> Finder {
        let ids = IdIndex::build(&doc, &IdAttributes::default());
        Finder { doc, ids }
    }

    /// Parses `text`; `None` when it is not well-formed XML (nothing can be located then).
    pub fn parse(text: &str, name: &str) -> Option<Finder> {
        Document::parse_str(text, name.to_string())
            .ok()
            .map(Finder::new)
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The first element carrying `id`.
    pub fn node_by_id(&self, id: &str) -> Option<Node<'_>> {
        match self.ids.lookup(id) {
            IdLookup::Unique(n) => Some(self.doc.node(n)),
            IdLookup::Duplicate(ns) => ns.first().map(|n| self.doc.node(*n)),
            IdLookup::Missing => None,
        }
    }

    /// The element(s) carrying `id`, or else the context token whose `wsc:Identifier` is
    /// `id`; empty when this text has none.
    pub fn by_id(&self, id: &str) -> Vec<Span> {
        match self.ids.lookup(id) {
            IdLookup::Unique(n) => return vec![self.doc.node(n).span()],
            IdLookup::Duplicate(ns) => {
                return ns.iter().map(|n| self.doc.node(*n).span()).collect();
            }
            IdLookup::Missing => {}
        }
        self.doc
            .descendants()
            .filter(|n| n.is_element())
            .filter_map(|n| identified_token(n, id))
            .map(Node::span)
            .collect()
    }

    /// The `ds:Signature` at `path` (a signature without an id is named by its path, its
    /// position among its siblings: see [`crate::xml::Node::path`]).
    pub fn signature_at(&self, path: &str) -> Option<Span> {
        self.doc
            .descendants()
            .filter(|n| n.has_name(ns::DS, "Signature"))
            .find(|n| n.path() == path)
            .map(|n| n.span())
    }

    /// The one element `id` names.
    pub fn unique(&self, id: &str) -> Result<Span, Unlocated> {
        match self.by_id(id).as_slice() {
            [] => Err(Unlocated::Missing),
            [one] => Ok(*one),
            many => Err(Unlocated::Duplicate(many.len())),
        }
    }
}

/// The security context token whose `wsc:Identifier` is `id` (contexts are named by their
/// Identifier, not by an id attribute).
fn identified_token<'d>(n: Node<'d>, id: &str) -> Option<Node<'d>> {
    let is_identifier = (n.has_name(ns::WSC, "Identifier")
        || n.has_name(ns::WSC_2005, "Identifier"))
        && n.children().all(|c| !c.is_element())
        && n.children()
            .map(|c| c.source_text())
            .collect::<String>()
            .trim()
            == id;
    if is_identifier { n.parent() } else { None }
}

/// The texts of one step: the envelope and, at a receiver's step, its processed view.
#[derive(Default)]
pub struct StepTexts {
    pub envelope: Option<Finder>,
    pub processed: Option<Finder>,
}

impl StepTexts {
    /// The element `id` names: in the envelope, else in the processed view (an element the
    /// receiver found only after decrypting).
    pub fn find(&self, id: &str) -> Result<TextSpan, Unlocated> {
        let in_envelope = match &self.envelope {
            Some(f) => f.unique(id),
            None => Err(Unlocated::Missing),
        };
        match (in_envelope, &self.processed) {
            (Ok(span), _) => Ok(TextSpan::envelope(span)),
            (Err(Unlocated::Missing), Some(p)) => p.unique(id).map(TextSpan::processed),
            (Err(e), _) => Err(e),
        }
    }

    /// The signature a layer names: by its id, else (a signature without one, named by its
    /// path) by its place in the envelope, else in the processed view.
    pub fn find_signature(&self, id: &str) -> Option<TextSpan> {
        if let Ok(span) = self.find(id) {
            return Some(span);
        }
        if !id.starts_with('/') {
            return None;
        }
        let at = |f: &Option<Finder>| f.as_ref().and_then(|f| f.signature_at(id));
        at(&self.envelope)
            .map(TextSpan::envelope)
            .or_else(|| at(&self.processed).map(TextSpan::processed))
    }

    /// Every element `id` names in the envelope, else in the processed view.
    pub fn find_all(&self, id: &str) -> Vec<TextSpan> {
        let in_envelope = self.envelope.as_ref().map(|f| f.by_id(id));
        match in_envelope {
            Some(spans) if !spans.is_empty() => spans.into_iter().map(TextSpan::envelope).collect(),
            _ => self
                .processed
                .as_ref()
                .map(|p| p.by_id(id).into_iter().map(TextSpan::processed).collect())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_elements_by_id_and_contexts_by_identifier() {
        let text = format!(
            r#"<e xmlns:wsu="{wsu}" xmlns:wsc="{wsc}"><b wsu:Id="B-1">x</b><wsc:SecurityContextToken><wsc:Identifier>urn:c</wsc:Identifier></wsc:SecurityContextToken><d wsu:Id="D"/><d wsu:Id="D"/></e>"#,
            wsu = ns::WSU,
            wsc = ns::WSC
        );
        let f = Finder::parse(&text, "t").unwrap();
        let b = f.by_id("B-1");
        assert_eq!(&text[b[0].range()], r#"<b wsu:Id="B-1">x</b>"#);
        let sct = f.by_id("urn:c");
        assert!(text[sct[0].range()].starts_with("<wsc:SecurityContextToken>"));
        assert!(f.by_id("nothing").is_empty());
        assert_eq!(f.unique("D"), Err(Unlocated::Duplicate(2)));
    }

    #[test]
    fn an_id_missing_from_the_envelope_is_looked_for_in_the_processed_view() {
        let texts = StepTexts {
            envelope: Finder::parse(r#"<e><x Id="A"/></e>"#, "e"),
            processed: Finder::parse(r#"<e><x Id="A"/><y Id="B"/></e>"#, "p"),
        };
        assert_eq!(texts.find("A").unwrap().view, super::super::View::Envelope);
        let b = texts.find("B").unwrap();
        assert_eq!(b.view, super::super::View::Processed);
        assert_eq!(b.range(), 14..25);
        assert_eq!(texts.find("C"), Err(Unlocated::Missing));
    }

    #[test]
    fn a_signature_without_an_id_is_found_by_its_path() {
        let text = format!(
            r#"<e xmlns:ds="{ds}"><ds:Signature Id="S"/><ds:Signature><ds:SignedInfo/></ds:Signature></e>"#,
            ds = ns::DS
        );
        let texts = StepTexts {
            envelope: Finder::parse(&text, "e"),
            processed: None,
        };
        let doc = texts.envelope.as_ref().unwrap().document();
        let second = doc
            .descendants()
            .filter(|n| n.has_name(ns::DS, "Signature"))
            .nth(1)
            .unwrap();
        let span = texts.find_signature(&second.path()).unwrap();
        assert_eq!(
            &text[span.range()],
            "<ds:Signature><ds:SignedInfo/></ds:Signature>"
        );
        assert!(texts.find_signature("/e/ds:Signature[9]").is_none());
        assert!(texts.find_signature("S").is_some());
    }
}
