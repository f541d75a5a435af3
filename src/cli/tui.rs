//! `wskex tui`: the terminal UI, at the pattern picker or straight on a walkthrough.

use std::io::IsTerminal;

use clap::Args;

use crate::tui::{App, ColorDepth, Palette, Session, UiOptions, terminal};

use super::{CliError, Outcome};

#[derive(Debug, Args)]
#[command(
    about = "Step through a key exchange pattern in linked panes (the terminal UI)",
    long_about = "Step through a key exchange pattern in linked panes: the envelope as it stands, the keys and \
                  who knows them, the signature and encryption layers, the narrative and the receiver's checks. \
                  Without a pattern it opens at the pattern picker; `wskex` alone on a terminal does the same. \
                  Press ? inside for the keys.\n\n\
                  `wskex walk PATTERN` prints the same steps as linear text (screen-reader friendly).\n\n\
                  Needs a terminal: exits 2 when standard input or output is not one."
)]
pub struct TuiArgs {
    /// The pattern to open (direct, brokered, delegated, request-reply); omit for the picker
    pub pattern: Option<String>,
    /// The pattern's variant (the first listed by `wskex walk --list` is the default)
    #[arg(long, value_name = "V")]
    pub variant: Option<String>,
    /// Seed for everything random
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Open the walkthrough with this attack applied, at the receiver's step
    #[arg(long, value_name = "NAME")]
    pub tamper: Option<String>,
    /// ASCII borders and marks instead of box drawing and check marks
    #[arg(long)]
    pub ascii: bool,
}

impl Default for TuiArgs {
    fn default() -> Self {
        TuiArgs {
            pattern: None,
            variant: None,
            seed: 1,
            tamper: None,
            ascii: false,
        }
    }
}

/// The app the arguments ask for (no terminal involved, so tests can build it too).
pub fn app_for(args: &TuiArgs, options: UiOptions) -> Result<App, CliError> {
    let Some(pattern) = &args.pattern else {
        if args.variant.is_some() || args.tamper.is_some() {
            return Err(CliError::Usage(
                "--variant and --tamper need a pattern (wskex tui PATTERN ...)".into(),
            ));
        }
        return Ok(App::new(options));
    };
    let session = Session::walk(
        pattern,
        args.variant.as_deref(),
        args.seed,
        args.tamper.as_deref(),
    )
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let start = if args.tamper.is_some() {
        session.receiver_step()
    } else {
        0
    };
    let mut app = App::with_session(options, session);
    app.open_at(start);
    Ok(app)
}

pub fn run(args: &TuiArgs) -> Result<Outcome, CliError> {
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(CliError::Usage(
            "wskex tui needs a terminal: standard input or output is not one (`wskex walk PATTERN` prints the steps as text)"
                .into(),
        ));
    }
    let options = UiOptions {
        ascii: args.ascii,
        test_hooks: std::env::var_os("WSKEX_TUI_TEST_PANIC").is_some(),
    };
    let app = app_for(args, options)?;
    let palette = Palette::default_for(ColorDepth::from_env());
    terminal::run(app, &palette, true).map_err(|source| CliError::Io {
        path: "<terminal>".into(),
        source,
    })?;
    Ok(Outcome::Success)
}
