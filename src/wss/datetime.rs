//! `xs:dateTime` / RFC 3339 times as WS-Security writes them (`wsu:Created`, `wsu:Expires`,
//! `wst:Lifetime`): a small parser so freshness and lifetimes can be checked and shown in UTC.
//!
//! Accepted: `YYYY-MM-DDThh:mm:ss`, optional fractional seconds of any length (kept to the
//! nanosecond), then `Z`, an offset `+hh:mm`/`-hh:mm`, or nothing (an unspecified zone, which
//! WS-Security does not allow and the reader reports). `24:00:00` means the next midnight.

use std::fmt;

use crate::xml::Node;

use super::problem::Problem;
use super::read::{short, trimmed_text, value_position};

/// A point in time in UTC, to the nanosecond. Ordered, so `Expires < Created` is one compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDateTime {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    pub unix_seconds: i64,
    pub nanos: u32,
}

/// The zone designator a time was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneDesignator {
    /// `Z`, what WS-Security requires.
    Utc,
    /// `+hh:mm` or `-hh:mm`, in minutes east of UTC.
    Offset(i32),
    /// No zone: a local time of unknown offset (taken as UTC).
    Unspecified,
}

/// A parsed `xs:dateTime`: the instant in UTC and how its zone was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XsDateTime {
    pub utc: UtcDateTime,
    pub zone: ZoneDesignator,
}

/// Why a text is not an `xs:dateTime`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateTimeError(pub &'static str);

impl UtcDateTime {
    /// Parses an `xs:dateTime` and converts it to UTC.
    pub fn parse(text: &str) -> Result<XsDateTime, DateTimeError> {
        parse_xs_datetime(text)
    }

    /// The calendar date and time of day in UTC: (year, month, day, hour, minute, second).
    pub fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.unix_seconds.div_euclid(86_400);
        let secs = self.unix_seconds.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }
}

impl fmt::Display for UtcDateTime {
    /// RFC 3339 in UTC, fractional seconds only when present (trailing zeros dropped).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")?;
        if self.nanos > 0 {
            let fraction = format!("{:09}", self.nanos);
            write!(f, ".{}", fraction.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

/// A time as written in a message element, and the instant it names when it parses.
///
/// Keeps the text so the UI shows exactly what was sent, and the node for its position.
#[derive(Debug, Clone)]
pub struct TimeValue<'d> {
    pub node: Node<'d>,
    pub text: String,
    /// `None` when the text is not a valid `xs:dateTime` (a problem says why).
    pub utc: Option<UtcDateTime>,
}

/// Reads a `wsu:Created`/`wsu:Expires`-style element; invalid text or a zone other than `Z`
/// becomes a problem (WS-Security requires UTC).
pub(crate) fn read_time<'d>(node: Node<'d>, problems: &mut Vec<Problem>) -> TimeValue<'d> {
    let text = trimmed_text(node);
    let utc = match parse_xs_datetime(&text) {
        Ok(parsed) => {
            match parsed.zone {
                ZoneDesignator::Utc => {}
                ZoneDesignator::Offset(minutes) => problems.push(Problem::new(
                    value_position(node),
                    format!(
                        "{} {text:?} has a UTC offset of {minutes} minutes; WS-Security requires UTC (Z)",
                        node.qname()
                    ),
                )),
                ZoneDesignator::Unspecified => problems.push(Problem::new(
                    value_position(node),
                    format!(
                        "{} {text:?} has no time zone; WS-Security requires UTC (Z), read as UTC",
                        node.qname()
                    ),
                )),
            }
            Some(parsed.utc)
        }
        Err(error) => {
            problems.push(Problem::new(
                value_position(node),
                format!(
                    "{} {:?} is not an xs:dateTime: {error}",
                    node.qname(),
                    short(&text)
                ),
            ));
            None
        }
    };
    TimeValue { node, text, utc }
}

