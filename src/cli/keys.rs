//! The KEYS options shared by verify, decrypt, inspect and export, and the key store they build.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::crypto::{KeyStore, SecretSpec};

#[derive(Debug, Clone, Default, Args)]
pub struct KeyArgs {
    /// A private key: PEM or DER (PKCS#1, PKCS#8, encrypted PKCS#8) or a PKCS#12 bundle (.p12/.pfx).
    /// Repeatable.
    #[arg(long = "key", value_name = "PATH")]
    pub keys: Vec<PathBuf>,
    /// Password for encrypted keys and PKCS#12 bundles given with --key.
    #[arg(long, value_name = "P")]
    pub password: Option<String>,
    /// A certificate (PEM or DER; a PEM file may hold several) to verify with. Repeatable.
    #[arg(long = "cert", value_name = "PATH")]
    pub certs: Vec<PathBuf>,
    /// The HMAC secret for signatures that name no key: text, hex:..., base64:... or file:PATH.
    #[arg(long, value_name = "V")]
    pub hmac_secret: Option<String>,
    /// The AES (or 3DES) key or key-encryption key for data that names no key: text, hex:...,
    /// base64:... or file:PATH.
    #[arg(long, value_name = "V")]
    pub aes_key: Option<String>,
    /// A symmetric key bound to a name: the ds:KeyName it answers to (and, for inspect, a
    /// token's wsc:Identifier or wsu:Id). NAME=V, V as for --hmac-secret. Repeatable.
    #[arg(long = "key-name", value_name = "NAME=V")]
    pub key_names: Vec<String>,
}

impl KeyArgs {
    /// Loads everything given into a key store. Errors name the option and the file, never a
    /// secret value.
    pub fn load(&self) -> Result<KeyStore, CliError> {
        crate::crypto::init();
        let mut store = KeyStore::new();
        for path in &self.keys {
            store
                .add_key_file(path, self.password.as_deref())
                .map_err(|e| CliError::Input(format!("--key {}: {e}", path.display())))?;
        }
        for path in &self.certs {
            store
                .add_cert_file(path)
                .map_err(|e| CliError::Input(format!("--cert {}: {e}", path.display())))?;
        }
        if let Some(spec) = &self.hmac_secret {
            let secret = SecretSpec::parse(spec)
                .map_err(|e| CliError::Usage(format!("--hmac-secret: {e}")))?;
            store.set_default_hmac_secret(
                secret.bytes,
                &format!("--hmac-secret ({})", secret.source),
            );
        }
        if let Some(spec) = &self.aes_key {
            let secret =
                SecretSpec::parse(spec).map_err(|e| CliError::Usage(format!("--aes-key: {e}")))?;
            store.set_default_encryption_key(
                secret.bytes,
                &format!("--aes-key ({})", secret.source),
            );
        }
        for binding in &self.key_names {
            let (name, spec) = binding.split_once('=').ok_or_else(|| {
                CliError::Usage(format!(
                    "--key-name expects NAME=V, got {:?}",
                    redact_binding(binding)
                ))
            })?;
            let secret = SecretSpec::parse(spec)
                .map_err(|e| CliError::Usage(format!("--key-name {name}: {e}")))?;
            store.add_named_secret(
                name,
                secret.bytes,
                &format!("--key-name {name} ({})", secret.source),
            );
        }
        Ok(store)
    }
}

/// Shows the name part of a malformed binding without the value.
fn redact_binding(binding: &str) -> String {
    if binding.len() > 24 {
        format!(
            "{}...",
            &binding[..binding
                .char_indices()
                .nth(8)
                .map_or(binding.len(), |(i, _)| i)]
        )
    } else {
        binding.to_string()
    }
}
