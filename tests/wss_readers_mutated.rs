//! Every WS-Security and WS-Trust reader on every element of the shared captures, and of
//! copies with one character replaced at many places: problems, never a panic.

mod common;

use std::path::PathBuf;

use wskex::trust::{RequestSecurityToken, RequestSecurityTokenResponse, find_in_envelope};
use wskex::wss::{HeaderItem, SecurityHeader, SecurityTokenReference, SoapEnvelope};
use wskex::xml::Document;

const XML_FOLDERS: [&str; 4] = ["corewcf", "rampart", "cxf", "wss4j16"];

fn captures_dir(test: &str) -> Option<PathBuf> {
    common::shared_dir(test).map(|d| d.join("captures"))
}

fn parse(path: &std::path::Path) -> Document {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Document::parse(bytes, path.display().to_string())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every reader applied to every element (in context or not) of a document; the problems are
/// formatted too. Nothing may panic, whatever the element is.
fn read_everything(doc: &Document) -> usize {
    use wskex::trust::{IssuedTokens, RequestSecurityTokenResponseCollection, find_trust_messages};
    use wskex::wss::{
        BinarySecurityToken, DerivedKeyToken, SamlAssertion, SecurityContextToken,
        SignatureConfirmation, Timestamp, UsernameToken,
    };
    let mut seen = 0;
    if let Ok(env) = SoapEnvelope::read(doc) {
        seen += env
            .all_problems()
            .iter()
            .map(|p| p.to_string().len())
            .sum::<usize>();
        seen += find_in_envelope(&env).len();
    }
    for e in doc.descendants().filter(|n| n.is_element()) {
        seen += HeaderItem::read(e).problems().len();
        seen += SecurityHeader::read(e).all_problems().len();
        seen += SecurityTokenReference::read(e).problems.len();
        seen += DerivedKeyToken::read(e).all_problems().len();
        seen += SecurityContextToken::read(e).problems.len();
        seen += BinarySecurityToken::read(e).problems.len();
        seen += UsernameToken::read(e).problems.len();
        seen += Timestamp::read(e).problems.len();
        seen += SignatureConfirmation::read(e).problems.len();
        seen += SamlAssertion::read(e).problems.len();
        seen += RequestSecurityToken::read(e).all_problems().len();
        seen += RequestSecurityTokenResponse::read(e).all_problems().len();
        seen += RequestSecurityTokenResponseCollection::read(e)
            .all_problems()
            .len();
        seen += IssuedTokens::read(e).all_problems().len();
        seen += find_trust_messages(e).len();
        seen += usize::from(SoapEnvelope::read_element(e).is_ok());
    }
    seen
}

/// Readers on every element of every capture, and of copies with one character replaced at
/// many places (bad base64, numbers, dates, URIs...): problems, never a panic.
#[test]
fn readers_never_panic_on_any_element_of_mutated_captures() {
    let Some(dir) = captures_dir("wss_readers mutations") else {
        return;
    };
    let mut documents = 0;
    for folder in XML_FOLDERS {
        for entry in std::fs::read_dir(dir.join(folder)).expect("capture folder") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let original = std::fs::read(&path).expect("capture");
            read_everything(&parse(&path));
            let step = (original.len() / 61).max(1);
            for (n, at) in (0..original.len()).step_by(step).enumerate() {
                let mut bytes = original.clone();
                bytes[at] = b"*0-Z9 #:"[n % 8];
                if let Ok(doc) = Document::parse(bytes, "mutated") {
                    read_everything(&doc);
                    documents += 1;
                }
            }
        }
    }
    assert!(documents > 400, "only {documents} mutated documents parsed");
}
