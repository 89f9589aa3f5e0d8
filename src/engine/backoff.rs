//! How long to wait after a failure: growing, jittered, clamped — whatever a server asks for.

use chrono::{DateTime, Duration, Utc};

/// The longest wait between two attempts, whatever a server's `Retry-After` asks for. Short on
/// purpose: a network blip or a busy Lexware passes in seconds or minutes, and while lexguard
/// runs the next attempt must never be far away (a loss at Lexware stays unseen for as long as
/// lexguard waits). One request every 5 minutes is nothing against Lexware's 2 per second.
pub(crate) const MAX_BACKOFF_SECS: i64 = 5 * 60;

/// 30 s, 1, 2, 4 min, then 5 min, ±20 % jitter; at least `Retry-After`, but never more than
/// [`MAX_BACKOFF_SECS`] (a server may send any number there).
pub(super) fn backoff(failures: u32, retry_after: Option<u64>) -> Duration {
    use rand::Rng;
    let base = 30i64 << failures.saturating_sub(1).min(5);
    let capped = base.min(MAX_BACKOFF_SECS) as f64;
    let jittered = (capped * rand::rng().random_range(0.8..1.2)) as i64;
    let asked = i64::try_from(retry_after.unwrap_or(0)).unwrap_or(i64::MAX);
    let secs = jittered.max(asked).min(MAX_BACKOFF_SECS);
    Duration::try_seconds(secs).unwrap_or(Duration::MAX)
}

/// When to try again. While the access token is still valid, never after its expiry: a late
/// retry would turn a short outage into an expired token.
pub(super) fn retry_time(
    now: DateTime<Utc>,
    failures: u32,
    retry_after: Option<u64>,
    expires_at: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let at = now
        .checked_add_signed(backoff(failures, retry_after))
        .unwrap_or(now);
    match expires_at {
        Some(exp) if exp > now && at > exp => exp,
        _ => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        for _ in 0..50 {
            let first = backoff(1, None).num_seconds();
            assert!((24..=36).contains(&first), "{first}");
            let many = backoff(30, None).num_seconds();
            assert!((240..=300).contains(&many), "{many}");
            assert!(backoff(1, Some(120)).num_seconds() >= 120);
            // A server may send any number: clamped, never a panic.
            assert_eq!(backoff(1, Some(99_999_999_999_999_999)).num_seconds(), 300);
            assert_eq!(backoff(1, Some(u64::MAX)).num_seconds(), 300);
            assert_eq!(backoff(1, Some(31_536_000)).num_seconds(), 300);
        }
    }

    #[test]
    fn retry_never_after_the_access_token_expires() {
        let now = Utc::now();
        let exp = now + Duration::minutes(3);
        assert_eq!(retry_time(now, 6, Some(31_536_000), Some(exp)), exp);
        let later = retry_time(now, 1, None, Some(now + Duration::hours(4)));
        assert!(later <= now + Duration::seconds(36));
        // Already expired: the plain backoff, still clamped.
        let expired = retry_time(now, 6, Some(u64::MAX), Some(now - Duration::hours(1)));
        assert_eq!(expired, now + Duration::seconds(MAX_BACKOFF_SECS));
    }
}
