//! Files wskex writes cannot be turned against the user: `walk --out` and `decrypt -o` never
//! follow a symbolic link planted where they write (they refuse it, exit 2, and the link's
//! target is untouched), secrets (private keys, keys.json, decrypted plaintext) are 0600, and
//! the input is never written over. A password for --key can come from --password-file or
//! WSKEX_PASSWORD instead of the command line.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::wskex;

const ENVELOPE: &str = "samples/xmlsec1/envelope.xml";
const BOB_KEY: &str = "samples/keys/bob.key.pem";

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit 2 with one line on stderr that ends with `ending`.
fn assert_refused(what: &str, out: &Output, ending: &str) {
    let stderr = stderr_of(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
    assert!(stderr.trim_end().ends_with(ending), "{what}: {stderr}");
}

#[test]
fn walk_out_writes_secrets_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("walk");
    let out = wskex()
        .args(["walk", "direct", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    for secret in ["keys.json", "alice.key.pem", "bob.key.pem"] {
        assert_eq!(mode(&out_dir.join(secret)), 0o600, "{secret}");
    }
    for public in ["01-alice-bob.xml", "alice.cert.pem", "bob.cert.pem"] {
        let m = mode(&out_dir.join(public));
        assert_eq!(m & 0o600, 0o600, "{public}: {m:o}");
        assert_eq!(m & 0o033, 0, "{public}: {m:o}");
    }
}

/// Plants a link at `name` in `dir` pointing at a file holding "precious".
fn plant_link(dir: &Path, name: &str) -> PathBuf {
    let victim = dir.join(format!("victim-of-{name}"));
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    victim
}

#[test]
fn walk_out_force_removes_a_link_planted_in_an_earlier_walk_without_following_it() {
    for planted in ["keys.json", "bob.key.pem", "01-alice-bob.xml"] {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("walk");
        let first = wskex()
            .args(["walk", "direct", "--out"])
            .arg(&out_dir)
            .output()
            .unwrap();
        assert!(first.status.success());
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::fs::remove_file(out_dir.join(planted)).unwrap();
        std::os::unix::fs::symlink(&victim, out_dir.join(planted)).unwrap();
        let out = wskex()
            .args(["walk", "direct", "--force", "--out"])
            .arg(&out_dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{planted}: {}", stderr_of(&out));
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "precious",
            "{planted}"
        );
        let meta = std::fs::symlink_metadata(out_dir.join(planted)).unwrap();
        assert!(
            meta.file_type().is_file(),
            "{planted}: replaced by a regular file"
        );
    }
}

#[test]
fn walk_out_refuses_links_planted_in_the_folder() {
    for planted in ["keys.json", "bob.key.pem", "01-alice-bob.xml"] {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("walk");
        std::fs::create_dir(&out_dir).unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&victim, out_dir.join(planted)).unwrap();
        let out = wskex()
            .args(["walk", "direct", "--out"])
            .arg(&out_dir)
            .output()
            .unwrap();
        // A folder holding anything but an earlier walk is refused before anything is written.
        assert_refused(planted, &out, "choose an empty or new folder");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(mode(&victim), 0o644, "{planted}: the target's mode changed");
        assert!(
            std::fs::symlink_metadata(out_dir.join(planted))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{planted}: the link itself is left for the user to see"
        );
        let written: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
        assert_eq!(written.len(), 1, "{planted}: nothing else written");
    }
}

#[test]
fn decrypt_out_is_owner_only_and_refuses_links() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.xml");
    let out = wskex()
        .args(["decrypt", ENVELOPE, "--key", BOB_KEY, "-o"])
        .arg(&plain)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(mode(&plain), 0o600);
    assert!(
        std::fs::read_to_string(&plain)
            .unwrap()
            .contains("<po:Item sku=\"W-1\">widget</po:Item>")
    );

    let victim = plant_link(dir.path(), "link.xml");
    let out = wskex()
        .args(["decrypt", ENVELOPE, "--key", BOB_KEY, "-o"])
        .arg(dir.path().join("link.xml"))
        .output()
        .unwrap();
    assert_refused(
        "decrypt -o link",
        &out,
        "link.xml: is a symbolic link; refusing to write through it",
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn decrypt_never_writes_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.xml");
    std::fs::copy(ENVELOPE, &input).unwrap();
    let original = std::fs::read(&input).unwrap();
    let hard = dir.path().join("hard.xml");
    std::fs::hard_link(&input, &hard).unwrap();
    let soft = dir.path().join("soft.xml");
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    for target in [&input, &hard, &soft] {
        let out = wskex()
            .arg("decrypt")
            .arg(&input)
            .args(["--key", BOB_KEY, "-o"])
            .arg(target)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
        assert_eq!(std::fs::read(&input).unwrap(), original);
    }
}

/// bob's key encrypted (PKCS#8, AES-256-CBC) with `password`.
fn encrypted_key(dir: &Path, password: &str) -> PathBuf {
    let key = dir.join("bob.p8.pem");
    let out = std::process::Command::new("openssl")
        .args(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", BOB_KEY])
        .arg("-out")
        .arg(&key)
        .args(["-passout", &format!("pass:{password}")])
        .output()
        .expect("openssl");
    assert!(out.status.success(), "{}", stderr_of(&out));
    key
}

#[test]
fn the_password_comes_from_a_file_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let key = encrypted_key(dir.path(), "correct horse");
    let decrypt = || {
        let mut command = wskex();
        command
            .args(["decrypt", ENVELOPE, "--key"])
            .arg(&key)
            .env_remove("WSKEX_PASSWORD");
        command
    };

    let out = decrypt().output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "no password: {}",
        stderr_of(&out)
    );

    let file = dir.path().join("password");
    std::fs::write(&file, "correct horse\r\nsecond line ignored\n").unwrap();
    let out = decrypt()
        .arg("--password-file")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "file: {}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("widget"));

    let out = decrypt()
        .env("WSKEX_PASSWORD", "correct horse")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "env: {}", stderr_of(&out));

    std::fs::write(&file, "battery staple\n").unwrap();
    let out = decrypt()
        .arg("--password-file")
        .arg(&file)
        .env("WSKEX_PASSWORD", "correct horse")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "the file comes first");
    assert!(!stderr_of(&out).contains("battery"), "{}", stderr_of(&out));

    let out = decrypt()
        .args(["--password", "x", "--password-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "both given: {}",
        stderr_of(&out)
    );

    let out = decrypt()
        .args(["--password-file", "/dev/zero"])
        .output()
        .unwrap();
    assert_refused(
        "password file /dev/zero",
        &out,
        "--password-file /dev/zero: larger than 65536 bytes, not a password file",
    );
}

#[test]
fn help_names_the_safer_password_sources() {
    let out = wskex().args(["decrypt", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--password-file <PATH>"), "{help}");
    assert!(help.contains("WSKEX_PASSWORD"), "{help}");
}
