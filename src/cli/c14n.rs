//! `wskex c14n`: the canonical bytes of a document, an element or an id, to standard output.

use std::io::Write;

use clap::Args;

use super::{CliError, Outcome, read_input, stdout_error};
use crate::xml::c14n::{C14nMethod, NodeSet, canonicalize};
use crate::xml::{Document, IdAttributes, IdLookup, Node};

const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

#[derive(Debug, Args)]
#[command(
    about = "Write the canonical form (C14N 1.0 or Exclusive C14N 1.0) of a document or part of it",
    long_about = "Write the canonical form of FILE to standard output: Canonical XML 1.0 by default, \
                  Exclusive XML Canonicalization 1.0 with --exclusive. The whole document is \
                  canonicalized unless --id or --element selects one element's subtree (which keeps \
                  the namespace context inherited from its ancestors). Comments are removed unless \
                  --with-comments is given.\n\n\
                  Exit codes: 0 written, 2 usage error or malformed input (one line naming file:line:col)."
)]
pub struct C14nArgs {
    /// The XML document (`-` for standard input).
    pub file: String,
    /// Exclusive XML Canonicalization 1.0 instead of Canonical XML 1.0.
    #[arg(long)]
    pub exclusive: bool,
    /// Keep comments (the #WithComments variants).
    #[arg(long)]
    pub with_comments: bool,
    /// InclusiveNamespaces PrefixList for exclusive c14n, e.g. "soap #default".
    #[arg(long, value_name = "PREFIXES", requires = "exclusive")]
    pub prefixes: Option<String>,
    /// Canonicalize the subtree of the element carrying this id (wsu:Id, Id, ID, AssertionID,
    /// xml:id, or an attribute named with --id-attr).
    #[arg(long, value_name = "ID", conflicts_with = "element")]
    pub id: Option<String>,
    /// Canonicalize the subtree of the first element with this expanded name: '{namespace}local',
    /// or 'local' for an element in no namespace.
    #[arg(long, value_name = "NAME")]
    pub element: Option<String>,
    /// Remove the first ds:Signature inside the selection (the enveloped-signature transform).
    #[arg(long)]
    pub drop_signature: bool,
    /// Also treat attributes with this name as ids ('Name' in any namespace, or '{ns}Name').
    #[arg(long = "id-attr", value_name = "NAME")]
    pub id_attrs: Vec<String>,
}

pub fn run(args: &C14nArgs, stdout: &mut dyn Write) -> Result<Outcome, CliError> {
    let (bytes, name) = read_input(&args.file)?;
    let doc = Document::parse(bytes, name)?;
    let apex = select(&doc, args)?;
    let mut set = NodeSet::subtree(apex.id());
    if args.drop_signature {
        let signature = apex
            .descendants()
            .skip(1)
            .find(|n| n.has_name(DSIG_NS, "Signature"))
            .ok_or_else(|| {
                CliError::Input(format!(
                    "{}: no ds:Signature inside the selection to drop",
                    doc.source_name()
                ))
            })?;
        set = set.without(signature.id());
    }
    let mut method = if args.exclusive {
        C14nMethod::exclusive(args.with_comments)
    } else {
        C14nMethod::inclusive(args.with_comments)
    };
    if let Some(list) = &args.prefixes {
        method = method.with_prefix_list(list);
    }
    canonicalize(&doc, set, &method, &mut *stdout).map_err(stdout_error)?;
    Ok(Outcome::Success)
}

fn select<'d>(doc: &'d Document, args: &C14nArgs) -> Result<Node<'d>, CliError> {
    if let Some(id) = &args.id {
        let index = doc.id_index(&IdAttributes::with_extra(&args.id_attrs));
        return match index.lookup(id) {
            IdLookup::Unique(n) => Ok(doc.node(n)),
            IdLookup::Missing => Err(CliError::Input(format!(
                "{}: no element has the id {id:?}",
                doc.source_name()
            ))),
            IdLookup::Duplicate(nodes) => {
                let places: Vec<String> = nodes
                    .iter()
                    .map(|n| doc.node(*n).position().to_string())
                    .collect();
                let first = doc.node(nodes[0]).position();
                Err(CliError::Input(format!(
                    "{}:{first}: the id {id:?} is carried by {} elements (at {}); refusing to pick one",
                    doc.source_name(),
                    nodes.len(),
                    places.join(", ")
                )))
            }
        };
    }
    if let Some(wanted) = &args.element {
        let (ns, local) = match wanted.strip_prefix('{').and_then(|r| r.split_once('}')) {
            Some((ns, local)) => (ns, local),
            None => ("", wanted.as_str()),
        };
        return doc
            .descendants()
            .find(|n| n.has_name(ns, local))
            .ok_or_else(|| CliError::Input(format!("{}: no element {wanted}", doc.source_name())));
    }
    Ok(doc.root())
}
