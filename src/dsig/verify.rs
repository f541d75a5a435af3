//! Verifying one `ds:Signature` into a [`SignatureReport`] that keeps every intermediate:
//! each reference's target, transforms, canonical bytes and digests, the canonical SignedInfo,
//! the key used and where it came from, and the verdict with its reason.

use openssl::pkey::{PKey, Private, Public};
use serde::Serialize;

use crate::crypto::chain::ChainReport;
use crate::crypto::signature::{self, VerifyingKey};
use crate::crypto::{SecretBytes, SignatureAlgorithm, StatedAlgorithm};
use crate::xml::base64;
use crate::xml::c14n::{NodeSet, canonicalize_to_vec};
use crate::xml::{Document, IdIndex};

use super::diagnosis::{DigestFailure, diagnose_digest_mismatch};
use super::model::{SignatureElement, describe_c14n};
use super::reference::{ReferenceContext, StrDereference, process_reference};
use super::work_budget::WorkBudget;

/// A key that checks a SignatureValue, owned by whoever resolved it.
pub enum OwnedVerifyingKey {
    Hmac(SecretBytes),
    RsaPublic(PKey<Public>),
    RsaPrivate(PKey<Private>),
}

impl OwnedVerifyingKey {
    pub fn as_verifying_key(&self) -> VerifyingKey<'_> {
        match self {
            OwnedVerifyingKey::Hmac(s) => VerifyingKey::Hmac(s.expose()),
            OwnedVerifyingKey::RsaPublic(k) => VerifyingKey::RsaPublic(k),
            OwnedVerifyingKey::RsaPrivate(k) => VerifyingKey::RsaPrivate(k),
        }
    }
}

/// Where a key came from; decides what a valid signature proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyOrigin {
    /// Given by the user (a file, a secret on the command line).
    Supplied,
    /// Taken from the message itself (an embedded certificate or key value): a valid
    /// signature then proves integrity, not identity.
    Message,
    /// Unwrapped from an EncryptedKey with a supplied key.
    Unwrapped,
    /// Derived (P_SHA-1) from another key.
    Derived,
    /// Computed from two entropies (WS-Trust ComputedKey).
    Computed,
    /// Issued by a token service in a proof token (a BinarySecret).
    Issued,
}

impl KeyOrigin {
    /// The origin in words, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            KeyOrigin::Supplied => "supplied",
            KeyOrigin::Message => "from the message",
            KeyOrigin::Unwrapped => "unwrapped",
            KeyOrigin::Derived => "derived",
            KeyOrigin::Computed => "computed",
            KeyOrigin::Issued => "issued in a proof token",
        }
    }
}

/// A resolved key and the explanation of how it was found.
pub struct ResolvedKey {
    pub key: OwnedVerifyingKey,
    pub origin: KeyOrigin,
    /// In words: which key, and why it is the right one.
    pub description: String,
    /// A short name for the key (a file name, a token id), for tables.
    pub name: String,
    /// For a certificate the message carries, when trust anchors were named: its chain.
    pub chain: Option<ChainReport>,
}

/// Finds the key for a signature (plain XML-DSig KeyInfo, or WS-Security tokens).
pub trait SignatureKeyResolver {
    fn resolve(
        &self,
        signature: &SignatureElement<'_>,
        algorithm: SignatureAlgorithm,
    ) -> Result<ResolvedKey, String>;
}

/// How one reference turned out.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceReport {
    pub uri: Option<String>,
    /// Path of the element the URI resolved to.
    pub target: Option<String>,
    pub target_line: Option<u32>,
    pub transforms: Vec<String>,
    /// Serialized as the URI the message stated.
    pub digest_method: StatedAlgorithm,
    pub digest_expected: Option<String>,
    pub digest_computed: Option<String>,
    /// Length of the canonical bytes that were digested.
    pub canonical_length: usize,
    /// The canonical bytes as text, when short enough to keep.
    pub canonical: Option<String>,
    pub valid: bool,
    pub status: ReferenceStatus,
    pub error: Option<String>,
    /// Why the digest does not match, with its evidence (none when it matches or could not
    /// be computed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<DigestFailure>,
    /// Where a repair mode made it match: the byte offset of the first difference between the
    /// captured canonical bytes and the repaired ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_difference: Option<usize>,
}

