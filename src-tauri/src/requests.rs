//! What the shell asks of the engine's worker, and the handle to ask with. Its own module, so
//! that the worker, the tray and the bridge all depend on it and it depends on none of them.

use lexguard::{ConnState, Engine, Lang, Status, TickCause};

/// An app-internal event: "read config.toml again" (the tray's "Einstellungen neu laden").
/// An event rather than a call, so the menu's handler needs no path to the module that
/// rebuilds the app (which itself hands that handler to the tray).
pub const RELOAD_CONFIG: &str = "lexguard-internal://reload-config";
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::{mpsc, oneshot};

#[derive(Debug)]
pub enum Request {
    Tick(TickCause),
    Refresh,
    SyncWebhooks,
    /// Demo: log in at the simulator and connect, as a person would through the window.
    DemoConnect,
    /// Demo: Lexware ends the connection (password change, security action).
    DemoRevoke,
    /// Demo: the laptop sleeps for some hours.
    DemoSuspend(i64),
    Quit(oneshot::Sender<()>),
}

/// One queued request; `reply` hears how it ended (a person clicked and waits for the answer).
#[derive(Debug)]
pub struct Job {
    pub request: Request,
    pub reply: Option<oneshot::Sender<ActionOutcome>>,
}

/// How a manual action ended, as a person sees it: `ok` only when the operation succeeded
/// AND the connection is healthy afterwards. No secrets (status and messages only).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ActionOutcome {
    pub ok: bool,
    /// The status after the action (its message says what lexguard does next).
    pub status: Status,
    /// Stable name of the error, when the operation itself failed.
    pub error_kind: Option<String>,
    /// The error, in the person's language, with the fix.
    pub error: Option<String>,
    /// What the window and the tray say when it did not work: what went wrong, then what
    /// lexguard does next. `null` when ok.
    pub failure: Option<String>,
}

impl ActionOutcome {
    /// `result` is the operation's; `after` the status to show when it failed.
    pub fn of(
        result: lexguard::Result<Status>,
        after: impl FnOnce() -> Status,
        lang: Lang,
    ) -> Self {
        let mut o = match result {
            Ok(status) => ActionOutcome {
                ok: status.state == ConnState::Healthy,
                status,
                error_kind: None,
                error: None,
                failure: None,
            },
            Err(e) => ActionOutcome {
                ok: false,
                status: after(),
                error_kind: Some(e.kind().into()),
                error: Some(e.message(lang)),
                failure: None,
            },
        };
        o.failure = o.failure_text();
        o
    }

    /// The failure in words: what went wrong, then what lexguard does next (the status
    /// message says both when the operation itself worked). `None` when ok.
    fn failure_text(&self) -> Option<String> {
        if self.ok {
            return None;
        }
        let next = &self.status.message;
        Some(match &self.error {
            None if next.is_empty() => lexguard::text::i18n::sentence(&self.status.headline),
            None => next.clone(),
            Some(e) if next.is_empty() || e.contains(next.as_str()) => {
                lexguard::text::i18n::sentence(e)
            }
            // The status already tells this failure (its detail is the same sentence): once.
            Some(e) if next.contains(e.trim_end_matches('.')) => next.clone(),
            Some(e) => format!("{} {next}", lexguard::text::i18n::sentence(e)),
        })
    }
}

#[derive(Clone)]
pub struct EngineHandle {
    tx: mpsc::Sender<Job>,
    pub engine: Engine,
    /// Set once the app is going away: the supervisor restarts nothing after that.
    quitting: Arc<AtomicBool>,
}

/// The worker's end of the queue.
pub struct Inbox {
    pub jobs: mpsc::Receiver<Job>,
    pub quitting: Arc<AtomicBool>,
}

/// A handle and the inbox its requests arrive in.
pub fn channel(engine: Engine) -> (EngineHandle, Inbox) {
    let (tx, rx) = mpsc::channel::<Job>(8);
    let quitting = Arc::new(AtomicBool::new(false));
    (
        EngineHandle {
            tx,
            engine,
            quitting: quitting.clone(),
        },
        Inbox { jobs: rx, quitting },
    )
}

impl EngineHandle {
    /// Queues a request; a full queue means the same work is already waiting.
    pub fn request(&self, r: Request) {
        if let Err(e) = self.tx.try_send(Job {
            request: r,
            reply: None,
        }) {
            tracing::debug!(error = %e, "request dropped, engine busy");
        }
    }

