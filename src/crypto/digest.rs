//! Message digests for `ds:DigestValue`: one-shot, and streaming so canonical XML can be
//! written straight into the hash without buffering the whole output.

use std::io;

use openssl::hash::Hasher;

use super::algorithms::DigestAlgorithm;
use super::error::CryptoError;

/// The digest of `data`.
pub fn digest(algorithm: DigestAlgorithm, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    Ok(openssl::hash::hash(algorithm.message_digest(), data)?.to_vec())
}

/// A digest being computed; write the data with [`io::Write`], then call [`Digester::finish`].
pub struct Digester {
    algorithm: DigestAlgorithm,
    hasher: Hasher,
    written: u64,
}

impl Digester {
    pub fn new(algorithm: DigestAlgorithm) -> Result<Self, CryptoError> {
        Ok(Digester {
            algorithm,
            hasher: Hasher::new(algorithm.message_digest())?,
            written: 0,
        })
    }

    pub fn algorithm(&self) -> DigestAlgorithm {
        self.algorithm
    }

    /// How many bytes went in so far (reports show it next to the digest).
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Feeds `data` (same as `write_all`, without the `io::Result`).
    pub fn update(&mut self, data: &[u8]) -> Result<(), CryptoError> {
        self.hasher.update(data)?;
        self.written += data.len() as u64;
        Ok(())
    }

    /// The digest of everything written.
    pub fn finish(mut self) -> Result<Vec<u8>, CryptoError> {
        Ok(self.hasher.finish()?.to_vec())
    }
}

impl io::Write for Digester {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf).map_err(io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for Digester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Digester")
            .field("algorithm", &self.algorithm)
            .field("written", &self.written)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn known_answers() {
        // FIPS 180 "abc" vectors.
        let cases = [
            (
                DigestAlgorithm::Sha1,
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                DigestAlgorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                DigestAlgorithm::Sha384,
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
            ),
            (
                DigestAlgorithm::Sha512,
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
        ];
        for (alg, expected) in cases {
            assert_eq!(hex::encode(digest(alg, b"abc").unwrap()), expected);
        }
    }

    #[test]
    fn streaming_equals_one_shot() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7) as u8).collect();
        let mut d = Digester::new(DigestAlgorithm::Sha256).unwrap();
        for chunk in data.chunks(333) {
            d.write_all(chunk).unwrap();
        }
        assert_eq!(d.bytes_written(), data.len() as u64);
        assert_eq!(
            d.finish().unwrap(),
            digest(DigestAlgorithm::Sha256, &data).unwrap()
        );
    }
}
