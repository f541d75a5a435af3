//! The WS-Security and WS-Trust readers on every XML capture of the shared set
//! (`../shared/captures/{corewcf,rampart,cxf,wss4j16}`), checked against what MANIFEST.tsv
//! says each message contains. The WCF MTOM capture (wcf-docs) is MIME, not XML: not read here.
//!
//! Without ../shared each test prints a visible `skipped:` line and passes; with
//! WSKEX_REQUIRE_INTEROP=1 it fails instead.

mod common;

use std::path::PathBuf;

use wskex::ns;
use wskex::trust::{
    ComputedKeyKind, ProofToken, RequestKind, RequestSecurityToken, RequestSecurityTokenResponse,
    SecretKind, TrustMessage, TrustVersion, find_in_envelope,
};
use wskex::wss::{
    BinaryTokenKind, HeaderItem, KeyIdentifierKind, OffsetSource, SamlVersion, ScVersion,
    SecurityHeader, SecurityTokenReference, SoapEnvelope, SoapVersion, StrForm, uris,
};
use wskex::xml::{Document, Node, base64};

/// The folders of raw XML captures.
const XML_FOLDERS: [&str; 4] = ["corewcf", "rampart", "cxf", "wss4j16"];

/// Captures that are damaged in a way the readers must report (MANIFEST S01). S20's Body
/// element encrypted as a whole is not damage but non-conformance: the envelope lists its
/// EncryptedData in `encrypted_parts` (issue 11, item 8).
const EXPECTED_PROBLEMS: [(&str, &str); 1] = [("corewcf/rst_request.xml", "truncated base64")];

fn captures_dir(test: &str) -> Option<PathBuf> {
    common::shared_dir(test).map(|d| d.join("captures"))
}

/// The capture a MANIFEST row names, parsed.
fn capture(id: &str) -> Option<Document> {
    let dir = captures_dir(&format!("wss_readers {id}"))?;
    let rows = common::read_manifest(&dir.join("MANIFEST.tsv"));
    let row = rows
        .iter()
        .find(|r| r.get("id") == id)
        .unwrap_or_else(|| panic!("{id} is not in MANIFEST.tsv"));
    Some(parse(&dir.join(row.get("file"))))
}

fn parse(path: &std::path::Path) -> Document {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Document::parse(bytes, path.display().to_string())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn b64(text: &str) -> Vec<u8> {
    base64::decode(text).expect("test vector is base64")
}

fn envelope(doc: &Document) -> SoapEnvelope<'_> {
    SoapEnvelope::read(doc).expect("a SOAP envelope")
}

fn security<'a, 'd>(env: &'a SoapEnvelope<'d>) -> &'a SecurityHeader<'d> {
    env.security_for_ultimate_receiver()
        .expect("a Security header")
}

fn kinds(header: &SecurityHeader<'_>) -> Vec<&'static str> {
    header.items.iter().map(|i| i.kind_name()).collect()
}

/// The STR in an element's `ds:KeyInfo` (a signature's or an EncryptedKey's).
fn key_info_str<'d>(node: Node<'d>) -> SecurityTokenReference<'d> {
    let str_node = node
        .child(ns::DS, "KeyInfo")
        .and_then(|k| k.child(ns::WSSE, "SecurityTokenReference"))
        .expect("ds:KeyInfo/wsse:SecurityTokenReference");
    let read = SecurityTokenReference::read(str_node);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    read
}

fn items_of<'a, 'd>(header: &'a SecurityHeader<'d>, kind: &str) -> Vec<&'a HeaderItem<'d>> {
    header
        .items
        .iter()
        .filter(|i| i.kind_name() == kind)
        .collect()
}

fn only_request<'d>(env: &SoapEnvelope<'d>) -> RequestSecurityToken<'d> {
    let mut found = find_in_envelope(env);
    assert_eq!(found.len(), 1, "{found:?}");
    match found.remove(0) {
        TrustMessage::Request(r) => *r,
        other => panic!("expected an RST, found {}", other.kind_name()),
    }
}

