//! Which WS-Trust 1.4 key exchange pattern a conversation follows, with the evidence that
//! decided it.
//!
//! Each message is read (in the receiver's processed view, so an RST or RSTR that travelled
//! encrypted counts once it was opened) into a few structural facts: WS-Trust requests and
//! responses, what token and proof material they carry, EncryptedKeys in the Security header,
//! references by `EncryptedKeySHA1`, delegation tokens, and the order of the signature and the
//! encryption that protect the Body. The patterns are then rules over those facts; every match
//! says which messages it spans and why, and a conversation that matches none says what is
//! missing. Names and variants are spelled as `wskex walk --list` spells them.

use serde::Serialize;

use crate::crypto::DigestAlgorithm;
use crate::crypto::digest::digest;
use crate::delegation::{DLG, DelegationToken};
use crate::ns;
use crate::trust::proof_token::ProofToken;
use crate::trust::{RequestSecurityTokenResponse, TrustMessage, find_in_envelope};
use crate::wss::SoapEnvelope;
use crate::wss::header::HeaderItem;
use crate::xml::{Document, Node, base64};

use super::conversation::MessageResult;

/// The four patterns, and `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PatternName {
    Direct,
    Brokered,
    Delegated,
    RequestReply,
    Unknown,
}

impl PatternName {
    pub fn as_str(self) -> &'static str {
        match self {
            PatternName::Direct => "direct",
            PatternName::Brokered => "brokered",
            PatternName::Delegated => "delegated",
            PatternName::RequestReply => "request-reply",
            PatternName::Unknown => "unknown",
        }
    }
}

/// One pattern the conversation shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternMatch {
    pub name: PatternName,
    /// The variant, spelled as `wskex walk --list` does, where the evidence decides one.
    pub variant: Option<&'static str>,
    /// 1-based positions of the messages that take part.
    pub messages: Vec<usize>,
    /// Sentences saying what decided it (or, for `unknown`, what is missing).
    pub evidence: Vec<String>,
    /// Both halves of the pattern are in the conversation (not just the request, say).
    #[serde(skip)]
    complete: bool,
}

/// What kind of token an RSTR issues.
#[derive(Debug, Clone, PartialEq, Eq)]
enum IssuedToken {
    Context(Option<String>),
    Saml,
    Delegation,
    Other(String),
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proof {
    EncryptedKey,
    ComputedKey,
    BinarySecret,
    EncryptedSecret,
    None,
}

impl Proof {
    fn describe(self) -> &'static str {
        match self {
            Proof::EncryptedKey => "a proof key encrypted for its recipient (EncryptedKey)",
            Proof::ComputedKey => "a ComputedKey (the proof key is computed from both entropies)",
            Proof::BinarySecret => "the proof key itself as a BinarySecret",
            Proof::EncryptedSecret => "an encrypted BinarySecret",
            Proof::None => "no proof token",
        }
    }
}

#[derive(Debug, Clone)]
struct Response {
    token: IssuedToken,
    proof: Proof,
    in_header: bool,
}

/// Which was applied last to the Body: the signature or the encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    EncryptThenSign,
    SignThenEncrypt,
}

/// The structural facts of one message that the rules look at.
#[derive(Debug, Clone, Default)]
struct Facts {
    position: usize,
    requests: usize,
    delegation_request: bool,
    responses: Vec<Response>,
    /// SHA-1 (base64) of each header EncryptedKey's CipherValue: what `EncryptedKeySHA1` names.
    header_encrypted_keys: Vec<Option<String>>,
    encrypted_key_sha1_refs: Vec<String>,
    signed: bool,
    /// Identifiers of security contexts the Security header uses.
    contexts_used: Vec<Option<String>>,
    saml_in_header: bool,
    delegation: Option<DelegationFacts>,
    body_order: Option<Order>,
    body_unopened: bool,
    unparsed: bool,
}

#[derive(Debug, Clone)]
struct DelegationFacts {
    id: Option<String>,
    rights: usize,
    /// Whether the message's `wsa:Action` is a granted right, when the message is the
    /// delegate's request (the token in its Security header).
    action_granted: Option<(String, bool)>,
}

