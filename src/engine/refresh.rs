//! The refresh grant, forced refreshes, a valid bearer for callers, and how failures are
//! sorted into auth lost, configuration trouble or transient with backoff.

use super::Engine;
use super::backoff::retry_time;
use super::credentials::{Creds, keychain_fault};
use super::op::{Operation, dur};
use crate::error::{Error, KeychainFault, Result};
use crate::event::Event;
use crate::state::{InFlight, Reason};
use crate::status::Status;
use crate::store::TokenSet;
use chrono::{DateTime, Duration, Utc};

impl Engine {
    /// One refresh grant; the result is persisted before anything uses it.
    ///
    /// Rotation safety: the keychain must take a write first (else no new pair is asked
    /// for); an in-flight marker is persisted before the request leaves; on `invalid_grant`
    /// the keychain is read again (another lexguard may have rotated), and a marker left by
    /// an earlier, unanswered refresh of this very token names the real cause.
    pub(super) async fn refresh_in(
        &self,
        run: &mut Operation,
        current: &TokenSet,
    ) -> Result<TokenSet> {
        if !self.keychain_takes_writes(run, current).await {
            return Err(Error::Keychain {
                fault: run.keychain_fault.unwrap_or(KeychainFault::Failed),
                detail: "write check before a refresh".into(),
            });
        }
        let config = self.config();
        let secret = self.client_secret().await?;
        let fingerprint = InFlight::fingerprint_of(current.refresh.expose());
        let interrupted_before = run.st.refresh_started(run.now, fingerprint);
        run.st.save(&self.inner.home.state_file())?;
        let result = self
            .oauth(&config, secret.as_ref())
            .refresh(current, self.inner.clock.as_ref())
            .await;
        let result = match result {
            Err(Error::AuthLost) => match self.rotated_elsewhere(current).await {
                Some(newer) => {
                    run.st.refresh_settled();
                    run.st.tokens_held(newer.expires_at, newer.issued_at);
                    return Ok(newer);
                }
                None if interrupted_before => Err(Error::RefreshInterrupted),
                None => Err(Error::AuthLost),
            },
            other => other,
        };
        match result {
            Ok(new) => {
                // Stored (or rescued) before the marker goes: a crash in between leaves a
                // marker for a token that is no longer current, which means nothing.
                self.persist_tokens(run, &new).await;
                run.st.refreshed(run.now, new.expires_at, new.issued_at);
                run.events.push(Event::Refreshed {
                    expires_at: new.expires_at,
                });
                Ok(new)
            }
            Err(e) => {
                // Only an answer we never fully got leaves the outcome open.
                if !matches!(e, Error::Timeout | Error::Network(_) | Error::Protocol(_)) {
                    run.st.refresh_settled();
                }
                self.record_failure(run, &e, Reason::RefreshFailing, Some(current.expires_at));
                Err(e)
            }
        }
    }

    /// After `invalid_grant`: the keychain may hold a newer pair than the one just sent
    /// (another lexguard rotated in between). Then nothing is lost.
    async fn rotated_elsewhere(&self, sent: &TokenSet) -> Option<TokenSet> {
        match self.inner.vault.tokens().await {
            Ok(Some(stored)) if stored.refresh != sent.refresh => {
                tracing::warn!(
                    "refresh token was rotated by another lexguard; using the newer pair"
                );
                self.memory().tokens = Some(stored.clone());
                Some(stored)
            }
            _ => None,
        }
    }

