//! What the receiver read from each WS-Trust message, as data: one [`TrustSummary`] per RST or
//! RSTR, a list of typed [`TrustFact`]s. `Display` gives the one-line text reports print
//! (`RSTR: SecurityContextToken urn:x, proof ComputedKey -> key of urn:x`); JSON carries the
//! facts as tagged objects, so scripts need not parse the sentence.

use std::fmt;

use serde::Serialize;

use crate::crypto::StatedAlgorithm;
use crate::trust::fields::{KeyTypeKind, RequestKind};

/// Which WS-Trust message a summary is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrustMessageKind {
    /// `wst:RequestSecurityToken`.
    Rst,
    /// `wst:RequestSecurityTokenResponse`.
    Rstr,
}

/// How an RSTR hands over the proof key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProofForm {
    BinarySecret,
    EncryptedKey,
    ComputedKey,
    /// An EncryptedData, decrypted above when its key was known.
    EncryptedData,
}

/// One thing a WS-Trust message says about the token or key it asks for or issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "fact", rename_all = "kebab-case")]
pub enum TrustFact {
    /// `wst:RequestType` (`None` when the request has none).
    RequestType {
        #[serde(serialize_with = "request_kind_name")]
        kind: Option<RequestKind>,
    },
    /// `wst:TokenType`: the URI as written.
    TokenType { uri: String },
    /// `wst:KeyType`: the kind of proof key asked for, and the URI as written.
    KeyType {
        #[serde(serialize_with = "key_type_kind_name")]
        kind: KeyTypeKind,
        uri: String,
    },
    /// `wst:KeySize`, in bits.
    KeySize { bits: u32 },
    /// The requestor's `wst:Entropy` BinarySecret, by length (never its bytes).
    RequestorEntropy { bytes: usize },
    /// `wst14:ActAs` or `wst:OnBehalfOf` (`on_behalf_of`): another identity the request
    /// names, by the local name of the token carrying it (`None` when the element is empty).
    Delegated {
        on_behalf_of: bool,
        token: Option<String>,
    },
    /// `wst:ComputedKeyAlgorithm` (serialized as its URI).
    ComputedKeyAlgorithm { algorithm: StatedAlgorithm },
    /// `wst:RequestedTokenCancelled`.
    TokenCancelled,
    /// The issued token: its kind and, for a SecurityContextToken, its Identifier.
    IssuedToken {
        kind: &'static str,
        identifier: Option<String>,
    },
    /// The proof token's form.
    Proof { form: ProofForm },
    /// The proof key became the key of this SecurityContextToken.
    ContextKey { token: String },
    /// `wst:Lifetime` as written (`None` where a bound is missing).
    Lifetime {
        created: Option<String>,
        expires: Option<String>,
    },
    /// The block that carried the response (the Security header, the Body, an encrypted
    /// part).
    CarriedIn { block: String },
}

fn request_kind_name<S: serde::Serializer>(
    kind: &Option<RequestKind>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match kind {
        Some(k) => s.serialize_str(&format!("{k:?}")),
        None => s.serialize_none(),
    }
}

fn key_type_kind_name<S: serde::Serializer>(kind: &KeyTypeKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{kind:?}"))
}

/// The last segment of a URI (after `#` or `/`), for one-line text: token type URIs are long
/// and differ at their end. JSON keeps the whole URI.
fn uri_tail(uri: &str) -> &str {
    let tail = uri.rsplit(['#', '/']).next().unwrap_or(uri);
    if tail.is_empty() { uri } else { tail }
}

/// One WS-Trust message as the receiver read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustSummary {
    pub message: TrustMessageKind,
    pub facts: Vec<TrustFact>,
}

impl TrustSummary {
    pub fn new(message: TrustMessageKind) -> TrustSummary {
        TrustSummary {
            message,
            facts: Vec::new(),
        }
    }

    pub fn push(&mut self, fact: TrustFact) {
        self.facts.push(fact);
    }
}