fn only_response<'d>(env: &SoapEnvelope<'d>) -> RequestSecurityTokenResponse<'d> {
    let mut found = find_in_envelope(env);
    assert_eq!(found.len(), 1, "{found:?}");
    match found.remove(0) {
        TrustMessage::Response(r) => *r,
        other => panic!("expected an RSTR, found {}", other.kind_name()),
    }
}

fn dkts<'a, 'd>(header: &'a SecurityHeader<'d>) -> Vec<&'a wskex::wss::DerivedKeyToken<'d>> {
    header.derived_key_tokens().collect()
}

#[test]
fn every_xml_capture_is_read_and_only_known_damage_is_reported() {
    let Some(dir) = captures_dir("wss_readers every capture") else {
        return;
    };
    let manifest: Vec<String> = common::read_manifest(&dir.join("MANIFEST.tsv"))
        .iter()
        .map(|r| r.get("file").to_string())
        .collect();
    let mut read = 0;
    for folder in XML_FOLDERS {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(folder))
            .expect("capture folder")
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort();
        for path in files {
            let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
            assert!(manifest.contains(&name), "{name} is not in MANIFEST.tsv");
            let doc = parse(&path);
            let env = envelope(&doc);
            let mut problems: Vec<String> =
                env.all_problems().iter().map(|p| p.to_string()).collect();
            for message in find_in_envelope(&env) {
                problems.extend(message.all_problems().iter().map(|p| p.to_string()));
            }
            match EXPECTED_PROBLEMS.iter().find(|(file, _)| *file == name) {
                Some((_, says)) => {
                    assert_eq!(problems.len(), 1, "{name}: {problems:?}");
                    assert!(problems[0].contains(says), "{name}: {problems:?}");
                }
                None => assert!(problems.is_empty(), "{name}: {problems:?}"),
            }
            read += 1;
        }
    }
    assert_eq!(read, 23, "XML captures read");
}

/// S01: WCF RST/SCT with client entropy; the BST in the published copy is truncated.
#[test]
fn s01_corewcf_rst_with_requestor_entropy() {
    let Some(doc) = capture("S01") else { return };
    let env = envelope(&doc);
    assert_eq!(env.version, SoapVersion::Soap12);
    let sec = security(&env);
    assert_eq!(sec.must_understand, Some(true));
    assert_eq!(
        kinds(sec),
        ["Timestamp", "BinarySecurityToken", "Signature"]
    );

    let ts = sec.timestamps().next().unwrap();
    assert_eq!(ts.id.as_deref(), Some("_0"));
    let (created, expires) = (ts.created.as_ref().unwrap(), ts.expires.as_ref().unwrap());
    assert_eq!(created.text, "2024-02-14T02:05:51.482Z");
    assert_eq!(
        expires.utc.unwrap().unix_seconds - created.utc.unwrap().unix_seconds,
        300
    );

    let HeaderItem::BinarySecurityToken(bst) = &sec.items[1] else {
        panic!()
    };
    assert_eq!(bst.kind, BinaryTokenKind::X509V3);
    assert_eq!(bst.data, None, "the published BST is truncated");
    assert!(bst.problems[0].message.contains("truncated base64"));

    let sig_str = key_info_str(sec.items[2].node());
    let reference = sig_str.reference().unwrap();
    assert_eq!(reference.value_type.as_deref(), Some(uris::X509V3));
    assert_eq!(reference.local_id(), bst.id.as_deref());

    let rst = only_request(&env);
    assert_eq!(rst.version, TrustVersion::Feb2005);
    assert_eq!(
        rst.token_type.as_deref(),
        Some(ScVersion::Feb2005.sct_token_type())
    );
    assert_eq!(rst.request_type.as_ref().unwrap().kind, RequestKind::Issue);
    assert_eq!(rst.key_size, Some(256));
    let entropy = rst.entropy.as_ref().unwrap().binary_secret().unwrap();
    assert_eq!(entropy.kind, SecretKind::Nonce);
    assert_eq!(
        entropy.bytes.as_deref(),
        Some(&b64("1TmBzNeSMhkxqHU+yWuwplJDS7NejEdnFlgRbGPyAOI=")[..])
    );
}

