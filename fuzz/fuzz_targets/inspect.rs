//! `wskex inspect` on arbitrary bytes (raw XML, HTTP dumps, MIME), text and JSON reports,
//! with the direct walkthrough's keys so that keys unwrap and signatures get checked.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cert = common::sample("keys/alice.cert.pem");
    let key = common::sample("keys/bob.key.pem");
    let format = if data.len() % 2 == 0 { "text" } else { "json" };
    common::run_command(
        &["inspect"],
        data,
        &["--cert", &cert, "--key", &key, "--format", format],
    );
});
