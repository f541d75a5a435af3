//! A small PKI made at test time with the openssl crate: a root CA, intermediates and
//! leaves (signing, encipherment-only, expired). Used by wskex's unit tests (through
//! `#[path]`) and the integration tests, so both build the same certificates.

#![allow(dead_code)]

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, KeyUsage};
use openssl::x509::{X509, X509NameBuilder};

pub struct Issued {
    pub certificate: X509,
    pub key: PKey<Private>,
}

pub enum Usage {
    Ca,
    Signing,
    EnciphermentOnly,
}

/// A certificate for `cn`, valid from `not_before` to `not_after` (days from now), signed
/// by `issuer` (self-signed when `None`).
pub fn issue(
    cn: &str,
    issuer: Option<&Issued>,
    usage: Usage,
    not_before_days: i32,
    not_after_days: i32,
    serial: u32,
) -> Issued {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&Asn1Integer::from_bn(&BigNum::from_u32(serial).unwrap()).unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(issuer.map_or(&name, |i| i.certificate.subject_name()))
        .unwrap();
    b.set_pubkey(&key).unwrap();
    let day = 86_400;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    b.set_not_before(&Asn1Time::from_unix(now + i64::from(not_before_days) * day).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_unix(now + i64::from(not_after_days) * day).unwrap())
        .unwrap();
    match usage {
        Usage::Ca => {
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .build()
                    .unwrap(),
            )
            .unwrap();
        }
        Usage::Signing => {
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .key_encipherment()
                    .build()
                    .unwrap(),
            )
            .unwrap();
        }
        Usage::EnciphermentOnly => {
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_encipherment()
                    .build()
                    .unwrap(),
            )
            .unwrap();
        }
    }
    let signer = issuer.map_or(&key, |i| &i.key);
    b.sign(signer, MessageDigest::sha256()).unwrap();
    Issued {
        certificate: b.build(),
        key,
    }
}
