//! How datetimes read in the console: relative in lists, exact (local and UTC) on hover.

use chrono::{DateTime, Local, Utc};

/// "3 days ago", "in 2 minutes", or "never" for a missing value (English; the console says it
/// in the admin's language from [`distance`]).
pub fn relative(then: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(then) = then else {
        return "never".to_string();
    };
    let (amount, unit) = distance(then, now);
    if amount == 0 {
        return "just now".to_string();
    }
    let plural = if amount.abs() == 1 { "" } else { "s" };
    if amount < 0 {
        format!("{} {unit}{plural} ago", -amount)
    } else {
        format!("in {amount} {unit}{plural}")
    }
}

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

/// The viewer's local time followed by the UTC value, for a tooltip.
pub fn exact_local_and_utc(at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(at) => format!(
            "{} (local) · {}",
            at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S"),
            exact_utc(at)
        ),
        None => "No value reported".to_string(),
    }
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
    fn relative_picks_the_largest_unit() {
        let now = at("2024-05-01T12:00:00Z");
        let ago = |d: Duration| relative(Some(now - d), now);
        assert_eq!(ago(Duration::seconds(20)), "just now");
        assert_eq!(ago(Duration::minutes(1)), "1 minute ago");
        assert_eq!(ago(Duration::minutes(59)), "59 minutes ago");
        assert_eq!(ago(Duration::hours(5)), "5 hours ago");
        assert_eq!(ago(Duration::days(3)), "3 days ago");
        assert_eq!(ago(Duration::days(45)), "1 month ago");
        assert_eq!(ago(Duration::days(800)), "2 years ago");
        assert_eq!(
            relative(Some(now + Duration::minutes(4)), now),
            "in 4 minutes"
        );
        assert_eq!(relative(None, now), "never");
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
