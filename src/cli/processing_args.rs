//! The options that say how captured messages are processed: keys, trust anchors, the
//! receiver's clock and tolerance, extra id attributes, custom labels, transport security, the
//! SOAP role played, the receiver's certificate, and whether key values are shown. `inspect` (and so `export`) and `tui FILE...` flatten this one
//! struct, so the TUI opens a capture exactly as `inspect` processes it and the two cannot drift.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::keys::{KeyArgs, TrustArgs};
use crate::crypto::keys::load_certificate_file;
use crate::crypto::{Certificate, KeyStore};
use crate::receive::ProcessOptions;
use crate::receive::clock::ClockSkew;
use crate::receive::store::Binding;
use crate::wss::datetime::UtcDateTime;
use crate::xml::IdAttributes;

#[derive(Debug, Clone, Args)]
pub struct ProcessingArgs {
    #[command(flatten)]
    pub keys: KeyArgs,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Label for DerivedKeyTokens that carry none, when the stack derived with a custom label.
    #[arg(long, value_name = "TEXT")]
    pub dk_label: Option<String>,
    /// The receiver's clock for Timestamp checks (xs:dateTime, e.g. 2026-11-28T12:00:00Z);
    /// without it the times are shown, not judged.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// How many seconds the sender's clock may differ from --now: Timestamp, wst:Lifetime and
    /// SAML Conditions are judged with that tolerance on both sides.
    #[arg(long = "clock-skew", value_name = "SECONDS", default_value_t = ClockSkew::DEFAULT_SECONDS)]
    pub clock_skew: u32,
    /// Also treat attributes with this name as ids ('Name' in any namespace, or '{ns}Name').
    #[arg(long = "id-attr", value_name = "NAME")]
    pub id_attrs: Vec<String>,
    /// Show key values (hex; in the TUI from the start, where r toggles them).
    #[arg(long)]
    pub reveal_secrets: bool,
    /// The messages travelled over authenticated TLS (WCF's TransportWithMessageCredential):
    /// an RSTR no signature covers is then a note instead of an error.
    #[arg(long)]
    pub transport_secured: bool,
    /// Play this SOAP role: process only the wsse:Security header addressed to URI (the other
    /// headers are reported unprocessed). By default every header but role none is processed.
    #[arg(long, value_name = "URI")]
    pub actor: Option<String>,
    /// The receiver's certificate (PEM or DER): an EncryptedKey in a Security header that
    /// names another certificate is an error (key-for-other-certificate). Every message given
    /// is judged as received by its holder.
    #[arg(long = "receiver-cert", value_name = "PATH")]
    pub receiver_cert: Option<PathBuf>,
}

impl Default for ProcessingArgs {
    fn default() -> Self {
        ProcessingArgs {
            keys: KeyArgs::default(),
            trust: TrustArgs::default(),
            dk_label: None,
            now: None,
            clock_skew: ClockSkew::DEFAULT_SECONDS,
            id_attrs: Vec::new(),
            reveal_secrets: false,
            transport_secured: false,
            actor: None,
            receiver_cert: None,
        }
    }
}

/// The receiver's clock from `--now` (xs:dateTime), when given.
fn receiver_clock(now: Option<&str>) -> Result<Option<UtcDateTime>, CliError> {
    now.map(|text| {
        UtcDateTime::parse(text)
            .map(|t| t.utc)
            .map_err(|e| CliError::Usage(format!("--now {text:?}: {}", e.0)))
    })
    .transpose()
}

impl ProcessingArgs {
    /// The keys, the secrets bound to token names and the receiver's settings.
    pub fn inputs(&self) -> Result<(KeyStore, Vec<Binding>, ProcessOptions), CliError> {
        let mut store = self.keys.load()?;
        self.trust.add_to(&mut store)?;
        let bindings = Binding::all_named(&store);
        let now = receiver_clock(self.now.as_deref())?;
        if let Some(now) = now {
            // Certificate chains are judged valid or expired at the receiver's clock too.
            store.trust_mut().set_time(now.unix_seconds);
        }
        let options = ProcessOptions {
            now,
            clock_skew: ClockSkew(self.clock_skew),
            dk_label: self.dk_label.clone(),
            id_attributes: IdAttributes::with_extra(&self.id_attrs),
            transport_secured: self.transport_secured,
            actor: self.actor.clone(),
            receiver_certificate: receiver_certificate(self.receiver_cert.as_deref())?,
        };
        Ok((store, bindings, options))
    }
}

/// The one certificate of `--receiver-cert`, when given.
fn receiver_certificate(path: Option<&Path>) -> Result<Option<Certificate>, CliError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let shown = crate::safe_text::one_line(&path.display().to_string()).into_owned();
    let mut certificates = load_certificate_file(path)
        .map_err(|e| CliError::Input(format!("--receiver-cert {shown}: {e}")))?;
    match certificates.len() {
        1 => Ok(certificates.pop()),
        n => Err(CliError::Usage(format!(
            "--receiver-cert {shown}: one certificate expected, the file holds {n}"
        ))),
    }
}
