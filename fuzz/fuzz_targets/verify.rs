//! `wskex verify` on arbitrary bytes (text and JSON reports), with a sample certificate and
//! key so that key lookup can succeed.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cert = common::sample("keys/alice.cert.pem");
    let key = common::sample("keys/bob.key.pem");
    let format = if data.len() % 2 == 0 { "text" } else { "json" };
    common::run_command(
        &["verify"],
        data,
        &["--cert", &cert, "--key", &key, "--format", format],
    );
});
