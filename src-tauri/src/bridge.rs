//! The one place that maps what the core says to what a person sees: tray icon, tooltip and
//! menu, the window's status event, notifications. It subscribes once to the engine's status
//! watch, so whichever door an operation came through (timer, window, tray, loopback login),
//! every surface shows the same status. The rules for notifications are in [`crate::notices`].

use crate::notices::{Memo, decorate, event_notice, name_connection, transition_notices};
use crate::notify::Notice;
use crate::requests::ActionOutcome;
use chrono::{DateTime, Utc};
use lexguard::connections::ConnectionName;
use lexguard::{ConnState, Engine, Event, Lang, Status};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::{broadcast, watch};

/// The window listens to this event name; the payload is a [`Status`] (no secrets).
pub const STATUS_EVENT: &str = "lexguard://status";

/// Extra patience beyond two check intervals before the bridge reads the status itself.
const STALL_SLACK: Duration = Duration::from_secs(30);

pub struct Bridge<R: Runtime> {
    app: AppHandle<R>,
    engine: Engine,
    demo: bool,
    memo: Mutex<Memo>,
    shown: Mutex<Option<Shown>>,
    /// The connection this bridge renders (the app keeps several side by side).
    name: ConnectionName,
    /// Its two listeners, stopped when the connection is removed.
    tasks: Mutex<Vec<tauri::async_runtime::JoinHandle<()>>>,
}

/// What the tray shows now: an unchanged status costs no D-Bus traffic. Kept in every build,
/// so tests on the mock runtime (which has no tray) see what would be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub state: ConnState,
    /// The menu's first item and its offers follow the next step.
    pub next_action: lexguard::NextAction,
    pub headline: String,
    pub lang: Lang,
    /// "stumm bis 08:00" belongs to the tray line too.
    pub quiet_line: Option<String>,
}

impl<R: Runtime> Bridge<R> {
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn new(app: AppHandle<R>, engine: Engine, demo: bool) -> Self {
        Self::named(app, engine, demo, ConnectionName::default_name())
    }

    /// The bridge of connection `name`.
    pub fn named(app: AppHandle<R>, engine: Engine, demo: bool, name: ConnectionName) -> Self {
        Self {
            app,
            engine,
            demo,
            memo: Mutex::new(Memo::default()),
            shown: Mutex::new(None),
            name,
            tasks: Mutex::new(Vec::new()),
        }
    }

    /// Starts the two listeners. Subscribe `statuses` before the first operation starts, so
    /// the start-up tick's status is not missed (the tray would wait for the second one).
    pub fn start(self: &Arc<Self>, statuses: watch::Receiver<Status>) {
        let events = self.engine.subscribe();
        let a = tauri::async_runtime::spawn(self.clone().follow_statuses(statuses));
        let b = tauri::async_runtime::spawn(self.clone().follow_events(events));
        self.tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend([a, b]);
    }

    /// Stops listening (the connection was removed).
    pub fn stop(&self) {
        for task in self
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            task.abort();
        }
    }

    pub fn name(&self) -> &ConnectionName {
        &self.name
    }

    /// The app's fleet, when it runs one (not in the commands' test fixture).
    fn fleet_info(&self) -> (usize, bool) {
        match self.app.try_state::<crate::AppState>() {
            Some(s) => (s.fleet.len(), s.fleet.selected().name == self.name),
            None => (1, true),
        }
    }

    /// What the tray shows (or would show, on the mock runtime) right now.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn shown(&self) -> Option<Shown> {
        self.shown.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn lang(&self) -> Lang {
        self.engine.lang()
    }

    fn notify(&self, notice: Notice) {
        let Some(notice) = crate::quiet::gate(&self.engine, notice) else {
            return;
        };
        let notice = decorate(notice, self.demo);
        // Several connections: the notice says which one ("Muster GmbH: …").
        let notice = if self.fleet_info().0 > 1 {
            let company = self.engine.status_watch().borrow().company.clone();
            name_connection(
                notice,
                &lexguard::connections::label(&self.name, company.as_deref()),
            )
        } else {
            notice
        };
        let lang = self.lang();
        let open = lang.pick("Öffnen", "Open");
        let snooze = crate::notify::Extra {
            id: crate::quiet::SNOOZE_HOUR,
            label: lang.pick("1 Stunde stumm", "Mute for 1 hour").to_string(),
            on_click: crate::quiet::on_menu,
        };
        crate::notify::show_with(&self.app, notice, open, Some(snooze));
    }

    async fn follow_statuses(self: Arc<Self>, mut statuses: watch::Receiver<Status>) {
        loop {
            let patience = self.engine.schedule().check_every * 2 + STALL_SLACK;
            let engine = self.engine.clone();
            match next_status(&mut statuses, patience, move || engine.status()).await {
                Next::Status(s) => self.on_status(&s, self.engine.now()),
                Next::Stalled(Ok(s)) => {
                    tracing::warn!("no status for two check intervals: showing the persisted one");
                    self.on_status(&s, self.engine.now());
                }
                Next::Stalled(Err(e)) => tracing::warn!(kind = e.kind(), "status unreadable"),
                Next::Gone => return,
            }
        }
    }

    async fn follow_events(self: Arc<Self>, mut events: broadcast::Receiver<Event>) {
        loop {
            match events.recv().await {
                Ok(e) => self.on_event(&e, self.engine.now()),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(n, "bridge lagged behind engine events");
                }
                Err(_) => return,
            }
        }
    }

    /// One status: the tray (only when it changed), the window, notifications for changes.
    fn on_status(&self, status: &Status, now: DateTime<Utc>) {
        let lang = self.lang();
        let shown = Shown {
            state: status.state,
            next_action: status.next_action,
            headline: status.headline.clone(),
            lang,
            quiet_line: status.quiet_line.clone(),
        };
        let changed = {
            let mut last = self.shown.lock().unwrap_or_else(|e| e.into_inner());
            let changed = last.as_ref() != Some(&shown);
            if changed {
                *last = Some(shown);
            }
            changed
        };
        // The tray's line for this connection is what was rendered here (after a stall the
        // persisted status, which may differ from the last one published).
        #[cfg(not(test))]
        crate::tray_board::note(&self.app, &self.name, status);
        #[cfg(not(test))]
        if changed {
            crate::tray_board::render(&self.app, self.demo, lang);
        }
        // The window shows the selected connection; its list shows all of them.
        if self.fleet_info().1
            && let Err(e) = self.app.emit(STATUS_EVENT, status)
        {
            tracing::debug!(error = %e, "status event not delivered");
        }
        if changed {
            crate::connection_list::emit(&self.app);
        }
        let remind_every = chrono::Duration::from_std(self.engine.config().schedule.remind_every)
            .unwrap_or(chrono::Duration::hours(4));
        let notices = {
            let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
            transition_notices(&mut memo, status, now, remind_every, lang)
        };
        for n in notices {
            self.notify(n);
        }
        if let Some(n) = crate::quiet::catch_up(&self.engine, status, lang) {
            self.notify(n);
        }
    }

    /// Notifications that belong to a single event rather than to a state.
    fn on_event(&self, event: &Event, now: DateTime<Utc>) {
        if let Some(n) = event_notice(event, now, self.lang()) {
            self.notify(n);
        }
    }

    /// A manual action from the tray did not work: say what failed and what happens next.
    /// A refusal because the app is quitting is nothing the user must hear about.
    #[cfg_attr(test, allow(dead_code))]
    pub fn on_failure(&self, outcome: &ActionOutcome) {
        if outcome.error_kind == Some(lexguard::ErrorKind::ShuttingDown) {
            return;
        }
        let Some(body) = outcome.failure.clone() else {
            return;
        };
        let lang = self.lang();
        self.notify(Notice {
            summary: lang
                .pick("Das hat nicht geklappt", "That did not work")
                .into(),
            body,
            opens_window: true,
            urgent: false,
        });
    }
}

