//! `wskex tui`: the terminal UI, at the pattern picker or straight on a walkthrough.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use crate::audit::load_paths;
use crate::audit::steps::AUDITOR;
use crate::patterns;
use crate::tui::config::{self, Config};
use crate::tui::session::CaptureInput;
use crate::tui::theme::{self, ColorMode};
use crate::tui::{App, Session, UiOptions, terminal};

use super::processing_args::ProcessingArgs;
use super::{CliError, Outcome};

#[derive(Debug, Args)]
#[command(
    about = "Step through a key exchange pattern in linked panes (the terminal UI)",
    long_about = "Step through a key exchange pattern in linked panes: the envelope as it stands, the keys and \
                  who knows them, the signature and encryption layers, the narrative and the receiver's checks. \
                  Without a pattern it opens at the pattern picker; `wskex` alone on a terminal does the same. \
                  Press ? inside for the keys.\n\n\
                  Given files or directories instead (`wskex tui samples/direct/default --key ...`), it opens \
                  the captured conversation exactly as `wskex inspect` processes it, with the same key and \
                  processing options: its messages are the steps. A lone argument that names a pattern is the \
                  pattern; write `./direct` for a directory of that name.\n\n\
                  `wskex walk PATTERN` prints the same steps as linear text (screen-reader friendly).\n\n\
                  Needs a terminal: exits 2 when standard input or output is not one."
)]
pub struct TuiArgs {
    /// A pattern (direct, brokered, delegated, request-reply), or captured messages (files or
    /// directories, as `wskex inspect` takes them); omit for the picker
    #[arg(value_name = "PATTERN|FILE|DIR")]
    pub targets: Vec<String>,
    /// The pattern's variant (the first listed by `wskex walk --list` is the default)
    #[arg(long, value_name = "V")]
    pub variant: Option<String>,
    /// Seed for everything random
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Open the walkthrough with this attack applied, at the receiver's step
    #[arg(long, value_name = "NAME")]
    pub tamper: Option<String>,
    #[command(flatten)]
    pub ui: UiArgs,
    /// Captures: every option `wskex inspect` takes to process them (one shared struct).
    #[command(flatten)]
    pub processing: ProcessingArgs,
}

/// How the TUI looks, for `wskex` and `wskex tui` alike.
#[derive(Debug, Clone, Default, Args)]
pub struct UiArgs {
    /// Theme: ansi (the terminal's own colours, the default), dark, light, a .tmTheme file, or a
    /// theme in <config dir>/themes/
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Colours: auto (NO_COLOR means none; truecolor only when COLORTERM says so, else 256);
    /// without the flag, NO_COLOR and then config.toml decide
    #[arg(long, value_enum, value_name = "MODE")]
    pub color: Option<ColorMode>,
    /// Do not capture the mouse (the terminal keeps its own selection)
    #[arg(long)]
    pub no_mouse: bool,
    /// ASCII borders and marks instead of box drawing and check marks
    #[arg(long)]
    pub ascii: bool,
}

impl Default for TuiArgs {
    fn default() -> Self {
        TuiArgs {
            targets: Vec::new(),
            variant: None,
            seed: 1,
            tamper: None,
            ui: UiArgs::default(),
            processing: ProcessingArgs::default(),
        }
    }
}

/// The app the arguments ask for (no terminal involved, so tests can build it too).
pub fn app_for(args: &TuiArgs, options: UiOptions) -> Result<App, CliError> {
    let walk_options = args.variant.is_some() || args.tamper.is_some();
    let mut app = match args.targets.as_slice() {
        [] if walk_options => {
            return Err(CliError::Usage(
                "--variant and --tamper need a pattern (wskex tui PATTERN ...)".into(),
            ));
        }
        [] => App::new(options),
        [one] if patterns::info(one).is_some() => walk_app(one, args, options)?,
        paths if walk_options => {
            return Err(CliError::Usage(format!(
                "--variant and --tamper apply to patterns, not to captures ({})",
                crate::safe_text::one_line(&paths.join(" "))
            )));
        }
        paths => App::with_session(options, capture_session(paths, args)?),
    };
    app.reveal = args.processing.reveal_secrets;
    app.opener = Some(open_line);
    Ok(app)
}

