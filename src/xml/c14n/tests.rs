//! Canonicalization rules, one test per rule, written from REC-xml-c14n-20010315 and
//! REC-xml-exc-c14n-20020718 (the shared W3C vectors are run by tests/c14n_conformance.rs).

use super::*;
use crate::xml::{Document, IdAttributes, IdIndex, IdLookup};

fn doc(s: &str) -> Document {
    Document::parse_str(s, "test").unwrap()
}

fn c14n(s: &str) -> String {
    let d = doc(s);
    String::from_utf8(canonicalize_to_vec(
        &d,
        NodeSet::document(),
        &C14nMethod::inclusive(false),
    ))
    .unwrap()
}

fn c14n_comments(s: &str) -> String {
    let d = doc(s);
    String::from_utf8(canonicalize_to_vec(
        &d,
        NodeSet::document(),
        &C14nMethod::inclusive(true),
    ))
    .unwrap()
}

fn exc(s: &str) -> String {
    let d = doc(s);
    String::from_utf8(canonicalize_to_vec(
        &d,
        NodeSet::document(),
        &C14nMethod::exclusive(false),
    ))
    .unwrap()
}

/// Canonical form of the element with `id`, by `method`.
fn subtree(s: &str, id: &str, method: &C14nMethod) -> String {
    let d = doc(s);
    let IdLookup::Unique(n) = IdIndex::build(&d, &IdAttributes::default()).lookup(id) else {
        panic!("no id {id}")
    };
    String::from_utf8(canonicalize_to_vec(&d, NodeSet::subtree(n), method)).unwrap()
}

#[test]
fn xml_declaration_and_doctype_are_removed() {
    assert_eq!(
        c14n("<?xml version=\"1.0\"?>\n<!DOCTYPE a>\n<a/>"),
        "<a></a>"
    );
}

#[test]
fn empty_elements_become_start_end_pairs() {
    assert_eq!(
        c14n("<a><b/><c x='1'/></a>"),
        "<a><b></b><c x=\"1\"></c></a>"
    );
}

#[test]
fn white_space_in_tags_is_normalized_and_quotes_become_double() {
    assert_eq!(
        c14n("<a  x = 'v'\n y=\"w\" ></a >"),
        "<a x=\"v\" y=\"w\"></a>"
    );
}

#[test]
fn attributes_sort_unqualified_first_then_by_namespace_uri_and_local_name() {
    let input = r#"<e xmlns:b="urn:b" xmlns:a="urn:a" b:z="1" a:z="2" z="3" a:y="4" y="5"/>"#;
    assert_eq!(
        c14n(input),
        r#"<e xmlns:a="urn:a" xmlns:b="urn:b" y="5" z="3" a:y="4" a:z="2" b:z="1"></e>"#
    );
}

#[test]
fn attribute_sort_uses_namespace_uri_not_prefix() {
    // Prefix z is bound to the smaller URI, so its attribute sorts first.
    let input = r#"<e xmlns:a="urn:y" xmlns:z="urn:x" a:k="1" z:k="2"/>"#;
    assert_eq!(
        c14n(input),
        r#"<e xmlns:a="urn:y" xmlns:z="urn:x" z:k="2" a:k="1"></e>"#
    );
}

