//! Entry points: files, directories and byte buffers to [`CapturedMessage`]s, in order.
//!
//! What a file holds is recognized from its first non-blank bytes: `<` is raw XML, an HTTP
//! start line is an HTTP dump (maybe several messages), `--boundary` or MIME headers are a
//! bare multipart. Files are read through [`super::read`], which bounds their size.

use std::path::{Path, PathBuf};

use super::content_type::{ContentType, MediaType};
use super::envelope::{extract, leading_space};
use super::error::{LoadError, LoadErrorKind};
use super::headers::{HeaderStyle, block_notes, parse_header_block};
use super::http::{is_start_line, load_http};
use super::message::{CapturedMessage, Framing, push_note};
use super::read::{MAX_INPUT_BYTES, read_input_file};
use super::source::{OffsetMap, Source, excerpt, is_space, line_at, trim_end};
use crate::safe_text::escape;
use crate::xml::SharedBytes;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Loads files in the order given; a directory stands for its files sorted by name (hidden
/// files and subdirectories skipped; FIFOs, devices and sockets skipped with a note on the
/// first message, since reading them could block or never end).
pub fn load_paths(paths: &[PathBuf]) -> Result<Vec<CapturedMessage>, LoadError> {
    let (files, skipped) = expand(paths)?;
    let mut messages = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let bytes = read_input_file(&file, &name)?;
        messages.extend(load_bytes(bytes, &name)?);
    }
    if let Some(first) = messages.first_mut() {
        for note in skipped {
            push_note(&mut first.notes, note);
        }
    }
    Ok(messages)
}

/// The files `load_paths` would read, in order.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    expand(paths).map(|(files, _)| files)
}

