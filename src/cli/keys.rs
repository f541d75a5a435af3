//! The KEYS options shared by verify, decrypt, inspect and export, and the key store they build.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use crate::bounded_read::{BoundedReadError, read_limited};
use crate::crypto::{KeyStore, SecretSpec};

#[derive(Debug, Clone, Default, Args)]
pub struct KeyArgs {
    /// A private key: PEM or DER (PKCS#1, PKCS#8, encrypted PKCS#8) or a PKCS#12 bundle (.p12/.pfx).
    /// Repeatable.
    #[arg(long = "key", value_name = "PATH")]
    pub keys: Vec<PathBuf>,
    /// Password for encrypted keys and PKCS#12 bundles given with --key. It shows in `ps` and
    /// in shell history: prefer --password-file or the WSKEX_PASSWORD environment variable.
    #[arg(long, value_name = "P", conflicts_with = "password_file")]
    pub password: Option<String>,
    /// Read the password for --key from this file (its first line; a final line break is not
    /// part of it). Without --password or --password-file, WSKEX_PASSWORD is used when set.
    #[arg(long, value_name = "PATH")]
    pub password_file: Option<PathBuf>,
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
    /// A symmetric key bound to a name: the ds:KeyName it answers to and, in a SOAP message, the
    /// token whose wsc:Identifier or wsu:Id is NAME. NAME=V, V as for --hmac-secret. Repeatable.
    #[arg(long = "key-name", value_name = "NAME=V")]
    pub key_names: Vec<String>,
}

impl KeyArgs {
    /// Loads everything given into a key store. Errors name the option and the file, never a
    /// secret value.
    pub fn load(&self) -> Result<KeyStore, CliError> {
        crate::crypto::init();
        let mut store = KeyStore::new();
        let password = self.password()?;
        for path in &self.keys {
            store
                .add_key_file(path, password.as_deref())
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

impl KeyArgs {
    /// The password for --key: --password, else the first line of --password-file, else
    /// WSKEX_PASSWORD. Errors name the file, never the password.
    fn password(&self) -> Result<Option<String>, CliError> {
        if let Some(password) = &self.password {
            return Ok(Some(password.clone()));
        }
        if let Some(path) = &self.password_file {
            return read_password_file(path).map(Some);
        }
        match std::env::var(PASSWORD_VARIABLE) {
            Ok(password) => Ok(Some(password)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(CliError::Usage(format!(
                "{PASSWORD_VARIABLE} is not valid UTF-8"
            ))),
        }
    }
}

/// `--ca`: trust anchors, for the commands that judge who signed (verify, inspect, export);
/// decrypt has no use for them, so they are not among the KEYS every command takes.
#[derive(Debug, Clone, Default, Args)]
pub struct TrustArgs {
    /// A trust anchor (PEM or DER CA certificate; a PEM file may hold several). A certificate
    /// the message carries then proves who signed only when its chain reaches one. Repeatable.
    #[arg(long = "ca", value_name = "PATH")]
    pub cas: Vec<PathBuf>,
}

impl TrustArgs {
    /// Adds the anchors to `store`; errors name the option and the file.
    pub fn add_to(&self, store: &mut KeyStore) -> Result<(), CliError> {
        for path in &self.cas {
            store
                .add_ca_file(path)
                .map_err(|e| CliError::Input(format!("--ca {}: {e}", path.display())))?;
        }
        Ok(())
    }
}

/// The environment variable a password for --key may come from.
pub const PASSWORD_VARIABLE: &str = "WSKEX_PASSWORD";

/// Largest password file read: a password is a line, not a document.
const MAX_PASSWORD_FILE_BYTES: u64 = 64 * 1024;

fn read_password_file(path: &Path) -> Result<String, CliError> {
    let shown = || format!("--password-file {}", path.display());
    let mut file = std::fs::File::open(path).map_err(|source| CliError::Io {
        path: shown(),
        source,
    })?;
    let bytes = read_limited(&mut file, MAX_PASSWORD_FILE_BYTES).map_err(|e| match e {
        BoundedReadError::Io(source) => CliError::Io {
            path: shown(),
            source,
        },
        _ => CliError::Input(format!(
            "{}: larger than {MAX_PASSWORD_FILE_BYTES} bytes, not a password file",
            shown()
        )),
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::Input(format!("{}: not valid UTF-8", shown())))?;
    let first_line = text.split('\n').next().unwrap_or("");
    Ok(first_line
        .strip_suffix('\r')
        .unwrap_or(first_line)
        .to_string())
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
