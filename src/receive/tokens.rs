//! Registering the tokens of a Security header: certificates, encrypted keys, security
//! contexts, SAML assertions and derived keys, in the order their dependencies need.

use super::*;

impl Receiver<'_, '_> {
    /// Registers the tokens of the Security header not yet seen: certificates first, then
    /// encrypted keys (which may name a certificate), security contexts, SAML assertions,
    /// and derived keys last (they are derived from the others).
    pub(super) fn register_tokens(&mut self, doc: &Document) {
        let Ok(envelope) = SoapEnvelope::read(doc) else {
            return;
        };
        let items: Vec<&HeaderItem<'_>> =
            crate::receive::actors::processed_headers(&envelope, self.options.actor.as_deref())
                .flat_map(|header| header.items.iter())
                .collect();
        if items.is_empty() {
            return;
        }
        self.work.header_registrations += 1;
        let fresh: Vec<(&HeaderItem<'_>, String)> = items
            .iter()
            .map(|item| (*item, fingerprint(item.node())))
            .filter(|(_, key)| !self.registered.contains(key))
            .collect();
        self.work.items_fingerprinted += items.len();
        for pass in 0..4 {
            for (item, key) in &fresh {
                let wanted = match item {
                    HeaderItem::BinarySecurityToken(_)
                    | HeaderItem::Timestamp(_)
                    | HeaderItem::UsernameToken(_)
                    | HeaderItem::SignatureConfirmation(_)
                    | HeaderItem::SecurityContextToken(_) => pass == 0,
                    HeaderItem::EncryptedKey(_) | HeaderItem::Other(_) => pass == 1,
                    HeaderItem::SamlAssertion(_) => pass == 2,
                    HeaderItem::DerivedKeyToken(_) => pass == 3,
                    _ => false,
                };
                // A second element with the same fingerprint (an exact copy) is registered once.
                if !wanted || !self.registered.insert(key.clone()) {
                    continue;
                }
                if let HeaderItem::Other(block) = item {
                    self.register_nested(doc, *block);
                    continue;
                }
                let token = self.register(doc, item);
                self.tokens.push(token);
            }
        }
    }

    pub(super) fn register(&mut self, doc: &Document, item: &HeaderItem<'_>) -> MessageToken {
        let node = item.node();
        let line = node.position().line;
        let token = |kind: &str, value: TokenValue, detail: String| MessageToken {
            kind: kind.to_string(),
            id: item.id().map(str::to_string),
            alias: None,
            line,
            value,
            detail,
            issuers: Vec::new(),
        };
        match item {
            HeaderItem::Timestamp(t) => {
                let created = t.created.as_ref().map_or("-", |c| c.text.as_str());
                let expires = t.expires.as_ref().map_or("-", |c| c.text.as_str());
                token(
                    "Timestamp",
                    TokenValue::NoKey,
                    format!("Created {created}, Expires {expires}"),
                )
            }
            HeaderItem::UsernameToken(u) => {
                let password = match &u.password {
                    Some(p) => format!(", password {:?}", p.kind),
                    None => String::new(),
                };
                if u.password
                    .as_ref()
                    .is_some_and(|p| matches!(p.kind, crate::wss::tokens::PasswordKind::Text))
                {
                    self.findings.push(
                        FindingCode::PasswordText
                            .finding_at("a UsernameToken carries its password in clear text", node),
                    );
                }
                token(
                    "UsernameToken",
                    TokenValue::NoKey,
                    format!(
                        "Username {}{password}",
                        u.username.as_deref().unwrap_or("-")
                    ),
                )
            }
            HeaderItem::SignatureConfirmation(s) => token(
                "SignatureConfirmation",
                TokenValue::NoKey,
                format!(
                    "Value {}",
                    s.value
                        .as_deref()
                        .unwrap_or("(none: the request was not signed)")
                ),
            ),
            HeaderItem::BinarySecurityToken(b) => {
                let data = b.data.clone().or_else(|| {
                    b.xop_include
                        .as_deref()
                        .and_then(|href| self.attachments.attachment(href))
                });
                let mut path_issuers = Vec::new();
                let value = match (&b.kind, &data) {
                    (_, None) if b.xop_include.is_some() => TokenValue::Unresolved(
                        "the token is an MTOM attachment that is not in this copy".into(),
                    ),
                    (_, None) => TokenValue::Unresolved("no token data".into()),
                    (BinaryTokenKind::X509V3 | BinaryTokenKind::X509V1, Some(der)) => {
                        match Certificate::from_der(
                            der,
                            format!("BinarySecurityToken {}", b.id.as_deref().unwrap_or("")),
                        ) {
                            Ok(c) => TokenValue::Certificate(c),
                            Err(e) => TokenValue::Unresolved(format!(
                                "the certificate does not parse: {e}"
                            )),
                        }
                    }
                    (BinaryTokenKind::X509PkiPathV1, Some(der)) => match pki_path(der) {
                        Ok(mut path) => {
                            // The signer's certificate is the last; the others issued it.
                            let leaf = path.pop().expect("pki_path returns at least one");
                            path_issuers = path;
                            TokenValue::Certificate(leaf)
                        }
                        Err(e) => TokenValue::Unresolved(e),
                    },
                    (kind, Some(_)) => {
                        TokenValue::Unresolved(format!("a {kind:?} token is shown, not used"))
                    }
                };
                let detail = match &value {
                    TokenValue::Certificate(c) => {
                        let entry = crate::receive::store::CertificateEntry {
                            id: b.id.clone(),
                            certificate: c.clone(),
                            message: self.message,
                        };
                        self.store.certificates.push(entry);
                        format!(
                            "X.509 {} (issuer {}, serial {})",
                            c.subject(),
                            c.issuer(),
                            c.serial_decimal().unwrap_or_default()
                        )
                    }
                    TokenValue::Unresolved(why) => {
                        // Missing data is already a reader problem; a certificate that does not
                        // parse is news.
                        if data.is_some() {
                            self.findings.push(
                                FindingCode::Damaged
                                    .finding_at(format!("BinarySecurityToken: {why}"), node),
                            );
                        }
                        why.clone()
                    }
                    _ => String::new(),
                };
                let mut t = token("BinarySecurityToken", value, detail);
                t.issuers = path_issuers;
                t
            }
            HeaderItem::SecurityContextToken(sct) => {
                let key =
                    self.store
                        .sct_key(sct.identifier.as_deref(), sct.id.as_deref(), self.message);
                self.store.register_sct(SctEntry {
                    wsu_id: sct.id.clone(),
                    identifier: sct.identifier.clone(),
                    key,
                    message: self.message,
                });
                let detail = format!("Identifier {}", sct.identifier.as_deref().unwrap_or("-"));
                let value = match key {
                    Some(k) => TokenValue::Key(k),
                    None => TokenValue::Unresolved(format!(
                        "no key is known for it (an earlier RSTR of this conversation, or --key-name {}=...)",
                        sct.identifier
                            .as_deref()
                            .or(sct.id.as_deref())
                            .unwrap_or("ID")
                    )),
                };
                let mut t = token("SecurityContextToken", value, detail);
                t.alias = sct.identifier.clone();
                t
            }
            HeaderItem::EncryptedKey(n) => {
                let value = self.unwrap_encrypted_key(doc, *n);
                if matches!(value, TokenValue::Unresolved(_)) {
                    self.note_closed_encrypted_key(doc, *n);
                }
                if let Some(receiver) = &self.options.receiver_certificate {
                    let ids = self.id_index(doc);
                    let selectors = recipient_selectors(&self.resolver(doc, &ids), *n);
                    self.findings
                        .extend(other_certificate_finding(*n, &selectors, receiver));
                }
                let ek = EncryptedKey::read(*n);
                let detail = ek.method_uri.map(algorithm_name).unwrap_or_default();
                token("EncryptedKey", value, detail)
            }
            HeaderItem::SamlAssertion(a) => {
                let value = self.saml_key(doc, a);
                let window = Window {
                    kind: ValidityWindow::SamlConditions,
                    starts: a.not_before.as_deref(),
                    ends: a.not_on_or_after.as_deref(),
                    node: Some(a.node),
                };
                self.findings.extend(window_findings(
                    window,
                    self.options.now,
                    self.options.clock_skew,
                ));
                let detail = format!(
                    "SAML {:?} issued by {}",
                    a.version,
                    a.issuer.as_deref().unwrap_or("-")
                );
                let mut t = token("SamlAssertion", value, detail);
                t.id = a.id.clone();
                t
            }
            HeaderItem::DerivedKeyToken(dkt) => {
                let value = self.derive(doc, dkt);
                let e = &dkt.effective;
                let label = if dkt.label.is_none() && self.options.dk_label.is_some() {
                    format!(
                        "label {:?} (from --dk-label)",
                        self.options.dk_label.as_deref().unwrap_or("")
                    )
                } else if e.label_is_default {
                    "default label".to_string()
                } else {
                    format!("label {:?}", e.label)
                };
                let detail = format!(
                    "offset {}{}, length {}{}, {label}",
                    e.offset,
                    if dkt.offset.is_none() && dkt.generation.is_none() {
                        " (default)"
                    } else {
                        ""
                    },
                    e.length,
                    if e.length_is_default {
                        " (default)"
                    } else {
                        ""
                    }
                );
                token("DerivedKeyToken", value, detail)
            }
            _ => token(item.kind_name(), TokenValue::NoKey, String::new()),
        }
    }

    /// A header block wskex has no reader for (a custom token such as wskex's own delegation
    /// token) may carry EncryptedKeys and its own signature: the keys are registered so an
    /// STR can name them, and the signatures are verified like a SAML assertion's. A nested
    /// key that cannot be opened is only a warning: the block may carry keys for others.
    pub(super) fn register_nested(&mut self, doc: &Document, block: Node<'_>) {
        let outside_encrypted = |n: &Node<'_>| {
            !n.ancestors().take_while(|a| a.id() != block.id()).any(|a| {
                a.has_name(ns::XENC, "EncryptedData") || a.has_name(ns::XENC, "EncryptedKey")
            })
        };
        let keys: Vec<Node<'_>> = block
            .descendants()
            .filter(|n| n.has_name(ns::XENC, "EncryptedKey") && outside_encrypted(n))
            .collect();
        for ek in keys {
            let line = ek.position().line;
            let value = self.unwrap_encrypted_key_reporting(doc, ek, false);
            if let TokenValue::Unresolved(why) = &value {
                self.findings
                    .push(FindingCode::NestedKeyUnavailable.finding_at(
                        format!(
                            "the EncryptedKey inside {} cannot be opened: {why}",
                            block.qname()
                        ),
                        ek,
                    ));
            }
            self.tokens.push(MessageToken {
                kind: "EncryptedKey".to_string(),
                id: ek.attribute("Id").map(str::to_string),
                alias: None,
                line,
                value,
                detail: format!("inside {} (line {})", block.qname(), block.position().line),
                issuers: Vec::new(),
            });
        }
        let signatures: Vec<Node<'_>> = block
            .descendants()
            .filter(|n| n.has_name(ns::DS, "Signature") && outside_encrypted(n))
            .collect();
        self.verify_token_signatures(doc, signatures);
    }

