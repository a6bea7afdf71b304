//! PORTOS' datetimes: UTC with `Z` and 0 to 7 fractional digits, kept as 100-nanosecond ticks
//! so that they compare as instants and print with the digits they have.

use chrono::{DateTime, Utc};

/// Ticks of 100 ns since 1970-01-01T00:00:00Z.
pub type Ticks = i64;

/// Ticks per second.
const PER_SECOND: i64 = 10_000_000;

/// The ticks of a moment (finer parts dropped).
pub fn ticks(at: DateTime<Utc>) -> Ticks {
    at.timestamp()
        .saturating_mul(PER_SECOND)
        .saturating_add(i64::from(at.timestamp_subsec_nanos() / 100))
}

/// The moment `ticks` stand for, where chrono can represent it.
pub fn moment(ticks: Ticks) -> Option<DateTime<Utc>> {
    let seconds = ticks.div_euclid(PER_SECOND);
    let nanos = u32::try_from(ticks.rem_euclid(PER_SECOND) * 100).ok()?;
    DateTime::from_timestamp(seconds, nanos)
}

/// `2023-08-04T11:19:39.98Z`: the fraction's trailing zeros dropped, no fraction when whole.
pub fn format(ticks: Ticks) -> String {
    let Some(at) = moment(ticks) else {
        return String::new();
    };
    let whole = at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let fraction = ticks.rem_euclid(PER_SECOND);
    if fraction == 0 {
        return format!("{whole}Z");
    }
    let digits = format!("{fraction:07}");
    format!("{whole}.{}Z", digits.trim_end_matches('0'))
}

/// Reads an RFC 3339 datetime (any offset, any number of fractional digits).
pub fn parse(text: &str) -> Option<Ticks> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|at| ticks(at.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_the_fractional_digits_it_has() {
        for text in [
            "2023-08-04T11:19:39Z",
            "2023-08-04T11:19:39.9Z",
            "2023-08-04T11:19:39.98Z",
            "2023-08-04T11:19:38.015Z",
            "2023-08-04T11:19:38.0150001Z",
            "1969-12-31T23:59:59.5Z",
        ] {
            assert_eq!(format(parse(text).unwrap()), text);
        }
        assert_eq!(
            format(parse("2023-08-04T13:19:39.980+02:00").unwrap()),
            "2023-08-04T11:19:39.98Z"
        );
        assert_eq!(parse("2023-08-04"), None);
    }
}
