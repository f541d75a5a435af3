//! The receiver's clock: `--now` and the skew it tolerates (`--clock-skew`). Sender and
//! receiver clocks never agree exactly, so common stacks accept times up to a few minutes off
//! (WCF's MaxClockSkew and WSS4J's timeToLive tolerance default to five minutes). Every window
//! judged against the clock (a Timestamp, an issued token's `wst:Lifetime`, a SAML assertion's
//! `Conditions`) is widened by the same skew, and every finding says which skew it used.

use super::Finding;
use super::finding_code::FindingCode;
use crate::wss::datetime::{UtcDateTime, parse_xs_datetime};
use crate::xml::Node;

/// How many seconds a time may be off before the receiver calls it expired or premature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSkew(pub u32);

impl ClockSkew {
    /// Five minutes, as WCF and WSS4J allow by default.
    pub const DEFAULT_SECONDS: u32 = 300;

    pub fn seconds(self) -> i64 {
        i64::from(self.0)
    }

    /// How findings name it: "allowing 300 s of clock skew".
    pub fn allowance(self) -> String {
        format!("allowing {} s of clock skew", self.0)
    }
}

impl Default for ClockSkew {
    fn default() -> Self {
        ClockSkew(Self::DEFAULT_SECONDS)
    }
}

/// `instant` lies after `now` by more than the skew.
pub fn after_with_skew(instant: UtcDateTime, now: UtcDateTime, skew: ClockSkew) -> bool {
    instant.unix_seconds > now.unix_seconds + skew.seconds()
}

/// `instant` lies before `now` by more than the skew (an expiry at `instant` has passed).
pub fn before_with_skew(instant: UtcDateTime, now: UtcDateTime, skew: ClockSkew) -> bool {
    instant.unix_seconds + skew.seconds() < now.unix_seconds
}

/// What validity window is judged: each has its own codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidityWindow {
    /// The `wst:Lifetime` an RSTR grants an issued token and its proof key.
    IssuedTokenLifetime,
    /// A SAML assertion's `Conditions NotBefore`/`NotOnOrAfter`.
    SamlConditions,
}

impl ValidityWindow {
    fn name(self) -> &'static str {
        match self {
            ValidityWindow::IssuedTokenLifetime => "the issued token's wst:Lifetime",
            ValidityWindow::SamlConditions => "the SAML assertion's Conditions",
        }
    }

    fn codes(self) -> (FindingCode, FindingCode) {
        match self {
            ValidityWindow::IssuedTokenLifetime => (
                FindingCode::LifetimeNotYetValid,
                FindingCode::LifetimeExpired,
            ),
            ValidityWindow::SamlConditions => {
                (FindingCode::SamlNotYetValid, FindingCode::SamlExpired)
            }
        }
    }
}

/// The start and end of a window as written (`None` when absent); text that is not an
/// `xs:dateTime` is not judged here (the readers report it as a problem).
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    pub kind: ValidityWindow,
    pub starts: Option<&'a str>,
    pub ends: Option<&'a str>,
    /// The element that states the window (wst:Lifetime, saml:Conditions' assertion).
    pub node: Option<Node<'a>>,
}

/// A finding of `code` about `node`, when the window came from one.
fn about(code: FindingCode, message: String, node: Option<Node<'_>>) -> Finding {
    match node {
        Some(node) => code.finding_at(message, node),
        None => code.finding(message, None),
    }
}

/// The findings of one window against the receiver's clock: none without `--now`.
pub fn window_findings(
    window: Window<'_>,
    now: Option<UtcDateTime>,
    skew: ClockSkew,
) -> Vec<Finding> {
    let Some(now) = now else {
        return Vec::new();
    };
    let instant = |text: Option<&str>| text.and_then(|t| parse_xs_datetime(t.trim()).ok());
    let (premature, expired) = window.kind.codes();
    let mut findings = Vec::new();
    if let Some(starts) = instant(window.starts)
        && after_with_skew(starts.utc, now, skew)
    {
        findings.push(about(
            premature,
            format!(
                "{} starts at {}, {} seconds after the receiver's clock ({})",
                window.kind.name(),
                window.starts.unwrap_or_default().trim(),
                starts.utc.unix_seconds - now.unix_seconds,
                skew.allowance()
            ),
            window.node,
        ));
    }
    // SAML's NotOnOrAfter is exclusive: at that instant the assertion is no longer valid.
    let inclusive_end = window.kind == ValidityWindow::SamlConditions;
    if let Some(ends) = instant(window.ends)
        && (before_with_skew(ends.utc, now, skew)
            || (inclusive_end && ends.utc.unix_seconds + skew.seconds() == now.unix_seconds))
    {
        findings.push(about(
            expired,
            format!(
                "{} ended at {}, {} seconds before the receiver's clock ({})",
                window.kind.name(),
                window.ends.unwrap_or_default().trim(),
                now.unix_seconds - ends.utc.unix_seconds,
                skew.allowance()
            ),
            window.node,
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(kind: ValidityWindow, now: &str, skew: u32) -> Vec<String> {
        let now = parse_xs_datetime(now).unwrap().utc;
        let window = Window {
            kind,
            starts: Some("2026-12-01T09:00:00Z"),
            ends: Some("2026-12-01T10:00:00Z"),
            node: None,
        };
        window_findings(window, Some(now), ClockSkew(skew))
            .into_iter()
            .map(|f| f.code.code().to_string())
            .collect()
    }

    #[test]
    fn a_window_is_widened_by_the_skew_on_both_sides() {
        let lifetime = ValidityWindow::IssuedTokenLifetime;
        assert!(codes(lifetime, "2026-12-01T09:30:00Z", 0).is_empty());
        assert!(codes(lifetime, "2026-12-01T10:04:59Z", 300).is_empty());
        assert_eq!(
            codes(lifetime, "2026-12-01T10:05:01Z", 300),
            ["lifetime-expired"]
        );
        assert_eq!(
            codes(lifetime, "2026-12-01T10:00:01Z", 0),
            ["lifetime-expired"]
        );
        assert!(codes(lifetime, "2026-12-01T08:55:00Z", 300).is_empty());
        assert_eq!(
            codes(lifetime, "2026-12-01T08:54:59Z", 300),
            ["lifetime-not-yet-valid"]
        );
        assert_eq!(
            codes(ValidityWindow::SamlConditions, "2026-12-02T00:00:00Z", 300),
            ["saml-expired"]
        );
    }

    #[test]
    fn findings_name_the_skew_they_used() {
        let now = parse_xs_datetime("2026-12-01T11:00:00Z").unwrap().utc;
        let window = Window {
            kind: ValidityWindow::SamlConditions,
            starts: None,
            ends: Some("2026-12-01T10:00:00Z"),
            node: None,
        };
        let findings = window_findings(window, Some(now), ClockSkew(120));
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains(
                "3600 seconds before the receiver's clock (allowing 120 s of clock skew)"
            ),
            "{}",
            findings[0].message
        );
        assert!(window_findings(window, None, ClockSkew(0)).is_empty());
    }
}
