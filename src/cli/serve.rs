//! `lexguard serve`: the tray app's keepalive for servers, as one long-running process.
//!
//! It ticks at start and then every `check_every`, judged by the wall clock: the wait is cut
//! into short slices and the wall clock is read after each, because a suspended VM does not
//! advance the monotonic clock that timers use — after a resume the tick comes within a slice,
//! and the tick itself sees the gap. With systemd (`Type=notify`) it reports readiness at once
//! (a first tick may wait up to 90 s for Lexware, longer than a start timeout), pings the
//! watchdog from the same loop (a stalled loop stops the pings and systemd restarts it), and
//! keeps a `STATUS=` line with the headline. SIGTERM is handled by the caller: the refresh in
//! flight finishes and is stored before the process exits.

use crate::Error;
use crate::engine::{Engine, TickCause};
use chrono::Duration as Wall;
use std::time::Duration;

/// The longest a wait lasts before the wall clock is read again (and the watchdog pinged).
const SLICE: Duration = Duration::from_secs(15);

pub async fn serve(engine: &Engine) -> Result<i32, Error> {
    let watchdog = watchdog_interval();
    // Half the watchdog interval, as systemd recommends; never longer than a slice.
    let slice = watchdog.map_or(SLICE, |w| (w / 2).clamp(Duration::from_millis(100), SLICE));
    notify(Note::Ready);
    let lang = engine.lang();
    tracing::info!(
        "{}",
        match watchdog {
            Some(w) => lang.pick(
                format!(
                    "lexguard serve läuft (systemd-Watchdog alle {} s).",
                    w.as_secs()
                ),
                format!(
                    "lexguard serve is running (systemd watchdog every {} s).",
                    w.as_secs()
                ),
            ),
            None => lang
                .pick("lexguard serve läuft.", "lexguard serve is running.")
                .to_string(),
        }
    );
    let mut last_headline = String::new();
    let mut cause = TickCause::Scheduled;
    // Off the loop: a hanging receiver never delays the next check.
    tokio::spawn(engine.clone().follow_alerts());
    tokio::spawn(log_events(engine.clone()));
    crate::share::proxy::spawn(engine);
    loop {
        tick(engine, cause, &mut last_headline).await;
        let every = Wall::from_std(engine.schedule().check_every).unwrap_or(Wall::minutes(1));
        let started = engine.now();
        loop {
            tokio::time::sleep(slice).await;
            ping(watchdog);
            let now = engine.now();
            if now - started >= every {
                // Much later than planned: the machine slept (the tick reports the gap).
                cause = if now - started > every * 2 {
                    TickCause::Resume
                } else {
                    TickCause::Scheduled
                };
                break;
            }
            if now < started {
                // The clock was set back: tick now rather than wait for the old time.
                cause = TickCause::Scheduled;
                break;
            }
        }
    }
}

/// One check; its outcome goes to the log (one line) and the `STATUS=` line.
async fn tick(engine: &Engine, cause: TickCause, last_headline: &mut String) {
    match engine.tick(cause).await {
        Ok(report) => {
            let s = &report.status;
            if s.headline != *last_headline {
                tracing::info!("{}", s.headline);
                last_headline.clone_from(&s.headline);
            }
            notify(Note::Status(&s.headline));
        }
        Err(e) => {
            let line = e.message(engine.lang());
            tracing::warn!("{line}");
            notify(Note::Status(&line));
        }
    }
}

/// Every event of the engine as one line in plain words, the sentence the history shows.
async fn log_events(engine: Engine) {
    use tokio::sync::broadcast::error::RecvError;
    let mut events = engine.subscribe();
    loop {
        match events.recv().await {
            Ok(event) => tracing::info!("{}", event.describe(engine.lang(), engine.now())),
            Err(RecvError::Lagged(missed)) => tracing::warn!(
                "{}",
                engine.lang().pick(
                    format!(
                        "{missed} Ereignisse nicht protokolliert (lexguard history zeigt sie)."
                    ),
                    format!("{missed} events not logged (lexguard history shows them)."),
                )
            ),
            Err(RecvError::Closed) => return,
        }
    }
}

fn ping(watchdog: Option<Duration>) {
    if watchdog.is_some() {
        notify(Note::Watchdog);
    }
}

/// What the service manager hears.
enum Note<'a> {
    Ready,
    Stopping,
    Watchdog,
    Status(&'a str),
}

/// Without `NOTIFY_SOCKET` (not run by systemd) this does nothing; systemd is Linux only.
fn notify(note: Note<'_>) {
    #[cfg(target_os = "linux")]
    {
        use sd_notify::NotifyState;
        let state = match note {
            Note::Ready => NotifyState::Ready,
            Note::Stopping => NotifyState::Stopping,
            Note::Watchdog => NotifyState::Watchdog,
            Note::Status(s) => NotifyState::Status(s),
        };
        if let Err(e) = sd_notify::notify(&[state]) {
            tracing::debug!(error = %e, "sd_notify failed");
        }
    }
    // Elsewhere no service manager listens; the status line goes to the debug log.
    #[cfg(not(target_os = "linux"))]
    if let Note::Status(line) = note {
        tracing::debug!(status = line, "serve status");
    }
}

fn watchdog_interval() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    return sd_notify::watchdog_enabled();
    #[cfg(not(target_os = "linux"))]
    None
}

/// Tells systemd the service is stopping (before the refresh in flight is waited for).
pub fn stopping() {
    notify(Note::Stopping);
}
