//! `wskex verify`: check every ds:Signature of a document and say, reference by reference,
//! what was signed, with which key, and whether it still holds.

use std::io::Write;

use clap::Args;
use serde::Serialize;

use super::keys::{KeyArgs, TrustArgs};
use super::report_format::Format;
use super::{CliError, Outcome, read_input, stdout_error};
use crate::crypto::KeyStore;
use crate::dsig::model::SignatureElement;
use crate::dsig::{SignatureReport, VerifyOptions, find_signatures, verify_signature};
use crate::receive::actors::SecurityHeaderReport;
use crate::receive::authentication::identity_findings;
use crate::receive::embedded_signatures::is_embedded_assertion_signature;
use crate::receive::{Finding, ProcessOptions, Severity};
use crate::resolve::StandardResolver;
use crate::safe_text::{escape, one_line, write_escaped};
use crate::wss::SoapEnvelope;
use crate::xml::{Document, IdAttributes, Node, Span};

#[derive(Debug, Args)]
#[command(
    about = "Verify every XML signature in a document",
    long_about = "Verify every ds:Signature in FILE: each Reference (what it points at, the transforms, the \
                  digest) and the SignatureValue, with the key the KeyInfo designates among the keys \
                  you supply (or, failing that, a key carried by the message itself, which proves \
                  integrity but not identity: when you supply certificates, such a signature fails). \
                  On a SOAP message the receiving processor also judges what the signatures cover: \
                  signature wrapping, unsigned key transfer, duplicated ids.\n\n\
                  Exit codes: 0 every signature valid and no error finding, 1 a signature failed, none \
                  was found or an error finding, 2 usage error or malformed input."
)]
pub struct VerifyArgs {
    /// The signed XML document (`-` for standard input).
    pub file: String,
    #[command(flatten)]
    pub keys: KeyArgs,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Also treat attributes with this name as ids ('Name' in any namespace, or '{ns}Name').
    #[arg(long = "id-attr", value_name = "NAME")]
    pub id_attrs: Vec<String>,
    /// The message travelled over authenticated TLS (WCF's TransportWithMessageCredential):
    /// an RSTR no signature covers is then a note instead of an error.
    #[arg(long)]
    pub transport_secured: bool,
    /// Play this SOAP role: verify only the wsse:Security header addressed to URI (the other
    /// headers are reported unprocessed). By default every header but role none is processed.
    #[arg(long, value_name = "URI")]
    pub actor: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Serialize)]
struct VerifyJson<'a> {
    file: &'a str,
    valid: bool,
    duplicate_ids: Vec<String>,
    /// The receiver's findings on a SOAP message (wrapping, unauthenticated keys, ...).
    findings: &'a [Finding],
    /// Every wsse:Security header under its actor/role, processed or not.
    security_headers: &'a [SecurityHeaderReport],
    signatures: Vec<SignatureJson>,
}

#[derive(Serialize)]
struct SignatureJson {
    #[serde(flatten)]
    report: SignatureReport,
    key_source: Option<String>,
}

