//! A key used on an assumption is labelled as one. When the message names its key only by
//! something that cannot be checked against the supplied private key (a thumbprint or an
//! issuer and serial, with the key supplied without its certificate), the only such key is the
//! user's evident choice; whatever it opens is then an assumption, never a match.

use crate::xenc::DataKey;
use crate::xml::Node;

use super::Finding;
use super::finding_code::FindingCode;

/// The warning that an EncryptedKey was opened with an assumed key, naming the key and why.
pub fn assumed_key_finding(encrypted_key: &str, data_key: &DataKey, node: Node<'_>) -> Finding {
    FindingCode::KeyAssumed.finding_at(
        format!(
            "{encrypted_key} was opened with {} on an assumption, not a match: {}",
            data_key.opened_with,
            data_key.chain.join("; ")
        ),
        node,
    )
}
