//! Wall-clock time, injected.
//!
//! tokio timers stop while a laptop sleeps, so lexguard never trusts elapsed monotonic time to
//! decide whether a token is due: every decision compares the wall clock with persisted UTC
//! deadlines. Tests drive a [`ManualClock`] to simulate suspend and multi-day gaps without
//! sleeping.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

/// A source of wall-clock time in UTC.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; it can jump forwards (suspend) and backwards
/// (the user fixing a wrong system time).
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    /// Starts at the real current time, so it agrees with a simulator on loopback.
    pub fn starting_now() -> Self {
        Self::new(Utc::now())
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_jumps_both_ways() {
        let start = Utc::now();
        let clock = ManualClock::new(start);
        clock.advance(Duration::hours(3));
        assert_eq!(clock.now() - start, Duration::hours(3));
        clock.set(start - Duration::days(2));
        assert!(clock.now() < start);
    }
}

/// The real clock plus an offset that can be moved forwards: the demo uses it to show a
/// suspend of hours in a second.
#[derive(Debug, Clone, Default)]
pub struct OffsetClock(Arc<Mutex<Duration>>);

impl OffsetClock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
