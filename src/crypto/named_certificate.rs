//! Which certificate a message names for its private key. A private key is used only when the
//! message names it; when the message names a certificate wskex knows (one supplied with
//! `--cert`, or one the message itself carries) whose key is not among the supplied private
//! keys, the supplied key is not the one: opening the EncryptedKey with it anyway could yield
//! a plausible garbage key (RSA PKCS#1 v1.5 has no reliable failure).

use super::certificate::Certificate;
use super::key_store::{KeySelector, PublicKeySource, match_public};

/// The first of `known` that a selector designates, with the selector in words.
pub fn designated<'c>(
    selectors: &[KeySelector],
    known: impl IntoIterator<Item = &'c Certificate>,
) -> Option<(&'c Certificate, String)> {
    let known: Vec<&Certificate> = known.into_iter().collect();
    selectors.iter().find_map(|selector| {
        known.iter().find_map(|cert| {
            match_public(&PublicKeySource::Certificate(cert), selector)
                .map(|_| (*cert, selector.to_string()))
        })
    })
}

/// The refusal, in words: the certificate the message names and the keys that do not match.
pub fn refusal(named: &Certificate, selector: &str, supplied: &str) -> String {
    format!(
        "no private key for the certificate the message names, {} (by {selector}); the supplied private key ({supplied}) does not match it, so it is not used",
        named.subject()
    )
}
