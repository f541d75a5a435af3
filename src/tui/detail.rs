//! The detail overlay (Enter): everything the Step knows about the selected layer, reference,
//! key or check, as lines of text. What the Step does not carry yet (the canonical bytes and
//! the digest the receiver computed, issue 9) is said, not invented.

use crate::exchange::{Layer, LayerStatus, ProcessedView, SignatureLayer};
use crate::ns;
use crate::receive::keys::Provenance;
use crate::safe_text::one_line;
use crate::xml::Node;

use super::locate::LayerRowKind;
use super::session::Session;
use crate::exchange::locate::Finder;
use crate::exchange::recompute::{self, Recomputed};

/// How a line of a detail is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Heading,
    Text,
    /// Bytes from the message (already made safe to draw).
    Code,
    Pass,
    Fail,
    /// Something the Step does not carry.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailLine {
    pub kind: LineKind,
    pub text: String,
}

/// An open detail overlay.
#[derive(Debug, Clone)]
pub struct Detail {
    pub title: String,
    pub lines: Vec<DetailLine>,
    pub scroll: u16,
}

impl Detail {
    fn new(title: impl Into<String>) -> Detail {
        Detail {
            title: title.into(),
            lines: Vec::new(),
            scroll: 0,
        }
    }

    fn push(&mut self, kind: LineKind, text: impl Into<String>) {
        self.lines.push(DetailLine {
            kind,
            text: text.into(),
        });
    }

    fn field(&mut self, name: &str, value: &str) {
        self.push(LineKind::Text, format!("{name:<18}{}", one_line(value)));
    }

    fn status(&mut self, status: &LayerStatus) {
        match status {
            LayerStatus::Created => self.push(
                LineKind::Text,
                "status            created (not checked yet)",
            ),
            LayerStatus::Verified => self.push(LineKind::Pass, "status            ok: verified"),
            LayerStatus::Failed(why) => self.push(
                LineKind::Fail,
                format!("status            FAILED: {}", one_line(why)),
            ),
        }
    }
}

/// The detail of row `row` of the Layers pane at `step`.
pub fn layer_row(s: &Session, step: usize, row: usize) -> Option<Detail> {
    let kind = s.view(step).layer_rows.get(row)?.kind;
    let snapshot = &s.steps[step].snapshot;
    let text = snapshot.envelope.as_ref().map(|e| e.text.as_str());
    let finder = text.and_then(|t| Finder::parse(t, "envelope"));
    match kind {
        LayerRowKind::Signature { layer } => {
            let Layer::Signature(sig) = &snapshot.layers[layer] else {
                return None;
            };
            let mut d = Detail::new(format!("Signature {}", one_line(&sig.id)));
            d.field("method", &sig.method);
            d.field("key", &sig.key);
            d.status(&sig.status);
            d.push(LineKind::Heading, "References");
            for r in &sig.references {
                d.field(&one_line(&r.uri), &r.target);
            }
            if let Some(signed_info) = finder
                .as_ref()
                .and_then(|f| element_in(f, &sig.id, ns::DS, "SignedInfo"))
            {
                d.push(LineKind::Heading, "SignedInfo as received");
                code_lines(&mut d, signed_info.source_text());
            }
            key_choice(&mut d, sig);
            Some(d)
        }
        LayerRowKind::Reference { layer, reference } => {
            let Layer::Signature(sig) = &snapshot.layers[layer] else {
                return None;
            };
            let r = sig.references.get(reference)?;
            let mut d = Detail::new(format!(
                "Reference {} of {}",
                one_line(&r.uri),
                one_line(&sig.id)
            ));
            d.field("covers", &r.target);
            d.status(&r.status);
            let sig_node = finder
                .as_ref()
                .and_then(|f| Some((f, f.node_by_id(&sig.id)?)));
            match sig_node {
                Some((f, node)) => match recompute::reference(f.document(), node, &r.uri) {
                    Some(re) => recomputed_fields(&mut d, &re),
                    None => d.push(LineKind::Text, "(the signature could not be read)"),
                },
                _ => d.push(LineKind::Text, "(the signature is in an earlier message)"),
            }
            Some(d)
        }
        LayerRowKind::Encryption { layer } => {
            let Layer::Encryption(e) = &snapshot.layers[layer] else {
                return None;
            };
            let mut d = Detail::new(format!(
                "Encryption {}",
                one_line(
                    e.encrypted_key
                        .as_deref()
                        .or(e.encrypted_data.first().map(String::as_str))
                        .unwrap_or("")
                )
            ));
            d.field("of", &e.target);
            d.field("algorithm", &e.algorithm);
            d.field("key", &e.key);
            if let Some(t) = &e.key_transport {
                d.field("key transport", t);
            }
            if let Some(k) = &e.encrypted_key {
                d.field("EncryptedKey", k);
            }
            d.field("EncryptedData", &e.encrypted_data.join(", "));
            d.status(&e.status);
            plaintext(&mut d, snapshot.processed.as_ref(), &e.encrypted_data);
            Some(d)
        }
    }
}

