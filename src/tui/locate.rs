//! What the panes link to in one step's envelope: the XML tokens for colour, and the byte
//! spans of each layer, reference, key token and check, read off the Snapshot (the engine
//! locates them, see [`crate::exchange::step_spans`]). The panes highlight spans of the
//! envelope; those pointing into the processed view are shown in the detail instead.

use crate::exchange::{Layer, Step, TextSpan, View};
use crate::xml::{Document, Span};

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
        let key_spans = snapshot
            .ledger
            .keys()
            .iter()
            .map(|k| envelope_spans(k.token_span.iter()))
            .collect();
        let check_spans = snapshot
            .checks
            .iter()
            .map(|c| envelope_spans(c.spans.iter()))
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
            layer_rows: layer_rows(&snapshot.layers),
            key_spans,
            check_spans,
            parse_error,
        }
    }
}

/// The spans that point into the envelope.
fn envelope_spans<'a>(spans: impl Iterator<Item = &'a TextSpan>) -> Vec<Span> {
    spans
        .filter(|s| s.view == View::Envelope)
        .map(|s| s.span())
        .collect()
}

fn layer_rows(layers: &[Layer]) -> Vec<LayerRow> {
    let mut rows = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        match layer {
            Layer::Signature(s) => {
                rows.push(LayerRow {
                    kind: LayerRowKind::Signature { layer: li },
                    spans: envelope_spans(s.span.iter()),
                });
                for (ri, r) in s.references.iter().enumerate() {
                    rows.push(LayerRow {
                        kind: LayerRowKind::Reference {
                            layer: li,
                            reference: ri,
                        },
                        spans: envelope_spans(r.target_span.iter()),
                    });
                }
            }
            Layer::Encryption(e) => rows.push(LayerRow {
                kind: LayerRowKind::Encryption { layer: li },
                spans: envelope_spans(e.spans.iter()),
            }),
        }
    }
    rows
}
