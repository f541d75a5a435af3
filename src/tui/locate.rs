//! What the panes link to in one step's envelope: the XML tokens for colour and the byte spans
//! of each layer, reference, key token and check, found with wskex's own parser.
//!
//! The engine's Snapshot carries no spans yet (issue 9); until it does, the TUI finds the
//! elements here, once per step, by the ids the Step names. When issue 9 lands this module
//! shrinks to reading the spans off the Snapshot.

use crate::exchange::{Layer, Step};
use crate::ns;
use crate::xml::{Document, IdAttributes, IdIndex, IdLookup, Node, Span};

use super::syntax::{self, Token};

/// What a row of the Layers pane stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerRowKind {
    Signature { layer: usize },
    Reference { layer: usize, reference: usize },
    Encryption { layer: usize },
}

/// One row of the Layers pane with the bytes it covers in this step's envelope.
#[derive(Debug, Clone)]
pub struct LayerRow {
    pub kind: LayerRowKind,
    pub spans: Vec<Span>,
}

/// Everything located in one step's envelope, computed once per step.
#[derive(Debug, Clone, Default)]
pub struct StepView {
    pub tokens: Vec<Token>,
    /// The XML tokens of the receiver's processed view, when the step has one.
    pub processed_tokens: Vec<Token>,
    pub layer_rows: Vec<LayerRow>,
    pub key_spans: Vec<Vec<Span>>,
    pub check_spans: Vec<Vec<Span>>,
    /// Why the envelope could not be parsed (it is then shown uncoloured and unlinked).
    pub parse_error: Option<String>,
}

impl StepView {
    pub fn build(step: &Step) -> StepView {
        let snapshot = &step.snapshot;
        let doc = snapshot
            .envelope
            .as_ref()
            .map(|e| Document::parse_str(&e.text, "envelope"));
        let (doc, parse_error) = match doc {
            Some(Ok(doc)) => (Some(doc), None),
            Some(Err(e)) => (None, Some(e.to_string())),
            None => (None, None),
        };
        let finder = doc.as_ref().map(Finder::new);
        let find = |id: &str| finder.as_ref().map(|f| f.by_id(id)).unwrap_or_default();
        let layer_rows = layer_rows(&snapshot.layers, &find);
        let key_spans = snapshot
            .ledger
            .keys()
            .iter()
            .map(|k| k.token.as_deref().map(&find).unwrap_or_default())
            .collect();
        let check_spans = snapshot
            .checks
            .iter()
            .map(|c| {
                c.name
                    .rsplit(' ')
                    .next()
                    .filter(|word| *word != c.name)
                    .map(&find)
                    .unwrap_or_default()
            })
            .collect();
        let processed_tokens = snapshot
            .processed
            .as_ref()
            .and_then(|p| Document::parse_str(&p.text, "processed view").ok())
            .map(|d| syntax::tokens(&d))
            .unwrap_or_default();
        StepView {
            tokens: doc.as_ref().map(syntax::tokens).unwrap_or_default(),
            processed_tokens,
            layer_rows,
            key_spans,
            check_spans,
            parse_error,
        }
    }
}

fn layer_rows(layers: &[Layer], find: &dyn Fn(&str) -> Vec<Span>) -> Vec<LayerRow> {
    let mut rows = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        match layer {
            Layer::Signature(s) => {
                rows.push(LayerRow {
                    kind: LayerRowKind::Signature { layer: li },
                    spans: find(&s.id),
                });
                for (ri, r) in s.references.iter().enumerate() {
                    let target = r.uri.strip_prefix('#').map(find).unwrap_or_default();
                    rows.push(LayerRow {
                        kind: LayerRowKind::Reference {
                            layer: li,
                            reference: ri,
                        },
                        spans: target,
                    });
                }
            }
            Layer::Encryption(e) => {
                let mut spans: Vec<Span> = e.encrypted_key.as_deref().map(find).unwrap_or_default();
                for d in &e.encrypted_data {
                    spans.extend(find(d));
                }
                rows.push(LayerRow {
                    kind: LayerRowKind::Encryption { layer: li },
                    spans,
                });
            }
        }
    }
    rows
}

/// Finds elements of one envelope by the ids and identifiers Steps name.
pub struct Finder<'d> {
    doc: &'d Document,
    ids: IdIndex,
}

impl<'d> Finder<'d> {
    pub fn new(doc: &'d Document) -> Finder<'d> {
        Finder {
            doc,
            ids: IdIndex::build(doc, &IdAttributes::default()),
        }
    }

    /// The first element carrying `id`.
    pub fn node_by_id(&self, id: &str) -> Option<Node<'d>> {
        match self.ids.lookup(id) {
            IdLookup::Unique(n) => Some(self.doc.node(n)),
            IdLookup::Duplicate(ns) => ns.first().map(|n| self.doc.node(*n)),
            IdLookup::Missing => None,
        }
    }

    /// The element(s) carrying `id` (`wsu:Id`, `Id`, SAML `ID`...), or else the context token
    /// whose `wsc:Identifier` is `id`; empty when this envelope has none.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_elements_by_id_and_contexts_by_identifier() {
        let text = format!(
            r#"<e xmlns:wsu="{wsu}" xmlns:wsc="{wsc}"><b wsu:Id="B-1">x</b><wsc:SecurityContextToken><wsc:Identifier>urn:c</wsc:Identifier></wsc:SecurityContextToken></e>"#,
            wsu = ns::WSU,
            wsc = ns::WSC
        );
        let doc = Document::parse_str(&text, "t").unwrap();
        let f = Finder::new(&doc);
        let b = f.by_id("B-1");
        assert_eq!(&text[b[0].range()], r#"<b wsu:Id="B-1">x</b>"#);
        let sct = f.by_id("urn:c");
        assert!(text[sct[0].range()].starts_with("<wsc:SecurityContextToken>"));
        assert!(f.by_id("nothing").is_empty());
    }
}
