//! Algorithm identifiers: each XML Security algorithm URI maps to one small enum value.
//!
//! Parsing a URI is the single place where an algorithm is accepted or refused; everything
//! below works on the typed value, so an unknown or refused algorithm (MD5, DSA, ECDSA, ...)
//! can never reach OpenSSL by accident.

use openssl::hash::MessageDigest;
use openssl::md::{Md, MdRef};

use super::error::CryptoError;

fn unsupported(uri: &str) -> CryptoError {
    CryptoError::UnsupportedAlgorithm {
        uri: uri.to_string(),
    }
}

/// Digest URIs (XML-DSig, XML-Enc, xmldsig-more).
pub mod uri {
    pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
    pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
    pub const SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    pub const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
    /// Known and refused: MD5 is broken.
    pub const MD5: &str = "http://www.w3.org/2001/04/xmldsig-more#md5";

    pub const HMAC_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#hmac-sha1";
    pub const HMAC_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
    pub const HMAC_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha384";
    pub const HMAC_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512";
    pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    pub const RSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    pub const RSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";

    pub const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    pub const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
    pub const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";

    pub const MGF1_SHA1: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
    pub const MGF1_SHA224: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha224";
    pub const MGF1_SHA256: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha256";
    pub const MGF1_SHA384: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha384";
    pub const MGF1_SHA512: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha512";

    pub const AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    pub const AES192_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes192-cbc";
    pub const AES256_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
    pub const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
    pub const AES192_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes192-gcm";
    pub const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
    pub const TRIPLEDES_CBC: &str = "http://www.w3.org/2001/04/xmlenc#tripledes-cbc";

    pub const KW_AES128: &str = "http://www.w3.org/2001/04/xmlenc#kw-aes128";
    pub const KW_AES192: &str = "http://www.w3.org/2001/04/xmlenc#kw-aes192";
    pub const KW_AES256: &str = "http://www.w3.org/2001/04/xmlenc#kw-aes256";
    pub const KW_TRIPLEDES: &str = "http://www.w3.org/2001/04/xmlenc#kw-tripledes";

    /// DerivedKeyToken algorithm, WS-SecureConversation 1.3/1.4.
    pub const DK_PSHA1: &str =
        "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/dk/p_sha1";
    /// DerivedKeyToken algorithm, WS-SecureConversation February 2005 (WCF default).
    pub const DK_PSHA1_2005_02: &str = "http://schemas.xmlsoap.org/ws/2005/02/sc/dk/p_sha1";
    /// ComputedKey algorithm, WS-Trust 1.3/1.4.
    pub const CK_PSHA1: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1";
    /// ComputedKey algorithm, WS-Trust February 2005.
    pub const CK_PSHA1_2005_02: &str = "http://schemas.xmlsoap.org/ws/2005/02/trust/CK/PSHA1";
}

/// A message digest usable in `ds:DigestMethod`, HMAC, RSA signatures and OAEP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    /// Parses a DigestMethod URI. MD5 and anything unknown are refused.
    pub fn from_uri(uri: &str) -> Result<Self, CryptoError> {
        match uri {
            uri::SHA1 => Ok(DigestAlgorithm::Sha1),
            uri::SHA256 => Ok(DigestAlgorithm::Sha256),
            uri::SHA384 => Ok(DigestAlgorithm::Sha384),
            uri::SHA512 => Ok(DigestAlgorithm::Sha512),
            other => Err(unsupported(other)),
        }
    }

    /// The DigestMethod URI.
    pub fn uri(&self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => uri::SHA1,
            DigestAlgorithm::Sha256 => uri::SHA256,
            DigestAlgorithm::Sha384 => uri::SHA384,
            DigestAlgorithm::Sha512 => uri::SHA512,
        }
    }

    /// A human name for sentences ("SHA-256"); reports print [`Self::name`].
    pub fn label(&self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "SHA-1",
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// Output length in bytes.
    pub fn output_len(&self) -> usize {
        match self {
            DigestAlgorithm::Sha1 => 20,
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        }
    }

    pub(crate) fn message_digest(&self) -> MessageDigest {
        match self {
            DigestAlgorithm::Sha1 => MessageDigest::sha1(),
            DigestAlgorithm::Sha256 => MessageDigest::sha256(),
            DigestAlgorithm::Sha384 => MessageDigest::sha384(),
            DigestAlgorithm::Sha512 => MessageDigest::sha512(),
        }
    }

    pub(crate) fn md(&self) -> &'static MdRef {
        match self {
            DigestAlgorithm::Sha1 => Md::sha1(),
            DigestAlgorithm::Sha256 => Md::sha256(),
            DigestAlgorithm::Sha384 => Md::sha384(),
            DigestAlgorithm::Sha512 => Md::sha512(),
        }
    }
}

