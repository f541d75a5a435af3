//! The catalogue of findings: every verdict the receiver and the auditor can return, named
//! once. Each code has its string (what reports, JSON and SARIF carry), its severity (what
//! decides the exit code), a title, what an attacker needs, what they gain, and a reference.
//!
//! A code is spelled here and nowhere else: call sites build findings with
//! [`FindingCode::finding`], so severity and spelling cannot drift between them.

use super::{Finding, Severity};

/// Every finding wskex reports, in catalogue order (the order of [`CATALOGUE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingCode {
    SignatureWrapping,
    DuplicateId,
    TimestampNotJudged,
    UnsignedKeyTransfer,
    KeyTransferOverTransport,
    UnsignedEncryptedKey,
    IdentityNotProven,
    KeyFromMessage,
    Damaged,
    NotSoap,
    NoSecurityHeader,
    PasswordText,
    NestedKeyUnavailable,
    Rsa15KeyTransport,
    KeyUnavailable,
    HokKeyUnavailable,
    DecryptionFailed,
    ProofKeyInClear,
    Unsupported,
    SignatureInvalid,
    BodyNotSigned,
    TimestampNotSigned,
    TimestampExpired,
    TimestampInFuture,
    TimestampMissing,
    AddressingNotSigned,
    ReindentedCapture,
    DelegationCheckFailed,
    DelegationCheckPassed,
    Sha1Digest,
    Sha1Signature,
    CbcNotSigned,
    TruncatedHmac,
    KeySignsAndEncrypts,
    DerivedKeyNonceReused,
    SignatureConfirmationMissing,
    ReplayedMessage,
    SamlNotYetValid,
    SamlExpired,
    SamlAudienceMismatch,
    Unreadable,
    InternalError,
    LifetimeExpired,
    LifetimeNotYetValid,
    KeyAssumed,
    WorkLimit,
    SecurityHeaderNotProcessed,
    EncryptedSoapElement,
    KeyForOtherCertificate,
    KeyForOtherRecipient,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct CatalogueEntry {
    pub code: FindingCode,
    /// The code as reports and JSON carry it (kebab-case, stable).
    pub name: &'static str,
    /// How serious it is: errors make the run exit 1.
    pub severity: Severity,
    /// One line saying what was found.
    pub title: &'static str,
    /// What an attacker needs to exploit it.
    pub precondition: &'static str,
    /// What the attacker gains.
    pub consequence: &'static str,
    /// The specification section or paper (and CVE where one applies).
    pub reference: &'static str,
}