/// A reference's verdict; `Unchecked` (the work budget was spent) is never valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceStatus {
    Valid,
    Invalid,
    Unchecked,
}

/// What the key was, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct KeyReport {
    pub name: String,
    pub origin: KeyOrigin,
    pub description: String,
    /// False when the key came from the message and no chain from it reaches a trust anchor:
    /// then the signature proves integrity only.
    pub proves_identity: bool,
    /// The signer certificate's chain, when trust anchors were named (`--ca`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainReport>,
}

/// How one `ds:Signature` turned out.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    pub id: Option<String>,
    pub path: String,
    pub line: u32,
    /// The `ds:Signature` element in the text it was verified in.
    pub span: crate::xml::Span,
    /// Serialized as the URI the message stated.
    pub signature_method: StatedAlgorithm,
    pub c14n_method: String,
    pub canonical_signed_info: String,
    pub key: Option<KeyReport>,
    pub references: Vec<ReferenceReport>,
    /// `None` when the SignatureValue could not be checked (no key, unsupported algorithm).
    pub signature_value_valid: Option<bool>,
    pub valid: bool,
    /// Why the signature is not valid, in one sentence (none when valid).
    pub error: Option<String>,
}

impl SignatureReport {
    /// The report for a Signature element too malformed to verify at all.
    pub fn malformed(element: crate::xml::Node<'_>, problem: &str) -> SignatureReport {
        SignatureReport {
            id: element.attribute("Id").map(str::to_string),
            path: element.path(),
            line: element.position().line,
            span: element.span(),
            signature_method: StatedAlgorithm::absent(),
            c14n_method: String::new(),
            canonical_signed_info: String::new(),
            key: None,
            references: Vec::new(),
            signature_value_valid: None,
            valid: false,
            error: Some(problem.to_string()),
        }
    }
}

/// Settings for verification.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Canonical reference bytes up to this length are kept in the report.
    pub keep_canonical_up_to: usize,
    /// Canonicalize-and-digest work, shared by every signature verified with these options
    /// (clones share it too): give one document's signatures the same options.
    pub work: WorkBudget,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            keep_canonical_up_to: 64 * 1024,
            work: WorkBudget::default(),
        }
    }
}

/// Verifies one signature: every reference, then the SignatureValue over the canonical
/// SignedInfo with the key the resolver finds. Never fails: problems end up in the report.
pub fn verify_signature(
    doc: &Document,
    ids: &IdIndex,
    signature: &SignatureElement<'_>,
    resolver: &dyn SignatureKeyResolver,
    str_dereference: Option<&dyn StrDereference>,
    options: &VerifyOptions,
) -> SignatureReport {
    let signed_info = &signature.signed_info;
    let ctx = ReferenceContext {
        doc,
        ids,
        signature: Some(signature.element),
        str_dereference,
        keep_canonical_up_to: options.keep_canonical_up_to,
        work: Some(&options.work),
    };
    let references: Vec<ReferenceReport> = signed_info
        .references
        .iter()
        .map(|reference| {
            let kinds: Vec<_> = reference
                .transforms
                .iter()
                .map(|t| t.kind.clone())
                .collect();
            let outcome =
                process_reference(&ctx, reference.uri, &kinds, reference.digest_method_uri);
            let expected = reference.digest_value.as_ref().ok();
            let mut error = outcome
                .error
                .clone()
                .or_else(|| reference.digest_value.as_ref().err().cloned());
            let target = outcome.target.map(|t| doc.node(t));
            let mut cause = None;
            let valid = match (&outcome.computed, expected) {
                (Some(computed), Some(expected)) if error.is_none() => {
                    let same =
                        computed.len() == expected.len() && openssl::memcmp::eq(computed, expected);
                    if !same {
                        let why = target.map_or(DigestFailure::ContentChanged, |t| {
                            diagnose_digest_mismatch(t, &kinds)
                        });
                        error = Some(why.describe());
                        cause = Some(why);
                    }
                    same
                }
                _ => false,
            };
            ReferenceReport {
                uri: reference.uri.map(str::to_string),
                target: target.map(|t| {
                    if t.is_element() {
                        t.path()
                    } else {
                        "/".to_string()
                    }
                }),
                target_line: target.map(|t| t.position().line),
                transforms: outcome.transforms,
                digest_method: StatedAlgorithm::from_uri(&outcome.digest_method),
                digest_expected: expected.map(|d| base64::encode(d)),
                digest_computed: outcome.computed.as_deref().map(base64::encode),
                canonical_length: outcome.canonical.length,
                canonical: outcome
                    .canonical
                    .bytes
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
                valid,
                status: match (valid, outcome.unchecked) {
                    (true, _) => ReferenceStatus::Valid,
                    (false, true) => ReferenceStatus::Unchecked,
                    (false, false) => ReferenceStatus::Invalid,
                },
                error,
                cause,
                first_difference: None,
            }
        })
        .collect();

    let mut report = SignatureReport {
        id: signature.id.map(str::to_string),
        path: signature.element.path(),
        line: signature.element.position().line,
        span: signature.element.span(),
        signature_method: StatedAlgorithm::from_uri(signed_info.signature_method_uri),
        c14n_method: match &signed_info.c14n {
            Some(m) => describe_c14n(m),
            None => format!("unsupported {}", signed_info.c14n_uri),
        },
        canonical_signed_info: String::new(),
        key: None,
        references,
        signature_value_valid: None,
        valid: false,
        error: None,
    };
    let value_error =
        check_signature_value(doc, signature, resolver, &options.work, &mut report).err();
    let reference_error = if report.references.is_empty() {
        Some("SignedInfo has no Reference".to_string())
    } else {
        report.references.iter().find(|r| !r.valid).map(|r| {
            format!(
                "reference {}: {}",
                r.uri.as_deref().unwrap_or("(no URI)"),
                r.error.as_deref().unwrap_or("invalid")
            )
        })
    };
    report.valid = value_error.is_none()
        && reference_error.is_none()
        && report.signature_value_valid == Some(true);
    report.error = value_error.or(reference_error);
    report
}

