//! `wsu:Timestamp`: when the message was created and until when it may be accepted. A receiver
//! checks freshness with it, and a signature over it is what makes a replay detectable.

use crate::ns;
use crate::xml::Node;

use crate::wss::datetime::{TimeValue, read_time};
use crate::wss::problem::Problem;
use crate::wss::read::{unique_child, wsu_id};

/// A `wsu:Timestamp` header item.
#[derive(Debug, Clone)]
pub struct Timestamp<'d> {
    pub node: Node<'d>,
    pub id: Option<String>,
    pub created: Option<TimeValue<'d>>,
    pub expires: Option<TimeValue<'d>>,
    pub problems: Vec<Problem>,
}

impl<'d> Timestamp<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> Timestamp<'d> {
        let mut problems = Vec::new();
        let (created, expires) = read_created_expires(node, &mut problems);
        if created.is_none() {
            problems.push(Problem::at(
                node,
                "wsu:Timestamp has no wsu:Created (most receivers reject such a timestamp)",
            ));
        }
        Timestamp {
            node,
            id: wsu_id(node),
            created,
            expires,
            problems,
        }
    }
}

/// Reads `wsu:Created` and `wsu:Expires` children (a Timestamp or a `wst:Lifetime`); Expires
/// not after Created is a problem.
pub(crate) fn read_created_expires<'d>(
    node: Node<'d>,
    problems: &mut Vec<Problem>,
) -> (Option<TimeValue<'d>>, Option<TimeValue<'d>>) {
    let is_wsu = |n: &str| n == ns::WSU;
    let created = unique_child(node, is_wsu, "Created", problems).map(|c| read_time(c, problems));
    let expires = unique_child(node, is_wsu, "Expires", problems).map(|e| read_time(e, problems));
    if let (Some(c), Some(e)) = (&created, &expires)
        && let (Some(cu), Some(eu)) = (c.utc, e.utc)
        && eu <= cu
    {
        problems.push(Problem::at(
            e.node,
            format!(
                "{} ({eu}) is not after {} ({cu}): the {} is never valid",
                e.node.qname(),
                c.node.qname(),
                node.qname()
            ),
        ));
    }
    (created, expires)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn read(inner: &str) -> Document {
        let text = format!(
            r#"<wsu:Timestamp xmlns:wsu="{}" wsu:Id="TS-1">{inner}</wsu:Timestamp>"#,
            ns::WSU
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn created_and_expires() {
        let d = read(
            "<wsu:Created>2008-06-23T13:25:33.597Z</wsu:Created><wsu:Expires>2008-06-23T13:30:33.597Z</wsu:Expires>",
        );
        let t = Timestamp::read(d.root_element());
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.id.as_deref(), Some("TS-1"));
        let created = t.created.unwrap();
        assert_eq!(created.text, "2008-06-23T13:25:33.597Z");
        let expires = t.expires.unwrap();
        assert_eq!(
            expires.utc.unwrap().unix_seconds - created.utc.unwrap().unix_seconds,
            300
        );
    }

    #[test]
    fn invalid_and_inverted_times_are_problems() {
        let d = read(
            "<wsu:Created>yesterday</wsu:Created><wsu:Expires>2008-06-23T13:30:33Z</wsu:Expires>",
        );
        let t = Timestamp::read(d.root_element());
        assert_eq!(t.created.as_ref().unwrap().utc, None);
        assert_eq!(t.created.as_ref().unwrap().text, "yesterday");
        assert_eq!(t.problems.len(), 1);
        assert_eq!(
            t.problems[0].position.offset,
            d.text().find("yesterday").unwrap()
        );

        let d = read(
            "<wsu:Created>2008-06-23T13:30:33Z</wsu:Created><wsu:Expires>2008-06-23T13:25:33Z</wsu:Expires>",
        );
        let t = Timestamp::read(d.root_element());
        assert!(
            t.problems[0].message.contains("is not after"),
            "{:?}",
            t.problems
        );
    }

    #[test]
    fn missing_created_and_local_time_are_problems() {
        let d = read("<wsu:Expires>2008-06-23T13:30:33</wsu:Expires>");
        let t = Timestamp::read(d.root_element());
        assert!(t.expires.unwrap().utc.is_some());
        assert_eq!(t.problems.len(), 2, "{:?}", t.problems);
    }
}
