//! What the TUI has open: a played walkthrough as a list of Steps, plus what the header names
//! and the per-step views located in each envelope (built once, on first use).

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use crate::audit::CapturedMessage;
use crate::crypto::KeyStore;
use crate::exchange::Step;
use crate::export::checked::WalkAuditor;
use crate::patterns::{self, PatternError, PatternInfo, Receipt, Tamper};
use crate::receive::ProcessOptions;
use crate::receive::store::Binding;

use super::background::{self, Arrival};
use super::locate::StepView;

/// Where the Steps came from.
#[derive(Debug, Clone)]
pub struct WalkOrigin {
    pub info: &'static PatternInfo,
    pub variant: &'static str,
    pub seed: u64,
    pub tamper: Option<Tamper>,
    /// What each receiver held when it processed a message, to process an edited copy again.
    pub receipts: Vec<Receipt>,
    /// The messages as an auditor holding every key sees them, for `x` (or why they could
    /// not be read back).
    pub auditor: Result<Box<WalkAuditor>, String>,
}

/// What a capture was processed with, to process an edited message again the same way.
#[derive(Debug, Clone)]
pub struct CaptureInput {
    pub messages: Vec<CapturedMessage>,
    pub keys: KeyStore,
    pub bindings: Vec<Binding>,
    pub options: ProcessOptions,
}

/// What the Steps are: a walkthrough wskex played, or a captured conversation it processed.
#[derive(Debug, Clone)]
pub enum Source {
    Walk(WalkOrigin),
    /// The paths as the user gave them.
    Capture {
        paths: Vec<String>,
        /// Shared with the background worker (a 50 MB capture is not copied for it).
        input: Arc<CaptureInput>,
    },
}

/// A step whose edit the user kept: its envelope as it was before the first kept edit, and
/// as kept (`x` exports the kept text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptEdit {
    pub original: String,
    pub edited: String,
}

/// An open conversation: its Steps and everything drawn from them.
#[derive(Debug)]
pub struct Session {
    pub source: Source,
    /// Party names, in the order of the Keys pane's columns.
    pub parties: Vec<String>,
    pub steps: Vec<Step>,
    views: Vec<OnceCell<StepView>>,
    /// Which steps are placeholders still being processed in the background.
    pending: Vec<bool>,
    /// Where the background worker's results come from, while it runs.
    incoming: Option<Receiver<Arrival>>,
    /// Why background processing stopped early, if it did.
    pub processing_failed: Option<String>,
    /// What a pending step shows for its layers, keys and checks: nothing yet.
    empty_view: StepView,
    /// The steps whose edits were kept, by step.
    pub kept: BTreeMap<usize, KeptEdit>,
}

impl Session {
    /// Plays a walkthrough (see [`patterns::walk`]).
    pub fn walk(
        pattern: &str,
        variant: Option<&str>,
        seed: u64,
        tamper: Option<&str>,
    ) -> Result<Session, PatternError> {
        let walk = patterns::walk(pattern, variant, seed, tamper)?;
        let auditor = WalkAuditor::of(&walk)
            .map(Box::new)
            .map_err(|e| e.to_string());
        let views = walk.steps.iter().map(|_| OnceCell::new()).collect();
        Ok(Session {
            source: Source::Walk(WalkOrigin {
                info: walk.info,
                variant: walk.variant,
                seed: walk.seed,
                tamper: walk.tamper,
                receipts: walk.receipts,
                auditor,
            }),
            parties: walk.parties.iter().map(|p| p.name.clone()).collect(),
            pending: vec![false; walk.steps.len()],
            steps: walk.steps,
            views,
            incoming: None,
            processing_failed: None,
            empty_view: StepView::default(),
            kept: BTreeMap::new(),
        })
    }

