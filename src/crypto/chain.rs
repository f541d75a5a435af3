//! X.509 chains: which of several certificates is the signer, and whether its chain reaches a
//! trust anchor the user named (`--ca`). A signature checked with a certificate the message
//! carries proves integrity; it proves identity only when that certificate chains, through
//! OpenSSL's store checks (signatures, basicConstraints, validity), to an anchor, and its
//! keyUsage allows signing.

use openssl::error::ErrorStack;
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509, X509KeyUsage, X509StoreContext, X509VerifyResult};
use serde::Serialize;

use super::certificate::Certificate;
use super::dn::display_name;

/// How a signer's certificate chain turned out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Certificate subjects from the signer up, as far as OpenSSL built the chain.
    pub chain: Vec<String>,
    /// True when the chain reaches a trust anchor and every check passed.
    pub trusted: bool,
    /// Why it is not trusted, in words (none when trusted).
    pub problem: Option<String>,
}

impl ChainReport {
    /// One line for text reports: "CN=leaf <- CN=Intermediate <- CN=Root: reaches a trust anchor".
    pub fn describe(&self) -> String {
        let path = self.chain.join(" <- ");
        match &self.problem {
            None => format!("{path}: reaches a trust anchor"),
            Some(problem) => format!("{path}: not trusted ({problem})"),
        }
    }
}

/// The trust anchors the user named (`--ca`) and the time chains are judged at.
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    anchors: Vec<Certificate>,
    /// Seconds since the epoch (`--now`); the system clock when `None`.
    at: Option<i64>,
}

impl TrustAnchors {
    pub fn add(&mut self, certificate: Certificate) {
        self.anchors.push(certificate);
    }

    /// Judge validity at this time instead of the system clock.
    pub fn set_time(&mut self, unix_seconds: i64) {
        self.at = Some(unix_seconds);
    }

    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    pub fn certificates(&self) -> &[Certificate] {
        &self.anchors
    }

    /// The chain of `leaf` through `others`; `None` when no anchor was named (then nothing
    /// is claimed about identity beyond the supplied certificates).
    pub fn validate(&self, leaf: &Certificate, others: &[Certificate]) -> Option<ChainReport> {
        (!self.is_empty()).then(|| validate_chain(leaf, others, &self.anchors, self.at))
    }
}

/// The index of the signer among certificates offered together: the one that issued none of
/// the others. A CA certificate travelling beside the leaf is never taken for the signer.
pub fn leaf_index(certificates: &[Certificate]) -> usize {
    (0..certificates.len())
        .find(|&i| {
            !certificates.iter().enumerate().any(|(j, other)| {
                j != i && certificates[i].x509().issued(other.x509()) == X509VerifyResult::OK
            })
        })
        .unwrap_or(0)
}

/// [`leaf_index`] over DER certificates as KeyInfo carries them; unparsable ones are never
/// the leaf (the first is taken when none parses).
pub fn leaf_index_der(ders: &[Vec<u8>]) -> usize {
    let parsed: Vec<(usize, Certificate)> = ders
        .iter()
        .enumerate()
        .filter_map(|(i, der)| Some((i, Certificate::from_der(der, "X509Certificate").ok()?)))
        .collect();
    let certificates: Vec<Certificate> = parsed.iter().map(|(_, c)| c.clone()).collect();
    parsed.get(leaf_index(&certificates)).map_or(0, |(i, _)| *i)
}

/// Validates `leaf` against `anchors`, with `others` as untrusted intermediates, at `at`
/// (seconds since the epoch; the system clock when `None`).
pub fn validate_chain(
    leaf: &Certificate,
    others: &[Certificate],
    anchors: &[Certificate],
    at: Option<i64>,
) -> ChainReport {
    let report = build_and_verify(leaf, others, anchors, at).unwrap_or_else(|e| ChainReport {
        chain: vec![leaf.subject()],
        trusted: false,
        problem: Some(format!("OpenSSL could not check the chain: {e}")),
    });
    match (report.trusted, signing_allowed(leaf)) {
        (true, false) => ChainReport {
            trusted: false,
            problem: Some(
                "the signer's certificate keyUsage allows neither digitalSignature nor nonRepudiation"
                    .into(),
            ),
            ..report
        },
        _ => report,
    }
}

/// A certificate without a keyUsage extension may sign; with one, it must say so.
fn signing_allowed(certificate: &Certificate) -> bool {
    certificate.x509().key_usage().is_none_or(|usage| {
        usage.intersects(X509KeyUsage::DIGITAL_SIGNATURE | X509KeyUsage::NON_REPUDIATION)
    })
}

