//! Why a reference's digest does not match, named by its evidence. "The content changed after
//! signing" is only the last explanation: content encrypted after signing, a canonical form
//! that takes in its ancestors' namespaces and `xml:*` attributes (inclusive C14N), and
//! re-indentation (found by the repair modes, see `audit::conversation`) are told apart first.

use serde::Serialize;

use crate::xml::Node;
use crate::xml::tree::XML_NAMESPACE;

use super::model::TransformKind;
use super::verify::ReferenceReport;

const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";

/// What made a digest fail, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DigestFailure {
    /// The referenced element now holds (or is) `xenc:EncryptedData`: it was encrypted after it
    /// was signed, and the digest can only be checked on the decrypted content.
    EncryptedAfterSigning { encrypted_data_line: u32 },
    /// Inclusive C14N of the referenced element takes in namespace declarations and `xml:*`
    /// attributes of its ancestors: the same content in another context (moved, or an envelope
    /// written with other prefixes) digests differently.
    InheritedContext {
        namespaces: Vec<String>,
        xml_attributes: Vec<String>,
    },
    /// The captured bytes were re-indented: the digest matches once white space is taken
    /// back out in this repair mode (`de-indented`, `santuario14`).
    Reindented { repair: String },
    /// No other cause found: the referenced content is not what was signed.
    ContentChanged,
}

impl DigestFailure {
    /// The reason, in one sentence, for reports.
    pub fn describe(&self) -> String {
        match self {
            DigestFailure::EncryptedAfterSigning { encrypted_data_line } => format!(
                "digest mismatch: the referenced element holds EncryptedData (line {encrypted_data_line}): it was encrypted after signing; supply the decryption key to check the digest"
            ),
            DigestFailure::InheritedContext {
                namespaces,
                xml_attributes,
            } => {
                let mut inherited: Vec<String> = namespaces.clone();
                inherited.extend(xml_attributes.iter().cloned());
                format!(
                    "digest mismatch: inclusive C14N takes in what the element inherits from its ancestors ({}); if it was signed in another context (moved, or re-wrapped with other prefixes) the digest differs even though its content may not",
                    inherited.join(", ")
                )
            }
            DigestFailure::Reindented { repair } => format!(
                "digest mismatch as captured: the message was re-indented after it was sent; it matches after undoing that ({repair})"
            ),
            DigestFailure::ContentChanged => {
                "digest mismatch: the referenced content changed after signing (no encryption, inherited context or re-indentation explains it)".into()
            }
        }
    }
}

/// The likeliest cause of a digest mismatch on `target` under `transforms`.
pub fn diagnose_digest_mismatch(target: Node<'_>, transforms: &[TransformKind]) -> DigestFailure {
    let encrypted = std::iter::once(target)
        .chain(target.descendants())
        .find(|n| n.has_name(XENC, "EncryptedData"));
    if let Some(data) = encrypted {
        return DigestFailure::EncryptedAfterSigning {
            encrypted_data_line: data.position().line,
        };
    }
    if target.is_element() && ends_inclusive(transforms) {
        let (namespaces, xml_attributes) = inherited_context(target);
        if !namespaces.is_empty() || !xml_attributes.is_empty() {
            return DigestFailure::InheritedContext {
                namespaces,
                xml_attributes,
            };
        }
    }
    DigestFailure::ContentChanged
}

/// Whether the reference's canonicalization is inclusive: its last C14N transform, or the
/// default (inclusive C14N 1.0) when it lists none.
fn ends_inclusive(transforms: &[TransformKind]) -> bool {
    transforms
        .iter()
        .rev()
        .find_map(|t| match t {
            TransformKind::Canonicalize(m) | TransformKind::StrTransform(Some(m)) => {
                Some(!m.exclusive)
            }
            _ => None,
        })
        .unwrap_or(true)
}

