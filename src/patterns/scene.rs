//! The stage a walkthrough plays on: the parties and what each knows, a seeded random
//! generator and a fixed clock (so every run with the same seed is identical), the key
//! ledger, the layers, and the steps recorded so far. Receivers are the `inspect` processor:
//! each party keeps its own key store and token store across the messages it receives.

use std::collections::BTreeMap;

use crate::crypto::{KeyStore, RandomSource, SecretBytes, SeededRandom};
use crate::exchange::SharedText;
use crate::exchange::receipt::{ledger_namer, mark_layers, processed_view, receiver_checks};
use crate::exchange::step_spans::locate_spans;
use crate::exchange::{
    Check, CheckKind, Envelope, KeyLedger, Layer, LayerStatus, Party, ProcessedView, Snapshot,
    SpecRef, Step,
};
use crate::receive::keys::Provenance;
use crate::receive::resolver::NoAttachments;
use crate::receive::store::TokenStore;
use crate::receive::{ProcessOptions, ProcessedMessage, process_message};
use crate::wss::datetime::UtcDateTime;
use crate::xml::Document;

use super::PatternError;
use super::draft::{Draft, bst_xml, str_reference};
use super::parties::{certificate, private_key};
use crate::crypto::signature::SigningKey;
use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};
use crate::wss::uris;

/// 2026-12-01T09:00:00Z: the walkthroughs' clock starts here, whatever the day.
pub const CLOCK_START: i64 = 1_796_115_600;

/// A message one party sent another.
#[derive(Debug, Clone)]
pub struct SentMessage {
    pub index: usize,
    pub from: String,
    pub to: String,
    /// Shared with the steps that show this message.
    pub text: SharedText,
}

/// What a receiver held when a message arrived: enough to process that message again (an
/// edited copy, in the TUI) exactly as the walkthrough's receiver did.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The step the receiver's checks were recorded in.
    pub step: usize,
    pub party: String,
    /// The message's index among those sent.
    pub message: usize,
    pub keys: KeyStore,
    /// The receiver's memory just before this message.
    pub store: TokenStore,
    pub now: UtcDateTime,
}

impl Receipt {
    /// Processes `doc` as this receiver did the original message, on a copy of its memory.
    pub fn process(&self, doc: Document) -> ProcessedMessage {
        let mut store = self.store.clone();
        process_message(
            doc,
            self.message,
            &self.keys,
            &mut store,
            &receiver_options(self.now),
            &NoAttachments,
        )
    }
}

fn receiver_options(now: UtcDateTime) -> ProcessOptions {
    ProcessOptions {
        now: Some(now),
        ..ProcessOptions::default()
    }
}

/// What a party holds to receive messages.
struct ReceiverState {
    keys: KeyStore,
    store: TokenStore,
}

pub struct Scene {
    rng: SeededRandom,
    clock: i64,
    pub parties: Vec<Party>,
    pub ledger: KeyLedger,
    pub layers: Vec<Layer>,
    pending_checks: Vec<Check>,
    /// The last receiver's processed view, for the next step (when it decrypted anything).
    pending_processed: Option<ProcessedView>,
    pub steps: Vec<Step>,
    pub messages: Vec<SentMessage>,
    /// Every message a receiver processed, with what it held then.
    pub receipts: Vec<Receipt>,
    counters: BTreeMap<String, u32>,
    receivers: BTreeMap<String, ReceiverState>,
    /// The receiver's clock when the last message was received (later than `clock` for a
    /// replay), so checks made after processing judge time as the processor did.
    received_at: UtcDateTime,
}

impl Scene {
    /// A scene with these parties; each starts knowing only its own key pair.
    pub fn new(seed: u64, parties: Vec<Party>) -> Scene {
        let mut receivers = BTreeMap::new();
        for p in &parties {
            let mut keys = KeyStore::new();
            keys.add_private_key(private_key(p).clone());
            keys.add_certificate(certificate(p).clone());
            receivers.insert(
                p.name.clone(),
                ReceiverState {
                    keys,
                    store: TokenStore::default(),
                },
            );
        }
        Scene {
            rng: SeededRandom::new(seed),
            clock: CLOCK_START,
            parties,
            ledger: KeyLedger::default(),
            layers: Vec::new(),
            pending_checks: Vec::new(),
            pending_processed: None,
            steps: Vec::new(),
            messages: Vec::new(),
            receipts: Vec::new(),
            counters: BTreeMap::new(),
            receivers,
            received_at: UtcDateTime {
                unix_seconds: CLOCK_START,
                nanos: 0,
            },
        }
    }

