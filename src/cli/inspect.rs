//! `wskex inspect`: process a captured conversation as the receiving stack did and show every
//! token, key (with where it came from), signature and encrypted part, and the findings.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::processing_args::ProcessingArgs;
use super::report_format::InspectFormat;
use super::sarif::{located_findings, sarif_log};
use super::{CliError, Outcome, stdout_error};
use crate::audit::conversation::{
    ConversationResult, MessageResult, SignatureVerdict, inspect_conversation,
};
use crate::audit::pattern::{PatternMatch, identify};
use crate::audit::steps::conversation_steps;
use crate::audit::{CapturedMessage, load_paths};
use crate::crypto::KeyStore;
use crate::receive::actors::SecurityHeaderReport;
use crate::receive::keys::{KeyRecord, Provenance};
use crate::receive::store::Binding;
use crate::receive::{EncryptionReport, Finding, ProcessOptions, Severity, TokenReport};
use crate::safe_text::{self, one_line, write_escaped};
use crate::xml::whitespace::WhitespaceMode;

#[derive(Debug, Args)]
#[command(
    about = "Process a captured conversation and show its tokens, keys, signatures and encryption",
    long_about = "Process captured messages in order, as the receiving stack did, with the keys you hold: \
                  every token of the Security header, every key with its provenance (unwrapped, derived, \
                  computed from entropies, proof tokens), every signature reference by reference, every \
                  encrypted part, and findings (what fails and what is risky). Messages share one token \
                  store, so a message may use a key established in an earlier one. Inputs: raw SOAP \
                  XML, HTTP dumps, MIME multipart/related (MTOM), several files in order, or a \
                  directory (its files sorted by name, passing over key material, JSON and Markdown, so \
                  a `wskex walk --out` folder opens as its conversation, and FIFOs and devices \
                  with a note). A request carrying a wskex \
                  delegation token also gets the target's delegation checks.\n\n\
                  Signatures that fail as captured are retried with the re-indentation undone; one that \
                  verifies only then is reported as such, never as plainly valid.\n\n\
                  The receiver acts only on what a valid signature covers: a signed Body, Timestamp, \
                  WS-Addressing header or token found elsewhere is signature wrapping; freshness \
                  (--now) is judged only on a signed Timestamp; key material (an RSTR's token or proof \
                  key) no valid signature covers is an error unless --transport-secured; a key the \
                  message carries is no identity when you supply certificates.\n\n\
                  Exit codes: 0 every signature verified as captured and every encrypted part opened, 1 \
                  a check failed (or verified only after repair) or an error finding, 2 usage error or \
                  unreadable input."
)]
pub struct InspectArgs {
    /// Captured messages: files (processed in the order given) or directories.
    #[arg(required_unless_present = "each", value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
    /// Batch audit: each subdirectory of DIR (in name order) is its own conversation, all
    /// processed in parallel; a summary follows. Takes no other FILE|DIR.
    #[arg(long, value_name = "DIR", conflicts_with = "paths")]
    pub each: Option<PathBuf>,
    /// With --each: each file of DIR is its own conversation, instead of each subdirectory.
    #[arg(long, requires = "each")]
    pub each_file: bool,
    /// Keys, trust anchors, clock, ids and labels: the options `tui FILE...` shares.
    #[command(flatten)]
    pub processing: ProcessingArgs,
    /// `sarif` writes SARIF 2.1.0 (rules from the findings catalogue), also with --each.
    #[arg(long, value_enum, default_value_t)]
    pub format: InspectFormat,
}

#[derive(Serialize)]
struct KeyJson {
    /// What the key is (`session-key-1`); its token's id is `token`.
    name: String,
    token: Option<String>,
    origin: &'static str,
    algorithm: String,
    length_bits: usize,
    derived_from: Vec<String>,
    provenance: String,
    /// The formula's inputs as fields, tagged by `kind`.
    inputs: Provenance,
    usage: Vec<String>,
    /// The block that carried the key when it came from outside the Security header (an
    /// RSTR in `wst:IssuedTokens` or in the Body).
    #[serde(skip_serializing_if = "Option::is_none")]
    carried_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_hex: Option<String>,
}

fn key_json(k: &KeyRecord, carried_in: Option<&str>, reveal: bool) -> KeyJson {
    KeyJson {
        carried_in: carried_in.map(str::to_string),
        name: k.name.clone(),
        token: k.token.clone(),
        origin: k.provenance.origin(),
        algorithm: k
            .usage
            .first()
            .map(|u| u.split(' ').next().unwrap_or("").to_string())
            .unwrap_or_default(),
        length_bits: k.length_bits(),
        derived_from: k.derived_from(),
        provenance: k.describe(),
        inputs: k.provenance.clone(),
        usage: k.usage.clone(),
        value_hex: reveal.then(|| hex::encode(k.bytes.expose())),
    }
}

