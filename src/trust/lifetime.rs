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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ns;
    use crate::xml::Document;

    fn read(inner: &str) -> Vec<Problem> {
        let text = format!(
            r#"<t:Lifetime xmlns:t="{}" xmlns:wsu="{}">{inner}</t:Lifetime>"#,
            ns::WST,
            ns::WSU
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let mut problems = Vec::new();
        Lifetime::read(d.root_element(), &mut problems);
        problems
    }

    #[test]
    fn lifetimes() {
        assert!(read("<wsu:Created>2024-02-14T02:06:53Z</wsu:Created><wsu:Expires>2024-02-14T17:06:53Z</wsu:Expires>").is_empty());
        assert!(read("<wsu:Expires>2024-02-14T17:06:53Z</wsu:Expires>").is_empty());
        assert_eq!(read("").len(), 1);
        assert_eq!(read("<wsu:Created>2024-02-14T17:06:53Z</wsu:Created><wsu:Expires>2024-02-14T02:06:53Z</wsu:Expires>").len(), 1);
        assert_eq!(
            read("<wsu:Created>2024-02-30T00:00:00Z</wsu:Created>").len(),
            1
        );
    }
}