/// S02: CoreWCF RSTR: SCT, both references, ComputedKey proof and issuer entropy.
#[test]
fn s02_corewcf_rstr_with_sct_and_computed_key() {
    let Some(doc) = capture("S02") else { return };
    let env = envelope(&doc);
    assert!(env.security.is_empty());
    let rstr = only_response(&env);
    assert!(rstr.all_problems().is_empty(), "{:?}", rstr.all_problems());
    assert_eq!(rstr.version, TrustVersion::Feb2005);

    let Some(HeaderItem::SecurityContextToken(sct)) = rstr.token() else {
        panic!("{:?}", rstr.token())
    };
    assert_eq!(sct.version, ScVersion::Feb2005);
    assert_eq!(
        sct.identifier.as_deref(),
        Some("urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08")
    );
    let sct_id = sct.id.as_deref().unwrap();
    assert!(sct_id.starts_with("uuid-e07815b0-") && sct_id.ends_with("-1"));

    let attached = rstr
        .attached_reference
        .as_ref()
        .unwrap()
        .reference()
        .unwrap();
    assert_eq!(attached.local_id(), Some(sct_id));
    let unattached = rstr
        .unattached_reference
        .as_ref()
        .unwrap()
        .reference()
        .unwrap();
    assert_eq!(
        unattached.uri,
        "urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08"
    );
    assert_eq!(
        unattached.value_type.as_deref(),
        Some(ScVersion::Feb2005.sct_token_type())
    );

    let Some(ProofToken::ComputedKey(ck)) = rstr.proof() else {
        panic!("{:?}", rstr.proof())
    };
    assert_eq!(ck.kind, ComputedKeyKind::PSha1);
    assert_eq!(ck.version, Some(TrustVersion::Feb2005));
    let issuer_entropy = rstr.entropy.as_ref().unwrap().binary_secret().unwrap();
    assert_eq!(issuer_entropy.kind, SecretKind::Nonce);
    assert_eq!(
        issuer_entropy.bytes.as_deref(),
        Some(&b64("X10bPPRFJzVr13nwxYYVLpmd5Fsu6RR7jkF5xtCV/kM=")[..])
    );
    assert_eq!(rstr.key_size, Some(256));
    let lifetime = rstr.lifetime.as_ref().unwrap();
    let hours = (lifetime.expires.as_ref().unwrap().utc.unwrap().unix_seconds
        - lifetime.created.as_ref().unwrap().utc.unwrap().unix_seconds)
        / 3600;
    assert_eq!(hours, 15);
}

/// S03: the SCT used directly: signature STR by ValueType sct to the SCT's wsu:Id.
#[test]
fn s03_corewcf_request_signed_with_the_sct() {
    let Some(doc) = capture("S03") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    assert_eq!(
        kinds(sec),
        ["Timestamp", "SecurityContextToken", "Signature"]
    );
    let sct = sec.security_context_tokens().next().unwrap();
    assert_eq!(
        sct.identifier.as_deref(),
        Some("urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08")
    );
    let reference = key_info_str(sec.items[2].node());
    let reference = reference.reference().unwrap();
    assert_eq!(
        reference.value_type.as_deref(),
        Some(ScVersion::Feb2005.sct_token_type())
    );
    assert_eq!(reference.local_id(), sct.id.as_deref());
}

/// S04: a response without any security header.
#[test]
fn s04_corewcf_response_has_no_security_header() {
    let Some(doc) = capture("S04") else { return };
    let env = envelope(&doc);
    assert!(env.security.is_empty());
    assert!(env.all_problems().is_empty());
    assert!(find_in_envelope(&env).is_empty());
}

