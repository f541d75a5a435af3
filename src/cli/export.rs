//! `wskex export`: the captured messages as annotated XML, one file per input file, checked to
//! verify exactly as the input did before anything is written.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::inspect::{InspectArgs, Prepared, prepare};
use super::report_format::InspectFormat;
use super::{CliError, Outcome, stdout_error};
use crate::audit::read_input_file;
use crate::export::ExportedFile;
use crate::export::checked::{
    CheckedError, TargetError, WalkAuditor, export_checked, targets, write_all,
};
use crate::patterns::Walkthrough;
use crate::safe_text;

#[derive(Debug, Args)]
#[command(
    about = "Write the captured messages as annotated XML that still verifies",
    long_about = "Process captured messages as `inspect` does, then write each input file to OUT with \
                  `<!--wskex: ... -->` comments between tags: before each token, signature, reference \
                  target and encrypted part (what it is, how its key was obtained, the verdict) and a \
                  heading comment before the root element (pattern, verdict, findings). Nothing else \
                  changes: removing every `<!--wskex:` comment gives the input back byte for byte, and \
                  comments stand only where no digest sees them. Before writing, wskex checks the \
                  annotated files again with the same keys and refuses when any verdict differs. Key \
                  values are masked unless --reveal-secrets. Files whose envelope was de-chunked or \
                  decoded from the capture cannot be annotated in place and are refused.\n\n\
                  Exit codes: 0 written and every check passed, 1 written and a check failed (as in \
                  inspect), 2 usage error, unreadable input, or the export was refused (nothing written)."
)]
pub struct ExportArgs {
    #[command(flatten)]
    pub inspect: InspectArgs,
    /// The directory to write into (created when missing); files keep their names.
    #[arg(short = 'o', long = "out", value_name = "DIR", required = true)]
    pub out: PathBuf,
}

#[derive(Serialize)]
struct WrittenJson {
    input: String,
    output: String,
    comments: usize,
}

pub fn run(args: &ExportArgs, stdout: &mut dyn Write) -> Result<Outcome, CliError> {
    if args.inspect.each.is_some() {
        return Err(CliError::Usage(
            "export takes the files of one conversation, not --each".into(),
        ));
    }
    if args.inspect.format == InspectFormat::Sarif {
        return Err(CliError::Usage(
            "export writes annotated XML; --format sarif is for inspect".into(),
        ));
    }
    let Prepared {
        messages,
        store,
        bindings,
        options,
    } = prepare(&args.inspect)?;
    let read = |file: &str| {
        read_input_file(Path::new(file), file).map_err(|e| std::io::Error::other(e.to_string()))
    };
    let checked = export_checked(
        &messages,
        &store,
        bindings,
        &options,
        args.inspect.processing.reveal_secrets,
        &read,
    )
    .map_err(refused)?;
    let targets = targets(&args.out, &checked.files).map_err(target_error)?;
    write_all(
        &args.out,
        &checked.files,
        &targets,
        args.inspect.processing.reveal_secrets,
    )?;
    report(args, stdout, &checked.files, &targets)?;
    Ok(if checked.ok {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}

fn refused(e: CheckedError) -> CliError {
    CliError::Input(e.to_string())
}

fn target_error(e: TargetError) -> CliError {
    match e {
        TargetError::Unsafe(e) => CliError::Input(e.to_string()),
        other => CliError::Usage(other.to_string()),
    }
}

fn report(
    args: &ExportArgs,
    stdout: &mut dyn Write,
    files: &[ExportedFile],
    targets: &[PathBuf],
) -> Result<(), CliError> {
    let written: Vec<WrittenJson> = files
        .iter()
        .zip(targets)
        .map(|(f, t)| WrittenJson {
            input: f.file.clone(),
            output: t.display().to_string(),
            comments: f.comments,
        })
        .collect();
    match args.inspect.format {
        InspectFormat::Json => super::report_format::write_json_report(
            stdout,
            &serde_json::json!({ "written": written }),
        )
        .map_err(stdout_error),
        InspectFormat::Text | InspectFormat::Sarif => {
            for w in &written {
                writeln!(
                    stdout,
                    "{} -> {}: {} comments; verdicts unchanged",
                    safe_text::escape(&w.input),
                    safe_text::escape(&w.output),
                    w.comments
                )
                .map_err(stdout_error)?;
            }
            Ok(())
        }
    }
}

/// `walk --export DIR`: the walkthrough's messages (named as `--out` names them) annotated as an
/// auditor holding every party's key and every shared secret of the ledger sees them.
pub(super) fn export_walk(dir: &Path, w: &Walkthrough) -> Result<(), CliError> {
    let checked = WalkAuditor::of(w)
        .and_then(|a| a.export(false))
        .map_err(refused)?;
    let targets: Vec<PathBuf> = checked.files.iter().map(|f| dir.join(&f.file)).collect();
    Ok(write_all(dir, &checked.files, &targets, false)?)
}