/// The patterns a processed conversation shows, best match first; `unknown` (with what is
/// missing) when none applies.
pub fn identify(messages: &[MessageResult]) -> Vec<PatternMatch> {
    let facts: Vec<Facts> = messages
        .iter()
        .map(|m| match &m.processed {
            Some(p) => read_facts(m.index + 1, &p.document),
            None => Facts {
                position: m.index + 1,
                unparsed: true,
                ..Facts::default()
            },
        })
        .collect();
    let mut found: Vec<PatternMatch> = [delegated(&facts), brokered(&facts), direct(&facts)]
        .into_iter()
        .flatten()
        .chain(request_reply(&facts))
        .collect();
    let rank = |p: &PatternMatch| match p.name {
        PatternName::Delegated => 0,
        PatternName::Brokered => 1,
        PatternName::Direct => 2,
        PatternName::RequestReply => 3,
        PatternName::Unknown => 4,
    };
    found.sort_by_key(|p| (!p.complete, std::cmp::Reverse(p.messages.len()), rank(p)));
    if found.is_empty() {
        found.push(unknown(&facts));
    } else {
        let unopened = unopened_bodies(&facts);
        for p in &mut found {
            p.evidence.extend(unopened.iter().cloned());
        }
    }
    found
}

/// What the receiver could not see: Bodies that stayed encrypted may hide an RST or RSTR.
fn unopened_bodies(facts: &[Facts]) -> Vec<String> {
    facts
        .iter()
        .filter(|f| f.body_unopened)
        .map(|f| {
            format!(
                "message {}: the Body is encrypted and was not opened (supply the recipient's key to see what it carries)",
                f.position
            )
        })
        .collect()
}

fn read_facts(position: usize, doc: &Document) -> Facts {
    let mut facts = Facts {
        position,
        ..Facts::default()
    };
    let Ok(envelope) = SoapEnvelope::read(doc) else {
        facts.unparsed = true;
        return facts;
    };
    for message in find_in_envelope(&envelope) {
        match &message {
            TrustMessage::Request(rst) => {
                facts.requests += 1;
                facts.delegation_request |= rst.node.child_elements().any(|c| {
                    ns::is_wst(c.namespace()) && matches!(c.local_name(), "ActAs" | "OnBehalfOf")
                });
            }
            other => {
                let in_header = envelope.header.is_some_and(|h| h.contains(other.node()));
                for rstr in other.responses() {
                    facts.responses.push(response_facts(rstr, in_header));
                }
            }
        }
    }
    if let Some(body) = envelope.body_content() {
        facts.body_unopened = body.has_name(ns::XENC, "EncryptedData");
    }
    for header in &envelope.security {
        read_security_header(
            &mut facts,
            header.node,
            &header.items,
            envelope.body_id.as_deref(),
        );
    }
    facts.delegation = DelegationToken::find(doc).map(|token| {
        let in_security = envelope
            .security
            .iter()
            .any(|h| h.node.contains(token.node));
        let action = envelope
            .header
            .and_then(|h| h.child_elements().find(|c| c.local_name() == "Action"))
            .map(|a| a.text_content().trim().to_string());
        DelegationFacts {
            id: token.id.map(str::to_string),
            rights: token.rights.len(),
            action_granted: action
                .filter(|_| in_security)
                .map(|a| (a.clone(), token.right_for(&a).is_some())),
        }
    });
    facts
}

