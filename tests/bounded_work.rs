//! Hostile inputs that once cost minutes of work on a few hundred kilobytes (issue 8, item 8):
//! the work is bounded by counters and limits, asserted here as such (never as timings), and
//! what is beyond a limit is an error finding, never a key or a valid reference.

mod common;

use wskex::audit::conversation::{ConversationResult, inspect_conversation};
use wskex::audit::load_bytes;
use wskex::crypto::{DigestAlgorithm, KeyStore, SecretBytes};
use wskex::dsig::work_budget::WORK_PER_INPUT_BYTE;
use wskex::receive::store::Binding;
use wskex::receive::{ProcessOptions, Severity};
use wskex::wss::derivation_budget::{MAX_STREAM_BYTES_PER_MESSAGE, MAX_STREAM_END_PER_KEY};
use wskex::xml::Document;
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};

const HEAD: &str = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:wsc="http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><s:Header><wsse:Security>"#;

fn envelope(header: &str, body: &str) -> String {
    format!(
        "{HEAD}{header}</wsse:Security></s:Header><s:Body wsu:Id=\"body\">{body}</s:Body></s:Envelope>"
    )
}

fn inspect(text: &str, keys: &KeyStore, bindings: Vec<Binding>) -> ConversationResult {
    let messages = load_bytes(text.as_bytes().to_vec(), "hostile.xml").unwrap();
    inspect_conversation(&messages, keys, bindings, &ProcessOptions::default())
}

/// Runs the binary on `text` and returns (exit code, JSON report).
fn cli(command: &str, text: &str, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.xml");
    std::fs::write(&file, text).unwrap();
    let out = common::wskex()
        .arg(command)
        .arg(&file)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), json)
}

// ---- DerivedKeyTokens: P_SHA-1 output per key and per message --------------------------

const SCT_SECRET: &str = "000102030405060708090a0b0c0d0e0f";

fn sct_binding() -> Vec<Binding> {
    vec![Binding {
        name: "urn:sct".into(),
        secret: SecretBytes::new(hex::decode(SCT_SECRET).unwrap()),
        label: "test".into(),
    }]
}

fn derived_key_tokens(offsets: &[u64]) -> String {
    let sct = r#"<wsc:SecurityContextToken wsu:Id="sct"><wsc:Identifier>urn:sct</wsc:Identifier></wsc:SecurityContextToken>"#;
    let dkts: String = offsets
        .iter()
        .enumerate()
        .map(|(i, offset)| {
            format!(
                r##"<wsc:DerivedKeyToken wsu:Id="dk{i}"><wsse:SecurityTokenReference><wsse:Reference URI="#sct"/></wsse:SecurityTokenReference><wsc:Offset>{offset}</wsc:Offset><wsc:Length>32</wsc:Length><wsc:Nonce>AAAAAAAAAAAAAAAAAAAAAA==</wsc:Nonce></wsc:DerivedKeyToken>"##
            )
        })
        .collect();
    envelope(&format!("{sct}{dkts}"), "x")
}

#[test]
fn a_derived_key_beyond_64_kib_of_stream_is_an_error_and_no_key() {
    let near = MAX_STREAM_END_PER_KEY - 32;
    let text = derived_key_tokens(&[near, near + 1, 1 << 30]);
    let result = inspect(&text, &KeyStore::new(), sct_binding());
    let message = &result.messages[0];
    let processed = message.processed.as_ref().unwrap();
    let tokens: Vec<(Option<&str>, Option<&str>)> = processed
        .tokens
        .iter()
        .filter(|t| t.kind == "DerivedKeyToken")
        .map(|t| (t.id.as_deref(), t.key.as_deref()))
        .collect();
    assert_eq!(
        tokens,
        vec![
            (Some("dk0"), Some("derived-key-1")),
            (Some("dk1"), None),
            (Some("dk2"), None)
        ]
    );
    // Only the key within the bound was derived.
    assert_eq!(processed.derived_stream_bytes, MAX_STREAM_END_PER_KEY);
    for id in ["dk1", "dk2"] {
        assert!(
            message
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error
                    && f.code == "key-unavailable"
                    && f.message.starts_with(&format!("{id}: "))
                    && f.message.contains("beyond 65536 bytes of P_SHA-1 output")),
            "{id}: {:#?}",
            message.findings
        );
    }
    assert!(!message.ok);

    let (code, json) = cli(
        "inspect",
        &text,
        &["--key-name", &format!("urn:sct=hex:{SCT_SECRET}")],
    );
    assert_eq!(code, Some(1));
    let findings = json["messages"][0]["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["code"] == "key-unavailable"
        && f["severity"] == "error"
        && f["message"].as_str().unwrap().starts_with("dk2: ")));
    let keys: Vec<&str> = json["messages"][0]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["token"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"dk0") && !keys.contains(&"dk1") && !keys.contains(&"dk2"),
        "{keys:?}"
    );
}

