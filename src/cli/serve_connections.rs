//! `lexguard serve` without `-c` keeps every connection alive, not just `default`: each named
//! connection gets a loop of its own (its own schedule, lock and backoff, so one's wait or
//! loss never delays another's refresh), and a connection the CLI makes while the service
//! runs is picked up at the next look (every [`LOOK_EVERY`]) without a restart. `default`
//! stays in `serve`'s own loop, with systemd's readiness, watchdog and `STATUS=` line.

use crate::config::Home;
use crate::connections::{self, ConnectionName};
use crate::engine::{Engine, TickCause};
use crate::text::i18n::Lang;
use chrono::Duration as Wall;
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

/// How often the connections folder is looked at, and the longest wait before the wall clock
/// is read again (as in `serve`: a suspended machine is noticed within one slice).
const LOOK_EVERY: Duration = Duration::from_secs(15);

/// The engines of the named connections, so a signal lets their refresh finish too.
static RUNNING: Mutex<Vec<Engine>> = Mutex::new(Vec::new());

/// Starts the loop that finds named connections and keeps each alive.
pub(super) fn start(lang: Lang) {
    tokio::spawn(async move {
        let mut started = BTreeSet::new();
        loop {
            if let Ok(base) = Home::from_env() {
                for name in connections::names(&base) {
                    if name.is_default() || started.contains(&name) {
                        continue;
                    }
                    match connections::engine_in(&base, lang, &name) {
                        Ok(engine) => {
                            if let Ok(mut running) = RUNNING.lock() {
                                running.push(engine.clone());
                            }
                            tokio::spawn(keep(name.clone(), engine));
                            started.insert(name);
                        }
                        // Said once per look until it is fixed; the others go on.
                        Err(e) => tracing::warn!("{name}: {}", e.message(lang)),
                    }
                }
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    });
}

/// Lets the running operation of every named connection finish and be stored.
pub(super) async fn close_all() {
    let engines: Vec<Engine> = RUNNING.lock().map(|r| r.clone()).unwrap_or_default();
    for engine in engines {
        let _ = tokio::time::timeout(Duration::from_secs(10), engine.close()).await;
    }
}

/// One connection's loop: tick, then wait `check_every` by the wall clock.
async fn keep(name: ConnectionName, engine: Engine) {
    let lang = engine.lang();
    tracing::info!(
        "{}",
        lang.pick(
            format!("{name}: wird am Leben gehalten."),
            format!("{name}: kept alive."),
        )
    );
    tokio::spawn(engine.clone().follow_alerts());
    tokio::spawn(log_events(name.clone(), engine.clone()));
    let mut last_headline = String::new();
    let mut cause = TickCause::Scheduled;
    loop {
        match engine.tick(cause).await {
            Ok(report) if report.status.headline != last_headline => {
                last_headline.clone_from(&report.status.headline);
                tracing::info!("{name}: {last_headline}");
            }
            Ok(_) => {}
            Err(crate::Error::ShuttingDown) => return,
            Err(e) => tracing::warn!("{name}: {}", e.message(engine.lang())),
        }
        let every = Wall::from_std(engine.schedule().check_every).unwrap_or(Wall::minutes(1));
        let started = engine.now();
        cause = loop {
            tokio::time::sleep(LOOK_EVERY).await;
            let now = engine.now();
            if now < started {
                break TickCause::Scheduled;
            }
            if now - started >= every {
                break if now - started > every * 2 {
                    TickCause::Resume
                } else {
                    TickCause::Scheduled
                };
            }
        };
    }
}

/// The connection's events in the journal, each with its name.
async fn log_events(name: ConnectionName, engine: Engine) {
    let mut events = engine.subscribe();
    loop {
        match events.recv().await {
            Ok(event) => tracing::info!("{name}: {}", event.describe(engine.lang(), engine.now())),
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}
