//! A token bucket per deployment, as the JourneyApps API applies one: a sustained rate of
//! requests per second with a burst allowance above it.

use std::sync::Mutex;
use std::time::Instant;

/// Token bucket; `rate` tokens per second refill up to `burst`. A rate of 0 disables it.
#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    pub fn new(rate: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        TokenBucket {
            rate,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Takes one token if there is one; false means the request is over the limit.
    pub fn try_take(&self) -> bool {
        self.try_take_at(Instant::now())
    }

    fn try_take_at(&self, now: Instant) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (tokens, last) = *state;
        let refilled = (tokens + now.saturating_duration_since(last).as_secs_f64() * self.rate)
            .min(self.burst);
        if refilled >= 1.0 {
            *state = (refilled - 1.0, now);
            true
        } else {
            *state = (refilled, now);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn allows_the_burst_then_refuses_then_refills() {
        let bucket = TokenBucket::new(10.0, 5);
        let start = Instant::now();
        assert!((0..5).all(|_| bucket.try_take_at(start)));
        assert!(!bucket.try_take_at(start));
        // 10 per second: one token back after 100 ms, not before.
        assert!(!bucket.try_take_at(start + Duration::from_millis(50)));
        assert!(bucket.try_take_at(start + Duration::from_millis(160)));
    }

    #[test]
    fn never_refills_above_the_burst() {
        let bucket = TokenBucket::new(100.0, 3);
        let later = Instant::now() + Duration::from_secs(60);
        assert_eq!((0..10).filter(|_| bucket.try_take_at(later)).count(), 3);
    }

    #[test]
    fn zero_rate_means_unlimited() {
        let bucket = TokenBucket::new(0.0, 1);
        assert!((0..10_000).all(|_| bucket.try_take()));
    }
}