fn response_facts(rstr: &RequestSecurityTokenResponse<'_>, in_header: bool) -> Response {
    let carries_delegation = rstr
        .requested_security_token
        .as_ref()
        .is_some_and(|t| t.node.descendants().any(|n| n.namespace() == DLG));
    let token = match rstr.token() {
        _ if carries_delegation => IssuedToken::Delegation,
        Some(HeaderItem::SecurityContextToken(sct)) => IssuedToken::Context(sct.identifier.clone()),
        Some(HeaderItem::SamlAssertion(_)) => IssuedToken::Saml,
        Some(other) => IssuedToken::Other(other.kind_name().to_string()),
        None if rstr.requested_security_token.is_some() => IssuedToken::Other("token".into()),
        None => IssuedToken::None,
    };
    let proof = match rstr.proof() {
        Some(ProofToken::EncryptedKey(_)) => Proof::EncryptedKey,
        Some(ProofToken::ComputedKey(_)) => Proof::ComputedKey,
        Some(ProofToken::BinarySecret(_)) => Proof::BinarySecret,
        Some(ProofToken::EncryptedData(_)) => Proof::EncryptedSecret,
        None => Proof::None,
    };
    Response {
        token,
        proof,
        in_header,
    }
}

fn read_security_header(
    facts: &mut Facts,
    header: Node<'_>,
    items: &[HeaderItem<'_>],
    body_id: Option<&str>,
) {
    let mut body_signature_at = None;
    let mut encryption_at = None;
    for (at, item) in items.iter().enumerate() {
        match item {
            HeaderItem::EncryptedKey(node) => {
                facts.header_encrypted_keys.push(encrypted_key_sha1(*node));
                if node.child(ns::XENC, "ReferenceList").is_some() {
                    encryption_at.get_or_insert(at);
                }
            }
            HeaderItem::ReferenceList(_) => {
                encryption_at.get_or_insert(at);
            }
            HeaderItem::Signature(node) => {
                facts.signed = true;
                if body_id.is_some_and(|id| signs_id(*node, id)) {
                    body_signature_at.get_or_insert(at);
                }
            }
            HeaderItem::SecurityContextToken(sct) => {
                facts.contexts_used.push(sct.identifier.clone());
            }
            HeaderItem::SamlAssertion(_) => facts.saml_in_header = true,
            _ => {}
        }
    }
    facts.encrypted_key_sha1_refs.extend(
        header
            .descendants()
            .filter(|n| n.has_name(ns::WSSE, "KeyIdentifier"))
            .filter(|n| {
                n.attribute("ValueType")
                    .is_some_and(|v| v.ends_with("#EncryptedKeySHA1"))
            })
            .map(|n| n.text_content().trim().to_string()),
    );
    facts.body_order = match (body_signature_at, encryption_at) {
        // Header items are prepended as they are applied: the one nearer the top came last.
        (Some(s), Some(e)) if s < e => Some(Order::EncryptThenSign),
        (Some(_), Some(_)) => Some(Order::SignThenEncrypt),
        _ => facts.body_order,
    };
}

fn signs_id(signature: Node<'_>, id: &str) -> bool {
    signature
        .child(ns::DS, "SignedInfo")
        .into_iter()
        .flat_map(|si| si.child_elements())
        .filter(|r| r.has_name(ns::DS, "Reference"))
        .any(|r| r.attribute("URI").and_then(|u| u.strip_prefix('#')) == Some(id))
}

fn encrypted_key_sha1(encrypted_key: Node<'_>) -> Option<String> {
    let value = encrypted_key
        .child(ns::XENC, "CipherData")?
        .child(ns::XENC, "CipherValue")?
        .text_content();
    let octets = base64::decode(&value).ok()?;
    let sha1 = digest(DigestAlgorithm::Sha1, &octets).ok()?;
    Some(base64::encode(&sha1))
}

fn match_of(
    name: PatternName,
    variant: Option<&'static str>,
    mut messages: Vec<usize>,
    evidence: Vec<String>,
    complete: bool,
) -> PatternMatch {
    messages.sort_unstable();
    messages.dedup();
    PatternMatch {
        name,
        variant,
        messages,
        evidence,
        complete,
    }
}

/// A delegation token (naming a delegate and rights) or a WS-Trust ActAs/OnBehalfOf request.
fn delegated(facts: &[Facts]) -> Option<PatternMatch> {
    let mut messages = Vec::new();
    let mut evidence = Vec::new();
    let mut variant = None;
    let mut issued = false;
    let mut used = false;
    for f in facts {
        if f.delegation_request {
            messages.push(f.position);
            evidence.push(format!(
                "message {}: an RST asks for a token to act for someone else (ActAs/OnBehalfOf)",
                f.position
            ));
        }
        let Some(d) = &f.delegation else { continue };
        messages.push(f.position);
        let id = d.id.as_deref().unwrap_or("(no Id)");
        if f.responses
            .iter()
            .any(|r| r.token == IssuedToken::Delegation)
        {
            issued = true;
            evidence.push(format!(
                "message {}: an RSTR issues the delegation token {id}, naming a delegate and {} right(s)",
                f.position, d.rights
            ));
        }
        if let Some((action, granted)) = &d.action_granted {
            used = true;
            variant = Some(if *granted {
                "within-rights"
            } else {
                "beyond-rights"
            });
            evidence.push(format!(
                "message {}: the delegate presents {id} for the action {}, which it {} grant",
                f.position,
                crate::safe_text::one_line(action),
                if *granted { "does" } else { "does not" }
            ));
        }
    }
    if messages.is_empty() {
        return None;
    }
    Some(match_of(
        PatternName::Delegated,
        variant,
        messages,
        evidence,
        issued && used,
    ))
}

/// An RST to an issuer answered with a token and its proof material, then the token in use.
fn brokered(facts: &[Facts]) -> Option<PatternMatch> {
    let first_request = facts.iter().find(|f| f.requests > 0).map(|f| f.position);
    let mut messages = Vec::new();
    let mut evidence = Vec::new();
    let mut variant = None;
    let mut answered = false;
    let mut contexts = Vec::new();
    if let Some(at) = first_request {
        messages.push(at);
        evidence.push(format!("message {at}: an RST asks an issuer for a token"));
    }
    for f in facts {
        for r in &f.responses {
            let solicited = first_request.is_some_and(|at| at < f.position);
            if !solicited && r.proof != Proof::ComputedKey {
                continue;
            }
            if matches!(r.token, IssuedToken::Delegation | IssuedToken::None) {
                continue;
            }
            answered |= solicited;
            messages.push(f.position);
            variant = match r.proof {
                Proof::EncryptedKey => Some("encrypted-key"),
                Proof::ComputedKey => Some("computed-key"),
                _ => variant,
            };
            evidence.push(format!(
                "message {}: {} returns {} with {}",
                f.position,
                if solicited {
                    "the answer"
                } else {
                    "an RSTR (its RST is not in the conversation)"
                },
                token_words(&r.token),
                r.proof.describe()
            ));
            if let IssuedToken::Context(id) = &r.token {
                contexts.push(id.clone());
            }
        }
    }
    let issued_at = messages.iter().copied().max().unwrap_or(0);
    for f in facts.iter().filter(|f| f.position > issued_at) {
        if answered && (f.saml_in_header || f.contexts_used.iter().any(|c| contexts.contains(c))) {
            messages.push(f.position);
            evidence.push(format!(
                "message {}: the issued token secures a request to the service",
                f.position
            ));
        } else if !answered && f.saml_in_header {
            messages.push(f.position);
            evidence.push(format!(
                "message {}: a SAML assertion issued by a token service secures the request (the exchange that issued it is not in the conversation)",
                f.position
            ));
        }
    }
    if messages.is_empty() {
        return None;
    }
    Some(match_of(
        PatternName::Brokered,
        variant,
        messages,
        evidence,
        answered,
    ))
}

/// An unsolicited RSTR carrying a security context token and its proof token.
fn direct(facts: &[Facts]) -> Option<PatternMatch> {
    let first_request = facts.iter().find(|f| f.requests > 0).map(|f| f.position);
    let (f, response) = facts.iter().find_map(|f| {
        let unsolicited = first_request.is_none_or(|at| at > f.position);
        f.responses
            .iter()
            .find(|r| {
                unsolicited
                    && matches!(r.token, IssuedToken::Context(_))
                    && matches!(r.proof, Proof::EncryptedKey | Proof::EncryptedSecret)
            })
            .map(|r| (f, r))
    })?;
    let IssuedToken::Context(context) = &response.token else {
        return None;
    };
    let mut messages = vec![f.position];
    let mut evidence = vec![format!(
        "message {}: an unsolicited RSTR (no RST before it) in the {} carries a security context token and {}",
        f.position,
        if response.in_header { "header" } else { "Body" },
        response.proof.describe()
    )];
    for later in facts.iter().filter(|l| l.position > f.position) {
        if later.contexts_used.contains(context) {
            messages.push(later.position);
            evidence.push(format!(
                "message {}: secured with keys of that security context",
                later.position
            ));
        }
    }
    let complete = messages.len() > 1;
    Some(match_of(
        PatternName::Direct,
        Some("default"),
        messages,
        evidence,
        complete,
    ))
}

/// A signed request with an EncryptedKey for the recipient, and a reply keyed by its
/// `EncryptedKeySHA1`.
fn request_reply(facts: &[Facts]) -> Option<PatternMatch> {
    let request = facts
        .iter()
        .find(|f| f.signed && !f.header_encrypted_keys.is_empty())?;
    let mut messages = vec![request.position];
    let mut evidence = vec![format!(
        "message {}: a signed request carries an EncryptedKey in its Security header: a fresh key for the recipient",
        request.position
    )];
    let reply = facts.iter().find(|f| {
        f.position > request.position
            && f.encrypted_key_sha1_refs.iter().any(|r| {
                request
                    .header_encrypted_keys
                    .iter()
                    .any(|k| k.as_deref() == Some(r.as_str()))
            })
    });
    if let Some(reply) = reply {
        messages.push(reply.position);
        evidence.push(format!(
            "message {}: the reply is keyed by EncryptedKeySHA1 of that EncryptedKey",
            reply.position
        ));
    } else {
        evidence
            .push("no later message is keyed by the EncryptedKeySHA1 of that EncryptedKey".into());
    }
    let variant = match request.body_order {
        Some(Order::EncryptThenSign) => {
            evidence.push(format!(
                "message {}: the Body's signature stands above its encryption in the Security header: encrypted first, then signed",
                request.position
            ));
            Some("encrypt-then-sign")
        }
        Some(Order::SignThenEncrypt) => {
            evidence.push(format!(
                "message {}: the Body's encryption stands above its signature in the Security header: signed first, then encrypted",
                request.position
            ));
            Some("sign-then-encrypt")
        }
        None => None,
    };
    Some(match_of(
        PatternName::RequestReply,
        variant,
        messages,
        evidence,
        reply.is_some(),
    ))
}

fn token_words(token: &IssuedToken) -> String {
    match token {
        IssuedToken::Context(Some(id)) => {
            format!(
                "a security context token {}",
                crate::safe_text::one_line(id)
            )
        }
        IssuedToken::Context(None) => "a security context token".into(),
        IssuedToken::Saml => "a SAML assertion".into(),
        IssuedToken::Delegation => "a delegation token".into(),
        IssuedToken::Other(kind) => format!("a token ({kind})"),
        IssuedToken::None => "no token".into(),
    }
}

fn unknown(facts: &[Facts]) -> PatternMatch {
    let mut evidence: Vec<String> = facts
        .iter()
        .filter(|f| f.unparsed)
        .map(|f| format!("message {}: not a readable SOAP message", f.position))
        .collect();
    evidence.extend(unopened_bodies(facts));
    if facts.iter().any(|f| !f.contexts_used.is_empty()) {
        evidence.push(
            "a security context token is used, but the exchange that established it is not in the conversation".into(),
        );
    }
    evidence.push("no WS-Trust RST, and no RSTR carrying a token and its proof material".into());
    if facts.iter().any(|f| !f.header_encrypted_keys.is_empty()) {
        evidence.push(
            "an EncryptedKey transports a key, but no signature in that message authenticates its sender".into(),
        );
    } else {
        evidence.push("no EncryptedKey transporting a fresh key in a signed request".into());
    }
    evidence.push("no delegation token and no ActAs/OnBehalfOf request".into());
    match_of(
        PatternName::Unknown,
        None,
        facts.iter().map(|f| f.position).collect(),
        evidence,
        false,
    )
}
