//! Identifiers (URIs) of WS-Security and its token profiles that the readers classify: token
//! value types, encodings, KeyIdentifier kinds and password types (see `spec-notes.md`).

use super::generation::ScVersion;

pub const X509V3: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
pub const X509V1: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v1";
pub const X509_PKI_PATH_V1: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509PKIPathv1";
pub const PKCS7: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#PKCS7";

pub const BASE64_BINARY: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
pub const HEX_BINARY: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#HexBinary";

pub const THUMBPRINT_SHA1: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1";
pub const ENCRYPTED_KEY_SHA1: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKeySHA1";
pub const X509_SUBJECT_KEY_IDENTIFIER: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509SubjectKeyIdentifier";
pub const SAML_ASSERTION_ID: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID";
pub const SAML_ID: &str = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID";

pub const ENCRYPTED_KEY_TOKEN: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKey";
pub const SAML_V11_TOKEN: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1";
pub const SAML_V20_TOKEN: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0";

pub const PASSWORD_TEXT: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
pub const PASSWORD_DIGEST: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";

/// A short human name for a token type or reference ValueType URI, for listings; `None` when
/// the URI is not one wskex knows.
pub fn token_type_name(uri: &str) -> Option<&'static str> {
    let known = [
        (X509V3, "X.509 v3 certificate"),
        (X509V1, "X.509 v1 certificate"),
        (X509_PKI_PATH_V1, "X.509 PKIPath"),
        (PKCS7, "PKCS#7 certificates"),
        (ENCRYPTED_KEY_TOKEN, "EncryptedKey"),
        (SAML_V11_TOKEN, "SAML 1.1 assertion"),
        (SAML_V20_TOKEN, "SAML 2.0 assertion"),
        (SAML_ASSERTION_ID, "SAML 1.1 assertion"),
        (SAML_ID, "SAML 2.0 assertion"),
        (
            ScVersion::Feb2005.sct_token_type(),
            "SecurityContextToken (2005/02)",
        ),
        (
            ScVersion::V200512.sct_token_type(),
            "SecurityContextToken (200512)",
        ),
        (
            ScVersion::Feb2005.dk_token_type(),
            "DerivedKeyToken (2005/02)",
        ),
        (
            ScVersion::V200512.dk_token_type(),
            "DerivedKeyToken (200512)",
        ),
    ];
    known.iter().find(|(u, _)| *u == uri).map(|(_, name)| *name)
}
