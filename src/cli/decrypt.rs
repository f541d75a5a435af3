//! `wskex decrypt`: open every EncryptedData of a document with the supplied keys and write
//! the document with the plaintext spliced back where each EncryptedData was.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::keys::KeyArgs;
use super::report_format::Format;
use super::{CliError, Outcome, read_input, stderr_error, stdout_error};
use crate::ns;
use crate::resolve::StandardResolver;
use crate::safe_text::{one_line, write_escaped};
use crate::safe_write::{self, Privacy};
use crate::xenc::{DecryptionReport, decrypt_document};
use crate::xml::{Document, IdAttributes};

#[derive(Debug, Args)]
#[command(
    about = "Decrypt every EncryptedData in a document",
    long_about = "Decrypt every xenc:EncryptedData in FILE with the keys you supply (the key comes from an \
                  embedded or detached EncryptedKey, a RetrievalMethod, a KeyName, or --aes-key). The \
                  document, with each decrypted element or content put back in place of its \
                  EncryptedData, goes to standard output or to -o OUT; a document that is one \
                  EncryptedData of octets gives the octets. The report goes to standard error; with \
                  --format json the JSON report goes to standard output instead and the document is \
                  written only with -o.\n\n\
                  Exit codes: 0 everything decrypted, 1 a decryption failed or nothing was encrypted, 2 \
                  usage error or malformed input.",
    // decrypt reads plain XML Encryption: no WS-Security tokens answer to a name here.
    mut_arg("key_names", |a| a.help(
        "A symmetric key bound to the ds:KeyName it answers to. NAME=V, V as for --hmac-secret. Repeatable"
    ))
)]
pub struct DecryptArgs {
    /// The encrypted XML document (`-` for standard input).
    pub file: String,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Write the decrypted document here instead of standard output: never over FILE, never
    /// through a symbolic link, owner-only (0600).
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Print the data keys in the report (hex).
    #[arg(long)]
    pub reveal_secrets: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Serialize)]
struct DecryptJson<'a> {
    file: &'a str,
    ok: bool,
    decrypted: &'a [DecryptionReport],
}

pub fn run(
    args: &DecryptArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Outcome, CliError> {
    if let Some(out) = &args.out
        && args.file != "-"
        && same_file(out, std::path::Path::new(&args.file))
    {
        return Err(CliError::Usage(format!(
            "-o {}: refusing to write over the input",
            out.display()
        )));
    }
    if let Some(out) = &args.out {
        safe_write::check_target(out)?;
    }
    let (bytes, name) = read_input(&args.file)?;
    let store = args.keys.load()?;
    let doc = Document::parse(bytes, name)?;
    let source_name = doc.source_name().to_string();
    let whole_document_encrypted = doc.root_element().has_name(ns::XENC, "EncryptedData");
    let result = if super::ws_security::is_ws_security_message(&doc) {
        super::ws_security::decrypt_as_receiver(doc, &store, args.reveal_secrets)
    } else {
        let ids = doc.id_index(&IdAttributes::default());
        let resolver = StandardResolver::new(&doc, &ids, &store);
        decrypt_document(&doc, &resolver, args.reveal_secrets)?
    };
    let ok = !result.reports.is_empty() && result.reports.iter().all(|r| r.ok);

    // What the decryption produced: octets when the document was one octet EncryptedData.
    let produced: Option<Vec<u8>> = if ok || result.reports.iter().any(|r| r.ok) {
        match (&result.octets[..], whole_document_encrypted) {
            ([(_, octets)], true) => Some(octets.clone()),
            _ => Some(result.document.text().as_bytes().to_vec()),
        }
    } else {
        None
    };
    match args.format {
        Format::Json => {
            let json = DecryptJson {
                file: &source_name,
                ok,
                decrypted: &result.reports,
            };
            super::report_format::write_json_report(stdout, &json).map_err(stdout_error)?;
            if let (Some(out), Some(bytes)) = (&args.out, &produced) {
                write_file(out, bytes)?;
            }
        }
        Format::Text => {
            write_escaped(stderr, |out| {
                write_report(out, &source_name, &result.reports)
            })
            .map_err(stderr_error)?;
            if let Some(bytes) = &produced {
                match &args.out {
                    Some(out) => write_file(out, bytes)?,
                    None => stdout.write_all(bytes).map_err(stdout_error)?,
                }
            }
        }
    }
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}

/// Whether two paths name the same file: same device and inode (so hard links and symlinks
/// count), or the same path when the output does not exist yet.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => a == b,
    }
}

/// The plaintext was encrypted for a reason: it is written owner-only, never through a link.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    Ok(safe_write::write_file(path, bytes, Privacy::Secret)?)
}

/// The report beside the document; every value taken from the message is escaped to one line.
fn write_report(
    out: &mut dyn Write,
    name: &str,
    reports: &[DecryptionReport],
) -> std::io::Result<()> {
    if reports.is_empty() {
        writeln!(out, "{}: no xenc:EncryptedData found", one_line(name))?;
    }
    for r in reports {
        let algorithm = one_line(r.algorithm.name());
        let id =
            r.id.as_deref()
                .map(|id| format!("{} ", one_line(id)))
                .unwrap_or_default();
        let data_type = one_line(&r.data_type);
        if r.ok {
            writeln!(
                out,
                "EncryptedData {id}at line {} ({data_type}, {algorithm}): decrypted, {} bytes",
                r.line,
                r.plaintext_length.unwrap_or(0)
            )?;
        } else {
            writeln!(
                out,
                "EncryptedData {id}at line {} ({data_type}, {algorithm}): FAILED: {}",
                r.line,
                one_line(r.error.as_deref().unwrap_or("unknown"))
            )?;
        }
        for step in &r.key_chain {
            writeln!(out, "  key: {}", one_line(step))?;
        }
        if let Some(hex) = &r.key_hex {
            writeln!(out, "  key value: {hex}")?;
        }
    }
    let ok = reports.iter().filter(|r| r.ok).count();
    writeln!(
        out,
        "verdict: {ok} of {} encrypted parts decrypted",
        reports.len()
    )
}
