//! Several candidates for one key: a KeyInfo may offer more than one EncryptedKey (one per
//! recipient, embedded or by RetrievalMethod), and several detached EncryptedKeys may carry the
//! name an EncryptedData asks for (`CarriedKeyName` = its `KeyName`). The receiver opens the
//! one whose key-encryption key (private key or KEK) the user supplied, and reports which one
//! and why the others were passed over. A key opened only on an assumption (a private key the
//! EncryptedKey names by nothing checkable) is taken only when no candidate opens for certain.

use crate::crypto::SecretBytes;
use crate::xenc::DataKey;
use crate::xenc::model::EncryptedKey;

use super::StandardResolver;

/// One way to the key, as the KeyInfo (or the document) offers it.
pub(super) struct Candidate<'d> {
    /// How it was offered, the first line of the key's chain (`RetrievalMethod #EK-2`);
    /// `None` when the EncryptedKey stands in the KeyInfo itself.
    pub offered: Option<String>,
    /// The EncryptedKey, or why the offer does not lead to one.
    pub key: Result<EncryptedKey<'d>, String>,
}

fn label(ek: &EncryptedKey<'_>) -> String {
    ek.id.map_or_else(
        || format!("the EncryptedKey at line {}", ek.element.position().line),
        |id| format!("EncryptedKey {id}"),
    )
}

impl StandardResolver<'_, '_> {
    /// Opens the first candidate whose key-encryption key was supplied; `None` when there is
    /// no candidate at all. With one candidate the result and its error read as before.
    pub(super) fn open_candidate(
        &self,
        candidates: Vec<Candidate<'_>>,
        expected: Option<usize>,
        depth: usize,
    ) -> Option<Result<(SecretBytes, Vec<String>), String>> {
        let total = candidates.len();
        if total == 0 {
            return None;
        }
        let mut passed_over: Vec<String> = Vec::new();
        let mut assumed: Option<(Option<String>, String, DataKey)> = None;
        for candidate in candidates {
            let opened = candidate.key.and_then(|ek| {
                let name = label(&ek);
                match self.unwrap_encrypted_key(&ek, expected, depth) {
                    Ok(key) => Ok((name, key)),
                    Err(why) if total == 1 => Err(why),
                    Err(why) => Err(format!("{name}: {why}")),
                }
            });
            match opened {
                Ok((name, key)) if !key.assumed => {
                    return Some(Ok(chosen(
                        candidate.offered,
                        &name,
                        key,
                        total,
                        &passed_over,
                    )));
                }
                Ok((name, key)) => {
                    if assumed.is_none() {
                        assumed = Some((candidate.offered, name, key));
                    }
                }
                Err(why) if total == 1 => return Some(Err(why)),
                Err(why) => passed_over.push(why),
            }
        }
        if let Some((offered, name, key)) = assumed {
            return Some(Ok(chosen(offered, &name, key, total, &passed_over)));
        }
        Some(Err(format!(
            "none of the {total} EncryptedKeys offered for this key opens with the keys supplied: {}",
            passed_over.join("; ")
        )))
    }
}

/// The key and its chain, saying which candidate was used when there were several.
fn chosen(
    offered: Option<String>,
    name: &str,
    key: DataKey,
    total: usize,
    passed_over: &[String],
) -> (SecretBytes, Vec<String>) {
    let mut chain: Vec<String> = offered.into_iter().collect();
    chain.extend(key.chain);
    if total > 1 {
        let others = if passed_over.is_empty() {
            String::new()
        } else {
            format!(" (passed over: {})", passed_over.join("; "))
        };
        chain.push(format!(
            "{total} EncryptedKeys were offered for this key: used {name}, whose key-encryption key was supplied{others}"
        ));
    }
    (key.key, chain)
}