/// `o` in the TUI: captured messages and options as `wskex tui` takes them after its name
/// (words split as a shell would: quotes and backslashes keep spaces in a path), opened
/// exactly as on the command line.
pub fn open_line(line: &str) -> Result<Session, String> {
    let mut argv = vec!["wskex".to_string(), "tui".to_string()];
    argv.extend(super::words::split(line).map_err(|e| e.to_string())?);
    let cli = <super::Cli as clap::Parser>::try_parse_from(&argv).map_err(|e| {
        let text = e.to_string();
        crate::safe_text::one_line(text.lines().next().unwrap_or("")).into_owned()
    })?;
    let Some(super::Command::Tui(args)) = cli.command else {
        return Err("not a capture".to_string());
    };
    match args.targets.as_slice() {
        [] => Err("Name the captured files or directories to open.".to_string()),
        [one] if patterns::info(one).is_some() => Err(format!(
            "{one} is a pattern: the picker (Esc) opens patterns; write ./{one} for a directory"
        )),
        paths => capture_session(paths, &args).map_err(|e| e.to_string()),
    }
}

fn walk_app(pattern: &str, args: &TuiArgs, options: UiOptions) -> Result<App, CliError> {
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

/// Loads captured messages and starts processing them as `wskex inspect` does (the same
/// options, read by the same code) in the background: the session opens on the received
/// bytes at once and its Steps fill in as the worker finishes them.
fn capture_session(paths: &[String], args: &TuiArgs) -> Result<Session, CliError> {
    let path_bufs: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let messages = load_paths(&path_bufs).map_err(|e| CliError::Input(e.to_string()))?;
    if messages.is_empty() {
        return Err(CliError::Input(format!(
            "{}: no messages to open",
            crate::safe_text::one_line(&paths.join(" "))
        )));
    }
    let (store, bindings, options) = args.processing.inputs()?;
    let input = CaptureInput {
        messages,
        keys: store,
        bindings,
        options,
    };
    Ok(Session::capture(
        paths.to_vec(),
        input,
        vec![AUDITOR.to_string()],
    ))
}

/// The colour mode: the flag, then `NO_COLOR`, then the config file, then auto.
fn color_mode(flag: Option<ColorMode>, config: &Config) -> ColorMode {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match (flag, no_color) {
        (Some(mode), _) => mode,
        (None, true) => ColorMode::None,
        (None, false) => config.color.unwrap_or_default(),
    }
}

pub fn run(args: &TuiArgs) -> Result<Outcome, CliError> {
    let config = config::load().map_err(|e| CliError::Usage(e.to_string()))?;
    let options = UiOptions {
        ascii: args.ui.ascii || config.ascii == Some(true),
        test_hooks: std::env::var_os("WSKEX_TUI_TEST_PANIC").is_some(),
    };
    let mouse = !args.ui.no_mouse && config.mouse != Some(false);
    // Bad arguments and unreadable input are reported the same with or without a terminal.
    let theme_choice = args.ui.theme.as_deref().or(config.theme.as_deref());
    let mode = color_mode(args.ui.color, &config);
    let palette = theme::palette(theme_choice, mode).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut app = app_for(args, options)?;
    app.remember_state = true;
    app.select_last_pattern();
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(CliError::Usage(
            "wskex tui needs a terminal: standard input or output is not one (`wskex walk PATTERN` prints the steps as text)"
                .into(),
        ));
    }
    terminal::run(app, &palette, mode, mouse).map_err(|source| CliError::Io {
        path: "<terminal>".into(),
        source,
    })?;
    Ok(Outcome::Success)
}