    /// Sorts a failure into auth lost, configuration trouble or transient with backoff.
    pub(super) fn record_failure(
        &self,
        run: &mut Operation,
        e: &Error,
        transient_reason: Reason,
        expires_at: Option<DateTime<Utc>>,
    ) {
        match e {
            Error::AuthLost | Error::RefreshInterrupted | Error::KeyRejected => {
                let reason = match e {
                    Error::RefreshInterrupted => Reason::InterruptedRefresh,
                    Error::KeyRejected => Reason::KeyRejected,
                    _ => Reason::InvalidGrant,
                };
                if run.st.lost(run.now, reason) {
                    run.events.push(Event::AuthLost { reason });
                }
            }
            Error::Keychain { .. } => {
                run.keychain_fault = keychain_fault(e);
            }
            other => {
                let retry_after = match other {
                    Error::RateLimited { retry_after_secs } => *retry_after_secs,
                    _ => None,
                };
                let retry_at = retry_time(
                    run.now,
                    run.st.failures().saturating_add(1),
                    retry_after,
                    expires_at,
                );
                let reason = if matches!(other, Error::ClientCredentials(_)) {
                    Reason::ClientCredentials
                } else {
                    transient_reason
                };
                // Where the cause is outside lexguard (network, DNS, TLS, Lexware's servers,
                // Lexware slowing the requests down), the status says which and what to do,
                // not only "it fails".
                let detail = matches!(
                    other,
                    Error::Network(_)
                        | Error::Timeout
                        | Error::Server { .. }
                        | Error::Protocol(_)
                        | Error::RateLimited { .. }
                )
                .then(|| {
                    (
                        other.message(crate::Lang::De),
                        other.message(crate::Lang::En),
                    )
                });
                run.st.failed(reason, retry_at, detail);
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

    /// A valid bearer for API calls: refreshes first when due, but not while Lexware asked
    /// to wait. For `lexguard token`. A refreshed pair that only the rescue file holds is still
    /// handed out (nothing is lost); one held nowhere but in this process is an error.
    pub async fn access_token(&self) -> Result<String> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let result = self.bearer_in(&mut run, false).await;
        let held_only_here = matches!(run.rescued, Some(None));
        self.finish(run)?;
        if held_only_here {
            return Err(Error::TokensNotStored { rescue: None });
        }
        result
    }

    /// Refresh now, whatever the schedule says. Succeeds only when the new pair is in the
    /// keychain: a person who asked must hear if it is not.
    pub async fn refresh_now(&self) -> Result<Status> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let result = self.bearer_in(&mut run, true).await;
        let rescued = run.rescued.clone();
        let (status, _) = self.finish(run)?;
        if let Some(rescue) = rescued {
            return Err(Error::TokensNotStored { rescue });
        }
        result.map(|_| status)
    }

    pub(super) async fn bearer_in(&self, run: &mut Operation, force: bool) -> Result<String> {
        if run.st.auth_lost_at().is_some() {
            return Err(lost_error(run));
        }
        match self.load_creds(run).await? {
            Creds::None => Err(Error::NotConnected),
            Creds::Key(k) => Ok(k.key.expose().to_string()),
            Creds::Tokens(t) => {
                if !(force || refresh_due(&t, run.now, self.schedule().refresh_before)) {
                    return Ok(t.access.expose().to_string());
                }
                let still_valid = t.expires_at > run.now && t.issued_at <= run.now;
                if !force && let Some(at) = run.st.next_attempt_at().filter(|at| run.now < *at) {
                    return if still_valid {
                        Ok(t.access.expose().to_string())
                    } else {
                        Err(Error::RetryLater { at })
                    };
                }
                match self.refresh_in(run, &t).await {
                    Ok(new) => Ok(new.access.expose().to_string()),
                    // A still valid token is better than none.
                    Err(e)
                        if !force
                            && !matches!(e, Error::AuthLost | Error::RefreshInterrupted)
                            && still_valid =>
                    {
                        tracing::warn!(kind = e.kind(), "refresh failed, token still valid");
                        Ok(t.access.expose().to_string())
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }
}

/// The error of a connection already known to be lost.
pub(super) fn lost_error(run: &Operation) -> Error {
    match run.st.auth_lost_reason() {
        Some(Reason::InterruptedRefresh) => Error::RefreshInterrupted,
        Some(Reason::KeyRejected) => Error::KeyRejected,
        _ if run.st.mode() == Some(crate::state::Mode::ApiKey) => Error::KeyRejected,
        _ => Error::AuthLost,
    }
}

/// Whether a token set must be refreshed now: it expires within `refresh_before`, or it was
/// issued "in the future" (the clock was set back, so its expiry time cannot be trusted and
/// Lexware may already consider it expired).
pub(super) fn refresh_due(
    t: &TokenSet,
    now: DateTime<Utc>,
    refresh_before: std::time::Duration,
) -> bool {
    t.expires_at - now <= dur(refresh_before) || t.issued_at > now + Duration::minutes(1)
}
