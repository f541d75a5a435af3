//! Live cross-check of canonicalization against libxml2 (`xmllint --c14n` / `--exc-c14n`, the
//! engine inside xmlsec1) on generated documents. xmllint keeps comments, so its output is
//! compared with the #WithComments variants.

mod common;
#[path = "common/generate.rs"]
mod generate;

use std::process::Command;

use common::{tool_available, visible};
use wskex::xml::Document;
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};

fn xmllint(mode: &str, path: &std::path::Path) -> Vec<u8> {
    let out = Command::new("xmllint")
        .arg(mode)
        .arg(path)
        .output()
        .expect("run xmllint");
    assert!(
        out.status.success(),
        "xmllint {mode} {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn compare(name: &str, xml: &str, dir: &std::path::Path) {
    let path = dir.join(format!("{name}.xml"));
    std::fs::write(&path, xml).unwrap();
    let doc = Document::parse_str(xml, name).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    for (flag, method) in [
        ("--c14n", C14nMethod::inclusive(true)),
        ("--exc-c14n", C14nMethod::exclusive(true)),
    ] {
        let ours = canonicalize_to_vec(&doc, NodeSet::document(), &method);
        let theirs = xmllint(flag, &path);
        assert!(
            ours == theirs,
            "{name} {flag} differs\ninput:\n{xml}\nwskex:\n{}\nxmllint:\n{}",
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
    }
}

#[test]
fn generated_documents_canonicalize_like_libxml2() {
    if !tool_available("c14n xmllint interop", "xmllint") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let count = 150;
    for seed in 0..count {
        compare(
            &format!("random-{seed}"),
            &generate::random_document(seed),
            dir.path(),
        );
    }
    compare("soap-envelope", &generate::soap_envelope(25), dir.path());
    visible(&format!(
        "c14n xmllint interop: {} generated documents agree in both modes",
        count + 1
    ));
}

#[test]
fn ws_security_envelope_subtrees_match_libxml2_exclusive() {
    if !tool_available("c14n xmllint interop", "xmllint") {
        return;
    }
    // xmllint canonicalizes whole documents only, so a subtree is checked by canonicalizing a
    // document that consists of that subtree with the declarations exclusive c14n would keep.
    let envelope = generate::soap_envelope(3);
    let doc = Document::parse_str(&envelope, "soap").unwrap();
    let body = doc
        .descendants()
        .find(|n| n.local_name() == "Body")
        .unwrap();
    let ours = canonicalize_to_vec(
        &doc,
        NodeSet::subtree(body.id()),
        &C14nMethod::exclusive(true),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("body.xml");
    std::fs::write(&path, &ours).unwrap();
    assert_eq!(
        xmllint("--exc-c14n", &path),
        ours,
        "the exclusive canonical Body is not a fixed point of libxml2"
    );
}
