//! Who sent a captured message and to whom, so a capture's "who knows it" columns name
//! parties: the sender is the subject (its CN) of the X.509 certificate whose signature in
//! the Security header verified; else the WS-Addressing headers when they name real endpoints
//! (`wsa:From`, else `wsa:ReplyTo`, and `wsa:To`); else `client` and `service` by the
//! message's direction (an HTTP response, or a message that answers another with
//! `wsa:RelatesTo`, goes from the service to the client). Names come from the input, so they
//! are escaped.

use crate::crypto::dn::common_name;
use crate::crypto::{Algorithm, SignatureAlgorithm, StatedAlgorithm};
use crate::dsig::SignatureReport;
use crate::safe_text::one_line;
use crate::wss::envelope::SoapEnvelope;
use crate::xml::Document;

use super::message::{CapturedMessage, Framing};
use super::message_checks::addressing_header;

pub const CLIENT: &str = "client";
pub const SERVICE: &str = "service";

/// WS-Addressing's anonymous and none endpoints (both versions end so) name nobody.
pub(super) fn names_an_endpoint(address: &str) -> bool {
    !address.is_empty() && !address.ends_with("/anonymous") && !address.ends_with("/none")
}

/// The short name (CN) of the certificate whose RSA signature in the message's Security
/// header verified: who signed the message. An embedded signature (a SAML assertion's, by
/// its issuer) names no sender.
pub fn signer_name<'r>(
    signatures: impl IntoIterator<Item = &'r SignatureReport>,
) -> Option<String> {
    signatures
        .into_iter()
        .filter(|s| s.valid && s.path.rsplit('/').nth(1).is_some_and(is_security_header))
        .filter(|s| {
            matches!(
                s.signature_method,
                StatedAlgorithm::Known(Algorithm::Signature(SignatureAlgorithm::Rsa(_)))
            )
        })
        .find_map(|s| common_name(&s.key.as_ref()?.name))
        .map(|cn| one_line(&cn).into_owned())
}

/// `wsse:Security` as a path step names it (with or without a position).
fn is_security_header(step: &str) -> bool {
    let name = step.split('[').next().unwrap_or(step);
    name == "Security" || name.ends_with(":Security")
}

/// `(from, to)` of `message`, read from its parsed envelope `doc` when there is one; `signer`
/// (see [`signer_name`]) names the sender before WS-Addressing does.
pub fn message_parties(
    message: &CapturedMessage,
    doc: Option<&Document>,
    signer: Option<String>,
) -> (String, String) {
    let envelope = doc.and_then(|d| SoapEnvelope::read(d).ok());
    let header = |name: &str| {
        envelope
            .as_ref()
            .and_then(|e| addressing_header(e, name))
            .filter(|a| names_an_endpoint(a))
            .map(|a| one_line(&a).into_owned())
    };
    let is_response = match &message.framing {
        Framing::Http { .. } => message.framing.is_http_response(),
        _ => header("RelatesTo").is_some(),
    };
    let (by_direction_from, by_direction_to) = if is_response {
        (SERVICE, CLIENT)
    } else {
        (CLIENT, SERVICE)
    };
    let from = signer
        .or_else(|| header("From"))
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
        let (from, to) = message_parties(&message(Framing::RawXml), Some(&doc), None);
        assert_eq!(
            (from.as_str(), to.as_str()),
            (CLIENT, "https://bank.example/pay")
        );

        let reply = envelope("<a:RelatesTo>urn:uuid:1</a:RelatesTo>");
        let (from, to) = message_parties(&message(Framing::RawXml), Some(&reply), None);
        assert_eq!((from.as_str(), to.as_str()), (SERVICE, CLIENT));

        let http = Framing::Http {
            start_line: "HTTP/1.1 200 OK".into(),
            headers: Vec::new(),
        };
        let (from, to) = message_parties(&message(http), None, None);
        assert_eq!((from.as_str(), to.as_str()), (SERVICE, CLIENT));
    }

    fn signed(path_parent: &str, subject: &str, valid: bool) -> SignatureReport {
        let text = format!(
            r#"<wsse:{path_parent} xmlns:wsse="{}" xmlns:ds="{}"><ds:Signature/></wsse:{path_parent}>"#,
            ns::WSSE,
            ns::DS
        );
        let doc = Document::parse_str(&text, "m").unwrap();
        let node = doc
            .descendants()
            .find(|n| n.has_name(ns::DS, "Signature"))
            .unwrap();
        let mut report = SignatureReport::malformed(node, "x");
        report.valid = valid;
        report.signature_method =
            StatedAlgorithm::from_uri(crate::crypto::algorithms::uri::RSA_SHA256);
        report.key = Some(crate::dsig::verify::KeyReport {
            name: subject.into(),
            origin: crate::dsig::KeyOrigin::Message,
            description: String::new(),
            proves_identity: false,
            chain: None,
        });
        report
    }

    #[test]
    fn the_signing_certificate_names_the_sender_escaped() {
        let header = signed("Security", "CN=alice\u{1b}[2J,O=Example", true);
        let doc = envelope("<a:From><a:Address>urn:from</a:Address></a:From>");
        let signer = signer_name([&header]);
        assert_eq!(signer.as_deref(), Some("alice\\x1b[2J"));
        let (from, to) = message_parties(&message(Framing::RawXml), Some(&doc), signer);
        assert_eq!((from.as_str(), to.as_str()), ("alice\\x1b[2J", SERVICE));
        // Not verified, or not in the Security header (a SAML assertion's issuer), or a
        // label rather than a certificate subject: no name.
        assert_eq!(signer_name([&signed("Security", "CN=alice", false)]), None);
        assert_eq!(signer_name([&signed("Assertion", "CN=sts", true)]), None);
        assert_eq!(
            signer_name([&signed("Security", "keys/bob.pem", true)]),
            None
        );
    }
}
