//! Which WS-Trust namespace an element (or a URI built on it) belongs to. WCF still speaks
//! the February 2005 namespace, WS-Trust 1.3/1.4 use 200512, and 1.4 adds elements in 200802;
//! request types, key types and algorithm URIs are built on the same namespaces.

use crate::ns;
use crate::xml::Node;

use crate::wss::Problem;
use crate::wss::read::unique_child;

/// A WS-Trust namespace generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrustVersion {
    /// `http://schemas.xmlsoap.org/ws/2005/02/trust`.
    Feb2005,
    /// `http://docs.oasis-open.org/ws-sx/ws-trust/200512` (WS-Trust 1.3 and 1.4).
    V200512,
    /// `http://docs.oasis-open.org/ws-sx/ws-trust/200802` (the WS-Trust 1.4 additions).
    V200802,
}

impl TrustVersion {
    pub const ALL: [TrustVersion; 3] = [
        TrustVersion::Feb2005,
        TrustVersion::V200512,
        TrustVersion::V200802,
    ];

    pub fn from_namespace(namespace: &str) -> Option<TrustVersion> {
        match namespace {
            ns::WST_2005 => Some(TrustVersion::Feb2005),
            ns::WST => Some(TrustVersion::V200512),
            ns::WST14 => Some(TrustVersion::V200802),
            _ => None,
        }
    }

    pub fn namespace(self) -> &'static str {
        match self {
            TrustVersion::Feb2005 => ns::WST_2005,
            TrustVersion::V200512 => ns::WST,
            TrustVersion::V200802 => ns::WST14,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrustVersion::Feb2005 => "WS-Trust 2005/02",
            TrustVersion::V200512 => "WS-Trust 1.3 (200512)",
            TrustVersion::V200802 => "WS-Trust 1.4 (200802)",
        }
    }
}

/// Splits a URI built on a WS-Trust namespace into the generation and the rest after `/`
/// (`.../200512/Issue` gives `(V200512, "Issue")`, `.../CK/PSHA1` gives `"CK/PSHA1"`).
pub fn split_trust_uri(uri: &str) -> Option<(TrustVersion, &str)> {
    TrustVersion::ALL.iter().find_map(|v| {
        let rest = uri.strip_prefix(v.namespace())?.strip_prefix('/')?;
        Some((*v, rest))
    })
}

/// A child in any WS-Trust namespace. One in another generation than its parent is a problem,
/// except 200512 and 200802 together, which is how WS-Trust 1.4 is written (its additions in
/// 200802 hold and sit in 1.3 elements).
pub(crate) fn trust_child<'d>(
    parent: Node<'d>,
    version: TrustVersion,
    local: &str,
    problems: &mut Vec<Problem>,
) -> Option<Node<'d>> {
    let child = unique_child(parent, ns::is_wst, local, problems)?;
    note_generation(child, parent, version, problems);
    Some(child)
}

/// Notes a WS-Trust element written in another generation than the element holding it.
pub(crate) fn note_generation(
    child: Node<'_>,
    parent: Node<'_>,
    version: TrustVersion,
    problems: &mut Vec<Problem>,
) {
    let Some(child_version) = TrustVersion::from_namespace(child.namespace()) else {
        return;
    };
    let is_13_or_14 = |v: TrustVersion| matches!(v, TrustVersion::V200512 | TrustVersion::V200802);
    let allowed = child_version == version || (is_13_or_14(child_version) && is_13_or_14(version));
    if !allowed {
        problems.push(Problem::at(
            child,
            format!(
                "{} is {} inside {} of {}",
                child.qname(),
                child_version.label(),
                parent.qname(),
                version.label()
            ),
        ));
    }
}

/// The generation of a message element; an element outside WS-Trust is read as 200512 with a
/// problem.
pub(crate) fn trust_version_of(node: Node<'_>, problems: &mut Vec<Problem>) -> TrustVersion {
    TrustVersion::from_namespace(node.namespace()).unwrap_or_else(|| {
        problems.push(Problem::at(
            node,
            format!(
                "{} is not in a WS-Trust namespace; read as WS-Trust 1.3",
                node.expanded_name()
            ),
        ));
        TrustVersion::V200512
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_split_by_generation() {
        assert_eq!(
            split_trust_uri("http://schemas.xmlsoap.org/ws/2005/02/trust/CK/PSHA1"),
            Some((TrustVersion::Feb2005, "CK/PSHA1"))
        );
        assert_eq!(
            split_trust_uri("http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue"),
            Some((TrustVersion::V200512, "Issue"))
        );
        assert_eq!(
            split_trust_uri("http://docs.oasis-open.org/ws-sx/ws-trust/200512"),
            None
        );
        assert_eq!(split_trust_uri("urn:example:Issue"), None);
    }
}
