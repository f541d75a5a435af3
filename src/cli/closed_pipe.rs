//! Standard output and standard error that a reader may close early (`wskex verify bad.xml |
//! head -c 10`): the first broken pipe is recorded and everything after it discarded, so the
//! command runs to its end and the exit code is still the run's own 0, 1 or 2.

use std::io::{self, ErrorKind, Write};

/// A writer that turns a broken pipe into silence for the rest of the run.
pub struct ClosedPipeTolerant<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosedPipeTolerant<W> {
    pub fn new(inner: W) -> ClosedPipeTolerant<W> {
        ClosedPipeTolerant {
            inner,
            closed: false,
        }
    }

    /// Whether the reader went away (and output has been discarded since).
    pub fn closed(&self) -> bool {
        self.closed
    }

    fn absorb(&mut self, result: io::Result<usize>, len: usize) -> io::Result<usize> {
        match result {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(len)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for ClosedPipeTolerant<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.absorb(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush().map(|()| 0);
        self.absorb(result, 0).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `room` bytes, then reports a broken pipe (or another error).
    struct Pipe {
        room: usize,
        written: Vec<u8>,
        failure: ErrorKind,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(self.failure.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_pipe_is_recorded_and_later_output_discarded() {
        let pipe = Pipe {
            room: 4,
            written: Vec::new(),
            failure: ErrorKind::BrokenPipe,
        };
        let mut out = ClosedPipeTolerant::new(pipe);
        write!(out, "verdict: 0 of 1 signatures valid").unwrap();
        writeln!(out, "more").unwrap();
        out.flush().unwrap();
        assert!(out.closed());
        assert_eq!(out.inner.written, b"verd");
    }

    #[test]
    fn other_write_errors_still_fail() {
        let pipe = Pipe {
            room: 0,
            written: Vec::new(),
            failure: ErrorKind::StorageFull,
        };
        let mut out = ClosedPipeTolerant::new(pipe);
        let err = write!(out, "x").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::StorageFull);
        assert!(!out.closed());
    }
}
