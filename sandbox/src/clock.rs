//! The sandbox's notion of "now": the system clock plus an offset that tests can advance,
//! so a five-minute token expiry is testable without waiting five minutes.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

/// Wall clock with a movable offset, at one-second precision like the API's datetimes.
#[derive(Debug, Default)]
pub struct Clock {
    offset_seconds: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now() + Duration::seconds(self.offset_seconds.load(Ordering::Relaxed));
        DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
    }

    /// Moves "now" forward (or back, with a negative number) by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed);
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
        clock.advance(301);
        let moved = clock.now() - before;
        assert!(moved >= Duration::seconds(301) && moved <= Duration::seconds(303));
    }
}
