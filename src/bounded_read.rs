//! Reading input with a size limit that holds for files, pipes, devices and standard input
//! alike, and with a look at the first block before going on.
//!
//! File metadata says 0 bytes for `/dev/zero`, a FIFO or a pipe, so a size check on metadata
//! alone lets an endless input grow memory without bound. Here the reading itself stops one
//! byte past the limit, and a caller's check of the first block can refuse an input that
//! cannot be what it expects (`/dev/zero` is refused after 64 KiB, not after a gigabyte).

use std::io::{self, Read};

/// How much is read before the caller's first look at the input.
pub const FIRST_BLOCK: usize = 64 * 1024;

/// What the caller's look at the input so far decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartCheck<E> {
    /// The input may be what the caller expects: read the rest.
    Accept,
    /// Nothing decisive yet (white space so far, say): read another block and look again.
    NeedMore,
    /// The input cannot be what the caller expects: stop reading.
    Refuse(E),
}

/// Why a bounded read stopped.
#[derive(Debug)]
pub enum BoundedReadError<E> {
    Io(io::Error),
    /// More than `limit` bytes arrived; reading stopped there.
    TooLarge {
        limit: u64,
    },
    /// The caller's check refused the start of the input.
    Refused(E),
}

/// Reads `reader` to its end, at most `limit` bytes. `check_start` is shown the bytes read so
/// far (the first [`FIRST_BLOCK`], or all of a shorter input; `true` when the input ended),
/// and again after each further block for as long as it answers [`StartCheck::NeedMore`].
/// `expected_len` (a file's size, 0 when unknown) only reserves memory up front.
pub fn read_bounded<E>(
    reader: &mut dyn Read,
    limit: u64,
    expected_len: u64,
    mut check_start: impl FnMut(&[u8], bool) -> StartCheck<E>,
) -> Result<Vec<u8>, BoundedReadError<E>> {
    let reserve = expected_len.min(limit).saturating_add(1);
    let mut bytes = crate::huge_pages::vec_with_capacity(usize::try_from(reserve).unwrap_or(0));
    let mut decided = false;
    let mut next_look = FIRST_BLOCK;
    loop {
        let want = next_look.saturating_sub(bytes.len()).max(FIRST_BLOCK) as u64;
        let room = (limit + 1).saturating_sub(bytes.len() as u64);
        let got = reader
            .take(want.min(room))
            .read_to_end(&mut bytes)
            .map_err(BoundedReadError::Io)?;
        let ended = got == 0 || (got as u64) < want.min(room);
        if bytes.len() as u64 > limit {
            return Err(BoundedReadError::TooLarge { limit });
        }
        if !decided && (bytes.len() >= next_look || ended) {
            match check_start(&bytes, ended) {
                StartCheck::Accept => decided = true,
                StartCheck::NeedMore => next_look = bytes.len() + FIRST_BLOCK,
                StartCheck::Refuse(e) => return Err(BoundedReadError::Refused(e)),
            }
        }
        if ended {
            return Ok(bytes);
        }
    }
}

/// Reads `reader` to its end, at most `limit` bytes, whatever it holds (key files, secrets).
pub fn read_limited(reader: &mut dyn Read, limit: u64) -> Result<Vec<u8>, BoundedReadError<()>> {
    read_bounded(reader, limit, 0, |_, _| StartCheck::Accept)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless source of one byte, as `/dev/zero` is of NUL.
    struct Endless(u8);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(self.0);
            Ok(buf.len())
        }
    }

    /// Counts what a reader handed out.
    struct Counting<R> {
        inner: R,
        handed_out: u64,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.handed_out += n as u64;
            Ok(n)
        }
    }

    fn starts_with_lt(bytes: &[u8], ended: bool) -> StartCheck<&'static str> {
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'<') => StartCheck::Accept,
            Some(_) => StartCheck::Refuse("not XML"),
            None if ended => StartCheck::Refuse("empty"),
            None => StartCheck::NeedMore,
        }
    }

    #[test]
    fn an_endless_input_stops_one_byte_past_the_limit() {
        let mut source = Counting {
            inner: Endless(b'<'),
            handed_out: 0,
        };
        let err = read_bounded(&mut source, 100_000, 0, starts_with_lt).unwrap_err();
        assert!(matches!(err, BoundedReadError::TooLarge { limit: 100_000 }));
        assert_eq!(source.handed_out, 100_001);
    }

    #[test]
    fn a_refused_start_stops_after_the_first_block() {
        let mut source = Counting {
            inner: Endless(0),
            handed_out: 0,
        };
        let err = read_bounded(&mut source, 1 << 30, 0, starts_with_lt).unwrap_err();
        assert!(matches!(err, BoundedReadError::Refused("not XML")));
        assert_eq!(source.handed_out, FIRST_BLOCK as u64);
    }

    #[test]
    fn white_space_is_read_block_by_block_until_something_decides() {
        let mut input = vec![b' '; 3 * FIRST_BLOCK + 7];
        input.extend_from_slice(b"<a/>");
        let mut looks = 0;
        let bytes = read_bounded(&mut input.as_slice(), 1 << 30, 0, |b, ended| {
            looks += 1;
            starts_with_lt(b, ended)
        })
        .unwrap();
        assert_eq!(bytes, input);
        assert_eq!(looks, 4);
        let err = read_bounded(&mut &b"  \n"[..], 10, 0, starts_with_lt).unwrap_err();
        assert!(matches!(err, BoundedReadError::Refused("empty")));
    }

    #[test]
    fn inputs_at_the_limit_pass_and_short_inputs_are_read_whole() {
        let input = vec![b'<'; 4096];
        assert_eq!(
            read_bounded(&mut input.as_slice(), 4096, 4096, starts_with_lt).unwrap(),
            input
        );
        let err = read_bounded(&mut input.as_slice(), 4095, 4096, starts_with_lt).unwrap_err();
        assert!(matches!(err, BoundedReadError::TooLarge { limit: 4095 }));
        assert_eq!(read_limited(&mut &b"abc"[..], 3).unwrap(), b"abc");
        assert_eq!(read_limited(&mut &b""[..], 3).unwrap(), b"");
    }
}
