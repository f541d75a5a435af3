//! The scanner against the quick-xml loop it replaced (`quick_xml_oracle.rs`): on every input,
//! the same tree or the same error at the same offset.

use proptest::prelude::*;

use super::*;

/// The built arenas, or the error, as comparable text.
fn outcome(text: &str, with_quick_xml: bool) -> String {
    let options = ParseOptions {
        max_depth: 6,
        max_attributes: 4,
        ..ParseOptions::default()
    };
    let builder = Builder::new(text, 0, &options);
    let built = if with_quick_xml {
        builder.run_with_quick_xml()
    } else {
        builder.run()
    };
    match built {
        Ok(b) => format!(
            "{:?}",
            (
                b.nodes,
                b.elements,
                b.attrs,
                b.ns_decls,
                b.namespaces,
                b.owned,
                b.doctype
            )
        ),
        Err(e) => format!("error {e:?}"),
    }
}

fn assert_same(text: &str) {
    assert_eq!(outcome(text, false), outcome(text, true), "input {text:?}");
}

#[test]
fn malformed_markup_fails_as_quick_xml_failed() {
    for text in [
        "<a>",
        "<a",
        "<",
        "<a></b>",
        "</a>",
        "<a></a >",
        "<a></ a>",
        "<a></a\n>",
        "<a>< /a>",
        "<a></  >",
        "<a b='>'></a>",
        "<a b='1></a>",
        "<a b=\"1></a>",
        "<a b='1'/ >",
        "<a/b>",
        "<>",
        "<a>&amp</a>",
        "<a>& b</a>",
        "<a>&&amp;</a>",
        "<a>&;</a>",
        "<a>x&",
        "<a>x&amp;",
        "<a>&lt;&#x3c;&#60;</a>",
        "<a><!-- a -- b --></a>",
        "<a><!-- ok --></a>",
        "<a><!- x -></a>",
        "<a><![CDATA[x]]></a>",
        "<a><![CDATA[x]></a>",
        "<a><![cdata[x]]></a>",
        "<a><?pi x?></a>",
        "<a><??></a>",
        "<a><?pi x></a>",
        "<?xml version='1.0'?><a/>",
        " <?xml version='1.0'?><a/>",
        "<a/><?xml version='1.0'?>",
        "<!DOCTYPE a><a/>",
        "<!doctype a><a/>",
        "<!DOCTYPE><a/>",
        "<!DOCTYPE a [<!ENTITY x 'y'>]><a/>",
        "<!DOCTYPE a [<!ATTLIST a x CDATA 'd'>]><a/>",
        "<!X><a/>",
        "<a/><!DOCTYPE a>",
        "<a>\u{1}</a>",
        "<a>\r\nx\ry</a>",
        "<a>x\r&amp;\ry</a>",
        "<a b='x\r\ny'/>",
        "<a b c='1'/>",
        "<a b='1'c='2'/>",
        "<a b='1' b='2'/>",
        "<a\tb='1'\n/>",
        "<a b = '1' />",
        "<p:a/>",
        "<p:a xmlns:p='urn:p'></p:a>",
        "<p:a xmlns:p='urn:p'></a>",
        "<a><b><c><d><e><f><g/></f></e></d></c></b></a>",
        "<a b='1' c='2' d='3' e='4' f='5'/>",
        "<a/>junk",
        "junk<a/>",
        "<a/><b/>",
        "<a/>\n",
        "",
        "   ",
        "<é/>",
        "<a é='1'/>",
        "<a>]]></a>",
        "<a>></a>",
        "<a \"b\"='1'/>",
        "<a b='1'\"/>",
        "</>",
        "<a></>",
        "<a/></a>",
        // Names the one-pass scan leaves to the two-pass path, and end tags it matches.
        "<a:b:c/>",
        "<:a/>",
        "<a:/>",
        "<1a/>",
        "<a 1b='1'/>",
        "<a b:='1'/>",
        "<a :b='1'/>",
        "<a b:c:d='1' xmlns:b='urn:b'/>",
        "<a-b.c_d e-f.g='1'></a-b.c_d>",
        "<a\u{1}/>",
        "<a b\u{1}='1'/>",
        "<aé b='1'/>",
        "<a bé='1'/>",
        "<ab></a>",
        "<a></ab>",
        "<a></a",
        "<p:a xmlns:p='urn:p'></p:ab>",
        "<p:a xmlns:p='urn:p'></p:a >",
        "<a xmlns:p='urn:p' p:x='1' p:x='2'/>",
        "<a xmlns:p='urn:p' xmlns:q='urn:p' p:x='1' q:x='2'/>",
    ] {
        assert_same(text);
    }
}

/// Pieces of XML, right and wrong, that random concatenations are made of.
const PIECES: &[&str] = &[
    "<a",
    "<b:c",
    "<d",
    ">",
    "/>",
    "</a>",
    "</b:c>",
    "</d >",
    "</",
    "<",
    " x='1'",
    " y=\"2\"",
    " xmlns:b='urn:b'",
    " xmlns='urn:d'",
    " b:z='3'",
    "=",
    "'",
    "\"",
    "&amp;",
    "&",
    ";",
    "&#x41;",
    "&#0;",
    "&bogus;",
    "<!--",
    "-->",
    "--",
    "<![CDATA[",
    "]]>",
    "<?pi",
    "?>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE a>",
    "<!DOCTYPE a [<!ENTITY x 'y'>]>",
    "text",
    " ",
    "\r\n",
    "\r",
    "\t",
    "\u{1}",
    "é",
    "\u{feff}",
    "<a>",
    "</a>",
    "<a:b:c",
    " :q='1'",
    " é='1'",
    "<1",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn random_markup_fails_or_parses_as_quick_xml_did(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24),
        wrapped in any::<bool>(),
    ) {
        let body = pieces.concat();
        let text = if wrapped { format!("<a>{body}</a>") } else { body };
        prop_assert_eq!(outcome(&text, false), outcome(&text, true), "input {:?}", text);
    }
}