/// A `ds:SignatureMethod`: HMAC (shared key) or RSA PKCS#1 v1.5 (key pair).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    Hmac(DigestAlgorithm),
    Rsa(DigestAlgorithm),
}

impl SignatureAlgorithm {
    /// Parses a SignatureMethod URI. DSA, ECDSA, MD5-based and unknown methods are refused.
    pub fn from_uri(uri: &str) -> Result<Self, CryptoError> {
        use DigestAlgorithm::*;
        match uri {
            uri::HMAC_SHA1 => Ok(SignatureAlgorithm::Hmac(Sha1)),
            uri::HMAC_SHA256 => Ok(SignatureAlgorithm::Hmac(Sha256)),
            uri::HMAC_SHA384 => Ok(SignatureAlgorithm::Hmac(Sha384)),
            uri::HMAC_SHA512 => Ok(SignatureAlgorithm::Hmac(Sha512)),
            uri::RSA_SHA1 => Ok(SignatureAlgorithm::Rsa(Sha1)),
            uri::RSA_SHA256 => Ok(SignatureAlgorithm::Rsa(Sha256)),
            uri::RSA_SHA384 => Ok(SignatureAlgorithm::Rsa(Sha384)),
            uri::RSA_SHA512 => Ok(SignatureAlgorithm::Rsa(Sha512)),
            other => Err(unsupported(other)),
        }
    }

    /// The SignatureMethod URI.
    pub fn uri(&self) -> &'static str {
        use DigestAlgorithm::*;
        match self {
            SignatureAlgorithm::Hmac(Sha1) => uri::HMAC_SHA1,
            SignatureAlgorithm::Hmac(Sha256) => uri::HMAC_SHA256,
            SignatureAlgorithm::Hmac(Sha384) => uri::HMAC_SHA384,
            SignatureAlgorithm::Hmac(Sha512) => uri::HMAC_SHA512,
            SignatureAlgorithm::Rsa(Sha1) => uri::RSA_SHA1,
            SignatureAlgorithm::Rsa(Sha256) => uri::RSA_SHA256,
            SignatureAlgorithm::Rsa(Sha384) => uri::RSA_SHA384,
            SignatureAlgorithm::Rsa(Sha512) => uri::RSA_SHA512,
        }
    }

    /// A human name for sentences ("HMAC-SHA1"); reports print [`Self::name`].
    pub fn label(&self) -> &'static str {
        use DigestAlgorithm::*;
        match self {
            SignatureAlgorithm::Hmac(Sha1) => "HMAC-SHA1",
            SignatureAlgorithm::Hmac(Sha256) => "HMAC-SHA256",
            SignatureAlgorithm::Hmac(Sha384) => "HMAC-SHA384",
            SignatureAlgorithm::Hmac(Sha512) => "HMAC-SHA512",
            SignatureAlgorithm::Rsa(Sha1) => "RSA-SHA1",
            SignatureAlgorithm::Rsa(Sha256) => "RSA-SHA256",
            SignatureAlgorithm::Rsa(Sha384) => "RSA-SHA384",
            SignatureAlgorithm::Rsa(Sha512) => "RSA-SHA512",
        }
    }

    /// The hash under the MAC or signature.
    pub fn digest(&self) -> DigestAlgorithm {
        match self {
            SignatureAlgorithm::Hmac(d) | SignatureAlgorithm::Rsa(d) => *d,
        }
    }
}