/// S05: Rampart SCT bootstrap: EncryptedKey, two DKTs (Offset 0, Length 16) on it, X509v1.
#[test]
fn s05_rampart_rst_bootstrapped_by_an_encrypted_key() {
    let Some(doc) = capture("S05") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    assert_eq!(
        kinds(sec),
        [
            "Timestamp",
            "EncryptedKey",
            "DerivedKeyToken",
            "ReferenceList",
            "BinarySecurityToken",
            "DerivedKeyToken",
            "EncryptedData",
            "Signature"
        ]
    );
    let ek = sec.items[1].node();
    let ek_id = sec.items[1].id().unwrap();
    assert_eq!(ek_id, "EncKeyId-urn:uuid:A4CC588C97FAD2AA9D12142275341932");
    let ek_str = key_info_str(ek);
    let ki = ek_str.key_identifier().unwrap();
    assert_eq!(ki.kind, KeyIdentifierKind::ThumbprintSha1);
    assert_eq!(ki.value, Some(b64("HYL371NzoOs2+IA24VDkBGcUFQM=")));

    let dk = dkts(sec);
    assert_eq!(dk.len(), 2);
    for t in &dk {
        assert!(t.derivable);
        assert_eq!(t.version, ScVersion::Feb2005);
        assert_eq!(
            (t.offset, t.length, t.label.as_deref()),
            (Some(0), Some(16), None)
        );
        assert_eq!(
            t.effective.label,
            "WS-SecureConversationWS-SecureConversation"
        );
        assert_eq!(t.effective.offset_source, OffsetSource::Offset);
        let r = t.reference.as_ref().unwrap().reference().unwrap();
        assert_eq!(r.local_id(), Some(ek_id));
        assert_eq!(r.value_type.as_deref(), Some(uris::ENCRYPTED_KEY_TOKEN));
    }
    assert_eq!(dk[0].id.as_deref(), Some("derivedKeyId-14949315"));
    assert_eq!(dk[0].nonce, Some(b64("8GNOzdMY+l532yPT/gCHHg==")));
    assert_eq!(dk[1].id.as_deref(), Some("derivedKeyId-28318458"));

    let HeaderItem::BinarySecurityToken(bst) = &sec.items[4] else {
        panic!()
    };
    assert_eq!(bst.kind, BinaryTokenKind::X509V1);
    assert!(bst.data.is_some() && bst.problems.is_empty());
    let endorsing = key_info_str(sec.items[7].node());
    assert_eq!(endorsing.id.as_deref(), Some("STRId-7388808"));
    assert_eq!(
        endorsing.reference().unwrap().local_id(),
        Some("CertId-148082")
    );

    let rst = only_request(&env);
    assert_eq!(rst.version, TrustVersion::Feb2005);
    assert_eq!(rst.request_type.as_ref().unwrap().kind, RequestKind::Issue);
    assert_eq!(
        rst.applies_to.as_ref().unwrap().address.as_deref(),
        Some("http://localhost:8081/axis2/services/sample04")
    );
    let entropy = rst.entropy.as_ref().unwrap().binary_secret().unwrap();
    assert_eq!(entropy.kind, SecretKind::Nonce);
    assert_eq!(entropy.bytes, Some(b64("LvNYXcA6HKhPIAzUrsswYA==")));
    assert_eq!(
        rst.computed_key_algorithm.as_ref().unwrap().kind,
        ComputedKeyKind::PSha1
    );
    assert!(rst.lifetime.is_some());
    assert_eq!(rst.key_size, None);
}

