//! `wsc:DerivedKeyToken`: a key derived with P_SHA-1 from the key of another token (an SCT
//! secret, an EncryptedKey, a proof key), so one shared secret can key many signatures and
//! encryptions. The reader keeps what is written and the effective parameters after the
//! WS-SecureConversation defaults, which is what the derivation (a later layer) will use.

use crate::ns;
use crate::xml::Node;

use crate::wss::generation::{ScVersion, sc_child, sc_version_of};
use crate::wss::problem::Problem;
use crate::wss::read::{attribute, base64_text, unique_child, unsigned_text, wsu_id};
use crate::wss::str_ref::SecurityTokenReference;

/// The label used when `wsc:Label` is absent (no space between the two halves).
pub const DEFAULT_LABEL: &str = "WS-SecureConversationWS-SecureConversation";
/// The key length in bytes when `wsc:Length` is absent.
pub const DEFAULT_LENGTH: u64 = 32;
/// Longest derived key accepted, in bytes; beyond this a Length is treated as hostile.
pub const MAX_LENGTH: u64 = 1024;
/// Furthest into the P_SHA-1 stream (offset + length, bytes) a derivation may reach: every
/// byte before the offset is computed too, so a far offset is work a message imposes.
pub const MAX_STREAM_END: u64 = crate::wss::derivation_budget::MAX_STREAM_END_PER_KEY;

/// The key derivation algorithm a DerivedKeyToken names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DerivationAlgorithm {
    /// P_SHA-1 (either generation's URI).
    PSha1,
    /// Anything else, kept as written; a later layer cannot derive it.
    Other(String),
}

/// Where the effective offset came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetSource {
    /// `wsc:Offset` as written.
    Offset,
    /// `wsc:Generation` x length.
    Generation,
    /// Neither given: 0.
    Default,
}

/// The parameters a derivation uses once the defaults are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivationParams {
    /// The label text (its UTF-8 bytes start the seed).
    pub label: String,
    pub label_is_default: bool,
    /// Key length in bytes.
    pub length: u64,
    pub length_is_default: bool,
    /// Where in the P_SHA-1 output the key starts, in bytes.
    pub offset: u64,
    pub offset_source: OffsetSource,
}

/// A `wsc:DerivedKeyToken`, as written and as it will be applied.
#[derive(Debug, Clone)]
pub struct DerivedKeyToken<'d> {
    pub node: Node<'d>,
    pub version: ScVersion,
    pub id: Option<String>,
    /// The Algorithm attribute as written.
    pub algorithm: Option<String>,
    /// The algorithm in effect (P_SHA-1 when the attribute is absent).
    pub effective_algorithm: DerivationAlgorithm,
    /// The token whose key is the secret; `None` when the base key must come from context.
    pub reference: Option<SecurityTokenReference<'d>>,
    /// `wsc:Properties`, kept as a node (it does not enter the computation).
    pub properties: Option<Node<'d>>,
    pub generation: Option<u64>,
    pub offset: Option<u64>,
    pub length: Option<u64>,
    pub label: Option<String>,
    /// The decoded `wsc:Nonce` (the seed's second half).
    pub nonce: Option<Vec<u8>>,
    pub effective: DerivationParams,
    /// False when a problem makes the written parameters unusable for a derivation (no nonce,
    /// unknown algorithm, both Offset and Generation, length 0 or absurd, unreadable numbers).
    pub derivable: bool,
    pub problems: Vec<Problem>,
}

impl<'d> DerivedKeyToken<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> DerivedKeyToken<'d> {
        let mut problems = Vec::new();
        let mut derivable = true;
        let version = sc_version_of(node, &mut problems);