#[derive(Serialize)]
struct MessageJson<'a> {
    file: &'a str,
    soap_version: Option<&'a str>,
    notes: &'a [String],
    tokens: &'a [TokenReport],
    keys: Vec<KeyJson>,
    signatures: &'a [SignatureVerdict],
    encryptions: &'a [EncryptionReport],
    trust: &'a [crate::receive::trust_summary::TrustSummary],
    /// Every wsse:Security header under its actor/role, processed or not.
    security_headers: &'a [SecurityHeaderReport],
    findings: &'a [Finding],
    ok: bool,
}

#[derive(Serialize)]
struct InspectJson<'a> {
    ok: bool,
    /// The key exchange patterns the conversation shows, best match first.
    patterns: &'a [PatternMatch],
    messages: Vec<MessageJson<'a>>,
}

pub fn run(args: &InspectArgs, stdout: &mut dyn Write) -> Result<Outcome, CliError> {
    if let Some(dir) = &args.each {
        return super::inspect_each::run(args, dir, stdout);
    }
    let Prepared {
        messages,
        store,
        bindings,
        options,
    } = prepare(args)?;
    let result = inspect_conversation(&messages, &store, bindings, &options);
    let patterns = identify(&result.messages);
    match args.format {
        InspectFormat::Json => {
            let reveal = args.processing.reveal_secrets;
            let mut json = report_json(&result, &patterns, reveal);
            let steps = conversation_steps(&messages, &result);
            let steps: Vec<_> = steps
                .iter()
                .enumerate()
                .map(|(i, s)| s.to_json(i + 1, reveal))
                .collect();
            if let serde_json::Value::Object(fields) = &mut json {
                // The walkthroughs' Step shape, so one reader serves both (issue 9).
                let steps = serde_json::to_value(&steps).expect("the steps serialize");
                fields.insert("steps".into(), steps);
            }
            super::report_format::write_json_report(stdout, &json).map_err(stdout_error)?;
        }
        InspectFormat::Sarif => {
            let log = sarif_log(&located_findings(&result, &messages));
            safe_text::write_json_pretty(stdout, &log).map_err(stdout_error)?;
        }
        InspectFormat::Text => write_escaped(stdout, |out| {
            write_text(out, &result, args.processing.reveal_secrets)?;
            write_patterns(out, &patterns)
        })
        .map_err(stdout_error)?,
    }
    Ok(if result.ok {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}

/// What processing a conversation needs, read from the command line: the messages, the
/// keys, secrets bound to token names, and the receiver's settings. `export` shares it.
pub(super) struct Prepared {
    pub messages: Vec<CapturedMessage>,
    pub store: KeyStore,
    pub bindings: Vec<Binding>,
    pub options: ProcessOptions,
}

pub(super) fn prepare(args: &InspectArgs) -> Result<Prepared, CliError> {
    let messages = load_paths(&args.paths).map_err(|e| CliError::Input(e.to_string()))?;
    let (store, bindings, options) = args.processing.inputs()?;
    Ok(Prepared {
        messages,
        store,
        bindings,
        options,
    })
}

/// The JSON report of one processed conversation (also one entry of `inspect --each`).
pub(super) fn report_json(
    result: &ConversationResult,
    patterns: &[PatternMatch],
    reveal: bool,
) -> serde_json::Value {
    let json = InspectJson {
        ok: result.ok,
        patterns,
        messages: result
            .messages
            .iter()
            .map(|m| message_json(m, result, reveal))
            .collect(),
    };
    serde_json::to_value(&json).expect("the report serializes")
}

fn message_json<'a>(
    m: &'a MessageResult,
    result: &'a ConversationResult,
    reveal: bool,
) -> MessageJson<'a> {
    MessageJson {
        file: &m.file,
        soap_version: m.soap_version(),
        notes: &m.notes,
        tokens: m.tokens(),
        keys: m
            .keys()
            .iter()
            .map(|id| {
                let keyring = &result.store.keyring;
                key_json(keyring.get(*id), keyring.carrier(*id), reveal)
            })
            .collect(),
        signatures: &m.signatures,
        encryptions: m.encryptions(),
        trust: m.processed.as_ref().map_or(&[], |p| &p.trust),
        security_headers: m.processed.as_ref().map_or(&[], |p| &p.security_headers),
        findings: &m.findings,
        ok: m.ok,
    }
}