    /// Queues a request and waits for how it ended (after the work queued before it).
    pub async fn ask(&self, r: Request) -> ActionOutcome {
        let (reply, answer) = oneshot::channel();
        let sent = self
            .tx
            .send(Job {
                request: r,
                reply: Some(reply),
            })
            .await;
        let gone = || {
            ActionOutcome::of(
                Err(lexguard::Error::ShuttingDown),
                || self.current(),
                self.engine.lang(),
            )
        };
        if sent.is_err() {
            return gone();
        }
        answer.await.unwrap_or_else(|_| gone())
    }

    /// The status as last persisted, else the last one published.
    pub fn current(&self) -> Status {
        self.engine
            .status()
            .unwrap_or_else(|_| self.engine.status_watch().borrow().clone())
    }

    /// From now on the app is quitting: the keepalive is not restarted any more.
    pub fn begin_quit(&self) {
        self.quitting.store(true, Ordering::SeqCst);
    }

    /// The quit was refused (tokens still unsaved): the keepalive is supervised again.
    pub fn cancel_quit(&self) {
        self.quitting.store(false, Ordering::SeqCst);
    }

    /// Lets a running operation finish, then stops the task.
    pub async fn quit(&self) {
        self.begin_quit();
        let (ack, done) = oneshot::channel();
        let job = Job {
            request: Request::Quit(ack),
            reply: None,
        };
        if self.tx.send(job).await.is_ok() {
            let _ = done.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lexguard::Reason;
    use lexguard::config::Config;
    use lexguard::state::Persisted;

    fn status(state: ConnState, reason: Option<Reason>) -> Status {
        let st = Persisted {
            state,
            reason,
            company: Some("Dr. Anna Beispiel e. K.".into()),
            ..Persisted::default()
        };
        let c = Config::default();
        Status::build(&st, &c, &c.schedule, chrono::Utc::now(), Lang::De)
    }

    #[test]
    fn ok_only_when_the_operation_worked_and_the_connection_is_healthy() {
        let healthy = status(ConnState::Healthy, None);
        let o = ActionOutcome::of(Ok(healthy.clone()), || unreachable!(), Lang::De);
        assert!(o.ok);
        assert_eq!(o.failure, None);

        let failing = status(ConnState::Degraded, Some(Reason::ValidationFailing));
        let o = ActionOutcome::of(Ok(failing.clone()), || unreachable!(), Lang::De);
        assert!(
            !o.ok,
            "a check that found Lexware unreachable is no success"
        );
        let text = o.failure.clone().expect("failure");
        assert_eq!(
            text, failing.message,
            "the message names the problem and the next try"
        );

        let o = ActionOutcome::of(
            Err(lexguard::Error::ShuttingDown),
            || failing.clone(),
            Lang::De,
        );
        assert!(!o.ok);
        assert_eq!(o.error_kind.as_deref(), Some("shutting_down"));
        let text = o.failure.clone().expect("failure");
        assert!(text.contains(&failing.message), "{text}");
        assert!(!text.contains(".."), "{text}");
    }

    /// The false story was "Das hat nicht geklappt" gluing the error to a status message that
    /// already says it (the failure's detail is part of the message): one sentence, once.
    #[test]
    fn a_failure_the_status_already_tells_is_said_once() {
        let cause = "Die Adresse api.lexware.io lässt sich nicht auflösen. Bitte prüfen Sie die Netzwerkverbindung.";
        let st = Persisted {
            state: ConnState::Degraded,
            reason: Some(Reason::RefreshFailing),
            company: Some("Muster GmbH".into()),
            problem_detail: Some((cause.into(), cause.into())),
            ..Persisted::default()
        };
        let c = Config::default();
        let failing = Status::build(&st, &c, &c.schedule, chrono::Utc::now(), Lang::De);
        assert!(failing.message.contains(cause), "{}", failing.message);
        let o = ActionOutcome::of(
            Err(lexguard::Error::invalid(cause, cause)),
            || failing.clone(),
            Lang::De,
        );
        let text = o.failure.expect("failure");
        assert_eq!(text, failing.message);
        assert_eq!(text.matches("auflösen").count(), 1, "{text}");
    }
}
