//! One short, stable name per algorithm, and the typed value a report keeps for an algorithm a
//! message states.
//!
//! Reports, checks and narratives print [`Algorithm::name`] (`rsa-sha256`, `aes256-gcm`,
//! `rsa-oaep`): the spelling of the URI's fragment, lower-case, so it reads the same in every
//! report and never has to be cut out of a URI at a call site. JSON keeps the URI (a
//! [`StatedAlgorithm`] serializes as the URI the message carried).

use std::fmt;

use serde::{Serialize, Serializer};

use super::algorithms::{
    BlockCipherAlgorithm, DigestAlgorithm, KeyDerivationAlgorithm, KeyTransportAlgorithm,
    KeyWrapAlgorithm, Mgf1Digest, SignatureAlgorithm, WsVersion,
};

impl DigestAlgorithm {
    /// The short stable name (`sha256`).
    pub fn name(&self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "sha1",
            DigestAlgorithm::Sha256 => "sha256",
            DigestAlgorithm::Sha384 => "sha384",
            DigestAlgorithm::Sha512 => "sha512",
        }
    }
}

impl SignatureAlgorithm {
    /// The short stable name (`rsa-sha256`, `hmac-sha1`).
    pub fn name(&self) -> &'static str {
        use DigestAlgorithm::*;
        match self {
            SignatureAlgorithm::Hmac(Sha1) => "hmac-sha1",
            SignatureAlgorithm::Hmac(Sha256) => "hmac-sha256",
            SignatureAlgorithm::Hmac(Sha384) => "hmac-sha384",
            SignatureAlgorithm::Hmac(Sha512) => "hmac-sha512",
            SignatureAlgorithm::Rsa(Sha1) => "rsa-sha1",
            SignatureAlgorithm::Rsa(Sha256) => "rsa-sha256",
            SignatureAlgorithm::Rsa(Sha384) => "rsa-sha384",
            SignatureAlgorithm::Rsa(Sha512) => "rsa-sha512",
        }
    }
}

impl KeyTransportAlgorithm {
    /// The short stable name (`rsa-oaep`, `rsa-oaep-mgf1p`, `rsa-1_5`).
    pub fn name(&self) -> &'static str {
        match self {
            KeyTransportAlgorithm::RsaOaepMgf1p => "rsa-oaep-mgf1p",
            KeyTransportAlgorithm::RsaOaep => "rsa-oaep",
            KeyTransportAlgorithm::Rsa15 => "rsa-1_5",
        }
    }
}

impl Mgf1Digest {
    /// The short stable name (`mgf1sha256`).
    pub fn name(&self) -> &'static str {
        match self {
            Mgf1Digest::Sha1 => "mgf1sha1",
            Mgf1Digest::Sha224 => "mgf1sha224",
            Mgf1Digest::Sha256 => "mgf1sha256",
            Mgf1Digest::Sha384 => "mgf1sha384",
            Mgf1Digest::Sha512 => "mgf1sha512",
        }
    }
}

impl BlockCipherAlgorithm {
    /// The short stable name (`aes256-gcm`, `tripledes-cbc`).
    pub fn name(&self) -> &'static str {
        match self {
            BlockCipherAlgorithm::Aes128Cbc => "aes128-cbc",
            BlockCipherAlgorithm::Aes192Cbc => "aes192-cbc",
            BlockCipherAlgorithm::Aes256Cbc => "aes256-cbc",
            BlockCipherAlgorithm::Aes128Gcm => "aes128-gcm",
            BlockCipherAlgorithm::Aes192Gcm => "aes192-gcm",
            BlockCipherAlgorithm::Aes256Gcm => "aes256-gcm",
            BlockCipherAlgorithm::TripleDesCbc => "tripledes-cbc",
        }
    }
}

impl KeyWrapAlgorithm {
    /// The short stable name (`kw-aes256`).
    pub fn name(&self) -> &'static str {
        match self {
            KeyWrapAlgorithm::Aes128 => "kw-aes128",
            KeyWrapAlgorithm::Aes192 => "kw-aes192",
            KeyWrapAlgorithm::Aes256 => "kw-aes256",
            KeyWrapAlgorithm::TripleDes => "kw-tripledes",
        }
    }
}

impl KeyDerivationAlgorithm {
    /// The short stable name: `p_sha1` for a DerivedKeyToken, `psha1` for a ComputedKey, with
    /// `-2005` for the February 2005 namespaces.
    pub fn name(&self) -> &'static str {
        match self {
            KeyDerivationAlgorithm::DerivedKeyPSha1(WsVersion::V1_3) => "p_sha1",
            KeyDerivationAlgorithm::DerivedKeyPSha1(WsVersion::Feb2005) => "p_sha1-2005",
            KeyDerivationAlgorithm::ComputedKeyPSha1(WsVersion::V1_3) => "psha1",
            KeyDerivationAlgorithm::ComputedKeyPSha1(WsVersion::Feb2005) => "psha1-2005",
        }
    }
}

/// Any algorithm this tool implements, whatever role it plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Digest(DigestAlgorithm),
    Signature(SignatureAlgorithm),
    KeyTransport(KeyTransportAlgorithm),
    Mgf1(Mgf1Digest),
    BlockCipher(BlockCipherAlgorithm),
    KeyWrap(KeyWrapAlgorithm),
    KeyDerivation(KeyDerivationAlgorithm),
}