/// The report a person reads; every value taken from the messages is escaped to one line.
fn write_text(
    out: &mut dyn Write,
    result: &ConversationResult,
    reveal: bool,
) -> std::io::Result<()> {
    for m in &result.messages {
        writeln!(
            out,
            "message {}: {} ({})",
            m.index + 1,
            one_line(&m.file),
            m.soap_version().unwrap_or("not SOAP")
        )?;
        for note in &m.notes {
            writeln!(out, "  note: {}", one_line(note))?;
        }
        if let Some(p) = &m.processed {
            super::security_headers::write_header_reports(out, &p.security_headers, "  ")?;
        }
        if !m.tokens().is_empty() {
            writeln!(out, "  tokens:")?;
            for t in m.tokens() {
                let id =
                    t.id.as_deref()
                        .map(|i| format!(" {}", one_line(i)))
                        .unwrap_or_default();
                let key = t
                    .key
                    .as_deref()
                    .map(|k| format!(" -> key {}", one_line(k)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "    {}{id} (line {}): {}{key}",
                    one_line(&t.kind),
                    t.line,
                    one_line(&t.detail)
                )?;
            }
        }
        if !m.keys().is_empty() {
            writeln!(out, "  keys:")?;
            for id in m.keys() {
                let k = result.store.keyring.get(*id);
                let carried = result
                    .store
                    .keyring
                    .carrier(*id)
                    .map(|c| format!(", {}", one_line(c)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "    {} ({} bits, {}{carried})",
                    one_line(&k.describe()),
                    k.length_bits(),
                    k.provenance.origin()
                )?;
                if reveal {
                    writeln!(out, "      value {}", hex::encode(k.bytes.expose()))?;
                }
            }
        }
        if let Some(p) = &m.processed {
            for line in &p.trust {
                writeln!(out, "  ws-trust: {}", one_line(&line.to_string()))?;
            }
        }
        for s in &m.signatures {
            let r = &s.report;
            let method = one_line(r.signature_method.name());
            let verdict = match (r.valid, s.whitespace_mode) {
                (true, WhitespaceMode::AsIs) => "VALID".to_string(),
                (true, mode) => {
                    format!("valid only after undoing re-indentation ({})", mode.name())
                }
                (false, _) => "INVALID".to_string(),
            };
            writeln!(
                out,
                "  signature {} at line {} ({method}): {verdict}",
                one_line(r.id.as_deref().unwrap_or("(no Id)")),
                r.line
            )?;
            if let Some(k) = &r.key {
                writeln!(
                    out,
                    "    key {}: {}",
                    one_line(&k.name),
                    one_line(&k.description)
                )?;
                if let Some(chain) = &k.chain {
                    writeln!(out, "    chain: {}", one_line(&chain.describe()))?;
                }
            }
            for reference in &r.references {
                let uri = reference.uri.as_deref().unwrap_or("(no URI)");
                let target = reference.target.as_deref().unwrap_or("?");
                let state = if reference.valid {
                    if s.repaired_references.iter().any(|u| u == uri) {
                        "ok after repair"
                    } else {
                        "ok"
                    }
                    .to_string()
                } else {
                    format!(
                        "FAIL: {}",
                        one_line(reference.error.as_deref().unwrap_or("invalid"))
                    )
                };
                writeln!(
                    out,
                    "    reference {} -> {}: {state}",
                    one_line(uri),
                    one_line(target)
                )?;
                super::canonical_excerpt::write_canonical_excerpt(out, reference, "      ")?;
            }
            if !r.valid {
                writeln!(
                    out,
                    "    {}",
                    one_line(r.error.as_deref().unwrap_or("invalid"))
                )?;
            }
        }
        for e in m.encryptions() {
            let algorithm = one_line(e.algorithm.name());
            let id = one_line(e.id.as_deref().unwrap_or("(no Id)"));
            let data_type = one_line(&e.data_type);
            if e.ok {
                writeln!(
                    out,
                    "  encrypted {id} ({data_type}, {algorithm}) with key {}: decrypted {}, {} bytes",
                    one_line(e.key.as_deref().unwrap_or("?")),
                    one_line(&e.target),
                    e.plaintext_length.unwrap_or(0)
                )?;
            } else {
                writeln!(
                    out,
                    "  encrypted {id} ({data_type}, {algorithm}): FAILED: {}",
                    one_line(e.error.as_deref().unwrap_or("?"))
                )?;
            }
        }
        for f in &m.findings {
            let severity = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let at = f
                .file_position(&m.file)
                .map(|p| format!(" {}", one_line(&p)))
                .unwrap_or_default();
            writeln!(
                out,
                "  {severity} [{}]{at}: {}",
                f.code,
                one_line(&f.message)
            )?;
        }
        writeln!(
            out,
            "  verdict: {}",
            if m.ok { "ok" } else { "CHECKS FAILED" }
        )?;
        writeln!(out)?;
    }
    let ok = result.messages.iter().filter(|m| m.ok).count();
    writeln!(
        out,
        "conversation: {ok} of {} messages pass every check",
        result.messages.len()
    )
}

/// The patterns, best first, each with the evidence that decided it.
fn write_patterns(out: &mut dyn Write, patterns: &[PatternMatch]) -> std::io::Result<()> {
    for (i, p) in patterns.iter().enumerate() {
        let variant = p.variant.map(|v| format!(" ({v})")).unwrap_or_default();
        let messages: Vec<String> = p.messages.iter().map(|m| m.to_string()).collect();
        writeln!(
            out,
            "{} {}{variant}, messages {}",
            if i == 0 { "pattern:" } else { "also:   " },
            p.name.as_str(),
            messages.join(", ")
        )?;
        for sentence in &p.evidence {
            writeln!(out, "  - {sentence}")?;
        }
    }
    Ok(())
}