/// Namespace declarations (`xmlns:p`) and `xml:*` attributes the element inherits from its
/// ancestors and does not redeclare itself.
fn inherited_context(target: Node<'_>) -> (Vec<String>, Vec<String>) {
    let own: Vec<Option<&str>> = target.namespace_declarations().map(|d| d.prefix).collect();
    let own_xml: Vec<&str> = target
        .attributes()
        .filter(|a| a.namespace() == XML_NAMESPACE)
        .map(|a| a.local_name())
        .collect();
    let mut namespaces: Vec<String> = Vec::new();
    let mut seen: Vec<Option<&str>> = own.clone();
    let mut xml_attributes: Vec<String> = Vec::new();
    for ancestor in target.ancestors().filter(|a| a.is_element()) {
        for decl in ancestor.namespace_declarations() {
            if seen.contains(&decl.prefix) {
                continue;
            }
            seen.push(decl.prefix);
            if decl.uri.is_empty() {
                continue;
            }
            namespaces.push(match decl.prefix {
                Some(p) => format!("xmlns:{p}"),
                None => "xmlns".into(),
            });
        }
        for a in ancestor.attributes() {
            if a.namespace() == XML_NAMESPACE
                && !own_xml.contains(&a.local_name())
                && !xml_attributes.iter().any(|x| x == a.qname())
            {
                xml_attributes.push(a.qname().to_string());
            }
        }
    }
    (namespaces, xml_attributes)
}

/// References that fail as captured but hold after the repair named `repair`: the cause is
/// named, with the byte offset where the captured canonical bytes first differ from the
/// repaired ones.
pub fn mark_reindented(
    repaired: &mut [ReferenceReport],
    captured: &[ReferenceReport],
    repair: &str,
) {
    for (after, before) in repaired.iter_mut().zip(captured) {
        if before.valid || !after.valid {
            continue;
        }
        after.cause = Some(DigestFailure::Reindented {
            repair: repair.to_string(),
        });
        after.first_difference = match (&before.canonical, &after.canonical) {
            (Some(b), Some(a)) => first_difference(b.as_bytes(), a.as_bytes()),
            _ => None,
        };
    }
}

/// The byte offset of the first difference between two canonical forms (`None` when equal).
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    (common < a.len() || common < b.len()).then_some(common)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;
    use crate::xml::c14n::C14nMethod;

    fn body(text: &str) -> Document {
        Document::parse_str(text, "t").unwrap()
    }

    fn diagnose(doc: &Document, transforms: &[TransformKind]) -> DigestFailure {
        let target = doc
            .root_element()
            .descendants()
            .find(|n| n.is_element() && n.local_name() == "Body")
            .unwrap();
        diagnose_digest_mismatch(target, transforms)
    }

    #[test]
    fn encrypted_content_is_named_before_anything_else() {
        let doc = body(
            r#"<s:Envelope xmlns:s="urn:s"><s:Body><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></s:Body></s:Envelope>"#,
        );
        assert_eq!(
            diagnose(&doc, &[]),
            DigestFailure::EncryptedAfterSigning {
                encrypted_data_line: 1
            }
        );
    }

    #[test]
    fn inherited_namespaces_and_xml_attributes_only_under_inclusive_c14n() {
        let doc = body(
            r#"<s:Envelope xmlns:s="urn:s" xmlns:a="urn:a" xml:lang="en"><s:Body xmlns:b="urn:b"><x/></s:Body></s:Envelope>"#,
        );
        let DigestFailure::InheritedContext {
            namespaces,
            xml_attributes,
        } = diagnose(&doc, &[])
        else {
            panic!("inclusive by default")
        };
        assert_eq!(namespaces, ["xmlns:s", "xmlns:a"]);
        assert_eq!(xml_attributes, ["xml:lang"]);
        let exclusive = [TransformKind::Canonicalize(C14nMethod::exclusive(false))];
        assert_eq!(diagnose(&doc, &exclusive), DigestFailure::ContentChanged);
    }

    #[test]
    fn first_difference_is_the_first_differing_byte() {
        assert_eq!(first_difference(b"abc", b"abc"), None);
        assert_eq!(first_difference(b"abc", b"abd"), Some(2));
        assert_eq!(first_difference(b"ab", b"abc"), Some(2));
    }
}
