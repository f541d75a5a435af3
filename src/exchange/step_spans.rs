//! Gives one Snapshot its spans: each layer's element, each reference's target, each key's
//! token and the bytes of each check about a layer, located once in the step's texts (see
//! [`super::locate`]). Running it again (after an edit of the envelope) replaces them; the
//! spans of findings come from the receiver's reports and are kept.

use super::locate::{Finder, StepTexts};
use super::snapshot::{Layer, Snapshot};
use super::span::TextSpan;

impl StepTexts {
    /// The texts of `snapshot`, each parsed once.
    pub fn of(snapshot: &Snapshot) -> StepTexts {
        StepTexts {
            envelope: snapshot
                .envelope
                .as_ref()
                .and_then(|e| Finder::parse(&e.text, "envelope")),
            processed: snapshot
                .processed
                .as_ref()
                .and_then(|p| Finder::parse(&p.text, "processed view")),
        }
    }
}

/// Fills the spans of `snapshot`, step number `step` (as the JSON's `index` counts).
pub fn locate_spans(snapshot: &mut Snapshot, step: usize) {
    let texts = StepTexts::of(snapshot);
    locate_layers(&mut snapshot.layers, &texts);
    for key in snapshot.ledger.keys_mut() {
        let Some(token) = key.token.as_deref() else {
            continue;
        };
        match texts.find(token) {
            Ok(span) => {
                key.token_span = Some(span);
                key.token_step = Some(step);
            }
            Err(_) => key.token_span = None,
        }
    }
    for check in &mut snapshot.checks {
        if let Some(layer) = check.layer.and_then(|i| snapshot.layers.get(i)) {
            check.spans = layer_spans(layer);
        }
    }
}

/// The bytes a layer stands for in this step.
pub fn layer_spans(layer: &Layer) -> Vec<TextSpan> {
    match layer {
        Layer::Signature(s) => s.span.into_iter().collect(),
        Layer::Encryption(e) => e.spans.clone(),
    }
}

fn locate_layers(layers: &mut [Layer], texts: &StepTexts) {
    for layer in layers {
        match layer {
            Layer::Signature(s) => {
                s.span = texts.find_signature(&s.id);
                for r in &mut s.references {
                    r.target_span = None;
                    r.target_span_reason = None;
                    match r.uri.strip_prefix('#') {
                        Some(id) => match texts.find(id) {
                            Ok(span) => r.target_span = Some(span),
                            Err(e) => r.target_span_reason = Some(e.reason(id)),
                        },
                        None => {
                            r.target_span_reason =
                                Some(format!("the URI {:?} names no element by id", r.uri))
                        }
                    }
                }
            }
            Layer::Encryption(e) => {
                let ids = e.encrypted_key.iter().chain(&e.encrypted_data);
                e.spans = ids.flat_map(|id| texts.find_all(id)).collect();
            }
        }
    }
}
