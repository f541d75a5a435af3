//! `wst:Lifetime`: the validity period an issued token is requested for or granted. The key
//! it carries must not be used outside it.

use crate::xml::Node;

use crate::wss::Problem;
use crate::wss::TimeValue;
use crate::wss::tokens::timestamp::read_created_expires;

/// A `wst:Lifetime` with its `wsu:Created` and `wsu:Expires`.
#[derive(Debug, Clone)]
pub struct Lifetime<'d> {
    pub node: Node<'d>,
    pub created: Option<TimeValue<'d>>,
    pub expires: Option<TimeValue<'d>>,
}

impl<'d> Lifetime<'d> {
    /// Reads a Lifetime; problems go to the enclosing message's list.
    pub fn read(node: Node<'d>, problems: &mut Vec<Problem>) -> Lifetime<'d> {
        let (created, expires) = read_created_expires(node, problems);
        if created.is_none() && expires.is_none() {
            problems.push(Problem::at(
                node,
                "wst:Lifetime has neither wsu:Created nor wsu:Expires",
            ));
        }
        Lifetime {
            node,
            created,
            expires,
        }
    }
}
