//! Times as the console reads and measures them: the API's format, the exact UTC value, and
//! how far a time is from now (the console words it in the admin's language).

use chrono::{DateTime, Utc};

/// How far `then` is from `now` in its largest whole unit (a unit name as `Intl`'s
/// `RelativeTimeFormat` takes it): negative in the past, 0 seconds within a minute.
pub fn distance(then: DateTime<Utc>, now: DateTime<Utc>) -> (i64, &'static str) {
    let seconds = (now - then).num_seconds();
    let (amount, unit) = span(seconds.unsigned_abs());
    let amount = i64::try_from(amount).unwrap_or(i64::MAX);
    (if seconds >= 0 { -amount } else { amount }, unit)
}

/// The largest whole unit of a span of seconds; 0 for less than a minute.
fn span(seconds: u64) -> (u64, &'static str) {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    match seconds {
        s if s < MINUTE => (0, "second"),
        s if s < HOUR => (s / MINUTE, "minute"),
        s if s < DAY => (s / HOUR, "hour"),
        s if s < 30 * DAY => (s / DAY, "day"),
        s if s < 365 * DAY => (s / (30 * DAY), "month"),
        s => (s / (365 * DAY), "year"),
    }
}

/// The exact UTC value, as shown on hover: `2017-08-18 13:33:23 UTC`.
pub fn exact_utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Reads the API's `YYYY-MM-DDTHH:MM:SSZ` (any RFC 3339 value); None if unreadable.
pub fn parse(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(text: &str) -> DateTime<Utc> {
        parse(text).unwrap()
    }

    #[test]
    fn a_distance_is_in_its_largest_whole_unit_signed_by_past_or_future() {
        let now = at("2024-05-01T12:00:00Z");
        let ago = |d: Duration| distance(now - d, now);
        assert_eq!(ago(Duration::seconds(20)), (0, "second"));
        assert_eq!(ago(Duration::minutes(1)), (-1, "minute"));
        assert_eq!(ago(Duration::minutes(59)), (-59, "minute"));
        assert_eq!(ago(Duration::hours(5)), (-5, "hour"));
        assert_eq!(ago(Duration::days(3)), (-3, "day"));
        assert_eq!(ago(Duration::days(45)), (-1, "month"));
        assert_eq!(ago(Duration::days(800)), (-2, "year"));
        assert_eq!(distance(now + Duration::minutes(4), now), (4, "minute"));
    }

    #[test]
    fn parses_the_api_format_and_refuses_garbage() {
        assert_eq!(
            exact_utc(at("2017-08-18T13:33:23Z")),
            "2017-08-18 13:33:23 UTC"
        );
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse(""), None);
    }
}