    /// Verifies each of `signatures` (inside tokens or header blocks) with one id index.
    pub(super) fn verify_token_signatures(&mut self, doc: &Document, signatures: Vec<Node<'_>>) {
        if signatures.is_empty() {
            return;
        }
        let ids = self.id_index(doc);
        for signature in signatures {
            self.verify_token_signature(doc, &ids, signature);
        }
    }

    /// Verifies a signature that belongs to a token (a SAML assertion's, a custom block's)
    /// rather than to the Security header, where it stands.
    pub(super) fn verify_token_signature(
        &mut self,
        doc: &Document,
        ids: &IdIndex,
        signature: Node<'_>,
    ) {
        let report = match SignatureElement::read(signature) {
            Ok(parsed) => {
                let resolver = self.resolver(doc, ids);
                verify_signature(
                    doc,
                    ids,
                    &parsed,
                    &resolver,
                    Some(&resolver),
                    &self.verify_options,
                )
            }
            Err(e) => SignatureReport::malformed(signature, &e.to_string()),
        };
        self.signatures.push(report);
    }

    /// Remembers under which Security header a header signature was verified.
    pub(super) fn note_header_signature(&mut self, node: Node<'_>, report: &SignatureReport) {
        if let Some(index) = crate::receive::actors::header_index(node) {
            let mention = crate::receive::actors::SignatureMention {
                id: report.id.clone(),
                line: report.line,
                valid: report.valid,
            };
            self.header_signatures.push((index, mention));
        }
    }

