//! Processing one `ds:Reference`: dereference its URI, apply its transforms, digest the
//! canonical bytes as they stream, and keep what a person needs to see why a digest differs.

use std::io::{self, Write};

use crate::crypto::DigestAlgorithm;
use crate::crypto::digest::Digester;
use crate::xml::c14n::{C14nMethod, NodeSet, canonicalize, canonicalize_to_vec};
use crate::xml::{Document, IdIndex, IdLookup, Node, NodeId};

use super::model::TransformKind;
use super::work_budget::WorkBudget;

/// How a WS-Security STR-Transform finds the token a SecurityTokenReference designates; the
/// WS-Security layer provides it, plain XML-DSig has none.
pub trait StrDereference {
    /// The element the STR stands for (in `doc`, or in a document built for the purpose, such
    /// as a BinarySecurityToken made from a certificate the STR identifies by thumbprint).
    fn dereference<'d>(
        &'d self,
        doc: &'d Document,
        str_element: Node<'d>,
    ) -> Result<StrTarget<'d>, String>;
}

pub enum StrTarget<'d> {
    InDocument(Node<'d>),
    Built(Box<Document>),
}

/// What reference processing needs from its surroundings.
pub struct ReferenceContext<'d, 'a> {
    pub doc: &'d Document,
    pub ids: &'a IdIndex,
    /// The Signature this reference belongs to (removed by the enveloped-signature transform);
    /// `None` while a signature is being created and is not in the document yet.
    pub signature: Option<Node<'d>>,
    pub str_dereference: Option<&'a dyn StrDereference>,
    /// Canonical bytes up to this length are kept for display; longer ones only by length.
    pub keep_canonical_up_to: usize,
    /// The canonicalize-and-digest work the document may still cost (none when signing).
    pub work: Option<&'a WorkBudget>,
}

/// The outcome of processing one reference.
#[derive(Debug, Clone)]
pub struct ReferenceOutcome {
    pub target: Option<NodeId>,
    pub transforms: Vec<String>,
    pub digest_method: String,
    pub computed: Option<Vec<u8>>,
    pub canonical: CanonicalCapture,
    pub error: Option<String>,
    /// The digest was not computed (or not finished) because of the work budget.
    pub unchecked: bool,
}

/// The canonical bytes a digest was computed over: kept whole when small, always their length.
#[derive(Debug, Clone, Default)]
pub struct CanonicalCapture {
    pub length: usize,
    /// The bytes when `length` is within the limit.
    pub bytes: Option<Vec<u8>>,
}

/// Writes to a digest while keeping the first bytes for display and counting all of them;
/// refuses to go on when the work budget is spent.
struct TeeDigest<'b> {
    digester: Digester,
    kept: Vec<u8>,
    limit: usize,
    length: usize,
    /// The shared budget and the document's limit.
    work: Option<(&'b WorkBudget, u64)>,
    over_budget: bool,
}

impl Write for TeeDigest<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some((budget, limit)) = self.work
            && !budget.spend(buf.len() as u64, limit)
        {
            self.over_budget = true;
            return Err(io::Error::other("the work limit is reached"));
        }
        self.digester.write_all(buf)?;
        if self.kept.len() < self.limit + 1 {
            let room = self.limit + 1 - self.kept.len();
            self.kept.extend_from_slice(&buf[..buf.len().min(room)]);
        }
        self.length += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Where a Reference URI leads: a node set, and whether comments survive in it.
struct Dereferenced {
    set: NodeSet,
    comments_allowed: bool,
}

