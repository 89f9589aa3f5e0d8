//! The one way out of the app. "Beenden" in the tray, SIGTERM (logout, systemd), SIGINT
//! (Ctrl-C) and SIGHUP (the terminal went away) all end here: the engine closes (it waits
//! for the operation in flight, from the timer or the window, and writes a token set held only
//! in memory), the demo cleans up, then the app exits. Nothing a refresh rotated is lost.

use crate::AppState;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tokio::time::{Instant, timeout_at};

/// The longest a quit waits for the engine (a refresh in flight, the keychain).
const CLOSE_WITHIN: Duration = Duration::from_secs(10);
/// Pause between two tries to write unsaved tokens after a signal.
const FLUSH_RETRY: Duration = Duration::from_secs(2);

/// What asked the app to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The user chose "Beenden": a quit that would lose tokens is refused and explained.
    Menu,
    /// The system asks: the app retries writing, then goes anyway (the core keeps a rescue copy).
    Signal(&'static str),
}

/// One shutdown at a time: a second click or signal while closing changes nothing.
static CLOSING: AtomicBool = AtomicBool::new(false);

/// Starts a shutdown in the background.
pub fn quit<R: Runtime>(app: &AppHandle<R>, why: Why) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move { shutdown(&app, why).await });
}

/// Listens for SIGTERM, SIGINT and SIGHUP for the whole life of the app.
#[cfg(unix)]
pub fn watch_signals<R: Runtime>(app: &AppHandle<R>) {
    use tokio::signal::unix::{SignalKind, signal};
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let kinds = [
            (SignalKind::terminate(), "SIGTERM"),
            (SignalKind::interrupt(), "SIGINT"),
            (SignalKind::hangup(), "SIGHUP"),
        ];
        let mut streams = Vec::new();
        for (kind, name) in kinds {
            match signal(kind) {
                Ok(s) => streams.push((s, name)),
                Err(e) => tracing::warn!(signal = name, error = %e, "signal not watched"),
            }
        }
        loop {
            let next = futures_util::future::select_all(
                streams
                    .iter_mut()
                    .map(|(s, name)| Box::pin(async move { s.recv().await.map(|()| *name) })),
            );
            match next.await.0 {
                Some(name) => {
                    tracing::info!(signal = name, "asked to end");
                    quit(&app, Why::Signal(name));
                }
                None => return,
            }
        }
    });
}

/// Windows: Ctrl-C, a closed console, log-off and shut-down, as far as they reach the app
/// (console events reach it when it was started from a console).
#[cfg(windows)]
pub fn watch_signals<R: Runtime>(app: &AppHandle<R>) {
    use tokio::signal::windows as w;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let (Ok(mut c), Ok(mut close), Ok(mut logoff), Ok(mut shutdown)) = (
            w::ctrl_c(),
            w::ctrl_close(),
            w::ctrl_logoff(),
            w::ctrl_shutdown(),
        ) else {
            tracing::warn!("console events not watched");
            return;
        };
        let name = tokio::select! {
            _ = c.recv() => "Ctrl-C",
            _ = close.recv() => "CTRL_CLOSE_EVENT",
            _ = logoff.recv() => "CTRL_LOGOFF_EVENT",
            _ = shutdown.recv() => "CTRL_SHUTDOWN_EVENT",
        };
        tracing::info!(signal = name, "asked to end");
        quit(&app, Why::Signal(name));
    });
}

#[cfg(not(any(unix, windows)))]
pub fn watch_signals<R: Runtime>(_app: &AppHandle<R>) {}

async fn shutdown<R: Runtime>(app: &AppHandle<R>, why: Why) {
    if CLOSING.swap(true, Ordering::SeqCst) {
        tracing::debug!(?why, "already quitting");
        return;
    }
    // A broken config.toml: no engine, nothing to close.
    let Some(state) = app.try_state::<AppState>() else {
        tracing::info!(?why, "exiting (no engine was running)");
        app.exit(0);
        return;
    };
    // Every connection's engine: each finishes its operation and writes what it holds.
    let members = state.fleet.all();
    let deadline = Instant::now() + CLOSE_WITHIN;
    // "Beenden" with tokens the keychain refused so far: stay (the engines keep working)
    // and say why. A failed `close` below leaves the engines open too.
    if why == Why::Menu {
        for m in &members {
            if let Ok(Err(e)) = timeout_at(deadline, m.handle.engine.flush_unsaved()).await {
                refuse(app, &e);
                CLOSING.store(false, Ordering::SeqCst);
                return;
            }
        }
    }
    for m in &members {
        m.handle.begin_quit();
    }
    let closes = members.iter().map(|m| async move {
        match timeout_at(deadline, m.handle.engine.close()).await {
            Ok(r) => r.map(|_| ()),
            Err(_) => {
                tracing::warn!("an engine did not finish within the quit bound; exiting anyway");
                Ok(())
            }
        }
    });
    let results = futures_util::future::join_all(closes).await;
    let failed: Vec<usize> = (0..members.len())
        .filter(|i| results[*i].is_err())
        .collect();
    let mut closed = results.into_iter().find(|r| r.is_err()).unwrap_or(Ok(()));
    if let Err(e) = &closed {
        match why {
            Why::Menu => {
                // A refresh in flight rotated the tokens and the keychain refused them: stay
                // alive (they are in the rescue file and in memory). The next "Beenden" tries
                // again; until then the engines and their keepalives go on.
                for m in &members {
                    m.handle.cancel_quit();
                }
                refuse(app, e);
                CLOSING.store(false, Ordering::SeqCst);
                return;
            }
            Why::Signal(_) => {
                while closed.is_err() && Instant::now() + FLUSH_RETRY < deadline {
                    tokio::time::sleep(FLUSH_RETRY).await;
                    closed = Ok(());
                    for i in &failed {
                        match timeout_at(deadline, members[*i].handle.engine.flush_unsaved()).await
                        {
                            Ok(Ok(_)) => {}
                            Ok(Err(e)) => closed = Err(e),
                            Err(_) => break,
                        }
                    }
                }
            }
        }
    }
    for m in &members {
        let _ = timeout_at(deadline, m.handle.quit()).await;
    }
    if let Some(demo) = &state.demo {
        demo.clean_up().await;
    }
    let code = match closed {
        Ok(()) => 0,
        Err(e) => {
            tracing::error!(
                kind = e.kind(),
                "exiting with tokens that could not be written to the keychain"
            );
            1
        }
    };
    tracing::info!(?why, code, "exiting");
    app.exit(code);
}

/// The quit was refused: tell the user why and what to do (urgent, it is about their data).
fn refuse<R: Runtime>(app: &AppHandle<R>, e: &lexguard::Error) {
    let lang = app.state::<AppState>().handle().engine.lang();
    tracing::error!(kind = e.kind(), "refusing to quit with unsaved tokens");
    crate::notify::show(
        app,
        crate::notify::Notice {
            summary: lang.pick("lexguard wurde nicht beendet", "lexguard did not quit").into(),
            body: lang.pick(
                format!("Neue Zugangsdaten sind noch nicht im Schlüsselbund gespeichert; beim Beenden gingen sie verloren. {}", e.message(lang)),
                format!("New credentials are not saved in the keychain yet; quitting now would lose them. {}", e.message(lang)),
            ),
            opens_window: false,
            urgent: true,
        },
        lang.pick("Öffnen", "Open"),
    );
}
