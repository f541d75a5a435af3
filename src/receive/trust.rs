//! WS-Trust messages in a processed message: entropies, proof keys, computed keys and the
//! security contexts they establish.

use super::*;

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
                    let kind = rst
                        .request_type
                        .as_ref()
                        .map(|r| format!("{:?}", r.kind))
                        .unwrap_or_else(|| "?".into());
                    let mut line = format!("RST ({kind})");
                    if let Some(size) = rst.key_size {
                        line.push_str(&format!(", KeySize {size}"));
                    }
                    if let Some(secret) = rst
                        .entropy
                        .as_ref()
                        .and_then(|e| e.binary_secret())
                        .and_then(|b| b.bytes.clone())
                    {
                        line.push_str(&format!(", requestor entropy {} bytes", secret.len()));
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
                        line.push_str(&format!(
                            ", ComputedKeyAlgorithm {}",
                            ck.uri.rsplit('/').next().unwrap_or("")
                        ));
                    }
                    self.trust.push(line);
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
        let mut summary = String::from("RSTR");
        if rstr.requested_token_cancelled {
            summary.push_str(": RequestedTokenCancelled");
        }
        let token = rstr.token();
        if let Some(t) = token {
            summary.push_str(&format!(": {}", t.kind_name()));
            if let HeaderItem::SecurityContextToken(sct) = t {
                summary.push_str(&format!(" {}", sct.identifier.as_deref().unwrap_or("")));
            }
        }
        let in_clear = !self
            .decrypted
            .iter()
            .any(|s| s.start <= rstr.node.span().start && rstr.node.span().end <= s.end);
        let proof = match rstr.proof() {
            Some(ProofToken::BinarySecret(secret)) => {
                summary.push_str(", proof BinarySecret");
                if in_clear {
                    self.findings.push(FindingCode::ProofKeyInClear.finding_at("the proof token is a BinarySecret in clear in the message: anyone who sees it (or the transport) learns the key",
                        secret.node,
                    ));
                }
                self.binary_secret_key(secret, rstr, "proof token BinarySecret")
            }
            Some(ProofToken::EncryptedKey(node)) => {
                summary.push_str(", proof EncryptedKey");
                match self.unwrap_encrypted_key(doc, *node) {
                    TokenValue::Key(k) => Some(k),
                    _ => None,
                }
            }
            Some(ProofToken::ComputedKey(ck)) => {
                summary.push_str(", proof ComputedKey");
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
                summary.push_str(", proof EncryptedData (decrypted above when its key was known)");
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
                summary.push_str(&format!(" -> key of {name}"));
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
            summary.push_str(&format!(
                ", Lifetime {} .. {}",
                lifetime.created.as_ref().map_or("-", |c| c.text.as_str()),
                lifetime.expires.as_ref().map_or("-", |c| c.text.as_str())
            ));
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