/// RSA key transport for `xenc:EncryptedKey`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyTransportAlgorithm {
    /// XML Encryption 1.0 RSA-OAEP: MGF1 with SHA-1 fixed; DigestMethod defaults to SHA-1.
    RsaOaepMgf1p,
    /// XML Encryption 1.1 RSA-OAEP: DigestMethod and MGF both selectable, SHA-1 by default.
    RsaOaep,
    /// RSA PKCS#1 v1.5: legacy and attackable (Bleichenbacher); supported to read captures.
    Rsa15,
}

impl KeyTransportAlgorithm {
    pub fn from_uri(uri: &str) -> Result<Self, CryptoError> {
        match uri {
            uri::RSA_OAEP_MGF1P => Ok(KeyTransportAlgorithm::RsaOaepMgf1p),
            uri::RSA_OAEP => Ok(KeyTransportAlgorithm::RsaOaep),
            uri::RSA_1_5 => Ok(KeyTransportAlgorithm::Rsa15),
            other => Err(unsupported(other)),
        }
    }

    pub fn uri(&self) -> &'static str {
        match self {
            KeyTransportAlgorithm::RsaOaepMgf1p => uri::RSA_OAEP_MGF1P,
            KeyTransportAlgorithm::RsaOaep => uri::RSA_OAEP,
            KeyTransportAlgorithm::Rsa15 => uri::RSA_1_5,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            KeyTransportAlgorithm::RsaOaepMgf1p => "RSA-OAEP-MGF1P",
            KeyTransportAlgorithm::RsaOaep => "RSA-OAEP",
            KeyTransportAlgorithm::Rsa15 => "RSA-PKCS1-v1_5",
        }
    }
}

/// The hash inside MGF1 (`xenc11:MGF Algorithm`). Separate from [`DigestAlgorithm`] because
/// XML Encryption 1.1 also names SHA-224 here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mgf1Digest {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Mgf1Digest {
    pub fn from_uri(uri: &str) -> Result<Self, CryptoError> {
        match uri {
            uri::MGF1_SHA1 => Ok(Mgf1Digest::Sha1),
            uri::MGF1_SHA224 => Ok(Mgf1Digest::Sha224),
            uri::MGF1_SHA256 => Ok(Mgf1Digest::Sha256),
            uri::MGF1_SHA384 => Ok(Mgf1Digest::Sha384),
            uri::MGF1_SHA512 => Ok(Mgf1Digest::Sha512),
            other => Err(unsupported(other)),
        }
    }

    pub fn uri(&self) -> &'static str {
        match self {
            Mgf1Digest::Sha1 => uri::MGF1_SHA1,
            Mgf1Digest::Sha224 => uri::MGF1_SHA224,
            Mgf1Digest::Sha256 => uri::MGF1_SHA256,
            Mgf1Digest::Sha384 => uri::MGF1_SHA384,
            Mgf1Digest::Sha512 => uri::MGF1_SHA512,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Mgf1Digest::Sha1 => "MGF1-SHA1",
            Mgf1Digest::Sha224 => "MGF1-SHA224",
            Mgf1Digest::Sha256 => "MGF1-SHA256",
            Mgf1Digest::Sha384 => "MGF1-SHA384",
            Mgf1Digest::Sha512 => "MGF1-SHA512",
        }
    }

    pub(crate) fn message_digest(&self) -> MessageDigest {
        match self {
            Mgf1Digest::Sha1 => MessageDigest::sha1(),
            Mgf1Digest::Sha224 => MessageDigest::sha224(),
            Mgf1Digest::Sha256 => MessageDigest::sha256(),
            Mgf1Digest::Sha384 => MessageDigest::sha384(),
            Mgf1Digest::Sha512 => MessageDigest::sha512(),
        }
    }
}