/// The files to read, and a note for each directory entry passed over as no regular file.
fn expand(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<String>), LoadError> {
    if paths.is_empty() {
        return Err(LoadError::NoInput);
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let io_error = |source| LoadError::Io {
            path: path.display().to_string(),
            source,
        };
        if std::fs::metadata(path).map_err(io_error)?.is_dir() {
            let before = files.len();
            files.extend(directory_files(path, &mut skipped)?);
            if files.len() == before {
                return Err(LoadError::EmptyDirectory {
                    path: path.display().to_string(),
                });
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok((files, skipped))
}

/// Files that sit next to captured messages but are not messages: key material, the keys.json
/// and README of a `wskex walk --out` folder, scripts. Named files are always read; in a
/// directory these are passed over, so a sample folder opens as the conversation it holds.
const NOT_MESSAGES: &[&str] = &[
    "pem", "key", "crt", "cer", "der", "p12", "pfx", "json", "md", "sh",
];

fn is_message_file(path: &Path) -> bool {
    !path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| NOT_MESSAGES.contains(&e.to_ascii_lowercase().as_str()))
}

/// A directory's visible regular files that may be messages (symbolic links followed),
/// sorted by name; what is neither a regular file nor a directory gets a note in `skipped`.
fn directory_files(dir: &Path, skipped: &mut Vec<String>) -> Result<Vec<PathBuf>, LoadError> {
    let io_error = |source| LoadError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let meta = std::fs::metadata(&path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_file() {
            if is_message_file(&path) {
                files.push(path);
            }
        } else if let Some(kind) = special_file_kind(&meta.file_type()) {
            skipped.push(format!(
                "skipped {}: {kind}, not a regular file",
                escape(&path.display().to_string())
            ));
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    skipped.sort();
    Ok(files)
}

/// What a directory entry that is neither a file nor a directory is, in words.
fn special_file_kind(file_type: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        Some("a FIFO")
    } else if file_type.is_char_device() {
        Some("a character device")
    } else if file_type.is_block_device() {
        Some("a block device")
    } else if file_type.is_socket() {
        Some("a socket")
    } else {
        None
    }
}

/// Loads the messages one file's bytes hold; `source_name` names it in messages and errors.
pub fn load_bytes(bytes: Vec<u8>, source_name: &str) -> Result<Vec<CapturedMessage>, LoadError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(LoadError::TooLarge {
            path: source_name.to_string(),
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    let src = Source::new(source_name, &bytes);
    let mut messages = match detect(&bytes) {
        Detected::Empty => return Err(src.error(0, LoadErrorKind::EmptyInput)),
        Detected::Xml => return Ok(vec![raw_xml(bytes, source_name)]),
        Detected::Http(start) => load_http(&src, start)?,
        Detected::Mime(start) => vec![load_mime(&src, start)?],
        Detected::Unrecognized(start) => {
            let found = excerpt(trim_end(line_at(&bytes, start).content(&bytes)), 40);
            return Err(src.error(start, LoadErrorKind::Unrecognized { found }));
        }
    };
    if messages.len() > 1 {
        for (i, message) in messages.iter_mut().enumerate() {
            message.source_name = format!("{source_name}#{}", i + 1);
        }
    }
    Ok(messages)
}

/// What a file holds, and where its content starts.
pub(super) enum Detected {
    Empty,
    Xml,
    Http(usize),
    Mime(usize),
    Unrecognized(usize),
}

pub(super) fn detect(bytes: &[u8]) -> Detected {
    // UTF-16 (with or without a byte order mark) can only be XML; the XML layer decodes it.
    if matches!(
        bytes,
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] | [b'<', 0, ..] | [0, b'<', ..]
    ) {
        return Detected::Xml;
    }
    let after_bom = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let Some(start) = bytes[after_bom..]
        .iter()
        .position(|&b| !is_space(b))
        .map(|i| after_bom + i)
    else {
        return Detected::Empty;
    };
    let first = trim_end(line_at(bytes, start).content(bytes));
    if first.starts_with(b"<") {
        Detected::Xml
    } else if is_start_line(first) {
        Detected::Http(start)
    } else if first.starts_with(b"--") || looks_like_header(first) {
        Detected::Mime(start)
    } else {
        Detected::Unrecognized(start)
    }
}

/// `Name: value` with a token name (MIME headers before a multipart body).
fn looks_like_header(line: &[u8]) -> bool {
    match memchr::memchr(b':', line) {
        Some(colon) if colon > 0 => line[..colon]
            .iter()
            .all(|&b| super::headers::is_token_char(b)),
        _ => false,
    }
}

/// The file is the envelope (less white space before it).
fn raw_xml(bytes: Vec<u8>, source_name: &str) -> CapturedMessage {
    let mut notes = Vec::new();
    let skip = leading_space(&bytes, &mut notes);
    let first_line = Source::new(source_name, &bytes).line(skip);
    // Usually the file is the envelope from its first byte: the bytes read become the shared
    // buffer as they are (a 50 MB capture is not copied on opening).
    let soap = if skip == 0 {
        SharedBytes::from(bytes)
    } else {
        SharedBytes::from(&bytes[skip..])
    };
    CapturedMessage {
        source_name: source_name.to_string(),
        file: source_name.to_string(),
        framing: Framing::RawXml,
        mime: None,
        soap,
        soap_offset: Some(skip),
        soap_first_line: first_line,
        attachments: Vec::new(),
        notes,
    }
}

/// A multipart without HTTP start line: MIME headers then the body, or the body directly.
fn load_mime(src: &Source, start: usize) -> Result<CapturedMessage, LoadError> {
    let bytes = src.bytes;
    let mut notes = Vec::new();
    let (headers, content_type, body_start) = if bytes[start..].starts_with(b"--") {
        (Vec::new(), None, start)
    } else {
        let block = parse_header_block(bytes, start, HeaderStyle::Strict("MIME"))
            .map_err(|f| src.error(f.offset, f.kind))?;
        block_notes(&block, "MIME", &mut notes);
        let Some(header) = block.get("Content-Type") else {
            let found = "no Content-Type header".to_string();
            return Err(src.error(start, LoadErrorKind::HeadersWithoutMultipart { found }));
        };
        let media = MediaType::parse(&header.value)
            .map_err(|e| src.error(header.offset, LoadErrorKind::MalformedContentType(e)))?;
        if !media.is_multipart() {
            let found = format!("Content-Type: {}", header.value);
            return Err(src.error(
                header.offset,
                LoadErrorKind::HeadersWithoutMultipart { found },
            ));
        }
        let content_type = ContentType {
            raw: Some(header.value.clone()),
            media,
            file_offset: header.offset,
        };
        (block.pairs(), Some(content_type), block.body_start)
    };
    let map = OffsetMap::Contiguous {
        file_start: body_start,
    };
    let envelope = extract(
        src,
        &bytes[body_start..],
        &map,
        content_type.as_ref(),
        &mut notes,
    )?;
    Ok(CapturedMessage {
        source_name: src.name.to_string(),
        file: src.name.to_string(),
        framing: Framing::Mime { headers },
        mime: envelope.mime,
        soap: envelope.soap.into(),
        soap_offset: envelope.soap_offset,
        soap_first_line: envelope.soap_first_line,
        attachments: envelope.attachments,
        notes,
    })
}