fn dereference(ctx: &ReferenceContext<'_, '_>, uri: Option<&str>) -> Result<Dereferenced, String> {
    let Some(uri) = uri else {
        return Err(
            "Reference has no URI: the data it signs is known only to the application".into(),
        );
    };
    if uri.is_empty() {
        return Ok(Dereferenced {
            set: NodeSet::document(),
            comments_allowed: false,
        });
    }
    let Some(fragment) = uri.strip_prefix('#') else {
        return Err(format!(
            "external reference {uri:?} is not dereferenced (wskex never fetches)"
        ));
    };
    if fragment == "xpointer(/)" {
        return Ok(Dereferenced {
            set: NodeSet::document(),
            comments_allowed: true,
        });
    }
    let (id, comments_allowed) = match xpointer_id(fragment) {
        Some(id) => (id, true),
        None if fragment.starts_with("xpointer(") => {
            return Err(format!("unsupported XPointer {uri:?}"));
        }
        None => (fragment, false),
    };
    match ctx.ids.lookup(id) {
        IdLookup::Unique(node) => Ok(Dereferenced {
            set: NodeSet::subtree(node),
            comments_allowed,
        }),
        IdLookup::Missing => Err(format!("no element has the id {id:?}")),
        IdLookup::Duplicate(nodes) => {
            let lines: Vec<String> = nodes
                .iter()
                .map(|n| ctx.doc.node(*n).position().line.to_string())
                .collect();
            Err(format!(
                "the id {id:?} is carried by {} elements (lines {}): refusing to choose (signature wrapping)",
                nodes.len(),
                lines.join(", ")
            ))
        }
    }
}

/// `xpointer(id('x'))` or `xpointer(id("x"))` → `x`.
fn xpointer_id(fragment: &str) -> Option<&str> {
    let inner = fragment.strip_prefix("xpointer(id(")?.strip_suffix("))")?;
    let quoted = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\''));
    quoted.or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
}

/// Dereferences, transforms and digests one reference (its URI, transforms and DigestMethod
/// URI). Creating and verifying signatures both go through here.
pub fn process_reference(
    ctx: &ReferenceContext<'_, '_>,
    uri: Option<&str>,
    transforms: &[TransformKind],
    digest_method_uri: Option<&str>,
) -> ReferenceOutcome {
    let mut outcome = ReferenceOutcome {
        target: None,
        transforms: transforms.iter().map(TransformKind::describe).collect(),
        digest_method: digest_method_uri.unwrap_or("").to_string(),
        computed: None,
        canonical: CanonicalCapture::default(),
        error: None,
        unchecked: false,
    };
    let algorithm = match digest_method_uri.map(DigestAlgorithm::from_uri) {
        None => {
            outcome.error = Some("Reference has no DigestMethod".into());
            return outcome;
        }
        Some(Err(e)) => {
            outcome.error = Some(e.to_string());
            return outcome;
        }
        Some(Ok(a)) => a,
    };
    let target = match dereference(ctx, uri) {
        Ok(t) => t,
        Err(e) => {
            outcome.error = Some(e);
            return outcome;
        }
    };
    outcome.target = Some(target.set.apex);
    let work = ctx
        .work
        .map(|budget| (budget, WorkBudget::limit_for(ctx.doc)));
    // The target's size is what canonicalizing it costs at least: refuse before starting.
    if let Some((budget, limit)) = work
        && !budget.fits(ctx.doc.node(target.set.apex).span().len() as u64, limit)
    {
        outcome.error = Some(WorkBudget::exhausted_reason(limit));
        outcome.unchecked = true;
        return outcome;
    }
    let digester = match Digester::new(algorithm) {
        Ok(d) => d,
        Err(e) => {
            outcome.error = Some(e.to_string());
            return outcome;
        }
    };
    let mut sink = TeeDigest {
        digester,
        kept: Vec::new(),
        limit: ctx.keep_canonical_up_to,
        length: 0,
        work,
        over_budget: false,
    };
    let result = apply_transforms(ctx, transforms, target, &mut sink);
    if sink.over_budget {
        outcome.error = work.map(|(_, limit)| WorkBudget::exhausted_reason(limit));
        outcome.unchecked = true;
        return outcome;
    }
    outcome.canonical = CanonicalCapture {
        length: sink.length,
        bytes: (sink.length <= sink.limit).then(|| sink.kept.clone()),
    };
    match result.and_then(|()| sink.digester.finish().map_err(|e| e.to_string())) {
        Ok(digest) => outcome.computed = Some(digest),
        Err(e) => outcome.error = Some(e),
    }
    outcome
}