    pub fn party(&self, name: &str) -> &Party {
        self.parties
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no party {name}"))
    }

    fn receiver(&mut self, name: &str) -> &mut ReceiverState {
        self.receivers
            .get_mut(name)
            .unwrap_or_else(|| panic!("no party {name}"))
    }

    /// `receiver` trusts `other`'s certificate (it was exchanged out of band).
    pub fn trust(&mut self, receiver: &str, other: &str) {
        let cert = certificate(self.party(other)).clone();
        self.receiver(receiver).keys.add_certificate(cert);
    }

    /// A secret `a` and `b` share out of band, known to both as `name` (a ds:KeyName).
    pub fn share_secret(&mut self, a: &str, b: &str, name: &str, secret: &SecretBytes) {
        for party in [a, b] {
            self.receiver(party).keys.add_named_secret(
                name,
                secret.clone(),
                &format!("{a} and {b} agreed beforehand"),
            );
        }
        self.ledger.add(
            name,
            secret.clone(),
            "HMAC-SHA256",
            Provenance::Supplied {
                label: format!("agreed by {a} and {b} beforehand"),
            },
            a,
        );
        self.ledger.learns(b, name);
    }

    /// The keys a party was given to receive messages with: its own key pair, the
    /// certificates it trusts, the secrets it shares (for checks of who holds what).
    pub fn key_store(&self, party: &str) -> Option<&KeyStore> {
        self.receivers.get(party).map(|r| &r.keys)
    }

    /// The token store a party keeps across the messages it receives (for keys it made
    /// itself and must recognise in replies).
    pub fn store_mut(&mut self, party: &str) -> &mut TokenStore {
        &mut self.receiver(party).store
    }

    /// `prefix-1`, `prefix-2`, ...: readable, and the same in every run.
    pub fn next_id(&mut self, prefix: &str) -> String {
        let n = self.counters.entry(prefix.to_string()).or_insert(0);
        *n += 1;
        format!("{prefix}-{n}")
    }

    pub fn rng(&mut self) -> &mut dyn RandomSource {
        &mut self.rng
    }

    pub fn random(&mut self, len: usize) -> SecretBytes {
        SecretBytes::new(self.rng.bytes(len))
    }

