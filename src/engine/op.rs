//! The lifecycle every operation shares: take the locks, load the persisted state, work,
//! derive the state from the facts, persist, append history, broadcast the events.

use super::Engine;
use crate::error::{Error, KeychainFault, Result};
use crate::event::Event;
use crate::history;
use crate::lock;
use crate::secret::AccessToken;
use crate::state::{ConnState, Mode, Persisted, Reason};
use crate::status::Status;
use chrono::{DateTime, Duration, Utc};

/// One operation under the operation lock ([`Engine::exclusive`]): the persisted state it
/// loaded, changed only through [`Persisted`]'s transitions, and everything it accumulates
/// (events, keychain trouble, the bearer to share) until [`Engine::finish`] persists it.
pub(super) struct Operation {
    pub(super) now: DateTime<Utc>,
    pub(super) st: Persisted,
    pub(super) before: (ConnState, Option<Reason>),
    pub(super) events: Vec<Event>,
    pub(super) keychain_fault: Option<KeychainFault>,
    pub(super) gap: bool,
    /// Set when this run had to put a new token set into the rescue file: `Some(None)` when
    /// even that failed.
    pub(super) rescued: Option<Option<std::path::PathBuf>>,
    /// The bearer this run held: what the token files get (`[share]`).
    pub(super) shared: Option<Shared>,
}

/// The bearer an operation read from the keychain or obtained from Lexware: what the token
/// files get when it finishes.
pub(super) struct Shared {
    pub(super) bearer: AccessToken,
    pub(super) expires_at: Option<DateTime<Utc>>,
}

impl Shared {
    pub(super) fn tokens(t: &crate::store::TokenSet) -> Shared {
        Shared {
            bearer: t.access.clone(),
            expires_at: Some(t.expires_at),
        }
    }

    pub(super) fn key(k: &crate::store::ApiKeyRecord) -> Shared {
        Shared {
            bearer: AccessToken::new(k.key.expose()),
            expires_at: Some(k.expires_at()),
        }
    }
}

/// The locks an operation holds; released (also by the OS, if the process dies) on drop.
pub(super) struct Exclusive<'a> {
    _flight: tokio::sync::MutexGuard<'a, ()>,
    _files: Vec<lock::FileLock>,
}

impl Engine {
    /// Takes the in-process lock, then the lock of the secret's scope (all lexguard processes
    /// using the same keychain service, whatever their data folders), then the data folder's
    /// (its state file), always in that order. Refused once [`Engine::close`] was called.
    pub(super) async fn exclusive(&self) -> Result<Exclusive<'_>> {
        let guard = self.inner.flight.lock().await;
        if self.is_closing() {
            return Err(Error::ShuttingDown);
        }
        let mut files = Vec::with_capacity(2);
        if let Some(path) = self.inner.vault.lock_path() {
            files.push(lock::acquire(&path, lock::WAIT).await?);
        }
        files.push(lock::acquire(&self.inner.home.lock_file(), lock::WAIT).await?);
        Ok(Exclusive {
            _flight: guard,
            _files: files,
        })
    }

    fn is_closing(&self) -> bool {
        self.inner.closing.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Ends this engine's work for a clean exit (quit, SIGTERM, logout): refuses new
    /// operations, waits for the one in flight, whichever door it came through (a refresh
    /// that Lexware already answered is persisted before this returns), then writes a token set
    /// still held only in memory. `Ok(false)`: nothing was waiting to be written.
    ///
    /// If that write fails, the engine is open again (the caller may decide not to exit, and
    /// the keepalive must go on retrying); the set is in the rescue file either way.
    pub async fn close(&self) -> Result<bool> {
        self.inner
            .closing
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _wait = self.inner.flight.lock().await;
        let flushed = self.flush_unsaved().await;
        if flushed.is_err() {
            self.inner
                .closing
                .store(false, std::sync::atomic::Ordering::SeqCst);
        }
        flushed
    }

    pub(super) fn begin(&self) -> Result<Operation> {
        let mut st = Persisted::load(&self.inner.home.state_file())?;
        st.sanitize(
            self.inner.clock.now(),
            Duration::seconds(super::backoff::MAX_BACKOFF_SECS),
        );
        Ok(Operation {
            now: self.inner.clock.now(),
            before: (st.state(), st.reason()),
            st,
            events: Vec::new(),
            keychain_fault: None,
            gap: false,
            rescued: None,
            shared: None,
        })
    }

    /// Derives the state, persists it, appends history, broadcasts the events.
    pub(super) fn finish(&self, mut run: Operation) -> Result<(Status, Vec<Event>)> {
        let unsaved = self.memory().unsaved;
        let (state, reason) = derive_state(&run, unsaved);
        run.st.judged(state, reason);
        if (state, reason) != run.before {
            run.events.push(Event::StateChanged {
                from: run.before.0,
                to: state,
                reason,
            });
        }
        run.st.save(&self.inner.home.state_file())?;
        self.share_after(&run);
        if let Err(e) = history::append(&self.inner.home.history_file(), run.now, &run.events) {
            tracing::warn!(error = %e, "history not written");
        }
        for e in &run.events {
            tracing::info!(kind = e.kind(), event = ?e, "event");
            let _ = self.inner.events.send(e.clone());
        }
        let status = self.status_of(&run.st, run.now);
        self.publish(&status);
        Ok((status, run.events))
    }

    pub(super) fn status_of(&self, st: &Persisted, now: DateTime<Utc>) -> Status {
        let config = self.config();
        let mut status = Status::build(st, &config, &self.schedule(), now, self.lang()).with_quiet(
            &crate::quiet::Quiet::new(&config, &self.inner.home.data_dir),
            now,
            self.lang(),
        );
        status.share = self.share_status();
        status
    }
}

pub(super) fn dur(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

/// The state follows from the facts of this run; the first reason wins.
pub(super) fn derive_state(run: &Operation, unsaved: bool) -> (ConnState, Option<Reason>) {
    let st = &run.st;
    if st.auth_lost_at().is_some() {
        let reason = if st.mode() == Some(Mode::ApiKey) {
            Reason::KeyRejected
        } else {
            st.auth_lost_reason().unwrap_or(Reason::InvalidGrant)
        };
        return (ConnState::AuthLost, Some(reason));
    }
    if st.mode().is_none() {
        return (ConnState::NotConnected, None);
    }
    let key_expiring = st
        .api_key_expires_at()
        .is_some_and(|t| (t - run.now).num_days() < 30 && st.mode() == Some(Mode::ApiKey));
    let reason = if unsaved {
        Some(Reason::KeychainUnsaved)
    } else if run.keychain_fault == Some(KeychainFault::Corrupt) {
        Some(Reason::KeychainCorrupt)
    } else if run.keychain_fault.is_some() {
        Some(Reason::KeychainUnavailable)
    } else if let Some(p) = st.problem() {
        Some(p)
    } else if key_expiring {
        Some(Reason::ApiKeyExpiring)
    } else if crate::status::authorization_end(st).is_some_and(|t| (t - run.now).num_days() < 30) {
        Some(Reason::AuthorizationExpiring)
    } else if st.missing_scopes().is_some() {
        Some(Reason::ScopesMissing)
    } else if st.webhook_health().in_trouble() {
        Some(Reason::WebhooksFailing)
    } else if run.gap {
        Some(Reason::GapSeen)
    } else {
        None
    };
    match reason {
        Some(r) => (ConnState::Degraded, Some(r)),
        None => (ConnState::Healthy, None),
    }
}