/// What the status loop waits for next.
#[derive(Debug)]
enum Next {
    Status(Status),
    /// Nothing arrived within the patience: the status read from disk instead.
    Stalled(lexguard::Result<Status>),
    /// The engine is gone.
    Gone,
}

/// The next published status, or after `patience` without one, `read()` (a file read, so a
/// stalled keepalive shows "Prüfung überfällig"). Costs nothing while statuses arrive.
async fn next_status(
    statuses: &mut watch::Receiver<Status>,
    patience: Duration,
    read: impl FnOnce() -> lexguard::Result<Status>,
) -> Next {
    match tokio::time::timeout(patience, statuses.changed()).await {
        Ok(Ok(())) => Next::Status(statuses.borrow_and_update().clone()),
        Ok(Err(_)) => Next::Gone,
        Err(_) => Next::Stalled(read()),
    }
}

/// Nothing configured yet (autostart on a fresh install): say where to begin.
pub fn first_run_notice<R: Runtime>(app: &AppHandle<R>, lang: Lang) {
    let notice = Notice {
        summary: lang.pick("lexguard ist noch nicht eingerichtet", "lexguard is not set up yet").into(),
        body: lang
            .pick(
                "Öffnen Sie lexguard über das Symbol in der Leiste, um die Verbindung zu Lexware Office einzurichten – oder wählen Sie dort „Demo ansehen“.",
                "Open lexguard from its tray icon to set up the connection to Lexware Office – or choose “Try the demo” there.",
            )
            .into(),
        opens_window: true,
        urgent: false,
    };
    crate::notify::show(app, notice, lang.pick("Öffnen", "Open"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use lexguard::config::Config;
    use lexguard::state::Persisted;

    fn status(state: ConnState) -> Status {
        let st = serde_json::from_value::<Persisted>(serde_json::json!({
            "state": state,
        }))
        .expect("a state");
        let c = Config::default();
        Status::build(&st, &c, &c.schedule, Utc::now(), Lang::De)
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_watch_falls_back_to_the_persisted_status_and_a_live_one_does_not() {
        let (tx, mut rx) = watch::channel(status(ConnState::NotConnected));
        let patience = Duration::from_secs(150);
        tx.send_replace(status(ConnState::Healthy));
        let got = next_status(&mut rx, patience, || {
            panic!("no read while statuses arrive")
        })
        .await;
        assert!(matches!(got, Next::Status(s) if s.state == ConnState::Healthy));

        let t0 = tokio::time::Instant::now();
        let got = next_status(&mut rx, patience, || Ok(status(ConnState::Degraded))).await;
        assert!(matches!(got, Next::Stalled(Ok(s)) if s.state == ConnState::Degraded));
        assert!(t0.elapsed() >= patience, "waited the whole patience");

        drop(tx);
        let got = next_status(&mut rx, patience, || panic!("gone, not stalled")).await;
        assert!(matches!(got, Next::Gone));
    }
}
