use super::*;
use crate::xml::tree::{Document, NodeType};

fn parse(s: &str) -> Document {
    Document::parse_str(s, "t.xml").unwrap()
}

fn error(s: &str) -> XmlError {
    Document::parse_str(s, "t.xml").unwrap_err()
}

#[test]
fn spans_point_at_the_received_text() {
    let src = "<?xml version=\"1.0\"?>\n<a x='1'>\n  <b>t&amp;u</b><c/>\n</a>";
    let d = parse(src);
    let a = d.root_element();
    assert_eq!(a.source_text(), &src[22..]);
    assert_eq!(a.position().line, 2);
    let b = a.child("", "b").unwrap();
    assert_eq!(b.source_text(), "<b>t&amp;u</b>");
    assert_eq!((b.position().line, b.position().column), (3, 3));
    let text = b.first_child().unwrap();
    assert_eq!(text.source_text(), "t&amp;u");
    assert_eq!(text.text(), "t&u");
    assert_eq!(a.child("", "c").unwrap().end_tag_span(), None);
    assert_eq!(d.text().as_bytes(), d.received_bytes());
}

#[test]
fn adjacent_text_and_references_form_one_text_node() {
    let d = parse("<a>x&lt;y&#x41;z</a>");
    let children: Vec<_> = d.root_element().children().collect();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].text(), "x<yAz");
}

