//! Processing an edited envelope again with the keys the original was processed with: a
//! walkthrough's receiver from the state it held when the message arrived (its
//! [`Receipt`](crate::patterns::Receipt)), a capture through the whole `inspect` conversation
//! with the one message replaced. The result is the Step as it would have been, and which
//! checks changed their verdict.

use crate::audit::conversation::inspect_conversation;
use crate::audit::steps::conversation_steps;
use crate::exchange::receipt::{ledger_namer, mark_layers, processed_view, receiver_checks};
use crate::exchange::step_spans::locate_spans;
use crate::exchange::{Check, Layer, LayerStatus, Step};
use crate::patterns::Receipt;
use crate::receive::ProcessedMessage;
use crate::xml::{Document, Position, Span};

use super::super::locate::StepView;
use super::super::session::{CaptureInput, Session, Source};

/// How a check of the edited message compares with the same check before the edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckMark {
    Unchanged,
    /// The verdict changed; `was_ok` is the verdict before the edit.
    Flipped {
        was_ok: bool,
    },
    /// The original step had no check of that name.
    New,
    /// A check the walkthrough itself made after processing (a delegation's rights, say):
    /// shown as it was, not made again for the edit.
    NotRechecked,
}

impl CheckMark {
    /// The mark in words, so a flip never shows by colour alone.
    pub fn words(self) -> Option<&'static str> {
        match self {
            CheckMark::Unchanged => None,
            CheckMark::Flipped { was_ok: true } => Some("ok->FAILED"),
            CheckMark::Flipped { was_ok: false } => Some("FAILED->ok"),
            CheckMark::New => Some("new"),
            CheckMark::NotRechecked => Some("not re-checked"),
        }
    }
}

/// The step as the edited bytes make it, with one mark per check.
#[derive(Debug, Clone)]
pub struct Reverified {
    pub step: Step,
    pub view: StepView,
    pub marks: Vec<CheckMark>,
    /// Checks the original step made that the edit no longer gives rise to (by name).
    pub gone: Vec<String>,
}

impl Reverified {
    pub fn flipped(&self) -> usize {
        self.marks
            .iter()
            .filter(|m| matches!(m, CheckMark::Flipped { .. }))
            .count()
    }
}

/// Why an edit could not be processed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReverifyError {
    /// The edited text is not well-formed XML: where and why.
    #[error("line {}, column {}: {message}", .position.line, .position.column)]
    Malformed { position: Position, message: String },
    #[error("this step has no envelope to edit")]
    NoEnvelope,
    #[error("no receiver processes this step's message in the walkthrough")]
    NoReceiver,
}

/// The receipt of the receiver that processes step `step`'s message: the first receipt at or
/// after the step by the message's addressee.
pub fn receipt_for(session: &Session, step: usize) -> Option<&Receipt> {
    let Source::Walk(origin) = &session.source else {
        return None;
    };
    let to = &session.steps.get(step)?.snapshot.envelope.as_ref()?.to;
    origin
        .receipts
        .iter()
        .find(|r| r.step >= step && &r.party == to)
}

/// Whether an edit of step `step` can be processed (it has an envelope and a receiver).
pub fn editable(session: &Session, step: usize) -> Result<(), ReverifyError> {
    let has_envelope = session
        .steps
        .get(step)
        .is_some_and(|s| s.snapshot.envelope.is_some());
    if !has_envelope {
        return Err(ReverifyError::NoEnvelope);
    }
    match &session.source {
        Source::Capture { .. } => Ok(()),
        Source::Walk(_) => receipt_for(session, step)
            .map(|_| ())
            .ok_or(ReverifyError::NoReceiver),
    }
}

fn parse(text: &str) -> Result<Document, ReverifyError> {
    Document::parse_str(text, "edited envelope").map_err(|e| ReverifyError::Malformed {
        position: e.position,
        message: e.kind.to_string(),
    })
}

/// Processes `text` as step `step`'s message, with the keys and memory its receiver had.
pub fn reverify(session: &Session, step: usize, text: &str) -> Result<Reverified, ReverifyError> {
    editable(session, step)?;
    let doc = parse(text)?;
    let original = &session.steps[step];
    let mut edited = match &session.source {
        Source::Walk(_) => {
            let receipt = receipt_for(session, step).ok_or(ReverifyError::NoReceiver)?;
            walk_step(original, receipt, step, doc)
        }
        Source::Capture { input, .. } => capture_step(original, input, step, text),
    };
    let before = envelope_text(original);
    if let Some(env) = &mut edited.step.snapshot.envelope {
        env.text = text.to_string();
        env.changed = changed_span(before, text).into_iter().collect();
    }
    // The spans of the edited text, not the original's.
    locate_spans(&mut edited.step.snapshot, step + 1);
    edited.view = StepView::build(&edited.step);
    Ok(edited)
}

fn envelope_text(step: &Step) -> &str {
    step.snapshot
        .envelope
        .as_ref()
        .map_or("", |e| e.text.as_str())
}

