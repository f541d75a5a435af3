//! What the TUI has open: a played walkthrough as a list of Steps, plus what the header names
//! and the per-step views located in each envelope (built once, on first use).

use std::cell::OnceCell;

use crate::audit::CapturedMessage;
use crate::crypto::KeyStore;
use crate::exchange::Step;
use crate::export::checked::WalkAuditor;
use crate::patterns::{self, PatternError, PatternInfo, Receipt, Tamper};
use crate::receive::ProcessOptions;
use crate::receive::store::Binding;

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
        input: Box<CaptureInput>,
    },
}

/// An open conversation: its Steps and everything drawn from them.
#[derive(Debug)]
pub struct Session {
    pub source: Source,
    /// Party names, in the order of the Keys pane's columns.
    pub parties: Vec<String>,
    pub steps: Vec<Step>,
    views: Vec<OnceCell<StepView>>,
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
            steps: walk.steps,
            views,
        })
    }

    /// A processed capture: one Step per message (see `audit::steps`), known to `parties`;
    /// `input` is what it was processed with.
    pub fn capture(
        paths: Vec<String>,
        input: CaptureInput,
        steps: Vec<Step>,
        parties: Vec<String>,
    ) -> Session {
        let views = steps.iter().map(|_| OnceCell::new()).collect();
        Session {
            source: Source::Capture {
                paths,
                input: Box::new(input),
            },
            parties,
            steps,
            views,
        }
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
    }

    /// The located view of step `i`, built on first use.
    pub fn view(&self, i: usize) -> &StepView {
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