/// Where the part's plaintext stands in the receiver's processed view (`v` shows it).
fn plaintext(d: &mut Detail, processed: Option<&ProcessedView>, data_ids: &[String]) {
    let Some(p) = processed else {
        d.push(
            LineKind::Missing,
            "plaintext         none at this step: no receiver decrypted anything here",
        );
        return;
    };
    let parts: Vec<_> = p
        .parts
        .iter()
        .filter(|part| part.id.as_ref().is_some_and(|id| data_ids.contains(id)))
        .collect();
    if parts.is_empty() {
        d.push(
            LineKind::Missing,
            "plaintext         not in this step's processed view (not opened here)",
        );
        return;
    }
    for part in parts {
        d.field(
            "plaintext",
            &format!(
                "processed view bytes {}..{} ({} bytes; v shows it)",
                part.span.start,
                part.span.end,
                part.span.len()
            ),
        );
        let text = &p.text[part.span.range()];
        let shown: String = text.chars().take(600).collect();
        d.push(LineKind::Code, one_line(&shown).into_owned());
    }
}

/// What the receiver verified the signature over and how it found the key (issue 10).
fn key_choice(d: &mut Detail, sig: &SignatureLayer) {
    match &sig.key_choice {
        Some(k) => {
            d.push(LineKind::Heading, "Key choice");
            d.field("key", &one_line(&k.name));
            d.field("origin", k.origin.describe());
            d.field("how", &one_line(&k.how));
            let proves = if k.proves_identity {
                "identity and integrity"
            } else {
                "integrity only (the key came with the message)"
            };
            d.field("proves", proves);
        }
        None => d.push(
            LineKind::Missing,
            "key choice        none yet: no receiver has verified this signature",
        ),
    }
    match &sig.canonical_signed_info {
        Some(c14n) => {
            d.push(
                LineKind::Heading,
                "Canonical SignedInfo (as the receiver verified it)",
            );
            code_lines(d, c14n);
        }
        None => d.push(
            LineKind::Missing,
            "canonical SignedInfo  none yet: no receiver has verified this signature",
        ),
    }
}

fn element_in<'d>(f: &'d Finder, id: &str, ns_uri: &str, local: &str) -> Option<Node<'d>> {
    f.node_by_id(id)?
        .descendants()
        .find(|n| n.has_name(ns_uri, local))
}

fn recomputed_fields(d: &mut Detail, re: &Recomputed) {
    d.push(LineKind::Heading, "Transforms");
    if re.transforms.is_empty() {
        d.push(LineKind::Text, "(none)");
    }
    for t in &re.transforms {
        d.push(LineKind::Code, one_line(t).into_owned());
    }
    d.field("digest method", &re.digest_method);
    d.field("stated digest", re.stated.as_deref().unwrap_or("(none)"));
    d.field(
        "computed digest",
        re.computed.as_deref().unwrap_or("(none)"),
    );
    if re.digests_match() {
        d.push(LineKind::Pass, "digests: ok, they match");
    } else {
        d.push(LineKind::Fail, "digests: FAILED, they differ");
    }
    if let Some(e) = &re.error {
        d.push(LineKind::Fail, format!("why: {}", one_line(e)));
    }
    d.push(
        LineKind::Heading,
        format!(
            "Canonical bytes ({} bytes, recomputed from this envelope)",
            re.canonical_length
        ),
    );
    match &re.canonical {
        Some(text) => code_lines(d, text),
        None => d.push(LineKind::Text, "(too long to show)"),
    }
}

