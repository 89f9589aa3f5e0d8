//! SIGTERM, SIGINT and SIGHUP while a command runs (systemd stopping a timer, Ctrl-C, a
//! closed terminal); on Windows Ctrl-C, Ctrl-Break, a closed console window, log-off and
//! shut-down. Dying at once could cut a refresh between Lexware's answer (the old
//! refresh token is now dead) and the keychain write (the new one not yet saved): the
//! connection would be lost. So the command runs in its own task; on a signal the engine is
//! closed (the operation in flight finishes and is saved, a token set held only in memory is
//! written), bounded in time, and the process exits with 128 + the signal's number.
//!
//! On Windows tokio keeps the process alive after a close, log-off or shut-down event until
//! it exits on its own; Windows itself ends it after a few seconds (about 5 for a closed
//! console), so a refresh in flight gets that long.

use crate::engine::Engine;
use crate::text::i18n::Lang;
use std::time::Duration;

/// How long to wait for the operation in flight. A refresh is one request of at most 30 s,
/// but whoever sends SIGTERM (systemd: 90 s, a shell user: now) wants an answer soon.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

/// A signal that arrived.
#[derive(Debug, Clone, Copy)]
pub struct Caught {
    pub name: &'static str,
    /// The exit code: 128 + the signal's number.
    pub code: i32,
}

/// The handlers, installed before the command starts so that no signal falls through.
pub struct Signals {
    #[cfg(unix)]
    streams: Option<[(tokio::signal::unix::Signal, Caught); 3]>,
    #[cfg(windows)]
    console: Option<Console>,
}

/// The console events of Windows, each with its own listener.
#[cfg(windows)]
struct Console {
    c: tokio::signal::windows::CtrlC,
    brk: tokio::signal::windows::CtrlBreak,
    close: tokio::signal::windows::CtrlClose,
    logoff: tokio::signal::windows::CtrlLogoff,
    shutdown: tokio::signal::windows::CtrlShutdown,
}

impl Signals {
    /// Must run inside the runtime. If the handlers cannot be installed, signals keep their
    /// default action (the command still runs).
    pub fn listen() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let one =
                |kind: SignalKind, name, code| signal(kind).map(|s| (s, Caught { name, code }));
            let streams = (|| {
                Ok::<_, std::io::Error>([
                    one(SignalKind::terminate(), "SIGTERM", 143)?,
                    one(SignalKind::interrupt(), "SIGINT", 130)?,
                    one(SignalKind::hangup(), "SIGHUP", 129)?,
                ])
            })();
            if let Err(e) = &streams {
                tracing::warn!(error = %e, "signal handlers not installed");
            }
            Signals {
                streams: streams.ok(),
            }
        }
        #[cfg(windows)]
        {
            use tokio::signal::windows as w;
            let console = (|| {
                Ok::<_, std::io::Error>(Console {
                    c: w::ctrl_c()?,
                    brk: w::ctrl_break()?,
                    close: w::ctrl_close()?,
                    logoff: w::ctrl_logoff()?,
                    shutdown: w::ctrl_shutdown()?,
                })
            })();
            if let Err(e) = &console {
                tracing::warn!(error = %e, "console handlers not installed");
            }
            Signals {
                console: console.ok(),
            }
        }
        #[cfg(not(any(unix, windows)))]
        Signals {}
    }

    /// The next signal; pending forever when none can arrive.
    pub async fn recv(&mut self) -> Caught {
        #[cfg(unix)]
        {
            let Some([(term, t), (int, i), (hup, h)]) = &mut self.streams else {
                return std::future::pending().await;
            };
            tokio::select! {
                Some(()) = term.recv() => *t,
                Some(()) = int.recv() => *i,
                Some(()) = hup.recv() => *h,
                else => std::future::pending().await,
            }
        }
        #[cfg(windows)]
        {
            let Some(c) = &mut self.console else {
                return std::future::pending().await;
            };
            // Exit codes as a POSIX shell reports them: 128 + SIGINT (2), SIGBREAK (21),
            // SIGHUP (1) for a closed console, SIGTERM (15) for log-off and shut-down.
            let caught = |name, code| Caught { name, code };
            tokio::select! {
                Some(()) = c.c.recv() => caught("Ctrl-C", 130),
                Some(()) = c.brk.recv() => caught("CTRL_BREAK_EVENT", 149),
                Some(()) = c.close.recv() => caught("CTRL_CLOSE_EVENT", 129),
                Some(()) = c.logoff.recv() => caught("CTRL_LOGOFF_EVENT", 143),
                Some(()) = c.shutdown.recv() => caught("CTRL_SHUTDOWN_EVENT", 143),
                else => std::future::pending().await,
            }
        }
        #[cfg(not(any(unix, windows)))]
        {
            match tokio::signal::ctrl_c().await {
                Ok(()) => Caught {
                    name: "Ctrl-C",
                    code: 130,
                },
                Err(_) => std::future::pending().await,
            }
        }
    }
}

/// Lets the operation in flight finish and be saved, then says in one line on stderr what
/// happened; returns the exit code and whether everything was saved.
pub async fn stop(engine: &Engine, caught: Caught, lang: Lang) -> (i32, bool) {
    let s = caught.name;
    let closed = tokio::time::timeout(CLOSE_WAIT, engine.close()).await;
    let clean = matches!(closed, Ok(Ok(_)));
    let line = match closed {
        Ok(Ok(_)) => lang.pick(
            format!("Abgebrochen ({s}), nachdem der laufende Vorgang beendet und gespeichert wurde."),
            format!("Stopped ({s}) after the running operation had finished and was saved."),
        ),
        Ok(Err(e)) => lang.pick(
            format!(
                "Abgebrochen ({s}). Achtung: Die erneuerten Zugangsdaten konnten nicht gespeichert werden: {} Meldet „lexguard status“ danach „Verbindung verloren“, verbinden Sie sich bitte neu.",
                e.message(lang)
            ),
            format!(
                "Stopped ({s}). Warning: the refreshed credentials could not be saved: {} If \"lexguard status\" then reports \"Connection lost\", please reconnect.",
                e.message(lang)
            ),
        ),
        Err(_) => lang.pick(
            format!(
                "Abgebrochen ({s}), ohne dass der laufende Vorgang nach {} Sekunden fertig war. Bitte prüfen Sie mit „lexguard status“, ob die Verbindung noch besteht.",
                CLOSE_WAIT.as_secs()
            ),
            format!(
                "Stopped ({s}); the running operation had not finished after {} seconds. Please check with \"lexguard status\" that the connection still stands.",
                CLOSE_WAIT.as_secs()
            ),
        ),
    };
    eprintln!("{line}");
    (caught.code, clean)
}