/// The catalogue, one entry per [`FindingCode`] variant in declaration order.
pub const CATALOGUE: &[CatalogueEntry] = &[
    CatalogueEntry {
        code: FindingCode::SignatureWrapping,
        name: "signature-wrapping",
        severity: Severity::Error,
        title: "A signed element was moved and another put where the receiver reads it",
        precondition: "A copy of any validly signed message (the attacker need not hold a key)",
        consequence: "The receiver acts on attacker-chosen Body, Timestamp, WS-Addressing header or token while the signature still verifies",
        reference: "McIntosh & Austel, XML Signature Element Wrapping Attacks (2005); Somorovsky et al., On Breaking SAML (USENIX Security 2012); WS-Security 1.1 section 8",
    },
    CatalogueEntry {
        code: FindingCode::DuplicateId,
        name: "duplicate-id",
        severity: Severity::Error,
        title: "An id is carried by several elements",
        precondition: "The ability to add an element to a message in transit",
        consequence: "A reference may resolve to a different element than the one the receiver reads (wrapping by id confusion)",
        reference: "XML Signature 1.1 section 4.4.3.3 (same-document URI references); WS-Security 1.1 section 4 (wsu:Id)",
    },
    CatalogueEntry {
        code: FindingCode::TimestampNotJudged,
        name: "timestamp-not-judged",
        severity: Severity::Error,
        title: "The receiver's clock was given but the Timestamp it reads is not signed",
        precondition: "The ability to edit or replace the Timestamp of a captured message",
        consequence: "Any captured message can be replayed with a fresh-looking Timestamp",
        reference: "WS-Security 1.1 section 10 (Security Timestamps)",
    },
    CatalogueEntry {
        code: FindingCode::UnsignedKeyTransfer,
        name: "unsigned-key-transfer",
        severity: Severity::Error,
        title: "A key later messages rely on arrived covered by no valid signature",
        precondition: "A position on the network between requestor and issuer",
        consequence: "The attacker substitutes their own token or proof key and reads or forges the conversation that follows",
        reference: "WS-Trust 1.4 section 4.4 (returning a security token); WS-SecureConversation 1.4 section 3",
    },
    CatalogueEntry {
        code: FindingCode::KeyTransferOverTransport,
        name: "key-transfer-over-transport",
        severity: Severity::Info,
        title: "A key arrived unsigned over a channel declared to be authenticated TLS",
        precondition: "A break of the TLS channel, or a proxy that terminates it",
        consequence: "The key material is only as authentic as the transport that carried it",
        reference: "WS-SecurityPolicy 1.3 section 7.3 (TransportBinding)",
    },
    CatalogueEntry {
        code: FindingCode::UnsignedEncryptedKey,
        name: "unsigned-encrypted-key",
        severity: Severity::Warning,
        title: "An EncryptedKey is covered by no valid signature",
        precondition: "The receiver's public certificate",
        consequence: "Anyone can encrypt a key for the receiver: confidentiality without proof of origin",
        reference: "XML Encryption 1.1 section 3.5.1 (EncryptedKey); WS-Security 1.1 section 9",
    },
    CatalogueEntry {
        code: FindingCode::IdentityNotProven,
        name: "identity-not-proven",
        severity: Severity::Error,
        title: "A signature verified only with a key the message itself carries, though trusted certificates were supplied",
        precondition: "A key pair of their own",
        consequence: "The attacker signs with their own key and embeds it: the signature proves integrity, not who signed",
        reference: "WS-Security X.509 Token Profile 1.1 section 3.3; XML Signature 1.1 section 4.5 (KeyInfo)",
    },
    CatalogueEntry {
        code: FindingCode::KeyFromMessage,
        name: "key-from-message",
        severity: Severity::Info,
        title: "A signature verified with a key the message carries and no certificate was supplied",
        precondition: "A key pair of their own",
        consequence: "Integrity only: nothing ties the signature to a known party",
        reference: "WS-Security X.509 Token Profile 1.1 section 3.3",
    },
    CatalogueEntry {
        code: FindingCode::Damaged,
        name: "damaged",
        severity: Severity::Error,
        title: "The message or one of its tokens is malformed",
        precondition: "The ability to alter bytes in transit, or a faulty stack",
        consequence: "The receiver cannot process the message as it stands: a parsing difference between stacks is where wrapping attacks live",
        reference: "SOAP 1.2 Part 1 section 5; WS-Security 1.1 section 5",
    },
    CatalogueEntry {
        code: FindingCode::NotSoap,
        name: "not-soap",
        severity: Severity::Error,
        title: "The input is not a SOAP envelope",
        precondition: "Control over what was captured or sent",
        consequence: "Nothing in the input can be checked as WS-Security",
        reference: "SOAP 1.1 section 4; SOAP 1.2 Part 1 section 5",
    },
    CatalogueEntry {
        code: FindingCode::NoSecurityHeader,
        name: "no-security-header",
        severity: Severity::Info,
        title: "The message has no wsse:Security header",
        precondition: "A position on the network",
        consequence: "Nothing in the message is signed or encrypted at the message level",
        reference: "WS-Security 1.1 section 5 (Security header)",
    },
    CatalogueEntry {
        code: FindingCode::PasswordText,
        name: "password-text",
        severity: Severity::Warning,
        title: "A UsernameToken carries its password in clear text",
        precondition: "Read access to the message or the transport logs",
        consequence: "The attacker learns the password and can authenticate as the user",
        reference: "WS-Security UsernameToken Profile 1.1 section 3.1 (PasswordText)",
    },
    CatalogueEntry {
        code: FindingCode::NestedKeyUnavailable,
        name: "nested-key-unavailable",
        severity: Severity::Warning,
        title: "A key nested in a token cannot be opened with the keys supplied",
        precondition: "None (the auditor lacks a key)",
        consequence: "What the nested key protects is not checked",
        reference: "WS-Security 1.1 section 9; XML Encryption 1.1 section 3.5.1",
    },
    CatalogueEntry {
        code: FindingCode::Rsa15KeyTransport,
        name: "rsa15-key-transport",
        severity: Severity::Warning,
        title: "An EncryptedKey uses RSA PKCS#1 v1.5 key transport",
        precondition: "A decryption oracle: a receiver whose errors or timing differ on bad padding",
        consequence: "Bleichenbacher-style recovery of the transported key, then of every part it encrypts",
        reference: "XML Encryption 1.1 section 5.5.1; Jager, Schinzel, Somorovsky, Bleichenbacher's Attack Strikes Again (ESORICS 2012)",
    },
    CatalogueEntry {
        code: FindingCode::KeyUnavailable,
        name: "key-unavailable",
        severity: Severity::Error,
        title: "A key the message needs cannot be found or computed",
        precondition: "None (a missing key, or material the message promised but did not carry)",
        consequence: "The parts that key protects are neither verified nor decrypted",
        reference: "WS-Security 1.1 section 7 (token references); WS-Trust 1.4 section 4.4.2 (ComputedKey)",
    },
    CatalogueEntry {
        code: FindingCode::HokKeyUnavailable,
        name: "hok-key-unavailable",
        severity: Severity::Warning,
        title: "The holder-of-key EncryptedKey of a SAML assertion cannot be opened",
        precondition: "None (the auditor lacks the relying party's key)",
        consequence: "Proof of possession for the assertion is not checked",
        reference: "SAML Token Profile 1.1 section 3.5 (holder-of-key); SAML 2.0 Profiles section 3.1",
    },
    CatalogueEntry {
        code: FindingCode::DecryptionFailed,
        name: "decryption-failed",
        severity: Severity::Error,
        title: "An encrypted part cannot be decrypted or does not fit in place",
        precondition: "The ability to alter ciphertext, or a wrong key",
        consequence: "The receiver cannot read that part; a difference in error handling is a decryption oracle",
        reference: "XML Encryption 1.1 section 4.2 (decryption); Jager & Somorovsky, How to Break XML Encryption (CCS 2011)",
    },
    CatalogueEntry {
        code: FindingCode::ProofKeyInClear,
        name: "proof-key-in-clear",
        severity: Severity::Warning,
        title: "The proof token is a BinarySecret in clear in the message",
        precondition: "Read access to the message or its transport",
        consequence: "The attacker learns the proof key and acts as the requestor",
        reference: "WS-Trust 1.4 section 4.4.3 (RequestedProofToken); WS-Trust 1.4 section 3.3 (BinarySecret)",
    },
    CatalogueEntry {
        code: FindingCode::Unsupported,
        name: "unsupported",
        severity: Severity::Warning,
        title: "The message uses a mechanism wskex does not compute",
        precondition: "None",
        consequence: "That part is shown but not checked",
        reference: "WS-Trust 1.4 section 4.4.2 (ComputedKey)",
    },
    CatalogueEntry {
        code: FindingCode::SignatureInvalid,
        name: "signature-invalid",
        severity: Severity::Error,
        title: "A signature does not verify",
        precondition: "The ability to alter a signed part, or a broken stack",
        consequence: "The signed parts cannot be trusted",
        reference: "XML Signature 1.1 section 3.2 (core validation)",
    },
    CatalogueEntry {
        code: FindingCode::BodyNotSigned,
        name: "body-not-signed",
        severity: Severity::Warning,
        title: "No valid signature covers the SOAP Body",
        precondition: "A position on the network",
        consequence: "The attacker rewrites the request or the response content",
        reference: "WS-Security 1.1 section 8; WS-SecurityPolicy 1.3 section 4.1.1 (SignedParts)",
    },
    CatalogueEntry {
        code: FindingCode::TimestampNotSigned,
        name: "timestamp-not-signed",
        severity: Severity::Warning,
        title: "No valid signature covers the Timestamp",
        precondition: "A captured message",
        consequence: "The Timestamp does not protect against replay",
        reference: "WS-Security 1.1 section 10; WS-SecurityPolicy 1.3 section 6.2 (IncludeTimestamp)",
    },
    CatalogueEntry {
        code: FindingCode::TimestampExpired,
        name: "timestamp-expired",
        severity: Severity::Error,
        title: "The signed Timestamp expired before the receiver's clock",
        precondition: "A captured message",
        consequence: "A replayed message would be accepted by a receiver that does not check expiry",
        reference: "WS-Security 1.1 section 10 (Expires)",
    },
    CatalogueEntry {
        code: FindingCode::TimestampInFuture,
        name: "timestamp-in-future",
        severity: Severity::Warning,
        title: "The Timestamp was created after the receiver's clock (plus the clock skew)",
        precondition: "A sender with a wrong clock, or a pre-made message",
        consequence: "A message prepared now stays acceptable longer than intended",
        reference: "WS-Security 1.1 section 10 (Created)",
    },
    CatalogueEntry {
        code: FindingCode::TimestampMissing,
        name: "timestamp-missing",
        severity: Severity::Warning,
        title: "A signed message carries no Timestamp",
        precondition: "A captured message",
        consequence: "Nothing limits when the message can be replayed",
        reference: "WS-Security 1.1 section 10; WS-SecurityPolicy 1.3 section 6.2 (IncludeTimestamp)",
    },
    CatalogueEntry {
        code: FindingCode::AddressingNotSigned,
        name: "addressing-not-signed",
        severity: Severity::Warning,
        title: "A WS-Addressing header of a signed message is covered by no valid signature",
        precondition: "A position on the network",
        consequence: "The attacker redirects the message or its reply (wsa:To, wsa:ReplyTo) or changes its action while the signature still verifies",
        reference: "WS-Addressing 1.0 SOAP Binding section 6 (security considerations); WS-SecurityPolicy 1.3 section 4.1.1 (SignedParts Header)",
    },
    CatalogueEntry {
        code: FindingCode::ReindentedCapture,
        name: "reindented-capture",
        severity: Severity::Warning,
        title: "A signature verifies only after undoing re-indentation",
        precondition: "None (the capture was pretty-printed)",
        consequence: "The captured bytes are not what was signed: the evidence is weaker than the original",
        reference: "XML Signature 1.1 section 4.3.3.2 (canonicalization preserves whitespace)",
    },
    CatalogueEntry {
        code: FindingCode::DelegationCheckFailed,
        name: "delegation",
        severity: Severity::Error,
        title: "A delegation token fails one of the target's checks",
        precondition: "A delegation token of their own, or one used beyond its rights",
        consequence: "The delegate acts beyond what the delegator granted",
        reference: "WS-Trust 1.4 Appendix I (delegated key transfer); WS-Trust 1.4 section 9.2 (ActAs, OnBehalfOf)",
    },
    CatalogueEntry {
        code: FindingCode::DelegationCheckPassed,
        name: "delegation-check-passed",
        severity: Severity::Info,
        title: "A delegation token passes one of the target's checks",
        precondition: "None",
        consequence: "The check holds: recorded so the auditor sees what was checked",
        reference: "WS-Trust 1.4 Appendix I (delegated key transfer)",
    },
    CatalogueEntry {
        code: FindingCode::Sha1Digest,
        name: "sha1-digest",
        severity: Severity::Warning,
        title: "A reference is digested with SHA-1",
        precondition: "SHA-1 chosen-prefix collisions (SHAmbles, 2020) against content the attacker helps shape",
        consequence: "A second document with the same digest, so the signature covers both",
        reference: "XML Signature 1.1 section 6.2.1 (SHA-1 is discouraged); NIST SP 800-131A Rev. 2",
    },
    CatalogueEntry {
        code: FindingCode::Sha1Signature,
        name: "sha1-signature",
        severity: Severity::Warning,
        title: "A SignatureMethod uses SHA-1 (RSA-SHA1, HMAC-SHA1, DSA-SHA1)",
        precondition: "SHA-1 chosen-prefix collisions against a SignedInfo the attacker helps shape",
        consequence: "A second SignedInfo with the same signature",
        reference: "XML Signature 1.1 section 6.4.2; NIST SP 800-131A Rev. 2",
    },
    CatalogueEntry {
        code: FindingCode::CbcNotSigned,
        name: "cbc-ciphertext-unsigned",
        severity: Severity::Warning,
        title: "A CBC-mode EncryptedData is covered by no valid signature",
        precondition: "A receiver whose responses differ when decryption or parsing fails",
        consequence: "Plaintext recovery byte by byte through a padding or parsing oracle",
        reference: "Jager & Somorovsky, How to Break XML Encryption (CCS 2011); XML Encryption 1.1 section 5.2.1",
    },
    CatalogueEntry {
        code: FindingCode::TruncatedHmac,
        name: "truncated-hmac",
        severity: Severity::Error,
        title: "An HMAC SignatureMethod asks for a truncated output (HMACOutputLength)",
        precondition: "Control of the SignedInfo (any message in transit)",
        consequence: "A MAC of a few bits is forged by guessing; wskex refuses it, a vulnerable stack accepts it",
        reference: "CVE-2009-0217; XML Signature 1.1 section 6.3.1 (HMACOutputLength)",
    },
    CatalogueEntry {
        code: FindingCode::KeySignsAndEncrypts,
        name: "key-signs-and-encrypts",
        severity: Severity::Warning,
        title: "One key both signs and encrypts",
        precondition: "A weakness in either use (an oracle on decryption, a forgery on MACs)",
        consequence: "Breaking one use breaks the other: no key separation",
        reference: "WS-SecureConversation 1.4 section 7 (derived keys for each use); NIST SP 800-57 Part 1 section 5.2",
    },
    CatalogueEntry {
        code: FindingCode::DerivedKeyNonceReused,
        name: "dkt-nonce-reused",
        severity: Severity::Warning,
        title: "Two DerivedKeyTokens use the same nonce",
        precondition: "None (a stack that does not draw fresh nonces)",
        consequence: "The same derived key protects several messages: what is learned about one applies to the others",
        reference: "WS-SecureConversation 1.4 section 7 (DerivedKeyToken Nonce)",
    },
    CatalogueEntry {
        code: FindingCode::SignatureConfirmationMissing,
        name: "signature-confirmation-missing",
        severity: Severity::Warning,
        title: "A response to a signed request carries no SignatureConfirmation",
        precondition: "A position on the network",
        consequence: "The requestor cannot tell that the response answers the request it signed",
        reference: "WS-Security 1.1 section 8.5 (Signature Confirmation)",
    },
    CatalogueEntry {
        code: FindingCode::ReplayedMessage,
        name: "replay",
        severity: Severity::Error,
        title: "A wsa:MessageID, Timestamp or SignatureValue repeats within the conversation",
        precondition: "A captured message",
        consequence: "The same message, or its signature, is accepted twice",
        reference: "WS-Security 1.1 section 10 (replay); WS-Addressing 1.0 Core section 3.2 (MessageID)",
    },
    CatalogueEntry {
        code: FindingCode::SamlNotYetValid,
        name: "saml-not-yet-valid",
        severity: Severity::Error,
        title: "A SAML assertion is used before its Conditions NotBefore",
        precondition: "An assertion issued for later",
        consequence: "The token is accepted outside its validity period",
        reference: "SAML 2.0 Core section 2.5.1.2 (NotBefore)",
    },
    CatalogueEntry {
        code: FindingCode::SamlExpired,
        name: "saml-expired",
        severity: Severity::Error,
        title: "A SAML assertion is used at or after its Conditions NotOnOrAfter",
        precondition: "A captured assertion",
        consequence: "A stale token is accepted",
        reference: "SAML 2.0 Core section 2.5.1.2 (NotOnOrAfter)",
    },
    CatalogueEntry {
        code: FindingCode::SamlAudienceMismatch,
        name: "saml-audience-mismatch",
        severity: Severity::Error,
        title: "A SAML assertion's Audience does not name the service it is sent to (wsa:To)",
        precondition: "An assertion issued for another service",
        consequence: "A token meant for one service is accepted by another",
        reference: "SAML 2.0 Core section 2.5.1.4 (AudienceRestriction)",
    },
    CatalogueEntry {
        code: FindingCode::Unreadable,
        name: "unreadable",
        severity: Severity::Error,
        title: "A conversation of a batch audit cannot be read",
        precondition: "None (a file that cannot be opened or loaded)",
        consequence: "Nothing in that conversation is checked",
        reference: "wskex inspect --each (each conversation is audited on its own)",
    },
    CatalogueEntry {
        code: FindingCode::InternalError,
        name: "internal-error",
        severity: Severity::Error,
        title: "wskex failed while processing a conversation (a bug)",
        precondition: "An input that triggers a defect in wskex",
        consequence: "That conversation is not checked; the others go on",
        reference: "wskex inspect --each (a failure is contained to its conversation)",
    },
    CatalogueEntry {
        code: FindingCode::LifetimeExpired,
        name: "lifetime-expired",
        severity: Severity::Error,
        title: "An issued token's wst:Lifetime ended before the receiver's clock (less the clock skew)",
        precondition: "A captured RSTR or token",
        consequence: "A stale security context or proof key is accepted",
        reference: "WS-Trust 1.4 section 4.4 (Lifetime)",
    },
    CatalogueEntry {
        code: FindingCode::LifetimeNotYetValid,
        name: "lifetime-not-yet-valid",
        severity: Severity::Error,
        title: "An issued token's wst:Lifetime starts after the receiver's clock (plus the clock skew)",
        precondition: "A token issued for later, or a skewed issuer clock",
        consequence: "A token is used outside the period its issuer allowed",
        reference: "WS-Trust 1.4 section 4.4 (Lifetime)",
    },
    CatalogueEntry {
        code: FindingCode::KeyAssumed,
        name: "key-assumed",
        severity: Severity::Warning,
        title: "A private key was used on an assumption: the message names its key by nothing checkable",
        precondition: "None (a thumbprint without the certificate it names)",
        consequence: "A result obtained with the wrong key would be reported as the message's",
        reference: "WS-Security 1.1 section 7 (Security Token References); XML Encryption 1.1 section 3.5",
    },
    CatalogueEntry {
        code: FindingCode::WorkLimit,
        name: "work-limit",
        severity: Severity::Error,
        title: "References left unchecked: canonicalizing them would pass the work limit (64x the message)",
        precondition: "A message with many references to large elements",
        consequence: "Denial of service against the verifier, if it had no limit; here the references stay unchecked",
        reference: "XML Signature Best Practices (W3C Note) section 2.1 (limit transforms and references)",
    },
    CatalogueEntry {
        code: FindingCode::SecurityHeaderNotProcessed,
        name: "security-header-not-processed",
        severity: Severity::Error,
        title: "A wsse:Security header was not processed (addressed to role none, or to an actor other than the one asked for)",
        precondition: "A receiver or intermediary that processes only the header addressed to its own role",
        consequence: "The signatures, tokens and Timestamp of that header are unchecked: what they claim is not established",
        reference: "SOAP 1.1 section 4.2.2 (actor); SOAP 1.2 Part 1 section 2.2 (roles); WS-Security 1.1 section 6.1",
    },
    CatalogueEntry {
        code: FindingCode::EncryptedSoapElement,
        name: "encrypted-soap-element",
        severity: Severity::Warning,
        title: "The soap:Body or soap:Header element itself was encrypted (only their content may be)",
        precondition: "None: a non-conforming sending stack",
        consequence: "Conforming receivers and intermediaries cannot find the Body or Header: the message is rejected or misrouted, and checks that look for the Body see none",
        reference: "WS-Security 1.1 section 9.3 (encryption: Envelope, Header and Body elements must not be encrypted)",
    },
    CatalogueEntry {
        code: FindingCode::KeyForOtherCertificate,
        name: "key-for-other-certificate",
        severity: Severity::Error,
        title: "A key is transported to a certificate other than the receiver's",
        precondition: "The sender encrypts for a certificate the attacker holds (a substituted or misconfigured recipient certificate)",
        consequence: "Whoever holds that certificate's private key reads every part the key protects",
        reference: "XML Encryption 1.1 section 3.5.1 (EncryptedKey, its KeyInfo names the recipient's key); WSS X.509 Token Profile 1.1 section 3.2",
    },
    CatalogueEntry {
        code: FindingCode::KeyForOtherRecipient,
        name: "key-for-other-recipient",
        severity: Severity::Info,
        title: "An EncryptedKey for another recipient was left closed; this receiver opened its own",
        precondition: "None: a message for several recipients carries one EncryptedKey for each",
        consequence: "None for this receiver; the other recipient's key stays unread and no supplied key is tried on it",
        reference: "XML Encryption 1.1 section 3.5.1 (EncryptedKey Recipient, one per recipient); WS-Security 1.1 section 9.3",
    },
];

