//! The one way wskex reads an input it is to analyse (a capture for `inspect`, a document for
//! `verify`, `decrypt` and `c14n`, a file or standard input): at most [`MAX_INPUT_BYTES`], and
//! refused after its first block when that block cannot start XML, an HTTP message or MIME.

use std::io::Read;
use std::path::Path;

use super::error::{LoadError, LoadErrorKind};
use super::load::{Detected, detect};
use super::source::{Source, excerpt, line_at, trim_end};
use crate::bounded_read::{BoundedReadError, FIRST_BLOCK, StartCheck, read_bounded};

/// Largest input accepted, in bytes (the XML parser's limit too).
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Reads the file at `path`, named `name` in errors: refused before reading when its metadata
/// already says it is above the limit, and while reading whatever the metadata said (devices,
/// FIFOs and pipes report a size of 0).
pub fn read_input_file(path: &Path, name: &str) -> Result<Vec<u8>, LoadError> {
    let io_error = |source| LoadError::Io {
        path: name.to_string(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let meta = file.metadata().map_err(io_error)?;
    if meta.is_dir() {
        return Err(LoadError::IsDirectory {
            path: name.to_string(),
        });
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(LoadError::TooLarge {
            path: name.to_string(),
            size: meta.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    read_bounded(&mut file, MAX_INPUT_BYTES, meta.len(), |bytes, ended| {
        check_start(bytes, ended, name)
    })
    .map_err(|e| read_error(e, name))
}

/// Reads an input stream (standard input, a pipe, a device) named `name` in errors, at most
/// `limit` bytes.
pub fn read_input(reader: &mut dyn Read, name: &str, limit: u64) -> Result<Vec<u8>, LoadError> {
    read_bounded(reader, limit, 0, |bytes, ended| {
        check_start(bytes, ended, name)
    })
    .map_err(|e| read_error(e, name))
}

fn read_error(e: BoundedReadError<LoadError>, name: &str) -> LoadError {
    match e {
        BoundedReadError::Io(source) => LoadError::Io {
            path: name.to_string(),
            source,
        },
        BoundedReadError::TooLarge { limit } => LoadError::LimitExceeded {
            path: name.to_string(),
            limit,
        },
        BoundedReadError::Refused(error) => error,
    }
}

/// Whether what was read so far can start a message, with the error the loader would give for
/// the whole input when it cannot. White space alone decides nothing until the input ends (an
/// empty input is left to the reader of the bytes, which says what it expected).
fn check_start(bytes: &[u8], ended: bool, name: &str) -> StartCheck<LoadError> {
    match detect(bytes) {
        Detected::Empty if ended => StartCheck::Accept,
        Detected::Empty => StartCheck::NeedMore,
        Detected::Xml | Detected::Http(_) | Detected::Mime(_) => StartCheck::Accept,
        Detected::Unrecognized(start) => {
            let line = line_at(bytes, start);
            // A first line cut by the block boundary is looked at again once it is whole.
            if !ended && line.next == bytes.len() && line.end - line.start < FIRST_BLOCK {
                return StartCheck::NeedMore;
            }
            let found = excerpt(trim_end(line.content(bytes)), 40);
            let source = Source::new(name, bytes);
            StartCheck::Refuse(source.error(start, LoadErrorKind::Unrecognized { found }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], limit: u64) -> Result<Vec<u8>, LoadError> {
        read_input(&mut &bytes[..], "in.xml", limit)
    }

    #[test]
    fn messages_of_every_framing_are_read_whole() {
        for input in [
            &b"  <a/>"[..],
            b"\xEF\xBB\xBF<a/>",
            b"\xFF\xFE<\0a\0/\0>\0",
            b"POST /x HTTP/1.1\r\nHost: h\r\n\r\n<a/>",
            b"--b\r\n\r\n<a/>\r\n--b--",
            b"Content-Type: multipart/related; boundary=b\r\n\r\n--b",
            b"",
            b" \n",
        ] {
            assert_eq!(read(input, 1000).unwrap(), input);
        }
    }

    #[test]
    fn a_start_that_is_no_message_is_refused_with_its_position() {
        let err = read(b"\n{\"json\": 1}\n<a/>", 1000).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("in.xml:2:1: expected XML ('<')"),
            "{err}"
        );
        let zeros = vec![0u8; 3 * FIRST_BLOCK];
        let err = read(&zeros, 1 << 30).unwrap_err();
        assert!(matches!(
            err.kind(),
            Some(LoadErrorKind::Unrecognized { .. })
        ));
        assert!(!err.to_string().contains('\0'), "{err}");
    }

    #[test]
    fn the_limit_holds_for_streams() {
        let err = read(b"<a>0123456789</a>", 10).unwrap_err();
        assert!(matches!(err, LoadError::LimitExceeded { limit: 10, .. }));
        assert_eq!(
            err.to_string(),
            "in.xml: input is more than 10 bytes (the limit); stopped reading"
        );
    }
}