fn apply_transforms(
    ctx: &ReferenceContext<'_, '_>,
    transforms: &[TransformKind],
    target: Dereferenced,
    sink: &mut TeeDigest,
) -> Result<(), String> {
    let mut set = target.set;
    let mut output: Option<C14nMethod> = None;
    for transform in transforms {
        if output.is_some() {
            return Err(format!(
                "transform {} after canonicalization (an octet-stream transform) is not supported",
                transform.describe()
            ));
        }
        match transform {
            TransformKind::EnvelopedSignature => {
                if let Some(signature) = ctx.signature
                    && ctx.doc.node(set.apex).contains(signature)
                {
                    if set.excluded.is_some_and(|e| e != signature.id()) {
                        return Err("two enveloped-signature exclusions are not supported".into());
                    }
                    set = set.without(signature.id());
                }
            }
            TransformKind::Canonicalize(m) => output = Some(m.clone()),
            TransformKind::StrTransform(m) => {
                let method = m
                    .clone()
                    .ok_or("STR-Transform without a CanonicalizationMethod parameter")?;
                return str_transform(ctx, set, &method, sink);
            }
            TransformKind::Unsupported(uri) => return Err(format!("unsupported transform {uri}")),
        }
    }
    // A node set left at the end is canonicalized with C14N 1.0 (XML-DSig 4.4.3.2).
    let mut method = output.unwrap_or_else(|| C14nMethod::inclusive(false));
    method.with_comments &= target.comments_allowed;
    canonicalize(ctx.doc, set, &method, &mut *sink)
        .map_err(|e| format!("canonicalization failed: {e}"))?;
    Ok(())
}

/// WS-Security 1.1 section 8.3: the STR's token replaces the STR, and that is canonicalized.
///
/// The output follows what the stacks that wrote the captures do (Apache WSS4J, .NET): the
/// token is canonicalized with `#default` added to the InclusiveNamespaces PrefixList, and
/// when its start tag then declares no default namespace, `xmlns=""` is written first in it
/// (the specification's "the default namespace is rendered" read literally). The CXF
/// capture with token protection verifies only this way.
fn str_transform(
    ctx: &ReferenceContext<'_, '_>,
    set: NodeSet,
    method: &C14nMethod,
    sink: &mut TeeDigest,
) -> Result<(), String> {
    let resolver = ctx
        .str_dereference
        .ok_or("STR-Transform needs the WS-Security token resolution (use wskex inspect)")?;
    let str_element = ctx.doc.node(set.apex);
    let mut method = method.clone();
    if !method.inclusive_prefixes.contains(&None) {
        method.inclusive_prefixes.push(None);
    }
    let canonical = match resolver.dereference(ctx.doc, str_element)? {
        StrTarget::InDocument(token) => {
            canonicalize_to_vec(ctx.doc, NodeSet::subtree(token.id()), &method)
        }
        StrTarget::Built(doc) => {
            canonicalize_to_vec(&doc, NodeSet::subtree(doc.root_element().id()), &method)
        }
    };
    let output = with_empty_default_namespace(canonical);
    sink.write_all(&output)
        .map_err(|e| format!("digest failed: {e}"))
}

/// Inserts `xmlns=""` after the element name of the first start tag when that tag declares
/// no default namespace.
fn with_empty_default_namespace(canonical: Vec<u8>) -> Vec<u8> {
    let tag_end = canonical
        .iter()
        .position(|&b| b == b'>')
        .unwrap_or(canonical.len());
    let start_tag = &canonical[..tag_end];
    if start_tag.windows(7).any(|w| w == b" xmlns=") {
        return canonical;
    }
    let name_end = start_tag.iter().position(|&b| b == b' ').unwrap_or(tag_end);
    let mut out = Vec::with_capacity(canonical.len() + 9);
    out.extend_from_slice(&canonical[..name_end]);
    out.extend_from_slice(b" xmlns=\"\"");
    out.extend_from_slice(&canonical[name_end..]);
    out
}
