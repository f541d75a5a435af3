//! OpenSSL's legacy provider, loaded at most once per process and only when needed.
//!
//! OpenSSL 3 moved RC2 and other old ciphers into the "legacy" provider; PKCS#12 files made
//! by older tools (`.pfx` with RC2-40 certificate bags) cannot be opened without it.
//! It is loaded with `try_load(.., retain_fallbacks = true)`: a plain `Provider::load` would
//! switch off the implicitly loaded default provider and break SHA-256 and everything else.

use std::sync::OnceLock;

use openssl::provider::Provider;

static LEGACY: OnceLock<Result<Provider, String>> = OnceLock::new();

/// Makes sure the legacy provider is loaded (idempotent). The error is the reason it could
/// not be, e.g. when the system's OpenSSL was built without `legacy.so`.
pub fn ensure_legacy_provider() -> Result<(), String> {
    let loaded = LEGACY.get_or_init(|| {
        Provider::try_load(None, "legacy", true).map_err(|e| super::keys::openssl_reason(&e))
    });
    match loaded {
        Ok(_) => Ok(()),
        Err(reason) => Err(reason.clone()),
    }
}

/// Whether the legacy provider has been loaded successfully so far.
pub fn legacy_provider_loaded() -> bool {
    matches!(LEGACY.get(), Some(Ok(_)))
}
