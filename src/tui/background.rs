//! Processing a captured conversation off the event loop, so a large capture draws its first
//! frame at once. The engine is pure: a worker thread runs it on a copy of the input and sends
//! each finished Step (with its located view) over a channel; the event loop turns what arrives
//! into [`Action::Arrived`](super::app::Action::Arrived), and `update` puts it in place.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::thread;

use crate::audit::CapturedMessage;
use crate::audit::conversation::inspect_conversation;
use crate::audit::steps::{AUDITOR, conversation_steps};
use crate::exchange::{Envelope, KeyLedger, Snapshot, SpecRef, Step};

use super::locate::StepView;
use super::session::CaptureInput;

/// The worker thread's name (the panic hook leaves the terminal alone for it: its panic is
/// caught and reported as [`Arrival::Failed`]).
pub const WORKER: &str = "wskex-capture";

/// One result of the worker.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// Step `index` is processed: it replaces the placeholder drawn until now.
    Step {
        index: usize,
        step: Box<Step>,
        view: Box<StepView>,
    },
    /// The worker stopped before finishing (the engine panicked): the steps not yet processed
    /// stay unprocessed, and the user is told why.
    Failed(String),
}

/// Two arrivals are the same news when they fill the same step with the same title, or report
/// the same failure (Steps themselves have no equality).
impl PartialEq for Arrival {
    fn eq(&self, other: &Arrival) -> bool {
        match (self, other) {
            (
                Arrival::Step { index, step, .. },
                Arrival::Step {
                    index: i, step: s, ..
                },
            ) => index == i && step.title == s.title,
            (Arrival::Failed(a), Arrival::Failed(b)) => a == b,
            _ => false,
        }
    }
}

/// The envelope text of a captured message, as the processed Step will hold it.
fn envelope_text(soap: &[u8]) -> String {
    String::from_utf8(soap.to_vec())
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What is drawn for message `index` until its Step arrives: the received bytes, and no
/// layers, keys or checks yet.
pub fn placeholder(index: usize, message: &CapturedMessage) -> Step {
    Step {
        actor: AUDITOR.to_string(),
        title: format!("Message {}: {}", index + 1, message.file),
        narrative: "Processing in the background: the layers, keys and checks appear here when \
                    the receiver has processed the conversation."
            .to_string(),
        spec: SpecRef::new("WS-Security 1.1", "5 Security Header (processing in order)"),
        snapshot: Snapshot {
            envelope: Some(Envelope {
                from: String::new(),
                to: String::new(),
                text: envelope_text(&message.soap),
                changed: Vec::new(),
            }),
            processed: None,
            ledger: KeyLedger::default(),
            layers: Vec::new(),
            checks: Vec::new(),
        },
    }
}

/// Starts processing `input` (as `wskex inspect` does) on a worker thread; its results come
/// out of the returned channel in step order. Dropping the receiver makes the worker stop at
/// its next send.
pub fn spawn(input: Arc<CaptureInput>) -> Receiver<Arrival> {
    let (send, receive) = mpsc::channel();
    let failed = send.clone();
    let worker = thread::Builder::new()
        .name(WORKER.to_string())
        .spawn(move || {
            let work = std::panic::catch_unwind(|| {
                let result = inspect_conversation(
                    &input.messages,
                    &input.keys,
                    input.bindings.clone(),
                    &input.options,
                );
                conversation_steps(&input.messages, &result)
            });
            let steps = match work {
                Ok(steps) => steps,
                Err(panic) => {
                    let why = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "the receiver stopped".to_string());
                    let _ = send.send(Arrival::Failed(why));
                    return;
                }
            };
            for (index, step) in steps.into_iter().enumerate() {
                let view = StepView::build(&step);
                let arrival = Arrival::Step {
                    index,
                    step: Box::new(step),
                    view: Box::new(view),
                };
                if send.send(arrival).is_err() {
                    return;
                }
            }
        });
    if let Err(e) = worker {
        let _ = failed.send(Arrival::Failed(format!("could not start the worker: {e}")));
    }
    receive
}