/// A block cipher for `xenc:EncryptedData` (and the rare block-cipher EncryptedKey).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockCipherAlgorithm {
    Aes128Cbc,
    Aes192Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes192Gcm,
    Aes256Gcm,
    TripleDesCbc,
}

impl BlockCipherAlgorithm {
    pub fn from_uri(uri: &str) -> Result<Self, CryptoError> {
        match uri {
            uri::AES128_CBC => Ok(BlockCipherAlgorithm::Aes128Cbc),
            uri::AES192_CBC => Ok(BlockCipherAlgorithm::Aes192Cbc),
            uri::AES256_CBC => Ok(BlockCipherAlgorithm::Aes256Cbc),
            uri::AES128_GCM => Ok(BlockCipherAlgorithm::Aes128Gcm),
            uri::AES192_GCM => Ok(BlockCipherAlgorithm::Aes192Gcm),
            uri::AES256_GCM => Ok(BlockCipherAlgorithm::Aes256Gcm),
            uri::TRIPLEDES_CBC => Ok(BlockCipherAlgorithm::TripleDesCbc),
            other => Err(unsupported(other)),
        }
    }

    pub fn uri(&self) -> &'static str {
        match self {
            BlockCipherAlgorithm::Aes128Cbc => uri::AES128_CBC,
            BlockCipherAlgorithm::Aes192Cbc => uri::AES192_CBC,
            BlockCipherAlgorithm::Aes256Cbc => uri::AES256_CBC,
            BlockCipherAlgorithm::Aes128Gcm => uri::AES128_GCM,
            BlockCipherAlgorithm::Aes192Gcm => uri::AES192_GCM,
            BlockCipherAlgorithm::Aes256Gcm => uri::AES256_GCM,
            BlockCipherAlgorithm::TripleDesCbc => uri::TRIPLEDES_CBC,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            BlockCipherAlgorithm::Aes128Cbc => "AES-128-CBC",
            BlockCipherAlgorithm::Aes192Cbc => "AES-192-CBC",
            BlockCipherAlgorithm::Aes256Cbc => "AES-256-CBC",
            BlockCipherAlgorithm::Aes128Gcm => "AES-128-GCM",
            BlockCipherAlgorithm::Aes192Gcm => "AES-192-GCM",
            BlockCipherAlgorithm::Aes256Gcm => "AES-256-GCM",
            BlockCipherAlgorithm::TripleDesCbc => "3DES-CBC",
        }
    }

    /// Key length in bytes.
    pub fn key_len(&self) -> usize {
        match self {
            BlockCipherAlgorithm::Aes128Cbc | BlockCipherAlgorithm::Aes128Gcm => 16,
            BlockCipherAlgorithm::Aes192Cbc | BlockCipherAlgorithm::Aes192Gcm => 24,
            BlockCipherAlgorithm::Aes256Cbc | BlockCipherAlgorithm::Aes256Gcm => 32,
            BlockCipherAlgorithm::TripleDesCbc => 24,
        }
    }

    /// Length of the IV that prefixes the ciphertext.
    pub fn iv_len(&self) -> usize {
        match self {
            BlockCipherAlgorithm::Aes128Cbc
            | BlockCipherAlgorithm::Aes192Cbc
            | BlockCipherAlgorithm::Aes256Cbc => 16,
            BlockCipherAlgorithm::Aes128Gcm
            | BlockCipherAlgorithm::Aes192Gcm
            | BlockCipherAlgorithm::Aes256Gcm => 12,
            BlockCipherAlgorithm::TripleDesCbc => 8,
        }
    }

    /// Cipher block size in bytes (the padding unit for CBC).
    pub fn block_size(&self) -> usize {
        match self {
            BlockCipherAlgorithm::TripleDesCbc => 8,
            _ => 16,
        }
    }

    /// True for the authenticated (GCM) modes.
    pub fn is_aead(&self) -> bool {
        matches!(
            self,
            BlockCipherAlgorithm::Aes128Gcm
                | BlockCipherAlgorithm::Aes192Gcm
                | BlockCipherAlgorithm::Aes256Gcm
        )
    }
}