impl FindingCode {
    /// Its catalogue entry.
    pub fn entry(self) -> &'static CatalogueEntry {
        &CATALOGUE[self as usize]
    }

    /// The code as reports and JSON carry it.
    pub fn code(self) -> &'static str {
        self.entry().name
    }

    /// How serious it is: errors make the run exit 1.
    pub fn severity(self) -> Severity {
        self.entry().severity
    }

    /// The code whose string is `name`, if it is in the catalogue.
    pub fn from_code(name: &str) -> Option<FindingCode> {
        CATALOGUE.iter().find(|e| e.name == name).map(|e| e.code)
    }

    /// Every code, in catalogue order.
    pub fn all() -> impl Iterator<Item = FindingCode> {
        CATALOGUE.iter().map(|e| e.code)
    }

    /// Whether it is a verdict on the message's Timestamp (present, signed, fresh).
    pub fn concerns_timestamp(self) -> bool {
        matches!(
            self,
            FindingCode::TimestampNotJudged
                | FindingCode::TimestampNotSigned
                | FindingCode::TimestampExpired
                | FindingCode::TimestampInFuture
                | FindingCode::TimestampMissing
        )
    }

    /// Whether a receiver must treat it as a failed check although it is a warning: the
    /// coverage gaps (Body or Timestamp unsigned, a wrapped signature).
    pub fn is_coverage_failure(self) -> bool {
        matches!(
            self,
            FindingCode::BodyNotSigned
                | FindingCode::TimestampNotSigned
                | FindingCode::SignatureWrapping
        )
    }

    /// A finding of this code.
    pub fn finding(self, message: impl Into<String>, line: Option<u32>) -> Finding {
        Finding::new(self, message, line)
    }
}

