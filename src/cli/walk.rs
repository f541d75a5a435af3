//! `wskex walk`: play a key exchange pattern step by step, as text, JSON, or files.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::report_format::Format;
use super::{CliError, Outcome, stdout_error};
use crate::exchange::{Layer, LayerStatus, Step};
use crate::patterns::{CATALOG, PatternError, Walkthrough, parties, walk};
use crate::safe_text;
use crate::safe_write::{self, Privacy};

#[derive(Debug, Args)]
#[command(
    about = "Walk through a WS-Trust 1.4 key exchange pattern step by step",
    long_about = "Play a key exchange pattern: each step says who acts, what happens and why (which property it \
                  gives), shows the message as it grows, every key and who knows it, the signature and \
                  encryption layers, and the checks the receiver made. Receivers are the same processor as \
                  `wskex inspect`. With --seed N everything random is reproducible.\n\n\
                  Patterns: direct; brokered (variants encrypted-key, computed-key); delegated (within-rights, \
                  beyond-rights); request-reply (encrypt-then-sign, sign-then-encrypt). Tamper actions: \
                  change-body, swap-key, replay, wrap-body, exceed-rights (delegated).\n\n\
                  The delegation token is wskex's own format (docs/delegation-token.md).\n\n\
                  Exit codes: 0 every check passed, 1 a check failed (as a tampered run or beyond-rights \
                  must), 2 usage error."
)]
pub struct WalkArgs {
    /// The pattern to walk (omit with --list).
    #[arg(required_unless_present = "list")]
    pub pattern: Option<String>,
    /// List the patterns, their variants and tamper actions.
    #[arg(long, conflicts_with = "pattern")]
    pub list: bool,
    /// The pattern's variant (the first listed is the default; see --list).
    #[arg(long, value_name = "V")]
    pub variant: Option<String>,
    /// Seed for everything random (keys, nonces, IVs, identifiers).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Apply an attack to the message that carries the key (in delegated, the delegate's
    /// request; exceed-rights is the delegate rewriting its own token).
    #[arg(long, value_name = "NAME")]
    pub tamper: Option<String>,
    /// Write every message sent as NN-from-to.xml, keys.json and the parties' key files here
    /// (keys.json and private keys owner-only; a symbolic link in DIR is refused, not followed).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --out: replace the files of an earlier walk in DIR (listed in its wskex-walk.json);
    /// anything else in DIR is never touched, and a DIR holding other files is refused.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Write the messages as annotated XML here (as `wskex export` writes them, seen by an
    /// auditor holding every party's key); key values stay masked.
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Serialize)]
struct PatternJson {
    name: &'static str,
    title: &'static str,
    summary: &'static str,
    variants: &'static [&'static str],
    tampers: Vec<&'static str>,
}

#[derive(Serialize)]
struct WalkJson<'a> {
    pattern: &'static str,
    variant: &'static str,
    seed: u64,
    tamper: Option<&'static str>,
    ok: bool,
    steps: Vec<crate::exchange::snapshot::StepJson<'a>>,
}

#[derive(Serialize)]
struct KeyFileJson {
    name: String,
    algorithm: String,
    hex: String,
    known_by: Vec<String>,
    origin: &'static str,
    provenance: String,
    token: Option<String>,
}

fn usage(e: PatternError) -> CliError {
    match e {
        PatternError::Internal(_) => CliError::Input(e.to_string()),
        other => CliError::Usage(other.to_string()),
    }
}