#[test]
fn a_message_derives_at_most_1_mib_of_p_sha1_output() {
    // Each key reaches the per-key limit exactly: 16 of them spend the message's budget.
    let per_key = MAX_STREAM_END_PER_KEY;
    let fit = (MAX_STREAM_BYTES_PER_MESSAGE / per_key) as usize;
    let offsets = vec![per_key - 32; fit + 4];
    let text = derived_key_tokens(&offsets);
    let result = inspect(&text, &KeyStore::new(), sct_binding());
    let message = &result.messages[0];
    let processed = message.processed.as_ref().unwrap();
    assert_eq!(processed.derived_stream_bytes, MAX_STREAM_BYTES_PER_MESSAGE);
    let derived = processed
        .tokens
        .iter()
        .filter(|t| t.kind == "DerivedKeyToken" && t.key.is_some())
        .count();
    assert_eq!(derived, fit);
    let refused: Vec<&str> = message
        .findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Error
                && f.code == "key-unavailable"
                && f.message.contains("limit for one message")
        })
        .map(|f| f.message.split(':').next().unwrap())
        .collect();
    assert_eq!(refused, vec!["dk16", "dk17", "dk18", "dk19"]);
    assert!(!message.ok);
}

// ---- Thousands of references to one large element ----------------------------------------

const HMAC_KEY: &[u8] = b"bounded-work-hmac-key";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// A Security header Signature (HMAC-SHA1, no KeyInfo: the supplied HMAC secret) with
/// `count` references to the same Body of `body_len` bytes, every digest and the
/// SignatureValue correct.
fn many_references(count: usize, body_len: usize) -> String {
    let body = "A".repeat(body_len);
    let unsigned = |signed_info: &str, value: &str| {
        envelope(
            &format!(
                "<ds:Signature>{signed_info}<ds:SignatureValue>{value}</ds:SignatureValue></ds:Signature>"
            ),
            &body,
        )
    };
    let doc = Document::parse_str(&unsigned("", ""), "t").unwrap();
    let body_node = doc
        .descendants()
        .find(|n| n.is_element() && n.local_name() == "Body")
        .unwrap();
    let canonical = canonicalize_to_vec(
        &doc,
        NodeSet::subtree(body_node.id()),
        &C14nMethod::exclusive(false),
    );
    let digest = wskex::crypto::digest::digest(DigestAlgorithm::Sha1, &canonical).unwrap();
    let reference = format!(
        r##"<ds:Reference URI="#body"><ds:Transforms><ds:Transform Algorithm="{EXC_C14N}"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>{}</ds:DigestValue></ds:Reference>"##,
        wskex::xml::base64::encode(&digest)
    );
    let signed_info = format!(
        r##"<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{EXC_C14N}"/><ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"/>{}</ds:SignedInfo>"##,
        reference.repeat(count)
    );
    let doc = Document::parse_str(&unsigned(&signed_info, ""), "t").unwrap();
    let signed_info_node = doc
        .descendants()
        .find(|n| n.is_element() && n.local_name() == "SignedInfo")
        .unwrap();
    let canonical = canonicalize_to_vec(
        &doc,
        NodeSet::subtree(signed_info_node.id()),
        &C14nMethod::exclusive(false),
    );
    let value = wskex::crypto::hmac::hmac(DigestAlgorithm::Sha1, HMAC_KEY, &canonical).unwrap();
    unsigned(&signed_info, &wskex::xml::base64::encode(&value))
}

fn hmac_keys() -> KeyStore {
    let mut keys = KeyStore::new();
    keys.set_default_hmac_secret(SecretBytes::new(HMAC_KEY.to_vec()), "test");
    keys
}

#[test]
fn a_few_references_to_a_large_body_all_verify() {
    let text = many_references(3, 64 * 1024);
    let result = inspect(&text, &hmac_keys(), Vec::new());
    let message = &result.messages[0];
    assert!(
        message.signatures[0].report.valid,
        "{:#?}",
        message.findings
    );
    assert!(!message.findings.iter().any(|f| f.code == "work-limit"));
}

