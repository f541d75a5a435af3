//! `wskex derive`: the P_SHA-1 keys of a DerivedKeyToken or a WS-Trust ComputedKey, in hex.

use std::io::Write;

use clap::{Args, Subcommand};

use super::{CliError, Outcome, stdout_error};
use crate::crypto::SecretSpec;
use crate::crypto::psha1::{DEFAULT_DERIVED_KEY_LEN, computed_key, derived_key, generation_offset};
use crate::xml::base64;

#[derive(Debug, Args)]
#[command(
    about = "Compute P_SHA-1 keys (DerivedKeyToken, ComputedKey) and print them in hex",
    long_about = "Compute the key of a DerivedKeyToken (psha1) or of a WS-Trust ComputedKey (computed) with \
                  P_SHA-1, as WS-SecureConversation and WS-Trust define them, and print it in hex: a check \
                  of a stack's derivation without a message.\n\n\
                  Exit codes: 0 printed, 2 usage error or a value that does not decode."
)]
pub struct DeriveArgs {
    #[command(subcommand)]
    pub what: DeriveCommand,
}

#[derive(Debug, Subcommand)]
pub enum DeriveCommand {
    /// A DerivedKeyToken key: P_SHA-1(secret, label || nonce)[offset .. offset+length].
    Psha1(Psha1Args),
    /// A WS-Trust ComputedKey: P_SHA-1(requestor entropy, issuer entropy), KeySize bits.
    Computed(ComputedArgs),
}

#[derive(Debug, Args)]
pub struct Psha1Args {
    /// The base token's key: text, hex:..., base64:... or file:PATH.
    #[arg(long, value_name = "V")]
    pub secret: String,
    /// wsc:Label (default "WS-SecureConversationWS-SecureConversation").
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// wsc:Nonce, base64 as in the message.
    #[arg(long, value_name = "B64")]
    pub nonce: String,
    /// wsc:Offset in bytes (default 0).
    #[arg(long, value_name = "N", conflicts_with = "generation")]
    pub offset: Option<usize>,
    /// wsc:Generation: the offset is generation × length.
    #[arg(long, value_name = "N")]
    pub generation: Option<u64>,
    /// wsc:Length in bytes (default 32).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_DERIVED_KEY_LEN)]
    pub length: usize,
}

#[derive(Debug, Args)]
pub struct ComputedArgs {
    /// The requestor's wst:Entropy (BinarySecret), base64.
    #[arg(long, value_name = "B64")]
    pub requestor_entropy: String,
    /// The issuer's wst:Entropy (BinarySecret), base64.
    #[arg(long, value_name = "B64")]
    pub issuer_entropy: String,
    /// wst:KeySize in bits.
    #[arg(long, value_name = "BITS")]
    pub key_size: u32,
}

fn decode(what: &str, b64: &str) -> Result<Vec<u8>, CliError> {
    base64::decode(b64).map_err(|e| CliError::Usage(format!("--{what}: {e}")))
}

pub fn run(args: &DeriveArgs, stdout: &mut dyn Write) -> Result<Outcome, CliError> {
    let key = match &args.what {
        DeriveCommand::Psha1(a) => {
            let secret = SecretSpec::parse(&a.secret)
                .map_err(|e| CliError::Usage(format!("--secret: {e}")))?;
            let nonce = decode("nonce", &a.nonce)?;
            let offset = match a.generation {
                Some(g) => {
                    generation_offset(g, a.length).map_err(|e| CliError::Usage(e.to_string()))?
                }
                None => a.offset.unwrap_or(0),
            };
            derived_key(
                secret.bytes.expose(),
                a.label.as_deref().map(str::as_bytes),
                &nonce,
                offset,
                a.length,
            )
            .map_err(|e| CliError::Usage(e.to_string()))?
        }
        DeriveCommand::Computed(a) => {
            let requestor = decode("requestor-entropy", &a.requestor_entropy)?;
            let issuer = decode("issuer-entropy", &a.issuer_entropy)?;
            computed_key(&requestor, &issuer, a.key_size)
                .map_err(|e| CliError::Usage(e.to_string()))?
        }
    };
    writeln!(stdout, "{}", hex::encode(key.expose())).map_err(stdout_error)?;
    Ok(Outcome::Success)
}
