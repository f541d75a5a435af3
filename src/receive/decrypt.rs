//! Carrying out header items: verifying a signature, opening the parts a ReferenceList
//! names, splicing plaintext into a new version of the document.

use super::*;

impl Receiver<'_, '_> {
    /// Carries out one header item; returns the new document when it changed.
    pub(super) fn act(&mut self, doc: &Document, action: HeaderAction) -> Option<Document> {
        match action {
            HeaderAction::Verify { start } => {
                let node = element_at(doc, start)?;
                let ids = self.id_index(doc);
                let report = match SignatureElement::read(node) {
                    Ok(parsed) => {
                        let resolver = self.resolver(doc, &ids);
                        verify_signature(
                            doc,
                            &ids,
                            &parsed,
                            &resolver,
                            Some(&resolver),
                            &self.verify_options,
                        )
                    }
                    Err(e) => SignatureReport::malformed(node, &e.to_string()),
                };
                self.note_header_signature(node, &report);
                if let Some(key) = &report.key
                    && let Some(id) = self.store.keyring.by_name(&key.name)
                {
                    let method = report.signature_method.name().to_string();
                    self.store.keyring.note_usage(
                        id,
                        format!("{method} signature {}", report.id.as_deref().unwrap_or("")),
                    );
                }
                self.signatures.push(report);
                None
            }
            HeaderAction::Decrypt { targets } => self.decrypt_listed(doc, targets),
            HeaderAction::DecryptHere { start } => self.decrypt_at(doc, &[start]),
            HeaderAction::Nothing => None,
        }
    }

    /// Decrypts the EncryptedData (or EncryptedHeader) elements starting at `starts` and
    /// splices their plaintext in. Returns the new document when anything opened.
    pub(super) fn decrypt_at(&mut self, doc: &Document, starts: &[u32]) -> Option<Document> {
        let ids = self.id_index(doc);
        let mut edits: Vec<Edit> = Vec::new();
        let fresh: Vec<u32> = starts
            .iter()
            .copied()
            .filter(|s| !self.failed_data.contains(s))
            .collect();
        for start in fresh {
            let Some(target) = element_at(doc, start) else {
                continue;
            };
            let (outer, data_node) = if target.has_name(ns::XENC, "EncryptedData") {
                (target, target)
            } else if let Some(inner) = target.child(ns::XENC, "EncryptedData") {
                (target, inner)
            } else {
                self.findings.push(FindingCode::DecryptionFailed.finding_at(
                    format!(
                        "a DataReference points at {}, not an EncryptedData",
                        target.qname()
                    ),
                    target,
                ));
                continue;
            };
            let data = EncryptedData::read(data_node);
            let decryption = {
                let resolver = self.resolver(doc, &ids);
                decrypt_data(&data, &resolver, false)
            };
            let r = &decryption.report;
            let key_id = r
                .key_source
                .as_deref()
                .and_then(|name| self.store.keyring.by_name(name));
            if let Some(k) = key_id {
                let algorithm = r.algorithm.name();
                self.store.keyring.note_usage(
                    k,
                    format!(
                        "{algorithm} EncryptedData {}",
                        r.id.as_deref().unwrap_or("")
                    ),
                );
            }
            let mut report = EncryptionReport {
                id: r.id.clone(),
                line: r.line,
                target: String::new(),
                data_type: r.data_type.clone(),
                algorithm: r.algorithm.clone(),
                key: key_id
                    .map(|k| self.store.keyring.get(k).name.clone())
                    .or(r.key_source.clone()),
                key_chain: r.key_chain.clone(),
                plaintext_length: r.plaintext_length,
                ok: r.ok,
                error: r.error.clone(),
            };
            match decryption.plaintext {
                Some(plaintext) => match (&data.data_type, String::from_utf8(plaintext)) {
                    (DataType::Element | DataType::Content, Ok(text)) => {
                        report.target = describe_plaintext(&text, &data.data_type, outer);
                        let context = outer.parent().unwrap_or(outer);
                        match self.contexts.check_fits(context, &text) {
                            Ok(()) => edits.push(Edit::replace(outer.span(), text)),
                            Err(e) => {
                                report.ok = false;
                                report.error = Some(format!(
                                    "the decrypted content does not parse in place: {}",
                                    e.kind
                                ));
                            }
                        }
                    }
                    (DataType::Octets(_), _) => {
                        report.target = "octets".into();
                        // Opened but left in place (octets are not XML to splice in): later
                        // passes must not open (and report) it again.
                        if !self.failed_data.contains(&start) {
                            self.failed_data.push(start);
                        }
                    }
                    (_, Err(_)) => {
                        report.ok = false;
                        report.error = Some("the decrypted XML is not valid UTF-8".into());
                    }
                },
                None => {
                    report.target = format!(
                        "(not decrypted) in {}",
                        outer
                            .parent()
                            .map(|p| p.qname().to_string())
                            .unwrap_or_default()
                    );
                }
            }
            // Attempted and failed: later passes must not try (and report) it again.
            if !report.ok {
                if !self.failed_data.contains(&start) {
                    self.failed_data.push(start);
                }
                self.findings.push(FindingCode::DecryptionFailed.finding_at(
                    format!(
                        "EncryptedData {}: {}",
                        report.id.as_deref().unwrap_or(""),
                        report.error.as_deref().unwrap_or("failed")
                    ),
                    data_node,
                ));
            }
            self.encryptions.push(report);
        }
        if edits.is_empty() {
            return None;
        }
        match doc.with_edits(&edits) {
            Ok(edited) => {
                self.work.document_versions += 1;
                self.locate_findings();
                let replaced: Vec<Span> = edits.iter().map(|e| e.span).collect();
                self.received.record(doc, &replaced, &edited.changed);
                for signature in &mut self.signatures {
                    signature.span = shift_span(signature.span, &edits, &edited.changed);
                }
                self.decrypted = self
                    .decrypted
                    .iter()
                    .map(|s| shift_span(*s, &edits, &edited.changed))
                    .collect();
                self.decrypted.extend(edited.changed.iter().copied());
                self.failed_data = self
                    .failed_data
                    .iter()
                    .map(|&s| shift_span(Span { start: s, end: s }, &edits, &edited.changed).start)
                    .collect();
                Some(edited.document)
            }
            Err(e) => {
                let n = edits.len();
                for report in self.encryptions.iter_mut().rev().filter(|r| r.ok).take(n) {
                    report.ok = false;
                    report.error = Some(format!(
                        "the decrypted content does not fit back into the message: {}",
                        e.kind
                    ));
                }
                self.findings.push(FindingCode::DecryptionFailed.finding(
                    format!("decrypted content does not parse in place: {e}"),
                    None,
                ));
                self.failed_data.extend(starts.iter().copied());
                None
            }
        }
    }

    /// Moves the findings made since the last call onto the received text.
    pub(super) fn locate_findings(&mut self) {
        for finding in &mut self.findings[self.located_findings..] {
            self.received.relocate(finding);
        }
        self.located_findings = self.findings.len();
    }
}

fn describe_plaintext(text: &str, data_type: &DataType, outer: Node<'_>) -> String {
    match data_type {
        DataType::Content => format!(
            "content of {}",
            outer
                .parent()
                .map(|p| p.qname().to_string())
                .unwrap_or_default()
        ),
        _ => {
            let name: String = text
                .trim_start()
                .trim_start_matches('<')
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            if name.is_empty() {
                "element".into()
            } else {
                name
            }
        }
    }
}
