//! Deterministic generators of XML documents for interop, property tests and benchmarks.

#![allow(dead_code)]

use std::fmt::Write;

/// A small deterministic generator (xorshift64*): the same seed gives the same documents.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PREFIXES: &[&str] = &["a", "b", "soap", "wsse", "wsu"];
const URIS: &[&str] = &[
    "urn:a",
    "urn:b",
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
    // libxml2 writes namespace URIs without escaping `&` (the specification escapes them as
    // attribute values; wskex follows the specification), so the URIs here avoid it.
    "http://example.com/x?a=1;b=2",
];
const LOCALS: &[&str] = &[
    "e", "Body", "Header", "Security", "item", "x", "Zeta", "alpha",
];
const TEXTS: &[&str] = &[
    "plain",
    " spaced  out ",
    "a &amp; b",
    "&lt;tag&gt;",
    "quote \" and ' apostrophe",
    "tab\tnew\nline",
    "cr&#13;ref",
    "é ü ☃ 𝄞",
    "&#x41;&#66;",
    "]]&gt;",
    "\r\n",
];
const ATTR_VALUES: &[&str] = &[
    "v",
    "a &amp; b",
    "&lt;x&gt;",
    "&quot;q&quot;",
    "it's",
    "tab&#9;lf&#10;cr&#13;",
    "é",
    "",
];

/// A random namespace-well-formed document exercising the canonicalization rules.
pub fn random_document(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    if rng.chance(30) {
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    if rng.chance(30) {
        out.push_str("<!-- leading comment -->\n");
    }
    if rng.chance(20) {
        out.push_str("<?lead-pi some data?>\n");
    }
    let mut scope: Vec<(String, String)> = Vec::new();
    element(&mut rng, &mut out, &mut scope, 0);
    if rng.chance(30) {
        out.push_str("\n<!-- trailing comment -->");
    }
    if rng.chance(20) {
        out.push_str("\n<?trail-pi?>");
    }
    out
}

fn bound(scope: &[(String, String)], prefix: &str) -> bool {
    scope.iter().any(|(p, _)| p == prefix)
}

fn element(rng: &mut Rng, out: &mut String, scope: &mut Vec<(String, String)>, depth: usize) {
    let mark = scope.len();
    let mut decls = String::new();
    let n_decls = if depth == 0 { 2 } else { rng.below(3) };
    let mut declared: Vec<String> = Vec::new();
    for _ in 0..n_decls {
        let default = rng.chance(25);
        let prefix = if default {
            String::new()
        } else {
            rng.pick(PREFIXES).to_string()
        };
        if declared.contains(&prefix) {
            continue;
        }
        declared.push(prefix.clone());
        // The empty URI may only undeclare the default namespace.
        let uri = if default && rng.chance(30) {
            String::new()
        } else {
            rng.pick(URIS).to_string()
        };
        if prefix.is_empty() {
            let _ = write!(decls, " xmlns=\"{uri}\"");
        } else {
            let _ = write!(decls, " xmlns:{prefix}=\"{uri}\"");
        }
        scope.push((prefix, uri));
    }
    let usable: Vec<String> = PREFIXES
        .iter()
        .filter(|p| bound(scope, p))
        .map(|p| p.to_string())
        .collect();
    let prefix = if !usable.is_empty() && rng.chance(60) {
        Some(rng.pick(&usable).clone())
    } else {
        None
    };
    let local = rng.pick(LOCALS);
    let name = match &prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_string(),
    };
    let mut attrs = String::new();
    let mut used: Vec<(String, String)> = Vec::new();
    for _ in 0..rng.below(4) {
        let attr_prefix = if !usable.is_empty() && rng.chance(40) {
            Some(rng.pick(&usable).clone())
        } else {
            None
        };
        let local = rng
            .pick(&["Id", "a", "b", "z", "mustUnderstand"])
            .to_string();
        let uri = attr_prefix
            .as_ref()
            .map(|p| {
                scope
                    .iter()
                    .rev()
                    .find(|(q, _)| q == p)
                    .map(|(_, u)| u.clone())
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        if used.contains(&(uri.clone(), local.clone())) {
            continue;
        }
        used.push((uri, local.clone()));
        let qname = match &attr_prefix {
            Some(p) => format!("{p}:{local}"),
            None => local,
        };
        let quote = if rng.chance(50) { '"' } else { '\'' };
        let value = rng
            .pick(ATTR_VALUES)
            .replace('\'', if quote == '\'' { "&apos;" } else { "'" });
        let value = if quote == '"' {
            value
        } else {
            value.replace("&quot;", "\"")
        };
        let _ = write!(attrs, " {qname}={quote}{value}{quote}");
    }
    if rng.chance(10) {
        attrs.push_str(" xml:lang=\"en\"");
    }
    let _ = write!(out, "<{name}{decls}{attrs}");
    if depth > 5 || rng.chance(15) {
        out.push_str("/>");
    } else {
        out.push('>');
        for _ in 0..rng.below(5) {
            match rng.below(10) {
                0..=4 => element(rng, out, scope, depth + 1),
                5 | 6 => out.push_str(rng.pick::<&str>(TEXTS)),
                7 => out.push_str("<!-- a comment -->"),
                8 => out.push_str("<?pi target data?>"),
                _ => out.push_str("<![CDATA[cdata <&> ]]>"),
            }
        }
        let _ = write!(out, "</{name}>");
    }
    scope.truncate(mark);
}

/// A SOAP 1.1 envelope with a WS-Security header and `items` signed-looking body entries,
/// the shape wskex meets in practice (about 390 bytes per item).
pub fn soap_envelope(items: usize) -> String {
    let mut out = String::with_capacity(items * 400 + 2048);
    out.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" ",
        "xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\">\n",
        "  <soap:Header>\n",
        "    <wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" soap:mustUnderstand=\"1\">\n",
        "      <wsu:Timestamp wsu:Id=\"TS-1\"><wsu:Created>2026-11-28T12:00:00Z</wsu:Created>",
        "<wsu:Expires>2026-11-28T12:05:00Z</wsu:Expires></wsu:Timestamp>\n",
        "    </wsse:Security>\n",
        "  </soap:Header>\n",
        "  <soap:Body wsu:Id=\"Body-1\">\n",
        "    <ord:PurchaseOrder xmlns:ord=\"urn:example:orders\" xmlns=\"urn:example:default\">\n",
    ));
    for i in 0..items {
        let _ = write!(
            out,
            "      <ord:Line number=\"{i}\" sku=\"SKU-{:08}\" currency=\"EUR\" ord:priority=\"{}\">\n        <ord:Description lang=\"en\">Widget &amp; gadget #{i} &lt;large&gt;</ord:Description>\n        <Quantity unit=\"pcs\">{}</Quantity><Price>{}.{:02}</Price>\n        <ord:Note xmlns:n=\"urn:example:note\" n:kind=\"memo\">line {i}</ord:Note>\n      </ord:Line>\n",
            i * 7919 % 100_000_000,
            i % 3,
            1 + i % 17,
            10 + i % 990,
            i % 100
        );
    }
    out.push_str("    </ord:PurchaseOrder>\n  </soap:Body>\n</soap:Envelope>\n");
    out
}
