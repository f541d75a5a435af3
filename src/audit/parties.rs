//! Who sent a captured message and to whom, so a capture's "who knows it" columns name
//! parties: the WS-Addressing headers when they name real endpoints (`wsa:From`, else
//! `wsa:ReplyTo`, and `wsa:To`), else `client` and `service` by the message's direction (an
//! HTTP response, or a message that answers another with `wsa:RelatesTo`, goes from the
//! service to the client).

use crate::wss::envelope::SoapEnvelope;
use crate::xml::Document;

use super::message::{CapturedMessage, Framing};
use super::message_checks::addressing_header;

pub const CLIENT: &str = "client";
pub const SERVICE: &str = "service";

/// WS-Addressing's anonymous endpoint (both versions end so): it names nobody.
fn names_an_endpoint(address: &str) -> bool {
    !address.is_empty() && !address.ends_with("/anonymous") && !address.ends_with("/none")
}

/// `(from, to)` of `message`, read from its parsed envelope `doc` when there is one.
pub fn message_parties(message: &CapturedMessage, doc: Option<&Document>) -> (String, String) {
    let envelope = doc.and_then(|d| SoapEnvelope::read(d).ok());
    let header = |name: &str| {
        envelope
            .as_ref()
            .and_then(|e| addressing_header(e, name))
            .filter(|a| names_an_endpoint(a))
    };
    let is_response = match &message.framing {
        Framing::Http { start_line, .. } => start_line.starts_with("HTTP/"),
        _ => header("RelatesTo").is_some(),
    };
    let (by_direction_from, by_direction_to) = if is_response {
        (SERVICE, CLIENT)
    } else {
        (CLIENT, SERVICE)
    };
    let from = header("From")
        .or_else(|| header("ReplyTo"))
        .unwrap_or_else(|| by_direction_from.to_string());
    let to = header("To").unwrap_or_else(|| by_direction_to.to_string());
    (from, to)
}