impl Algorithm {
    /// The algorithm a URI names, in whatever role (`None` for a URI this tool does not
    /// implement or refuses).
    pub fn from_uri(uri: &str) -> Option<Algorithm> {
        DigestAlgorithm::from_uri(uri)
            .map(Algorithm::Digest)
            .or_else(|_| SignatureAlgorithm::from_uri(uri).map(Algorithm::Signature))
            .or_else(|_| KeyTransportAlgorithm::from_uri(uri).map(Algorithm::KeyTransport))
            .or_else(|_| Mgf1Digest::from_uri(uri).map(Algorithm::Mgf1))
            .or_else(|_| BlockCipherAlgorithm::from_uri(uri).map(Algorithm::BlockCipher))
            .or_else(|_| KeyWrapAlgorithm::from_uri(uri).map(Algorithm::KeyWrap))
            .or_else(|_| KeyDerivationAlgorithm::from_uri(uri).map(Algorithm::KeyDerivation))
            .ok()
    }

    pub fn uri(&self) -> &'static str {
        match self {
            Algorithm::Digest(a) => a.uri(),
            Algorithm::Signature(a) => a.uri(),
            Algorithm::KeyTransport(a) => a.uri(),
            Algorithm::Mgf1(a) => a.uri(),
            Algorithm::BlockCipher(a) => a.uri(),
            Algorithm::KeyWrap(a) => a.uri(),
            Algorithm::KeyDerivation(a) => a.uri(),
        }
    }

    /// The short stable name reports print.
    pub fn name(&self) -> &'static str {
        match self {
            Algorithm::Digest(a) => a.name(),
            Algorithm::Signature(a) => a.name(),
            Algorithm::KeyTransport(a) => a.name(),
            Algorithm::Mgf1(a) => a.name(),
            Algorithm::BlockCipher(a) => a.name(),
            Algorithm::KeyWrap(a) => a.name(),
            Algorithm::KeyDerivation(a) => a.name(),
        }
    }
}

/// An algorithm as a message stated it: one this tool knows, or the URI of one it does not
/// implement (kept so the report can say what was refused). Absent algorithms are
/// `Unknown("")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatedAlgorithm {
    Known(Algorithm),
    Unknown(String),
}

impl StatedAlgorithm {
    pub fn from_uri(uri: &str) -> StatedAlgorithm {
        match Algorithm::from_uri(uri) {
            Some(known) => StatedAlgorithm::Known(known),
            None => StatedAlgorithm::Unknown(uri.to_string()),
        }
    }

    /// No algorithm stated (a malformed element).
    pub fn absent() -> StatedAlgorithm {
        StatedAlgorithm::Unknown(String::new())
    }

    /// The URI as the message carried it.
    pub fn uri(&self) -> &str {
        match self {
            StatedAlgorithm::Known(a) => a.uri(),
            StatedAlgorithm::Unknown(uri) => uri,
        }
    }

    /// The short name for a known algorithm; for an unknown one, its URI as stated (from the
    /// input: escape it before showing it).
    pub fn name(&self) -> &str {
        match self {
            StatedAlgorithm::Known(a) => a.name(),
            StatedAlgorithm::Unknown(uri) => uri,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, StatedAlgorithm::Unknown(uri) if uri.is_empty())
    }
}

impl From<Algorithm> for StatedAlgorithm {
    fn from(known: Algorithm) -> StatedAlgorithm {
        StatedAlgorithm::Known(known)
    }
}

/// Prints the name (unknown URIs unescaped: callers showing it escape).
impl fmt::Display for StatedAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// JSON keeps the URI the message carried, as before the values were typed.
impl Serialize for StatedAlgorithm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.uri())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::algorithms::uri;

    #[test]
    fn every_known_uri_has_the_name_of_its_fragment() {
        for u in [
            uri::SHA1,
            uri::SHA256,
            uri::SHA512,
            uri::RSA_SHA256,
            uri::HMAC_SHA1,
            uri::RSA_OAEP,
            uri::RSA_OAEP_MGF1P,
            uri::RSA_1_5,
            uri::AES256_GCM,
            uri::AES128_CBC,
            uri::TRIPLEDES_CBC,
            uri::KW_AES256,
            uri::MGF1_SHA256,
        ] {
            let known = Algorithm::from_uri(u).expect(u);
            assert_eq!(known.uri(), u);
            assert_eq!(known.name(), u.rsplit('#').next().unwrap());
        }
        assert_eq!(Algorithm::from_uri(uri::DK_PSHA1).unwrap().name(), "p_sha1");
        assert_eq!(
            Algorithm::from_uri(uri::CK_PSHA1_2005_02).unwrap().name(),
            "psha1-2005"
        );
    }

    #[test]
    fn an_unknown_algorithm_keeps_its_uri_and_serializes_as_it() {
        let md5 = StatedAlgorithm::from_uri(uri::MD5);
        assert_eq!(md5, StatedAlgorithm::Unknown(uri::MD5.to_string()));
        assert_eq!(md5.name(), uri::MD5);
        let known = StatedAlgorithm::from_uri(uri::RSA_SHA256);
        assert_eq!(known.to_string(), "rsa-sha256");
        assert_eq!(
            serde_json::to_string(&known).unwrap(),
            format!("\"{}\"", uri::RSA_SHA256)
        );
        assert!(StatedAlgorithm::absent().is_absent());
    }
}