fn code_lines(d: &mut Detail, text: &str) {
    for line in text.lines() {
        d.push(LineKind::Code, crate::safe_text::escape(line).into_owned());
    }
}

/// The detail of ledger key `index` at `step`: its derivation chain and who learned it when.
pub fn key(s: &Session, step: usize, index: usize, reveal: bool) -> Option<Detail> {
    let ledger = &s.steps[step].snapshot.ledger;
    let key = ledger.keys().get(index)?;
    let mut d = Detail::new(format!("Key {}", one_line(&key.name)));
    d.field("algorithm", &key.algorithm);
    d.field("bits", &key.length_bits().to_string());
    d.field("origin", key.provenance.origin());
    if let Some(t) = &key.token {
        d.field("token", t);
    }
    let value = if reveal {
        hex::encode(key.bytes.expose())
    } else {
        "(masked: r reveals)".to_string()
    };
    d.field("value", &value);
    d.push(LineKind::Heading, "Derivation chain");
    let mut seen = Vec::new();
    chain(&mut d, ledger, &key.name, 0, &mut seen);
    d.push(LineKind::Heading, "Who learned it");
    for (party, at) in s.learned_at(&key.name, step) {
        let title = &s.steps[at].title;
        d.push(
            LineKind::Text,
            format!("{party:<10} at step {}: {}", at + 1, one_line(title)),
        );
    }
    Some(d)
}

fn chain(
    d: &mut Detail,
    ledger: &crate::exchange::KeyLedger,
    name: &str,
    depth: usize,
    seen: &mut Vec<String>,
) {
    let indent = "  ".repeat(depth);
    let Some(key) = ledger.get(name) else {
        d.push(
            LineKind::Text,
            format!("{indent}{} (not in the ledger)", one_line(name)),
        );
        return;
    };
    if seen.iter().any(|s| s == name) {
        return;
    }
    seen.push(name.to_string());
    d.push(
        LineKind::Code,
        format!("{indent}{}", one_line(&key.describe())),
    );
    for input in inputs(&key.provenance) {
        d.push(LineKind::Text, format!("{indent}  {input}"));
    }
    for base in key.derived_from() {
        chain(d, ledger, &base, depth + 1, seen);
    }
}

/// The provenance's inputs, one per line.
fn inputs(p: &Provenance) -> Vec<String> {
    match p {
        Provenance::Derived {
            base,
            label,
            nonce,
            offset,
            length,
        } => vec![
            format!("base key  {}", one_line(base)),
            format!(
                "label     {}",
                label
                    .as_deref()
                    .map_or("(default)".into(), |l| one_line(l).into_owned())
            ),
            format!("nonce     {}", crate::xml::base64::encode(nonce)),
            format!("offset    {offset}"),
            format!("length    {length} bytes"),
        ],
        Provenance::Computed {
            requestor_entropy,
            issuer_entropy,
            key_size_bits,
        } => vec![
            format!("requestor entropy  {}", one_line(requestor_entropy)),
            format!("issuer entropy     {}", one_line(issuer_entropy)),
            format!("key size           {key_size_bits} bits"),
        ],
        Provenance::Unwrapped {
            encrypted_key,
            transport,
            with,
        } => vec![
            format!("EncryptedKey  {}", one_line(encrypted_key)),
            format!("transport     {}", one_line(transport)),
            format!("opened with   {}", one_line(with)),
        ],
        Provenance::Generated { by } => vec![format!("generated by  {}", one_line(by))],
        Provenance::Supplied { label } => vec![format!("supplied as   {}", one_line(label))],
        Provenance::ProofToken { source } => vec![format!("from          {}", one_line(source))],
    }
}

/// The detail of check `index` at `step`: its full reason.
pub fn check(s: &Session, step: usize, index: usize) -> Option<Detail> {
    let c = s.steps[step].snapshot.checks.get(index)?;
    let mut d = Detail::new(format!("Check {}", one_line(&c.name)));
    if c.ok {
        d.push(LineKind::Pass, "ok");
    } else {
        d.push(LineKind::Fail, "FAILED");
    }
    d.push(LineKind::Text, one_line(&c.reason).into_owned());
    d.push(
        LineKind::Missing,
        "the check's kind, spans and layer: not in the Step yet (issue 9); its bytes are found by the id it names",
    );
    Some(d)
}
