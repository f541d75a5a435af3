//! Writing files without being turned against the user: every file wskex creates (decrypted
//! documents, `walk --out` folders, exports, TUI configuration and state) goes through here.
//!
//! A file is written to a new temporary file in the same directory (created exclusively, so
//! nothing planted there is followed) and renamed over the target, which replaces a directory
//! entry and never writes through it. A target that is a symbolic link is refused rather than
//! replaced: someone put it there, and the user should know. Secrets are created 0600.

use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::safe_text::escape;

/// Who may read the file once written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    /// Messages, certificates, reports: 0644 less the umask.
    Public,
    /// Private keys, key values, decrypted plaintext: 0600 (owner only), whatever the umask.
    Secret,
}

impl Privacy {
    /// The mode the file is created with (the umask may only take permissions away).
    pub fn mode(self) -> u32 {
        match self {
            Privacy::Public => 0o644,
            Privacy::Secret => 0o600,
        }
    }
}

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum SafeWriteError {
    #[error("{}: is a symbolic link; refusing to write through it", escape(&.path.display().to_string()))]
    SymbolicLink { path: PathBuf },
    #[error("{}: exists and is not a regular file; refusing to replace it", escape(&.path.display().to_string()))]
    NotRegularFile { path: PathBuf },
    #[error("{}: {source}", escape(&.path.display().to_string()))]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Writes `bytes` to `path`, replacing a regular file there atomically.
pub fn write_file(path: &Path, bytes: &[u8], privacy: Privacy) -> Result<(), SafeWriteError> {
    let io_error = |source| SafeWriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    check_target(path)?;
    let temp = temporary_path(path).ok_or_else(|| {
        io_error(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let written = write_new(&temp, bytes, privacy).and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(io_error(e));
    }
    Ok(())
}

/// Whether [`write_file`] would refuse `path` as it is now (a symbolic link, or something
/// other than a regular file): lets a command refuse before doing its work.
pub fn check_target(path: &Path) -> Result<(), SafeWriteError> {
    let io_error = |source| SafeWriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(SafeWriteError::SymbolicLink {
                path: path.to_path_buf(),
            });
        }
        Ok(meta) if !meta.is_file() => {
            return Err(SafeWriteError::NotRegularFile {
                path: path.to_path_buf(),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(e)),
    }
    Ok(())
}

/// Creates `path`, which must not exist (not even as a link), and writes `bytes` to it.
fn write_new(path: &Path, bytes: &[u8], privacy: Privacy) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(privacy.mode())
        .open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// A name next to `path` no one else uses: hidden, with the process id and a counter.
fn temporary_path(path: &Path) -> Option<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name()?;
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(
        ".{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    Some(path.with_file_name(temp))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn secrets_are_owner_only_and_files_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("alice.key.pem");
        write_file(&key, b"secret", Privacy::Secret).unwrap();
        assert_eq!(mode(&key), 0o600);
        assert_eq!(std::fs::read(&key).unwrap(), b"secret");
        // An existing world-readable file becomes a new owner-only one.
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_file(&key, b"new", Privacy::Secret).unwrap();
        assert_eq!(mode(&key), 0o600);
        assert_eq!(std::fs::read(&key).unwrap(), b"new");
        let public = dir.path().join("message.xml");
        write_file(&public, b"<a/>", Privacy::Public).unwrap();
        assert_eq!(mode(&public) & 0o600, 0o600);
        assert_eq!(mode(&public) & 0o077 & !0o044, 0);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no temporary file left behind");
    }

    #[test]
    fn a_planted_link_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let planted = dir.path().join("keys.json");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let err = write_file(&planted, b"{}", Privacy::Secret).unwrap_err();
        assert!(matches!(err, SafeWriteError::SymbolicLink { .. }), "{err}");
        assert!(
            err.to_string()
                .ends_with("is a symbolic link; refusing to write through it")
        );
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        // A dangling link (to a file the attacker wants created) is refused too.
        let dangling = dir.path().join("bob.key.pem");
        std::os::unix::fs::symlink(dir.path().join("created-elsewhere"), &dangling).unwrap();
        assert!(write_file(&dangling, b"k", Privacy::Secret).is_err());
        assert!(!dir.path().join("created-elsewhere").exists());
    }

    #[test]
    fn a_hard_link_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("input.xml");
        std::fs::write(&original, b"<input/>").unwrap();
        let linked = dir.path().join("out.xml");
        std::fs::hard_link(&original, &linked).unwrap();
        write_file(&linked, b"<plain/>", Privacy::Secret).unwrap();
        assert_eq!(std::fs::read(&original).unwrap(), b"<input/>");
        assert_eq!(std::fs::read(&linked).unwrap(), b"<plain/>");
    }

    #[test]
    fn directories_and_missing_parents_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_file(dir.path(), b"x", Privacy::Public).unwrap_err();
        assert!(
            matches!(err, SafeWriteError::NotRegularFile { .. }),
            "{err}"
        );
        let err = write_file(&dir.path().join("no/such/dir/f"), b"x", Privacy::Public).unwrap_err();
        assert!(matches!(err, SafeWriteError::Io { .. }), "{err}");
    }
}