fn build_and_verify(
    leaf: &Certificate,
    others: &[Certificate],
    anchors: &[Certificate],
    at: Option<i64>,
) -> Result<ChainReport, ErrorStack> {
    let mut builder = X509StoreBuilder::new()?;
    for anchor in anchors {
        builder.add_cert(anchor.x509().to_owned())?;
    }
    if let Some(seconds) = at {
        let mut param = X509VerifyParam::new()?;
        param.set_time(seconds);
        builder.set_param(&param)?;
    }
    let store = builder.build();
    let mut untrusted: Stack<X509> = Stack::new()?;
    for other in others {
        untrusted.push(other.x509().to_owned())?;
    }
    let mut context = X509StoreContext::new()?;
    context.init(&store, leaf.x509(), &untrusted, |c| {
        let verified = c.verify_cert()?;
        let chain = match c.chain() {
            Some(chain) if !chain.is_empty() => chain
                .iter()
                .map(|x| display_name(x.subject_name()))
                .collect(),
            _ => vec![leaf.subject()],
        };
        let problem = (!verified).then(|| {
            let error = c.error();
            let at = c.current_cert().map(|x| display_name(x.subject_name()));
            match at {
                Some(subject) => format!("{} (at {subject})", error.error_string()),
                None => error.error_string().to_string(),
            }
        });
        Ok(ChainReport {
            chain,
            trusted: verified,
            problem,
        })
    })
}

/// The test PKI, shared with the integration tests.
#[cfg(test)]
#[path = "../../tests/common/pki.rs"]
pub(crate) mod test_pki;

#[cfg(test)]
mod tests {
    use super::test_pki::{Issued, Usage, issue};
    use super::*;

    impl Issued {
        fn cert(&self, label: &str) -> Certificate {
            Certificate::new(self.certificate.clone(), label)
        }
    }

    #[test]
    fn the_leaf_is_the_certificate_that_issued_none_of_the_others() {
        let root = issue("Root", None, Usage::Ca, -1, 365, 1);
        let mid = issue("Intermediate", Some(&root), Usage::Ca, -1, 365, 2);
        let leaf = issue("Signer", Some(&mid), Usage::Signing, -1, 30, 3);
        let offered = [mid.cert("mid"), leaf.cert("leaf"), root.cert("root")];
        assert_eq!(leaf_index(&offered), 1);
        assert_eq!(leaf_index(&[root.cert("root")]), 0);
    }

    #[test]
    fn a_chain_reaches_its_anchor_only_through_valid_links() {
        let root = issue("Root", None, Usage::Ca, -1, 365, 1);
        let mid = issue("Intermediate", Some(&root), Usage::Ca, -1, 365, 2);
        let leaf = issue("Signer", Some(&mid), Usage::Signing, -1, 30, 3);
        let anchors = [root.cert("root")];

        let ok = validate_chain(&leaf.cert("leaf"), &[mid.cert("mid")], &anchors, None);
        assert!(ok.trusted, "{ok:?}");
        assert_eq!(ok.chain, ["CN=Signer", "CN=Intermediate", "CN=Root"]);
        assert_eq!(
            ok.describe(),
            "CN=Signer <- CN=Intermediate <- CN=Root: reaches a trust anchor"
        );

        let missing = validate_chain(&leaf.cert("leaf"), &[], &anchors, None);
        assert!(!missing.trusted);
        assert!(missing.problem.unwrap().contains("issuer"));

        let other_root = issue("Other Root", None, Usage::Ca, -1, 365, 9);
        let foreign = validate_chain(
            &leaf.cert("leaf"),
            &[mid.cert("mid")],
            &[other_root.cert("other")],
            None,
        );
        assert!(!foreign.trusted);

        // Validity is judged at the given time: a year on, the leaf has expired.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let later = validate_chain(
            &leaf.cert("leaf"),
            &[mid.cert("mid")],
            &anchors,
            Some(now + 90 * 86_400),
        );
        assert!(!later.trusted);
        assert!(later.problem.unwrap().contains("expired"));
    }

    #[test]
    fn a_leaf_that_may_not_sign_or_an_issuer_that_is_no_ca_is_not_trusted() {
        let root = issue("Root", None, Usage::Ca, -1, 365, 1);
        let no_sign = issue("Encryptor", Some(&root), Usage::EnciphermentOnly, -1, 30, 4);
        let r = validate_chain(&no_sign.cert("enc"), &[], &[root.cert("root")], None);
        assert!(!r.trusted);
        assert!(r.problem.unwrap().contains("digitalSignature"));

        // A leaf used as an issuer: basicConstraints says it is no CA.
        let leaf = issue("Signer", Some(&root), Usage::Signing, -1, 30, 3);
        let below = issue("Below", Some(&leaf), Usage::Signing, -1, 30, 5);
        let r = validate_chain(
            &below.cert("below"),
            &[leaf.cert("leaf")],
            &[root.cert("root")],
            None,
        );
        assert!(!r.trusted, "{r:?}");
    }
}