pub fn run(args: &WalkArgs, stdout: &mut dyn Write) -> Result<Outcome, CliError> {
    if args.list {
        return list(args, stdout).map(|()| Outcome::Success);
    }
    let pattern = args.pattern.as_deref().expect("clap requires it");
    let walked = walk(
        pattern,
        args.variant.as_deref(),
        args.seed,
        args.tamper.as_deref(),
    )
    .map_err(usage)?;
    if let Some(dir) = &args.out {
        write_out(dir, &walked, args.force)?;
    }
    if let Some(dir) = &args.export {
        super::export::export_walk(dir, &walked)?;
    }
    let ok = walked.all_checks_pass();
    match args.format {
        Format::Json => {
            let json = WalkJson {
                pattern: walked.info.name,
                variant: walked.variant,
                seed: walked.seed,
                tamper: walked.tamper.map(|t| t.name()),
                ok,
                steps: walked
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| s.to_json(i + 1, true))
                    .collect(),
            };
            super::report_format::write_json_report(stdout, &json).map_err(stdout_error)?;
        }
        Format::Text => safe_text::write_escaped(stdout, |out| write_text(out, &walked))
            .map_err(stdout_error)?,
    }
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}

fn list(args: &WalkArgs, out: &mut dyn Write) -> Result<(), CliError> {
    match args.format {
        Format::Json => {
            let patterns: Vec<PatternJson> = CATALOG
                .iter()
                .map(|p| PatternJson {
                    name: p.name,
                    title: p.title,
                    summary: p.summary,
                    variants: p.variants,
                    tampers: p.tampers.iter().map(|t| t.name()).collect(),
                })
                .collect();
            super::report_format::write_json_report(
                out,
                &serde_json::json!({ "patterns": patterns }),
            )
            .map_err(stdout_error)
        }
        Format::Text => {
            for p in CATALOG {
                writeln!(out, "{:<14} {}", p.name, p.title).map_err(stdout_error)?;
                writeln!(out, "{:<14} variants: {}", "", p.variants.join(", "))
                    .map_err(stdout_error)?;
                let tampers: Vec<&str> = p.tampers.iter().map(|t| t.name()).collect();
                writeln!(out, "{:<14} tampers:  {}", "", tampers.join(", "))
                    .map_err(stdout_error)?;
            }
            Ok(())
        }
    }
}

fn status_word(s: &LayerStatus) -> String {
    match s {
        LayerStatus::Created => "created".into(),
        LayerStatus::Verified => "verified".into(),
        LayerStatus::Failed(why) => format!("FAILED: {why}"),
    }
}

fn write_step(out: &mut dyn Write, index: usize, step: &Step) -> std::io::Result<()> {
    writeln!(out, "step {index}. {}: {}", step.actor, step.title)?;
    for line in wrap(&step.narrative, 92) {
        writeln!(out, "    {line}")?;
    }
    writeln!(
        out,
        "    spec: {}, {}",
        step.spec.document, step.spec.section
    )?;
    let snap = &step.snapshot;
    if let Some(env) = &snap.envelope {
        writeln!(
            out,
            "    message {} -> {} ({} bytes)",
            env.from,
            env.to,
            env.text.len()
        )?;
        for span in &env.changed {
            let fragment = &env.text[span.range()];
            let shown: String = safe_text::one_line(fragment).chars().take(160).collect();
            let more = if fragment.chars().count() > 160 {
                "..."
            } else {
                ""
            };
            writeln!(out, "      + {shown}{more}")?;
        }
    }
    if !snap.ledger.keys().is_empty() {
        writeln!(out, "    keys:")?;
        for k in snap.ledger.keys() {
            let known: Vec<&str> = k.known_by.iter().map(String::as_str).collect();
            writeln!(
                out,
                "      {:<16} {:>3} bits  known by {:<14} {}",
                k.name,
                k.length_bits(),
                known.join(", "),
                k.describe()
            )?;
        }
    }
    for layer in &snap.layers {
        match layer {
            Layer::Signature(s) => {
                let refs: Vec<&str> = s.references.iter().map(|r| r.target.as_str()).collect();
                writeln!(
                    out,
                    "    layer: signature {} ({}, key {}) over {}: {}",
                    s.id,
                    s.method,
                    s.key,
                    refs.join(", "),
                    status_word(&s.status)
                )?;
            }
            Layer::Encryption(e) => writeln!(
                out,
                "    layer: encryption {} ({}, key {}) of {}: {}",
                e.encrypted_data
                    .first()
                    .or(e.encrypted_key.as_ref())
                    .map(String::as_str)
                    .unwrap_or(""),
                e.algorithm,
                e.key,
                e.target,
                status_word(&e.status)
            )?,
        }
    }
    for c in &snap.checks {
        writeln!(
            out,
            "    check {}: {} ({})",
            c.name,
            if c.ok { "ok" } else { "FAILED" },
            c.reason
        )?;
    }
    writeln!(out)
}

