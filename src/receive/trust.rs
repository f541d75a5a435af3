//! WS-Trust messages in a processed message: entropies, proof keys, computed keys and the
//! security contexts they establish.

use super::trust_summary::{ProofForm, TrustFact, TrustMessageKind, TrustSummary};
use super::*;
use crate::crypto::StatedAlgorithm;

impl Receiver<'_, '_> {
    /// WS-Trust messages: entropies, proof keys, the security contexts they establish.
    pub(super) fn trust_messages(&mut self, doc: &Document) {
        let Ok(envelope) = SoapEnvelope::read(doc) else {
            return;
        };
        for message in find_in_envelope(&envelope) {
            for problem in message.all_problems() {
                self.findings.push(
                    FindingCode::Damaged
                        .finding_at_point(problem.message.clone(), problem.position),
                );
            }
            match &message {
                TrustMessage::Request(rst) => {
                    let mut summary = TrustSummary::new(TrustMessageKind::Rst);
                    summary.push(TrustFact::RequestType {
                        kind: rst.request_type.as_ref().map(|r| r.kind),
                    });
                    if let Some(uri) = &rst.token_type {
                        summary.push(TrustFact::TokenType { uri: uri.clone() });
                    }
                    if let Some(key_type) = &rst.key_type {
                        summary.push(TrustFact::KeyType {
                            kind: key_type.kind,
                            uri: key_type.uri.clone(),
                        });
                    }
                    if let Some(bits) = rst.key_size {
                        summary.push(TrustFact::KeySize { bits });
                    }
                    for (on_behalf_of, element) in [(false, rst.act_as), (true, rst.on_behalf_of)] {
                        if let Some(element) = element {
                            let token = element
                                .child_elements()
                                .next()
                                .map(|t| t.local_name().to_string());
                            summary.push(TrustFact::Delegated {
                                on_behalf_of,
                                token,
                            });
                        }
                    }
                    if let Some(secret) = rst
                        .entropy
                        .as_ref()
                        .and_then(|e| e.binary_secret())
                        .and_then(|b| b.bytes.clone())
                    {
                        summary.push(TrustFact::RequestorEntropy {
                            bytes: secret.len(),
                        });
                        self.store.requestor_entropy.push(EntropyEntry {
                            context: rst.context.clone(),
                            bytes: crate::crypto::SecretBytes::new(secret),
                            key_size: rst.key_size,
                            message: self.message,
                            location: format!(
                                "msg {} RST Entropy (line {})",
                                self.message + 1,
                                rst.node.position().line
                            ),
                        });
                    }
                    if let Some(ck) = &rst.computed_key_algorithm {
                        summary.push(TrustFact::ComputedKeyAlgorithm {
                            algorithm: StatedAlgorithm::from_uri(&ck.uri),
                        });
                    }
                    self.trust.push(summary);
                }
                other => {
                    for rstr in other.responses() {
                        self.respond_once(doc, rstr);
                    }
                }
            }
        }
    }

    pub(super) fn response(&mut self, doc: &Document, rstr: &RequestSecurityTokenResponse<'_>) {
        let mut summary = TrustSummary::new(TrustMessageKind::Rstr);
        if rstr.requested_token_cancelled {
            summary.push(TrustFact::TokenCancelled);
        }
        let token = rstr.token();
        if let Some(t) = token {
            summary.push(TrustFact::IssuedToken {
                kind: t.kind_name(),
                identifier: match t {
                    HeaderItem::SecurityContextToken(sct) => sct.identifier.clone(),
                    _ => None,
                },
            });
        }
        let proof_form = |form| TrustFact::Proof { form };
        let in_clear = !self
            .decrypted
            .iter()
            .any(|s| s.start <= rstr.node.span().start && rstr.node.span().end <= s.end);
        let proof = match rstr.proof() {
            Some(ProofToken::BinarySecret(secret)) => {
                summary.push(proof_form(ProofForm::BinarySecret));
                if in_clear {
                    self.findings.push(FindingCode::ProofKeyInClear.finding_at("the proof token is a BinarySecret in clear in the message: anyone who sees it (or the transport) learns the key",
                        secret.node,
                    ));
                }
                self.binary_secret_key(secret, rstr, "proof token BinarySecret")
            }
            Some(ProofToken::EncryptedKey(node)) => {
                summary.push(proof_form(ProofForm::EncryptedKey));
                match self.unwrap_encrypted_key(doc, *node) {
                    TokenValue::Key(k) => Some(k),
                    _ => None,
                }
            }
            Some(ProofToken::ComputedKey(ck)) => {
                summary.push(proof_form(ProofForm::ComputedKey));
                if ck.kind != ComputedKeyKind::PSha1 {
                    self.findings.push(FindingCode::Unsupported.finding_at(
                        format!("ComputedKey {} is not computed by wskex", ck.uri),
                        rstr.node,
                    ));
                    None
                } else {
                    self.computed_key(rstr)
                }
            }
            Some(ProofToken::EncryptedData(_)) => {
                summary.push(proof_form(ProofForm::EncryptedData));
                None
            }
            None => None,
        };
        if let Some(HeaderItem::SecurityContextToken(sct)) = token {
            self.store.register_sct(SctEntry {
                wsu_id: sct.id.clone(),
                identifier: sct.identifier.clone(),
                key: proof,
                message: self.message,
            });
            if let Some(k) = proof {
                let name = sct
                    .identifier
                    .clone()
                    .or(sct.id.clone())
                    .unwrap_or_else(|| "SecurityContextToken".into());
                summary.push(TrustFact::ContextKey {
                    token: name.clone(),
                });
                self.store
                    .keyring
                    .note_usage(k, format!("key of SecurityContextToken {name}"));
            }
        }
        if let Some(lifetime) = &rstr.lifetime {
            let window = Window {
                kind: ValidityWindow::IssuedTokenLifetime,
                starts: lifetime.created.as_ref().map(|c| c.text.as_str()),
                ends: lifetime.expires.as_ref().map(|e| e.text.as_str()),
                node: Some(lifetime.node),
            };
            self.findings.extend(window_findings(
                window,
                self.options.now,
                self.options.clock_skew,
            ));
            summary.push(TrustFact::Lifetime {
                created: lifetime.created.as_ref().map(|c| c.text.clone()),
                expires: lifetime.expires.as_ref().map(|e| e.text.clone()),
            });
        }
        self.trust.push(summary);
    }

