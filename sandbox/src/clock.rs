//! The sandbox's notion of "now": the system clock plus an offset that tests can advance,
//! so a five-minute token expiry is testable without waiting five minutes.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

/// How far the clock may be moved from the real time, either way: a century.
pub const MAX_OFFSET_SECONDS: i64 = 100 * 366 * 24 * 3600;

/// Wall clock with a movable offset, at one-second precision like the API's datetimes.
#[derive(Debug, Default)]
pub struct Clock {
    offset_seconds: AtomicI64,
}

impl Clock {
    /// "Now" to the second, as JourneyApps' datetimes have it.
    pub fn now(&self) -> DateTime<Utc> {
        let now = self.now_precise();
        DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
    }

    /// "Now" as precisely as the system clock tells it (PORTOS' datetimes have fractions).
    pub fn now_precise(&self) -> DateTime<Utc> {
        let offset = Duration::try_seconds(self.offset_seconds.load(Ordering::Relaxed));
        let real = Utc::now();
        offset
            .and_then(|offset| real.checked_add_signed(offset))
            .unwrap_or(real)
    }

    /// Moves "now" forward (or back, with a negative number) by `seconds`; refused, changing
    /// nothing, when it would leave the clock more than a century from the real time.
    pub fn advance(&self, seconds: i64) -> Result<(), String> {
        self.offset_seconds
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                offset
                    .checked_add(seconds)
                    .filter(|moved| (-MAX_OFFSET_SECONDS..=MAX_OFFSET_SECONDS).contains(moved))
            })
            .map(|_| ())
            .map_err(|_| {
                format!(
                    "advance_seconds would move the clock more than {MAX_OFFSET_SECONDS} \
                     seconds from the real time"
                )
            })
    }
}

/// Formats a datetime the way the API does: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_api() {
        let at = DateTime::from_timestamp(1_503_062_003, 0).unwrap();
        assert_eq!(format(at), "2017-08-18T13:13:23Z");
    }

    #[test]
    fn advance_moves_now() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(301).unwrap();
        let moved = clock.now() - before;
        assert!(moved >= Duration::seconds(301) && moved <= Duration::seconds(303));
    }

    #[test]
    fn out_of_range_moves_are_refused_and_change_nothing() {
        let clock = Clock::default();
        for seconds in [
            9_000_000_000_000,
            i64::MAX,
            i64::MIN,
            MAX_OFFSET_SECONDS + 1,
        ] {
            assert!(clock.advance(seconds).is_err(), "{seconds}");
        }
        clock.advance(MAX_OFFSET_SECONDS).unwrap();
        assert!(clock.advance(1).is_err(), "the bound holds across moves");
        assert!(clock.now() > Utc::now() + Duration::days(365 * 99));
    }
}
