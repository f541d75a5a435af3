//! `key-for-other-certificate`: an EncryptedKey of the Security header transported to a
//! certificate other than the receiver's. The receiver's certificate is the one the user
//! names with `--receiver-cert`; the EncryptedKey's KeyInfo names its recipient by thumbprint,
//! subject key identifier, issuer and serial, embedded certificate or key value. A KeyInfo
//! that names no certificate (a KeyName, nothing at all) is not judged: it says nothing to
//! compare.

use crate::crypto::named_certificate::designated;
use crate::crypto::{Certificate, KeySelector};
use crate::dsig::key_info::read_key_info;
use crate::ns;
use crate::resolve::selectors_of;
use crate::xml::Node;

use super::Finding;
use super::finding_code::FindingCode;
use super::resolver::WssResolver;
use crate::wss::str_ref::SecurityTokenReference;

/// What the EncryptedKey's KeyInfo says about its recipient, as key selectors: the
/// SecurityTokenReference resolved as the receiver resolves it, else the plain KeyInfo.
pub fn recipient_selectors(
    resolver: &WssResolver<'_, '_>,
    encrypted_key: Node<'_>,
) -> Vec<KeySelector> {
    let Some(key_info) = encrypted_key.child(ns::DS, "KeyInfo") else {
        return Vec::new();
    };
    match key_info.child(ns::WSSE, "SecurityTokenReference") {
        Some(str) => resolver
            .selectors(&SecurityTokenReference::read(str))
            .unwrap_or_default(),
        None => selectors_of(&read_key_info(key_info)),
    }
}

/// The error when `selectors` name a recipient and none of them designates `receiver`.
pub fn other_certificate_finding(
    encrypted_key: Node<'_>,
    selectors: &[KeySelector],
    receiver: &Certificate,
) -> Option<Finding> {
    let naming: Vec<&KeySelector> = selectors
        .iter()
        .filter(|s| !matches!(s, KeySelector::KeyName(_)))
        .collect();
    if naming.is_empty() || designated(selectors, [receiver]).is_some() {
        return None;
    }
    let named: Vec<String> = naming.iter().map(|s| s.to_string()).collect();
    Some(FindingCode::KeyForOtherCertificate.finding_at(
        format!(
            "EncryptedKey {} is transported to the key named by {}, not to the receiver's certificate {}: whoever holds that key reads what it protects",
            encrypted_key.attribute("Id").unwrap_or("(no Id)"),
            named.join(", "),
            receiver.subject()
        ),
        encrypted_key,
    ))
}
