//! Cryptography behind small typed enums keyed by algorithm URI.
//!
//! This layer knows nothing about XML: the signature and encryption layers parse the
//! algorithm URIs and key references out of the document and call in here with bytes.
//! One concept per file; every failure is a [`CryptoError`]; key bytes travel as
//! [`SecretBytes`], whose `Debug` output is redacted.

pub mod algorithm_names;
pub mod algorithms;
pub mod certificate;
pub mod chain;
pub mod cipher;
mod der;
pub mod digest;
pub mod dn;
pub mod error;
pub mod hmac;
pub mod key_store;
pub mod key_transport;
pub mod key_wrap;
pub mod keys;
pub mod named_certificate;
pub mod provider;
pub mod psha1;
pub mod random;
pub mod secret;
pub mod signature;

/// Optional start-up hook: initialises OpenSSL. Idempotent and cheap. The legacy provider
/// (old PKCS#12 files) is NOT loaded here: [`keys`] loads it once, the first time a file
/// actually needs it, so a system without it only fails on such files.
pub fn init() {
    openssl::init();
}

pub use algorithm_names::{Algorithm, StatedAlgorithm};
pub use algorithms::{
    BlockCipherAlgorithm, DigestAlgorithm, KeyDerivationAlgorithm, KeyTransportAlgorithm,
    KeyWrapAlgorithm, Mgf1Digest, SignatureAlgorithm, WsVersion,
};
pub use certificate::Certificate;
pub use error::CryptoError;
pub use key_store::{KeyMatch, KeySelector, KeyStore, SymmetricPurpose};
pub use key_transport::{KeyTransport, OaepParams};
pub use keys::{KeyMaterial, PrivateKey, PublicKey};
pub use random::{OsRandom, RandomSource, SeededRandom};
pub use secret::{SecretBytes, SecretSource, SecretSpec};

/// Access to the shared interoperability data (`../shared` next to the worktree).
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::PathBuf;

    /// `../shared` relative to the crate, if present. Absent: tests print "skipped" and pass,
    /// unless `WSKEX_REQUIRE_INTEROP=1`, where a missing directory fails the test.
    pub fn shared_dir() -> Option<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
        if dir.is_dir() {
            return Some(dir);
        }
        if std::env::var("WSKEX_REQUIRE_INTEROP").as_deref() == Ok("1") {
            panic!("../shared not found and WSKEX_REQUIRE_INTEROP=1");
        }
        println!("skipped: ../shared not found");
        None
    }

    /// The text of a file under `../shared`, or `None` (skipped) when the data is absent.
    pub fn shared_file(relative: &str) -> Option<String> {
        let path = shared_dir()?.join(relative);
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) => panic!("cannot read {}: {e}", path.display()),
        }
    }
}

/// Keys shared by the unit tests (RSA generation is slow, so each is made once).
#[cfg(test)]
pub(crate) mod test_keys {
    use std::sync::OnceLock;

    use openssl::ec::{EcGroup, EcKey};
    use openssl::nid::Nid;
    use openssl::pkey::{PKey, Private};
    use openssl::rsa::Rsa;

    pub fn rsa_2048() -> &'static PKey<Private> {
        static KEY: OnceLock<PKey<Private>> = OnceLock::new();
        KEY.get_or_init(|| PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap())
    }

    pub fn rsa_2048_other() -> &'static PKey<Private> {
        static KEY: OnceLock<PKey<Private>> = OnceLock::new();
        KEY.get_or_init(|| PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap())
    }

    pub fn ec_key() -> &'static PKey<Private> {
        static KEY: OnceLock<PKey<Private>> = OnceLock::new();
        KEY.get_or_init(|| {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
            PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
        })
    }
}