/// Serialized as its code string, so JSON reports carry `"code": "signature-wrapping"`.
impl serde::Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl AsRef<str> for FindingCode {
    fn as_ref(&self) -> &str {
        self.code()
    }
}

/// Lets reports and tests compare a finding's code with the string they expect.
impl PartialEq<str> for FindingCode {
    fn eq(&self, other: &str) -> bool {
        self.code() == other
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_the_enum_order() {
        for (i, entry) in CATALOGUE.iter().enumerate() {
            assert_eq!(entry.code as usize, i, "{} is out of place", entry.name);
        }
    }

    #[test]
    fn every_code_is_distinct_kebab_case() {
        let mut codes: Vec<&str> = CATALOGUE.iter().map(|e| e.name).collect();
        for code in &codes {
            assert!(
                !code.is_empty()
                    && !code.starts_with('-')
                    && !code.ends_with('-')
                    && !code.contains("--")
                    && code
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{code} is not kebab-case"
            );
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len());
    }

    #[test]
    fn every_entry_explains_itself_on_one_line() {
        for e in CATALOGUE {
            for text in [e.title, e.precondition, e.consequence, e.reference] {
                assert!(!text.trim().is_empty(), "{} has an empty field", e.name);
                assert!(
                    !text.contains('\n') && !text.contains('|'),
                    "{}: {text}",
                    e.name
                );
            }
        }
    }

    #[test]
    fn codes_round_trip_through_their_strings() {
        for code in FindingCode::all() {
            assert_eq!(FindingCode::from_code(code.code()), Some(code));
        }
        assert_eq!(FindingCode::from_code("no-such-code"), None);
    }
}
