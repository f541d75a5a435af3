//! `wskex export`: the captured messages as annotated XML, one file per input file, checked to
//! verify exactly as the input did before anything is written.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::inspect::{InspectArgs, Prepared, prepare};
use super::report_format::InspectFormat;
use super::{CliError, Outcome, stdout_error};
use crate::audit::conversation::inspect_conversation;
use crate::audit::pattern::identify;
use crate::audit::{CapturedMessage, load_bytes, read_input_file};
use crate::crypto::KeyStore;
use crate::export::{ExportError, ExportOptions, ExportedFile, Verdict, export_conversation};
use crate::patterns::Walkthrough;
use crate::safe_text;
use crate::safe_write::{Privacy, check_target, write_file};
use crate::wss::processor::ProcessOptions;
use crate::wss::store::Binding;

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
        args.inspect.reveal_secrets,
        &read,
    )?;
    let targets = targets(&args.out, &checked.files)?;
    write_all(
        &args.out,
        &checked.files,
        &targets,
        args.inspect.reveal_secrets,
    )?;
    report(args, stdout, &checked.files, &targets)?;
    Ok(if checked.ok {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}

/// Annotated files whose verdicts were checked again, and the conversation's own verdict.
pub(super) struct Checked {
    pub files: Vec<ExportedFile>,
    pub ok: bool,
}

/// Processes the conversation, annotates it, and checks the annotated bytes get the same
/// verdicts with the same keys, message by message (refused otherwise).
pub(super) fn export_checked(
    messages: &[CapturedMessage],
    store: &KeyStore,
    bindings: Vec<Binding>,
    options: &ProcessOptions,
    reveal_secrets: bool,
    read: &dyn Fn(&str) -> std::io::Result<Vec<u8>>,
) -> Result<Checked, CliError> {
    let result = inspect_conversation(messages, store, bindings.clone(), options);
    let patterns = identify(&result.messages);
    let export_options = ExportOptions {
        id_attributes: &options.id_attributes,
        reveal_secrets,
    };
    let files = export_conversation(messages, &result, &patterns, &export_options, read)
        .map_err(refused)?;
    let mut again = Vec::new();
    for file in &files {
        again.extend(
            load_bytes(file.bytes.clone(), &file.file)
                .map_err(|e| CliError::Input(format!("export refused: {e}")))?,
        );
    }
    let recheck = inspect_conversation(&again, store, bindings, options);
    for (i, (before, after)) in result.messages.iter().zip(&recheck.messages).enumerate() {
        if let Some(detail) = Verdict::of(before).difference(&Verdict::of(after)) {
            return Err(refused(ExportError::VerdictChanged {
                file: messages[i].file.clone(),
                message: i + 1,
                detail,
            }));
        }
    }
    Ok(Checked {
        files,
        ok: result.ok,
    })
}

/// Writes each file to its target (0600 when key values are revealed).
pub(super) fn write_all(
    out: &Path,
    files: &[ExportedFile],
    targets: &[PathBuf],
    reveal_secrets: bool,
) -> Result<(), CliError> {
    std::fs::create_dir_all(out).map_err(|source| CliError::Io {
        path: out.display().to_string(),
        source,
    })?;
    let privacy = if reveal_secrets {
        Privacy::Secret
    } else {
        Privacy::Public
    };
    for (file, target) in files.iter().zip(targets) {
        write_file(target, &file.bytes, privacy).map_err(|e| CliError::Input(e.to_string()))?;
    }
    Ok(())
}

fn refused(e: ExportError) -> CliError {
    CliError::Input(format!(
        "export refused: {}",
        safe_text::escape(&e.to_string())
    ))
}

/// Where each file goes: OUT/<its file name>. Two inputs with one name, an output that is an
/// input, or a target wskex would not write through are refused before any work is written.
pub(super) fn targets(out: &Path, files: &[ExportedFile]) -> Result<Vec<PathBuf>, CliError> {
    let mut names = BTreeSet::new();
    let mut targets = Vec::new();
    for file in files {
        let input = Path::new(&file.file);
        let name = input.file_name().ok_or_else(|| {
            CliError::Usage(format!(
                "{}: not a file name",
                safe_text::escape(&file.file)
            ))
        })?;
        if !names.insert(name.to_owned()) {
            return Err(CliError::Usage(format!(
                "export refused: two inputs are named {}; export them separately",
                safe_text::escape(&name.to_string_lossy())
            )));
        }
        let target = out.join(name);
        let same = match (std::fs::canonicalize(&target), std::fs::canonicalize(input)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(CliError::Usage(format!(
                "export refused: {} would overwrite its input",
                safe_text::escape(&target.display().to_string())
            )));
        }
        if target.exists() || target.is_symlink() {
            check_target(&target).map_err(|e| CliError::Input(e.to_string()))?;
        }
        targets.push(target);
    }
    Ok(targets)
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
        InspectFormat::Json => {
            safe_text::write_json_pretty(stdout, &serde_json::json!({ "written": written }))
                .map_err(stdout_error)
        }
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
    let mut store = KeyStore::new();
    for p in &w.parties {
        if let Some(key) = p.private_key.clone() {
            store.add_private_key(key);
        }
        if let Some(cert) = p.certificate.clone() {
            store.add_certificate(cert);
        }
    }
    for k in w.ledger.keys() {
        if k.provenance.origin() == "supplied" {
            store.add_named_secret(&k.name, k.bytes.clone(), "the walkthrough's ledger");
        }
    }
    let bindings: Vec<Binding> = w
        .ledger
        .keys()
        .iter()
        .filter_map(|k| {
            Some(Binding {
                name: k.token.clone()?,
                secret: k.bytes.clone(),
                label: k.name.clone(),
            })
        })
        .collect();
    let mut texts = std::collections::BTreeMap::new();
    let mut messages = Vec::new();
    for m in &w.messages {
        let name = format!("{:02}-{}-{}.xml", m.index + 1, m.from, m.to);
        messages.extend(
            load_bytes(m.text.clone().into_bytes(), &name)
                .map_err(|e| CliError::Input(e.to_string()))?,
        );
        texts.insert(name, m.text.as_bytes().to_vec());
    }
    let read = |name: &str| {
        texts
            .get(name)
            .cloned()
            .ok_or_else(|| std::io::Error::other("not a message of this walkthrough"))
    };
    let checked = export_checked(
        &messages,
        &store,
        bindings,
        &ProcessOptions::default(),
        false,
        &read,
    )?;
    let targets: Vec<PathBuf> = checked.files.iter().map(|f| dir.join(&f.file)).collect();
    write_all(dir, &checked.files, &targets, false)
}