#[test]
fn namespace_declarations_sort_by_prefix_default_first() {
    assert_eq!(
        c14n(r#"<e xmlns:b="urn:b" xmlns="urn:d" xmlns:a="urn:a"/>"#),
        r#"<e xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b"></e>"#
    );
}

#[test]
fn superfluous_namespace_declarations_are_dropped() {
    let input = r#"<a xmlns:p="urn:p" xmlns="urn:d"><b xmlns:p="urn:p" xmlns="urn:d"><p:c xmlns:p="urn:other"/></b></a>"#;
    assert_eq!(
        c14n(input),
        r#"<a xmlns="urn:d" xmlns:p="urn:p"><b><p:c xmlns:p="urn:other"></p:c></b></a>"#
    );
}

#[test]
fn empty_default_namespace_is_written_only_to_cancel_one() {
    assert_eq!(c14n(r#"<a><b xmlns=""/></a>"#), "<a><b></b></a>");
    assert_eq!(
        c14n(r#"<a xmlns="urn:a"><b xmlns=""><c xmlns=""/></b></a>"#),
        r#"<a xmlns="urn:a"><b xmlns=""><c></c></b></a>"#
    );
}

#[test]
fn text_escaping() {
    assert_eq!(
        c14n("<a>&lt;&amp;&gt;\"'&#xD;&#9;</a>"),
        "<a>&lt;&amp;&gt;\"'&#xD;\t</a>"
    );
}

#[test]
fn attribute_escaping_and_normalization() {
    assert_eq!(
        c14n("<a b=\"&lt;&amp;&gt;&quot;'&#9;&#10;&#13;\"/>"),
        "<a b=\"&lt;&amp;>&quot;'&#x9;&#xA;&#xD;\"></a>"
    );
    // Literal white space characters in attribute values are normalized to spaces by the parser.
    assert_eq!(c14n("<a b=\"x\ty\nz\r\nw\"/>"), "<a b=\"x y z w\"></a>");
}

#[test]
fn line_ends_are_normalized_to_line_feeds() {
    assert_eq!(c14n("<a>1\r\n2\r3\n</a>"), "<a>1\n2\n3\n</a>");
    assert_eq!(
        c14n_comments("<a><!--x\r\ny--><?p d\re?></a>"),
        "<a><!--x\ny--><?p d\ne?></a>"
    );
}

#[test]
fn cdata_sections_become_escaped_text() {
    assert_eq!(
        c14n("<a><![CDATA[x < y & z]]></a>"),
        "<a>x &lt; y &amp; z</a>"
    );
}

#[test]
fn character_references_are_replaced() {
    assert_eq!(c14n("<a>&#x32;&#169;</a>"), "<a>2©</a>");
}

#[test]
fn comments_and_pis_outside_the_root_get_line_feeds() {
    let input = "<?p1 a?>\n<!--c1-->\n<r/>\n<!--c2-->\n<?p2?>\n";
    assert_eq!(c14n(input), "<?p1 a?>\n<r></r>\n<?p2?>");
    assert_eq!(
        c14n_comments(input),
        "<?p1 a?>\n<!--c1-->\n<r></r>\n<!--c2-->\n<?p2?>"
    );
}

#[test]
fn comments_inside_are_removed_without_comments() {
    assert_eq!(c14n("<a>x<!--c-->y</a>"), "<a>xy</a>");
    assert_eq!(c14n_comments("<a>x<!--c-->y</a>"), "<a>x<!--c-->y</a>");
}

#[test]
fn white_space_inside_the_root_is_kept() {
    assert_eq!(c14n("<a>\n  <b> x </b>\n</a>"), "<a>\n  <b> x </b>\n</a>");
}

#[test]
fn inclusive_subtree_inherits_namespaces_and_xml_attributes() {
    let input = r#"<r xmlns="urn:d" xmlns:p="urn:p" xmlns:u="urn:unused" xml:lang="en" xml:space="preserve"><p:e Id="x" xml:lang="fr"/></r>"#;
    assert_eq!(
        subtree(input, "x", &C14nMethod::inclusive(false)),
        r#"<p:e xmlns="urn:d" xmlns:p="urn:p" xmlns:u="urn:unused" Id="x" xml:lang="fr" xml:space="preserve"></p:e>"#
    );
}

#[test]
fn exclusive_subtree_renders_only_visibly_used_namespaces() {
    let input = r#"<r xmlns="urn:d" xmlns:p="urn:p" xmlns:u="urn:unused" xml:lang="en"><p:e Id="x"><f/></p:e></r>"#;
    assert_eq!(
        subtree(input, "x", &C14nMethod::exclusive(false)),
        r#"<p:e xmlns:p="urn:p" Id="x"><f xmlns="urn:d"></f></p:e>"#
    );
}

#[test]
fn exclusive_declares_at_first_use_and_not_again() {
    let input = r#"<a:r xmlns:a="urn:a" xmlns:b="urn:b"><x><b:y><b:z b:k="1"/></b:y></x></a:r>"#;
    assert_eq!(
        exc(input),
        r#"<a:r xmlns:a="urn:a"><x><b:y xmlns:b="urn:b"><b:z b:k="1"></b:z></b:y></x></a:r>"#
    );
}

#[test]
fn exclusive_redeclares_below_an_output_sibling() {
    // Each sibling uses the prefix; neither inherits the other's declaration.
    let input = r#"<r xmlns:b="urn:b"><b:x/><b:y/></r>"#;
    assert_eq!(
        exc(input),
        r#"<r><b:x xmlns:b="urn:b"></b:x><b:y xmlns:b="urn:b"></b:y></r>"#
    );
}

#[test]
fn exclusive_cancels_a_rendered_default_with_empty_xmlns() {
    let input = r#"<a xmlns="urn:a"><b xmlns=""/></a>"#;
    assert_eq!(exc(input), r#"<a xmlns="urn:a"><b xmlns=""></b></a>"#);
    // No default was rendered above, so none needs cancelling.
    let input = r#"<p:a xmlns:p="urn:p" xmlns="urn:a"><b xmlns=""/></p:a>"#;
    assert_eq!(exc(input), r#"<p:a xmlns:p="urn:p"><b></b></p:a>"#);
}

#[test]
fn exclusive_attribute_prefixes_are_visibly_used_but_xml_is_not_declared() {
    let input = r#"<r xmlns:q="urn:q"><e q:a="1" xml:lang="de"/></r>"#;
    // Sorted by namespace URI: "http://www.w3.org/XML/1998/namespace" < "urn:q".
    assert_eq!(
        exc(input),
        r#"<r><e xmlns:q="urn:q" xml:lang="de" q:a="1"></e></r>"#
    );
}

#[test]
fn exclusive_prefix_list_is_treated_inclusively() {
    let input = r#"<r xmlns="urn:d" xmlns:p="urn:p" xmlns:u="urn:u"><e Id="x"><f/></e></r>"#;
    let method = C14nMethod::exclusive(false).with_prefix_list("u #default");
    assert_eq!(
        subtree(input, "x", &method),
        r#"<e xmlns="urn:d" xmlns:u="urn:u" Id="x"><f></f></e>"#
    );
}

#[test]
fn exclusive_prefix_list_ignores_prefixes_not_in_scope() {
    let input = r#"<r><e Id="x"/></r>"#;
    let method = C14nMethod::exclusive(false).with_prefix_list("nothere #default");
    assert_eq!(subtree(input, "x", &method), r#"<e Id="x"></e>"#);
}

#[test]
fn exclusive_does_not_inherit_xml_attributes() {
    let input = r#"<r xml:lang="en"><e Id="x"/></r>"#;
    assert_eq!(
        subtree(input, "x", &C14nMethod::exclusive(false)),
        r#"<e Id="x"></e>"#
    );
}

#[test]
fn enveloped_subtree_is_left_out_with_its_namespaces() {
    let input = r#"<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><d>data</d><ds:Signature Id="sig"><ds:X/></ds:Signature><!--after--></r>"#;
    let d = doc(input);
    let IdLookup::Unique(sig) = IdIndex::build(&d, &IdAttributes::default()).lookup("sig") else {
        panic!()
    };
    let out = canonicalize_to_vec(
        &d,
        NodeSet::document().without(sig),
        &C14nMethod::exclusive(false),
    );
    assert_eq!(String::from_utf8(out).unwrap(), "<r><d>data</d></r>");
    let out = canonicalize_to_vec(
        &d,
        NodeSet::document().without(sig),
        &C14nMethod::inclusive(true),
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><d>data</d><!--after--></r>"#
    );
}

#[test]
fn excluding_the_apex_gives_nothing() {
    let d = doc("<r><a/></r>");
    let root = d.root_element().id();
    assert!(
        canonicalize_to_vec(
            &d,
            NodeSet::subtree(root).without(root),
            &C14nMethod::inclusive(false)
        )
        .is_empty()
    );
}

#[test]
fn explicit_xml_prefix_declaration_is_never_written() {
    let input = r#"<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/>"#;
    assert_eq!(c14n(input), r#"<a xml:lang="en"></a>"#);
    assert_eq!(exc(input), r#"<a xml:lang="en"></a>"#);
}

#[test]
fn canonical_form_is_a_fixed_point() {
    let input = "<?xml version='1.0'?><!--c--><p:a xmlns:p='urn:p' xmlns='urn:d' b='&amp;&#13;' a=\"1\"><![CDATA[<>]]><b xmlns=''/>x\r\ny<?pi d?></p:a>";
    for method in [
        C14nMethod::inclusive(false),
        C14nMethod::inclusive(true),
        C14nMethod::exclusive(false),
        C14nMethod::exclusive(true),
    ] {
        let once = canonicalize_to_vec(&doc(input), NodeSet::document(), &method);
        let twice = canonicalize_to_vec(
            &doc(std::str::from_utf8(&once).unwrap()),
            NodeSet::document(),
            &method,
        );
        assert_eq!(once, twice, "{}", method.uri());
    }
}

#[test]
fn method_uris_round_trip() {
    for uri in [
        C14N_10,
        C14N_10_WITH_COMMENTS,
        EXC_C14N,
        EXC_C14N_WITH_COMMENTS,
    ] {
        assert_eq!(C14nMethod::from_uri(uri).unwrap().uri(), uri);
    }
    assert!(C14nMethod::from_uri("http://www.w3.org/2006/12/xml-c14n11").is_none());
}
