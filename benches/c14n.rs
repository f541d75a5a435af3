//! Parse and exclusive-canonicalize a generated ~10 MB SOAP envelope, and in the same run time
//! `xmllint --exc-c14n` on the same file (the libxml2 engine inside xmlsec1) for comparison.
//!
//! Run: `cargo bench --bench c14n`. It ends with the median ratio of 11 alternating runs of the
//! two processes.

#[path = "../tests/common/generate.rs"]
mod generate;
#[path = "support/side_by_side.rs"]
mod side_by_side;

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wskex::xml::Document;
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize};

fn c14n_10mb(c: &mut Criterion) {
    let xml = generate::soap_envelope(29_500);
    let bytes = xml.len() as u64;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("envelope.xml");
    std::fs::write(&path, &xml).unwrap();

    let mut group = c.benchmark_group(format!("c14n {:.1} MB SOAP envelope", bytes as f64 / 1e6));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Bytes(bytes));
    group.bench_function("wskex parse", |b| {
        b.iter(|| Document::parse(black_box(xml.as_bytes().to_vec()), "bench").unwrap())
    });
    let doc = Document::parse(xml.as_bytes().to_vec(), "bench").unwrap();
    group.bench_function("wskex exc-c14n (parsed)", |b| {
        b.iter(|| {
            canonicalize(
                &doc,
                NodeSet::document(),
                &C14nMethod::exclusive(false),
                std::io::sink(),
            )
            .unwrap()
        })
    });
    group.bench_function("wskex parse + exc-c14n", |b| {
        b.iter(|| {
            let doc = Document::parse(black_box(xml.as_bytes().to_vec()), "bench").unwrap();
            canonicalize(
                &doc,
                NodeSet::document(),
                &C14nMethod::exclusive(false),
                std::io::sink(),
            )
            .unwrap()
        })
    });
    let wskex_c14n = || {
        let status = Command::new(env!("CARGO_BIN_EXE_wskex"))
            .args(["c14n", "--exclusive"])
            .arg(&path)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    };
    let xmllint_c14n = || {
        let status = Command::new("xmllint")
            .arg("--exc-c14n")
            .arg(&path)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    };
    group.bench_function("wskex c14n CLI process (file to /dev/null)", |b| {
        b.iter(wskex_c14n)
    });
    let have_xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if have_xmllint {
        group.bench_function("xmllint --exc-c14n process (file to /dev/null)", |b| {
            b.iter(xmllint_c14n)
        });
    } else {
        eprintln!("xmllint not installed: comparison skipped");
    }
    group.finish();
    if have_xmllint {
        side_by_side::print_median_ratio(
            "exc-c14n 10 MB: wskex c14n --exclusive / xmllint --exc-c14n",
            11,
            wskex_c14n,
            xmllint_c14n,
        );
    }
}

criterion_group!(benches, c14n_10mb);
criterion_main!(benches);