pub fn run(args: &VerifyArgs, stdout: &mut dyn Write) -> Result<Outcome, CliError> {
    let (bytes, name) = read_input(&args.file)?;
    let mut store = args.keys.load()?;
    args.trust.add_to(&mut store)?;
    let doc = Document::parse(bytes, name)?;
    let received = doc.generation();
    // The receiver replaces a document it decrypts, and the repair below needs the text as
    // received: it is copied only when there is something to decrypt.
    let received_copy = doc
        .namespace_id(crate::ns::XENC)
        .map(|_| doc.text().to_string());
    let (mut checked, last) = check_document(doc, &store, args);
    if checked.reports.iter().any(|r| !r.valid) {
        let captured_text = match &received_copy {
            Some(copy) => Some(copy.as_str()),
            None => (last.generation() == received).then(|| last.text()),
        };
        if let Some(captured_text) = captured_text {
            super::verify_repair::retry_reindented(captured_text, &mut checked, |doc| {
                check_document(doc, &store, args).0
            });
        }
    }
    drop(last);
    let Checked {
        reports,
        findings,
        duplicate_ids,
        source_name,
        security_headers,
    } = checked;
    let valid = !reports.is_empty()
        && reports.iter().all(|r| r.valid)
        && !findings.iter().any(|f| f.severity == Severity::Error);
    match args.format {
        Format::Json => {
            let json = VerifyJson {
                file: &source_name,
                valid,
                duplicate_ids,
                findings: &findings,
                security_headers: &security_headers,
                signatures: reports
                    .into_iter()
                    .map(|report| {
                        let key_source = report
                            .key
                            .as_ref()
                            .map(|k| format!("{}: {}", k.origin.describe(), k.description));
                        SignatureJson { report, key_source }
                    })
                    .collect(),
            };
            super::report_format::write_json_report(stdout, &json).map_err(stdout_error)?;
        }
        Format::Text => write_escaped(stdout, |out| {
            super::security_headers::write_header_reports(out, &security_headers, "")?;
            write_text(out, &source_name, &reports, &duplicate_ids)?;
            write_findings(out, &source_name, &findings)
        })
        .map_err(stdout_error)?,
    }
    Ok(if valid {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}

/// What one pass of verification found: signatures, receiver findings, duplicated ids.
pub(super) struct Checked {
    pub reports: Vec<SignatureReport>,
    pub findings: Vec<Finding>,
    pub duplicate_ids: Vec<String>,
    pub source_name: String,
    pub security_headers: Vec<SecurityHeaderReport>,
}

/// Verifies every signature of `doc`: the receiver's view of a SOAP message's Security
/// headers, and plain XML-DSig for the others.
/// Returns the document it ended with: the one given, or the receiver's last version of it.
fn check_document(doc: Document, store: &KeyStore, args: &VerifyArgs) -> (Checked, Document) {
    let ids = doc.id_index(&IdAttributes::with_extra(&args.id_attrs));
    // In a SOAP message the receiver checks what the Security headers hold, in their order
    // and with their token references, and judges what the signatures cover (wrapping,
    // unauthenticated keys); any other signature (an enveloped one over the whole envelope,
    // one inside the Body) is plain XML-DSig.
    let (security, is_soap): (Vec<Span>, bool) = match SoapEnvelope::read(&doc) {
        Ok(envelope) => (
            envelope.security.iter().map(|h| h.node.span()).collect(),
            true,
        ),
        Err(_) => (Vec::new(), false),
    };
    let in_security_header = |element: Node<'_>| {
        let span = element.span();
        security
            .iter()
            .any(|h: &Span| h.start <= span.start && span.end <= h.end)
    };
    let standalone: Vec<SignatureReport> = {
        let resolver = StandardResolver::new(&doc, &ids, store);
        let options = VerifyOptions::default();
        // The receiver verifies the signatures of SAML assertions outside the headers too.
        find_signatures(&doc)
            .filter(|element| !in_security_header(*element))
            .filter(|element| !(is_soap && is_embedded_assertion_signature(*element)))
            .map(|element| match SignatureElement::read(element) {
                Ok(signature) => {
                    verify_signature(&doc, &ids, &signature, &resolver, None, &options)
                }
                Err(malformed) => SignatureReport::malformed(element, &malformed.to_string()),
            })
            .collect()
    };
    let duplicate_ids: Vec<String> = ids
        .duplicates()
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    let source_name = doc.source_name().to_string();
    // A plain signature checked with a key the document carries is no identity either.
    let mut findings: Vec<Finding> =
        identity_findings(&doc, &standalone, store.supplies_certificates())
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
    // The receiver takes the document (it splices decrypted parts in).
    let (mut reports, security_headers, last) = if is_soap {
        let options = ProcessOptions {
            id_attributes: IdAttributes::with_extra(&args.id_attrs),
            transport_secured: args.transport_secured,
            actor: args.actor.clone(),
            ..ProcessOptions::default()
        };
        let receiver = super::ws_security::verify_as_receiver(doc, store, &options);
        findings.splice(0..0, receiver.findings);
        (
            receiver.signatures,
            receiver.security_headers,
            receiver.document,
        )
    } else {
        (Vec::new(), Vec::new(), doc)
    };
    reports.extend(standalone);
    let checked = Checked {
        reports,
        findings,
        duplicate_ids,
        source_name,
        security_headers,
    };
    (checked, last)
}

/// One line per receiver finding, most serious first, and the verdict they make.
fn write_findings(out: &mut dyn Write, file: &str, findings: &[Finding]) -> std::io::Result<()> {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in ordered {
        let severity = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let at = f
            .file_position(file)
            .map(|p| format!(" {}", crate::safe_text::one_line(&p)))
            .unwrap_or_default();
        writeln!(
            out,
            "{severity} [{}]{at}: {}",
            f.code,
            crate::safe_text::escape(&f.message)
        )?;
    }
    if errors > 0 {
        writeln!(out, "verdict: CHECKS FAILED: {errors} error finding(s)")?;
    }
    Ok(())
}

/// One line per signature and per reference, then a verdict. Everything taken from the
/// message (ids, URIs, paths, algorithm names, key descriptions, errors) is escaped.
pub fn write_text(
    out: &mut dyn Write,
    source_name: &str,
    reports: &[SignatureReport],
    duplicate_ids: &[String],
) -> std::io::Result<()> {
    if reports.is_empty() {
        writeln!(out, "{}: no ds:Signature found", one_line(source_name))?;
    }
    for (i, r) in reports.iter().enumerate() {
        let method = one_line(r.signature_method.name());
        writeln!(
            out,
            "signature {} {}at line {} ({method}, {}): {}",
            i + 1,
            r.id.as_deref()
                .map(|id| format!("{} ", one_line(id)))
                .unwrap_or_default(),
            r.line,
            one_line(&r.c14n_method),
            if r.valid { "VALID" } else { "INVALID" }
        )?;
        if let Some(k) = &r.key {
            writeln!(
                out,
                "  key: {} ({})",
                one_line(&k.description),
                k.origin.describe()
            )?;
            if let Some(chain) = &k.chain {
                writeln!(out, "  chain: {}", one_line(&chain.describe()))?;
            }
            if !k.proves_identity {
                writeln!(
                    out,
                    "  note: the key came from the message itself: integrity, not identity"
                )?;
            }
        }
        for reference in &r.references {
            let uri = reference
                .uri
                .as_deref()
                .map(|u| format!("\"{}\"", escape(u)))
                .unwrap_or_else(|| "(no URI)".into());
            let target = reference
                .target
                .as_ref()
                .map(|t| {
                    format!(
                        " -> {}{}",
                        one_line(t),
                        reference
                            .target_line
                            .map(|l| format!(" (line {l})"))
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            let transforms = if reference.transforms.is_empty() {
                String::new()
            } else {
                format!(" [{}]", one_line(&reference.transforms.join(", ")))
            };
            let verdict = if reference.valid {
                "ok".to_string()
            } else {
                format!(
                    "FAIL: {}",
                    one_line(reference.error.as_deref().unwrap_or("invalid"))
                )
            };
            writeln!(out, "  reference {uri}{target}{transforms}: {verdict}")?;
            if !reference.valid
                && let (Some(e), Some(c)) = (&reference.digest_expected, &reference.digest_computed)
            {
                writeln!(
                    out,
                    "    digest in message {}, computed {c} over {} canonical bytes",
                    one_line(e),
                    reference.canonical_length
                )?;
            }
            super::canonical_excerpt::write_canonical_excerpt(out, reference, "    ")?;
        }
        match r.signature_value_valid {
            Some(true) => writeln!(out, "  signature value: verifies")?,
            Some(false) => writeln!(out, "  signature value: DOES NOT VERIFY")?,
            None => writeln!(
                out,
                "  signature value: not checked: {}",
                one_line(r.error.as_deref().unwrap_or("unknown reason"))
            )?,
        }
    }
    if !duplicate_ids.is_empty() {
        writeln!(
            out,
            "warning: ids carried by several elements: {}",
            one_line(&duplicate_ids.join(", "))
        )?;
    }
    let valid = reports.iter().filter(|r| r.valid).count();
    writeln!(
        out,
        "verdict: {valid} of {} signatures valid",
        reports.len()
    )
}