/// Parses an `xs:dateTime` (years 0001 to 9999).
pub fn parse_xs_datetime(text: &str) -> Result<XsDateTime, DateTimeError> {
    let b = text.as_bytes();
    let mut at = 0usize;
    let year = digits(b, &mut at, 4, "expected a four-digit year")?;
    if b.get(at).is_some_and(u8::is_ascii_digit) {
        return Err(DateTimeError("years beyond 9999 are not supported"));
    }
    expect(b, &mut at, b'-', "expected '-' after the year")?;
    let month = digits(b, &mut at, 2, "expected a two-digit month")?;
    expect(b, &mut at, b'-', "expected '-' after the month")?;
    let day = digits(b, &mut at, 2, "expected a two-digit day")?;
    expect(b, &mut at, b'T', "expected 'T' between date and time")?;
    let hour = digits(b, &mut at, 2, "expected a two-digit hour")?;
    expect(b, &mut at, b':', "expected ':' after the hour")?;
    let minute = digits(b, &mut at, 2, "expected two-digit minutes")?;
    expect(b, &mut at, b':', "expected ':' after the minutes")?;
    let second = digits(b, &mut at, 2, "expected two-digit seconds")?;
    let mut nanos = 0u32;
    let mut fraction_nonzero = false;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            let digit = u32::from(b[at] - b'0');
            let place = at - start;
            if place < 9 {
                nanos += digit * 10u32.pow(8 - place as u32);
            }
            fraction_nonzero |= digit != 0;
            at += 1;
        }
        if at == start {
            return Err(DateTimeError("expected digits after the decimal point"));
        }
    }
    let zone = match b.get(at) {
        None => ZoneDesignator::Unspecified,
        Some(b'Z') => {
            at += 1;
            ZoneDesignator::Utc
        }
        Some(&sign @ (b'+' | b'-')) => {
            at += 1;
            let h = digits(b, &mut at, 2, "expected a two-digit offset hour")?;
            expect(b, &mut at, b':', "expected ':' in the zone offset")?;
            let m = digits(b, &mut at, 2, "expected two-digit offset minutes")?;
            if m > 59 || h > 14 || (h == 14 && m > 0) {
                return Err(DateTimeError("zone offset out of range (-14:00 to +14:00)"));
            }
            let minutes = (h * 60 + m) as i32;
            ZoneDesignator::Offset(if sign == b'-' { -minutes } else { minutes })
        }
        Some(_) => return Err(DateTimeError("unexpected character after the seconds")),
    };
    if at != b.len() {
        return Err(DateTimeError("unexpected text after the zone"));
    }
    if year == 0 {
        return Err(DateTimeError("year 0000 does not exist"));
    }
    if !(1..=12).contains(&month) {
        return Err(DateTimeError("month out of range (01-12)"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(DateTimeError("day out of range for the month"));
    }
    let end_of_day = hour == 24 && minute == 0 && second == 0 && !fraction_nonzero;
    if (hour > 23 && !end_of_day) || minute > 59 || second > 59 {
        return Err(DateTimeError("time of day out of range"));
    }
    let days = days_from_civil(i64::from(year), month, day);
    let offset_seconds = match zone {
        ZoneDesignator::Offset(minutes) => i64::from(minutes) * 60,
        _ => 0,
    };
    let unix_seconds =
        days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
            - offset_seconds;
    Ok(XsDateTime {
        utc: UtcDateTime {
            unix_seconds,
            nanos,
        },
        zone,
    })
}

fn digits(
    b: &[u8],
    at: &mut usize,
    count: usize,
    what: &'static str,
) -> Result<u32, DateTimeError> {
    let field = b.get(*at..*at + count).ok_or(DateTimeError(what))?;
    if !field.iter().all(u8::is_ascii_digit) {
        return Err(DateTimeError(what));
    }
    *at += count;
    Ok(field.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

fn expect(b: &[u8], at: &mut usize, want: u8, what: &'static str) -> Result<(), DateTimeError> {
    if b.get(*at) == Some(&want) {
        *at += 1;
        Ok(())
    } else {
        Err(DateTimeError(what))
    }
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        parse_xs_datetime(text).unwrap().utc.to_string()
    }

    #[test]
    fn utc_with_milliseconds() {
        let t = parse_xs_datetime("2008-06-23T13:25:33.597Z").unwrap();
        assert_eq!(t.zone, ZoneDesignator::Utc);
        assert_eq!(t.utc.unix_seconds, 1_214_227_533);
        assert_eq!(t.utc.nanos, 597_000_000);
        assert_eq!(t.utc.to_string(), "2008-06-23T13:25:33.597Z");
    }

    #[test]
    fn offsets_convert_to_utc() {
        assert_eq!(utc("2024-02-14T03:05:51+01:00"), "2024-02-14T02:05:51Z");
        assert_eq!(utc("2024-02-13T23:35:51-02:30"), "2024-02-14T02:05:51Z");
        let t = parse_xs_datetime("2024-02-14T03:05:51+01:00").unwrap();
        assert_eq!(t.zone, ZoneDesignator::Offset(60));
    }

    #[test]
    fn long_fractions_and_no_zone() {
        let t = parse_xs_datetime("2024-02-14T02:05:51.1234567891").unwrap();
        assert_eq!(t.zone, ZoneDesignator::Unspecified);
        assert_eq!(t.utc.nanos, 123_456_789);
    }

    #[test]
    fn end_of_day_and_leap_years() {
        assert_eq!(utc("2023-12-31T24:00:00Z"), "2024-01-01T00:00:00Z");
        assert!(parse_xs_datetime("2024-02-29T00:00:00Z").is_ok());
        assert!(parse_xs_datetime("2000-02-29T00:00:00Z").is_ok());
        assert!(parse_xs_datetime("1900-02-29T00:00:00Z").is_err());
        assert!(parse_xs_datetime("2023-02-29T00:00:00Z").is_err());
        assert_eq!(utc("1969-12-31T23:59:59Z"), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn invalid_texts_are_rejected() {
        for bad in [
            "",
            "2024-02-14",
            "2024-2-14T02:05:51Z",
            "2024-02-14 02:05:51Z",
            "2024-13-01T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-02-14T25:00:00Z",
            "2024-02-14T24:00:01Z",
            "2024-02-14T23:60:00Z",
            "2024-02-14T23:59:60Z",
            "2024-02-14T23:59:59.Z",
            "2024-02-14T23:59:59+15:00",
            "2024-02-14T23:59:59+0100",
            "2024-02-14T23:59:59Zjunk",
            "12024-02-14T23:59:59Z",
            "0000-01-01T00:00:00Z",
            "２０２４-02-14T23:59:59Z",
        ] {
            assert!(parse_xs_datetime(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn civil_round_trip() {
        for days in [-719_162i64, -1, 0, 1, 10_957, 19_767, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