/// Canonicalizes SignedInfo, resolves the key and checks the SignatureValue. Fills the report
/// and returns the reason when the value does not check out.
fn check_signature_value(
    doc: &Document,
    signature: &SignatureElement<'_>,
    resolver: &dyn SignatureKeyResolver,
    work: &WorkBudget,
    report: &mut SignatureReport,
) -> Result<(), String> {
    let signed_info = &signature.signed_info;
    let method = signed_info
        .c14n
        .as_ref()
        .ok_or_else(|| format!("unsupported canonicalization {}", signed_info.c14n_uri))?;
    let limit = WorkBudget::limit_for(doc);
    if !work.fits(signed_info.element.span().len() as u64, limit) {
        return Err(format!(
            "SignedInfo {}",
            WorkBudget::exhausted_reason(limit)
        ));
    }
    let canonical = canonicalize_to_vec(doc, NodeSet::subtree(signed_info.element.id()), method);
    // Booked afterwards: SignedInfo is small, and the check above bounds what it starts from.
    if !work.spend(canonical.len() as u64, limit) {
        return Err(format!(
            "SignedInfo {}",
            WorkBudget::exhausted_reason(limit)
        ));
    }
    report.canonical_signed_info = String::from_utf8_lossy(&canonical).into_owned();
    let algorithm = SignatureAlgorithm::from_uri(signed_info.signature_method_uri)
        .map_err(|e| e.to_string())?;
    let output_bits = match &signed_info.hmac_output_length {
        None => None,
        Some(text) => Some(
            text.parse::<u32>()
                .map_err(|_| format!("HMACOutputLength {text:?} is not a number"))?,
        ),
    };
    let value = signature.signature_value.as_ref().map_err(Clone::clone)?;
    let key = resolver.resolve(signature, algorithm)?;
    report.key = Some(KeyReport {
        name: key.name.clone(),
        origin: key.origin,
        description: key.description.clone(),
        proves_identity: key.origin != KeyOrigin::Message
            || key.chain.as_ref().is_some_and(|c| c.trusted),
        chain: key.chain.clone(),
    });
    let ok = signature::verify(
        algorithm,
        key.key.as_verifying_key(),
        &canonical,
        value,
        output_bits,
    )
    .map_err(|e| e.to_string())?;
    report.signature_value_valid = Some(ok);
    if ok {
        Ok(())
    } else if report.references.iter().all(|r| r.valid) && !report.references.is_empty() {
        Err(format!(
            "every reference digest matches, but the SignatureValue does not verify with {}: the signature was made with another key (or SignedInfo was altered)",
            key.name
        ))
    } else {
        Err("SignatureValue does not verify with this key".into())
    }
}