/// Symmetric key wrap for `xenc:EncryptedKey` under a shared key-encryption key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyWrapAlgorithm {
    /// RFC 3394 AES key wrap with a 128-bit KEK.
    Aes128,
    /// RFC 3394 AES key wrap with a 192-bit KEK.
    Aes192,
    /// RFC 3394 AES key wrap with a 256-bit KEK.
    Aes256,
    /// RFC 3217 CMS Triple-DES key wrap with a 192-bit KEK.
    TripleDes,
}

impl KeyWrapAlgorithm {
    pub fn from_uri(uri: &str) -> Result<Self, CryptoError> {
        match uri {
            uri::KW_AES128 => Ok(KeyWrapAlgorithm::Aes128),
            uri::KW_AES192 => Ok(KeyWrapAlgorithm::Aes192),
            uri::KW_AES256 => Ok(KeyWrapAlgorithm::Aes256),
            uri::KW_TRIPLEDES => Ok(KeyWrapAlgorithm::TripleDes),
            other => Err(unsupported(other)),
        }
    }

    pub fn uri(&self) -> &'static str {
        match self {
            KeyWrapAlgorithm::Aes128 => uri::KW_AES128,
            KeyWrapAlgorithm::Aes192 => uri::KW_AES192,
            KeyWrapAlgorithm::Aes256 => uri::KW_AES256,
            KeyWrapAlgorithm::TripleDes => uri::KW_TRIPLEDES,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            KeyWrapAlgorithm::Aes128 => "AES-128 key wrap",
            KeyWrapAlgorithm::Aes192 => "AES-192 key wrap",
            KeyWrapAlgorithm::Aes256 => "AES-256 key wrap",
            KeyWrapAlgorithm::TripleDes => "3DES key wrap",
        }
    }

    /// Length of the key-encryption key in bytes.
    pub fn kek_len(&self) -> usize {
        match self {
            KeyWrapAlgorithm::Aes128 => 16,
            KeyWrapAlgorithm::Aes192 => 24,
            KeyWrapAlgorithm::Aes256 => 32,
            KeyWrapAlgorithm::TripleDes => 24,
        }
    }
}

/// Which generation of the WS-Trust / WS-SecureConversation namespaces a URI belongs to.
/// Real captures mix both, so both are accepted everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WsVersion {
    /// The February 2005 submissions (schemas.xmlsoap.org, WCF's default).
    Feb2005,
    /// The OASIS 1.3/1.4 standards (docs.oasis-open.org/ws-sx/.../200512).
    V1_3,
}

/// The P_SHA-1 key derivations of WS-SecureConversation (DerivedKeyToken) and WS-Trust
/// (ComputedKey). Both are the TLS 1.0 P_hash with HMAC-SHA1; they differ in what is the secret
/// and what is the seed (see [`crate::crypto::psha1`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyDerivationAlgorithm {
    /// `wsc:DerivedKeyToken/@Algorithm`.
    DerivedKeyPSha1(WsVersion),
    /// `wst:ComputedKey`.
    ComputedKeyPSha1(WsVersion),
}

impl KeyDerivationAlgorithm {
    pub fn from_uri(uri: &str) -> Result<Self, CryptoError> {
        match uri {
            uri::DK_PSHA1 => Ok(KeyDerivationAlgorithm::DerivedKeyPSha1(WsVersion::V1_3)),
            uri::DK_PSHA1_2005_02 => {
                Ok(KeyDerivationAlgorithm::DerivedKeyPSha1(WsVersion::Feb2005))
            }
            uri::CK_PSHA1 => Ok(KeyDerivationAlgorithm::ComputedKeyPSha1(WsVersion::V1_3)),
            uri::CK_PSHA1_2005_02 => {
                Ok(KeyDerivationAlgorithm::ComputedKeyPSha1(WsVersion::Feb2005))
            }
            other => Err(unsupported(other)),
        }
    }