#[test]
fn namespaces_resolve_and_declarations_are_kept_as_written() {
    let d = parse(r#"<p:a xmlns:p="urn:p" xmlns="urn:d"><b p:x="1" y="2"/><c xmlns=""/></p:a>"#);
    let a = d.root_element();
    assert_eq!(
        (a.namespace(), a.local_name(), a.prefix()),
        ("urn:p", "a", Some("p"))
    );
    let decls: Vec<_> = a
        .namespace_declarations()
        .map(|d| (d.prefix, d.uri))
        .collect();
    assert_eq!(decls, vec![(Some("p"), "urn:p"), (None, "urn:d")]);
    let b = a.first_child().unwrap();
    assert_eq!(b.namespace(), "urn:d");
    assert_eq!(b.attribute_ns("urn:p", "x"), Some("1"));
    assert_eq!(
        b.attribute("y"),
        Some("2"),
        "unprefixed attributes have no namespace"
    );
    assert_eq!(b.next_sibling().unwrap().namespace(), "");
    assert_eq!(
        b.lookup_namespace(Some("xml")),
        Some(crate::xml::tree::XML_NAMESPACE)
    );
}

#[test]
fn attribute_values_keep_raw_and_normalized_forms() {
    let d = parse("<a v=\"x&amp;y\t\r\nz&#10;\"/>");
    let attr = d.root_element().attributes().next().unwrap();
    assert_eq!(attr.raw_value(), "x&amp;y\t\r\nz&#10;");
    assert_eq!(attr.value(), "x&y  z\n");
}

#[test]
fn comments_pis_and_cdata_are_nodes() {
    let d = parse("<!--top--><a><?t some data?><![CDATA[<x>]]></a><?after?>");
    let kinds: Vec<_> = d.descendants().map(|n| n.node_type()).collect();
    use NodeType::*;
    assert_eq!(
        kinds,
        vec![
            Document,
            Comment,
            Element,
            ProcessingInstruction,
            Text,
            ProcessingInstruction
        ]
    );
    let pi = d.root_element().first_child().unwrap();
    assert_eq!(pi.processing_instruction(), Some(("t", "some data")));
    assert!(pi.next_sibling().unwrap().is_cdata());
}

#[test]
fn doctype_without_entities_is_recorded_not_applied() {
    let d = parse("<!DOCTYPE a [<!ATTLIST a x CDATA 'dflt'>]><a/>");
    assert!(d.doctype().unwrap().declares_attlists);
    assert_eq!(d.root_element().attribute("x"), None);
    let d = parse("<!DOCTYPE a SYSTEM \"a.dtd\"><a/>");
    assert!(d.doctype().unwrap().external_id);
}

#[test]
fn entity_declarations_are_refused_with_position() {
    let e = error("<!DOCTYPE a [\n<!ENTITY x \"y\">\n]><a>&x;</a>");
    assert_eq!(e.kind, XmlErrorKind::EntityDeclaration);
    assert_eq!((e.position.line, e.position.column), (2, 1));
    assert!(e.to_string().starts_with("t.xml:2:1: "));
}

#[test]
fn undeclared_entities_are_errors() {
    assert_eq!(
        error("<a>&nbsp;</a>").kind,
        XmlErrorKind::UndefinedEntity("nbsp".into())
    );
    assert!(matches!(
        error("<a>&#0;</a>").kind,
        XmlErrorKind::InvalidCharRef(_)
    ));
    assert!(matches!(
        error("<a>&#xD800;</a>").kind,
        XmlErrorKind::InvalidCharRef(_)
    ));
    assert!(matches!(
        error("<a b='&bogus;'/>").kind,
        XmlErrorKind::UndefinedEntity(_)
    ));
}

#[test]
fn well_formedness_errors() {
    assert!(matches!(
        error("<a><b></a>").kind,
        XmlErrorKind::MismatchedEndTag { .. }
    ));
    let e = error("<a>\n<b>");
    assert!(
        matches!(&e.kind, XmlErrorKind::UnclosedElement { name, opened_at } if name == "b" && opened_at.line == 2)
    );
    assert!(matches!(
        error("<a/><b/>").kind,
        XmlErrorKind::MultipleRoots(_)
    ));
    assert_eq!(error("<a/>junk").kind, XmlErrorKind::TextOutsideRoot);
    assert_eq!(error("  ").kind, XmlErrorKind::NoRootElement);
    assert!(matches!(
        error("<a b='1' b='2'/>").kind,
        XmlErrorKind::DuplicateAttribute(_)
    ));
    assert!(matches!(
        error("<a xmlns:p='urn:x' xmlns:q='urn:x' p:b='1' q:b='2'/>").kind,
        XmlErrorKind::DuplicateAttribute(_)
    ));
    assert!(matches!(
        error("<p:a/>").kind,
        XmlErrorKind::UnboundPrefix(_)
    ));
    assert!(matches!(
        error("<a q:b='1'/>").kind,
        XmlErrorKind::UnboundPrefix(_)
    ));
    assert_eq!(error("<a b='<'/>").kind, XmlErrorKind::LessThanInAttribute);
    assert!(matches!(
        error("<a b='1'c='2'/>").kind,
        XmlErrorKind::MalformedAttribute(_)
    ));
    assert!(matches!(
        error("<a b/>").kind,
        XmlErrorKind::MalformedAttribute(_)
    ));
    assert!(matches!(
        error("<a>\u{1}</a>").kind,
        XmlErrorKind::IllegalCharacter(1)
    ));
    assert!(matches!(
        error("<a/><?xml version='1.0'?>").kind,
        XmlErrorKind::MisplacedDeclaration | XmlErrorKind::Syntax(_)
    ));
    assert!(matches!(
        error("<a xmlns:p=''/>").kind,
        XmlErrorKind::ReservedPrefix(_)
    ));
    assert!(matches!(
        error("<a xmlns:xml='urn:x'/>").kind,
        XmlErrorKind::ReservedPrefix(_)
    ));
    assert!(matches!(error("<1a/>").kind, XmlErrorKind::InvalidName(_)));
}

#[test]
fn limits_are_enforced() {
    let deep = "<a>".repeat(600) + &"</a>".repeat(600);
    assert_eq!(error(&deep).kind, XmlErrorKind::TooDeep { limit: 512 });
    let options = ParseOptions {
        max_attributes: 3,
        ..ParseOptions::default()
    };
    let e =
        Document::parse_with(b"<a b='1' c='2' d='3' e='4'/>".to_vec(), "t", &options).unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::TooManyAttributes { limit: 3 });
    let options = ParseOptions {
        max_input_bytes: 4,
        ..ParseOptions::default()
    };
    let e = Document::parse_with(b"<abc/>".to_vec(), "t", &options).unwrap_err();
    assert!(matches!(e.kind, XmlErrorKind::TooLarge { .. }));
}

#[test]
fn invalid_utf8_is_located() {
    let e = Document::parse(b"<a>\n  \xff</a>".to_vec(), "t.xml").unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::InvalidUtf8);
    assert_eq!((e.position.line, e.position.column), (2, 3));
}

#[test]
fn utf16_documents_parse() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let d = Document::parse(bytes.clone(), "t").unwrap();
    assert_eq!(d.root_element().text_content(), "é");
    assert_eq!(d.received_bytes(), bytes.as_slice());
}