#[test]
fn references_beyond_64_times_the_input_are_unchecked_never_ok() {
    let (count, body_len) = (600, 64 * 1024);
    let text = many_references(count, body_len);
    let limit = WORK_PER_INPUT_BYTE * text.len() as u64;
    let result = inspect(&text, &hmac_keys(), Vec::new());
    let message = &result.messages[0];
    let processed = message.processed.as_ref().unwrap();
    // The work done stays within the limit, and nearly all of it was used.
    assert!(processed.canonical_work_bytes <= limit);
    assert!(processed.canonical_work_bytes > limit - body_len as u64 - 4096);

    let report = &message.signatures[0].report;
    assert!(!report.valid);
    let statuses: Vec<wskex::dsig::ReferenceStatus> =
        report.references.iter().map(|r| r.status).collect();
    let valid = statuses
        .iter()
        .filter(|s| **s == wskex::dsig::ReferenceStatus::Valid)
        .count();
    let unchecked = statuses
        .iter()
        .filter(|s| **s == wskex::dsig::ReferenceStatus::Unchecked)
        .count();
    // Every reference is correct: the ones checked within the budget are valid, the rest
    // unchecked (and not valid).
    assert_eq!(valid + unchecked, count);
    assert!(
        valid > 0 && unchecked > count / 2,
        "{valid} valid, {unchecked} unchecked"
    );
    assert!(
        statuses[..valid]
            .iter()
            .all(|s| *s == wskex::dsig::ReferenceStatus::Valid)
    );
    assert!(report.references[valid..].iter().all(|r| {
        !r.valid
            && r.error
                .as_deref()
                .unwrap()
                .starts_with("not checked: canonicalizing it would pass the work limit")
    }));
    assert!(message.findings.iter().any(|f| {
        f.severity == Severity::Error
            && f.code == "work-limit"
            && f.message
                .contains(&format!("{unchecked} of {count} references not checked"))
    }));
    assert!(
        message
            .findings
            .iter()
            .any(|f| f.code == "signature-invalid")
    );

    // The same through the command line: exit 1, the JSON says unchecked.
    let secret = format!("hex:{}", hex::encode(HMAC_KEY));
    for command in ["inspect", "verify"] {
        let (code, json) = cli(command, &text, &["--hmac-secret", &secret]);
        assert_eq!(code, Some(1), "{command}");
        let signature = if command == "inspect" {
            &json["messages"][0]["signatures"][0]
        } else {
            &json["signatures"][0]
        };
        assert_eq!(signature["valid"], false, "{command}");
        let references = signature["references"].as_array().unwrap();
        assert_eq!(references.len(), count);
        assert_eq!(references[0]["status"], "valid");
        assert_eq!(references[count - 1]["status"], "unchecked", "{command}");
        assert_eq!(references[count - 1]["valid"], false);
    }
}