    /// A capture opened at once: one placeholder Step per message (its received bytes), to be
    /// processed with `input` by a background worker (see [`background`]) once
    /// [`Session::start_processing`] is called (the event loop calls it after drawing the first
    /// frame, so the worker does not compete with it); the event loop hands what the worker
    /// finishes to `update` as `Action::Arrived`. `parties` know the keys.
    pub fn capture(paths: Vec<String>, input: CaptureInput, parties: Vec<String>) -> Session {
        let steps: Vec<Step> = input
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| background::placeholder(i, m))
            .collect();
        Session {
            source: Source::Capture {
                paths,
                input: Arc::new(input),
            },
            parties,
            views: steps.iter().map(|_| OnceCell::new()).collect(),
            pending: vec![true; steps.len()],
            steps,
            incoming: None,
            processing_failed: None,
            empty_view: StepView::default(),
            kept: BTreeMap::new(),
        }
    }

    /// Starts the background worker for the steps still pending, once.
    pub fn start_processing(&mut self) {
        let Source::Capture { input, .. } = &self.source else {
            return;
        };
        let waiting = self.pending.iter().any(|p| *p) && self.processing_failed.is_none();
        if waiting && self.incoming.is_none() {
            self.incoming = Some(background::spawn(Arc::clone(input)));
        }
    }

    /// Whether step `i` is still a placeholder (its message not processed yet).
    pub fn is_pending(&self, i: usize) -> bool {
        self.pending.get(i).copied().unwrap_or(false)
    }

    /// Whether steps are still waiting for the background worker.
    pub fn processing(&self) -> bool {
        self.processing_failed.is_none() && self.pending.iter().any(|p| *p)
    }

    /// What the worker has finished since the last call, without waiting.
    pub fn arrivals(&self) -> Vec<Arrival> {
        let Some(incoming) = &self.incoming else {
            return Vec::new();
        };
        let mut out = Vec::new();
        loop {
            match incoming.try_recv() {
                Ok(a) => out.push(a),
                Err(TryRecvError::Empty) => return out,
                Err(TryRecvError::Disconnected) => {
                    if self.pending.iter().any(|p| *p) && out.is_empty() {
                        out.push(Arrival::Failed("the worker stopped early".to_string()));
                    }
                    return out;
                }
            }
        }
    }

    /// Everything the worker has still to deliver, starting it if need be and waiting for it
    /// (tests, benches).
    pub fn wait_for_arrivals(&mut self) -> Vec<Arrival> {
        self.start_processing();
        let Some(incoming) = &self.incoming else {
            return Vec::new();
        };
        let mut out: Vec<Arrival> = incoming.iter().collect();
        let delivered = out
            .iter()
            .filter(|a| matches!(a, Arrival::Step { .. }))
            .count();
        let missing = self.pending.iter().filter(|p| **p).count();
        if delivered < missing && !out.iter().any(|a| matches!(a, Arrival::Failed(_))) {
            out.push(Arrival::Failed("the worker stopped early".to_string()));
        }
        out
    }

    /// Puts a worker result in place. Returns the step it filled, if any.
    pub fn receive(&mut self, arrival: Arrival) -> Option<usize> {
        let filled = match arrival {
            Arrival::Step { index, step, view } if self.is_pending(index) => {
                self.steps[index] = *step;
                self.views[index] = OnceCell::from(*view);
                self.pending[index] = false;
                Some(index)
            }
            Arrival::Step { .. } => None,
            // A kept edit stays as the user left it.
            Arrival::Update { index, step, view }
                if index < self.steps.len() && !self.kept.contains_key(&index) =>
            {
                self.steps[index] = *step;
                self.views[index] = OnceCell::from(*view);
                Some(index)
            }
            Arrival::Update { .. } => None,
            Arrival::Failed(why) => {
                self.processing_failed = Some(why);
                self.incoming = None;
                None
            }
        };
        if !self.pending.iter().any(|p| *p) {
            self.incoming = None;
        }
        filled
    }

    /// The walkthrough this session plays, if it is one.
    pub fn walk_origin(&self) -> Option<&WalkOrigin> {
        match &self.source {
            Source::Walk(o) => Some(o),
            Source::Capture { .. } => None,
        }
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Replaces step `i` (an edit the user kept); its view is built again on next use.
    pub fn replace_step(&mut self, i: usize, step: Step) {
        self.steps[i] = step;
        self.views[i] = OnceCell::new();
        self.pending[i] = false;
    }

    /// Keeps an edit of step `i`: the step becomes `step`, and the texts before and after
    /// are remembered (the first original when a step is edited twice).
    pub fn keep_edit(&mut self, i: usize, step: Step) {
        let text = |s: &Step| {
            s.snapshot
                .envelope
                .as_ref()
                .map(|e| e.text.to_string())
                .unwrap_or_default()
        };
        let edited = text(&step);
        let original = match self.kept.remove(&i) {
            Some(k) => k.original,
            None => text(&self.steps[i]),
        };
        self.kept.insert(i, KeptEdit { original, edited });
        self.replace_step(i, step);
    }

    /// The located view of step `i`, built on first use (an empty one while the step is
    /// pending: locating means parsing, which is the worker's job).
    pub fn view(&self, i: usize) -> &StepView {
        if self.is_pending(i) {
            return &self.empty_view;
        }
        self.views[i].get_or_init(|| StepView::build(&self.steps[i]))
    }

    /// The step where a receiver checks the attacked message: the first with a failed check,
    /// else the first where a receiver checked anything, else the first.
    pub fn receiver_step(&self) -> usize {
        let failed = self
            .steps
            .iter()
            .position(|s| s.snapshot.checks.iter().any(|c| !c.ok));
        let checked = || {
            self.steps
                .iter()
                .position(|s| !s.snapshot.checks.is_empty())
        };
        failed.or_else(checked).unwrap_or(0)
    }

    /// The step at which each party first knew ledger key `name` (as of step `upto`).
    pub fn learned_at(&self, name: &str, upto: usize) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for (i, step) in self.steps.iter().enumerate().take(upto + 1) {
            let Some(key) = step.snapshot.ledger.get(name) else {
                continue;
            };
            for party in &key.known_by {
                if !out.iter().any(|(p, _)| p == party) {
                    out.push((party.clone(), i));
                }
            }
        }
        out
    }

    /// The session in a few words: `brokered/computed-key seed 1 tamper replay`, or the
    /// capture's paths as given.
    pub fn short_name(&self) -> String {
        match &self.source {
            Source::Walk(o) => {
                let mut s = format!("{}/{} seed {}", o.info.name, o.variant, o.seed);
                if let Some(t) = o.tamper {
                    s.push_str(&format!(" tamper {}", t.name()));
                }
                s
            }
            Source::Capture { paths, .. } => {
                format!("capture {}", crate::safe_text::one_line(&paths.join(" ")))
            }
        }
    }

    /// The pattern's title, or what a capture is.
    pub fn title(&self) -> &'static str {
        match &self.source {
            Source::Walk(o) => o.info.title,
            Source::Capture { .. } => "captured conversation",
        }
    }
}
