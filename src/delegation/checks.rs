//! The checks a target makes on a request that carries a delegation token, on top of what
//! the WS-Security processor verified (the token's own signature, the session-key signature
//! and the endorsing one): the token is signed by a supplied secret, the endorsing
//! certificate is the named delegate, the token is for this target and not expired, and the
//! signed `wsa:Action` is a granted right. The walkthrough's target and `wskex inspect` both
//! use them.

use crate::crypto::Certificate;
use crate::dsig::SignatureReport;
use crate::exchange::{Check, CheckKind, DelegationCheck};
use crate::ns;
use crate::wss::datetime::UtcDateTime;
use crate::xml::{Document, IdAttributes, IdIndex, IdLookup, base64};

use super::token::DelegationToken;

/// Whether the checks establish who the delegate is: the token is the delegator's (its
/// signature verifies with a supplied secret) and the certificate that endorsed the request is
/// the one it names. A key the message carries is then an identity after all.
pub fn establishes_delegate_identity(checks: &[Check]) -> bool {
    [DelegationCheck::Signature, DelegationCheck::NamedDelegate]
        .into_iter()
        .all(|check| {
            checks
                .iter()
                .any(|c| c.kind == CheckKind::Delegation { check } && c.ok)
        })
}

/// A delegation check's verdict, named as reports show it.
fn delegation_check(check: DelegationCheck, ok: bool, reason: impl Into<String>) -> Check {
    let name = match check {
        DelegationCheck::Token => "delegation token",
        DelegationCheck::Signature => "delegation signature",
        DelegationCheck::NamedDelegate => "named delegate",
        DelegationCheck::Audience => "delegation audience",
        DelegationCheck::Expiry => "delegation expiry",
        DelegationCheck::Right => "delegated right",
    };
    Check::of(CheckKind::Delegation { check }, name, ok, reason)
}

/// Every check, in order. `signatures` are the processor's reports for this message; `now`
/// is the target's clock (`None` when auditing a capture: the expiry is shown, not judged);
/// `target` is the target's own URI (`None`: the message's `wsa:To`).
pub fn target_checks(
    doc: &Document,
    signatures: &[SignatureReport],
    now: Option<UtcDateTime>,
    target: Option<&str>,
) -> Vec<Check> {
    let Some(token) = DelegationToken::find(doc) else {
        return vec![delegation_check(
            DelegationCheck::Token,
            false,
            "the request carries no delegation token",
        )];
    };
    let mut checks = Vec::new();
    let token_ref = token.id.map(|id| format!("#{id}"));
    let token_signature = token.signature.and_then(|s| s.attribute("Id"));
    // The token's own signature, valid over the token, with a key the target supplied.
    let token_report = signatures.iter().find(|s| {
        s.valid
            && token_signature.is_some()
            && s.id.as_deref() == token_signature
            && s.key.as_ref().is_some_and(|k| k.proves_identity)
            && s.references
                .iter()
                .any(|r| r.uri.is_some() && r.uri == token_ref)
    });
    let token_verified = token_report.is_some();
    let delegator = token.delegator.as_deref().unwrap_or("the delegator");
    checks.push(if let Some(report) = token_report {
        let key = report.key.as_ref().map_or("", |k| k.name.as_str());
        delegation_check(
            DelegationCheck::Signature,
            true,
            format!("the token's signature verifies with the shared secret {key}: {delegator} wrote it and nobody changed it"),
        )
    } else {
        delegation_check(
            DelegationCheck::Signature,
            false,
            format!("the token's signature does not verify with a secret shared with {delegator}: {delegator} did not write it, or it was changed"),
        )
    });

    // The endorsing signature: valid, over a valid signature made with the token's session
    // key, by the certificate the token names.
    let ids = doc.id_index(&IdAttributes::default());
    let session_key_id = token.session_key.and_then(|k| k.attribute("Id"));
    let primary = signatures.iter().find(|s| {
        s.valid
            && s.id.as_deref() != token_signature
            && session_key_id.is_some_and(|ek| {
                signature_key_reference(doc, &ids, s.id.as_deref()).as_deref()
                    == Some(&format!("#{ek}"))
            })
    });
    let endorser = primary.and_then(|p| {
        let primary_ref = format!("#{}", p.id.as_deref()?);
        signatures
            .iter()
            .filter(|s| {
                s.valid
                    && s.references
                        .iter()
                        .any(|r| r.uri.as_deref() == Some(&primary_ref))
            })
            .find_map(|s| signing_certificate(doc, &ids, s.id.as_deref()))
    });
    let delegate_ok = match (&endorser, &token.delegate_thumbprint) {
        (Some(cert), Some(named)) => cert.thumbprint_sha1().ok().as_ref() == Some(named),
        _ => false,
    };
    checks.push(if delegate_ok {
        delegation_check(
            DelegationCheck::NamedDelegate,
            true,
            format!(
                "the certificate that endorsed the session-key signature ({}) is the delegate the token names",
                endorser.as_ref().map(|c| c.subject()).unwrap_or_default()
            ),
        )
    } else if primary.is_none() {
        delegation_check(
            DelegationCheck::NamedDelegate,
            false,
            "no valid signature made with the token's session key: the delegate is not proven",
        )
    } else {
        delegation_check(
            DelegationCheck::NamedDelegate,
            false,
            "the session-key signature is not endorsed by the certificate the token names",
        )
    });

    checks.push(match (token.expires, now) {
        (Some(expires), None) => delegation_check(
            DelegationCheck::Expiry,
            true,
            format!("the delegation expires at {expires} (a captured message is not judged against today's clock)"),
        ),
        (Some(expires), Some(now)) if now < expires => delegation_check(
            DelegationCheck::Expiry,
            true,
            format!("the delegation is valid until {expires}"),
        ),
        (Some(expires), Some(_)) => delegation_check(
            DelegationCheck::Expiry,
            false,
            format!("the delegation expired at {expires}"),
        ),
        (None, _) => delegation_check(DelegationCheck::Expiry,false,"the token states no expiry"),
    });
    // The target is who checks; an auditor takes the message's wsa:To for it.
    let target = target.map(str::to_string).or_else(|| {
        doc.descendants()
            .find(|n| n.has_name(ns::WSA, "To"))
            .map(|n| n.text_content().trim().to_string())
    });
    checks.push(match (&token.audience, &target) {
        (Some(audience), Some(target)) if audience == target => delegation_check(
            DelegationCheck::Audience,
            true,
            format!("the token is meant for {target}"),
        ),
        (audience, target) => delegation_check(
            DelegationCheck::Audience,
            false,
            format!(
                "the token is meant for {}, not {}",
                audience.as_deref().unwrap_or("nobody"),
                target.as_deref().unwrap_or("an unnamed target")
            ),
        ),
    });

    // The action asked for: the wsa:Action, which a valid session-key signature must cover.
    let action = doc
        .descendants()
        .find(|n| n.has_name(ns::WSA, "Action"))
        .map(|n| (n.text_content().trim().to_string(), n.path()));
    let action_signed = match (&action, primary) {
        (Some((_, path)), Some(p)) => p
            .references
            .iter()
            .any(|r| r.valid && r.target.as_deref() == Some(path.as_str())),
        _ => false,
    };
    checks.push(match action {
        None => delegation_check(DelegationCheck::Right,false,"the request names no wsa:Action, so no right can be checked"),
        Some(_) if !action_signed => delegation_check(
            DelegationCheck::Right,
            false,
            "the wsa:Action is not covered by the session-key signature, so the right asked for is not proven",
        ),
        Some((action, _)) if !token_verified => delegation_check(
            DelegationCheck::Right,
            false,
            format!("{action} needs a right, and the token's rights cannot be trusted: its signature does not verify"),
        ),
        Some((action, _)) => match token.right_for(&action) {
            Some(right) => delegation_check(
                DelegationCheck::Right,
                true,
                format!("{action} is allowed by the granted right {}", right.name),
            ),
            None => delegation_check(
                DelegationCheck::Right,
                false,
                format!(
                    "{action} is not a granted right (the delegation grants: {})",
                    token.right_names()
                ),
            ),
        },
    });
    checks
}