/// The walkthrough's receiver processes the edited document from the memory it had.
fn walk_step(original: &Step, receipt: &Receipt, step: usize, doc: Document) -> Reverified {
    let processed = receipt.process(doc);
    let before = parse(envelope_text(original))
        .ok()
        .map(|d| receipt.process(d));
    let mut next = original.clone();
    next.snapshot.processed = processed_view(&processed);
    let layers = &mut next.snapshot.layers;
    if let Some(before) = &before {
        mark_missing(layers, before, &processed);
    }
    mark_layers(layers, &processed);
    // The checks name keys as the step's ledger does, as the walkthrough's own checks did.
    let name_of = ledger_namer(&original.snapshot.ledger, &receipt.store.keyring);
    let checks = receiver_checks(&processed, layers, &name_of);
    // At the receiver's own step the walkthrough may have added checks of its own after
    // processing: keep them, marked as not made again.
    let own: Vec<Check> = match (&before, receipt.step == step) {
        (Some(before), true) => {
            let receiver = receiver_checks(before, &original.snapshot.layers, &name_of);
            original
                .snapshot
                .checks
                .iter()
                .filter(|c| !receiver.iter().any(|r| r.same_verdict(c)))
                .cloned()
                .collect()
        }
        _ => Vec::new(),
    };
    let mut marks = compare(&original.snapshot.checks, &checks);
    marks.extend(own.iter().map(|_| CheckMark::NotRechecked));
    next.snapshot.checks = checks.into_iter().chain(own).collect();
    Reverified {
        gone: gone(&original.snapshot.checks, &next.snapshot.checks),
        step: next,
        view: StepView::default(),
        marks,
    }
}

/// Layers the original message's receiver checked that the edited message no longer has.
fn mark_missing(layers: &mut [Layer], before: &ProcessedMessage, after: &ProcessedMessage) {
    let ids = |p: &ProcessedMessage| -> Vec<String> {
        let signatures = p.signatures.iter().filter_map(|s| s.id.clone());
        signatures
            .chain(p.encryptions.iter().filter_map(|e| e.id.clone()))
            .collect()
    };
    let now = ids(after);
    let gone = LayerStatus::Failed("the edited message no longer holds it".into());
    for id in ids(before).iter().filter(|id| !now.contains(id)) {
        for layer in layers.iter_mut() {
            match layer {
                Layer::Signature(s) if &s.id == id => s.status = gone.clone(),
                Layer::Encryption(e) if e.encrypted_data.contains(id) => e.status = gone.clone(),
                _ => {}
            }
        }
    }
}

/// The conversation processed again with the one message replaced, as `inspect` does.
fn capture_step(original: &Step, input: &CaptureInput, step: usize, text: &str) -> Reverified {
    let mut messages = input.messages.clone();
    messages[step].soap = text.into();
    let result = inspect_conversation(
        &messages,
        &input.keys,
        input.bindings.clone(),
        &input.options,
    );
    let mut steps = conversation_steps(&messages, &result);
    let mut next = if step < steps.len() {
        steps.swap_remove(step)
    } else {
        original.clone()
    };
    next.title = original.title.clone();
    let marks = compare(&original.snapshot.checks, &next.snapshot.checks);
    Reverified {
        gone: gone(&original.snapshot.checks, &next.snapshot.checks),
        step: next,
        view: StepView::default(),
        marks,
    }
}

/// Pairs each new check with the first unused old check of the same name.
pub fn compare(before: &[Check], after: &[Check]) -> Vec<CheckMark> {
    let mut used = vec![false; before.len()];
    after
        .iter()
        .map(|c| {
            let old = before
                .iter()
                .enumerate()
                .find(|(i, b)| !used[*i] && b.name == c.name);
            match old {
                Some((i, b)) => {
                    used[i] = true;
                    if b.ok == c.ok {
                        CheckMark::Unchanged
                    } else {
                        CheckMark::Flipped { was_ok: b.ok }
                    }
                }
                None => CheckMark::New,
            }
        })
        .collect()
}

/// Names of the checks in `before` with no check of the same name in `after`.
fn gone(before: &[Check], after: &[Check]) -> Vec<String> {
    before
        .iter()
        .filter(|b| !after.iter().any(|a| a.name == b.name))
        .map(|b| b.name.clone())
        .collect()
}

/// The bytes of `after` that differ from `before`: one span from the first to the last
/// differing byte (kept on character boundaries), or none when they are equal.
pub fn changed_span(before: &str, after: &str) -> Option<Span> {
    if before == after {
        return None;
    }
    let prefix = before
        .char_indices()
        .zip(after.chars())
        .find(|((_, a), b)| a != b)
        .map_or(before.len().min(after.len()), |((i, _), _)| i);
    let suffix = before[prefix..]
        .chars()
        .rev()
        .zip(after[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    let end = (after.len() - suffix).max(prefix);
    // An edit that only removed bytes still marks where it was.
    Some(Span::new(prefix, end.max((prefix + 1).min(after.len()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_pair_by_name_and_report_flips_both_ways() {
        let before = [
            Check::pass("signature S", "ok"),
            Check::fail("timestamp", "old"),
        ];
        let after = [
            Check::fail("signature S", "digest"),
            Check::pass("timestamp", "fresh"),
            Check::fail("wrapping", "moved"),
        ];
        assert_eq!(
            compare(&before, &after),
            [
                CheckMark::Flipped { was_ok: true },
                CheckMark::Flipped { was_ok: false },
                CheckMark::New
            ]
        );
        assert_eq!(
            CheckMark::Flipped { was_ok: true }.words(),
            Some("ok->FAILED")
        );
    }

    #[test]
    fn the_changed_span_covers_exactly_the_edit() {
        assert_eq!(changed_span("abcdef", "abXdef"), Some(Span::new(2, 3)));
        assert_eq!(changed_span("abcdef", "abcdef"), None);
        assert_eq!(changed_span("abcdef", "abdef"), Some(Span::new(2, 3)));
        assert_eq!(changed_span("aé", "aè"), Some(Span::new(1, 3)));
    }
}