        let algorithm = attribute(node, "Algorithm");
        let effective_algorithm = match algorithm.as_deref() {
            None => DerivationAlgorithm::PSha1,
            Some(uri) if uri == version.p_sha1_uri() => DerivationAlgorithm::PSha1,
            Some(uri)
                if [ScVersion::Feb2005, ScVersion::V200512]
                    .iter()
                    .any(|v| v.p_sha1_uri() == uri) =>
            {
                problems.push(Problem::at(
                    node,
                    format!(
                        "Algorithm {uri} is P_SHA-1 of the other WS-SC generation than the token's"
                    ),
                ));
                DerivationAlgorithm::PSha1
            }
            Some(other) => {
                problems.push(Problem::at(
                    node,
                    format!("key derivation algorithm {other:?} is not P_SHA-1; the key cannot be derived"),
                ));
                derivable = false;
                DerivationAlgorithm::Other(other.to_string())
            }
        };

        let reference = unique_child(
            node,
            |n| n == ns::WSSE,
            "SecurityTokenReference",
            &mut problems,
        )
        .map(SecurityTokenReference::read);
        if reference.is_none() {
            problems.push(Problem::at(
                node,
                "wsc:DerivedKeyToken has no wsse:SecurityTokenReference: the base key must be implied by context",
            ));
        }
        let properties = sc_child(node, version, "Properties", &mut problems);

        let mut number = |local: &str, problems: &mut Vec<Problem>| {
            let child = sc_child(node, version, local, problems)?;
            let value = unsigned_text(child, child.qname(), problems);
            if value.is_none() {
                derivable = false;
            }
            value
        };
        let generation = number("Generation", &mut problems);
        let offset = number("Offset", &mut problems);
        let length = number("Length", &mut problems);

        let label =
            sc_child(node, version, "Label", &mut problems).map(|l| l.text_content().into_owned());
        let nonce = match sc_child(node, version, "Nonce", &mut problems) {
            None => {
                problems.push(Problem::at(node, "wsc:DerivedKeyToken has no wsc:Nonce"));
                None
            }
            Some(n) => base64_text(n, "wsc:Nonce", &mut problems),
        };
        match &nonce {
            None => derivable = false,
            Some(bytes) if bytes.is_empty() => {
                problems.push(Problem::at(node, "wsc:Nonce is empty"));
                derivable = false;
            }
            Some(_) => {}
        }

        let effective_length = length.unwrap_or(DEFAULT_LENGTH);
        if effective_length == 0 || effective_length > MAX_LENGTH {
            problems.push(Problem::at(
                node,
                format!("wsc:Length {effective_length} is outside 1..={MAX_LENGTH} bytes"),
            ));
            derivable = false;
        }
        let (effective_offset, offset_source) = match (offset, generation) {
            (Some(o), Some(g)) => {
                problems.push(Problem::at(
                    node,
                    format!(
                        "both wsc:Offset ({o}) and wsc:Generation ({g}) are given; they are exclusive (Offset shown)"
                    ),
                ));
                derivable = false;
                (o, OffsetSource::Offset)
            }
            (Some(o), None) => (o, OffsetSource::Offset),
            (None, Some(g)) => match g.checked_mul(effective_length) {
                Some(o) => (o, OffsetSource::Generation),
                None => {
                    problems.push(Problem::at(
                        node,
                        format!("wsc:Generation {g} x Length overflows"),
                    ));
                    derivable = false;
                    (u64::MAX, OffsetSource::Generation)
                }
            },
            (None, None) => (0, OffsetSource::Default),
        };
        if effective_offset
            .checked_add(effective_length)
            .is_none_or(|end| end > MAX_STREAM_END)
        {
            problems.push(Problem::at(
                node,
                format!(
                    "offset {effective_offset} + length {effective_length} reaches beyond {MAX_STREAM_END} bytes of P_SHA-1 output"
                ),
            ));
            derivable = false;
        }