#[test]
fn deeply_nested_namespace_declarations_canonicalize() {
    // 500 levels (the parser's depth limit is 512), each declaring a new prefix and
    // re-declaring the outermost one; the innermost element uses both.
    let depth = 500;
    let mut text = String::from(r#"<p0:e xmlns:p0="urn:0">"#);
    for i in 1..depth {
        text.push_str(&format!(
            r#"<p{i}:e xmlns:p{i}="urn:{i}" xmlns:p0="urn:0">"#
        ));
    }
    text.push_str("<p0:leaf/>");
    for i in (0..depth).rev() {
        text.push_str(&format!("</p{i}:e>"));
    }
    let doc = Document::parse_str(&text, "deep").unwrap();
    let leaf = doc
        .descendants()
        .find(|n| n.is_element() && n.local_name() == "leaf")
        .unwrap();
    let exclusive = canonicalize_to_vec(
        &doc,
        NodeSet::subtree(leaf.id()),
        &C14nMethod::exclusive(false),
    );
    assert_eq!(exclusive, br#"<p0:leaf xmlns:p0="urn:0"></p0:leaf>"#);
    // Inclusive: the apex writes every namespace in scope, sorted by prefix.
    let inclusive = canonicalize_to_vec(
        &doc,
        NodeSet::subtree(leaf.id()),
        &C14nMethod::inclusive(false),
    );
    let inclusive = String::from_utf8(inclusive).unwrap();
    assert_eq!(inclusive.matches(" xmlns:").count(), depth);
    assert!(
        inclusive.starts_with(r#"<p0:leaf xmlns:p0="urn:0" xmlns:p1="urn:1" xmlns:p10="urn:10""#)
    );
    // The whole document: each level writes only its new prefix (p0 is superfluous below).
    let whole = canonicalize_to_vec(&doc, NodeSet::document(), &C14nMethod::inclusive(false));
    assert_eq!(
        String::from_utf8(whole).unwrap().matches(" xmlns:").count(),
        depth
    );
}

/// `count` sibling HMAC signatures in the Security header, each over the Body.
fn many_signatures(count: usize) -> String {
    let signatures: String = (0..count)
        .map(|i| {
            format!(
                r##"<ds:Signature Id="S{i}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"/><ds:Reference URI="#body"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue><ds:KeyInfo><ds:KeyName>k</ds:KeyName></ds:KeyInfo></ds:Signature>"##
            )
        })
        .collect();
    envelope(&signatures, "x")
}

#[test]
fn thousands_of_signatures_share_one_id_index() {
    use wskex::receive::process_message;
    use wskex::receive::resolver::NoAttachments;
    use wskex::receive::store::TokenStore;

    let work = |count: usize| {
        let doc = Document::parse_str(&many_signatures(count), "many").unwrap();
        let mut store = TokenStore::new(Vec::new());
        let processed = process_message(
            doc,
            0,
            &hmac_keys(),
            &mut store,
            &ProcessOptions::default(),
            &NoAttachments,
        );
        assert_eq!(processed.signatures.len(), count);
        assert!(processed.signatures.iter().all(|s| !s.valid));
        processed.work
    };
    // One index per version of the document (nothing here decrypts: one version), however
    // many signatures look ids up in it.
    assert_eq!(work(10).id_index_builds, 1);
    assert_eq!(work(1_000).id_index_builds, 1);
}

#[test]
fn sibling_signatures_are_named_by_their_position() {
    let doc = Document::parse_str(&many_signatures(3), "three").unwrap();
    let paths: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_name("http://www.w3.org/2000/09/xmldsig#", "Signature"))
        .map(|n| n.path())
        .collect();
    assert_eq!(
        paths[2],
        "/s:Envelope/s:Header/wsse:Security/ds:Signature[3]"
    );
}

#[test]
fn elements_found_by_start_offset_match_a_walk_on_every_sample() {
    let mut checked = 0;
    for entry in walk_xml(std::path::Path::new("samples")) {
        let Ok(doc) = Document::parse(std::fs::read(&entry).unwrap(), "sample") else {
            continue;
        };
        for element in doc.descendants().filter(|n| n.is_element()) {
            let found = doc.element_starting_at(element.span().start).unwrap();
            assert_eq!(found.id(), element.id(), "{}", entry.display());
            checked += 1;
        }
        // An offset inside a tag starts no element.
        let root = doc.root_element();
        assert!(doc.element_starting_at(root.span().start + 1).is_none());
    }
    assert!(checked > 1_000, "{checked} elements");
}

fn walk_xml(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk_xml(&path));
        } else if path.extension().is_some_and(|e| e == "xml") {
            files.push(path);
        }
    }
    files.sort();
    files
}

const AES_KEY: [u8; 16] = *b"0123456789abcdef";

/// `count` EncryptedData of `plaintext(i)` in the Body, each named by a ReferenceList of its
/// own in the Security header (with an unknown element between lists, which must not stop
/// them being opened together).
fn encrypted_parts(count: usize, plaintext: impl Fn(usize) -> String) -> String {
    use wskex::crypto::BlockCipherAlgorithm;
    use wskex::crypto::random::SeededRandom;
    let mut rng = SeededRandom::new(7);
    let mut lists = String::new();
    let mut parts = String::new();
    for i in 0..count {
        lists.push_str(&format!(
            r##"<xenc:ReferenceList xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:DataReference URI="#E{i}"/></xenc:ReferenceList><x:Pad xmlns:x="urn:pad"/>"##
        ));
        let ciphertext = wskex::crypto::cipher::encrypt(
            BlockCipherAlgorithm::Aes128Cbc,
            &AES_KEY,
            plaintext(i).as_bytes(),
            &mut rng,
        )
        .unwrap();
        parts.push_str(&format!(
            r#"<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="E{i}" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>"#,
            wskex::xml::base64::encode(&ciphertext)
        ));
    }
    envelope(
        &lists,
        &format!("<p:Parts xmlns:p=\"urn:parts\">{parts}</p:Parts>"),
    )
}

