//! `wskex inspect --each DIR`: a folder of captured conversations (each subdirectory, or each
//! file with `--each-file`) audited in parallel on every core, with a progress bar on a
//! terminal and a summary at the end.
//!
//! One broken conversation never stops the others: an unreadable one, or a panic while one is
//! processed, becomes an error finding on that conversation alone.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::inspect::{InspectArgs, report_json};
use super::report_format::InspectFormat;
use super::sarif::{LocatedFinding, located_findings, sarif_log};
use super::{CliError, Outcome, stdout_error};
use crate::audit::conversation::inspect_conversation;
use crate::audit::load_paths;
use crate::audit::pattern::identify;
use crate::crypto::KeyStore;
use crate::receive::finding_code::FindingCode;
use crate::receive::store::Binding;
use crate::receive::{ProcessOptions, Severity};
use crate::safe_text;

/// What one conversation came to.
struct Audited {
    path: String,
    messages: usize,
    ok: bool,
    /// Codes of every finding, repeated as often as they occur.
    codes: Vec<String>,
    pattern: String,
    report: serde_json::Value,
    /// Every finding with its file and line, for SARIF.
    located: Vec<LocatedFinding>,
}

#[derive(Serialize)]
struct Summary {
    conversations: usize,
    messages: usize,
    passed: usize,
    failed: usize,
    findings_by_code: BTreeMap<String, usize>,
}

pub fn run(args: &InspectArgs, dir: &Path, stdout: &mut dyn Write) -> Result<Outcome, CliError> {
    let conversations = conversations(dir, args.each_file)?;
    let (store, bindings, options) = args.processing.inputs()?;
    let progress = progress_bar(conversations.len() as u64);
    let audited: Vec<Audited> = conversations
        .par_iter()
        .map(|path| {
            let one = audit_one(
                path,
                &store,
                &bindings,
                &options,
                args.processing.reveal_secrets,
            );
            progress.inc(1);
            one
        })
        .collect();
    progress.finish_and_clear();
    let summary = summarize(&audited);
    match args.format {
        InspectFormat::Json => {
            let json = serde_json::json!({
                "conversations": audited.iter().map(|a| &a.report).collect::<Vec<_>>(),
                "summary": summary,
            });
            super::report_format::write_json_report(stdout, &json).map_err(stdout_error)?;
        }
        InspectFormat::Sarif => {
            let findings: Vec<LocatedFinding> = audited
                .iter()
                .flat_map(|a| a.located.iter().cloned())
                .collect();
            safe_text::write_json_pretty(stdout, &sarif_log(&findings)).map_err(stdout_error)?;
        }
        InspectFormat::Text => write_text(stdout, &audited, &summary).map_err(stdout_error)?,
    }
    Ok(if summary.failed == 0 {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}

/// The conversations under `dir`, in name order: its subdirectories, or its files.
fn conversations(dir: &Path, each_file: bool) -> Result<Vec<PathBuf>, CliError> {
    let io_error = |source| CliError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if (each_file && meta.is_file()) || (!each_file && meta.is_dir()) {
            found.push(path);
        }
    }
    if each_file {
        // The same files a directory conversation would read (key material, JSON and
        // Markdown passed over).
        let readable = crate::audit::expand_paths(&[dir.to_path_buf()]).unwrap_or_default();
        found.retain(|p| readable.contains(p));
    }
    found.sort();
    if found.is_empty() {
        return Err(CliError::Input(format!(
            "{}: no {} to inspect",
            safe_text::escape(&dir.display().to_string()),
            if each_file { "files" } else { "subdirectories" }
        )));
    }
    Ok(found)
}

fn audit_one(
    path: &Path,
    store: &KeyStore,
    bindings: &[Binding],
    options: &ProcessOptions,
    reveal: bool,
) -> Audited {
    let name = path.display().to_string();
    contained(&name, || {
        let messages = load_paths(&[path.to_path_buf()]).map_err(|e| e.to_string())?;
        let result = inspect_conversation(&messages, store, bindings.to_vec(), options);
        let patterns = identify(&result.messages);
        let mut report = serde_json::Map::new();
        report.insert("path".into(), serde_json::Value::String(name.clone()));
        if let serde_json::Value::Object(fields) = report_json(&result, &patterns, reveal) {
            report.extend(fields);
        }
        let codes = result
            .messages
            .iter()
            .flat_map(|m| &m.findings)
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| f.code.to_string())
            .collect();
        Ok(Audited {
            path: name.clone(),
            messages: result.messages.len(),
            ok: result.ok,
            codes,
            pattern: patterns
                .first()
                .map(|p| match p.variant {
                    Some(v) => format!("{} ({v})", p.name.as_str()),
                    None => p.name.as_str().to_string(),
                })
                .unwrap_or_default(),
            report: serde_json::Value::Object(report),
            located: located_findings(&result, &messages),
        })
    })
}

