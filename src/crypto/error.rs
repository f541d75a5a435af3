//! The one error type of the crypto layer.
//!
//! Variants name what went wrong in words a report can show. None of them carries key bytes,
//! and the decryption failures are deliberately generic: saying *why* an RSA or CBC
//! decryption failed is what padding-oracle attacks feed on.

use openssl::error::ErrorStack;
use thiserror::Error;

/// Everything the crypto layer can refuse or fail at.
#[derive(Debug, Error)]
pub enum CryptoError {
    /// The algorithm URI is unknown, or known and deliberately refused (MD5, DSA, ECDSA).
    #[error("unsupported algorithm: {uri}")]
    UnsupportedAlgorithm { uri: String },

    /// HMACOutputLength asks for a MAC shorter than XML-DSig 1.1 allows (CVE-2009-0217).
    #[error("HMAC truncated to {bits} bits refused: the minimum is {minimum} bits")]
    HmacTruncationRefused { bits: u32, minimum: u32 },

    /// HMACOutputLength is longer than the hash or not a whole number of bytes.
    #[error("HMACOutputLength {bits} is invalid for a {hash_bits}-bit hash")]
    HmacOutputLengthInvalid { bits: u32, hash_bits: u32 },

    /// RSA key transport could not recover a key. Generic on purpose.
    #[error(
        "key transport decryption failed: the EncryptedKey is damaged or was made for another key"
    )]
    KeyTransportFailed,

    /// RSA-OAEP recovered a key (the padding held) of a length the data algorithm cannot use.
    /// Only said once the padding checked out, so it tells an attacker nothing new.
    #[error(
        "the EncryptedKey opened but holds a {actual}-byte key where the data algorithm needs {expected} bytes"
    )]
    TransportedKeyLength { expected: usize, actual: usize },

    /// Symmetric decryption (e.g. an AES-GCM tag) failed. Generic on purpose.
    #[error("decryption failed")]
    DecryptionFailed,

    /// The XML Encryption padding of a CBC plaintext is impossible.
    #[error("bad block cipher padding")]
    BadPadding,

    /// The RFC 3394 / RFC 3217 integrity check of a wrapped key failed.
    #[error("key unwrap integrity check failed (wrong key-encryption key or tampered data)")]
    KeyWrapIntegrity,

    /// The key is of the wrong kind for the operation (e.g. an EC key for RSA-OAEP).
    #[error("wrong key type: expected {expected}, found {found}")]
    WrongKeyType {
        expected: &'static str,
        found: String,
    },

    /// A symmetric key has the wrong length for its algorithm.
    #[error("{algorithm} needs a {expected}-byte key, got {actual} bytes")]
    InvalidKeyLength {
        algorithm: &'static str,
        expected: usize,
        actual: usize,
    },

    /// Ciphertext that cannot be valid whatever the key (too short, not whole blocks).
    #[error("malformed ciphertext: {reason}")]
    MalformedCiphertext { reason: String },

    /// A parameter is out of range (derivation length, key size, message too long, ...).
    #[error("invalid {what}: {reason}")]
    InvalidParameter { what: &'static str, reason: String },

    /// A key or certificate file could not be read or parsed.
    #[error("cannot load key material from {source_name}: {reason}")]
    KeyLoad { source_name: String, reason: String },

    /// The password of an encrypted key or PKCS#12 bundle is wrong.
    #[error("wrong password for {source_name}")]
    WrongPassword { source_name: String },

    /// The key material is encrypted and no password was given.
    #[error("{source_name} is encrypted: a password is needed")]
    PasswordRequired { source_name: String },

    /// A legacy PKCS#12 bundle needs OpenSSL's legacy provider, which could not be loaded.
    #[error(
        "{source_name} uses legacy PKCS#12 algorithms (RC2/3DES) and OpenSSL's legacy provider is not available: {reason}"
    )]
    LegacyProviderUnavailable { source_name: String, reason: String },

    /// No supplied key matches what the message asks for.
    #[error("no matching key: {selector}")]
    NoMatchingKey { selector: String },

    /// Several different supplied keys match; using one would be a guess.
    #[error("ambiguous key reference: {selector} matches {candidates}")]
    AmbiguousKey {
        selector: String,
        candidates: String,
    },

    /// A secret given on the command line (`hex:`, `base64:`, `file:`, text) is unusable.
    /// The reason never repeats the value.
    #[error("bad {kind} secret: {reason}")]
    BadSecretSpec { kind: &'static str, reason: String },

    /// An OpenSSL call failed for a reason not covered above.
    #[error("OpenSSL error: {0}")]
    Openssl(#[from] ErrorStack),
}
