//! Replay protection: a receiver judges freshness on the Timestamp a valid signature covers,
//! and only on it. An unsigned Timestamp says nothing (anyone could have written it), so
//! under a receiver's clock it is an error, never a pass.

use crate::xml::Node;

use super::Finding;
use super::clock::{ClockSkew, after_with_skew, before_with_skew};
use super::finding_code::FindingCode;
use crate::wss::datetime::UtcDateTime;
use crate::wss::tokens::Timestamp;

/// The findings about the Timestamp the receiver reads: expiry and creation time against
/// `now` when it is signed; when it is not, that it does not protect against replay (with
/// signatures present) and that freshness cannot be judged (with a clock given). Both
/// times are judged with `skew` of tolerance, and the findings say how much.
pub fn freshness_findings(
    timestamp: Node<'_>,
    signed: bool,
    any_signature: bool,
    now: Option<UtcDateTime>,
    skew: ClockSkew,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if !signed {
        if any_signature {
            findings.push(FindingCode::TimestampNotSigned.finding_at(
                "no valid signature covers the Timestamp: it does not protect against replay",
                timestamp,
            ));
        }
        if now.is_some() {
            findings.push(FindingCode::TimestampNotJudged.finding_at(
                "freshness cannot be judged: the Timestamp the receiver reads is not signed, so anyone could have written it",
                timestamp,
            ));
        }
        return findings;
    }
    let Some(now) = now else {
        return findings;
    };
    let t = Timestamp::read(timestamp);
    if let Some(expires) = t.expires.as_ref().and_then(|e| e.utc)
        && before_with_skew(expires, now, skew)
    {
        findings.push(FindingCode::TimestampExpired.finding_at(
            format!(
                "the Timestamp expired at {} (receiver's clock: {} seconds later, {})",
                t.expires.as_ref().map_or("", |e| e.text.as_str()),
                now.unix_seconds - expires.unix_seconds,
                skew.allowance()
            ),
            timestamp,
        ));
    }
    if let Some(created) = t.created.as_ref().and_then(|c| c.utc)
        && after_with_skew(created, now, skew)
    {
        findings.push(FindingCode::TimestampInFuture.finding_at(
            format!(
                "the Timestamp was created {} seconds after the receiver's clock ({})",
                created.unix_seconds - now.unix_seconds,
                skew.allowance()
            ),
            timestamp,
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn judged(signed: bool, now: &str) -> Vec<String> {
        judged_with_skew(signed, now, ClockSkew::default())
    }

    fn judged_with_skew(signed: bool, now: &str, skew: ClockSkew) -> Vec<String> {
        let doc = Document::parse_str(
            r#"<wsu:Timestamp xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsu:Created>2026-12-01T09:00:00Z</wsu:Created><wsu:Expires>2026-12-01T09:05:00Z</wsu:Expires></wsu:Timestamp>"#,
            "t",
        )
        .unwrap();
        let now = UtcDateTime::parse(now).unwrap().utc;
        freshness_findings(doc.root_element(), signed, true, Some(now), skew)
            .into_iter()
            .map(|f| f.code.code().to_string())
            .collect()
    }

    #[test]
    fn only_a_signed_timestamp_is_judged() {
        assert!(judged(true, "2026-12-01T09:01:00Z").is_empty());
        assert_eq!(judged(true, "2026-12-01T10:00:00Z"), ["timestamp-expired"]);
        // Expired 4 minutes ago: within the default five minutes of skew, not with none.
        assert!(judged(true, "2026-12-01T09:09:00Z").is_empty());
        assert_eq!(
            judged_with_skew(true, "2026-12-01T09:09:00Z", ClockSkew(0)),
            ["timestamp-expired"]
        );
        assert_eq!(
            judged_with_skew(true, "2026-12-01T08:59:00Z", ClockSkew(30)),
            ["timestamp-in-future"]
        );
        assert_eq!(
            judged(true, "2026-12-01T08:00:00Z"),
            ["timestamp-in-future"]
        );
        // Unsigned: never a pass, whatever the times say.
        assert_eq!(
            judged(false, "2026-12-01T09:01:00Z"),
            ["timestamp-not-signed", "timestamp-not-judged"]
        );
    }
}
