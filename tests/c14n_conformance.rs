//! Canonicalization conformance: every `c14n` and `exc-c14n` case of the shared W3C vectors,
//! byte for byte, through the library and through `wskex c14n`.

mod common;

use common::{ManifestRow, read_manifest, shared_dir, visible, wskex};
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};
use wskex::xml::{Document, IdAttributes, IdIndex, IdLookup};

struct Case {
    exclusive: bool,
    comments: bool,
    prefixes: Option<String>,
    subset: String,
}

fn case(row: &ManifestRow) -> Case {
    Case {
        exclusive: row.get("kind") == "exc-c14n",
        comments: row.param("comments").as_deref() == Some("1"),
        prefixes: row.param("prefixes"),
        subset: row.param("subset").unwrap_or_else(|| "doc".into()),
    }
}

fn library_output(doc: &Document, c: &Case) -> Result<Vec<u8>, String> {
    let apex = if c.subset == "doc" {
        doc.root().id()
    } else if let Some(id) = c.subset.strip_prefix("id:") {
        match IdIndex::build(doc, &IdAttributes::default()).lookup(id) {
            IdLookup::Unique(n) => n,
            other => return Err(format!("id {id}: {other:?}")),
        }
    } else if let Some(name) = c.subset.strip_prefix("element:") {
        let (ns, local) = match name.strip_prefix('{').and_then(|r| r.split_once('}')) {
            Some(pair) => pair,
            None => ("", name),
        };
        doc.descendants()
            .find(|n| n.has_name(ns, local))
            .ok_or(format!("no element {name}"))?
            .id()
    } else {
        return Err(format!("unknown subset {}", c.subset));
    };
    let mut method = if c.exclusive {
        C14nMethod::exclusive(c.comments)
    } else {
        C14nMethod::inclusive(c.comments)
    };
    if let Some(p) = &c.prefixes {
        method = method.with_prefix_list(p);
    }
    Ok(canonicalize_to_vec(doc, NodeSet::subtree(apex), &method))
}

fn cli_output(file: &std::path::Path, c: &Case) -> Vec<u8> {
    let mut cmd = wskex();
    cmd.arg("c14n").arg(file);
    if c.exclusive {
        cmd.arg("--exclusive");
    }
    if c.comments {
        cmd.arg("--with-comments");
    }
    if let Some(p) = &c.prefixes {
        cmd.arg("--prefixes").arg(p);
    }
    if let Some(id) = c.subset.strip_prefix("id:") {
        cmd.arg("--id").arg(id);
    } else if let Some(name) = c.subset.strip_prefix("element:") {
        cmd.arg("--element").arg(name);
    }
    let out = cmd.output().expect("run wskex");
    assert!(
        out.status.success(),
        "wskex c14n {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn shared_c14n_vectors_match_byte_for_byte() {
    let Some(shared) = shared_dir("c14n conformance") else {
        return;
    };
    let dir = shared.join("vectors");
    let rows: Vec<ManifestRow> = read_manifest(&dir.join("MANIFEST.tsv"))
        .into_iter()
        .filter(|r| matches!(r.get("kind"), "c14n" | "exc-c14n"))
        .collect();
    assert!(
        rows.len() >= 15,
        "expected the shared c14n cases, found {}",
        rows.len()
    );
    let (mut passed, mut unsupported, mut failures) = (0, Vec::new(), Vec::new());
    for row in &rows {
        let id = row.get("id");
        let c = case(row);
        let input = dir.join(row.get("files"));
        let expected = std::fs::read(dir.join(row.get("expected"))).expect("expected file");
        let outcome = Document::parse(
            std::fs::read(&input).expect("input"),
            input.display().to_string(),
        )
        .map_err(|e| e.to_string())
        .and_then(|doc| library_output(&doc, &c));
        match outcome {
            Ok(bytes) if bytes == expected => {
                assert_eq!(
                    cli_output(&input, &c),
                    expected,
                    "{id}: the CLI differs from the library"
                );
                passed += 1;
            }
            Ok(_) if row.is_optional() => unsupported.push(format!(
                "{id} (output differs; needs {:?})",
                row.param("needs")
            )),
            Err(e) if row.is_optional() => unsupported.push(format!("{id} ({e})")),
            Ok(bytes) => failures.push(format!(
                "{id}: got\n{}\nexpected\n{}",
                String::from_utf8_lossy(&bytes),
                String::from_utf8_lossy(&expected)
            )),
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    visible(&format!(
        "c14n conformance: {passed} passed, {} unsupported (optional)",
        unsupported.len()
    ));
    for u in &unsupported {
        visible(&format!("  unsupported: {u}"));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
