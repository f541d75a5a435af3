//! `key-for-other-certificate` across a conversation, without `--receiver-cert`: the brokered
//! computed-key walkthrough's two messages (alice's request carries an EncryptedKey for bob's
//! certificate; bob signs his response with that certificate), the response saying who sent
//! it (`wsa:From`). Genuine: no finding. With the request's EncryptedKey made for mallory's
//! certificate instead (the sender was given a substituted certificate): the finding, on the
//! request, at that EncryptedKey.

mod common;

use std::path::{Path, PathBuf};

use common::report::{Run, per_message, run_both_owned};
use openssl::encrypt::Encrypter;
use openssl::hash::MessageDigest;
use openssl::rsa::Padding;
use openssl::x509::X509;

const CODE: &str = "key-for-other-certificate";
const FOLDER: &str = "samples/brokered/computed-key";
const BOB_THUMBPRINT: &str = "je3NpXh8YjOcAyBonvP4mS+8D/Y=";

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(FOLDER).join(name)).unwrap()
}

/// The conversation in `dir`: the request as given, the response saying it comes from bob.
fn conversation(dir: &Path, request: &str) -> PathBuf {
    let folder = dir.join("conversation");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("01-alice-bob.xml"), request).unwrap();
    let response = read("02-bob-alice.xml");
    let to = "<wsa:To>urn:wskex:alice</wsa:To>";
    assert!(response.contains(to));
    let response = response.replacen(
        to,
        &format!("{to}<wsa:From><wsa:Address>urn:wskex:bob</wsa:Address></wsa:From>"),
        1,
    );
    std::fs::write(folder.join("02-bob-alice.xml"), response).unwrap();
    folder
}

fn inspect(folder: &Path) -> Run {
    let mut args = Vec::new();
    for name in ["alice", "bob"] {
        args.push("--key".to_string());
        args.push(format!("samples/keys/{name}.key.pem"));
        args.push("--cert".to_string());
        args.push(format!("samples/keys/{name}.cert.pem"));
    }
    args.push("--cert".into());
    args.push("samples/keys/mallory.cert.pem".into());
    run_both_owned("inspect", folder, &args)
}

/// The request with its EncryptedKey remade for mallory: the same key wrapped with mallory's
/// public key (RSA-OAEP) and named by mallory's thumbprint. Only the EncryptedKey changes.
fn request_for_mallory() -> String {
    let request = read("01-alice-bob.xml");
    let mallory = X509::from_pem(&std::fs::read("samples/keys/mallory.cert.pem").unwrap()).unwrap();
    let thumbprint = wskex::xml::base64::encode(&mallory.digest(MessageDigest::sha1()).unwrap());
    let ek_start = request.find("<xenc:EncryptedKey").unwrap();
    let value_start = ek_start
        + request[ek_start..].find("<xenc:CipherValue>").unwrap()
        + "<xenc:CipherValue>".len();
    let value_end = value_start + request[value_start..].find("</xenc:CipherValue>").unwrap();
    let public = mallory.public_key().unwrap();
    let mut encrypter = Encrypter::new(&public).unwrap();
    encrypter.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
    let secret = [42u8; 32];
    let mut wrapped = vec![0; encrypter.encrypt_len(&secret).unwrap()];
    let n = encrypter.encrypt(&secret, &mut wrapped).unwrap();
    wrapped.truncate(n);
    let swapped = format!(
        "{}{}{}",
        &request[..value_start],
        wskex::xml::base64::encode(&wrapped),
        &request[value_end..]
    );
    assert_eq!(swapped.matches(BOB_THUMBPRINT).count(), 1);
    swapped.replacen(BOB_THUMBPRINT, &thumbprint, 1)
}

#[test]
fn the_walkthroughs_own_conversation_has_no_finding() {
    let dir = tempfile::tempdir().unwrap();
    let folder = conversation(dir.path(), &read("01-alice-bob.xml"));
    let run = inspect(&folder);
    assert!(per_message(&run.json, CODE).is_empty(), "{}", run.text);
    assert_eq!(run.code, 0, "{}", run.text);
}

#[test]
fn a_key_for_another_certificate_than_the_one_the_receiver_signs_with_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let request = request_for_mallory();
    let folder = conversation(dir.path(), &request);
    let run = inspect(&folder);
    assert_eq!(run.code, 1, "{}", run.text);
    let found = per_message(&run.json, CODE);
    assert_eq!(found.len(), 1, "{}", run.text);
    let (message, finding) = found[0];
    assert_eq!(message, 1, "reported on the request");
    assert_eq!(finding["severity"], "error");
    let says = finding["message"].as_str().unwrap();
    assert!(says.contains("EncryptedKey EK-1"), "{says}");
    assert!(
        says.contains("CN=mallory"),
        "names where the key went: {says}"
    );
    assert!(
        says.contains("not to CN=bob"),
        "names the receiver's certificate: {says}"
    );
    assert!(says.contains("in message 2"), "names the evidence: {says}");
    let start = finding["span"]["start"].as_u64().unwrap() as usize;
    let end = finding["span"]["end"].as_u64().unwrap() as usize;
    assert!(request[start..end].starts_with("<xenc:EncryptedKey"));
    assert!(request[start..end].ends_with("</xenc:EncryptedKey>"));
    assert!(
        run.text.contains(&format!("error [{CODE}] ")),
        "{}",
        run.text
    );
}

#[test]
fn a_response_that_does_not_say_who_sent_it_is_not_guessed_from() {
    // The same swapped request, but the response carries no wsa:From (as the walkthrough
    // writes it): nothing tells who signed it for whom, so no judgement is made.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("plain");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("01-alice-bob.xml"), request_for_mallory()).unwrap();
    std::fs::write(folder.join("02-bob-alice.xml"), read("02-bob-alice.xml")).unwrap();
    let run = inspect(&folder);
    assert!(per_message(&run.json, CODE).is_empty(), "{}", run.text);
}