/// S06: Rampart RSTR: proof key in clear, DKTs keyed by the EncryptedKeySHA1 of S05's key,
/// SignatureConfirmation of S05's endorsing signature.
#[test]
fn s06_rampart_rstr_with_binary_secret_and_encrypted_key_sha1() {
    let (Some(doc), Some(request)) = (capture("S06"), capture("S05")) else {
        return;
    };
    let env = envelope(&doc);
    let sec = security(&env);
    let dk = dkts(sec);
    let ids: Vec<_> = dk.iter().map(|t| t.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["derivedKeyId-9633996", "derivedKeyId-11382417"]);
    for t in &dk {
        assert_eq!((t.offset, t.length), (Some(0), Some(16)));
        let ki = t.reference.as_ref().unwrap().key_identifier().unwrap();
        assert_eq!(ki.kind, KeyIdentifierKind::EncryptedKeySha1);
        assert_eq!(ki.text, "Ex5vdwadjBaRqNFUi5w1L7JcgFs=");
        assert_eq!(ki.value, Some(b64("Ex5vdwadjBaRqNFUi5w1L7JcgFs=")));
    }

    let confirmations: Vec<_> = sec
        .items
        .iter()
        .filter_map(|i| match i {
            HeaderItem::SignatureConfirmation(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(confirmations.len(), 2);
    let request_env = envelope(&request);
    let request_sig = security(&request_env).items[7].node();
    let request_sig_value = request_sig
        .child(ns::DS, "SignatureValue")
        .unwrap()
        .text_content();
    assert_eq!(
        confirmations[0].value_bytes,
        Some(b64(&request_sig_value)),
        "the first SignatureConfirmation echoes S05's endorsing signature"
    );

    let rstr = only_response(&env);
    let Some(HeaderItem::SecurityContextToken(sct)) = rstr.token() else {
        panic!()
    };
    assert_eq!(sct.id.as_deref(), Some("sctId-5683514"));
    assert_eq!(
        sct.identifier.as_deref(),
        Some("urn:uuid:20189D76AA5794EBCA12142275347662")
    );
    let Some(ProofToken::BinarySecret(secret)) = rstr.proof() else {
        panic!("{:?}", rstr.proof())
    };
    assert_eq!(secret.kind, SecretKind::SymmetricKey);
    assert_eq!(
        secret.bytes,
        Some(b64("WWrxszI9Rg5Iy5klit8SdFt+X05pewNBbvotsYPtX9A="))
    );
    assert!(rstr.entropy.is_none(), "the STS returned no issuer entropy");
}

/// S07: application request with the SCT and two DKTs referencing it by wsu:Id.
#[test]
fn s07_rampart_request_with_dkts_on_the_sct() {
    let Some(doc) = capture("S07") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    let sct = sec.security_context_tokens().next().unwrap();
    assert_eq!(sct.id.as_deref(), Some("sctId-5683514"));
    let dk = dkts(sec);
    let ids: Vec<_> = dk.iter().map(|t| t.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["derivedKeyId-24666758", "derivedKeyId-20700470"]);
    for t in dk {
        assert_eq!(t.length, Some(16));
        let r = t.reference.as_ref().unwrap().reference().unwrap();
        assert_eq!(r.local_id(), Some("sctId-5683514"));
        assert_eq!(
            r.value_type.as_deref(),
            Some(ScVersion::Feb2005.sct_token_type())
        );
    }
    assert!(
        env.body_content()
            .unwrap()
            .has_name(ns::XENC, "EncryptedData")
    );
}

/// S08 and S10: responses whose DKTs reference the SCT of S06 by its Identifier (no `#`).
#[test]
fn s08_s10_rampart_dkts_reference_the_sct_identifier() {
    for id in ["S08", "S10"] {
        let Some(doc) = capture(id) else { return };
        let env = envelope(&doc);
        let sec = security(&env);
        assert_eq!(sec.security_context_tokens().count(), 0, "{id}");
        let dk = dkts(sec);
        assert_eq!(dk.len(), 2, "{id}");
        for t in dk {
            let r = t.reference.as_ref().unwrap().reference().unwrap();
            assert_eq!(r.uri, "urn:uuid:20189D76AA5794EBCA12142275347662", "{id}");
            assert_eq!(r.local_id(), None);
        }
    }
}

/// S09: the Cancel request's body is encrypted: no trust message is visible before decryption.
#[test]
fn s09_rampart_cancel_request_is_encrypted() {
    let Some(doc) = capture("S09") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    assert_eq!(sec.security_context_tokens().count(), 1);
    assert_eq!(dkts(sec).len(), 2);
    assert!(
        env.body_content()
            .unwrap()
            .has_name(ns::XENC, "EncryptedData")
    );
    assert_eq!(env.body_id.as_deref(), Some("Id-12675864"));
    assert!(find_in_envelope(&env).is_empty());
}

/// S11: SAML 1.1 holder-of-key assertion with its own signature, and an EncryptedKey.
#[test]
fn s11_rampart_saml11_holder_of_key() {
    let Some(doc) = capture("S11") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    assert_eq!(
        kinds(sec),
        ["Timestamp", "EncryptedKey", "SAML assertion", "Signature"]
    );
    let HeaderItem::SamlAssertion(saml) = &sec.items[2] else {
        panic!()
    };
    assert_eq!(saml.version, SamlVersion::V1_1);
    assert_eq!(
        saml.id.as_deref(),
        Some("55763a2c96ebccb95943ad00554ae7fb087af7a019ca2fc9")
    );
    assert_eq!(saml.issuer.as_deref(), Some("SAMPLE_STS"));
    assert!(saml.is_holder_of_key());
    let key_info = saml.confirmations[0].key_info.unwrap();
    assert!(key_info.child(ns::XENC, "EncryptedKey").is_some());
    assert!(saml.signature.is_some());
    assert_eq!(
        saml.subject_name.as_deref(),
        Some("CN=Sample Client, OU=Rampart, O=Apache, L=Colombo, ST=Western, C=LK")
    );

    let ek_str = key_info_str(sec.items[1].node());
    assert_eq!(
        ek_str.key_identifier().unwrap().value,
        Some(b64("aqePjuZzE1lzwMMtquksvNJsbmI="))
    );
    let sig_str = key_info_str(sec.items[3].node());
    assert_eq!(
        sig_str.token_type.as_deref(),
        Some(uris::ENCRYPTED_KEY_TOKEN)
    );
    assert_eq!(sig_str.reference().unwrap().local_id(), sec.items[1].id());
    assert_eq!(env.body_id.as_deref(), Some("Id-525041703"));
}

/// S12: the reply keyed by EncryptedKeySHA1; its SignatureConfirmations echo S11's signatures
/// (one value written with `&#13;&#10;` references).
#[test]
fn s12_rampart_reply_confirms_both_request_signatures() {
    let (Some(doc), Some(request)) = (capture("S12"), capture("S11")) else {
        return;
    };
    let env = envelope(&doc);
    let sec = security(&env);
    let values: Vec<Vec<u8>> = sec
        .items
        .iter()
        .filter_map(|i| match i {
            HeaderItem::SignatureConfirmation(c) => c.value_bytes.clone(),
            _ => None,
        })
        .collect();
    let request_env = envelope(&request);
    let request_sec = security(&request_env);
    let HeaderItem::SamlAssertion(saml) = &request_sec.items[2] else {
        panic!()
    };
    let signature_value =
        |sig: Node<'_>| b64(&sig.child(ns::DS, "SignatureValue").unwrap().text_content());
    assert_eq!(
        values,
        [
            signature_value(request_sec.items[3].node()),
            signature_value(saml.signature.unwrap())
        ]
    );
    let sig_str = key_info_str(items_of(sec, "Signature")[0].node());
    let ki = sig_str.key_identifier().unwrap();
    assert_eq!(ki.kind, KeyIdentifierKind::EncryptedKeySha1);
    assert_eq!(ki.value, Some(b64("iPPl9lfya0PBPrnH5sDFkkqMS0Q=")));
}

/// S13, S14, S15: EncryptedKey thumbprints and the reply's EncryptedKeySHA1.
#[test]
fn s13_s14_s15_rampart_key_identifiers() {
    let (Some(req09), Some(res09), Some(res03)) = (capture("S13"), capture("S14"), capture("S15"))
    else {
        return;
    };
    let env = envelope(&req09);
    let ek = items_of(security(&env), "EncryptedKey")[0].node();
    assert_eq!(
        key_info_str(ek).key_identifier().unwrap().value,
        Some(b64("aqePjuZzE1lzwMMtquksvNJsbmI="))
    );

    let env = envelope(&res09);
    let sec = security(&env);
    assert_eq!(items_of(sec, "SignatureConfirmation").len(), 1);
    let ki = key_info_str(items_of(sec, "Signature")[0].node());
    let ki = ki.key_identifier().unwrap();
    assert_eq!(ki.kind, KeyIdentifierKind::EncryptedKeySha1);
    assert_eq!(ki.text, "BaA/2+IZ8kYoENnGHL4K7unfywk=");

    let env = envelope(&res03);
    let sec = security(&env);
    let ek = key_info_str(items_of(sec, "EncryptedKey")[0].node());
    assert_eq!(
        ek.key_identifier().unwrap().value,
        Some(b64("CJ+I51M5honzWpG12gKyLwsXErk="))
    );
    let sig = key_info_str(items_of(sec, "Signature")[0].node());
    let sig = sig.key_identifier().unwrap();
    assert_eq!(sig.kind, KeyIdentifierKind::ThumbprintSha1);
    assert_eq!(sig.value, Some(b64("HYL371NzoOs2+IA24VDkBGcUFQM=")));
}

/// S16: a PKIPath BinarySecurityToken referenced directly by the signature.
#[test]
fn s16_cxf_pki_path_token_by_direct_reference() {
    let Some(doc) = capture("S16") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    assert_eq!(kinds(sec), ["BinarySecurityToken", "Signature"]);
    let HeaderItem::BinarySecurityToken(bst) = &sec.items[0] else {
        panic!()
    };
    assert_eq!(bst.kind, BinaryTokenKind::X509PkiPathV1);
    assert!(bst.data.is_some());
    let reference = key_info_str(sec.items[1].node());
    let reference = reference.reference().unwrap();
    assert_eq!(reference.local_id(), bst.id.as_deref());
    assert_eq!(
        reference.value_type.as_deref(),
        Some(uris::X509_PKI_PATH_V1)
    );
}

/// S17, S18: the signing certificate named by X509IssuerSerial.
#[test]
fn s17_s18_cxf_issuer_serial() {
    for id in ["S17", "S18"] {
        let Some(doc) = capture(id) else { return };
        let env = envelope(&doc);
        let sec = security(&env);
        assert_eq!(kinds(sec), ["Signature"], "{id}");
        let str_ref = key_info_str(sec.items[0].node());
        assert!(str_ref.id.as_deref().unwrap().starts_with("STRId-"), "{id}");
        let Some(StrForm::X509IssuerSerial(is)) = &str_ref.form else {
            panic!("{id}: {:?}", str_ref.form)
        };
        assert_eq!(is.issuer.as_deref(), Some("CN=myAlias"), "{id}");
        assert_eq!(is.serial.as_deref(), Some("1181668586"), "{id}");
    }
}

/// S19: encrypt-then-sign; two encrypted header blocks outside the Security header.
#[test]
fn s19_cxf_encrypted_headers_and_signature_over_them() {
    let Some(doc) = capture("S19") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    assert_eq!(
        kinds(sec),
        [
            "EncryptedKey",
            "BinarySecurityToken",
            "Signature",
            "ReferenceList"
        ]
    );
    let encrypted_blocks = env
        .header
        .unwrap()
        .child_elements()
        .filter(|c| c.has_name(ns::XENC, "EncryptedData"))
        .count();
    assert_eq!(encrypted_blocks, 2);
    let ek_ref = key_info_str(sec.items[0].node());
    assert_eq!(ek_ref.reference().unwrap().local_id(), sec.items[1].id());
    let sig_ref = key_info_str(sec.items[2].node());
    let sig_ref = sig_ref.reference().unwrap();
    assert_eq!(sig_ref.local_id(), sec.items[0].id());
    // WSS4J 1.5 wrote the SAML profile's EncryptedKey ValueType here; kept as written.
    assert_eq!(
        sig_ref.value_type.as_deref(),
        Some("http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#EncryptedKey")
    );
}

/// S20: the whole soap:Body element is encrypted; the EncryptedKey lists three parts.
#[test]
fn s20_cxf_element_encrypted_body() {
    let Some(doc) = capture("S20") else { return };
    let env = envelope(&doc);
    assert!(env.body.is_none());
    assert!(env.problems.is_empty(), "{:?}", env.problems);
    assert_eq!(env.encrypted_parts.len(), 1);
    assert_eq!(env.encrypted_parts[0].attribute("Id"), Some("EncDataId-29"));
    let sec = security(&env);
    assert_eq!(kinds(sec), ["BinarySecurityToken", "EncryptedKey"]);
    let list = sec.items[1]
        .node()
        .child(ns::XENC, "ReferenceList")
        .unwrap();
    assert_eq!(list.child_elements().count(), 3);
}

/// S21: WSS4J 1.6 SCT (2005/02) with DKTs of Length 16 (encryption) and 20 (HMAC-SHA1).
#[test]
fn s21_wss4j16_sct_and_dkt_lengths() {
    let Some(doc) = capture("S21") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    let sct = sec.security_context_tokens().next().unwrap();
    assert_eq!(sct.version, ScVersion::Feb2005);
    assert_eq!(sct.id.as_deref(), Some("sct-g1"));
    assert_eq!(
        sct.identifier.as_deref(),
        Some("urn:uuid:8b0e7a5e-3c1f-4e59-9a51-4a3b6c9d0e01")
    );
    let dk = dkts(sec);
    let lengths: Vec<_> = dk.iter().map(|t| t.effective.length).collect();
    assert_eq!(lengths, [16, 20]);
    for t in &dk {
        assert!(t.derivable);
        let str_ref = t.reference.as_ref().unwrap();
        assert!(str_ref.id.is_some());
        assert_eq!(str_ref.reference().unwrap().local_id(), Some("sct-g1"));
    }
    let signing = key_info_str(items_of(sec, "Signature")[0].node());
    let signing = signing.reference().unwrap();
    assert_eq!(signing.local_id(), dk[1].id.as_deref());
    assert_eq!(
        signing.value_type.as_deref(),
        Some(ScVersion::Feb2005.dk_token_type())
    );
}

/// S22: DKTs of Length 16 and 20 on an EncryptedKey, referenced with a wsse11:TokenType.
#[test]
fn s22_wss4j16_dkts_on_an_encrypted_key() {
    let Some(doc) = capture("S22") else { return };
    let env = envelope(&doc);
    let sec = security(&env);
    let ek = items_of(sec, "EncryptedKey")[0];
    assert_eq!(
        key_info_str(ek.node()).key_identifier().unwrap().value,
        Some(b64("HYL371NzoOs2+IA24VDkBGcUFQM="))
    );
    let dk = dkts(sec);
    let lengths: Vec<_> = dk.iter().map(|t| t.length).collect();
    assert_eq!(lengths, [Some(16), Some(20)]);
    for t in dk {
        let str_ref = t.reference.as_ref().unwrap();
        assert_eq!(
            str_ref.token_type.as_deref(),
            Some(uris::ENCRYPTED_KEY_TOKEN)
        );
        assert_eq!(str_ref.reference().unwrap().local_id(), ek.id());
    }
}

/// S23: SOAP 1.2, mustUnderstand="true", EncryptedKey for an X509IssuerSerial.
#[test]
fn s23_wss4j16_soap12_issuer_serial() {
    let Some(doc) = capture("S23") else { return };
    let env = envelope(&doc);
    assert_eq!(env.version, SoapVersion::Soap12);
    let sec = security(&env);
    assert_eq!(sec.must_understand, Some(true));
    assert_eq!(kinds(sec), ["EncryptedKey", "Timestamp"]);
    let ek = sec.items[0].node();
    let str_ref = key_info_str(ek);
    let Some(StrForm::X509IssuerSerial(is)) = &str_ref.form else {
        panic!("{:?}", str_ref.form)
    };
    assert_eq!(
        is.issuer.as_deref(),
        Some("CN=Sample Service,OU=Rampart,O=Apache,L=Colombo,ST=Western,C=LK")
    );
    assert_eq!(is.serial.as_deref(), Some("1187603713"));
    assert!(ek.child(ns::XENC, "ReferenceList").is_some());
    let body = env.body_content().unwrap();
    assert!(body.has_name(ns::XENC, "EncryptedData"));
    assert_eq!(
        key_info_str(body).token_type.as_deref(),
        Some(uris::ENCRYPTED_KEY_TOKEN)
    );
}