/// Each fact writes its own lead-in (`, `, `: `, ` -> `), so the summary reads as one line.
/// Values from the message are written as they are: callers showing them escape.
impl fmt::Display for TrustFact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustFact::RequestType { kind: Some(k) } => write!(f, " ({k:?})"),
            TrustFact::RequestType { kind: None } => f.write_str(" (?)"),
            TrustFact::TokenType { uri } => write!(f, ", TokenType {}", uri_tail(uri)),
            TrustFact::KeyType { kind, .. } => write!(f, ", KeyType {kind:?}"),
            TrustFact::KeySize { bits } => write!(f, ", KeySize {bits}"),
            TrustFact::Delegated {
                on_behalf_of,
                token,
            } => write!(
                f,
                ", {} {}",
                if *on_behalf_of { "OnBehalfOf" } else { "ActAs" },
                token.as_deref().unwrap_or("(empty)")
            ),
            TrustFact::RequestorEntropy { bytes } => {
                write!(f, ", requestor entropy {bytes} bytes")
            }
            TrustFact::ComputedKeyAlgorithm { algorithm } => {
                write!(f, ", ComputedKeyAlgorithm {}", algorithm.name())
            }
            TrustFact::TokenCancelled => f.write_str(": RequestedTokenCancelled"),
            TrustFact::IssuedToken {
                kind,
                identifier: Some(id),
            } => write!(f, ": {kind} {id}"),
            TrustFact::IssuedToken {
                kind,
                identifier: None,
            } => write!(f, ": {kind}"),
            TrustFact::Proof { form } => f.write_str(match form {
                ProofForm::BinarySecret => ", proof BinarySecret",
                ProofForm::EncryptedKey => ", proof EncryptedKey",
                ProofForm::ComputedKey => ", proof ComputedKey",
                ProofForm::EncryptedData => {
                    ", proof EncryptedData (decrypted above when its key was known)"
                }
            }),
            TrustFact::ContextKey { token } => write!(f, " -> key of {token}"),
            TrustFact::CarriedIn { block } => write!(f, " (in {block})"),
            TrustFact::Lifetime { created, expires } => write!(
                f,
                ", Lifetime {} .. {}",
                created.as_deref().unwrap_or("-"),
                expires.as_deref().unwrap_or("-")
            ),
        }
    }
}

impl fmt::Display for TrustSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.message {
            TrustMessageKind::Rst => "RST",
            TrustMessageKind::Rstr => "RSTR",
        })?;
        for fact in &self.facts {
            write!(f, "{fact}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::algorithms::uri;

    #[test]
    fn a_request_reads_as_one_line_and_serializes_its_facts() {
        let mut rst = TrustSummary::new(TrustMessageKind::Rst);
        rst.push(TrustFact::RequestType {
            kind: Some(RequestKind::Issue),
        });
        rst.push(TrustFact::KeySize { bits: 256 });
        rst.push(TrustFact::RequestorEntropy { bytes: 32 });
        rst.push(TrustFact::ComputedKeyAlgorithm {
            algorithm: StatedAlgorithm::from_uri(uri::CK_PSHA1),
        });
        assert_eq!(
            rst.to_string(),
            "RST (Issue), KeySize 256, requestor entropy 32 bytes, ComputedKeyAlgorithm psha1"
        );
        let json = serde_json::to_value(&rst).unwrap();
        assert_eq!(json["message"], "rst");
        assert_eq!(json["facts"][0]["fact"], "request-type");
        assert_eq!(json["facts"][0]["kind"], "Issue");
        assert_eq!(json["facts"][3]["algorithm"], uri::CK_PSHA1);
    }

    #[test]
    fn a_request_names_the_token_key_and_identity_it_asks_for() {
        let mut rst = TrustSummary::new(TrustMessageKind::Rst);
        rst.push(TrustFact::RequestType {
            kind: Some(RequestKind::Issue),
        });
        let sct = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/sct";
        rst.push(TrustFact::TokenType { uri: sct.into() });
        rst.push(TrustFact::KeyType {
            kind: KeyTypeKind::SymmetricKey,
            uri: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey".into(),
        });
        rst.push(TrustFact::Delegated {
            on_behalf_of: false,
            token: Some("Assertion".into()),
        });
        rst.push(TrustFact::Delegated {
            on_behalf_of: true,
            token: None,
        });
        assert_eq!(
            rst.to_string(),
            "RST (Issue), TokenType sct, KeyType SymmetricKey, ActAs Assertion, OnBehalfOf (empty)"
        );
        let json = serde_json::to_value(&rst).unwrap();
        assert_eq!(json["facts"][1]["fact"], "token-type");
        assert_eq!(json["facts"][1]["uri"], sct);
        assert_eq!(json["facts"][2]["kind"], "SymmetricKey");
        assert_eq!(json["facts"][3]["fact"], "delegated");
        assert_eq!(json["facts"][3]["on_behalf_of"], false);
        assert_eq!(json["facts"][4]["token"], serde_json::Value::Null);
    }

    #[test]
    fn a_response_names_its_token_proof_and_lifetime() {
        let mut rstr = TrustSummary::new(TrustMessageKind::Rstr);
        rstr.push(TrustFact::IssuedToken {
            kind: "SecurityContextToken",
            identifier: Some("urn:x".into()),
        });
        rstr.push(TrustFact::Proof {
            form: ProofForm::ComputedKey,
        });
        rstr.push(TrustFact::ContextKey {
            token: "urn:x".into(),
        });
        rstr.push(TrustFact::Lifetime {
            created: Some("2026-01-01T00:00:00Z".into()),
            expires: None,
        });
        assert_eq!(
            rstr.to_string(),
            "RSTR: SecurityContextToken urn:x, proof ComputedKey -> key of urn:x, Lifetime 2026-01-01T00:00:00Z .. -"
        );
        let json = serde_json::to_value(&rstr).unwrap();
        assert_eq!(json["facts"][1]["form"], "computed-key");
        assert_eq!(json["facts"][3]["expires"], serde_json::Value::Null);
    }
}