fn process_with_aes(text: &str) -> wskex::receive::ProcessedMessage {
    use wskex::receive::process_message;
    use wskex::receive::resolver::NoAttachments;
    use wskex::receive::store::TokenStore;
    let mut keys = KeyStore::new();
    keys.set_default_encryption_key(SecretBytes::new(AES_KEY.to_vec()), "test");
    let doc = Document::parse_str(text, "parts").unwrap();
    let mut store = TokenStore::new(Vec::new());
    process_message(
        doc,
        0,
        &keys,
        &mut store,
        &ProcessOptions::default(),
        &NoAttachments,
    )
}

#[test]
fn thousands_of_reference_lists_open_in_one_splice() {
    for count in [10, 1_000] {
        let processed =
            process_with_aes(&encrypted_parts(count, |i| format!("<p:Item n=\"{i}\"/>")));
        assert_eq!(processed.encryptions.len(), count);
        assert!(processed.encryptions.iter().all(|e| e.ok), "{count}");
        // One new version of the document for all of them, not one per ReferenceList.
        assert_eq!(processed.work.document_versions, 1, "{count} parts");
        let text = processed.document.text();
        assert!(text.contains(&format!("<p:Item n=\"{}\"/>", count - 1)));
        assert!(!text.contains("EncryptedData"));
    }
}

#[test]
fn a_part_that_does_not_fit_in_place_fails_alone() {
    // Part 3 decrypts to an end tag (well-formed nowhere); part 5 uses a prefix that is not
    // in scope where it goes. The others open, in the same single splice.
    let processed = process_with_aes(&encrypted_parts(8, |i| match i {
        3 => "</p:Parts><p:Injected/>".to_string(),
        5 => "<q:Item/>".to_string(),
        _ => format!("<p:Item n=\"{i}\"/>"),
    }));
    let failed: Vec<&str> = processed
        .encryptions
        .iter()
        .filter(|e| !e.ok)
        .map(|e| e.id.as_deref().unwrap())
        .collect();
    assert_eq!(failed, ["E3", "E5"]);
    for report in processed.encryptions.iter().filter(|e| !e.ok) {
        let error = report.error.as_deref().unwrap();
        assert!(error.contains("does not parse in place"), "{error}");
    }
    assert_eq!(processed.work.document_versions, 1);
    let text = processed.document.text();
    assert!(!text.contains("p:Injected"));
    assert_eq!(text.matches("<p:Item ").count(), 6);
    assert!(
        processed
            .findings
            .iter()
            .any(|f| f.code == "decryption-failed" && f.severity == Severity::Error)
    );
}

#[test]
fn a_part_inside_another_part_is_opened_in_the_next_round() {
    use wskex::crypto::BlockCipherAlgorithm;
    use wskex::crypto::random::SeededRandom;
    // E1's plaintext holds E0 (encrypted first); both lists come before E1 is opened.
    let mut rng = SeededRandom::new(9);
    let mut encrypt = |plaintext: &str, id: &str| {
        let ciphertext = wskex::crypto::cipher::encrypt(
            BlockCipherAlgorithm::Aes128Cbc,
            &AES_KEY,
            plaintext.as_bytes(),
            &mut rng,
        )
        .unwrap();
        format!(
            r#"<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="{id}" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>"#,
            wskex::xml::base64::encode(&ciphertext)
        )
    };
    let inner = encrypt("<p:Secret xmlns:p=\"urn:parts\">s</p:Secret>", "E0");
    let outer = encrypt(
        &format!("<p:Box xmlns:p=\"urn:parts\">{inner}</p:Box>"),
        "E1",
    );
    let lists = r##"<xenc:ReferenceList xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:DataReference URI="#E0"/><xenc:DataReference URI="#E1"/></xenc:ReferenceList>"##;
    let processed = process_with_aes(&envelope(lists, &outer));
    assert_eq!(processed.encryptions.len(), 2);
    assert!(processed.encryptions.iter().all(|e| e.ok));
    assert_eq!(processed.work.document_versions, 2);
    assert!(
        processed
            .document
            .text()
            .contains("<p:Secret xmlns:p=\"urn:parts\">s</p:Secret>")
    );
}