    /// A `urn:uuid:` made from the seeded generator.
    pub fn uuid(&mut self) -> String {
        let mut b = self.rng.bytes(16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        format!(
            "urn:uuid:{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }

    pub fn now(&self) -> UtcDateTime {
        UtcDateTime {
            unix_seconds: self.clock,
            nanos: 0,
        }
    }

    /// The receiver's clock when the last message arrived.
    pub fn received_at(&self) -> UtcDateTime {
        self.received_at
    }

    pub fn advance(&mut self, seconds: i64) {
        self.clock += seconds;
    }

    /// A wsu:Timestamp created now, expiring after `lifetime` seconds.
    pub fn timestamp_xml(&mut self, lifetime: i64) -> (String, String) {
        let id = self.next_id("TS");
        let created = self.now();
        let expires = UtcDateTime {
            unix_seconds: self.clock + lifetime,
            nanos: 0,
        };
        let xml = format!(
            "<wsu:Timestamp wsu:Id=\"{id}\"><wsu:Created>{created}</wsu:Created><wsu:Expires>{expires}</wsu:Expires></wsu:Timestamp>"
        );
        (id, xml)
    }

    /// Records a check for the next step.
    pub fn check(&mut self, check: Check) {
        self.pending_checks.push(check);
    }

    /// Records a step: the ledger and layers as they stand, the checks made since the last one.
    pub fn step(
        &mut self,
        actor: &str,
        title: &str,
        narrative: &str,
        spec: SpecRef,
        envelope: Option<Envelope>,
    ) {
        let mut snapshot = Snapshot {
            envelope,
            processed: self.pending_processed.take(),
            ledger: self.ledger.clone(),
            layers: self.layers.clone(),
            checks: std::mem::take(&mut self.pending_checks),
        };
        let number = self.steps.len() + 1;
        locate_spans(&mut snapshot, number);
        for key in snapshot.ledger.keys() {
            if let Some(step) = key.token_step {
                self.ledger.note_token_step(&key.name, step);
            }
        }
        self.steps.push(Step {
            actor: actor.to_string(),
            title: title.to_string(),
            narrative: narrative.to_string(),
            spec,
            snapshot,
        });
    }

    /// Sends a message; returns its index.
    pub fn send(&mut self, from: &str, to: &str, text: &SharedText) -> usize {
        let index = self.messages.len();
        self.messages.push(SentMessage {
            index,
            from: from.to_string(),
            to: to.to_string(),
            text: text.clone(),
        });
        index
    }

    /// `party` receives `text` with the `inspect` processor, its own keys and its memory of
    /// earlier messages, on its clock `now`. Its checks are recorded for the next step; the
    /// ledger learns which keys it now holds; layers it checked get their status.
    pub fn receive(
        &mut self,
        party: &str,
        text: &str,
        now: UtcDateTime,
    ) -> Result<ProcessedMessage, PatternError> {
        self.received_at = now;
        let doc = Document::parse_str(text, format!("message to {party}"))
            .map_err(|e| PatternError::Internal(e.to_string()))?;
        let index = self.messages.len().saturating_sub(1);
        let state = self
            .receivers
            .get_mut(party)
            .ok_or_else(|| PatternError::Internal(format!("no party {party}")))?;
        self.receipts.push(Receipt {
            step: self.steps.len(),
            party: party.to_string(),
            message: index,
            keys: state.keys.clone(),
            store: state.store.clone(),
            now,
        });
        let options = receiver_options(now);
        let processed = process_message(
            doc,
            index,
            &state.keys,
            &mut state.store,
            &options,
            &NoAttachments,
        );

        // Keys the receiver now holds: the ledger entry with the same bytes.
        let learned: Vec<SecretBytes> = processed
            .keys
            .iter()
            .map(|k| state.store.keyring.get(*k).bytes.clone())
            .collect();
        // EncryptedKeys it opened: their key-transport layers are now verified.
        let unwrapped: Vec<String> = processed
            .keys
            .iter()
            .filter_map(|k| match &state.store.keyring.get(*k).provenance {
                Provenance::Unwrapped { encrypted_key, .. } => Some(encrypted_key.clone()),
                _ => None,
            })
            .collect();
        for layer in &mut self.layers {
            if let Layer::Encryption(e) = layer
                && e.status == LayerStatus::Created
                && e.encrypted_key
                    .as_ref()
                    .is_some_and(|id| unwrapped.contains(id))
            {
                e.status = LayerStatus::Verified;
            }
        }
        let names: Vec<String> = self
            .ledger
            .keys()
            .iter()
            .filter(|k| learned.iter().any(|b| b.expose() == k.bytes.expose()))
            .map(|k| k.name.clone())
            .collect();
        for name in names {
            self.ledger.learns(party, &name);
        }
        // The receiver names keys its own way: its report speaks the ledger's names.
        mark_layers(&mut self.layers, &processed);
        let name_of = ledger_namer(&self.ledger, &state.store.keyring);
        let checks = receiver_checks(&processed, &self.layers, &name_of);
        self.pending_checks.extend(checks);
        self.pending_processed = processed_view(&processed);
        Ok(processed)
    }

    /// Withdraws the pending checks of `kind`: a later check of the same step answered them
    /// (a delegation token naming the certificate a message carries).
    pub fn withdraw_checks(&mut self, kind: CheckKind) {
        self.pending_checks.retain(|c| c.kind != kind);
    }

    /// True when every check recorded for the next step passed.
    pub fn pending_checks_pass(&self) -> bool {
        self.pending_checks.iter().all(|c| c.ok)
    }
}

impl Scene {
    /// Sends `text` from `from` to `to`; with a tamper action, the attacker's step comes
    /// first and the receiver gets the tampered bytes (on a later clock for a replay).
    /// Returns what the receiver processed; its checks wait for the caller's next step.
    pub fn deliver(
        &mut self,
        from: &str,
        to: &str,
        text: &SharedText,
        tamper: Option<super::Tamper>,
    ) -> Result<ProcessedMessage, PatternError> {
        let mut delivered = text.clone();
        let mut delay = 0;
        if let Some(t) = tamper {
            let recipient = certificate(self.party(to)).clone();
            let tampered = super::tamper::apply(t, text, &recipient, &mut self.rng)?;
            delay = tampered.delay;
            delivered = tampered.text.into();
            self.step(
                "mallory",
                &format!("Attack: {}", t.title()),
                &format!(
                    "{}. The receiver does not know; its checks must catch it.",
                    tampered.what
                ),
                SpecRef::new("WS-Security 1.1", "13 Security Considerations"),
                Some(Envelope {
                    from: from.to_string(),
                    to: to.to_string(),
                    text: delivered.clone(),
                    changed: tampered.changed,
                }),
            );
        }
        self.send(from, to, &delivered);
        let now = UtcDateTime {
            unix_seconds: self.clock + 2 + delay,
            nanos: 0,
        };
        self.receive(to, &delivered, now)
    }

    /// The envelope of the last message sent, for a receiver's step.
    pub fn last_envelope(&self) -> Option<Envelope> {
        self.messages.last().map(|m| Envelope {
            from: m.from.clone(),
            to: m.to.clone(),
            text: m.text.clone(),
            changed: Vec::new(),
        })
    }
}

/// A key a party derived from a ledger key, and the nonce to put in its DerivedKeyToken.
pub struct DerivedKey {
    pub key: SecretBytes,
    pub nonce: SecretBytes,
}

impl Scene {
    /// `holder` derives `length` bytes from the ledger key `base` with a fresh 16-byte nonce
    /// and the default label (P_SHA-1, WS-SecureConversation 7); the result joins the ledger
    /// as `name`, for `purpose`.
    pub fn derive_key(
        &mut self,
        holder: &str,
        base: &str,
        name: &str,
        length: usize,
        purpose: &str,
    ) -> Result<DerivedKey, PatternError> {
        let secret = self
            .ledger
            .get(base)
            .ok_or_else(|| PatternError::Internal(format!("no ledger key {base}")))?
            .bytes
            .clone();
        let nonce = self.random(16);
        let key =
            crate::crypto::psha1::derived_key(secret.expose(), None, nonce.expose(), 0, length)
                .map_err(|e| PatternError::Internal(e.to_string()))?;
        let provenance = Provenance::Derived {
            base: base.to_string(),
            label: None,
            nonce: nonce.expose().to_vec(),
            offset: 0,
            length,
        };
        self.ledger
            .add(name, key.clone(), purpose, provenance, holder);
        Ok(DerivedKey { key, nonce })
    }
}

/// True when a valid signature whose key proves identity (a certificate or secret the
/// receiver was given, not one the message carries) covers the reference `uri`.
pub fn signed_with_identity_over(processed: &ProcessedMessage, uri: &str) -> bool {
    processed.signatures.iter().any(|s| {
        s.valid
            && s.key.as_ref().is_some_and(|k| k.proves_identity)
            && s.references.iter().any(|r| r.uri.as_deref() == Some(uri))
    })
}

impl Scene {
    /// `signer` adds a Timestamp and its certificate (a BinarySecurityToken) and signs Body
    /// and Timestamp with RSA-SHA256; `body_what` says what the Body holds, for the layer.
    pub fn sign_body_and_timestamp(
        &mut self,
        draft: &mut Draft,
        signer: &str,
        body_id: &str,
        body_what: &str,
    ) -> Result<(), PatternError> {
        let (ts_id, ts) = self.timestamp_xml(300);
        let bst_id = self.next_id("X509");
        draft.prepend_security(&ts)?;
        draft.prepend_security(&bst_xml(&bst_id, certificate(self.party(signer)))?)?;
        self.sign_with_certificate(
            draft,
            signer,
            &bst_id,
            &[
                (&format!("#{body_id}"), body_what),
                (&format!("#{ts_id}"), "wsu:Timestamp"),
            ],
        )
    }

    /// `signer` signs `references` (URI, what it covers) with RSA-SHA256 under its own key,
    /// naming its certificate in the BinarySecurityToken `bst_id`; the layer joins the scene.
    pub fn sign_with_certificate(
        &mut self,
        draft: &mut Draft,
        signer: &str,
        bst_id: &str,
        references: &[(&str, &str)],
    ) -> Result<(), PatternError> {
        let sig_id = self.next_id("SIG");
        let key = private_key(self.party(signer)).pkey().to_owned();
        let uris: Vec<&str> = references.iter().map(|(uri, _)| *uri).collect();
        draft.sign(
            &sig_id,
            SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
            SigningKey::Rsa(&key),
            &uris,
            &str_reference(&format!("#{bst_id}"), Some(uris::X509V3)),
        )?;
        self.layers.push(Layer::signature_created(
            &sig_id,
            SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256).name(),
            &format!("{signer}'s certificate"),
            references,
        ));
        Ok(())
    }
}