#[test]
fn utf8_bom_is_skipped() {
    let d = Document::parse(b"\xef\xbb\xbf<?xml version='1.0'?><a/>".to_vec(), "t").unwrap();
    assert_eq!(d.root_element().source_text(), "<a/>");
    assert_eq!(d.body_offset(), 3);
}

/// A second byte-order mark is a U+FEFF character before the root, not a mark to skip: quick-xml
/// would skip it without counting its bytes and every span after it would be off by three
/// (found by the parse fuzzer: two marks, carriage returns, then an element).
#[test]
fn a_second_byte_order_mark_is_text_outside_the_root() {
    let mut bytes = b"\xef\xbb\xbf\xef\xbb\xbf".to_vec();
    bytes.extend(std::iter::repeat_n(b'\r', 42));
    bytes.extend_from_slice(b"<:o>");
    let e = Document::parse(bytes, "t").unwrap_err();
    assert!(matches!(e.kind, XmlErrorKind::TextOutsideRoot), "{e}");
    assert_eq!(e.position.offset, 3);
    for text in ["\u{feff}<a/>", "\u{feff}\u{feff}<a/>"] {
        let bytes = [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
        assert!(Document::parse(bytes, "t").is_err(), "{text:?}");
    }
}

#[test]
fn path_names_elements_with_positions_among_same_named_siblings() {
    let d = parse("<r><x/><y/><x><z/></x></r>");
    let z = d.descendants().find(|n| n.local_name() == "z").unwrap();
    assert_eq!(z.path(), "/r/x[2]/z");
}

#[test]
fn arena_records_stay_small() {
    // The node arena holds every text node too: element data lives in its own arena and
    // positions that follow from a span are not stored (issue 13: memory of large captures).
    assert!(std::mem::size_of::<NodeData>() <= 28);
    assert!(std::mem::size_of::<ElementData>() <= 36);
    assert!(std::mem::size_of::<AttrData>() <= 28);
}

#[test]
fn derived_positions_match_the_markup() {
    let src = "<a p:x='1' xmlns:p='urn:p'><!--c--><?pi  data ?><?t?><![CDATA[x\r\ny]]>\
               <b/><c>t</c></a>";
    let d = parse(src);
    let a = d.root_element();
    let kids: Vec<_> = a.children().collect();
    assert_eq!(kids[0].text(), "c");
    assert_eq!(kids[1].processing_instruction(), Some(("pi", "data ")));
    assert_eq!(kids[2].processing_instruction(), Some(("t", "")));
    assert!(kids[3].is_cdata());
    assert_eq!(kids[3].text(), "x\ny");
    let b = a.child("", "b").unwrap();
    assert_eq!(b.start_tag_span().map(|s| &src[s.range()]), Some("<b/>"));
    assert_eq!(b.content_span().map(|s| s.len()), Some(0));
    let c = a.child("", "c").unwrap();
    assert_eq!(c.end_tag_span().map(|s| &src[s.range()]), Some("</c>"));
    assert_eq!(c.content_span().map(|s| &src[s.range()]), Some("t"));
    let attr = a.attributes().next().unwrap();
    assert_eq!(
        (attr.qname(), attr.raw_value(), &src[attr.span().range()]),
        ("p:x", "1", "p:x='1'")
    );
    assert_eq!(attr.namespace(), "urn:p");
    assert_eq!(a.qname(), "a");
    assert_eq!(a.end_tag_span().map(|s| &src[s.range()]), Some("</a>"));
}

/// Indentation (tabs, line feeds) passes the text check's fast path; a control character or
/// a carriage return anywhere in a 64-byte chunk of it is still seen, at its offset.
#[test]
fn control_characters_in_indentation_are_found() {
    for (indent, at) in [0, 1, 63, 64, 65, 150]
        .map(|at| ("\n\t  ".repeat(40), at))
        .into_iter()
        .chain((0..12).map(|at| ("\n\t  ".repeat(3), at)))
    {
        let mut text = indent.clone();
        text.insert(at, '\u{1f}');
        let e = error(&format!("<a>{text}</a>"));
        assert_eq!(e.kind, XmlErrorKind::IllegalCharacter(0x1f), "at {at}");
        assert_eq!(e.position.offset, 3 + at, "at {at}");
        let mut text = indent.clone();
        text.insert(at, '\r');
        let doc = parse(&format!("<a>{text}</a>"));
        let value = doc.root_element().children().next().unwrap().text();
        let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        assert_eq!(value, normalized, "line ends normalized, at {at}");
    }
}
