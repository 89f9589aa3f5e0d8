//! The contract's rate limit: a token bucket per client, capacity 2, refilled at 2 per second.

use chrono::{DateTime, Utc};

const CAPACITY: f64 = 2.0;
const REFILL_PER_SEC: f64 = 2.0;

#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    tokens: f64,
    last: DateTime<Utc>,
}

impl TokenBucket {
    pub(crate) fn full(now: DateTime<Utc>) -> Self {
        Self {
            tokens: CAPACITY,
            last: now,
        }
    }

    /// Takes one token if there is one. `now` is the simulator clock, so `advance_clock`
    /// refills buckets too; a clock that went backwards adds nothing.
    pub(crate) fn try_take(&mut self, now: DateTime<Utc>) -> bool {
        let elapsed = (now - self.last).num_microseconds().unwrap_or(i64::MAX);
        if elapsed > 0 {
            self.tokens = (self.tokens + elapsed as f64 / 1e6 * REFILL_PER_SEC).min(CAPACITY);
            self.last = now;
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn two_at_once_then_two_per_second() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let mut b = TokenBucket::full(t0);
        assert!(b.try_take(t0));
        assert!(b.try_take(t0));
        assert!(!b.try_take(t0));
        let t1 = t0 + TimeDelta::milliseconds(499);
        assert!(!b.try_take(t1));
        let t2 = t0 + TimeDelta::milliseconds(500);
        assert!(b.try_take(t2));
        assert!(!b.try_take(t2));
        // A long pause refills to capacity, never beyond.
        let t3 = t2 + TimeDelta::seconds(60);
        assert!(b.try_take(t3));
        assert!(b.try_take(t3));
        assert!(!b.try_take(t3));
    }

    #[test]
    fn backwards_clock_adds_nothing() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(100);
        let mut b = TokenBucket::full(t0);
        assert!(b.try_take(t0));
        assert!(b.try_take(t0));
        assert!(!b.try_take(t0 - TimeDelta::seconds(50)));
    }
}