    /// Opens an EncryptedKey and remembers its key by id and by SHA-1.
    pub(super) fn unwrap_encrypted_key(&mut self, doc: &Document, node: Node<'_>) -> TokenValue {
        self.unwrap_encrypted_key_reporting(doc, node, true)
    }

    /// Opens an EncryptedKey; `report_failure` adds the error finding when it cannot be
    /// opened (callers with their own, more precise finding pass false).
    pub(super) fn unwrap_encrypted_key_reporting(
        &mut self,
        doc: &Document,
        node: Node<'_>,
        report_failure: bool,
    ) -> TokenValue {
        let ek = EncryptedKey::read(node);
        let line = node.position().line;
        // A secret the user bound to this EncryptedKey's id (the sender of a message holds
        // the key it wrapped for someone else, and an auditor may know it from elsewhere).
        if let Some(binding) = ek
            .id
            .and_then(|id| self.store.bindings.iter().find(|b| b.name == id))
            .cloned()
        {
            let name = binding.name.clone();
            let id = self.add_key(
                Some(name.clone()),
                binding.secret,
                Provenance::Supplied {
                    label: binding.label,
                },
                line,
            );
            if let Some(sha1) = encrypted_key_sha1(&ek) {
                self.store.encrypted_keys.push(EncryptedKeyEntry {
                    id: Some(name),
                    sha1,
                    key: id,
                    message: self.message,
                });
            }
            return TokenValue::Key(id);
        }
        let ids = self.id_index(doc);
        // The key length the data needs, when the ReferenceList tells which data.
        let expected = ek.data_references.iter().find_map(|r| {
            let id = r.strip_prefix('#')?;
            let IdLookup::Unique(n) = ids.lookup(id) else {
                return None;
            };
            let data = doc
                .node(n)
                .descendants()
                .find(|d| d.has_name(ns::XENC, "EncryptedData"))?;
            let method = EncryptedData::read(data).method_uri?;
            BlockCipherAlgorithm::from_uri(method)
                .ok()
                .map(|a| a.key_len())
        });
        let result = {
            let resolver = self.resolver(doc, &ids);
            let selectors = ek
                .key_info
                .and_then(|ki| ki.child(ns::WSSE, "SecurityTokenReference"))
                .map(|str| resolver.selectors(&SecurityTokenReference::read(str)));
            match selectors {
                Some(Err(e)) => Err(format!("cannot tell which private key opens it: {e}")),
                Some(Ok(s)) => {
                    resolver
                        .standard
                        .unwrap_encrypted_key_with(&ek, Some(s), expected, 0)
                }
                None => resolver.standard.unwrap_encrypted_key(&ek, expected, 0),
            }
        };
        match result {
            Ok(data_key) => {
                let name = ek
                    .id
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("EncryptedKey (line {line})"));
                let provenance = Provenance::Unwrapped {
                    encrypted_key: ek
                        .id
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("at line {line}")),
                    transport: ek.method_uri.map(algorithm_name).unwrap_or_default(),
                    with: data_key.opened_with.clone(),
                };
                if data_key.assumed {
                    self.findings
                        .push(crate::receive::key_assumption::assumed_key_finding(
                            &name, &data_key, node,
                        ));
                }
                if ek.method_uri.is_some_and(|m| m.ends_with("#rsa-1_5")) {
                    self.findings.push(FindingCode::Rsa15KeyTransport.finding_at(format!("{name} uses RSA PKCS#1 v1.5 key transport, open to Bleichenbacher-style padding oracles; prefer RSA-OAEP"), node));
                }
                let id = self.add_key(ek.id.map(str::to_string), data_key.key, provenance, line);
                if let Some(sha1) = encrypted_key_sha1(&ek) {
                    self.store.encrypted_keys.push(EncryptedKeyEntry {
                        id: ek.id.map(str::to_string),
                        sha1,
                        key: id,
                        message: self.message,
                    });
                }
                TokenValue::Key(id)
            }
            Err(e) => {
                if report_failure {
                    self.findings
                        .push(FindingCode::KeyUnavailable.finding_at(e.clone(), node));
                }
                TokenValue::Unresolved(e)
            }
        }
    }

    /// The key a SAML assertion's holder-of-key subject confirmation binds, and a check of
    /// the assertion's own signature.
    pub(super) fn saml_key(
        &mut self,
        doc: &Document,
        assertion: &crate::wss::tokens::SamlAssertion<'_>,
    ) -> TokenValue {
        let ids = self.id_index(doc);
        if let Some(signature) = assertion.signature {
            self.verify_token_signature(doc, &ids, signature);
        }
        let Some(key_info) = assertion.confirmations.iter().find_map(|c| c.key_info) else {
            return TokenValue::NoKey;
        };
        if let Some(ek) = key_info.child(ns::XENC, "EncryptedKey") {
            return match self.unwrap_encrypted_key_reporting(doc, ek, false) {
                TokenValue::Unresolved(why) => {
                    self.findings.push(FindingCode::HokKeyUnavailable.finding_at(format!("the holder-of-key EncryptedKey of assertion {} cannot be opened: {why}", assertion.id.as_deref().unwrap_or("")), ek));
                    TokenValue::Unresolved(why)
                }
                other => other,
            };
        }
        for item in crate::dsig::key_info::read_key_info(key_info) {
            if let crate::dsig::key_info::KeyInfoItem::X509Data(data) = item
                && let Some(der) = data.certificates.first()
            {
                return match Certificate::from_der(der, "SAML holder-of-key certificate") {
                    Ok(c) => TokenValue::Certificate(c),
                    Err(e) => TokenValue::Unresolved(e.to_string()),
                };
            }
        }
        TokenValue::Unresolved(
            "the subject confirmation key is neither an EncryptedKey nor a certificate".into(),
        )
    }

    /// Derives a DerivedKeyToken's key from the key its STR designates.
    pub(super) fn derive(
        &mut self,
        doc: &Document,
        dkt: &crate::wss::tokens::DerivedKeyToken<'_>,
    ) -> TokenValue {
        let line = dkt.node.position().line;
        let name = dkt
            .id
            .clone()
            .unwrap_or_else(|| format!("DerivedKeyToken (line {line})"));
        let fail = |me: &mut Self, why: String| {
            me.findings
                .push(FindingCode::KeyUnavailable.finding_at(format!("{name}: {why}"), dkt.node));
            TokenValue::Unresolved(why)
        };
        if !dkt.derivable {
            let why = dkt
                .problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_else(|| "its parameters are unusable".into());
            return fail(self, why);
        }
        let Some(reference) = &dkt.reference else {
            return fail(self, "it has no SecurityTokenReference".into());
        };
        let Some(nonce) = dkt.nonce.clone() else {
            return fail(self, "it has no Nonce".into());
        };
        let ids = self.id_index(doc);
        let base = match self.resolver(doc, &ids).resolve_str(reference) {
            Ok(Resolved::Key { id, .. }) => id,
            Ok(Resolved::Certificate { .. }) => {
                return fail(self, "its STR names a certificate, not a secret".into());
            }
            Err(e) => return fail(self, e.to_string()),
        };
        let e = &dkt.effective;
        let label: Option<String> = match (&dkt.label, &self.options.dk_label) {
            (Some(l), _) => Some(l.clone()),
            (None, Some(custom)) => Some(custom.clone()),
            (None, None) => None,
        };
        if let Err(refused) = self.derivation.charge(e.offset.saturating_add(e.length)) {
            return fail(self, refused.to_string());
        }
        let base_record = self.store.keyring.get(base);
        let derived = psha1::derived_key(
            base_record.bytes.expose(),
            label.as_deref().map(str::as_bytes),
            &nonce,
            e.offset as usize,
            e.length as usize,
        );
        match derived {
            Ok(bytes) => {
                let provenance = Provenance::Derived {
                    base: base_record.name.clone(),
                    label,
                    nonce,
                    offset: e.offset as usize,
                    length: e.length as usize,
                };
                TokenValue::Key(self.add_key(dkt.id.clone(), bytes, provenance, line))
            }
            Err(err) => fail(self, err.to_string()),
        }
    }
}

/// The certificates of an X509PKIPathv1 token, in order: a DER SEQUENCE of certificates from
/// the one nearest the root to the signer's (X.509 Token Profile 1.1, 3.1). Never empty.
fn pki_path(der: &[u8]) -> Result<Vec<Certificate>, String> {
    let (content, _) = der_sequence(der).ok_or("the PKIPath is not a DER SEQUENCE")?;
    let mut rest = content;
    let mut path = Vec::new();
    while !rest.is_empty() {
        let (_, total) = der_sequence(rest).ok_or("a PKIPath entry is not a certificate")?;
        let certificate = Certificate::from_der(&rest[..total], "PKIPath certificate")
            .map_err(|e| e.to_string())?;
        path.push(certificate);
        rest = &rest[total..];
    }
    if path.is_empty() {
        return Err("the PKIPath holds no certificate".into());
    }
    Ok(path)
}

/// A DER SEQUENCE at the start of `bytes`: its content and its total length.
fn der_sequence(bytes: &[u8]) -> Option<(&[u8], usize)> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    let first = *bytes.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *bytes.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let total = header.checked_add(len)?;
    (total <= bytes.len()).then(|| (&bytes[header..total], total))
}