fn write_text(out: &mut dyn Write, w: &Walkthrough) -> std::io::Result<()> {
    writeln!(
        out,
        "{} ({}), seed {}{}",
        w.info.title,
        w.variant,
        w.seed,
        w.tamper
            .map(|t| format!(", tamper {}", t.name()))
            .unwrap_or_default()
    )?;
    for line in wrap(w.info.summary, 96) {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    for (i, step) in w.steps.iter().enumerate() {
        write_step(out, i + 1, step)?;
    }
    let failed: Vec<String> = w
        .steps
        .iter()
        .flat_map(|s| {
            s.snapshot
                .checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.name.clone())
        })
        .collect();
    if failed.is_empty() {
        writeln!(out, "every check passed")
    } else {
        writeln!(out, "checks that failed: {}", failed.join(", "))
    }
}

/// Greedy word wrap for narratives.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Writes the walk's files: messages and certificates readable by all, `keys.json` and the
/// private keys owner-only (0600); none through a link planted in `dir`, and nothing at all
/// when any of them would be refused.
fn write_out(dir: &std::path::Path, w: &Walkthrough, force: bool) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(|source| CliError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let files = out_files(w);
    let earlier = super::walk_manifest::earlier_walk(dir)?;
    if !earlier.is_empty() {
        if !force {
            return Err(CliError::Usage(format!(
                "{}: holds an earlier walk ({} files); --force replaces it",
                safe_text::escape(&dir.display().to_string()),
                earlier.len()
            )));
        }
        super::walk_manifest::remove(dir, &earlier)?;
    }
    for (name, _, _) in &files {
        safe_write::check_target(&dir.join(name))?;
    }
    for (name, bytes, privacy) in &files {
        safe_write::write_file(&dir.join(name), bytes, *privacy)?;
    }
    let names: Vec<&str> = files.iter().map(|(n, _, _)| n.as_str()).collect();
    super::walk_manifest::write(dir, w, &names)
}

/// The files of a `walk --out` folder: name, content, and who may read it.
fn out_files(w: &Walkthrough) -> Vec<(String, Vec<u8>, Privacy)> {
    let mut files: Vec<(String, Vec<u8>, Privacy)> = w
        .messages
        .iter()
        .map(|m| {
            let name = format!("{:02}-{}-{}.xml", m.index + 1, m.from, m.to);
            (name, m.text.as_bytes().to_vec(), Privacy::Public)
        })
        .collect();
    let keys: Vec<KeyFileJson> = w
        .ledger
        .keys()
        .iter()
        .map(|k| KeyFileJson {
            name: k.name.clone(),
            algorithm: k.algorithm.clone(),
            hex: hex::encode(k.bytes.expose()),
            known_by: k.known_by.iter().cloned().collect(),
            origin: k.provenance.origin(),
            provenance: k.describe(),
            token: k.token.clone(),
        })
        .collect();
    let text =
        safe_text::to_json_pretty(&serde_json::json!({ "keys": keys })).expect("serializable");
    files.push((
        "keys.json".into(),
        (text + "\n").into_bytes(),
        Privacy::Secret,
    ));
    for p in &w.parties {
        if let Some((key, cert)) = parties::pem_files(&p.name) {
            let key_file = format!("{}.key.pem", p.name);
            files.push((key_file, key.as_bytes().to_vec(), Privacy::Secret));
            let cert_file = format!("{}.cert.pem", p.name);
            files.push((cert_file, cert.as_bytes().to_vec(), Privacy::Public));
        }
    }
    files
}
