//! A defect found while reading a message: where it is and what is wrong.

use std::fmt;

use crate::xml::{Node, Position};

/// One missing, malformed or suspicious part of a message, with the place it was found.
///
/// Readers never fail as a whole on one bad part: they record a `Problem` and read on, so an
/// auditor sees everything the message holds plus precisely what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub position: Position,
    pub message: String,
}

impl Problem {
    pub fn new(position: Position, message: impl Into<String>) -> Problem {
        Problem {
            position,
            message: message.into(),
        }
    }

    /// A problem with an element (or one of its attributes), placed at its start tag.
    pub fn at(node: Node<'_>, message: impl Into<String>) -> Problem {
        Problem::new(node.position(), message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}