    pub(super) fn binary_secret_key(
        &mut self,
        secret: &BinarySecret<'_>,
        rstr: &RequestSecurityTokenResponse<'_>,
        what: &str,
    ) -> Option<KeyId> {
        let bytes = secret.bytes.clone()?;
        let token = rstr_token(rstr);
        let source = format!(
            "msg {} {what} (line {})",
            self.message + 1,
            secret.node.position().line
        );
        Some(self.add_key(
            token,
            crate::crypto::SecretBytes::new(bytes),
            Provenance::ProofToken { source },
            secret.node.position().line,
        ))
    }

    /// ComputedKey PSHA1: requestor entropy (an earlier RST) as secret, issuer entropy (this
    /// RSTR) as seed, KeySize bits.
    pub(super) fn computed_key(
        &mut self,
        rstr: &RequestSecurityTokenResponse<'_>,
    ) -> Option<KeyId> {
        let line = rstr.node.position().line;
        let issuer = match rstr.entropy.as_ref().and_then(|e| e.content.as_ref()) {
            Some(EntropyContent::BinarySecret(b)) => b.bytes.clone(),
            _ => None,
        };
        let Some(issuer) = issuer else {
            self.findings.push(
                FindingCode::KeyUnavailable
                    .finding_at("ComputedKey without issuer entropy in the RSTR", rstr.node),
            );
            return None;
        };
        let Some(requestor) = self.store.entropy_for(rstr.context.as_deref()).cloned() else {
            self.findings.push(FindingCode::KeyUnavailable.finding_at("ComputedKey: no requestor entropy seen earlier in this conversation (give the RST first)", rstr.node));
            return None;
        };
        let bits = rstr.key_size.or(requestor.key_size).unwrap_or(256);
        if let Err(refused) = self.derivation.charge(u64::from(bits / 8)) {
            self.findings.push(
                FindingCode::KeyUnavailable
                    .finding_at(format!("ComputedKey: {refused}"), rstr.node),
            );
            return None;
        }
        match psha1::computed_key(requestor.bytes.expose(), &issuer, bits) {
            Ok(bytes) => {
                let provenance = Provenance::Computed {
                    requestor_entropy: requestor.location.clone(),
                    issuer_entropy: format!("msg {} RSTR Entropy (line {line})", self.message + 1),
                    key_size_bits: bits,
                };
                Some(self.add_key(rstr_token(rstr), bytes, provenance, line))
            }
            Err(e) => {
                self.findings.push(
                    FindingCode::KeyUnavailable.finding_at(format!("ComputedKey: {e}"), rstr.node),
                );
                None
            }
        }
    }
}

/// The token a key an RSTR establishes belongs to: the issued token's Identifier or id.
fn rstr_token(rstr: &RequestSecurityTokenResponse<'_>) -> Option<String> {
    match rstr.token() {
        Some(HeaderItem::SecurityContextToken(sct)) => sct.identifier.clone().or(sct.id.clone()),
        Some(other) => other.id().map(str::to_string),
        None => None,
    }
}