/// Runs `audit`, turning an unreadable conversation or a panic into a failed conversation
/// with one error finding, so the others go on.
fn contained(name: &str, audit: impl FnOnce() -> Result<Audited, String>) -> Audited {
    let (code, message) = match catch_unwind(AssertUnwindSafe(audit)) {
        Ok(Ok(audited)) => return audited,
        Ok(Err(unreadable)) => (FindingCode::Unreadable, unreadable),
        Err(panic) => (
            FindingCode::InternalError,
            format!(
                "wskex failed while processing this conversation (a bug; please report it): {}",
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default()
            ),
        ),
    };
    let report = serde_json::json!({
        "path": name,
        "ok": false,
        "patterns": [],
        "messages": [],
        "findings": [{ "severity": "error", "code": code, "message": message }],
    });
    Audited {
        path: name.to_string(),
        messages: 0,
        ok: false,
        codes: vec![code.to_string()],
        pattern: String::new(),
        report,
        located: vec![LocatedFinding {
            code,
            severity: code.severity(),
            message,
            file: name.to_string(),
            line: None,
            column: None,
            characters: None,
            message_index: None,
        }],
    }
}

fn summarize(audited: &[Audited]) -> Summary {
    let mut findings_by_code = BTreeMap::new();
    for code in audited.iter().flat_map(|a| &a.codes) {
        *findings_by_code.entry(code.clone()).or_insert(0) += 1;
    }
    let passed = audited.iter().filter(|a| a.ok).count();
    Summary {
        conversations: audited.len(),
        messages: audited.iter().map(|a| a.messages).sum(),
        passed,
        failed: audited.len() - passed,
        findings_by_code,
    }
}

fn write_text(out: &mut dyn Write, audited: &[Audited], s: &Summary) -> std::io::Result<()> {
    for a in audited {
        let mut codes = a.codes.clone();
        codes.sort();
        codes.dedup();
        writeln!(
            out,
            "{}: {} ({} message{}{}){}",
            safe_text::escape(&a.path),
            if a.ok { "ok" } else { "CHECKS FAILED" },
            a.messages,
            if a.messages == 1 { "" } else { "s" },
            if a.pattern.is_empty() {
                String::new()
            } else {
                format!(", {}", a.pattern)
            },
            if codes.is_empty() {
                String::new()
            } else {
                format!(" [{}]", codes.join(", "))
            }
        )?;
    }
    writeln!(out)?;
    writeln!(out, "conversations  {:>8}", s.conversations)?;
    writeln!(out, "messages       {:>8}", s.messages)?;
    writeln!(out, "passed         {:>8}", s.passed)?;
    writeln!(out, "failed         {:>8}", s.failed)?;
    if !s.findings_by_code.is_empty() {
        writeln!(out, "findings (warnings and errors) by code:")?;
        for (code, count) in &s.findings_by_code {
            writeln!(out, "  {code:<32} {count:>8}")?;
        }
    }
    Ok(())
}

/// A progress bar on a terminal; hidden (and free) otherwise.
fn progress_bar(total: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {pos}/{len} conversations ({per_sec}, eta {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_one_conversation_becomes_its_error_finding() {
        let audited = contained("c1", || panic!("boom"));
        assert!(!audited.ok);
        assert_eq!(audited.codes, ["internal-error"]);
        assert_eq!(audited.report["path"], "c1");
        let message = audited.report["findings"][0]["message"].as_str().unwrap();
        assert!(message.contains("boom"), "{message}");
    }
}