    pub fn uri(&self) -> &'static str {
        match self {
            KeyDerivationAlgorithm::DerivedKeyPSha1(WsVersion::V1_3) => uri::DK_PSHA1,
            KeyDerivationAlgorithm::DerivedKeyPSha1(WsVersion::Feb2005) => uri::DK_PSHA1_2005_02,
            KeyDerivationAlgorithm::ComputedKeyPSha1(WsVersion::V1_3) => uri::CK_PSHA1,
            KeyDerivationAlgorithm::ComputedKeyPSha1(WsVersion::Feb2005) => uri::CK_PSHA1_2005_02,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_and_md5_is_refused() {
        for d in [
            DigestAlgorithm::Sha1,
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha384,
            DigestAlgorithm::Sha512,
        ] {
            assert_eq!(DigestAlgorithm::from_uri(d.uri()).unwrap(), d);
            assert_eq!(d.message_digest().size(), d.output_len());
        }
        match DigestAlgorithm::from_uri(uri::MD5) {
            Err(CryptoError::UnsupportedAlgorithm { uri }) => assert_eq!(uri, uri::MD5),
            other => panic!("MD5 must be refused, got {other:?}"),
        }
        assert!(DigestAlgorithm::from_uri("").is_err());
    }

    #[test]
    fn signatures_round_trip_and_dsa_ecdsa_are_refused() {
        let all = [
            uri::HMAC_SHA1,
            uri::HMAC_SHA256,
            uri::HMAC_SHA384,
            uri::HMAC_SHA512,
            uri::RSA_SHA1,
            uri::RSA_SHA256,
            uri::RSA_SHA384,
            uri::RSA_SHA512,
        ];
        for u in all {
            assert_eq!(SignatureAlgorithm::from_uri(u).unwrap().uri(), u);
        }
        assert_eq!(
            SignatureAlgorithm::from_uri(uri::RSA_SHA256).unwrap(),
            SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256)
        );
        for refused in [
            "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
            "http://www.w3.org/2009/xmldsig11#dsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
            "http://www.w3.org/2001/04/xmldsig-more#hmac-md5",
        ] {
            assert!(matches!(
                SignatureAlgorithm::from_uri(refused),
                Err(CryptoError::UnsupportedAlgorithm { .. })
            ));
        }
    }

    #[test]
    fn encryption_uris_round_trip() {
        for u in [uri::RSA_OAEP_MGF1P, uri::RSA_OAEP, uri::RSA_1_5] {
            assert_eq!(KeyTransportAlgorithm::from_uri(u).unwrap().uri(), u);
        }
        for u in [
            uri::MGF1_SHA1,
            uri::MGF1_SHA224,
            uri::MGF1_SHA256,
            uri::MGF1_SHA384,
            uri::MGF1_SHA512,
        ] {
            assert_eq!(Mgf1Digest::from_uri(u).unwrap().uri(), u);
        }
        for u in [
            uri::AES128_CBC,
            uri::AES192_CBC,
            uri::AES256_CBC,
            uri::AES128_GCM,
            uri::AES192_GCM,
            uri::AES256_GCM,
            uri::TRIPLEDES_CBC,
        ] {
            assert_eq!(BlockCipherAlgorithm::from_uri(u).unwrap().uri(), u);
        }
        assert_eq!(BlockCipherAlgorithm::Aes192Gcm.key_len(), 24);
        assert_eq!(BlockCipherAlgorithm::TripleDesCbc.iv_len(), 8);
        for u in [
            uri::KW_AES128,
            uri::KW_AES192,
            uri::KW_AES256,
            uri::KW_TRIPLEDES,
        ] {
            assert_eq!(KeyWrapAlgorithm::from_uri(u).unwrap().uri(), u);
        }
        for u in [
            uri::DK_PSHA1,
            uri::DK_PSHA1_2005_02,
            uri::CK_PSHA1,
            uri::CK_PSHA1_2005_02,
        ] {
            assert_eq!(KeyDerivationAlgorithm::from_uri(u).unwrap().uri(), u);
        }
    }
}