/// The `wsse:Reference URI` in the KeyInfo of the signature with this id.
fn signature_key_reference(doc: &Document, ids: &IdIndex, id: Option<&str>) -> Option<String> {
    let IdLookup::Unique(node) = ids.lookup(id?) else {
        return None;
    };
    doc.node(node)
        .child(ns::DS, "KeyInfo")?
        .child(ns::WSSE, "SecurityTokenReference")?
        .child(ns::WSSE, "Reference")?
        .attribute("URI")
        .map(str::to_string)
}

/// The certificate in the BinarySecurityToken the signature with this id names.
fn signing_certificate(doc: &Document, ids: &IdIndex, id: Option<&str>) -> Option<Certificate> {
    let uri = signature_key_reference(doc, ids, id)?;
    let IdLookup::Unique(bst) = ids.lookup(uri.strip_prefix('#')?) else {
        return None;
    };
    let bst = doc.node(bst);
    if !bst.has_name(ns::WSSE, "BinarySecurityToken") {
        return None;
    }
    let der = base64::decode(bst.text_content().trim()).ok()?;
    Certificate::from_der(&der, "delegate's BinarySecurityToken").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token with nothing in it, in an unsigned request: every check fails with a reason,
    /// none panics.
    #[test]
    fn an_empty_token_fails_every_check_with_a_reason() {
        let text = format!(
            "<s:Envelope xmlns:s=\"{}\" xmlns:wsse=\"{}\"><s:Header><wsse:Security>\
             <dlg:DelegationToken xmlns:dlg=\"{}\"/></wsse:Security></s:Header><s:Body/></s:Envelope>",
            ns::SOAP12,
            ns::WSSE,
            super::super::DLG
        );
        let doc = Document::parse_str(&text, "empty").unwrap();
        let checks = target_checks(&doc, &[], None, Some("urn:target"));
        let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "delegation signature",
                "named delegate",
                "delegation expiry",
                "delegation audience",
                "delegated right"
            ]
        );
        assert!(
            checks.iter().all(|c| !c.ok && !c.reason.is_empty()),
            "{checks:#?}"
        );
    }

    #[test]
    fn a_request_without_a_token_says_so() {
        let doc = Document::parse_str("<a/>", "none").unwrap();
        let checks = target_checks(&doc, &[], None, None);
        assert_eq!(checks.len(), 1);
        assert!(!checks[0].ok && checks[0].reason.contains("no delegation token"));
    }
}
