//! The refresh grant, forced refreshes, a valid bearer for callers, and how failures are
//! sorted into auth lost, configuration trouble or transient with backoff.

use super::Engine;
use super::credentials::{Creds, keychain_fault};
use super::op::{Run, dur};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::state::Reason;
use crate::status::Status;
use crate::store::TokenSet;
use chrono::{DateTime, Duration, Utc};

impl Engine {
    /// One refresh grant; the result is persisted before anything uses it.
    pub(super) async fn refresh_in(&self, run: &mut Run, current: &TokenSet) -> Result<TokenSet> {
        let config = self.config();
        let secret = self.client_secret().await?;
        let result = self
            .oauth(&config, secret.as_ref())
            .refresh(current, self.inner.clock.as_ref())
            .await;
        match result {
            Ok(new) => {
                self.persist_tokens(run, &new).await;
                run.st.access_expires_at = Some(new.expires_at);
                run.st.refresh_issued_at = Some(new.issued_at);
                run.st.last_refresh_at = Some(run.now);
                run.st.failures = 0;
                run.st.next_attempt_at = None;
                if matches!(
                    run.st.problem,
                    Some(Reason::RefreshFailing | Reason::ClientCredentials)
                ) {
                    run.st.problem = None;
                }
                run.events.push(Event::Refreshed {
                    expires_at: new.expires_at,
                });
                Ok(new)
            }
            Err(e) => {
                self.record_failure(run, &e, Reason::RefreshFailing, Some(current.expires_at));
                Err(e)
            }
        }
    }

    /// Sorts a failure into auth lost, configuration trouble or transient with backoff.
    pub(super) fn record_failure(
        &self,
        run: &mut Run,
        e: &Error,
        transient_reason: Reason,
        expires_at: Option<DateTime<Utc>>,
    ) {
        match e {
            Error::AuthLost => {
                if run.st.auth_lost_at.is_none() {
                    run.st.auth_lost_at = Some(run.now);
                    run.events.push(Event::AuthLost {
                        reason: Reason::InvalidGrant,
                    });
                }
            }
            Error::Keychain { .. } => {
                run.keychain_fault = keychain_fault(e);
            }
            other => {
                run.st.failures = run.st.failures.saturating_add(1);
                let retry_after = match other {
                    Error::RateLimited { retry_after_secs } => *retry_after_secs,
                    _ => None,
                };
                let retry_at = retry_time(run.now, run.st.failures, retry_after, expires_at);
                run.st.next_attempt_at = Some(retry_at);
                run.st.problem = Some(if matches!(other, Error::ClientCredentials(_)) {
                    Reason::ClientCredentials
                } else {
                    transient_reason
                });
                if transient_reason == Reason::RefreshFailing {
                    run.events.push(Event::RefreshFailing {
                        error: other.kind().into(),
                        retry_at,
                        expires_at,
                    });
                }
                tracing::warn!(kind = other.kind(), %retry_at, "operation failed, backing off");
            }
        }
    }

    /// A valid bearer for API calls: refreshes first when due. For `lexguard token`.
    pub async fn access_token(&self) -> Result<String> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let result = self.bearer_in(&mut run, false).await;
        self.finish(run)?;
        result
    }

    /// Refresh now, whatever the schedule says.
    pub async fn refresh_now(&self) -> Result<Status> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let result = self.bearer_in(&mut run, true).await;
        let (status, _) = self.finish(run)?;
        result.map(|_| status)
    }

    pub(super) async fn bearer_in(&self, run: &mut Run, force: bool) -> Result<String> {
        if run.st.auth_lost_at.is_some() {
            return Err(Error::AuthLost);
        }
        match self.load_creds(run).await? {
            Creds::None => Err(Error::NotConnected),
            Creds::Key(k) => Ok(k.key.expose().to_string()),
            Creds::Tokens(t) => {
                let due = t.expires_at - run.now <= dur(self.schedule().refresh_before);
                if force || due {
                    match self.refresh_in(run, &t).await {
                        Ok(new) => return Ok(new.access.expose().to_string()),
                        // A still valid token is better than none.
                        Err(e)
                            if !force
                                && !matches!(e, Error::AuthLost)
                                && t.expires_at > run.now =>
                        {
                            tracing::warn!(kind = e.kind(), "refresh failed, token still valid");
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(t.access.expose().to_string())
            }
        }
    }
}

/// The longest wait between two attempts, whatever a server's `Retry-After` asks for: a
/// refresh that waits longer than this may miss the access token's expiry.
pub(crate) const MAX_BACKOFF_SECS: i64 = 15 * 60;

/// 30 s, 1, 2, 4 … min up to 15 min, ±20 % jitter; at least `Retry-After`, but never more than
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
            assert!((720..=1080).contains(&many), "{many}");
            assert!(backoff(1, Some(120)).num_seconds() >= 120);
            // A server may send any number: clamped, never a panic.
            assert_eq!(backoff(1, Some(99_999_999_999_999_999)).num_seconds(), 900);
            assert_eq!(backoff(1, Some(u64::MAX)).num_seconds(), 900);
            assert_eq!(backoff(1, Some(31_536_000)).num_seconds(), 900);
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