        DerivedKeyToken {
            node,
            version,
            id: wsu_id(node),
            algorithm,
            effective_algorithm,
            reference,
            properties,
            generation,
            offset,
            length,
            effective: DerivationParams {
                label: label.clone().unwrap_or_else(|| DEFAULT_LABEL.to_string()),
                label_is_default: label.is_none(),
                length: effective_length,
                length_is_default: length.is_none(),
                offset: effective_offset,
                offset_source,
            },
            label,
            nonce,
            derivable,
            problems,
        }
    }

    /// This token's problems and those of its SecurityTokenReference, in document order.
    pub fn all_problems(&self) -> Vec<&Problem> {
        let mut all: Vec<&Problem> = self.problems.iter().collect();
        if let Some(r) = &self.reference {
            all.extend(&r.problems);
        }
        all.sort_by_key(|p| p.position.offset);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn read_doc(sc_ns: &str, attrs: &str, inner: &str) -> Document {
        let text = format!(
            r##"<wsc:DerivedKeyToken xmlns:wsc="{sc_ns}" xmlns:wsse="{}" xmlns:wsu="{}" wsu:Id="DK-1" {attrs}><wsse:SecurityTokenReference><wsse:Reference URI="#sct-1"/></wsse:SecurityTokenReference>{inner}</wsc:DerivedKeyToken>"##,
            ns::WSSE,
            ns::WSU
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn wcf_nonce_only_takes_every_default() {
        for (sc_ns, version) in [
            (ns::WSC_2005, ScVersion::Feb2005),
            (ns::WSC, ScVersion::V200512),
        ] {
            let d = read_doc(sc_ns, "", "<wsc:Nonce>8GNOzdMY+l532yPT/gCHHg==</wsc:Nonce>");
            let t = DerivedKeyToken::read(d.root_element());
            assert!(t.all_problems().is_empty(), "{:?}", t.all_problems());
            assert!(t.derivable);
            assert_eq!(t.version, version);
            assert_eq!(t.id.as_deref(), Some("DK-1"));
            assert_eq!(t.algorithm, None);
            assert_eq!(t.effective_algorithm, DerivationAlgorithm::PSha1);
            assert_eq!(
                (t.offset, t.length, t.generation, t.label.as_deref()),
                (None, None, None, None)
            );
            assert_eq!(
                t.effective,
                DerivationParams {
                    label: DEFAULT_LABEL.to_string(),
                    label_is_default: true,
                    length: 32,
                    length_is_default: true,
                    offset: 0,
                    offset_source: OffsetSource::Default,
                }
            );
            assert_eq!(t.nonce.as_ref().unwrap().len(), 16);
            assert_eq!(
                t.reference.as_ref().unwrap().reference().unwrap().uri,
                "#sct-1"
            );
        }
    }

    #[test]
    fn rampart_offset_and_length_are_kept() {
        let d = read_doc(
            ns::WSC_2005,
            r#"Algorithm="http://schemas.xmlsoap.org/ws/2005/02/sc/dk/p_sha1""#,
            "<wsc:Offset>0</wsc:Offset><wsc:Length>16</wsc:Length><wsc:Label>WS-SecureConversation</wsc:Label><wsc:Nonce>xmvBzN+/IS2QXtCRe0dAjQ==</wsc:Nonce>",
        );
        let t = DerivedKeyToken::read(d.root_element());
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!((t.offset, t.length), (Some(0), Some(16)));
        assert_eq!(t.effective.length, 16);
        assert_eq!(t.effective.offset_source, OffsetSource::Offset);
        assert_eq!(t.effective.label, "WS-SecureConversation");
        assert!(!t.effective.label_is_default);
    }

    #[test]
    fn generation_times_length_is_the_offset() {
        let d = read_doc(
            ns::WSC,
            "",
            "<wsc:Generation>3</wsc:Generation><wsc:Length>24</wsc:Length><wsc:Nonce>AQID</wsc:Nonce>",
        );
        let t = DerivedKeyToken::read(d.root_element());
        assert!(t.derivable, "{:?}", t.problems);
        assert_eq!(
            (t.effective.offset, t.effective.offset_source),
            (72, OffsetSource::Generation)
        );

        let d = read_doc(
            ns::WSC,
            "",
            "<wsc:Generation>1</wsc:Generation><wsc:Nonce>AQID</wsc:Nonce>",
        );
        let t = DerivedKeyToken::read(d.root_element());
        assert_eq!(t.effective.offset, 32);
    }

    #[test]
    fn offset_and_generation_together_are_a_problem() {
        let d = read_doc(
            ns::WSC,
            "",
            "<wsc:Generation>1</wsc:Generation><wsc:Offset>16</wsc:Offset><wsc:Length>16</wsc:Length><wsc:Nonce>AQID</wsc:Nonce>",
        );
        let t = DerivedKeyToken::read(d.root_element());
        assert!(!t.derivable);
        assert_eq!((t.offset, t.generation), (Some(16), Some(1)));
        assert_eq!(t.problems.len(), 1);
        assert!(t.problems[0].message.contains("exclusive"));
    }

    #[test]
    fn zero_absurd_and_bad_lengths_are_problems() {
        for (length, expect) in [
            ("0", Some(0)),
            ("2048", Some(2048)),
            ("1073741824", Some(1 << 30)),
            ("sixteen", None),
            ("-16", None),
        ] {
            let d = read_doc(
                ns::WSC,
                "",
                &format!("<wsc:Length>{length}</wsc:Length><wsc:Nonce>AQID</wsc:Nonce>"),
            );
            let t = DerivedKeyToken::read(d.root_element());
            assert!(!t.derivable, "{length}");
            assert_eq!(t.length, expect);
            assert!(!t.problems.is_empty(), "{length}");
        }
        let d = read_doc(
            ns::WSC,
            "",
            "<wsc:Length>1024</wsc:Length><wsc:Nonce>AQID</wsc:Nonce>",
        );
        assert!(DerivedKeyToken::read(d.root_element()).derivable);
    }

    #[test]
    fn huge_offset_and_generation_are_problems() {
        let d = read_doc(
            ns::WSC,
            "",
            "<wsc:Offset>18446744073709551615</wsc:Offset><wsc:Nonce>AQID</wsc:Nonce>",
        );
        let t = DerivedKeyToken::read(d.root_element());
        assert!(!t.derivable);
        let d = read_doc(
            ns::WSC,
            "",
            "<wsc:Generation>18446744073709551615</wsc:Generation><wsc:Nonce>AQID</wsc:Nonce>",
        );
        let t = DerivedKeyToken::read(d.root_element());
        assert!(!t.derivable);
        assert!(t.problems.iter().any(|p| p.message.contains("overflows")));
    }

    #[test]
    fn missing_nonce_and_unknown_algorithm_are_problems() {
        let d = read_doc(
            ns::WSC,
            r#"Algorithm="urn:example:hkdf""#,
            "<wsc:Length>16</wsc:Length>",
        );
        let t = DerivedKeyToken::read(d.root_element());
        assert!(!t.derivable);
        assert_eq!(
            t.effective_algorithm,
            DerivationAlgorithm::Other("urn:example:hkdf".into())
        );
        assert_eq!(t.problems.len(), 2, "{:?}", t.problems);
    }

    #[test]
    fn other_generation_algorithm_and_children_are_noted() {
        let text = format!(
            r#"<wsc:DerivedKeyToken xmlns:wsc="{}" xmlns:old="{}" Algorithm="{}"><wsc:Properties><wsc:Name>x</wsc:Name></wsc:Properties><old:Nonce>AQID</old:Nonce></wsc:DerivedKeyToken>"#,
            ns::WSC,
            ns::WSC_2005,
            ScVersion::Feb2005.p_sha1_uri()
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let t = DerivedKeyToken::read(d.root_element());
        assert!(t.derivable);
        assert!(t.properties.is_some());
        assert_eq!(t.effective_algorithm, DerivationAlgorithm::PSha1);
        // other-generation algorithm, no STR, Nonce from the other generation
        assert_eq!(t.problems.len(), 3, "{:?}", t.problems);
    }
}
