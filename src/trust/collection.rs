//! Lists of RSTRs: `wst:RequestSecurityTokenResponseCollection` (the WS-Trust 1.3 final
//! response, one RSTR per issued token) and the `wst:IssuedTokens` header (tokens pushed to a
//! party unsolicited, as in direct key transfer).

use crate::ns;
use crate::xml::Node;

use crate::wss::Problem;
use crate::wss::read::stray_text;

use super::response::RequestSecurityTokenResponse;
use super::version::{TrustVersion, note_generation, trust_version_of};

/// A `wst:RequestSecurityTokenResponseCollection`.
#[derive(Debug, Clone)]
pub struct RequestSecurityTokenResponseCollection<'d> {
    pub node: Node<'d>,
    pub version: TrustVersion,
    pub responses: Vec<RequestSecurityTokenResponse<'d>>,
    /// Problems of the collection itself; each response keeps its own.
    pub problems: Vec<Problem>,
}

/// A `wst:IssuedTokens` header block.
#[derive(Debug, Clone)]
pub struct IssuedTokens<'d> {
    pub node: Node<'d>,
    pub version: TrustVersion,
    pub responses: Vec<RequestSecurityTokenResponse<'d>>,
    /// Problems of the header itself; each response keeps its own.
    pub problems: Vec<Problem>,
}

impl<'d> RequestSecurityTokenResponseCollection<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> RequestSecurityTokenResponseCollection<'d> {
        let mut problems = Vec::new();
        let version = trust_version_of(node, &mut problems);
        let responses = read_responses(node, version, &mut problems);
        RequestSecurityTokenResponseCollection {
            node,
            version,
            responses,
            problems,
        }
    }

    /// The collection's problems and every response's, in document order.
    pub fn all_problems(&self) -> Vec<&Problem> {
        collect_problems(&self.problems, &self.responses)
    }
}

impl<'d> IssuedTokens<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> IssuedTokens<'d> {
        let mut problems = Vec::new();
        let version = trust_version_of(node, &mut problems);
        let responses = read_responses(node, version, &mut problems);
        IssuedTokens {
            node,
            version,
            responses,
            problems,
        }
    }

    /// The header's problems and every response's, in document order.
    pub fn all_problems(&self) -> Vec<&Problem> {
        collect_problems(&self.problems, &self.responses)
    }
}

/// The RSTR children of a list element; anything else, or none at all, is a problem.
fn read_responses<'d>(
    node: Node<'d>,
    version: TrustVersion,
    problems: &mut Vec<Problem>,
) -> Vec<RequestSecurityTokenResponse<'d>> {
    stray_text(node, problems);
    let mut responses = Vec::new();
    for child in node.child_elements() {
        if ns::is_wst(child.namespace()) && child.local_name() == "RequestSecurityTokenResponse" {
            note_generation(child, node, version, problems);
            responses.push(RequestSecurityTokenResponse::read(child));
        } else {
            problems.push(Problem::at(
                child,
                format!("{} inside {} is not an RSTR", child.qname(), node.qname()),
            ));
        }
    }
    if responses.is_empty() {
        problems.push(Problem::at(
            node,
            format!("{} holds no RequestSecurityTokenResponse", node.qname()),
        ));
    }
    responses
}

fn collect_problems<'a>(
    own: &'a [Problem],
    responses: &'a [RequestSecurityTokenResponse<'_>],
) -> Vec<&'a Problem> {
    let mut all: Vec<&Problem> = own.iter().collect();
    for r in responses {
        all.extend(r.all_problems());
    }
    all.sort_by_key(|p| p.position.offset);
    all
}
