//! The app keeps every connection alive, like `lexguard serve`: the first at start, the
//! others as the core's [`Roster`] finds them, also ones the CLI makes while the app runs
//! (picked up within [`lexguard::connections::LOOK_EVERY`], no restart), and one added in
//! the window at once. A removed one (`lexguard connections remove`) is let go.

use lexguard::connections::{self, ConnectionName, Roster};
use lexguard::{Engine, Home, Lang};
use std::sync::Mutex;
use tauri::{AppHandle, Manager, Runtime};

/// The roster, managed while the app keeps connections.
pub struct Keeper(Mutex<Roster>);

/// The connection the app starts with and its engine: `default`, or the first named one
/// when `default` is unused beside named connections.
pub fn first_engine(lang: Lang) -> lexguard::Result<(ConnectionName, Engine)> {
    let base = Home::from_env()?;
    let name = connections::names(&base)
        .into_iter()
        .next()
        .unwrap_or_else(ConnectionName::default_name);
    let engine = connections::engine_in(&base, lang, &name)?;
    Ok((name, engine))
}

/// Starts looking for the other connections (the first one runs already).
pub fn watch<R: Runtime>(app: &AppHandle<R>, lang: Lang) {
    let Ok(base) = Home::from_env() else { return };
    let Some(state) = app.try_state::<crate::AppState>() else {
        return;
    };
    let mut roster = Roster::new(base, lang);
    for m in state.fleet.all() {
        roster.keep(m.name);
    }
    if !app.manage(Keeper(Mutex::new(roster))) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            look(&app);
            tokio::time::sleep(connections::LOOK_EVERY).await;
        }
    });
}

/// One look: start the new connections, let the removed ones go.
fn look<R: Runtime>(app: &AppHandle<R>) {
    let Some(keeper) = app.try_state::<Keeper>() else {
        return;
    };
    let look = keeper.0.lock().unwrap_or_else(|e| e.into_inner()).look();
    for (name, engine) in look.added {
        tracing::info!(connection = %name, "connection found; keeping it alive");
        crate::startup::add(app, name, engine);
    }
    for (name, e) in look.failed {
        tracing::warn!(connection = %name, kind = e.kind(), "connection cannot be opened");
    }
    for name in look.removed {
        tracing::info!(connection = %name, "connection removed; letting it go");
        crate::startup::remove(app, &name);
    }
}

/// A connection added in the window: made (its folder), opened and kept alive at once.
pub fn open<R: Runtime>(app: &AppHandle<R>, name: &ConnectionName) -> lexguard::Result<()> {
    let Some(keeper) = app.try_state::<Keeper>() else {
        return Err(lexguard::Error::invalid(
            "In der Demo gibt es nur eine Verbindung.",
            "The demo has just one connection.",
        ));
    };
    let engine = keeper
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .open(name)?;
    crate::startup::add(app, name.clone(), engine);
    Ok(())
}
