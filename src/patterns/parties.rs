//! The walkthrough parties' demonstration keys, compiled in so walkthroughs run anywhere.
//! Made by `samples/keys/make-keys.sh`; published with the source, so worthless as secrets.

use crate::crypto::keys::load_key_bytes;
use crate::crypto::{Certificate, PrivateKey};
use crate::exchange::Party;

struct Material {
    name: &'static str,
    key: &'static str,
    cert: &'static str,
}

const MATERIAL: &[Material] = &[
    Material {
        name: "alice",
        key: include_str!("../../samples/keys/alice.key.pem"),
        cert: include_str!("../../samples/keys/alice.cert.pem"),
    },
    Material {
        name: "bob",
        key: include_str!("../../samples/keys/bob.key.pem"),
        cert: include_str!("../../samples/keys/bob.cert.pem"),
    },
    Material {
        name: "sts",
        key: include_str!("../../samples/keys/sts.key.pem"),
        cert: include_str!("../../samples/keys/sts.cert.pem"),
    },
    Material {
        name: "carol",
        key: include_str!("../../samples/keys/carol.key.pem"),
        cert: include_str!("../../samples/keys/carol.cert.pem"),
    },
    Material {
        name: "mallory",
        key: include_str!("../../samples/keys/mallory.key.pem"),
        cert: include_str!("../../samples/keys/mallory.cert.pem"),
    },
];

/// The party `name` in `role`, with its key pair and certificate.
///
/// # Panics
/// Only if the compiled-in PEM files are broken, which the tests rule out.
pub fn party(name: &str, role: &str) -> Party {
    let m = MATERIAL
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no demonstration keys for {name}"));
    let key = load_key_bytes(m.key.as_bytes(), &format!("{name}.key.pem"), None)
        .expect("compiled-in key parses")
        .private_keys
        .remove(0);
    let cert = load_key_bytes(m.cert.as_bytes(), &format!("{name}.cert.pem"), None)
        .expect("compiled-in certificate parses")
        .certificates
        .remove(0);
    Party {
        name: name.to_string(),
        role: role.to_string(),
        private_key: Some(key),
        certificate: Some(cert),
    }
}

/// The PEM texts of a party (for `wskex walk --out`).
pub fn pem_files(name: &str) -> Option<(&'static str, &'static str)> {
    MATERIAL
        .iter()
        .find(|m| m.name == name)
        .map(|m| (m.key, m.cert))
}

/// Shorthands used by the patterns.
pub fn private_key(party: &Party) -> &PrivateKey {
    party
        .private_key
        .as_ref()
        .expect("walkthrough parties have keys")
}

pub fn certificate(party: &Party) -> &Certificate {
    party
        .certificate
        .as_ref()
        .expect("walkthrough parties have certificates")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_party_loads_and_its_key_matches_its_certificate() {
        for m in MATERIAL {
            let p = party(m.name, "test");
            let public = certificate(&p).public_key().unwrap();
            assert!(private_key(&p).matches_public(&public), "{}", m.name);
        }
    }
}
