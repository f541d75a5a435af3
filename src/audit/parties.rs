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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ns;

    fn message(framing: Framing) -> CapturedMessage {
        CapturedMessage {
            source_name: "m.xml".into(),
            file: "m.xml".into(),
            framing,
            mime: None,
            soap: Vec::new().into(),
            soap_offset: None,
            soap_first_line: 1,
            attachments: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn envelope(headers: &str) -> Document {
        let text = format!(
            r#"<s:Envelope xmlns:s="{}" xmlns:a="{}"><s:Header>{headers}</s:Header><s:Body/></s:Envelope>"#,
            ns::SOAP12,
            ns::WSA
        );
        Document::parse_str(&text, "m").unwrap()
    }

    #[test]
    fn addressing_names_the_parties_and_direction_fills_in_the_rest() {
        let doc = envelope(
            "<a:To>https://bank.example/pay</a:To>\
             <a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>",
        );
        let (from, to) = message_parties(&message(Framing::RawXml), Some(&doc));
        assert_eq!(
            (from.as_str(), to.as_str()),
            (CLIENT, "https://bank.example/pay")
        );

        let reply = envelope("<a:RelatesTo>urn:uuid:1</a:RelatesTo>");
        let (from, to) = message_parties(&message(Framing::RawXml), Some(&reply));
        assert_eq!((from.as_str(), to.as_str()), (SERVICE, CLIENT));

        let http = Framing::Http {
            start_line: "HTTP/1.1 200 OK".into(),
            headers: Vec::new(),
        };
        let (from, to) = message_parties(&message(http), None);
        assert_eq!((from.as_str(), to.as_str()), (SERVICE, CLIENT));
    }
}
