//! An export checked before it is written: the conversation is processed, annotated, and the
//! annotated bytes processed again with the same keys; any verdict that differs refuses the
//! export. Shared by `wskex export`, `wskex walk --export` and the TUI's `x`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::audit::conversation::inspect_conversation;
use crate::audit::pattern::identify;
use crate::audit::{CapturedMessage, load_bytes};
use crate::crypto::KeyStore;
use crate::patterns::Walkthrough;
use crate::receive::ProcessOptions;
use crate::receive::store::Binding;
use crate::safe_text::escape;
use crate::safe_write::{Privacy, SafeWriteError, check_target, write_file};

use super::{ExportError, ExportOptions, ExportedFile, Verdict, export_conversation};

/// Annotated files whose verdicts were checked again, and the conversation's own verdict.
#[derive(Debug)]
pub struct Checked {
    pub files: Vec<ExportedFile>,
    pub ok: bool,
}

/// Why a checked export produced nothing.
#[derive(Debug, thiserror::Error)]
pub enum CheckedError {
    #[error("export refused: {}", escape(&.0.to_string()))]
    Refused(#[from] ExportError),
    /// An annotated or walkthrough message could not be read back as a message.
    #[error("export refused: {0}")]
    Unreadable(String),
}

/// Processes the conversation, annotates it, and checks the annotated bytes get the same
/// verdicts with the same keys, message by message (refused otherwise). `read` gives each
/// input file's bytes.
pub fn export_checked(
    messages: &[CapturedMessage],
    store: &KeyStore,
    bindings: Vec<Binding>,
    options: &ProcessOptions,
    reveal_secrets: bool,
    read: &dyn Fn(&str) -> std::io::Result<Vec<u8>>,
) -> Result<Checked, CheckedError> {
    let result = inspect_conversation(messages, store, bindings.clone(), options);
    let patterns = identify(&result.messages);
    let export_options = ExportOptions {
        id_attributes: &options.id_attributes,
        reveal_secrets,
    };
    let files = export_conversation(messages, &result, &patterns, &export_options, read)?;
    let mut again = Vec::new();
    for file in &files {
        again.extend(
            load_bytes(file.bytes.clone(), &file.file)
                .map_err(|e| CheckedError::Unreadable(e.to_string()))?,
        );
    }
    let recheck = inspect_conversation(&again, store, bindings, options);
    for (i, (before, after)) in result.messages.iter().zip(&recheck.messages).enumerate() {
        if let Some(detail) = Verdict::of(before).difference(&Verdict::of(after)) {
            return Err(ExportError::VerdictChanged {
                file: messages[i].file.clone(),
                message: i + 1,
                detail,
            }
            .into());
        }
    }
    Ok(Checked {
        files,
        ok: result.ok,
    })
}

/// A walkthrough as an auditor holding every party's key and every shared secret of the
/// ledger sees it: its messages named `NN-from-to.xml`, as `walk --out` names them.
#[derive(Debug, Clone)]
pub struct WalkAuditor {
    pub messages: Vec<CapturedMessage>,
    pub store: KeyStore,
    pub bindings: Vec<Binding>,
    texts: BTreeMap<String, Vec<u8>>,
}

impl WalkAuditor {
    pub fn of(w: &Walkthrough) -> Result<WalkAuditor, CheckedError> {
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
        let mut texts = BTreeMap::new();
        let mut messages = Vec::new();
        for m in &w.messages {
            let name = format!("{:02}-{}-{}.xml", m.index + 1, m.from, m.to);
            messages.extend(
                load_bytes(m.text.as_bytes().to_vec(), &name)
                    .map_err(|e| CheckedError::Unreadable(e.to_string()))?,
            );
            texts.insert(name, m.text.as_bytes().to_vec());
        }
        Ok(WalkAuditor {
            messages,
            store,
            bindings,
            texts,
        })
    }

    /// The bytes of message file `name` as the walkthrough wrote it.
    pub fn text(&self, name: &str) -> Option<&[u8]> {
        self.texts.get(name).map(Vec::as_slice)
    }

    /// The walkthrough's messages annotated and checked (key values masked unless `reveal`).
    pub fn export(&self, reveal_secrets: bool) -> Result<Checked, CheckedError> {
        let read = |name: &str| {
            self.texts
                .get(name)
                .cloned()
                .ok_or_else(|| std::io::Error::other("not a message of this walkthrough"))
        };
        export_checked(
            &self.messages,
            &self.store,
            self.bindings.clone(),
            &ProcessOptions::default(),
            reveal_secrets,
            &read,
        )
    }
}

/// Why the files cannot go where they were asked to.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{}: not a file name", escape(.0))]
    NotAFileName(String),
    #[error("export refused: two inputs are named {}; export them separately", escape(.0))]
    SameName(String),
    #[error("export refused: {} would overwrite its input", escape(.0))]
    OverwritesInput(String),
    #[error(transparent)]
    Unsafe(#[from] SafeWriteError),
}

/// Where each file goes: OUT/<its file name>. Two inputs with one name, an output that is an
/// input, or a target wskex would not write through are refused before any work is written.
pub fn targets(out: &Path, files: &[ExportedFile]) -> Result<Vec<PathBuf>, TargetError> {
    let mut names = BTreeSet::new();
    let mut targets = Vec::new();
    for file in files {
        let input = Path::new(&file.file);
        let name = input
            .file_name()
            .ok_or_else(|| TargetError::NotAFileName(file.file.clone()))?;
        if !names.insert(name.to_owned()) {
            return Err(TargetError::SameName(name.to_string_lossy().into_owned()));
        }
        let target = out.join(name);
        let same = match (std::fs::canonicalize(&target), std::fs::canonicalize(input)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(TargetError::OverwritesInput(target.display().to_string()));
        }
        if target.exists() || target.is_symlink() {
            check_target(&target)?;
        }
        targets.push(target);
    }
    Ok(targets)
}

/// Writes each file to its target with [`write_file`] (never through a symbolic link; 0600
/// when key values are revealed), creating `out` when missing.
pub fn write_all(
    out: &Path,
    files: &[ExportedFile],
    targets: &[PathBuf],
    reveal_secrets: bool,
) -> Result<(), SafeWriteError> {
    std::fs::create_dir_all(out).map_err(|source| SafeWriteError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let privacy = if reveal_secrets {
        Privacy::Secret
    } else {
        Privacy::Public
    };
    for (file, target) in files.iter().zip(targets) {
        write_file(target, &file.bytes, privacy)?;
    }
    Ok(())
}
