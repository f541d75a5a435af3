//! Processing a captured conversation off the event loop, so a large capture draws its first
//! frame at once. The engine is pure: a worker thread runs it on a copy of the input and sends
//! each Step (with its located view) over a channel as soon as its message is processed; the event loop turns what arrives
//! into [`Action::Arrived`](super::app::Action::Arrived), and `update` puts it in place.

use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::thread;

use crate::audit::CapturedMessage;
use crate::audit::conversation::inspect_conversation_each;
use crate::audit::steps::{AUDITOR, StepBuilder, captured_text};
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
    /// Step `index`, already in place, changed: the checks that need the whole conversation
    /// found something in it.
    Update {
        index: usize,
        step: Box<Step>,
        view: Box<StepView>,
    },
    /// The worker stopped before finishing (the engine panicked): the steps not yet processed
    /// stay unprocessed, and the user is told why.
    Failed(String),
}

impl Arrival {
    fn step(index: usize, step: Box<Step>, view: Box<StepView>) -> Arrival {
        Arrival::Step { index, step, view }
    }

    fn update(index: usize, step: Box<Step>, view: Box<StepView>) -> Arrival {
        Arrival::Update { index, step, view }
    }
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
            (
                Arrival::Update { index, step, .. },
                Arrival::Update {
                    index: i, step: s, ..
                },
            ) => index == i && step.title == s.title,
            (Arrival::Failed(a), Arrival::Failed(b)) => a == b,
            _ => false,
        }
    }
}

/// What is drawn for message `index` until its Step arrives: the received bytes, and no
/// layers, keys or checks yet.
pub fn placeholder(index: usize, message: &CapturedMessage) -> Step {
    Step {
        actor: AUDITOR.to_string(),
        title: format!("Message {}: {}", index + 1, message.file),
        narrative: "Processing in the background: the layers, keys and checks appear here when \
                    the receiver has processed this message."
            .to_string(),
        spec: SpecRef::new("WS-Security 1.1", "5 Security Header (processing in order)"),
        snapshot: Snapshot {
            envelope: Some(Envelope {
                from: String::new(),
                to: String::new(),
                text: captured_text(message),
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
/// out of the returned channel in step order, each as soon as its message is processed.
/// Dropping the receiver makes the worker stop at its next send.
pub fn spawn(input: Arc<CaptureInput>) -> Receiver<Arrival> {
    let (send, receive) = mpsc::channel();
    let failed = send.clone();
    let worker = thread::Builder::new()
        .name(WORKER.to_string())
        .spawn(move || {
            let mut sink = |arrival: Arrival| match send.send(arrival) {
                Ok(()) => ControlFlow::Continue(()),
                Err(_) => ControlFlow::Break(()),
            };
            let work =
                std::panic::catch_unwind(AssertUnwindSafe(|| stream_steps(&input, &mut sink)));
            if let Err(panic) = work {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "the receiver stopped".to_string());
                let _ = send.send(Arrival::Failed(why));
            }
        });
    if let Err(e) = worker {
        let _ = failed.send(Arrival::Failed(format!("could not start the worker: {e}")));
    }
    receive
}

/// Processes `input` message by message, giving `sink` each Step as soon as its message is
/// processed. The last message's Step waits for the checks that need the whole conversation
/// (replay, nonce reuse, ...); an earlier Step those checks changed comes again, just before
/// it, as an [`Arrival::Update`]. Stops when `sink` breaks; returns how many messages were
/// processed.
pub fn stream_steps(
    input: &CaptureInput,
    sink: &mut dyn FnMut(Arrival) -> ControlFlow<()>,
) -> usize {
    let messages = &input.messages;
    let Some(last) = messages.len().checked_sub(1) else {
        return 0;
    };
    let mut builder = StepBuilder::default();
    // Each step's builder before it, and how many findings it had, to redo the steps the
    // conversation's checks add findings to.
    let mut before: Vec<(StepBuilder, usize)> = Vec::with_capacity(messages.len());
    let mut stopped = false;
    let result = inspect_conversation_each(
        messages,
        &input.keys,
        input.bindings.clone(),
        &input.options,
        |m, store| {
            before.push((builder.clone(), m.findings.len()));
            if m.index == last {
                return ControlFlow::Continue(());
            }
            let step = builder.step(m, &messages[m.index], store);
            let flow = sink(arrival(m.index, step, Arrival::step));
            stopped = flow.is_break();
            flow
        },
    );
    if stopped {
        return result.messages.len();
    }
    for (m, (builder, findings)) in result.messages.iter().zip(&before) {
        if m.index != last && m.findings.len() == *findings {
            continue;
        }
        let step = builder.clone().step(m, &messages[m.index], &result.store);
        let make = if m.index == last {
            Arrival::step
        } else {
            Arrival::update
        };
        if sink(arrival(m.index, step, make)).is_break() {
            break;
        }
    }
    result.messages.len()
}

fn arrival(
    index: usize,
    step: Step,
    make: fn(usize, Box<Step>, Box<StepView>) -> Arrival,
) -> Arrival {
    let view = StepView::build(&step);
    make(index, Box::new(step), Box::new(view))
}
